"""What `db status` and `db check` report, for either backend, read without writing."""

from __future__ import annotations

from dataclasses import dataclass, field

from pai_deps.db.connection import Dialect
from pai_deps.db.target import PostgresTarget, Target


@dataclass
class DbStatus:
    location: str  # the file, or the URL with its password masked
    backend: Dialect
    exists: bool
    size_bytes: int
    journal_mode: str | None
    applied: list[tuple[str, str]]
    pending: list[str]
    tables: dict[str, int] | None
    problems: list[str] = field(default_factory=list)  # what the quick check found
    server: str | None = None  # PostgreSQL: the server's version

    @property
    def integrity(self) -> str | None:
        if not self.exists:
            return None
        return "damaged" if self.problems else "ok"


@dataclass
class DbCheck:
    location: str
    problems: list[str]
    foreign_key_problems: int


def describe(target: Target) -> DbStatus:
    """The registry's state: migrations, rows, integrity. Never migrates or creates."""
    if isinstance(target, PostgresTarget):
        from pai_deps.db.pg_inspect import describe as describe_postgres

        return describe_postgres(target)
    from pai_deps.db.sqlite_inspect import describe as describe_sqlite

    return describe_sqlite(target.path)


def check_integrity(target: Target) -> DbCheck:
    """The full check (`db check`): SQLite's integrity and foreign-key checks, or on
    PostgreSQL a full read of every registry table (damaged pages fail it)."""
    if isinstance(target, PostgresTarget):
        from pai_deps.db.pg_inspect import check_integrity as check_postgres

        return check_postgres(target)
    from pai_deps.db.sqlite_inspect import check_integrity as check_sqlite

    return check_sqlite(target.path)
