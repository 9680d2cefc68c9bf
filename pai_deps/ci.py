"""Change-aware CI: which tools a change touches, what that affects, and whether it holds.

Two services behind `ci affected` and `ci check`:

- `affected` maps changed files to registered tools (a manifest to its tool, a schema file
  to every tool that names it, anything else to the tool whose directory is its longest
  path prefix; all paths compared after resolving symlinks, because git reports real paths
  while tools are registered under the path the user typed) and walks the registry's
  reverse edges to the tools that depend on them, keeping the chain that reaches each.
- `run_checks` judges the change as it stands (git's index with `staged`, the working tree
  otherwise), not as last registered: a commit whose manifest promises a command that does
  not exist, a schema change that breaks consumers, or a dependency that closes a new cycle
  fails here, before it lands.

Findings that predate the change (an old cycle, an old dependency on a stub) are warnings;
only what the change introduces fails, so a hook never blocks a commit for someone else's
debt.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pai_deps import gitutil
from pai_deps.errors import ManifestError, PaiDepsError
from pai_deps.gitutil import ChangedFile
from pai_deps.manifest import MANIFEST_FILENAME, Manifest, parse_manifest_text
from pai_deps.models import ContractRow, ReachRow, ToolRow
from pai_deps.registry import (
    declared_contracts,
    outside_repository,
    resolve_schema_path,
    schema_refs,
)
from pai_deps.repo import ci as ci_queries
from pai_deps.repo import contracts as contract_queries
from pai_deps.repo import dependencies, tools
from pai_deps.repo import graph as graph_queries

if TYPE_CHECKING:
    from pai_deps.db import Connection
    from pai_deps.schemacompat.dialect import Draft
    from pai_deps.verify.checks import ContractCheck, Level
    from pai_deps.verify.drift import ContractDrift

Mode = Literal["range", "staged", "files", "worktree"]
Rule = Literal["manifest", "new-manifest", "schema", "directory", "unowned"]
CheckStatus = Literal["pass", "fail", "warn", "skip"]
IssueLevel = Literal["error", "warning", "info"]

# Dependencies of these kinds name packages, not tools: nobody registers them.
_PACKAGE_DEPENDENCIES = frozenset({"npm"})


# --------------------------------------------------------------------------- paths


def real(path: Path | str) -> Path:
    """The path with symlinks resolved (as far as it exists), for comparing locations."""
    return Path(os.path.realpath(path))


def display_path(path: Path, root: Path) -> str:
    """Repository-relative POSIX text when inside `root`, else the absolute path."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


@dataclass
class Locator:
    """The registry's tools indexed by where they live (all paths symlink-resolved)."""

    by_dir: dict[Path, str]
    by_manifest: dict[Path, str]
    by_schema: dict[Path, set[str]]
    dirs: dict[str, Path]

    @classmethod
    def load(cls, conn: Connection) -> Locator:
        by_dir: dict[Path, str] = {}
        by_manifest: dict[Path, str] = {}
        dirs: dict[str, Path] = {}
        for row in tools.list_tool_locations(conn):
            directory = real(row.path)
            dirs[row.id] = directory
            by_dir.setdefault(directory, row.id)
            manifest = (
                real(row.manifest_path) if row.manifest_path else directory / MANIFEST_FILENAME
            )
            by_manifest[manifest] = row.id
        by_schema: dict[Path, set[str]] = {}
        for loc in ci_queries.list_schema_locations(conn):
            ref = Path(loc.schema_path).expanduser()
            target = real(ref if ref.is_absolute() else Path(loc.path) / ref)
            by_schema.setdefault(target, set()).add(loc.tool_id)
        return cls(by_dir, by_manifest, by_schema, dirs)

    def directory_owner(self, path: Path) -> str | None:
        """The tool whose directory is the longest prefix of `path` (already resolved)."""
        for candidate in (path, *path.parents):
            owner = self.by_dir.get(candidate)
            if owner is not None:
                return owner
        return None

    def tools_in(self, root: Path) -> list[str]:
        """Registered tools whose directory lies inside `root` (resolved)."""
        top = real(root)
        return sorted(t for t, d in self.dirs.items() if d == top or top in d.parents)


# --------------------------------------------------------------------------- reading the change


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


# --------------------------------------------------------------------------- affected


@dataclass(frozen=True)
class FileMapping:
    """One changed file, the tools that own it, and the rule that decided."""

    path: str
    status: str
    old_path: str | None
    tools: tuple[str, ...]
    rule: Rule

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status,
            "oldPath": self.old_path,
            "tools": list(self.tools),
            "rule": self.rule,
        }


@dataclass
class ChangedTool:
    id: str
    files: list[str] = field(default_factory=list)
    new: bool = False  # a manifest for a tool the registry does not know yet
    manifest_deleted: bool = False
    manifest_path: Path | None = None  # where its manifest stands in the change

    def to_json(self) -> dict[str, Any]:
        return {
            "tool": self.id,
            "files": self.files,
            "new": self.new,
            "manifestDeleted": self.manifest_deleted,
        }


