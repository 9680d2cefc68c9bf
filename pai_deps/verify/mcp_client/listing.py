"""What a conversation with an MCP server yields: its listing, or one `McpError`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pai_deps.errors import PaiDepsError


class McpError(PaiDepsError):
    """An MCP server could not be started, did not answer in time, or broke the protocol."""

    code = "mcp_error"


@dataclass(frozen=True)
class McpTool:
    """One tool as the server lists it; schemas are the raw JSON objects."""

    name: str
    description: str | None
    input_schema: dict[str, Any]
    output_schema: dict[str, Any] | None = None


@dataclass(frozen=True)
class McpResource:
    """One concrete resource as the server lists it (templates are not listed)."""

    uri: str
    name: str
    description: str | None = None
    mime_type: str | None = None


@dataclass(frozen=True)
class McpListing:
    """Everything one conversation with a server learned.

    `server_name`/`server_version` are None when a 2026-07-28 server does not identify
    itself (the stamp is optional there); `server_version` is also None when unversioned.
    `pages` counts `tools/list` requests (0 when the server has no tools at all);
    `warnings` are oddities that did not stop the listing.
    """

    tools: list[McpTool]
    server_name: str | None
    server_version: str | None
    protocol_version: str
    pages: int
    resources: list[McpResource] = field(default_factory=list)
    resource_pages: int = 0
    warnings: list[str] = field(default_factory=list)
