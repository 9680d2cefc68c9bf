"""Typed wrappers for `queries/contracts.sql`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from sqlite3 import Connection

from pai_deps.models import ContractRow
from pai_deps.repo._base import many, one, queries


def list_contracts_of(conn: Connection, *, tool_id: str) -> list[ContractRow]:
    return many(ContractRow, queries().list_contracts_of(conn, tool_id=tool_id))


def find_contracts(conn: Connection, *, tool_id: str, name: str) -> list[ContractRow]:
    return many(ContractRow, queries().find_contracts(conn, tool_id=tool_id, name=name))


def list_contracts(conn: Connection) -> list[ContractRow]:
    return many(ContractRow, queries().list_contracts(conn))


def upsert_contract(
    conn: Connection,
    *,
    tool_id: str,
    contract_type: str,
    name: str,
    schema_path: str | None,
    schema_hash: str | None,
    schema_snapshot: str | None,
    status_reason: str | None = None,
) -> ContractRow:
    row = one(
        ContractRow,
        queries().upsert_contract(
            conn,
            tool_id=tool_id,
            contract_type=contract_type,
            name=name,
            schema_path=schema_path,
            schema_hash=schema_hash,
            schema_snapshot=schema_snapshot,
            status_reason=status_reason,
        ),
    )
    assert row is not None  # RETURNING always yields the row
    return row


def delete_contracts_except(conn: Connection, *, tool_id: str, keep_ids: Iterable[int]) -> int:
    return int(
        queries().delete_contracts_except(
            conn, tool_id=tool_id, keep_ids=json.dumps(list(keep_ids))
        )
    )


def set_contract_status(conn: Connection, *, id: int, status: str, now: str) -> int:
    return int(queries().set_contract_status(conn, id=id, status=status, now=now))


def set_contract_baseline(
    conn: Connection, *, id: int, schema_hash: str | None, schema_snapshot: str | None
) -> int:
    return int(
        queries().set_contract_baseline(
            conn, id=id, schema_hash=schema_hash, schema_snapshot=schema_snapshot
        )
    )