@dataclass(frozen=True)
class AffectedTool:
    """A dependent of a changed tool; `via` runs from the nearest changed tool to its
    provider, and `chains` has such a run from every changed tool that reaches it."""

    id: str
    type: str
    depth: int
    via: tuple[str, ...]
    chains: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)

    @property
    def chain(self) -> list[str]:
        return [*self.via, self.id]

    @property
    def reached_from(self) -> list[str]:
        return sorted(self.chains) or [self.via[0]]

    def to_json(self) -> dict[str, Any]:
        return {
            "tool": self.id,
            "type": self.type,
            "depth": self.depth,
            "via": list(self.via),
            "reachedFrom": self.reached_from,
        }


@dataclass(frozen=True)
class Problem:
    """Something the change breaks by itself, whatever the checks say."""

    kind: str
    tool: str | None
    file: str
    message: str
    dependents: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "tool": self.tool,
            "file": self.file,
            "message": self.message,
            "dependents": list(self.dependents),
        }


@dataclass
class AffectedResult:
    mode: Mode
    base: str | None
    head: str | None
    root: Path
    files: list[FileMapping]
    changed: list[ChangedTool]
    affected: list[AffectedTool]
    problems: list[Problem]

    @property
    def unowned(self) -> list[str]:
        return [f.path for f in self.files if f.rule == "unowned"]

    def tool_ids(self) -> list[str]:
        """Changed then affected tools, each once (the `--list` answer)."""
        return [*(c.id for c in self.changed), *(a.id for a in self.affected)]

    def explain(self) -> list[str]:
        """`file -> owning tool -> ... -> affected tool`, one line per file and reach: a
        dependent reached from several changed tools is explained from each of them."""
        lines: list[str] = []
        for mapping in self.files:
            if not mapping.tools:
                lines.append(f"{mapping.path} -> (no tool owns it)")
                continue
            for owner in mapping.tools:
                lines.append(f"{mapping.path} -> {owner}")
                for dependent in self.affected:
                    chain = dependent.chains.get(owner)
                    if chain is None and not dependent.chains and dependent.via[0] == owner:
                        chain = dependent.via
                    if chain is not None:
                        lines.append(f"{mapping.path} -> {' -> '.join([*chain, dependent.id])}")
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "base": self.base,
            "head": self.head,
            "changed": [c.to_json() for c in self.changed],
            "affected": [a.to_json() for a in self.affected],
            "unowned": self.unowned,
            "files": [f.to_json() for f in self.files],
            "problems": [p.to_json() for p in self.problems],
            "summary": {
                "files": len(self.files),
                "changedCount": len(self.changed),
                "affectedCount": len(self.affected),
                "totalCount": len(self.changed) + len(self.affected),
                "unownedCount": len(self.unowned),
                "problems": len(self.problems),
            },
        }


def files_as_changes(paths: Iterable[str | Path], cwd: Path) -> list[ChangedFile]:
    """Files named on the command line (relative to `cwd`); a missing one counts as deleted."""
    changes: list[ChangedFile] = []
    for given in paths:
        path = Path(given).expanduser()
        absolute = Path(os.path.normpath(path if path.is_absolute() else cwd / path))
        changes.append(ChangedFile(absolute, "M" if os.path.lexists(absolute) else "D"))
    return changes


def _manifest_name(reader: ChangeReader, path: Path, shown: str) -> tuple[str | None, str]:
    """The tool a manifest in the change declares, or None and why not."""
    raw = reader.read(path)
    if raw is None:
        return None, f"{shown} cannot be read from the {reader.label}"
    try:
        return parse_manifest_text(raw, shown).manifest.name, ""
    except ManifestError as exc:
        return None, "; ".join([exc.message, *exc.lines])


