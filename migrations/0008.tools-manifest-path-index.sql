-- Registering a manifest asks which tools were registered from it (a renamed tool leaves
-- its old name behind). Without an index that is a scan of every tool, once per manifest:
-- a `sync` of 50,000 new manifests did 50,000 full scans.
-- depends: 0007.contract-probes-mcp-output

CREATE INDEX idx_tools_manifest_path ON tools (manifest_path, stub);
