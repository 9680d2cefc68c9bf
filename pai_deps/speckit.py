"""Planning context for coding agents (SpecKit): what a tool stands on, what stands on it,
and how each of its dependencies can fail, as Markdown to paste into a plan.

An agent planning a change to a tool needs the registry's answer in one place, before it
writes code: the chain it inherits (compound reliability), the tools it can break (blast
radius), the cycles it sits in, and a failure-mode table whose severity grows with the
number of tools a dependency's failure reaches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pai_deps.models import NeighbourRow, ReachRow, ToolRow
from pai_deps.registry import require_tool
from pai_deps.repo import cycles, dependencies
from pai_deps.repo import graph as graph_queries
from pai_deps.words import plural

if TYPE_CHECKING:
    from pai_deps.db import Connection

Severity = Literal["critical", "high", "medium", "low"]
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


@dataclass(frozen=True)
class Context:
    tool: ToolRow
    upstream: list[ReachRow]
    downstream: list[ReachRow]
    compound_reliability: float
    blast: Any  # pai_deps.analysis.blast.BlastFigures
    cycles: list[list[str]]
    warnings: list[str]

    def to_json(self) -> dict[str, Any]:
        def entry(row: ReachRow) -> dict[str, Any]:
            return {
                "id": row.id,
                "type": row.type,
                "reliability": row.reliability,
                "depth": row.depth,
                "via": row.via,
                "stub": row.stub,
            }

        return {
            "tool": self.tool.id,
            "type": self.tool.type,
            "reliability": self.tool.reliability,
            "upstream": [entry(r) for r in self.upstream],
            "downstream": [entry(r) for r in self.downstream],
            "compoundReliability": self.compound_reliability,
            "blastRadius": {
                "score": self.blast.score,
                "level": self.blast.level,
                "affected": len(self.blast.affected),
                "direct": self.blast.direct_count,
                "chainReliability": self.blast.chain_reliability,
            },
            "cycles": self.cycles,
            "warnings": self.warnings,
        }


def context(conn: Connection, tool_id: str) -> Context:
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
    return Context(tool, upstream, downstream, compound, blast, found, warnings)


# --------------------------------------------------------------------------- failures


@dataclass(frozen=True)
class FailureMode:
    dependency: NeighbourRow
    mode: str
    detection: str
    recovery: str
    severity: Severity
    affected_downstream: int

    def to_json(self) -> dict[str, Any]:
        return {
            "dependency": self.dependency.id,
            "type": self.dependency.edge_type,
            "optional": self.dependency.optional,
            "stub": self.dependency.stub,
            "mode": self.mode,
            "detection": self.detection,
            "recovery": self.recovery,
            "severity": self.severity,
            "affectedDownstream": self.affected_downstream,
        }


def failure_modes(conn: Connection, tool_id: str) -> tuple[ToolRow, list[FailureMode]]:
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
        modes.append(FailureMode(dep, mode, detection, recovery, severity, reached))
    modes.sort(key=lambda m: (_SEVERITIES.index(m.severity), m.dependency.id))
    return tool, modes


# --------------------------------------------------------------------------- Markdown


def _cell(value: object) -> str:
    """A Markdown table cell: pipes escaped, never empty."""
    text = str(value).replace("|", "\\|").replace("\n", " ")
    return text or "-"


def _table(headers: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)
    return lines


def _reach_table(rows: list[ReachRow]) -> list[str]:
    if not rows:
        return ["_None._"]
    return _table(
        ["Tool", "Type", "Reliability", "Depth", "Via"],
        [
            [f"{r.id} (stub)" if r.stub else r.id, r.type, f"{r.reliability:.0%}", r.depth, r.via]
            for r in rows
        ],
    )


def context_markdown(ctx: Context) -> str:
    tool = ctx.tool
    blast = ctx.blast
    version = f" · **Version:** {tool.version}" if tool.version else ""
    lines = [
        f"## Dependency context: {tool.id}",
        "",
        f"- **Type:** {tool.type}{version} · **Reliability:** {tool.reliability:.1%}",
        f"- **Compound reliability:** {ctx.compound_reliability:.1%} "
        f"({tool.id} and the {plural(len(ctx.upstream), 'tool')} it depends on)",
        f"- **Blast radius:** {blast.score} ({blast.level}): "
        f"{plural(len(ctx.downstream), 'tool')} depend on {tool.id}, "
        f"{blast.direct_count} directly",
        "",
        f"### Upstream: what {tool.id} depends on",
        "",
        *_reach_table(ctx.upstream),
        "",
        f"### Downstream: what depends on {tool.id}",
        "",
        *_reach_table(ctx.downstream),
        "",
        "### Cycles",
        "",
        *([f"- {' -> '.join([*c, c[0]])}" for c in ctx.cycles] or ["_None._"]),
        "",
        "### Warnings",
        "",
        *([f"- {w}" for w in ctx.warnings] or ["_None._"]),
    ]
    return "\n".join(lines) + "\n"


def failures_markdown(tool: ToolRow, modes: list[FailureMode]) -> str:
    lines = [f"## Failure modes: {tool.id}", ""]
    if not modes:
        lines.append(f"_{tool.id} has no dependencies, so no dependency failure modes._")
        return "\n".join(lines) + "\n"
    lines.extend(
        _table(
            ["Dependency", "Type", "Failure mode", "Detection", "Recovery", "Severity", "Affects"],
            [
                [
                    m.dependency.id + (" (optional)" if m.dependency.optional else ""),
                    m.dependency.edge_type,
                    m.mode,
                    m.detection,
                    m.recovery,
                    m.severity,
                    m.affected_downstream,
                ]
                for m in modes
            ],
        )
    )
    lines += [
        "",
        f"Severity: a failure {tool.id} does not handle reaches the "
        f"{modes[0].affected_downstream} tools downstream of it (> 5 critical, 3-5 high, "
        "1-2 medium, 0 low); one step milder for optional dependencies.",
    ]
    return "\n".join(lines) + "\n"
