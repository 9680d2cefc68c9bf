"""Documents of `verify`, `verify-output` and `verify-history`.

`verify` keeps the TypeScript tool's shape (`cli`, `mcp`, with added keys) and adds a
summary per tool (`tools`), every other contract (`contracts`: library exports,
databases) and every declared contract that could not be checked (`unverified`). The
document is built from the run (`pai_deps.verify.document`); a person's view of the same
run is drawn from the run itself, in the order the contracts were checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import PrivateAttr

from pai_deps.models import (
    ContractStatus,
    ContractType,
    RunLevel,
    RunStatus,
    ToolType,
    VerificationStatus,
)
from pai_deps.results.base import CamelModel, Envelope, OmitNone
from pai_deps.schemacompat import SchemaChange, Severity

if TYPE_CHECKING:
    from pai_deps.verify.checks import VerifyReport

CheckOutcome = Literal["pass", "fail", "drift", "skip"]
McpStatus = Literal["found", "missing", "failed", "skipped"]


# -- verify: the CLI section ------------------------------------------------------------------


class CliCheckResult(CamelModel):
    """One CLI contract's check; `error` repeats the message of a failure."""

    command: str
    contract_id: int
    status: CheckOutcome
    message: str
    checks: dict[str, Any]
    duration: int
    error: OmitNone[str]
    unverified: OmitNone[str]
    schema_class: OmitNone[Severity]


class CliToolCounts(CamelModel):
    passed: int
    failed: int
    skipped: int
    total: int


class CliToolResult(CamelModel):
    tool: str
    type: ToolType
    results: list[CliCheckResult]
    summary: CliToolCounts


class CliCounts(CamelModel):
    tools: int
    passed: int
    failed: int
    skipped: int


class CliSection(CamelModel):
    results: list[CliToolResult]
    summary: CliCounts


# -- verify: the MCP section ------------------------------------------------------------------


class McpContractResult(CamelModel):
    """A declared MCP tool (or its output schema) against the server's listing."""

    name: str
    contract_type: ContractType
    contract_id: int
    status: McpStatus
    message: str
    checks: dict[str, Any]
    duration: int
    error: OmitNone[str]
    unverified: OmitNone[str]
    schema_class: OmitNone[Severity]
    outcome: CheckOutcome
    declared: Literal[True] = True
    in_server: bool
    changes: OmitNone[list[SchemaChange]]


class McpExtraTool(CamelModel):
    """A tool the server lists that the manifest does not declare."""

    name: str
    status: Literal["extra"] = "extra"
    declared: Literal[False] = False
    in_server: Literal[True] = True


class ServerInfo(CamelModel):
    name: str | None
    version: str | None
    protocol: str | None
    pages: int


class SnapshotEntry(CamelModel):
    """One tool of the stored snapshot, as the server offers it now."""

    name: str
    status: CheckOutcome
    message: str
    severity: str | None
    changes: list[SchemaChange]


class SnapshotComparison(CamelModel):
    taken_at: str
    tools: list[SnapshotEntry]
    failed: int


class McpToolCounts(CamelModel):
    found: int
    missing: int
    failed: int
    skipped: int
    extra: int
    total: int


class McpToolResult(CamelModel):
    """One tool's MCP server conversation (or why there was none) and its contracts."""

    tool: str
    type: ToolType
    command: str | None
    server_started: bool
    server: ServerInfo | None
    duration_ms: int
    results: list[McpContractResult | McpExtraTool]
    summary: McpToolCounts
    error: OmitNone[str]
    skipped: OmitNone[str]
    snapshot: OmitNone[SnapshotComparison]
    snapshot_taken: OmitNone[str]


class McpCounts(CamelModel):
    tools: int
    found: int
    missing: int
    failed: int
    skipped: int
    extra: int


class McpSection(CamelModel):
    results: list[McpToolResult]
    summary: McpCounts


# -- verify: everything else ------------------------------------------------------------------


