"""Typed wrappers for `queries/verifications.sql`."""

from __future__ import annotations

import json
from sqlite3 import Connection
from typing import Any

from pai_deps.models import VerificationRow
from pai_deps.repo._base import many, one, queries


def prune_verifications(conn: Connection, *, contract_id: int, keep: int) -> int:
    return int(queries().prune_verifications(conn, contract_id=contract_id, keep=keep))


def record_verification(
    conn: Connection,
    *,
    contract_id: int,
    verified_at: str,
    status: str,
    details: Any,
    git_commit: str | None,
    duration_ms: int | None,
) -> VerificationRow:
    row = one(
        VerificationRow,
        queries().record_verification(
            conn,
            contract_id=contract_id,
            verified_at=verified_at,
            status=status,
            details=None if details is None else json.dumps(details, ensure_ascii=False),
            git_commit=git_commit,
            duration_ms=duration_ms,
        ),
    )
    assert row is not None  # RETURNING always yields the row
    return row


def list_contract_history(
    conn: Connection, *, contract_id: int, limit: int
) -> list[VerificationRow]:
    return many(
        VerificationRow,
        queries().list_contract_history(conn, contract_id=contract_id, limit=limit),
    )
