"""The document of `schema` (and `schema --output COMMAND`)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from pai_deps.results.base import Envelope


class SchemaDocument(Envelope):
    """`pai-deps --json schema`: a JSON Schema (of pai-manifest.yaml, or of a command's
    `--json` document)."""

    schema_: dict[str, Any] = Field(serialization_alias="schema")
    # The schema as the file it is published as (2-space indent, newline); not in the JSON.
    text: str = Field(default="", exclude=True)
