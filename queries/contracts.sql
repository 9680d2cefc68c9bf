-- Contracts: the interfaces a tool promises (derived from its manifest's `provides`).

-- name: list_contracts_of(tool_id)
-- returns: ContractRow
SELECT id, tool_id, contract_type, name, schema_path, schema_hash, last_verified, status,
       schema_snapshot, status_reason, probe, help
FROM contracts
WHERE tool_id = :tool_id
ORDER BY contract_type, name;

-- name: find_contracts(tool_id, name)
-- returns: ContractRow
-- Contracts of a tool with this name (one per contract type at most).
SELECT id, tool_id, contract_type, name, schema_path, schema_hash, last_verified, status,
       schema_snapshot, status_reason, probe, help
FROM contracts
WHERE tool_id = :tool_id AND name = :name
ORDER BY contract_type;

-- name: list_contracts()
-- returns: ContractRow
SELECT id, tool_id, contract_type, name, schema_path, schema_hash, last_verified, status,
       schema_snapshot, status_reason, probe, help
FROM contracts
ORDER BY tool_id, contract_type, name;

-- name: upsert_contract(tool_id, contract_type, name, schema_path, schema_hash, schema_snapshot, status_reason, probe, help)^
-- returns: ContractRow
-- param probe: list[str] | None as json
-- param help: list[str] | bool | None as json
-- A re-registration keeps an existing contract's id, status, history and stored schema
-- (the drift baseline); only a contract without a baseline takes the schema it is
-- registered with. `drift --update` is what moves a baseline. A contract registered with a
-- reason (its schema file does not exist) cannot be vouched for: its status is 'unknown'.
-- How to run it (`probe`, `help`) is always what the manifest says now.
INSERT INTO contracts (
    tool_id, contract_type, name, schema_path, schema_hash, schema_snapshot, status_reason,
    probe, help
)
VALUES (
    :tool_id, :contract_type, :name, :schema_path, :schema_hash, :schema_snapshot,
    :status_reason, :probe, :help
)
ON CONFLICT (tool_id, contract_type, name) DO UPDATE SET
    schema_path = excluded.schema_path,
    schema_snapshot = CASE WHEN contracts.schema_hash IS NULL THEN excluded.schema_snapshot
                       ELSE contracts.schema_snapshot END,
    schema_hash = coalesce(contracts.schema_hash, excluded.schema_hash),
    status = CASE WHEN excluded.status_reason IS NULL THEN contracts.status
             ELSE 'unknown' END,
    status_reason = excluded.status_reason,
    probe = excluded.probe,
    help = excluded.help
RETURNING id, tool_id, contract_type, name, schema_path, schema_hash, last_verified, status,
          schema_snapshot, status_reason, probe, help;

-- name: delete_contracts_except(tool_id, keep_ids)!
-- param keep_ids: Iterable[int] as json
-- Drop the tool's contracts that its manifest no longer declares.
-- :keep_ids is a JSON array of contract ids to keep.
DELETE FROM contracts
WHERE tool_id = :tool_id
  AND id NOT IN (SELECT value FROM json_each(:keep_ids));

-- name: set_contract_status(id, status, now)!
-- A check's verdict replaces any reason recorded at registration.
UPDATE contracts SET status = :status, last_verified = :now, status_reason = NULL
WHERE id = :id;

-- name: set_contract_baseline(id, schema_hash, schema_snapshot)!
-- Accept a schema as the new drift baseline.
UPDATE contracts SET schema_hash = :schema_hash, schema_snapshot = :schema_snapshot WHERE id = :id;
