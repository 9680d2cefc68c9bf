"""The registry database: where it is, how it is opened, and how writes are made.

A registry is a SQLite file (the default; `sqlite_*` modules) or a PostgreSQL database
(`postgres`, `pg_inspect`; psycopg is imported only then). Services hold a `Connection`
and never look at which: they call the generated queries in `pai_deps.repo`, and write
inside `transaction()` and `savepoint()`. This facade imports only light modules; the
generated query modules import `Connection` from here, so nothing here imports
`pai_deps.repo` except inside functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pai_deps.db.connection import Connection, Dialect, dialect_of
from pai_deps.db.migrating import Notify, OpenResult
from pai_deps.db.target import PostgresTarget, SqliteTarget, Target, resolve_target
from pai_deps.db.tx import BUSY_TIMEOUT_S, read_snapshot, savepoint, transaction
from pai_deps.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pai_deps.db.status import DbCheck, DbStatus

__all__ = [
    "BUSY_TIMEOUT_S",
    "Connection",
    "Dialect",
    "Notify",
    "OpenResult",
    "PostgresTarget",
    "SqliteTarget",
    "Target",
    "dialect_of",
    "open_db",
    "open_registry",
    "read_snapshot",
    "resolve_db_path",
    "resolve_target",
    "savepoint",
    "transaction",
]


def open_registry(
    target: Target,
    *,
    notify: Notify | None = None,
    yes: bool = False,
    migrations: Path | None = None,
) -> tuple[Connection, OpenResult]:
    """Open the registry, creating and migrating it as needed.

    SQLite backs the file up before a migration; PostgreSQL migrates a database holding
    data only with `yes` (or `postgresql_backed_up = true` in the config file).
    `migrations` (SQLite only) replaces the shipped migrations, for tests.
    """
    if isinstance(target, PostgresTarget):
        from pai_deps.db.postgres import open_postgres

        return open_postgres(target, notify=notify, yes=yes)
    from pai_deps.db.sqlite_open import open_sqlite

    return open_sqlite(target.path, notify=notify, migrations=migrations)


def open_db(
    where: Path | Target | str,
    *,
    notify: Notify | None = None,
    migrations: Path | None = None,
) -> Connection:
    """Open (creating and migrating if needed) the registry at a path, URL or target."""
    conn, _ = open_registry(as_target(where), notify=notify, migrations=migrations)
    return conn


def open_db_with_result(
    where: Path | Target | str,
    *,
    notify: Notify | None = None,
    migrations: Path | None = None,
    yes: bool = False,
) -> tuple[Connection, OpenResult]:
    return open_registry(as_target(where), notify=notify, migrations=migrations, yes=yes)


def as_target(where: Path | Target | str) -> Target:
    if isinstance(where, SqliteTarget | PostgresTarget):
        return where
    if isinstance(where, Path):
        return SqliteTarget(where)
    return resolve_target(where)


def resolve_db_path(explicit: str | None, environ: Mapping[str, str] | None = None) -> Path:
    """The SQLite registry file (`--db` > `PAI_DEPS_DB` > config > XDG default)."""
    target = resolve_target(explicit, environ)
    if isinstance(target, PostgresTarget):
        raise UsageError(f"{target.shown} is a PostgreSQL registry, not a file", code="not_a_file")
    return target.path


def describe(where: Path | Target) -> DbStatus:
    """The registry's state, read without writing anything."""
    from pai_deps.db.status import describe as read_status

    return read_status(as_target(where))


def check_integrity(where: Path | Target) -> DbCheck:
    """The full integrity check, read-only."""
    from pai_deps.db.status import check_integrity as full_check

    return full_check(as_target(where))


def break_migration_lock(target: Target) -> None:
    if isinstance(target, PostgresTarget):
        from pai_deps.db.postgres import break_migration_lock as break_pg

        break_pg(target)
        return
    from pai_deps.db.sqlite_open import break_migration_lock as break_sqlite

    if target.path.exists():
        break_sqlite(target.path)


def rollback_all(where: Path | Target | str, *, migrations: Path | None = None) -> list[str]:
    """Roll every applied migration back (used by tests and `db` maintenance)."""
    target = as_target(where)
    if isinstance(target, PostgresTarget):
        from pai_deps.db.postgres import rollback_all as rollback_pg

        return rollback_pg(target)
    from pai_deps.db.sqlite_open import rollback_all as rollback_sqlite

    return rollback_sqlite(target.path, migrations=migrations)


def registry_files(path: Path) -> list[tuple[Path, str]]:
    """A SQLite registry's file and the companions beside it (nothing may overwrite them)."""
    from pai_deps.db.sqlite_open import registry_files as files

    return files(path)


def backup_to(path: Path, destination: Path, *, shown: Path | None = None) -> Path:
    """A consistent copy of a SQLite registry (SQLite's online backup API)."""
    from pai_deps.db.sqlite_open import backup_to as backup

    return backup(path, destination, shown=shown)


def default_backup_path(path: Path) -> Path:
    from pai_deps.db.sqlite_open import default_backup_path as backup_path

    return backup_path(path)


def journal_mode(conn: Connection) -> str:
    from pai_deps.db.sqlite_open import journal_mode as mode

    assert dialect_of(conn) == "sqlite"
    return mode(conn)  # type: ignore[arg-type]
