"""Plain, aligned tables and trees in the house style (no borders, no trailing spaces).

Columns are measured in terminal cells, not characters (a CJK character or an emoji
takes two), and a table wider than the terminal is fitted by shortening its widest
column with `…` in the middle, so both ends of a long name stay readable.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING

from pai_deps.gcpause import no_collection
from pai_deps.output import visible_cell

if TYPE_CHECKING:
    from rich.table import Table

GAP = 2  # cells between columns
MIN_WIDTH = 12  # a column is never shortened below this, nor below its header
ELLIPSIS = "…"


# Characters pai-deps itself prints inside cells, each one cell wide (a test checks).
NARROW_MARKS = ("→", ELLIPSIS)


def cell_width(text: str) -> int:
    """Terminal cells `text` takes: 2 for wide (CJK, most emoji), 0 for combining marks."""
    if text.isascii():
        return len(text)
    plain = text
    for mark in NARROW_MARKS:  # `a → b → c` of long paths: no per-character lookup
        plain = plain.replace(mark, "")
    if plain.isascii():
        return len(text)
    from rich.cells import cell_len

    return int(cell_len(text))


def shorten(text: str, width: int) -> str:
    """`text` in at most `width` cells, the middle replaced by `…` when it must be cut."""
    if cell_width(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    head_budget = width // 2  # the cells around the `…`, the start getting the odd one
    tail_budget = width - 1 - head_budget
    head, used = "", 0
    for char in text:
        size = cell_width(char)
        if used + size > head_budget:
            break
        head, used = head + char, used + size
    tail, used = "", 0
    for char in reversed(text):
        size = cell_width(char)
        if used + size > tail_budget:
            break
        tail, used = char + tail, used + size
    return f"{head}{ELLIPSIS}{tail}"


def fit(widths: list[int], minimums: list[int], limit: int) -> list[int]:
    """Shrink the widest column, one cell at a time, until the row fits `limit`."""
    fitted = list(widths)
    while sum(fitted) + GAP * (len(fitted) - 1) > limit:
        candidates = [i for i, w in enumerate(fitted) if w > minimums[i]]
        if not candidates:
            break  # as narrow as it may get: wider than the terminal beats unreadable
        widest = max(candidates, key=lambda i: (fitted[i], -i))
        fitted[widest] -= 1
    return fitted


@dataclass(frozen=True)
class TextTable:
    """A header row, a rule under it, then the rows; some columns right-aligned.

    Formatted directly (not through rich's layout engine), because a 5,000-row `list`
    must print in milliseconds, not seconds. Inside other rich renderables it still works
    (`__rich__`).
    """

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: frozenset[str] = frozenset()
    title: str | None = None

    def lines(self, *, width: int | None = None) -> list[str]:
        """The table's lines (title, header, rule, rows), fitted into `width` cells when
        given. The printer emboldens the header line (`header_line`) on a terminal."""
        simple = ["".join(row).isascii() for row in self.rows]  # one cell per character
        measured = [
            list(map(len, row)) if ascii else list(map(cell_width, row))
            for row, ascii in zip(self.rows, simple, strict=True)
        ]
        # Each column's widest cell, header included: one max per column, not per cell.
        widths = [
            max(column) for column in zip(map(cell_width, self.headers), *measured, strict=True)
        ]
        if width is not None:
            minimums = [
                max(cell_width(h), min(MIN_WIDTH, w))
                for h, w in zip(self.headers, widths, strict=True)
            ]
            widths = fit(widths, minimums, width)

        def line(cells: Sequence[str], sizes: Sequence[int] | None = None) -> str:
            parts = []
            for index, (text, column, header) in enumerate(
                zip(cells, widths, self.headers, strict=True)
            ):
                size = cell_width(text) if sizes is None else sizes[index]
                shown = shorten(text, column) if size > column else text
                padding = " " * (column - (size if shown is text else cell_width(shown)))
                parts.append(padding + shown if header in self.right else shown + padding)
            return (" " * GAP).join(parts).rstrip()

        # Every row padded column by column through str.ljust/rjust; used for the rows
        # whose cells are one terminal cell per character and fit (most rows of a long
        # table), the others go through `line`.
        columns = zip(*self.rows, strict=True) if self.rows else iter(())
        padded = [
            list(map(str.rjust if header in self.right else str.ljust, column, repeat(size)))
            for header, column, size in zip(self.headers, columns, widths, strict=bool(self.rows))
        ]
        gap = " " * GAP
        rows = zip(*padded, strict=True)
        texts = [gap.join(cells).rstrip() for cells in rows] or [""] * len(self.rows)

        out = [line(self.headers)]
        out.append(("─" * GAP).join("─" * column for column in widths))
        for row, sizes, ascii, text in zip(self.rows, measured, simple, texts, strict=True):
            narrow = ascii or all(map(operator.eq, sizes, map(len, row)))
            fits = all(map(operator.le, sizes, widths))
            out.append(text if narrow and fits else line(row, sizes))
        return ([self.title] if self.title else []) + out

    @property
    def header_line(self) -> int:
        """Which of `lines()` is the header."""
        return 1 if self.title else 0

    def __rich__(self) -> Table:
        from rich import box
        from rich.table import Table

        grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title=self.title)
        for header in self.headers:
            grid.add_column(header, justify="right" if header in self.right else "left")
        for row in self.rows:
            grid.add_row(*row)
        return grid


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    right: Sequence[str] = (),
    title: str | None = None,
) -> TextTable:
    """Build a table; `None` cells print as `-`, columns named in `right` align right.

    Control characters in cells print visibly (cells come from manifests)."""
    with no_collection():  # every cell is printed
        cells = tuple(map(_cells, rows))
    return TextTable(tuple(headers), cells, frozenset(right), title)


def _cells(row: Sequence[object]) -> tuple[str, ...]:
    """One row's cells as printed: a row of printable ASCII (most rows) is checked once,
    not cell by cell (`visible_cell` leaves such text as it is)."""
    texts = ["-" if cell is None else str(cell) for cell in row]
    joined = "".join(texts)
    if joined.isascii() and joined.isprintable():
        return tuple(texts)
    return tuple(map(visible_cell, texts))


@dataclass(frozen=True)
class TextTree:
    """A small tree drawn with box characters; like TextTable, formatted without rich."""

    label: str
    children: tuple[str | tuple[str, tuple[str, ...]], ...]

    def lines(self) -> list[str]:
        out = [self.label]
        for index, child in enumerate(self.children):
            last = index == len(self.children) - 1
            branch, rest = ("└── ", "    ") if last else ("├── ", "│   ")
            if isinstance(child, str):
                out.append(branch + child)
                continue
            out.append(branch + child[0])
            for leaf_index, leaf in enumerate(child[1]):
                leaf_last = leaf_index == len(child[1]) - 1
                out.append(rest + ("└── " if leaf_last else "├── ") + leaf)
        return out

    def __rich__(self) -> str:
        return "\n".join(self.lines())


def tree(label: str, children: Sequence[str | tuple[str, Sequence[str]]]) -> TextTree:
    """A two-level tree: strings are leaves, (label, leaves) pairs are branches."""
    return TextTree(
        visible_cell(label),
        tuple(
            visible_cell(c)
            if isinstance(c, str)
            else (visible_cell(c[0]), tuple(map(visible_cell, c[1])))
            for c in children
        ),
    )


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def arrow_path(ids: Sequence[str]) -> str:
    return " → ".join(ids)
