"""Filling and reading the registry: register, unregister, stubs and cycle bookkeeping.

One write path. A manifest is loaded and validated completely (schema files included)
before anything is written (`prepare`); then the tool, its edges, the stubs for unknown
providers, its contracts, resources and cycle records are written in ONE `BEGIN
IMMEDIATE` transaction (`write`), so a failure anywhere leaves the registry exactly as
it was.

    prepare    a manifest's contracts, its schema files read and hashed, before a write
    write      register: one manifest in one transaction
    remove     unregister, stubs prune
    cycles     cycle records: detected, resolved, listed
    read       show, list, require_tool
    discovery  finding manifests below root directories (discover)
    sync       discover and register many at once

This package re-exports (lazily) what other packages use; everything else is imported
from its module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pai_deps.registry.prepare import (
        declared_contracts,
        outside_repository,
        resolve_schema_path,
        schema_refs,
    )
    from pai_deps.registry.read import require_tool
    from pai_deps.registry.remove import unregister
    from pai_deps.registry.write import register_path

# Loaded on first use, so that `require_tool` (every read command) costs one module.
_HOMES = {
    "declared_contracts": "prepare",
    "outside_repository": "prepare",
    "resolve_schema_path": "prepare",
    "schema_refs": "prepare",
    "require_tool": "read",
    "unregister": "remove",
    "register_path": "write",
}

__all__ = [
    "declared_contracts",
    "outside_repository",
    "register_path",
    "require_tool",
    "resolve_schema_path",
    "schema_refs",
    "unregister",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
