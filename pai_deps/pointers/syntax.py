"""The pointer syntax: RFC 6901 JSON pointers in which a whole segment `*` means any array
index or object key (so a key that is exactly `*` can only be read through the wildcard).
`~0` and `~1` escape `~` and `/`, as in RFC 6901."""

from __future__ import annotations

import re
from collections.abc import Sequence

WILDCARD = "*"
# A pointer is a path into one document, not a payload: long ones are mistakes.
MAX_POINTER_LENGTH = 1024
_BAD_TILDE = re.compile(r"~(?![01])")


class PointerError(ValueError):
    """A pointer that is not one; the message says why, in words a manifest author reads."""


def parse_pointer(text: str) -> tuple[str, ...]:
    """The segments of `text` (`""` is the whole document: no segments), unescaped."""
    if text == "":
        return ()
    if len(text) > MAX_POINTER_LENGTH:
        raise PointerError(f"is longer than {MAX_POINTER_LENGTH} characters")
    if not text.startswith("/"):
        raise PointerError("must be empty or start with '/' (e.g. /results/*/id)")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        raise PointerError("must not contain control characters")
    if _BAD_TILDE.search(text):
        raise PointerError("has a '~' that is not ~0 (for ~) or ~1 (for /)")
    return tuple(raw.replace("~1", "/").replace("~0", "~") for raw in text[1:].split("/"))


def format_pointer(segments: Sequence[str]) -> str:
    """The inverse of `parse_pointer`."""
    return "".join("/" + s.replace("~", "~0").replace("/", "~1") for s in segments)


def overlaps(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether the values `a` reads and the values `b` reads share anything.

    One is a prefix of the other, segment by segment, a wildcard matching any segment:
    reading `/results` reads `/results/0/id`, and `/results/*/id` meets `/results/3`.
    """
    return all(x == y or WILDCARD in (x, y) for x, y in zip(a, b, strict=False))
