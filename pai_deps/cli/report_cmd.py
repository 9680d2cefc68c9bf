"""`debt`, `health`, `report`, `graph`: the registry summarised, judged and drawn.

Decisions where the reference's spec was silent:
- stubs carry no debt and are never "unverified": debt, health and report count
  registered tools; the graph draws stubs (dashed) because edges point at them;
- `debt --min` only trims the listed tools (default 1: debt-free tools are not listed);
  totals and the per-type table follow `--type` alone;
- `health` exits 0 only for OK, and its JSON `success` says the same;
- `graph --depth` needs `--focus`; `--type` keeps tools of that type (and the focus);
  every format (dot, svg, mermaid, json) draws the same selection.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pai_deps.cli.options import TypeFilter
from pai_deps.cli.state import State, fail, get_state
from pai_deps.errors import PaiDepsError, UsageError
from pai_deps.output import Styled
from pai_deps.words import plural

if TYPE_CHECKING:
    from pai_deps.analysis import Health
    from pai_deps.db import Connection
    from pai_deps.graph import Graph
    from pai_deps.models import GraphNodeRow

GRAPH_FORMATS = ("dot", "svg", "mermaid", "json")
GRAPHVIZ_TIMEOUT_S = 60


def register(app: typer.Typer) -> None:
    app.command("debt")(debt)
    app.command("health")(health)
    app.command("report")(report)
    app.command("graph")(graph)


Output = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", metavar="FILE", help="Write to FILE instead of stdout.", dir_okay=False
    ),
]


def _load(conn: Connection) -> tuple[Graph, dict[str, GraphNodeRow]]:
    from pai_deps.cli.query_cmd import load_graph

    return load_graph(conn, skip_optional=False)


Force = Annotated[
    bool, typer.Option("--force", help="Replace FILE if it exists (never the registry).")
]


def _write(state: State, path: Path, text: str, *, force: bool, what: str) -> None:
    """Whole or not at all, never over the registry, an existing file only with --force."""
    from pai_deps.safeio import write_output_file

    write_output_file(path, text, force=force, protected=state.registry_files(), what=what)


# -- debt ------------------------------------------------------------------------------------


def debt(
    ctx: typer.Context,
    type_: TypeFilter = None,
    minimum: Annotated[
        int,
        typer.Option(
            "--min",
            "-m",
            min=0,
            metavar="N",
            help="List tools with at least this much debt (0 lists every tool).",
        ),
    ] = 1,
) -> None:
    """Technical debt: the total, by type, per tool, and weighted by fan-in.

    Weighted debt is debt x (1 + transitive dependents), so debt on a hub outranks debt
    on a leaf."""
    from pai_deps.analysis import HIGH_DEBT, debt_report
    from pai_deps.repo import reports

    state = get_state(ctx)
    with state.registry() as conn:
        by_type = reports.type_summary(conn, type=type_)
        listed = reports.list_debt(conn, type=type_, min_debt=minimum)
        graph, _ = _load(conn)
    result = debt_report(by_type, listed, graph)
    p = state.printer
    if state.json:
        p.json(
            {
                "success": True,
                **result.to_json(),
                "filters": {"type": type_, "min": minimum},
            }
        )
        return
    from pai_deps.render.tables import table

    p.answer(f"Total Debt Score: {result.total}")
    if not by_type:
        p.info("No registered tools" + (f" of type {type_}." if type_ else "."))
        return
    p.answer()
    p.render(
        table(
            ["Type", "Tools", "Total Debt", "Avg Debt"],
            [[t.type, t.tools, t.total_debt, f"{t.average_debt:.1f}"] for t in by_type],
            right=("Tools", "Total Debt", "Avg Debt"),
            title="By Type:",
        )
    )
    p.answer()
    if result.tools:
        p.render(
            table(
                ["ID", "Type", "Debt", "All Dependents", "Weighted"],
                [[e.id, e.type, e.debt, e.dependents, e.weighted] for e in result.tools],
                right=("Debt", "All Dependents", "Weighted"),
                title=f"Tools with debt >= {minimum} "
                "(weighted = debt x (1 + all dependents, direct and indirect)):",
            )
        )
    else:
        p.answer(f"No tools with debt >= {minimum}.")
    p.answer()
    high = result.high_debt
    if high:
        p.answer(f"High Debt Tools (debt > {HIGH_DEBT}): {', '.join(e.id for e in high)}")
    else:
        p.info(f"No high-debt tools (debt > {HIGH_DEBT}).")
    top = [e for e in result.by_weight if e.weighted > 0][:5]
    if top:
        p.info("Highest weighted: " + ", ".join(f"{e.id} ({e.weighted})" for e in top))


# -- health ----------------------------------------------------------------------------------


def assess(conn: Connection, graph: Graph, nodes: dict[str, GraphNodeRow]) -> Health:
    from pai_deps.analysis import HIGH_DEBT, assess_health, at_risk_tools
    from pai_deps.repo import reports

    counts = reports.health_counts(conn, high_debt=HIGH_DEBT)
    return assess_health(counts, at_risk_tools(graph, nodes))


def health(
    ctx: typer.Context,
    compact: Annotated[
        bool, typer.Option("--compact", "-c", help="One line, for prompts and hooks.")
    ] = False,
) -> None:
    """Registry health: OK, WARNING or CRITICAL (exit 0 only when OK)."""
    from pai_deps.render.tables import percent

    state = get_state(ctx)
    with state.registry() as conn:
        graph, nodes = _load(conn)
        result = assess(conn, graph, nodes)
    p = state.printer
    ok = result.status == "OK"
    if state.json:
        p.json({"success": ok, "status": result.status, "health": result.to_json()})
    elif compact:
        p.answer(result.compact())
    else:
        c = result.counts
        colour = {"OK": "32", "WARNING": "33", "CRITICAL": "31"}[result.status]
        p.answer("Registry health: ", Styled(result.status, colour))
        p.answer()
        p.answer(f"  Tools:            {c.tools}")
        p.answer(f"  Dependencies:     {c.dependencies}")
        p.answer(f"  Total debt:       {c.total_debt}")
        p.answer(f"  Avg reliability:  {percent(result.avg_reliability)}")
        p.answer(f"  Verified:         {c.verified} of {c.tools}")
        p.answer(f"  Open cycles:      {c.cycles}")
        p.answer(f"  At-risk chains:   {len(result.at_risk)}")
        p.answer()
        if result.issues:
            p.answer("Issues:")
            for issue in result.issues:
                p.answer(f"  [{issue.severity}] {issue.message}")
        else:
            p.answer("No issues.")
    if not ok:
        raise fail()


# -- report ----------------------------------------------------------------------------------


def report(ctx: typer.Context, output: Output = None, force: Force = False) -> None:
    """A Markdown report of the registry, with a Mermaid diagram.

    Overview, tools by type, debt, reliability and cycles, verifications, and a diagram
    of the graph that renders on GitHub."""
    from pai_deps.analysis import AT_RISK_THRESHOLD, chain_reliability, debt_report, select_view
    from pai_deps.render.report import ReportData, render_report
    from pai_deps.repo import cycles, reports
    from pai_deps.repo import graph as graph_queries
    from pai_deps.timeutil import now_iso

    state = get_state(ctx)
    with state.registry() as conn:
        graph, nodes = _load(conn)
        result = assess(conn, graph, nodes)
        types = reports.type_summary(conn, type=None)
        debt_result = debt_report(types, reports.list_debt(conn, type=None, min_debt=1), graph)
        open_cycles = cycles.list_cycles(conn, include_resolved=False)
        recent = reports.recent_verifications(conn, limit=10)
        view = select_view(list(nodes.values()), graph_queries.edge_list(conn).edges)
    at_risk = chain_reliability(
        graph,
        nodes,
        [tool for tool, _ in result.at_risk],
        threshold=AT_RISK_THRESHOLD,
        with_chain=False,
    )
    text = render_report(
        ReportData(
            generated_at=now_iso(),
            health=result,
            stubs=sum(1 for n in nodes.values() if n.stub),
            types=types,
            debt=debt_result,
            at_risk=at_risk,
            cycles=open_cycles,
            recent=recent,
            never_verified=[n for n in nodes.values() if not n.stub and n.last_verified is None],
            view=view,
        )
    )
    if output is not None:
        _write(state, output, text, force=force, what="report")
    p = state.printer
    if state.json:
        doc: dict[str, Any] = {"success": True, "report": text}
        if output is not None:
            doc["outputFile"] = str(output)
        p.json(doc)
    elif output is not None:
        p.info(f"Generated: {output}")
    else:
        p.document(text)


# -- graph -----------------------------------------------------------------------------------


def _validate_format(value: str) -> str:
    if value not in GRAPH_FORMATS:
        raise typer.BadParameter(f"must be one of {', '.join(GRAPH_FORMATS)} (got '{value}')")
    return value


def graph(
    ctx: typer.Context,
    format_: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            callback=_validate_format,
            help="dot, svg (needs Graphviz), mermaid or json.",
        ),
    ] = "dot",
    focus: Annotated[
        str | None,
        typer.Option(
            "--focus",
            metavar="TOOL",
            help="Only this tool and what it reaches or is reached by within --depth hops.",
            show_default=False,
        ),
    ] = None,
    depth: Annotated[
        int | None,
        typer.Option(
            "--depth",
            "-d",
            min=1,
            metavar="N",
            help="Hops around --focus [default: 3]; only with --focus.",
            show_default=False,
        ),
    ] = None,
    type_: TypeFilter = None,
    output: Output = None,
    force: Force = False,
    skip_optional: Annotated[
        bool, typer.Option("--skip-optional", help="Leave out optional dependencies.")
    ] = False,
) -> None:
    """Draw the dependency graph as DOT, SVG, Mermaid or JSON.

    Cycle edges are marked, stubs dashed, optional edges dotted, the focus tool
    emphasised. Colour follows --no-color / NO_COLOR."""
    from pai_deps.analysis import select_view
    from pai_deps.output import dump_json
    from pai_deps.repo import graph as graph_queries
    from pai_deps.repo import reports

    if depth is not None and focus is None:
        raise UsageError("--depth only applies with --focus")
    state = get_state(ctx)
    with state.registry() as conn:
        if focus is not None:
            from pai_deps.registry import require_tool

            require_tool(conn, focus)
        view = select_view(
            reports.list_graph_nodes(conn),
            graph_queries.edge_list(conn).edges,
            focus=focus,
            depth=3 if depth is None else depth,
            type_=type_,
            skip_optional=skip_optional,
        )
    color = state.printer.color
    content: dict[str, Any] = {}
    if format_ == "json":
        text = dump_json({"success": True, "format": "json", **view.to_json()}) + "\n"
        content["graph"] = view.to_json()
    elif format_ == "mermaid":
        from pai_deps.render.mermaid import render_mermaid

        text = content["mermaid"] = render_mermaid(view, color=color)
    else:
        from pai_deps.render.dot import render_dot

        text = content["dot"] = render_dot(view, color=color)
        if format_ == "svg":
            text = content["svg"] = _svg(text)
    if output is not None:
        _write(state, output, text, force=force, what="graph")
    p = state.printer
    if state.json:
        doc: dict[str, Any] = {
            "success": True,
            "format": format_,
            "nodes": len(view.nodes),
            "edges": len(view.edges),
        }
        if output is not None:
            doc["outputFile"] = str(output)
        p.json({**doc, **content})
    elif output is not None:
        p.info(
            f"Graph written to: {output} ({plural(len(view.nodes), 'tool')}, "
            f"{plural(len(view.edges), 'edge')})"
        )
    else:
        p.document(text)


def _svg(dot_source: str) -> str:
    """Render through Graphviz's `dot`, or say in one line how to get it."""
    import shutil
    import subprocess

    executable = shutil.which("dot")
    if executable is None:
        raise PaiDepsError(
            "Graphviz is not installed (svg needs its `dot` command): install it with "
            "`apt-get install graphviz` or `brew install graphviz`, or use --format dot",
            code="graphviz_missing",
        )
    try:
        done = subprocess.run(
            [executable, "-Tsvg"],
            input=dot_source.encode("utf-8"),
            capture_output=True,
            timeout=GRAPHVIZ_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise PaiDepsError(
            f"Graphviz took longer than {GRAPHVIZ_TIMEOUT_S} s", code="graphviz_failed"
        ) from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PaiDepsError(
            f"Graphviz error: {detail[0] if detail else f'exit {done.returncode}'}",
            code="graphviz_failed",
        )
    return done.stdout.decode("utf-8")
