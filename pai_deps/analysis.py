"""The numbers behind the query and report commands: reach rows, chain reliability, blast
radius, debt and health, as pure functions over rows and a `Graph`.

The CLI reads rows through the repo layer and hands them here; nothing in this module
touches the database, so every figure is testable on hand-built inputs. Path search, SCCs
and the reliability primitives live in `pai_deps.graph`; this module only combines them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pai_deps.graph import (
    Graph,
    WeakestPath,
    closure_masks,
    compound_reliability,
    cycle_edges,
    reachable,
    weakest_paths,
)
from pai_deps.models import (
    EdgeRow,
    GraphNodeRow,
    HealthCountsRow,
    ReachRow,
    TypeSummaryRow,
)

# A compound over at most this many tools is multiplied one by one in breadth-first order,
# exactly as the reference does; bigger ones use grouped powers (see `compound_all`).
EXACT_PRODUCT_MAX = 64
# Past this many distinct reliability values grouping stops paying; multiply one by one.
MAX_RELIABILITY_GROUPS = 256

AT_RISK_THRESHOLD = 0.8
HIGH_DEBT = 10


def js_round(value: float, digits: int) -> float:
    """`Math.round(x * 10**k) / 10**k`: half rounds up, as the reference's figures do."""
    scale = 10**digits
    return float(math.floor(value * scale + 0.5) / scale)


# --------------------------------------------------------------------------- the graph


# (consumer, provider, edge type, optional): an `EdgeListRow` entry.
Edge = tuple[str, str, str, bool]


def as_edge(edge: EdgeRow | Edge) -> Edge:
    if isinstance(edge, tuple):
        return edge
    return (edge.consumer_id, edge.provider_id, edge.type, edge.optional)


def build_graph(
    nodes: Iterable[str | GraphNodeRow],
    edges: Iterable[EdgeRow | Edge],
    *,
    skip_optional: bool = False,
) -> Graph:
    """The registry as a `Graph` (nodes as ids or rows, edges as rows or `Edge` tuples);
    `skip_optional` leaves out edges declared optional."""
    pairs = (as_edge(e) for e in edges)
    return Graph(
        (n if isinstance(n, str) else n.id for n in nodes),
        ((c, p) for c, p, _, optional in pairs if not (skip_optional and optional)),
    )


def reach_rows(
    graph: Graph,
    nodes: Mapping[str, GraphNodeRow],
    start: str,
    *,
    reverse: bool = False,
    max_depth: int | None = None,
) -> list[ReachRow]:
    """What the `transitive_*` SQL walks return, computed over an in-memory graph.

    Used when the graph itself is filtered (`--skip-optional`), which the SQL walks do not
    know about; same order (depth, id), same `via` rule.
    """
    rows: list[ReachRow] = []
    for tool, reach in reachable(graph, start, reverse=reverse, max_depth=max_depth).items():
        node = nodes[tool]
        rows.append(
            ReachRow(
                id=node.id,
                name=node.name,
                type=node.type,
                version=node.version,
                reliability=node.reliability,
                debt_score=node.debt_score,
                stub=node.stub,
                depth=reach.depth,
                via=reach.via,
            )
        )
    return rows


def via_paths(start: str, rows: Sequence[ReachRow]) -> dict[str, list[str]]:
    """For each reached tool, the walk from `start` to it following `via` pointers.

    Rows come in depth order, so every `via` already has its walk when it is needed.
    """
    walks: dict[str, list[str]] = {start: [start]}
    for row in rows:
        walks[row.id] = [*walks[row.via], row.id]
    return walks


# --------------------------------------------------------------------------- chain reliability


@dataclass(frozen=True)
class ChainReliability:
    """One tool's chain figures: the reference's compound (the tool times everything it
    reaches, each once) and the weakest single path with the tool that costs it most."""

    id: str
    name: str
    reliability: float
    compound: float
    chain_length: int
    below: bool
    weakest: WeakestPath
    chain: list[str] | None = None

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "reliability": self.reliability,
            "compound": self.compound,
            "chainLength": self.chain_length,
        }
        if self.chain is not None:
            doc["chain"] = self.chain
        doc["weakestPath"] = {
            "path": self.weakest.path,
            "product": self.weakest.product,
            "weakestTool": self.weakest.weakest_tool,
            "exact": self.weakest.exact,
        }
        doc["below"] = self.below
        return doc


def _grouped_product(first: float, counts: Mapping[float, int]) -> float:
    """first x the product of v ** k over (value, count) pairs, in ascending value order."""
    product = first
    for value in sorted(counts):
        product *= value ** counts[value]
    return product


