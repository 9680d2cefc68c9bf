"""The classifier's structure: pointers, values, messages, references, limits.

Which class each kind of change gets is the table in test_schema_compat_table.py; that
no generated witness contradicts a class is test_schema_compat_properties.py.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from pai_deps.errors import PaiDepsError
from pai_deps.schemacompat import (
    SchemaChange,
    SchemaTooComplexError,
    diff_schemas,
    verdict,
    worst_severity,
)


def obj(props: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props, **extra}
    if required is not None:
        schema["required"] = required
    return schema


S = {"type": "string"}


def found(old: Any, new: Any, direction: str = "request") -> list[tuple[str, str, str]]:
    changes = diff_schemas(old, new, direction=direction)  # type: ignore[arg-type]
    return [(c.pointer, c.kind, c.severity) for c in changes]


def test_values_and_messages_are_reported() -> None:
    [change] = diff_schemas(S, {"type": ["string", "null"]}, direction="response")
    assert (change.pointer, change.kind, change.severity) == ("/type", "type-widened", "breaking")
    assert (change.old, change.new) == ("string", ["null", "string"])
    assert change.message == "type widened from string to null|string"
    assert change.as_dict()["severity"] == "breaking"


def test_nested_pointers_are_escaped_json_pointers() -> None:
    def schema(leaf: dict[str, Any]) -> dict[str, Any]:
        return obj({"a/b": {"type": "array", "items": obj({"c~d": obj({"e": leaf})})}})

    assert found(schema(S), schema({"type": "integer"}), "response") == [
        ("/properties/a~1b/items/properties/c~0d/properties/e/type", "type-changed", "breaking")
    ]


def test_tuple_items_are_paired_by_position() -> None:
    old = {"prefixItems": [S, {"type": "integer"}]}
    new = {"prefixItems": [S, {"type": "number"}, {"type": "null"}]}
    assert found(old, new) == [
        ("/prefixItems/1/type", "type-widened", "compatible"),
        ("/prefixItems/2/type", "type-narrowed", "breaking"),  # anything -> null
    ]
    draft7 = found({"items": [S]}, {"items": [{"type": "integer"}]}, "response")
    assert draft7 == [("/items/0/type", "type-changed", "breaking")]


def test_additional_properties_schema_is_compared() -> None:
    old = {"additionalProperties": {"type": "string"}}
    new = {"additionalProperties": {"type": "string", "maxLength": 3}}
    assert found(old, new) == [
        ("/additionalProperties/maxLength", "constraint-tightened", "breaking")
    ]
    assert found({"additionalProperties": False}, {}, "response") == [
        ("/additionalProperties", "schema-changed", "breaking")
    ]


def test_a_property_governed_by_additional_properties_is_compared_with_it() -> None:
    old = obj({}, additionalProperties={"type": "string"})
    new = obj({"n": {"type": "integer"}}, additionalProperties={"type": "string"})
    assert found(old, new) == [("/properties/n/type", "type-changed", "breaking")]


def test_unions_that_cannot_be_split_by_type_pair_their_branches() -> None:
    old = {"anyOf": [obj({"a": S}, ["a"]), obj({"b": S}, ["b"]), {"type": "null"}]}
    new = {
        "anyOf": [{"type": "null"}, obj({"b": S}, ["b"]), obj({"a": {"type": "integer"}}, ["a"])]
    }
    assert found(old, new) == [("/anyOf/2/properties/a/type", "type-changed", "breaking")]


def test_introducing_a_union_restricts() -> None:
    assert found({}, {"anyOf": [S]}) == [("/type", "type-narrowed", "breaking")]


def test_boolean_schemas() -> None:
    assert found(obj({"a": True}), obj({"a": False})) == [
        ("/properties/a", "schema-changed", "breaking")
    ]
    assert diff_schemas(True, {}, direction="response") == []


def test_equivalent_spellings_are_not_changes() -> None:
    assert diff_schemas({"type": "string"}, {"type": ["string"]}, direction="request") == []
    assert diff_schemas({"uniqueItems": False}, {}, direction="request") == []
    assert diff_schemas({"minimum": 1}, {"minimum": 1.0}, direction="request") == []
    assert diff_schemas({"enum": ["a", "b"]}, {"enum": ["b", "a"]}, direction="request") == []
    # `if` without `then` or `else` constrains nothing.
    assert diff_schemas({"if": S}, {"if": {"type": "integer"}}, direction="request") == []


def test_unknown_keywords_are_reported_not_ignored() -> None:
    [change] = diff_schemas({"nullable": False}, {"nullable": True}, direction="response")
    assert (change.pointer, change.kind, change.severity) == (
        "/nullable",
        "keyword-changed",
        "risky",
    )
    assert "cannot prove compatible" in change.message
    [ext] = diff_schemas({"x-owner": "a"}, {"x-owner": "b"}, direction="response")
    assert ext.severity == "cosmetic"


def test_change_behind_a_ref_is_found_where_it_is_used() -> None:
    def schema(name: dict[str, Any]) -> dict[str, Any]:
        return {"properties": {"n": {"$ref": "#/definitions/name"}}, "definitions": {"name": name}}

    [change] = diff_schemas(schema(S), schema({"type": "integer"}), direction="response")
    assert change.pointer == "/properties/n/type"


def test_recursive_schemas_terminate() -> None:
    def tree(leaf: str) -> dict[str, Any]:
        node = obj(
            {"value": {"type": leaf}, "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}}
        )
        return {"$ref": "#/$defs/node", "$defs": {"node": node}}

    assert found(tree("string"), tree("integer"), "response") == [
        ("/properties/value/type", "type-changed", "breaking")
    ]
    mutual = {
        "$ref": "#/$defs/a",
        "$defs": {"a": obj({"b": {"$ref": "#/$defs/b"}}), "b": obj({"a": {"$ref": "#/$defs/a"}})},
    }
    assert diff_schemas(mutual, mutual, direction="request") == []
    root = {"items": {"$ref": "#"}}
    assert diff_schemas(root, {"items": {"$ref": "#"}}, direction="request") == []


def test_cosmetic_only_edits() -> None:
    old = obj({"a": {**S, "description": "old"}}, ["a"], title="T")
    new = obj({"a": {**S, "description": "new", "examples": ["x"]}}, ["a"], title="T2")
    changes = diff_schemas(old, new, direction="request")
    assert sorted(c.kind for c in changes) == [
        "description-changed",
        "examples-changed",
        "title-changed",
    ]
    assert worst_severity(changes) == "cosmetic" == verdict(changes)


def test_worst_severity() -> None:
    def change(severity: Any) -> SchemaChange:
        return SchemaChange("/", "x", severity, "m")

    assert worst_severity([]) is None and verdict([]) == "equivalent"
    assert worst_severity([change("compatible"), change("risky"), change("cosmetic")]) == "risky"
    assert worst_severity([change("risky"), change("breaking")]) == "breaking"


def test_direction_is_checked() -> None:
    with pytest.raises(ValueError, match="direction"):
        diff_schemas({}, {}, direction="sideways")  # type: ignore[arg-type]


def test_an_unresolvable_ref_says_which_side() -> None:
    with pytest.raises(PaiDepsError) as info:
        diff_schemas(S, {"$ref": "#/nowhere"}, direction="request")
    assert info.value.details["side"] == "new" and "#/nowhere" in info.value.message


# --- hostile schemas that register fine (issue 9, item 12) ------------------------------------


def _fan_out(levels: int) -> dict[str, Any]:
    defs: dict[str, Any] = {f"l{levels}": S}
    for level in range(levels - 1, -1, -1):
        ref = {"$ref": f"#/$defs/l{level + 1}"}
        defs[f"l{level}"] = obj({"a": ref, "b": ref})
    return {"$ref": "#/$defs/l0", "$defs": defs}


def test_fan_out_is_compared_by_reference_not_by_inlining() -> None:
    old, new = _fan_out(24), _fan_out(24)
    new["$defs"]["l24"] = {"type": "integer"}
    changes = diff_schemas(old, new, direction="response")
    # 2^24 paths lead to the leaf; each pair of definitions is compared once, where first used.
    assert [c.pointer for c in changes] == ["/properties/a" * 24 + "/type"]


def test_deep_nesting_is_compared() -> None:
    def deep(leaf: str, depth: int = 900) -> Any:
        node: Any = {"type": leaf}
        for _ in range(depth):
            node = {"type": "array", "items": node}
        return node

    [change] = diff_schemas(deep("string"), deep("integer"), direction="request")
    assert change.pointer == "/items" * 900 + "/type"


def test_nesting_beyond_any_parsed_json_is_a_clean_error() -> None:
    node: Any = S
    for _ in range(3000):
        node = {"not": {"not": node}}
    with pytest.raises(SchemaTooComplexError, match="nested more than"):
        diff_schemas(node, S, direction="request")


def test_lone_surrogates_are_quoted_in_messages() -> None:
    changes = diff_schemas(obj({"a\ud800": S}), obj({"b\udfff": S}), direction="response")
    assert {c.kind for c in changes} == {"property-added", "property-removed"}
    for change in changes:
        change.message.encode("utf-8")  # printable: the surrogate is escaped
        assert "\\ud800" in change.message or "\\udfff" in change.message


@pytest.mark.parametrize("count", [1_600, 25_000])
def test_work_is_bounded(count: int) -> None:
    # Thousands of object branches to pair up on each side: linear, and past a budget a
    # clean error, never an hour. CPU time, so that other work on the machine does not count.
    branches = [obj({f"p{i}": {"type": "integer", "minimum": i}}, [f"p{i}"]) for i in range(count)]
    started = time.process_time()
    try:
        changes = diff_schemas({"anyOf": branches}, {"anyOf": branches[1:]}, direction="request")
        assert [c.kind for c in changes] == ["branch-removed"]
    except SchemaTooComplexError as exc:
        assert count > 10_000 and "too complex" in exc.message
    assert time.process_time() - started < 5
