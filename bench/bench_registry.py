"""Benchmarks for the database layer and the registry (issues 2 and 3).

Runs pai-deps as real processes (what a user waits for) and the database layer in-process,
several times each, and prints a Markdown table of medians. Not a test: nothing asserts.

    python bench/bench_registry.py [--runs 7] [--work /tmp/pai-deps-bench]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.generate import build, write  # noqa: E402


def pai_deps(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pai_deps", *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def measure(
    runs: int, action: Callable[[], None], before: Callable[[], None] | None = None
) -> list[float]:
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def row(name: str, times: list[float], target: str) -> str:
    median = statistics.median(times)
    digits = 0 if median >= 0.01 else 3  # in-process figures are fractions of a millisecond
    low, high = min(times) * 1000, max(times) * 1000
    return (
        f"| {name} | {median * 1000:.{digits}f} ms | {low:.{digits}f}–{high:.{digits}f} ms "
        f"| {len(times)} | {target} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("/tmp/pai-deps-bench"))
    args = parser.parse_args()
    work: Path = args.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    runs = args.runs
    rows: list[str] = []

    for size in (1000, 5000):
        write(work / f"eco{size}", build(size, 20, 3, 2, 0, 1))
    extra = work / "extra"
    extra.mkdir()
    (extra / "pai-manifest.yaml").write_text(
        "name: newcomer\ntype: cli\ndepends_on:\n"
        "  - {name: t10-0100, type: library}\n  - {name: t05-0007, type: cli}\n"
        "  - {name: t00-0001, type: library}\n"
    )

    rows.append(
        row("`pai-deps --version`", measure(runs, lambda: pai_deps("--version")), "< 150 ms")
    )
    fresh = work / "fresh.db"

    def clear_fresh() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(fresh) + suffix).unlink(missing_ok=True)

    rows.append(
        row(
            "`db status`, fresh path",
            measure(runs, lambda: pai_deps("--db", str(fresh), "db", "status"), clear_fresh),
            "< 150 ms",
        )
    )
    base = work / "base.db"
    pai_deps("--db", str(base), "db", "migrate")
    rows.append(
        row(
            "`db status`, existing registry",
            measure(runs, lambda: pai_deps("--db", str(base), "db", "status")),
            "< 150 ms",
        )
    )

    from pai_deps import db
    from pai_deps.repo import tools

    def open_close() -> None:
        db.open_db(base).close()

    open_close()
    rows.append(
        row(
            "open an up-to-date registry (in-process)",
            measure(max(runs, 50), open_close),
            "< 20 ms",
        )
    )
    conn = db.open_db(base)
    tools.upsert_tool(
        conn,
        id="x",
        path="/x",
        type="cli",
        version=None,
        reliability=0.9,
        debt_score=0,
        manifest_path=None,
        manifest_hash=None,
        description=None,
        mcp_start=None,
        slo=None,
        now="t",
    )
    rows.append(
        row(
            "get a tool by id (in-process)",
            measure(max(runs, 200), lambda: tools.get_tool(conn, id="x")),
            "< 10 ms",
        )
    )
    conn.close()

    for size in (1000, 5000):
        target = work / f"sync{size}.db"

        def clear(target: Path = target) -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)

        eco = str(work / f"eco{size}")
        rows.append(
            row(
                f"`sync` {size:,} fresh manifests",
                measure(
                    min(runs, 5), lambda t=target, e=eco: pai_deps("--db", str(t), "sync", e), clear
                ),
                "< 1.5 s" if size == 1000 else "< 5 s",
            )
        )
    big = work / "sync5000.db"
    pai_deps("--db", str(big), "sync", str(work / "eco5000"))
    rows.append(
        row(
            "`sync` 5,000 unchanged manifests",
            measure(runs, lambda: pai_deps("--db", str(big), "sync", str(work / "eco5000"))),
            "< 1.5 s",
        )
    )
    scratch = work / "scratch.db"

    def copy_big() -> None:
        shutil.copy(big, scratch)

    rows.append(
        row(
            "`register` one tool into 5,000",
            measure(runs, lambda: pai_deps("--db", str(scratch), "register", str(extra)), copy_big),
            "< 150 ms",
        )
    )
    rows.append(
        row(
            "`list --json` at 5,000",
            measure(runs, lambda: pai_deps("--db", str(big), "--json", "list")),
            "< 300 ms",
        )
    )
    rows.append(
        row(
            "`list` (table) at 5,000",
            measure(runs, lambda: pai_deps("--db", str(big), "list")),
            "—",
        )
    )
    rows.append(
        row(
            "`show` at 5,000",
            measure(runs, lambda: pai_deps("--db", str(big), "show", "t10-0100")),
            "< 150 ms",
        )
    )

    print(f"Python {sys.version.split()[0]}, {runs} runs per row unless noted in N\n")
    print("| what | median | range | N | target |")
    print("|---|---|---|---|---|")
    for line in rows:
        print(line)


if __name__ == "__main__":
    main()
