"""How `drift` looks to a person: per tool, its contracts and the changes found."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pai_deps.render.tables import table
from pai_deps.words import plural

if TYPE_CHECKING:
    from pai_deps.output import Printer
    from pai_deps.results.drift import (
        ChangeEntry,
        ContractDriftEntry,
        DriftDocument,
        ToolDriftEntry,
    )

ICONS = {
    "unchanged": "✓",
    "equivalent": "✓",
    "new": "+",
    "missing": "✗",
    "error": "✗",
    "no-schema": "○",
}
SEVERITIES = ("breaking", "risky", "compatible", "cosmetic", "unknown")


def _icon(item: ContractDriftEntry) -> str:
    if item.status == "drift":
        return "✗" if item.failing else "~"
    return ICONS[item.status]


def _status(item: ContractDriftEntry) -> str:
    label = item.status.replace("-", " ")
    if item.status == "drift":
        label = f"drift ({item.severity})"
    return label + (", accepted" if item.updated else "")


def drift_report(p: Printer, doc: DriftDocument) -> None:
    if not doc.summary.total:
        p.info("No contracts to check.")
        return
    for tool in doc.tools:
        if not tool.contracts:
            continue
        if p.quiet:
            for item in tool.contracts:
                if item.failing:
                    p.answer(f"{tool.tool}: {item.contract}: {_status(item)}")
            continue
        _tool(p, tool)
    _summary(p, doc)


def _tool(p: Printer, tool: ToolDriftEntry) -> None:
    p.info(f"{tool.tool}")
    shown = [item for item in tool.contracts if item.status != "no-schema" or p.verbose]
    rows = [
        [
            _icon(item),
            item.contract,
            item.contract_type,
            _status(item),
            item.message if item.status != "unchanged" else item.schema_path,
        ]
        for item in shown
    ]
    if rows:
        p.render(table(["", "Contract", "Type", "Status", "Detail"], rows), answer=False)
    hidden = len(tool.contracts) - len(shown)
    if hidden:
        p.info(f"  {plural(hidden, 'contract')} without a schema file (-v lists them)")
    for item in tool.contracts:
        if not item.changes:
            continue
        p.info(f"  Changes in {item.contract} ({item.direction} schema):")
        known = item.affected_consumers is not None
        p.render(
            table(
                ["Severity", "Pointer", "Change", *(["Read by"] if known else [])],
                [
                    [c.severity, c.pointer or "/", c.message, *([_readers(c)] if known else [])]
                    for c in item.changes
                ],
            ),
            answer=False,
        )
    p.info()


def _readers(change: ChangeEntry) -> str:
    if change.unused:
        return "nobody (unused)"
    return ", ".join(change.affected_consumers or []) or "nobody"


def _summary(p: Printer, doc: DriftDocument) -> None:
    summary = doc.summary
    severities = ", ".join(f"{getattr(summary, s)} {s}" for s in SEVERITIES if getattr(summary, s))
    parts = [
        f"{count} {label}"
        for count, label in (
            (summary.unchanged, "unchanged"),
            (summary.equivalent, "equivalent"),
            (summary.drifted, f"drifted ({severities})"),
            (summary.new, "new"),
            (summary.missing, "missing"),
            (summary.errors, "unreadable"),
            (summary.no_schema, "without schema"),
        )
        if count
    ]
    p.info(f"Results: {', '.join(parts)}")
    if summary.updated:
        p.info(f"Accepted {plural(summary.updated, 'schema')} as the new baseline.")
    if summary.failing:
        p.answer(
            f"FAIL: {plural(summary.failing, 'contract')} drifted in a way that breaks or "
            "cannot be checked"
        )
    else:
        p.answer(f"OK: {plural(summary.total, 'contract')}, nothing breaking")
