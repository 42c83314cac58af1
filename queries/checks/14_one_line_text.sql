-- Names and labels holding a line break or another control character (written before
-- trendlab refused them): each is typed on command lines and shown in one-line notes
-- and keys (the fields trendlab.kinds marks one_line; aliases are 09_aliases's). Such a
-- record can still be edited, to the same text or a new one. A NUL is left to the check
-- field_rules, which says it alone, as a write does.
WITH text_fields(kind, key, field, value) AS (
    SELECT 'organizations', slug, 'name', name FROM organizations
    UNION ALL SELECT 'models', slug, 'name', name FROM models
    UNION ALL SELECT 'models', slug, 'organization', organization FROM models
    UNION ALL SELECT 'benchmarks', slug, 'name', name FROM benchmarks
    UNION ALL SELECT 'benchmarks', slug, 'metric', metric FROM benchmarks
    UNION ALL SELECT 'results', id, 'setting', setting FROM results
    UNION ALL SELECT 'prices', id, 'provider', provider FROM prices
    UNION ALL SELECT 'prices', id, 'api_model_id', api_model_id FROM prices
)
SELECT kind, key, field || ' holds a line break or another control character' AS problem
FROM text_fields
WHERE regexp_matches(value, '[\p{Cc}\p{Zl}\p{Zp}]') AND NOT contains(value, chr(0))
ORDER BY kind, key, problem;
