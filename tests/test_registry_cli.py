"""register, unregister, list, show, cycles, stubs, schema: the real CLI, on both backends."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pai_deps import db
from pai_deps.db import Connection
from pai_deps.repo import contracts, copy, cycles, dependencies, tools
from tests.conftest import Cli
from tests.helpers import dep, write_tool

pytestmark = pytest.mark.backends

OUT_SCHEMA = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}


def _open(target: str | Path) -> Connection:
    return db.open_db(target)


def _snapshot(target: str | Path) -> list[object]:
    """Every registry row (what `db copy` copies), for 'nothing changed' assertions."""
    conn = db.open_db(target)
    try:
        return [
            row
            for read in (copy.copy_tools, copy.copy_dependencies, copy.copy_contracts,
                         copy.copy_verifications, copy.copy_resources, copy.copy_runs,
                         copy.copy_snapshots, copy.copy_cycles)
            for row in read(conn)
        ]  # fmt: skip
    finally:
        conn.close()


# -- register ---------------------------------------------------------------------------------


def test_register_writes_tool_edges_stubs_contracts_and_says_so(
    tmp_path: Path, cli: Cli, db_target: str
) -> None:
    tool_dir = write_tool(
        tmp_path,
        "email",
        version="2.0.0",
        reliability=0.9,
        debt_score=3,
        depends_on=[dep("ical", "cli", version=">=1"), dep("ghost", "mcp", optional=True)],
        provides={
            "cli": [
                {"command": "email send <to> [--subject]", "output_schema": "out.json"},
                {"command": "email search --json"},
            ],
            "mcp": [{"tool": "email_search"}, {"resource": "email://inbox"}],
            "library": [{"export": "sendMail"}],
            "database": [{"path": "~/.email.db"}],
        },
        schemas={"out.json": OUT_SCHEMA},
    )
    result = cli("register", str(tool_dir))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Registered email v2.0.0",
        "  Dependencies: 2 (2 stubs created)",
        "  Provides: 2 CLI commands, 1 MCP tool, 1 MCP resource, 1 library export, 1 database",
    ]
    assert "Warning: Created stub for unregistered dependency: ghost" in result.stderr
    conn = _open(db_target)
    try:
        email = tools.get_tool(conn, id="email")
        assert email is not None and email.path == str(tool_dir) and not email.stub
        stubs = {t.id: t for t in tools.list_tools(conn) if t.stub}
        assert {k: v.type for k, v in stubs.items()} == {"ical": "cli", "ghost": "mcp"}
        edges = dependencies.list_dependencies_of(conn, tool_id="email")
        assert [(e.id, e.edge_type, e.version_constraint, e.optional) for e in edges] == [
            ("ghost", "mcp", None, True),
            ("ical", "cli", ">=1", False),
        ]
        kinds = {
            (c.contract_type, c.name): c for c in contracts.list_contracts_of(conn, tool_id="email")
        }
        assert set(kinds) == {
            ("cli_output", "email send <to> [--subject]"),
            ("cli_output", "email search --json"),
            ("mcp_tool", "email_search"),
            ("library_export", "sendMail"),
            ("db_schema", "~/.email.db"),
        }
        sent = kinds[("cli_output", "email send <to> [--subject]")]
        # sha256 of the normalised schema, as the TypeScript tool computed it
        assert (
            sent.schema_hash == "b06aa9963abe6af67dd00817bb1f3a95d252f007bb387173d13257328a066032"
        )
        assert json.loads(sent.schema_snapshot or "null") == OUT_SCHEMA
    finally:
        conn.close()


def _db(cli: Cli) -> Path:
    result = cli("--json", "db", "path")
    return Path(result.json()["path"])


def test_register_json_output(tmp_path: Path, cli: Cli) -> None:
    tool_dir = write_tool(
        tmp_path,
        "a",
        version="1.0.0",
        depends_on=[dep("lib")],
        provides={"cli": [{"command": "a run"}], "mcp": [{"resource": "a://x"}]},
    )
    document = cli("--json", "register", str(tool_dir)).json()
    assert document["success"] is True
    assert document["action"] == "registered"
    assert document["tool"]["id"] == "a"
    assert document["tool"]["version"] == "1.0.0"
    assert document["tool"]["dependencies"] == 1
    # `mcp` counts every MCP entry, as the TypeScript tool did; the split is beside it
    assert document["tool"]["provides"] == {"cli": 1, "mcp": 1, "resources": 1}
    assert document["warnings"] == ["Created stub for unregistered dependency: lib"]


def test_singular_forms(tmp_path: Path, cli: Cli) -> None:
    tool_dir = write_tool(
        tmp_path, "solo", depends_on=[dep("one")], provides={"cli": [{"command": "solo go"}]}
    )
    lines = cli("register", str(tool_dir)).stdout.splitlines()
    assert lines[1:] == ["  Dependencies: 1 (1 stub created)", "  Provides: 1 CLI command"]
    listing = cli("list").stdout
    assert listing.rstrip().endswith("2 tools (1 stub)")


def test_registering_a_real_tool_over_a_stub_says_so_and_keeps_created_at(
    tmp_path: Path, cli: Cli, db_target: str
) -> None:
    cli("register", str(write_tool(tmp_path, "app", depends_on=[dep("lib")])))
    conn = _open(db_target)
    stub_created = tools.get_tool(conn, id="lib")
    conn.close()
    assert stub_created is not None and stub_created.stub
    result = cli("register", str(write_tool(tmp_path, "lib", type="library")))
    assert result.stdout.splitlines()[0] == "Registered lib (replaced a stub)"
    document = cli("--json", "register", str(tmp_path / "lib")).json()
    assert document["action"] == "updated"
    conn = _open(db_target)
    real = tools.get_tool(conn, id="lib")
    conn.close()
    assert real is not None and not real.stub and real.created_at == stub_created.created_at


def test_reregistering_replaces_edges_and_contracts_but_keeps_state(
    tmp_path: Path, cli: Cli, db_target: str
) -> None:
    tool_dir = write_tool(
        tmp_path,
        "a",
        depends_on=[dep("x"), dep("y")],
        provides={"cli": [{"command": "a one"}, {"command": "a two"}]},
    )
    cli("register", str(tool_dir))
    conn = _open(db_target)
    first = tools.get_tool(conn, id="a")
    keep = next(c for c in contracts.list_contracts_of(conn, tool_id="a") if c.name == "a one")
    with db.transaction(conn):
        contracts.set_contract_status(
            conn, id=keep.id, status="valid", now="2026-01-01T00:00:00.000Z"
        )
        tools.mark_tool_verified(conn, id="a", now="2026-01-01T00:00:00.000Z")
    conn.close()
    write_tool(
        tmp_path,
        "a",
        depends_on=[dep("y"), dep("z")],
        provides={"cli": [{"command": "a one"}, {"command": "a three"}]},
    )
    assert cli("register", str(tool_dir)).exit_code == 0
    conn = _open(db_target)
    try:
        again = tools.get_tool(conn, id="a")
        assert again is not None and first is not None
        assert again.created_at == first.created_at
        assert again.last_verified == "2026-01-01T00:00:00.000Z"
        assert [e.id for e in dependencies.list_dependencies_of(conn, tool_id="a")] == ["y", "z"]
        now = {c.name: c for c in contracts.list_contracts_of(conn, tool_id="a")}
        assert set(now) == {"a one", "a three"}
        assert now["a one"].id == keep.id and now["a one"].status == "valid"
    finally:
        conn.close()


def test_register_accepts_a_manifest_file_of_any_name(tmp_path: Path, cli: Cli) -> None:
    tool_dir = write_tool(tmp_path, "odd")
    custom = tool_dir / "custom.yaml"
    (tool_dir / "pai-manifest.yaml").rename(custom)
    document = cli("--json", "register", str(custom)).json()
    assert document["tool"]["manifestPath"] == str(custom)


def test_same_name_from_another_directory_is_refused_unless_forced(
    tmp_path: Path, cli: Cli, db_target: str
) -> None:
    first = write_tool(tmp_path, "dup", folder="one")
    second = write_tool(tmp_path, "dup", folder="two")
    cli("register", str(first))
    before = _snapshot(db_target)
    refused = cli("register", str(second))
    assert refused.exit_code == 1
    assert str(first / "pai-manifest.yaml") in refused.stderr
    assert str(second / "pai-manifest.yaml") in refused.stderr
    assert refused.stderr.count("\n") == 1
    assert _snapshot(db_target) == before
    moved = cli("--json", "register", "--force", str(second)).json()
    assert moved["tool"]["path"] == str(second)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("name: x\ntype: service\n", "type (line 2): must be one of"),
        ("name: x\ntype: cli\nversion: 1.0\n", 'quote it: version: "1.0"'),
        (
            "name: x\ntype: cli\ndepends_on:\n  - name: x\n    type: cli\n",
            "cannot depend on itself",
        ),
        ("name: [unclosed\n", "Invalid YAML"),
    ],
)
def test_invalid_manifest_writes_nothing(
    tmp_path: Path, cli: Cli, db_target: str, content: str, fragment: str
) -> None:
    cli("register", str(write_tool(tmp_path, "keep", depends_on=[dep("lib")])))
    before = _snapshot(db_target)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "pai-manifest.yaml").write_text(content)
    result = cli("register", str(bad))
    assert result.exit_code == 1
    assert fragment in result.stderr
    assert "Traceback" not in result.output
    document = cli("--json", "register", str(bad)).json()
    assert document["success"] is False
    assert document["code"] in ("invalid_manifest",)
    assert _snapshot(db_target) == before


def test_unknown_keys_warn_and_strict_refuses(tmp_path: Path, cli: Cli) -> None:
    tool_dir = write_tool(tmp_path, "k", colour="blue")
    warned = cli("register", str(tool_dir))
    assert warned.exit_code == 0
    assert "colour" in warned.stderr
    strict = cli("register", "--strict", str(tool_dir))
    assert strict.exit_code == 1
    assert "colour" in strict.stderr


def test_missing_path_and_missing_manifest(tmp_path: Path, cli: Cli) -> None:
    nowhere = cli("register", str(tmp_path / "nowhere"))
    assert nowhere.exit_code == 1
    assert "Path not found" in nowhere.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    absent = cli("--json", "register", str(empty)).json()
    assert absent["success"] is False
    assert "pai-manifest.yaml" in absent["error"]


@pytest.mark.sqlite_only  # a trigger written with SQLite's RAISE
def test_failure_mid_register_leaves_the_registry_exactly_as_before(
    tmp_path: Path, cli: Cli, db_path: Path
) -> None:
    cli("register", str(write_tool(tmp_path, "base", depends_on=[dep("lib")])))
    before = _snapshot(db_path)
    # A trigger makes the contract write fail after the tool, edges and stubs were written.
    raw = sqlite3.connect(db_path)
    raw.execute(
        "CREATE TRIGGER explode BEFORE INSERT ON contracts "
        "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
    )
    raw.commit()
    raw.close()
    tool_dir = write_tool(
        tmp_path,
        "late",
        depends_on=[dep("base"), dep("newstub")],
        provides={"cli": [{"command": "late run"}]},
    )
    result = cli("register", str(tool_dir))
    assert result.exit_code == 1
    assert "disk on fire" in result.stderr
    assert _snapshot(db_path) == before


# -- cycles -----------------------------------------------------------------------------------


def test_cycles_are_stored_once_warned_and_resolved(
    tmp_path: Path, cli: Cli, db_path: Path
) -> None:
    cli("register", str(write_tool(tmp_path, "x", depends_on=[dep("y")])))
    cli("register", str(write_tool(tmp_path, "y", depends_on=[dep("z")])))
    closing = cli("register", str(write_tool(tmp_path, "z", depends_on=[dep("x")])))
    assert "Circular dependency detected: x -> y -> z -> x" in closing.stderr
    again = cli("register", str(tmp_path / "y"))
    assert "Circular dependency detected: x -> y -> z -> x" in again.stderr
    # a tool outside the cycle that reaches it gets no warning
    outside = cli("register", str(write_tool(tmp_path, "w", depends_on=[dep("x")])))
    assert "Circular" not in outside.stderr
    listing = cli("--json", "cycles").json()
    assert [c["cycle"] for c in listing["cycles"]] == [["x", "y", "z"]]
    # breaking the cycle resolves it
    cli("register", str(write_tool(tmp_path, "z")))
    assert cli("--json", "cycles").json()["cycles"] == []
    history = cli("--json", "cycles", "--all").json()["cycles"]
    assert [(c["cycle"], c["resolved"]) for c in history] == [(["x", "y", "z"], True)]
    # and re-closing it re-opens the same record
    cli("register", str(write_tool(tmp_path, "z", depends_on=[dep("x")])))
    reopened = cli("--json", "cycles", "--all").json()["cycles"]
    assert [(c["id"], c["resolved"]) for c in reopened] == [(history[0]["id"], False)]


def test_cycles_resolve_by_hand(tmp_path: Path, cli: Cli) -> None:
    cli("register", str(write_tool(tmp_path, "p", depends_on=[dep("q")])))
    cli("register", str(write_tool(tmp_path, "q", depends_on=[dep("p")])))
    (cycle,) = cli("--json", "cycles").json()["cycles"]
    assert cycle["cycle"] == ["p", "q"]
    done = cli("cycles", "resolve", str(cycle["id"]))
    assert done.exit_code == 0 and "p -> q -> p" in done.stdout
    assert cli("--json", "cycles").json()["count"] == 0
    missing = cli("cycles", "resolve", "999")
    assert missing.exit_code == 1 and "Cycle 999 not found" in missing.stderr


# -- unregister and stubs -------------------------------------------------------------------


def test_unregister_refuses_while_depended_on_then_stubs_with_force(
    tmp_path: Path, cli: Cli
) -> None:
    cli(
        "register",
        str(write_tool(tmp_path, "lib", type="library", provides={"library": [{"export": "f"}]})),
    )
    cli("register", str(write_tool(tmp_path, "app", depends_on=[dep("lib")])))
    refused = cli("unregister", "lib")
    assert refused.exit_code == 1
    assert "app" in refused.stderr and "--force" in refused.stderr
    refused_json = cli("--json", "unregister", "lib").json()
    assert refused_json["code"] == "has_dependents" and refused_json["dependents"] == ["app"]
    forced = cli("--json", "unregister", "--force", "lib").json()
    assert forced["action"] == "stubbed" and forced["affectedDependents"] == ["app"]
    shown = cli("--json", "show", "lib").json()
    assert shown["tool"]["stub"] is True and shown["contracts"] == []
    assert cli("--json", "show", "app").json()["dependencies"][0]["name"] == "lib"


def test_unregister_removes_a_tool_nobody_uses_and_stubs_prune(tmp_path: Path, cli: Cli) -> None:
    cli("register", str(write_tool(tmp_path, "app", depends_on=[dep("ghost")])))
    result = cli("unregister", "app")
    assert result.exit_code == 0 and result.stdout.strip() == "Unregistered app"
    listing = cli("--json", "list").json()
    assert [t["id"] for t in listing["tools"]] == ["ghost"]
    pruned = cli("--json", "stubs", "prune").json()
    assert pruned["removed"] == ["ghost"]
    assert cli("--json", "list").json()["total"] == 0
    assert cli("stubs", "prune").stdout.strip() == "No orphan stubs."
    unknown = cli("unregister", "nope")
    assert unknown.exit_code == 1 and unknown.stderr.strip() == "Error: Tool 'nope' not found"


# -- list and show ------------------------------------------------------------------------------


def test_list_filters_and_empty_messages(tmp_path: Path, cli: Cli) -> None:
    assert "No tools registered yet" in cli("list").stdout
    cli("register", str(write_tool(tmp_path, "a", depends_on=[dep("s")])))
    cli("register", str(write_tool(tmp_path, "b", type="cli+mcp", depends_on=[dep("a", "cli")])))
    every = cli("--json", "list").json()
    assert [(t["id"], t["dependencies"], t["dependents"], t["stub"]) for t in every["tools"]] == [
        ("a", 1, 1, False),
        ("b", 1, 0, False),
        ("s", 0, 1, True),
    ]
    assert (every["total"], every["stubs"]) == (3, 1)
    assert [t["id"] for t in cli("--json", "list", "--type", "cli").json()["tools"]] == ["a"]
    assert [t["id"] for t in cli("--json", "list", "--stubs").json()["tools"]] == ["s"]
    assert [t["id"] for t in cli("--json", "list", "--no-stubs").json()["tools"]] == ["a", "b"]
    assert "No tools match (type workflow)." in cli("list", "--type", "workflow").stdout
    bad = cli("list", "--type", "service")
    assert bad.exit_code == 2 and "must be one of" in bad.stderr
    table = cli("list").stdout.splitlines()
    assert table[0].split() == [
        "ID",
        "Type",
        "Version",
        "Deps",
        "Dependents",
        "Reliability",
        "Debt",
        "Status",
    ]  # no Observed column while nothing was ever verified
    assert all(line == line.rstrip() for line in table)


def test_show_reads_everything_from_the_registry(tmp_path: Path, cli: Cli) -> None:
    tool_dir = write_tool(
        tmp_path,
        "svc",
        version="1.0",
        description="Service",
        depends_on=[dep("lib", version="^2")],
        provides={
            "cli": [{"command": "svc run"}],
            "mcp": [{"tool": "svc_q"}, {"resource": "svc://r"}],
        },
        mcp_start="python server.py",
    )
    cli("register", str(tool_dir))
    (tool_dir / "pai-manifest.yaml").unlink()  # show must not need the manifest
    document = cli("--json", "show", "svc").json()
    assert document["tool"]["description"] == "Service"
    assert document["tool"]["mcpStart"] == "python server.py"
    assert document["dependencies"] == [
        {
            "name": "lib",
            "type": "library",
            "version": "^2",
            "optional": False,
            "providerType": "library",
            "stub": True,
        }
    ]
    assert document["provides"] == {
        "cli": [{"command": "svc run"}],
        "mcp": [{"tool": "svc_q"}, {"resource": "svc://r"}],
    }
    human = cli("show", "svc").stdout
    assert "Tool: svc" in human and "svc://r" in human and "lib (library) ^2" in human
    assert cli("show", "nope").exit_code == 1


def test_schema_command_matches_the_committed_copy(cli: Cli) -> None:
    from tests.conftest import REPO_ROOT

    printed = cli("schema").stdout
    assert printed == (REPO_ROOT / "docs" / "pai-manifest.schema.json").read_text()
    assert json.loads(printed)["properties"]["name"]
    assert cli("--json", "schema").json()["schema"] == json.loads(printed)


# -- concurrency ---------------------------------------------------------------------------------


@pytest.mark.sqlite_only  # PostgreSQL's 50 concurrent registers: tests/test_postgres_concurrency.py
def test_twenty_concurrent_registers_all_land(tmp_path: Path, db_path: Path) -> None:
    """The TypeScript tool lost 16 of 20 of these to 'database is locked'."""
    db.open_db(db_path).close()
    dirs = [
        write_tool(tmp_path, f"tool{i:02d}", depends_on=[dep("shared"), dep(f"own{i:02d}")])
        for i in range(20)
    ]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "pai_deps", "--db", str(db_path), "register", str(d)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for d in dirs
    ]
    results = [(p.wait(timeout=120), p.communicate()[1]) for p in procs]
    assert [code for code, _ in results] == [0] * 20, [err for _, err in results]
    conn = _open(db_path)
    try:
        ids = {t.id for t in tools.list_tools(conn)}
        assert ids == {f"tool{i:02d}" for i in range(20)} | {f"own{i:02d}" for i in range(20)} | {
            "shared"
        }
        assert len(dependencies.list_edges(conn)) == 40
        assert len(dependencies.list_dependents_of(conn, tool_id="shared")) == 20
        assert cycles.list_cycles(conn, include_resolved=True) == []
    finally:
        conn.close()


def test_renaming_a_tool_in_its_manifest_replaces_the_old_name(tmp_path: Path, cli: Cli) -> None:
    tool_dir = write_tool(tmp_path, "alpha", folder="t")
    cli("register", str(write_tool(tmp_path, "user", depends_on=[dep("keep")])))
    cli("register", str(tool_dir))
    write_tool(tmp_path, "beta", folder="t")
    result = cli("register", str(tool_dir))
    assert result.exit_code == 0
    assert "'alpha' was renamed to 'beta'; 'alpha' was removed" in result.stderr
    assert [t["id"] for t in cli("--json", "list", "--no-stubs").json()["tools"]] == [
        "beta",
        "user",
    ]


def test_renamed_tool_with_dependents_stays_as_a_stub(tmp_path: Path, cli: Cli) -> None:
    tool_dir = write_tool(tmp_path, "alpha", folder="t")
    cli("register", str(tool_dir))
    cli("register", str(write_tool(tmp_path, "user", depends_on=[dep("alpha")])))
    write_tool(tmp_path, "beta", folder="t")
    document = cli("--json", "register", str(tool_dir)).json()
    assert any("'alpha' stays as a stub because user" in w for w in document["warnings"])
    assert cli("--json", "show", "alpha").json()["tool"]["stub"] is True


def test_force_unregister_of_a_depended_on_stub_says_it_stays(tmp_path: Path, cli: Cli) -> None:
    cli("register", str(write_tool(tmp_path, "app", depends_on=[dep("ghost")])))
    result = cli("unregister", "--force", "ghost")
    assert result.exit_code == 0
    assert "'ghost' is a stub and stays one: still 1 tool depends on it (app)" in result.stdout
    document = cli("--json", "unregister", "--force", "ghost").json()
    assert (document["action"], document["wasStub"]) == ("stubbed", True)
    assert [t["id"] for t in cli("--json", "list", "--stubs").json()["tools"]] == ["ghost"]


def test_schema_file_errors_name_their_line(tmp_path: Path, cli: Cli) -> None:
    tool_dir = write_tool(
        tmp_path, "s", provides={"cli": [{"command": "s", "output_schema": "gone.json"}]}
    )
    line = next(
        n
        for n, text in enumerate((tool_dir / "pai-manifest.yaml").read_text().splitlines(), 1)
        if "gone.json" in text
    )
    result = cli("register", "--strict", str(tool_dir))
    assert f"provides.cli[0].output_schema (line {line}): " in result.stderr
    issue = cli("--json", "register", "--strict", str(tool_dir)).json()["issues"][0]
    assert issue["line"] == line
    warned = cli("register", str(tool_dir))
    assert f"Warning: provides.cli[0].output_schema (line {line}): " in warned.stderr
