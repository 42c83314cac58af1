-- Current aliases naming no current model, shadowing a model's slug, repeated by
-- two current records, or whose stored key differs from the alias; and aliases that
-- would name another model once case and surrounding spaces are ignored, as names
-- are resolved, that hold a line break or another control character, an invisible
-- format character (U+200B, U+202E), that NFKC writes otherwise (full-width letters,
-- a no-break space), that are longer than 200 characters, or that hold no letter or
-- digit ('/', '...'), or that begin or end with '/' or hold '//', which a result's
-- MODEL/BENCHMARK name reads as an empty part (all written before trendlab refused
-- them). trendlab_nfkc() is registered by `trendlab check` (in another client, leave
-- that part out). A NUL is
-- left to the check field_rules, which says it alone, as a write does. A NULL model
-- (its NOT NULL dropped around trendlab) is the schema audit's, which lists that
-- column with the NULLs it holds. A model retracted (around trendlab, which refuses to
-- retract a model an alias names) is said to be, as `show model` says it.
SELECT 'aliases' AS kind, a.alias AS key,
       'unknown model ' || a.model || coalesce(
           ' (retracted in changeset ' || (SELECT max(h.changeset_id) FROM model_history h
                                           WHERE h.slug = a.model AND h.op = 'retract') || ')',
           ''
       ) AS problem
FROM aliases a ANTI JOIN models m ON m.slug = a.model
WHERE a.model IS NOT NULL
UNION ALL
SELECT 'aliases', a.alias, 'alias is also the slug of model ' || m.slug
FROM aliases a JOIN models m ON m.slug = a.alias
UNION ALL
SELECT 'aliases', a.alias, 'alias matches the slug of model ' || m.slug || ' ignoring case'
FROM aliases a JOIN models m
  ON lower(trim(a.alias)) = lower(m.slug) AND a.alias <> m.slug AND a.model <> m.slug
UNION ALL
SELECT 'aliases', a.alias, 'alias matches alias ' || b.alias || ' of ' || b.model || ' ignoring case'
FROM aliases a JOIN aliases b
  ON lower(trim(a.alias)) = lower(trim(b.alias)) AND a.alias <> b.alias AND a.model <> b.model
UNION ALL
SELECT 'aliases', alias, 'alias holds a line break or another control character'
FROM aliases WHERE regexp_matches(alias, '[\p{Cc}\p{Zl}\p{Zp}]') AND NOT contains(alias, chr(0))
UNION ALL
SELECT 'aliases', alias, 'alias holds an invisible format character'
FROM aliases WHERE regexp_matches(alias, '\p{Cf}')
UNION ALL
SELECT 'aliases', alias, 'alias is not in Unicode NFKC form: ' || trendlab_nfkc(alias)
FROM aliases WHERE trendlab_nfkc(alias) <> alias AND NOT regexp_matches(alias, '[\p{Cc}\p{Zl}\p{Zp}\p{Cf}]')
UNION ALL
SELECT 'aliases', alias, 'alias is longer than 200 characters'
FROM aliases WHERE length(alias) > 200
UNION ALL
SELECT 'aliases', alias, 'alias holds no letter or digit'
FROM aliases WHERE NOT regexp_matches(alias, '[\p{L}\p{N}]')
  AND NOT regexp_matches(alias, '[\p{Cc}\p{Zl}\p{Zp}\p{Cf}]')
UNION ALL
SELECT 'aliases', alias, 'alias begins or ends with / or holds //'
FROM aliases WHERE regexp_matches(alias, '^/|/$|//') AND regexp_matches(alias, '[\p{L}\p{N}]')
  AND NOT regexp_matches(alias, '[\p{Cc}\p{Zl}\p{Zp}\p{Cf}]')
UNION ALL
SELECT 'aliases', alias, count(*) || ' current records'
FROM aliases GROUP BY alias HAVING count(*) > 1
UNION ALL
SELECT 'aliases', key, 'key differs from alias ' || alias || ' in revision ' || revision
FROM alias_revisions WHERE key <> alias
ORDER BY kind, key, problem;
