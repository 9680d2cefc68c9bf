"""The manifest format: every rule, with real files and the exact lines people will read."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from pai_deps.errors import ManifestError
from pai_deps.manifest import (
    MAX_MANIFEST_BYTES,
    Dependency,
    LoadedManifest,
    Manifest,
    dump_manifest_yaml,
    load_manifest,
    manifest_json_schema,
    manifest_json_schema_text,
    parse_manifest_text,
    resolve_manifest_path,
)
from pai_deps.manifest import yaml12 as manifest_module

REPO_ROOT = Path(__file__).resolve().parent.parent

FULL = """\
name: email-cli
version: "1.10"
type: cli+mcp
description: "Sends mail: fast # really"
provides:
  cli:
    - command: email send --json
      output_schema: schemas/send.json
  mcp:
    - tool: send_email
      schema: schemas/send_email.json
    - resource: mail://inbox
  library:
    - export: sendMail
      path: src/mail.ts
  database:
    - path: ~/.email/db.sqlite
      schema: schemas/db.sql
depends_on:
  - name: resona
    type: library
    version: ">=2.0"
    optional: true
    commands: [embed, search]
    import: resona.client
  - name: sqlite3
    type: database
reliability: 0.9
debt_score: 3
mcp_start: bun run src/mcp.ts
"""


def write(tmp_path: Path, text: str | bytes, name: str = "pai-manifest.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def failure(tmp_path: Path, text: str | bytes, *, strict: bool = False) -> ManifestError:
    path = write(tmp_path, text)
    with pytest.raises(ManifestError) as info:
        load_manifest(path, strict=strict)
    error = info.value
    assert "\n" not in error.message
    assert all("\n" not in line for line in error.lines)
    return error


def issue_lines(tmp_path: Path, text: str | bytes, *, strict: bool = False) -> list[str]:
    error = failure(tmp_path, text, strict=strict)
    path = tmp_path / "pai-manifest.yaml"
    assert error.message == f"Invalid manifest at {path}:"
    assert error.code == "invalid_manifest"
    assert error.exit_code == 1
    return error.lines


# --------------------------------------------------------------------------- valid manifests


def test_minimal_manifest_gets_the_defaults(tmp_path: Path) -> None:
    loaded = load_manifest(write(tmp_path, "name: minimal-tool\ntype: cli\n"))
    m = loaded.manifest
    assert (m.name, m.type, m.version, m.description, m.mcp_start) == (
        "minimal-tool",
        "cli",
        None,
        None,
        None,
    )
    assert m.reliability == 0.95
    assert m.debt_score == 0
    assert m.depends_on == []
    assert (m.provides.cli, m.provides.mcp, m.provides.library, m.provides.database) == (
        [],
        [],
        [],
        [],
    )
    assert loaded.warnings == []


def test_full_manifest_reads_every_field(tmp_path: Path) -> None:
    m = load_manifest(write(tmp_path, FULL)).manifest
    assert m.version == "1.10"
    assert m.type == "cli+mcp"
    assert m.description == "Sends mail: fast # really"
    assert m.provides.cli[0].command == "email send --json"
    assert m.provides.cli[0].output_schema == "schemas/send.json"
    assert m.provides.mcp[0].tool == "send_email"
    assert m.provides.mcp[0].schema_ == "schemas/send_email.json"
    assert m.provides.mcp[1].resource == "mail://inbox"
    assert m.provides.mcp[1].tool is None
    assert m.provides.library[0].export == "sendMail"
    assert m.provides.library[0].path == "src/mail.ts"
    assert m.provides.database[0].path == "~/.email/db.sqlite"
    assert m.provides.database[0].schema_ == "schemas/db.sql"
    dep = m.depends_on[0]
    assert (dep.name, dep.type, dep.version, dep.optional) == ("resona", "library", ">=2.0", True)
    assert dep.commands == ["embed", "search"]
    assert dep.import_ == "resona.client"
    assert m.depends_on[1].optional is False
    assert (m.reliability, m.debt_score, m.mcp_start) == (0.9, 3, "bun run src/mcp.ts")


def test_yaml_1_2_semantics(tmp_path: Path) -> None:
    text = "name: 'no'\ntype: cli\ndescription: no\nversion: yes\nmcp_start: 'on'\n"
    m = load_manifest(write(tmp_path, text)).manifest
    assert (m.name, m.description, m.version, m.mcp_start) == ("no", "no", "yes", "on")


def test_integer_reliability_is_a_number(tmp_path: Path) -> None:
    assert (
        load_manifest(write(tmp_path, "name: a\ntype: cli\nreliability: 1\n")).manifest.reliability
        == 1.0
    )


@pytest.mark.parametrize(
    "text",
    [
        "name: a\ntype: cli\nprovides:\ndepends_on:\n",
        "name: a\ntype: cli\nprovides:\n  # nothing yet\ndepends_on: # later\n",
        "name: a\ntype: cli\nprovides: {cli: , mcp: , library: , database: }\n",
        "name: a\ntype: cli\nprovides:\n  cli:\n  mcp:\n",
        "name: a\ntype: cli\nprovides: {}\ndepends_on: []\n",
    ],
)
def test_empty_provides_and_depends_on_mean_empty(tmp_path: Path, text: str) -> None:
    m = load_manifest(write(tmp_path, text)).manifest
    assert m.depends_on == []
    assert (m.provides.cli, m.provides.mcp, m.provides.library, m.provides.database) == (
        [],
        [],
        [],
        [],
    )


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    assert load_manifest(write(tmp_path, b"\xef\xbb\xbfname: a\ntype: cli\n")).manifest.name == "a"


def test_model_accepts_programmatic_construction() -> None:
    m = Manifest(name="a", type="cli", depends_on=[Dependency(name="b", type="npm")])
    assert m.depends_on[0].name == "b"
    assert Dependency.model_validate({"name": "x", "type": "cli", "import": "y"}).import_ == "y"


# --------------------------------------------------------------------------- paths


def test_load_from_directory_and_from_any_file_name(tmp_path: Path) -> None:
    write(tmp_path, "name: a\ntype: cli\n")
    custom = write(tmp_path, "name: b\ntype: hook\n", name="custom.yaml")
    from_dir = load_manifest(tmp_path)
    assert from_dir.manifest_path == tmp_path / "pai-manifest.yaml"
    assert from_dir.tool_dir == tmp_path
    from_file = load_manifest(custom)
    assert from_file.manifest.name == "b"
    assert from_file.manifest_path == custom
    assert isinstance(from_file, LoadedManifest)


def test_relative_path_becomes_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tool").mkdir()
    write(tmp_path / "tool", "name: a\ntype: cli\n")
    monkeypatch.chdir(tmp_path)
    loaded = load_manifest(Path("tool/../tool"))
    assert loaded.manifest_path == tmp_path / "tool" / "pai-manifest.yaml"
    assert loaded.manifest_path.is_absolute()


def test_symlinks_are_not_resolved(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    write(real, "name: a\ntype: cli\n")
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    loaded = load_manifest(link)
    assert loaded.manifest_path == link / "pai-manifest.yaml"
    assert loaded.tool_dir == link


def test_content_hash_is_sha256_of_the_bytes(tmp_path: Path) -> None:
    raw = "name: a\ntype: cli\ndescription: café\n".encode()
    loaded = load_manifest(write(tmp_path, raw))
    assert loaded.content_hash == hashlib.sha256(raw).hexdigest()
    assert parse_manifest_text(raw.decode(), "x").content_hash == loaded.content_hash


def test_path_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(ManifestError) as info:
        load_manifest(missing)
    assert info.value.message == f"Path not found: {missing}"
    assert info.value.code == "manifest_not_found"


def test_directory_without_manifest(tmp_path: Path) -> None:
    with pytest.raises(ManifestError) as info:
        resolve_manifest_path(tmp_path)
    assert info.value.message == f"Manifest not found: {tmp_path}/pai-manifest.yaml"
    assert info.value.code == "manifest_not_found"
    assert info.value.details == {"path": f"{tmp_path}/pai-manifest.yaml"}


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "name: a\ntype: cli\n")

    real_open = os.open

    def refuse(target: Any, *args: Any, **kwargs: Any) -> Any:
        if os.fspath(target) == str(path):  # root reads any file: only a refusal is testable
            raise PermissionError(13, "Permission denied")
        return real_open(target, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    assert info.value.message == f"Cannot read {path}: Permission denied"


def test_special_file_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ManifestError) as info:
        load_manifest(fifo)
    assert info.value.message == f"Cannot read {fifo}: not a regular file"
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    with pytest.raises(ManifestError) as info:
        load_manifest(link)
    assert info.value.message == f"Cannot read {link}: not a regular file"


# --------------------------------------------------------------------------- unreadable content


def test_file_over_one_mebibyte_is_too_large(tmp_path: Path) -> None:
    text = "name: a\ntype: cli\ndescription: " + "x" * MAX_MANIFEST_BYTES + "\n"
    error = failure(tmp_path, text)
    assert error.message.startswith(f"Cannot read {tmp_path / 'pai-manifest.yaml'}: too large")


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    error = failure(tmp_path, b"name: a\ntype: cli\ndescription: caf\xe9\n")
    path = tmp_path / "pai-manifest.yaml"
    assert error.message == f"Cannot read {path} (line 3): not UTF-8 text (byte 0xe9 at offset 34)"


def test_text_with_lone_surrogate_is_not_utf8() -> None:
    with pytest.raises(ManifestError) as info:
        parse_manifest_text("name: a\ntype: c\ud800li\n", "index:m.yaml")
    assert info.value.message == "Cannot read index:m.yaml (line 2): not valid UTF-8 text"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: a\n  type: cli\n", "(line 2): mapping values are not allowed in this context"),
        ("name: a\ntype: cli\nname: b\n", "(line 3): duplicate key 'name'"),
        (
            "name: a\ntype: cli\nprovides:\n  cli:\n    - command: x\n      command: y\n",
            "(line 6): duplicate key 'command'",
        ),
        ("name: a\ntype: cli\n---\nname: b\n", "(line 3): a second YAML document starts here"),
        ("name: a\ntype: cli\nx: \x07\n", "(line 3): character U+0007 not allowed"),
        ("name: a\ntype: !custom cli\n", "(line 2): could not determine a constructor"),
        ("name: a\ntype: cli\nversion: 2001-02-30\n", ": cannot read a value: day is out of range"),
        ("name: [a, b\ntype: cli\n", "(line 2):"),
    ],
)
def test_invalid_yaml_is_one_line(tmp_path: Path, text: str, expected: str) -> None:
    error = failure(tmp_path, text)
    assert error.message.startswith(f"Invalid YAML at {tmp_path / 'pai-manifest.yaml'}")
    assert expected in error.message
    assert error.lines == []
    assert "^" not in error.message


def test_deep_nesting_is_refused_not_crashed(tmp_path: Path) -> None:
    error = failure(tmp_path, "name: a\ntype: cli\nx:\n  " + "- " * 50_000 + "z\n")
    assert error.message.endswith("(line 4): nested more than 100 levels deep")
    error = failure(tmp_path, "x: " + "[" * 10_000 + "]" * 10_000)
    assert error.message.endswith("(line 1): nested more than 100 levels deep")


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        levels.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    text = "\n".join([*levels, "name: a", "type: cli", "depends_on: *a7", ""])
    error = failure(tmp_path, text)
    assert error.message.endswith("aliases expand to more than 1,000,000 values")


def test_aliases_within_reason_work(tmp_path: Path) -> None:
    text = (
        "name: a\ntype: cli\ndepends_on:\n  - &dep {name: b, type: cli}\n  - {<<: *dep, name: c}\n"
    )
    assert [d.name for d in load_manifest(write(tmp_path, text)).manifest.depends_on] == ["b", "c"]


# --------------------------------------------------------------------------- validation lines


def test_root_must_be_a_mapping(tmp_path: Path) -> None:
    assert issue_lines(tmp_path, "- a\n- b\n") == [
        "<root> (line 1): must be a mapping of keys to values (got a list)"
    ]
    assert issue_lines(tmp_path, "just text\n") == [
        "<root> (line 1): must be a mapping of keys to values (got a string)"
    ]
    assert issue_lines(tmp_path, "# only a comment\n") == [
        "<root>: the file is empty; a manifest needs at least name and type"
    ]
    assert issue_lines(tmp_path, b"") == [
        "<root>: the file is empty; a manifest needs at least name and type"
    ]


def test_missing_required_fields(tmp_path: Path) -> None:
    assert issue_lines(tmp_path, "version: '1'\n") == ["name: required", "type: required"]


def test_unquoted_version_quotes_the_source_text(tmp_path: Path) -> None:
    assert issue_lines(tmp_path, "name: a\nversion: 1.10\ntype: cli\n") == [
        'version (line 2): must be a string; quote it: version: "1.10"'
    ]
    assert issue_lines(tmp_path, "name: a\ntype: cli\nversion: 2\n") == [
        'version (line 3): must be a string; quote it: version: "2"'
    ]
    assert issue_lines(tmp_path, "name: a\ntype: cli\nversion: 2024-01-31\n") == [
        'version (line 3): must be a string; quote it: version: "2024-01-31"'
    ]
    text = "name: a\ntype: cli\ndepends_on:\n  - {name: b, type: npm, version: 1.0}\n"
    assert issue_lines(tmp_path, text) == [
        'depends_on[0].version (line 4): must be a string; quote it: version: "1.0"'
    ]


def test_other_wrong_types(tmp_path: Path) -> None:
    text = (
        "name: a\ntype: cli\ndescription: [x]\nprovides:\n  cli:\n    - command: false\n"
        "    - just-a-string\n  mcp: {tool: x}\n"
    )
    assert issue_lines(tmp_path, text) == [
        "description (line 3): must be a string (got a list)",
        'provides.cli[0].command (line 6): must be a string; quote it: command: "false"',
        "provides.cli[1] (line 7): must be a mapping of keys to values (got 'just-a-string')",
        "provides.mcp (line 8): must be a list (got a mapping)",
    ]
    assert issue_lines(tmp_path, "name: a\ntype: cli\nprovides: [cli]\ndepends_on: x\n") == [
        "provides (line 3): must be a mapping of keys to values (got a list)",
        "depends_on (line 4): must be a list (got 'x')",
    ]
    assert issue_lines(tmp_path, "name:\ntype: cli\n") == [
        "name (line 1): must be a string (the value is empty)"
    ]


def test_enum_errors_list_the_allowed_values(tmp_path: Path) -> None:
    text = (
        "name: a\ntype: service\ndepends_on:\n  - name: b\n    type: CLI\n  - {name: c, type: 5}\n"
    )
    assert issue_lines(tmp_path, text) == [
        "type (line 2): must be one of cli, mcp, library, workflow, hook, cli+mcp (got 'service')",
        "depends_on[0].type (line 5): must be one of cli, mcp, library, database, npm, implicit "
        "(got 'CLI')",
        "depends_on[1].type (line 6): must be one of cli, mcp, library, database, npm, implicit "
        "(got 5)",
    ]


def test_strict_numbers_and_booleans(tmp_path: Path) -> None:
    text = (
        'name: a\ntype: cli\nreliability: "0.9"\ndebt_score: 1.5\n'
        "depends_on:\n  - {name: b, type: cli, optional: yes}\n"
        "  - {name: c, type: cli, optional: 1}\n"
    )
    assert issue_lines(tmp_path, text) == [
        "reliability (line 3): must be a number (got '0.9'); remove the quotes",
        "debt_score (line 4): must be a whole number (got 1.5)",
        "depends_on[0].optional (line 6): must be true or false (got 'yes')",
        "depends_on[1].optional (line 7): must be true or false (got 1)",
    ]
    assert (
        issue_lines(tmp_path, "name: a\ntype: cli\ndebt_score: '3'\nreliability: true\n")
        == [
            "reliability (line 4): must be a number (got true)",
            "debt_score (line 3): must be a whole number (got '3'); remove the quotes",
        ][::-1]
    )


def test_number_ranges(tmp_path: Path) -> None:
    text = "name: a\ntype: cli\nreliability: 1.5\ndebt_score: -1\n"
    assert issue_lines(tmp_path, text) == [
        "reliability (line 3): must be at most 1 (got 1.5)",
        "debt_score (line 4): must be at least 0 (got -1)",
    ]
    assert issue_lines(tmp_path, "name: a\ntype: cli\nreliability: -0.1\n") == [
        "reliability (line 3): must be at least 0 (got -0.1)"
    ]
    assert issue_lines(tmp_path, "name: a\ntype: cli\nreliability: .nan\n") == [
        "reliability (line 3): must be a finite number (got .nan)"
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("'my tool'", "must not contain whitespace or control characters (got 'my tool')"),
        ('"a\\tb"', "must not contain whitespace or control characters (got 'a\\tb')"),
        ('"a\\u200bb"', "must not contain whitespace or control characters (got 'a\\u200bb')"),
        ('"a\\x01"', "must not contain whitespace or control characters (got 'a\\x01')"),
        ("''", "must not be empty"),
        ("'   '", "must not be empty"),
    ],
)
def test_ids_are_non_empty_without_whitespace(tmp_path: Path, name: str, message: str) -> None:
    assert issue_lines(tmp_path, f"name: {name}\ntype: cli\n") == [f"name (line 1): {message}"]
    text = f"name: a\ntype: cli\ndepends_on:\n  - name: {name}\n    type: cli\n"
    assert issue_lines(tmp_path, text) == [f"depends_on[0].name (line 4): {message}"]


def test_required_strings_must_not_be_blank(tmp_path: Path) -> None:
    text = (
        "name: a\ntype: cli\nprovides:\n  cli:\n    - command: '  '\n  mcp:\n    - tool: ''\n"
        "  library:\n    - export: ' '\n  database:\n    - path: ''\n"
    )
    assert issue_lines(tmp_path, text) == [
        "provides.cli[0].command (line 5): must not be empty",
        "provides.mcp[0].tool (line 7): must not be empty",
        "provides.library[0].export (line 9): must not be empty",
        "provides.database[0].path (line 11): must not be empty",
    ]


def test_missing_nested_fields_point_at_their_item(tmp_path: Path) -> None:
    text = (
        "name: a\ntype: cli\nprovides:\n  cli:\n    - output_schema: s.json\n"
        "depends_on:\n  - type: cli\n  - name: b\n"
    )
    assert issue_lines(tmp_path, text) == [
        "provides.cli[0].command (line 5): required",
        "depends_on[0].name (line 7): required",
        "depends_on[1].type (line 8): required",
    ]


def test_mcp_entries_need_exactly_one_of_tool_or_resource(tmp_path: Path) -> None:
    text = (
        "name: a\ntype: mcp\nprovides:\n  mcp:\n    - tool: t\n      resource: r\n"
        "    - schema: s.json\n"
    )
    assert issue_lines(tmp_path, text) == [
        "provides.mcp[0] (line 5): give either tool or resource, not both",
        "provides.mcp[1] (line 7): needs a 'tool' or a 'resource' key",
    ]


def test_a_tool_may_not_depend_on_itself(tmp_path: Path) -> None:
    text = (
        "name: a\ntype: cli\ndepends_on:\n  - name: b\n    type: cli\n  - name: a\n    type: npm\n"
    )
    assert issue_lines(tmp_path, text) == [
        "depends_on[1].name (line 6): a tool cannot depend on itself ('a')"
    ]
    with pytest.raises(ValueError, match="cannot depend on itself"):
        Manifest(name="a", type="cli", depends_on=[Dependency(name="a", type="cli")])


def test_duplicate_dependencies_name_the_duplicate(tmp_path: Path) -> None:
    text = (
        "name: a\ntype: cli\nreliability: 2\ndepends_on:\n  - {name: b, type: cli}\n"
        "  - {name: c, type: cli}\n  - {name: b, type: npm}\n"
    )
    assert issue_lines(tmp_path, text) == [
        "reliability (line 3): must be at most 1 (got 2)",
        "depends_on[2].name (line 7): duplicate dependency 'b' (first at depends_on[0])",
    ]


def test_json_details_carry_file_and_issues(tmp_path: Path) -> None:
    error = failure(tmp_path, "type: service\nname: a\n")
    path = str(tmp_path / "pai-manifest.yaml")
    assert error.details == {
        "file": path,
        "issues": [
            {
                "path": "type",
                "message": "must be one of cli, mcp, library, workflow, hook, cli+mcp "
                "(got 'service')",
                "line": 1,
            }
        ],
        "issue_count": 1,
    }
    json.dumps(error.details)  # serialisable as is
    missing = failure(tmp_path, "name: a\n")
    assert missing.details["issues"] == [{"path": "type", "message": "required", "line": None}]


def test_a_flood_of_issues_is_capped(tmp_path: Path) -> None:
    text = "name: a\ntype: cli\nprovides:\n  cli:\n" + "    - command: ''\n" * 150
    lines = issue_lines(tmp_path, text)
    assert len(lines) == 101
    assert lines[-1] == "... and 50 more"
    assert lines[0] == "provides.cli[0].command (line 5): must not be empty"


# --------------------------------------------------------------------------- unknown keys

UNKNOWN = """\
name: a
type: cli
colour: blue
provides:
  cli:
    - command: a run
      colour: red
  extras: 1
