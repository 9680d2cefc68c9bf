"""Benchmark for `verify --all` (issue 5): many tools whose commands are slow to answer.

Writes `--tools` tool folders whose one CLI command is a script that sleeps `--sleep`
seconds and then prints usage, registers them, and times `pai-deps verify --all` as a real
process `--runs` times per `--jobs` setting ("default" = the number of CPUs). Prints a
Markdown table of medians. Not a test: nothing asserts. Target: under 8 s for 50 tools at
200 ms each with the default jobs on a 2-core machine.

    python bench/bench_verify.py [--tools 50] [--sleep 0.2] [--runs 5] [--jobs default 8]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from pai_deps.verify.checks import default_jobs  # noqa: E402


def build(root: Path, tools: int, sleep: float) -> dict[str, str]:
    """The ecosystem, and the environment that puts its command on PATH."""
    bin_dir = root / "bin"
    bin_dir.mkdir(parents=True)
    command = bin_dir / "slow-tool"
    command.write_text(f'#!/bin/sh\nsleep {sleep}\necho "Usage: slow-tool <command> [--json]"\n')
    command.chmod(0o755)
    for index in range(tools):
        folder = root / "tools" / f"tool-{index:03d}"
        folder.mkdir(parents=True)
        (folder / "pai-manifest.yaml").write_text(
            f"name: tool-{index:03d}\ntype: cli\nprovides:\n"
            f"  cli:\n    - command: slow-tool run-{index} --json\n"
        )
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}


def pai_deps(db: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pai_deps", "--db", str(db), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=int, default=50)
    parser.add_argument("--sleep", type=float, default=0.2)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", nargs="+", default=["default"])
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="pai-deps-bench-verify-"))
    try:
        env = build(work, args.tools, args.sleep)
        db = work / "registry.db"
        for folder in sorted((work / "tools").iterdir()):
            registered = pai_deps(db, env, "-q", "register", str(folder))
            if registered.returncode != 0:
                raise SystemExit(registered.stderr)
        serial = args.tools * args.sleep
        print(
            f"{args.tools} tools, one {args.sleep * 1000:.0f} ms command each "
            f"(serially ≥ {serial:.1f} s); {default_jobs()} CPUs\n"
        )
        print("| command | jobs | median | min–max | runs |")
        print("|---|---|---|---|---|")
        for jobs in args.jobs:
            options = [] if jobs == "default" else ["--jobs", jobs]
            label = f"{default_jobs()} (default)" if jobs == "default" else jobs
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                result = pai_deps(db, env, "-q", "verify", "--all", *options)
                times.append(time.perf_counter() - started)
                if result.returncode != 0:
                    raise SystemExit(f"verify failed:\n{result.stdout}{result.stderr}")
            print(
                f"| `verify --all` | {label} | {statistics.median(times):.2f} s "
                f"| {min(times):.2f}–{max(times):.2f} s | {len(times)} |"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
