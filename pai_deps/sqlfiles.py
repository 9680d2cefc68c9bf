"""Where the SQL lives: `queries/` and `migrations/` beside the package in a checkout,
`pai_deps/_sql/` inside an installed wheel.

Each backend has its own migrations: SQLite's in `migrations/`, PostgreSQL's in
`migrations/postgresql/`, with the same ids. Queries are shared: `queries/<stem>.sql`,
with `queries/postgresql/<stem>.sql` replacing the few that must differ there.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

_PACKAGE_DIR = Path(__file__).resolve().parent

Dialect = Literal["sqlite", "postgresql"]


def _sql_dir(name: str) -> Path:
    for candidate in (_PACKAGE_DIR / "_sql" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"pai-deps is installed without its {name}/ directory")


@cache
def queries_dir() -> Path:
    return _sql_dir("queries")


def dialect_queries_dir(dialect: Dialect) -> Path | None:
    """Where a dialect's replacements for portable queries are (None for SQLite: the
    portable files are written for it and checked on it first)."""
    return None if dialect == "sqlite" else queries_dir() / dialect


@cache
def migrations_dir(dialect: Dialect = "sqlite") -> Path:
    base = _sql_dir("migrations")
    return base if dialect == "sqlite" else base / dialect


@cache
def known_migrations(dialect: Dialect = "sqlite") -> tuple[str, ...]:
    """Migration ids this version knows, in order (yoyo's id is the file name sans `.sql`)."""
    return migration_ids(migrations_dir(dialect))


def migration_ids(directory: Path) -> tuple[str, ...]:
    return tuple(
        sorted(
            p.name.rsplit(".", 1)[0]
            for p in directory.iterdir()
            if p.is_file() and p.suffix in (".sql", ".py") and not p.name.endswith(".rollback.sql")
        )
    )
