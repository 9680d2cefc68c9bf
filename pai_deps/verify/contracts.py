"""`verify`: check that each contract's promise still holds, concurrently, and record it.

Three phases, because a SQLite connection belongs to the thread that opened it while the
checks themselves are mostly waiting on other processes:

1. plan (the caller's thread): read the tools and their contracts;
2. check (worker threads, at most `jobs` at once): run `--help`, talk to MCP servers, ask
   git for the commit; no database access here;
3. record (the caller's thread again): as soon as a tool's last check is done, its
   verifications, contract statuses and run summary go in one short transaction.

Levels: `quick` only looks for the executables; `default` runs `<command> --help`, which
must exit 0 and print usage (or the manifest's `help:` arguments), runs the `probe:` and
validates its output, and lists the MCP server's tools; `strict` also wants every
`--flag` the manifest's command mentions to appear in that help text. The checks
themselves are `cli_check` and `mcp_check`; the JSON document is `document`'s.

Exit rule: 1 when a contract failed, or when a declared contract could not be checked
(unverified: no `mcp_start`, a missing schema file) unless `--allow-unverified`; schema
changes are judged by the shared policy, `--allow-risky` included.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from pai_deps.db import Connection
from pai_deps.models import ToolRow
from pai_deps.progress import Progress
from pai_deps.verify.checks import MCP_TYPES, ToolVerification, VerifyOptions, VerifyReport
from pai_deps.verify.mcp_check import NO_START
from pai_deps.verify.record import record
from pai_deps.verify.schedule import plan_checks, run_checks
from pai_deps.verify.selection import only_cli_contract, select_tools
from pai_deps.words import plural

if TYPE_CHECKING:
    from pai_deps.results.verify import VerifyDocument


def verify(
    conn: Connection,
    selected: list[ToolRow],
    options: VerifyOptions,
    *,
    contract: str | None = None,
    save: bool = True,
    progress: Progress | None = None,
) -> VerifyReport:
    """Check the selected tools' contracts and (unless `save` is False) record the run."""
    started = time.monotonic()
    plans = plan_checks(conn, selected, options, contract=contract)

    def done(result: ToolVerification) -> None:
        if save:
            record(conn, result, snapshot=options.snapshot)

    results = run_checks(plans, options, on_done=done, progress=progress)
    report = VerifyReport(
        level=options.level,
        tools=results,
        saved=save,
        duration_ms=round((time.monotonic() - started) * 1000),
        allow_risky=options.allow_risky,
        allow_unverified=options.allow_unverified,
    )
    report.warnings = _warnings(report)
    from pai_deps.ship import deprecation_warnings

    for result in report.tools:
        report.warnings.extend(deprecation_warnings(conn, result.tool))
    return report


def _warnings(report: VerifyReport) -> list[str]:
    warnings = []
    for result in report.tools:
        session = result.mcp
        if session is not None and session.skipped:
            skipped = sum(1 for c in result.checks if c.contract.contract_type in MCP_TYPES)
            what = (
                f"{plural(skipped, 'MCP contract')} not checked"
                if skipped
                else ("its server's offer is not checked")
            )
            warnings.append(f"{result.tool.id}: {session.skipped}; {what}")
        for check in result.checks:
            if check.unverified is not None and check.unverified != NO_START:
                warnings.append(
                    f"{result.tool.id}: {check.contract.name}: not checked: {check.unverified}"
                )
        if session is not None:
            warnings.extend(f"{result.tool.id}: {warning}" for warning in session.warnings)
    if report.counts.checked == 0:
        if not report.tools:
            reason = "no registered tools"
        elif not any(result.checks for result in report.tools):
            reason = "no contracts match"
        else:
            reason = "every contract was skipped"
        warnings.append(f"0 contracts checked ({reason}): nothing was verified")
    return warnings


def verify_contracts(
    conn: Connection,
    tool_id: str | None,
    options: VerifyOptions,
    *,
    contract: str | None = None,
    save: bool = True,
    progress: Progress | None = None,
) -> VerifyDocument:
    """`verify`: one registered tool (every one when `tool_id` is None), or one contract of
    it; with a captured output, the CLI contract it belongs to."""
    from pai_deps.verify.document import verify_document

    selected = select_tools(conn, tool_id)
    if options.captured is not None:
        contract = only_cli_contract(conn, selected[0], contract)
    report = verify(conn, selected, options, contract=contract, save=save, progress=progress)
    return verify_document(report, cli=options.cli, mcp=options.mcp)
