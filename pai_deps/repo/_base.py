"""Loading the named queries once, and turning their rows into models."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter

from pai_deps.sqlfiles import queries_dir

M = TypeVar("M", bound=BaseModel)


@cache
def queries(module: str | None = None) -> Any:
    """The named queries of one repo module's SQL file (all files when None).

    `queries(__name__)` in `pai_deps.repo.tools` loads `queries/tools.sql` only, on first
    use, so a command parses just the SQL it runs.
    """
    import aiosql

    if module is None:
        return aiosql.from_path(queries_dir(), "sqlite3")
    return aiosql.from_path(queries_dir() / f"{module.rsplit('.', 1)[-1]}.sql", "sqlite3")


@cache
def _list_adapter(model: type[M]) -> TypeAdapter[list[M]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def one(model: type[M], row: dict[str, Any] | None) -> M | None:
    return None if row is None else model.model_validate(row)


def many(model: type[M], rows: Iterable[dict[str, Any]]) -> list[M]:
    return _list_adapter(model).validate_python(list(rows))


def dict_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    """Row factory: rows as dicts keyed by column name (what aiosql and pydantic want)."""
    return {column[0]: value for column, value in zip(cursor.description, row, strict=True)}
