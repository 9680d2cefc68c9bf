"""How `verify`, `verify-output` and `verify-history` look to a person."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pai_deps.render.tables import table
from pai_deps.words import plural

if TYPE_CHECKING:
    from pai_deps.output import Printer
    from pai_deps.results.verify import (
        ConformanceDocument,
        ContractHistoryDocument,
        ToolHistoryDocument,
        VerifyDocument,
    )
    from pai_deps.verify.checks import ContractCheck, RunCounts, ToolVerification, VerifyReport
    from pai_deps.verify.mcp_check import McpSession

ICONS = {
    "pass": "✓",
    "found": "✓",
    "fail": "✗",
    "missing": "✗",
    "failed": "✗",
    "drift": "~",
    "skip": "○",
    "skipped": "○",
    "unverified": "○",
    "extra": "+",
}
# The JSON says pass/fail/skip (the TypeScript tool's values); people read the words the
# summary line uses.
RESULT_WORDS = {"pass": "passed", "fail": "failed", "skip": "skipped"}
# Extra tools shown one per row; the rest are counted.
MAX_EXTRA_ROWS = 10


def seconds(ms: int) -> str:
    return f"{ms} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def local_time(stamp: str) -> str:
    """A stored UTC stamp in the local zone, ISO 8601 with its offset, to the second."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return moment.astimezone().isoformat(timespec="seconds")


# -- verify ----------------------------------------------------------------------------------


def verify_report(p: Printer, doc: VerifyDocument) -> None:
    """Each tool's contracts in the order they were checked, then the verdict line."""
    report = doc.run
    for warning in report.warnings:
        p.warn(warning)
    for result in report.tools:
        if p.quiet:
            _quiet_tool(p, result, allow_unverified=report.allow_unverified)
        else:
            _tool(p, result, allow_risky=report.allow_risky)
    _verdict(p, report)


def _quiet_tool(p: Printer, result: ToolVerification, *, allow_unverified: bool) -> None:
    """Under --quiet only what fails the run: one line per contract."""
    for check in result.checks:
        if check.outcome == "fail" or (check.unverified is not None and not allow_unverified):
            p.answer(f"{result.tool.id}: {check.contract.name}: {check.message}")


def _tool(p: Printer, result: ToolVerification, *, allow_risky: bool) -> None:
    tool = result.tool
    commit = f" @ {result.git_commit}" if result.git_commit else ""
    p.info(f"{tool.id} ({tool.type}) in {tool.path}{commit}")
    if not result.checks and result.mcp is None:
        p.info("  nothing to verify")
        p.info()
        return
    if result.mcp is not None:
        _server_line(p, result.mcp)
    p.render(
        table(["", "Contract", "Result", "Detail", "Time"], _tool_rows(result), right=("Time",)),
        answer=False,
    )
    p.info(
        f"  {', '.join(_count_parts(result.counts, allow_risky))} ({seconds(result.duration_ms)})"
    )
    p.info()


def _server_line(p: Printer, session: McpSession) -> None:
    if session.skipped is not None:
        return
    if session.started:
        server = " ".join(x for x in (session.server_name, session.server_version) if x)
        p.info(
            f"  MCP server `{session.command}`: {server or 'unnamed'}, protocol "
            f"{session.protocol_version}, {plural(session.listed, 'tool')} in "
            f"{plural(session.pages, 'page')} ({seconds(session.duration_ms)})"
        )
    elif session.error:
        p.info(f"  MCP server `{session.command}` failed: {session.error}")


def _check_row(check: ContractCheck, status: str, detail: str | None = None) -> list[object]:
    duration = seconds(check.duration_ms) if check.duration_ms else None
    word = RESULT_WORDS.get(status, status)
    name = check.contract.name
    if check.contract.contract_type == "mcp_output":
        name += " (output)"  # beside the same tool's input-schema row
    return [ICONS.get(status, "?"), name, word, detail or check.message, duration]


def _tool_rows(result: ToolVerification) -> list[list[object]]:
    from pai_deps.verify.checks import mcp_status

    rows: list[list[object]] = []
    session = result.mcp
    for check in result.checks:
        if check.unverified is not None:
            rows.append(_check_row(check, "unverified", f"not checked: {check.unverified}"))
            continue
        if check.contract.contract_type not in ("mcp_tool", "mcp_output"):
            rows.append(_check_row(check, check.outcome))
            continue
        status = "drift" if check.outcome == "drift" else mcp_status(check)
        detail = "see the server error above" if session and session.error else None
        rows.append(_check_row(check, status, detail))
    if session is not None:
        rows.extend(_server_rows(session))
    return rows


def _server_rows(session: McpSession) -> list[list[object]]:
    """The snapshot's findings that are not a pass, then the tools nobody declared."""
    rows: list[list[object]] = [
        [ICONS.get(f.outcome, "?"), f.name, f"snapshot {f.outcome}", f.message, None]
        for f in session.snapshot_findings
        if f.outcome != "pass"
    ]
    extra = session.extra
    rows.extend(
        [ICONS["extra"], name, "extra", "listed by the server, not declared", None]
        for name in extra[:MAX_EXTRA_ROWS]
    )
    if len(extra) > MAX_EXTRA_ROWS:
        more = len(extra) - MAX_EXTRA_ROWS
        rows.append([ICONS["extra"], f"... and {more} more", "extra", "(--json lists them)", None])
    return rows


