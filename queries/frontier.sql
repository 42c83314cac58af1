-- The frontier of one benchmark: every result that beat all earlier ones, by date.
-- param benchmark: benchmark slug, e.g. math
WITH dated AS (
    SELECT id, date, model, score, setting, source_url,
           CASE WHEN higher_is_better THEN score ELSE -score END AS better
    FROM scores
    -- A NaN score (written around trendlab, which stores none) is unknown: left out,
    -- not ranked above every number, where DuckDB orders NaN.
    WHERE benchmark = $benchmark AND date IS NOT NULL AND NOT isnan(score)
),
-- Ties (one score on one date, as a paper and its preprint report it, or two models) go
-- to the lowest id, so the row shown is the same on every run and the report's best.
running AS (
    SELECT *, max(better) OVER (
        ORDER BY date, better DESC, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ) AS best_before
    FROM dated
)
SELECT date, model, score, setting, source_url
FROM running
WHERE best_before IS NULL OR better > best_before
ORDER BY date, score;
