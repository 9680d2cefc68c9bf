"""`can-i-ship`, and the end-to-end story of issue 13 in a real git repository: a provider
and three consumers reading different fields; a breaking change to a field only one reads
is reported for that one alone; `can-i-ship` says no and names it, at the commit and on
disk; once the consumer stops reading the field it says yes; a deprecated field's removal
is blocked while it is read."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests import ci_repo
from tests.ci_repo import commit_all, git
from tests.conftest import Cli
from tests.helpers import dep, write_tool

CONTRACT = "mail search --json"
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "results": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "subject": {"type": "string"}},
            },
        },
        "count": {"type": "integer"},
    },
}


def reader(root: Path, name: str, fields: list[str]) -> None:
    uses = [{"contract": CONTRACT, "fields": fields}]
    write_tool(root, name, depends_on=[dep("mail", "cli", uses=uses)])


def write_schema(root: Path, schema: dict[str, Any]) -> None:
    (root / "mail" / "search.json").write_text(json.dumps(schema, indent=1))


@pytest.fixture
def repo(cli: Cli, tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_tool(
        root,
        "mail",
        version="1.0.0",
        provides={"cli": [{"command": CONTRACT, "output_schema": "search.json"}]},
    )
    write_schema(root, SCHEMA)
    reader(root, "ids", ["/results/*/id"])
    reader(root, "subjects", ["/results/*/subject"])
    reader(root, "counter", ["/count"])
    commit_all(root, "ecosystem")
    result = cli("sync", str(root))
    assert result.exit_code == 0, result.output
    return root


def test_end_to_end_in_a_git_repository(cli: Cli, repo: Path) -> None:
    assert cli("can-i-ship", "mail").exit_code == 0
    # a breaking change to a field only `subjects` reads
    changed = copy.deepcopy(SCHEMA)
    changed["properties"]["results"]["items"]["properties"]["subject"] = {"type": "integer"}
    write_schema(repo, changed)
    drift = cli("--json", "drift", "mail").json()
    (change,) = [c for t in drift["tools"] for k in t["contracts"] for c in k["changes"]]
    assert change["affectedConsumers"] == ["subjects"]
    answer = cli("--json", "can-i-ship", "mail")
    assert answer.exit_code == 1
    doc = answer.json()
    assert doc["ship"] is False
    assert {b["consumer"] for b in doc["blocking"]} == {"subjects"}
    text = cli("can-i-ship", "mail").stdout
    assert "no: mail would break 1 consumer (of 3 registered consumers):" in text
    assert "  subjects: 'mail search --json' /properties/results/items/properties/subject" in text
    # the committed state is still fine; once committed, the commit is not
    assert cli("can-i-ship", "mail", "--ref", "HEAD").exit_code == 0
    commit_all(repo, "subject becomes a number")
    at_head = cli("--json", "can-i-ship", "mail", "--ref", "HEAD")
    assert at_head.exit_code == 1
    assert at_head.json()["commit"] == git(repo, "rev-parse", "HEAD").strip()
    assert cli("can-i-ship", "mail", "--ref", "HEAD~1").exit_code == 0
    # the consumer stops reading the field
    reader(repo, "subjects", ["/results/*/id"])
    assert cli("register", str(repo / "subjects")).exit_code == 0
    assert cli("can-i-ship", "mail").exit_code == 0
    assert cli("can-i-ship", "mail", "--ref", "HEAD").exit_code == 0
    assert cli("drift", "mail", "--update").exit_code == 0

    # deprecation: /count is deprecated, then removed while `counter` still reads it
    deprecated = copy.deepcopy(changed)
    deprecated["properties"]["count"]["deprecated"] = True
    write_schema(repo, deprecated)
    assert cli("drift", "mail", "--update").exit_code == 0
    warned = cli("--json", "can-i-ship", "mail").json()
    assert warned["ship"] is True
    assert any("counter reads /count" in w and "deprecated" in w for w in warned["warnings"])
    check = cli("--json", "check").json()
    assert [(f["kind"], f["tool"]) for f in check["findings"]] == [("deprecated", "counter")]
    removed = copy.deepcopy(deprecated)
    del removed["properties"]["count"]
    write_schema(repo, removed)
    blocked = cli("--json", "can-i-ship", "mail").json()
    assert blocked["ship"] is False
    assert [b["consumer"] for b in blocked["blocking"]] == ["counter"]
    reader(repo, "counter", ["/results/*/id"])
    assert cli("register", str(repo / "counter")).exit_code == 0
    assert cli("can-i-ship", "mail").exit_code == 0
    assert cli("--json", "check").json()["findings"] == []


def test_a_contract_without_a_baseline_is_seeded_and_says_so(cli: Cli, tmp_path: Path) -> None:
    write_tool(
        tmp_path, "mail", provides={"cli": [{"command": CONTRACT, "output_schema": "search.json"}]}
    )
    reader(tmp_path, "ids", ["/results/*/id"])
    assert cli("sync", str(tmp_path)).exit_code == 0  # the schema file does not exist yet
    write_schema(tmp_path, SCHEMA)
    first = cli("--json", "can-i-ship", "mail")
    assert first.exit_code == 0, first.output
    assert first.json()["seeded"] == [CONTRACT]
    second = cli("--json", "can-i-ship", "mail").json()
    assert second["seeded"] == [] and second["contracts"][0]["status"] == "unchanged"


def test_a_missing_schema_blocks_every_reader_and_bad_input_is_one_line(
    cli: Cli, repo: Path
) -> None:
    (repo / "mail" / "search.json").unlink()
    doc = cli("--json", "can-i-ship", "mail").json()
    assert sorted(b["consumer"] for b in doc["blocking"]) == ["counter", "ids", "subjects"]
    bad_ref = cli("can-i-ship", "mail", "--ref", "no-such-branch")
    assert bad_ref.exit_code == 2  # a bad option value, as for ci outside a repository
    assert "'no-such-branch' names no commit" in bad_ref.stderr
    assert "Traceback" not in bad_ref.output
    assert cli("can-i-ship", "nobody").exit_code == 1


# --------------------------------------------------------------------------- in ci check

eco = ci_repo.eco


def test_ci_check_runs_can_i_ship_for_the_changed_provider(eco: Path, cli: Cli) -> None:
    """svc declares no `uses` of core, so it reads everything: a breaking change blocks it;
    once svc says it reads only /items, a change to /total blocks nobody."""
    changed = copy.deepcopy(ci_repo.OUT_SCHEMA)
    changed["properties"]["total"] = {"type": "string"}
    ci_repo.write_core(eco, schemas={"out.schema.json": changed})
    git(eco, "add", "-A")
    result = cli("--json", "ci", "check", "--staged", "--quick")
    assert result.exit_code == 1
    ship = {c["name"]: c for c in result.json()["checks"]}["can-i-ship"]
    assert ship["status"] == "fail"
    assert [i["message"] for i in ship["issues"]] == [
        "core would break svc: 'core-bin list --json' /properties/total/type: "
        "type changed from integer to string"
    ]
    write_tool(
        eco,
        "svc",
        folder="services/svc",
        provides={"cli": [{"command": "svc-bin run <job>"}]},
        depends_on=[
            dep("core", "cli", uses=[{"contract": "core-bin list --json", "fields": ["/items"]}])
        ],
    )
    assert cli("register", str(eco / "services" / "svc")).exit_code == 0
    git(eco, "add", "-A")
    again = cli("--json", "ci", "check", "--staged", "--quick")
    checks = {c["name"]: c for c in again.json()["checks"]}
    assert checks["can-i-ship"]["status"] == "pass", checks["can-i-ship"]
    assert checks["drift"]["status"] == "pass", checks["drift"]  # the change is unused
    assert again.exit_code == 0, again.output
