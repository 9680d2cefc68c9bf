"""The document of `can-i-ship`: may the provider's current state ship to its consumers?"""

from __future__ import annotations

from pai_deps.models import ContractType
from pai_deps.results.base import CamelModel, Envelope, OmitNone
from pai_deps.results.drift import DriftSeverity


class Blocker(CamelModel):
    """One consumer the provider's state would break, and why."""

    consumer: str
    contract: str
    reason: str
    pointer: OmitNone[str] = None  # the schema location of the change
    severity: OmitNone[DriftSeverity] = None


class ShippedContract(CamelModel):
    """One contract's verdict: how its schema stands against the baseline."""

    contract: str
    contract_type: ContractType
    # the drift status (unchanged, equivalent, drift, missing, error, no-schema), or
    # `seeded` when it had no baseline and this run took one
    status: str
    severity: OmitNone[DriftSeverity] = None
    changes: int
    readers: list[str]  # the direct consumers of this contract (no `uses`: all of them)


class ShipDecision(Envelope):
    """`pai-deps --json can-i-ship TOOL [--ref REF]`; `success` is the answer."""

    tool: str
    ref: OmitNone[str] = None
    commit: OmitNone[str] = None
    ship: bool
    blocking: list[Blocker]
    warnings: list[str]
    seeded: list[str]
    contracts: list[ShippedContract]
    consumers: int  # direct consumers registered
