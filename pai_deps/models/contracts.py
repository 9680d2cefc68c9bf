"""Rows of contracts, MCP snapshots and the schema files tools name."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import field_validator

from pai_deps.kinds import (
    ContractStatus,
    ContractType,
)
from pai_deps.models._row import Row


class ContractRow(Row):
    id: int
    tool_id: str
    contract_type: ContractType
    name: str
    schema_path: str | None
    schema_hash: str | None
    last_verified: str | None
    status: ContractStatus
    schema_snapshot: str | None
    status_reason: str | None = None  # why the status is 'unknown' (0006), e.g. no schema file
    probe: list[str] | None = None
    help: list[str] | Literal[False] | None = None

    @field_validator("probe", "help", mode="before")
    @classmethod
    def _parse_json(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value


class SnapshotRow(Row):
    """The last `tools/list` of a tool's MCP server (`tools`: name, description, schemas)."""

    tool_id: str
    taken_at: str
    server_name: str | None
    server_version: str | None
    protocol: str | None
    tools: list[dict[str, Any]]

    @field_validator("tools", mode="before")
    @classmethod
    def _parse_tools(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value


class SchemaLocationRow(Row):
    """A schema file a tool names, as written in its manifest, and the tool's directory."""

    tool_id: str
    path: str
    schema_path: str
