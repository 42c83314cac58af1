-- Revisions whose operation does not follow from the one before (written around
-- trendlab): trendlab inserts a record that has no revision or is retracted, updates or
-- retracts one that is current. `log` and `diff` say what a revision did by its
-- operation, so an insert over a current record reads as restored, an update of a
-- retracted one (which brings it back) as updated, and a first revision that is an update
-- as updated, not added. Revisions in history's order, by number then changeset; a NULL
-- key, number or operation is the schema audit's, an unknown operation 07's.
SELECT kind, key,
       'revision ' || revision || ' is ' || CASE op WHEN 'retract' THEN 'a ' ELSE 'an ' END
       || op || ' of a record '
       || CASE WHEN before IS NULL THEN 'with no revision before it'
               WHEN before = 'retract' THEN 'retracted by the revision before it'
               ELSE 'current after the revision before it (' || before || ')' END
       || ', which trendlab never writes' AS problem
FROM (
    SELECT kind, key, revision, op,
           lag(op) OVER (PARTITION BY kind, key ORDER BY revision, changeset_id) AS before
    FROM revisions
    WHERE key IS NOT NULL AND revision IS NOT NULL
      AND op IN ('insert', 'update', 'retract')
)
WHERE CASE op WHEN 'insert' THEN before IN ('insert', 'update')
              ELSE before IS NULL OR before = 'retract' END
ORDER BY kind, key, problem;
