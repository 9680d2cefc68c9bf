"""Typed wrappers for `queries/resources.sql`."""

from __future__ import annotations

from sqlite3 import Connection

from pai_deps.models import ResourceRow
from pai_deps.repo._base import many, queries


def list_resources_of(conn: Connection, *, tool_id: str) -> list[ResourceRow]:
    return many(ResourceRow, queries().list_resources_of(conn, tool_id=tool_id))


def insert_resource(conn: Connection, *, tool_id: str, uri: str, schema_path: str | None) -> int:
    return int(queries().insert_resource(conn, tool_id=tool_id, uri=uri, schema_path=schema_path))


def delete_resources_of(conn: Connection, *, tool_id: str) -> int:
    return int(queries().delete_resources_of(conn, tool_id=tool_id))
