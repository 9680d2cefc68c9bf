"""List an MCP server's tools over stdio through the official MCP SDK, under one deadline.

The SDK (`mcp` 2.x) does the protocol: `stdio_client` spawns the server in its own
session (process group), `Client(mode="auto")` probes the 2026-07-28 `server/discover`
and falls back to the `initialize` handshake, and `list_tools` sends the requests. This
module adds what a verifier needs on top: one overall deadline, pagination to the end
with a guard against a cursor that never ends, the server's stderr kept off ours, and a
single clear line (`McpError`) for every way a server can fail.

One seam into the SDK's stdio transport, because it never exposes its process: its
spawn function is wrapped to learn the process, for the exit code and to kill the
server's process group as soon as we give up on it, instead of after the SDK's polite
close (stdin EOF, 2 s, SIGTERM, 2 s, SIGKILL).

The SDK is imported inside the functions: it costs ~0.5 s, and only `verify` needs it.
"""

from __future__ import annotations

import contextvars
import functools
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pai_deps.errors import PaiDepsError

if TYPE_CHECKING:
    from types import ModuleType

    from anyio.abc import Process
    from mcp.client._transport import TransportStreams
    from mcp.client.client import Client

    from pai_deps.verify.stderr_tail import StderrTail

__all__ = ["McpError", "McpListing", "McpResource", "McpTool", "list_server_tools", "load_sdk"]

# A server that answered is closed politely by the SDK, but only until the deadline plus
# _EXIT_GRACE; then its process group gets SIGTERM, and SIGKILL _KILL_GRACE later. A
# server we give up on (timeout, crash, protocol error) gets the kill at once.
_EXIT_GRACE = 0.25
_KILL_GRACE = 0.25
# How long to wait for an exit status after the server closed its stdout.
_EXIT_STATUS_WAIT = 0.5
_POLL = 0.01
_STDERR_TAIL_BYTES = 8192
_MAX_DETAIL = 200

_SPAWN_SEAM = "_create_platform_compatible_process"
_HOOK_MARK = "__pai_deps_spawn_hook__"


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
    conversation = _Conversation(argv=list(argv), cwd=cwd, timeout=timeout, errlog=errlog)
    merged_env = {**os.environ, **(env or {}), TOKEN_VARIABLE: token}
    try:
        return anyio.run(conversation.run, merged_env, resources)
    finally:
        # Helpers that left the server's group (setsid) go too; then the stderr pipe.
        kill_tagged(token)
        errlog.finish()


