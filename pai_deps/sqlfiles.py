"""Where the SQL lives: `queries/` and `migrations/` beside the package in a checkout,
`pai_deps/_sql/` inside an installed wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _sql_dir(name: str) -> Path:
    for candidate in (_PACKAGE_DIR / "_sql" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"pai-deps is installed without its {name}/ directory")


@cache
def queries_dir() -> Path:
    return _sql_dir("queries")


@cache
def migrations_dir() -> Path:
    return _sql_dir("migrations")


@cache
def known_migrations() -> tuple[str, ...]:
    """Migration ids this version knows, in order (yoyo's id is the file name sans `.sql`)."""
    return tuple(
        sorted(
            p.name[: -len(".sql")]
            for p in migrations_dir().glob("*.sql")
            if not p.name.endswith(".rollback.sql")
        )
    )
