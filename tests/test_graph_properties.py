"""Property tests: pai_deps.graph against naive oracles on small random graphs."""

from __future__ import annotations

import math
from collections.abc import Iterator
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from pai_deps.graph import (
    Graph,
    canonical_cycle,
    compound_reliability,
    cycle_edges,
    k_shortest_paths,
    reachable,
    search_cycles_through,
    shortest_path,
    strongly_connected_components,
    weakest_path,
)

# Odd characters on purpose: ids are arbitrary non-whitespace strings.
ALPHABET = ["a", "b", "c:d", 'e"', "ü", "-f", "g", "h:"]

SETTINGS = settings(max_examples=150, deadline=None)


@st.composite
def graphs(draw: st.DrawFn, max_nodes: int = 7) -> Graph:
    nodes = draw(st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=max_nodes, unique=True))
    pairs = st.tuples(st.sampled_from(nodes), st.sampled_from(nodes))  # self-loops included
    edges = draw(st.lists(pairs, max_size=len(nodes) * 3))
    return Graph(nodes, edges)


@st.composite
def graph_and_node(draw: st.DrawFn) -> tuple[Graph, str]:
    graph = draw(graphs())
    return graph, draw(st.sampled_from(graph.nodes))


@st.composite
def graph_and_pair(draw: st.DrawFn) -> tuple[Graph, str, str]:
    graph = draw(graphs())
    return graph, draw(st.sampled_from(graph.nodes)), draw(st.sampled_from(graph.nodes))


@st.composite
def graph_with_reliability(draw: st.DrawFn) -> tuple[Graph, str, dict[str, float]]:
    graph, start = draw(graph_and_node())
    values = st.one_of(st.sampled_from([0.0, 0.5, 0.9, 1.0]), st.floats(0.01, 1.0))
    rel = {node: draw(values) for node in graph.nodes}
    return graph, start, rel


# --------------------------------------------------------------------------- oracles


def closure(graph: Graph, start: str) -> set[str]:
    """Naive fixpoint: nodes reachable by one or more edges (may include start)."""
    edges = set(graph.edges())
    reached = {v for u, v in edges if u == start}
    while True:
        bigger = reached | {v for u, v in edges if u in reached}
        if bigger == reached:
            return reached
        reached = bigger


def distances(graph: Graph, start: str) -> dict[str, int]:
    """Bellman-Ford style relaxation of hop counts, start at 0."""
    dist = {start: 0}
    edges = list(graph.edges())
    for _ in range(len(graph)):
        for u, v in edges:
            if u in dist and dist[u] + 1 < dist.get(v, len(graph) + 1):
                dist[v] = dist[u] + 1
    return dist


def simple_paths(graph: Graph, src: str) -> Iterator[list[str]]:
    """Every simple path starting at src, including [src] itself."""
    stack = [[src]]
    while stack:
        path = stack.pop()
        yield path
        stack.extend([*path, v] for v in graph.successors(path[-1]) if v not in path)


def all_paths(graph: Graph, src: str, dst: str) -> list[list[str]]:
    found = [p for p in simple_paths(graph, src) if p[-1] == dst]
    return sorted(found, key=lambda p: (len(p), p))


def brute_cycles(graph: Graph, node: str) -> set[tuple[str, ...]]:
    return {
        canonical_cycle(path)
        for path in simple_paths(graph, node)
        if graph.has_edge(path[-1], node)
    }


def is_path(graph: Graph, path: list[str]) -> bool:
    return len(set(path)) == len(path) and all(graph.has_edge(u, v) for u, v in pairwise(path))


def product(values: list[float]) -> float:
    result = 1.0
    for value in values:
        result *= value
    return result


# --------------------------------------------------------------------------- reachability


