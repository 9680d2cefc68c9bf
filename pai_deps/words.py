"""Counting words for messages people read (`1 tool`, `3 dependencies`).

Kept apart from the printer so that services can word a message without importing it.
"""

from __future__ import annotations

from collections.abc import Sequence


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
