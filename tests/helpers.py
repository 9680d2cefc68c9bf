"""Small builders shared by the CLI tests: manifests on disk, from plain data."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from pai_deps.manifest import dump_manifest_yaml


def write_tool(
    root: Path,
    name: str,
    *,
    type: str = "cli",
    depends_on: list[dict[str, Any]] | None = None,
    provides: dict[str, Any] | None = None,
    schemas: dict[str, Any] | None = None,
    folder: str | None = None,
    **extra: Any,
) -> Path:
    """Write `<root>/<folder or name>/pai-manifest.yaml` (and any schema files); return the dir."""
    directory = root / (folder or name)
    directory.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = {"name": name, "type": type, **extra}
    if provides:
        data["provides"] = provides
    if depends_on:
        data["depends_on"] = depends_on
    (directory / "pai-manifest.yaml").write_text(dump_manifest_yaml(data))
    for relative, document in (schemas or {}).items():
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(document))
    return directory


def dep(name: str, type: str = "library", **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": type, **extra}


def sqlite_connection(conn: object) -> sqlite3.Connection:
    """The sqlite3 connection behind `db.open_db` of a file: tests reach below the seam."""
    assert isinstance(conn, sqlite3.Connection)
    return conn
