"""pai-deps's own output has a schema, and its real output keeps to it.

Every command in the catalog has an invocation here that runs it for real against the
example ecosystem; its `--json` document must validate against the command's schema.
A command added to the catalog without an invocation fails the first test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from pai_deps.results.catalog import OUTPUTS, all_schema_files, output_schema, schema_file
from tests.conftest import Cli

ROOT = Path(__file__).resolve().parent.parent

# command -> (arguments after `--json`, the exit code it answers with); they run in the
# copy of the example ecosystem (`{examples}`, a git repository, already synced), its
# executables on PATH.
INVOCATIONS: dict[str, tuple[list[str], int]] = {
    "error": (["show", "no-such-tool"], 1),
    "list": (["list"], 0),
    "show": (["show", "email"], 0),
    "register": (["register", "{examples}/email"], 0),
    "unregister": (["unregister", "briefing-hook"], 0),
    "stubs prune": (["stubs", "prune"], 0),
    "cycles": (["cycles"], 0),
    "cycles resolve": (["cycles", "resolve", "1"], 0),
    "schema": (["schema"], 0),
    "db path": (["db", "path"], 0),
    "db status": (["db", "status"], 0),
    "db check": (["db", "check"], 0),
    "db migrate": (["db", "migrate"], 0),
    "db backup": (["db", "backup", "{tmp}/backup.db"], 0),
    "db copy": (["db", "copy", "{db}", "{tmp}/copy.db"], 0),
    "init": (["init", "{examples}/ical", "--dry-run", "--analyze"], 0),
    "discover": (["discover", "{examples}"], 0),
    "sync": (["sync", "{examples}"], 0),
    "deps": (["deps", "daily-briefing", "-t"], 0),
    "rdeps": (["rdeps", "email"], 0),
    "affected": (["affected", "pii"], 0),
    "path": (["path", "kai-launcher", "pii"], 0),
    "allpaths": (["allpaths", "kai-launcher", "pii"], 0),
    "chain-reliability": (["chain-reliability", "--all"], 1),
    "blast-radius": (["blast-radius", "email"], 0),
    "consumers": (["consumers", "email"], 0),
    "check": (["check", "{examples}"], 0),
    "can-i-ship": (["can-i-ship", "email"], 0),
    "debt": (["debt", "--min", "0"], 0),
    "health": (["health"], 1),
    "report": (["report"], 0),
    "graph": (["graph", "--format", "json"], 0),
    "speckit context": (["speckit", "context", "email"], 0),
    "speckit failures": (["speckit", "failures", "meeting-intelligence"], 0),
    "ping": (["ping"], 0),
    "verify": (["verify", "--all"], 0),
    "drift": (["drift", "--all"], 0),
    "verify-output": (
        [
            "verify-output",
            "ical",
            "ical list --json [--days]",
            "-f",
            "{examples}/ical/schemas/events.json",
        ],
        1,
    ),
    "verify-history": (["verify-history", "email"], 0),
    "verify-history --contract": (["verify-history", "email", "-c", "email_search"], 0),
    "ci affected": (["ci", "affected", "ical/pai-manifest.yaml", "ical/schemas/events.json"], 0),
    "ci check": (["ci", "check", "--quick"], 0),
    "hook install": (["hook", "install"], 0),
    "hook uninstall": (["hook", "uninstall"], 0),
    "hook status": (["hook", "status"], 0),
}

# Other shapes of the same documents: (command, arguments after `--json`, exit code).
MORE_INVOCATIONS: list[tuple[str, list[str], int]] = [
    ("deps", ["deps", "email"], 0),
    ("path", ["path", "pii", "email"], 1),
    ("allpaths", ["allpaths", "pii", "email"], 1),
    ("chain-reliability", ["chain-reliability", "email"], 0),
    ("graph", ["graph", "--format", "mermaid", "--focus", "email"], 0),
    ("graph", ["graph"], 0),
    ("graph", ["graph", "--format", "html", "--focus", "email"], 0),
    ("report", ["report", "--format", "html"], 0),
    ("show", ["show", "tana-api"], 0),
    ("unregister", ["unregister", "pii", "--force"], 0),
    ("schema", ["schema", "--output", "list"], 0),
    ("init", ["init", "{examples}/ical", "--dry-run"], 0),
    ("sync", ["sync", "{examples}", "--dry-run", "--prune"], 0),
    ("consumers", ["consumers", "email", "email search <query> --json", "--field", "/total"], 0),
    ("affected", ["affected", "email", "--field", "/messages/*/id"], 0),
    ("blast-radius", ["blast-radius", "email", "--contract", "email search <query> --json"], 0),
]


def test_every_command_in_the_catalog_is_exercised_here() -> None:
    assert set(INVOCATIONS) == set(OUTPUTS)


def test_docs_json_is_up_to_date() -> None:
    generated = all_schema_files()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "docs/json").glob("*.json")}
    assert on_disk == generated, "docs/json is stale: run python -m pai_deps.results"


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("schemas") / "examples"
    shutil.copytree(ROOT / "examples", copy)
    subprocess.run(["git", "init", "-q", str(copy)], check=True, timeout=30)
    return copy


@pytest.mark.parametrize(
    ("command", "args", "expected_exit"),
    [(command, *INVOCATIONS[command]) for command in sorted(INVOCATIONS)] + MORE_INVOCATIONS,
)
def test_real_output_validates_against_its_schema(
    cli: Cli,
    examples: Path,
    db_target: str,
    tmp_path: Path,
    command: str,
    args: list[str],
    expected_exit: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = os.pathsep.join([str(examples / "bin"), str(Path(sys.executable).parent)])
    monkeypatch.setenv("PATH", f"{path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.chdir(examples)
    assert cli("-q", "sync", str(examples)).exit_code == 0
    places = {"{examples}": str(examples), "{db}": db_target, "{tmp}": str(tmp_path)}
    for placeholder, value in places.items():
        args = [arg.replace(placeholder, value) for arg in args]
    result = cli("--json", *args)
    assert result.exit_code == expected_exit, result.output
    jsonschema.Draft202012Validator(output_schema(command)).validate(result.json())


def test_schema_output_prints_the_published_schema(cli: Cli) -> None:
    result = cli("schema", "--output", "list")
    assert result.exit_code == 0
    published = (ROOT / "docs/json" / schema_file("list")).read_text(encoding="utf-8")
    assert json.loads(result.stdout) == json.loads(published)


def test_schema_output_of_an_unknown_command_is_misuse_with_a_suggestion(cli: Cli) -> None:
    result = cli("schema", "--output", "lst")
    assert result.exit_code == 2
    assert "did you mean 'list'" in result.stderr
