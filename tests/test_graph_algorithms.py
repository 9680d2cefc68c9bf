"""Worked examples and edge cases for pai_deps.graph (the in-memory graph algorithms)."""

from __future__ import annotations

import math
import random
import time
from itertools import pairwise

import pytest

from pai_deps.errors import PaiDepsError, ToolNotFoundError, UsageError
from pai_deps.graph import (
    Graph,
    Reach,
    canonical_cycle,
    compound_reliability,
    cycle_edges,
    cycles_through,
    k_shortest_paths,
    reachable,
    search_cycles_through,
    shortest_path,
    strongly_connected_components,
    weakest_path,
    weakest_paths,
)


def chain(n: int, prefix: str = "t") -> Graph:
    return Graph(edges=[(f"{prefix}{i:05}", f"{prefix}{i + 1:05}") for i in range(n - 1)])


def layered(n: int, layers: int, *, seed: int = 1, deps: int = 3) -> tuple[Graph, list[list[str]]]:
    """Each node depends on `deps` random nodes of the two layers below it."""
    rng = random.Random(seed)
    per = n // layers
    grid = [[f"n{layer}_{i}" for i in range(per)] for layer in range(layers)]
    edges: list[tuple[str, str]] = []
    for layer in range(layers - 1):
        below = grid[layer + 1] + (grid[layer + 2] if layer + 2 < layers else [])
        for node in grid[layer]:
            edges.extend((node, dep) for dep in rng.sample(below, deps))
    nodes = [node for row in grid for node in row]
    return Graph([*nodes, "island"], edges), grid


DIAMOND = Graph(edges=[("A", "B"), ("A", "C"), ("B", "D"), ("C", "D")])
DIAMOND_REL = {"A": 0.95, "B": 0.9, "C": 0.85, "D": 0.8}


# --------------------------------------------------------------------------- Graph


def test_graph_collapses_duplicates_adds_unknown_nodes_and_sorts() -> None:
    graph = Graph(["z", "lonely"], [("z", "b"), ("z", "a"), ("z", "b"), ("a", "new")])
    assert graph.nodes == ("a", "b", "lonely", "new", "z")
    assert graph.successors("z") == ("a", "b")
    assert graph.predecessors("a") == ("z",)
    assert graph.edge_count == 3
    assert list(graph.edges()) == [("a", "new"), ("z", "a"), ("z", "b")]
    assert graph.has_edge("z", "a")
    assert not graph.has_edge("a", "z")
    assert not graph.has_edge("nope", "a")
    assert "lonely" in graph
    assert len(graph) == 5


def test_reversed_flips_every_edge() -> None:
    flipped = DIAMOND.reversed()
    assert sorted(flipped.edges()) == sorted((v, u) for u, v in DIAMOND.edges())
    assert flipped.successors("D") == ("B", "C")
    assert flipped.reversed().successors("A") == ("B", "C")


def test_unknown_tools_raise_tool_not_found() -> None:
    with pytest.raises(ToolNotFoundError, match="Tool 'nope' not found"):
        reachable(DIAMOND, "nope")
    with pytest.raises(ToolNotFoundError, match="'src'"):
        k_shortest_paths(DIAMOND, "src", "also-missing")
    with pytest.raises(ToolNotFoundError):
        shortest_path(DIAMOND, "A", "nope")
    with pytest.raises(ToolNotFoundError):
        DIAMOND.successors("nope")
    with pytest.raises(ToolNotFoundError):
        weakest_path(DIAMOND, "nope", DIAMOND_REL)
    with pytest.raises(ToolNotFoundError):
        cycles_through(DIAMOND, "nope")


def test_ids_with_odd_characters_stay_distinct() -> None:
    # "a:b" -> "c" and "a" -> "b:c" would collide under the reference's "from:to" keys.
    odd = ["a:b", "c", "a", "b:c", 'quo"te', "ünï-cødé", "-dash", "x\\y"]
    graph = Graph(odd, [("a:b", "c"), ("a", "b:c"), ('quo"te', "ünï-cødé"), ("ünï-cødé", 'quo"te')])
    assert graph.edge_count == 4
    assert set(reachable(graph, "a")) == {"b:c"}
    assert set(reachable(graph, "a:b")) == {"c"}
    assert shortest_path(graph, 'quo"te', "ünï-cødé") == ['quo"te', "ünï-cødé"]
    assert cycles_through(graph, "ünï-cødé") == [['quo"te', "ünï-cødé"]]
    assert cycle_edges(graph) == {('quo"te', "ünï-cødé"), ("ünï-cødé", 'quo"te')}
    assert k_shortest_paths(graph, "-dash", "c").paths == []


