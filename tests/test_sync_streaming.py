"""`sync` parses and writes a batch of manifests at a time (issue 16): the answer is the
same as when every manifest was parsed first, duplicate names included, and memory does
not grow with the parsed manifests."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pai_deps import db
from pai_deps.progress import Progress
from pai_deps.registry import sync as sync_module
from pai_deps.registry.sync import sync
from tests.conftest import Cli
from tests.helpers import dep, write_tool

pytestmark = pytest.mark.backends


@pytest.fixture(params=[1, sync_module.BATCH], ids=lambda n: f"batch{n}")
def batch(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Manifests written a batch at a time: 1 meets a duplicate after writing the first
    claimant (the rollback and the second round), the real size before any write."""
    monkeypatch.setattr(sync_module, "BATCH", request.param)
    return int(request.param)


def _tree(root: Path, names: list[str], **deps: list[str]) -> list[Path]:
    """One manifest per name, found in list order; `deps[name]`: what that name uses."""
    folders = []
    for index, name in enumerate(names):
        folder = f"{index:02d}-{name}"
        uses = deps.get(name.replace("-", "_"), [])
        write_tool(root, name, folder=folder, depends_on=[dep(u) for u in uses] or None)
        folders.append(root / folder / "pai-manifest.yaml")
    return folders


def _expected(cli: Cli, root: Path, names: list[str], paths: list[Path], other: Path) -> Any:
    """The document the old parse-everything-first sync gave: every claimant of a name
    claimed twice refused with the one message, the rest as a sync without them gives."""
    claimants: dict[str, list[Path]] = {}
    for name, path in zip(names, paths, strict=True):
        claimants.setdefault(name, []).append(path)
    twice = {name for name, found in claimants.items() if len(found) > 1}
    excludes = [
        a for p, n in zip(paths, names, strict=True) if n in twice for a in ("-e", p.parent.name)
    ]
    clean = cli("--json", "sync", str(root), *excludes, db=other).json()
    rest = iter(clean["results"])
    results = []
    for name, path in zip(names, paths, strict=True):
        if name not in twice:
            results.append(next(rest))
            continue
        found = claimants[name]
        listed = ", ".join(str(p) for p in found)
        message = f"Tool name '{name}' is declared by {len(found)} manifests: {listed}"
        results.append({"path": str(path), "name": name, "status": "error", "error": message})
    errors = sum(1 for r in results if r["status"] == "error")
    return {
        **clean,
        "results": results,
        "total": len(results),
        "errors": errors,
        "success": not errors,
    }


def _registry(cli: Cli, where: Path | None = None) -> Any:
    listing = cli("--json", "list", db=where).json()["tools"]
    return [(t["id"], t["stub"], t.get("version")) for t in listing]


CASES = {
    # a tool written before the duplicate is met uses the duplicated name: its stub
    # stays a stub (announced) once the first round is rolled back and redone
    "late": (["a", "b", "c", "twin", "d", "twin"], {"a": ["twin", "c"], "c": ["a"]}),
    "early": (["twin", "twin", "a", "b", "c"], {"b": ["twin"], "c": ["b"]}),
    "several": (["x", "a", "y", "x", "b", "y", "z"], {"a": ["x", "b"], "z": ["y"]}),
    "three claimants": (["t", "a", "t", "b", "t"], {"b": ["t"]}),
}


@pytest.mark.parametrize("case", CASES)
def test_duplicate_names_give_the_document_of_parsing_everything_first(
    tmp_path: Path, cli: Cli, case: str, backend: str, batch: int
) -> None:
    names, deps = CASES[case]
    root = tmp_path / "eco"
    paths = _tree(root, names, **deps)
    other = tmp_path / "clean.db"  # the clean reference is on SQLite for both backends
    expected = _expected(cli, root, names, paths, other)
    result = cli("--json", "sync", str(root))
    assert result.exit_code == 1
    assert result.json() == expected
    assert _registry(cli) == _registry(cli, other)
    # nothing of a refused claimant was written, and a re-sync gives the same answer
    again = cli("--json", "sync", str(root)).json()
    assert [r["status"] for r in again["results"]] == [
        "error" if r["status"] == "error" else "unchanged" for r in expected["results"]
    ]


