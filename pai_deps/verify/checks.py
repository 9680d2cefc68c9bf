"""What checking contracts finds: one contract's outcome, a tool's run, the whole report.

Also the options a run is made with. The counts and statuses here are the exit rule of
`verify`: a failed contract fails the run, and so does one that could not be checked
(unverified) unless that is allowed; nothing checked at all is `skip`, a warning.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pai_deps.models import ContractRow, ContractType, ToolRow
from pai_deps.schemacompat import SchemaChange

if TYPE_CHECKING:
    from pai_deps.verify.mcp_check import McpSession

Level = Literal["quick", "default", "strict"]
Outcome = Literal["pass", "fail", "drift", "skip"]
Presence = Literal["found", "missing"]
Status = Literal["pass", "fail", "skip"]

LEVELS: tuple[Level, ...] = ("quick", "default", "strict")
# MCP servers started through npx/uvx often need several seconds; a hung `--help` only
# costs this much in the failure case.
DEFAULT_TIMEOUT_S = 10.0
MCP_TYPES = ("mcp_tool", "mcp_output")


def default_jobs() -> int:
    """CPUs this process may use (the affinity mask, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class VerifyOptions:
    level: Level = "default"
    cli: bool = True
    mcp: bool = True
    timeout: float = DEFAULT_TIMEOUT_S
    jobs: int = field(default_factory=default_jobs)
    allow_risky: bool = False
    allow_unverified: bool = False
    snapshot: bool = False  # record each server's tools/list as its new baseline
    # A captured output (text, where it came from) for the one CLI contract checked.
    captured: tuple[str, str] | None = None

    def wants(self, contract_type: str) -> bool:
        """`--cli-only`/`--mcp-only` narrow the run; other kinds show only in a full run."""
        if contract_type == "cli_output":
            return self.cli
        if contract_type in MCP_TYPES:
            return self.mcp
        return self.cli and self.mcp


@dataclass
class ContractCheck:
    """The outcome of checking one contract.

    `outcome` is what is saved (`drift`: the promise holds, but the server's schema
    differs from the declared one without breaking callers). `context` is the evidence
    kept in the verification's JSON details (argv, exit code, server, schema changes).
    """

    contract: ContractRow
    outcome: Outcome
    message: str
    duration_ms: int = 0
    checks: dict[str, Any] = field(default_factory=dict)
    presence: Presence | None = None
    changes: list[SchemaChange] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)
    # Why a declared contract could not be checked (outcome `skip`); None otherwise.
    unverified: str | None = None

    @property
    def checked(self) -> bool:
        return self.outcome != "skip"

    @property
    def schema_class(self) -> str | None:
        """The class of the schema changes found (breaking .. cosmetic), if any."""
        from pai_deps.schemacompat import worst_severity

        return worst_severity(self.changes)

    def details(self, level: Level) -> dict[str, Any]:
        """The JSON saved with the verification row."""
        record: dict[str, Any] = {
            "level": level,
            "message": self.message,
            "checks": self.checks,
            **self.context,
        }
        if self.presence is not None:
            record["presence"] = self.presence
        if self.changes:
            record["changes"] = [change.as_dict() for change in self.changes]
        return record


@dataclass(frozen=True)
class RunCounts:
    """A tool's run in numbers; each declared MCP contract lands in exactly one bucket.

    `servers_ok`/`servers_failed` count server-level checks: a server started only to
    report its offer (no declared tools), and a stored snapshot compared with its offer.
    `unverified` are the skipped contracts that could not be checked; the class counts
    say how many contracts' schema changes were breaking, risky, compatible, cosmetic.
    """

    cli_passed: int = 0
    cli_failed: int = 0
    cli_skipped: int = 0
    mcp_found: int = 0
    mcp_missing: int = 0
    mcp_failed: int = 0
    mcp_skipped: int = 0
    mcp_extra: int = 0
    other_skipped: int = 0
    drifted: int = 0
    unverified: int = 0
    servers_ok: int = 0
    servers_failed: int = 0
    breaking: int = 0
    risky: int = 0
    compatible: int = 0
    cosmetic: int = 0

    @property
    def failed(self) -> int:
        return self.cli_failed + self.mcp_missing + self.mcp_failed + self.servers_failed

    @property
    def passed(self) -> int:
        return self.cli_passed + self.mcp_found + self.servers_ok

    @property
    def skipped(self) -> int:
        return self.cli_skipped + self.mcp_skipped + self.other_skipped

    @property
    def checked(self) -> int:
        return self.passed + self.failed

    def __add__(self, other: RunCounts) -> RunCounts:
        return RunCounts(**{k: getattr(self, k) + getattr(other, k) for k in vars(self)})


