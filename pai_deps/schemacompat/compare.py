"""Compare two canonical schemas and say, for each difference, which way it moves.

Every finding carries effects (`effects`: widen, narrow, unknown, ...); `policy` turns
them into a severity for the direction data flows. The facets are compared by
`facet_rules`; here are the nodes, annotations, types, conjuncts and unions.

Soundness: the comparison walks both schemas in step, and each place it visits is
monotone (a narrowing there can only narrow the whole) or is marked uncertain (inside
`not` the effects flip; inside `oneOf` that is not provably disjoint, `if`, or an
`unevaluated*` node, they become `unknown`). So if some value separates the two
schemas, some finding says so; equivalent spellings meet in the canonical form and
produce none. Pairs of shared nodes are compared once (memo), so `$ref` fan-out costs
what the distinct definitions cost, and recursion stops where it re-enters a pair.
"""

from __future__ import annotations

from typing import Any

from pai_deps.schemacompat.algebra import TOP, enum_only
from pai_deps.schemacompat.canon import Budget
from pai_deps.schemacompat.document import shown
from pai_deps.schemacompat.effects import (
    DECLARE,
    DEFAULT,
    NARROW,
    NOTE,
    UNKNOWN,
    WIDEN,
    Context,
    Effects,
    Finding,
    describe,
    join,
    raw,
    raw_types,
    show_types,
    type_view,
    value_text,
)
from pai_deps.schemacompat.facet_rules import FacetRules
from pai_deps.schemacompat.ir import (
    Extra,
    Node,
    ObjectFacet,
    Values,
    deep_key,
    extra_key,
    node_key,
)
from pai_deps.schemas import normalise

_NOTE_KINDS = {
    "description": "description-changed",
    "title": "title-changed",
    "examples": "examples-changed",
    "$comment": "comment-changed",
    "default": "default-changed",
}
_MAX_VALUES_LISTED = 10
_MAX_PAIRING = 32


class Comparer(FacetRules):
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
                self.values_added(new.types[kind].enum or {}, pointer, ctx, new)
        for kind in removed:
            if kind not in plain_removed:
                self.values_removed(old.types[kind].enum or {}, pointer, ctx, old)
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
        before, after = type_view(old), type_view(new)
        verb = kind.removeprefix("type-")
        self.emit(
            ctx,
            join(pointer, "type"),
            kind,
            frozenset(effects),
            f"type {verb} from {show_types(before)} to {show_types(after)}",
            raw_types(before),
            raw_types(after),
        )

    def values_added(self, values: Values, pointer: str, ctx: Context, node: Node) -> None:
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
                f"value {value_text(values[key])} added",
                None,
                values[key],
            )

    def values_removed(self, values: Values, pointer: str, ctx: Context, node: Node) -> None:
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
                f"value {value_text(values[key])} removed",
                values[key],
                None,
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
                f"{keyword} alternative {describe(branch)} removed",
                raw(branch),
            )
        for index, branch in remaining_new:
            self.emit(
                ctx,
                pointer if index is None else join(pointer, keyword, index),
                "branch-added",
                frozenset({WIDEN}),
                f"{keyword} alternative {describe(branch)} added",
                None,
                raw(branch),
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


__all__ = [
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
