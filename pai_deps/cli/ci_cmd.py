"""`ci affected` and `ci check`: the registry at the moment of change (service: `pai_deps.ci`).

`register` also wires the `hook` and `speckit` groups, which live in their own modules.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pai_deps.cli.helpfmt import PaiTyper
from pai_deps.cli.state import fail, get_state
from pai_deps.errors import DatabaseError, PaiDepsError, UsageError
from pai_deps.words import plural

if TYPE_CHECKING:
    from pai_deps.ci import AffectedResult, Check, CheckReport
    from pai_deps.output import Printer

ci_app = PaiTyper(
    name="ci",
    help="Change-aware checks for CI and the pre-commit hook.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    app.add_typer(ci_app)


# -- ci affected -------------------------------------------------------------------------------


@ci_app.command("affected")
def ci_affected(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="FILES",
            help="Changed files (relative to the current directory), instead of asking git.",
            show_default=False,
        ),
    ] = None,
    files: Annotated[
        bool,
        typer.Option("--files", help="Take the changed files from the arguments (implied)."),
    ] = False,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="REF",
            help="Compare BASE...HEAD [default: origin/HEAD, else main, else master].",
            show_default=False,
        ),
    ] = None,
    head: Annotated[
        str | None,
        typer.Option(
            "--head", metavar="REF", help="End of the range [default: HEAD].", show_default=False
        ),
    ] = None,
    staged: Annotated[
        bool, typer.Option("--staged", help="The staged change (git's index against HEAD).")
    ] = False,
    direct: Annotated[
        bool, typer.Option("--direct", help="Only direct dependents of the changed tools.")
    ] = False,
    list_: Annotated[
        bool,
        typer.Option("--list", help="Only tool ids, one per line: changed, then affected."),
    ] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain", help="Why each tool is in: file -> owning tool -> ... -> affected tool."
        ),
    ] = False,
) -> None:
    """Which registered tools a change touches, and everything that depends on them.

    Each changed file belongs to the tool whose directory is its longest path prefix; a
    manifest or a schema file belongs to the tool(s) that declare it. Files no tool owns
    are listed, not dropped. Exit 1 when the change breaks something by itself (e.g. it
    deletes a manifest other tools depend on).
    """
    from pai_deps.ci import affected

    state = get_state(ctx)
    file_mode = files or bool(paths)
    if file_mode and not paths:
        raise UsageError("--files needs at least one file")
    if file_mode and (staged or base or head):
        raise UsageError("give changed files, --staged, or --base/--head; not several")
    if staged and (base or head):
        raise UsageError("--staged compares the index with HEAD; it takes no --base/--head")
    with state.registry() as conn:
        result = affected(
            conn,
            Path.cwd(),
            base=base,
            head=head or "HEAD",
            staged=staged,
            files=paths if file_mode else None,
            direct=direct,
        )
    if state.json:
        document: dict[str, Any] = {"success": not result.problems, **result.to_json()}
        if explain:
            document["explain"] = result.explain()
        state.printer.json(document)
    elif list_:
        for tool_id in result.tool_ids():
            state.printer.answer(tool_id)
        _print_problems(state.printer, result)
    elif explain:
        # These chains run the way a change flows; everywhere else `A -> B` is A depends on B.
        state.printer.answer("How the change flows (file -> owning tool -> ... -> affected):")
        for line in result.explain():
            state.printer.answer(f"  {line}")
        _print_problems(state.printer, result)
    else:
        _print_affected(state.printer, result)
    if result.problems:
        raise fail()


def _describe_range(result: AffectedResult) -> str:
    if result.mode == "staged":
        return "staged changes"
    if result.mode == "files":
        return "given files"
    return f"{result.base}...{result.head}"


def _print_affected(p: Printer, result: AffectedResult) -> None:
    from pai_deps.render.tables import arrow_path, table

    if not result.files:
        p.info(f"No changed files ({_describe_range(result)}).")
        return
    if result.changed:
        p.answer(f"Changed tools ({len(result.changed)}):")
        p.render(
            table(
                ["Tool", "Files"],
                [[c.id + (" (new)" if c.new else ""), ", ".join(c.files)] for c in result.changed],
            )
        )
    else:
        p.answer("No registered tool is touched by this change.")
    if result.affected:
        p.answer("")
        p.answer(f"Affected tools ({len(result.affected)}):")
        p.render(
            table(
                ["Tool", "Type", "Depth", "Why (depends on)"],
                # drawn as `affected` draws it: each tool depends on the next
                [[a.id, a.type, a.depth, arrow_path(a.chain[::-1])] for a in result.affected],
                right=("Depth",),
            )
        )
    if result.unowned:
        p.answer("")
        p.answer(f"Files no tool owns ({len(result.unowned)}):")
        for path in result.unowned:
            p.answer(f"  {path}")
    _print_problems(p, result)
    p.info("")
    p.info(
        f"{plural(len(result.changed), 'tool')} changed, {len(result.affected)} affected, "
        f"{plural(len(result.unowned), 'unowned file')} ({_describe_range(result)})"
    )


def _print_problems(p: Printer, result: AffectedResult) -> None:
    if not result.problems:
        return
    p.answer("")
    p.answer(f"Problems ({len(result.problems)}):")
    for problem in result.problems:
        p.answer(f"  ✗ {problem.message}")


# -- ci check ----------------------------------------------------------------------------------

_ICONS = {"pass": "✓", "fail": "✗", "warn": "!", "skip": "-"}


@ci_app.command("check")
def ci_check(
    ctx: typer.Context,
    staged: Annotated[
        bool,
        typer.Option(
            "--staged",
            help="Only tools the staged change touches (and their dependents), read from "
            "git's index. Without it: every tool of this repository, as in the working tree.",
        ),
    ] = False,
    quick: Annotated[
        bool,
        typer.Option(
            "--quick", help="Fast: CLI executables must exist (no --help run); no MCP servers."
        ),
    ] = False,
    fix: Annotated[
        bool,
        typer.Option(
            "--fix",
            help="Re-register the changed manifests and accept compatible schema drift.",
        ),
    ] = False,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            metavar="SECONDS",
            min=0.1,
            help="Per command or MCP server [default: 10].",
            show_default=False,
        ),
    ] = None,
    allow_risky: Annotated[
        bool,
        typer.Option("--allow-risky", help="Risky schema changes are reported but do not fail."),
    ] = False,
) -> None:
    """Check the contracts a change touches: manifests, drift, CLI, MCP, cycles, stubs.

    Exit 0 when every check passes (warnings allowed), 1 when one fails, 2 on misuse,
    outside a git repository, or when the checks could not run at all (an unusable
    registry, an internal error): the pre-commit hook blocks a commit only on 1.
    """
    from pai_deps.ci import run_checks

    state = get_state(ctx)
    try:
        with state.registry() as conn:
            report = run_checks(
                conn,
                Path.cwd(),
                staged=staged,
                quick=quick,
                fix=fix,
                timeout=timeout,
                allow_risky=allow_risky,
            )
    except PaiDepsError as exc:
        exc.exit_code = 2
        raise
    except sqlite3.Error as exc:
        raise DatabaseError(f"checks could not run: {exc}", exit_code=2) from exc
    except Exception as exc:
        raise PaiDepsError(
            f"checks could not run: internal error ({type(exc).__name__}: {exc})",
            code="internal_error",
            exit_code=2,
        ) from exc
    if state.json:
        state.printer.json({"success": report.passed, **report.to_json()})
    else:
        _print_report(state.printer, report)
    if not report.passed:
        raise fail()


def _print_report(p: Printer, report: CheckReport) -> None:
    if report.nothing_to_check:
        what = (
            "the staged change touches no registered tool"
            if report.mode == "staged"
            else ("no registered tool lives in this repository")
        )
        p.info(f"Nothing to check: {what}.")
        return
    width = max(len(check.name) for check in report.checks)
    for check in report.checks:
        p.answer(f"{_ICONS[check.status]} {check.name.ljust(width)}  {check.summary}")
        _print_issues(p, check)
    for line in report.fixed:
        p.info(f"Fixed: {line}")
    for line in report.fix_errors:
        p.warn(f"--fix could not: {line}")
    counts = report.counts()
    verdict = "passed" if report.passed else "FAILED"
    p.answer(
        f"ci check {verdict}: {counts['passed']} passed, {counts['failed']} failed, "
        f"{counts['skipped']} skipped ({plural(len(report.changed), 'tool')} changed, "
        f"{len(report.affected)} affected)"
    )


def _print_issues(p: Printer, check: Check) -> None:
    marks = {"error": "✗", "warning": "!", "info": "·"}
    for issue in check.issues:
        p.answer(f"    {marks[issue.level]} {issue.message}")
        for line in issue.details.get("lines", []):
            p.answer(f"        {line}")
