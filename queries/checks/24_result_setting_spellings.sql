-- Two current results of one model, benchmark and source whose settings are one setting
-- as the write path compares them (in Unicode NFC: 'café' typed with a combining accent
-- is the stored 'café', see trendlab.validate.stored_settings; case still counts, so
-- 5-shot and 5-SHOT are two), written before trendlab compared them so, or around it:
-- one result stored twice, under two keys that look as one, and a write of either
-- spelling updates only the result of that spelling. Their source URLs compare as the
-- write path compares them too (see 23_result_url_spellings, which lists two spellings
-- of a URL under one setting). trendlab_url_form() is registered by `trendlab check`.
-- Only results whose setting another result of their model and benchmark spells
-- otherwise in the same form have their URL's form computed (in Python, so not for each
-- result of a large store).
WITH shared AS (
    SELECT id, model, benchmark, setting, source_url, nfc_normalize(setting) AS form
    FROM results
    WHERE setting IS NOT NULL
    WINDOW w AS (PARTITION BY model, benchmark, nfc_normalize(setting))
    QUALIFY min(setting) OVER w <> max(setting) OVER w
),
formed AS (SELECT *, trendlab_url_form(source_url) AS url FROM shared)
SELECT 'results' AS kind, p.id AS key,
       'setting ' || p.setting || ' is also spelled ' || q.setting || ' in result ' || q.id
       || ' of the same model, benchmark and source_url: one result stored twice, in two '
       || 'Unicode forms that read as one; keep one (trendlab retract result ' || q.id
       || ' -m ...)' AS problem
FROM formed p JOIN formed q
  ON p.model = q.model AND p.benchmark = q.benchmark AND p.url IS NOT DISTINCT FROM q.url
  AND p.form = q.form AND p.setting <> q.setting
ORDER BY kind, key, problem;
