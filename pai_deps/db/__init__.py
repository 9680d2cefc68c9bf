"""The registry database: where it lives, how it is opened, migrated and backed up.

Opening is careful because the file is the user's data: every check that can fail
(not SQLite, corrupt, a directory, read-only, created by a newer pai-deps) runs before
anything is written, and a migration runs only after a consistent backup was taken.
"""

from __future__ import annotations

import contextlib
import errno
import io
import itertools
import os
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pai_deps.db.connection import Connection, Dialect, dialect_of, dict_row
from pai_deps.dbguard import (
    QUICK_CHECK_ON_OPEN_MAX_BYTES,
    SQLITE_HEADER,  # noqa: F401 - re-exported for callers of db
    check_location,
    migration_lock,
    quick_check,
    remove_stale_yoyo_lock,
    sqlite_failure,
)
from pai_deps.errors import DatabaseError, RowRejected, UsageError
from pai_deps.sqlfiles import known_migrations, migrations_dir
from pai_deps.timeutil import compact_stamp
from pai_deps.writes import WRITES

if TYPE_CHECKING:
    from pai_deps.dbinspect import DbCheck, DbStatus

__all__ = ["Connection", "Dialect", "dialect_of", "savepoint", "transaction"]
# The generated query modules import this package's `Connection`: modules here import
# `pai_deps.repo` only inside functions.

BUSY_TIMEOUT_S = 10.0
MIGRATION_LOCK_TIMEOUT_S = 30.0
REGISTRY_TABLES = ("tools", "dependencies", "contracts", "verifications", "circular_deps")

Notify = Callable[[str], None]


def resolve_db_path(explicit: str | None, environ: Mapping[str, str] | None = None) -> Path:
    """`--db` beats `PAI_DEPS_DB` beats `$XDG_CONFIG_HOME/pai-deps` beats `~/.config/pai-deps`."""
    env = os.environ if environ is None else environ
    if explicit is not None:
        if not explicit.strip():
            raise UsageError("--db was given an empty path", code="empty_db_path")
        return _absolute(explicit)
    if "PAI_DEPS_DB" in env:
        value = env["PAI_DEPS_DB"]
        if not value.strip():
            raise UsageError(
                "PAI_DEPS_DB is set but empty; unset it or give it a path",
                code="empty_db_path",
            )
        return _absolute(value)
    xdg = env.get("XDG_CONFIG_HOME", "").strip()
    config = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".config"
    return config / "pai-deps" / "pai-deps.db"


def _absolute(value: str) -> Path:
    return Path(os.path.abspath(os.path.expanduser(value)))


def registry_files(path: Path) -> list[tuple[Path, str]]:
    """The registry file and SQLite's companions beside it, each with what it is.

    Nothing pai-deps writes on request (a report, a graph, a backup) may land on one.
    """
    return [
        (path, "the registry database"),
        (Path(f"{path}-wal"), "the registry database's write-ahead log"),
        (Path(f"{path}-shm"), "the registry database's shared-memory index"),
        (Path(f"{path}-journal"), "the registry database's rollback journal"),
    ]


@contextlib.contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """One write transaction that takes the write lock up front (`BEGIN IMMEDIATE`).

    Taking the lock at the start means a concurrent writer waits for the busy timeout
    instead of failing on a read-to-write upgrade; any exception (typer.Exit included)
    rolls the whole transaction back.
    """
    assert isinstance(conn, sqlite3.Connection)
    if isinstance(conn, RegistryConnection) and not conn.checked:
        # Never write into a damaged file: that spreads the damage. Once per connection.
        quick_check(conn, conn.path)
        conn.checked = True
    conn.execute("BEGIN IMMEDIATE")
    WRITES.open += 1
    try:
        yield conn
    except BaseException:
        # SQLite may already have rolled back (e.g. disk full); the first error is the news.
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
        WRITES.committed += 1
    finally:
        WRITES.open -= 1


_savepoint_ids = itertools.count(1)


