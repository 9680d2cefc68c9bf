"""Typed rows: one pydantic model per shape a named query returns.

Callers never see raw tuples or dicts. Field names are the SQL column names; JSON output
uses camelCase aliases (`debtScore`, `manifestPath`, ...) so scripts written for the
TypeScript pai-deps keep working.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import ConfigDict, Json, field_validator

# The vocabularies live apart from pydantic (`pai_deps.kinds`); re-exported (`X as X`) here.
from pai_deps.kinds import DEPENDENCY_TYPES as DEPENDENCY_TYPES  # noqa: PLC0414
from pai_deps.kinds import TOOL_TYPES as TOOL_TYPES  # noqa: PLC0414
from pai_deps.kinds import ContractStatus as ContractStatus  # noqa: PLC0414
from pai_deps.kinds import ContractType as ContractType  # noqa: PLC0414
from pai_deps.kinds import DependencyType as DependencyType  # noqa: PLC0414
from pai_deps.kinds import ToolType as ToolType  # noqa: PLC0414
from pai_deps.kinds import VerificationStatus as VerificationStatus  # noqa: PLC0414
from pai_deps.results.base import CamelModel


class Row(CamelModel):
    """Base for rows: validated from SQL column names, dumped with camelCase aliases."""

    model_config = ConfigDict(frozen=True)


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


class ToolIdRow(Row):
    id: str


class ToolLocationRow(Row):
    id: str
    path: str
    manifest_path: str | None


class NeighbourRow(Row):
    """A directly connected tool, with the edge that connects it."""

    id: str
    name: str
    type: ToolType
    version: str | None
    reliability: float
    debt_score: int
    stub: bool
    edge_type: DependencyType
    version_constraint: str | None
    optional: bool


class EdgeRow(Row):
    consumer_id: str
    provider_id: str
    type: DependencyType
    optional: bool


class ReachRow(Row):
    """A tool reached by a transitive walk: its minimum depth and the neighbour it came via."""

    id: str
    name: str
    type: ToolType
    version: str | None
    reliability: float
    debt_score: int
    stub: bool
    depth: int
    via: str


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


class ResourceRow(Row):
    id: int
    tool_id: str
    uri: str
    schema_path: str | None


class VerificationRow(Row):
    """One check of one contract; `duration_ms` is NULL for rows written before 0003."""

    id: int
    contract_id: int
    verified_at: str
    status: VerificationStatus
    details: Any
    git_commit: str | None
    duration_ms: int | None

    @field_validator("details", mode="before")
    @classmethod
    def _parse_details(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value


class CycleRow(Row):
    id: int
    cycle: list[str]
    detected_at: str
    resolved: bool

    @field_validator("cycle", mode="before")
    @classmethod
    def _parse_cycle(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value


class MigrationRow(Row):
    migration_id: str
    applied_at_utc: str


class MigrationLockRow(Row):
    pid: int
    ctime: str | None


class ColumnRow(Row):
    """One column of one table, as the code generator infers parameter types from it."""

    table_name: str
    column_name: str
    column_type: str
    not_null: bool
    table_sql: str


class TableCountsRow(Row):
    tools: int
    dependencies: int
    contracts: int
    verifications: int
    circular_deps: int


RunLevel = Literal["quick", "default", "strict"]
RunStatus = Literal["pass", "fail", "skip"]


class VerificationRunRow(Row):
    """One tool's summary of one `verify` run."""

    id: int
    tool_id: str
    verified_at: str
    level: RunLevel
    status: RunStatus
    cli_passed: int
    cli_failed: int
    cli_skipped: int
    mcp_found: int
    mcp_missing: int
    mcp_extra: int
    mcp_failed: int
    mcp_skipped: int
    git_commit: str | None
    duration_ms: int


class SchemaLocationRow(Row):
    """A schema file a tool names, as written in its manifest, and the tool's directory."""

    tool_id: str
    path: str
    schema_path: str


class GraphNodeRow(Row):
    """A tool as the analyses see it: identity, type, the numbers they weigh, verification."""

    id: str
    name: str
    type: ToolType
    version: str | None
    reliability: float
    debt_score: int
    stub: bool
    last_verified: str | None


class TypeSummaryRow(Row):
    """Registered tools of one type: how many, their debt, their mean reliability."""

    type: ToolType
    tools: int
    total_debt: int
    average_debt: float
    average_reliability: float


class HealthCountsRow(Row):
    tools: int
    dependencies: int
    total_debt: int
    avg_reliability: float | None
    verified: int
    cycles: int
    high_debt: int


class RecentVerificationRow(Row):
    """A tool's latest verification: when, and the outcome of its latest recorded run."""

    id: str
    type: ToolType
    last_verified: str
    status: str | None
    level: str | None


class EdgeListRow(Row):
    """Every edge as (consumer, provider, edge type, optional), in one row.

    The column is JSON text, parsed and validated in one pass by pydantic-core (`Json`):
    about 3x cheaper than `json.loads` and then validating 15,000 Python tuples.
    """

    edges: Json[list[tuple[str, str, DependencyType, bool]]]


class DependencyRow(Row):
    """A whole `dependencies` row, as `db copy` moves it."""

    id: int
    consumer_id: str
    provider_id: str
    type: DependencyType
    version_constraint: str | None
    optional: bool
    created_at: str


class UseRow(Row):
    """One field of a provider's contract that a consumer reads (`depends_on[].uses`)."""

    consumer_id: str
    provider_id: str
    contract: str
    pointer: str  # "" for the whole contract


class UseCopyRow(Row):
    """A whole `dependency_uses` row, as `db copy` moves it."""

    id: int
    dependency_id: int
    contract: str
    pointer: str


class DeprecationRow(Row):
    """A contract its provider's manifest deprecates."""

    tool_id: str
    contract_type: ContractType
    name: str
    until: str | None
    message: str | None


class DeprecationCopyRow(Row):
    """A whole `contract_deprecations` row, as `db copy` moves it."""

    contract_id: int
    until: str | None
    message: str | None


class ToolDescriptionRow(Row):
    id: str
    description: str


class ContractStateRow(Row):
    """A contract as the HTML explorer shows it: its status and when drift was last seen."""

    id: int
    tool_id: str
    contract_type: ContractType
    name: str
    status: ContractStatus
    last_verified: str | None
    status_reason: str | None
    last_drift: str | None