def _status(counts: RunCounts, *, allow_unverified: bool) -> Status:
    if counts.failed or (counts.unverified and not allow_unverified):
        return "fail"
    return "pass" if counts.checked else "skip"


def mcp_status(check: ContractCheck) -> Literal["found", "missing", "failed", "skipped"]:
    """An MCP contract's result in the TypeScript tool's words."""
    if check.outcome == "skip":
        return "skipped"
    if check.presence == "missing":
        return "missing"
    return "failed" if check.outcome == "fail" else "found"


def _bucket(check: ContractCheck) -> str:
    """The `RunCounts` field one checked contract adds to."""
    kind = check.contract.contract_type
    if kind == "cli_output":
        return {"pass": "cli_passed", "fail": "cli_failed"}.get(check.outcome, "cli_skipped")
    if kind not in MCP_TYPES:
        return "other_skipped"
    if check.outcome == "skip":
        return "mcp_skipped"
    if check.presence == "missing":
        return "mcp_missing"
    return "mcp_failed" if check.outcome == "fail" else "mcp_found"


@dataclass
class ToolVerification:
    tool: ToolRow
    level: Level
    checks: list[ContractCheck]
    mcp: McpSession | None = None
    git_commit: str | None = None
    duration_ms: int = 0
    run_id: int | None = None
    verified_at: str | None = None
    allow_unverified: bool = False
    snapshot_taken: str | None = None  # when `--snapshot` recorded this server's offer

    @property
    def counts(self) -> RunCounts:
        tally: dict[str, int] = {}

        def bump(key: str) -> None:
            tally[key] = tally.get(key, 0) + 1

        for check in self.checks:
            bump(_bucket(check))
            if check.outcome == "drift":
                bump("drifted")
            if check.unverified is not None:
                bump("unverified")
            if check.schema_class is not None:
                bump(check.schema_class)
        session = self.mcp
        if session is not None and (session.snapshot is not None or not self.checks):
            if session.skipped is not None and not self.checks:
                bump("unverified")  # a server nobody can start: its offer is unknown
            elif session.started and not session.snapshot_failed:
                bump("servers_ok")
            elif session.skipped is None:
                bump("servers_failed")
        return RunCounts(**tally, mcp_extra=len(session.extra) if session else 0)

    @property
    def status(self) -> Status:
        return _status(self.counts, allow_unverified=self.allow_unverified)

    def unverified(self) -> list[tuple[ContractType | Literal["mcp_server"], str, str]]:
        """(contract type, name, why) of every declared contract that was not checked; a
        server nobody can start is `mcp_server`."""
        found: list[tuple[ContractType | Literal["mcp_server"], str, str]] = [
            (c.contract.contract_type, c.contract.name, c.unverified)
            for c in self.checks
            if c.unverified is not None
        ]
        if self.mcp is not None and self.mcp.skipped is not None and not self.checks:
            found.append(("mcp_server", self.tool.mcp_start or "", self.mcp.skipped))
        return found


@dataclass
class VerifyReport:
    level: Level
    tools: list[ToolVerification]
    saved: bool
    duration_ms: int
    warnings: list[str] = field(default_factory=list)
    allow_risky: bool = False
    allow_unverified: bool = False

    @property
    def counts(self) -> RunCounts:
        total = RunCounts()
        for result in self.tools:
            total = total + result.counts
        return total

    @property
    def status(self) -> Status:
        return _status(self.counts, allow_unverified=self.allow_unverified)

    @property
    def exit_code(self) -> int:
        """1 when a contract failed, or could not be checked (unless allowed). Nothing to
        check at all is a warning (status `skip`): a library has nothing to run."""
        return 1 if self.status == "fail" else 0
