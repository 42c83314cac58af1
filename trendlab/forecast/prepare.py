"""Forecasts against a store: read, close, prepare, fit, cache.

The store is read and closed before anything is fitted (a fit can take seconds and
must not hold DuckDB's file lock). Preparing a forecast runs (or reads) the backtests
that pick auto's family and calibrate the intervals (see scoring.py), and takes the
curve cached for the same data and options (see cache.py) when there is one; a fresh
fit is cached for the next call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import polars as pl

from trendlab.errors import TrendlabError
from trendlab.forecast import FAMILIES, cache
from trendlab.forecast import backtest as bt
from trendlab.forecast.axis import check_until
from trendlab.forecast.cache import Opener
from trendlab.forecast.calibrate import Calibration, EnsembleCalibration, residuals_needed
from trendlab.forecast.evaluate import (
    CHOICE_LEVEL,
    Backtest,
    Calibrations,
    auto_candidates,
    auto_fallbacks,
    calibrated,
    calibrations,
    choose,
)
from trendlab.forecast.families import Curve
from trendlab.forecast.scoring import (
    DEFAULT_PLAN,
    PendingBacktests,
    Progress,
    finish_backtests,
    no_results,
    read_backtests,
)
from trendlab.prices import ahead_note
from trendlab.series import (
    Scale,
    Series,
    build_series,
    load_scale,
    priced_later_note,
    unblended_note,
    uncomputed_note,
    undated_note,
    unpriced_note,
)
from trendlab.text import level_text

if TYPE_CHECKING:
    from trendlab.forecast.result import Forecast


@dataclass
class Prepared:
    """A forecast's inputs, read from the store: the series, and what the backtests and
    the cache say about it."""

    series: Series
    family: str
    curve: Curve | None
    calibration: Calibration | EnsembleCalibration | None
    notes: list[str]
    version: str
    fit_spec: str
    day: date | None = None  # the day read: today, or the --as-of day
    auto: bool = False  # auto chose `family`: a too-few-points error names auto

    def fit(self, *, until: str | None, level: float) -> Forecast:
        """The forecast: fitted (or the cached curve taken) and simulated to `until`."""
        from trendlab.forecast.fit import forecast

        return forecast(
            self.series,
            family=self.family,
            until=until,
            level=level,
            calibration=self.calibration,
            curve=self.curve,
            day=self.day,
            auto=self.auto,
        )


@dataclass
class ForecastInputs:
    """What forecasts of several benchmarks need from the store, read in one open.

    series holds each benchmark's Series, or the error saying why it has none (too
    few points, say); backtests is None when they do not apply (by compute or price,
    or every result rather than the frontier).
    """

    series: dict[str, Series | TrendlabError]
    versions: dict[str, str]
    fits: dict[str, dict[str, str]]  # family -> {benchmark: cached curve}
    specs: dict[str, str]  # family -> the fit cache's spec
    backtests: PendingBacktests | None
    price_day: date  # by price, prices dated after it are not yet in effect
    # By price under an --as-of after now, prices.ahead_note: the prices read as in
    # effect then are the ones announced by then, not ones the store held that day.
    ahead: str | None = None


def read_forecast_inputs(
    store: Any,
    benchmarks: list[str],
    *,
    by: str = "date",
    setting: str | None = None,
    all_points: bool = False,
) -> ForecastInputs:
    """Read, inside an open store (as of its --as-of), everything `prepare_forecasts`
    needs for these benchmarks, in a handful of queries whatever their number. An
    unknown slug is an error naming the nearest one."""
    bounds = store.benchmark_bounds(*benchmarks)
    for slug in benchmarks:
        if slug not in bounds:
            load_scale(store, slug)  # raises, suggesting the nearest slug
    points = store.forecast_points(*benchmarks)
    series: dict[str, Series | TrendlabError] = {}
    for slug in benchmarks:
        mine = points.filter(pl.col("benchmark") == slug)
        if mine.is_empty():
            series[slug] = no_results(store, slug)
            continue
        try:
            series[slug] = build_series(
                Scale.from_record(bounds[slug]),
                mine,
                by=by,
                setting=setting,
                all_points=all_points,
                price_day=store.reading_day,
                as_of_note=store.as_of_note(),
                command=store.command,
                as_of=store.as_of,
            )
        except TrendlabError as exc:
            series[slug] = exc
    # Backtests are by date: they and every fit but one by price ignore prices.
    versions = store.data_versions(prices=by == "price")
    usable = [slug for slug, s in series.items() if isinstance(s, Series)]
    pending = None
    if by == "date" and not all_points and usable:
        plans = {slug: bt.Plan(setting=setting) for slug in usable} if setting is not None else {}
        pending = read_backtests(store, plans, everything=DEFAULT_PLAN, versions=versions)
    specs = {f: cache.fit_spec(by, setting, all_points, f) for f in FAMILIES}
    wanted = {slug: versions.get(slug, "") for slug in usable}
    fits = (
        {f: cache.cached_fits(store, spec, wanted) for f, spec in specs.items()} if usable else {}
    )
    ahead = (
        ahead_note(store.reading_day, store.as_of_moment(), ahead=store.as_of_ahead)
        if by == "price"
        else None
    )
    return ForecastInputs(series, versions, fits, specs, pending, store.reading_day, ahead)


def prepare_forecasts(
    settings: Opener,
    inputs: ForecastInputs,
    *,
    family: str,
    level: float,
    progress: Progress | None = None,
) -> tuple[dict[str, Prepared | TrendlabError], dict[str, Backtest]]:
    """With the store closed: run the backtests still missing (caching them), then for
    each benchmark pick auto's family and the calibration of its intervals. Returns the
    prepared forecasts (or why there is none) and every benchmark's backtest."""
    from trendlab.forecast.fit import (
        default_family,
        families_for,
        fits_now,
        past_floor_fault,
    )

    found = finish_backtests(settings, inputs.backtests, progress) if inputs.backtests else {}
    pooled: dict[str, Calibrations] = {}
    out: dict[str, Prepared | TrendlabError] = {}
    for slug, series in inputs.series.items():
        if isinstance(series, TrendlabError):
            out[slug] = series
            continue
        calibrable = inputs.backtests is not None
        notes: list[str] = [inputs.ahead] if inputs.ahead else []
        if series.undated:
            notes.append(undated_note(series.undated, f"on {slug}", series.command))
        if series.uncomputed:
            notes.append(uncomputed_note(series.uncomputed, f"on {slug}", series.command))
        if series.unpriced:
            notes.append(unpriced_note(series.unpriced, f"on {slug}", series.command))
        if series.priced_later:
            notes.append(priced_later_note(series.priced_later, f"on {slug}", inputs.price_day))
        if series.unblended:
            notes.append(unblended_note(series.unblended, f"on {slug}", inputs.price_day))
        chosen = family
        # Why auto falls back: no record to choose by, or none of its choices that fits.
        why = f"too few backtest forecasts of {slug} to choose by" if calibrable else ""
        cals: Calibrations = {}
        own = found.get(slug)
        if own is not None:
            if own.space not in pooled:
                # On the calibration horizons too: a forecast's first months are to be
                # as wide as backtests' first months missed. auto chooses, as the
                # backtest command scores, on the plan's horizons alone.
                pooled[own.space] = calibrations(found, own.space, every_horizon=True)
            cals = pooled[own.space]
            if family == "auto" and not own.rows.is_empty():
                held_out = calibrations(found, own.space, exclude=slug)
                choosing = calibrated(own, held_out, CHOICE_LEVEL)
                candidates = tuple(
                    f
                    for f in auto_candidates(series.scale, families_for(series))
                    if fits_now(series, f)
                )
                picked = choose(choosing, candidates, CHOICE_LEVEL)
                if not candidates:
                    # The exponential alone, a line being no choice under a ceiling (a
                    # latency's 0 minutes), and a score at 0 has no log to fit.
                    why = (
                        f"{slug}'s scores as they stand fit no family it chooses by backtest "
                        "(the exponential needs them all above 0 or all below it)"
                    )
                if picked is not None:
                    chosen = picked
                    notes.append(f"auto chose {chosen} (best backtest interval score)")
        only_dates = "backtests cover the frontier by date only"
        if chosen == "auto":
            # Without a record of its own, the ensemble of the saturating families, each
            # calibrated on the other benchmarks' backtests; failing that, the default.
            chosen = auto_fallbacks(cals, (default_family(series),))[0]
            notes.append(f"auto chose {chosen}: {why or only_dates}")
        if family == "auto" and (fault := past_floor_fault(series)):
            # Not chosen, and the floor is the likelier mistake than the trend.
            notes.append(f"auto did not consider the exponential: {fault}")
        calibration = cals.get(chosen)
        if calibration is None:
            why = "too few backtest forecasts to calibrate on" if calibrable else only_dates
            notes.append(f"intervals are not calibrated: {why}")
        elif calibration.fewest < residuals_needed(level):
            notes.append(
                f"the {level_text(level)} % interval may be too narrow: some horizons have "
                f"only {calibration.fewest} held-out backtest forecasts and placing its "
                f"ends takes {residuals_needed(level)} (with fewer they stop at the "
                "largest held-out miss)"
            )
        payload = inputs.fits.get(chosen, {}).get(slug) if chosen in families_for(series) else None
        curve = cache.readable(cache.load_curve, payload) if payload else None
        spec = inputs.specs[chosen]
        version = inputs.versions.get(slug, "")
        out[slug] = Prepared(
            series,
            chosen,
            curve,
            calibration,
            notes,
            version,
            spec,
            inputs.price_day,
            auto=family == "auto",
        )
    return out, found


