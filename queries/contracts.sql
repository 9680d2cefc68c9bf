-- Contracts: the interfaces a tool promises (derived from its manifest's `provides`).

-- name: list_contracts_of(tool_id)
SELECT id, tool_id, contract_type, name, schema_path, schema_hash, last_verified, status
FROM contracts
WHERE tool_id = :tool_id
ORDER BY contract_type, name;

-- name: find_contracts(tool_id, name)
-- Contracts of a tool with this name (one per contract type at most).
SELECT id, tool_id, contract_type, name, schema_path, schema_hash, last_verified, status
FROM contracts
WHERE tool_id = :tool_id AND name = :name
ORDER BY contract_type;

-- name: list_contracts()
SELECT id, tool_id, contract_type, name, schema_path, schema_hash, last_verified, status
FROM contracts
ORDER BY tool_id, contract_type, name;

-- name: upsert_contract(tool_id, contract_type, name, schema_path, schema_hash)^
-- A re-registration keeps an existing contract's id, status, history and stored schema
-- hash (the drift baseline); only a new contract takes the hash it is registered with.
INSERT INTO contracts (tool_id, contract_type, name, schema_path, schema_hash)
VALUES (:tool_id, :contract_type, :name, :schema_path, :schema_hash)
ON CONFLICT (tool_id, contract_type, name) DO UPDATE SET
    schema_path = excluded.schema_path,
    schema_hash = coalesce(contracts.schema_hash, excluded.schema_hash)
RETURNING id, tool_id, contract_type, name, schema_path, schema_hash, last_verified, status;

-- name: delete_contracts_except(tool_id, keep_ids)!
-- Drop the tool's contracts that its manifest no longer declares.
-- :keep_ids is a JSON array of contract ids to keep.
DELETE FROM contracts
WHERE tool_id = :tool_id
  AND id NOT IN (SELECT value FROM json_each(:keep_ids));

-- name: set_contract_status(id, status, now)!
UPDATE contracts SET status = :status, last_verified = :now WHERE id = :id;

-- name: set_contract_baseline(id, schema_hash)!
UPDATE contracts SET schema_hash = :schema_hash WHERE id = :id;
