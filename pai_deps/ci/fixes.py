"""`ci check --fix`: write back what the checks found acceptable, and nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pai_deps.ci.change import ChangeReader, ToolInChange
from pai_deps.errors import PaiDepsError
from pai_deps.repo import contracts as contract_queries

if TYPE_CHECKING:
    from pai_deps.db import Connection
    from pai_deps.results.ci import Check
    from pai_deps.verify.drift import ContractDrift


@dataclass
class Fixes:
    """What `--fix` wrote (`fixed`) and what it left alone, with why (`errors`)."""

    fixed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def apply_fixes(
    conn: Connection,
    loaded: list[ToolInChange],
    findings: list[ContractDrift],
    checks: list[Check],
    reader: ChangeReader,
) -> Fixes:
    """Re-register changed manifests, unregister deleted ones nobody depends on, and accept
    compatible drift as the new baseline.

    Only what was checked and passed is written: a tool with a failing check is left alone,
    and so is one whose manifest on disk differs from the version checked (the index).
    """
    failing = {issue.tool for check in checks for issue in check.issues if issue.level == "error"}
    fixes = Fixes()
    for tool in loaded:
        if tool.id in failing:
            fixes.errors.append(f"{tool.id}: not fixed, its checks failed")
        elif (
            not tool.deleted
            and tool.manifest_path.is_file()
            and reader.read(tool.manifest_path) != ChangeReader().read(tool.manifest_path)
        ):
            fixes.errors.append(
                f"{tool.id}: not re-registered, the manifest on disk differs from the "
                f"{reader.label} that was checked (stage it, or run without --staged)"
            )
        else:
            _register_again(conn, tool, fixes)
    accepted = [
        f
        for f in findings
        if f.acceptable
        and f.contract.tool_id not in failing
        and (f.status == "equivalent" or f.severity in ("compatible", "cosmetic"))
    ]
    _accept_baselines(conn, accepted, fixes)
    return fixes


def _register_again(conn: Connection, tool: ToolInChange, fixes: Fixes) -> None:
    """Register the manifest as checked (or unregister a deleted one nobody depends on)."""
    from pai_deps.registry import register_path, unregister

    try:
        if tool.deleted:
            if tool.registered is not None and not tool.manifest_path.exists():
                unregister(conn, tool.id, force=False)
                fixes.fixed.append(f"unregistered {tool.id}")
            return
        if tool.manifest_path.is_file():
            registered_at = tool.registered.manifest_path if tool.registered else None
            moved = registered_at is not None and not Path(registered_at).exists()
            result = register_path(conn, tool.manifest_path, force=moved)
            fixes.fixed.append(f"{result.action} {result.tool.id}")
    except PaiDepsError as exc:
        fixes.errors.append(f"{tool.id}: {exc.message}")


def _accept_baselines(conn: Connection, accepted: list[ContractDrift], fixes: Fixes) -> None:
    """Each accepted schema becomes its contract's baseline, in one transaction."""
    from pai_deps.db import transaction

    with transaction(conn):
        for finding in accepted:
            if finding.snapshot is None:
                continue
            for row in contract_queries.find_contracts(
                conn, tool_id=finding.contract.tool_id, name=finding.contract.name
            ):
                if row.contract_type == finding.contract.contract_type and (
                    row.schema_hash != finding.current_hash
                ):
                    contract_queries.set_contract_baseline(
                        conn,
                        id=row.id,
                        schema_hash=finding.current_hash,
                        schema_snapshot=finding.snapshot,
                    )
                    fixes.fixed.append(
                        f"accepted {finding.severity or finding.status} schema of "
                        f"{row.tool_id} '{row.name}'"
                    )
