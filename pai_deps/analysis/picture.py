"""`graph`: the subgraph every picture format draws, and the picture itself.

`focus` keeps a tool and what it reaches or is reached by within `depth` hops; `type_`
keeps tools of that type (and the focus); `skip_optional` drops optional edges first.
Stubs are drawn (dashed) because edges point at them. Every format (dot, svg, mermaid,
json, html) draws the same selection.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from pai_deps.analysis.registry_graph import Edge, as_edge, build_graph
from pai_deps.gcpause import no_collection
from pai_deps.graph import cycle_edges, reachable
from pai_deps.models import EdgeRow, GraphNodeRow
from pai_deps.results.report import GraphContent, GraphJson, Picture, PictureEdge, PictureNode

if TYPE_CHECKING:
    from pai_deps.db import Connection
    from pai_deps.safeio import Protected

GRAPH_FORMATS = ("dot", "svg", "mermaid", "json", "html")
DEFAULT_FOCUS_DEPTH = 3


class ViewEdge(NamedTuple):
    """One drawn edge (a tuple: 15,000 of them are built for a 5,000-tool picture)."""

    consumer: str
    provider: str
    type: str
    optional: bool
    cycle: bool


@dataclass(frozen=True)
class GraphView:
    """What a picture shows: the chosen tools and the edges among them, each edge marked
    when it lies on a cycle of the (filtered) registry graph, even one leaving the view."""

    nodes: list[GraphNodeRow]
    edges: list[ViewEdge]
    focus: str | None = None


def select_view(
    nodes: Sequence[GraphNodeRow],
    edges: Iterable[EdgeRow | Edge],
    *,
    focus: str | None = None,
    depth: int = 3,
    type_: str | None = None,
    skip_optional: bool = False,
) -> GraphView:
    """The subgraph every picture format draws, so they all honour the same filters.

    `focus` keeps the tool plus what it reaches and what reaches it within `depth` hops
    (not siblings); `type_` then keeps tools of that type (the focus always stays);
    `skip_optional` drops optional edges before anything else.
    """
    kept_edges = [e for e in map(as_edge, edges) if not (skip_optional and e[3])]
    graph = build_graph(nodes, kept_edges)
    chosen: set[str] | None = None
    if focus is not None:
        chosen = {focus}
        chosen.update(reachable(graph, focus, max_depth=depth))
        chosen.update(reachable(graph, focus, reverse=True, max_depth=depth))
    selected = [
        n
        for n in nodes
        if (chosen is None or n.id in chosen)
        and (type_ is None or n.type == type_ or n.id == focus)
    ]
    ids = {n.id for n in selected}
    on_cycle = cycle_edges(graph)
    view_edges = [
        ViewEdge(
            consumer, provider, kind, optional, bool(on_cycle) and (consumer, provider) in on_cycle
        )
        for consumer, provider, kind, optional in kept_edges
        if consumer in ids and provider in ids
    ]
    return GraphView(selected, view_edges, focus)


def view_content(view: GraphView) -> GraphContent:
    """The picture as data: nodes (the focus marked) and edges (cycle edges marked)."""
    return GraphContent(
        focus=view.focus,
        nodes=[
            PictureNode(
                id=n.id,
                name=n.name,
                type=n.type,
                reliability=n.reliability,
                debt_score=n.debt_score,
                stub=n.stub,
                focus=n.id == view.focus,
            )
            for n in view.nodes
        ],
        edges=[
            PictureEdge(
                from_=e.consumer, to=e.provider, type=e.type, optional=e.optional, cycle=e.cycle
            )
            for e in view.edges
        ],
    )


def draw(
    conn: Connection,
    *,
    format_: str,
    focus: str | None,
    depth: int | None,
    type_: str | None,
    skip_optional: bool,
    color: bool,
    output: Path | None = None,
    force: bool = False,
    protected: Protected = (),
) -> Picture:
    """The graph in `format_`; written whole to `output` when given (an existing file only
    with `force`, never one of the `protected` files). `text` is what was drawn."""
    from pai_deps.repo import graph as graph_queries
    from pai_deps.repo import reports

    if focus is not None:
        from pai_deps.registry.read import require_tool

        require_tool(conn, focus)
    nodes = reports.list_graph_nodes(conn)
    edges = graph_queries.edge_list(conn).edges
    with no_collection():  # the view is the picture's content
        view = select_view(
            nodes,
            edges,
            focus=focus,
            depth=DEFAULT_FOCUS_DEPTH if depth is None else depth,
            type_=type_,
            skip_optional=skip_optional,
        )
    picture = Picture(format=format_, nodes=len(view.nodes), edges=len(view.edges), text="")
    if format_ == "json":
        from pai_deps.jsontext import dump_json

        picture.graph = content = view_content(view)
        whole = GraphJson(focus=content.focus, nodes=content.nodes, edges=content.edges)
        picture.text = dump_json(whole.document()) + "\n"
    elif format_ == "html":
        from pai_deps.analysis.explorer import explorer_page

        title = "pai-deps graph" + (f" around {focus}" if focus is not None else "")
        picture.text = picture.html = explorer_page(conn, nodes, edges, view, title=title)
    elif format_ == "mermaid":
        from pai_deps.render.mermaid import render_mermaid

        picture.text = picture.mermaid = render_mermaid(view, color=color)
    else:
        from pai_deps.render.dot import dot_to_svg, render_dot

        picture.text = picture.dot = render_dot(view, color=color)
        if format_ == "svg":
            picture.text = picture.svg = dot_to_svg(picture.dot)
    if output is not None:
        from pai_deps.safeio import write_output_file

        write_output_file(output, picture.text, force=force, protected=protected, what="graph")
        picture.output_file = str(output)
    return picture
