"""Global options may come before or after the subcommand.

Click only parses a group's options before the subcommand name, so the arguments are
rearranged first: every global option found anywhere (up to a `--`) moves to the front.
The word after a command's option that takes a value is that value and stays where it
is; when it is a global option (or another option of the command), the value was
forgotten, and that is misuse (`init DIR --name --json` once wrote `name: --dry-run`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
    problem: str | None = None  # an option's value is missing (misuse, exit 2)


@dataclass(frozen=True)
class CommandOptions:
    """A command's option names: those that take a value, and all of them."""

    valued: frozenset[str]
    every: frozenset[str]
    subcommands: frozenset[str] = frozenset()


# The command path so far (e.g. ("db",)) -> its options, or None when unknown.
OptionLookup = Callable[[tuple[str, ...]], CommandOptions | None]


def hoist(
    args: Sequence[str], options_of: OptionLookup | None = None
) -> tuple[list[str], GlobalOptions]:
    """Move global options to the front; also report what they are (for error output).

    With `options_of`, option values are recognised and never moved.
    """
    front: list[str] = []
    rest: list[str] = []
    found = GlobalOptions()
    items = list(args)
    path: tuple[str, ...] = ()
    current = options_of(path) if options_of is not None else None
    index = 0
    while index < len(items):
        arg = items[index]
        if arg == "--":
            rest.extend(items[index:])
            break
        if current is not None and arg in current.valued:
            value = items[index + 1] if index + 1 < len(items) else None
            if value is not None and _is_option(value, current):
                found.problem = (
                    f"Option '{arg}' needs a value, but the next argument is the option "
                    f"'{value}' (write {arg}={value} if that is the value)"
                )
            rest.extend(items[index : index + 2])
            index += 2
            continue
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
            if current is not None and options_of is not None and arg in current.subcommands:
                path = (*path, arg)
                current = options_of(path)
            rest.append(arg)
        index += 1
    return front + rest, found


def _is_option(word: str, options: CommandOptions) -> bool:
    return (
        word in FLAGS
        or word in VALUED
        or word.startswith("--db=")
        or _is_verbose_cluster(word)
        or word.split("=", 1)[0] in options.every
    )


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
