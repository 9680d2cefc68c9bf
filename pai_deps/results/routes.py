"""Documents of `path` and `allpaths`."""

from __future__ import annotations

from pydantic import Field

from pai_deps.results.base import CamelModel, Envelope, OmitNone


class Route(Envelope):
    """`pai-deps --json path FROM TO`: the path, or (`success: false`) why there is none."""

    from_: str = Field(serialization_alias="from")
    to: str
    path: OmitNone[list[str]] = None
    length: OmitNone[int] = None
    error: OmitNone[str] = None
    code: OmitNone[str] = None


class RouteBounds(CamelModel):
    limit: int
    max_length: int | None


class Routes(Envelope):
    """`pai-deps --json allpaths FROM TO`: the shortest simple paths, or why there are none."""

    from_: str = Field(serialization_alias="from")
    to: str
    paths: OmitNone[list[list[str]]] = None
    count: OmitNone[int] = None
    min_length: OmitNone[int] = None
    max_length: OmitNone[int] = None
    truncated: OmitNone[bool] = None
    error: OmitNone[str] = None
    code: OmitNone[str] = None
    stopped_early: bool
    reason: str | None
    bounds: OmitNone[RouteBounds] = None
