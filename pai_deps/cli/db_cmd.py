"""`db path | status | check | migrate | backup | copy`: the registry database itself."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pai_deps.cli.helpfmt import PaiTyper
from pai_deps.cli.state import fail, get_state

db_app = PaiTyper(
    name="db",
    help="The registry database: where it is, its state, migrations and backups.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app)


@db_app.command("path")
def db_path(ctx: typer.Context) -> None:
    """Print where the registry is: its file, or its PostgreSQL URL (password masked).

    Nothing is created and no server is contacted.
    """
    from pai_deps.db.answers import where

    state = get_state(ctx)
    doc = where(state.target())
    if state.json:
        state.printer.json(doc)
    else:
        state.printer.answer(doc.path)


@db_app.command("status")
def db_status(ctx: typer.Context) -> None:
    """Location, size, journal mode, integrity, applied and pending migrations, rows per table.

    Reads only: pending migrations are listed, not applied, and nothing is created beside
    the file. Exit 1 when `quick_check` finds damage (`db check` runs the full check).
    """
    from pai_deps.db.answers import status

    state = get_state(ctx)
    doc = status(state.target())
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render.db import db_status as show

        show(state.printer, doc)
    if doc.problems:
        raise fail()


@db_app.command("check")
def db_check(ctx: typer.Context) -> None:
    """Run SQLite's full integrity check and foreign-key check; exit 1 if anything is wrong.

    Reads only. Slower than the quick check that runs before every write. On PostgreSQL,
    which enforces the constraints itself, it reads every row of every registry table
    (the server checks each page it reads).
    """
    from pai_deps.db.answers import check

    state = get_state(ctx)
    doc = check(state.target())
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render.db import db_check as show

        show(state.printer, doc)
    if not doc.success:
        raise fail()


@db_app.command("migrate")
def db_migrate(
    ctx: typer.Context,
    break_lock: Annotated[
        bool,
        typer.Option(
            "--break-lock", help="Remove a migration lock left by a crashed process first."
        ),
    ] = False,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes",
            help="PostgreSQL: migrate a registry that holds data; you have backed it up "
            "(pg_dump). SQLite files are backed up automatically.",
        ),
    ] = False,
) -> None:
    """Apply pending migrations now (they also apply on the first command that needs them)."""
    from pai_deps.db.answers import migrate

    state = get_state(ctx)
    doc = migrate(state.target(), break_lock=break_lock, yes=yes, notify=state.printer.note)
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render.db import db_migrated as show

        show(state.printer, doc)


@db_app.command("backup")
def db_backup(
    ctx: typer.Context,
    file: Annotated[
        Path | None,
        typer.Argument(
            help="Where to write the copy [default: beside the database, timestamped].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write a consistent copy of the registry (SQLite's online backup; safe while in use).

    The copy appears whole or not at all; it never replaces an existing file or lands on
    the registry's own files (`-wal`, `-shm`).
    """
    from pai_deps.db.answers import backup

    state = get_state(ctx)
    doc = backup(state.target(), file, notify=state.printer.note)
    if state.json:
        state.printer.json(doc)
    else:
        state.printer.answer(doc.backup)


@db_app.command("copy")
def db_copy(
    ctx: typer.Context,
    source: Annotated[
        str, typer.Argument(metavar="SRC", help="The registry to copy: a file or a URL.")
    ],
    destination: Annotated[
        str,
        typer.Argument(
            metavar="DEST", help="Where to: a file (created if missing) or a postgresql:// URL."
        ),
    ],
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Replace what the destination holds (refused otherwise)."),
    ] = False,
) -> None:
    """Copy a whole registry between backends: SQLite to PostgreSQL and back, or alike.

    The source is read in one consistent snapshot; the destination is written in one
    transaction (all or nothing) and migrated first if it needs it. A destination that
    holds data is refused unless --replace. Example: `pai-deps db copy
    ~/.config/pai-deps/pai-deps.db postgresql://me@db.example/pai_deps`.
    """
    from pai_deps.db import resolve_target
    from pai_deps.db.answers import copy

    state = get_state(ctx)
    doc = copy(
        resolve_target(source),
        resolve_target(destination),
        replace=replace,
        notify=state.printer.note,
    )
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render.db import db_copied as show

        show(state.printer, doc)
