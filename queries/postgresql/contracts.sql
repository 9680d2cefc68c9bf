-- PostgreSQL versions of queries in queries/contracts.sql that read a JSON array
-- parameter (SQLite's json_each has no portable spelling).

-- name: delete_contracts_except(tool_id, keep_ids)!
-- param keep_ids: Iterable[int] as json
DELETE FROM contracts
WHERE tool_id = :tool_id
  AND id NOT IN (SELECT CAST(k.value AS BIGINT)
                 FROM json_array_elements_text(CAST(:keep_ids AS json)) AS k (value));
