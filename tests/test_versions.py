"""Version constraints for `check`: caret and tilde translated to PEP 440, checked against
npm's rules stated differently (hypothesis), and the other spellings by example."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pai_deps.check.versions import ConstraintError, caret, satisfies, tilde, to_specifiers

SETTINGS = settings(max_examples=300, deadline=None)
numbers = st.integers(min_value=0, max_value=4)
triples = st.tuples(numbers, numbers, numbers)


def dotted(v: tuple[int, ...]) -> str:
    return ".".join(map(str, v))


@given(triples, triples)
@SETTINGS
def test_caret_keeps_the_leftmost_non_zero_number(
    base: tuple[int, ...], other: tuple[int, ...]
) -> None:
    """npm: ^X.Y.Z allows changes that do not modify the left-most non-zero number."""
    keep = next((i for i, n in enumerate(base) if n != 0), 2)
    expected = other >= base and other[: keep + 1] == base[: keep + 1]
    assert satisfies(dotted(other), "^" + dotted(base)) is expected


@given(triples, triples)
@SETTINGS
def test_tilde_allows_patch_changes(base: tuple[int, ...], other: tuple[int, ...]) -> None:
    expected = other >= base and other[:2] == base[:2]
    assert satisfies(dotted(other), "~" + dotted(base)) is expected


@given(st.tuples(numbers, numbers), triples)
@SETTINGS
def test_short_caret_and_tilde(base: tuple[int, ...], other: tuple[int, ...]) -> None:
    """Missing numbers are free: ^1.2 is ^1.2.0; ~1.2 is ~1.2.0; ^0.0 allows 0.0.x."""
    full = (*base, 0)
    keep = next((i for i, n in enumerate(base) if n != 0), 1)
    assert satisfies(dotted(other), "^" + dotted(base)) is (
        other >= full and other[: keep + 1] == full[: keep + 1]
    )
    assert satisfies(dotted(other), "~" + dotted(base)) is (other >= full and other[:2] == full[:2])


@given(triples)
@SETTINGS
def test_a_version_meets_its_own_caret_tilde_and_exact_pin(base: tuple[int, ...]) -> None:
    for constraint in ("^", "~", "", "=", ">=", "=="):
        assert satisfies(dotted(base), constraint + dotted(base))


@pytest.mark.parametrize(
    ("text", "translated"),
    [
        ("1.2.3", ">=1.2.3,<2"),
        ("0.2.3", ">=0.2.3,<0.3"),
        ("0.0.3", ">=0.0.3,<0.0.4"),
        ("0", ">=0,<1"),
    ],
)
def test_caret_translation(text: str, translated: str) -> None:
    assert caret(text) == translated


def test_tilde_translation() -> None:
    assert tilde("1.4.2") == ">=1.4.2,<1.5"
    assert tilde("1") == ">=1,<2"


@pytest.mark.parametrize(
    ("version", "constraint", "expected"),
    [
        ("1.4.0", ">=1.2,<2", True),
        ("2.0.0", ">=1.2,<2", False),
        ("1.4.7", "~=1.4", True),
        ("2.0", "~=1.4", False),
        ("1.0.0", ">= 0.9 < 2", True),  # npm's spaces, and a space after the operator
        ("2.5.0", ">= 0.9 < 2", False),
        ("1.2.9", "1.2.x", True),
        ("1.3.0", "1.2.x", False),
        ("1.3.0", "1.*", True),
        ("7.0", "*", True),
        ("3.1.0", "^1 || ^3", True),
        ("2.1.0", "^1 || ^3", False),
        ("2.0.0rc1", ">=1.2", True),
        ("v1.2.0", "^1.2", True),
    ],
)
def test_satisfies(version: str, constraint: str, expected: bool) -> None:
    assert satisfies(version, constraint) is expected


@pytest.mark.parametrize(
    ("version", "constraint", "message"),
    [
        ("1.0", "^banana", "cannot read the version in '^banana'"),
        ("1.0", ">=>1", "cannot read the version constraint '>=>1'"),
        ("not a version", ">=1", "cannot read the version 'not a version'"),
    ],
)
def test_unreadable(version: str, constraint: str, message: str) -> None:
    with pytest.raises(ConstraintError, match=message.replace("^", r"\^")):
        satisfies(version, constraint)


def test_empty_alternatives_are_any() -> None:
    assert [str(s) for s in to_specifiers("")] == [""]
