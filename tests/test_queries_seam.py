"""The codegen seam, checked the way sqlc checks it.

The generated modules are exactly what the generator makes of today's SQL (`diff`);
every named query prepares against a freshly migrated database; the typed functions in
`pai_deps.repo.<file>` match the queries in `queries/<file>.sql` name for name and
parameter for parameter; and every query's result columns are exactly the fields of the
model its function returns.
"""

from __future__ import annotations

import importlib
import inspect
import re
import shutil
import sqlite3
import subprocess
import sys
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from pai_deps import db
from pai_deps.codegen import REPO_DIR, generate
from pai_deps.repo._runtime import query_file
from pai_deps.sqlfiles import queries_dir

NAME_LINE = re.compile(r"^--\s*name:\s*([A-Za-z_][\w-]*)\s*(\(([^)]*)\))?\s*([$^!#<*]*)\s*$")


def _declared() -> dict[str, dict[str, tuple[str, list[str], str]]]:
    """file stem -> query name -> (file, declared params, operator), read from the files."""
    found: dict[str, dict[str, tuple[str, list[str], str]]] = {}
    for sql_file in sorted(queries_dir().glob("*.sql")):
        per_file = found.setdefault(sql_file.stem, {})
        for line in sql_file.read_text().splitlines():
            match = NAME_LINE.match(line.strip())
            if match:
                name = match.group(1).replace("-", "_")
                params = [p.strip() for p in (match.group(3) or "").split(",") if p.strip()]
                per_file[name] = (sql_file.name, params, match.group(4))
    return found


DECLARED = _declared()
ALL_QUERIES = sorted((stem, name) for stem, names in DECLARED.items() for name in names)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seam") / "registry.db"
    db.open_db(path).close()
    return path


@pytest.fixture
def conn(migrated: Path) -> Any:
    connection = db.open_db(migrated)
    yield connection
    connection.close()


def test_query_names_are_unique_across_files() -> None:
    seen: dict[str, str] = {}
    for stem, names in DECLARED.items():
        for name in names:
            assert name not in seen, f"{name} is defined in {seen.get(name)} and {stem}.sql"
            seen[name] = stem
    loaded = {
        n
        for stem in DECLARED
        for n in query_file(stem).available_queries
        if not n.endswith("_cursor")
    }
    assert loaded == set(seen)


def test_generated_modules_are_up_to_date() -> None:
    """sqlc's `diff`: a changed .sql file without a regenerated module fails here (and in CI)."""
    generated = generate(queries_dir())
    assert sorted(generated) == sorted(f"{stem}.py" for stem in DECLARED)
    for name, text in generated.items():
        committed = (REPO_DIR / name).read_text(encoding="utf-8")
        assert committed == text, f"pai_deps/repo/{name} is stale: run python -m pai_deps.codegen"


def test_generated_modules_are_ruff_formatted(tmp_path: Path) -> None:
    """What the generator writes is what `ruff format` would write, so CI's check holds."""
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed")
    for name, text in generate(queries_dir()).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [
            ruff,
            "format",
            "--check",
            "--config",
            str(REPO_DIR.parent.parent / "pyproject.toml"),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_line_that_looks_like_a_name_was_parsed() -> None:
    for sql_file in queries_dir().glob("*.sql"):
        for number, line in enumerate(sql_file.read_text().splitlines(), 1):
            if line.lstrip().startswith("-- name:"):
                assert NAME_LINE.match(line.strip()), f"{sql_file.name}:{number}: {line}"


@pytest.mark.parametrize(("stem", "name"), ALL_QUERIES)
def test_every_query_prepares_against_the_migrated_schema(
    conn: sqlite3.Connection, stem: str, name: str
) -> None:
    fn = getattr(query_file(stem), name)
    params = dict.fromkeys(DECLARED[stem][name][1])
    conn.execute("EXPLAIN " + fn.sql, params)


def _wrapper_module(stem: str) -> types.ModuleType:
    return importlib.import_module(f"pai_deps.repo.{stem}")


@pytest.mark.parametrize("stem", sorted(DECLARED))
def test_each_sql_file_has_a_typed_module_with_exactly_its_queries(stem: str) -> None:
    module = _wrapper_module(stem)
    public = {
        n
        for n, obj in vars(module).items()
        if inspect.isfunction(obj) and obj.__module__ == module.__name__ and not n.startswith("_")
    }
    assert public == set(DECLARED[stem])


@pytest.mark.parametrize(("stem", "name"), ALL_QUERIES)
def test_wrapper_parameters_match_the_declared_parameters(stem: str, name: str) -> None:
    wrapper = getattr(_wrapper_module(stem), name)
    signature = inspect.signature(wrapper)
    params = list(signature.parameters.values())
    assert params[0].name == "conn"
    keyword = [p.name for p in params[1:]]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params[1:])
    assert sorted(keyword) == sorted(DECLARED[stem][name][1])
    aiosql_params = [
        p for p in inspect.signature(getattr(query_file(stem), name)).parameters if p != "self"
    ]
    assert sorted(aiosql_params) == sorted(keyword)


