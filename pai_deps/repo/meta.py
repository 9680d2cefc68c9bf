"""Typed wrappers for `queries/meta.sql`."""

from __future__ import annotations

from sqlite3 import Connection

from pai_deps.models import MigrationLockRow, MigrationRow, TableCountsRow
from pai_deps.repo._base import many, one, queries


def table_exists(conn: Connection, *, name: str) -> bool:
    return bool(queries().table_exists(conn, name=name))


def object_count(conn: Connection) -> int:
    return int(queries().object_count(conn))


def applied_migrations(conn: Connection) -> list[MigrationRow]:
    return many(MigrationRow, queries().applied_migrations(conn))


def table_row_counts(conn: Connection) -> TableCountsRow:
    row = one(TableCountsRow, queries().table_row_counts(conn))
    assert row is not None  # a SELECT of scalars always yields one row
    return row


def migration_lock_holders(conn: Connection) -> list[MigrationLockRow]:
    return many(MigrationLockRow, queries().migration_lock_holders(conn))


def delete_migration_lock(conn: Connection, *, pid: int) -> int:
    return int(queries().delete_migration_lock(conn, pid=pid))
