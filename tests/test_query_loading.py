"""Commands parse only the queries they run: each is what parsing its whole file gives."""

from __future__ import annotations

from typing import Any

import pytest

from pai_deps.db.connection import Dialect
from pai_deps.repo import _runtime
from pai_deps.sqlfiles import queries_dir

STEMS = sorted(p.stem for p in queries_dir().glob("*.sql"))


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
@pytest.mark.parametrize("stem", STEMS)
def test_each_query_loaded_alone_is_the_query_of_the_whole_file(
    stem: str, dialect: Dialect
) -> None:
    whole = _runtime.query_file(stem, dialect)
    assert whole.available_queries
    for name in whole.available_queries:
        alone: Any = _runtime._query(stem, dialect, name)
        expected = getattr(whole, name)
        assert alone.sql == expected.sql
        assert alone.operation == expected.operation
        assert alone.__signature__ == expected.__signature__
        assert alone.__doc__ == expected.__doc__


def test_running_one_query_parses_only_its_definition(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    _, loader = _runtime._loader("sqlite")
    real = type(loader).load_query_data_from_sql

    def counting(self: object, sql: str, *args: object, **kwargs: object) -> object:
        parsed.append(sql)
        return real(self, sql, *args, **kwargs)

    monkeypatch.setattr(type(loader), "load_query_data_from_sql", counting)
    _runtime._query.cache_clear()
    _runtime.query_file.cache_clear()
    try:
        _runtime._query("tools", "sqlite", "get_tool")
    finally:
        _runtime._query.cache_clear()
    assert len(parsed) == 1
    assert parsed[0].startswith("-- name: get_tool(")
    assert "-- name:" not in parsed[0][1:]