# --------------------------------------------------------------------------- reachable


def test_reachable_counts_a_diamond_once_at_minimum_depth() -> None:
    assert reachable(DIAMOND, "A") == {
        "B": Reach(1, "A"),
        "C": Reach(1, "A"),
        "D": Reach(2, "B"),  # smallest of the shortest-path predecessors B and C
    }
    assert list(reachable(DIAMOND, "D", reverse=True)) == ["B", "C", "A"]


def test_reachable_via_is_the_smallest_predecessor_at_the_previous_depth() -> None:
    graph = Graph(edges=[("s", "z"), ("s", "m"), ("z", "x"), ("m", "x"), ("s", "y"), ("y", "w")])
    result = reachable(graph, "s")
    assert result["x"] == Reach(2, "m")
    assert result["w"] == Reach(2, "y")
    assert list(result) == ["m", "y", "z", "w", "x"]  # (depth, id) order


def test_reachable_excludes_the_start_even_on_a_cycle() -> None:
    graph = Graph(edges=[("x", "y"), ("y", "z"), ("z", "x"), ("x", "x")])
    assert reachable(graph, "x") == {"y": Reach(1, "x"), "z": Reach(2, "y")}
    assert reachable(graph, "x", reverse=True) == {"z": Reach(1, "x"), "y": Reach(2, "z")}


def test_reachable_self_loop_only_reaches_nothing() -> None:
    assert reachable(Graph(edges=[("a", "a")]), "a") == {}


def test_reachable_max_depth_keeps_nodes_up_to_that_depth() -> None:
    graph = chain(5)
    assert list(reachable(graph, "t00000", max_depth=1)) == ["t00001"]
    assert list(reachable(graph, "t00000", max_depth=2)) == ["t00001", "t00002"]
    assert reachable(graph, "t00000", max_depth=0) == {}
    assert len(reachable(graph, "t00000", max_depth=99)) == 4
    with pytest.raises(UsageError):
        reachable(graph, "t00000", max_depth=-1)


# --------------------------------------------------------------------------- paths


def test_shortest_path_is_lexicographically_smallest_among_shortest() -> None:
    graph = Graph(edges=[("s", "b"), ("s", "a"), ("a", "t"), ("b", "t"), ("s", "c"), ("c", "d")])
    assert shortest_path(graph, "s", "t") == ["s", "a", "t"]
    assert shortest_path(graph, "s", "s") == ["s"]
    assert shortest_path(graph, "t", "s") is None
    assert shortest_path(graph, "s", "d") == ["s", "c", "d"]


def test_k_shortest_orders_by_length_then_ids() -> None:
    graph = Graph(
        edges=[
            ("app", "svc2"),
            ("app", "svc1"),
            ("svc1", "core"),
            ("svc2", "core"),
            ("app", "core"),
            ("svc1", "svc2"),
            ("svc2", "svc1"),
        ]
    )
    result = k_shortest_paths(graph, "app", "core")
    assert result.paths == [
        ["app", "core"],
        ["app", "svc1", "core"],
        ["app", "svc2", "core"],
        ["app", "svc1", "svc2", "core"],
        ["app", "svc2", "svc1", "core"],
    ]
    assert not result.truncated
    assert not result.stopped_early
    assert result.reason is None


def test_k_shortest_truncated_only_when_more_paths_really_exist() -> None:
    graph = Graph(edges=[("a", "x"), ("a", "y"), ("x", "z"), ("y", "z")])
    exactly_two = k_shortest_paths(graph, "a", "z", limit=2)
    assert exactly_two.paths == [["a", "x", "z"], ["a", "y", "z"]]
    assert not exactly_two.truncated  # the reference said "2+" here
    one = k_shortest_paths(graph, "a", "z", limit=1)
    assert one.paths == [["a", "x", "z"]]
    assert one.truncated


