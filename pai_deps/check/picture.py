"""The ecosystem `check` judges: every manifest read from disk, over the registry.

Tools whose manifests were read (under the roots given, or every registered tool's own
manifest when none are) are taken as their files say now; any other registered tool is
taken as the registry holds it. Reading a manifest never writes: a broken one becomes a
finding, and the registry's view of that tool, if any, stays in the picture.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pai_deps.errors import ManifestError, PaiDepsError

if TYPE_CHECKING:
    from pai_deps.db import Connection
    from pai_deps.registry.prepare import PreparedManifest

ProblemKind = Literal["manifest", "schema-file"]


@dataclass
class DepView:
    provider: str
    constraint: str | None
    uses: dict[str, list[str]] | None  # None: declares no `uses` (reads everything)


@dataclass
class ToolView:
    id: str
    version: str | None
    stub: bool
    deps: list[DepView] = field(default_factory=list)
    # contract name -> its schema snapshots (normalised JSON text; several for an MCP
    # tool's input and output, none without a schema file)
    schemas: dict[str, list[str]] = field(default_factory=dict)
    deprecated: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    source: str | None = None  # the manifest file read, or None (from the registry)

    def documents(self, contract: str) -> list[Any]:
        return [json.loads(text) for text in self.schemas.get(contract, [])]


@dataclass(frozen=True)
class FileProblem:
    kind: ProblemKind
    file: str
    message: str
    lines: tuple[str, ...] = ()
    tool: str | None = None


@dataclass
class Picture:
    tools: dict[str, ToolView]
    problems: list[FileProblem]
    manifests: int
    roots: list[str]


def _from_registry(conn: Connection) -> dict[str, ToolView]:
    from pai_deps.repo import contracts, copy, uses

    views = {t.id: ToolView(t.id, t.version, t.stub) for t in copy.copy_tools(conn)}
    declared: dict[tuple[str, str], dict[str, list[str]]] = {}
    for use in uses.list_uses(conn):
        by_contract = declared.setdefault((use.consumer_id, use.provider_id), {})
        by_contract.setdefault(use.contract, []).append(use.pointer)
    for dep in copy.copy_dependencies(conn):
        uses_of = declared.get((dep.consumer_id, dep.provider_id))
        views[dep.consumer_id].deps.append(
            DepView(dep.provider_id, dep.version_constraint, uses_of)
        )
    for contract in contracts.list_contracts(conn):
        snapshots = views[contract.tool_id].schemas.setdefault(contract.name, [])
        if contract.schema_snapshot is not None:
            snapshots.append(contract.schema_snapshot)
    for row in uses.list_deprecations(conn):
        views[row.tool_id].deprecated[row.name] = (row.until, row.message)
    return views


def _from_manifest(prepared: PreparedManifest) -> ToolView:
    manifest = prepared.manifest
    view = ToolView(
        manifest.name, manifest.version, False, source=str(prepared.loaded.manifest_path)
    )
    for dep in manifest.depends_on:
        uses_of = None
        if dep.uses:
            uses_of = {u.contract: list(dict.fromkeys(u.fields or [""])) for u in dep.uses}
        view.deps.append(DepView(dep.name, dep.version, uses_of))
    for spec in prepared.contracts:
        snapshots = view.schemas.setdefault(spec.name, [])
        if spec.schema_snapshot is not None:
            snapshots.append(spec.schema_snapshot)
        if spec.deprecation is not None:
            view.deprecated[spec.name] = (spec.deprecation.until, spec.deprecation.message)
    return view


def _read(path: Path, problems: list[FileProblem]) -> PreparedManifest | None:
    """Load and prepare one manifest; what is wrong with it goes to `problems`."""
    from pai_deps.manifest import load_manifest
    from pai_deps.registry.prepare import prepare

    try:
        loaded = load_manifest(path)
    except ManifestError as exc:
        problems.append(FileProblem("manifest", str(path), exc.message, tuple(exc.lines)))
        return None
    except PaiDepsError as exc:
        problems.append(FileProblem("manifest", str(path), exc.message))
        return None
    name = loaded.manifest.name
    for warning in loaded.warnings:
        problems.append(FileProblem("manifest", str(path), warning, tool=name))
    try:
        prepared = prepare(loaded)
    except ManifestError as exc:
        problems.append(FileProblem("schema-file", str(path), exc.message, tuple(exc.lines), name))
        return None
    for warning in prepared.warnings:
        problems.append(FileProblem("schema-file", str(path), warning, tool=name))
    return prepared


def _manifest_paths(conn: Connection, roots: list[Path] | None) -> tuple[list[Path], list[str]]:
    if roots is None:
        from pai_deps.repo import copy

        registered = [t.manifest_path for t in copy.copy_tools(conn) if not t.stub]
        return sorted({Path(p) for p in registered if p}), []
    from pai_deps.registry.discovery import discover

    found = discover(roots, read_names=False)
    if not found.roots:
        raise PaiDepsError(
            "No valid root directories: " + ", ".join(str(r) for r in found.missing_roots),
            code="no_roots",
        )
    return [m.path for m in found.manifests], [str(r) for r in found.roots]


def build_picture(conn: Connection, roots: list[Path] | None) -> Picture:
    """The registry with every manifest read over it (see the module's docstring)."""
    tools = _from_registry(conn)
    paths, shown_roots = _manifest_paths(conn, roots)
    problems: list[FileProblem] = []
    read_from: dict[str, str] = {}
    for path in paths:
        if not path.exists():
            problems.append(
                FileProblem("manifest", str(path), f"{path}: registered, but no longer exists")
            )
            continue
        prepared = _read(path, problems)
        if prepared is None:
            continue
        view = _from_manifest(prepared)
        if view.id in read_from:
            problems.append(
                FileProblem(
                    "manifest",
                    str(path),
                    f"{path}: declares '{view.id}', which {read_from[view.id]} declares too",
                    tool=view.id,
                )
            )
            continue
        read_from[view.id] = str(path)
        tools[view.id] = view
    for view in list(tools.values()):
        for dep in view.deps:
            tools.setdefault(dep.provider, ToolView(dep.provider, None, True))
    return Picture(tools, problems, len(paths), shown_roots)
