"""Looking at a SQLite registry without touching it: `db status` and `db check`.

Both open the file read-only in a way that leaves nothing behind (see `open_read_only`),
so they work on a read-only copy and never create `-wal` or `-shm` files beside it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from pai_deps.db.connection import dict_row
from pai_deps.db.failures import sqlite_failure
from pai_deps.db.migrating import newer_migration_error
from pai_deps.db.sqlite_guard import SQLITE_HEADER, damage_report, read_only_header
from pai_deps.db.sqlite_open import _inspect, journal_mode
from pai_deps.db.status import DbCheck, DbStatus
from pai_deps.db.tx import BUSY_TIMEOUT_S
from pai_deps.errors import DatabaseError
from pai_deps.repo import meta
from pai_deps.sqlfiles import known_migrations


def describe(path: Path) -> DbStatus:
    """The database's state, read without writing anything (not even a migration)."""
    if not os.path.lexists(path):
        return DbStatus(str(path), "sqlite", False, 0, None, [], list(known_migrations()), None)
    with open_read_only(path) as (conn, journal):
        try:
            applied_ids = _inspect(conn, path)
            rows = meta.applied_migrations(conn) if applied_ids else []
            known = known_migrations()
            newer_migration_error(f"Database {path}", applied_ids, known)
            problems = damage_report(conn, full=False, limit=10)
            tables: dict[str, int] | None = None
            if not problems and meta.table_exists(conn, name="tools"):
                tables = meta.table_row_counts(conn).model_dump(by_alias=False)
        except sqlite3.Error as exc:
            raise sqlite_failure(exc, path, "read") from exc
        return DbStatus(
            location=str(path),
            backend="sqlite",
            exists=True,
            size_bytes=path.stat().st_size,
            journal_mode=journal,
            applied=[(r.migration_id, _utc_text(r.applied_at_utc)) for r in rows],
            pending=[m for m in known if m not in applied_ids],
            tables=tables,
            problems=problems,
        )


def check_integrity(path: Path) -> DbCheck:
    """The full `integrity_check` and `foreign_key_check`, read-only (`db check`)."""
    if not os.path.lexists(path):
        raise DatabaseError(
            f"Registry {path} does not exist (nothing to check)", code="database_missing"
        )
    with open_read_only(path) as (conn, _):
        try:
            problems = damage_report(conn, full=True)
            orphans = len(conn.execute("PRAGMA foreign_key_check").fetchall())
        except sqlite3.Error as exc:
            problems, orphans = [str(exc)], 0
    return DbCheck(str(path), problems, orphans)


@contextlib.contextmanager
def open_read_only(path: Path) -> Iterator[tuple[sqlite3.Connection, str]]:
    """A connection that cannot write and leaves nothing behind; yields it and the journal mode.

    Without a `-wal` file (or with an empty one) no writer holds unmerged pages, so the
    file is opened `immutable`: no locks, no `-wal` or `-shm` created. Otherwise SQLite
    needs the shared-memory index that is already there, and the file is opened read-only.
    A read-only copy of a healthy registry therefore reads fine, and nothing appears
    beside it.
    """
    header = read_only_header(path)
    if header and header != SQLITE_HEADER:
        raise DatabaseError(f"{path} is not a SQLite database", code="not_a_database")
    wal = Path(f"{path}-wal")
    quiet = not wal.exists() or wal.stat().st_size == 0
    uri = (
        "file:" + urllib.parse.quote(str(path)) + ("?mode=ro&immutable=1" if quiet else "?mode=ro")
    )
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise sqlite_failure(exc, path, "open") from exc
    conn.row_factory = dict_row
    try:
        try:
            journal = journal_mode(conn)
        except sqlite3.Error as exc:
            raise sqlite_failure(exc, path, "read") from exc
        if quiet and _wal_in_header(path):
            journal = "wal"  # immutable connections report the legacy mode
        yield conn, journal
    finally:
        conn.close()


def _wal_in_header(path: Path) -> bool:
    """Bytes 18 and 19 of the header are 2 for a database in WAL mode."""
    try:
        with path.open("rb") as handle:
            header = handle.read(20)
    except OSError:
        return False
    return len(header) == 20 and header[18] == 2 and header[19] == 2


def _utc_text(value: str) -> str:
    """yoyo stores naive UTC timestamps; say so with a `Z`."""
    text = value.replace(" ", "T")
    return text if text.endswith("Z") or "+" in text[10:] else text + "Z"
