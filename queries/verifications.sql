-- Verifications: the history of checks run against each contract.

-- name: insert_verification(contract_id, verified_at, status, details, git_commit)^
INSERT INTO verifications (contract_id, verified_at, status, details, git_commit)
VALUES (:contract_id, :verified_at, :status, :details, :git_commit)
RETURNING id, contract_id, verified_at, status, details, git_commit;

-- name: list_verifications_of(contract_id, limit)
-- Newest first.
SELECT id, contract_id, verified_at, status, details, git_commit
FROM verifications
WHERE contract_id = :contract_id
ORDER BY verified_at DESC, id DESC
LIMIT :limit;

-- name: prune_verifications(contract_id, keep)!
-- Keep only the newest :keep runs of a contract.
DELETE FROM verifications
WHERE contract_id = :contract_id
  AND id NOT IN (SELECT id FROM verifications
                 WHERE contract_id = :contract_id
                 ORDER BY verified_at DESC, id DESC
                 LIMIT :keep);
