-- Explorer: what the interactive HTML page (`report --format html`, `graph --format html`)
-- shows beside each tool, in one query per kind for the whole registry (the page is
-- registry-wide; a tool's panel must not cost a query).

-- name: list_tool_descriptions()
-- returns: ToolDescriptionRow
-- Registered tools' descriptions, in id order (stubs have none).
SELECT id, description
FROM tools
WHERE description IS NOT NULL
ORDER BY id;

-- name: list_contract_states()
-- returns: ContractStateRow
-- Every contract's status, last check and last drift (the newest check that found drift).
SELECT c.id, c.tool_id, c.contract_type, c.name, c.status, c.last_verified, c.status_reason,
       (SELECT max(v.verified_at) FROM verifications AS v
        WHERE v.contract_id = c.id AND v.status = 'drift') AS last_drift
FROM contracts AS c
ORDER BY c.tool_id, c.contract_type, c.name;

-- name: list_recent_runs(limit)
-- returns: VerificationRunRow
-- param limit: int
-- Each tool's newest :limit verification runs, by tool, newest first.
SELECT id, tool_id, verified_at, level, status, cli_passed, cli_failed, cli_skipped,
       mcp_found, mcp_missing, mcp_extra, mcp_failed, mcp_skipped, git_commit, duration_ms
FROM (
    SELECT id, tool_id, verified_at, level, status, cli_passed, cli_failed, cli_skipped,
           mcp_found, mcp_missing, mcp_extra, mcp_failed, mcp_skipped, git_commit,
           duration_ms,
           row_number() OVER (PARTITION BY tool_id ORDER BY verified_at DESC, id DESC)
               AS recency
    FROM verification_runs
) AS ranked
WHERE recency <= :limit
ORDER BY tool_id, verified_at DESC, id DESC;
