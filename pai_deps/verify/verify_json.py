"""The `verify --json` document.

`cli` and `mcp` keep the TypeScript tool's shape (with added keys); `tools` has one
summary per tool, `contracts` every other contract (library exports, databases), and
`unverified` every declared contract that could not be checked, with the reason.
"""

from __future__ import annotations

from typing import Any

from pai_deps.verify.checks import MCP_TYPES, ContractCheck, VerifyReport

SCHEMA_CLASSES = ("breaking", "risky", "compatible", "cosmetic")


def _check_json(check: ContractCheck) -> dict[str, Any]:
    document: dict[str, Any] = {
        "contractId": check.contract.id,
        "status": check.outcome,
        "message": check.message,
        "checks": check.checks,
        "duration": check.duration_ms,
    }
    if check.outcome == "fail":
        document["error"] = check.message
    if check.unverified is not None:
        document["unverified"] = check.unverified
    if check.schema_class is not None:
        document["schemaClass"] = check.schema_class
    return document


def mcp_status(check: ContractCheck) -> str:
    if check.outcome == "skip":
        return "skipped"
    if check.presence == "missing":
        return "missing"
    return "failed" if check.outcome == "fail" else "found"


def report_json(report: VerifyReport, *, cli: bool, mcp: bool) -> dict[str, Any]:
    """The whole document (see the module docstring)."""
    counts = report.counts
    document: dict[str, Any] = {
        "success": report.exit_code == 0,
        "status": report.status,
        "level": report.level,
        "saved": report.saved,
        "allowRisky": report.allow_risky,
        "allowUnverified": report.allow_unverified,
    }
    if cli:
        cli_results = []
        for result in report.tools:
            checks = [c for c in result.checks if c.contract.contract_type == "cli_output"]
            if not checks:
                continue
            tally = result.counts
            cli_results.append(
                {
                    "tool": result.tool.id,
                    "type": result.tool.type,
                    "results": [{"command": c.contract.name, **_check_json(c)} for c in checks],
                    "summary": {
                        "passed": tally.cli_passed,
                        "failed": tally.cli_failed,
                        "skipped": tally.cli_skipped,
                        "total": len(checks),
                    },
                }
            )
        document["cli"] = {
            "results": cli_results,
            "summary": {
                "tools": len(cli_results),
                "passed": counts.cli_passed,
                "failed": counts.cli_failed,
                "skipped": counts.cli_skipped,
            },
        }
    mcp_results = []
    for result in report.tools:
        session = result.mcp
        if session is None:
            continue
        checks = [c for c in result.checks if c.contract.contract_type in MCP_TYPES]
        entries = [
            {
                "name": c.contract.name,
                "contractType": c.contract.contract_type,
                **_check_json(c),
                "status": mcp_status(c),
                "outcome": c.outcome,
                "declared": True,
                "inServer": c.presence == "found",
                **({"changes": [x.as_dict() for x in c.changes]} if c.changes else {}),
            }
            for c in checks
        ]
        entries.extend(
            {"name": name, "status": "extra", "declared": False, "inServer": True}
            for name in session.extra
        )
        tally = result.counts
        entry: dict[str, Any] = {
            "tool": result.tool.id,
            "type": result.tool.type,
            "command": session.command,
            "serverStarted": session.started,
            "server": session.describe() if session.started else None,
            "durationMs": session.duration_ms,
            "results": entries,
            "summary": {
                "found": tally.mcp_found,
                "missing": tally.mcp_missing,
                "failed": tally.mcp_failed,
                "skipped": tally.mcp_skipped,
                "extra": tally.mcp_extra,
                "total": len(entries),
            },
        }
        if session.error:
            entry["error"] = session.error
        if session.skipped:
            entry["skipped"] = session.skipped
        if session.snapshot is not None:
            entry["snapshot"] = {
                "takenAt": session.snapshot.taken_at,
                "tools": [finding.to_json() for finding in session.snapshot_findings],
                "failed": session.snapshot_failed,
            }
        if result.snapshot_taken is not None:
            entry["snapshotTaken"] = result.snapshot_taken
        mcp_results.append(entry)
    if mcp and mcp_results:
        document["mcp"] = {
            "results": mcp_results,
            "summary": {
                "tools": len(mcp_results),
                "found": counts.mcp_found,
                "missing": counts.mcp_missing,
                "failed": counts.mcp_failed,
                "skipped": counts.mcp_skipped,
                "extra": counts.mcp_extra,
            },
        }
    document["contracts"] = [
        {
            "tool": result.tool.id,
            "type": check.contract.contract_type,
            "name": check.contract.name,
            **_check_json(check),
        }
        for result in report.tools
        for check in result.checks
        if check.contract.contract_type not in ("cli_output", *MCP_TYPES)
    ]
    document["unverified"] = [
        {"tool": result.tool.id, "contractType": kind, "contract": name, "reason": reason}
        for result in report.tools
        for kind, name, reason in result.unverified()
    ]
    document["tools"] = [
        {
            "tool": result.tool.id,
            "type": result.tool.type,
            "status": result.status,
            "checked": result.counts.checked,
            "passed": result.counts.passed,
            "failed": result.counts.failed,
            "skipped": result.counts.skipped,
            "unverified": result.counts.unverified,
            "drifted": result.counts.drifted,
            "gitCommit": result.git_commit,
            "durationMs": result.duration_ms,
            "runId": result.run_id,
            "verifiedAt": result.verified_at,
        }
        for result in report.tools
    ]
    document["summary"] = {
        "tools": len(report.tools),
        "checked": counts.checked,
        "passed": counts.passed,
        "failed": counts.failed,
        "skipped": counts.skipped,
        "unverified": counts.unverified,
        "drifted": counts.drifted,
        "schemaChanges": {name: getattr(counts, name) for name in SCHEMA_CLASSES},
        "extra": counts.mcp_extra,
        "durationMs": report.duration_ms,
    }
    document["warnings"] = report.warnings
    return document
