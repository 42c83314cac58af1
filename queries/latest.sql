-- The newest result of each model on each benchmark (the best one if a day has several).
-- Ties (same day, same score) go to the first id, so every store gives the same answer.
SELECT benchmark, model, date, score, setting, source_url
FROM scores
WHERE NOT isnan(score)  -- unknown, as in frontier.sql
QUALIFY row_number() OVER (
    PARTITION BY model, benchmark
    ORDER BY date DESC NULLS LAST, CASE WHEN higher_is_better THEN score ELSE -score END DESC, id
) = 1
ORDER BY benchmark, model;
