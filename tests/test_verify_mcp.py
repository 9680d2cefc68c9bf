"""`verify` on MCP contracts against the real SDK test server, started over stdio."""

from __future__ import annotations

import json
import shlex
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from pai_deps.repo import runs
from tests.conftest import Cli
from tests.test_verify_cli import Toolbox, commands, make_box

SERVER = Path(__file__).parent / "mcp_servers" / "configurable_server.py"
QUERY: dict[str, Any] = {
    "type": "object",
    "properties": {"query": {"type": "string"}},
    "required": ["query"],
}


@pytest.fixture
def box(tmp_path: Path, cli: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Toolbox:
    return make_box(tmp_path, cli, db_path, monkeypatch)


def start(*flags: str) -> str:
    return shlex.join([sys.executable, str(SERVER), *flags])


def mcp(*tools: str, schemas: dict[str, str] | None = None) -> dict[str, Any]:
    schemas = schemas or {}
    return {
        "mcp": [
            {"tool": name, **({"schema": schemas[name]} if name in schemas else {})}
            for name in tools
        ]
    }


def results(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    (tool,) = document["mcp"]["results"]
    return {item["name"]: item for item in tool["results"]}


def test_paginated_server_found_missing_and_extra(box: Toolbox) -> None:
    box.tool(
        "srv",
        type="mcp",
        provides=mcp("tool_01", "tool_05", "tool_07", "tool_99"),
        mcp_start=start("--tools=7", "--page-size=3"),
    )

    result = box.verify("srv")

    assert result.exit_code == 1
    document = result.json()
    found = results(document)
    assert {name: item["status"] for name, item in found.items()} == {
        "tool_01": "found",
        "tool_05": "found",
        "tool_07": "found",
        "tool_99": "missing",
        "tool_02": "extra",
        "tool_03": "extra",
        "tool_04": "extra",
        "tool_06": "extra",
    }
    (server,) = document["mcp"]["results"]
    assert server["serverStarted"] is True
    assert server["server"]["pages"] == 3
    assert document["mcp"]["summary"] == {
        "tools": 1,
        "found": 3,
        "missing": 1,
        "failed": 0,
        "skipped": 0,
        "extra": 4,
    }
    with box.conn() as conn:
        (run,) = runs.list_runs_of(conn, tool_id="srv", limit=1)
    assert (run.mcp_found, run.mcp_missing, run.mcp_extra, run.status) == (3, 1, 4, "fail")
    statuses = {name: box.contract("srv", name).status for name in ("tool_01", "tool_99")}
    assert statuses == {"tool_01": "valid", "tool_99": "broken"}


def test_input_schema_compared_with_the_declared_file(box: Toolbox) -> None:
    optional_added = {**QUERY, "properties": {**QUERY["properties"], "limit": {"type": "integer"}}}
    required_added = {**optional_added, "required": ["query", "limit"]}
    annotated = {**QUERY, "description": "Search."}
    names = ("tool_01", "tool_02", "tool_03", "tool_04")
    box.tool(
        "srv",
        type="mcp",
        provides=mcp(
            *names,
            schemas=dict.fromkeys(
                ("tool_01", "tool_02", "tool_03", "tool_04"), "schemas/query.json"
            ),
        ),
        schemas={"schemas/query.json": QUERY},
        mcp_start=start(
            "--tools=4",
            f"--schema=tool_02={json.dumps(optional_added)}",
            f"--schema=tool_03={json.dumps(required_added)}",
            f"--schema=tool_04={json.dumps(annotated)}",
        ),
    )

    result = box.verify("srv")

    assert result.exit_code == 1
    found = results(result.json())
    assert (found["tool_01"]["outcome"], found["tool_01"]["message"]) == (
        "pass",
        "listed; input schema matches",
    )
    assert found["tool_02"]["outcome"] == "drift"  # a new optional input: callers unaffected
    assert found["tool_02"]["status"] == "found"
    assert found["tool_02"]["changes"][0]["pointer"] == "/properties/limit"
    assert found["tool_03"]["outcome"] == "fail"  # callers must now send `limit`
    assert found["tool_03"]["status"] == "failed"
    assert found["tool_03"]["error"].startswith("input schema breaks callers: /properties/limit")
    assert found["tool_04"]["outcome"] == "pass"  # only the description differs
    statuses = {n: box.contract("srv", n).status for n in ("tool_01", "tool_02", "tool_03")}
    assert statuses == {"tool_01": "valid", "tool_02": "drift", "tool_03": "broken"}
    with box.conn() as conn:
        (run,) = runs.list_runs_of(conn, tool_id="srv", limit=1)
    assert (run.mcp_found, run.mcp_failed) == (3, 1)


def test_compatible_schema_drift_alone_passes(box: Toolbox) -> None:
    optional_added = {**QUERY, "properties": {**QUERY["properties"], "limit": {"type": "integer"}}}
    box.tool(
        "srv",
        type="mcp",
        provides=mcp("tool_01", schemas={"tool_01": "q.json"}),
        schemas={"q.json": QUERY},
        mcp_start=start("--tools=1", f"--schema=tool_01={json.dumps(optional_added)}"),
    )

    result = box.cli("verify", "srv")

    assert result.exit_code == 0
    assert "~  tool_01" in result.stdout
    assert "input schema differs (compatible): /properties/limit" in result.stdout


def test_server_that_never_answers_fails_within_the_timeout(box: Toolbox) -> None:
    box.tool("srv", type="mcp", provides=mcp("tool_01", "tool_02"), mcp_start=start("--mode=hang"))

    started = time.monotonic()
    result = box.verify("srv", "--timeout", "1.5")
    elapsed = time.monotonic() - started

    assert result.exit_code == 1
    assert elapsed < 3.5
    (server,) = result.json()["mcp"]["results"]
    assert server["serverStarted"] is False
    assert server["error"] == "MCP server did not answer within 1.5 s"
    assert {item["status"] for item in server["results"]} == {"failed"}
    with box.conn() as conn:
        (run,) = runs.list_runs_of(conn, tool_id="srv", limit=1)
    assert (run.mcp_failed, run.mcp_missing) == (2, 0)


def test_server_that_exits_at_start_up_fails_with_its_reason(box: Toolbox) -> None:
    box.tool("srv", type="mcp", provides=mcp("tool_01"), mcp_start=start("--mode=exit"))

    result = box.cli("verify", "srv")

    assert result.exit_code == 1
    assert "exited with code 3" in result.stdout
    assert "fatal: cannot open the configuration" in result.stdout


def test_a_server_flooding_stderr_is_reported_by_its_last_line(box: Toolbox) -> None:
    """stderr is a pipe with a bounded tail: 9 MB of it costs no disk and no memory.

    `ulimit -f` stops any file the server writes at 1 MB (the old capture was a
    temporary file, and the server died of SIGXFSZ); a pipe has no such limit.
    """
    box.script(
        "flood-server",
        "ulimit -f 1024\nyes noise | head -n 1500000 >&2\necho 'last words' >&2\nexit 3\n",
    )
    box.tool("srv", type="mcp", provides=mcp("tool_01"), mcp_start="flood-server")
    result = box.verify("srv", "--timeout", "10")
    assert result.exit_code == 1
    (server,) = result.json()["mcp"]["results"]
    assert server["error"] == "MCP server exited with code 3 during start-up: last words"


def test_a_server_that_closes_its_stdin_is_reported_as_such(box: Toolbox) -> None:
    box.script("deaf-server", "exec 0<&-\necho 'not listening' >&2\nexec sleep 30\n")
    box.tool("srv", type="mcp", provides=mcp("tool_01"), mcp_start="deaf-server")
    result = box.verify("srv", "--timeout", "5")
    assert result.exit_code == 1
    (server,) = result.json()["mcp"]["results"]
    assert server["error"] == "MCP server closed its stdin during start-up: not listening"


def test_a_server_that_closes_its_stdin_after_our_request_arrived_is_reported_as_such(
    box: Toolbox,
) -> None:
    # The request is already in the pipe when the server closes it: no write fails, the
    # server just never answers. Silence from a live server that closed stdin says so.
    box.script(
        "late-deaf-server", "sleep 0.5\nexec 0<&-\necho 'not listening' >&2\nexec sleep 30\n"
    )
    box.tool("srv", type="mcp", provides=mcp("tool_01"), mcp_start="late-deaf-server")
    result = box.verify("srv", "--timeout", "2")
    assert result.exit_code == 1
    (server,) = result.json()["mcp"]["results"]
    assert server["error"] == "MCP server closed its stdin during start-up: not listening"


def test_a_helper_that_left_the_servers_session_is_stopped(box: Toolbox) -> None:
    from tests.test_runner import assert_process_gone

    pid_file = box.root / "pids"
    box.tool(
        "srv",
        type="mcp",
        provides=mcp("tool_01"),
        mcp_start=start("--escape-child", f"--pid-file={pid_file}", "--tools=1"),
    )
    result = box.verify("srv")
    assert result.exit_code == 0, result.output
    for pid in pid_file.read_text(encoding="utf-8").split():
        assert_process_gone(int(pid))


def test_tool_without_mcp_start_cannot_be_checked_and_fails_unless_allowed(box: Toolbox) -> None:
    # Issue 10: a declared contract that could not be checked fails verify (as the
    # TypeScript tool did); --allow-unverified makes it a warning. It was a pass before.
    box.usage("good")
    box.tool("both", type="cli+mcp", provides={**commands("good"), **mcp("tool_01")})

    result = box.cli("verify", "both")
    document = box.verify("both").json()
    allowed = box.cli("verify", "both", "--allow-unverified")
    allowed_json = box.verify("both", "--allow-unverified").json()

    assert result.exit_code == 1
    assert "no mcp_start in the manifest; 1 MCP contract not checked" in result.stderr
    assert result.stdout.splitlines()[-1].startswith("FAIL: 1 contract could not be checked")
    assert results(document)["tool_01"]["status"] == "skipped"
    assert results(document)["tool_01"]["unverified"] == (
        "no mcp_start in the manifest to start the server"
    )
    assert (document["status"], document["success"]) == ("fail", False)
    assert document["unverified"] == [
        {
            "tool": "both",
            "contractType": "mcp_tool",
            "contract": "tool_01",
            "reason": "no mcp_start in the manifest to start the server",
        }
    ]
    assert document["summary"]["unverified"] == 1
    assert allowed.exit_code == 0
    assert "1 MCP contract not checked" in allowed.stderr
    assert "PASS: 1 contract checked, all hold; 1 not checked (allowed)" in allowed.stdout
    assert (allowed_json["status"], allowed_json["unverified"][0]["contract"]) == (
        "pass",
        "tool_01",
    )
    with box.conn() as conn:
        (run,) = runs.list_runs_of(conn, tool_id="both", limit=1)
    assert (run.cli_passed, run.mcp_skipped, run.status) == (1, 1, "pass")
    assert box.contract("both", "tool_01").status == "unknown"


def test_cli_only_and_quick_never_start_the_server(box: Toolbox) -> None:
    pid_file = box.root / "server.pid"
    box.usage("good")
    box.tool(
        "both",
        type="cli+mcp",
        provides={**commands("good"), **mcp("tool_01")},
        mcp_start=start(f"--pid-file={pid_file}"),
    )

    cli_only = box.verify("both", "--cli-only")
    quick = box.verify("both", "--quick", "--mcp-only")

    assert cli_only.exit_code == quick.exit_code == 0
    assert "mcp" not in cli_only.json()
    assert results(quick.json())["tool_01"]["message"].startswith("server command found: ")
    assert "cli" not in quick.json()
    assert not pid_file.exists()
