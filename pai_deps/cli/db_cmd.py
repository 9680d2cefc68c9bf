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
    from pai_deps.db import SqliteTarget

    state = get_state(ctx)
    target = state.target()
    exists = target.path.exists() if isinstance(target, SqliteTarget) else None
    if state.json:
        state.printer.json(
            {"success": True, "path": target.shown, "backend": target.dialect, "exists": exists}
        )
    else:
        state.printer.answer(target.shown)


@db_app.command("status")
def db_status(ctx: typer.Context) -> None:
    """Location, size, journal mode, integrity, applied and pending migrations, rows per table.

    Reads only: pending migrations are listed, not applied, and nothing is created beside
    the file. Exit 1 when `quick_check` finds damage (`db check` runs the full check).
    """
    from pai_deps.db import describe

    state = get_state(ctx)
    status = describe(state.target())
    if state.json:
        state.printer.json(
            {
                "success": status.integrity != "damaged",
                "path": status.location,
                "backend": status.backend,
                "server": status.server,
                "exists": status.exists,
                "sizeBytes": status.size_bytes,
                "journalMode": status.journal_mode,
                "integrity": status.integrity,
                "problems": status.problems,
                "applied": [{"id": mid, "appliedAt": at} for mid, at in status.applied],
                "pending": status.pending,
                "tables": status.tables,
            }
        )
        if status.problems:
            raise fail()
        return
    p = state.printer
    p.answer(f"Database:     {status.location}")
    if status.server is not None:
        p.answer(f"Server:       {status.server}")
    if not status.exists:
        p.answer("Exists:       no (created on first use)")
    else:
        p.answer(f"Size:         {_human_size(status.size_bytes)}")
        if status.journal_mode is not None:
            p.answer(f"Journal mode: {status.journal_mode}")
        if status.backend == "postgresql":
            p.answer("Integrity:    enforced by the server (`db check` reads every row)")
        elif status.problems:
            p.answer(f"Integrity:    damaged ({status.problems[0]}); run `pai-deps db check`")
        else:
            p.answer("Integrity:    ok (quick check)")
    applied = ", ".join(mid for mid, _ in status.applied) or "none"
    p.answer(f"Applied:      {applied}")
    p.answer(f"Pending:      {', '.join(status.pending) or 'none'}")
    if status.tables is not None:
        p.answer("Rows:")
        for table, count in status.tables.items():
            p.answer(f"  {table:<14}{count}")
    if status.problems:
        raise fail()


@db_app.command("check")
def db_check(ctx: typer.Context) -> None:
    """Run SQLite's full integrity check and foreign-key check; exit 1 if anything is wrong.

    Reads only. Slower than the quick check that runs before every write. On PostgreSQL,
    which enforces the constraints itself, it reads every row of every registry table
    (the server checks each page it reads).
    """
    from pai_deps.db import check_integrity

    state = get_state(ctx)
    result = check_integrity(state.target())
    healthy = not result.problems and not result.foreign_key_problems
    if state.json:
        state.printer.json(
            {
                "success": healthy,
                "path": result.location,
                "integrity": "damaged" if result.problems else "ok",
                "problems": result.problems,
                "foreignKeyProblems": result.foreign_key_problems,
            }
        )
    elif healthy:
        state.printer.answer(f"Registry {result.location}: integrity ok, foreign keys ok")
    else:
        p = state.printer
        p.answer(f"Registry {result.location} is damaged:")
        for problem in result.problems:
            p.answer(f"  {problem}")
        if result.foreign_key_problems:
            p.answer(f"  {result.foreign_key_problems} rows point at rows that do not exist")
        p.answer("Restore a backup (`pai-deps db backup` writes one; see README).")
    if not healthy:
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
    from pai_deps.db import break_migration_lock, open_registry

    state = get_state(ctx)
    target = state.target()
    if break_lock:
        break_migration_lock(target)
    conn, result = open_registry(target, notify=state.printer.note, yes=yes)
    conn.close()
    if state.json:
        state.printer.json(
            {
                "success": True,
                "path": target.shown,
                "applied": result.applied,
                "backup": str(result.backup) if result.backup else None,
            }
        )
        return
    if result.applied:
        state.printer.info(
            f"Applied {len(result.applied)} migration(s): {', '.join(result.applied)}"
        )
    else:
        state.printer.info("Database is up to date.")


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
    from pai_deps.db import PostgresTarget, backup_to, default_backup_path, registry_files
    from pai_deps.errors import PaiDepsError
    from pai_deps.safeio import atomic_output

    state = get_state(ctx)
    if isinstance(state.target(), PostgresTarget):
        raise PaiDepsError(
            "pai-deps does not back up a PostgreSQL registry: use pg_dump (or the server's "
            "own backups), or `pai-deps db copy` it into a SQLite file",
            code="backup_is_pg_dumps_job",
        )
    with state.registry():
        pass  # open (and migrate) first so the copy is a valid, current registry
    source = state.db_path()
    target = file.expanduser().absolute() if file else default_backup_path(source)
    if target.is_dir():
        target = target / default_backup_path(source).name
    if not target.parent.is_dir():
        raise PaiDepsError(f"Backup directory {target.parent} does not exist")
    with atomic_output(
        target, force=False, protected=registry_files(source), what="backup"
    ) as temporary:
        backup_to(source, temporary, shown=target)
    if state.json:
        state.printer.json({"success": True, "backup": str(target)})
    else:
        state.printer.answer(str(target))


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
    from pai_deps.db.copy import copy_registry

    state = get_state(ctx)
    result = copy_registry(
        resolve_target(source),
        resolve_target(destination),
        replace=replace,
        notify=state.printer.note,
    )
    if state.json:
        state.printer.json(
            {
                "success": True,
                "source": result.source,
                "destination": result.destination,
                "rows": result.rows,
                "replaced": result.replaced,
            }
        )
        return
    counts = ", ".join(f"{n} {t}" for t, n in result.rows.items())
    state.printer.answer(f"Copied {result.source} to {result.destination}: {counts}")


def _human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"
