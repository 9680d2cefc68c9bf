"""The classifier against witnesses, as independent schema-compatibility checkers judge it.

For random draft-07 schemas and related new versions, values are generated from both
schemas' constants and shapes and validated against both with `jsonschema`:

- a value the old schema accepts (using only properties it names) and the new one
  rejects proves a request change is not compatible, so the classifier must not call it
  compatible or cosmetic;
- a value the new schema accepts and the old one rejects proves the same for a response;
- rewrites that change nothing (reordered branches, type lists as anyOf, disjoint oneOf as
  anyOf, `required` moved into allOf, integer bound spellings, `additionalProperties: {}`,
  metadata, $ref extraction, ...) must never be called breaking (nor risky, nor
  compatible): the classifier must say equivalent or cosmetic.

`PAI_DEPS_SCHEMA_EXAMPLES` raises the number of examples (default 40 each).
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from pai_deps.schemacompat import diff_schemas, verdict
from tests.schema_witnesses import (
    _CHECKER,
    SCHEMAS,
    candidates,
    declared_view,
    equivalent_pairs,
    related_pairs,
    witnesses,
)

EXAMPLES = int(os.environ.get("PAI_DEPS_SCHEMA_EXAMPLES", "40"))
WITNESSES_PER_EXAMPLE = 25
OK = ("equivalent", "cosmetic", "compatible")
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    # A failure's message carries the pair, the witness and the changes; shrinking it
    # would re-run hundreds of validations per step for minutes.
    phases=[Phase.explicit, Phase.generate],
)


def validator(schema: Any) -> Any:
    return Draft7Validator(schema, format_checker=_CHECKER)


def explain(changes: list[Any]) -> list[tuple[str, str, str]]:
    return [(c.pointer, c.kind, c.severity) for c in changes]


@PROPERTY
@given(pair=related_pairs(), data=st.data())
def test_no_witness_contradicts_a_compatible_verdict(pair: tuple[Any, Any], data: Any) -> None:
    old, new = pair
    request = diff_schemas(old, new, direction="request")
    response = diff_schemas(old, new, direction="response")
    old_ok, new_ok, declared = validator(old), validator(new), validator(declared_view(old))
    drawn = [data.draw(witnesses(old, new)) for _ in range(WITNESSES_PER_EXAMPLE)]
    for value in [*candidates(old, new, limit=150), *drawn]:
        accepted_before, accepted_now = old_ok.is_valid(value), new_ok.is_valid(value)
        if accepted_before and not accepted_now and declared.is_valid(value):
            assert verdict(request) not in OK, (value, explain(request))
        if accepted_now and not accepted_before:
            assert verdict(response) not in OK, (value, explain(response))


@PROPERTY
@given(pair=equivalent_pairs(), data=st.data())
def test_equivalent_rewrites_are_never_called_a_change(
    pair: tuple[Any, Any, list[str]], data: Any
) -> None:
    old, new, rewrites = pair
    old_ok, new_ok = validator(old), validator(new)
    for _ in range(WITNESSES_PER_EXAMPLE // 2):  # the rewrite itself must be exact
        value = data.draw(witnesses(old, new))
        assert old_ok.is_valid(value) == new_ok.is_valid(value), (rewrites, value)
    for direction in ("request", "response"):
        changes = diff_schemas(old, new, direction=direction)
        assert verdict(changes) in ("equivalent", "cosmetic"), (rewrites, explain(changes))


@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(SCHEMAS, st.sampled_from(["response", "request"]))
def test_a_schema_has_no_changes_against_itself(schema: Any, direction: Any) -> None:
    assert diff_schemas(schema, schema, direction=direction) == []


@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(related_pairs())
def test_direction_changes_only_the_verdicts(pair: tuple[Any, Any]) -> None:
    old, new = pair
    request = diff_schemas(old, new, direction="request")
    response = diff_schemas(old, new, direction="response")
    assert [(c.pointer, c.kind, c.message) for c in request] == [
        (c.pointer, c.kind, c.message) for c in response
    ]
