-- Current results whose benchmark is not a current benchmark.
-- A NULL benchmark (its NOT NULL dropped around trendlab) is the schema audit's, which lists
-- that column with the NULLs it holds: here it made a violation with no problem. One of a
-- benchmark retracted (around trendlab, which refuses to retract one a result names)
-- says so, as `show benchmark` does.
SELECT 'results' AS kind, r.id AS key,
       'unknown benchmark ' || r.benchmark || coalesce(
           ' (retracted in changeset ' || (SELECT max(h.changeset_id) FROM benchmark_history h
                                           WHERE h.slug = r.benchmark AND h.op = 'retract') || ')',
           ''
       ) AS problem
FROM results r ANTI JOIN benchmarks b ON b.slug = r.benchmark
WHERE r.benchmark IS NOT NULL
ORDER BY key;
