"""A registry on PostgreSQL: locating it, credentials, failures, migrations, roles.

Everything runs against the real throwaway server of `tests/pg_server.py`; each test has
a schema of its own (selected with libpq's `options` parameter, which passes through).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pai_deps import db
from pai_deps.repo import meta, tools
from pai_deps.sqlfiles import known_migrations, migrations_dir
from tests.conftest import Cli, CliResult, run_pai_deps
from tests.helpers import dep, write_tool
from tests.pg_server import PASSWORD, PgServer

Run = Callable[..., CliResult]


@pytest.fixture
def on(cli: Cli) -> Run:
    """Run the CLI in-process against an explicit `--db` (given first)."""

    def invoke(target: str, *args: str) -> CliResult:
        return cli(*args, db=target)

    return invoke


def _one_clean_line(result: CliResult) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert PASSWORD not in result.output
    return lines[0]


def test_the_url_selects_postgresql_and_every_shown_form_masks_the_password(
    tmp_path: Path, on: Run, pg_url: str
) -> None:
    assert PASSWORD in pg_url
    write_tool(tmp_path / "eco", "app", depends_on=[dep("lib")])
    synced = on(pg_url, "-v", "sync", str(tmp_path / "eco"))
    assert synced.exit_code == 0, synced.output
    assert "registry: postgresql://pai:***@" in synced.stderr  # -v names it, masked
    path = on(pg_url, "--json", "db", "path").json()
    assert path["backend"] == "postgresql"
    assert path["path"].startswith("postgresql://pai:***@127.0.0.1:")
    status = on(pg_url, "--json", "db", "status")
    document = status.json()
    assert (document["backend"], document["tables"]["tools"]) == ("postgresql", 2)
    assert document["applied"] and not document["pending"]
    assert document["server"].startswith("PostgreSQL ")
    human = on(pg_url, "db", "status")
    for result in (synced, status, human, on(pg_url, "db", "path")):
        assert PASSWORD not in result.output
    with pytest.raises(AssertionError):  # the helper itself can fail
        _one_clean_line(synced)


def test_a_password_in_the_query_string_is_masked_too(on: Run, pg_server: PgServer) -> None:
    url = pg_server.url(password="not-the-password", sslmode="disable")
    shown = on(url.replace(f":{PASSWORD}@", ":x@", 1), "--json", "db", "path").json()["path"]
    assert "not-the-password" not in shown
    assert "password=***" in shown and ":***@" in shown


def test_the_config_file_can_name_the_registry(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = Path(str(tmp_path / "home" / ".config" / "pai-deps"))
    config.mkdir(parents=True)
    (config / "config.toml").write_text(f'database = "{pg_url}"\n')
    write_tool(tmp_path / "eco", "solo")
    assert run_pai_deps("sync", str(tmp_path / "eco")).exit_code == 0
    listed = run_pai_deps("--json", "list").json()
    assert [t["id"] for t in listed["tools"]] == ["solo"]
    assert run_pai_deps("--json", "db", "path").json()["backend"] == "postgresql"
    # --db and PAI_DEPS_DB still beat the config file, and a path still means SQLite
    file_db = tmp_path / "mine.db"
    assert run_pai_deps("--db", str(file_db), "--json", "list").json()["tools"] == []
    assert file_db.exists()
    env_db = run_pai_deps("--json", "db", "path", env={"PAI_DEPS_DB": str(tmp_path / "e.db")})
    assert env_db.json()["backend"] == "sqlite"
    env_pg = run_pai_deps("--json", "list", env={"PAI_DEPS_DB": pg_url})
    assert [t["id"] for t in env_pg.json()["tools"]] == ["solo"]


def test_a_server_that_is_not_running_is_one_line(on: Run, pg_server: PgServer) -> None:
    from tests.pg_server import _free_port

    url = pg_server.url().replace(f":{pg_server.port}/", f":{_free_port()}/")
    line = _one_clean_line(on(url, "list"))
    assert "is it running?" in line
    assert on(url, "--json", "list").json()["code"] == "server_unreachable"


def test_a_wrong_password_is_one_line_and_never_printed(on: Run, pg_server: PgServer) -> None:
    url = pg_server.url().replace(f":{PASSWORD}@", ":wrong-horse-battery@")
    result = on(url, "list")
    line = _one_clean_line(result)
    assert "wrong-horse-battery" not in result.output
    assert "wrong user or password" in line
    assert on(url, "--json", "list").json()["code"] == "auth_failed"


def test_a_missing_database_is_one_line(on: Run, pg_server: PgServer) -> None:
    url = pg_server.url("no_such_registry")
    line = _one_clean_line(on(url, "list"))
    assert "'no_such_registry'" in line and "createdb" in line
    assert on(url, "--json", "list").json()["code"] == "database_missing"


def test_libpq_parameters_pass_through(on: Run, pg_server: PgServer, pg_schema: str) -> None:
    """sslmode reaches libpq (this server has no SSL, so `require` must fail, cleanly)."""
    url = pg_server.schema_url(pg_schema, sslmode="require")
    line = _one_clean_line(on(url, "list"))
    assert "not with the SSL that sslmode=require asks for" in line
    fine = on(pg_server.schema_url(pg_schema, sslmode="disable", application_name="t"), "list")
    assert fine.exit_code == 0, fine.output


def test_a_schema_from_a_newer_pai_deps_is_refused(on: Run, pg_url: str) -> None:
    db.open_db(pg_url).close()
    conn = db.open_db(pg_url)
    try:
        conn.execute(  # type: ignore[attr-defined]
            "INSERT INTO _yoyo_migration (migration_hash, migration_id, applied_at_utc) "
            "VALUES ('f', '9999.from-the-future', now())"
        )
    finally:
        conn.close()
    line = _one_clean_line(on(pg_url, "list"))
    assert "newer pai-deps" in line and "9999.from-the-future" in line
    assert on(pg_url, "--json", "db", "status").json()["code"] == "database_too_new"


def test_another_applications_schema_is_not_touched(on: Run, pg_server: PgServer) -> None:
    schema = pg_server.new_schema()
    try:
        with pg_server.admin() as conn:
            conn.execute(f'CREATE TABLE "{schema}".orders (id int)')
        line = _one_clean_line(on(pg_server.schema_url(schema), "list"))
        assert "not a pai-deps registry" in line
    finally:
        pg_server.drop_schema(schema)


def _unapply_last_migration(pg_server: PgServer, schema: str) -> str:
    """Make the registry one migration behind, as if created by an older pai-deps."""
    last = known_migrations("postgresql")[-1]
    rollback = (migrations_dir("postgresql") / f"{last}.rollback.sql").read_text()
    with pg_server.admin() as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        conn.execute(rollback)
        conn.execute("DELETE FROM _yoyo_migration WHERE migration_id = %s", (last,))
    return last


def test_migrating_a_registry_with_data_needs_a_backup_said_to_exist(
    tmp_path: Path, on: Run, pg_server: PgServer, pg_schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg_server.schema_url(pg_schema)
    write_tool(tmp_path / "eco", "kept", provides={"cli": [{"command": "kept run"}]})
    assert on(url, "sync", str(tmp_path / "eco")).exit_code == 0
    last = _unapply_last_migration(pg_server, pg_schema)
    refused = on(url, "list")
    line = _one_clean_line(refused)
    assert last in line and "pg_dump" in line and "--yes" in line
    assert on(url, "--json", "list").json()["code"] == "backup_required"
    migrated = on(url, "--json", "db", "migrate", "--yes").json()
    assert migrated["applied"] == [last]
    assert [t["id"] for t in on(url, "--json", "list").json()["tools"]] == ["kept"]
    # the config file may say instead that backups exist
    _unapply_last_migration(pg_server, pg_schema)
    config = tmp_path / "home" / ".config" / "pai-deps"
    config.mkdir(parents=True)
    (config / "config.toml").write_text("postgresql_backed_up = true\n")
    upgraded = on(url, "list")
    assert upgraded.exit_code == 0, upgraded.output
    assert "pg_dump" in upgraded.stderr  # says that it took no backup itself


def test_an_empty_database_is_created_without_asking(on: Run, pg_url: str) -> None:
    first = on(pg_url, "--json", "db", "migrate").json()
    assert first["applied"] == list(known_migrations("postgresql"))
    assert on(pg_url, "--json", "db", "migrate").json()["applied"] == []
    assert on(pg_url, "--json", "db", "check").json()["success"] is True
    backup = on(pg_url, "db", "backup")
    assert "pg_dump" in _one_clean_line(backup)


def test_migrations_roll_back_and_reapply_on_postgresql(pg_url: str) -> None:
    db.open_db(pg_url).close()
    assert db.rollback_all(pg_url) == list(reversed(known_migrations("postgresql")))
    conn = db.open_db(pg_url)
    try:
        assert meta.table_exists(conn, name="tools")
        assert [r.migration_id for r in meta.applied_migrations(conn)] == list(
            known_migrations("postgresql")
        )
    finally:
        conn.close()


def test_every_sqlite_migration_has_a_postgresql_twin() -> None:
    """A schema change is made for both backends (a new SQLite migration fails here)."""
    assert known_migrations("postgresql") == known_migrations("sqlite")


def test_a_read_only_role_can_run_the_query_commands(
    tmp_path: Path, on: Run, pg_server: PgServer, pg_schema: str
) -> None:
    """The README's read-only role, exactly as the README grants it."""
    import re

    owner_url = pg_server.schema_url(pg_schema)
    write_tool(tmp_path / "eco", "app", depends_on=[dep("lib")])
    assert on(owner_url, "sync", str(tmp_path / "eco")).exit_code == 0
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    grants = re.search(r"```sql\n(.*?)```", readme.split("## Team registry on PostgreSQL")[1], re.S)
    assert grants is not None
    role = f"reader_{pg_schema}"
    sql = (
        grants.group(1)
        .replace("pai_deps_reader", role)
        .replace("'a password'", "'reader-pw'")
        .replace("DATABASE pai_deps", f"DATABASE {pg_server.database}")
        .replace("SCHEMA public", f'SCHEMA "{pg_schema}"')
        .replace("IN SCHEMA public", f'IN SCHEMA "{pg_schema}"')
    )
    with pg_server.admin() as conn:
        for statement in (s.strip() for s in sql.split(";")):
            if statement and not statement.startswith("--"):
                conn.execute(statement)
    try:
        reader = owner_url.replace(f"{pg_server.user}:{PASSWORD}", f"{role}:reader-pw")
        for command in (["list"], ["rdeps", "lib", "-t"], ["show", "app"], ["health"],
                        ["blast-radius", "lib"], ["db", "status"], ["graph"]):  # fmt: skip
            result = on(reader, *command)
            assert result.exit_code in (0, 1) and "Error" not in result.stderr, result.output
        assert on(reader, "--json", "path", "app", "lib").json()["path"] == ["app", "lib"]
        refused = on(reader, "register", str(tmp_path / "eco" / "app"))
        assert "read-only role" in _one_clean_line(refused)
        assert on(reader, "--json", "unregister", "app").json()["code"] == "read_only"
    finally:
        with pg_server.admin() as conn:
            conn.execute(f'DROP OWNED BY "{role}"')
            conn.execute(f'DROP ROLE "{role}"')


