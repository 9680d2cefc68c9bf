"""Real git repositories holding a small registered ecosystem, for the ci/hook tests.

    core (cli: `core-bin list --json`, schema out.schema.json)  <-  svc (cli)  <-  app (workflow)
    lone (library, nothing depends on it)

`bin/` holds the executables the manifests promise, so CLI checks pass until a test
breaks one on purpose.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import dep, write_tool

OUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"items": {"type": "array"}, "total": {"type": "integer"}},
    "required": ["items"],
}
HELP_SCRIPT = '#!/bin/sh\necho "Usage: $(basename "$0") [options]"\nexit 0\n'


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=30
    )
    assert result.returncode == 0, f"git {args}: {result.stderr}"
    return result.stdout


def write(root: Path, relative: str, content: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def commit_all(root: Path, message: str = "change") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def make_bin(directory: Path, *names: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name in names:
        script = directory / name
        script.write_text(HELP_SCRIPT, encoding="utf-8")
        script.chmod(0o755)
    return directory


def write_core(root: Path, **changes: Any) -> Path:
    provides = changes.pop(
        "provides",
        {"cli": [{"command": "core-bin list --json", "output_schema": "out.schema.json"}]},
    )
    return write_tool(
        root,
        "core",
        folder="libs/core",
        provides=provides,
        schemas=changes.pop("schemas", {"out.schema.json": OUT_SCHEMA}),
        **changes,
    )


def build_ecosystem(root: Path) -> None:
    """The four tools, committed on `main`."""
    write_core(root)
    write(root, "libs/core/src/core.py", "VALUE = 1\n")
    write_tool(
        root,
        "svc",
        folder="services/svc",
        provides={"cli": [{"command": "svc-bin run <job>"}]},
        depends_on=[dep("core", "cli")],
    )
    write_tool(root, "app", folder="apps/app", type="workflow", depends_on=[dep("svc", "cli")])
    write_tool(root, "lone", folder="libs/lone", type="library")
    write(root, "README.md", "# eco\n")
    commit_all(root, "ecosystem")


@pytest.fixture
def eco(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Any) -> Path:
    """A repository on `main` with the ecosystem registered (by sync); cwd is its root."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    root = Path(git(root, "rev-parse", "--show-toplevel").rstrip("\n"))
    build_ecosystem(root)
    bin_dir = make_bin(tmp_path / "bin", "core-bin", "svc-bin")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    result = cli("sync", str(root))
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(root)
    return root


def json_of(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
