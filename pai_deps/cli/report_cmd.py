"""Placeholder: commands added by a later change."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    return None
