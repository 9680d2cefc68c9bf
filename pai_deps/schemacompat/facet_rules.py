"""How each facet is compared: bounds, enums, patterns and formats, items, properties.

Mixed into `compare.Comparer`, which supplies `emit` (record a finding) and `node`
(compare two subschemas, memoised); see `compare` for why walking both schemas in step
finds every difference.
"""

from __future__ import annotations

from typing import Any

from pai_deps.schemacompat.algebra import enum_only
from pai_deps.schemacompat.document import shown
from pai_deps.schemacompat.effects import (
    NARROW,
    UNKNOWN,
    WIDEN,
    Context,
    join,
)
from pai_deps.schemacompat.ir import (
    ArrayFacet,
    BooleanFacet,
    Bound,
    Facet,
    Node,
    NumberFacet,
    ObjectFacet,
    StringFacet,
    Values,
    is_full,
    number_admits,
    string_admits,
)
from pai_deps.schemacompat.object_rules import ObjectRules
from pai_deps.schemas import normalise

# Formats whose valid strings are a subset of another's (RFC 3986/3987, RFC 5321/6531).
_FORMAT_SUBSETS = {
    ("email", "idn-email"),
    ("hostname", "idn-hostname"),
    ("uri", "iri"),
    ("uri", "uri-reference"),
    ("uri", "iri-reference"),
    ("iri", "iri-reference"),
    ("uri-reference", "iri-reference"),
}


def _bound_text(bound: Bound | None) -> str:
    return "none" if bound is None else f"{bound.keyword} {normalise(bound.value)}"


def _list(values: Values) -> str:
    text = normalise(list(values.values()))
    return text if len(text) <= 60 else text[:57] + "..."


