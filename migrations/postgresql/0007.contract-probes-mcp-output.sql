-- As migrations/0007 on SQLite: the safe argument list `verify` may run (`probe`) and the
-- arguments that print a command's usage in place of --help (`help`, or false when it has
-- none); the contract type for an MCP tool's output schema (`mcp_output`); and the last
-- `tools/list` an MCP server gave (`verify --snapshot`). PostgreSQL changes a CHECK in
-- place, so `contracts` is altered, not rebuilt.

ALTER TABLE contracts DROP CONSTRAINT contracts_contract_type_check;
ALTER TABLE contracts ADD CONSTRAINT contracts_contract_type_check
    CHECK (contract_type IN ('cli_output', 'mcp_tool', 'mcp_output', 'library_export',
                             'db_schema'));

ALTER TABLE contracts ADD COLUMN probe TEXT COLLATE "C"
    CHECK (probe IS NULL OR CASE WHEN pai_deps_json_valid(probe)
                                 THEN json_typeof(probe::json) = 'array' ELSE FALSE END);

ALTER TABLE contracts ADD COLUMN help TEXT COLLATE "C"
    CHECK (help IS NULL OR CASE WHEN pai_deps_json_valid(help)
                                THEN json_typeof(help::json) = 'array'
                                     OR btrim(help, E' \t\n\r') = 'false'
                                ELSE FALSE END);

CREATE TABLE mcp_snapshots (
    tool_id        TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES tools (id) ON DELETE CASCADE,
    taken_at       TEXT COLLATE "C" NOT NULL,
    server_name    TEXT COLLATE "C",
    server_version TEXT COLLATE "C",
    protocol       TEXT COLLATE "C",
    tools          TEXT COLLATE "C" NOT NULL
                   CHECK (CASE WHEN pai_deps_json_valid(tools)
                               THEN json_typeof(tools::json) = 'array' ELSE FALSE END)
);
