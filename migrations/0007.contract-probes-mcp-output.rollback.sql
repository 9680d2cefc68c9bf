DROP TABLE mcp_snapshots;

CREATE TABLE contracts_old (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    tool_id       TEXT    NOT NULL REFERENCES tools (id) ON DELETE CASCADE,
    contract_type TEXT    NOT NULL
                  CHECK (contract_type IN ('cli_output', 'mcp_tool', 'library_export', 'db_schema')),
    name          TEXT    NOT NULL CHECK (length(name) > 0),
    schema_path   TEXT,
    schema_hash   TEXT,
    last_verified TEXT,
    status        TEXT    NOT NULL DEFAULT 'unknown'
                  CHECK (status IN ('valid', 'drift', 'broken', 'unknown')),
    schema_snapshot TEXT
                  CHECK (schema_snapshot IS NULL OR json_valid(schema_snapshot)),
    status_reason TEXT
                  CHECK (status_reason IS NULL OR length(status_reason) > 0),
    UNIQUE (tool_id, contract_type, name)
) STRICT;

-- Output-schema contracts cannot exist before 0005; their history goes with them.
DELETE FROM verifications
WHERE contract_id IN (SELECT id FROM contracts WHERE contract_type = 'mcp_output');

INSERT INTO contracts_old (id, tool_id, contract_type, name, schema_path, schema_hash,
                           last_verified, status, schema_snapshot, status_reason)
SELECT id, tool_id, contract_type, name, schema_path, schema_hash, last_verified, status,
       schema_snapshot, status_reason
FROM contracts
WHERE contract_type <> 'mcp_output';

DROP INDEX idx_contracts_tool;
DROP TABLE contracts;
ALTER TABLE contracts_old RENAME TO contracts;
CREATE INDEX idx_contracts_tool ON contracts (tool_id);
