-- Current models whose organization is no current organization (its record retracted
-- around trendlab, which refuses to retract one its models name). A model names its
-- organization as Store.dependents matches them: by the slug the name is given, or by
-- the name as names compare (a slug made by an older slug rule). trendlab_slugify()
-- and trendlab_fold() are trendlab's own, registered by `trendlab check`.
SELECT 'models' AS kind, m.slug AS key, 'unknown organization ' || m.organization AS problem
FROM models m
WHERE m.organization IS NOT NULL
  AND NOT EXISTS (
    SELECT 1 FROM organizations o
    WHERE o.slug = trendlab_slugify(m.organization)
       OR trendlab_fold(o.name) = trendlab_fold(m.organization)
  )
ORDER BY key;
