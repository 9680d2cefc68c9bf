-- What contract checking needs beyond the seed: the normalised schema each contract was
-- registered (or last accepted) with, so drift can say WHAT changed and not only that the
-- hash differs; how long each check took; and one summary row per tool per `verify` run.
-- depends: 0002.manifest-details

ALTER TABLE contracts ADD COLUMN schema_snapshot TEXT
    CHECK (schema_snapshot IS NULL OR json_valid(schema_snapshot));

ALTER TABLE verifications ADD COLUMN duration_ms INTEGER
    CHECK (duration_ms IS NULL OR duration_ms >= 0);

CREATE TABLE verification_runs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    tool_id       TEXT    NOT NULL REFERENCES tools (id) ON DELETE CASCADE,
    verified_at   TEXT    NOT NULL,
    level         TEXT    NOT NULL CHECK (level IN ('quick', 'default', 'strict')),
    status        TEXT    NOT NULL CHECK (status IN ('pass', 'fail', 'skip')),
    cli_passed    INTEGER NOT NULL DEFAULT 0 CHECK (cli_passed >= 0),
    cli_failed    INTEGER NOT NULL DEFAULT 0 CHECK (cli_failed >= 0),
    cli_skipped   INTEGER NOT NULL DEFAULT 0 CHECK (cli_skipped >= 0),
    mcp_found     INTEGER NOT NULL DEFAULT 0 CHECK (mcp_found >= 0),
    mcp_missing   INTEGER NOT NULL DEFAULT 0 CHECK (mcp_missing >= 0),
    mcp_extra     INTEGER NOT NULL DEFAULT 0 CHECK (mcp_extra >= 0),
    mcp_skipped   INTEGER NOT NULL DEFAULT 0 CHECK (mcp_skipped >= 0),
    git_commit    TEXT,
    duration_ms   INTEGER NOT NULL DEFAULT 0 CHECK (duration_ms >= 0)
) STRICT;

CREATE INDEX idx_verification_runs_tool ON verification_runs (tool_id, verified_at);
