"""Output a person can read: one answer on one stream, quiet pipes, fitted tables, Ctrl-C.

Every test runs pai-deps as a real process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import ci_repo
from tests.ci_repo import commit_all, git, write
from tests.conftest import Cli, run_pai_deps
from tests.helpers import dep, write_tool

eco = ci_repo.eco  # a git repository with core <- svc <- app registered

MANY = 1500  # enough that `list` overflows a pipe's buffer and `sync` takes a while


@pytest.fixture(scope="module")
def many_manifests(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("many")
    for index in range(MANY):
        folder = root / f"tool-{index:04d}"
        folder.mkdir()
        needs = f"\ndepends_on:\n  - name: tool-{index - 1:04d}\n    type: cli" if index else ""
        (folder / "pai-manifest.yaml").write_text(
            f"name: tool-{index:04d}\ntype: cli\nversion: '1.0'\nreliability: 0.99{needs}\n"
        )
    return root


@pytest.fixture(scope="module")
def many_registered(many_manifests: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    database = tmp_path_factory.mktemp("many-db") / "registry.db"
    result = run_pai_deps("--db", str(database), "sync", str(many_manifests))
    assert result.exit_code == 0, result.output
    return database


def _closed_early(*args: str) -> tuple[int, str]:
    """Run pai-deps, read one line of its stdout, close the pipe: (exit code, stderr)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pai_deps", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # what `| head -1` does once it has its line
    with proc.stderr:
        stderr = proc.stderr.read().decode()
    return proc.wait(timeout=60), stderr


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("list",), 0),
        (("--json", "list"), 0),
        (("graph",), 0),
        (("chain-reliability", "--all"), 1),  # its own answer: chains below 80%
    ],
    ids=["list", "json list", "graph", "chain-reliability"],
)
def test_a_closed_pipe_ends_quietly_with_the_commands_own_exit_code(
    many_registered: Path, args: tuple[str, ...], code: int
) -> None:
    exit_code, stderr = _closed_early("--db", str(many_registered), *args)
    assert (exit_code, stderr) == (code, "")


def test_below_threshold_heading_and_lines_share_stdout(
    tmp_path: Path, subprocess_cli: Cli
) -> None:
    write_tool(tmp_path, "weak", reliability=0.5)
    subprocess_cli("register", str(tmp_path / "weak"))

    result = subprocess_cli("chain-reliability", "weak")

    assert result.exit_code == 1 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[lines.index("1 tool below 80.0% threshold:") + 1] == "  weak: 50.0%"


def test_quiet_sync_lists_changes_under_their_heading_and_errors_name_the_file_once(
    tmp_path: Path, subprocess_cli: Cli
) -> None:
    write_tool(tmp_path, "good")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "pai-manifest.yaml").write_text("name: bad\ntype: service\n")

    result = subprocess_cli("-q", "sync", str(tmp_path))

    assert result.exit_code == 1
    assert result.stdout == "Changed:\n  good (new)\n"
    manifest = bad / "pai-manifest.yaml"
    assert result.stderr.count(str(manifest)) == 1
    assert f"  {manifest}: Invalid manifest:" in result.stderr.splitlines()


def test_a_tab_indented_manifest_says_yaml_forbids_tabs(
    tmp_path: Path, subprocess_cli: Cli
) -> None:
    folder = tmp_path / "tabs"
    folder.mkdir()
    (folder / "pai-manifest.yaml").write_text("name: t\ntype: cli\ndepends_on:\n\t- name: x\n")

    result = subprocess_cli("register", str(folder))

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: Invalid YAML at {folder / 'pai-manifest.yaml'} (line 4): this line is "
        "indented with a tab; YAML forbids tabs for indentation\n"
    )


# -- tables ---------------------------------------------------------------------------------


def _cell_width(text: str) -> int:
    from rich.cells import cell_len

    return int(cell_len(text))


