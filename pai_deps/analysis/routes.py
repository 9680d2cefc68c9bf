"""`path`, `allpaths`: how one tool comes to depend on another."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pai_deps.analysis.registry_graph import endpoints_graph, nearest_graph
from pai_deps.results.routes import Route, RouteBounds, Routes
from pai_deps.words import plural

if TYPE_CHECKING:
    from pai_deps.db import Connection


def route(conn: Connection, source: str, target: str, *, skip_optional: bool) -> Route:
    """One shortest dependency path (`success: false` with `code: no_path` when none)."""
    from pai_deps.graph import shortest_path

    graph = nearest_graph(conn, source, target, skip_optional=skip_optional)
    found = shortest_path(graph, source, target)
    if found is None:
        return Route(
            success=False,
            from_=source,
            to=target,
            error=f"No dependency path from '{source}' to '{target}'",
            code="no_path",
        )
    return Route(from_=source, to=target, path=found, length=len(found) - 1)


def routes(
    conn: Connection,
    source: str,
    target: str,
    *,
    limit: int,
    max_length: int | None,
    skip_optional: bool,
) -> Routes:
    """The `limit` shortest simple paths, shortest first (bounded; see `k_shortest_paths`)."""
    from pai_deps.graph import k_shortest_paths

    graph = endpoints_graph(conn, source, target, skip_optional=skip_optional)
    search = k_shortest_paths(graph, source, target, limit=limit, max_length=max_length)
    paths = search.paths
    if not paths:
        message = f"No dependency paths from '{source}' to '{target}'" + (
            f" of at most {plural(max_length, 'hop')}" if max_length is not None else ""
        )
        if search.stopped_early:
            message += f" found before the search stopped ({search.reason})"
        return Routes(
            success=False,
            from_=source,
            to=target,
            error=message,
            code="no_path",
            stopped_early=search.stopped_early,
            reason=search.reason,
        )
    lengths = [len(path) - 1 for path in paths]
    return Routes(
        from_=source,
        to=target,
        paths=paths,
        count=len(paths),
        min_length=min(lengths),
        max_length=max(lengths),
        truncated=search.truncated,
        stopped_early=search.stopped_early,
        reason=search.reason,
        bounds=RouteBounds(limit=limit, max_length=max_length),
    )
