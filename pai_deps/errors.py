"""The one family of expected failures.

Anything raised as a `PaiDepsError` is turned into a single line on stderr (or a JSON
envelope on stdout under `--json`) at the CLI edge, with the error's exit code. Anything
else that escapes is a bug and is reported as such.
"""

from __future__ import annotations

from typing import Any


class PaiDepsError(Exception):
    """An expected failure: bad input, a missing tool, an unusable database.

    `code` is a stable machine-readable identifier (snake_case); `details` are extra keys
    merged into the JSON error envelope; `exit_code` is 1 unless the failure is misuse (2).
    """

    code = "error"
    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        exit_code: int | None = None,
        lines: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if exit_code is not None:
            self.exit_code = exit_code
        self.details: dict[str, Any] = dict(details or {})
        # Extra human-readable lines printed under the message (e.g. one per manifest issue).
        self.lines: list[str] = list(lines or [])


class NotFoundError(PaiDepsError):
    """A named tool, contract or cycle does not exist in the registry."""

    code = "not_found"


class ToolNotFoundError(NotFoundError):
    code = "tool_not_found"

    def __init__(self, tool_id: str, suggestions: list[str] | None = None) -> None:
        from pai_deps.suggest import did_you_mean

        details: dict[str, Any] = {"tool": tool_id}
        if suggestions:
            details["suggestions"] = suggestions
        super().__init__(
            f"Tool '{tool_id}' not found{did_you_mean(suggestions or [])}", details=details
        )


class UsageError(PaiDepsError):
    """The command line itself is wrong (exit 2)."""

    code = "usage"
    exit_code = 2


class DatabaseError(PaiDepsError):
    """The registry database cannot be used as asked."""

    code = "database_error"


class ManifestError(PaiDepsError):
    """A manifest could not be read, parsed or validated."""

    code = "invalid_manifest"


class RowRejected(PaiDepsError):
    """A row the registry's schema refuses (CHECK, UNIQUE, foreign key): the input's fault."""

    code = "row_rejected"