def map_changes(
    conn: Connection,
    changes: Sequence[ChangedFile],
    *,
    root: Path,
    reader: ChangeReader,
    locator: Locator | None = None,
) -> tuple[list[FileMapping], dict[str, ChangedTool], list[Problem]]:
    """Give every changed file its owning tools; collect the tools and the problems."""
    locator = locator or Locator.load(conn)
    mappings: list[FileMapping] = []
    changed: dict[str, ChangedTool] = {}
    problems: list[Problem] = []
    deleted_manifests: dict[str, str] = {}
    deleted_schemas: list[tuple[str, str]] = []
    manifest_changed: set[str] = set()

    def touch(tool_id: str, shown: str) -> ChangedTool:
        entry = changed.setdefault(tool_id, ChangedTool(tool_id))
        if shown not in entry.files:
            entry.files.append(shown)
        return entry

    for change in changes:
        shown = display_path(change.path, root)
        old_shown = display_path(change.old_path, root) if change.old_path else None
        owners: list[str] = []
        rule: Rule = "unowned"
        for candidate in (change.path, change.old_path):
            if candidate is None:
                continue
            resolved = real(candidate)
            is_old = candidate is change.old_path
            if resolved in locator.by_manifest:
                tool_id = locator.by_manifest[resolved]
                owners.append(tool_id)
                rule = "manifest"
                manifest_changed.add(tool_id)
                entry = touch(tool_id, shown)
                if change.status == "D":
                    deleted_manifests[tool_id] = shown
                elif not is_old:
                    entry.manifest_path = change.path
                elif change.status == "R":
                    entry.manifest_path = change.path  # moved with its tool
            elif candidate.name == MANIFEST_FILENAME and not is_old and change.status != "D":
                name, why = _manifest_name(reader, change.path, shown)
                if name is None:
                    problems.append(Problem("invalid_manifest", None, shown, why))
                    continue
                owners.append(name)
                rule = "manifest" if name in locator.dirs else "new-manifest"
                manifest_changed.add(name)
                entry = touch(name, shown)
                entry.manifest_path = change.path
                entry.new = name not in locator.dirs
            elif resolved in locator.by_schema:
                schema_owners = sorted(locator.by_schema[resolved])
                owners.extend(schema_owners)
                rule = "schema"
                for tool_id in schema_owners:
                    touch(tool_id, shown)
                    if change.status == "D":
                        deleted_schemas.append((tool_id, shown))
            else:
                owner = locator.directory_owner(resolved)
                if owner is not None:
                    owners.append(owner)
                    if rule == "unowned":
                        rule = "directory"
                    touch(owner, shown)
        unique = tuple(dict.fromkeys(owners))
        mappings.append(FileMapping(shown, change.status, old_shown, unique, rule))

    for tool_id, shown in deleted_manifests.items():
        entry = changed[tool_id]
        if entry.manifest_path is not None:
            continue  # the same tool's manifest reappears elsewhere in the change: a move
        entry.manifest_deleted = True
        dependents = tuple(r.id for r in dependencies.list_dependents_of(conn, tool_id=tool_id))
        if dependents:
            problems.append(
                Problem(
                    "deleted_manifest",
                    tool_id,
                    shown,
                    f"{shown} is deleted, but {len(dependents)} tool"
                    f"{'s' if len(dependents) != 1 else ''} depend on {tool_id}: "
                    f"{', '.join(dependents)}",
                    dependents,
                )
            )
    for tool_id, shown in deleted_schemas:
        if tool_id not in manifest_changed:
            problems.append(
                Problem(
                    "deleted_schema",
                    tool_id,
                    shown,
                    f"{shown} is deleted, but the manifest of {tool_id} still names it",
                )
            )
    return mappings, changed, problems


# Above this many changed tools, one in-memory graph beats one recursive query per tool.
_QUERY_PER_SOURCE_LIMIT = 16


def _dependent_rows(
    conn: Connection, sources: list[str], max_depth: int | None
) -> dict[str, list[ReachRow]]:
    """Per source, its transitive dependents (min depth, `via`), as the SQL walk gives them."""
    if len(sources) <= _QUERY_PER_SOURCE_LIMIT:
        return {
            source: graph_queries.transitive_dependents(conn, tool_id=source, max_depth=max_depth)
            for source in sources
        }
    from pai_deps.analysis import build_graph, reach_rows
    from pai_deps.repo.reports import list_graph_nodes

    nodes = {node.id: node for node in list_graph_nodes(conn)}
    graph = build_graph(nodes.values(), dependencies.list_edges(conn))
    return {
        source: reach_rows(graph, nodes, source, reverse=True, max_depth=max_depth)
        if source in graph
        else []
        for source in sources
    }


def affected_by(
    conn: Connection, changed: Iterable[str], *, max_depth: int | None
) -> list[AffectedTool]:
    """Transitive dependents of the changed tools, each at its minimum depth from any of
    them (ties: the smallest changed id), with the chain of tools that reaches it. Changed
    tools are never "affected"."""
    from pai_deps.analysis import via_paths

    sources = sorted(set(changed))
    per_source = _dependent_rows(conn, sources, max_depth)
    best: dict[str, tuple[ReachRow, str]] = {}
    for source in sources:
        for row in per_source[source]:
            if row.id not in per_source and (
                row.id not in best or row.depth < best[row.id][0].depth
            ):
                best[row.id] = (row, source)
    walks = {source: via_paths(source, per_source[source]) for source in sources}
    result = [
        AffectedTool(
            row.id,
            row.type,
            row.depth,
            tuple(walks[source][row.id][:-1]),
            {s: tuple(walks[s][row.id][:-1]) for s in sources if row.id in walks[s]},
        )
        for row, source in best.values()
    ]
    result.sort(key=lambda a: (a.depth, a.id))
    return result


