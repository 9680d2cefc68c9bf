-- A verify run's MCP contracts are found, missing, skipped - or failed: the server could not
-- be started or answered nothing in time, or it lists the tool with an input schema that
-- breaks callers. Counting those as "missing" (as the TypeScript tool did) says the wrong
-- thing, so runs get their own count.
-- depends: 0003.contract-history

ALTER TABLE verification_runs ADD COLUMN mcp_failed INTEGER NOT NULL DEFAULT 0
    CHECK (mcp_failed >= 0);
