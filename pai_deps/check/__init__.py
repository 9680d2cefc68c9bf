"""`pai-deps check [ROOTS]`: every manifest and the registry judged together, offline.

picture   the manifests read from disk over the registry
findings  one finder per kind of finding
versions  version constraints (PEP 440, caret, tilde) decided with `packaging`
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, get_args

from pai_deps.results.check import CheckReport, Finding, FindingKind

if TYPE_CHECKING:
    from pai_deps.db import Connection

KINDS: tuple[FindingKind, ...] = get_args(FindingKind)
# A broken file or a promise that cannot hold fails; what the registry already tolerates
# (stubs, cycles) and what is merely on its way out warns.
DEFAULT_FAIL: tuple[FindingKind, ...] = (
    "manifest",
    "schema-file",
    "unknown-contract",
    "unused-pointer",
    "version",
)
DEFAULT_WARN: tuple[FindingKind, ...] = ("dangling", "cycle", "deprecated")


def policy(
    fail_on: Iterable[FindingKind] = (),
    warn_on: Iterable[FindingKind] = (),
    ignore: Iterable[FindingKind] = (),
) -> dict[FindingKind, str]:
    """Each kind's level: the defaults, then the kinds named (a kind may be named once)."""
    levels: dict[FindingKind, str] = dict.fromkeys(DEFAULT_FAIL, "fail")
    levels.update(dict.fromkeys(DEFAULT_WARN, "warn"))
    for kinds, level in ((fail_on, "fail"), (warn_on, "warn"), (ignore, "ignore")):
        for kind in kinds:
            levels[kind] = level
    return levels


def run_check(
    conn: Connection, roots: list[Path] | None, levels: dict[FindingKind, str]
) -> CheckReport:
    """Read the manifests (under `roots`, or the registered ones), judge, and report."""
    from pai_deps.check.findings import FINDERS
    from pai_deps.check.picture import build_picture

    picture = build_picture(conn, roots)
    findings: list[Finding] = []
    for finder in FINDERS:
        for kind, fields in finder(picture):
            level = levels.get(kind, "ignore")  # type: ignore[call-overload]
            if level != "ignore":
                findings.append(Finding.model_validate({"kind": kind, "level": level, **fields}))
    failures = sum(1 for f in findings if f.level == "fail")
    return CheckReport(
        success=failures == 0,
        roots=picture.roots,
        manifests=picture.manifests,
        tools=sum(1 for v in picture.tools.values() if not v.stub),
        findings=findings,
        failures=failures,
        warnings=len(findings) - failures,
        fail_on=[k for k in KINDS if levels.get(k) == "fail"],
        warn_on=[k for k in KINDS if levels.get(k) == "warn"],
    )