def affected(
    conn: Connection,
    cwd: Path,
    *,
    base: str | None = None,
    head: str = "HEAD",
    staged: bool = False,
    files: Sequence[str | Path] | None = None,
    direct: bool = False,
) -> AffectedResult:
    """`ci affected`: changed files (a git range, the index, or given files) to tools."""
    mode: Mode
    reader: ChangeReader = ChangeReader()
    if files is not None:
        mode = "files"
        root = gitutil.repo_root(cwd) or cwd.absolute()
        changes = files_as_changes(files, cwd.absolute())
        base_ref: str | None = None
        head_ref: str | None = None
    else:
        root = gitutil.require_repo(cwd)
        if staged:
            mode, base_ref, head_ref = "staged", "HEAD", None
            reader = IndexReader(root)
            changes = gitutil.changed_files(root, base=None, staged=True)
        else:
            mode = "range"
            base_ref = base if base is not None else gitutil.default_base(root)
            head_ref = head
            changes = gitutil.changed_files(root, base=base_ref, head=head)
    mappings, changed, problems = map_changes(conn, changes, root=root, reader=reader)
    reach = affected_by(conn, changed, max_depth=1 if direct else None)
    return AffectedResult(
        mode=mode,
        base=base_ref,
        head=head_ref,
        root=root,
        files=mappings,
        changed=sorted(changed.values(), key=lambda c: c.id),
        affected=reach,
        problems=problems,
    )


# --------------------------------------------------------------------------- the change, loaded


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
    from pai_deps.schemacompat import load_schema
    from pai_deps.schemas import parse_json_text

    if entry.manifest_path is not None:
        manifest_path = entry.manifest_path
    elif registered is not None and registered.manifest_path:
        manifest_path = Path(registered.manifest_path)
    else:
        manifest_path = Path(registered.path if registered else root) / MANIFEST_FILENAME
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

    for location, ref in schema_refs(loaded.manifest):
        if ref in loaded.schemas:
            continue
        draft: Draft = "2020-12" if location.startswith("provides.mcp") else "draft7"
        try:
            loaded.schemas[ref] = load_schema(loaded.schema_file(ref), read_json=read_json,
                                              default=draft)  # fmt: skip
        except PaiDepsError as exc:
            loaded.schema_errors.append(f"{location}: {exc.message}")
    return loaded


# --------------------------------------------------------------------------- checks


@dataclass(frozen=True)
class Issue:
    tool: str | None
    level: IssueLevel
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"tool": self.tool, "level": self.level, "message": self.message, **self.details}


@dataclass
class Check:
    """One named check over the tools in scope; `fail` only for what the change introduces."""

    name: str
    title: str
    status: CheckStatus = "pass"
    summary: str = ""
    tools: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    def add(self, tool: str | None, level: IssueLevel, message: str, **details: Any) -> None:
        self.issues.append(Issue(tool, level, message, details))

    def settle(self, summary: str) -> Check:
        levels = {issue.level for issue in self.issues}
        if self.status != "skip":
            self.status = "fail" if "error" in levels else "warn" if "warning" in levels else "pass"
        self.summary = summary
        return self

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "passed": self.status in ("pass", "warn"),
            "summary": self.summary,
            "tools": self.tools,
            "issues": [issue.to_json() for issue in self.issues],
        }


@dataclass
class CheckReport:
    mode: Mode
    root: Path
    changed: list[str]
    affected: list[AffectedTool]
    problems: list[Problem]
    checks: list[Check]
    fixed: list[str] = field(default_factory=list)
    fix_errors: list[str] = field(default_factory=list)

    @property
    def nothing_to_check(self) -> bool:
        return not self.changed and not self.problems

    @property
    def passed(self) -> bool:
        return all(check.status != "fail" for check in self.checks)

    def counts(self) -> dict[str, int]:
        statuses = [check.status for check in self.checks]
        return {
            "passed": statuses.count("pass") + statuses.count("warn"),
            "failed": statuses.count("fail"),
            "warnings": statuses.count("warn"),
            "skipped": statuses.count("skip"),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "nothingToCheck": self.nothing_to_check,
            "changed": self.changed,
            "affected": [a.to_json() for a in self.affected],
            "checks": [check.to_json() for check in self.checks],
            "fixed": self.fixed,
            "fixErrors": self.fix_errors,
            "summary": {
                **self.counts(),
                "changedCount": len(self.changed),
                "affectedCount": len(self.affected),
            },
        }


@dataclass
class _Subject:
    """A tool and its contracts as the verifiers see them: from the change for a changed
    tool (its directory and `mcp_start` as the manifest now says), else from the registry."""

    tool: ToolRow
    contracts: list[ContractRow]

    def of_type(self, contract_type: str) -> list[ContractRow]:
        return [c for c in self.contracts if c.contract_type == contract_type]


def _row_in_change(tool: ToolInChange) -> ToolRow:
    """The registry row the change would produce (the verifiers take registry rows)."""
    manifest = tool.manifest
    assert manifest is not None
    fields: dict[str, Any] = {
        "id": tool.id,
        "name": tool.id,
        "path": str(tool.tool_dir),
        "type": manifest.type,
        "version": manifest.version,
        "reliability": manifest.reliability,
        "debt_score": manifest.debt_score,
        "manifest_path": str(tool.manifest_path),
        "stub": False,
        "description": manifest.description,
        "mcp_start": manifest.mcp_start,
    }
    if tool.registered is not None:
        return tool.registered.model_copy(update=fields)
    return ToolRow(**fields, last_verified=None, created_at="", updated_at="", manifest_hash=None)


