"""How long work reports its progress without knowing who is watching.

Services take a `Progress` and call it; the CLI passes a bar (stderr, TTY only) or the
silent default. A service therefore never imports the printer.
"""

from __future__ import annotations


class Progress:
    """Progress of long work; this base class reports nowhere."""

    def set_total(self, total: int) -> None:
        return None

    def advance(self, amount: int = 1) -> None:
        return None
