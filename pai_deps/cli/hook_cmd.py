"""`hook install | uninstall | status`: the git pre-commit hook (service: `pai_deps.hooks`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pai_deps.cli.helpfmt import PaiTyper
from pai_deps.cli.state import get_state
from pai_deps.errors import PaiDepsError

hook_app = PaiTyper(
    name="hook",
    help="The git pre-commit hook that runs `pai-deps ci check --staged`.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    app.add_typer(hook_app)


@hook_app.command("install")
def hook_install(
    ctx: typer.Context,
    quick: Annotated[
        bool, typer.Option("--quick", help="The hook runs `ci check --staged --quick`.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace a hook pai-deps did not install (it is backed up once)."
        ),
    ] = False,
    whole_check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="After the staged checks pass, the hook also runs `pai-deps check` "
            "(every manifest and the registry, offline).",
        ),
    ] = False,
) -> None:
    """Install (or refresh) the pre-commit hook where git looks for it.

    The hooks directory comes from git, so worktrees and core.hooksPath work. The hook
    blocks a commit only when a check fails, never because pai-deps is missing or broken.
    """
    from pai_deps import hooks

    state = get_state(ctx)
    try:
        doc = hooks.install(Path.cwd(), quick=quick, force=force, whole_check=whole_check)
    except hooks.HookExistsError as exc:
        raise PaiDepsError(
            f"A pre-commit hook not installed by pai-deps already exists at {exc.hook}. "
            f"Use --force to replace it; it will be backed up to {exc.backup}.{exc.hint}",
            code=exc.code,
            details=exc.details,
        ) from None
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render.hooks import installed

        installed(state.printer, doc)


@hook_app.command("uninstall")
def hook_uninstall(ctx: typer.Context) -> None:
    """Remove the pai-deps hook and restore the hook it replaced, if any."""
    from pai_deps import hooks

    state = get_state(ctx)
    doc = hooks.uninstall(Path.cwd())
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render.hooks import uninstalled

        uninstalled(state.printer, doc)


@hook_app.command("status")
def hook_status(ctx: typer.Context) -> None:
    """Whether the hook is installed, in which mode, and whether a backup waits."""
    from pai_deps import hooks

    state = get_state(ctx)
    doc = hooks.status(Path.cwd())
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render.hooks import status

        status(state.printer, doc)
