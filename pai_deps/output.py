"""The one printer every command goes through.

stdout carries the answer (a JSON document under `--json`, otherwise text and tables);
stderr carries warnings, notes, progress and errors. `--quiet` keeps only the answer and
errors; `--no-color` / `NO_COLOR` turn colour off. JSON never passes through rich, which
would wrap it and eat `[markup]`.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


def dump_json(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


@dataclass
class Printer:
    json_mode: bool = False
    quiet: bool = False
    verbose: int = 0
    no_color: bool = False

    @property
    def color(self) -> bool:
        return not self.no_color and "NO_COLOR" not in os.environ

    # -- machine output -------------------------------------------------------------------
    def json(self, document: dict[str, Any]) -> None:
        """Print the command's single JSON document (the caller sets `success`)."""
        sys.stdout.write(dump_json(document) + "\n")
        sys.stdout.flush()

    # -- human output ---------------------------------------------------------------------
    def answer(self, text: str = "") -> None:
        """Part of the answer itself: printed even under --quiet."""
        if not self.json_mode:
            sys.stdout.write(text + "\n")

    def info(self, text: str = "") -> None:
        """Headers, footers, hints and success chatter: dropped by --quiet."""
        if not self.json_mode and not self.quiet:
            sys.stdout.write(text + "\n")

    def warn(self, text: str) -> None:
        if not self.quiet and not self.json_mode:
            sys.stderr.write(f"Warning: {text}\n")

    def note(self, text: str) -> None:
        """Out-of-band notices (e.g. a migration backup): stderr, kept under --json."""
        if not self.quiet:
            sys.stderr.write(f"Note: {text}\n")

    def debug(self, text: str) -> None:
        if self.verbose and not self.quiet:
            sys.stderr.write(f"[debug] {text}\n")

    def problem(self, text: str) -> None:
        """A line about something that went wrong, kept under --quiet (stderr)."""
        if not self.json_mode:
            sys.stderr.write(text + "\n")

    def error(self, message: str, lines: Sequence[str] = ()) -> None:
        sys.stderr.write(f"Error: {message}\n")
        for line in lines:
            sys.stderr.write(f"  {line}\n")

    def render(self, renderable: RenderableType, *, answer: bool = True) -> None:
        """Print a rich renderable (a table or tree) to stdout, without trailing spaces."""
        if self.json_mode or (self.quiet and not answer):
            return
        terminal = sys.stdout.isatty()
        from pai_deps.render.tables import TextTable, TextTree

        if isinstance(renderable, TextTable):
            bold = terminal and self.color
            sys.stdout.write("\n".join(renderable.lines(bold_header=bold)) + "\n")
            return
        if isinstance(renderable, TextTree):
            sys.stdout.write("\n".join(renderable.lines()) + "\n")
            return
        sys.stdout.write(self.render_text(renderable, terminal=terminal))

    def render_text(self, renderable: RenderableType, *, terminal: bool = False) -> str:
        import io

        buffer = io.StringIO()
        console = self.console(buffer, terminal=terminal)
        console.print(renderable)
        return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())

    def console(self, stream: TextIO, *, terminal: bool | None = None) -> Console:
        from rich.console import Console

        if terminal is None:
            terminal = stream.isatty()
        return Console(
            file=stream,
            no_color=not self.color,
            color_system="auto" if self.color and terminal else None,
            highlight=False,
            emoji=False,
            markup=False,
            # Piped output must not be truncated or wrapped at 80 columns.
            force_terminal=terminal if self.color else False,
            width=None if terminal else 10_000,
            soft_wrap=not terminal,
        )

    @contextmanager
    def progress(self, description: str, total: int | None = None) -> Iterator[Progress]:
        """A progress bar on stderr, only for a human at a terminal (else a no-op)."""
        if self.json_mode or self.quiet or not sys.stderr.isatty():
            yield Progress()
            return
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
        from rich.progress import Progress as RichProgress

        with RichProgress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=self.console(sys.stderr),
            transient=True,
        ) as bar:
            yield _BarProgress(bar, bar.add_task(description, total=total))


class Progress:
    """Progress of long work; this base class reports nowhere."""

    def set_total(self, total: int) -> None:
        return None

    def advance(self, amount: int = 1) -> None:
        return None


class _BarProgress(Progress):
    def __init__(self, bar: Any, task: Any) -> None:
        self._bar = bar
        self._task = task

    def set_total(self, total: int) -> None:
        self._bar.update(self._task, total=total)

    def advance(self, amount: int = 1) -> None:
        self._bar.advance(self._task, amount)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 tool`, `3 tools`, `1 dependency`, `2 dependencies`."""
    if count == 1:
        return f"{count} {singular}"
    if plural_form is None:
        plural_form = singular[:-1] + "ies" if singular.endswith("y") else singular + "s"
    return f"{count} {plural_form}"


def depend_on_it(dependents: Sequence[str]) -> str:
    """`1 tool depends on it (a)`, `2 tools depend on it (a, b)`."""
    verb = "depends" if len(dependents) == 1 else "depend"
    return f"{plural(len(dependents), 'tool')} {verb} on it ({', '.join(dependents)})"
