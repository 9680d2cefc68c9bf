"""The classifier on hand-written pairs: exact on every one, in both directions.

Each pair (tests/schema_pairs.py) states its class for a request and for a response and
why. Every kind of change the classifier reports is exercised, and no pair's stated
class is contradicted by generated witness values (so the table itself is checked).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from pai_deps.schemacompat import KINDS, diff_schemas, verdict
from tests.schema_pairs import PAIRS, Pair
from tests.schema_witnesses import candidates, declared_view, valid, witnesses

OK = ("equivalent", "cosmetic", "compatible")


def test_the_table_is_big_enough_and_names_are_unique() -> None:
    assert len(PAIRS) >= 60
    assert len({pair.name for pair in PAIRS}) == len(PAIRS)
    assert all(pair.why for pair in PAIRS)


@pytest.mark.parametrize("pair", PAIRS, ids=[pair.name for pair in PAIRS])
def test_pair_is_classified_exactly(pair: Pair) -> None:
    request = diff_schemas(pair.old, pair.new, direction="request")
    response = diff_schemas(pair.old, pair.new, direction="response")
    assert (verdict(request), verdict(response)) == (pair.request, pair.response), pair.why
    # Direction changes the verdicts, never what changed or where.
    assert [(c.pointer, c.kind) for c in request] == [(c.pointer, c.kind) for c in response]
    for change in request + response:
        assert change.kind in KINDS
        assert "\n" not in change.message
        assert change.pointer == "" or change.pointer.startswith("/")


def test_every_kind_of_change_is_in_the_table() -> None:
    seen = {
        change.kind
        for pair in PAIRS
        for change in diff_schemas(pair.old, pair.new, direction="request")
    }
    assert seen == set(KINDS)


# Small pairs only: witnesses for the 2^20 fan-out are not what this checks.
CHECKABLE = [pair for pair in PAIRS if "fan-out" not in pair.name]


@pytest.mark.parametrize("pair", CHECKABLE, ids=[pair.name for pair in CHECKABLE])
def test_no_witness_contradicts_the_table(pair: Pair) -> None:
    declared_old = declared_view(pair.old)

    @settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(witnesses(pair.old, pair.new))
    def check(value: Any) -> None:
        old, new = valid(pair.old, value), valid(pair.new, value)
        if pair.request in OK and old and valid(declared_old, value):
            assert new, f"{value!r}: the old schema accepted it, the new one rejects it"
        if pair.response in OK and new:
            assert old, f"{value!r}: the new schema admits it, the old one rejected it"
        if pair.request == pair.response == "equivalent":
            assert old == new

    for value in candidates(pair.old, pair.new):
        check.hypothesis.inner_test(value)  # type: ignore[attr-defined]
    check()


def test_the_table_checker_catches_a_wrong_claim() -> None:
    wrong = Pair(
        "x",
        {"type": "integer"},
        {"type": "integer", "minimum": 0},
        "compatible",
        "compatible",
        "not true for requests",
    )
    with pytest.raises(AssertionError, match="rejects it"):
        test_no_witness_contradicts_the_table(wrong)
