"""List an MCP server's tools over stdio through the official MCP SDK, under one deadline.

The SDK (`mcp` 2.x) does the protocol: `stdio_client` spawns the server in its own
session (process group), `Client(mode="auto")` probes the 2026-07-28 `server/discover`
and falls back to the `initialize` handshake, and `list_tools` sends the requests. This
package adds what a verifier needs on top: one overall deadline (`conversation`),
pagination to the end with a guard against a cursor that never ends (`pages`), the
server's process learned and its group killed as soon as we give up on it (`process`),
the server's stderr kept off ours, and a single clear line (`McpError`, worded in
`wording`) for every way a server can fail.

The SDK is imported inside the functions: it costs ~0.5 s, and only `verify` needs it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pai_deps.verify.mcp_client.conversation import Conversation
from pai_deps.verify.mcp_client.listing import McpError, McpListing, McpResource, McpTool

__all__ = ["McpError", "McpListing", "McpResource", "McpTool", "list_server_tools", "load_sdk"]

_STDERR_TAIL_BYTES = 8192

# What a conversation imports, some of it only on first use (anyio loads its event-loop
# backend and stream classes lazily). tests/test_verify_mcp_offer.py checks the list.
_SDK_MODULES = (
    "tempfile",
    "anyio",
    "anyio._backends._asyncio",
    "anyio._core._resources",
    "anyio._core._sockets",
    "anyio._core._streams",
    "anyio._core._subprocesses",
    "anyio.abc._eventloop",
    "anyio.abc._sockets",
    "anyio.abc._testing",
    "anyio.streams.stapled",
    "anyio.streams.tls",
    "mcp_types",
    "mcp.client.client",
    "mcp.client.stdio",
    "mcp.os.posix.utilities",
    "mcp.shared.exceptions",
    "pydantic",
    "pai_deps.verify.stderr_tail",
)


def load_sdk() -> None:
    """Import everything a conversation needs, so timing one measures the server alone
    (the SDK takes about half a second to import, once per process)."""
    import importlib

    for name in _SDK_MODULES:
        importlib.import_module(name)


def list_server_tools(
    argv: list[str],
    *,
    cwd: Path,
    timeout: float,
    env: Mapping[str, str] | None = None,
    resources: bool = True,
) -> McpListing:
    """Start the server `argv` in `cwd` (no shell), list its tools, and stop it.

    `timeout` bounds start-up plus every request; the call returns or raises shortly
    after it (the server's process group is killed, not waited for). The server inherits
    our environment with `env` laid over it. Resources are listed too when `resources`
    is true and the server declares them.

    Raises:
        McpError: with one line saying what went wrong.
        ValueError: `timeout` is not positive.
    """
    if timeout <= 0:
        raise ValueError(f"timeout must be positive, got {timeout}")
    if not argv or not argv[0]:
        raise McpError("MCP server command is empty", details={"argv": list(argv)})
    if not cwd.is_dir():
        raise McpError(
            f"MCP server working directory does not exist: {cwd}",
            details={"argv": list(argv), "cwd": str(cwd)},
        )

    import anyio

    from pai_deps.verify.procs import TOKEN_VARIABLE, kill_tagged, new_token
    from pai_deps.verify.stderr_tail import StderrTail

    _quiet_sdk_loggers()
    token = new_token()  # inherited by everything the server starts: see procs
    errlog = StderrTail(_STDERR_TAIL_BYTES)
    conversation = Conversation(argv=list(argv), cwd=cwd, timeout=timeout, errlog=errlog)
    merged_env = {**os.environ, **(env or {}), TOKEN_VARIABLE: token}
    try:
        return anyio.run(conversation.run, merged_env, resources)
    finally:
        # Helpers that left the server's group (setsid) go too; then the stderr pipe.
        kill_tagged(token)
        errlog.finish()


def _quiet_sdk_loggers() -> None:
    """Keep the SDK's log records off stderr unless the application configured logging.

    The SDK logs unparseable stdout lines at ERROR; with no handler anywhere, Python's
    last-resort handler would print them (and a traceback) to our stderr.
    """
    import logging

    for name in ("mcp", "client"):
        logger = logging.getLogger(name)
        if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
            logger.addHandler(logging.NullHandler())
