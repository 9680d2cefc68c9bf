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

before = {"enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}
start = collections()
seen = {}
original = collector.resume

def resume():  # what the command starts with, recorded at its first resume
    if not seen:
        seen.update(paused=not gc.isenabled(), start_up_collections=collections() - start)
        original()
        seen.update(enabled=gc.isenabled(), frozen=gc.get_freeze_count(),
                    gen0=gc.get_threshold()[0])
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
    assert state["before"] == {"enabled": True, "frozen": 0}  # importing changes nothing
    command = state["command"]
    assert isinstance(command, dict)
    # imported and built with no collection at all, then collecting again
    assert command["paused"] is True and command["start_up_collections"] == 0
    assert command["enabled"] is True
    assert command["frozen"] > 10_000  # typer, pydantic and the command's modules
    assert command["gen0"] == collector.GEN0_THRESHOLD
    assert state["after"] is True and state["code"] == 0


def test_a_failing_command_leaves_the_collector_on(tmp_path: Path) -> None:
    for args in (["no-such-command"], ["--version"], ["show", "nothing"]):
        state = probe(tmp_path, *args)
        assert state["after"] is True, args
        assert state["code"] != 0 or args == ["--version"], args


def test_resume_without_pause_keeps_an_embedders_settings() -> None:
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    assert gc.isenabled()
    collector.resume()
    assert gc.get_threshold() == threshold
    assert gc.get_freeze_count() == frozen
    assert gc.isenabled()
