"""`verify` on CLI contracts: real scripts on a temporary PATH, registered from real manifests.

`Toolbox` and `make_box` are shared by the other test_verify_* and test_drift* modules
(each declares its own `box` fixture with them).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pai_deps import db
from pai_deps.db.connection import Connection
from pai_deps.repo import contracts, runs, tools, verifications
from tests.conftest import Cli, CliResult
from tests.helpers import write_tool


@dataclass
class Toolbox:
    """Scripts on a private PATH, tools registered from manifests, the registry at hand."""

    root: Path
    bin: Path
    cli: Cli
    db_path: Path | str  # the registry: a file, or a PostgreSQL URL

    def script(self, name: str, body: str) -> Path:
        path = self.bin / name
        path.write_text("#!/bin/sh\n" + body)
        path.chmod(0o755)
        return path

    def usage(self, name: str, text: str = "") -> Path:
        """A command whose --help prints usage (and `text`) and exits 0."""
        return self.script(name, f'echo "Usage: {name} [OPTIONS] {text}"\n')

    def tool(self, name: str, *, register: bool = True, **manifest: Any) -> Path:
        directory = write_tool(self.root / "tools", name, **manifest)
        if register:
            result = self.cli("register", str(directory))
            assert result.exit_code == 0, result.output
        return directory

    def verify(self, *args: str) -> CliResult:
        return self.cli("--json", "verify", *args)

    @contextlib.contextmanager
    def conn(self) -> Iterator[Connection]:
        connection = db.open_db(self.db_path)
        try:
            yield connection
        finally:
            connection.close()

    def contract(self, tool: str, name: str) -> Any:
        with self.conn() as conn:
            (row,) = contracts.find_contracts(conn, tool_id=tool, name=name)
            return row


def make_box(
    tmp_path: Path, cli: Cli, db_path: Path | str, monkeypatch: pytest.MonkeyPatch
) -> Toolbox:
    """A Toolbox whose scripts come first on PATH (the in-process CLI inherits it)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    return Toolbox(tmp_path, bin_dir, cli, db_path)


