"""`verify`: check that each contract's promise still holds, concurrently, and record it.

Three phases, because a SQLite connection belongs to the thread that opened it while the
checks themselves are mostly waiting on other processes:

1. plan (the caller's thread): read the tools and their contracts;
2. check (worker threads, at most `jobs` at once): run `--help`, talk to MCP servers, ask
   git for the commit; no database access here;
3. record (the caller's thread again): as soon as a tool's last check is done, its
   verifications, contract statuses and run summary go in one short transaction.

Levels: `quick` only looks for the executables; `default` runs `<command> --help`, which
must exit 0 and print usage, and lists the MCP server's tools; `strict` also wants every
`--flag` the manifest's command mentions to appear in that help text.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pai_deps.db import Connection, transaction
from pai_deps.errors import PaiDepsError
from pai_deps.models import ContractRow, ToolRow
from pai_deps.output import Progress
from pai_deps.repo import contracts, runs, tools, verifications
from pai_deps.schemas import SchemaChange, diff_schemas, load_json_file, worst_severity
from pai_deps.timeutil import now_iso
from pai_deps.verify.runner import (
    RunResult,
    declared_flags,
    resolve_executable,
    run,
    split_command,
    strip_placeholders,
)
from pai_deps.verify.selection import find_contract, schema_file

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

_USAGE = re.compile(r"\busage\b", re.IGNORECASE)
_MAX_LINE = 200


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

    def wants(self, contract_type: str) -> bool:
        """`--cli-only`/`--mcp-only` narrow the run; other kinds show only in a full run."""
        if contract_type == "cli_output":
            return self.cli
        if contract_type == "mcp_tool":
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

    @property
    def checked(self) -> bool:
        return self.outcome != "skip"

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

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.server_name,
            "version": self.server_version,
            "protocol": self.protocol_version,
            "pages": self.pages,
        }


@dataclass(frozen=True)
class RunCounts:
    """A tool's run in numbers; each declared MCP contract lands in exactly one bucket."""

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

    @property
    def failed(self) -> int:
        return self.cli_failed + self.mcp_missing + self.mcp_failed

    @property
    def passed(self) -> int:
        return self.cli_passed + self.mcp_found

    @property
    def skipped(self) -> int:
        return self.cli_skipped + self.mcp_skipped + self.other_skipped

    @property
    def checked(self) -> int:
        return self.passed + self.failed

    def __add__(self, other: RunCounts) -> RunCounts:
        return RunCounts(**{k: getattr(self, k) + getattr(other, k) for k in vars(self)})


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

    @property
    def counts(self) -> RunCounts:
        tally: dict[str, int] = {}

        def bump(key: str) -> None:
            tally[key] = tally.get(key, 0) + 1

        for check in self.checks:
            kind = check.contract.contract_type
            if kind == "cli_output":
                bump({"pass": "cli_passed", "fail": "cli_failed"}.get(check.outcome, "cli_skipped"))
            elif kind == "mcp_tool":
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
        return RunCounts(**tally, mcp_extra=len(self.mcp.extra) if self.mcp else 0)

    @property
    def status(self) -> Literal["pass", "fail", "skip"]:
        counts = self.counts
        if counts.failed:
            return "fail"
        return "pass" if counts.checked else "skip"


@dataclass
class VerifyReport:
    level: Level
    tools: list[ToolVerification]
    saved: bool
    duration_ms: int
    warnings: list[str] = field(default_factory=list)

    @property
    def counts(self) -> RunCounts:
        total = RunCounts()
        for result in self.tools:
            total = total + result.counts
        return total

    @property
    def status(self) -> Literal["pass", "fail", "skip"]:
        counts = self.counts
        if counts.failed:
            return "fail"
        return "pass" if counts.checked else "skip"

    @property
    def exit_code(self) -> int:
        """1 when a contract failed. Nothing checked is a warning (status `skip`), not a
        failure: no promise was found broken, and a library-only tool has nothing to run."""
        return 1 if self.status == "fail" else 0


# -- checking one contract -----------------------------------------------------------------


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    return last if len(last) <= _MAX_LINE else last[: _MAX_LINE - 1] + "…"


def _mentions(text: str, flag: str) -> bool:
    """`--json` appears as a flag of its own (not as part of `--json-lines`)."""
    return re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", text) is not None


def _exit_description(code: int) -> str:
    if code < 0:
        import signal

        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