class FacetRules(ObjectRules):
    """The facet comparisons of `compare.Comparer` (objects: `object_rules`)."""

    def facet(
        self, old: Facet, new: Facet, pointer: str, ctx: Context, old_node: Node, new_node: Node
    ) -> None:
        self.enum(old, new, pointer, ctx, old_node, new_node)
        if isinstance(old, NumberFacet) and isinstance(new, NumberFacet):
            self.number(old, new, pointer, ctx)
        elif isinstance(old, StringFacet) and isinstance(new, StringFacet):
            self.string(old, new, pointer, ctx)
        elif isinstance(old, ArrayFacet) and isinstance(new, ArrayFacet):
            self.array(old, new, pointer, ctx)
        elif isinstance(old, ObjectFacet) and isinstance(new, ObjectFacet):
            self.object(old, new, pointer, ctx)

    def enum(
        self, old: Facet, new: Facet, pointer: str, ctx: Context, old_node: Node, new_node: Node
    ) -> None:
        before, after = old.enum, new.enum
        if before is None and after is None:
            return
        at = join(pointer, new_node.from_enum or old_node.from_enum or "enum")
        if before is not None and after is not None:
            added = {k: v for k, v in after.items() if k not in before}
            removed = {k: v for k, v in before.items() if k not in after}
            if added:
                self.values_added(added, pointer, ctx, new_node)
            if removed:
                self.values_removed(removed, pointer, ctx, old_node)
            return
        if before is None:
            assert after is not None
            effects = {NARROW, *_outside(old, after)}
            self.emit(
                ctx,
                at,
                "enum-added",
                frozenset(effects),
                f"values restricted to {_list(after)}",
                None,
                list(after.values()),
            )
        else:
            effects = {WIDEN, *_outside(new, before, narrowing=True)}
            self.emit(
                ctx,
                at,
                "enum-removed",
                frozenset(effects),
                "values no longer restricted",
                list(before.values()),
                None,
            )

    def bound(
        self, old: Bound | None, new: Bound | None, pointer: str, ctx: Context, *, lower: bool
    ) -> None:
        if old == new or (
            old is not None
            and new is not None
            and (old.value, old.exclusive) == (new.value, new.exclusive)
        ):
            return
        if old is None:
            tighter = True
        elif new is None:
            tighter = False
        elif old.value == new.value:
            tighter = new.exclusive
        else:
            tighter = (new.value > old.value) == lower
        shown_bound = new if new is not None else old
        keyword = shown_bound.keyword if shown_bound is not None else "bound"
        self.emit(
            ctx,
            join(pointer, keyword),
            "constraint-tightened" if tighter else "constraint-loosened",
            frozenset({NARROW if tighter else WIDEN}),
            f"{_bound_text(old)} -> {_bound_text(new)}",
            None if old is None else old.value,
            None if new is None else new.value,
        )

    def count(
        self,
        old: int | None,
        new: int | None,
        keyword: str,
        pointer: str,
        ctx: Context,
        *,
        lower: bool,
    ) -> None:
        if old == new:
            return
        before = None if old is None else Bound(old, False, keyword)
        after = None if new is None else Bound(new, False, keyword)
        self.bound(before, after, pointer, ctx, lower=lower)

    def number(self, old: NumberFacet, new: NumberFacet, pointer: str, ctx: Context) -> None:
        if old.integer != new.integer:
            widened = old.integer
            self.emit(
                ctx,
                join(pointer, "type"),
                "type-widened" if widened else "type-narrowed",
                frozenset({WIDEN if widened else NARROW}),
                "type "
                + (
                    "widened from integer to number"
                    if widened
                    else "narrowed from number to integer"
                ),
            )
        self.bound(old.lower, new.lower, pointer, ctx, lower=True)
        self.bound(old.upper, new.upper, pointer, ctx, lower=False)
        if old.multiples != new.multiples:
            # A step is implied by the other side when one of its steps is a multiple of it.
            effects: set[str] = set()
            for step in new.multiples:
                if not any((was / step).denominator == 1 for was in old.multiples):
                    effects.add(NARROW)
            for was in old.multiples:
                if not any((step / was).denominator == 1 for step in new.multiples):
                    effects.add(WIDEN)
            if not effects:
                effects.add(NARROW)
            kind = (
                "constraint-changed"
                if len(effects) == 2
                else ("constraint-tightened" if NARROW in effects else "constraint-loosened")
            )
            self.emit(
                ctx,
                join(pointer, "multipleOf"),
                kind,
                frozenset(effects),
                f"multipleOf {_steps(old.multiples)} -> {_steps(new.multiples)}",
                _steps_json(old.multiples),
                _steps_json(new.multiples),
            )

    def string(self, old: StringFacet, new: StringFacet, pointer: str, ctx: Context) -> None:
        self.count(
            old.min_length or None, new.min_length or None, "minLength", pointer, ctx, lower=True
        )
        self.count(old.max_length, new.max_length, "maxLength", pointer, ctx, lower=False)
        self._restrictions("pattern", old.patterns, new.patterns, pointer, ctx)
        self._restrictions("format", old.formats, new.formats, pointer, ctx)

    def _restrictions(
        self, keyword: str, old: tuple[str, ...], new: tuple[str, ...], pointer: str, ctx: Context
    ) -> None:
        added = [v for v in new if v not in old]
        removed = [v for v in old if v not in new]
        at = join(pointer, keyword)
        if len(added) == 1 and len(removed) == 1:
            was, now = removed[0], added[0]
            if keyword == "format" and (was, now) in _FORMAT_SUBSETS:
                effects = frozenset({WIDEN})
            elif keyword == "format" and (now, was) in _FORMAT_SUBSETS:
                effects = frozenset({NARROW})
            else:
                effects = frozenset({UNKNOWN})
            self.emit(
                ctx,
                at,
                "constraint-changed",
                effects,
                f"{keyword} changed from {shown(was)} to {shown(now)}",
                was,
                now,
            )
            return
        for value in added:
            self.emit(
                ctx,
                at,
                "constraint-tightened",
                frozenset({NARROW}),
                f"{keyword} {shown(value)} added",
                None,
                value,
            )
        for value in removed:
            self.emit(
                ctx,
                at,
                "constraint-loosened",
                frozenset({WIDEN}),
                f"{keyword} {shown(value)} removed",
                value,
                None,
            )

    def array(self, old: ArrayFacet, new: ArrayFacet, pointer: str, ctx: Context) -> None:
        self.count(
            old.min_items or None, new.min_items or None, "minItems", pointer, ctx, lower=True
        )
        self.count(old.max_items, new.max_items, "maxItems", pointer, ctx, lower=False)
        if old.unique != new.unique:
            self.emit(
                ctx,
                join(pointer, "uniqueItems"),
                "constraint-tightened" if new.unique else "constraint-loosened",
                frozenset({NARROW if new.unique else WIDEN}),
                f"uniqueItems {'added' if new.unique else 'removed'}",
            )
        keyword = new.prefix_keyword if new.prefix else old.prefix_keyword
        for index in range(max(len(old.prefix), len(new.prefix))):
            self.node(old.item(index), new.item(index), join(pointer, keyword, index), ctx)
        self.node(old.items, new.items, join(pointer, "items"), ctx)
        at = join(pointer, "contains")
        if old.contains is None and new.contains is not None:
            self.emit(ctx, at, "constraint-tightened", frozenset({NARROW}), "contains added")
        elif old.contains is not None and new.contains is None:
            self.emit(ctx, at, "constraint-loosened", frozenset({WIDEN}), "contains removed")
        elif old.contains is not None and new.contains is not None:
            self.count(old.min_contains, new.min_contains, "minContains", pointer, ctx, lower=True)
            self.count(old.max_contains, new.max_contains, "maxContains", pointer, ctx, lower=False)
            inner = (
                ctx
                if old.max_contains is None and new.max_contains is None
                else (ctx.uncertain("contains with maxContains"))
            )
            self.node(old.contains, new.contains, at, inner)


def _outside(facet: Facet, values: Values, *, narrowing: bool = False) -> set[str]:
    """Effects of enum values that `facet` (the other side) may not admit."""
    effects: set[str] = set()
    effect = NARROW if narrowing else WIDEN
    for value in values.values():
        admitted = _admits(facet, value)
        if admitted is False:
            effects.add(effect)
        elif admitted is None:
            effects.add(UNKNOWN)
    return effects


def _admits(facet: Facet, value: Any) -> bool | None:
    if isinstance(facet, NumberFacet):
        return number_admits(facet, value)
    if isinstance(facet, StringFacet):
        return string_admits(facet, value)
    if isinstance(facet, BooleanFacet):
        return facet.enum is None or normalise(value) in facet.enum
    kind = (
        "array"
        if isinstance(facet, ArrayFacet)
        else "object"
        if isinstance(facet, ObjectFacet)
        else "null"
    )
    if is_full(kind, facet):
        return True
    if facet.enum is not None and enum_only(kind, facet):
        return normalise(value) in facet.enum
    return None


def _steps(steps: tuple[Any, ...]) -> str:
    return ",".join(str(s) for s in steps) or "none"


def _steps_json(steps: tuple[Any, ...]) -> Any:
    values = [int(s) if s.denominator == 1 else float(s) for s in steps]
    return None if not values else values[0] if len(values) == 1 else values
