"""What the `db` commands answer: each function is one command's service and returns its
document (`pai_deps.results.db`), so the commands only parse options and print."""

from __future__ import annotations

from pathlib import Path

from pai_deps.db.migrating import Notify
from pai_deps.db.target import PostgresTarget, SqliteTarget, Target
from pai_deps.errors import PaiDepsError
from pai_deps.results.db import (
    AppliedMigration,
    DbBackup,
    DbCheck,
    DbCopied,
    DbMigrated,
    DbPath,
    DbStatus,
)


def where(target: Target) -> DbPath:
    """`db path`: nothing is created and no server is contacted."""
    exists = target.path.exists() if isinstance(target, SqliteTarget) else None
    return DbPath(path=target.shown, backend=target.dialect, exists=exists)


def status(target: Target) -> DbStatus:
    """`db status`: read only; `success` is false when the quick check finds damage."""
    from pai_deps.db.status import describe

    found = describe(target)
    return DbStatus(
        success=found.integrity != "damaged",
        path=found.location,
        backend=found.backend,
        server=found.server,
        exists=found.exists,
        size_bytes=found.size_bytes,
        journal_mode=found.journal_mode,
        integrity=found.integrity,
        problems=found.problems,
        applied=[AppliedMigration(id=mid, applied_at=at) for mid, at in found.applied],
        pending=found.pending,
        tables=found.tables,
    )


def check(target: Target) -> DbCheck:
    """`db check`: the full integrity and foreign-key check, read only."""
    from pai_deps.db.status import check_integrity

    found = check_integrity(target)
    return DbCheck(
        success=not found.problems and not found.foreign_key_problems,
        path=found.location,
        integrity="damaged" if found.problems else "ok",
        problems=found.problems,
        foreign_key_problems=found.foreign_key_problems,
    )


def migrate(target: Target, *, break_lock: bool, yes: bool, notify: Notify) -> DbMigrated:
    """`db migrate`: apply what is pending now (SQLite backs the file up first)."""
    from pai_deps.db import break_migration_lock, open_registry

    if break_lock:
        break_migration_lock(target)
    conn, result = open_registry(target, notify=notify, yes=yes)
    conn.close()
    backup = str(result.backup) if result.backup else None
    return DbMigrated(path=target.shown, applied=result.applied, backup=backup)


def backup(target: Target, file: Path | None, *, notify: Notify) -> DbBackup:
    """`db backup`: a consistent copy, whole or not at all, never over an existing file or
    the registry's own files."""
    from pai_deps.db import backup_to, default_backup_path, open_registry, registry_files
    from pai_deps.safeio import atomic_output

    if isinstance(target, PostgresTarget):
        raise PaiDepsError(
            "pai-deps does not back up a PostgreSQL registry: use pg_dump (or the server's "
            "own backups), or `pai-deps db copy` it into a SQLite file",
            code="backup_is_pg_dumps_job",
        )
    conn, _ = open_registry(target, notify=notify)  # so the copy is a valid, current registry
    conn.close()
    source = target.path
    destination = file.expanduser().absolute() if file else default_backup_path(source)
    if destination.is_dir():
        destination = destination / default_backup_path(source).name
    if not destination.parent.is_dir():
        raise PaiDepsError(f"Backup directory {destination.parent} does not exist")
    with atomic_output(
        destination, force=False, protected=registry_files(source), what="backup"
    ) as temporary:
        backup_to(source, temporary, shown=destination)
    return DbBackup(backup=str(destination))


def copy(source: Target, destination: Target, *, replace: bool, notify: Notify) -> DbCopied:
    """`db copy`: one snapshot read, one destination transaction."""
    from pai_deps.db.copy import copy_registry

    result = copy_registry(source, destination, replace=replace, notify=notify)
    return DbCopied(
        source=result.source,
        destination=result.destination,
        rows=result.rows,
        replaced=result.replaced,
    )
