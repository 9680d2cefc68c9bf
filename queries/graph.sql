-- Graph traversals as recursive CTEs. Their cost follows the size of the answer, not the
-- size of the registry: they only ever touch edges leaving nodes already reached.
--
-- Why the shape: a recursive CTE that carries a depth column cannot de-duplicate nodes, so
-- on a graph with cycles (or many paths) it would revisit nodes once per path. Instead,
-- each recursion step is one breadth-first LEVEL: `frontier` holds the nodes first reached
-- at this depth (as a JSON array of [id, via] pairs) and `seen` every node reached before.
-- A node therefore appears exactly once, at its minimum depth, and the walk ends when a
-- level adds nothing -- cycles included. "Not seen before" is one GROUP BY over this
-- level's candidates plus the seen nodes (a correlated NOT IN would rescan `seen` for
-- every candidate). `via` is the neighbour it was reached through on a
-- shortest path (the smallest id when several tie). The start node is never in the answer.

-- name: transitive_dependencies(tool_id, max_depth)
-- returns: ReachRow
-- param tool_id: str
-- param max_depth: int | None
-- Everything the tool depends on, directly or not (max_depth NULL = unlimited).
WITH RECURSIVE walk (depth, frontier, seen) AS (
    SELECT 0, json_array(json_array(:tool_id, NULL)), json_array()
    UNION ALL
    SELECT
        w.depth + 1,
        (SELECT json_group_array(json_array(step.id, step.via))
         FROM (SELECT reached.id, min(reached.via) AS via
               FROM (SELECT d.provider_id AS id, d.consumer_id AS via, 0 AS known
                     FROM json_each(w.frontier) AS f
                     JOIN dependencies AS d ON d.consumer_id = f.value ->> 0
                     UNION ALL
                     SELECT s.value, NULL, 1 FROM json_each(w.seen) AS s
                     UNION ALL
                     SELECT f.value ->> 0, NULL, 1 FROM json_each(w.frontier) AS f) AS reached
               GROUP BY reached.id
               HAVING max(reached.known) = 0) AS step),
        (SELECT json_group_array(all_seen.id)
         FROM (SELECT s.value AS id FROM json_each(w.seen) AS s
               UNION ALL
               SELECT f.value ->> 0 FROM json_each(w.frontier) AS f) AS all_seen)
    FROM walk AS w
    WHERE json_array_length(w.frontier) > 0
      AND (:max_depth IS NULL OR w.depth < :max_depth)
)
SELECT t.id, t.name, t.type, t.version, t.reliability, t.debt_score, t.stub,
       w.depth, f.value ->> 1 AS via
FROM walk AS w
JOIN json_each(w.frontier) AS f
JOIN tools AS t ON t.id = f.value ->> 0
WHERE w.depth > 0
ORDER BY w.depth, t.id;

-- name: transitive_dependents(tool_id, max_depth)
-- returns: ReachRow
-- param tool_id: str
-- param max_depth: int | None
-- Everything that depends on the tool, directly or not: the same walk over reversed edges.
WITH RECURSIVE walk (depth, frontier, seen) AS (
    SELECT 0, json_array(json_array(:tool_id, NULL)), json_array()
    UNION ALL
    SELECT
        w.depth + 1,
        (SELECT json_group_array(json_array(step.id, step.via))
         FROM (SELECT reached.id, min(reached.via) AS via
               FROM (SELECT d.consumer_id AS id, d.provider_id AS via, 0 AS known
                     FROM json_each(w.frontier) AS f
                     JOIN dependencies AS d ON d.provider_id = f.value ->> 0
                     UNION ALL
                     SELECT s.value, NULL, 1 FROM json_each(w.seen) AS s
                     UNION ALL
                     SELECT f.value ->> 0, NULL, 1 FROM json_each(w.frontier) AS f) AS reached
               GROUP BY reached.id
               HAVING max(reached.known) = 0) AS step),
        (SELECT json_group_array(all_seen.id)
         FROM (SELECT s.value AS id FROM json_each(w.seen) AS s
               UNION ALL
               SELECT f.value ->> 0 FROM json_each(w.frontier) AS f) AS all_seen)
    FROM walk AS w
    WHERE json_array_length(w.frontier) > 0
      AND (:max_depth IS NULL OR w.depth < :max_depth)
)
SELECT t.id, t.name, t.type, t.version, t.reliability, t.debt_score, t.stub,
       w.depth, f.value ->> 1 AS via
FROM walk AS w
JOIN json_each(w.frontier) AS f
JOIN tools AS t ON t.id = f.value ->> 0
WHERE w.depth > 0
ORDER BY w.depth, t.id;

-- name: edge_list()^
-- returns: EdgeListRow
-- The whole adjacency list as ONE row: a JSON array of [consumer, provider, type, optional].
-- Loading 15,000 edges this way costs one JSON parse instead of 15,000 row conversions.
SELECT json_group_array(json_array(e.consumer_id, e.provider_id, e.type, e.optional)) AS edges
FROM (SELECT consumer_id, provider_id, type, optional
      FROM dependencies
      ORDER BY consumer_id, provider_id) AS e;

-- name: edges_leaving(ids)^
-- returns: EdgeListRow
-- param ids: Iterable[str] as json
-- The edges leaving the given tools (:ids is a JSON array), as ONE row like edge_list: one
-- level of a breadth-first search that stops as soon as it reaches what it looks for.
SELECT json_group_array(json_array(e.consumer_id, e.provider_id, e.type, e.optional)) AS edges
FROM (SELECT d.consumer_id, d.provider_id, d.type, d.optional
      FROM dependencies AS d
      WHERE d.consumer_id IN (SELECT value FROM json_each(:ids))
      ORDER BY d.consumer_id, d.provider_id) AS e;

-- name: reached_edges(tool_id)^
-- returns: EdgeListRow
-- param tool_id: str
-- The edges leaving every tool :tool_id reaches (itself included), as ONE row like
-- edge_list: all that a path search from it can follow, at the cost of what it reaches.
WITH RECURSIVE reached (id) AS (
    SELECT :tool_id
    UNION
    SELECT d.provider_id FROM dependencies AS d JOIN reached AS r ON d.consumer_id = r.id
)
SELECT json_group_array(json_array(e.consumer_id, e.provider_id, e.type, e.optional)) AS edges
FROM (SELECT d.consumer_id, d.provider_id, d.type, d.optional
      FROM reached AS r
      JOIN dependencies AS d ON d.consumer_id = r.id
      ORDER BY d.consumer_id, d.provider_id) AS e;
