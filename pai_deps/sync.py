"""`sync`: discover manifests and register them all, fast.

Built for thousands of manifests: a manifest whose bytes hash to what was registered is
skipped without parsing; the rest are validated first, then written in one transaction
with a savepoint per manifest (one bad write does not undo the others), and cycles are
computed once for the whole batch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pai_deps.db import Connection, savepoint, transaction
from pai_deps.discovery import discover
from pai_deps.errors import DatabaseError, PaiDepsError
from pai_deps.manifest import load_manifest, manifest_from_bytes, read_manifest_bytes
from pai_deps.progress import Progress
from pai_deps.registry import (
    PreparedManifest,
    name_collision,
    prepare,
    record_all_cycles,
    stub_warning,
    write_registration,
)
from pai_deps.repo import tools
from pai_deps.timeutil import now_iso

Status = Literal["new", "updated", "unchanged", "error", "pruned"]


@dataclass
class SyncItem:
    path: Path
    name: str | None
    status: Status
    error: str | None = None
    error_lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stubs_created: list[str] = field(default_factory=list)

    @property
    def error_without_path(self) -> str | None:
        """The error as a line under its manifest's path (which it need not repeat)."""
        if self.error is None:
            return None
        return self.error.replace(f" at {self.path}", "").replace(f" {self.path}", " the manifest")

    def to_json(self) -> dict[str, Any]:
        item: dict[str, Any] = {"path": str(self.path), "name": self.name, "status": self.status}
        if self.error:
            item["error"] = self.error
            if self.error_lines:
                item["details"] = self.error_lines
        if self.warnings:
            item["warnings"] = self.warnings
        return item


