"""How `check`'s report looks to a person: one line per finding, then a summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pai_deps.output import Printer
from pai_deps.words import plural

if TYPE_CHECKING:
    from pai_deps.results.check import CheckReport


def check_report(printer: Printer, doc: CheckReport) -> None:
    for finding in doc.findings:
        label = "FAIL" if finding.level == "fail" else "warn"
        printer.answer(f"{label} {finding.kind}: {finding.message}")
        for line in finding.lines or []:
            printer.answer(f"       {line}")
    where = ", ".join(doc.roots) if doc.roots else "the registered manifests"
    verdict = "failed" if not doc.success else "passed"
    printer.answer(
        f"check {verdict}: {plural(doc.manifests, 'manifest')} read ({where}), "
        f"{plural(doc.tools, 'tool')}; {plural(doc.failures, 'failure')}, "
        f"{plural(doc.warnings, 'warning')}"
    )