@pytest.fixture
def box(tmp_path: Path, cli: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Toolbox:
    return make_box(tmp_path, cli, db_path, monkeypatch)


def cli_results(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        item["command"]: item for tool in document["cli"]["results"] for item in tool["results"]
    }


def commands(*names: str) -> dict[str, Any]:
    return {"cli": [{"command": name} for name in names]}


# -- levels ----------------------------------------------------------------------------------


def test_default_level_passes_usage_and_fails_everything_else(box: Toolbox) -> None:
    box.usage("good")
    box.script("bad", 'echo "Usage: bad" >&2\nexit 3\n')
    box.script("mute", "exit 0\n")
    box.tool("t", provides=commands("good list <id> [--limit <n>]", "bad", "mute", "ghost run"))

    result = box.verify("t")

    assert result.exit_code == 1
    document = result.json()
    assert (document["success"], document["status"]) == (False, "fail")
    checks = cli_results(document)
    assert checks["good list <id> [--limit <n>]"]["status"] == "pass"
    assert checks["bad"]["error"] == "--help exited with code 3: Usage: bad"
    assert checks["mute"]["error"] == "--help exited 0 but printed no usage text"
    assert checks["ghost run"]["error"] == "ghost: command not found"
    assert checks["ghost run"]["checks"]["exists"] is False
    assert document["summary"] | {"durationMs": 0} == {
        "tools": 1,
        "checked": 4,
        "passed": 1,
        "failed": 3,
        "skipped": 0,
        "unverified": 0,
        "drifted": 0,
        "schemaChanges": {"breaking": 0, "risky": 0, "compatible": 0, "cosmetic": 0},
        "extra": 0,
        "durationMs": 0,
    }
    with box.conn() as conn:
        statuses = {c.name: c.status for c in contracts.list_contracts_of(conn, tool_id="t")}
        tool = tools.get_tool(conn, id="t")
        (run,) = runs.list_runs_of(conn, tool_id="t", limit=5)
        good = box.contract("t", "good list <id> [--limit <n>]")
        (check,) = verifications.list_contract_history(conn, contract_id=good.id, limit=5)
    assert statuses == {
        "bad": "broken",
        "ghost run": "broken",
        "good list <id> [--limit <n>]": "valid",
        "mute": "broken",
    }
    assert tool is not None and tool.last_verified == run.verified_at
    assert (run.status, run.level, run.cli_passed, run.cli_failed) == ("fail", "default", 1, 3)
    assert check.status == "pass" and check.duration_ms is not None
    assert check.details["argv"] == ["good", "list", "--help"]
    assert check.details["level"] == "default"


def test_commands_run_in_the_tool_directory(box: Toolbox) -> None:
    box.script("where", 'echo "Usage: where"\npwd > seen.txt\n')
    directory = box.tool("t", provides=commands("where"))

    assert box.verify("t").exit_code == 0
    assert (directory / "seen.txt").read_text().strip() == str(directory)


def test_quick_level_only_looks_for_executables(box: Toolbox) -> None:
    marker = box.root / "ran"
    box.script("present", f"touch '{marker}'\nexit 1\n")
    box.tool("t", provides=commands("present do", "absent do"))

    result = box.verify("t", "--quick")

    checks = cli_results(result.json())
    assert checks["present do"]["status"] == "pass"
    assert checks["absent do"]["error"] == "command not found: absent"
    assert result.exit_code == 1
    assert not marker.exists()
    with box.conn() as conn:
        assert runs.list_runs_of(conn, tool_id="t", limit=1)[0].level == "quick"


def test_strict_level_wants_every_declared_flag_in_the_help(box: Toolbox) -> None:
    box.usage("mail", "--subject TEXT --json-lines --to ADDR")
    box.tool(
        "t",
        provides=commands(
            "mail send <to> [--subject <s>]", "mail list --json", "mail send --to=<a>"
        ),
    )

    default = box.verify("t")
    strict = box.verify("t", "--strict")

    assert default.exit_code == 0
    assert strict.exit_code == 1
    checks = cli_results(strict.json())
    assert checks["mail send <to> [--subject <s>]"]["status"] == "pass"
    assert checks["mail send --to=<a>"]["status"] == "pass"
    listing = checks["mail list --json"]
    # `--json-lines` in the help does not document `--json`.
    assert listing["error"] == "help does not mention --json"
    assert listing["checks"]["missingFlags"] == ["--json"]


def test_timeout_returns_promptly_even_when_a_grandchild_holds_stdout(box: Toolbox) -> None:
    box.script("slow", "sleep 30 &\nwait\n")
    box.tool("t", provides=commands("slow"))

    started = time.monotonic()
    result = box.verify("t", "--timeout", "1")
    elapsed = time.monotonic() - started

    assert result.exit_code == 1
    assert cli_results(result.json())["slow"]["error"] == "no answer within 1 s (killed)"
    assert elapsed < 2.0


def test_timeout_kills_a_grandchild_that_called_setsid(box: Toolbox) -> None:
    from tests.test_runner import assert_process_gone

    marker = box.root / "escaped.pid"
    box.script(
        "escaper",
        f"setsid -f sh -c 'echo $$ > {marker}; exec sleep 300'\n"
        f"while [ ! -s {marker} ]; do :; done\nexec sleep 300\n",
    )
    box.tool("t", provides=commands("escaper"))
    result = box.verify("t", "--timeout", "1")
    assert result.exit_code == 1
    assert cli_results(result.json())["escaper"]["error"] == "no answer within 1 s (killed)"
    assert_process_gone(int(marker.read_text()))


@pytest.mark.parametrize(
    "command",
    [
        "true; touch {m}",
        "true && touch {m}",
        "true | touch {m}",
        "echo $(touch {m})",
        "echo `touch {m}`",
        "echo hi > {m}",
    ],
)
def test_injection_attempts_create_no_file(box: Toolbox, command: str) -> None:
    marker = box.root / "owned"
    box.tool("t", provides=commands(command.format(m=marker)))

    result = box.verify("t")

    assert result.exit_code == 1
    assert not marker.exists()
    assert not list((box.root / "tools" / "t").glob("owned*"))


def test_no_save_records_nothing(box: Toolbox) -> None:
    box.usage("good")
    box.tool("t", provides=commands("good"))

    result = box.verify("t", "--no-save")

    assert result.exit_code == 0
    assert result.json()["saved"] is False
    with box.conn() as conn:
        assert runs.list_runs_of(conn, tool_id="t", limit=5) == []
        contract = contracts.list_contracts_of(conn, tool_id="t")[0]
        assert verifications.list_contract_history(conn, contract_id=contract.id, limit=5) == []
        assert (contract.status, contract.last_verified) == ("unknown", None)
        tool = tools.get_tool(conn, id="t")
        assert tool is not None and tool.last_verified is None


def test_history_keeps_the_newest_100_runs(box: Toolbox) -> None:
    box.usage("good")
    box.tool("t", provides=commands("good"))
    contract = box.contract("t", "good")
    with box.conn() as conn, db.transaction(conn):
        for day in range(100):
            stamp = f"2020-01-01T00:00:{day // 60:02d}.{day % 60:03d}Z"
            runs.insert_run(
                conn,
                tool_id="t",
                verified_at=stamp,
                level="default",
                status="pass",
                cli_passed=1,
                cli_failed=0,
                cli_skipped=0,
                mcp_found=0,
                mcp_missing=0,
                mcp_extra=0,
                mcp_failed=0,
                mcp_skipped=0,
                git_commit=None,
                duration_ms=1,
            )
            verifications.record_verification(
                conn,
                contract_id=contract.id,
                verified_at=stamp,
                status="pass",
                details=None,
                git_commit=None,
                duration_ms=1,
            )

    assert box.verify("t").exit_code == 0

    with box.conn() as conn:
        kept_runs = runs.list_runs_of(conn, tool_id="t", limit=1000)
        kept_checks = verifications.list_contract_history(conn, contract_id=contract.id, limit=1000)
    assert len(kept_runs) == len(kept_checks) == 100
    assert not kept_runs[0].verified_at.startswith("2020")
    assert kept_runs[-1].verified_at == "2020-01-01T00:00:00.001Z"  # .000 was pruned
    assert kept_checks[-1].verified_at == "2020-01-01T00:00:00.001Z"


def test_git_commit_of_the_tool_directory_is_recorded(box: Toolbox) -> None:
    box.usage("good")
    directory = box.tool("t", provides=commands("good"), register=False)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "x"]):
        subprocess.run(["git", *args], cwd=directory, env=env, check=True, capture_output=True)
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=directory,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert box.cli("register", str(directory)).exit_code == 0

    result = box.verify("t")

    assert result.json()["tools"][0]["gitCommit"] == head
    with box.conn() as conn:
        assert runs.list_runs_of(conn, tool_id="t", limit=1)[0].git_commit == head
        contract = box.contract("t", "good")
        (check,) = verifications.list_contract_history(conn, contract_id=contract.id, limit=1)
        assert check.git_commit == head


