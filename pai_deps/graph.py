"""Graph algorithms that SQL expresses badly: path enumeration, SCCs, cycles, reliability.

Transitive closures live in recursive CTEs; this module works on an in-memory adjacency
list read by one query (rows of ``(consumer_id, provider_id)``: the consumer depends on
the provider, so a forward edge points consumer -> provider).

Every function is deterministic (ties go to the smaller id, comparing ids as Python
strings, i.e. by code point), iterative (a 10,000-node chain needs no recursion) and
bounded where the problem is exponential. Internally nodes are numbered in sorted id
order, so comparing index tuples is the same as comparing id tuples.
"""

from __future__ import annotations

import heapq
import math
import time
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from pai_deps.errors import PaiDepsError, ToolNotFoundError, UsageError

__all__ = [
    "CycleSearch",
    "Graph",
    "PathSearch",
    "Reach",
    "StopReason",
    "WeakestPath",
    "WeakestPathSolver",
    "canonical_cycle",
    "compound_reliability",
    "cycle_edges",
    "cycles_through",
    "k_shortest_paths",
    "reachable",
    "search_cycles_through",
    "shortest_path",
    "strongly_connected_components",
    "weakest_path",
    "weakest_paths",
]

StopReason = Literal["deadline", "work_budget"]

_Adjacency = list[tuple[int, ...]]


class Graph:
    """An immutable directed graph over string ids with sorted adjacency both ways.

    Duplicate edges collapse; an edge naming an unknown node adds that node (the SQL
    side keeps stubs, so a dangling edge is a stub we have not been told about).
    """

    __slots__ = ("_ids", "_index", "_pred", "_succ")

    def __init__(self, nodes: Iterable[str] = (), edges: Iterable[tuple[str, str]] = ()) -> None:
        node_set = set(nodes)
        edge_set: set[tuple[str, str]] = set()
        for consumer, provider in edges:
            edge_set.add((consumer, provider))
            node_set.add(consumer)
            node_set.add(provider)
        ids = sorted(node_set)
        index = {node: i for i, node in enumerate(ids)}
        succ: list[list[int]] = [[] for _ in ids]
        pred: list[list[int]] = [[] for _ in ids]
        for consumer, provider in edge_set:
            succ[index[consumer]].append(index[provider])
            pred[index[provider]].append(index[consumer])
        self._ids: tuple[str, ...] = tuple(ids)
        self._index: dict[str, int] = index
        self._succ: _Adjacency = [tuple(sorted(adj)) for adj in succ]
        self._pred: _Adjacency = [tuple(sorted(adj)) for adj in pred]

    @classmethod
    def _from_parts(
        cls, ids: tuple[str, ...], index: dict[str, int], succ: _Adjacency, pred: _Adjacency
    ) -> Graph:
        graph = cls.__new__(cls)
        graph._ids = ids
        graph._index = index
        graph._succ = succ
        graph._pred = pred
        return graph

    def reversed(self) -> Graph:
        """The same graph with every edge flipped (dependents become dependencies)."""
        return Graph._from_parts(self._ids, self._index, self._pred, self._succ)

    @property
    def nodes(self) -> tuple[str, ...]:
        """All node ids, sorted."""
        return self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, node: object) -> bool:
        return node in self._index

    def successors(self, node: str) -> tuple[str, ...]:
        """What `node` depends on, sorted."""
        return tuple(self._ids[j] for j in self._succ[self._require(node)])

    def predecessors(self, node: str) -> tuple[str, ...]:
        """What depends on `node`, sorted."""
        return tuple(self._ids[j] for j in self._pred[self._require(node)])

    def has_edge(self, consumer: str, provider: str) -> bool:
        u = self._index.get(consumer)
        v = self._index.get(provider)
        if u is None or v is None:
            return False
        return _sorted_contains(self._succ[u], v)

    def edges(self) -> Iterator[tuple[str, str]]:
        """Every edge once, in (consumer, provider) order."""
        ids = self._ids
        for u, adj in enumerate(self._succ):
            for v in adj:
                yield ids[u], ids[v]

    @property
    def edge_count(self) -> int:
        return sum(len(adj) for adj in self._succ)

    def _require(self, node: str) -> int:
        index = self._index.get(node)
        if index is None:
            raise ToolNotFoundError(node)
        return index


def _sorted_contains(items: tuple[int, ...], value: int) -> bool:
    i = bisect_left(items, value)
    return i < len(items) and items[i] == value


# --------------------------------------------------------------------------- reachability


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
    s = graph._require(start)
    adjacency = graph._pred if reverse else graph._succ
    ids = graph._ids
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


