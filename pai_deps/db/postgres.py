"""A registry in PostgreSQL: connecting, migrating, looking at it.

The only module that imports psycopg, and only when a `postgresql://` registry is used:
SQLite users never pay for it. The connection is in autocommit mode, like SQLite's
`isolation_level=None`: reads see the latest commit, writes go through `transaction()`.
Parameters are bound client-side (psycopg's ClientCursor, properly quoted), so a portable
`:p IS NULL OR col = :p` types its parameter the way SQLite does, from the value.

pai-deps does not back up PostgreSQL (that is `pg_dump`'s job, or the server's own
backups): a migration of a database that holds data needs `db migrate --yes` or
`postgresql_backed_up = true` in the config file. Migrators are serialised by a
session-level advisory lock, which the server releases if its holder dies, so a killed
migration never leaves a lock behind.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from pai_deps.db.failures import postgres_failure
from pai_deps.db.migrating import Notify, OpenResult, newer_migration_error, quiet_yoyo
from pai_deps.db.target import PostgresTarget
from pai_deps.errors import DatabaseError, PaiDepsError, UsageError
from pai_deps.sqlfiles import known_migrations, migrations_dir

try:
    import psycopg
    from psycopg import pq
    from psycopg.conninfo import conninfo_to_dict, make_conninfo
    from psycopg.rows import DictRow, dict_row
except ImportError:  # pragma: no cover - exercised by installs without the extra
    raise DatabaseError(
        "PostgreSQL support is not installed: pip install 'pai-deps[postgres]' "
        "(or pip install 'psycopg[binary]')",
        code="postgres_not_installed",
    ) from None

CONNECT_TIMEOUT_S = 10
MIGRATION_LOCK_TIMEOUT_S = 30.0
REGISTRY_TABLES = ("tools", "dependencies", "contracts", "verifications", "circular_deps")


class PgRegistryConnection(psycopg.Connection[DictRow]):
    """A connection to a PostgreSQL registry that knows its target (for messages)."""

    target: PostgresTarget


def connect(target: PostgresTarget) -> PgRegistryConnection:
    """Connect, or fail with one line that says why (server down, password, database)."""
    given = _parameters(target)
    extra: dict[str, Any] = {}
    if "connect_timeout" not in given:
        extra["connect_timeout"] = CONNECT_TIMEOUT_S  # libpq would wait forever
    if "application_name" not in given:
        extra["application_name"] = "pai-deps"
    try:
        conn = PgRegistryConnection.connect(
            target.url,
            autocommit=True,
            row_factory=dict_row,
            cursor_factory=psycopg.ClientCursor,
            **extra,
        )
    except psycopg.Error as exc:
        raise connect_failure(exc, target) from None
    conn.target = target
    return conn


def _parameters(target: PostgresTarget) -> dict[str, Any]:
    try:
        return conninfo_to_dict(target.url)
    except psycopg.Error as exc:
        raise UsageError(
            f"Invalid PostgreSQL URL {target.shown}: {target.mask(_first(exc))}",
            code="invalid_database_url",
        ) from None


def connect_failure(exc: psycopg.Error, target: PostgresTarget) -> PaiDepsError:
    """Why a connection failed, told by libpq's ping and a probe, never by message text.

    libpq gives no SQLSTATE for a refused connection, so: no answer from the server means
    it is not running (or not reachable); an answer with a password request means the
    password is missing; otherwise, if the same credentials open the `postgres`
    database, it is the registry's database that is missing (or closed to this user),
    and if they do not, it is the user or password.
    """
    reason = target.mask(_first(exc))
    shown = target.shown
    ping = pq.PGconn.ping(target.url.encode())
    sslmode = str(_parameters(target).get("sslmode", "prefer"))
    if (
        ping == pq.Ping.NO_RESPONSE
        and sslmode not in ("disable", "allow", "prefer")
        and pq.PGconn.ping(make_conninfo(target.url, sslmode="disable").encode()) == pq.Ping.OK
    ):
        return DatabaseError(
            f"The PostgreSQL server of {shown} answers, but not with the SSL that "
            f"sslmode={sslmode} asks for ({reason})",
            code="ssl_failed",
        )
    if ping == pq.Ping.NO_RESPONSE:
        return DatabaseError(
            f"Cannot reach the PostgreSQL server of {shown}: is it running? ({reason})",
            code="server_unreachable",
        )
    if ping == pq.Ping.REJECT:
        return DatabaseError(
            f"The PostgreSQL server of {shown} is not accepting connections now "
            f"(starting up, shutting down or in recovery); try again ({reason})",
            code="server_unavailable",
        )
    if ping == pq.Ping.NO_ATTEMPT:
        return UsageError(
            f"Invalid PostgreSQL connection parameters in {shown}: {reason}",
            code="invalid_database_url",
        )
    if exc.pgconn is not None and exc.pgconn.needs_password:
        return DatabaseError(
            f"The PostgreSQL server of {shown} wants a password: put it in the URL, in "
            f"PGPASSWORD or in ~/.pgpass ({reason})",
            code="auth_failed",
        )
    database = _parameters(target).get("dbname")
    if database and database != "postgres" and _credentials_work(target):
        return DatabaseError(
            f"The PostgreSQL database {database!r} of {shown} does not exist, or this user "
            f"may not connect to it: create it with `createdb -O USER {database}` ({reason})",
            code="database_missing",
        )
    return DatabaseError(
        f"The PostgreSQL server of {shown} refused the connection: wrong user or password, "
        f"or not allowed by pg_hba.conf ({reason})",
        code="auth_failed",
    )


def _credentials_work(target: PostgresTarget) -> bool:
    try:
        probe = psycopg.connect(
            make_conninfo(target.url, dbname="postgres"), connect_timeout=CONNECT_TIMEOUT_S
        )
    except psycopg.Error:
        return False
    probe.close()
    return True


def _first(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


@contextlib.contextmanager
def failures(conn: Any, doing: str = "use") -> Iterator[None]:
    """Turn driver errors inside the block into the classified one-line errors."""
    try:
        yield
    except psycopg.Error as exc:
        raise postgres_failure(exc, conn, doing) from None


# --------------------------------------------------------------------------- opening


def open_postgres(
    target: PostgresTarget, *, notify: Notify | None = None, yes: bool = False
) -> tuple[PgRegistryConnection, OpenResult]:
    """Connect and bring the schema up to date (see the module docstring on backups)."""
    result = OpenResult()
    conn = connect(target)
    try:
        applied = inspect_schema(conn)
        known = known_migrations("postgresql")
        newer_migration_error(f"The PostgreSQL registry {target.shown}", applied, known)
        pending = [m for m in known if m not in applied]
        if pending:
            if holds_data(conn) and not (yes or target.backed_up):
                raise DatabaseError(
                    f"The PostgreSQL registry {target.shown} needs migration(s) "
                    f"{', '.join(pending)} and holds data. pai-deps does not back up "
                    "PostgreSQL: back it up (pg_dump) first, then run `pai-deps db "
                    "migrate --yes` (or set postgresql_backed_up = true in config.toml)",
                    code="backup_required",
                )
            result.applied = migrate(conn)
            result.created = not applied
            if applied and notify is not None:
                notify(
                    f"Upgraded the PostgreSQL registry schema ({', '.join(result.applied)}); "
                    "pai-deps took no backup (that is pg_dump's job)"
                )
        return conn, result
    except BaseException:
        conn.close()
        raise


def inspect_schema(conn: PgRegistryConnection) -> list[str]:
    """The migrations applied, read without writing; another application's schema fails."""
    from pai_deps.repo import meta

    if not meta.table_exists(conn, name="_yoyo_migration"):
        if meta.object_count(conn) and not meta.table_exists(conn, name="yoyo_lock"):
            raise DatabaseError(
                f"The PostgreSQL schema of {conn.target.shown} holds tables but is not a "
                "pai-deps registry; use another database or schema "
                "(e.g. ?options=-csearch_path%3Dpai_deps)",
                code="not_a_registry",
            )
        return []
    return [row.migration_id for row in meta.applied_migrations(conn)]


