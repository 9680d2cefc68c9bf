"""The CLI reference (`docs/cli.md`), generated from the app's own `--help`.

`docs/cli.md` holds a cog block that calls `markdown()`; `cog -r docs/cli.md` rewrites it
and `cog --check docs/cli.md` (in `scripts/lint` and a test) fails when the reference no
longer matches what `--help` prints. Never imported by the console script.
"""

from __future__ import annotations

from collections.abc import Iterator

from typer import _click
from typer.core import TyperGroup

# The help is wrapped as on a terminal this wide, whatever the terminal generating it.
WIDTH = 88


def commands() -> Iterator[tuple[tuple[str, ...], _click.Command, _click.Context]]:
    """Every command of the app, depth first in help order: (path, command, its context)."""
    import typer

    from pai_deps.cli import app

    root = typer.main.get_command(app)
    root_ctx = _click.Context(root, info_name="pai-deps")

    def walk(
        command: _click.Command, ctx: _click.Context, path: tuple[str, ...]
    ) -> Iterator[tuple[tuple[str, ...], _click.Command, _click.Context]]:
        yield path, command, ctx
        if isinstance(command, TyperGroup):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    sub_ctx = _click.Context(sub, info_name=name, parent=ctx)
                    yield from walk(sub, sub_ctx, (*path, name))

    yield from walk(root, root_ctx, ())


def help_text(path: tuple[str, ...]) -> str:
    """What `pai-deps PATH... --help` prints on a terminal `WIDTH` columns wide."""
    from typer.testing import CliRunner

    from pai_deps.cli import app

    result = CliRunner().invoke(
        app, [*path, "--help"], env={"COLUMNS": str(WIDTH)}, prog_name="pai-deps"
    )
    if result.exit_code != 0:
        raise RuntimeError(f"pai-deps {' '.join(path)} --help exited {result.exit_code}")
    return result.stdout


def markdown() -> str:
    """One section per command: its name as a heading, then its `--help` as printed."""
    out: list[str] = []
    for path, _, _ in commands():
        name = " ".join(("pai-deps", *path))
        out += [f"## `{name}`", "", "```text", help_text(path).rstrip(), "```", ""]
    return "\n".join(out)
