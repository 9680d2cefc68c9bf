"""Property tests: the SQL walks and the commands over random graphs in a real registry.

Each example copies one migrated template database, inserts tools and edges through the
repo layer, and checks the answers against naive oracles written here from scratch.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pai_deps import db
from pai_deps.analysis.picture import select_view
from pai_deps.analysis.registry_graph import endpoints_graph
from pai_deps.cli import app
from pai_deps.repo import dependencies, reports, tools
from pai_deps.repo import graph as graph_queries

# Odd ids on purpose: quotes, a backslash, a colon, unicode, a-b next to a_b.
IDS = ["a", "b", "a-b", "a_b", 'q"t', "back\\", "ü", "c:d"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NOW = "2026-01-01T00:00:00.000Z"

Edges = list[tuple[str, str]]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "registry.db"
    db.open_db(path).close()
    return path


@st.composite
def random_graphs(draw: st.DrawFn) -> tuple[list[str], Edges]:
    nodes = draw(st.lists(st.sampled_from(IDS), min_size=1, max_size=len(IDS), unique=True))
    pairs = st.tuples(st.sampled_from(nodes), st.sampled_from(nodes)).filter(
        lambda p: p[0] != p[1]  # the schema forbids self-edges
    )
    edges = draw(st.lists(pairs, max_size=len(nodes) * 3, unique=True))
    return nodes, edges


class Registry:
    """A throwaway copy of the template database holding one random graph."""

    def __init__(
        self,
        template: Path,
        nodes: list[str],
        edges: Edges,
        optional: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="pai-deps-prop-"))
        self.path = self.dir / "registry.db"
        shutil.copy(template, self.path)
        self.conn = db.open_db(self.path)
        with db.transaction(self.conn):
            for node in nodes:
                tools.upsert_tool(
                    self.conn,
                    id=node,
                    path=f"/{node}",
                    type="cli",
                    version=None,
                    reliability=0.9,
                    debt_score=0,
                    manifest_path=None,
                    manifest_hash=None,
                    description=None,
                    mcp_start=None,
                    slo=None,
                    now=NOW,
                )
            for consumer, provider in edges:
                dependencies.insert_dependency(
                    self.conn,
                    consumer_id=consumer,
                    provider_id=provider,
                    type="library",
                    version_constraint=None,
                    optional=(consumer, provider) in optional,
                    now=NOW,
                )

    def close(self) -> None:
        self.conn.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def cli(self, *args: str) -> tuple[int, str]:
        result = CliRunner().invoke(app, ["--db", str(self.path), *args])
        return result.exit_code, result.stdout


def registry(
    template: Path, nodes: list[str], edges: Edges, optional: Sequence[tuple[str, str]] = ()
) -> Iterator[Registry]:
    reg = Registry(template, nodes, edges, optional)
    try:
        yield reg
    finally:
        reg.close()


def naive_distances(edges: Edges, start: str) -> dict[str, int]:
    """Hop counts by repeated relaxation (Bellman-Ford style); start excluded."""
    dist = {start: 0}
    for _ in range(len(edges) + 1):
        for u, v in edges:
            if u in dist and dist[u] + 1 < dist.get(v, 10**9):
                dist[v] = dist[u] + 1
    dist.pop(start)
    return dist


def reaches(edges: Edges, source: str, target: str) -> bool:
    return target in naive_distances(edges, source) or source == target


@given(graph=random_graphs(), data=st.data())
@SETTINGS
def test_sql_walks_equal_naive_reachability_with_consistent_depth_and_via(
    template: Path, graph: tuple[list[str], Edges], data: st.DataObject
) -> None:
    nodes, edges = graph
    start = data.draw(st.sampled_from(nodes))
    reversed_edges = [(v, u) for u, v in edges]
    for reg in registry(template, nodes, edges):
        forward = graph_queries.transitive_dependencies(reg.conn, tool_id=start, max_depth=None)
        backward = graph_queries.transitive_dependents(reg.conn, tool_id=start, max_depth=None)
        for rows, direction in ((forward, edges), (backward, reversed_edges)):
            expected = naive_distances(direction, start)
            # deps -t is naive reachability (start excluded even on a cycle), at min depth
            assert {r.id: r.depth for r in rows} == expected
            assert [(r.depth, r.id) for r in rows] == sorted((r.depth, r.id) for r in rows)
            for r in rows:
                # via is a neighbour one level closer, and the smallest such
                closer = sorted(
                    u
                    for u, v in direction
                    if v == r.id
                    and (u == start if r.depth == 1 else expected.get(u) == r.depth - 1)
                )
                assert r.via == closer[0]
        # rdeps is deps on the reversed graph, row for row
    for rev in registry(template, nodes, reversed_edges):
        other = graph_queries.transitive_dependencies(rev.conn, tool_id=start, max_depth=None)
        assert [(r.id, r.depth, r.via) for r in other] == [(r.id, r.depth, r.via) for r in backward]


@given(graph=random_graphs(), data=st.data(), depth=st.integers(1, 3))
@SETTINGS
def test_depth_limit_keeps_exactly_the_nodes_within_it(
    template: Path, graph: tuple[list[str], Edges], data: st.DataObject, depth: int
) -> None:
    nodes, edges = graph
    start = data.draw(st.sampled_from(nodes))
    for reg in registry(template, nodes, edges):
        rows = graph_queries.transitive_dependencies(reg.conn, tool_id=start, max_depth=depth)
        expected = {k: v for k, v in naive_distances(edges, start).items() if v <= depth}
        assert {r.id: r.depth for r in rows} == expected


@given(graph=random_graphs(), data=st.data())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_cli_paths_exist_are_simple_and_ordered(
    template: Path, graph: tuple[list[str], Edges], data: st.DataObject
) -> None:
    nodes, edges = graph
    source = data.draw(st.sampled_from(nodes))
    target = data.draw(st.sampled_from(nodes))
    edge_set = set(edges)
    for reg in registry(template, nodes, edges):
        code, out = reg.cli("--json", "allpaths", source, target, "--limit", "5")
        doc = json.loads(out)
        assert (code == 0) == reaches(edges, source, target) == doc["success"]
        if code:
            continue
        paths = doc["paths"]
        for route in paths:
            assert route[0] == source and route[-1] == target
            assert len(set(route)) == len(route)
            assert all(step in edge_set for step in pairwise(route))
        keys = [(len(r), r) for r in paths]
        assert keys == sorted(keys)
        code, out = reg.cli("--json", "path", source, target)
        assert code == 0
        shortest = json.loads(out)["path"]
        assert shortest == paths[0]


@given(graph=random_graphs(), data=st.data(), limit=st.integers(1, 6))
@SETTINGS
def test_path_searches_over_the_route_subgraph_answer_as_over_the_whole_graph(
    template: Path, graph: tuple[list[str], Edges], data: st.DataObject, limit: int
) -> None:
    from pai_deps.graph import Graph, k_shortest_paths, shortest_path

    nodes, edges = graph
    source = data.draw(st.sampled_from(nodes))
    target = data.draw(st.sampled_from(nodes))
    max_length = data.draw(st.none() | st.integers(0, 4))
    whole = Graph(nodes, edges)
    for reg in registry(template, nodes, edges):
        sub = endpoints_graph(reg.conn, source, target, skip_optional=False)
        # only what the source reaches (and the endpoints) is loaded
        reached = {n for n in nodes if reaches(edges, source, n)}
        assert set(sub.nodes) == reached | {target}
        assert shortest_path(sub, source, target) == shortest_path(whole, source, target)
        assert k_shortest_paths(
            sub, source, target, limit=limit, max_length=max_length, deadline_s=None
        ) == k_shortest_paths(
            whole, source, target, limit=limit, max_length=max_length, deadline_s=None
        )


@given(graph=random_graphs(), data=st.data())
@SETTINGS
def test_the_shortest_path_over_the_nearest_levels_is_the_one_over_the_whole_graph(
    template: Path, graph: tuple[list[str], Edges], data: st.DataObject
) -> None:
    from pai_deps.analysis.registry_graph import nearest_graph
    from pai_deps.graph import Graph, shortest_path

    nodes, edges = graph
    source = data.draw(st.sampled_from(nodes))
    target = data.draw(st.sampled_from(nodes))
    optional = data.draw(st.lists(st.sampled_from(edges), unique=True)) if edges else []
    skip_optional = data.draw(st.booleans())
    followed = [e for e in edges if not (skip_optional and e in optional)]
    for reg in registry(template, nodes, edges, optional):
        sub = nearest_graph(reg.conn, source, target, skip_optional=skip_optional)
        assert shortest_path(sub, source, target) == shortest_path(
            Graph(nodes, followed), source, target
        )
        # Only the levels nearer than the target are loaded (all of them when unreachable).
        distance = {source: 0, **naive_distances(followed, source)}
        bound = distance.get(target)
        loaded = {consumer for consumer, _ in sub.edges()}
        assert all(bound is None or distance[c] < bound for c in loaded)
        assert all(not (skip_optional and e in optional) for e in sub.edges())
        assert {source, target} <= set(sub.nodes)


@given(graph=random_graphs())
@SETTINGS
def test_cycle_marking_agrees_with_brute_force(
    template: Path, graph: tuple[list[str], Edges]
) -> None:
    nodes, edges = graph
    for reg in registry(template, nodes, edges):
        view = select_view(reports.list_graph_nodes(reg.conn), dependencies.list_edges(reg.conn))
        marked = {(e.consumer, e.provider) for e in view.edges if e.cycle}
        # u -> v is on a cycle exactly when v reaches u
        assert marked == {(u, v) for u, v in edges if reaches(edges, v, u)}
        assert len(view.edges) == len(edges)


def test_the_template_is_empty(template: Path) -> None:
    conn = sqlite3.connect(template)
    try:
        assert conn.execute("SELECT count(*) FROM tools").fetchone() == (0,)
    finally:
        conn.close()
