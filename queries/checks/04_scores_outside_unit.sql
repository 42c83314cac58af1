-- Scores outside the range of their benchmark's unit (percent: 0-100). A NaN, which
-- DuckDB orders above every number, is an unknown score, which field_rules lists.
SELECT 'results' AS kind, r.id AS key,
       'score: ' || r.score || ' is outside the range of unit ' || b.unit AS problem
FROM results r
JOIN benchmarks b ON b.slug = r.benchmark
JOIN units u ON u.unit = b.unit
WHERE (r.score < u.min_value OR r.score > u.max_value) AND NOT isnan(r.score)
ORDER BY key;
