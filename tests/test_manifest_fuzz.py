"""Whatever the bytes, loading a manifest either succeeds or raises ManifestError."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pai_deps.errors import ManifestError
from pai_deps.manifest import (
    DEPENDENCY_TYPES,
    TOOL_TYPES,
    Manifest,
    dump_manifest_yaml,
    load_manifest,
    parse_manifest_text,
)

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(text: str | bytes) -> Manifest | ManifestError:
    """Parse and insist on the contract: a Manifest, or a one-line ManifestError."""
    try:
        return parse_manifest_text(text, "fuzz.yaml").manifest
    except ManifestError as error:
        assert error.message
        assert "\n" not in error.message
        assert all("\n" not in line for line in error.lines)
        assert error.code == "invalid_manifest"
        return error


YAML_PIECES = st.sampled_from(
    [
        "name",
        "type",
        "cli",
        "mcp",
        "provides",
        "depends_on",
        "version",
        "reliability",
        "debt_score",
        ": ",
        ":",
        "- ",
        "-",
        "\n",
        "\n  ",
        "\n    ",
        "\t",
        "[",
        "]",
        "{",
        "}",
        ",",
        "'",
        '"',
        "#",
        "&a ",
        "*a",
        "<<",
        "!!str ",
        "!!binary ",
        "!x ",
        "? ",
        "---",
        "...",
        "%YAML 1.2\n",
        "|",
        ">",
        "1.10",
        "0.9",
        "-1",
        ".nan",
        "no",
        "~",
        "2024-02-30",
        "\\",
        "\x00",
        "\x85",
        "\u2028",
        "\ufeff",
        "é",
    ]
)


@FUZZ
@given(st.lists(YAML_PIECES | st.text(max_size=5), max_size=60).map("".join))
def test_yaml_ish_text_never_escapes(text: str) -> None:
    outcome(text)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_never_escape(raw: bytes) -> None:
    outcome(raw)


@FUZZ
@given(st.binary(max_size=200))
def test_random_bytes_after_a_valid_head_never_escape(raw: bytes) -> None:
    outcome(b"name: a\ntype: cli\n" + raw)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000,
        "[" * 10_000 + "]" * 10_000,
        "{a: " * 10_000 + "1" + "}" * 10_000,
        "- " * 100_000 + "x",
        "name: a\ntype: cli\ndepends_on:\n  " + "- " * 100_000 + "x",
        "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 1200)),
        "x: &a [" + ", ".join(["*a"] * 1000) + "]",
        "name: &n [*n]\ntype: cli\n",
        "name: a\ntype: cli\nprovides: &p {cli: [], x: *p}\ndepends_on: &d [*d]\n",
    ],
)
def test_deep_and_recursive_structures(text: str) -> None:
    result = outcome(text)
    assert isinstance(result, ManifestError)


def test_huge_files(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"x" * (5 * 1024 * 1024))
    with pytest.raises(ManifestError, match="too large"):
        load_manifest(big)
    # Just under the limit: a long but valid list is parsed, and errors are capped.
    text = "name: a\ntype: cli\nprovides:\n  cli:\n" + "    - command: ''\n" * 50_000
    result = outcome(text)
    assert isinstance(result, ManifestError)
    assert result.details["issue_count"] == 50_000
    assert len(result.lines) == 101


JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from([*TOOL_TYPES, *DEPENDENCY_TYPES]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["name", "type", "cli", "command", "tool", "resource", "optional", "x"]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)

MANIFEST_KEYS = st.sampled_from(
    [
        "name",
        "type",
        "version",
        "description",
        "provides",
        "depends_on",
        "reliability",
        "debt_score",
        "mcp_start",
        "colour",
    ]
)


@FUZZ
@given(st.dictionaries(MANIFEST_KEYS, JSONISH, max_size=8))
def test_random_dicts_dumped_to_yaml(data: dict[str, Any]) -> None:
    outcome(dump_manifest_yaml(data))


IDS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cf", "Cs", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=15,
).filter(lambda s: not any(ch.isspace() for ch in s))
FREE_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
NON_BLANK = FREE_TEXT.filter(lambda s: bool(s.strip()))


@st.composite
def manifests(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(IDS)
    dep_names = draw(st.lists(IDS.filter(lambda n: n != name), unique=True, max_size=3))
    data: dict[str, Any] = {
        "name": name,
        "version": draw(st.none() | FREE_TEXT),
        "type": draw(st.sampled_from(TOOL_TYPES)),
        "description": draw(st.none() | FREE_TEXT),
        "provides": {
            "cli": draw(
                st.lists(
                    st.fixed_dictionaries(
                        {"command": NON_BLANK}, optional={"output_schema": FREE_TEXT}
                    ),
                    max_size=2,
                )
            ),
            "mcp": draw(
                st.lists(
                    st.fixed_dictionaries({"tool": NON_BLANK}, optional={"schema": FREE_TEXT})
                    | st.fixed_dictionaries({"resource": NON_BLANK}),
                    max_size=2,
                )
            ),
            "library": draw(
                st.lists(
                    st.fixed_dictionaries({"export": NON_BLANK}, optional={"path": FREE_TEXT}),
                    max_size=1,
                )
            ),
            "database": draw(st.lists(st.fixed_dictionaries({"path": NON_BLANK}), max_size=1)),
        },
        "depends_on": [
            {
                "name": dep,
                "type": draw(st.sampled_from(DEPENDENCY_TYPES)),
                "optional": draw(st.booleans()),
                "commands": draw(st.none() | st.lists(FREE_TEXT, max_size=2)),
                "import": draw(st.none() | FREE_TEXT),
            }
            for dep in dep_names
        ],
        "reliability": draw(st.floats(min_value=0, max_value=1)),
        "debt_score": draw(st.integers(min_value=0, max_value=10**6)),
        "mcp_start": draw(st.none() | NON_BLANK),
    }
    return data


@settings(max_examples=150, deadline=None)
@given(manifests())
def test_valid_manifests_round_trip_through_dump_and_load(data: dict[str, Any]) -> None:
    expected = Manifest.model_validate(data)
    text = dump_manifest_yaml(data)
    parsed = parse_manifest_text(text, "round-trip.yaml", strict=True)
    assert parsed.manifest == expected
    assert parsed.warnings == []
    again = dump_manifest_yaml(parsed.manifest.model_dump(by_alias=True, exclude_none=True))
    assert parse_manifest_text(again, "again.yaml").manifest == expected
