"""`verify`, `drift`, `verify-output`, `verify-history`: do the promised interfaces hold?

Thin: validate options, call one service in `pai_deps.verify`, render. Exit codes: 0 the
contracts hold (or nothing was there to check, with a warning); 1 a contract failed, a
schema drifted in a way that breaks, a document is invalid, or a name is unknown; 2 misuse.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pai_deps.cli.state import fail, get_state
from pai_deps.errors import PaiDepsError, UsageError
from pai_deps.output import Printer
from pai_deps.words import plural

if TYPE_CHECKING:
    from pai_deps.verify.checks import ContractCheck, ToolVerification, VerifyReport
    from pai_deps.verify.drift import ContractDrift, DriftReport
    from pai_deps.verify.history import ContractHistory, ToolHistory

MAX_TIMEOUT_S = 3600.0
# Equals verify.checks.DEFAULT_TIMEOUT_S; not imported so `--help` stays light.
DEFAULT_TIMEOUT_S = 10.0
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


def register(app: typer.Typer) -> None:
    app.command("verify")(verify_command)
    app.command("drift")(drift_command)
    app.command("verify-output")(verify_output_command)
    app.command("verify-history")(verify_history_command)


def _positive_timeout(value: float) -> float:
    if not 0 < value <= MAX_TIMEOUT_S:
        raise typer.BadParameter(f"must be more than 0 and at most {MAX_TIMEOUT_S:g} seconds")
    return value


ToolArgument = Annotated[
    str | None, typer.Argument(help="The tool's id (or use --all).", show_default=False)
]
AllOption = Annotated[bool, typer.Option("--all", "-a", help="Every registered tool.")]


def _seconds(ms: int) -> str:
    return f"{ms} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


# -- verify --------------------------------------------------------------------------------


def verify_command(
    ctx: typer.Context,
    tool: ToolArgument = None,
    all_tools: AllOption = False,
    cli_only: Annotated[bool, typer.Option("--cli-only", help="Only CLI contracts.")] = False,
    mcp_only: Annotated[bool, typer.Option("--mcp-only", help="Only MCP contracts.")] = False,
    quick: Annotated[
        bool,
        typer.Option("--quick", help="Only check that the executables exist (runs nothing)."),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Also require every --flag a command declares to appear in --help."
        ),
    ] = False,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            metavar="SECONDS",
            callback=_positive_timeout,
            help="Limit for each command and each MCP server conversation.",
        ),
    ] = DEFAULT_TIMEOUT_S,
    contract: Annotated[
        str | None,
        typer.Option(
            "--contract",
            "-c",
            metavar="NAME",
            help="Only this contract of the tool (its name, or type:name).",
        ),
    ] = None,
    no_save: Annotated[
        bool, typer.Option("--no-save", help="Check, but record nothing in the registry.")
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            max=256,
            metavar="N",
            help="Checks run at once [default: the number of CPUs].",
            show_default=False,
        ),
    ] = None,
    allow_risky: Annotated[
        bool,
        typer.Option("--allow-risky", help="Risky schema changes are reported but do not fail."),
    ] = False,
    allow_unverified: Annotated[
        bool,
        typer.Option(
            "--allow-unverified",
            help="Contracts that cannot be checked (no mcp_start, a missing schema file) "
            "are a warning, not a failure.",
        ),
    ] = False,
    snapshot: Annotated[
        bool,
        typer.Option(
            "--snapshot",
            help="Record each MCP server's tools/list (every page) as its baseline; later "
            "runs check every tool it offered against it.",
        ),
    ] = False,
    with_output: Annotated[
        Path | None,
        typer.Option(
            "--with-output",
            metavar="FILE",
            help="Validate this captured output (- for stdin) against the CLI contract's "
            "output_schema instead of running its probe.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check that tools keep their promises (CLI and MCP contracts).

    CLI commands answer for help and their `probe:` output matches its schema; MCP servers
    list their declared tools with compatible input and output schemas. Exit 1 when a
    contract fails, or cannot be checked unless --allow-unverified. Records every run (see
    verify-history)."""
    from pai_deps.verify.checks import VerifyOptions, default_jobs
    from pai_deps.verify.contracts import verify
    from pai_deps.verify.selection import select_tools
    from pai_deps.verify.verify_json import report_json

    if cli_only and mcp_only:
        raise UsageError("--cli-only and --mcp-only exclude each other")
    if quick and strict:
        raise UsageError("--quick and --strict exclude each other")
    if contract is not None and tool is None:
        raise UsageError("--contract needs a tool: verify <tool> --contract NAME")
    if snapshot and (no_save or quick or cli_only):
        raise UsageError("--snapshot records what a server offers: not with --no-save, "
                         "--quick or --cli-only")  # fmt: skip
    if with_output is not None and (tool is None or mcp_only or quick):
        raise UsageError("--with-output checks one CLI contract: verify <tool> [--contract "
                         "NAME] --with-output FILE (not with --mcp-only or --quick)")  # fmt: skip
    captured = _read_document(with_output) if with_output is not None else None
    state = get_state(ctx)
    with state.registry() as conn:
        selected = select_tools(conn, tool, all_tools=all_tools)
        if captured is not None:
            contract = _only_cli_contract(conn, selected[0], contract)
        options = VerifyOptions(
            level="quick" if quick else "strict" if strict else "default",
            cli=not mcp_only,
            mcp=not cli_only and captured is None,
            timeout=timeout,
            jobs=jobs or default_jobs(),
            allow_risky=allow_risky,
            allow_unverified=allow_unverified,
            snapshot=snapshot,
            captured=captured,
        )
        with state.printer.progress("Verifying contracts") as progress:
            report = verify(
                conn, selected, options, contract=contract, save=not no_save, progress=progress
            )
    if state.json:
        state.printer.json(report_json(report, cli=options.cli, mcp=options.mcp))
    else:
        _print_verify(state.printer, report)
    if report.exit_code:
        raise fail(report.exit_code)


