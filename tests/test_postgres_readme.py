"""The README's "Team registry on PostgreSQL" steps, run exactly as written, end to end.

A newcomer starts a server of their own, points pai-deps at it, syncs, queries, copies
the registry into a SQLite file and gets the same `--json` answers from both. The lines
are parsed out of README.md; each says what it exits with. PostgreSQL will not run as
root, so under root `initdb` and `pg_ctl` are stand-ins that run the real ones as the
server's usual unprivileged user (everything else runs as written).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.pg_server import _binaries, _unprivileged_user
from tests.test_readme_tour import expected_exit

SECTION = "\n## Team registry on PostgreSQL\n"


def readme_lines() -> list[str]:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split(SECTION, 1)[1].split("```sh\n", 1)[1].split("\n```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def _as_unprivileged(bin_dir: Path, shims: Path, user: str) -> None:
    """`initdb` and `pg_ctl` that hand the new cluster's folder to `user` and run as it."""
    shims.mkdir()
    for name in ("initdb", "pg_ctl"):
        (shims / name).write_text(
            "#!/bin/bash\n"
            'prev=""; for a in "$@"; do\n'
            f'  if [ "$prev" = -D ] && [ ! -e "$a" ]; then chown {user} "$(dirname "$a")"; fi\n'
            "  prev=$a\n"
            "done\n"
            f'exec runuser -u {user} -- {bin_dir / name} "$@"\n'
        )
        (shims / name).chmod(0o755)


def test_the_readme_steps_run_as_written(tmp_path: Path) -> None:
    bin_dir = _binaries()
    if bin_dir is None or os.environ.get("PAI_DEPS_TEST_PG", "auto") == "off":
        if os.environ.get("PAI_DEPS_TEST_PG") == "required":
            raise AssertionError("PostgreSQL server binaries are not installed")
        pytest.skip("PostgreSQL server binaries are not installed")
    lines = readme_lines()
    assert any("db copy" in line for line in lines)
    script = [
        "exec 3>&2 2>&1",
        "trap 'pg_ctl -D \"$PGHOME/data\" -m immediate stop >/dev/null 2>&1' EXIT",
    ]
    for index, line in enumerate(lines):
        script += [f"echo '>>> {index}'", line, f"echo {index} $? >&3"]
    user = _unprivileged_user()
    path = [str(Path(sys.executable).parent), str(bin_dir), os.environ["PATH"]]
    if user is not None:
        _as_unprivileged(bin_dir, tmp_path / "shims", user.pw_name)
        path.insert(0, str(tmp_path / "shims"))
    env = {
        "PATH": os.pathsep.join(path),
        "HOME": "/tmp",
        "TMPDIR": "/tmp",
        "LC_ALL": "C.UTF-8",
    }
    proc = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    codes = {int(i): int(c) for i, c in re.findall(r"^(\d+) (\d+)$", proc.stderr, re.MULTILINE)}
    assert len(codes) == len(lines), proc.stdout + proc.stderr
    for index, line in enumerate(lines):
        assert codes[index] == expected_exit(line), (line, proc.stdout)
    assert "differs:" not in proc.stdout, proc.stdout
    assert "Synced 10 manifests" in proc.stdout
    assert "Copied postgresql://pai@/pai_deps" in proc.stdout
