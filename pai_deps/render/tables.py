"""Plain, aligned tables and trees in the house style (rich, no borders, no trailing spaces)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.table import Table
    from rich.tree import Tree


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    right: Sequence[str] = (),
    title: str | None = None,
) -> Table:
    """A header row, a rule under it, then the rows; columns named in `right` right-aligned."""
    from rich import box
    from rich.table import Table

    grid = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        title=title,
        title_justify="left",
        header_style="bold",
    )
    for header in headers:
        grid.add_column(header, justify="right" if header in right else "left", no_wrap=True)
    for row in rows:
        grid.add_row(*("-" if cell is None else str(cell) for cell in row))
    return grid


def tree(label: str, children: Sequence[str | tuple[str, Sequence[str]]]) -> Tree:
    """A small two-level tree: strings are leaves, (label, leaves) pairs are branches."""
    from rich.tree import Tree

    root = Tree(label, guide_style="dim")
    for child in children:
        if isinstance(child, str):
            root.add(child)
        else:
            branch = root.add(child[0])
            for leaf in child[1]:
                branch.add(leaf)
    return root


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def arrow_path(ids: Sequence[str]) -> str:
    return " → ".join(ids)
