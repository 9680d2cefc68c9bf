"""Reading what each named query declares about itself from its SQL comment.

A query's header is aiosql's name line followed by comment lines. Two kinds of those
lines are for the generator (aiosql keeps them in the docstring, harmlessly):

    -- name: upsert_cycle(cycle, now)^
    -- returns: CycleRow
    -- param cycle: Sequence[str] as json
    -- Record a detected cycle ...

`returns:` is the Python type the typed function returns: a row model from
`pai_deps.models`, `Model | None`, or a scalar type for `$` queries. Queries that write
(`!`) return the row count and need no `returns:` line. `param NAME: TYPE` declares a
parameter's type; `as json` means the value is sent as JSON text. Parameters that are not
declared are inferred from the migrated schema (see `infer.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

NAME_LINE = re.compile(
    r"^--\s*name:\s*(?P<name>[A-Za-z_][\w-]*)\s*(?:\((?P<params>[^)]*)\))?\s*(?P<op>[$^!#<*]*)\s*$"
)
RETURNS_LINE = re.compile(r"^--\s*returns:\s*(?P<type>.+?)\s*$")
PARAM_LINE = re.compile(
    r"^--\s*param\s+(?P<name>\w+)\s*:\s*(?P<type>.+?)(?P<json>\s+as\s+json)?\s*$",
    re.IGNORECASE,
)
COMMENT_LINE = re.compile(r"^--\s?(?P<text>.*)$")

# What each aiosql operator returns before the typed layer converts it.
OPERATORS = {"": "many", "^": "one", "$": "scalar", "!": "rowcount", "*!": "rowcount"}


class SpecError(Exception):
    """A query file does not say what the generator needs (or says it twice)."""


@dataclass
class Param:
    name: str
    type: str | None = None  # None until declared or inferred
    as_json: bool = False
    declared: bool = False


@dataclass
class QuerySpec:
    name: str
    operator: str  # the aiosql suffix
    params: list[Param]
    returns: str | None
    doc: list[str]
    sql: str
    file: str
    line: int

    @property
    def kind(self) -> str:
        return OPERATORS[self.operator]

    def where(self) -> str:
        return f"{self.file}:{self.line} ({self.name})"


@dataclass
class QueryFile:
    stem: str
    header: list[str]
    queries: list[QuerySpec] = field(default_factory=list)


def read_query_file(path: Path) -> QueryFile:
    """Every named query in one `.sql` file, with what its comments declare."""
    lines = path.read_text(encoding="utf-8").splitlines()
    result = QueryFile(stem=path.stem, header=_file_header(lines))
    starts = [i for i, line in enumerate(lines) if NAME_LINE.match(line.strip())]
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(lines)
        result.queries.append(_read_query(lines, start, end, path.name))
    return result


def _file_header(lines: list[str]) -> list[str]:
    header: list[str] = []
    for line in lines:
        match = COMMENT_LINE.match(line.strip())
        if not match or NAME_LINE.match(line.strip()):
            break
        header.append(match.group("text").rstrip())
    return header


def _read_query(lines: list[str], start: int, end: int, file: str) -> QuerySpec:
    match = NAME_LINE.match(lines[start].strip())
    assert match is not None
    name = match.group("name").replace("-", "_")
    operator = match.group("op")
    where = f"{file}:{start + 1} ({name})"
    if operator not in OPERATORS:
        raise SpecError(f"{where}: the generator does not handle the {operator!r} operator")
    params = [Param(p.strip()) for p in (match.group("params") or "").split(",") if p.strip()]
    by_name = {p.name: p for p in params}
    returns: str | None = None
    doc: list[str] = []
    body_start = end
    for offset in range(start + 1, end):
        text = lines[offset].strip()
        comment = COMMENT_LINE.match(text)
        if comment is None:
            body_start = offset
            break
        if (returned := RETURNS_LINE.match(text)) is not None:
            if returns is not None:
                raise SpecError(f"{where}: more than one `returns:` line")
            returns = returned.group("type")
        elif (declared := PARAM_LINE.match(text)) is not None:
            param = by_name.get(declared.group("name"))
            if param is None:
                raise SpecError(
                    f"{where}: `param {declared.group('name')}` is not in the name line's "
                    "parameter list"
                )
            if param.declared:
                raise SpecError(f"{where}: parameter {param.name} is declared twice")
            param.type = declared.group("type")
            param.as_json = declared.group("json") is not None
            param.declared = True
        else:
            doc.append(comment.group("text").rstrip())
    sql = "\n".join(lines[body_start:end]).strip()
    spec = QuerySpec(name, operator, params, returns, doc, sql, file, start + 1)
    _check_returns(spec)
    return spec


def _check_returns(spec: QuerySpec) -> None:
    if spec.kind == "rowcount":
        if spec.returns not in (None, "int"):
            raise SpecError(f"{spec.where()}: a `!` query returns its row count (int)")
        spec.returns = "int"
    elif spec.returns is None:
        raise SpecError(
            f"{spec.where()}: say what it returns with a `-- returns: TYPE` line "
            "(a row model, `Model | None`, or a scalar type)"
        )
    elif spec.kind == "many" and spec.returns.endswith("| None"):
        raise SpecError(f"{spec.where()}: a select of many rows returns a list, never None")
