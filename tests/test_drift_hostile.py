"""Issue 9, item 12: schemas that register fine never break `drift`.

Each known case (a 20-level `$defs` fan-out, 500-deep nesting, a lone surrogate) through
the real CLI, then a bounded fuzz test: generated hostile schemas as baseline and as the
new file, `drift` through the CLI, and only exit 0, 1 or 2, never an internal error,
never a run over 5 s. `PAI_DEPS_FUZZ_EXAMPLES` raises the number of examples.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Cli
from tests.test_verify_cli import Toolbox, make_box

EXAMPLES = int(os.environ.get("PAI_DEPS_FUZZ_EXAMPLES", "25"))


@pytest.fixture
def box(tmp_path: Path, cli: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Toolbox:
    return make_box(tmp_path, cli, db_path, monkeypatch)


def registered(box: Toolbox, schema: Any, name: str = "t") -> Path:
    return box.tool(
        name,
        provides={"cli": [{"command": f"{name} --json", "output_schema": "out.json"}]},
        schemas={"out.json": schema},
    )


def drift(box: Toolbox, name: str = "t") -> tuple[int, dict[str, Any], float]:
    started = time.monotonic()
    result = box.cli("--json", "drift", name)
    return result.exit_code, result.json(), time.monotonic() - started


def fan_out(levels: int, leaf: Any) -> dict[str, Any]:
    defs: dict[str, Any] = {f"l{levels}": leaf}
    for level in range(levels - 1, -1, -1):
        ref = {"$ref": f"#/$defs/l{level + 1}"}
        defs[f"l{level}"] = {"type": "object", "properties": {"a": ref, "b": ref}}
    return {"$ref": "#/$defs/l0", "$defs": defs}


def test_a_20_level_fan_out_drifts_in_well_under_a_second(box: Toolbox) -> None:
    directory = registered(box, fan_out(20, {"type": "string"}))
    (directory / "out.json").write_text(json.dumps(fan_out(20, {"type": ["string", "null"]})))

    code, document, took = drift(box)

    assert took < 5
    (contract,) = document["tools"][0]["contracts"]
    assert (code, contract["status"], contract["severity"]) == (1, "drift", "breaking")
    assert [c["pointer"] for c in contract["changes"]] == ["/properties/a" * 20 + "/type"]


def test_a_missing_referenced_file_is_an_error_not_a_missing_schema(box: Toolbox) -> None:
    directory = registered(box, {"type": "object"})
    (directory / "out.json").write_text(json.dumps({"$ref": "gone.json"}))

    code, document, _ = drift(box)

    (contract,) = document["tools"][0]["contracts"]
    assert (code, contract["status"]) == (1, "error")
    assert "$ref 'gone.json' at /: File not found" in contract["error"]


def test_500_deep_nesting_drifts(box: Toolbox) -> None:
    def deep(leaf: str) -> Any:
        node: Any = {"type": leaf}
        for _ in range(500):
            node = {"type": "array", "items": node}
        return node

    directory = registered(box, deep("string"))
    (directory / "out.json").write_text(json.dumps(deep("integer")))

    code, document, _ = drift(box)

    (contract,) = document["tools"][0]["contracts"]
    assert (code, contract["severity"]) == (1, "breaking")
    assert contract["changes"][0]["pointer"] == "/items" * 500 + "/type"


def test_a_lone_surrogate_is_printed_escaped(box: Toolbox) -> None:
    directory = registered(box, {"type": "object", "properties": {"a\ud800": {"type": "string"}}})
    (directory / "out.json").write_text(
        '{"type": "object", "properties": {"b\\udfff": {"type": "string"}}}'
    )

    machine = box.cli("--json", "drift", "t")
    human = box.cli("drift", "t")

    assert machine.exit_code == human.exit_code == 1
    (contract,) = machine.json()["tools"][0]["contracts"]
    assert {c["kind"] for c in contract["changes"]} == {"property-added", "property-removed"}
    assert "internal error" not in human.output
    assert "\\ud800" in human.stdout


# --- fuzz ---------------------------------------------------------------------------------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8),
    st.sampled_from(["\ud800", "a\udfff", "#", "#/", "#/$defs/x", "#/nope", "#anchor", "x.json",
                     "http://127.0.0.1:9/x", "file:///etc/passwd", "~", "/"]),
)  # fmt: skip
_KEYWORDS = st.sampled_from(
    ["type", "properties", "required", "items", "prefixItems", "additionalProperties",
     "anyOf", "oneOf", "allOf", "not", "if", "then", "else", "$ref", "$defs", "enum",
     "const", "minimum", "exclusiveMinimum", "maximum", "multipleOf", "pattern", "format",
     "minLength", "maxItems", "contains", "dependencies", "dependentRequired",
     "unevaluatedProperties", "patternProperties", "$id", "$anchor", "$schema", "title",
     "x-thing", "nullable"]
)  # fmt: skip


def _hostile() -> st.SearchStrategy[Any]:
    return st.recursive(
        _SCALARS,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(_KEYWORDS, inner, max_size=5),
            st.dictionaries(st.text(max_size=3), inner, max_size=3),
        ),
        max_leaves=25,
    )


def _shapes(draw: Any) -> Any:
    """Either plain hostile JSON, or one of the known-expensive shapes with a twist."""
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return fan_out(draw(st.integers(1, 22)), draw(_hostile()))
    if kind == 1:
        node: Any = draw(_hostile())
        for _ in range(draw(st.integers(1, 600))):
            node = {draw(st.sampled_from(["items", "not", "additionalProperties"])): node}
        return node
    if kind == 2:
        return {"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}},
                "$ref": draw(st.sampled_from(["#/$defs/a", "#", "#/$defs/b"]))}  # fmt: skip
    return draw(_hostile())


@st.composite
def hostile_schemas(draw: Any) -> Any:
    return _shapes(draw)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)  # fmt: skip
@given(old=hostile_schemas(), new=hostile_schemas())
def test_drift_survives_hostile_schemas(box: Toolbox, old: Any, new: Any) -> None:
    name = f"t{abs(hash(json.dumps(old, sort_keys=True, default=str))) % 10**8}"
    directory = box.root / "tools" / name
    (directory).mkdir(parents=True, exist_ok=True)
    (directory / "out.json").write_text(json.dumps(old))
    from pai_deps.manifest import dump_manifest_yaml

    (directory / "pai-manifest.yaml").write_text(
        dump_manifest_yaml(
            {"name": name, "type": "cli",
             "provides": {"cli": [{"command": "t --json", "output_schema": "out.json"}]}}
        )
    )  # fmt: skip
    registered_code = box.cli("register", str(directory), "--force").exit_code
    (directory / "out.json").write_text(json.dumps(new))

    started = time.monotonic()
    machine = box.cli("--json", "drift", name)
    human = box.cli("drift", name)
    took = time.monotonic() - started

    assert registered_code in (0, 1)
    for result in (machine, human):
        assert result.exit_code in (0, 1, 2), result.output
        assert "internal error" not in result.output
    assert took < 5 * 2  # two runs, each well under 5 s
    if registered_code == 0:
        assert machine.json()["tools"][0]["contracts"][0]["status"] in (
            "unchanged", "equivalent", "drift", "error", "new"
        )  # fmt: skip
