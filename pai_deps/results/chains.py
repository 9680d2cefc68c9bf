"""The document of `chain-reliability`."""

from __future__ import annotations

from pai_deps.results.base import CamelModel, Envelope, OmitNone


class WeakestPathPart(CamelModel):
    path: list[str]
    product: float
    weakest_tool: str
    exact: bool


class Chain(CamelModel):
    """One tool's chain: the compound of it and everything it reaches, and its weakest path."""

    id: str
    name: str
    reliability: float
    compound: float
    chain_length: int
    chain: OmitNone[list[str]] = None  # the tool and what it reaches (left out for --all)
    weakest_path: WeakestPathPart
    below: bool


class ChainReliability(Envelope):
    """`pai-deps --json chain-reliability [TOOL | --all]`; `success` is false below the
    threshold."""

    results: list[Chain]
    threshold: float
    below_threshold: OmitNone[list[Chain]] = None
