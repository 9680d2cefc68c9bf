"""Save one tool's verify run: its checks, the contracts' statuses, the run summary."""

from __future__ import annotations

from pai_deps.db import Connection, transaction
from pai_deps.repo import contracts, runs, snapshots, tools, verifications
from pai_deps.timeutil import now_iso
from pai_deps.verify.checks import ToolVerification
from pai_deps.verify.mcp_check import snapshot_tools

# History kept per contract and per tool; older rows are pruned as new ones arrive.
HISTORY_KEEP = 100
# What a contract's status becomes after a check.
CONTRACT_STATUS: dict[str, str] = {"pass": "valid", "drift": "drift", "fail": "broken"}


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
