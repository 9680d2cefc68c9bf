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
from collections.abc import Callable, Iterator, Sequence
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

    def error(self, message: str, lines: Sequence[str] = ()) -> None:
        sys.stderr.write(f"Error: {message}\n")
        for line in lines:
            sys.stderr.write(f"  {line}\n")

    def render(self, renderable: RenderableType, *, answer: bool = True) -> None:
        """Print a rich renderable (a table or tree) to stdout."""
        if self.json_mode or (self.quiet and not answer):
            return
        self.console(sys.stdout).print(renderable)

    def console(self, stream: TextIO) -> Console:
        from rich.console import Console

        terminal = stream.isatty()
        return Console(
            file=stream,
            no_color=not self.color,
            color_system="auto" if self.color and terminal else None,
            highlight=False,
            emoji=False,
            markup=False,
            # Piped output must not be truncated or wrapped at 80 columns.
            width=None if terminal else 10_000,
            soft_wrap=not terminal,
        )

    @contextmanager
    def progress(self, description: str, total: int) -> Iterator[Callable[[int], None]]:
        """A progress bar on stderr, only for a human at a terminal."""
        if self.json_mode or self.quiet or not sys.stderr.isatty():
            yield _no_progress
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=self.console(sys.stderr),
            transient=True,
        ) as bar:
            task = bar.add_task(description, total=total)

            def tick(advance: int) -> None:
                bar.advance(task, advance)

            yield tick


def _no_progress(advance: int) -> None:
    return None


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 tool`, `3 tools`, `1 dependency`, `2 dependencies`."""
    if count == 1:
        return f"{count} {singular}"
    if plural_form is None:
        plural_form = singular[:-1] + "ies" if singular.endswith("y") else singular + "s"
    return f"{count} {plural_form}"
