"""The document of `drift`: each contract's schema file against its baseline."""

from __future__ import annotations

from typing import Literal

from pai_deps.models import ContractType
from pai_deps.results.base import CamelModel, Envelope, OmitNone
from pai_deps.schemacompat import Direction, SchemaChange

DriftStatus = Literal["unchanged", "equivalent", "drift", "new", "missing", "error", "no-schema"]
DriftSeverity = Literal["breaking", "risky", "compatible", "cosmetic", "unknown"]


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
    changes: list[SchemaChange]
    error: OmitNone[str]


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
