"""Typed wrappers for `queries/reports.sql`."""

from __future__ import annotations

from sqlite3 import Connection

from pai_deps.models import (
    GraphNodeRow,
    HealthCountsRow,
    RecentVerificationRow,
    TypeSummaryRow,
)
from pai_deps.repo._base import many, one, queries


def list_graph_nodes(conn: Connection) -> list[GraphNodeRow]:
    return many(GraphNodeRow, queries().list_graph_nodes(conn))


def list_debt(conn: Connection, *, type: str | None, min_debt: int) -> list[GraphNodeRow]:
    return many(GraphNodeRow, queries().list_debt(conn, type=type, min_debt=min_debt))


def type_summary(conn: Connection, *, type: str | None) -> list[TypeSummaryRow]:
    return many(TypeSummaryRow, queries().type_summary(conn, type=type))


def health_counts(conn: Connection, *, high_debt: int) -> HealthCountsRow:
    row = one(HealthCountsRow, queries().health_counts(conn, high_debt=high_debt))
    assert row is not None  # an aggregate always yields one row
    return row


def recent_verifications(conn: Connection, *, limit: int) -> list[RecentVerificationRow]:
    return many(RecentVerificationRow, queries().recent_verifications(conn, limit=limit))
