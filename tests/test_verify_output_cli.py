"""`verify-output`: a JSON document against a contract's schema, from a file or stdin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.test_verify_cli import Toolbox, make_box

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "when": {"type": "string", "format": "date-time"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["id"],
}


@pytest.fixture
def box(tmp_path: Path, cli: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Toolbox:
    return make_box(tmp_path, cli, db_path, monkeypatch)


@pytest.fixture
def tool(box: Toolbox) -> Path:
    return box.tool(
        "t",
        type="cli+mcp",
        provides={
            "cli": [
                {"command": "t list --json", "output_schema": "schemas/out.json"},
                {"command": "search", "output_schema": "schemas/out.json"},
                {"command": "t plain"},
            ],
            "mcp": [{"tool": "search", "schema": "schemas/out.json"}],
        },
        schemas={"schemas/out.json": SCHEMA},
    )


def test_valid_file(box: Toolbox, tool: Path) -> None:
    document = tool / "good.json"
    document.write_text(json.dumps({"id": "a", "when": "2026-01-02T03:04:05Z"}))

    result = box.cli("verify-output", "t", "t list --json", "--file", str(document))

    assert result.exit_code == 0
    assert result.stdout.startswith(f"Valid: {document} conforms to t list --json")


def test_invalid_stdin_gives_one_line_per_error_with_its_pointer(box: Toolbox, tool: Path) -> None:
    data = json.dumps({"when": "yesterday", "tags": ["a", 2]})

    human = box.cli("verify-output", "t", "t list --json", input=data)
    machine = box.cli("--json", "verify-output", "t", "t list --json", input=data)

    assert human.exit_code == machine.exit_code == 1
    assert human.stdout.splitlines() == [
        "/: must have required property 'id'",
        "/tags/1: must be string, got integer",
        "/when: must be a valid date-time",
        f"Invalid: 3 errors in stdin against {tool / 'schemas' / 'out.json'}",
    ]
    document = machine.json()
    assert (document["success"], document["valid"], document["contractType"]) == (
        False,
        False,
        "cli_output",
    )
    assert document["errors"][1] == {
        "path": "/tags/1",
        "message": "must be string, got integer",
        "keyword": "type",
        "schemaPath": "/properties/tags/items/type",
    }


def test_ambiguous_name_needs_its_type(box: Toolbox, tool: Path) -> None:
    ambiguous = box.cli("verify-output", "t", "search", input="{}")
    typed = box.cli("verify-output", "t", "mcp_tool:search", input='{"id": "x"}')

    assert ambiguous.exit_code == 2
    assert "use one of: cli_output:search, mcp_tool:search" in ambiguous.stderr
    assert typed.exit_code == 0


@pytest.mark.parametrize(
    ("contract", "stdin", "message"),
    [
        ("nope", "{}", "Contract 'nope' not found for tool 't'"),
        ("t plain", "{}", "declares no schema"),
        ("t list --json", "{oops", "Invalid JSON in stdin (line 1, column 2)"),
    ],
)
def test_errors_exit_1_in_one_line(
    box: Toolbox, tool: Path, contract: str, stdin: str, message: str
) -> None:
    result = box.cli("verify-output", "t", contract, input=stdin)

    assert result.exit_code == 1
    assert message in result.stderr


def test_missing_input_file_and_unknown_tool(box: Toolbox, tool: Path) -> None:
    missing = box.cli("--json", "verify-output", "t", "t list --json", "-f", "/nonexistent.json")
    unknown = box.cli("verify-output", "nope", "x", input="{}")

    assert (missing.exit_code, missing.json()["code"]) == (1, "file_not_found")
    assert unknown.exit_code == 1


def test_terminal_stdin_without_a_file_is_misuse(box: Toolbox, tool: Path, db_path: Path) -> None:
    argv = [sys.executable, "-m", "pai_deps", "--db", str(db_path)]
    main, secondary = os.openpty()
    try:
        proc = subprocess.run(
            [*argv, "verify-output", "t", "t list --json"],
            stdin=secondary,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    finally:
        os.close(main)
        os.close(secondary)

    assert proc.returncode == 2, proc.stderr
    assert "No input: pass --file FILE, or pipe the JSON document to stdin" in proc.stderr


def test_errors_are_sorted_with_indices_in_numeric_order(box: Toolbox, tool: Path) -> None:
    data = json.dumps({"id": "x", "tags": ["a"] * 2 + [2] + ["a"] * 7 + [10, 11]})

    result = box.cli("verify-output", "t", "t list --json", input=data)

    assert result.stdout.splitlines()[:3] == [
        "/tags/2: must be string, got integer",
        "/tags/10: must be string, got integer",
        "/tags/11: must be string, got integer",
    ]


def test_an_unknown_schema_draft_is_accepted_with_a_warning(box: Toolbox) -> None:
    box.tool(
        "u",
        provides={"cli": [{"command": "u --json", "output_schema": "s.json"}]},
        schemas={"s.json": {"$schema": "https://example.com/meta", "type": "object"}},
    )

    human = box.cli("verify-output", "u", "u --json", input="{}")
    machine = box.cli("--json", "verify-output", "u", "u --json", input="[]")

    assert human.exit_code == 0
    assert 'Warning: unknown $schema "https://example.com/meta": validated as draft-07' in (
        human.stderr
    )
    document = machine.json()
    assert (machine.exit_code, document["draft"], len(document["warnings"])) == (1, "draft7", 1)
