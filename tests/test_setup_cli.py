"""init, discover and sync through the real CLI."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from pai_deps import db
from pai_deps.sqlfiles import migrations_dir
from tests.conftest import REPO_ROOT, Cli
from tests.helpers import dep, sqlite_connection, write_tool

# -- init -----------------------------------------------------------------------------------------


def test_init_writes_a_manifest_that_registers_as_written(tmp_path: Path, cli: Cli) -> None:
    project = tmp_path / "cool-cli"
    project.mkdir()
    (project / "package.json").write_text(
        '{"name": "@me/cool-cli", "version": "3.1.0", "description": "A: tricky # desc",'
        ' "bin": {"cool": "bin/cool.js"}}'
    )
    created = cli("init", str(project))
    assert created.exit_code == 0, created.output
    assert f"Created {project / 'pai-manifest.yaml'}" in created.stdout
    registered = cli("--json", "register", str(project)).json()
    assert registered["success"] is True
    shown = cli("--json", "show", "cool-cli").json()["tool"]
    assert (shown["version"], shown["description"]) == ("3.1.0", "A: tricky # desc")


def test_init_plain_directory_round_trips(tmp_path: Path, cli: Cli) -> None:
    project = tmp_path / "bare"
    project.mkdir()
    assert cli("init", str(project), "--name", "bare-tool", "--type", "library").exit_code == 0
    document = cli("--json", "register", str(project)).json()
    assert (document["tool"]["id"], document["tool"]["type"]) == ("bare-tool", "library")


def test_init_dry_run_writes_nothing_and_existing_needs_force(tmp_path: Path, cli: Cli) -> None:
    project = tmp_path / "p"
    project.mkdir()
    preview = cli("init", str(project), "--dry-run")
    assert "name: p" in preview.stdout and "[Dry run - no file written]" in preview.stdout
    assert not (project / "pai-manifest.yaml").exists()
    assert cli("--json", "init", str(project), "--dry-run").json()["action"] == "preview"
    assert cli("init", str(project)).exit_code == 0
    again = cli("init", str(project))
    assert again.exit_code == 1 and "--force" in again.stderr
    assert cli("init", str(project), "--force", "--name", "renamed").exit_code == 0
    assert "name: renamed" in (project / "pai-manifest.yaml").read_text()


def test_init_rejects_bad_type_and_missing_directory(tmp_path: Path, cli: Cli) -> None:
    bad = cli("init", str(tmp_path), "--type", "weird")
    assert bad.exit_code == 2 and "must be one of" in bad.stderr
    missing = cli("init", str(tmp_path / "nope"))
    assert missing.exit_code == 1 and "Directory not found" in missing.stderr


def test_init_analyze_finds_commands_and_registered_dependencies(tmp_path: Path, cli: Cli) -> None:
    cli("register", str(write_tool(tmp_path / "reg", "ical", type="cli")))
    project = tmp_path / "planner"
    (project / "planner").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[project]\nname = "planner"\nversion = "0.2.0"\ndescription = "Plans"\n'
        'dependencies = ["typer"]\n[project.scripts]\nplanner = "planner.cli:app"\n'
    )
    (project / "planner" / "cli.py").write_text(
        "import subprocess\nimport typer\napp = typer.Typer()\n\n"
        "@app.command()\ndef week() -> None:\n    subprocess.run(['ical', 'list'])\n\n"
        "@app.command()\ndef day_view() -> None:\n    '''ical is mentioned here only'''\n"
    )
    result = cli("--json", "init", str(project), "--analyze")
    assert result.exit_code == 0, result.output
    document = result.json()
    manifest = document["manifest"]
    commands = {c["command"] for c in manifest["provides"]["cli"]}
    assert {"planner week", "planner day-view"} <= commands
    assert manifest["depends_on"] == [{"name": "ical", "type": "cli"}]
    assert document["analysis"]["dependencies_detected"] == 1
    assert cli("register", str(project)).exit_code == 0


# -- discover ---------------------------------------------------------------------------------


def test_discover_lists_sorted_manifests_with_parsed_names(tmp_path: Path, cli: Cli) -> None:
    write_tool(tmp_path, "zeta", folder="b")
    write_tool(tmp_path, "alpha", folder="a")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "pai-manifest.yaml").write_text('name: "quoted"\ntype: cli\n')
    (tmp_path / ".gitignore").write_text("ignored/\n")
    write_tool(tmp_path, "hidden-by-gitignore", folder="ignored")
    document = cli("--json", "discover", str(tmp_path)).json()
    assert [(Path(m["path"]).parent.name, m["name"]) for m in document["manifests"]] == [
        ("a", "alpha"),
        ("b", "zeta"),
        ("c", "quoted"),
    ]
    everything = cli("--json", "discover", str(tmp_path), "--no-gitignore").json()
    assert everything["count"] == 4
    excluded = cli("--json", "discover", str(tmp_path), "--exclude", "b").json()
    assert excluded["count"] == 2
    human = cli("discover", str(tmp_path)).stdout
    assert "Found 3 pai-manifest.yaml files:" in human and "(quoted)" in human


def test_discover_without_valid_roots_fails(tmp_path: Path, cli: Cli) -> None:
    result = cli("discover", str(tmp_path / "missing"))
    assert result.exit_code == 1 and "No valid root directories" in result.stderr


def test_discover_default_roots_come_from_config(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tool(tmp_path / "work", "configured")
    config = Path(str(Path.home())) / ".config" / "pai-deps"
    config.mkdir(parents=True)
    (config / "config.toml").write_text(f'roots = ["{tmp_path / "work"}"]\n')
    document = cli("--json", "discover").json()
    assert [m["name"] for m in document["manifests"]] == ["configured"]


# -- sync -----------------------------------------------------------------------------------


def _ecosystem(root: Path) -> None:
    write_tool(root, "app", depends_on=[dep("lib"), dep("ghost", "cli")])
    write_tool(root, "lib", type="library", depends_on=[dep("core")])
    write_tool(root, "core", type="library")
    bad = root / "broken"
    bad.mkdir()
    (bad / "pai-manifest.yaml").write_text("name: broken\ntype: service\n")


def test_sync_registers_valid_manifests_and_reports_invalid_ones(tmp_path: Path, cli: Cli) -> None:
    _ecosystem(tmp_path)
    first = cli("sync", str(tmp_path))
    assert first.exit_code == 1
    assert "3 new" in first.stdout and "1 error" in first.stdout
    assert "broken" in first.stderr and "must be one of" in first.stderr
    # only the stub that stays a stub is announced, not providers registered in the same sync
    assert "Created stub for unregistered dependency: ghost" in first.stderr
    assert "unregistered dependency: lib" not in first.stderr
    listing = cli("--json", "list").json()
    assert [t["id"] for t in listing["tools"]] == ["app", "core", "ghost", "lib"]
    second = cli("--json", "sync", str(tmp_path)).json()
    assert (second["new"], second["updated"], second["unchanged"], second["errors"]) == (0, 0, 3, 1)
    assert second["success"] is False
    (tmp_path / "broken" / "pai-manifest.yaml").write_text("name: broken\ntype: cli\n")
    write_tool(tmp_path, "core", type="library", version="2.0")
    third = cli("--json", "sync", str(tmp_path)).json()
    statuses = {r["name"]: r["status"] for r in third["results"]}
    assert statuses == {"app": "unchanged", "lib": "unchanged", "core": "updated", "broken": "new"}
    assert third["success"] is True


def test_sync_dry_run_writes_nothing(tmp_path: Path, cli: Cli, db_path: Path) -> None:
    _ecosystem(tmp_path)
    document = cli("--json", "sync", str(tmp_path), "--dry-run").json()
    assert document["dryRun"] is True and document["new"] == 3
    assert cli("--json", "list").json()["total"] == 0


def test_sync_prune_unregisters_tools_whose_manifest_is_gone(tmp_path: Path, cli: Cli) -> None:
    _ecosystem(tmp_path)
    cli("sync", str(tmp_path))
    shutil.rmtree(tmp_path / "app")
    shutil.rmtree(tmp_path / "lib")
    preview = cli("--json", "sync", str(tmp_path), "--prune", "--dry-run").json()
    would_prune = [r["name"] for r in preview["results"] if r["status"] == "pruned"]
    assert sorted(would_prune) == ["app", "lib"]
    assert cli("--json", "show", "app").json()["success"] is True
    pruned = cli("--json", "sync", str(tmp_path), "--prune").json()
    assert sorted(r["name"] for r in pruned["results"] if r["status"] == "pruned") == ["app", "lib"]
    remaining = [t["id"] for t in cli("--json", "list").json()["tools"]]
    assert remaining == ["core", "ghost"]


def test_sync_refuses_two_manifests_claiming_one_name(tmp_path: Path, cli: Cli) -> None:
    write_tool(tmp_path, "twin", folder="one")
    write_tool(tmp_path, "twin", folder="two")
    document = cli("--json", "sync", str(tmp_path)).json()
    assert document["errors"] == 2
    assert all("declared by 2 manifests" in r["error"] for r in document["results"])
    assert cli("--json", "list").json()["total"] == 0


def test_sync_records_cycles_once(tmp_path: Path, cli: Cli) -> None:
    write_tool(tmp_path, "a", depends_on=[dep("b")])
    write_tool(tmp_path, "b", depends_on=[dep("a")])
    result = cli("sync", str(tmp_path))
    assert "Circular dependency detected: a -> b -> a" in result.stderr
    cli("sync", str(tmp_path))
    assert [c["cycle"] for c in cli("--json", "cycles").json()["cycles"]] == [["a", "b"]]


def test_sync_after_upgrading_a_0001_database(tmp_path: Path, db_path: Path, cli: Cli) -> None:
    """A registry created before manifest hashes existed upgrades, keeps its rows, and syncs."""
    old = tmp_path / "old-migrations"
    old.mkdir()
    for source in migrations_dir().glob("0001.*"):
        shutil.copy(source, old / source.name)
    conn = sqlite_connection(db.open_db(db_path, migrations=old))
    conn.execute(
        "INSERT INTO tools (id, name, path, type, created_at, updated_at) "
        "VALUES ('legacy', 'legacy', '/old', 'cli', 't', 't')"
    )
    conn.close()
    _ecosystem(tmp_path / "eco")
    result = cli("--json", "sync", str(tmp_path / "eco"))
    assert result.json()["new"] == 3
    assert "backup of the previous database written to" in result.stderr
    raw = sqlite3.connect(db_path)
    try:
        hashes = dict(raw.execute("SELECT id, manifest_hash FROM tools"))
    finally:
        raw.close()
    assert hashes["legacy"] is None and all(hashes[t] for t in ("app", "lib", "core"))


def test_readme_example_ecosystem_syncs_cleanly(cli: Cli) -> None:
    examples = REPO_ROOT / "examples"
    document = cli("--json", "sync", str(examples)).json()
    assert document["errors"] == 0, document
    assert document["new"] >= 10
    assert len(document["cycles"]) == 1
    stubs = [t["id"] for t in cli("--json", "list", "--stubs").json()["tools"]]
    assert len(stubs) == 1


def test_sync_strict_rechecks_unchanged_manifests(tmp_path: Path, cli: Cli) -> None:
    write_tool(tmp_path, "x", colour="red")
    assert cli("sync", str(tmp_path)).exit_code == 0
    strict = cli("--json", "sync", str(tmp_path), "--strict").json()
    assert strict["success"] is False and strict["errors"] == 1
    assert cli("--json", "sync", str(tmp_path)).json()["unchanged"] == 1


def test_sync_dry_run_predicts_a_name_collision(tmp_path: Path, cli: Cli) -> None:
    cli("register", str(write_tool(tmp_path, "s1", folder="m/s1b")))
    write_tool(tmp_path, "s1", folder="m/s1")
    preview = cli("--json", "sync", str(tmp_path / "m" / "s1"), "--dry-run").json()
    real = cli("--json", "sync", str(tmp_path / "m" / "s1")).json()
    assert [r["status"] for r in preview["results"]] == [r["status"] for r in real["results"]]
    assert real["errors"] == 1 and "already registered" in real["results"][0]["error"]
