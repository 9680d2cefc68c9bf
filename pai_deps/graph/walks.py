"""Walks: everything reachable from a node at its minimum depth, and one shortest path."""

from __future__ import annotations

from dataclasses import dataclass

from pai_deps.errors import UsageError
from pai_deps.graph.digraph import Adjacency, Graph


@dataclass(frozen=True, slots=True)
class Reach:
    """How a node was reached: its minimum hop count and the neighbour it came through.

    `via` is the smallest id among the nodes one hop closer to the start on a shortest
    path (the start itself for depth 1).
    """

    depth: int
    via: str


def reachable(
    graph: Graph, start: str, *, reverse: bool = False, max_depth: int | None = None
) -> dict[str, Reach]:
    """Every node reachable from `start` (dependencies; dependents with `reverse`).

    Each node appears once at its minimum depth; `start` never appears, even on a cycle.
    `max_depth=n` keeps nodes at depth <= n (so 1 means direct neighbours only). The dict
    iterates in (depth, id) order, which is a breadth-first discovery order.
    """
    if max_depth is not None and max_depth < 0:
        raise UsageError("depth must not be negative")
    s = graph.index_of(start)
    adjacency = graph.pred if reverse else graph.succ
    ids = graph.ids
    seen = bytearray(len(ids))
    seen[s] = 1
    result: dict[str, Reach] = {}
    frontier = [s]
    depth = 0
    while frontier and (max_depth is None or depth < max_depth):
        depth += 1
        found: list[tuple[int, int]] = []
        # Frontier is sorted, so the first discoverer is the smallest shortest-path parent.
        for u in frontier:
            for v in adjacency[u]:
                if not seen[v]:
                    seen[v] = 1
                    found.append((v, u))
        found.sort()
        for v, u in found:
            result[ids[v]] = Reach(depth, ids[u])
        frontier = [v for v, _ in found]
    return result


def bfs_distances(adjacency: Adjacency, source: int) -> list[int]:
    """Hop distances from `source` along `adjacency`; -1 where unreachable."""
    dist = [-1] * len(adjacency)
    dist[source] = 0
    frontier = [source]
    depth = 0
    while frontier:
        depth += 1
        nxt: list[int] = []
        for u in frontier:
            for v in adjacency[u]:
                if dist[v] < 0:
                    dist[v] = depth
                    nxt.append(v)
        frontier = nxt
    return dist


def shortest_path(graph: Graph, src: str, dst: str) -> list[str] | None:
    """The lexicographically smallest of the shortest paths src -> dst, or None.

    `src == dst` gives `[src]`. This is always `k_shortest_paths(..., limit=1)`'s answer.
    """
    s = graph.index_of(src)
    t = graph.index_of(dst)
    if s == t:
        return [src]
    # Distances to dst (BFS on the reverse graph), stopping once src is labelled: every
    # node nearer to dst than src is labelled by then, and the walk below needs no other.
    dist = [-1] * len(graph.ids)
    dist[t] = 0
    frontier = [t]
    depth = 0
    while frontier and dist[s] < 0:
        depth += 1
        nxt: list[int] = []
        for u in frontier:
            for v in graph.pred[u]:
                if dist[v] < 0:
                    dist[v] = depth
                    nxt.append(v)
        frontier = nxt
    if dist[s] < 0:
        return None
    path = [s]
    u = s
    while u != t:
        u = next(v for v in graph.succ[u] if dist[v] == dist[u] - 1)
        path.append(u)
    return [graph.ids[i] for i in path]
