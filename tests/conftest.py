"""Shared fixtures: an isolated environment, the CLI in-process and as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# typer/rich read these at import time: plain, wide, colourless output under test.
os.environ["_TYPER_FORCE_DISABLE_TERMINAL"] = "1"
os.environ["TERMINAL_WIDTH"] = "200"
os.environ.pop("FORCE_COLOR", None)
os.environ.pop("GITHUB_ACTIONS", None)

import pytest
from typer.testing import CliRunner

REPO_ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ("sqlite", "postgresql")

pytest_plugins = ["tests.pg_server"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked `backends` (or in a module so marked) run once per backend."""
    marked = metafunc.definition.get_closest_marker("backends") is not None
    sqlite_only = metafunc.definition.get_closest_marker("sqlite_only") is not None
    if marked and not sqlite_only and "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The registry's backend: "sqlite" unless the test is marked `backends`."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real ~/.config/pai-deps or the user's git setup."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("PAI_DEPS_DB", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)  # tables fit COLUMNS when it is set
    # git: no user configuration, no enclosing repository or hook, fixed identity and branch.
    for name in (
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_PREFIX",
        "GIT_COMMON_DIR",
        "PAI_DEPS_SKIP",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "init.defaultBranch")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "main")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "test@example.com")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A registry path that does not exist yet, in a directory whose name has a space."""
    return tmp_path / "dir with space" / "registry.db"


@pytest.fixture
def db_target(backend: str, db_path: Path, request: pytest.FixtureRequest) -> str:
    """What `--db` names for this test: the SQLite file, or a fresh PostgreSQL schema."""
    if backend == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return str(db_path)


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


Cli = Callable[..., CliResult]


@pytest.fixture
def cli(db_target: str) -> Cli:
    """Run pai-deps in-process against the test registry: `cli("list", "--json")`."""
    from pai_deps.cli import app

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, db: Path | None = None) -> CliResult:
        result = runner.invoke(
            app, ["--db", str(db or db_target), *args], input=input, prog_name="pai-deps"
        )
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return CliResult(result.exit_code, result.stdout, result.stderr)

    return invoke


def run_pai_deps(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    input: str | None = None,
    timeout: float = 60,
    user: int | None = None,
) -> CliResult:
    """Run pai-deps as a real process (`python -m pai_deps`)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "pai_deps", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        input=input,
        timeout=timeout,
        user=user,
        check=False,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def subprocess_cli(db_target: str) -> Iterator[Cli]:
    def invoke(*args: str, **kwargs: Any) -> CliResult:
        return run_pai_deps("--db", db_target, *args, **kwargs)

    yield invoke
