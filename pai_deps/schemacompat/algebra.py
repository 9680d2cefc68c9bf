"""Schema algebra on the canonical form: tidy a node, intersect two, unite several.

Every function here is exact (the result admits precisely the values the JSON Schema
semantics say) or declines: `conj_facet` and `disj` return None when the result cannot be
written as facets, and the caller keeps the pieces as an `Extra` instead. Nothing is
mutated: nodes and facets are shared between many places once built.
"""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction
from typing import Any

from pai_deps.schemacompat.ir import (
    FACETS,
    TYPES,
    ArrayFacet,
    BooleanFacet,
    Bound,
    Extra,
    Facet,
    Node,
    NullFacet,
    NumberFacet,
    ObjectFacet,
    StringFacet,
    Values,
    is_full,
    json_type,
    node_key,
    number_admits,
    string_admits,
)

TOP = Node({kind: FACETS[kind]() for kind in TYPES})
BOTTOM = Node({})


def like(node: Node, **changes: Any) -> Node:
    """A copy of `node` with some fields changed (its caches dropped)."""
    return replace(node, key_cache=None, deep_cache=None, **changes)


def with_notes(node: Node, notes: dict[str, Any]) -> Node:
    """The same schema with annotations laid over its own (shares everything else)."""
    if not notes:
        return node
    return like(node, notes={**node.notes, **notes})


def finish(node: Node) -> Node:
    """Drop the types no value can have; a node admitting nothing keeps no extras."""
    types: dict[str, Facet] = {}
    for kind, facet in node.types.items():
        tidy = finish_facet(kind, facet)
        if tidy is not None:
            types[kind] = tidy
    if not types:
        return like(node, types={}, extras=(), entangled=False)
    return like(node, types=types)


def finish_facet(kind: str, facet: Facet) -> Facet | None:
    """The facet in canonical form, or None when no value of the type passes it."""
    if isinstance(facet, NumberFacet):
        return _finish_number(facet)
    if isinstance(facet, StringFacet):
        return _finish_string(facet)
    if isinstance(facet, ArrayFacet):
        return _finish_array(facet)
    if isinstance(facet, ObjectFacet):
        return _finish_object(facet)
    if isinstance(facet, BooleanFacet):
        if facet.enum is not None and not facet.enum:
            return None
        return BooleanFacet(None if facet.enum is not None and len(facet.enum) == 2 else facet.enum)
    if facet.enum is not None and not facet.enum:
        return None
    return NullFacet()


def _finish_number(facet: NumberFacet) -> NumberFacet | None:
    integer = facet.integer or any(m.denominator == 1 for m in facet.multiples)
    multiples = tuple(sorted(set(facet.multiples)))
    if integer:  # every integer is a multiple of 1/k
        multiples = tuple(m for m in multiples if m.numerator != 1)
    lower, upper = facet.lower, facet.upper
    if integer:
        lower, upper = _integer_bound(lower, up=True), _integer_bound(upper, up=False)
    tidy = NumberFacet(integer, lower, upper, multiples, facet.enum)
    if crossed(lower, upper):
        return None
    if tidy.enum is not None:
        kept = {k: v for k, v in tidy.enum.items() if number_admits(tidy, v)}
        return NumberFacet(enum=kept) if kept else None
    return tidy


def crossed(low: Bound | None, high: Bound | None) -> bool:
    """No number lies between a lower and an upper bound."""
    if low is None or high is None:
        return False
    return low.value > high.value or (low.value == high.value and (low.exclusive or high.exclusive))


def _integer_bound(bound: Bound | None, *, up: bool) -> Bound | None:
    """For integers `exclusiveMinimum: 0` is `minimum: 1`: bounds become inclusive integers."""
    if bound is None or not math.isfinite(bound.value):
        return bound
    value = bound.value
    if up:
        whole = math.floor(value) + 1 if bound.exclusive else math.ceil(value)
    else:
        whole = math.ceil(value) - 1 if bound.exclusive else math.floor(value)
    return Bound(whole, False, bound.keyword)


