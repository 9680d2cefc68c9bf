"""Typed wrappers for `queries/cycles.sql`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from sqlite3 import Connection

from pai_deps.models import CycleRow
from pai_deps.repo._base import many, one, queries


def upsert_cycle(conn: Connection, *, cycle: Sequence[str], now: str) -> CycleRow:
    row = one(
        CycleRow,
        queries().upsert_cycle(conn, cycle=json.dumps(list(cycle), ensure_ascii=False), now=now),
    )
    assert row is not None  # RETURNING always yields the row
    return row


def list_cycles(conn: Connection, *, include_resolved: bool) -> list[CycleRow]:
    return many(CycleRow, queries().list_cycles(conn, include_resolved=int(include_resolved)))


def list_cycles_with(conn: Connection, *, tool_id: str) -> list[CycleRow]:
    return many(CycleRow, queries().list_cycles_with(conn, tool_id=tool_id))


def get_cycle(conn: Connection, *, id: int) -> CycleRow | None:
    return one(CycleRow, queries().get_cycle(conn, id=id))


def resolve_cycle(conn: Connection, *, id: int) -> int:
    return int(queries().resolve_cycle(conn, id=id))
