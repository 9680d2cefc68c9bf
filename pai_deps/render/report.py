"""How the report commands' documents look to a person (`debt`, `health`, `report`,
`graph`). The Markdown report itself is `render.markdown`."""

from __future__ import annotations

from pai_deps.analysis.rules import HIGH_DEBT
from pai_deps.output import Printer, Styled
from pai_deps.render.tables import percent, table
from pai_deps.results.report import Debt, Health, Picture, Report
from pai_deps.words import plural

_STATUS_COLOUR = {"OK": "32", "WARNING": "33", "CRITICAL": "31"}


def debt(printer: Printer, doc: Debt) -> None:
    p = printer
    minimum = doc.filters.min
    p.answer(f"Total Debt Score: {doc.total_debt}")
    if not doc.by_type:
        type_ = doc.filters.type
        p.info("No registered tools" + (f" of type {type_}." if type_ else "."))
        return
    p.answer()
    p.render(
        table(
            ["Type", "Tools", "Total Debt", "Avg Debt"],
            [[t.type, t.tools, t.total_debt, f"{t.mean_debt:.1f}"] for t in doc.by_type],
            right=("Tools", "Total Debt", "Avg Debt"),
            title="By Type:",
        )
    )
    p.answer()
    if doc.tools:
        p.render(
            table(
                ["ID", "Type", "Debt", "All Dependents", "Weighted"],
                [
                    [e.id, e.type, e.debt_score, e.transitive_dependents, e.weighted_debt]
                    for e in doc.tools
                ],
                right=("Debt", "All Dependents", "Weighted"),
                title=f"Tools with debt >= {minimum} "
                "(weighted = debt x (1 + all dependents, direct and indirect)):",
            )
        )
    else:
        p.answer(f"No tools with debt >= {minimum}.")
    p.answer()
    high = [e.id for e in doc.tools if e.high_debt]
    if high:
        p.answer(f"High Debt Tools (debt > {HIGH_DEBT}): {', '.join(high)}")
    else:
        p.info(f"No high-debt tools (debt > {HIGH_DEBT}).")
    weighted = {e.id: e.weighted_debt for e in doc.tools}
    top = [tool for tool in doc.by_weighted_debt if weighted[tool] > 0][:5]
    if top:
        p.info("Highest weighted: " + ", ".join(f"{tool} ({weighted[tool]})" for tool in top))


def compact(doc: Health) -> str:
    """One line for prompts and hooks: `OK tools:34 deps:29 debt:5 rel:94.8% issues:0`."""
    h = doc.health
    return (
        f"{doc.status} tools:{h.tools} deps:{h.dependencies} debt:{h.total_debt} "
        f"rel:{h.avg_reliability * 100:.1f}% issues:{len(h.issues)}"
    )


def health(printer: Printer, doc: Health, *, compact_line: bool) -> None:
    p = printer
    if compact_line:
        p.answer(compact(doc))
        return
    h = doc.health
    p.answer("Registry health: ", Styled(doc.status, _STATUS_COLOUR[doc.status]))
    p.answer()
    p.answer(f"  Tools:            {h.tools}")
    p.answer(f"  Dependencies:     {h.dependencies}")
    p.answer(f"  Total debt:       {h.total_debt}")
    p.answer(f"  Avg reliability:  {percent(h.avg_reliability)}")
    p.answer(f"  Verified:         {h.verified} of {h.tools}")
    p.answer(f"  Open cycles:      {h.cycles}")
    p.answer(f"  At-risk chains:   {len(h.at_risk)}")
    p.answer()
    if h.issues:
        p.answer("Issues:")
        for issue in h.issues:
            p.answer(f"  [{issue.severity}] {issue.message}")
    else:
        p.answer("No issues.")


def report(printer: Printer, doc: Report) -> None:
    if doc.output_file is not None:
        printer.info(f"Generated: {doc.output_file}")
    else:
        printer.document(doc.report)


def picture(printer: Printer, doc: Picture) -> None:
    if doc.output_file is not None:
        printer.info(
            f"Graph written to: {doc.output_file} ({plural(doc.nodes, 'tool')}, "
            f"{plural(doc.edges, 'edge')})"
        )
    else:
        printer.document(doc.text)
