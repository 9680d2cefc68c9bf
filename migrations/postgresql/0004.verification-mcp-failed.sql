-- As migrations/0004 on SQLite: a verify run's count of MCP contracts that failed.

ALTER TABLE verification_runs ADD COLUMN mcp_failed BIGINT NOT NULL DEFAULT 0
    CHECK (mcp_failed >= 0);
