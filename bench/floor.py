"""The stack's floor: a process that imports typer, pydantic and aiosql and opens the database.

Nothing of pai-deps is imported. Every query command pays at least this much before it
does its own work, so `bench/bench_floor.py` reports each command as a ratio to it.
With `--typer`, the same process also runs a one-command typer app with options like
pai-deps's global ones: what typer itself adds when it parses a command line (it
builds a pydantic TypeAdapter per parameter), which no pai-deps command can avoid.

    python bench/floor.py REGISTRY.db [--typer]
"""

from __future__ import annotations

import sqlite3
import sys
from typing import Annotated

import aiosql  # noqa: F401  (the import is what is measured)
import pydantic  # noqa: F401
import typer


def open_database(path: str) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.execute("PRAGMA user_version").fetchone()
    conn.close()


def with_typer(path: str) -> None:
    app = typer.Typer(add_completion=False)

    @app.callback()
    def root(
        json_output: Annotated[bool, typer.Option("--json")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
        verbose: Annotated[int, typer.Option("--verbose", "-v", count=True)] = 0,
        db: Annotated[str | None, typer.Option("--db")] = None,
        no_color: Annotated[bool, typer.Option("--no-color")] = False,
    ) -> None:
        pass

    @app.command()
    def show(tool: str, transitive: Annotated[bool, typer.Option("-t")] = False) -> None:
        open_database(path)

    app(["--db", path, "show", "t00-0000"], standalone_mode=False)


if __name__ == "__main__":
    if sys.argv[2:] == ["--typer"]:
        with_typer(sys.argv[1])
    else:
        open_database(sys.argv[1])
