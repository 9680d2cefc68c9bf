"""Normalisation, hashing (parity with the TypeScript tool), loading.

$ref resolution is tested in test_schema_refs.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pai_deps.errors import PaiDepsError
from pai_deps.schemas import load_json_file, normalise, parse_json_text, schema_hash

# --- reference digests (pai-deps-ts-reference.md §4.9) ----------------------------------


@pytest.mark.parametrize(
    ("source", "normalised", "digest"),
    [
        (
            '{"type":"object"}',
            '{"type":"object"}',
            "a2c799262a3ce3c19ef5cdd983bf3d12b43ab3c426227091b909dcb7054738c0",
        ),
        (
            '{"b":1,"a":[3,{"d":null,"c":true}]}',
            '{"a":[3,{"c":true,"d":null}],"b":1}',
            "d8d702ad6a0f5ba2f81198b36a5f77fffbac20ab90e30c6572ff0be10b37f645",
        ),
        (
            '{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}',
            '{"properties":{"a":{"type":"string"}},"required":["a"],"type":"object"}',
            "b06aa9963abe6af67dd00817bb1f3a95d252f007bb387173d13257328a066032",
        ),
    ],
)
def test_reference_digests(source: str, normalised: str, digest: str) -> None:
    obj = json.loads(source)
    assert normalise(obj) == normalised
    assert schema_hash(obj) == digest


def test_whitespace_and_key_order_do_not_change_the_hash() -> None:
    pretty = (
        '{\n  "required": ["a"],\n  "type": "object",\n  "properties": {"a": {"type": "string"}}\n}'
    )
    assert schema_hash(json.loads(pretty)) == (
        "b06aa9963abe6af67dd00817bb1f3a95d252f007bb387173d13257328a066032"
    )


# Expected strings are what node's JSON.stringify prints for the same values.
@pytest.mark.parametrize(
    ("value", "js"),
    [
        (1.0, "1"),
        (100, "100"),
        (-2.50, "-2.5"),
        (0.1, "0.1"),
        (123.456, "123.456"),
        (-0.0, "0"),
        (1e16, "10000000000000000"),
        (1e21, "1e+21"),
        (1.5e300, "1.5e+300"),
        (1e-6, "0.000001"),
        (1e-7, "1e-7"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (2**60, "1152921504606847000"),
        (12345678901234567890, "12345678901234567000"),
        (2**53 - 1, "9007199254740991"),
        (float("nan"), "null"),
        (True, "true"),
        (None, "null"),
    ],
)
def test_numbers_are_formatted_like_javascript(value: Any, js: str) -> None:
    assert normalise(value) == js


def test_strings_and_keys_like_javascript() -> None:
    # Keys sort by UTF-16 code units: U+1F600 (a surrogate pair, 0xD83D...) sorts before
    # U+FF01, although its code point is larger. Non-ASCII stays raw; controls escape.
    obj = {"\uff01": 2, "\U0001f600": 1, "é": 'ü\u2028\x7f\x01\n"\\'}
    assert normalise(obj) == '{"é":"ü\u2028\x7f\\u0001\\n\\"\\\\","\U0001f600":1,"\uff01":2}'
    assert normalise("\ud800") == '"\\ud800"'  # a lone surrogate, as JSON.stringify does
    assert normalise({"é": 1}).encode("utf-8") == b'{"\xc3\xa9":1}'


def test_float_and_int_spellings_hash_alike() -> None:
    assert schema_hash(json.loads('{"minimum": 1.0}')) == schema_hash({"minimum": 1})


def test_non_json_values_are_rejected() -> None:
    with pytest.raises(TypeError):
        normalise({"a": {1, 2}})
    with pytest.raises(TypeError):
        normalise({1: "a"})


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=25,
)


@given(json_values)
def test_normalise_is_idempotent(value: Any) -> None:
    once = normalise(value)
    assert normalise(json.loads(once)) == once


@given(st.dictionaries(st.text(max_size=5), json_values, max_size=6), st.randoms())
def test_normalise_ignores_key_order(value: dict[str, Any], rnd: Any) -> None:
    items = list(value.items())
    rnd.shuffle(items)
    assert normalise(dict(items)) == normalise(value)


# --- loading --------------------------------------------------------------------------


def test_load_json_file(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('\ufeff{"type": "object"}', encoding="utf-8")
    assert load_json_file(path) == {"type": "object"}


def test_load_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PaiDepsError, match=r"^File not found: .*nope\.json$"):
        load_json_file(tmp_path / "nope.json")


def test_load_directory_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(PaiDepsError, match="Cannot read") as info:
        load_json_file(tmp_path)
    assert info.value.code == "not_a_regular_file"


def test_load_invalid_json_gives_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "type": "object",\n  "x": ,\n}')
    with pytest.raises(PaiDepsError) as info:
        load_json_file(path)
    assert info.value.message == (f"Invalid JSON in {path} (line 3, column 8): Expecting value")
    assert info.value.code == "invalid_json"


def test_load_rejects_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"a": "\xe9"}')
    with pytest.raises(PaiDepsError, match="not UTF-8"):
        load_json_file(path)


@pytest.mark.parametrize("text", ["NaN", '{"a": Infinity}', "[-Infinity]"])
def test_parse_rejects_javascript_constants(text: str) -> None:
    with pytest.raises(PaiDepsError, match="is not valid JSON"):
        parse_json_text(text, "stdin")


def test_normalising_deep_documents_needs_no_stack() -> None:
    deep: Any = "leaf"
    for _ in range(20_000):
        deep = {"a": [deep]}
    text = normalise(deep)
    assert text.startswith('{"a":[{"a":[') and text.endswith('"leaf"' + "]}" * 20_000)


def test_parse_deeply_nested_input_is_an_error_not_a_crash() -> None:
    with pytest.raises(PaiDepsError, match="nested too deeply"):
        parse_json_text("[" * 100_000 + "]" * 100_000, "stdin")
