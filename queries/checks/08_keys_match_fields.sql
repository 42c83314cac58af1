-- Revisions whose stored key does not match the fields it is derived from, each named
-- by its revision: a record edited since has several, which read as one line repeated.
SELECT 'models' AS kind, key,
       'key differs from slug ' || slug || ' in revision ' || revision AS problem
FROM model_revisions WHERE key <> slug
UNION ALL
SELECT 'benchmarks', key, 'key differs from slug ' || slug || ' in revision ' || revision
FROM benchmark_revisions WHERE key <> slug
UNION ALL
SELECT 'organizations', key, 'key differs from slug ' || slug || ' in revision ' || revision
FROM organization_revisions WHERE key <> slug
UNION ALL
SELECT 'results', key,
       'key differs from its model, benchmark, setting and source_url in revision ' || revision
FROM result_revisions
WHERE key <> 'r_' || left(md5(concat_ws(chr(31), model, benchmark, coalesce(setting, ''),
                                        coalesce(source_url, ''))), 16)
UNION ALL
SELECT 'prices', key,
       'key differs from its model, provider and effective_date in revision ' || revision
FROM price_revisions
WHERE key <> 'p_' || left(md5(concat_ws(chr(31), model, provider,
                                        CAST(effective_date AS VARCHAR))), 16)
ORDER BY kind, key, problem;
