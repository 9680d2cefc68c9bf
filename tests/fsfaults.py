"""Real file-system faults for tests: a small tmpfs that fills up.

Mounting needs root (or a user namespace); where it is not allowed the test is skipped
with the reason, never faked.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def small_tmpfs(where: Path, size_kib: int) -> Iterator[Path]:
    """A tmpfs of `size_kib` KiB mounted at `where` (created), unmounted afterwards."""
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("a small tmpfs needs root to mount")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kib}k,mode=0755", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def fill(directory: Path, *, leave_kib: int = 0) -> None:
    """Write until the file system is full (ENOSPC), then free `leave_kib` KiB."""
    reserve = directory / "filler-reserve"
    reserve.write_bytes(b"\0" * (leave_kib * 1024))
    _fill(directory)
    reserve.unlink()


def _fill(directory: Path) -> None:
    index = 0
    while True:
        try:
            with (directory / f"filler-{index}").open("wb") as handle:
                while True:
                    handle.write(b"\0" * 4096)
                    handle.flush()
        except OSError:
            pass
        # A second file catches the last partial block; stop when even that fails.
        try:
            (directory / f"filler-{index}-tail").write_bytes(b"\0" * 512)
        except OSError:
            return
        index += 1
