"""`check [ROOTS]`: the example ecosystem has exactly its known stub and cycle; a planted
tree has each kind of finding exactly once; the policy options move kinds; nothing is
written."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli
from tests.helpers import dep, write_tool

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = "prov out --json"
SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "old": {"type": "string", "deprecated": True},
    },
}


def kinds(doc: dict[str, Any]) -> list[str]:
    return [f["kind"] for f in doc["findings"]]


def test_the_example_ecosystem_has_its_stub_and_its_cycle_and_nothing_else(
    cli: Cli, tmp_path: Path
) -> None:
    examples = tmp_path / "examples"
    shutil.copytree(ROOT / "examples", examples)
    result = cli("--json", "check", str(examples))
    assert result.exit_code == 0, result.output
    doc = result.json()
    assert [(f["kind"], f["level"]) for f in doc["findings"]] == [
        ("dangling", "warn"),
        ("cycle", "warn"),
    ]
    assert doc["findings"][0]["tool"] == "tana-api"
    assert doc["findings"][0]["dependents"] == ["supertag"]
    assert doc["findings"][1]["cycle"] == ["ragent", "supertag"]
    assert (doc["manifests"], doc["tools"]) == (10, 10)
    # the same answer from the registry's own manifests once they are registered
    assert cli("sync", str(examples)).exit_code == 0
    again = cli("--json", "check").json()
    assert kinds(again) == ["dangling", "cycle"] and again["roots"] == []
    text = cli("check", str(examples)).stdout
    assert "warn cycle: circular dependency: ragent -> supertag -> ragent" in text
    assert "check passed: 10 manifests read" in text


def plant(root: Path) -> None:
    """Each kind of finding, once."""
    (root / "broken").mkdir(parents=True)
    (root / "broken" / "pai-manifest.yaml").write_text("name: has space\ntype: cli\n")  # manifest
    write_tool(
        root,
        "prov",
        version="1.0.0",
        provides={
            "cli": [
                {"command": CONTRACT, "output_schema": "out.json"},
                {"command": "prov gone", "output_schema": "missing.json"},  # schema-file
            ]
        },
        schemas={"out.json": SCHEMA},
    )
    uses = [
        {"contract": CONTRACT, "fields": ["/id", "/nope"]},  # unused-pointer
        {"contract": "prov nope"},  # unknown-contract
    ]
    write_tool(root, "user", depends_on=[dep("prov", "cli", version="^2", uses=uses)])  # version
    write_tool(
        root,
        "old-user",
        depends_on=[dep("prov", "cli", uses=[{"contract": CONTRACT, "fields": ["/old"]}])],
    )  # deprecated
    write_tool(root, "a", depends_on=[dep("b"), dep("ghost")])  # dangling, cycle
    write_tool(root, "b", depends_on=[dep("a")])


def test_a_planted_tree_reports_each_kind_exactly_once(cli: Cli, tmp_path: Path) -> None:
    plant(tmp_path / "tree")
    result = cli("--json", "check", str(tmp_path / "tree"))
    assert result.exit_code == 1
    doc = result.json()
    assert sorted(kinds(doc)) == sorted(
        [
            "manifest",
            "schema-file",
            "dangling",
            "unknown-contract",
            "unused-pointer",
            "version",
            "cycle",
            "deprecated",
        ]
    )
    by_kind = {f["kind"]: f for f in doc["findings"]}
    assert by_kind["version"]["message"] == "user needs prov ^2, but prov is 1.0.0"
    assert by_kind["unused-pointer"]["pointer"] == "/nope"
    assert by_kind["unknown-contract"]["contract"] == "prov nope"
    assert by_kind["deprecated"]["tool"] == "old-user"
    assert "/properties/old" in by_kind["deprecated"]["message"]
    assert by_kind["dangling"]["dependents"] == ["a"]
    assert by_kind["manifest"]["file"].endswith("broken/pai-manifest.yaml")
    assert "missing.json" in by_kind["schema-file"]["message"]
    assert (doc["failures"], doc["warnings"]) == (5, 3)
    assert doc["failOn"] == [
        "manifest",
        "schema-file",
        "unknown-contract",
        "unused-pointer",
        "version",
    ]
    assert doc["warnOn"] == ["dangling", "cycle", "deprecated"]


def test_the_policy_options_move_kinds(cli: Cli, tmp_path: Path) -> None:
    plant(tmp_path / "tree")
    tree = str(tmp_path / "tree")
    relaxed = cli(
        "--json",
        "check",
        tree,
        "--warn-on",
        "manifest,schema-file,version",
        "--warn-on",
        "unknown-contract",
        "--ignore",
        "unused-pointer,deprecated",
    )
    assert relaxed.exit_code == 0, relaxed.output
    assert "unused-pointer" not in kinds(relaxed.json())
    strict = cli("--json", "check", tree, "--fail-on", "cycle", "--ignore", "manifest")
    levels = {f["kind"]: f["level"] for f in strict.json()["findings"]}
    assert levels["cycle"] == "fail" and "manifest" not in levels
    bad = cli("check", tree, "--fail-on", "cycles")
    assert bad.exit_code == 2 and "unknown finding kind 'cycles'" in bad.stderr
    both = cli("check", tree, "--fail-on", "cycle", "--warn-on", "cycle")
    assert both.exit_code == 2


def test_check_reads_the_registered_manifests_as_they_are_now_and_writes_nothing(
    cli: Cli, tmp_path: Path
) -> None:
    write_tool(tmp_path, "prov", version="2.1.0")
    write_tool(tmp_path, "user", depends_on=[dep("prov", version="^2")])
    assert cli("sync", str(tmp_path)).exit_code == 0
    assert cli("--json", "check").json()["findings"] == []
    write_tool(tmp_path, "prov", version="1.0.0")  # not registered again
    before = cli("--json", "show", "prov").json()
    doc = cli("--json", "check").json()
    assert [f["message"] for f in doc["findings"]] == ["user needs prov ^2, but prov is 1.0.0"]
    assert cli("--json", "show", "prov").json() == before
    shutil.rmtree(tmp_path / "user")
    gone = cli("--json", "check").json()
    assert [f["kind"] for f in gone["findings"]] == ["manifest", "version"]
    assert "no longer exists" in gone["findings"][0]["message"]


def test_unreadable_constraints_and_missing_roots(cli: Cli, tmp_path: Path) -> None:
    write_tool(tmp_path, "prov", version="1.0")
    write_tool(tmp_path, "user", depends_on=[dep("prov", version="^one")])
    doc = cli("--json", "check", str(tmp_path)).json()
    assert [f["message"] for f in doc["findings"]] == [
        "user -> prov: cannot read the version in '^one'"
    ]
    missing = cli("check", str(tmp_path / "nowhere"))
    assert missing.exit_code == 1 and "No valid root directories" in missing.stderr


@pytest.mark.parametrize("hostile", ["\x1b[2Kname", "a\u202eb"])
def test_findings_never_print_raw_control_characters(
    cli: Cli, tmp_path: Path, hostile: str
) -> None:
    write_tool(
        tmp_path, "user", depends_on=[dep("prov", version=">=1", uses=[{"contract": hostile}])]
    )
    write_tool(tmp_path, "prov", version="1.0")
    result = cli("check", str(tmp_path))
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "unknown-contract" in result.stdout
