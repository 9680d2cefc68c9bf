"""Rows of registered tools and stubs."""

from __future__ import annotations

from pai_deps.kinds import (
    ToolType,
)
from pai_deps.models._row import Row


class ToolRow(Row):
    id: str
    name: str
    path: str
    type: ToolType
    version: str | None
    reliability: float
    debt_score: int
    manifest_path: str | None
    stub: bool
    last_verified: str | None
    created_at: str
    updated_at: str
    manifest_hash: str | None
    description: str | None
    mcp_start: str | None
    slo: float | None = None


class ToolSummaryRow(Row):
    id: str
    name: str
    type: ToolType
    version: str | None
    reliability: float
    debt_score: int
    stub: bool
    path: str
    last_verified: str | None
    dependencies: int
    dependents: int
    slo: float | None = None


class ToolIdRow(Row):
    id: str


class ManifestHashRow(Row):
    manifest_path: str
    id: str
    manifest_hash: str | None


class ToolLocationRow(Row):
    id: str
    path: str
    manifest_path: str | None
