"""`verify` for MCP contracts: start the server once, list every page, judge the schemas.

Each declared MCP tool is looked up in the server's `tools/list`. Its `inputSchema` is a
request contract (what callers send), its `outputSchema` a response contract (what
readers receive); each is compared with the schema file the manifest names, with the one
classifier and policy `drift` and `ci check` use (`pai_deps.schemacompat`): breaking
fails, risky fails unless `--allow-risky`, compatible passes as drift, cosmetic passes.

A server with `mcp_start` but no declared tools is still started and its offer
reported. With a stored snapshot (`verify --snapshot`), every tool the server offered
then is checked against what it offers now, declared or not.

A contract that cannot be checked (no `mcp_start`, a schema file that is missing) is
*unverified*: not failed, but `verify` exits 1 for it unless `--allow-unverified`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pai_deps.errors import PaiDepsError
from pai_deps.models import ContractRow, SnapshotRow, ToolRow
from pai_deps.schemacompat import (
    DEFAULT_DRAFT,
    Direction,
    SchemaChange,
    check_document,
    diff_schemas,
    fails,
    load_schema,
    verdict,
)
from pai_deps.verify.checks import ContractCheck, Level, Outcome
from pai_deps.verify.runner import resolve_executable, split_command
from pai_deps.verify.selection import schema_file

if TYPE_CHECKING:
    from pai_deps.verify.mcp_client import McpListing, McpTool

NO_START = "no mcp_start in the manifest to start the server"


@dataclass
class SchemaJudgement:
    """A served schema against a promised one, by the shared policy."""

    outcome: Outcome
    message: str
    verdict: str
    changes: list[SchemaChange] = field(default_factory=list)


def judge_schema(
    promised: Any, served: Any, *, direction: Direction, allow_risky: bool, what: str
) -> SchemaJudgement:
    """Classify `served` against `promised`; `what` names the schema in messages."""
    changes = diff_schemas(promised, served, direction=direction, default_draft="2020-12")
    worst = verdict(changes)
    if worst == "equivalent":
        return SchemaJudgement("pass", f"{what} matches", worst)
    if worst == "cosmetic":
        return SchemaJudgement("pass", f"{what} matches (annotations differ)", worst, changes)
    first = next(c for c in changes if c.severity == worst)
    more = f" (+{len(changes) - 1} more)" if len(changes) > 1 else ""
    summary = f"{first.pointer or '/'}: {first.message}{more}"
    if worst == "breaking":
        whom = "callers" if direction == "request" else "readers"
        return SchemaJudgement("fail", f"{what} breaks {whom}: {summary}", worst, changes)
    if fails(worst, allow_risky=allow_risky):
        return SchemaJudgement(
            "fail", f"{what} changed, risky (--allow-risky accepts): {summary}", worst, changes
        )
    allowed = " (allowed)" if worst == "risky" else ""
    return SchemaJudgement("drift", f"{what} differs ({worst}{allowed}): {summary}", worst, changes)


@dataclass
class SnapshotFinding:
    """One tool of the stored snapshot, as the server offers it now."""

    name: str
    outcome: Outcome
    message: str
    verdict: str | None = None
    changes: list[SchemaChange] = field(default_factory=list)


@dataclass
class McpSession:
    """One conversation with a tool's MCP server (or why there was none)."""

    command: str | None
    started: bool = False
    error: str | None = None
    skipped: str | None = None
    server_name: str | None = None
    server_version: str | None = None
    protocol_version: str | None = None
    pages: int = 0
    listed: int = 0
    extra: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    duration_ms: int = 0
    listing: McpListing | None = field(default=None, repr=False)
    snapshot: SnapshotRow | None = field(default=None, repr=False)
    snapshot_findings: list[SnapshotFinding] = field(default_factory=list)

    def describe(self) -> dict[str, Any]:
        """The server as a check's evidence records it (and `verify --json` shows it)."""
        return {
            "name": self.server_name,
            "version": self.server_version,
            "protocol": self.protocol_version,
            "pages": self.pages,
        }

    @property
    def snapshot_failed(self) -> int:
        return sum(1 for finding in self.snapshot_findings if finding.outcome == "fail")


