"""Random draft-07 schemas, equivalence-preserving rewrites, and witness values.

The classifier's claims are checked the way independent checkers check them: values are
generated from both schemas and validated against both with `jsonschema`. A value the
old schema accepts and the new one rejects proves a request change is not compatible; a
value the new schema accepts and the old one rejects proves a response change is not.

Witnesses only count when they use declared properties (`declared_view`): pai-deps's
policy is that naming a new optional property in an open object breaks nobody, since no
caller or reader could rely on a property the schema did not name. Everything else is
plain set semantics.

(hypothesis-jsonschema 0.23.1, the current release, fails against hypothesis 6.170 with
`'many' object has no attribute 'more'`, so the generator here is our own and bounded.)
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import strategies as st
from jsonschema import Draft7Validator, FormatChecker
from jsonschema.validators import validator_for

NAMES = ("a", "b", "c")
# Patterns with strings that match and strings that do not.
PATTERNS: dict[str, tuple[list[str], list[str]]] = {
    "^a": (["a", "ab", "abc"], ["b", "", "ba"]),
    "b$": (["b", "ab", "bb"], ["a", "", "ba"]),
    "^[0-9]+$": (["1", "42"], ["", "a1", "1a"]),
    "^[ab]*$": (["", "a", "abba"], ["c", "abc"]),
}
# Formats jsonschema checks without optional packages.
FORMATS: dict[str, tuple[list[str], list[str]]] = {
    "email": (["a@b.c"], ["ab", ""]),
    "ipv4": (["127.0.0.1", "10.0.0.255"], ["1.2.3", "256.1.1.1"]),
    "date": (["2024-01-31", "2000-02-29"], ["2024-13-01", "x"]),
}
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.5, -1.5, 2.5]),
    st.sampled_from(["", "a", "b", "ab", "1"]),
)
_CHECKER = FormatChecker()


def valid(schema: Any, value: Any) -> bool:
    """Validation the way verify-output does it: the declared draft (else draft-07), formats."""
    cls = validator_for(schema, default=Draft7Validator)
    return bool(cls(schema, format_checker=_CHECKER).is_valid(value))


# --- random schemas -----------------------------------------------------------------------------


def _numeric(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    number = st.integers(-3, 3) if kind == "integer" else st.sampled_from([-2, -1, 0, 0.5, 1, 2])
    return st.fixed_dictionaries(
        {"type": st.just(kind)},
        optional={
            "minimum": number,
            "maximum": number,
            "exclusiveMinimum": number,
            "exclusiveMaximum": number,
            "multipleOf": st.sampled_from([1, 2, 3, 0.5]),
        },
    )


def _string() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"type": st.just("string")},
        optional={
            "minLength": st.integers(0, 3),
            "maxLength": st.integers(0, 4),
            "pattern": st.sampled_from(sorted(PATTERNS)),
            "format": st.sampled_from(sorted(FORMATS)),
        },
    )


LEAVES: st.SearchStrategy[Any] = st.one_of(
    _string(),
    _numeric("integer"),
    _numeric("number"),
    st.sampled_from([{"type": "null"}, {"type": "boolean"}, {}, True, False]),
    st.fixed_dictionaries(
        {"type": st.just(["string", "null"])}, optional={"maxLength": st.integers(0, 3)}
    ),
    st.lists(SCALARS, min_size=1, max_size=3, unique_by=json.dumps).map(lambda v: {"enum": v}),
    SCALARS.map(lambda v: {"const": v}),
)


def _object(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"type": st.just("object")},
        optional={
            "properties": st.dictionaries(st.sampled_from(NAMES), inner, max_size=3),
            "required": st.lists(st.sampled_from(NAMES), max_size=2, unique=True),
            "additionalProperties": st.one_of(st.booleans(), inner),
            "minProperties": st.integers(0, 2),
            "maxProperties": st.integers(0, 3),
            "dependencies": st.dictionaries(
                st.sampled_from(NAMES),
                st.lists(st.sampled_from(NAMES), min_size=1, max_size=2, unique=True),
                max_size=1,
            ),
        },
    )


def _array(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"type": st.just("array")},
        optional={
            "items": st.one_of(inner, st.lists(inner, min_size=1, max_size=2)),
            "minItems": st.integers(0, 2),
            "maxItems": st.integers(0, 3),
            "uniqueItems": st.booleans(),
            "contains": inner,
        },
    )


SCHEMAS: st.SearchStrategy[Any] = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        _object(inner),
        _array(inner),
        st.lists(inner, min_size=1, max_size=3).map(lambda b: {"anyOf": b}),
        st.lists(inner, min_size=1, max_size=3).map(lambda b: {"oneOf": b}),
        st.lists(inner, min_size=1, max_size=2).map(lambda b: {"allOf": b}),
        inner.map(lambda s: {"not": s}),
        st.tuples(inner, inner).map(lambda p: {"if": p[0], "then": p[1]}),
    ),
    max_leaves=8,
)


# --- mutations (a related new schema) --------------------------------------------------------


def positions(schema: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every subschema position of a schema we generated (inline, no refs)."""
    found = [path]
    if not isinstance(schema, dict):
        return found
    for key in ("properties",):
        for name, child in (schema.get(key) or {}).items():
            found += positions(child, (*path, key, name))
    for key in ("anyOf", "oneOf", "allOf"):
        for index, child in enumerate(schema.get(key) or []):
            found += positions(child, (*path, key, index))
    items = schema.get("items")
    if isinstance(items, list):
        for index, child in enumerate(items):
            found += positions(child, (*path, "items", index))
    elif items is not None:
        found += positions(items, (*path, "items"))
    for key in ("not", "if", "then", "contains", "additionalProperties"):
        if isinstance(schema.get(key), dict | bool) and not (
            key == "additionalProperties" and isinstance(schema[key], bool)
        ):
            found += positions(schema[key], (*path, key))
    return found


