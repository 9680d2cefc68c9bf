"""Guess a manifest for `pai-deps init --analyze` from a project's own files.

Pure: reads files, never runs anything. Python sources are read with `ast` and
JavaScript/TypeScript with a small tokenizer, so comments, docstrings and string
contents never count (the reference tool's regexes turned doc comments into
dependencies). Names match whole and normalised (PEP 503: case, `-`, `_`, `.`),
never as substrings, against the tools the registry already knows.

Decisions worth knowing:

* Python: `[project.dependencies]` (or `[tool.poetry.dependencies]`) only; optional
  and dev dependency groups are not runtime dependencies. Node: `dependencies` and
  `peerDependencies`, not `devDependencies`, for the same reason.
* A known tool found as a package dependency or an import is a `library` edge in
  both ecosystems (`npm` is left for packages outside the registry); one called as a
  program (`subprocess.run(["tool", ...])`, `spawn("tool")`) is a `cli` edge. When the
  same tool shows up more than once, the first kind in that order wins.
* An MCP server usually ships a script that only starts the server. So with MCP
  detected, the project is `cli+mcp` only when a CLI framework is in use too (typer
  or click commands found, or commander/yargs-like packages); otherwise it is `mcp`
  and the script becomes the `mcp_start` suggestion instead of a CLI command.
* Tests, docs, examples, hidden directories, virtualenvs and build output are not
  scanned: what they use is not what the tool uses at run time. At most
  `MAX_SOURCE_FILES` files of at most `MAX_FILE_BYTES` each are read.
"""

from __future__ import annotations

from pai_deps.scan.draft import analyze_project, build_manifest, detect_project
from pai_deps.scan.javascript import js_tokens
from pai_deps.scan.project import Analysis, DetectedDependency

__all__ = [
    "Analysis",
    "DetectedDependency",
    "analyze_project",
    "build_manifest",
    "detect_project",
    "js_tokens",
]
