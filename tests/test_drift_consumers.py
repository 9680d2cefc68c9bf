"""`drift` per consumer: each change names the consumers whose `uses` it touches; a
breaking change nobody reads is `unused` and does not fail unless `--strict-unused`."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from pai_deps.verify.readers import instance_path
from tests.conftest import Cli
from tests.helpers import dep, write_tool
from tests.test_uses import CONTRACT, SEARCH


def reader(root: Path, name: str, fields: list[str] | None) -> None:
    uses = None if fields is None else [{"contract": CONTRACT, "fields": fields}]
    write_tool(root, name, depends_on=[dep("mail", "cli", **({"uses": uses} if uses else {}))])


@pytest.fixture
def ecosystem(cli: Cli, tmp_path: Path) -> Path:
    write_tool(
        tmp_path,
        "mail",
        provides={"cli": [{"command": CONTRACT, "output_schema": "search.json"}]},
        schemas={"search.json": SEARCH},
    )
    reader(tmp_path, "ids", ["/results/*/id"])
    reader(tmp_path, "subjects", ["/results/*/subject"])
    reader(tmp_path, "counter", ["/count"])
    assert cli("sync", str(tmp_path)).exit_code == 0
    return tmp_path


def change_schema(root: Path, edit: Any) -> None:
    schema = copy.deepcopy(SEARCH)
    edit(schema)
    (root / "mail" / "search.json").write_text(json.dumps(schema))


def changes(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for t in doc["tools"] for k in t["contracts"] for c in k["changes"]]


def test_a_breaking_change_names_only_the_consumer_that_reads_it(cli: Cli, ecosystem: Path) -> None:
    change_schema(
        ecosystem,
        lambda s: s["properties"]["results"]["items"]["properties"]["id"].update(type="integer"),
    )
    result = cli("--json", "drift", "mail")
    assert result.exit_code == 1
    (found,) = changes(result.json())
    assert found["severity"] == "breaking"
    assert found["affectedConsumers"] == ["ids"]
    assert "unused" not in found
    text = cli("drift", "mail").stdout
    assert "Read by" in text and "ids" in text


def test_a_breaking_change_nobody_reads_is_unused_and_does_not_fail(
    cli: Cli, ecosystem: Path
) -> None:
    change_schema(ecosystem, lambda s: s["properties"].pop("count"))  # counter reads it
    assert cli("--json", "drift", "mail").exit_code == 1
    reader(ecosystem, "counter", ["/results/*/id"])  # counter stops reading /count
    assert cli("register", str(ecosystem / "counter")).exit_code == 0
    result = cli("--json", "drift", "mail")
    assert result.exit_code == 0, result.output
    (found,) = changes(result.json())
    assert found["severity"] == "breaking"
    assert found["unused"] is True and found["affectedConsumers"] == []
    assert "nobody (unused)" in cli("drift", "mail").stdout
    assert cli("drift", "mail", "--strict-unused").exit_code == 1


def test_a_consumer_without_uses_reads_everything(cli: Cli, ecosystem: Path) -> None:
    reader(ecosystem, "greedy", None)
    assert cli("register", str(ecosystem / "greedy")).exit_code == 0
    change_schema(ecosystem, lambda s: s["properties"].pop("count"))
    result = cli("--json", "drift", "mail")
    assert result.exit_code == 1
    assert changes(result.json())[0]["affectedConsumers"] == ["counter", "greedy"]


def test_without_registered_consumers_drift_fails_as_before(cli: Cli, tmp_path: Path) -> None:
    write_tool(
        tmp_path,
        "mail",
        provides={"cli": [{"command": CONTRACT, "output_schema": "search.json"}]},
        schemas={"search.json": SEARCH},
    )
    assert cli("register", str(tmp_path / "mail")).exit_code == 0
    change_schema(tmp_path, lambda s: s["properties"].pop("count"))
    result = cli("--json", "drift", "mail")
    assert result.exit_code == 1
    assert "affectedConsumers" not in changes(result.json())[0]


@pytest.mark.parametrize(
    ("pointer", "path"),
    [
        ("/properties/results/items/properties/id/type", ("results", "*", "id")),
        ("/properties/count", ("count",)),
        ("/properties/type/type", ("type",)),  # a property named like a keyword
        ("/required", ()),
        ("", ()),
        ("/properties/pair/items/1/type", ("pair", "1")),
        ("/properties/pair/prefixItems/0", ("pair", "0")),
        ("/properties/m/additionalProperties/type", ("m", "*")),
        ("/properties/m/patternProperties/^x/type", ("m", "*")),
        ("/anyOf/1/properties/a", ("a",)),
        ("/properties/a/then/properties/b", ("a", "b")),
        ("/$defs/x/properties/a", ()),  # cannot say: the whole document
        ("/properties", ()),
    ],
)
def test_instance_path(pointer: str, path: tuple[str, ...]) -> None:
    assert instance_path(pointer) == path
