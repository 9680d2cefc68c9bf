"""How `hook install`, `hook uninstall` and `hook status` look to a person."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pai_deps.output import Printer
    from pai_deps.results.hooks import (
        HookInstallDocument,
        HookStatusDocument,
        HookUninstallDocument,
    )


def installed(p: Printer, doc: HookInstallDocument) -> None:
    for warning in doc.warnings:
        p.warn(warning)
    for message in doc.messages:
        p.info(message)


def uninstalled(p: Printer, doc: HookUninstallDocument) -> None:
    for message in doc.messages:
        p.info(message)


def status(p: Printer, doc: HookStatusDocument) -> None:
    if doc.installed:
        installed = "yes"
    elif doc.foreign_hook_exists:
        installed = "no (a hook pai-deps did not install is in place)"
    else:
        installed = "no"
    p.answer(f"Installed: {installed}")
    p.answer(f"Hook path: {doc.hook_path}")
    if doc.installed:
        p.answer(f"Installed at: {doc.installed_at or 'unknown'}")
        p.answer(f"Quick mode: {'yes' if doc.quick_mode else 'no'}")
        p.answer(f"Whole check: {'yes' if doc.whole_check else 'no'}")
    p.answer(f"Backup exists: {'yes' if doc.backup_exists else 'no'}")
    for message in doc.messages:
        p.info(message)
