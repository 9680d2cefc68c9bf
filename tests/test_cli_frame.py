"""The CLI frame: global options anywhere, JSON envelopes, exit codes, help, colour."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pai_deps import __version__
from pai_deps.cli.global_options import hoist
from pai_deps.cli.root import COMMAND_MODULES
from tests.conftest import Cli, run_pai_deps
from tests.helpers import dep, write_tool


def test_version_and_module_entry_point(tmp_path: Path) -> None:
    result = run_pai_deps("--version", cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (0, f"pai-deps {__version__}\n")
    assert not (Path.home() / ".config" / "pai-deps").exists()  # no database touched


@pytest.mark.parametrize(
    "args",
    [
        ["--json", "db", "status"],
        ["db", "status", "--json"],
        ["db", "--json", "status"],
    ],
)
def test_global_options_before_or_after_the_command(cli: Cli, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert result.json()["success"] is True


def test_db_option_after_the_command(tmp_path: Path) -> None:
    target = tmp_path / "after.db"
    result = run_pai_deps("db", "path", "--db", str(target))
    assert result.stdout.strip() == str(target)
    equals = run_pai_deps("db", "path", f"--db={target}")
    assert equals.stdout.strip() == str(target)


def test_hoist_keeps_arguments_after_double_dash() -> None:
    args, found = hoist(["show", "--", "--json"])
    assert args == ["show", "--", "--json"]
    assert not found.json
    args, found = hoist(["list", "-vv", "--db", "x.db", "-q"])
    assert args == ["-vv", "--db", "x.db", "-q", "list"]
    assert (found.verbose, found.db, found.quiet) == (2, "x.db", True)


@pytest.mark.parametrize(
    "args",
    [
        ["init", "fresh", "--name", "--json", "--dry-run"],
        ["init", "fresh", "--name", "--dry-run"],
        ["init", "fresh", "--name", "-q"],
        ["verify", "-c", "--json"],
    ],
)
def test_an_option_missing_its_value_is_misuse_not_a_stolen_value(
    tmp_path: Path, args: list[str]
) -> None:
    """The word after an option that takes a value is that value, never hoisted; a global
    option there means the value was forgotten."""
    (tmp_path / "fresh").mkdir()
    result = run_pai_deps("--db", str(tmp_path / "r.db"), *args, cwd=tmp_path)
    assert result.exit_code == 2, result.output
    assert "needs a value" in result.output and result.output.count("\n") <= 2
    assert list((tmp_path / "fresh").iterdir()) == []


def test_option_values_that_look_like_global_options_stay_put(tmp_path: Path) -> None:
    (tmp_path / "fresh").mkdir()
    result = run_pai_deps(
        "--db", str(tmp_path / "r.db"), "init", "fresh", "--name=-q", "--dry-run", "--json",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.json()["manifest"]["name"] == "-q"
    named = run_pai_deps(
        "--db", str(tmp_path / "r.db"), "init", "fresh", "--name", "tool-x", "--json",
        "--dry-run", cwd=tmp_path,
    )  # fmt: skip
    assert named.exit_code == 0 and named.json()["manifest"]["name"] == "tool-x"
    assert list((tmp_path / "fresh").iterdir()) == []


def test_success_and_failure_envelopes_are_single_json_documents(cli: Cli) -> None:
    ok = cli("--json", "list")
    assert json.loads(ok.stdout) == {"success": True, "tools": [], "total": 0, "stubs": 0}
    missing = cli("--json", "show", "nope")
    assert missing.exit_code == 1
    assert json.loads(missing.stdout) == {
        "success": False,
        "error": "Tool 'nope' not found",
        "code": "tool_not_found",
        "tool": "nope",
    }
    assert missing.stderr == ""


def test_usage_errors_exit_2_and_are_json_under_json(cli: Cli) -> None:
    bad_option = cli("list", "--bogus")
    assert bad_option.exit_code == 2 and "No such option" in bad_option.stderr
    as_json = cli("--json", "list", "--bogus")
    assert as_json.exit_code == 2
    envelope = as_json.json()
    assert envelope["success"] is False and envelope["code"] == "usage"


def test_unknown_command_suggests_the_closest(cli: Cli) -> None:
    result = cli("lsit")
    assert result.exit_code == 2
    assert "No such command 'lsit'" in result.stderr and "Did you mean 'list'?" in result.stderr


def test_no_arguments_prints_help_with_exit_2() -> None:
    result = run_pai_deps()
    assert result.exit_code == 2
    assert "Usage: pai-deps" in result.output and "register" in result.output


def test_help_lists_the_command_groups(cli: Cli) -> None:
    text = cli("--help").stdout
    for command in ("register", "list", "show", "sync", "cycles", "stubs", "db"):
        assert f"  {command}" in text
    assert "before or after the command" in " ".join(text.split())


def test_quiet_keeps_the_answer_and_drops_chatter(tmp_path: Path, cli: Cli) -> None:
    tool = write_tool(tmp_path, "q", depends_on=[dep("ghost")])
    loud = cli("register", str(tool))
    assert loud.stdout and "Warning" in loud.stderr
    quiet = cli("-q", "register", str(tool))
    assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr == ""
    listing = cli("-q", "list").stdout
    assert listing.splitlines()[0].startswith("ID") and "tools (" not in listing


def test_no_color_anywhere(tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("register", str(write_tool(tmp_path, "c")))
    for args in (["--no-color", "list"], ["list"]):
        monkeypatch.setenv("NO_COLOR", "1")
        assert "\x1b[" not in cli(*args).output


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    result = run_pai_deps("--db", str(tmp_path / "x.db"), "show", "missing")
    assert result.exit_code == 1
    assert result.stderr == "Error: Tool 'missing' not found\n"


def test_empty_db_option_is_misuse(cli: Cli) -> None:
    result = cli("list", db=Path(""))
    assert result.exit_code in (1, 2)
    assert "Traceback" not in result.output


def test_every_command_is_mapped_to_the_module_that_defines_it() -> None:
    """The console script loads only the invoked command's module; the map must be complete."""
    import typer.main

    from pai_deps.cli import app
    from pai_deps.cli.root import COMMAND_MODULES, modules_for

    group = typer.main.get_command(app)
    names = set(group.commands)  # type: ignore[attr-defined]
    assert names == {*COMMAND_MODULES, "help"}  # `help` lives in root and needs every module
    assert modules_for(["help", "list"]) is None
    assert modules_for(["--json", "deps", "x", "-t"]) == ["query_cmd"]
    assert modules_for(["--db", "x.db", "ci", "check"]) == ["ci_cmd"]
    assert modules_for(["--help"]) is None and modules_for(["lsit"]) is None


@pytest.mark.parametrize(
    ("args", "built"),
    [
        (["-q", "ping"], ["ping"]),
        (["--json", "cycles", "--all"], ["cycles"]),
        (["--db", "x.db", "db", "path"], ["db"]),
        (["pnig"], sorted({*COMMAND_MODULES, "help"})),  # a typo: all, for the suggestion
    ],
)
def test_the_console_script_builds_only_the_command_it_runs(
    args: list[str], built: list[str], tmp_path: Path
) -> None:
    script = (
        "import sys, typer.main\n"
        f"sys.argv = ['pai-deps', *{args!r}]\n"
        "from pai_deps.cli.root import app, main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(typer.main.get_command(app).commands))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert done.stdout.splitlines()[-1] == repr(built)


@pytest.mark.parametrize("command", ["ci", "hook", "speckit", "verify", "graph", "sync"])
def test_console_entry_point_runs_each_group(command: str) -> None:
    result = run_pai_deps(command, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage: pai-deps" in result.stdout


def test_a_group_without_its_subcommand_is_a_one_line_json_error(cli: Cli) -> None:
    result = cli("--json", "ci")
    assert result.exit_code == 2
    envelope = result.json()
    assert envelope["code"] == "usage" and "\n" not in envelope["error"]