def _finish_string(facet: StringFacet) -> StringFacet | None:
    if facet.max_length is not None and facet.min_length > facet.max_length:
        return None
    tidy = replace(
        facet,
        patterns=tuple(sorted(set(facet.patterns))),
        formats=tuple(sorted(set(facet.formats))),
    )
    if tidy.enum is None:
        return tidy
    kept = {k: v for k, v in tidy.enum.items() if string_admits(tidy, v) is not False}
    if not kept:
        return None
    # The lengths are now decided for every value; patterns and formats cannot be here.
    return StringFacet(patterns=tidy.patterns, formats=tidy.formats, enum=kept)


def _finish_array(facet: ArrayFacet) -> ArrayFacet | None:
    items = None if facet.items is not None and facet.items.is_top else facet.items
    prefix = list(facet.prefix)
    min_items, max_items = facet.min_items, facet.max_items
    contains, min_contains = facet.contains, facet.min_contains
    if items is not None and items.is_bottom:
        max_items = len(prefix) if max_items is None else min(max_items, len(prefix))
    if max_items is not None:
        if min_items > max_items:
            return None
        del prefix[max_items:]
    for index, item in enumerate(prefix):
        if item.is_bottom:  # no value can stand at this index: the array is shorter
            if index < min_items:
                return None
            max_items = index if max_items is None else min(max_items, index)
            del prefix[index:]
            break
    while prefix and node_key(prefix[-1]) == node_key(items):
        prefix.pop()
    if contains is not None:
        if contains.is_bottom and min_contains > 0:  # a required match nothing can be
            return None
        contains, min_items = _finish_contains(facet, contains, min_items)
    if facet.enum is not None and not facet.enum:
        return None
    return ArrayFacet(
        min_items,
        max_items,
        facet.unique,
        tuple(prefix),
        facet.prefix_keyword,
        items,
        contains,
        min_contains if contains is not None else 1,
        facet.max_contains if contains is not None else None,
        facet.enum,
    )


def _finish_contains(facet: ArrayFacet, contains: Node, min_items: int) -> tuple[Node | None, int]:
    """`contains` once it is decided: dropped when it asks nothing (no lower count, or no
    value can match and none needs to), folded into `minItems` when every item matches."""
    if facet.max_contains is None and facet.min_contains <= 0:
        return None, min_items
    if contains.is_bottom:
        return None, min_items
    if contains.is_top and facet.max_contains is None:
        return None, max(min_items, facet.min_contains)
    return contains, min_items


def _finish_object(facet: ObjectFacet) -> ObjectFacet | None:
    additional = facet.additional
    if additional is not None and additional.is_top:
        additional = None
    names = None if facet.names is not None and facet.names.is_top else facet.names
    dependent_required = {k: v for k, v in facet.dependent_required.items() if v}
    dependent_schemas = {k: v for k, v in facet.dependent_schemas.items() if not v.is_top}
    tidy = ObjectFacet(
        facet.properties,
        facet.required,
        additional,
        facet.patterns,
        names,
        facet.min_properties,
        facet.max_properties,
        dependent_required,
        dependent_schemas,
        facet.enum,
    )
    if facet.enum is not None and not facet.enum:
        return None
    if tidy.max_properties is not None and (
        tidy.min_properties > tidy.max_properties or len(tidy.required) > tidy.max_properties
    ):
        return None
    for name in tidy.required:
        if name in tidy.properties or not tidy.patterns:
            schema = tidy.schema_for(name)
            if schema is not None and schema.is_bottom:
                return None
    return tidy


# --- intersection ----------------------------------------------------------------------------


