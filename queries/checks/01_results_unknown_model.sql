-- Current results whose model is not a current model.
-- A NULL model (its NOT NULL dropped around trendlab) is the schema audit's, which lists
-- that column with the NULLs it holds: here it made a violation with no problem.
SELECT 'results' AS kind, r.id AS key, 'unknown model ' || r.model AS problem
FROM results r ANTI JOIN models m ON m.slug = r.model
WHERE r.model IS NOT NULL
ORDER BY key;
