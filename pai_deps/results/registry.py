"""Documents of the registry's reading commands: `list` and `show`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import Field

from pai_deps.gcpause import no_collection
from pai_deps.models import (
    ContractStatus,
    ContractType,
    DependencyType,
    ToolSummaryRow,
    ToolType,
)
from pai_deps.results.base import CamelModel, Envelope, OmitNone, validate_many

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
    # Evidence beside `reliability`: the pass rate over the newest verify runs (None when
    # never verified) and how many runs it rests on.
    observed_reliability: float | None = None
    observed_runs: int = 0
    slo: float | None = None


class ToolList(Envelope):
    """`pai-deps --json list`."""

    tools: list[ToolSummary]
    total: int
    stubs: int

    @classmethod
    def from_rows(
        cls, rows: Sequence[ToolSummaryRow], observed: Mapping[str, tuple[float, int]]
    ) -> ToolList:
        """The document of `rows`, with each tool's observed (reliability, runs) where it
        has any. Validated a batch of tools per call (one model per tool costs 3x more at
        5,000 tools)."""
        with no_collection():  # every object made here is part of the document
            tools = validate_many(
                ToolSummary, (_summary_fields(row, observed.get(row.id)) for row in rows)
            )
            return cls(tools=tools, total=len(rows), stubs=sum(1 for row in rows if row.stub))


def _summary_fields(row: ToolSummaryRow, observed: tuple[float, int] | None) -> dict[str, Any]:
    """A `ToolSummary`'s fields: the row's own, the path as shown, the evidence."""
    return {
        **vars(row),  # ToolSummaryRow's fields are ToolSummary's
        "path": STUB_PATH if row.stub else row.path,
        "observed_reliability": None if observed is None else observed[0],
        "observed_runs": 0 if observed is None else observed[1],
    }


class ShownTool(CamelModel):
    id: str
    name: str
    version: str | None
    type: ToolType
    description: str | None
    path: str
    manifest_path: str | None
    reliability: float
    debt_score: int
    stub: bool
    mcp_start: str | None
    last_verified: str | None
    created_at: str
    updated_at: str
    observed_reliability: float | None = None  # as in ToolSummary
    observed_runs: int = 0
    slo: float | None = None


class ShownDependency(CamelModel):
    name: str
    type: DependencyType  # the edge's
    version: str | None  # the constraint
    optional: bool
    provider_type: ToolType
    stub: bool


class Provided(CamelModel):
    """One `provides` entry rebuilt from the registry, keyed as in the manifest (so in
    snake_case): one of command, tool, resource, export or path, then its schemas."""

    command: OmitNone[str] = None
    tool: OmitNone[str] = None
    resource: OmitNone[str] = None
    export: OmitNone[str] = None
    path: OmitNone[str] = None
    schema_: OmitNone[str] = Field(default=None, serialization_alias="schema")
    output_schema: OmitNone[str] = Field(default=None, serialization_alias="output_schema")
    probe: OmitNone[list[str]] = None
    help: OmitNone[list[str] | Literal[False]] = None


class ProvidedSections(CamelModel):
    """The manifest's `provides`, only the sections that have entries."""

    cli: OmitNone[list[Provided]] = None
    database: OmitNone[list[Provided]] = None
    library: OmitNone[list[Provided]] = None
    mcp: OmitNone[list[Provided]] = None


class ShownContract(CamelModel):
    id: int
    type: ContractType
    name: str
    schema_path: str | None
    status: ContractStatus
    status_reason: str | None
    last_verified: str | None


class ToolDetails(Envelope):
    """`pai-deps --json show TOOL`: everything the registry knows about one tool."""

    tool: ShownTool
    dependencies: list[ShownDependency]
    dependents: list[str]
    provides: ProvidedSections
    contracts: list[ShownContract]
    cycles: list[list[str]]
