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

-- name: list_observed_reliability(runs)
-- returns: ObservedRow
-- param runs: int
-- Each tool's evidence: of its newest :runs runs that checked something (a skipped run
-- says nothing about reliability), how many passed; tools never verified are absent.
SELECT tool_id, count(*) AS runs,
       sum(CASE WHEN status = 'pass' THEN 1 ELSE 0 END) AS passed
FROM (SELECT tool_id, status,
             row_number() OVER (PARTITION BY tool_id ORDER BY verified_at DESC, id DESC) AS n
      FROM verification_runs
      WHERE status <> 'skip') AS recent
WHERE n <= :runs
GROUP BY tool_id
ORDER BY tool_id;

-- name: get_observed_reliability(tool_id, runs)^
-- returns: ObservedRow | None
-- param runs: int
-- One tool's evidence (as list_observed_reliability); nothing when it was never verified.
SELECT tool_id, count(*) AS runs,
       sum(CASE WHEN status = 'pass' THEN 1 ELSE 0 END) AS passed
FROM (SELECT tool_id, status
      FROM verification_runs
      WHERE tool_id = :tool_id AND status <> 'skip'
      ORDER BY verified_at DESC, id DESC
      LIMIT :runs) AS recent
GROUP BY tool_id;
