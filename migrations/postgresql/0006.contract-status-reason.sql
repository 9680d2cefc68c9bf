-- As migrations/0006 on SQLite: why a contract's status is what it is (a schema file that
-- does not exist yet).

ALTER TABLE contracts ADD COLUMN status_reason TEXT COLLATE "C"
    CHECK (status_reason IS NULL OR length(status_reason) > 0);
