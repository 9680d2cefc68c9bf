"""`ci check`'s can-i-ship: each changed provider, as the change holds its schemas, judged
for its registered consumers (`pai_deps.ship`), without writing anything."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pai_deps.results.ci import Check

if TYPE_CHECKING:
    from pai_deps.ci.change import ToolInChange
    from pai_deps.db import Connection
    from pai_deps.verify.drift import ContractDrift


def can_i_ship_check(
    conn: Connection,
    loaded: list[ToolInChange],
    findings: list[ContractDrift],
    *,
    allow_risky: bool = False,
) -> Check:
    """Blocking consumers are errors; consumers still reading deprecated fields, warnings."""
    from pai_deps.ship import decide

    check = Check(name="can-i-ship")
    by_tool: dict[str, list[ContractDrift]] = {}
    for item in findings:
        by_tool.setdefault(item.contract.tool_id, []).append(item)
    blocked = 0
    for tool in loaded:
        if tool.registered is None or tool.manifest is None:
            continue
        decision = decide(
            conn, tool.registered, by_tool.get(tool.id, []), allow_risky=allow_risky, seed=False
        )
        if not decision.consumers:
            continue
        check.tools.append(tool.id)
        for b in decision.blocking:
            at = f" {b.pointer}" if b.pointer else ""
            check.add(
                tool.id,
                "error",
                f"{tool.id} would break {b.consumer}: '{b.contract}'{at}: {b.reason}",
                contract=b.contract,
                dependents=[b.consumer],
            )
        for warning in decision.warnings:
            check.add(tool.id, "warning", warning)
        blocked += len({b.consumer for b in decision.blocking})
    if not check.tools:
        check.status = "skip"
        return check.settle("no changed provider has registered consumers")
    return check.settle(
        f"{blocked} consumer{'s' if blocked != 1 else ''} blocked"
        if blocked
        else f"safe for the consumers of {len(check.tools)} provider(s)"
    )
