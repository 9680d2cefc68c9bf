-- As migrations/0008 on SQLite: the tools registered from a manifest, found by index.

CREATE INDEX idx_tools_manifest_path ON tools (manifest_path, stub);
