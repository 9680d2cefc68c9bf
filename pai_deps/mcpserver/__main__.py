"""`python -m pai_deps.mcpserver [--check] [--out DIR]`: write (or check) `docs/mcp/`,
the input schema of every tool `pai-deps mcp` offers (its output schemas are docs/json/)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pai_deps.codegen.files import sync_generated
from pai_deps.mcpserver.tools import input_schema_files

DOCS_MCP = Path(__file__).resolve().parent.parent.parent / "docs" / "mcp"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pai_deps.mcpserver",
        description="Write the input schema of every tool of `pai-deps mcp` to docs/mcp/.",
    )
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    parser.add_argument("--out", type=Path, default=DOCS_MCP)
    options = parser.parse_args(argv)
    return sync_generated(
        options.out,
        input_schema_files(),
        check=options.check,
        owned=lambda p: p.name.endswith(".input.schema.json"),
        regenerate="python -m pai_deps.mcpserver",
        pattern="*.input.schema.json",
    )


if __name__ == "__main__":
    sys.exit(main())
