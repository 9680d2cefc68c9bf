"""One policy: `verify`, `drift` and `ci check` give every pair of the table the same
class and the same exit rule, through the real CLI.

One MCP server offers a tool per pair whose input schema (a request contract) and output
schema (a response contract) are the pair's new schema; the manifest declares the pair's
old schema for both, and a CLI output schema too. MCP schemas must describe objects, so
every schema is wrapped as the one required property `v` of an object (which keeps its
class: checked against the classifier first). So:

- `verify` compares the declared files (old) with what the server offers (new);
- `drift` compares the registered baselines (old) with the files once rewritten (new);
- `ci check` does the same as the change stands in a git repository.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from pai_deps.schemacompat import fails
from tests.ci_repo import commit_all, git
from tests.conftest import Cli
from tests.schema_pairs import PAIRS, Pair
from tests.test_verify_cli import Toolbox, make_box

SERVER = Path(__file__).parent / "mcp_servers" / "configurable_server.py"
TOOL = "table"


@pytest.fixture
def box(tmp_path: Path, cli: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Toolbox:
    return make_box(tmp_path, cli, db_path, monkeypatch)


def name(pair: Pair) -> str:
    return pair.name.replace(".", "_")


_ROOT_ONLY = ("$schema", "$id", "$defs", "definitions")


def wrapped(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` as the required property `v` of an object; root-level keywords stay at
    the root, where `#/$defs/...` refers to them."""
    inner = {k: v for k, v in schema.items() if k not in _ROOT_ONLY}
    outer = {k: v for k, v in schema.items() if k in _ROOT_ONLY}
    return {**outer, "type": "object", "properties": {"v": inner}, "required": ["v"]}


def wrap(pair: Pair) -> Pair:
    return Pair(pair.name, wrapped(pair.old), wrapped(pair.new), pair.request, pair.response,
                pair.why)  # fmt: skip


def build(box: Toolbox, pairs: list[Pair], *, requests: bool = True) -> Path:
    """The repository, the registered tool (old schemas), the server (new schemas).
    Without `requests`, only the response contracts are declared."""
    repo = box.root / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    schema = {"schema": "old/{}.json"} if requests else {}
    provides = {
        "cli": [{"command": f"{name(p)} --json", "output_schema": f"old/{name(p)}.json",
                 "help": False} for p in pairs],
        "mcp": [{"tool": name(p), **{k: v.format(name(p)) for k, v in schema.items()},
                 "output_schema": f"old/{name(p)}.json"} for p in pairs],
    }  # fmt: skip
    box.root = repo  # tools live in the repository
    directory = box.tool(
        TOOL,
        type="cli+mcp",
        provides=provides,
        schemas={f"old/{name(p)}.json": p.old for p in pairs},
        mcp_start=shlex.join([sys.executable, str(SERVER), "--tools-json=served.json"]),
        folder="table",
        register=False,
    )
    served = [{"name": name(p), "inputSchema": p.new, "outputSchema": p.new} for p in pairs]
    (directory / "served.json").write_text(json.dumps(served))
    for pair in pairs:
        box.script(name(pair), "exit 0\n")
    commit_all(repo, "old schemas")
    assert box.cli("register", str(directory)).exit_code == 0
    return directory


def move_to_new(directory: Path, pairs: list[Pair]) -> None:
    for pair in pairs:
        (directory / "old" / f"{name(pair)}.json").write_text(json.dumps(pair.new))


def verify_verdicts(box: Toolbox, *flags: str) -> tuple[int, dict[tuple[str, str], Any]]:
    result = box.cli("--json", "verify", TOOL, "--mcp-only", *flags)
    (server,) = result.json()["mcp"]["results"]
    found = {}
    for entry in server["results"]:
        kind = entry["contractType"]
        found[(entry["name"], kind)] = (
            entry.get("schemaClass") or "equivalent",
            entry["outcome"] == "fail",
        )
    return result.exit_code, found


