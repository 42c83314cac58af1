-- Benchmarks with an unknown unit, bounds or a human baseline outside the unit (which
-- the write path refuses), or bounds the wrong way round: floor (chance level, the
-- worst score) must be below ceiling (the best achievable), and above it when lower is
-- better. A bound not given is the unit's worst or best end, as a forecast takes it (a
-- percent error rate's floor 100). The range between them must be a finite number: a
-- forecast rescales scores by it. A NaN bound or baseline, which DuckDB orders above
-- every number, is unknown, which field_rules lists (as 04 and 11 leave a NaN score).
-- So is a NULL unit (its NOT NULL dropped around trendlab), with the schema audit.
-- A NaN bound in the units table (written around trendlab, which 20_units lists) is
-- read as none, as NULL is: above every number to DuckDB, it put every bound outside.
SELECT 'benchmarks' AS kind, b.slug AS key, problem
FROM benchmarks b
LEFT JOIN (
    SELECT unit, CASE WHEN NOT isnan(min_value) THEN min_value END AS min_value,
           CASE WHEN NOT isnan(max_value) THEN max_value END AS max_value
    FROM units
) u ON u.unit = b.unit,
LATERAL (SELECT coalesce(b.higher_is_better, true) AS higher) d,
LATERAL (
    SELECT d.higher,
           coalesce(b.floor, CASE WHEN d.higher THEN u.min_value ELSE u.max_value END) AS lo,
           coalesce(b.ceiling, CASE WHEN d.higher THEN u.max_value ELSE u.min_value END) AS hi
) e,
-- A bound taken from the unit is said to be: "floor 200.0" of a benchmark with no floor
-- sent its reader to a field holding none, when the units table was at fault.
LATERAL (
    SELECT e.lo || CASE WHEN b.floor IS NULL
                        THEN ' (none given: unit ' || b.unit || '''s worst end)' ELSE '' END
               AS lo_shown,
           e.hi || CASE WHEN b.ceiling IS NULL
                        THEN ' (none given: unit ' || b.unit || '''s best end)' ELSE '' END
               AS hi_shown
) f,
LATERAL (
    SELECT 'unknown unit ''' || b.unit || '''' AS problem WHERE u.unit IS NULL AND b.unit IS NOT NULL
    UNION ALL SELECT 'floor ' || f.lo_shown || ' is not below ceiling ' || f.hi_shown
        WHERE e.higher AND e.lo >= e.hi AND NOT isnan(e.lo) AND NOT isnan(e.hi)
    UNION ALL SELECT 'floor ' || f.lo_shown || ' is not above ceiling ' || f.hi_shown
                     || ' (lower is better: floor is chance level, ceiling the best achievable)'
        WHERE NOT e.higher AND e.lo <= e.hi AND NOT isnan(e.lo) AND NOT isnan(e.hi)
    UNION ALL SELECT 'floor ' || f.lo_shown || ' and ceiling ' || f.hi_shown
                     || ' are too far apart to compute the range between them'
        WHERE isinf(e.hi - e.lo)
    UNION ALL SELECT 'floor ' || b.floor || ' is outside unit ' || b.unit
        WHERE (b.floor < u.min_value OR b.floor > u.max_value) AND NOT isnan(b.floor)
    UNION ALL SELECT 'ceiling ' || b.ceiling || ' is outside unit ' || b.unit
        WHERE (b.ceiling < u.min_value OR b.ceiling > u.max_value) AND NOT isnan(b.ceiling)
    UNION ALL SELECT 'human_baseline ' || b.human_baseline || ' is outside unit ' || b.unit
        WHERE (b.human_baseline < u.min_value OR b.human_baseline > u.max_value)
          AND NOT isnan(b.human_baseline)
)
ORDER BY key, problem;
