"""Documents of the setup commands: `init`, `discover`, `sync`."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from pai_deps.results.base import CamelModel, Envelope, OmitNone


class InitAnalysis(CamelModel):
    """What `init --analyze` found (keys in snake_case, as the TypeScript tool wrote them)."""

    commands_detected: int = Field(serialization_alias="commands_detected")
    dependencies_detected: int = Field(serialization_alias="dependencies_detected")
    mcp_tools_detected: int = Field(serialization_alias="mcp_tools_detected")
    type_detected: str | None = Field(serialization_alias="type_detected")
    sources: list[str]
    warnings: list[str]


class InitResult(Envelope):
    """`pai-deps --json init [DIR]`: the manifest written (or, with `--dry-run`, shown)."""

    action: Literal["created", "preview"]
    path: str
    manifest: dict[str, Any]  # the mapping written, in the manifest's key order
    analysis: OmitNone[InitAnalysis] = None
    yaml: OmitNone[str] = None  # the file's text, for --dry-run
    # The file's text (printed by --dry-run); `yaml` carries it in the JSON.
    text: str = Field(default="", exclude=True)


class FoundManifestEntry(CamelModel):
    path: str
    dir: str
    name: str | None


class Discovered(Envelope):
    """`pai-deps --json discover [ROOTS]`."""

    manifests: list[FoundManifestEntry]
    roots: list[str]
    missing_roots: list[str]
    warnings: list[str]
    count: int


SyncStatus = Literal["new", "updated", "unchanged", "error", "pruned"]


class SyncEntry(CamelModel):
    """One manifest's outcome; `error` and `details` only for errors."""

    path: str
    name: str | None
    status: SyncStatus
    error: OmitNone[str] = None
    details: OmitNone[list[str]] = None
    warnings: OmitNone[list[str]] = None
    # The failure's code (e.g. name_collision), for the CLI to word a remedy; not in JSON.
    code: str | None = Field(default=None, exclude=True)


class Synced(Envelope):
    """`pai-deps --json sync [ROOTS]`; `success` is false when a manifest failed."""

    total: int
    new: int
    updated: int
    unchanged: int
    errors: int
    pruned: int
    results: list[SyncEntry]
    roots: list[str]
    missing_roots: list[str]
    cycles: list[list[str]]
    dry_run: bool
    warnings: list[str]