# The JSON says pass/fail/skip (the TypeScript tool's values); people read the words the
# summary line uses.
RESULT_WORDS = {"pass": "passed", "fail": "failed", "skip": "skipped"}


def _only_cli_contract(conn: Any, tool: Any, contract: str | None) -> str:
    """The CLI contract `--with-output` applies to: the one named, or the tool's only one."""
    from pai_deps.repo import contracts
    from pai_deps.verify.selection import contract_label, find_contract

    if contract is not None:
        row = find_contract(conn, tool, contract)
        if row.contract_type != "cli_output":
            raise UsageError(f"--with-output checks a CLI contract, not {contract_label(row)}")
        return contract_label(row)
    cli = [c for c in contracts.list_contracts_of(conn, tool_id=tool.id)
           if c.contract_type == "cli_output"]  # fmt: skip
    if len(cli) != 1:
        raise UsageError(
            f"'{tool.id}' has {plural(len(cli), 'CLI contract')}: name one with --contract"
        )
    return contract_label(cli[0])


def _check_row(check: ContractCheck, status: str, detail: str | None = None) -> list[object]:
    duration = _seconds(check.duration_ms) if check.duration_ms else None
    word = RESULT_WORDS.get(status, status)
    name = check.contract.name
    if check.contract.contract_type == "mcp_output":
        name += " (output)"  # beside the same tool's input-schema row
    return [ICONS.get(status, "?"), name, word, detail or check.message, duration]


# Extra tools shown one per row; the rest are counted.
MAX_EXTRA_ROWS = 10


def _tool_rows(result: ToolVerification) -> list[list[object]]:
    from pai_deps.verify.verify_json import mcp_status

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
    if session is None:
        return rows
    for finding in session.snapshot_findings:
        if finding.outcome != "pass":
            icon = ICONS.get(finding.outcome, "?")
            rows.append([icon, finding.name, f"snapshot {finding.outcome}", finding.message, None])
    extra = session.extra
    rows.extend(
        [ICONS["extra"], name, "extra", "listed by the server, not declared", None]
        for name in extra[:MAX_EXTRA_ROWS]
    )
    if len(extra) > MAX_EXTRA_ROWS:
        more = len(extra) - MAX_EXTRA_ROWS
        rows.append([ICONS["extra"], f"... and {more} more", "extra", "(--json lists them)", None])
    return rows


