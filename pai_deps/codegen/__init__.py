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
from pai_deps.codegen.spec import QueryFile, SpecError, read_query_file

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

    known_models = set(models.row_models())
    schema = migrated_schema() if schema is None else schema
    modules: dict[str, str] = {}
    portable: dict[str, QueryFile] = {}
    for sql_file in sorted(queries.glob("*.sql")):
        parsed = read_query_file(sql_file)
        for spec in parsed.queries:
            infer_params(spec, schema)
        portable[sql_file.stem] = parsed
        modules[f"{sql_file.stem}.py"] = render_module(parsed, known_models)
    for dialect_dir in sorted(p for p in queries.iterdir() if p.is_dir()):
        check_dialect_files(dialect_dir, portable)
    return modules


def check_dialect_files(dialect_dir: Path, portable: dict[str, QueryFile]) -> None:
    """A dialect's file may only replace queries of the portable file of the same name,
    each with the same operator, parameters (and declared types) and `returns:`, so the
    one generated function is right for every backend."""
    for sql_file in sorted(dialect_dir.glob("*.sql")):
        where = f"queries/{dialect_dir.name}/{sql_file.name}"
        base = portable.get(sql_file.stem)
        if base is None:
            raise SpecError(f"{where}: there is no queries/{sql_file.name} for it to replace")
        by_name = {spec.name: spec for spec in base.queries}
        for spec in read_query_file(sql_file).queries:
            original = by_name.get(spec.name)
            if original is None:
                raise SpecError(
                    f"{where}:{spec.line}: {spec.name} is not a query of queries/{sql_file.name}"
                )
            declared = [(p.name, p.type if p.declared else None, p.as_json) for p in spec.params]
            expected = [
                (p.name, p.type if p.declared else None, p.as_json) for p in original.params
            ]
            if (spec.operator, declared, spec.returns) != (
                original.operator,
                expected,
                original.returns,
            ):
                raise SpecError(
                    f"{where}:{spec.line}: {spec.name} must declare what queries/{sql_file.name} "
                    "declares: the same operator, parameters, `param` lines and `returns:`"
                )
