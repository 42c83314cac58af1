-- Changesets recorded after the moment this check runs: written around trendlab (an
-- SQL now() in a client not on UTC), or by a writer whose clock was ahead. trendlab
-- never dates a changeset before the latest one, so every change recorded since is
-- dated after it too, and --as-of a time before it leaves them all out. A few minutes
-- ahead are let pass: the machines of a team store's members may disagree by that.
-- Compared as microseconds since 1970, UTC, as recorded_at is kept. And a time outside
-- the years 1 to 9999 (infinity, whose epoch_us is NULL, or the year 300000), which no
-- command but this one can read: each names it and sends the user here.
SELECT 'changesets' AS kind, id AS key,
       'recorded_at ' || recorded_at || ' is after this check ran ('
       || strftime(make_timestamp(epoch_us(now())), '%Y-%m-%d %H:%M:%S')
       || ' UTC): a clock ahead, or written around '
       || 'trendlab; --as-of a time before it leaves out every change recorded since'
       AS problem
FROM changesets
WHERE isfinite(recorded_at) AND year(recorded_at) <= 9999
  AND epoch_us(recorded_at) > epoch_us(now()) + 5 * 60 * 1000000
UNION ALL
SELECT 'changesets', id,
       'recorded_at ' || recorded_at || ' is outside the years 1 to 9999, which no other '
       || 'command reads: written around trendlab'
FROM changesets
WHERE NOT isfinite(recorded_at) OR year(recorded_at) NOT BETWEEN 1 AND 9999
ORDER BY kind, key, problem;
