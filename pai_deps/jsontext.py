"""JSON text as pai-deps writes it: indented, UTF-8, every display-reordering control escaped.

`json` escapes the C0 controls itself; the C1 and bidirectional ones (and lone
surrogates) are escaped here too, so a JSON document is safe to show on a terminal.
Kept apart from the printer so that services writing JSON files need not import it.
"""

from __future__ import annotations

import json
import re
from typing import Any

# DEL, the C1 controls, and the characters that reorder or break lines on display;
# JSON escapes the C0 controls (below 0x20) by itself. Lone surrogates (a schema's
# property name may hold one) cannot be written as UTF-8 at all: shown as \uXXXX too.
BEYOND_C0 = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE_IN_JSON = re.compile(f"[{BEYOND_C0}]")


# Below this many characters of compact JSON, the pure-Python indenting encoder is cheap.
FAST_PATH_FROM = 8192


def dump_json(document: Any) -> str:
    text = indented(document)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def indented(document: Any) -> str:
    """`json.dumps(document, ensure_ascii=False, indent=2)`, character for character.

    With `indent`, the standard library falls back to its pure-Python encoder (3-4x slower
    than its C one: 46 ms against 13 ms for a 5,000-tool `list --json`). For a big document
    pydantic-core's encoder writes the indented text instead, but only once its compact
    text has been seen to equal the standard library's C encoder's: the same tokens in
    the same order then indent the same way. Anything it spells differently (floats such
    as `1e-05`, lone surrogates, non-finite numbers, keys that are not strings) takes the
    standard path.
    """
    compact = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    if len(compact) >= FAST_PATH_FROM:
        from pydantic_core import to_json

        try:
            if to_json(document).decode() == compact:
                return to_json(document, indent=2).decode()
        except (ValueError, TypeError):  # PydanticSerializationError is a ValueError
            pass
    return json.dumps(document, ensure_ascii=False, indent=2)
