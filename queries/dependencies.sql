-- Dependencies: "consumer depends on provider" edges.

-- name: insert_dependency(consumer_id, provider_id, type, version_constraint, optional, now)!
INSERT INTO dependencies (consumer_id, provider_id, type, version_constraint, optional,
                          created_at)
VALUES (:consumer_id, :provider_id, :type, :version_constraint, :optional, :now);

-- name: delete_dependencies_of(consumer_id)!
-- A re-registration replaces the tool's outgoing edges; incoming edges stay.
DELETE FROM dependencies WHERE consumer_id = :consumer_id;

-- name: list_dependencies_of(tool_id)
-- returns: NeighbourRow
-- The tool's direct providers, with the edge's own type, constraint and optionality.
SELECT t.id, t.name, t.type, t.version, t.reliability, t.debt_score, t.stub,
       d.type AS edge_type, d.version_constraint, d.optional
FROM dependencies AS d
JOIN tools AS t ON t.id = d.provider_id
WHERE d.consumer_id = :tool_id
ORDER BY t.id;

-- name: list_dependents_of(tool_id)
-- returns: NeighbourRow
-- The tools that depend directly on this one.
SELECT t.id, t.name, t.type, t.version, t.reliability, t.debt_score, t.stub,
       d.type AS edge_type, d.version_constraint, d.optional
FROM dependencies AS d
JOIN tools AS t ON t.id = d.consumer_id
WHERE d.provider_id = :tool_id
ORDER BY t.id;

-- name: list_edges()
-- returns: EdgeRow
-- The whole graph as an adjacency list, in one query, for the algorithms SQL expresses badly.
SELECT consumer_id, provider_id, type, optional
FROM dependencies
ORDER BY consumer_id, provider_id;

-- name: list_edges_among(ids)
-- returns: EdgeRow
-- param ids: Iterable[str] as json
-- The edges between a given set of tools (:ids is a JSON array), e.g. one cycle's members.
SELECT consumer_id, provider_id, type, optional
FROM dependencies
WHERE consumer_id IN (SELECT value FROM json_each(:ids))
  AND provider_id IN (SELECT value FROM json_each(:ids))
ORDER BY consumer_id, provider_id;
