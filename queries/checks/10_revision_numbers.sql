-- Revision numbers that repeat or skip within a record: two writers each wrote the
-- next revision blind to the other (trendlab serialises writers, so only writes made
-- around it can do this). History keeps both, in changeset order; this flags them.
SELECT kind, key, 'revision ' || revision || ' written ' || count(*) || ' times' AS problem
FROM revisions
GROUP BY kind, key, revision HAVING count(*) > 1
UNION ALL
SELECT kind, key, 'revisions numbered up to ' || max(revision) || ' but '
       || count(DISTINCT revision) || ' numbers used' AS problem
FROM revisions
GROUP BY kind, key HAVING max(revision) <> count(DISTINCT revision)
ORDER BY kind, key, problem;
