"""Timestamps: ISO 8601 in UTC with milliseconds and a `Z`, the TypeScript tool's format."""

from __future__ import annotations

from datetime import UTC, datetime


def now_iso() -> str:
    """The current time as stored in the registry, e.g. `2026-11-26T07:12:05.123Z`."""
    return to_iso(datetime.now(UTC))


def to_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def compact_stamp(moment: datetime | None = None) -> str:
    """A file-name-safe UTC stamp, e.g. `20261126T071205Z`."""
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