def drift_verdicts(box: Toolbox, *flags: str) -> tuple[int, dict[tuple[str, str], Any]]:
    result = box.cli("--json", "drift", TOOL, *flags)
    found = {}
    for contract in result.json()["tools"][0]["contracts"]:
        verdict = contract["severity"] if contract["status"] == "drift" else "equivalent"
        key = contract["contract"].removesuffix(" --json")
        found[(key, contract["contractType"])] = (verdict, contract["failing"])
    return result.exit_code, found


def ci_verdicts(box: Toolbox, repo: Path, *flags: str) -> tuple[int, dict[tuple[str, str], Any]]:
    import os

    here = Path.cwd()
    os.chdir(repo)
    try:
        result = box.cli("--json", "ci", "check", "--quick", *flags)
    finally:
        os.chdir(here)
    (drift,) = [c for c in result.json()["checks"] if c["name"] == "drift"]
    found = {}
    for issue in drift["issues"]:
        key = issue["contract"].removesuffix(" --json")
        found[(key, issue["contractType"])] = (issue["severity"], issue["level"] == "error")
    return result.exit_code, found


EXPECTED = {
    (name(p), kind): getattr(p, direction)
    for p in PAIRS
    for kind, direction in (
        ("mcp_tool", "request"),
        ("mcp_output", "response"),
        ("cli_output", "response"),
    )
}


def test_wrapping_keeps_every_class() -> None:
    from pai_deps.schemacompat import diff_schemas, verdict

    for pair in map(wrap, PAIRS):
        for direction in ("request", "response"):
            changes = diff_schemas(
                pair.old,
                pair.new,
                direction=direction,
                default_draft="2020-12",
            )
            assert verdict(changes) == getattr(pair, direction), (pair.name, direction)


def test_verify_drift_and_ci_check_agree_on_every_pair(box: Toolbox) -> None:
    assert all(isinstance(p.old, dict) and isinstance(p.new, dict) for p in PAIRS)
    pairs = [wrap(p) for p in PAIRS]
    directory = build(box, pairs)
    repo = directory.parent

    verified = {
        allow: verify_verdicts(box, *(["--allow-risky"] if allow else []))
        for allow in (False, True)
    }
    move_to_new(directory, pairs)
    drifted = {
        allow: drift_verdicts(box, *(["--allow-risky"] if allow else [])) for allow in (False, True)
    }
    checked = {
        allow: ci_verdicts(box, repo, *(["--allow-risky"] if allow else []))
        for allow in (False, True)
    }

    for allow in (False, True):
        for key, verdict in EXPECTED.items():
            rule = fails(verdict, allow_risky=allow)
            assert drifted[allow][1][key] == (verdict, rule), ("drift", key, allow)
            if key[1] != "cli_output":  # verify validates CLI output, it compares no schema
                assert verified[allow][1][key] == (verdict, rule), ("verify", key, allow)
            in_ci = checked[allow][1].get(key, ("equivalent", False))
            assert in_ci == (verdict, rule), ("ci check", key, allow)
        expected_exit = int(any(fails(v, allow_risky=allow) for v in EXPECTED.values()))
        assert drifted[allow][0] == verified[allow][0] == checked[allow][0] == expected_exit


@pytest.mark.parametrize("allow", [False, True])
def test_a_risky_change_has_one_exit_rule_everywhere(box: Toolbox, allow: bool) -> None:
    (risky,) = [wrap(p) for p in PAIRS if p.name == "pattern-changed"]
    assert risky.response == "risky"
    directory = build(box, [risky], requests=False)  # only response contracts: risky
    flags = ["--allow-risky"] if allow else []

    verify_exit, verified = verify_verdicts(box, *flags)
    move_to_new(directory, [risky])
    drift_exit, drifted = drift_verdicts(box, *flags)
    ci_exit, checked = ci_verdicts(box, directory.parent, *flags)

    expected = 0 if allow else 1
    assert (verify_exit, drift_exit, ci_exit) == (expected, expected, expected)
    key = (name(risky), "mcp_output")
    assert verified[key] == drifted[key] == checked[key] == ("risky", not allow)