def holds_data(conn: PgRegistryConnection) -> bool:
    from pai_deps.repo import meta

    if not meta.table_exists(conn, name="tools"):
        return False
    counts = meta.table_row_counts(conn)
    return any(getattr(counts, table) for table in REGISTRY_TABLES)


@contextlib.contextmanager
def migration_lock(conn: PgRegistryConnection) -> Iterator[None]:
    """The session-level advisory lock every pai-deps migrator takes first."""
    from pai_deps.repo import meta

    timeout = int(MIGRATION_LOCK_TIMEOUT_S * 1000)
    try:
        with failures(conn, "migrate"):
            conn.execute(f"SET lock_timeout = '{timeout}ms'")
        meta.take_migration_lock(conn)
    except DatabaseError as exc:
        if exc.code == "database_busy":
            raise DatabaseError(
                f"The PostgreSQL registry {conn.target.shown} is being migrated by another "
                f"pai-deps; still waiting after {MIGRATION_LOCK_TIMEOUT_S:.0f} s, try again",
                code="migration_locked",
            ) from None
        raise
    finally:
        with failures(conn, "migrate"):
            conn.execute("RESET lock_timeout")
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            meta.release_migration_lock(conn)


def _yoyo_backend(conn: PgRegistryConnection) -> Any:
    """yoyo's PostgreSQL backend on a second connection to the same target."""
    from yoyo.backends.core.postgresql import PostgresqlPsycopgBackend
    from yoyo.connections import parse_uri

    target = conn.target

    class Backend(PostgresqlPsycopgBackend):  # type: ignore[misc]
        def connect(self, dburi: Any) -> Any:
            return psycopg.connect(target.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)

    backend = Backend(parse_uri("postgresql+psycopg://"), "_yoyo_migration")
    with failures(conn, "migrate"):
        backend.init_database()
    return backend


