"""`verify-history`: what `verify` recorded, newest first.

Two views: a tool's runs (one summary row per `verify`), or one contract's checks. JSON
keeps the TypeScript tool's keys (`verifiedAt`, `overallStatus`, `cliPassed`, ...) and adds
what it never exposed (`cliSkipped`, `mcpExtra`, `durationMs`, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pai_deps.models import ContractRow, ToolRow, VerificationRow, VerificationRunRow
from pai_deps.registry import require_tool
from pai_deps.repo import runs, verifications
from pai_deps.verify.selection import find_contract

if TYPE_CHECKING:
    from pai_deps.db import Connection


@dataclass
class ToolHistory:
    tool: ToolRow
    runs: list[VerificationRunRow]


@dataclass
class ContractHistory:
    tool: ToolRow
    contract: ContractRow
    checks: list[VerificationRow]


def tool_history(conn: Connection, tool_id: str, *, limit: int) -> ToolHistory:
    tool = require_tool(conn, tool_id)
    return ToolHistory(tool, runs.list_runs_of(conn, tool_id=tool.id, limit=limit))


def contract_history(
    conn: Connection, tool_id: str, contract: str, *, limit: int
) -> ContractHistory:
    tool = require_tool(conn, tool_id)
    row = find_contract(conn, tool, contract)
    checks = verifications.list_contract_history(conn, contract_id=row.id, limit=limit)
    return ContractHistory(tool, row, checks)


def local_time(stamp: str) -> str:
    """A stored UTC stamp in the local zone, ISO 8601 with its offset, to the second."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return moment.astimezone().isoformat(timespec="seconds")


def _part_status(failed: int, passed: int) -> str | None:
    """`pass`/`fail` for one side of a run, None when that side checked nothing."""
    if failed:
        return "fail"
    return "pass" if passed else None


def run_json(row: VerificationRunRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "verifiedAt": row.verified_at,
        "overallStatus": row.status,
        "level": row.level,
        "cliStatus": _part_status(row.cli_failed, row.cli_passed),
        "cliPassed": row.cli_passed,
        "cliFailed": row.cli_failed,
        "cliSkipped": row.cli_skipped,
        "mcpStatus": _part_status(row.mcp_missing + row.mcp_failed, row.mcp_found),
        "mcpFound": row.mcp_found,
        "mcpMissing": row.mcp_missing,
        "mcpFailed": row.mcp_failed,
        "mcpSkipped": row.mcp_skipped,
        "mcpExtra": row.mcp_extra,
        "gitCommit": row.git_commit,
        "durationMs": row.duration_ms,
    }


def check_json(row: VerificationRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "verifiedAt": row.verified_at,
        "status": row.status,
        "gitCommit": row.git_commit,
        "durationMs": row.duration_ms,
        "details": row.details,
    }
