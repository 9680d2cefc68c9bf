"""JSON schemas as contracts: load, normalise and hash, resolve `$ref`s, classify changes.

Hashes must equal the TypeScript tool's (stored hashes carry over), so `normalise` copies
`JSON.stringify` exactly, number formatting and key order included. The diff answers the
question drift could not: *which* change, and does it break the people on the other side.
Whether a change breaks depends on the direction data flows, so every rule has two
verdicts, one for a response schema and one for a request schema: see `RULES`.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote

from pai_deps.errors import PaiDepsError

__all__ = [
    "RULES",
    "SEVERITY_ORDER",
    "Direction",
    "SchemaChange",
    "Severity",
    "diff_schemas",
    "escape_pointer_token",
    "load_json_file",
    "normalise",
    "parse_json_text",
    "resolve_refs",
    "schema_hash",
    "worst_severity",
]

Severity = Literal["breaking", "risky", "compatible", "cosmetic"]
Direction = Literal["response", "request"]

# Worst first.
SEVERITY_ORDER: tuple[Severity, ...] = ("breaking", "risky", "compatible", "cosmetic")


class InvalidJSONError(PaiDepsError):
    code = "invalid_json"


class SchemaRefError(PaiDepsError):
    code = "unresolvable_ref"


# --- loading ---------------------------------------------------------------------------


def parse_json_text(text: str, source: str) -> Any:
    """Parse JSON strictly (no NaN/Infinity, like JSON.parse) with a one-line error."""

    def reject_constant(name: str) -> Any:
        raise ValueError(f"{name} is not valid JSON")

    try:
        return json.loads(text, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        raise InvalidJSONError(
            f"Invalid JSON in {source} (line {exc.lineno}, column {exc.colno}): {exc.msg}"
        ) from None
    except ValueError as exc:
        raise InvalidJSONError(f"Invalid JSON in {source}: {exc}") from None
    except RecursionError:
        raise InvalidJSONError(f"Invalid JSON in {source}: nested too deeply") from None


# Schemas are kilobytes; a bigger file (or /dev/zero) would cost seconds and gigabytes.
MAX_SCHEMA_BYTES = 4 * 1024 * 1024


def load_json_file(path: Path) -> Any:
    """Read and parse a JSON file; every failure is one PaiDepsError line naming the file.

    Only a regular file of at most `MAX_SCHEMA_BYTES` is read (no FIFO, no device).
    """
    from pai_deps.safeio import read_regular_file

    raw = read_regular_file(path, limit=MAX_SCHEMA_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidJSONError(f"Invalid JSON in {path}: not UTF-8 (byte {exc.start})") from None
    return parse_json_text(text, str(path))


# --- normalisation and hashing ------------------------------------------------------------

_MAX_SAFE_INTEGER = 2**53
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def normalise(obj: Any) -> str:
    """Canonical JSON text, byte-identical to the TypeScript tool's `normalizeSchema`.

    Keys sorted by UTF-16 code units (JS `sort()`), no whitespace, non-ASCII raw, numbers
    as JavaScript prints them (`1.0` -> `1`, `1e21` -> `1e+21`, `1e-7` -> `1e-7`).
    """
    parts: list[str] = []
    _emit(obj, parts)
    return "".join(parts)


def schema_hash(obj: Any) -> str:
    """SHA-256 hex of the normalised text: the drift fingerprint of a schema."""
    return hashlib.sha256(normalise(obj).encode("utf-8")).hexdigest()


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be", errors="surrogatepass")


def _emit(obj: Any, parts: list[str]) -> None:
    if isinstance(obj, dict):
        if not all(isinstance(key, str) for key in obj):
            raise TypeError("JSON object keys must be strings")
        parts.append("{")
        for index, key in enumerate(sorted(obj, key=_utf16_key)):
            if index:
                parts.append(",")
            parts.append(_js_string(key))
            parts.append(":")
            _emit(obj[key], parts)
        parts.append("}")
    elif isinstance(obj, list | tuple):
        parts.append("[")
        for index, item in enumerate(obj):
            if index:
                parts.append(",")
            _emit(item, parts)
        parts.append("]")
    elif isinstance(obj, str):
        parts.append(_js_string(obj))
    elif obj is None or isinstance(obj, bool):
        parts.append(json.dumps(obj))
    elif isinstance(obj, int):
        parts.append(_js_int(obj))
    elif isinstance(obj, float):
        parts.append(_js_number(obj))
    else:
        raise TypeError(f"Not a JSON value: {type(obj).__name__}")


def _js_string(text: str) -> str:
    """JSON.stringify of a string: same escapes as Python, lone surrogates as \\uXXXX."""
    encoded = json.dumps(text, ensure_ascii=False)
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)


def _js_int(value: int) -> str:
    """JS holds every number as a double: large integers lose precision the same way."""
    if -_MAX_SAFE_INTEGER < value < _MAX_SAFE_INTEGER:
        return str(value)
    try:
        return _js_number(float(value))
    except OverflowError:  # beyond double range: JSON.parse gives Infinity -> "null"
        return "null"


def _js_number(value: float) -> str:
    """ECMAScript Number::toString (the shortest round-trip digits, JS layout)."""
    if math.isnan(value) or math.isinf(value):
        return "null"  # what JSON.stringify prints
    if value == 0:
        return "0"  # includes -0
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    all_digits = whole + fraction
    leading_zeros = len(all_digits) - len(all_digits.lstrip("0"))
    digits = all_digits[leading_zeros:].rstrip("0")
    # value = 0.<digits> * 10**n: the spec's k (digit count) and n.
    point = len(whole) + int(exponent or 0) - leading_zeros
    k, n = len(digits), point
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = f"{digits[:n]}.{digits[n:]}"
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        e = n - 1
        exp = f"e{'+' if e >= 0 else '-'}{abs(e)}"
        text = (digits if k == 1 else f"{digits[0]}.{digits[1:]}") + exp
    return sign + text


# --- $ref resolution ------------------------------------------------------------------------


# Keywords whose values are data, not schemas: a "$ref" key inside them is not a reference.
_DATA_KEYWORDS = frozenset({"const", "enum", "default", "examples"})

# A position in a JSON document: the unescaped tokens of its JSON pointer.
Location = tuple[str, ...]


def escape_pointer_token(token: str | int) -> str:
    """RFC 6901: `~` -> `~0`, `/` -> `~1`."""
    return str(token).replace("~", "~0").replace("/", "~1")


def resolve_refs(schema: Any) -> Any:
    """A copy of `schema` with every local `$ref` replaced by what it points to.

    - Local means `#`, `#/json/pointer` (percent-decoded, `~0`/`~1` unescaped) or a plain
      `#name` anchor (`$anchor`, or a draft-07 `$id: "#name"`). Other refs (files, URLs)
      are left as they are: nothing is fetched.
    - A recursive ref is left as `{"$ref": ...}` where the recursion would begin, so the
      result is finite.
    - Keywords next to a `$ref` are kept: merged into the target when they do not clash,
      otherwise the two are combined with `allOf` (which is what 2019-09+ means anyway).
    - `definitions` / `$defs` stay in place; `diff_schemas` ignores them.
    """
    anchors = _collect_anchors(schema)

    def lookup(ref: str) -> tuple[Any, Location]:
        fragment = unquote(ref[1:])
        if fragment and not fragment.startswith("/"):
            if fragment in anchors:
                return anchors[fragment]
            raise SchemaRefError(f"Unresolvable $ref {ref!r}: no such anchor")
        node: Any = schema
        location: Location = ()
        for raw in fragment.split("/")[1:] if fragment else []:
            token = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise SchemaRefError(f"Unresolvable $ref {ref!r}: no {token!r} in the schema")
            location = (*location, token)
        return node, location

    def walk(node: Any, location: Location, expanding: frozenset[Location]) -> Any:
        """`location`: where `node` sits in the document; `expanding`: targets being inlined."""
        if isinstance(node, list):
            return [walk(item, (*location, str(i)), expanding) for i, item in enumerate(node)]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        siblings = {
            key: value if key in _DATA_KEYWORDS else walk(value, (*location, key), expanding)
            for key, value in node.items()
            if key != "$ref" or not isinstance(ref, str) or not ref.startswith("#")
        }
        if not isinstance(ref, str) or not ref.startswith("#"):
            return siblings
        target, target_location = lookup(ref)
        # Recursion: the target encloses this very spot, or is already being inlined.
        if location[: len(target_location)] == target_location or target_location in expanding:
            return {"$ref": ref, **siblings}
        resolved = walk(target, target_location, expanding | {target_location})
        if not siblings:
            return resolved
        if isinstance(resolved, dict) and not (siblings.keys() & resolved.keys()):
            return {**resolved, **siblings}
        return {"allOf": [resolved], **siblings}

    return walk(schema, (), frozenset())


def _collect_anchors(schema: Any) -> dict[str, tuple[Any, Location]]:
    """`$anchor` names (and draft-07 `$id: "#name"`) with the node and where it sits."""
    anchors: dict[str, tuple[Any, Location]] = {}
    stack: list[tuple[Any, Location]] = [(schema, ())]
    while stack:
        node, location = stack.pop()
        if isinstance(node, dict):
            anchor = node.get("$anchor")
            legacy = node.get("$id")
            if isinstance(anchor, str):
                anchors.setdefault(anchor, (node, location))
            if isinstance(legacy, str) and legacy.startswith("#") and len(legacy) > 1:
                anchors.setdefault(legacy[1:], (node, location))
            stack.extend((value, (*location, key)) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((value, (*location, str(i))) for i, value in enumerate(node))
    return anchors


# --- diff -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """How bad one kind of change is for each direction, and how to say it."""

    response: Severity
    request: Severity
    explains: str


# THE rule table. Response = data we send (CLI --json output, MCP outputSchema): consumers
# read it, so anything they may now receive but did not before is the risk. Request = data
# we accept (MCP inputSchema): callers write it, so anything they sent before and we now
# reject is the break. Widening is the mirror image of narrowing.
RULES: dict[str, Rule] = {
    # properties
    "property-added": Rule("compatible", "compatible", "new optional property"),
    "required-property-added": Rule(
        "compatible", "breaking", "new property that callers must send"
    ),
    "required-property-added-with-default": Rule(
        "compatible", "compatible", "new required property with a default"
    ),
    "property-removed": Rule(
        "breaking", "compatible", "consumers may read it; callers may still send it"
    ),
    "property-removed-closed": Rule(
        "breaking", "breaking", "removed, and additionalProperties:false rejects it now"
    ),
    "required-added": Rule("compatible", "breaking", "optional -> required"),
    "required-removed": Rule("breaking", "compatible", "required -> optional: may be absent"),
    # types and values
    "type-widened": Rule("risky", "compatible", "more types accepted"),
    "type-narrowed": Rule("compatible", "breaking", "fewer types accepted"),
    "type-changed": Rule("breaking", "breaking", "types both added and removed"),
    "enum-value-added": Rule("risky", "compatible", "a value consumers may not handle"),
    "enum-value-removed": Rule("compatible", "breaking", "a value callers may still send"),
    "enum-added": Rule("compatible", "breaking", "values now restricted to a list"),
    "enum-removed": Rule("risky", "compatible", "values no longer restricted"),
    # other validation keywords (bounds, pattern, format, additionalProperties, ...)
    "constraint-tightened": Rule("compatible", "breaking", "fewer values valid"),
    "constraint-loosened": Rule("risky", "compatible", "more values valid"),
    "constraint-changed": Rule("risky", "risky", "changed in a way we cannot order"),
    # anyOf / oneOf (a union: a new branch widens) and allOf (an intersection: narrows)
    "branch-added": Rule("risky", "compatible", "anyOf/oneOf alternative added"),
    "branch-removed": Rule("compatible", "breaking", "anyOf/oneOf alternative removed"),
    "allof-branch-added": Rule("compatible", "breaking", "allOf constraint added"),
    "allof-branch-removed": Rule("risky", "compatible", "allOf constraint removed"),
    # anything this table does not understand: never silent, never assumed safe
    "keyword-changed": Rule("risky", "risky", "unclassified keyword changed"),
    # annotations: no effect on validity
    "description-changed": Rule("cosmetic", "cosmetic", "annotation"),
    "title-changed": Rule("cosmetic", "cosmetic", "annotation"),
    "examples-changed": Rule("cosmetic", "cosmetic", "annotation"),
    "comment-changed": Rule("cosmetic", "cosmetic", "annotation"),
    "annotation-changed": Rule("cosmetic", "cosmetic", "annotation"),
    "default-changed": Rule("cosmetic", "risky", "callers that omit it get other behaviour"),
}

# Annotation keyword -> change kind. Editing these never changes which documents are valid.
_ANNOTATIONS = {
    "description": "description-changed",
    "title": "title-changed",
    "examples": "examples-changed",
    "$comment": "comment-changed",
    "default": "default-changed",
    "deprecated": "annotation-changed",
    "readOnly": "annotation-changed",
    "writeOnly": "annotation-changed",
    "$id": "annotation-changed",
    "$anchor": "annotation-changed",
    "contentMediaType": "annotation-changed",
    "contentEncoding": "annotation-changed",
}
# Containers for reusable schemas: their content is compared where it is used ($ref inlined).
_CONTAINERS = {"definitions", "$defs"}
# Bounds: for a lower bound a bigger number is tighter, for an upper bound a smaller one.
_LOWER_BOUNDS = {"minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"}
_UPPER_BOUNDS = {"maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"}
# Present = restricted, absent = anything; a different value cannot be ordered.
_RESTRICTIONS = {"pattern", "format", "multipleOf", "uniqueItems"}
# Keywords whose value is one subschema; absent means "anything" (the empty schema).
_SUBSCHEMAS = {"items", "additionalItems", "contains", "propertyNames", "unevaluatedItems"}
# Keywords whose value maps names to subschemas; a missing entry means "anything".
_SCHEMA_MAPS = {"patternProperties", "dependentSchemas"}
_JSON_TYPES = ("array", "boolean", "integer", "null", "number", "object", "string")


@dataclass(frozen=True)
class SchemaChange:
    """One classified difference.

    `pointer` locates it in the ref-resolved schema (RFC 6901; "" is the root). Changes
    about one property (added, removed, required or not) point at `.../properties/<name>`
    rather than at the `required` array, which is where a reader looks.
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


