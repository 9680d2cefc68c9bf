"""The `pai-manifest.yaml` format: one pydantic model, fast loading, one-line errors.

The model is the single source of truth: validation, the JSON Schema editors use
(`manifest_json_schema`) and the YAML written by `init` (`dump_manifest_yaml`) all come
from it.

Loading is built for bulk `sync`: the YAML is composed once with ruamel's C parser
(libyaml) and a YAML 1.2 resolver whose tables are built once per process, not once per
file. The composed node tree is kept, so when there is something to report (a validation
error, an unknown key) line numbers and the exact source text of a scalar come from it
without a second, round-trip parse. Every failure, whatever the input bytes, is a
`ManifestError`.

    model    the pydantic model (CliProvide, McpProvide, ..., Manifest)
    load     reading and validating a file or text (load_manifest, parse_manifest_text)
    yaml12   YAML 1.2 with the nesting and expansion guards (load_yaml_document)
    aliases  how big a document becomes once aliases and merge keys are expanded
    issues   validation errors as one line per problem, with line numbers
    wording  values as messages show them
    schema   the JSON Schema for editors, and the YAML `init` writes
    lookup   a manifest's `name` and a key's line, without validating (discover, errors)
"""

from __future__ import annotations

from pai_deps.manifest.load import (
    MANIFEST_FILENAME,
    MAX_MANIFEST_BYTES,
    LoadedManifest,
    ParsedManifest,
    load_manifest,
    manifest_from_bytes,
    parse_manifest_text,
    read_manifest_bytes,
    resolve_manifest_path,
)
from pai_deps.manifest.model import (
    MAX_DEBT_SCORE,
    CliProvide,
    DatabaseProvide,
    Dependency,
    LibraryProvide,
    Manifest,
    McpProvide,
    Provides,
)
from pai_deps.manifest.schema import (
    dump_manifest_yaml,
    manifest_json_schema,
    manifest_json_schema_text,
)
from pai_deps.models import DEPENDENCY_TYPES, TOOL_TYPES

__all__ = [
    "DEPENDENCY_TYPES",
    "MANIFEST_FILENAME",
    "MAX_DEBT_SCORE",
    "MAX_MANIFEST_BYTES",
    "TOOL_TYPES",
    "CliProvide",
    "DatabaseProvide",
    "Dependency",
    "LibraryProvide",
    "LoadedManifest",
    "Manifest",
    "McpProvide",
    "ParsedManifest",
    "Provides",
    "dump_manifest_yaml",
    "load_manifest",
    "manifest_from_bytes",
    "manifest_json_schema",
    "manifest_json_schema_text",
    "parse_manifest_text",
    "read_manifest_bytes",
    "resolve_manifest_path",
]
