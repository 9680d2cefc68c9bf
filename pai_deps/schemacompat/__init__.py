"""Is a schema change compatible? The classifier `drift`, `verify` and `ci check` share.

Two steps: read both schemas into a canonical form in which equivalent spellings are
identical (`canon`, on the `ir`/`algebra` of per-type facets), then compare the forms
and classify every difference by the direction data flows (`compare`, `policy`).
References resolve only inside the schema (`document`) and files bundled from its own
folder (`bundle`); nothing is fetched. Work and depth are bounded, so a hostile schema
costs a clean error, never a hang or a crash.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from pai_deps.errors import PaiDepsError
from pai_deps.schemacompat.bundle import check_document, load_schema
from pai_deps.schemacompat.canon import Budget, Reader, SchemaTooComplexError
from pai_deps.schemacompat.compare import Comparer, Context
from pai_deps.schemacompat.dialect import Draft, dialect_of
from pai_deps.schemacompat.document import ExternalRefError, SchemaDocument, SchemaRefError
from pai_deps.schemacompat.policy import (
    KINDS,
    SEVERITY_ORDER,
    Direction,
    SchemaChange,
    Severity,
    Verdict,
    fails,
    severity,
    verdict,
    worst_severity,
)

__all__ = [
    "DEFAULT_DRAFT",
    "KINDS",
    "SEVERITY_ORDER",
    "Direction",
    "ExternalRefError",
    "SchemaChange",
    "SchemaRefError",
    "SchemaTooComplexError",
    "Severity",
    "Verdict",
    "check_document",
    "diff_schemas",
    "fails",
    "load_schema",
    "verdict",
    "worst_severity",
]

# The dialect of a schema without `$schema`, by contract type: ajv's draft-07 for what the
# TypeScript tool validated, the MCP specification's 2020-12 for MCP schemas.
DEFAULT_DRAFT: dict[str, Draft] = {
    "cli_output": "draft7",
    "db_schema": "draft7",
    "library_export": "draft7",
    "mcp_tool": "2020-12",
    "mcp_output": "2020-12",
}

# Steps (nodes read plus pairs compared) one comparison may take: a few seconds at most.
WORK_LIMIT = 60_000
# Deep schemas recurse deeply; the comparison runs on its own thread with room for it.
_STACK_BYTES = 256 * 1024 * 1024
_RECURSION_LIMIT = 40_000

T = TypeVar("T")


def diff_schemas(
    old: Any, new: Any, *, direction: Direction, default_draft: Draft = "draft7"
) -> list[SchemaChange]:
    """Every difference between two schema documents, classified for `direction`.

    `default_draft` is the dialect of a schema without `$schema`. Raises SchemaRefError
    (a `$ref` to nothing, or outside the document) and SchemaTooComplexError; its
    `details["side"]` says which schema could not be read ("old" or "new").
    """
    if direction not in ("response", "request"):
        raise ValueError(f"direction must be 'response' or 'request', not {direction!r}")

    def work() -> list[SchemaChange]:
        budget = Budget(WORK_LIMIT)
        roots = []
        for side, schema in (("old", old), ("new", new)):
            try:
                document = SchemaDocument(schema, dialect_of(schema, default=default_draft))
                roots.append(Reader(document, tag=side, budget=budget).root())
            except PaiDepsError as exc:
                exc.details.setdefault("side", side)
                raise
        old_root, new_root = roots
        comparer = Comparer(budget)
        comparer.node(old_root, new_root, "", Context())
        return [
            SchemaChange(f.pointer, f.kind, severity(f.effects, direction), f.message, f.old, f.new)
            for f in comparer.findings
        ]

    return run_deep(work)


class _RecursionRoom:
    """Raises the interpreter's recursion limit while any deep comparison runs (threads
    of `verify` compare at once: the first in raises it, the last out restores it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._saved = 0

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._lock:
            if self._users == 0:
                self._saved = sys.getrecursionlimit()
                sys.setrecursionlimit(max(self._saved, _RECURSION_LIMIT))
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0:
                    sys.setrecursionlimit(self._saved)


_recursion_room = _RecursionRoom()


_stack_lock = threading.Lock()


def run_deep(work: Callable[[], T]) -> T:
    """Run `work` on a thread with a large stack, returning its result or raising its error."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc

    with _recursion_room.held():
        with _stack_lock:
            previous = threading.stack_size(_STACK_BYTES)
            try:
                thread = threading.Thread(target=target, name="pai-schema-compare", daemon=True)
                thread.start()
            finally:
                threading.stack_size(previous)
        thread.join()
    if "error" in outcome:
        error = outcome["error"]
        if isinstance(error, RecursionError):
            raise SchemaTooComplexError("schema nested too deeply to compare") from None
        raise error
    return outcome["value"]  # type: ignore[no-any-return]
