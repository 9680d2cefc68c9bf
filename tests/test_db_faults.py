"""A bad day for the registry file: damage, empty files, crashed migrations, odd paths,
read-only copies and a full disk. Each is reported for what it is; nothing is lost."""

from __future__ import annotations

import os
import select
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pai_deps import db
from pai_deps.db.sqlite_guard import QUICK_CHECK_ON_OPEN_MAX_BYTES
from pai_deps.errors import DatabaseError
from pai_deps.sqlfiles import known_migrations, migrations_dir
from tests.conftest import run_pai_deps
from tests.fsfaults import fill, small_tmpfs
from tests.helpers import sqlite_connection, write_tool

# The registry file itself: damage, locks beside it, permissions, a full disk.
pytestmark = pytest.mark.sqlite_only


def name(index: int) -> str:
    """Long ids, so the dependency indexes span several pages."""
    return f"t{index}-" + "n" * 150


def _synced(tmp_path: Path, db_path: Path, count: int = 40) -> Path:
    """A registry of `count` tools in a chain: each depends on the one before."""
    root = tmp_path / "tools"
    for index in range(count):
        deps = [{"name": name(index - 1), "type": "cli"}] if index else None
        write_tool(root, name(index), depends_on=deps, folder=f"t{index}")
    result = run_pai_deps("--db", str(db_path), "sync", str(root))
    assert result.exit_code == 0, result.output
    return root


def _damage_index_root(path: Path, index: str) -> None:
    """Drop one cell from an index's root page: SQLite still reads the file without
    complaint (a subtree of entries just disappears); quick_check sees the lost page."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (index,)).fetchone()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    offset = (root[0] - 1) * page_size
    assert data[offset] == 2, "expected an interior index page"
    cells = int.from_bytes(data[offset + 3 : offset + 5], "big")
    data[offset + 3 : offset + 5] = (cells - 1).to_bytes(2, "big")
    path.write_bytes(bytes(data))


# -- item 14: damage is found and refused -------------------------------------------------------


def test_a_damaged_registry_is_refused_not_silently_wrong(tmp_path: Path, db_path: Path) -> None:
    root = _synced(tmp_path, db_path)
    healthy = run_pai_deps("--db", str(db_path), "--json", "affected", name(0))
    assert healthy.json()["count"] == 39
    _damage_index_root(db_path, "idx_deps_provider")
    unguarded = sqlite3.connect(db_path)  # what a reader without the check would answer
    edges = "SELECT count(*) FROM dependencies INDEXED BY idx_deps_provider WHERE provider_id > ''"
    assert unguarded.execute(edges).fetchone()[0] < 39
    unguarded.close()
    before = db_path.read_bytes()
    for args in (
        ("affected", name(0)),
        ("register", str(root / "t5")),
        ("sync", str(root)),
    ):
        result = run_pai_deps("--db", str(db_path), *args)
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.count("\n") == 1, result.stderr
        assert "damaged" in result.stderr and "pai-deps db check" in result.stderr
    assert db_path.read_bytes() == before
    status = run_pai_deps("--db", str(db_path), "--json", "db", "status")
    assert status.exit_code == 1
    assert status.json()["integrity"] == "damaged" and status.json()["success"] is False
    check = run_pai_deps("--db", str(db_path), "--json", "db", "check")
    assert check.exit_code == 1
    document = check.json()
    assert document["integrity"] == "damaged" and document["problems"]
    assert db_path.read_bytes() == before


def test_a_big_registry_is_checked_before_its_first_write(tmp_path: Path, db_path: Path) -> None:
    """Past the size where every open checks, the check still runs before any write."""
    root = _synced(tmp_path, db_path)
    for index in range(5):  # ~4.5 MB of descriptions: past the check-on-open size
        write_tool(tmp_path / "padding", f"pad{index}", description="d" * 900_000)
    assert run_pai_deps("--db", str(db_path), "sync", str(tmp_path / "padding")).exit_code == 0
    assert db_path.stat().st_size > QUICK_CHECK_ON_OPEN_MAX_BYTES
    _damage_index_root(db_path, "idx_deps_provider")
    read = run_pai_deps("--db", str(db_path), "--json", "list")
    assert read.exit_code == 0, read.output  # reads are not checked at this size
    write = run_pai_deps("--db", str(db_path), "register", str(root / "t5"))
    assert write.exit_code == 1 and "damaged" in write.stderr
    # A value the CHECK constraints forbid (damage, or another program) is a clean error
    # on read too, not a traceback.
    raw = sqlite3.connect(db_path)
    raw.execute("PRAGMA ignore_check_constraints = ON")
    raw.execute("UPDATE tools SET type = 'bogus' WHERE id = ?", (name(1),))
    raw.commit()
    raw.close()
    listed = run_pai_deps("--db", str(db_path), "list")
    assert listed.exit_code == 1, listed.output
    assert "cannot read" in listed.stderr and "pai-deps db check" in listed.stderr


def test_db_check_and_status_on_a_healthy_registry(tmp_path: Path, db_path: Path) -> None:
    _synced(tmp_path, db_path, count=3)
    check = run_pai_deps("--db", str(db_path), "--json", "db", "check")
    assert check.exit_code == 0, check.output
    assert check.json() == {
        "success": True,
        "path": str(db_path),
        "integrity": "ok",
        "problems": [],
        "foreignKeyProblems": 0,
    }
    human = run_pai_deps("--db", str(db_path), "db", "check")
    assert human.stdout == f"Registry {db_path}: integrity ok, foreign keys ok\n"
    status = run_pai_deps("--db", str(db_path), "--json", "db", "status").json()
    assert status["integrity"] == "ok"
    missing = run_pai_deps("--db", str(tmp_path / "none.db"), "db", "check")
    assert missing.exit_code == 1 and "does not exist" in missing.stderr
    assert not (tmp_path / "none.db").exists()


# -- item 15: an empty file ----------------------------------------------------------------------


def test_an_empty_registry_file_is_not_silently_recreated(tmp_path: Path, db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.touch()
    backup = db_path.with_name("registry.backup-20260101T000000Z.db")
    shutil.copy(migrations_dir() / "0001.initial-schema.sql", backup)  # any file: it is named
    result = run_pai_deps("--db", str(db_path), "--json", "list")
    assert result.exit_code == 0, result.output
    assert "was an empty file (0 bytes)" in result.stderr
    assert str(backup) in result.stderr
    assert result.json()["tools"] == []
    assert db.describe(db_path).pending == []
    again = run_pai_deps("--db", str(db_path), "list")
    assert "empty file" not in again.stderr


def test_a_fresh_registry_appears_whole(tmp_path: Path, db_path: Path) -> None:
    """First use builds the registry beside it and renames it into place: a crash in the
    middle never leaves a 0-byte or half-migrated file at the registry's path."""
    result = run_pai_deps("--db", str(db_path), "--json", "list")
    assert result.exit_code == 0, result.output
    assert "empty file" not in result.stderr
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["registry.db"]
    assert db.describe(db_path).pending == []


