"""`chain-reliability`: the compound reliability of a tool's chain and its weakest path.

The chain is the tool and everything it reaches, each once (the reference's compound);
the weakest single path names the tool that costs the most.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from pai_deps.analysis.evidence import DEFAULT_RUNS, Observed
from pai_deps.gcpause import no_collection
from pai_deps.graph import (
    Graph,
    closure_masks,
    compound_reliability,
    reachable,
    weakest_paths,
)
from pai_deps.graph.digraph import Adjacency
from pai_deps.models import GraphNodeRow
from pai_deps.results.base import validate_many
from pai_deps.results.chains import Chain, ChainReliability

if TYPE_CHECKING:
    from pai_deps.db import Connection

# A compound over at most this many tools is multiplied one by one in breadth-first order,
# exactly as the reference does; bigger ones use grouped powers (see `compound_all`).
EXACT_PRODUCT_MAX = 64
# Past this many distinct reliability values grouping stops paying; multiply one by one.
MAX_RELIABILITY_GROUPS = 256


def _grouped_product(first: float, counts: Mapping[float, int]) -> float:
    """first x the product of v ** k over (value, count) pairs, in ascending value order."""
    product = first
    for value in sorted(counts):
        product *= value ** counts[value]
    return product


def _walk_product(succ: Adjacency, start: int, figures: Sequence[float]) -> float:
    """`compound_reliability` over the graph's numbers: the same breadth-first order
    ((depth, id): index order is id order), so the same float, without `reachable`'s
    per-node records."""
    product = figures[start]
    seen = {start}
    frontier = [start]
    while frontier:
        found: list[int] = []
        for u in frontier:
            for v in succ[u]:
                if v not in seen:
                    seen.add(v)
                    found.append(v)
        found.sort()
        for v in found:
            product *= figures[v]
        frontier = found
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
    members: dict[float, int] = {}
    for i, tool in enumerate(graph.nodes):
        members[rel[tool]] = members.get(rel[tool], 0) | (1 << i)
    # `_grouped_product`'s order (ascending value, absent values skipped), unrolled: one
    # AND and popcount per value and start, no dict per start.
    groups = sorted(members.items())
    figures = [rel[tool] for tool in graph.ids]
    for tool in starts:
        mask = masks[index[tool]]
        size = mask.bit_count()
        if size <= EXACT_PRODUCT_MAX or not grouped:
            product = _walk_product(graph.succ, index[tool], figures)
        else:
            product = rel[tool]
            for value, group in groups:
                count = (mask & group).bit_count()
                if count:
                    product *= value**count
        result[tool] = (product, size + 1)
    return result


def chain_reliability(
    graph: Graph,
    nodes: Mapping[str, GraphNodeRow],
    starts: Sequence[str],
    *,
    threshold: float,
    with_chain: bool,
    observed: Mapping[str, Observed] | None = None,
    use_observed: bool = False,
) -> list[Chain]:
    """Chain figures for `starts`, weakest compound first (ties by id).

    `with_chain` adds the reference's `chain` (the tool, then everything it reaches in
    breadth-first order: a set, not a path); `--all` leaves it out because over a whole
    registry it is quadratic in size. `observed` is the evidence shown beside each tool's
    declared figure; `use_observed` multiplies it instead, where a tool has any. A tool
    declaring `slo` gets its budget.
    """
    evidence = observed or {}
    rel = {tool: nodes[tool].reliability for tool in graph.nodes}
    if use_observed:
        rel.update({tool: seen.reliability for tool, seen in evidence.items() if tool in rel})
    with no_collection():  # every object made here is part of the answer
        return _chains(graph, nodes, rel, starts, evidence, threshold, with_chain)


def _chains(
    graph: Graph,
    nodes: Mapping[str, GraphNodeRow],
    rel: Mapping[str, float],
    starts: Sequence[str],
    evidence: Mapping[str, Observed],
    threshold: float,
    with_chain: bool,
) -> list[Chain]:
    from pai_deps.analysis.evidence import budget

    compounds = compound_all(graph, rel, starts)
    weakest = weakest_paths(graph, rel, starts)

    def part(tool: str) -> dict[str, object]:
        compound, length = compounds[tool]
        path = weakest[tool]
        seen = evidence.get(tool)
        node = nodes[tool]
        members = [tool, *reachable(graph, tool)] if with_chain or node.slo is not None else None
        return {
            "id": tool,
            "name": node.name,
            "reliability": node.reliability,
            "compound": compound,
            "chain_length": length,
            "chain": members if with_chain else None,
            "weakest_path": {
                "path": path.path,
                "product": path.product,
                "weakest_tool": path.weakest_tool,
                "exact": path.exact,
            },
            "below": compound < threshold,
            "observed_reliability": None if seen is None else seen.reliability,
            "observed_runs": 0 if seen is None else seen.runs,
            "budget": None
            if node.slo is None or members is None
            else budget(node.slo, compound, members, rel),
        }

    # Validated a batch of chains per call (one model per chain and path costs 3x more).
    ordered = sorted(starts, key=lambda tool: (compounds[tool][0], tool))
    return validate_many(Chain, map(part, ordered))


def chain_reliability_of(
    conn: Connection,
    tool: str | None,
    *,
    threshold: float,
    skip_optional: bool,
    with_chain: bool,
    use_observed: bool = False,
    runs: int = DEFAULT_RUNS,
) -> ChainReliability:
    """One tool's chain, or (`tool` None) every registered tool's; `success` is false when
    a compound is below `threshold` or a chain is over its budget. `with_chain` lists each
    chain's members (always for one tool; quadratic over a whole registry, so only when
    they are printed). `runs`: how many of each tool's newest runs are its evidence."""
    from pai_deps.analysis.evidence import observed_all
    from pai_deps.analysis.registry_graph import load_graph

    if tool is not None:
        from pai_deps.registry.read import require_tool

        require_tool(conn, tool)
    graph, nodes = load_graph(conn, skip_optional=skip_optional)
    starts = [tool] if tool is not None else [t for t in graph.nodes if not nodes[t].stub]
    results = chain_reliability(
        graph,
        nodes,
        starts,
        threshold=threshold,
        with_chain=with_chain or tool is not None,
        observed=observed_all(conn, runs),
        use_observed=use_observed,
    )
    below = [r for r in results if r.below]
    over = [r.id for r in results if r.budget is not None and r.budget.over]
    return ChainReliability(
        success=not below and not over,
        results=results,
        threshold=threshold,
        below_threshold=below or None,
        basis="observed" if use_observed else "declared",
        runs=runs,
        over_budget=over or None,
    )
