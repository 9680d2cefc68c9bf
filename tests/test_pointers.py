"""JSON pointers with wildcards, and what they reach in a JSON Schema (issue 13).

The property tests build a random document shape, write it as a schema in several
equivalent ways ($ref to $defs, allOf, anyOf, oneOf, tuples), and check that exactly the
shape's paths match, whatever the spelling.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pai_deps.pointers import PointerError, format_pointer, overlaps, parse_pointer, reach

SETTINGS = settings(max_examples=100, deadline=None)
KEYS = ["id", "a/b", "t~x", "", "0", "ü", "subject"]

# --------------------------------------------------------------------------- syntax


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("", ()),
        ("/", ("",)),
        ("/results/*/id", ("results", "*", "id")),
        ("/a~1b/t~0x", ("a/b", "t~x")),
        ("/0", ("0",)),
    ],
)
def test_parse(text: str, segments: tuple[str, ...]) -> None:
    assert parse_pointer(text) == segments
    assert format_pointer(segments) == text


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("results/id", "start with '/'"),
        ("/a~2", "~0"),
        ("/a~", "~0"),
        ("/a\x1b[2K", "control"),
        ("/" + "x" * 2000, "longer"),
    ],
)
def test_parse_refuses(text: str, why: str) -> None:
    with pytest.raises(PointerError, match=why.replace("[", r"\[")):
        parse_pointer(text)


@given(st.lists(st.sampled_from([*KEYS, "*"]), max_size=5))
@SETTINGS
def test_format_parse_round_trip(segments: list[str]) -> None:
    assert parse_pointer(format_pointer(segments)) == tuple(segments)


def test_overlaps() -> None:
    p = parse_pointer
    assert overlaps(p("/results"), p("/results/0/id"))
    assert overlaps(p("/results/*/id"), p("/results/3"))
    assert overlaps(p(""), p("/anything"))
    assert not overlaps(p("/results/*/id"), p("/results/*/subject"))
    assert not overlaps(p("/count"), p("/results"))


@given(
    st.lists(st.sampled_from(["a", "b", "*"]), max_size=4),
    st.lists(st.sampled_from(["a", "b", "*"]), max_size=4),
)
@SETTINGS
def test_overlaps_is_symmetric(a: list[str], b: list[str]) -> None:
    assert overlaps(a, b) == overlaps(b, a)
    assert overlaps(a, a)


# --------------------------------------------------------------------------- examples


SEARCH = {
    "type": "object",
    "definitions": {
        "message": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "subject": {"type": "string", "deprecated": True},
            },
        }
    },
    "properties": {
        "messages": {"type": "array", "items": {"$ref": "#/definitions/message"}},
        "total": {"type": "integer"},
        "extra": {"type": "object", "additionalProperties": {"type": "number"}},
        "open": {"type": "object"},
        "pair": {
            "type": "array",
            "items": [{"type": "string"}, {"type": "object", "properties": {"x": {}}}],
        },
        "any": True,
        "other": {"$ref": "pai-deps:file:other.json"},
    },
}


@pytest.mark.parametrize(
    ("pointer", "matched"),
    [
        ("", True),
        ("/messages", True),
        ("/messages/*/id", True),
        ("/messages/7/subject", True),
        ("/messages/*/sender", False),
        ("/messages/id", False),  # an array is indexed, not keyed
        ("/totl", False),
        ("/total/x", False),
        ("/extra/anything", True),  # explicit additionalProperties
        ("/open/anything", False),  # JSON Schema's default is not a declaration
        ("/pair/1/x", True),
        ("/pair/0/x", False),
        ("/pair/2", False),
        ("/pair/*/x", True),
        ("/any/deep/down", True),  # a `true` schema: opaque
        ("/other/x", True),  # a reference that cannot be followed: opaque
    ],
)
def test_reach_examples(pointer: str, matched: bool) -> None:
    assert reach(SEARCH, parse_pointer(pointer)).matched is matched


def test_reach_targets_and_deprecation() -> None:
    found = reach(SEARCH, parse_pointer("/messages/*/subject"))
    assert found.targets == {"/definitions/message/properties/subject"}
    assert found.deprecated == {"/definitions/message/properties/subject"}
    assert not reach(SEARCH, parse_pointer("/messages/*/id")).deprecated
    assert "/properties/messages/items" in found.passed


def test_reach_refuses_to_loop() -> None:
    loop = {"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}
    assert not reach(loop, parse_pointer("/x")).matched
    tree = {"$defs": {"n": {"properties": {"child": {"$ref": "#/$defs/n"}}}}, "$ref": "#/$defs/n"}
    assert reach(tree, parse_pointer("/child/child/child/child")).matched
    assert not reach(tree, parse_pointer("/child/sibling")).matched


# --------------------------------------------------------------------------- properties

Shape = dict[str, Any] | list[Any] | None  # object (keys), array (of one shape), leaf


def shapes() -> st.SearchStrategy[Shape]:
    leaf = st.none()
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.dictionaries(st.sampled_from(KEYS), inner, min_size=1, max_size=3),
            st.builds(lambda s: [s], inner),
        ),
        max_leaves=8,
    )


def paths(shape: Shape, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    if isinstance(shape, dict):
        for key, sub in shape.items():
            found.extend(paths(sub, (*prefix, key)))
    elif isinstance(shape, list):
        found.extend(paths(shape[0], (*prefix, "*")))
        found.extend(paths(shape[0], (*prefix, "3")))
    return found


def misses(shape: Shape, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Paths one step off the shape: a key it lacks, or a step below a leaf."""
    if shape is None:
        return [(*prefix, "nope")]
    if isinstance(shape, dict):
        found = [(*prefix, "nope")]
        for key, sub in shape.items():
            found.extend(misses(sub, (*prefix, key)))
        return found
    return [(*prefix, "nope"), *misses(shape[0], (*prefix, "*"))]


