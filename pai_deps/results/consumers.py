"""Documents of `consumers` (who reads which fields of a tool's contracts)."""

from __future__ import annotations

from pai_deps.models import DependencyType, ToolType
from pai_deps.results.base import CamelModel, Envelope, OmitNone


class ContractUse(CamelModel):
    """One contract a consumer reads, and which fields (`[""]`: all of it)."""

    contract: str
    fields: list[str]


class Consumer(CamelModel):
    """A direct dependent, with what it declared it reads of the provider."""

    id: str
    type: ToolType
    stub: bool
    edge_type: DependencyType
    optional: bool
    # False when its manifest declares no `uses`: it is assumed to read everything.
    declared: bool
    uses: list[ContractUse]


class Consumers(Envelope):
    """`pai-deps --json consumers TOOL [CONTRACT] [--field POINTER]`."""

    tool: str
    contract: OmitNone[str] = None
    field: OmitNone[str] = None
    consumers: list[Consumer]
    count: int