def test_the_old_document_for_two_claimants_word_for_word(
    tmp_path: Path, cli: Cli, batch: int
) -> None:
    write_tool(tmp_path, "twin", folder="one")
    write_tool(tmp_path, "solo", folder="solo", depends_on=[dep("twin")])
    write_tool(tmp_path, "twin", folder="two")
    document = cli("--json", "sync", str(tmp_path)).json()
    one, two = (str(tmp_path / f / "pai-manifest.yaml") for f in ("one", "two"))
    message = f"Tool name 'twin' is declared by 2 manifests: {one}, {two}"
    assert document["results"] == [
        {"path": one, "name": "twin", "status": "error", "error": message},
        {
            "path": str(tmp_path / "solo" / "pai-manifest.yaml"),
            "name": "solo",
            "status": "new",
            "warnings": ["Created stub for unregistered dependency: twin"],
        },
        {"path": two, "name": "twin", "status": "error", "error": message},
    ]
    assert (document["new"], document["errors"], document["total"]) == (1, 2, 3)
    assert _registry(cli) == [("solo", False, None), ("twin", True, None)]


@pytest.mark.parametrize("case", CASES)
def test_dry_run_with_duplicates_predicts_the_real_sync(
    tmp_path: Path, cli: Cli, case: str
) -> None:
    names, deps = CASES[case]
    root = tmp_path / "eco"
    _tree(root, names, **deps)
    # the last but one name is registered from elsewhere: a name collision where it is
    # claimed once, the duplicate error (no collision code) where twice
    write_tool(tmp_path / "elsewhere", names[-2])
    cli("register", str(tmp_path / "elsewhere" / names[-2]))
    before = _registry(cli)
    preview = cli("--json", "sync", str(root), "--dry-run").json()
    assert _registry(cli) == before
    real = cli("--json", "sync", str(root)).json()
    assert preview["dryRun"] is True

    def outcome(document: Any) -> Any:  # a preview has no stub or cycle news
        results = [{k: v for k, v in r.items() if k != "warnings"} for r in document["results"]]
        return {**document, "results": results, "dryRun": None, "cycles": None}

    assert outcome(preview) == outcome(real)
    assert any(r["status"] == "error" and "declared by" in r["error"] for r in real["results"])


@pytest.mark.sqlite_only
def test_a_sync_with_nothing_to_write_takes_no_write_lock(
    tmp_path: Path, cli: Cli, db_path: Path
) -> None:
    """Unchanged manifests, changed ones that are all invalid, and duplicates met before
    the first write: no write transaction. (A second claimant met only after a batch
    was written is the exception: that round took the lock before the duplicate was
    known.)"""
    _tree(tmp_path / "eco", ["a", "b"], a=["b"])
    _tree(tmp_path / "twins", ["t", "t"])
    for index in range(2):
        broken = tmp_path / "broken" / str(index)
        broken.mkdir(parents=True)
        (broken / "pai-manifest.yaml").write_text("name: broken\ntype: service\n")
    assert cli("sync", str(tmp_path / "eco")).exit_code == 0
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock throughout
    try:
        unchanged = cli("--json", "sync", str(tmp_path / "eco"))
        assert unchanged.exit_code == 0, unchanged.output
        assert unchanged.json()["unchanged"] == 2
        broken = cli("--json", "sync", str(tmp_path / "broken")).json()
        assert broken.get("code") != "database_busy", broken
        assert broken["errors"] == 2
        twins = cli("--json", "sync", str(tmp_path / "twins")).json()
        assert twins.get("code") != "database_busy", twins
        assert twins["errors"] == 2
    finally:
        holder.execute("ROLLBACK")
        holder.close()


