"""Reading one schema object's type-specific keywords into its facets.

Mixed into `canon._Builder`: `type`, the numeric, string, array and object keywords,
`enum`/`const` spread over the facets of their values' types, and `unevaluated*` where
it means no more than `additionalProperties`/`items`. A keyword with a value of the
wrong shape is kept as written (an opaque conjunct) rather than guessed at.
"""

from __future__ import annotations

from typing import Any

from pai_deps.schemacompat.algebra import conj, fraction, number_value
from pai_deps.schemacompat.ir import (
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
    values_of,
)
from pai_deps.schemacompat.keywords import ARRAY_KEYS, NUMBER_KEYS, OBJECT_KEYS, STRING_KEYS


class TypeKeywords:
    """The per-type part of reading a schema object (see the module docstring)."""

    raw: dict[str, Any]
    facets: dict[str, Facet]
    extras: list[Extra]

    def sub(self, *tokens: str) -> Node:
        raise NotImplementedError

    def opaque(self, keyword: str) -> None:
        raise NotImplementedError

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
        if not isinstance(facet, NumberFacet) or not any(k in raw for k in NUMBER_KEYS):
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
        if not isinstance(facet, StringFacet) or not any(k in raw for k in STRING_KEYS):
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
        if "array" not in self.facets or not any(k in raw for k in ARRAY_KEYS):
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
        if "object" not in self.facets or not any(k in raw for k in OBJECT_KEYS):
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
