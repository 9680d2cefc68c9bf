"""Generated hostile repositories through `sync`, `discover` and `register`.

Each example is a repository of a few manifests built to hurt: wrong types, huge numbers,
control characters, unknown keys, alias and merge-key bombs, deep nesting, names of
tools already registered, and schema files that are FIFOs, devices, huge, deeply
nested, invalid, outside the repository or behind symlinks. Whatever it is, every
command must exit 0, 1 or 2 without an internal error, within 5 s, inside a 768 MB
address space, and the valid tools registered before must be exactly as they were.

Bounded for CI (`PAI_DEPS_FUZZ_EXAMPLES`, default 200; raise it for a longer hunt).
The commands run in one worker process (`fuzz_worker.py`) so an example costs
milliseconds, not a Python start-up.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pai_deps.manifest import dump_manifest_yaml
from tests.conftest import run_pai_deps
from tests.helpers import write_tool

EXAMPLES = int(os.environ.get("PAI_DEPS_FUZZ_EXAMPLES", "200"))
MEMORY_MB = 768
RUN_LIMIT_S = 5.0
WORKER = Path(__file__).parent / "fuzz_worker.py"
BASELINE = ("base-a", "base-b", "base-c")


class Worker:
    """The worker process and the one request/answer exchange it speaks."""

    def __init__(self, home: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER), str(MEMORY_MB << 20)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")},
        )

    def run(self, cwd: Path, *args: str) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"args": list(args), "cwd": str(cwd)}) + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], RUN_LIMIT_S * 3)
        assert ready, f"pai-deps {' '.join(args)} did not finish within {RUN_LIMIT_S * 3} s"
        line = self.proc.stdout.readline()
        assert line, f"the worker died (memory limit?) running pai-deps {' '.join(args)}"
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Worker]]:
    """A registry holding three valid tools (edges, contracts, a schema) and the worker."""
    root = tmp_path_factory.mktemp("baseline")
    write_tool(root / "tools", "base-a", version="1.0.0")
    write_tool(
        root / "tools",
        "base-b",
        depends_on=[{"name": "base-a", "type": "cli"}],
        provides={"cli": [{"command": "base-b list --json", "output_schema": "out.json"}]},
        schemas={"out.json": {"type": "object", "properties": {"n": {"type": "integer"}}}},
    )
    write_tool(root / "tools", "base-c", type="mcp", provides={"mcp": [{"tool": "search"}]})
    registry = root / "registry.db"
    synced = run_pai_deps("--db", str(registry), "sync", str(root / "tools"))
    assert synced.exit_code == 0, synced.output
    (root / "home").mkdir()
    worker = Worker(root / "home")
    try:
        yield registry, worker
    finally:
        worker.close()


def _snapshot(registry: Path) -> dict[str, Any]:
    """Everything about the baseline tools that a hostile sync must not change."""
    conn = sqlite3.connect(registry)
    try:
        marks = ",".join("?" * len(BASELINE))
        return {
            "integrity": conn.execute("PRAGMA integrity_check").fetchall(),
            "tools": conn.execute(
                "SELECT id, path, type, version, reliability, debt_score, stub, manifest_path, "
                f"manifest_hash FROM tools WHERE id IN ({marks}) ORDER BY id",
                BASELINE,
            ).fetchall(),
            "edges": conn.execute(
                "SELECT consumer_id, provider_id, type FROM dependencies "
                f"WHERE consumer_id IN ({marks}) ORDER BY 1, 2",
                BASELINE,
            ).fetchall(),
            "contracts": conn.execute(
                "SELECT tool_id, contract_type, name, schema_hash FROM contracts "
                f"WHERE tool_id IN ({marks}) ORDER BY 1, 2, 3",
                BASELINE,
            ).fetchall(),
        }
    finally:
        conn.close()


# -- what a hostile repository is made of ---------------------------------------------------

NASTY_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\x1b[2J\x1b]0;owned\x07",
        "\u202e\u2066",
        "\ufeff",
        "é" * 3,
        "x" * 5000,
        "-rf",
        "--json",
        "base-a",
        "*",
        "{}",
        "[",
        "~nosuchuser-fuzz",
    ]
) | st.text(max_size=20)
NAMES = st.sampled_from([*BASELINE, "tool", "t1", "t2", "-x", "a" * 300, "ü", "x\ty"]) | st.text(
    min_size=1, max_size=12
)
NUMBERS = st.sampled_from(
    [0, -1, 1, 0.5, 1.5, 10**20, -(10**20), 2**63, float("inf"), float("nan"), "1", "yes", None]
)
SCHEMA_REFS = st.sampled_from(
    [
        "good.json",
        "good.json",
        "good.json",
        "bad.json",
        "deep.json",
        "fifo.json",
        "zero.json",
        "huge.json",
        "dir.json",
        "outside.json",
        "/dev/zero",
        "/etc/passwd",
        "../../../outside-secret.json",
        "~/x.json",
        "~nosuchuser-fuzz/x.json",
        "a\x00b.json",
        "x" * 4000 + ".json",
        "",
        " ",
        "missing.json",
    ]
)


def _either(draw: st.DrawFn, fine: Any, hostile: st.SearchStrategy[Any]) -> Any:
    """Mostly a valid value, sometimes a hostile one: one bad field in an otherwise valid
    manifest reaches code that a wholly broken manifest never gets to."""
    return draw(hostile) if draw(st.integers(0, 4)) == 0 else fine


def _manifest_data(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": _either(draw, draw(st.sampled_from(["tool", "t1", "t2", "ü-tool"])), NAMES),
        "type": _either(draw, draw(st.sampled_from(["cli", "mcp", "cli+mcp"])), NASTY_TEXT),
    }
    if draw(st.booleans()):
        data["version"] = _either(draw, "1.0.0", NASTY_TEXT)
    if draw(st.booleans()):
        data["description"] = _either(draw, "a tool", NASTY_TEXT)
    for key, fine in (("reliability", 0.9), ("debt_score", 3)):
        if draw(st.booleans()):
            data[key] = _either(draw, fine, NUMBERS)
    provides: dict[str, Any] = {}
    if draw(st.booleans()):
        provides["cli"] = [
            {"command": _either(draw, "t run --json", NASTY_TEXT), "output_schema": ref}
            for ref in draw(st.lists(SCHEMA_REFS, max_size=2))
        ]
    if draw(st.booleans()):
        provides["mcp"] = [
            {"tool": _either(draw, "search", NAMES), "schema": ref}
            for ref in draw(st.lists(SCHEMA_REFS, max_size=2))
        ]
    if provides:
        data["provides"] = provides
    if draw(st.booleans()):
        data["depends_on"] = [
            {
                "name": _either(draw, draw(st.sampled_from([*BASELINE, "other"])), NAMES),
                "type": _either(draw, "cli", st.sampled_from(["library", "npm", "x", ""])),
            }
            for _ in range(draw(st.integers(0, 3)))
        ]
    for _ in range(draw(st.integers(0, 2))):
        data[draw(st.text(max_size=8))] = draw(NASTY_TEXT)
    if draw(st.booleans()):
        data["mcp_start"] = _either(draw, "t serve", NASTY_TEXT)
    return data


def _bomb(levels: int) -> str:
    lines = ["b0: &b0 {k: v}"]
    lines += [f"b{i}: &b{i} {{<<: [*b{i - 1}, *b{i - 1}], k{i}: v}}" for i in range(1, levels + 1)]
    return "\n".join([*lines, "name: bomb", "type: cli", ""])


@st.composite
def manifest_texts(draw: st.DrawFn) -> str | bytes:
    kind = draw(st.sampled_from(["data"] * 6 + ["garbage", "bomb", "deep", "keys", "binary"]))
    if kind == "data":
        try:
            return dump_manifest_yaml(_manifest_data(draw))
        except Exception:  # the dumper refuses some values (NaN keys, ...): write raw YAML
            return json.dumps(_manifest_data(draw), default=str)
    if kind == "garbage":
        return draw(st.sampled_from(["name: [", "name: a\n  b: c", "- x", "&a *a", "!!python/x"]))
    if kind == "bomb":
        return _bomb(draw(st.integers(10, 30)))
    if kind == "deep":
        return "name: deep\ntype: cli\nx: " + "[" * draw(st.integers(50, 20_000))
    if kind == "keys":
        return "name: keys\ntype: cli\n" + "".join(f"k{i}: {i}\n" for i in range(3000))
    return draw(st.binary(max_size=200))


SCHEMA_BODIES = st.sampled_from(
    [
        '{"type": "object"}',
        "not json",
        '{"a": NaN}',
        '{"n": 1e400}',
        '"\\ud800"',
        "\ufeff{}",
        '{"$ref": "http://169.254.169.254/latest/meta-data"}',
        '{"$ref": "#/definitions/x", "definitions": {"x": {"$ref": "#/definitions/x"}}}',
        "[" * 5000 + "]" * 5000,
        '{"a":' * 900 + "1" + "}" * 900,
    ]
)


TRICKS = ["fifo-gitignore", "up-link", "fifo-manifest", "zero-manifest"]


def _build_repo(repo: Path, texts: list[str | bytes], schema_body: str, tricks: set[str]) -> None:
    (repo / ".git").mkdir(parents=True)
    (repo.parent / "outside-secret.json").write_text('{"secret": "s3cr3t-value"}')
    for index, text in enumerate(texts):
        tool = repo / f"m{index}"
        tool.mkdir()
        manifest = tool / "pai-manifest.yaml"
        manifest.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "replace"))
        (tool / "good.json").write_text('{"type": "object"}')
        (tool / "bad.json").write_text(schema_body)
        (tool / "deep.json").write_text("[" * 3000 + "]" * 3000)
        os.mkfifo(tool / "fifo.json")
        (tool / "zero.json").symlink_to("/dev/zero")
        with (tool / "huge.json").open("wb") as handle:
            handle.truncate(64 << 20)
        (tool / "dir.json").mkdir()
        (tool / "outside.json").symlink_to(repo.parent / "outside-secret.json")
    if "fifo-gitignore" in tricks:
        os.mkfifo(repo / ".gitignore")
    if "up-link" in tricks:
        (repo / "up").symlink_to("..", target_is_directory=True)
    if "fifo-manifest" in tricks:
        (repo / "fifo-tool").mkdir()
        os.mkfifo(repo / "fifo-tool" / "pai-manifest.yaml")
    if "zero-manifest" in tricks:
        (repo / "zero-tool").mkdir()
        (repo / "zero-tool" / "pai-manifest.yaml").symlink_to("/dev/zero")


def _check(answer: dict[str, Any], command: str) -> None:
    shown = f"{command}: {answer['stdout'][-500:]}{answer['stderr'][-500:]}"
    assert answer["crash"] is None, shown + answer["crash"]
    assert answer["exit"] in (0, 1, 2), shown
    assert "internal error" not in answer["stdout"] + answer["stderr"], shown
    assert answer["elapsed"] < RUN_LIMIT_S, f"{command} took {answer['elapsed']:.1f} s"
    assert "s3cr3t-value" not in answer["stdout"] + answer["stderr"], shown


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    texts=st.lists(manifest_texts(), min_size=1, max_size=3),
    schema_body=SCHEMA_BODIES,
    tricks=st.sets(st.sampled_from(TRICKS)),
)
def test_hostile_repositories_fail_cleanly_and_leave_valid_tools_intact(
    baseline: tuple[Path, Worker],
    texts: list[str | bytes],
    schema_body: str,
    tricks: set[str],
) -> None:
    template, worker = baseline
    expected = _snapshot(template)
    with tempfile.TemporaryDirectory(prefix="pai-deps-fuzz-") as scratch:
        base = Path(scratch)
        registry = base / "registry.db"
        shutil.copy(template, registry)
        repo = base / "work" / "repo"
        _build_repo(repo, texts, schema_body, tricks)
        db = ("--db", str(registry), "--json")
        _check(worker.run(base, *db, "sync", str(repo)), "sync")
        _check(worker.run(base, *db, "discover", str(repo)), "discover")
        _check(worker.run(base, *db, "register", str(repo / "m0")), "register")
        answer = worker.run(base, *db, "register", str(repo / "m0"), "--strict")
        _check(answer, "register --strict")
        assert _snapshot(registry) == expected
    assert answer["maxrss_kb"] < MEMORY_MB * 1024