def test_k_shortest_max_length_cuts_longer_paths() -> None:
    graph = Graph(edges=[("a", "b"), ("b", "c"), ("c", "d"), ("a", "d"), ("a", "c")])
    assert k_shortest_paths(graph, "a", "d", max_length=2).paths == [
        ["a", "d"],
        ["a", "c", "d"],
    ]
    assert not k_shortest_paths(graph, "a", "d", max_length=2).truncated
    assert k_shortest_paths(graph, "a", "d", max_length=0).paths == []
    assert k_shortest_paths(graph, "a", "d").paths[-1] == ["a", "b", "c", "d"]


def test_k_shortest_same_tool_and_bad_arguments() -> None:
    graph = Graph(edges=[("a", "b"), ("b", "a")])
    assert k_shortest_paths(graph, "a", "a").paths == [["a"]]
    assert k_shortest_paths(graph, "a", "a").truncated is False
    with pytest.raises(UsageError):
        k_shortest_paths(graph, "a", "b", limit=0)
    with pytest.raises(UsageError):
        k_shortest_paths(graph, "a", "b", max_length=-1)


def test_k_shortest_skips_cycles_that_cannot_complete_a_simple_path() -> None:
    # b is only reachable again through a, which the path already holds.
    graph = Graph(edges=[("s", "a"), ("a", "b"), ("b", "a"), ("b", "t"), ("a", "c"), ("c", "b")])
    assert k_shortest_paths(graph, "s", "t").paths == [
        ["s", "a", "b", "t"],
        ["s", "a", "c", "b", "t"],
    ]


def ladder(rungs: int) -> Graph:
    """2**rungs simple paths from l0 to l<rungs> (two parallel routes per rung)."""
    edges: list[tuple[str, str]] = []
    for i in range(rungs):
        edges += [(f"l{i}", f"u{i}"), (f"l{i}", f"d{i}")]
        edges += [(f"u{i}", f"l{i + 1}"), (f"d{i}", f"l{i + 1}")]
    return Graph([*[f"l{i}" for i in range(rungs + 1)], "unreachable"], edges)


def test_unreachable_target_returns_fast_despite_exponentially_many_paths() -> None:
    graph = ladder(60)  # 2**60 paths from l0 to l60
    started = time.perf_counter()
    result = k_shortest_paths(graph, "l0", "unreachable", deadline_s=None)
    assert result.paths == []
    assert not result.truncated
    assert not result.stopped_early
    far = k_shortest_paths(graph, "l0", "l60", limit=10, deadline_s=None)
    assert len(far.paths) == 10
    assert all(len(path) == 121 for path in far.paths)
    assert far.paths == sorted(far.paths)
    assert far.truncated
    assert not far.stopped_early
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("layers", [20, 30])
def test_layered_dag_allpaths_benchmark_shape(layers: int) -> None:
    graph, grid = layered(600, layers)
    top = grid[0][0]
    started = time.perf_counter()
    assert k_shortest_paths(graph, top, "island").paths == []
    target = min(node for node in grid[-1] if node in reachable(graph, top))
    result = k_shortest_paths(graph, top, target)
    assert len(result.paths) == 10
    assert not result.stopped_early
    lengths = [len(path) for path in result.paths]
    assert lengths == sorted(lengths)
    assert time.perf_counter() - started < 1.0  # measured ~5 ms; generous for slow CI


def test_dense_graph_stops_early_and_says_why() -> None:
    ids = [f"d{i:03}" for i in range(200)]
    complete_dag = Graph(ids, [(u, v) for i, u in enumerate(ids) for v in ids[i + 1 :]])
    started = time.perf_counter()
    result = k_shortest_paths(complete_dag, "d000", "d199", limit=100_000, deadline_s=0.1)
    assert time.perf_counter() - started < 1.0
    assert result.stopped_early
    assert result.reason == "deadline"
    assert result.truncated  # more exist, and we know it
    assert result.paths[0] == ["d000", "d199"]
    keys = [(len(path), path) for path in result.paths]
    assert keys == sorted(keys)
    budget = k_shortest_paths(complete_dag, "d000", "d199", limit=100_000, max_work=5_000)
    assert budget.stopped_early
    assert budget.reason == "work_budget"
    assert budget.paths == result.paths[: len(budget.paths)]


