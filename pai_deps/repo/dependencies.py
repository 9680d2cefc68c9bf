"""Typed wrappers for `queries/dependencies.sql`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from sqlite3 import Connection

from pai_deps.models import EdgeRow, NeighbourRow
from pai_deps.repo._base import many, queries


def insert_dependency(
    conn: Connection,
    *,
    consumer_id: str,
    provider_id: str,
    type: str,
    version_constraint: str | None,
    optional: bool,
    now: str,
) -> int:
    return int(
        queries().insert_dependency(
            conn,
            consumer_id=consumer_id,
            provider_id=provider_id,
            type=type,
            version_constraint=version_constraint,
            optional=int(optional),
            now=now,
        )
    )


def delete_dependencies_of(conn: Connection, *, consumer_id: str) -> int:
    return int(queries().delete_dependencies_of(conn, consumer_id=consumer_id))


def list_dependencies_of(conn: Connection, *, tool_id: str) -> list[NeighbourRow]:
    return many(NeighbourRow, queries().list_dependencies_of(conn, tool_id=tool_id))


def list_dependents_of(conn: Connection, *, tool_id: str) -> list[NeighbourRow]:
    return many(NeighbourRow, queries().list_dependents_of(conn, tool_id=tool_id))


def list_edges(conn: Connection) -> list[EdgeRow]:
    return many(EdgeRow, queries().list_edges(conn))


def list_edges_among(conn: Connection, *, ids: Iterable[str]) -> list[EdgeRow]:
    return many(EdgeRow, queries().list_edges_among(conn, ids=json.dumps(list(ids))))
