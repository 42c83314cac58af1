-- Changesets recorded after the moment this check runs: written around trendlab (an
-- SQL now() in a client not on UTC), or by a writer whose clock was ahead. trendlab
-- never dates a changeset before the latest one, so every change recorded since is
-- dated after it too, and --as-of a time before it leaves them all out. A few minutes
-- ahead are let pass: the machines of a team store's members may disagree by that.
-- Compared as microseconds since 1970, UTC, as recorded_at is kept.
SELECT 'changesets' AS kind, id AS key,
       'recorded_at ' || recorded_at || ' is after this check ran ('
       || strftime(make_timestamp(epoch_us(now())), '%Y-%m-%d %H:%M:%S')
       || ' UTC): a clock ahead, or written around '
       || 'trendlab; --as-of a time before it leaves out every change recorded since'
       AS problem
FROM changesets
WHERE epoch_us(recorded_at) > epoch_us(now()) + 5 * 60 * 1000000
ORDER BY kind, key, problem;
