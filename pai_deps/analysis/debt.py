"""`debt`: technical debt, the total, by type, per tool, and weighted by fan-in.

Weighted debt is debt x (1 + transitive dependents), so debt on a hub outranks debt on a
leaf. Stubs carry no debt: the figures count registered tools.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pai_deps.analysis.rules import HIGH_DEBT, js_round
from pai_deps.graph import Graph, closure_masks
from pai_deps.models import GraphNodeRow, TypeSummaryRow
from pai_deps.results.report import Debt, DebtFilters, ToolDebt, TypeDebt

if TYPE_CHECKING:
    from pai_deps.db import Connection


@dataclass(frozen=True)
class DebtEntry:
    """A tool's debt and its weight: debt x (1 + transitive dependents), i.e. the debt
    times every tool that carries it (itself included, so a leaf's debt is not zeroed)."""

    id: str
    name: str
    type: str
    debt: int
    dependents: int

    @property
    def weighted(self) -> int:
        return self.debt * (1 + self.dependents)


@dataclass(frozen=True)
class DebtReport:
    total: int
    by_type: list[TypeSummaryRow]
    tools: list[DebtEntry]  # most debt first

    @property
    def by_weight(self) -> list[DebtEntry]:
        return sorted(self.tools, key=lambda e: (-e.weighted, -e.debt, e.id))

    @property
    def high_debt(self) -> list[DebtEntry]:
        return [e for e in self.tools if e.debt > HIGH_DEBT]


def debt_report(
    by_type: Sequence[TypeSummaryRow],
    listed: Sequence[GraphNodeRow],
    graph: Graph,
) -> DebtReport:
    """Totals come from the per-type aggregate; the listed tools get their fan-in weight."""
    masks = closure_masks(graph, reverse=True)
    index = {tool: i for i, tool in enumerate(graph.nodes)}
    entries = [
        DebtEntry(n.id, n.name, n.type, n.debt_score, masks[index[n.id]].bit_count())
        for n in listed
    ]
    entries.sort(key=lambda e: (-e.debt, -e.weighted, e.id))
    return DebtReport(sum(row.total_debt for row in by_type), list(by_type), entries)


def read_debt(conn: Connection, *, type_: str | None, min_debt: int) -> DebtReport:
    """The debt figures of the registry: `type_` filters everything, `min_debt` only trims
    the listed tools."""
    from pai_deps.analysis.registry_graph import load_graph
    from pai_deps.repo import reports

    by_type = reports.type_summary(conn, type=type_)
    listed = reports.list_debt(conn, type=type_, min_debt=min_debt)
    graph, _ = load_graph(conn, skip_optional=False)
    return debt_report(by_type, listed, graph)


def debt(conn: Connection, *, type_: str | None, min_debt: int) -> Debt:
    """`debt`: the document of `read_debt`'s figures."""
    report = read_debt(conn, type_=type_, min_debt=min_debt)
    return Debt(
        total_debt=report.total,
        by_type=[
            TypeDebt(
                type=row.type,
                tools=row.tools,
                total_debt=row.total_debt,
                average_debt=js_round(row.average_debt, 1),
                mean_debt=row.average_debt,
            )
            for row in report.by_type
        ],
        tools=[
            ToolDebt(
                id=e.id,
                name=e.name,
                type=e.type,
                debt_score=e.debt,
                dependents=e.dependents,
                transitive_dependents=e.dependents,
                weighted_debt=e.weighted,
                high_debt=e.debt > HIGH_DEBT,
            )
            for e in report.tools
        ],
        by_weighted_debt=[e.id for e in report.by_weight],
        high_debt_threshold=HIGH_DEBT,
        filters=DebtFilters(type=type_, min=min_debt),
    )
