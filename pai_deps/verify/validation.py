"""Validate a tool's real JSON output against its contract schema.

Decisions (the TypeScript tool used ajv with its defaults):

- Draft: the one the schema names in `$schema`, in any spelling of a known draft (http or
  https, with or without `#`); without it, or when it names a meta-schema we do not
  know, the contract type's default (draft-07 for CLI output, ajv's default, so
  contracts written for the TypeScript tool validate the same way; 2020-12 for MCP),
  with a warning for the unknown one. Register accepts any `$schema`, so this does too.
- References: only inside the schema and the files bundled from its folder
  (`schemacompat.load_schema`); the validator gets a registry that can retrieve
  nothing, so no `$ref` is ever fetched.
- Formats are checked. jsonschema checks only some formats without optional packages;
  `date-time`, `time` (RFC 3339) and `uri` get small built-in checkers here when the
  library has none, since CLI output is full of timestamps and links. Others that need
  extra packages (`hostname`, `uri-reference`, `json-pointer`, `iri`, ...) pass unchecked,
  and `email` only requires an `@` (jsonschema's rule).
- Pointers: the instance location as an RFC 6901 pointer, except the root, which is `/`
  as in the TypeScript tool's output (so a root key named "" is indistinguishable).
  Errors are sorted by pointer with array indices in numeric order (`/2` before `/10`).
- Messages: written here, one line each, without echoing the (possibly huge) instance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pai_deps.errors import PaiDepsError
from pai_deps.schemacompat.dialect import Draft, dialect_of
from pai_deps.schemas import escape_pointer_token, normalise, parse_json_text

__all__ = ["OutputError", "Validation", "parse_json_text", "validate_output", "validation"]

_MAX_MESSAGE = 200


class InvalidSchemaError(PaiDepsError):
    code = "invalid_schema"


@dataclass(frozen=True)
class OutputError:
    """One way the document breaks the contract."""

    pointer: str
    keyword: str
    schema_pointer: str
    message: str

    def sort_key(self) -> tuple[Any, ...]:
        return (_pointer_key(self.pointer), self.keyword, _pointer_key(self.schema_pointer),
                self.message)  # fmt: skip

    def as_dict(self) -> dict[str, str]:
        return {
            "pointer": self.pointer,
            "message": self.message,
            "keyword": self.keyword,
            "schema_pointer": self.schema_pointer,
        }


@dataclass(frozen=True)
class Validation:
    """The errors (sorted), the draft used, and anything worth a warning."""

    errors: list[OutputError]
    draft: Draft
    warnings: list[str]


def validate_output(data: Any, schema: Any, *, default: Draft = "draft7") -> list[OutputError]:
    """All the ways `data` violates `schema`, sorted; empty when it conforms."""
    return validation(data, schema, default=default).errors


def validation(data: Any, schema: Any, *, default: Draft = "draft7") -> Validation:
    """Validate `data`; `default` is the draft of a schema without a known `$schema`."""
    if not isinstance(schema, dict | bool):
        raise InvalidSchemaError(
            f"Invalid schema: must be an object or a boolean, not {_json_type(schema)}"
        )
    if isinstance(schema, dict) and "$schema" in schema and not isinstance(schema["$schema"], str):
        raise InvalidSchemaError("Invalid schema: $schema must be a string")
    dialect = dialect_of(schema, default=default)
    warnings = []
    if dialect.unknown_uri is not None:
        named = _DRAFT_NAMES[dialect.draft]
        warnings.append(f"unknown $schema {_short(dialect.unknown_uri)}: validated as {named}")
    validator_class = _validator_class(dialect.draft)
    from jsonschema.exceptions import SchemaError

    try:
        validator_class.check_schema(schema)
    except SchemaError as exc:
        where = _pointer(exc.absolute_path, root="")
        raise InvalidSchemaError(
            f"Invalid schema{' at ' + where if where else ''}: {_one_line(exc.message)}"
        ) from None
    from referencing import Registry
    from referencing.exceptions import NoSuchResource, Unresolvable

    def retrieve(uri: str) -> Any:
        raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # never fetch anything

    checker = _format_checker(validator_class)
    registry: Any = Registry(retrieve=retrieve)  # type: ignore[call-arg]
    validator = validator_class(
        _replace_false_subschemas(schema), format_checker=checker, registry=registry
    )
    try:
        errors = [_convert(error) for error in validator.iter_errors(data)]
    except Unresolvable as exc:  # refs are followed lazily, so this surfaces only now
        raise InvalidSchemaError(
            f"Invalid schema: unresolvable $ref: {_one_line(str(exc))}"
        ) from None
    return Validation(sorted(set(errors), key=OutputError.sort_key), dialect.draft, warnings)


_DRAFT_NAMES: dict[str, str] = {
    "draft3": "draft-03",
    "draft4": "draft-04",
    "draft6": "draft-06",
    "draft7": "draft-07",
    "2019-09": "2019-09",
    "2020-12": "2020-12",
}


def _validator_class(draft: Draft) -> Any:
    from jsonschema import validators

    return {
        "draft3": validators.Draft3Validator,
        "draft4": validators.Draft4Validator,
        "draft6": validators.Draft6Validator,
        "draft7": validators.Draft7Validator,
        "2019-09": validators.Draft201909Validator,
        "2020-12": validators.Draft202012Validator,
    }[draft]


def _pointer_key(pointer: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key for a pointer: array indices by number (`/2` before `/10`), names by text."""
    return tuple(
        (0, int(token), "") if token.isdigit() else (1, 0, token) for token in pointer.split("/")
    )


