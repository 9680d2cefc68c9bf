-- Tools: registered tools and the stubs that stand in for unregistered providers.

-- name: get_tool(id)^
-- returns: ToolRow | None
-- One tool by id, or nothing.
SELECT id, name, path, type, version, reliability, debt_score, manifest_path, stub,
       last_verified, created_at, updated_at, manifest_hash, description, mcp_start, slo
FROM tools
WHERE id = :id;

-- name: list_tools()
-- returns: ToolRow
-- Every tool, stubs included, in id order.
SELECT id, name, path, type, version, reliability, debt_score, manifest_path, stub,
       last_verified, created_at, updated_at, manifest_hash, description, mcp_start, slo
FROM tools
ORDER BY id;

-- name: list_tool_summaries(type, stub)
-- returns: ToolSummaryRow
-- The `list` table in one query: each tool with its fan-out and fan-in.
-- :type and :stub are optional filters (NULL matches everything).
SELECT t.id, t.name, t.type, t.version, t.reliability, t.debt_score, t.stub, t.path,
       t.last_verified,
       (SELECT count(*) FROM dependencies AS d WHERE d.consumer_id = t.id) AS dependencies,
       (SELECT count(*) FROM dependencies AS d WHERE d.provider_id = t.id) AS dependents,
       t.slo
FROM tools AS t
WHERE (:type IS NULL OR t.type = :type)
  AND (:stub IS NULL OR t.stub = :stub)
ORDER BY t.id;

-- name: upsert_tool(id, path, type, version, reliability, debt_score, manifest_path, manifest_hash, description, mcp_start, slo, now)^
-- returns: ToolRow
-- Register or re-register a tool. A re-registration keeps created_at and the verification
-- state; registering over a stub turns it into a real tool.
INSERT INTO tools (id, name, path, type, version, reliability, debt_score, manifest_path,
                   stub, last_verified, created_at, updated_at, manifest_hash, description,
                   mcp_start, slo)
VALUES (:id, :id, :path, :type, :version, :reliability, :debt_score, :manifest_path,
        0, NULL, :now, :now, :manifest_hash, :description, :mcp_start, :slo)
ON CONFLICT (id) DO UPDATE SET
    path = excluded.path,
    type = excluded.type,
    version = excluded.version,
    reliability = excluded.reliability,
    debt_score = excluded.debt_score,
    manifest_path = excluded.manifest_path,
    stub = 0,
    updated_at = excluded.updated_at,
    manifest_hash = excluded.manifest_hash,
    description = excluded.description,
    mcp_start = excluded.mcp_start,
    slo = excluded.slo
RETURNING id, name, path, type, version, reliability, debt_score, manifest_path, stub,
          last_verified, created_at, updated_at, manifest_hash, description, mcp_start, slo;

-- name: insert_stub(id, type, now)!
-- A placeholder for a provider nobody registered yet; a no-op when the id exists, so
-- concurrent registrations that share an unknown provider never collide.
INSERT INTO tools (id, name, path, type, stub, created_at, updated_at)
VALUES (:id, :id, 'unknown', :type, 1, :now, :now)
ON CONFLICT (id) DO NOTHING;

-- name: demote_to_stub(id, now)!
-- Unregistering a tool others still depend on keeps their edges by leaving a stub.
UPDATE tools
SET stub = 1, path = 'unknown', manifest_path = NULL, manifest_hash = NULL, version = NULL,
    description = NULL, mcp_start = NULL, slo = NULL, last_verified = NULL, updated_at = :now
WHERE id = :id;

-- name: delete_tool(id)!
-- Cascades to the tool's edges (both directions), contracts and their history.
DELETE FROM tools WHERE id = :id;

-- name: delete_orphan_stubs()
-- returns: ToolIdRow
-- Remove stubs nobody depends on any more; returns the ids removed.
DELETE FROM tools
WHERE stub = 1
  AND NOT EXISTS (SELECT 1 FROM dependencies AS d WHERE d.provider_id = tools.id)
RETURNING id;

-- name: mark_tool_verified(id, now)!
UPDATE tools SET last_verified = :now WHERE id = :id;

-- name: list_tool_locations()
-- returns: ToolLocationRow
-- Registered (non-stub) tools with their directories, for mapping files to tools.
SELECT id, path, manifest_path
FROM tools
WHERE stub = 0
ORDER BY id;

-- name: list_manifest_hashes()
-- returns: ManifestHashRow
-- Real tools by the manifest they were registered from, with its hash: what `sync`
-- compares each manifest's bytes with before parsing it (three columns, not whole rows).
SELECT manifest_path, id, manifest_hash
FROM tools
WHERE stub = 0 AND manifest_path IS NOT NULL
ORDER BY manifest_path;

-- name: list_tools_registered_from(manifest_path)
-- returns: ToolIdRow
-- Real tools registered from this manifest file (more than one means it was renamed).
SELECT id
FROM tools
WHERE manifest_path = :manifest_path AND stub = 0
ORDER BY id;

-- name: list_tool_ids()
-- returns: ToolIdRow
-- Every id, stubs included: the candidates when a tool name is mistyped.
SELECT id
FROM tools
ORDER BY id;
