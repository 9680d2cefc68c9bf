"""What a comparison finding is: where, what kind, and which way it moves (its effects).

Effects: `widen` (the new schema admits a value the old one did not), `narrow` (the
reverse), `unknown` (cannot tell: cannot prove compatible), plus `declare`, which is
policy rather than set algebra (a property newly named in an open object: callers send
what a schema names, so no call relied on it), and the annotation effects `note` and
`default`. `policy` turns effects into a severity for the direction data flows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pai_deps.schemacompat.document import shown
from pai_deps.schemacompat.ir import FACETS, Node, NumberFacet, Values
from pai_deps.schemas import normalise

WIDEN, NARROW, UNKNOWN = "widen", "narrow", "unknown"
DECLARE, NOTE, DEFAULT = "declare", "note", "default"
Effects = frozenset[str]


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


def type_view(node: Node) -> list[str]:
    names = []
    for kind, facet in node.types.items():
        names.append("integer" if isinstance(facet, NumberFacet) and facet.integer else kind)
    return sorted(names)


def show_types(names: list[str]) -> str:
    return "any" if len(names) == len(FACETS) else "|".join(names) or "none"


def raw_types(names: list[str]) -> Any:
    return names[0] if len(names) == 1 else names


def describe(node: Node) -> str:
    return show_types(type_view(node)) if node.types else "false"


def raw(node: Node | None) -> Any:
    """The schema as written, for the `old`/`new` fields (a summary where merged)."""
    if node is None:
        return True
    if node.source is not None:
        return node.source
    if node.is_bottom:
        return False
    return {"type": raw_types(type_view(node))}


def value_text(value: Any) -> str:
    text = normalise(value)
    return shown(text)[1:-1] if len(text) <= 60 else shown(text[:57] + "...")[1:-1]


class Rules:
    """What the rule mixins need from `compare.Comparer`."""

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
        raise NotImplementedError

    def node(self, old: Node | None, new: Node | None, pointer: str, ctx: Context) -> None:
        raise NotImplementedError

    def values_added(self, values: Values, pointer: str, ctx: Context, node: Node) -> None:
        raise NotImplementedError

    def values_removed(self, values: Values, pointer: str, ctx: Context, node: Node) -> None:
        raise NotImplementedError

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
        raise NotImplementedError
