"""The query seam on PostgreSQL: the same names, every query prepares, the same columns.

The portable `queries/*.sql` run on both backends; `queries/postgresql/*.sql` replace the
few that cannot be portable. This module lists them, so the set stays small and visible:
a new dialect-specific query must be added here on purpose.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pai_deps import db
from pai_deps.codegen.spec import read_query_file
from pai_deps.repo import meta
from pai_deps.repo._runtime import query_file
from pai_deps.sqlfiles import queries_dir
from tests.pg_server import PgServer
from tests.test_queries_seam import ALL_QUERIES, DECLARED, SAMPLE, _returned_model

# Every query with a PostgreSQL version, and why it cannot be portable.
DIALECT_SPECIFIC = {
    ("contracts", "delete_contracts_except"): "expands a JSON array parameter (json_each)",
    ("cycles", "list_cycles_with"): "looks inside a stored JSON array (json_each)",
    ("dependencies", "list_edges_among"): "expands a JSON array parameter (json_each)",
    ("graph", "transitive_dependencies"): "the level-by-level walk keeps levels in JSON",
    ("graph", "transitive_dependents"): "the level-by-level walk keeps levels in JSON",
    ("graph", "edge_list"): "builds a JSON array (json_group_array)",
    ("graph", "edges_leaving"): "expands a JSON array parameter and builds a JSON array",
    ("graph", "reached_edges"): "walks a recursive CTE and builds a JSON array (json_group_array)",
    ("meta", "table_exists"): "reads the catalogue (sqlite_master)",
    ("meta", "object_count"): "reads the catalogue (sqlite_master)",
    ("meta", "list_table_columns"): "reads the catalogue (pragma_table_info)",
    ("meta", "database_size"): "reads the file's size (pragma_page_count)",
    ("meta", "take_write_lock"): "SQLite's BEGIN IMMEDIATE locks; PostgreSQL needs a lock",
    ("meta", "take_migration_lock"): "SQLite's migrators lock a file; PostgreSQL a lock",
    ("meta", "release_migration_lock"): "the counterpart of take_migration_lock",
    ("copy", "restart_ids"): "SQLite's AUTOINCREMENT follows pasted ids; identities do not",
}


def test_the_dialect_specific_queries_are_exactly_the_listed_ones() -> None:
    found = {
        (path.stem, spec.name)
        for path in sorted((queries_dir() / "postgresql").glob("*.sql"))
        for spec in read_query_file(path).queries
    }
    assert found == set(DIALECT_SPECIFIC)
    assert len(found) <= len(ALL_QUERIES) // 4, "most queries must stay portable"


@pytest.fixture(scope="module")
def pg_conn(pg_server: PgServer) -> Iterator[Any]:
    schema = pg_server.new_schema()
    conn = db.open_db(pg_server.schema_url(schema))
    try:
        yield conn
    finally:
        conn.close()
        pg_server.drop_schema(schema)


def _pg_sql(stem: str, name: str) -> str:
    return str(getattr(query_file(stem, "postgresql"), name).sql)


@pytest.mark.parametrize(("stem", "name"), ALL_QUERIES)
def test_every_query_prepares_on_postgresql(pg_conn: Any, stem: str, name: str) -> None:
    params = dict.fromkeys(DECLARED[stem][name][1])
    with pg_conn.cursor() as cursor:
        cursor.execute("EXPLAIN " + _pg_sql(stem, name), params)


@pytest.mark.parametrize(("stem", "name"), ALL_QUERIES)
def test_result_columns_on_postgresql_match_the_returned_model(
    pg_conn: Any, stem: str, name: str
) -> None:
    model = _returned_model(stem, name)
    if model is None:
        return
    # PostgreSQL does not coerce text to numbers as SQLite does: a cycle's id is a number.
    typed = {"id": 1} if stem == "cycles" else {}
    params = {p: typed.get(p, SAMPLE[p]) for p in DECLARED[stem][name][1]}
    with pg_conn.transaction(force_rollback=True), pg_conn.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tools (id, name, path, type, created_at, updated_at) VALUES "
            "('seed-a','seed-a','/a','cli','t','t'), ('seed-b','seed-b','/b','cli','t','t')"
        )
        cursor.execute(
            "INSERT INTO contracts (id, tool_id, contract_type, name) "
            "VALUES (1, 'seed-b', 'cli_output', 'b run')"
        )
        cursor.execute("SELECT setval(pg_get_serial_sequence('contracts', 'id'), 1)")
        cursor.execute(_pg_sql(stem, name), params)
        columns = [c.name for c in cursor.description or []]
    assert columns == list(model.model_fields), f"{name} columns differ from {model.__name__}"


def test_both_schemas_have_the_same_columns_types_and_flags(pg_conn: Any, tmp_path: Any) -> None:
    """The same tables and columns, the same nullability, the same 0/1 flags, and a CHECK
    wherever SQLite has one (the migrations' integrity is the same on both)."""
    from pai_deps.codegen.infer import schema_from_rows

    lite = db.open_db(tmp_path / "schema.db")
    try:
        sqlite_rows = [r.model_dump(by_alias=False) for r in meta.list_table_columns(lite)]
    finally:
        lite.close()
    pg_rows = [
        r.model_dump(by_alias=False)
        for r in meta.list_table_columns(pg_conn)
        if not r.table_name.startswith(("_yoyo", "yoyo"))
    ]
    for row in sqlite_rows:  # SQLite reports its INTEGER PRIMARY KEY as nullable; it is not
        if row["column_name"] == "id":
            row["not_null"] = True
    ours = {r["table_name"] for r in pg_rows}
    theirs = {
        r["table_name"] for r in sqlite_rows if not r["table_name"].startswith(("_yoyo", "yoyo"))
    }
    assert ours == theirs
    sqlite_schema = schema_from_rows([r for r in sqlite_rows if r["table_name"] in ours])
    assert schema_from_rows(pg_rows) == sqlite_schema
    for table in ours:  # a CHECK on PostgreSQL for every column SQLite checks
        lite_sql = next(r["table_sql"] for r in sqlite_rows if r["table_name"] == table)
        pg_sql = next(r["table_sql"] for r in pg_rows if r["table_name"] == table)
        assert lite_sql.count("CHECK") == pg_sql.count("CHECK"), table


@pytest.mark.parametrize(
    ("replacement", "complaint"),
    [
        ("-- name: get_tool(id, extra)^\n-- returns: ToolRow | None\nSELECT 1;\n", "must declare"),
        ("-- name: get_tool(id)^\n-- returns: ToolRow\nSELECT 1;\n", "must declare"),
        ("-- name: get_tool(id)\n-- returns: ToolRow\nSELECT 1;\n", "must declare"),
        ("-- name: no_such_query(id)$\n-- returns: int\nSELECT 1;\n", "is not a query of"),
    ],
)
def test_a_dialect_file_must_declare_what_the_portable_file_declares(
    tmp_path: Any, replacement: str, complaint: str
) -> None:
    import shutil

    from pai_deps.codegen import SpecError, generate

    queries = tmp_path / "queries"
    shutil.copytree(queries_dir(), queries)
    (queries / "postgresql" / "tools.sql").write_text(replacement)
    with pytest.raises(SpecError, match=complaint):
        generate(queries)
    (queries / "postgresql" / "orphan.sql").write_text("")
    (queries / "postgresql" / "tools.sql").unlink()
    with pytest.raises(SpecError, match=r"no queries/orphan\.sql"):
        generate(queries)
