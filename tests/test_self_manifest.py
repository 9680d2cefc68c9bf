"""pai-deps declares itself: its own `pai-manifest.yaml` registers, verifies and has no drift.

The contracts are the generated schemas of pai-deps's own `--json` documents, and the
probes run pai-deps for real (the `pai-deps` script beside this interpreter), so a
command whose output leaves its schema, or a schema file that moved, fails here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

import pai_deps
from pai_deps.results.catalog import all_schema_files
from tests.conftest import REPO_ROOT, CliResult, run_pai_deps

MANIFEST = REPO_ROOT / "pai-manifest.yaml"


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe").load(MANIFEST.read_text(encoding="utf-8"))
    return loaded


def commands() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = manifest()["provides"]["cli"]
    return entries


def mcp_tools() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = manifest()["provides"]["mcp"]
    return entries


@pytest.fixture
def self_registered(tmp_path: Path) -> dict[str, str]:
    """A scratch registry holding pai-deps itself; the environment its commands run in."""
    env = {
        "PAI_DEPS_DB": str(tmp_path / "registry.db"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    registered = run_pai_deps("register", str(REPO_ROOT), "--strict", env=env)
    assert registered.exit_code == 0, registered.output
    return env


def pai_deps_json(env: dict[str, str], *args: str) -> tuple[CliResult, Any]:
    result = run_pai_deps(*args, "--json", env=env, cwd=REPO_ROOT)
    assert "Traceback" not in result.stderr
    return result, result.json()


def test_the_manifest_names_this_version_and_generated_schemas() -> None:
    generated = set(all_schema_files())
    declared = manifest()
    assert declared["name"] == "pai-deps"
    assert declared["version"] == pai_deps.__version__
    schemas = [entry["output_schema"] for entry in commands()]
    assert len(schemas) == len(commands())  # every command promises its --json document
    for schema in schemas:
        assert schema.startswith("docs/json/")
        assert schema.removeprefix("docs/json/") in generated, schema
    assert sum(1 for entry in commands() if "probe" in entry) >= 4


def test_the_manifest_declares_every_read_only_tool_of_its_mcp_server() -> None:
    from pai_deps.mcpserver.tools import offered

    declared = manifest()
    assert declared["mcp_start"] == "pai-deps mcp"
    read_only = offered(allow_write=False, allow_run=False)
    assert [entry["tool"] for entry in mcp_tools()] == list(read_only)
    for entry in mcp_tools():
        spec = read_only[entry["tool"]]
        assert entry["schema"] == f"docs/mcp/{spec.name}.input.schema.json"
        assert entry["output_schema"] == f"docs/json/{spec.command.replace(' ', '-')}.schema.json"


def test_docs_mcp_is_up_to_date() -> None:
    from pai_deps.mcpserver.tools import input_schema_files

    on_disk = {p.name: p.read_text(encoding="utf-8") for p in (REPO_ROOT / "docs/mcp").glob("*")}
    assert on_disk == input_schema_files(), "docs/mcp is stale: run python -m pai_deps.mcpserver"


def test_verify_runs_pai_deps_and_checks_its_output_against_its_schemas(
    self_registered: dict[str, str],
) -> None:
    result, doc = pai_deps_json(self_registered, "verify", "pai-deps", "--cli-only")

    assert result.exit_code == 0, result.output
    assert doc["success"] is True
    assert doc["status"] == "pass"
    [tool] = doc["tools"]
    assert tool["checked"] == len(commands())
    assert (tool["passed"], tool["failed"], tool["skipped"], tool["unverified"]) == (
        len(commands()),
        0,
        0,
        0,
    )
    [cli] = doc["cli"]["results"]
    checked = {entry["command"]: entry for entry in cli["results"]}
    assert set(checked) == {entry["command"] for entry in commands()}
    for entry in commands():
        check = checked[entry["command"]]
        assert check["status"] == "pass", check
        assert check["checks"]["helpAvailable"] is True
        if "probe" in entry:  # the output itself was validated, not only the help text
            assert check["checks"]["output"] == "pass", check
            assert check["message"] == "usage shown; output matches the schema"


def test_verify_starts_pai_deps_mcp_and_finds_every_declared_tool_and_schema(
    self_registered: dict[str, str],
) -> None:
    # The server runs as mcp_start says, on the scratch registry (PAI_DEPS_DB).
    result, doc = pai_deps_json(
        self_registered, "verify", "pai-deps", "--mcp-only", "--timeout", "60"
    )

    assert result.exit_code == 0, result.output
    assert doc["success"] is True
    [tool] = doc["tools"]
    # Each tool is two contracts: its input schema and its output schema.
    assert (tool["checked"], tool["passed"], tool["failed"]) == (
        2 * len(mcp_tools()),
        2 * len(mcp_tools()),
        0,
    )
    assert tool["unverified"] == 0


def test_drift_finds_every_schema_unchanged(self_registered: dict[str, str]) -> None:
    result, doc = pai_deps_json(self_registered, "drift", "pai-deps")

    assert result.exit_code == 0, result.output
    assert doc["success"] is True
    [tool] = doc["tools"]
    statuses = {
        (entry["contractType"], entry["contract"]): entry["status"] for entry in tool["contracts"]
    }
    assert statuses == {
        **{("cli_output", entry["command"]): "unchanged" for entry in commands()},
        **{("mcp_tool", entry["tool"]): "unchanged" for entry in mcp_tools()},
        **{("mcp_output", entry["tool"]): "unchanged" for entry in mcp_tools()},
    }