def migrate(conn: PgRegistryConnection) -> list[str]:
    """Apply the pending migrations (each in its own transaction, as yoyo does)."""
    from yoyo import read_migrations

    from pai_deps.repo import meta

    source = read_migrations(str(migrations_dir("postgresql")))
    with migration_lock(conn):
        # Holding the advisory lock, no other pai-deps is inside yoyo's lock: any yoyo
        # lock row is a killed migration's.
        if meta.table_exists(conn, name="yoyo_lock"):
            for row in meta.migration_lock_holders(conn):
                meta.delete_migration_lock(conn, pid=row.pid)
        backend = _yoyo_backend(conn)
        try:
            with quiet_yoyo(), failures(conn, "migrate"), backend.lock(MIGRATION_LOCK_TIMEOUT_S):
                todo = backend.to_apply(source)
                backend.apply_migrations(todo)
        except PaiDepsError:
            raise
        except Exception as exc:
            raise DatabaseError(
                f"Migrating {conn.target.shown} failed ({conn.target.mask(str(exc))}); "
                "the failing migration was rolled back",
                code="migration_failed",
            ) from None
        finally:
            backend.connection.close()
        return [m.id for m in todo]


def rollback_all(target: PostgresTarget) -> list[str]:
    """Roll every applied migration back (tests: migrations must undo cleanly)."""
    from yoyo import read_migrations

    conn = connect(target)
    try:
        source = read_migrations(str(migrations_dir("postgresql")))
        with migration_lock(conn):
            backend = _yoyo_backend(conn)
            try:
                with quiet_yoyo(), backend.lock(MIGRATION_LOCK_TIMEOUT_S):
                    todo = backend.to_rollback(source)
                    backend.rollback_migrations(todo)
            finally:
                backend.connection.close()
        return [m.id for m in todo]
    finally:
        conn.close()


def break_migration_lock(target: PostgresTarget) -> None:
    """Remove yoyo lock rows; safe: only one pai-deps holds the advisory lock at a time."""
    from pai_deps.repo import meta

    conn = connect(target)
    try:
        with migration_lock(conn):
            if meta.table_exists(conn, name="yoyo_lock"):
                for row in meta.migration_lock_holders(conn):
                    meta.delete_migration_lock(conn, pid=row.pid)
    finally:
        conn.close()
