"""Things a person trips over first: mistyped names, `-V`, `help [COMMAND]`, the help text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import Cli, run_pai_deps
from tests.helpers import write_tool


@pytest.fixture
def registered(tmp_path: Path, subprocess_cli: Cli) -> Cli:
    root = tmp_path / "eco"
    write_tool(root, "Tana-Sync")
    write_tool(root, "email")
    assert subprocess_cli("sync", str(root)).exit_code == 0
    return subprocess_cli


def test_a_mistyped_tool_name_suggests_the_nearest_registered_ones(registered: Cli) -> None:
    case_only = registered("show", "tana-sync")
    typo = registered("--json", "deps", "emial")
    unknown = registered("show", "nope")

    assert case_only.exit_code == 1
    assert case_only.stderr == "Error: Tool 'tana-sync' not found. Did you mean 'Tana-Sync'?\n"
    assert typo.exit_code == 1
    assert typo.json()["suggestions"] == ["email"]
    assert typo.json()["error"] == "Tool 'emial' not found. Did you mean 'email'?"
    assert unknown.stderr == "Error: Tool 'nope' not found\n"
    assert "suggestions" not in registered("--json", "show", "nope").json()


def test_dash_capital_v_prints_the_version() -> None:
    from pai_deps import __version__

    short, long = run_pai_deps("-V"), run_pai_deps("--version")
    assert (short.exit_code, short.stdout) == (0, f"pai-deps {__version__}\n")
    assert short.stdout == long.stdout


def test_help_command_shows_a_commands_help_and_never_suggests_health() -> None:
    listed = run_pai_deps("help", "list")
    nested = run_pai_deps("help", "cycles", "resolve")
    main = run_pai_deps("help")
    typo = run_pai_deps("help", "lsit")

    assert listed.exit_code == 0 and listed.stderr == ""
    assert listed.stdout.startswith("Usage: pai-deps list [OPTIONS]")
    assert "health" not in listed.output
    assert nested.exit_code == 0 and "Usage: pai-deps cycles resolve [OPTIONS] CYCLE_ID" in (
        nested.stdout
    )
    assert main.exit_code == 0 and main.stdout == run_pai_deps("--help").stdout
    assert typo.exit_code == 2
    assert typo.stderr == "Error: No such command 'lsit'. Did you mean 'list'?\n"


METAVAR_NOISE = re.compile(r"<[a-z][\w\[\], |]*>|\{[a-z_]+\}")


def test_main_help_reads_like_a_man_page() -> None:
    """Whole first sentences (never cut at `e.g.`), no typer type metavars."""
    result = run_pai_deps("--help")

    assert result.exit_code == 0
    text = result.stdout
    assert METAVAR_NOISE.search(text) is None, METAVAR_NOISE.search(text)
    assert "..." not in text.split("Commands:")[1]
    commands = " ".join(text.split("Commands:")[1].split())
    assert "verify-output Validate a JSON document against a contract's schema " in commands
    assert "help Show the help of pai-deps or of one command" in commands


def _all_commands() -> list[list[str]]:
    import typer.main

    from pai_deps.cli import app

    found: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            found.append([*path, name])
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


@pytest.mark.parametrize("command", _all_commands(), ids=" ".join)
def test_no_command_help_shows_typer_metavars(cli: Cli, command: list[str]) -> None:
    result = cli(*command, "--help")
    assert result.exit_code == 0, result.output
    assert METAVAR_NOISE.search(result.stdout) is None, METAVAR_NOISE.search(result.stdout)
    assert "x>=" not in result.stdout and "<=x" not in result.stdout  # ranges in words
    usage = result.stdout.splitlines()[0]
    assert usage.startswith(f"Usage: pai-deps {' '.join(command)}")
