"""The document of `drift`: each contract's schema file against its baseline."""

from __future__ import annotations

from typing import Any, Literal

from pai_deps.models import ContractType
from pai_deps.results.base import CamelModel, Envelope, OmitNone
from pai_deps.schemacompat import Direction

DriftStatus = Literal["unchanged", "equivalent", "drift", "new", "missing", "error", "no-schema"]
DriftSeverity = Literal["breaking", "risky", "compatible", "cosmetic", "unknown"]


class ChangeEntry(CamelModel):
    """One classified change, and which consumers read what it changes."""

    pointer: str
    kind: str
    severity: DriftSeverity
    message: str
    old: Any = None
    new: Any = None
    # The direct consumers whose `uses` meet the change (those without `uses` read
    # everything); left out when the tool has no registered consumers.
    affected_consumers: OmitNone[list[str]] = None
    # true: breaking or risky, yet no consumer reads it (it does not fail the command
    # unless --strict-unused).
    unused: OmitNone[bool] = None


class ContractDriftEntry(CamelModel):
    """One contract; `severity` is set for `drift`, `error` repeats a failure's message."""

    contract: str
    contract_type: ContractType
    status: DriftStatus
    direction: Direction
    schema_path: str | None
    schema_file: str | None
    stored_hash: str | None
    current_hash: str | None
    severity: DriftSeverity | None
    failing: bool
    updated: bool
    message: str
    changes: list[ChangeEntry]
    error: OmitNone[str]
    # The direct consumers of this contract at all (left out without registered consumers).
    affected_consumers: OmitNone[list[str]] = None


class ToolDriftEntry(CamelModel):
    tool: str
    contracts: list[ContractDriftEntry]


class DriftSummary(CamelModel):
    """How many contracts are in each status; `drifted` split by severity beside it."""

    unchanged: int
    equivalent: int
    drifted: int
    breaking: int
    risky: int
    compatible: int
    cosmetic: int
    unknown: int
    new: int
    missing: int
    errors: int
    no_schema: int
    failing: int
    updated: int
    total: int


class DriftDocument(Envelope):
    """`pai-deps --json drift`: fails (`success` false) on breaking or unexplained drift,
    risky drift unless allowed, and missing or unreadable schema files."""

    tools: list[ToolDriftEntry]
    summary: DriftSummary
    allow_risky: bool
