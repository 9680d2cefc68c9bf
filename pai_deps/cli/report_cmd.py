"""`debt`, `health`, `report`, `graph`: the registry summarised, judged and drawn
(services: `pai_deps.analysis`).

Decisions where the reference's spec was silent:
- stubs carry no debt and are never "unverified": debt, health and report count
  registered tools; the graph draws stubs (dashed) because edges point at them;
- `debt --min` only trims the listed tools (default 1: debt-free tools are not listed);
  totals and the per-type table follow `--type` alone;
- `health` exits 0 only for OK, and its JSON `success` says the same;
- `graph --depth` needs `--focus`; `--type` keeps tools of that type (and the focus);
  every format (dot, svg, mermaid, json, html) draws the same selection;
- `report --format html` draws the whole registry; its figures (health, chain
  reliability, debt weight) are the registry's whatever a `graph --format html` selection
  leaves out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pai_deps.cli.options import TypeFilter
from pai_deps.cli.remedies import Remedy, remedies
from pai_deps.cli.state import fail, get_state
from pai_deps.errors import UsageError

GRAPH_FORMATS = ("dot", "svg", "mermaid", "json", "html")
REPORT_FORMATS = ("markdown", "html")
NO_GRAPHVIZ = {"graphviz_missing": Remedy(", or use --format dot")}


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
Force = Annotated[
    bool, typer.Option("--force", help="Replace FILE if it exists (never the registry).")
]


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
    from pai_deps.analysis.debt import debt as read

    state = get_state(ctx)
    with state.registry() as conn:
        doc = read(conn, type_=type_, min_debt=minimum)
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render import report as render

        render.debt(state.printer, doc)


# -- health ----------------------------------------------------------------------------------


def health(
    ctx: typer.Context,
    compact: Annotated[
        bool, typer.Option("--compact", "-c", help="One line, for prompts and hooks.")
    ] = False,
) -> None:
    """Registry health: OK, WARNING or CRITICAL (exit 0 only when OK)."""
    from pai_deps.analysis.health import health as assess

    state = get_state(ctx)
    with state.registry() as conn:
        doc = assess(conn)
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render import report as render

        render.health(state.printer, doc, compact_line=compact)
    if not doc.success:
        raise fail()


# -- report ----------------------------------------------------------------------------------


def _validate_report_format(value: str) -> str:
    if value not in REPORT_FORMATS:
        raise typer.BadParameter(f"must be one of {', '.join(REPORT_FORMATS)} (got '{value}')")
    return value


def report(
    ctx: typer.Context,
    format_: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            callback=_validate_report_format,
            help="markdown, or html: one interactive page that works offline.",
        ),
    ] = "markdown",
    output: Output = None,
    force: Force = False,
) -> None:
    """A report of the registry: Markdown with a Mermaid diagram, or an HTML page.

    Overview, tools by type, debt, reliability and cycles, verifications, and a diagram
    of the graph that renders on GitHub. --format html writes one self-contained page
    instead: the health summary, the graph to pan, zoom and search, and a panel per tool
    (dependencies, dependents, contracts, verification history, debt)."""
    from pai_deps.analysis.report import report as build

    state = get_state(ctx)
    with state.registry() as conn:
        doc = build(
            conn,
            format_="html" if format_ == "html" else "markdown",
            output=output,
            force=force,
            protected=state.registry_files(),
        )
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render import report as render

        render.report(state.printer, doc)


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
            help="dot, svg (needs Graphviz), mermaid, json, or html (an interactive page).",
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
    """Draw the dependency graph as DOT, SVG, Mermaid, JSON or an HTML page.

    Cycle edges are marked, stubs dashed, optional edges dotted, the focus tool
    emphasised. Colour follows --no-color / NO_COLOR. html is one self-contained page
    to pan, zoom and search, with a panel per tool (best written with -o)."""
    from pai_deps.analysis.picture import draw

    if depth is not None and focus is None:
        raise UsageError("--depth only applies with --focus")
    state = get_state(ctx)
    with state.registry() as conn, remedies(NO_GRAPHVIZ):
        doc = draw(
            conn,
            format_=format_,
            focus=focus,
            depth=depth,
            type_=type_,
            skip_optional=skip_optional,
            color=state.printer.color,
            output=output,
            force=force,
            protected=state.registry_files(),
        )
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render import report as render

        render.picture(state.printer, doc)
