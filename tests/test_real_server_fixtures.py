"""A real PyPI MCP server's upgrade: `mcp-server-fetch` 2025.4.7 -> 2026.10.24.

The fixtures are the two releases' real `tools/list` (tests/fixtures/mcp_server_fetch/
README.md says how they were captured). A manifest written from the older release's
input schema must drift to the newer one as compatible or cosmetic, never breaking, and
`verify` against a server offering the newer schema must pass.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli
from tests.test_verify_cli import Toolbox, make_box

FIXTURES = Path(__file__).parent / "fixtures" / "mcp_server_fetch"
SERVER = Path(__file__).parent / "mcp_servers" / "configurable_server.py"


def listing(release: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / f"{release}.tools-list.json").read_text()))


@pytest.fixture
def box(tmp_path: Path, cli: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Toolbox:
    return make_box(tmp_path, cli, db_path, monkeypatch)


def test_the_fixtures_are_the_fetch_tool_of_each_release() -> None:
    old, new = listing("2025.4.7"), listing("2026.10.24")
    assert [t["name"] for t in old["tools"]] == [t["name"] for t in new["tools"]] == ["fetch"]
    assert old["tools"][0]["inputSchema"]["properties"]["max_length"]["exclusiveMinimum"] == 0
    assert new["tools"][0]["inputSchema"]["properties"]["max_length"]["minimum"] == 1
    assert new["server"]["version"] == "2026.10.24"


def test_drift_from_the_older_release_to_the_newer_is_not_breaking(box: Toolbox) -> None:
    (old,) = listing("2025.4.7")["tools"]
    (new,) = listing("2026.10.24")["tools"]
    directory = box.tool(
        "fetch",
        type="mcp",
        provides={"mcp": [{"tool": "fetch", "schema": "fetch.input.json"}]},
        schemas={"fetch.input.json": old["inputSchema"]},
    )
    (directory / "fetch.input.json").write_text(json.dumps(new["inputSchema"]))

    result = box.cli("--json", "drift", "fetch")

    assert result.exit_code == 0, result.output
    (contract,) = result.json()["tools"][0]["contracts"]
    assert contract["status"] == "drift"
    assert contract["severity"] in ("compatible", "cosmetic")
    assert {c["severity"] for c in contract["changes"]} <= {"compatible", "cosmetic"}
    assert contract["severity"] == "cosmetic"  # exactly: same calls valid, annotations differ


def test_verify_against_a_server_offering_the_newer_release_passes(box: Toolbox) -> None:
    (old,) = listing("2025.4.7")["tools"]
    directory = box.tool(
        "fetch",
        type="mcp",
        provides={"mcp": [{"tool": "fetch", "schema": "fetch.input.json"}]},
        schemas={"fetch.input.json": old["inputSchema"]},
        mcp_start=shlex.join([sys.executable, str(SERVER), "--tools-json=served.json"]),
        register=False,
    )
    (directory / "served.json").write_text(json.dumps(listing("2026.10.24")["tools"]))
    assert box.cli("register", str(directory)).exit_code == 0

    result = box.verify("fetch")

    assert result.exit_code == 0, result.output
    (server,) = result.json()["mcp"]["results"]
    (entry,) = server["results"]
    assert (entry["status"], entry["outcome"]) == ("found", "pass")
    assert entry["message"] == "listed; input schema matches (annotations differ)"
