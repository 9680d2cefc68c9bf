-- Verification runs: one summary row per tool per `verify` run (the tool's history).

-- name: insert_run(tool_id, verified_at, level, status, cli_passed, cli_failed, cli_skipped, mcp_found, mcp_missing, mcp_extra, mcp_failed, mcp_skipped, git_commit, duration_ms)^
-- returns: VerificationRunRow
INSERT INTO verification_runs (tool_id, verified_at, level, status, cli_passed, cli_failed,
                               cli_skipped, mcp_found, mcp_missing, mcp_extra, mcp_failed,
                               mcp_skipped, git_commit, duration_ms)
VALUES (:tool_id, :verified_at, :level, :status, :cli_passed, :cli_failed, :cli_skipped,
        :mcp_found, :mcp_missing, :mcp_extra, :mcp_failed, :mcp_skipped, :git_commit,
        :duration_ms)
RETURNING id, tool_id, verified_at, level, status, cli_passed, cli_failed, cli_skipped,
          mcp_found, mcp_missing, mcp_extra, mcp_failed, mcp_skipped, git_commit, duration_ms;

-- name: list_runs_of(tool_id, limit)
-- returns: VerificationRunRow
-- Newest first.
SELECT id, tool_id, verified_at, level, status, cli_passed, cli_failed, cli_skipped,
       mcp_found, mcp_missing, mcp_extra, mcp_failed, mcp_skipped, git_commit, duration_ms
FROM verification_runs
WHERE tool_id = :tool_id
ORDER BY verified_at DESC, id DESC
LIMIT :limit;

-- name: prune_runs(tool_id, keep)!
-- Keep only the newest :keep runs of a tool.
DELETE FROM verification_runs
WHERE tool_id = :tool_id
  AND id NOT IN (SELECT id FROM verification_runs
                 WHERE tool_id = :tool_id
                 ORDER BY verified_at DESC, id DESC
                 LIMIT :keep);
