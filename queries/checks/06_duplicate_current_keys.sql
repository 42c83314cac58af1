-- Two current records with one natural key or id (possible only if revisions were
-- written around trendlab, e.g. by hand in SQL).
SELECT 'models' AS kind, slug AS key, count(*) || ' current records' AS problem
FROM models GROUP BY slug HAVING count(*) > 1
UNION ALL
SELECT 'benchmarks', slug, count(*) || ' current records'
FROM benchmarks GROUP BY slug HAVING count(*) > 1
UNION ALL
SELECT 'organizations', slug, count(*) || ' current records'
FROM organizations GROUP BY slug HAVING count(*) > 1
UNION ALL
SELECT 'results', model || '/' || benchmark, count(*) || ' current records for setting '
       || coalesce(setting, '(none)') || ' from ' || coalesce(source_url, '(no source)')
FROM results GROUP BY model, benchmark, setting, source_url HAVING count(*) > 1
UNION ALL
-- The results view keeps the latest revision per benchmark and id, so a revision that
-- moves a result to another benchmark leaves its old one current too.
SELECT 'results', id, count(*) || ' current records, of benchmarks '
       || string_agg(benchmark, ', ' ORDER BY benchmark)
FROM results GROUP BY id HAVING count(*) > 1
UNION ALL
SELECT 'prices', model || '/' || provider || '/' || effective_date, count(*) || ' current records'
FROM prices GROUP BY model, provider, effective_date HAVING count(*) > 1
ORDER BY kind, key, problem;