def prepare_forecast(
    settings: Opener,
    benchmark: str,
    *,
    family: str,
    by: str,
    setting: str | None,
    all_points: bool,
    level: float,
    as_of: str | None,
    until: str | None = None,
    progress: Progress | None = None,
    while_open: Callable[[Any], None] | None = None,
) -> Prepared:
    """Read the series of the benchmark named (see records.benchmark_slug); for a
    frontier over dates, run (or read) the backtests that pick auto's family and
    calibrate the intervals, once the series is known to take `family` and `until`
    (fit.refuse_request). `while_open(store)` is called once the series is read, with
    the store still open, for what a caller reads beside it (a figure's palette)."""
    from trendlab.forecast.fit import refuse_request
    from trendlab.records import benchmark_slug

    with settings.reader(as_of) as store:
        slug = benchmark_slug(store, benchmark)
        inputs = read_forecast_inputs(store, [slug], by=by, setting=setting, all_points=all_points)
        failed = inputs.series[slug]
        if isinstance(failed, TrendlabError):
            raise failed
        if while_open is not None:
            # In this open, not another: a team store attaches once, and a write
            # landing after this read cannot reach what is read beside it.
            while_open(store)
    # An --until before the data, say, was refused only after every benchmark's
    # backtests had run (seconds, and written to the cache) for a forecast it never made.
    refuse_request(failed, family, until)
    prepared, _ = prepare_forecasts(settings, inputs, family=family, level=level, progress=progress)
    found = prepared[slug]
    if isinstance(found, TrendlabError):
        raise found
    return found


