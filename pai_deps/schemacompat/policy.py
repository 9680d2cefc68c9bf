"""One policy for every command that judges a schema change: `drift`, `verify`, `ci check`.

Which way data flows decides what breaks:

- a **request** schema (MCP `inputSchema`) describes what callers send: a change that
  rejects a call the old schema accepted is *breaking*; admitting more is compatible;
- a **response** schema (CLI `--json` output, MCP `outputSchema`, a database) describes
  what readers receive: a change that lets the producer emit what old readers could not
  accept is *breaking*; narrowing what is produced is compatible.

Where the comparison cannot decide (a changed `pattern`, a `oneOf` that is not provably
disjoint, a keyword it does not know) it says "cannot prove compatible": breaking for a
request, *risky* for a response. One judgement is policy, not set algebra: naming a new
optional property in an open object is compatible for a request too (callers send what
the schema names, so no call relied on sending something else under that name).
Annotations are cosmetic, except that a changed `default` is risky for a request
(callers that omit the field now get other behaviour).

Exit rule, the same everywhere: breaking fails; risky fails unless `--allow-risky`;
compatible and cosmetic pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pai_deps.schemacompat.compare import (
    DECLARE,
    DEFAULT,
    NARROW,
    NOTE,
    UNKNOWN,
    WIDEN,
)

Severity = Literal["breaking", "risky", "compatible", "cosmetic"]
Direction = Literal["response", "request"]
# A whole change: its worst severity, or `equivalent` when nothing differs.
Verdict = Literal["breaking", "risky", "compatible", "cosmetic", "equivalent"]

# Worst first.
SEVERITY_ORDER: tuple[Severity, ...] = ("breaking", "risky", "compatible", "cosmetic")

# effect -> (severity for a request, severity for a response)
EFFECT_SEVERITY: dict[str, tuple[Severity, Severity]] = {
    WIDEN: ("compatible", "breaking"),
    NARROW: ("breaking", "compatible"),
    UNKNOWN: ("breaking", "risky"),
    DECLARE: ("compatible", "compatible"),
    NOTE: ("cosmetic", "cosmetic"),
    DEFAULT: ("risky", "cosmetic"),
}

# Every kind of change the comparison reports, and what it means.
KINDS: dict[str, str] = {
    "property-added": "a property is newly named",
    "required-property-added": "a new property that must be present",
    "property-removed": "a named property is no longer named",
    "required-added": "a property becomes required",
    "required-removed": "a property is no longer required",
    "type-widened": "more JSON types admitted",
    "type-narrowed": "fewer JSON types admitted",
    "type-changed": "JSON types both added and removed",
    "enum-value-added": "a value added to an enum/const",
    "enum-value-removed": "a value removed from an enum/const",
    "enum-added": "values restricted to a list",
    "enum-removed": "values no longer restricted to a list",
    "constraint-tightened": "a bound, pattern, format or combinator that rejects more",
    "constraint-loosened": "one that rejects less",
    "constraint-changed": "one changed in a way that is not simply tighter or looser",
    "branch-added": "an anyOf/oneOf alternative added",
    "branch-removed": "an anyOf/oneOf alternative removed",
    "schema-changed": "a schema that admitted nothing admits something, or the reverse",
    "keyword-changed": "a keyword whose effect cannot be judged here (cannot prove compatible)",
    "description-changed": "annotation",
    "title-changed": "annotation",
    "examples-changed": "annotation",
    "comment-changed": "annotation",
    "annotation-changed": "annotation ($schema, $id, deprecated, x-*, ...)",
    "default-changed": "the value used when a field is omitted",
}


def severity(effects: Iterable[str], direction: Direction) -> Severity:
    """The worst severity among a finding's effects, for `direction`."""
    side = 0 if direction == "request" else 1
    found = {EFFECT_SEVERITY[effect][side] for effect in effects}
    return next((s for s in SEVERITY_ORDER if s in found), "cosmetic")


@dataclass(frozen=True)
class SchemaChange:
    """One classified difference.

    `pointer` locates it in the schema as it is used: `$ref`s followed, and `anyOf` of
    single types read as a type list (RFC 6901; "" is the root). Changes about one
    property point at `.../properties/<name>`, where a reader looks.
    """

    pointer: str
    kind: str
    severity: Severity
    message: str
    old: Any = None
    new: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "pointer": self.pointer,
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
            "old": self.old,
            "new": self.new,
        }


def worst_severity(changes: Iterable[SchemaChange]) -> Severity | None:
    """The most serious severity among `changes`; None when there are none."""
    present = {change.severity for change in changes}
    return next((s for s in SEVERITY_ORDER if s in present), None)


def verdict(changes: Iterable[SchemaChange]) -> Verdict:
    return worst_severity(changes) or "equivalent"


def fails(level: str | None, *, allow_risky: bool) -> bool:
    """The exit rule: does a change of this class fail the command?

    `unknown` (a hash changed and nothing can say how) fails like breaking.
    """
    if level in ("breaking", "unknown"):
        return True
    return level == "risky" and not allow_risky
