"""`verify` and what an MCP server offers: output schemas, snapshots, undeclared servers.

Against the real SDK test server (tests/mcp_servers/configurable_server.py), which reads
its tools from `tools.json` in its working directory at every start, so a test can
change the offer between two runs.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pai_deps.repo import snapshots
from tests.conftest import Cli
from tests.test_verify_cli import Toolbox, make_box

SERVER = Path(__file__).parent / "mcp_servers" / "configurable_server.py"
QUERY: dict[str, Any] = {
    "type": "object",
    "properties": {"query": {"type": "string"}},
    "required": ["query"],
}
HITS: dict[str, Any] = {
    "type": "object",
    "properties": {"hits": {"type": "array", "items": {"type": "string"}}},
    "required": ["hits"],
}


@pytest.fixture
def box(tmp_path: Path, cli: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Toolbox:
    return make_box(tmp_path, cli, db_path, monkeypatch)


def start(*flags: str) -> str:
    return shlex.join([sys.executable, str(SERVER), "--tools-json=tools.json", *flags])


def offer(directory: Path, *tools: dict[str, Any]) -> None:
    (directory / "tools.json").write_text(json.dumps(list(tools)))


def tool(name: str, input_schema: Any = QUERY, output_schema: Any = None) -> dict[str, Any]:
    found = {"name": name, "inputSchema": input_schema}
    if output_schema is not None:
        found["outputSchema"] = output_schema
    return found


def server_tool(box: Toolbox, provides: dict[str, Any] | None = None, **schemas: Any) -> Path:
    directory = box.tool(
        "srv", type="mcp", provides=provides, schemas=schemas or None,
        mcp_start=start(), register=False,
    )  # fmt: skip
    return directory


def register(box: Toolbox, directory: Path) -> None:
    assert box.cli("register", str(directory)).exit_code == 0


def entries(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    (server,) = document["mcp"]["results"]
    return {(e["name"], e.get("contractType", "extra")): e for e in server["results"]}


# --- outputSchema: a response contract ----------------------------------------------------------


def test_output_schema_is_a_response_contract(box: Toolbox) -> None:
    provides = {"mcp": [{"tool": "search", "schema": "in.json", "output_schema": "out.json"}]}
    directory = server_tool(box, provides, **{"in.json": QUERY, "out.json": HITS})
    narrower = {**HITS, "properties": {"hits": {**HITS["properties"]["hits"], "maxItems": 10}}}
    offer(directory, tool("search", QUERY, narrower))
    register(box, directory)

    narrowed = box.verify("srv")
    offer(directory, tool("search", QUERY, {**HITS, "required": []}))
    widened = box.verify("srv")
    offer(directory, tool("search", QUERY))
    undeclared = box.verify("srv")

    assert narrowed.exit_code == 0, narrowed.output
    found = entries(narrowed.json())[("search", "mcp_output")]
    assert (found["outcome"], found["schemaClass"]) == ("drift", "compatible")
    assert widened.exit_code == 1
    assert entries(widened.json())[("search", "mcp_output")]["error"] == (
        "output schema breaks readers: /properties/hits: property 'hits' is no longer required"
    )
    assert entries(widened.json())[("search", "mcp_tool")]["outcome"] == "pass"
    assert undeclared.exit_code == 1
    assert entries(undeclared.json())[("search", "mcp_output")]["error"] == (
        "listed, but the server declares no outputSchema (one is promised)"
    )


def test_risky_schema_changes_fail_verify_unless_allowed(box: Toolbox) -> None:
    pattern = {"type": "object", "properties": {"q": {"type": "string", "pattern": "^a"}}}
    changed = {"type": "object", "properties": {"q": {"type": "string", "pattern": "^b"}}}
    provides = {"mcp": [{"tool": "t1", "output_schema": "out.json"}]}
    directory = server_tool(box, provides, **{"out.json": pattern})
    offer(directory, tool("t1", QUERY, changed))
    register(box, directory)

    strict = box.cli("verify", "srv")
    allowed = box.cli("verify", "srv", "--allow-risky")

    assert strict.exit_code == 1
    assert "risky (--allow-risky accepts)" in strict.stdout
    assert allowed.exit_code == 0, allowed.output
    assert "1 with risky (allowed) schema changes" in allowed.stdout


def test_a_missing_declared_schema_file_is_not_checked(box: Toolbox) -> None:
    provides = {"mcp": [{"tool": "search", "schema": "in.json"}]}
    directory = server_tool(box, provides, **{"in.json": QUERY})
    offer(directory, tool("search"))
    register(box, directory)
    (directory / "in.json").unlink()

    result = box.verify("srv")

    assert result.exit_code == 1
    (unchecked,) = result.json()["unverified"]
    assert unchecked["reason"] == f"schema file not found: {directory / 'in.json'}"
    assert box.verify("srv", "--allow-unverified").exit_code == 0


# --- a server without declared tools, snapshots ---------------------------------------------------


def test_a_server_without_declared_tools_is_started_and_its_offer_reported(box: Toolbox) -> None:
    directory = server_tool(box)
    offer(directory, *(tool(f"tool_{i:02d}") for i in range(30)))
    register(box, directory)

    result = box.verify("srv")
    human = box.cli("verify", "srv")

    assert result.exit_code == 0, result.output
    document = result.json()
    (server,) = document["mcp"]["results"]
    assert server["serverStarted"] is True
    assert [(e["name"], e["status"]) for e in server["results"]][:2] == [
        ("tool_00", "extra"),
        ("tool_01", "extra"),
    ]
    assert (document["status"], document["summary"]["checked"]) == ("pass", 1)
    assert document["mcp"]["summary"]["extra"] == len(entries(document)) == 30
    assert "MCP server `" in human.stdout and "30 tools in 1 page" in human.stdout
    assert human.stdout.splitlines()[-1].startswith("PASS: 1 contract checked")
    # A long list of extra tools is capped, with a count of the rest.
    extra_rows = [line for line in human.stdout.splitlines() if line.startswith("+  ")]
    assert len(extra_rows) == 11
    assert (
        extra_rows[-1].startswith("+  ... and 20 more") and "(--json lists them)" in extra_rows[-1]
    )


def test_snapshot_records_every_page_and_later_runs_check_against_it(box: Toolbox) -> None:
    directory = box.tool("srv", type="mcp", mcp_start=start("--page-size=2"), register=False)
    offer(directory, tool("a"), tool("b"), tool("c", QUERY, HITS))
    register(box, directory)

    taken = box.verify("srv", "--snapshot")
    with box.conn() as conn:
        stored = snapshots.get_snapshot(conn, tool_id="srv")
    with_n = {**QUERY, "properties": {**QUERY["properties"], "n": {"type": "integer"}}}
    offer(directory, tool("a", with_n), tool("c", QUERY, HITS))
    later = box.verify("srv")
    human = box.cli("verify", "srv")

    assert taken.exit_code == 0, taken.output
    (server,) = taken.json()["mcp"]["results"]
    assert server["server"]["pages"] == 2 and "snapshotTaken" in server
    assert stored is not None and [t["name"] for t in stored.tools] == ["a", "b", "c"]
    assert stored.tools[2]["outputSchema"] == HITS
    assert later.exit_code == 1
    (server,) = later.json()["mcp"]["results"]
    findings = {f["name"]: f for f in server["snapshot"]["tools"]}
    assert findings["b"]["status"] == "fail"
    assert findings["b"]["message"].startswith("offered at ")
    assert (findings["a"]["status"], findings["a"]["severity"]) == ("drift", "compatible")
    assert findings["c"]["status"] == "pass"
    assert "snapshot fail" in human.stdout


def test_snapshot_is_refused_where_nothing_would_be_recorded(box: Toolbox) -> None:
    directory = server_tool(box)
    offer(directory, tool("a"))
    register(box, directory)

    for flags in (["--no-save"], ["--quick"], ["--cli-only"]):
        assert box.cli("verify", "srv", "--snapshot", *flags).exit_code == 2


def test_a_server_that_cannot_be_started_is_not_checked(box: Toolbox) -> None:
    directory = server_tool(box)
    offer(directory, tool("a"))
    register(box, directory)
    assert box.verify("srv", "--snapshot").exit_code == 0
    box.tool("srv", type="mcp", register=True)  # mcp_start removed from the manifest

    result = box.verify("srv")

    assert result.exit_code == 1
    assert result.json()["unverified"][0]["reason"] == "no mcp_start in the manifest"


# --- timings --------------------------------------------------------------------------------------


def test_conversation_timing_starts_after_pai_deps_has_loaded_the_sdk(tmp_path: Path) -> None:
    """`load_sdk` imports everything a conversation needs, so the clock verify starts
    after it measures the server alone: a real conversation imports nothing more."""
    script = f"""
import sys
from pathlib import Path
from pai_deps.verify.mcp_client import list_server_tools, load_sdk
load_sdk()
before = set(sys.modules)
listing = list_server_tools([sys.executable, {str(SERVER)!r}, "--tools=2"], cwd=Path("."),
                            timeout=30, resources=False)
late = sorted(m for m in set(sys.modules) - before
              if m.split(".")[0] in ("mcp", "mcp_types", "anyio", "pydantic", "pydantic_core"))
print(len(listing.tools), late)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2 []"
