"""The MCP stdio client against real SDK servers started as subprocesses.

Every server is `tests/mcp_servers/configurable_server.py`, run with `sys.executable`;
its flags say how it misbehaves. Timing bounds use time.monotonic around the call.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pai_deps.errors import PaiDepsError
from pai_deps.verify.mcp_client import McpError, McpListing, list_server_tools

SERVER = Path(__file__).parent / "mcp_servers" / "configurable_server.py"
DEFAULT_SCHEMA = {
    "type": "object",
    "properties": {"query": {"type": "string"}},
    "required": ["query"],
}


def server(*flags: str) -> list[str]:
    return [sys.executable, str(SERVER), *flags]


def listing(
    *flags: str,
    cwd: Path | None = None,
    timeout: float = 10.0,
    env: dict[str, str] | None = None,
) -> McpListing:
    return list_server_tools(
        server(*flags), cwd=cwd or Path(__file__).parent, timeout=timeout, env=env
    )


def is_gone(pid: int) -> bool:
    """Dead for good: no such process, or a zombie whose reaping is init's business."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def test_multi_page_listing_returns_every_tool_in_order_with_schemas() -> None:
    changed = {"type": "object", "properties": {"limit": {"type": "integer"}}}
    output = {"type": "object", "properties": {"hits": {"type": "array"}}}

    result = listing(
        "--tools=7",
        "--page-size=3",
        f"--schema=tool_02={json.dumps(changed)}",
        f"--output-schema=tool_05={json.dumps(output)}",
        "--resources=5",
    )

    assert [tool.name for tool in result.tools] == [f"tool_{i:02d}" for i in range(1, 8)]
    assert result.pages == 3
    assert result.tools[1].input_schema == changed
    assert all(
        tool.input_schema == DEFAULT_SCHEMA for tool in result.tools if tool.name != "tool_02"
    )
    assert result.tools[4].output_schema == output
    assert result.tools[0].output_schema is None
    assert result.tools[0].description == "The tool_01 tool."
    assert (result.server_name, result.server_version) == ("configurable-test-server", "1.2.3")
    # The SDK server speaks the stateless revision, so `server/discover` wins.
    assert result.protocol_version == "2026-07-28"
    assert [resource.name for resource in result.resources] == [f"res_{i:02d}" for i in range(1, 6)]
    assert result.resources[0].uri == "test://res/01"
    assert result.resource_pages == 2
    assert result.warnings == []


def test_handshake_only_server_is_listed_through_the_initialize_fallback() -> None:
    result = listing("--legacy", "--tools=3", "--omit=tool_02", "--extra=zeta", "--page-size=2")

    assert result.protocol_version == "2025-11-25"
    assert [tool.name for tool in result.tools] == ["tool_01", "tool_03", "zeta"]
    assert result.pages == 2
    assert result.server_name == "configurable-test-server"
    assert result.resources == []
    assert result.resource_pages == 0


@pytest.mark.parametrize(
    "flags",
    [
        pytest.param(["--mode=hang"], id="reads-stdin-never-answers"),
        pytest.param(
            ["--mode=sleep", "--ignore-sigterm", "--spawn-child"], id="stuck-before-init-with-child"
        ),
    ],
)
def test_silent_server_times_out_within_a_second_and_leaves_no_process(
    flags: list[str], tmp_path: Path
) -> None:
    pid_file = tmp_path / "pids"
    started = time.monotonic()

    with pytest.raises(McpError) as caught:
        listing(*flags, f"--pid-file={pid_file}", timeout=1.0)

    elapsed = time.monotonic() - started
    assert caught.value.message == "MCP server did not answer within 1.0 s"
    assert 1.0 <= elapsed < 2.0
    pids = [int(pid) for pid in pid_file.read_text(encoding="utf-8").split()]
    assert len(pids) == (2 if "--spawn-child" in flags else 1)
    # The server was our child: it must be reaped, not merely dead.
    with pytest.raises(ProcessLookupError):
        os.kill(pids[0], 0)
    assert all(is_gone(pid) for pid in pids)