def _contracts_in_change(
    conn: Connection, tool: ToolInChange
) -> tuple[list[ContractRow], list[ContractRow]]:
    """(declared contracts, registered contracts the change no longer declares).

    A declared contract keeps its registry row (id, baseline hash and snapshot) with the
    schema path the change gives it; a new one gets an unsaved row without a baseline.
    """
    assert tool.manifest is not None
    baselines: dict[tuple[str, str], ContractRow] = {
        (c.contract_type, c.name): c
        for c in (
            contract_queries.list_contracts_of(conn, tool_id=tool.id) if tool.registered else []
        )
    }
    declared: list[ContractRow] = []
    for item in declared_contracts(tool.manifest):
        base = baselines.pop((item.contract_type, item.name), None)
        if base is not None:
            declared.append(
                base.model_copy(
                    update={"schema_path": item.schema_ref, "probe": item.probe, "help": item.help}
                )
            )
            continue
        declared.append(
            ContractRow(
                id=0,
                tool_id=tool.id,
                contract_type=item.contract_type,
                name=item.name,
                schema_path=item.schema_ref,
                schema_hash=None,
                last_verified=None,
                status="unknown",
                schema_snapshot=None,
                probe=item.probe,
                help=item.help,
            )
        )
    return declared, list(baselines.values())


def _subjects(
    conn: Connection, loaded: list[ToolInChange], dependents: list[AffectedTool]
) -> list[_Subject]:
    subjects = [_Subject(_row_in_change(t), t.contracts) for t in loaded if t.manifest]
    for dependent in dependents:
        row = tools.get_tool(conn, id=dependent.id)
        if row is not None and not row.stub:
            subjects.append(_Subject(row, contract_queries.list_contracts_of(conn, tool_id=row.id)))
    return subjects


def check_manifests(
    conn: Connection, loaded: list[ToolInChange], root: Path, problems: list[Problem]
) -> Check:
    check = Check("manifest", "Manifests")
    for problem in problems:
        if problem.kind == "invalid_manifest":  # a new manifest whose tool we cannot name
            check.add(None, "error", problem.message, file=problem.file)
    for tool in loaded:
        check.tools.append(tool.id)
        shown = display_path(tool.manifest_path, root)
        if tool.deleted:
            dependents = [r.id for r in dependencies.list_dependents_of(conn, tool_id=tool.id)]
            if dependents:
                check.add(
                    tool.id,
                    "error",
                    f"{shown} is deleted, but {', '.join(dependents)} depend on {tool.id}",
                    dependents=dependents,
                )
            else:
                check.add(
                    tool.id,
                    "info",
                    f"{shown} is deleted; `pai-deps unregister {tool.id}` (or --fix) "
                    "removes it from the registry",
                )
            continue
        if tool.error is not None:
            check.add(tool.id, "error", tool.error.message, lines=tool.error.lines, file=shown)
            continue
        for message in tool.schema_errors:
            check.add(tool.id, "error", f"{shown}: {message}", file=shown)
        assert tool.manifest is not None
        name = tool.manifest.name
        if tool.registered is not None and name != tool.id:
            dependents = [r.id for r in dependencies.list_dependents_of(conn, tool_id=tool.id)]
            level: IssueLevel = "error" if dependents else "warning"
            check.add(
                tool.id,
                level,
                f"{shown} renames {tool.id} to {name}"
                + (f", but {', '.join(dependents)} depend on {tool.id}" if dependents else ""),
            )
        existing = tools.get_tool(conn, id=name)
        if (
            existing is not None
            and not existing.stub
            and real(existing.path) != real(tool.tool_dir)
            and tool.registered is None
        ):
            check.add(
                name,
                "error",
                f"{shown} declares '{name}', already registered from {existing.path}",
            )
        if tool.from_disk:
            check.add(
                tool.id, "info", f"{shown} is not tracked by git; checked as on disk", file=shown
            )
    total = len(loaded) + sum(1 for p in problems if p.kind == "invalid_manifest")
    valid = sum(1 for t in loaded if t.valid or t.deleted)
    return check.settle(f"{valid} of {total} manifest{'s' if total != 1 else ''} OK")


def drift_in_change(tool: ToolInChange, contract: ContractRow, root: Path) -> ContractDrift:
    """One declared contract's schema as it stands in the change, against its baseline."""
    from pai_deps.verify.drift import ContractDrift, compare_document

    if not contract.schema_path:
        return ContractDrift(contract, "no-schema", "no schema file declared")
    shown = display_path(tool.schema_file(contract.schema_path), root)
    if contract.schema_path not in tool.schemas:  # unreadable: the manifest check says why
        return ContractDrift(contract, "error", f"{shown} is not readable JSON", shown)
    return compare_document(contract, tool.schemas[contract.schema_path], shown)


