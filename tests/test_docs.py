"""The docs agree with the app: the generated CLI reference is current, every command has
help text and a row in the README's command table.

(The README tour is run, and what its comments say checked, by `test_readme_tour.py`.)
"""

from __future__ import annotations

import re
import subprocess
import sys

from typer.core import TyperGroup

from pai_deps.cli.reference import commands
from tests.conftest import REPO_ROOT


def documented_commands() -> list[tuple[str, ...]]:
    """Every command a user types: leaves, and groups that do something on their own
    (`cycles` lists; `ci` alone only prints its help)."""
    return [
        path
        for path, command, _ in commands()
        if path and not (isinstance(command, TyperGroup) and command.no_args_is_help)
    ]


def readme_command_table() -> str:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("| `"))


def test_the_cli_reference_is_generated_from_the_current_help() -> None:
    checked = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", str(REPO_ROOT / "docs" / "cli.md")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, (
        "docs/cli.md is stale: run `cog -r docs/cli.md`\n" + checked.stdout + checked.stderr
    )


def test_the_cli_reference_has_every_command() -> None:
    reference = (REPO_ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^## `pai-deps ?(.*)`$", reference, flags=re.M))
    assert headings == {" ".join(path) for path, _, _ in commands()}


def test_every_command_has_help_text() -> None:
    for path, command, _ in commands():
        assert (command.help or "").strip(), f"pai-deps {' '.join(path)} has no help text"


def test_every_command_is_in_the_readme_command_table() -> None:
    table = readme_command_table()
    # A cell names a command as `name [OPTIONS...]`, e.g. `cycles resolve ID`.
    spans = re.findall(r"`([^`]+)`", table)
    named = {tuple(span.split()) for span in spans}
    missing = [
        " ".join(path)
        for path in documented_commands()
        if not any(words[: len(path)] == path for words in named)
    ]
    assert not missing, f"commands missing from README's command table: {missing}"
    assert len(documented_commands()) >= 30  # the walk found the whole app
