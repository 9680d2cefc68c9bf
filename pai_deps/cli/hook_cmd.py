"""`hook install | uninstall | status`: the git pre-commit hook (service: `pai_deps.hooks`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pai_deps.cli.helpfmt import PaiTyper
from pai_deps.cli.state import get_state

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
) -> None:
    """Install (or refresh) the pre-commit hook where git looks for it.

    The hooks directory comes from git, so worktrees and core.hooksPath work. The hook
    blocks a commit only when a check fails, never because pai-deps is missing or broken.
    """
    from pai_deps import hooks

    state = get_state(ctx)
    result = hooks.install(Path.cwd(), quick=quick, force=force)
    if state.json:
        state.printer.json({"success": True, **result.to_json()})
        return
    for warning in result.warnings:
        state.printer.warn(warning)
    for message in result.messages:
        state.printer.info(message)


@hook_app.command("uninstall")
def hook_uninstall(ctx: typer.Context) -> None:
    """Remove the pai-deps hook and restore the hook it replaced, if any."""
    from pai_deps import hooks

    state = get_state(ctx)
    result = hooks.uninstall(Path.cwd())
    if state.json:
        state.printer.json({"success": True, **result.to_json()})
        return
    for message in result.messages:
        state.printer.info(message)


@hook_app.command("status")
def hook_status(ctx: typer.Context) -> None:
    """Whether the hook is installed, in which mode, and whether a backup waits."""
    from pai_deps import hooks

    state = get_state(ctx)
    status = hooks.status(Path.cwd())
    if state.json:
        state.printer.json({"success": True, **status.to_json()})
        return
    p = state.printer
    if status.installed:
        installed = "yes"
    elif status.foreign_hook_exists:
        installed = "no (a hook pai-deps did not install is in place)"
    else:
        installed = "no"
    p.answer(f"Installed: {installed}")
    p.answer(f"Hook path: {status.hook_path}")
    if status.installed:
        p.answer(f"Installed at: {status.installed_at or 'unknown'}")
        p.answer(f"Quick mode: {'yes' if status.quick_mode else 'no'}")
    p.answer(f"Backup exists: {'yes' if status.backup_exists else 'no'}")
    for message in status.messages:
        p.info(message)
