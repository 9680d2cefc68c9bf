"""The MCP tools: one per query command, each a thin call of the command's own service.

A tool is its name (the command's, `blast-radius` -> `blast_radius`), the command whose
`--json` document it returns (`results.catalog.OUTPUTS` names the model, which gives the
`outputSchema`), its arguments model (the `inputSchema`) and a call of the service. So
the CLI and the server answer with one model, validated the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pai_deps.errors import UsageError
from pai_deps.mcpserver import arguments as a

if TYPE_CHECKING:
    from pai_deps.db import Connection
    from pai_deps.results.base import CamelModel

Access = Literal["read", "write", "run"]
A = TypeVar("A", bound=a.Arguments)


@dataclass(frozen=True)
class ToolSpec:
    name: str
    command: str  # the key of results.catalog.OUTPUTS
    description: str
    arguments: type[a.Arguments]
    call: Callable[[Connection, Any], CamelModel]
    access: Access = "read"

    def input_schema(self) -> dict[str, Any]:
        schema = self.arguments.model_json_schema(by_alias=True)
        schema.pop("title", None)
        return schema

    def output_schema(self) -> dict[str, Any]:
        from pai_deps.results.catalog import output_schema

        return output_schema(self.command)


# -- the calls ---------------------------------------------------------------------------------


def _list(conn: Connection, args: a.ListArguments) -> CamelModel:
    from pai_deps.analysis.evidence import configured_runs
    from pai_deps.registry.read import list_tools

    return list_tools(conn, type=args.type, stubs=args.stubs, runs=configured_runs(args.runs))


def _show(conn: Connection, args: a.ShowArguments) -> CamelModel:
    from pai_deps.analysis.evidence import configured_runs
    from pai_deps.registry.read import show

    return show(conn, args.tool, runs=configured_runs(args.runs))


def _neighbours(reverse: bool) -> Callable[[Connection, a.NeighbourArguments], CamelModel]:
    def call(conn: Connection, args: a.NeighbourArguments) -> CamelModel:
        from pai_deps.analysis.neighbours import neighbours

        return neighbours(
            conn,
            args.tool,
            reverse=reverse,
            transitive=args.transitive,
            depth=args.depth,
            type_=args.type,
            skip_optional=args.skip_optional,
        )

    return call


def _affected(conn: Connection, args: a.AffectedArguments) -> CamelModel:
    from pai_deps.analysis.neighbours import affected

    if args.direct and args.depth is not None and args.depth != 1:
        raise UsageError("direct means depth 1; give one or the other")
    return affected(
        conn,
        args.tool,
        direct=args.direct,
        depth=args.depth,
        type_=args.type,
        skip_optional=args.skip_optional,
        contract=args.contract,
        field=args.field,
    )


def _consumers(conn: Connection, args: a.ConsumersArguments) -> CamelModel:
    from pai_deps.analysis.consumers import consumers

    return consumers(conn, args.tool, contract=args.contract, field=args.field)


def _can_i_ship(conn: Connection, args: a.ShipArguments) -> CamelModel:
    from pai_deps.ship import can_i_ship

    # Read-only: a contract without a baseline is reported, not seeded.
    return can_i_ship(conn, args.tool, ref=args.ref, allow_risky=args.allow_risky, seed=False)


def _path(conn: Connection, args: a.PathArguments) -> CamelModel:
    from pai_deps.analysis.routes import route

    return route(conn, args.from_, args.to, skip_optional=args.skip_optional)


def _allpaths(conn: Connection, args: a.AllPathsArguments) -> CamelModel:
    from pai_deps.analysis.routes import routes

    return routes(
        conn,
        args.from_,
        args.to,
        limit=args.limit,
        max_length=args.max_length,
        skip_optional=args.skip_optional,
    )


def _chain_reliability(conn: Connection, args: a.ChainArguments) -> CamelModel:
    from pai_deps.analysis.chains import chain_reliability_of

    if args.tool is None and not args.all:
        raise UsageError("Give a tool or all: true")
    if args.tool is not None and args.all:
        raise UsageError("Give a tool or all: true, not both")
    from pai_deps.analysis.evidence import configured_runs

    return chain_reliability_of(
        conn,
        args.tool,
        threshold=args.min,
        skip_optional=args.skip_optional,
        with_chain=True,
        use_observed=args.observed,
        runs=configured_runs(args.runs),
    )


def _blast_radius(conn: Connection, args: a.BlastArguments) -> CamelModel:
    from pai_deps.analysis.blast import blast_radius_of

    level = None if args.fail_on is None else args.fail_on.upper()
    return blast_radius_of(
        conn,
        args.tool,
        skip_optional=args.skip_optional,
        fail_on=level,  # type: ignore[arg-type]  # the upper-cased Literal
        contract=args.contract,
        field=args.field,
    )


def _debt(conn: Connection, args: a.DebtArguments) -> CamelModel:
    from pai_deps.analysis.debt import debt

    return debt(conn, type_=args.type, min_debt=args.min)


def _health(conn: Connection, args: a.NoArguments) -> CamelModel:
    from pai_deps.analysis.health import health

    return health(conn)


def _one_or_all(tool: str | None, all_: bool) -> str | None:
    if tool is not None and all_:
        raise UsageError("Give a tool or all: true, not both")
    if tool is None and not all_:
        raise UsageError("Give a tool id, or all: true for every registered tool")
    return tool


def _drift(conn: Connection, args: a.DriftArguments) -> CamelModel:
    from pai_deps.verify.drift import drift

    wanted = _one_or_all(args.tool, args.all)
    return drift(conn, wanted, update=False, allow_risky=args.allow_risky)


def _ci_affected(conn: Connection, args: a.CiAffectedArguments) -> CamelModel:
    from pai_deps.ci.affected import affected

    if args.files is not None and not args.files:
        raise UsageError("files needs at least one file")
    if args.files is not None and (args.staged or args.base or args.head != "HEAD"):
        raise UsageError("give changed files, staged, or base/head; not several")
    if args.staged and args.base:
        raise UsageError("staged compares the index with HEAD; it takes no base")
    return affected(
        conn,
        Path(args.directory) if args.directory else Path.cwd(),
        base=args.base,
        head=args.head,
        staged=args.staged,
        files=args.files,
        direct=args.direct,
        explain=args.explain,
    )


def _verify(conn: Connection, args: a.VerifyArguments) -> CamelModel:
    from pai_deps.verify.checks import VerifyOptions, default_jobs
    from pai_deps.verify.contracts import verify_contracts

    if args.cli_only and args.mcp_only:
        raise UsageError("cli_only and mcp_only exclude each other")
    if args.quick and args.strict:
        raise UsageError("quick and strict exclude each other")
    if args.contract is not None and args.tool is None:
        raise UsageError("contract needs a tool")
    options = VerifyOptions(
        level="quick" if args.quick else "strict" if args.strict else "default",
        cli=not args.mcp_only,
        mcp=not args.cli_only,
        timeout=args.timeout,
        jobs=default_jobs(),
        allow_risky=args.allow_risky,
        allow_unverified=args.allow_unverified,
    )
    wanted = _one_or_all(args.tool, args.all)
    return verify_contracts(conn, wanted, options, contract=args.contract, save=not args.no_save)


def _register(conn: Connection, args: a.RegisterArguments) -> CamelModel:
    from pai_deps.cli.remedies import Remedy, remedies
    from pai_deps.registry import register_path

    move = Remedy(" (rename one of them, or pass force: true to move the registration)")
    with remedies({"name_collision": move}):
        return register_path(conn, Path(args.path), force=args.force, strict=args.strict)


def _sync(conn: Connection, args: a.SyncArguments) -> CamelModel:
    from pai_deps.registry.sync import sync

    return sync(
        conn,
        [Path(root) for root in args.roots],
        dry_run=args.dry_run,
        prune=args.prune,
        strict=args.strict,
    )


WRITES_NOTE = " Writes to the registry: offered only because the server runs with --allow-write."
RUNS_NOTE = (
    " Runs the registered tools' commands and MCP servers and records the outcome: offered "
    "only because the server runs with --allow-run."
)

TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "list",
        "list",
        "Registered tools with their type, version, fan-out, fan-in, reliability and debt.",
        a.ListArguments,
        _list,
    ),
    ToolSpec(
        "show",
        "show",
        "Everything the registry knows about one tool: identity, dependencies, dependents, "
        "provides, contracts with their status, cycles, observed reliability.",
        a.ShowArguments,
        _show,
    ),
    ToolSpec(
        "deps",
        "deps",
        "What a tool depends on (directly, or with transitive everything it reaches), each "
        "with its depth and the hop it came through.",
        a.NeighbourArguments,
        _neighbours(reverse=False),
    ),
    ToolSpec(
        "rdeps",
        "rdeps",
        "What depends on a tool (directly, or with transitive everything that reaches it).",
        a.NeighbourArguments,
        _neighbours(reverse=True),
    ),
    ToolSpec(
        "affected",
        "affected",
        "Tools a change to a tool reaches, each with the chain that explains why.",
        a.AffectedArguments,
        _affected,
    ),
    ToolSpec(
        "path",
        "path",
        "One shortest dependency path from one tool to another (success false when none).",
        a.PathArguments,
        _path,
    ),
    ToolSpec(
        "allpaths",
        "allpaths",
        "The N shortest simple dependency paths between two tools, shortest first, bounded.",
        a.AllPathsArguments,
        _allpaths,
    ),
    ToolSpec(
        "chain_reliability",
        "chain-reliability",
        "Compound reliability of a tool's chain (or every tool's), its weakest path, and "
        "for a tool declaring slo its budget and each hop's spend; success false when a "
        "chain is below min or over budget.",
        a.ChainArguments,
        _chain_reliability,
    ),
    ToolSpec(
        "blast_radius",
        "blast-radius",
        "What a change to a tool puts at risk: affected tools by type and depth, a risk "
        "score and level, and numbered rollback steps.",
        a.BlastArguments,
        _blast_radius,
    ),
    ToolSpec(
        "consumers",
        "consumers",
        "Who reads a tool's contracts, and which fields, as their manifests declare (uses); "
        "a consumer declaring no uses reads everything.",
        a.ConsumersArguments,
        _consumers,
    ),
    ToolSpec(
        "can_i_ship",
        "can-i-ship",
        "Is the provider's state (schema files on disk or at a git ref) safe for every "
        "registered consumer? success false names each blocking consumer. Read-only here: "
        "a contract without a baseline is reported, not seeded.",
        a.ShipArguments,
        _can_i_ship,
    ),
    ToolSpec(
        "debt",
        "debt",
        "Technical debt: the total, by type, per tool, and weighted by fan-in.",
        a.DebtArguments,
        _debt,
    ),
    ToolSpec(
        "health",
        "health",
        "Registry health (OK, WARNING or CRITICAL) with its figures and issues.",
        a.NoArguments,
        _health,
    ),
    ToolSpec(
        "drift",
        "drift",
        "Have the promised schemas changed since their baseline, and does it break anyone? "
        "Each change classified breaking, risky, compatible or cosmetic (status only: "
        "baselines are never moved here).",
        a.DriftArguments,
        _drift,
    ),
    ToolSpec(
        "ci_affected",
        "ci affected",
        "Which registered tools a change touches (a git range, the staged change, or "
        "given files), and everything that depends on them.",
        a.CiAffectedArguments,
        _ci_affected,
    ),
    ToolSpec(
        "verify",
        "verify",
        "Check that tools keep their promises: CLI help and probe output against its "
        "schema, MCP servers' tools and schemas." + RUNS_NOTE,
        a.VerifyArguments,
        _verify,
        access="run",
    ),
    ToolSpec(
        "register",
        "register",
        "Register (or update) a tool from its manifest, in one transaction." + WRITES_NOTE,
        a.RegisterArguments,
        _register,
        access="write",
    ),
    ToolSpec(
        "sync",
        "sync",
        "Discover the manifests below the roots and register them all; an invalid one is "
        "reported and skipped." + WRITES_NOTE,
        a.SyncArguments,
        _sync,
        access="write",
    ),
)


def offered(*, allow_write: bool, allow_run: bool) -> dict[str, ToolSpec]:
    """The tools this server offers: the read-only ones, and the others only when allowed."""
    allowed = {"read", *(["write"] if allow_write else []), *(["run"] if allow_run else [])}
    return {spec.name: spec for spec in TOOLS if spec.access in allowed}


def input_schema_files() -> dict[str, str]:
    """`docs/mcp/<tool>.input.schema.json` for every tool: the request contracts that
    pai-deps's own manifest declares for its MCP server (`verify` compares them)."""
    import json

    return {
        f"{spec.name}.input.schema.json": json.dumps(
            spec.input_schema(), indent=2, ensure_ascii=False
        )
        + "\n"
        for spec in TOOLS
    }
