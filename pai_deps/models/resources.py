"""Rows of the resources tools declare."""

from __future__ import annotations

from pai_deps.models._row import Row


class ResourceRow(Row):
    id: int
    tool_id: str
    uri: str
    schema_path: str | None
