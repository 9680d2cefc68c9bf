"""How a manifest's values appear in messages: quoted, shortened, on one line."""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any


def one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, _dt.date):
        return "a date"
    return f"a {type(value).__name__}"


def quote(value: Any, limit: int = 60) -> str:
    """A value as it appears in a message: 'text', shortened, on one line."""
    if not isinstance(value, str):
        return one_line(repr(value), limit)
    shown = value if len(value) <= limit else value[: limit - 3] + "..."
    return repr(shown)


def yaml_quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
