"""`verify-history` and the migration that gives runs their MCP failure count."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path
from typing import cast

import pytest

from pai_deps import db
from pai_deps.repo import runs
from pai_deps.sqlfiles import migrations_dir
from tests.conftest import Cli
from tests.test_verify_cli import Toolbox, commands, make_box

pytestmark = pytest.mark.backends

ISO_WITH_ZONE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d ")


@pytest.fixture
def box(tmp_path: Path, cli: Cli, db_target: str, monkeypatch: pytest.MonkeyPatch) -> Toolbox:
    return make_box(tmp_path, cli, db_target, monkeypatch)


def test_runs_newest_first_with_reference_keys(box: Toolbox) -> None:
    box.usage("good")
    box.tool("t", provides=commands("good", "ghost"))
    box.verify("t", "--contract", "good")
    box.verify("t", "--strict")

    result = box.cli("--json", "verify-history", "t")
    human = box.cli("verify-history", "t")

    assert result.exit_code == human.exit_code == 0
    document = result.json()
    assert document["count"] == 2
    newest, oldest = document["history"]
    assert newest["verifiedAt"] >= oldest["verifiedAt"]
    assert newest["verifiedAt"].endswith("Z")
    assert newest | {"id": 0, "verifiedAt": "", "durationMs": 0} == {
        "id": 0,
        "verifiedAt": "",
        "overallStatus": "fail",
        "level": "strict",
        "cliStatus": "fail",
        "cliPassed": 1,
        "cliFailed": 1,
        "cliSkipped": 0,
        "mcpStatus": None,
        "mcpFound": 0,
        "mcpMissing": 0,
        "mcpFailed": 0,
        "mcpSkipped": 0,
        "mcpExtra": 0,
        "gitCommit": None,
        "durationMs": 0,
    }
    assert (oldest["overallStatus"], oldest["cliPassed"]) == ("pass", 1)
    assert document["lastVerified"] == newest["verifiedAt"]
    rows = [line for line in human.stdout.splitlines() if ISO_WITH_ZONE.match(line)]
    assert len(rows) == 2
    assert "✗ fail  strict" in rows[0] and "1 ok, 1 failed" in rows[0]


def test_limit_and_one_contract(box: Toolbox) -> None:
    box.usage("good")
    box.tool("t", provides=commands("good"))
    for _ in range(3):
        box.verify("t")

    limited = box.cli("--json", "verify-history", "t", "--limit", "2").json()
    contract = box.cli("--json", "verify-history", "t", "--contract", "good").json()
    human = box.cli("verify-history", "t", "-c", "cli_output:good")

    assert limited["count"] == 2
    assert contract["contract"]["type"] == "cli_output"
    assert contract["contract"]["status"] == "valid"
    assert [row["status"] for row in contract["history"]] == ["pass"] * 3
    # Without a probe, the help text is all that was checked, and the result says so.
    assert contract["history"][0]["details"]["message"] == (
        "usage shown; help text only (declare `probe:` to check the output)"
    )
    assert contract["history"][0]["durationMs"] is not None
    assert human.exit_code == 0
    assert sum(1 for line in human.stdout.splitlines() if ISO_WITH_ZONE.match(line)) == 3


def test_empty_history_unknown_tool_and_bad_limit(box: Toolbox) -> None:
    box.tool("t", provides=commands("good"))

    empty = box.cli("verify-history", "t")
    unknown = box.cli("verify-history", "nope")
    bad = box.cli("verify-history", "t", "--limit", "0")

    assert empty.exit_code == 0
    assert empty.stdout.startswith("No verification history for 't'.")
    assert unknown.exit_code == 1
    assert bad.exit_code == 2


@pytest.mark.sqlite_only  # an old SQLite migration set
def test_migration_0004_adds_mcp_failed_to_existing_runs(tmp_path: Path, db_path: Path) -> None:
    old = tmp_path / "migrations-0003"
    old.mkdir()
    for source in migrations_dir().glob("*.sql"):
        if source.name < "0004":
            shutil.copy(source, old / source.name)
    conn = cast(sqlite3.Connection, db.open_db(db_path, migrations=old))
    conn.execute(
        "INSERT INTO tools (id, name, path, type, created_at, updated_at) "
        "VALUES ('t', 't', '/t', 'mcp', 'now', 'now')"
    )
    conn.execute(
        "INSERT INTO verification_runs (tool_id, verified_at, level, status, mcp_missing) "
        "VALUES ('t', '2026-01-01T00:00:00.000Z', 'default', 'fail', 2)"
    )
    conn.close()

    conn = cast(sqlite3.Connection, db.open_db(db_path))
    try:
        (run,) = runs.list_runs_of(conn, tool_id="t", limit=5)
        assert (run.mcp_missing, run.mcp_failed) == (2, 0)
        try:
            conn.execute("UPDATE verification_runs SET mcp_failed = -1")
        except sqlite3.IntegrityError:
            pass
        else:
            raise AssertionError("a negative mcp_failed was accepted")
    finally:
        conn.close()
