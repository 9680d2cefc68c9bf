"""The findings `check` looks for in a picture, one function per kind of finding."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pai_deps.check.picture import DepView, Picture, ToolView
from pai_deps.pointers import deprecated_locations, parse_pointer, reach

# (kind, fields of the finding): the level is the policy's, added afterwards.
Raw = tuple[str, dict[str, Any]]


def file_problems(picture: Picture) -> Iterator[Raw]:
    for problem in picture.problems:
        yield (
            problem.kind,
            {
                "message": problem.message,
                "lines": list(problem.lines) or None,
                "file": problem.file,
                "tool": problem.tool,
            },
        )


def _real(picture: Picture, tool: str) -> ToolView | None:
    view = picture.tools.get(tool)
    return None if view is None or view.stub else view


def _edges(picture: Picture) -> Iterator[tuple[ToolView, DepView]]:
    for view in picture.tools.values():
        if not view.stub:
            for dep in view.deps:
                yield view, dep


def dangling(picture: Picture) -> Iterator[Raw]:
    """One finding per provider nobody registered, naming who depends on it."""
    waiting: dict[str, list[str]] = {}
    for view, dep in _edges(picture):
        if _real(picture, dep.provider) is None:
            waiting.setdefault(dep.provider, []).append(view.id)
    for provider, dependents in sorted(waiting.items()):
        names = ", ".join(sorted(dependents))
        verb = "depends" if len(dependents) == 1 else "depend"
        yield (
            "dangling",
            {
                "message": f"{provider} is not registered (a stub); {names} {verb} on it",
                "tool": provider,
                "dependents": sorted(dependents),
            },
        )


def versions(picture: Picture) -> Iterator[Raw]:
    """Constraints the provider's version does not meet, or that cannot be read."""
    from pai_deps.check.versions import ConstraintError, satisfies

    for view, dep in _edges(picture):
        provider = _real(picture, dep.provider)
        if dep.constraint is None or provider is None or provider.version is None:
            continue
        try:
            met = satisfies(provider.version, dep.constraint)
        except ConstraintError as exc:
            message = f"{view.id} -> {dep.provider}: {exc}"
        else:
            if met:
                continue
            message = (
                f"{view.id} needs {dep.provider} {dep.constraint}, but {dep.provider} is "
                f"{provider.version}"
            )
        yield "version", {"message": message, "tool": view.id, "provider": dep.provider}


def uses(picture: Picture) -> Iterator[Raw]:
    """Contracts the provider does not declare, and pointers its schema does not back."""
    from pai_deps.registry.uses_check import problems_with

    for view, dep in _edges(picture):
        provider = _real(picture, dep.provider)
        if dep.uses is None or provider is None:
            continue
        schemas = {name: provider.documents(name) for name in provider.schemas}
        for problem in problems_with(view.id, dep.provider, dep.uses, schemas):
            yield (
                problem.kind,
                {
                    "message": problem.message(),
                    "tool": view.id,
                    "provider": dep.provider,
                    "contract": problem.contract,
                    "pointer": problem.pointer,
                },
            )


def _deprecation_note(until: str | None, message: str | None) -> str:
    return (f" (until {until})" if until else "") + (f": {message}" if message else "")


def deprecations(picture: Picture) -> Iterator[Raw]:
    """Every consumer still using a deprecated contract or a deprecated field of one.

    A consumer that declares no `uses` reads everything, so it uses every deprecated
    contract and field of its provider.
    """
    for view, dep in _edges(picture):
        provider = _real(picture, dep.provider)
        if provider is None:
            continue
        declared = dep.uses if dep.uses is not None else {c: [""] for c in provider.schemas}
        for contract, pointers in declared.items():
            yield from deprecated_use(view.id, provider, contract, pointers, dep.uses is None)


def deprecated_use(
    consumer: str, provider: ToolView, contract: str, pointers: list[str], assumed: bool
) -> Iterator[Raw]:
    base = {"tool": consumer, "provider": provider.id, "contract": contract}
    how = " (it declares no uses, so it is taken to read everything)" if assumed else ""
    if contract in provider.deprecated:
        until, note = provider.deprecated[contract]
        yield (
            "deprecated",
            {
                **base,
                "message": f"{consumer} uses '{contract}' of {provider.id}, which is deprecated"
                f"{_deprecation_note(until, note)}{how}",
            },
        )
    for document in provider.documents(contract):
        if assumed:
            marked = deprecated_locations(document)
            if marked:
                yield (
                    "deprecated",
                    {
                        **base,
                        "message": f"{consumer} may read deprecated fields of '{contract}' "
                        f"({provider.id}): schema {', '.join(marked)}{how}",
                    },
                )
            continue
        for pointer in pointers:
            marked = sorted(reach(document, parse_pointer(pointer)).deprecated)
            if marked:
                yield (
                    "deprecated",
                    {
                        **base,
                        "pointer": pointer,
                        "message": f"{consumer} reads {pointer or '(all)'} of '{contract}' "
                        f"({provider.id}), deprecated in its schema at {', '.join(marked)}",
                    },
                )


def cycles(picture: Picture) -> Iterator[Raw]:
    """One finding per strongly connected group of tools, with one cycle through it."""
    from pai_deps.graph import Graph, cycles_through, strongly_connected_components

    graph = Graph(
        picture.tools, ((v.id, d.provider) for v in picture.tools.values() for d in v.deps)
    )
    for group in strongly_connected_components(graph):
        if len(group) < 2:
            continue
        found = cycles_through(graph, group[0], limit=1)
        cycle = found[0] if found else group
        shown = " -> ".join([*cycle, cycle[0]])
        others = (
            f" ({len(group)} tools in all: {', '.join(group)})" if len(group) > len(cycle) else ""
        )
        yield "cycle", {"message": f"circular dependency: {shown}{others}", "cycle": cycle}


FINDERS = (file_problems, dangling, uses, versions, cycles, deprecations)