class _Interrupt(Progress):
    """Ctrl-C after `after` manifests have been read (and the earlier ones written)."""

    def __init__(self, after: int) -> None:
        self.left = after

    def advance(self, amount: int = 1) -> None:
        self.left -= amount
        if self.left == 0:
            raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("names", "after"),
    [
        (["a", "b", "c", "d", "e"], 4),  # a, b, c written, then Ctrl-C
        # a, t, b written, a second t: undone; the names of c, d; a, b written, Ctrl-C
        (["a", "t", "b", "t", "c", "d"], 10),
    ],
)
def test_an_interrupted_sync_writes_nothing(
    tmp_path: Path,
    cli: Cli,
    db_target: str,
    names: list[str],
    after: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sync_module, "BATCH", 1)  # each manifest written once it is read
    _tree(tmp_path / "eco", names, b=["a"], c=["b", "ghost"])
    conn = db.open_db(db_target)
    interrupt = _Interrupt(after)
    try:
        with pytest.raises(KeyboardInterrupt):
            sync(conn, [tmp_path / "eco"], progress=interrupt)
    finally:
        conn.close()
    assert interrupt.left == 0
    assert _registry(cli) == []
    assert cli("--json", "cycles").json()["cycles"] == []


@pytest.mark.sqlite_only
def test_a_registry_failure_mid_sync_rolls_back_every_manifest(
    tmp_path: Path, cli: Cli, db_path: Path
) -> None:
    """A write the registry itself fails (not the manifest's rows) after others were
    written: the one transaction is undone whole, the command says so in one line."""
    _tree(tmp_path / "eco", ["a", "b", "c", "d"], b=["a"])
    assert cli("--json", "list").exit_code == 0  # creates the registry
    raw = sqlite3.connect(db_path)
    raw.execute(  # a runtime error that is no constraint: the registry's failure
        "CREATE TRIGGER boom BEFORE INSERT ON tools WHEN NEW.id = 'c' "
        "BEGIN SELECT json('{not json'); END"
    )
    raw.commit()
    raw.close()
    result = cli("--json", "sync", str(tmp_path / "eco"))
    assert result.exit_code == 1, result.output
    assert "results" not in result.json() and result.json()["success"] is False
    assert _registry(cli) == []


# One process per measurement: what earlier tests imported or cached cannot move its peak.
_PEAK = """
import sys, tracemalloc
from typer.testing import CliRunner
from pai_deps.cli import app
warm, db, root = sys.argv[1:]
runner = CliRunner()
assert runner.invoke(app, ["--db", warm, "--json", "sync", root + "-warm"]).exit_code == 0
tracemalloc.start()
result = runner.invoke(app, ["--db", db, "--json", "sync", root])
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
assert result.exit_code == 0 and result.stdout.count('"status": "new"') > 100, result.output
print(peak)
"""


def _peak(tmp_path: Path, count: int) -> int:
    """Peak traced allocation (bytes) of a fresh `sync --json` of `count` manifests, in
    a process that first ran one of 2 (imports and caches are not the sync's)."""
    root = tmp_path / f"eco-{count}"
    _big_tree(root, count)
    _big_tree(tmp_path / f"eco-{count}-warm", 2)
    warm, target = tmp_path / f"warm-{count}.db", tmp_path / f"fresh-{count}.db"
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, str(warm), str(target), str(root)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


def _big_tree(root: Path, count: int) -> None:
    verbs = ("run", "list", "show", "add", "remove", "sync")
    for index in range(count):
        name = f"tool-{index:05d}"
        write_tool(
            root,
            name,
            version="1.0.0",
            description=f"tool number {index}",
            depends_on=[dep(f"tool-{index - 1:05d}")] if index else None,
            provides={"cli": [{"command": f"{name} {verb}"} for verb in verbs]},
        )


@pytest.mark.sqlite_only
def test_sync_memory_does_not_grow_with_the_parsed_manifests(tmp_path: Path) -> None:
    """From 200 to 1,000 manifests the peak grows by what the answer holds, not by the
    parsed manifests (about 7.4 KiB each when every one was parsed before the writes)."""
    peaks = {count: _peak(tmp_path, count) for count in (200, 1000)}
    per_manifest = (peaks[1000] - peaks[200]) / 800
    assert per_manifest < 2.5 * 1024, peaks
