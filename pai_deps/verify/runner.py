"""Run commands taken from other people's manifests, safely.

The TypeScript tool ran manifest strings through `sh -c`, so `;`, `|` and `$(...)` executed,
and its timeout killed only the shell while grandchildren kept the pipes open for 30 s.
Here a command is an argument list (never a shell), runs in the tool's directory in its own
session with stdin closed, and a hard deadline kills the whole process group and every
descendant, including those that left it with `setsid` (see `procs`). Output is bounded,
so a chatty or hostile command cannot exhaust memory.
"""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import shlex
import shutil
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pai_deps.errors import PaiDepsError
from pai_deps.verify.procs import TOKEN_VARIABLE, ProcessTree, new_token

# After SIGTERM to the group, how long the group gets to exit before SIGKILL.
TERM_GRACE_S = 0.3
# After the direct child exits, how long a grandchild may keep our pipes open before we
# stop reading (and kill what is left of the group). Also the drain time after SIGKILL.
EXIT_DRAIN_S = 0.2
# How often to look at the child while its pipes stay open.
POLL_S = 0.05
READ_CHUNK = 65536

_VALUE_PLACEHOLDER = re.compile(r"<[^<>]*>")
_LONG_FLAG = re.compile(r"(?<![\w-])--[A-Za-z0-9][A-Za-z0-9_.-]*")


class CommandSyntaxError(PaiDepsError):
    """A manifest command string cannot be split into arguments."""

    code = "invalid_command"


def split_command(command: str) -> list[str]:
    """Split a manifest command string into argv with POSIX shell quoting rules.

    Only quoting is interpreted: `;`, `|`, `&&`, `$(...)`, backticks and `>` stay literal
    arguments, because the result is executed without a shell.
    """
    try:
        argv = shlex.split(command, comments=False, posix=True)
    except ValueError as exc:
        raise CommandSyntaxError(f"Cannot parse command {command!r}: {exc}") from None
    if not argv:
        raise CommandSyntaxError(f"Empty command {command!r}")
    return argv


def strip_placeholders(argv: Sequence[str]) -> list[str]:
    """Drop usage-syntax tokens so the remainder can actually be run (with `--help`).

    Rules, applied to tokens after `split_command`:

    - an optional group is dropped whole: from a token starting with `[` to the token
      ending with `]` (nesting counted), so `[--subject]`, `[--limit <n>]` and
      `[-v | --verbose]` all vanish; an unclosed `[` drops everything after it;
    - any token containing a `<value>` placeholder is dropped: `<to>`, `<file>...`,
      `--format=<f>` (we cannot invent a value for it);
    - a bare `...` (repetition marker) is dropped.

    A literal argument that itself looks like `<x>` cannot be told apart once shlex has
    removed its quotes; manifests should not declare such commands.
    """
    kept: list[str] = []
    depth = 0
    for token in argv:
        if depth > 0 or token.startswith("["):
            depth += token.count("[") - token.count("]")
            depth = max(depth, 0)
            continue
        if _VALUE_PLACEHOLDER.search(token) or token == "...":
            continue
        kept.append(token)
    return kept


def declared_flags(command: str) -> list[str]:
    """Every long `--flag` the command string mentions, in order, without duplicates.

    Flags inside optional groups count (`[--subject]`), and a value is cut off
    (`--format=<f>` gives `--format`). Strict verification expects each one in `--help`.
    Short flags (`-v`) are ignored: help texts list them too inconsistently to check.
    """
    flags: list[str] = []
    for token in split_command(command):
        for match in _LONG_FLAG.finditer(token):
            if match.group() not in flags:
                flags.append(match.group())
    return flags


@dataclass(frozen=True)
class RunResult:
    """What happened when a command ran.

    `returncode` is None when the command never ran (`not_found`) or was killed by our
    timeout; a negative value means another signal killed it (subprocess convention).
    `truncated` is True when either stream exceeded `max_output` bytes.
    """

    argv: list[str]
    returncode: int | None
    stdout: str
    stderr: str
    timed_out: bool
    not_found: bool
    duration_ms: int
    truncated: bool

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out and not self.not_found


def resolve_executable(
    program: str, *, cwd: Path, env: Mapping[str, str] | None = None
) -> str | None:
    """The absolute path that would be executed, or None if missing / not executable.

    A name with a slash is taken relative to `cwd` (not to our own working directory); a
    bare name is looked up on the PATH of the environment the child will get.
    """
    if "/" in program:
        candidate = Path(program) if os.path.isabs(program) else cwd / program
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
        return None
    search_path = (env if env is not None else os.environ).get("PATH", os.defpath)
    return shutil.which(program, path=search_path)


def run(
    argv: Sequence[str],
    *,
    cwd: Path,
    timeout: float,
    max_output: int = 1_000_000,
    env: Mapping[str, str] | None = None,
) -> RunResult:
    """Run `argv` without a shell and return within about `timeout` + 0.6 s, whatever it does.

    `env`, when given, is the child's whole environment (as with subprocess). A missing
    `cwd` raises PaiDepsError; a missing or non-executable program is reported as
    `not_found`, not raised, since that is a verification result.
    """
    if not argv:
        raise CommandSyntaxError("Empty command")
    if timeout <= 0:
        raise ValueError("timeout must be positive")
    args = list(argv)
    if not cwd.is_dir():
        raise PaiDepsError(f"Working directory not found: {cwd}", code="cwd_not_found")

    started = time.monotonic()
    executable = resolve_executable(args[0], cwd=cwd, env=env)
    if executable is None:
        return _not_found(args, started, f"{args[0]}: command not found")
    token = new_token()  # inherited by everything the command starts: see procs
    child_env = {**(os.environ if env is None else env), TOKEN_VARIABLE: token}
    try:
        proc = subprocess.Popen(
            [executable, *args[1:]],
            cwd=cwd,
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            bufsize=0,
        )
    except OSError as exc:  # e.g. no shebang (ENOEXEC), permission denied on exec
        return _not_found(args, started, f"{args[0]}: cannot execute: {exc.strerror}")
    return _supervise(proc, args, started, timeout, max_output, ProcessTree(proc.pid, token))


