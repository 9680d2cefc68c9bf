"""Writers on PostgreSQL, many at once, as real processes: nothing lost, nothing doubled.

Every process either succeeds or fails with the one busy message (it waited longer than
the busy timeout for the write lock); the registry's rows are then exactly what the
successful ones wrote.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.generate import build, write
from pai_deps import db
from pai_deps.db.failures import BUSY_MESSAGE
from pai_deps.repo import cycles, dependencies, meta, tools
from tests.helpers import dep, write_tool


def _run_all(commands: list[list[str]], timeout: float) -> list[tuple[int, str, str]]:
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "pai_deps", *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=timeout)
        results.append((proc.returncode, out, err))
    return results


def _clean(results: list[tuple[int, str, str]]) -> list[bool]:
    """Which succeeded; every failure must be exactly the busy message."""
    for code, out, err in results:
        if code != 0:
            busy = err.strip() == f"Error: {BUSY_MESSAGE}" or (
                out and json.loads(out).get("code") == "database_busy"
            )
            assert code == 1 and busy, (out, err)
    return [code == 0 for code, _, _ in results]


def test_concurrent_first_runs_on_an_empty_database_all_succeed(pg_url: str) -> None:
    """Five commands that each find no schema: one migrates, the others wait and use it."""
    results = _run_all([["--db", pg_url, "--json", "list"] for _ in range(5)], timeout=120)
    assert [code for code, _, _ in results] == [0] * 5, results
    assert all(json.loads(out)["tools"] == [] for _, out, _ in results)


def test_fifty_concurrent_registers(tmp_path: Path, pg_url: str) -> None:
    db.open_db(pg_url).close()
    dirs = [
        write_tool(tmp_path, f"tool{i:02d}", depends_on=[dep("shared"), dep(f"own{i:02d}")])
        for i in range(50)
    ]
    results = _run_all([["--db", pg_url, "register", str(d)] for d in dirs], timeout=300)
    landed = [i for i, ok in enumerate(_clean(results)) if ok]
    assert len(landed) >= 40, results  # a few may time out on a loaded machine, cleanly
    conn = db.open_db(pg_url)
    try:
        ids = {t.id for t in tools.list_tools(conn)}
        expected = {f"tool{i:02d}" for i in landed} | {f"own{i:02d}" for i in landed}
        assert ids == expected | {"shared"}
        assert len(dependencies.list_edges(conn)) == 2 * len(landed)
        assert len(dependencies.list_dependents_of(conn, tool_id="shared")) == len(landed)
        assert cycles.list_cycles(conn, include_resolved=True) == []
    finally:
        conn.close()


def test_ten_concurrent_syncs_of_one_thousand_tools(tmp_path: Path, pg_url: str) -> None:
    generated = build(1000, layers=20, deps=3, span=2, cycles=2, seed=7)
    write(tmp_path / "eco", generated)
    edges = {(t.id, d) for t in generated for d in t.deps}
    db.open_db(pg_url).close()
    results = _run_all(
        [["--db", pg_url, "--json", "sync", str(tmp_path / "eco")] for _ in range(10)],
        timeout=600,
    )
    succeeded = [
        json.loads(out) for (_, out, _), ok in zip(results, _clean(results), strict=False) if ok
    ]
    assert succeeded, results
    # each tool is new to exactly one of them; the others found it written meanwhile
    assert sum(s["new"] for s in succeeded) == 1000
    assert all(s["new"] + s["unchanged"] == 1000 and s["errors"] == 0 for s in succeeded)
    conn = db.open_db(pg_url)
    try:
        counts = meta.table_row_counts(conn)
        assert counts.tools == 1000
        assert counts.dependencies == len(edges)
        assert {(e.consumer_id, e.provider_id) for e in dependencies.list_edges(conn)} == edges
        assert counts.contracts == sum(1 for t in generated if t.layer % 2)
        assert counts.circular_deps >= 1
    finally:
        conn.close()
