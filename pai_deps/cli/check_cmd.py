"""`check [ROOTS]`: the whole ecosystem, manifests and registry together, checked offline
(service: `pai_deps.check`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pai_deps.cli.state import fail, get_state

_KIND_HELP = (
    "manifest, schema-file, dangling, unknown-contract, unused-pointer, version, cycle, deprecated"
)


def register(app: typer.Typer) -> None:
    app.command("check")(check)


def _kinds(values: list[str] | None) -> list[str]:
    """`--fail-on a,b --fail-on c` as [a, b, c]; an unknown kind is a usage error."""
    from pai_deps.check import KINDS

    kinds = [k.strip() for value in values or [] for k in value.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise typer.BadParameter(f"unknown finding kind '{unknown[0]}' (kinds: {_KIND_HELP})")
    return kinds


def _kind_option(name: str, what: str) -> object:
    return typer.Option(
        name,
        metavar="KINDS",
        callback=_kinds,
        help=f"{what} (comma-separated: {_KIND_HELP}).",
        show_default=False,
    )


def check(
    ctx: typer.Context,
    roots: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Directories whose manifests to read over the registry [default: the "
            "manifest of every registered tool].",
            show_default=False,
        ),
    ] = None,
    fail_on: Annotated[
        list[str] | None,
        _kind_option("--fail-on", "Finding kinds that fail the check (exit 1)"),
    ] = None,
    warn_on: Annotated[
        list[str] | None,
        _kind_option("--warn-on", "Finding kinds that are reported but do not fail"),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        _kind_option("--ignore", "Finding kinds not reported at all"),
    ] = None,
) -> None:
    """Check every manifest and the registry together, offline, without writing anything.

    YAML and the manifest format, the schema files manifests name, dependencies on tools
    nobody registered (dangling), contracts a consumer uses that its provider does not
    declare (unknown-contract), `uses` pointers that match nothing in the provider's
    schema (unused-pointer), version constraints the provider's version does not meet
    (version: PEP 440, ^caret, ~tilde, 1.2.x), cycles, and consumers still using a
    deprecated contract or field (deprecated).

    By default manifest, schema-file, unknown-contract, unused-pointer and version fail
    (exit 1); dangling, cycle and deprecated warn. --fail-on, --warn-on and --ignore move
    the kinds they name."""
    from pai_deps.check import policy, run_check
    from pai_deps.errors import UsageError

    chosen = {"--fail-on": fail_on or [], "--warn-on": warn_on or [], "--ignore": ignore or []}
    named: dict[str, str] = {}
    for option, kinds in chosen.items():
        for kind in kinds:
            if kind in named and named[kind] != option:
                raise UsageError(f"'{kind}' is given to both {named[kind]} and {option}")
            named[kind] = option
    state = get_state(ctx)
    levels = policy(chosen["--fail-on"], chosen["--warn-on"], chosen["--ignore"])  # type: ignore[arg-type]
    with state.registry() as conn:
        doc = run_check(conn, list(roots) if roots else None, levels)
    if state.json:
        state.printer.json(doc)
    else:
        from pai_deps.render.check import check_report

        check_report(state.printer, doc)
    if not doc.success:
        raise fail()
