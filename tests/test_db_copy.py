"""`db copy SRC DEST` between any two backends: everything, ids and all, in one go."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pai_deps import db
from pai_deps.repo import copy, meta
from pai_deps.sqlfiles import queries_dir
from tests.conftest import Cli
from tests.helpers import dep, write_tool
from tests.pg_server import PASSWORD, PgServer

QUERIES = [
    ["list"],
    ["show", "app"],
    ["cycles", "--all"],
    ["deps", "app", "-t"],
    ["rdeps", "core", "-t"],
    ["affected", "core"],
    ["allpaths", "app", "core"],
    ["blast-radius", "core"],
    ["chain-reliability", "--all"],
    ["debt"],
    ["health"],
    ["graph", "--format", "json"],
    ["verify-history", "app"],
    ["drift", "--all"],
]


def _everything(target: str) -> list[Any]:
    conn = db.open_db(target)
    try:
        reads = (
            copy.copy_tools,
            copy.copy_dependencies,
            copy.copy_contracts,
            copy.copy_verifications,
            copy.copy_resources,
            copy.copy_runs,
            copy.copy_snapshots,
            copy.copy_cycles,
            copy.copy_uses,
            copy.copy_deprecations,
        )
        return [row for read in reads for row in read(conn)]
    finally:
        conn.close()


def _fill(cli: Cli, root: Path, target: str) -> None:
    """Tools with stubs, a cycle (resolved and open), contracts, resources, history."""
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    write_tool(root, "core", reliability=0.91, debt_score=3)
    write_tool(root, "mid", depends_on=[dep("core"), dep("ghost", "mcp", optional=True)])
    write_tool(
        root,
        "app",
        type="cli+mcp",
        depends_on=[
            dep(
                "mid",
                "cli",
                version=">=1",
                uses=[{"contract": "mid run", "fields": ["/a", "/b/*"]}],
            ),
            dep("loop"),
        ],
        provides={
            "cli": [
                {
                    "command": "app-not-installed run --json",
                    "output_schema": "out.json",
                    "deprecated": True,
                    "until": "2027-01-01",
                }
            ],
            "mcp": [{"tool": "app_tool"}, {"resource": "app://inbox"}],
        },
        schemas={"out.json": schema},
        description="The app — with ünïcode",
    )
    write_tool(root, "loop", depends_on=[dep("app")])
    assert cli("sync", str(root), db=target).exit_code == 0
    assert cli("verify", "app", "--cli-only", db=target).exit_code == 1
    write_tool(root, "loop")  # breaks the cycle: it stays, resolved
    write_tool(root, "mid2", depends_on=[dep("app"), dep("app2")], folder="loop2")
    write_tool(root, "app2", depends_on=[dep("mid2")], folder="app2")
    assert cli("sync", str(root), db=target).exit_code == 0


Targets = Callable[[str], str]


@pytest.fixture
def make_target(tmp_path: Path, request: pytest.FixtureRequest) -> Targets:
    """A fresh registry of a backend: a new file, or a new PostgreSQL schema."""
    counter = iter(range(100))

    def make(backend: str) -> str:
        if backend == "sqlite":
            return str(tmp_path / f"registry-{next(counter)}.db")
        server: PgServer = request.getfixturevalue("pg_server")
        schema = server.new_schema()
        request.addfinalizer(lambda: server.drop_schema(schema))
        return server.schema_url(schema)

    return make


@pytest.mark.parametrize(
    ("source", "destination"),
    [("sqlite", "postgresql"), ("postgresql", "sqlite"), ("postgresql", "postgresql"),
     ("sqlite", "sqlite")],
)  # fmt: skip
def test_a_copy_answers_every_query_exactly_as_the_original(
    tmp_path: Path, cli: Cli, make_target: Targets, source: str, destination: str
) -> None:
    src, dst = make_target(source), make_target(destination)
    _fill(cli, tmp_path / "eco", src)
    copied = cli("--json", "db", "copy", src, dst)
    assert copied.exit_code == 0, copied.output
    assert PASSWORD not in copied.output
    document = copied.json()
    assert document["rows"]["tools"] == 7 and document["rows"]["verifications"] >= 1
    assert document["rows"]["circular_deps"] == 2 and document["replaced"] is None
    assert _everything(dst) == _everything(src)
    for query in QUERIES:
        here = cli("--json", *query, db=src)
        there = cli("--json", *query, db=dst)
        assert (there.exit_code, there.stdout) == (here.exit_code, here.stdout), query
    # the copy is a registry of its own: new rows get new ids after the copied ones
    write_tool(
        tmp_path / "eco", "late", depends_on=[dep("core")], provides={"cli": [{"command": "late"}]}
    )
    assert cli("register", str(tmp_path / "eco" / "late"), db=dst).exit_code == 0
    assert cli("verify", "late", db=dst).exit_code in (0, 1)


def test_a_registry_that_holds_data_is_replaced_only_on_request(
    tmp_path: Path, cli: Cli, make_target: Targets
) -> None:
    src, dst = make_target("sqlite"), make_target("postgresql")
    _fill(cli, tmp_path / "eco", src)
    write_tool(tmp_path / "other", "theirs")
    assert cli("sync", str(tmp_path / "other"), db=dst).exit_code == 0
    before = _everything(dst)
    refused = cli("db", "copy", src, dst)
    assert refused.exit_code == 1
    assert "not empty (1 tools" in refused.stderr and "--replace" in refused.stderr
    assert _everything(dst) == before
    replaced = cli("--json", "db", "copy", src, dst, "--replace").json()
    assert replaced["replaced"]["tools"] == 1
    assert _everything(dst) == _everything(src)


def test_a_registry_cannot_be_copied_onto_itself(cli: Cli, make_target: Targets) -> None:
    target = make_target("sqlite")
    result = cli("--json", "db", "copy", target, target)
    assert (result.exit_code, result.json()["code"]) == (1, "same_registry")


def test_the_copy_queries_name_every_column_of_every_table(tmp_path: Path) -> None:
    """A migration that adds a column must add it to queries/copy.sql too."""
    text = (queries_dir() / "copy.sql").read_text()
    pasted = {
        table: [c.strip() for c in columns.split(",")]
        for table, columns in re.findall(r"INSERT INTO (\w+) \(([^)]*)\)", text)
    }
    conn = db.open_db(tmp_path / "r.db")
    try:
        schema: dict[str, list[str]] = {}
        for row in meta.list_table_columns(conn):
            if not row.table_name.startswith(("_yoyo", "yoyo", "sqlite")):
                schema.setdefault(row.table_name, []).append(row.column_name)
    finally:
        conn.close()
    assert {t: sorted(c) for t, c in pasted.items()} == {t: sorted(c) for t, c in schema.items()}