def get(schema: Any, path: tuple[Any, ...]) -> Any:
    for token in path:
        schema = schema[token]
    return schema


def put(schema: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = get(schema, path[:-1])
    parent[path[-1]] = value
    return schema


def _mutation(node: Any, draw: Any) -> Any:
    """One edit of one subschema (which may or may not change its meaning)."""
    choice = draw(st.integers(0, 11))
    node = copy.deepcopy(node)
    if choice == 0 or not isinstance(node, dict):
        return draw(LEAVES)
    if choice == 1:
        return {"anyOf": [node, draw(LEAVES)]}
    if choice == 2:
        return {"allOf": [node, draw(LEAVES)]}
    if choice == 3:
        key = draw(
            st.sampled_from(
                [
                    "minimum",
                    "maximum",
                    "exclusiveMinimum",
                    "minLength",
                    "maxLength",
                    "minItems",
                    "maxItems",
                    "minProperties",
                ]
            )
        )
        if key in node and draw(st.booleans()):
            del node[key]
        else:
            node[key] = draw(st.integers(0, 3))
        return node
    if choice == 4:
        node["type"] = draw(
            st.sampled_from(
                ["string", "integer", "number", "object", ["integer", "null"], ["string", "number"]]
            )
        )
        return node
    if choice == 5:
        values = [*node.get("enum", []), draw(SCALARS)]
        node["enum"] = list({json.dumps(v): v for v in values}.values())
        if draw(st.booleans()) and len(node["enum"]) > 1:
            node["enum"].pop(0)
        return node
    if choice == 6:
        required = set(node.get("required", []))
        required ^= {draw(st.sampled_from(NAMES))}
        node["required"] = sorted(required)
        return node
    if choice == 7:
        props = dict(node.get("properties", {}))
        name = draw(st.sampled_from(NAMES))
        if name in props and draw(st.booleans()):
            del props[name]
        else:
            props[name] = draw(LEAVES)
        node["properties"] = props
        return node
    if choice == 8:
        node["additionalProperties"] = draw(st.one_of(st.booleans(), LEAVES))
        return node
    if choice == 9:
        key = draw(st.sampled_from(["pattern", "format", "multipleOf", "uniqueItems", "not"]))
        value = {
            "pattern": st.sampled_from(sorted(PATTERNS)),
            "format": st.sampled_from(sorted(FORMATS)),
            "multipleOf": st.sampled_from([1, 2, 4, 0.5]),
            "uniqueItems": st.booleans(),
            "not": LEAVES,
        }[key]
        if key in node and draw(st.booleans()):
            del node[key]
        else:
            node[key] = draw(value)
        return node
    if choice == 10:
        return {"oneOf": [node, draw(LEAVES)]}
    return draw(SCHEMAS)


@st.composite
def related_pairs(draw: Any) -> tuple[Any, Any]:
    old = draw(SCHEMAS)
    new = copy.deepcopy(old)
    for _ in range(draw(st.integers(1, 2))):
        path = draw(st.sampled_from(positions(new)))
        new = put(new, path, _mutation(get(new, path), draw))
    return old, new


# --- equivalence-preserving rewrites ------------------------------------------------------------


def _rewrites(node: Any) -> list[str]:
    """The rewrites that apply to this node (each exact under draft-07)."""
    if not isinstance(node, dict):
        return ["bool-as-object"] if node is True else []
    found = ["metadata"]
    if isinstance(node.get("anyOf"), list) and len(node["anyOf"]) > 1:
        found.append("reorder-anyOf")
    if isinstance(node.get("oneOf"), list) and len(node["oneOf"]) > 1:
        found.append("reorder-oneOf")
    if isinstance(node.get("type"), list) and len(node["type"]) > 1:
        found += ["reorder-type", "type-list-as-anyOf"]
    if isinstance(node.get("type"), str):
        found.append("type-as-list")
    if isinstance(node.get("required"), list) and node["required"]:
        found.append("required-into-allOf")
    if node.get("type") == "integer" and isinstance(node.get("exclusiveMinimum"), int):
        found.append("integer-exclusive-minimum")
    if node.get("type") == "integer" and isinstance(node.get("exclusiveMaximum"), int):
        found.append("integer-exclusive-maximum")
    if node.get("additionalProperties") is True or "additionalProperties" not in node:
        found.append("additional-properties-empty")
    if "const" in node and "enum" not in node:
        found.append("const-as-enum")
    if isinstance(node.get("enum"), list) and len(node["enum"]) > 1:
        found.append("reorder-enum")
    if "$ref" not in node:
        found += ["extract-to-definitions", "wrap-in-allOf"]
    if _disjoint_types(node.get("oneOf")):
        found.append("disjoint-oneOf-as-anyOf")
    return found


def _disjoint_types(branches: Any) -> bool:
    if not isinstance(branches, list) or len(branches) < 2:
        return False
    kinds = []
    for branch in branches:
        if not isinstance(branch, dict) or not isinstance(branch.get("type"), str):
            return False
        if any(k in branch for k in ("anyOf", "oneOf", "allOf", "not", "if", "$ref")):
            return False
        kinds.append("number" if branch["type"] == "integer" else branch["type"])
    return len(set(kinds)) == len(kinds)


def rewrite(node: Any, name: str, root: dict[str, Any], counter: list[int]) -> Any:
    """`node` rewritten by `name` (`root` receives extracted definitions)."""
    if name == "bool-as-object":
        return {}
    node = copy.deepcopy(node)
    if name == "metadata":
        node.update({"title": "T", "description": "rewritten", "$comment": "c", "examples": [1]})
    elif name in ("reorder-anyOf", "reorder-oneOf"):
        key = name.split("-")[1]
        node[key] = list(reversed(node[key]))
    elif name == "reorder-type":
        node["type"] = list(reversed(node["type"]))
    elif name == "type-list-as-anyOf":
        node["anyOf"] = [{"type": t} for t in node.pop("type")]
    elif name == "type-as-list":
        node["type"] = [node["type"]]
    elif name == "required-into-allOf":
        node["allOf"] = [*node.get("allOf", []), {"required": node.pop("required")}]
    elif name == "integer-exclusive-minimum":
        node["minimum"] = max(node.pop("exclusiveMinimum") + 1, node.get("minimum", -(10**9)))
    elif name == "integer-exclusive-maximum":
        node["maximum"] = min(node.pop("exclusiveMaximum") - 1, node.get("maximum", 10**9))
    elif name == "additional-properties-empty":
        node["additionalProperties"] = {}
    elif name == "const-as-enum":
        node["enum"] = [node.pop("const")]
    elif name == "reorder-enum":
        node["enum"] = list(reversed(node["enum"]))
    elif name == "extract-to-definitions":
        counter[0] += 1
        key = f"d{counter[0]}"
        root.setdefault("definitions", {})[key] = node
        return {"$ref": f"#/definitions/{key}"}
    elif name == "wrap-in-allOf":
        return {"allOf": [node]}
    elif name == "disjoint-oneOf-as-anyOf":
        node["anyOf"] = node.pop("oneOf")
    return node


@st.composite
def equivalent_pairs(draw: Any) -> tuple[Any, Any, list[str]]:
    old = draw(SCHEMAS)
    new: Any = copy.deepcopy(old)
    applied: list[str] = []
    counter = [0]
    definitions: dict[str, Any] = {}
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(positions(new)))
        node = get(new, path)
        options = _rewrites(node)
        if isinstance(node, dict) and "anyOf" in node:
            options = [
                o for o in options if o not in ("type-list-as-anyOf", "disjoint-oneOf-as-anyOf")
            ]
        if not options:
            continue
        name = draw(st.sampled_from(options))
        holder: dict[str, Any] = {}
        new = put(new, path, rewrite(node, name, holder, counter))
        definitions.update(holder.get("definitions", {}))
        applied.append(name)
    if definitions:
        if not isinstance(new, dict):
            new = {"allOf": [new]}
        new["definitions"] = definitions
    return old, new, applied


