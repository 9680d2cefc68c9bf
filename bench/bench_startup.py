"""Start-up before and after a change: `--version`, `show` and `rdeps -t` at 5,000 tools.

Runs the same commands with two installations of pai-deps (two Python interpreters,
e.g. the virtualenv of a checkout of the old commit and this one) against the same
registry, interleaved run by run so that load from other work on the machine falls on
both alike, and prints a Markdown table of medians. Not a test: nothing asserts.

    python bench/generate.py --tools 5000 --root /tmp/eco5000
    OLD/.venv/bin/pai-deps --db /tmp/reg5000.db -q sync /tmp/eco5000
    python bench/bench_startup.py --before OLD/.venv/bin/python --after .venv/bin/python \\
        --db /tmp/reg5000.db [--before-db /tmp/old5000.db] [--runs 9]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time
from pathlib import Path

# (label, arguments): the bottom tool of the generated layers has the most dependents.
COMMANDS = [
    ("`pai-deps --version`", ["--version"]),
    ("`show` at 5,000 tools", ["show", "t00-0000"]),
    ("`rdeps -t` at 5,000 tools (bottom tool)", ["rdeps", "-t", "t00-0000"]),
]


def run(python: str, db: Path, args: list[str]) -> float:
    """Wall time (s) of one `pai-deps` process; a failure ends the benchmark."""
    start = time.perf_counter()
    subprocess.run(
        # `--version` alone takes the fast path that never builds the CLI.
        [python, "-m", "pai_deps", *([] if args == ["--version"] else ["--db", str(db)]), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="python of the old installation")
    parser.add_argument("--after", required=True, help="python of the new installation")
    parser.add_argument("--db", type=Path, required=True, help="the registry (both, or after)")
    parser.add_argument("--before-db", type=Path, help="the old installation's own registry")
    parser.add_argument("--runs", type=int, default=9)
    options = parser.parse_args()
    # An old schema may refuse a registry migrated further: each may have its own copy.
    registry = {options.before: options.before_db or options.db, options.after: options.db}
    print("| what | before | after | change | runs |")
    print("|---|---:|---:|---:|---:|")
    for label, args in COMMANDS:
        for python in (options.before, options.after):
            run(python, registry[python], args)  # warm the page cache
        samples: dict[str, list[float]] = {"before": [], "after": []}
        for index in range(options.runs):
            # Alternate which goes first, so neither always runs on a warmer machine.
            order = ["before", "after"] if index % 2 == 0 else ["after", "before"]
            for which in order:
                python = options.before if which == "before" else options.after
                samples[which].append(run(python, registry[python], args))
        before = statistics.median(samples["before"]) * 1000
        after = statistics.median(samples["after"]) * 1000
        change = (after - before) / before * 100
        print(f"| {label} | {before:.0f} ms | {after:.0f} ms | {change:+.1f}% | {options.runs} |")


if __name__ == "__main__":
    main()
