-- Scores outside the range of their benchmark's unit (percent: 0-100). A NaN, which
-- DuckDB orders above every number, is an unknown score, which field_rules lists.
-- A NaN bound in the units table (written around trendlab, which 20_units lists) is
-- read as none, as NULL is: above every number to DuckDB, it put every score outside.
SELECT 'results' AS kind, r.id AS key,
       'score: ' || r.score || ' is outside the range of unit ' || b.unit AS problem
FROM results r
JOIN benchmarks b ON b.slug = r.benchmark
JOIN (
    SELECT unit, CASE WHEN NOT isnan(min_value) THEN min_value END AS min_value,
           CASE WHEN NOT isnan(max_value) THEN max_value END AS max_value
    FROM units
) u ON u.unit = b.unit
WHERE (r.score < u.min_value OR r.score > u.max_value) AND NOT isnan(r.score)
ORDER BY key;
