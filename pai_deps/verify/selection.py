"""Which tools and which contract a contract command works on, looked up one way for all.

`verify`, `drift`, `verify-output` and `verify-history` take the same tools and contract
names, so they share one set of rules and one set of error messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pai_deps.errors import NotFoundError, PaiDepsError, UsageError
from pai_deps.models import ContractRow, ToolRow
from pai_deps.registry import require_tool
from pai_deps.repo import contracts, tools

if TYPE_CHECKING:
    from pai_deps.db import Connection

CONTRACT_TYPES: tuple[str, ...] = (
    "cli_output",
    "mcp_tool",
    "mcp_output",
    "library_export",
    "db_schema",
)


def select_tools(conn: Connection, tool: str | None) -> list[ToolRow]:
    """The one tool asked for, or every registered (non-stub) tool when `tool` is None."""
    if tool is None:
        return [row for row in tools.list_tools(conn) if not row.stub]
    return [require_registered(conn, tool)]


def require_registered(conn: Connection, tool_id: str) -> ToolRow:
    """A registered tool; a stub has no directory and no contracts to work on."""
    row = require_tool(conn, tool_id)
    if row.stub:
        raise PaiDepsError(
            f"'{tool_id}' is a stub (a dependency nobody registered): it has no contracts",
            code="stub_tool",
            details={"tool": tool_id},
        )
    return row


def contract_label(contract: ContractRow) -> str:
    """`type:name`, the spelling that is never ambiguous."""
    return f"{contract.contract_type}:{contract.name}"


def find_contract(conn: Connection, tool: ToolRow, ref: str) -> ContractRow:
    """A contract of `tool` by name, or by `type:name` when one name has several types.

    An exact name wins over the `type:` reading, so a command that itself contains a colon
    still resolves. Ambiguity is a usage error (exit 2) listing the spellings that work.
    """
    found = contracts.find_contracts(conn, tool_id=tool.id, name=ref)
    if not found:
        kind, colon, name = ref.partition(":")
        if colon and kind in CONTRACT_TYPES:
            found = [
                row
                for row in contracts.find_contracts(conn, tool_id=tool.id, name=name)
                if row.contract_type == kind
            ]
    if len(found) == 1:
        return found[0]
    if found:
        labels = [contract_label(row) for row in found]
        raise UsageError(
            f"Contract name '{ref}' is ambiguous for tool '{tool.id}'; use one of: "
            + ", ".join(labels),
            code="ambiguous_contract",
            details={"tool": tool.id, "contract": ref, "candidates": labels},
        )
    available = [contract_label(row) for row in contracts.list_contracts_of(conn, tool_id=tool.id)]
    raise NotFoundError(
        f"Contract '{ref}' not found for tool '{tool.id}'",
        code="contract_not_found",
        details={"tool": tool.id, "contract": ref, "available": available},
        lines=[f"available: {label}" for label in available] or ["the tool has no contracts"],
    )


def schema_file(tool: ToolRow, schema_path: str) -> Path:
    """Where a contract's schema lives: relative paths are against the tool's directory."""
    from pai_deps.registry import resolve_schema_path

    return resolve_schema_path(Path(tool.path), schema_path)


class CliContractNeeded(UsageError):
    """A captured output is checked against one CLI contract, and none is singled out:
    `named` is a contract of another type, or the tool has `count` CLI contracts."""

    def __init__(self, tool: str, *, named: str | None = None, count: int = 0) -> None:
        from pai_deps.words import plural

        self.tool, self.named, self.count = tool, named, count
        what = (
            f"{named} is not a CLI contract"
            if named
            else f"'{tool}' has {plural(count, 'CLI contract')}"
        )
        super().__init__(what)


def only_cli_contract(conn: Connection, tool: ToolRow, contract: str | None) -> str:
    """The CLI contract a captured output is checked against: the one named, or the
    tool's only one (as `type:name`)."""
    if contract is not None:
        row = find_contract(conn, tool, contract)
        if row.contract_type != "cli_output":
            raise CliContractNeeded(tool.id, named=contract_label(row))
        return contract_label(row)
    cli = [c for c in contracts.list_contracts_of(conn, tool_id=tool.id)
           if c.contract_type == "cli_output"]  # fmt: skip
    if len(cli) != 1:
        raise CliContractNeeded(tool.id, count=len(cli))
    return contract_label(cli[0])