def check_drift(
    conn: Connection, loaded: list[ToolInChange], root: Path, *, allow_risky: bool = False
) -> tuple[Check, list[ContractDrift]]:
    """`drift`'s classes and exit rule (`schemacompat.policy`): breaking and unexplainable
    changes fail, risky ones unless allowed; compatible ones pass and are accepted by
    --fix. Removing a contract that others may use is breaking."""
    check = Check("drift", "Schema drift")
    findings: list[ContractDrift] = []
    for tool in loaded:
        if tool.manifest is None or tool.registered is None:
            continue
        check.tools.append(tool.id)
        for contract in tool.contracts:
            if contract.contract_type == "library_export":
                continue
            item = drift_in_change(tool, contract, root)
            findings.append(item)
            label = f"{tool.id}: {contract.contract_type} '{contract.name}'"
            if item.status == "drift":
                worst = [c for c in item.changes if c.severity == item.severity][:3]
                failing = item.fails(allow_risky=allow_risky)
                check.add(
                    tool.id,
                    "error" if failing else "info",
                    f"{label}: {item.message}"
                    + "".join(f"; {c.pointer or '/'}: {c.message}" for c in worst)
                    + ("" if failing else " (accept with --fix)"),
                    contract=contract.name,
                    contractType=contract.contract_type,
                    severity=item.severity,
                    changes=[c.as_dict() for c in item.changes],
                )
        if tool.removed:
            dependents = [r.id for r in dependencies.list_dependents_of(conn, tool_id=tool.id)]
            for contract in tool.removed:
                check.add(
                    tool.id,
                    "error" if dependents else "info",
                    f"{tool.id}: {contract.contract_type} '{contract.name}' is no longer declared"
                    + (f" ({', '.join(dependents)} depend on {tool.id})" if dependents else ""),
                    contract=contract.name,
                    contractType=contract.contract_type,
                    severity="breaking" if dependents else "compatible",
                )
    if not check.tools:
        check.status = "skip"
        return check.settle("no registered tool changed"), findings
    compared = sum(1 for f in findings if f.status not in ("no-schema", "error"))
    drifted = [f for f in findings if f.status == "drift"]
    classes = ", ".join(
        f"{count} {name}"
        for name in ("breaking", "risky", "compatible", "cosmetic", "unknown")
        if (count := sum(1 for f in drifted if f.severity == name))
    )
    changed = f"{len(drifted)} changed ({classes})" if drifted else "0 changed"
    return check.settle(
        f"{compared} schema{'s' if compared != 1 else ''} compared, {changed}"
    ), findings


def _failures(checks: Iterable[ContractCheck], into: Check, tool: str) -> None:
    for item in checks:
        details = {"contract": item.contract.name, "contractType": item.contract.contract_type}
        if item.schema_class is not None:
            details["severity"] = item.schema_class
        if item.outcome == "fail":
            into.add(tool, "error", f"{tool}: `{item.contract.name}`: {item.message}", **details)
        elif item.outcome == "drift":
            into.add(tool, "warning", f"{tool}: `{item.contract.name}`: {item.message}", **details)
        elif item.unverified is not None:
            into.add(tool, "info", f"{tool}: `{item.contract.name}`: not checked: "
                     f"{item.unverified}", **details)  # fmt: skip


def check_cli(subjects: list[_Subject], *, quick: bool, timeout: float, jobs: int) -> Check:
    """`verify`'s CLI check for every command in scope: quick = the executable exists,
    otherwise `--help` must exit 0 and show usage."""
    from pai_deps.verify.cli_check import check_cli as verify_cli

    check = Check("cli", "CLI contracts")
    work = [(s.tool, c) for s in subjects for c in s.of_type("cli_output")]
    check.tools = sorted({tool.id for tool, _ in work})
    if not work:
        check.status = "skip"
        return check.settle("no CLI commands declared")
    level: Level = "quick" if quick else "default"
    if quick or len(work) == 1:
        results = [verify_cli(c, t, level, timeout) for t, c in work]
    else:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            results = list(
                pool.map(lambda item: verify_cli(item[1], item[0], level, timeout), work)
            )
    for (tool, _), result in zip(work, results, strict=True):
        _failures([result], check, tool.id)
    ok = sum(1 for result in results if result.outcome != "fail")
    what = "executables found" if quick else "--help shows usage"
    return check.settle(f"{ok} of {len(work)} command{'s' if len(work) != 1 else ''} OK ({what})")


