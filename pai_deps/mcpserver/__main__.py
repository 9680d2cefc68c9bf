"""`python -m pai_deps.mcpserver [--check] [--out DIR]`: write (or check) `docs/mcp/`,
the input schema of every tool `pai-deps mcp` offers (its output schemas are docs/json/)."""

from __future__ import annotations

import sys
from pathlib import Path

from pai_deps.codegen.files import schema_writer_main
from pai_deps.mcpserver.tools import input_schema_files

DOCS_MCP = Path(__file__).resolve().parent.parent.parent / "docs" / "mcp"


def main(argv: list[str] | None = None) -> int:
    return schema_writer_main(
        argv,
        prog="python -m pai_deps.mcpserver",
        description="Write the input schema of every tool of `pai-deps mcp` to docs/mcp/.",
        default_out=DOCS_MCP,
        files=input_schema_files,
        suffix=".input.schema.json",
    )


if __name__ == "__main__":
    sys.exit(main())
