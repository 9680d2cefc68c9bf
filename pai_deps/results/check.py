"""The document of `check`: every finding about the manifests and the registry together."""

from __future__ import annotations

from typing import Literal

from pai_deps.results.base import CamelModel, Envelope, OmitNone

FindingKind = Literal[
    "manifest",
    "schema-file",
    "dangling",
    "unknown-contract",
    "unused-pointer",
    "version",
    "cycle",
    "deprecated",
]


class Finding(CamelModel):
    """One problem, of one kind, at the level the policy gives that kind."""

    kind: FindingKind
    level: Literal["fail", "warn"]
    message: str
    lines: OmitNone[list[str]] = None  # a manifest's own problems, one per line
    file: OmitNone[str] = None
    tool: OmitNone[str] = None  # the tool it is about (the consumer, for a use)
    provider: OmitNone[str] = None
    contract: OmitNone[str] = None
    pointer: OmitNone[str] = None
    cycle: OmitNone[list[str]] = None
    dependents: OmitNone[list[str]] = None  # a dangling dependency: who depends on it


class CheckReport(Envelope):
    """`pai-deps --json check [ROOTS]`; `success` is false when a finding's kind fails."""

    roots: list[str]  # empty: the registered tools' own manifests were read
    manifests: int
    tools: int
    findings: list[Finding]
    failures: int
    warnings: int
    fail_on: list[FindingKind]
    warn_on: list[FindingKind]
