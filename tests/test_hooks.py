"""The pre-commit hook manager, down to real `git commit` runs through the hook."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from pai_deps import hooks
from pai_deps.errors import PaiDepsError
from pai_deps.gitutil import NotAGitRepoError
from tests.ci_repo import git

PROJECT_ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
FOREIGN = "#!/bin/sh\n# someone else's hook\nexit 0\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    return Path(git(root, "rev-parse", "--show-toplevel").rstrip("\n"))


def hook_file(root: Path) -> Path:
    return root / ".git" / "hooks" / "pre-commit"


def backup_file(root: Path) -> Path:
    return root / ".git" / "hooks" / hooks.BACKUP_NAME


def put_foreign_hook(root: Path, text: str = FOREIGN) -> Path:
    path = hook_file(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return path


# --- install / status / uninstall ------------------------------------------------------


def test_install_status_uninstall(repo: Path) -> None:
    before = hooks.status(repo)
    assert (before.installed, before.foreign_hook_exists, before.backup_exists) == (
        False,
        False,
        False,
    )
    assert before.installed_at is None

    result = hooks.install(repo, quick=False, force=False, now=NOW)

    hook = hook_file(repo)
    assert result.hook_path == hook
    assert result.changed and not result.backup_created
    assert result.messages[0] == f"Pre-commit hook installed at {hook}"
    assert stat.S_IMODE(hook.stat().st_mode) == 0o755
    text = hook.read_text(encoding="utf-8")
    assert text.startswith(f"#!/bin/sh\n{hooks.MARKER}\n# Installed: 2026-01-02T03:04:05Z\n")
    assert "\npai-deps ci check --staged\n" in text

    now = hooks.status(repo)
    assert now.installed and now.executable and not now.quick_mode
    assert now.installed_at == "2026-01-02T03:04:05Z"
    assert now.document()["installedAt"] == "2026-01-02T03:04:05Z"

    removed = hooks.uninstall(repo)
    assert removed.removed and not removed.backup_restored
    assert not hook.exists()
    assert hooks.status(repo).installed is False


def test_reinstalling_our_hook_is_idempotent(repo: Path) -> None:
    hooks.install(repo, quick=False, force=False, now=NOW)
    again = hooks.install(repo, quick=False, force=False, now=datetime(2030, 1, 1, tzinfo=UTC))
    assert not again.changed
    assert again.installed_at == "2026-01-02T03:04:05Z"
    assert "up to date" in again.messages[0]

    quick = hooks.install(repo, quick=True, force=False, now=datetime(2030, 1, 1, tzinfo=UTC))
    assert quick.changed and quick.quick_mode
    assert quick.messages[0] == f"Pre-commit hook updated at {hook_file(repo)}"
    assert any("Quick mode enabled" in m for m in quick.messages)
    status = hooks.status(repo)
    assert status.quick_mode and status.installed_at == "2030-01-01T00:00:00Z"
    assert "pai-deps ci check --staged --quick\n" in hook_file(repo).read_text(encoding="utf-8")
    assert not backup_file(repo).exists()  # our own hook is never backed up


def test_install_restores_the_executable_bit(repo: Path) -> None:
    hooks.install(repo, quick=False, force=False, now=NOW)
    hook_file(repo).chmod(0o644)
    assert not hooks.status(repo).executable
    assert any("not executable" in m for m in hooks.status(repo).messages)
    assert hooks.install(repo, quick=False, force=False, now=NOW).changed
    assert stat.S_IMODE(hook_file(repo).stat().st_mode) == 0o755


def test_foreign_hook_needs_force(repo: Path) -> None:
    hook = put_foreign_hook(repo)
    with pytest.raises(PaiDepsError) as caught:
        hooks.install(repo, quick=False, force=False)
    assert caught.value.exit_code == 1
    assert caught.value.code == "hook_exists"
    # The service says what is in the way; the CLI words the flag (test_hook_cli).
    assert isinstance(caught.value, hooks.HookExistsError)
    assert (caught.value.hook, caught.value.backup) == (hook, backup_file(repo))
    assert str(backup_file(repo)) in caught.value.message
    assert hook.read_text(encoding="utf-8") == FOREIGN
    assert not backup_file(repo).exists()
    status = hooks.status(repo)
    assert status.foreign_hook_exists and not status.installed
    assert any("install --force" in m for m in status.messages)


def test_foreign_hook_backed_up_once_and_restored(repo: Path) -> None:
    put_foreign_hook(repo)
    first = hooks.install(repo, quick=False, force=True, now=NOW)
    assert first.backup_created
    assert first.warnings[0] == f"Existing hook backed up to {backup_file(repo)}"
    for quick in (True, False):
        later = hooks.install(repo, quick=quick, force=True, now=NOW)
        assert not later.backup_created
    assert backup_file(repo).read_text(encoding="utf-8") == FOREIGN
    status = hooks.status(repo)
    assert status.installed and status.backup_exists

    result = hooks.uninstall(repo)

    assert result.removed and result.backup_restored
    assert hook_file(repo).read_text(encoding="utf-8") == FOREIGN
    assert os.access(hook_file(repo), os.X_OK)
    assert not backup_file(repo).exists()
    assert hooks.status(repo).foreign_hook_exists


def test_uninstall_refuses_a_foreign_hook(repo: Path) -> None:
    put_foreign_hook(repo)
    with pytest.raises(PaiDepsError) as caught:
        hooks.uninstall(repo)
    assert caught.value.exit_code == 1
    assert "not installed by pai-deps" in caught.value.message
    assert hook_file(repo).read_text(encoding="utf-8") == FOREIGN
    assert not backup_file(repo).exists()


def test_uninstall_with_nothing_installed(repo: Path) -> None:
    result = hooks.uninstall(repo)
    assert (result.removed, result.backup_restored) == (False, False)
    assert "nothing to do" in result.messages[0]


def test_force_never_loses_a_second_foreign_hook(repo: Path) -> None:
    put_foreign_hook(repo)
    hooks.install(repo, quick=False, force=True, now=NOW)
    put_foreign_hook(repo, "#!/bin/sh\n# another tool took over\n")
    with pytest.raises(PaiDepsError) as caught:
        hooks.install(repo, quick=False, force=True, now=NOW)
    assert caught.value.code == "hook_backup_exists"
    assert hook_file(repo).read_text(encoding="utf-8").endswith("took over\n")
    assert backup_file(repo).read_text(encoding="utf-8") == FOREIGN


def test_pre_commit_framework_hook_gets_a_hint(repo: Path) -> None:
    put_foreign_hook(
        repo, "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n"
    )
    with pytest.raises(PaiDepsError, match=r"\.pre-commit-config\.yaml"):
        hooks.install(repo, quick=False, force=False)


def test_hooks_path_that_does_not_exist_yet(repo: Path) -> None:
    git(repo, "config", "core.hooksPath", "ci/git-hooks")
    result = hooks.install(repo, quick=True, force=False, now=NOW)
    assert result.hook_path == repo / "ci" / "git-hooks" / "pre-commit"
    assert result.hook_path.is_file()
    assert any("core.hooksPath" in w for w in result.warnings)


def test_install_from_a_linked_worktree_uses_the_common_dir(repo: Path, tmp_path: Path) -> None:
    (repo / "a.txt").write_text("a\n", encoding="utf-8")
    git(repo, "add", "a.txt")
    git(repo, "commit", "-q", "-m", "a")
    git(repo, "worktree", "add", "-q", str(tmp_path / "wt"))
    result = hooks.install(tmp_path / "wt", quick=False, force=False, now=NOW)
    assert result.hook_path == hook_file(repo)
    assert hooks.status(repo).installed


def test_outside_a_repository_every_command_exits_2(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    for call in (
        lambda: hooks.install(plain, quick=False, force=False),
        lambda: hooks.uninstall(plain),
        lambda: hooks.status(plain),
    ):
        with pytest.raises(NotAGitRepoError) as caught:
            call()
        assert caught.value.exit_code == 2
    assert list(plain.iterdir()) == []


def test_json_shapes(repo: Path) -> None:
    installed = hooks.install(repo, quick=True, force=False, now=NOW).document()
    assert installed["hookPath"] == str(hook_file(repo))
    assert (installed["backupCreated"], installed["quickMode"]) == (False, True)
    assert set(hooks.status(repo).document()) >= {
        "installed",
        "installedAt",
        "quickMode",
        "backupExists",
        "foreignHookExists",
    }
    assert hooks.uninstall(repo).document() == {  # what `--json hook uninstall` prints
        "success": True,
        "hookPath": str(hook_file(repo)),
        "removed": True,
        "backupRestored": False,
    }


# --- the hook inside a real commit -----------------------------------------------------


def commit_env(tmp_path: Path, fake_exit: int | None, **extra: str) -> dict[str, str]:
    """PATH with git and, unless `fake_exit` is None, a fake pai-deps exiting with it."""
    system = tmp_path / "system-bin"
    system.mkdir(exist_ok=True)
    real_git = shutil.which("git")
    assert real_git is not None
    if not (system / "git").exists():
        (system / "git").symlink_to(real_git)
    path = [str(system)]
    if fake_exit is not None:
        fake = tmp_path / "fake-bin"
        fake.mkdir(exist_ok=True)
        script = fake / "pai-deps"
        if fake_exit >= 128:  # die from the real signal, as a crash would
            ending = f"ulimit -c 0\nkill -s {fake_exit - 128} $$\n"
        else:
            ending = f"exit {fake_exit}\n"
        script.write_text(
            f'#!/bin/sh\necho "$@" > "{tmp_path / "args.txt"}"\necho fake output\n{ending}',
            encoding="utf-8",
        )
        script.chmod(0o755)
        path.insert(0, str(fake))
    return {**os.environ, "PATH": os.pathsep.join(path), **extra}


def try_commit(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    (repo / "file.txt").write_text("content\n", encoding="utf-8")
    git(repo, "add", "file.txt", env=env)
    return subprocess.run(
        ["git", "commit", "-m", "try"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )


def has_commit(repo: Path) -> bool:
    probe = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "HEAD"],
        cwd=repo,
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


@pytest.mark.parametrize(
    ("fake_exit", "committed", "says"),
    [
        (0, True, None),
        (1, False, "commit blocked"),
        (2, True, "checks could not run"),
        (139, True, "failed unexpectedly (exit 139)"),
    ],
)
def test_real_commit_blocks_only_on_failed_checks(
    repo: Path, tmp_path: Path, fake_exit: int, committed: bool, says: str | None
) -> None:
    hooks.install(repo, quick=True, force=False, now=NOW)
    result = try_commit(repo, commit_env(tmp_path, fake_exit))
    assert (result.returncode == 0) is committed, result.stderr
    assert has_commit(repo) is committed
    assert (tmp_path / "args.txt").read_text(encoding="utf-8") == "ci check --staged --quick\n"
    assert "fake output" in result.stdout + result.stderr
    if says is not None:
        assert says in result.stderr


def test_real_commit_without_pai_deps_on_path(repo: Path, tmp_path: Path) -> None:
    hooks.install(repo, quick=False, force=False, now=NOW)
    env = commit_env(tmp_path, None)
    assert shutil.which("pai-deps", path=env["PATH"]) is None
    result = try_commit(repo, env)
    assert result.returncode == 0, result.stderr
    assert has_commit(repo)
    assert "pai-deps: not found on PATH, skipping pre-commit checks" in result.stderr


def test_skip_variable_lets_a_failing_check_through(repo: Path, tmp_path: Path) -> None:
    hooks.install(repo, quick=False, force=False, now=NOW)
    result = try_commit(repo, commit_env(tmp_path, 1, PAI_DEPS_SKIP="1"))
    assert result.returncode == 0, result.stderr
    assert "PAI_DEPS_SKIP is set" in result.stderr
    assert not (tmp_path / "args.txt").exists()


# --- the pre-commit framework manifest -------------------------------------------------


def test_pre_commit_hooks_yaml_matches_the_hook() -> None:
    entries = YAML(typ="safe").load((PROJECT_ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    by_id = {entry["id"]: entry for entry in entries}
    assert set(by_id) == {"pai-deps-check", "pai-deps-check-full"}
    assert by_id["pai-deps-check"]["entry"] == " ".join(hooks.check_command(quick=True))
    assert by_id["pai-deps-check-full"]["entry"] == " ".join(hooks.check_command(quick=False))
    for entry in entries:
        assert entry["language"] == "python"
        assert entry["pass_filenames"] is False
        assert entry["always_run"] is False
        assert entry["entry"].startswith("pai-deps ci check --staged")
        assert entry["entry"] + "\n" in hooks.render_hook(
            quick="--quick" in entry["entry"], installed_at="x"
        )


def test_the_hook_command_exists_in_the_cli() -> None:
    try:
        from pai_deps.cli import app
    except ImportError:
        pytest.skip("the CLI is not assembled yet")
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["ci", "check", "--help"])
    assert result.exit_code == 0, result.output
    assert "--staged" in result.output
    assert "--quick" in result.output
