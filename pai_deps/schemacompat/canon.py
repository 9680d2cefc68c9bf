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
    finish,
    like,
    with_notes,
)
from pai_deps.schemacompat.canon_types import TypeKeywords
from pai_deps.schemacompat.disjointness import disjoint
from pai_deps.schemacompat.document import (
    Location,
    RefSite,
    SchemaDocument,
    pointer_of,
)
from pai_deps.schemacompat.ir import (
    FACETS,
    TYPES,
    Extra,
    Facet,
    Node,
    node_key,
)
from pai_deps.schemacompat.keywords import (
    CONTAINERS,
    IN_PLACE,
    KNOWN,
    UNEVALUATED,
    is_annotation,
)

# Deeper than any schema JSON can nest when parsed; past it, a clean error.
MAX_DEPTH = 2500
# oneOf branches tested pairwise for disjointness up to this many.
_MAX_ONEOF_PROOF = 32


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


class _Builder(TypeKeywords):
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
        unevaluated = [key for key in UNEVALUATED if key in raw]
        if unevaluated:
            if any(key in raw for key in IN_PLACE):
                entangled = True
                for key in unevaluated:
                    self.opaque(key)
            else:
                self._unevaluated_alone()
        node = finish(Node(self.facets, tuple(self.extras), notes, entangled, from_enum, raw))
        return self._combinators(node)

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


__all__ = ["MAX_DEPTH", "Budget", "Reader", "SchemaTooComplexError", "is_annotation"]
