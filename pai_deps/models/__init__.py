"""Typed rows: one pydantic model per shape a named query returns.

Callers never see raw tuples or dicts. Field names are the SQL column names; JSON output
uses camelCase aliases (`debtScore`, `manifestPath`, ...) so scripts written for the
TypeScript pai-deps keep working.

Each group of rows is its own module (`models.tools`, `models.graph`, ...), imported
the first time one of its names is used: a command builds only the pydantic classes
of the rows it reads (building all 25 cost ~13 ms of every command's start-up).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The vocabularies live apart from pydantic (`pai_deps.kinds`); re-exported (`X as X`) here.
from pai_deps.kinds import DEPENDENCY_TYPES as DEPENDENCY_TYPES
from pai_deps.kinds import TOOL_TYPES as TOOL_TYPES
from pai_deps.kinds import ContractStatus as ContractStatus
from pai_deps.kinds import ContractType as ContractType
from pai_deps.kinds import DependencyType as DependencyType
from pai_deps.kinds import ToolType as ToolType
from pai_deps.kinds import VerificationStatus as VerificationStatus

if TYPE_CHECKING:
    from pai_deps.models._row import Row as Row
    from pai_deps.models.contracts import ContractRow as ContractRow
    from pai_deps.models.contracts import SchemaLocationRow as SchemaLocationRow
    from pai_deps.models.contracts import SnapshotRow as SnapshotRow
    from pai_deps.models.cycles import CycleRow as CycleRow
    from pai_deps.models.explorer import ContractStateRow as ContractStateRow
    from pai_deps.models.explorer import ToolDescriptionRow as ToolDescriptionRow
    from pai_deps.models.graph import DependencyRow as DependencyRow
    from pai_deps.models.graph import EdgeListRow as EdgeListRow
    from pai_deps.models.graph import EdgeRow as EdgeRow
    from pai_deps.models.graph import GraphNodeRow as GraphNodeRow
    from pai_deps.models.graph import NeighbourRow as NeighbourRow
    from pai_deps.models.graph import ReachRow as ReachRow
    from pai_deps.models.meta import ColumnRow as ColumnRow
    from pai_deps.models.meta import MigrationLockRow as MigrationLockRow
    from pai_deps.models.meta import MigrationRow as MigrationRow
    from pai_deps.models.meta import TableCountsRow as TableCountsRow
    from pai_deps.models.reports import HealthCountsRow as HealthCountsRow
    from pai_deps.models.reports import TypeSummaryRow as TypeSummaryRow
    from pai_deps.models.resources import ResourceRow as ResourceRow
    from pai_deps.models.tools import ManifestHashRow as ManifestHashRow
    from pai_deps.models.tools import ToolIdRow as ToolIdRow
    from pai_deps.models.tools import ToolLocationRow as ToolLocationRow
    from pai_deps.models.tools import ToolRow as ToolRow
    from pai_deps.models.tools import ToolSummaryRow as ToolSummaryRow
    from pai_deps.models.uses import DeprecationCopyRow as DeprecationCopyRow
    from pai_deps.models.uses import DeprecationRow as DeprecationRow
    from pai_deps.models.uses import UseCopyRow as UseCopyRow
    from pai_deps.models.uses import UseRow as UseRow
    from pai_deps.models.verifications import ObservedRow as ObservedRow
    from pai_deps.models.verifications import RecentVerificationRow as RecentVerificationRow
    from pai_deps.models.verifications import RunLevel as RunLevel
    from pai_deps.models.verifications import RunStatus as RunStatus
    from pai_deps.models.verifications import VerificationRow as VerificationRow
    from pai_deps.models.verifications import VerificationRunRow as VerificationRunRow

# Where each lazily loaded name lives.
_MODULES: dict[str, str] = {
    "Row": "_row",
    "ContractRow": "contracts",
    "SchemaLocationRow": "contracts",
    "SnapshotRow": "contracts",
    "CycleRow": "cycles",
    "ContractStateRow": "explorer",
    "ToolDescriptionRow": "explorer",
    "DependencyRow": "graph",
    "EdgeListRow": "graph",
    "EdgeRow": "graph",
    "GraphNodeRow": "graph",
    "NeighbourRow": "graph",
    "ReachRow": "graph",
    "ColumnRow": "meta",
    "MigrationLockRow": "meta",
    "MigrationRow": "meta",
    "TableCountsRow": "meta",
    "HealthCountsRow": "reports",
    "TypeSummaryRow": "reports",
    "ResourceRow": "resources",
    "ToolIdRow": "tools",
    "ManifestHashRow": "tools",
    "ToolLocationRow": "tools",
    "ToolRow": "tools",
    "ToolSummaryRow": "tools",
    "DeprecationCopyRow": "uses",
    "DeprecationRow": "uses",
    "UseCopyRow": "uses",
    "UseRow": "uses",
    "ObservedRow": "verifications",
    "RecentVerificationRow": "verifications",
    "RunLevel": "verifications",
    "RunStatus": "verifications",
    "VerificationRow": "verifications",
    "VerificationRunRow": "verifications",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # the next lookup is a plain module attribute
    return value


def row_models() -> dict[str, type[Row]]:
    """Every row model by name (imports every group: for the code generator and tests)."""
    from pai_deps.models._row import Row

    found = {name: __getattr__(name) for name in _MODULES if name != "Row"}
    return {n: v for n, v in found.items() if isinstance(v, type) and issubclass(v, Row)}