def check_mcp(
    subjects: list[_Subject],
    *,
    quick: bool,
    timeout: float,
    jobs: int,
    allow_risky: bool = False,
) -> Check:
    """`verify`'s MCP check: start each server in scope, list its tools, compare."""
    from pai_deps.verify.mcp_check import check_mcp as verify_mcp

    check = Check("mcp", "MCP contracts")
    servers = [s for s in subjects if s.of_type("mcp_tool") or s.of_type("mcp_output")]
    check.tools = [s.tool.id for s in servers]
    if quick:
        check.status = "skip"
        return check.settle("skipped (--quick)")
    if not servers:
        check.status = "skip"
        return check.settle("no MCP tools declared")

    def one(subject: _Subject) -> list[ContractCheck]:
        declared = [*subject.of_type("mcp_tool"), *subject.of_type("mcp_output")]
        known = {c.name for c in declared}
        results, _ = verify_mcp(
            subject.tool,
            declared,
            level="default",
            timeout=timeout,
            known_names=known,
            allow_risky=allow_risky,
        )
        return results

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        outcomes = list(pool.map(one, servers))
    skipped = 0
    for subject, results in zip(servers, outcomes, strict=True):
        if results and all(r.outcome == "skip" for r in results):
            skipped += 1
            check.add(subject.tool.id, "info", f"{subject.tool.id}: {results[0].message}")
            continue
        _failures(results, check, subject.tool.id)
    started = len(servers) - skipped
    if not started:
        check.status = "skip"
        return check.settle("no server to start (no mcp_start)")
    return check.settle(f"{started} server{'s' if started != 1 else ''} checked")


def _edges_in_change(loaded: list[ToolInChange]) -> dict[str, set[str]]:
    """Each changed tool's outgoing edges as its manifest in the change declares them."""
    return {
        t.id: {d.name for d in t.manifest.depends_on} if t.manifest is not None else set()
        for t in loaded
        if t.manifest is not None or t.deleted
    }


def check_cycles(conn: Connection, loaded: list[ToolInChange]) -> Check:
    """Cycles the change would introduce: the registry graph with the changed tools' edges
    replaced by their edges in the change, searched through the tools that gained edges."""
    from pai_deps.graph import Graph, cycles_through

    check = Check("cycles", "New cycles")
    in_change = _edges_in_change(loaded)
    check.tools = sorted(in_change)
    gained: dict[str, set[str]] = {}
    for tool_id, edges in in_change.items():
        before = {r.id for r in dependencies.list_dependencies_of(conn, tool_id=tool_id)}
        if edges - before:
            gained[tool_id] = edges - before
    if not gained:
        return check.settle("no new dependencies")
    registry_edges = {(e.consumer_id, e.provider_id) for e in dependencies.list_edges(conn)}
    graph_edges = {e for e in registry_edges if e[0] not in in_change}
    graph_edges |= {(tool_id, p) for tool_id, providers in in_change.items() for p in providers}
    graph = Graph((), graph_edges)
    found: dict[tuple[str, ...], list[str]] = {}
    for tool_id in sorted(gained):
        for cycle in cycles_through(graph, tool_id):
            ring = zip(cycle, [*cycle[1:], cycle[0]], strict=True)
            if any(edge not in registry_edges for edge in ring):
                found.setdefault(tuple(cycle), cycle)
    for cycle in found.values():
        check.add(
            cycle[0],
            "error",
            f"new cycle: {' -> '.join([*cycle, cycle[0]])}",
            cycle=cycle,
        )
    return check.settle(
        f"{len(found)} new cycle{'s' if len(found) != 1 else ''}" if found else "no new cycles"
    )


def check_stubs(
    conn: Connection, loaded: list[ToolInChange], dependents: list[AffectedTool]
) -> Check:
    """Dependencies on tools nobody registered. A new, required one fails: it is most often
    a typo in a name, which would otherwise become a stub silently."""
    check = Check("stubs", "Dependencies on stubs")
    in_change = {t.id for t in loaded if t.manifest is not None}
    for tool in loaded:
        if tool.manifest is None:
            continue
        check.tools.append(tool.id)
        before = {r.id for r in dependencies.list_dependencies_of(conn, tool_id=tool.id)}
        for dep in tool.manifest.depends_on:
            if dep.type in _PACKAGE_DEPENDENCIES or dep.name in in_change:
                continue
            provider = tools.get_tool(conn, id=dep.name)
            if provider is not None and not provider.stub:
                continue
            new = dep.name not in before
            level: IssueLevel = "error" if new and not dep.optional else "warning"
            check.add(
                tool.id,
                level,
                f"{tool.id} depends on '{dep.name}', which is not registered"
                + (
                    " (new in this change: register it, fix the name, or mark it optional)"
                    if level == "error"
                    else ""
                ),
                dependency=dep.name,
                new=new,
            )
    for dependent in dependents:
        check.tools.append(dependent.id)
        for row in dependencies.list_dependencies_of(conn, tool_id=dependent.id):
            if row.stub and row.edge_type not in _PACKAGE_DEPENDENCIES:
                check.add(
                    dependent.id,
                    "warning",
                    f"{dependent.id} depends on '{row.id}', which is not registered",
                    dependency=row.id,
                    new=False,
                )
    count = len(check.issues)
    return check.settle(
        f"{count} dependenc{'ies' if count != 1 else 'y'} on unregistered tools"
        if count
        else "every dependency is registered"
    )


