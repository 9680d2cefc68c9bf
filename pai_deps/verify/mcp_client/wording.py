"""One line for every way a server conversation can fail, most telling cause first."""

from __future__ import annotations

import signal
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pai_deps.verify.mcp_client.pages import CursorLoopError

if TYPE_CHECKING:
    from mcp.shared.exceptions import MCPError

_MAX_DETAIL = 200


@dataclass(frozen=True)
class Outcome:
    """What a failed conversation left behind, as the wording needs it."""

    phase: str  # "start-up", "tools/list" or "resources/list"
    timeout: float
    failure: BaseException | None  # None: no error, just silence until the deadline
    exit_status: int | None  # the server's own, read before we killed anything
    closed_streams: tuple[str, ...]  # which of stdin/stdout a live server closed
    stdout_noise: str | None
    stderr_tail: str
    hooked: bool  # whether we learned the server's process at all

    @property
    def during(self) -> str:
        return f"during {self.phase}"


def explain(outcome: Outcome) -> str:
    """The one-line message of an `McpError` for `outcome`."""
    message = _headline(outcome)
    if outcome.stdout_noise is not None:
        message += f"; it wrote non-JSON-RPC output to stdout: {outcome.stdout_noise}"
    return message


def _headline(outcome: Outcome) -> str:
    if outcome.exit_status is not None:
        exited = f"MCP server {describe_exit(outcome.exit_status)} {outcome.during}"
        return _with_tail(exited, outcome.stderr_tail)
    if outcome.failure is None:
        if "stdin" in outcome.closed_streams:
            closed = f"MCP server closed its stdin {outcome.during}"
            return _with_tail(closed, outcome.stderr_tail)
        message = f"MCP server did not answer within {float(outcome.timeout)} s"
        if outcome.phase != "start-up":
            message += f" ({outcome.phase})"
        return message
    return _failure_line(outcome, outcome.failure)


def _failure_line(outcome: Outcome, failure: BaseException) -> str:
    from mcp.shared.exceptions import MCPError
    from pydantic import ValidationError

    if isinstance(failure, CursorLoopError):
        return (
            f"MCP server repeated the {failure.what} cursor {shorten(failure.cursor)!r} "
            f"after {failure.pages} pages (pagination never ends)"
        )
    if isinstance(failure, MCPError):
        return _protocol_error_line(outcome, failure)
    if isinstance(failure, ValidationError):
        problems = failure.errors()
        problem = shorten(str(failure).splitlines()[0])
        if problems:
            where = ".".join(str(part) for part in problems[0]["loc"]) or "result"
            problem = f"{where}: {problems[0]['msg']}"
        return f"MCP server sent an invalid {_rpc_name(outcome.phase)} result: {problem}"
    return f"MCP server conversation failed {outcome.during}: {shorten(str(failure))}"


def _protocol_error_line(outcome: Outcome, failure: MCPError) -> str:
    from mcp_types import CONNECTION_CLOSED

    if failure.code == CONNECTION_CLOSED:
        closed = " and ".join(outcome.closed_streams) or "stdout"
        message = f"MCP server closed its {closed} {outcome.during}"
        if not outcome.hooked:
            message += " (exit status unknown)"
        return _with_tail(message, outcome.stderr_tail)
    if outcome.phase == "start-up":
        return f"MCP server refused start-up with error {failure.code}: {failure}"
    return f"MCP server answered {outcome.phase} with error {failure.code}: {failure}"


def _with_tail(message: str, stderr_tail: str) -> str:
    return f"{message}: {stderr_tail}" if stderr_tail else message


def describe_exit(status: int) -> str:
    """`exited with code N` or `was killed by signal NAME`."""
    if status < 0:
        try:
            return f"was killed by signal {signal.Signals(-status).name}"
        except ValueError:
            return f"was killed by signal {-status}"
    return f"exited with code {status}"


def describe_noise(exc: Exception) -> str:
    """The offending line when the SDK's parse error carries it, else the error itself."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        try:
            first = errors()[0]
        except (IndexError, TypeError, ValueError):
            first = None
        if isinstance(first, dict) and isinstance(first.get("input"), str):
            return repr(shorten(first["input"]))
    return shorten(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def _rpc_name(phase: str) -> str:
    return "initialize" if phase == "start-up" else phase


def shorten(text: str) -> str:
    """`text` cut to a length fit for one line of an error message."""
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 1] + "…"
