DROP TABLE verification_runs;
ALTER TABLE verifications DROP COLUMN duration_ms;
ALTER TABLE contracts DROP COLUMN schema_snapshot;
