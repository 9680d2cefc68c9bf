-- What issue 10's verification needs from a contract: the safe argument list `verify` may
-- run (`probe`) and the arguments that print a command's usage in place of --help (`help`,
-- or false when it has none); a new contract type for an MCP tool's output schema (a
-- response contract); and the last `tools/list` an MCP server gave (`verify --snapshot`),
-- the baseline for servers whose manifest declares no tools.
-- SQLite cannot change a CHECK constraint in place, so `contracts` is rebuilt (yoyo's
-- connection has foreign keys off, which a rebuild needs; ids are kept, so the
-- verifications that point at them stay attached).
-- `status_reason` (0006) is kept.
-- depends: 0006.contract-status-reason

CREATE TABLE contracts_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    tool_id         TEXT    NOT NULL REFERENCES tools (id) ON DELETE CASCADE,
    contract_type   TEXT    NOT NULL
                    CHECK (contract_type IN ('cli_output', 'mcp_tool', 'mcp_output',
                                             'library_export', 'db_schema')),
    name            TEXT    NOT NULL CHECK (length(name) > 0),
    schema_path     TEXT,
    schema_hash     TEXT,
    last_verified   TEXT,
    status          TEXT    NOT NULL DEFAULT 'unknown'
                    CHECK (status IN ('valid', 'drift', 'broken', 'unknown')),
    schema_snapshot TEXT    CHECK (schema_snapshot IS NULL OR json_valid(schema_snapshot)),
    status_reason   TEXT    CHECK (status_reason IS NULL OR length(status_reason) > 0),
    probe           TEXT    CHECK (probe IS NULL
                                   OR (json_valid(probe) AND json_type(probe) = 'array')),
    help            TEXT    CHECK (help IS NULL
                                   OR (json_valid(help) AND json_type(help) IN ('array', 'false'))),
    UNIQUE (tool_id, contract_type, name)
) STRICT;

INSERT INTO contracts_new (id, tool_id, contract_type, name, schema_path, schema_hash,
                           last_verified, status, schema_snapshot, status_reason)
SELECT id, tool_id, contract_type, name, schema_path, schema_hash, last_verified, status,
       schema_snapshot, status_reason
FROM contracts;

DROP INDEX idx_contracts_tool;
DROP TABLE contracts;
ALTER TABLE contracts_new RENAME TO contracts;
CREATE INDEX idx_contracts_tool ON contracts (tool_id);

CREATE TABLE mcp_snapshots (
    tool_id        TEXT NOT NULL PRIMARY KEY REFERENCES tools (id) ON DELETE CASCADE,
    taken_at       TEXT NOT NULL,
    server_name    TEXT,
    server_version TEXT,
    protocol       TEXT,
    tools          TEXT NOT NULL CHECK (json_valid(tools) AND json_type(tools) = 'array')
) STRICT;
