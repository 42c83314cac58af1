-- Changesets that no revision names. trendlab makes a changeset with its first revision
-- and commits them together, so one with none had its revisions deleted around
-- trendlab (history lost: `log` lists it as having changed nothing), or was written by
-- hand with nothing in it.
SELECT 'changesets' AS kind, c.id AS key,
       'changeset has no revisions (its revisions deleted around trendlab?)' AS problem
FROM changesets c ANTI JOIN revisions r ON r.changeset_id = c.id
WHERE c.id IS NOT NULL  -- a NULL id is the schema audit's
ORDER BY key;
