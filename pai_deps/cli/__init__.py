"""The command-line interface: a thin typer layer over the library.

`main` is the console script: it loads only the command it runs. Importing `app` (as
tests and embedders do) registers every command.
"""

from __future__ import annotations

from typing import Any

from pai_deps.cli.root import main

__all__ = ["app", "main"]


def __getattr__(name: str) -> Any:
    if name == "app":
        from pai_deps.cli.root import app, register_commands

        register_commands()
        return app
    raise AttributeError(name)
