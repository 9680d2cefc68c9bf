"""Planning context for coding agents (SpecKit): what a tool stands on, what stands on it,
and how each of its dependencies can fail (the Markdown to paste into a plan is
`render.speckit`).

An agent planning a change to a tool needs the registry's answer in one place, before it
writes code: the chain it inherits (compound reliability), the tools it can break (blast
radius), the cycles it sits in, and a failure-mode table whose severity grows with the
number of tools a dependency's failure reaches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pai_deps.models import ReachRow
from pai_deps.registry.read import require_tool
from pai_deps.repo import cycles, dependencies
from pai_deps.repo import graph as graph_queries
from pai_deps.results.speckit import (
    ContextBlast,
    FailureMode,
    FailureModes,
    PlanningContext,
    ReachedTool,
    Severity,
)

if TYPE_CHECKING:
    from pai_deps.db import Connection

_SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low")

# (failure mode, how to detect it, how to recover) per dependency type; {name} is the
# dependency. The first five are the reference's (f-021); `implicit` is ours.
FAILURE_TEMPLATES: dict[str, tuple[str, str, str]] = {
    "cli": (
        "{name} CLI unavailable",
        "CLI returns non-zero exit code or timeout",
        "Skip {name} data, continue with partial output",
    ),
    "mcp": (
        "{name} MCP server unavailable",
        "MCP tool call returns error or connection refused",
        "Fall back to CLI interface if available",
    ),
    "library": (
        "{name} library throws exception",
        "Catch block triggered on import or function call",
        "Log error, degrade gracefully",
    ),
    "database": (
        "{name} database unavailable",
        "Connection timeout or query error",
        "Use cached data if available, retry with backoff",
    ),
    "npm": (
        "{name} npm package incompatible",
        "Runtime type error or missing export",
        "Pin to known-good version, add fallback",
    ),
    "implicit": (
        "{name} output missing or changed",
        "Expected files, data or side effects of {name} are absent or malformed",
        "Validate what {name} provides before use; fail with a clear message",
    ),
}


def severity_for(downstream: int) -> Severity:
    """The reference's rule: > 5 critical, 3-5 high, 1-2 medium, 0 low."""
    if downstream > 5:
        return "critical"
    if downstream >= 3:
        return "high"
    if downstream >= 1:
        return "medium"
    return "low"


def _milder(severity: Severity) -> Severity:
    return _SEVERITIES[min(_SEVERITIES.index(severity) + 1, len(_SEVERITIES) - 1)]


# --------------------------------------------------------------------------- context


def _reached(row: ReachRow) -> ReachedTool:
    return ReachedTool(
        id=row.id,
        type=row.type,
        reliability=row.reliability,
        depth=row.depth,
        via=row.via,
        stub=row.stub,
    )


def context(conn: Connection, tool_id: str) -> PlanningContext:
    """Everything a plan for `tool_id` should take into account, from the registry."""
    from pai_deps.analysis.blast import blast_radius
    from pai_deps.analysis.rules import AT_RISK_THRESHOLD, HIGH_DEBT
    from pai_deps.graph import Graph, compound_reliability

    tool = require_tool(conn, tool_id)
    upstream = graph_queries.transitive_dependencies(conn, tool_id=tool_id, max_depth=None)
    downstream = graph_queries.transitive_dependents(conn, tool_id=tool_id, max_depth=None)
    members = [tool_id, *(r.id for r in upstream)]
    edges = dependencies.list_edges_among(conn, ids=members)
    reach = Graph(members, ((e.consumer_id, e.provider_id) for e in edges))
    rel = {tool_id: tool.reliability, **{r.id: r.reliability for r in upstream}}
    compound = compound_reliability(reach, tool_id, rel)
    blast = blast_radius(tool_id, tool.reliability, downstream)
    found = [row.cycle for row in cycles.list_cycles_with(conn, tool_id=tool_id)]

    warnings: list[str] = []
    if tool.stub:
        warnings.append(f"{tool_id} is a stub: no manifest is registered for it")
    if compound < AT_RISK_THRESHOLD:
        warnings.append(
            f"Chain reliability below {AT_RISK_THRESHOLD:.0%}: {compound:.1%} "
            f"over {len(members)} tools"
        )
    stubs = [r.id for r in upstream if r.stub]
    if stubs:
        warnings.append(f"Depends on unregistered tools (stubs): {', '.join(stubs)}")
    if found:
        warnings.append(
            f"Part of {len(found)} circular dependenc{'ies' if len(found) != 1 else 'y'}"
        )
    if blast.level in ("HIGH", "CRITICAL"):
        warnings.append(f"Blast radius {blast.level}: {len(downstream)} tools depend on {tool_id}")
    if tool.debt_score > HIGH_DEBT:
        warnings.append(f"High technical debt: {tool.debt_score}")
    if not tool.stub and tool.last_verified is None:
        warnings.append(f"Contracts never verified: run `pai-deps verify {tool_id}`")
    return PlanningContext(
        tool=tool.id,
        type=tool.type,
        reliability=tool.reliability,
        upstream=[_reached(r) for r in upstream],
        downstream=[_reached(r) for r in downstream],
        compound_reliability=compound,
        blast_radius=ContextBlast(
            score=blast.score,
            level=blast.level,
            affected=len(blast.affected),
            direct=blast.direct_count,
            chain_reliability=blast.chain_reliability,
        ),
        cycles=found,
        warnings=warnings,
        version=tool.version,
    )


# --------------------------------------------------------------------------- failures


def failure_modes(conn: Connection, tool_id: str) -> FailureModes:
    """One templated failure mode per direct dependency, most severe first.

    A dependency failure this tool does not handle spreads to everything downstream of it,
    so `affectedDownstream` is the tool's transitive dependent count and sets the severity
    (the reference's rule). An optional dependency's failure is absorbed by design, so its
    severity is one step milder.
    """
    tool = require_tool(conn, tool_id)
    reached = len(graph_queries.transitive_dependents(conn, tool_id=tool_id, max_depth=None))
    modes: list[FailureMode] = []
    for dep in dependencies.list_dependencies_of(conn, tool_id=tool_id):
        template = FAILURE_TEMPLATES.get(dep.edge_type, FAILURE_TEMPLATES["implicit"])
        mode, detection, recovery = (part.format(name=dep.id) for part in template)
        severity = severity_for(reached)
        if dep.optional:
            severity = _milder(severity)
        modes.append(
            FailureMode(
                dependency=dep.id,
                type=dep.edge_type,
                optional=dep.optional,
                stub=dep.stub,
                mode=mode,
                detection=detection,
                recovery=recovery,
                severity=severity,
                affected_downstream=reached,
            )
        )
    modes.sort(key=lambda m: (_SEVERITIES.index(m.severity), m.dependency))
    return FailureModes(tool=tool.id, failure_modes=modes)
