"""`can-i-ship TOOL [--ref REF]`: may the provider's state ship to every registered
consumer? (service: `pai_deps.ship`)."""

from __future__ import annotations

from typing import Annotated

import typer

from pai_deps.cli.state import fail, get_state


def register(app: typer.Typer) -> None:
    app.command("can-i-ship")(can_i_ship)


def can_i_ship(
    ctx: typer.Context,
    tool: Annotated[str, typer.Argument(help="The provider's id.", show_default=False)],
    ref: Annotated[
        str | None,
        typer.Option(
            "--ref",
            metavar="REF",
            help="Judge the schema files as they are at this git commit, branch or tag "
            "[default: as they are on disk].",
            show_default=False,
        ),
    ] = None,
    allow_risky: Annotated[
        bool,
        typer.Option("--allow-risky", help="Risky changes are reported but do not block."),
    ] = False,
) -> None:
    """Is the provider's state safe for every registered consumer? Yes (exit 0) or no.

    Compares each contract's schema with its baseline, as `drift` does, and blocks the
    consumers whose `uses` a breaking change touches (a consumer without `uses` reads
    everything), every consumer of a contract whose schema is missing or whose last
    verification failed. Consumers still reading deprecated fields are warned. A contract
    without a baseline takes the current schema as its baseline, and says so."""
    from pai_deps.ship import can_i_ship as decide

    state = get_state(ctx)
    with state.registry() as conn:
        doc = decide(conn, tool, ref=ref, allow_risky=allow_risky)
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render.ship import ship_decision

        ship_decision(state.printer, doc)
    if not doc.success:
        raise fail()
