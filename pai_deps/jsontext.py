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


# A document with a list or object of fewer values than this (one level down) is cheap
# for the pure-Python indenting encoder.
FAST_PATH_FROM = 256

# Where pydantic-core may spell a float unlike `repr`: a one-digit negative exponent
# (`1e-7`, repr `1e-07`) or a number in [1e-5, 1e-4) written out (`0.00001`, repr
# `1e-05`). Both literal, so finding them scans the text at C speed.
_EXPONENT = re.compile(r"e-\d")
_SMALL = re.compile(r"0\.0000")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?")


def dump_json(document: Any) -> str:
    return _escaped(indented(document))


def dump_model(model: Any) -> str:
    """`dump_json(model.document())` for a result model (duck-typed: this module imports
    no pydantic). A big one is written by pydantic-core straight from the model, without
    building the document's dicts first (5 ms of a 5,000-tool `list --json`), and then
    respelled and escaped exactly as `dump_json` does."""
    if _big(vars(model)):
        try:
            text = model.model_dump_json(indent=2, by_alias=True)
        except ValueError:  # a lone surrogate: the standard path below writes it
            pass
        else:
            return _escaped(_respelled(text))
    return dump_json(model.document())


def _escaped(text: str) -> str:
    if text.isascii() and "\x7f" not in text:  # nothing to escape (both at C speed)
        return text
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def indented(document: Any) -> str:
    """`json.dumps(document, ensure_ascii=False, indent=2)`, character for character.

    With `indent`, the standard library falls back to its pure-Python encoder (about 10x
    slower than pydantic-core's: 39 ms against 3.5 ms for a 5,000-tool `list --json`).
    For a big document pydantic-core writes the indented text instead. The two agree on
    everything a JSON document holds (strings and their escapes, integers of any size,
    the layout, `Infinity`/`NaN`, keys that are strings, integers or booleans) except how
    some floats are spelled: pydantic-core writes `1e-7` and `0.00001` where `repr`
    writes `1e-07` and `1e-05`. Both write the shortest digits that read back as the
    same float, so each such number is rewritten as `repr(float(text))`. A document
    pydantic-core cannot write (a lone surrogate) takes the standard path.
    """
    if _big(document):
        text = fast_indented(document)
        if text is not None:
            return text
    return json.dumps(document, ensure_ascii=False, indent=2)


def fast_indented(document: Any) -> str | None:
    """pydantic-core's indented text with `repr`'s floats; None when it cannot write it."""
    from pydantic_core import to_json

    try:
        text = to_json(document, indent=2).decode()
    except (ValueError, TypeError):  # PydanticSerializationError is a ValueError
        return None
    return _respelled(text)


def _respelled(text: str) -> str:
    """Indented JSON text with every float token written as `repr` writes it."""
    spans = sorted(
        {
            span
            for p in (_EXPONENT, _SMALL)
            for m in p.finditer(text)
            if (span := _float_at(text, m.start()))
        }
    )
    if not spans:
        return text
    parts: list[str] = []
    done = 0
    for start, end in spans:
        parts += [text[done:start], repr(float(text[start:end]))]
        done = end
    parts.append(text[done:])
    return "".join(parts)


def _float_at(text: str, at: int) -> tuple[int, int] | None:
    """The span of the number token around `at`, when it is a line's value.

    Indented JSON puts each scalar on its own line: indentation, a key and `": "` in an
    object, the value, a comma unless last. A string cannot end a line in a number (it
    ends with a quote and holds no raw newline), so a line that ends in a number token
    has that number as its value; text inside strings is never touched.
    """
    line_end = text.find("\n", at)
    line_end = len(text) if line_end < 0 else line_end
    end = line_end - 1 if text[line_end - 1] == "," else line_end
    line_start = text.rfind("\n", 0, at) + 1
    start = text.rfind(" ", line_start, at) + 1 or line_start
    before = text[line_start:start]
    if not _NUMBER.fullmatch(text, start, end) or (
        before.strip(" ") and not before.endswith('": ')
    ):
        return None
    return start, end


def _big(document: Any) -> bool:
    """Whether `document` holds enough values for the fast path to pay (a cheap guess)."""
    if isinstance(document, dict):
        return any(
            isinstance(v, (list, dict)) and len(v) >= FAST_PATH_FROM for v in document.values()
        )
    return isinstance(document, list) and len(document) >= FAST_PATH_FROM
