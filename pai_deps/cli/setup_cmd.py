"""`init`, `discover`, `sync`: writing manifests and registering many at once (services:
`pai_deps.scan.draft`, `pai_deps.registry.discovery`, `pai_deps.registry.sync`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pai_deps.cli.options import validate_type
from pai_deps.cli.registry_cmd import MOVE_REGISTRATION
from pai_deps.cli.remedies import Remedy, remedies
from pai_deps.cli.state import fail, get_state

OVERWRITE = {"manifest_exists": Remedy("; use --force to overwrite it")}

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
    from pai_deps.registry.discovery import default_roots

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
    from pai_deps.scan.draft import init_manifest

    state = get_state(ctx)
    with remedies(OVERWRITE):
        doc = init_manifest(
            path,
            name=name,
            type_=type_,
            force=force,
            dry_run=dry_run,
            registry=state.registry if analyze else None,
            protected=state.registry_files(),
            warn=state.printer.warn,
        )
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render import setup as render

        render.initialised(state.printer, doc, directory=str(path.expanduser().absolute()))


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
    from pai_deps.registry.discovery import discovered

    state = get_state(ctx)
    doc = discovered(
        _roots(roots),
        excludes=exclude or [],
        max_depth=max_depth,
        use_gitignore=not no_gitignore,
        follow_external_links=follow_external_links,
    )
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render import setup as render

        render.discovered(state.printer, doc)


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
    from pai_deps.registry.sync import sync

    state = get_state(ctx)
    p = state.printer
    with state.registry() as conn, p.progress("Syncing manifests") as progress:
        doc = sync(
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
    for entry in doc.results:  # a name another directory holds: as `register` words it
        if entry.code == "name_collision" and entry.error is not None:
            entry.error += MOVE_REGISTRATION.suffix
    if state.json:
        p.json(doc)
    else:
        from pai_deps.render import setup as render

        render.synced(p, doc)
    if not doc.success:
        raise fail()
