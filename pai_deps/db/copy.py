"""`pai-deps db copy SRC DEST`: a whole registry from one backend to another.

SQLite to PostgreSQL moves a team onto a server; PostgreSQL to SQLite takes a laptop
snapshot. The source is read in one consistent snapshot (so a read-only role may be the
source); the destination is written in one transaction, so it holds the whole copy or
is left exactly as it was. A destination that holds data is refused unless `replace`.
Ids are copied as they are, so cycle ids and history stay the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from pai_deps.db import Connection, Notify, Target, open_registry, read_snapshot, transaction
from pai_deps.errors import PaiDepsError


@dataclass
class CopyResult:
    source: str
    destination: str
    rows: dict[str, int]
    replaced: dict[str, int] | None


def copy_registry(
    source: Target, destination: Target, *, replace: bool = False, notify: Notify | None = None
) -> CopyResult:
    if source == destination:
        raise PaiDepsError(
            f"The source and the destination are the same registry ({source.shown})",
            code="same_registry",
        )
    src, _ = open_registry(source, notify=notify)
    try:
        dst, _ = open_registry(destination, notify=notify)
        try:
            return _copy(src, dst, source, destination, replace=replace)
        finally:
            dst.close()
    finally:
        src.close()


def _copy(
    src: Connection, dst: Connection, source: Target, destination: Target, *, replace: bool
) -> CopyResult:
    from pai_deps.repo import copy, meta

    with read_snapshot(src):
        tools = copy.copy_tools(src)
        edges = copy.copy_dependencies(src)
        contracts = copy.copy_contracts(src)
        checks = copy.copy_verifications(src)
        resources = copy.copy_resources(src)
        runs = copy.copy_runs(src)
        snapshots = copy.copy_snapshots(src)
        cycles = copy.copy_cycles(src)
        used = copy.copy_uses(src)
        deprecations = copy.copy_deprecations(src)
    with transaction(dst):
        before = meta.table_row_counts(dst).model_dump(by_alias=False)
        if any(before.values()) and not replace:
            held = ", ".join(f"{n} {t}" for t, n in before.items() if n)
            raise PaiDepsError(
                f"The destination {destination.shown} is not empty ({held}); "
                "give --replace to replace its contents",
                code="destination_not_empty",
            )
        if any(before.values()):
            copy.clear_cycles(dst)
            copy.clear_tools(dst)
        pastes: list[tuple[Sequence[BaseModel], Callable[..., int]]] = [
            (tools, copy.paste_tool),
            (edges, copy.paste_dependency),
            (contracts, copy.paste_contract),
            (checks, copy.paste_verification),
            (resources, copy.paste_resource),
            (runs, copy.paste_run),
            (snapshots, copy.paste_snapshot),
            (cycles, copy.paste_cycle),
            (used, copy.paste_use),
            (deprecations, copy.paste_deprecation),
        ]
        for rows, paste in pastes:  # in an order the foreign keys accept
            for row in rows:
                paste(dst, **row.model_dump(by_alias=False))
        copy.restart_ids(dst)
        after = meta.table_row_counts(dst).model_dump(by_alias=False)
    return CopyResult(
        source=source.shown,
        destination=destination.shown,
        rows={
            **after,
            "resources": len(resources),
            "verification_runs": len(runs),
            "mcp_snapshots": len(snapshots),
            "dependency_uses": len(used),
            "contract_deprecations": len(deprecations),
        },
        replaced=before if any(before.values()) else None,
    )
