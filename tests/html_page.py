"""A small ecosystem for the HTML page's tests, and how to read the page's data back.

hub (library) <- svc (cli, debt 12, a CLI contract that drifted) <- app (workflow),
app -> ghost (a stub), loop-a <-> loop-b (a cycle), a tool whose id and description are
markup, and `__proto__` (a name that breaks plain JS objects used as maps).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pai_deps import db
from pai_deps.repo import contracts, runs, verifications
from tests.conftest import Cli, CliResult
from tests.helpers import dep, write_tool

HOSTILE = "<img/src=x/onerror=window.pwned=1></script><!--"
HOSTILE_DESCRIPTION = "</script><script>window.pwned=2</script> <b>bold</b> \u2028 & <!--"
DRIFT_AT = "2026-11-20T10:00:00.000Z"
DATA = re.compile(r'<script type="application/json" id="pai-data">(.*?)</script>', re.S)


def write_ecosystem(root: Path) -> None:
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}}
    write_tool(root, "hub", type="library", reliability=0.99)
    write_tool(
        root,
        "svc",
        depends_on=[dep("hub")],
        debt_score=12,
        reliability=0.7,
        provides={"cli": [{"command": "svc list --json", "output_schema": "out.json"}]},
        schemas={"out.json": schema},
    )
    write_tool(
        root,
        "app",
        type="workflow",
        depends_on=[dep("svc", "cli"), dep("ghost", "cli", optional=True)],
    )
    write_tool(root, "loop-a", depends_on=[dep("loop-b", "cli")])
    write_tool(root, "loop-b", depends_on=[dep("loop-a", "cli")])
    write_tool(
        root,
        HOSTILE,
        folder="hostile",
        depends_on=[dep("hub")],
        description=HOSTILE_DESCRIPTION,
    )
    write_tool(root, "__proto__", folder="proto", depends_on=[dep("hub")])


def seed_history(target: str | Path, runs_of_svc: int = 12) -> None:
    """svc: `runs_of_svc` verification runs (the newest a failure) and a contract check
    that found drift; what `verify` would have written."""
    conn = db.open_db(target)
    try:
        with db.transaction(conn):
            for i in range(runs_of_svc):
                runs.insert_run(
                    conn,
                    tool_id="svc",
                    verified_at=f"2026-11-{i + 1:02d}T09:00:00.000Z",
                    level="default",
                    status="fail" if i == runs_of_svc - 1 else "pass",
                    cli_passed=2,
                    cli_failed=1 if i == runs_of_svc - 1 else 0,
                    cli_skipped=0,
                    mcp_found=0,
                    mcp_missing=0,
                    mcp_extra=0,
                    mcp_failed=0,
                    mcp_skipped=0,
                    git_commit="abc1234",
                    duration_ms=100 + i,
                )
            (contract,) = contracts.list_contracts_of(conn, tool_id="svc")
            for at, status in (("2026-11-10T10:00:00.000Z", "drift"), (DRIFT_AT, "drift")):
                verifications.record_verification(
                    conn,
                    contract_id=contract.id,
                    verified_at=at,
                    status=status,
                    details=None,
                    git_commit=None,
                    duration_ms=5,
                )
            verifications.record_verification(
                conn,
                contract_id=contract.id,
                verified_at="2026-11-21T10:00:00.000Z",
                status="pass",
                details=None,
                git_commit=None,
                duration_ms=5,
            )
            contracts.set_contract_status(
                conn, id=contract.id, status="valid", now="2026-11-21T10:00:00.000Z"
            )
    finally:
        conn.close()


def build_ecosystem(cli: Cli, root: Path, target: str | Path) -> CliResult:
    write_ecosystem(root)
    result = cli("sync", str(root))
    assert result.exit_code == 0, result.output
    seed_history(target)
    return result


def page_data(page: str) -> Any:
    """The JSON the page embeds (what its script reads)."""
    match = DATA.search(page)
    assert match is not None, "no data block in the page"
    return json.loads(match.group(1))
