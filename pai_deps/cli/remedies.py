"""Where a failure's remedy is worded in the options of the command that was run.

Services raise errors that say what went wrong (a message, a `code`, structured
`details`); they never name a command-line flag, because a service serves other callers
too (`ci check --fix` registers and unregisters; `sync` writes what `register` writes).
A command wraps its service call in `remedies({...})`, and a failure whose code it knows
leaves with the remedy added: `; use --force to turn it into a stub instead`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from pai_deps.errors import PaiDepsError


@dataclass(frozen=True)
class Remedy:
    """`suffix` is appended to the message as written (`" (... or use --force ...)"`);
    `hint`, when given, becomes the JSON envelope's `hint`."""

    suffix: str
    hint: str | None = None

    def apply(self, exc: PaiDepsError) -> PaiDepsError:
        exc.message += self.suffix
        exc.args = (exc.message,)
        if self.hint is not None:
            exc.details["hint"] = self.hint
        return exc


@contextmanager
def remedies(known: Mapping[str, Remedy]) -> Iterator[None]:
    """Add the remedy of a failure whose code is in `known`; others pass unchanged."""
    try:
        yield
    except PaiDepsError as exc:
        remedy = known.get(exc.code)
        if remedy is not None:
            remedy.apply(exc)
        raise
