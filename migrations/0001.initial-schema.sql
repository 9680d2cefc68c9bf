-- The registry's five tables, as planned in seed F-002, with the integrity the seed left out:
-- CHECK constraints on every enumeration, range and flag, UNIQUE edges and contracts, and
-- ON DELETE CASCADE on every foreign key. STRICT tables so a number column never holds text.

CREATE TABLE tools (
    id            TEXT    NOT NULL PRIMARY KEY CHECK (length(id) > 0),
    name          TEXT    NOT NULL,
    path          TEXT    NOT NULL,
    type          TEXT    NOT NULL
                  CHECK (type IN ('cli', 'mcp', 'library', 'workflow', 'hook', 'cli+mcp')),
    version       TEXT,
    reliability   REAL    NOT NULL DEFAULT 0.95 CHECK (reliability BETWEEN 0 AND 1),
    debt_score    INTEGER NOT NULL DEFAULT 0 CHECK (debt_score >= 0),
    manifest_path TEXT,
    stub          INTEGER NOT NULL DEFAULT 0 CHECK (stub IN (0, 1)),
    last_verified TEXT,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
) STRICT;

CREATE INDEX idx_tools_type ON tools (type);
CREATE INDEX idx_tools_stub ON tools (stub);

CREATE TABLE dependencies (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    consumer_id        TEXT    NOT NULL REFERENCES tools (id) ON DELETE CASCADE,
    provider_id        TEXT    NOT NULL REFERENCES tools (id) ON DELETE CASCADE,
    type               TEXT    NOT NULL
                       CHECK (type IN ('cli', 'mcp', 'library', 'database', 'npm', 'implicit')),
    version_constraint TEXT,
    optional           INTEGER NOT NULL DEFAULT 0 CHECK (optional IN (0, 1)),
    created_at         TEXT    NOT NULL,
    UNIQUE (consumer_id, provider_id),
    CHECK (consumer_id <> provider_id)
) STRICT;

-- Both traversal directions read (from, to) pairs straight from the index.
CREATE INDEX idx_deps_consumer ON dependencies (consumer_id, provider_id);
CREATE INDEX idx_deps_provider ON dependencies (provider_id, consumer_id);

CREATE TABLE contracts (
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
    UNIQUE (tool_id, contract_type, name)
) STRICT;

CREATE INDEX idx_contracts_tool ON contracts (tool_id);

CREATE TABLE verifications (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id INTEGER NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    verified_at TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('pass', 'fail', 'drift')),
    details     TEXT    CHECK (details IS NULL OR json_valid(details)),
    git_commit  TEXT
) STRICT;

CREATE INDEX idx_verifications_contract ON verifications (contract_id);

-- A cycle is stored once, as a JSON array in canonical rotation (smallest id first).
CREATE TABLE circular_deps (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    cycle       TEXT    NOT NULL UNIQUE
                CHECK (json_valid(cycle) AND json_type(cycle) = 'array'),
    detected_at TEXT    NOT NULL,
    resolved    INTEGER NOT NULL DEFAULT 0 CHECK (resolved IN (0, 1))
) STRICT;
