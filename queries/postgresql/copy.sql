-- PostgreSQL versions of queries in queries/copy.sql.

-- name: restart_ids()$
-- returns: int
SELECT count(setval(pg_get_serial_sequence(s.table_name, 'id'), s.next_id, false))
FROM (SELECT 'dependencies' AS table_name, coalesce(max(id), 0) + 1 AS next_id FROM dependencies
      UNION ALL SELECT 'contracts', coalesce(max(id), 0) + 1 FROM contracts
      UNION ALL SELECT 'verifications', coalesce(max(id), 0) + 1 FROM verifications
      UNION ALL SELECT 'resources', coalesce(max(id), 0) + 1 FROM resources
      UNION ALL SELECT 'verification_runs', coalesce(max(id), 0) + 1 FROM verification_runs
      UNION ALL SELECT 'circular_deps', coalesce(max(id), 0) + 1 FROM circular_deps
      UNION ALL SELECT 'dependency_uses', coalesce(max(id), 0) + 1 FROM dependency_uses) AS s;
