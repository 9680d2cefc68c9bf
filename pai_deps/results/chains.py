"""The document of `chain-reliability`."""

from __future__ import annotations

from typing import Literal

from pai_deps.results.base import CamelModel, Envelope, OmitNone


class Spend(CamelModel):
    """One hop's share of its chain's failure probability."""

    id: str
    reliability: float  # the figure the product used (observed under --observed)
    spend: float


class Budget(CamelModel):
    """A chain against its tool's `slo`: budget 1 - slo, spent 1 - compound."""

    slo: float
    budget: float
    spent: float
    used: float  # spent / budget; over 1 is over budget
    over: bool
    biggest_spender: str | None
    hops: list[Spend]  # biggest spend first; hops that spend nothing are left out


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
    # Evidence beside the declared figure: the pass rate over the newest runs (None when
    # never verified) and how many runs it rests on.
    observed_reliability: float | None = None
    observed_runs: int = 0
    budget: OmitNone[Budget] = None  # only for a tool that declares slo


class ChainReliability(Envelope):
    """`pai-deps --json chain-reliability [TOOL | --all]`; `success` is false below the
    threshold."""

    results: list[Chain]
    threshold: float
    below_threshold: OmitNone[list[Chain]] = None
    # What the products multiply: declared reliabilities, or observed ones where a tool
    # has runs (--observed); `runs` is how many of the newest runs count as evidence.
    basis: Literal["declared", "observed"] = "declared"
    runs: int = 20
    over_budget: OmitNone[list[str]] = None  # tools whose chain spends more than 1 - slo
