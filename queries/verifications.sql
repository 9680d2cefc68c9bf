-- Verifications: the history of checks run against each contract.

-- name: prune_verifications(contract_id, keep)!
-- Keep only the newest :keep runs of a contract.
DELETE FROM verifications
WHERE contract_id = :contract_id
  AND id NOT IN (SELECT id FROM verifications
                 WHERE contract_id = :contract_id
                 ORDER BY verified_at DESC, id DESC
                 LIMIT :keep);

-- name: record_verification(contract_id, verified_at, status, details, git_commit, duration_ms)^
-- returns: VerificationRow
-- param details: Any as json
-- What `verify` writes: a check's outcome with how long it took.
INSERT INTO verifications (contract_id, verified_at, status, details, git_commit, duration_ms)
VALUES (:contract_id, :verified_at, :status, :details, :git_commit, :duration_ms)
RETURNING id, contract_id, verified_at, status, details, git_commit, duration_ms;

-- name: list_contract_history(contract_id, limit)
-- returns: VerificationRow
-- Newest first, with durations (for `verify-history --contract`).
SELECT id, contract_id, verified_at, status, details, git_commit, duration_ms
FROM verifications
WHERE contract_id = :contract_id
ORDER BY verified_at DESC, id DESC
LIMIT :limit;
