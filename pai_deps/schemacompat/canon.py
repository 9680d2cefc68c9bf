"""From a JSON Schema document to the canonical form (`ir`), once per location.

What the reader normalises, so equivalent spellings meet:

- `type` lists, `const` and `enum` become the per-type facets (`const` is a one-value
  enum; values that fail the other keywords are dropped);
- integer bounds become inclusive (`exclusiveMinimum: 0` is `minimum: 1`), and the
  draft-04 boolean `exclusiveMinimum` reads like the numeric one;
- `allOf` branches, `$ref` targets and their siblings (2019-09 and later) are merged
  into one node; `anyOf` of branches that split by type becomes one node, otherwise its
  branches are sorted and deduplicated; `oneOf` of provably disjoint branches is `anyOf`;
  `not` of plain types is the complementary type set;
- `additionalProperties: {}` is `true` is absent, `minLength: 0` is absent, and so on;
- annotations (`title`, `description`, `examples`, `$comment`, `$schema`, `$id`, ...)
  go to `notes`, compared only as cosmetic.

References are followed by location: each `$ref` target is read once and shared by every
place that uses it (a 2^20-path `$defs` fan-out is 20 nodes, not a million). A reference
back into a location still being read is a recursion and stays a `ref` extra.
"""

from __future__ import annotations

from typing import Any

from pai_deps.errors import PaiDepsError
from pai_deps.schemacompat.algebra import (
    BOTTOM,
    TOP,
    complement,
    conj,
    disj,
    disjoint,
    finish,
    fraction,
    like,
    number_value,
    with_notes,
)
from pai_deps.schemacompat.document import (
    Location,
    RefSite,
    SchemaDocument,
    pointer_of,
)
from pai_deps.schemacompat.ir import (
    FACETS,
    TYPES,
    ArrayFacet,
    Bound,
    Extra,
    Facet,
    Node,
    NumberFacet,
    ObjectFacet,
    StringFacet,
    json_type,
    node_key,
    values_of,
)

# Deeper than any schema JSON can nest when parsed; past it, a clean error.
MAX_DEPTH = 2500
# oneOf branches tested pairwise for disjointness up to this many.
_MAX_ONEOF_PROOF = 32

ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "examples",
        "$comment",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$schema",
        "$id",
        "id",
        "$anchor",
        "$dynamicAnchor",
        "$recursiveAnchor",
        "$vocabulary",
        "contentMediaType",
        "contentEncoding",
        "contentSchema",
        "discriminator",
    }
)
CONTAINERS = frozenset({"$defs", "definitions"})
_NUMBER_KEYS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_STRING_KEYS = ("minLength", "maxLength", "pattern", "format")
_ARRAY_KEYS = (
    "items",
    "prefixItems",
    "additionalItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "minContains",
    "maxContains",
)
_OBJECT_KEYS = (
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "propertyNames",
    "minProperties",
    "maxProperties",
    "dependentRequired",
    "dependentSchemas",
    "dependencies",
)
_COMBINATORS = ("allOf", "anyOf", "oneOf", "not", "if", "then", "else")
_IN_PLACE = ("allOf", "anyOf", "oneOf", "not", "if", "$ref", "$dynamicRef", "dependentSchemas")
_UNEVALUATED = ("unevaluatedProperties", "unevaluatedItems")
KNOWN = frozenset(
    {
        *ANNOTATIONS,
        *CONTAINERS,
        *_NUMBER_KEYS,
        *_STRING_KEYS,
        *_ARRAY_KEYS,
        *_OBJECT_KEYS,
        *_COMBINATORS,
        *_UNEVALUATED,
        "type",
        "enum",
        "const",
        "$ref",
    }
)


class SchemaTooComplexError(PaiDepsError):
    """Beyond the depth or the amount of work a comparison may take."""

    code = "schema_too_complex"


class Budget:
    """Work units shared by both sides of one comparison, so hostile input stays bounded."""

    def __init__(self, limit: int) -> None:
        self.left = limit
        self.limit = limit

    def spend(self, units: int = 1) -> None:
        self.left -= units
        if self.left < 0:
            raise SchemaTooComplexError(
                f"schema too complex to compare (more than {self.limit:,} steps)"
            )


