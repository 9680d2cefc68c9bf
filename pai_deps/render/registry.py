"""How the registry commands' documents look to a person."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pai_deps.output import Printer
from pai_deps.render.tables import table
from pai_deps.words import depend_on_it, plural

if TYPE_CHECKING:  # each command loads only its own document's module
    from pai_deps.results.cycles import CycleList, CycleResolved
    from pai_deps.results.registration import (
        ProvidesCounts,
        PrunedStubs,
        Registration,
        Unregistered,
    )
    from pai_deps.results.registry import Provided, ToolDetails, ToolList


def observed_fraction(value: float | None, runs: int) -> str:
    """`0.75 (4)`: the pass rate and how many runs it rests on; `-` when never verified."""
    return "-" if value is None else f"{value:.2f} ({runs})"


def tool_list(printer: Printer, doc: ToolList, *, filters: list[str]) -> None:
    """`list`: one row per tool; `filters` words what was asked for, for the empty case."""
    if not doc.tools:
        if filters:
            printer.info(f"No tools match ({', '.join(filters)}).")
        else:
            printer.info("No tools registered yet. Add one with: pai-deps register <dir>")
        return
    # Observed reliability only once some tool has been verified: a column of dashes
    # would only cost width.
    observed = any(t.observed_reliability is not None for t in doc.tools)
    headers = ["ID", "Type", "Version", "Deps", "Dependents", "Reliability"]
    headers += ["Observed"] if observed else []
    rows = []
    for t in doc.tools:
        row: list[object] = [
            t.id,
            t.type,
            t.version,
            t.dependencies,
            t.dependents,
            f"{t.reliability:.2f}",
        ]
        if observed:
            row.append(observed_fraction(t.observed_reliability, t.observed_runs))
        row += [
            t.debt_score,
            "stub" if t.stub else ("verified" if t.last_verified else "registered"),
        ]
        rows.append(row)
    printer.render(
        table(
            [*headers, "Debt", "Status"],
            rows,
            right=("Deps", "Dependents", "Reliability", "Observed", "Debt"),
        )
    )
    stub_note = f" ({plural(doc.stubs, 'stub')})" if doc.stubs else ""
    printer.info(f"{plural(doc.total, 'tool')}{stub_note}")


def registration(printer: Printer, doc: Registration) -> None:
    """`register`: the warnings, then what was registered and what it brought."""
    for warning in doc.warnings:
        printer.warn(warning)
    tool = doc.tool
    verb = "Registered" if doc.is_new else "Updated"
    version = f" v{tool.version}" if tool.version else ""
    note = " (replaced a stub)" if doc.replaced_stub else ""
    printer.info(f"{verb} {tool.id}{version}{note}")
    stubs = len(doc.stubs_created)
    stub_note = f" ({plural(stubs, 'stub')} created)" if stubs else ""
    printer.info(f"  Dependencies: {tool.dependencies}{stub_note}")
    provides = describe_provides(tool.provides)
    if provides:
        printer.info(f"  Provides: {provides}")


_PROVIDED_LABELS = {
    "cli": ("CLI command", "CLI commands"),
    "mcp_tools": ("MCP tool", "MCP tools"),
    "resources": ("MCP resource", "MCP resources"),
    "library": ("library export", "library exports"),
    "database": ("database", "databases"),
}


def describe_provides(counts: ProvidesCounts) -> str:
    """`1 CLI command, 2 MCP tools`: the kinds a manifest provides, with their counts."""
    return ", ".join(
        plural(getattr(counts, kind), *labels)
        for kind, labels in _PROVIDED_LABELS.items()
        if getattr(counts, kind)
    )


def unregistered(printer: Printer, doc: Unregistered) -> None:
    tool = doc.tool
    if doc.action == "stubbed" and doc.was_stub:
        printer.info(
            f"'{tool}' is a stub and stays one: still {depend_on_it(doc.affected_dependents)}; "
            "`stubs prune` removes it once nothing does."
        )
    elif doc.action == "stubbed":
        printer.info(
            f"'{tool}' is now a stub: still {depend_on_it(doc.affected_dependents)}, and they "
            "keep their edges; its contracts, history and outgoing edges were removed."
        )
    else:
        printer.info(f"Unregistered {tool}")
    for cycle in doc.resolved_cycles:
        printer.info(f"  Cycle resolved: {' -> '.join([*cycle, cycle[0]])}")


def details(printer: Printer, doc: ToolDetails) -> None:
    """`show`: identity, numbers, then the dependencies, dependents, provides, contracts
    and cycles as trees."""
    from pai_deps.render.tables import tree

    p = printer
    tool = doc.tool
    p.answer(f"Tool: {tool.id}")
    if tool.description:
        p.answer(f"Description: {tool.description}")
    p.answer(f"Version: {tool.version or '-'}")
    p.answer(f"Type: {tool.type}")
    if tool.stub:
        p.answer("Status: stub (referenced by a dependency, not registered)")
    else:
        p.answer(f"Path: {tool.path}")
        p.answer(f"Manifest: {tool.manifest_path}")
    p.answer("")
    p.answer(f"Reliability: {tool.reliability:g}")
    if tool.observed_reliability is None:
        p.answer("Observed: never verified")
    else:
        p.answer(f"Observed: {tool.observed_reliability:g} (last {tool.observed_runs} runs)")
    if tool.slo is not None:
        p.answer(f"SLO: {tool.slo:g} (budget {1 - tool.slo:.4g})")
    p.answer(f"Debt Score: {tool.debt_score}")
    p.answer(f"Last Verified: {tool.last_verified or 'never'}")
    if tool.mcp_start:
        p.answer(f"MCP start: {tool.mcp_start}")

    def section(title: str, items: list[str]) -> None:
        p.answer("")
        if items:
            p.render(tree(f"{title} ({len(items)}):", items))
        else:
            p.answer(f"{title}: none")

    section(
        "Dependencies",
        [
            f"{d.name} ({d.type})"
            + (f" {d.version}" if d.version else "")
            + (" [optional]" if d.optional else "")
            + (" [stub]" if d.stub else "")
            for d in doc.dependencies
        ],
    )
    section("Depended on by", doc.dependents)
    provides = doc.provides
    titled = [
        ("CLI Commands", provides.cli),
        ("MCP", provides.mcp),
        ("Library Exports", provides.library),
        ("Databases", provides.database),
    ]
    branches: list[str | tuple[str, list[str]]] = [
        (title, [_provided_label(e) for e in entries]) for title, entries in titled if entries
    ]
    if branches:
        p.answer("")
        p.render(tree("Provides:", branches))
    section(
        "Contracts",
        [
            f"{c.type} {c.name}: {c.status}" + (f" ({c.status_reason})" if c.status_reason else "")
            for c in doc.contracts
        ],
    )
    if doc.cycles:
        section("Cycles", [" -> ".join([*c, c[0]]) for c in doc.cycles])


def _provided_label(entry: Provided) -> str:
    if entry.resource is not None:
        return f"[resource] {entry.resource}"
    name = entry.command or entry.tool or entry.export or entry.path
    schema = entry.output_schema or entry.schema_
    return f"{name}" + (f" (schema: {schema})" if schema else "")


def cycle_list(printer: Printer, doc: CycleList, *, all_: bool) -> None:
    if not doc.cycles:
        printer.info("No circular dependencies." if not all_ else "No cycles recorded.")
        return
    printer.render(
        table(
            ["ID", "Cycle", "Detected", "Status"],
            [
                [
                    r.id,
                    " -> ".join([*r.cycle, r.cycle[0]]),
                    r.detected_at,
                    "resolved" if r.resolved else "open",
                ]
                for r in doc.cycles
            ],
            right=("ID",),
        )
    )
    printer.info(plural(len(doc.cycles), "cycle"))


def cycle_resolved(printer: Printer, doc: CycleResolved) -> None:
    printer.info(f"Resolved cycle {doc.id}: {' -> '.join([*doc.cycle, doc.cycle[0]])}")


def pruned(printer: Printer, doc: PrunedStubs) -> None:
    if doc.removed:
        printer.info(f"Removed {plural(doc.count, 'orphan stub')}: {', '.join(doc.removed)}")
    else:
        printer.info("No orphan stubs.")
