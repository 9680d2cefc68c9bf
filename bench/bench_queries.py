"""Benchmarks for the query, analysis and picture commands (issue 4).

Builds layered registries with `bench/generate.py` (N = 100, 1,000, 5,000 tools in 20
layers; 600 tools in 20 and in 30 layers for the deep `allpaths` case), then runs each
command as a real process several times and prints a Markdown table of medians, with
peak RSS where it matters. Not a test: nothing asserts; the targets column says what
"good" is.

    python bench/bench_queries.py [--runs 7] [--work /tmp/pai-deps-bench-queries]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.generate import build, write  # noqa: E402

LAYERS = 20


def run(*args: str) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KiB) of one `pai-deps` process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pai_deps", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"pai-deps {' '.join(args)} exited {proc.returncode}")
    return elapsed, usage.ru_maxrss


def measure(runs: int, *args: str) -> tuple[list[float], int]:
    run(*args)  # warm the page cache and the registry
    samples = [run(*args) for _ in range(runs)]
    return [t for t, _ in samples], max(rss for _, rss in samples)


def registry(work: Path, tools: int, layers: int) -> Path:
    root = work / f"eco-{tools}-{layers}"
    database = work / f"reg-{tools}-{layers}.db"
    write(root, build(tools, layers, 3, 2, 0, 1))
    subprocess.run(
        [sys.executable, "-m", "pai_deps", "--db", str(database), "sync", str(root)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return database


def tool(layer: int, index: int) -> str:
    return f"t{layer:02d}-{index:04d}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("/tmp/pai-deps-bench-queries"))
    args = parser.parse_args()
    work: Path = args.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    runs: int = args.runs

    table = [
        "| query | N | median | min–max | peak RSS | target |",
        "|---|---:|---:|---:|---:|---|",
    ]

    def add(name: str, n: int | str, target: str, *command: str) -> float:
        times, rss = measure(runs, *command)
        median = statistics.median(times)
        table.append(
            f"| {name} | {n} | {median * 1000:.0f} ms | {min(times) * 1000:.0f}–"
            f"{max(times) * 1000:.0f} ms | {rss / 1024:.0f} MiB | {target} |"
        )
        print(table[-1], file=sys.stderr)
        return median

    add("`pai-deps --version` (start-up only)", "-", "-", "--version")
    databases = {n: registry(work, n, LAYERS) for n in (100, 1000, 5000)}
    deep = {layers: registry(work, 600, layers) for layers in (20, 30)}
    direct: dict[tuple[str, int], float] = {}
    for n, database in databases.items():
        per_layer = n // LAYERS
        top, bottom = tool(LAYERS - 1, 0), tool(0, 0)
        middle = tool(LAYERS // 2, per_layer // 2)
        db = ("--db", str(database))
        target = "< 200 ms" if n == 5000 else "-"
        add("`ping` (start-up + CLI frame)", n, "-", *db, "ping")
        for name in ("deps", "rdeps"):
            direct[(name, n)] = add(f"`{name}` (direct)", n, "≤ 1.5× N=100", *db, name, middle)
        add("`rdeps -t` bottom tool", n, target, *db, "rdeps", "-t", bottom)
        add("`deps -t` top tool", n, target, *db, "deps", "-t", top)
        add("`blast-radius` bottom tool", n, target, *db, "blast-radius", bottom)
        add("`chain-reliability` top tool", n, target, *db, "chain-reliability", top)
        add(
            "`chain-reliability --all`",
            n,
            "< 1 s" if n == 5000 else "-",
            *db,
            "chain-reliability",
            "--all",
        )
        add("`allpaths --limit 10` top → bottom", n, target, *db, "allpaths", top, bottom)
        if n >= 1000:
            add("`graph` (dot)", n, target, *db, "graph")
            add("`health`", n, target, *db, "health")
            add("`debt`", n, target, *db, "debt")
    for layers, database in deep.items():
        top = tool(layers - 1, 0)
        unreachable = tool(layers - 1, 1)
        add(
            f"`allpaths` unreachable target, {layers} layers",
            600,
            "< 200 ms, < 100 MB",
            "--db",
            str(database),
            "allpaths",
            top,
            unreachable,
        )
        add(
            f"`allpaths --limit 10` top → bottom, {layers} layers",
            600,
            "< 200 ms, < 100 MB",
            "--db",
            str(database),
            "allpaths",
            top,
            tool(0, 0),
        )
    print("\n".join(table))
    print()
    for name in ("deps", "rdeps"):
        ratio = direct[(name, 5000)] / direct[(name, 100)]
        print(f"- direct `{name}`: N=5,000 / N=100 = {ratio:.2f}× (target ≤ 1.5×)")


if __name__ == "__main__":
    main()
