"""Validating real JSON output against a contract schema."""

from __future__ import annotations

from typing import Any

import pytest

from pai_deps.errors import PaiDepsError
from pai_deps.verify.validation import OutputError, parse_json_text, validate_output

DRAFT7 = "http://json-schema.org/draft-07/schema#"
DRAFT2020 = "https://json-schema.org/draft/2020-12/schema"


def triples(errors: list[OutputError]) -> list[tuple[str, str, str]]:
    return [(e.pointer, e.keyword, e.message) for e in errors]


def test_valid_document_has_no_errors() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    assert validate_output({"a": "x", "extra": 1}, schema) == []


def test_required_properties_one_error_each() -> None:
    schema = {"type": "object", "required": ["b", "a", "c"]}
    assert triples(validate_output({"c": 1}, schema)) == [
        ("/", "required", "must have required property 'a'"),
        ("/", "required", "must have required property 'b'"),
    ]


def test_root_type_error_uses_slash_pointer() -> None:
    [error] = validate_output([1, 2], {"type": "object"})
    assert error == OutputError(
        pointer="/", keyword="type", schema_pointer="/type", message="must be object, got array"
    )
    assert error.as_dict()["schema_pointer"] == "/type"


@pytest.mark.parametrize(
    ("value", "got"),
    [("x", "string"), (1, "integer"), (1.5, "number"), (True, "boolean"), (None, "null")],
)
def test_type_messages_name_both_types(value: Any, got: str) -> None:
    [error] = validate_output({"v": value}, {"properties": {"v": {"type": ["object", "array"]}}})
    assert (error.pointer, error.message) == ("/v", f"must be object or array, got {got}")


def test_nested_pointers_and_arrays_are_escaped_and_sorted() -> None:
    schema = {
        "type": "object",
        "properties": {
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"a/b": {"type": "integer"}, "c~d": {"enum": ["x", "y"]}},
                },
                "maxItems": 2,
            }
        },
    }
    data = {"items": [{"a/b": 1}, {"a/b": "no", "c~d": "z"}, {"a/b": 2.5}]}
    assert [(e.pointer, e.keyword, e.schema_pointer) for e in validate_output(data, schema)] == [
        ("/items", "maxItems", "/properties/items/maxItems"),
        ("/items/1/a~1b", "type", "/properties/items/items/properties/a~1b/type"),
        ("/items/1/c~0d", "enum", "/properties/items/items/properties/c~0d/enum"),
        ("/items/2/a~1b", "type", "/properties/items/items/properties/a~1b/type"),
    ]
    messages = {e.keyword: e.message for e in validate_output(data, schema)}
    assert messages["enum"] == 'must be one of ["x","y"]'
    assert messages["maxItems"].endswith("is too long")


def test_messages_are_one_bounded_line() -> None:
    huge = {f"key{i}": "v\n" * 20 for i in range(200)}
    [error] = validate_output(huge, {"maxProperties": 1})
    assert "\n" not in error.message
    assert len(error.message) <= 200


def test_const_and_false_schema() -> None:
    assert triples(validate_output({"k": "b"}, {"properties": {"k": {"const": "a"}}})) == [
        ("/k", "const", 'must equal "a"')
    ]
    assert triples(validate_output({"k": 1}, {"properties": {"k": False}})) == [
        ("/k", "false", "no value is allowed here (schema is false)")
    ]


def test_false_subschemas_report_where_they_failed() -> None:
    # jsonschema itself reports these at the parent; we keep the real location.
    schema = {
        "properties": {
            "list": {"items": False},
            "ref": {"$ref": "#/definitions/never"},
            "tuple": {"items": [True, False]},
        },
        "definitions": {"never": False},
    }
    data = {"list": [1], "ref": 2, "tuple": [1, 2]}
    assert [(e.pointer, e.keyword, e.schema_pointer) for e in validate_output(data, schema)] == [
        ("/list/0", "false", "/properties/list/items"),
        ("/ref", "false", "/properties/ref"),  # jsonschema omits $ref in paths
        ("/tuple/1", "false", "/properties/tuple/items/1"),
    ]


