"""`python -m pai_deps.results [--check] [--out DIR]`: write (or check) `docs/json/`."""

from __future__ import annotations

import sys
from pathlib import Path

from pai_deps.codegen.files import schema_writer_main
from pai_deps.results.catalog import all_schema_files

DOCS_JSON = Path(__file__).resolve().parent.parent.parent / "docs" / "json"


def main(argv: list[str] | None = None) -> int:
    return schema_writer_main(
        argv,
        prog="python -m pai_deps.results",
        description="Write the JSON Schema of every command's --json document to docs/json/.",
        default_out=DOCS_JSON,
        files=all_schema_files,
        suffix=".schema.json",
    )


if __name__ == "__main__":
    sys.exit(main())
