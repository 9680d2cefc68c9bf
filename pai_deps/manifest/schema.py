"""The manifest's JSON Schema (for editors) and the YAML `init` writes, both from the model."""

from __future__ import annotations

import io
import json
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from pai_deps.manifest.model import Manifest

# --------------------------------------------------------------------------- schema and dump


def manifest_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) for editors, generated from `Manifest`.

    Unknown keys are allowed (no `additionalProperties: false`) because pai-deps only
    warns about them; a schema stricter than the tool would flag files that work.
    """
    body = Manifest.model_json_schema(by_alias=True, mode="validation")
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "pai-manifest.yaml",
    }
    schema.update({k: v for k, v in body.items() if k != "title"})
    return schema


def manifest_json_schema_text() -> str:
    """The canonical file form of the schema: 2-space indent, model key order, newline."""
    return json.dumps(manifest_json_schema(), indent=2, ensure_ascii=False) + "\n"


_PROVIDES_SECTIONS = ("cli", "mcp", "library", "database")


def dump_manifest_yaml(data: dict[str, Any]) -> str:
    """Serialise a manifest dict as block-style YAML that loads back to the same values.

    Keys keep the given order; strings are quoted only where plain text would be read as
    something else (`"1.10"`, `"A: b # c"`); None values and empty `provides` sections
    are left out.
    """
    cleaned = _drop_none(data)
    provides = cleaned.get("provides")
    if isinstance(provides, dict):
        kept = {k: v for k, v in provides.items() if not (k in _PROVIDES_SECTIONS and not v)}
        if kept:
            cleaned["provides"] = kept
        else:
            del cleaned["provides"]
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.width = 4096  # long descriptions stay on one line
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    yaml.dump(cleaned, buffer)
    return buffer.getvalue()


# libyaml (YAML 1.1) reads these as line breaks inside quotes; ruamel's emitter writes them raw.
_ODD_BREAKS = re.compile("[\x85\u2028\u2029]")


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_drop_none(item) for item in value]
    if isinstance(value, str) and _ODD_BREAKS.search(value):
        return DoubleQuotedScalarString(value)  # escaped as \N, \L, \P
    return value
