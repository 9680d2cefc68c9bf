-- Reports: the numbers behind `debt`, `health` and `report`, one query each.
-- Stubs are placeholders for tools nobody registered: they carry no debt of their own and
-- are never "unverified", so every aggregate here counts registered tools only.

-- name: list_graph_nodes()
-- returns: GraphNodeRow
-- Every tool (stubs included) with what the analyses weigh, in id order.
SELECT id, name, type, version, reliability, debt_score, stub, last_verified, slo
FROM tools
ORDER BY id;

-- name: list_debt(type, min_debt)
-- returns: GraphNodeRow
-- Registered tools carrying at least :min_debt, most debt first (:type NULL = every type).
SELECT id, name, type, version, reliability, debt_score, stub, last_verified, slo
FROM tools
WHERE stub = 0
  AND (:type IS NULL OR type = :type)
  AND debt_score >= :min_debt
ORDER BY debt_score DESC, id;

-- name: type_summary(type)
-- returns: TypeSummaryRow
-- Per tool type over registered tools: count, debt and mean reliability, most debt first.
SELECT type, count(*) AS tools, sum(debt_score) AS total_debt,
       avg(debt_score) AS average_debt, avg(reliability) AS average_reliability
FROM tools
WHERE stub = 0
  AND (:type IS NULL OR type = :type)
GROUP BY type
ORDER BY total_debt DESC, type;

-- name: health_counts(high_debt)^
-- returns: HealthCountsRow
-- The registry-wide figures `health` reports; high_debt counts tools above :high_debt.
SELECT
    (SELECT count(*) FROM tools WHERE stub = 0) AS tools,
    (SELECT count(*) FROM dependencies) AS dependencies,
    (SELECT coalesce(sum(debt_score), 0) FROM tools WHERE stub = 0) AS total_debt,
    (SELECT avg(reliability) FROM tools WHERE stub = 0) AS avg_reliability,
    (SELECT count(*) FROM tools WHERE stub = 0 AND last_verified IS NOT NULL) AS verified,
    (SELECT count(*) FROM circular_deps WHERE resolved = 0) AS cycles,
    (SELECT count(*) FROM tools WHERE stub = 0 AND debt_score > :high_debt) AS high_debt;

-- name: recent_verifications(limit)
-- returns: RecentVerificationRow
-- The most recently verified tools, with the status and level of their latest run (if the
-- run was recorded).
SELECT t.id, t.type, t.last_verified,
       (SELECT r.status FROM verification_runs AS r WHERE r.tool_id = t.id
        ORDER BY r.verified_at DESC, r.id DESC LIMIT 1) AS status,
       (SELECT r.level FROM verification_runs AS r WHERE r.tool_id = t.id
        ORDER BY r.verified_at DESC, r.id DESC LIMIT 1) AS level
FROM tools AS t
WHERE t.stub = 0 AND t.last_verified IS NOT NULL
ORDER BY t.last_verified DESC, t.id
LIMIT :limit;
