"""A manifest may name a schema file that does not exist yet: it registers with a warning.

Its contract is stored with status `unknown` and the reason, `drift` reports it missing,
and `--strict` (register and sync) refuses it. Driven through the real console script.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.conftest import Cli
from tests.helpers import write_tool

SCHEMA = {"type": "object", "properties": {"a": {"type": "string"}}}


def _tool(root: Path) -> Path:
    return write_tool(
        root,
        "ical",
        version="0.9.1",
        provides={
            "cli": [
                {"command": "ical today"},
                {"command": "ical week --json", "output_schema": "schemas/week.json"},
            ]
        },
    )


def _contract(db_path: Path) -> tuple[str, str | None, str | None]:
    conn = sqlite3.connect(db_path)
    try:
        row: tuple[str, str | None, str | None] = conn.execute(
            "SELECT status, status_reason, schema_hash FROM contracts WHERE name = ?",
            ("ical week --json",),
        ).fetchone()
    finally:
        conn.close()
    status, reason, schema_hash = row
    return str(status), reason, schema_hash


def test_registers_with_a_warning_naming_the_file(
    tmp_path: Path, subprocess_cli: Cli, db_path: Path
) -> None:
    tool_dir = _tool(tmp_path)
    missing = tool_dir / "schemas" / "week.json"

    human = subprocess_cli("register", str(tool_dir))

    assert human.exit_code == 0, human.output
    assert human.stdout.startswith("Registered ical v0.9.1")
    (warning,) = human.stderr.splitlines()
    assert warning.startswith("Warning: provides.cli[1].output_schema (line ")
    assert f"schema file not found: {missing}" in warning
    status, reason, stored_hash = _contract(db_path)
    assert (status, stored_hash) == ("unknown", None)
    assert reason is not None and str(missing) in reason

    shown = subprocess_cli("--json", "show", "ical").json()
    (contract,) = [c for c in shown["contracts"] if c["name"] == "ical week --json"]
    assert contract["status"] == "unknown" and str(missing) in contract["statusReason"]
    assert f"unknown ({reason})" in subprocess_cli("show", "ical").stdout

    again = subprocess_cli("--json", "register", str(tool_dir)).json()
    assert again["success"] is True and any(str(missing) in w for w in again["warnings"])


def test_drift_reports_it_missing_until_the_file_exists(
    tmp_path: Path, subprocess_cli: Cli, db_path: Path
) -> None:
    tool_dir = _tool(tmp_path)
    subprocess_cli("register", str(tool_dir))

    drift = subprocess_cli("--json", "drift", "ical")
    (contract,) = [
        c for c in drift.json()["tools"][0]["contracts"] if c["contract"] == "ical week --json"
    ]
    assert drift.exit_code == 1 and contract["status"] == "missing"

    (tool_dir / "schemas").mkdir()
    (tool_dir / "schemas" / "week.json").write_text(json.dumps(SCHEMA))
    registered = subprocess_cli("register", str(tool_dir))
    assert registered.exit_code == 0 and registered.stderr == ""
    status, reason, stored_hash = _contract(db_path)
    assert (status, reason) == ("unknown", None) and stored_hash is not None
    assert subprocess_cli("drift", "ical").exit_code == 0

    (tool_dir / "schemas" / "week.json").unlink()
    warned = subprocess_cli("register", str(tool_dir))
    assert warned.exit_code == 0 and "schema file not found" in warned.stderr
    status, reason, kept_hash = _contract(db_path)
    assert status == "unknown" and reason is not None
    assert kept_hash == stored_hash  # the baseline stays for when the file comes back


def test_strict_register_refuses_and_writes_nothing(
    tmp_path: Path, subprocess_cli: Cli, db_path: Path
) -> None:
    tool_dir = _tool(tmp_path)

    refused = subprocess_cli("register", "--strict", str(tool_dir))
    document = subprocess_cli("--json", "register", "--strict", str(tool_dir)).json()

    assert refused.exit_code == 1
    assert str(tool_dir / "schemas" / "week.json") in refused.stderr
    assert document["success"] is False and document["code"] == "invalid_manifest"
    assert document["issues"][0]["path"] == "provides.cli[1].output_schema"
    assert subprocess_cli("--json", "list").json()["total"] == 0


def test_sync_registers_it_and_sync_strict_refuses_it(tmp_path: Path, cli: Cli) -> None:
    root = tmp_path / "eco"
    _tool(root)
    write_tool(root, "fine")

    synced = cli("--json", "sync", str(root))
    strict = cli("--json", "sync", "--strict", str(root))  # ical is unchanged by now
    human_strict = cli("sync", "--strict", str(root))

    assert synced.exit_code == 0
    statuses = {item["name"]: item for item in synced.json()["results"]}
    assert statuses["ical"]["status"] == "new"
    assert any("schema file not found" in w for w in statuses["ical"]["warnings"])
    assert strict.exit_code == 1
    failed = {item["name"]: item["status"] for item in strict.json()["results"]}
    assert failed == {"ical": "error", "fine": "unchanged"}
    assert human_strict.exit_code == 1 and "week.json" in human_strict.stderr
