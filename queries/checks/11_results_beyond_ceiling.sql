-- Results that beat their benchmark's ceiling, the best achievable: above it, or below
-- it when lower is better. (A score below the floor is data: a small model can score
-- below chance. One past the ceiling means the score or the ceiling is wrong, and a
-- forecast bounded by that ceiling would start below today's best.) A ceiling on the
-- wrong side of its floor is reported by 05_benchmark_bounds instead. A NaN, which
-- DuckDB orders above every number, is an unknown score, which field_rules lists.
-- A NaN bound in the units table (written around trendlab, which 20_units lists) is
-- read as none, as NULL is: above every number to DuckDB, it stood in for a floor not
-- given and hid every result past the ceiling.
SELECT 'results' AS kind, r.id AS key,
       'score ' || r.score || ' is ' || CASE WHEN d.higher THEN 'above' ELSE 'below' END
       || ' the ceiling ' || b.ceiling || ' of benchmark ' || b.slug AS problem
FROM results r
JOIN benchmarks b ON b.slug = r.benchmark
LEFT JOIN (
    SELECT unit, CASE WHEN NOT isnan(min_value) THEN min_value END AS min_value,
           CASE WHEN NOT isnan(max_value) THEN max_value END AS max_value
    FROM units
) u ON u.unit = b.unit,
LATERAL (SELECT coalesce(b.higher_is_better, true) AS higher) d,
-- The floor as 05 reads it: one not given is the unit's worst end. Read as given, a
-- ceiling at or past the unit's worst end (or, lower being better, a floor equal to the
-- ceiling) listed every result of the benchmark beside 05's one line. A NaN bound is
-- unknown, as 05 reads it (field_rules lists it): a NaN ceiling, which DuckDB orders
-- above every number, listed every result of a lower-is-better benchmark as below it,
-- and a NaN floor, never below a ceiling, hid every result above one; it is read as a
-- floor not given.
LATERAL (
    SELECT coalesce(CASE WHEN NOT isnan(b.floor) THEN b.floor END,
                    CASE WHEN d.higher THEN u.min_value ELSE u.max_value END) AS lo
) e
WHERE CASE WHEN d.higher THEN r.score > b.ceiling ELSE r.score < b.ceiling END
  AND (e.lo IS NULL OR CASE WHEN d.higher THEN e.lo < b.ceiling ELSE e.lo > b.ceiling END)
  AND NOT isnan(r.score) AND NOT isnan(b.ceiling)
ORDER BY key;