def is_annotation(key: str) -> bool:
    return key in ANNOTATIONS or key.startswith("x-")


class Reader:
    """Reads one document into canonical nodes, memoised by location."""

    def __init__(self, document: SchemaDocument, *, tag: str, budget: Budget) -> None:
        self.document = document
        self.dialect = document.dialect
        self.tag = tag
        self.budget = budget
        self.memo: dict[Location, Node] = {}
        self.active: set[Location] = set()

    def root(self) -> Node:
        return self.at((), self.document.root, 0)

    def at(self, location: Location, raw: Any, depth: int) -> Node:
        found = self.memo.get(location)
        if found is not None:
            return found
        if location in self.active:
            return self._recursion(location)
        if depth > MAX_DEPTH:
            raise SchemaTooComplexError(f"schema nested more than {MAX_DEPTH} levels deep")
        self.budget.spend()
        self.active.add(location)
        try:
            node = self._read(location, raw, depth)
        finally:
            self.active.discard(location)
        self.memo[location] = node
        return node

    def _recursion(self, location: Location) -> Node:
        def target() -> Node:
            return self.memo[location]

        ref = Extra("ref", "$ref", value=pointer_of(location), target=target, tag=self.tag)
        return Node(dict(TOP.types), (ref,))

    def _read(self, location: Location, raw: Any, depth: int) -> Node:
        if raw is True:
            return TOP
        if raw is False:
            return BOTTOM
        if not isinstance(raw, dict):
            return _opaque("(schema)", raw)
        notes = {key: value for key, value in raw.items() if is_annotation(key)}
        target: Node | None = None
        ref = raw.get("$ref")
        if isinstance(ref, str):
            site = RefSite(location, "$ref", ref, self.document.base_at(location))
            target_raw, target_location = self.document.lookup(site)
            target = self.at(target_location, target_raw, depth + 1)
            siblings = [
                k for k in raw if k != "$ref" and not is_annotation(k) and k not in CONTAINERS
            ]
            if self.dialect.ref_overrides_siblings or not siblings:
                return with_notes(target, notes)
        node = _Builder(self, location, raw, depth).build(notes)
        return conj(node, target) if target is not None else node


