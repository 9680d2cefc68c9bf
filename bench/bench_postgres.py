"""SQLite against PostgreSQL: sync and the query commands, and a 50,000-tool registry.

Starts a throwaway PostgreSQL server (the tests' `tests/pg_server.py`: initdb into a
temporary directory, a private port, fsync off as in the tests), or uses `--url`. Every
figure is the median of N runs of the real command as a separate process. Not a test:
nothing asserts.

    python bench/bench_postgres.py [--runs 5] [--big 50000] [--url postgresql://...]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.generate import build, write  # noqa: E402

LAYERS = 20
QUERIES: list[tuple[str, list[str]]] = [
    ("`list --json`", ["--json", "list"]),
    ("`show`", ["show", "{mid}"]),
    ("`deps -t` top tool", ["deps", "{top}", "-t"]),
    ("`rdeps -t` bottom tool", ["rdeps", "{bottom}", "-t"]),
    ("`affected` bottom tool", ["affected", "{bottom}"]),
    ("`path` top → bottom", ["path", "{top}", "{bottom}"]),
    ("`blast-radius` bottom tool", ["blast-radius", "{bottom}"]),
    ("`chain-reliability` top tool", ["chain-reliability", "{top}"]),
    ("`debt`", ["debt"]),
    ("`health`", ["health"]),
    ("`graph --format json`", ["graph", "--format", "json"]),
]


def run(*args: str) -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pai_deps", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"pai-deps {' '.join(args)} exited {proc.returncode}: {proc.stderr}")
    return elapsed


def row(what: str, backend: str, tools: int, samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return (
        f"| {what} | {backend} | {tools:,} | {statistics.median(ms):.0f} ms "
        f"| {min(ms):.0f}–{max(ms):.0f} ms | {len(ms)} |"
    )


class Registries:
    """Fresh registries on demand: files in `work`, schemas on the server."""

    def __init__(self, work: Path, server: object) -> None:
        self.work = work
        self.server = server
        self.count = 0

    def fresh(self, backend: str) -> str:
        self.count += 1
        if backend == "sqlite":
            return str(self.work / f"reg-{self.count}.db")
        schema = self.server.new_schema()  # type: ignore[attr-defined]
        return str(self.server.schema_url(schema))  # type: ignore[attr-defined]


def tree(work: Path, tools: int) -> tuple[Path, dict[str, str]]:
    root = work / f"eco-{tools}"
    generated = build(tools, LAYERS, 3, 2, 0, 1)
    if not root.exists():
        write(root, generated)
    by_layer = sorted(generated, key=lambda t: (t.layer, t.id))
    names = {
        "bottom": by_layer[0].id,
        "top": by_layer[-1].id,
        "mid": by_layer[len(by_layer) // 2].id,
    }
    return root, names


def bench_sync(regs: Registries, work: Path, runs: int) -> list[str]:
    lines = []
    for tools in (1000, 5000):
        root, _ = tree(work, tools)
        for backend in ("sqlite", "postgresql"):
            samples = [run("--db", regs.fresh(backend), "sync", str(root)) for _ in range(runs)]
            lines.append(row("`sync` fresh manifests", backend, tools, samples))
            print(lines[-1], flush=True)
    return lines


def bench_queries(regs: Registries, work: Path, runs: int, tools: int) -> list[str]:
    root, names = tree(work, tools)
    lines = []
    targets = {b: regs.fresh(b) for b in ("sqlite", "postgresql")}
    for target in targets.values():
        run("--db", target, "sync", str(root))
    for what, args in QUERIES:
        for backend, target in targets.items():
            command = ["--db", target, *(a.format(**names) for a in args)]
            run(*command)  # warm
            lines.append(row(what, backend, tools, [run(*command) for _ in range(runs)]))
            print(lines[-1], flush=True)
    return lines


def bench_big(regs: Registries, work: Path, runs: int, tools: int) -> list[str]:
    root, names = tree(work, tools)
    target = regs.fresh("postgresql")
    start = time.perf_counter()
    run("--db", target, "sync", str(root))
    built = time.perf_counter() - start
    lines = [row("`sync` fresh manifests (to build it)", "postgresql", tools, [built])]
    print(lines[-1], flush=True)
    copy = str(work / "big-copy.db")
    copied = run("db", "copy", target, copy)
    lines.append(row("`db copy` to a SQLite file", "postgresql", tools, [copied]))
    print(lines[-1], flush=True)
    for what, args in (
        ("`rdeps -t` bottom tool", ["rdeps", names["bottom"], "-t"]),
        ("`blast-radius` bottom tool", ["blast-radius", names["bottom"]]),
    ):
        for backend, where in (("postgresql", target), ("sqlite", copy)):
            command = ["--db", where, *args]
            run(*command)
            lines.append(row(what, backend, tools, [run(*command) for _ in range(runs)]))
            print(lines[-1], flush=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--big", type=int, default=50000, help="tools in the big registry")
    parser.add_argument("--url", help="a PostgreSQL server to use (a schema per registry)")
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    from tests.pg_server import PgServer, _external, start_server

    server: PgServer = _external(args.url) if args.url else start_server()
    work = args.work or Path(tempfile.mkdtemp(prefix="pai-deps-bench-pg-"))
    work.mkdir(parents=True, exist_ok=True)
    regs = Registries(work, server)
    header = ["| what | backend | tools | median | range | N |", "|---|---|---|---|---|---|"]
    try:
        print("\n".join(header), flush=True)
        lines = bench_sync(regs, work, args.runs)
        lines += bench_queries(regs, work, args.runs, 5000)
        lines += bench_big(regs, work, args.runs, args.big)
    finally:
        server.stop()
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print("\n" + "\n".join(header + lines))


if __name__ == "__main__":
    main()
