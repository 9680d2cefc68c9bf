"""Options shared by several commands, defined once so they read and validate alike."""

from __future__ import annotations

from typing import Annotated

import typer

from pai_deps.kinds import TOOL_TYPES


def validate_type(value: str | None) -> str | None:
    if value is not None and value not in TOOL_TYPES:
        raise typer.BadParameter(f"must be one of {', '.join(TOOL_TYPES)} (got '{value}')")
    return value


TypeFilter = Annotated[
    str | None,
    typer.Option(
        "--type",
        "-t",
        metavar="TYPE",
        callback=validate_type,
        help="Only tools of this type: cli, mcp, library, workflow, hook, cli+mcp.",
        show_default=False,
    ),
]

Runs = Annotated[
    int | None,
    typer.Option(
        "--runs",
        min=1,
        max=100,
        metavar="N",
        help="Observed reliability counts each tool's newest N verify runs [default: "
        "observed_runs in config.toml, else 20].",
        show_default=False,
    ),
]
