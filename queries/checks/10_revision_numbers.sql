-- Revision numbers that repeat, skip or start below 1 within a record: two writers
-- each wrote the next revision blind to the other (trendlab serialises writers, so only
-- writes made around it can do this). History keeps both, in changeset order; this
-- flags them.
-- And a revision written in a changeset older than the one of the revision it follows:
-- the current-state views take the highest number, and history's [valid_from,
-- valid_to) then runs backwards, so --as-of before the record was made shows it.
SELECT kind, key, 'revision ' || revision || ' written ' || count(*) || ' times' AS problem
FROM revisions WHERE revision IS NOT NULL  -- a NULL one is the schema audit's
GROUP BY kind, key, revision HAVING count(*) > 1
UNION ALL
SELECT kind, key, 'revisions numbered up to ' || max(revision) || ' but '
       || count(DISTINCT revision) || ' numbers used' AS problem
FROM revisions
GROUP BY kind, key HAVING max(revision) <> count(DISTINCT revision) AND min(revision) >= 1
UNION ALL
-- Numbers from 0 (0 and 2) passed the count above, a number skipped: trendlab numbers a
-- record's revisions from 1, as history shows them.
SELECT kind, key, 'revision ' || min(revision) || ' is below 1: trendlab numbers a '
       || 'record''s revisions from 1' AS problem
FROM revisions
GROUP BY kind, key HAVING min(revision) < 1
UNION ALL
SELECT kind, key, 'revision ' || revision || ' is in changeset ' || changeset_id
       || ', older than revision ' || before || '''s changeset ' || before_id AS problem
FROM (
    SELECT kind, key, revision, changeset_id, lag(revision) OVER w AS before,
           lag(changeset_id) OVER w AS before_id
    FROM revisions WINDOW w AS (PARTITION BY kind, key ORDER BY revision, changeset_id)
)
WHERE changeset_id < before_id
ORDER BY kind, key, problem;