@contextlib.contextmanager
def savepoint(conn: Connection) -> Iterator[None]:
    """A part of the open transaction that can fail alone (`SAVEPOINT`).

    When the block raises, its writes are undone and the transaction goes on. A row the
    schema refuses (a CHECK, UNIQUE or foreign key) is the caller's data at fault and
    comes out as `RowRejected`; any other database failure (disk full, damage) is the
    registry's and comes out classified as a `DatabaseError`, the transaction being lost.
    """
    assert isinstance(conn, sqlite3.Connection)
    name = f"pai_deps_{next(_savepoint_ids)}"  # an identifier we make, never input
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException as exc:
        # SQLite may have rolled the whole transaction back already (disk full).
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
        if isinstance(exc, sqlite3.IntegrityError):
            raise RowRejected(str(exc)) from exc
        if isinstance(exc, sqlite3.Error):
            raise sqlite_failure(exc, getattr(conn, "path", None), "write") from exc
        raise
    conn.execute(f"RELEASE SAVEPOINT {name}")


class RegistryConnection(sqlite3.Connection):
    """A connection to the registry that remembers whether its file was checked."""

    path: Path
    checked: bool = False


@dataclass
class OpenResult:
    """What opening did besides connecting: migrations applied and the backup written."""

    applied: list[str] = field(default_factory=list)
    backup: Path | None = None
    created: bool = False


def open_db(
    path: Path,
    *,
    notify: Notify | None = None,
    migrations: Path | None = None,
) -> sqlite3.Connection:
    """Open (creating and migrating if needed) the registry at `path`."""
    conn, _ = open_db_with_result(path, notify=notify, migrations=migrations)
    return conn


def open_db_with_result(
    path: Path,
    *,
    notify: Notify | None = None,
    migrations: Path | None = None,
) -> tuple[sqlite3.Connection, OpenResult]:
    result = OpenResult()
    state = check_location(path)
    if state == "absent":
        result.applied, result.created = _create(path, migrations)
    elif state == "empty" and notify is not None:
        notify(_empty_file_note(path))
    conn = _connect(path)
    try:
        applied = _inspect(conn, path)
        known = _known_ids(migrations)
        newer = [m for m in applied if m not in known]
        if newer:
            raise DatabaseError(
                f"Database {path} was created by a newer pai-deps (it has migration "
                f"{newer[-1]}); upgrade pai-deps to use it",
                code="database_too_new",
            )
        _pragma(conn, path, "PRAGMA journal_mode = WAL")
        if not result.created and path.stat().st_size <= QUICK_CHECK_ON_OPEN_MAX_BYTES:
            quick_check(conn, path)
            conn.checked = True
        pending = [m for m in known if m not in applied]
        if pending:
            conn.close()
            result.applied, result.backup = _migrate(path, migrations=migrations)
            if result.backup is not None and notify is not None:
                notify(
                    f"Upgraded the registry schema ({', '.join(result.applied)}); "
                    f"backup of the previous database written to {result.backup}"
                )
            conn = _connect(path)
        return conn, result
    except BaseException:
        conn.close()
        raise


def _create(path: Path, migrations: Path | None) -> tuple[list[str], bool]:
    """Build a new registry beside `path`, then move it into place in one step.

    A crash part-way leaves a stray temporary file, never an empty or half-migrated
    registry. When another process wins the race, its registry is used (False).
    """
    import secrets

    temporary = path.with_name(f".{path.name}.new-{os.getpid()}-{secrets.token_hex(3)}")
    try:
        conn = _connect(temporary)
        try:
            _pragma(conn, temporary, "PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        applied, _ = _migrate(temporary, migrations=migrations)
        try:
            os.link(temporary, path)  # atomic: fails if another process got there first
        except FileExistsError:
            return [], False
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
                raise DatabaseError(f"Cannot create database {path}: {exc.strerror}") from exc
            if path.exists():  # a file system without hard links: check, then rename
                return [], False
            os.rename(temporary, path)
        return applied, True
    finally:
        for leftover in (temporary, *(Path(f"{temporary}{s}") for s in ("-wal", "-shm"))):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _empty_file_note(path: Path) -> str:
    backups = sorted(path.parent.glob(f"{path.stem}.backup-*{path.suffix or '.db'}"))
    hint = (
        f"if it held your tools, restore the newest backup ({backups[-1]})"
        if backups
        else "if it held your tools, restore it from a backup"
    )
    return (
        f"The registry {path} was an empty file (0 bytes); it is now a new, empty registry ({hint})"
    )


def _known_ids(migrations: Path | None) -> tuple[str, ...]:
    if migrations is None:
        return known_migrations()
    return tuple(
        sorted(
            p.name.rsplit(".", 1)[0]
            for p in migrations.iterdir()
            if p.suffix in (".sql", ".py") and not p.name.endswith(".rollback.sql")
        )
    )


def _connect(path: Path) -> RegistryConnection:
    try:
        conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_S, isolation_level=None, factory=RegistryConnection
        )
    except sqlite3.Error as exc:
        raise sqlite_failure(exc, path, "open") from exc
    assert isinstance(conn, RegistryConnection)
    conn.path = path
    conn.row_factory = dict_row
    try:
        _pragma(conn, path, "PRAGMA foreign_keys = ON")
        enabled = conn.execute("PRAGMA foreign_keys").fetchone()
        if not enabled or next(iter(enabled.values())) != 1:
            raise DatabaseError(f"SQLite refused to enforce foreign keys on {path}")
        _pragma(conn, path, "PRAGMA synchronous = NORMAL")
    except BaseException:
        conn.close()
        raise
    return conn


