-- Current results whose benchmark is not a current benchmark.
-- A NULL benchmark (its NOT NULL dropped around trendlab) is the schema audit's, which lists
-- that column with the NULLs it holds: here it made a violation with no problem.
SELECT 'results' AS kind, r.id AS key, 'unknown benchmark ' || r.benchmark AS problem
FROM results r ANTI JOIN benchmarks b ON b.slug = r.benchmark
WHERE r.benchmark IS NOT NULL
ORDER BY key;
