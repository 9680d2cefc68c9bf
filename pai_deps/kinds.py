"""The closed vocabularies of the registry: tool, dependency and contract kinds.

Plain `Literal`s, apart from the pydantic models that use them, so that validating a
`--type` option never imports pydantic (`ping` and `--help` would pay ~90 ms for it).
"""

from __future__ import annotations

from typing import Literal, get_args

ToolType = Literal["cli", "mcp", "library", "workflow", "hook", "cli+mcp"]
DependencyType = Literal["cli", "mcp", "library", "database", "npm", "implicit"]
ContractType = Literal["cli_output", "mcp_tool", "mcp_output", "library_export", "db_schema"]
ContractStatus = Literal["valid", "drift", "broken", "unknown"]
VerificationStatus = Literal["pass", "fail", "drift"]

TOOL_TYPES: tuple[str, ...] = get_args(ToolType)
DEPENDENCY_TYPES: tuple[str, ...] = get_args(DependencyType)
