"""`ci affected` against real git diffs: ranges, the index, given files, renames, deletions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import ci_repo
from tests.ci_repo import commit_all, git, write
from tests.conftest import Cli

# Fixtures shared with the other ci/hook tests.
eco = ci_repo.eco


def branch(root: Path, name: str = "feature") -> None:
    git(root, "checkout", "-q", "-b", name)


def test_branch_against_main_maps_files_and_walks_dependents(eco: Path, cli: Cli) -> None:
    branch(eco)
    write(eco, "libs/core/src/core.py", "VALUE = 2\n")
    write(eco, "docs/notes.md", "unowned\n")
    commit_all(eco)

    doc = cli("--json", "ci", "affected").json()
    assert doc["success"] is True
    assert (doc["mode"], doc["base"], doc["head"]) == ("range", "main", "HEAD")
    assert doc["changed"] == [
        {"tool": "core", "files": ["libs/core/src/core.py"], "new": False, "manifestDeleted": False}
    ]
    assert doc["affected"] == [
        {"tool": "svc", "type": "cli", "depth": 1, "via": ["core"], "reachedFrom": ["core"]},
        {
            "tool": "app",
            "type": "workflow",
            "depth": 2,
            "via": ["core", "svc"],
            "reachedFrom": ["core"],
        },
    ]
    assert doc["unowned"] == ["docs/notes.md"]
    assert doc["summary"]["changedCount"] == 1
    assert doc["summary"]["affectedCount"] == 2
    assert doc["summary"]["totalCount"] == 3
    rules = {f["path"]: f["rule"] for f in doc["files"]}
    assert rules == {"libs/core/src/core.py": "directory", "docs/notes.md": "unowned"}

    human = cli("ci", "affected")
    assert human.exit_code == 0
    assert "app → svc → core" in human.stdout  # drawn as `affected` draws it (depends on)
    assert "Files no tool owns (1):" in human.stdout
    assert "docs/notes.md" in human.stdout

    explained = cli("ci", "affected", "--explain").stdout.splitlines()
    assert explained[0] == "How the change flows (file -> owning tool -> ... -> affected):"
    assert "  libs/core/src/core.py -> core -> svc -> app" in explained
    assert "  docs/notes.md -> (no tool owns it)" in explained

    assert cli("ci", "affected", "--list").stdout.split() == ["core", "svc", "app"]
    assert cli("ci", "affected", "--list", "--direct").stdout.split() == ["core", "svc"]


def test_explain_names_every_changed_tool_a_dependent_is_reached_through(
    eco: Path, cli: Cli
) -> None:
    branch(eco)
    write(eco, "libs/core/src/core.py", "VALUE = 3\n")
    write(eco, "services/svc/main.sh", "echo changed\n")
    commit_all(eco)

    explained = [line.strip() for line in cli("ci", "affected", "--explain").stdout.splitlines()]
    document = cli("--json", "ci", "affected", "--explain").json()

    # app is nearest to svc, and core reaches it too: both are named.
    assert "libs/core/src/core.py -> core -> svc -> app" in explained
    assert "services/svc/main.sh -> svc -> app" in explained
    (app,) = [a for a in document["affected"] if a["tool"] == "app"]
    assert (app["via"], app["reachedFrom"]) == (["svc"], ["core", "svc"])
    assert "libs/core/src/core.py -> core -> svc -> app" in document["explain"]


def test_explicit_base_and_head(eco: Path, cli: Cli) -> None:
    branch(eco)
    write(eco, "apps/app/flow.txt", "x\n")
    commit_all(eco, "one")
    first = git(eco, "rev-parse", "HEAD").strip()
    write(eco, "services/svc/main.sh", "y\n")
    commit_all(eco, "two")
    doc = cli("--json", "ci", "affected", "--base", first).json()
    assert [c["tool"] for c in doc["changed"]] == ["svc"]
    assert [a["tool"] for a in doc["affected"]] == ["app"]
    unknown = cli("ci", "affected", "--base", "no-such-ref")
    assert unknown.exit_code == 2
    assert "Unknown git ref: no-such-ref" in unknown.stderr


def test_staged_change_and_schema_files(eco: Path, cli: Cli) -> None:
    write(eco, "libs/core/out.schema.json", '{"type": "object"}')
    write(eco, "services/svc/run.py", "print()\n")
    write(eco, "libs/lone/untracked.txt", "not staged\n")
    git(eco, "add", "libs/core/out.schema.json", "services/svc/run.py")
    doc = cli("--json", "ci", "affected", "--staged").json()
    assert doc["mode"] == "staged"
    assert [(c["tool"], c["files"]) for c in doc["changed"]] == [
        ("core", ["libs/core/out.schema.json"]),
        ("svc", ["services/svc/run.py"]),
    ]
    assert [a["tool"] for a in doc["affected"]] == ["app"]
    rules = {f["path"]: f["rule"] for f in doc["files"]}
    assert rules["libs/core/out.schema.json"] == "schema"


def test_schema_file_outside_the_tool_directory_maps_to_its_tool(
    eco: Path, cli: Cli, tmp_path: Path
) -> None:
    write(eco, "shared/schemas/lone.json", '{"type": "object"}')
    from tests.helpers import write_tool

    write_tool(
        eco,
        "lone",
        folder="libs/lone",
        type="library",
        provides={"database": [{"path": "lone.db", "schema": "../../shared/schemas/lone.json"}]},
    )
    commit_all(eco, "lone owns a shared schema")
    assert cli("register", str(eco / "libs/lone")).exit_code == 0
    write(eco, "shared/schemas/lone.json", '{"type": "array"}')
    git(eco, "add", "-A")
    doc = cli("--json", "ci", "affected", "--staged").json()
    assert doc["changed"][0]["tool"] == "lone"
    assert doc["files"][0]["rule"] == "schema"
    assert doc["unowned"] == []


def test_files_are_relative_to_the_current_directory(
    eco: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(eco / "services")
    doc = cli(
        "--json", "ci", "affected", "--files", "svc/a.py", "../libs/lone/x.py", "../top.txt"
    ).json()
    assert doc["mode"] == "files"
    assert [c["tool"] for c in doc["changed"]] == ["lone", "svc"]
    assert doc["unowned"] == ["top.txt"]
    assert [a["tool"] for a in doc["affected"]] == ["app"]
    # Without --files, arguments still mean files; --files without any is misuse.
    assert cli("ci", "affected", "--list", "svc/a.py").stdout.split() == ["svc", "app"]
    assert cli("ci", "affected", "--files").exit_code == 2


def test_files_mode_needs_no_git_repository(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.helpers import write_tool

    outside = tmp_path / "plain"
    write_tool(outside, "solo", type="library")
    assert cli("register", str(outside / "solo")).exit_code == 0
    monkeypatch.chdir(outside)
    assert cli("ci", "affected", "--list", "solo/main.c").stdout.split() == ["solo"]
    assert cli("ci", "affected").exit_code == 2  # a range needs git


def test_renamed_tool_directory_is_a_move_not_a_deletion(eco: Path, cli: Cli) -> None:
    branch(eco)
    git(eco, "mv", "libs/core", "libs/core2")
    commit_all(eco, "move core")
    result = cli("--json", "ci", "affected")
    assert result.exit_code == 0, result.output
    doc = result.json()
    assert doc["problems"] == []
    assert [c["tool"] for c in doc["changed"]] == ["core"]
    manifest = next(f for f in doc["files"] if f["path"].endswith("pai-manifest.yaml"))
    assert (manifest["status"], manifest["oldPath"]) == ("R", "libs/core/pai-manifest.yaml")
    assert manifest["path"] == "libs/core2/pai-manifest.yaml"
    assert [a["tool"] for a in doc["affected"]] == ["svc", "app"]


def test_deleted_manifest_others_depend_on_is_a_problem(eco: Path, cli: Cli) -> None:
    branch(eco)
    git(eco, "rm", "-q", "services/svc/pai-manifest.yaml")
    commit_all(eco, "drop svc")
    result = cli("--json", "ci", "affected")
    assert result.exit_code == 1
    doc = result.json()
    assert doc["success"] is False
    assert doc["changed"][0] == {
        "tool": "svc",
        "files": ["services/svc/pai-manifest.yaml"],
        "new": False,
        "manifestDeleted": True,
    }
    [problem] = doc["problems"]
    assert problem["kind"] == "deleted_manifest"
    assert problem["dependents"] == ["app"]
    human = cli("ci", "affected")
    assert human.exit_code == 1
    assert "Problems (1):" in human.stdout
    assert "depend on svc: app" in human.stdout


def test_deleted_manifest_nobody_depends_on_is_fine(eco: Path, cli: Cli) -> None:
    branch(eco)
    git(eco, "rm", "-q", "apps/app/pai-manifest.yaml")
    commit_all(eco, "drop app")
    result = cli("--json", "ci", "affected")
    assert result.exit_code == 0, result.output
    assert result.json()["changed"][0]["manifestDeleted"] is True


def test_deleted_schema_still_named_by_the_manifest_is_a_problem(eco: Path, cli: Cli) -> None:
    git(eco, "rm", "-q", "libs/core/out.schema.json")
    result = cli("--json", "ci", "affected", "--staged")
    assert result.exit_code == 1
    assert [p["kind"] for p in result.json()["problems"]] == ["deleted_schema"]


def test_new_manifest_is_a_new_tool(eco: Path, cli: Cli) -> None:
    from tests.helpers import write_tool

    write_tool(eco, "fresh", folder="tools/fresh", type="library")
    git(eco, "add", "-A")
    doc = cli("--json", "ci", "affected", "--staged").json()
    assert doc["changed"] == [
        {"tool": "fresh", "files": ["tools/fresh/pai-manifest.yaml"], "new": True,
         "manifestDeleted": False}
    ]  # fmt: skip
    assert doc["files"][0]["rule"] == "new-manifest"


def test_tools_registered_through_a_symlink_still_own_their_files(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.helpers import write_tool

    real_root = tmp_path / "real"
    real_root.mkdir()
    git(real_root, "init", "-q", "-b", "main")
    write_tool(real_root, "linked", type="library")
    commit_all(real_root, "one")
    link = tmp_path / "link"
    link.symlink_to(real_root)
    assert cli("register", str(link / "linked")).exit_code == 0
    monkeypatch.chdir(link)
    write(real_root, "linked/lib.c", "int x;\n")
    git(real_root, "add", "-A")
    doc = cli("--json", "ci", "affected", "--staged").json()
    assert [c["tool"] for c in doc["changed"]] == ["linked"]
    assert doc["unowned"] == []


def test_outside_a_repository_and_misuse_exit_2(
    cli: Cli, tmp_path: Path, eco: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("ci", "affected", "--staged", "--base", "main").exit_code == 2
    assert cli("ci", "affected", "--staged", "x.txt").exit_code == 2
    monkeypatch.chdir(tmp_path)
    result = cli("--json", "ci", "affected", "--staged")
    assert result.exit_code == 2
    assert result.json()["code"] == "not_a_git_repository"


def test_nothing_changed(eco: Path, cli: Cli) -> None:
    branch(eco)
    result = cli("ci", "affected")
    assert result.exit_code == 0
    assert "No changed files (main...HEAD)." in result.stdout
