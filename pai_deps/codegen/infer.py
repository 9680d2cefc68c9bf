"""Inferring parameter types from the migrated schema, the way sqlc does it.

A parameter compared with, assigned to, or inserted into a column takes that column's
type: `TEXT` is `str`, `INTEGER` is `int` (`bool` when a CHECK limits it to 0 and 1),
`REAL` is `float`. It may be `None` when the query tests `:p IS NULL` or when it is written
into a nullable column. A parameter the rules cannot place, or places in columns of
different types, must be declared with a `-- param NAME: TYPE` line; the generator says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pai_deps.codegen.spec import Param, QuerySpec, SpecError

SQL_TYPES = {"TEXT": "str", "INTEGER": "int", "REAL": "float", "BLOB": "bytes", "ANY": "Any"}
# `CHECK (x IN (0, 1))` as SQLite keeps it, or as PostgreSQL prints it back.
_BOOLEAN_CHECK = re.compile(
    r"CHECK\s*\(\s*\(?(\w+)\s+(?:IN\s*\(\s*0\s*,\s*1\s*\)|=\s*ANY\s*\(ARRAY\[0,\s*1\]\))\)?\s*\)",
    re.IGNORECASE,
)
_TABLE_REF = re.compile(
    r"\b(?:FROM|JOIN|INTO|UPDATE)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?", re.IGNORECASE
)
_COMPARE = r"(?:=|<>|!=|>=|<=|>|<)"
_COLUMN_THEN_PARAM = re.compile(rf"(?:(\w+)\.)?(\w+)\s*{_COMPARE}\s*:(\w+)\b")
_PARAM_THEN_COLUMN = re.compile(rf":(\w+)\s*{_COMPARE}\s*(?:(\w+)\.)?(\w+)\b")
_LIMIT = re.compile(r"\bLIMIT\s+:(\w+)\b", re.IGNORECASE)
_IS_NULL = re.compile(r":(\w+)\s+IS\s+NULL\b", re.IGNORECASE)
_SET_CLAUSE = re.compile(r"\bSET\b(.*?)(?=\bWHERE\b|\bRETURNING\b|$)", re.IGNORECASE | re.DOTALL)
_INSERT = re.compile(r"\bINSERT\s+INTO\s+(\w+)\s*\(([^)]*)\)\s*VALUES\s*\(", re.IGNORECASE)
_NOT_ALIASES = {
    "where", "on", "set", "join", "left", "inner", "cross", "group", "order", "limit",
    "values", "union", "select", "returning", "default", "as", "using",
}  # fmt: skip


@dataclass(frozen=True)
class Column:
    type: str  # the Python type
    nullable: bool


Schema = dict[str, dict[str, Column]]


def schema_from_rows(rows: list[dict[str, object]]) -> Schema:
    """Build the schema from `meta.list_table_columns` rows."""
    schema: Schema = {}
    booleans: dict[str, set[str]] = {}
    for row in rows:
        table = str(row["table_name"])
        if table not in booleans:
            booleans[table] = {m.lower() for m in _BOOLEAN_CHECK.findall(str(row["table_sql"]))}
        column = str(row["column_name"])
        python = SQL_TYPES.get(str(row["column_type"]).upper(), "Any")
        if python == "int" and column.lower() in booleans[table]:
            python = "bool"
        schema.setdefault(table, {})[column] = Column(python, not row["not_null"])
    return schema


@dataclass(frozen=True)
class _Evidence:
    type: str
    nullable: bool
    source: str


def infer_params(spec: QuerySpec, schema: Schema) -> None:
    """Give every undeclared parameter of `spec` its inferred type, or fail saying why."""
    sql = _strip_comments(_blank_strings(spec.sql))
    tables, aliases = _tables(sql, schema)
    evidence: dict[str, list[_Evidence]] = {}

    def add(param: str, column: Column | None, source: str, assigned: bool) -> None:
        if column is not None:
            evidence.setdefault(param, []).append(
                _Evidence(column.type, column.nullable and assigned, source)
            )

    for table, column, param in _insert_pairs(sql):
        if table in schema:
            add(param, schema[table].get(column), f"{table}.{column}", assigned=True)
    set_spans = [m.span(1) for m in _SET_CLAUSE.finditer(sql)]
    for match in _COLUMN_THEN_PARAM.finditer(sql):
        qualifier, column, param = match.groups()
        assigned = any(start <= match.start() < end for start, end in set_spans)
        found = _resolve(qualifier, column, tables, aliases, schema)
        add(param, found, column, assigned)
    for match in _PARAM_THEN_COLUMN.finditer(sql):
        param, qualifier, column = match.groups()
        add(param, _resolve(qualifier, column, tables, aliases, schema), column, False)
    for param in _LIMIT.findall(sql):
        evidence.setdefault(param, []).append(_Evidence("int", False, "LIMIT"))
    tested_null = set(_IS_NULL.findall(sql))
    for undeclared in (p for p in spec.params if not p.declared):
        undeclared.type = _decide(spec, undeclared, evidence.get(undeclared.name, []), tested_null)


def _decide(spec: QuerySpec, param: Param, found: list[_Evidence], null: set[str]) -> str:
    if not found:
        raise SpecError(
            f"{spec.where()}: cannot infer the type of :{param.name} from the schema; "
            f"declare it with `-- param {param.name}: TYPE`"
        )
    types = {e.type for e in found}
    if types == {"bool", "int"}:
        types = {"int"}
    if len(types) > 1:
        sources = ", ".join(sorted(f"{e.source} ({e.type})" for e in found))
        raise SpecError(
            f"{spec.where()}: :{param.name} meets columns of different types ({sources}); "
            f"declare it with `-- param {param.name}: TYPE`"
        )
    python = types.pop()
    nullable = param.name in null or any(e.nullable for e in found)
    return f"{python} | None" if nullable else python


def _resolve(
    qualifier: str | None,
    column: str,
    tables: list[str],
    aliases: dict[str, str],
    schema: Schema,
) -> Column | None:
    if qualifier is not None:
        table = aliases.get(qualifier.lower())
        return None if table is None else schema[table].get(column)
    candidates = [schema[t][column] for t in tables if column in schema[t]]
    types = {c.type for c in candidates}
    if len(types) != 1:
        return None
    return Column(types.pop(), any(c.nullable for c in candidates))


def _tables(sql: str, schema: Schema) -> tuple[list[str], dict[str, str]]:
    tables: list[str] = []
    aliases: dict[str, str] = {}
    for name, alias in _TABLE_REF.findall(sql):
        if name not in schema:
            continue
        if name not in tables:
            tables.append(name)
        aliases[name.lower()] = name
        if alias and alias.lower() not in _NOT_ALIASES:
            aliases[alias.lower()] = name
    return tables, aliases


def _insert_pairs(sql: str) -> list[tuple[str, str, str]]:
    """(table, column, parameter) for every `INSERT ... VALUES` value that is just `:p`."""
    pairs: list[tuple[str, str, str]] = []
    for match in _INSERT.finditer(sql):
        columns = [c.strip() for c in match.group(2).split(",")]
        values = _split_top_level(_bracketed(sql, match.end() - 1))
        for column, value in zip(columns, values, strict=False):
            if re.fullmatch(r":\w+", value.strip()):
                pairs.append((match.group(1), column, value.strip()[1:]))
    return pairs


def _bracketed(text: str, open_index: int) -> str:
    depth = 0
    for index in range(open_index, len(text)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return text[open_index + 1 : index]
    return text[open_index + 1 :]


def _split_top_level(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        depth += (char == "(") - (char == ")")
        current.append(char)
    parts.append("".join(current))
    return parts


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def _blank_strings(sql: str) -> str:
    """String literals become `''` so a `:x` or keyword inside one is never read."""
    return re.sub(r"'(?:''|[^'])*'", "''", sql)
