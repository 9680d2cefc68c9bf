"""`consumers`: which of a tool's direct dependents read a contract, or a field of one.

A dependent whose manifest declares no `uses` is assumed to read everything, so it is a
reader of every contract and field (conservative: impact is never under-reported).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pai_deps.errors import PaiDepsError
from pai_deps.pointers import PointerError, overlaps, parse_pointer
from pai_deps.results.consumers import Consumer, Consumers, ContractUse

if TYPE_CHECKING:
    from pai_deps.db import Connection
    from pai_deps.models import NeighbourRow, ReachRow, UseRow


def parse_field(field: str | None) -> tuple[str, ...] | None:
    """A field pointer as typed, or a one-line error."""
    if field is None:
        return None
    try:
        return parse_pointer(field)
    except PointerError as exc:
        raise PaiDepsError(
            f"'{field}' is not a field pointer: it {exc}", code="invalid_pointer"
        ) from None


def _known_contract(conn: Connection, tool: str, contract: str) -> None:
    from pai_deps.repo import contracts

    declared = sorted({c.name for c in contracts.list_contracts_of(conn, tool_id=tool)})
    if contract in declared:
        return
    from pai_deps.suggest import nearest

    close = nearest(contract, declared)
    raise PaiDepsError(
        f"'{tool}' declares no contract '{contract}'"
        + (f"; did you mean '{close[0]}'?" if close else "")
        + (f" (it declares: {', '.join(declared)})" if declared and not close else ""),
        code="unknown_contract",
        details={"tool": tool, "contract": contract, "contracts": declared, "suggestions": close},
    )


def _uses_of(
    rows: list[UseRow], contract: str | None, field: tuple[str, ...] | None
) -> list[ContractUse]:
    """The consumer's uses that meet the filters."""
    by_contract: dict[str, list[str]] = {}
    for row in rows:
        if contract is not None and row.contract != contract:
            continue
        if field is not None and not overlaps(parse_pointer(row.pointer), field):
            continue
        by_contract.setdefault(row.contract, []).append(row.pointer)
    return [ContractUse(contract=c, fields=f) for c, f in by_contract.items()]


def readers(
    conn: Connection, tool: str, *, contract: str | None, field: str | None
) -> list[tuple[NeighbourRow, bool, list[ContractUse]]]:
    """(dependent, declared, matching uses) for each direct dependent that reads what is asked."""
    from pai_deps.registry.read import require_tool
    from pai_deps.repo import dependencies, uses

    provider = require_tool(conn, tool)
    segments = parse_field(field)
    if contract is not None and not provider.stub:
        _known_contract(conn, tool, contract)
    declared: dict[str, list[UseRow]] = {}
    for row in uses.list_uses_of_provider(conn, provider_id=tool):
        declared.setdefault(row.consumer_id, []).append(row)
    found: list[tuple[NeighbourRow, bool, list[ContractUse]]] = []
    for dependent in dependencies.list_dependents_of(conn, tool_id=tool):
        rows = declared.get(dependent.id)
        if rows is None:  # declares nothing: reads everything
            found.append((dependent, False, []))
            continue
        matching = _uses_of(rows, contract, segments)
        if matching:
            found.append((dependent, True, matching))
    return found


def consumers(
    conn: Connection, tool: str, *, contract: str | None = None, field: str | None = None
) -> Consumers:
    """Who reads `tool` (or its `contract`, or the `field` of it), exactly as declared."""
    found = [
        Consumer(
            id=row.id,
            type=row.type,
            stub=row.stub,
            edge_type=row.edge_type,
            optional=row.optional,
            declared=declared,
            uses=matching,
        )
        for row, declared, matching in readers(conn, tool, contract=contract, field=field)
    ]
    return Consumers(tool=tool, contract=contract, field=field, consumers=found, count=len(found))


def narrow_walk(
    conn: Connection,
    tool: str,
    rows: list[ReachRow],
    *,
    contract: str | None,
    field: str | None,
    max_depth: int | None = None,
    skip_optional: bool = False,
) -> list[ReachRow]:
    """The part of a dependents walk (`rows`, min depth each) that goes through a reader.

    Readers are the direct dependents that read `contract`/`field` (see `readers`); the
    result is them and everything that depends on them, at its depth from `tool` through
    a reader, in the walk's order (depth, id). Costs the size of the walk, not the registry.
    """
    from collections import deque

    from pai_deps.repo import dependencies

    if contract is None and field is None:
        return rows
    by_id = {r.id: r for r in rows}
    start = [r.id for r, _, _ in readers(conn, tool, contract=contract, field=field)]
    frontier = deque(sorted(i for i in start if i in by_id and by_id[i].depth == 1))
    depth: dict[str, tuple[int, str]] = dict.fromkeys(frontier, (1, tool))
    consumers_of: dict[str, list[str]] = {}
    for edge in dependencies.list_edges_among(conn, ids=[tool, *by_id]):
        if not (skip_optional and edge.optional):
            consumers_of.setdefault(edge.provider_id, []).append(edge.consumer_id)
    while frontier:
        current = frontier.popleft()
        hops = depth[current][0]
        if max_depth is not None and hops >= max_depth:
            continue
        for consumer in sorted(consumers_of.get(current, [])):
            if consumer in by_id and consumer not in depth:
                depth[consumer] = (hops + 1, current)
                frontier.append(consumer)
    narrowed = [
        by_id[i].model_copy(update={"depth": d, "via": via}) for i, (d, via) in depth.items()
    ]
    return sorted(narrowed, key=lambda r: (r.depth, r.id))
