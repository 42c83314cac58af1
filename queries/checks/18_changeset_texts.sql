-- Changesets whose message or author holds a NUL (written around trendlab, which
-- refuses one), said as the check field_rules says one in a record's text (`check`
-- sets the variable to the write path's words): a team store's PostgreSQL cannot hold
-- it, so no copy takes this store's history there. A changeset cannot be edited: its
-- store's records move to a team store exported and imported. And a message or author
-- that is blank, which no write records: a change says why it was made, and who made it
-- (blank as the write path reads it: white space, or invisible characters alone, such
-- as U+200D or U+2800, which `check` sets trendlab_blank_re to match; in another
-- client, which has no such variable, white space alone).
-- NULL is not listed here: only a NOT NULL dropped around trendlab lets one in, and the
-- schema audit lists that column with the NULLs it holds (each was listed twice).
SELECT 'changesets' AS kind, id AS key,
       field || ': ''' || left(value, 60) || '''' || getvariable('trendlab_nul_problem')
       AS problem
FROM changesets, LATERAL (VALUES ('message', message), ('author', author)) t(field, value)
WHERE contains(value, chr(0))
UNION ALL
SELECT 'changesets', id, field || ' is blank: every change is recorded with who made it and why'
FROM changesets, LATERAL (VALUES ('message', message), ('author', author)) t(field, value)
WHERE regexp_full_match(value, coalesce(getvariable('trendlab_blank_re'), '\s*'))
UNION ALL
-- And an author that is no name on one line as written, which --author, TRENDLAB_AUTHOR
-- and git's user.name are refused as: log shows a changeset's author on one row, as it
-- reads (a format character but the joiners hides or reorders it, as U+202E does).
SELECT 'changesets', id,
       'author holds a line break, a control or an invisible format character: who made '
       || 'a change is a name on one line, as it reads'
FROM changesets
WHERE regexp_matches(author, '[\p{Cc}\p{Zl}\p{Zp}]|[^\P{Cf}\x{200C}\x{200D}]')
  AND NOT contains(author, chr(0))
  AND NOT regexp_full_match(author, coalesce(getvariable('trendlab_blank_re'), '\s*'))  -- listed above
UNION ALL
-- And a message or author with white space around it (Python's, as its str.strip()
-- reads it), which every write trims: the author's changesets are asked for by the name
-- as typed. One blank, or an author not on one line, is listed above alone.
SELECT 'changesets', id,
       field || ': ''' || left(value, 60) || ''' is padded with white space, which every '
       || 'write trims'
FROM changesets, LATERAL (VALUES ('message', message), ('author', author)) t(field, value)
WHERE regexp_matches(value, '^[\s\p{Z}\x{0B}\x{1C}-\x{1F}\x{85}]|[\s\p{Z}\x{0B}\x{1C}-\x{1F}\x{85}]$')
  AND NOT contains(value, chr(0))
  AND NOT regexp_full_match(value, coalesce(getvariable('trendlab_blank_re'), '\s*'))
  AND NOT (field = 'author'
           AND regexp_matches(author, '[\p{Cc}\p{Zl}\p{Zp}]|[^\P{Cf}\x{200C}\x{200D}]'))
ORDER BY kind, key, problem;
