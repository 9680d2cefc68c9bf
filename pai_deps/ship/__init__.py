"""`pai-deps can-i-ship TOOL [--ref REF]`: is the provider's state safe for every
registered consumer?

The provider's schema files — on disk, or as they are at a git commit — are classified
against each contract's baseline (as `drift` does); each breaking change (risky too,
unless allowed) blocks the consumers whose `uses` it touches (a consumer without `uses`
reads everything); a missing or unreadable schema file blocks every consumer of its
contract, and so does a contract whose last verification failed. Consumers still
reading deprecated fields or contracts are warned, not blocked. A contract without a
baseline takes the current schema as its baseline, and the answer says so.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pai_deps.errors import PaiDepsError
from pai_deps.results.ship import Blocker, ShipDecision, ShippedContract

if TYPE_CHECKING:
    from pai_deps.db import Connection
    from pai_deps.models import ContractRow, ToolRow
    from pai_deps.verify.drift import ContractDrift
    from pai_deps.verify.readers import Readers

ReadJson = Callable[[Path], Any]


def _reader_at(tool: ToolRow, ref: str) -> tuple[ReadJson, str]:
    """A JSON reader for files as they are at `ref` in the tool's repository."""
    from pai_deps import gitutil
    from pai_deps.schemas import MAX_SCHEMA_BYTES, parse_json_text

    commit = gitutil.resolve_commit(tool.path, ref)

    def read(path: Path) -> Any:
        data = gitutil.blob_at(tool.path, commit, path, limit=MAX_SCHEMA_BYTES)
        shown = f"{path} at {ref}"
        if data is None:
            raise PaiDepsError(f"{shown}: not in that commit", code="file_not_found")
        try:
            return parse_json_text(data.decode("utf-8-sig"), shown)
        except UnicodeDecodeError:
            raise PaiDepsError(f"{shown}: not UTF-8", code="invalid_json") from None

    return read, commit


def _judge(tool: ToolRow, contract: ContractRow, read: ReadJson | None) -> ContractDrift:
    """The contract's schema (on disk, or through `read`) against its baseline."""
    from pai_deps.schemacompat import DEFAULT_DRAFT, load_schema
    from pai_deps.verify.drift import ContractDrift, compare_document
    from pai_deps.verify.selection import schema_file

    if not contract.schema_path:
        return ContractDrift(contract, "no-schema", "no schema file declared")
    path = schema_file(tool, contract.schema_path)
    try:
        document = load_schema(path, read_json=read, default=DEFAULT_DRAFT[contract.contract_type])
    except PaiDepsError as exc:
        missing = exc.code == "file_not_found"
        message = f"schema file not found: {path}" if missing else exc.message
        return ContractDrift(contract, "missing" if missing else "error", message, str(path))
    return compare_document(contract, document, str(path))


def _blockers(item: ContractDrift, readers: list[str], allow_risky: bool) -> list[Blocker]:
    from pai_deps.schemacompat import fails

    name = item.contract.name
    if item.status in ("missing", "error"):
        return [Blocker(consumer=c, contract=name, reason=item.message) for c in readers]
    found: list[Blocker] = []
    if item.status == "drift" and not item.changes:  # unknown: nothing says how
        found = [Blocker(consumer=c, contract=name, reason=item.message, severity=item.severity)
                 for c in readers]  # fmt: skip
    for index, change in enumerate(item.changes):
        if not fails(change.severity, allow_risky=allow_risky):
            continue
        reached = item.affected[index] if item.affected is not None else []
        found.extend(
            Blocker(
                consumer=consumer,
                contract=name,
                reason=change.message,
                pointer=change.pointer,
                severity=change.severity,
            )
            for consumer in reached
        )
    if item.contract.status == "broken":
        found.extend(
            Blocker(consumer=c, contract=name, reason="its last verification failed")
            for c in readers
        )
    return found


def _deprecations(
    conn: Connection, tool: ToolRow, readers: Readers, snapshots: dict[str, list[str]]
) -> list[str]:
    """One warning per consumer still using a deprecated contract or field."""
    from pai_deps.check.findings import deprecated_use
    from pai_deps.check.picture import ToolView
    from pai_deps.pointers import format_pointer
    from pai_deps.repo import uses

    view = ToolView(tool.id, tool.version, False, schemas=snapshots)
    for row in uses.list_deprecations_of(conn, tool_id=tool.id):
        view.deprecated[row.name] = (row.until, row.message)
    warnings: list[str] = []
    for consumer, declared in readers.consumers:
        contracts = (
            {c: [""] for c in snapshots}
            if declared is None
            else {c: [format_pointer(p) for p in ps] for c, ps in declared.items()}
        )
        for contract, pointers in contracts.items():
            for _, fields in deprecated_use(consumer, view, contract, pointers, declared is None):
                warnings.append(fields["message"])
    return warnings


