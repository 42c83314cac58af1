-- Results' settings, prices' providers and organizations' names (and models' as they
-- write them) holding an invisible format character other than the joiners some
-- scripts spell with, U+200C and U+200D (written before trendlab refused them): each
-- is part of its record's key or names one, so '5-shot' and '5-shot' with a U+200B
-- are two keys that look as one (the fields trendlab.kinds marks key_text).
-- Such a record can still be edited, to the same text or a new one.
WITH key_text(kind, key, field, value) AS (
    SELECT 'results', id, 'setting', setting FROM results
    UNION ALL SELECT 'prices', id, 'provider', provider FROM prices
    UNION ALL SELECT 'organizations', slug, 'name', name FROM organizations
    UNION ALL SELECT 'models', slug, 'organization', organization FROM models
)
SELECT kind, key, field || ' holds an invisible format character' AS problem
FROM key_text
WHERE regexp_matches(value, '[^\P{Cf}\x{200C}\x{200D}]')
ORDER BY kind, key, problem;