@dataclass
class _Conversation:
    """State of one server conversation, shared by the talking and the watching tasks."""

    argv: list[str]
    cwd: Path
    timeout: float
    errlog: StderrTail  # the child writes straight to its pipe; we keep the tail
    phase: str = "start-up"
    process: Process | None = None
    closed_streams: tuple[str, ...] = ()  # which of stdin/stdout it closed, if it lives on
    failure: BaseException | None = None
    exit_status: int | None = None  # the server's own, read before we kill anything
    stdout_noise: str | None = None

    async def run(self, env: dict[str, str], resources: bool) -> McpListing:
        import anyio
        from mcp.client import stdio

        deadline = anyio.current_time() + self.timeout
        params = stdio.StdioServerParameters(
            command=self.argv[0], args=self.argv[1:], env=env, cwd=self.cwd
        )
        processes: list[Process] = []
        token = _spawned.set(processes)
        hooked = _install_spawn_hook(stdio)
        listing: McpListing | None = None
        try:
            async with anyio.create_task_group() as watchers:
                try:
                    async with stdio.stdio_client(params, errlog=self.errlog.writer) as streams:
                        self.errlog.spawned()
                        self.process = processes[0] if processes else None
                        watchers.start_soon(self._kill_after, deadline + _EXIT_GRACE)
                        with anyio.CancelScope(deadline=deadline):
                            try:
                                listing = await self._talk(streams, resources)
                            except Exception as exc:  # whatever the peer provoked
                                self.failure = _single(exc)
                                await self._note_exit_status(deadline)
                        if listing is None:
                            if self.exit_status is None and self.process is not None:
                                self.exit_status = self.process.returncode
                            process = self.process
                            if self.failure is None and self.exit_status is None and process:
                                # Our request may have reached the pipe before the
                                # server closed it: no error, just silence.
                                self.closed_streams = _closed_standard_streams(process.pid)
                            # Abandoning the server: kill it now rather than after the
                            # SDK's polite close (2 s for stdin EOF, 2 s after SIGTERM).
                            await self._kill()
                except OSError as exc:
                    if self.process is not None or processes:
                        raise
                    raise self._spawn_error(exc) from None
                except ValueError as exc:  # NUL bytes in argv or env
                    if processes:
                        raise
                    raise McpError(
                        f"MCP server command cannot be started: {exc}",
                        details=self._details(),
                    ) from None
                finally:
                    watchers.cancel_scope.cancel()
            # The SDK stops the leader; helpers it left in the group go too.
            await self._kill()
        except BaseExceptionGroup as group:
            raise _single(group) from None
        finally:
            _spawned.reset(token)
        if listing is not None:
            return listing
        raise self._error(hooked)

    async def _talk(self, streams: TransportStreams, resources: bool) -> McpListing:
        import mcp_types as types
        from mcp.client.client import Client

        import pai_deps

        client = Client(
            _already_open(streams),
            mode="auto",
            cache=None,
            client_info=types.Implementation(name="pai-deps", version=pai_deps.__version__),
            message_handler=self._on_message,
        )
        async with client:
            self.phase = "tools/list"
            tools, pages = await self._list_tools(client)
            found_resources: list[McpResource] = []
            resource_pages = 0
            if resources and client.server_capabilities.resources is not None:
                self.phase = "resources/list"
                found_resources, resource_pages = await self._list_resources(client)
            info = client.server_info
            warnings = []
            if self.stdout_noise is not None:
                warnings.append(f"server wrote non-JSON-RPC output to stdout: {self.stdout_noise}")
            return McpListing(
                tools=tools,
                server_name=info.name if info else None,
                server_version=(info.version or None) if info else None,
                protocol_version=client.protocol_version,
                pages=pages,
                resources=found_resources,
                resource_pages=resource_pages,
                warnings=warnings,
            )

    async def _list_tools(self, client: Client) -> tuple[list[McpTool], int]:
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
            pages = await _follow_cursors(page, "tools/list")
        except MCPError as exc:
            # A server without the tools capability may refuse the method: no tools.
            if exc.code == METHOD_NOT_FOUND and client.server_capabilities.tools is None:
                return [], 0
            raise
        return tools, pages

    async def _list_resources(self, client: Client) -> tuple[list[McpResource], int]:
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

        return found, await _follow_cursors(page, "resources/list")

    async def _on_message(self, message: object) -> None:
        """Remember the first stdout line the SDK could not parse (it carries on)."""
        if isinstance(message, Exception) and self.stdout_noise is None:
            self.stdout_noise = _describe_noise(message)

    async def _note_exit_status(self, deadline: float) -> None:
        """After a failure, learn whether the server has exited (its EOF can beat its status)."""
        import anyio
        from mcp.shared.exceptions import MCPError
        from mcp_types import CONNECTION_CLOSED

        process = self.process
        if process is None:
            return
        closed = isinstance(self.failure, MCPError) and self.failure.code == CONNECTION_CLOSED
        if not closed:
            self.exit_status = process.returncode
            return
        wait = min(_EXIT_STATUS_WAIT, max(0.0, deadline - anyio.current_time()))
        with anyio.move_on_after(wait):
            while process.returncode is None:
                await anyio.sleep(_POLL)
        self.exit_status = process.returncode
        if self.exit_status is None:  # alive: which end of the conversation did it close?
            self.closed_streams = _closed_standard_streams(process.pid)

    async def _kill_after(self, when: float) -> None:
        """The hard stop: whatever the SDK is doing, the group dies shortly after the deadline."""
        import anyio

        await anyio.sleep_until(when)
        await self._kill()

    async def _kill(self) -> None:
        """SIGTERM the server's process group, SIGKILL whatever outlives a short grace.

        The group outlives its leader while any member lives, so this also reaches
        helpers of a server that already exited; a gone group is a no-op.
        """
        process = self.process
        if process is None or sys.platform == "win32":  # Windows: the SDK's job object
            return
        from mcp.os.posix.utilities import terminate_posix_process_tree

        await terminate_posix_process_tree(process, _KILL_GRACE)

    def _details(self, **extra: Any) -> dict[str, Any]:
        return {"argv": self.argv, "cwd": str(self.cwd), "phase": self.phase, **extra}

    def _spawn_error(self, exc: OSError) -> McpError:
        command = self.argv[0]
        if isinstance(exc, FileNotFoundError):
            message = f"MCP server command not found: {command}"
        elif isinstance(exc, PermissionError):
            message = f"MCP server command is not executable: {command}"
        else:
            message = f"MCP server command could not be started: {command}: {exc.strerror or exc}"
        return McpError(message, details=self._details())

    def _error(self, hooked: bool) -> McpError:
        """Turn what happened into one line, most telling cause first."""
        from mcp.shared.exceptions import MCPError
        from mcp_types import CONNECTION_CLOSED
        from pydantic import ValidationError

        failure = self.failure
        during = "during start-up" if self.phase == "start-up" else f"during {self.phase}"
        self.errlog.finish()
        stderr_tail = _shorten(self.errlog.last_line())
        details = self._details(stderr=stderr_tail, exit_status=self.exit_status)
        if self.stdout_noise is not None:
            details["stdout_noise"] = self.stdout_noise

        if self.exit_status is not None:
            message = f"MCP server {_describe_exit(self.exit_status)} {during}"
            if stderr_tail:
                message += f": {stderr_tail}"
        elif failure is None and "stdin" in self.closed_streams:
            message = f"MCP server closed its stdin {during}"
            if stderr_tail:
                message += f": {stderr_tail}"
        elif failure is None:
            message = f"MCP server did not answer within {float(self.timeout)} s"
            if self.phase != "start-up":
                message += f" ({self.phase})"
        elif isinstance(failure, _CursorLoopError):
            message = str(failure)
        elif isinstance(failure, MCPError) and failure.code == CONNECTION_CLOSED:
            closed = " and ".join(self.closed_streams) or "stdout"
            message = f"MCP server closed its {closed} {during}"
            if not hooked:
                message += " (exit status unknown)"
            if stderr_tail:
                message += f": {stderr_tail}"
        elif isinstance(failure, MCPError):
            message = f"MCP server answered {self.phase} with error {failure.code}: {failure}"
            if self.phase == "start-up":
                message = f"MCP server refused start-up with error {failure.code}: {failure}"
        elif isinstance(failure, ValidationError):
            problems = failure.errors()
            problem = _shorten(str(failure).splitlines()[0])
            if problems:
                where = ".".join(str(part) for part in problems[0]["loc"]) or "result"
                problem = f"{where}: {problems[0]['msg']}"
            message = f"MCP server sent an invalid {_rpc_name(self.phase)} result: {problem}"
        else:
            message = f"MCP server conversation failed {during}: {_shorten(str(failure))}"

        if self.stdout_noise is not None:
            message += f"; it wrote non-JSON-RPC output to stdout: {self.stdout_noise}"
        return McpError(message, details=details)


