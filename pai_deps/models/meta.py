"""Rows about the database itself: migrations, locks, columns, counts."""

from __future__ import annotations

from pai_deps.models._row import Row


class MigrationRow(Row):
    migration_id: str
    applied_at_utc: str


class MigrationLockRow(Row):
    pid: int
    ctime: str | None


class ColumnRow(Row):
    """One column of one table, as the code generator infers parameter types from it."""

    table_name: str
    column_name: str
    column_type: str
    not_null: bool
    table_sql: str


class TableCountsRow(Row):
    tools: int
    dependencies: int
    contracts: int
    verifications: int
    circular_deps: int
