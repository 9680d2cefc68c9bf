"""Proving two canonical schemas disjoint: no value matches both.

What makes a `oneOf` the same as an `anyOf` (then it can be read as a union and
compared monotonically). Only proofs: a pair that is not proved disjoint stays a `oneOf`.
"""

from __future__ import annotations

from pai_deps.schemacompat.algebra import crossed
from pai_deps.schemacompat.ir import (
    ArrayFacet,
    Facet,
    Node,
    NumberFacet,
    ObjectFacet,
    StringFacet,
    number_admits,
    string_admits,
)

_MAX_DISJOINT_DEPTH = 3


def disjoint(a: Node, b: Node, depth: int = 0) -> bool:
    """True only when no value can match both (a proof, never a guess)."""
    if a.is_bottom or b.is_bottom:
        return True
    return all(
        _facets_disjoint(a.types[kind], b.types[kind], depth)
        for kind in a.types.keys() & b.types.keys()
    )


def _facets_disjoint(a: Facet, b: Facet, depth: int) -> bool:
    if a.enum is not None and b.enum is not None and not (a.enum.keys() & b.enum.keys()):
        return True
    if isinstance(a, NumberFacet) and isinstance(b, NumberFacet):
        return _numbers_disjoint(a, b)
    if isinstance(a, StringFacet) and isinstance(b, StringFacet):
        for one, other in ((a, b), (b, a)):
            if one.enum is not None and all(
                string_admits(other, v) is False for v in one.enum.values()
            ):
                return True
        return _lengths_apart(a.min_length, a.max_length, b.min_length, b.max_length)
    if isinstance(a, ArrayFacet) and isinstance(b, ArrayFacet):
        return _lengths_apart(a.min_items, a.max_items, b.min_items, b.max_items)
    if isinstance(a, ObjectFacet) and isinstance(b, ObjectFacet):
        return _objects_disjoint(a, b, depth)
    return False


def _numbers_disjoint(a: NumberFacet, b: NumberFacet) -> bool:
    for one, other in ((a, b), (b, a)):
        if one.enum is not None and not any(number_admits(other, v) for v in one.enum.values()):
            return True
    return crossed(a.lower, b.upper) or crossed(b.lower, a.upper)


def _lengths_apart(min_a: int, max_a: int | None, min_b: int, max_b: int | None) -> bool:
    return (max_a is not None and max_a < min_b) or (max_b is not None and max_b < min_a)


def _objects_disjoint(a: ObjectFacet, b: ObjectFacet, depth: int) -> bool:
    if depth >= _MAX_DISJOINT_DEPTH:
        return False
    if _lengths_apart(a.min_properties, a.max_properties, b.min_properties, b.max_properties):
        return True
    for name in sorted(a.required | b.required):
        one = a.schema_for(name) if (name in a.properties or not a.patterns) else None
        other = b.schema_for(name) if (name in b.properties or not b.patterns) else None
        both_required = name in a.required and name in b.required
        if (
            both_required
            and one is not None
            and other is not None
            and disjoint(one, other, depth + 1)
        ):
            return True
        # Required on one side, impossible on the other.
        if name in a.required and other is not None and other.is_bottom:
            return True
        if name in b.required and one is not None and one.is_bottom:
            return True
    return False
