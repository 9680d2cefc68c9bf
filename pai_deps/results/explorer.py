"""The data of the interactive HTML page (`report --format html`, `graph --format html`).

Not a command's JSON output: the page embeds it. It is built from the same parts the
`health` and `graph --format json` documents are made of, plus what a tool's panel shows.
"""

from __future__ import annotations

from pai_deps.models import ContractStatus, ContractType, RunLevel, RunStatus, ToolType
from pai_deps.results.base import CamelModel, OmitNone
from pai_deps.results.report import GraphContent, HealthFigures, HealthStatus


class ContractState(CamelModel):
    type: ContractType
    name: str
    status: ContractStatus
    last_verified: str | None
    last_drift: str | None  # the newest check that found drift
    reason: OmitNone[str] = None  # why the status is 'unknown'


class RunSummary(CamelModel):
    """One `verify` run of the tool, as its history lists it."""

    verified_at: str
    level: RunLevel
    status: RunStatus
    cli_passed: int
    cli_failed: int
    mcp_missing: int
    mcp_failed: int
    duration_ms: int
    git_commit: str | None


class ToolDetail(CamelModel):
    """What clicking a tool shows (its edges are the graph's)."""

    id: str
    name: str
    type: ToolType
    version: str | None
    description: str | None
    stub: bool
    reliability: float
    compound: float  # chain reliability: own x everything it reaches
    at_risk: bool
    in_cycle: bool
    debt_score: int
    transitive_dependents: int
    weighted_debt: int
    last_verified: str | None
    contracts: list[ContractState]
    runs: list[RunSummary]  # newest first


class Explorer(CamelModel):
    """The whole page: the health summary, the graph, and every drawn tool's details."""

    generated_at: str
    title: str
    status: HealthStatus
    health: HealthFigures
    at_risk_threshold: float
    high_debt_threshold: int
    graph: GraphContent
    tools: list[ToolDetail]  # in the graph's node order
    cycles: list[list[str]]  # open cycles among the drawn tools
