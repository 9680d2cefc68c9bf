"""Documents of `cycles` and `cycles resolve`."""

from __future__ import annotations

from typing import Literal

from pai_deps.models import CycleRow
from pai_deps.results.base import Envelope


class CycleList(Envelope):
    """`pai-deps --json cycles [--all]`."""

    cycles: list[CycleRow]
    count: int


class CycleResolved(Envelope):
    """`pai-deps --json cycles resolve ID`."""

    id: int
    cycle: list[str]
    resolved: Literal[True] = True
