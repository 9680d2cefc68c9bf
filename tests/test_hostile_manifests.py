"""Manifests and schema files from a hostile repository, through the real CLI.

Each input here once crashed, hung or ate memory. Now every one is a clean error about
that one manifest: `register` says what is wrong, `sync` registers all the others, and
nothing runs long or large (each run has hard memory and time limits).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.conftest import Cli, CliResult
from tests.helpers import write_tool
from tests.limits import run_limited


def _manifest(directory: Path, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "pai-manifest.yaml").write_text(text)
    return directory


def _with_schema(directory: Path, name: str, schema_ref: str) -> Path:
    return _manifest(
        directory,
        f"name: {name}\ntype: cli\nprovides:\n  cli:\n    - command: {name} x --json\n"
        f"      output_schema: {json.dumps(schema_ref)}\n",
    )


def _assert_clean_failure(result: CliResult, *, fragment: str) -> None:
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output
    assert fragment in result.stderr, result.stderr


# -- item 3: one bad manifest is one error -------------------------------------------------


HOSTILE_SCHEMA_REFS = {
    "nul": ("a\0b.json", "NUL byte"),
    "zero": ("/dev/zero", "outside the tool's repository"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_SCHEMA_REFS))
def test_hostile_schema_paths_are_manifest_errors(tmp_path: Path, db_path: Path, case: str) -> None:
    ref, fragment = HOSTILE_SCHEMA_REFS[case]
    tool = _with_schema(tmp_path / case, case, ref)
    result = run_limited("--db", str(db_path), "register", str(tool), timeout=20)
    _assert_clean_failure(result, fragment=fragment)
    assert "provides.cli[0].output_schema (line 6): " in result.stderr


def test_a_device_inside_the_repository_is_not_read(tmp_path: Path, db_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("creating a device node needs root")
    tool = _with_schema(tmp_path / "dev", "dev", "zero.json")
    os.mknod(tool / "zero.json", 0o644 | stat.S_IFCHR, os.makedev(1, 5))  # like /dev/zero
    result = run_limited("--db", str(db_path), "register", str(tool), memory_mb=400, timeout=20)
    _assert_clean_failure(result, fragment="a character device, not a regular file")


def test_a_tilde_naming_no_user_stays_as_written(tmp_path: Path, db_path: Path) -> None:
    """As in a shell: `~nosuchuser/x.json` is that relative path, which does not exist yet:
    a warning (the contract is `unknown`), an error with --strict; never a crash."""
    tool = _with_schema(tmp_path / "nouser", "nouser", "~nosuchuser-pai/x.json")
    result = run_limited("--db", str(db_path), "register", str(tool), timeout=20)
    assert result.exit_code == 0, result.output
    assert f"schema file not found: {tool / '~nosuchuser-pai' / 'x.json'}" in result.stderr
    strict = run_limited("--db", str(db_path), "register", "--strict", str(tool), timeout=20)
    _assert_clean_failure(strict, fragment="~nosuchuser-pai/x.json")


def test_a_huge_debt_score_is_a_manifest_error(tmp_path: Path, cli: Cli) -> None:
    tool = _manifest(tmp_path / "a", "name: a\ntype: cli\ndebt_score: 99999999999999999999\n")
    result = cli("register", str(tool))
    _assert_clean_failure(result, fragment="debt_score (line 3): must be at most")


def test_sync_registers_everything_else(tmp_path: Path, db_path: Path) -> None:
    root = tmp_path / "repo"
    for case, (ref, _) in HOSTILE_SCHEMA_REFS.items():
        _with_schema(root / case, case, ref)
    _with_schema(root / "nouser", "nouser", "~nosuchuser-pai/x.json")
    _manifest(root / "debt", "name: debt\ntype: cli\ndebt_score: 99999999999999999999\n")
    write_tool(root, "good-one")
    write_tool(root, "good-two", depends_on=[{"name": "good-one", "type": "cli"}])
    result = run_limited("--db", str(db_path), "--json", "sync", str(root), timeout=30)
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output
    document = json.loads(result.stdout)
    statuses = {Path(item["path"]).parent.name: item["status"] for item in document["results"]}
    assert statuses == {
        "debt": "error",
        "nul": "error",
        "nouser": "new",  # a schema file that does not exist (yet): a warning
        "zero": "error",
        "good-one": "new",
        "good-two": "new",
    }
    listed = run_limited("--db", str(db_path), "--json", "list")
    registered = sorted(t["id"] for t in json.loads(listed.stdout)["tools"])
    assert registered == ["good-one", "good-two", "nouser"]


# -- item 9: schema files that are not small regular files -----------------------------------


def test_a_fifo_schema_does_not_hang(tmp_path: Path, db_path: Path) -> None:
    tool = _with_schema(tmp_path / "fifo", "fifo", "schema.json")
    os.mkfifo(tool / "schema.json")
    for command in (("register", str(tool)), ("sync", str(tmp_path))):
        result = run_limited("--db", str(db_path), *command, timeout=20)
        _assert_clean_failure(result, fragment="FIFO")


def test_a_huge_schema_is_refused_before_reading(tmp_path: Path, db_path: Path) -> None:
    tool = _with_schema(tmp_path / "huge", "huge", "schema.json")
    with (tool / "schema.json").open("wb") as handle:
        handle.truncate(100 << 20)  # sparse: 100 MB that cost nothing to make
    result = run_limited("--db", str(db_path), "register", str(tool), memory_mb=400, timeout=20)
    _assert_clean_failure(result, fragment="larger than the 4 MiB limit")


# -- item 10: sync stats before it reads ---------------------------------------------------


def test_sync_does_not_read_a_huge_manifest(tmp_path: Path, db_path: Path) -> None:
    root = tmp_path / "repo"
    write_tool(root, "fine")
    huge = root / "huge"
    huge.mkdir()
    with (huge / "pai-manifest.yaml").open("wb") as handle:
        handle.truncate(4 << 30)  # sparse 4 GiB
    result = run_limited("--db", str(db_path), "--json", "sync", str(root), memory_mb=400)
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    by_dir = {Path(item["path"]).parent.name: item for item in document["results"]}
    assert by_dir["fine"]["status"] == "new"
    assert by_dir["huge"]["status"] == "error" and "too large" in by_dir["huge"]["error"]


# -- item 7: discover reads names with the guarded loader ------------------------------------


def test_discover_survives_a_deeply_nested_manifest(tmp_path: Path, db_path: Path) -> None:
    _manifest(tmp_path / "deep", "name: deep\ntype: cli\nx:\n  " + "- " * 50_000 + "z\n")
    _manifest(tmp_path / "wide", "name: wide\ntype: cli\nx: " + "[" * 60_000 + "]" * 60_000)
    _manifest(tmp_path / "ok", "name: ok\ntype: cli\n")
    result = run_limited("--db", str(db_path), "--json", "discover", str(tmp_path), timeout=20)
    assert result.exit_code == 0, result.output
    names = {Path(m["path"]).parent.name: m["name"] for m in json.loads(result.stdout)["manifests"]}
    assert names == {"deep": None, "ok": "ok", "wide": None}


def test_discover_does_not_read_a_fifo_or_a_huge_manifest(tmp_path: Path, db_path: Path) -> None:
    (tmp_path / "fifo").mkdir()
    os.mkfifo(tmp_path / "fifo" / "pai-manifest.yaml")
    (tmp_path / "huge").mkdir()
    with (tmp_path / "huge" / "pai-manifest.yaml").open("wb") as handle:
        handle.truncate(2 << 30)
    _manifest(tmp_path / "ok", "name: ok\ntype: cli\n")
    result = run_limited(
        "--db", str(db_path), "--json", "discover", str(tmp_path), memory_mb=400, timeout=20
    )
    assert result.exit_code == 0, result.output
    names = {Path(m["path"]).parent.name: m["name"] for m in json.loads(result.stdout)["manifests"]}
    assert names == {"huge": None, "ok": "ok"}


# -- item 8: merge-key bombs -----------------------------------------------------------------


def _merge_bomb(levels: int) -> str:
    lines = ["b0: &b0 {k: v}"]
    for level in range(1, levels + 1):
        lines.append(f"b{level}: &b{level} {{<<: [*b{level - 1}, *b{level - 1}], k{level}: v}}")
    return "\n".join([*lines, "name: bomb", "type: cli", ""])


@pytest.mark.parametrize("levels", [24, 26])
def test_a_merge_key_bomb_fails_fast_and_small(tmp_path: Path, db_path: Path, levels: int) -> None:
    tool = _manifest(tmp_path / "bomb", _merge_bomb(levels))
    assert len((tool / "pai-manifest.yaml").read_bytes()) < 1500
    for command in (("register", str(tool)), ("discover", str(tmp_path))):
        result = run_limited("--db", str(db_path), *command, memory_mb=400, timeout=15)
        assert "internal error" not in result.output
        assert result.exit_code in (0, 1), result.output
    refused = run_limited("--db", str(db_path), "register", str(tool), memory_mb=400, timeout=15)
    _assert_clean_failure(refused, fragment="aliases expand to more than")


def test_merge_keys_within_reason_still_work(tmp_path: Path, cli: Cli) -> None:
    tool = _manifest(
        tmp_path / "m",
        "name: m\ntype: cli\nbase: &base {name: b, type: cli}\n"
        "depends_on:\n  - {<<: *base}\n  - {<<: [*base], name: c}\n",
    )
    result = cli("--json", "register", str(tool))
    assert result.exit_code == 0, result.output
    assert cli("--json", "show", "m").json()["tool"]["id"] == "m"


# -- item 11: many unknown keys ----------------------------------------------------------------


def test_fifty_thousand_unknown_keys_are_linear(tmp_path: Path, db_path: Path) -> None:
    keys = "".join(f"k{i}: {i}\n" for i in range(50_000))
    tool = _manifest(tmp_path / "keys", "name: keys\ntype: cli\n" + keys)
    result = run_limited("--db", str(db_path), "--json", "register", str(tool), timeout=40)
    assert result.exit_code == 0, result.output
    warnings = json.loads(result.stdout)["warnings"]
    assert warnings[0] == "Unknown key 'k0' at <root> (line 3) ignored"
    assert warnings[100:] == ["... and 49900 more unknown keys ignored"]
    strict = run_limited("--db", str(db_path), "register", "--strict", str(tool), timeout=40)
    _assert_clean_failure(strict, fragment="k0 (line 3): unknown key")


# -- item 9: init --analyze reads hostile projects -------------------------------------------


def _project(root: Path) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "src" / "main.py").write_text("import json\n")
    return root


def test_init_analyze_skips_fifos_and_devices_among_sources(tmp_path: Path, db_path: Path) -> None:
    project = _project(tmp_path / "proj")
    (project / "pyproject.toml").write_text('[project]\nname = "proj"\n')
    os.mkfifo(project / "src" / "fifo.py")
    (project / "src" / "zero.py").symlink_to("/dev/zero")
    (project / "src" / "index.ts").symlink_to("/dev/zero")
    result = run_limited(
        "--db", str(db_path), "--json", "init", str(project), "--analyze", "--dry-run",
        memory_mb=400, timeout=20,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    analysis = json.loads(result.stdout)["analysis"]
    assert "src/main.py" in analysis["sources"]
    skipped = [w for w in analysis["warnings"] if "not a regular file" in w]
    assert len(skipped) == 2, analysis["warnings"]


@pytest.mark.parametrize("kind", ["fifo", "zero", "huge"])
def test_init_analyze_refuses_hostile_project_files(
    tmp_path: Path, db_path: Path, kind: str
) -> None:
    project = _project(tmp_path / "proj")
    for name in ("pyproject.toml", "package.json"):
        target = project / name
        if kind == "fifo":
            os.mkfifo(target)
        elif kind == "zero":
            target.symlink_to("/dev/zero")
        else:
            with target.open("wb") as handle:
                handle.truncate(1 << 30)
    for analyze in ((), ("--analyze",)):
        result = run_limited(
            "--db", str(db_path), "--json", "init", str(project), *analyze, "--dry-run",
            memory_mb=400, timeout=20,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "internal error" not in result.output


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("package.json", '{"name": "deep", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        ("pyproject.toml", '[project]\nname = "deep"\nx = ' + "[" * 100_000 + "]" * 100_000),
        (
            "pyproject.toml",
            '[project]\nname = "deep"\nx = ' + "{a = " * 100_000 + "1" + "}" * 100_000,
        ),
    ],
    ids=["json-arrays", "toml-arrays", "toml-tables"],
)
def test_init_analyze_survives_deeply_nested_project_files(
    tmp_path: Path, db_path: Path, name: str, text: str
) -> None:
    project = _project(tmp_path / "proj")
    (project / name).write_text(text)
    result = run_limited(
        "--db", str(db_path), "--json", "init", str(project), "--analyze", "--dry-run",
        timeout=20,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    warnings = json.loads(result.stdout)["analysis"]["warnings"]
    assert any("nested too deeply" in w for w in warnings), warnings


# -- item 5: sync stays inside its roots ---------------------------------------------------


def test_sync_does_not_follow_a_link_out_of_its_root(tmp_path: Path, cli: Cli) -> None:
    write_tool(tmp_path / "elsewhere", "foreign")
    repo = tmp_path / "workspace" / "repo"
    write_tool(repo, "own")
    (repo / "up").symlink_to("../..", target_is_directory=True)
    result = cli("--json", "sync", str(repo))
    assert result.exit_code == 0, result.output
    document = result.json()
    assert [item["name"] for item in document["results"]] == ["own"]
    assert any("outside the searched roots" in w for w in document["warnings"])
    assert [t["id"] for t in cli("--json", "list").json()["tools"]] == ["own"]
    found = cli("--json", "discover", str(repo)).json()
    assert [m["name"] for m in found["manifests"]] == ["own"]
    followed = cli("--json", "sync", str(repo), "--follow-external-links")
    assert followed.exit_code == 0, followed.output
    assert sorted(t["id"] for t in cli("--json", "list").json()["tools"]) == ["foreign", "own"]


# -- item 19: concurrent syncs of the same manifests -------------------------------------


def test_concurrent_syncs_of_the_same_manifests_report_nothing_updated(
    tmp_path: Path, db_path: Path
) -> None:
    """Both syncs read the registry before either writes; the loser finds its work done."""
    import subprocess
    import sys

    root = tmp_path / "many"
    for index in range(400):
        write_tool(root, f"tool-{index}")
    command = [sys.executable, "-m", "pai_deps", "--db", str(db_path), "--json", "sync", str(root)]
    assert run_limited("--db", str(db_path), "db", "migrate").exit_code == 0
    procs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    documents = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        documents.append(json.loads(out))
    assert [d["updated"] for d in documents] == [0, 0]
    assert sum(d["new"] for d in documents) == 400
    assert sum(d["unchanged"] for d in documents) == 400


# -- schema files outside the manifest's repository ------------------------------------


@pytest.mark.parametrize("how", ["absolute", "dotdot", "tilde", "symlink"])
def test_a_schema_outside_the_repository_is_not_read(
    tmp_path: Path, db_path: Path, how: str
) -> None:
    """A manifest from someone else's repository must not pull, say, a credentials file
    (valid JSON) into the registry as its "schema"."""
    home = tmp_path / "home"
    secret = home / ".docker" / "config.json"
    secret.parent.mkdir(parents=True)
    secret.write_text('{"auths": {"registry": {"auth": "c2VjcmV0"}}}')
    repo = tmp_path / "src" / "their-repo"
    (repo / ".git").mkdir(parents=True)
    tool = repo / "tools" / "thief"
    tool.mkdir(parents=True)
    refs = {
        "absolute": str(secret),
        "dotdot": "../../../../home/.docker/config.json",
        "tilde": "~/.docker/config.json",
        "symlink": "schema.json",
    }
    if how == "symlink":
        (tool / "schema.json").symlink_to(secret)
    _with_schema(tool, "thief", refs[how])
    result = run_limited(
        "--db", str(db_path), "register", str(tool), env={"HOME": str(home)}, timeout=20
    )
    _assert_clean_failure(result, fragment="outside the tool's repository")
    assert "c2VjcmV0" not in result.output
    stored = run_limited("--db", str(db_path), "--json", "list", env={"HOME": str(home)})
    assert json.loads(stored.stdout)["tools"] == []


def test_schemas_elsewhere_in_the_same_repository_are_fine(tmp_path: Path, cli: Cli) -> None:
    repo = tmp_path / "mono"
    (repo / ".git").mkdir(parents=True)
    (repo / "shared").mkdir()
    (repo / "shared" / "out.json").write_text('{"type": "object"}')
    tool = _with_schema(repo / "tools" / "user", "user", "../../shared/out.json")
    result = cli("register", str(tool))
    assert result.exit_code == 0, result.output