@st.composite
def spelled(draw: st.DrawFn, shape: Shape, defs: dict[str, Any]) -> Any:
    """One schema for `shape`, each node spelled one of several equivalent ways."""
    if isinstance(shape, dict):
        node: dict[str, Any] = {
            "type": "object",
            "properties": {k: draw(spelled(v, defs)) for k, v in shape.items()},
        }
    elif isinstance(shape, list):
        item = draw(spelled(shape[0], defs))
        node = draw(
            st.sampled_from(
                [
                    {"type": "array", "items": item},
                    {"type": "array", "prefixItems": [item, item], "items": item},
                ]
            )
        )
    else:
        node = {"type": "string"}
    how = draw(st.sampled_from(["plain", "ref", "allOf", "anyOf", "oneOf"]))
    if how == "ref":
        name = f"d{len(defs)}"
        defs[name] = node
        return {"$ref": f"#/$defs/{name}"}
    if how == "plain":
        return node
    return {how: [node, {"type": "null"}] if how != "allOf" else [node]}


@st.composite
def shape_and_schema(draw: st.DrawFn) -> tuple[Shape, dict[str, Any]]:
    shape = draw(st.dictionaries(st.sampled_from(KEYS), shapes(), min_size=1, max_size=3))
    defs: dict[str, Any] = {}
    root = draw(spelled(shape, defs))
    return shape, {"$defs": defs, "allOf": [root]}


@given(shape_and_schema())
@SETTINGS
def test_every_path_of_the_shape_matches(case: tuple[Shape, dict[str, Any]]) -> None:
    shape, schema = case
    for path in paths(shape):
        assert reach(schema, path).matched, format_pointer(path)


@given(shape_and_schema())
@SETTINGS
def test_no_path_off_the_shape_matches(case: tuple[Shape, dict[str, Any]]) -> None:
    shape, schema = case
    for path in misses(shape):
        assert not reach(schema, path).matched, format_pointer(path)
