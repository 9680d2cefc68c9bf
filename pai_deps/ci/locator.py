"""Where registered tools live: by directory, by manifest, by the schema files they name.

Every path is compared after resolving symlinks, because git reports real paths while
tools are registered under the path the user typed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pai_deps.manifest import MANIFEST_FILENAME
from pai_deps.repo import ci as ci_queries
from pai_deps.repo import tools

if TYPE_CHECKING:
    from pai_deps.db import Connection


def real(path: Path | str) -> Path:
    """The path with symlinks resolved (as far as it exists), for comparing locations."""
    return Path(os.path.realpath(path))


def display_path(path: Path, root: Path) -> str:
    """Repository-relative POSIX text when inside `root`, else the absolute path."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


@dataclass
class Locator:
    """The registry's tools indexed by where they live (all paths symlink-resolved)."""

    by_dir: dict[Path, str]
    by_manifest: dict[Path, str]
    by_schema: dict[Path, set[str]]
    dirs: dict[str, Path]

    @classmethod
    def load(cls, conn: Connection) -> Locator:
        by_dir: dict[Path, str] = {}
        by_manifest: dict[Path, str] = {}
        dirs: dict[str, Path] = {}
        for row in tools.list_tool_locations(conn):
            directory = real(row.path)
            dirs[row.id] = directory
            by_dir.setdefault(directory, row.id)
            manifest = (
                real(row.manifest_path) if row.manifest_path else directory / MANIFEST_FILENAME
            )
            by_manifest[manifest] = row.id
        by_schema: dict[Path, set[str]] = {}
        for loc in ci_queries.list_schema_locations(conn):
            ref = Path(loc.schema_path).expanduser()
            target = real(ref if ref.is_absolute() else Path(loc.path) / ref)
            by_schema.setdefault(target, set()).add(loc.tool_id)
        return cls(by_dir, by_manifest, by_schema, dirs)

    def directory_owner(self, path: Path) -> str | None:
        """The tool whose directory is the longest prefix of `path` (already resolved)."""
        for candidate in (path, *path.parents):
            owner = self.by_dir.get(candidate)
            if owner is not None:
                return owner
        return None

    def tools_in(self, root: Path) -> list[str]:
        """Registered tools whose directory lies inside `root` (resolved)."""
        top = real(root)
        return sorted(t for t, d in self.dirs.items() if d == top or top in d.parents)
