"""Hand-written schema changes, each with its class for a request and for a response.

Shared by the classifier's table test and the test that `verify`, `drift` and `ci check`
agree on every pair. Classes: equivalent (no difference), cosmetic (annotations only),
compatible, risky, breaking. `why` says what makes it so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

S: dict[str, Any] = {"type": "string"}
INT: dict[str, Any] = {"type": "integer"}
N: dict[str, Any] = {"type": "null"}
D7 = "http://json-schema.org/draft-07/schema#"
D4 = "http://json-schema.org/draft-04/schema#"
D2020 = "https://json-schema.org/draft/2020-12/schema"
FETCH = Path(__file__).parent / "fixtures" / "mcp_server_fetch"


def obj(props: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props, **extra}
    if required is not None:
        schema["required"] = required
    return schema


def fetch_schema(release: str) -> Any:
    listing = json.loads((FETCH / f"{release}.tools-list.json").read_text())
    (tool,) = listing["tools"]
    return tool["inputSchema"]


def _fan_out(levels: int, leaf: dict[str, Any]) -> dict[str, Any]:
    defs: dict[str, Any] = {f"l{levels}": leaf}
    for level in range(levels - 1, -1, -1):
        ref = {"$ref": f"#/$defs/l{level + 1}"}
        defs[f"l{level}"] = obj({"a": ref, "b": ref})
    return {"$ref": "#/$defs/l0", "$defs": defs}


def _tree(leaf: str) -> dict[str, Any]:
    return {
        "$ref": "#/$defs/node",
        "$defs": {
            "node": obj(
                {
                    "value": {"type": leaf},
                    "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                }
            )
        },
    }


def _tagged(tag: str, field: str) -> dict[str, Any]:
    return obj({"kind": {"const": tag}, field: S}, ["kind"])


@dataclass(frozen=True)
class Pair:
    name: str
    old: Any
    new: Any
    request: str
    response: str
    why: str


PAIRS: list[Pair] = [
    # --- equivalent rewrites ------------------------------------------------------------------
    Pair(
        "anyOf-reordered",
        {"anyOf": [S, INT]},
        {"anyOf": [INT, S]},
        "equivalent",
        "equivalent",
        "a union does not depend on the order of its branches",
    ),
    Pair(
        "oneOf-reordered",
        {"type": "string", "oneOf": [{"minLength": 2}, {"maxLength": 3}]},
        {"type": "string", "oneOf": [{"maxLength": 3}, {"minLength": 2}]},
        "equivalent",
        "equivalent",
        "exactly-one-of does not depend on order either",
    ),
    Pair(
        "type-list-vs-anyOf",
        {"type": ["string", "null"]},
        {"anyOf": [S, N]},
        "equivalent",
        "equivalent",
        "pydantic's Optional[str] spelling is the type list",
    ),
    Pair(
        "type-list-vs-anyOf-with-bounds",
        {"type": ["string", "null"], "maxLength": 5},
        {"anyOf": [{"type": "string", "maxLength": 5}, N]},
        "equivalent",
        "equivalent",
        "maxLength applies to strings only, so it may sit on either side of the union",
    ),
    Pair(
        "pydantic-optional-with-default",
        {"type": ["integer", "null"], "default": None, "title": "Limit"},
        {"anyOf": [INT, N], "default": None, "title": "Limit"},
        "equivalent",
        "equivalent",
        "same types, same annotations",
    ),
    Pair(
        "enum-with-null-vs-union",
        {"enum": ["a", "b", None]},
        {"anyOf": [{"type": "string", "enum": ["a", "b"]}, N]},
        "equivalent",
        "equivalent",
        "null is the only value of type null",
    ),
    Pair(
        "disjoint-oneOf-vs-anyOf",
        {"oneOf": [S, INT]},
        {"anyOf": [S, INT]},
        "equivalent",
        "equivalent",
        "no value is both a string and an integer",
    ),
    Pair(
        "discriminated-oneOf-vs-anyOf",
        {"oneOf": [_tagged("a", "x"), _tagged("b", "y")]},
        {"anyOf": [_tagged("b", "y"), _tagged("a", "x")]},
        "equivalent",
        "equivalent",
        "the required `kind` const tells the branches apart",
    ),
    Pair(
        "required-moved-into-allOf",
        obj({"a": S}, ["a"]),
        {**obj({"a": S}), "allOf": [{"required": ["a"]}]},
        "equivalent",
        "equivalent",
        "allOf is a conjunction: where `required` sits does not matter",
    ),
    Pair(
        "integer-exclusiveMinimum-vs-minimum",
        {"type": "integer", "exclusiveMinimum": 0},
        {"type": "integer", "minimum": 1},
        "equivalent",
        "equivalent",
        "for integers, > 0 is >= 1 (a PyPI MCP server made exactly this change)",
    ),
    Pair(
        "integer-exclusiveMaximum-vs-maximum",
        {"type": "integer", "exclusiveMaximum": 1000000},
        {"type": "integer", "maximum": 999999},
        "equivalent",
        "equivalent",
        "< 10^6 is <= 999999",
    ),
    Pair(
        "additionalProperties-empty-vs-true",
        obj({"a": S}, additionalProperties={}),
        obj({"a": S}, additionalProperties=True),
        "equivalent",
        "equivalent",
        "{} accepts every value, as true does",
    ),
    Pair(
        "additionalProperties-true-vs-absent",
        obj({"a": S}, additionalProperties=True),
        obj({"a": S}),
        "equivalent",
        "equivalent",
        "absent means true",
    ),
    Pair(
        "const-vs-one-value-enum",
        {"const": "x"},
        {"enum": ["x"]},
        "equivalent",
        "equivalent",
        "const is a one-value enum",
    ),
    Pair(
        "enum-reordered",
        {"enum": ["a", "b", 1]},
        {"enum": [1, "b", "a"]},
        "equivalent",
        "equivalent",
        "an enum is a set",
    ),
    Pair(
        "type-string-vs-list",
        S,
        {"type": ["string"]},
        "equivalent",
        "equivalent",
        "a one-element type list",
    ),
    Pair(
        "ref-refactor",
        obj({"user": obj({"name": S}, ["name"])}),
        {**obj({"user": {"$ref": "#/$defs/user"}}), "$defs": {"user": obj({"name": S}, ["name"])}},
        "equivalent",
        "equivalent",
        "moving a subschema to $defs changes nothing",
    ),
    Pair(
        "not-null-vs-other-types",
        {"not": N},
        {"type": ["string", "number", "boolean", "array", "object"]},
        "equivalent",
        "equivalent",
        "not of a type is the other types",
    ),
    Pair(
        "neutral-keywords",
        {"type": "array", "uniqueItems": False, "minItems": 0},
        {"type": "array"},
        "equivalent",
        "equivalent",
        "false / 0 are the defaults",
    ),
    Pair(
        "allOf-of-one",
        {"allOf": [obj({"a": S})]},
        obj({"a": S}),
        "equivalent",
        "equivalent",
        "allOf of one schema is that schema",
    ),
    Pair(
        "multipleOf-1-is-integer",
        {"type": "number", "multipleOf": 1},
        INT,
        "equivalent",
        "equivalent",
        "a number that is a multiple of 1 is an integer",
    ),
    Pair(
        "fan-out-20-levels",
        _fan_out(20, S),
        _fan_out(20, {"type": ["string"]}),
        "equivalent",
        "equivalent",
        "2^20 paths through $defs are 21 definitions, compared by reference, not inlined",
    ),
    # --- metadata: cosmetic both ways ---------------------------------------------------------
    Pair(
        "schema-added",
        S,
        {"$schema": D7, **S},
        "cosmetic",
        "cosmetic",
        "$schema names the draft already assumed",
    ),
    Pair(
        "schema-removed",
        {"$schema": D2020, **S},
        S,
        "cosmetic",
        "cosmetic",
        "annotations in both directions",
    ),
    Pair(
        "id-added",
        S,
        {"$id": "https://example.com/s.json", **S},
        "cosmetic",
        "cosmetic",
        "an identifier, not a constraint",
    ),
    Pair(
        "comment-changed",
        {**S, "$comment": "a"},
        {**S, "$comment": "b"},
        "cosmetic",
        "cosmetic",
        "a comment",
    ),
    Pair(
        "title-changed", {**S, "title": "A"}, {**S, "title": "B"}, "cosmetic", "cosmetic", "a title"
    ),
    Pair(
        "description-removed", {**S, "description": "A"}, S, "cosmetic", "cosmetic", "a description"
    ),
    Pair("examples-added", S, {**S, "examples": ["x"]}, "cosmetic", "cosmetic", "examples"),
    Pair(
        "draft-04-exclusive-vs-draft-07",
        {"$schema": D4, "type": "number", "minimum": 0, "exclusiveMinimum": True},
        {"$schema": D7, "type": "number", "exclusiveMinimum": 0},
        "cosmetic",
        "cosmetic",
        "the same bound in two drafts' spellings; only $schema differs",
    ),
    Pair(
        "items-array-vs-prefixItems",
        {"$schema": D7, "type": "array", "items": [S, INT], "additionalItems": False},
        {"$schema": D2020, "type": "array", "prefixItems": [S, INT], "items": False},
        "cosmetic",
        "cosmetic",
        "draft-07 tuples are 2020-12 prefixItems",
    ),
    Pair(
        "mcp-server-fetch-2025.4.7-to-2026.10.24",
        fetch_schema("2025.4.7"),
        fetch_schema("2026.10.24"),
        "cosmetic",
        "cosmetic",
        "exclusive integer bounds became inclusive ones; title and description changed",
    ),
    # --- requests: rejecting what was accepted is breaking ------------------------------------
    Pair(
        "pattern-changed",
        {**S, "pattern": "^a"},
        {**S, "pattern": "^b"},
        "breaking",
        "risky",
        "which strings match cannot be compared: cannot prove compatible",
    ),
    Pair(
        "pattern-added",
        S,
        {**S, "pattern": "^a"},
        "breaking",
        "compatible",
        "rejects strings that do not match",
    ),
    Pair(
        "pattern-removed",
        {**S, "pattern": "^a"},
        S,
        "compatible",
        "breaking",
        "the producer may now emit any string",
    ),
    Pair(
        "format-changed",
        {**S, "format": "email"},
        {**S, "format": "date"},
        "breaking",
        "risky",
        "unrelated formats: cannot prove compatible",
    ),
    Pair(
        "format-added",
        S,
        {**S, "format": "email"},
        "breaking",
        "compatible",
        "rejects strings that are not e-mail addresses",
    ),
    Pair(
        "format-widened",
        {**S, "format": "uri"},
        {**S, "format": "uri-reference"},
        "compatible",
        "breaking",
        "every URI is a URI reference, not the reverse",
    ),
    Pair(
        "multipleOf-2-to-4",
        {**INT, "multipleOf": 2},
        {**INT, "multipleOf": 4},
        "breaking",
        "compatible",
        "6 was valid, is not",
    ),
    Pair(
        "multipleOf-4-to-2",
        {**INT, "multipleOf": 4},
        {**INT, "multipleOf": 2},
        "compatible",
        "breaking",
        "every multiple of 4 is one of 2; 6 may now be produced",
    ),
    Pair(
        "multipleOf-2-to-3",
        {**INT, "multipleOf": 2},
        {**INT, "multipleOf": 3},
        "breaking",
        "breaking",
        "2 was valid, is not; 3 is valid, was not",
    ),
    Pair("not-added", S, {**S, "not": {"const": "x"}}, "breaking", "compatible", 'rejects "x"'),
    Pair(
        "not-removed",
        {**S, "not": {"const": "x"}},
        S,
        "compatible",
        "breaking",
        '"x" may now be produced',
    ),
    Pair(
        "if-then-added",
        obj({"a": S, "b": S}),
        {**obj({"a": S, "b": S}), "if": {"required": ["a"]}, "then": {"required": ["b"]}},
        "breaking",
        "compatible",
        "a call with a but without b is rejected now",
    ),
    Pair(
        "dependencies-added",
        obj({"a": S, "b": S}),
        {**obj({"a": S, "b": S}), "dependencies": {"a": ["b"]}},
        "breaking",
        "compatible",
        "a without b is rejected now",
    ),
    Pair(
        "dependentRequired-added",
        obj({"a": S, "b": S}),
        {**obj({"a": S, "b": S}), "dependentRequired": {"a": ["b"]}},
        "breaking",
        "compatible",
        "the 2019-09 spelling of dependencies",
    ),
    Pair(
        "required-property-added-with-default",
        obj({"a": S}, ["a"]),
        obj({"a": S, "b": {"type": "integer", "default": 1}}, ["a", "b"]),
        "breaking",
        "compatible",
        "old calls do not send b: a default does not make the validator accept",
    ),
    Pair(
        "required-property-added",
        obj({"a": S}),
        obj({"a": S, "b": S}, ["b"]),
        "breaking",
        "compatible",
        "callers must send b now",
    ),
    Pair(
        "optional-becomes-required",
        obj({"a": S, "b": S}),
        obj({"a": S, "b": S}, ["b"]),
        "breaking",
        "compatible",
        "calls without b are rejected",
    ),
    Pair(
        "optional-property-added",
        obj({"a": S}),
        obj({"a": S, "b": S}),
        "compatible",
        "compatible",
        "callers send what the schema names; readers may ignore b",
    ),
    Pair(
        "maxLength-tightened",
        {**S, "maxLength": 10},
        {**S, "maxLength": 5},
        "breaking",
        "compatible",
        "strings of 6 to 10 are rejected",
    ),
    Pair(
        "enum-value-removed",
        {"enum": ["a", "b"]},
        {"enum": ["a"]},
        "breaking",
        "compatible",
        '"b" is rejected',
    ),
    Pair("type-narrowed", {"type": "number"}, INT, "breaking", "compatible", "1.5 is rejected"),
    Pair(
        "object-closed",
        obj({"a": S}),
        obj({"a": S}, additionalProperties=False),
        "breaking",
        "compatible",
        "an extra property is rejected now",
    ),
    Pair(
        "oneOf-branch-added",
        {"oneOf": [{"type": "string", "minLength": 1}, S]},
        {"oneOf": [{"type": "string", "minLength": 1}, S, {"type": "string", "maxLength": 3}]},
        "breaking",
        "risky",
        "overlapping branches: a value may now match two",
    ),
    Pair(
        "default-changed",
        {**INT, "default": 1},
        {**INT, "default": 2},
        "risky",
        "cosmetic",
        "callers that omit the field get other behaviour; validity is the same",
    ),
    Pair(
        "unknown-keyword-changed",
        {**S, "nullable": False},
        {**S, "nullable": True},
        "breaking",
        "risky",
        "a keyword pai-deps does not know: cannot prove compatible",
    ),
    Pair(
        "if-condition-changed",
        {"if": {"minimum": 0}, "then": {"multipleOf": 2}},
        {"if": {"minimum": 1}, "then": {"multipleOf": 2}},
        "breaking",
        "risky",
        "which values the `then` applies to moved",
    ),
    Pair(
        "property-schema-false",
        obj({"a": S}),
        obj({"a": False}),
        "breaking",
        "compatible",
        "a call with a is rejected",
    ),
    # --- responses: emitting what old readers reject is breaking --------------------------------
    Pair(
        "property-added-to-closed-object",
        obj({"a": S}, additionalProperties=False),
        obj({"a": S, "b": S}, additionalProperties=False),
        "compatible",
        "breaking",
        "old readers reject an object with b",
    ),
    Pair(
        "const-changed",
        {"const": "a"},
        {"const": "b"},
        "breaking",
        "breaking",
        '"b" is produced, old readers accept only "a"',
    ),
    Pair(
        "minimum-to-exclusiveMinimum",
        {"type": "number", "minimum": 0},
        {"type": "number", "exclusiveMinimum": 0},
        "breaking",
        "compatible",
        "0 is no longer produced: narrower output; a call with 0 is rejected",
    ),
    Pair(
        "type-widened",
        S,
        {"type": ["string", "null"]},
        "compatible",
        "breaking",
        "null may now be produced",
    ),
    Pair(
        "enum-value-added",
        {"enum": ["a"]},
        {"enum": ["a", "b"]},
        "compatible",
        "breaking",
        '"b" may now be produced',
    ),
    Pair(
        "required-becomes-optional",
        obj({"a": S}, ["a"]),
        obj({"a": S}),
        "compatible",
        "breaking",
        "objects without a may now be produced",
    ),
    Pair(
        "property-removed-open",
        obj({"a": S, "b": INT}),
        obj({"a": S}),
        "compatible",
        "breaking",
        "b is no longer an integer when present: anything may be produced",
    ),
    Pair(
        "property-removed-closed",
        obj({"a": S, "b": INT}, additionalProperties=False),
        obj({"a": S}, additionalProperties=False),
        "breaking",
        "compatible",
        "calls with b are rejected; output never has b, which was optional",
    ),
    Pair(
        "object-opened",
        obj({"a": S}, additionalProperties=False),
        obj({"a": S}),
        "compatible",
        "breaking",
        "extra properties may now be produced",
    ),
    Pair(
        "anyOf-branch-added",
        {"anyOf": [S, INT]},
        {"anyOf": [S, INT, N]},
        "compatible",
        "breaking",
        "null may now be produced",
    ),
    Pair(
        "anyOf-branch-removed",
        {"anyOf": [S, INT, N]},
        {"anyOf": [S, INT]},
        "breaking",
        "compatible",
        "null is rejected",
    ),
    Pair(
        "object-union-branch-removed",
        {"anyOf": [obj({"a": S}, ["a"]), obj({"b": S}, ["b"])]},
        {"anyOf": [obj({"a": S}, ["a"])]},
        "breaking",
        "compatible",
        "objects with only b are rejected now",
    ),
    Pair(
        "object-union-branch-added",
        {"anyOf": [obj({"a": S}, ["a"])]},
        {"anyOf": [obj({"a": S}, ["a"]), obj({"b": S}, ["b"])]},
        "compatible",
        "breaking",
        "objects with only b may now be produced",
    ),
    Pair(
        "enum-added",
        S,
        {**S, "enum": ["a", "b"]},
        "breaking",
        "compatible",
        'only "a" and "b" are accepted now',
    ),
    Pair(
        "enum-removed",
        {**S, "enum": ["a", "b"]},
        S,
        "compatible",
        "breaking",
        "any string may now be produced",
    ),
    Pair(
        "minimum-loosened",
        {**INT, "minimum": 3},
        {**INT, "minimum": 1},
        "compatible",
        "breaking",
        "1 and 2 may now be produced",
    ),
    Pair(
        "items-type-changed",
        {"type": "array", "items": S},
        {"type": "array", "items": INT},
        "breaking",
        "breaking",
        '["a"] was valid, [1] was not',
    ),
    Pair(
        "contains-added",
        {"type": "array"},
        {"type": "array", "contains": S},
        "breaking",
        "compatible",
        "[] is rejected",
    ),
    Pair(
        "uniqueItems-added",
        {"type": "array"},
        {"type": "array", "uniqueItems": True},
        "breaking",
        "compatible",
        "[1, 1] is rejected",
    ),
    Pair(
        "recursive-leaf-changed",
        _tree("string"),
        _tree("integer"),
        "breaking",
        "breaking",
        "a change inside a recursive definition is found once, where it is used",
    ),
    Pair(
        "fan-out-leaf-changed",
        _fan_out(20, S),
        _fan_out(20, INT),
        "breaking",
        "breaking",
        "the leaf of a 2^20-path fan-out, found without inlining",
    ),
]
