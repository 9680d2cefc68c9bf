-- Circular dependencies, each stored once in canonical rotation.

-- name: upsert_cycle(cycle, now)^
-- returns: CycleRow
-- param cycle: Sequence[str] as json
-- Record a detected cycle; a cycle seen again is re-opened if it had been resolved.
-- :cycle is a JSON array of ids in canonical rotation, as compact text (the runtime's
-- json_text), so a cycle is the same text whichever backend stored it.
INSERT INTO circular_deps (cycle, detected_at, resolved)
VALUES (:cycle, :now, 0)
ON CONFLICT (cycle) DO UPDATE SET
    detected_at = CASE WHEN circular_deps.resolved = 1 THEN excluded.detected_at
                       ELSE circular_deps.detected_at END,
    resolved = 0
RETURNING id, cycle, detected_at, resolved;

-- name: list_cycles(include_resolved)
-- returns: CycleRow
-- param include_resolved: bool
SELECT id, cycle, detected_at, resolved
FROM circular_deps
WHERE :include_resolved = 1 OR resolved = 0
ORDER BY id;

-- name: list_cycles_with(tool_id)
-- returns: CycleRow
-- param tool_id: str
-- Open cycles that pass through a tool.
SELECT c.id, c.cycle, c.detected_at, c.resolved
FROM circular_deps AS c
WHERE c.resolved = 0
  AND EXISTS (SELECT 1 FROM json_each(c.cycle) AS m WHERE m.value = :tool_id)
ORDER BY c.id;

-- name: get_cycle(id)^
-- returns: CycleRow | None
SELECT id, cycle, detected_at, resolved FROM circular_deps WHERE id = :id;

-- name: resolve_cycle(id)!
UPDATE circular_deps SET resolved = 1 WHERE id = :id;