class _Builder:
    """The keywords of one schema object, turned into a node."""

    def __init__(self, reader: Reader, location: Location, raw: dict[str, Any], depth: int):
        self.reader = reader
        self.location = location
        self.raw = raw
        self.depth = depth
        self.facets: dict[str, Facet] = {kind: FACETS[kind]() for kind in TYPES}
        self.extras: list[Extra] = []

    def sub(self, *tokens: str) -> Node:
        value: Any = self.raw
        for token in tokens:
            value = value[int(token)] if isinstance(value, list) else value[token]
        return self.reader.at((*self.location, *tokens), value, self.depth + 1)

    def opaque(self, keyword: str) -> None:
        self.extras.append(Extra("opaque", keyword, value=self.raw[keyword]))

    def build(self, notes: dict[str, Any]) -> Node:
        raw = self.raw
        entangled = False
        self._types()
        self._numbers()
        self._strings()
        self._arrays()
        self._objects()
        from_enum = self._values()
        for key in sorted(raw):
            if key not in KNOWN and not is_annotation(key):
                self.opaque(key)
        unevaluated = [key for key in _UNEVALUATED if key in raw]
        if unevaluated:
            if any(key in raw for key in _IN_PLACE):
                entangled = True
                for key in unevaluated:
                    self.opaque(key)
            else:
                self._unevaluated_alone()
        node = finish(Node(self.facets, tuple(self.extras), notes, entangled, from_enum, raw))
        return self._combinators(node)

    # -- per type ------------------------------------------------------------------------------

    def _types(self) -> None:
        if "type" not in self.raw:
            return
        value = self.raw["type"]
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            self.opaque("type")
            return
        if "any" in names:  # draft-03
            return
        unknown = [n for n in names if n not in TYPES and n != "integer"]
        if unknown:
            self.opaque("type")
            return
        allowed = {("number" if n == "integer" else n) for n in names}
        self.facets = {k: f for k, f in self.facets.items() if k in allowed}
        if "number" in self.facets and "integer" in names and "number" not in names:
            self.facets["number"] = NumberFacet(integer=True)

    def _numbers(self) -> None:
        raw = self.raw
        facet = self.facets.get("number")
        if not isinstance(facet, NumberFacet) or not any(k in raw for k in _NUMBER_KEYS):
            return
        lower, upper = facet.lower, facet.upper
        for key, is_lower in (("minimum", True), ("maximum", False)):
            if key not in raw:
                continue
            if not number_value(raw[key]):
                self.opaque(key)
                continue
            exclusive_key = "exclusiveMinimum" if is_lower else "exclusiveMaximum"
            old_style = raw.get(exclusive_key) is True  # draft-04
            bound = Bound(raw[key], old_style, key)  # a number: checked above
            lower, upper = _tighten(lower, upper, bound, is_lower)
        for key, is_lower in (("exclusiveMinimum", True), ("exclusiveMaximum", False)):
            value: Any = raw.get(key)
            if key not in raw or isinstance(value, bool):
                continue
            if not number_value(value):
                self.opaque(key)
                continue
            lower, upper = _tighten(lower, upper, Bound(value, True, key), is_lower)
        multiples = facet.multiples
        if "multipleOf" in raw:
            step = fraction(raw["multipleOf"]) if number_value(raw["multipleOf"]) else None
            if step is None:
                self.opaque("multipleOf")
            else:
                multiples = (*multiples, step)
        self.facets["number"] = NumberFacet(facet.integer, lower, upper, multiples)

    def _strings(self) -> None:
        raw = self.raw
        facet = self.facets.get("string")
        if not isinstance(facet, StringFacet) or not any(k in raw for k in _STRING_KEYS):
            return
        lengths = [_count(raw, key) for key in ("minLength", "maxLength")]
        for key, value in zip(("minLength", "maxLength"), lengths, strict=True):
            if key in raw and value is None:
                self.opaque(key)
        patterns = [raw["pattern"]] if isinstance(raw.get("pattern"), str) else []
        formats = [raw["format"]] if isinstance(raw.get("format"), str) else []
        for key, found in (("pattern", patterns), ("format", formats)):
            if key in raw and not found:
                self.opaque(key)
        self.facets["string"] = StringFacet(
            lengths[0] or 0, lengths[1], tuple(patterns), tuple(formats)
        )

    def _arrays(self) -> None:
        raw = self.raw
        if "array" not in self.facets or not any(k in raw for k in _ARRAY_KEYS):
            return
        prefix: tuple[Node, ...] = ()
        keyword = "prefixItems"
        rest: Node | None = None
        items = raw.get("items")
        if isinstance(raw.get("prefixItems"), list):
            prefix = tuple(self.sub("prefixItems", str(i)) for i in range(len(raw["prefixItems"])))
            if "items" in raw and not isinstance(items, list):
                rest = self.sub("items")
        elif "prefixItems" in raw:
            self.opaque("prefixItems")
        if isinstance(items, list) and not prefix:
            prefix, keyword = tuple(self.sub("items", str(i)) for i in range(len(items))), "items"
            if "additionalItems" in raw:
                rest = self.sub("additionalItems")
        elif "items" in raw and not isinstance(items, list) and rest is None:
            rest = self.sub("items")
        counts = {
            key: _count(raw, key) for key in ("minItems", "maxItems", "minContains", "maxContains")
        }
        for key, value in counts.items():
            if key in raw and value is None:
                self.opaque(key)
        contains = self.sub("contains") if "contains" in raw else None
        unique = raw.get("uniqueItems") is True
        self.facets["array"] = ArrayFacet(
            counts["minItems"] or 0,
            counts["maxItems"],
            unique,
            prefix,
            keyword,
            rest,
            contains,
            1 if counts["minContains"] is None else counts["minContains"],
            counts["maxContains"],
        )

    def _objects(self) -> None:
        raw = self.raw
        if "object" not in self.facets or not any(k in raw for k in _OBJECT_KEYS):
            return
        properties: dict[str, Node] = {}
        if isinstance(raw.get("properties"), dict):
            properties = {name: self.sub("properties", name) for name in raw["properties"]}
        elif "properties" in raw:
            self.opaque("properties")
        required = raw.get("required", [])
        if not (isinstance(required, list) and all(isinstance(n, str) for n in required)):
            self.opaque("required")
            required = []
        patterns: dict[str, Node] = {}
        if isinstance(raw.get("patternProperties"), dict):
            patterns = {p: self.sub("patternProperties", p) for p in raw["patternProperties"]}
        elif "patternProperties" in raw:
            self.opaque("patternProperties")
        additional = self.sub("additionalProperties") if "additionalProperties" in raw else None
        names = self.sub("propertyNames") if "propertyNames" in raw else None
        dependent_required, dependent_schemas = self._dependencies()
        counts = {key: _count(raw, key) for key in ("minProperties", "maxProperties")}
        for key, value in counts.items():
            if key in raw and value is None:
                self.opaque(key)
        self.facets["object"] = ObjectFacet(
            properties,
            frozenset(required),
            additional,
            patterns,
            names,
            counts["minProperties"] or 0,
            counts["maxProperties"],
            dependent_required,
            dependent_schemas,
        )

    def _dependencies(self) -> tuple[dict[str, frozenset[str]], dict[str, Node]]:
        raw = self.raw
        required: dict[str, frozenset[str]] = {}
        schemas: dict[str, Node] = {}
        for key in ("dependencies", "dependentRequired", "dependentSchemas"):
            value = raw.get(key)
            if key not in raw:
                continue
            if not isinstance(value, dict):
                self.opaque(key)
                continue
            for name, entry in value.items():
                if isinstance(entry, list) and key != "dependentSchemas":
                    if all(isinstance(n, str) for n in entry):
                        required[name] = required.get(name, frozenset()) | frozenset(entry)
                        continue
                elif isinstance(entry, dict | bool) and key != "dependentRequired":
                    node = self.sub(key, name)
                    schemas[name] = conj(schemas[name], node) if name in schemas else node
                    continue
                self.extras.append(Extra("opaque", f"{key}/{name}", value=entry))
        return required, schemas

    def _values(self) -> str:
        """`enum` and `const`, spread over the facets of their values' types."""
        raw = self.raw
        lists: list[list[Any]] = []
        if "enum" in raw:
            if isinstance(raw["enum"], list):
                lists.append(raw["enum"])
            else:
                self.opaque("enum")
        if "const" in raw:
            lists.append([raw["const"]])
        if not lists:
            return ""
        for values in lists:
            by_type: dict[str, list[Any]] = {}
            for value in values:
                by_type.setdefault(json_type(value), []).append(value)
            kept: dict[str, Facet] = {}
            for kind, facet in self.facets.items():
                if kind in by_type:
                    allowed = values_of(by_type[kind])
                    if facet.enum is not None:
                        allowed = {k: v for k, v in facet.enum.items() if k in allowed}
                    kept[kind] = _with_enum(facet, allowed)
            self.facets = kept
        return "const" if "enum" not in raw else "enum"

    def _unevaluated_alone(self) -> None:
        """Without in-place applicators `unevaluated*` is `additionalProperties`/`items`."""
        raw = self.raw
        facet = self.facets.get("object")
        if (
            "unevaluatedProperties" in raw
            and "additionalProperties" not in raw
            and isinstance(facet, ObjectFacet)
        ):
            self.facets["object"] = _replace(facet, additional=self.sub("unevaluatedProperties"))
        array = self.facets.get("array")
        if "unevaluatedItems" in raw and isinstance(array, ArrayFacet):
            has_rest = "items" in raw and not isinstance(raw["items"], list)
            if not has_rest and not (
                "additionalItems" in raw and isinstance(raw.get("items"), list)
            ):
                self.facets["array"] = _replace(array, items=self.sub("unevaluatedItems"))

    # -- combinators ----------------------------------------------------------------------------

    def _combinators(self, node: Node) -> Node:
        raw = self.raw
        if isinstance(raw.get("allOf"), list):
            for index in range(len(raw["allOf"])):
                node = conj(node, self.sub("allOf", str(index)))
        elif "allOf" in raw:
            node = _add(node, Extra("opaque", "allOf", value=raw["allOf"]))
        for key in ("anyOf", "oneOf"):
            if key in raw:
                node = self._union(node, key)
        if "not" in raw:
            negated = self.sub("not")
            opposite = complement(negated)
            node = (
                conj(node, opposite)
                if opposite is not None
                else _add(node, Extra("not", "not", (negated,)))
            )
        if "if" in raw:
            condition = self.sub("if")
            then = self.sub("then") if "then" in raw else None
            otherwise = self.sub("else") if "else" in raw else None
            if then is not None or otherwise is not None:
                if condition.is_top:
                    node = conj(node, then) if then is not None else node
                elif condition.is_bottom:
                    node = conj(node, otherwise) if otherwise is not None else node
                else:
                    node = _add(node, Extra("if", "if", (condition, then, otherwise)))
        return node

    def _union(self, node: Node, key: str) -> Node:
        value = self.raw[key]
        if not isinstance(value, list) or not value:
            return _add(node, Extra("opaque", key, value=value))
        branches = [(index, self.sub(key, str(index))) for index in range(len(value))]
        self.reader.budget.spend(len(branches))
        alive = [(i, b) for i, b in branches if not b.is_bottom]
        as_any = key == "anyOf" or _pairwise_disjoint([b for _, b in alive])
        if as_any:
            united = disj([b for _, b in alive])
            if united is not None:
                return conj(node, united)
        unique: dict[str, tuple[int, Node]] = {}
        for index, branch in alive:
            unique.setdefault(node_key(branch), (index, branch))
        if key == "oneOf" and len(unique) != len(alive):
            # A value matching a duplicated branch matches two: keep it as written.
            unique = {f"{i}": (i, b) for i, b in alive}
        if not unique:
            return BOTTOM
        ordered = sorted(unique.items())
        return _add(
            node,
            Extra(
                "anyOf" if as_any else "oneOf",
                key,
                tuple(b for _, (_, b) in ordered),
                tuple(i for _, (i, _) in ordered),
            ),
        )


