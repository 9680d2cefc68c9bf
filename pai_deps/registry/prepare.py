"""Before a write: a manifest's contracts, with every schema file it names read and hashed.

A manifest is validated completely (schema files included) before anything is written,
so `register` and `sync` either write a whole manifest or nothing of it. Schema files are
read only from inside the tool's repository, through the one guarded reader.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pai_deps.errors import ManifestError, PaiDepsError
from pai_deps.models import ContractType

if TYPE_CHECKING:  # the manifest model (and YAML) load only when a manifest is read
    from pai_deps.manifest import LoadedManifest, Manifest
    from pai_deps.manifest.model import Deprecatable
    from pai_deps.schemacompat.dialect import Draft


@dataclass(frozen=True)
class Deprecation:
    """A contract its manifest marks `deprecated: true`, with when it goes and what instead."""

    until: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class ContractSpec:
    """A contract derived from `provides`, with its schema already read and hashed."""

    contract_type: str
    name: str
    schema_path: str | None
    schema_hash: str | None
    schema_snapshot: str | None
    status_reason: str | None = None  # set when the schema file does not exist
    probe: list[str] | None = None
    help: list[str] | Literal[False] | None = None
    deprecation: Deprecation | None = None


@dataclass(frozen=True)
class ProvidesCount:
    """How many CLI commands, MCP tools, MCP resources, library exports and databases."""

    cli: int = 0
    mcp: int = 0  # MCP tools
    resources: int = 0
    library: int = 0
    database: int = 0


@dataclass(frozen=True)
class PreparedManifest:
    """Everything `register` will write, computed before the transaction starts."""

    loaded: LoadedManifest
    contracts: tuple[ContractSpec, ...]
    provides: ProvidesCount
    warnings: tuple[str, ...] = ()  # the manifest's own, then the schema files'

    def all_warnings(self) -> list[str]:
        return [*self.loaded.warnings, *self.warnings]

    @property
    def manifest(self) -> Manifest:
        return self.loaded.manifest


@dataclass(frozen=True)
class DeclaredContract:
    """A contract as a manifest declares it, before any schema file is read."""

    contract_type: ContractType
    name: str
    schema_ref: str | None
    probe: list[str] | None = None
    help: list[str] | Literal[False] | None = None
    deprecation: Deprecation | None = None


def _deprecation(item: Deprecatable) -> Deprecation | None:
    return Deprecation(item.until, item.message) if item.deprecated else None


def declared_contracts(manifest: Manifest) -> list[DeclaredContract]:
    """The contracts `provides` promises, first declaration winning on a repeated name.

    CLI commands -> cli_output, MCP tools -> mcp_tool (their input schema) and, where an
    output schema is declared, mcp_output, library exports -> library_export, databases ->
    db_schema. MCP resources are not contracts.
    """
    provides = manifest.provides
    items = [
        *(
            DeclaredContract(
                "cli_output", c.command, c.output_schema, c.probe, c.help, _deprecation(c)
            )
            for c in provides.cli
        ),
        *(
            DeclaredContract("mcp_tool", m.tool, m.schema_, deprecation=_deprecation(m))
            for m in provides.mcp
            if m.tool
        ),
        *(
            DeclaredContract("mcp_output", m.tool, m.output_schema, deprecation=_deprecation(m))
            for m in provides.mcp
            if m.tool and m.output_schema
        ),
        *(DeclaredContract("library_export", lib.export, None) for lib in provides.library),
        *(DeclaredContract("db_schema", d.path, d.schema_) for d in provides.database),
    ]
    found: dict[tuple[str, str], DeclaredContract] = {}
    for item in items:
        found.setdefault((item.contract_type, item.name), item)
    return list(found.values())


def schema_refs(manifest: Manifest) -> list[tuple[str, str]]:
    """(dotted location, reference) of every schema file the manifest names."""
    provides = manifest.provides
    return [
        *(
            (f"provides.cli[{i}].output_schema", c.output_schema)
            for i, c in enumerate(provides.cli)
            if c.output_schema
        ),
        *(
            (f"provides.mcp[{i}].schema", m.schema_)
            for i, m in enumerate(provides.mcp)
            if m.schema_
        ),
        *(
            (f"provides.mcp[{i}].output_schema", m.output_schema)
            for i, m in enumerate(provides.mcp)
            if m.output_schema
        ),
        *(
            (f"provides.database[{i}].schema", d.schema_)
            for i, d in enumerate(provides.database)
            if d.schema_
        ),
    ]


def resolve_schema_path(tool_dir: Path, ref: str) -> Path:
    """A schema reference as a file: absolute, `~`-expanded, or relative to the tool.

    As in a shell, `~user` naming no user stays as written (a relative path).
    """
    path = Path(ref)
    with contextlib.suppress(RuntimeError):  # no such user, or no home directory
        path = path.expanduser()
    return path if path.is_absolute() else tool_dir / path


def read_schema_file(tool_dir: Path, ref: str) -> Any:
    """The one guarded way a manifest's schema file is read at registration.

    The file must resolve (symlinks followed) inside the tool's repository, so a
    manifest from elsewhere cannot pull a credentials file into the registry as its
    "schema"; then it is read as a small regular file (see `load_json_file`).
    """
    from pai_deps.schemas import load_json_file

    path = resolve_schema_path(tool_dir, ref)
    home = outside_repository(tool_dir, path)
    if home is not None:
        raise PaiDepsError(
            f"{path} is outside the tool's repository ({home}); pai-deps reads schema files "
            "only from there",
            code="schema_outside_repository",
        )
    return load_json_file(path)


def outside_repository(tool_dir: Path, path: Path) -> Path | None:
    """The repository root `path` escapes from, or None when it is inside.

    The repository is the nearest enclosing git work tree of the tool's directory, or
    the directory itself when there is none.
    """
    import os

    try:
        tool_real = Path(os.path.realpath(tool_dir))
        target = Path(os.path.realpath(path))
    except (OSError, ValueError):
        return None  # unresolvable (e.g. a NUL byte): reading it fails with its own error
    home = next(
        (d for d in (tool_real, *tool_real.parents) if os.path.lexists(d / ".git")), tool_real
    )
    return None if target == home or home in target.parents else home


def prepare(loaded: LoadedManifest, *, strict: bool = False) -> PreparedManifest:
    """Read and hash every schema file the manifest names.

    A schema file that does not exist (yet) is a warning: the contract registers with
    status `unknown` and the reason, and `drift` reports it missing. Under `strict` it is
    an error, like every other problem with a schema file. A schema's `$ref`s may reach
    files in its own folder (bundled into what is hashed and stored); a reference anywhere
    else is refused, and nothing is fetched.
    """
    from pai_deps.manifest.lookup import key_line
    from pai_deps.schemacompat import load_schema
    from pai_deps.schemas import normalise, schema_hash

    manifest = loaded.manifest
    documents: dict[str, tuple[str, str]] = {}
    absent: dict[str, str] = {}  # ref -> why its contract is `unknown`
    issues: list[tuple[str, str, str]] = []
    warnings: list[str] = []
    for location, ref in schema_refs(manifest):
        if ref in documents or ref in absent:
            continue
        schema_path = resolve_schema_path(loaded.tool_dir, ref)
        try:
            draft: Draft = "2020-12" if location.startswith("provides.mcp") else "draft7"
            document = load_schema(
                schema_path,
                read_json=lambda path: read_schema_file(loaded.tool_dir, str(path)),
                default=draft,
            )
            documents[ref] = (schema_hash(document), normalise(document))
        except PaiDepsError as exc:
            if exc.code == "file_not_found" and not strict:  # not there yet: a warning
                absent[ref] = f"schema file {schema_path} did not exist when it was registered"
                line = key_line(loaded.manifest_path, location)
                warnings.append(
                    f"{location}{f' (line {line})' if line else ''}: schema file not found: "
                    f"{schema_path}; its contract stays unknown until the file exists"
                )
            else:
                issues.append((location, ref, exc.message))
        except RecursionError:
            issues.append((location, ref, f"{ref}: nested too deeply to process"))
    if issues:
        path = str(loaded.manifest_path)
        located = [
            (where, key_line(loaded.manifest_path, where), message) for where, _, message in issues
        ]
        raise ManifestError(
            f"Invalid manifest at {path}:",
            lines=[
                f"{where}{f' (line {line})' if line else ''}: {message}"
                for where, line, message in located
            ],
            details={
                "file": path,
                "issues": [{"path": w, "message": m, "line": n} for w, n, m in located],
            },
        )
    specs = []
    for item in declared_contracts(manifest):
        ref = item.schema_ref or ""
        stored_hash, snapshot = documents.get(ref, (None, None))
        specs.append(
            ContractSpec(
                item.contract_type,
                item.name,
                item.schema_ref,
                stored_hash,
                snapshot,
                absent.get(ref),
                probe=item.probe,
                help=item.help,
                deprecation=item.deprecation,
            )
        )
    provides = manifest.provides
    mcp_tools = sum(1 for m in provides.mcp if m.tool)
    count = ProvidesCount(
        cli=len(provides.cli),
        mcp=mcp_tools,
        resources=len(provides.mcp) - mcp_tools,
        library=len(provides.library),
        database=len(provides.database),
    )
    return PreparedManifest(loaded, tuple(specs), count, tuple(warnings))
