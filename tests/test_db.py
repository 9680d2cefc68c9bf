"""The registry database: creation, integrity, migrations, bad files, concurrency."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pai_deps import db
from pai_deps.db.connection import Connection
from pai_deps.db.sqlite_guard import SQLITE_HEADER
from pai_deps.errors import DatabaseError, RowRejected, UsageError
from pai_deps.models import ContractRow
from pai_deps.repo import contracts, cycles, dependencies, meta, tools, verifications
from pai_deps.sqlfiles import known_migrations, migrations_dir
from tests.conftest import Cli, run_pai_deps
from tests.helpers import sqlite_connection

NOW = "2026-11-26T07:00:00.000Z"


def _add_tool(conn: Connection, tool_id: str, **overrides: object) -> None:
    values: dict[str, object] = {
        "id": tool_id,
        "path": f"/tools/{tool_id}",
        "type": "cli",
        "version": "1.0.0",
        "reliability": 0.9,
        "debt_score": 2,
        "manifest_path": f"/tools/{tool_id}/pai-manifest.yaml",
        "manifest_hash": None,
        "description": None,
        "mcp_start": None,
        "slo": None,
        "now": NOW,
    }
    values.update(overrides)
    tools.upsert_tool(conn, **values)  # type: ignore[arg-type]


def _seed_a_uses_b(
    conn: sqlite3.Connection, *, contract_tool: str, contract_name: str
) -> ContractRow:
    """Tools a and b, the edge a -> b, and one CLI contract (call inside a transaction)."""
    _add_tool(conn, "a")
    _add_tool(conn, "b")
    dependencies.insert_dependency(
        conn,
        consumer_id="a",
        provider_id="b",
        type="cli",
        version_constraint=None,
        optional=False,
        now=NOW,
    )
    return contracts.upsert_contract(
        conn,
        tool_id=contract_tool,
        contract_type="cli_output",
        name=contract_name,
        schema_path=None,
        schema_hash=None,
        schema_snapshot=None,
        status_reason=None,
        probe=None,
        help=None,
    )


@pytest.fixture
def conn(db_path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite_connection(db.open_db(db_path))
    yield connection
    connection.close()


# -- creation and the connection ---------------------------------------------------------


@pytest.mark.sqlite_only
def test_first_use_creates_nested_directories_and_migrates(db_path: Path) -> None:
    nested = db_path.parent / "a" / "b" / "registry.db"
    conn = sqlite_connection(db.open_db(nested))
    try:
        assert nested.is_file()
        assert db.journal_mode(conn) == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone() == {"foreign_keys": 1}
        assert conn.isolation_level is None
    finally:
        conn.close()
    status = db.describe(nested)
    assert status.pending == []
    assert [mid for mid, _ in status.applied] == list(known_migrations())


def test_insert_and_read_back_a_tool(conn: sqlite3.Connection) -> None:
    with db.transaction(conn):
        _add_tool(conn, "email", type="cli+mcp", reliability=0.8)
    row = tools.get_tool(conn, id="email")
    assert row is not None
    assert (row.id, row.type, row.reliability, row.stub, row.created_at) == (
        "email",
        "cli+mcp",
        0.8,
        False,
        NOW,
    )
    assert row.document()["debtScore"] == 2
    assert tools.get_tool(conn, id="nope") is None


def test_foreign_keys_are_enforced(conn: sqlite3.Connection) -> None:
    with pytest.raises(RowRejected, match="FOREIGN KEY"):
        dependencies.insert_dependency(
            conn,
            consumer_id="ghost-a",
            provider_id="ghost-b",
            type="cli",
            version_constraint=None,
            optional=False,
            now=NOW,
        )


def test_deleting_a_tool_cascades_to_edges_contracts_and_history(
    conn: sqlite3.Connection,
) -> None:
    with db.transaction(conn):
        contract = _seed_a_uses_b(conn, contract_tool="b", contract_name="b list")
        verifications.record_verification(
            conn,
            contract_id=contract.id,
            verified_at=NOW,
            status="pass",
            details={"ok": 1},
            git_commit=None,
            duration_ms=5,
        )
    assert dependencies.list_dependents_of(conn, tool_id="b")[0].id == "a"
    with db.transaction(conn):
        assert tools.delete_tool(conn, id="b") == 1
    assert dependencies.list_edges(conn) == []
    assert contracts.list_contracts(conn) == []
    counts = meta.table_row_counts(conn)
    assert (counts.tools, counts.verifications) == (1, 0)


def test_a_savepoint_undoes_only_its_own_writes(conn: sqlite3.Connection) -> None:
    """A row the schema refuses inside a savepoint is RowRejected; the transaction goes on."""
    with db.transaction(conn):
        _add_tool(conn, "a")
        with pytest.raises(RowRejected, match="CHECK constraint failed"), db.savepoint(conn):
            _add_tool(conn, "b")
            _add_tool(conn, "c", reliability=7.0)
        with db.savepoint(conn):
            _add_tool(conn, "d")
    assert [t.id for t in tools.list_tools(conn)] == ["a", "d"]


def test_transaction_rolls_back_everything_on_error(conn: sqlite3.Connection) -> None:
    with pytest.raises(RuntimeError), db.transaction(conn):
        _add_tool(conn, "a")
        raise RuntimeError("boom")
    assert tools.list_tools(conn) == []
    assert not conn.in_transaction


BAD_ROWS = [
    (
        "tools type",
        "INSERT INTO tools (id,name,path,type,created_at,updated_at) "
        "VALUES ('x','x','p','service','t','t')",
    ),
    (
        "tools empty id",
        "INSERT INTO tools (id,name,path,type,created_at,updated_at) "
        "VALUES ('','x','p','cli','t','t')",
    ),
    (
        "reliability > 1",
        "INSERT INTO tools (id,name,path,type,reliability,created_at,updated_at)"
        " VALUES ('x','x','p','cli',1.5,'t','t')",
    ),
    (
        "reliability < 0",
        "INSERT INTO tools (id,name,path,type,reliability,created_at,updated_at)"
        " VALUES ('x','x','p','cli',-0.1,'t','t')",
    ),
    (
        "reliability text",
        "INSERT INTO tools (id,name,path,type,reliability,created_at,"
        "updated_at) VALUES ('x','x','p','cli','high','t','t')",
    ),
    (
        "negative debt",
        "INSERT INTO tools (id,name,path,type,debt_score,created_at,updated_at)"
        " VALUES ('x','x','p','cli',-1,'t','t')",
    ),
    (
        "stub flag 2",
        "INSERT INTO tools (id,name,path,type,stub,created_at,updated_at) "
        "VALUES ('x','x','p','cli',2,'t','t')",
    ),
    (
        "duplicate tool",
        "INSERT INTO tools (id,name,path,type,created_at,updated_at) "
        "VALUES ('a','a','p','cli','t','t')",
    ),
    (
        "dependency type",
        "INSERT INTO dependencies (consumer_id,provider_id,type,created_at) "
        "VALUES ('a','b','service','t')",
    ),
    (
        "optional flag",
        "INSERT INTO dependencies (consumer_id,provider_id,type,optional,"
        "created_at) VALUES ('a','b','cli',3,'t')",
    ),
    (
        "self dependency",
        "INSERT INTO dependencies (consumer_id,provider_id,type,created_at) "
        "VALUES ('a','a','cli','t')",
    ),
    (
        "duplicate edge",
        "INSERT INTO dependencies (consumer_id,provider_id,type,created_at) "
        "VALUES ('a','b','npm','t')",
    ),
    (
        "contract type",
        "INSERT INTO contracts (tool_id,contract_type,name) VALUES ('a','rest_api','x')",
    ),
    (
        "contract status",
        "INSERT INTO contracts (tool_id,contract_type,name,status) "
        "VALUES ('a','cli_output','y','green')",
    ),
    (
        "duplicate contract",
        "INSERT INTO contracts (tool_id,contract_type,name) VALUES ('a','cli_output','a run')",
    ),
    (
        "verification status",
        "INSERT INTO verifications (contract_id,verified_at,status) VALUES (1,'t','skip')",
    ),
    (
        "verification details",
        "INSERT INTO verifications (contract_id,verified_at,status,"
        "details) VALUES (1,'t','pass','{not json')",
    ),
    ("cycle not json", "INSERT INTO circular_deps (cycle,detected_at) VALUES ('a,b','t')"),
    (
        "cycle resolved flag",
        "INSERT INTO circular_deps (cycle,detected_at,resolved) VALUES ('[\"b\",\"a\"]','t',5)",
    ),
    (
        "duplicate cycle",
        "INSERT INTO circular_deps (cycle,detected_at) VALUES ('[\"a\",\"b\"]','t')",
    ),
]


@pytest.mark.parametrize(("label", "statement"), BAD_ROWS, ids=[label for label, _ in BAD_ROWS])
def test_constraints_reject_bad_rows(conn: sqlite3.Connection, label: str, statement: str) -> None:
    with db.transaction(conn):
        _seed_a_uses_b(conn, contract_tool="a", contract_name="a run")
        cycles.upsert_cycle(conn, cycle=["a", "b"], now=NOW)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(statement)


# -- location ------------------------------------------------------------------------------


def test_location_precedence(tmp_path: Path) -> None:
    env = {"PAI_DEPS_DB": str(tmp_path / "env.db"), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    assert db.resolve_db_path(str(tmp_path / "flag.db"), env) == tmp_path / "flag.db"
    assert db.resolve_db_path(None, env) == tmp_path / "env.db"
    del env["PAI_DEPS_DB"]
    assert db.resolve_db_path(None, env) == tmp_path / "xdg" / "pai-deps" / "pai-deps.db"
    home_default = Path.home() / ".config" / "pai-deps" / "pai-deps.db"
    assert db.resolve_db_path(None, {}) == home_default


def test_empty_pai_deps_db_is_an_error_not_a_throwaway_database(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="PAI_DEPS_DB is set but empty"):
        db.resolve_db_path(None, {"PAI_DEPS_DB": ""})
    result = run_pai_deps("list", env={"PAI_DEPS_DB": ""})
    assert result.exit_code == 2
    assert (
        result.stderr.strip() == "Error: PAI_DEPS_DB is set but empty; unset it or give it a path"
    )


# -- bad databases: one line, exit 1, file untouched ---------------------------------------


def _assert_refused(db_file: Path, cli: Cli, fragment: str) -> None:
    before = db_file.read_bytes() if db_file.is_file() else None
    for args in (("list",), ("--json", "db", "status"), ("db", "migrate")):
        result = cli(*args, db=db_file)
        assert result.exit_code == 1, result.output
        if "--json" in args:
            envelope = result.json()
            assert envelope["success"] is False
            assert fragment in envelope["error"]
        else:
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1, result.stderr
            assert fragment in lines[0]
            assert "Traceback" not in result.output
    if before is not None:
        assert db_file.read_bytes() == before
    assert not Path(str(db_file) + "-wal").exists()


@pytest.mark.sqlite_only
def test_non_sqlite_file_is_refused_and_untouched(tmp_path: Path, cli: Cli) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("these are my notes, not a database\n" * 50)
    _assert_refused(bad, cli, "is not a SQLite database")


@pytest.mark.sqlite_only
def test_corrupt_file_is_refused_and_untouched(tmp_path: Path, cli: Cli) -> None:
    bad = tmp_path / "corrupt.db"
    bad.write_bytes(SQLITE_HEADER + os.urandom(8192))
    _assert_refused(bad, cli, "corrupt")


@pytest.mark.sqlite_only
def test_directory_in_place_of_the_file_is_refused(tmp_path: Path, cli: Cli) -> None:
    folder = tmp_path / "registry.db"
    folder.mkdir()
    _assert_refused(folder, cli, "is a directory")
    assert list(folder.iterdir()) == []


@pytest.mark.sqlite_only
def test_foreign_sqlite_database_is_refused_and_untouched(tmp_path: Path, cli: Cli) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    _assert_refused(other, cli, "not a pai-deps registry")


def test_database_from_a_newer_pai_deps_is_refused_and_untouched(db_path: Path, cli: Cli) -> None:
    db.open_db(db_path).close()
    raw = sqlite3.connect(db_path)
    raw.execute(
        "INSERT INTO _yoyo_migration (migration_hash, migration_id, applied_at_utc) "
        "VALUES ('f00', '9999.from-the-future', '2030-01-01 00:00:00')"
    )
    raw.commit()
    raw.close()
    _assert_refused(db_path, cli, "created by a newer pai-deps")


@contextlib.contextmanager
def _read_only_dir(base: Path) -> Iterator[Path]:
    """A directory holding a registry that this process cannot write.

    Root ignores file modes, so as root the directory is a read-only bind mount (skipped
    where mounting is not allowed); otherwise plain permissions do.
    """
    source = base / "src"
    source.mkdir()
    db.open_db(source / "registry.db").close()
    if os.geteuid() != 0:
        (source / "registry.db").chmod(0o444)
        source.chmod(0o555)
        try:
            yield source
        finally:
            source.chmod(0o755)
        return
    mounted = base / "ro"
    mounted.mkdir()
    bind = subprocess.run(
        ["mount", "--bind", "-o", "ro", str(source), str(mounted)],
        capture_output=True,
        check=False,
    )
    if bind.returncode != 0:
        pytest.skip(f"cannot make a read-only mount here: {bind.stderr.decode().strip()}")
    try:
        yield mounted
    finally:
        subprocess.run(["umount", str(mounted)], check=True)


@pytest.mark.sqlite_only
def test_read_only_location_is_refused(tmp_path: Path) -> None:
    with _read_only_dir(tmp_path) as readonly:
        existing = readonly / "registry.db"
        before = existing.read_bytes()
        for target, fragment in (
            (existing, "read-only"),
            (readonly / "new" / "registry.db", "Cannot create directory"),
            (readonly / "registry2.db", "not writable"),
        ):
            result = run_pai_deps("--db", str(target), "list")
            assert result.exit_code == 1, result.output
            assert result.stderr.count("\n") == 1, result.stderr
            assert fragment in result.stderr
        assert existing.read_bytes() == before


# -- migrations ----------------------------------------------------------------------------


def _migrations_up_to(tmp_path: Path, last: str) -> Path:
    target = tmp_path / f"migrations-{last}"
    target.mkdir()
    for source in sorted(migrations_dir().glob("*.sql")):
        if source.name.split(".")[0] <= last:
            shutil.copy(source, target / source.name)
    return target


@pytest.mark.sqlite_only
def test_upgrade_from_0001_keeps_every_row_and_writes_a_backup(
    tmp_path: Path, db_path: Path
) -> None:
    old = _migrations_up_to(tmp_path, "0001")
    raw = sqlite_connection(db.open_db(db_path, migrations=old))
    raw.executemany(
        "INSERT INTO tools (id, name, path, type, created_at, updated_at) "
        "VALUES (?, ?, 'p', 'cli', ?, ?)",
        [(f"t{i}", f"t{i}", NOW, NOW) for i in range(50)],
    )
    raw.execute(
        "INSERT INTO dependencies (consumer_id, provider_id, type, created_at) "
        "VALUES ('t0', 't1', 'cli', ?)",
        (NOW,),
    )
    raw.close()
    notes: list[str] = []
    conn, result = db.open_db_with_result(db_path, notify=notes.append)
    try:
        assert result.applied == [m for m in known_migrations() if not m.startswith("0001")]
        assert result.backup is not None and result.backup.is_file()
        assert str(result.backup) in notes[0]
        assert len(tools.list_tools(conn)) == 50
        assert [(e.consumer_id, e.provider_id) for e in dependencies.list_edges(conn)] == [
            ("t0", "t1")
        ]
    finally:
        conn.close()
    backup = sqlite3.connect(result.backup)
    assert backup.execute("SELECT count(*) FROM tools").fetchone() == (50,)
    assert backup.execute("SELECT count(*) FROM _yoyo_migration").fetchone() == (1,)
    backup.close()


@pytest.mark.sqlite_only
def test_fresh_database_is_not_backed_up(db_path: Path) -> None:
    conn, result = db.open_db_with_result(db_path)
    conn.close()
    assert result.backup is None
    assert result.created
    assert list(db_path.parent.glob("*backup*")) == []


@pytest.mark.sqlite_only
def test_failed_migration_leaves_the_database_as_it_was(tmp_path: Path, db_path: Path) -> None:
    migrations = _migrations_up_to(tmp_path, "9999")
    db.open_db(db_path, migrations=migrations).close()
    raw = sqlite3.connect(db_path)
    raw.execute(
        "INSERT INTO tools (id, name, path, type, created_at, updated_at) "
        "VALUES ('keep', 'keep', 'p', 'cli', 't', 't')"
    )
    raw.commit()
    raw.close()
    last = known_migrations()[-1]
    (migrations / "9000.good.sql").write_text(
        f"-- depends: {last}\nCREATE TABLE scratch (x INTEGER);\n"
    )
    (migrations / "9001.broken.sql").write_text(
        "-- depends: 9000.good\nINSERT INTO tools (id) VALUES ('half');\nTHIS IS NOT SQL;\n"
    )
    with pytest.raises(DatabaseError, match="left as it was"):
        db.open_db(db_path, migrations=migrations)
    raw = sqlite3.connect(db_path)
    try:
        assert raw.execute("SELECT id FROM tools").fetchall() == [("keep",)]
        names = {r[0] for r in raw.execute("SELECT name FROM sqlite_master")}
        assert "scratch" not in names
        applied = {r[0] for r in raw.execute("SELECT migration_id FROM _yoyo_migration")}
        assert applied == set(known_migrations())
    finally:
        raw.close()


def test_rollback_then_reapply_round_trips(db_path: Path) -> None:
    db.open_db(db_path).close()
    rolled = db.rollback_all(db_path)
    assert rolled == list(reversed(known_migrations()))
    raw = sqlite3.connect(db_path)
    names = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    raw.close()
    assert not names & {"tools", "dependencies", "contracts", "verifications", "circular_deps"}
    conn = db.open_db(db_path)
    try:
        assert db.describe(db_path).pending == []
        with db.transaction(conn):
            _add_tool(conn, "back")
        assert tools.get_tool(conn, id="back") is not None
    finally:
        conn.close()


@pytest.mark.sqlite_only
def test_concurrent_first_runs_on_a_fresh_path_all_succeed(db_path: Path) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "pai_deps", "--db", str(db_path), "--json", "list"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    outcomes = [(p.wait(timeout=60), *p.communicate()) for p in procs]
    for code, out, err in outcomes:
        assert code == 0, err
        assert '"success": true' in out
    assert db.describe(db_path).pending == []


def test_migrations_never_print_to_stdout(db_path: Path) -> None:
    result = run_pai_deps("--db", str(db_path), "--json", "db", "migrate")
    assert result.exit_code == 0, result.stderr
    document = result.json()
    assert document["applied"] == list(known_migrations())


# -- db commands ---------------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_db_status_reads_without_migrating(tmp_path: Path, db_path: Path, cli: Cli) -> None:
    fresh = cli("--json", "db", "status").json()
    assert (fresh["exists"], fresh["pending"]) == (False, list(known_migrations()))
    assert not db_path.exists()
    old = _migrations_up_to(tmp_path, "0001")
    db.open_db(db_path, migrations=old).close()
    before = db_path.read_bytes()
    status = cli("--json", "db", "status").json()
    assert [a["id"] for a in status["applied"]] == ["0001.initial-schema"]
    assert status["pending"] == [m for m in known_migrations() if not m.startswith("0001")]
    assert status["journalMode"] == "wal" and status["tables"]["tools"] == 0
    assert all(a["appliedAt"].endswith("Z") for a in status["applied"])
    assert db_path.read_bytes() == before
    human = cli("db", "status").stdout
    assert f"Database:     {db_path}" in human and "Pending:" in human
    migrated = cli("--json", "db", "migrate").json()
    assert migrated["applied"] == status["pending"]
    assert cli("--json", "db", "status").json()["pending"] == []
    assert cli("db", "migrate").stdout.strip() == "Database is up to date."


@pytest.mark.sqlite_only
def test_db_backup_writes_a_consistent_copy(tmp_path: Path, db_path: Path, cli: Cli) -> None:
    conn = db.open_db(db_path)
    with db.transaction(conn):
        _add_tool(conn, "kept")
    conn.close()
    target = tmp_path / "copy.db"
    result = cli("db", "backup", str(target))
    assert result.exit_code == 0 and result.stdout.strip() == str(target)
    copy = db.open_db(target)
    try:
        assert [t.id for t in tools.list_tools(copy)] == ["kept"]
    finally:
        copy.close()
    again = cli("db", "backup", str(target))
    assert again.exit_code == 1 and "already exists" in again.stderr
    default = cli("--json", "db", "backup").json()["backup"]
    assert Path(default).parent == db_path.parent and ".backup-" in Path(default).name


@pytest.mark.sqlite_only
def test_db_path_creates_nothing(db_path: Path, cli: Cli) -> None:
    assert cli("db", "path").stdout.strip() == str(db_path)
    assert not db_path.parent.exists()


def test_dict_rows_of_interleaved_statements_keep_their_own_column_names() -> None:
    """The row factory remembers the last statement's names; two cursors read in turn
    (and two connections) still get each their own keys."""
    import sqlite3

    from pai_deps.db.connection import dict_row

    first, second = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")
    first.row_factory = second.row_factory = dict_row
    a = first.execute("SELECT 1 AS a, 2 AS b UNION ALL SELECT 3, 4")
    b = second.execute("SELECT 'x' AS name UNION ALL SELECT 'y'")
    c = first.execute("SELECT 5 AS a, 6 AS c")
    assert [a.fetchone(), b.fetchone(), c.fetchone(), a.fetchone(), b.fetchone()] == [
        {"a": 1, "b": 2},
        {"name": "x"},
        {"a": 5, "c": 6},
        {"a": 3, "b": 4},
        {"name": "y"},
    ]
