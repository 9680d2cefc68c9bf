"""What every command receives: the global options and a way to open the registry."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from pai_deps.output import Printer

if TYPE_CHECKING:
    from pai_deps.db import Connection, Target


@dataclass
class State:
    printer: Printer = field(default_factory=Printer)
    db_option: str | None = None

    @property
    def json(self) -> bool:
        return self.printer.json_mode

    def target(self) -> Target:
        """Where the registry is: a SQLite file or a PostgreSQL database."""
        from pai_deps.db import resolve_target

        return resolve_target(self.db_option)

    def db_path(self) -> Path:
        """The registry file (a usage error when the registry is on PostgreSQL)."""
        from pai_deps.db import resolve_db_path

        return resolve_db_path(self.db_option)

    def registry_files(self) -> list[tuple[Path, str]]:
        """The registry's files, which nothing written on request may replace."""
        from pai_deps.db import SqliteTarget, registry_files
        from pai_deps.errors import UsageError

        try:
            target = self.target()
        except UsageError:  # no usable registry path: nothing to protect
            return []
        return registry_files(target.path) if isinstance(target, SqliteTarget) else []

    @contextmanager
    def registry(self) -> Iterator[Connection]:
        """The migrated registry connection, closed afterwards."""
        from pai_deps.db import open_registry

        target = self.target()
        self.printer.debug(f"registry: {target.shown}")
        conn, _ = open_registry(target, notify=self.printer.note)
        try:
            yield conn
        finally:
            conn.close()


def get_state(ctx: typer.Context) -> State:
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State()
    return root.obj


def fail(code: int = 1) -> typer.Exit:
    """The command ran and the answer is negative: exit with `code` after printing it."""
    return typer.Exit(code)
