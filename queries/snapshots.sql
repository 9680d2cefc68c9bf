-- MCP snapshots: the last `tools/list` a server gave (`verify --snapshot`), one per tool.

-- name: get_snapshot(tool_id)^
-- returns: SnapshotRow | None
SELECT tool_id, taken_at, server_name, server_version, protocol, tools
FROM mcp_snapshots
WHERE tool_id = :tool_id;

-- name: put_snapshot(tool_id, taken_at, server_name, server_version, protocol, tools)^
-- returns: SnapshotRow
-- param tools: list[dict[str, Any]] as json
-- `tools` is every tool of every page: {name, description, inputSchema, outputSchema}.
INSERT INTO mcp_snapshots (tool_id, taken_at, server_name, server_version, protocol, tools)
VALUES (:tool_id, :taken_at, :server_name, :server_version, :protocol, :tools)
ON CONFLICT (tool_id) DO UPDATE SET
    taken_at = excluded.taken_at,
    server_name = excluded.server_name,
    server_version = excluded.server_version,
    protocol = excluded.protocol,
    tools = excluded.tools
RETURNING tool_id, taken_at, server_name, server_version, protocol, tools;
