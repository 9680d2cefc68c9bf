"""Listing tools and resources page by page, with a guard against a cursor that never ends."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from pai_deps.verify.mcp_client.listing import McpResource, McpTool

if TYPE_CHECKING:
    from mcp.client.client import Client


class CursorLoopError(Exception):
    """The server handed back a cursor it had already given: its pagination never ends."""

    def __init__(self, what: str, cursor: str, pages: int) -> None:
        super().__init__(what, cursor, pages)
        self.what = what
        self.cursor = cursor
        self.pages = pages


async def list_tools(client: Client) -> tuple[list[McpTool], int]:
    """Every tool the server lists, and how many `tools/list` pages that took."""
    from mcp.shared.exceptions import MCPError
    from mcp_types import METHOD_NOT_FOUND

    tools: list[McpTool] = []

    async def page(cursor: str | None) -> str | None:
        result = await client.list_tools(cursor=cursor)
        tools.extend(
            McpTool(
                name=tool.name,
                description=tool.description,
                input_schema=tool.input_schema,
                output_schema=tool.output_schema,
            )
            for tool in result.tools
        )
        return result.next_cursor

    try:
        pages = await follow_cursors(page, "tools/list")
    except MCPError as exc:
        # A server without the tools capability may refuse the method: no tools.
        if exc.code == METHOD_NOT_FOUND and client.server_capabilities.tools is None:
            return [], 0
        raise
    return tools, pages


async def list_resources(client: Client) -> tuple[list[McpResource], int]:
    """Every concrete resource the server lists, and how many pages that took."""
    found: list[McpResource] = []

    async def page(cursor: str | None) -> str | None:
        result = await client.list_resources(cursor=cursor)
        found.extend(
            McpResource(
                uri=str(resource.uri),
                name=resource.name,
                description=resource.description,
                mime_type=resource.mime_type,
            )
            for resource in result.resources
        )
        return result.next_cursor

    return found, await follow_cursors(page, "resources/list")


async def follow_cursors(fetch: Callable[[str | None], Awaitable[str | None]], what: str) -> int:
    """Fetch pages until the cursor is absent; a cursor seen before means a loop."""
    cursor: str | None = None
    seen: set[str] = set()
    pages = 0
    while True:
        cursor = await fetch(cursor)
        pages += 1
        if not cursor:  # absent, or an empty string no server means as "more"
            return pages
        if cursor in seen:
            raise CursorLoopError(what, cursor, pages)
        seen.add(cursor)
