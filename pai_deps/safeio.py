"""Reading files other people wrote, and writing files the user named, without surprises.

Manifests, schemas, ignore files and project files come from other people's
repositories, so a path may name a FIFO (an open that never returns), a device
(`/dev/zero`: an endless read), a huge file, or hold a NUL byte. `read_regular_file` is
the one guarded way in: the file is opened without blocking, checked on the open
descriptor (no gap between the check and the read), and read up to a cap.

Output files (`report -o`, `graph -o`, `db backup`) go through `atomic_output`: an
existing file is replaced only when asked (`force`), the registry's own files never, a
symlink is replaced rather than followed, and the content appears whole or not at all
(a temporary file beside the target, then a rename).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from pai_deps.errors import PaiDepsError

__all__ = [
    "FileGuardError",
    "atomic_output",
    "describe_path",
    "file_kind",
    "read_regular_file",
    "write_output_file",
]


class FileGuardError(PaiDepsError):
    """A file could not be read or written as asked; `code` says why."""

    code = "file_unreadable"


def describe_path(path: Path | str) -> str:
    """A path as it appears in a message: NUL and other control bytes made visible."""
    text = os.fspath(path)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def file_kind(mode: int) -> str:
    """`a FIFO`, `a directory`, ... for a message about a file that is not regular."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_regular_file(path: Path | str, *, limit: int) -> bytes:
    """The bytes of the regular file at `path` (symlinks followed), at most `limit` of them.

    Raises FileGuardError with code `file_not_found`, `not_a_regular_file`,
    `file_too_large` or `file_unreadable`; the message names the file.
    """
    shown = describe_path(path)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise FileGuardError(f"File not found: {shown}", code="file_not_found") from None
    except ValueError:  # an embedded NUL byte
        raise FileGuardError(
            f"Cannot read {shown}: the path contains a NUL byte", code="file_unreadable"
        ) from None
    except OSError as exc:
        code = "file_not_found" if exc.errno == errno.ENOTDIR else "file_unreadable"
        raise FileGuardError(f"Cannot read {shown}: {exc.strerror or exc}", code=code) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileGuardError(
                f"Cannot read {shown}: {file_kind(info.st_mode)}, not a regular file",
                code="not_a_regular_file",
            )
        if info.st_size > limit:
            raise _too_large(shown, limit)
        chunks: list[bytes] = []
        remaining = limit + 1  # one byte more than allowed tells a file that grew
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as exc:
        raise FileGuardError(
            f"Cannot read {shown}: {exc.strerror or exc}", code="file_unreadable"
        ) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise _too_large(shown, limit)
    return data


def _too_large(shown: str, limit: int) -> FileGuardError:
    return FileGuardError(
        f"Cannot read {shown}: larger than the {_size(limit)} limit", code="file_too_large"
    )


def _size(count: int) -> str:
    if count >= 1 << 20 and count % (1 << 20) == 0:
        return f"{count >> 20} MiB"
    if count >= 1 << 10 and count % (1 << 10) == 0:
        return f"{count >> 10} KiB"
    return f"{count:,} bytes"


# --------------------------------------------------------------------------- writing


def _same_place(a: str, b: str) -> bool:
    return os.path.abspath(a) == os.path.abspath(b) or os.path.realpath(a) == os.path.realpath(b)


Protected = Iterable[tuple[Path, str]]  # (path, what it is: "the registry database")


def check_output_target(
    path: Path, *, force: bool, protected: Protected = (), what: str = "file"
) -> None:
    """Refuse a target that must not be written: see `atomic_output`."""
    shown = describe_path(path)
    target = os.fspath(path)
    if "\x00" in target:
        raise FileGuardError(f"Cannot write {shown}: the path contains a NUL byte")
    for guarded, label in protected:
        if _same_place(target, os.fspath(guarded)):
            raise FileGuardError(
                f"Refusing to write the {what} to {shown}: it is {label}; choose another file",
                code="refused_target",
            )
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise FileGuardError(f"Cannot write {shown}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise FileGuardError(f"Cannot write {shown}: it is a directory", code="refused_target")
    if not force:
        raise FileGuardError(
            f"{shown} already exists; use --force to replace it", code="target_exists"
        )
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
        raise FileGuardError(
            f"Cannot replace {shown}: {file_kind(info.st_mode)}, not a regular file",
            code="refused_target",
        )


@contextlib.contextmanager
def atomic_output(
    path: Path, *, force: bool, protected: Protected = (), what: str = "file"
) -> Iterator[Path]:
    """Yield a temporary path beside `path`; when the block succeeds, it becomes `path`.

    Refused before anything is created: a path that is (or resolves to) one of
    `protected`, a directory, an existing path unless `force`, and, even with `force`,
    an existing FIFO or device. A symlink at `path` is replaced by the new file; the
    file it pointed to is not touched. On failure the temporary file is removed, so no
    empty or half-written file is left behind.
    """
    protected = list(protected)
    check_output_target(path, force=force, protected=protected, what=what)
    shown = describe_path(path)
    directory = path.parent
    temporary = directory / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        # 0o666 minus the umask, as for any file the user creates.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise FileGuardError(
            f"Cannot write {shown}: {exc.strerror or exc}", code="write_failed"
        ) from None
    os.close(fd)
    try:
        yield temporary
        _commit(temporary, path, force=force, shown=shown)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def _commit(temporary: Path, path: Path, *, force: bool, shown: str) -> None:
    try:
        if force:
            os.replace(temporary, path)
            return
        try:
            os.link(temporary, path)  # atomic "create only if absent"
        except FileExistsError:
            raise FileGuardError(
                f"{shown} already exists; use --force to replace it", code="target_exists"
            ) from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            if os.path.lexists(path):  # no hard links here: check, then rename
                raise FileGuardError(
                    f"{shown} already exists; use --force to replace it", code="target_exists"
                ) from None
            os.replace(temporary, path)
            return
        temporary.unlink()
    except FileGuardError:
        raise
    except OSError as exc:
        raise FileGuardError(
            f"Cannot write {shown}: {exc.strerror or exc}", code="write_failed"
        ) from None


def write_output_file(
    path: Path,
    text: str,
    *,
    force: bool,
    protected: Protected = (),
    what: str = "file",
) -> None:
    """Write `text` (UTF-8) to `path` whole, under the rules of `atomic_output`."""
    with atomic_output(path, force=force, protected=protected, what=what) as temporary:
        try:
            with temporary.open("w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise FileGuardError(
                f"Cannot write {describe_path(path)}: {exc.strerror or exc}", code="write_failed"
            ) from None