def check_cli(contract: ContractRow, tool: ToolRow, level: Level, timeout: float) -> ContractCheck:
    """`<command without placeholders> --help`, judged at `level`. Never raises for a
    broken command: every problem is a failed check."""

    def fail(message: str, **checks: Any) -> ContractCheck:
        return ContractCheck(contract, "fail", message, checks={"exists": False, **checks})

    cwd = Path(tool.path)
    if not cwd.is_dir():
        return fail(f"tool directory not found: {cwd}")
    try:
        argv = strip_placeholders(split_command(contract.name))
    except PaiDepsError as exc:
        return fail(exc.message)
    if not argv:
        return fail("nothing to run once the <placeholders> are removed")
    if level == "quick":
        started = time.monotonic()
        executable = resolve_executable(argv[0], cwd=cwd)
        elapsed = round((time.monotonic() - started) * 1000)
        if executable is None:
            check = fail(f"command not found: {argv[0]}")
        else:
            check = ContractCheck(contract, "pass", f"found {executable}", checks={"exists": True})
        check.duration_ms = elapsed
        check.context = {"argv": argv}
        return check

    help_argv = argv if "--help" in argv else [*argv, "--help"]
    try:
        result = run(help_argv, cwd=cwd, timeout=timeout)
    except PaiDepsError as exc:  # the directory vanished since the check above
        return fail(exc.message)
    check = _judge_help(contract, result, level, timeout)
    check.duration_ms = result.duration_ms
    check.context = {"argv": help_argv, "exitCode": result.returncode}
    if result.timed_out:
        check.context["timedOut"] = True
    if result.truncated:
        check.context["truncated"] = True
    if check.outcome == "fail" and result.stderr.strip():
        check.context["stderr"] = _last_line(result.stderr)
    return check


def _judge_help(
    contract: ContractRow, result: RunResult, level: Level, timeout: float
) -> ContractCheck:
    def verdict(outcome: Outcome, message: str, **checks: Any) -> ContractCheck:
        return ContractCheck(contract, outcome, message, checks=checks)

    if result.not_found:
        return verdict("fail", _last_line(result.stderr) or "command not found", exists=False)
    if result.timed_out:
        return verdict("fail", f"no answer within {timeout:g} s (killed)", exists=True)
    if result.returncode is None or result.returncode != 0:
        message = f"--help {_exit_description(result.returncode or -9)}"
        reason = _last_line(result.stderr)
        return verdict(
            "fail", f"{message}: {reason}" if reason else message, exists=True, helpAvailable=False
        )
    text = f"{result.stdout}\n{result.stderr}"
    if not _USAGE.search(text):
        return verdict(
            "fail", "--help exited 0 but printed no usage text", exists=True, helpAvailable=False
        )
    if level != "strict":
        return verdict("pass", "usage shown", exists=True, helpAvailable=True)
    flags = declared_flags(contract.name)
    missing = [flag for flag in flags if not _mentions(text, flag)]
    checks = {"exists": True, "helpAvailable": True, "flags": flags, "missingFlags": missing}
    if missing:
        return verdict("fail", f"help does not mention {', '.join(missing)}", **checks)
    documented = f"{len(flags)} declared flag{'s' if len(flags) != 1 else ''} documented"
    return verdict("pass", f"usage shown; {documented}", **checks)


def check_mcp(
    tool: ToolRow,
    declared: list[ContractRow],
    *,
    level: Level,
    timeout: float,
    known_names: set[str] | None,
) -> tuple[list[ContractCheck], McpSession]:
    """Start the tool's server once and judge every declared MCP contract against it.

    `known_names`: every MCP tool the manifest declares, for reporting extras; None when
    only some contracts were asked for, where extras would be noise.
    """
    session = McpSession(command=tool.mcp_start)

    def every(outcome: Outcome, message: str, **checks: Any) -> list[ContractCheck]:
        return [ContractCheck(c, outcome, message, checks=dict(checks)) for c in declared]

    if not tool.mcp_start:
        session.skipped = "no mcp_start in the manifest"
        return every("skip", "no mcp_start in the manifest to start the server"), session
    cwd = Path(tool.path)
    if not cwd.is_dir():
        session.error = f"tool directory not found: {cwd}"
        return every("fail", session.error), session
    try:
        argv = split_command(tool.mcp_start)
    except PaiDepsError as exc:
        session.error = exc.message
        return every("fail", f"mcp_start: {exc.message}"), session

    started = time.monotonic()
    if level == "quick":
        executable = resolve_executable(argv[0], cwd=cwd)
        session.duration_ms = round((time.monotonic() - started) * 1000)
        if executable is None:
            session.error = f"MCP server command not found: {argv[0]}"
            return every("fail", session.error, exists=False), session
        return every("pass", f"server command found: {executable}", exists=True), session

    from pai_deps.verify.mcp_client import McpError, list_server_tools

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
    session.started = True
    session.server_name = listing.server_name
    session.server_version = listing.server_version
    session.protocol_version = listing.protocol_version
    session.pages = listing.pages
    session.listed = len(listing.tools)
    session.warnings = list(listing.warnings)
    listed = {item.name: item for item in listing.tools}
    if known_names is not None:
        session.extra = [item.name for item in listing.tools if item.name not in known_names]

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
            check = _judge_input_schema(tool, contract, item.input_schema)
        check.duration_ms = session.duration_ms
        check.context["server"] = session.describe()
        results.append(check)
    return results, session