# jsonschema (4.26) drops the location of an error raised by a `false` subschema (it
# reports the parent object), so such subschemas are swapped for an equivalent marked
# `{"not": {}}` before validating, and the marker is recognised in `_convert`.
_FALSE_MARKER = "pai-deps: was false"
_FALSE = {"not": {}, "$comment": _FALSE_MARKER}
_SCHEMA_MAP_KEYWORDS = (
    "properties",
    "patternProperties",
    "dependentSchemas",
    "definitions",
    "$defs",
)
_SCHEMA_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf", "prefixItems", "items")
_SCHEMA_KEYWORDS = ("items", "if", "then", "else", "propertyNames", "contains", "not",
                    "additionalProperties", "additionalItems", "unevaluatedItems",
                    "unevaluatedProperties")  # fmt: skip
# Keywords whose own `false` handling reports the location correctly.
_FALSE_IS_FINE = {"additionalProperties", "additionalItems", "unevaluatedItems",
                  "unevaluatedProperties", "not"}  # fmt: skip


def _replace_false_subschemas(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema

    def sub(value: Any, keyword: str) -> Any:
        if value is False and keyword not in _FALSE_IS_FINE:
            return dict(_FALSE)
        return _replace_false_subschemas(value)

    result = dict(schema)
    for key in _SCHEMA_MAP_KEYWORDS:
        if isinstance(schema.get(key), dict):
            result[key] = {name: sub(value, key) for name, value in schema[key].items()}
    for key in _SCHEMA_LIST_KEYWORDS:
        if isinstance(schema.get(key), list):
            result[key] = [sub(value, key) for value in schema[key]]
    for key in _SCHEMA_KEYWORDS:
        if key in schema and not isinstance(schema[key], list):
            result[key] = sub(schema[key], key)
    return result


def _format_checker(validator_class: Any) -> Any:
    """The draft's own format checker plus fallbacks for formats it cannot check."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    checker.checkers = dict(validator_class.FORMAT_CHECKER.checkers)
    for name, check in (("date-time", _is_datetime), ("time", _is_time), ("uri", _is_uri)):
        if name not in checker.checkers:
            checker.checks(name)(check)
    return checker


_RFC3339_DATE_TIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
_RFC3339_TIME = re.compile(r"^(\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s\"<>\\^`{|}]*$")


def _is_datetime(instance: object) -> bool:
    """RFC 3339 `date-time` (a real calendar date; seconds up to 60 for leap seconds)."""
    if not isinstance(instance, str):
        return True
    match = _RFC3339_DATE_TIME.match(instance)
    if not match:
        return False
    try:
        date.fromisoformat(match.group(1))
    except ValueError:
        return False
    return _valid_clock(match.group(2), match.group(3), match.group(4), match.group(6))


def _is_time(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    match = _RFC3339_TIME.match(instance)
    return match is not None and _valid_clock(*match.group(1, 2, 3, 5))


def _valid_clock(hour: str, minute: str, second: str, offset: str) -> bool:
    if int(hour) > 23 or int(minute) > 59 or int(second) > 60:
        return False
    if offset[0] in "+-":
        try:
            datetime.strptime(offset[1:], "%H:%M")
        except ValueError:
            return False
    return True


def _is_uri(instance: object) -> bool:
    """An absolute URI: a scheme, then no whitespace or characters RFC 3986 excludes."""
    return not isinstance(instance, str) or bool(_URI.match(instance))


def _convert(error: Any) -> OutputError:
    keyword = error.validator if isinstance(error.validator, str) else "false"
    schema_path = list(error.absolute_schema_path)
    marked = isinstance(error.schema, dict) and error.schema.get("$comment") == _FALSE_MARKER
    if keyword == "not" and marked:
        keyword, schema_path = "false", schema_path[:-1]
    return OutputError(
        pointer=_pointer(error.absolute_path, root="/"),
        keyword=keyword,
        schema_pointer=_pointer(schema_path, root="/"),
        message=_message(keyword, error),
    )


def _pointer(path: Iterable[str | int], *, root: str) -> str:
    text = "".join(f"/{escape_pointer_token(part)}" for part in path)
    return text or root


def _message(keyword: str, error: Any) -> str:
    """ajv-like wording, short, without the instance itself."""
    expected, instance = error.validator_value, error.instance
    if keyword == "type":
        types = [expected] if isinstance(expected, str) else list(expected)
        return f"must be {' or '.join(types)}, got {_json_type(instance)}"
    if keyword == "required" and isinstance(instance, dict):
        missing = [name for name in expected if name not in instance]
        for name in missing:  # one error per missing name: find which one this is
            if error.message.startswith(repr(name)):
                return f"must have required property '{name}'"
    if keyword == "enum":
        return f"must be one of {_short(expected)}"
    if keyword == "const":
        return f"must equal {_short(expected)}"
    if keyword == "format":
        return f"must be a valid {expected}"
    if keyword == "false":
        return "no value is allowed here (schema is false)"
    return _one_line(error.message)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _short(value: Any) -> str:
    try:
        text = normalise(value)
    except TypeError:
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _MAX_MESSAGE else flat[: _MAX_MESSAGE - 3] + "..."