def _returned_model(stem: str, name: str) -> type[BaseModel] | None:
    hints = typing.get_type_hints(getattr(_wrapper_module(stem), name))
    annotation = hints["return"]
    candidates = [annotation, *typing.get_args(annotation)]
    for candidate in candidates:
        if inspect.isclass(candidate) and issubclass(candidate, BaseModel):
            return candidate
    return None


# Values that satisfy the constraints, for executing queries that write and return rows.
SAMPLE = {
    "id": "seed-a",
    "tool_id": "seed-a",
    "consumer_id": "seed-a",
    "provider_id": "seed-b",
    "type": "cli",
    "stub": None,
    "path": "/seed",
    "version": "1",
    "reliability": 0.9,
    "debt_score": 1,
    "manifest_path": None,
    "manifest_hash": None,
    "description": None,
    "mcp_start": None,
    "slo": None,
    "now": "2026-01-01T00:00:00.000Z",
    "contract_type": "cli_output",
    "name": "seed-a run",
    "schema_path": None,
    "schema_hash": None,
    "contract_id": 1,
    "verified_at": "2026-01-01T00:00:00.000Z",
    "status": "pass",
    "details": None,
    "git_commit": None,
    "cycle": '["seed-a","seed-b"]',
    "include_resolved": 1,
    "max_depth": None,
    "limit": 10,
    "keep": 5,
    "runs": 20,
    "keep_ids": "[]",
    "ids": '["seed-a"]',
    "schema_snapshot": None,
    "status_reason": None,
    "uri": "res://x",
    "min_debt": 0,
    "high_debt": 10,
    "level": "default",
    "cli_passed": 1,
    "cli_failed": 0,
    "cli_skipped": 0,
    "mcp_found": 0,
    "mcp_missing": 0,
    "mcp_extra": 0,
    "mcp_failed": 0,
    "mcp_skipped": 0,
    "duration_ms": 12,
    "probe": '["seed-a", "--json"]',
    "help": "false",
    "taken_at": "2026-01-01T00:00:00.000Z",
    "server_name": "seed",
    "server_version": "1",
    "protocol": "2025-11-25",
    "tools": "[]",
}


@pytest.mark.parametrize(("stem", "name"), ALL_QUERIES)
def test_result_columns_match_the_returned_model(
    conn: sqlite3.Connection, stem: str, name: str
) -> None:
    model = _returned_model(stem, name)
    operator = DECLARED[stem][name][2]
    if model is None:
        assert operator in ("!", "$"), f"{name} returns rows but its wrapper has no model"
        return
    fn = getattr(query_file(stem), name)
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "INSERT INTO tools (id, name, path, type, created_at, updated_at) VALUES "
            "('seed-a','seed-a','/a','cli','t','t'), ('seed-b','seed-b','/b','cli','t','t')"
        )
        conn.execute(
            "INSERT INTO contracts (id, tool_id, contract_type, name) "
            "VALUES (1, 'seed-b', 'cli_output', 'b run')"
        )
        params = {p: SAMPLE[p] for p in DECLARED[stem][name][1]}
        cursor = conn.execute(fn.sql, params)
        columns = [c[0] for c in cursor.description]
        cursor.fetchall()
    finally:
        conn.execute("ROLLBACK")
    assert columns == list(model.model_fields), f"{name} columns differ from {model.__name__}"
