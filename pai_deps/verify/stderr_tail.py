"""A child's stderr, read from a pipe, of which only the last few kilobytes are kept.

An MCP server's stderr is only wanted for its last line (the reason it failed), but a
hostile or broken server can write without end (`cat /dev/zero >&2`). A temporary file
grew by hundreds of megabytes a second and filled small `TMPDIR`s; here a background
thread drains a pipe into a bounded buffer, so memory and disk stay flat however much
the server writes, and the server never blocks on a full pipe.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
from typing import TextIO

__all__ = ["StderrTail"]

_POLL_S = 0.05
_READ_CHUNK = 65536
_FINAL_READS = 16  # after `finish`: drain at most this many more chunks


class StderrTail:
    """Give `writer` to the child as its stderr; read `last_line()` when it is done."""

    def __init__(self, limit: int = 8192) -> None:
        self.limit = limit
        read_fd, write_fd = os.pipe()
        self._read_fd = read_fd
        self.writer: TextIO = os.fdopen(write_fd, "w", encoding="utf-8", errors="replace")
        self._tail = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._drain, name="stderr-tail", daemon=True)
        self._thread.start()

    def spawned(self) -> None:
        """The child holds its own copy of the write end: close ours, so EOF can come."""
        with contextlib.suppress(OSError):
            self.writer.close()

    def _drain(self) -> None:
        final_reads = _FINAL_READS
        while final_reads > 0:
            stopping = self._stop.is_set()
            try:
                ready, _, _ = select.select([self._read_fd], [], [], 0 if stopping else _POLL_S)
            except (OSError, ValueError):
                return
            if not ready:
                if stopping:
                    return
                continue
            try:
                chunk = os.read(self._read_fd, _READ_CHUNK)
            except OSError:
                return
            if not chunk:
                return  # every writer closed its end
            self._tail += chunk
            if len(self._tail) > self.limit:
                del self._tail[: len(self._tail) - self.limit]
            if stopping:  # what is already in the pipe, not what a survivor keeps writing
                final_reads -= 1

    def finish(self, wait: float = 1.0) -> None:
        """Read what is already in the pipe, then stop and release it.

        Call when the child is gone. A grandchild that keeps the pipe open (and writing)
        cannot hold us: after a few more reads the reader stops anyway.
        """
        self.spawned()
        self._stop.set()
        self._thread.join(wait)
        if not self._thread.is_alive() and self._read_fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._read_fd)
            self._read_fd = -1

    def last_line(self) -> str:
        """The last non-empty line written so far (call after `finish`)."""
        lines = [line.strip() for line in self._tail.decode("utf-8", "replace").splitlines()]
        return next((line for line in reversed(lines) if line), "")
