"""deps, rdeps, affected, path, allpaths, chain-reliability, blast-radius: through the CLI,
on registries built from real manifests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli
from tests.helpers import dep, write_tool

pytestmark = pytest.mark.backends


def build(cli: Cli, root: Path, tools: dict[str, dict[str, Any]]) -> None:
    """Write one manifest per tool (`deps` lists provider ids) and sync them all."""
    for name, spec in tools.items():
        extra = {k: v for k, v in spec.items() if k != "deps"}
        deps = [d if isinstance(d, dict) else dep(d, "library") for d in spec.get("deps", [])]
        write_tool(root, name, depends_on=deps, **extra)
    result = cli("sync", str(root))
    assert result.exit_code == 0, result.output


def rows(doc: dict[str, Any], key: str) -> list[tuple[str, int, str]]:
    return [(r["id"], r["depth"], r["via"]) for r in doc[key]]


@pytest.fixture
def web(tmp_path: Path, cli: Cli) -> Cli:
    """app -> svc1 -> core, app -> svc2 -> core (a diamond), svc2 -> ghost (a stub),
    mcpx (cli+mcp) -> svc2, svc2 -> opt (optional)."""
    build(
        cli,
        tmp_path / "web",
        {
            "core": {"reliability": 0.8},
            "svc1": {"reliability": 0.9, "debt_score": 8, "deps": ["core"]},
            "svc2": {
                "reliability": 0.85,
                "deps": [
                    "core",
                    dep("ghost", "cli"),
                    dep("opt", "library", optional=True),
                ],
            },
            "opt": {"type": "library", "reliability": 0.5},
            "app": {"reliability": 0.95, "deps": ["svc1", "svc2"]},
            "mcpx": {"type": "cli+mcp", "reliability": 0.95, "deps": ["svc2"]},
        },
    )
    return cli


# -- deps / rdeps -----------------------------------------------------------------------------


def test_deps_direct_human_and_json(web: Cli) -> None:
    result = web("deps", "svc2")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Dependencies for: svc2"
    assert lines[2].split() == ["ID", "Type", "Reliability", "Edge", "Optional"]
    assert [line.split()[0] for line in lines[4:7]] == ["core", "ghost", "opt"]
    assert "cli (stub)" in lines[5]
    assert lines[-1] == "Total: 3 dependencies"
    doc = web("deps", "svc2", "--json").json()
    assert doc["success"] is True and doc["transitive"] is False and doc["count"] == 3
    by_id = {r["id"]: r for r in doc["dependencies"]}
    assert by_id["ghost"]["stub"] is True and by_id["opt"]["optional"] is True
    assert by_id["core"]["via"] == "svc2" and by_id["core"]["edgeType"] == "library"


def test_deps_transitive_counts_the_diamond_once_at_min_depth(web: Cli) -> None:
    doc = web("deps", "app", "-t", "--json").json()
    assert rows(doc, "dependencies") == [
        ("svc1", 1, "app"),
        ("svc2", 1, "app"),
        ("core", 2, "svc1"),  # reached via both; via is the smallest id
        ("ghost", 2, "svc2"),
        ("opt", 2, "svc2"),
    ]
    assert (doc["count"], doc["maxDepth"]) == (5, 2)
    human = web("deps", "app", "-t")
    assert human.stdout.splitlines()[0] == "Dependencies for: app (transitive)"
    assert human.stdout.splitlines()[-1] == "Total: 5 dependencies (max depth: 2)"


def test_depth_type_filter_and_skip_optional(web: Cli) -> None:
    assert rows(web("deps", "app", "-d", "1", "--json").json(), "dependencies") == [
        ("svc1", 1, "app"),
        ("svc2", 1, "app"),
    ]
    # --type filters the rows, not the walk: the library opt is reached through a cli
    only_library = web("deps", "app", "-t", "--type", "library", "--json").json()
    assert [(r["id"], r["depth"]) for r in only_library["dependencies"]] == [("opt", 2)]
    assert only_library["filters"]["type"] == "library"
    skipped = web("deps", "app", "-t", "--skip-optional", "--json").json()
    assert "opt" not in [r["id"] for r in skipped["dependencies"]]
    assert rows(skipped, "dependencies")[:3] == [
        ("svc1", 1, "app"),
        ("svc2", 1, "app"),
        ("core", 2, "svc1"),
    ]
    assert web("deps", "svc2", "--skip-optional", "--json").json()["count"] == 2
    assert web("rdeps", "opt", "--skip-optional", "--json").json()["count"] == 0


def test_rdeps_transitive_and_depth(web: Cli) -> None:
    doc = web("rdeps", "core", "-t", "--json").json()
    assert rows(doc, "dependents") == [
        ("svc1", 1, "core"),
        ("svc2", 1, "core"),
        ("app", 2, "svc1"),
        ("mcpx", 2, "svc2"),
    ]
    assert rows(web("rdeps", "core", "-t", "-d", "1", "--json").json(), "dependents") == [
        ("svc1", 1, "core"),
        ("svc2", 1, "core"),
    ]
    human = web("rdeps", "core", "-t")
    assert human.stdout.splitlines()[0] == "Reverse dependencies for: core (transitive)"
    assert human.stdout.splitlines()[-1] == "Total: 4 dependents (max depth: 2)"


def test_empty_answers_and_quiet(web: Cli) -> None:
    assert web("deps", "core").stdout == "Tool 'core' has no dependencies.\n"
    assert web("rdeps", "app").stdout == "No tools depend on 'app'.\n"
    assert (
        web("deps", "app", "--type", "hook").stdout
        == "No dependencies of 'app' are of type hook.\n"
    )
    empty = web("deps", "core", "-t", "--json").json()
    assert (empty["count"], empty["reachedDepth"], empty["dependencies"]) == (0, 0, [])
    assert empty["maxDepth"] == 1  # what the TypeScript tool said when nothing was reached
    quiet = web("-q", "deps", "svc1")
    assert quiet.stdout.splitlines()[0].split() == ["ID", "Type", "Reliability", "Edge", "Optional"]
    assert "Total" not in quiet.stdout


def test_start_tool_never_in_its_own_answer_on_a_cycle(tmp_path: Path, cli: Cli) -> None:
    build(
        cli,
        tmp_path,
        {"x": {"deps": ["y"], "reliability": 0.9}, "y": {"deps": ["z"]}, "z": {"deps": ["x"]}},
    )
    assert rows(cli("deps", "x", "-t", "--json").json(), "dependencies") == [
        ("y", 1, "x"),
        ("z", 2, "y"),
    ]
    assert rows(cli("rdeps", "x", "-t", "--json").json(), "dependents") == [
        ("z", 1, "x"),
        ("y", 2, "z"),
    ]
    chain = cli("chain-reliability", "x", "--min", "0", "--json").json()["results"][0]
    assert chain["chainLength"] == 3 and chain["chain"] == ["x", "y", "z"]
    assert chain["compound"] == pytest.approx(0.9 * 0.95 * 0.95)
    assert chain["weakestPath"]["path"] == ["x", "y", "z"]


@pytest.mark.parametrize("command", ["deps", "rdeps", "affected", "blast-radius"])
def test_unknown_tool_is_one_line_and_exit_1(web: Cli, command: str) -> None:
    result = web(command, "nope")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "Error: Tool 'nope' not found\n",
    )
    doc = web(command, "nope", "--json")
    assert doc.exit_code == 1
    assert doc.json() == {
        "success": False,
        "error": "Tool 'nope' not found",
        "code": "tool_not_found",
        "tool": "nope",
    }


@pytest.mark.parametrize(
    "args",
    [
        ["deps", "app", "--depth", "abc"],
        ["deps", "app", "-d", "0"],
        ["rdeps", "app", "--type", "service"],
        ["affected", "core", "-d", "-1"],
        ["affected", "core", "--direct", "-d", "2"],
        ["allpaths", "app", "core", "--limit", "0"],
        ["allpaths", "app", "core", "--max-length", "x"],
        ["chain-reliability", "app", "--min", "1.5"],
        ["chain-reliability", "app", "--min", "abc"],
        ["chain-reliability"],
        ["chain-reliability", "app", "--all"],
        ["blast-radius", "core", "--fail-on", "scary"],
    ],
)
def test_bad_option_values_are_usage_errors(web: Cli, args: list[str]) -> None:
    result = web(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stderr.strip()


# -- affected ---------------------------------------------------------------------------------


def test_affected_explains_each_tool_with_its_chain(web: Cli) -> None:
    doc = web("affected", "core", "--json").json()
    assert doc["success"] and doc["direct"] is False and doc["maxDepth"] == 2
    assert [(r["id"], r["depth"], r["path"]) for r in doc["affected"]] == [
        ("svc1", 1, ["svc1", "core"]),
        ("svc2", 1, ["svc2", "core"]),
        ("app", 2, ["app", "svc1", "core"]),
        ("mcpx", 2, ["mcpx", "svc2", "core"]),
    ]
    human = web("affected", "core").stdout.splitlines()
    assert human[0] == "Tools affected by changes to: core"
    assert "app → svc1 → core" in human[6]
    assert human[-1] == "Total: 4 affected tools (max depth: 2)"
    direct = web("affected", "core", "--direct", "--json").json()
    assert [r["id"] for r in direct["affected"]] == ["svc1", "svc2"]
    assert "maxDepth" not in direct
    # --type keeps the explanation intact even when the chain passes through other types
    typed = web("affected", "core", "--type", "cli+mcp", "--json").json()
    assert [r["path"] for r in typed["affected"]] == [["mcpx", "svc2", "core"]]
    assert web("affected", "app").stdout == "No tools are affected by changes to 'app'.\n"


# -- path / allpaths --------------------------------------------------------------------------


def test_path_found_same_and_none(web: Cli) -> None:
    result = web("path", "app", "core")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Path from app to core:",
        "",
        "  app → svc1 → core",
        "",
        "Length: 2 hops",
    ]
    assert web("path", "app", "core", "--json").json() == {
        "success": True,
        "from": "app",
        "to": "core",
        "path": ["app", "svc1", "core"],
        "length": 2,
    }
    same = web("path", "app", "app", "--json").json()
    assert (same["path"], same["length"]) == (["app"], 0)
    none = web("path", "core", "app")
    assert (none.exit_code, none.stdout) == (1, "No dependency path from 'core' to 'app'.\n")
    doc = web("path", "core", "app", "--json")
    assert doc.exit_code == 1 and doc.json()["success"] is False
    assert web("path", "app", "svc2", "--skip-optional").exit_code == 0
    assert web("path", "svc2", "opt", "--skip-optional").exit_code == 1
    # from is validated before to
    assert web("path", "nope1", "nope2").stderr == "Error: Tool 'nope1' not found\n"
    assert web("path", "app", "nope2").stderr == "Error: Tool 'nope2' not found\n"


@pytest.fixture
def ladder(tmp_path: Path, cli: Cli) -> Cli:
    """s reaches t by paths of length 2 (two of them), 3 and 4."""
    build(
        cli,
        tmp_path,
        {
            "s": {"deps": ["a", "b", "c"]},
            "a": {"deps": ["t"]},
            "b": {"deps": ["t", "d"]},
            "c": {"deps": ["d"]},
            "d": {"deps": ["e"]},
            "e": {"deps": ["t"]},
            "t": {},
        },
    )
    return cli


def test_allpaths_lists_the_shortest_in_order(ladder: Cli) -> None:
    doc = ladder("allpaths", "s", "t", "--json").json()
    assert doc["paths"] == [
        ["s", "a", "t"],
        ["s", "b", "t"],
        ["s", "b", "d", "e", "t"],
        ["s", "c", "d", "e", "t"],
    ]
    assert (doc["count"], doc["minLength"], doc["maxLength"]) == (4, 2, 4)
    assert doc["truncated"] is False and doc["stoppedEarly"] is False
    human = ladder("allpaths", "s", "t").stdout.splitlines()
    assert human[0] == "Paths from s to t (4 found):"
    assert human[2] == "  1. s → a → t"
    assert human[-1] == "Shortest: 2 hops | Longest: 4 hops"


def test_allpaths_says_n_plus_only_when_more_exist(ladder: Cli) -> None:
    exactly = ladder("allpaths", "s", "t", "--limit", "4").stdout
    assert "(4 found)" in exactly and "+" not in exactly.splitlines()[0]
    more = ladder("allpaths", "s", "t", "--limit", "2")
    assert more.stdout.splitlines()[0] == "Paths from s to t (2+ found, showing the 2 shortest):"
    assert more.stdout.splitlines()[-1] == "All paths: 2 hops"
    doc = ladder("allpaths", "s", "t", "-l", "2", "--json").json()
    assert doc["truncated"] is True and doc["paths"] == [["s", "a", "t"], ["s", "b", "t"]]


def test_allpaths_max_length_and_no_path(ladder: Cli) -> None:
    doc = ladder("allpaths", "s", "t", "--max-length", "2", "--json").json()
    assert doc["paths"] == [["s", "a", "t"], ["s", "b", "t"]] and doc["truncated"] is False
    none = ladder("allpaths", "c", "t", "--max-length", "2")
    assert none.exit_code == 1
    assert none.stdout == "No dependency paths from 'c' to 't' of at most 2 hops.\n"
    back = ladder("allpaths", "t", "s", "--json")
    assert back.exit_code == 1 and back.json()["success"] is False
    same = ladder("allpaths", "s", "s", "--json").json()
    assert (same["paths"], same["minLength"]) == ([["s"]], 0)


# -- chain-reliability: the reference's worked values (§4.5) -----------------------------------


def test_chain_reliability_linear_chain_of_five(tmp_path: Path, cli: Cli) -> None:
    build(cli, tmp_path, {f"t{i}": {"deps": [f"t{i + 1}"]} if i < 5 else {} for i in range(1, 6)})
    result = cli("chain-reliability", "t1", "--json")
    assert result.exit_code == 1
    doc = result.json()
    first = doc["results"][0]
    assert first["compound"] == 0.7737809374999999
    assert (first["chainLength"], first["chain"]) == (5, ["t1", "t2", "t3", "t4", "t5"])
    assert doc["success"] is False and doc["threshold"] == 0.8
    assert [r["id"] for r in doc["belowThreshold"]] == ["t1"]
    human = cli("chain-reliability", "t1")
    assert human.exit_code == 1
    lines = human.stdout.splitlines()  # heading and lines on one stream
    assert lines[lines.index("1 tool below 80.0% threshold:") + 1] == "  t1: 77.4%"
    assert "Reaches (4): t2, t3, t4, t5" in human.stdout
    # strict comparison: exactly at the threshold passes
    at = cli("chain-reliability", "t1", "--min", "0.7737809374999999")
    assert at.exit_code == 0 and "All tools at or above" in at.stdout


def test_chain_reliability_short_chain_and_diamond(tmp_path: Path, cli: Cli) -> None:
    build(
        cli,
        tmp_path,
        {
            "a": {"reliability": 0.95, "deps": ["b"]},
            "b": {"reliability": 0.9, "deps": ["c"]},
            "c": {"reliability": 0.85},
            "da": {"reliability": 0.95, "deps": ["db", "dc"]},
            "db": {"reliability": 0.9, "deps": ["dd"]},
            "dc": {"reliability": 0.85, "deps": ["dd"]},
            "dd": {"reliability": 0.8},
        },
    )
    assert cli("chain-reliability", "a", "--json").json()["results"][0]["compound"] == 0.72675
    diamond = cli("chain-reliability", "da", "--json").json()["results"][0]
    assert diamond["compound"] == 0.5814  # dd counted once
    assert diamond["chainLength"] == 4
    assert diamond["weakestPath"] == {
        "path": ["da", "dc", "dd"],
        "product": pytest.approx(0.95 * 0.85 * 0.8),
        "weakestTool": "dd",
        "exact": True,
    }
    every = cli("chain-reliability", "--all", "--min", "0.5", "--json")
    assert every.exit_code == 0
    results = every.json()["results"]
    assert [r["compound"] for r in results] == sorted(r["compound"] for r in results)
    assert all(r["chain"][0] == r["id"] and len(r["chain"]) == r["chainLength"] for r in results)


def test_chain_reliability_all_on_an_empty_registry(cli: Cli) -> None:
    result = cli("chain-reliability", "--all")
    assert (result.exit_code, result.stdout) == (0, "No tools found.\n")


def test_chain_reliability_skip_optional(web: Cli) -> None:
    full = web("chain-reliability", "svc2", "--min", "0", "--json").json()["results"][0]
    skipped = web("chain-reliability", "svc2", "--min", "0", "--skip-optional", "--json").json()
    assert "opt" in full["chain"] and "opt" not in skipped["results"][0]["chain"]
    assert full["weakestPath"]["weakestTool"] == "opt"


# -- blast-radius: the reference's worked examples (§4.6) ---------------------------------------


def test_blast_radius_core_worked_example(tmp_path: Path, cli: Cli) -> None:
    build(
        cli,
        tmp_path,
        {
            "core": {"reliability": 0.8},
            "svc1": {"reliability": 0.9, "debt_score": 8, "deps": ["core"]},
            "svc2": {"reliability": 0.85, "deps": ["core"]},
            "app": {"reliability": 0.95, "deps": ["svc1"]},
            "mcpx": {"type": "cli+mcp", "reliability": 0.95, "deps": ["svc2"]},
        },
    )
    result = cli("blast-radius", "core", "--json")
    assert result.exit_code == 0
    analysis = result.json()["analysis"]
    assert analysis["impact"] == {
        "directCount": 2,
        "transitiveCount": 2,
        "totalCount": 4,
        "maxDepth": 2,
    }
    assert analysis["risk"] == {
        "score": 12.2,
        "level": "LOW",
        "chainReliability": 0.666,
        "avgDebtScore": 2,
        "criticalCount": 1,
    }
    assert analysis["byType"] == [
        {"type": "cli+mcp", "count": 1, "critical": True},
        {"type": "cli", "count": 3, "critical": False},
    ]
    steps = analysis["rollbackSteps"]
    assert [s["step"] for s in steps] == [1, 2, 3, 4, 5]
    assert analysis["rollbackStrategy"] == [f"{s['step']}. {s['message']}" for s in steps]
    assert steps[0]["tools"] == ["mcpx"] and steps[2]["tools"] == ["svc1"]
    human = cli("blast-radius", "core").stdout
    assert "  Risk Score:        12.2 (LOW)" in human
    assert "  Chain Reliability: 66.6%" in human
    assert "  Critical Tools:    1 (MCP)" in human
    assert "  4. Warning: Chain reliability is 66.6% - add error boundaries" in human
    assert "  5. Test from innermost (depth 1) to outermost (depth 2)" in human


def test_blast_radius_hub_and_chain_end(tmp_path: Path, cli: Cli) -> None:
    tools: dict[str, dict[str, Any]] = {"hub": {}}
    tools.update({f"d{i:02d}": {"deps": ["hub"]} for i in range(25)})
    tools.update({f"t{i}": {"deps": [f"t{i + 1}"]} if i < 5 else {} for i in range(1, 6)})
    build(cli, tmp_path, tools)
    hub = cli("blast-radius", "hub", "--json").json()["analysis"]
    assert (hub["risk"]["score"], hub["risk"]["level"]) == (27.7, "MEDIUM")
    assert hub["risk"]["chainReliability"] == 0.902
    assert [s["message"] for s in hub["rollbackSteps"]] == [
        "Verify 25 direct dependent(s) before deployment"
    ]
    end = cli("blast-radius", "t5", "--json").json()["analysis"]
    assert (end["risk"]["score"], end["risk"]["chainReliability"]) == (4.9, 0.815)
    assert [(s["step"], s["action"]) for s in end["rollbackSteps"]] == [
        (1, "verify_direct"),
        (2, "test_inside_out"),
    ]
    human = cli("blast-radius", "t5").stdout
    assert "  1. Verify 1 direct dependent(s) before deployment" in human
    assert "  2. Test from innermost (depth 1) to outermost (depth 4)" in human
    # --fail-on turns the analysis into a gate
    assert cli("blast-radius", "hub", "--fail-on", "medium").exit_code == 1
    assert cli("blast-radius", "hub", "--fail-on", "high").exit_code == 0
    lone = cli("blast-radius", "d00", "--json").json()["analysis"]
    assert lone["rollbackStrategy"] == ["1. No affected tools - changes are isolated"]