def worst_severity(changes: list[SchemaChange]) -> Severity | None:
    """The most serious severity among `changes`; None when there are none."""
    present = {change.severity for change in changes}
    return next((severity for severity in SEVERITY_ORDER if severity in present), None)


def diff_schemas(old: Any, new: Any, *, direction: Direction) -> list[SchemaChange]:
    """Classify every difference between two schemas, after inlining `$ref`s on both sides.

    Pairing: properties by name; tuple items (`prefixItems`, array-form `items`) and
    `anyOf`/`oneOf`/`allOf` branches by index (reordering branches therefore shows up as
    changes inside them; matching by similarity would guess). A keyword this module does
    not understand is reported as `keyword-changed` (risky), never ignored.
    """
    if direction not in ("response", "request"):
        raise ValueError(f"direction must be 'response' or 'request', not {direction!r}")
    differ = _Differ(direction)
    differ.compare(resolve_refs(old), resolve_refs(new), "")
    return differ.changes


class _Differ:
    def __init__(self, direction: Direction) -> None:
        self.direction = direction
        self.changes: list[SchemaChange] = []

    def emit(self, pointer: str, kind: str, message: str, old: Any = None, new: Any = None) -> None:
        rule = RULES[kind]
        severity = rule.response if self.direction == "response" else rule.request
        self.changes.append(SchemaChange(pointer, kind, severity, message, old, new))

    def compare(self, old: Any, new: Any, pointer: str) -> None:
        """Each handler compares one group of keywords and returns the keywords it used;
        whatever no handler used is compared whole (`keyword-changed`)."""
        if _same(old, new):
            return
        if (
            isinstance(old, bool)
            or isinstance(new, bool)
            or not (isinstance(old, dict) and isinstance(new, dict))
        ):
            self.compare_boolean_schemas(old, new, pointer)
            return
        handled: set[str] = set(_CONTAINERS)
        for handler in (
            self.compare_annotations,
            self.compare_types,
            self.compare_values,
            self.compare_properties,
            self.compare_additional_properties,
            self.compare_bounds,
            self.compare_subschemas,
            self.compare_tuples,
            self.compare_branches,
        ):
            handled |= handler(old, new, pointer)
        for key in sorted((old.keys() | new.keys()) - handled):
            if not _same(old.get(key, _ABSENT), new.get(key, _ABSENT)):
                kind = "annotation-changed" if key.startswith("x-") else "keyword-changed"
                self.emit(
                    _join(pointer, key),
                    kind,
                    f"'{key}' changed",
                    old.get(key),
                    new.get(key),
                )

    def compare_boolean_schemas(self, old: Any, new: Any, pointer: str) -> None:
        """`true` accepts anything (like `{}`), `false` accepts nothing."""
        if old is False or new is False:
            kind = "constraint-loosened" if old is False else "constraint-tightened"
            self.emit(pointer, kind, f"schema changed from {_show(old)} to {_show(new)}", old, new)
            return
        before = {} if old is True else old
        after = {} if new is True else new
        if isinstance(before, dict) and isinstance(after, dict):
            self.compare(before, after, pointer)
        else:  # not a schema at all: report rather than guess
            self.emit(pointer, "keyword-changed", "schema changed", old, new)

    def compare_annotations(
        self, old: dict[str, Any], new: dict[str, Any], pointer: str
    ) -> set[str]:
        for key, kind in _ANNOTATIONS.items():
            if not _same(old.get(key, _ABSENT), new.get(key, _ABSENT)):
                message = (
                    f"{key} changed"
                    if key in old and key in new
                    else (f"{key} added" if key in new else f"{key} removed")
                )
                self.emit(_join(pointer, key), kind, message, old.get(key), new.get(key))
        return set(_ANNOTATIONS)

    def compare_types(self, old: dict[str, Any], new: dict[str, Any], pointer: str) -> set[str]:
        before, after = _types(old), _types(new)
        if before == after:
            return {"type"}
        widened = all(_accepts(after, t) for t in before)
        narrowed = all(_accepts(before, t) for t in after)
        kind = "type-widened" if widened else "type-narrowed" if narrowed else "type-changed"
        verb = kind.removeprefix("type-")
        message = f"type {verb} from {_show_types(before)} to {_show_types(after)}"
        self.emit(_join(pointer, "type"), kind, message, old.get("type"), new.get("type"))
        return {"type"}

    def compare_values(self, old: dict[str, Any], new: dict[str, Any], pointer: str) -> set[str]:
        """`enum` and `const` (a one-value enum) as sets of allowed values."""
        before, after = _allowed_values(old), _allowed_values(new)
        keyword = "enum" if "enum" in old or "enum" in new else "const"
        at = _join(pointer, keyword)
        if before is None and after is not None:
            self.emit(
                at,
                "enum-added",
                f"values restricted to {_show_values(after)}",
                None,
                list(after.values()),
            )
        elif before is not None and after is None:
            self.emit(
                at, "enum-removed", "values no longer restricted", list(before.values()), None
            )
        elif before is not None and after is not None:
            for key in sorted(after.keys() - before.keys()):
                self.emit(
                    at, "enum-value-added", f"value {_show(after[key])} added", None, after[key]
                )
            for key in sorted(before.keys() - after.keys()):
                self.emit(
                    at,
                    "enum-value-removed",
                    f"value {_show(before[key])} removed",
                    before[key],
                    None,
                )
        return {"enum", "const"}

    def compare_properties(
        self, old: dict[str, Any], new: dict[str, Any], pointer: str
    ) -> set[str]:
        old_props, new_props = _mapping(old, "properties"), _mapping(new, "properties")
        old_required, new_required = _required(old), _required(new)
        closed = (
            new.get("additionalProperties") is False or new.get("unevaluatedProperties") is False
        )
        names = old_props.keys() | new_props.keys() | old_required | new_required
        for name in sorted(names):
            at = _join(_join(pointer, "properties"), name)
            was, now = name in old_props, name in new_props
            was_required, now_required = name in old_required, name in new_required
            if was and not now:
                kind = "property-removed-closed" if closed else "property-removed"
                self.emit(at, kind, f"property '{name}' removed", old_props[name], None)
                continue
            if now and not was:
                schema = new_props[name]
                if not now_required:
                    kind, what = "property-added", "optional"
                elif isinstance(schema, dict) and "default" in schema:
                    kind, what = "required-property-added-with-default", "required (with default)"
                else:
                    kind, what = "required-property-added", "required"
                self.emit(at, kind, f"{what} property '{name}' added", None, schema)
                continue
            if was_required and not now_required:
                self.emit(at, "required-removed", f"property '{name}' is no longer required")
            elif now_required and not was_required:
                self.emit(at, "required-added", f"property '{name}' is now required")
            if was and now:
                self.compare(old_props[name], new_props[name], at)
        return {"properties", "required"}

    def compare_additional_properties(
        self, old: dict[str, Any], new: dict[str, Any], pointer: str
    ) -> set[str]:
        for key in ("additionalProperties", "unevaluatedProperties"):
            before, after = old.get(key, True), new.get(key, True)
            if isinstance(before, dict) and isinstance(after, dict):
                self.compare(before, after, _join(pointer, key))
            elif not _same(before, after):
                openness = {True: 2, False: 0}
                rank_before = openness.get(before, 1) if isinstance(before, bool) else 1
                rank_after = openness.get(after, 1) if isinstance(after, bool) else 1
                kind = "constraint-loosened" if rank_after > rank_before else "constraint-tightened"
                message = f"{key} changed from {_show(before)} to {_show(after)}"
                self.emit(_join(pointer, key), kind, message, old.get(key), new.get(key))
        return {"additionalProperties", "unevaluatedProperties"}

    def compare_bounds(self, old: dict[str, Any], new: dict[str, Any], pointer: str) -> set[str]:
        """Bounds can be ordered; other restrictions only as present (tight) or absent."""
        for key in sorted(_LOWER_BOUNDS | _UPPER_BOUNDS | _RESTRICTIONS):
            before, after = old.get(key, _ABSENT), new.get(key, _ABSENT)
            if key == "uniqueItems":  # false is the same as absent
                before = True if before is True else _ABSENT
                after = True if after is True else _ABSENT
            if _same(before, after):
                continue
            if before is _ABSENT:
                kind = "constraint-tightened"
            elif after is _ABSENT:
                kind = "constraint-loosened"
            elif key in _RESTRICTIONS or not _numbers(before, after):
                kind = "constraint-changed"
            elif (after > before) == (key in _LOWER_BOUNDS):
                kind = "constraint-tightened"
            else:
                kind = "constraint-loosened"
            message = f"{key} changed from {_show(before)} to {_show(after)}"
            self.emit(_join(pointer, key), kind, message, old.get(key), new.get(key))
        return _LOWER_BOUNDS | _UPPER_BOUNDS | _RESTRICTIONS

    def compare_subschemas(
        self, old: dict[str, Any], new: dict[str, Any], pointer: str
    ) -> set[str]:
        for key in sorted(_SUBSCHEMAS):
            before, after = old.get(key, True), new.get(key, True)
            if key == "items" and (isinstance(before, list) or isinstance(after, list)):
                if not (_tuple_form(old, key) and _tuple_form(new, key)):
                    message = "items changed between tuple form and one schema for all items"
                    self.emit(_join(pointer, key), "keyword-changed", message, before, after)
                continue  # tuple form: compare_tuples
            self.compare(before, after, _join(pointer, key))
        for key in sorted(_SCHEMA_MAPS):
            before_map, after_map = _mapping(old, key), _mapping(new, key)
            for name in sorted(before_map.keys() | after_map.keys()):
                self.compare(
                    before_map.get(name, True),
                    after_map.get(name, True),
                    _join(_join(pointer, key), name),
                )
        return _SUBSCHEMAS | _SCHEMA_MAPS

    def compare_tuples(self, old: dict[str, Any], new: dict[str, Any], pointer: str) -> set[str]:
        """Positional items: `prefixItems` (2020-12) or array-form `items` (draft-07)."""
        for key in ("prefixItems", "items"):
            if not (_tuple_form(old, key) and _tuple_form(new, key)):
                continue  # one schema for all items, or a form change: compare_subschemas
            before, after = old.get(key, []), new.get(key, [])
            for index in range(max(len(before), len(after))):
                self.compare(
                    before[index] if index < len(before) else True,
                    after[index] if index < len(after) else True,
                    _join(_join(pointer, key), index),
                )
        return {"prefixItems"}

    def compare_branches(self, old: dict[str, Any], new: dict[str, Any], pointer: str) -> set[str]:
        for key in ("anyOf", "oneOf", "allOf"):
            before, after = old.get(key), new.get(key)
            if _same(before, after):
                continue
            at = _join(pointer, key)
            if not (isinstance(before, list) and isinstance(after, list)):
                # Introducing a combinator restricts (anyOf [A] means "must be A");
                # dropping one relaxes.
                if before is None:
                    kind, what = "constraint-tightened", "added"
                elif after is None:
                    kind, what = "constraint-loosened", "removed"
                else:
                    kind, what = "keyword-changed", "changed"
                self.emit(at, kind, f"{key} {what}", before, after)
                continue
            prefix = "allof-" if key == "allOf" else ""
            for index in range(max(len(before), len(after))):
                if index < len(before) and index < len(after):
                    self.compare(before[index], after[index], _join(at, index))
                elif index < len(after):
                    self.emit(
                        _join(at, index),
                        f"{prefix}branch-added",
                        f"{key} branch {index} added",
                        None,
                        after[index],
                    )
                else:
                    self.emit(
                        _join(at, index),
                        f"{prefix}branch-removed",
                        f"{key} branch {index} removed",
                        before[index],
                        None,
                    )
        return {"anyOf", "oneOf", "allOf"}


