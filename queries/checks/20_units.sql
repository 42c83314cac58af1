-- The units table changed around trendlab: it holds the range each unit allows (percent
-- 0-100), which every write and the checks of scores and bounds read, so a range
-- widened there lets a score of 150 on a percent benchmark pass both. Its rows are the
-- schema's (schema/001_init.sql), which no trendlab write changes.
WITH schema_units(unit, min_value, max_value) AS (
    VALUES ('percent', 0.0, 100.0), ('minutes', 0.0, NULL), ('elo', NULL, NULL),
           ('score', NULL, NULL)
),
stored AS (
    SELECT unit, min_value, max_value, count(*) OVER (PARTITION BY unit) AS n FROM units
)
SELECT DISTINCT 'units' AS kind, coalesce(u.unit, s.unit) AS key,
       CASE WHEN s.unit IS NULL THEN 'unit is not one of trendlab''s: '
                                     || (SELECT string_agg(unit, ', ') FROM schema_units)
            WHEN u.unit IS NULL THEN 'unit is missing from the units table'
            WHEN u.n > 1 THEN 'unit is in the units table ' || u.n || ' times'
            ELSE 'range ' || coalesce(u.min_value::VARCHAR, 'unbounded') || ' to '
                 || coalesce(u.max_value::VARCHAR, 'unbounded') || ' is not trendlab''s '
                 || coalesce(s.min_value::VARCHAR, 'unbounded') || ' to '
                 || coalesce(s.max_value::VARCHAR, 'unbounded')
       END AS problem
FROM stored u FULL JOIN schema_units s ON s.unit = u.unit
WHERE s.unit IS NULL OR u.unit IS NULL OR u.n > 1
   OR u.min_value IS DISTINCT FROM s.min_value OR u.max_value IS DISTINCT FROM s.max_value
ORDER BY kind, key, problem;