def check_mcp(
    tool: ToolRow,
    declared: list[ContractRow],
    *,
    level: Level,
    timeout: float,
    known_names: set[str] | None,
    allow_risky: bool = False,
    snapshot: SnapshotRow | None = None,
) -> tuple[list[ContractCheck], McpSession]:
    """Start the tool's server once and judge every declared MCP contract against it.

    `known_names`: every MCP tool the manifest declares, for reporting extras; None when
    only some contracts were asked for, where extras would be noise. `declared` may be
    empty: the server is then started only to report (and compare) what it offers.
    """
    session = McpSession(command=tool.mcp_start, snapshot=snapshot)

    def every(outcome: Outcome, message: str, **checks: Any) -> list[ContractCheck]:
        return [ContractCheck(c, outcome, message, checks=dict(checks)) for c in declared]

    if not tool.mcp_start:
        session.skipped = "no mcp_start in the manifest"
        checks = every("skip", NO_START)
        for check in checks:
            check.unverified = NO_START
        return checks, session
    cwd = Path(tool.path)
    if not cwd.is_dir():
        session.error = f"tool directory not found: {cwd}"
        return every("fail", session.error), session
    try:
        argv = split_command(tool.mcp_start)
    except PaiDepsError as exc:
        session.error = exc.message
        return every("fail", f"mcp_start: {exc.message}"), session

    if level == "quick":
        started = time.monotonic()
        executable = resolve_executable(argv[0], cwd=cwd)
        session.duration_ms = round((time.monotonic() - started) * 1000)
        if executable is None:
            session.error = f"MCP server command not found: {argv[0]}"
            return every("fail", session.error, exists=False), session
        return every("pass", f"server command found: {executable}", exists=True), session

    from pai_deps.verify.mcp_client import McpError, list_server_tools, load_sdk

    load_sdk()  # our own import time is not the server's
    started = time.monotonic()
    try:
        listing = list_server_tools(argv, cwd=cwd, timeout=timeout, resources=False)
    except McpError as exc:
        session.duration_ms = round((time.monotonic() - started) * 1000)
        session.error = exc.message
        checks = every("fail", exc.message, serverStarted=False)
        for check in checks:
            check.duration_ms = session.duration_ms
        return checks, session
    session.duration_ms = round((time.monotonic() - started) * 1000)
    _describe(session, listing, known_names)
    results = _judge_listing(tool, declared, session, listing, allow_risky)
    if snapshot is not None:
        session.snapshot_findings = compare_snapshot(snapshot, listing, allow_risky=allow_risky)
    return results, session


def _judge_listing(
    tool: ToolRow,
    declared: list[ContractRow],
    session: McpSession,
    listing: McpListing,
    allow_risky: bool,
) -> list[ContractCheck]:
    """Each declared contract against what the server listed."""
    listed = {item.name: item for item in listing.tools}
    results = []
    for contract in declared:
        item = listed.get(contract.name)
        if item is None:
            check = ContractCheck(
                contract,
                "fail",
                "not listed by the server",
                checks={"serverStarted": True, "inServer": False},
                presence="missing",
            )
        else:
            check = _judge_contract(tool, contract, item, allow_risky)
        check.duration_ms = session.duration_ms
        check.context["server"] = session.describe()
        results.append(check)
    return results


def _describe(session: McpSession, listing: McpListing, known_names: set[str] | None) -> None:
    session.started = True
    session.listing = listing
    session.server_name = listing.server_name
    session.server_version = listing.server_version
    session.protocol_version = listing.protocol_version
    session.pages = listing.pages
    session.listed = len(listing.tools)
    session.warnings = list(listing.warnings)
    if known_names is not None:
        session.extra = [item.name for item in listing.tools if item.name not in known_names]


