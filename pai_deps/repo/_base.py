"""Loading the named queries once, and turning their rows into models."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from pai_deps.sqlfiles import queries_dir

M = TypeVar("M", bound=BaseModel)


@cache
def queries() -> Any:
    """All named queries (aiosql), parsed once on first use.

    One directory load (about 7 ms for every file) is cheaper than loading files one by
    one as each repo module needs them.
    """
    import aiosql

    return aiosql.from_path(queries_dir(), "sqlite3")


@cache
def _list_adapter(model: type[M]) -> TypeAdapter[list[M]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def one(model: type[M], row: dict[str, Any] | None) -> M | None:
    try:
        return None if row is None else model.model_validate(row)
    except ValidationError as exc:
        raise _unreadable(model, exc) from None


def many(model: type[M], rows: Iterable[dict[str, Any]]) -> list[M]:
    try:
        return _list_adapter(model).validate_python(list(rows))
    except ValidationError as exc:
        raise _unreadable(model, exc) from None


def _unreadable(model: type[BaseModel], exc: ValidationError) -> Exception:
    """A row the schema's constraints should have made impossible: damage or a foreign writer."""
    from pai_deps.errors import DatabaseError

    first = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"])
    return DatabaseError(
        f"The registry holds a row pai-deps cannot read ({model.__name__} {where}: "
        f"{first['msg']}); it may be damaged: run `pai-deps db check`",
        code="corrupt_database",
    )


def dict_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    """Row factory: rows as dicts keyed by column name (what aiosql and pydantic want)."""
    return {column[0]: value for column, value in zip(cursor.description, row, strict=True)}
