"""The contract checks of `ci check`: manifests, schema drift, CLI commands, MCP servers.

Each judges the changed tools as the change has them (`ToolInChange`) and their
dependents as registered, with the same verifiers `verify` and `drift` use; only what the
change introduces is an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pai_deps.ci.change import ToolInChange
from pai_deps.ci.locator import display_path, real
from pai_deps.models import ContractRow, ToolRow
from pai_deps.registry import declared_contracts
from pai_deps.repo import contracts as contract_queries
from pai_deps.repo import dependencies, tools
from pai_deps.results.ci import Check, IssueLevel, Problem

if TYPE_CHECKING:
    from pai_deps.ci.affected import AffectedTool
    from pai_deps.db import Connection
    from pai_deps.verify.checks import ContractCheck, Level
    from pai_deps.verify.drift import ContractDrift


@dataclass
class _Subject:
    """A tool and its contracts as the verifiers see them: from the change for a changed
    tool (its directory and `mcp_start` as the manifest now says), else from the registry."""

    tool: ToolRow
    contracts: list[ContractRow]

    def of_type(self, contract_type: str) -> list[ContractRow]:
        return [c for c in self.contracts if c.contract_type == contract_type]


def _row_in_change(tool: ToolInChange) -> ToolRow:
    """The registry row the change would produce (the verifiers take registry rows)."""
    manifest = tool.manifest
    assert manifest is not None
    fields: dict[str, Any] = {
        "id": tool.id,
        "name": tool.id,
        "path": str(tool.tool_dir),
        "type": manifest.type,
        "version": manifest.version,
        "reliability": manifest.reliability,
        "debt_score": manifest.debt_score,
        "manifest_path": str(tool.manifest_path),
        "stub": False,
        "description": manifest.description,
        "mcp_start": manifest.mcp_start,
    }
    if tool.registered is not None:
        return tool.registered.model_copy(update=fields)
    return ToolRow(**fields, last_verified=None, created_at="", updated_at="", manifest_hash=None)


def contracts_in_change(
    conn: Connection, tool: ToolInChange
) -> tuple[list[ContractRow], list[ContractRow]]:
    """(declared contracts, registered contracts the change no longer declares).

    A declared contract keeps its registry row (id, baseline hash and snapshot) with the
    schema path the change gives it; a new one gets an unsaved row without a baseline.
    """
    assert tool.manifest is not None
    baselines: dict[tuple[str, str], ContractRow] = {
        (c.contract_type, c.name): c
        for c in (
            contract_queries.list_contracts_of(conn, tool_id=tool.id) if tool.registered else []
        )
    }
    declared: list[ContractRow] = []
    for item in declared_contracts(tool.manifest):
        base = baselines.pop((item.contract_type, item.name), None)
        if base is not None:
            declared.append(
                base.model_copy(
                    update={"schema_path": item.schema_ref, "probe": item.probe, "help": item.help}
                )
            )
            continue
        declared.append(
            ContractRow(
                id=0,
                tool_id=tool.id,
                contract_type=item.contract_type,
                name=item.name,
                schema_path=item.schema_ref,
                schema_hash=None,
                last_verified=None,
                status="unknown",
                schema_snapshot=None,
                probe=item.probe,
                help=item.help,
            )
        )
    return declared, list(baselines.values())


def subjects(
    conn: Connection, loaded: list[ToolInChange], dependents: list[AffectedTool]
) -> list[_Subject]:
    subjects = [_Subject(_row_in_change(t), t.contracts) for t in loaded if t.manifest]
    for dependent in dependents:
        row = tools.get_tool(conn, id=dependent.id)
        if row is not None and not row.stub:
            subjects.append(_Subject(row, contract_queries.list_contracts_of(conn, tool_id=row.id)))
    return subjects


def manifests_check(
    conn: Connection, loaded: list[ToolInChange], root: Path, problems: list[Problem]
) -> Check:
    check = Check(name="manifest")
    for problem in problems:
        if problem.kind == "invalid_manifest":  # a new manifest whose tool we cannot name
            check.add(None, "error", problem.message, file=problem.file)
    for tool in loaded:
        check.tools.append(tool.id)
        shown = display_path(tool.manifest_path, root)
        if tool.deleted:
            dependents = [r.id for r in dependencies.list_dependents_of(conn, tool_id=tool.id)]
            if dependents:
                check.add(
                    tool.id,
                    "error",
                    f"{shown} is deleted, but {', '.join(dependents)} depend on {tool.id}",
                    dependents=dependents,
                )
            else:
                check.add(
                    tool.id,
                    "info",
                    f"{shown} is deleted; `pai-deps unregister {tool.id}` (or --fix) "
                    "removes it from the registry",
                )
            continue
        if tool.error is not None:
            check.add(tool.id, "error", tool.error.message, lines=tool.error.lines, file=shown)
            continue
        for message in tool.schema_errors:
            check.add(tool.id, "error", f"{shown}: {message}", file=shown)
        assert tool.manifest is not None
        name = tool.manifest.name
        if tool.registered is not None and name != tool.id:
            dependents = [r.id for r in dependencies.list_dependents_of(conn, tool_id=tool.id)]
            level: IssueLevel = "error" if dependents else "warning"
            check.add(
                tool.id,
                level,
                f"{shown} renames {tool.id} to {name}"
                + (f", but {', '.join(dependents)} depend on {tool.id}" if dependents else ""),
            )
        existing = tools.get_tool(conn, id=name)
        if (
            existing is not None
            and not existing.stub
            and real(existing.path) != real(tool.tool_dir)
            and tool.registered is None
        ):
            check.add(
                name,
                "error",
                f"{shown} declares '{name}', already registered from {existing.path}",
            )
        if tool.from_disk:
            check.add(
                tool.id, "info", f"{shown} is not tracked by git; checked as on disk", file=shown
            )
    total = len(loaded) + sum(1 for p in problems if p.kind == "invalid_manifest")
    valid = sum(1 for t in loaded if t.valid or t.deleted)
    return check.settle(f"{valid} of {total} manifest{'s' if total != 1 else ''} OK")


def drift_in_change(tool: ToolInChange, contract: ContractRow, root: Path) -> ContractDrift:
    """One declared contract's schema as it stands in the change, against its baseline."""
    from pai_deps.verify.drift import ContractDrift, compare_document

    if not contract.schema_path:
        return ContractDrift(contract, "no-schema", "no schema file declared")
    shown = display_path(tool.schema_file(contract.schema_path), root)
    if contract.schema_path not in tool.schemas:  # unreadable: the manifest check says why
        return ContractDrift(contract, "error", f"{shown} is not readable JSON", shown)
    return compare_document(contract, tool.schemas[contract.schema_path], shown)