def _judge_input_schema(
    tool: ToolRow, contract: ContractRow, served: dict[str, Any]
) -> ContractCheck:
    """A listed tool: compare its `inputSchema` with the declared schema file, if any.

    The file is what callers were promised they may send; the server's schema is what it
    accepts now. Request direction: a change that rejects old calls is breaking.
    """
    checks: dict[str, Any] = {"serverStarted": True, "inServer": True}
    if not contract.schema_path:
        return ContractCheck(
            contract, "pass", "listed by the server", checks=checks, presence="found"
        )
    path = schema_file(tool, contract.schema_path)
    context: dict[str, Any] = {"schemaFile": str(path)}
    try:
        changes = diff_schemas(load_json_file(path), served, direction="request")
    except PaiDepsError as exc:
        checks["schemaCompared"] = False
        return ContractCheck(
            contract,
            "fail",
            f"cannot compare the input schema: {exc.message}",
            checks=checks,
            presence="found",
            context=context,
        )
    worst = worst_severity(changes)
    checks["schemaCompared"] = True
    checks["schemaSeverity"] = worst
    if worst is None:
        outcome: Outcome = "pass"
        message = "listed; input schema matches"
    elif worst == "cosmetic":
        outcome, message = "pass", "listed; input schema matches (annotations differ)"
    else:
        first = next(change for change in changes if change.severity == worst)
        more = f" (+{len(changes) - 1} more)" if len(changes) > 1 else ""
        where = first.pointer or "/"
        summary = f"{where}: {first.message}{more}"
        if worst == "breaking":
            outcome, message = "fail", f"input schema breaks callers: {summary}"
        else:
            outcome, message = "drift", f"input schema differs ({worst}): {summary}"
    return ContractCheck(
        contract,
        outcome,
        message,
        checks=checks,
        presence="found",
        changes=changes,
        context=context,
    )


def _not_run(contract: ContractRow) -> ContractCheck:
    what = {
        "library_export": "library export: nothing to run (`drift` checks schemas)",
        "db_schema": "database: nothing to run (`drift` checks its schema)",
    }
    return ContractCheck(contract, "skip", what.get(contract.contract_type, "nothing to run"))


# -- planning, running, recording -------------------------------------------------------------


@dataclass
class ToolPlan:
    tool: ToolRow
    contracts: list[ContractRow]
    known_mcp: set[str] | None


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
        known = {c.name for c in every if c.contract_type == "mcp_tool"}
        plans.append(
            ToolPlan(
                tool=tool,
                contracts=[c for c in chosen if options.wants(c.contract_type)],
                known_mcp=known if contract is None else None,
            )
        )
    return plans


