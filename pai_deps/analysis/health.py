"""`health`: the registry judged OK, WARNING or CRITICAL, and why.

Stubs are never "unverified": the counts are of registered tools.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from pai_deps.analysis.chains import compound_all
from pai_deps.analysis.rules import AT_RISK_THRESHOLD, HIGH_DEBT
from pai_deps.graph import Graph
from pai_deps.models import GraphNodeRow, HealthCountsRow
from pai_deps.results.report import AtRisk, HealthFigures, HealthIssue, HealthStatus
from pai_deps.results.report import Health as HealthDocument

if TYPE_CHECKING:
    from pai_deps.db import Connection


def _issue(code: str, severity: Literal["warning", "critical"], message: str) -> HealthIssue:
    return HealthIssue(code=code, severity=severity, message=message)


@dataclass(frozen=True)
class Health:
    counts: HealthCountsRow
    at_risk: list[tuple[str, float]]  # (tool, compound), weakest first
    status: HealthStatus
    issues: list[HealthIssue]
    over_budget: list[str] = field(default_factory=list)  # tools whose chain misses its slo

    @property
    def avg_reliability(self) -> float:
        return self.counts.avg_reliability if self.counts.avg_reliability is not None else 1.0


def assess_health(
    counts: HealthCountsRow,
    at_risk: Sequence[tuple[str, float]],
    over_budget: Sequence[str] = (),
) -> Health:
    """The status rules of the reference's spec (f-020 and its plan).

    CRITICAL: more than 2 open cycles, or more than 3 tools whose chain is below 80%.
    WARNING: any cycle, any at-risk chain, any tool with debt above 10, more than half
    of the registered tools never verified, or a chain over its reliability budget
    (`slo`, which the reference did not have). Otherwise OK.
    """
    issues: list[HealthIssue] = []
    cycles = counts.cycles
    if cycles:
        severity: Literal["warning", "critical"] = "critical" if cycles > 2 else "warning"
        noun = "cycle" if cycles == 1 else "cycles"
        issues.append(_issue("cycles", severity, f"{cycles} circular dependency {noun}"))
    if at_risk:
        severity = "critical" if len(at_risk) > 3 else "warning"
        names = ", ".join(t for t, _ in at_risk[:5]) + (", ..." if len(at_risk) > 5 else "")
        issues.append(
            _issue(
                "at_risk",
                severity,
                f"{len(at_risk)} tool(s) with chain reliability below "
                f"{AT_RISK_THRESHOLD:.0%}: {names}",
            )
        )
    if counts.high_debt:
        issues.append(
            _issue(
                "high_debt",
                "warning",
                f"{counts.high_debt} tool(s) with debt above {HIGH_DEBT}",
            )
        )
    unverified = counts.tools - counts.verified
    if unverified * 2 > counts.tools:
        issues.append(
            _issue(
                "unverified",
                "warning",
                f"{unverified} of {counts.tools} tools never verified",
            )
        )
    if over_budget:
        names = ", ".join(over_budget[:5]) + (", ..." if len(over_budget) > 5 else "")
        issues.append(
            _issue(
                "over_budget",
                "warning",
                f"{len(over_budget)} tool(s) whose chain is over its reliability budget "
                f"(1 - slo): {names}",
            )
        )
    status: HealthStatus = "OK"
    if issues:
        status = "CRITICAL" if any(i.severity == "critical" for i in issues) else "WARNING"
    return Health(counts, list(at_risk), status, issues, list(over_budget))


def at_risk_tools(
    graph: Graph, nodes: Mapping[str, GraphNodeRow], *, threshold: float = AT_RISK_THRESHOLD
) -> list[tuple[str, float]]:
    """Registered tools whose compound chain reliability is below `threshold`."""
    rel = {tool: nodes[tool].reliability for tool in graph.nodes}
    starts = [tool for tool in graph.nodes if not nodes[tool].stub]
    compounds = compound_all(graph, rel, starts)
    risky = [(tool, value) for tool, (value, _) in compounds.items() if value < threshold]
    return sorted(risky, key=lambda item: (item[1], item[0]))


def over_budget_tools(graph: Graph, nodes: Mapping[str, GraphNodeRow]) -> list[str]:
    """Registered tools declaring `slo` whose chain (declared reliabilities) misses it."""
    from pai_deps.analysis.evidence import over_budget

    slos = {t: slo for t in graph.nodes if (slo := nodes[t].slo) is not None and not nodes[t].stub}
    if not slos:
        return []
    rel = {tool: nodes[tool].reliability for tool in graph.nodes}
    compounds = compound_all(graph, rel, slos)
    return sorted(t for t, (value, _) in compounds.items() if over_budget(slos[t], value))


def read_health(conn: Connection, graph: Graph, nodes: Mapping[str, GraphNodeRow]) -> Health:
    """The figures of `health` (and of `report`), over the graph already loaded."""
    from pai_deps.repo import reports

    counts = reports.health_counts(conn, high_debt=HIGH_DEBT)
    return assess_health(counts, at_risk_tools(graph, nodes), over_budget_tools(graph, nodes))


def health(conn: Connection) -> HealthDocument:
    """`health`: `success` (and exit 0) only when the status is OK."""
    from pai_deps.analysis.registry_graph import load_graph

    graph, nodes = load_graph(conn, skip_optional=False)
    return health_document(read_health(conn, graph, nodes))


def health_document(figures: Health) -> HealthDocument:
    c = figures.counts
    return HealthDocument(
        success=figures.status == "OK",
        status=figures.status,
        health=HealthFigures(
            tools=c.tools,
            dependencies=c.dependencies,
            total_debt=c.total_debt,
            avg_reliability=figures.avg_reliability,
            verified=c.verified,
            unverified=c.tools - c.verified,
            cycles=c.cycles,
            at_risk=[AtRisk(id=t, compound=v) for t, v in figures.at_risk],
            high_debt=c.high_debt,
            issues=figures.issues,
            over_budget=len(figures.over_budget),
        ),
    )