def _unused_note(item: ContractDrift) -> str:
    unused = sum(1 for i in range(len(item.changes)) if item.unused(i))
    return f"; {unused} of them read by no consumer" if unused else ""


def schema_drift_check(
    conn: Connection, loaded: list[ToolInChange], root: Path, *, allow_risky: bool = False
) -> tuple[Check, list[ContractDrift]]:
    """`drift`'s classes and exit rule (`schemacompat.policy`): breaking and unexplainable
    changes fail, risky ones unless allowed; compatible ones pass and are accepted by
    --fix. Removing a contract that others may use is breaking."""
    from pai_deps.verify.readers import attach_readers

    check = Check(name="drift")
    findings: list[ContractDrift] = []
    for tool in loaded:
        if tool.manifest is None or tool.registered is None:
            continue
        check.tools.append(tool.id)
        for contract in tool.contracts:
            if contract.contract_type == "library_export":
                continue
            item = drift_in_change(tool, contract, root)
            attach_readers(conn, tool.id, [item])
            findings.append(item)
            label = f"{tool.id}: {contract.contract_type} '{contract.name}'"
            if item.status == "drift":
                worst = [c for c in item.changes if c.severity == item.severity][:3]
                failing = item.fails(allow_risky=allow_risky)
                check.add(
                    tool.id,
                    "error" if failing else "info",
                    f"{label}: {item.message}"
                    + "".join(f"; {c.pointer or '/'}: {c.message}" for c in worst)
                    + _unused_note(item)
                    + ("" if failing else " (accept with --fix)"),
                    contract=contract.name,
                    contract_type=contract.contract_type,
                    severity=item.severity,
                    changes=item.changes,
                )
        if tool.removed:
            dependents = [r.id for r in dependencies.list_dependents_of(conn, tool_id=tool.id)]
            for contract in tool.removed:
                check.add(
                    tool.id,
                    "error" if dependents else "info",
                    f"{tool.id}: {contract.contract_type} '{contract.name}' is no longer declared"
                    + (f" ({', '.join(dependents)} depend on {tool.id})" if dependents else ""),
                    contract=contract.name,
                    contract_type=contract.contract_type,
                    severity="breaking" if dependents else "compatible",
                )
    if not check.tools:
        check.status = "skip"
        return check.settle("no registered tool changed"), findings
    compared = sum(1 for f in findings if f.status not in ("no-schema", "error"))
    drifted = [f for f in findings if f.status == "drift"]
    classes = ", ".join(
        f"{count} {name}"
        for name in ("breaking", "risky", "compatible", "cosmetic", "unknown")
        if (count := sum(1 for f in drifted if f.severity == name))
    )
    changed = f"{len(drifted)} changed ({classes})" if drifted else "0 changed"
    return check.settle(
        f"{compared} schema{'s' if compared != 1 else ''} compared, {changed}"
    ), findings


