-- Change-aware CI: what `ci affected` and `ci check` need beyond the other domains.

-- name: list_schema_locations()
-- returns: SchemaLocationRow
-- Every schema file a registered tool names (contracts and MCP resources) with the tool's
-- directory, so that a changed schema file maps to the tools that use it, even when the
-- file lives outside the tool's own directory.
SELECT c.tool_id, t.path, c.schema_path
FROM contracts AS c
JOIN tools AS t ON t.id = c.tool_id
WHERE c.schema_path IS NOT NULL AND t.stub = 0
UNION
SELECT r.tool_id, t.path, r.schema_path
FROM resources AS r
JOIN tools AS t ON t.id = r.tool_id
WHERE r.schema_path IS NOT NULL AND t.stub = 0
ORDER BY 1, 3;
