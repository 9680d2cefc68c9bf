"""The canonical form schemas are compared in.

A schema is read as *per JSON type*: which of the six types (integers are numbers with
`integer` set) it admits, and for each admitted type the constraints that apply to it (a
facet). `type: [string, "null"]`, `anyOf: [{type: string}, {type: "null"}]` and
`enum: ["a", null]`-style spellings all land in the same shape, so equivalent rewrites
compare equal. What does not fit a facet (`not`, a union that cannot be split by type,
`if`/`then`, a recursive `$ref`, keywords we do not know) is kept beside the facets as
an `Extra`, a conjunct compared on its own.

Nodes are shared, never copied: a `$defs` entry used a million times is one node, and
its key (a hash, computed once) is what sorting and equality use.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from pai_deps.schemas import normalise

TYPES = ("null", "boolean", "number", "string", "array", "object")
Values = dict[str, Any]  # enum values by their canonical JSON text (1 and 1.0 are one value)


def json_type(value: Any) -> str:
    """The JSON type of a parsed value (integers are numbers)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def value_key(value: Any) -> str:
    return normalise(value)


def values_of(items: Iterable[Any]) -> Values:
    return {value_key(item): item for item in items}


@dataclass(frozen=True, slots=True)
class Bound:
    """One end of a numeric range, as written (`keyword` is for pointers and messages)."""

    value: int | float
    exclusive: bool
    keyword: str


@dataclass(eq=False, slots=True)
class NumberFacet:
    integer: bool = False
    lower: Bound | None = None
    upper: Bound | None = None
    multiples: tuple[Fraction, ...] = ()
    enum: Values | None = None


@dataclass(eq=False, slots=True)
class StringFacet:
    min_length: int = 0
    max_length: int | None = None
    patterns: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    enum: Values | None = None


@dataclass(eq=False, slots=True)
class BooleanFacet:
    enum: Values | None = None


@dataclass(eq=False, slots=True)
class NullFacet:
    enum: Values | None = None  # only ever {"null": None}; kept for uniformity


@dataclass(eq=False, slots=True)
class ArrayFacet:
    min_items: int = 0
    max_items: int | None = None
    unique: bool = False
    prefix: tuple[Node, ...] = ()
    prefix_keyword: str = "prefixItems"
    items: Node | None = None  # None: anything (the items after `prefix`)
    contains: Node | None = None
    min_contains: int = 1
    max_contains: int | None = None
    enum: Values | None = None

    def item(self, index: int) -> Node | None:
        return self.prefix[index] if index < len(self.prefix) else self.items


@dataclass(eq=False, slots=True)
class ObjectFacet:
    properties: dict[str, Node] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    additional: Node | None = None  # None: anything
    patterns: dict[str, Node] = field(default_factory=dict)
    names: Node | None = None
    min_properties: int = 0
    max_properties: int | None = None
    dependent_required: dict[str, frozenset[str]] = field(default_factory=dict)
    dependent_schemas: dict[str, Node] = field(default_factory=dict)
    enum: Values | None = None

    def declared(self, name: str) -> bool:
        return name in self.properties or name in self.required

    def schema_for(self, name: str) -> Node | None:
        """What a property's value must match (None: anything), patterns aside."""
        return self.properties.get(name, self.additional)


Facet = NullFacet | BooleanFacet | NumberFacet | StringFacet | ArrayFacet | ObjectFacet

FACETS: dict[str, Callable[[], Facet]] = {
    "null": NullFacet,
    "boolean": BooleanFacet,
    "number": NumberFacet,
    "string": StringFacet,
    "array": ArrayFacet,
    "object": ObjectFacet,
}