class OtherContractResult(CamelModel):
    """A contract `verify` has nothing to run for (a library export, a database)."""

    tool: str
    type: ContractType
    name: str
    contract_id: int
    status: CheckOutcome
    message: str
    checks: dict[str, Any]
    duration: int
    error: OmitNone[str]
    unverified: OmitNone[str]
    schema_class: OmitNone[Severity]


class UnverifiedContract(CamelModel):
    """A declared contract (or a whole MCP server: `mcp_server`) that was not checked."""

    tool: str
    contract_type: ContractType | Literal["mcp_server"]
    contract: str
    reason: str


class ToolRunSummary(CamelModel):
    tool: str
    type: ToolType
    status: RunStatus
    checked: int
    passed: int
    failed: int
    skipped: int
    unverified: int
    drifted: int
    git_commit: str | None
    duration_ms: int
    run_id: int | None
    verified_at: str | None


class SchemaChangeCounts(CamelModel):
    """How many contracts' schema changes were of each class."""

    breaking: int
    risky: int
    compatible: int
    cosmetic: int


class VerifySummary(CamelModel):
    tools: int
    checked: int
    passed: int
    failed: int
    skipped: int
    unverified: int
    drifted: int
    schema_changes: SchemaChangeCounts
    extra: int
    duration_ms: int


class VerifyDocument(Envelope):
    """`pai-deps --json verify`; `cli` is left out under --mcp-only, `mcp` when no MCP
    server was involved (or under --cli-only)."""

    status: RunStatus
    level: RunLevel
    saved: bool
    allow_risky: bool
    allow_unverified: bool
    cli: OmitNone[CliSection]
    mcp: OmitNone[McpSection]
    contracts: list[OtherContractResult]
    unverified: list[UnverifiedContract]
    tools: list[ToolRunSummary]
    summary: VerifySummary
    warnings: list[str]
    # The run itself, for a person's view (per tool, in contract order); never printed.
    _run: VerifyReport | None = PrivateAttr(default=None)

    @property
    def run(self) -> VerifyReport:
        assert self._run is not None, "a document read back has no run"
        return self._run


# -- verify-output ---------------------------------------------------------------------------


class OutputProblem(CamelModel):
    """One way the document breaks the schema, located by JSON pointers."""

    path: str
    message: str
    keyword: str
    schema_path: str


class ConformanceDocument(Envelope):
    """`pai-deps --json verify-output`: `success` and `valid` agree."""

    valid: bool
    tool: str
    contract: str
    contract_type: ContractType
    schema_path: str
    source: str
    draft: str
    warnings: list[str]
    errors: list[OutputProblem]


# -- verify-history --------------------------------------------------------------------------


class RunEntry(CamelModel):
    """One `verify` run of a tool; `cliStatus`/`mcpStatus` are null when that side
    checked nothing."""

    id: int
    verified_at: str
    overall_status: RunStatus
    level: RunLevel
    cli_status: Literal["pass", "fail"] | None
    cli_passed: int
    cli_failed: int
    cli_skipped: int
    mcp_status: Literal["pass", "fail"] | None
    mcp_found: int
    mcp_missing: int
    mcp_failed: int
    mcp_skipped: int
    mcp_extra: int
    git_commit: str | None
    duration_ms: int


class ToolHistoryDocument(Envelope):
    """`pai-deps --json verify-history TOOL`, newest first."""

    tool: str
    history: list[RunEntry]
    count: int
    last_verified: str | None


class HistoryContract(CamelModel):
    id: int
    type: ContractType
    name: str
    status: ContractStatus
    last_verified: str | None


class CheckEntry(CamelModel):
    """One recorded check of a contract; `details` is the evidence saved with it."""

    id: int
    verified_at: str
    status: VerificationStatus
    git_commit: str | None
    duration_ms: int | None
    details: Any


class ContractHistoryDocument(Envelope):
    """`pai-deps --json verify-history TOOL --contract NAME`, newest first."""

    tool: str
    contract: HistoryContract
    history: list[CheckEntry]
    count: int