@pytest.fixture
def wide_names(tmp_path: Path, subprocess_cli: Cli) -> Cli:
    for name in ("東京-calendar", "🚀-launcher", "plain", "x" * 70 + "-the-end"):
        write_tool(tmp_path, name, folder=f"t{len(name)}", depends_on=[dep("shared-library")])
    assert subprocess_cli("sync", str(tmp_path)).exit_code == 0
    return subprocess_cli


def test_columns_line_up_in_terminal_cells(wide_names: Cli) -> None:
    lines = wide_names("list").stdout.splitlines()
    rows = [line for line in lines if line.startswith(("東京", "🚀", "plain"))]
    starts = {_cell_width(row.split("  cli")[0]) for row in rows}
    assert len(rows) == 3 and len(starts) == 1  # the Type column starts at the same cell


def test_a_table_fits_columns_by_shortening_its_widest_column(wide_names: Cli) -> None:
    full = wide_names("list").stdout.splitlines()
    fitted = wide_names("list", env={"COLUMNS": "80"}).stdout.splitlines()

    assert max(map(_cell_width, full)) > 140
    assert max(map(_cell_width, fitted)) == 80
    long_row = next(line for line in fitted if line.startswith("xxx"))
    name = long_row.split()[0]
    assert "…" in name and name.startswith("xxxx") and name.endswith("he-end")  # both ends
    assert any(line.startswith("plain ") for line in fitted)  # short names untouched


def test_a_table_never_shrinks_below_readable(wide_names: Cli) -> None:
    narrow = wide_names("list", env={"COLUMNS": "10"}).stdout.splitlines()
    header = narrow[0].split()
    assert header[:3] == ["ID", "Type", "Version"]  # headers whole, wider than asked
    assert all("…" not in h for h in header)


# -- one word, one meaning ------------------------------------------------------------------


def test_dependents_means_direct_and_all_dependents_transitive(
    tmp_path: Path, subprocess_cli: Cli
) -> None:
    write_tool(tmp_path, "core", debt_score=2)
    write_tool(tmp_path, "svc", depends_on=[dep("core")])
    write_tool(tmp_path, "app", depends_on=[dep("svc")])
    subprocess_cli("sync", str(tmp_path))

    listed = subprocess_cli("list").stdout
    debt = subprocess_cli("debt").stdout
    core_in_list = next(line for line in listed.splitlines() if line.startswith("core"))

    assert "Dependents" in listed.splitlines()[0] and core_in_list.split()[4] == "1"
    assert "All Dependents" in debt and "direct and indirect" in debt
    core_in_debt = next(line for line in debt.splitlines() if line.startswith("core"))
    assert core_in_debt.split()[3] == "2"  # svc and app


def test_affected_and_ci_affected_draw_a_chain_the_same_way(eco: Path, subprocess_cli: Cli) -> None:
    git(eco, "checkout", "-q", "-b", "feature")
    write(eco, "libs/core/src/core.py", "VALUE = 2\n")
    commit_all(eco)

    plain = subprocess_cli("affected", "core").stdout
    changed = subprocess_cli("ci", "affected").stdout
    explained = subprocess_cli("ci", "affected", "--explain").stdout.splitlines()

    assert "app → svc → core" in plain and "app → svc → core" in changed  # app depends on...
    assert "Why (depends on)" in plain and "Why (depends on)" in changed
    assert explained[0] == "How the change flows (file -> owning tool -> ... -> affected):"
    assert "  libs/core/src/core.py -> core -> svc -> app" in explained


def test_verify_says_skipped_where_its_summary_does(tmp_path: Path, subprocess_cli: Cli) -> None:
    write_tool(tmp_path, "lib", type="library", provides={"library": [{"export": "parse"}]})
    subprocess_cli("register", str(tmp_path / "lib"))

    result = subprocess_cli("verify", "lib")
    json_result = subprocess_cli("--json", "verify", "lib").json()

    rows = [line for line in result.stdout.splitlines() if "parse" in line]
    assert rows and all(" skipped " in f"{row} " for row in rows)
    assert " skip " not in result.stdout
    assert json_result["contracts"][0]["status"] == "skip"  # the JSON value stays


