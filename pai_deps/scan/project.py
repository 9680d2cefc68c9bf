"""What a project's own files say, before any language is read: the facts `init --analyze`
collects, the tools it matches names against, and the one guarded way files are read."""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pai_deps.models import ToolType

# The dependency kinds source analysis can tell apart (a subset of the manifest's).
DetectedType = Literal["cli", "mcp", "library", "npm"]

MAX_SOURCE_FILES = 2000
MAX_FILE_BYTES = 1_000_000

SKIPPED_DIRS = frozenset(
    {
        "node_modules",
        "venv",
        "env",
        "site-packages",
        "dist",
        "build",
        "out",
        "coverage",
        "__pycache__",
        "tests",
        "test",
        "__tests__",
        "docs",
        "examples",
        "bench",
        "benchmarks",
    }
)


@dataclass(frozen=True)
class DetectedDependency:
    """One `depends_on` entry the analysis proposes."""

    name: str
    type: DetectedType


@dataclass
class Analysis:
    """What the project's files say about it; `sources` lists the files read."""

    name: str
    version: str | None = None
    description: str | None = None
    type: ToolType | None = None
    cli_commands: list[str] = field(default_factory=list)
    mcp_tools: list[str] = field(default_factory=list)
    depends_on: list[DetectedDependency] = field(default_factory=list)
    mcp_start: str | None = None
    warnings: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def normalize_name(name: str) -> str:
    """PEP 503 normalisation, also used for module and program names."""
    return re.sub(r"[-_.]+", "-", name).lower()


def strip_scope(name: str) -> str:
    """`@scope/pkg` → `pkg`."""
    return name.split("/", 1)[1] if name.startswith("@") and "/" in name else name


class Deps:
    """Ordered, de-duplicated dependencies on known tools (first kind wins)."""

    def __init__(self, known_tools: Collection[str], own_names: Collection[str]) -> None:
        self._known = {normalize_name(t): t for t in known_tools}
        self.own = {normalize_name(n) for n in own_names if n}
        self.items: dict[str, DetectedDependency] = {}

    def match(self, candidate: str) -> str | None:
        key = normalize_name(candidate)
        if not key or key in self.own:
            return None
        return self._known.get(key)

    def add(self, candidate: str, kind: DetectedType) -> None:
        tool = self.match(candidate)
        if tool is not None and tool not in self.items:
            self.items[tool] = DetectedDependency(tool, kind)


# ----------------------------------------------------------------------------- files


def iter_sources(root: Path, suffixes: tuple[str, ...], warnings: list[str]) -> Iterator[Path]:
    """Project source files in sorted order, skipping non-runtime and generated trees."""
    count = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".")
            and d not in SKIPPED_DIRS
            and not os.path.exists(os.path.join(dirpath, d, "pyvenv.cfg"))
        )
        for filename in sorted(filenames):
            if not filename.endswith(suffixes) or is_test_file(filename):
                continue
            if count >= MAX_SOURCE_FILES:
                warnings.append(f"Stopped after {MAX_SOURCE_FILES} source files")
                return
            count += 1
            yield Path(dirpath, filename)


def is_test_file(filename: str) -> bool:
    stem = filename.split(".", 1)[0]
    return (
        stem.startswith("test_")
        or stem.endswith("_test")
        or stem == "conftest"
        or ".test." in filename
        or ".spec." in filename
    )


def read_source(path: Path, root: Path, analysis: Analysis) -> str | None:
    rel = path.relative_to(root).as_posix()
    text = read_project_file(path, rel, analysis)
    if text is not None:
        analysis.sources.append(rel)
    return text


def read_project_file(path: Path, rel: str, analysis: Analysis) -> str | None:
    """A project file's text, or None with a warning: regular files of at most 1 MB only.

    A FIFO would block the read forever and `/dev/zero` would never end.
    """
    from pai_deps.safeio import FileGuardError, read_regular_file

    try:
        raw = read_regular_file(path, limit=MAX_FILE_BYTES)
    except FileGuardError as exc:
        if exc.code == "file_too_large":
            analysis.warnings.append(f"Skipped {rel}: larger than {MAX_FILE_BYTES} bytes")
        elif exc.code == "not_a_regular_file":
            analysis.warnings.append(f"Skipped {rel}: not a regular file")
        else:
            analysis.warnings.append(f"Could not read {rel}: {exc.message.split(': ', 1)[-1]}")
        return None
    return raw.decode("utf-8", errors="replace")


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
