-- PostgreSQL versions of the graph walks in queries/graph.sql: the same breadth-first,
-- level-by-level walk, with each level's nodes as arrays instead of JSON text. `frontier`
-- holds the ids first reached at this depth and `vias` the neighbour each came through
-- (the smallest id when several tie); `seen` every id reached before. A node therefore
-- appears once, at its minimum depth, and the walk ends when a level adds nothing,
-- cycles included. "Not seen before" is one hashed anti-join against `seen` and the
-- frontier (a `<> ALL (array)` filter would compare every candidate with every frontier
-- node), so the cost follows the size of the answer.

-- name: transitive_dependencies(tool_id, max_depth)
-- returns: ReachRow
-- param tool_id: str
-- param max_depth: int | None
WITH RECURSIVE walk (depth, frontier, vias, seen) AS (
    SELECT 0, ARRAY[CAST(:tool_id AS TEXT) COLLATE "C"], ARRAY[CAST(NULL AS TEXT) COLLATE "C"],
           CAST(ARRAY[] AS TEXT[]) COLLATE "C"
    UNION ALL
    SELECT w.depth + 1, step.ids, step.vias, w.seen || w.frontier
    FROM walk AS w
    CROSS JOIN LATERAL (
        SELECT array_agg(n.id ORDER BY n.id) AS ids, array_agg(n.via ORDER BY n.id) AS vias
        FROM (SELECT d.provider_id AS id, min(d.consumer_id) AS via
              FROM dependencies AS d
              WHERE d.consumer_id = ANY (w.frontier)
                AND NOT EXISTS (SELECT 1 FROM unnest(w.seen || w.frontier) AS s (id)
                                WHERE s.id = d.provider_id)
              GROUP BY d.provider_id) AS n
    ) AS step
    WHERE step.ids IS NOT NULL
      AND (:max_depth IS NULL OR w.depth < :max_depth)
)
SELECT t.id, t.name, t.type, t.version, t.reliability, t.debt_score, t.stub,
       w.depth, f.via
FROM walk AS w
CROSS JOIN LATERAL unnest(w.frontier, w.vias) AS f (id, via)
JOIN tools AS t ON t.id = f.id
WHERE w.depth > 0
ORDER BY w.depth, t.id;

-- name: transitive_dependents(tool_id, max_depth)
-- returns: ReachRow
-- param tool_id: str
-- param max_depth: int | None
WITH RECURSIVE walk (depth, frontier, vias, seen) AS (
    SELECT 0, ARRAY[CAST(:tool_id AS TEXT) COLLATE "C"], ARRAY[CAST(NULL AS TEXT) COLLATE "C"],
           CAST(ARRAY[] AS TEXT[]) COLLATE "C"
    UNION ALL
    SELECT w.depth + 1, step.ids, step.vias, w.seen || w.frontier
    FROM walk AS w
    CROSS JOIN LATERAL (
        SELECT array_agg(n.id ORDER BY n.id) AS ids, array_agg(n.via ORDER BY n.id) AS vias
        FROM (SELECT d.consumer_id AS id, min(d.provider_id) AS via
              FROM dependencies AS d
              WHERE d.provider_id = ANY (w.frontier)
                AND NOT EXISTS (SELECT 1 FROM unnest(w.seen || w.frontier) AS s (id)
                                WHERE s.id = d.consumer_id)
              GROUP BY d.consumer_id) AS n
    ) AS step
    WHERE step.ids IS NOT NULL
      AND (:max_depth IS NULL OR w.depth < :max_depth)
)
SELECT t.id, t.name, t.type, t.version, t.reliability, t.debt_score, t.stub,
       w.depth, f.via
FROM walk AS w
CROSS JOIN LATERAL unnest(w.frontier, w.vias) AS f (id, via)
JOIN tools AS t ON t.id = f.id
WHERE w.depth > 0
ORDER BY w.depth, t.id;

-- name: edge_list()^
-- returns: EdgeListRow
SELECT CAST(coalesce(json_agg(json_build_array(e.consumer_id, e.provider_id, e.type, e.optional)
                              ORDER BY e.consumer_id, e.provider_id), '[]') AS TEXT) AS edges
FROM dependencies AS e;

-- name: edges_leaving(ids)^
-- returns: EdgeListRow
-- param ids: Iterable[str] as json
SELECT CAST(coalesce(json_agg(json_build_array(d.consumer_id, d.provider_id, d.type, d.optional)
                              ORDER BY d.consumer_id, d.provider_id), '[]') AS TEXT) AS edges
FROM dependencies AS d
WHERE d.consumer_id IN (SELECT value FROM json_array_elements_text(CAST(:ids AS json)));

-- name: reached_edges(tool_id)^
-- returns: EdgeListRow
-- param tool_id: str
WITH RECURSIVE reached (id) AS (
    SELECT CAST(:tool_id AS TEXT) COLLATE "C"
    UNION
    SELECT d.provider_id FROM dependencies AS d JOIN reached AS r ON d.consumer_id = r.id
)
SELECT CAST(coalesce(json_agg(json_build_array(d.consumer_id, d.provider_id, d.type, d.optional)
                              ORDER BY d.consumer_id, d.provider_id), '[]') AS TEXT) AS edges
FROM reached AS r
JOIN dependencies AS d ON d.consumer_id = r.id;