_spawned: contextvars.ContextVar[list[Process] | None] = contextvars.ContextVar(
    "pai_deps_mcp_spawned", default=None
)


def _install_spawn_hook(stdio: ModuleType) -> bool:
    """Wrap the SDK transport's spawn function so this conversation learns its process.

    The wrapper only records the process in a context variable (so concurrent event loops
    do not mix them up) and is installed once. Returns False if the seam is gone (a future
    SDK): everything still works, minus exit codes and the fast kill.
    """
    original = getattr(stdio, _SPAWN_SEAM, None)
    if original is None:
        return False
    if getattr(original, _HOOK_MARK, False):
        return True

    @functools.wraps(original)
    async def spawn(*args: Any, **kwargs: Any) -> Any:
        process = await original(*args, **kwargs)
        sink = _spawned.get()
        if sink is not None:
            sink.append(process)
        return process

    setattr(spawn, _HOOK_MARK, True)
    setattr(stdio, _SPAWN_SEAM, spawn)
    return True


@asynccontextmanager
async def _already_open(streams: TransportStreams) -> AsyncIterator[TransportStreams]:
    """Hand `Client` streams whose transport we own, so our kill runs before its close."""
    yield streams


async def _follow_cursors(fetch: Callable[[str | None], Awaitable[str | None]], what: str) -> int:
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
            raise _CursorLoopError(
                f"MCP server repeated the {what} cursor {_shorten(cursor)!r} "
                f"after {pages} pages (pagination never ends)"
            )
        seen.add(cursor)


class _CursorLoopError(Exception):
    pass


def _single(exc: BaseException) -> BaseException:
    """Unwrap task-group exception groups that carry one failure."""
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return exc


def _describe_exit(status: int) -> str:
    if status < 0:
        try:
            return f"was killed by signal {signal.Signals(-status).name}"
        except ValueError:
            return f"was killed by signal {-status}"
    return f"exited with code {status}"


def _describe_noise(exc: Exception) -> str:
    """The offending line when the SDK's parse error carries it, else the error itself."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        try:
            first = errors()[0]
        except (IndexError, TypeError, ValueError):
            first = None
        if isinstance(first, dict) and isinstance(first.get("input"), str):
            return repr(_shorten(first["input"]))
    return _shorten(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def _closed_standard_streams(pid: int) -> tuple[str, ...]:
    """Which of stdin and stdout a running process has closed (from /proc; () if unknown)."""
    fd_dir = Path(f"/proc/{pid}/fd")
    if not fd_dir.is_dir():
        return ()
    return tuple(
        name for name, fd in (("stdin", 0), ("stdout", 1)) if not os.path.lexists(fd_dir / str(fd))
    )


def _rpc_name(phase: str) -> str:
    return "initialize" if phase == "start-up" else phase


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 1] + "…"


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
