"""Bounded enumeration of the shortest simple paths between two nodes."""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass
from typing import Literal

from pai_deps.errors import UsageError
from pai_deps.graph.components import component_numbers
from pai_deps.graph.digraph import Adjacency, Graph
from pai_deps.graph.walks import bfs_distances

StopReason = Literal["deadline", "work_budget"]


@dataclass(frozen=True, slots=True)
class PathSearch:
    """The answer of a bounded path enumeration.

    `paths` are simple paths in nondecreasing hop count, ties in lexicographic id order.
    `truncated` is True exactly when more qualifying paths exist than are listed (so
    "N+" is never a guess). `stopped_early` means the deadline or work budget ran out
    before `limit` paths were found; `paths` are then still the shortest ones, in order.
    """

    paths: list[list[str]]
    truncated: bool
    stopped_early: bool = False
    reason: StopReason | None = None


@dataclass(slots=True)
class Enumeration:
    paths: list[tuple[int, ...]]
    truncated: bool
    reason: StopReason | None


def enumerate_paths(
    succ: Adjacency,
    pred: Adjacency,
    src: int,
    dst: int,
    *,
    limit: int,
    max_length: int | None,
    deadline: float | None,
    max_work: int,
) -> Enumeration:
    """Best-first enumeration of simple src -> dst paths (src != dst) by (hops, ids).

    Every partial path in the heap is keyed by (hops so far + exact length of the
    shortest simple completion, path). That key never decreases along an extension and
    equals the final length for complete paths, so complete paths pop in (length, path)
    order. The remaining distance is the plain BFS distance to dst unless the path's last
    node shares the next node's SCC (only then can the path contain it or block its
    completion: path nodes are its ancestors), in which case a BFS avoiding the path
    gives it. Partial paths with no completion, or
    whose best completion exceeds `max_length`, are never pushed, so every pop is a
    prefix of an answer: work is polynomial (about limit x length x degree pushes) and an
    unreachable target costs one BFS. It also makes `truncated` exact: the heap is
    non-empty after the last answer iff another path exists.
    """
    dist = bfs_distances(pred, dst)
    if dist[src] < 0 or (max_length is not None and dist[src] > max_length):
        return Enumeration([], False, None)
    search = _BestFirst(succ, dist, dst, max_length)
    heap: list[tuple[int, tuple[int, ...]]] = [(dist[src], (src,))]
    found: list[tuple[int, ...]] = []
    reason: StopReason | None = None
    while heap and len(found) < limit:
        if deadline is not None and time.monotonic() > deadline:
            reason = "deadline"
            break
        if search.work > max_work:
            reason = "work_budget"
            break
        _, path = heapq.heappop(heap)
        if path[-1] == dst:
            found.append(path)
            continue
        for entry in search.extensions(path):
            heapq.heappush(heap, entry)
    return Enumeration(found, bool(heap), reason)


class _BestFirst:
    """The state of one `enumerate_paths` run: distances, components and work done."""

    def __init__(self, succ: Adjacency, dist: list[int], dst: int, max_length: int | None):
        self.succ = succ
        self.dist = dist
        self.dst = dst
        self.max_length = max_length
        self.comp = component_numbers(succ)
        self.work = 0

    def extensions(self, path: tuple[int, ...]) -> list[tuple[int, tuple[int, ...]]]:
        """(key, path + v) for every successor v of the path's end that can still finish."""
        u = path[-1]
        hops = len(path)  # hop count once extended by one node
        out = []
        for v in self.succ[u]:
            self.work += 1
            remaining = self._remaining(path, hops, v)
            if remaining < 0:
                continue
            total = hops + remaining
            if self.max_length is not None and total > self.max_length:
                continue
            out.append((total, (*path, v)))
        return out

    def _remaining(self, path: tuple[int, ...], hops: int, v: int) -> int:
        """Hops of the shortest simple completion from v given `path`; -1 when none."""
        if v == self.dst:
            return 0
        remaining = self.dist[v]
        # A simple path leaves an SCC for good, so only a path whose last node shares
        # v's SCC can contain v or block v's way to dst.
        if remaining < 0 or self.comp[v] != self.comp[path[-1]]:
            return remaining
        if v in path:
            return -1
        bound = None if self.max_length is None else self.max_length - hops
        return self._restricted_distance(v, path, bound)

    def _restricted_distance(self, start: int, blocked: tuple[int, ...], bound: int | None) -> int:
        """Hops from start to dst avoiding `blocked`; -1 if none (within `bound`)."""
        seen = set(blocked)
        seen.add(start)
        frontier = [start]
        depth = 0
        while frontier:
            depth += 1
            if bound is not None and depth > bound:
                return -1
            nxt: list[int] = []
            for u in frontier:
                adjacency = self.succ[u]
                self.work += len(adjacency)
                for v in adjacency:
                    if v == self.dst:
                        return depth
                    if v not in seen and self.dist[v] >= 0:
                        seen.add(v)
                        nxt.append(v)
            frontier = nxt
        return -1


def k_shortest_paths(
    graph: Graph,
    src: str,
    dst: str,
    *,
    limit: int = 10,
    max_length: int | None = None,
    deadline_s: float | None = 1.0,
    max_work: int = 2_000_000,
) -> PathSearch:
    """The `limit` shortest simple paths src -> dst (see `PathSearch` for the contract).

    `max_length` caps the hop count. `src == dst` gives `[[src]]` (a cycle is not a
    simple path). The search is best-first with an exact remaining-distance heuristic
    (see `enumerate_paths`); `deadline_s`/`max_work` are a safety net, not the pruning.
    """
    s = graph.index_of(src)
    t = graph.index_of(dst)
    if limit < 1:
        raise UsageError("limit must be at least 1")
    if max_length is not None and max_length < 0:
        raise UsageError("max length must not be negative")
    if s == t:
        return PathSearch([[src]], False)
    deadline = None if deadline_s is None else time.monotonic() + deadline_s
    result = enumerate_paths(
        graph.succ,
        graph.pred,
        s,
        t,
        limit=limit,
        max_length=max_length,
        deadline=deadline,
        max_work=max_work,
    )
    ids = graph.ids
    return PathSearch(
        [[ids[i] for i in path] for path in result.paths],
        result.truncated,
        result.reason is not None,
        result.reason,
    )
