"""Documents of `hook install`, `hook uninstall` and `hook status`.

Keys as the TypeScript pai-deps named them, plus the new ones. `messages` are the lines a
person reads (stdout; `warnings` go to stderr and into the JSON); they are not printed
under `--json`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from pai_deps.results.base import Envelope, OmitNone


class HookInstallDocument(Envelope):
    """What `install` did; `backupPath` is null when no backup file exists."""

    hook_path: Path
    backup_created: bool
    backup_path: Path | None
    changed: bool
    quick_mode: bool
    whole_check: OmitNone[bool]  # present (true) when the hook also runs `pai-deps check`
    installed_at: str
    warnings: list[str]
    messages: list[str] = Field(default_factory=list, exclude=True)


class HookUninstallDocument(Envelope):
    """What `uninstall` did; `removed` is false when there was no hook of ours."""

    hook_path: Path
    removed: bool
    backup_restored: bool
    messages: list[str] = Field(default_factory=list, exclude=True)


class HookStatusDocument(Envelope):
    """The hook as it stands (nothing is changed to find out)."""

    installed: bool
    installed_at: str | None
    quick_mode: bool
    whole_check: OmitNone[bool]
    backup_exists: bool
    foreign_hook_exists: bool
    executable: bool
    hook_path: Path
    backup_path: Path
    messages: list[str] = Field(default_factory=list, exclude=True)
