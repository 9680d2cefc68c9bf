"""What this process has written to the registry, so an interrupted command can say so.

`db.transaction` counts here; the CLI reads the counts when Ctrl-C arrives. Kept apart
from `db` so that reading them costs no import of the database layer.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class WriteCount:
    committed: int = 0  # transactions committed since the process started
    open: int = 0  # transactions under way now


WRITES = WriteCount()


def committed_since(baseline: int) -> tuple[int, bool]:
    """(transactions committed since `baseline` was read, whether one is open now)."""
    return WRITES.committed - baseline, WRITES.open > 0
