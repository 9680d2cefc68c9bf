"""`deps`, `rdeps`, `affected`: what a tool uses, what uses it, what a change reaches.

Semantics the reference left open, decided here (and in `--help`):
- the start tool never appears in its own answer, even on a cycle; each tool appears once,
  at its minimum depth, with `via`, the neighbour it was reached through on a shortest
  path (smallest id on ties);
- `type` filters the answer rows, never the walk: a cli reached only through a library
  is still found;
- optional dependencies are followed like any other (an optional provider that breaks
  still breaks the feature that uses it); `skip_optional` leaves them out of the walk;
- stubs are answered like tools and marked `stub`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pai_deps.analysis.registry_graph import via_paths, walk
from pai_deps.results.neighbours import (
    Affected,
    AffectedTool,
    Dependencies,
    Dependents,
    DirectNeighbour,
    Reached,
    WalkFilters,
)

if TYPE_CHECKING:
    from pai_deps.db import Connection


def neighbours(
    conn: Connection,
    tool: str,
    *,
    reverse: bool,
    transitive: bool,
    depth: int | None,
    type_: str | None,
    skip_optional: bool,
) -> Dependencies | Dependents:
    """`deps` (or `rdeps` with `reverse`): direct neighbours with their edge, or with
    `transitive` (implied by `depth`) everything reached within `depth` hops."""
    transitive = transitive or depth is not None
    rows: Reached
    if transitive:
        rows = [*walk(conn, tool, reverse=reverse, max_depth=depth, skip_optional=skip_optional)]
    else:
        rows = [*_direct(conn, tool, reverse=reverse, skip_optional=skip_optional)]
    if type_ is not None:
        rows = [r for r in rows if r.type == type_]
    reached = max((r.depth for r in rows), default=0)
    filters = WalkFilters(type=type_, depth=depth, skip_optional=skip_optional)
    if reverse:
        return Dependents(
            tool=tool,
            transitive=transitive,
            dependents=rows,
            count=len(rows),
            max_depth=reached or 1,
            reached_depth=reached,
            filters=filters,
        )
    return Dependencies(
        tool=tool,
        transitive=transitive,
        dependencies=rows,
        count=len(rows),
        max_depth=reached or 1,
        reached_depth=reached,
        filters=filters,
    )


def _direct(
    conn: Connection, tool: str, *, reverse: bool, skip_optional: bool
) -> list[DirectNeighbour]:
    """Direct neighbours with the edge that links them (one indexed query)."""
    from pai_deps.registry.read import require_tool
    from pai_deps.repo import dependencies

    require_tool(conn, tool)
    fetch = dependencies.list_dependents_of if reverse else dependencies.list_dependencies_of
    return [
        DirectNeighbour(
            id=n.id,
            name=n.name,
            type=n.type,
            version=n.version,
            reliability=n.reliability,
            debt_score=n.debt_score,
            stub=n.stub,
            depth=1,
            via=tool,
            edge_type=n.edge_type,
            version_constraint=n.version_constraint,
            optional=n.optional,
        )
        for n in fetch(conn, tool_id=tool)
        if not (skip_optional and n.optional)
    ]


def affected(
    conn: Connection,
    tool: str,
    *,
    direct: bool,
    depth: int | None,
    type_: str | None,
    skip_optional: bool,
    contract: str | None = None,
    field: str | None = None,
) -> Affected:
    """Tools a change to `tool` reaches (its transitive dependents, or only the direct ones),
    each with the chain of `via` hops that explains why; with `contract`/`field`, only
    through the direct dependents that read it (`analysis.consumers`)."""
    from pai_deps.analysis.consumers import narrow_walk

    max_depth = 1 if direct else depth
    rows = walk(conn, tool, reverse=True, max_depth=max_depth, skip_optional=skip_optional)
    rows = narrow_walk(
        conn,
        tool,
        rows,
        contract=contract,
        field=field,
        max_depth=max_depth,
        skip_optional=skip_optional,
    )
    walks = via_paths(tool, rows)
    if type_ is not None:
        rows = [r for r in rows if r.type == type_]
    # vars(): the row's fields as one dict (rows have no extras), without pydantic's __iter__
    found = [AffectedTool(**vars(r), path=list(reversed(walks[r.id]))) for r in rows]
    max_found = max((r.depth for r in rows), default=0)
    return Affected(
        tool=tool,
        direct=direct,
        affected=found,
        count=len(found),
        max_depth=max_found if found and not direct else None,
        filters=WalkFilters(
            type=type_,
            depth=max_depth,
            skip_optional=skip_optional,
            contract=contract,
            field=field,
        ),
    )