def remember_fit(settings: Opener, prepared: Prepared, curve: Curve) -> None:
    """Cache a freshly fitted curve for the next call with the same data and options."""
    remember_fits(settings, [(prepared, curve)])


def remember_fits(settings: Opener, fitted: list[tuple[Prepared, Curve]]) -> None:
    """Cache freshly fitted curves, in one write whatever their number."""
    by_spec: dict[str, list[tuple[str, str, str]]] = {}
    for prepared, curve in fitted:
        if prepared.curve is None and prepared.version:
            entry = (prepared.series.scale.slug, prepared.version, cache.dump_curve(curve))
            by_spec.setdefault(prepared.fit_spec, []).append(entry)
    cache.save(settings, "fit", by_spec)


def run_forecast(
    settings: Opener,
    benchmark: str,
    *,
    family: str = "auto",
    by: str = "date",
    setting: str | None = None,
    all_points: bool = False,
    level: float = 0.8,
    until: str | None = None,
    as_of: str | None = None,
    progress: Progress | None = None,
    while_open: Callable[[Any], None] | None = None,
) -> tuple[Forecast, list[str]]:
    """Prepare, fit (or take the cached curve) and simulate one benchmark's forecast,
    caching a fresh fit; returns the forecast and notes for the user. `while_open` is
    prepare_forecast's."""
    check_until(until, by)
    prepared = prepare_forecast(
        settings,
        benchmark,
        family=family,
        by=by,
        setting=setting,
        all_points=all_points,
        level=level,
        as_of=as_of,
        until=until,
        progress=progress,
        while_open=while_open,
    )
    result = prepared.fit(until=until, level=level)
    remember_fit(settings, prepared, result.curve)
    said = result.own_notes(default_end=until is None, as_of=as_of is not None)
    return result, [*prepared.notes, *said]
