"""The registry database: where it lives, how it is opened, migrated and backed up.

Opening is careful because the file is the user's data: every check that can fail
(not SQLite, corrupt, a directory, read-only, created by a newer pai-deps) runs before
anything is written, and a migration runs only after a consistent backup was taken.
"""

from __future__ import annotations

import contextlib
import io
import os
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pai_deps.errors import DatabaseError, UsageError
from pai_deps.repo import meta
from pai_deps.repo._base import dict_row
from pai_deps.sqlfiles import known_migrations, migrations_dir
from pai_deps.timeutil import compact_stamp
from pai_deps.writes import WRITES

BUSY_TIMEOUT_S = 10.0
MIGRATION_LOCK_TIMEOUT_S = 30.0
SQLITE_HEADER = b"SQLite format 3\x00"
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
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction that takes the write lock up front (`BEGIN IMMEDIATE`).

    Taking the lock at the start means a concurrent writer waits for the busy timeout
    instead of failing on a read-to-write upgrade; any exception (typer.Exit included)
    rolls the whole transaction back.
    """
    conn.execute("BEGIN IMMEDIATE")
    WRITES.open += 1
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
        WRITES.committed += 1
    finally:
        WRITES.open -= 1


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
    existed = _check_location(path)
    result.created = not existed
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


def _known_ids(migrations: Path | None) -> tuple[str, ...]:
    if migrations is None:
        return known_migrations()
    return tuple(
        sorted(
            p.name[: -len(".sql")]
            for p in migrations.glob("*.sql")
            if not p.name.endswith(".rollback.sql")
        )
    )


def _check_location(path: Path) -> bool:
    """Refuse unusable locations before SQLite can create or touch anything.

    Returns whether the database file already existed.
    """
    if path.is_dir():
        raise DatabaseError(f"Database path {path} is a directory, not a file")
    if path.exists():
        try:
            with path.open("rb") as handle:
                header = handle.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise DatabaseError(f"Cannot read database {path}: {exc.strerror or exc}") from exc
        if header and header != SQLITE_HEADER:
            raise DatabaseError(
                f"{path} is not a SQLite database; point --db or PAI_DEPS_DB at another file",
                code="not_a_database",
            )
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            raise DatabaseError(
                f"Database {path} is read-only (no write permission on the file or its directory)",
                code="read_only",
            )
        return True
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            f"Cannot create directory {parent} for the database: {exc.strerror or exc}",
            code="read_only",
        ) from exc
    if not parent.is_dir():
        raise DatabaseError(f"Cannot create the database in {parent}: not a directory")
    if not os.access(parent, os.W_OK):
        raise DatabaseError(
            f"Cannot create database {path}: directory {parent} is not writable",
            code="read_only",
        )
    return False


def _connect(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise DatabaseError(f"Cannot open database {path}: {exc}") from exc
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
    except sqlite3.OperationalError as exc:
        raise DatabaseError(f"Cannot use database {path}: {exc}") from exc
    except sqlite3.DatabaseError as exc:  # not a lock or I/O problem: the file itself is bad
        raise DatabaseError(
            f"Database {path} is unreadable or corrupt: {exc}", code="corrupt_database"
        ) from exc


def _inspect(conn: sqlite3.Connection, path: Path) -> list[str]:
    """Read the schema state without writing: corrupt files and foreign databases fail here."""
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
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(
            f"Database {path} is unreadable or corrupt: {exc}", code="corrupt_database"
        ) from exc


def _holds_data(path: Path) -> bool:
    conn = _connect(path)
    try:
        if not meta.table_exists(conn, name="tools"):
            return False
        counts = meta.table_row_counts(conn)
        return any(getattr(counts, table) for table in REGISTRY_TABLES)
    finally:
        conn.close()


def backup_to(path: Path, destination: Path) -> Path:
    """A consistent copy through SQLite's online backup API (safe while others write)."""
    source = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    try:
        target = sqlite3.connect(destination)
        try:
            source.backup(target)
        finally:
            target.close()
    except sqlite3.Error as exc:
        raise DatabaseError(f"Cannot write backup {destination}: {exc}") from exc
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
    """Apply pending migrations under yoyo's lock; restore the old state if one fails."""
    from yoyo import get_backend, read_migrations
    from yoyo.exceptions import LockTimeout

    os.environ.setdefault("USER", "pai-deps")  # yoyo logs getpass.getuser()
    source = read_migrations(str(migrations or migrations_dir()))
    if not source:
        raise DatabaseError("pai-deps is installed without its migrations")
    snapshot: sqlite3.Connection | None = None
    backup: Path | None = None
    try:
        with get_backend(_yoyo_uri(path)) as backend, backend.lock(MIGRATION_LOCK_TIMEOUT_S):
            todo = backend.to_apply(source)
            if not todo:
                return [], None
            if _holds_data(path):
                backup = backup_to(path, default_backup_path(path))
            snapshot = sqlite3.connect(":memory:")
            live = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
            try:
                live.backup(snapshot)
            finally:
                live.close()
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    backend.apply_migrations(todo)
            except Exception as exc:
                _restore(snapshot, path)
                raise DatabaseError(
                    f"Migrating {path} failed ({exc}); the database was left as it was",
                    code="migration_failed",
                ) from exc
            return [m.id for m in todo], backup
    except LockTimeout as exc:
        raise DatabaseError(
            f"Database {path} is being migrated by another process (or a crashed one left "
            "its lock); if no other pai-deps is running, run `pai-deps db migrate --break-lock`",
            code="migration_locked",
        ) from exc
    except sqlite3.Error as exc:
        raise DatabaseError(f"Cannot migrate database {path}: {exc}") from exc
    finally:
        if snapshot is not None:
            snapshot.close()


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


