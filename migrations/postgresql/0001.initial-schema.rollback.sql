DROP TABLE circular_deps;
DROP TABLE verifications;
DROP TABLE contracts;
DROP TABLE dependencies;
DROP TABLE tools;
DROP FUNCTION pai_deps_json_valid(TEXT);
