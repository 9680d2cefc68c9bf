"""Run pai-deps as a real process with hard limits on memory and time.

Hostile input must fail fast and small. A test that lets a hostile file run into these
limits fails (MemoryError, a kill, a timeout) instead of taking the machine down.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

from tests.conftest import CliResult

DEFAULT_MEMORY_MB = 512


def run_limited(
    *args: str,
    memory_mb: int = DEFAULT_MEMORY_MB,
    timeout: float = 30,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> CliResult:
    """`python -m pai_deps ARGS` with an address-space limit and a wall-clock timeout.

    Raises subprocess.TimeoutExpired (the child is killed) when it runs too long.
    """
    limit = memory_mb << 20

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    proc = subprocess.run(
        [sys.executable, "-m", "pai_deps", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        preexec_fn=cap,
        check=False,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)