@dataclass(eq=False, slots=True)
class Extra:
    """A conjunct that is not a facet.

    kinds: `not` (nodes: the negated schema), `anyOf`/`oneOf` (nodes: the branches,
    `indexes`: where each sat in the schema), `if` (nodes: if, then, else), `allOf` (a
    conjunct that could not be merged), `ref` (a recursive reference: `target` gives
    the node once it is built), `opaque` (a keyword compared as written: `value`).
    """

    kind: str
    keyword: str
    nodes: tuple[Node | None, ...] = ()
    indexes: tuple[int, ...] = ()
    value: Any = None
    target: Callable[[], Node] | None = None
    tag: str = ""  # which document a `ref` belongs to (refs of different documents differ)


@dataclass(eq=False, slots=True)
class Node:
    """A canonical schema: admitted types with their facets, extras, annotations.

    `entangled`: `unevaluated*` keywords whose meaning depends on the whole node, so a
    change anywhere in it cannot be judged on its own.
    """

    types: dict[str, Facet]
    extras: tuple[Extra, ...] = ()
    notes: dict[str, Any] = field(default_factory=dict)
    entangled: bool = False
    from_enum: str = ""  # "enum"/"const" when every admitted value comes from that keyword
    source: Any = None  # the schema as written, where there is one (for `old`/`new`)
    key_cache: str | None = None
    deep_cache: str | None = None

    @property
    def is_top(self) -> bool:
        return not self.extras and not self.entangled and self.is_top_facets

    @property
    def is_top_facets(self) -> bool:
        """Every type admitted, none constrained (extras aside)."""
        return len(self.types) == len(TYPES) and all(
            is_full(kind, facet) for kind, facet in self.types.items()
        )

    @property
    def is_bottom(self) -> bool:
        return not self.types


def top(notes: dict[str, Any] | None = None) -> Node:
    return Node({kind: FACETS[kind]() for kind in TYPES}, notes=dict(notes or {}))


def bottom(notes: dict[str, Any] | None = None) -> Node:
    return Node({}, notes=dict(notes or {}))


def is_full(kind: str, facet: Facet) -> bool:
    """A facet that constrains nothing: every value of its type passes."""
    if facet.enum is not None:
        return False
    if isinstance(facet, NumberFacet):
        return (
            not facet.integer
            and facet.lower is None
            and facet.upper is None
            and (not facet.multiples)
        )
    if isinstance(facet, StringFacet):
        return (
            facet.min_length == 0
            and facet.max_length is None
            and not facet.patterns
            and (not facet.formats)
        )
    if isinstance(facet, ArrayFacet):
        return (
            facet.min_items == 0
            and facet.max_items is None
            and not facet.unique
            and not facet.prefix
            and facet.items is None
            and facet.contains is None
        )
    if isinstance(facet, ObjectFacet):
        return (
            not facet.properties
            and not facet.required
            and facet.additional is None
            and not facet.patterns
            and facet.names is None
            and facet.min_properties == 0
            and facet.max_properties is None
            and not facet.dependent_required
            and not facet.dependent_schemas
        )
    return True


# --- keys: a canonical fingerprint per node, computed once ----------------------------------


def node_key(node: Node | None) -> str:
    """A hash of what the node accepts (annotations excluded); None means anything."""
    return _key(node, deep=False)


def deep_key(node: Node | None) -> str:
    """`node_key` with every annotation, at every depth, included: equal means no change."""
    return _key(node, deep=True)


def _key(node: Node | None, *, deep: bool) -> str:
    if node is None:
        return "T"
    cached = node.deep_cache if deep else node.key_cache
    if cached is not None:
        return cached
    parts = [f"{kind}:{facet_key(kind, facet, deep)}" for kind, facet in sorted(node.types.items())]
    parts.extend(extra_key(extra, deep) for extra in node.extras)
    if node.entangled:
        parts.append("entangled")
    if deep and node.notes:
        parts.append(_safe(node.notes))
    text = "|".join(parts)
    digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
    if deep:
        node.deep_cache = digest
    else:
        node.key_cache = digest
    return digest


