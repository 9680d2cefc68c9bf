"""`ci affected` and `ci check`: the registry at the moment of change (services:
`pai_deps.ci.affected`, `pai_deps.ci.check`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Annotated

import typer

from pai_deps.cli.helpfmt import PaiTyper
from pai_deps.cli.state import fail, get_state
from pai_deps.errors import DatabaseError, PaiDepsError, UsageError

ci_app = PaiTyper(
    name="ci",
    help="Change-aware checks for CI and the pre-commit hook.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    app.add_typer(ci_app)


# -- ci affected -------------------------------------------------------------------------------


@ci_app.command("affected")
def ci_affected(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="FILES",
            help="Changed files (relative to the current directory), instead of asking git.",
            show_default=False,
        ),
    ] = None,
    files: Annotated[
        bool,
        typer.Option("--files", help="Take the changed files from the arguments (implied)."),
    ] = False,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="REF",
            help="Compare BASE...HEAD [default: origin/HEAD, else main, else master].",
            show_default=False,
        ),
    ] = None,
    head: Annotated[
        str | None,
        typer.Option(
            "--head", metavar="REF", help="End of the range [default: HEAD].", show_default=False
        ),
    ] = None,
    staged: Annotated[
        bool, typer.Option("--staged", help="The staged change (git's index against HEAD).")
    ] = False,
    direct: Annotated[
        bool, typer.Option("--direct", help="Only direct dependents of the changed tools.")
    ] = False,
    list_: Annotated[
        bool,
        typer.Option("--list", help="Only tool ids, one per line: changed, then affected."),
    ] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain", help="Why each tool is in: file -> owning tool -> ... -> affected tool."
        ),
    ] = False,
) -> None:
    """Which registered tools a change touches, and everything that depends on them.

    Each changed file belongs to the tool whose directory is its longest path prefix; a
    manifest or a schema file belongs to the tool(s) that declare it. Files no tool owns
    are listed, not dropped. Exit 1 when the change breaks something by itself (e.g. it
    deletes a manifest other tools depend on).
    """
    from pai_deps.ci.affected import affected

    state = get_state(ctx)
    file_mode = files or bool(paths)
    if file_mode and not paths:
        raise UsageError("--files needs at least one file")
    if file_mode and (staged or base or head):
        raise UsageError("give changed files, --staged, or --base/--head; not several")
    if staged and (base or head):
        raise UsageError("--staged compares the index with HEAD; it takes no --base/--head")
    with state.registry() as conn:
        doc = affected(
            conn,
            Path.cwd(),
            base=base,
            head=head or "HEAD",
            staged=staged,
            files=paths if file_mode else None,
            direct=direct,
            explain=explain,
        )
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render.ci import affected as render_affected

        render_affected(
            state.printer, doc, view="list" if list_ else "explain" if explain else "table"
        )
    if not doc.success:
        raise fail()


# -- ci check ----------------------------------------------------------------------------------


@ci_app.command("check")
def ci_check(
    ctx: typer.Context,
    staged: Annotated[
        bool,
        typer.Option(
            "--staged",
            help="Only tools the staged change touches (and their dependents), read from "
            "git's index. Without it: every tool of this repository, as in the working tree.",
        ),
    ] = False,
    quick: Annotated[
        bool,
        typer.Option(
            "--quick", help="Fast: CLI executables must exist (no --help run); no MCP servers."
        ),
    ] = False,
    fix: Annotated[
        bool,
        typer.Option(
            "--fix",
            help="Re-register the changed manifests and accept compatible schema drift.",
        ),
    ] = False,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            metavar="SECONDS",
            min=0.1,
            help="Per command or MCP server [default: 10].",
            show_default=False,
        ),
    ] = None,
    allow_risky: Annotated[
        bool,
        typer.Option("--allow-risky", help="Risky schema changes are reported but do not fail."),
    ] = False,
) -> None:
    """Check the contracts a change touches: manifests, drift, CLI, MCP, cycles, stubs.

    Exit 0 when every check passes (warnings allowed), 1 when one fails, 2 on misuse,
    outside a git repository, or when the checks could not run at all (an unusable
    registry, an internal error): the pre-commit hook blocks a commit only on 1.
    """
    from pai_deps.ci.check import run_checks

    state = get_state(ctx)
    try:
        with state.registry() as conn:
            doc = run_checks(
                conn,
                Path.cwd(),
                staged=staged,
                quick=quick,
                fix=fix,
                timeout=timeout,
                allow_risky=allow_risky,
            )
    except PaiDepsError as exc:
        exc.exit_code = 2
        raise
    except sqlite3.Error as exc:
        raise DatabaseError(f"checks could not run: {exc}", exit_code=2) from exc
    except Exception as exc:
        raise PaiDepsError(
            f"checks could not run: internal error ({type(exc).__name__}: {exc})",
            code="internal_error",
            exit_code=2,
        ) from exc
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render.ci import check_report

        check_report(state.printer, doc)
    if not doc.success:
        raise fail()
