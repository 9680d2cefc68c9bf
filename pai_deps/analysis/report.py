"""`report`: the Markdown report of the registry (overview, debt, reliability, cycles,
verifications and a Mermaid diagram), or the interactive HTML page of the whole registry
(`analysis.explorer`), printed or written to a file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pai_deps.results.report import Report, ReportFormat

if TYPE_CHECKING:
    from pai_deps.db import Connection
    from pai_deps.safeio import Protected


def report(
    conn: Connection,
    *,
    format_: ReportFormat = "markdown",
    output: Path | None = None,
    force: bool = False,
    protected: Protected = (),
) -> Report:
    """The report in `format_`; written whole to `output` when given (an existing file
    only with `force`, never one of the `protected` files)."""
    text = markdown_report(conn) if format_ == "markdown" else html_report(conn)
    document = Report(format=format_, report=text)
    if output is not None:
        from pai_deps.safeio import write_output_file

        write_output_file(output, text, force=force, protected=protected, what="report")
        document.output_file = str(output)
    return document


def html_report(conn: Connection) -> str:
    """The interactive page of the whole registry."""
    from pai_deps.analysis.explorer import explorer_page
    from pai_deps.analysis.picture import select_view
    from pai_deps.repo import graph as graph_queries
    from pai_deps.repo import reports

    nodes = reports.list_graph_nodes(conn)
    edges = graph_queries.edge_list(conn).edges
    return explorer_page(conn, nodes, edges, select_view(nodes, edges), title="pai-deps report")


def markdown_report(conn: Connection) -> str:
    """The Markdown report, Mermaid diagram included."""
    from pai_deps.analysis.chains import chain_reliability
    from pai_deps.analysis.debt import debt_report
    from pai_deps.analysis.health import read_health
    from pai_deps.analysis.picture import select_view
    from pai_deps.analysis.registry_graph import load_graph
    from pai_deps.analysis.rules import AT_RISK_THRESHOLD
    from pai_deps.render.markdown import ReportData, render_report
    from pai_deps.repo import cycles, reports
    from pai_deps.repo import graph as graph_queries
    from pai_deps.timeutil import now_iso

    graph, nodes = load_graph(conn, skip_optional=False)
    health = read_health(conn, graph, nodes)
    types = reports.type_summary(conn, type=None)
    debt = debt_report(types, reports.list_debt(conn, type=None, min_debt=1), graph)
    open_cycles = cycles.list_cycles(conn, include_resolved=False)
    recent = reports.recent_verifications(conn, limit=10)
    view = select_view(list(nodes.values()), graph_queries.edge_list(conn).edges)
    at_risk = chain_reliability(
        graph,
        nodes,
        [tool for tool, _ in health.at_risk],
        threshold=AT_RISK_THRESHOLD,
        with_chain=False,
    )
    return render_report(
        ReportData(
            generated_at=now_iso(),
            health=health,
            stubs=sum(1 for n in nodes.values() if n.stub),
            types=types,
            debt=debt,
            at_risk=at_risk,
            cycles=open_cycles,
            recent=recent,
            never_verified=[n for n in nodes.values() if not n.stub and n.last_verified is None],
            view=view,
        )
    )
