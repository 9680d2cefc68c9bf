"""Files pai-deps writes where the user points it: `report -o`, `graph -o`, `db backup`.

None of them may overwrite the registry (or its -wal/-shm), replace an existing file
unless asked, write through a symlink, or leave an empty or half-written file behind.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from pai_deps import db
from tests.conftest import Cli
from tests.fsfaults import small_tmpfs
from tests.helpers import write_tool

# The registry's own files (-wal, -shm) and SQLite backups.
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def filled(tmp_path: Path, cli: Cli, db_path: Path) -> Cli:
    write_tool(tmp_path / "tools", "alpha")
    write_tool(tmp_path / "tools", "beta", depends_on=[{"name": "alpha", "type": "cli"}])
    assert cli("sync", str(tmp_path / "tools")).exit_code == 0
    return cli


def _tool_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM tools").fetchone()[0])
    finally:
        conn.close()


COMMANDS = [("report",), ("graph",), ("graph", "-f", "mermaid")]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_output_never_overwrites_the_registry_or_its_journal_files(
    filled: Cli, db_path: Path, command: tuple[str, ...]
) -> None:
    conn = db.open_db(db_path)  # an open connection keeps -wal and -shm in place
    try:
        before = db_path.read_bytes()
        for target in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
            for force in ((), ("--force",)):
                result = filled(*command, "-o", str(target), *force)
                assert result.exit_code == 1, result.output
                assert "is the registry database" in result.stderr
                assert result.stderr.count("\n") == 1
        link = db_path.parent / "innocent.md"
        link.symlink_to(db_path)
        refused = filled(*command, "-o", str(link), "--force", "--json").json()
        assert refused["success"] is False and refused["code"] == "refused_target"
        assert db_path.read_bytes() == before
    finally:
        conn.close()
    assert _tool_count(db_path) == 2
    assert len(filled("--json", "list").json()["tools"]) == 2


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_an_existing_file_is_replaced_only_with_force(
    filled: Cli, tmp_path: Path, command: tuple[str, ...]
) -> None:
    out = tmp_path / "out.txt"
    out.write_text("my notes\n")
    refused = filled(*command, "-o", str(out))
    assert refused.exit_code == 1
    assert refused.stderr == f"Error: {out} already exists; use --force to replace it\n"
    assert out.read_text() == "my notes\n"
    forced = filled(*command, "-o", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert out.read_text() != "my notes\n" and out.stat().st_size > 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_a_symlink_is_replaced_never_written_through(filled: Cli, tmp_path: Path) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n")
    link = tmp_path / "graph.dot"
    link.symlink_to(precious)
    refused = filled("graph", "-o", str(link))
    assert refused.exit_code == 1 and "already exists" in refused.stderr
    assert filled("graph", "-o", str(link), "--force").exit_code == 0
    assert precious.read_text() == "keep me\n"
    assert not link.is_symlink() and link.read_text().startswith("digraph pai_deps {")
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "nowhere" / "x.md")
    assert filled("report", "-o", str(dangling)).exit_code == 1
    assert not (tmp_path / "nowhere").exists()


def test_unwritable_targets_fail_cleanly_and_leave_nothing(filled: Cli, tmp_path: Path) -> None:
    missing_dir = filled("report", "-o", str(tmp_path / "no" / "such" / "r.md"))
    assert missing_dir.exit_code == 1 and missing_dir.stderr.count("\n") == 1
    directory = filled("report", "-o", str(tmp_path), "--force")
    assert directory.exit_code in (1, 2) and "directory" in directory.stderr
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    refused = filled("graph", "-o", str(fifo), "--force")
    assert refused.exit_code == 1 and "FIFO" in refused.stderr


# -- db backup ---------------------------------------------------------------------------------


def test_db_backup_refuses_the_registry_and_its_journal_files(filled: Cli, db_path: Path) -> None:
    targets = (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm"))
    for target in targets:  # closed: -wal and -shm do not exist, and must not be created
        result = filled("db", "backup", str(target))
        assert result.exit_code == 1, result.output
        assert "is the registry database" in result.stderr
    assert not any(Path(f"{db_path}{suffix}").exists() for suffix in ("-wal", "-shm"))
    conn = db.open_db(db_path)
    try:
        for target in targets:
            result = filled("db", "backup", str(target))
            assert result.exit_code == 1 and "is the registry database" in result.stderr
    finally:
        conn.close()
    assert _tool_count(db_path) == 2


def test_a_failed_backup_leaves_no_file(filled: Cli, tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "small", 16) as small:
        target = small / "copy.db"
        result = filled("db", "backup", str(target))
        assert result.exit_code == 1, result.output
        assert result.stderr.count("\n") == 1 and "full" in result.stderr
        assert list(small.iterdir()) == []
