"""debt, health, report, graph: through the CLI, on registries built from real manifests."""

from __future__ import annotations

import html
import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pai_deps import db
from pai_deps.repo import tools
from tests.conftest import Cli
from tests.helpers import dep, write_tool
from tests.test_query_commands import build

pytestmark = pytest.mark.backends

NODE = re.compile(r"^  (n\d+) \[label=<(.*?)<BR/>.*?>(.*)\];$")
EDGE = re.compile(r"^  (n\d+) -> (n\d+)(?: \[(.*)\])?;$")


def parse_dot(text: str) -> tuple[dict[str, tuple[str, str]], dict[tuple[str, str], str]]:
    """{tool id: (dot id, attributes)}, {(consumer, provider): edge attributes}."""
    nodes: dict[str, tuple[str, str]] = {}
    names: dict[str, str] = {}
    edges: dict[tuple[str, str], str] = {}
    for line in text.splitlines():
        if match := NODE.match(line):
            tool = html.unescape(match.group(2))
            assert tool not in nodes
            nodes[tool] = (match.group(1), match.group(3))
            names[match.group(1)] = tool
        elif match := EDGE.match(line):
            edges[(names[match.group(1)], names[match.group(2)])] = match.group(3) or ""
    return nodes, edges


def mark_verified(target: str | Path, *ids: str) -> None:
    conn = db.open_db(target)
    try:
        with db.transaction(conn):
            for tool in ids:
                tools.mark_tool_verified(conn, id=tool, now="2026-11-20T10:00:00.000Z")
    finally:
        conn.close()


# -- debt --------------------------------------------------------------------------------------


@pytest.fixture
def indebted(tmp_path: Path, cli: Cli) -> Cli:
    """hub (debt 3) carries 5 dependents; leaf (debt 5) carries none; big has debt 12."""
    spec: dict[str, dict[str, object]] = {
        "hub": {"type": "library", "debt_score": 3},
        "leaf": {"debt_score": 5},
        "big": {"type": "mcp", "debt_score": 12},
        "clean": {},
    }
    spec.update({f"u{i}": {"deps": ["hub"]} for i in range(4)})
    spec["top"] = {"type": "workflow", "deps": ["u0"]}
    build(cli, tmp_path, spec)
    return cli


def test_debt_is_weighted_by_fan_in(indebted: Cli) -> None:
    result = indebted("debt", "--json")
    assert result.exit_code == 0
    doc = result.json()
    assert doc["totalDebt"] == 20
    entries = {e["id"]: e for e in doc["tools"]}
    assert [e["id"] for e in doc["tools"]] == ["big", "leaf", "hub"]  # by debt
    assert entries["hub"]["dependents"] == 5  # u0..u3 and top, transitively
    assert entries["hub"]["weightedDebt"] == 3 * 6
    assert entries["leaf"]["weightedDebt"] == 5
    assert doc["byWeightedDebt"] == ["hub", "big", "leaf"]  # the hub outranks the leaf
    assert entries["big"]["highDebt"] is True and entries["leaf"]["highDebt"] is False
    assert {t["type"]: t["totalDebt"] for t in doc["byType"]} == {
        "mcp": 12,
        "cli": 5,
        "library": 3,
        "workflow": 0,
    }
    human = indebted("debt").stdout.splitlines()
    assert human[0] == "Total Debt Score: 20"
    assert "High Debt Tools (debt > 10): big" in human
    assert "Highest weighted: hub (18), big (12), leaf (5)" in human


def test_debt_filters(indebted: Cli) -> None:
    cli_only = indebted("debt", "--type", "cli", "--json").json()
    assert cli_only["totalDebt"] == 5 and [e["id"] for e in cli_only["tools"]] == ["leaf"]
    at_least = indebted("debt", "--min", "5", "--json").json()
    assert [e["id"] for e in at_least["tools"]] == ["big", "leaf"]
    assert at_least["totalDebt"] == 20  # --min trims the list, not the total
    everything = indebted("debt", "--min", "0", "--json").json()
    assert len(everything["tools"]) == 9
    assert indebted("debt", "--min", "-1").exit_code == 2
    assert indebted("debt", "--type", "nope").exit_code == 2
    assert indebted("debt", "--type", "hook").stdout.splitlines() == [
        "Total Debt Score: 0",
        "No registered tools of type hook.",
    ]


# -- health ------------------------------------------------------------------------------------