def _print_verify(p: Printer, report: VerifyReport) -> None:
    from pai_deps.render.tables import table

    for warning in report.warnings:
        p.warn(warning)
    for result in report.tools:
        tool = result.tool
        commit = f" @ {result.git_commit}" if result.git_commit else ""
        if p.quiet:
            for check in result.checks:
                if check.outcome == "fail" or (
                    check.unverified is not None and not report.allow_unverified
                ):
                    p.answer(f"{tool.id}: {check.contract.name}: {check.message}")
            continue
        p.info(f"{tool.id} ({tool.type}) in {tool.path}{commit}")
        if not result.checks and result.mcp is None:
            p.info("  nothing to verify")
            p.info()
            continue
        session = result.mcp
        if session is not None and session.skipped is None:
            if session.started:
                server = " ".join(x for x in (session.server_name, session.server_version) if x)
                p.info(
                    f"  MCP server `{session.command}`: {server or 'unnamed'}, protocol "
                    f"{session.protocol_version}, {plural(session.listed, 'tool')} in "
                    f"{plural(session.pages, 'page')} ({_seconds(session.duration_ms)})"
                )
            elif session.error:
                p.info(f"  MCP server `{session.command}` failed: {session.error}")
        p.render(
            table(
                ["", "Contract", "Result", "Detail", "Time"], _tool_rows(result), right=("Time",)
            ),
            answer=False,
        )
        counts = result.counts
        parts = [f"{counts.passed} passed", f"{counts.failed} failed"]
        if counts.unverified:
            parts.append(f"{counts.unverified} not checked")
        if counts.skipped - counts.unverified > 0:
            parts.append(f"{counts.skipped - counts.unverified} skipped")
        parts.extend(_schema_classes(counts, report.allow_risky))
        if counts.mcp_extra:
            parts.append(f"{counts.mcp_extra} extra")
        p.info(f"  {', '.join(parts)} ({_seconds(result.duration_ms)})")
        p.info()
    counts = report.counts
    scope = f"{plural(len(report.tools), 'tool')}, {report.level} level"
    saved = "" if report.saved else "; not saved (--no-save)"
    took = _seconds(report.duration_ms)
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


def _schema_classes(counts: Any, allow_risky: bool) -> list[str]:
    """`2 with compatible schema changes`, `1 with risky (allowed) schema changes`, ..."""
    parts = []
    for name in ("breaking", "risky", "compatible", "cosmetic"):
        count = getattr(counts, name)
        if count:
            label = "risky (allowed)" if name == "risky" and allow_risky else name
            parts.append(f"{count} with {label} schema changes")
    return parts


# -- drift -----------------------------------------------------------------------------------


def drift_command(
    ctx: typer.Context,
    tool: ToolArgument = None,
    all_tools: AllOption = False,
    update: Annotated[
        bool,
        typer.Option(
            "--update", "-u", help="Accept the current schema files as the new baselines."
        ),
    ] = False,
    allow_risky: Annotated[
        bool,
        typer.Option("--allow-risky", help="Risky changes are reported but do not fail."),
    ] = False,
) -> None:
    """Have the promised schemas changed since their baseline, and does it break anyone?

    Each change is classified (breaking, risky, compatible, cosmetic) by the direction
    data flows. Exit 1 on breaking (and risky) drift and on missing or unreadable schema
    files."""
    from pai_deps.verify.drift import check_drift
    from pai_deps.verify.selection import select_tools

    state = get_state(ctx)
    with state.registry() as conn:
        selected = select_tools(conn, tool, all_tools=all_tools)
        report = check_drift(conn, selected, update=update, allow_risky=allow_risky)
    if state.json:
        state.printer.json(report.to_json())
    else:
        _print_drift(state.printer, report)
    if report.exit_code:
        raise fail(report.exit_code)


DRIFT_ICONS = {
    "unchanged": "✓",
    "equivalent": "✓",
    "new": "+",
    "missing": "✗",
    "error": "✗",
    "no-schema": "○",
}


