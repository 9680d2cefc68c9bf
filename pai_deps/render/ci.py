"""How `ci affected` and `ci check` look to a person."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pai_deps.render.tables import arrow_path, table
from pai_deps.words import plural

if TYPE_CHECKING:
    from pai_deps.output import Printer
    from pai_deps.results.ci import AffectedDocument, Check, CheckDocument

AffectedView = Literal["table", "list", "explain"]
CHECK_ICONS = {"pass": "✓", "fail": "✗", "warn": "!", "skip": "-"}
ISSUE_MARKS = {"error": "✗", "warning": "!", "info": "·"}


# -- ci affected -------------------------------------------------------------------------------


def affected(p: Printer, doc: AffectedDocument, *, view: AffectedView = "table") -> None:
    """Tables of changed and affected tools; `list`: only the ids, changed then affected;
    `explain`: one chain per line from each file to each tool it reaches."""
    if view == "list":
        for tool in [*(c.tool for c in doc.changed), *(a.tool for a in doc.affected)]:
            p.answer(tool)
        _problems(p, doc)
    elif view == "explain":
        # These chains run the way a change flows; everywhere else `A -> B` is A depends on B.
        p.answer("How the change flows (file -> owning tool -> ... -> affected):")
        for line in doc.explain or []:
            p.answer(f"  {line}")
        _problems(p, doc)
    else:
        _tables(p, doc)


def _describe_range(doc: AffectedDocument) -> str:
    if doc.mode == "staged":
        return "staged changes"
    if doc.mode == "files":
        return "given files"
    return f"{doc.base}...{doc.head}"


def _tables(p: Printer, doc: AffectedDocument) -> None:
    if not doc.files:
        p.info(f"No changed files ({_describe_range(doc)}).")
        return
    if doc.changed:
        p.answer(f"Changed tools ({len(doc.changed)}):")
        p.render(
            table(
                ["Tool", "Files"],
                [[c.tool + (" (new)" if c.new else ""), ", ".join(c.files)] for c in doc.changed],
            )
        )
    else:
        p.answer("No registered tool is touched by this change.")
    if doc.affected:
        p.answer("")
        p.answer(f"Affected tools ({len(doc.affected)}):")
        p.render(
            table(
                ["Tool", "Type", "Depth", "Why (depends on)"],
                # drawn as `affected` draws it: each tool depends on the next
                [
                    [a.tool, a.type, a.depth, arrow_path([a.tool, *a.via[::-1]])]
                    for a in doc.affected
                ],
                right=("Depth",),
            )
        )
    if doc.unowned:
        p.answer("")
        p.answer(f"Files no tool owns ({len(doc.unowned)}):")
        for path in doc.unowned:
            p.answer(f"  {path}")
    _problems(p, doc)
    p.info("")
    p.info(
        f"{plural(len(doc.changed), 'tool')} changed, {len(doc.affected)} affected, "
        f"{plural(len(doc.unowned), 'unowned file')} ({_describe_range(doc)})"
    )


def _problems(p: Printer, doc: AffectedDocument) -> None:
    if not doc.problems:
        return
    p.answer("")
    p.answer(f"Problems ({len(doc.problems)}):")
    for problem in doc.problems:
        p.answer(f"  ✗ {problem.message}")


# -- ci check ----------------------------------------------------------------------------------


def check_report(p: Printer, doc: CheckDocument) -> None:
    """One line per check with its issues under it, then the verdict."""
    if doc.nothing_to_check:
        what = (
            "the staged change touches no registered tool"
            if doc.mode == "staged"
            else "no registered tool lives in this repository"
        )
        p.info(f"Nothing to check: {what}.")
        return
    width = max(len(check.name) for check in doc.checks)
    for check in doc.checks:
        p.answer(f"{CHECK_ICONS[check.status]} {check.name.ljust(width)}  {check.summary}")
        _issues(p, check)
    for line in doc.fixed:
        p.info(f"Fixed: {line}")
    for line in doc.fix_errors:
        p.warn(f"--fix could not: {line}")
    counts = doc.summary
    verdict = "passed" if doc.success else "FAILED"
    p.answer(
        f"ci check {verdict}: {counts.passed} passed, {counts.failed} failed, "
        f"{counts.skipped} skipped ({plural(len(doc.changed), 'tool')} changed, "
        f"{len(doc.affected)} affected)"
    )


def _issues(p: Printer, check: Check) -> None:
    for issue in check.issues:
        p.answer(f"    {ISSUE_MARKS[issue.level]} {issue.message}")
        for line in issue.lines or []:
            p.answer(f"        {line}")
