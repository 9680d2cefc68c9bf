"""Everything a command from a manifest started, so that all of it can be stopped.

Killing the process group is not enough: a grandchild that calls `setsid` leaves the
group (and the session), and a daemon that double-forks is re-parented away from us.
So each run is followed three ways, on Linux's /proc:

1. its process group (the child leads a session of its own);
2. its descendants, walked from the child while it runs (each `poll`) and just before
   the kill, each remembered with its start time so a reused pid is never signalled;
3. a token in the environment of the child, which its descendants inherit: whatever
   still carries it at the end is ours, however it was re-parented.

Only a process that both leaves the tree faster than the poll interval and scrubs its
environment escapes (a cgroup would be needed for that); see docs/security.md.
Without /proc (not Linux), only the process group is signalled.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
from collections.abc import Callable
from pathlib import Path

__all__ = ["TOKEN_VARIABLE", "ProcessTree", "kill_tagged", "new_token"]

TOKEN_VARIABLE = "PAI_DEPS_RUN_TOKEN"
_PROC = Path("/proc")
_MAX_ROUNDS = 5  # kill, look again for anything forked meanwhile, up to this many times


def new_token() -> str:
    return secrets.token_hex(12)


def _start_time(pid: int) -> int | None:
    """Field 22 of /proc/PID/stat (start time in clock ticks), or None if gone."""
    try:
        text = (_PROC / str(pid) / "stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    fields = text.rpartition(")")[2].split()
    try:
        return int(fields[19])
    except (IndexError, ValueError):
        return None


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list((_PROC / str(pid) / "task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return found


def _carries(pid: int, marker: bytes) -> bool:
    try:
        with open(_PROC / str(pid) / "environ", "rb") as handle:
            return marker in handle.read()
    except OSError:
        return False


class ProcessTree:
    """The processes one run started: its group, its descendants, its environment token."""

    def __init__(self, root: int, token: str) -> None:
        self.root = root
        self.token = token
        self.seen: dict[int, int] = {}  # pid -> start time, every descendant ever seen
        self.available = _PROC.is_dir()

    def poll(self) -> None:
        """Remember the current descendants of the root (and of any we already know)."""
        if not self.available:
            return
        frontier = [self.root, *self.seen]
        visited: set[int] = set()
        while frontier:
            pid = frontier.pop()
            if pid in visited:
                continue
            visited.add(pid)
            for child in _children(pid):
                if child not in self.seen:
                    started = _start_time(child)
                    if started is not None:
                        self.seen[child] = started
                frontier.append(child)

    def signal(self, sig: signal.Signals) -> None:
        """Send `sig` to the group and to every known descendant that is still the same process."""
        if self.root <= 1:
            return  # no child (killpg(0) would be our own group)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.root, sig)
        self.poll()
        for pid, started in list(self.seen.items()):
            if _start_time(pid) == started:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, sig)

    def kill_all(self) -> None:
        """SIGKILL the group, the descendants and everything carrying the token."""
        self.signal(signal.SIGKILL)
        if self.available:
            kill_tagged(self.token, after=lambda: self.signal(signal.SIGKILL))


def _tagged(token: str) -> list[int]:
    marker = f"{TOKEN_VARIABLE}={token}\0".encode()
    mine = os.getpid()
    pids = (int(entry.name) for entry in _PROC.iterdir() if entry.name.isdigit())
    return [pid for pid in pids if pid != mine and _carries(pid, marker)]


def kill_tagged(token: str, *, after: Callable[[], None] | None = None) -> None:
    """SIGKILL every process whose environment carries the run's token.

    Repeated while new ones turn up (something may fork while we kill); `after` runs
    after each round. Safe once the direct child is reaped: the token, not a pid that
    may have been reused, says what is ours.
    """
    if not _PROC.is_dir():
        return
    killed: set[int] = set()
    for _ in range(_MAX_ROUNDS):
        fresh = [pid for pid in _tagged(token) if pid not in killed]
        if not fresh:
            return
        for pid in fresh:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
            killed.add(pid)
        if after is not None:
            after()
