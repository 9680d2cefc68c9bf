"""The console script starts up with the garbage collector paused and runs its command
with it on again (`pai_deps.cli.collector`); embedders keep their own settings."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

from pai_deps.cli import collector

# Runs the console script's `main` on argv, then reports the collector's state as the
# command left it (in a subprocess: freezing is process-wide).
PROBE = """
import gc, json, sys
sys.argv = ["pai-deps", *sys.argv[1:]]
from pai_deps.cli import collector, main

def collections():
    return sum(generation["collections"] for generation in gc.get_stats())

before = {"enabled": gc.isenabled(), "frozen": gc.get_freeze_count(),
          "threshold": gc.get_threshold()}
start = collections()
seen = {}
original = collector.resume

def resume():  # what the command starts with, recorded at its first resume
    if not seen:
        seen.update(paused=not gc.isenabled(), start_up_collections=collections() - start)
        original()
        seen.update(enabled=gc.isenabled(), frozen=gc.get_freeze_count(),
                    threshold=gc.get_threshold())
    else:
        original()

collector.resume = resume
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"before": before, "command": seen, "after": gc.isenabled(), "code": code}),
      file=sys.stderr)
"""


def probe(tmp_path: Path, *args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--db", str(tmp_path / "r.db"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    result: dict[str, object] = json.loads(done.stderr.strip().splitlines()[-1])
    return result


def test_the_command_runs_with_the_collector_on_and_start_up_frozen(tmp_path: Path) -> None:
    state = probe(tmp_path, "ping")
    before = state["before"]
    assert isinstance(before, dict)
    assert before["enabled"] is True and before["frozen"] == 0  # importing changes nothing
    command = state["command"]
    assert isinstance(command, dict)
    # imported and built with no collection at all, then collecting again
    assert command["paused"] is True and command["start_up_collections"] == 0
    assert command["enabled"] is True
    assert command["frozen"] > 10_000  # typer, pydantic and the command's modules
    assert command["threshold"] == before["threshold"]  # CPython's own
    assert state["after"] is True and state["code"] == 0


def test_a_failing_command_leaves_the_collector_on(tmp_path: Path) -> None:
    for args in (["no-such-command"], ["--version"], ["show", "nothing"]):
        state = probe(tmp_path, *args)
        assert state["after"] is True, args
        assert state["code"] != 0 or args == ["--version"], args


def test_resume_without_pause_keeps_an_embedders_settings() -> None:
    frozen = gc.get_freeze_count()
    assert gc.isenabled()
    collector.resume()
    assert gc.get_freeze_count() == frozen
    assert gc.isenabled()


def test_no_collection_pauses_inside_and_restores_what_it_found() -> None:
    from pai_deps.gcpause import no_collection

    assert gc.isenabled()
    with no_collection():
        assert not gc.isenabled()
        with no_collection():  # nested: the outer pause still holds after
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    try:
        with no_collection():
            raise KeyError("x")
    except KeyError:
        pass
    assert gc.isenabled()  # back on after an exception too
    gc.disable()
    try:
        with no_collection():
            pass
        assert not gc.isenabled()  # it was off: it stays off
    finally:
        gc.enable()


def test_validating_thousands_of_rows_runs_no_collection() -> None:
    """The rows are the answer: the seam validates them with the collector paused (at
    CPython's thresholds, 5,000 rows would otherwise be interrupted by a dozen or more
    collections, each walking the rows made so far)."""
    from pai_deps.models import GraphNodeRow
    from pai_deps.repo._runtime import many

    rows = [
        {
            "id": f"t{i}",
            "name": f"t{i}",
            "type": "cli",
            "version": None,
            "reliability": 0.9,
            "debt_score": 0,
            "stub": False,
            "last_verified": None,
            "slo": None,
        }
        for i in range(5000)
    ]
    gc.collect()
    before = sum(generation["collections"] for generation in gc.get_stats())
    found = many(GraphNodeRow, rows)
    after = sum(generation["collections"] for generation in gc.get_stats())
    assert len(found) == 5000 and found[0].id == "t0"
    assert after - before <= 1  # the one young-generation collection once it is back on
