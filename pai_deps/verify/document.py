"""The `verify --json` document, built from a run (`pai_deps.results.verify` says its shape).

`cli` and `mcp` group the checks by kind as the TypeScript tool did; `tools` has one
summary per tool, `contracts` every other contract (library exports, databases), and
`unverified` every declared contract that could not be checked, with the reason.
"""

from __future__ import annotations

from typing import Any

from pai_deps.results.verify import (
    CliCheckResult,
    CliCounts,
    CliSection,
    CliToolCounts,
    CliToolResult,
    McpContractResult,
    McpCounts,
    McpExtraTool,
    McpSection,
    McpToolCounts,
    McpToolResult,
    OtherContractResult,
    SchemaChangeCounts,
    ServerInfo,
    SnapshotComparison,
    SnapshotEntry,
    ToolRunSummary,
    UnverifiedContract,
    VerifyDocument,
    VerifySummary,
)
from pai_deps.verify.checks import (
    MCP_TYPES,
    ContractCheck,
    ToolVerification,
    VerifyReport,
    mcp_status,
)
from pai_deps.verify.mcp_check import McpSession


def verify_document(report: VerifyReport, *, cli: bool, mcp: bool) -> VerifyDocument:
    """The whole document; `cli`/`mcp` say which kinds the run was asked to check."""
    counts = report.counts
    mcp_results = [
        _mcp_result(result, result.mcp) for result in report.tools if result.mcp is not None
    ]
    doc = VerifyDocument(
        success=report.exit_code == 0,
        status=report.status,
        level=report.level,
        saved=report.saved,
        allow_risky=report.allow_risky,
        allow_unverified=report.allow_unverified,
        cli=_cli_section(report) if cli else None,
        mcp=McpSection(
            results=mcp_results,
            summary=McpCounts(
                tools=len(mcp_results),
                found=counts.mcp_found,
                missing=counts.mcp_missing,
                failed=counts.mcp_failed,
                skipped=counts.mcp_skipped,
                extra=counts.mcp_extra,
            ),
        )
        if mcp and mcp_results
        else None,
        contracts=[
            OtherContractResult(
                tool=result.tool.id,
                type=check.contract.contract_type,
                name=check.contract.name,
                **_check_fields(check),
            )
            for result in report.tools
            for check in result.checks
            if check.contract.contract_type not in ("cli_output", *MCP_TYPES)
        ],
        unverified=[
            UnverifiedContract(tool=result.tool.id, contract_type=kind, contract=name, reason=why)
            for result in report.tools
            for kind, name, why in result.unverified()
        ],
        tools=[_tool_summary(result) for result in report.tools],
        summary=VerifySummary(
            tools=len(report.tools),
            checked=counts.checked,
            passed=counts.passed,
            failed=counts.failed,
            skipped=counts.skipped,
            unverified=counts.unverified,
            drifted=counts.drifted,
            schema_changes=SchemaChangeCounts(
                breaking=counts.breaking,
                risky=counts.risky,
                compatible=counts.compatible,
                cosmetic=counts.cosmetic,
            ),
            extra=counts.mcp_extra,
            duration_ms=report.duration_ms,
        ),
        warnings=report.warnings,
    )
    doc._run = report
    return doc


def _check_fields(check: ContractCheck) -> dict[str, Any]:
    """The keys every kind of check result shares (the model says their types)."""
    return {
        "contract_id": check.contract.id,
        "status": check.outcome,
        "message": check.message,
        "checks": check.checks,
        "duration": check.duration_ms,
        "error": check.message if check.outcome == "fail" else None,
        "unverified": check.unverified,
        "schema_class": check.schema_class,
    }


def _cli_section(report: VerifyReport) -> CliSection:
    results = []
    for result in report.tools:
        checks = [c for c in result.checks if c.contract.contract_type == "cli_output"]
        if not checks:
            continue
        tally = result.counts
        results.append(
            CliToolResult(
                tool=result.tool.id,
                type=result.tool.type,
                results=[
                    CliCheckResult(command=c.contract.name, **_check_fields(c)) for c in checks
                ],
                summary=CliToolCounts(
                    passed=tally.cli_passed,
                    failed=tally.cli_failed,
                    skipped=tally.cli_skipped,
                    total=len(checks),
                ),
            )
        )
    counts = report.counts
    return CliSection(
        results=results,
        summary=CliCounts(
            tools=len(results),
            passed=counts.cli_passed,
            failed=counts.cli_failed,
            skipped=counts.cli_skipped,
        ),
    )


def _mcp_result(result: ToolVerification, session: McpSession) -> McpToolResult:
    entries: list[McpContractResult | McpExtraTool] = [
        McpContractResult(
            name=c.contract.name,
            contract_type=c.contract.contract_type,
            **{**_check_fields(c), "status": mcp_status(c)},
            outcome=c.outcome,
            in_server=c.presence == "found",
            changes=c.changes or None,
        )
        for c in result.checks
        if c.contract.contract_type in MCP_TYPES
    ]
    entries.extend(McpExtraTool(name=name) for name in session.extra)
    tally = result.counts
    return McpToolResult(
        tool=result.tool.id,
        type=result.tool.type,
        command=session.command,
        server_started=session.started,
        server=ServerInfo.model_validate(session.describe()) if session.started else None,
        duration_ms=session.duration_ms,
        results=entries,
        summary=McpToolCounts(
            found=tally.mcp_found,
            missing=tally.mcp_missing,
            failed=tally.mcp_failed,
            skipped=tally.mcp_skipped,
            extra=tally.mcp_extra,
            total=len(entries),
        ),
        error=session.error or None,
        skipped=session.skipped or None,
        snapshot=SnapshotComparison(
            taken_at=session.snapshot.taken_at,
            tools=[
                SnapshotEntry(
                    name=finding.name,
                    status=finding.outcome,
                    message=finding.message,
                    severity=finding.verdict,
                    changes=finding.changes,
                )
                for finding in session.snapshot_findings
            ],
            failed=session.snapshot_failed,
        )
        if session.snapshot is not None
        else None,
        snapshot_taken=result.snapshot_taken,
    )


def _tool_summary(result: ToolVerification) -> ToolRunSummary:
    counts = result.counts
    return ToolRunSummary(
        tool=result.tool.id,
        type=result.tool.type,
        status=result.status,
        checked=counts.checked,
        passed=counts.passed,
        failed=counts.failed,
        skipped=counts.skipped,
        unverified=counts.unverified,
        drifted=counts.drifted,
        git_commit=result.git_commit,
        duration_ms=result.duration_ms,
        run_id=result.run_id,
        verified_at=result.verified_at,
    )
