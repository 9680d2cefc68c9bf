"""`drift`: has a contract's schema file changed since its baseline, and does it matter?

The baseline is the contract's stored hash plus its normalised schema (`schema_snapshot`,
set at registration and moved only by `drift --update`). A changed hash alone says
nothing about impact, so the stored snapshot is diffed against the file with the
direction-aware classifier: `cli_output` and `db_schema` describe data other tools READ
(responses), an `mcp_tool` schema describes the input callers SEND (requests).

Statuses, and whether they fail the command (exit 1):

    unchanged   same hash                                                  no
    equivalent  file changed, meaning did not (e.g. a $ref refactor)      no
    drift       changed; severity breaking | risky | compatible | cosmetic,
                or unknown when no snapshot is stored to explain it        breaking, unknown;
                                                                           risky unless allowed
    new         no baseline yet                                            no
    missing     the schema file is gone                                    yes
    error       the file is not readable JSON, or a $ref cannot resolve   yes
    no-schema   the contract names no schema file                          no

`--update` accepts every readable schema as the new baseline, so drift and new stop
failing; `missing` and `error` still fail because there is nothing to accept. The
classes and the exit rule are `pai_deps.schemacompat.policy`'s, shared with `verify`
and `ci check`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pai_deps.db import Connection, transaction
from pai_deps.errors import PaiDepsError
from pai_deps.models import ContractRow, ToolRow
from pai_deps.repo import contracts
from pai_deps.results.drift import DriftSeverity, DriftStatus
from pai_deps.schemacompat import (
    DEFAULT_DRAFT,
    Direction,
    SchemaChange,
    diff_schemas,
    fails,
    load_schema,
    worst_severity,
)
from pai_deps.schemas import normalise, parse_json_text, schema_hash
from pai_deps.verify.selection import schema_file, select_tools

if TYPE_CHECKING:
    from pai_deps.results.drift import DriftDocument, DriftSummary


# Which way data flows through each kind of contract (see the module docstring).
DIRECTION: dict[str, Direction] = {
    "cli_output": "response",
    "db_schema": "response",
    "mcp_tool": "request",
    "mcp_output": "response",
    "library_export": "response",
}


@dataclass
class ContractDrift:
    contract: ContractRow
    status: DriftStatus
    message: str
    schema_file: str | None = None
    current_hash: str | None = None
    severity: DriftSeverity | None = None
    changes: list[SchemaChange] = field(default_factory=list)
    updated: bool = False
    # The normalised current schema, for `--update`.
    snapshot: str | None = field(default=None, repr=False)
    # Per change, the consumers it reaches (`verify.readers`); None when the tool has no
    # registered consumers, so nobody has said what they read.
    affected: list[list[str]] | None = None
    contract_readers: list[str] | None = None  # the consumers of this contract at all

    @property
    def direction(self) -> Direction:
        return DIRECTION[self.contract.contract_type]

    @property
    def acceptable(self) -> bool:
        """Whether `--update` can take the current file as the baseline."""
        if self.snapshot is None:
            return False
        return self.status in ("new", "drift", "equivalent") or (
            self.status == "unchanged" and self.contract.schema_snapshot is None
        )

    def unused(self, index: int) -> bool:
        """Whether change `index` is breaking or risky and reaches no consumer."""
        return (
            self.affected is not None
            and self.changes[index].severity in ("breaking", "risky")
            and not self.affected[index]
        )

    def fails(self, *, allow_risky: bool, strict_unused: bool = False) -> bool:
        """Missing and unreadable files fail; drift by its worst change that a consumer
        reads (every change with `strict_unused`, or when no consumer is registered)."""
        if self.status in ("missing", "error"):
            return True
        if self.status != "drift" or self.updated:
            return False
        if strict_unused or self.affected is None or not self.changes:
            if self.severity == "unknown" and self.contract_readers == []:
                return strict_unused  # nobody reads the contract at all
            return fails(self.severity, allow_risky=allow_risky)
        read = [c for i, c in enumerate(self.changes) if self.affected[i]]
        return fails(worst_severity(read), allow_risky=allow_risky)


@dataclass
class ToolDrift:
    tool: ToolRow
    contracts: list[ContractDrift]


@dataclass
class DriftReport:
    tools: list[ToolDrift]
    allow_risky: bool
    updated: int = 0
    strict_unused: bool = False

    def all(self) -> list[ContractDrift]:
        return [item for tool in self.tools for item in tool.contracts]

    def count(self, status: str) -> int:
        return sum(1 for item in self.all() if item.status == status)

    @property
    def failing(self) -> list[ContractDrift]:
        return [
            item
            for item in self.all()
            if item.fails(allow_risky=self.allow_risky, strict_unused=self.strict_unused)
        ]

    @property
    def exit_code(self) -> int:
        return 1 if self.failing else 0

    def summary(self) -> DriftSummary:
        from pai_deps.results.drift import DriftSummary

        drifted = [item for item in self.all() if item.status == "drift"]
        return DriftSummary(
            unchanged=self.count("unchanged"),
            equivalent=self.count("equivalent"),
            drifted=len(drifted),
            **{
                severity: sum(1 for item in drifted if item.severity == severity)
                for severity in ("breaking", "risky", "compatible", "cosmetic", "unknown")
            },
            new=self.count("new"),
            missing=self.count("missing"),
            errors=self.count("error"),
            no_schema=self.count("no-schema"),
            failing=len(self.failing),
            updated=self.updated,
            total=len(self.all()),
        )

    def document(self) -> DriftDocument:
        """What `drift --json` prints."""
        from pai_deps.results.drift import (
            ChangeEntry,
            ContractDriftEntry,
            DriftDocument,
            ToolDriftEntry,
        )

        def change(item: ContractDrift, index: int) -> ChangeEntry:
            found = item.changes[index]
            return ChangeEntry(
                **found.as_dict(),
                affected_consumers=None if item.affected is None else item.affected[index],
                unused=True if item.unused(index) else None,
            )

        def entry(item: ContractDrift) -> ContractDriftEntry:
            failed = item.status in ("missing", "error")
            return ContractDriftEntry(
                contract=item.contract.name,
                contract_type=item.contract.contract_type,
                status=item.status,
                direction=item.direction,
                schema_path=item.contract.schema_path,
                schema_file=item.schema_file,
                stored_hash=item.contract.schema_hash,
                current_hash=item.current_hash,
                severity=item.severity,
                failing=item.fails(allow_risky=self.allow_risky, strict_unused=self.strict_unused),
                updated=item.updated,
                message=item.message,
                changes=[change(item, i) for i in range(len(item.changes))],
                affected_consumers=item.contract_readers,
                error=item.message if failed else None,
            )

        return DriftDocument(
            success=self.exit_code == 0,
            tools=[
                ToolDriftEntry(tool=tool.tool.id, contracts=[entry(c) for c in tool.contracts])
                for tool in self.tools
            ],
            summary=self.summary(),
            allow_risky=self.allow_risky,
        )


def check_contract(tool: ToolRow, contract: ContractRow) -> ContractDrift:
    """Compare one contract's schema file with its baseline."""
    if not contract.schema_path:
        return ContractDrift(contract, "no-schema", "no schema file declared")
    path = schema_file(tool, contract.schema_path)
    try:
        document = load_schema(path, default=DEFAULT_DRAFT[contract.contract_type])
    except PaiDepsError as exc:
        status: DriftStatus = "missing" if exc.code == "file_not_found" else "error"
        message = f"schema file not found: {path}" if status == "missing" else exc.message
        return ContractDrift(contract, status, message, schema_file=str(path))
    return compare_document(contract, document, str(path))