def extra_key(extra: Extra, deep: bool = False) -> str:
    if extra.kind == "ref":
        return f"ref:{extra.tag}:{_safe(extra.value)}"
    nodes = ",".join(_key(node, deep=deep) for node in extra.nodes)
    value = "" if extra.kind != "opaque" else _safe(extra.value)
    return f"{extra.kind}:{extra.keyword}({nodes}){value}"


def facet_key(kind: str, facet: Facet, deep: bool = False) -> str:
    def key(node: Node | None) -> str:
        return _key(node, deep=deep)

    enum = "*" if facet.enum is None else ",".join(sorted(facet.enum))
    if isinstance(facet, NumberFacet):
        multiples = ",".join(str(m) for m in facet.multiples)
        return (
            f"i={facet.integer};l={_bound(facet.lower)};u={_bound(facet.upper)};"
            f"m={multiples};e={enum}"
        )
    if isinstance(facet, StringFacet):
        return (
            f"{facet.min_length}-{facet.max_length};p={_safe(list(facet.patterns))};"
            f"f={_safe(list(facet.formats))};e={enum}"
        )
    if isinstance(facet, ArrayFacet):
        prefix = ",".join(key(item) for item in facet.prefix)
        contains = "-" if facet.contains is None else key(facet.contains)
        return (
            f"{facet.min_items}-{facet.max_items};u={facet.unique};p={prefix};"
            f"i={key(facet.items)};c={contains}:{facet.min_contains}-"
            f"{facet.max_contains};e={enum}"
        )
    if isinstance(facet, ObjectFacet):
        props = ",".join(
            f"{_safe(name)}={key(node)}" for name, node in sorted(facet.properties.items())
        )
        patterns = ",".join(f"{_safe(p)}={key(node)}" for p, node in sorted(facet.patterns.items()))
        dep_req = _safe({k: sorted(v) for k, v in facet.dependent_required.items()})
        dep_schemas = ",".join(
            f"{_safe(k)}={key(node)}" for k, node in sorted(facet.dependent_schemas.items())
        )
        return (
            f"p={props};r={_safe(sorted(facet.required))};a={key(facet.additional)};"
            f"pp={patterns};n={key(facet.names)};{facet.min_properties}-"
            f"{facet.max_properties};dr={dep_req};ds={dep_schemas};e={enum}"
        )
    return f"e={enum}"


def _bound(bound: Bound | None) -> str:
    return "-" if bound is None else f"{'x' if bound.exclusive else ''}{normalise(bound.value)}"


def _safe(value: Any) -> str:
    """An injective text for keys (not the canonical JSON: 1 and 1.0 may differ here)."""
    try:
        return json.dumps(value, ensure_ascii=True, sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)


# --- evaluating simple facets on concrete values (enum filtering, disjointness) -------------


def number_admits(facet: NumberFacet, value: int | float) -> bool:
    if facet.enum is not None and value_key(value) not in facet.enum:
        return False
    if facet.integer and not float(value).is_integer():
        return False
    for bound, above in ((facet.lower, True), (facet.upper, False)):
        if bound is not None:
            if value == bound.value and bound.exclusive:
                return False
            if (value < bound.value) if above else (value > bound.value):
                return False
    return all(_is_multiple(value, m) for m in facet.multiples)


def string_admits(facet: StringFacet, value: str) -> bool | None:
    """True/False when decidable here; None when a pattern or format would decide."""
    if facet.enum is not None and value_key(value) not in facet.enum:
        return False
    if len(value) < facet.min_length or (
        facet.max_length is not None and len(value) > facet.max_length
    ):
        return False
    return None if facet.patterns or facet.formats else True


def _is_multiple(value: int | float, multiple: Fraction) -> bool:
    try:
        return (as_fraction(value) / multiple).denominator == 1
    except (ValueError, OverflowError, ZeroDivisionError):
        return True  # not a finite number: nothing to decide here


def as_fraction(value: int | float) -> Fraction:
    """Exact decimal reading of a JSON number (0.1 is 1/10, not the nearest double)."""
    return Fraction(value) if isinstance(value, int) else Fraction(repr(value))
