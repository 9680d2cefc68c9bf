"""`ci check` on real repositories: the change is judged as it stands in the index."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests import ci_repo
from tests.ci_repo import OUT_SCHEMA, git, write, write_core
from tests.conftest import Cli
from tests.helpers import dep, write_tool

# Fixtures shared with the other ci/hook tests.
eco = ci_repo.eco


def checks_of(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {check["name"]: check for check in doc["checks"]}


def staged_check(cli: Cli, *extra: str) -> tuple[int, dict[str, Any]]:
    result = cli("--json", "ci", "check", "--staged", "--quick", *extra)
    return result.exit_code, result.json()


def test_nothing_staged_says_so_and_passes(eco: Path, cli: Cli) -> None:
    result = cli("ci", "check", "--staged")
    assert result.exit_code == 0
    assert "Nothing to check: the staged change touches no registered tool." in result.stdout
    write(eco, "README.md", "only docs\n")
    git(eco, "add", "README.md")
    code, doc = staged_check(cli)
    assert code == 0
    assert doc["success"] is True
    assert doc["nothingToCheck"] is True
    assert doc["checks"] == []


def test_a_clean_change_passes_every_check(eco: Path, cli: Cli) -> None:
    write(eco, "libs/core/src/core.py", "VALUE = 3\n")
    git(eco, "add", "-A")
    result = cli("ci", "check", "--staged")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[1] for line in lines[:7]] == [
        "manifest", "drift", "can-i-ship", "cli", "mcp", "cycles", "stubs"
    ]  # fmt: skip
    assert lines[0].startswith("✓ manifest")
    assert "- mcp" in result.stdout
    assert lines[-1].startswith("ci check passed: 6 passed, 0 failed, 1 skipped")
    code, doc = staged_check(cli)
    assert code == 0
    assert doc["changed"] == ["core"]
    assert [a["tool"] for a in doc["affected"]] == ["svc", "app"]
    assert set(checks_of(doc)["cli"]["tools"]) == {"core", "svc"}  # dependents included
    assert checks_of(doc)["mcp"]["status"] == "skip"


def test_staged_manifest_promising_a_missing_command_fails(eco: Path, cli: Cli) -> None:
    write_core(
        eco,
        provides={
            "cli": [
                {"command": "core-bin list --json", "output_schema": "out.schema.json"},
                {"command": "core-nope export"},
            ]
        },
    )
    git(eco, "add", "-A")
    code, doc = staged_check(cli)
    assert code == 1
    assert doc["success"] is False
    cli_check = checks_of(doc)["cli"]
    assert cli_check["status"] == "fail"
    assert cli_check["passed"] is False
    assert "core-nope" in cli_check["issues"][0]["message"]
    assert doc["summary"]["failed"] == 1
    # The default level runs `--help` too, and fails the same way.
    full = cli("ci", "check", "--staged")
    assert full.exit_code == 1
    assert "✗ cli" in full.stdout
    assert "core: `core-nope export`" in full.stdout


def test_the_index_is_judged_not_the_working_tree(eco: Path, cli: Cli) -> None:
    good = (eco / "libs/core/pai-manifest.yaml").read_text()
    write_core(eco, provides={"cli": [{"command": "core-missing run"}]}, schemas={})
    git(eco, "add", "-A")
    (eco / "libs/core/pai-manifest.yaml").write_text(good)  # fixed, but not staged
    assert staged_check(cli)[0] == 1
    git(eco, "add", "-A")
    assert staged_check(cli)[0] == 0
    write_core(eco, provides={"cli": [{"command": "core-missing run"}]}, schemas={})
    assert staged_check(cli)[0] == 0  # broken only in the working tree
    worktree = cli("--json", "ci", "check", "--quick")
    assert worktree.exit_code == 1  # without --staged: every tool, as on disk
    assert worktree.json()["mode"] == "worktree"
    assert sorted(worktree.json()["changed"]) == ["app", "core", "lone", "svc"]


def test_breaking_schema_change_fails_and_compatible_one_is_accepted_by_fix(
    eco: Path, cli: Cli
) -> None:
    schema = eco / "libs/core/out.schema.json"
    breaking = {**OUT_SCHEMA, "properties": {"total": {"type": "integer"}}, "required": []}
    schema.write_text(json.dumps(breaking))
    git(eco, "add", "-A")
    code, doc = staged_check(cli)
    assert code == 1
    drift = checks_of(doc)["drift"]
    assert drift["status"] == "fail"
    assert drift["issues"][0]["severity"] == "breaking"
    assert "/properties/items" in drift["issues"][0]["message"]

    compatible = {
        **OUT_SCHEMA,
        "properties": {**OUT_SCHEMA["properties"], "note": {"type": "string"}},
    }
    schema.write_text(json.dumps(compatible))
    git(eco, "add", "-A")
    code, doc = staged_check(cli)
    assert code == 0
    [issue] = checks_of(doc)["drift"]["issues"]
    assert (issue["level"], issue["severity"]) == ("info", "compatible")

    code, doc = staged_check(cli, "--fix")
    assert code == 0
    assert "updated core" in doc["fixed"]
    assert any(line.startswith("accepted compatible schema of core") for line in doc["fixed"])
    code, doc = staged_check(cli)
    assert checks_of(doc)["drift"]["issues"] == []  # the new baseline holds


def test_risky_change_fails_too(eco: Path, cli: Cli) -> None:
    risky = {**OUT_SCHEMA, "properties": {**OUT_SCHEMA["properties"], "total": {"type": "number"}}}
    (eco / "libs/core/out.schema.json").write_text(json.dumps(risky))
    git(eco, "add", "-A")
    code, doc = staged_check(cli)
    severities = {i["severity"] for i in checks_of(doc)["drift"]["issues"]}
    assert severities & {"breaking", "risky"}
    assert code == 1


def test_removing_a_contract_others_may_use_is_breaking(eco: Path, cli: Cli) -> None:
    write_core(eco, provides={}, schemas={})
    git(eco, "add", "-A")
    code, doc = staged_check(cli)
    assert code == 1
    [issue] = checks_of(doc)["drift"]["issues"]
    assert issue["severity"] == "breaking"
    assert "no longer declared (svc depend on core)" in issue["message"]


def test_new_cycle_fails_and_names_it(eco: Path, cli: Cli) -> None:
    write_core(eco, depends_on=[dep("app", "implicit")])
    git(eco, "add", "-A")
    code, doc = staged_check(cli)
    assert code == 1
    cycles = checks_of(doc)["cycles"]
    assert cycles["status"] == "fail"
    assert cycles["issues"][0]["cycle"] == ["app", "svc", "core"]
    assert "new cycle: app -> svc -> core -> app" in cycles["issues"][0]["message"]


def test_new_dependency_on_an_unregistered_tool_fails_unless_optional(eco: Path, cli: Cli) -> None:
    write_tool(eco, "lone", folder="libs/lone", type="library", depends_on=[dep("c0re")])
    git(eco, "add", "-A")
    code, doc = staged_check(cli)
    assert code == 1
    stubs = checks_of(doc)["stubs"]
    assert stubs["issues"][0]["dependency"] == "c0re"
    assert stubs["issues"][0]["new"] is True

    write_tool(
        eco, "lone", folder="libs/lone", type="library", depends_on=[dep("c0re", optional=True)]
    )
    git(eco, "add", "-A")
    code, doc = staged_check(cli)
    assert code == 0
    assert checks_of(doc)["stubs"]["status"] == "warn"


def test_invalid_staged_manifest_fails_with_its_lines(eco: Path, cli: Cli) -> None:
    write(eco, "services/svc/pai-manifest.yaml", "name: svc\ntype: spaceship\n")
    git(eco, "add", "-A")
    result = cli("ci", "check", "--staged", "--quick")
    assert result.exit_code == 1
    assert "✗ manifest" in result.stdout
    assert "type" in result.stdout
    write(eco, "tools/new/pai-manifest.yaml", "name: [unclosed\n")
    git(eco, "add", "-A")
    code, doc = staged_check(cli)
    assert code == 1
    files = [i.get("file") for i in checks_of(doc)["manifest"]["issues"]]
    assert "tools/new/pai-manifest.yaml" in files


def test_schema_named_by_a_staged_manifest_must_be_staged(eco: Path, cli: Cli) -> None:
    write_core(
        eco,
        provides={"cli": [{"command": "core-bin list --json", "output_schema": "v2.schema.json"}]},
        schemas={"v2.schema.json": OUT_SCHEMA},
    )
    git(eco, "add", "libs/core/pai-manifest.yaml")
    code, doc = staged_check(cli)
    assert code == 1
    message = checks_of(doc)["manifest"]["issues"][0]["message"]
    assert "libs/core/v2.schema.json is not staged" in message


def test_deleted_manifest_with_dependents_fails(eco: Path, cli: Cli) -> None:
    git(eco, "rm", "-q", "services/svc/pai-manifest.yaml")
    code, doc = staged_check(cli)
    assert code == 1
    assert checks_of(doc)["manifest"]["issues"][0]["dependents"] == ["app"]


def test_fix_registers_a_new_tool_and_unregisters_a_deleted_leaf(eco: Path, cli: Cli) -> None:
    write_tool(eco, "fresh", folder="tools/fresh", type="library", depends_on=[dep("core")])
    git(eco, "rm", "-q", "apps/app/pai-manifest.yaml")
    git(eco, "add", "-A")
    code, doc = staged_check(cli, "--fix")
    assert code == 0, doc
    assert set(doc["fixed"]) >= {"registered fresh", "unregistered app"}
    listed = {t["id"] for t in cli("--json", "list").json()["tools"]}
    assert "fresh" in listed
    assert "app" not in listed


def test_outside_a_repository_exit_2(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("ci", "check", "--staged")
    assert result.exit_code == 2
    assert "Not in a git repository" in result.stderr


def test_an_unusable_registry_is_exit_2_so_the_hook_does_not_block(
    eco: Path, cli: Cli, tmp_path: Path
) -> None:
    write(eco, "libs/core/src/core.py", "VALUE = 4\n")
    git(eco, "add", "-A")
    broken = tmp_path / "not-a-registry.db"
    broken.write_text("hello\n")
    result = cli("ci", "check", "--staged", "--quick", db=broken)
    assert result.exit_code == 2
    assert "not a SQLite database" in result.stderr


def test_fix_writes_only_what_was_checked(eco: Path, cli: Cli) -> None:
    write_core(eco, description="STAGED")
    git(eco, "add", "-A")
    write_core(eco, description="WORKTREE", depends_on=[dep("ghosttool")])  # not staged
    code, doc = staged_check(cli, "--fix")
    assert code == 0
    assert not any(line.endswith(" core") for line in doc["fixed"])
    assert any("differs from the index" in line for line in doc["fixErrors"])
    shown = cli("--json", "show", "core").json()
    assert shown["tool"]["description"] != "WORKTREE"
    assert cli("--json", "show", "ghosttool").json()["success"] is False


def test_a_schema_that_is_a_fifo_in_the_working_tree_does_not_hang(
    eco: Path, db_path: Path
) -> None:
    """`ci check` without --staged reads the working tree: a FIFO must not block it."""
    import os

    from tests.limits import run_limited

    schema = eco / "libs" / "core" / "out.schema.json"
    schema.unlink()
    os.mkfifo(schema)
    result = run_limited(
        "--db", str(db_path), "--json", "ci", "check", "--quick", cwd=eco, timeout=30
    )
    assert result.exit_code in (1, 2), result.output
    assert "internal error" not in result.output
