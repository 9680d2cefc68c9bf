"""JSON schemas as contracts: load, normalise and hash.

Hashes must equal the TypeScript tool's (stored hashes carry over), so `normalise` copies
`JSON.stringify` exactly, number formatting and key order included. Whether a change
between two schemas breaks anyone is `pai_deps.schemacompat`'s question.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from pathlib import Path
from typing import Any

from pai_deps.errors import PaiDepsError

__all__ = [
    "escape_pointer_token",
    "escape_surrogates",
    "load_json_file",
    "normalise",
    "parse_json_text",
    "schema_hash",
]


class InvalidJSONError(PaiDepsError):
    code = "invalid_json"


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
    if isinstance(obj, str):  # the common cases, without the machinery
        return _js_string(obj)
    if obj is None or isinstance(obj, bool):
        return json.dumps(obj)
    if isinstance(obj, int):
        return _js_int(obj)
    parts: list[str] = []
    _emit(obj, parts)
    return "".join(parts)


def schema_hash(obj: Any) -> str:
    """SHA-256 hex of the normalised text: the drift fingerprint of a schema."""
    return hashlib.sha256(normalise(obj).encode("utf-8")).hexdigest()


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be", errors="surrogatepass")


def _emit(obj: Any, parts: list[str]) -> None:
    """Append the canonical text of `obj`; iterative, so nesting depth costs no stack."""
    # The stack holds values still to write and literal text (`_Text`) to write between.
    stack: list[Any] = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, _Text):
            parts.append(item)
        elif isinstance(item, dict):
            stack.extend(reversed(_object_parts(item)))
        elif isinstance(item, list | tuple):
            stack.extend(reversed(_array_parts(item)))
        elif isinstance(item, str):
            parts.append(_js_string(item))
        elif item is None or isinstance(item, bool):
            parts.append(json.dumps(item))
        elif isinstance(item, int):
            parts.append(_js_int(item))
        elif isinstance(item, float):
            parts.append(_js_number(item))
        else:
            raise TypeError(f"Not a JSON value: {type(item).__name__}")


def _object_parts(item: dict[Any, Any]) -> list[Any]:
    """An object as text and values to write in order: keys sorted as JavaScript sorts."""
    if not all(isinstance(key, str) for key in item):
        raise TypeError("JSON object keys must be strings")
    parts: list[Any] = [_Text("{")]
    for index, key in enumerate(sorted(item, key=_utf16_key)):
        prefix = "," if index else ""
        parts.extend((_Text(f"{prefix}{_js_string(key)}:"), item[key]))
    parts.append(_Text("}"))
    return parts


def _array_parts(item: list[Any] | tuple[Any, ...]) -> list[Any]:
    parts: list[Any] = [_Text("[")]
    for index, value in enumerate(item):
        if index:
            parts.append(_Text(","))
        parts.append(value)
    parts.append(_Text("]"))
    return parts


class _Text(str):
    """Literal output inside `_emit` (told apart from string values by its type)."""


def escape_surrogates(text: str) -> str:
    """JSON text with lone surrogates (valid in JSON, not encodable as UTF-8) as \\uXXXX."""
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _js_string(text: str) -> str:
    """JSON.stringify of a string: same escapes as Python, lone surrogates as \\uXXXX."""
    return escape_surrogates(json.dumps(text, ensure_ascii=False))


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


def escape_pointer_token(token: str | int) -> str:
    """RFC 6901: `~` -> `~0`, `/` -> `~1`."""
    return str(token).replace("~", "~0").replace("/", "~1")
