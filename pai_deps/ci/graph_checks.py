"""The graph checks of `ci check`: new cycles, and new dependencies on unregistered tools."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pai_deps.ci.change import ToolInChange
from pai_deps.repo import dependencies, tools
from pai_deps.results.ci import Check, IssueLevel

if TYPE_CHECKING:
    from pai_deps.ci.affected import AffectedTool
    from pai_deps.db import Connection

# Dependencies of these kinds name packages, not tools: nobody registers them.
_PACKAGE_DEPENDENCIES = frozenset({"npm"})


def _edges_in_change(loaded: list[ToolInChange]) -> dict[str, set[str]]:
    """Each changed tool's outgoing edges as its manifest in the change declares them."""
    return {
        t.id: {d.name for d in t.manifest.depends_on} if t.manifest is not None else set()
        for t in loaded
        if t.manifest is not None or t.deleted
    }


def new_cycles_check(conn: Connection, loaded: list[ToolInChange]) -> Check:
    """Cycles the change would introduce: the registry graph with the changed tools' edges
    replaced by their edges in the change, searched through the tools that gained edges."""
    from pai_deps.graph import Graph, cycles_through

    check = Check(name="cycles")
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


def stub_dependencies_check(
    conn: Connection, loaded: list[ToolInChange], dependents: list[AffectedTool]
) -> Check:
    """Dependencies on tools nobody registered. A new, required one fails: it is most often
    a typo in a name, which would otherwise become a stub silently."""
    check = Check(name="stubs")
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
