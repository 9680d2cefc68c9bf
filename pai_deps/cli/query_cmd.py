"""`deps`, `rdeps`, `affected`, `path`, `allpaths`, `chain-reliability`, `blast-radius`: the
questions the registry is kept for (services: `pai_deps.analysis`; the semantics they
decide are in `pai_deps.analysis.neighbours`)."""

from __future__ import annotations

from typing import Annotated

import typer

from pai_deps.cli.options import Runs, validate_type
from pai_deps.cli.state import fail, get_state
from pai_deps.errors import UsageError


def register(app: typer.Typer) -> None:
    app.command("deps")(deps)
    app.command("rdeps")(rdeps)
    app.command("affected")(affected)
    app.command("path")(path)
    app.command("allpaths")(allpaths)
    app.command("chain-reliability")(chain_reliability)
    app.command("blast-radius")(blast_radius)
    app.command("consumers")(consumers)


Tool = Annotated[str, typer.Argument(help="The tool's id.", show_default=False)]
Transitive = Annotated[
    bool,
    typer.Option("--transitive", "-t", help="Everything reached, not only direct neighbours."),
]
Depth = Annotated[
    int | None,
    typer.Option(
        "--depth",
        "-d",
        min=1,
        metavar="N",
        help="Walk at most N hops (implies --transitive; 1 = direct only).",
        show_default=False,
    ),
]
TypeFilter = Annotated[
    str | None,
    typer.Option(
        "--type",
        metavar="TYPE",
        callback=validate_type,
        help="Only list tools of this type (the walk still passes through every type).",
        show_default=False,
    ),
]
SkipOptional = Annotated[
    bool,
    typer.Option(
        "--skip-optional",
        help="Do not follow dependencies declared optional (followed by default).",
    ),
]


ContractOption = Annotated[
    str | None,
    typer.Option(
        "--contract",
        metavar="CONTRACT",
        help="Only through the direct dependents that read this contract of the tool "
        "(as `show` names it); dependents that declare no `uses` read everything.",
        show_default=False,
    ),
]
FieldOption = Annotated[
    str | None,
    typer.Option(
        "--field",
        metavar="POINTER",
        help="Only through the direct dependents that read this field (a JSON pointer, "
        "`*` for any index or key, e.g. /results/*/id).",
        show_default=False,
    ),
]


# -- deps / rdeps ----------------------------------------------------------------------------


def deps(
    ctx: typer.Context,
    tool: Tool,
    transitive: Transitive = False,
    depth: Depth = None,
    type_: TypeFilter = None,
    skip_optional: SkipOptional = False,
) -> None:
    """What a tool depends on (directly, or with -t everything it reaches)."""
    _neighbours(ctx, tool, transitive, depth, type_, skip_optional, reverse=False)


def rdeps(
    ctx: typer.Context,
    tool: Tool,
    transitive: Transitive = False,
    depth: Depth = None,
    type_: TypeFilter = None,
    skip_optional: SkipOptional = False,
) -> None:
    """What depends on a tool (directly, or with -t everything that reaches it)."""
    _neighbours(ctx, tool, transitive, depth, type_, skip_optional, reverse=True)


def _neighbours(
    ctx: typer.Context,
    tool: str,
    transitive: bool,
    depth: int | None,
    type_: str | None,
    skip_optional: bool,
    *,
    reverse: bool,
) -> None:
    from pai_deps.analysis.neighbours import neighbours

    state = get_state(ctx)
    with state.registry() as conn:
        doc = neighbours(
            conn,
            tool,
            reverse=reverse,
            transitive=transitive,
            depth=depth,
            type_=type_,
            skip_optional=skip_optional,
        )
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render import query

        query.neighbours(state.printer, doc)


# -- affected --------------------------------------------------------------------------------


def affected(
    ctx: typer.Context,
    tool: Tool,
    direct: Annotated[
        bool, typer.Option("--direct", help="Only tools that depend on it directly.")
    ] = False,
    depth: Annotated[
        int | None,
        typer.Option(
            "--depth", "-d", min=1, metavar="N", help="At most N hops away.", show_default=False
        ),
    ] = None,
    type_: TypeFilter = None,
    skip_optional: SkipOptional = False,
    contract: ContractOption = None,
    field: FieldOption = None,
) -> None:
    """Tools a change to a tool reaches, each with the chain that explains why."""
    from pai_deps.analysis.neighbours import affected as reached

    if direct and depth is not None and depth != 1:
        raise UsageError("--direct means --depth 1; give one or the other")
    state = get_state(ctx)
    with state.registry() as conn:
        doc = reached(
            conn,
            tool,
            direct=direct,
            depth=depth,
            type_=type_,
            skip_optional=skip_optional,
            contract=contract,
            field=field,
        )
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render import query

        query.affected(state.printer, doc)


# -- path / allpaths -------------------------------------------------------------------------


def path(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(metavar="FROM", help="The depending tool.")],
    target: Annotated[str, typer.Argument(metavar="TO", help="The tool depended on.")],
    skip_optional: SkipOptional = False,
) -> None:
    """One shortest dependency path from FROM to TO (exit 1 when there is none)."""
    from pai_deps.analysis.routes import route

    state = get_state(ctx)
    with state.registry() as conn:
        doc = route(conn, source, target, skip_optional=skip_optional)
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render import query

        query.route(state.printer, doc)
    if not doc.success:
        raise fail()