def compound_all(
    graph: Graph, rel: Mapping[str, float], starts: Iterable[str]
) -> dict[str, tuple[float, int]]:
    """(compound, chain length) for many tools at once.

    A chain of at most `EXACT_PRODUCT_MAX` reached tools is multiplied one by one in
    `compound_reliability`'s order, so the reference's worked values come out bit for
    bit. A longer one is the product over its distinct reliability values v of
    v ** (how many members have v): for many starts the counts are popcounts of the
    closure bitmasks (no walk per tool), for a few starts they come from one walk each;
    both give the same float, equal to the one-by-one product within rounding.
    """
    starts = list(starts)
    result: dict[str, tuple[float, int]] = {}
    grouped = len(set(rel.values())) <= MAX_RELIABILITY_GROUPS
    if len(starts) <= 4:
        for tool in starts:
            reached = reachable(graph, tool)
            if len(reached) <= EXACT_PRODUCT_MAX or not grouped:
                product = compound_reliability(graph, tool, rel)
            else:
                counts: dict[float, int] = {}
                for other in reached:
                    counts[rel[other]] = counts.get(rel[other], 0) + 1
                product = _grouped_product(rel[tool], counts)
            result[tool] = (product, len(reached) + 1)
        return result
    masks = closure_masks(graph)
    index = {tool: i for i, tool in enumerate(graph.nodes)}
    groups: dict[float, int] = {}
    for i, tool in enumerate(graph.nodes):
        groups[rel[tool]] = groups.get(rel[tool], 0) | (1 << i)
    for tool in starts:
        mask = masks[index[tool]]
        size = mask.bit_count()
        if size <= EXACT_PRODUCT_MAX or not grouped:
            product = compound_reliability(graph, tool, rel)
        else:
            tally = {value: (mask & members).bit_count() for value, members in groups.items()}
            product = _grouped_product(rel[tool], {v: k for v, k in tally.items() if k})
        result[tool] = (product, size + 1)
    return result


def chain_reliability(
    graph: Graph,
    nodes: Mapping[str, GraphNodeRow],
    starts: Sequence[str],
    *,
    threshold: float,
    with_chain: bool,
) -> list[ChainReliability]:
    """Chain figures for `starts`, weakest compound first (ties by id).

    `with_chain` adds the reference's `chain` (the tool, then everything it reaches in
    breadth-first order: a set, not a path); `--all` leaves it out because over a whole
    registry it is quadratic in size.
    """
    rel = {tool: nodes[tool].reliability for tool in graph.nodes}
    compounds = compound_all(graph, rel, starts)
    weakest = weakest_paths(graph, rel, starts)
    results = []
    for tool in starts:
        compound, length = compounds[tool]
        chain = [tool, *reachable(graph, tool)] if with_chain else None
        results.append(
            ChainReliability(
                id=tool,
                name=nodes[tool].name,
                reliability=nodes[tool].reliability,
                compound=compound,
                chain_length=length,
                below=compound < threshold,
                weakest=weakest[tool],
                chain=chain,
            )
        )
    results.sort(key=lambda r: (r.compound, r.id))
    return results


# --------------------------------------------------------------------------- blast radius

RiskLevel = Literal["LOW", "MEDIUM", "HIGH", "CRITICAL"]


@dataclass(frozen=True)
class RollbackStep:
    step: int
    action: str
    message: str
    tools: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"step": self.step, "action": self.action, "message": self.message,
                "tools": self.tools}  # fmt: skip


@dataclass(frozen=True)
class BlastRadius:
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

    def to_json(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "impact": {
                "directCount": self.direct_count,
                "transitiveCount": self.transitive_count,
                "totalCount": len(self.affected),
                "maxDepth": self.max_depth,
            },
            "risk": {
                "score": self.score,
                "level": self.level,
                "chainReliability": self.chain_reliability,
                "avgDebtScore": self.avg_debt,
                "criticalCount": self.critical_count,
            },
            "byType": [{"type": t, "count": n, "critical": c} for t, n, c in self.by_type],
            "byDepth": [{"depth": d, "count": n} for d, n in self.by_depth],
            "affectedTools": [
                {
                    "id": r.id,
                    "name": r.name,
                    "type": r.type,
                    "reliability": r.reliability,
                    "debtScore": r.debt_score,
                    "depth": r.depth,
                    "via": r.via,
                    "stub": r.stub,
                }
                for r in self.affected
            ],
            # The TypeScript tool's numbered lines, then the same steps as structured data.
            "rollbackStrategy": [f"{s.step}. {s.message}" for s in self.rollback],
            "rollbackSteps": [s.to_json() for s in self.rollback],
        }


def risk_level(score: float) -> RiskLevel:
    if score <= 20:
        return "LOW"
    if score <= 50:
        return "MEDIUM"
    if score <= 100:
        return "HIGH"
    return "CRITICAL"