def _bfs_distances(adjacency: _Adjacency, source: int) -> list[int]:
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
    s = graph._require(src)
    t = graph._require(dst)
    if s == t:
        return [src]
    # Distances to dst (BFS on the reverse graph), stopping once src is labelled: every
    # node nearer to dst than src is labelled by then, and the walk below needs no other.
    dist = [-1] * len(graph._ids)
    dist[t] = 0
    frontier = [t]
    depth = 0
    while frontier and dist[s] < 0:
        depth += 1
        nxt: list[int] = []
        for u in frontier:
            for v in graph._pred[u]:
                if dist[v] < 0:
                    dist[v] = depth
                    nxt.append(v)
        frontier = nxt
    if dist[s] < 0:
        return None
    path = [s]
    u = s
    while u != t:
        u = next(v for v in graph._succ[u] if dist[v] == dist[u] - 1)
        path.append(u)
    return [graph._ids[i] for i in path]


# --------------------------------------------------------------------------- SCCs


def _tarjan(succ: _Adjacency) -> list[int]:
    """Component number per node (iterative Tarjan). Numbers are a reverse topological
    order of the condensation: every edge goes to an equal or smaller component number."""
    n = len(succ)
    index = [-1] * n
    low = [0] * n
    on_stack = bytearray(n)
    comp = [-1] * n
    stack: list[int] = []
    counter = 0
    components = 0
    for root in range(n):
        if index[root] != -1:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = 1
        work: list[list[int]] = [[root, 0]]
        while work:
            frame = work[-1]
            v, i = frame
            neighbours = succ[v]
            if i < len(neighbours):
                frame[1] = i + 1
                w = neighbours[i]
                if index[w] == -1:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = 1
                    work.append([w, 0])
                elif on_stack[w] and index[w] < low[v]:
                    low[v] = index[w]
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
            if low[v] == index[v]:
                while True:
                    w = stack.pop()
                    on_stack[w] = 0
                    comp[w] = components
                    if w == v:
                        break
                components += 1
    return comp


def strongly_connected_components(graph: Graph) -> list[list[str]]:
    """All SCCs, singletons included; each sorted, the list sorted by first member."""
    comp = _tarjan(graph._succ)
    groups: dict[int, list[str]] = {}
    for i, c in enumerate(comp):
        groups.setdefault(c, []).append(graph._ids[i])  # ids ascend, so groups are sorted
    return sorted(groups.values())


def cycle_edges(graph: Graph) -> set[tuple[str, str]]:
    """Every edge that lies on some cycle: both ends in one SCC (self-loops included).

    An edge u -> v is on a cycle exactly when v reaches u, i.e. when they share an SCC.
    """
    comp = _tarjan(graph._succ)
    ids = graph._ids
    return {
        (ids[u], ids[v]) for u, adj in enumerate(graph._succ) for v in adj if comp[u] == comp[v]
    }


# --------------------------------------------------------------------------- path enumeration


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
class _Enumeration:
    paths: list[tuple[int, ...]]
    truncated: bool
    reason: StopReason | None


