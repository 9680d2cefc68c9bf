"""`ci affected`: changed files to the tools that own them, and everything depending on them.

A manifest belongs to its tool, a schema file to every tool that names it, anything else
to the tool whose directory is its longest path prefix. The registry's reverse edges then
give the dependents, each with the chain of tools that reaches it from a changed one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pai_deps import gitutil
from pai_deps.ci.change import (
    ChangedTool,
    ChangeReader,
    IndexReader,
    files_as_changes,
    manifest_name,
)
from pai_deps.ci.locator import Locator, display_path, real
from pai_deps.gitutil import ChangedFile
from pai_deps.manifest import MANIFEST_FILENAME
from pai_deps.models import ReachRow, ToolType
from pai_deps.repo import dependencies
from pai_deps.repo import graph as graph_queries
from pai_deps.results.ci import (
    AffectedDocument,
    AffectedSummary,
    AffectedToolEntry,
    ChangedToolEntry,
    FileMapping,
    Mode,
    Problem,
    Rule,
)

if TYPE_CHECKING:
    from pai_deps.db import Connection


@dataclass(frozen=True)
class AffectedTool:
    """A dependent of a changed tool; `via` runs from the nearest changed tool to its
    provider, and `chains` has such a run from every changed tool that reaches it."""

    id: str
    type: ToolType
    depth: int
    via: tuple[str, ...]
    chains: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)

    @property
    def chain(self) -> list[str]:
        return [*self.via, self.id]

    @property
    def reached_from(self) -> list[str]:
        return sorted(self.chains) or [self.via[0]]


class _ChangeMap:
    """Gives changed files their owners, collecting the changed tools and the problems."""

    def __init__(self, locator: Locator, reader: ChangeReader, root: Path) -> None:
        self.locator, self.reader, self.root = locator, reader, root
        self.mappings: list[FileMapping] = []
        self.changed: dict[str, ChangedTool] = {}
        self.problems: list[Problem] = []
        self.deleted_manifests: dict[str, str] = {}
        self.deleted_schemas: list[tuple[str, str]] = []
        self.manifest_changed: set[str] = set()

    def touch(self, tool_id: str, shown: str) -> ChangedTool:
        entry = self.changed.setdefault(tool_id, ChangedTool(tool_id))
        if shown not in entry.files:
            entry.files.append(shown)
        return entry

    def add(self, change: ChangedFile) -> None:
        shown = display_path(change.path, self.root)
        old_shown = display_path(change.old_path, self.root) if change.old_path else None
        owners: list[str] = []
        rule: Rule = "unowned"
        for candidate in (change.path, change.old_path):
            if candidate is None:
                continue
            found, found_rule = self._owners(change, candidate, shown)
            owners.extend(found)
            if found_rule == "directory":
                rule = "directory" if rule == "unowned" else rule
            elif found_rule is not None:
                rule = found_rule
        unique = tuple(dict.fromkeys(owners))
        self.mappings.append(
            FileMapping(
                path=shown, status=change.status, old_path=old_shown, tools=unique, rule=rule
            )
        )

    def _owners(
        self, change: ChangedFile, candidate: Path, shown: str
    ) -> tuple[list[str], Rule | None]:
        """Who owns one side of a change (its path, or a rename's old path), and by which rule."""
        resolved = real(candidate)
        is_old = candidate is change.old_path
        locator = self.locator
        if resolved in locator.by_manifest:
            tool_id = locator.by_manifest[resolved]
            self.manifest_changed.add(tool_id)
            entry = self.touch(tool_id, shown)
            if change.status == "D":
                self.deleted_manifests[tool_id] = shown
            elif not is_old or change.status == "R":  # a rename moves it with its tool
                entry.manifest_path = change.path
            return [tool_id], "manifest"
        if candidate.name == MANIFEST_FILENAME and not is_old and change.status != "D":
            return self._new_manifest(change, shown)
        if resolved in locator.by_schema:
            schema_owners = sorted(locator.by_schema[resolved])
            for tool_id in schema_owners:
                self.touch(tool_id, shown)
                if change.status == "D":
                    self.deleted_schemas.append((tool_id, shown))
            return schema_owners, "schema"
        owner = locator.directory_owner(resolved)
        if owner is None:
            return [], None
        self.touch(owner, shown)
        return [owner], "directory"

    def _new_manifest(self, change: ChangedFile, shown: str) -> tuple[list[str], Rule | None]:
        """A manifest the registry does not know by its path: the tool it declares."""
        name, why = manifest_name(self.reader, change.path, shown)
        if name is None:
            self.problems.append(
                Problem(kind="invalid_manifest", tool=None, file=shown, message=why)
            )
            return [], None
        known = name in self.locator.dirs
        self.manifest_changed.add(name)
        entry = self.touch(name, shown)
        entry.manifest_path = change.path
        entry.new = not known
        return [name], "manifest" if known else "new-manifest"

    def deletions(self, conn: Connection) -> None:
        """Problems of deleted manifests others depend on, and of deleted schema files a
        manifest still names."""
        for tool_id, shown in self.deleted_manifests.items():
            entry = self.changed[tool_id]
            if entry.manifest_path is not None:
                continue  # the same tool's manifest reappears elsewhere in the change: a move
            entry.manifest_deleted = True
            dependents = tuple(r.id for r in dependencies.list_dependents_of(conn, tool_id=tool_id))
            if dependents:
                self.problems.append(
                    Problem(
                        kind="deleted_manifest",
                        tool=tool_id,
                        file=shown,
                        message=f"{shown} is deleted, but {len(dependents)} tool"
                        f"{'s' if len(dependents) != 1 else ''} depend on {tool_id}: "
                        f"{', '.join(dependents)}",
                        dependents=dependents,
                    )
                )
        for tool_id, shown in self.deleted_schemas:
            if tool_id not in self.manifest_changed:
                self.problems.append(
                    Problem(
                        kind="deleted_schema",
                        tool=tool_id,
                        file=shown,
                        message=f"{shown} is deleted, but the manifest of {tool_id} still names it",
                    )
                )


def map_changes(
    conn: Connection,
    changes: Sequence[ChangedFile],
    *,
    root: Path,
    reader: ChangeReader,
    locator: Locator | None = None,
) -> tuple[list[FileMapping], dict[str, ChangedTool], list[Problem]]:
    """Give every changed file its owning tools; collect the tools and the problems."""
    mapped = _ChangeMap(locator or Locator.load(conn), reader, root)
    for change in changes:
        mapped.add(change)
    mapped.deletions(conn)
    return mapped.mappings, mapped.changed, mapped.problems


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
    from pai_deps.analysis.registry_graph import build_graph, reach_rows
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
    from pai_deps.analysis.registry_graph import via_paths

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
    explain: bool = False,
) -> AffectedDocument:
    """`ci affected`: changed files (a git range, the index, or given files) to tools;
    with `explain`, the chain from each file to each tool it reaches."""
    mode: Mode
    reader: ChangeReader = ChangeReader()
    base_ref: str | None = None
    head_ref: str | None = None
    if files is not None:
        mode = "files"
        root = gitutil.repo_root(cwd) or cwd.absolute()
        changes = files_as_changes(files, cwd.absolute())
    else:
        root = gitutil.require_repo(cwd)
        if staged:
            mode, base_ref = "staged", "HEAD"
            reader = IndexReader(root)
            changes = gitutil.changed_files(root, base=None, staged=True)
        else:
            mode = "range"
            base_ref = base if base is not None else gitutil.default_base(root)
            head_ref = head
            changes = gitutil.changed_files(root, base=base_ref, head=head)
    mappings, changed, problems = map_changes(conn, changes, root=root, reader=reader)
    reach = affected_by(conn, changed, max_depth=1 if direct else None)
    unowned = [f.path for f in mappings if f.rule == "unowned"]
    in_order = sorted(changed.values(), key=lambda c: c.id)
    return AffectedDocument(
        success=not problems,
        mode=mode,
        base=base_ref,
        head=head_ref,
        changed=[changed_entry(c) for c in in_order],
        affected=[affected_entry(a) for a in reach],
        unowned=unowned,
        files=mappings,
        problems=problems,
        summary=AffectedSummary(
            files=len(mappings),
            changed_count=len(in_order),
            affected_count=len(reach),
            total_count=len(in_order) + len(reach),
            unowned_count=len(unowned),
            problems=len(problems),
        ),
        explain=explain_lines(mappings, reach) if explain else None,
    )


def changed_entry(tool: ChangedTool) -> ChangedToolEntry:
    return ChangedToolEntry(
        tool=tool.id, files=tool.files, new=tool.new, manifest_deleted=tool.manifest_deleted
    )


def affected_entry(tool: AffectedTool) -> AffectedToolEntry:
    return AffectedToolEntry(
        tool=tool.id,
        type=tool.type,
        depth=tool.depth,
        via=list(tool.via),
        reached_from=tool.reached_from,
    )


def explain_lines(files: Iterable[FileMapping], affected: list[AffectedTool]) -> list[str]:
    """`file -> owning tool -> ... -> affected tool`, one line per file and reach: a
    dependent reached from several changed tools is explained from each of them."""
    lines: list[str] = []
    for mapping in files:
        if not mapping.tools:
            lines.append(f"{mapping.path} -> (no tool owns it)")
            continue
        for owner in mapping.tools:
            lines.append(f"{mapping.path} -> {owner}")
            for dependent in affected:
                chain = dependent.chains.get(owner)
                if chain is None and not dependent.chains and dependent.via[0] == owner:
                    chain = dependent.via
                if chain is not None:
                    lines.append(f"{mapping.path} -> {' -> '.join([*chain, dependent.id])}")
    return lines
