DROP TABLE resources;
ALTER TABLE tools DROP COLUMN mcp_start;
ALTER TABLE tools DROP COLUMN description;
ALTER TABLE tools DROP COLUMN manifest_hash;