# -- item 16: a migration killed while it holds its lock -------------------------------------------

_BLOCKING_STEP = """
from yoyo import step

__depends__ = {{"0001.initial-schema"}}

def block(conn):
    with open({ready!r}, "w") as ready:
        ready.write("x")
    with open({go!r}) as go:
        go.read()

steps = [step(block)]
"""


def test_a_killed_migration_leaves_no_lock_that_later_commands_wait_for(
    tmp_path: Path, db_path: Path
) -> None:
    old = tmp_path / "migrations-old"
    old.mkdir()
    for source in migrations_dir().glob("0001.*"):
        shutil.copy(source, old / source.name)
    conn = sqlite_connection(db.open_db(db_path, migrations=old))
    conn.execute(
        "INSERT INTO tools (id, name, path, type, created_at, updated_at) "
        "VALUES ('kept', 'kept', 'p', 'cli', 't', 't')"
    )
    conn.close()
    blocking = tmp_path / "migrations-blocking"
    shutil.copytree(old, blocking)
    ready, go = tmp_path / "ready", tmp_path / "go"
    os.mkfifo(ready)
    os.mkfifo(go)
    (blocking / "0001a.block.py").write_text(
        textwrap.dedent(_BLOCKING_STEP).format(ready=str(ready), go=str(go))
    )
    script = (
        "import sys; from pathlib import Path; from pai_deps import db; "
        "db.open_db(Path(sys.argv[1]), migrations=Path(sys.argv[2]))"
    )
    migrator = subprocess.Popen(
        [sys.executable, "-c", script, str(db_path), str(blocking)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        fd = os.open(ready, os.O_RDONLY | os.O_NONBLOCK)
        try:
            readable, _, _ = select.select([fd], [], [], 30)
            assert readable, "the blocking migration never started"
        finally:
            os.close(fd)
        migrator.kill()  # SIGKILL while yoyo's lock row is committed in the file
    finally:
        _, stderr = migrator.communicate(timeout=30)
    assert migrator.returncode == -9, stderr.decode()
    locks = sqlite3.connect(db_path)
    assert locks.execute("SELECT count(*) FROM yoyo_lock").fetchone()[0] == 1
    locks.close()

    result = run_pai_deps("--db", str(db_path), "--json", "list", timeout=20)
    assert result.exit_code == 0, result.output
    assert [t["id"] for t in result.json()["tools"]] == ["kept"]
    assert db.describe(db_path).pending == []
    backups = sorted(db_path.parent.glob("registry.backup-*.db"))
    assert backups, "a registry holding data is backed up before migrating"
    for backup in backups:
        copy = sqlite3.connect(backup)
        assert copy.execute("SELECT count(*) FROM yoyo_lock").fetchone()[0] == 0
        assert copy.execute("SELECT id FROM tools").fetchall() == [("kept",)]
        copy.close()


def test_a_failing_migration_does_not_pile_up_backups(tmp_path: Path, db_path: Path) -> None:
    migrations = tmp_path / "migrations"
    shutil.copytree(migrations_dir(), migrations)
    db.open_db(db_path, migrations=migrations).close()
    raw = sqlite3.connect(db_path)
    raw.execute(
        "INSERT INTO tools (id, name, path, type, created_at, updated_at) "
        "VALUES ('keep', 'keep', 'p', 'cli', 't', 't')"
    )
    raw.commit()
    raw.close()
    (migrations / "9001.broken.sql").write_text(
        f"-- depends: {known_migrations()[-1]}\nTHIS IS NOT SQL;\n"
    )
    for _ in range(3):
        with pytest.raises(DatabaseError, match="left as it was"):
            db.open_db(db_path, migrations=migrations)
    assert list(db_path.parent.glob("*backup*")) == []
    locks = sqlite3.connect(db_path)
    assert locks.execute("SELECT count(*) FROM yoyo_lock").fetchone()[0] == 0
    locks.close()


# -- item 17: odd paths, read-only copies, a full disk ---------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "devnull", "link-to-devnull"])
def test_only_a_regular_file_is_a_registry(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "registry.db"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "link-to-devnull":
        target.symlink_to(os.devnull)
    else:
        target = Path(os.devnull)
    for args in (("list",), ("db", "status"), ("db", "migrate"), ("db", "check")):
        result = run_pai_deps("--db", str(target), *args, timeout=10)
        assert result.exit_code == 1, (args, result.output)
        assert "not a regular file" in result.stderr and result.stderr.count("\n") == 1


def test_db_status_writes_nothing(tmp_path: Path, db_path: Path) -> None:
    _synced(tmp_path, db_path, count=2)
    before = sorted(p.name for p in db_path.parent.iterdir())
    assert before == ["registry.db"]
    status = run_pai_deps("--db", str(db_path), "--json", "db", "status")
    assert status.exit_code == 0, status.output
    assert sorted(p.name for p in db_path.parent.iterdir()) == before


def test_a_healthy_read_only_registry_is_not_called_corrupt(tmp_path: Path, db_path: Path) -> None:
    _synced(tmp_path, db_path, count=2)
    if os.geteuid() != 0:
        db_path.chmod(0o444)
        db_path.parent.chmod(0o555)
        readonly = db_path
    else:
        mounted = tmp_path / "ro"
        mounted.mkdir()
        bind = subprocess.run(
            ["mount", "--bind", "-o", "ro", str(db_path.parent), str(mounted)],
            capture_output=True,
            check=False,
        )
        if bind.returncode != 0:
            pytest.skip(f"cannot make a read-only mount here: {bind.stderr.decode().strip()}")
        readonly = mounted / db_path.name
    try:
        status = run_pai_deps("--db", str(readonly), "--json", "db", "status")
        assert status.exit_code == 0, status.output
        document = status.json()
        assert document["integrity"] == "ok" and document["tables"]["tools"] == 2
        check = run_pai_deps("--db", str(readonly), "db", "check")
        assert check.exit_code == 0, check.output
    finally:
        if os.geteuid() != 0:
            db_path.parent.chmod(0o755)
        else:
            subprocess.run(["umount", str(tmp_path / "ro")], check=True)


def test_a_full_disk_during_sync_says_so_and_keeps_the_registry(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "small", 640) as small:
        registry = small / "registry.db"
        root = tmp_path / "tools"
        write_tool(root, "first")
        assert run_pai_deps("--db", str(registry), "sync", str(root)).exit_code == 0
        for index in range(400):
            write_tool(root, f"more-{index}", description="x" * 2000)
        fill(small, leave_kib=96)  # room to open the registry, not for 400 manifests
        result = run_pai_deps("--db", str(registry), "--json", "sync", str(root))
        assert result.exit_code == 1, result.output
        document = result.json()
        assert document["code"] == "disk_full", document
        assert "disk" in document["error"] and "full" in document["error"]
        assert "savepoint" not in document["error"]
        for filler in small.glob("filler-*"):
            filler.unlink()
        listed = run_pai_deps("--db", str(registry), "--json", "list")
        assert listed.exit_code == 0, listed.output
        assert [t["id"] for t in listed.json()["tools"]] == ["first"]
        check = run_pai_deps("--db", str(registry), "--json", "db", "check")
        assert check.json()["integrity"] == "ok"
