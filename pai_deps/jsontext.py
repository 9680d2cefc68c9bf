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


def dump_json(document: Any) -> str:
    text = json.dumps(document, ensure_ascii=False, indent=2)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
