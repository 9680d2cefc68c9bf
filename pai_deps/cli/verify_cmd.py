"""`verify`, `drift`, `verify-output`, `verify-history`: do the promised interfaces hold?

Thin: validate options, call one service in `pai_deps.verify`, render. Exit codes: 0 the
contracts hold (or nothing was there to check, with a warning); 1 a contract failed, a
schema drifted in a way that breaks, a document is invalid, or a name is unknown; 2 misuse.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from pai_deps.cli.state import fail, get_state
from pai_deps.errors import PaiDepsError, UsageError

MAX_TIMEOUT_S = 3600.0
# Equals verify.checks.DEFAULT_TIMEOUT_S; not imported so `--help` stays light.
DEFAULT_TIMEOUT_S = 10.0


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


def _one_or_all(tool: str | None, all_tools: bool) -> str | None:
    """The tool asked for; None means every registered tool (`--all`)."""
    if tool is not None and all_tools:
        raise UsageError("Give a tool or --all, not both")
    if tool is None and not all_tools:
        raise UsageError("Give a tool id, or --all for every registered tool")
    return tool


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
    from pai_deps.verify.contracts import verify_contracts
    from pai_deps.verify.selection import CliContractNeeded

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
    state = get_state(ctx)
    try:
        with state.registry() as conn, state.printer.progress("Verifying contracts") as progress:
            wanted = _one_or_all(tool, all_tools)  # after opening the registry, as always
            doc = verify_contracts(
                conn, wanted, options, contract=contract, save=not no_save, progress=progress
            )
    except CliContractNeeded as exc:
        raise UsageError(
            f"--with-output checks a CLI contract, not {exc.named}"
            if exc.named
            else f"{exc.message}: name one with --contract"
        ) from None
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render.verify import verify_report

        verify_report(state.printer, doc)
    if not doc.success:
        raise fail()


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
    strict_unused: Annotated[
        bool,
        typer.Option(
            "--strict-unused",
            help="Fail on breaking (and risky) changes that no consumer reads, too.",
        ),
    ] = False,
) -> None:
    """Have the promised schemas changed since their baseline, and does it break anyone?

    Each change is classified (breaking, risky, compatible, cosmetic) by the direction
    data flows, and names the consumers whose `uses` it touches (one without `uses` reads
    everything). Exit 1 on breaking (and risky) drift that a consumer reads (or any, when
    no consumer is registered, or with --strict-unused) and on missing or unreadable
    schema files."""
    from pai_deps.verify.drift import drift

    state = get_state(ctx)
    with state.registry() as conn:
        doc = drift(
            conn,
            _one_or_all(tool, all_tools),
            update=update,
            allow_risky=allow_risky,
            strict_unused=strict_unused,
        )
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render.drift import drift_report

        drift_report(state.printer, doc)
    if not doc.success:
        raise fail()


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
        doc = check_output(conn, tool, contract, text, source=source)
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render.verify import conformance

        conformance(state.printer, doc)
    if not doc.valid:
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
    from pai_deps.verify.history import history

    state = get_state(ctx)
    with state.registry() as conn:
        doc = history(conn, tool, contract=contract, limit=limit)
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render.verify import verify_history

        verify_history(state.printer, doc)
