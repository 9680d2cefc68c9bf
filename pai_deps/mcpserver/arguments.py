"""The arguments of each MCP tool: the command's own argument and option names, in
snake_case (`--skip-optional` is `skip_optional`), validated as the CLI validates them.

Each model's JSON Schema is the tool's `inputSchema`; unknown arguments are refused (a
typo is an error, not an ignored option).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from pai_deps.models import ToolType

ToolId = Annotated[str, Field(min_length=1, description="The tool's id.")]
Depth = Annotated[
    int | None,
    Field(ge=1, description="Walk at most N hops (implies transitive; 1 = direct only)."),
]
TypeFilter = Annotated[
    ToolType | None,
    Field(description="Only list tools of this type (the walk still passes through every type)."),
]
SkipOptional = Annotated[bool, Field(description="Do not follow dependencies declared optional.")]
RiskLevel = Literal["low", "medium", "high", "critical"]
Runs = Annotated[
    int | None,
    Field(
        ge=1,
        le=100,
        description="Observed reliability counts each tool's newest N verify runs "
        "[default: observed_runs in config.toml, else 20].",
    ),
]


Contract = Annotated[
    str | None,
    Field(min_length=1, description="Only through consumers of this contract (as show names it)."),
]
FieldPointer = Annotated[
    str | None,
    Field(
        min_length=1,
        description="Only through consumers that read this field (a JSON pointer, * for any "
        "index or key, e.g. /results/*/id).",
    ),
]


class Arguments(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class NoArguments(Arguments):
    pass


class ListArguments(Arguments):
    type: Annotated[ToolType | None, Field(description="Only tools of this type.")] = None
    stubs: Annotated[
        bool | None, Field(description="true: only stubs; false: no stubs; absent: both.")
    ] = None
    runs: Runs = None


class ShowArguments(Arguments):
    tool: ToolId
    runs: Runs = None


class ToolArguments(Arguments):
    tool: ToolId


class NeighbourArguments(Arguments):
    tool: ToolId
    transitive: Annotated[
        bool, Field(description="Everything reached, not only direct neighbours.")
    ] = False
    depth: Depth = None
    type: TypeFilter = None
    skip_optional: SkipOptional = False


class AffectedArguments(Arguments):
    tool: ToolId
    direct: Annotated[bool, Field(description="Only tools that depend on it directly.")] = False
    depth: Annotated[int | None, Field(ge=1, description="At most N hops away.")] = None
    type: TypeFilter = None
    skip_optional: SkipOptional = False
    contract: Contract = None
    field: FieldPointer = None


class PathArguments(Arguments):
    from_: Annotated[str, Field(alias="from", min_length=1, description="The depending tool.")]
    to: Annotated[str, Field(min_length=1, description="The tool depended on.")]
    skip_optional: SkipOptional = False


class AllPathsArguments(PathArguments):
    limit: Annotated[int, Field(ge=1, le=10_000, description="List at most N paths.")] = 10
    max_length: Annotated[int | None, Field(ge=1, description="Only paths of at most L hops.")] = (
        None
    )


class ChainArguments(Arguments):
    tool: Annotated[str | None, Field(min_length=1, description="The tool's id (or use all).")] = (
        None
    )
    all: Annotated[bool, Field(description="Every registered tool.")] = False
    min: Annotated[
        float,
        Field(ge=0.0, le=1.0, description="Threshold; a compound below it fails."),
    ] = 0.8
    skip_optional: SkipOptional = False
    observed: Annotated[
        bool,
        Field(description="Multiply observed reliability where a tool has runs, not declared."),
    ] = False
    runs: Runs = None


class BlastArguments(Arguments):
    tool: ToolId
    skip_optional: SkipOptional = False
    fail_on: Annotated[
        RiskLevel | None,
        Field(description="success is false when the risk level is at least this."),
    ] = None
    contract: Contract = None
    field: FieldPointer = None


class ConsumersArguments(Arguments):
    tool: ToolId
    contract: Annotated[
        str | None,
        Field(min_length=1, description="Only consumers of this contract (as show names it)."),
    ] = None
    field: FieldPointer = None


class ShipArguments(Arguments):
    tool: Annotated[str, Field(min_length=1, description="The provider's id.")]
    ref: Annotated[
        str | None,
        Field(
            min_length=1,
            description="Judge the schema files as they are at this git commit, branch or "
            "tag (default: as they are on disk).",
        ),
    ] = None
    allow_risky: Annotated[
        bool, Field(description="Risky changes are reported but do not block.")
    ] = False


class DebtArguments(Arguments):
    type: Annotated[ToolType | None, Field(description="Only tools of this type.")] = None
    min: Annotated[
        int, Field(ge=0, description="List tools with at least this much debt (0: every tool).")
    ] = 1


class RegisterArguments(Arguments):
    path: Annotated[
        str,
        Field(min_length=1, description="A directory holding pai-manifest.yaml, or a manifest."),
    ]
    force: Annotated[
        bool, Field(description="Take over a name registered from another directory.")
    ] = False
    strict: Annotated[
        bool, Field(description="Warnings are errors (unknown keys, missing schema files).")
    ] = False


class SyncArguments(Arguments):
    roots: Annotated[
        list[Annotated[str, Field(min_length=1)]],
        Field(min_length=1, description="Directories to search for manifests."),
    ]
    dry_run: Annotated[bool, Field(description="Write nothing; say what would change.")] = False
    prune: Annotated[
        bool, Field(description="Unregister tools whose manifest under the roots is gone.")
    ] = False
    strict: Annotated[bool, Field(description="Warnings are errors.")] = False


class DriftArguments(Arguments):
    tool: Annotated[str | None, Field(min_length=1, description="The tool's id (or use all).")] = (
        None
    )
    all: Annotated[bool, Field(description="Every registered tool.")] = False
    allow_risky: Annotated[
        bool, Field(description="Risky changes are reported but do not fail.")
    ] = False


class CiAffectedArguments(Arguments):
    files: Annotated[
        list[Annotated[str, Field(min_length=1)]] | None,
        Field(description="Changed files (relative to directory), instead of asking git."),
    ] = None
    base: Annotated[
        str | None,
        Field(
            min_length=1, description="Compare BASE...HEAD [default: origin/HEAD, main, master]."
        ),
    ] = None
    head: Annotated[str, Field(min_length=1, description="End of the range.")] = "HEAD"
    staged: Annotated[bool, Field(description="The staged change (the index against HEAD).")] = (
        False
    )
    direct: Annotated[bool, Field(description="Only direct dependents of the changed tools.")] = (
        False
    )
    explain: Annotated[
        bool, Field(description="Why each tool is in: file -> owning tool -> ... -> tool.")
    ] = False
    directory: Annotated[
        str | None,
        Field(
            min_length=1,
            description="Where the change is (a git work tree) [default: the server's "
            "working directory].",
        ),
    ] = None


class VerifyArguments(Arguments):
    tool: Annotated[str | None, Field(min_length=1, description="The tool's id (or use all).")] = (
        None
    )
    all: Annotated[bool, Field(description="Every registered tool.")] = False
    cli_only: Annotated[bool, Field(description="Only CLI contracts.")] = False
    mcp_only: Annotated[bool, Field(description="Only MCP contracts.")] = False
    quick: Annotated[
        bool, Field(description="Only check that the executables exist (runs nothing).")
    ] = False
    strict: Annotated[
        bool, Field(description="Also require every --flag a command declares in its --help.")
    ] = False
    timeout: Annotated[
        float, Field(gt=0, le=3600, description="Seconds for each command and MCP conversation.")
    ] = 10.0
    contract: Annotated[
        str | None, Field(min_length=1, description="Only this contract of the tool.")
    ] = None
    no_save: Annotated[bool, Field(description="Check, but record nothing.")] = False
    allow_risky: Annotated[
        bool, Field(description="Risky schema changes are reported but do not fail.")
    ] = False
    allow_unverified: Annotated[
        bool, Field(description="Contracts that cannot be checked are a warning only.")
    ] = False
