"""The interactive HTML page's data: the health summary, a `GraphView`, and for every
drawn tool what its panel shows (chain reliability, debt weight, contracts with their last
drift, verification history).

`report --format html` draws the whole registry; `graph --format html` draws the selection
the other graph formats draw. Either way the figures are the registry's own (a tool's
chain reliability does not shrink because its dependencies were filtered out of view).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from pai_deps.analysis.picture import GraphView, view_content
from pai_deps.analysis.registry_graph import Edge
from pai_deps.analysis.rules import AT_RISK_THRESHOLD, HIGH_DEBT
from pai_deps.models import ContractStateRow, GraphNodeRow, VerificationRunRow
from pai_deps.results.explorer import ContractState, Explorer, RunSummary, ToolDetail

if TYPE_CHECKING:
    from pai_deps.analysis.health import Health
    from pai_deps.db import Connection
    from pai_deps.graph import Graph

RUNS_SHOWN = 10  # verification runs listed per tool


def explore(
    conn: Connection,
    graph: Graph,
    nodes: Mapping[str, GraphNodeRow],
    view: GraphView,
    *,
    title: str,
) -> Explorer:
    """The page's data for `view`, over the registry's whole `graph` (already loaded)."""
    from pai_deps.analysis.health import health_document, read_health
    from pai_deps.repo import cycles, explorer
    from pai_deps.timeutil import now_iso

    health = read_health(conn, graph, nodes)
    drawn = {n.id for n in view.nodes}
    open_cycles = [
        row.cycle
        for row in cycles.list_cycles(conn, include_resolved=False)
        if drawn.issuperset(row.cycle)
    ]
    contracts: dict[str, list[ContractState]] = defaultdict(list)
    for contract in explorer.list_contract_states(conn):
        if contract.tool_id in drawn:
            contracts[contract.tool_id].append(_contract(contract))
    runs: dict[str, list[RunSummary]] = defaultdict(list)
    for run in explorer.list_recent_runs(conn, limit=RUNS_SHOWN):
        if run.tool_id in drawn:
            runs[run.tool_id].append(_run(run))
    descriptions = {row.id: row.description for row in explorer.list_tool_descriptions(conn)}
    figures = health_document(health)
    return Explorer(
        generated_at=now_iso(),
        title=title,
        status=figures.status,
        health=figures.health,
        at_risk_threshold=AT_RISK_THRESHOLD,
        high_debt_threshold=HIGH_DEBT,
        graph=view_content(view),
        tools=_details(graph, nodes, view, health, open_cycles, contracts, runs, descriptions),
        cycles=open_cycles,
    )


def _details(
    graph: Graph,
    nodes: Mapping[str, GraphNodeRow],
    view: GraphView,
    health: Health,
    open_cycles: Sequence[list[str]],
    contracts: Mapping[str, list[ContractState]],
    runs: Mapping[str, list[RunSummary]],
    descriptions: Mapping[str, str],
) -> list[ToolDetail]:
    from pai_deps.analysis.chains import compound_all
    from pai_deps.graph import closure_masks

    rel = {tool: nodes[tool].reliability if tool in nodes else 1.0 for tool in graph.nodes}
    compounds = compound_all(graph, rel, [n.id for n in view.nodes])
    masks = closure_masks(graph, reverse=True)
    index = {tool: i for i, tool in enumerate(graph.nodes)}
    at_risk = {tool for tool, _ in health.at_risk}
    cyclic = {tool for cycle in open_cycles for tool in cycle}
    cyclic.update(end for e in view.edges if e.cycle for end in (e.consumer, e.provider))
    details = []
    for n in view.nodes:
        dependents = masks[index[n.id]].bit_count()
        details.append(
            ToolDetail(
                id=n.id,
                name=n.name,
                type=n.type,
                version=n.version,
                description=descriptions.get(n.id),
                stub=n.stub,
                reliability=n.reliability,
                compound=compounds[n.id][0],
                at_risk=n.id in at_risk,
                in_cycle=n.id in cyclic,
                debt_score=n.debt_score,
                transitive_dependents=dependents,
                weighted_debt=n.debt_score * (1 + dependents),
                last_verified=n.last_verified,
                contracts=contracts.get(n.id, []),
                runs=runs.get(n.id, []),
            )
        )
    return details


def _contract(row: ContractStateRow) -> ContractState:
    return ContractState(
        type=row.contract_type,
        name=row.name,
        status=row.status,
        last_verified=row.last_verified,
        last_drift=row.last_drift,
        reason=row.status_reason,
    )


def _run(row: VerificationRunRow) -> RunSummary:
    return RunSummary(
        verified_at=row.verified_at,
        level=row.level,
        status=row.status,
        cli_passed=row.cli_passed,
        cli_failed=row.cli_failed,
        mcp_missing=row.mcp_missing,
        mcp_failed=row.mcp_failed,
        duration_ms=row.duration_ms,
        git_commit=row.git_commit,
    )


def explorer_page(
    conn: Connection,
    nodes: Sequence[GraphNodeRow],
    edges: Sequence[Edge],
    view: GraphView,
    *,
    title: str,
) -> str:
    """The HTML page drawing `view`, over the registry's `nodes` and `edges` (all of them)."""
    from pai_deps.analysis.registry_graph import build_graph
    from pai_deps.render.html import render_html

    graph = build_graph(nodes, edges)
    return render_html(explore(conn, graph, {n.id: n for n in nodes}, view, title=title))