@SETTINGS
@given(graph_and_node())
def test_reachable_equals_naive_closure_with_min_depth_and_valid_via(
    case: tuple[Graph, str],
) -> None:
    graph, start = case
    result = reachable(graph, start)
    assert set(result) == closure(graph, start) - {start}
    dist = distances(graph, start)
    for node, reach in result.items():
        assert reach.depth == dist[node]
        shortest_parents = [u for u in graph.predecessors(node) if dist.get(u) == reach.depth - 1]
        assert reach.via == min(shortest_parents)
    keys = [(reach.depth, node) for node, reach in result.items()]
    assert keys == sorted(keys)


@SETTINGS
@given(graph_and_node(), st.integers(0, 4))
def test_max_depth_is_a_filter_on_depth(case: tuple[Graph, str], depth: int) -> None:
    graph, start = case
    full = reachable(graph, start)
    assert reachable(graph, start, max_depth=depth) == {
        node: reach for node, reach in full.items() if reach.depth <= depth
    }


@SETTINGS
@given(graph_and_node())
def test_reverse_reachability_is_forward_on_reversed_graph(case: tuple[Graph, str]) -> None:
    graph, start = case
    assert reachable(graph, start, reverse=True) == reachable(graph.reversed(), start)
    assert set(reachable(graph, start, reverse=True)) == {
        node for node in graph.nodes if node != start and start in closure(graph, node)
    }


@SETTINGS
@given(graph_with_reliability())
def test_compound_equals_naive_product(case: tuple[Graph, str, dict[str, float]]) -> None:
    graph, start, rel = case
    expected = rel[start] * product([rel[n] for n in sorted(closure(graph, start) - {start})])
    assert math.isclose(compound_reliability(graph, start, rel), expected, abs_tol=1e-15)


# --------------------------------------------------------------------------- paths


@SETTINGS
@given(graph_and_pair(), st.integers(1, 6), st.one_of(st.none(), st.integers(0, 5)))
def test_k_shortest_equals_sorted_brute_force(
    case: tuple[Graph, str, str], limit: int, max_length: int | None
) -> None:
    graph, src, dst = case
    expected = [
        p for p in all_paths(graph, src, dst) if max_length is None or len(p) - 1 <= max_length
    ]
    result = k_shortest_paths(graph, src, dst, limit=limit, max_length=max_length, deadline_s=None)
    assert not result.stopped_early
    assert result.paths == expected[:limit]
    assert result.truncated == (len(expected) > limit)
    for path in result.paths:
        assert is_path(graph, path)
        assert path[0] == src
        assert path[-1] == dst
    everything = k_shortest_paths(graph, src, dst, limit=10_000, deadline_s=None)
    assert everything.paths == all_paths(graph, src, dst)
    assert not everything.truncated


@SETTINGS
@given(graph_and_pair())
def test_shortest_path_is_the_first_k_shortest_path(case: tuple[Graph, str, str]) -> None:
    graph, src, dst = case
    first = k_shortest_paths(graph, src, dst, limit=1, deadline_s=None).paths
    assert shortest_path(graph, src, dst) == (first[0] if first else None)


# --------------------------------------------------------------------------- cycles


@SETTINGS
@given(graphs())
def test_cycle_edges_and_sccs_agree_with_brute_force(graph: Graph) -> None:
    reach = {node: closure(graph, node) for node in graph.nodes}
    assert cycle_edges(graph) == {(u, v) for u, v in graph.edges() if u in reach[v] or u == v}
    components = strongly_connected_components(graph)
    assert sorted(n for c in components for n in c) == list(graph.nodes)
    member = {n: i for i, c in enumerate(components) for n in c}
    for u in graph.nodes:
        for v in graph.nodes:
            mutual = u == v or (v in reach[u] and u in reach[v])
            assert (member[u] == member[v]) == mutual
    assert components == sorted(sorted(c) for c in components)


