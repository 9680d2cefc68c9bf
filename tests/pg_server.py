"""A throwaway PostgreSQL server for the tests, started once per test session.

initdb into a private temporary directory, a private port on 127.0.0.1 and a private
socket directory, password authentication (scram-sha-256), fsync off. PostgreSQL refuses
to run as root, so under root the server runs as the `postgres` user (or `nobody`). It
is stopped at the end of the session whatever happened (and at interpreter exit, should
the session die), and its directory removed.

`PAI_DEPS_TEST_PG`: `auto` (default: skip the PostgreSQL tests when no server binaries
are installed), `required` (CI: fail instead), `off` (skip them), or a
`postgresql://` URL of a server to use instead (each test gets its own schema in it).
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import itertools
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

PASSWORD = "s3cret-" + secrets.token_hex(6)  # tests check it never appears in output
SUPERUSER = "pai"
DATABASE = "registry"
_schemas = itertools.count(1)


def _binaries() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgServer:
    host: str
    port: int
    user: str
    password: str
    database: str
    data_dir: Path | None = None
    bin_dir: Path | None = None
    run_as: int | None = None

    def url(self, database: str | None = None, **params: str) -> str:
        query = urllib.parse.urlencode(params)
        return (
            f"postgresql://{self.user}:{urllib.parse.quote(self.password, safe='')}"
            f"@{self.host}:{self.port}/{database or self.database}" + (f"?{query}" if query else "")
        )

    def admin(self, database: str | None = None) -> Any:
        import psycopg

        return psycopg.connect(self.url(database or self.database), autocommit=True)

    def new_schema(self) -> str:
        """A fresh, empty schema in the test database; its URL selects it for every query."""
        name = f"t{os.getpid()}_{next(_schemas)}"
        with self.admin() as conn:
            conn.execute(f'CREATE SCHEMA "{name}"')
        return name

    def schema_url(self, schema: str, **params: str) -> str:
        return self.url(options=f"-csearch_path={schema}", **params)

    def drop_schema(self, schema: str) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    def stop(self) -> None:
        if self.data_dir is None or self.bin_dir is None:
            return
        with contextlib.suppress(Exception):
            subprocess.run(
                [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate",
                 "-w", "stop"],
                user=self.run_as,
                capture_output=True,
                timeout=60,
                check=False,
            )  # fmt: skip
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)
        self.data_dir = None


def _unprivileged_user() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise RuntimeError("running as root and neither a postgres nor a nobody user exists")


def start_server() -> PgServer:
    bin_dir = _binaries()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL server binaries (initdb) are not installed")
    user = _unprivileged_user()
    base = Path(tempfile.mkdtemp(prefix="pai-deps-pg-"))
    data = base / "data"
    (base / "pwfile").write_text(PASSWORD + "\n")
    if user is not None:
        for path in (base, base / "pwfile"):
            os.chown(path, user.pw_uid, user.pw_gid)
    run_as = user.pw_uid if user is not None else None
    env = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8", "HOME": str(base)}

    def run(*args: str) -> None:
        result = subprocess.run(
            [str(bin_dir / args[0]), *args[1:]],
            user=run_as,
            group=user.pw_gid if user is not None else None,
            env=env,
            cwd=base,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {result.stdout}{result.stderr}")

    run("initdb", "-D", str(data), "-U", SUPERUSER, f"--pwfile={base / 'pwfile'}",
        "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")  # fmt: skip
    port = _free_port()
    options = (
        f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=150"
    )
    server = PgServer("127.0.0.1", port, SUPERUSER, PASSWORD, DATABASE, data, bin_dir, run_as)
    atexit.register(server.stop)
    run("pg_ctl", "-D", str(data), "-l", str(base / "server.log"), "-w", "-t", "60",
        "-o", options, "start")  # fmt: skip
    with server.admin("postgres") as conn:
        conn.execute(f"CREATE DATABASE {DATABASE}")
    return server


def _external(url: str) -> PgServer:
    parts = urllib.parse.urlsplit(url)
    return PgServer(
        parts.hostname or "127.0.0.1",
        parts.port or 5432,
        urllib.parse.unquote(parts.username or "postgres"),
        urllib.parse.unquote(parts.password or ""),
        parts.path.lstrip("/") or "postgres",
    )


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    mode = os.environ.get("PAI_DEPS_TEST_PG", "auto").strip() or "auto"
    if mode == "off":
        pytest.skip("PostgreSQL tests are off (PAI_DEPS_TEST_PG=off)")
    if mode.startswith(("postgresql://", "postgres://")):
        yield _external(mode)
        return
    try:
        import psycopg  # noqa: F401
    except ImportError:
        if mode == "required":
            raise
        pytest.skip("psycopg is not installed (pip install -e '.[test]')")
    try:
        server = start_server()
    except FileNotFoundError:
        if mode == "required":
            raise
        pytest.skip("PostgreSQL server binaries are not installed")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_schema(pg_server: PgServer) -> Iterator[str]:
    """A fresh schema for one test, dropped afterwards."""
    schema = pg_server.new_schema()
    try:
        yield schema
    finally:
        pg_server.drop_schema(schema)


@pytest.fixture
def pg_url(pg_server: PgServer, pg_schema: str) -> str:
    """A `postgresql://` registry URL (password included) that no other test uses."""
    return pg_server.schema_url(pg_schema)
