"""The fast path of `dump_json` writes exactly what `json.dumps(indent=2)` writes."""

from __future__ import annotations

import json
import struct
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pai_deps import jsontext

# Floats of every magnitude (their bits drawn uniformly too), all the kinds of value a
# document holds, keys as documents have them (strings; integers and booleans also work).
floats = st.floats(allow_nan=True, allow_infinity=True) | st.integers(0, 2**64 - 1).map(
    lambda bits: struct.unpack("d", struct.pack("Q", bits))[0]
)
scalars = st.none() | st.booleans() | st.integers() | floats | st.text()
keys = st.text(max_size=8) | st.integers() | st.booleans()
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(keys, inner, max_size=6),
    max_leaves=60,
)


@settings(max_examples=1500, deadline=None)
@given(documents)
def test_the_fast_path_writes_what_the_standard_library_writes(document: Any) -> None:
    text = jsontext.fast_indented(document)
    expected = json.dumps(document, ensure_ascii=False, indent=2)
    if text is None:  # pydantic-core refused it (a lone surrogate): the standard path
        assert any(0xD800 <= ord(c) <= 0xDFFF for c in expected)
    else:
        assert text == expected


@pytest.mark.parametrize(
    "value",
    [
        1e-05,
        9.99e-05,
        1e-4,
        1e-07,
        -3.9e-08,
        5e-324,
        1e16,
        1e22,
        1.5e300,
        -0.0,
        float("inf"),
        float("nan"),
        2**70,
        "1e-7",
        'say ": 1e-7',
        "\ud800",
        "\x00\x1f\x7f\u2028",
    ],
)
def test_values_the_encoders_spell_differently_come_out_as_the_standard_library_writes_them(
    value: Any,
) -> None:
    big = {
        "tools": [
            {"id": f"t{i}", value if isinstance(value, str) else "v": value, "e": []}
            for i in range(300)
        ],
        "value": value,
        "list": [value, {"k": value}],
    }
    assert jsontext._big(big)
    assert jsontext.indented(big) == json.dumps(big, ensure_ascii=False, indent=2)


def test_a_big_document_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    big = {"tools": [{"id": f"t{i}", "reliability": 0.95, "é": None} for i in range(500)]}
    expected = json.dumps(big, ensure_ascii=False, indent=2)
    monkeypatch.setattr(json, "dumps", None)  # any call of the standard encoder fails
    assert jsontext.indented(big) == expected


def test_ascii_text_is_written_as_it_is_and_del_is_still_escaped() -> None:
    assert jsontext.dump_json({"a": "plain"}) == '{\n  "a": "plain"\n}'
    # DEL is ASCII, and the encoders leave it raw: the ASCII shortcut must not skip it
    assert jsontext.dump_json({"a": "x\x7fy"}) == '{\n  "a": "x\\u007fy"\n}'
    assert jsontext.dump_json({"a": "x\x9fy"}) == '{\n  "a": "x\\u009fy"\n}'


@pytest.mark.parametrize("count", [3, 300])
@pytest.mark.parametrize("name", ["plain", "é\u2028\x7f", "\ud800"])
@pytest.mark.parametrize("reliability", [0.95, 1e-05, 1e-07, 0.1 + 0.2, 5e-324])
def test_a_model_is_written_as_its_document_is(count: int, name: str, reliability: float) -> None:
    """`dump_model` (pydantic-core from the model itself when big) writes exactly what
    `dump_json(model.document())` writes: floats respelled, controls escaped, omitted
    keys left out, and a lone surrogate through the standard path."""
    from pai_deps.results.registry import ToolList

    tool = {
        "id": name,
        "name": name,
        "type": "cli",
        "version": None,
        "dependencies": 1,
        "dependents": 2,
        "reliability": reliability,
        "debt_score": 0,
        "stub": False,
        "path": f"/x/{name}",
        "last_verified": None,
        "observed_reliability": reliability,
        "observed_runs": 3,
    }
    doc = ToolList.model_validate({"tools": [tool] * count, "total": count, "stubs": 0})
    assert jsontext.dump_model(doc) == jsontext.dump_json(doc.document())
    assert json.loads(jsontext.dump_model(doc)) == doc.document()
