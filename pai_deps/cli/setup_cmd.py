"""`init`, `discover`, `sync`: writing manifests and registering many at once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from pai_deps.cli.options import validate_type
from pai_deps.cli.state import fail, get_state
from pai_deps.errors import PaiDepsError
from pai_deps.words import plural

LIST_CHANGES_UP_TO = 25  # longer lists only with -v (or in --json)

Roots = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Directories to search [default: roots in ~/.config/pai-deps/config.toml, "
        "else the current directory].",
        show_default=False,
    ),
]
Exclude = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        "-e",
        metavar="PATTERN",
        help="Skip paths matching this gitignore pattern (repeatable).",
    ),
]
MaxDepth = Annotated[
    int, typer.Option("--max-depth", min=0, help="How many directory levels below each root.")
]
NoGitignore = Annotated[
    bool, typer.Option("--no-gitignore", help="Also search directories .gitignore excludes.")
]
FollowExternalLinks = Annotated[
    bool,
    typer.Option(
        "--follow-external-links",
        help="Follow symlinks that lead outside the roots (skipped with a warning otherwise).",
    ),
]


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("discover")(discover_cmd)
    app.command("sync")(sync_cmd)


def _roots(given: list[Path] | None) -> list[Path]:
    from pai_deps.discovery import default_roots

    return list(given) if given else default_roots()


# -- init ------------------------------------------------------------------------------------


def init(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The tool's directory.")] = Path("."),
    name: Annotated[
        str | None, typer.Option("--name", help="Tool name [default: detected].")
    ] = None,
    type_: Annotated[
        str | None,
        typer.Option(
            "--type",
            metavar="TYPE",
            callback=validate_type,
            help="cli, mcp, library, workflow, hook or cli+mcp [default: detected].",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing manifest.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the manifest instead of writing it.")
    ] = False,
    analyze: Annotated[
        bool,
        typer.Option(
            "--analyze",
            "-a",
            help="Read pyproject.toml / package.json and the sources: commands, MCP tools, "
            "and dependencies on tools already in the registry.",
        ),
    ] = False,
) -> None:
    """Write a pai-manifest.yaml for a tool that registers cleanly as written."""
    from pai_deps.analyzer import analyze_project, build_manifest
    from pai_deps.manifest import MANIFEST_FILENAME, dump_manifest_yaml, parse_manifest_text

    state = get_state(ctx)
    directory = path.expanduser().absolute()
    if not directory.is_dir():
        raise PaiDepsError(f"Directory not found: {directory}", code="not_found")
    target = directory / MANIFEST_FILENAME
    if target.exists() and not force and not dry_run:
        raise PaiDepsError(
            f"{target} already exists; use --force to overwrite it", code="manifest_exists"
        )
    analysis = None
    if analyze:
        from pai_deps.repo import tools

        with state.registry() as conn:
            known = [t.id for t in tools.list_tools(conn)]
        analysis = analyze_project(directory, known_tools=known)
        for warning in analysis.warnings:
            state.printer.warn(warning)
    data = build_manifest(directory, analysis=analysis, name=name, type=type_)
    text = (
        "# pai-deps manifest. Format: `pai-deps schema`; register with `pai-deps register .`\n"
        + dump_manifest_yaml(data)
    )
    parse_manifest_text(text, str(target))  # what we write must register as written
    if not dry_run:
        from pai_deps.safeio import write_output_file

        protected = state.registry_files()
        write_output_file(target, text, force=force, protected=protected, what="manifest")
    summary: dict[str, Any] = {
        "success": True,
        "action": "preview" if dry_run else "created",
        "path": str(target),
        "manifest": data,
    }
    if analysis is not None:
        summary["analysis"] = {
            "commands_detected": len(analysis.cli_commands),
            "dependencies_detected": len(analysis.depends_on),
            "mcp_tools_detected": len(analysis.mcp_tools),
            "type_detected": analysis.type,
            "sources": analysis.sources,
            "warnings": analysis.warnings,
        }
    if state.json:
        if dry_run:
            summary["yaml"] = text
        state.printer.json(summary)
        return
    p = state.printer
    if dry_run:
        p.info("=== Manifest preview (dry run) ===")
        p.info("")
        p.document(text)
        p.info("")
        p.info("[Dry run - no file written]")
    else:
        p.info(f"Created {target}")
        p.info(f"  Name: {data['name']}")
        p.info(f"  Type: {data['type']}")
        p.info(f"  Version: {data.get('version', '-')}")
    if analysis is not None:
        p.info("")
        p.info("Analysis results:")
        p.info(f"  Commands detected: {len(analysis.cli_commands)}")
        p.info(f"  Dependencies detected: {len(analysis.depends_on)}")
        p.info(f"  MCP tools detected: {len(analysis.mcp_tools)}")
    if not dry_run:
        p.info("")
        p.info("Next steps:")
        p.info(f"  1. Review {MANIFEST_FILENAME}: provides, depends_on, reliability, debt_score")
        p.info(f"  2. Run: pai-deps register {directory}")


# -- discover ---------------------------------------------------------------------------------


def discover_cmd(
    ctx: typer.Context,
    roots: Roots = None,
    exclude: Exclude = None,
    max_depth: MaxDepth = 10,
    no_gitignore: NoGitignore = False,
    follow_external_links: FollowExternalLinks = False,
) -> None:
    """Find pai-manifest.yaml files (honouring .gitignore), without registering them."""
    from pai_deps.discovery import discover

    state = get_state(ctx)
    result = discover(
        _roots(roots),
        excludes=exclude or [],
        max_depth=max_depth,
        use_gitignore=not no_gitignore,
        follow_external_links=follow_external_links,
    )
    if not result.roots:
        raise PaiDepsError(
            "No valid root directories: " + ", ".join(str(r) for r in result.missing_roots),
            code="no_roots",
            details={"missingRoots": [str(r) for r in result.missing_roots]},
        )
    if state.json:
        state.printer.json(
            {
                "success": True,
                "manifests": [
                    {"path": str(m.path), "dir": str(m.dir), "name": m.name}
                    for m in result.manifests
                ],
                "roots": [str(r) for r in result.roots],
                "missingRoots": [str(r) for r in result.missing_roots],
                "warnings": result.warnings,
                "count": len(result.manifests),
            }
        )
        return
    p = state.printer
    for missing in result.missing_roots:
        p.warn(f"Skipped missing directory: {missing}")
    for warning in result.warnings:
        p.warn(warning)
    if not result.manifests:
        p.info("No pai-manifest.yaml files found.")
        p.info(f"Searched: {', '.join(str(r) for r in result.roots)}")
        p.info("To create a manifest, run: pai-deps init <dir>")
        return
    p.info(f"Found {plural(len(result.manifests), 'pai-manifest.yaml file')}:")
    p.info("")
    for found in result.manifests:
        p.answer(f"  {found.path}" + (f" ({found.name})" if found.name else ""))
    p.info("")
    p.info(f"Searched: {', '.join(str(r) for r in result.roots)}")


# -- sync -------------------------------------------------------------------------------------


def sync_cmd(
    ctx: typer.Context,
    roots: Roots = None,
    exclude: Exclude = None,
    max_depth: MaxDepth = 10,
    no_gitignore: NoGitignore = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would change; write nothing.")
    ] = False,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune",
            help="Unregister tools whose manifest under these roots is gone (kept as a stub "
            "while others depend on them).",
        ),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Warnings are errors: unknown manifest keys, schema files that do not exist.",
        ),
    ] = False,
    follow_external_links: FollowExternalLinks = False,
) -> None:
    """Discover manifests and register them all; unchanged ones are skipped.

    An invalid manifest is reported and skipped while the rest register (exit 1).
    """
    from pai_deps.sync import sync

    state = get_state(ctx)
    p = state.printer
    with state.registry() as conn, p.progress("Syncing manifests") as progress:
        result = sync(
            conn,
            _roots(roots),
            excludes=exclude or [],
            max_depth=max_depth,
            use_gitignore=not no_gitignore,
            dry_run=dry_run,
            prune=prune,
            strict=strict,
            progress=progress,
            follow_external_links=follow_external_links,
        )
    errors = result.count("error")
    if state.json:
        p.json({"success": errors == 0, **result.to_json()})
        if errors:
            raise fail()
        return
    for missing in result.missing_roots:
        p.warn(f"Skipped missing directory: {missing}")
    for warning in result.warnings:
        p.warn(warning)
    for item in result.items:
        for warning in item.warnings:
            p.warn(f"{item.name}: {warning}")
    total = sum(1 for i in result.items if i.status != "pruned")
    if total == 0 and not result.count("pruned"):
        p.info("No pai-manifest.yaml files found to sync.")
        p.info(f"Searched: {', '.join(str(r) for r in result.roots)}")
        return
    head = "[DRY RUN] Would sync" if dry_run else "Synced"
    p.info(f"{head} {plural(total, 'manifest')}:")
    p.info(f"  - {result.count('new')} new")
    p.info(f"  - {result.count('updated')} updated")
    p.info(f"  - {result.count('unchanged')} unchanged")
    if result.count("pruned"):
        p.info(f"  - {result.count('pruned')} pruned")
    if errors:
        p.info(f"  - {plural(errors, 'error')}")
    for cycle in result.cycles:
        p.warn(f"Circular dependency detected: {' -> '.join([*cycle, cycle[0]])}")
    if errors:
        p.problem("")
        p.problem("Errors:")
        for item in result.items:
            if item.status == "error":
                p.problem(f"  {item.path}: {item.error_without_path}")
                for line in item.error_lines:
                    p.problem(f"    {line}")
    changed = [i for i in result.items if i.status in ("new", "updated", "pruned")]
    if changed and (len(changed) <= LIST_CHANGES_UP_TO or p.verbose):
        p.info("")
        p.answer("Would change:" if dry_run else "Changed:")
        for item in changed:
            p.answer(f"  {item.name} ({item.status})")
    if errors:
        raise fail()
