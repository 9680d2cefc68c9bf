-- PostgreSQL versions of queries in queries/dependencies.sql that read a JSON array
-- parameter.

-- name: list_edges_among(ids)
-- returns: EdgeRow
-- param ids: Iterable[str] as json
SELECT consumer_id, provider_id, type, optional
FROM dependencies
WHERE consumer_id IN (SELECT value FROM json_array_elements_text(CAST(:ids AS json)))
  AND provider_id IN (SELECT value FROM json_array_elements_text(CAST(:ids AS json)))
ORDER BY consumer_id, provider_id;
