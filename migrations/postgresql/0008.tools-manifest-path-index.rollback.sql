DROP INDEX idx_tools_manifest_path;
