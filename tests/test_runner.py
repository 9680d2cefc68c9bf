"""The runner against real executables written into temporary directories."""

from __future__ import annotations

import os
import select
import time
from pathlib import Path

import pytest

from pai_deps.errors import PaiDepsError
from pai_deps.verify.runner import (
    RunResult,
    declared_flags,
    run,
    split_command,
    strip_placeholders,
)


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    path = tmp_path / "bin"
    path.mkdir()
    return path


@pytest.fixture
def work(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    return path


def env_for(bin_dir: Path) -> dict[str, str]:
    """A temporary PATH: our scripts first, then the system basics they need."""
    return {"PATH": f"{bin_dir}:/usr/bin:/bin", "LC_ALL": "C"}


def script(bin_dir: Path, name: str, body: str, *, executable: bool = True) -> Path:
    path = bin_dir / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755 if executable else 0o644)
    return path


def go(argv: list[str], bin_dir: Path, cwd: Path, timeout: float = 5.0, **kw: int) -> RunResult:
    return run(argv, cwd=cwd, timeout=timeout, env=env_for(bin_dir), **kw)


# --- splitting and placeholders ---------------------------------------------------------


def test_split_command_uses_shell_quoting_only() -> None:
    assert split_command("tool 'a b' \"c;d\" e\\ f") == ["tool", "a b", "c;d", "e f"]
    assert split_command("true; touch X") == ["true;", "touch", "X"]


@pytest.mark.parametrize("bad", ["tool 'unterminated", 'tool "x', "", "   "])
def test_split_command_rejects_malformed_strings_in_one_line(bad: str) -> None:
    with pytest.raises(PaiDepsError) as info:
        split_command(bad)
    assert "\n" not in info.value.message
    assert info.value.code == "invalid_command"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("email send <to> [--subject]", ["email", "send"]),
        ("email search --json", ["email", "search", "--json"]),
        ("tool run [--limit <n>] --json", ["tool", "run", "--json"]),
        ("tool [-v | --verbose] go", ["tool", "go"]),
        ("tool [a [b] c] go", ["tool", "go"]),
        ("tool cat <file>... --json", ["tool", "cat", "--json"]),
        ("tool --format=<f> list", ["tool", "list"]),
        ("tool files ...", ["tool", "files"]),
        ("tool a[0]", ["tool", "a[0]"]),
        ("tool [--unclosed x y", ["tool"]),
    ],
)
def test_strip_placeholders(command: str, expected: list[str]) -> None:
    assert strip_placeholders(split_command(command)) == expected


def test_declared_flags_include_optional_and_valued_flags() -> None:
    assert declared_flags("email send <to> [--subject] --format=<f> -v --json [--json]") == [
        "--subject",
        "--format",
        "--json",
    ]
    assert declared_flags("tool [-q|--quiet] -- x") == ["--quiet"]
    assert declared_flags("tool run") == []


# --- running --------------------------------------------------------------------------


def test_passing_command_captures_output(bin_dir: Path, work: Path) -> None:
    script(bin_dir, "hello", 'echo "out $1"\necho err >&2\n')
    result = go(["hello", "world"], bin_dir, work)
    assert result.ok
    assert (result.returncode, result.stdout, result.stderr) == (0, "out world\n", "err\n")
    assert not (result.timed_out or result.not_found or result.truncated)
    assert result.argv == ["hello", "world"]
    assert result.duration_ms >= 0


def test_failing_command_reports_exit_code(bin_dir: Path, work: Path) -> None:
    script(bin_dir, "fails", "echo nope >&2\nexit 3\n")
    result = go(["fails"], bin_dir, work)
    assert result.returncode == 3
    assert not result.ok and not result.not_found and not result.timed_out
    assert result.stderr == "nope\n"


def test_missing_executable_is_reported_not_raised(bin_dir: Path, work: Path) -> None:
    result = go(["definitely-not-a-cmd-xyz", "--help"], bin_dir, work)
    assert result.not_found
    assert result.returncode is None
    assert "command not found" in result.stderr


