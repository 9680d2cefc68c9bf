"""The `db` commands' documents: where the registry is, its state, and what was done to it."""

from __future__ import annotations

from pai_deps.results.base import CamelModel, Envelope


class DbPath(Envelope):
    """`db path`: `exists` is null for a PostgreSQL URL (no server is contacted)."""

    path: str
    backend: str
    exists: bool | None


class AppliedMigration(CamelModel):
    id: str
    applied_at: str


class DbStatus(Envelope):
    """`db status`: read without writing; `integrity` is null when there is no file yet."""

    path: str
    backend: str
    server: str | None
    exists: bool
    size_bytes: int
    journal_mode: str | None
    integrity: str | None
    problems: list[str]
    applied: list[AppliedMigration]
    pending: list[str]
    tables: dict[str, int] | None


class DbCheck(Envelope):
    """`db check`: the full integrity and foreign-key check."""

    path: str
    integrity: str
    problems: list[str]
    foreign_key_problems: int


class DbMigrated(Envelope):
    """`db migrate`: the migrations applied now, and the backup written first (SQLite)."""

    path: str
    applied: list[str]
    backup: str | None


class DbBackup(Envelope):
    """`db backup`: where the consistent copy was written."""

    backup: str


class DbCopied(Envelope):
    """`db copy`: both ends (passwords masked) and the rows copied per table."""

    source: str
    destination: str
    rows: dict[str, int]
    replaced: dict[str, int] | None  # what the destination held before, when replaced
