-- PostgreSQL versions of queries in queries/cycles.sql that look inside a stored JSON
-- array.

-- name: list_cycles_with(tool_id)
-- returns: CycleRow
-- param tool_id: str
SELECT c.id, c.cycle, c.detected_at, c.resolved
FROM circular_deps AS c
WHERE c.resolved = 0
  AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(CAST(c.cycle AS jsonb)) AS m (value)
              WHERE m.value = :tool_id)
ORDER BY c.id;
