"""Rows of the HTML explorer's extra queries: descriptions and contract states."""

from __future__ import annotations

from pai_deps.kinds import ContractStatus, ContractType
from pai_deps.models._row import Row


class ToolDescriptionRow(Row):
    id: str
    description: str


class ContractStateRow(Row):
    """A contract as the HTML explorer shows it: its status and when drift was last seen."""

    id: int
    tool_id: str
    contract_type: ContractType
    name: str
    status: ContractStatus
    last_verified: str | None
    status_reason: str | None
    last_drift: str | None