# --------------------------------------------------------------------------- SCCs and cycles


def test_scc_and_cycle_edges_cover_long_cycles_not_just_two_cycles() -> None:
    graph = Graph(
        ["lone"],
        [
            ("a", "b"),
            ("b", "c"),
            ("c", "a"),  # 3-cycle
            ("c", "d"),  # bridge, on no cycle
            ("d", "e"),
            ("e", "d"),  # 2-cycle
            ("f", "f"),  # self-loop
        ],
    )
    assert strongly_connected_components(graph) == [
        ["a", "b", "c"],
        ["d", "e"],
        ["f"],
        ["lone"],
    ]
    assert cycle_edges(graph) == {
        ("a", "b"),
        ("b", "c"),
        ("c", "a"),
        ("d", "e"),
        ("e", "d"),
        ("f", "f"),
    }


def test_canonical_cycle_rotates_to_smallest_and_drops_repeat() -> None:
    assert canonical_cycle(["b", "c", "a"]) == ("a", "b", "c")
    assert canonical_cycle(["c", "a", "b", "c"]) == ("a", "b", "c")
    assert canonical_cycle(["a", "a"]) == ("a",)
    assert canonical_cycle(["a"]) == ("a",)
    assert canonical_cycle([]) == ()


def test_cycles_through_lists_elementary_cycles_in_canonical_form() -> None:
    graph = Graph(
        edges=[("a", "b"), ("b", "c"), ("c", "a"), ("b", "a"), ("c", "c"), ("c", "x"), ("x", "c")]
    )
    assert cycles_through(graph, "c") == [["c"], ["c", "x"], ["a", "b", "c"]]
    assert cycles_through(graph, "a") == [["a", "b"], ["a", "b", "c"]]
    assert cycles_through(graph, "x") == [["c", "x"]]
    assert cycles_through(Graph(edges=[("p", "q")]), "p") == []
    assert cycles_through(Graph(edges=[("p", "p")]), "p") == [["p"]]


def test_cycles_through_is_bounded_by_limit() -> None:
    ids = [f"k{i}" for i in range(8)]
    complete = Graph(ids, [(u, v) for u in ids for v in ids if u != v])
    search = search_cycles_through(complete, "k3", limit=10)
    assert len(search.cycles) == 10
    assert search.truncated
    assert not search.stopped_early
    assert all("k3" in cycle for cycle in search.cycles)
    assert [len(c) for c in search.cycles] == [2] * 7 + [3] * 3  # the shortest ones
    everything = search_cycles_through(complete, "k3", limit=100_000)
    # Elementary cycles through a fixed node of K8: sum over k of 7!/(7-k)!.
    assert len(everything.cycles) == sum(math.perm(7, k) for k in range(1, 8))
    assert not everything.truncated
    with pytest.raises(UsageError):
        search_cycles_through(complete, "k3", limit=0)


# --------------------------------------------------------------------------- reliability


def test_compound_reliability_worked_values() -> None:
    five = chain(5)
    assert compound_reliability(five, "t00000", dict.fromkeys(five.nodes, 0.95)) == (
        0.7737809374999999
    )
    abc = Graph(edges=[("A", "B"), ("B", "C")])
    assert abs(compound_reliability(abc, "A", {"A": 0.95, "B": 0.9, "C": 0.85}) - 0.72675) < 1e-12
    assert abs(compound_reliability(DIAMOND, "A", DIAMOND_REL) - 0.5814) < 1e-12


def test_compound_reliability_counts_the_start_once_on_a_cycle() -> None:
    graph = Graph(edges=[("a", "b"), ("b", "a")])
    assert compound_reliability(graph, "a", {"a": 0.5, "b": 0.8}) == 0.4
    assert compound_reliability(Graph(["solo"]), "solo", {"solo": 0.9}) == 0.9


