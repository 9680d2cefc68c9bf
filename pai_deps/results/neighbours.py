"""Documents of `deps`, `rdeps` and `affected`."""

from __future__ import annotations

from pai_deps.models import DependencyType, ReachRow
from pai_deps.results.base import CamelModel, Envelope, OmitNone


class DirectNeighbour(ReachRow):
    """A direct dependency or dependent (depth 1, via the tool asked about) and its edge."""

    edge_type: DependencyType
    version_constraint: str | None
    optional: bool


# A transitive walk lists `ReachRow`s (each tool once, at its minimum depth).
Reached = list[DirectNeighbour | ReachRow]


class WalkFilters(CamelModel):
    type: str | None
    depth: int | None
    skip_optional: bool
    # `affected --contract/--field`: only through the direct dependents that read it.
    contract: OmitNone[str] = None
    field: OmitNone[str] = None


class Dependencies(Envelope):
    """`pai-deps --json deps TOOL`."""

    tool: str
    transitive: bool
    dependencies: Reached
    count: int
    # The TypeScript tool said 1 when nothing was reached; `reachedDepth` says 0.
    max_depth: int
    reached_depth: int
    filters: WalkFilters


class Dependents(Envelope):
    """`pai-deps --json rdeps TOOL`."""

    tool: str
    transitive: bool
    dependents: Reached
    count: int
    max_depth: int
    reached_depth: int
    filters: WalkFilters


class AffectedTool(ReachRow):
    """A tool a change reaches, with the chain from the changed tool to it."""

    path: list[str]


class Affected(Envelope):
    """`pai-deps --json affected TOOL`."""

    tool: str
    direct: bool
    affected: list[AffectedTool]
    count: int
    max_depth: OmitNone[int] = None  # only when something was found through more than one hop
    filters: WalkFilters
