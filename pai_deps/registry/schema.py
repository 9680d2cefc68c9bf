"""`schema`: the JSON Schema of pai-manifest.yaml, or of a command's `--json` document."""

from __future__ import annotations

from pai_deps.results.schema import SchemaDocument


def schema_document(output: str | None = None) -> SchemaDocument:
    """The manifest's schema (what editors validate against); with `output`, the schema
    of that command's `--json` document (`list`, `ci affected`, `error`, ...)."""
    if output is not None:
        from pai_deps.results.catalog import output_schema, schema_text

        return SchemaDocument(schema_=output_schema(output), text=schema_text(output))
    from pai_deps.manifest import manifest_json_schema, manifest_json_schema_text

    return SchemaDocument(schema_=manifest_json_schema(), text=manifest_json_schema_text())
