"""Documents of `ci affected` and `ci check`, and the parts the ci services build them from.

`FileMapping`, `Problem`, `Issue` and `Check` are what the services work with as well as
what they print: a check collects its issues and settles its status in the document
itself.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from pai_deps.models import ContractType, ToolType
from pai_deps.results.base import CamelModel, Envelope, OmitNone
from pai_deps.results.drift import DriftSeverity
from pai_deps.schemacompat import SchemaChange

Mode = Literal["range", "staged", "files", "worktree"]
Rule = Literal["manifest", "new-manifest", "schema", "directory", "unowned"]
CheckStatus = Literal["pass", "fail", "warn", "skip"]
IssueLevel = Literal["error", "warning", "info"]


class FileMapping(CamelModel):
    """One changed file, the tools that own it, and the rule that decided."""

    model_config = ConfigDict(frozen=True)

    path: str
    status: str
    old_path: str | None
    tools: tuple[str, ...]
    rule: Rule


class Problem(CamelModel):
    """Something the change breaks by itself, whatever the checks say."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["invalid_manifest", "deleted_manifest", "deleted_schema"]
    tool: str | None
    file: str
    message: str
    dependents: tuple[str, ...] = ()


class ChangedToolEntry(CamelModel):
    """A tool the change touches; `new` when its manifest is not registered yet."""

    tool: str
    files: list[str]
    new: bool
    manifest_deleted: bool


class AffectedToolEntry(CamelModel):
    """A dependent of a changed tool; `via` runs from the nearest changed tool to the
    tool it depends on, `reachedFrom` names every changed tool that reaches it."""

    tool: str
    type: ToolType
    depth: int
    via: list[str]
    reached_from: list[str]


class AffectedSummary(CamelModel):
    files: int
    changed_count: int
    affected_count: int
    total_count: int
    unowned_count: int
    problems: int


class AffectedDocument(Envelope):
    """`pai-deps --json ci affected`; `explain` only with --explain. Fails (`success`
    false) when the change breaks something by itself (`problems`)."""

    mode: Mode
    base: str | None
    head: str | None
    changed: list[ChangedToolEntry]
    affected: list[AffectedToolEntry]
    unowned: list[str]
    files: list[FileMapping]
    problems: list[Problem]
    summary: AffectedSummary
    explain: OmitNone[list[str]]


class Issue(CamelModel):
    """One finding of a check. Only the keys that say more about it are printed."""

    model_config = ConfigDict(frozen=True)

    tool: str | None
    level: IssueLevel
    message: str
    lines: OmitNone[list[str]]
    file: OmitNone[str]
    dependents: OmitNone[list[str]]
    contract: OmitNone[str]
    contract_type: OmitNone[ContractType]
    severity: OmitNone[DriftSeverity]
    changes: OmitNone[list[SchemaChange]]
    cycle: OmitNone[list[str]]
    dependency: OmitNone[str]
    new: OmitNone[bool]


class Check(CamelModel):
    """One named check over the tools in scope; `fail` only for what the change introduces."""

    name: str
    status: CheckStatus = "pass"
    passed: bool = True
    summary: str = ""
    tools: list[str] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)

    def add(self, tool: str | None, level: IssueLevel, message: str, **details: Any) -> None:
        self.issues.append(Issue(tool=tool, level=level, message=message, **details))

    def settle(self, summary: str) -> Check:
        """Decide the status from the issues (a skipped check stays skipped)."""
        levels = {issue.level for issue in self.issues}
        if self.status != "skip":
            self.status = "fail" if "error" in levels else "warn" if "warning" in levels else "pass"
        self.passed = self.status in ("pass", "warn")
        self.summary = summary
        return self


class CheckSummary(CamelModel):
    passed: int
    failed: int
    warnings: int
    skipped: int
    changed_count: int
    affected_count: int


class CheckDocument(Envelope):
    """`pai-deps --json ci check`: `success` when no check failed (warnings allowed)."""

    mode: Mode
    nothing_to_check: bool
    changed: list[str]
    affected: list[AffectedToolEntry]
    checks: list[Check]
    fixed: list[str]
    fix_errors: list[str]
    summary: CheckSummary
