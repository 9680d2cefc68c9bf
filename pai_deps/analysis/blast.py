"""`blast-radius`: what a change to a tool puts at risk, and in which order to test."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pai_deps.analysis.rules import js_round
from pai_deps.models import ReachRow
from pai_deps.results.blast import (
    BlastAnalysis,
    BlastRadius,
    BlastTool,
    DepthImpact,
    Impact,
    Risk,
    RollbackStep,
    TypeImpact,
)

if TYPE_CHECKING:
    from pai_deps.db import Connection

RiskLevel = Literal["LOW", "MEDIUM", "HIGH", "CRITICAL"]
RISK_LEVELS: tuple[RiskLevel, ...] = ("LOW", "MEDIUM", "HIGH", "CRITICAL")


@dataclass(frozen=True)
class BlastFigures:
    """The reference's blast-radius analysis (§4.6), figures rounded as it rounds them."""

    tool: str
    affected: list[ReachRow]
    direct_count: int
    transitive_count: int
    max_depth: int
    score: float
    level: RiskLevel
    chain_reliability: float
    avg_debt: float
    critical_count: int
    by_type: list[tuple[str, int, bool]]
    by_depth: list[tuple[int, int]]
    rollback: list[RollbackStep]


def risk_level(score: float) -> RiskLevel:
    if score <= 20:
        return "LOW"
    if score <= 50:
        return "MEDIUM"
    if score <= 100:
        return "HIGH"
    return "CRITICAL"


def blast_radius(tool: str, reliability: float, affected: Sequence[ReachRow]) -> BlastFigures:
    """Blast radius of changing `tool`, given its transitive dependents (min depth each).

    The formula is the reference's, unchanged, so its worked examples hold:
    score = |A| x (1 + avgDebt/10) / max(chainRel, 0.1) + 5 x critical, where
    chainRel = r(tool) x mean(r(A)) ** min(maxDepth, 3). The level is read off the
    rounded score, so the printed figure and its level always agree. Rollback steps are
    numbered consecutively (the reference's fixed numbers left gaps).
    """
    affected = list(affected)
    if not affected:
        return BlastFigures(
            tool=tool,
            affected=[],
            direct_count=0,
            transitive_count=0,
            max_depth=0,
            score=0.0,
            level="LOW",
            chain_reliability=1.0,
            avg_debt=0.0,
            critical_count=0,
            by_type=[],
            by_depth=[],
            rollback=[
                RollbackStep(
                    step=1,
                    action="none",
                    message="No affected tools - changes are isolated",
                    tools=[],
                ),
            ],
        )
    count = len(affected)
    critical = [r for r in affected if "mcp" in r.type]
    avg_debt = sum(r.debt_score for r in affected) / count
    max_depth = max(r.depth for r in affected)
    avg_rel = sum(r.reliability for r in affected) / count
    chain_rel = reliability * avg_rel ** min(max_depth, 3)
    score = js_round(count * (1 + avg_debt / 10) * (1 / max(chain_rel, 0.1)) + 5 * len(critical), 1)
    level = risk_level(score)
    rounded_chain = js_round(chain_rel, 3)
    direct = [r for r in affected if r.depth == 1]

    type_counts: dict[str, int] = {}
    for r in affected:  # insertion order = first appearance, the reference's tie order
        type_counts[r.type] = type_counts.get(r.type, 0) + 1
    by_type = sorted(
        ((t, n, "mcp" in t) for t, n in type_counts.items()),
        key=lambda item: (not item[2], -item[1]),
    )
    depth_counts: dict[int, int] = {}
    for r in affected:
        depth_counts[r.depth] = depth_counts.get(r.depth, 0) + 1

    steps: list[tuple[str, str, list[str]]] = []
    if critical:
        steps.append(
            (
                "test_mcp_first",
                "Test affected MCP tools first (real-time integrations at risk)",
                [r.id for r in critical],
            )
        )
    if direct:
        steps.append(
            (
                "verify_direct",
                f"Verify {len(direct)} direct dependent(s) before deployment",
                [r.id for r in direct],
            )
        )
    high_debt = [r for r in affected if r.debt_score > 5]
    if high_debt:
        ids = [r.id for r in high_debt]
        steps.append(
            (
                "high_debt",
                f"Extra attention on {len(ids)} high-debt tool(s): {', '.join(ids)}",
                ids,
            )
        )
    if level in ("HIGH", "CRITICAL"):
        steps.append(("feature_flag", "Consider feature flag for gradual rollout", []))
    if rounded_chain < 0.8:
        steps.append(
            (
                "error_boundaries",
                f"Warning: Chain reliability is {rounded_chain * 100:.1f}% - add error boundaries",
                [],
            )
        )
    if max_depth > 1:
        steps.append(
            (
                "test_inside_out",
                f"Test from innermost (depth 1) to outermost (depth {max_depth})",
                [],
            )
        )
    return BlastFigures(
        tool=tool,
        affected=affected,
        direct_count=len(direct),
        transitive_count=count - len(direct),
        max_depth=max_depth,
        score=score,
        level=level,
        chain_reliability=rounded_chain,
        avg_debt=js_round(avg_debt, 1),
        critical_count=len(critical),
        by_type=by_type,
        by_depth=sorted(depth_counts.items()),
        rollback=[
            RollbackStep(step=i, action=action, message=message, tools=tools)
            for i, (action, message, tools) in enumerate(steps, 1)
        ],
    )


def blast_radius_of(
    conn: Connection,
    tool: str,
    *,
    skip_optional: bool,
    fail_on: RiskLevel | None,
    contract: str | None = None,
    field: str | None = None,
) -> BlastRadius:
    """The analysis for `tool`; `success` is false when its level is at least `fail_on`.

    With `contract`/`field`, only what is reached through the direct dependents that read it.
    """
    from pai_deps.analysis.consumers import narrow_walk
    from pai_deps.analysis.registry_graph import walk
    from pai_deps.registry.read import require_tool

    row = require_tool(conn, tool)
    rows = walk(conn, tool, reverse=True, max_depth=None, skip_optional=skip_optional)
    rows = narrow_walk(
        conn, tool, rows, contract=contract, field=field, skip_optional=skip_optional
    )
    figures = blast_radius(tool, row.reliability, rows)
    failed = fail_on is not None and RISK_LEVELS.index(figures.level) >= RISK_LEVELS.index(fail_on)
    return BlastRadius(
        success=not failed,
        analysis=analysis_document(figures),
        contract=contract,
        field=field,
    )


def analysis_document(b: BlastFigures) -> BlastAnalysis:
    return BlastAnalysis(
        tool=b.tool,
        impact=Impact(
            direct_count=b.direct_count,
            transitive_count=b.transitive_count,
            total_count=len(b.affected),
            max_depth=b.max_depth,
        ),
        risk=Risk(
            score=b.score,
            level=b.level,
            chain_reliability=b.chain_reliability,
            avg_debt_score=b.avg_debt,
            critical_count=b.critical_count,
        ),
        by_type=[TypeImpact(type=t, count=n, critical=c) for t, n, c in b.by_type],
        by_depth=[DepthImpact(depth=d, count=n) for d, n in b.by_depth],
        affected_tools=[
            BlastTool(
                id=r.id,
                name=r.name,
                type=r.type,
                reliability=r.reliability,
                debt_score=r.debt_score,
                depth=r.depth,
                via=r.via,
                stub=r.stub,
            )
            for r in b.affected
        ],
        rollback_strategy=[f"{s.step}. {s.message}" for s in b.rollback],
        rollback_steps=b.rollback,
    )
