-- What `sync` and `show` need from a registration without re-reading the manifest:
-- the manifest's content hash (unchanged manifests are skipped), its description, the
-- MCP start command, and the MCP resources it provides (resources are not contracts).
-- depends: 0001.initial-schema

ALTER TABLE tools ADD COLUMN manifest_hash TEXT;
ALTER TABLE tools ADD COLUMN description TEXT;
ALTER TABLE tools ADD COLUMN mcp_start TEXT;

CREATE TABLE resources (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tool_id     TEXT    NOT NULL REFERENCES tools (id) ON DELETE CASCADE,
    uri         TEXT    NOT NULL CHECK (length(uri) > 0),
    schema_path TEXT,
    UNIQUE (tool_id, uri)
) STRICT;
