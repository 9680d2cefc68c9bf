"""The fast path of `dump_json` writes exactly what `json.dumps(indent=2)` writes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pai_deps import jsontext

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()  # lone surrogates included
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.text(max_size=8) | st.integers(), inner, max_size=5)
    ),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(documents)
def test_every_document_is_indented_as_the_standard_library_does(document: Any) -> None:
    jsontext.FAST_PATH_FROM = 0  # the fast path for every size
    try:
        assert jsontext.indented(document) == json.dumps(document, ensure_ascii=False, indent=2)
    finally:
        jsontext.FAST_PATH_FROM = 8192


@pytest.mark.parametrize(
    "value",
    [1e-05, 1e16, 1.5e300, -0.0, float("inf"), float("nan"), "\ud800", "\x00\x1f\x7f\u2028", 2**70],
)
def test_values_the_encoders_spell_differently_come_out_as_the_standard_library_writes_them(
    value: Any,
) -> None:
    big = {"tools": [{"id": f"t{i}", "value": value, "empty": [], "none": {}} for i in range(500)]}
    assert len(json.dumps(big)) > jsontext.FAST_PATH_FROM
    assert jsontext.indented(big) == json.dumps(big, ensure_ascii=False, indent=2)


def test_a_big_document_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    big = {"tools": [{"id": f"t{i}", "reliability": 0.95, "é": None} for i in range(500)]}
    calls: list[object] = []
    real = json.dumps

    def counting(obj: object, **kwargs: Any) -> str:
        calls.append(kwargs.get("indent"))
        return real(obj, **kwargs)

    monkeypatch.setattr(json, "dumps", counting)
    text = jsontext.indented(big)
    assert calls == [None]  # only the compact C encoding; the indented text came from pydantic-core
    assert text == real(big, ensure_ascii=False, indent=2)
