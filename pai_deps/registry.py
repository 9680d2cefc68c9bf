"""Filling the registry: register, unregister, stubs and cycle bookkeeping.

One write path. A manifest is loaded and validated completely (schema files included)
before anything is written; then the tool, its edges, the stubs for unknown providers,
its contracts, resources and cycle records are written in ONE `BEGIN IMMEDIATE`
transaction, so a failure anywhere leaves the registry exactly as it was.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pai_deps.db import Connection, transaction
from pai_deps.errors import ManifestError, PaiDepsError, ToolNotFoundError
from pai_deps.models import (
    ContractRow,
    ContractType,
    CycleRow,
    NeighbourRow,
    ResourceRow,
    ToolRow,
)
from pai_deps.repo import contracts, cycles, dependencies, resources, tools
from pai_deps.timeutil import now_iso
from pai_deps.words import depend_on_it

if TYPE_CHECKING:  # the manifest model (and YAML) load only when a manifest is read
    from pai_deps.manifest import LoadedManifest, Manifest
    from pai_deps.results.registry import ToolList
    from pai_deps.schemacompat.dialect import Draft

# A stub's type is a guess from how it is used: cli -> cli, mcp -> mcp, anything else library.
STUB_TYPE = {"cli": "cli", "mcp": "mcp"}
MAX_CYCLES_PER_TOOL = 100


@dataclass(frozen=True)
class ContractSpec:
    """A contract derived from `provides`, with its schema already read and hashed."""

    contract_type: str
    name: str
    schema_path: str | None
    schema_hash: str | None
    schema_snapshot: str | None
    status_reason: str | None = None  # set when the schema file does not exist
    probe: list[str] | None = None
    help: list[str] | Literal[False] | None = None


@dataclass(frozen=True)
class ProvidesCount:
    cli: int = 0
    mcp: int = 0
    resources: int = 0
    library: int = 0
    database: int = 0

    def to_json(self) -> dict[str, int]:
        """Only the non-zero kinds, as the TypeScript tool printed them.

        Its `mcp` counted every MCP entry, tools and resources alike; `mcpTools` and
        `resources` say which is which.
        """
        counts = {
            "cli": self.cli,
            "mcp": self.mcp + self.resources,
            "mcpTools": self.mcp,
            "resources": self.resources,
            "library": self.library,
            "database": self.database,
        }
        return {k: v for k, v in counts.items() if v}


@dataclass
class RegisterResult:
    tool: ToolRow
    action: str  # "registered" | "updated" (the id existed, as a stub or a tool)
    replaced_stub: bool
    dependencies: int
    stubs_created: list[str]
    provides: ProvidesCount
    contracts: int
    cycles: list[list[str]]
    warnings: list[str] = field(default_factory=list)  # besides one per stub created

    @property
    def is_new(self) -> bool:
        """A tool that was not registered before (replacing a stub counts as new)."""
        return self.action == "registered" or self.replaced_stub

    def to_json(self) -> dict[str, Any]:
        tool: dict[str, Any] = {"id": self.tool.id, "name": self.tool.name}
        if self.tool.version is not None:
            tool["version"] = self.tool.version
        tool.update(
            {
                "type": self.tool.type,
                "path": self.tool.path,
                "manifestPath": self.tool.manifest_path,
                "dependencies": self.dependencies,
                "provides": self.provides.to_json(),
                "contracts": self.contracts,
            }
        )
        return {
            "action": self.action,
            "replacedStub": self.replaced_stub,
            "tool": tool,
            "stubsCreated": self.stubs_created,
            "cycles": self.cycles,
            "warnings": [*map(stub_warning, self.stubs_created), *self.warnings],
        }


def stub_warning(tool_id: str) -> str:
    return f"Created stub for unregistered dependency: {tool_id}"


@dataclass(frozen=True)
class PreparedManifest:
    """Everything `register` will write, computed before the transaction starts."""

    loaded: LoadedManifest
    contracts: tuple[ContractSpec, ...]
    provides: ProvidesCount
    warnings: tuple[str, ...] = ()  # the manifest's own, then the schema files'

    def all_warnings(self) -> list[str]:
        return [*self.loaded.warnings, *self.warnings]

    @property
    def manifest(self) -> Manifest:
        return self.loaded.manifest


@dataclass(frozen=True)
class DeclaredContract:
    """A contract as a manifest declares it, before any schema file is read."""

    contract_type: ContractType
    name: str
    schema_ref: str | None
    probe: list[str] | None = None
    help: list[str] | Literal[False] | None = None


def declared_contracts(manifest: Manifest) -> list[DeclaredContract]:
    """The contracts `provides` promises, first declaration winning on a repeated name.

    CLI commands -> cli_output, MCP tools -> mcp_tool (their input schema) and, where an
    output schema is declared, mcp_output, library exports -> library_export, databases ->
    db_schema. MCP resources are not contracts.
    """
    provides = manifest.provides
    items = [
        *(
            DeclaredContract("cli_output", c.command, c.output_schema, c.probe, c.help)
            for c in provides.cli
        ),
        *(DeclaredContract("mcp_tool", m.tool, m.schema_) for m in provides.mcp if m.tool),
        *(
            DeclaredContract("mcp_output", m.tool, m.output_schema)
            for m in provides.mcp
            if m.tool and m.output_schema
        ),
        *(DeclaredContract("library_export", lib.export, None) for lib in provides.library),
        *(DeclaredContract("db_schema", d.path, d.schema_) for d in provides.database),
    ]
    found: dict[tuple[str, str], DeclaredContract] = {}
    for item in items:
        found.setdefault((item.contract_type, item.name), item)
    return list(found.values())


def schema_refs(manifest: Manifest) -> list[tuple[str, str]]:
    """(dotted location, reference) of every schema file the manifest names."""
    provides = manifest.provides
    return [
        *(
            (f"provides.cli[{i}].output_schema", c.output_schema)
            for i, c in enumerate(provides.cli)
            if c.output_schema
        ),
        *(
            (f"provides.mcp[{i}].schema", m.schema_)
            for i, m in enumerate(provides.mcp)
            if m.schema_
        ),
        *(
            (f"provides.mcp[{i}].output_schema", m.output_schema)
            for i, m in enumerate(provides.mcp)
            if m.output_schema
        ),
        *(
            (f"provides.database[{i}].schema", d.schema_)
            for i, d in enumerate(provides.database)
            if d.schema_
        ),
    ]


def resolve_schema_path(tool_dir: Path, ref: str) -> Path:
    """A schema reference as a file: absolute, `~`-expanded, or relative to the tool.

    As in a shell, `~user` naming no user stays as written (a relative path).
    """
    path = Path(ref)
    with contextlib.suppress(RuntimeError):  # no such user, or no home directory
        path = path.expanduser()
    return path if path.is_absolute() else tool_dir / path


def read_schema_file(tool_dir: Path, ref: str) -> Any:
    """The one guarded way a manifest's schema file is read at registration.

    The file must resolve (symlinks followed) inside the tool's repository, so a
    manifest from elsewhere cannot pull a credentials file into the registry as its
    "schema"; then it is read as a small regular file (see `load_json_file`).
    """
    from pai_deps.schemas import load_json_file

    path = resolve_schema_path(tool_dir, ref)
    home = outside_repository(tool_dir, path)
    if home is not None:
        raise PaiDepsError(
            f"{path} is outside the tool's repository ({home}); pai-deps reads schema files "
            "only from there",
            code="schema_outside_repository",
        )
    return load_json_file(path)


def outside_repository(tool_dir: Path, path: Path) -> Path | None:
    """The repository root `path` escapes from, or None when it is inside.

    The repository is the nearest enclosing git work tree of the tool's directory, or
    the directory itself when there is none.
    """
    import os

    try:
        tool_real = Path(os.path.realpath(tool_dir))
        target = Path(os.path.realpath(path))
    except (OSError, ValueError):
        return None  # unresolvable (e.g. a NUL byte): reading it fails with its own error
    home = next(
        (d for d in (tool_real, *tool_real.parents) if os.path.lexists(d / ".git")), tool_real
    )
    return None if target == home or home in target.parents else home


def prepare(loaded: LoadedManifest, *, strict: bool = False) -> PreparedManifest:
    """Read and hash every schema file the manifest names.

    A schema file that does not exist (yet) is a warning: the contract registers with
    status `unknown` and the reason, and `drift` reports it missing. Under `strict` it is
    an error, like every other problem with a schema file. A schema's `$ref`s may reach
    files in its own folder (bundled into what is hashed and stored); a reference anywhere
    else is refused, and nothing is fetched.
    """
    from pai_deps.manifest_lookup import key_line
    from pai_deps.schemacompat import load_schema
    from pai_deps.schemas import normalise, schema_hash

    manifest = loaded.manifest
    documents: dict[str, tuple[str, str]] = {}
    absent: dict[str, str] = {}  # ref -> why its contract is `unknown`
    issues: list[tuple[str, str, str]] = []
    warnings: list[str] = []
    for location, ref in schema_refs(manifest):
        if ref in documents or ref in absent:
            continue
        schema_path = resolve_schema_path(loaded.tool_dir, ref)
        try:
            draft: Draft = "2020-12" if location.startswith("provides.mcp") else "draft7"
            document = load_schema(
                schema_path,
                read_json=lambda path: read_schema_file(loaded.tool_dir, str(path)),
                default=draft,
            )
            documents[ref] = (schema_hash(document), normalise(document))
        except PaiDepsError as exc:
            if exc.code == "file_not_found" and not strict:  # not there yet: a warning
                absent[ref] = f"schema file {schema_path} did not exist when it was registered"
                line = key_line(loaded.manifest_path, location)
                warnings.append(
                    f"{location}{f' (line {line})' if line else ''}: schema file not found: "
                    f"{schema_path}; its contract stays unknown until the file exists"
                )
            else:
                issues.append((location, ref, exc.message))
        except RecursionError:
            issues.append((location, ref, f"{ref}: nested too deeply to process"))
    if issues:
        path = str(loaded.manifest_path)
        located = [
            (where, key_line(loaded.manifest_path, where), message) for where, _, message in issues
        ]
        raise ManifestError(
            f"Invalid manifest at {path}:",
            lines=[
                f"{where}{f' (line {line})' if line else ''}: {message}"
                for where, line, message in located
            ],
            details={
                "file": path,
                "issues": [{"path": w, "message": m, "line": n} for w, n, m in located],
            },
        )
    specs = []
    for item in declared_contracts(manifest):
        ref = item.schema_ref or ""
        stored_hash, snapshot = documents.get(ref, (None, None))
        specs.append(
            ContractSpec(
                item.contract_type,
                item.name,
                item.schema_ref,
                stored_hash,
                snapshot,
                absent.get(ref),
                probe=item.probe,
                help=item.help,
            )
        )
    provides = manifest.provides
    mcp_tools = sum(1 for m in provides.mcp if m.tool)
    count = ProvidesCount(
        cli=len(provides.cli),
        mcp=mcp_tools,
        resources=len(provides.mcp) - mcp_tools,
        library=len(provides.library),
        database=len(provides.database),
    )
    return PreparedManifest(loaded, tuple(specs), count, tuple(warnings))


def register_path(
    conn: Connection, path: Path, *, force: bool = False, strict: bool = False
) -> RegisterResult:
    """Load, validate and register one manifest (a file, or a directory holding one)."""
    from pai_deps.manifest import load_manifest

    prepared = prepare(load_manifest(path, strict=strict), strict=strict)
    with transaction(conn):
        return write_registration(conn, prepared, force=force)


def name_collision(existing: ToolRow | None, prepared: PreparedManifest) -> PaiDepsError | None:
    """The error for registering a name that another directory already holds, if any."""
    loaded = prepared.loaded
    if existing is None or existing.stub or existing.path == str(loaded.tool_dir):
        return None
    return PaiDepsError(
        f"Tool '{existing.id}' is already registered from "
        f"{existing.manifest_path or existing.path}; refusing to register "
        f"{loaded.manifest_path} under the same name "
        "(rename one of them, or use --force to move the registration)",
        code="name_collision",
        details={
            "tool": existing.id,
            "registeredFrom": existing.manifest_path or existing.path,
            "attemptedFrom": str(loaded.manifest_path),
        },
    )


def write_registration(
    conn: Connection,
    prepared: PreparedManifest,
    *,
    force: bool = False,
    now: str = "",
    detect_cycles: bool = True,
) -> RegisterResult:
    """Write one prepared manifest. Call inside a transaction (or a savepoint).

    Bulk callers pass `detect_cycles=False` and run `record_all_cycles` once at the end.
    """
    now = now or now_iso()
    manifest = prepared.manifest
    loaded = prepared.loaded
    tool_dir = str(loaded.tool_dir)
    existing = tools.get_tool(conn, id=manifest.name)
    collision = name_collision(existing, prepared)
    if collision is not None and not force:
        raise collision
    warnings = prepared.all_warnings()
    if existing is not None and not existing.stub and existing.path != tool_dir:
        warnings.append(f"Moved '{manifest.name}' from {existing.path} to {tool_dir}")
    row = tools.upsert_tool(
        conn,
        id=manifest.name,
        path=tool_dir,
        type=manifest.type,
        version=manifest.version,
        reliability=manifest.reliability,
        debt_score=manifest.debt_score,
        manifest_path=str(loaded.manifest_path),
        manifest_hash=loaded.content_hash,
        description=manifest.description,
        mcp_start=manifest.mcp_start,
        now=now,
    )
    for renamed in tools.list_tools_registered_from(conn, manifest_path=str(loaded.manifest_path)):
        if renamed.id != manifest.name:
            warnings.append(_renamed(remove_tool(conn, require_tool(conn, renamed.id)), manifest))
    dependencies.delete_dependencies_of(conn, consumer_id=manifest.name)
    stubs_created: list[str] = []
    for dep in manifest.depends_on:
        if tools.insert_stub(conn, id=dep.name, type=STUB_TYPE.get(dep.type, "library"), now=now):
            stubs_created.append(dep.name)
        dependencies.insert_dependency(
            conn,
            consumer_id=manifest.name,
            provider_id=dep.name,
            type=dep.type,
            version_constraint=dep.version,
            optional=dep.optional,
            now=now,
        )
    kept = [
        contracts.upsert_contract(
            conn,
            tool_id=manifest.name,
            contract_type=spec.contract_type,
            name=spec.name,
            schema_path=spec.schema_path,
            schema_hash=spec.schema_hash,
            schema_snapshot=spec.schema_snapshot,
            status_reason=spec.status_reason,
            probe=spec.probe,
            help=spec.help,
        ).id
        for spec in prepared.contracts
    ]
    contracts.delete_contracts_except(conn, tool_id=manifest.name, keep_ids=kept)
    resources.delete_resources_of(conn, tool_id=manifest.name)
    seen_uris: set[str] = set()
    for mcp in manifest.provides.mcp:
        if mcp.resource is not None and mcp.resource not in seen_uris:
            seen_uris.add(mcp.resource)
            resources.insert_resource(
                conn, tool_id=manifest.name, uri=mcp.resource, schema_path=mcp.schema_
            )
    found_cycles = record_cycles_through(conn, manifest.name, now=now) if detect_cycles else []
    for cycle in found_cycles:
        warnings.append(f"Circular dependency detected: {' -> '.join([*cycle, cycle[0]])}")
    return RegisterResult(
        tool=row,
        action="registered" if existing is None else "updated",
        replaced_stub=existing is not None and existing.stub,
        dependencies=len(manifest.depends_on),
        stubs_created=stubs_created,
        provides=prepared.provides,
        contracts=len(kept),
        cycles=found_cycles,
        warnings=warnings,
    )


def _renamed(removed: UnregisterResult, manifest: Manifest) -> str:
    """The warning for a manifest whose `name` changed since it was registered."""
    if removed.dependents:
        return (
            f"'{removed.tool}' was renamed to '{manifest.name}'; '{removed.tool}' stays as a "
            f"stub because {', '.join(removed.dependents)} still depend on it"
        )
    return f"'{removed.tool}' was renamed to '{manifest.name}'; '{removed.tool}' was removed"


# -- cycles -------------------------------------------------------------------------------


def _strongly_connected_with(conn: Connection, tool_id: str) -> list[str]:
    """The members of tool_id's strongly connected component (only tool_id if none).

    Computed from the two transitive walks, so the cost follows what the tool reaches,
    not the size of the registry.
    """
    from pai_deps.repo import graph as graph_queries

    if not dependencies.list_dependencies_of(conn, tool_id=tool_id):
        return [tool_id]
    forward = {
        r.id for r in graph_queries.transitive_dependencies(conn, tool_id=tool_id, max_depth=None)
    }
    if not forward:
        return [tool_id]
    backward = {
        r.id for r in graph_queries.transitive_dependents(conn, tool_id=tool_id, max_depth=None)
    }
    return sorted((forward & backward) | {tool_id})


def record_cycles_through(conn: Connection, tool_id: str, *, now: str) -> list[list[str]]:
    """Store every elementary cycle through the tool once; resolve its cycles that broke."""
    from pai_deps.graph import Graph, cycles_through

    resolve_broken_cycles(conn, tool_id)
    members = _strongly_connected_with(conn, tool_id)
    if len(members) == 1:
        return []
    edges = dependencies.list_edges_among(conn, ids=members)
    graph = Graph(members, ((e.consumer_id, e.provider_id) for e in edges))
    found = cycles_through(graph, tool_id, limit=MAX_CYCLES_PER_TOOL)
    for cycle in found:
        cycles.upsert_cycle(conn, cycle=cycle, now=now)
    return found


def resolve_broken_cycles(conn: Connection, tool_id: str) -> list[CycleRow]:
    """Mark resolved the open cycles through `tool_id` that lost an edge."""
    broken = []
    for row in cycles.list_cycles_with(conn, tool_id=tool_id):
        present = {
            (e.consumer_id, e.provider_id)
            for e in dependencies.list_edges_among(conn, ids=row.cycle)
        }
        ring = list(zip(row.cycle, [*row.cycle[1:], row.cycle[0]], strict=True))
        if not all(edge in present for edge in ring):
            cycles.resolve_cycle(conn, id=row.id)
            broken.append(row)
    return broken


def record_all_cycles(conn: Connection, tool_ids: Iterable[str], *, now: str) -> list[list[str]]:
    """Bulk form for `sync`: one graph load, cycles through any of the given tools."""
    from pai_deps.graph import Graph, cycles_through, strongly_connected_components

    wanted = set(tool_ids)
    for tool_id in sorted(wanted):
        resolve_broken_cycles(conn, tool_id)
    edges = dependencies.list_edges(conn)
    graph = Graph((), ((e.consumer_id, e.provider_id) for e in edges))
    found: dict[tuple[str, ...], list[str]] = {}
    for component in strongly_connected_components(graph):
        if len(component) < 2:
            continue
        for member in sorted(wanted.intersection(component)):
            for cycle in cycles_through(graph, member, limit=MAX_CYCLES_PER_TOOL):
                found.setdefault(tuple(cycle), cycle)
    for cycle in found.values():
        cycles.upsert_cycle(conn, cycle=cycle, now=now)
    return sorted(found.values(), key=lambda c: (len(c), c))


# -- unregister and stubs ------------------------------------------------------------------


@dataclass
class UnregisterResult:
    tool: str
    action: str  # "unregistered" | "stubbed" (it stays as a stub for its dependents)
    dependents: list[str]
    resolved_cycles: list[list[str]]
    was_stub: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "tool": self.tool,
            "wasStub": self.was_stub,
            "affectedDependents": self.dependents,
            "resolvedCycles": self.resolved_cycles,
        }


def unregister(conn: Connection, tool_id: str, *, force: bool) -> UnregisterResult:
    """Remove a tool; with dependents, only with `force`, and then it stays as a stub."""
    with transaction(conn):
        tool = require_tool(conn, tool_id)
        dependents = [row.id for row in dependencies.list_dependents_of(conn, tool_id=tool_id)]
        if dependents and not force:
            raise PaiDepsError(
                f"Cannot unregister '{tool_id}': {depend_on_it(dependents)}; "
                "use --force to turn it into a stub instead",
                code="has_dependents",
                details={
                    "tool": tool_id,
                    "dependents": dependents,
                    "hint": "Use --force to keep it as a stub that its dependents still point to",
                },
            )
        return remove_tool(conn, tool)


def remove_tool(conn: Connection, tool: ToolRow) -> UnregisterResult:
    """Delete a tool, or demote it to a stub when others still depend on it.

    Call inside a transaction. Dependents keep their declared edges; the tool's own
    outgoing edges, contracts, history and resources go, so its cycles are resolved.
    """
    dependents = [row.id for row in dependencies.list_dependents_of(conn, tool_id=tool.id)]
    if dependents:
        dependencies.delete_dependencies_of(conn, consumer_id=tool.id)
        contracts.delete_contracts_except(conn, tool_id=tool.id, keep_ids=[])
        resources.delete_resources_of(conn, tool_id=tool.id)
        tools.demote_to_stub(conn, id=tool.id, now=now_iso())
        action = "stubbed"
    else:
        tools.delete_tool(conn, id=tool.id)
        action = "unregistered"
    resolved = resolve_broken_cycles(conn, tool.id)
    return UnregisterResult(
        tool=tool.id,
        action=action,
        dependents=dependents,
        resolved_cycles=[row.cycle for row in resolved],
        was_stub=tool.stub,
    )


def prune_stubs(conn: Connection) -> list[str]:
    with transaction(conn):
        return [row.id for row in tools.delete_orphan_stubs(conn)]


def require_tool(conn: Connection, tool_id: str) -> ToolRow:
    row = tools.get_tool(conn, id=tool_id)
    if row is None:
        from pai_deps.suggest import nearest

        candidates = (row.id for row in tools.list_tool_ids(conn))
        raise ToolNotFoundError(tool_id, nearest(tool_id, candidates))
    return row


# -- reading -------------------------------------------------------------------------------


@dataclass
class ToolDetails:
    tool: ToolRow
    dependencies: list[NeighbourRow]
    dependents: list[NeighbourRow]
    contracts: list[ContractRow]
    resources: list[ResourceRow]
    cycles: list[CycleRow]


def show(conn: Connection, tool_id: str) -> ToolDetails:
    tool = require_tool(conn, tool_id)
    return ToolDetails(
        tool=tool,
        dependencies=dependencies.list_dependencies_of(conn, tool_id=tool_id),
        dependents=dependencies.list_dependents_of(conn, tool_id=tool_id),
        contracts=contracts.list_contracts_of(conn, tool_id=tool_id),
        resources=resources.list_resources_of(conn, tool_id=tool_id),
        cycles=cycles.list_cycles_with(conn, tool_id=tool_id),
    )


def resolve_cycle_by_hand(conn: Connection, cycle_id: int) -> CycleRow:
    from pai_deps.errors import NotFoundError

    with transaction(conn):
        row = cycles.get_cycle(conn, id=cycle_id)
        if row is None:
            raise NotFoundError(f"Cycle {cycle_id} not found", code="cycle_not_found")
        cycles.resolve_cycle(conn, id=cycle_id)
        resolved = cycles.get_cycle(conn, id=cycle_id)
        assert resolved is not None
        return resolved


def list_tools(conn: Connection, *, type: str | None, stubs: bool | None) -> ToolList:
    """`list`: registered tools (and stubs) with their fan-out and fan-in, in id order."""
    from pai_deps.results.registry import ToolList, ToolSummary

    rows = tools.list_tool_summaries(conn, type=type, stub=stubs)
    return ToolList(
        tools=[ToolSummary.from_row(r) for r in rows],
        total=len(rows),
        stubs=sum(1 for r in rows if r.stub),
    )
