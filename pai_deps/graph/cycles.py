"""Elementary cycles through a node, in canonical form (rotated to the smallest id)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from pai_deps.errors import UsageError
from pai_deps.graph.components import component_numbers
from pai_deps.graph.digraph import Graph
from pai_deps.graph.paths import StopReason, enumerate_paths


def canonical_cycle(cycle: Sequence[str]) -> tuple[str, ...]:
    """A cycle rotated to start at its smallest id, without the repeated start.

    Accepts either form: `["b","c","a"]` or `["b","c","a","b"]` both give
    `("a","b","c")`, meaning a -> b -> c -> a. A self-loop on a is `("a",)`.
    """
    nodes = list(cycle)
    if len(nodes) >= 2 and nodes[0] == nodes[-1]:
        nodes.pop()
    if not nodes:
        return ()
    pivot = nodes.index(min(nodes))
    return tuple(nodes[pivot:] + nodes[:pivot])


@dataclass(frozen=True, slots=True)
class CycleSearch:
    """Elementary cycles through a node, canonical form, sorted by (length, ids).

    When `truncated`, these are the `limit` shortest cycles (ties at the cut-off length
    chosen by the path order from the node) and more exist.
    """

    cycles: list[list[str]]
    truncated: bool
    stopped_early: bool = False
    reason: StopReason | None = None


def search_cycles_through(
    graph: Graph,
    node: str,
    *,
    limit: int = 100,
    deadline_s: float | None = 1.0,
    max_work: int = 2_000_000,
) -> CycleSearch:
    """Elementary cycles containing `node`, shortest first, at most `limit`.

    A cycle through node stays inside node's SCC, so the search runs on that SCC with
    the edges back into `node` redirected to a sink copy of it: the cycles are then the
    simple paths node -> copy, enumerated by `enumerate_paths`.
    """
    v0 = graph.index_of(node)
    if limit < 1:
        raise UsageError("limit must be at least 1")
    comp = component_numbers(graph.succ)
    members = [i for i, c in enumerate(comp) if c == comp[v0]]  # ascending = id order
    local = {g: i for i, g in enumerate(members)}
    sink = len(members)
    succ: list[list[int]] = [[] for _ in range(sink + 1)]
    pred: list[list[int]] = [[] for _ in range(sink + 1)]
    for g in members:
        u = local[g]
        for h in graph.succ[g]:
            if h not in local:
                continue
            v = sink if h == v0 else local[h]
            succ[u].append(v)
            pred[v].append(u)
    deadline = None if deadline_s is None else time.monotonic() + deadline_s
    result = enumerate_paths(
        [tuple(a) for a in succ],
        [tuple(sorted(a)) for a in pred],
        local[v0],
        sink,
        limit=limit,
        max_length=None,
        deadline=deadline,
        max_work=max_work,
    )
    ids = graph.ids
    cycles = [list(canonical_cycle([ids[members[i]] for i in path[:-1]])) for path in result.paths]
    cycles.sort(key=lambda c: (len(c), c))
    return CycleSearch(cycles, result.truncated, result.reason is not None, result.reason)


def cycles_through(graph: Graph, node: str, *, limit: int = 100) -> list[list[str]]:
    """The elementary cycles containing `node` (see `search_cycles_through`).

    Each cycle is a list without the repeated start, rotated to begin at its smallest id:
    `["a","b","c"]` is a -> b -> c -> a; a self-loop is `["a"]`.
    """
    return search_cycles_through(graph, node, limit=limit).cycles
