"""`python -m pai_deps.codegen [--check] [--out DIR]`: regenerate (or check) the typed seam."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pai_deps.codegen import REPO_DIR, SpecError, generate
from pai_deps.codegen.emit import BANNER
from pai_deps.codegen.files import sync_generated
from pai_deps.sqlfiles import queries_dir

_GENERATED = BANNER.split("{", 1)[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pai_deps.codegen",
        description="Generate pai_deps/repo/*.py from queries/*.sql.",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a module is stale"
    )
    parser.add_argument("--out", type=Path, default=REPO_DIR, help="where the modules go")
    options = parser.parse_args(argv)
    try:
        modules = generate(queries_dir())
    except SpecError as exc:
        print(f"codegen: {exc}", file=sys.stderr)
        return 2
    return sync_generated(
        options.out,
        modules,
        check=options.check,
        owned=lambda p: p.read_text(encoding="utf-8").startswith(_GENERATED),
        regenerate="python -m pai_deps.codegen",
        pattern="*.py",
    )


if __name__ == "__main__":
    sys.exit(main())
