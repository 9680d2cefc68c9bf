"""What the generated query modules call: loading one query file, converting its rows.

Hand-written, and the only part of `pai_deps.repo` that is. Each generated module names
its own `.sql` file, so a command parses only the files whose queries it runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Generator, Iterable
from functools import cache
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

from pydantic import BaseModel, ValidationError

from pai_deps.db.connection import Connection as _Connection
from pai_deps.db.connection import Dialect, dialect_of
from pai_deps.gcpause import no_collection
from pai_deps.results.base import list_adapter
from pai_deps.sqlfiles import dialect_queries_dir, queries_dir

Connection: TypeAlias = _Connection  # what the generated functions take

M = TypeVar("M", bound=BaseModel)
S = TypeVar("S", str, int, float, bool, bytes)


@cache
def _loader(dialect: Dialect) -> tuple[Any, Any]:
    """aiosql's adapter for the driver it calls "sqlite3" or "psycopg", and a loader on it."""
    from aiosql.adapters.pyformat import PyFormatAdapter
    from aiosql.adapters.sqlite3 import SQLite3Adapter
    from aiosql.query_loader import QueryLoader

    adapter = SQLite3Adapter() if dialect == "sqlite" else PyFormatAdapter()  # type: ignore[no-untyped-call]
    return adapter, QueryLoader(adapter, None, attribute="__")


def _overlay_file(stem: str, dialect: Dialect) -> Path | None:
    overlay_dir = dialect_queries_dir(dialect)
    overlay = overlay_dir / f"{stem}.sql" if overlay_dir is not None else None
    return overlay if overlay is not None and overlay.is_file() else None


def _replaced(stem: str, overlay: Path, portable: Any, datum: Any) -> Any:
    """`datum` from a dialect file, once it is seen to replace `portable` faithfully."""
    if portable is None or (portable.parameters, portable.operation_type) != (
        datum.parameters,
        datum.operation_type,
    ):
        raise RuntimeError(
            f"{overlay}: {datum.query_name} must replace a query of queries/{stem}.sql "
            "with the same parameters and operator"
        )
    return datum


@cache
def query_file(stem: str, dialect: Dialect = "sqlite") -> Any:
    """All the named queries of `queries/<stem>.sql` for one dialect (aiosql), parsed once.

    The portable file is the source. A dialect may replace some of its queries in
    `queries/<dialect>/<stem>.sql`; each replacement must be a query the portable file
    defines, with the same parameters (the code generator also checks `returns:`).
    Commands run queries through `run`, which parses only the queries they use.
    """
    from aiosql.queries import Queries

    adapter, loader = _loader(dialect)
    data = {
        d.query_name: d for d in loader.load_query_data_from_file(queries_dir() / f"{stem}.sql")
    }
    overlay = _overlay_file(stem, dialect)
    if overlay is not None:
        for datum in loader.load_query_data_from_file(overlay):
            data[datum.query_name] = _replaced(stem, overlay, data.get(datum.query_name), datum)
    return Queries(adapter, kwargs_only=True).load_from_list(list(data.values()))


# aiosql's own separator of named queries: each part after it is one query's definition.
_QUERY_DEF = re.compile(r"--\s*name\s*:\s*")
_NAME = re.compile(r"\w+")


@cache
def _query_texts(path: Path) -> dict[str, str] | None:
    """Each query's definition in one `.sql` file, unparsed, by name; None when the file
    has block comments (aiosql removes them before splitting: parse such a file whole).

    Parsing a whole file costs about 1-2.5 ms (aiosql scans it for comments with one large
    regular expression); a command runs a few queries of several files.
    """
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    if "/*" in text:
        return None
    texts: dict[str, str] = {}
    for part in _QUERY_DEF.split(text)[1:]:
        name = _NAME.match(part)
        if name is not None:
            texts[name.group()] = "-- name: " + part
    return texts


@cache
def _query(stem: str, dialect: Dialect, name: str) -> Callable[..., Any]:
    """One named query as aiosql loads it, parsing only its own definition (and its
    dialect replacement), with the same checks as `query_file`."""
    from aiosql.queries import Queries

    portable_path = queries_dir() / f"{stem}.sql"
    overlay = _overlay_file(stem, dialect)
    portable_texts = _query_texts(portable_path)
    overlay_texts = {} if overlay is None else _query_texts(overlay)
    if portable_texts is None or overlay_texts is None:
        return getattr(query_file(stem, dialect), name)  # type: ignore[no-any-return]
    adapter, loader = _loader(dialect)

    def datum(texts: dict[str, str], path: Path) -> Any:
        text = texts.get(name)
        return None if text is None else loader.load_query_data_from_sql(text, [], path)[0]

    chosen = datum(portable_texts, portable_path)
    if overlay is not None:
        replacement = datum(overlay_texts, overlay)
        if replacement is not None:
            chosen = _replaced(stem, overlay, chosen, replacement)
    if chosen is None:
        return getattr(query_file(stem, dialect), name)  # type: ignore[no-any-return]  # AttributeError
    return getattr(Queries(adapter, kwargs_only=True).load_from_list([chosen]), name)  # type: ignore[no-any-return]


def run(conn: Connection, stem: str, query: str, /, **params: Any) -> Any:
    """Run one named query with keyword parameters; what it returns depends on its operator.

    Rows are read before returning, so a failure surfaces here, where it is classified
    (a refused row is `RowRejected`, a disk full or a lost connection a `DatabaseError`).
    PostgreSQL gets flags as 0/1, the integers the schema stores them as, as SQLite does.
    """
    dialect = dialect_of(conn)
    if dialect == "postgresql":
        params = {k: int(v) if isinstance(v, bool) else v for k, v in params.items()}
    try:
        result = _query(stem, dialect, query)(conn, **params)
        return list(result) if isinstance(result, Generator) else result
    except Exception as exc:
        from pai_deps.db.failures import classify

        failure = classify(exc, conn)
        if failure is None:
            raise
        raise failure from exc


def many(model: type[M], rows: Iterable[dict[str, Any]]) -> list[M]:
    try:
        with no_collection():  # the rows are the answer: none of them is garbage
            return list_adapter(model).validate_python(list(rows))
    except ValidationError as exc:
        raise _unreadable(model, exc) from None


def maybe_one(model: type[M], row: dict[str, Any] | None) -> M | None:
    try:
        with no_collection():  # one row may hold thousands of values (a JSON column)
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
    \\uXXXX: SQLite stores UTF-8, which cannot hold one. Compact, as SQLite's `json()`
    writes it, so stored JSON is the same text whichever backend wrote it (cycles are
    UNIQUE by their text).
    """
    from pai_deps.schemas import escape_surrogates

    if value is None:
        return None
    if not isinstance(value, (list, dict, str, int, float, bool)):
        value = list(value)  # any other iterable, e.g. a set of ids or a tuple
    return escape_surrogates(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
