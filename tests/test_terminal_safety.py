"""Manifests are other people's text: no raw control character reaches the terminal.

One manifest carries an escape sequence in every kind of field pai-deps prints (erase
the line, move the cursor up, set the window title, reverse the text direction, ring the
bell). Every human command that prints that field is run as a real process; its output
must hold no raw control character and must show the sequence visibly. JSON escapes
them as JSON does. `NO_COLOR` is honoured only when it is non-empty.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import Cli, CliResult, run_pai_deps
from tests.helpers import write_tool

ERASE = "\x1b[2K\r"  # erase the line, back to its start
FORGE = "\x1b[1A\x1b[2KAll checks passed"  # go up a line, erase it, write a lie
TITLE = "\x1b]0;pwned\x07"  # set the window title
BIDI = "\u202e"  # right-to-left override

# Anything a terminal acts on: C0 (but tab and newline), DEL, C1, bidi and line separators.
RAW_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """One registry holding the hostile manifest; each command's output is run once."""
    root = tmp_path_factory.mktemp("hostile")
    home = root / "home"
    home.mkdir()
    write_tool(
        root,
        "evil",
        version=f"1.0{ERASE}",
        description=f"harmless{FORGE}{TITLE}\nsecond line{BIDI}",
        mcp_start=f"python -m evil{TITLE}",
        provides={
            "cli": [{"command": f"evil run{FORGE}"}],
            "mcp": [{"tool": "search"}, {"resource": f"evil://x{BIDI}"}],
            "library": [{"export": f"parse{ERASE}"}],
            "database": [{"path": f"~/evil{TITLE}.db"}],
        },
        depends_on=[{"name": "lib", "type": "library", "version": f"^1{ERASE}"}],
    )
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    database = str(root / "registry.db")
    registered = run_pai_deps("--db", database, "register", str(root / "evil"), env=env)
    assert registered.exit_code == 0, registered.output
    cache: dict[tuple[str, ...], CliResult] = {}

    def run(*args: str) -> CliResult:
        if args not in cache:
            cache[args] = run_pai_deps("--db", database, *args, env=env)
        return cache[args]

    return run


def _assert_safe(output: str) -> None:
    raw = RAW_CONTROL.search(output)
    assert raw is None, f"raw {raw.group()!r} in {output!r}"


# (the field, a command that prints it, what must appear instead of the raw sequence)
FIELDS = [
    ("description", ("show", "evil"), r"harmless\x1b[1A\x1b[2KAll checks passed\x1b]0;pwned\x07"),
    ("description newline", ("show", "evil"), r"\nsecond line\u202e"),
    ("version", ("show", "evil"), r"Version: 1.0\x1b[2K\r"),
    ("version in a table", ("list",), r"1.0\x1b[2K\r"),
    ("CLI command", ("show", "evil"), r"evil run\x1b[1A\x1b[2KAll checks passed"),
    ("dependency version", ("show", "evil"), r"^1\x1b[2K\r"),
    ("MCP start command", ("show", "evil"), r"MCP start: python -m evil\x1b]0;pwned\x07"),
    ("MCP resource", ("show", "evil"), r"evil://x\u202e"),
    ("library export", ("show", "evil"), r"parse\x1b[2K\r"),
    ("database path", ("show", "evil"), r"~/evil\x1b]0;pwned\x07.db"),
    ("dependents' versions", ("rdeps", "lib"), r"1.0\x1b[2K\r"),
]


@pytest.mark.parametrize(("field", "command", "shown"), FIELDS, ids=[f[0] for f in FIELDS])
def test_each_field_prints_its_control_characters_visibly(
    hostile: Cli, field: str, command: tuple[str, ...], shown: str
) -> None:
    result = hostile(*command)
    assert result.exit_code == 0, result.output
    _assert_safe(result.output)
    if field == "dependents' versions":
        shown_json = hostile("--json", *command).json()
        assert shown_json["dependents"][0]["version"] == f"1.0{ERASE}"
        return
    assert shown in result.stdout


def test_register_output_and_warnings_are_safe(tmp_path: Path, subprocess_cli: Cli) -> None:
    directory = tmp_path / "w"
    directory.mkdir()
    (directory / "pai-manifest.yaml").write_text(  # YAML escapes: raw controls are refused
        'name: w\ntype: cli\nversion: "2\\x1b[2K\\r"\n"colour\\x1b]0;pwned\\x07": blue\n'
    )
    result = subprocess_cli("register", str(directory))
    assert result.exit_code == 0, result.output
    _assert_safe(result.output)
    assert r"Registered w v2\x1b[2K\r" in result.stdout
    assert r"colour\x1b]0;pwned\x07" in result.stderr


def test_verify_and_drift_output_is_safe(hostile: Cli) -> None:
    for command in (("verify", "evil", "--quick"), ("drift", "evil"), ("deps", "evil")):
        result = hostile(*command)
        _assert_safe(result.output)


def test_json_escapes_every_control_character(hostile: Cli) -> None:
    result = hostile("--json", "show", "evil")
    _assert_safe(result.stdout)
    document = json.loads(result.stdout)
    assert document["tool"]["description"] == f"harmless{FORGE}{TITLE}\nsecond line{BIDI}"
    assert "\\u202e" in result.stdout


@pytest.mark.parametrize(("value", "coloured"), [("", True), ("1", False), ("false", False)])
def test_no_color_counts_only_when_set_to_something(
    tmp_path: Path, subprocess_cli: Cli, value: str, coloured: bool
) -> None:
    write_tool(tmp_path, "a", depends_on=[{"name": "b", "type": "cli"}])
    subprocess_cli("register", str(tmp_path / "a"))

    result = subprocess_cli("graph", env={"NO_COLOR": value})

    assert result.exit_code == 0
    assert ("fillcolor" in result.stdout) is coloured


def test_usage_errors_quote_the_command_line_visibly() -> None:
    result = run_pai_deps(f"lst{ERASE}")
    assert result.exit_code == 2
    _assert_safe(result.output)
    assert r"No such command 'lst\x1b[2K\r'" in result.stderr


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=20))
def test_a_cell_shows_exactly_what_the_unsafe_pattern_replaces(text: str) -> None:
    """The plain-ASCII fast path of `visible_cell` changes nothing the pattern would not."""
    from pai_deps.output import _UNSAFE_IN_CELL, _shown, visible_cell

    assert visible_cell(text) == _UNSAFE_IN_CELL.sub(_shown, text)
    assert visible_cell("a\tb\x7f") == "a\\tb\\x7f"


@given(
    st.lists(
        st.none() | st.integers() | st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
        max_size=5,
    )
)
def test_a_table_row_shows_each_cell_as_visible_cell_does(row: list[object]) -> None:
    """The row-at-once check of `table` changes nothing the per-cell escaping would not."""
    from pai_deps.output import visible_cell
    from pai_deps.render.tables import table

    headers = [f"h{i}" for i in range(len(row))]
    got = table(headers, [row]).rows[0]
    assert got == tuple("-" if cell is None else visible_cell(str(cell)) for cell in row)
