"""`hook install | uninstall | status` through the CLI, and real commits through the hook."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import ci_repo
from tests.ci_repo import OUT_SCHEMA, git, write, write_core
from tests.conftest import Cli

# Fixtures shared with the other ci/hook tests.
eco = ci_repo.eco

FOREIGN = "#!/bin/sh\n# someone else's hook\nexit 0\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "plain-repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    root = Path(git(root, "rev-parse", "--show-toplevel").rstrip("\n"))
    monkeypatch.chdir(root)
    return root


def hook_path(root: Path) -> Path:
    return root / ".git" / "hooks" / "pre-commit"


def test_install_status_uninstall(repo: Path, cli: Cli) -> None:
    before = cli("--json", "hook", "status")
    assert before.exit_code == 0
    assert before.json()["installed"] is False
    assert "Installed: no" in cli("hook", "status").stdout

    installed = cli("--json", "hook", "install", "--quick")
    assert installed.exit_code == 0, installed.output
    doc = installed.json()
    assert doc["success"] is True
    assert doc["hookPath"] == str(hook_path(repo))
    assert doc["quickMode"] is True
    assert "pai-deps ci check --staged --quick" in hook_path(repo).read_text()

    human = cli("hook", "status")
    assert "Installed: yes" in human.stdout
    assert "Quick mode: yes" in human.stdout
    again = cli("hook", "install", "--quick")
    assert again.exit_code == 0
    assert "already installed" in again.stdout

    removed = cli("--json", "hook", "uninstall")
    assert removed.json() == {
        "success": True,
        "hookPath": str(hook_path(repo)),
        "removed": True,
        "backupRestored": False,
    }
    assert not hook_path(repo).exists()
    assert "nothing to do" in cli("hook", "uninstall").stdout


def test_foreign_hook_survives_repeated_force(repo: Path, cli: Cli) -> None:
    hook = hook_path(repo)
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text(FOREIGN)
    hook.chmod(0o755)

    refused = cli("hook", "install")
    assert refused.exit_code == 1
    assert "Use --force" in refused.stderr
    status = cli("--json", "hook", "status").json()
    assert (status["installed"], status["foreignHookExists"]) == (False, True)
    assert cli("hook", "uninstall").exit_code == 1  # never removes someone else's hook

    first = cli("--json", "hook", "install", "--force")
    assert first.json()["backupCreated"] is True
    for quick in ("--quick", "", "--quick"):
        again = cli("hook", "install", "--force", *([quick] if quick else []))
        assert again.exit_code == 0, again.output
    assert cli("--json", "hook", "status").json()["backupExists"] is True

    restored = cli("--json", "hook", "uninstall").json()
    assert restored["backupRestored"] is True
    assert hook.read_text() == FOREIGN


def test_reinstalling_over_a_symlinked_hook_keeps_the_link(repo: Path, cli: Cli) -> None:
    """Teams keep the hook in the repository and link it; an update must not unlink it."""
    assert cli("hook", "install").exit_code == 0
    shared = repo / "scripts" / "pre-commit"
    shared.parent.mkdir()
    hook_path(repo).rename(shared)
    hook_path(repo).symlink_to(Path("..", "..", "scripts", "pre-commit"))
    updated = cli("hook", "install", "--quick")
    assert updated.exit_code == 0, updated.output
    assert hook_path(repo).is_symlink()
    assert "ci check --staged --quick" in shared.read_text()
    assert os.access(shared, os.X_OK)
    removed = cli("hook", "uninstall")
    assert removed.exit_code == 0
    assert not hook_path(repo).exists() and not hook_path(repo).is_symlink()
    assert shared.exists()  # the link went, not the file in the repository


def test_uninstall_restores_only_the_backup_its_install_made(repo: Path, cli: Cli) -> None:
    backup = hook_path(repo).with_name("pre-commit.pai-deps-backup")
    backup.parent.mkdir(parents=True, exist_ok=True)
    backup.write_text("#!/bin/sh\n# a hook from long ago\n")
    installed = cli("hook", "install")  # no hook in place: nothing is backed up now
    assert installed.exit_code == 0, installed.output
    assert "older backup" in installed.stderr
    removed = cli("hook", "uninstall")
    assert removed.exit_code == 0
    assert not hook_path(repo).exists()
    assert "a hook from long ago" in backup.read_text()  # left alone, and said so
    assert "not restored" in removed.stdout

    backup.unlink()
    hook_path(repo).write_text(FOREIGN)
    assert cli("hook", "install", "--force").exit_code == 0
    assert cli("hook", "install", "--quick").exit_code == 0  # a refresh keeps the record
    assert cli("hook", "uninstall").exit_code == 0
    assert hook_path(repo).read_text() == FOREIGN and not backup.exists()


def test_core_hooks_path_is_honoured(repo: Path, cli: Cli) -> None:
    git(repo, "config", "core.hooksPath", "custom-hooks")
    result = cli("--json", "hook", "install")
    assert result.exit_code == 0
    assert result.json()["hookPath"] == str(repo / "custom-hooks" / "pre-commit")
    assert any("core.hooksPath" in w for w in result.json()["warnings"])
    assert (repo / "custom-hooks" / "pre-commit").is_file()


def test_worktree_shares_the_main_hooks_directory(
    repo: Path, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, "a.txt", "a\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")
    git(repo, "worktree", "add", "-q", str(tmp_path / "wt"), "-b", "side")
    monkeypatch.chdir(tmp_path / "wt")
    assert cli("--json", "hook", "install").json()["hookPath"] == str(hook_path(repo))


@pytest.mark.parametrize("command", [["install"], ["uninstall"], ["status"]])
def test_outside_a_repository_exit_2(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("hook", *command)
    assert result.exit_code == 2
    assert "Not in a git repository" in result.stderr
    as_json = cli("--json", "hook", *command)
    assert as_json.json()["success"] is False


# --- a real `git commit` through the installed hook -------------------------------------


def commit(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "commit", "-m", "through the hook"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def test_real_commit_is_blocked_by_a_broken_contract_and_let_through_when_fixed(
    eco: Path, cli: Cli, db_path: Path
) -> None:
    assert cli("hook", "install", "--quick").exit_code == 0
    venv_bin = str(Path(sys.executable).parent)
    assert shutil.which("pai-deps", path=venv_bin) is not None
    env = {**os.environ, "PAI_DEPS_DB": str(db_path)}
    env["PATH"] = os.pathsep.join([venv_bin, env["PATH"]])
    before = head(eco)

    # A manifest that promises a command nobody can run.
    write_core(
        eco,
        provides={
            "cli": [
                {"command": "core-bin list --json", "output_schema": "out.schema.json"},
                {"command": "core-ghost sync"},
            ]
        },
    )
    git(eco, "add", "-A")
    blocked = commit(eco, env)
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "core-ghost" in blocked.stderr  # git passes the hook's stdout on to stderr
    assert "commit blocked" in blocked.stderr
    assert head(eco) == before

    # A breaking schema change is blocked too.
    write_core(eco)
    (eco / "libs/core/out.schema.json").write_text('{"type": "object", "properties": {}}')
    git(eco, "add", "-A")
    assert commit(eco, env).returncode == 1
    assert head(eco) == before

    # All well: the commit goes through.
    write_core(eco, schemas={"out.schema.json": OUT_SCHEMA})
    write(eco, "libs/core/src/core.py", "VALUE = 42\n")
    git(eco, "add", "-A")
    allowed = commit(eco, env)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert head(eco) != before
    assert "ci check passed" in allowed.stderr


def test_install_with_check_also_runs_the_whole_offline_check(
    eco: Path, cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    """`hook install --check`: a commit the staged checks pass is still blocked while
    `pai-deps check` finds a failing problem anywhere in the registry, and goes through
    once it is gone."""
    from tests.helpers import dep, write_tool

    installed = cli("--json", "hook", "install", "--quick", "--check")
    assert installed.exit_code == 0, installed.output
    assert installed.json()["wholeCheck"] is True
    assert cli("--json", "hook", "status").json()["wholeCheck"] is True
    assert "Whole check: yes" in cli("hook", "status").stdout
    assert "pai-deps check\n" in hook_path(eco).read_text(encoding="utf-8")

    # Registered elsewhere, outside this change: a version constraint its provider misses.
    elsewhere = tmp_path / "elsewhere"
    provider = write_tool(elsewhere, "prov", version="1.0.0", folder="prov")
    loner = write_tool(elsewhere, "loner", depends_on=[dep("prov", version="^9.0")])
    assert cli("register", str(provider)).exit_code == 0
    assert cli("register", str(loner)).exit_code == 0
    venv_bin = str(Path(sys.executable).parent)
    env = {**os.environ, "PAI_DEPS_DB": str(db_path)}
    env["PATH"] = os.pathsep.join([venv_bin, env["PATH"]])
    before = head(eco)
    write(eco, "libs/core/src/core.py", "VALUE = 2\n")
    git(eco, "add", "-A")
    blocked = commit(eco, env)
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "ci check passed" in blocked.stderr
    assert "loner" in blocked.stderr and "^9.0" in blocked.stderr
    assert "commit blocked" in blocked.stderr
    assert head(eco) == before

    assert cli("unregister", "loner").exit_code == 0
    allowed = commit(eco, env)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert head(eco) != before

    # Reinstalled without --check, the hook runs the staged checks only, and says so.
    assert "wholeCheck" not in cli("--json", "hook", "install", "--quick").json()
    assert "pai-deps check\n" not in hook_path(eco).read_text(encoding="utf-8")
