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
from typing import Any

from pai_deps.db import Connection, savepoint, transaction
from pai_deps.errors import DatabaseError, PaiDepsError
from pai_deps.manifest import load_manifest, manifest_from_bytes, read_manifest_bytes
from pai_deps.models import ToolRow
from pai_deps.progress import Progress
from pai_deps.registry.cycles import record_all_cycles
from pai_deps.registry.discovery import DiscoveryResult, FoundManifest, discover
from pai_deps.registry.prepare import PreparedManifest, prepare
from pai_deps.registry.remove import remove_tool
from pai_deps.registry.write import name_collision, stub_warning, write_registration
from pai_deps.repo import tools
from pai_deps.results.setup import Synced, SyncEntry, SyncStatus
from pai_deps.timeutil import now_iso


@dataclass
class SyncItem:
    """One manifest's outcome while the sync runs (`entry()` is how it is reported)."""

    path: Path
    name: str | None
    status: SyncStatus
    error: str | None = None
    error_lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stubs_created: list[str] = field(default_factory=list)
    code: str | None = None  # the error's code

    @classmethod
    def failed(cls, path: Path, name: str | None, exc: PaiDepsError) -> SyncItem:
        return cls(path, name, "error", exc.message, list(exc.lines), code=exc.code)

    def entry(self) -> SyncEntry:
        return SyncEntry(
            path=str(self.path),
            name=self.name,
            status=self.status,
            error=self.error or None,
            details=(self.error_lines or None) if self.error else None,
            warnings=self.warnings or None,
            code=self.code,
        )


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
) -> Synced:
    """Register every manifest below `roots`; an invalid one is reported and skipped.

    `dry_run` writes nothing and says what would change; `prune` unregisters tools whose
    manifest under these roots is gone (kept as a stub while others depend on them);
    `strict` makes warnings errors, for unchanged manifests too.
    """
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
    progress = progress or Progress()
    progress.set_total(len(found.manifests))
    items: list[SyncItem] = []
    to_write: list[tuple[SyncItem, PreparedManifest]] = []
    for manifest in found.manifests:
        item, prepared = _read(manifest, registered.get(str(manifest.path)), strict=strict)
        items.append(item)
        if prepared is not None:
            to_write.append((item, prepared))
        progress.advance()
    _mark_duplicate_names(to_write)
    pending = [(item, prepared) for item, prepared in to_write if item.status != "error"]
    cycles_found: list[list[str]] = []
    if dry_run:
        _preview(conn, pending)
        if prune:
            items.extend(_prunable(conn, found.roots, found.manifests))
    elif pending or prune:  # nothing to write: no write lock, no check, no transaction
        with transaction(conn):
            now = now_iso()
            written = _write(conn, pending, now=now, strict=strict)
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
    return _document(found, items, cycles_found, dry_run=dry_run)


def _read(
    found: FoundManifest, existing: ToolRow | None, *, strict: bool
) -> tuple[SyncItem, PreparedManifest | None]:
    """One manifest read, and validated unless its bytes are what was registered."""
    try:
        # The one guarded reader: a FIFO never blocks, a 4 GB file is refused after a
        # stat. The bytes are hashed and, when they changed, parsed without a re-read.
        raw = read_manifest_bytes(found.path)
    except PaiDepsError as exc:
        return SyncItem.failed(found.path, None, exc), None
    if existing is not None and hashlib.sha256(raw).hexdigest() == existing.manifest_hash:
        error = _strict_error(found.path) if strict else None
        if error is not None:  # unchanged, but strict refuses its warnings now
            return SyncItem.failed(found.path, existing.id, error), None
        return SyncItem(found.path, existing.id, "unchanged"), None
    try:
        prepared = prepare(manifest_from_bytes(raw, found.path, strict=strict), strict=strict)
    except PaiDepsError as exc:
        return SyncItem.failed(found.path, None, exc), None
    item = SyncItem(found.path, prepared.manifest.name, "new", warnings=prepared.all_warnings())
    return item, prepared


def _preview(conn: Connection, pending: list[tuple[SyncItem, PreparedManifest]]) -> None:
    """What a real sync would do with each pending manifest, written nowhere."""
    for item, prepared in pending:
        current = tools.get_tool(conn, id=prepared.manifest.name)
        collision = name_collision(current, prepared)
        if collision is not None:  # what the real sync would refuse
            item.status, item.error, item.code = "error", collision.message, collision.code
        else:
            item.status = "updated" if current is not None and not current.stub else "new"


def _write(
    conn: Connection,
    pending: list[tuple[SyncItem, PreparedManifest]],
    *,
    now: str,
    strict: bool = False,
) -> list[str]:
    """Write the pending manifests (inside a transaction), a savepoint each; the tools
    written. `strict`: a `uses` entry its provider's schema does not back fails that
    manifest."""
    written: list[str] = []
    for item, prepared in pending:
        if _written_meanwhile(conn, prepared):
            item.status = "unchanged"  # a concurrent sync registered these bytes
            continue
        try:
            with savepoint(conn):
                result = write_registration(
                    conn, prepared, now=now, detect_cycles=False, strict_uses=strict
                )
        except DatabaseError:
            raise  # disk full, I/O error, damage: the registry failed, not the manifest
        except PaiDepsError as exc:
            # This manifest's rows break a rule (RowRejected included): they were
            # undone, the others stay.
            item.status, item.error, item.error_lines = "error", exc.message, []
            item.code = exc.code
            continue
        item.status = "new" if result.is_new else "updated"
        item.warnings = result.warnings
        item.stubs_created = result.stubs_created
        written.append(prepared.manifest.name)
    return written


def _document(
    found: DiscoveryResult, items: list[SyncItem], cycles: list[list[str]], *, dry_run: bool
) -> Synced:
    def count(status: SyncStatus) -> int:
        return sum(1 for item in items if item.status == status)

    return Synced(
        success=count("error") == 0,
        total=sum(1 for i in items if i.status != "pruned"),
        new=count("new"),
        updated=count("updated"),
        unchanged=count("unchanged"),
        errors=count("error"),
        pruned=count("pruned"),
        results=[item.entry() for item in items],
        roots=[str(r) for r in found.roots],
        missing_roots=[str(r) for r in found.missing_roots],
        cycles=cycles,
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
    """What strict mode refuses in a manifest: unknown keys, schema files that do not exist."""
    try:
        prepare(load_manifest(path, strict=True), strict=True)
    except PaiDepsError as exc:
        return exc
    return None


def _mark_duplicate_names(to_write: list[tuple[SyncItem, PreparedManifest]]) -> None:
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
    return [
        SyncItem(Path(tool.manifest_path or ""), remove_tool(conn, tool).tool, "pruned")
        for tool in _gone(conn, roots, manifests)
    ]
