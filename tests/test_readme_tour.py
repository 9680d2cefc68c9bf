"""The README tour, run exactly as written: every line, in one shell, from the repo root.

The commands are parsed out of README.md, so the tour and this test cannot drift apart.
Each `pai-deps` line says `# exit N: why`; the test checks every line exits with its N,
that the MCP servers really ran, that drift classified the edit, and that the tour left
`examples/` exactly as it was.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT

EXIT_NOTE = re.compile(r"#\s*exit (\d+)\b")

# The README's comment on a tour step, as text the step's output must contain.
TOUR_CLAIMS: dict[str, list[str]] = {
    # registers the ten tools; warns about the stub tana-api and the cycle
    "pai-deps sync .": [
        "Synced 10 manifests",
        "10 new",
        "Created stub for unregistered dependency: tana-api",
        "Circular dependency detected: ragent -> supertag -> ragent",
    ],
    # every manifest and the registry together; the stub and the cycle only warn
    "pai-deps check .": [
        "warn dangling: tana-api is not registered (a stub); supertag depends on it",
        "warn cycle: circular dependency: ragent -> supertag -> ragent",
        "check passed: 10 manifests read",
        "0 failures, 2 warnings",
    ],
    # daily-briefing reads three fields (its uses); the others read everything
    'pai-deps consumers email "email search <query> --json"': [
        "daily-briefing        workflow  email search <query> --json     /messages/*/from, "
        "/messages/*/subject, /total",
        "(everything: no uses declared)",
        "4 consumers",
    ],
    # no, it would break daily-briefing and ragent, which read the changed field
    "pai-deps can-i-ship supertag": [
        "no: supertag would break 2 consumers (of 2 registered consumers):",
        "  daily-briefing: 'supertag search <query> --json' /properties/count/type",
        "  ragent: ",
    ],
    # id, type, version, fan-out, fan-in, reliability, debt
    "pai-deps list": ["ID", "Type", "Version", "Deps", "Dependents", "Reliability", "Debt"],
    # identity, dependencies, dependents, provides, contracts, cycles
    "pai-deps show email": [
        "Tool: email",
        "Dependencies (1):",
        "Depended on by (4):",
        "Provides:",
        "Contracts (3):",
    ],
    # one open cycle, ragent -> supertag -> ragent
    "pai-deps cycles": ["ragent -> supertag -> ragent", "open", "1 cycle"],
    # everything it uses, with the depth and the hop it came through
    "pai-deps deps daily-briefing -t": ["Depth", "Via", "(max depth: 2)"],
    "pai-deps rdeps pii -t": ["Reverse dependencies for: pii (transitive)"],
    # what a change to email reaches, and the chain that explains each
    "pai-deps affected email": ["Why (depends on)", "kai-launcher → email"],
    # one shortest chain
    "pai-deps path kai-launcher pii": ["kai-launcher → email → pii"],
    # score, impact by type and depth, rollback steps
    "pai-deps blast-radius email": [
        "Risk Score:",
        "Impact by Type:",
        "Impact by Depth:",
        "Rollback Strategy:",
        "  1. ",
    ],
    # six chains compound below the 80% threshold
    "pai-deps chain-reliability --all": ["6 tools below 80.0% threshold:"],
    # debt by type, and weighted by how many tools depend on it
    "pai-deps debt": ["By Type:", "weighted = debt x (1 + all dependents"],
    # CRITICAL, for those six chains
    "pai-deps health --compact": ["CRITICAL tools:10 "],
    "pai-deps graph --format mermaid": ["flowchart LR"],
    "pai-deps report --output report.md": ["Generated: report.md"],
    # the same registry as one page to click through
    "pai-deps report --format html -o report.html": ["Generated: report.html"],
    # every command prints one JSON document on stdout with --json
    "pai-deps --json deps email": ['"success": true', '"tool": "email"'],
}


def tour_lines() -> list[str]:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## A tour\n", 1)[1]
    block = section.split("```sh\n", 1)[1].split("\n```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def expected_exit(line: str) -> int:
    note = EXIT_NOTE.search(line)
    if "pai-deps" in line.split("#", 1)[0]:
        assert note is not None, f"the README does not say what this exits with: {line}"
    return int(note.group(1)) if note else 0


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_the_readme_tour_runs_as_written(tmp_path: Path) -> None:
    lines = tour_lines()
    assert len(lines) >= 20
    script = ["exec 3>&2 2>&1"]  # fd 3 carries one "<index> <exit code>" per line
    for index, line in enumerate(lines):
        script += [f"echo '>>> {index}'", line, f"echo {index} $? >&3"]
    examples_before = tree_digest(REPO_ROOT / "examples")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "TMPDIR": str(tmp_path),
    }
    env.pop("PAI_DEPS_DB", None)

    proc = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    codes: dict[int, int] = {}
    for row in proc.stderr.splitlines():
        if row:
            index, code = map(int, row.split())
            codes[index] = code
    output = proc.stdout
    outputs = dict(
        zip(range(len(lines)), re.split(r"^>>> \d+\n", output, flags=re.M)[1:], strict=True)
    )
    for index, line in enumerate(lines):
        assert codes.get(index) == expected_exit(line), f"{line}\n{outputs.get(index)}"
    by_command = {line.split("#", 1)[0].strip(): outputs[index] for index, line in enumerate(lines)}
    # What each step's comment says it prints.
    for command, claims in TOUR_CLAIMS.items():
        for claim in claims:
            assert claim in by_command[command], f"{command}: {claim!r}\n{by_command[command]}"
    assert "ragent -> supertag -> ragent" in by_command["pai-deps cycles"]
    verified = by_command["pai-deps verify --all"]
    assert "MCP server `python3 server.py`: email 3.1.0" in verified
    assert "MCP server `python3 server.py`: ragent 0.4.0" in verified
    assert "input schema matches" in verified
    drifted = by_command["pai-deps drift supertag"]
    assert "breaking  /properties/count/type  type changed from integer to string" in drifted
    assert "Traceback" not in output
    assert tree_digest(REPO_ROOT / "examples") == examples_before
