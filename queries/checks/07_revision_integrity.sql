-- Revisions that name no changeset, carry an unknown operation (quoted: a padded
-- 'insert ' is one), or repeat a key within one changeset. A NULL changeset id or
-- operation (its NOT NULL dropped around trendlab) is the schema audit's, which lists
-- that column with the NULLs it holds: here it made a violation with no problem.
SELECT kind, key, 'revision in unknown changeset ' || changeset_id AS problem
FROM revisions r ANTI JOIN changesets c ON c.id = r.changeset_id
WHERE r.changeset_id IS NOT NULL
UNION ALL
SELECT kind, key, 'unknown operation ''' || op || ''''
FROM revisions WHERE op NOT IN ('insert', 'update', 'retract')
UNION ALL
SELECT kind, key, count(*) || ' revisions in changeset ' || changeset_id
FROM revisions WHERE changeset_id IS NOT NULL
GROUP BY kind, key, changeset_id HAVING count(*) > 1
ORDER BY kind, key, problem;