def _pragma(conn: sqlite3.Connection, path: Path, statement: str) -> None:
    try:
        conn.execute(statement)
    except sqlite3.Error as exc:
        raise sqlite_failure(exc, path) from exc


def _inspect(conn: sqlite3.Connection, path: Path) -> list[str]:
    """Read the schema state without writing: corrupt files and foreign databases fail here."""
    from pai_deps.repo import meta

    try:
        objects = meta.object_count(conn)
        if not meta.table_exists(conn, name="_yoyo_migration"):
            if objects and not meta.table_exists(conn, name="yoyo_lock"):
                raise DatabaseError(
                    f"{path} is a SQLite database but not a pai-deps registry; "
                    "point --db or PAI_DEPS_DB at another file",
                    code="not_a_registry",
                )
            return []
        return [row.migration_id for row in meta.applied_migrations(conn)]
    except sqlite3.Error as exc:
        raise sqlite_failure(exc, path) from exc


def _holds_data(path: Path) -> bool:
    from pai_deps.repo import meta

    conn = _connect(path)
    try:
        if not meta.table_exists(conn, name="tools"):
            return False
        counts = meta.table_row_counts(conn)
        return any(getattr(counts, table) for table in REGISTRY_TABLES)
    finally:
        conn.close()


def backup_to(path: Path, destination: Path, *, shown: Path | None = None) -> Path:
    """A consistent copy through SQLite's online backup API (safe while others write).

    `shown` names the copy in messages when `destination` is a temporary file.
    """
    existed = os.path.lexists(destination)
    source = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    try:
        target = sqlite3.connect(destination)
        try:
            source.backup(target)
        finally:
            target.close()
    except sqlite3.Error as exc:
        if not existed:  # a partial copy is worse than none
            for leftover in (destination, Path(f"{destination}-journal")):
                with contextlib.suppress(OSError):
                    leftover.unlink()
        failure = sqlite_failure(exc, shown or destination, "write")
        if failure.code == "disk_full":
            raise DatabaseError(
                f"Cannot write backup {shown or destination}: the disk is full; "
                "no copy was left behind",
                code="disk_full",
            ) from exc
        raise DatabaseError(f"Cannot write backup {shown or destination}: {exc}") from exc
    finally:
        source.close()
    return destination


def default_backup_path(path: Path) -> Path:
    """`pai-deps.backup-20261126T071205Z.db` beside the database, never overwriting one."""
    stamp = compact_stamp()
    candidate = path.with_name(f"{path.stem}.backup-{stamp}{path.suffix or '.db'}")
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = path.with_name(f"{path.stem}.backup-{stamp}-{counter}{path.suffix or '.db'}")
    return candidate


def _yoyo_uri(path: Path) -> str:
    # yoyo passes the path to SQLite as a URI: quote it so '#', '?' and '%' stay literal.
    return "sqlite:///" + urllib.parse.quote(str(path))


