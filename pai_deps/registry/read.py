"""Reading the registry: one tool (`show`), all of them (`list`), and the one lookup
every command makes first (`require_tool`, with suggestions for a mistyped id)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pai_deps.db import Connection
from pai_deps.errors import ToolNotFoundError
from pai_deps.repo import tools

if TYPE_CHECKING:  # `list` and `require_tool` build no contract or resource rows
    from pai_deps.models import ContractRow, ResourceRow, ToolRow
    from pai_deps.results.registry import ProvidedSections, ToolDetails, ToolList


def require_tool(conn: Connection, tool_id: str) -> ToolRow:
    row = tools.get_tool(conn, id=tool_id)
    if row is None:
        from pai_deps.suggest import nearest

        candidates = (row.id for row in tools.list_tool_ids(conn))
        raise ToolNotFoundError(tool_id, nearest(tool_id, candidates))
    return row


def show(conn: Connection, tool_id: str, *, runs: int = 20) -> ToolDetails:
    """`show`: the tool, its edges both ways, what it provides, its contracts and cycles;
    its observed reliability over its newest `runs` verify runs."""
    from pai_deps.analysis.evidence import observed_of
    from pai_deps.repo import contracts, cycles, dependencies, resources
    from pai_deps.results.registry import (
        STUB_PATH,
        ShownContract,
        ShownDependency,
        ShownTool,
        ToolDetails,
    )

    tool = require_tool(conn, tool_id)
    declared = contracts.list_contracts_of(conn, tool_id=tool_id)
    seen = observed_of(conn, tool_id, runs)
    return ToolDetails(
        tool=ShownTool(
            id=tool.id,
            name=tool.name,
            version=tool.version,
            type=tool.type,
            description=tool.description,
            path=STUB_PATH if tool.stub else tool.path,
            manifest_path=tool.manifest_path,
            reliability=tool.reliability,
            debt_score=tool.debt_score,
            stub=tool.stub,
            mcp_start=tool.mcp_start,
            last_verified=tool.last_verified,
            created_at=tool.created_at,
            updated_at=tool.updated_at,
            observed_reliability=None if seen is None else seen.reliability,
            observed_runs=0 if seen is None else seen.runs,
            slo=tool.slo,
        ),
        dependencies=[
            ShownDependency(
                name=d.id,
                type=d.edge_type,
                version=d.version_constraint,
                optional=d.optional,
                provider_type=d.type,
                stub=d.stub,
            )
            for d in dependencies.list_dependencies_of(conn, tool_id=tool_id)
        ],
        dependents=[d.id for d in dependencies.list_dependents_of(conn, tool_id=tool_id)],
        provides=_provides(declared, resources.list_resources_of(conn, tool_id=tool_id)),
        contracts=[
            ShownContract(
                id=c.id,
                type=c.contract_type,
                name=c.name,
                schema_path=c.schema_path,
                status=c.status,
                status_reason=c.status_reason,
                last_verified=c.last_verified,
            )
            for c in declared
        ],
        cycles=[c.cycle for c in cycles.list_cycles_with(conn, tool_id=tool_id)],
    )


# contract type -> (provides section, the key that names it)
_SECTIONS = {
    "cli_output": ("cli", "command"),
    "mcp_tool": ("mcp", "tool"),
    "library_export": ("library", "export"),
    "db_schema": ("database", "path"),
}


def _provides(declared: list[ContractRow], found: list[ResourceRow]) -> ProvidedSections:
    """The `provides` section rebuilt from the registry, in the manifest's shape."""
    from pai_deps.results.registry import Provided, ProvidedSections

    sections: dict[str, list[Provided]] = {}
    outputs = {c.name: c.schema_path for c in declared if c.contract_type == "mcp_output"}
    for contract in declared:
        if contract.contract_type == "mcp_output":
            continue  # shown on its tool, as in the manifest
        section, name_key = _SECTIONS[contract.contract_type]
        schema = contract.schema_path or None
        item = Provided.model_validate(
            {
                name_key: contract.name,
                # a CLI command's schema is its output's; library exports have none
                "output_schema": schema if section == "cli" else None,
                "schema_": schema if section in ("mcp", "database") else None,
                "probe": contract.probe,
                "help": contract.help,
            }
        )
        if contract.contract_type == "mcp_tool" and outputs.get(contract.name):
            item.output_schema = outputs[contract.name]
        sections.setdefault(section, []).append(item)
    for resource in found:
        sections.setdefault("mcp", []).append(
            Provided(resource=resource.uri, schema_=resource.schema_path or None)
        )
    return ProvidedSections.model_validate(sections)


def list_tools(
    conn: Connection, *, type: str | None, stubs: bool | None, runs: int = 20
) -> ToolList:
    """`list`: registered tools (and stubs) with their fan-out and fan-in, in id order, and
    their observed reliability over their newest `runs` verify runs."""
    from pai_deps.analysis.evidence import observed_all
    from pai_deps.results.registry import ToolList

    rows = tools.list_tool_summaries(conn, type=type, stub=stubs)
    seen = {tool: (o.reliability, o.runs) for tool, o in observed_all(conn, runs).items()}
    return ToolList.from_rows(rows, seen)


def manifest_text(conn: Connection, tool_id: str) -> tuple[str, str]:
    """A registered tool's manifest as its file reads now: (path, text), read through the
    guarded reader with the manifest size limit (a stub has none)."""
    from pai_deps.errors import NotFoundError
    from pai_deps.manifest import MAX_MANIFEST_BYTES
    from pai_deps.safeio import read_regular_file

    row = require_tool(conn, tool_id)
    if row.stub or not row.manifest_path:
        raise NotFoundError(
            f"Tool '{tool_id}' is a stub: nobody registered a manifest for it",
            code="no_manifest",
            details={"tool": tool_id},
        )
    data = read_regular_file(row.manifest_path, limit=MAX_MANIFEST_BYTES)
    return row.manifest_path, data.decode("utf-8", errors="replace")


def manifest_owners(conn: Connection) -> list[str]:
    """The ids of the tools registered from a manifest (not stubs), in id order."""
    return [row.id for row in tools.list_tool_locations(conn) if row.manifest_path]
