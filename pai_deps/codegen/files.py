"""Writing generated files, or checking that they are current (sqlc's `diff`).

Shared by every generator in the project: the query seam, the JSON Schemas of the
`--json` documents and the CLI reference.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def sync_generated(
    out: Path,
    files: dict[str, str],
    *,
    check: bool,
    owned: Callable[[Path], bool],
    regenerate: str,
    pattern: str = "*",
) -> int:
    """Write `files` (name -> text) into `out`, or only report what differs when `check`.

    A file in `out` matching `pattern` that the generator no longer makes is removed (or
    reported) only when `owned` says the generator wrote it. Returns 1 when `check` found
    something stale, else 0.
    """
    stale = [name for name, text in files.items() if _read(out / name) != text]
    orphans = [p.name for p in sorted(out.glob(pattern)) if p.name not in files and owned(p)]
    if check:
        for name in stale:
            print(f"{out / name} is stale; run `{regenerate}`")
        for name in orphans:
            print(f"{out / name} is no longer generated; run `{regenerate}`")
        return 1 if stale or orphans else 0
    out.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (out / name).write_text(files[name], encoding="utf-8")
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


def schema_writer_main(
    argv: list[str] | None,
    *,
    prog: str,
    description: str,
    default_out: Path,
    files: Callable[[], dict[str, str]],
    suffix: str,
) -> int:
    """The command line of a generator of schema files (`--check`, `--out`): the JSON
    Schemas of the documents (`pai_deps.results`) and of the MCP tools' inputs."""
    import argparse

    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    parser.add_argument("--out", type=Path, default=default_out)
    options = parser.parse_args(argv)
    return sync_generated(
        options.out,
        files(),
        check=options.check,
        owned=lambda p: p.name.endswith(suffix),
        regenerate=prog,
        pattern=f"*{suffix}",
    )
