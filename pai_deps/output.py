r"""The one printer every command goes through.

stdout carries the answer (a JSON document under `--json`, otherwise text and tables);
stderr carries warnings, notes, progress and errors. `--quiet` keeps only the answer and
errors; `--no-color` / a non-empty `NO_COLOR` turn colour off. JSON never passes through
rich, which would wrap it and eat `[markup]`.

Text from manifests (descriptions, versions, commands, paths) is other people's: a raw
escape sequence in it could erase lines, forge "all checks passed" or set the window
title. So every control character in human output is printed visibly (`\x1b`, `\r`,
`\u202e`), here and nowhere else; a line method keeps its text on one line, `document`
keeps the newlines of a multi-line document. JSON escapes C0 controls itself; the C1 and
bidirectional ones are escaped too. A reader that closes the pipe early (`| head`) ends
the output quietly; the command still exits with its own code.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from pai_deps.gcpause import no_collection
from pai_deps.jsontext import BEYOND_C0 as _BEYOND_C0
from pai_deps.jsontext import dump_json, dump_model
from pai_deps.progress import Progress

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from pai_deps.results.base import CamelModel

_DISPLAY_CONTROLS = "\x00-\x08\x0b-\x1f" + _BEYOND_C0  # every control but tab and newline
_UNSAFE_IN_DOCUMENT = re.compile(f"[{_DISPLAY_CONTROLS}]")
_UNSAFE_IN_LINE = re.compile(f"[\n{_DISPLAY_CONTROLS}]")
_UNSAFE_IN_CELL = re.compile(f"[\t\n{_DISPLAY_CONTROLS}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(text: str, *, keep_newlines: bool = False) -> str:
    r"""`text` with every control character written out: ESC prints as `\x1b`."""
    pattern = _UNSAFE_IN_DOCUMENT if keep_newlines else _UNSAFE_IN_LINE
    return pattern.sub(_shown, text)


def visible_cell(text: str) -> str:
    """A table cell: one line, no tabs to break the alignment."""
    if text.isascii() and text.isprintable():  # most cells: no control character at all
        return text
    return _UNSAFE_IN_CELL.sub(_shown, text)


def write(stream: TextIO, text: str) -> None:
    """Write, unless the reader has gone: then everything after is dropped quietly."""
    try:
        stream.write(text)
    except BrokenPipeError:
        reader_gone(stream)


def flush(stream: TextIO) -> None:
    try:
        stream.flush()
    except BrokenPipeError:
        reader_gone(stream)
    except ValueError:  # already closed
        pass


def reader_gone(stream: TextIO) -> None:
    """Point the stream at /dev/null so later writes (and the exit flush) succeed."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def colour_off_by_environment() -> bool:
    """NO_COLOR turns colour off when it is set to anything but the empty string."""
    return bool(os.environ.get("NO_COLOR"))


@dataclass(frozen=True)
class Styled:
    """Text the printer colours (an SGR code such as "31" for red) when colour is on."""

    text: str
    sgr: str


@dataclass
class Printer:
    json_mode: bool = False
    quiet: bool = False
    verbose: int = 0
    no_color: bool = False

    @property
    def color(self) -> bool:
        return not self.no_color and not colour_off_by_environment()

    # -- machine output -------------------------------------------------------------------
    def json(self, document: CamelModel | dict[str, Any]) -> None:
        """Print the command's single JSON document (a result model, or the error envelope)."""
        # Duck-typed, so that importing the printer never imports pydantic.
        text = dump_json(document) if isinstance(document, dict) else dump_model(document)
        write(sys.stdout, text + "\n")
        flush(sys.stdout)

    # -- human output: each line method prints one line ------------------------------------
    def answer(self, *parts: str | Styled) -> None:
        """Part of the answer itself: printed even under --quiet."""
        if not self.json_mode:
            write(sys.stdout, self._line(parts, sys.stdout) + "\n")

    def answer_lines(self, lines: Iterable[str]) -> None:
        """Many plain lines of the answer in one write (a 5,000-tool list of chains below
        the threshold is one call, not 5,000 colour checks and writes)."""
        if not self.json_mode:
            write(sys.stdout, "".join(visible(line) + "\n" for line in lines))

    def _line(self, parts: Sequence[str | Styled], stream: TextIO) -> str:
        colour = self.color and stream.isatty()
        return "".join(
            visible(part)
            if isinstance(part, str)
            else (f"\x1b[{part.sgr}m{visible(part.text)}\x1b[0m" if colour else visible(part.text))
            for part in parts
        )

    def document(self, text: str) -> None:
        """A multi-line answer (Markdown, DOT, YAML, a JSON Schema), printed as it is."""
        if not self.json_mode:
            write(sys.stdout, visible(text.rstrip("\n"), keep_newlines=True) + "\n")

    def info(self, text: str = "") -> None:
        """Headers, footers, hints and success chatter: dropped by --quiet."""
        if not self.json_mode and not self.quiet:
            write(sys.stdout, visible(text) + "\n")

    def warn(self, text: str) -> None:
        if not self.quiet and not self.json_mode:
            write(sys.stderr, f"Warning: {visible(text)}\n")

    def note(self, text: str) -> None:
        """Out-of-band notices (e.g. a migration backup): stderr, kept under --json."""
        if not self.quiet:
            write(sys.stderr, f"Note: {visible(text)}\n")

    def debug(self, text: str) -> None:
        if self.verbose and not self.quiet:
            write(sys.stderr, f"[debug] {visible(text)}\n")

    def problem(self, text: str) -> None:
        """A line about something that went wrong, kept under --quiet (stderr)."""
        if not self.json_mode:
            write(sys.stderr, visible(text) + "\n")

    def usage_error(self, text: str) -> None:
        """Click's usage block (usage line, hint, error), which quotes the command line."""
        write(sys.stderr, visible(text.rstrip("\n"), keep_newlines=True) + "\n")

    def error(self, message: str, lines: Sequence[str] = (), *, prefix: str = "Error") -> None:
        """The one line of a failure (stderr, in every mode), with its detail lines."""
        write(sys.stderr, f"{prefix}: {visible(message)}\n")
        for line in lines:
            write(sys.stderr, f"  {visible(line)}\n")

    def render(self, renderable: RenderableType, *, answer: bool = True) -> None:
        """Print a rich renderable (a table or tree) to stdout, without trailing spaces."""
        if self.json_mode or (self.quiet and not answer):
            return
        terminal = sys.stdout.isatty()
        from pai_deps.render.tables import TextTable, TextTree

        if isinstance(renderable, TextTable):
            with no_collection():  # a long table's lines are all printed
                lines = renderable.lines(width=output_width(sys.stdout))
            if terminal and self.color:
                header = renderable.header_line
                lines[header] = f"\x1b[1m{lines[header]}\x1b[0m"
            write(sys.stdout, "\n".join(lines) + "\n")
            return
        if isinstance(renderable, TextTree):
            write(sys.stdout, "\n".join(renderable.lines()) + "\n")
            return
        write(sys.stdout, self.render_text(renderable, terminal=terminal))

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


def output_width(stream: TextIO) -> int | None:
    """How wide a table may be: COLUMNS when set, the terminal's width, else unlimited.

    Piped output is not cut (a script wants whole names) unless COLUMNS asks for it.
    """
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        if stream.isatty():
            return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError):
        pass
    return None


class _BarProgress(Progress):
    def __init__(self, bar: Any, task: Any) -> None:
        self._bar = bar
        self._task = task

    def set_total(self, total: int) -> None:
        self._bar.update(self._task, total=total)

    def advance(self, amount: int = 1) -> None:
        self._bar.advance(self._task, amount)
