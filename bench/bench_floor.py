"""Every query command against the stack's floor, at 1,000, 5,000 and 50,000 tools (issue 16).

For each size it writes the synthetic ecosystem of `bench/generate.py` (20 layers, 3
dependencies each from the 2 layers below), times a fresh `sync` of it, then runs the
floor (`bench/floor.py`: import typer, pydantic and aiosql, open the database), the stack
floor (`bench/floor.py --stack`: typer parsing a command line and one pydantic model
read and printed, which is what any typer + pydantic command costs) and every command as
a real process, interleaved round by round (each round starts one further
along the list), so load from other work on the machine falls on all of them alike. It
prints a Markdown table per size: the median, its ratio to the floor's median, what is
left above the floor, and peak RSS. Not a test: nothing asserts.

    python bench/bench_floor.py [--sizes 1000 5000 50000] [--runs 7] [--work DIR]
        [--compare OTHER/.venv/bin/python] [--sync-only 20000]

`--compare` runs every command with a second installation too (interleaved the same
way), for before/after figures; each installation syncs and reads its own registry, so
one whose schema is older compares too. A fresh `sync` of 50,000 tools is measured once.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.generate import build, write  # noqa: E402

LAYERS = 20
FLOOR = "floor (import typer, pydantic, aiosql; open the database)"
STACK = "stack floor: typer parses a command line, one row read into a pydantic model and printed"
NEW_TOOL = """\
name: bench-new
version: "1.0.0"
type: cli
description: registered by bench_floor.py
depends_on:
  - name: t00-0000
    type: library
"""


@dataclass
class Samples:
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_kib: int = 0

    def add(self, elapsed: float, cpu: float, rss: int) -> None:
        self.times.append(elapsed)
        self.cpu.append(cpu)
        self.rss_kib = max(self.rss_kib, rss)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


# Every measured process may write its bytecode caches (the warm-up round does), as an
# installed pai-deps does: with PYTHONDONTWRITEBYTECODE set, a checkout's modules would
# be compiled on every run (30-50 ms), and a `--compare` checkout never run before would
# pay that while the installation measured against it did not.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(argv: list[str]) -> tuple[float, float, int]:
    """Wall time (s), CPU time (s) and peak RSS (KiB) of one process; exit codes other than
    0/1 end the run. CPU time is what other work on a shared machine disturbs least."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=CHILD_ENV
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited {code}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def tool(layer: int, index: int) -> str:
    return f"t{layer:02d}-{index:04d}"


def commands(size: int, neighbour: tuple[str, str]) -> list[tuple[str, list[str]]]:
    """(label, arguments after `--db DB`) of every command measured at `size` tools."""
    top, bottom = tool(LAYERS - 1, 0), tool(0, 0)
    middle, below = neighbour
    return [
        ("`show`", ["show", bottom]),
        ("`deps` (direct)", ["deps", middle]),
        ("`deps -t` top tool", ["deps", "-t", top]),
        ("`rdeps -t` bottom tool", ["rdeps", "-t", bottom]),
        ("`affected` bottom tool", ["affected", bottom]),
        ("`path` top → bottom", ["path", top, bottom]),
        ("`path` between neighbours", ["path", middle, below]),
        ("`allpaths -l 5` top → bottom", ["allpaths", "-l", "5", top, bottom]),
        ("`blast-radius` bottom tool", ["blast-radius", bottom]),
        ("`chain-reliability --all`", ["chain-reliability", "--all"]),
        ("`graph` (dot)", ["graph"]),
        ("`list --json`", ["--json", "list"]),
        ("`sync`, nothing changed", ["-q", "sync"]),  # the ecosystem is appended per size
        ("`register` one tool", ["register"]),  # into a fresh copy; the folder is appended
    ]


# (label, argv, the registry to copy to a scratch file before each run: `register`'s).
Plan = list[tuple[str, list[str], tuple[Path, Path] | None]]


def registry(work: Path, size: int, label: str) -> Path:
    """The registry an installation syncs and reads at `size` (the measured one's, or the
    `--compare` one's)."""
    return work / f"reg-{size}{'-before' if label else ''}.db"


# Run in a fresh process: after the stack's imports, how long opening the registry and the
# first query call take (the first call parses its SQL and builds its row's validator).
FIRST_QUERY = """
import sys, time
from pathlib import Path
import typer, pydantic, aiosql
from pydantic import BaseModel, Field
start = time.perf_counter()
from pai_deps import db
from pai_deps.repo import tools
imported = time.perf_counter()
conn = db.open_db(Path(sys.argv[1]))
opened = time.perf_counter()
tools.get_tool(conn, id="t00-0000")
first = time.perf_counter()
tools.get_tool(conn, id="t00-0001")
second = time.perf_counter()
print(imported - start, opened - imported, first - opened, second - first)
"""


def first_query(db: Path, runs: int) -> str:
    """A table row: medians of importing the db layer, opening, the first and second query."""
    figures: list[list[float]] = [[], [], [], []]
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", FIRST_QUERY, str(db)],
            capture_output=True,
            text=True,
            check=True,
            env=CHILD_ENV,
        ).stdout
        for column, value in zip(figures, out.split(), strict=True):
            column.append(float(value) * 1000)
    cells = " | ".join(f"{statistics.median(c):.1f} ms" for c in figures)
    return f"| {cells} | {runs} |"