def test_non_executable_file_is_not_found(bin_dir: Path, work: Path) -> None:
    script(bin_dir, "plain", "echo hi\n", executable=False)
    assert go(["plain"], bin_dir, work).not_found
    assert go([str(bin_dir / "plain")], bin_dir, work).not_found


def test_executable_without_interpreter_is_not_found(bin_dir: Path, work: Path) -> None:
    junk = bin_dir / "junk"
    junk.write_bytes(b"\x00\x01not a program")
    junk.chmod(0o755)
    result = go(["junk"], bin_dir, work)
    assert result.not_found
    assert "cannot execute" in result.stderr


def test_relative_path_resolves_against_cwd(bin_dir: Path, work: Path) -> None:
    (work / "bin").mkdir()
    script(work / "bin", "local", "echo local\n")
    assert go(["./bin/local"], bin_dir, work).stdout == "local\n"
    assert go(["./bin/local"], bin_dir, bin_dir).not_found


def test_cwd_is_honoured(bin_dir: Path, work: Path) -> None:
    script(bin_dir, "where", "pwd\n")
    assert go(["where"], bin_dir, work).stdout.strip() == str(work.resolve())


def test_missing_cwd_raises(bin_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(PaiDepsError, match="Working directory not found"):
        go(["true"], bin_dir, tmp_path / "gone")


def test_stdin_is_closed(bin_dir: Path, work: Path) -> None:
    script(bin_dir, "reader", 'if read line; then echo "got $line"; else echo EOF; fi\n')
    started = time.monotonic()
    result = go(["reader"], bin_dir, work, timeout=5.0)
    assert result.stdout == "EOF\n"
    assert time.monotonic() - started < 2.0


def test_slow_command_times_out(bin_dir: Path, work: Path) -> None:
    script(bin_dir, "slow", "echo started\nexec sleep 30\n")
    started = time.monotonic()
    result = go(["slow"], bin_dir, work, timeout=0.5)
    elapsed = time.monotonic() - started
    assert result.timed_out
    assert result.returncode is None
    assert result.stdout == "started\n"
    assert 0.5 <= elapsed < 1.5


def test_command_ignoring_sigterm_is_killed(bin_dir: Path, work: Path) -> None:
    # An ignored signal stays ignored across exec, so sleep ignores SIGTERM too.
    script(bin_dir, "stubborn", "trap '' TERM\nexec sleep 30\n")
    started = time.monotonic()
    result = go(["stubborn"], bin_dir, work, timeout=0.3)
    assert result.timed_out
    assert time.monotonic() - started < 0.3 + 1.0


def test_works_without_pidfd(bin_dir: Path, work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(pid: int) -> int:
        raise OSError("pidfd_open not supported")

    monkeypatch.setattr(os, "pidfd_open", unavailable)
    script(bin_dir, "quick", "echo ok\n")
    script(bin_dir, "closes-early", "exec >&- 2>&-\nsleep 30\n")
    assert go(["quick"], bin_dir, work).stdout == "ok\n"
    started = time.monotonic()
    assert go(["closes-early"], bin_dir, work, timeout=0.3).timed_out
    assert time.monotonic() - started < 0.3 + 1.0


def test_grandchild_holding_stdout_cannot_stall_the_timeout(bin_dir: Path, work: Path) -> None:
    marker = work / "grandchild.pid"
    # The grandchild inherits stdout and sleeps 30 s; the script itself waits for it.
    script(bin_dir, "hang", f"sleep 30 &\necho $! > {marker}\necho forked\nwait\n")
    started = time.monotonic()
    result = go(["hang"], bin_dir, work, timeout=0.7)
    elapsed = time.monotonic() - started
    assert result.timed_out
    assert result.stdout == "forked\n"
    assert elapsed < 0.7 + 1.0
    assert_process_gone(int(marker.read_text()))


def test_background_grandchild_after_exit_does_not_stall(bin_dir: Path, work: Path) -> None:
    marker = work / "daemon.pid"
    # The script exits at once, leaving a grandchild that keeps stdout open.
    script(bin_dir, "daemonish", f"sleep 30 &\necho $! > {marker}\necho bye\nexit 0\n")
    started = time.monotonic()
    result = go(["daemonish"], bin_dir, work, timeout=5.0)
    assert time.monotonic() - started < 2.0
    assert (result.returncode, result.timed_out, result.stdout) == (0, False, "bye\n")
    assert_process_gone(int(marker.read_text()))


@pytest.mark.parametrize(
    "escape",
    [
        "setsid sh -c 'echo $$ > {m}; exec sleep 300' &",  # leaves the group and session
        "setsid -f sh -c 'echo $$ > {m}; exec sleep 300'",  # ... and is re-parented to init
    ],
    ids=["setsid", "setsid-fork"],
)
@pytest.mark.parametrize("ending", ["times out", "exits"])
def test_nothing_that_left_the_session_survives(
    bin_dir: Path, work: Path, escape: str, ending: str
) -> None:
    marker = work / "escaped.pid"
    tail = "exec sleep 300\n" if ending == "times out" else "echo bye\n"
    script(bin_dir, "escaper", escape.format(m=marker) + "\n" + _await_file(marker) + tail)
    result = go(["escaper"], bin_dir, work, timeout=2.0)
    assert result.timed_out is (ending == "times out")
    assert_process_gone(int(marker.read_text()))


def _await_file(path: Path) -> str:
    """Shell that waits (without a fixed sleep) until the escaped process wrote its pid."""
    return f"while [ ! -s {path} ]; do :; done\n"


def assert_process_gone(pid: int) -> None:
    """The group kill reached the grandchild: it exits (SIGKILL delivery is asynchronous,
    so wait for the exit event itself, with a bound, rather than sleeping)."""
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    try:
        readable, _, _ = select.select([pidfd], [], [], 2.0)
    finally:
        os.close(pidfd)
    assert readable, f"grandchild {pid} is still running"


def test_huge_output_is_bounded_and_drained(bin_dir: Path, work: Path) -> None:
    # 8 MB on stdout, well beyond the 64 KB pipe buffer: the child must not block.
    script(bin_dir, "chatty", "head -c 8000000 /dev/zero | tr '\\0' x\necho done >&2\n")
    result = go(["chatty"], bin_dir, work, timeout=10.0, max_output=1000)
    assert result.returncode == 0
    assert result.truncated
    assert result.stdout == "x" * 1000
    assert result.stderr == "done\n"


def test_undecodable_output_is_replaced(bin_dir: Path, work: Path) -> None:
    script(bin_dir, "binary", "printf 'a\\377b'\n")
    assert go(["binary"], bin_dir, work).stdout == "a\ufffdb"


def test_environment_is_passed(bin_dir: Path, work: Path) -> None:
    script(bin_dir, "showenv", 'echo "$PAI_TEST_VALUE"\n')
    env = {**env_for(bin_dir), "PAI_TEST_VALUE": "42"}
    assert run(["showenv"], cwd=work, timeout=5.0, env=env).stdout == "42\n"


@pytest.mark.parametrize(
    "command",
    [
        "true; touch PWNED",
        "echo $(touch PWNED)",
        "echo `touch PWNED`",
        "true && touch PWNED",
        "echo x > PWNED",
        "echo | touch PWNED",
        "$(touch PWNED)",
        "`touch PWNED`",
    ],
)
def test_shell_metacharacters_are_plain_arguments(command: str, bin_dir: Path, work: Path) -> None:
    argv = strip_placeholders(split_command(command))
    result = run(argv, cwd=work, timeout=5.0, env=env_for(bin_dir))
    assert not (work / "PWNED").exists()
    assert not list(work.iterdir())
    if not result.not_found:  # e.g. `echo`: the metacharacters came back as text
        assert result.returncode == 0
        assert "PWNED" in result.stdout or result.argv[0] == "true"


def test_inherits_our_environment_by_default(work: Path) -> None:
    result = run(["env"], cwd=work, timeout=5.0)
    assert f"PATH={os.environ['PATH']}" in result.stdout.splitlines()
