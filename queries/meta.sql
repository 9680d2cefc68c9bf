-- Bookkeeping: migration state and table sizes (for `db status` and the upgrade check).

-- name: table_exists(name)$
-- returns: bool
-- param name: str
-- Whether the registry has this table (PostgreSQL: in the connection's current schema).
SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name);

-- name: object_count()$
-- returns: int
-- Any table at all? Tells an empty file from a database something else created.
SELECT count(*) FROM sqlite_master;

-- name: applied_migrations()
-- returns: MigrationRow
-- yoyo's naive UTC time as text (PostgreSQL stores a timestamp, SQLite text).
SELECT migration_id, CAST(applied_at_utc AS TEXT) AS applied_at_utc
FROM _yoyo_migration
ORDER BY applied_at_utc, migration_id;

-- name: table_row_counts()^
-- returns: TableCountsRow
-- Rows per registry table, in one round trip.
SELECT (SELECT count(*) FROM tools) AS tools,
       (SELECT count(*) FROM dependencies) AS dependencies,
       (SELECT count(*) FROM contracts) AS contracts,
       (SELECT count(*) FROM verifications) AS verifications,
       (SELECT count(*) FROM circular_deps) AS circular_deps;

-- name: migration_lock_holders()
-- returns: MigrationLockRow
-- yoyo's lock rows: the process that took each and when (naive UTC). A killed
-- migration leaves its row behind; `pai-deps` removes it once that process is gone.
SELECT pid, CAST(ctime AS TEXT) AS ctime FROM yoyo_lock ORDER BY pid;

-- name: delete_migration_lock(pid)!
DELETE FROM yoyo_lock WHERE pid = :pid;

-- name: list_table_columns()
-- returns: ColumnRow
-- Every column of every table with the table's definition, for the code generator's
-- type inference (`python -m pai_deps.codegen`).
SELECT m.name AS table_name, c.name AS column_name, c.type AS column_type,
       c."notnull" AS not_null, m.sql AS table_sql
FROM sqlite_master AS m
JOIN pragma_table_info(m.name) AS c
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
ORDER BY m.name, c.cid;

-- name: database_size()$
-- returns: int
-- The registry's size in bytes (PostgreSQL: the whole database's).
SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size();

-- name: take_write_lock()$
-- returns: int
-- The registry's write lock, as a write transaction's first statement. On SQLite this
-- does nothing: `BEGIN IMMEDIATE` has taken the lock. PostgreSQL's version takes a
-- transaction-scoped advisory lock, which the server releases at COMMIT or ROLLBACK.
SELECT 1;

-- name: take_migration_lock()$
-- returns: int
-- The lock every migrator takes first. SQLite: nothing (an `flock` beside the file does
-- it). PostgreSQL: a session-level advisory lock, released if the holder dies.
SELECT 1;

-- name: release_migration_lock()$
-- returns: int
SELECT 1;
