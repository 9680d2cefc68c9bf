"""The query-first code generator: `queries/*.sql` in, typed `pai_deps/repo/*.py` out.

Like sqlc: each named query says in its SQL comment what it returns (`-- returns:`) and,
where the schema cannot tell, what its parameters are (`-- param NAME: TYPE`); everything
else is inferred from the migrated schema. `python -m pai_deps.codegen` rewrites the
modules; `--check` fails when one is stale, which CI runs.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pai_deps.codegen.emit import render_module
from pai_deps.codegen.infer import Schema, infer_params, schema_from_rows
from pai_deps.codegen.spec import SpecError, read_query_file

__all__ = ["SpecError", "generate", "migrated_schema"]

REPO_DIR = Path(__file__).resolve().parent.parent / "repo"


def migrated_schema() -> Schema:
    """Column types of a registry migrated by yoyo, read through a named query.

    Uses yoyo and aiosql directly, not `pai_deps.db`: that module imports generated code,
    and the generator must run even when the generated code is broken.
    """
    import contextlib
    import io
    import sqlite3

    from yoyo import get_backend, read_migrations

    from pai_deps.db.connection import dict_row
    from pai_deps.repo._runtime import run
    from pai_deps.sqlfiles import migrations_dir

    os.environ.setdefault("USER", "pai-deps")  # yoyo logs getpass.getuser()
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "schema.db"
        with (
            get_backend(f"sqlite:///{path}") as backend,
            contextlib.redirect_stdout(io.StringIO()),
        ):
            backend.apply_migrations(backend.to_apply(read_migrations(str(migrations_dir()))))
        conn = sqlite3.connect(path)
        conn.row_factory = dict_row
        try:
            return schema_from_rows(list(run(conn, "meta", "list_table_columns")))
        finally:
            conn.close()


def generate(queries: Path, schema: Schema | None = None) -> dict[str, str]:
    """File name -> module text for every `.sql` file in `queries`."""
    from pai_deps import models

    known_models = {
        name
        for name, value in vars(models).items()
        if isinstance(value, type) and issubclass(value, models.Row) and value is not models.Row
    }
    schema = migrated_schema() if schema is None else schema
    modules: dict[str, str] = {}
    for sql_file in sorted(queries.glob("*.sql")):
        parsed = read_query_file(sql_file)
        for spec in parsed.queries:
            infer_params(spec, schema)
        modules[f"{sql_file.stem}.py"] = render_module(parsed, known_models)
    return modules
