"""Which consumers a schema change reaches, from what they declare they read (`uses`).

A change's pointer locates it in the schema as used (`$ref`s followed), so it maps onto
the documents the schema describes: `/properties/results/items/properties/id/type` is
about `/results/*/id`. A consumer is reached when one of its pointers into that contract
meets that path (one a prefix of the other, `*` matching anything); a consumer that
declares no `uses` reads everything and is reached by every change.

A change no consumer reads is `unused`. That needs at least one registered consumer:
with none, nobody has said what they read, and the change is judged as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pai_deps.pointers import WILDCARD, overlaps, parse_pointer

if TYPE_CHECKING:
    from pai_deps.db import Connection
    from pai_deps.verify.drift import ContractDrift

_NAMED = ("properties",)
_ANY_KEY = ("patternProperties",)
_ANY = ("additionalProperties", "additionalItems", "unevaluatedProperties", "unevaluatedItems")
_ARRAYS = ("items", "prefixItems")
_BRANCHES = ("allOf", "anyOf", "oneOf")
_SAME_VALUE = ("if", "then", "else", "not")


def instance_path(schema_pointer: str) -> tuple[str, ...]:
    """The part of the described documents a change at `schema_pointer` is about.

    Stops at the first keyword that does not lead into a value (`type`, `required`, ...):
    the change is about the value at the path so far. A location it cannot read
    (`$defs`, a malformed pointer) is taken as the whole document.
    """
    try:
        segments = list(parse_pointer(schema_pointer))
    except ValueError:
        return ()
    path: list[str] = []
    index = 0
    while index < len(segments):
        keyword = segments[index]
        following = segments[index + 1] if index + 1 < len(segments) else None
        if keyword in _NAMED or keyword in _ANY_KEY:
            if following is None:
                break
            path.append(following if keyword in _NAMED else WILDCARD)
            index += 2
        elif keyword in _ARRAYS:
            if following is not None and following.isdigit():
                path.append(following)
                index += 2
            else:
                path.append(WILDCARD)
                index += 1
        elif keyword in _ANY:
            path.append(WILDCARD)
            index += 1
        elif keyword in _BRANCHES:
            index += 2
        elif keyword in _SAME_VALUE:
            index += 1
        elif keyword in ("$defs", "definitions"):
            return ()
        else:
            break
    return tuple(path)


@dataclass(frozen=True)
class Readers:
    """A provider's direct consumers and what each reads of it (None: everything)."""

    consumers: tuple[tuple[str, dict[str, list[tuple[str, ...]]] | None], ...]

    def of(self, contract: str, change_pointer: str | None) -> list[str]:
        """The consumers a change to `contract` at `change_pointer` reaches (None: anywhere)."""
        path = instance_path(change_pointer) if change_pointer is not None else ()
        return [
            consumer
            for consumer, uses in self.consumers
            if uses is None or any(overlaps(p, path) for p in uses.get(contract, []))
        ]


def readers_of(conn: Connection, tool: str) -> Readers:
    from pai_deps.repo import dependencies, uses

    declared: dict[str, dict[str, list[tuple[str, ...]]]] = {}
    for row in uses.list_uses_of_provider(conn, provider_id=tool):
        by_contract = declared.setdefault(row.consumer_id, {})
        by_contract.setdefault(row.contract, []).append(parse_pointer(row.pointer))
    return Readers(
        tuple(
            (d.id, declared.get(d.id)) for d in dependencies.list_dependents_of(conn, tool_id=tool)
        )
    )


def attach_readers(conn: Connection, tool: str, items: Iterable[ContractDrift]) -> None:
    """Set each drifted contract's affected consumers, change by change."""
    drifted = [item for item in items if item.status == "drift"]
    if not drifted:
        return
    readers = readers_of(conn, tool)
    if not readers.consumers:
        return
    for item in drifted:
        name = item.contract.name
        item.affected = [readers.of(name, change.pointer) for change in item.changes]
        item.contract_readers = readers.of(name, None)
