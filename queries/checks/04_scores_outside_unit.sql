-- Scores outside the range of their benchmark's unit (percent: 0-100).
SELECT 'results' AS kind, r.id AS key,
       'score: ' || r.score || ' is outside the range of unit ' || b.unit AS problem
FROM results r
JOIN benchmarks b ON b.slug = r.benchmark
JOIN units u ON u.unit = b.unit
WHERE r.score < u.min_value OR r.score > u.max_value
ORDER BY key;
