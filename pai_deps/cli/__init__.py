"""The command-line interface: a thin typer layer over the library."""

from pai_deps.cli.app import app

__all__ = ["app"]