def blast_radius(tool: str, reliability: float, affected: Sequence[ReachRow]) -> BlastRadius:
    """Blast radius of changing `tool`, given its transitive dependents (min depth each).

    The formula is the reference's, unchanged, so its worked examples hold:
    score = |A| x (1 + avgDebt/10) / max(chainRel, 0.1) + 5 x critical, where
    chainRel = r(tool) x mean(r(A)) ** min(maxDepth, 3). The level is read off the
    rounded score, so the printed figure and its level always agree. Rollback steps are
    numbered consecutively (the reference's fixed numbers left gaps).
    """
    affected = list(affected)
    if not affected:
        return BlastRadius(
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
                RollbackStep(1, "none", "No affected tools - changes are isolated"),
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
    return BlastRadius(
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
            RollbackStep(i, action, message, tools)
            for i, (action, message, tools) in enumerate(steps, 1)
        ],
    )


# --------------------------------------------------------------------------- debt


@dataclass(frozen=True)
class DebtEntry:
    """A tool's debt and its weight: debt x (1 + transitive dependents), i.e. the debt
    times every tool that carries it (itself included, so a leaf's debt is not zeroed)."""

    id: str
    name: str
    type: str
    debt: int
    dependents: int

    @property
    def weighted(self) -> int:
        return self.debt * (1 + self.dependents)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "debtScore": self.debt,
            "dependents": self.dependents,  # kept: the same count as transitiveDependents
            "transitiveDependents": self.dependents,
            "weightedDebt": self.weighted,
            "highDebt": self.debt > HIGH_DEBT,
        }


@dataclass(frozen=True)
class DebtReport:
    total: int
    by_type: list[TypeSummaryRow]
    tools: list[DebtEntry]  # most debt first

    @property
    def by_weight(self) -> list[DebtEntry]:
        return sorted(self.tools, key=lambda e: (-e.weighted, -e.debt, e.id))

    @property
    def high_debt(self) -> list[DebtEntry]:
        return [e for e in self.tools if e.debt > HIGH_DEBT]

    def to_json(self) -> dict[str, Any]:
        return {
            "totalDebt": self.total,
            "byType": [
                {
                    "type": row.type,
                    "tools": row.tools,
                    "totalDebt": row.total_debt,
                    "averageDebt": js_round(row.average_debt, 1),
                }
                for row in self.by_type
            ],
            "tools": [e.to_json() for e in self.tools],
            "byWeightedDebt": [e.id for e in self.by_weight],
            "highDebtThreshold": HIGH_DEBT,
        }


def debt_report(
    by_type: Sequence[TypeSummaryRow],
    listed: Sequence[GraphNodeRow],
    graph: Graph,
) -> DebtReport:
    """Totals come from the per-type aggregate; the listed tools get their fan-in weight."""
    masks = closure_masks(graph, reverse=True)
    index = {tool: i for i, tool in enumerate(graph.nodes)}
    entries = [
        DebtEntry(n.id, n.name, n.type, n.debt_score, masks[index[n.id]].bit_count())
        for n in listed
    ]
    entries.sort(key=lambda e: (-e.debt, -e.weighted, e.id))
    return DebtReport(sum(row.total_debt for row in by_type), list(by_type), entries)


# --------------------------------------------------------------------------- health

HealthStatus = Literal["OK", "WARNING", "CRITICAL"]


@dataclass(frozen=True)
class HealthIssue:
    code: str
    severity: Literal["warning", "critical"]
    message: str

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "message": self.message}


@dataclass(frozen=True)
class Health:
    counts: HealthCountsRow
    at_risk: list[tuple[str, float]]  # (tool, compound), weakest first
    status: HealthStatus
    issues: list[HealthIssue]

    @property
    def avg_reliability(self) -> float:
        return self.counts.avg_reliability if self.counts.avg_reliability is not None else 1.0

    def compact(self) -> str:
        """One line for prompts and hooks: `OK tools:34 deps:29 debt:5 rel:94.8% issues:0`."""
        c = self.counts
        return (
            f"{self.status} tools:{c.tools} deps:{c.dependencies} debt:{c.total_debt} "
            f"rel:{self.avg_reliability * 100:.1f}% issues:{len(self.issues)}"
        )

    def to_json(self) -> dict[str, Any]:
        c = self.counts
        return {
            "tools": c.tools,
            "dependencies": c.dependencies,
            "totalDebt": c.total_debt,
            "avgReliability": self.avg_reliability,
            "verified": c.verified,
            "unverified": c.tools - c.verified,
            "cycles": c.cycles,
            "atRisk": [{"id": t, "compound": v} for t, v in self.at_risk],
            "highDebt": c.high_debt,
            "issues": [i.to_json() for i in self.issues],
        }


