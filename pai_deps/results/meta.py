"""The document of `ping`."""

from __future__ import annotations

from pai_deps.results.base import CamelModel, Envelope


class PongData(CamelModel):
    timestamp: str


class Pong(Envelope):
    """`pai-deps --json ping`: the CLI runs (the database is not touched)."""

    message: str
    data: PongData