def deprecation_warnings(conn: Connection, tool: ToolRow) -> list[str]:
    """`verify`'s warnings: consumers still using a deprecated contract or field of `tool`,
    judged against the registered schemas."""
    from pai_deps.repo import contracts
    from pai_deps.verify.readers import readers_of

    readers = readers_of(conn, tool.id)
    if not readers.consumers:
        return []
    snapshots: dict[str, list[str]] = {}
    for contract in contracts.list_contracts_of(conn, tool_id=tool.id):
        snapshots.setdefault(contract.name, [])
        if contract.schema_snapshot is not None:
            snapshots[contract.name].append(contract.schema_snapshot)
    return _deprecations(conn, tool, readers, snapshots)


def can_i_ship(
    conn: Connection,
    tool_id: str,
    *,
    ref: str | None = None,
    allow_risky: bool = False,
    seed: bool = True,
) -> ShipDecision:
    """The answer for `tool_id` (see the module docstring); seeds missing baselines unless
    `seed` is off (the read-only MCP server)."""
    from pai_deps.registry.read import require_tool
    from pai_deps.repo import contracts

    tool = require_tool(conn, tool_id)
    if tool.stub:
        raise PaiDepsError(f"'{tool_id}' is a stub: it has no manifest to ship", code="stub")
    read, commit = _reader_at(tool, ref) if ref is not None else (None, None)
    judged = [_judge(tool, c, read) for c in contracts.list_contracts_of(conn, tool_id=tool_id)]
    return decide(conn, tool, judged, allow_risky=allow_risky, seed=seed, ref=ref, commit=commit)


def _seed(conn: Connection, item: ContractDrift) -> None:
    from pai_deps.db import transaction
    from pai_deps.repo import contracts

    with transaction(conn):
        contracts.set_contract_baseline(
            conn,
            id=item.contract.id,
            schema_hash=item.current_hash,
            schema_snapshot=item.snapshot,
        )


def decide(
    conn: Connection,
    tool: ToolRow,
    judged: list[ContractDrift],
    *,
    allow_risky: bool,
    seed: bool,
    ref: str | None = None,
    commit: str | None = None,
) -> ShipDecision:
    """The answer from each contract's drift (`judged`), its readers and deprecations.

    `ci check` passes the contracts as the change holds them and `seed=False` (it writes
    nothing); `can-i-ship` seeds the baselines that are missing.
    """
    from pai_deps.verify.readers import readers_of

    readers = readers_of(conn, tool.id)
    blocking: list[Blocker] = []
    warnings: list[str] = []
    seeded: list[str] = []
    verdicts: list[ShippedContract] = []
    snapshots: dict[str, list[str]] = {}
    for item in judged:
        contract = item.contract
        of_contract = readers.of(contract.name, None)
        status: str = item.status
        if item.status == "new" and item.snapshot is not None and seed:
            _seed(conn, item)
            seeded.append(contract.name)
            status = "seeded"
        snapshots.setdefault(contract.name, [])
        if item.snapshot is not None:
            snapshots[contract.name].append(item.snapshot)
        if item.status == "drift" and readers.consumers:
            item.affected = [readers.of(contract.name, c.pointer) for c in item.changes]
        blocking.extend(_blockers(item, of_contract, allow_risky))
        if item.status == "drift" and not readers.consumers:
            warnings.append(
                f"'{contract.name}': {item.message}, but no consumer is registered to be broken"
            )
        verdicts.append(
            ShippedContract(
                contract=contract.name,
                contract_type=contract.contract_type,
                status=status,
                severity=item.severity,
                changes=len(item.changes),
                readers=of_contract,
            )
        )
    warnings.extend(_deprecations(conn, tool, readers, snapshots))
    return ShipDecision(
        success=not blocking,
        tool=tool.id,
        ref=ref,
        commit=commit,
        ship=not blocking,
        blocking=blocking,
        warnings=warnings,
        seeded=seeded,
        contracts=verdicts,
        consumers=len(readers.consumers),
    )
