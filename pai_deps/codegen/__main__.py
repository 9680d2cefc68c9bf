"""`python -m pai_deps.codegen [--check] [--out DIR]`: regenerate (or check) the typed seam."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pai_deps.codegen import REPO_DIR, SpecError, generate
from pai_deps.codegen.emit import BANNER
from pai_deps.sqlfiles import queries_dir


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
    out: Path = options.out
    stale = [name for name, text in modules.items() if _read(out / name) != text]
    orphans = [
        p.name
        for p in sorted(out.glob("*.py"))
        if p.name not in modules and _read(p).startswith(BANNER.split("{", 1)[0])
    ]
    if options.check:
        for name in stale:
            print(f"codegen: {out / name} is stale; run `python -m pai_deps.codegen`")
        for name in orphans:
            print(f"codegen: {out / name} has no queries file any more; regenerate")
        return 1 if stale or orphans else 0
    out.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (out / name).write_text(modules[name], encoding="utf-8")
        print(f"wrote {out / name}")
    for name in orphans:
        (out / name).unlink()
        print(f"removed {out / name}")
    return 0


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


if __name__ == "__main__":
    sys.exit(main())
