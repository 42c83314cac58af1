-- Two current organizations with one name once case and accents are ignored (written
-- before trendlab refused them): a model names its organization by name, so which
-- one it means is unclear.
SELECT 'organizations' AS kind, o.slug AS key,
       'name ' || o.name || ' is also the name of organization ' || p.slug
       || ' ignoring case and accents' AS problem
FROM organizations o JOIN organizations p
  ON lower(strip_accents(o.name)) = lower(strip_accents(p.name)) AND o.slug <> p.slug
ORDER BY kind, key;
