"""Typed wrappers for `queries/runs.sql`."""

from __future__ import annotations

from sqlite3 import Connection

from pai_deps.models import VerificationRunRow
from pai_deps.repo._base import many, one, queries


def insert_run(
    conn: Connection,
    *,
    tool_id: str,
    verified_at: str,
    level: str,
    status: str,
    cli_passed: int,
    cli_failed: int,
    cli_skipped: int,
    mcp_found: int,
    mcp_missing: int,
    mcp_extra: int,
    mcp_failed: int,
    mcp_skipped: int,
    git_commit: str | None,
    duration_ms: int,
) -> VerificationRunRow:
    row = one(
        VerificationRunRow,
        queries().insert_run(
            conn,
            tool_id=tool_id,
            verified_at=verified_at,
            level=level,
            status=status,
            cli_passed=cli_passed,
            cli_failed=cli_failed,
            cli_skipped=cli_skipped,
            mcp_found=mcp_found,
            mcp_missing=mcp_missing,
            mcp_extra=mcp_extra,
            mcp_failed=mcp_failed,
            mcp_skipped=mcp_skipped,
            git_commit=git_commit,
            duration_ms=duration_ms,
        ),
    )
    assert row is not None  # RETURNING always yields the row
    return row


def list_runs_of(conn: Connection, *, tool_id: str, limit: int) -> list[VerificationRunRow]:
    return many(VerificationRunRow, queries().list_runs_of(conn, tool_id=tool_id, limit=limit))


def prune_runs(conn: Connection, *, tool_id: str, keep: int) -> int:
    return int(queries().prune_runs(conn, tool_id=tool_id, keep=keep))
