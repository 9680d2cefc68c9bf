"""Where the registry is: a SQLite file (the default) or a PostgreSQL database.

`--db` beats `PAI_DEPS_DB` beats `database = ...` in `~/.config/pai-deps/config.toml`
beats `$XDG_CONFIG_HOME/pai-deps/pai-deps.db` beats `~/.config/pai-deps/pai-deps.db`.
A value that starts with `postgresql://` or `postgres://` names a PostgreSQL database
(any libpq parameter may follow in the query string: `?sslmode=require`); anything else
is a file path and means SQLite. A password in the URL is never shown: `shown` masks it,
and `mask()` scrubs it from any text (a driver's error message, say).
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pai_deps.db.connection import Dialect
from pai_deps.errors import PaiDepsError, UsageError

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
MASK = "***"


@dataclass(frozen=True)
class SqliteTarget:
    path: Path
    dialect: Dialect = "sqlite"

    @property
    def shown(self) -> str:
        return str(self.path)

    def mask(self, text: str) -> str:
        return text


@dataclass(frozen=True)
class PostgresTarget:
    url: str  # exactly as given: libpq reads it, parameters and all
    dialect: Dialect = "postgresql"
    backed_up: bool = False  # the config file says the user backs this database up

    @property
    def shown(self) -> str:
        """The URL with its password (in the user part or `?password=`) masked."""
        return mask_url(self.url)

    def mask(self, text: str) -> str:
        """`text` with every spelling of the password replaced (messages may quote it)."""
        for secret in _secrets(self.url):
            text = text.replace(secret, MASK)
        return text.replace(self.url, self.shown)


Target = SqliteTarget | PostgresTarget


def is_postgres_url(value: str) -> bool:
    return value.strip().lower().startswith(POSTGRES_SCHEMES)


def mask_url(url: str) -> str:
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return f"{url.split(':', 1)[0]}://{MASK}"  # unparseable: show nothing of it
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        user, colon, _ = userinfo.partition(":")
        netloc = f"{user}:{MASK}@{hostport}" if colon else netloc
    query = "&".join(
        f"{key}={MASK}" if key.lower() == "password" else f"{key}={value}"
        for key, value in (
            pair.split("=", 1) if "=" in pair else (pair, "")
            for pair in parts.query.split("&")
            if pair
        )
    )
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _secrets(url: str) -> list[str]:
    """The password as it may appear: raw, percent-encoded, decoded (longest first)."""
    found: set[str] = set()
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return []
    userinfo = parts.netloc.rpartition("@")[0]
    if ":" in userinfo:
        raw = userinfo.partition(":")[2]
        found |= {raw, urllib.parse.unquote(raw)}
    for key, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True):
        if key.lower() == "password":
            found |= {value, urllib.parse.quote(value, safe="")}
    return sorted((s for s in found if s), key=len, reverse=True)


def resolve_target(explicit: str | None, environ: Mapping[str, str] | None = None) -> Target:
    """Where the registry is, from `--db`, `PAI_DEPS_DB`, the config file or the default."""
    env = os.environ if environ is None else environ
    config = read_database_config(env)
    if explicit is not None:
        if not explicit.strip():
            raise UsageError("--db was given an empty path", code="empty_db_path")
        return _target(explicit, config)
    if "PAI_DEPS_DB" in env:
        value = env["PAI_DEPS_DB"]
        if not value.strip():
            raise UsageError(
                "PAI_DEPS_DB is set but empty; unset it or give it a path",
                code="empty_db_path",
            )
        return _target(value, config)
    if config.database is not None:
        return _target(config.database, config, relative_to=config.path.parent)
    return SqliteTarget(config_home(env) / "pai-deps" / "pai-deps.db")


def _target(value: str, config: DatabaseConfig, relative_to: Path | None = None) -> Target:
    if is_postgres_url(value):
        return PostgresTarget(value.strip(), backed_up=config.postgresql_backed_up)
    expanded = Path(os.path.expanduser(value))
    if relative_to is not None and not expanded.is_absolute():
        expanded = relative_to / expanded
    return SqliteTarget(Path(os.path.abspath(expanded)))


def config_home(env: Mapping[str, str]) -> Path:
    xdg = env.get("XDG_CONFIG_HOME", "").strip()
    return Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".config"


@dataclass(frozen=True)
class DatabaseConfig:
    path: Path
    database: str | None = None
    postgresql_backed_up: bool = False


def read_database_config(env: Mapping[str, str]) -> DatabaseConfig:
    """`database = "..."` and `postgresql_backed_up = true` from the config file, if any."""
    path = config_home(env) / "pai-deps" / "config.toml"
    if not path.is_file():
        return DatabaseConfig(path)
    import tomllib  # only when there is a file to read

    try:
        with path.open("rb") as handle:
            data: dict[str, Any] = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PaiDepsError(f"Invalid config file {path}: {exc}", code="invalid_config") from exc
    database = data.get("database")
    if database is not None and (not isinstance(database, str) or not database.strip()):
        raise PaiDepsError(
            f"Invalid config file {path}: 'database' must be a non-empty string "
            "(a file path or a postgresql:// URL)",
            code="invalid_config",
        )
    backed_up = data.get("postgresql_backed_up", False)
    if not isinstance(backed_up, bool):
        raise PaiDepsError(
            f"Invalid config file {path}: 'postgresql_backed_up' must be true or false",
            code="invalid_config",
        )
    return DatabaseConfig(path, database, backed_up)
