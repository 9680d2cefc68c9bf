"""Plain, aligned tables and trees in the house style (rich, no borders, no trailing spaces)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.table import Table


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

    def lines(self, *, bold_header: bool = False) -> list[str]:
        widths = [len(h) for h in self.headers]
        for row in self.rows:
            for index, cell in enumerate(row):
                widths[index] = max(widths[index], len(cell))

        def line(cells: Sequence[str]) -> str:
            parts = [
                cell.rjust(width) if header in self.right else cell.ljust(width)
                for cell, width, header in zip(cells, widths, self.headers, strict=True)
            ]
            return "  ".join(parts).rstrip()

        header = line(self.headers)
        out = [f"\x1b[1m{header}\x1b[0m" if bold_header else header]
        out.append("──".join("─" * width for width in widths))
        out.extend(line(row) for row in self.rows)
        return ([self.title] if self.title else []) + out

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
    """Build a table; `None` cells print as `-`, columns named in `right` align right."""
    return TextTable(
        tuple(headers),
        tuple(tuple("-" if cell is None else str(cell) for cell in row) for row in rows),
        frozenset(right),
        title,
    )


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
        label,
        tuple(c if isinstance(c, str) else (c[0], tuple(c[1])) for c in children),
    )


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def arrow_path(ids: Sequence[str]) -> str:
    return " → ".join(ids)
