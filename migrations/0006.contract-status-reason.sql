-- Why a contract's status is what it is, when the status alone does not say: a manifest
-- may name a schema file that does not exist yet. It registers anyway (with a warning),
-- and its contract is stored with status 'unknown' and this reason, so `show` and scripts
-- can tell "never checked" from "could not be checked".
-- depends: 0004.verification-mcp-failed

ALTER TABLE contracts ADD COLUMN status_reason TEXT
    CHECK (status_reason IS NULL OR length(status_reason) > 0);
