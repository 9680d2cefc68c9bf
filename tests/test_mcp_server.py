"""`pai-deps mcp`: started as a real subprocess and driven with the MCP SDK's own client.

Every tool is called against the example ecosystem; its structured content is validated
against the outputSchema it declared and compared with what `--json` prints for the
same question (one model for both). Errors are tool errors with the CLI's messages and
codes, and the server keeps answering; another process writing the registry is seen by
the next call; the writing tools exist only with --allow-write.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import jsonschema
import pytest

from tests.conftest import REPO_ROOT, Cli
from tests.helpers import dep, write_tool

READ_TOOLS = [
    "list",
    "show",
    "deps",
    "rdeps",
    "affected",
    "path",
    "allpaths",
    "chain_reliability",
    "blast_radius",
    "consumers",
    "can_i_ship",
    "debt",
    "health",
    "drift",
    "ci_affected",
]
# tool -> (its arguments, the CLI command line asking the same question)
CALLS: dict[str, tuple[dict[str, Any], list[str]]] = {
    "list": ({"type": "cli"}, ["list", "--type", "cli"]),
    "show": ({"tool": "email"}, ["show", "email"]),
    "deps": ({"tool": "daily-briefing", "transitive": True}, ["deps", "daily-briefing", "-t"]),
    "rdeps": ({"tool": "pii", "depth": 1}, ["rdeps", "pii", "-d", "1"]),
    "affected": (
        {"tool": "email", "skip_optional": True, "contract": "email search <query> --json"},
        ["affected", "email", "--skip-optional", "--contract", "email search <query> --json"],
    ),
    "path": ({"from": "kai-launcher", "to": "pii"}, ["path", "kai-launcher", "pii"]),
    "allpaths": (
        {"from": "kai-launcher", "to": "pii", "limit": 2},
        ["allpaths", "kai-launcher", "pii", "-l", "2"],
    ),
    "chain_reliability": (
        {"all": True, "min": 0.5, "observed": True, "runs": 5},
        ["chain-reliability", "--all", "-m", "0.5", "--observed", "--runs", "5"],
    ),
    "blast_radius": (
        {"tool": "email", "fail_on": "low"},
        ["blast-radius", "email", "--fail-on", "low"],
    ),
    "consumers": (
        {"tool": "email", "field": "/messages/*/subject"},
        ["consumers", "email", "--field", "/messages/*/subject"],
    ),
    "can_i_ship": ({"tool": "email"}, ["can-i-ship", "email"]),
    "debt": ({"min": 0}, ["debt", "--min", "0"]),
    "health": ({}, ["health"]),
    "drift": ({"all": True}, ["drift", "--all"]),
    "ci_affected": (
        {"files": ["email/server.py", "README.md"], "explain": True, "directory": "{eco}"},
        ["ci", "affected", "--files", "email/server.py", "README.md", "--explain"],
    ),
}

Session = Callable[..., Any]


@pytest.fixture
def ecosystem(tmp_path: Path, cli: Cli) -> Path:
    copy = tmp_path / "eco"
    shutil.copytree(REPO_ROOT / "examples", copy)
    assert cli("-q", "sync", str(copy)).exit_code == 0
    return copy


@asynccontextmanager
async def connected(db: str, *flags: str) -> AsyncIterator[Any]:
    """The SDK's client talking to `python -m pai_deps --db DB mcp FLAGS` over stdio.

    The server's stderr goes to a file of our own: the SDK's default (`sys.stderr` as
    it was when the SDK was first imported) may be a test runner's stand-in without a
    file descriptor, when an in-process `verify` imported the SDK first.
    """
    import tempfile

    from mcp.client.client import Client
    from mcp.client.stdio import StdioServerParameters, stdio_client

    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "pai_deps", "--db", db, "mcp", *flags],
        env=dict(os.environ),
        cwd=REPO_ROOT,
    )

    @asynccontextmanager
    async def opened(streams: Any) -> AsyncIterator[Any]:
        yield streams

    with tempfile.TemporaryFile("w+") as errlog:
        async with (
            stdio_client(params, errlog=errlog) as streams,
            Client(opened(streams), read_timeout_seconds=60) as client,
        ):
            yield client


def talk(db: str, scenario: Callable[[Any], Awaitable[None]], *flags: str) -> None:
    async def main() -> None:
        async with connected(db, *flags) as client:
            await scenario(client)

    anyio.run(main)


def structured(result: Any) -> dict[str, Any]:
    content = result.structured_content
    assert isinstance(content, dict)
    # The text block carries the same document, for clients that read only text.
    assert json.loads(result.content[0].text) == content
    return content


def test_the_read_only_tools_are_listed_with_the_commands_schemas(
    db_target: str, ecosystem: Path
) -> None:
    from pai_deps.mcpserver.tools import TOOLS
    from pai_deps.results.catalog import output_schema

    commands = {spec.name: spec.command for spec in TOOLS}

    async def scenario(client: Any) -> None:
        listed = (await client.list_tools()).tools
        assert [t.name for t in listed] == READ_TOOLS
        for tool in listed:
            assert tool.output_schema == output_schema(commands[tool.name])
            assert tool.input_schema["type"] == "object"
            assert tool.input_schema["additionalProperties"] is False
            assert tool.annotations.read_only_hint is True
            assert tool.description
        show = next(t for t in listed if t.name == "show")
        assert show.input_schema["required"] == ["tool"]
        path = next(t for t in listed if t.name == "path")
        assert set(path.input_schema["properties"]) == {"from", "to", "skip_optional"}

    talk(db_target, scenario)


def test_every_tool_answers_what_json_prints_and_fits_its_output_schema(
    db_target: str, ecosystem: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers: dict[str, dict[str, Any]] = {}
    schemas: dict[str, dict[str, Any]] = {}

    async def scenario(client: Any) -> None:
        schemas.update({t.name: t.output_schema for t in (await client.list_tools()).tools})
        for name, (arguments, _) in CALLS.items():
            given = {k: str(ecosystem) if v == "{eco}" else v for k, v in arguments.items()}
            result = await client.call_tool(name, given)
            assert result.is_error is False, (name, result.content)
            answers[name] = structured(result)

    talk(db_target, scenario)
    assert set(answers) == set(READ_TOOLS)
    monkeypatch.chdir(ecosystem)  # where `ci affected` finds the changed files
    for name, (_, command) in CALLS.items():
        jsonschema.Draft202012Validator(schemas[name]).validate(answers[name])
        printed = cli("--json", *command).json()
        if name == "show":  # the same rows, read a moment apart: identical
            assert answers[name] == printed
        assert answers[name] == printed, name
    # The negative answers are answers, not errors: success false, as --json says it.
    assert answers["blast_radius"]["success"] is False
    assert answers["health"]["status"] == "CRITICAL"


def test_failures_are_tool_errors_with_the_clis_message_and_code(
    db_target: str, ecosystem: Path, cli: Cli
) -> None:
    errors: dict[str, dict[str, Any]] = {}

    async def scenario(client: Any) -> None:
        asked = {
            "unknown tool id": ("show", {"tool": "emial"}),
            "unknown argument": ("rdeps", {"tool": "pii", "transitiv": True}),
            "missing argument": ("show", {}),
            "bad value": ("rdeps", {"tool": "pii", "depth": 0}),
            "bad type": ("list", {"type": "daemon"}),
            "conflict": ("chain_reliability", {}),
            "no such tool": ("shw", {"tool": "email"}),
        }
        for case, (name, arguments) in asked.items():
            result = await client.call_tool(name, arguments)
            assert result.is_error is True, case
            errors[case] = result.structured_content
            assert result.content[0].text == errors[case]["error"]
            assert "\n" not in errors[case]["error"]
        # The server is still there and still right.
        after = await client.call_tool("show", {"tool": "pii"})
        assert after.is_error is False
        assert structured(after)["tool"]["id"] == "pii"

    talk(db_target, scenario)
    assert errors["unknown tool id"] == cli("--json", "show", "emial").json()
    assert errors["unknown tool id"]["suggestions"] == ["email"]
    assert errors["unknown argument"]["code"] == "usage"
    assert "transitiv" in errors["unknown argument"]["error"]
    assert errors["missing argument"]["error"].startswith("show: tool: Field required")
    assert errors["bad value"]["code"] == "usage"
    assert "depth" in errors["bad value"]["error"]
    assert "type" in errors["bad type"]["error"]
    assert errors["conflict"]["code"] == "usage"
    assert errors["no such tool"] == {
        "success": False,
        "error": "No such tool 'shw'. Did you mean 'show'?",
        "code": "unknown_tool",
    }
    for document in errors.values():  # every one has the CLI's error envelope
        assert set(document) >= {"success", "error", "code"}


def test_an_unusable_registry_is_a_tool_error_on_every_call_not_the_end(
    tmp_path: Path, cli: Cli
) -> None:
    garbage = tmp_path / "not-a-registry.db"
    garbage.write_bytes(b"this is not SQLite\n" * 100)
    errors: list[Any] = []

    async def scenario(client: Any) -> None:
        assert len((await client.list_tools()).tools) == len(READ_TOOLS)
        for _ in range(2):
            result = await client.call_tool("show", {"tool": "email"})
            assert result.is_error is True
            errors.append(result.structured_content)

    talk(str(garbage), scenario)
    printed = cli("--json", "show", "email", db=garbage).json()
    assert errors == [printed, printed]
    assert garbage.read_bytes() == b"this is not SQLite\n" * 100  # changed nothing


def test_another_process_registering_is_seen_by_the_next_call(
    db_target: str, ecosystem: Path, tmp_path: Path
) -> None:
    newcomer = write_tool(tmp_path, "newcomer", depends_on=[dep("pii")])
    seen: list[Any] = []

    async def scenario(client: Any) -> None:
        before = structured(await client.call_tool("rdeps", {"tool": "pii"}))
        seen.append([d["id"] for d in before["dependents"]])
        missing = await client.call_tool("show", {"tool": "newcomer"})
        assert missing.is_error is True
        registered = await anyio.run_process(
            [sys.executable, "-m", "pai_deps", "--db", db_target, "-q", "register", str(newcomer)],
            check=False,
        )
        assert registered.returncode == 0, registered.stderr
        after = structured(await client.call_tool("rdeps", {"tool": "pii"}))
        seen.append([d["id"] for d in after["dependents"]])
        shown = structured(await client.call_tool("show", {"tool": "newcomer"}))
        seen.append(shown["tool"]["id"])

    talk(db_target, scenario)
    assert "newcomer" not in seen[0]
    assert "newcomer" in seen[1]
    assert seen[2] == "newcomer"


def test_a_registry_replaced_by_another_file_is_reopened(
    db_path: Path, ecosystem: Path, tmp_path: Path, cli: Cli
) -> None:
    other = tmp_path / "other.db"
    lone = write_tool(tmp_path, "lone")
    assert cli("-q", "register", str(lone), db=other).exit_code == 0
    seen: list[int] = []

    async def scenario(client: Any) -> None:
        seen.append(structured(await client.call_tool("list", {}))["total"])
        # A consistent copy of the other registry moved into place by rename.
        copy = tmp_path / "copy.db"
        assert cli("-q", "db", "backup", str(copy), db=other).exit_code == 0
        os.replace(copy, db_path)
        seen.append(structured(await client.call_tool("list", {}))["total"])

    talk(str(db_path), scenario)
    assert seen == [11, 1]  # ten tools and the stub tana-api; then the one


def test_resources_are_the_summary_and_each_manifest(db_target: str, ecosystem: Path) -> None:
    async def scenario(client: Any) -> None:
        from mcp.shared.exceptions import MCPError

        listed = (await client.list_resources()).resources
        uris = [str(r.uri) for r in listed]
        assert uris[0] == "pai-deps://registry"
        assert "pai-deps://tools/email/manifest" in uris
        assert len(uris) == 11  # the summary and the ten manifests (no stub: tana-api)
        summary = (await client.read_resource("pai-deps://registry")).contents[0]
        assert json.loads(summary.text)["health"]["tools"] == 10
        manifest = (await client.read_resource("pai-deps://tools/email/manifest")).contents[0]
        assert manifest.text == (ecosystem / "email" / "pai-manifest.yaml").read_text()
        assert manifest.mime_type == "application/yaml"
        for uri in ("pai-deps://tools/tana-api/manifest", "pai-deps://tools/nope/manifest"):
            with pytest.raises(MCPError) as caught:
                await client.read_resource(uri)
            assert caught.value.code == -32002
        templates = (await client.list_resource_templates()).resource_templates
        assert [t.uri_template for t in templates] == ["pai-deps://tools/{tool}/manifest"]

    talk(db_target, scenario)


def test_writing_tools_exist_only_with_allow_write(
    db_target: str, ecosystem: Path, tmp_path: Path
) -> None:
    newcomer = write_tool(tmp_path, "newcomer", depends_on=[dep("pii")])
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "pai-manifest.yaml").write_text("name: broken\ntype: nonsense\n")

    async def read_only(client: Any) -> None:
        names = [t.name for t in (await client.list_tools()).tools]
        assert "register" not in names and "sync" not in names
        refused = await client.call_tool("register", {"path": str(newcomer)})
        assert refused.is_error is True
        assert refused.structured_content == {
            "success": False,
            "error": "Tool 'register' is offered only by pai-deps mcp --allow-write",
            "code": "tool_not_offered",
        }

    async def writing(client: Any) -> None:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert {"register", "sync"} <= set(tools)
        for name in ("register", "sync"):
            assert "--allow-write" in tools[name].description
            assert tools[name].annotations.read_only_hint is False
        bad = await client.call_tool("register", {"path": str(broken)})
        assert bad.is_error is True
        assert bad.structured_content["code"] == "invalid_manifest"
        done = structured(await client.call_tool("register", {"path": str(newcomer)}))
        jsonschema.Draft202012Validator(tools["register"].output_schema).validate(done)
        shown = structured(await client.call_tool("show", {"tool": "newcomer"}))
        assert shown["dependencies"][0]["name"] == "pii"
        synced = structured(await client.call_tool("sync", {"roots": [str(ecosystem)]}))
        jsonschema.Draft202012Validator(tools["sync"].output_schema).validate(synced)

    talk(db_target, read_only)
    talk(db_target, writing, "--allow-write")


def test_verify_exists_only_with_allow_run_and_records_its_run(
    db_target: str, ecosystem: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", f"{ecosystem / 'bin'}{os.pathsep}{os.environ['PATH']}")

    async def without(client: Any) -> None:
        names = [t.name for t in (await client.list_tools()).tools]
        assert "verify" not in names

    async def running(client: Any) -> None:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert "--allow-run" in tools["verify"].description
        assert "register" not in tools  # --allow-run is not --allow-write
        result = await client.call_tool("verify", {"tool": "supertag", "cli_only": True})
        assert result.is_error is False, result.content
        doc = structured(result)
        jsonschema.Draft202012Validator(tools["verify"].output_schema).validate(doc)
        assert doc["success"] is True
        assert [t["tool"] for t in doc["tools"]] == ["supertag"]
        both = await client.call_tool("verify", {"tool": "supertag", "all": True})
        assert both.is_error is True

    talk(db_target, without)
    talk(db_target, running, "--allow-run")
    history = cli("--json", "verify-history", "supertag").json()
    assert len(history["history"]) == 1


def test_the_mcp_command_costs_other_commands_nothing() -> None:
    probe = (
        "import sys\n"
        "from pai_deps.cli.root import modules_for, register_commands\n"
        "register_commands(modules_for(['show', 'x']))\n"
        "print([m for m in sys.modules if m.split('.')[0] in ('mcp', 'mcp_types', 'anyio')"
        " or m.startswith('pai_deps.mcpserver')])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    assert result.stdout.strip() == "[]"
