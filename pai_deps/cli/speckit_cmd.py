"""`speckit context | failures`: planning context for coding agents (service:
`pai_deps.speckit`, Markdown: `pai_deps.render.speckit`). Markdown by default, ready to
paste into a plan; JSON with --json."""

from __future__ import annotations

from typing import Annotated

import typer

from pai_deps.cli.helpfmt import PaiTyper
from pai_deps.cli.state import get_state

speckit_app = PaiTyper(
    name="speckit",
    help="Dependency context and failure modes of a tool, as Markdown for a plan.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

ToolArgument = Annotated[str, typer.Argument(help="The tool's id.")]


def register(app: typer.Typer) -> None:
    app.add_typer(speckit_app)


@speckit_app.command("context")
def speckit_context(ctx: typer.Context, tool: ToolArgument) -> None:
    """Planning context: upstream and downstream tools, reliability, risk, cycles."""
    from pai_deps import speckit

    state = get_state(ctx)
    with state.registry() as conn:
        doc = speckit.context(conn, tool)
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render import speckit as render

        render.context(state.printer, doc)


@speckit_app.command("failures")
def speckit_failures(ctx: typer.Context, tool: ToolArgument) -> None:
    """A failure-mode table per direct dependency, severity by downstream count."""
    from pai_deps import speckit

    state = get_state(ctx)
    with state.registry() as conn:
        doc = speckit.failure_modes(conn, tool)
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render import speckit as render

        render.failures(state.printer, doc)
