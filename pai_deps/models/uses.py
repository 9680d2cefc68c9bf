"""Rows of what consumers read (`depends_on[].uses`) and of deprecated contracts."""

from __future__ import annotations

from pai_deps.kinds import ContractType
from pai_deps.models._row import Row


class UseRow(Row):
    """One field of a provider's contract that a consumer reads (`depends_on[].uses`)."""

    consumer_id: str
    provider_id: str
    contract: str
    pointer: str  # "" for the whole contract


class UseCopyRow(Row):
    """A whole `dependency_uses` row, as `db copy` moves it."""

    id: int
    dependency_id: int
    contract: str
    pointer: str


class DeprecationRow(Row):
    """A contract its provider's manifest deprecates."""

    tool_id: str
    contract_type: ContractType
    name: str
    until: str | None
    message: str | None


class DeprecationCopyRow(Row):
    """A whole `contract_deprecations` row, as `db copy` moves it."""

    contract_id: int
    until: str | None
    message: str | None
