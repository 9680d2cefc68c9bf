"""`verify`: check that each contract's promise still holds, concurrently, and record it.

Three phases, because a SQLite connection belongs to the thread that opened it while the
checks themselves are mostly waiting on other processes:

1. plan (the caller's thread): read the tools and their contracts;
2. check (worker threads, at most `jobs` at once): run `--help`, talk to MCP servers, ask
   git for the commit; no database access here;
3. record (the caller's thread again): as soon as a tool's last check is done, its
   verifications, contract statuses and run summary go in one short transaction.

Levels: `quick` only looks for the executables; `default` runs `<command> --help`, which
must exit 0 and print usage (or the manifest's `help:` arguments), runs the `probe:` and
validates its output, and lists the MCP server's tools; `strict` also wants every
`--flag` the manifest's command mentions to appear in that help text. The checks
themselves are `cli_check` and `mcp_check`; the JSON document is `verify_json`.

Exit rule: 1 when a contract failed, or when a declared contract could not be checked
(unverified: no `mcp_start`, a missing schema file) unless `--allow-unverified`; schema
changes are judged by the shared policy, `--allow-risky` included.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, Literal

from pai_deps.db import Connection, transaction
from pai_deps.errors import PaiDepsError
from pai_deps.models import ContractRow, SnapshotRow, ToolRow
from pai_deps.progress import Progress
from pai_deps.repo import contracts, runs, snapshots, tools, verifications
from pai_deps.schemacompat import SchemaChange
from pai_deps.timeutil import now_iso
from pai_deps.verify.cli_check import check_cli
from pai_deps.verify.mcp_check import NO_START, McpSession, check_mcp, snapshot_tools
from pai_deps.verify.selection import find_contract
from pai_deps.words import plural

__all__ = ["McpSession", "check_cli", "check_mcp"]

Level = Literal["quick", "default", "strict"]
Outcome = Literal["pass", "fail", "drift", "skip"]
Presence = Literal["found", "missing"]

LEVELS: tuple[Level, ...] = ("quick", "default", "strict")
# History kept per contract and per tool; older rows are pruned as new ones arrive.
HISTORY_KEEP = 100
# MCP servers started through npx/uvx often need several seconds; a hung `--help` only
# costs this much in the failure case.
DEFAULT_TIMEOUT_S = 10.0
# What a contract's status becomes after a check.
CONTRACT_STATUS: dict[str, str] = {"pass": "valid", "drift": "drift", "fail": "broken"}
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


# -- results ---------------------------------------------------------------------------------


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


def _status(counts: RunCounts, *, allow_unverified: bool) -> Literal["pass", "fail", "skip"]:
    if counts.failed or (counts.unverified and not allow_unverified):
        return "fail"
    return "pass" if counts.checked else "skip"


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
            kind = check.contract.contract_type
            if kind == "cli_output":
                bump({"pass": "cli_passed", "fail": "cli_failed"}.get(check.outcome, "cli_skipped"))
            elif kind in MCP_TYPES:
                if check.outcome == "skip":
                    bump("mcp_skipped")
                elif check.presence == "missing":
                    bump("mcp_missing")
                elif check.outcome == "fail":
                    bump("mcp_failed")
                else:
                    bump("mcp_found")
            else:
                bump("other_skipped")
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
    def status(self) -> Literal["pass", "fail", "skip"]:
        return _status(self.counts, allow_unverified=self.allow_unverified)

    def unverified(self) -> list[tuple[str, str, str]]:
        """(contract type, name, why) of every declared contract that was not checked."""
        found: list[tuple[str, str, str]] = [
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
    def status(self) -> Literal["pass", "fail", "skip"]:
        return _status(self.counts, allow_unverified=self.allow_unverified)

    @property
    def exit_code(self) -> int:
        """1 when a contract failed, or could not be checked (unless allowed). Nothing to
        check at all is a warning (status `skip`): a library has nothing to run."""
        return 1 if self.status == "fail" else 0


# -- checking one contract -----------------------------------------------------------------


def _not_run(contract: ContractRow) -> ContractCheck:
    what = {
        "library_export": "library export: nothing to run (`drift` checks schemas)",
        "db_schema": "database: nothing to run (`drift` checks its schema)",
    }
    return ContractCheck(contract, "skip", what.get(contract.contract_type, "nothing to run"))


# -- planning, running, recording -------------------------------------------------------------


@dataclass
class ToolPlan:
    """What one tool is checked for. `server` is set when its MCP server is started even
    without declared MCP contracts (to report its offer, or compare it with a snapshot)."""

    tool: ToolRow
    contracts: list[ContractRow]
    known_mcp: set[str] | None
    server: bool = False
    snapshot: SnapshotRow | None = None


def plan_checks(
    conn: Connection,
    selected: Iterable[ToolRow],
    options: VerifyOptions,
    *,
    contract: str | None = None,
) -> list[ToolPlan]:
    """What each tool will be checked for; `contract` picks one contract of each tool."""
    plans = []
    for tool in selected:
        every = contracts.list_contracts_of(conn, tool_id=tool.id)
        chosen = [find_contract(conn, tool, contract)] if contract is not None else every
        known = {c.name for c in every if c.contract_type in MCP_TYPES}
        wanted = [c for c in chosen if options.wants(c.contract_type)]
        whole_server = contract is None and options.mcp and options.level != "quick"
        snapshot = snapshots.get_snapshot(conn, tool_id=tool.id) if whole_server else None
        plans.append(
            ToolPlan(
                tool=tool,
                contracts=wanted,
                known_mcp=known if contract is None else None,
                server=whole_server
                and (bool(tool.mcp_start) or snapshot is not None)
                and (not known or snapshot is not None or options.snapshot),
                snapshot=snapshot,
            )
        )
    return plans


@dataclass
class _Pending:
    """A tool whose checks are still running; finished when `remaining` reaches 0."""

    plan: ToolPlan
    level: Level
    remaining: int
    allow_unverified: bool = False
    checks: dict[int, ContractCheck] = field(default_factory=dict)
    mcp: McpSession | None = None
    git_commit: str | None = None
    first_start: float | None = None
    last_end: float | None = None

    def finish(self) -> ToolVerification:
        by_id = self.checks
        ordered = [by_id[c.id] for c in self.plan.contracts]
        duration = 0
        if self.first_start is not None and self.last_end is not None:
            duration = round((self.last_end - self.first_start) * 1000)
        return ToolVerification(
            tool=self.plan.tool,
            level=self.level,
            checks=ordered,
            mcp=self.mcp,
            git_commit=self.git_commit,
            duration_ms=duration,
            allow_unverified=self.allow_unverified,
        )


Unit = Callable[[], Callable[["_Pending"], None]]


def _units(plan: ToolPlan, pending: _Pending, options: VerifyOptions) -> list[Unit]:
    """The independent pieces of work for one tool; each returns how to merge its result."""
    tool, level, timeout = plan.tool, options.level, options.timeout
    units: list[Unit] = []
    mcp_contracts = []
    for contract in plan.contracts:
        if contract.contract_type == "cli_output":

            def cli_unit(contract: ContractRow = contract) -> Callable[[_Pending], None]:
                check = check_cli(contract, tool, level, timeout, captured=options.captured)
                return lambda p: p.checks.__setitem__(check.contract.id, check)

            units.append(cli_unit)
        elif contract.contract_type in MCP_TYPES:
            mcp_contracts.append(contract)
        else:
            pending.checks[contract.id] = _not_run(contract)
    if mcp_contracts or plan.server:

        def mcp_unit() -> Callable[[_Pending], None]:
            checks, session = check_mcp(
                tool,
                mcp_contracts,
                level=level,
                timeout=timeout,
                known_names=plan.known_mcp,
                allow_risky=options.allow_risky,
                snapshot=plan.snapshot,
            )

            def merge(p: _Pending) -> None:
                p.mcp = session
                p.checks.update((check.contract.id, check) for check in checks)

            return merge

        units.append(mcp_unit)
    if units:

        def git_unit() -> Callable[[_Pending], None]:
            from pai_deps.gitutil import short_commit

            try:
                commit = short_commit(tool.path)
            except PaiDepsError:  # git missing or too slow: the commit is optional
                commit = None
            return lambda p: setattr(p, "git_commit", commit)

        units.append(git_unit)
    return units


def _timed(unit: Unit) -> tuple[float, float, Callable[[_Pending], None]]:
    started = time.monotonic()
    merge = unit()
    return started, time.monotonic(), merge


def run_checks(
    plans: list[ToolPlan],
    options: VerifyOptions,
    *,
    on_done: Callable[[ToolVerification], None],
    progress: Progress | None = None,
) -> list[ToolVerification]:
    """Run every tool's checks on at most `options.jobs` threads.

    `on_done` is called on the caller's thread as each tool completes (in completion
    order), so it may use the caller's database connection. Results come back in plan
    order.
    """
    progress = progress or Progress()
    finished: dict[str, ToolVerification] = {}
    work: list[tuple[_Pending, Unit]] = []
    for plan in plans:
        pending = _Pending(
            plan=plan,
            level=options.level,
            remaining=0,
            allow_unverified=options.allow_unverified,
        )
        units = _units(plan, pending, options)
        pending.remaining = len(units)
        if not units:
            finished[plan.tool.id] = pending.finish()
            on_done(finished[plan.tool.id])
        work.extend((pending, unit) for unit in units)
    progress.set_total(len(work))
    if work:
        pool = ThreadPoolExecutor(max_workers=options.jobs, thread_name_prefix="pai-verify")
        try:
            futures: dict[Future[tuple[float, float, Callable[[_Pending], None]]], _Pending] = {
                pool.submit(_timed, unit): pending for pending, unit in work
            }
            for future in as_completed(futures):
                pending = futures[future]
                started, ended, merge = future.result()
                merge(pending)
                pending.first_start = min(started, pending.first_start or started)
                pending.last_end = max(ended, pending.last_end or ended)
                pending.remaining -= 1
                progress.advance()
                if pending.remaining == 0:
                    result = pending.finish()
                    finished[result.tool.id] = result
                    on_done(result)
        finally:
            # On an error (or Ctrl-C) do not start what is queued; running checks end
            # within their own timeouts.
            pool.shutdown(wait=True, cancel_futures=True)
    return [finished[plan.tool.id] for plan in plans]


def record(
    conn: Connection,
    result: ToolVerification,
    *,
    keep: int = HISTORY_KEEP,
    snapshot: bool = False,
) -> None:
    """Save one tool's run in one short transaction and prune its history to `keep`;
    with `snapshot`, the server's listing becomes its new baseline in the same one.

    Contracts (or the tool) that disappeared while the checks ran, because someone
    re-registered or unregistered it, are not written.
    """
    now = now_iso()
    counts = result.counts
    with transaction(conn):
        if tools.get_tool(conn, id=result.tool.id) is None:
            return
        live = {row.id for row in contracts.list_contracts_of(conn, tool_id=result.tool.id)}
        for check in result.checks:
            if not check.checked or check.contract.id not in live:
                continue
            verifications.record_verification(
                conn,
                contract_id=check.contract.id,
                verified_at=now,
                status=check.outcome,
                details=check.details(result.level),
                git_commit=result.git_commit,
                duration_ms=check.duration_ms,
            )
            verifications.prune_verifications(conn, contract_id=check.contract.id, keep=keep)
            contracts.set_contract_status(
                conn, id=check.contract.id, status=CONTRACT_STATUS[check.outcome], now=now
            )
        if counts.checked:
            tools.mark_tool_verified(conn, id=result.tool.id, now=now)
        row = runs.insert_run(
            conn,
            tool_id=result.tool.id,
            verified_at=now,
            level=result.level,
            status=result.status,
            cli_passed=counts.cli_passed,
            cli_failed=counts.cli_failed,
            cli_skipped=counts.cli_skipped,
            mcp_found=counts.mcp_found,
            mcp_missing=counts.mcp_missing,
            mcp_extra=counts.mcp_extra,
            mcp_failed=counts.mcp_failed + counts.servers_failed,
            mcp_skipped=counts.mcp_skipped,
            git_commit=result.git_commit,
            duration_ms=result.duration_ms,
        )
        runs.prune_runs(conn, tool_id=result.tool.id, keep=keep)
        session = result.mcp
        if snapshot and session is not None and session.listing is not None:
            snapshots.put_snapshot(
                conn,
                tool_id=result.tool.id,
                taken_at=now,
                server_name=session.server_name,
                server_version=session.server_version,
                protocol=session.protocol_version,
                tools=snapshot_tools(session.listing),
            )
            result.snapshot_taken = now
    result.run_id = row.id
    result.verified_at = now


def verify(
    conn: Connection,
    selected: list[ToolRow],
    options: VerifyOptions,
    *,
    contract: str | None = None,
    save: bool = True,
    progress: Progress | None = None,
) -> VerifyReport:
    """Check the selected tools' contracts and (unless `save` is False) record the run."""
    started = time.monotonic()
    plans = plan_checks(conn, selected, options, contract=contract)

    def done(result: ToolVerification) -> None:
        if save:
            record(conn, result, snapshot=options.snapshot)

    results = run_checks(plans, options, on_done=done, progress=progress)
    report = VerifyReport(
        level=options.level,
        tools=results,
        saved=save,
        duration_ms=round((time.monotonic() - started) * 1000),
        allow_risky=options.allow_risky,
        allow_unverified=options.allow_unverified,
    )
    report.warnings = _warnings(report)
    return report


def _warnings(report: VerifyReport) -> list[str]:
    warnings = []
    for result in report.tools:
        session = result.mcp
        if session is not None and session.skipped:
            skipped = sum(1 for c in result.checks if c.contract.contract_type in MCP_TYPES)
            what = (
                f"{plural(skipped, 'MCP contract')} not checked"
                if skipped
                else ("its server's offer is not checked")
            )
            warnings.append(f"{result.tool.id}: {session.skipped}; {what}")
        for check in result.checks:
            if check.unverified is not None and check.unverified != NO_START:
                warnings.append(
                    f"{result.tool.id}: {check.contract.name}: not checked: {check.unverified}"
                )
        if session is not None:
            warnings.extend(f"{result.tool.id}: {warning}" for warning in session.warnings)
    if report.counts.checked == 0:
        if not report.tools:
            reason = "no registered tools"
        elif not any(result.checks for result in report.tools):
            reason = "no contracts match"
        else:
            reason = "every contract was skipped"
        warnings.append(f"0 contracts checked ({reason}): nothing was verified")
    return warnings
