-- PostgreSQL versions of the bookkeeping queries in queries/meta.sql that read SQLite's
-- catalogue or take locks SQLite takes by other means.

-- name: table_exists(name)$
-- returns: bool
-- param name: str
SELECT EXISTS (SELECT 1 FROM information_schema.tables
               WHERE table_schema = current_schema() AND table_name = :name);

-- name: object_count()$
-- returns: int
-- Any table at all in the current schema? Tells a new database from another application's.
SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema();

-- name: list_table_columns()
-- returns: ColumnRow
-- The columns of the registry's tables, with their CHECK constraints as the table's
-- "definition", as queries/meta.sql gives them for SQLite.
SELECT c.table_name::text AS table_name, c.column_name::text AS column_name,
       CASE c.data_type WHEN 'text' THEN 'TEXT' WHEN 'double precision' THEN 'REAL'
            WHEN 'bigint' THEN 'INTEGER' WHEN 'integer' THEN 'INTEGER'
            ELSE upper(c.data_type) END AS column_type,
       CASE WHEN c.is_nullable = 'NO' THEN 1 ELSE 0 END AS not_null,
       coalesce((SELECT string_agg(pg_get_constraintdef(k.oid), ' ' ORDER BY k.conname)
                 FROM pg_constraint AS k
                 WHERE k.conrelid = to_regclass(quote_ident(c.table_name)) AND k.contype = 'c'),
                '') AS table_sql
FROM information_schema.columns AS c
WHERE c.table_schema = current_schema()
ORDER BY c.table_name, c.ordinal_position;

-- name: database_size()$
-- returns: int
SELECT pg_database_size(current_database());

-- name: take_write_lock()$
-- returns: int
-- A transaction-scoped advisory lock per registry (database and schema): writers queue
-- here as they do on SQLite's write lock, up to the transaction's lock_timeout.
SELECT 1 AS locked
FROM (SELECT pg_advisory_xact_lock(1885432164, hashtext(current_schema()))) AS taken;

-- name: take_migration_lock()$
-- returns: int
SELECT 1 AS locked
FROM (SELECT pg_advisory_lock(1885432165, hashtext(current_schema()))) AS taken;

-- name: release_migration_lock()$
-- returns: int
SELECT CAST(pg_advisory_unlock(1885432165, hashtext(current_schema())) AS INTEGER);