class _Absent:
    def __repr__(self) -> str:
        return "absent"


_ABSENT: Any = _Absent()


def _same(a: Any, b: Any) -> bool:
    if a is _ABSENT or b is _ABSENT:
        return a is b
    return normalise(a) == normalise(b)


def _join(pointer: str, token: str | int) -> str:
    return f"{pointer}/{escape_pointer_token(token)}"


def _show(value: Any) -> str:
    if value is _ABSENT:
        return "absent"
    text = normalise(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _mapping(schema: dict[str, Any], key: str) -> dict[str, Any]:
    value = schema.get(key)
    return value if isinstance(value, dict) else {}


def _tuple_form(schema: dict[str, Any], key: str) -> bool:
    """Positional items (or none at all): a list, or the keyword absent."""
    return isinstance(schema.get(key, []), list)


def _required(schema: dict[str, Any]) -> set[str]:
    value = schema.get("required")
    return {name for name in value if isinstance(name, str)} if isinstance(value, list) else set()


def _types(schema: dict[str, Any]) -> frozenset[str]:
    """The JSON types a schema's `type` admits; absent means all of them."""
    value = schema.get("type")
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, list):
        return frozenset(v for v in value if isinstance(v, str))
    return frozenset(_JSON_TYPES)


def _accepts(types: frozenset[str], json_type: str) -> bool:
    return json_type in types or (json_type == "integer" and "number" in types)


def _show_types(types: frozenset[str]) -> str:
    return "any" if types == frozenset(_JSON_TYPES) else "|".join(sorted(types)) or "none"


def _allowed_values(schema: dict[str, Any]) -> dict[str, Any] | None:
    """Allowed values keyed by their normalised text (so 1 and 1.0 are one value)."""
    values: dict[str, Any] | None = None
    if isinstance(schema.get("enum"), list):
        values = {normalise(v): v for v in schema["enum"]}
    if "const" in schema:
        const = {normalise(schema["const"]): schema["const"]}
        values = const if values is None else {k: v for k, v in values.items() if k in const}
    return values


def _show_values(values: dict[str, Any]) -> str:
    return _show(list(values.values()))


def _numbers(*values: Any) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