# --- the declared view and witnesses ---------------------------------------------------------


def inline(schema: Any, root: Any | None = None, depth: int = 12) -> Any:
    """`schema` with its local `#/...` refs replaced by their targets (recursion cut off
    at `depth`, where anything is allowed: witnesses are shallower than that)."""
    root = schema if root is None else root
    if depth == 0:
        return {}
    if isinstance(schema, list):
        return [inline(item, root, depth) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if isinstance(schema.get("$ref"), str):
        target = root
        for token in schema["$ref"].lstrip("#").split("/")[1:]:
            target = target[token]
        return inline(target, root, depth - 1)
    return {
        key: value
        if key in ("enum", "const", "examples", "default")
        else inline(value, root, depth - 1)
        for key, value in schema.items()
        if key not in ("definitions", "$defs")
    }


def _in_place(schema: Any) -> list[dict[str, Any]]:
    """The schema objects that certainly apply to the same instance as `schema`: itself
    and its `allOf` branches. (Names inside `anyOf`, `oneOf`, `not` or `if` do not count
    as declared: a branch may be absorbed by another, or never apply.)"""
    if not isinstance(schema, dict):
        return []
    found = [schema]
    for branch in schema.get("allOf") or []:
        found += _in_place(branch)
    return found


def _applying(schema: Any) -> list[dict[str, Any]]:
    """Every schema object that may apply to the same instance (for `additionalProperties`)."""
    if not isinstance(schema, dict):
        return []
    found = [schema]
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(key) or []:
            found += _applying(branch)
    for key in ("then", "else"):
        found += _applying(schema.get(key))
    return found


def declared_view(schema: Any) -> Any:
    """`schema` restricted to objects whose keys it names (where undeclared keys are open)."""
    return _declare(inline(schema))


def _declare(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(out.get(key), list):
            out[key] = [_declare_inner(b) for b in out[key]]
    for key in ("then", "else", "not", "if"):
        if key in out:
            out[key] = _declare_inner(out[key])
    _descend(out)
    group = _in_place(schema)
    open_extra = any(
        isinstance(s.get("additionalProperties"), dict) and s["additionalProperties"] != {}
        for s in _applying(schema)
    )
    if open_extra:
        return out
    names = sorted(
        {n for s in group for n in (*(s.get("properties") or {}), *(s.get("required") or []))}
    )
    return {"allOf": [out, {"propertyNames": {"enum": names}}]}


def _declare_inner(schema: Any) -> Any:
    """Branches apply to the same instance: descend into their children only."""
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(out.get(key), list):
            out[key] = [_declare_inner(b) for b in out[key]]
    for key in ("then", "else", "not", "if"):
        if key in out:
            out[key] = _declare_inner(out[key])
    _descend(out)
    return out


def _descend(out: dict[str, Any]) -> None:
    if isinstance(out.get("properties"), dict):
        out["properties"] = {k: _declare(v) for k, v in out["properties"].items()}
    items = out.get("items")
    if isinstance(items, list):
        out["items"] = [_declare(i) for i in items]
    elif isinstance(items, dict):
        out["items"] = _declare(items)
    for key in ("contains", "additionalItems"):
        if isinstance(out.get(key), dict):
            out[key] = _declare(out[key])
    if isinstance(out.get("additionalProperties"), dict):
        out["additionalProperties"] = _declare(out["additionalProperties"])


def _harvest(schema: Any, numbers: set[float], strings: set[str], names: set[str]) -> None:
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in ("enum",) and isinstance(value, list):
                for v in value:
                    _harvest_value(v, numbers, strings)
            elif key in ("const", "default"):
                _harvest_value(value, numbers, strings)
            elif key in (
                "minimum",
                "maximum",
                "exclusiveMinimum",
                "exclusiveMaximum",
                "multipleOf",
            ):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    numbers.update(
                        {
                            value,
                            value - 1,
                            value + 1,
                            value - 0.5,
                            value + 0.5,
                            value * 2,
                            value * 3,
                        }
                    )
            elif key in ("minLength", "maxLength") and isinstance(value, int):
                strings.update({"a" * value, "a" * max(value - 1, 0), "a" * (value + 1)})
            elif key == "pattern" and value in PATTERNS:
                strings.update(PATTERNS[value][0] + PATTERNS[value][1])
            elif key == "format" and value in FORMATS:
                strings.update(FORMATS[value][0] + FORMATS[value][1])
            elif key in ("properties", "dependencies", "dependentRequired") and isinstance(
                value, dict
            ):
                names.update(value)
                _harvest(list(value.values()), numbers, strings, names)
            elif key == "required" and isinstance(value, list):
                names.update(v for v in value if isinstance(v, str))
            else:
                _harvest(value, numbers, strings, names)
    elif isinstance(schema, list):
        for item in schema:
            _harvest(item, numbers, strings, names)


def _harvest_value(value: Any, numbers: set[float], strings: set[str]) -> None:
    if isinstance(value, str):
        strings.add(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        numbers.add(value)


def _pools(old: Any, new: Any) -> tuple[list[Any], list[str], list[str]]:
    numbers: set[float] = {0, 1, -1, 2, 0.5, 3}
    strings: set[str] = {"", "a", "b", "ab"}
    names: set[str] = {*NAMES, "z"}
    _harvest(old, numbers, strings, names)
    _harvest(new, numbers, strings, names)
    return sorted(numbers, key=repr), sorted(strings), sorted(names)


def candidates(old: Any, new: Any, *, limit: int = 400) -> list[Any]:
    """A deterministic list of likely witnesses: every constant of both schemas, and
    one-level arrays and objects of them (bounded)."""
    numbers, strings, names = _pools(old, new)
    scalars: list[Any] = [None, True, False, *numbers, *strings]
    found: list[Any] = [*scalars, [], {}]
    found += [[value] for value in scalars]
    found += [{name: value} for name in names for value in scalars]
    return found[:limit]


def witnesses(old: Any, new: Any) -> st.SearchStrategy[Any]:
    """Values worth validating against both schemas: built from both schemas' constants,
    names and shapes, nested a few levels, scalars and objects at the top equally often."""
    numbers, strings, names = _pools(old, new)
    number = st.sampled_from(numbers)
    text = st.sampled_from(strings)
    scalars = st.one_of(st.none(), st.booleans(), number, number, text, text)
    keys = st.sampled_from(names)
    values = st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)
        ),
        max_leaves=5,
    )
    return st.one_of(
        scalars,
        st.lists(values, max_size=3),
        st.dictionaries(keys, values, max_size=4),
    )
