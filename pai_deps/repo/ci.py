"""Typed wrappers for `queries/ci.sql`."""

from __future__ import annotations

from sqlite3 import Connection

from pai_deps.models import SchemaLocationRow
from pai_deps.repo._base import many, queries


def list_schema_locations(conn: Connection) -> list[SchemaLocationRow]:
    return many(SchemaLocationRow, queries().list_schema_locations(conn))
