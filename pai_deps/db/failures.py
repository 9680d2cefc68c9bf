"""One clear error for every database failure, chosen by its code, never by its text.

SQLite failures are told apart by their result code (`sqlite_errorcode`), PostgreSQL
ones by their SQLSTATE. A row the schema refuses (CHECK, UNIQUE, foreign key) is the
input's fault and becomes `RowRejected`; everything else is the registry's and becomes a
`DatabaseError` with a stable `code`. Messages never carry a password: PostgreSQL ones
pass through the target's `mask`.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

from pai_deps.errors import DatabaseError, PaiDepsError, RowRejected

# SQLite primary result codes (https://www.sqlite.org/rescode.html).
_PERM, _BUSY, _LOCKED, _NOMEM, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN = (
    3, 5, 6, 7, 8, 10, 11, 13, 14,
)  # fmt: skip
_CONSTRAINT, _NOTADB = 19, 26

BUSY_MESSAGE = (
    "the registry is busy: another pai-deps process held its write lock too long; try again"
)


def classify(exc: BaseException, where: Any = None, doing: str = "use") -> PaiDepsError | None:
    """The error to show for a driver exception, or None when `exc` is not one.

    `where` is the registry: a `Path` (SQLite), a connection, or a target; it only names
    the registry in the message (and masks a PostgreSQL password).
    """
    if isinstance(exc, sqlite3.Error):
        return sqlite_failure(exc, _path_of(where), doing)
    psycopg = sys.modules.get("psycopg")  # never imported here: only its users import it
    if psycopg is not None and isinstance(exc, psycopg.Error):
        return postgres_failure(exc, where, doing)
    return None


def _path_of(where: Any) -> Path | None:
    if isinstance(where, Path) or where is None:
        return where
    path = getattr(where, "path", None)
    return path if isinstance(path, Path) else None


# --------------------------------------------------------------------------- SQLite


def sqlite_failure(exc: sqlite3.Error, path: Path | None, doing: str = "use") -> PaiDepsError:
    """One clear error for a SQLite failure, chosen by its result code.

    `path` is the registry file when known (None: "the registry").
    """
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    where = f"database {path}" if path is not None else "the registry"
    if primary == _CONSTRAINT or isinstance(exc, sqlite3.IntegrityError):
        return RowRejected(str(exc))
    if primary == _FULL or (primary == _IOERR and path is not None and _disk_is_full(path)):
        return DatabaseError(
            f"The disk holding {where} is full; nothing was written "
            "(free some space and try again)",
            code="disk_full",
        )
    if primary in (_CORRUPT, _NOTADB):
        return damaged(path, str(exc))
    if primary in (_BUSY, _LOCKED):
        return DatabaseError(BUSY_MESSAGE, code="database_busy")
    if primary == _READONLY:
        return DatabaseError(f"Cannot write {where}: it is read-only ({exc})", code="read_only")
    if primary == _NOMEM:
        return DatabaseError(f"Out of memory using {where}", code="out_of_memory")
    if primary in (_IOERR, _CANTOPEN, _PERM):
        return DatabaseError(f"Cannot {doing} {where}: {exc}", code="io_error")
    return DatabaseError(f"Cannot {doing} {where}: {exc}")


def _disk_is_full(path: Path) -> bool:
    """An I/O error on a file system with no space left is a full disk (e.g. the -shm file)."""
    try:
        stats = os.statvfs(path.parent)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < 64 * 1024


def damaged(path: Path | None, problem: str) -> DatabaseError:
    first = " ".join(problem.split())
    first = first if len(first) <= 160 else first[:157] + "..."
    where = f"Database {path}" if path is not None else "The registry"
    return DatabaseError(
        f"{where} is damaged ({first}); it was not changed. "
        "Run `pai-deps db check`, then restore a backup",
        code="corrupt_database",
    )


# --------------------------------------------------------------------------- PostgreSQL

# SQLSTATE classes and codes (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_LOST = {"57P01": "the server was shut down", "57P02": "the server crashed",
         "57P03": "the server is not accepting connections now"}  # fmt: skip
_BUSY_STATES = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock timeout
_READ_ONLY_STATES = {"42501", "25006"}  # insufficient privilege, read-only transaction


def postgres_failure(exc: Any, where: Any = None, doing: str = "use") -> PaiDepsError:
    """One clear error for a psycopg exception, chosen by its SQLSTATE."""
    state: str = getattr(exc, "sqlstate", None) or ""
    mask = getattr(where, "mask", None) or getattr(getattr(where, "target", None), "mask", None)
    shown = _shown(where)
    detail = _first_line(exc)
    if callable(mask):
        detail = mask(detail)
    if state.startswith(("23", "22")) or type(exc).__name__ == "DataError":
        # A constraint (23) or a value the column cannot hold (22; psycopg raises DataError
        # itself for a NUL character, which PostgreSQL text cannot contain): the input's.
        return RowRejected(detail)
    if state in _BUSY_STATES:
        return DatabaseError(BUSY_MESSAGE, code="database_busy")
    if state in _LOST or state.startswith("08") or (not state and _connection_gone(exc, where)):
        why = _LOST.get(state, "the connection was closed")
        return DatabaseError(
            f"Lost the connection to the PostgreSQL registry {shown} ({why}); "
            "the transaction in progress was rolled back, what was committed stays",
            code="connection_lost",
        )
    if state in _READ_ONLY_STATES:
        return DatabaseError(
            f"Cannot write the PostgreSQL registry {shown}: {detail} "
            "(a read-only role can run the query commands only)",
            code="read_only",
        )
    if state == "53100":
        return DatabaseError(
            f"The disk of the PostgreSQL server holding {shown} is full; nothing was written",
            code="disk_full",
        )
    if state == "53300":
        return DatabaseError(
            f"The PostgreSQL server of {shown} has no free connections; try again",
            code="database_busy",
        )
    if state.startswith("XX"):
        return DatabaseError(
            f"The PostgreSQL server reports damage in {shown} ({detail})",
            code="corrupt_database",
        )
    if state in ("42P01", "42703", "42883"):  # undefined table, column, function
        return DatabaseError(
            f"The PostgreSQL registry {shown} does not have the schema this pai-deps expects "
            f"({detail}); run `pai-deps db status`",
            code="schema_mismatch",
        )
    return DatabaseError(f"Cannot {doing} the PostgreSQL registry {shown}: {detail}")


def _shown(where: Any) -> str:
    for holder in (where, getattr(where, "target", None)):
        shown = getattr(holder, "shown", None)
        if isinstance(shown, str):
            return shown
    return "(the registry)"


def _connection_gone(exc: Any, where: Any) -> bool:
    """A driver error with no SQLSTATE on a connection that is now closed or broken."""
    import psycopg

    conn = where if isinstance(where, psycopg.Connection) else None
    return isinstance(exc, psycopg.OperationalError) and (
        conn is None or conn.closed or conn.broken
    )


def _first_line(exc: BaseException) -> str:
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None)
    text = primary if isinstance(primary, str) and primary else str(exc)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
