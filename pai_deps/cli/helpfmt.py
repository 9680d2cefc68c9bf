"""Help that reads like a man page.

typer 0.29 prints `{tool}` in usage lines, `tool <str>` and `--max-depth <int range>` in
option lists, and cuts every command summary at the first full stop or 45 characters
(`Validate a JSON document (e.g.`). The classes here print `TOOL`, `--max-depth N` and each
command's whole first sentence, wrapped to the terminal. Every command and group of the
app is built from them through `PaiTyper`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import typer
from typer import _click
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption
from typer.models import CommandFunctionType

# The end of a sentence: a full stop before white space or the end, not in "e.g." / "i.e.".
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)\.(?=\s|$)")


def summary(help_text: str | None) -> str:
    """The first sentence of a help text, whole (the full stop dropped)."""
    if not help_text:
        return ""
    paragraph = " ".join(help_text.strip().split("\n\n", 1)[0].split())
    end = _SENTENCE_END.search(paragraph)
    return paragraph[: end.start()] if end else paragraph


def _argument_name(param: TyperArgument) -> str:
    name = param.metavar or param.name or "ARG"
    return f"{name}..." if param.nargs != 1 else name


def _usage_piece(param: TyperArgument) -> str:
    name = param.metavar or param.name or "ARG"
    piece = name if param.required else f"[{name}]"
    return f"{piece}..." if param.nargs != 1 else piece


class _ManOption(TyperOption):
    """An option whose range reads as words (`at least 1`), not `x>=1`."""

    def _get_number_range_help_str(self) -> str | None:
        if self.count:
            return None
        low, high = self.min, self.max
        if low is not None and high is not None:
            return f"{low} to {high}"
        if low is not None:
            return f"at least {low}"
        return None if high is None else f"at most {high}"


def _name_values(params: list[_click.Parameter]) -> None:
    """Metavars a reader understands: TOOL for an argument, N or NAME for an option value."""
    for param in params:
        if type(param) is TyperOption:
            param.__class__ = _ManOption
        if param.metavar is not None:
            continue
        if isinstance(param, TyperArgument):
            param.metavar = (param.name or "arg").upper()
        elif isinstance(param, TyperOption) and not param.is_flag and not param.count:
            annotation = param.type_descriptor.annotation
            long_names = [o for o in param.opts if o.startswith("--")]
            name = (long_names[0] if long_names else param.opts[0]).lstrip("-")
            param.metavar = "N" if annotation is int else name.upper().replace("-", "_")


class _ManPage:
    """Usage pieces and the Arguments/Options sections, shared by commands and groups."""

    def collect_usage_pieces(self, ctx: _click.Context) -> list[str]:
        command: Any = self
        pieces = [command.options_metavar] if command.options_metavar else []
        for param in command.get_params(ctx):
            if isinstance(param, TyperArgument) and not param.hidden:
                pieces.append(_usage_piece(param))
        return pieces

    def format_arguments_and_options(
        self, ctx: _click.Context, formatter: _click.HelpFormatter
    ) -> None:
        command: Any = self
        arguments: list[tuple[str, str]] = []
        options: list[tuple[str, str]] = []
        for param in command.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if isinstance(param, TyperArgument):
                text = record[1].replace("[required]", "").strip()
                arguments.append((_argument_name(param), text))
            else:
                options.append(record)
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)


class ManCommand(_ManPage, TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _name_values(self.params)

    def format_options(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        self.format_arguments_and_options(ctx, formatter)


class ManGroup(_ManPage, TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _name_values(self.params)

    def collect_usage_pieces(self, ctx: _click.Context) -> list[str]:
        return [*super().collect_usage_pieces(ctx), self.subcommand_metavar]

    def format_options(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        self.format_arguments_and_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        rows = [
            (name, command.short_help or summary(command.help))
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class PaiTyper(typer.Typer):
    """A typer app whose commands and groups print man-page help."""

    def __init__(self, *, cls: type[TyperGroup] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("rich_markup_mode", None)
        super().__init__(cls=cls or ManGroup, **kwargs)

    def command(
        self, *args: Any, cls: type[TyperCommand] | None = None, **kwargs: Any
    ) -> Callable[[CommandFunctionType], CommandFunctionType]:
        return super().command(*args, cls=cls or ManCommand, **kwargs)
