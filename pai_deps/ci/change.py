"""The change as it stands: files read from git's index or the working tree, and each
changed tool's manifest and schema files parsed from there."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pai_deps import gitutil
from pai_deps.ci.locator import display_path, real
from pai_deps.errors import ManifestError, PaiDepsError
from pai_deps.gitutil import ChangedFile
from pai_deps.manifest import MANIFEST_FILENAME, Manifest, parse_manifest_text
from pai_deps.models import ContractRow, ToolRow
from pai_deps.registry import outside_repository, resolve_schema_path, schema_refs

if TYPE_CHECKING:
    from pai_deps.schemacompat.dialect import Draft


class ChangeReader:
    """Reads files as they stand in the change: the working tree (this base class)."""

    label = "working tree"

    def read(self, path: Path) -> bytes | None:
        """A small regular file's bytes, or None (missing, a FIFO, a device, too large)."""
        from pai_deps.safeio import FileGuardError, read_regular_file
        from pai_deps.schemas import MAX_SCHEMA_BYTES

        try:
            return read_regular_file(path, limit=MAX_SCHEMA_BYTES)
        except FileGuardError:
            return None


class IndexReader(ChangeReader):
    """Reads files as git's index holds them, i.e. as the commit being made will."""

    label = "index"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.real_root = real(root)

    def inside(self, path: Path) -> bool:
        resolved = real(path)
        return resolved == self.real_root or self.real_root in resolved.parents

    def read(self, path: Path) -> bytes | None:
        if not self.inside(path):
            return super().read(path)  # outside the repository: the commit cannot change it
        relative = real(path).relative_to(self.real_root)
        return gitutil.staged_blob(self.root, self.root / relative)


@dataclass
class ChangedTool:
    id: str
    files: list[str] = field(default_factory=list)
    new: bool = False  # a manifest for a tool the registry does not know yet
    manifest_deleted: bool = False
    manifest_path: Path | None = None  # where its manifest stands in the change


def files_as_changes(paths: Iterable[str | Path], cwd: Path) -> list[ChangedFile]:
    """Files named on the command line (relative to `cwd`); a missing one counts as deleted."""
    changes: list[ChangedFile] = []
    for given in paths:
        path = Path(given).expanduser()
        absolute = Path(os.path.normpath(path if path.is_absolute() else cwd / path))
        changes.append(ChangedFile(absolute, "M" if os.path.lexists(absolute) else "D"))
    return changes


def manifest_name(reader: ChangeReader, path: Path, shown: str) -> tuple[str | None, str]:
    """The tool a manifest in the change declares, or None and why not."""
    raw = reader.read(path)
    if raw is None:
        return None, f"{shown} cannot be read from the {reader.label}"
    try:
        return parse_manifest_text(raw, shown).manifest.name, ""
    except ManifestError as exc:
        return None, "; ".join([exc.message, *exc.lines])


@dataclass
class ToolInChange:
    """A changed tool's manifest and schema files as they stand in the change."""

    id: str
    registered: ToolRow | None
    manifest_path: Path
    tool_dir: Path
    files: list[str]
    deleted: bool = False
    from_disk: bool = False  # untracked manifest: read from the working tree
    manifest: Manifest | None = None
    error: ManifestError | None = None
    schemas: dict[str, Any] = field(default_factory=dict)  # ref -> parsed document
    schema_errors: list[str] = field(default_factory=list)
    contracts: list[ContractRow] = field(default_factory=list)  # as declared in the change
    removed: list[ContractRow] = field(default_factory=list)  # registered, no longer declared

    @property
    def valid(self) -> bool:
        return self.manifest is not None and not self.schema_errors

    def schema_file(self, ref: str) -> Path:
        return Path(os.path.normpath(resolve_schema_path(self.tool_dir, ref)))


def load_in_change(
    reader: ChangeReader, entry: ChangedTool, registered: ToolRow | None, root: Path
) -> ToolInChange:
    """Parse the manifest and read each schema it names, through `reader`."""
    manifest_path = _manifest_path(entry, registered, root)
    loaded = ToolInChange(
        id=entry.id,
        registered=registered,
        manifest_path=manifest_path,
        tool_dir=manifest_path.parent,
        files=entry.files,
        deleted=entry.manifest_deleted,
    )
    if loaded.deleted:
        return loaded
    raw = reader.read(manifest_path)
    if raw is None and isinstance(reader, IndexReader) and manifest_path.is_file():
        reader, loaded.from_disk = ChangeReader(), True
        raw = reader.read(manifest_path)
    shown = display_path(manifest_path, root)
    if raw is None:
        loaded.error = ManifestError(f"Manifest not found in the {reader.label}: {shown}")
        return loaded
    try:
        loaded.manifest = parse_manifest_text(raw, shown).manifest
    except ManifestError as exc:
        loaded.error = exc
        return loaded
    _read_schemas(loaded, loaded.manifest, reader, root)
    return loaded


def _manifest_path(entry: ChangedTool, registered: ToolRow | None, root: Path) -> Path:
    """Where the tool's manifest stands in the change (else where it was registered)."""
    if entry.manifest_path is not None:
        return entry.manifest_path
    if registered is not None and registered.manifest_path:
        return Path(registered.manifest_path)
    return Path(registered.path if registered else root) / MANIFEST_FILENAME


def _read_schemas(
    loaded: ToolInChange, manifest: Manifest, reader: ChangeReader, root: Path
) -> None:
    """Every schema the manifest names, as the change has it; failures go to
    `schema_errors`, one line each."""
    from pai_deps.schemacompat import load_schema
    from pai_deps.schemas import parse_json_text

    def read_json(path: Path) -> Any:
        """A schema file as the change has it (the files its $refs reach, too): only from
        inside the tool's repository."""
        shown = display_path(path, root)
        if outside_repository(loaded.tool_dir, path) is not None:
            raise PaiDepsError(
                f"{shown} is outside the tool's repository", code="schema_outside_repository"
            )
        data = reader.read(path)
        if data is None:
            where = "is not staged (git add it)" if path.is_file() else "not found"
            raise PaiDepsError(f"{shown} {where}", code="file_not_found")
        try:
            return parse_json_text(data.decode("utf-8-sig"), shown)
        except UnicodeDecodeError:
            raise PaiDepsError(f"{shown}: not UTF-8", code="invalid_json") from None

    for location, ref in schema_refs(manifest):
        if ref in loaded.schemas:
            continue
        draft: Draft = "2020-12" if location.startswith("provides.mcp") else "draft7"
        try:
            loaded.schemas[ref] = load_schema(loaded.schema_file(ref), read_json=read_json,
                                              default=draft)  # fmt: skip
        except PaiDepsError as exc:
            loaded.schema_errors.append(f"{location}: {exc.message}")