depends_on:
  - name: b
    type: cli
    weight: 3
"""


def test_unknown_keys_are_warnings_with_dotted_paths(tmp_path: Path) -> None:
    loaded = load_manifest(write(tmp_path, UNKNOWN))
    assert loaded.manifest.provides.cli[0].command == "a run"
    assert loaded.warnings == [
        "Unknown key 'colour' at <root> (line 3) ignored",
        "Unknown key 'colour' at provides.cli[0] (line 7) ignored",
        "Unknown key 'extras' at provides (line 8) ignored",
        "Unknown key 'weight' at depends_on[0] (line 12) ignored",
    ]


def test_unknown_keys_are_errors_when_strict(tmp_path: Path) -> None:
    assert issue_lines(tmp_path, UNKNOWN, strict=True) == [
        "colour (line 3): unknown key",
        "provides.cli[0].colour (line 7): unknown key",
        "provides.extras (line 8): unknown key",
        "depends_on[0].weight (line 12): unknown key",
    ]


def test_strict_unknown_keys_merge_with_other_issues_in_line_order(tmp_path: Path) -> None:
    text = "name: a\ncolour: x\ntype: nope\n"
    assert issue_lines(tmp_path, text, strict=True) == [
        "colour (line 2): unknown key",
        "type (line 3): must be one of cli, mcp, library, workflow, hook, cli+mcp (got 'nope')",
    ]


def test_non_string_keys_are_unknown(tmp_path: Path) -> None:
    loaded = load_manifest(write(tmp_path, "name: a\ntype: cli\n42: x\n"))
    assert loaded.warnings == ["Unknown key 42 at <root> (line 3) ignored"]


# --------------------------------------------------------------------------- text from git


def test_parse_manifest_text_uses_source_as_the_file_name() -> None:
    parsed = parse_manifest_text(b"name: a\ntype: cli\nx: 1\n", "tools/a/pai-manifest.yaml")
    assert parsed.manifest.name == "a"
    assert parsed.warnings == ["Unknown key 'x' at <root> (line 3) ignored"]
    with pytest.raises(ManifestError) as info:
        parse_manifest_text("name: a\n", "tools/a/pai-manifest.yaml")
    assert info.value.message == "Invalid manifest at tools/a/pai-manifest.yaml:"
    assert info.value.lines == ["type: required"]


# --------------------------------------------------------------------------- the loader


def test_the_fast_path_uses_the_c_parser() -> None:
    from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]

    assert CParser.__module__.endswith("._ruamel_yaml")  # the compiled libyaml binding
    assert manifest_module.C_LOADER_AVAILABLE
    assert issubclass(manifest_module._Loader, CParser)


RESOLVER_SAMPLES = [
    "no",
    "yes",
    "On",
    "1.10",
    "0o17",
    "017",
    "0x1F",
    "~",
    "",
    "null",
    "Null",
    "NULL",
    ".inf",
    "-.Inf",
    "1e3",
    "+1",
    "-0",
    "1_000",
    "12:30",
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    "true",
    "True",
    "FALSE",
    "'1'",
    "a b",
    "=x",
    "-x",
    ".5",
]


@pytest.mark.parametrize("scalar", RESOLVER_SAMPLES)
def test_fast_resolver_matches_ruamel_yaml_1_2(scalar: str) -> None:
    """The cached resolver tables must read every scalar exactly as ruamel itself does."""
    text = f"k: {scalar}\nl:\n  - {scalar}\n"
    expected = YAML(typ="safe", pure=True).load(text)
    _, got = manifest_module._compose_and_construct(text)
    assert repr(got) == repr(expected)


# --------------------------------------------------------------------------- schema


def test_schema_file_matches_the_model() -> None:
    on_disk = (REPO_ROOT / "docs" / "pai-manifest.schema.json").read_text(encoding="utf-8")
    assert on_disk == manifest_json_schema_text(), (
        "docs/pai-manifest.schema.json is stale; regenerate it with: python -c "
        '"from pai_deps.manifest import manifest_json_schema_text as t; '
        "open('docs/pai-manifest.schema.json', 'w').write(t())\""
    )


def test_schema_is_valid_and_agrees_with_the_loader(tmp_path: Path) -> None:
    schema = manifest_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "pai-manifest.yaml"
    assert "$id" not in schema
    assert "mcp_start" in schema["properties"]
    validator = jsonschema.Draft202012Validator(schema)
    validator.check_schema(schema)
    for text in [FULL, UNKNOWN, "name: a\ntype: cli\nprovides:\ndepends_on:\n"]:
        data = YAML(typ="safe", pure=True).load(text)
        assert list(validator.iter_errors(data)) == []
    for bad in [
        {"name": "a"},
        {"name": "my tool", "type": "cli"},
        {"name": "a", "type": "service"},
        {"name": "a", "type": "cli", "reliability": 2},
        {"name": "a", "type": "mcp", "provides": {"mcp": [{"tool": "t", "resource": "r"}]}},
        {"name": "a", "type": "cli", "provides": {"cli": [{"command": " "}]}},
    ]:
        assert list(validator.iter_errors(bad)), bad


# --------------------------------------------------------------------------- dumping


def test_dump_keeps_order_block_style_and_quotes_only_where_needed() -> None:
    text = dump_manifest_yaml(
        {
            "name": "demo",
            "version": "1.10",
            "type": "cli",
            "description": "A: tricky # desc",
            "provides": {"cli": [{"command": "demo run"}], "mcp": [], "library": []},
            "depends_on": [{"name": "b", "type": "npm", "version": None}],
            "mcp_start": None,
        }
    )
    assert text == (
        "name: demo\n"
        "version: '1.10'\n"
        "type: cli\n"
        "description: 'A: tricky # desc'\n"
        "provides:\n"
        "  cli:\n"
        "    - command: demo run\n"
        "depends_on:\n"
        "  - name: b\n"
        "    type: npm\n"
    )


def test_dump_drops_provides_when_every_section_is_empty() -> None:
    text = dump_manifest_yaml({"name": "a", "type": "cli", "provides": {"cli": [], "mcp": None}})
    assert text == "name: a\ntype: cli\n"


@pytest.mark.parametrize(
    "tricky",
    [
        "A: tricky # desc",
        "no",
        "1.10",
        "- dash",
        "@at",
        "`tick",
        "'quoted'",
        '"double"',
        "multi\nline\n",
        "  leading and trailing  ",
        "tab\there",
        "café ☕",
        "null",
        "~",
        "",
        "%percent",
        "*star",
        "&amp",
        "!bang",
        "{brace}",
        "[bracket]",
        "a: b: c",
        "#hash",
        "x\x85y\u2028z",
    ],
)
def test_dump_then_load_round_trips_tricky_strings(tmp_path: Path, tricky: str) -> None:
    data = {"name": "demo", "type": "cli", "description": tricky, "version": tricky}
    loaded = load_manifest(write(tmp_path, dump_manifest_yaml(data)))
    assert loaded.manifest.description == tricky
    assert loaded.manifest.version == tricky


def test_full_manifest_round_trips_through_model_dump(tmp_path: Path) -> None:
    original = load_manifest(write(tmp_path, FULL)).manifest
    data = original.model_dump(by_alias=True, exclude_none=True)
    again = load_manifest(write(tmp_path, dump_manifest_yaml(data), name="again.yaml"))
    assert again.manifest == original
    assert again.warnings == []


def test_python_field_names_are_not_manifest_keys(tmp_path: Path) -> None:
    text = "name: a\ntype: cli\ndepends_on:\n  - {name: b, type: cli, import_: x}\n"
    loaded = load_manifest(write(tmp_path, text))
    assert loaded.manifest.depends_on[0].import_ is None
    assert loaded.warnings == ["Unknown key 'import_' at depends_on[0] (line 4) ignored"]
