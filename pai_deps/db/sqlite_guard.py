"""Guards around a SQLite registry file: what may be opened, damage, who migrates.

- Only a regular file can be a registry: a FIFO would hang the open, `/dev/null` would
  seem to work and keep nothing.
- Damage: `PRAGMA quick_check` runs before the first write on a connection (and when a
  small registry is opened), `integrity_check` on request (`pai-deps db check`).
- One migrator at a time, through an OS file lock beside the registry. The kernel drops
  it when its holder dies, so a crashed migration never leaves a lock behind; the lock
  file names the holder's pid and host for the message when someone has to wait. yoyo's
  own lock row, which a killed migration leaves in the file, is removed once we hold the
  file lock and its process is gone.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import socket
import sqlite3
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pai_deps.db.failures import damaged, sqlite_failure
from pai_deps.errors import DatabaseError

__all__ = [
    "FileState",
    "RegistryConnection",
    "check_location",
    "damage_report",
    "ensure_checked",
    "migration_lock",
    "quick_check",
    "remove_stale_yoyo_lock",
]

SQLITE_HEADER = b"SQLite format 3\x00"
# Registries up to this size are quick-checked whenever they are opened (a few ms);
# bigger ones before their first write, by `db status` and by `db check`.
QUICK_CHECK_ON_OPEN_MAX_BYTES = 2 * 1024 * 1024  # about 2,000 tools; ~10 ms at most
_LOCK_POLL_S = 0.05

FileState = Literal["absent", "empty", "present"]


# --------------------------------------------------------------------------- the file


def check_location(path: Path) -> FileState:
    """Refuse unusable locations before SQLite can create or touch anything."""
    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise DatabaseError(f"Database path {path} is a dangling symlink") from None
        return _check_new_location(path)
    except OSError as exc:
        raise DatabaseError(f"Cannot read database {path}: {exc.strerror or exc}") from exc
    if stat.S_ISDIR(info.st_mode):
        raise DatabaseError(f"Database path {path} is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        from pai_deps.safeio import file_kind

        raise DatabaseError(
            f"Database path {path} is {file_kind(info.st_mode)}, not a regular file",
            code="not_a_database",
        )
    header = _header(path)
    if header and header != SQLITE_HEADER:
        raise DatabaseError(
            f"{path} is not a SQLite database; point --db or PAI_DEPS_DB at another file",
            code="not_a_database",
        )
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise DatabaseError(
            f"Database {path} is read-only (no write permission on the file or its directory)",
            code="read_only",
        )
    return "present" if info.st_size else "empty"


def _header(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            return os.read(fd, len(SQLITE_HEADER))
        finally:
            os.close(fd)
    except OSError as exc:
        raise DatabaseError(f"Cannot read database {path}: {exc.strerror or exc}") from exc


def _check_new_location(path: Path) -> FileState:
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            f"Cannot create directory {parent} for the database: {exc.strerror or exc}",
            code="read_only",
        ) from exc
    if not parent.is_dir():
        raise DatabaseError(f"Cannot create the database in {parent}: not a directory")
    if not os.access(parent, os.W_OK):
        raise DatabaseError(
            f"Cannot create database {path}: directory {parent} is not writable",
            code="read_only",
        )
    return "absent"


def read_only_header(path: Path) -> bytes:
    """The header of an existing registry for read-only inspection (`db status`)."""
    info = _stat_existing(path)
    if not stat.S_ISREG(info.st_mode):
        from pai_deps.safeio import file_kind

        raise DatabaseError(
            f"Database path {path} is {file_kind(info.st_mode)}, not a regular file",
            code="not_a_database",
        )
    return _header(path)


def _stat_existing(path: Path) -> os.stat_result:
    try:
        info = path.stat()
    except OSError as exc:
        raise DatabaseError(f"Cannot read database {path}: {exc.strerror or exc}") from exc
    if stat.S_ISDIR(info.st_mode):
        raise DatabaseError(f"Database path {path} is a directory, not a file")
    return info


# --------------------------------------------------------------------------- damage


def damage_report(conn: sqlite3.Connection, *, full: bool, limit: int = 100) -> list[str]:
    """What `quick_check` (or the full `integrity_check`) finds; empty when healthy."""
    pragma = "integrity_check" if full else "quick_check"
    cursor = conn.execute(f"PRAGMA {pragma}({int(limit)})")
    lines: list[str] = []
    for row in cursor.fetchall():
        value = next(iter(row.values())) if isinstance(row, dict) else row[0]
        lines.extend(part.strip() for part in str(value).splitlines() if part.strip())
    if lines == ["ok"]:
        return []
    return [line for line in lines if not line.startswith("*** in database")]


class RegistryConnection(sqlite3.Connection):
    """A connection to the registry file that remembers whether the file was checked."""

    path: Path
    checked: bool = False


def ensure_checked(conn: sqlite3.Connection) -> None:
    """Quick-check the registry before the first write on this connection (once)."""
    if isinstance(conn, RegistryConnection) and not conn.checked:
        quick_check(conn, conn.path)
        conn.checked = True


def quick_check(conn: sqlite3.Connection, path: Path) -> None:
    """Raise the `damaged` error if `PRAGMA quick_check` finds anything."""
    try:
        problems = damage_report(conn, full=False, limit=3)
    except sqlite3.Error as exc:
        raise sqlite_failure(exc, path) from exc
    if problems:
        raise damaged(path, problems[0])


# --------------------------------------------------------------------------- migration lock


def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".migrate-lock")


@contextlib.contextmanager
def migration_lock(path: Path, timeout: float) -> Iterator[None]:
    """Hold the registry's migration lock: an exclusive `flock` on a file beside it."""
    lock_path = _lock_path(path)
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise DatabaseError(
                f"Cannot lock database {path} for migrating: {exc.strerror or exc}"
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise DatabaseError(f"Cannot lock database {path}: {exc.strerror}") from exc
            if time.monotonic() >= deadline:
                raise DatabaseError(
                    f"Database {path} is being migrated by {_holder(lock_path)}; "
                    f"still waiting after {timeout:.0f} s, try again later",
                    code="migration_locked",
                ) from None
            time.sleep(_LOCK_POLL_S)  # the holder is alive: the kernel drops the lock if not
            continue
        # The holder before us may have removed the file after we opened it: then our
        # lock is on an orphan inode and another process may lock a new file. Retry.
        try:
            same = os.fstat(fd).st_ino == os.stat(lock_path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {socket.gethostname()} {int(time.time())}\n".encode(), 0)
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock_path)
        os.close(fd)


def _holder(lock_path: Path) -> str:
    try:
        pid, host, since = lock_path.read_text(encoding="utf-8").split()[:3]
        started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(int(since)))
    except (OSError, ValueError):
        return "another process"
    return f"process {pid} on {host} (since {started})"


