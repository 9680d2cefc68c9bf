-- Uses: the fields of a provider's contract that a consumer reads (`depends_on[].uses`),
-- one row per JSON pointer; and contracts their provider's manifest deprecates.

-- name: insert_use(consumer_id, provider_id, contract, pointer)!
-- param contract: str
-- param pointer: str
-- Written right after the dependency it belongs to, in the same transaction.
INSERT INTO dependency_uses (dependency_id, contract, pointer)
SELECT id, :contract, :pointer
FROM dependencies
WHERE consumer_id = :consumer_id AND provider_id = :provider_id;

-- name: list_uses_of_provider(provider_id)
-- returns: UseRow
-- What each direct consumer of a tool reads of it (consumers that declared no `uses`
-- have no rows: they read everything).
SELECT d.consumer_id, d.provider_id, u.contract, u.pointer
FROM dependencies AS d
JOIN dependency_uses AS u ON u.dependency_id = d.id
WHERE d.provider_id = :provider_id
ORDER BY d.consumer_id, u.contract, u.pointer;

-- name: list_uses()
-- returns: UseRow
-- Every declared use in the registry, for `check`.
SELECT d.consumer_id, d.provider_id, u.contract, u.pointer
FROM dependencies AS d
JOIN dependency_uses AS u ON u.dependency_id = d.id
ORDER BY d.consumer_id, d.provider_id, u.contract, u.pointer;

-- name: insert_deprecation(contract_id, until, message)!
INSERT INTO contract_deprecations (contract_id, until, message)
VALUES (:contract_id, :until, :message);

-- name: delete_deprecations_of(tool_id)!
-- A re-registration replaces the tool's deprecations with what its manifest says now.
DELETE FROM contract_deprecations
WHERE contract_id IN (SELECT id FROM contracts WHERE tool_id = :tool_id);

-- name: list_deprecations_of(tool_id)
-- returns: DeprecationRow
SELECT c.tool_id, c.contract_type, c.name, p.until, p.message
FROM contract_deprecations AS p
JOIN contracts AS c ON c.id = p.contract_id
WHERE c.tool_id = :tool_id
ORDER BY c.contract_type, c.name;

-- name: list_deprecations()
-- returns: DeprecationRow
SELECT c.tool_id, c.contract_type, c.name, p.until, p.message
FROM contract_deprecations AS p
JOIN contracts AS c ON c.id = p.contract_id
ORDER BY c.tool_id, c.contract_type, c.name;
