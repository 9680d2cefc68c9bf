"""The Markdown health report (the reference spec's `report`, f-019), GitHub-flavoured.

A document format, not terminal output (it never imports the printer): `report` prints
it, writes it to a file or puts it in its JSON. Pure formatting: every figure arrives
computed (`ReportData`); the dependency diagram is the same `GraphView` the `graph`
command draws, as a Mermaid block.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pai_deps.analysis.debt import DebtReport
from pai_deps.analysis.health import Health
from pai_deps.analysis.picture import GraphView
from pai_deps.analysis.rules import AT_RISK_THRESHOLD, HIGH_DEBT
from pai_deps.models import CycleRow, GraphNodeRow, RecentVerificationRow, TypeSummaryRow
from pai_deps.render.mermaid import render_mermaid
from pai_deps.results.chains import Chain
from pai_deps.words import plural

# GitHub refuses to render Mermaid diagrams beyond about 500 edges; far below that a
# picture stops being readable anyway.
DIAGRAM_MAX_NODES = 60
DIAGRAM_MAX_EDGES = 150
TOP_DEBT = 10

_MARKDOWN_SPECIAL = "\\`*_{}[]<>|#"


def md(text: str) -> str:
    """Text that Markdown (tables included) shows literally."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)


@dataclass(frozen=True)
class ReportData:
    generated_at: str
    health: Health
    stubs: int
    types: list[TypeSummaryRow]
    debt: DebtReport
    at_risk: list[Chain]
    cycles: list[CycleRow]
    recent: list[RecentVerificationRow]
    never_verified: list[GraphNodeRow]
    view: GraphView


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def render_report(data: ReportData) -> str:
    lines = [
        *_overview(data),
        *_diagram(data.view),
        *_types(data.types),
        *_debt(data.debt),
        *_reliability(data.at_risk, data.cycles),
        *_verifications(data.recent, data.never_verified),
    ]
    return "\n".join(lines) + "\n"


def _overview(data: ReportData) -> list[str]:
    h = data.health
    c = h.counts
    lines = [
        "# pai-deps report",
        "",
        f"Generated {data.generated_at} · status **{h.status}**",
        "",
        "## System overview",
        "",
        *_table(
            ["Metric", "Value"],
            [
                [
                    "Tools",
                    f"{c.tools}" + (f" (+{plural(data.stubs, 'stub')})" if data.stubs else ""),
                ],
                ["Dependencies", str(c.dependencies)],
                ["Total debt", str(c.total_debt)],
                ["Average reliability", f"{h.avg_reliability * 100:.1f}%"],
                ["Verified", f"{c.verified} of {c.tools}"],
                ["Open cycles", str(c.cycles)],
                [f"Chains below {AT_RISK_THRESHOLD:.0%}", str(len(h.at_risk))],
            ],
        ),
        "",
    ]
    if h.issues:
        lines += ["Issues:", ""]
        lines += [f"- **{i.severity}**: {md(i.message)}" for i in h.issues]
        lines.append("")
    return lines


def _diagram(view: GraphView) -> list[str]:
    lines = ["## Dependency graph", ""]
    if not view.nodes:
        return [*lines, "No tools registered.", ""]
    if len(view.nodes) <= DIAGRAM_MAX_NODES and len(view.edges) <= DIAGRAM_MAX_EDGES:
        return [
            *lines,
            "```mermaid",
            render_mermaid(view).rstrip("\n"),
            "```",
            "",
            "Thick edges lie on a cycle, dotted edges are optional, dashed boxes are stubs.",
            "",
        ]
    return [
        *lines,
        f"The graph ({len(view.nodes)} tools, {len(view.edges)} edges) is too large for "
        "one diagram; draw part of it with `pai-deps graph --focus <tool> --format mermaid`.",
        "",
    ]


def _types(types: Sequence[TypeSummaryRow]) -> list[str]:
    lines = ["## Tools by type", ""]
    if not types:
        return [*lines, "No registered tools."]
    return lines + _table(
        ["Type", "Tools", "Debt", "Avg reliability"],
        [
            [md(t.type), str(t.tools), str(t.total_debt), f"{t.average_reliability * 100:.1f}%"]
            for t in types
        ],
    )


def _debt(debt: DebtReport) -> list[str]:
    lines = ["", "## Debt analysis", "", f"Total debt score: **{debt.total}**", ""]
    ranked = [e for e in debt.by_weight if e.debt > 0][:TOP_DEBT]
    if not ranked:
        return [*lines, "No tool carries debt."]
    top = ranked[0]
    lines += [
        "Debt weighted by fan-in (debt x (1 + transitive dependents)): debt on a hub "
        "outranks debt on a leaf.",
        "",
        *_table(
            ["Tool", "Type", "Debt", "Dependents", "Weighted"],
            [
                [md(e.id), md(e.type), str(e.debt), str(e.dependents), str(e.weighted)]
                for e in ranked
            ],
        ),
        "",
        "Recommendations:",
        "",
        f"- Pay down `{md(top.id)}` first: its debt of {top.debt} is carried by "
        f"{top.dependents} dependent tool(s).",
    ]
    high = debt.high_debt
    if high:
        lines.append(
            f"- {len(high)} tool(s) above {HIGH_DEBT} debt: "
            + ", ".join(md(e.id) for e in high)
            + "."
        )
    return lines


def _reliability(at_risk: Sequence[Chain], cycles: Sequence[CycleRow]) -> list[str]:
    lines = ["", "## Reliability analysis", ""]
    if at_risk:
        lines += [
            f"Chains below {AT_RISK_THRESHOLD:.0%} compound reliability:",
            "",
            *_table(
                ["Tool", "Own", "Compound", "Chain length", "Weakest path", "Weakest tool"],
                [
                    [
                        md(r.id),
                        f"{r.reliability * 100:.1f}%",
                        f"{r.compound * 100:.1f}%",
                        str(r.chain_length),
                        md(" → ".join(r.weakest_path.path))
                        + f" ({r.weakest_path.product * 100:.1f}%)",
                        md(r.weakest_path.weakest_tool),
                    ]
                    for r in at_risk
                ],
            ),
        ]
    else:
        lines.append(f"Every chain is at or above {AT_RISK_THRESHOLD:.0%}.")
    lines += ["", "### Circular dependencies", ""]
    if cycles:
        lines += [f"- {md(' → '.join([*cy.cycle, cy.cycle[0]]))}" for cy in cycles]
    else:
        lines.append("None.")
    return lines


def _verifications(
    recent: Sequence[RecentVerificationRow], never: Sequence[GraphNodeRow]
) -> list[str]:
    lines = ["", "## Recent verifications", ""]
    if recent:
        lines += _table(
            ["Tool", "Type", "Verified", "Result"],
            [
                [
                    md(r.id),
                    md(r.type),
                    r.last_verified,
                    md(r.status or "-") + (f" ({md(r.level)})" if r.level else ""),
                ]
                for r in recent
            ],
        )
    else:
        lines.append("No tool has been verified yet.")
    lines += ["", "## Never verified", ""]
    if never:
        lines += [f"- {md(n.id)} ({md(n.type)})" for n in never]
    else:
        lines.append("Every registered tool has been verified.")
    return lines
