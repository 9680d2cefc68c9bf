"""The pre-commit hook script: its text, and what an installed one records about itself.

The script is small POSIX sh that runs `pai-deps ci check --staged` (and, when installed
with the whole check, `pai-deps check` after it) and may block a commit only when the
checks ran and failed. Its header lines record when it was installed, in
which mode, and which backup (by SHA-256) the installation made; a marker line tells our
hook from anyone else's.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path

MARKER = "# pai-deps pre-commit hook"
SKIP_ENV = "PAI_DEPS_SKIP"

_INSTALLED_RE = re.compile(r"^# Installed: (.+)$", re.MULTILINE)
_QUICK_RE = re.compile(r"^# Quick mode: (true|false)$", re.MULTILINE)
_WHOLE_RE = re.compile(r"^# Whole check: true$", re.MULTILINE)
_BACKUP_RE = re.compile(r"^# Backup: (none|sha256:[0-9a-f]{64})$", re.MULTILINE)


def check_command(*, quick: bool) -> list[str]:
    """The command line the hook runs (shared with `.pre-commit-hooks.yaml`'s entry)."""
    return ["pai-deps", "ci", "check", "--staged", *(["--quick"] if quick else [])]


WHOLE_CHECK_COMMAND = ["pai-deps", "check"]  # every manifest and the registry, offline

# With the whole check, it runs once the staged checks passed; its exit status counts alike.
_THEN_WHOLE_CHECK = """
if [ "$status" = 0 ]; then
  echo "pai-deps: checking every manifest and the registry..." >&2
  {command}
  status=$?
fi"""


_TEMPLATE = """\
#!/bin/sh
{marker}
# Installed: {installed_at}
# Quick mode: {quick}{whole}
# Backup: {backup}
# Managed by `pai-deps hook install` / `pai-deps hook uninstall`; edits are lost on reinstall.
#
# This hook blocks a commit only when the contract checks ran and failed:
#   exit 0  checks passed                 -> commit proceeds
#   exit 1  checks failed                 -> commit blocked
#   exit 2  usage or environment problem  -> warning, commit proceeds
#   other   crash, signal, not runnable   -> warning, commit proceeds
# Exit 2 means pai-deps could not judge the change (no registry, bad configuration, an
# option this version lacks): that says nothing about the change itself, and blocking on
# it would hold every commit hostage to fixing the tool. The warning keeps it visible.
# Skip once with `git commit --no-verify`, or `{skip_env}=1 git commit ...`.

case "${{{skip_env}:-0}}" in
  0|"") ;;
  *) echo "pai-deps: {skip_env} is set, skipping pre-commit checks" >&2
     exit 0 ;;
esac

if ! command -v pai-deps >/dev/null 2>&1; then
  echo "pai-deps: not found on PATH, skipping pre-commit checks" >&2
  exit 0
fi

echo "pai-deps: checking contracts of staged changes..." >&2
{command}
status=$?{then}
case $status in
  0) exit 0 ;;
  1) echo "pai-deps: contract checks failed; commit blocked (skip once: --no-verify)" >&2
     exit 1 ;;
  2) echo "pai-deps: checks could not run (exit 2, see above); commit allowed" >&2
     exit 0 ;;
  *) echo "pai-deps: checker failed unexpectedly (exit $status); commit allowed" >&2
     exit 0 ;;
esac
"""


def render_hook(
    *, quick: bool, installed_at: str, backup: str = "none", whole_check: bool = False
) -> str:
    """The hook script's text; `backup` records the backup this installation made."""
    return _TEMPLATE.format(
        marker=MARKER,
        installed_at=installed_at,
        quick="true" if quick else "false",
        backup=backup,
        skip_env=SKIP_ENV,
        command=" ".join(check_command(quick=quick)),
        whole="\n# Whole check: true" if whole_check else "",
        then=_THEN_WHOLE_CHECK.format(command=" ".join(WHOLE_CHECK_COMMAND)) if whole_check else "",
    )


class Kind(Enum):
    """Whose hook stands where git looks for one."""

    ABSENT = "absent"
    OURS = "ours"
    FOREIGN = "foreign"


@dataclass(frozen=True)
class Existing:
    """The hook file as found (`text` decoded leniently: it may be anyone's)."""

    kind: Kind
    text: str = ""
    executable: bool = False


def read_hook(path: Path) -> Existing:
    if not os.path.lexists(path):
        return Existing(Kind.ABSENT)
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
        executable = bool(path.stat().st_mode & stat.S_IXUSR)
    except OSError:  # a directory, a dangling symlink, unreadable: not ours to touch
        return Existing(Kind.FOREIGN)
    ours = any(line.rstrip() == MARKER for line in text.splitlines())
    return Existing(Kind.OURS if ours else Kind.FOREIGN, text, executable)


def recorded_install_time(text: str) -> str | None:
    """The `# Installed:` timestamp, normalised to UTC ISO 8601; None if absent or bad."""
    match = _INSTALLED_RE.search(text)
    if match is None:
        return None
    try:
        when = datetime.fromisoformat(match.group(1).strip())
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return iso(when)


def recorded_whole_check(text: str) -> bool:
    return _WHOLE_RE.search(text) is not None


def recorded_quick_mode(text: str) -> bool:
    match = _QUICK_RE.search(text)
    return match is not None and match.group(1) == "true"


def iso(when: datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def without_timestamp(text: str) -> str:
    return _INSTALLED_RE.sub("", text)


def recorded_backup(text: str) -> str | None:
    """What our hook says it backed up: `none`, `sha256:<hex>`, or None (older hooks)."""
    match = _BACKUP_RE.search(text)
    return match.group(1) if match else None


def digest(path: Path) -> str | None:
    try:
        return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
