"""Documents of the registry's writing commands: `register`, `unregister`, `stubs prune`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from pai_deps.models import ToolType
from pai_deps.results.base import CamelModel, Envelope, OmitNone


def _is_zero(value: object) -> bool:
    return value == 0


# A count left out of the document when it is 0 (the TypeScript tool's `provides`).
NonZero = Annotated[int, Field(default=0, exclude_if=_is_zero)]


class ProvidesCounts(CamelModel):
    """How many of each kind a manifest provides; kinds with none are left out.

    The TypeScript tool's `mcp` counted every MCP entry, tools and resources alike;
    `mcpTools` and `resources` say which is which.
    """

    cli: NonZero = 0
    mcp: NonZero = 0
    mcp_tools: NonZero = 0
    resources: NonZero = 0
    library: NonZero = 0
    database: NonZero = 0


class RegisteredTool(CamelModel):
    id: str
    name: str
    version: OmitNone[str] = None
    type: ToolType
    path: str
    manifest_path: str | None
    dependencies: int
    provides: ProvidesCounts
    contracts: int


class Registration(Envelope):
    """`pai-deps --json register PATH`."""

    # "registered", or "updated" when the id existed (as a stub or a tool)
    action: Literal["registered", "updated"]
    replaced_stub: bool
    tool: RegisteredTool
    stubs_created: list[str]
    cycles: list[list[str]]
    warnings: list[str]  # one per stub created, then the rest

    @property
    def is_new(self) -> bool:
        """A tool that was not registered before (replacing a stub counts as new)."""
        return self.action == "registered" or self.replaced_stub


class Unregistered(Envelope):
    """`pai-deps --json unregister TOOL`: removed, or kept as a stub for its dependents."""

    action: Literal["unregistered", "stubbed"]
    tool: str
    was_stub: bool
    affected_dependents: list[str]
    resolved_cycles: list[list[str]]


class PrunedStubs(Envelope):
    """`pai-deps --json stubs prune`."""

    removed: list[str]
    count: int
