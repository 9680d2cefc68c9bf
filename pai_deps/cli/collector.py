"""Start-up without the cyclic garbage collector.

Importing typer, pydantic and a command's modules allocates a few hundred thousand
objects that all live until the process exits, and CPython's collector walks them again
at every older-generation collection: about a fifth of a single-answer command's time.
The console script therefore imports and builds its command with the collector off
(`pause`), then moves everything start-up made out of the collector's reach (`resume`:
`gc.freeze`) and runs the command with the collector on again, its youngest generation
collected every `GEN0_THRESHOLD` allocations instead of 700, so building thousands of
rows is not interrupted hundreds of times. Reference cycles are still collected, so a
long-running command (the MCP server, a large sync) does not grow without bound.
"""

from __future__ import annotations

import gc

# Allocations between two youngest-generation collections once the command runs. The
# older generations keep CPython's defaults: one collection per 10 of the one below.
GEN0_THRESHOLD = 50_000


def pause() -> None:
    """Collector off until `resume` (start-up's objects are never garbage)."""
    gc.disable()


def resume() -> None:
    """Start-up is over: freeze what it built and collect again, less often. Nothing when
    the collector was not paused (an embedder's process keeps its own settings)."""
    if gc.isenabled():
        return
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, older, oldest)
    gc.enable()
