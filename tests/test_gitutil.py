"""gitutil against real repositories built in tmp_path."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from pai_deps import gitutil
from pai_deps.gitutil import ChangedFile, GitError, NotAGitRepoError
from tests.ci_repo import git, write

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ODD_NAME = "dir with space/ünï cödé\nnewline.txt"


def new_repo(path: Path, *, branch: str = "main") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", branch)
    return Path(git(path, "rev-parse", "--show-toplevel").rstrip("\n"))


def commit_all(root: Path, message: str = "change") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def summary(changes: list[ChangedFile], root: Path) -> set[tuple[str, str, str | None]]:
    return {
        (
            c.status,
            c.path.relative_to(root).as_posix(),
            c.old_path.relative_to(root).as_posix() if c.old_path else None,
        )
        for c in changes
    }


LONG_TEXT = "".join(f"line {i} of a file long enough for rename detection\n" for i in range(40))


# --- repository location ---------------------------------------------------------------


def test_repo_root_from_a_subdirectory(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    (root / "a" / "b").mkdir(parents=True)
    assert gitutil.repo_root(root / "a" / "b") == root
    assert gitutil.require_repo(root / "a") == root


def test_outside_a_repository(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert gitutil.repo_root(plain) is None
    assert gitutil.repo_root(tmp_path / "missing") is None
    with pytest.raises(NotAGitRepoError) as caught:
        gitutil.require_repo(plain)
    assert caught.value.exit_code == 2
    assert caught.value.code == "not_a_git_repository"
    assert caught.value.message == f"Not in a git repository: {plain}"
    assert capfd.readouterr() == ("", "")


# --- changed files ---------------------------------------------------------------------


def test_changed_files_since_merge_base(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    write(root, "tools/a/pai-manifest.yaml", "name: a\n")
    write(root, "old.txt", LONG_TEXT)
    write(root, "gone.txt", "bye\n")
    commit_all(root, "base")
    git(root, "switch", "-q", "-c", "feature")
    write(root, "tools/a/pai-manifest.yaml", "name: a\nversion: 2\n")
    git(root, "mv", "old.txt", "renamed.txt")
    git(root, "rm", "-q", "gone.txt")
    write(root, ODD_NAME, "odd\n")
    commit_all(root, "feature work")
    git(root, "switch", "-q", "main")
    write(root, "main-only.txt", "not part of the feature\n")
    commit_all(root, "moved on")
    git(root, "switch", "-q", "feature")

    changes = gitutil.changed_files(root / "tools", base="main")

    assert summary(changes, root) == {
        ("M", "tools/a/pai-manifest.yaml", None),
        ("R", "renamed.txt", "old.txt"),
        ("D", "gone.txt", None),
        ("A", ODD_NAME, None),
    }
    assert all(c.path.is_absolute() for c in changes)
    # An explicit head compares the same range from anywhere.
    git(root, "switch", "-q", "main")
    assert summary(gitutil.changed_files(root, base="main", head="feature"), root) == summary(
        changes, root
    )


def test_changed_files_default_base(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    write(root, "a.txt", "a\n")
    commit_all(root)
    git(root, "switch", "-q", "-c", "topic")
    write(root, "b.txt", "b\n")
    commit_all(root)
    assert summary(gitutil.changed_files(root, base=None), root) == {("A", "b.txt", None)}


def test_staged_in_a_repository_without_commits(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "fresh")
    write(root, "tool/pai-manifest.yaml", "name: t\n")
    write(root, ODD_NAME, "odd\n")
    write(root, "untracked.txt", "not staged\n")
    git(root, "add", "tool", "dir with space")

    changes = gitutil.changed_files(root, base=None, staged=True)

    assert summary(changes, root) == {
        ("A", "tool/pai-manifest.yaml", None),
        ("A", ODD_NAME, None),
    }


def test_staged_rename_delete_and_modify(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    write(root, "old.txt", LONG_TEXT)
    write(root, "gone.txt", "bye\n")
    write(root, "kept.txt", "v1\n")
    commit_all(root)
    git(root, "mv", "old.txt", "new name.txt")
    git(root, "rm", "-q", "gone.txt")
    write(root, "kept.txt", "v2\n")
    git(root, "add", "kept.txt")
    write(root, "kept.txt", "v3 unstaged\n")

    changes = gitutil.changed_files(root, base="does-not-matter", staged=True)

    assert summary(changes, root) == {
        ("R", "new name.txt", "old.txt"),
        ("D", "gone.txt", None),
        ("M", "kept.txt", None),
    }


@pytest.mark.parametrize("which", ["base", "head"])
def test_unknown_ref(tmp_path: Path, which: str, capfd: pytest.CaptureFixture[str]) -> None:
    root = new_repo(tmp_path / "repo")
    write(root, "a.txt", "a\n")
    commit_all(root)
    refs = {"base": "main", "head": "HEAD", which: "no-such-branch"}
    with pytest.raises(GitError) as caught:
        gitutil.changed_files(root, base=refs["base"], head=refs["head"])
    assert caught.value.exit_code == 2
    assert caught.value.code == "unknown_ref"
    assert "no-such-branch" in caught.value.message
    assert capfd.readouterr().err == ""


def test_a_ref_cannot_pose_as_an_option(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    write(root, "a.txt", "a\n")
    commit_all(root)
    sneaky = f"--output={tmp_path / 'pwned'}"
    with pytest.raises(GitError, match="Unknown git ref"):
        gitutil.changed_files(root, base=sneaky)
    assert not (tmp_path / "pwned").exists()


def test_changed_files_outside_a_repository(tmp_path: Path) -> None:
    with pytest.raises(NotAGitRepoError):
        gitutil.changed_files(tmp_path, base=None, staged=True)


# --- default base ----------------------------------------------------------------------


def test_default_base_from_origin_head(tmp_path: Path) -> None:
    seed = new_repo(tmp_path / "seed", branch="trunk")
    write(seed, "a.txt", "a\n")
    commit_all(seed)
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(tmp_path / "origin.git"))
    git(tmp_path, "clone", "-q", str(tmp_path / "origin.git"), str(tmp_path / "clone"))
    clone = tmp_path / "clone"
    git(clone, "switch", "-q", "-c", "work")
    # Local main and master exist too; the remote's default still wins.
    git(clone, "branch", "main")
    git(clone, "branch", "master")
    assert gitutil.default_base(clone) == "origin/trunk"


@pytest.mark.parametrize(
    ("branches", "expected"),
    [(["main", "master"], "main"), (["master"], "master")],
)
def test_default_base_from_local_branches(
    tmp_path: Path, branches: list[str], expected: str
) -> None:
    root = new_repo(tmp_path / "repo", branch="dev")
    write(root, "a.txt", "a\n")
    commit_all(root)
    for branch in branches:
        git(root, "branch", branch)
    assert gitutil.default_base(root) == expected


def test_default_base_when_nothing_fits(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo", branch="dev")
    write(root, "a.txt", "a\n")
    commit_all(root)
    with pytest.raises(GitError, match="--base") as caught:
        gitutil.default_base(root)
    assert caught.value.exit_code == 2


# --- hooks directory -------------------------------------------------------------------


def test_hooks_dir_plain(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    (root / "sub").mkdir()
    assert gitutil.hooks_dir(root / "sub") == root / ".git" / "hooks"


def test_hooks_dir_in_a_linked_worktree(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    write(root, "a.txt", "a\n")
    commit_all(root)
    git(root, "worktree", "add", "-q", str(tmp_path / "wt"))
    # Git runs hooks from the common dir, never from .git/worktrees/<name>/hooks.
    assert gitutil.hooks_dir(tmp_path / "wt") == root / ".git" / "hooks"


def test_hooks_dir_with_relative_hooks_path(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    git(root, "config", "core.hooksPath", "tooling/hooks")
    (root / "deep" / "er").mkdir(parents=True)
    assert gitutil.hooks_dir(root / "deep" / "er") == root / "tooling" / "hooks"


def test_hooks_dir_with_absolute_hooks_path(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    shared = tmp_path / "shared hooks"
    git(root, "config", "core.hooksPath", str(shared))
    assert gitutil.hooks_dir(root) == shared


# --- index content, commits, dirtiness -------------------------------------------------


def test_staged_blob(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    manifest = write(root, "tool/pai-manifest.yaml", "name: v1\n")
    commit_all(root)
    write(root, "tool/pai-manifest.yaml", "name: v2\n")
    git(root, "add", "tool/pai-manifest.yaml")
    write(root, "tool/pai-manifest.yaml", "name: v3 (not staged)\n")
    write(root, "tool/new.yaml", "untracked\n")
    write(root, ODD_NAME, "odd\n")
    git(root, "add", "dir with space")

    assert gitutil.staged_blob(root, manifest) == b"name: v2\n"
    assert gitutil.staged_blob(root / "tool", "pai-manifest.yaml") == b"name: v2\n"
    assert gitutil.staged_blob(root, ODD_NAME) == b"odd\n"
    assert gitutil.staged_blob(root, "tool/new.yaml") is None
    assert gitutil.staged_blob(root, tmp_path / "elsewhere.yaml") is None
    git(root, "rm", "-q", "-f", "--cached", "tool/pai-manifest.yaml")
    assert gitutil.staged_blob(root, manifest) is None


def test_short_commit(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    root = new_repo(tmp_path / "repo")
    assert gitutil.short_commit(root) is None  # no commits yet
    write(root, "a.txt", "a\n")
    commit_all(root)
    expected = git(root, "rev-parse", "--short", "HEAD").strip()
    capfd.readouterr()

    assert gitutil.short_commit(root) == expected
    plain = tmp_path / "plain"
    plain.mkdir()
    assert gitutil.short_commit(plain) is None
    assert gitutil.short_commit(tmp_path / "missing") is None
    assert capfd.readouterr() == ("", "")


def test_an_inherited_git_dir_does_not_redirect_questions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hooks export GIT_DIR; asking about another directory must still answer for it."""
    one = new_repo(tmp_path / "one")
    two = new_repo(tmp_path / "two")
    for root in (one, two):
        write(root, "a.txt", f"{root.name}\n")
        commit_all(root, root.name)
    two_head = git(two, "rev-parse", "--short", "HEAD").strip()
    monkeypatch.setenv("GIT_DIR", str(one / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(one / ".git" / "index"))
    assert gitutil.short_commit(two) == two_head
    assert gitutil.repo_root(two) == two


def test_is_dirty_is_scoped_to_the_directory(tmp_path: Path) -> None:
    root = new_repo(tmp_path / "repo")
    write(root, "a/x.txt", "x\n")
    write(root, "b/y.txt", "y\n")
    commit_all(root)
    assert gitutil.is_dirty(root) is False
    write(root, "a/x.txt", "changed\n")
    assert gitutil.is_dirty(root / "a") is True
    assert gitutil.is_dirty(root / "b") is False
    plain = tmp_path / "plain"
    plain.mkdir()
    assert gitutil.is_dirty(plain) is None


# --- inside a real pre-commit hook -----------------------------------------------------

_PROBE = """\
import json, sys
from pai_deps import gitutil
root = gitutil.require_repo(".")
changes = gitutil.changed_files(".", base=None, staged=True)
blob = gitutil.staged_blob(".", "tool/pai-manifest.yaml")
out = {
    "changes": sorted([c.status, c.path.relative_to(root).as_posix()] for c in changes),
    "blob": blob.decode() if blob is not None else None,
}
with open(sys.argv[1], "w") as f:
    json.dump(out, f)
"""


@pytest.mark.parametrize("style", ["commit -a", "partial commit", "linked worktree"])
def test_staged_view_inside_a_pre_commit_hook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str
) -> None:
    """`git commit -a` and partial commits stage into a temporary index (GIT_INDEX_FILE)."""
    root = new_repo(tmp_path / "repo")
    write(root, "tool/pai-manifest.yaml", "name: v1\n")
    write(root, "other.txt", "o1\n")
    commit_all(root)
    probe = write(tmp_path, "probe.py", _PROBE)
    report = tmp_path / "report.json"
    hook = write(
        root,
        ".git/hooks/pre-commit",
        f'#!/bin/sh\nexec "{sys.executable}" "{probe}" "{report}"\n',
    )
    hook.chmod(0o755)
    monkeypatch.setenv("PYTHONPATH", str(PROJECT_ROOT))
    work = root
    if style == "linked worktree":
        work = tmp_path / "wt"
        git(root, "worktree", "add", "-q", str(work))
    write(work, "tool/pai-manifest.yaml", "name: v2\n")
    write(work, "other.txt", "o2\n")

    if style == "partial commit":
        git(work, "commit", "-q", "-m", "partial", "--", "tool/pai-manifest.yaml")
        expected = [["M", "tool/pai-manifest.yaml"]]
    else:
        git(work, "commit", "-q", "-a", "-m", "all")
        expected = [["M", "other.txt"], ["M", "tool/pai-manifest.yaml"]]

    seen = json.loads(report.read_text(encoding="utf-8"))
    assert seen == {"changes": expected, "blob": "name: v2\n"}
