"""What a consumer's pointer reaches in a provider's JSON Schema.

The schema is read as a description of the documents the provider promises: a pointer
matches when the schema *declares* something there (`properties`, `patternProperties`,
an explicit `additionalProperties`, `items`, `prefixItems`, `additionalItems`), through
`$ref`s within the document and every branch of `allOf`/`anyOf`/`oneOf` and `if`/`then`/
`else`. JSON Schema's default (any other key is allowed) is deliberately not a match:
otherwise no misspelt field would ever be found. `patternProperties` match any key (their
regular expressions, which come from other people's schemas, are never run). A `$ref` this
module cannot follow (to another bundled file) and a `true` schema are opaque: whatever
lies below them counts as matched, since nothing can be said against it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pai_deps.pointers.syntax import WILDCARD, format_pointer

Location = tuple[str, ...]
_BRANCHES = ("allOf", "anyOf", "oneOf")
_CONDITIONAL = ("if", "then", "else")
# Beyond this many subschemas in play at once the walk stops and calls the pointer opaque.
_MAX_FRONTIER = 10_000


@dataclass(frozen=True)
class SchemaReach:
    """Where one pointer lands: the subschemas it reaches and those it passed through."""

    matched: bool
    targets: frozenset[str]  # schema locations (JSON pointers into the schema) reached
    passed: frozenset[str]  # every location on the way there, targets included
    deprecated: frozenset[str]  # locations on the way marked `deprecated: true`
    opaque: bool = False  # went through something that could not be followed


def _resolve(document: Any, ref: str) -> tuple[Location, Any] | None:
    """A `#/...` reference inside the document, or None for anything else."""
    from pai_deps.pointers.syntax import PointerError, parse_pointer

    if not ref.startswith("#"):
        return None
    try:
        segments = parse_pointer(_unquote(ref[1:]))
    except PointerError:
        return None
    node = document
    for segment in segments:
        if isinstance(node, dict) and segment in node:
            node = node[segment]
        elif isinstance(node, list) and segment.isdigit() and int(segment) < len(node):
            node = node[int(segment)]
        else:
            return None
    return segments, node


def _unquote(fragment: str) -> str:
    from urllib.parse import unquote

    return unquote(fragment)


def _expand(document: Any, location: Location, node: Any) -> Iterator[tuple[Location, Any]]:
    """The node and every subschema that applies to the same value (refs, branches)."""
    stack = [(location, node)]
    seen: set[Location] = set()
    while stack:
        loc, current = stack.pop()
        if loc in seen:
            continue
        seen.add(loc)
        yield loc, current
        if not isinstance(current, dict):
            continue
        ref = current.get("$ref")
        if isinstance(ref, str):
            target = _resolve(document, ref)
            if target is not None:
                stack.append(target)
            else:
                yield (*loc, "$ref"), True  # cannot follow: opaque
        for keyword in _BRANCHES:
            members = current.get(keyword)
            if isinstance(members, list):
                stack.extend(((*loc, keyword, str(i)), m) for i, m in enumerate(members))
        for keyword in _CONDITIONAL:
            if keyword in current:
                stack.append(((*loc, keyword), current[keyword]))


def _children(loc: Location, node: dict[str, Any], segment: str) -> Iterator[tuple[Location, Any]]:
    """The subschemas that describe `value[segment]` for a value `node` describes."""
    properties = node.get("properties")
    named = isinstance(properties, dict) and segment in properties
    if isinstance(properties, dict):
        for key, sub in properties.items():
            if segment in (WILDCARD, key):
                yield (*loc, "properties", key), sub
    patterns = node.get("patternProperties")
    if isinstance(patterns, dict):
        yield from (((*loc, "patternProperties", k), sub) for k, sub in patterns.items())
    extra = node.get("additionalProperties")
    if (isinstance(extra, dict) or extra is True) and not named:
        yield (*loc, "additionalProperties"), extra
    yield from _array_children(loc, node, segment)


def _array_children(
    loc: Location, node: dict[str, Any], segment: str
) -> Iterator[tuple[Location, Any]]:
    if segment != WILDCARD and not segment.isdigit():
        return
    index = None if segment == WILDCARD else int(segment)
    items = node.get("items")
    tuple_key, tuple_items = "prefixItems", node.get("prefixItems")
    if isinstance(items, list):  # draft 7 tuples
        tuple_key, tuple_items = "items", items
    rest_key = "items" if tuple_key == "prefixItems" else "additionalItems"
    rest = node.get(rest_key)
    positional = tuple_items if isinstance(tuple_items, list) else []
    for i, sub in enumerate(positional):
        if index in (None, i):
            yield (*loc, tuple_key, str(i)), sub
    if (isinstance(rest, dict) or rest is True) and (index is None or index >= len(positional)):
        yield (*loc, rest_key), rest


def reach(document: Any, segments: Sequence[str]) -> SchemaReach:
    """Follow a parsed pointer (`parse_pointer`) through a schema document."""
    frontier = dict(_expand(document, (), document))
    passed: set[Location] = set(frontier)
    opaque = False
    for segment in segments:
        following: dict[Location, Any] = {}
        for loc, node in frontier.items():
            if node is True:  # anything may be below: stay opaque
                opaque = True
                following[loc] = True
            elif isinstance(node, dict):
                for child_loc, child in _children(loc, node, segment):
                    following.update(_expand(document, child_loc, child))
        if len(following) > _MAX_FRONTIER:
            return SchemaReach(True, frozenset(), frozenset(), frozenset(), opaque=True)
        frontier = following
        passed.update(frontier)
        if not frontier:
            break
    targets = {loc for loc, node in frontier.items() if node is not False}
    return SchemaReach(
        matched=bool(targets),
        targets=frozenset(map(format_pointer, targets)),
        passed=frozenset(map(format_pointer, passed)),
        deprecated=frozenset(
            format_pointer(loc)
            for loc, node in _all_nodes(document, passed)
            if isinstance(node, dict) and node.get("deprecated") is True
        ),
        opaque=opaque or any(frontier.get(loc) is True for loc in targets),
    )


def _all_nodes(document: Any, locations: set[Location]) -> Iterator[tuple[Location, Any]]:
    for loc in locations:
        node: Any = document
        for segment in loc:
            if isinstance(node, dict):
                node = node.get(segment)
            elif isinstance(node, list) and segment.isdigit() and int(segment) < len(node):
                node = node[int(segment)]
            else:
                node = None
                break
        yield loc, node


def deprecated_locations(document: Any) -> list[str]:
    """Every schema location in the document marked `deprecated: true`, in document order."""
    found: list[str] = []
    stack: list[tuple[Location, Any]] = [((), document)]
    while stack:
        loc, node = stack.pop()
        if isinstance(node, dict):
            if node.get("deprecated") is True:
                found.append(format_pointer(loc))
            stack.extend(((*loc, k), v) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend(((*loc, str(i)), v) for i, v in reversed(list(enumerate(node))))
    return found
