"""The `pai-manifest.yaml` format as one pydantic model: the single source of truth for
validation, the JSON Schema editors use and the YAML `init` writes."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError

from pai_deps.manifest.wording import quote
from pai_deps.models import DependencyType, ToolType

# Debt is a small whole number; the cap keeps sums and fan-in products inside SQLite's
# 64-bit integers (a bigger value once aborted a whole sync with an overflow).
MAX_DEBT_SCORE = 1_000_000_000
# Past this many problems the rest are summarised in one line.

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
            {"value": quote(value)},
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


class Deprecatable(_Strict):
    """A contract its provider means to remove: consumers still using it are warned."""

    deprecated: bool = Field(
        default=False,
        description="True when consumers should stop using this contract; `verify`, "
        "`check` and `ci check` warn every consumer that still does.",
    )
    until: str | None = Field(
        default=None,
        description="When the contract goes away: a date (2027-06-30) or a version.",
    )
    message: str | None = Field(
        default=None, description="What consumers should use instead, in one line."
    )

    @model_validator(mode="after")
    def _until_needs_deprecated(self) -> Deprecatable:
        if not self.deprecated and (self.until is not None or self.message is not None):
            raise PydanticCustomError(
                "deprecation", "until and message belong to a contract with deprecated: true"
            )
        return self


class CliProvide(Deprecatable):
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
                {"value": quote(value)},
            )
        if len(value) > _MAX_ARGUMENTS or any("\x00" in v for v in value):
            raise PydanticCustomError(
                "help_arguments",
                f"must be at most {_MAX_ARGUMENTS} arguments without NUL bytes",
            )
        return list(value)


class McpProvide(Deprecatable):
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
    def _exactly_onekind(self) -> McpProvide:
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


def _pointer(value: str) -> str:
    from pai_deps.pointers import PointerError, parse_pointer

    try:
        parse_pointer(value)
    except PointerError as exc:
        raise PydanticCustomError(
            "invalid_pointer", "{value} {why}", {"value": quote(value), "why": str(exc)}
        ) from None
    return value


Pointer = Annotated[
    str, AfterValidator(_pointer), _SchemaHint((("pattern", r"^(/[^/]*)*$"), ("maxLength", 1024)))
]
# A consumer reads a handful of fields; thousands are a generated mistake.
_MAX_POINTERS = 1024


class Use(_Strict):
    """One of the provider's contracts this tool reads, and which fields of it."""

    contract: NonBlankStr = Field(
        description="The provider's contract, named as `pai-deps show PROVIDER` lists it "
        "(a CLI command line such as `email search <query> --json`, or an MCP tool name)."
    )
    fields: list[Pointer] | None = Field(
        default=None,
        max_length=_MAX_POINTERS,
        description="The fields read, as JSON pointers into the contract's output; `*` "
        "stands for any array index or key (e.g. /results/*/id). Left out: the whole "
        "contract is read.",
    )


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
    uses: list[Use] | None = Field(
        default=None,
        max_length=_MAX_POINTERS,
        description="The dependency's contracts (and their fields) this tool reads. Left "
        "out, the tool is assumed to read all of them: `drift`, `consumers` and "
        "`can-i-ship` count it as a reader of every field.",
    )

    @field_validator("uses", mode="after")
    @classmethod
    def _no_duplicate_contracts(cls, uses: list[Use] | None) -> list[Use] | None:
        seen: set[str] = set()
        for use in uses or []:
            if use.contract in seen:
                raise PydanticCustomError(
                    "duplicate_use",
                    "contract {contract} is listed twice; list its fields once",
                    {"contract": quote(use.contract)},
                )
            seen.add(use.contract)
        return uses


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
    slo: float | None = Field(
        default=None,
        ge=0,
        lt=1,
        allow_inf_nan=False,
        description="Reliability objective: the compound reliability (0 to 1, below 1) the "
        "tool's whole chain must keep; its budget is 1 - slo (chain-reliability fails over "
        "budget).",
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
                    {"name": quote(dep.name), "first": first_index[dep.name], "index": index},
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
                    {"name": quote(dep.name), "index": index},
                )
        return self