def allpaths(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(metavar="FROM", help="The depending tool.")],
    target: Annotated[str, typer.Argument(metavar="TO", help="The tool depended on.")],
    limit: Annotated[
        int,
        typer.Option("--limit", "-l", min=1, max=10_000, help="List at most N paths.", metavar="N"),
    ] = 10,
    max_length: Annotated[
        int | None,
        typer.Option(
            "--max-length",
            min=1,
            metavar="L",
            help="Only paths of at most L hops.",
            show_default=False,
        ),
    ] = None,
    skip_optional: SkipOptional = False,
) -> None:
    """The N shortest simple paths from FROM to TO, shortest first.

    Exit 1 when there is none.

    Bounded: on a dense graph it answers within about a second and says when it stopped
    early; "N+" appears only when more paths really exist.
    """
    from pai_deps.analysis.routes import routes

    state = get_state(ctx)
    with state.registry() as conn:
        doc = routes(
            conn, source, target, limit=limit, max_length=max_length, skip_optional=skip_optional
        )
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render import query

        query.routes(state.printer, doc)
    if not doc.success:
        raise fail()


# -- chain-reliability -------------------------------------------------------------------------


def chain_reliability(
    ctx: typer.Context,
    tool: Annotated[
        str | None, typer.Argument(help="The tool's id (or use --all).", show_default=False)
    ] = None,
    all_: Annotated[bool, typer.Option("--all", "-a", help="Every registered tool.")] = False,
    minimum: Annotated[
        float,
        typer.Option(
            "--min",
            "-m",
            min=0.0,
            max=1.0,
            metavar="X",
            help="Threshold between 0 and 1; a compound below it fails (exit 1).",
        ),
    ] = 0.8,
    skip_optional: SkipOptional = False,
    observed: Annotated[
        bool,
        typer.Option(
            "--observed",
            help="Multiply observed reliability (the pass rate of recent verify runs) where "
            "a tool has any, instead of the declared one.",
        ),
    ] = False,
    runs: Runs = None,
) -> None:
    """Compound reliability of a tool's chain, and its weakest path.

    The chain is the tool and everything it reaches, each once; the weakest single path
    names the tool that costs the most. Each tool's observed reliability is shown beside
    its declared one. A tool declaring `slo` gets a budget (1 - slo): how much of it each
    hop spends, and which spends most. Exit 1 when a chain is below --min or over its
    budget."""
    from pai_deps.analysis.chains import chain_reliability_of
    from pai_deps.analysis.evidence import configured_runs

    if tool is None and not all_:
        raise UsageError("Specify a tool ID or use --all")
    if tool is not None and all_:
        raise UsageError("Give a tool ID or --all, not both")
    state = get_state(ctx)
    with state.registry() as conn:
        # Every chain of a whole registry is quadratic in size: only JSON (the old shape)
        # lists them.
        doc = chain_reliability_of(
            conn,
            tool,
            threshold=minimum,
            skip_optional=skip_optional,
            with_chain=state.json,
            use_observed=observed,
            runs=configured_runs(runs),
        )
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render import query

        query.chains(state.printer, doc, single=tool is not None)
    if not doc.success:
        raise fail()


# -- blast-radius ----------------------------------------------------------------------------

RISK_LEVELS = ("low", "medium", "high", "critical")


def _validate_level(value: str | None) -> str | None:
    if value is not None and value.lower() not in RISK_LEVELS:
        raise typer.BadParameter(f"must be one of {', '.join(RISK_LEVELS)} (got '{value}')")
    return None if value is None else value.lower()


def blast_radius(
    ctx: typer.Context,
    tool: Tool,
    skip_optional: SkipOptional = False,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            metavar="LEVEL",
            callback=_validate_level,
            help="Exit 1 when the risk level is at least LEVEL (low, medium, high, critical); "
            "by default the analysis always exits 0.",
            show_default=False,
        ),
    ] = None,
    contract: ContractOption = None,
    field: FieldOption = None,
) -> None:
    """What a change to a tool puts at risk, and in which order to test.

    The tools affected, by type and depth, a risk score and level, and numbered rollback
    steps. Exit 0 whatever the risk unless --fail-on is given."""
    from pai_deps.analysis.blast import RISK_LEVELS as LEVELS
    from pai_deps.analysis.blast import blast_radius_of

    state = get_state(ctx)
    level = None if fail_on is None else LEVELS[RISK_LEVELS.index(fail_on)]
    with state.registry() as conn:
        doc = blast_radius_of(
            conn, tool, skip_optional=skip_optional, fail_on=level, contract=contract, field=field
        )
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render import query

        query.blast_radius(state.printer, doc)
    if not doc.success:
        raise fail()


# -- consumers -------------------------------------------------------------------------------


def consumers(
    ctx: typer.Context,
    tool: Tool,
    contract: Annotated[
        str | None,
        typer.Argument(
            help="Only consumers of this contract (as `show` names it).", show_default=False
        ),
    ] = None,
    field: FieldOption = None,
) -> None:
    """Who reads a tool's contracts, and which fields, as their manifests declare (`uses`).

    Direct dependents only. One whose manifest declares no `uses` is listed as reading
    everything, since nothing says otherwise."""
    from pai_deps.analysis.consumers import consumers as readers

    state = get_state(ctx)
    with state.registry() as conn:
        doc = readers(conn, tool, contract=contract, field=field)
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render import query

        query.consumers(state.printer, doc)
