"""A schema file and the schema files it references, as one self-contained document.

Schemas from other people's repositories must not make pai-deps fetch URLs or read
files elsewhere. So a `$ref` may point inside the schema, or to a file in the schema's
own folder (or below it); a file reached that way is read (regular file, size-capped,
by the same loader as the schema itself) and embedded as a resource whose `$id` is the
URI the reference resolves to, which is the standard way to bundle JSON Schemas. The
result resolves every reference on its own, so the stored baseline, the hash, `drift`,
`verify` and `verify-output` all see the same thing and never touch the disk again.

A schema without file references is returned unchanged (its hash stays what the
TypeScript tool computed).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urldefrag, urlsplit

from pai_deps.errors import PaiDepsError
from pai_deps.schemacompat.dialect import Dialect, Draft, dialect_of
from pai_deps.schemacompat.document import (
    FOLDER_BASE,
    SchemaDocument,
    SchemaRefError,
    check_refs,
    external_ref_error,
    pointer_of,
    shown,
)

# A contract schema split over more files than this is refused rather than read.
MAX_FILES = 64
BUNDLE_PREFIX = "pai-deps:file:"

ReadJson = Callable[[Path], Any]


def load_schema(path: Path, *, read_json: ReadJson | None = None, default: Draft = "draft7") -> Any:
    """The schema in `path` with the files it references bundled in.

    `read_json` reads and parses one file (raising PaiDepsError); it defaults to the
    registry's loader, and `ci check` passes one that reads git's index instead.
    Raises ExternalRefError for a reference that leaves the schema's folder.
    """
    from pai_deps.schemas import load_json_file

    read = read_json or load_json_file
    return bundle(read(path), path, read, default=default)


def bundle(root: Any, path: Path, read: ReadJson, *, default: Draft = "draft7") -> Any:
    """`root` (read from `path`) with every file it references embedded; see the module."""
    dialect = dialect_of(root, default=default)
    folder = Path(os.path.abspath(path.parent))
    real_folder = folder.resolve()
    own_id = _absolute_id(root, dialect)
    # Resolve against the real folder's path, so `..` means what it means on disk; the
    # bundle names its resources by their path inside the folder.
    base = own_id or FOLDER_BASE.rstrip("/") + quote(str(folder)) + "/" + quote(path.name)
    folder_uri = base.rsplit("/", 1)[0] + "/"
    bundle_folder = folder_uri if own_id else FOLDER_BASE + quote(folder.name or "schemas") + "/"
    documents: dict[str, SchemaDocument] = {base: SchemaDocument(root, dialect, base=base)}
    relative: dict[str, str] = {}
    queue = [base]
    while queue:
        document = documents[queue.pop()]
        for site in document.refs:
            uri = urldefrag(site.target)[0]
            if any(uri in known.resources for known in documents.values()):
                continue
            if not uri.startswith(folder_uri) or urlsplit(uri).query:
                raise external_ref_error(site, str(path))
            name = unquote(uri[len(folder_uri) :])
            target = _inside(folder, real_folder, name)
            if target is None:
                raise external_ref_error(site, str(path))
            if len(documents) >= MAX_FILES:
                raise PaiDepsError(
                    f"{path}: references more than {MAX_FILES} schema files; not read",
                    code="too_many_schema_files",
                )
            try:
                content = read(target)
            except PaiDepsError as exc:  # the schema is there; what it refers to is not
                where = pointer_of(site.location) or "/"
                raise SchemaRefError(
                    f"{path}: $ref {shown(site.ref)} at {where}: {exc.message}",
                    details={"ref": site.ref, "pointer": where, "cause": exc.code},
                ) from None
            child_dialect = dialect_of(content, default=dialect.draft)
            documents[uri] = SchemaDocument(content, child_dialect, base=uri)
            relative[uri] = name
            queue.append(uri)
    if len(documents) == 1:
        return root
    root_id = own_id or bundle_folder + quote(path.name)
    files = {
        bundle_folder + quote(relative[uri]): (relative[uri], documents[uri]) for uri in relative
    }
    return _bundled(root, dialect, root_id, files)


def check_document(schema: Any, *, source: str, default: Draft = "2020-12") -> None:
    """Refuse a schema that did not come from a file (an MCP server's) with outside refs."""
    check_refs(SchemaDocument(schema, dialect_of(schema, default=default)), source)


def _absolute_id(root: Any, dialect: Dialect) -> str | None:
    """The root's own absolute `$id` (without fragment), if it has one."""
    declared = root.get(dialect.id_keyword) if isinstance(root, dict) else None
    if isinstance(declared, str):
        uri = urldefrag(declared)[0]
        if urlsplit(uri).scheme and urlsplit(uri).netloc:
            return uri
    return None


def _inside(folder: Path, real_folder: Path, name: str) -> Path | None:
    """`folder/name` if it stays inside the folder (symlinks followed), else None."""
    if not name or "\x00" in name or "\\" in name or name.startswith("/"):
        return None
    candidate = folder / name
    try:
        resolved = candidate.resolve()
    except (OSError, RuntimeError):
        return None
    if not resolved.is_relative_to(real_folder) or resolved == real_folder:
        return None
    return candidate


def _bundled(
    root: Any, dialect: Dialect, root_id: str, files: dict[str, tuple[str, SchemaDocument]]
) -> dict[str, Any]:
    document = _as_resource(root, root_id, dialect)
    container = dialect.defs_keyword
    existing = document.get(container)
    embedded: dict[str, Any] = dict(existing) if isinstance(existing, dict) else {}
    for uri, (name, file) in sorted(files.items()):
        key = BUNDLE_PREFIX + name
        while key in embedded:
            key += "~"
        embedded[key] = _as_resource(file.root, uri, file.dialect)
    document[container] = embedded
    return document


def _as_resource(schema: Any, uri: str, dialect: Dialect) -> dict[str, Any]:
    """`schema` as a resource identified by `uri` (meaning unchanged)."""
    id_key = dialect.id_keyword
    if not isinstance(schema, dict):
        return {id_key: uri, "allOf": [schema]}
    if "$ref" in schema and dialect.ref_overrides_siblings:
        # Up to draft-07 a `$ref` hides its siblings, `$id` included: keep what counted.
        kept: dict[str, Any] = {id_key: uri, "allOf": [{"$ref": schema["$ref"]}]}
        for key in ("definitions", "$schema"):
            if key in schema:
                kept[key] = schema[key]
        return kept
    return {**schema, id_key: uri}
