DROP TABLE mcp_snapshots;

-- Output-schema contracts cannot exist before 0007; their history goes with them.
DELETE FROM contracts WHERE contract_type = 'mcp_output';

ALTER TABLE contracts DROP COLUMN help;
ALTER TABLE contracts DROP COLUMN probe;
ALTER TABLE contracts DROP CONSTRAINT contracts_contract_type_check;
ALTER TABLE contracts ADD CONSTRAINT contracts_contract_type_check
    CHECK (contract_type IN ('cli_output', 'mcp_tool', 'library_export', 'db_schema'));
