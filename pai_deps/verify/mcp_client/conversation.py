"""One conversation with a server: start it, list what it offers, stop it, under one deadline.

A talking task lists tools (and resources) while a watching task kills the server's
process group shortly after the deadline, whatever the SDK is doing; whatever went
wrong is kept on the conversation and worded once at the end (`wording.explain`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pai_deps.verify.mcp_client import pages, wording
from pai_deps.verify.mcp_client.listing import McpError, McpListing, McpResource
from pai_deps.verify.mcp_client.process import (
    closed_standard_streams,
    kill_group,
    recording_spawns,
)

if TYPE_CHECKING:
    from anyio.abc import Process
    from mcp.client._transport import TransportStreams

    from pai_deps.verify.stderr_tail import StderrTail

# A server that answered is closed politely by the SDK, but only until the deadline plus
# _EXIT_GRACE; then its process group gets SIGTERM, and SIGKILL _KILL_GRACE later. A
# server we give up on (timeout, crash, protocol error) gets the kill at once.
_EXIT_GRACE = 0.25
_KILL_GRACE = 0.25
# How long to wait for an exit status after the server closed its stdout.
_EXIT_STATUS_WAIT = 0.5
_POLL = 0.01


@dataclass
class Conversation:
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
        """The server's listing, or `McpError` saying why there is none."""
        import anyio
        from mcp.client import stdio

        deadline = anyio.current_time() + self.timeout
        params = stdio.StdioServerParameters(
            command=self.argv[0], args=self.argv[1:], env=env, cwd=self.cwd
        )
        listing: McpListing | None = None
        with recording_spawns(stdio) as (processes, hooked):
            try:
                async with anyio.create_task_group() as watchers:
                    try:
                        async with stdio.stdio_client(params, errlog=self.errlog.writer) as streams:
                            self.errlog.spawned()
                            self.process = processes[0] if processes else None
                            watchers.start_soon(self._kill_after, deadline + _EXIT_GRACE)
                            listing = await self._listing_by(deadline, streams, resources)
                    except (OSError, ValueError) as exc:  # ValueError: NUL bytes in argv or env
                        if processes:
                            raise
                        raise self._start_error(exc) from None
                    finally:
                        watchers.cancel_scope.cancel()
                # The SDK stops the leader; helpers it left in the group go too.
                await self._kill()
            except BaseExceptionGroup as group:
                raise _single(group) from None
        if listing is not None:
            return listing
        raise self._error(hooked)

    async def _listing_by(
        self, deadline: float, streams: TransportStreams, resources: bool
    ) -> McpListing | None:
        """Talk until `deadline`; on any failure note how the server ended and kill it."""
        import anyio

        listing: McpListing | None = None
        with anyio.CancelScope(deadline=deadline):
            try:
                listing = await self._talk(streams, resources)
            except Exception as exc:  # whatever the peer provoked
                self.failure = _single(exc)
                await self._note_exit_status(deadline)
        if listing is None:
            if self.exit_status is None and self.process is not None:
                self.exit_status = self.process.returncode
            server = self.process
            if self.failure is None and self.exit_status is None and server:
                # Our request may have reached the pipe before the
                # server closed it: no error, just silence.
                self.closed_streams = closed_standard_streams(server.pid)
            # Abandoning the server: kill it now rather than after the
            # SDK's polite close (2 s for stdin EOF, 2 s after SIGTERM).
            await self._kill()
        return listing

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
            tools, tool_pages = await pages.list_tools(client)
            found_resources: list[McpResource] = []
            resource_pages = 0
            if resources and client.server_capabilities.resources is not None:
                self.phase = "resources/list"
                found_resources, resource_pages = await pages.list_resources(client)
            info = client.server_info
            warnings = []
            if self.stdout_noise is not None:
                warnings.append(f"server wrote non-JSON-RPC output to stdout: {self.stdout_noise}")
            return McpListing(
                tools=tools,
                server_name=info.name if info else None,
                server_version=(info.version or None) if info else None,
                protocol_version=client.protocol_version,
                pages=tool_pages,
                resources=found_resources,
                resource_pages=resource_pages,
                warnings=warnings,
            )

    async def _on_message(self, message: object) -> None:
        """Remember the first stdout line the SDK could not parse (it carries on)."""
        if isinstance(message, Exception) and self.stdout_noise is None:
            self.stdout_noise = wording.describe_noise(message)

    async def _note_exit_status(self, deadline: float) -> None:
        """After a failure, learn whether the server has exited (its EOF can beat its status)."""
        import anyio
        from mcp.shared.exceptions import MCPError
        from mcp_types import CONNECTION_CLOSED

        server = self.process
        if server is None:
            return
        closed = isinstance(self.failure, MCPError) and self.failure.code == CONNECTION_CLOSED
        if not closed:
            self.exit_status = server.returncode
            return
        wait = min(_EXIT_STATUS_WAIT, max(0.0, deadline - anyio.current_time()))
        with anyio.move_on_after(wait):
            while server.returncode is None:
                await anyio.sleep(_POLL)
        self.exit_status = server.returncode
        if self.exit_status is None:  # alive: which end of the conversation did it close?
            self.closed_streams = closed_standard_streams(server.pid)

    async def _kill_after(self, when: float) -> None:
        """The hard stop: whatever the SDK is doing, the group dies shortly after the deadline."""
        import anyio

        await anyio.sleep_until(when)
        await self._kill()

    async def _kill(self) -> None:
        await kill_group(self.process, _KILL_GRACE)

    def _details(self, **extra: Any) -> dict[str, Any]:
        return {"argv": self.argv, "cwd": str(self.cwd), "phase": self.phase, **extra}

    def _start_error(self, exc: OSError | ValueError) -> McpError:
        """The server could not be started."""
        command = self.argv[0]
        if isinstance(exc, ValueError):
            message = f"MCP server command cannot be started: {exc}"
        elif isinstance(exc, FileNotFoundError):
            message = f"MCP server command not found: {command}"
        elif isinstance(exc, PermissionError):
            message = f"MCP server command is not executable: {command}"
        else:
            message = f"MCP server command could not be started: {command}: {exc.strerror or exc}"
        return McpError(message, details=self._details())

    def _error(self, hooked: bool) -> McpError:
        """Turn what happened into one line, most telling cause first."""
        self.errlog.finish()
        stderr_tail = wording.shorten(self.errlog.last_line())
        details = self._details(stderr=stderr_tail, exit_status=self.exit_status)
        if self.stdout_noise is not None:
            details["stdout_noise"] = self.stdout_noise
        outcome = wording.Outcome(
            phase=self.phase,
            timeout=self.timeout,
            failure=self.failure,
            exit_status=self.exit_status,
            closed_streams=self.closed_streams,
            stdout_noise=self.stdout_noise,
            stderr_tail=stderr_tail,
            hooked=hooked,
        )
        return McpError(wording.explain(outcome), details=details)


def _single(exc: BaseException) -> BaseException:
    """Unwrap task-group exception groups that carry one failure."""
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return exc


@asynccontextmanager
async def _already_open(streams: TransportStreams) -> AsyncIterator[TransportStreams]:
    """Hand `Client` streams whose transport we own, so our kill runs before its close."""
    yield streams
