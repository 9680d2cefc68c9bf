"""How the query commands' documents look to a person."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pai_deps.output import Printer
from pai_deps.render.tables import arrow_path, percent, table
from pai_deps.words import plural

if TYPE_CHECKING:  # each command loads only its own document's module
    from pai_deps.results.blast import BlastRadius
    from pai_deps.results.chains import Chain, ChainReliability
    from pai_deps.results.consumers import Consumers
    from pai_deps.results.neighbours import Affected, Dependencies, Dependents
    from pai_deps.results.routes import Route, Routes


def type_label(kind: str, stub: bool) -> str:
    return f"{kind} (stub)" if stub else kind


def neighbours(printer: Printer, doc: Dependencies | Dependents) -> None:
    """`deps` / `rdeps`: a table of the tools reached, with their depth or their edge."""
    from pai_deps.results.neighbours import Dependents, DirectNeighbour

    reverse = isinstance(doc, Dependents)
    rows = doc.dependents if isinstance(doc, Dependents) else doc.dependencies
    key, noun = ("dependents", "dependent") if reverse else ("dependencies", "dependency")
    tool, type_ = doc.tool, doc.filters.type
    if not rows:
        if type_ is not None:
            printer.answer(f"No {key} of '{tool}' are of type {type_}.")
        elif reverse:
            printer.answer(f"No tools depend on '{tool}'.")
        else:
            printer.answer(f"Tool '{tool}' has no dependencies.")
        return
    title = "Reverse dependencies for" if reverse else "Dependencies for"
    printer.info(f"{title}: {tool}{' (transitive)' if doc.transitive else ''}")
    printer.info()
    headers = ["ID", "Type", "Reliability"]
    headers += ["Depth", "Via"] if doc.transitive else ["Edge", "Optional"]
    printer.render(
        table(
            headers,
            [
                [
                    r.id,
                    type_label(r.type, r.stub),
                    f"{r.reliability:.2f}",
                    *(
                        [r.edge_type, "yes" if r.optional else ""]
                        if isinstance(r, DirectNeighbour) and not doc.transitive
                        else [r.depth, r.via]
                    ),
                ]
                for r in rows
            ],
            right=("Reliability", "Depth"),
        )
    )
    printer.info()
    depth_note = f" (max depth: {doc.reached_depth})" if doc.transitive else ""
    printer.info(f"Total: {plural(len(rows), noun)}{depth_note}")


def read_part(tool: str, contract: str | None, field: str | None) -> str:
    """`/total of 'email search --json' (email)`: what a narrowed question is about."""
    what = f"'{contract}' ({tool})" if contract else f"'{tool}'"
    return f"{field} of {what}" if field is not None else what


def affected(printer: Printer, doc: Affected) -> None:
    narrowed = doc.filters.contract is not None or doc.filters.field is not None
    part = read_part(doc.tool, doc.filters.contract, doc.filters.field)
    if not doc.affected:
        printer.answer(
            f"No tools are affected by changes to {part}."
            if narrowed
            else f"No tools are affected by changes to '{doc.tool}'."
        )
        return
    printer.info(f"Tools {'directly ' if doc.direct else ''}affected by changes to: {doc.tool}")
    if narrowed:
        printer.info(f"(only through the consumers that read {part})")
    printer.info()
    printer.render(
        table(
            ["ID", "Type", "Reliability", "Depth", "Why (depends on)"],
            [
                [
                    r.id,
                    type_label(r.type, r.stub),
                    f"{r.reliability:.2f}",
                    r.depth,
                    arrow_path(r.path),
                ]
                for r in doc.affected
            ],
            right=("Reliability", "Depth"),
        )
    )
    printer.info()
    max_found = max(r.depth for r in doc.affected)
    depth_note = "" if doc.direct else f" (max depth: {max_found})"
    printer.info(f"Total: {plural(len(doc.affected), 'affected tool')}{depth_note}")


def route(printer: Printer, doc: Route) -> None:
    if doc.path is None:
        printer.answer(f"{doc.error}.")
        return
    hops = len(doc.path) - 1
    if hops == 0:
        printer.answer(f"Source and target are the same tool: {doc.from_}")
        return
    printer.info(f"Path from {doc.from_} to {doc.to}:")
    printer.info()
    printer.answer(f"  {arrow_path(doc.path)}")
    printer.info()
    printer.info(f"Length: {plural(hops, 'hop')}")


def routes(printer: Printer, doc: Routes) -> None:
    if not doc.paths:
        printer.answer(f"{doc.error}.")
        return
    paths = doc.paths
    lengths = [len(path) - 1 for path in paths]
    if doc.truncated:
        found = f"{len(paths)}+ found, showing the {len(paths)} shortest"
    else:
        found = f"{len(paths)} found"
    printer.info(f"Paths from {doc.from_} to {doc.to} ({found}):")
    printer.info()
    width = len(str(len(paths)))
    printer.answer_lines(
        f"  {number:>{width}}. {arrow_path(path)}" for number, path in enumerate(paths, 1)
    )
    printer.info()
    if min(lengths) == max(lengths):
        printer.info(f"All paths: {plural(lengths[0], 'hop')}")
    else:
        printer.info(
            f"Shortest: {plural(min(lengths), 'hop')} | Longest: {plural(max(lengths), 'hop')}"
        )
    if doc.stopped_early:
        printer.warn(
            f"the search stopped early ({doc.reason}): these are the shortest paths found; "
            "more may exist"
        )


def chains(printer: Printer, doc: ChainReliability, *, single: bool) -> None:
    """`chain-reliability`: one row per chain; for `single`, what it reaches and its
    weakest path; then the chains below the threshold."""
    results, minimum = doc.results, doc.threshold
    if not results:
        printer.info("No tools found.")
        return
    if single:
        printer.info(f"Chain reliability for: {results[0].id}")
    else:
        printer.info(f"Chain reliability analysis (threshold: {percent(minimum)})")
    printer.info()
    observed = any(r.observed_reliability is not None for r in results)
    seen = ["Observed"] if observed else []
    printer.render(
        table(
            ["ID", "Own", *seen, "Compound", "Chain Length", "Weakest Path", "Weakest Tool"],
            [
                [
                    r.id,
                    percent(r.reliability),
                    *(
                        [observed_percent(r.observed_reliability, r.observed_runs)]
                        if observed
                        else []
                    ),
                    percent(r.compound),
                    r.chain_length,
                    percent(r.weakest_path.product),
                    r.weakest_path.weakest_tool,
                ]
                for r in results
            ],
            right=("Own", "Observed", "Compound", "Chain Length", "Weakest Path"),
        )
    )
    if doc.basis == "observed":
        printer.info(f"Products use observed reliability (last {doc.runs} runs) where known.")
    if single:
        r = results[0]
        weakest = r.weakest_path
        printer.info()
        reached = (r.chain or [])[1:]
        printer.info(f"Reaches ({len(reached)}): {', '.join(reached) if reached else 'nothing'}")
        exact = "" if weakest.exact else " (best found; the search was bounded)"
        printer.info(
            f"Weakest path: {arrow_path(weakest.path)} = {percent(weakest.product)}{exact}"
        )
    _budgets(printer, results, single=single)
    printer.info()
    below = doc.below_threshold or []
    if below:  # the heading and its lines are one answer, on one stream
        printer.answer(f"{plural(len(below), 'tool')} below {percent(minimum)} threshold:")
        printer.answer_lines(f"  {r.id}: {percent(r.compound)}" for r in below)
    else:
        printer.info(f"All tools at or above {percent(minimum)} threshold.")


def observed_percent(value: float | None, runs: int) -> str:
    """`92.0% (25)`: the pass rate and how many runs it rests on; `-` when never verified."""
    return "-" if value is None else f"{percent(value)} ({runs})"


def _budgets(printer: Printer, results: list[Chain], *, single: bool) -> None:
    """Each chain against its slo: budget, spend, the biggest spender (and, for one
    chain, every hop's spend)."""
    budgeted = [r for r in results if r.budget is not None]
    if not budgeted:
        return
    printer.info()
    printer.answer("Reliability budgets (1 - slo):")
    for r in budgeted:
        b = r.budget
        assert b is not None
        verdict = "OVER BUDGET" if b.over else "within budget"
        spender = f"; biggest spender: {b.biggest_spender}" if b.biggest_spender else ""
        printer.answer(
            f"  {r.id}: slo {percent(b.slo)}, budget {percent(b.budget)}, spent "
            f"{percent(b.spent)} ({b.used * 100:.0f}% of budget), {verdict}{spender}"
        )
        if single:
            for hop in b.hops:
                printer.answer(
                    f"    {hop.id}: {percent(hop.reliability)} spends {percent(hop.spend)}"
                )


_LEVEL_MARKS = {"LOW": "", "MEDIUM": " ⚠", "HIGH": " ⚠⚠", "CRITICAL": " 🔴"}


def blast_radius(printer: Printer, doc: BlastRadius) -> None:
    b = doc.analysis
    p = printer
    p.info(f"Blast Radius Analysis: {b.tool}")
    if doc.contract is not None or doc.field is not None:
        p.info(
            f"(only through the consumers that read {read_part(b.tool, doc.contract, doc.field)})"
        )
    p.info("═" * 60)
    p.info()
    p.answer("Impact Summary:")
    p.answer(f"  Directly affected:     {plural(b.impact.direct_count, 'tool')}")
    p.answer(f"  Transitively affected: {plural(b.impact.transitive_count, 'tool')}")
    p.answer(f"  Total blast radius:    {plural(b.impact.total_count, 'tool')}")
    p.answer(f"  Max depth:             {plural(b.impact.max_depth, 'hop')}")
    p.answer()
    risk = b.risk
    p.answer("Risk Assessment:")
    p.answer(f"  Risk Score:        {risk.score:g} ({risk.level}{_LEVEL_MARKS[risk.level]})")
    p.answer(f"  Chain Reliability: {percent(risk.chain_reliability)}")
    p.answer(f"  Avg Debt Score:    {risk.avg_debt_score:g}")
    if risk.critical_count:
        p.answer(f"  Critical Tools:    {risk.critical_count} (MCP)")
    if b.by_type:
        p.answer()
        p.answer("Impact by Type:")
        p.render(
            table(
                ["Type", "Count", "Critical"],
                [[t.type, t.count, "⚠ Yes" if t.critical else ""] for t in b.by_type],
                right=("Count",),
            )
        )
    if b.by_depth:
        p.answer()
        p.answer("Impact by Depth:")
        for d in b.by_depth:
            direct = " (direct)" if d.depth == 1 else ""
            p.answer(f"  Depth {d.depth}:  {plural(d.count, 'tool')}{direct}")
    p.answer()
    p.answer("Rollback Strategy:")
    for step in b.rollback_steps:
        p.answer(f"  {step.step}. {step.message}")
    if b.affected_tools:
        p.answer()
        p.answer("Affected Tools:")
        p.render(
            table(
                ["ID", "Type", "Reliability", "Debt", "Depth", "Via"],
                [
                    [
                        r.id,
                        type_label(r.type, r.stub),
                        f"{r.reliability:.2f}",
                        r.debt_score,
                        r.depth,
                        r.via,
                    ]
                    for r in b.affected_tools
                ],
                right=("Reliability", "Debt", "Depth"),
            )
        )


def consumers(printer: Printer, doc: Consumers) -> None:
    """`consumers`: one row per consumer and contract it reads, with the fields."""
    what = read_part(doc.tool, doc.contract, doc.field)
    if not doc.consumers:
        printer.answer(f"Nothing reads {what}.")
        return
    printer.info(f"Consumers of {what}:")
    printer.info()
    rows: list[list[object]] = []
    for c in doc.consumers:
        if not c.declared:
            rows.append([c.id, type_label(c.type, c.stub), "(everything: no uses declared)", ""])
        for use in c.uses:
            fields = ", ".join(f or "(all)" for f in use.fields)
            rows.append([c.id, type_label(c.type, c.stub), use.contract, fields])
    printer.render(table(["Consumer", "Type", "Contract", "Fields"], rows))
    printer.info()
    printer.info(f"{plural(doc.count, 'consumer')}")