def remove_stale_yoyo_lock(conn: sqlite3.Connection) -> list[int]:
    """Delete yoyo lock rows whose process is gone; call only while holding the file lock.

    pai-deps takes the file lock before yoyo's, so with it held a yoyo lock row belongs
    to a dead migration unless its process still runs here and is older than the row
    (an older pai-deps, or the yoyo command line): that one is left for yoyo to wait on.
    """
    from pai_deps.repo import meta

    stale = [
        row.pid
        for row in meta.migration_lock_holders(conn)
        if not _holder_alive(row.pid, row.ctime or "")
    ]
    for pid in stale:
        meta.delete_migration_lock(conn, pid=pid)
    return stale


def _holder_alive(pid: int, ctime: str) -> bool:
    if pid <= 0 or pid == os.getpid():  # we hold no yoyo lock yet: a reused pid
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's live process
    fields = _proc_stat(pid)
    if fields is None:
        return True  # no /proc: trust the pid
    if fields[0] in ("Z", "X"):
        return False  # exited, not yet reaped
    started = _start_time(fields)
    locked = _utc_seconds(ctime)
    # A process younger than the lock row cannot have written it: the pid was reused.
    return started is None or locked is None or started <= locked + 1


def _proc_stat(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name (state first)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return text.rpartition(")")[2].split() or None


def _start_time(fields: list[str]) -> float | None:
    """The process's start as a Unix time, from its start tick and the boot time."""
    try:
        ticks = int(fields[19])  # field 22 of /proc/PID/stat
        boot = next(
            int(line.split()[1])
            for line in Path("/proc/stat").read_text(encoding="utf-8").splitlines()
            if line.startswith("btime ")
        )
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _utc_seconds(text: str) -> float | None:
    """yoyo's naive UTC timestamp (`2026-11-26 07:12:05.123456`) as a Unix time."""
    from datetime import UTC, datetime

    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=UTC).timestamp()
    except ValueError:
        return None
