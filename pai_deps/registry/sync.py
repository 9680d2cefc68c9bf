"""`sync`: discover manifests and register them all, fast.

Built for tens of thousands of manifests: a manifest whose bytes hash to what was
registered is skipped without parsing; the rest are validated and written a few hundred
at a time as they are found, in one transaction with a savepoint per manifest (one bad
write does not undo the others), so only each manifest's outcome stays in memory;
cycles are computed once for everything written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pai_deps.db import Connection, savepoint, transaction
from pai_deps.errors import DatabaseError, PaiDepsError
from pai_deps.manifest import load_manifest, manifest_from_bytes, read_manifest_bytes
from pai_deps.models import ManifestHashRow
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

    Memory follows the answer, not the manifests: changed manifests are parsed and
    written `BATCH` at a time (or previewed one by one), then dropped; only each one's
    `SyncItem` and name stay. (Batches, not single manifests: writes kept together run
    as fast as when every manifest was parsed first; one at a time was 18% slower.)
    Two manifests claiming one name are both refused, which needs every name first: the
    rare sync that meets a second claimant after writing rolls back, collects the
    remaining names without writing, and writes once more knowing them (about twice the
    parsing). The price: parsing now happens under the write lock, so another writer
    waits for the whole of a big sync, not only for its writes.
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
    run = _Run(conn, found, _registered(conn), strict, progress or Progress())
    run.progress.set_total(len(found.manifests))
    if dry_run:
        items = run.preview()
        if prune:
            items.extend(_prunable(conn, found.roots, found.manifests))
        return _document(found, items, [], dry_run=True)
    duplicates: dict[str, list[SyncItem]] = {}
    rounds = 1
    while True:  # ends: every further round knows one more duplicated name
        try:
            items, cycles_found = run.write(duplicates, prune=prune)
        except _DuplicateName as found_one:
            duplicates = run.names_after(found_one)
            rounds += 1
            run.progress.set_total(len(found.manifests) * rounds)  # the writing pass again
            continue
        return _document(found, items, cycles_found, dry_run=False)


def _registered(conn: Connection) -> dict[str, ManifestHashRow]:
    """Real (non-stub) tools by the manifest they were registered from: id and hash only."""
    return {row.manifest_path: row for row in tools.list_manifest_hashes(conn)}


class _DuplicateName(Exception):
    """A second manifest claims a name already claimed in this sync (the write is undone)."""

    def __init__(self, index: int, claims: dict[str, list[SyncItem]]) -> None:
        super().__init__(index)
        self.index = index  # of the second claimant in the manifests found
        self.claims = claims  # name -> claimants, up to and including that manifest


@dataclass
class _Run:
    """One sync's passes over the manifests found, each parsing one manifest at a time."""

    conn: Connection
    found: DiscoveryResult
    registered: dict[str, ManifestHashRow]
    strict: bool
    progress: Progress

    def _each(self, start: int = 0) -> Iterator[tuple[int, SyncItem, PreparedManifest | None]]:
        """Every manifest from `start` read (and parsed when changed), one at a time."""
        manifests = self.found.manifests
        for index in range(start, len(manifests)):
            manifest = manifests[index]
            existing = self.registered.get(str(manifest.path))
            item, prepared = _read(manifest, existing, strict=self.strict)
            self.progress.advance()
            yield index, item, prepared

    def preview(self) -> list[SyncItem]:
        """What a real sync would do with each manifest, written nowhere."""
        items: list[SyncItem] = []
        claims: dict[str, list[SyncItem]] = {}
        for _, item, prepared in self._each():
            items.append(item)
            if prepared is not None:
                claims.setdefault(prepared.manifest.name, []).append(item)
                _preview(self.conn, item, prepared)
        for name, claimants in claims.items():
            if len(claimants) > 1:
                for claimant in claimants:
                    _refuse_duplicate(claimant, name, claimants)
        return items

    def names_after(self, duplicate: _DuplicateName) -> dict[str, list[SyncItem]]:
        """Every name claimed twice or more: the claims so far and the names of the rest."""
        claims = duplicate.claims
        for _, item, prepared in self._each(duplicate.index + 1):
            if prepared is not None:
                claims.setdefault(prepared.manifest.name, []).append(item)
        return {name: claimants for name, claimants in claims.items() if len(claimants) > 1}

    def write(
        self, duplicates: dict[str, list[SyncItem]], *, prune: bool
    ) -> tuple[list[SyncItem], list[list[str]]]:
        """Write the changed manifests as they are parsed, `BATCH` at a time, a savepoint
        each; the items and the cycles. A name claimed twice that `duplicates` does not
        know yet raises `_DuplicateName` (everything written is rolled back); the
        claimants of a known one are refused. Nothing to write: no write lock."""
        items: list[SyncItem] = []
        claims: dict[str, list[SyncItem]] = {}
        cycles_found: list[list[str]] = []
        with ExitStack() as lock:
            batch = _Batch(self.conn, lock, strict=self.strict)
            for index, item, prepared in self._each():
                items.append(item)
                if prepared is None:
                    continue
                name = prepared.manifest.name
                claims.setdefault(name, []).append(item)
                if name in duplicates:  # known from an earlier round: nothing of it is written
                    _refuse_duplicate(item, name, duplicates[name])
                elif len(claims[name]) > 1:
                    raise _DuplicateName(index, claims)
                else:
                    batch.add(item, prepared)
            batch.flush()
            if prune:
                batch.begin()
                items.extend(_prune(self.conn, self.found.roots, self.found.manifests))
            if batch.written:
                cycles_found = record_all_cycles(self.conn, batch.written, now=batch.begin())
        # A stub made for a provider registered later in the same sync is no news.
        registered_now = set(batch.written)
        for item in items:
            if item.stubs_created:
                item.warnings = [
                    *(stub_warning(s) for s in item.stubs_created if s not in registered_now),
                    *item.warnings,
                ]
        return items, cycles_found


