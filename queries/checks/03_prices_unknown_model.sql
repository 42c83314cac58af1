-- Current prices whose model is not a current model.
-- A NULL model (its NOT NULL dropped around trendlab) is the schema audit's, which lists
-- that column with the NULLs it holds: here it made a violation with no problem.
SELECT 'prices' AS kind, p.id AS key, 'unknown model ' || p.model AS problem
FROM prices p ANTI JOIN models m ON m.slug = p.model
WHERE p.model IS NOT NULL
ORDER BY key;
