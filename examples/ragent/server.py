"""ragent's MCP server: small, but real - the official MCP Python SDK, over stdio.

`pai-deps verify ragent` starts it (`mcp_start` in the manifest), lists its tools and
compares each one's input schema with the file the manifest declares. It answers calls
too, from a few canned notes: `ragent_query(question="when is the review?")`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server.mcpserver import MCPServer
from pydantic import Field

Source = Literal["mail", "tana", "notes"]
NOTES: dict[str, list[str]] = {
    "mail": ["Lunch with Ana moved to Thursday."],
    "tana": ["#project pai-deps: ship the README tour."],
    "notes": ["The quarterly review is on the 14th."],
}

server = MCPServer("ragent", version="0.4.0")


def _words(text: str) -> set[str]:
    return {word.strip("?.,:#").lower() for word in text.split() if len(word) > 3}


@server.tool()
def ragent_query(
    question: Annotated[str, Field(description="What to look for")],
    sources: Annotated[list[Source] | None, Field(description="Where to look")] = None,
) -> str:
    """Answer a question from notes, mail and Tana."""
    asked = _words(question)
    hits = [
        line for source in sources or list(NOTES) for line in NOTES[source] if asked & _words(line)
    ]
    return "\n".join(hits) or "Nothing found."


@server.tool()
def ragent_sources() -> list[str]:
    """The sources ragent can search."""
    return list(NOTES)


if __name__ == "__main__":
    server.run()
