"""At registration: do the fields a consumer says it reads exist in its provider's schema?

A pointer that matches nothing in the schema is most likely misspelt, or the field went
away; either way the consumer's `uses` no longer protects it. Checked both ways: when a
consumer registers (against its providers' stored schemas) and when a provider registers
(its consumers' pointers against the schemas it is being registered with now). Providers
not registered yet (stubs) and contracts without a schema cannot be checked and are not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pai_deps.db import Connection
from pai_deps.pointers import parse_pointer, reach
from pai_deps.repo import contracts, tools, uses

if TYPE_CHECKING:
    from pai_deps.registry.prepare import PreparedManifest


@dataclass(frozen=True)
class UseProblem:
    """One declared use the provider's schema does not back."""

    consumer: str
    provider: str
    contract: str
    pointer: str | None  # None: the contract itself is not declared

    @property
    def kind(self) -> str:
        return "unused-pointer" if self.pointer is not None else "unknown-contract"

    def message(self) -> str:
        if self.pointer is None:
            return (
                f"{self.consumer} uses contract '{self.contract}' of {self.provider}, "
                f"which {self.provider} does not declare"
            )
        return (
            f"{self.consumer} reads {self.pointer} of '{self.contract}' ({self.provider}), "
            "which matches nothing in its schema"
        )


def problems_with(
    consumer: str,
    provider: str,
    declared: Mapping[str, list[str]],
    schemas: Mapping[str, list[Any]],
) -> list[UseProblem]:
    """The problems of one consumer's uses of one provider.

    `declared` maps a contract name to the pointers read (`""` for all of it); `schemas`
    maps each contract name the provider declares to its schema documents (several when
    one name is both an MCP tool's input and output; none when it has no schema).
    """
    found: list[UseProblem] = []
    for contract, pointers in declared.items():
        if contract not in schemas:
            found.append(UseProblem(consumer, provider, contract, None))
            continue
        documents = schemas[contract]
        if not documents:
            continue
        for pointer in pointers:
            segments = parse_pointer(pointer)
            if not any(reach(doc, segments).matched for doc in documents):
                found.append(UseProblem(consumer, provider, contract, pointer))
    return found


def _documents(snapshots: Iterable[tuple[str, str | None]]) -> dict[str, list[Any]]:
    by_name: dict[str, list[Any]] = {}
    for name, snapshot in snapshots:
        documents = by_name.setdefault(name, [])
        if snapshot is not None:
            documents.append(json.loads(snapshot))
    return by_name


def check_registration(conn: Connection, prepared: PreparedManifest) -> list[UseProblem]:
    """The use problems a registration reveals, as a consumer and as a provider.

    Call after the tool's rows are written (its uses are read back from the database).
    """
    manifest = prepared.manifest
    found: list[UseProblem] = []
    for dep in manifest.depends_on:
        if not dep.uses:
            continue
        provider = tools.get_tool(conn, id=dep.name)
        if provider is None or provider.stub:
            continue
        schemas = _documents(
            (c.name, c.schema_snapshot) for c in contracts.list_contracts_of(conn, tool_id=dep.name)
        )
        declared = {use.contract: list(use.fields or [""]) for use in dep.uses}
        found.extend(problems_with(manifest.name, dep.name, declared, schemas))
    own = _documents((spec.name, spec.schema_snapshot) for spec in prepared.contracts)
    by_consumer: dict[str, dict[str, list[str]]] = {}
    for row in uses.list_uses_of_provider(conn, provider_id=manifest.name):
        by_consumer.setdefault(row.consumer_id, {}).setdefault(row.contract, []).append(row.pointer)
    for consumer, declared in by_consumer.items():
        found.extend(problems_with(consumer, manifest.name, declared, own))
    return found
