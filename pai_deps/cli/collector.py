"""Start-up without the cyclic garbage collector.

Importing typer, pydantic and a command's modules allocates a few hundred thousand
objects that all live until the process exits, and CPython's collector walks them again
at every older-generation collection: about a fifth of a single-answer command's time.
The console script therefore imports and builds its command with the collector off
(`pause`), then moves everything start-up made out of the collector's reach (`resume`:
`gc.freeze`) and runs the command with the collector on again, at CPython's thresholds:
a sync of 5,000 manifests makes reference cycles (one per YAML loader) that a rarer
collection would keep twice as much memory for. Where a command builds thousands of
objects that are all its answer, `pai_deps.gcpause` pauses collection for that part.
"""

from __future__ import annotations

import gc


def pause() -> None:
    """Collector off until `resume` (start-up's objects are never garbage)."""
    gc.disable()


def resume() -> None:
    """Start-up is over: freeze what it built and collect again. Nothing when the
    collector was not paused (an embedder's process keeps its own settings)."""
    if gc.isenabled():
        return
    gc.freeze()
    gc.enable()
