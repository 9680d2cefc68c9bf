-- Resources: MCP resources a tool provides (listed by `show`, not verified as contracts).

-- name: list_resources_of(tool_id)
-- returns: ResourceRow
SELECT id, tool_id, uri, schema_path
FROM resources
WHERE tool_id = :tool_id
ORDER BY uri;

-- name: insert_resource(tool_id, uri, schema_path)!
INSERT INTO resources (tool_id, uri, schema_path) VALUES (:tool_id, :uri, :schema_path);

-- name: delete_resources_of(tool_id)!
DELETE FROM resources WHERE tool_id = :tool_id;
