"""The document of `blast-radius`."""

from __future__ import annotations

from pai_deps.models import ToolType
from pai_deps.results.base import CamelModel, Envelope, OmitNone


class Impact(CamelModel):
    direct_count: int
    transitive_count: int
    total_count: int
    max_depth: int


class Risk(CamelModel):
    score: float
    level: str
    chain_reliability: float
    avg_debt_score: float
    critical_count: int


class TypeImpact(CamelModel):
    type: str
    count: int
    critical: bool


class DepthImpact(CamelModel):
    depth: int
    count: int


class BlastTool(CamelModel):
    id: str
    name: str
    type: ToolType
    reliability: float
    debt_score: int
    depth: int
    via: str
    stub: bool


class RollbackStep(CamelModel):
    step: int
    action: str
    message: str
    tools: list[str]


class BlastAnalysis(CamelModel):
    tool: str
    impact: Impact
    risk: Risk
    by_type: list[TypeImpact]
    by_depth: list[DepthImpact]
    affected_tools: list[BlastTool]
    # The TypeScript tool's numbered lines, then the same steps as structured data.
    rollback_strategy: list[str]
    rollback_steps: list[RollbackStep]


class BlastRadius(Envelope):
    """`pai-deps --json blast-radius TOOL`; `success` is false at or above `--fail-on`."""

    analysis: BlastAnalysis
    # `--contract/--field`: only through the direct dependents that read it.
    contract: OmitNone[str] = None
    field: OmitNone[str] = None
