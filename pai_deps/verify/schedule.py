"""Plan each tool's checks and run them concurrently, handing back each tool as it finishes.

A SQLite connection belongs to the thread that opened it, while the checks are mostly
waiting on other processes: so planning (reading contracts) happens on the caller's
thread, the checks themselves (`--help`, probes, MCP conversations, `git`) on at most
`jobs` worker threads with no database access, and each finished tool is handed back to
the caller's thread (`on_done`), which may record it at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from pai_deps.db import Connection
from pai_deps.errors import PaiDepsError
from pai_deps.models import ContractRow, SnapshotRow, ToolRow
from pai_deps.progress import Progress
from pai_deps.repo import contracts, snapshots
from pai_deps.verify.checks import (
    MCP_TYPES,
    ContractCheck,
    Level,
    ToolVerification,
    VerifyOptions,
)
from pai_deps.verify.cli_check import check_cli
from pai_deps.verify.mcp_check import McpSession, check_mcp
from pai_deps.verify.selection import find_contract


def _not_run(contract: ContractRow) -> ContractCheck:
    what = {
        "library_export": "library export: nothing to run (`drift` checks schemas)",
        "db_schema": "database: nothing to run (`drift` checks its schema)",
    }
    return ContractCheck(contract, "skip", what.get(contract.contract_type, "nothing to run"))


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
