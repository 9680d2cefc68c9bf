"""email's MCP server: small, but real - the official MCP Python SDK, over stdio.

`pai-deps verify email` starts it (`mcp_start` in the manifest), lists its tools and
compares `email_search`'s input schema with schemas/email_search.input.json.
"""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import MCPServer
from pydantic import Field

INBOX = [
    {"id": "m1", "subject": "Lunch moved to Thursday", "from": "ana@example.com"},
    {"id": "m2", "subject": "Quarterly review agenda", "from": "lee@example.com"},
]

server = MCPServer("email", version="3.1.0")


@server.tool()
def email_search(
    query: Annotated[str, Field(description="Search terms")],
    limit: Annotated[int, Field(description="At most this many messages")] = 20,
) -> list[dict[str, str]]:
    """Search the inbox; each hit is a message's id, subject and sender."""
    words = query.lower().split()
    return [m for m in INBOX if any(w in m["subject"].lower() for w in words)][:limit]


@server.resource("email://inbox")
def inbox() -> str:
    """The subjects in the inbox, one per line."""
    return "\n".join(m["subject"] for m in INBOX)


if __name__ == "__main__":
    server.run()
