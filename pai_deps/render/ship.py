"""How `can-i-ship`'s answer looks to a person: yes or no, one line per blocking consumer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pai_deps.output import Printer
from pai_deps.words import plural

if TYPE_CHECKING:
    from pai_deps.results.ship import ShipDecision


def ship_decision(printer: Printer, doc: ShipDecision) -> None:
    where = f" at {doc.ref}" if doc.ref else ""
    for name in doc.seeded:
        printer.info(f"'{name}' had no baseline: its current schema{where} is the baseline now")
    for warning in doc.warnings:
        printer.warn(warning)
    checked = plural(doc.consumers, "registered consumer")
    if doc.ship:
        printer.answer(f"yes: {doc.tool}{where} is safe for its {checked}")
        return
    blocked = sorted({b.consumer for b in doc.blocking})
    printer.answer(
        f"no: {doc.tool}{where} would break {plural(len(blocked), 'consumer')} (of {checked}):"
    )
    by_consumer: dict[str, list[str]] = {}
    for b in doc.blocking:
        at = f" {b.pointer}" if b.pointer else ""
        severity = f" ({b.severity})" if b.severity else ""
        by_consumer.setdefault(b.consumer, []).append(f"'{b.contract}'{at}: {b.reason}{severity}")
    for consumer in blocked:
        printer.answer(f"  {consumer}: {'; '.join(by_consumer[consumer])}")