def _migrate(path: Path, *, migrations: Path | None = None) -> tuple[list[str], Path | None]:
    """Apply pending migrations; back up first; restore the old state if one fails.

    Order matters. The file lock comes first, then stale yoyo lock rows are cleared and
    the backup and the restore snapshot are taken (so neither carries a lock row), and
    only then yoyo's own lock is taken for the migrations. A failed attempt restores the
    file and removes its backup (which equals the file), so retries do not pile up copies.
    """
    from yoyo import get_backend, read_migrations
    from yoyo.exceptions import LockTimeout

    os.environ.setdefault("USER", "pai-deps")  # yoyo logs getpass.getuser()
    source = read_migrations(str(migrations or migrations_dir()))
    if not source:
        raise DatabaseError("pai-deps is installed without its migrations")
    snapshot: sqlite3.Connection | None = None
    backup: Path | None = None
    try:
        with migration_lock(path, MIGRATION_LOCK_TIMEOUT_S):
            _clear_stale_yoyo_lock(path)
            with get_backend(_yoyo_uri(path)) as backend:
                if not backend.to_apply(source):
                    return [], None
                if _holds_data(path):
                    backup = backup_to(path, default_backup_path(path))
                snapshot = _snapshot(path)
                try:
                    with backend.lock(MIGRATION_LOCK_TIMEOUT_S):
                        todo = backend.to_apply(source)
                        with contextlib.redirect_stdout(io.StringIO()):
                            backend.apply_migrations(todo)
                except LockTimeout:
                    raise
                except Exception as exc:
                    _restore(snapshot, path)
                    if backup is not None:
                        backup.unlink(missing_ok=True)
                    raise DatabaseError(
                        f"Migrating {path} failed ({exc}); the database was left as it was",
                        code="migration_failed",
                    ) from exc
                return [m.id for m in todo], backup
    except LockTimeout as exc:
        raise DatabaseError(
            f"Database {path} is being migrated by another program ({exc}); "
            "if none is running, run `pai-deps db migrate --break-lock`",
            code="migration_locked",
        ) from exc
    except sqlite3.Error as exc:
        raise sqlite_failure(exc, path, "migrate") from exc
    finally:
        if snapshot is not None:
            snapshot.close()


def _clear_stale_yoyo_lock(path: Path) -> None:
    """Remove lock rows a killed migration left behind (we hold the file lock)."""
    from pai_deps.repo import meta

    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    conn.row_factory = dict_row
    try:
        if meta.table_exists(conn, name="yoyo_lock"):
            remove_stale_yoyo_lock(conn)
    finally:
        conn.close()


def _snapshot(path: Path) -> sqlite3.Connection:
    snapshot = sqlite3.connect(":memory:")
    live = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    try:
        live.backup(snapshot)
    finally:
        live.close()
    return snapshot


def _restore(snapshot: sqlite3.Connection, path: Path) -> None:
    target = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    try:
        snapshot.backup(target)
    finally:
        target.close()


def break_migration_lock(path: Path) -> None:
    from yoyo import get_backend

    with get_backend(_yoyo_uri(path)) as backend:
        backend.break_lock()


def rollback_all(path: Path, *, migrations: Path | None = None) -> list[str]:
    """Roll every applied migration back (used by tests and `db` maintenance)."""
    from yoyo import get_backend, read_migrations

    os.environ.setdefault("USER", "pai-deps")
    source = read_migrations(str(migrations or migrations_dir()))
    with get_backend(_yoyo_uri(path)) as backend, backend.lock(MIGRATION_LOCK_TIMEOUT_S):
        todo = backend.to_rollback(source)
        with contextlib.redirect_stdout(io.StringIO()):
            backend.rollback_migrations(todo)
        return [m.id for m in todo]


def journal_mode(conn: sqlite3.Connection) -> str:
    row = conn.execute("PRAGMA journal_mode").fetchone()
    return str(next(iter(row.values()))) if row else "unknown"


def describe(path: Path) -> DbStatus:
    """The database's state, read without writing anything (see `dbinspect`)."""
    from pai_deps.dbinspect import describe as read_status

    return read_status(path)


def check_integrity(path: Path) -> DbCheck:
    """The full integrity and foreign-key checks, read-only (see `dbinspect`)."""
    from pai_deps.dbinspect import check_integrity as full_check

    return full_check(path)