@dataclass
class SyncResult:
    roots: list[Path]
    missing_roots: list[Path]
    items: list[SyncItem]
    cycles: list[list[str]]
    dry_run: bool
    warnings: list[str]

    def count(self, status: Status) -> int:
        return sum(1 for item in self.items if item.status == status)

    def to_json(self) -> dict[str, Any]:
        return {
            "total": sum(1 for i in self.items if i.status != "pruned"),
            "new": self.count("new"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
            "errors": self.count("error"),
            "pruned": self.count("pruned"),
            "results": [item.to_json() for item in self.items],
            "roots": [str(r) for r in self.roots],
            "missingRoots": [str(r) for r in self.missing_roots],
            "cycles": self.cycles,
            "dryRun": self.dry_run,
            "warnings": self.warnings,
        }


def sync(
    conn: Connection,
    roots: Sequence[Path],
    *,
    excludes: Sequence[str] = (),
    max_depth: int | None = 10,
    use_gitignore: bool = True,
    dry_run: bool = False,
    prune: bool = False,
    strict: bool = False,
    progress: Progress | None = None,
    follow_external_links: bool = False,
) -> SyncResult:
    found = discover(
        roots,
        excludes=excludes,
        max_depth=max_depth,
        use_gitignore=use_gitignore,
        read_names=False,
        follow_external_links=follow_external_links,
    )
    if not found.roots:
        raise PaiDepsError(
            "No valid root directories: " + ", ".join(str(r) for r in found.missing_roots),
            code="no_roots",
        )
    registered = {t.manifest_path: t for t in tools.list_tools(conn) if not t.stub}
    items: list[SyncItem] = []
    to_write: list[tuple[SyncItem, PreparedManifest]] = []
    progress = progress or Progress()
    progress.set_total(len(found.manifests))
    for entry in found.manifests:
        existing = registered.get(str(entry.path))
        try:
            # The one guarded reader: a FIFO never blocks, a 4 GB file is refused after a
            # stat. The bytes are hashed and, when they changed, parsed without a re-read.
            raw = read_manifest_bytes(entry.path)
        except PaiDepsError as exc:
            items.append(SyncItem(entry.path, None, "error", exc.message, list(exc.lines)))
            progress.advance()
            continue
        digest = hashlib.sha256(raw).hexdigest()
        if existing is not None and digest == existing.manifest_hash:
            error = _strict_error(entry.path) if strict else None
            if error is not None:  # unchanged, but --strict refuses its warnings now
                items.append(
                    SyncItem(entry.path, existing.id, "error", error.message, list(error.lines))
                )
            else:
                items.append(SyncItem(entry.path, existing.id, "unchanged"))
            progress.advance()
            continue
        try:
            prepared = prepare(manifest_from_bytes(raw, entry.path, strict=strict), strict=strict)
        except PaiDepsError as exc:
            items.append(SyncItem(entry.path, None, "error", exc.message, list(exc.lines)))
            progress.advance()
            continue
        item = SyncItem(
            entry.path,
            prepared.manifest.name,
            "new",
            warnings=prepared.all_warnings(),
        )
        items.append(item)
        to_write.append((item, prepared))
        progress.advance()
    _mark_duplicate_names(to_write, registered)
    pending = [(item, prepared) for item, prepared in to_write if item.status != "error"]
    cycles_found: list[list[str]] = []
    if dry_run:
        for item, prepared in pending:
            current = tools.get_tool(conn, id=prepared.manifest.name)
            collision = name_collision(current, prepared)
            if collision is not None:  # what the real sync would refuse
                item.status, item.error = "error", collision.message
            else:
                item.status = "updated" if current is not None and not current.stub else "new"
        if prune:
            items.extend(_prunable(conn, found.roots, found.manifests))
    elif pending or prune:  # nothing to write: no write lock, no check, no transaction
        with transaction(conn):
            now = now_iso()
            written: list[str] = []
            for item, prepared in pending:
                if _written_meanwhile(conn, prepared):
                    item.status = "unchanged"  # a concurrent sync registered these bytes
                    continue
                try:
                    with savepoint(conn):
                        result = write_registration(conn, prepared, now=now, detect_cycles=False)
                except DatabaseError:
                    raise  # disk full, I/O error, damage: the registry failed, not the manifest
                except PaiDepsError as exc:
                    # This manifest's rows break a rule (RowRejected included): they were
                    # undone, the others stay.
                    item.status, item.error, item.error_lines = "error", exc.message, []
                    continue
                item.status = "new" if result.is_new else "updated"
                item.warnings = result.warnings
                item.stubs_created = result.stubs_created
                written.append(prepared.manifest.name)
            if prune:
                items.extend(_prune(conn, found.roots, found.manifests))
            if written:
                cycles_found = record_all_cycles(conn, written, now=now)
            # A stub made for a provider registered later in the same sync is no news.
            batch = set(written)
            for item, _ in pending:
                item.warnings = [
                    *(stub_warning(s) for s in item.stubs_created if s not in batch),
                    *item.warnings,
                ]
    return SyncResult(
        roots=found.roots,
        missing_roots=found.missing_roots,
        items=items,
        cycles=cycles_found,
        dry_run=dry_run,
        warnings=list(found.warnings),
    )


def _written_meanwhile(conn: Connection, prepared: PreparedManifest) -> bool:
    """The registry (read again under the write lock) already holds exactly this manifest."""
    current = tools.get_tool(conn, id=prepared.manifest.name)
    loaded = prepared.loaded
    return (
        current is not None
        and not current.stub
        and current.manifest_path == str(loaded.manifest_path)
        and current.manifest_hash == loaded.content_hash
    )


def _strict_error(path: Path) -> PaiDepsError | None:
    """What --strict refuses in a manifest: unknown keys, schema files that do not exist."""
    try:
        prepare(load_manifest(path, strict=True), strict=True)
    except PaiDepsError as exc:
        return exc
    return None


def _mark_duplicate_names(
    to_write: list[tuple[SyncItem, PreparedManifest]], registered: dict[str | None, Any]
) -> None:
    """Two manifests found in one sync that claim the same name: neither wins silently."""
    by_name: dict[str, list[SyncItem]] = {}
    for item, prepared in to_write:
        by_name.setdefault(prepared.manifest.name, []).append(item)
    for name, claimants in by_name.items():
        if len(claimants) < 2:
            continue
        paths = ", ".join(str(c.path) for c in claimants)
        for claimant in claimants:
            claimant.status = "error"
            claimant.error = (
                f"Tool name '{name}' is declared by {len(claimants)} manifests: {paths}"
            )


def _under(path: str, roots: Sequence[Path]) -> bool:
    return any(Path(path).is_relative_to(root) for root in roots)


def _gone(conn: Connection, roots: Sequence[Path], manifests: Sequence[Any]) -> list[Any]:
    present = {str(m.path) for m in manifests}
    return [
        tool
        for tool in tools.list_tools(conn)
        if not tool.stub
        and tool.manifest_path
        and tool.manifest_path not in present
        and _under(tool.manifest_path, roots)
        and not Path(tool.manifest_path).exists()
    ]


def _prunable(conn: Connection, roots: Sequence[Path], manifests: Sequence[Any]) -> list[SyncItem]:
    return [SyncItem(Path(t.manifest_path), t.id, "pruned") for t in _gone(conn, roots, manifests)]


def _prune(conn: Connection, roots: Sequence[Path], manifests: Sequence[Any]) -> list[SyncItem]:
    """Unregister tools whose manifest under these roots is gone (a stub if still needed)."""
    from pai_deps.registry import remove_tool

    return [
        SyncItem(Path(tool.manifest_path or ""), remove_tool(conn, tool).tool, "pruned")
        for tool in _gone(conn, roots, manifests)
    ]