def test_weakest_path_in_the_diamond() -> None:
    result = weakest_path(DIAMOND, "A", DIAMOND_REL)
    assert result.path == ["A", "C", "D"]
    assert result.product == 0.95 * 0.85 * 0.8
    assert result.weakest_tool == "D"
    assert result.exact
    leaf = weakest_path(DIAMOND, "D", DIAMOND_REL)
    assert (leaf.path, leaf.product, leaf.weakest_tool) == (["D"], 0.8, "D")


def test_weakest_path_ties_go_to_the_smallest_id() -> None:
    graph = Graph(edges=[("s", "b"), ("s", "a"), ("a", "x"), ("b", "y")])
    rel = {"s": 0.9, "a": 0.8, "b": 0.8, "x": 0.8, "y": 0.8}
    result = weakest_path(graph, "s", rel)
    assert result.path == ["s", "a", "x"]
    assert result.weakest_tool == "a"


def test_weakest_path_through_a_cycle_is_a_simple_path() -> None:
    graph = Graph(edges=[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("b", "b")])
    rel = {"a": 0.9, "b": 0.5, "c": 0.5, "d": 0.99}
    result = weakest_path(graph, "b", rel)
    assert result.path == ["b", "c", "a"]
    assert result.exact
    assert math.isclose(result.product, 0.5 * 0.5 * 0.9)
    assert result.weakest_tool == "b"


def test_weakest_path_bounded_search_says_it_is_not_exact() -> None:
    ids = [f"k{i:02}" for i in range(30)]
    complete = Graph(ids, [(u, v) for u in ids for v in ids if u != v])
    rel = {node: 0.5 + i / 100 for i, node in enumerate(ids)}
    result = weakest_path(complete, "k00", rel, max_steps=50)
    assert not result.exact
    assert result.path[0] == "k00"
    assert len(set(result.path)) == len(result.path)
    assert all(complete.has_edge(u, v) for u, v in pairwise(result.path))


def test_weakest_path_zero_and_invalid_reliability() -> None:
    graph = Graph(edges=[("a", "b"), ("a", "c"), ("c", "d")])
    rel = {"a": 0.9, "b": 0.0, "c": 0.1, "d": 0.1}
    result = weakest_path(graph, "a", rel)
    assert (result.path, result.product, result.weakest_tool) == (["a", "b"], 0.0, "b")
    for bad in (1.5, -0.1, float("nan")):
        with pytest.raises(PaiDepsError) as caught:
            weakest_path(graph, "a", {**rel, "d": bad})
        assert caught.value.code == "invalid_reliability"


def test_weakest_paths_all_over_5000_tools_is_fast() -> None:
    graph, _ = layered(5000, 50, seed=2)
    rng = random.Random(3)
    rel = {node: rng.uniform(0.8, 1.0) for node in graph.nodes}
    started = time.perf_counter()
    results = weakest_paths(graph, rel)
    elapsed = time.perf_counter() - started
    assert len(results) == len(graph)
    assert all(r.exact for r in results.values())
    assert elapsed < 1.0  # measured ~50 ms
    single = weakest_path(graph, "n0_0", rel)
    assert results["n0_0"] == single


def test_ten_thousand_node_chain_and_ring_need_no_recursion() -> None:
    long_chain = chain(10_000)
    first, last = "t00000", "t09999"
    assert len(reachable(long_chain, first)) == 9_999
    assert len(reachable(long_chain, last, reverse=True)) == 9_999
    assert shortest_path(long_chain, first, last) == list(long_chain.nodes)
    assert k_shortest_paths(long_chain, first, last, deadline_s=None).paths == [
        list(long_chain.nodes)
    ]
    assert len(strongly_connected_components(long_chain)) == 10_000
    rel = dict.fromkeys(long_chain.nodes, 0.99)
    assert len(weakest_path(long_chain, first, rel).path) == 10_000
    ring = Graph(edges=[*long_chain.edges(), (last, first)])
    assert len(cycle_edges(ring)) == 10_000
    assert cycles_through(ring, "t05000") == [list(long_chain.nodes)]
    ring_path = weakest_path(ring, "t05000", rel)
    assert len(ring_path.path) == 10_000
    assert ring_path.exact
