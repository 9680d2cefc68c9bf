"""The `db` commands' documents for a person."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pai_deps.output import Printer
    from pai_deps.results.db import DbCheck, DbCopied, DbMigrated, DbStatus


def db_status(printer: Printer, doc: DbStatus) -> None:
    p = printer
    p.answer(f"Database:     {doc.path}")
    if doc.server is not None:
        p.answer(f"Server:       {doc.server}")
    if not doc.exists:
        p.answer("Exists:       no (created on first use)")
    else:
        p.answer(f"Size:         {human_size(doc.size_bytes)}")
        if doc.journal_mode is not None:
            p.answer(f"Journal mode: {doc.journal_mode}")
        if doc.backend == "postgresql":
            p.answer("Integrity:    enforced by the server (`db check` reads every row)")
        elif doc.problems:
            p.answer(f"Integrity:    damaged ({doc.problems[0]}); run `pai-deps db check`")
        else:
            p.answer("Integrity:    ok (quick check)")
    p.answer(f"Applied:      {', '.join(m.id for m in doc.applied) or 'none'}")
    p.answer(f"Pending:      {', '.join(doc.pending) or 'none'}")
    if doc.tables is not None:
        p.answer("Rows:")
        for table, count in doc.tables.items():
            p.answer(f"  {table:<14}{count}")


def db_check(printer: Printer, doc: DbCheck) -> None:
    if doc.success:
        printer.answer(f"Registry {doc.path}: integrity ok, foreign keys ok")
        return
    printer.answer(f"Registry {doc.path} is damaged:")
    for problem in doc.problems:
        printer.answer(f"  {problem}")
    if doc.foreign_key_problems:
        printer.answer(f"  {doc.foreign_key_problems} rows point at rows that do not exist")
    printer.answer("Restore a backup (`pai-deps db backup` writes one; see README).")


def db_migrated(printer: Printer, doc: DbMigrated) -> None:
    if doc.applied:
        printer.info(f"Applied {len(doc.applied)} migration(s): {', '.join(doc.applied)}")
    else:
        printer.info("Database is up to date.")


def db_copied(printer: Printer, doc: DbCopied) -> None:
    counts = ", ".join(f"{n} {t}" for t, n in doc.rows.items())
    printer.answer(f"Copied {doc.source} to {doc.destination}: {counts}")


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"
