"""The schema diff: one case per rule, checked in both directions, plus structure."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pai_deps.schemas import RULES, SchemaChange, diff_schemas, worst_severity


def obj(props: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props, **extra}
    if required is not None:
        schema["required"] = required
    return schema


S = {"type": "string"}

# (kind, old, new, expected pointer, severity for a response, severity for a request)
CASES: list[tuple[str, Any, Any, str, str, str]] = [
    ("property-added", obj({"a": S}), obj({"a": S, "b": S}), "/properties/b",
     "compatible", "compatible"),
    ("required-property-added", obj({"a": S}), obj({"a": S, "b": S}, ["b"]), "/properties/b",
     "compatible", "breaking"),
    ("required-property-added-with-default", obj({"a": S}),
     obj({"a": S, "b": {"type": "string", "default": "x"}}, ["b"]), "/properties/b",
     "compatible", "compatible"),
    ("property-removed", obj({"a": S, "b": S}), obj({"a": S}), "/properties/b",
     "breaking", "compatible"),
    ("property-removed-closed", obj({"a": S, "b": S}, additionalProperties=False),
     obj({"a": S}, additionalProperties=False), "/properties/b", "breaking", "breaking"),
    ("required-added", obj({"a": S}), obj({"a": S}, ["a"]), "/properties/a",
     "compatible", "breaking"),
    ("required-removed", obj({"a": S}, ["a"]), obj({"a": S}, []), "/properties/a",
     "breaking", "compatible"),
    ("type-widened", S, {"type": ["string", "null"]}, "/type", "risky", "compatible"),
    ("type-narrowed", {"type": "number"}, {"type": "integer"}, "/type",
     "compatible", "breaking"),
    ("type-changed", S, {"type": "integer"}, "/type", "breaking", "breaking"),
    ("enum-value-added", {"enum": ["a"]}, {"enum": ["a", "b"]}, "/enum", "risky", "compatible"),
    ("enum-value-removed", {"enum": ["a", "b"]}, {"enum": ["a"]}, "/enum",
     "compatible", "breaking"),
    ("enum-added", S, {**S, "enum": ["a"]}, "/enum", "compatible", "breaking"),
    ("enum-removed", {**S, "const": "a"}, S, "/const", "risky", "compatible"),
    ("constraint-tightened", {"maxLength": 10}, {"maxLength": 5}, "/maxLength",
     "compatible", "breaking"),
    ("constraint-loosened", {"minimum": 3}, {"minimum": 1}, "/minimum", "risky", "compatible"),
    ("constraint-changed", {"pattern": "^a"}, {"pattern": "^b"}, "/pattern", "risky", "risky"),
    ("branch-added", {"anyOf": [S]}, {"anyOf": [S, {"type": "null"}]}, "/anyOf/1",
     "risky", "compatible"),
    ("branch-removed", {"oneOf": [S, {"type": "null"}]}, {"oneOf": [S]}, "/oneOf/1",
     "compatible", "breaking"),
    ("allof-branch-added", {"allOf": [S]}, {"allOf": [S, {"maxLength": 3}]}, "/allOf/1",
     "compatible", "breaking"),
    ("allof-branch-removed", {"allOf": [S, {"maxLength": 3}]}, {"allOf": [S]}, "/allOf/1",
     "risky", "compatible"),
    ("keyword-changed", {"not": S}, {"not": {"type": "integer"}}, "/not", "risky", "risky"),
    ("description-changed", {**S, "description": "a"}, {**S, "description": "b"},
     "/description", "cosmetic", "cosmetic"),
    ("title-changed", S, {**S, "title": "Name"}, "/title", "cosmetic", "cosmetic"),
    ("examples-changed", {**S, "examples": ["a"]}, S, "/examples", "cosmetic", "cosmetic"),
    ("comment-changed", {**S, "$comment": "x"}, {**S, "$comment": "y"}, "/$comment",
     "cosmetic", "cosmetic"),
    ("annotation-changed", S, {**S, "deprecated": True}, "/deprecated", "cosmetic", "cosmetic"),
    ("default-changed", {**S, "default": "a"}, {**S, "default": "b"}, "/default",
     "cosmetic", "risky"),
]  # fmt: skip


def test_every_rule_has_a_case() -> None:
    assert {case[0] for case in CASES} == set(RULES)


@pytest.mark.parametrize("direction", ["response", "request"])
@pytest.mark.parametrize(
    ("kind", "old", "new", "pointer", "as_response", "as_request"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_rule(
    direction: str, kind: str, old: Any, new: Any, pointer: str, as_response: str, as_request: str
) -> None:
    changes = diff_schemas(old, new, direction=direction)  # type: ignore[arg-type]
    assert [(c.pointer, c.kind, c.severity) for c in changes] == [
        (pointer, kind, as_response if direction == "response" else as_request)
    ]
    assert "\n" not in changes[0].message


def test_rule_table_matches_the_brief() -> None:
    """The direction rules from peers.md §8, stated once more as plain data."""
    expected = {
        "property-removed": ("breaking", "compatible"),
        "property-removed-closed": ("breaking", "breaking"),
        "required-removed": ("breaking", "compatible"),
        "property-added": ("compatible", "compatible"),
        "required-property-added": ("compatible", "breaking"),
        "required-property-added-with-default": ("compatible", "compatible"),
        "required-added": ("compatible", "breaking"),
        "type-widened": ("risky", "compatible"),
        "enum-value-added": ("risky", "compatible"),
        "type-narrowed": ("compatible", "breaking"),
        "enum-value-removed": ("compatible", "breaking"),
        "description-changed": ("cosmetic", "cosmetic"),
        "title-changed": ("cosmetic", "cosmetic"),
    }
    assert {k: (RULES[k].response, RULES[k].request) for k in expected} == expected


def test_values_are_reported() -> None:
    [change] = diff_schemas(S, {"type": ["string", "null"]}, direction="response")
    assert (change.old, change.new) == ("string", ["string", "null"])
    assert change.message == "type widened from string to null|string"
    assert change.as_dict()["severity"] == "risky"


# --- structure --------------------------------------------------------------------------


def test_nested_pointers_are_escaped_json_pointers() -> None:
    def schema(leaf: dict[str, Any]) -> dict[str, Any]:
        return obj({"a/b": {"type": "array", "items": obj({"c~d": obj({"e": leaf})})}})

    changes = diff_schemas(schema(S), schema({"type": "integer"}), direction="response")
    assert [c.pointer for c in changes] == [
        "/properties/a~1b/items/properties/c~0d/properties/e/type"
    ]


def test_tuple_items_are_paired_by_position() -> None:
    old = {"prefixItems": [S, {"type": "integer"}]}
    new = {"prefixItems": [S, {"type": "number"}, {"type": "null"}]}
    changes = diff_schemas(old, new, direction="request")
    assert [(c.pointer, c.kind) for c in changes] == [
        ("/prefixItems/1/type", "type-widened"),
        ("/prefixItems/2/type", "type-narrowed"),  # anything -> null
    ]
    draft7 = diff_schemas({"items": [S]}, {"items": [{"type": "integer"}]}, direction="response")
    assert [(c.pointer, c.kind) for c in draft7] == [("/items/0/type", "type-changed")]


def test_additional_properties_schema_is_compared() -> None:
    old = {"additionalProperties": {"type": "string"}}
    new = {"additionalProperties": {"type": "string", "maxLength": 3}}
    [change] = diff_schemas(old, new, direction="request")
    assert (change.pointer, change.kind, change.severity) == (
        "/additionalProperties/maxLength",
        "constraint-tightened",
        "breaking",
    )
    [opened] = diff_schemas({"additionalProperties": False}, {}, direction="response")
    assert (opened.kind, opened.severity) == ("constraint-loosened", "risky")


def test_branches_are_compared_by_index() -> None:
    old = {"anyOf": [obj({"a": S}), {"type": "null"}]}
    new = {"anyOf": [obj({}), {"type": "null"}]}
    [change] = diff_schemas(old, new, direction="response")
    assert (change.pointer, change.kind) == ("/anyOf/0/properties/a", "property-removed")


def test_introducing_a_combinator_restricts() -> None:
    [change] = diff_schemas({}, {"anyOf": [S]}, direction="request")
    assert (change.pointer, change.kind, change.severity) == (
        "/anyOf",
        "constraint-tightened",
        "breaking",
    )


def test_boolean_schemas() -> None:
    [closed] = diff_schemas(obj({"a": True}), obj({"a": False}), direction="request")
    assert (closed.pointer, closed.kind, closed.severity) == (
        "/properties/a",
        "constraint-tightened",
        "breaking",
    )
    assert diff_schemas(True, {}, direction="response") == []


def test_equivalent_spellings_are_not_changes() -> None:
    assert diff_schemas({"type": "string"}, {"type": ["string"]}, direction="request") == []
    assert diff_schemas({"uniqueItems": False}, {}, direction="request") == []
    assert diff_schemas({"minimum": 1}, {"minimum": 1.0}, direction="request") == []
    assert diff_schemas({"enum": ["a", "b"]}, {"enum": ["b", "a"]}, direction="request") == []


def test_unknown_keywords_are_reported_not_ignored() -> None:
    [change] = diff_schemas({"if": S}, {"if": {"type": "integer"}}, direction="response")
    assert (change.pointer, change.kind, change.severity) == ("/if", "keyword-changed", "risky")
    [ext] = diff_schemas({"x-owner": "a"}, {"x-owner": "b"}, direction="response")
    assert ext.severity == "cosmetic"


def test_ref_refactor_changes_nothing() -> None:
    inline = obj(
        {"user": obj({"name": S, "tags": {"type": "array", "items": S}}, ["name"])},
        ["user"],
    )
    refactored = {
        "type": "object",
        "properties": {"user": {"$ref": "#/$defs/user"}},
        "required": ["user"],
        "$defs": {
            "user": obj({"name": {"$ref": "#/$defs/name"}, "tags": {"$ref": "#/$defs/tags"}},
                        ["name"]),
            "name": S,
            "tags": {"type": "array", "items": {"$ref": "#/$defs/name"}},
        },
    }  # fmt: skip
    assert diff_schemas(inline, refactored, direction="response") == []
    assert diff_schemas(inline, refactored, direction="request") == []


def test_change_behind_a_ref_is_found_where_it_is_used() -> None:
    def schema(name: dict[str, Any]) -> dict[str, Any]:
        return {"properties": {"n": {"$ref": "#/definitions/name"}}, "definitions": {"name": name}}

    [change] = diff_schemas(schema(S), schema({"type": "integer"}), direction="response")
    assert change.pointer == "/properties/n/type"


def test_recursive_schemas_terminate() -> None:
    def tree(leaf_type: str) -> dict[str, Any]:
        return {
            "$ref": "#/$defs/node",
            "$defs": {
                "node": obj(
                    {"value": {"type": leaf_type}, "kids": {"type": "array",
                     "items": {"$ref": "#/$defs/node"}}}
                )
            },
        }  # fmt: skip

    changes = diff_schemas(tree("string"), tree("integer"), direction="response")
    assert [c.pointer for c in changes] == ["/properties/value/type"]


def test_cosmetic_only_edits() -> None:
    old = obj({"a": {**S, "description": "old"}}, ["a"], title="T")
    new = obj({"a": {**S, "description": "new", "examples": ["x"]}}, ["a"], title="T2")
    changes = diff_schemas(old, new, direction="request")
    assert {c.severity for c in changes} == {"cosmetic"}
    assert sorted(c.kind for c in changes) == [
        "description-changed",
        "examples-changed",
        "title-changed",
    ]
    assert worst_severity(changes) == "cosmetic"


def test_worst_severity() -> None:
    def change(severity: Any) -> SchemaChange:
        return SchemaChange("/", "x", severity, "m")

    assert worst_severity([]) is None
    assert worst_severity([change("compatible"), change("risky"), change("cosmetic")]) == "risky"
    assert worst_severity([change("risky"), change("breaking")]) == "breaking"


def test_direction_is_checked() -> None:
    with pytest.raises(ValueError, match="direction"):
        diff_schemas({}, {}, direction="sideways")  # type: ignore[arg-type]


# --- properties -------------------------------------------------------------------------

names = st.sampled_from(["a", "b", "c/d", "e~f"])
leaf_schemas = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["string", "integer", "number", "null", ["string", "null"]]),
        "enum": st.lists(st.integers(0, 3) | st.text(max_size=2), max_size=3),
        "minimum": st.integers(-5, 5) | st.floats(-5, 5),
        "maxLength": st.integers(0, 9),
        "description": st.text(max_size=5),
        "pattern": st.sampled_from(["^a", "b$"]),
    },
)
schemas = st.recursive(
    leaf_schemas | st.booleans(),
    lambda inner: (
        st.fixed_dictionaries(
            {"type": st.just("object")},
            optional={
                "properties": st.dictionaries(names, inner, max_size=3),
                "required": st.lists(names, max_size=3, unique=True),
                "additionalProperties": st.booleans() | inner,
            },
        )
        | st.fixed_dictionaries({"type": st.just("array"), "items": inner})
        | st.fixed_dictionaries({"anyOf": st.lists(inner, min_size=1, max_size=3)})
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(schemas, st.sampled_from(["response", "request"]))
def test_a_schema_has_no_changes_against_itself(schema: Any, direction: Any) -> None:
    assert diff_schemas(schema, schema, direction=direction) == []


@settings(max_examples=100, deadline=None)
@given(schemas, schemas)
def test_every_change_is_classified_by_the_table(old: Any, new: Any) -> None:
    as_response = diff_schemas(old, new, direction="response")
    as_request = diff_schemas(old, new, direction="request")
    # Direction changes only the verdict, never what changed or where.
    assert [(c.pointer, c.kind) for c in as_response] == [(c.pointer, c.kind) for c in as_request]
    for change in as_response:
        assert change.severity == RULES[change.kind].response
        assert change.pointer.startswith("/") or change.pointer == ""
        assert "\n" not in change.message
    for change in as_request:
        assert change.severity == RULES[change.kind].request
