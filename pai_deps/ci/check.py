"""`ci check`: the changed tools and their dependents, judged as the change stands.

With `staged`, the tools the staged change touches, read from git's index; without it,
every registered tool of the repository, read from the working tree. Seven checks run
over them (`checks`, `ship_check`, `graph_checks`); `fix` writes back what passed
(`fixes`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pai_deps import gitutil
from pai_deps.ci.affected import AffectedTool, affected_by, affected_entry, map_changes
from pai_deps.ci.change import ChangedTool, ChangeReader, IndexReader, load_in_change
from pai_deps.ci.checks import (
    cli_contracts_check,
    contracts_in_change,
    manifests_check,
    mcp_contracts_check,
    schema_drift_check,
    subjects,
)
from pai_deps.ci.graph_checks import new_cycles_check, stub_dependencies_check
from pai_deps.ci.locator import Locator
from pai_deps.ci.ship_check import can_i_ship_check
from pai_deps.repo import tools
from pai_deps.results.ci import Check, CheckDocument, CheckSummary, Mode, Problem

if TYPE_CHECKING:
    from pai_deps.db import Connection


def run_checks(
    conn: Connection,
    cwd: Path,
    *,
    staged: bool,
    quick: bool,
    fix: bool = False,
    timeout: float | None = None,
    jobs: int | None = None,
    allow_risky: bool = False,
) -> CheckDocument:
    """`ci check`: the changed tools (every tool of the repository without `staged`) and
    their dependents, judged as the change stands."""
    from pai_deps.verify.checks import DEFAULT_TIMEOUT_S, default_jobs

    root = gitutil.require_repo(cwd)
    locator = Locator.load(conn)
    reader: ChangeReader
    mode: Mode
    problems: list[Problem] = []
    if staged:
        reader, mode = IndexReader(root), "staged"
        changes = gitutil.changed_files(root, base=None, staged=True)
        _, changed_map, problems = map_changes(
            conn, changes, root=root, reader=reader, locator=locator
        )
    else:
        reader, mode = ChangeReader(), "worktree"
        changed_map = {t: ChangedTool(t) for t in locator.tools_in(root)}
    changed_ids = sorted(changed_map)
    reach = affected_by(conn, changed_ids, max_depth=None)
    if not changed_ids and not problems:
        return _document(mode, changed_ids, reach, [], nothing_to_check=True)
    loaded = [
        load_in_change(reader, changed_map[t], tools.get_tool(conn, id=t), root)
        for t in changed_ids
    ]
    for tool in loaded:
        if tool.manifest is not None:
            tool.contracts, tool.removed = contracts_in_change(conn, tool)
    in_scope = subjects(conn, loaded, reach)
    drift, findings = schema_drift_check(conn, loaded, root, allow_risky=allow_risky)
    jobs = jobs or default_jobs()
    timeout = timeout or DEFAULT_TIMEOUT_S
    checks = [
        manifests_check(conn, loaded, root, problems),
        drift,
        can_i_ship_check(conn, loaded, findings, allow_risky=allow_risky),
        cli_contracts_check(in_scope, quick=quick, timeout=timeout, jobs=jobs),
        mcp_contracts_check(
            in_scope, quick=quick, timeout=timeout, jobs=jobs, allow_risky=allow_risky
        ),
        new_cycles_check(conn, loaded),
        stub_dependencies_check(conn, loaded, reach),
    ]
    if not fix:
        return _document(mode, changed_ids, reach, checks)
    from pai_deps.ci.fixes import apply_fixes

    fixes = apply_fixes(conn, loaded, findings, checks, reader)
    return _document(mode, changed_ids, reach, checks, fixed=fixes.fixed, errors=fixes.errors)


def _document(
    mode: Mode,
    changed: list[str],
    affected: list[AffectedTool],
    checks: list[Check],
    *,
    nothing_to_check: bool = False,
    fixed: list[str] | None = None,
    errors: list[str] | None = None,
) -> CheckDocument:
    statuses = [check.status for check in checks]
    failed = statuses.count("fail")
    return CheckDocument(
        success=not failed,
        mode=mode,
        nothing_to_check=nothing_to_check,
        changed=changed,
        affected=[affected_entry(a) for a in affected],
        checks=checks,
        fixed=fixed or [],
        fix_errors=errors or [],
        summary=CheckSummary(
            passed=statuses.count("pass") + statuses.count("warn"),
            failed=failed,
            warnings=statuses.count("warn"),
            skipped=statuses.count("skip"),
            changed_count=len(changed),
            affected_count=len(affected),
        ),
    )