def test_health_ok_only_when_everything_is_fine(tmp_path: Path, cli: Cli, db_target: str) -> None:
    build(cli, tmp_path, {"a": {"reliability": 0.99, "deps": ["b"]}, "b": {"reliability": 0.99}})
    unverified = cli("health", "--compact")
    assert (unverified.exit_code, unverified.stdout) == (
        1,
        "WARNING tools:2 deps:1 debt:0 rel:99.0% issues:1\n",
    )
    mark_verified(db_target, "a", "b")
    ok = cli("health")
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.splitlines()[0] == "Registry health: OK"
    assert ok.stdout.splitlines()[-1] == "No issues."
    doc = cli("health", "--json").json()
    assert doc["success"] is True and doc["status"] == "OK"
    assert doc["health"]["verified"] == 2 and doc["health"]["issues"] == []


def test_health_warning_and_critical(tmp_path: Path, cli: Cli, db_target: str) -> None:
    build(cli, tmp_path / "one", {"x": {"deps": ["y"]}, "y": {"deps": ["x"]}})
    mark_verified(db_target, "x", "y")
    warning = cli("health", "--json")
    assert warning.exit_code == 1
    assert warning.json()["status"] == "WARNING"
    assert [i["code"] for i in warning.json()["health"]["issues"]] == ["cycles"]
    # four more chains below 80%: CRITICAL
    build(
        cli,
        tmp_path / "two",
        {f"w{i}": {"reliability": 0.5, "deps": [f"w{i + 1}"] if i < 4 else []} for i in range(5)},
    )
    mark_verified(db_target, *(f"w{i}" for i in range(5)))
    critical = cli("health", "--json").json()
    assert critical["status"] == "CRITICAL" and critical["success"] is False
    assert len(critical["health"]["atRisk"]) == 5
    human = cli("health")
    assert human.exit_code == 1 and "[critical]" in human.stdout
    assert cli("health", "-c").stdout.startswith("CRITICAL tools:7 ")


def test_health_of_an_empty_registry_is_ok(cli: Cli) -> None:
    result = cli("health", "-c")
    assert (result.exit_code, result.stdout) == (
        0,
        "OK tools:0 deps:0 debt:0 rel:100.0% issues:0\n",
    )


# -- report ------------------------------------------------------------------------------------


def test_report_markdown_with_a_mermaid_diagram(
    tmp_path: Path, indebted: Cli, db_target: str
) -> None:
    mark_verified(db_target, "hub")
    result = indebted("report")
    assert result.exit_code == 0, result.output
    text = result.stdout
    for heading in (
        "# pai-deps report",
        "## System overview",
        "## Dependency graph",
        "## Tools by type",
        "## Debt analysis",
        "## Reliability analysis",
        "### Circular dependencies",
        "## Recent verifications",
        "## Never verified",
    ):
        assert f"\n{heading}\n" in f"\n{text}"
    block = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert block.startswith("flowchart LR\n") and block.count("-->") == 5
    assert "| hub | library | 2026-11-20T10:00:00.000Z |" in text
    assert "- leaf (cli)" in text and "- hub (library)" not in text
    assert "Pay down `hub` first" in text
    out = tmp_path / "report.md"
    written = indebted("report", "--output", str(out))
    assert written.stdout == f"Generated: {out}\n"
    assert out.read_text().startswith("# pai-deps report\n")
    doc = indebted("report", "--json").json()
    assert doc["success"] is True and doc["report"].startswith("# pai-deps report\n")


# -- graph -------------------------------------------------------------------------------------

ODD = ['q"t', "back\\", "ü-tool", "a-b", "a_b", "1digit", "x<y>&z"]


@pytest.fixture
def odd(tmp_path: Path, cli: Cli) -> Cli:
    """Odd ids, a 3-cycle (c1 -> c2 -> c3 -> c1), a stub, an optional edge."""
    root = tmp_path / "odd"
    for i, name in enumerate(ODD):
        following = ODD[(i + 1) % len(ODD)] if i < len(ODD) - 1 else None
        write_tool(
            root, name, folder=f"tool{i}", depends_on=[dep(following)] if following else None
        )
    write_tool(root, "c1", depends_on=[dep("c2"), dep("ghost", "cli"), dep("a-b", optional=True)])
    write_tool(root, "c2", depends_on=[dep("c3")])
    write_tool(root, "c3", type="mcp", depends_on=[dep("c1")])
    assert cli("sync", str(root)).exit_code == 0
    return cli