def _judge_contract(
    tool: ToolRow, contract: ContractRow, item: McpTool, allow_risky: bool
) -> ContractCheck:
    """A listed tool: compare the served schema with the declared file, if any."""
    output = contract.contract_type == "mcp_output"
    checks: dict[str, Any] = {"serverStarted": True, "inServer": True}

    def result(outcome: Outcome, message: str, **extra: Any) -> ContractCheck:
        return ContractCheck(contract, outcome, message, checks=checks, presence="found", **extra)

    served = item.output_schema if output else item.input_schema
    if not contract.schema_path:
        return result("pass", "listed by the server")
    if output and served is None:
        checks["schemaCompared"] = False
        return result("fail", "listed, but the server declares no outputSchema (one is promised)")
    path = schema_file(tool, contract.schema_path)
    context: dict[str, Any] = {"schemaFile": str(path)}
    what = "output schema" if output else "input schema"
    try:
        promised = load_schema(path, default=DEFAULT_DRAFT[contract.contract_type])
    except PaiDepsError as exc:
        checks["schemaCompared"] = False
        if exc.code == "file_not_found":
            check = result("skip", f"listed; {what} not compared: schema file not found: {path}")
            check.unverified = f"schema file not found: {path}"
            check.context = context
            return check
        return result("fail", f"cannot compare the {what}: {exc.message}", context=context)
    try:
        check_document(served, source=f"the server's {what}")
        judged = judge_schema(
            promised,
            served,
            direction="response" if output else "request",
            allow_risky=allow_risky,
            what=what,
        )
    except PaiDepsError as exc:
        checks["schemaCompared"] = False
        return result("fail", f"cannot compare the {what}: {exc.message}", context=context)
    checks["schemaCompared"] = True
    checks["schemaSeverity"] = None if judged.verdict == "equivalent" else judged.verdict
    message = f"listed; {judged.message}" if judged.outcome == "pass" else judged.message
    return result(judged.outcome, message, changes=judged.changes, context=context)


def compare_snapshot(
    snapshot: SnapshotRow, listing: McpListing, *, allow_risky: bool
) -> list[SnapshotFinding]:
    """Every tool the server offered when the snapshot was taken, against its offer now."""
    now = {item.name: item for item in listing.tools}
    findings = []
    for before in snapshot.tools:
        name = str(before.get("name"))
        item = now.get(name)
        if item is None:
            findings.append(
                SnapshotFinding(name, "fail", f"offered at {snapshot.taken_at}, not any more")
            )
            continue
        findings.append(_snapshot_tool(name, before, item, allow_risky))
    return findings


def _snapshot_tool(
    name: str, before: dict[str, Any], item: McpTool, allow_risky: bool
) -> SnapshotFinding:
    judgements = []
    sides: tuple[tuple[str, Any, str, str], ...] = (
        ("inputSchema", item.input_schema, "request", "input schema"),
        # No outputSchema any more: anything may come back.
        ("outputSchema", True if item.output_schema is None else item.output_schema,
         "response", "output schema"),
    )  # fmt: skip
    for key, served, direction, what in sides:
        promised = before.get(key)
        if promised is None:
            continue
        try:
            check_document(served, source=f"the server's {what}")
            judgements.append(
                judge_schema(
                    promised,
                    served,
                    direction=direction,  # type: ignore[arg-type]
                    allow_risky=allow_risky,
                    what=what,
                )
            )
        except PaiDepsError as exc:
            return SnapshotFinding(name, "fail", f"cannot compare the {what}: {exc.message}")
    order = {"fail": 0, "drift": 1, "pass": 2}
    judgements.sort(key=lambda j: order.get(j.outcome, 3))
    if not judgements:
        return SnapshotFinding(name, "pass", "still offered")
    worst = judgements[0]
    changes = [change for judged in judgements for change in judged.changes]
    return SnapshotFinding(name, worst.outcome, worst.message, worst.verdict, changes)


def snapshot_tools(listing: McpListing) -> list[dict[str, Any]]:
    """What a snapshot stores of a listing: every tool, every page."""
    return [
        {
            "name": item.name,
            "description": item.description,
            "inputSchema": item.input_schema,
            "outputSchema": item.output_schema,
        }
        for item in listing.tools
    ]
