"""Typed wrappers for `queries/graph.sql`."""

from __future__ import annotations

from sqlite3 import Connection

from pai_deps.models import EdgeListRow, ReachRow
from pai_deps.repo._base import many, one, queries


def transitive_dependencies(
    conn: Connection, *, tool_id: str, max_depth: int | None
) -> list[ReachRow]:
    return many(
        ReachRow,
        queries().transitive_dependencies(conn, tool_id=tool_id, max_depth=max_depth),
    )


def transitive_dependents(
    conn: Connection, *, tool_id: str, max_depth: int | None
) -> list[ReachRow]:
    return many(
        ReachRow,
        queries().transitive_dependents(conn, tool_id=tool_id, max_depth=max_depth),
    )


def edge_list(conn: Connection) -> EdgeListRow:
    row = one(EdgeListRow, queries().edge_list(conn))
    assert row is not None  # an aggregate always yields one row
    return row