def fresh_syncs(pythons: dict[str, str], work: Path, size: int, eco: Path, runs: int) -> list[str]:
    """Table rows for a fresh `sync` per installation; leaves each one's registry where
    `registry` says. A first sync, not counted, reads the manifests into the page cache
    (a cold read of 20,000 files made a single run a third slower)."""
    rows: list[str] = []
    for label, python in pythons.items():
        fresh = Samples()
        target = work / f"fresh-{size}.db"
        argv = [python, "-m", "pai_deps", "--db", str(target), "-q", "sync", str(eco)]
        for round_ in range(-1, runs):
            target.unlink(missing_ok=True)
            measured = timed(argv)
            if round_ >= 0:
                fresh.add(*measured)
        target.replace(registry(work, size, label))
        rows.append(
            f"| {label}`sync`, {size:,} fresh manifests | {fresh.median * 1000:.0f} ms | - | - "
            f"| {statistics.median(fresh.cpu) * 1000:.0f} ms | - | "
            f"{fresh.rss_kib / 1024:.0f} MiB | {len(fresh.times)} |"
        )
        print(rows[-1], file=sys.stderr)
    return rows


def plan_for(
    pythons: dict[str, str], work: Path, size: int, eco: Path, neighbour: tuple[str, str]
) -> Plan:
    """The floors (bare, with typer, the stack's), then every command per installation."""
    floor = [sys.executable, str(HERE / "floor.py"), str(registry(work, size, ""))]
    plan: Plan = [
        (FLOOR, floor, None),
        (
            "floor + typer parsing a command line (`bench/floor.py --typer`)",
            [*floor, "--typer"],
            None,
        ),
        (STACK + " (`--stack`)", [*floor, "--stack"], None),
    ]
    for label, python in pythons.items():
        db = registry(work, size, label)
        for name, args in commands(size, neighbour):
            base = [python, "-m", "pai_deps"]
            if args == ["register"]:  # into a fresh copy of the registry, each run
                scratch = db.with_name(f"register{'-before' if label else ''}.db")
                argv = [*base, "--db", str(scratch), "-q", "register", str(work / "bench-new")]
                plan.append((label + name, argv, (db, scratch)))
            else:
                argv = [*base, "--db", str(db), *args, *([str(eco)] if "sync" in args else [])]
                plan.append((label + name, argv, None))
    return plan


def run_rounds(plan: Plan, runs: int, size: int) -> dict[str, Samples]:
    """Every entry of `plan` once per round, each round starting one entry further on."""
    samples = {name: Samples() for name, _, _ in plan}
    for round_ in range(-1, runs):  # round -1 warms the page cache and is not counted
        start = max(round_, 0) % len(plan)
        for name, argv, copy in plan[start:] + plan[:start]:
            if copy is not None:
                shutil.copyfile(*copy)
            measured = timed(argv)
            if round_ >= 0:
                samples[name].add(*measured)
        print(f"{size}: round {round_ + 1}/{runs}", file=sys.stderr)
    return samples


def table(size: int, plan: Plan, samples: dict[str, Samples], sync_rows: list[str]) -> str:
    floor = samples[FLOOR].median
    floor_cpu = statistics.median(samples[FLOOR].cpu)
    stack = samples[STACK + " (`--stack`)"]
    stack_cpu = statistics.median(stack.cpu)
    lines = [
        f"### {size:,} tools",
        "",
        "| what | median | ÷ floor | ÷ stack floor | above stack floor | CPU | CPU ÷ floor "
        "| CPU ÷ stack floor | peak RSS | runs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, _, _ in plan:
        got = samples[name]
        cpu = statistics.median(got.cpu)
        lines.append(
            f"| {name} | {got.median * 1000:.0f} ms | {got.median / floor:.2f} | "
            f"{got.median / stack.median:.2f} | {(got.median - stack.median) * 1000:+.0f} ms | "
            f"{cpu * 1000:.0f} ms | {cpu / floor_cpu:.2f} | {cpu / stack_cpu:.2f} | "
            f"{got.rss_kib / 1024:.0f} MiB | {len(got.times)} |"
        )
    return "\n".join([*lines, *sync_rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 50000])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sync-runs", type=int, default=3, help="fresh syncs up to 5,000 tools")
    parser.add_argument("--work", type=Path, default=Path("/tmp/pai-deps-bench-floor"))
    parser.add_argument("--compare", help="python of a second installation (before/after)")
    parser.add_argument(
        "--sync-only", type=int, nargs="*", default=[], help="sizes to time one fresh sync of"
    )
    options = parser.parse_args()
    work: Path = options.work
    work.mkdir(parents=True, exist_ok=True)
    pythons = {"": sys.executable}
    if options.compare:
        pythons = {"before: ": options.compare, "": sys.executable}
    (work / "bench-new").mkdir(exist_ok=True)
    (work / "bench-new" / "pai-manifest.yaml").write_text(NEW_TOOL)
    for size in options.sync_only:  # e.g. 20,000, to see that sync grows linearly
        eco = work / f"eco-{size}"
        if not (eco / tool(0, 0)).is_dir():
            write(eco, build(size, LAYERS, 3, 2, 0, 1))
        print("\n".join(fresh_syncs(pythons, work, size, eco, 1)), flush=True)
    for size in options.sizes:
        eco = work / f"eco-{size}"
        tools = build(size, LAYERS, 3, 2, 0, 1)
        if not (eco / tool(0, 0)).is_dir():
            write(eco, tools)
        middle = next(t for t in tools if t.layer == LAYERS // 2)
        sync_rows = fresh_syncs(pythons, work, size, eco, options.sync_runs if size <= 5000 else 1)
        plan = plan_for(pythons, work, size, eco, (middle.id, middle.deps[0]))
        samples = run_rounds(plan, options.runs, size)
        print("\n" + table(size, plan, samples, sync_rows) + "\n", flush=True)
        print(
            "| importing the db layer | opening the registry | first query (`get_tool`) "
            "| second query | runs |\n|---:|---:|---:|---:|---:|\n"
            + first_query(registry(work, size, ""), options.runs)
            + "\n",
            flush=True,
        )


if __name__ == "__main__":
    main()