@dataclass
class DbStatus:
    path: Path
    exists: bool
    size_bytes: int
    journal_mode: str | None
    applied: list[tuple[str, str]]
    pending: list[str]
    tables: dict[str, int] | None


def describe(path: Path) -> DbStatus:
    """The database's state, read without writing anything (not even a migration)."""
    if not path.exists():
        if path.is_symlink():
            raise DatabaseError(f"Database path {path} is a dangling symlink")
        return DbStatus(path, False, 0, None, [], list(known_migrations()), None)
    if path.is_dir():
        raise DatabaseError(f"Database path {path} is a directory, not a file")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseError(f"Cannot read database {path}: {exc.strerror or exc}") from exc
    if header and header != SQLITE_HEADER:
        raise DatabaseError(f"{path} is not a SQLite database", code="not_a_database")
    uri = "file:" + urllib.parse.quote(str(path)) + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise DatabaseError(f"Cannot open database {path}: {exc}") from exc
    conn.row_factory = dict_row
    try:
        applied_ids = _inspect(conn, path)
        rows = meta.applied_migrations(conn) if applied_ids else []
        known = known_migrations()
        newer = [m for m in applied_ids if m not in known]
        if newer:
            raise DatabaseError(
                f"Database {path} was created by a newer pai-deps (it has migration "
                f"{newer[-1]}); upgrade pai-deps to use it",
                code="database_too_new",
            )
        tables: dict[str, int] | None = None
        if meta.table_exists(conn, name="tools"):
            tables = meta.table_row_counts(conn).model_dump(by_alias=False)
        return DbStatus(
            path=path,
            exists=True,
            size_bytes=path.stat().st_size,
            journal_mode=journal_mode(conn),
            applied=[(r.migration_id, _utc_text(r.applied_at_utc)) for r in rows],
            pending=[m for m in known if m not in applied_ids],
            tables=tables,
        )
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(
            f"Database {path} is unreadable or corrupt: {exc}", code="corrupt_database"
        ) from exc
    finally:
        conn.close()


def _utc_text(value: str) -> str:
    """yoyo stores naive UTC timestamps; say so with a `Z`."""
    text = value.replace(" ", "T")
    return text if text.endswith("Z") or "+" in text[10:] else text + "Z"
