"""The `pai-deps` typer application: global options, error handling, command groups.

Every command module exposes `register(app)`; this module wires them in and turns
expected failures into one line (or a JSON envelope) with the right exit code.
"""

from __future__ import annotations

import io
import sys
import traceback
from collections.abc import Iterable, Sequence
from typing import Annotated, Any

import typer
from typer import _click
from typer._click.exceptions import ClickException
from typer.core import TyperGroup, TyperOption

from pai_deps import __version__
from pai_deps.cli import collector, global_options
from pai_deps.cli.helpfmt import ManGroup, PaiTyper
from pai_deps.cli.state import State
from pai_deps.errors import PaiDepsError, UsageError
from pai_deps.output import Printer, flush, reader_gone
from pai_deps.writes import WRITES, committed_since

EPILOG = (
    "Global options (--json, -q, -v, --db, --no-color) may be given before or after the "
    "command. Exit codes: 0 success, 1 negative answer or invalid input, 2 misuse."
)


class PaiGroup(ManGroup):
    """The root group: rearranges global options and owns the error boundary."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        raw = list(sys.argv[1:] if args is None else args)
        hoisted, found = global_options.hoist(raw, self._options_of)
        writes_before = WRITES.committed  # what this command writes counts from here
        printer = Printer(
            json_mode=found.json, quiet=found.quiet, verbose=found.verbose, no_color=found.no_color
        )
        try:
            if found.problem is not None:
                raise UsageError(found.problem, code="usage")
            result = super().main(
                hoisted,
                prog_name=prog_name or "pai-deps",
                complete_var=complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except ClickException as exc:
            if found.json:
                printer.json({"success": False, "error": _one_line(exc), "code": "usage"})
            else:
                shown = io.StringIO()
                exc.show(file=shown)
                printer.usage_error(shown.getvalue())
            _exit(exc.exit_code)
        except typer.Abort:
            printer.error("aborted")
            _exit(1)
        except (KeyboardInterrupt, Interrupted):
            printer.error(interrupted_message(writes_before), prefix="Interrupted")
            _exit(130)
        except PaiDepsError as exc:
            report_error(printer, exc)
            _exit(exc.exit_code)
        except BrokenPipeError:  # a write outside the printer (help text): the reader left
            reader_gone(sys.stdout)
            _exit(0)
        except Exception as exc:
            failure = _database_error(exc)
            if failure is None:
                _internal_error(printer, exc, verbose=found.verbose)
            else:
                report_error(printer, failure)
            _exit(1)
        _exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx: _click.Context) -> Any:
        """Run the command; Ctrl-C leaves as `Interrupted`, which typer does not swallow."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted from None

    def _options_of(self, path: tuple[str, ...]) -> global_options.CommandOptions | None:
        """The options of the command at `path` (the root group for `()`), from click."""
        command: Any = self
        for name in path:
            commands = getattr(command, "commands", None)
            command = commands.get(name) if isinstance(commands, dict) else None
            if command is None:
                return None
        valued: set[str] = set()
        every: set[str] = set()
        for param in getattr(command, "params", []):
            if not isinstance(param, TyperOption):
                continue
            names = {*param.opts, *param.secondary_opts}
            every |= names
            if not param.is_flag and not param.count:
                valued |= names
        subcommands = getattr(command, "commands", None)
        return global_options.CommandOptions(
            valued=frozenset(valued - global_options.VALUED),
            every=frozenset(every),
            subcommands=frozenset(subcommands or ()),
        )


class Interrupted(Exception):
    """Ctrl-C during a command (typer would turn KeyboardInterrupt into a silent exit 130)."""


def interrupted_message(writes_before: int) -> str:
    """One line saying what an interrupted command did and did not write to the registry."""
    committed, in_progress = committed_since(writes_before)
    rolled_back = "; the write in progress was rolled back" if in_progress else ""
    if committed:
        return f"what was written to the registry before is kept{rolled_back}"
    return f"nothing was written to the registry{rolled_back}"


def _exit(code: int) -> None:
    """Exit with `code` after flushing; a reader that closed the pipe changes nothing."""
    flush(sys.stdout)
    flush(sys.stderr)
    sys.exit(code)


def _one_line(exc: ClickException) -> str:
    """A usage error as one line (a group run without its subcommand carries its help)."""
    text = exc.format_message().strip()
    if "\n" not in text:
        return text
    return f"a subcommand is required: {text.splitlines()[0]}"


def _database_error(exc: Exception) -> PaiDepsError | None:
    """A driver error that escaped the db layer, named by its code (SQLite's result code,
    PostgreSQL's SQLSTATE), not by its text; None when `exc` is no database error."""
    from pai_deps.db.failures import classify

    return classify(exc)


def _internal_error(printer: Printer, exc: Exception, *, verbose: int) -> None:
    if verbose:
        traceback.print_exc()
    report_error(
        printer,
        PaiDepsError(
            f"internal error ({type(exc).__name__}: {exc}); this is a bug in pai-deps"
            + ("" if verbose else " (run with -v for the traceback)"),
            code="internal_error",
        ),
    )