# -- Ctrl-C ---------------------------------------------------------------------------------


def test_ctrl_c_mid_sync_exits_130_and_says_nothing_was_written(
    many_manifests: Path, tmp_path: Path
) -> None:
    database = tmp_path / "registry.db"
    assert run_pai_deps("--db", str(database), "db", "migrate").exit_code == 0
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pai_deps",
            "--db",
            str(database),
            "-v",
            "sync",
            str(many_manifests),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    assert proc.stderr is not None
    first = proc.stderr.readline()  # the registry is open: the sync is under way
    assert first.startswith("[debug] registry:")
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)

    assert proc.returncode == 130
    assert stdout == ""
    (line,) = stderr.splitlines()
    assert line.startswith("Interrupted: nothing was written to the registry")
    listed = run_pai_deps("--db", str(database), "--json", "list")
    assert listed.json()["total"] == 0


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """What pai-deps prints with stdout on a pseudo-terminal (stderr piped away)."""
    import pty

    parent, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pai_deps", *args],
        stdout=child,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(parent, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(parent)
    assert proc.wait(timeout=60) == 0
    return b"".join(chunks).decode("utf-8")


def test_table_headers_are_bold_on_a_terminal_unless_colour_is_off(
    tmp_path: Path, db_path: Path, cli: Cli
) -> None:
    assert cli("register", str(write_tool(tmp_path, "solo"))).exit_code == 0
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["COLUMNS"] = "120"
    shown = _on_a_terminal(["--db", str(db_path), "list"], env)
    assert "\x1b[1mID" in shown and "\x1b[0m" in shown
    plain = _on_a_terminal(["--db", str(db_path), "list"], {**env, "NO_COLOR": "1"})
    assert "\x1b" not in plain and "ID" in plain


@given(st.text(alphabet=st.sampled_from(["a", "→", "…", "漢", "é", "\u0301", "🙂", " "])))
def test_cell_width_agrees_with_rich_on_arrows_ellipses_and_wide_text(text: str) -> None:
    """The shortcut for pai-deps's own one-cell marks measures what rich measures."""
    from rich.cells import cell_len

    from pai_deps.render.tables import NARROW_MARKS, cell_width

    assert all(cell_len(mark) == 1 for mark in NARROW_MARKS)
    assert cell_width(text) == cell_len(text)


@given(
    st.lists(
        st.lists(
            st.text(alphabet=st.sampled_from(["a", "→", "漢", "\u0301", " "])),
            min_size=3,
            max_size=3,
        ),
        max_size=6,
    ),
    st.none() | st.integers(10, 40),
)
def test_table_lines_pad_every_cell_to_its_column_in_terminal_cells(
    rows: list[list[str]], width: int | None
) -> None:
    """Oracle: each cell shortened to its column, padded by rich's cell count, joined."""
    from rich.cells import cell_len

    from pai_deps.render.tables import GAP, MIN_WIDTH, TextTable, fit, shorten

    headers = ("id", "what", "n")
    table = TextTable(headers, tuple(tuple(r) for r in rows), frozenset({"n"}))
    lines = table.lines(width=width)
    columns = list(zip(headers, *rows, strict=True))
    widths = [max(map(cell_len, column)) for column in columns]
    if width is not None:
        least = [max(cell_len(h), min(MIN_WIDTH, w)) for h, w in zip(headers, widths, strict=True)]
        widths = fit(widths, least, width)
    for row, got in zip(rows, lines[2:], strict=True):
        cells = []
        for text, column, header in zip(row, widths, headers, strict=True):
            shown = shorten(text, column)
            pad = " " * (column - cell_len(shown))
            cells.append(pad + shown if header == "n" else shown + pad)
        assert got == (" " * GAP).join(cells).rstrip()