# Which formats are checked without optional packages (jsonschema 4.26, draft-07):
# email (only "contains @"), date, ipv4, ipv6, regex, idn-hostname (idna is installed),
# and our own fallbacks for date-time, time and uri. Not checked: hostname, uri-reference,
# iri, json-pointer, uri-template, duration.
@pytest.mark.parametrize(
    ("fmt", "good", "bad"),
    [
        ("email", "me@example.com", "not-an-email"),
        ("date-time", "2024-02-29T12:30:00Z", "2024-02-30T12:30:00Z"),
        ("date-time", "2024-01-01T23:59:60.5+01:00", "2024-01-01 25:00:00Z"),
        ("date-time", "2024-01-01t00:00:00z", "2024-01-01T00:00:00"),
        ("time", "08:30:00+02:00", "08:30"),
        ("date", "2024-02-29", "2023-02-29"),
        ("uri", "https://example.com/a?b=c#d", "/relative/path"),
        ("uri", "mailto:me@example.com", "https://exa mple.com"),
        ("ipv4", "192.168.0.1", "999.1.1.1"),
        ("regex", "^a+$", "(unclosed"),
    ],
)
def test_formats_are_checked(fmt: str, good: str, bad: str) -> None:
    schema = {"properties": {"v": {"type": "string", "format": fmt}}}
    assert validate_output({"v": good}, schema) == []
    assert triples(validate_output({"v": bad}, schema)) == [
        ("/v", "format", f"must be a valid {fmt}")
    ]


def test_formats_only_apply_to_strings() -> None:
    assert validate_output({"v": 5}, {"properties": {"v": {"format": "date-time"}}}) == []


def test_format_without_a_checker_passes() -> None:
    assert validate_output("-bad-", {"format": "hostname"}) == []


def test_default_draft_is_07_like_the_typescript_tool() -> None:
    # Tuple-form items is draft-07 syntax; 2020-12 would reject the schema itself.
    tuple_schema = {"type": "array", "items": [{"type": "string"}, {"type": "integer"}]}
    assert triples(validate_output(["a", "b"], tuple_schema)) == [
        ("/1", "type", "must be integer, got string")
    ]
    assert validate_output(["a", 1], {**tuple_schema, "$schema": DRAFT7}) == []


def test_2020_12_schema_uses_2020_12_rules() -> None:
    schema = {
        "$schema": DRAFT2020,
        "type": "array",
        "prefixItems": [{"type": "string"}],
        "items": {"type": "integer"},
    }
    assert validate_output(["a", 1, 2], schema) == []
    assert triples(validate_output(["a", 1, "x"], schema)) == [
        ("/2", "type", "must be integer, got string")
    ]
    with pytest.raises(PaiDepsError, match="Invalid schema"):
        validate_output([], {"$schema": DRAFT2020, "items": [{"type": "string"}]})


def test_2020_12_refs_to_defs() -> None:
    schema = {
        "$schema": DRAFT2020,
        "properties": {"n": {"$ref": "#/$defs/n"}},
        "$defs": {"n": {"type": "integer"}},
    }
    assert triples(validate_output({"n": "x"}, schema)) == [
        ("/n", "type", "must be integer, got string")
    ]


def test_https_spelling_of_draft_07_is_accepted() -> None:
    schema = {"$schema": "https://json-schema.org/draft-07/schema#", "type": "string"}
    assert [e.keyword for e in validate_output(1, schema)] == ["type"]


