"""`check` and `can-i-ship` at 1,000 and 5,000 tools (issue 13).

Each size is a generated ecosystem (`bench/generate.py --uses --cycles 1`: every
dependency on a CLI tool declares the field it reads) registered by `sync`. Timed, as
separate processes: `check` over the registered manifests (each re-read from disk),
`check ROOT` (the same manifests found by discovery), and `can-i-ship` for the CLI tool
with the most direct dependents, once unchanged (yes) and once after a breaking change
to the field they read (no). Prints a Markdown table of medians. Not a test.

    python bench/bench_uses.py [--sizes 1000 5000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import build, write


def timed(db: Path, args: list[str], expect: int) -> tuple[float, float]:
    """(wall, CPU) seconds of one `pai-deps` process; CPU (user + system) is what the
    command itself costs, the wall time what a user waits on this machine's load."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pai_deps", "--db", str(db), "-q", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != expect:
        raise SystemExit(f"pai-deps {' '.join(args)} exited {result.returncode}, not {expect}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def bench_size(size: int, runs: int, work: Path) -> list[tuple[str, list[tuple[float, float]]]]:
    root = work / f"eco{size}"
    db = work / f"reg{size}.db"
    tools = build(size, 20, 3, 2, 1, 1)
    write(root, tools, uses=True)
    subprocess.run(
        [sys.executable, "-m", "pai_deps", "--db", str(db), "-q", "sync", str(root)],
        stdout=subprocess.DEVNULL,
        check=True,
    )
    fan_in: dict[str, int] = {}
    for tool in tools:
        for dep in tool.deps:
            if int(dep[1:3]) % 2:
                fan_in[dep] = fan_in.get(dep, 0) + 1
    hub = max(sorted(fan_in), key=lambda t: fan_in[t])
    cases: list[tuple[str, list[str], int]] = [
        (f"`check` (registered manifests) at {size:,}", ["check", "--ignore", "cycle"], 0),
        (f"`check ROOT` at {size:,}", ["check", str(root), "--ignore", "cycle"], 0),
        (f"`can-i-ship` yes at {size:,} ({fan_in[hub]} consumers)", ["can-i-ship", hub], 0),
    ]
    results = []
    for label, args, expect in cases:
        timed(db, args, expect)  # warm the page cache
        results.append((label, [timed(db, args, expect) for _ in range(runs)]))
    schema = root / hub / "out.schema.json"
    schema.write_text(json.dumps({"type": "object", "properties": {"ok": {"type": "string"}}}))
    label = f"`can-i-ship` no at {size:,} ({fan_in[hub]} consumers blocked)"
    timed(db, ["can-i-ship", hub], 1)
    results.append((label, [timed(db, ["can-i-ship", hub], 1) for _ in range(runs)]))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    print("| what | wall, median | wall, range | CPU, median | runs |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as scratch:
        for size in options.sizes:
            for label, samples in bench_size(size, options.runs, Path(scratch)):
                wall = [w * 1000 for w, _ in samples]
                cpu = [c * 1000 for _, c in samples]
                print(
                    f"| {label} | {statistics.median(wall):.0f} ms | "
                    f"{min(wall):.0f}–{max(wall):.0f} ms | {statistics.median(cpu):.0f} ms | "
                    f"{len(samples)} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
