"""From a failed validation to one line per problem: `<dotted.path> (line N): <message>`,
with pydantic's messages rewritten for people editing YAML."""

from __future__ import annotations

import datetime as _dt
import functools
import re
import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Union, get_args, get_origin

from pydantic import (
    BaseModel,
)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from pai_deps.errors import ManifestError
from pai_deps.manifest.wording import kind, one_line, quote, yaml_quote

MAX_ISSUES = 100


@dataclass(frozen=True, slots=True)
class Issue:
    path: str
    message: str
    line: int | None


def invalid(source: str, issues: list[Issue]) -> ManifestError:
    ordered = sorted(issues, key=lambda issue: issue.line or 0)
    shown = ordered[:MAX_ISSUES]
    lines = [
        f"{issue.path} (line {issue.line}): {issue.message}"
        if issue.line is not None
        else f"{issue.path}: {issue.message}"
        for issue in shown
    ]
    if len(ordered) > len(shown):
        lines.append(f"... and {len(ordered) - len(shown)} more")
    return ManifestError(
        f"Invalid manifest at {source}:",
        details={
            "file": source,
            "issues": [
                {"path": issue.path, "message": issue.message, "line": issue.line}
                for issue in shown
            ],
            "issue_count": len(ordered),
        },
        lines=lines,
    )


def root_issue(data: Any, node: Node | None) -> Issue:
    if data is None:
        return Issue("<root>", "the file is empty; a manifest needs at least name and type", None)
    line = node.start_mark.line + 1 if node is not None else None
    return Issue("<root>", f"must be a mapping of keys to values (got {kind(data)})", line)


# --------------------------------------------------------------------------- issue building

Loc = tuple[Any, ...]  # str keys and int indexes; odd YAML keys may be anything


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (directly, in a list, or optionally), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


@functools.cache
def _known_keys(model: type[BaseModel]) -> dict[str, tuple[type[BaseModel] | None, bool]]:
    """Key -> (nested model, is it a list of them) for each field, computed once per model."""
    table: dict[str, tuple[type[BaseModel] | None, bool]] = {}
    for name, info in model.model_fields.items():
        annotation = _strip_optional(info.annotation)
        table[info.alias or name] = (_nested_model(annotation), get_origin(annotation) is list)
    return table


def unknown_keys(data: Any, model: type[BaseModel], path: Loc) -> Iterator[Loc]:
    """Keys the model does not know, as paths; only descends where the shape is right."""
    if not isinstance(data, dict):
        return
    known = _known_keys(model)
    for key, value in data.items():
        entry = known.get(key) if isinstance(key, str) else None
        if entry is None:
            yield (*path, key)
            continue
        child, is_list = entry
        if child is None:
            continue
        if is_list:
            if isinstance(value, list):
                for index, item in enumerate(value):
                    yield from unknown_keys(item, child, (*path, key, index))
        else:
            yield from unknown_keys(value, child, (*path, key))


def _strip_optional(annotation: Any) -> Any:
    args = [arg for arg in get_args(annotation) if arg is not type(None)]
    if get_origin(annotation) in (Union, types.UnionType) and len(args) == 1:
        return args[0]
    return annotation


def format_path(loc: Loc) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "<root>"


class KeyIndex:
    """Each mapping node's keys as a dict, built on first use: one lookup per key, not a scan.

    (A manifest with 50,000 unknown keys took minutes when each line lookup scanned.)
    """

    def __init__(self) -> None:
        self._tables: dict[int, dict[str, tuple[Node, Node]]] = {}

    def get(self, node: MappingNode, key: str) -> tuple[Node, Node] | None:
        table = self._tables.get(id(node))
        if table is None:
            table = {}
            for k, v in node.value:
                if isinstance(k, ScalarNode):
                    table.setdefault(str(k.value), (k, v))
            self._tables[id(node)] = table
        return table.get(key)