@dataclass
class _Pending:
    """A tool whose checks are still running; finished when `remaining` reaches 0."""

    plan: ToolPlan
    level: Level
    remaining: int
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
                check = check_cli(contract, tool, level, timeout)
                return lambda p: p.checks.__setitem__(check.contract.id, check)

            units.append(cli_unit)
        elif contract.contract_type == "mcp_tool":
            mcp_contracts.append(contract)
        else:
            pending.checks[contract.id] = _not_run(contract)
    if mcp_contracts:

        def mcp_unit() -> Callable[[_Pending], None]:
            checks, session = check_mcp(
                tool, mcp_contracts, level=level, timeout=timeout, known_names=plan.known_mcp
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
        pending = _Pending(plan=plan, level=options.level, remaining=0)
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


def record(conn: Connection, result: ToolVerification, *, keep: int = HISTORY_KEEP) -> None:
    """Save one tool's run in one short transaction and prune its history to `keep`.

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
            mcp_failed=counts.mcp_failed,
            mcp_skipped=counts.mcp_skipped,
            git_commit=result.git_commit,
            duration_ms=result.duration_ms,
        )
        runs.prune_runs(conn, tool_id=result.tool.id, keep=keep)
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
            record(conn, result)

    results = run_checks(plans, options, on_done=done, progress=progress)
    report = VerifyReport(
        level=options.level,
        tools=results,
        saved=save,
        duration_ms=round((time.monotonic() - started) * 1000),
    )
    report.warnings = _warnings(report)
    return report


def _warnings(report: VerifyReport) -> list[str]:
    warnings = []
    for result in report.tools:
        session = result.mcp
        if session is None:
            continue
        if session.skipped:
            skipped = result.counts.mcp_skipped
            warnings.append(
                f"{result.tool.id}: {session.skipped}; "
                f"{skipped} MCP contract{'s' if skipped != 1 else ''} skipped"
            )
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


# -- JSON --------------------------------------------------------------------------------------


def _check_json(check: ContractCheck) -> dict[str, Any]:
    document: dict[str, Any] = {
        "contractId": check.contract.id,
        "status": check.outcome,
        "message": check.message,
        "checks": check.checks,
        "duration": check.duration_ms,
    }
    if check.outcome == "fail":
        document["error"] = check.message
    return document


def mcp_status(check: ContractCheck) -> str:
    if check.outcome == "skip":
        return "skipped"
    if check.presence == "missing":
        return "missing"
    return "failed" if check.outcome == "fail" else "found"


def report_json(report: VerifyReport, *, cli: bool, mcp: bool) -> dict[str, Any]:
    """The `verify --json` document.

    `cli` and `mcp` keep the TypeScript tool's shape (with added keys); `tools` has one
    summary per tool and `contracts` every other contract (library exports, databases).
    """
    counts = report.counts
    document: dict[str, Any] = {
        "success": report.exit_code == 0,
        "status": report.status,
        "level": report.level,
        "saved": report.saved,
    }
    if cli:
        cli_results = []
        for result in report.tools:
            checks = [c for c in result.checks if c.contract.contract_type == "cli_output"]
            if not checks:
                continue
            tally = result.counts
            cli_results.append(
                {
                    "tool": result.tool.id,
                    "type": result.tool.type,
                    "results": [{"command": c.contract.name, **_check_json(c)} for c in checks],
                    "summary": {
                        "passed": tally.cli_passed,
                        "failed": tally.cli_failed,
                        "skipped": tally.cli_skipped,
                        "total": len(checks),
                    },
                }
            )
        document["cli"] = {
            "results": cli_results,
            "summary": {
                "tools": len(cli_results),
                "passed": counts.cli_passed,
                "failed": counts.cli_failed,
                "skipped": counts.cli_skipped,
            },
        }
    mcp_results = []
    for result in report.tools:
        session = result.mcp
        if session is None:
            continue
        checks = [c for c in result.checks if c.contract.contract_type == "mcp_tool"]
        entries = [
            {
                "name": c.contract.name,
                **_check_json(c),
                "status": mcp_status(c),
                "outcome": c.outcome,
                "declared": True,
                "inServer": c.presence == "found",
                **({"changes": [x.as_dict() for x in c.changes]} if c.changes else {}),
            }
            for c in checks
        ]
        entries.extend(
            {"name": name, "status": "extra", "declared": False, "inServer": True}
            for name in session.extra
        )
        tally = result.counts
        entry: dict[str, Any] = {
            "tool": result.tool.id,
            "type": result.tool.type,
            "command": session.command,
            "serverStarted": session.started,
            "server": session.describe() if session.started else None,
            "durationMs": session.duration_ms,
            "results": entries,
            "summary": {
                "found": tally.mcp_found,
                "missing": tally.mcp_missing,
                "failed": tally.mcp_failed,
                "skipped": tally.mcp_skipped,
                "extra": tally.mcp_extra,
                "total": len(entries),
            },
        }
        if session.error:
            entry["error"] = session.error
        if session.skipped:
            entry["skipped"] = session.skipped
        mcp_results.append(entry)
    if mcp and mcp_results:
        document["mcp"] = {
            "results": mcp_results,
            "summary": {
                "tools": len(mcp_results),
                "found": counts.mcp_found,
                "missing": counts.mcp_missing,
                "failed": counts.mcp_failed,
                "skipped": counts.mcp_skipped,
                "extra": counts.mcp_extra,
            },
        }
    document["contracts"] = [
        {
            "tool": result.tool.id,
            "type": check.contract.contract_type,
            "name": check.contract.name,
            **_check_json(check),
        }
        for result in report.tools
        for check in result.checks
        if check.contract.contract_type not in ("cli_output", "mcp_tool")
    ]
    document["tools"] = [
        {
            "tool": result.tool.id,
            "type": result.tool.type,
            "status": result.status,
            "checked": result.counts.checked,
            "passed": result.counts.passed,
            "failed": result.counts.failed,
            "skipped": result.counts.skipped,
            "drifted": result.counts.drifted,
            "gitCommit": result.git_commit,
            "durationMs": result.duration_ms,
            "runId": result.run_id,
            "verifiedAt": result.verified_at,
        }
        for result in report.tools
    ]
    document["summary"] = {
        "tools": len(report.tools),
        "checked": counts.checked,
        "passed": counts.passed,
        "failed": counts.failed,
        "skipped": counts.skipped,
        "drifted": counts.drifted,
        "extra": counts.mcp_extra,
        "durationMs": report.duration_ms,
    }
    document["warnings"] = report.warnings
    return document
