"""The `pai-manifest.yaml` format: one pydantic model, fast loading, one-line errors.

The model below is the single source of truth: validation, the JSON Schema editors use
(`manifest_json_schema`) and the YAML written by `init` (`dump_manifest_yaml`) all come
from it.

Loading is built for bulk `sync`: the YAML is composed once with ruamel's C parser
(libyaml) and a YAML 1.2 resolver whose tables are built once per process, not once per
file. The composed node tree is kept, so when there is something to report (a validation
error, an unknown key) line numbers and the exact source text of a scalar come from it
without a second, round-trip parse. Every failure, whatever the input bytes, is a
`ManifestError`.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import io
import json
import os
import re
import types
import unicodedata
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError
from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.parser import Parser
from ruamel.yaml.reader import Reader, ReaderError
from ruamel.yaml.resolver import VersionedResolver, implicit_resolvers
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.scanner import Scanner
from ruamel.yaml.tag import Tag

from pai_deps.errors import ManifestError
from pai_deps.models import DEPENDENCY_TYPES, TOOL_TYPES, DependencyType, ToolType

__all__ = [
    "DEPENDENCY_TYPES",
    "MANIFEST_FILENAME",
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
    "manifest_json_schema",
    "manifest_json_schema_text",
    "parse_manifest_text",
    "resolve_manifest_path",
]

MANIFEST_FILENAME = "pai-manifest.yaml"
# Real manifests are a few hundred bytes; the cap keeps a stray huge file from stalling sync.
MAX_MANIFEST_BYTES = 1024 * 1024
# Aliases can make a small file expand into a huge structure ("billion laughs").
_MAX_EXPANDED_NODES = 1_000_000
# Manifests nest four levels deep; libyaml's recursive composer must never see thousands.
_MAX_DEPTH = 100
# Debt is a small whole number; the cap keeps sums and fan-in products inside SQLite's
# 64-bit integers (a bigger value once aborted a whole sync with an overflow).
MAX_DEBT_SCORE = 1_000_000_000
# Past this many problems the rest are summarised in one line.
_MAX_ISSUES = 100


# --------------------------------------------------------------------------- the model


def _non_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be empty")
    return value


# Control, format (zero-width), surrogate and separator characters. Unassigned code points
# are allowed: they may be emoji that a newer Unicode database knows.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp", "Zs"})


def _valid_id(value: str) -> str:
    """Ids end up in the database, in shell completions and in `a -> b` output."""
    _non_blank(value)
    if any(ch.isspace() or unicodedata.category(ch) in _INVISIBLE for ch in value):
        raise PydanticCustomError(
            "invalid_id",
            "must not contain whitespace or control characters (got {value})",
            {"value": _quote(value)},
        )
    return value


@dataclass(frozen=True)
class _SchemaHint:
    """Tell editors about a rule an AfterValidator enforces (validators are invisible to them)."""

    keywords: tuple[tuple[str, Any], ...]

    def __get_pydantic_json_schema__(
        self, core_schema: Any, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema.update(self.keywords)
        return schema


NonBlankStr = Annotated[str, AfterValidator(_non_blank), _SchemaHint((("pattern", r"\S"),))]
ToolId = Annotated[
    str,
    AfterValidator(_valid_id),
    _SchemaHint((("pattern", r"^[^\s\x00-\x1f\x7f]+$"),)),
]


def _allow_null(schema: dict[str, Any]) -> None:
    """Editors must accept `key:` with no value, which loading treats as empty."""
    annotations: dict[str, Any] = {
        k: schema.pop(k) for k in ("title", "description", "default") if k in schema
    }
    inner = dict(schema)
    schema.clear()
    schema["anyOf"] = [inner, {"type": "null"}]
    schema.update(annotations)


def _none_as_empty(value: Any) -> Any:
    return [] if value is None else value


class _Strict(BaseModel):
    """Strict types: a quoted "0.9", `optional: yes` or `debt_score: 1.5` are mistakes."""

    model_config = ConfigDict(
        strict=True,
        extra="ignore",
        frozen=True,
        validate_by_name=True,
        validate_by_alias=True,
    )


def _argument(value: str) -> str:
    """One argv element: anything but a NUL byte (which no program can receive)."""
    if "\x00" in value:
        raise PydanticCustomError("nul_argument", "must not contain a NUL byte")
    return value


Argument = Annotated[str, AfterValidator(_argument)]
# An argument list is a handful of words; a runaway list is a mistake, not a command.
_MAX_ARGUMENTS = 256


class CliProvide(_Strict):
    """A command line this tool offers; `verify` checks it and, with `probe`, runs it."""

    command: NonBlankStr = Field(
        description="Command line, run without a shell in the tool's directory, "
        "e.g. `mytool list --json`. `<placeholders>` and `[--options]` are allowed."
    )
    output_schema: str | None = Field(
        default=None,
        description="JSON Schema file (relative to the tool directory) the command's JSON "
        "output must match.",
    )
    probe: list[Argument] | None = Field(
        default=None,
        min_length=1,
        max_length=_MAX_ARGUMENTS,
        description="An argument list that is safe to run, program first (never a shell "
        "string), e.g. [mytool, search, test, --json]. `verify` runs it in the tool's "
        "directory with a hard timeout, parses its stdout as JSON and validates it against "
        "`output_schema`. Without `probe`, `verify` checks the help text only.",
    )
    help: list[str] | Literal[False] | None = Field(
        default=None,
        description="The arguments that make the command print its usage, in place of "
        "`--help` (e.g. [help]); `false` when it has none, and `verify` then only checks "
        "that the program exists.",
    )

    @field_validator("help", mode="wrap")
    @classmethod
    def _help_arguments(cls, value: Any, handler: Any) -> Any:
        """One clear message for both shapes (pydantic's union errors name its internals)."""
        if value is None or value is True:
            return None
        if value is False:
            return False
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise PydanticCustomError(
                "help_arguments",
                "must be a list of arguments, or false (got {value})",
                {"value": _quote(value)},
            )
        if len(value) > _MAX_ARGUMENTS or any("\x00" in v for v in value):
            raise PydanticCustomError(
                "help_arguments",
                f"must be at most {_MAX_ARGUMENTS} arguments without NUL bytes",
            )
        return list(value)


class McpProvide(_Strict):
    """An MCP tool or resource this server exposes; give exactly one of `tool` or `resource`."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["tool"]}, {"required": ["resource"]}]}
    )

    tool: NonBlankStr | None = Field(
        default=None, description="Name of an MCP tool the server exposes."
    )
    resource: NonBlankStr | None = Field(
        default=None, description="URI of an MCP resource the server exposes."
    )
    schema_: str | None = Field(
        default=None,
        alias="schema",
        description="JSON Schema file (relative to the tool directory) describing the "
        "tool's input (a request contract: compared with the server's inputSchema).",
    )
    output_schema: str | None = Field(
        default=None,
        description="JSON Schema file of the tool's structured output (a response "
        "contract: compared with the server's outputSchema).",
    )

    @model_validator(mode="after")
    def _exactly_one_kind(self) -> McpProvide:
        if self.tool is not None and self.resource is not None:
            raise PydanticCustomError("mcp_kind", "give either tool or resource, not both")
        if self.tool is None and self.resource is None:
            raise PydanticCustomError("mcp_kind", "needs a 'tool' or a 'resource' key")
        if self.resource is not None and self.output_schema is not None:
            raise PydanticCustomError("mcp_kind", "output_schema belongs to a tool, not a resource")
        return self


class LibraryProvide(_Strict):
    """A symbol this library exports for other tools to import."""

    export: NonBlankStr = Field(description="Name of the exported function, class or module.")
    path: str | None = Field(
        default=None, description="Source file (relative to the tool directory) that defines it."
    )


class DatabaseProvide(_Strict):
    """A database file this tool owns and others may read."""

    path: NonBlankStr = Field(description="Path of the database file.")
    schema_: str | None = Field(
        default=None, alias="schema", description="File describing the database schema."
    )


class Provides(_Strict):
    """The interfaces this tool promises to others (checked by `verify` and `drift`)."""

    cli: list[CliProvide] = Field(
        default_factory=list,
        description="Command lines this tool offers.",
        json_schema_extra=_allow_null,
    )
    mcp: list[McpProvide] = Field(
        default_factory=list,
        description="MCP tools and resources this server exposes.",
        json_schema_extra=_allow_null,
    )
    library: list[LibraryProvide] = Field(
        default_factory=list,
        description="Symbols this library exports.",
        json_schema_extra=_allow_null,
    )
    database: list[DatabaseProvide] = Field(
        default_factory=list,
        description="Database files this tool owns.",
        json_schema_extra=_allow_null,
    )

    @field_validator("cli", "mcp", "library", "database", mode="before")
    @classmethod
    def _empty_sections(cls, value: Any) -> Any:
        return _none_as_empty(value)


class Dependency(_Strict):
    """Another tool (or package) this tool needs; it becomes an edge in the graph."""

    name: ToolId = Field(
        description="Id of the tool depended on: its manifest `name`, or a package name. "
        "No whitespace."
    )
    type: DependencyType = Field(description="What kind of thing the dependency is.")
    version: str | None = Field(
        default=None, description='Version constraint, recorded as written (e.g. ">=1.2").'
    )
    optional: bool = Field(
        default=False, description="True if this tool still works without the dependency."
    )
    commands: list[str] | None = Field(
        default=None, description="The dependency's commands this tool calls (informational)."
    )
    import_: str | None = Field(
        default=None,
        alias="import",
        description="What this tool imports from the dependency (informational).",
    )


class Manifest(_Strict):
    """A tool's `pai-manifest.yaml`: what it is, what it provides, what it depends on."""

    name: ToolId = Field(
        description="The tool's id: unique in the registry, no whitespace (e.g. `email-cli`)."
    )
    version: str | None = Field(
        default=None, description='The tool\'s version. Quote it: version: "1.10".'
    )
    type: ToolType = Field(description="What kind of tool this is.")
    description: str | None = Field(default=None, description="One line saying what the tool does.")
    provides: Provides = Field(
        default_factory=Provides,
        description="Interfaces this tool offers to others.",
        json_schema_extra=_allow_null,
    )
    depends_on: list[Dependency] = Field(
        default_factory=list,
        description="Tools and packages this tool needs.",
        json_schema_extra=_allow_null,
    )
    reliability: float = Field(
        default=0.95,
        ge=0,
        le=1,
        allow_inf_nan=False,
        description="Estimated probability (0 to 1) that the tool works when called; "
        "chains multiply it.",
    )
    debt_score: int = Field(
        default=0,
        ge=0,
        le=MAX_DEBT_SCORE,
        description="Technical debt, a whole number; 0 means none.",
    )
    mcp_start: str | None = Field(
        default=None,
        description="Command that starts the MCP server, run without a shell in the tool's "
        "directory.",
    )

    @field_validator("provides", mode="before")
    @classmethod
    def _empty_provides(cls, value: Any) -> Any:
        return {} if value is None else value

    @field_validator("depends_on", mode="before")
    @classmethod
    def _empty_depends_on(cls, value: Any) -> Any:
        return _none_as_empty(value)

    @field_validator("depends_on", mode="after")
    @classmethod
    def _no_duplicate_dependencies(cls, deps: list[Dependency]) -> list[Dependency]:
        """Two edges to one tool would disagree about type and version; reject, don't merge."""
        first_index: dict[str, int] = {}
        for index, dep in enumerate(deps):
            if dep.name in first_index:
                raise PydanticCustomError(
                    "duplicate_dependency",
                    "duplicate dependency {name} (first at depends_on[{first}])",
                    {"name": _quote(dep.name), "first": first_index[dep.name], "index": index},
                )
            first_index[dep.name] = index
        return deps

    @model_validator(mode="after")
    def _no_self_dependency(self) -> Manifest:
        for index, dep in enumerate(self.depends_on):
            if dep.name == self.name:
                raise PydanticCustomError(
                    "self_dependency",
                    "a tool cannot depend on itself ({name})",
                    {"name": _quote(dep.name), "index": index},
                )
        return self


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class ParsedManifest:
    """A validated manifest from text (e.g. git's index), with what loading noticed."""

    manifest: Manifest
    warnings: list[str]
    content_hash: str  # sha256 hex of the UTF-8 bytes; lets sync skip unchanged files


@dataclass(frozen=True, slots=True)
class LoadedManifest(ParsedManifest):
    """A validated manifest from disk and where it lives."""

    manifest_path: Path  # absolute, symlinks not resolved (the path the user gave)
    tool_dir: Path  # manifest_path.parent; commands run here


@dataclass(frozen=True, slots=True)
class _Issue:
    path: str
    message: str
    line: int | None


# --------------------------------------------------------------------------- YAML 1.2 loader


def _build_resolver_table() -> dict[str, list[tuple[Tag, Any]]]:
    table: dict[str, list[tuple[Tag, Any]]] = {}
    for versions, tag, regexp, first in implicit_resolvers:
        if (1, 2) in versions:
            for ch in first:
                table.setdefault(ch, []).append((Tag(suffix=tag), regexp))
    return table


_YAML12_RESOLVERS = _build_resolver_table()


class _Yaml12Resolver(VersionedResolver):
    """YAML 1.2 core schema (`no` is a string) with tables built once, not per document.

    ruamel's own resolver rebuilds its tables for every loader and re-derives the YAML
    version for every scalar: about 45% of the load time of a small manifest. `%YAML 1.1`
    directives are ignored; manifests are YAML 1.2.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in _YAML12_RESOLVERS.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return self.DEFAULT_SCALAR_TAG
        return super().resolve(kind, value, implicit)


try:
    from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]

    C_LOADER_AVAILABLE = CParser.__module__.endswith("_ruamel_yaml")
except ImportError:  # pragma: no cover - only without ruamel.yaml.clib (e.g. PyPy)
    C_LOADER_AVAILABLE = False


if C_LOADER_AVAILABLE:

    class _Loader(CParser, SafeConstructor, _Yaml12Resolver):  # type: ignore[misc]
        """libyaml parser + safe constructor: about 120 ms per 1,000 manifests."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            self._parser = self._composer = self
            SafeConstructor.__init__(self, loader=self)
            self.allow_duplicate_keys = False
            _Yaml12Resolver.__init__(self, version=None, loadumper=self)

else:  # pragma: no cover

    class _Loader(  # type: ignore[no-redef]
        Reader, Scanner, Parser, Composer, SafeConstructor, _Yaml12Resolver
    ):
        """Pure-Python fallback, about ten times slower."""

        def __init__(self, stream: str) -> None:
            self.comment_handling = None
            Reader.__init__(self, stream, loader=self)
            Scanner.__init__(self, loader=self)
            Parser.__init__(self, loader=self)
            Composer.__init__(self, loader=self)
            SafeConstructor.__init__(self, loader=self)
            self.allow_duplicate_keys = False
            _Yaml12Resolver.__init__(self, version=None, loader=self)


def _nesting_exceeds_limit(text: str) -> int | None:
    """The line where nesting passes `_MAX_DEPTH`, or None.

    libyaml's composer recurses in C without Python's recursion guard: a few tens of
    thousands of nested `- ` crash the process. Every nesting level needs one of these
    indicator characters, so counting them is a cheap bound; only files that could be too
    deep pay for an event scan, which is iterative and stops at the limit.
    """
    if sum(text.count(ch) for ch in "[{-:?") <= _MAX_DEPTH or not C_LOADER_AVAILABLE:
        return None
    parser = CParser(text)
    depth = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > _MAX_DEPTH:
                    return int(event.start_mark.line) + 1
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except Exception:
        return None  # a syntax error: the real parse reports it with its line
    finally:
        parser.dispose()
    return None


class _TooLarge(Exception):
    """The document's aliases and merge keys would expand past `_MAX_EXPANDED_NODES`."""


def _compose_and_construct(text: str) -> tuple[Node | None, Any]:
    """Parse one YAML document, keeping the node tree for line numbers.

    The expanded size is checked on the node graph before construction: constructing
    a merge-key bomb is what takes minutes and gigabytes.
    """
    loader = _Loader(text)
    try:
        with warnings.catch_warnings():
            # ruamel reports e.g. reused anchors as warnings; they must not reach stderr.
            warnings.simplefilter("ignore")
            node = loader.get_single_node()
            if node is not None and "*" in text:
                from pai_deps.yaml_guard import expanded_size_exceeds

                if expanded_size_exceeds(node, _MAX_EXPANDED_NODES):
                    raise _TooLarge
            data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data


def load_yaml_document(decoded: str, source: str) -> tuple[Node | None, Any]:
    """One YAML document with every guard: nesting depth, expansion size, one-line errors.

    The only way pai-deps turns manifest text into data (`register`, `sync`, `discover`).
    """
    too_deep_at = _nesting_exceeds_limit(decoded)
    if too_deep_at is not None:
        raise _yaml_error(source, too_deep_at, f"nested more than {_MAX_DEPTH} levels deep")
    try:
        return _compose_and_construct(decoded)
    except _TooLarge:
        raise _yaml_error(
            source, None, f"aliases expand to more than {_MAX_EXPANDED_NODES:,} values"
        ) from None
    except RecursionError:
        raise _yaml_error(source, None, "nested too deeply") from None
    except MemoryError:
        raise _yaml_error(source, None, "too large to load") from None
    except Exception as exc:  # ruamel raises many types; none may escape as a traceback
        line, problem = _describe_yaml_error(exc, decoded)
        raise _yaml_error(source, line, problem) from None


# --------------------------------------------------------------------------- paths and reading


def resolve_manifest_path(path: Path | str) -> Path:
    """The manifest file for `path`: the file itself, or `<dir>/pai-manifest.yaml`.

    Absolute and normalised but not symlink-resolved, so the registry records the path
    the user knows.
    """
    absolute = Path(os.path.abspath(os.fspath(path)))
    if not _exists(absolute):
        raise ManifestError(
            f"Path not found: {absolute}",
            code="manifest_not_found",
            details={"path": str(absolute)},
        )
    if absolute.is_dir():
        candidate = absolute / MANIFEST_FILENAME
        if not candidate.is_file():
            raise ManifestError(
                f"Manifest not found: {candidate}",
                code="manifest_not_found",
                details={"path": str(candidate)},
            )
        return candidate
    if not absolute.is_file():
        raise ManifestError(
            f"Cannot read {absolute}: not a regular file", details={"file": str(absolute)}
        )
    return absolute


def _exists(path: Path) -> bool:
    try:
        path.stat()
    except FileNotFoundError:
        return False
    except NotADirectoryError:
        return False
    except OSError as exc:
        raise ManifestError(
            f"Cannot read {path}: {exc.strerror or exc}", details={"file": str(path)}
        ) from None
    except ValueError:  # e.g. an embedded NUL byte in the path
        return False
    return True


def load_manifest(path: Path | str, *, strict: bool = False) -> LoadedManifest:
    """Read, parse and validate a manifest file (or a directory holding one).

    Unknown keys are warnings, or errors with `strict=True`. Raises `ManifestError` for
    every failure.
    """
    manifest_path = resolve_manifest_path(path)
    return manifest_from_bytes(read_manifest_bytes(manifest_path), manifest_path, strict=strict)


def read_manifest_bytes(manifest_path: Path) -> bytes:
    """The file's bytes, through the one guarded reader: regular files of at most 1 MiB."""
    from pai_deps.safeio import FileGuardError, read_regular_file

    try:
        return read_regular_file(manifest_path, limit=MAX_MANIFEST_BYTES)
    except FileGuardError as exc:
        if exc.code == "file_too_large":
            raise _too_large(str(manifest_path)) from None
        raise ManifestError(exc.message, details={"file": str(manifest_path)}) from None


def manifest_from_bytes(raw: bytes, manifest_path: Path, *, strict: bool) -> LoadedManifest:
    """Parse and validate bytes already read from `manifest_path` (see `load_manifest`)."""
    parsed = parse_manifest_text(raw, str(manifest_path), strict=strict)
    return LoadedManifest(
        manifest=parsed.manifest,
        warnings=parsed.warnings,
        content_hash=parsed.content_hash,
        manifest_path=manifest_path,
        tool_dir=manifest_path.parent,
    )


def parse_manifest_text(text: str | bytes, source: str, *, strict: bool = False) -> ParsedManifest:
    """Parse and validate manifest text; `source` names the file in messages.

    Used for manifests that are not files on disk (git's index), with the same errors as
    `load_manifest`.
    """
    raw, decoded = _decode(text, source)
    content_hash = hashlib.sha256(raw).hexdigest()
    try:
        manifest, found_warnings = _parse(decoded, source, strict=strict)
    except ManifestError:
        raise
    except (RecursionError, MemoryError):
        raise _yaml_error(source, None, "nested too deeply or too large to load") from None
    except Exception as exc:  # pragma: no cover - a bug, but never a traceback for a file
        raise ManifestError(
            f"Invalid manifest at {source}: could not be processed ({_one_line(repr(exc))})",
            details={"file": source},
        ) from exc
    return ParsedManifest(manifest=manifest, warnings=found_warnings, content_hash=content_hash)


def _parse(decoded: str, source: str, *, strict: bool) -> tuple[Manifest, list[str]]:
    node, data = load_yaml_document(decoded, source)
    if not isinstance(data, dict):
        raise _invalid(source, [_root_issue(data, node)])

    try:
        unknown = list(_unknown_keys(data, Manifest, ()))
        manifest: Manifest | None = None
        errors: list[ValidationError] = []
        try:
            manifest = Manifest.model_validate(data, by_alias=True, by_name=False)
        except ValidationError as exc:
            errors.append(exc)
    except RecursionError:
        raise _yaml_error(source, None, "nested too deeply") from None

    if manifest is not None and not unknown:
        return manifest, []

    # Something to report: only now pay for line numbers.
    index = _KeyIndex()
    issues = [_issue_from_error(err, node, index) for exc in errors for err in exc.errors()]
    unknown_warnings: list[str] = []
    for key_path in unknown:
        if not strict and len(unknown_warnings) >= _MAX_ISSUES:
            unknown_warnings.append(
                f"... and {len(unknown) - _MAX_ISSUES} more unknown keys ignored"
            )
            break
        line = _line_of(node, key_path, index)
        if strict:
            issues.append(_Issue(_format_path(key_path), "unknown key", line))
        else:
            where = f" (line {line})" if line is not None else ""
            key, parent = _quote(key_path[-1]), _format_path(key_path[:-1])
            unknown_warnings.append(f"Unknown key {key} at {parent}{where} ignored")
    if issues or manifest is None:
        raise _invalid(source, issues)
    return manifest, unknown_warnings


def _decode(text: str | bytes, source: str) -> tuple[bytes, str]:
    if isinstance(text, str):
        try:
            raw = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            line = text.count("\n", 0, exc.start) + 1
            raise ManifestError(
                f"Cannot read {source} (line {line}): not valid UTF-8 text",
                details={"file": source, "line": line},
            ) from None
    else:
        raw = bytes(text)
    if len(raw) > MAX_MANIFEST_BYTES:
        raise _too_large(source)
    if isinstance(text, str):
        return raw, text
    try:
        return raw, raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ManifestError(
            f"Cannot read {source} (line {line}): not UTF-8 text "
            f"(byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            details={"file": source, "line": line},
        ) from None


# --------------------------------------------------------------------------- errors


def _too_large(source: str) -> ManifestError:
    return ManifestError(
        f"Cannot read {source}: too large (over {MAX_MANIFEST_BYTES:,} bytes; "
        "a manifest is a few hundred)",
        details={"file": source, "limit": MAX_MANIFEST_BYTES},
    )


def _yaml_error(source: str, line: int | None, problem: str) -> ManifestError:
    where = f" (line {line})" if line is not None else ""
    return ManifestError(
        f"Invalid YAML at {source}{where}: {problem}",
        details={"file": source, "line": line, "problem": problem},
    )


def _invalid(source: str, issues: list[_Issue]) -> ManifestError:
    ordered = sorted(issues, key=lambda issue: issue.line or 0)
    shown = ordered[:_MAX_ISSUES]
    lines = [
        f"{issue.path} (line {issue.line}): {issue.message}"
        if issue.line is not None
        else f"{issue.path}: {issue.message}"
        for issue in shown
    ]
    if len(ordered) > len(shown):
        lines.append(f"... and {len(ordered) - len(shown)} more")
    return ManifestError(
        f"Invalid manifest at {source}:",
        details={
            "file": source,
            "issues": [
                {"path": issue.path, "message": issue.message, "line": issue.line}
                for issue in shown
            ],
            "issue_count": len(ordered),
        },
        lines=lines,
    )


_DUPLICATE_KEY = re.compile(r'found duplicate key "(.*?)" with value "', re.DOTALL)


def _describe_yaml_error(exc: BaseException, text: str) -> tuple[int | None, str]:
    """One line (and a 1-based line number) from whatever ruamel raised."""
    if isinstance(exc, MarkedYAMLError):
        problem = exc.problem or exc.context or "not valid YAML"
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        duplicate = _DUPLICATE_KEY.search(problem)
        if duplicate:
            return line, f"duplicate key {_quote(duplicate.group(1))}"
        if exc.context == "expected a single document in the stream":
            return line, "a second YAML document starts here; a manifest is one document"
        if problem.startswith("found duplicate merge key"):
            return line, "duplicate key '<<'"
        if line is not None and _indented_with_tab(text, line):
            return line, "this line is indented with a tab; YAML forbids tabs for indentation"
        context_mark = exc.context_mark
        if exc.context and exc.problem and context_mark is not None:
            problem = f"{problem} ({exc.context} at line {context_mark.line + 1})"
        return line, _one_line(problem)
    if isinstance(exc, ReaderError):
        position = exc.position if isinstance(exc.position, int) else 0
        line = text.count("\n", 0, position) + 1
        character = exc.character
        code = f" U+{character:04X}" if isinstance(character, int) else ""
        return line, _one_line(f"character{code} not allowed: {exc.reason}")
    return None, _one_line(f"cannot read a value: {exc}" if str(exc) else type(exc).__name__)


def _indented_with_tab(text: str, line: int) -> bool:
    """Whether the 1-based `line` of `text` has a tab in its leading white space."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return False
    source = lines[line - 1]
    return "\t" in source[: len(source) - len(source.lstrip(" \t"))]


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _root_issue(data: Any, node: Node | None) -> _Issue:
    if data is None:
        return _Issue("<root>", "the file is empty; a manifest needs at least name and type", None)
    line = node.start_mark.line + 1 if node is not None else None
    return _Issue("<root>", f"must be a mapping of keys to values (got {_kind(data)})", line)


# --------------------------------------------------------------------------- issue building

Loc = tuple[Any, ...]  # str keys and int indexes; odd YAML keys may be anything


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (directly, in a list, or optionally), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


@functools.cache
def _known_keys(model: type[BaseModel]) -> dict[str, tuple[type[BaseModel] | None, bool]]:
    """Key -> (nested model, is it a list of them) for each field, computed once per model."""
    table: dict[str, tuple[type[BaseModel] | None, bool]] = {}
    for name, info in model.model_fields.items():
        annotation = _strip_optional(info.annotation)
        table[info.alias or name] = (_nested_model(annotation), get_origin(annotation) is list)
    return table


def _unknown_keys(data: Any, model: type[BaseModel], path: Loc) -> Iterator[Loc]:
    """Keys the model does not know, as paths; only descends where the shape is right."""
    if not isinstance(data, dict):
        return
    known = _known_keys(model)
    for key, value in data.items():
        entry = known.get(key) if isinstance(key, str) else None
        if entry is None:
            yield (*path, key)
            continue
        child, is_list = entry
        if child is None:
            continue
        if is_list:
            if isinstance(value, list):
                for index, item in enumerate(value):
                    yield from _unknown_keys(item, child, (*path, key, index))
        else:
            yield from _unknown_keys(value, child, (*path, key))


def _strip_optional(annotation: Any) -> Any:
    args = [arg for arg in get_args(annotation) if arg is not type(None)]
    if get_origin(annotation) in (Union, types.UnionType) and len(args) == 1:
        return args[0]
    return annotation


def _format_path(loc: Loc) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "<root>"


class _KeyIndex:
    """Each mapping node's keys as a dict, built on first use: one lookup per key, not a scan.

    (A manifest with 50,000 unknown keys took minutes when each line lookup scanned.)
    """

    def __init__(self) -> None:
        self._tables: dict[int, dict[str, tuple[Node, Node]]] = {}

    def get(self, node: MappingNode, key: str) -> tuple[Node, Node] | None:
        table = self._tables.get(id(node))
        if table is None:
            table = {}
            for k, v in node.value:
                if isinstance(k, ScalarNode):
                    table.setdefault(str(k.value), (k, v))
            self._tables[id(node)] = table
        return table.get(key)


def _find(
    node: Node | None, loc: Loc, index: _KeyIndex | None = None
) -> tuple[Node | None, Node | None, int]:
    """Walk the node tree along `loc`: (key node, value node, parts matched)."""
    index = index if index is not None else _KeyIndex()
    key_node: Node | None = None
    for depth, part in enumerate(loc):
        if isinstance(node, MappingNode) and isinstance(part, str | int | bool | float):
            match = index.get(node, str(part))
            if match is None:
                return key_node, node, depth
            key_node, node = match
        elif isinstance(node, SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                return key_node, node, depth
            key_node, node = None, node.value[part]
        else:
            return key_node, node, depth
    return key_node, node, len(loc)


def _line_of(root: Node | None, loc: Loc, index: _KeyIndex | None = None) -> int | None:
    """1-based line of the key (or item) at `loc`; its parent's line if it is missing."""
    key_node, node, matched = _find(root, loc, index)
    if matched == 0 and loc:
        return None  # a key missing from the root: no better line than "the file"
    target = key_node if matched == len(loc) and key_node is not None else node
    return target.start_mark.line + 1 if target is not None else None


def _issue_from_error(err: Any, root: Node | None, index: _KeyIndex) -> _Issue:
    loc: Loc = tuple(err["loc"])
    ctx = err.get("ctx") or {}
    if err["type"] in ("duplicate_dependency", "self_dependency"):
        loc = ("depends_on", ctx["index"], "name")
    _, value_node, matched = _find(root, loc, index)
    source_text = (
        value_node.value if matched == len(loc) and isinstance(value_node, ScalarNode) else None
    )
    line = _line_of(root, loc, index)
    return _Issue(_format_path(loc), _message(err, loc, source_text), line)


def _message(err: Any, loc: Loc, source_text: str | None) -> str:
    """pydantic's messages rewritten for people editing YAML."""
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    got = _describe(value, source_text)
    if kind == "missing":
        return "required"
    if kind == "string_type":
        if value is None:
            return "must be a string (the value is empty)"
        if isinstance(value, bool | int | float | _dt.date) and source_text is not None:
            label = f"{loc[-1]}: " if loc and isinstance(loc[-1], str) else ""
            return f"must be a string; quote it: {label}{_yaml_quote(source_text)}"
        return f"must be a string (got {got})"
    if kind == "literal_error":
        allowed = ", ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        return f"must be one of {allowed} (got {got})"
    if kind in ("float_type", "float_parsing"):
        hint = "; remove the quotes" if isinstance(value, str) and _is_number(value) else ""
        return f"must be a number (got {got}){hint}"
    if kind == "finite_number":
        return f"must be a finite number (got {got})"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        if isinstance(value, str) and _is_number(value):
            return f"must be a whole number (got {got}); remove the quotes"
        return f"must be a whole number (got {got})"
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be at least {_number(ctx.get('ge', ctx.get('gt')))} (got {got})"
    if kind in ("less_than_equal", "less_than"):
        return f"must be at most {_number(ctx.get('le', ctx.get('lt')))} (got {got})"
    if kind == "bool_type":
        return f"must be true or false (got {got})"
    if kind == "list_type":
        return f"must be a list (got {got})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a mapping of keys to values (got {got})"
    message = str(err["msg"])
    return message[:1].lower() + message[1:] if message else kind


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _describe(value: Any, source_text: str | None) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, bool | int | float | _dt.date):
        return _one_line(source_text if source_text is not None else str(value), 60)
    return _kind(value)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, _dt.date):
        return "a date"
    return f"a {type(value).__name__}"


def _quote(value: Any, limit: int = 60) -> str:
    """A value as it appears in a message: 'text', shortened, on one line."""
    if not isinstance(value, str):
        return _one_line(repr(value), limit)
    shown = value if len(value) <= limit else value[: limit - 3] + "..."
    return repr(shown)


def _yaml_quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


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
