"""`verify` running the real thing for CLI contracts: `probe:`, `help:`, `--with-output`."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli
from tests.test_verify_cli import Toolbox, cli_results, make_box

SCHEMA = {
    "type": "object",
    "properties": {
        "results": {
            "type": "array",
            "items": {"type": "object", "properties": {"id": {"type": "string"}},
                      "required": ["id"]},
        },
        "count": {"type": "integer"},
    },
    "required": ["results", "count"],
}  # fmt: skip


@pytest.fixture
def box(tmp_path: Path, cli: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Toolbox:
    return make_box(tmp_path, cli, db_path, monkeypatch)


# Usage for --help anywhere on the command line.
HELP = (
    'for a in "$@"; do [ "$a" = --help ] && { echo "Usage: search QUERY [--json]"; exit 0; }; '
    "done\n"
)


def searcher(box: Toolbox, output: str, *, exit_code: int = 0) -> None:
    """`search`: usage for --help; otherwise prints `output` and exits with `exit_code`."""
    box.script("search", HELP + f"cat <<'EOF'\n{output}\nEOF\nexit {exit_code}\n")


def probed(box: Toolbox, **cli: Any) -> Path:
    entry = {"command": "search <query> --json", "output_schema": "out.json", **cli}
    return box.tool("t", provides={"cli": [entry]}, schemas={"out.json": SCHEMA})


def test_probe_output_that_matches_passes(box: Toolbox) -> None:
    searcher(box, json.dumps({"results": [{"id": "a"}], "count": 1}))
    probed(box, probe=["search", "test", "--json"])

    result = box.verify("t")

    assert result.exit_code == 0, result.output
    check = cli_results(result.json())["search <query> --json"]
    assert check["status"] == "pass"
    assert check["message"] == "usage shown; output matches the schema"
    assert check["checks"]["output"] == "pass"


def test_probe_output_problems_are_reported_by_pointer_in_numeric_order(box: Toolbox) -> None:
    rows: list[dict[str, Any]] = [{"id": "ok"}] * 12
    rows[2] = {"id": 2}
    rows[10] = {}
    searcher(box, json.dumps({"results": rows, "count": "12"}))
    probed(box, probe=["search", "test", "--json"])

    result = box.verify("t")
    human = box.cli("verify", "t")

    assert result.exit_code == human.exit_code == 1
    check = cli_results(result.json())["search <query> --json"]
    assert check["status"] == "fail"
    assert (
        check["error"] == "output breaks the schema: /count: must be integer, got string (+2 more)"
    )
    with box.conn() as conn:
        from pai_deps.repo import verifications

        contract = box.contract("t", "search <query> --json")
        (saved,) = verifications.list_contract_history(conn, contract_id=contract.id, limit=1)
    assert [p["pointer"] for p in saved.details["problems"]] == [
        "/count",
        "/results/2/id",
        "/results/10",
    ]
    assert saved.details["probeArgv"] == ["search", "test", "--json"]
    assert "output breaks the schema: /count" in human.stdout


@pytest.mark.parametrize(
    ("output", "exit_code", "message"),
    [
        (
            "not json at all",
            0,
            "output is not JSON: Invalid JSON in the output of `search test --json` (line 1, "
            "column 1)",
        ),
        ('{"results": [], "count": 0}', 3, "probe exited with code 3"),
    ],
)
def test_probe_that_fails_or_prints_no_json_fails(
    box: Toolbox, output: str, exit_code: int, message: str
) -> None:
    searcher(box, output, exit_code=exit_code)
    probed(box, probe=["search", "test", "--json"])

    result = box.verify("t")

    assert result.exit_code == 1
    assert cli_results(result.json())["search <query> --json"]["error"].startswith(message)


def test_a_hanging_probe_is_killed_at_the_timeout(box: Toolbox) -> None:
    box.script("search", HELP + "sleep 30 &\nwait\n")
    probed(box, probe=["search", "test"])

    started = time.monotonic()
    result = box.verify("t", "--timeout", "1")

    assert time.monotonic() - started < 4
    assert cli_results(result.json())["search <query> --json"]["error"] == (
        "probe gave no answer within 1 s (killed)"
    )


def test_a_probe_is_an_argument_list_never_a_shell(box: Toolbox) -> None:
    marker = box.root / "owned"
    box.script("search", HELP + 'printf \'{"results": [], "count": 0}\'\n')
    probed(box, probe=["search", f"x; touch {marker}", f"$(touch {marker})"])

    result = box.verify("t")

    assert result.exit_code == 0, result.output
    assert not marker.exists()


def test_probe_runs_in_the_tool_directory(box: Toolbox) -> None:
    box.script("search", HELP + 'pwd > probe-ran-here\nprintf \'{"results": [], "count": 0}\'\n')
    directory = probed(box, probe=["search", "x"])

    assert box.verify("t").exit_code == 0
    assert (directory / "probe-ran-here").read_text().strip() == str(directory)


def test_without_a_probe_it_says_only_the_help_was_checked(box: Toolbox) -> None:
    searcher(box, "unused")
    probed(box)

    human = box.cli("verify", "t")

    assert human.exit_code == 0
    assert "help text only (declare `probe:` to check the output)" in human.stdout


def test_missing_output_schema_with_a_probe_is_unverified(box: Toolbox) -> None:
    searcher(box, json.dumps({"results": [], "count": 0}))
    directory = probed(box, probe=["search", "x"])
    (directory / "out.json").unlink()

    result = box.verify("t")
    allowed = box.verify("t", "--allow-unverified")

    assert result.exit_code == 1
    document = result.json()
    assert document["unverified"] == [
        {
            "tool": "t",
            "contractType": "cli_output",
            "contract": "search <query> --json",
            "reason": f"schema file not found: {directory / 'out.json'}",
        }
    ]
    assert allowed.exit_code == 0 and allowed.json()["status"] == "skip"


def test_declared_help_arguments_replace_help(box: Toolbox) -> None:
    # Like `ip addr help`: usage on stderr, exit status 255, and no --help at all.
    box.script(
        "tool",
        'if [ "$1" = help ]; then echo "Usage: tool {add|show}" >&2; exit 255; fi\n'
        'echo "unknown option $1" >&2; exit 1\n',
    )
    box.tool("t", provides={"cli": [{"command": "tool", "help": ["help"]}]})
    box.tool("u", provides={"cli": [{"command": "tool"}]})

    declared = box.verify("t")
    default = box.verify("u")

    assert declared.exit_code == 0, declared.output
    assert cli_results(declared.json())["tool"]["message"].startswith("usage shown")
    assert default.exit_code == 1
    assert (
        cli_results(default.json())["tool"]["error"]
        == "--help exited with code 1: unknown option --help"
    )


def test_help_false_checks_that_the_program_exists(box: Toolbox) -> None:
    box.script("quiet", "exit 1\n")
    box.tool("t", provides={"cli": [{"command": "quiet", "help": False},
                                    {"command": "ghost", "help": False}]})  # fmt: skip

    result = box.verify("t")

    checks = cli_results(result.json())
    assert checks["quiet"]["status"] == "pass"
    assert "has no help to check" in checks["quiet"]["message"]
    assert checks["ghost"]["error"] == "command not found: ghost"


def test_with_output_validates_a_captured_document_instead_of_probing(box: Toolbox) -> None:
    marker = box.root / "probe-ran"
    box.script("search", HELP + f'touch "{marker}"\n')
    probed(box, probe=["search", "x"])
    good = box.root / "good.json"
    good.write_text(json.dumps({"results": [{"id": "a"}], "count": 1}))
    bad = box.root / "bad.json"
    bad.write_text(json.dumps({"results": [{"id": 1}], "count": 1}))

    passing = box.verify("t", "--with-output", str(good))
    failing = box.verify("t", "--with-output", str(bad))

    assert passing.exit_code == 0, passing.output
    assert not marker.exists()
    assert cli_results(passing.json())["search <query> --json"]["message"].endswith(
        "output matches the schema"
    )
    assert failing.exit_code == 1
    assert cli_results(failing.json())["search <query> --json"]["error"] == (
        "output breaks the schema: /results/0/id: must be string, got integer"
    )
    assert "mcp" not in passing.json()


def test_with_output_needs_one_cli_contract(box: Toolbox) -> None:
    box.usage("a")
    box.usage("b")
    box.tool("t", provides={"cli": [{"command": "a"}, {"command": "b"}]})
    document = box.root / "doc.json"
    document.write_text("{}")

    ambiguous = box.cli("verify", "t", "--with-output", str(document))
    everything = box.cli("verify", "--all", "--with-output", str(document))
    named = box.cli("verify", "t", "--contract", "a", "--with-output", str(document))

    assert ambiguous.exit_code == everything.exit_code == 2
    assert "has 2 CLI contracts: name one with --contract" in ambiguous.stderr
    assert named.exit_code == 0  # no output_schema: the document only has to be JSON


@pytest.mark.skipif(shutil.which("ip") is None, reason="iproute2's `ip` is not installed")
def test_a_real_cli_without_help_and_with_a_probe(
    box: Toolbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ip -j addr` (iproute2) has no --help; `ip -j addr help` prints usage and exits 255."""
    schema = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "ifname": {"type": "string"},
                "mtu": {"type": "integer", "minimum": 0},
                "addr_info": {"type": "array", "items": {"type": "object"}},
            },
            "required": ["ifname"],
        },
    }
    box.tool(
        "iproute",
        provides={"cli": [{"command": "ip -j addr", "help": ["help"],
                           "probe": ["ip", "-j", "addr", "show", "lo"],
                           "output_schema": "addr.json"}]},
        schemas={"addr.json": schema},
    )  # fmt: skip
    ip_dir = str(Path(shutil.which("ip") or "/usr/sbin/ip").parent)
    monkeypatch.setenv("PATH", f"{box.bin}:{ip_dir}:/usr/bin:/bin")

    result = box.verify("iproute")

    assert result.exit_code == 0, result.output
    assert cli_results(result.json())["ip -j addr"]["message"] == (
        "usage shown; output matches the schema"
    )


def test_a_contract_registered_without_its_schema_file_is_not_checked(box: Toolbox) -> None:
    # Register stores it with status `unknown` and the reason; verify must not vouch for it.
    searcher(box, "unused")
    directory = box.tool(
        "t", provides={"cli": [{"command": "search <query> --json", "output_schema": "out.json"}]}
    )
    assert not (directory / "out.json").exists()

    result = box.verify("t")

    assert result.exit_code == 1
    (unchecked,) = result.json()["unverified"]
    assert unchecked["reason"] == f"schema file not found: {directory / 'out.json'}"
    assert box.contract("t", "search <query> --json").status == "unknown"