def conj(a: Node, b: Node) -> Node:
    """Both schemas at once (allOf), with `a`'s annotations winning."""
    notes = {**b.notes, **a.notes}
    if a is b or node_key(a) == node_key(b):
        return with_notes(a, notes) if notes != a.notes else a
    if a.is_bottom or b.is_bottom:
        return like(a, types={}, extras=(), notes=notes, entangled=False)
    if b.is_top:
        return with_notes(a, notes)
    if a.is_top:
        return with_notes(b, notes)
    types: dict[str, Facet] = {}
    for kind in a.types.keys() & b.types.keys():
        merged = conj_facet(a.types[kind], b.types[kind])
        if merged is None:  # not expressible as one facet: keep `b` as a conjunct
            extras = _unique((*a.extras, Extra("allOf", "allOf", (b,))))
            return finish(like(a, extras=extras, notes=notes))
        types[kind] = merged
    extras = _unique((*a.extras, *b.extras))
    node = like(
        a,
        types=types,
        extras=extras,
        notes=notes,
        entangled=a.entangled or b.entangled,
        from_enum=a.from_enum or b.from_enum,
    )
    return finish(node)


def conj_opt(a: Node | None, b: Node | None) -> Node | None:
    """`conj` where None means "anything"."""
    if a is None:
        return b
    if b is None:
        return a
    return conj(a, b)


def _unique(extras: tuple[Extra, ...]) -> tuple[Extra, ...]:
    from pai_deps.schemacompat.ir import extra_key

    seen: dict[str, Extra] = {}
    for extra in extras:
        seen.setdefault(extra_key(extra), extra)
    return tuple(seen[key] for key in sorted(seen))


def _enum_and(a: Values | None, b: Values | None) -> Values | None:
    if a is None:
        return b
    if b is None:
        return a
    return {k: v for k, v in a.items() if k in b}


def _tighter(a: Bound | None, b: Bound | None, *, lower: bool) -> Bound | None:
    if a is None:
        return b
    if b is None:
        return a
    if a.value == b.value:
        return a if a.exclusive or not b.exclusive else b
    return (a if a.value > b.value else b) if lower else (a if a.value < b.value else b)


def conj_facet(a: Facet, b: Facet) -> Facet | None:
    """Both facets of one type at once; None when that needs more than one facet."""
    if isinstance(a, NumberFacet) and isinstance(b, NumberFacet):
        return NumberFacet(
            a.integer or b.integer,
            _tighter(a.lower, b.lower, lower=True),
            _tighter(a.upper, b.upper, lower=False),
            tuple(sorted({*a.multiples, *b.multiples})),
            _enum_and(a.enum, b.enum),
        )
    if isinstance(a, StringFacet) and isinstance(b, StringFacet):
        maxima = [m for m in (a.max_length, b.max_length) if m is not None]
        return StringFacet(
            max(a.min_length, b.min_length),
            min(maxima) if maxima else None,
            tuple(sorted({*a.patterns, *b.patterns})),
            tuple(sorted({*a.formats, *b.formats})),
            _enum_and(a.enum, b.enum),
        )
    if isinstance(a, ArrayFacet) and isinstance(b, ArrayFacet):
        return _conj_array(a, b)
    if isinstance(a, ObjectFacet) and isinstance(b, ObjectFacet):
        return _conj_object(a, b)
    if isinstance(a, BooleanFacet) and isinstance(b, BooleanFacet):
        return BooleanFacet(_enum_and(a.enum, b.enum))
    return NullFacet()


def _conj_array(a: ArrayFacet, b: ArrayFacet) -> ArrayFacet | None:
    both = a.contains is not None and b.contains is not None
    if both and (node_key(a.contains), a.min_contains, a.max_contains) != (
        node_key(b.contains),
        b.min_contains,
        b.max_contains,
    ):
        return None
    length = max(len(a.prefix), len(b.prefix))
    prefix = tuple(conj_opt(a.item(i), b.item(i)) or TOP for i in range(length))
    maxima = [m for m in (a.max_items, b.max_items) if m is not None]
    source = a if a.contains is not None else b
    return ArrayFacet(
        max(a.min_items, b.min_items),
        min(maxima) if maxima else None,
        a.unique or b.unique,
        prefix,
        a.prefix_keyword if a.prefix else b.prefix_keyword,
        conj_opt(a.items, b.items),
        source.contains,
        source.min_contains,
        source.max_contains,
        _enum_and(a.enum, b.enum),
    )


