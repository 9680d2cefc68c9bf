"""The server's one registry connection, opened on first use and reopened when the
registry it reads is no longer the one it opened.

Every tool call reads in its own snapshot (`read_snapshot`: a deferred SQLite
transaction, a REPEATABLE READ one on PostgreSQL), so it sees what other processes
committed before it began and one consistent state throughout. Two things an open
connection cannot see are checked per call: a SQLite file replaced by another (a
registry created, restored or copied into place by rename: a new inode), and a lost
PostgreSQL connection (dropped here, reopened on the next call).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

from pai_deps.errors import PaiDepsError

if TYPE_CHECKING:
    from pai_deps.db import Connection, Notify, Target

# Failures after which the connection is not to be trusted again.
_REOPEN_CODES = frozenset({"connection_lost", "corrupt_database", "io_error", "schema_mismatch"})


class RegistryLink:
    def __init__(self, target: Target, notify: Notify | None = None) -> None:
        self.target = target
        self.notify = notify  # where a migration's backup is named (stderr, never stdout)
        self._conn: Connection | None = None
        self._identity: tuple[int, int] | None = None
        self.opened = 0  # how many times a connection was opened (for tests and -v)

    def _file_identity(self) -> tuple[int, int] | None:
        from pai_deps.db import SqliteTarget

        if not isinstance(self.target, SqliteTarget):
            return None
        try:
            st = os.stat(self.target.path)
        except OSError:
            return None
        return (st.st_dev, st.st_ino)

    def connection(self) -> Connection:
        """The open connection; a new one when the registry file was replaced."""
        identity = self._file_identity()
        if self._conn is not None and identity != self._identity:
            self.close()
        if self._conn is None:
            from pai_deps.db import open_registry

            self._conn, _ = open_registry(self.target, notify=self.notify)
            self._identity = self._file_identity()
            self.opened += 1
        return self._conn

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """The connection inside one read snapshot."""
        from pai_deps.db import read_snapshot

        with self.using() as conn, read_snapshot(conn):
            yield conn

    @contextmanager
    def using(self) -> Iterator[Connection]:
        """The connection, dropped when a failure leaves it unusable."""
        try:
            yield self.connection()
        except PaiDepsError as exc:
            if exc.code in _REOPEN_CODES:
                self.close()
            raise

    def close(self) -> None:
        if self._conn is not None:
            with suppress(Exception):  # a broken connection may fail to close
                self._conn.close()
            self._conn = None
            self._identity = None
