"""How the speckit commands' documents look to a person: Markdown to paste into a plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pai_deps.output import Printer
from pai_deps.words import plural

if TYPE_CHECKING:
    from pai_deps.results.speckit import FailureModes, PlanningContext, ReachedTool


def context(printer: Printer, doc: PlanningContext) -> None:
    printer.document(context_markdown(doc))


def failures(printer: Printer, doc: FailureModes) -> None:
    printer.document(failures_markdown(doc))


def _cell(value: object) -> str:
    """A Markdown table cell: pipes escaped, never empty."""
    text = str(value).replace("|", "\\|").replace("\n", " ")
    return text or "-"


def _table(headers: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)
    return lines


def _reach_table(rows: list[ReachedTool]) -> list[str]:
    if not rows:
        return ["_None._"]
    return _table(
        ["Tool", "Type", "Reliability", "Depth", "Via"],
        [
            [f"{r.id} (stub)" if r.stub else r.id, r.type, f"{r.reliability:.0%}", r.depth, r.via]
            for r in rows
        ],
    )


def context_markdown(ctx: PlanningContext) -> str:
    blast = ctx.blast_radius
    version = f" · **Version:** {ctx.version}" if ctx.version else ""
    lines = [
        f"## Dependency context: {ctx.tool}",
        "",
        f"- **Type:** {ctx.type}{version} · **Reliability:** {ctx.reliability:.1%}",
        f"- **Compound reliability:** {ctx.compound_reliability:.1%} "
        f"({ctx.tool} and the {plural(len(ctx.upstream), 'tool')} it depends on)",
        f"- **Blast radius:** {blast.score} ({blast.level}): "
        f"{plural(len(ctx.downstream), 'tool')} depend on {ctx.tool}, "
        f"{blast.direct} directly",
        "",
        f"### Upstream: what {ctx.tool} depends on",
        "",
        *_reach_table(ctx.upstream),
        "",
        f"### Downstream: what depends on {ctx.tool}",
        "",
        *_reach_table(ctx.downstream),
        "",
        "### Cycles",
        "",
        *([f"- {' -> '.join([*c, c[0]])}" for c in ctx.cycles] or ["_None._"]),
        "",
        "### Warnings",
        "",
        *([f"- {w}" for w in ctx.warnings] or ["_None._"]),
    ]
    return "\n".join(lines) + "\n"


def failures_markdown(doc: FailureModes) -> str:
    modes = doc.failure_modes
    lines = [f"## Failure modes: {doc.tool}", ""]
    if not modes:
        lines.append(f"_{doc.tool} has no dependencies, so no dependency failure modes._")
        return "\n".join(lines) + "\n"
    lines.extend(
        _table(
            ["Dependency", "Type", "Failure mode", "Detection", "Recovery", "Severity", "Affects"],
            [
                [
                    m.dependency + (" (optional)" if m.optional else ""),
                    m.type,
                    m.mode,
                    m.detection,
                    m.recovery,
                    m.severity,
                    m.affected_downstream,
                ]
                for m in modes
            ],
        )
    )
    lines += [
        "",
        f"Severity: a failure {doc.tool} does not handle reaches the "
        f"{modes[0].affected_downstream} tools downstream of it (> 5 critical, 3-5 high, "
        "1-2 medium, 0 low); one step milder for optional dependencies.",
    ]
    return "\n".join(lines) + "\n"