def compare_document(contract: ContractRow, document: Any, shown: str) -> ContractDrift:
    """Classify a contract's current schema document against its stored baseline.

    Shared by `drift` (documents read from disk) and `ci check` (read from git's index);
    `document` is the bundled schema (`schemacompat.load_schema`).
    """
    current_hash = schema_hash(document)
    result = ContractDrift(
        contract, "unchanged", "", shown, current_hash=current_hash, snapshot=normalise(document)
    )
    if contract.schema_hash is None:
        result.status, result.message = "new", "no baseline yet (accept it with --update)"
    elif contract.schema_hash == current_hash:
        result.message = "unchanged"
    elif contract.schema_snapshot is None:
        result.status, result.severity = "drift", "unknown"
        result.message = (
            "hash changed, and no stored snapshot can explain how "
            "(review the file, then accept it with --update)"
        )
    else:
        try:
            baseline = parse_json_text(contract.schema_snapshot, "the stored baseline")
            result.changes = diff_schemas(
                baseline,
                document,
                direction=result.direction,
                default_draft=DEFAULT_DRAFT[contract.contract_type],
            )
        except PaiDepsError as exc:
            if exc.details.get("side") == "old":  # the baseline itself cannot be read
                result.status, result.severity = "drift", "unknown"
                result.message = (
                    f"the stored baseline cannot be compared ({exc.message}); review the "
                    "file, then accept it with --update"
                )
            else:  # an unresolvable $ref, or too complex to compare
                result.status, result.message = "error", exc.message
            return result
        worst = worst_severity(result.changes)
        if worst is None:
            result.status = "equivalent"
            result.message = "file changed, meaning did not (e.g. a $ref refactor)"
        else:
            result.status, result.severity = "drift", worst
            count = len(result.changes)
            result.message = f"{worst}: {count} change{'s' if count != 1 else ''}"
    return result


def check_drift(
    conn: Connection,
    selected: Iterable[ToolRow],
    *,
    update: bool = False,
    allow_risky: bool = False,
    strict_unused: bool = False,
) -> DriftReport:
    """Check every contract of the selected tools; with `update`, move the baselines.

    Each change names the consumers it reaches (`verify.readers`); a breaking or risky
    change none reads does not fail unless `strict_unused`.
    """
    from pai_deps.verify.readers import attach_readers

    report = DriftReport(
        tools=[
            ToolDrift(
                tool,
                [
                    check_contract(tool, contract)
                    for contract in contracts.list_contracts_of(conn, tool_id=tool.id)
                ],
            )
            for tool in selected
        ],
        allow_risky=allow_risky,
        strict_unused=strict_unused,
    )
    for tool in report.tools:
        attach_readers(conn, tool.tool.id, tool.contracts)
    if update:
        accepted = [item for item in report.all() if item.acceptable]
        with transaction(conn):
            for item in accepted:
                contracts.set_contract_baseline(
                    conn,
                    id=item.contract.id,
                    schema_hash=item.current_hash,
                    schema_snapshot=item.snapshot,
                )
                item.updated = True
        report.updated = len(accepted)
    return report


def drift(
    conn: Connection,
    tool_id: str | None,
    *,
    update: bool = False,
    allow_risky: bool = False,
    strict_unused: bool = False,
) -> DriftDocument:
    """`drift`: one registered tool's contracts (every tool's when `tool_id` is None)."""
    selected = select_tools(conn, tool_id)
    report = check_drift(
        conn, selected, update=update, allow_risky=allow_risky, strict_unused=strict_unused
    )
    return report.document()
