-- Two current results of one model, benchmark and setting whose source URLs are one
-- source as the write path compares them (its scheme and host in any case, a slash
-- ending its path: see trendlab.validate.url_form), written before trendlab compared
-- them so, or around it: one source's result stored twice, under two keys, and a write
-- of either spelling updates only the result of that spelling. trendlab_url_form() is
-- registered by `trendlab check`, as trendlab_fold() for 12_organization_names (in
-- another client, lower() of both URLs finds most). Only results sharing a model,
-- benchmark and setting with another are read.
WITH shared AS (
    SELECT id, model, benchmark, setting, source_url FROM results
    WHERE source_url IS NOT NULL
    QUALIFY count(*) OVER (PARTITION BY model, benchmark, setting) > 1
),
formed AS (SELECT *, trendlab_url_form(source_url) AS form FROM shared)
SELECT 'results' AS kind, p.id AS key,
       'source_url ' || p.source_url || ' is also spelled ' || q.source_url || ' in result '
       || q.id || ' of the same model, benchmark and setting: one source''s result stored '
       || 'twice; keep one (trendlab retract result ' || q.id || ' -m ...)' AS problem
FROM formed p JOIN formed q
  ON p.model = q.model AND p.benchmark = q.benchmark AND p.setting IS NOT DISTINCT FROM q.setting
  AND p.form = q.form AND p.source_url <> q.source_url
ORDER BY kind, key, problem;