def _failures(checks: Iterable[ContractCheck], into: Check, tool: str) -> None:
    for item in checks:
        details: dict[str, Any] = {
            "contract": item.contract.name,
            "contract_type": item.contract.contract_type,
        }
        if item.schema_class is not None:
            details["severity"] = item.schema_class
        if item.outcome == "fail":
            into.add(tool, "error", f"{tool}: `{item.contract.name}`: {item.message}", **details)
        elif item.outcome == "drift":
            into.add(tool, "warning", f"{tool}: `{item.contract.name}`: {item.message}", **details)
        elif item.unverified is not None:
            into.add(tool, "info", f"{tool}: `{item.contract.name}`: not checked: "
                     f"{item.unverified}", **details)  # fmt: skip


def cli_contracts_check(
    subjects: list[_Subject], *, quick: bool, timeout: float, jobs: int
) -> Check:
    """`verify`'s CLI check for every command in scope: quick = the executable exists,
    otherwise `--help` must exit 0 and show usage."""
    from pai_deps.verify.cli_check import check_cli as verify_cli

    check = Check(name="cli")
    work = [(s.tool, c) for s in subjects for c in s.of_type("cli_output")]
    check.tools = sorted({tool.id for tool, _ in work})
    if not work:
        check.status = "skip"
        return check.settle("no CLI commands declared")
    level: Level = "quick" if quick else "default"
    if quick or len(work) == 1:
        results = [verify_cli(c, t, level, timeout) for t, c in work]
    else:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            results = list(
                pool.map(lambda item: verify_cli(item[1], item[0], level, timeout), work)
            )
    for (tool, _), result in zip(work, results, strict=True):
        _failures([result], check, tool.id)
    ok = sum(1 for result in results if result.outcome != "fail")
    what = "executables found" if quick else "--help shows usage"
    return check.settle(f"{ok} of {len(work)} command{'s' if len(work) != 1 else ''} OK ({what})")


def mcp_contracts_check(
    subjects: list[_Subject],
    *,
    quick: bool,
    timeout: float,
    jobs: int,
    allow_risky: bool = False,
) -> Check:
    """`verify`'s MCP check: start each server in scope, list its tools, compare."""
    from pai_deps.verify.mcp_check import check_mcp as verify_mcp

    check = Check(name="mcp")
    servers = [s for s in subjects if s.of_type("mcp_tool") or s.of_type("mcp_output")]
    check.tools = [s.tool.id for s in servers]
    if quick:
        check.status = "skip"
        return check.settle("skipped (--quick)")
    if not servers:
        check.status = "skip"
        return check.settle("no MCP tools declared")

    def one(subject: _Subject) -> list[ContractCheck]:
        declared = [*subject.of_type("mcp_tool"), *subject.of_type("mcp_output")]
        known = {c.name for c in declared}
        results, _ = verify_mcp(
            subject.tool,
            declared,
            level="default",
            timeout=timeout,
            known_names=known,
            allow_risky=allow_risky,
        )
        return results

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        outcomes = list(pool.map(one, servers))
    skipped = 0
    for subject, results in zip(servers, outcomes, strict=True):
        if results and all(r.outcome == "skip" for r in results):
            skipped += 1
            check.add(subject.tool.id, "info", f"{subject.tool.id}: {results[0].message}")
            continue
        _failures(results, check, subject.tool.id)
    started = len(servers) - skipped
    if not started:
        check.status = "skip"
        return check.settle("no server to start (no mcp_start)")
    return check.settle(f"{started} server{'s' if started != 1 else ''} checked")
