"""The stack's floor: a process that imports typer, pydantic and aiosql and opens the database.

Nothing of pai-deps is imported. Every query command pays at least this much before it
does its own work, so `bench/bench_floor.py` reports each command as a ratio to it.

    python bench/floor.py REGISTRY.db
"""

from __future__ import annotations

import sqlite3
import sys

import aiosql  # noqa: F401  (the import is what is measured)
import pydantic  # noqa: F401
import typer  # noqa: F401


def main() -> None:
    conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    conn.execute("PRAGMA user_version").fetchone()
    conn.close()


if __name__ == "__main__":
    main()
