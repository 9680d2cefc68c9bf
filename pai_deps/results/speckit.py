"""Documents of `speckit context` and `speckit failures`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from pai_deps.models import DependencyType, ToolType
from pai_deps.results.base import CamelModel, Envelope

Severity = Literal["critical", "high", "medium", "low"]


class ReachedTool(CamelModel):
    id: str
    type: ToolType
    reliability: float
    depth: int
    via: str
    stub: bool


class ContextBlast(CamelModel):
    score: float
    level: str
    affected: int
    direct: int
    chain_reliability: float


class PlanningContext(Envelope):
    """`pai-deps --json speckit context TOOL`: what a plan for the tool should know."""

    tool: str
    type: ToolType
    reliability: float
    upstream: list[ReachedTool]
    downstream: list[ReachedTool]
    compound_reliability: float
    blast_radius: ContextBlast
    cycles: list[list[str]]
    warnings: list[str]
    # The tool's version (the Markdown shows it); not in the JSON.
    version: str | None = Field(default=None, exclude=True)


class FailureMode(CamelModel):
    dependency: str
    type: DependencyType
    optional: bool
    stub: bool
    mode: str
    detection: str
    recovery: str
    severity: Severity
    affected_downstream: int


class FailureModes(Envelope):
    """`pai-deps --json speckit failures TOOL`: one failure mode per direct dependency."""

    tool: str
    failure_modes: list[FailureMode]
