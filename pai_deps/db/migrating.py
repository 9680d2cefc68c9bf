"""What both backends share about migrations: the result of opening, the version check.

yoyo applies each backend's own migrations (SQLite's in `migrations/`, PostgreSQL's in
`migrations/postgresql/`, same ids). A registry that holds a migration this pai-deps
does not know was written by a newer pai-deps and is refused, never downgraded.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pai_deps.errors import DatabaseError

Notify = Callable[[str], None]


@dataclass
class OpenResult:
    """What opening did besides connecting: migrations applied and the backup written."""

    applied: list[str] = field(default_factory=list)
    backup: Path | None = None
    created: bool = False


def newer_migration_error(what: str, applied: Iterable[str], known: Iterable[str]) -> None:
    """Refuse a registry that holds a migration this pai-deps does not know."""
    known_ids = set(known)
    newer = [m for m in applied if m not in known_ids]
    if newer:
        raise DatabaseError(
            f"{what} was created by a newer pai-deps (it has migration {newer[-1]}); "
            "upgrade pai-deps to use it",
            code="database_too_new",
        )


@contextlib.contextmanager
def quiet_yoyo() -> Iterator[None]:
    """yoyo logs the user name (it needs one) and prints SELECT results to stdout."""
    os.environ.setdefault("USER", "pai-deps")
    with contextlib.redirect_stdout(io.StringIO()):
        yield
