"""How the registry commands' documents look to a person."""

from __future__ import annotations

from pai_deps.output import Printer
from pai_deps.render.tables import table
from pai_deps.results.registry import ToolList
from pai_deps.words import plural


def tool_list(printer: Printer, doc: ToolList, *, filters: list[str]) -> None:
    """`list`: one row per tool; `filters` words what was asked for, for the empty case."""
    if not doc.tools:
        if filters:
            printer.info(f"No tools match ({', '.join(filters)}).")
        else:
            printer.info("No tools registered yet. Add one with: pai-deps register <dir>")
        return
    printer.render(
        table(
            ["ID", "Type", "Version", "Deps", "Dependents", "Reliability", "Debt", "Status"],
            [
                [
                    t.id,
                    t.type,
                    t.version,
                    t.dependencies,
                    t.dependents,
                    f"{t.reliability:.2f}",
                    t.debt_score,
                    "stub" if t.stub else ("verified" if t.last_verified else "registered"),
                ]
                for t in doc.tools
            ],
            right=("Deps", "Dependents", "Reliability", "Debt"),
        )
    )
    stub_note = f" ({plural(doc.stubs, 'stub')})" if doc.stubs else ""
    printer.info(f"{plural(doc.total, 'tool')}{stub_note}")
