"""`register`, `unregister`, `list`, `show`, `cycles`, `stubs`, `schema`: filling and reading
the registry."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pai_deps.cli.helpfmt import PaiTyper
from pai_deps.cli.options import TypeFilter
from pai_deps.cli.state import get_state
from pai_deps.errors import ManifestError, PaiDepsError
from pai_deps.results.registry import STUB_PATH
from pai_deps.words import depend_on_it, plural

if TYPE_CHECKING:
    from pai_deps.registry import RegisterResult, ToolDetails

# A stub has no directory; the TypeScript tool's JSON said "unknown" (`stub: true` says why).


def register(app: typer.Typer) -> None:
    app.command("register")(register_tool)
    app.command("unregister")(unregister_tool)
    app.command("list")(list_tools)
    app.command("show")(show_tool)
    app.command("schema")(manifest_schema)
    app.add_typer(cycles_app)
    app.add_typer(stubs_app)


# -- register ------------------------------------------------------------------------------


def register_tool(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="A directory holding pai-manifest.yaml, or a manifest file.")
    ],
    force: Annotated[
        bool,
        typer.Option("--force", help="Take over a name registered from another directory."),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Warnings are errors: unknown manifest keys, schema files that do not exist.",
        ),
    ] = False,
) -> None:
    """Register (or update) a tool from its manifest, in one transaction."""
    from pai_deps.registry import register_path

    state = get_state(ctx)
    try:
        with state.registry() as conn:
            result = register_path(conn, path, force=force, strict=strict)
    except ManifestError as exc:
        raise with_reference_keys(exc, path) from None
    print_registration(state.printer, result)


def with_reference_keys(exc: PaiDepsError, path: Path) -> PaiDepsError:
    """Register errors as the TypeScript tool's JSON had them: `message` holds the whole
    text, `error` the manifest's path (the one-line message stays on stderr)."""
    exc.details["message"] = "\n".join([exc.message, *(f"  {line}" for line in exc.lines)])
    exc.details["error"] = str(exc.details.get("file") or exc.details.get("path") or path)
    return exc


def print_registration(printer: Any, result: RegisterResult) -> None:
    if printer.json_mode:
        printer.json({"success": True, **result.to_json()})
        return
    for warning in result.to_json()["warnings"]:
        printer.warn(warning)
    tool = result.tool
    verb = "Registered" if result.is_new else "Updated"
    version = f" v{tool.version}" if tool.version else ""
    note = " (replaced a stub)" if result.replaced_stub else ""
    printer.info(f"{verb} {tool.id}{version}{note}")
    stubs = len(result.stubs_created)
    stub_note = f" ({plural(stubs, 'stub')} created)" if stubs else ""
    printer.info(f"  Dependencies: {result.dependencies}{stub_note}")
    provides = describe_provides(result.provides.to_json())
    if provides:
        printer.info(f"  Provides: {provides}")


def describe_provides(counts: dict[str, int]) -> str:
    labels = {
        "cli": ("CLI command", "CLI commands"),
        "mcpTools": ("MCP tool", "MCP tools"),
        "resources": ("MCP resource", "MCP resources"),
        "library": ("library export", "library exports"),
        "database": ("database", "databases"),
    }
    return ", ".join(plural(counts[key], *labels[key]) for key in labels if counts.get(key))


# -- unregister ------------------------------------------------------------------------------


def unregister_tool(
    ctx: typer.Context,
    tool: Annotated[str, typer.Argument(help="The tool's id.")],
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Even if others depend on it: it then stays as a stub so their edges remain.",
        ),
    ] = False,
) -> None:
    """Remove a tool from the registry (refused while others depend on it)."""
    from pai_deps.registry import unregister

    state = get_state(ctx)
    with state.registry() as conn:
        result = unregister(conn, tool, force=force)
    if state.json:
        state.printer.json({"success": True, **result.to_json()})
        return
    if result.action == "stubbed" and result.was_stub:
        state.printer.info(
            f"'{tool}' is a stub and stays one: still {depend_on_it(result.dependents)}; "
            "`stubs prune` removes it once nothing does."
        )
    elif result.action == "stubbed":
        state.printer.info(
            f"'{tool}' is now a stub: still {depend_on_it(result.dependents)}, and they "
            "keep their edges; its contracts, history and outgoing edges were removed."
        )
    else:
        state.printer.info(f"Unregistered {tool}")
    for cycle in result.resolved_cycles:
        state.printer.info(f"  Cycle resolved: {' -> '.join([*cycle, cycle[0]])}")


# -- list ------------------------------------------------------------------------------------


