"""The server's process: learning it from the SDK, what it closed, and killing its group.

The SDK's stdio transport never exposes its process, so its spawn function is wrapped
(one seam) to learn it: for the exit code, and to kill the server's process group as
soon as we give up on it instead of after the SDK's polite close (stdin EOF, 2 s,
SIGTERM, 2 s, SIGKILL).
"""

from __future__ import annotations

import contextvars
import functools
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types import ModuleType

    from anyio.abc import Process

_SPAWN_SEAM = "_create_platform_compatible_process"
_HOOK_MARK = "__pai_deps_spawn_hook__"

_spawned: contextvars.ContextVar[list[Process] | None] = contextvars.ContextVar(
    "pai_deps_mcp_spawned", default=None
)


@contextmanager
def recording_spawns(stdio: ModuleType) -> Iterator[tuple[list[Process], bool]]:
    """Collect the processes the SDK's transport spawns inside this block.

    Yields the list they land in and whether the seam exists: False for a future SDK
    without it, where everything still works, minus exit codes and the fast kill.
    """
    processes: list[Process] = []
    token = _spawned.set(processes)
    try:
        yield processes, _install_spawn_hook(stdio)
    finally:
        _spawned.reset(token)


def _install_spawn_hook(stdio: ModuleType) -> bool:
    """Wrap the SDK transport's spawn function so a conversation learns its process.

    The wrapper only records the process in a context variable (so concurrent event loops
    do not mix them up) and is installed once.
    """
    original = getattr(stdio, _SPAWN_SEAM, None)
    if original is None:
        return False
    if getattr(original, _HOOK_MARK, False):
        return True

    @functools.wraps(original)
    async def spawn(*args: Any, **kwargs: Any) -> Any:
        process = await original(*args, **kwargs)
        sink = _spawned.get()
        if sink is not None:
            sink.append(process)
        return process

    setattr(spawn, _HOOK_MARK, True)
    setattr(stdio, _SPAWN_SEAM, spawn)
    return True


def closed_standard_streams(pid: int) -> tuple[str, ...]:
    """Which of stdin and stdout a running process has closed (from /proc; () if unknown)."""
    fd_dir = Path(f"/proc/{pid}/fd")
    if not fd_dir.is_dir():
        return ()
    return tuple(
        name for name, fd in (("stdin", 0), ("stdout", 1)) if not os.path.lexists(fd_dir / str(fd))
    )


async def kill_group(process: Process | None, grace: float) -> None:
    """SIGTERM the server's process group, SIGKILL whatever outlives `grace` seconds.

    The group outlives its leader while any member lives, so this also reaches
    helpers of a server that already exited; a gone group is a no-op.
    """
    if process is None or sys.platform == "win32":  # Windows: the SDK's job object
        return
    from mcp.os.posix.utilities import terminate_posix_process_tree

    await terminate_posix_process_tree(process, grace)
