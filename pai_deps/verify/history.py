"""`verify-history`: what `verify` recorded, newest first.

Two views: a tool's runs (one summary row per `verify`), or one contract's checks. JSON
keeps the TypeScript tool's keys (`verifiedAt`, `overallStatus`, `cliPassed`, ...) and adds
what it never exposed (`cliSkipped`, `mcpExtra`, `durationMs`, ...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pai_deps.models import VerificationRow, VerificationRunRow
from pai_deps.registry import require_tool
from pai_deps.repo import runs, verifications
from pai_deps.results.verify import (
    CheckEntry,
    ContractHistoryDocument,
    HistoryContract,
    RunEntry,
    ToolHistoryDocument,
)
from pai_deps.verify.selection import find_contract

if TYPE_CHECKING:
    from pai_deps.db import Connection


def history(
    conn: Connection, tool_id: str, *, contract: str | None, limit: int
) -> ToolHistoryDocument | ContractHistoryDocument:
    """A tool's runs, or with `contract` that contract's checks: the newest `limit`."""
    if contract is not None:
        return contract_history(conn, tool_id, contract, limit=limit)
    return tool_history(conn, tool_id, limit=limit)


def tool_history(conn: Connection, tool_id: str, *, limit: int) -> ToolHistoryDocument:
    tool = require_tool(conn, tool_id)
    rows = runs.list_runs_of(conn, tool_id=tool.id, limit=limit)
    return ToolHistoryDocument(
        tool=tool.id,
        history=[_run_entry(row) for row in rows],
        count=len(rows),
        last_verified=tool.last_verified,
    )


def contract_history(
    conn: Connection, tool_id: str, contract: str, *, limit: int
) -> ContractHistoryDocument:
    tool = require_tool(conn, tool_id)
    row = find_contract(conn, tool, contract)
    checks = verifications.list_contract_history(conn, contract_id=row.id, limit=limit)
    return ContractHistoryDocument(
        tool=tool.id,
        contract=HistoryContract(
            id=row.id,
            type=row.contract_type,
            name=row.name,
            status=row.status,
            last_verified=row.last_verified,
        ),
        history=[_check_entry(check) for check in checks],
        count=len(checks),
    )


def _part_status(failed: int, passed: int) -> Literal["pass", "fail"] | None:
    """`pass`/`fail` for one side of a run, None when that side checked nothing."""
    if failed:
        return "fail"
    return "pass" if passed else None


def _run_entry(row: VerificationRunRow) -> RunEntry:
    return RunEntry(
        id=row.id,
        verified_at=row.verified_at,
        overall_status=row.status,
        level=row.level,
        cli_status=_part_status(row.cli_failed, row.cli_passed),
        cli_passed=row.cli_passed,
        cli_failed=row.cli_failed,
        cli_skipped=row.cli_skipped,
        mcp_status=_part_status(row.mcp_missing + row.mcp_failed, row.mcp_found),
        mcp_found=row.mcp_found,
        mcp_missing=row.mcp_missing,
        mcp_failed=row.mcp_failed,
        mcp_skipped=row.mcp_skipped,
        mcp_extra=row.mcp_extra,
        git_commit=row.git_commit,
        duration_ms=row.duration_ms,
    )


def _check_entry(row: VerificationRow) -> CheckEntry:
    return CheckEntry(
        id=row.id,
        verified_at=row.verified_at,
        status=row.status,
        git_commit=row.git_commit,
        duration_ms=row.duration_ms,
        details=row.details,
    )