def _conj_object(a: ObjectFacet, b: ObjectFacet) -> ObjectFacet | None:
    # `additionalProperties` only sees its own object's names, so patterns on one side and
    # names or an additionalProperties schema on the other cannot be merged exactly.
    def open_only(facet: ObjectFacet) -> bool:
        return not facet.properties and facet.additional is None

    mixed = (a.patterns and not open_only(b)) or (b.patterns and not open_only(a))
    if mixed and (a.patterns != b.patterns or a.additional is not b.additional):
        return None
    names = a.properties.keys() | b.properties.keys()
    properties = {
        name: conj_opt(a.schema_for(name), b.schema_for(name)) or TOP for name in sorted(names)
    }
    patterns = {
        p: conj_opt(a.patterns.get(p), b.patterns.get(p)) or TOP
        for p in sorted(a.patterns.keys() | b.patterns.keys())
    }
    dependent_required = {
        k: a.dependent_required.get(k, frozenset()) | b.dependent_required.get(k, frozenset())
        for k in a.dependent_required.keys() | b.dependent_required.keys()
    }
    dependent_schemas = {
        k: conj_opt(a.dependent_schemas.get(k), b.dependent_schemas.get(k)) or TOP
        for k in a.dependent_schemas.keys() | b.dependent_schemas.keys()
    }
    maxima = [m for m in (a.max_properties, b.max_properties) if m is not None]
    return ObjectFacet(
        properties,
        a.required | b.required,
        conj_opt(a.additional, b.additional),
        patterns,
        conj_opt(a.names, b.names),
        max(a.min_properties, b.min_properties),
        min(maxima) if maxima else None,
        dependent_required,
        dependent_schemas,
        _enum_and(a.enum, b.enum),
    )


# --- union --------------------------------------------------------------------------------------


def enum_only(kind: str, facet: Facet) -> bool:
    return facet.enum is not None and is_full(kind, replace(facet, enum=None))


def disj(nodes: list[Node]) -> Node | None:
    """anyOf as one node when each type's branches agree, are unconstrained or are enums."""
    alive = [node for node in nodes if not node.is_bottom]
    if not alive:
        return BOTTOM
    if len(alive) == 1:
        return alive[0]
    if any(node.is_top for node in alive):
        return TOP
    if any(node.extras or node.entangled for node in alive):
        return None
    types: dict[str, Facet] = {}
    for kind in TYPES:
        facets = [node.types[kind] for node in alive if kind in node.types]
        if not facets:
            continue
        united = _unite(kind, facets)
        if united is None:
            return None
        types[kind] = united
    from_enum = alive[0].from_enum if all(node.from_enum for node in alive) else ""
    return finish(Node(types, from_enum=from_enum))


def _unite(kind: str, facets: list[Facet]) -> Facet | None:
    from pai_deps.schemacompat.ir import facet_key

    if len({facet_key(kind, facet) for facet in facets}) == 1:
        return facets[0]
    if any(is_full(kind, facet) for facet in facets):
        return FACETS[kind]()
    if all(enum_only(kind, facet) for facet in facets):
        values: Values = {}
        for facet in facets:
            values.update(facet.enum or {})
        return replace(facets[0], enum=values)
    return None


def complement(node: Node) -> Node | None:
    """`not`, when the node is a plain set of types (or nothing, or everything)."""
    if node.is_bottom:
        return TOP
    if node.is_top:
        return BOTTOM
    if node.entangled:
        return None
    if len(node.extras) == 1 and node.extras[0].kind == "not" and node.is_top_facets:
        negated = node.extras[0].nodes[0]
        return negated if negated is not None else BOTTOM  # not(not(x)) is x
    if node.extras or not all(is_full(kind, facet) for kind, facet in node.types.items()):
        return None
    return Node({kind: FACETS[kind]() for kind in TYPES if kind not in node.types})


def number_value(value: Any) -> bool:
    """A JSON number (not a boolean, not infinite)."""
    return json_type(value) == "number" and math.isfinite(value)


def fraction(value: int | float) -> Fraction | None:
    from pai_deps.schemacompat.ir import as_fraction

    try:
        result = as_fraction(value)
    except (ValueError, OverflowError):
        return None
    return result if result > 0 else None