def list_tools(
    ctx: typer.Context,
    type_: TypeFilter = None,
    stubs: Annotated[
        bool | None,
        typer.Option(
            "--stubs/--no-stubs",
            help="Only stubs, or no stubs [default: both].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """List registered tools with their fan-out, fan-in, reliability and debt."""
    from pai_deps.registry import list_tools as list_registered
    from pai_deps.render.registry import tool_list

    state = get_state(ctx)
    with state.registry() as conn:
        doc = list_registered(conn, type=type_, stubs=stubs)
    if state.json:
        state.printer.json(doc)
        return
    filters = [f"type {type_}"] if type_ else []
    if stubs is not None:
        filters.append("stubs only" if stubs else "no stubs")
    tool_list(state.printer, doc, filters=filters)


# -- show ------------------------------------------------------------------------------------


def show_tool(
    ctx: typer.Context, tool: Annotated[str, typer.Argument(help="The tool's id.")]
) -> None:
    """Everything the registry knows about one tool."""
    from pai_deps.registry import show

    state = get_state(ctx)
    with state.registry() as conn:
        details = show(conn, tool)
    if state.json:
        state.printer.json({"success": True, **details_json(details)})
        return
    print_details(state.printer, details)


def provides_json(details: ToolDetails) -> dict[str, list[dict[str, Any]]]:
    """The `provides` section rebuilt from the registry, in the manifest's shape."""
    provides: dict[str, list[dict[str, Any]]] = {}
    key_of = {
        "cli_output": ("cli", "command", "output_schema"),
        "mcp_tool": ("mcp", "tool", "schema"),
        "library_export": ("library", "export", None),
        "db_schema": ("database", "path", "schema"),
    }
    outputs = {c.name: c.schema_path for c in details.contracts if c.contract_type == "mcp_output"}
    for contract in details.contracts:
        if contract.contract_type == "mcp_output":
            continue  # shown on its tool, as in the manifest
        section, name_key, schema_key = key_of[contract.contract_type]
        item: dict[str, Any] = {name_key: contract.name}
        if schema_key and contract.schema_path:
            item[schema_key] = contract.schema_path
        if contract.contract_type == "mcp_tool" and outputs.get(contract.name):
            item["output_schema"] = outputs[contract.name]
        if contract.probe is not None:
            item["probe"] = contract.probe
        if contract.help is not None:
            item["help"] = contract.help
        provides.setdefault(section, []).append(item)
    for resource in details.resources:
        item = {"resource": resource.uri}
        if resource.schema_path:
            item["schema"] = resource.schema_path
        provides.setdefault("mcp", []).append(item)
    return provides


def details_json(details: ToolDetails) -> dict[str, Any]:
    tool = details.tool
    return {
        "tool": {
            "id": tool.id,
            "name": tool.name,
            "version": tool.version,
            "type": tool.type,
            "description": tool.description,
            "path": STUB_PATH if tool.stub else tool.path,
            "manifestPath": tool.manifest_path,
            "reliability": tool.reliability,
            "debtScore": tool.debt_score,
            "stub": tool.stub,
            "mcpStart": tool.mcp_start,
            "lastVerified": tool.last_verified,
            "createdAt": tool.created_at,
            "updatedAt": tool.updated_at,
        },
        "dependencies": [
            {
                "name": d.id,
                "type": d.edge_type,
                "version": d.version_constraint,
                "optional": d.optional,
                "providerType": d.type,
                "stub": d.stub,
            }
            for d in details.dependencies
        ],
        "dependents": [d.id for d in details.dependents],
        "provides": provides_json(details),
        "contracts": [
            {
                "id": c.id,
                "type": c.contract_type,
                "name": c.name,
                "schemaPath": c.schema_path,
                "status": c.status,
                "statusReason": c.status_reason,
                "lastVerified": c.last_verified,
            }
            for c in details.contracts
        ],
        "cycles": [c.cycle for c in details.cycles],
    }


def print_details(p: Any, details: ToolDetails) -> None:
    from pai_deps.render.tables import tree

    tool = details.tool
    p.answer(f"Tool: {tool.id}")
    if tool.description:
        p.answer(f"Description: {tool.description}")
    p.answer(f"Version: {tool.version or '-'}")
    p.answer(f"Type: {tool.type}")
    if tool.stub:
        p.answer("Status: stub (referenced by a dependency, not registered)")
    else:
        p.answer(f"Path: {tool.path}")
        p.answer(f"Manifest: {tool.manifest_path}")
    p.answer("")
    p.answer(f"Reliability: {tool.reliability:g}")
    p.answer(f"Debt Score: {tool.debt_score}")
    p.answer(f"Last Verified: {tool.last_verified or 'never'}")
    if tool.mcp_start:
        p.answer(f"MCP start: {tool.mcp_start}")

    def section(title: str, items: list[str]) -> None:
        p.answer("")
        if items:
            p.render(tree(f"{title} ({len(items)}):", items))
        else:
            p.answer(f"{title}: none")

    section(
        "Dependencies",
        [
            f"{d.id} ({d.edge_type})"
            + (f" {d.version_constraint}" if d.version_constraint else "")
            + (" [optional]" if d.optional else "")
            + (" [stub]" if d.stub else "")
            for d in details.dependencies
        ],
    )
    section("Depended on by", [d.id for d in details.dependents])
    provides = provides_json(details)
    titles = {
        "cli": "CLI Commands",
        "mcp": "MCP",
        "library": "Library Exports",
        "database": "Databases",
    }
    if provides:
        p.answer("")
        branches: list[str | tuple[str, list[str]]] = []
        for key, title in titles.items():
            entries = provides.get(key, [])
            if entries:
                branches.append((title, [_provide_label(e) for e in entries]))
        p.render(tree("Provides:", branches))
    section(
        "Contracts",
        [
            f"{c.contract_type} {c.name}: {c.status}"
            + (f" ({c.status_reason})" if c.status_reason else "")
            for c in details.contracts
        ],
    )
    if details.cycles:
        section(
            "Cycles",
            [" -> ".join([*c.cycle, c.cycle[0]]) for c in details.cycles],
        )


def _provide_label(entry: dict[str, Any]) -> str:
    if "resource" in entry:
        return f"[resource] {entry['resource']}"
    name = next(iter(entry.values()))
    schema = entry.get("output_schema") or entry.get("schema")
    return f"{name}" + (f" (schema: {schema})" if schema else "")


# -- cycles ------------------------------------------------------------------------------------

cycles_app = PaiTyper(
    name="cycles",
    help="Circular dependencies: list them (default) or mark one resolved.",
    invoke_without_command=True,
    rich_markup_mode=None,
)


@cycles_app.callback()
def cycles_list(
    ctx: typer.Context,
    all_: Annotated[
        bool, typer.Option("--all", "-a", help="Include cycles already resolved.")
    ] = False,
) -> None:
    """List recorded cycles (open ones unless --all)."""
    if ctx.invoked_subcommand is not None:
        return
    from pai_deps.render.tables import table
    from pai_deps.repo import cycles

    state = get_state(ctx)
    with state.registry() as conn:
        rows = cycles.list_cycles(conn, include_resolved=all_)
    if state.json:
        state.printer.json(
            {
                "success": True,
                "cycles": [
                    {
                        "id": r.id,
                        "cycle": r.cycle,
                        "detectedAt": r.detected_at,
                        "resolved": r.resolved,
                    }
                    for r in rows
                ],
                "count": len(rows),
            }
        )
        return
    p = state.printer
    if not rows:
        p.info("No circular dependencies." if not all_ else "No cycles recorded.")
        return
    p.render(
        table(
            ["ID", "Cycle", "Detected", "Status"],
            [
                [
                    r.id,
                    " -> ".join([*r.cycle, r.cycle[0]]),
                    r.detected_at,
                    "resolved" if r.resolved else "open",
                ]
                for r in rows
            ],
            right=("ID",),
        )
    )
    p.info(plural(len(rows), "cycle"))


@cycles_app.command("resolve")
def cycles_resolve(
    ctx: typer.Context, cycle_id: Annotated[int, typer.Argument(help="The cycle's id.")]
) -> None:
    """Mark a cycle resolved by hand (it re-opens if it is detected again)."""
    from pai_deps.registry import resolve_cycle_by_hand

    state = get_state(ctx)
    with state.registry() as conn:
        row = resolve_cycle_by_hand(conn, cycle_id)
    if state.json:
        state.printer.json({"success": True, "id": row.id, "cycle": row.cycle, "resolved": True})
    else:
        state.printer.info(f"Resolved cycle {row.id}: {' -> '.join([*row.cycle, row.cycle[0]])}")


# -- stubs ---------------------------------------------------------------------------------------

stubs_app = PaiTyper(
    name="stubs",
    help="Stubs: placeholders for providers nobody registered.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@stubs_app.command("prune")
def stubs_prune(ctx: typer.Context) -> None:
    """Remove stubs that no tool depends on any more."""
    from pai_deps.registry import prune_stubs

    state = get_state(ctx)
    with state.registry() as conn:
        removed = prune_stubs(conn)
    if state.json:
        state.printer.json({"success": True, "removed": removed, "count": len(removed)})
    elif removed:
        state.printer.info(f"Removed {plural(len(removed), 'orphan stub')}: {', '.join(removed)}")
    else:
        state.printer.info("No orphan stubs.")


# -- schema ---------------------------------------------------------------------------------------


def manifest_schema(
    ctx: typer.Context,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            metavar="COMMAND",
            help="Instead, the JSON Schema of COMMAND's --json document "
            "(e.g. list, 'ci affected', error).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Print the JSON Schema of pai-manifest.yaml (for editors and validators)."""
    state = get_state(ctx)
    if output is not None:
        from pai_deps.results.catalog import output_schema, schema_text

        if state.json:
            state.printer.json({"success": True, "schema": output_schema(output)})
        else:
            state.printer.document(schema_text(output))
        return
    from pai_deps.manifest import manifest_json_schema, manifest_json_schema_text

    if state.json:
        state.printer.json({"success": True, "schema": manifest_json_schema()})
    else:
        state.printer.document(manifest_json_schema_text())