def _count_parts(counts: RunCounts, allow_risky: bool) -> list[str]:
    parts = [f"{counts.passed} passed", f"{counts.failed} failed"]
    if counts.unverified:
        parts.append(f"{counts.unverified} not checked")
    if counts.skipped - counts.unverified > 0:
        parts.append(f"{counts.skipped - counts.unverified} skipped")
    parts.extend(_schema_classes(counts, allow_risky))
    if counts.mcp_extra:
        parts.append(f"{counts.mcp_extra} extra")
    return parts


def _schema_classes(counts: RunCounts, allow_risky: bool) -> list[str]:
    """`2 with compatible schema changes`, `1 with risky (allowed) schema changes`, ..."""
    parts = []
    for name in ("breaking", "risky", "compatible", "cosmetic"):
        count = getattr(counts, name)
        if count:
            label = "risky (allowed)" if name == "risky" and allow_risky else name
            parts.append(f"{count} with {label} schema changes")
    return parts


def _verdict(p: Printer, report: VerifyReport) -> None:
    counts = report.counts
    scope = f"{plural(len(report.tools), 'tool')}, {report.level} level"
    saved = "" if report.saved else "; not saved (--no-save)"
    took = seconds(report.duration_ms)
    if report.status == "fail" and not counts.failed:
        p.answer(
            f"FAIL: {plural(counts.unverified, 'contract')} could not be checked "
            f"({scope}, {took}{saved}); --allow-unverified makes that a warning"
        )
    elif report.status == "fail":
        unchecked = f"; {counts.unverified} not checked" if counts.unverified else ""
        p.answer(
            f"FAIL: {counts.failed} of {plural(counts.checked, 'contract')} checked failed"
            f"{unchecked} ({scope}, {took}{saved})"
        )
    elif report.status == "pass":
        unchecked = f"; {counts.unverified} not checked (allowed)" if counts.unverified else ""
        p.answer(
            f"PASS: {plural(counts.checked, 'contract')} checked, all hold{unchecked} "
            f"({scope}, {took}{saved})"
        )
    else:
        p.answer(f"NOTHING VERIFIED: 0 contracts checked ({scope}{saved})")


# -- verify-output ---------------------------------------------------------------------------


def conformance(p: Printer, doc: ConformanceDocument) -> None:
    """Valid: one line. Invalid: one line per problem, with its JSON pointer."""
    for warning in doc.warnings:
        p.warn(warning)
    if doc.valid:
        p.answer(f"Valid: {doc.source} conforms to {doc.contract} ({doc.schema_path})")
        return
    for error in doc.errors:
        p.answer(f"{error.path}: {error.message}")
    p.info(f"Invalid: {plural(len(doc.errors), 'error')} in {doc.source} against {doc.schema_path}")


# -- verify-history --------------------------------------------------------------------------


def _counts(ok: int, bad: int, skipped: int) -> str:
    if not (ok or bad or skipped):
        return "-"
    text = f"{ok} ok, {bad} failed"
    return text + (f", {skipped} skipped" if skipped else "")


def verify_history(p: Printer, doc: ToolHistoryDocument | ContractHistoryDocument) -> None:
    from pai_deps.results.verify import ContractHistoryDocument

    if isinstance(doc, ContractHistoryDocument):
        contract_history(p, doc)
    else:
        tool_history(p, doc)


def tool_history(p: Printer, doc: ToolHistoryDocument) -> None:
    if not doc.history:
        p.answer(f"No verification history for '{doc.tool}'.")
        p.info(f"Run 'pai-deps verify {doc.tool}' to record some.")
        return
    p.info(f"Verification history of {doc.tool}")
    rows = [
        [
            local_time(run.verified_at),
            f"{ICONS.get(run.overall_status, '?')} {run.overall_status}",
            run.level,
            _counts(run.cli_passed, run.cli_failed, run.cli_skipped),
            _counts(run.mcp_found, run.mcp_missing + run.mcp_failed, run.mcp_skipped)
            + (f", {run.mcp_extra} extra" if run.mcp_extra else ""),
            run.git_commit,
            seconds(run.duration_ms),
        ]
        for run in doc.history
    ]
    p.render(
        table(["When", "Status", "Level", "CLI", "MCP", "Commit", "Took"], rows, right=("Took",))
    )
    p.info(f"{plural(len(doc.history), 'run')}, newest first.")
    if doc.last_verified:
        p.info(f"Last verified: {local_time(doc.last_verified)}")


def contract_history(p: Printer, doc: ContractHistoryDocument) -> None:
    label = f"{doc.contract.type}:{doc.contract.name}"
    if not doc.history:
        p.answer(f"No verification history for {label} of '{doc.tool}'.")
        return
    p.info(f"Verification history of {label} ({doc.tool})")
    rows = [
        [
            local_time(check.verified_at),
            f"{ICONS.get(check.status, '?')} {check.status}",
            check.git_commit,
            seconds(check.duration_ms) if check.duration_ms is not None else None,
            check.details.get("message") if isinstance(check.details, dict) else None,
        ]
        for check in doc.history
    ]
    p.render(table(["When", "Status", "Commit", "Took", "Detail"], rows, right=("Took",)))
    p.info(f"{plural(len(doc.history), 'check')}, newest first.")
