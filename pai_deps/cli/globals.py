"""Global options may come before or after the subcommand.

Click only parses a group's options before the subcommand name, so the arguments are
rearranged first: every global option found anywhere (up to a `--`) moves to the front.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

FLAGS = {"--json", "--quiet", "-q", "--verbose", "-v", "--no-color"}
VALUED = {"--db"}


@dataclass
class GlobalOptions:
    json: bool = False
    quiet: bool = False
    verbose: int = 0
    no_color: bool = False
    db: str | None = None
    command: str | None = None  # the first argument that is not an option


def hoist(args: Sequence[str]) -> tuple[list[str], GlobalOptions]:
    """Move global options to the front; also report what they are (for error output)."""
    front: list[str] = []
    rest: list[str] = []
    found = GlobalOptions()
    items = list(args)
    index = 0
    while index < len(items):
        arg = items[index]
        if arg == "--":
            rest.extend(items[index:])
            break
        if arg in FLAGS or _is_verbose_cluster(arg):
            front.append(arg)
            _note_flag(found, arg)
        elif arg in VALUED and index + 1 < len(items):
            front.extend((arg, items[index + 1]))
            found.db = items[index + 1]
            index += 1
        elif arg.startswith("--db="):
            front.append(arg)
            found.db = arg.partition("=")[2]
        else:
            if found.command is None and not arg.startswith("-") and not rest:
                found.command = arg
            rest.append(arg)
        index += 1
    return front + rest, found


def _is_verbose_cluster(arg: str) -> bool:
    return (
        len(arg) > 2 and arg.startswith("-") and not arg.startswith("--") and set(arg[1:]) == {"v"}
    )


def _note_flag(found: GlobalOptions, arg: str) -> None:
    if arg == "--json":
        found.json = True
    elif arg in ("--quiet", "-q"):
        found.quiet = True
    elif arg == "--no-color":
        found.no_color = True
    elif arg == "--verbose":
        found.verbose += 1
    else:
        found.verbose += len(arg) - 1
