"""`speckit context` and `speckit failures`: Markdown for plans, JSON for agents."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.helpers import dep, write_tool


@pytest.fixture
def chain(tmp_path: Path, cli: Cli) -> Path:
    """base (0.9) <- mid (0.95) <- top (0.95); mid also needs an unregistered `ghost`
    (optional) and the mcp server `srv`; `srv` and `mid` form a cycle."""
    root = tmp_path / "eco"
    write_tool(root, "base", type="library", reliability=0.9)
    write_tool(
        root,
        "mid",
        reliability=0.95,
        depends_on=[
            dep("base", "library"),
            dep("srv", "mcp"),
            dep("ghost", "cli", optional=True),
        ],
    )
    write_tool(root, "srv", type="mcp", reliability=0.8, depends_on=[dep("mid", "cli")])
    write_tool(root, "top", type="workflow", reliability=0.95, depends_on=[dep("mid", "cli")])
    result = cli("sync", str(root))
    assert result.exit_code == 0, result.output
    return root


def test_context_json(chain: Path, cli: Cli) -> None:
    result = cli("--json", "speckit", "context", "mid")
    assert result.exit_code == 0, result.output
    doc = result.json()
    assert doc["success"] is True
    assert doc["tool"] == "mid"
    assert {u["id"]: u["depth"] for u in doc["upstream"]} == {"base": 1, "ghost": 1, "srv": 1}
    assert {d["id"] for d in doc["downstream"]} == {"srv", "top"}
    # mid x base x ghost (a stub at the default 0.95) x srv, each once
    assert doc["compoundReliability"] == pytest.approx(0.95 * 0.9 * 0.95 * 0.8)
    assert doc["blastRadius"]["affected"] == 2
    assert doc["blastRadius"]["level"] in ("LOW", "MEDIUM", "HIGH", "CRITICAL")
    assert doc["cycles"] == [["mid", "srv"]]
    warnings = " | ".join(doc["warnings"])
    assert "Chain reliability below 80%" in warnings
    assert "stubs): ghost" in warnings
    assert "circular dependency" in warnings


def test_context_markdown_is_ready_to_paste(chain: Path, cli: Cli) -> None:
    result = cli("speckit", "context", "top")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("## Dependency context: top\n")
    assert "### Upstream: what top depends on" in text
    assert "| Tool | Type | Reliability | Depth | Via |" in text
    assert "| mid | cli | 95% | 1 | top |" in text
    assert "| ghost (stub) |" in text
    assert "### Downstream: what depends on top\n\n_None._" in text
    assert "### Cycles\n\n_None._" in text


def test_failures_severity_grows_with_the_downstream_count(tmp_path: Path, cli: Cli) -> None:
    root = tmp_path / "eco"
    write_tool(root, "db", type="library")
    write_tool(
        root,
        "hub",
        depends_on=[dep("db", "database"), dep("lib", "library", optional=True)],
    )
    for i in range(6):
        write_tool(root, f"user{i}", depends_on=[dep("hub", "cli")])
    write_tool(root, "leaf", depends_on=[dep("db", "database")])
    write_tool(root, "mcpuser", depends_on=[dep("hub", "mcp")])
    assert cli("sync", str(root)).exit_code == 0

    doc = cli("--json", "speckit", "failures", "hub").json()
    assert doc["tool"] == "hub"
    by_dep = {m["dependency"]: m for m in doc["failureModes"]}
    assert by_dep["db"]["severity"] == "critical"  # 7 tools downstream of hub
    assert by_dep["db"]["affectedDownstream"] == 7
    assert by_dep["db"]["mode"] == "db database unavailable"
    assert by_dep["db"]["recovery"] == "Use cached data if available, retry with backoff"
    assert by_dep["lib"]["severity"] == "high"  # optional: one step milder
    assert by_dep["lib"]["optional"] is True
    assert [m["dependency"] for m in doc["failureModes"]] == ["db", "lib"]

    leaf = cli("--json", "speckit", "failures", "leaf").json()["failureModes"]
    assert [(m["severity"], m["affectedDownstream"]) for m in leaf] == [("low", 0)]
    user = cli("--json", "speckit", "failures", "user0").json()["failureModes"]
    assert user[0]["mode"] == "hub CLI unavailable"

    markdown = cli("speckit", "failures", "hub").stdout
    assert markdown.startswith("## Failure modes: hub\n")
    assert (
        "| db | database | db database unavailable | Connection timeout or query error | "
        "Use cached data if available, retry with backoff | critical | 7 |"
    ) in markdown
    assert "| lib (optional) | library |" in markdown
    assert "no dependencies" in cli("speckit", "failures", "db").stdout


@pytest.mark.parametrize("command", ["context", "failures"])
def test_unknown_tool_exit_1(cli: Cli, command: str) -> None:
    result = cli("speckit", command, "nope")
    assert result.exit_code == 1
    assert "Tool 'nope' not found" in result.stderr
