"""Typed wrappers for `queries/tools.sql`."""

from __future__ import annotations

from sqlite3 import Connection

from pai_deps.models import ToolIdRow, ToolLocationRow, ToolRow, ToolSummaryRow
from pai_deps.repo._base import many, one, queries


def get_tool(conn: Connection, *, id: str) -> ToolRow | None:
    return one(ToolRow, queries().get_tool(conn, id=id))


def list_tools(conn: Connection) -> list[ToolRow]:
    return many(ToolRow, queries().list_tools(conn))


def list_tool_summaries(
    conn: Connection, *, type: str | None, stub: bool | None
) -> list[ToolSummaryRow]:
    return many(ToolSummaryRow, queries().list_tool_summaries(conn, type=type, stub=stub))


def upsert_tool(
    conn: Connection,
    *,
    id: str,
    path: str,
    type: str,
    version: str | None,
    reliability: float,
    debt_score: int,
    manifest_path: str | None,
    manifest_hash: str | None,
    description: str | None,
    mcp_start: str | None,
    now: str,
) -> ToolRow:
    row = one(
        ToolRow,
        queries().upsert_tool(
            conn,
            id=id,
            path=path,
            type=type,
            version=version,
            reliability=reliability,
            debt_score=debt_score,
            manifest_path=manifest_path,
            manifest_hash=manifest_hash,
            description=description,
            mcp_start=mcp_start,
            now=now,
        ),
    )
    assert row is not None  # RETURNING always yields the row
    return row


def insert_stub(conn: Connection, *, id: str, type: str, now: str) -> int:
    """Returns 1 when a stub was created, 0 when the id already existed."""
    return int(queries().insert_stub(conn, id=id, type=type, now=now))


def demote_to_stub(conn: Connection, *, id: str, now: str) -> int:
    return int(queries().demote_to_stub(conn, id=id, now=now))


def delete_tool(conn: Connection, *, id: str) -> int:
    return int(queries().delete_tool(conn, id=id))


def delete_orphan_stubs(conn: Connection) -> list[ToolIdRow]:
    return many(ToolIdRow, queries().delete_orphan_stubs(conn))


def mark_tool_verified(conn: Connection, *, id: str, now: str) -> int:
    return int(queries().mark_tool_verified(conn, id=id, now=now))


def list_tool_locations(conn: Connection) -> list[ToolLocationRow]:
    return many(ToolLocationRow, queries().list_tool_locations(conn))


def list_tools_registered_from(conn: Connection, *, manifest_path: str) -> list[ToolIdRow]:
    return many(ToolIdRow, queries().list_tools_registered_from(conn, manifest_path=manifest_path))


def list_tool_ids(conn: Connection) -> list[ToolIdRow]:
    return many(ToolIdRow, queries().list_tool_ids(conn))
