"""Cycle records: every elementary cycle through a tool stored once, resolved when it
breaks (or by hand); listing them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from pai_deps.db import Connection, transaction
from pai_deps.models import CycleRow
from pai_deps.repo import cycles, dependencies

if TYPE_CHECKING:
    from pai_deps.results.cycles import CycleList, CycleResolved

MAX_CYCLES_PER_TOOL = 100


def strongly_connected_with(conn: Connection, tool_id: str) -> list[str]:
    """The members of tool_id's strongly connected component (only tool_id if none).

    Computed from the two transitive walks, so the cost follows what the tool reaches,
    not the size of the registry.
    """
    from pai_deps.repo import graph as graph_queries

    if not dependencies.list_dependencies_of(conn, tool_id=tool_id):
        return [tool_id]
    forward = {
        r.id for r in graph_queries.transitive_dependencies(conn, tool_id=tool_id, max_depth=None)
    }
    if not forward:
        return [tool_id]
    backward = {
        r.id for r in graph_queries.transitive_dependents(conn, tool_id=tool_id, max_depth=None)
    }
    return sorted((forward & backward) | {tool_id})


def record_cycles_through(conn: Connection, tool_id: str, *, now: str) -> list[list[str]]:
    """Store every elementary cycle through the tool once; resolve its cycles that broke."""
    from pai_deps.graph import Graph, cycles_through

    resolve_broken_cycles(conn, tool_id)
    members = strongly_connected_with(conn, tool_id)
    if len(members) == 1:
        return []
    edges = dependencies.list_edges_among(conn, ids=members)
    graph = Graph(members, ((e.consumer_id, e.provider_id) for e in edges))
    found = cycles_through(graph, tool_id, limit=MAX_CYCLES_PER_TOOL)
    for cycle in found:
        cycles.upsert_cycle(conn, cycle=cycle, now=now)
    return found


def resolve_broken_cycles(conn: Connection, tool_id: str) -> list[CycleRow]:
    """Mark resolved the open cycles through `tool_id` that lost an edge."""
    broken = []
    for row in cycles.list_cycles_with(conn, tool_id=tool_id):
        present = {
            (e.consumer_id, e.provider_id)
            for e in dependencies.list_edges_among(conn, ids=row.cycle)
        }
        ring = list(zip(row.cycle, [*row.cycle[1:], row.cycle[0]], strict=True))
        if not all(edge in present for edge in ring):
            cycles.resolve_cycle(conn, id=row.id)
            broken.append(row)
    return broken


def record_all_cycles(conn: Connection, tool_ids: Iterable[str], *, now: str) -> list[list[str]]:
    """Bulk form for `sync`: one graph load, cycles through any of the given tools."""
    from pai_deps.graph import Graph, cycles_through, strongly_connected_components

    wanted = set(tool_ids)
    for tool_id in sorted(wanted):
        resolve_broken_cycles(conn, tool_id)
    from pai_deps.repo import graph as graph_queries

    # One JSON row of tuples, not a model per edge: a fresh sync of 50,000 loads 150,000.
    edges = graph_queries.edge_list(conn).edges
    graph = Graph((), ((consumer, provider) for consumer, provider, _, _ in edges))
    del edges
    found: dict[tuple[str, ...], list[str]] = {}
    for component in strongly_connected_components(graph):
        if len(component) < 2:
            continue
        for member in sorted(wanted.intersection(component)):
            for cycle in cycles_through(graph, member, limit=MAX_CYCLES_PER_TOOL):
                found.setdefault(tuple(cycle), cycle)
    for cycle in found.values():
        cycles.upsert_cycle(conn, cycle=cycle, now=now)
    return sorted(found.values(), key=lambda c: (len(c), c))


def list_cycles(conn: Connection, *, include_resolved: bool) -> CycleList:
    """`cycles`: the open cycles (every recorded one with `include_resolved`)."""
    from pai_deps.results.cycles import CycleList

    rows = cycles.list_cycles(conn, include_resolved=include_resolved)
    return CycleList(cycles=rows, count=len(rows))


def resolve_cycle_by_hand(conn: Connection, cycle_id: int) -> CycleResolved:
    """`cycles resolve`: mark a cycle resolved (it re-opens if it is detected again)."""
    from pai_deps.errors import NotFoundError
    from pai_deps.results.cycles import CycleResolved

    with transaction(conn):
        row = cycles.get_cycle(conn, id=cycle_id)
        if row is None:
            raise NotFoundError(f"Cycle {cycle_id} not found", code="cycle_not_found")
        cycles.resolve_cycle(conn, id=cycle_id)
        resolved = cycles.get_cycle(conn, id=cycle_id)
        assert resolved is not None
    return CycleResolved(id=resolved.id, cycle=resolved.cycle)