def _pairwise_disjoint(branches: list[Node]) -> bool:
    if len(branches) > _MAX_ONEOF_PROOF:
        return False
    return all(disjoint(a, b) for i, a in enumerate(branches) for b in branches[i + 1 :])


def _add(node: Node, extra: Extra) -> Node:
    if node.is_bottom:
        return node
    return like(node, extras=(*node.extras, extra))


def _opaque(keyword: str, value: Any) -> Node:
    return Node(dict(TOP.types), (Extra("opaque", keyword, value=value),))


def _tighten(
    lower: Bound | None, upper: Bound | None, bound: Bound, is_lower: bool
) -> tuple[Bound | None, Bound | None]:
    from pai_deps.schemacompat.algebra import _tighter

    if is_lower:
        return _tighter(lower, bound, lower=True), upper
    return lower, _tighter(upper, bound, lower=False)


def _count(raw: dict[str, Any], key: str) -> int | None:
    """A non-negative integer keyword (1.0 counts as 1), or None."""
    value: Any = raw.get(key)
    if number_value(value) and float(value).is_integer() and value >= 0:
        return int(value)
    return None


def _with_enum(facet: Facet, values: dict[str, Any]) -> Facet:
    from dataclasses import replace

    return replace(facet, enum=values)


def _replace(facet: Any, **changes: Any) -> Any:
    from dataclasses import replace

    return replace(facet, **changes)


__all__ = ["MAX_DEPTH", "Budget", "Reader", "SchemaTooComplexError", "is_annotation"]
