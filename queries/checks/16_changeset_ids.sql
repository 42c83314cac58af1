-- Changesets whose ids trendlab cannot rely on (written around it, by hand or by
-- another tool): an id not of trendlab's form (18 hex digits, the first 14 the
-- microsecond it was made) cannot be named by --as-of or diff --since; an id that
-- sorts after a changeset recorded later breaks the order ids are read in, by the
-- current-state views between two revisions with one number, and by each benchmark's
-- data version, which takes the greatest id touching it as its latest change (so the
-- forecast cache would not see the later changes). And an id two changesets share: the
-- history views join revisions to their changeset by id, so each revision of either
-- reads twice, and `log` lists each changeset's changes under both. A changeset with
-- no recorded_at (its NOT NULL dropped around trendlab) is the schema audit's: sorted
-- last, it made the changeset before it a violation with no problem.
SELECT 'changesets' AS kind, id AS key,
       'id is not 18 hex digits as trendlab makes them' AS problem
FROM changesets WHERE NOT regexp_full_match(id, '[0-9a-f]{18}')
UNION ALL
SELECT 'changesets', id, 'id is shared by ' || count(*) || ' changesets'
FROM changesets GROUP BY id HAVING count(*) > 1
UNION ALL
SELECT 'changesets', id,
       'id sorts after ' || later || ', a changeset recorded after it (' || later_at || ')'
FROM (
    SELECT id, recorded_at, lead(id) OVER w AS later, lead(recorded_at) OVER w AS later_at
    FROM changesets WHERE recorded_at IS NOT NULL WINDOW w AS (ORDER BY recorded_at, id)
)
WHERE id > later
ORDER BY kind, key, problem;
