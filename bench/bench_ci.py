"""Benchmark of the pre-commit path (issue 6): `ci check --staged --quick` with one changed
tool in a 1,000-tool registry. Target: under 1 s.

Builds the generator's ecosystem in a fresh git repository, commits it, registers it with
`pai-deps sync`, puts stand-in executables for every promised command on PATH (so the
checks pass, as in a healthy repository), then stages one change at a time and runs the
real CLI several times. Prints a Markdown table of medians. Not a test: nothing asserts.

    python bench/bench_ci.py [--tools 1000] [--runs 7] [--work /tmp/pai-deps-bench-ci]
"""

from __future__ import annotations

import argparse
import json
import os
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

GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, env={**os.environ, **GIT_ENV},
                   stdout=subprocess.DEVNULL)  # fmt: skip


def pai_deps(root: Path, env: dict[str, str], *args: str) -> int:
    return subprocess.run(
        [sys.executable, "-m", "pai_deps", *args],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    ).returncode


def measure(runs: int, action: Callable[[], int]) -> tuple[list[float], int]:
    times, code = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        code = action()
        times.append(time.perf_counter() - start)
    return times, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("/tmp/pai-deps-bench-ci"))
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    root = args.work / "eco"
    tools = build(args.tools, 20, 3, 2, 0, 1)
    write(root, tools)
    bin_dir = args.work / "bin"
    bin_dir.mkdir(parents=True)
    for tool in tools:  # every CLI tool promises `<id> list --json`
        script = bin_dir / tool.id
        script.write_text('#!/bin/sh\necho "Usage: $0"\n')
        script.chmod(0o755)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "ecosystem")
    env = {
        **os.environ,
        **GIT_ENV,
        "PAI_DEPS_DB": str(args.work / "registry.db"),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
    }
    assert pai_deps(root, env, "sync", str(root)) == 0

    def staged(change: Callable[[], None]) -> None:
        git(root, "reset", "-q", "--hard")
        change()
        git(root, "add", "-A")

    def touch(relative: str, text: str) -> Callable[[], None]:
        return lambda: (root / relative).write_text(text)

    def edit_manifest(tool: str) -> Callable[[], None]:
        def change() -> None:
            manifest = root / tool / "pai-manifest.yaml"
            manifest.write_text(manifest.read_text().replace("synthetic", "edited synthetic"))

        return change

    bottom, middle, top = tools[0].id, tools[len(tools) // 2].id, tools[-1].id
    scenarios = [
        (f"code file of a top tool ({top})", touch(f"{top}/main.py", "x = 1\n")),
        (f"manifest of a middle tool ({middle})", edit_manifest(middle)),
        (f"manifest of a bottom tool ({bottom}, most dependents)", edit_manifest(bottom)),
        ("only an unowned file (nothing to check)", touch("README.md", "# eco\n")),
    ]
    print(f"`ci check --staged --quick`, {len(tools)}-tool registry, {args.runs} runs each\n")
    print("| staged change | affected tools | exit | median | min–max |")
    print("|---|---:|---:|---:|---:|")
    for name, change in scenarios:
        staged(change)
        probe = subprocess.run(
            [sys.executable, "-m", "pai_deps", "--json", "ci", "affected", "--staged"],
            cwd=root, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        affected = json.loads(probe.stdout)["summary"]["affectedCount"]
        times, code = measure(
            args.runs, lambda: pai_deps(root, env, "ci", "check", "--staged", "--quick")
        )
        ms = [t * 1000 for t in times]
        print(
            f"| {name} | {affected} | {code} | {statistics.median(ms):.0f} ms "
            f"| {min(ms):.0f}–{max(ms):.0f} ms |"
        )
    staged(edit_manifest(bottom))
    times, code = measure(args.runs, lambda: pai_deps(root, env, "ci", "affected", "--staged"))
    ms = [t * 1000 for t in times]
    print(
        f"| `ci affected --staged` (bottom tool) | - | {code} | {statistics.median(ms):.0f} ms "
        f"| {min(ms):.0f}–{max(ms):.0f} ms |"
    )


if __name__ == "__main__":
    main()
