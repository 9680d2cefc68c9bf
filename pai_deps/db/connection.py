"""The connection services hold, whichever database the registry lives in.

Services never run SQL on it themselves: they hand it to the generated query functions
(`pai_deps.repo`) and to `transaction()` / `savepoint()`. So the type only promises what
every backend's connection has, and the db layer tells the backends apart.

This module imports nothing else of pai-deps: the generated query modules import it.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Protocol

from pai_deps.sqlfiles import Dialect

__all__ = ["Connection", "Dialect", "dialect_of", "dict_row"]


class Connection(Protocol):
    """A registry connection: `sqlite3.Connection` or a psycopg 3 connection."""

    def close(self) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


def dialect_of(conn: Connection) -> Dialect:
    """Which SQL the connection speaks (psycopg is never imported to find out)."""
    return "sqlite" if isinstance(conn, sqlite3.Connection) else "postgresql"


# The last statement's column description and its names: a cursor keeps one description
# per statement, so 5,000 rows look the names up once. One immutable pair, replaced
# whole, so threads sharing it never see one statement's names with another's.
_last_columns: list[tuple[object, tuple[str, ...]]] = [(None, ())]


def dict_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    """SQLite row factory: rows as dicts keyed by column name (what aiosql and pydantic want)."""
    description = cursor.description
    columns = _last_columns[0]
    if columns[0] is not description:
        columns = (description, tuple(column[0] for column in description))
        _last_columns[0] = columns
    return dict(zip(columns[1], row, strict=True))
