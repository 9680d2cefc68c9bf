"""Rows of verification results and runs."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import field_validator

from pai_deps.kinds import (
    ToolType,
    VerificationStatus,
)
from pai_deps.models._row import Row

RunLevel = Literal["quick", "default", "strict"]
RunStatus = Literal["pass", "fail", "skip"]


class VerificationRow(Row):
    """One check of one contract; `duration_ms` is NULL for rows written before 0003."""

    id: int
    contract_id: int
    verified_at: str
    status: VerificationStatus
    details: Any
    git_commit: str | None
    duration_ms: int | None

    @field_validator("details", mode="before")
    @classmethod
    def _parse_details(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value


class VerificationRunRow(Row):
    """One tool's summary of one `verify` run."""

    id: int
    tool_id: str
    verified_at: str
    level: RunLevel
    status: RunStatus
    cli_passed: int
    cli_failed: int
    cli_skipped: int
    mcp_found: int
    mcp_missing: int
    mcp_extra: int
    mcp_failed: int
    mcp_skipped: int
    git_commit: str | None
    duration_ms: int


class RecentVerificationRow(Row):
    """A tool's latest verification: when, and the outcome of its latest recorded run."""

    id: str
    type: ToolType
    last_verified: str
    status: str | None
    level: str | None


class ObservedRow(Row):
    """A tool's recent verification evidence: runs that checked something, and passes."""

    tool_id: str
    runs: int
    passed: int
