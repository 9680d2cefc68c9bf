"""`ping`: check that the CLI runs (kept from the TypeScript tool)."""

from __future__ import annotations

import typer

from pai_deps.cli.state import get_state
from pai_deps.timeutil import now_iso


def register(app: typer.Typer) -> None:
    app.command("ping", help="Check that pai-deps runs (does not touch the database).")(ping)


def ping(ctx: typer.Context) -> None:
    printer = get_state(ctx).printer
    if printer.json_mode:
        # `results.meta.Pong`'s shape, built as a dict: the start-up check must not pay for
        # building a pydantic model (tests validate it against Pong's schema).
        printer.json({"success": True, "message": "pong", "data": {"timestamp": now_iso()}})
    else:
        printer.info("pong")
