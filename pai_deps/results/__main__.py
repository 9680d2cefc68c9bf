"""`python -m pai_deps.results [--check] [--out DIR]`: write (or check) `docs/json/`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pai_deps.codegen.files import sync_generated
from pai_deps.results.catalog import all_schema_files

DOCS_JSON = Path(__file__).resolve().parent.parent.parent / "docs" / "json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pai_deps.results",
        description="Write the JSON Schema of every command's --json document to docs/json/.",
    )
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    parser.add_argument("--out", type=Path, default=DOCS_JSON)
    options = parser.parse_args(argv)
    return sync_generated(
        options.out,
        all_schema_files(),
        check=options.check,
        owned=lambda p: p.name.endswith(".schema.json"),
        regenerate="python -m pai_deps.results",
        pattern="*.schema.json",
    )


if __name__ == "__main__":
    sys.exit(main())