def _apply_fixes(
    conn: Connection,
    loaded: list[ToolInChange],
    findings: list[ContractDrift],
    report: CheckReport,
    reader: ChangeReader,
) -> None:
    """Re-register changed manifests, unregister deleted ones nobody depends on, and accept
    compatible drift as the new baseline.

    Only what was checked and passed is written: a tool with a failing check is left alone,
    and so is one whose manifest on disk differs from the version checked (the index).
    """
    from pai_deps.db import transaction
    from pai_deps.registry import register_path, unregister

    failing = {
        issue.tool for check in report.checks for issue in check.issues if issue.level == "error"
    }
    for tool in loaded:
        if tool.id in failing:
            report.fix_errors.append(f"{tool.id}: not fixed, its checks failed")
            continue
        if (
            not tool.deleted
            and tool.manifest_path.is_file()
            and reader.read(tool.manifest_path) != ChangeReader().read(tool.manifest_path)
        ):
            report.fix_errors.append(
                f"{tool.id}: not re-registered, the manifest on disk differs from the "
                f"{reader.label} that was checked (stage it, or run without --staged)"
            )
            continue
        try:
            if tool.deleted:
                if tool.registered is not None and not tool.manifest_path.exists():
                    unregister(conn, tool.id, force=False)
                    report.fixed.append(f"unregistered {tool.id}")
                continue
            if tool.manifest_path.is_file():
                registered_at = tool.registered.manifest_path if tool.registered else None
                moved = registered_at is not None and not Path(registered_at).exists()
                result = register_path(conn, tool.manifest_path, force=moved)
                report.fixed.append(f"{result.action} {result.tool.id}")
        except PaiDepsError as exc:
            report.fix_errors.append(f"{tool.id}: {exc.message}")
    accepted = [
        f
        for f in findings
        if f.acceptable
        and f.contract.tool_id not in failing
        and (f.status == "equivalent" or f.severity in ("compatible", "cosmetic"))
    ]
    with transaction(conn):
        for finding in accepted:
            if finding.snapshot is None:
                continue
            for row in contract_queries.find_contracts(
                conn, tool_id=finding.contract.tool_id, name=finding.contract.name
            ):
                if row.contract_type == finding.contract.contract_type and (
                    row.schema_hash != finding.current_hash
                ):
                    contract_queries.set_contract_baseline(
                        conn,
                        id=row.id,
                        schema_hash=finding.current_hash,
                        schema_snapshot=finding.snapshot,
                    )
                    report.fixed.append(
                        f"accepted {finding.severity or finding.status} schema of "
                        f"{row.tool_id} '{row.name}'"
                    )


def run_checks(
    conn: Connection,
    cwd: Path,
    *,
    staged: bool,
    quick: bool,
    fix: bool = False,
    timeout: float | None = None,
    jobs: int | None = None,
    allow_risky: bool = False,
) -> CheckReport:
    """`ci check`: the changed tools (every tool of the repository without `staged`) and
    their dependents, judged as the change stands."""
    root = gitutil.require_repo(cwd)
    locator = Locator.load(conn)
    reader: ChangeReader
    if staged:
        reader = IndexReader(root)
        changes = gitutil.changed_files(root, base=None, staged=True)
        _, changed_map, problems = map_changes(
            conn, changes, root=root, reader=reader, locator=locator
        )
        mode: Mode = "staged"
    else:
        reader, mode, problems = ChangeReader(), "worktree", []
        changed_map = {t: ChangedTool(t) for t in locator.tools_in(root)}
    changed_ids = sorted(changed_map)
    reach = affected_by(conn, changed_ids, max_depth=None)
    report = CheckReport(mode, root, changed_ids, reach, problems, [])
    if report.nothing_to_check:
        return report
    loaded = [
        load_in_change(reader, changed_map[t], tools.get_tool(conn, id=t), root)
        for t in changed_ids
    ]
    for tool in loaded:
        if tool.manifest is not None:
            tool.contracts, tool.removed = _contracts_in_change(conn, tool)
    subjects = _subjects(conn, loaded, reach)
    drift, findings = check_drift(conn, loaded, root, allow_risky=allow_risky)
    from pai_deps.verify.checks import DEFAULT_TIMEOUT_S, default_jobs

    jobs = jobs or default_jobs()
    timeout = timeout or DEFAULT_TIMEOUT_S
    report.checks = [
        check_manifests(conn, loaded, root, problems),
        drift,
        check_cli(subjects, quick=quick, timeout=timeout, jobs=jobs),
        check_mcp(subjects, quick=quick, timeout=timeout, jobs=jobs, allow_risky=allow_risky),
        check_cycles(conn, loaded),
        check_stubs(conn, loaded, reach),
    ]
    if fix:
        _apply_fixes(conn, loaded, findings, report, reader)
    return report
