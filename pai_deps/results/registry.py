"""Documents of the registry commands (`list`, ...)."""

from __future__ import annotations

from pai_deps.models import ToolSummaryRow, ToolType
from pai_deps.results.base import CamelModel, Envelope

# What the predecessor printed as a stub's path; `show` and `list` keep it.
STUB_PATH = "unknown"


class ToolSummary(CamelModel):
    """One row of `list`: a tool with its fan-out and fan-in."""

    id: str
    name: str
    type: ToolType
    version: str | None
    dependencies: int
    dependents: int
    reliability: float
    debt_score: int
    stub: bool
    path: str
    last_verified: str | None

    @classmethod
    def from_row(cls, row: ToolSummaryRow) -> ToolSummary:
        return cls(
            id=row.id,
            name=row.name,
            type=row.type,
            version=row.version,
            dependencies=row.dependencies,
            dependents=row.dependents,
            reliability=row.reliability,
            debt_score=row.debt_score,
            stub=row.stub,
            path=STUB_PATH if row.stub else row.path,
            last_verified=row.last_verified,
        )


class ToolList(Envelope):
    """`pai-deps --json list`."""

    tools: list[ToolSummary]
    total: int
    stubs: int