def _not_found(argv: list[str], started: float, message: str) -> RunResult:
    return RunResult(
        argv=argv,
        returncode=None,
        stdout="",
        stderr=message,
        timed_out=False,
        not_found=True,
        duration_ms=_elapsed_ms(started),
        truncated=False,
    )


class _BoundedBuffer:
    """Keeps the first `limit` bytes and counts (but discards) the rest."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.data = bytearray()
        self.overflowed = False

    def feed(self, chunk: bytes) -> None:
        room = self.limit - len(self.data)
        if len(chunk) > room:
            self.overflowed = True
            chunk = chunk[: max(room, 0)]
        self.data += chunk

    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


def _supervise(
    proc: subprocess.Popen[bytes],
    argv: list[str],
    started: float,
    timeout: float,
    max_output: int,
    tree: ProcessTree,
) -> RunResult:
    """Drain both pipes until the command finishes or its deadline passes, then clean up.

    The child is not reaped until the end (exit is detected with WNOWAIT), so its pid,
    which is also its process-group id, cannot be reused while we signal the group.
    Its descendants are followed meanwhile (`tree`), so that those which left the group
    (`setsid`) are killed with it.
    """
    assert proc.stdout is not None and proc.stderr is not None
    out, err = _BoundedBuffer(max_output), _BoundedBuffer(max_output)
    watch = _ExitWatch(proc.pid)
    selector = selectors.DefaultSelector()
    timed_out = False
    try:
        selector.register(proc.stdout, selectors.EVENT_READ, out)
        selector.register(proc.stderr, selectors.EVENT_READ, err)
        if watch.pidfd is not None:
            selector.register(watch.pidfd, selectors.EVENT_READ, None)
        deadline = started + timeout
        exited_at: float | None = None
        next_poll = 0.0
        while True:
            now = time.monotonic()
            if now >= next_poll:
                tree.poll()
                next_poll = now + POLL_S
            if exited_at is None and watch.exited():
                exited_at = now
            if exited_at is not None and (
                not _pipes_open(selector) or now >= exited_at + EXIT_DRAIN_S
            ):
                break  # done, or a background grandchild holds the pipes: stop listening
            if exited_at is None and now >= deadline:
                timed_out = True
                break
            limit = deadline if exited_at is None else exited_at + EXIT_DRAIN_S
            _pump(selector, min(POLL_S, limit - now))
        if timed_out:
            tree.signal(signal.SIGTERM)
            _pump_until(selector, watch, time.monotonic() + TERM_GRACE_S)
        # Always: nothing the command started may outlive it (our pipes, our session,
        # and whatever left the session with setsid).
        tree.kill_all()
        _pump_until(selector, watch, time.monotonic() + EXIT_DRAIN_S)
    finally:
        selector.close()
        watch.close()
        proc.stdout.close()
        proc.stderr.close()
        _reap(proc)
    return RunResult(
        argv=argv,
        returncode=None if timed_out else proc.returncode,
        stdout=out.text(),
        stderr=err.text(),
        timed_out=timed_out,
        not_found=False,
        duration_ms=_elapsed_ms(started),
        truncated=out.overflowed or err.overflowed,
    )


class _ExitWatch:
    """Notices the child's exit without reaping it (pidfd when the kernel has it)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.pidfd: int | None = None
        try:
            self.pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):  # old kernel / platform: fall back to polling
            self.pidfd = None

    def exited(self) -> bool:
        flags = os.WEXITED | os.WNOHANG | os.WNOWAIT
        try:
            return os.waitid(os.P_PID, self.pid, flags) is not None
        except ChildProcessError:  # somebody else reaped it
            return True

    def close(self) -> None:
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None


def _pipes_open(selector: selectors.BaseSelector) -> bool:
    return any(key.data is not None for key in selector.get_map().values())


def _pump(selector: selectors.BaseSelector, wait: float) -> None:
    """Read whatever is ready within `wait` seconds; unregister pipes that reached EOF.

    The pidfd (data None) only serves to wake us when the child exits.
    """
    for key, _ in selector.select(max(wait, 0.0)):
        buffer = key.data
        if buffer is None:
            selector.unregister(key.fileobj)
            continue
        chunk = os.read(key.fd, READ_CHUNK)
        if chunk:
            buffer.feed(chunk)
        else:
            selector.unregister(key.fileobj)


def _pump_until(selector: selectors.BaseSelector, watch: _ExitWatch, until: float) -> None:
    """Keep reading until both pipes close and the child has exited, or `until` passes."""
    while True:
        now = time.monotonic()
        if now >= until or (not _pipes_open(selector) and watch.exited()):
            return
        _pump(selector, min(POLL_S, until - now))


def _reap(proc: subprocess.Popen[bytes]) -> None:
    """Collect the exit status so no zombie or ResourceWarning is left behind."""
    if proc.poll() is None:
        proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):  # uninterruptible sleep: give up
            proc.wait(timeout=1.0)


def _elapsed_ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
