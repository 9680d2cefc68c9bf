"""$ref resolution: only inside the schema and files in its own folder, never fetched."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pai_deps.errors import PaiDepsError
from pai_deps.schemacompat import ExternalRefError, load_schema
from pai_deps.schemacompat.bundle import BUNDLE_PREFIX
from pai_deps.schemacompat.dialect import dialect_of
from pai_deps.schemacompat.document import RefSite, SchemaDocument


def lookup(schema: Any, ref: str, at: tuple[str, ...] = ()) -> Any:
    document = SchemaDocument(schema, dialect_of(schema, default="2020-12"))
    node, _ = document.lookup(RefSite(at, "$ref", ref, document.base_at(at)))
    return node


def test_pointers_into_definitions_and_defs() -> None:
    schema = {
        "definitions": {"name": {"type": "string"}},
        "$defs": {"count": {"type": "integer", "minimum": 0}},
    }
    assert lookup(schema, "#/definitions/name") == {"type": "string"}
    assert lookup(schema, "#/$defs/count") == {"type": "integer", "minimum": 0}
    assert lookup(schema, "#") is schema


def test_pointer_escapes_and_percent_encoding() -> None:
    schema = {
        "definitions": {"a/b": {"type": "string"}, "c~d": {"type": "null"}, "e f": {"const": 1}},
        "anyOf": [{"type": "boolean"}],
    }
    assert lookup(schema, "#/definitions/a~1b") == {"type": "string"}
    assert lookup(schema, "#/definitions/c~0d") == {"type": "null"}
    assert lookup(schema, "#/definitions/e%20f") == {"const": 1}
    assert lookup(schema, "#/anyOf/0") == {"type": "boolean"}


def test_anchors_and_embedded_resources() -> None:
    schema = {
        "$defs": {
            "b": {"$anchor": "bee", "type": "boolean"},
            "c": {
                "$id": "https://example.com/c.json",
                "type": "number",
                "$defs": {"d": {"type": "null"}},
            },
        },
    }
    assert lookup(schema, "#bee") == {"$anchor": "bee", "type": "boolean"}
    assert lookup(schema, "https://example.com/c.json")["type"] == "number"
    assert lookup(schema, "https://example.com/c.json#/$defs/d") == {"type": "null"}
    draft7 = {"definitions": {"c": {"$id": "#sea", "type": "number"}}}
    document = SchemaDocument(draft7, dialect_of(draft7))
    node, _ = document.lookup(RefSite((), "$ref", "#sea", document.base))
    assert node == {"$id": "#sea", "type": "number"}


@pytest.mark.parametrize(
    "own_id", ["urn:example:events", "tag:example.com,2026:events", "pai-deps:list.schema.json"]
)
def test_pointers_resolve_under_an_id_whose_scheme_is_not_hierarchical(
    tmp_path: Path, own_id: str
) -> None:
    """A `urn:` (or any non-URL) `$id`: `#/...` still means this document (RFC 3986)."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": own_id,
        "$defs": {"event": {"type": "string"}, "tagged": {"$anchor": "t", "type": "null"}},
        "properties": {"a": {"$ref": "#/$defs/event"}, "b": {"$ref": "#t"}},
    }
    assert lookup(schema, "#/$defs/event", ("properties", "a")) == {"type": "string"}
    assert lookup(schema, "#t", ("properties", "b"))["type"] == "null"
    assert load_schema(write(tmp_path / "s.json", schema)) == schema


@pytest.mark.parametrize("ref", ["#/definitions/missing", "#/properties/0", "#nowhere"])
def test_unresolvable_ref_names_it(ref: str) -> None:
    with pytest.raises(PaiDepsError) as info:
        lookup({"properties": {"a": {"type": "string"}}, "definitions": {}}, ref)
    assert ref in info.value.message
    assert "\n" not in info.value.message


