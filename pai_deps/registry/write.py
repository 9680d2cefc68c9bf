"""`register`: write one prepared manifest (the tool, its edges, the stubs for unknown
providers, its contracts, resources and cycle records) in one transaction, or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pai_deps.db import Connection, transaction
from pai_deps.errors import PaiDepsError
from pai_deps.models import ToolRow
from pai_deps.registry.cycles import record_cycles_through
from pai_deps.registry.prepare import PreparedManifest, ProvidesCount, prepare
from pai_deps.registry.read import require_tool
from pai_deps.registry.remove import remove_tool
from pai_deps.repo import contracts, dependencies, resources, tools, uses
from pai_deps.results.registration import (
    ProvidesCounts,
    RegisteredTool,
    Registration,
    Unregistered,
)
from pai_deps.timeutil import now_iso

if TYPE_CHECKING:
    from pai_deps.manifest import Manifest
    from pai_deps.manifest.model import Dependency

# A stub's type is a guess from how it is used: cli -> cli, mcp -> mcp, anything else library.
STUB_TYPE = {"cli": "cli", "mcp": "mcp"}


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

    def document(self) -> Registration:
        provides = self.provides
        return Registration(
            action="registered" if self.action == "registered" else "updated",
            replaced_stub=self.replaced_stub,
            tool=RegisteredTool(
                id=self.tool.id,
                name=self.tool.name,
                version=self.tool.version,
                type=self.tool.type,
                path=self.tool.path,
                manifest_path=self.tool.manifest_path,
                dependencies=self.dependencies,
                provides=ProvidesCounts(
                    cli=provides.cli,
                    mcp=provides.mcp + provides.resources,
                    mcp_tools=provides.mcp,
                    resources=provides.resources,
                    library=provides.library,
                    database=provides.database,
                ),
                contracts=self.contracts,
            ),
            stubs_created=self.stubs_created,
            cycles=self.cycles,
            warnings=[*map(stub_warning, self.stubs_created), *self.warnings],
        )


def stub_warning(tool_id: str) -> str:
    return f"Created stub for unregistered dependency: {tool_id}"


def register_path(
    conn: Connection, path: Path, *, force: bool = False, strict: bool = False
) -> Registration:
    """Load, validate and register one manifest (a file, or a directory holding one).

    A name another directory registered is refused (`name_collision`) unless `force`
    moves the registration; `strict` makes the manifest's warnings errors.
    """
    from pai_deps.manifest import load_manifest

    prepared = prepare(load_manifest(path, strict=strict), strict=strict)
    with transaction(conn):
        return write_registration(conn, prepared, force=force, strict_uses=strict).document()


def name_collision(existing: ToolRow | None, prepared: PreparedManifest) -> PaiDepsError | None:
    """The error for registering a name that another directory already holds, if any."""
    loaded = prepared.loaded
    if existing is None or existing.stub or existing.path == str(loaded.tool_dir):
        return None
    return PaiDepsError(
        f"Tool '{existing.id}' is already registered from "
        f"{existing.manifest_path or existing.path}; refusing to register "
        f"{loaded.manifest_path} under the same name",
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
    strict_uses: bool = False,
) -> RegisterResult:
    """Write one prepared manifest. Call inside a transaction (or a savepoint).

    Bulk callers pass `detect_cycles=False` and run `record_all_cycles` once at the end.
    `strict_uses` makes a `uses` entry the provider's schema does not back an error.
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
        slo=manifest.slo,
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
        _write_uses(conn, manifest.name, dep)
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
    uses.delete_deprecations_of(conn, tool_id=manifest.name)
    for contract_id, spec in zip(kept, prepared.contracts, strict=True):
        if spec.deprecation is not None:
            uses.insert_deprecation(
                conn,
                contract_id=contract_id,
                until=spec.deprecation.until or None,
                message=spec.deprecation.message or None,
            )
    resources.delete_resources_of(conn, tool_id=manifest.name)
    seen_uris: set[str] = set()
    for mcp in manifest.provides.mcp:
        if mcp.resource is not None and mcp.resource not in seen_uris:
            seen_uris.add(mcp.resource)
            resources.insert_resource(
                conn, tool_id=manifest.name, uri=mcp.resource, schema_path=mcp.schema_
            )
    _check_uses(conn, prepared, warnings, strict=strict_uses)
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


def _check_uses(
    conn: Connection, prepared: PreparedManifest, warnings: list[str], *, strict: bool
) -> None:
    from pai_deps.registry.uses_check import check_registration

    problems = check_registration(conn, prepared)
    if problems and strict:
        raise PaiDepsError(
            f"{problems[0].message()}"
            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
            code="unused_pointer" if problems[0].pointer is not None else "unknown_contract",
            details={
                "problems": [
                    {
                        "consumer": p.consumer,
                        "provider": p.provider,
                        "contract": p.contract,
                        "pointer": p.pointer,
                    }
                    for p in problems
                ]
            },
        )
    warnings.extend(problem.message() for problem in problems)


def _write_uses(conn: Connection, consumer: str, dep: Dependency) -> None:
    """One row per pointer; a use without `fields` reads the whole contract (pointer "")."""
    for use in dep.uses or []:
        for pointer in dict.fromkeys(use.fields or [""]):
            uses.insert_use(
                conn,
                consumer_id=consumer,
                provider_id=dep.name,
                contract=use.contract,
                pointer=pointer,
            )


def _renamed(removed: Unregistered, manifest: Manifest) -> str:
    """The warning for a manifest whose `name` changed since it was registered."""
    if removed.affected_dependents:
        return (
            f"'{removed.tool}' was renamed to '{manifest.name}'; '{removed.tool}' stays as a "
            f"stub because {', '.join(removed.affected_dependents)} still depend on it"
        )
    return f"'{removed.tool}' was renamed to '{manifest.name}'; '{removed.tool}' was removed"
