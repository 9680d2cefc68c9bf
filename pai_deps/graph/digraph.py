"""The in-memory dependency graph: string ids outside, sorted integer adjacency inside.

A forward edge points consumer -> provider (the consumer depends on the provider). Nodes
are numbered in sorted id order, so comparing index tuples is the same as comparing id
tuples; the algorithms of this package work on the numbers (`ids`, `succ`, `pred`,
`index_of`) and answer in ids.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator

from pai_deps.errors import ToolNotFoundError

# Per node (by index): the sorted indices of its neighbours.
Adjacency = list[tuple[int, ...]]


class Graph:
    """An immutable directed graph over string ids with sorted adjacency both ways.

    Duplicate edges collapse; an edge naming an unknown node adds that node (the SQL
    side keeps stubs, so a dangling edge is a stub we have not been told about).
    """

    __slots__ = ("_components", "_ids", "_index", "_pred", "_succ")

    def __init__(self, nodes: Iterable[str] = (), edges: Iterable[tuple[str, str]] = ()) -> None:
        node_set = set(nodes)
        edge_set = set(edges)
        if edge_set:
            node_set.update(*zip(*edge_set, strict=True))  # both ends of every edge
        ids = sorted(node_set)
        index = {node: i for i, node in enumerate(ids)}
        succ: list[list[int]] = [[] for _ in ids]
        pred: list[list[int]] = [[] for _ in ids]
        # In (consumer, provider) index order, every list fills already sorted: one sort
        # of the edges instead of one per node and direction.
        for c, p in sorted([(index[consumer], index[provider]) for consumer, provider in edge_set]):
            succ[c].append(p)
            pred[p].append(c)
        self._ids: tuple[str, ...] = tuple(ids)
        self._index: dict[str, int] = index
        self._succ: Adjacency = list(map(tuple, succ))
        self._pred: Adjacency = list(map(tuple, pred))
        self._components: list[int] | None = None

    @classmethod
    def _from_parts(
        cls, ids: tuple[str, ...], index: dict[str, int], succ: Adjacency, pred: Adjacency
    ) -> Graph:
        graph = cls.__new__(cls)
        graph._ids = ids
        graph._index = index
        graph._succ = succ
        graph._pred = pred
        graph._components = None
        return graph

    def reversed(self) -> Graph:
        """The same graph with every edge flipped (dependents become dependencies)."""
        return Graph._from_parts(self._ids, self._index, self._pred, self._succ)

    @property
    def nodes(self) -> tuple[str, ...]:
        """All node ids, sorted."""
        return self._ids

    # -- the numbered view the algorithms work on ---------------------------------------
    @property
    def ids(self) -> tuple[str, ...]:
        """Node ids by index (the same tuple as `nodes`)."""
        return self._ids

    @property
    def succ(self) -> Adjacency:
        """Per node index, the sorted indices of what it depends on. Do not modify."""
        return self._succ

    @property
    def pred(self) -> Adjacency:
        """Per node index, the sorted indices of what depends on it. Do not modify."""
        return self._pred

    def components(self) -> list[int]:
        """Tarjan's component number per node over `succ` (`component_numbers`), computed
        once: the graph is immutable, and `chain-reliability --all` asks twice. Do not modify."""
        if self._components is None:
            from pai_deps.graph.components import component_numbers

            self._components = component_numbers(self._succ)
        return self._components

    def index_of(self, node: str) -> int:
        """The index of `node`; an unknown id is `ToolNotFoundError`."""
        index = self._index.get(node)
        if index is None:
            raise ToolNotFoundError(node)
        return index

    # -- by id -------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, node: object) -> bool:
        return node in self._index

    def successors(self, node: str) -> tuple[str, ...]:
        """What `node` depends on, sorted."""
        return tuple(self._ids[j] for j in self._succ[self.index_of(node)])

    def predecessors(self, node: str) -> tuple[str, ...]:
        """What depends on `node`, sorted."""
        return tuple(self._ids[j] for j in self._pred[self.index_of(node)])

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


def _sorted_contains(items: tuple[int, ...], value: int) -> bool:
    i = bisect_left(items, value)
    return i < len(items) and items[i] == value
