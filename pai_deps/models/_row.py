"""The base of every row model (kept apart so that each group of rows loads alone)."""

from __future__ import annotations

from pydantic import ConfigDict

from pai_deps.results.base import CamelModel


class Row(CamelModel):
    """Base for rows: validated from SQL column names, dumped with camelCase aliases."""

    model_config = ConfigDict(frozen=True)
