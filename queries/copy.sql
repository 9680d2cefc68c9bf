-- Copying a whole registry between backends (`pai-deps db copy SRC DEST`): every column
-- of every table, ids included, in an order the foreign keys accept. A test checks that
-- these queries name every column the migrations create.

-- name: copy_tools()
-- returns: ToolRow
SELECT id, name, path, type, version, reliability, debt_score, manifest_path, stub,
       last_verified, created_at, updated_at, manifest_hash, description, mcp_start, slo
FROM tools
ORDER BY id;

-- name: paste_tool(id, name, path, type, version, reliability, debt_score, manifest_path, stub, last_verified, created_at, updated_at, manifest_hash, description, mcp_start, slo)!
INSERT INTO tools (id, name, path, type, version, reliability, debt_score, manifest_path, stub,
                   last_verified, created_at, updated_at, manifest_hash, description, mcp_start,
                   slo)
VALUES (:id, :name, :path, :type, :version, :reliability, :debt_score, :manifest_path, :stub,
        :last_verified, :created_at, :updated_at, :manifest_hash, :description, :mcp_start,
        :slo);

-- name: copy_dependencies()
-- returns: DependencyRow
SELECT id, consumer_id, provider_id, type, version_constraint, optional, created_at
FROM dependencies
ORDER BY id;

-- name: paste_dependency(id, consumer_id, provider_id, type, version_constraint, optional, created_at)!
INSERT INTO dependencies (id, consumer_id, provider_id, type, version_constraint, optional,
                          created_at)
VALUES (:id, :consumer_id, :provider_id, :type, :version_constraint, :optional, :created_at);

-- name: copy_contracts()
-- returns: ContractRow
SELECT id, tool_id, contract_type, name, schema_path, schema_hash, last_verified, status,
       schema_snapshot, status_reason, probe, help
FROM contracts
ORDER BY id;

-- name: paste_contract(id, tool_id, contract_type, name, schema_path, schema_hash, last_verified, status, schema_snapshot, status_reason, probe, help)!
-- param probe: list[str] | None as json
-- param help: list[str] | bool | None as json
INSERT INTO contracts (id, tool_id, contract_type, name, schema_path, schema_hash, last_verified,
                       status, schema_snapshot, status_reason, probe, help)
VALUES (:id, :tool_id, :contract_type, :name, :schema_path, :schema_hash, :last_verified,
        :status, :schema_snapshot, :status_reason, :probe, :help);

-- name: copy_verifications()
-- returns: VerificationRow
SELECT id, contract_id, verified_at, status, details, git_commit, duration_ms
FROM verifications
ORDER BY id;

-- name: paste_verification(id, contract_id, verified_at, status, details, git_commit, duration_ms)!
-- param details: Any as json
INSERT INTO verifications (id, contract_id, verified_at, status, details, git_commit,
                           duration_ms)
VALUES (:id, :contract_id, :verified_at, :status, :details, :git_commit, :duration_ms);

-- name: copy_resources()
-- returns: ResourceRow
SELECT id, tool_id, uri, schema_path
FROM resources
ORDER BY id;

-- name: paste_resource(id, tool_id, uri, schema_path)!
INSERT INTO resources (id, tool_id, uri, schema_path) VALUES (:id, :tool_id, :uri, :schema_path);

-- name: copy_runs()
-- returns: VerificationRunRow
SELECT id, tool_id, verified_at, level, status, cli_passed, cli_failed, cli_skipped,
       mcp_found, mcp_missing, mcp_extra, mcp_failed, mcp_skipped, git_commit, duration_ms
FROM verification_runs
ORDER BY id;

-- name: paste_run(id, tool_id, verified_at, level, status, cli_passed, cli_failed, cli_skipped, mcp_found, mcp_missing, mcp_extra, mcp_failed, mcp_skipped, git_commit, duration_ms)!
INSERT INTO verification_runs (id, tool_id, verified_at, level, status, cli_passed, cli_failed,
                               cli_skipped, mcp_found, mcp_missing, mcp_extra, mcp_failed,
                               mcp_skipped, git_commit, duration_ms)
VALUES (:id, :tool_id, :verified_at, :level, :status, :cli_passed, :cli_failed, :cli_skipped,
        :mcp_found, :mcp_missing, :mcp_extra, :mcp_failed, :mcp_skipped, :git_commit,
        :duration_ms);

-- name: copy_cycles()
-- returns: CycleRow
SELECT id, cycle, detected_at, resolved
FROM circular_deps
ORDER BY id;

-- name: paste_cycle(id, cycle, detected_at, resolved)!
-- param cycle: Sequence[str] as json
INSERT INTO circular_deps (id, cycle, detected_at, resolved)
VALUES (:id, :cycle, :detected_at, :resolved);

-- name: copy_snapshots()
-- returns: SnapshotRow
SELECT tool_id, taken_at, server_name, server_version, protocol, tools
FROM mcp_snapshots
ORDER BY tool_id;

-- name: paste_snapshot(tool_id, taken_at, server_name, server_version, protocol, tools)!
-- param tools: list[dict[str, Any]] as json
INSERT INTO mcp_snapshots (tool_id, taken_at, server_name, server_version, protocol, tools)
VALUES (:tool_id, :taken_at, :server_name, :server_version, :protocol, :tools);

-- name: copy_uses()
-- returns: UseCopyRow
SELECT id, dependency_id, contract, pointer
FROM dependency_uses
ORDER BY id;

-- name: paste_use(id, dependency_id, contract, pointer)!
INSERT INTO dependency_uses (id, dependency_id, contract, pointer)
VALUES (:id, :dependency_id, :contract, :pointer);

-- name: copy_deprecations()
-- returns: DeprecationCopyRow
SELECT contract_id, until, message
FROM contract_deprecations
ORDER BY contract_id;

-- name: paste_deprecation(contract_id, until, message)!
INSERT INTO contract_deprecations (contract_id, until, message)
VALUES (:contract_id, :until, :message);

-- name: clear_tools()!
-- `--replace`: every tool goes, and with it (ON DELETE CASCADE) every edge, contract,
-- verification, resource, run and MCP snapshot.
DELETE FROM tools;

-- name: clear_cycles()!
DELETE FROM circular_deps;

-- name: restart_ids()$
-- returns: int
-- After rows were pasted with their ids, new rows must get ids after them. SQLite's
-- AUTOINCREMENT already remembers the largest id inserted; PostgreSQL's identity
-- sequences do not.
SELECT 0;