@SETTINGS
@given(graph_and_node(), st.integers(1, 8))
def test_cycles_through_are_real_elementary_cycles_matching_brute_force(
    case: tuple[Graph, str], limit: int
) -> None:
    graph, node = case
    expected = brute_cycles(graph, node)
    full = search_cycles_through(graph, node, limit=10_000, deadline_s=None)
    assert {tuple(c) for c in full.cycles} == expected
    assert not full.truncated
    for cycle in full.cycles:
        assert node in cycle
        assert tuple(cycle) == canonical_cycle(cycle)
        assert is_path(graph, cycle)
        assert graph.has_edge(cycle[-1], cycle[0])
    assert full.cycles == sorted(full.cycles, key=lambda c: (len(c), c))
    bounded = search_cycles_through(graph, node, limit=limit, deadline_s=None)
    assert len(bounded.cycles) == min(limit, len(expected))
    assert bounded.truncated == (len(expected) > limit)
    assert {tuple(c) for c in bounded.cycles} <= expected
    if bounded.truncated:  # the kept ones are the shortest
        kept = {tuple(c) for c in bounded.cycles}
        assert max(len(c) for c in kept) <= min(len(c) for c in expected - kept)


# --------------------------------------------------------------------------- weakest path


@SETTINGS
@given(graph_with_reliability())
def test_weakest_path_matches_brute_force_minimum(
    case: tuple[Graph, str, dict[str, float]],
) -> None:
    graph, start, rel = case
    result = weakest_path(graph, start, rel)
    assert result.exact
    assert result.path[0] == start
    assert is_path(graph, result.path)
    assert result.product == product([rel[n] for n in result.path])
    assert result.weakest_tool == min(result.path, key=lambda n: (rel[n], n))
    brute = min(product([rel[n] for n in p]) for p in simple_paths(graph, start))
    assert math.isclose(result.product, brute, rel_tol=1e-9, abs_tol=1e-300)


@st.composite
def acyclic_graph_with_reliability(draw: st.DrawFn) -> tuple[Graph, dict[str, float]]:
    """A DAG (edges only from a later node to an earlier one) of up to 12 nodes."""
    nodes = [f"n{i:02d}" for i in range(draw(st.integers(1, 12)))]
    pairs = st.tuples(st.integers(0, len(nodes) - 1), st.integers(0, len(nodes) - 1))
    edges = [(nodes[max(a, b)], nodes[min(a, b)]) for a, b in draw(st.lists(pairs)) if a != b]
    values = st.sampled_from([0.5, 0.9, 0.95, 0.99, 1.0])  # ties between tools on purpose
    return Graph(nodes, edges), {node: draw(values) for node in nodes}


@SETTINGS
@given(st.one_of(graphs(), acyclic_graph_with_reliability().map(lambda case: case[0])), st.data())
def test_weakest_paths_for_every_start_agree_with_one_start_at_a_time(
    graph: Graph, data: st.DataObject
) -> None:
    """`weakest_paths` over most of the graph fills every component at once (and carries
    the weakest tool along the DP): the same answers, bit for bit, as one solve each."""
    from pai_deps.graph import weakest_paths

    values = st.sampled_from([0.0, 0.5, 0.9, 1.0])
    rel = {node: data.draw(values) for node in graph.nodes}
    together = weakest_paths(graph, rel)
    for start in graph.nodes:
        alone = weakest_path(graph, start, rel)
        assert together[start] == alone
        assert alone.weakest_tool == min(alone.path, key=lambda n: (rel[n], n))


@SETTINGS
@given(graphs(), st.data())
def test_compounds_of_many_starts_are_the_one_by_one_products(
    graph: Graph, data: st.DataObject
) -> None:
    """Small chains are multiplied in `compound_reliability`'s order whichever way
    `compound_all` goes (one walk each, or the bitmasks of many starts): equal floats."""
    from pai_deps.analysis.chains import compound_all

    values = st.one_of(st.sampled_from([0.5, 0.9, 0.95]), st.floats(0.01, 1.0))
    rel = {node: data.draw(values) for node in graph.nodes}
    starts = list(graph.nodes) * 2  # more than a few: the bitmask path
    many = compound_all(graph, rel, starts)
    for node in graph.nodes:
        assert many[node] == (
            compound_reliability(graph, node, rel),
            1 + len(reachable(graph, node)),
        )
