"""Looking at a PostgreSQL registry without touching it: `db status` and `db check`.

Both only read, so a read-only role can run them; neither migrates.
"""

from __future__ import annotations

from pai_deps.db.migrating import newer_migration_error
from pai_deps.db.postgres import connect, inspect_schema
from pai_deps.db.status import DbCheck, DbStatus
from pai_deps.db.target import PostgresTarget
from pai_deps.errors import DatabaseError
from pai_deps.sqlfiles import known_migrations


def describe(target: PostgresTarget) -> DbStatus:
    from pai_deps.repo import meta

    conn = connect(target)
    try:
        applied_ids = inspect_schema(conn)
        known = known_migrations("postgresql")
        newer_migration_error(f"The PostgreSQL registry {target.shown}", applied_ids, known)
        rows = meta.applied_migrations(conn) if applied_ids else []
        tables: dict[str, int] | None = None
        if meta.table_exists(conn, name="tools"):
            tables = meta.table_row_counts(conn).model_dump(by_alias=False)
        return DbStatus(
            location=target.shown,
            backend="postgresql",
            exists=True,
            size_bytes=meta.database_size(conn),
            journal_mode=None,
            applied=[(r.migration_id, _utc_text(r.applied_at_utc)) for r in rows],
            pending=[m for m in known if m not in applied_ids],
            tables=tables,
            server=f"PostgreSQL {_version(conn.info.server_version)}",
        )
    finally:
        conn.close()


def check_integrity(target: PostgresTarget) -> DbCheck:
    """PostgreSQL enforces the constraints itself; reading every row of every registry
    table makes the server check each page it reads (damage is an XX00x error)."""
    from pai_deps.repo import meta

    conn = connect(target)
    try:
        if not inspect_schema(conn):
            raise DatabaseError(
                f"The PostgreSQL registry {target.shown} has no schema yet (nothing to check)",
                code="database_missing",
            )
        try:
            meta.table_row_counts(conn)
            problems: list[str] = []
        except DatabaseError as exc:
            if exc.code != "corrupt_database":
                raise
            problems = [exc.message]
        return DbCheck(target.shown, problems, 0)
    finally:
        conn.close()


def _version(number: int) -> str:
    return f"{number // 10000}.{number % 10000}"


def _utc_text(value: object) -> str:
    """yoyo stores naive UTC timestamps; say so with a `Z` (PostgreSQL gives datetimes)."""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    text = text.replace(" ", "T")
    return text if text.endswith("Z") or "+" in text[10:] else text + "Z"
