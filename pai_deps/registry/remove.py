"""`unregister` and `stubs prune`: removing tools, or keeping them as stubs while others
still depend on them."""

from __future__ import annotations

from typing import Literal

from pai_deps.db import Connection, transaction
from pai_deps.errors import PaiDepsError
from pai_deps.models import ToolRow
from pai_deps.registry.cycles import resolve_broken_cycles
from pai_deps.registry.read import require_tool
from pai_deps.repo import contracts, dependencies, resources, tools
from pai_deps.results.registration import PrunedStubs, Unregistered
from pai_deps.timeutil import now_iso
from pai_deps.words import depend_on_it


def unregister(conn: Connection, tool_id: str, *, force: bool) -> Unregistered:
    """Remove a tool; with dependents, only with `force`, and then it stays as a stub
    (refused otherwise: `has_dependents`)."""
    with transaction(conn):
        tool = require_tool(conn, tool_id)
        dependents = [row.id for row in dependencies.list_dependents_of(conn, tool_id=tool_id)]
        if dependents and not force:
            raise PaiDepsError(
                f"Cannot unregister '{tool_id}': {depend_on_it(dependents)}",
                code="has_dependents",
                details={"tool": tool_id, "dependents": dependents},
            )
        return remove_tool(conn, tool)


def remove_tool(conn: Connection, tool: ToolRow) -> Unregistered:
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
        action: Literal["unregistered", "stubbed"] = "stubbed"
    else:
        tools.delete_tool(conn, id=tool.id)
        action = "unregistered"
    resolved = resolve_broken_cycles(conn, tool.id)
    return Unregistered(
        action=action,
        tool=tool.id,
        was_stub=tool.stub,
        affected_dependents=dependents,
        resolved_cycles=[row.cycle for row in resolved],
    )


def prune_stubs(conn: Connection) -> PrunedStubs:
    """`stubs prune`: remove the stubs no tool depends on any more."""
    with transaction(conn):
        removed = [row.id for row in tools.delete_orphan_stubs(conn)]
    return PrunedStubs(removed=removed, count=len(removed))