def _drift_icon(item: ContractDrift, allow_risky: bool) -> str:
    if item.status == "drift":
        return "✗" if item.fails(allow_risky=allow_risky) else "~"
    return DRIFT_ICONS[item.status]


def _drift_status(item: ContractDrift) -> str:
    label = item.status.replace("-", " ")
    if item.status == "drift":
        label = f"drift ({item.severity})"
    return label + (", accepted" if item.updated else "")


def _print_drift(p: Printer, report: DriftReport) -> None:
    from pai_deps.render.tables import table

    if not report.all():
        p.info("No contracts to check.")
        return
    for tool in report.tools:
        if not tool.contracts:
            continue
        if p.quiet:
            for item in tool.contracts:
                if item.fails(allow_risky=report.allow_risky):
                    p.answer(f"{tool.tool.id}: {item.contract.name}: {_drift_status(item)}")
            continue
        p.info(f"{tool.tool.id}")
        shown = [item for item in tool.contracts if item.status != "no-schema" or p.verbose]
        rows = [
            [
                _drift_icon(item, report.allow_risky),
                item.contract.name,
                item.contract.contract_type,
                _drift_status(item),
                item.message if item.status != "unchanged" else item.contract.schema_path,
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
            p.info(f"  Changes in {item.contract.name} ({item.direction} schema):")
            p.render(
                table(
                    ["Severity", "Pointer", "Change"],
                    [[c.severity, c.pointer or "/", c.message] for c in item.changes],
                ),
                answer=False,
            )
        p.info()
    summary = report.summary()
    severities = ", ".join(
        f"{summary[s]} {s}"
        for s in ("breaking", "risky", "compatible", "cosmetic", "unknown")
        if summary[s]
    )
    parts = [
        f"{summary[key]} {label}"
        for key, label in (
            ("unchanged", "unchanged"),
            ("equivalent", "equivalent"),
            ("drifted", f"drifted ({severities})"),
            ("new", "new"),
            ("missing", "missing"),
            ("errors", "unreadable"),
            ("noSchema", "without schema"),
        )
        if summary[key]
    ]
    p.info(f"Results: {', '.join(parts)}")
    if report.updated:
        p.info(f"Accepted {plural(report.updated, 'schema')} as the new baseline.")
    failing = summary["failing"]
    if failing:
        p.answer(
            f"FAIL: {plural(failing, 'contract')} drifted in a way that breaks or cannot be checked"
        )
    else:
        p.answer(f"OK: {plural(summary['total'], 'contract')}, nothing breaking")


# -- verify-output -------------------------------------------------------------------------------


def verify_output_command(
    ctx: typer.Context,
    tool: Annotated[str, typer.Argument(help="The tool's id.")],
    contract: Annotated[
        str,
        typer.Argument(help="The contract: its name (a command line, an MCP tool), or type:name."),
    ],
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            "-f",
            metavar="FILE",
            help="The JSON document to check [default: stdin].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Validate a JSON document against a contract's schema.

    The document (e.g. a command's --json output) comes from stdin or --file; one line
    per error, with its JSON pointer. Exit 1 when invalid."""
    from pai_deps.verify.conformance import check_output

    text, source = _read_document(file)
    state = get_state(ctx)
    with state.registry() as conn:
        result = check_output(conn, tool, contract, text, source=source)
    p = state.printer
    for warning in result.warnings:
        p.warn(warning)
    if state.json:
        p.json(result.to_json())
    elif result.valid:
        p.answer(f"Valid: {source} conforms to {result.contract.name} ({result.schema_file})")
    else:
        for error in result.errors:
            p.answer(f"{error.pointer}: {error.message}")
        p.info(
            f"Invalid: {plural(len(result.errors), 'error')} in {source} against "
            f"{result.schema_file}"
        )
    if not result.valid:
        raise fail()


def _read_document(file: Path | None) -> tuple[str, str]:
    """The document's text and a name for it in messages."""
    if file is not None and str(file) != "-":
        try:
            return file.read_text(encoding="utf-8-sig"), str(file)
        except FileNotFoundError:
            raise PaiDepsError(f"File not found: {file}", code="file_not_found") from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise PaiDepsError(f"Cannot read {file}: {reason}", code="file_unreadable") from None
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError("No input: pass --file FILE, or pipe the JSON document to stdin")
    try:
        return sys.stdin.read(), "stdin"
    except UnicodeDecodeError as exc:
        raise PaiDepsError(f"Cannot read stdin: not UTF-8 ({exc.reason})") from None


# -- verify-history -------------------------------------------------------------------------------


def verify_history_command(
    ctx: typer.Context,
    tool: Annotated[str, typer.Argument(help="The tool's id.")],
    contract: Annotated[
        str | None,
        typer.Option(
            "--contract", "-c", metavar="NAME", help="One contract's checks (name or type:name)."
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-l", min=1, max=1000, metavar="N", help="How many runs.")
    ] = 20,
) -> None:
    """Past verify runs of a tool (or of one contract), newest first."""
    from pai_deps.verify import history

    state = get_state(ctx)
    p = state.printer
    with state.registry() as conn:
        if contract is not None:
            _print_contract_history(p, history.contract_history(conn, tool, contract, limit=limit))
        else:
            _print_tool_history(p, history.tool_history(conn, tool, limit=limit))


def _counts(ok: int, bad: int, skipped: int, bad_label: str = "failed") -> str:
    if not (ok or bad or skipped):
        return "-"
    text = f"{ok} ok, {bad} {bad_label}"
    return text + (f", {skipped} skipped" if skipped else "")


def _print_tool_history(p: Printer, found: ToolHistory) -> None:
    from pai_deps.render.tables import table
    from pai_deps.verify.history import local_time, run_json

    tool = found.tool
    if p.json_mode:
        p.json(
            {
                "success": True,
                "tool": tool.id,
                "history": [run_json(row) for row in found.runs],
                "count": len(found.runs),
                "lastVerified": tool.last_verified,
            }
        )
        return
    if not found.runs:
        p.answer(f"No verification history for '{tool.id}'.")
        p.info(f"Run 'pai-deps verify {tool.id}' to record some.")
        return
    p.info(f"Verification history of {tool.id}")
    rows = [
        [
            local_time(row.verified_at),
            f"{ICONS.get(row.status, '?')} {row.status}",
            row.level,
            _counts(row.cli_passed, row.cli_failed, row.cli_skipped),
            _counts(row.mcp_found, row.mcp_missing + row.mcp_failed, row.mcp_skipped)
            + (f", {row.mcp_extra} extra" if row.mcp_extra else ""),
            row.git_commit,
            _seconds(row.duration_ms),
        ]
        for row in found.runs
    ]
    p.render(
        table(["When", "Status", "Level", "CLI", "MCP", "Commit", "Took"], rows, right=("Took",))
    )
    p.info(f"{plural(len(found.runs), 'run')}, newest first.")
    if tool.last_verified:
        p.info(f"Last verified: {local_time(tool.last_verified)}")


def _print_contract_history(p: Printer, found: ContractHistory) -> None:
    from pai_deps.render.tables import table
    from pai_deps.verify.history import check_json, local_time
    from pai_deps.verify.selection import contract_label

    contract = found.contract
    if p.json_mode:
        p.json(
            {
                "success": True,
                "tool": found.tool.id,
                "contract": {
                    "id": contract.id,
                    "type": contract.contract_type,
                    "name": contract.name,
                    "status": contract.status,
                    "lastVerified": contract.last_verified,
                },
                "history": [check_json(row) for row in found.checks],
                "count": len(found.checks),
            }
        )
        return
    label = contract_label(contract)
    if not found.checks:
        p.answer(f"No verification history for {label} of '{found.tool.id}'.")
        return
    p.info(f"Verification history of {label} ({found.tool.id})")
    rows = [
        [
            local_time(row.verified_at),
            f"{ICONS.get(row.status, '?')} {row.status}",
            row.git_commit,
            _seconds(row.duration_ms) if row.duration_ms is not None else None,
            (row.details or {}).get("message") if isinstance(row.details, dict) else None,
        ]
        for row in found.checks
    ]
    p.render(table(["When", "Status", "Commit", "Took", "Detail"], rows, right=("Took",)))
    p.info(f"{plural(len(found.checks), 'check')}, newest first.")
