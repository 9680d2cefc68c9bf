"""One schema document and its references, resolved inside the document and nowhere else.

A `$ref` is resolved the way JSON Schema says (against the base URI set by the `$id`s
above it) but only to places this document holds: an embedded resource (`$id`), a JSON
pointer, an anchor. Anything else is an `ExternalRefError`: no URL is fetched and no
file is opened here (files next to a schema are bundled in first, see `bundle`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from pai_deps.errors import PaiDepsError
from pai_deps.schemacompat.dialect import Dialect

# The base URI of a document that has no `$id` of its own (its folder: FOLDER_BASE).
# `.invalid` can never resolve.
FOLDER_BASE = "https://pai-deps.invalid/"
DOCUMENT_BASE = FOLDER_BASE + "schema.json"

# Keywords whose values are data, not schemas.
DATA_KEYWORDS = frozenset({"const", "enum", "default", "examples"})
# Keywords whose value is a map of names to subschemas.
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
# Keywords whose value is a list of subschemas.
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
# Keywords whose value is one subschema.
SCHEMA_SINGLES = (
    "not",
    "if",
    "then",
    "else",
    "additionalProperties",
    "unevaluatedProperties",
    "propertyNames",
    "contains",
    "additionalItems",
    "unevaluatedItems",
    "contentSchema",
)
REF_KEYWORDS = ("$ref", "$dynamicRef", "$recursiveRef")

Location = tuple[str, ...]
_MAX_SHOWN = 120


class SchemaRefError(PaiDepsError):
    """A `$ref` that points at nothing in the document."""

    code = "unresolvable_ref"


class ExternalRefError(SchemaRefError):
    """A `$ref` to something outside the schema (a URL, a file elsewhere)."""

    code = "external_ref"


def pointer_of(location: Location) -> str:
    """RFC 6901 text of a location ("" is the root)."""
    return "".join("/" + token.replace("~", "~0").replace("/", "~1") for token in location)


def shown(text: str) -> str:
    """A string from a schema, safe and short enough to quote in a one-line message."""
    quoted = repr(text)
    return quoted if len(quoted) <= _MAX_SHOWN else quoted[: _MAX_SHOWN - 4] + "...'"


def resolve_uri(base: str, reference: str) -> str:
    """`reference` resolved against `base` (RFC 3986), whatever the base's scheme.

    `urljoin` resolves only schemes it knows: against `urn:example:x` it would leave
    `#/$defs/a` as it is, so a fragment is put on the base here (for a known scheme
    that is what `urljoin` does too).
    """
    if reference.startswith("#"):
        return urldefrag(base)[0] + reference
    return urljoin(base, reference)


def subschemas(node: dict[str, Any]) -> Iterator[tuple[Location, Any]]:
    """The subschemas of one schema object, with their position relative to it."""
    for key in SCHEMA_MAPS:
        yield from _named_children(key, node.get(key))
    for key in SCHEMA_LISTS:
        yield from _indexed_children(key, node.get(key))
    for key in SCHEMA_SINGLES:
        if key in node:
            yield (key,), node[key]
    items = node.get("items")
    if isinstance(items, list):
        yield from _indexed_children("items", items)
    elif items is not None:
        yield ("items",), items
    # `dependencies` mixes subschemas with lists of property names; only the former count.
    for location, child in _named_children("dependencies", node.get("dependencies")):
        if isinstance(child, dict | bool):
            yield location, child


def _named_children(key: str, value: Any) -> Iterator[tuple[Location, Any]]:
    if isinstance(value, dict):
        for name, child in value.items():
            yield (key, name), child


def _indexed_children(key: str, value: Any) -> Iterator[tuple[Location, Any]]:
    if isinstance(value, list):
        for index, child in enumerate(value):
            yield (key, str(index)), child


@dataclass(frozen=True)
class RefSite:
    """A reference as written: where, what, and the base URI it is resolved against."""

    location: Location
    keyword: str
    ref: str
    base: str

    @property
    def target(self) -> str:
        return resolve_uri(self.base, self.ref)


class SchemaDocument:
    """A schema with its embedded resources, anchors and references indexed."""

    def __init__(self, root: Any, dialect: Dialect, *, base: str = DOCUMENT_BASE) -> None:
        self.root = root
        self.dialect = dialect
        self.base = base
        self.resources: dict[str, Location] = {base: ()}
        self.anchors: dict[str, Location] = {}
        self.refs: list[RefSite] = []
        self._bases: dict[Location, str] = {}
        self._index()

    def _index(self) -> None:
        """One iterative walk over every schema position (deep documents are fine)."""
        stack: list[tuple[Location, Any, str]] = [((), self.root, self.base)]
        id_key = self.dialect.id_keyword
        while stack:
            location, node, base = stack.pop()
            if not isinstance(node, dict):
                continue
            has_ref = "$ref" in node
            declared = node.get(id_key)
            if isinstance(declared, str) and not (has_ref and self.dialect.ref_overrides_siblings):
                uri, fragment = urldefrag(resolve_uri(base, declared))
                if uri and uri != urldefrag(base)[0]:
                    base = uri
                    self.resources.setdefault(uri, location)
                if fragment and not fragment.startswith("/"):  # draft-07 `$id: "#name"`
                    self.anchors.setdefault(f"{urldefrag(base)[0]}#{fragment}", location)
            for anchor_key in ("$anchor", "$dynamicAnchor"):
                anchor = node.get(anchor_key)
                if isinstance(anchor, str):
                    self.anchors.setdefault(f"{urldefrag(base)[0]}#{anchor}", location)
            self._bases[location] = base
            for keyword in REF_KEYWORDS:
                ref = node.get(keyword)
                if isinstance(ref, str):
                    self.refs.append(RefSite(location, keyword, ref, base))
            stack.extend(
                ((*location, *relative), child, base) for relative, child in subschemas(node)
            )

    def base_at(self, location: Location) -> str:
        """The base URI in force at `location` (also for places the index never visited)."""
        for depth in range(len(location), -1, -1):
            known = self._bases.get(location[:depth])
            if known is not None:
                return known
        return self.base

    def node_at(self, location: Location) -> Any:
        node = self.root
        for token in location:
            node = _child(node, token)
        return node

    def is_local(self, site: RefSite) -> bool:
        return urldefrag(site.target)[0] in self.resources

    def lookup(self, site: RefSite) -> tuple[Any, Location]:
        """The node a reference points to, and where it sits."""
        uri, fragment = urldefrag(site.target)
        at = pointer_of(site.location) or "/"
        resource = self.resources.get(uri)
        if resource is None:
            raise external_ref_error(site, None)
        fragment = unquote(fragment)
        if not fragment:
            return self.node_at(resource), resource
        if not fragment.startswith("/"):
            found = self.anchors.get(f"{uri}#{fragment}")
            if found is None:
                raise SchemaRefError(
                    f"Unresolvable $ref {shown(site.ref)} at {at}: no anchor {shown(fragment)}"
                )
            return self.node_at(found), found
        node, location = self.node_at(resource), resource
        for raw in fragment.split("/")[1:]:
            token = raw.replace("~1", "/").replace("~0", "~")
            try:
                node = _child(node, token)
            except LookupError:
                raise SchemaRefError(
                    f"Unresolvable $ref {shown(site.ref)} at {at}: nothing at {shown(token)}"
                ) from None
            location = (*location, token)
        return node, location

    def first_external(self) -> RefSite | None:
        return next((site for site in self.refs if not self.is_local(site)), None)


def check_refs(document: SchemaDocument, source: str | None = None) -> None:
    """Refuse a document with a reference that leaves it (nothing is fetched)."""
    site = document.first_external()
    if site is not None:
        raise external_ref_error(site, source)


def external_ref_error(site: RefSite, source: str | None) -> ExternalRefError:
    target = site.target
    scheme = urlsplit(target).scheme.lower()
    if target.startswith(FOLDER_BASE):
        why = "a file outside the schema's folder"
    elif scheme == "file":
        why = "a file: URL"
    elif scheme in ("http", "https"):
        why = "a remote URL"
    else:
        why = "a document that is not part of this schema"
    where = pointer_of(site.location) or "/"
    prefix = f"{source}: " if source else ""
    return ExternalRefError(
        f"{prefix}{site.keyword} {shown(site.ref)} at {where} points to {why}; pai-deps "
        "resolves references only inside the schema and its own folder (nothing is fetched)",
        details={"ref": site.ref, "pointer": where},
    )


def _child(node: Any, token: str) -> Any:
    if isinstance(node, dict):
        if token in node:
            return node[token]
        raise LookupError(token)
    if isinstance(node, list) and token.isdigit() and int(token) < len(node):
        return node[int(token)]
    raise LookupError(token)
