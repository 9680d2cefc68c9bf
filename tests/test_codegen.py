"""The code generator: what it infers, what it refuses, and its command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pai_deps.codegen import SpecError, generate, migrated_schema
from pai_deps.codegen.infer import Column, Schema

ROOT = Path(__file__).resolve().parent.parent

SCHEMA: Schema = {
    "tools": {
        "id": Column("str", nullable=False),
        "version": Column("str", nullable=True),
        "debt_score": Column("int", nullable=False),
        "stub": Column("bool", nullable=False),
        "reliability": Column("float", nullable=False),
    },
    "dependencies": {
        "consumer_id": Column("str", nullable=False),
        "provider_id": Column("str", nullable=False),
        "optional": Column("bool", nullable=False),
        "debt_score": Column("str", nullable=False),  # clashes with tools.debt_score on purpose
    },
}


def _generate(tmp_path: Path, sql: str) -> str:
    (tmp_path / "q.sql").write_text(sql, encoding="utf-8")
    return generate(tmp_path, SCHEMA)["q.py"]


def test_types_come_from_the_columns_a_parameter_meets(tmp_path: Path) -> None:
    text = _generate(
        tmp_path,
        "-- name: find(id, min_debt, stub, version)\n"
        "-- returns: ToolIdRow\n"
        "SELECT id FROM tools AS t WHERE t.id = :id AND t.debt_score >= :min_debt\n"
        "  AND (:stub IS NULL OR t.stub = :stub) AND version = :version LIMIT 5;\n",
    )
    params = "conn: Connection, *, id: str, min_debt: int, stub: bool | None, version: str"
    assert f"def find(\n    {params}\n) -> list[ToolIdRow]:" in text


def test_inserted_and_assigned_values_may_be_null_where_the_column_may(tmp_path: Path) -> None:
    text = _generate(
        tmp_path,
        "-- name: add(id, version, reliability)!\n"
        "INSERT INTO tools (id, version, reliability) VALUES (:id, :version, :reliability);\n\n"
        "-- name: change(id, version)!\n"
        "UPDATE tools SET version = :version WHERE id = :id;\n",
    )
    assert "def add(conn: Connection, *, id: str, version: str | None, reliability: float)" in text
    assert "def change(conn: Connection, *, id: str, version: str | None) -> int:" in text
    assert 'return rowcount(run(conn, _FILE, "change", id=id, version=version))' in text


def test_declared_types_win_and_json_parameters_are_sent_as_json(tmp_path: Path) -> None:
    text = _generate(
        tmp_path,
        "-- name: among(ids, limit)\n"
        "-- returns: ToolIdRow\n"
        "-- param ids: Iterable[str] as json\n"
        "-- param limit: int\n"
        "SELECT id FROM tools WHERE id IN (SELECT value FROM json_each(:ids)) LIMIT :limit;\n",
    )
    assert "from collections.abc import Iterable" in text
    assert "ids: Iterable[str], limit: int" in text
    assert "ids=json_text(ids)" in text


def test_one_row_and_scalar_results(tmp_path: Path) -> None:
    text = _generate(
        tmp_path,
        "-- name: maybe(id)^\n-- returns: ToolIdRow | None\n"
        "SELECT id FROM tools WHERE id = :id;\n\n"
        "-- name: always()^\n-- returns: ToolIdRow\nSELECT min(id) AS id FROM tools;\n\n"
        "-- name: how_many()$\n-- returns: int\nSELECT count(*) FROM tools;\n",
    )
    assert "-> ToolIdRow | None:\n    return maybe_one(ToolIdRow," in text
    assert "-> ToolIdRow:\n    return exactly_one(ToolIdRow," in text
    assert "-> int:\n    return scalar(int," in text


@pytest.mark.parametrize(
    ("sql", "complaint"),
    [
        ("-- name: q(id)\nSELECT id FROM tools WHERE id = :id;\n", "returns: TYPE"),
        (
            "-- name: q(x)\n-- returns: ToolIdRow\nSELECT id FROM tools WHERE :x;\n",
            "cannot infer the type of :x",
        ),
        (
            "-- name: q(d)\n-- returns: ToolIdRow\n"
            "SELECT t.id FROM tools AS t JOIN dependencies AS e ON e.consumer_id = t.id\n"
            "WHERE t.debt_score = :d OR e.debt_score = :d;\n",
            "columns of different types",
        ),
        (
            "-- name: q(id)\n-- returns: ToolIdRow\n-- param other: str\n"
            "SELECT id FROM tools WHERE id = :id;\n",
            "not in the name line's parameter list",
        ),
        (
            "-- name: q()\n-- returns: ToolIdRow | None\nSELECT id FROM tools;\n",
            "returns a list, never None",
        ),
        ("-- name: q()\n-- returns: int\nSELECT id FROM tools;\n", "cannot return int"),
        ("-- name: q()$\n-- returns: ToolIdRow\nSELECT 1;\n", "cannot return ToolIdRow"),
        ("-- name: q()\n-- returns: NoSuchRow\nSELECT id FROM tools;\n", "cannot return NoSuchRow"),
        (
            "-- name: q()\n-- returns: ToolIdRow\n-- returns: ToolIdRow\nSELECT id FROM tools;\n",
            "more than one `returns:`",
        ),
    ],
)
def test_what_the_generator_refuses(tmp_path: Path, sql: str, complaint: str) -> None:
    with pytest.raises(SpecError, match=complaint.replace("(", r"\(").replace("|", r"\|")):
        _generate(tmp_path, sql)


def test_the_schema_is_read_from_the_migrations() -> None:
    schema = migrated_schema()
    assert schema["tools"]["id"] == Column("str", nullable=False)
    assert schema["tools"]["stub"] == Column("bool", nullable=False)  # CHECK (stub IN (0, 1))
    assert schema["tools"]["reliability"] == Column("float", nullable=False)
    assert schema["tools"]["version"] == Column("str", nullable=True)
    assert "_yoyo_migration" in schema  # yoyo's own tables are there too, and harmless


def test_check_mode_reports_a_stale_module_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "repo"
    out.mkdir()
    stale = out / "tools.py"
    stale.write_text("# Generated by `python -m pai_deps.codegen` ... old\n", encoding="utf-8")
    orphan = out / "gone.py"
    orphan.write_text("# Generated by `python -m pai_deps.codegen` from queries/gone.sql\n")
    hand_written = out / "_runtime.py"
    hand_written.write_text("# mine\n", encoding="utf-8")
    command = [sys.executable, "-m", "pai_deps.codegen", "--out", str(out)]
    check = subprocess.run(
        [*command, "--check"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert check.returncode == 1
    assert "tools.py is stale" in check.stdout
    assert "gone.py is no longer generated" in check.stdout
    assert stale.read_text(encoding="utf-8").endswith("old\n")
    write = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    assert write.returncode == 0, write.stderr
    assert (out / "tools.py").read_text(encoding="utf-8").startswith("# Generated by")
    assert not orphan.exists()
    assert hand_written.read_text(encoding="utf-8") == "# mine\n"
    again = subprocess.run(
        [*command, "--check"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert again.returncode == 0, again.stdout
