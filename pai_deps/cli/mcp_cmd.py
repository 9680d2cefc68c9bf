"""`mcp`: serve the registry to coding agents over MCP (stdio); the server is
`pai_deps.mcpserver`, loaded only by this command."""

from __future__ import annotations

from typing import Annotated

import typer

from pai_deps.cli.state import get_state


def register(app: typer.Typer) -> None:
    app.command("mcp")(mcp_command)


def mcp_command(
    ctx: typer.Context,
    allow_write: Annotated[
        bool,
        typer.Option(
            "--allow-write", help="Also offer the tools that write the registry (register, sync)."
        ),
    ] = False,
    allow_run: Annotated[
        bool,
        typer.Option(
            "--allow-run",
            help="Also offer the tools that run the registered tools' commands (verify).",
        ),
    ] = False,
) -> None:
    """Serve the registry over MCP on stdin/stdout (for Claude Code and other agents).

    The query commands become MCP tools (list, show, deps, rdeps, affected, path,
    allpaths, chain_reliability, blast_radius, consumers, can_i_ship, debt, health, drift,
    ci_affected), each returning the document `--json` prints, with its JSON Schema as
    the tool's outputSchema; the registry summary and each tool's manifest are resources.
    Read-only unless --allow-write or --allow-run. Add it to a client with
    `claude mcp add pai-deps -- pai-deps mcp`."""
    import sys

    from pai_deps.mcpserver.server import serve

    state = get_state(ctx)
    target = state.target()
    if sys.stdin.isatty():  # a person, not a client: say what this is (stderr only)
        state.printer.note(
            f"pai-deps mcp serves {target.shown} over MCP on stdin/stdout; an MCP client "
            "starts it (claude mcp add pai-deps -- pai-deps mcp). Ctrl-D ends it."
        )
    serve(target, allow_write=allow_write, allow_run=allow_run, notify=state.printer.note)
