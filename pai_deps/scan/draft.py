"""The manifest `init` drafts: from the project's metadata alone, or with `analyze`
from its sources, matched against the tools the registry knows."""

from __future__ import annotations

from collections.abc import Callable, Collection
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pai_deps.errors import PaiDepsError, UsageError
from pai_deps.models import TOOL_TYPES
from pai_deps.scan.javascript import analyze_node
from pai_deps.scan.project import Analysis, Deps
from pai_deps.scan.python import analyze_python

if TYPE_CHECKING:
    from pai_deps.db import Connection
    from pai_deps.results.setup import InitResult
    from pai_deps.safeio import Protected


def analyze_project(
    dir: Path, *, known_tools: Collection[str], scan_sources: bool = True
) -> Analysis:
    """Read pyproject.toml / package.json and (optionally) sources under `dir`.

    `known_tools` are the registry's tool names: only they become `depends_on`.
    Problems in the project's files become `warnings`; nothing here raises for them.
    """
    root = dir.resolve()
    analysis = Analysis(name=root.name)
    deps = Deps(known_tools, ())
    has_py = (root / "pyproject.toml").is_file()
    has_node = (root / "package.json").is_file()
    if not has_py and not has_node:
        analysis.warnings.append("No pyproject.toml or package.json found")
    if has_py or not has_node:
        analyze_python(root, analysis, deps, scan_sources and (has_py or not has_node))
    if has_node:
        analyze_node(root, analysis, deps, scan_sources)
    if scan_sources and not analysis.sources:
        analysis.warnings.append("No source files found")
    analysis.depends_on = list(deps.items.values())
    return analysis


def detect_project(dir: Path) -> Analysis:
    """Metadata only (name, version, description, type): what `init` uses by default."""
    return analyze_project(dir, known_tools=(), scan_sources=False)


def build_manifest(
    dir: Path,
    *,
    analysis: Analysis | None = None,
    name: str | None = None,
    type: str | None = None,
    version: str | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    """The mapping `init` writes, in the manifest's key order, with empty sections left out.

    Overrides win over the analysis; without an analysis the project's metadata is still
    read. Unknown versions and descriptions are omitted rather than invented; the type
    falls back to `cli` as in the reference tool.
    """
    if type is not None and type not in TOOL_TYPES:
        raise UsageError(f"Invalid type '{type}'. Expected one of: {', '.join(TOOL_TYPES)}")
    if name is not None and not name.strip():
        raise UsageError("Tool name must not be empty")
    found = analysis if analysis is not None else detect_project(dir)
    tool_type = type or found.type or "cli"
    manifest: dict[str, Any] = {"name": name or found.name}
    if version or found.version:
        manifest["version"] = version or found.version
    manifest["type"] = tool_type
    if description or found.description:
        manifest["description"] = description or found.description

    provides: dict[str, Any] = {}
    if found.cli_commands:
        provides["cli"] = [{"command": c} for c in found.cli_commands]
    if found.mcp_tools:
        provides["mcp"] = [{"tool": t} for t in found.mcp_tools]
    if provides:
        manifest["provides"] = provides
    if found.depends_on:
        manifest["depends_on"] = [{"name": d.name, "type": d.type} for d in found.depends_on]
    manifest["reliability"] = 0.95
    manifest["debt_score"] = 0
    if "mcp" in tool_type.split("+") and found.mcp_start:
        manifest["mcp_start"] = found.mcp_start
    return manifest


MANIFEST_HEADER = (
    "# pai-deps manifest. Format: `pai-deps schema`; register with `pai-deps register .`\n"
)


def init_manifest(
    path: Path,
    *,
    name: str | None = None,
    type_: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    registry: Callable[[], AbstractContextManager[Connection]] | None = None,
    protected: Protected = (),
    warn: Callable[[str], None] | None = None,
) -> InitResult:
    """`init`: write a pai-manifest.yaml into `path` that registers as written.

    An existing manifest is replaced only with `force` (refused otherwise:
    `manifest_exists`); `dry_run` writes nothing. With `registry` (a way to open it) the
    project's sources are analysed and the tools the registry knows become dependencies;
    the analysis's warnings go to `warn` as they are found.
    """
    from pai_deps.manifest import MANIFEST_FILENAME, dump_manifest_yaml, parse_manifest_text
    from pai_deps.results.setup import InitAnalysis, InitResult

    directory = path.expanduser().absolute()
    if not directory.is_dir():
        raise PaiDepsError(f"Directory not found: {directory}", code="not_found")
    target = directory / MANIFEST_FILENAME
    if target.exists() and not force and not dry_run:
        raise PaiDepsError(f"{target} already exists", code="manifest_exists")
    analysis = None
    if registry is not None:
        from pai_deps.repo import tools

        with registry() as conn:
            known = [t.id for t in tools.list_tools(conn)]
        analysis = analyze_project(directory, known_tools=known)
        if warn is not None:
            for warning in analysis.warnings:
                warn(warning)
    data = build_manifest(directory, analysis=analysis, name=name, type=type_)
    text = MANIFEST_HEADER + dump_manifest_yaml(data)
    parse_manifest_text(text, str(target))  # what we write must register as written
    if not dry_run:
        from pai_deps.safeio import write_output_file

        write_output_file(target, text, force=force, protected=protected, what="manifest")
    return InitResult(
        action="preview" if dry_run else "created",
        path=str(target),
        manifest=data,
        analysis=None
        if analysis is None
        else InitAnalysis(
            commands_detected=len(analysis.cli_commands),
            dependencies_detected=len(analysis.depends_on),
            mcp_tools_detected=len(analysis.mcp_tools),
            type_detected=analysis.type,
            sources=analysis.sources,
            warnings=analysis.warnings,
        ),
        yaml=text if dry_run else None,
        text=text,
    )
