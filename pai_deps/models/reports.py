"""Rows of the report and health summaries."""

from __future__ import annotations

from pai_deps.kinds import (
    ToolType,
)
from pai_deps.models._row import Row


class TypeSummaryRow(Row):
    """Registered tools of one type: how many, their debt, their mean reliability."""

    type: ToolType
    tools: int
    total_debt: int
    average_debt: float
    average_reliability: float


class HealthCountsRow(Row):
    tools: int
    dependencies: int
    total_debt: int
    avg_reliability: float | None
    verified: int
    cycles: int
    high_debt: int
