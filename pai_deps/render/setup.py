"""How the setup commands' documents look to a person (`init`, `discover`, `sync`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pai_deps.output import Printer
from pai_deps.words import plural

if TYPE_CHECKING:
    from pai_deps.results.setup import Discovered, InitResult, Synced, SyncEntry

LIST_CHANGES_UP_TO = 25  # longer lists only with -v (or in --json)


def initialised(printer: Printer, doc: InitResult, *, directory: str) -> None:
    """`init`: the preview (dry run) or what was written, then what to do next."""
    from pai_deps.manifest import MANIFEST_FILENAME

    p = printer
    dry_run = doc.action == "preview"
    if dry_run:
        p.info("=== Manifest preview (dry run) ===")
        p.info("")
        p.document(doc.text)
        p.info("")
        p.info("[Dry run - no file written]")
    else:
        p.info(f"Created {doc.path}")
        p.info(f"  Name: {doc.manifest['name']}")
        p.info(f"  Type: {doc.manifest['type']}")
        p.info(f"  Version: {doc.manifest.get('version', '-')}")
    if doc.analysis is not None:
        p.info("")
        p.info("Analysis results:")
        p.info(f"  Commands detected: {doc.analysis.commands_detected}")
        p.info(f"  Dependencies detected: {doc.analysis.dependencies_detected}")
        p.info(f"  MCP tools detected: {doc.analysis.mcp_tools_detected}")
    if not dry_run:
        p.info("")
        p.info("Next steps:")
        p.info(f"  1. Review {MANIFEST_FILENAME}: provides, depends_on, reliability, debt_score")
        p.info(f"  2. Run: pai-deps register {directory}")


def discovered(printer: Printer, doc: Discovered) -> None:
    p = printer
    for missing in doc.missing_roots:
        p.warn(f"Skipped missing directory: {missing}")
    for warning in doc.warnings:
        p.warn(warning)
    if not doc.manifests:
        p.info("No pai-manifest.yaml files found.")
        p.info(f"Searched: {', '.join(doc.roots)}")
        p.info("To create a manifest, run: pai-deps init <dir>")
        return
    p.info(f"Found {plural(len(doc.manifests), 'pai-manifest.yaml file')}:")
    p.info("")
    for found in doc.manifests:
        p.answer(f"  {found.path}" + (f" ({found.name})" if found.name else ""))
    p.info("")
    p.info(f"Searched: {', '.join(doc.roots)}")


def synced(printer: Printer, doc: Synced) -> None:
    """`sync`: warnings, the counts, the errors (kept under --quiet), then what changed."""
    p = printer
    for missing in doc.missing_roots:
        p.warn(f"Skipped missing directory: {missing}")
    for warning in doc.warnings:
        p.warn(warning)
    for item in doc.results:
        for warning in item.warnings or []:
            p.warn(f"{item.name}: {warning}")
    if doc.total == 0 and not doc.pruned:
        p.info("No pai-manifest.yaml files found to sync.")
        p.info(f"Searched: {', '.join(doc.roots)}")
        return
    head = "[DRY RUN] Would sync" if doc.dry_run else "Synced"
    p.info(f"{head} {plural(doc.total, 'manifest')}:")
    p.info(f"  - {doc.new} new")
    p.info(f"  - {doc.updated} updated")
    p.info(f"  - {doc.unchanged} unchanged")
    if doc.pruned:
        p.info(f"  - {doc.pruned} pruned")
    if doc.errors:
        p.info(f"  - {plural(doc.errors, 'error')}")
    for cycle in doc.cycles:
        p.warn(f"Circular dependency detected: {' -> '.join([*cycle, cycle[0]])}")
    if doc.errors:
        _sync_errors(p, doc.results)
    changed = [i for i in doc.results if i.status in ("new", "updated", "pruned")]
    if changed and (len(changed) <= LIST_CHANGES_UP_TO or p.verbose):
        p.info("")
        p.answer("Would change:" if doc.dry_run else "Changed:")
        for item in changed:
            p.answer(f"  {item.name} ({item.status})")


def _sync_errors(printer: Printer, results: list[SyncEntry]) -> None:
    printer.problem("")
    printer.problem("Errors:")
    for item in results:
        if item.status == "error":
            printer.problem(f"  {item.path}: {_error_without_path(item)}")
            for line in item.details or []:
                printer.problem(f"    {line}")


def _error_without_path(item: SyncEntry) -> str | None:
    """The error as a line under its manifest's path (which it need not repeat)."""
    if item.error is None:
        return None
    return item.error.replace(f" at {item.path}", "").replace(f" {item.path}", " the manifest")
