"""`deps`, `rdeps`, `affected`, `path`, `allpaths`, `chain-reliability`, `blast-radius`: the
questions the registry is kept for.

Semantics the reference left open, decided here (and in `--help`):
- the start tool never appears in its own answer, even on a cycle; each tool appears once,
  at its minimum depth, with `via`, the neighbour it was reached through on a shortest
  path (smallest id on ties);
- `--type` filters the answer rows, never the walk: a cli reached only through a library
  is still found;
- optional dependencies are followed like any other (an optional provider that breaks
  still breaks the feature that uses it); `--skip-optional` leaves them out of the walk;
- stubs are answered like tools and marked `stub`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pai_deps.cli.options import validate_type
from pai_deps.cli.state import fail, get_state
from pai_deps.errors import UsageError
from pai_deps.words import plural

if TYPE_CHECKING:
    from pai_deps.analysis import BlastRadius, ChainReliability
    from pai_deps.db import Connection
    from pai_deps.graph import Graph
    from pai_deps.models import GraphNodeRow, ReachRow
    from pai_deps.output import Printer


def register(app: typer.Typer) -> None:
    app.command("deps")(deps)
    app.command("rdeps")(rdeps)
    app.command("affected")(affected)
    app.command("path")(path)
    app.command("allpaths")(allpaths)
    app.command("chain-reliability")(chain_reliability)
    app.command("blast-radius")(blast_radius)


Tool = Annotated[str, typer.Argument(help="The tool's id.", show_default=False)]
Transitive = Annotated[
    bool,
    typer.Option("--transitive", "-t", help="Everything reached, not only direct neighbours."),
]
Depth = Annotated[
    int | None,
    typer.Option(
        "--depth",
        "-d",
        min=1,
        metavar="N",
        help="Walk at most N hops (implies --transitive; 1 = direct only).",
        show_default=False,
    ),
]
TypeFilter = Annotated[
    str | None,
    typer.Option(
        "--type",
        metavar="TYPE",
        callback=validate_type,
        help="Only list tools of this type (the walk still passes through every type).",
        show_default=False,
    ),
]
SkipOptional = Annotated[
    bool,
    typer.Option(
        "--skip-optional",
        help="Do not follow dependencies declared optional (followed by default).",
    ),
]


# -- loading ---------------------------------------------------------------------------------


def load_graph(conn: Connection, *, skip_optional: bool) -> tuple[Graph, dict[str, GraphNodeRow]]:
    """The whole registry in memory (two queries), for what SQL expresses badly."""
    from pai_deps.analysis import build_graph
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
    from pai_deps.registry import require_tool

    require_tool(conn, tool)
    if skip_optional:
        from pai_deps.analysis import reach_rows

        graph, nodes = load_graph(conn, skip_optional=True)
        return reach_rows(graph, nodes, tool, reverse=reverse, max_depth=max_depth)
    from pai_deps.repo import graph as graph_queries

    if reverse:
        return graph_queries.transitive_dependents(conn, tool_id=tool, max_depth=max_depth)
    return graph_queries.transitive_dependencies(conn, tool_id=tool, max_depth=max_depth)


def type_label(kind: str, stub: bool) -> str:
    return f"{kind} (stub)" if stub else kind


# -- deps / rdeps ----------------------------------------------------------------------------


def deps(
    ctx: typer.Context,
    tool: Tool,
    transitive: Transitive = False,
    depth: Depth = None,
    type_: TypeFilter = None,
    skip_optional: SkipOptional = False,
) -> None:
    """What a tool depends on (directly, or with -t everything it reaches)."""
    _neighbours(ctx, tool, transitive, depth, type_, skip_optional, reverse=False)


def rdeps(
    ctx: typer.Context,
    tool: Tool,
    transitive: Transitive = False,
    depth: Depth = None,
    type_: TypeFilter = None,
    skip_optional: SkipOptional = False,
) -> None:
    """What depends on a tool (directly, or with -t everything that reaches it)."""
    _neighbours(ctx, tool, transitive, depth, type_, skip_optional, reverse=True)


def _neighbours(
    ctx: typer.Context,
    tool: str,
    transitive: bool,
    depth: int | None,
    type_: str | None,
    skip_optional: bool,
    *,
    reverse: bool,
) -> None:
    state = get_state(ctx)
    transitive = transitive or depth is not None
    with state.registry() as conn:
        if transitive:
            rows = [
                _reach_json(r)
                for r in walk(
                    conn, tool, reverse=reverse, max_depth=depth, skip_optional=skip_optional
                )
            ]
        else:
            rows = _direct(conn, tool, reverse=reverse, skip_optional=skip_optional)
    if type_ is not None:
        rows = [r for r in rows if r["type"] == type_]
    key, noun = ("dependents", "dependent") if reverse else ("dependencies", "dependency")
    max_depth = max((r["depth"] for r in rows), default=0)
    p = state.printer
    if state.json:
        p.json(
            {
                "success": True,
                "tool": tool,
                "transitive": transitive,
                key: rows,
                "count": len(rows),
                # The TypeScript tool said 1 when nothing was reached; reachedDepth says 0.
                "maxDepth": max_depth or 1,
                "reachedDepth": max_depth,
                "filters": {"type": type_, "depth": depth, "skipOptional": skip_optional},
            }
        )
        return
    if not rows:
        if type_ is not None:
            p.answer(f"No {key} of '{tool}' are of type {type_}.")
        elif reverse:
            p.answer(f"No tools depend on '{tool}'.")
        else:
            p.answer(f"Tool '{tool}' has no dependencies.")
        return
    from pai_deps.render.tables import table

    title = "Reverse dependencies for" if reverse else "Dependencies for"
    p.info(f"{title}: {tool}{' (transitive)' if transitive else ''}")
    p.info()
    headers = ["ID", "Type", "Reliability"]
    headers += ["Depth", "Via"] if transitive else ["Edge", "Optional"]
    p.render(
        table(
            headers,
            [
                [
                    r["id"],
                    type_label(r["type"], r["stub"]),
                    f"{r['reliability']:.2f}",
                    *(
                        [r["depth"], r["via"]]
                        if transitive
                        else [r["edgeType"], "yes" if r["optional"] else ""]
                    ),
                ]
                for r in rows
            ],
            right=("Reliability", "Depth"),
        )
    )
    p.info()
    depth_note = f" (max depth: {max_depth})" if transitive else ""
    p.info(f"Total: {plural(len(rows), noun)}{depth_note}")


def _reach_json(row: ReachRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "type": row.type,
        "version": row.version,
        "reliability": row.reliability,
        "debtScore": row.debt_score,
        "stub": row.stub,
        "depth": row.depth,
        "via": row.via,
    }


def _direct(
    conn: Connection, tool: str, *, reverse: bool, skip_optional: bool
) -> list[dict[str, Any]]:
    """Direct neighbours with the edge that links them (one indexed query)."""
    from pai_deps.registry import require_tool
    from pai_deps.repo import dependencies

    require_tool(conn, tool)
    fetch = dependencies.list_dependents_of if reverse else dependencies.list_dependencies_of
    return [
        {
            "id": n.id,
            "name": n.name,
            "type": n.type,
            "version": n.version,
            "reliability": n.reliability,
            "debtScore": n.debt_score,
            "stub": n.stub,
            "depth": 1,
            "via": tool,
            "edgeType": n.edge_type,
            "versionConstraint": n.version_constraint,
            "optional": n.optional,
        }
        for n in fetch(conn, tool_id=tool)
        if not (skip_optional and n.optional)
    ]


# -- affected --------------------------------------------------------------------------------


def affected(
    ctx: typer.Context,
    tool: Tool,
    direct: Annotated[
        bool, typer.Option("--direct", help="Only tools that depend on it directly.")
    ] = False,
    depth: Annotated[
        int | None,
        typer.Option(
            "--depth", "-d", min=1, metavar="N", help="At most N hops away.", show_default=False
        ),
    ] = None,
    type_: TypeFilter = None,
    skip_optional: SkipOptional = False,
) -> None:
    """Tools a change to a tool reaches, each with the chain that explains why."""
    from pai_deps.analysis import via_paths

    if direct and depth is not None and depth != 1:
        raise UsageError("--direct means --depth 1; give one or the other")
    max_depth = 1 if direct else depth
    state = get_state(ctx)
    with state.registry() as conn:
        rows = walk(conn, tool, reverse=True, max_depth=max_depth, skip_optional=skip_optional)
    walks = via_paths(tool, rows)
    if type_ is not None:
        rows = [r for r in rows if r.type == type_]
    found = [{**_reach_json(r), "path": list(reversed(walks[r.id]))} for r in rows]
    max_found = max((r.depth for r in rows), default=0)
    p = state.printer
    if state.json:
        doc: dict[str, Any] = {
            "success": True,
            "tool": tool,
            "direct": direct,
            "affected": found,
            "count": len(found),
        }
        if found and not direct:
            doc["maxDepth"] = max_found
        doc["filters"] = {"type": type_, "depth": max_depth, "skipOptional": skip_optional}
        p.json(doc)
        return
    if not found:
        p.answer(f"No tools are affected by changes to '{tool}'.")
        return
    from pai_deps.render.tables import arrow_path, table

    p.info(f"Tools {'directly ' if direct else ''}affected by changes to: {tool}")
    p.info()
    p.render(
        table(
            ["ID", "Type", "Reliability", "Depth", "Why (depends on)"],
            [
                [
                    r["id"],
                    type_label(r["type"], r["stub"]),
                    f"{r['reliability']:.2f}",
                    r["depth"],
                    arrow_path(r["path"]),
                ]
                for r in found
            ],
            right=("Reliability", "Depth"),
        )
    )
    p.info()
    depth_note = "" if direct else f" (max depth: {max_found})"
    p.info(f"Total: {plural(len(found), 'affected tool')}{depth_note}")


# -- path / allpaths -------------------------------------------------------------------------


def _path_graph(conn: Connection, source: str, target: str, *, skip_optional: bool) -> Graph:
    """All edges plus both endpoints (validated first, in order) even when isolated."""
    from pai_deps.analysis import build_graph
    from pai_deps.registry import require_tool
    from pai_deps.repo import graph as graph_queries

    require_tool(conn, source)
    require_tool(conn, target)
    edges = graph_queries.edge_list(conn).edges
    return build_graph((source, target), edges, skip_optional=skip_optional)


def path(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(metavar="FROM", help="The depending tool.")],
    target: Annotated[str, typer.Argument(metavar="TO", help="The tool depended on.")],
    skip_optional: SkipOptional = False,
) -> None:
    """One shortest dependency path from FROM to TO (exit 1 when there is none)."""
    from pai_deps.graph import shortest_path
    from pai_deps.render.tables import arrow_path

    state = get_state(ctx)
    with state.registry() as conn:
        graph = _path_graph(conn, source, target, skip_optional=skip_optional)
    found = shortest_path(graph, source, target)
    p = state.printer
    if found is None:
        message = f"No dependency path from '{source}' to '{target}'"
        if state.json:
            p.json(
                {
                    "success": False,
                    "from": source,
                    "to": target,
                    "error": message,
                    "code": "no_path",
                }
            )
        else:
            p.answer(message + ".")
        raise fail()
    hops = len(found) - 1
    if state.json:
        p.json({"success": True, "from": source, "to": target, "path": found, "length": hops})
        return
    if hops == 0:
        p.answer(f"Source and target are the same tool: {source}")
        return
    p.info(f"Path from {source} to {target}:")
    p.info()
    p.answer(f"  {arrow_path(found)}")
    p.info()
    p.info(f"Length: {plural(hops, 'hop')}")


def allpaths(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(metavar="FROM", help="The depending tool.")],
    target: Annotated[str, typer.Argument(metavar="TO", help="The tool depended on.")],
    limit: Annotated[
        int,
        typer.Option("--limit", "-l", min=1, max=10_000, help="List at most N paths.", metavar="N"),
    ] = 10,
    max_length: Annotated[
        int | None,
        typer.Option(
            "--max-length",
            min=1,
            metavar="L",
            help="Only paths of at most L hops.",
            show_default=False,
        ),
    ] = None,
    skip_optional: SkipOptional = False,
) -> None:
    """The N shortest simple paths from FROM to TO, shortest first.

    Exit 1 when there is none.

    Bounded: on a dense graph it answers within about a second and says when it stopped
    early; "N+" appears only when more paths really exist.
    """
    from pai_deps.graph import k_shortest_paths
    from pai_deps.render.tables import arrow_path

    state = get_state(ctx)
    with state.registry() as conn:
        graph = _path_graph(conn, source, target, skip_optional=skip_optional)
    search = k_shortest_paths(graph, source, target, limit=limit, max_length=max_length)
    paths = search.paths
    p = state.printer
    if not paths:
        message = f"No dependency paths from '{source}' to '{target}'" + (
            f" of at most {plural(max_length, 'hop')}" if max_length is not None else ""
        )
        if search.stopped_early:
            message += f" found before the search stopped ({search.reason})"
        if state.json:
            p.json(
                {
                    "success": False,
                    "from": source,
                    "to": target,
                    "error": message,
                    "code": "no_path",
                    "stoppedEarly": search.stopped_early,
                    "reason": search.reason,
                }
            )
        else:
            p.answer(message + ".")
        raise fail()
    lengths = [len(route) - 1 for route in paths]
    if state.json:
        p.json(
            {
                "success": True,
                "from": source,
                "to": target,
                "paths": paths,
                "count": len(paths),
                "minLength": min(lengths),
                "maxLength": max(lengths),
                "truncated": search.truncated,
                "stoppedEarly": search.stopped_early,
                "reason": search.reason,
                "bounds": {"limit": limit, "maxLength": max_length},
            }
        )
        return
    if search.truncated:
        found = f"{len(paths)}+ found, showing the {len(paths)} shortest"
    else:
        found = f"{len(paths)} found"
    p.info(f"Paths from {source} to {target} ({found}):")
    p.info()
    width = len(str(len(paths)))
    for number, route in enumerate(paths, 1):
        p.answer(f"  {number:>{width}}. {arrow_path(route)}")
    p.info()
    if min(lengths) == max(lengths):
        p.info(f"All paths: {plural(lengths[0], 'hop')}")
    else:
        p.info(f"Shortest: {plural(min(lengths), 'hop')} | Longest: {plural(max(lengths), 'hop')}")
    if search.stopped_early:
        p.warn(
            f"the search stopped early ({search.reason}): these are the shortest paths found; "
            "more may exist"
        )


# -- chain-reliability -------------------------------------------------------------------------


def chain_reliability(
    ctx: typer.Context,
    tool: Annotated[
        str | None, typer.Argument(help="The tool's id (or use --all).", show_default=False)
    ] = None,
    all_: Annotated[bool, typer.Option("--all", "-a", help="Every registered tool.")] = False,
    minimum: Annotated[
        float,
        typer.Option(
            "--min",
            "-m",
            min=0.0,
            max=1.0,
            metavar="X",
            help="Threshold between 0 and 1; a compound below it fails (exit 1).",
        ),
    ] = 0.8,
    skip_optional: SkipOptional = False,
) -> None:
    """Compound reliability of a tool's chain, and its weakest path.

    The chain is the tool and everything it reaches, each once; the weakest single path
    names the tool that costs the most. Exit 1 when a chain is below --min."""
    from pai_deps.analysis import chain_reliability as analyse

    if tool is None and not all_:
        raise UsageError("Specify a tool ID or use --all")
    if tool is not None and all_:
        raise UsageError("Give a tool ID or --all, not both")
    state = get_state(ctx)
    with state.registry() as conn:
        if tool is not None:
            from pai_deps.registry import require_tool

            require_tool(conn, tool)
        graph, nodes = load_graph(conn, skip_optional=skip_optional)
    starts = [tool] if tool is not None else [t for t in graph.nodes if not nodes[t].stub]
    # Every chain of a whole registry is quadratic in size: only JSON (the old shape) has them.
    with_chain = tool is not None or state.json
    results = analyse(graph, nodes, starts, threshold=minimum, with_chain=with_chain)
    below = [r for r in results if r.below]
    p = state.printer
    if state.json:
        doc: dict[str, Any] = {
            "success": not below,
            "results": [r.to_json() for r in results],
            "threshold": minimum,
        }
        if below:
            doc["belowThreshold"] = [r.to_json() for r in below]
        p.json(doc)
    else:
        _print_chains(p, results, below, minimum, single=tool is not None)
    if below:
        raise fail()


def _print_chains(
    p: Printer,
    results: Sequence[ChainReliability],
    below: Sequence[ChainReliability],
    minimum: float,
    *,
    single: bool,
) -> None:
    from pai_deps.render.tables import arrow_path, percent, table

    if not results:
        p.info("No tools found.")
        return
    if single:
        p.info(f"Chain reliability for: {results[0].id}")
    else:
        p.info(f"Chain reliability analysis (threshold: {percent(minimum)})")
    p.info()
    p.render(
        table(
            ["ID", "Own", "Compound", "Chain Length", "Weakest Path", "Weakest Tool"],
            [
                [
                    r.id,
                    percent(r.reliability),
                    percent(r.compound),
                    r.chain_length,
                    percent(r.weakest.product),
                    r.weakest.weakest_tool,
                ]
                for r in results
            ],
            right=("Own", "Compound", "Chain Length", "Weakest Path"),
        )
    )
    if single:
        r = results[0]
        p.info()
        reached = (r.chain or [])[1:]
        p.info(f"Reaches ({len(reached)}): {', '.join(reached) if reached else 'nothing'}")
        exact = "" if r.weakest.exact else " (best found; the search was bounded)"
        p.info(f"Weakest path: {arrow_path(r.weakest.path)} = {percent(r.weakest.product)}{exact}")
    p.info()
    if below:  # the heading and its lines are one answer, on one stream
        p.answer(f"{plural(len(below), 'tool')} below {percent(minimum)} threshold:")
        for r in below:
            p.answer(f"  {r.id}: {percent(r.compound)}")
    else:
        p.info(f"All tools at or above {percent(minimum)} threshold.")


# -- blast-radius ----------------------------------------------------------------------------

RISK_LEVELS = ("low", "medium", "high", "critical")


def _validate_level(value: str | None) -> str | None:
    if value is not None and value.lower() not in RISK_LEVELS:
        raise typer.BadParameter(f"must be one of {', '.join(RISK_LEVELS)} (got '{value}')")
    return None if value is None else value.lower()


def blast_radius(
    ctx: typer.Context,
    tool: Tool,
    skip_optional: SkipOptional = False,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            metavar="LEVEL",
            callback=_validate_level,
            help="Exit 1 when the risk level is at least LEVEL (low, medium, high, critical); "
            "by default the analysis always exits 0.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """What a change to a tool puts at risk, and in which order to test.

    The tools affected, by type and depth, a risk score and level, and numbered rollback
    steps. Exit 0 whatever the risk unless --fail-on is given."""
    from pai_deps.analysis import blast_radius as analyse
    from pai_deps.registry import require_tool

    state = get_state(ctx)
    with state.registry() as conn:
        row = require_tool(conn, tool)
        rows = walk(conn, tool, reverse=True, max_depth=None, skip_optional=skip_optional)
    result = analyse(tool, row.reliability, rows)
    failed = fail_on is not None and RISK_LEVELS.index(result.level.lower()) >= RISK_LEVELS.index(
        fail_on
    )
    if state.json:
        state.printer.json({"success": not failed, "analysis": result.to_json()})
    else:
        _print_blast(state.printer, result)
    if failed:
        raise fail()


def _print_blast(p: Printer, b: BlastRadius) -> None:
    from pai_deps.render.tables import percent, table

    marks = {"LOW": "", "MEDIUM": " ⚠", "HIGH": " ⚠⚠", "CRITICAL": " 🔴"}
    p.info(f"Blast Radius Analysis: {b.tool}")
    p.info("═" * 60)
    p.info()
    p.answer("Impact Summary:")
    p.answer(f"  Directly affected:     {plural(b.direct_count, 'tool')}")
    p.answer(f"  Transitively affected: {plural(b.transitive_count, 'tool')}")
    p.answer(f"  Total blast radius:    {plural(len(b.affected), 'tool')}")
    p.answer(f"  Max depth:             {plural(b.max_depth, 'hop')}")
    p.answer()
    p.answer("Risk Assessment:")
    p.answer(f"  Risk Score:        {b.score:g} ({b.level}{marks[b.level]})")
    p.answer(f"  Chain Reliability: {percent(b.chain_reliability)}")
    p.answer(f"  Avg Debt Score:    {b.avg_debt:g}")
    if b.critical_count:
        p.answer(f"  Critical Tools:    {b.critical_count} (MCP)")
    if b.by_type:
        p.answer()
        p.answer("Impact by Type:")
        p.render(
            table(
                ["Type", "Count", "Critical"],
                [[t, n, "⚠ Yes" if c else ""] for t, n, c in b.by_type],
                right=("Count",),
            )
        )
    if b.by_depth:
        p.answer()
        p.answer("Impact by Depth:")
        for depth, count in b.by_depth:
            p.answer(
                f"  Depth {depth}:  {plural(count, 'tool')}{' (direct)' if depth == 1 else ''}"
            )
    p.answer()
    p.answer("Rollback Strategy:")
    for step in b.rollback:
        p.answer(f"  {step.step}. {step.message}")
    if b.affected:
        from pai_deps.render.tables import table as make_table

        p.answer()
        p.answer("Affected Tools:")
        p.render(
            make_table(
                ["ID", "Type", "Reliability", "Debt", "Depth", "Via"],
                [
                    [
                        r.id,
                        type_label(r.type, r.stub),
                        f"{r.reliability:.2f}",
                        r.debt_score,
                        r.depth,
                        r.via,
                    ]
                    for r in b.affected
                ],
                right=("Reliability", "Debt", "Depth"),
            )
        )
