"""What the generated query modules call: loading one query file, converting its rows.

Hand-written, and the only part of `pai_deps.repo` that is. Each generated module names
its own `.sql` file, so a command parses only the files whose queries it runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any, TypeAlias, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from pai_deps.db.connection import Connection as _Connection
from pai_deps.sqlfiles import queries_dir

Connection: TypeAlias = _Connection  # what the generated functions take

M = TypeVar("M", bound=BaseModel)
S = TypeVar("S", str, int, float, bool, bytes)


@cache
def query_file(stem: str) -> Any:
    """The named queries of `queries/<stem>.sql` (aiosql), parsed on first use."""
    import aiosql

    return aiosql.from_path(queries_dir() / f"{stem}.sql", "sqlite3")


def run(conn: Connection, stem: str, query: str, /, **params: Any) -> Any:
    """Run one named query with keyword parameters; what it returns depends on its operator."""
    return getattr(query_file(stem), query)(conn, **params)


@cache
def _list_adapter(model: type[M]) -> TypeAdapter[list[M]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def many(model: type[M], rows: Iterable[dict[str, Any]]) -> list[M]:
    try:
        return _list_adapter(model).validate_python(list(rows))
    except ValidationError as exc:
        raise _unreadable(model, exc) from None


def maybe_one(model: type[M], row: dict[str, Any] | None) -> M | None:
    try:
        return None if row is None else model.model_validate(row)
    except ValidationError as exc:
        raise _unreadable(model, exc) from None


def exactly_one(model: type[M], row: dict[str, Any] | None) -> M:
    """For queries that always yield a row (RETURNING, aggregates)."""
    found = maybe_one(model, row)
    if found is None:
        raise RuntimeError(f"a query declared to return one {model.__name__} returned nothing")
    return found


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


def scalar(kind: type[S], value: Any) -> S:
    if value is None:
        raise RuntimeError(f"a query declared to return {kind.__name__} returned NULL")
    return kind(value)


def optional_scalar(kind: type[S], value: Any) -> S | None:
    return None if value is None else kind(value)


def rowcount(value: Any) -> int:
    return int(value)


def json_text(value: Any) -> str | None:
    """A parameter sent as JSON text (arrays for `json_each`, documents for JSON columns).

    A lone surrogate (valid in JSON, e.g. from a schema's property name) is written as
    \\uXXXX: SQLite stores UTF-8, which cannot hold one.
    """
    from pai_deps.schemas import escape_surrogates

    if value is None:
        return None
    if not isinstance(value, (list, dict, str, int, float, bool)):
        value = list(value)  # any other iterable, e.g. a set of ids or a tuple
    return escape_surrogates(json.dumps(value, ensure_ascii=False))