def test_early_exit_reports_the_exit_code_and_last_stderr_line(
    capfd: pytest.CaptureFixture[str],
) -> None:
    started = time.monotonic()

    with pytest.raises(McpError) as caught:
        listing("--mode=exit", "--exit-code=3", timeout=5.0)

    assert caught.value.message == (
        "MCP server exited with code 3 during start-up: fatal: cannot open the configuration"
    )
    assert caught.value.details["exit_status"] == 3
    assert time.monotonic() - started < 2.0
    # The server's stderr was captured, not passed through to ours.
    assert capfd.readouterr().err == ""


def test_exit_code_is_reported_even_when_a_child_keeps_stdout_open(tmp_path: Path) -> None:
    pid_file = tmp_path / "pids"
    started = time.monotonic()

    with pytest.raises(McpError) as caught:
        listing("--mode=exit", "--spawn-child", f"--pid-file={pid_file}", timeout=1.0)

    assert time.monotonic() - started < 2.0
    assert caught.value.message == (
        "MCP server exited with code 3 during start-up: fatal: cannot open the configuration"
    )
    assert all(is_gone(int(pid)) for pid in pid_file.read_text(encoding="utf-8").split())


def test_helpers_a_healthy_server_leaves_behind_are_stopped(tmp_path: Path) -> None:
    pid_file = tmp_path / "pids"

    result = listing("--spawn-child", f"--pid-file={pid_file}", "--tools=1")

    assert [tool.name for tool in result.tools] == ["tool_01"]
    assert all(is_gone(int(pid)) for pid in pid_file.read_text(encoding="utf-8").split())


def test_missing_executable_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(McpError) as caught:
        list_server_tools(["pai-deps-no-such-server", "--stdio"], cwd=tmp_path, timeout=1.0)

    assert caught.value.message == "MCP server command not found: pai-deps-no-such-server"
    assert isinstance(caught.value, PaiDepsError)
    assert caught.value.code == "mcp_error"


def test_missing_working_directory_is_reported(tmp_path: Path) -> None:
    with pytest.raises(McpError, match="working directory does not exist"):
        list_server_tools(server(), cwd=tmp_path / "gone", timeout=1.0)


def test_garbage_on_stdout_is_tolerated_but_reported() -> None:
    result = listing("--mode=garbage", "--tools=2")

    assert [tool.name for tool in result.tools] == ["tool_01", "tool_02"]
    assert result.warnings == ["server wrote non-JSON-RPC output to stdout: 'this is not JSON-RPC'"]


def test_garbage_then_silence_times_out_and_names_the_garbage() -> None:
    started = time.monotonic()

    with pytest.raises(McpError) as caught:
        listing("--mode=garbage-hang", timeout=1.0)

    assert time.monotonic() - started < 2.0
    assert caught.value.message == (
        "MCP server did not answer within 1.0 s; "
        "it wrote non-JSON-RPC output to stdout: 'this is not JSON-RPC'"
    )


def test_server_runs_in_cwd_with_our_environment_plus_overrides(tmp_path: Path) -> None:
    (tmp_path / "tools.json").write_text('["alpha", "beta"]', encoding="utf-8")

    from_cwd = listing("--tools-file=tools.json", cwd=tmp_path)
    from_env = listing("--tools-env=PAI_DEPS_TEST_TOOLS", env={"PAI_DEPS_TEST_TOOLS": "gamma"})

    assert [tool.name for tool in from_cwd.tools] == ["alpha", "beta"]
    assert [tool.name for tool in from_env.tools] == ["gamma"]


def test_a_cursor_that_never_ends_is_an_error() -> None:
    with pytest.raises(McpError) as caught:
        listing("--stuck-cursor")

    assert caught.value.message == (
        "MCP server repeated the tools/list cursor 'stuck' after 2 pages (pagination never ends)"
    )


def test_an_error_answer_names_the_request_and_the_code() -> None:
    with pytest.raises(McpError) as caught:
        listing("--list-error=database is locked")

    assert caught.value.message == (
        "MCP server answered tools/list with error -32603: database is locked"
    )


def test_timeout_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="timeout must be positive"):
        list_server_tools(server(), cwd=tmp_path, timeout=0)


def test_importing_the_module_does_not_load_the_sdk() -> None:
    probe = (
        "import sys, pai_deps.verify.mcp_client\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('mcp', 'mcp_types', 'anyio')]\n"
        "print(heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent.parent,
    )

    assert result.stdout.strip() == "[]"
