"""pai_deps.analysis on hand-built inputs: the formulas, the fast paths against slow ones."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pai_deps.analysis.blast import blast_radius, risk_level
from pai_deps.analysis.chains import EXACT_PRODUCT_MAX, compound_all
from pai_deps.analysis.health import assess_health, health_document
from pai_deps.analysis.registry_graph import via_paths
from pai_deps.analysis.rules import js_round
from pai_deps.graph import Graph, closure_masks, compound_reliability, reachable
from pai_deps.models import HealthCountsRow, ReachRow
from pai_deps.render.report import compact


def reach(
    id: str, depth: int, via: str, *, r: float = 0.95, debt: int = 0, type: str = "cli"
) -> ReachRow:
    return ReachRow(
        id=id,
        name=id,
        type=type,  # type: ignore[arg-type]
        version=None,
        reliability=r,
        debt_score=debt,
        stub=False,
        depth=depth,
        via=via,
    )


def test_js_round_rounds_half_up_like_math_round() -> None:
    assert js_round(0.8145, 3) == 0.815 or js_round(0.81450625, 3) == 0.815
    assert js_round(2.25, 1) == 2.3  # Python's round() gives 2.2
    assert js_round(0.666125, 3) == 0.666
    assert js_round(-0.5, 0) == 0.0


# -- blast radius: the reference's three worked examples (§4.6) -------------------------------


def test_blast_radius_worked_example_core() -> None:
    result = blast_radius(
        "core",
        0.8,
        [
            reach("svc1", 1, "core", r=0.9, debt=8),
            reach("svc2", 1, "core", r=0.85),
            reach("app", 2, "svc1", r=0.95),
            reach("mcpx", 2, "svc2", r=0.95, type="cli+mcp"),
        ],
    )
    assert (result.direct_count, result.transitive_count, result.max_depth) == (2, 2, 2)
    assert result.chain_reliability == 0.666
    assert result.score == 12.2
    assert result.level == "LOW"
    assert result.avg_debt == 2
    assert result.critical_count == 1
    assert result.by_type == [("cli+mcp", 1, True), ("cli", 3, False)]
    assert result.by_depth == [(1, 2), (2, 2)]
    assert [(s.step, s.action) for s in result.rollback] == [
        (1, "test_mcp_first"),
        (2, "verify_direct"),
        (3, "high_debt"),
        (4, "error_boundaries"),
        (5, "test_inside_out"),
    ]
    assert result.rollback[2].message == "Extra attention on 1 high-debt tool(s): svc1"
    assert (
        result.rollback[3].message == "Warning: Chain reliability is 66.6% - add error boundaries"
    )
    assert result.rollback[4].message == "Test from innermost (depth 1) to outermost (depth 2)"


def test_blast_radius_worked_example_hub() -> None:
    result = blast_radius("hub", 0.95, [reach(f"d{i:02d}", 1, "hub") for i in range(25)])
    assert result.chain_reliability == 0.902
    assert (result.score, result.level) == (27.7, "MEDIUM")
    assert [s.document() for s in result.rollback] == [
        {
            "step": 1,
            "action": "verify_direct",
            "message": "Verify 25 direct dependent(s) before deployment",
            "tools": [f"d{i:02d}" for i in range(25)],
        }
    ]


def test_blast_radius_worked_example_end_of_chain() -> None:
    result = blast_radius("t5", 0.95, [reach(f"t{5 - d}", d, f"t{6 - d}") for d in range(1, 5)])
    assert (result.max_depth, result.chain_reliability) == (4, 0.815)
    assert (result.score, result.level) == (4.9, "LOW")
    assert [(s.step, s.action) for s in result.rollback] == [
        (1, "verify_direct"),
        (2, "test_inside_out"),
    ]


def test_blast_radius_of_an_isolated_tool() -> None:
    result = blast_radius("lonely", 0.5, [])
    assert (result.score, result.level, result.chain_reliability) == (0.0, "LOW", 1.0)
    assert [s.message for s in result.rollback] == ["No affected tools - changes are isolated"]


def test_feature_flag_step_only_for_high_and_critical() -> None:
    many = [reach(f"m{i:03d}", 1, "x", type="mcp", debt=9) for i in range(30)]
    result = blast_radius("x", 0.5, many)
    assert result.level == "CRITICAL"
    assert [s.step for s in result.rollback] == list(range(1, len(result.rollback) + 1))
    assert "feature_flag" in [s.action for s in result.rollback]
    assert [risk_level(x) for x in (20, 20.1, 50, 50.1, 100, 100.1)] == [
        "LOW",
        "MEDIUM",
        "MEDIUM",
        "HIGH",
        "HIGH",
        "CRITICAL",
    ]


def test_via_paths_follow_via_back_to_the_start() -> None:
    rows = [reach("b", 1, "a"), reach("c", 1, "a"), reach("d", 2, "c")]
    assert via_paths("a", rows) == {
        "a": ["a"],
        "b": ["a", "b"],
        "c": ["a", "c"],
        "d": ["a", "c", "d"],
    }


# -- closures and compound products ---------------------------------------------------------


@st.composite
def graphs(draw: st.DrawFn) -> Graph:
    nodes = [f"n{i}" for i in range(draw(st.integers(1, 9)))]
    pairs = st.tuples(st.sampled_from(nodes), st.sampled_from(nodes))
    return Graph(nodes, draw(st.lists(pairs, max_size=len(nodes) * 3)))


@given(graph=graphs(), reverse=st.booleans())
@settings(max_examples=150, deadline=None)
def test_closure_masks_equal_breadth_first_reachability(graph: Graph, reverse: bool) -> None:
    masks = closure_masks(graph, reverse=reverse)
    for i, node in enumerate(graph.nodes):
        expected = set(reachable(graph, node, reverse=reverse))
        assert {graph.nodes[j] for j in range(len(graph)) if masks[i] >> j & 1} == expected


def test_compound_all_matches_one_by_one_products_on_a_big_layered_graph() -> None:
    rng = random.Random(7)
    nodes = [f"t{i:04d}" for i in range(600)]
    edges = [(nodes[i], nodes[j]) for i in range(30, 600) for j in rng.sample(range(i), 3)]
    rel = {n: rng.choice([0.9, 0.93, 0.95, 0.97, 0.99]) for n in nodes}
    graph = Graph(nodes, edges)
    fast = compound_all(graph, rel, nodes)
    assert any(length - 1 > EXACT_PRODUCT_MAX for _, length in fast.values())
    for node in nodes[::37]:  # one start walks; many use bitmasks: the same float
        assert compound_all(graph, rel, [node]) == {node: fast[node]}
    for node in nodes:
        value, length = fast[node]
        assert length == 1 + len(reachable(graph, node))
        assert math.isclose(value, compound_reliability(graph, node, rel), rel_tol=1e-9)


def test_compound_all_keeps_the_reference_worked_values_exact() -> None:
    chain = Graph(
        ["t1", "t2", "t3", "t4", "t5"], [("t1", "t2"), ("t2", "t3"), ("t3", "t4"), ("t4", "t5")]
    )
    assert compound_all(chain, dict.fromkeys(chain.nodes, 0.95), ["t1"]) == {
        "t1": (0.7737809374999999, 5)
    }
    diamond = Graph("ABCD", [("A", "B"), ("A", "C"), ("B", "D"), ("C", "D")])
    values = {"A": 0.95, "B": 0.9, "C": 0.85, "D": 0.8}
    assert compound_all(diamond, values, ["A"])["A"] == (0.95 * 0.9 * 0.85 * 0.8, 4)


# -- health rules ---------------------------------------------------------------------------


def counts(**overrides: object) -> HealthCountsRow:
    base: dict[str, object] = {
        "tools": 4,
        "dependencies": 3,
        "total_debt": 2,
        "avg_reliability": 0.95,
        "verified": 4,
        "cycles": 0,
        "high_debt": 0,
    }
    base.update(overrides)
    return HealthCountsRow.model_validate(base)


@pytest.mark.parametrize(
    ("overrides", "at_risk", "status", "codes"),
    [
        ({}, 0, "OK", []),
        ({"cycles": 1}, 0, "WARNING", ["cycles"]),
        ({"cycles": 3}, 0, "CRITICAL", ["cycles"]),
        ({}, 1, "WARNING", ["at_risk"]),
        ({}, 4, "CRITICAL", ["at_risk"]),
        ({"high_debt": 1}, 0, "WARNING", ["high_debt"]),
        ({"verified": 2}, 0, "OK", []),  # exactly half unverified is not "more than half"
        ({"verified": 1}, 0, "WARNING", ["unverified"]),
        ({"tools": 0, "verified": 0, "avg_reliability": None}, 0, "OK", []),
    ],
)
def test_health_status_rules(
    overrides: dict[str, object], at_risk: int, status: str, codes: list[str]
) -> None:
    result = assess_health(counts(**overrides), [(f"r{i}", 0.5) for i in range(at_risk)])
    assert result.status == status
    assert [i.code for i in result.issues] == codes


def test_health_compact_line() -> None:
    result = assess_health(
        counts(tools=34, verified=30, dependencies=29, total_debt=5, avg_reliability=0.948), []
    )
    assert compact(health_document(result)) == "OK tools:34 deps:29 debt:5 rel:94.8% issues:0"
