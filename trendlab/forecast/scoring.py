"""Backtests of a store's benchmarks, and their scores: read, close, compute, cache, score.

The store is read and closed before anything is fitted (a fit can take seconds and
must not hold DuckDB's file lock). Backtests are cached (see cache.py), keyed by each
benchmark's data version and the plan, so a repeat call with unchanged data reads
instead of fitting. Scoring calibrates each benchmark's backtest on the others'
(leave-one-benchmark-out) and adds auto's rows: what `trendlab backtest` shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from trendlab.errors import TrendlabError
from trendlab.forecast import backtest as bt
from trendlab.forecast import cache
from trendlab.forecast.cache import Opener
from trendlab.forecast.calibrate import space_for
from trendlab.forecast.evaluate import (
    ALWAYS_SHOWN,
    CHOICE_LEVEL,
    Backtest,
    KnownThen,
    auto_candidates,
    auto_fallbacks,
    auto_rows,
    calibrated,
    calibrations,
    known_by,
    scorecard,
)
from trendlab.forecast.families import DEFAULT_FAMILY_BY_SPACE
from trendlab.series import (
    MIN_POINTS,
    RefusedData,
    Scale,
    Series,
    build_series,
    load_scale,
    setting_kept,
    undated_note,
)
from trendlab.text import at_most, listed, quoted

Progress = Callable[[Iterable[Any], int], Iterable[Any]]

DEFAULT_PLAN = bt.Plan()


@dataclass
class _Job:
    slug: str
    version: str
    scale: Scale
    now: Series
    known: pl.DataFrame


def _compute(job: _Job, plan: bt.Plan) -> Backtest:
    from trendlab.forecast.fit import families_for

    rows = bt.run(job.scale, job.known, job.now, plan, families_for(job.now))
    space = space_for(job.scale, job.now.points.get_column("v").to_numpy())
    shown = pl.col("horizon").is_in(plan.horizons)
    return Backtest(job.scale, space, rows.filter(shown), calibration_rows=rows.filter(~shown))


@dataclass
class PendingBacktests:
    """Backtests already known (read from the cache, or empty for want of history or
    usable records), and those still to compute."""

    found: dict[str, Backtest]
    jobs: list[tuple[_Job, bt.Plan]]
    empty: list[tuple[str, str, bt.Plan]]  # (slug, version, plan) with too little history

    def series(self, slug: str) -> Series:
        """The series the backtest of `slug` still to compute is run on."""
        (now,) = (job.now for job, _ in self.jobs if job.slug == slug)
        return now


def read_backtests(
    store: Any,
    plans: dict[str, bt.Plan],
    *,
    everything: bt.Plan | None = None,
    versions: dict[str, str] | None = None,
) -> PendingBacktests:
    """The reading half of `backtests`, inside an open store (as of its --as-of): the
    cached backtests and what the missing ones need; finish_backtests computes those
    with the store closed. `versions` are the benchmarks' data versions without prices
    (store.data_versions(prices=False)), when the caller has read them already."""
    if versions is None:
        versions = store.data_versions(prices=False)
    for slug in plans:
        if slug not in versions:
            load_scale(store, slug)  # an unknown slug: the error names the nearest
    wanted = dict(plans)
    if everything is not None:
        for slug in sorted(versions):
            wanted.setdefault(slug, everything)
    by_spec: dict[str, list[str]] = {}
    for slug, plan in wanted.items():
        by_spec.setdefault(plan.spec(), []).append(slug)
    pending = PendingBacktests({}, [], [])
    missing: list[str] = []
    for spec, slugs in by_spec.items():
        versioned = {s: versions[s] for s in slugs if s in versions}
        for slug, backtest in cache.cached_backtests(store, spec, versioned).items():
            # An empty one is read again when asked for by name, to say why it is empty.
            if not (slug in plans and backtest.rows.is_empty()):
                pending.found[slug] = backtest
        missing += [s for s in slugs if s not in pending.found]
    if not missing:
        return pending
    # Everything the missing backtests need, in three queries whatever their number.
    bounds = store.benchmark_bounds(*missing)
    points = store.forecast_points(*missing)
    ready: dict[str, tuple[Scale, Series]] = {}
    for slug in missing:
        scale = Scale.from_record(bounds[slug])
        mine = points.filter(pl.col("benchmark") == slug)
        if slug in plans and mine.is_empty():
            raise no_results(store, slug)  # as forecast says it, retracted ones counted
        try:
            now = build_series(
                scale,
                mine,
                setting=wanted[slug].setting,
                command=store.command,
            )
        except TrendlabError as error:
            if slug in plans:
                raise
            # An empty backtest, left out of --all and its calibration pool. A benchmark
            # named on its own gets the error. Too little history is cached, so it is
            # not read again; refused records are not, so the reason is never stale.
            empty = pl.DataFrame(schema=bt.ROW_SCHEMA)
            space = space_for(scale, np.ones(1))  # no rows: never calibrated on
            if isinstance(error, RefusedData):
                pending.found[slug] = Backtest(scale, space, empty, refused=error.message)
            else:
                pending.found[slug] = Backtest(scale, space, empty)
                pending.empty.append((slug, versions.get(slug, ""), wanted[slug]))
            continue
        ready[slug] = (scale, now)
    known = store.known_points(
        {s: wanted[s].origins(now) for s, (_, now) in ready.items()},
        # Backtests fit frontiers by date: without a setting filter, the results that
        # cannot shape one need not be read (a big benchmark has thousands).
        frontier_only=[s for s in ready if wanted[s].setting is None],
    )
    for slug, (scale, now) in ready.items():
        mine = known.filter(pl.col("benchmark") == slug)
        pending.jobs.append((_Job(slug, versions.get(slug, ""), scale, now, mine), wanted[slug]))
    return pending


def finish_backtests(
    settings: Opener, pending: PendingBacktests, progress: Progress | None = None
) -> dict[str, Backtest]:
    """The computing half of `backtests`, with the store closed; caches what it made."""
    found = dict(pending.found)
    steps: Iterable[tuple[_Job, bt.Plan]] = pending.jobs
    if progress is not None and len(pending.jobs) > 1:
        steps = progress(pending.jobs, len(pending.jobs))
    fresh: dict[str, list[tuple[str, str, str]]] = {}
    for job, plan in steps:
        found[job.slug] = _compute(job, plan)
        entry = (job.slug, job.version, cache.dump_backtest(found[job.slug]))
        fresh.setdefault(plan.spec(), []).append(entry)
    for slug, version, plan in pending.empty:
        fresh.setdefault(plan.spec(), []).append((slug, version, cache.dump_backtest(found[slug])))
    # An entry without a data version has nothing to key it by: it is not cached.
    cache.save(settings, "backtest", {s: [e for e in es if e[1]] for s, es in fresh.items()})
    return found


def backtests(
    settings: Opener,
    plans: dict[str, bt.Plan],
    *,
    everything: bt.Plan | None = None,
    as_of: str | None = None,
    progress: Progress | None = None,
) -> dict[str, Backtest]:
    """Backtests of the benchmarks in `plans` (each under its plan), plus every other
    benchmark under the plan `everything` when given (the pool calibration needs
    them all). A benchmark with too little history has no rows, nor has one whose
    records no forecast can use (its `refused` says why)."""
    with settings.reader(as_of) as store:
        pending = read_backtests(store, plans, everything=everything)
    return finish_backtests(settings, pending, progress)


@dataclass
class Scored:
    """One benchmark's backtest, calibrated leave-one-benchmark-out, with auto's rows;
    `calibrated_how` says how, for a title (None: on nothing)."""

    slug: str
    unit: str
    rows: pl.DataFrame
    calibrated_how: str | None


def score(
    found: dict[str, Backtest],
    slugs: list[str],
    level: float,
    families: tuple[str, ...] | None,
    at_choice: dict[str, Backtest] | None = None,
) -> list[Scored]:
    """Calibrate each named benchmark's rows on the others, add auto, keep the families
    asked for (the baselines and auto always).

    auto chooses at CHOICE_LEVEL whatever `level` is, and a family with no calibration
    has only its raw interval, at its backtest's level: so when `level` is another,
    `at_choice` must hold the named benchmarks' backtests under the same plan at
    CHOICE_LEVEL (see choice_plan)."""
    if level != CHOICE_LEVEL and at_choice is None:
        raise ValueError("scoring at another level than auto's needs its backtests at_choice")
    out = []
    for slug in slugs:
        backtest = found.get(slug)
        if backtest is None or backtest.rows.is_empty():
            continue
        cals = calibrations(found, backtest.space, exclude=slug)
        rows = calibrated(backtest, cals, level)
        candidates = tuple(
            f for f in rows.get_column("family").unique().sort().to_list() if f != bt.LAST_VALUE
        )
        auto = auto_candidates(backtest.scale, candidates)
        own = backtest if level == CHOICE_LEVEL else (at_choice or {})[slug]
        rows = pl.concat([rows, auto_rows(rows, auto, known_then(found, slug, own))])
        keep = {*ALWAYS_SHOWN, *(families or candidates)}
        rows = rows.filter(pl.col("family").is_in(list(keep)))
        described = next(iter(cals.values())).describe() if cals else None
        out.append(Scored(slug, backtest.scale.unit, rows, described))
    return out


def known_then(found: dict[str, Backtest], slug: str, own: Backtest) -> KnownThen:
    """What auto knew at an origin of `slug` (`own`: its backtest at CHOICE_LEVEL), by
    forecast's rules (prepare_forecasts) applied to the backtests' forecasts whose
    outcomes had come by then, not to every outcome since (a 2025 jump elsewhere
    widened the intervals a 2023 choice was made by): its own forecasts calibrated on
    the other benchmarks' at the horizons it chooses by; without enough of them, the
    ensemble where every benchmark's, at every horizon, calibrated one, else the
    default family."""
    fallback = default_family_for(own)
    # Where the exponential does not fit (fit.fits_now), fit.default_family takes the line.
    last = (fallback, "linear") if fallback == "exponential" else (fallback,)

    def at(origin: date) -> tuple[pl.DataFrame, tuple[str, ...]]:
        then = {other: known_by(b, origin) for other, b in found.items()}
        held_out = calibrations(then, own.space, exclude=slug)
        pooled = calibrations(then, own.space, every_horizon=True)
        fallbacks = auto_fallbacks(pooled, last)
        return calibrated(known_by(own, origin), held_out, CHOICE_LEVEL), fallbacks

    return at


def calibration_plan(plan: bt.Plan) -> bt.Plan:
    """The plan of the other benchmarks' backtests that calibrate one run under `plan`.

    Their residuals depend on the origins and horizons, not on the level; and the
    others are read whole, not under this benchmark's --setting (as `forecast
    --setting` calibrates). The default level, so that the shipped backtests serve.
    """
    return replace(plan, setting=None, level=DEFAULT_PLAN.level)


def choice_plan(plan: bt.Plan) -> bt.Plan:
    """The plan whose backtests auto chooses by when scoring under `plan` (see score)."""
    return replace(plan, level=CHOICE_LEVEL)


@dataclass
class ScoredBacktests:
    """What `backtest` shows: the backtests under the user's plan and their scores;
    `slug` is the benchmark asked for by name (None with --all); `at_choice`, those
    auto chose by, when the plan's level is not CHOICE_LEVEL (see score); `unmatched`,
    with --all, the benchmarks with no result under the plan's --setting."""

    plan: bt.Plan
    slug: str | None
    found: dict[str, Backtest]
    scored: list[Scored]
    at_choice: dict[str, Backtest] | None = None
    unmatched: list[str] = field(default_factory=list)
    undated: str | None = None  # undated_note of the results scored benchmarks left out

    def refusals(self) -> list[str]:
        """Why each benchmark whose records no forecast can use has no backtest."""
        return [b.refused for _, b in sorted(self.found.items()) if b.refused]

    def too_short(self) -> list[str]:
        """The benchmarks with results (under the plan's --setting) but no origin that
        has both enough history and a known outcome, so nothing to score."""
        # Not read off the backtests: one with no result under the setting is cached
        # empty, as one with too little history is.
        left = {s.slug for s in self.scored} | set(self.unmatched)
        return sorted(s for s, b in self.found.items() if s not in left and not b.refused)

    def missing(self, families: tuple[str, ...]) -> tuple[list[str], list[str], list[str]]:
        """Of `families`, those the named benchmark has no backtest of (not a family for
        it, or none to calibrate on), the families it has besides those always shown
        (scored again with every family), and those of the always shown it has (auto
        not, with too few backtests to choose by); empty lists when none is missing, or
        with --all."""
        if self.slug is None or not self.scored:
            return [], [], []
        shown = set(self.scored[0].rows.get_column("family"))
        absent = [f for f in families if f not in shown]
        if not absent:
            return [], [], []
        (whole,) = score(self.found, [self.slug], self.plan.level, None, self.at_choice)
        there = set(whole.rows.get_column("family"))
        return absent, sorted(there - set(ALWAYS_SHOWN)), [f for f in ALWAYS_SHOWN if f in there]


def scored_backtests(
    settings: Opener,
    plan: bt.Plan,
    benchmark: str | None,
    families: tuple[str, ...] | None,
    progress: Progress | None = None,
) -> ScoredBacktests:
    """The backtest under `plan` of the benchmark named (any name records.benchmark_slug
    reads), or with None of every benchmark, each scored against the others' under
    calibration_plan(plan): a benchmark scores the same asked for alone or with the rest."""
    from trendlab.records import benchmark_slug

    pool_plan = calibration_plan(plan)
    other_level = plan.level != CHOICE_LEVEL
    if benchmark is not None:
        with settings.reader() as store:
            slug = benchmark_slug(store, benchmark)
            undated = _undated(store, [slug], plan.setting)
            pending = read_backtests(store, {slug: plan}, everything=pool_plan)
            at = read_backtests(store, {slug: choice_plan(plan)}) if other_level else None
        if slug not in pending.found and not plan.scorable(pending.series(slug)):
            # Said before the other benchmarks' backtests are run (seconds, and cached),
            # which cannot change it: a --start after the latest result, say.
            raise _unscored(slug, plan, pending)
        found = finish_backtests(settings, pending, progress)
        at_choice = finish_backtests(settings, at, progress) if at else None
        scored = score(found, [slug], plan.level, families, at_choice)
        if not scored:
            raise _unscored(slug, plan, pending)
        return ScoredBacktests(plan, slug, found, scored, at_choice, undated=undated)
    with settings.reader() as store:
        versions = store.data_versions(prices=False)
        undated = _undated(store, sorted(versions), plan.setting)
        unmatched = _unmatched(store, plan.setting, list(versions)) if plan.setting else []
        if plan.setting and versions and len(unmatched) == len(versions):
            raise TrendlabError(
                f"no result on any benchmark has a setting containing {quoted(plan.setting)}"
            )
        pending = read_backtests(store, {}, everything=plan, versions=versions)
    own = finish_backtests(settings, pending, progress)
    at_choice = (
        backtests(settings, {}, everything=choice_plan(plan), progress=progress)
        if other_level
        else None
    )
    if plan.setting is None:
        # The benchmarks are their own pool: the level changes no residual.
        scored = score(own, sorted(own), plan.level, families, at_choice)
        return ScoredBacktests(plan, None, own, scored, at_choice, undated=undated)
    pool = backtests(settings, {}, everything=pool_plan, progress=progress)
    scored = [
        one
        for slug in sorted(own)
        for one in score(pool | {slug: own[slug]}, [slug], plan.level, families, at_choice)
    ]
    # A refused benchmark is named for its records, which no setting would make usable.
    unmatched = [s for s in unmatched if not own[s].refused]
    return ScoredBacktests(plan, None, own, scored, at_choice, unmatched, undated)


def _undated(store: Any, slugs: list[str], setting: str | None) -> str | None:
    """undated_note of the results on `slugs` (under --setting) that no date places,
    which a backtest leaves out, as forecast does and says; None when there are none."""
    undated = store.undated_settings(slugs)
    if setting is not None:
        undated = undated.filter(setting_kept(setting))
    if undated.is_empty():
        return None
    where = sorted(set(undated.get_column("benchmark")))
    # --all of a store of many named every one of them, in one note.
    shown = at_most(where, 10, "benchmark")
    on = listed(where) if len(shown) == len(where) else ", ".join(shown)
    return undated_note(undated.height, f"on {on}", store.command)


def no_results(store: Any, slug: str) -> TrendlabError:
    """Why a benchmark with no result to read has no forecast: under --as-of, most
    likely a moment before its results were recorded, so say when the first was."""
    needs = f"a trend needs at least {MIN_POINTS}"
    # "No results" alone read as a benchmark never given any, to a user who can list
    # its results in `history`.
    retracted = store.retracted_results(slug)
    if store.as_of is None:
        why = f": {_retracted(retracted)} retracted" if retracted else ""
        return TrendlabError(f"{slug} has no results{why}; {needs}")
    first = store.first_result_recorded(slug)
    if first is not None and first <= store.as_of:
        # Known then, and retracted by then: "nothing was known of" them was untrue.
        why = f": {_retracted(retracted)} retracted by then" if retracted else ""
        return TrendlabError(f"{slug} has no results{store.as_of_note()}{why}; {needs}")
    if first is None:
        since = "; none has been recorded yet"
    else:
        since = f"; the first was recorded at {store.moment_after_as_of(first)}"
    return TrendlabError(f"nothing was known of results on {slug}{store.as_of_note()}{since}")


def _retracted(n: int) -> str:
    """'its result was', 'its 2 results were', for an error on retracted results."""
    return "its result was" if n == 1 else f"its {n} results were"


def _unscored(slug: str, plan: bt.Plan, pending: PendingBacktests) -> TrendlabError:
    """The error for a benchmark named alone whose backtest scores nothing. One asked
    for by name never takes an empty backtest from the cache (read_backtests), so it is
    computed here, on the series that gives the dates ruling out every origin."""
    return TrendlabError(
        f"{slug}: no origin has both enough history and a known outcome: "
        + plan.unscored(pending.series(slug))
    )


def _unmatched(store: Any, setting: str, benchmarks: list[str]) -> list[str]:
    """Of `benchmarks`, those with no current result whose setting --setting keeps."""
    pairs = store.result_pairs(["benchmark", "setting"], benchmarks)
    matched = set(pairs.filter(setting_kept(setting)).get_column("benchmark"))
    return sorted(set(benchmarks) - matched)


# How a scorecard is read, in `backtest`'s every format and in the report: errors to two
# decimals, but below 1 to four significant digits, as the report writes a number (on a
# benchmark scored 0 to 1, two decimals read an error of 0.004 as 0); a coverage to three.
_ERRORS = ("mae", "median_ae", "interval_score")


def scorecards(scored: list[Scored], level: float) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(per benchmark, pooled): scorecards with a benchmark column, rounded for reading;
    the pooled ones, one per unit (errors in points and in minutes do not add up), are
    labelled `all UNIT`."""
    each = [
        scorecard(s.rows, level).select(pl.lit(s.slug).alias("benchmark"), pl.all()) for s in scored
    ]
    if not each:
        raise TrendlabError("no benchmark has enough history to backtest")
    units = sorted({s.unit for s in scored})
    pooled = [
        scorecard(pl.concat([s.rows for s in scored if s.unit == unit]), level).select(
            pl.lit(f"all {unit}").alias("benchmark"), pl.all()
        )
        for unit in units
    ]
    rounded = [
        pl.when(pl.col(c).abs() < 1).then(pl.col(c).round_sig_figs(4)).otherwise(pl.col(c).round(2))
        for c in _ERRORS
    ] + [pl.col("coverage").round(3)]
    return pl.concat(each).with_columns(rounded), pl.concat(pooled).with_columns(rounded)


def default_family_for(backtest: Backtest) -> str:
    """auto's choice without enough history when there is no calibrated ensemble:
    fit.default_family of the benchmark, read off its backtest's calibration space."""
    return DEFAULT_FAMILY_BY_SPACE[backtest.space]
