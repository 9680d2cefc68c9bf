"""Rows of recorded dependency cycles."""

from __future__ import annotations

import json
from typing import Any

from pydantic import field_validator

from pai_deps.models._row import Row


class CycleRow(Row):
    id: int
    cycle: list[str]
    detected_at: str
    resolved: bool

    @field_validator("cycle", mode="before")
    @classmethod
    def _parse_cycle(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value
