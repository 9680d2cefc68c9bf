ALTER TABLE verification_runs DROP COLUMN mcp_failed;
