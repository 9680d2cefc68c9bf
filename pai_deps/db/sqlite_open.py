"""A SQLite registry file: how it is created, opened, migrated and backed up.

Opening is careful because the file is the user's data: every check that can fail
(not SQLite, corrupt, a directory, read-only, created by a newer pai-deps) runs before
anything is written, and a migration runs only after a consistent backup was taken.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sqlite3
import urllib.parse
from pathlib import Path

from pai_deps.db.connection import dict_row
from pai_deps.db.failures import sqlite_failure
from pai_deps.db.migrating import Notify, OpenResult, newer_migration_error
from pai_deps.db.sqlite_guard import (
    QUICK_CHECK_ON_OPEN_MAX_BYTES,
    RegistryConnection,
    check_location,
    migration_lock,
    quick_check,
    remove_stale_yoyo_lock,
)
from pai_deps.db.tx import BUSY_TIMEOUT_S
from pai_deps.errors import DatabaseError
from pai_deps.sqlfiles import migration_ids, migrations_dir
from pai_deps.timeutil import compact_stamp

MIGRATION_LOCK_TIMEOUT_S = 30.0
REGISTRY_TABLES = ("tools", "dependencies", "contracts", "verifications", "circular_deps")


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


def open_sqlite(
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
        newer_migration_error(f"Database {path}", applied, known)
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
    return migration_ids(migrations or migrations_dir())


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
