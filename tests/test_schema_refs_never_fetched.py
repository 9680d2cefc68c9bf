"""Issue 9, item 2: a schema's `$ref` never makes pai-deps fetch a URL or read a file
outside the schema's folder, in register, drift, verify and verify-output.

A real HTTP server listens on 127.0.0.1 in a thread for the whole test and must receive
no request at all.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests.conftest import Cli
from tests.test_verify_cli import Toolbox, make_box

SERVER = Path(__file__).parent / "mcp_servers" / "configurable_server.py"


class _Recorder(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]]  # each server gets its own list (see `web`)

    def do_GET(self) -> None:  # the schema a naive resolver would fetch
        type(self).requests.append(self.path)
        body = json.dumps({"type": "string"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def web() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on 127.0.0.1: (base URL, the requests it received)."""
    requests: list[str] = []
    handler = type("Handler", (_Recorder,), {"requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def box(tmp_path: Path, cli: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Toolbox:
    return make_box(tmp_path, cli, db_path, monkeypatch)


def remote(url: str) -> dict[str, Any]:
    return {"type": "object", "properties": {"id": {"$ref": f"{url}/id.json"}}}


def test_the_recording_server_really_answers(web: tuple[str, list[str]]) -> None:
    from urllib.request import urlopen

    url, requests = web
    with urlopen(f"{url}/probe.json", timeout=5) as response:
        assert json.loads(response.read()) == {"type": "string"}
    assert requests == ["/probe.json"]


def test_register_refuses_a_remote_ref_without_fetching(
    box: Toolbox, web: tuple[str, list[str]]
) -> None:
    url, requests = web
    directory = box.tool(
        "t",
        provides={"cli": [{"command": "t --json", "output_schema": "out.json"}]},
        schemas={"out.json": remote(url)},
        register=False,
    )

    result = box.cli("--json", "register", str(directory))

    assert result.exit_code == 1
    (issue,) = result.json()["issues"]
    assert issue["path"] == "provides.cli[0].output_schema"
    assert "points to a remote URL" in issue["message"] and "nothing is fetched" in issue["message"]
    assert requests == []


def test_drift_verify_output_and_verify_never_fetch(
    box: Toolbox, web: tuple[str, list[str]]
) -> None:
    url, requests = web
    served = json.dumps(remote(url))
    start = shlex.join([sys.executable, str(SERVER), "--tools=1", f"--schema=tool_01={served}"])
    directory = box.tool(
        "t",
        type="cli+mcp",
        provides={
            "cli": [{"command": "t --json", "output_schema": "out.json"}],
            "mcp": [{"tool": "tool_01", "schema": "in.json"}],
        },
        schemas={"out.json": {"type": "object"}, "in.json": {"type": "object"}},
        mcp_start=start,
    )
    (directory / "out.json").write_text(json.dumps(remote(url)))

    drift = box.cli("--json", "drift", "t")
    output = box.cli("--json", "verify-output", "t", "t --json", input='{"id": "x"}')
    verify = box.cli("--json", "verify", "t", "--mcp-only")

    assert drift.exit_code == 1
    (contract,) = [c for c in drift.json()["tools"][0]["contracts"] if c["contract"] == "t --json"]
    assert contract["status"] == "error" and "points to a remote URL" in contract["error"]
    assert output.exit_code == 1 and output.json()["code"] == "external_ref"
    assert verify.exit_code == 1
    (entry,) = verify.json()["mcp"]["results"][0]["results"]
    assert "the server's input schema" in entry["error"] and "remote URL" in entry["error"]
    assert requests == []


@pytest.mark.parametrize("kind", ["file-url", "absolute", "parent"])
def test_refs_to_files_elsewhere_are_refused_unread(
    box: Toolbox, tmp_path: Path, kind: str
) -> None:
    # A FIFO blocks whoever opens it: reading it would hang the command, not fail it.
    trap = tmp_path / "trap.json"
    os.mkfifo(trap)
    ref = {"file-url": trap.as_uri(), "absolute": str(trap), "parent": "../../trap.json"}[kind]
    directory = box.tool(
        "t",
        provides={"cli": [{"command": "t --json", "output_schema": "out.json"}]},
        schemas={"out.json": {"type": "object"}},
    )
    (directory / "out.json").write_text(json.dumps({"$ref": ref}))

    drift = box.cli("--json", "drift", "t")
    output = box.cli("--json", "verify-output", "t", "t --json", input="{}")

    (contract,) = drift.json()["tools"][0]["contracts"]
    assert contract["status"] == "error"
    assert "points to" in contract["error"] and "nothing is fetched" in contract["error"]
    assert output.json()["code"] == "external_ref"


def test_a_file_next_to_the_schema_is_followed(box: Toolbox) -> None:
    directory = box.tool(
        "t",
        provides={"cli": [{"command": "t --json", "output_schema": "schemas/out.json"}]},
        schemas={
            "schemas/out.json": {"type": "object", "properties": {"id": {"$ref": "id.json"}}},
            "schemas/id.json": {"type": "string", "minLength": 2},
        },
    )

    good = box.cli("verify-output", "t", "t --json", input='{"id": "ab"}')
    bad = box.cli("verify-output", "t", "t --json", input='{"id": "a"}')
    (directory / "schemas" / "id.json").write_text(json.dumps({"type": "integer"}))
    drift = box.cli("--json", "drift", "t")

    assert good.exit_code == 0, good.output
    assert bad.exit_code == 1 and "/id: " in bad.stdout
    (contract,) = drift.json()["tools"][0]["contracts"]
    # The baseline holds the referenced file as it was: its change is drift, found by pointer.
    assert (contract["status"], contract["severity"]) == ("drift", "breaking")
    assert contract["changes"][0]["pointer"] == "/properties/id/type"