@pytest.mark.parametrize(
    ("ref", "why"),
    [
        ("http://127.0.0.1:9/x.json", "a remote URL"),
        ("https://example.com/schema.json#/a", "a remote URL"),
        ("file:///etc/passwd", "a file: URL"),
        ("urn:example:thing", "a document that is not part of this schema"),
        ("other.json", "a file outside the schema's folder"),
    ],
)
def test_a_ref_that_leaves_the_document_is_an_external_ref(ref: str, why: str) -> None:
    with pytest.raises(ExternalRefError) as info:
        lookup({"properties": {"a": {"$ref": ref}}}, ref, ("properties", "a"))
    assert why in info.value.message
    assert "nothing is fetched" in info.value.message


# --- files in the schema's folder -----------------------------------------------------------


def write(path: Path, document: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))
    return path


def test_a_schema_without_file_refs_is_returned_as_it_is(tmp_path: Path) -> None:
    schema = {"$defs": {"a": {"type": "string"}}, "properties": {"x": {"$ref": "#/$defs/a"}}}
    path = write(tmp_path / "s.json", schema)
    assert load_schema(path) == schema


def test_files_in_the_folder_are_bundled_and_validate_alike(tmp_path: Path) -> None:
    from jsonschema import Draft202012Validator
    from referencing import Registry

    write(tmp_path / "common.json", {"$defs": {"id": {"type": "string", "minLength": 1}}})
    write(
        tmp_path / "sub" / "item.json",
        {
            "type": "object",
            "properties": {"id": {"$ref": "../common.json#/$defs/id"}, "n": {"$ref": "count.json"}},
        },
    )
    write(tmp_path / "sub" / "count.json", {"type": "integer"})
    path = write(
        tmp_path / "list.json",
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "array",
            "items": {"$ref": "sub/item.json"},
        },
    )

    bundled = load_schema(path)

    embedded = bundled["$defs"]
    assert sorted(embedded) == [
        f"{BUNDLE_PREFIX}{n}" for n in ("common.json", "sub/count.json", "sub/item.json")
    ]

    def refuse(uri: str) -> Any:
        raise AssertionError(f"tried to retrieve {uri}")

    validator = Draft202012Validator(bundled, registry=Registry(retrieve=refuse))  # type: ignore[call-arg]
    assert validator.is_valid([{"id": "a", "n": 1}])
    assert not validator.is_valid([{"id": "", "n": 1}])
    assert not validator.is_valid([{"id": "a", "n": "1"}])


@pytest.mark.parametrize("ref", ["../outside.json", "/etc/passwd", "sub/../../outside.json"])
def test_files_outside_the_folder_are_refused(tmp_path: Path, ref: str) -> None:
    write(tmp_path / "outside.json", {"type": "string"})
    path = write(tmp_path / "schemas" / "s.json", {"properties": {"a": {"$ref": ref}}})

    with pytest.raises(ExternalRefError) as info:
        load_schema(path)

    assert str(path) in info.value.message and "/properties/a" in info.value.message


def test_a_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    secret = write(tmp_path / "secret.json", {"type": "string"})
    folder = tmp_path / "schemas"
    folder.mkdir()
    (folder / "link.json").symlink_to(secret)
    path = write(folder / "s.json", {"$ref": "link.json"})

    with pytest.raises(ExternalRefError):
        load_schema(path)


def test_a_missing_referenced_file_names_the_ref(tmp_path: Path) -> None:
    path = write(tmp_path / "s.json", {"items": {"$ref": "gone.json"}})

    with pytest.raises(PaiDepsError) as info:
        load_schema(path)

    assert "gone.json" in info.value.message and "/items" in info.value.message
    assert info.value.code == "unresolvable_ref"  # the schema itself is not missing


def test_a_file_ref_loop_is_read_once(tmp_path: Path) -> None:
    write(tmp_path / "a.json", {"properties": {"b": {"$ref": "b.json"}}})
    write(tmp_path / "b.json", {"properties": {"a": {"$ref": "a.json"}}})
    path = write(tmp_path / "root.json", {"$ref": "a.json"})

    bundled = load_schema(path)

    assert len(bundled["definitions"]) == 2
