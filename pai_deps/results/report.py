"""Documents of the report commands: `debt`, `health`, `report`, `graph`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from pai_deps.models import ToolType
from pai_deps.results.base import CamelModel, Envelope, OmitNone


class TypeDebt(CamelModel):
    type: ToolType
    tools: int
    total_debt: int
    average_debt: float  # rounded to one decimal, half up
    # The mean as the registry computed it (the table formats it); not in the JSON.
    mean_debt: float = Field(exclude=True)


class ToolDebt(CamelModel):
    id: str
    name: str
    type: str
    debt_score: int
    dependents: int  # kept: the same count as transitiveDependents
    transitive_dependents: int
    weighted_debt: int
    high_debt: bool


class DebtFilters(CamelModel):
    type: str | None
    min: int


class Debt(Envelope):
    """`pai-deps --json debt`: the total, by type, per tool (most debt first) and weighted
    by fan-in."""

    total_debt: int
    by_type: list[TypeDebt]
    tools: list[ToolDebt]
    by_weighted_debt: list[str]
    high_debt_threshold: int
    filters: DebtFilters


HealthStatus = Literal["OK", "WARNING", "CRITICAL"]


class HealthIssue(CamelModel):
    code: str
    severity: Literal["warning", "critical"]
    message: str


class AtRisk(CamelModel):
    id: str
    compound: float


class HealthFigures(CamelModel):
    tools: int
    dependencies: int
    total_debt: int
    avg_reliability: float
    verified: int
    unverified: int
    cycles: int
    at_risk: list[AtRisk]
    high_debt: int
    issues: list[HealthIssue]
    over_budget: int = 0  # tools declaring slo whose chain misses it


class Health(Envelope):
    """`pai-deps --json health`; `success` is true only for OK."""

    status: HealthStatus
    health: HealthFigures


ReportFormat = Literal["markdown", "html"]


class Report(Envelope):
    """`pai-deps --json report [--format html] [-o FILE]`: the report (Markdown, or the
    interactive HTML page), and where it was written."""

    format: ReportFormat = "markdown"
    report: str
    output_file: OmitNone[str] = None


class PictureNode(CamelModel):
    id: str
    name: str
    type: ToolType
    reliability: float
    debt_score: int
    stub: bool
    focus: bool


class PictureEdge(CamelModel):
    from_: str = Field(serialization_alias="from")
    to: str
    type: str
    optional: bool
    cycle: bool


class GraphJson(Envelope):
    """What `graph --format json` draws: the selected tools and the edges among them."""

    format: Literal["json"] = "json"
    focus: str | None
    nodes: list[PictureNode]
    edges: list[PictureEdge]


class GraphContent(CamelModel):
    """The picture as `graph --format json` prints it (without `success` and `format`)."""

    focus: str | None
    nodes: list[PictureNode]
    edges: list[PictureEdge]


class Picture(Envelope):
    """`pai-deps --json graph`: counts, where it was written, and the picture itself (the
    key names the format; svg comes with the dot source it was drawn from; html is the
    interactive page)."""

    format: str
    nodes: int
    edges: int
    output_file: OmitNone[str] = None
    graph: OmitNone[GraphContent] = None
    mermaid: OmitNone[str] = None
    dot: OmitNone[str] = None
    svg: OmitNone[str] = None
    html: OmitNone[str] = None
    # The picture as drawn in its format (what stdout or the file gets); not in the JSON.
    text: str = Field(default="", exclude=True)