def test_dot_is_valid_for_odd_ids_and_marks_every_cycle_edge(odd: Cli) -> None:
    result = odd("graph")
    assert result.exit_code == 0, result.output
    nodes, edges = parse_dot(result.stdout)
    assert set(nodes) == {*ODD, "c1", "c2", "c3", "ghost"}
    assert len({dot_id for dot_id, _ in nodes.values()}) == len(nodes)  # a-b vs a_b distinct
    for edge in [("c1", "c2"), ("c2", "c3"), ("c3", "c1")]:
        assert "bold" in edges[edge] and 'color="#d32f2f"' in edges[edge]
    assert "bold" not in edges[("c1", "ghost")]
    assert "dashed" in nodes["ghost"][1] and "dashed" in edges[("c1", "ghost")]
    assert "dotted" in edges[("c1", "a-b")]
    assert all("bold" not in edges[(a, b)] for a, b in itertools.pairwise(ODD))
    if shutil.which("dot"):
        done = subprocess.run(
            ["dot", "-Tsvg"], input=result.stdout.encode(), capture_output=True, check=False
        )
        assert done.returncode == 0, done.stderr
        assert done.stderr == b""
        texts = {
            html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", done.stdout.decode())
        }
        assert {*ODD, "c1", "ghost"} <= texts


def test_focus_depth_and_type_are_honoured_by_every_format(odd: Cli) -> None:
    focus = odd("graph", "--focus", "c1", "--depth", "1")
    nodes, _ = parse_dot(focus.stdout)
    assert set(nodes) == {"c1", "c2", "c3", "ghost", "a-b"}  # c3 depends on c1
    assert "peripheries=2" in nodes["c1"][1] and "peripheries=2" not in nodes["c2"][1]
    args = ["graph", "--focus", "c1", "-d", "1", "--type", "cli", "--skip-optional"]
    dot_nodes, dot_edges = parse_dot(odd(*args).stdout)
    as_json = odd(*args, "--format", "json").json()
    assert {n["id"] for n in as_json["nodes"]} == set(dot_nodes) == {"c1", "c2", "ghost"}
    assert {(e["from"], e["to"]) for e in as_json["edges"]} == set(dot_edges)
    assert [n["id"] for n in as_json["nodes"] if n["focus"]] == ["c1"]
    mermaid = odd(*args, "--format", "mermaid").stdout
    labels = re.findall(r'^  n\d+\["([^"]*)<br/>', mermaid, flags=re.MULTILINE)
    assert sorted(labels) == ["c1", "c2", "ghost"]
    assert mermaid.count(" --> ") + mermaid.count(" ==> ") + mermaid.count(" -.-> ") == len(
        dot_edges
    )
    with_json = odd("--json", *args, "--format", "mermaid").json()
    assert with_json["nodes"] == 3 and with_json["mermaid"] == mermaid


def test_mermaid_escapes_labels_and_marks_cycles(odd: Cli) -> None:
    text = odd("graph", "-f", "mermaid").stdout
    assert text.startswith("flowchart LR\n")
    assert '["q#quot;t<br/>' in text and '["x#lt;y#gt;#amp;z<br/>' in text
    link_styles = [line for line in text.splitlines() if line.startswith("  linkStyle")]
    assert len(link_styles) == 1 and len(link_styles[0].split()[1].split(",")) == 3
    assert "classDef stub" in text and "classDef focus" not in text


def test_no_color_drops_fills_but_keeps_the_marks(odd: Cli) -> None:
    text = odd("graph", "--no-color").stdout
    assert "fillcolor" not in text and "#d32f2f" not in text
    nodes, edges = parse_dot(text)
    assert "bold" in edges[("c1", "c2")] and "dashed" in nodes["ghost"][1]


def test_graph_output_file_svg_and_errors(
    odd: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "g.dot"
    written = odd("graph", "-o", str(out))
    assert written.stdout == f"Graph written to: {out} (11 tools, 11 edges)\n"
    assert out.read_text().startswith("digraph pai_deps {")
    doc = odd("graph", "-o", str(out), "--force", "--json").json()
    assert doc["outputFile"] == str(out) and doc["dot"] == out.read_text()
    assert odd("graph", "-f", "png").exit_code == 2
    assert odd("graph", "--depth", "2").exit_code == 2
    assert odd("graph", "--focus", "c1", "--depth", "zero").exit_code == 2
    unknown = odd("graph", "--focus", "nope")
    assert (unknown.exit_code, unknown.stderr) == (1, "Error: Tool 'nope' not found\n")
    if shutil.which("dot"):
        svg = odd("graph", "-f", "svg")
        assert svg.exit_code == 0 and svg.stdout.lstrip().startswith("<?xml")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    missing = odd("graph", "-f", "svg")
    assert missing.exit_code == 1
    assert missing.stderr.count("\n") == 1
    assert (
        "Graphviz is not installed" in missing.stderr and "brew install graphviz" in missing.stderr
    )


def test_graph_of_an_empty_registry(cli: Cli) -> None:
    text = cli("graph").stdout
    assert "// Empty graph" in text and text.rstrip().endswith("}")
    assert cli("graph", "-f", "json").json()["nodes"] == []