def _enumerate_paths(
    succ: _Adjacency,
    pred: _Adjacency,
    src: int,
    dst: int,
    *,
    limit: int,
    max_length: int | None,
    deadline: float | None,
    max_work: int,
) -> _Enumeration:
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
    dist = _bfs_distances(pred, dst)
    if dist[src] < 0 or (max_length is not None and dist[src] > max_length):
        return _Enumeration([], False, None)
    comp = _tarjan(succ)
    work = 0

    def restricted_distance(start: int, blocked: tuple[int, ...], bound: int | None) -> int:
        """Hops from start to dst avoiding `blocked`; -1 if none (within `bound`)."""
        nonlocal work
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
                adjacency = succ[u]
                work += len(adjacency)
                for v in adjacency:
                    if v == dst:
                        return depth
                    if v not in seen and dist[v] >= 0:
                        seen.add(v)
                        nxt.append(v)
            frontier = nxt
        return -1

    heap: list[tuple[int, tuple[int, ...]]] = [(dist[src], (src,))]
    found: list[tuple[int, ...]] = []
    reason: StopReason | None = None
    while heap and len(found) < limit:
        if deadline is not None and time.monotonic() > deadline:
            reason = "deadline"
            break
        if work > max_work:
            reason = "work_budget"
            break
        _, path = heapq.heappop(heap)
        u = path[-1]
        if u == dst:
            found.append(path)
            continue
        hops = len(path)  # hop count once extended by one node
        cu = comp[u]
        for v in succ[u]:
            work += 1
            if v == dst:
                remaining = 0
            else:
                remaining = dist[v]
                if remaining < 0:
                    continue
                # A simple path leaves an SCC for good, so only a path whose last node
                # shares v's SCC can contain v or block v's way to dst.
                if comp[v] == cu:
                    if v in path:
                        continue
                    bound = None if max_length is None else max_length - hops
                    remaining = restricted_distance(v, path, bound)
                    if remaining < 0:
                        continue
            total = hops + remaining
            if max_length is not None and total > max_length:
                continue
            heapq.heappush(heap, (total, (*path, v)))
    return _Enumeration(found, bool(heap), reason)


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
    (see `_enumerate_paths`); `deadline_s`/`max_work` are a safety net, not the pruning.
    """
    s = graph._require(src)
    t = graph._require(dst)
    if limit < 1:
        raise UsageError("limit must be at least 1")
    if max_length is not None and max_length < 0:
        raise UsageError("max length must not be negative")
    if s == t:
        return PathSearch([[src]], False)
    deadline = None if deadline_s is None else time.monotonic() + deadline_s
    result = _enumerate_paths(
        graph._succ,
        graph._pred,
        s,
        t,
        limit=limit,
        max_length=max_length,
        deadline=deadline,
        max_work=max_work,
    )
    ids = graph._ids
    return PathSearch(
        [[ids[i] for i in path] for path in result.paths],
        result.truncated,
        result.reason is not None,
        result.reason,
    )


# --------------------------------------------------------------------------- cycles


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
    simple paths node -> copy, enumerated by `_enumerate_paths`.
    """
    v0 = graph._require(node)
    if limit < 1:
        raise UsageError("limit must be at least 1")
    comp = _tarjan(graph._succ)
    members = [i for i, c in enumerate(comp) if c == comp[v0]]  # ascending = id order
    local = {g: i for i, g in enumerate(members)}
    sink = len(members)
    succ: list[list[int]] = [[] for _ in range(sink + 1)]
    pred: list[list[int]] = [[] for _ in range(sink + 1)]
    for g in members:
        u = local[g]
        for h in graph._succ[g]:
            if h not in local:
                continue
            v = sink if h == v0 else local[h]
            succ[u].append(v)
            pred[v].append(u)
    deadline = None if deadline_s is None else time.monotonic() + deadline_s
    result = _enumerate_paths(
        [tuple(a) for a in succ],
        [tuple(sorted(a)) for a in pred],
        local[v0],
        sink,
        limit=limit,
        max_length=None,
        deadline=deadline,
        max_work=max_work,
    )
    ids = graph._ids
    cycles = [list(canonical_cycle([ids[members[i]] for i in path[:-1]])) for path in result.paths]
    cycles.sort(key=lambda c: (len(c), c))
    return CycleSearch(cycles, result.truncated, result.reason is not None, result.reason)


def cycles_through(graph: Graph, node: str, *, limit: int = 100) -> list[list[str]]:
    """The elementary cycles containing `node` (see `search_cycles_through`).

    Each cycle is a list without the repeated start, rotated to begin at its smallest id:
    `["a","b","c"]` is a -> b -> c -> a; a self-loop is `["a"]`.
    """
    return search_cycles_through(graph, node, limit=limit).cycles


# --------------------------------------------------------------------------- reliability


def compound_reliability(graph: Graph, start: str, rel: Mapping[str, float]) -> float:
    """rel(start) x the product of rel(d) over every node reachable from start, once each.

    Multiplied in `reachable()` order starting with rel(start), so the float matches the
    reference's worked values (a 5-chain at 0.95 gives 0.7737809374999999).
    """
    product = rel[start]
    for node in reachable(graph, start):
        product *= rel[node]
    return product


@dataclass(frozen=True, slots=True)
class WeakestPath:
    """The simple path from a tool with the lowest product of reliabilities.

    `product` is multiplied left to right along `path` (start included); `weakest_tool`
    is the least reliable tool on it (ties: smallest id). `exact` is False only when the
    reachable subgraph has cycles and the bounded search ran out of budget.
    """

    path: list[str]
    product: float
    weakest_tool: str
    exact: bool


# -log(r) for r == 0 would be inf, and inf - inf poisons the bounds; any finite weight
# above -log(smallest positive float) (~745) ranks a zero-reliability tool worst.
_ZERO_WEIGHT = 1e6


