"""Every git call pai-deps makes, in one place.

Git runs as an argument list (never through a shell), with stdin closed, stderr captured
(a `fatal: ...` line never reaches the user; failures become `PaiDepsError`s) and a
timeout. File names are read with `-z`, so spaces, unicode and even newlines survive.

Inside a hook git exports `GIT_DIR`, `GIT_INDEX_FILE` and friends, some of them relative
to the hook's working directory. Passed on blindly they would make git answer about the
wrong repository whenever we ask about another directory, so they are removed; the one
that matters, `GIT_INDEX_FILE` (where `git commit -a` and partial commits stage the
change), is kept for index reads when it belongs to the repository being asked about.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pai_deps.errors import PaiDepsError

GIT_TIMEOUT_SECONDS = 30.0

# Variables git sets for hooks and aliases that pin a repository or an index; see module doc.
_REPOSITORY_ENV = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_PREFIX",
    "GIT_COMMON_DIR",
    "GIT_IMPLICIT_WORK_TREE",
)
# Options that make porcelain output stable whatever the user's configuration says.
_STABLE_CONFIG = ("-c", "core.quotepath=off", "-c", "color.ui=false")


class GitError(PaiDepsError):
    """Git could not answer: missing executable, timeout, unknown ref, no merge base.

    These describe the environment or the command line, not a failed check, hence exit 2.
    """

    code = "git_error"
    exit_code = 2


class NotAGitRepoError(GitError):
    """The command needs a git work tree and the directory is not inside one."""

    code = "not_a_git_repository"

    def __init__(self, cwd: Path | str) -> None:
        super().__init__(f"Not in a git repository: {cwd}", details={"cwd": str(cwd)})


@dataclass(frozen=True)
class ChangedFile:
    """One entry of `git diff --name-status`.

    `status` is git's letter: A added, M modified, D deleted, R renamed, C copied,
    T type changed, U unmerged. `path` is absolute (the new path for renames and copies);
    `old_path` is the source of a rename or copy, else None.
    """

    path: Path
    status: str
    old_path: Path | None = None


def _environment(index_file: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _REPOSITORY_ENV}
    env["GIT_OPTIONAL_LOCKS"] = "0"  # never contend for index.lock with a running commit
    env["GIT_TERMINAL_PROMPT"] = "0"
    if index_file is not None:
        env["GIT_INDEX_FILE"] = index_file
    return env


def _git(
    cwd: Path,
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run git in `cwd`; the caller decides what a non-zero exit means."""
    try:
        return subprocess.run(
            ["git", *_STABLE_CONFIG, *args],
            cwd=cwd,
            env=dict(env) if env is not None else _environment(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError as exc:
        if not cwd.is_dir():
            raise NotAGitRepoError(cwd) from exc
        raise GitError("git is not installed or not on PATH", code="git_not_found") from exc
    except subprocess.TimeoutExpired as exc:
        raise GitError(
            f"git {' '.join(args[:2])} timed out after {GIT_TIMEOUT_SECONDS:g}s",
            code="git_timeout",
        ) from exc


def _stderr_line(result: subprocess.CompletedProcess[bytes]) -> str:
    """The last line git wrote to stderr, without git's own `fatal: ` prefix."""
    lines = [ln for ln in os.fsdecode(result.stderr).splitlines() if ln.strip()]
    last = lines[-1] if lines else f"git exited with status {result.returncode}"
    for prefix in ("fatal: ", "error: "):
        last = last.removeprefix(prefix)
    return last


def _single_line(result: subprocess.CompletedProcess[bytes]) -> str:
    # rev-parse has no -z; a path may still end in spaces, so strip only the newline.
    return os.fsdecode(result.stdout).removesuffix("\n")


def _as_dir(cwd: Path | str) -> Path:
    return Path(cwd).absolute()


def repo_root(cwd: Path | str) -> Path | None:
    """The top of the work tree containing `cwd`, or None (not a repo, bare, missing dir)."""
    where = _as_dir(cwd)
    if not where.is_dir():
        return None
    result = _git(where, ["rev-parse", "--show-toplevel"])
    if result.returncode != 0:
        return None
    top = _single_line(result)
    return Path(top) if top else None


def require_repo(cwd: Path | str) -> Path:
    """Like `repo_root`, for commands that cannot work outside a repository."""
    root = repo_root(cwd)
    if root is None:
        raise NotAGitRepoError(_as_dir(cwd))
    return root


def hooks_dir(cwd: Path | str) -> Path:
    """Where git looks for hooks when committing from `cwd`.

    `--git-path hooks` already answers for linked worktrees (hooks live in the common
    dir, not in `.git/worktrees/<name>`) and for `core.hooksPath`, relative or absolute.
    Its answer is relative to `cwd`, hence the join.
    """
    root = require_repo(cwd)
    where = _as_dir(cwd)
    result = _git(where, ["rev-parse", "--git-path", "hooks"])
    if result.returncode != 0:
        raise GitError(f"Cannot locate the hooks directory of {root}: {_stderr_line(result)}")
    return Path(os.path.normpath(where / _single_line(result)))


def config_value(cwd: Path | str, key: str) -> str | None:
    """One git configuration value as git resolves it for `cwd`, or None when unset."""
    where = require_repo(cwd)
    result = _git(where, ["config", "--get", "--end-of-options", key])
    return _single_line(result) if result.returncode == 0 else None


def _resolve_commit(root: Path, ref: str) -> str | None:
    result = _git(
        root, ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"]
    )
    return _single_line(result) if result.returncode == 0 else None


def default_base(cwd: Path | str) -> str:
    """The ref `ci affected` compares against when no `--base` is given.

    Order: the remote's default branch (`origin/HEAD`), then local `main`, `master`, then
    `origin/main`, `origin/master` (CI checkouts often have no local branch at all).
    """
    root = require_repo(cwd)
    symbolic = _git(root, ["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"])
    if symbolic.returncode == 0:
        name = _single_line(symbolic)
        if name and _resolve_commit(root, name) is not None:
            return name
    for candidate in ("main", "master", "origin/main", "origin/master"):
        if _resolve_commit(root, candidate) is not None:
            return candidate
    raise GitError(
        "Cannot tell which branch to compare against (no origin/HEAD, main or master); "
        "pass --base <ref>",
        code="no_default_base",
    )


def _index_file_for(root: Path) -> str | None:
    """`GIT_INDEX_FILE` made absolute, if it belongs to the repository at `root`."""
    index = os.environ.get("GIT_INDEX_FILE")
    if not index:
        return None
    absolute = Path(os.path.abspath(index))  # git resolved it against the hook's cwd
    result = _git(root, ["rev-parse", "--absolute-git-dir"])
    if result.returncode != 0:
        return None
    git_dir = Path(_single_line(result)).resolve()
    return str(absolute) if absolute.resolve().parent == git_dir else None


def _parse_name_status(root: Path, raw: bytes) -> list[ChangedFile]:
    fields = [os.fsdecode(f) for f in raw.split(b"\0")]
    if fields and fields[-1] == "":
        fields.pop()
    changes: list[ChangedFile] = []
    i = 0
    while i < len(fields):
        letter = fields[i][:1]
        if letter in ("R", "C"):
            old, new = fields[i + 1], fields[i + 2]
            changes.append(ChangedFile(path=root / new, status=letter, old_path=root / old))
            i += 3
        else:
            changes.append(ChangedFile(path=root / fields[i + 1], status=letter))
            i += 2
    return changes


_DIFF = ["diff", "--no-ext-diff", "--no-textconv", "--name-status", "-z", "-M"]


def changed_files(
    cwd: Path | str,
    *,
    base: str | None,
    head: str = "HEAD",
    staged: bool = False,
) -> list[ChangedFile]:
    """Files a change touches: `base...head` (since the merge base), or the staged index.

    `staged=True` ignores `base`/`head` and compares the index with HEAD, or with the
    empty tree in a repository that has no commit yet. `base=None` means `default_base`.
    """
    root = require_repo(cwd)
    if staged:
        env = _environment(_index_file_for(root))
        result = _git(root, [*_DIFF, "--cached", "--"], env=env)
        if result.returncode != 0:
            raise GitError(f"Cannot list staged changes: {_stderr_line(result)}")
        return _parse_name_status(root, result.stdout)

    base_ref = base if base is not None else default_base(root)
    shas: list[str] = []
    for ref in (base_ref, head):
        sha = _resolve_commit(root, ref)
        if sha is None:
            raise GitError(f"Unknown git ref: {ref}", code="unknown_ref", details={"ref": ref})
        shas.append(sha)
    # Resolved SHAs, not user text, go into the range: a ref cannot pose as an option.
    result = _git(root, [*_DIFF, f"{shas[0]}...{shas[1]}", "--"])
    if result.returncode != 0:
        raise GitError(
            f"Cannot diff {base_ref}...{head}: {_stderr_line(result)}",
            details={"base": base_ref, "head": head},
        )
    return _parse_name_status(root, result.stdout)


def staged_blob(cwd: Path | str, path: Path | str) -> bytes | None:
    """A file's content as it stands in the index (what the commit will contain).

    None when the path is not in the index (unstaged new file, staged deletion, outside
    the repository, or only conflicted stages).
    """
    root = require_repo(cwd)
    target = Path(path) if Path(path).is_absolute() else _as_dir(cwd) / path
    try:
        relative = Path(os.path.normpath(target)).relative_to(root)
    except ValueError:
        return None
    env = _environment(_index_file_for(root))
    result = _git(root, ["cat-file", "blob", f":{relative.as_posix()}"], env=env)
    return result.stdout if result.returncode == 0 else None


def short_commit(directory: Path | str) -> str | None:
    """Abbreviated HEAD of the repository holding `directory`; None if there is none."""
    where = _as_dir(directory)
    if not where.is_dir():
        return None
    result = _git(where, ["rev-parse", "--short", "--verify", "--quiet", "HEAD"])
    if result.returncode != 0:
        return None
    return _single_line(result) or None


def is_dirty(directory: Path | str) -> bool | None:
    """Whether anything under `directory` differs from HEAD (untracked files count).

    Scoped to the directory, so one tool in a monorepo is not dirty because of another.
    None outside a repository.
    """
    where = _as_dir(directory)
    if not where.is_dir() or repo_root(where) is None:
        return None
    result = _git(where, ["status", "--porcelain", "-z", "--untracked-files=normal", "--", "."])
    if result.returncode != 0:
        return None
    return bool(result.stdout)


def resolve_commit(cwd: Path | str, ref: str) -> str:
    """The commit `ref` names in the repository around `cwd` (a one-line error if none)."""
    root = require_repo(cwd)
    commit = _resolve_commit(root, ref)
    if commit is None:
        raise GitError(f"'{ref}' names no commit in {root}", code="unknown_ref")
    return commit


def blob_at(cwd: Path | str, commit: str, path: Path | str, *, limit: int) -> bytes | None:
    """A file's content as it is at `commit` (`git cat-file`, no shell, no textconv).

    None when the path is not in that commit or lies outside the repository; a blob over
    `limit` bytes is refused before it is read.
    """
    root = require_repo(cwd)
    target = Path(path) if Path(path).is_absolute() else _as_dir(cwd) / path
    try:
        relative = Path(os.path.normpath(target)).relative_to(root).as_posix()
    except ValueError:
        return None
    size = _git(root, ["cat-file", "-s", f"{commit}:{relative}"])
    if size.returncode != 0:
        return None
    if int(_single_line(size) or 0) > limit:
        raise GitError(
            f"{relative} at {commit[:12]} is larger than {limit} bytes", code="too_large"
        )
    result = _git(root, ["cat-file", "blob", f"{commit}:{relative}"])
    return result.stdout if result.returncode == 0 else None
