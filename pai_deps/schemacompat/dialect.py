"""Which JSON Schema draft a schema is written in, read tolerantly from `$schema`.

Register accepts any `$schema`, so everything downstream must too: every spelling of a
known draft (http or https, with or without the trailing `#` or `/`) names that draft,
and an unknown or missing `$schema` means the contract type's default (draft-07 for CLI
output and database schemas, as the TypeScript tool's ajv assumed; 2020-12 for MCP
schemas, the MCP specification's default). Nothing is ever fetched to find out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

Draft = Literal["draft3", "draft4", "draft6", "draft7", "2019-09", "2020-12"]

_BY_PATH: dict[str, Draft] = {
    "draft-03/schema": "draft3",
    "draft-04/schema": "draft4",
    "draft-06/schema": "draft6",
    "draft-07/schema": "draft7",
    "draft/2019-09/schema": "2019-09",
    "draft/2020-12/schema": "2020-12",
    "schema": "2020-12",  # "the latest draft"
}
_META = re.compile(r"^https?://json-schema\.org/(?P<path>.*?)[#/]*$")


@dataclass(frozen=True)
class Dialect:
    """A draft, and whether the schema named it (False: the default was assumed)."""

    draft: Draft
    declared: bool
    unknown_uri: str | None = None  # a `$schema` that names no known draft

    @property
    def ref_overrides_siblings(self) -> bool:
        """Up to draft-07 keywords next to `$ref` are ignored; since 2019-09 they apply."""
        return self.draft in ("draft3", "draft4", "draft6", "draft7")

    @property
    def id_keyword(self) -> str:
        return "id" if self.draft in ("draft3", "draft4") else "$id"

    @property
    def defs_keyword(self) -> str:
        return "definitions" if self.ref_overrides_siblings else "$defs"


def draft_of_uri(uri: str) -> Draft | None:
    """The draft a `$schema` URI names, or None when it names none we know."""
    match = _META.match(uri.strip())
    if match is None:
        return None
    return _BY_PATH.get(match.group("path"))


def dialect_of(schema: Any, *, default: Draft = "draft7") -> Dialect:
    """The dialect of a schema document (its root's `$schema`)."""
    uri = schema.get("$schema") if isinstance(schema, dict) else None
    if not isinstance(uri, str):
        return Dialect(default, declared=False)
    draft = draft_of_uri(uri)
    if draft is None:
        return Dialect(default, declared=False, unknown_uri=uri)
    return Dialect(draft, declared=True)