def assess_health(counts: HealthCountsRow, at_risk: Sequence[tuple[str, float]]) -> Health:
    """The status rules of the reference's spec (f-020 and its plan).

    CRITICAL: more than 2 open cycles, or more than 3 tools whose chain is below 80%.
    WARNING: any cycle, any at-risk chain, any tool with debt above 10, or more than half
    of the registered tools never verified. Otherwise OK.
    """
    issues: list[HealthIssue] = []
    cycles = counts.cycles
    if cycles:
        severity: Literal["warning", "critical"] = "critical" if cycles > 2 else "warning"
        noun = "cycle" if cycles == 1 else "cycles"
        issues.append(HealthIssue("cycles", severity, f"{cycles} circular dependency {noun}"))
    if at_risk:
        severity = "critical" if len(at_risk) > 3 else "warning"
        names = ", ".join(t for t, _ in at_risk[:5]) + (", ..." if len(at_risk) > 5 else "")
        issues.append(
            HealthIssue(
                "at_risk",
                severity,
                f"{len(at_risk)} tool(s) with chain reliability below "
                f"{AT_RISK_THRESHOLD:.0%}: {names}",
            )
        )
    if counts.high_debt:
        issues.append(
            HealthIssue(
                "high_debt",
                "warning",
                f"{counts.high_debt} tool(s) with debt above {HIGH_DEBT}",
            )
        )
    unverified = counts.tools - counts.verified
    if unverified * 2 > counts.tools:
        issues.append(
            HealthIssue(
                "unverified",
                "warning",
                f"{unverified} of {counts.tools} tools never verified",
            )
        )
    status: HealthStatus = "OK"
    if issues:
        status = "CRITICAL" if any(i.severity == "critical" for i in issues) else "WARNING"
    return Health(counts, list(at_risk), status, issues)


def at_risk_tools(
    graph: Graph, nodes: Mapping[str, GraphNodeRow], *, threshold: float = AT_RISK_THRESHOLD
) -> list[tuple[str, float]]:
    """Registered tools whose compound chain reliability is below `threshold`."""
    rel = {tool: nodes[tool].reliability for tool in graph.nodes}
    starts = [tool for tool in graph.nodes if not nodes[tool].stub]
    compounds = compound_all(graph, rel, starts)
    risky = [(tool, value) for tool, (value, _) in compounds.items() if value < threshold]
    return sorted(risky, key=lambda item: (item[1], item[0]))


# --------------------------------------------------------------------------- graph pictures


@dataclass(frozen=True)
class ViewEdge:
    consumer: str
    provider: str
    type: str
    optional: bool
    cycle: bool


@dataclass(frozen=True)
class GraphView:
    """What a picture shows: the chosen tools and the edges among them, each edge marked
    when it lies on a cycle of the (filtered) registry graph, even one leaving the view."""

    nodes: list[GraphNodeRow]
    edges: list[ViewEdge]
    focus: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "focus": self.focus,
            "nodes": [
                {
                    "id": n.id,
                    "name": n.name,
                    "type": n.type,
                    "reliability": n.reliability,
                    "debtScore": n.debt_score,
                    "stub": n.stub,
                    "focus": n.id == self.focus,
                }
                for n in self.nodes
            ],
            "edges": [
                {
                    "from": e.consumer,
                    "to": e.provider,
                    "type": e.type,
                    "optional": e.optional,
                    "cycle": e.cycle,
                }
                for e in self.edges
            ],
        }


def select_view(
    nodes: Sequence[GraphNodeRow],
    edges: Iterable[EdgeRow | Edge],
    *,
    focus: str | None = None,
    depth: int = 3,
    type_: str | None = None,
    skip_optional: bool = False,
) -> GraphView:
    """The subgraph every picture format draws, so they all honour the same filters.

    `focus` keeps the tool plus what it reaches and what reaches it within `depth` hops
    (not siblings); `type_` then keeps tools of that type (the focus always stays);
    `skip_optional` drops optional edges before anything else.
    """
    kept_edges = [e for e in map(as_edge, edges) if not (skip_optional and e[3])]
    graph = build_graph(nodes, kept_edges)
    chosen: set[str] | None = None
    if focus is not None:
        chosen = {focus}
        chosen.update(reachable(graph, focus, max_depth=depth))
        chosen.update(reachable(graph, focus, reverse=True, max_depth=depth))
    selected = [
        n
        for n in nodes
        if (chosen is None or n.id in chosen)
        and (type_ is None or n.type == type_ or n.id == focus)
    ]
    ids = {n.id for n in selected}
    on_cycle = cycle_edges(graph)
    view_edges = [
        ViewEdge(consumer, provider, kind, optional, (consumer, provider) in on_cycle)
        for consumer, provider, kind, optional in kept_edges
        if consumer in ids and provider in ids
    ]
    return GraphView(selected, view_edges, focus)
