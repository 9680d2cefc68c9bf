"""Reliability along the graph: the compound over everything a tool reaches, and the
weakest single path (the chain most likely to fail)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pai_deps.errors import PaiDepsError
from pai_deps.graph.digraph import Adjacency, Graph
from pai_deps.graph.walks import reachable


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
        n = len(graph.ids)
        self._succ: Adjacency = [
            tuple(v for v in adj if v != u) for u, adj in enumerate(graph.succ)
        ]
        # Self-loops change no component nor its number: the graph's own numbering holds.
        self._comp = comp = graph.components()
        sizes = [0] * n  # component numbers are below n
        for c in comp:
            sizes[c] += 1
        self._comp_size = sizes
        self._weight: list[float | None] = [None] * n
        self._done = bytearray(n)
        # Per node: reaches a non-trivial SCC (then DP values are only bounds).
        self._cyclic = bytearray(n)
        self._best: list[float] = [0.0] * n
        self._next: list[int] = [-1] * n
        # Per component (filled before any component that reaches it is): total weight,
        # and best bound after leaving it.
        self._comp_weight = [0.0] * n
        self._comp_after = [0.0] * n
        # Per acyclic node: the lowest (reliability, index) on its DP path, so the weakest
        # tool of a start's path needs no walk (index order is id order: ties alike).
        self._lowest: list[tuple[float, int]] = [(0.0, -1)] * n

    def _w(self, u: int) -> float:
        weight = self._weight[u]
        if weight is None:
            tool = self._graph.ids[u]
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
            self._fill_component(c, pending[i:j])
            i = j

    def prepare_all(self) -> None:
        """Fill every component, in number order (what each reaches first): for starts
        covering most of the graph, cheaper than a walk and a sort from each."""
        groups: list[list[int]] = [[] for _ in range(max(self._comp, default=-1) + 1)]
        for u, c in enumerate(self._comp):
            groups[c].append(u)  # ascending, as _prepare orders a component's members
        for c, group in enumerate(groups):
            self._fill_component(c, group)
        self._done = bytearray(b"\x01" * len(self._comp))

    def _fill_component(self, c: int, group: list[int]) -> None:
        """Totals and bounds of component `c` (its reachable members in `group`); for a
        single acyclic node also its DP value and best next step."""
        succ, comp = self._succ, self._comp
        weights, afters, reaches_cycle = self._comp_weight, self._comp_after, self._cyclic
        nontrivial = self._comp_size[c] > 1
        total = 0.0
        after = 0.0
        cyclic = nontrivial
        for u in group:
            total += self._w(u)
            for v in succ[u]:
                cv = comp[v]
                if cv != c:
                    cyclic = cyclic or bool(reaches_cycle[v])
                    bound = weights[cv] + afters[cv]
                    after = max(after, bound)
        self._comp_weight[c] = total
        self._comp_after[c] = after
        if nontrivial:
            for u in group:
                self._cyclic[u] = 1
            return
        (u,) = group
        self._cyclic[u] = int(cyclic)
        best_next, best_value = -1, -1.0
        for v in succ[u]:  # ascending ids: strict > keeps the smallest on ties
            if self._best[v] > best_value:
                best_next, best_value = v, self._best[v]
        self._next[u] = best_next
        self._best[u] = self._w(u) + max(best_value, 0.0)
        if not cyclic:
            own = (self._rel[self._graph.ids[u]], u)
            self._lowest[u] = own if best_next < 0 else min(own, self._lowest[best_next])

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
        budget = min(self._max_steps, self._steps_left)
        state = _Search(self, start)
        stack: list[tuple[int, list[int], int]] = [(start, state.children(start), 0)]
        exact = True
        while stack:
            u, options, i = stack[-1]
            if i == 0:
                state.steps += 1 + len(options)
                if state.steps > budget:
                    exact = False
                    state.offer(*self._greedy(state.path, state.value))
                    break
                options = state.arrive(u, options)
            # Re-checked before every child: the incumbent may have improved.
            if i < len(options) and state.hopeless(u):
                options = []
            if i >= len(options):
                stack.pop()
                state.leave(u)
                continue
            stack[-1] = (u, options, i + 1)
            v = options[i]
            state.enter(v)
            stack.append((v, state.children(v) if self._cyclic[v] else [], 0))
        self._steps_left = max(0, self._steps_left - state.steps)
        return state.best_path, exact

    def solve(self, start: str) -> WeakestPath:
        """The weakest path from `start` (the path `[start]` when it has no deps)."""
        s = self._graph.index_of(start)
        self._prepare(s)
        ids = self._graph.ids
        if self._cyclic[s]:
            indices, exact = self._search(s)
            lowest = min((self._rel[ids[i]], i) for i in indices)
        else:
            indices, exact = self._dp_path(s), True
            lowest = self._lowest[s]
        path = list(map(ids.__getitem__, indices))
        # Left to right, as the reference multiplies (math.prod keeps the order: 1 * r0
        # is r0 exactly). The weakest tool: the lowest figure, ties to the smallest id.
        product = float(math.prod(map(self._rel.__getitem__, path)))
        return WeakestPath(path, product, ids[lowest[1]], exact)


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
    chosen = graph.nodes if starts is None else list(starts)
    if 2 * len(chosen) >= len(graph):
        solver.prepare_all()
    return {s: solver.solve(s) for s in chosen}


class _Search:
    """The path being explored by `WeakestPathSolver._search` and the best one so far."""

    def __init__(self, solver: WeakestPathSolver, start: int) -> None:
        self.solver = solver
        self.steps = 0
        self.best_value = -1.0
        self.best_path: list[int] = []
        self.path = [start]
        self.on_path = {start}
        weight = solver._w(start)
        self.used: dict[int, float] = {solver._comp[start]: weight}
        self.value = weight

    def children(self, u: int) -> list[int]:
        """Unused successors of u, most promising first."""
        solver = self.solver
        options = [v for v in solver._succ[u] if v not in self.on_path]
        options.sort(key=lambda v: (-solver._estimate(v), v))
        return options

    def offer(self, path: list[int], value: float) -> None:
        if value > self.best_value:
            self.best_value, self.best_path = value, path

    def arrive(self, u: int, options: list[int]) -> list[int]:
        """Score the path on first arriving at u; the children still worth trying."""
        solver = self.solver
        if not solver._cyclic[u]:
            # Acyclic from here: the path above cannot block it, DP is exact.
            total = self.value - solver._w(u) + solver._best[u]
            if total > self.best_value:
                self.best_value = total
                self.best_path = self.path[:-1] + solver._dp_path(u)
            return []
        if not options and self.value > self.best_value:
            self.best_value, self.best_path = self.value, list(self.path)
        return options

    def hopeless(self, u: int) -> bool:
        """No extension of the path through u's component can beat the incumbent."""
        solver = self.solver
        c = solver._comp[u]
        bound = self.value + (solver._comp_weight[c] - self.used[c]) + solver._comp_after[c]
        return bound <= self.best_value

    def enter(self, v: int) -> None:
        weight = self.solver._w(v)
        self.path.append(v)
        self.on_path.add(v)
        self.value += weight
        c = self.solver._comp[v]
        self.used[c] = self.used.get(c, 0.0) + weight

    def leave(self, u: int) -> None:
        weight = self.solver._w(u)
        self.path.pop()
        self.on_path.discard(u)
        self.value -= weight
        self.used[self.solver._comp[u]] -= weight
