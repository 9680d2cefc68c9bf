"""The command-line interface: a thin typer layer over the library.

`main` is the console script: it loads only the command it runs. Importing `app` (as
tests and embedders do) registers every command.
"""

from __future__ import annotations

from typing import Any

from pai_deps.cli import collector

__all__ = ["app", "main"]


def main() -> None:
    """The `pai-deps` console script and `python -m pai_deps`: `pai_deps.cli.root.main`,
    imported with the garbage collector paused (see `pai_deps.cli.collector`)."""
    collector.pause()
    try:
        from pai_deps.cli.root import main as run

        run()
    finally:
        collector.resume()


def __getattr__(name: str) -> Any:
    if name == "app":
        from pai_deps.cli.root import app, register_commands

        register_commands()
        return app
    raise AttributeError(name)
