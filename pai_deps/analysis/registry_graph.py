"""The registry as a graph: rows into a `Graph`, and the transitive walks the query
commands share (the SQL walk when it can answer, the in-memory one when it cannot)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from pai_deps.gcpause import no_collection
from pai_deps.models import EdgeRow, GraphNodeRow, ReachRow

if TYPE_CHECKING:  # the graph package loads only when a graph is built
    from pai_deps.db import Connection
    from pai_deps.graph import Graph

# (consumer, provider, edge type, optional): an `EdgeListRow` entry.
Edge = tuple[str, str, str, bool]


def as_edge(edge: EdgeRow | Edge) -> Edge:
    if isinstance(edge, tuple):
        return edge
    return (edge.consumer_id, edge.provider_id, edge.type, edge.optional)


def build_graph(
    nodes: Iterable[str | GraphNodeRow],
    edges: Iterable[EdgeRow | Edge],
    *,
    skip_optional: bool = False,
) -> Graph:
    """The registry as a `Graph` (nodes as ids or rows, edges as rows or `Edge` tuples);
    `skip_optional` leaves out edges declared optional."""
    from pai_deps.graph import Graph

    with no_collection():  # the graph is the answer
        pairs = [e if isinstance(e, tuple) else as_edge(e) for e in edges]
        return Graph(
            [n if isinstance(n, str) else n.id for n in nodes],
            [(c, p) for c, p, _, optional in pairs if not (skip_optional and optional)],
        )


def reach_rows(
    graph: Graph,
    nodes: Mapping[str, GraphNodeRow],
    start: str,
    *,
    reverse: bool = False,
    max_depth: int | None = None,
) -> list[ReachRow]:
    """What the `transitive_*` SQL walks return, computed over an in-memory graph.

    Used when the graph itself is filtered (`--skip-optional`), which the SQL walks do not
    know about; same order (depth, id), same `via` rule.
    """
    from pai_deps.graph import reachable

    rows: list[ReachRow] = []
    for tool, reach in reachable(graph, start, reverse=reverse, max_depth=max_depth).items():
        node = nodes[tool]
        rows.append(
            ReachRow(
                id=node.id,
                name=node.name,
                type=node.type,
                version=node.version,
                reliability=node.reliability,
                debt_score=node.debt_score,
                stub=node.stub,
                depth=reach.depth,
                via=reach.via,
            )
        )
    return rows


def via_paths(start: str, rows: Sequence[ReachRow]) -> dict[str, list[str]]:
    """For each reached tool, the walk from `start` to it following `via` pointers.

    Rows come in depth order, so every `via` already has its walk when it is needed.
    """
    walks: dict[str, list[str]] = {start: [start]}
    for row in rows:
        walks[row.id] = [*walks[row.via], row.id]
    return walks


def load_graph(conn: Connection, *, skip_optional: bool) -> tuple[Graph, dict[str, GraphNodeRow]]:
    """The whole registry in memory (two queries), for what SQL expresses badly."""
    from pai_deps.repo import graph as graph_queries
    from pai_deps.repo import reports

    nodes = reports.list_graph_nodes(conn)
    edges = graph_queries.edge_list(conn).edges
    graph = build_graph(nodes, edges, skip_optional=skip_optional)
    return graph, {n.id: n for n in nodes}


def walk(
    conn: Connection,
    tool: str,
    *,
    reverse: bool,
    max_depth: int | None,
    skip_optional: bool,
) -> list[ReachRow]:
    """The transitive walk: the SQL CTE (cost follows the answer), unless optional edges
    are skipped, which the CTE does not filter; then the same walk over the graph."""
    from pai_deps.registry.read import require_tool

    require_tool(conn, tool)
    if skip_optional:
        graph, nodes = load_graph(conn, skip_optional=True)
        return reach_rows(graph, nodes, tool, reverse=reverse, max_depth=max_depth)
    from pai_deps.repo import graph as graph_queries

    if reverse:
        return graph_queries.transitive_dependents(conn, tool_id=tool, max_depth=max_depth)
    return graph_queries.transitive_dependencies(conn, tool_id=tool, max_depth=max_depth)


def nearest_graph(conn: Connection, source: str, target: str, *, skip_optional: bool) -> Graph:
    """The edges leaving every tool nearer to the source than the target is (both
    endpoints validated first, in order, and kept even when isolated).

    A breadth-first search from the source, one query per level, that stops at the level
    where it reaches the target: a shortest path's every node but the last is nearer than
    the target, with all its outgoing edges, so `shortest_path` answers the same here as
    on the whole registry (ties break alike: nodes are numbered in id order). A path to a
    neighbour costs one level, whatever the size of the registry. Unreachable: everything
    the source reaches, as `endpoints_graph`.
    """
    from pai_deps.registry.read import require_tool
    from pai_deps.repo import graph as graph_queries

    require_tool(conn, source)
    require_tool(conn, target)
    edges: list[Edge] = []
    seen = {source}
    frontier = [source]
    while frontier and target not in seen:
        level = graph_queries.edges_leaving(conn, ids=frontier).edges
        if skip_optional:
            level = [edge for edge in level if not edge[3]]
        edges.extend(level)
        frontier = []
        for _, provider, _, _ in level:
            if provider not in seen:
                seen.add(provider)
                frontier.append(provider)
    return build_graph((source, target), edges)


def endpoints_graph(conn: Connection, source: str, target: str, *, skip_optional: bool) -> Graph:
    """The edges leaving what the source reaches, plus both endpoints (validated first,
    in order) even when isolated.

    A path search answers the same on this subgraph as on the whole registry: every node
    of a source -> target path, and of its strongly connected component, is reached from
    the source with all its outgoing edges, and the graph numbers nodes in id order, so
    ties break alike. It costs what the source reaches, not the size of the registry.
    """
    from pai_deps.registry.read import require_tool
    from pai_deps.repo import graph as graph_queries

    require_tool(conn, source)
    require_tool(conn, target)
    edges = graph_queries.reached_edges(conn, tool_id=source).edges
    return build_graph((source, target), edges, skip_optional=skip_optional)
