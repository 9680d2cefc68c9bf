"""Compare two canonical schemas and say, for each difference, which way it moves.

Every finding carries *effects*: `widen` (the new schema admits a value the old one did
not), `narrow` (the reverse), `unknown` (cannot tell: cannot prove compatible), plus
`declare`, which is policy rather than set algebra (a property newly named in an open
object: callers send what a schema names, so no call relied on it), and the annotation
effects `note` and `default`. `policy` turns effects into a severity for the direction
data flows.

Soundness: the comparison walks both schemas in step, and each place it visits is
monotone (a narrowing there can only narrow the whole) or is marked uncertain (inside
`not` the effects flip; inside `oneOf` that is not provably disjoint, `if`, or an
`unevaluated*` node, they become `unknown`). So if some value separates the two
schemas, some finding says so; equivalent spellings meet in the canonical form and
produce none. Pairs of shared nodes are compared once (memo), so `$ref` fan-out costs
what the distinct definitions cost, and recursion stops where it re-enters a pair.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pai_deps.schemacompat.algebra import BOTTOM, TOP, enum_only
from pai_deps.schemacompat.canon import Budget
from pai_deps.schemacompat.document import shown
from pai_deps.schemacompat.ir import (
    FACETS,
    ArrayFacet,
    BooleanFacet,
    Bound,
    Extra,
    Facet,
    Node,
    NumberFacet,
    ObjectFacet,
    StringFacet,
    Values,
    deep_key,
    extra_key,
    is_full,
    node_key,
    number_admits,
    string_admits,
)
from pai_deps.schemas import normalise

WIDEN, NARROW, UNKNOWN = "widen", "narrow", "unknown"
DECLARE, NOTE, DEFAULT = "declare", "note", "default"
Effects = frozenset[str]

_NOTE_KINDS = {
    "description": "description-changed",
    "title": "title-changed",
    "examples": "examples-changed",
    "$comment": "comment-changed",
    "default": "default-changed",
}
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
_MAX_VALUES_LISTED = 10
_MAX_PAIRING = 32


@dataclass(frozen=True)
class Finding:
    pointer: str
    kind: str
    effects: Effects
    message: str
    old: Any = None
    new: Any = None


@dataclass(frozen=True)
class Context:
    """How effects found below translate to the whole: flipped under `not`, or unknown."""

    flipped: bool = False
    certain: bool = True
    why: str = ""

    def flip(self) -> Context:
        return replace(self, flipped=not self.flipped)

    def uncertain(self, why: str) -> Context:
        return self if not self.certain else replace(self, certain=False, why=why)

    def apply(self, effects: Effects) -> Effects:
        out: set[str] = set()
        for effect in effects:
            if effect in (NOTE, DEFAULT):
                out.add(effect)
            elif not self.certain:
                out.add(UNKNOWN)
            elif self.flipped:
                out.add({WIDEN: NARROW, NARROW: WIDEN}.get(effect, UNKNOWN))
            else:
                out.add(effect)
        return frozenset(out)


def join(pointer: str, *tokens: str | int) -> str:
    for token in tokens:
        pointer += "/" + str(token).replace("~", "~0").replace("/", "~1")
    return pointer


def _bound_text(bound: Bound | None) -> str:
    return "none" if bound is None else f"{bound.keyword} {normalise(bound.value)}"


def _list(values: Values) -> str:
    text = normalise(list(values.values()))
    return text if len(text) <= 60 else text[:57] + "..."


class Comparer:
    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.findings: list[Finding] = []
        self._seen: set[tuple[int, int, bool, bool]] = set()
        self._active: set[tuple[int, int]] = set()

    def emit(
        self,
        ctx: Context,
        pointer: str,
        kind: str,
        effects: Effects,
        message: str,
        old: Any = None,
        new: Any = None,
    ) -> None:
        applied = ctx.apply(effects)
        if UNKNOWN in applied and UNKNOWN not in effects and ctx.why:
            message += f" (inside {ctx.why}: cannot prove compatible)"
        elif UNKNOWN in effects:
            message += " (cannot prove compatible)"
        self.findings.append(Finding(pointer, kind, applied, message, old, new))

    # -- nodes -----------------------------------------------------------------------------------

    def node(self, old: Node | None, new: Node | None, pointer: str, ctx: Context) -> None:
        old, new = old or TOP, new or TOP
        if old is new or deep_key(old) == deep_key(new):
            return
        pair = (id(old), id(new))
        seen = (*pair, ctx.flipped, ctx.certain)
        if seen in self._seen or pair in self._active:
            return  # compared already, or a recursion re-entering this very pair
        self._seen.add(seen)
        self._active.add(pair)
        self.budget.spend()
        try:
            self._compare(old, new, pointer, ctx)
        finally:
            self._active.discard(pair)

    def _compare(self, old: Node, new: Node, pointer: str, ctx: Context) -> None:
        self.notes(old.notes, new.notes, pointer, ctx)
        if old.is_bottom or new.is_bottom:
            if old.is_bottom != new.is_bottom:
                effect = WIDEN if old.is_bottom else NARROW
                verb = "now admits values" if old.is_bottom else "now admits nothing"
                self.emit(ctx, pointer, "schema-changed", frozenset({effect}), f"schema {verb}")
            return
        if old.entangled or new.entangled:
            ctx = ctx.uncertain("unevaluatedProperties/unevaluatedItems")
        if self._lift_unions(old, new, pointer, ctx):
            return
        self.types(old, new, pointer, ctx)
        for kind in sorted(old.types.keys() & new.types.keys()):
            self.facet(old.types[kind], new.types[kind], pointer, ctx, old, new)
        self.extras(old.extras, new.extras, pointer, ctx)

    def notes(self, old: dict[str, Any], new: dict[str, Any], pointer: str, ctx: Context) -> None:
        for key in sorted(old.keys() | new.keys()):
            before, after = old.get(key), new.get(key)
            if key in old and key in new and normalise(before) == normalise(after):
                continue
            verb = "changed" if key in old and key in new else "added" if key in new else "removed"
            kind = _NOTE_KINDS.get(key, "annotation-changed")
            effect = DEFAULT if key == "default" else NOTE
            self.emit(
                ctx, join(pointer, key), kind, frozenset({effect}), f"{key} {verb}", before, after
            )

    # -- types -------------------------------------------------------------------------------------

    def types(self, old: Node, new: Node, pointer: str, ctx: Context) -> None:
        added = sorted(new.types.keys() - old.types.keys())
        removed = sorted(old.types.keys() - new.types.keys())
        plain_added = [k for k in added if not (new.from_enum and enum_only(k, new.types[k]))]
        plain_removed = [k for k in removed if not (old.from_enum and enum_only(k, old.types[k]))]
        for kind in added:
            if kind not in plain_added:
                self._values_added(new.types[kind].enum or {}, pointer, ctx, new)
        for kind in removed:
            if kind not in plain_removed:
                self._values_removed(old.types[kind].enum or {}, pointer, ctx, old)
        if not plain_added and not plain_removed:
            return
        effects: set[str] = set()
        if plain_added:
            effects.add(WIDEN)
        if plain_removed:
            effects.add(NARROW)
        kind = (
            "type-changed"
            if len(effects) == 2
            else "type-widened"
            if plain_added
            else ("type-narrowed")
        )
        before, after = _type_view(old), _type_view(new)
        verb = kind.removeprefix("type-")
        self.emit(
            ctx,
            join(pointer, "type"),
            kind,
            frozenset(effects),
            f"type {verb} from {_show_types(before)} to {_show_types(after)}",
            _raw_types(before),
            _raw_types(after),
        )

    def _values_added(self, values: Values, pointer: str, ctx: Context, node: Node) -> None:
        at = join(pointer, node.from_enum or "enum")
        if len(values) > _MAX_VALUES_LISTED:
            self.emit(
                ctx,
                at,
                "enum-value-added",
                frozenset({WIDEN}),
                f"{len(values)} values added",
                None,
                list(values.values()),
            )
            return
        for key in sorted(values):
            self.emit(
                ctx,
                at,
                "enum-value-added",
                frozenset({WIDEN}),
                f"value {_value(values[key])} added",
                None,
                values[key],
            )

    def _values_removed(self, values: Values, pointer: str, ctx: Context, node: Node) -> None:
        at = join(pointer, node.from_enum or "enum")
        if len(values) > _MAX_VALUES_LISTED:
            self.emit(
                ctx,
                at,
                "enum-value-removed",
                frozenset({NARROW}),
                f"{len(values)} values removed",
                list(values.values()),
                None,
            )
            return
        for key in sorted(values):
            self.emit(
                ctx,
                at,
                "enum-value-removed",
                frozenset({NARROW}),
                f"value {_value(values[key])} removed",
                values[key],
                None,
            )

    # -- facets ------------------------------------------------------------------------------------

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
                self._values_added(added, pointer, ctx, new_node)
            if removed:
                self._values_removed(removed, pointer, ctx, old_node)
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

    def object(self, old: ObjectFacet, new: ObjectFacet, pointer: str, ctx: Context) -> None:
        patterned = bool(old.patterns or new.patterns)
        names = old.properties.keys() | new.properties.keys() | old.required | new.required
        for name in sorted(names):
            self._property(old, new, name, join(pointer, "properties", name), ctx, patterned)
        self.node(old.additional, new.additional, join(pointer, "additionalProperties"), ctx)
        for pattern in sorted(old.patterns.keys() | new.patterns.keys()):
            at = join(pointer, "patternProperties", pattern)
            if pattern in old.patterns and pattern in new.patterns:
                self.node(old.patterns[pattern], new.patterns[pattern], at, ctx)
            else:
                verb = "added" if pattern in new.patterns else "removed"
                self.emit(
                    ctx,
                    at,
                    "keyword-changed",
                    frozenset({UNKNOWN}),
                    f"patternProperties {shown(pattern)} {verb}",
                )
        self.node(old.names, new.names, join(pointer, "propertyNames"), ctx)
        self.count(
            old.min_properties or None,
            new.min_properties or None,
            "minProperties",
            pointer,
            ctx,
            lower=True,
        )
        self.count(
            old.max_properties, new.max_properties, "maxProperties", pointer, ctx, lower=False
        )
        self._dependencies(old, new, pointer, ctx)

    def _property(
        self, old: ObjectFacet, new: ObjectFacet, name: str, at: str, ctx: Context, patterned: bool
    ) -> None:
        was, now = old.declared(name), new.declared(name)
        was_required, now_required = name in old.required, name in new.required
        label = shown(name)
        if was and now:
            if was_required != now_required:
                kind = "required-added" if now_required else "required-removed"
                effect = NARROW if now_required else WIDEN
                verb = "is now required" if now_required else "is no longer required"
                self.emit(ctx, at, kind, frozenset({effect}), f"property {label} {verb}")
            self.node(old.schema_for(name), new.schema_for(name), at, ctx)
            return
        if patterned:  # which pattern applies to the name decides: not judged here
            verb = "added" if now else "removed"
            self.emit(
                ctx,
                at,
                f"property-{verb}",
                frozenset({UNKNOWN}),
                f"property {label} {verb} where patternProperties apply",
            )
            return
        if now:  # newly named
            before = old.additional
            schema = new.schema_for(name)
            if before is None:
                if now_required:
                    self.emit(
                        ctx,
                        at,
                        "required-property-added",
                        frozenset({NARROW}),
                        f"required property {label} added",
                        None,
                        _raw(schema),
                    )
                else:
                    self.emit(
                        ctx,
                        at,
                        "property-added",
                        frozenset({DECLARE}),
                        f"optional property {label} added",
                        None,
                        _raw(schema),
                    )
                return
            if before.is_bottom:
                effects = {WIDEN} if schema is None or not schema.is_bottom else set()
                if now_required:
                    effects.add(NARROW)
                self.emit(
                    ctx,
                    at,
                    "property-added",
                    frozenset(effects or {WIDEN}),
                    f"property {label} added to a closed object",
                    None,
                    _raw(schema),
                )
                return
            if now_required:
                self.emit(
                    ctx,
                    at,
                    "required-added",
                    frozenset({NARROW}),
                    f"property {label} is now required",
                )
            self.node(before, schema, at, ctx)  # was governed by additionalProperties
            return
        # no longer named: additionalProperties governs it now
        after = new.additional
        effects = {WIDEN} if was_required else set()
        if after is not None and after.is_bottom:
            effects.add(NARROW)
            what = "removed; additionalProperties: false rejects it now"
        elif after is None:
            effects.add(WIDEN)  # any value is accepted (or may be produced) for it now
            what = "removed"
        else:
            what = "removed; additionalProperties applies to it now"
            self.node(old.schema_for(name), after, at, ctx)
            effects = effects or {NOTE}
        prefix = "required property" if was_required else "property"
        self.emit(
            ctx,
            at,
            "property-removed",
            frozenset(effects),
            f"{prefix} {label} {what}",
            _raw(old.schema_for(name)),
            None,
        )

    def _dependencies(self, old: ObjectFacet, new: ObjectFacet, pointer: str, ctx: Context) -> None:
        for name in sorted(old.dependent_required.keys() | new.dependent_required.keys()):
            before = old.dependent_required.get(name, frozenset())
            after = new.dependent_required.get(name, frozenset())
            if before == after:
                continue
            effects: set[str] = set()
            if after - before:
                effects.add(NARROW)
            if before - after:
                effects.add(WIDEN)
            kind = (
                "constraint-changed"
                if len(effects) == 2
                else ("constraint-tightened" if NARROW in effects else "constraint-loosened")
            )
            self.emit(
                ctx,
                join(pointer, "dependentRequired", name),
                kind,
                frozenset(effects),
                f"with {shown(name)} present, required {sorted(before)} -> {sorted(after)}",
                sorted(before),
                sorted(after),
            )
        for name in sorted(old.dependent_schemas.keys() | new.dependent_schemas.keys()):
            at = join(pointer, "dependentSchemas", name)
            if name in old.dependent_schemas and name in new.dependent_schemas:
                self.node(old.dependent_schemas[name], new.dependent_schemas[name], at, ctx)
            elif name in new.dependent_schemas:
                self.emit(
                    ctx,
                    at,
                    "constraint-tightened",
                    frozenset({NARROW}),
                    f"schema for objects with {shown(name)} added",
                )
            else:
                self.emit(
                    ctx,
                    at,
                    "constraint-loosened",
                    frozenset({WIDEN}),
                    f"schema for objects with {shown(name)} removed",
                )

    # -- extras (not, unions, if, unmerged allOf, recursion, unknown keywords) -------------------

    def extras(
        self, old: tuple[Extra, ...], new: tuple[Extra, ...], pointer: str, ctx: Context
    ) -> None:
        new_by_key = {extra_key(e): e for e in new}
        old_by_key = {extra_key(e): e for e in old}
        for key in sorted(old_by_key.keys() & new_by_key.keys()):
            before, after = old_by_key[key], new_by_key[key]
            for one, other in zip(before.nodes, after.nodes, strict=False):
                self.node(one, other, pointer, ctx)  # annotations only (same meaning)
            if before.kind == "ref":
                self._ref(before, after, pointer, ctx)
        rest_old = [old_by_key[k] for k in sorted(old_by_key.keys() - new_by_key.keys())]
        rest_new = [new_by_key[k] for k in sorted(new_by_key.keys() - old_by_key.keys())]
        for kind in ("not", "anyOf", "oneOf", "if", "allOf", "ref", "opaque"):
            befores = [e for e in rest_old if e.kind == kind]
            afters = [e for e in rest_new if e.kind == kind]
            if kind == "opaque":
                self._opaque(befores, afters, pointer, ctx)
                continue
            for before, after in zip(befores, afters, strict=False):
                self._pair(before, after, pointer, ctx)
            for extra in befores[len(afters) :]:
                self._alone(extra, pointer, ctx, added=False)
            for extra in afters[len(befores) :]:
                self._alone(extra, pointer, ctx, added=True)

    def _pair(self, before: Extra, after: Extra, pointer: str, ctx: Context) -> None:
        kind = before.kind
        if kind == "not":
            self.node(before.nodes[0], after.nodes[0], join(pointer, "not"), ctx.flip())
        elif kind in ("anyOf", "oneOf"):
            inner = ctx if kind == "anyOf" else ctx.uncertain("oneOf")
            self.branches(before, after, pointer, inner, keyword=after.keyword)
        elif kind == "if":
            condition_old, then_old, else_old = before.nodes
            condition_new, then_new, else_new = after.nodes
            if node_key(condition_old) != node_key(condition_new):
                ctx = ctx.uncertain("if/then/else")
                self.emit(
                    ctx, join(pointer, "if"), "keyword-changed", frozenset({UNKNOWN}), "if changed"
                )
            self.node(then_old, then_new, join(pointer, "then"), ctx)
            self.node(else_old, else_new, join(pointer, "else"), ctx)
        elif kind == "allOf":
            self.node(before.nodes[0], after.nodes[0], join(pointer, "allOf"), ctx)
        elif kind == "ref":
            self._ref(before, after, pointer, ctx)

    def _ref(self, before: Extra, after: Extra, pointer: str, ctx: Context) -> None:
        if before.target is not None and after.target is not None:
            self.node(before.target(), after.target(), pointer, ctx)

    def _alone(self, extra: Extra, pointer: str, ctx: Context, *, added: bool) -> None:
        what = {
            "not": "not",
            "anyOf": "anyOf",
            "oneOf": "oneOf",
            "if": "if/then/else",
            "allOf": "allOf constraint",
            "ref": "recursive $ref",
        }[extra.kind]
        if extra.kind == "ref":
            effects = frozenset({UNKNOWN})
        else:
            effects = frozenset({NARROW if added else WIDEN})
        kind = "constraint-tightened" if added else "constraint-loosened"
        if extra.kind == "ref":
            kind = "keyword-changed"
        self.emit(
            ctx,
            join(pointer, extra.keyword),
            kind,
            effects,
            f"{what} {'added' if added else 'removed'}",
        )

    def _opaque(
        self, befores: list[Extra], afters: list[Extra], pointer: str, ctx: Context
    ) -> None:
        by_keyword: dict[str, list[Extra | None]] = {}
        for extra in befores:
            by_keyword.setdefault(extra.keyword, [None, None])[0] = extra
        for extra in afters:
            by_keyword.setdefault(extra.keyword, [None, None])[1] = extra
        for keyword, (before, after) in sorted(by_keyword.items()):
            old_value = None if before is None else before.value
            new_value = None if after is None else after.value
            self.emit(
                ctx,
                join(pointer, keyword),
                "keyword-changed",
                frozenset({UNKNOWN}),
                f"{shown(keyword)} changed",
                old_value,
                new_value,
            )

    # -- unions ------------------------------------------------------------------------------------

    def _lift_unions(self, old: Node, new: Node, pointer: str, ctx: Context) -> bool:
        """One side is a union that is not split by type, the other is not a union: compare
        them as unions (a plain node is the union of its types)."""
        old_union, new_union = _union_of(old), _union_of(new)
        if (old_union is None) == (new_union is None):
            return False
        union = old_union or new_union
        assert union is not None
        old_branches = _split(old) if old_union is None else _branches_of(old_union)
        new_branches = _split(new) if new_union is None else _branches_of(new_union)
        if old_branches is None or new_branches is None:
            return False
        self._pair_branches(old_branches, new_branches, pointer, ctx, union.keyword)
        return True

    def branches(
        self, before: Extra, after: Extra, pointer: str, ctx: Context, *, keyword: str
    ) -> None:
        self._pair_branches(_branches_of(before), _branches_of(after), pointer, ctx, keyword)

    def _pair_branches(
        self,
        old: list[tuple[int | None, Node]],
        new: list[tuple[int | None, Node]],
        pointer: str,
        ctx: Context,
        keyword: str,
    ) -> None:
        self.budget.spend(len(old) + len(new))
        by_key: dict[str, list[tuple[int | None, Node]]] = {}
        for item in new:
            by_key.setdefault(node_key(item[1]), []).append(item)
        pairs: list[tuple[tuple[int | None, Node], tuple[int | None, Node]]] = []
        unmatched_old: list[tuple[int | None, Node]] = []
        for item in old:
            same = by_key.get(node_key(item[1]))
            if same:
                pairs.append((item, same.pop(0)))
            else:
                unmatched_old.append(item)
        remaining_new = [item for items in by_key.values() for item in items]
        remaining_new.sort(key=lambda item: -1 if item[0] is None else item[0])
        if len(unmatched_old) <= _MAX_PAIRING and len(remaining_new) <= _MAX_PAIRING:
            for item in list(unmatched_old):
                if not remaining_new:
                    break
                best = max(remaining_new, key=lambda n: _similarity(item[1], n[1]))
                if _similarity(item[1], best[1]) > 0:
                    remaining_new.remove(best)
                    unmatched_old.remove(item)
                    pairs.append((item, best))
        for (_, before), (index, after) in pairs:
            at = pointer if index is None else join(pointer, keyword, index)
            self.node(before, after, at, ctx)
        for index, branch in unmatched_old:
            self.emit(
                ctx,
                pointer if index is None else join(pointer, keyword, index),
                "branch-removed",
                frozenset({NARROW}),
                f"{keyword} alternative {_describe(branch)} removed",
                _raw(branch),
            )
        for index, branch in remaining_new:
            self.emit(
                ctx,
                pointer if index is None else join(pointer, keyword, index),
                "branch-added",
                frozenset({WIDEN}),
                f"{keyword} alternative {_describe(branch)} added",
                None,
                _raw(branch),
            )


def _union_of(node: Node) -> Extra | None:
    """The anyOf, when the node is nothing but one (its facets unconstrained)."""
    if len(node.extras) != 1 or node.extras[0].kind != "anyOf" or node.entangled:
        return None
    return node.extras[0] if node.is_top_facets else None


def _branches_of(union: Extra) -> list[tuple[int | None, Node]]:
    return [
        (index, branch)
        for index, branch in zip(union.indexes, union.nodes, strict=True)
        if branch is not None
    ]


def _split(node: Node) -> list[tuple[int | None, Node]] | None:
    """A plain node as one branch per type."""
    if node.extras or node.entangled:
        return None
    return [
        (None, Node({kind: facet}, from_enum=node.from_enum))
        for kind, facet in sorted(node.types.items())
    ]


def _similarity(a: Node, b: Node) -> int:
    score = 10 * len(a.types.keys() & b.types.keys())
    oa, ob = a.types.get("object"), b.types.get("object")
    if isinstance(oa, ObjectFacet) and isinstance(ob, ObjectFacet):
        score += len(oa.properties.keys() & ob.properties.keys())
    return score


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


def _type_view(node: Node) -> list[str]:
    names = []
    for kind, facet in node.types.items():
        names.append("integer" if isinstance(facet, NumberFacet) and facet.integer else kind)
    return sorted(names)


def _show_types(names: list[str]) -> str:
    return "any" if len(names) == len(FACETS) else "|".join(names) or "none"


def _raw_types(names: list[str]) -> Any:
    return names[0] if len(names) == 1 else names


def _describe(node: Node) -> str:
    return _show_types(_type_view(node)) if node.types else "false"


def _raw(node: Node | None) -> Any:
    """The schema as written, for the `old`/`new` fields (a summary where merged)."""
    if node is None:
        return True
    if node.source is not None:
        return node.source
    if node.is_bottom:
        return False
    return {"type": _raw_types(_type_view(node))}


def _value(value: Any) -> str:
    text = normalise(value)
    return shown(text)[1:-1] if len(text) <= 60 else shown(text[:57] + "...")[1:-1]


def _steps(steps: tuple[Any, ...]) -> str:
    return ",".join(str(s) for s in steps) or "none"


def _steps_json(steps: tuple[Any, ...]) -> Any:
    values = [int(s) if s.denominator == 1 else float(s) for s in steps]
    return None if not values else values[0] if len(values) == 1 else values


__all__ = [
    "BOTTOM",
    "DECLARE",
    "DEFAULT",
    "NARROW",
    "NOTE",
    "UNKNOWN",
    "WIDEN",
    "Comparer",
    "Context",
    "Finding",
]
