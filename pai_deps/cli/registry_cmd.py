"""`register`, `unregister`, `list`, `show`, `cycles`, `stubs`, `schema`: filling and reading
the registry (services: `pai_deps.registry`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pai_deps.cli.helpfmt import PaiTyper
from pai_deps.cli.options import Runs, TypeFilter
from pai_deps.cli.remedies import Remedy, remedies
from pai_deps.cli.state import get_state
from pai_deps.errors import ManifestError, PaiDepsError

# How the flags of these commands cure what their services refuse.
MOVE_REGISTRATION = Remedy(" (rename one of them, or use --force to move the registration)")
REGISTER_REMEDIES = {"name_collision": MOVE_REGISTRATION}
UNREGISTER_REMEDIES = {
    "has_dependents": Remedy(
        "; use --force to turn it into a stub instead",
        hint="Use --force to keep it as a stub that its dependents still point to",
    )
}


def register(app: typer.Typer) -> None:
    app.command("register")(register_tool)
    app.command("unregister")(unregister_tool)
    app.command("list")(list_tools)
    app.command("show")(show_tool)
    app.command("schema")(manifest_schema)
    app.add_typer(cycles_app)
    app.add_typer(stubs_app)


# -- register ------------------------------------------------------------------------------


def register_tool(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="A directory holding pai-manifest.yaml, or a manifest file.")
    ],
    force: Annotated[
        bool,
        typer.Option("--force", help="Take over a name registered from another directory."),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Warnings are errors: unknown manifest keys, schema files that do not exist.",
        ),
    ] = False,
) -> None:
    """Register (or update) a tool from its manifest, in one transaction."""
    from pai_deps.registry import register_path

    state = get_state(ctx)
    try:
        with state.registry() as conn, remedies(REGISTER_REMEDIES):
            doc = register_path(conn, path, force=force, strict=strict)
    except ManifestError as exc:
        raise with_reference_keys(exc, path) from None
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render import registry as render

        render.registration(state.printer, doc)


def with_reference_keys(exc: PaiDepsError, path: Path) -> PaiDepsError:
    """Register errors as the TypeScript tool's JSON had them: `message` holds the whole
    text, `error` the manifest's path (the one-line message stays on stderr)."""
    exc.details["message"] = "\n".join([exc.message, *(f"  {line}" for line in exc.lines)])
    exc.details["error"] = str(exc.details.get("file") or exc.details.get("path") or path)
    return exc


# -- unregister ------------------------------------------------------------------------------


def unregister_tool(
    ctx: typer.Context,
    tool: Annotated[str, typer.Argument(help="The tool's id.")],
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Even if others depend on it: it then stays as a stub so their edges remain.",
        ),
    ] = False,
) -> None:
    """Remove a tool from the registry (refused while others depend on it)."""
    from pai_deps.registry import unregister

    state = get_state(ctx)
    with state.registry() as conn, remedies(UNREGISTER_REMEDIES):
        doc = unregister(conn, tool, force=force)
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render import registry as render

        render.unregistered(state.printer, doc)


# -- list ------------------------------------------------------------------------------------


def list_tools(
    ctx: typer.Context,
    type_: TypeFilter = None,
    stubs: Annotated[
        bool | None,
        typer.Option(
            "--stubs/--no-stubs",
            help="Only stubs, or no stubs [default: both].",
            show_default=False,
        ),
    ] = None,
    runs: Runs = None,
) -> None:
    """List registered tools with their fan-out, fan-in, reliability and debt.

    Observed reliability (the pass rate of each tool's recent verify runs) is shown
    beside the declared one."""
    from pai_deps.analysis.evidence import configured_runs
    from pai_deps.registry.read import list_tools as list_registered

    state = get_state(ctx)
    with state.registry() as conn:
        doc = list_registered(conn, type=type_, stubs=stubs, runs=configured_runs(runs))
    if state.json:
        state.printer.json(doc)
        return
    from pai_deps.render.registry import tool_list

    filters = [f"type {type_}"] if type_ else []
    if stubs is not None:
        filters.append("stubs only" if stubs else "no stubs")
    tool_list(state.printer, doc, filters=filters)


# -- show ------------------------------------------------------------------------------------


def show_tool(
    ctx: typer.Context,
    tool: Annotated[str, typer.Argument(help="The tool's id.")],
    runs: Runs = None,
) -> None:
    """Everything the registry knows about one tool (with its observed reliability)."""
    from pai_deps.analysis.evidence import configured_runs
    from pai_deps.registry.read import show

    state = get_state(ctx)
    with state.registry() as conn:
        doc = show(conn, tool, runs=configured_runs(runs))
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render import registry as render

        render.details(state.printer, doc)


# -- cycles ------------------------------------------------------------------------------------

cycles_app = PaiTyper(
    name="cycles",
    help="Circular dependencies: list them (default) or mark one resolved.",
    invoke_without_command=True,
    rich_markup_mode=None,
)


@cycles_app.callback()
def cycles_list(
    ctx: typer.Context,
    all_: Annotated[
        bool, typer.Option("--all", "-a", help="Include cycles already resolved.")
    ] = False,
) -> None:
    """List recorded cycles (open ones unless --all)."""
    if ctx.invoked_subcommand is not None:
        return
    from pai_deps.registry.cycles import list_cycles

    state = get_state(ctx)
    with state.registry() as conn:
        doc = list_cycles(conn, include_resolved=all_)
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render import registry as render

        render.cycle_list(state.printer, doc, all_=all_)


@cycles_app.command("resolve")
def cycles_resolve(
    ctx: typer.Context, cycle_id: Annotated[int, typer.Argument(help="The cycle's id.")]
) -> None:
    """Mark a cycle resolved by hand (it re-opens if it is detected again)."""
    from pai_deps.registry.cycles import resolve_cycle_by_hand

    state = get_state(ctx)
    with state.registry() as conn:
        doc = resolve_cycle_by_hand(conn, cycle_id)
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render import registry as render

        render.cycle_resolved(state.printer, doc)


# -- stubs ---------------------------------------------------------------------------------------

stubs_app = PaiTyper(
    name="stubs",
    help="Stubs: placeholders for providers nobody registered.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@stubs_app.command("prune")
def stubs_prune(ctx: typer.Context) -> None:
    """Remove stubs that no tool depends on any more."""
    from pai_deps.registry.remove import prune_stubs

    state = get_state(ctx)
    with state.registry() as conn:
        doc = prune_stubs(conn)
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render import registry as render

        render.pruned(state.printer, doc)


# -- schema ---------------------------------------------------------------------------------------


def manifest_schema(
    ctx: typer.Context,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            metavar="COMMAND",
            help="Instead, the JSON Schema of COMMAND's --json document "
            "(e.g. list, 'ci affected', error).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Print the JSON Schema of pai-manifest.yaml (for editors and validators)."""
    from pai_deps.registry.schema import schema_document

    state = get_state(ctx)
    doc = schema_document(output)
    if state.json:
        state.printer.json(doc)
    else:
        state.printer.document(doc.text)