BATCH = 256  # parsed manifests held before their writes: flat memory, writes kept together


class _Batch:
    """Parsed manifests waiting for their writes; the first write takes the write lock."""

    def __init__(self, conn: Connection, lock: ExitStack, *, strict: bool) -> None:
        self.conn, self.lock, self.strict = conn, lock, strict
        self.pending: list[tuple[SyncItem, PreparedManifest]] = []
        self.written: list[str] = []
        self.now: str | None = None  # when the transaction began: every row's stamp

    def begin(self) -> str:
        """Open the one write transaction (on `lock`) unless it is open; its time."""
        if self.now is None:
            self.lock.enter_context(transaction(self.conn))
            self.now = now_iso()
        return self.now

    def add(self, item: SyncItem, prepared: PreparedManifest) -> None:
        self.pending.append((item, prepared))
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Write what is pending, a savepoint each, and let it go."""
        if not self.pending:
            return
        now = self.begin()
        for item, prepared in self.pending:
            if _write(self.conn, item, prepared, now=now, strict=self.strict):
                self.written.append(prepared.manifest.name)
        self.pending.clear()


def _read(
    found: FoundManifest, existing: ManifestHashRow | None, *, strict: bool
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


def _preview(conn: Connection, item: SyncItem, prepared: PreparedManifest) -> None:
    """What a real sync would do with this manifest, written nowhere."""
    current = tools.get_tool(conn, id=prepared.manifest.name)
    collision = name_collision(current, prepared)
    if collision is not None:  # what the real sync would refuse
        item.status, item.error, item.code = "error", collision.message, collision.code
    else:
        item.status = "updated" if current is not None and not current.stub else "new"


def _write(
    conn: Connection, item: SyncItem, prepared: PreparedManifest, *, now: str, strict: bool
) -> bool:
    """Write one manifest (inside the transaction) in a savepoint; whether it was written.
    `strict`: a `uses` entry its provider's schema does not back fails the manifest."""
    if _written_meanwhile(conn, prepared):
        item.status = "unchanged"  # a concurrent sync registered these bytes
        return False
    try:
        with savepoint(conn):
            result = write_registration(
                conn, prepared, now=now, detect_cycles=False, strict_uses=strict
            )
    except DatabaseError:
        raise  # disk full, I/O error, damage: the registry failed, not the manifest
    except PaiDepsError as exc:
        # This manifest's rows break a rule (RowRejected included): they were undone,
        # the others stay.
        item.status, item.error, item.error_lines = "error", exc.message, []
        item.code = exc.code
        return False
    item.status = "new" if result.is_new else "updated"
    item.warnings = result.warnings
    item.stubs_created = result.stubs_created
    return True


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


def _refuse_duplicate(item: SyncItem, name: str, claimants: list[SyncItem]) -> None:
    """Two manifests found in one sync that claim the same name: neither wins silently."""
    paths = ", ".join(str(c.path) for c in claimants)
    item.status, item.code = "error", None
    item.error = f"Tool name '{name}' is declared by {len(claimants)} manifests: {paths}"


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