class WeakestPathSolver:
    """Weakest paths for many starts, sharing work between them.

    Minimising a product of reliabilities in (0, 1] is maximising the sum of -log r. In a
    DAG the best continuation from a node does not depend on how it was reached, so it is
    computed once per node (DP in reverse topological order, taken from Tarjan's
    component numbering). A start whose reachable subgraph has a cycle needs a search
    over simple paths (longest path is NP-hard): branch and bound, bounded by an upper
    bound from the condensation (a simple path visits each SCC once, contiguously, so it
    gains at most the whole SCC's weight there), with the DP value as an exact leaf as
    soon as the path enters acyclic territory. Self-loops are ignored: a simple path
    cannot use them.

    The search is bounded by `max_steps` work units per start and `total_steps` for the
    solver's lifetime (so `--all` over a dense cyclic registry stays fast); past either,
    the answer is the best found plus a greedy completion, with `exact=False`. A start
    whose reachable subgraph is acyclic is always exact and costs O(path length) after
    the shared O(V + E) DP. Every reachable tool needs an entry in `rel` (KeyError).
    """

    def __init__(
        self,
        graph: Graph,
        rel: Mapping[str, float],
        *,
        max_steps: int = 50_000,
        total_steps: int = 1_000_000,
    ) -> None:
        self._graph = graph
        self._rel = rel
        self._max_steps = max_steps
        self._steps_left = total_steps
        n = len(graph._ids)
        self._succ: _Adjacency = [
            tuple(v for v in adj if v != u) for u, adj in enumerate(graph._succ)
        ]
        self._comp = comp = _tarjan(self._succ)
        sizes: dict[int, int] = {}
        for c in comp:
            sizes[c] = sizes.get(c, 0) + 1
        self._comp_size = sizes
        self._weight: list[float | None] = [None] * n
        self._done = bytearray(n)
        # Per node: reaches a non-trivial SCC (then DP values are only bounds).
        self._cyclic = bytearray(n)
        self._best: list[float] = [0.0] * n
        self._next: list[int] = [-1] * n
        # Per component: total weight, and best bound after leaving it.
        self._comp_weight: dict[int, float] = {}
        self._comp_after: dict[int, float] = {}

    def _w(self, u: int) -> float:
        weight = self._weight[u]
        if weight is None:
            tool = self._graph._ids[u]
            r = self._rel[tool]
            if not 0.0 <= r <= 1.0:  # also rejects NaN
                raise PaiDepsError(
                    f"Reliability of '{tool}' must be between 0 and 1, got {r}",
                    code="invalid_reliability",
                    details={"tool": tool, "reliability": r},
                )
            weight = _ZERO_WEIGHT if r == 0.0 else -math.log(r)
            self._weight[u] = weight
        return weight

    def _prepare(self, start: int) -> None:
        """Fill DP values and component bounds for everything reachable from start."""
        if self._done[start]:
            return
        succ, comp, done = self._succ, self._comp, self._done
        todo = [start]
        done[start] = 1
        pending: list[int] = []
        while todo:
            u = todo.pop()
            pending.append(u)
            for v in succ[u]:
                if not done[v]:
                    done[v] = 1
                    todo.append(v)
        # Successors have smaller-or-equal component numbers; within a non-trivial
        # component only its totals are needed, so process components in order.
        pending.sort(key=lambda x: (comp[x], x))
        i = 0
        while i < len(pending):
            c = comp[pending[i]]
            j = i
            while j < len(pending) and comp[pending[j]] == c:
                j += 1
            group = pending[i:j]
            i = j
            nontrivial = self._comp_size[c] > 1
            total = 0.0
            after = 0.0
            cyclic = nontrivial
            for u in group:
                total += self._w(u)
                for v in succ[u]:
                    cv = comp[v]
                    if cv != c:
                        cyclic = cyclic or bool(self._cyclic[v])
                        bound = self._comp_weight[cv] + self._comp_after[cv]
                        after = max(after, bound)
            self._comp_weight[c] = total
            self._comp_after[c] = after
            if nontrivial:
                for u in group:
                    self._cyclic[u] = 1
                continue
            (u,) = group
            self._cyclic[u] = int(cyclic)
            best_next, best_value = -1, -1.0
            for v in succ[u]:  # ascending ids: strict > keeps the smallest on ties
                if self._best[v] > best_value:
                    best_next, best_value = v, self._best[v]
            self._next[u] = best_next
            self._best[u] = self._w(u) + max(best_value, 0.0)

    def _dp_path(self, u: int) -> list[int]:
        path = [u]
        while self._next[u] >= 0:
            u = self._next[u]
            path.append(u)
        return path

    def _estimate(self, v: int) -> float:
        """Best achievable -log sum from v: exact off cycles, an upper bound on them."""
        if not self._cyclic[v]:
            return self._best[v]
        c = self._comp[v]
        return self._comp_weight[c] + self._comp_after[c]

    def _greedy(self, path: list[int], value: float) -> tuple[list[int], float]:
        """Extend a simple path by the most promising unused successor until stuck."""
        path = list(path)
        on_path = set(path)
        while True:
            u = path[-1]
            if not self._cyclic[u]:
                return path[:-1] + self._dp_path(u), value - self._w(u) + self._best[u]
            options = [v for v in self._succ[u] if v not in on_path]
            if not options:
                return path, value
            v = min(options, key=lambda x: (-self._estimate(x), x))
            path.append(v)
            on_path.add(v)
            value += self._w(v)

    def _search(self, start: int) -> tuple[list[int], bool]:
        """Branch and bound over simple paths from a start that reaches a cycle.

        Children are tried most promising first, so the first leaf is the greedy path;
        when the step budget runs out the answer is the better of the best leaf so far
        and a greedy completion of the path being explored (`exact=False`).
        """
        succ, comp, cyclic = self._succ, self._comp, self._cyclic
        budget = min(self._max_steps, self._steps_left)
        steps = 0
        best_value = -1.0
        best_path: list[int] = []
        path = [start]
        on_path = {start}
        used: dict[int, float] = {comp[start]: self._w(start)}
        value = self._w(start)

        def children(u: int) -> list[int]:
            options = [v for v in succ[u] if v not in on_path]
            options.sort(key=lambda v: (-self._estimate(v), v))
            return options

        stack: list[tuple[int, list[int], int]] = [(start, children(start), 0)]
        exact = True
        while stack:
            u, options, i = stack[-1]
            if i == 0:
                steps += 1 + len(options)
                if steps > budget:
                    exact = False
                    greedy_path, greedy_value = self._greedy(path, value)
                    if greedy_value > best_value:
                        best_value, best_path = greedy_value, greedy_path
                    break
                if not cyclic[u]:
                    # Acyclic from here: the path above cannot block it, DP is exact.
                    total = value - self._w(u) + self._best[u]
                    if total > best_value:
                        best_value = total
                        best_path = path[:-1] + self._dp_path(u)
                    options = []
                elif not options and value > best_value:
                    best_value, best_path = value, list(path)
            if i < len(options):
                # Re-checked before every child: the incumbent may have improved.
                c = comp[u]
                bound = value + (self._comp_weight[c] - used[c]) + self._comp_after[c]
                if bound <= best_value:
                    options = []
            if i >= len(options):
                stack.pop()
                path.pop()
                on_path.discard(u)
                w = self._w(u)
                value -= w
                used[comp[u]] -= w
                continue
            stack[-1] = (u, options, i + 1)
            v = options[i]
            w = self._w(v)
            path.append(v)
            on_path.add(v)
            value += w
            used[comp[v]] = used.get(comp[v], 0.0) + w
            stack.append((v, children(v) if cyclic[v] else [], 0))
        self._steps_left = max(0, self._steps_left - steps)
        return best_path, exact

    def solve(self, start: str) -> WeakestPath:
        """The weakest path from `start` (the path `[start]` when it has no deps)."""
        s = self._graph._require(start)
        self._prepare(s)
        if self._cyclic[s]:
            indices, exact = self._search(s)
        else:
            indices, exact = self._dp_path(s), True
        ids = self._graph._ids
        path = [ids[i] for i in indices]
        product = 1.0
        for tool in path:
            product *= self._rel[tool]
        weakest = min(path, key=lambda tool: (self._rel[tool], tool))
        return WeakestPath(path, product, weakest, exact)


def weakest_path(
    graph: Graph, start: str, rel: Mapping[str, float], *, max_steps: int = 50_000
) -> WeakestPath:
    """The simple path from `start` whose reliabilities multiply to the least.

    That is the single chain most likely to fail. Ties go to the smaller next id in the
    acyclic case. See `WeakestPathSolver`; use it (or `weakest_paths`) for many starts.
    """
    return WeakestPathSolver(graph, rel, max_steps=max_steps).solve(start)


def weakest_paths(
    graph: Graph,
    rel: Mapping[str, float],
    starts: Iterable[str] | None = None,
    *,
    max_steps: int = 50_000,
    total_steps: int = 1_000_000,
) -> dict[str, WeakestPath]:
    """Weakest paths for many starts (all nodes by default) with shared DP."""
    solver = WeakestPathSolver(graph, rel, max_steps=max_steps, total_steps=total_steps)
    return {s: solver.solve(s) for s in (graph.nodes if starts is None else starts)}
