-- Current results whose model is not a current model.
-- A NULL model (its NOT NULL dropped around trendlab) is the schema audit's, which lists
-- that column with the NULLs it holds: here it made a violation with no problem.
-- One named by an alias says so: `show model` finds the model by it, so "unknown model"
-- alone read as wrong. So does one of a model retracted (around trendlab, which refuses
-- to retract a model a record names), as `show model` does.
SELECT 'results' AS kind, r.id AS key,
       'unknown model ' || r.model || coalesce(
           ' (an alias of model ' || (SELECT min(a.model) FROM aliases a WHERE a.alias = r.model)
           || ': a result names its model by slug)',
           ' (retracted in changeset ' || (SELECT max(h.changeset_id) FROM model_history h
                                           WHERE h.slug = r.model AND h.op = 'retract') || ')',
           ''
       ) AS problem
FROM results r ANTI JOIN models m ON m.slug = r.model
WHERE r.model IS NOT NULL
ORDER BY key;
