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
    from pai_deps.db import Connection


@dataclass
class State:
    printer: Printer = field(default_factory=Printer)
    db_option: str | None = None

    @property
    def json(self) -> bool:
        return self.printer.json_mode

    def db_path(self) -> Path:
        from pai_deps.db import resolve_db_path

        return resolve_db_path(self.db_option)

    def registry_files(self) -> list[tuple[Path, str]]:
        """The registry's files, which nothing written on request may replace."""
        from pai_deps.db import registry_files
        from pai_deps.errors import UsageError

        try:
            return registry_files(self.db_path())
        except UsageError:  # no usable registry path: nothing to protect
            return []

    @contextmanager
    def registry(self) -> Iterator[Connection]:
        """The migrated registry connection, closed afterwards."""
        from pai_deps.db import open_db

        path = self.db_path()
        self.printer.debug(f"registry: {path}")
        conn = open_db(path, notify=self.printer.note)
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