@pytest.mark.parametrize(
    ("schema", "fragment"),
    [
        ({"type": "strnig"}, "Invalid schema at /type"),
        ({"properties": {"a": {"minLength": -1}}}, "Invalid schema at /properties/a/minLength"),
        ({"$schema": 7}, "$schema must be a string"),
        ([{"type": "string"}], "must be an object or a boolean"),
        ({"$ref": "#/definitions/missing"}, "unresolvable $ref"),
    ],
)
def test_invalid_schema_is_one_line_error(schema: Any, fragment: str) -> None:
    with pytest.raises(PaiDepsError) as info:
        validate_output({}, schema)
    assert fragment in info.value.message
    assert "\n" not in info.value.message
    assert info.value.code == "invalid_schema"


def test_boolean_schemas() -> None:
    assert validate_output({"a": 1}, True) == []
    assert [e.pointer for e in validate_output({"a": 1}, False)] == ["/"]


def test_parse_json_text() -> None:
    assert parse_json_text('{"a": [1, 2.5, null]}', "stdin") == {"a": [1, 2.5, None]}


def test_parse_json_text_error_names_source_line_and_column() -> None:
    with pytest.raises(PaiDepsError) as info:
        parse_json_text('{"a": 1,\n "b": }', "output of `mytool --json`")
    assert info.value.message == (
        "Invalid JSON in output of `mytool --json` (line 2, column 7): Expecting value"
    )


def test_parse_empty_text() -> None:
    with pytest.raises(PaiDepsError, match=r"Invalid JSON in stdin \(line 1, column 1\)"):
        parse_json_text("", "stdin")


def test_array_indices_sort_by_number() -> None:
    schema = {"type": "array", "items": {"type": "string"}}
    data = ["ok"] * 12
    for index in (2, 10, 11, 3):
        data[index] = index  # type: ignore[call-overload]
    assert [e.pointer for e in validate_output(data, schema)] == ["/2", "/3", "/10", "/11"]


@pytest.mark.parametrize(
    ("uri", "draft"),
    [
        ("http://json-schema.org/draft-07/schema", "draft7"),
        ("https://json-schema.org/draft-07/schema#", "draft7"),
        ("http://json-schema.org/draft-04/schema#", "draft4"),
        ("http://json-schema.org/draft-03/schema#", "draft3"),
        ("https://json-schema.org/draft/2019-09/schema#", "2019-09"),
        ("http://json-schema.org/schema#", "2020-12"),
    ],
)
def test_every_spelling_of_a_known_draft_is_that_draft(uri: str, draft: str) -> None:
    from pai_deps.verify.validation import validation

    result = validation("x", {"$schema": uri, "type": "string"})
    assert (result.draft, result.warnings, result.errors) == (draft, [], [])


def test_an_unknown_schema_uri_is_validated_with_the_default_and_a_warning() -> None:
    from pai_deps.verify.validation import validation

    result = validation(1, {"$schema": "https://example.com/my-draft", "type": "string"})
    assert result.draft == "draft7"
    assert result.warnings == [
        'unknown $schema "https://example.com/my-draft": validated as draft-07'
    ]
    assert [e.keyword for e in result.errors] == ["type"]
    mcp = validation(1, {"$schema": "urn:custom", "type": "string"}, default="2020-12")
    assert mcp.draft == "2020-12"


def test_validate_many_validates_every_batch_in_order_and_fails_like_one_call() -> None:
    import pydantic

    from pai_deps.results.base import BATCH, list_adapter, validate_many
    from pai_deps.results.chains import WeakestPathPart

    items = [
        {"path": [f"t{i}"], "product": i / 10_000, "weakest_tool": f"t{i}", "exact": True}
        for i in range(2 * BATCH + 5)  # three batches, the last one short
    ]
    many = validate_many(WeakestPathPart, iter(items))
    assert many == list_adapter(WeakestPathPart).validate_python(items)
    assert [part.weakest_tool for part in many] == [f"t{i}" for i in range(len(items))]
    assert validate_many(WeakestPathPart, []) == []
    broken = [*items[: BATCH + 1], {**items[0], "exact": "maybe"}]
    with pytest.raises(pydantic.ValidationError):
        validate_many(WeakestPathPart, broken)
