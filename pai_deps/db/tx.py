"""Write transactions and savepoints, the same on both backends.

Writers are serialised: SQLite takes its write lock with `BEGIN IMMEDIATE`; PostgreSQL
takes one transaction-scoped advisory lock (`meta.take_write_lock`) as the transaction's
first statement. Either way a writer that has started sees every write committed
before it, so cycle detection and stub bookkeeping read a consistent graph, and a
writer that cannot get the lock within the busy timeout fails with the busy message.
"""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
from collections.abc import Iterator

from pai_deps.db.connection import Connection
from pai_deps.db.failures import classify
from pai_deps.errors import DatabaseError
from pai_deps.writes import WRITES

BUSY_TIMEOUT_S = 10.0

_savepoint_ids = itertools.count(1)


@contextlib.contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """One write transaction that holds the registry's write lock from its first statement.

    Taking the lock at the start means a concurrent writer waits for the busy timeout
    instead of failing on a read-to-write upgrade; any exception (typer.Exit included)
    rolls the whole transaction back.
    """
    _begin(conn)
    WRITES.open += 1
    try:
        yield conn
    except BaseException:
        _rollback(conn)  # the first error is the news; the driver may have rolled back
        raise
    else:
        try:
            _execute(conn, "COMMIT", doing="write")
        except DatabaseError as exc:
            if exc.code == "connection_lost":  # the server may have committed, or not
                lost = exc.message.split(" (", 1)[0]
                raise DatabaseError(
                    f"{lost} while committing: the write may or may not have been saved; "
                    "look (`pai-deps list`, `show`) before running the command again",
                    code="connection_lost",
                ) from exc
            raise
        WRITES.committed += 1
    finally:
        WRITES.open -= 1


def _begin(conn: Connection) -> None:
    if isinstance(conn, sqlite3.Connection):
        from pai_deps.db.sqlite_guard import ensure_checked

        ensure_checked(conn)  # never write into a damaged file: that spreads the damage
        _execute(conn, "BEGIN IMMEDIATE", doing="write")
        return
    from pai_deps.repo import meta

    _execute(conn, "BEGIN", doing="write")
    try:
        # The PostgreSQL counterpart of SQLite's busy timeout, for this transaction only.
        _execute(conn, f"SET LOCAL lock_timeout = '{int(BUSY_TIMEOUT_S * 1000)}ms'")
        meta.take_write_lock(conn)
    except BaseException:
        _rollback(conn)
        raise


@contextlib.contextmanager
def savepoint(conn: Connection) -> Iterator[None]:
    """A part of the open transaction that can fail alone (`SAVEPOINT`).

    When the block raises, its writes are undone and the transaction goes on. A row the
    schema refuses (a CHECK, UNIQUE or foreign key) is the caller's data at fault and
    comes out as `RowRejected`; any other database failure (disk full, a lost
    connection, damage) is the registry's and comes out as a classified `DatabaseError`,
    the whole transaction being lost.
    """
    name = f"pai_deps_{next(_savepoint_ids)}"  # an identifier we make, never input
    _execute(conn, f"SAVEPOINT {name}", doing="write")
    try:
        yield
    except BaseException as exc:
        if _in_transaction(conn):  # SQLite may have rolled everything back (disk full)
            with contextlib.suppress(Exception):
                _execute(conn, f"ROLLBACK TO SAVEPOINT {name}")
                _execute(conn, f"RELEASE SAVEPOINT {name}")
        failure = classify(exc, conn, "write") if isinstance(exc, Exception) else None
        if failure is None:
            raise
        raise failure from exc
    _execute(conn, f"RELEASE SAVEPOINT {name}", doing="write")


def _rollback(conn: Connection) -> None:
    if _in_transaction(conn):
        with contextlib.suppress(Exception):
            _execute(conn, "ROLLBACK")


def _in_transaction(conn: Connection) -> bool:
    if isinstance(conn, sqlite3.Connection):
        return conn.in_transaction
    from psycopg.pq import TransactionStatus

    status = conn.info.transaction_status  # type: ignore[attr-defined]
    return bool(status in (TransactionStatus.INTRANS, TransactionStatus.INERROR))


def _execute(conn: Connection, statement: str, doing: str = "use") -> None:
    """Transaction control, the one kind of SQL the db layer writes itself."""
    try:
        conn.execute(statement)  # type: ignore[attr-defined]
    except Exception as exc:
        failure = classify(exc, conn, doing)
        if failure is None:
            raise
        raise failure from exc


@contextlib.contextmanager
def read_snapshot(conn: Connection) -> Iterator[Connection]:
    """Reads that see one consistent state of the registry, writing nothing (a read-only
    role can take one): a deferred SQLite transaction, a REPEATABLE READ, READ ONLY one on
    PostgreSQL."""
    if isinstance(conn, sqlite3.Connection):
        _execute(conn, "BEGIN DEFERRED")
    else:
        _execute(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        yield conn
    finally:
        _rollback(conn)