def _find(
    node: Node | None, loc: Loc, index: KeyIndex | None = None
) -> tuple[Node | None, Node | None, int]:
    """Walk the node tree along `loc`: (key node, value node, parts matched)."""
    index = index if index is not None else KeyIndex()
    key_node: Node | None = None
    for depth, part in enumerate(loc):
        if isinstance(node, MappingNode) and isinstance(part, str | int | bool | float):
            match = index.get(node, str(part))
            if match is None:
                return key_node, node, depth
            key_node, node = match
        elif isinstance(node, SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                return key_node, node, depth
            key_node, node = None, node.value[part]
        else:
            return key_node, node, depth
    return key_node, node, len(loc)


def line_of(root: Node | None, loc: Loc, index: KeyIndex | None = None) -> int | None:
    """1-based line of the key (or item) at `loc`; its parent's line if it is missing."""
    key_node, node, matched = _find(root, loc, index)
    if matched == 0 and loc:
        return None  # a key missing from the root: no better line than "the file"
    target = key_node if matched == len(loc) and key_node is not None else node
    return target.start_mark.line + 1 if target is not None else None


def issue_from_error(err: Any, root: Node | None, index: KeyIndex) -> Issue:
    loc: Loc = tuple(err["loc"])
    ctx = err.get("ctx") or {}
    if err["type"] in ("duplicate_dependency", "self_dependency"):
        loc = ("depends_on", ctx["index"], "name")
    _, value_node, matched = _find(root, loc, index)
    source_text = (
        value_node.value if matched == len(loc) and isinstance(value_node, ScalarNode) else None
    )
    line = line_of(root, loc, index)
    return Issue(format_path(loc), _message(err, loc, source_text), line)


# pydantic error types whose message is only "what it must be", then what it got
_MUST_BE = {
    "finite_number": "must be a finite number",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "model_type": "must be a mapping of keys to values",
    "model_attributes_type": "must be a mapping of keys to values",
    "dict_type": "must be a mapping of keys to values",
}


def _message(err: Any, loc: Loc, source_text: str | None) -> str:
    """pydantic's messages rewritten for people editing YAML."""
    error_type = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    got = _describe(value, source_text)
    if error_type == "missing":
        return "required"
    if error_type == "string_type":
        return _not_a_string(value, loc, source_text, got)
    if error_type == "literal_error":
        allowed = ", ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        return f"must be one of {allowed} (got {got})"
    if error_type in _MUST_BE:
        return f"{_MUST_BE[error_type]} (got {got})"
    numeric = _not_a_number(error_type, value, ctx, got)
    if numeric is not None:
        return numeric
    message = str(err["msg"])
    return message[:1].lower() + message[1:] if message else error_type


def _not_a_string(value: Any, loc: Loc, source_text: str | None, got: str) -> str:
    if value is None:
        return "must be a string (the value is empty)"
    if isinstance(value, bool | int | float | _dt.date) and source_text is not None:
        label = f"{loc[-1]}: " if loc and isinstance(loc[-1], str) else ""
        return f"must be a string; quote it: {label}{yaml_quote(source_text)}"
    return f"must be a string (got {got})"


def _not_a_number(error_type: str, value: Any, ctx: dict[str, Any], got: str) -> str | None:
    """The message for a number's type or bound errors; None for any other error."""
    quoted_number = isinstance(value, str) and _is_number(value)
    if error_type in ("float_type", "float_parsing"):
        return f"must be a number (got {got})" + ("; remove the quotes" if quoted_number else "")
    if error_type in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number (got {got})" + (
            "; remove the quotes" if quoted_number else ""
        )
    if error_type == "greater_than_equal":
        return f"must be at least {_number(ctx.get('ge'))} (got {got})"
    if error_type == "greater_than":  # a strict bound: the bound itself is refused
        return f"must be above {_number(ctx.get('gt'))} (got {got})"
    if error_type == "less_than_equal":
        return f"must be at most {_number(ctx.get('le'))} (got {got})"
    if error_type == "less_than":
        return f"must be below {_number(ctx.get('lt'))} (got {got})"
    return None


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _describe(value: Any, source_text: str | None) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, bool | int | float | _dt.date):
        return one_line(source_text if source_text is not None else str(value), 60)
    return kind(value)
