-- Two current organizations with one name once case, accents, compatibility forms and
-- repeated spaces are ignored (written before trendlab refused them): a model names its
-- organization by name, so which one it means is unclear. trendlab_fold() is trendlab's
-- own rule for names, registered by `trendlab check` (in another client, lower(strip_accents(name))
-- is close, but misses pairs like Straße and STRASSE, or full-width letters).
SELECT 'organizations' AS kind, o.slug AS key,
       'name ' || o.name || ' is also the name of organization ' || p.slug
       || ' ignoring case, accents and repeated spaces' AS problem
FROM organizations o JOIN organizations p
  ON trendlab_fold(o.name) = trendlab_fold(p.name) AND o.slug <> p.slug
ORDER BY kind, key, problem;