def test_a_connection_lost_mid_sync_leaves_the_registry_as_before(
    tmp_path: Path, on: Run, pg_url: str, pg_server: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server drops the connection while `sync` writes its 5th tool: one line, exit 1,
    and every tool's transaction is either there whole or not at all (here: not at all,
    as sync writes its batch in one transaction)."""
    import importlib

    sync_module = importlib.import_module("pai_deps.registry.sync")  # the module, not sync()

    root = tmp_path / "eco"
    write_tool(root, "first")
    assert on(pg_url, "sync", str(root)).exit_code == 0
    for i in range(10):
        write_tool(root, f"t{i}", depends_on=[dep("first"), dep(f"stub{i}")])
    real = sync_module.write_registration
    calls = {"n": 0}

    def drop_the_connection(conn: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 5:
            with pg_server.admin() as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))
        return real(conn, *args, **kwargs)

    monkeypatch.setattr(sync_module, "write_registration", drop_the_connection)
    result = on(pg_url, "sync", str(root))
    line = _one_clean_line(result)
    assert "Lost the connection" in line and "rolled back" in line
    monkeypatch.undo()
    conn = db.open_db(pg_url)
    try:
        assert [t.id for t in tools.list_tools(conn)] == ["first"]
        assert meta.table_row_counts(conn).dependencies == 0
    finally:
        conn.close()
    again = on(pg_url, "--json", "sync", str(root)).json()
    assert again["new"] == 10


def test_a_value_postgresql_cannot_store_fails_only_its_manifest(
    tmp_path: Path, on: Run, pg_url: str
) -> None:
    """PostgreSQL text cannot hold NUL (SQLite's can): that manifest fails, the rest land."""
    root = tmp_path / "eco"
    write_tool(root, "fine")
    (root / "nul").mkdir()
    (root / "nul" / "pai-manifest.yaml").write_text('name: nul\ntype: cli\ndescription: "x\\0y"\n')
    document = on(pg_url, "--json", "sync", str(root)).json()
    by_name = {r["path"].split("/")[-2]: r for r in document["results"]}
    assert by_name["fine"]["status"] == "new"
    assert by_name["nul"]["status"] == "error" and "NUL" in by_name["nul"]["error"]