def report_error(printer: Printer, exc: PaiDepsError) -> None:
    # The envelope is `results.base.ErrorDocument`'s shape, built as a dict so that an
    # error never pays for importing pydantic; tests validate it against that schema.
    if printer.json_mode:
        printer.json({"success": False, "error": exc.message, "code": exc.code, **exc.details})
    else:
        printer.error(exc.message, exc.lines)


app = PaiTyper(
    name="pai-deps",
    cls=PaiGroup,
    help="Dependency and contract registry for your own tools: track what uses what, "
    "what breaks if something changes, and whether promised interfaces still hold.",
    epilog=EPILOG,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"pai-deps {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON document on stdout.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Only the answer and errors; no chatter.")
    ] = False,
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose", "-v", count=True, help="More detail (repeatable).", show_default=False
        ),
    ] = 0,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="PATH",
            help="Registry database file [default: $PAI_DEPS_DB, else "
            "$XDG_CONFIG_HOME/pai-deps/pai-deps.db, else ~/.config/pai-deps/pai-deps.db].",
            show_default=False,
        ),
    ] = None,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="No colour (NO_COLOR is honoured too).")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            help="Print the version and exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Dependency and contract registry for your own tools."""
    ctx.obj = State(
        printer=Printer(json_mode=json_output, quiet=quiet, verbose=verbose, no_color=no_color),
        db_option=db,
    )


@app.command("help")
def help_command(
    ctx: typer.Context,
    command: Annotated[
        list[str] | None,
        typer.Argument(metavar="COMMAND", help="A command, or a group and its command."),
    ] = None,
) -> None:
    """Show the help of pai-deps or of one command, e.g. `help cycles resolve`."""
    from pai_deps.errors import UsageError
    from pai_deps.suggest import did_you_mean, nearest

    current_ctx = ctx.find_root()
    current: _click.Command = current_ctx.command
    for depth, name in enumerate(command or []):
        found = current.get_command(current_ctx, name) if isinstance(current, TyperGroup) else None
        if found is None:
            choices = current.list_commands(current_ctx) if isinstance(current, TyperGroup) else []
            asked = " ".join((command or [])[: depth + 1])
            raise UsageError(f"No such command '{asked}'{did_you_mean(nearest(name, choices))}")
        current_ctx = _click.Context(found, info_name=name, parent=current_ctx)
        current = found
    sys.stdout.write(current.get_help(current_ctx) + "\n")


# Which module defines each top-level command. The console script imports only the one
# it is about to run (building all of typer's commands costs tens of milliseconds).
COMMAND_MODULES: dict[str, str] = {
    "ping": "ping_cmd",
    **dict.fromkeys(
        ("register", "unregister", "list", "show", "schema", "cycles", "stubs"), "registry_cmd"
    ),
    **dict.fromkeys(("init", "discover", "sync"), "setup_cmd"),
    **dict.fromkeys(
        (
            "deps",
            "rdeps",
            "affected",
            "path",
            "allpaths",
            "chain-reliability",
            "blast-radius",
            "consumers",
        ),
        "query_cmd",
    ),
    **dict.fromkeys(("debt", "health", "report", "graph"), "report_cmd"),
    **dict.fromkeys(("verify", "drift", "verify-output", "verify-history"), "verify_cmd"),
    "check": "check_cmd",
    "can-i-ship": "ship_cmd",
    "ci": "ci_cmd",
    "hook": "hook_cmd",
    "speckit": "speckit_cmd",
    "db": "db_cmd",
    "mcp": "mcp_cmd",
}
_registered: set[str] = set()


def register_commands(modules: Iterable[str] | None = None) -> None:
    """Register the given command modules (all of them when None), each once, in order."""
    import importlib

    wanted = dict.fromkeys(COMMAND_MODULES.values()) if modules is None else modules
    for name in wanted:
        if name not in _registered:
            _registered.add(name)
            importlib.import_module(f"pai_deps.cli.{name}").register(app)


def modules_for(args: Sequence[str]) -> list[str] | None:
    """The one module `args` will run, or None (help, --version, a typo: load everything)."""
    module = COMMAND_MODULES.get(command_of(args) or "")
    return None if module is None else [module]


def command_of(args: Sequence[str]) -> str | None:
    """The top-level command `args` name, global options wherever they are."""
    return global_options.hoist(args)[1].command


def keep_only(command: str) -> None:
    """Unregister every command but `command`, which the console script is about to run:
    typer reads the signature of each command it builds (several ms for a module's)."""
    app.registered_commands = [c for c in app.registered_commands if c.name == command]
    app.registered_groups = [
        g
        for g in app.registered_groups
        if g.typer_instance is not None and g.typer_instance.info.name == command
    ]


def main() -> None:
    """The `pai-deps` console script and `python -m pai_deps`."""
    args = sys.argv[1:]
    if args and args[0] in ("--version", "-V"):  # answered before typer builds any command
        sys.stdout.write(f"pai-deps {__version__}\n")
        return
    modules = modules_for(args)  # None for help or a typo: every command is listed
    register_commands(modules)
    command = command_of(args)
    if modules is not None and command is not None:
        keep_only(command)
    collector.resume()
    app(prog_name="pai-deps")
