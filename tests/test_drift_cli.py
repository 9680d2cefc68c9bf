"""`drift`: every status, the exit-code table, `--update` and `--allow-risky`.

The classification rules themselves are tested in test_schema_diff.py; here each drift
status and each exit path is driven once through the CLI, with real schema files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from pai_deps import db
from pai_deps.repo import contracts
from tests.conftest import Cli
from tests.test_verify_cli import Toolbox, make_box

pytestmark = pytest.mark.backends

BASE = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "size": {"type": "integer"}},
    "required": ["id"],
}


@pytest.fixture
def box(tmp_path: Path, cli: Cli, db_target: str, monkeypatch: pytest.MonkeyPatch) -> Toolbox:
    return make_box(tmp_path, cli, db_target, monkeypatch)


def schema_tool(box: Toolbox, kind: str = "cli", schema: Any = BASE) -> Path:
    provides = (
        {"cli": [{"command": "tool list --json", "output_schema": "out.json"}]}
        if kind == "cli"
        else {"mcp": [{"tool": "search", "schema": "out.json"}]}
    )
    return box.tool("t", type=kind, provides=provides, schemas={"out.json": schema})


def rewrite(directory: Path, schema: Any) -> None:
    (directory / "out.json").write_text(json.dumps(schema))


def drift(box: Toolbox, *args: str) -> tuple[int, dict[str, Any]]:
    result = box.cli("--json", "drift", "t", *args)
    return result.exit_code, result.json()


def only(document: dict[str, Any]) -> dict[str, Any]:
    (tool,) = document["tools"]
    (contract,) = tool["contracts"]
    return dict(contract)


def test_unchanged_and_no_schema_exit_0(box: Toolbox) -> None:
    box.tool(
        "t",
        provides={
            "cli": [{"command": "tool list --json", "output_schema": "out.json"}],
            "library": [{"export": "parse"}],
        },
        schemas={"out.json": BASE},
    )

    code, document = drift(box)
    human = box.cli("drift", "t")

    assert code == 0 and document["success"] is True
    statuses = {c["contract"]: c["status"] for c in document["tools"][0]["contracts"]}
    assert statuses == {"tool list --json": "unchanged", "parse": "no-schema"}
    assert human.exit_code == 0
    assert "1 contract without a schema file (-v lists them)" in human.stdout
    assert human.stdout.splitlines()[-1] == "OK: 2 contracts, nothing breaking"


def test_breaking_response_change_is_explained_and_fails(box: Toolbox) -> None:
    directory = schema_tool(box)
    rewrite(directory, {**BASE, "properties": {"id": {"type": "string"}}})

    code, document = drift(box)
    human = box.cli("drift", "t")

    assert code == 1 and document["success"] is False
    contract = only(document)
    assert (contract["status"], contract["severity"], contract["direction"]) == (
        "drift",
        "breaking",
        "response",
    )
    assert [(c["pointer"], c["kind"]) for c in contract["changes"]] == [
        ("/properties/size", "property-removed")
    ]
    assert contract["storedHash"] != contract["currentHash"]
    assert human.exit_code == 1
    assert re.search(r"breaking +/properties/size +property 'size' removed", human.stdout)


def test_compatible_and_cosmetic_drift_exit_0(box: Toolbox) -> None:
    directory = schema_tool(box)
    extended = json.loads(json.dumps(BASE))
    extended["properties"]["note"] = {"type": "string"}
    extended["properties"]["id"]["description"] = "The id."
    rewrite(directory, extended)

    code, document = drift(box)

    assert code == 0
    contract = only(document)
    assert (contract["status"], contract["severity"]) == ("drift", "compatible")
    assert {c["severity"] for c in contract["changes"]} == {"compatible", "cosmetic"}


def test_risky_fails_unless_allowed(box: Toolbox) -> None:
    # A changed pattern cannot be proved compatible: risky for a response. (A widened type
    # was risky before issue 10; it lets the producer emit what readers reject: breaking.)
    directory = schema_tool(box, schema={**BASE, "properties": {
        "id": {"type": "string", "pattern": "^a"}, "size": {"type": "integer"}}})  # fmt: skip
    rewrite(directory, {**BASE, "properties": {
        "id": {"type": "string", "pattern": "^b"}, "size": {"type": "integer"}}})  # fmt: skip

    code, document = drift(box)
    allowed_code, allowed = drift(box, "--allow-risky")

    assert (code, only(document)["severity"], only(document)["failing"]) == (1, "risky", True)
    assert (allowed_code, only(allowed)["failing"]) == (0, False)


def test_mcp_input_schema_is_judged_as_a_request(box: Toolbox) -> None:
    directory = schema_tool(box, kind="mcp")
    removed = {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}
    rewrite(directory, removed)

    code, document = drift(box)
    assert (code, only(document)["direction"], only(document)["severity"]) == (
        0,
        "request",
        "compatible",
    )

    rewrite(directory, {**BASE, "required": ["id", "size"]})
    code, document = drift(box)
    assert (code, only(document)["severity"]) == (1, "breaking")
    assert only(document)["changes"][0]["kind"] == "required-added"


def test_ref_refactor_is_equivalent(box: Toolbox) -> None:
    directory = schema_tool(box)
    rewrite(
        directory,
        {
            "type": "object",
            "$defs": {"id": {"type": "string"}},
            "properties": {"id": {"$ref": "#/$defs/id"}, "size": {"type": "integer"}},
            "required": ["id"],
        },
    )

    code, document = drift(box)

    contract = only(document)
    assert (code, contract["status"], contract["changes"]) == (0, "equivalent", [])
    assert contract["storedHash"] != contract["currentHash"]


def test_update_accepts_drift_as_the_new_baseline(box: Toolbox) -> None:
    directory = schema_tool(box)
    rewrite(directory, {"type": "object"})
    assert drift(box)[0] == 1

    code, document = drift(box, "--update")
    after_code, after = drift(box)

    assert (code, only(document)["updated"], document["summary"]["updated"]) == (0, True, 1)
    assert (after_code, only(after)["status"]) == (0, "unchanged")
    row = box.contract("t", "tool list --json")
    assert row.schema_snapshot == '{"type":"object"}'


def test_missing_file_fails_even_with_update(box: Toolbox) -> None:
    directory = schema_tool(box)
    (directory / "out.json").unlink()

    code, document = drift(box)
    update_code, updated = drift(box, "--update")

    contract = only(document)
    assert (code, contract["status"]) == (1, "missing")
    assert contract["error"] == f"schema file not found: {directory / 'out.json'}"
    assert (update_code, only(updated)["updated"]) == (1, False)


def test_unreadable_schema_is_an_error(box: Toolbox) -> None:
    directory = schema_tool(box)
    (directory / "out.json").write_text("{not json")

    code, document = drift(box)

    assert (code, only(document)["status"]) == (1, "error")
    assert only(document)["error"].startswith("Invalid JSON in ")


def _forget_baseline(box: Toolbox, *, keep_hash: bool) -> None:
    row = box.contract("t", "tool list --json")
    conn = db.open_db(box.db_path)
    try:
        with db.transaction(conn):
            contracts.set_contract_baseline(
                conn,
                id=row.id,
                schema_hash=row.schema_hash if keep_hash else None,
                schema_snapshot=None,
            )
    finally:
        conn.close()


def test_no_baseline_is_new_and_update_records_it(box: Toolbox) -> None:
    schema_tool(box)
    _forget_baseline(box, keep_hash=False)

    code, document = drift(box)
    update_code, _ = drift(box, "--update")
    after_code, after = drift(box)

    assert (code, only(document)["status"], only(document)["storedHash"]) == (0, "new", None)
    assert update_code == 0
    assert (after_code, only(after)["status"]) == (0, "unchanged")


def test_hash_change_without_a_snapshot_cannot_be_explained_and_fails(box: Toolbox) -> None:
    directory = schema_tool(box)
    _forget_baseline(box, keep_hash=True)  # a registry carried over from the TypeScript tool
    rewrite(directory, {"type": "object"})

    code, document = drift(box)

    assert (code, only(document)["status"], only(document)["severity"]) == (1, "drift", "unknown")
    assert drift(box, "--update")[0] == 0
    assert drift(box)[0] == 0


@pytest.mark.parametrize("args", [[], ["t", "--all"]])
def test_selection_misuse_exits_2(box: Toolbox, args: list[str]) -> None:
    schema_tool(box)

    result = box.cli("drift", *args)

    assert result.exit_code == 2


def test_all_without_contracts_says_so(box: Toolbox) -> None:
    box.tool("lib", type="library")

    result = box.cli("drift", "--all")
    missing = box.cli("--json", "drift", "nope")

    assert (result.exit_code, result.stdout.strip()) == (0, "No contracts to check.")
    assert missing.exit_code == 1 and missing.json()["code"] == "tool_not_found"
