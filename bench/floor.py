"""The stack's floor: a process that imports typer, pydantic and aiosql and opens the database.

Nothing of pai-deps is imported. Every query command pays at least this much before it
does its own work, so `bench/bench_floor.py` reports each command as a ratio to it.
With `--typer`, the same process also runs a one-command typer app with options like
pai-deps's global ones: what typer itself adds when it parses a command line (it
builds a pydantic TypeAdapter per parameter), which no pai-deps command can avoid.
With `--stack`, that command also reads one row into a pydantic model (with a `Field`)
and prints it as JSON: `import pydantic` alone is lazy in pydantic 2 and loads none of
the model machinery (`pydantic.main`, `fields`, `types`, the schema generator), which
every typed row and result needs. This is the floor of a typer + pydantic command.

    python bench/floor.py REGISTRY.db [--typer | --stack]
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


def one_model(path: str) -> None:
    """One row read into a pydantic model and printed as JSON: the model machinery's cost."""
    from pydantic import BaseModel, Field

    class Tool(BaseModel):
        id: str = Field(alias="name")
        version: str | None = None

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    row = conn.execute("SELECT id AS name, version FROM tools LIMIT 1").fetchone()
    conn.close()
    sys.stdout.write(Tool.model_validate(dict(row)).model_dump_json() + "\n")


def with_typer(path: str, *, stack: bool = False) -> None:
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
        if stack:
            one_model(path)
        else:
            open_database(path)

    app(["--db", path, "show", "t00-0000"], standalone_mode=False)


if __name__ == "__main__":
    if sys.argv[2:] in (["--typer"], ["--stack"]):
        with_typer(sys.argv[1], stack=sys.argv[2] == "--stack")
    else:
        open_database(sys.argv[1])