def test_no_commit_outside_a_repository(box: Toolbox) -> None:
    box.usage("good")
    box.tool("t", provides=commands("good"))

    result = box.verify("t")

    assert result.json()["tools"][0]["gitCommit"] is None
    assert "fatal" not in result.stderr


# -- selection and options ------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["t", "--quick", "--strict"],
        ["t", "--cli-only", "--mcp-only"],
        ["t", "--timeout", "0"],
        ["t", "--timeout", "-1"],
        ["t", "--jobs", "0"],
        [],
        ["t", "--all"],
        ["--all", "--contract", "good"],
    ],
)
def test_misuse_exits_2(box: Toolbox, args: list[str]) -> None:
    box.usage("good")
    box.tool("t", provides=commands("good"))

    result = box.cli("verify", *args)

    assert result.exit_code == 2, result.output
    with box.conn() as conn:
        assert runs.list_runs_of(conn, tool_id="t", limit=1) == []


def test_unknown_tool_and_stub_exit_1(box: Toolbox) -> None:
    box.tool("t", depends_on=[{"name": "ghost", "type": "cli"}])

    unknown = box.cli("--json", "verify", "nope")
    stub = box.cli("verify", "ghost")

    assert unknown.exit_code == 1 and unknown.json()["code"] == "tool_not_found"
    assert stub.exit_code == 1 and "stub" in stub.stderr


def test_nothing_to_check_is_a_warning_not_a_pass(box: Toolbox) -> None:
    box.tool("lib", type="library", provides={"library": [{"export": "parse"}]})

    human = box.cli("verify", "lib")
    document = box.verify("lib").json()

    assert human.exit_code == 0
    assert "Warning: 0 contracts checked (every contract was skipped)" in human.stderr
    assert "NOTHING VERIFIED" in human.stdout and "PASS" not in human.stdout
    assert document["status"] == "skip"
    assert document["contracts"][0]["status"] == "skip"
    with box.conn() as conn:
        (run,) = runs.list_runs_of(conn, tool_id="lib", limit=5)[:1]
        tool = tools.get_tool(conn, id="lib")
    assert run.status == "skip"
    assert tool is not None and tool.last_verified is None


def test_contract_option_checks_one_contract(box: Toolbox) -> None:
    box.usage("good")
    box.tool("t", provides=commands("good", "ghost"))

    one = box.verify("t", "--contract", "good")
    typed = box.verify("t", "--contract", "cli_output:good")
    unknown = box.cli("verify", "t", "--contract", "nope")

    assert one.exit_code == typed.exit_code == 0
    assert list(cli_results(one.json())) == ["good"]
    assert unknown.exit_code == 1
    assert "available: cli_output:ghost" in unknown.stderr


def test_all_runs_tools_concurrently_and_skips_stubs(box: Toolbox) -> None:
    box.script("nap", 'sleep 0.5\necho "Usage: nap"\n')
    for index in range(4):
        box.tool(
            f"t{index}",
            provides=commands("nap"),
            depends_on=[{"name": "ghost", "type": "cli"}],
        )

    started = time.monotonic()
    result = box.verify("--all", "--jobs", "4")
    elapsed = time.monotonic() - started

    assert result.exit_code == 0
    assert [t["tool"] for t in result.json()["tools"]] == ["t0", "t1", "t2", "t3"]
    assert elapsed < 1.6  # four 0.5 s checks, serially 2 s
    with box.conn() as conn:
        assert all(runs.list_runs_of(conn, tool_id=f"t{i}", limit=1) for i in range(4))


def test_human_output_lists_each_contract_and_a_verdict(box: Toolbox) -> None:
    box.usage("good")
    box.tool("t", provides=commands("good", "ghost"))

    human = box.cli("verify", "t")
    quiet = box.cli("-q", "verify", "t")

    assert human.exit_code == quiet.exit_code == 1
    lines = human.stdout.splitlines()
    assert any(line.startswith("✓  good ") and "usage shown" in line for line in lines)
    assert any(line.startswith("✗  ghost ") for line in lines)
    assert lines[-1].startswith("FAIL: 1 of 2 contracts checked failed (1 tool, default level")
    assert all(line == line.rstrip() for line in lines)
    assert quiet.stdout.splitlines()[0] == "t: ghost: ghost: command not found"


def test_json_stdout_stays_clean_as_a_real_process(box: Toolbox, subprocess_cli: Cli) -> None:
    box.usage("good")
    box.tool("t", provides=commands("good"))

    result = subprocess_cli("--json", "verify", "--all", env={"PATH": os.environ["PATH"]})

    assert result.exit_code == 0, result.stderr
    assert result.json()["status"] == "pass"
