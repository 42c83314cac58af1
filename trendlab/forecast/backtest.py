"""Rolling-origin backtests: how each family would have forecast the frontier.

At each origin the families are fitted only to what was known then (results dated
before the origin, each as it was then if it was entered by then, else as it stands
now: Store.known_points), and forecast the frontier at each horizon. The truth is the
frontier at the target date as the database knows it now; a target later than the
latest result is not scored.

The ensemble has no rows here: it averages its members' forecasts once each is
calibrated (evaluate.calibrated), so it is made from theirs.

Every backtest is also run at CALIBRATION_HORIZONS, the horizons forecasts are
calibrated at, whichever horizons its plan shows: evaluate.Backtest keeps the rows at
those others apart, so they calibrate forecasts and change no figure a backtest shows.

One row per (family, origin, horizon) holds the raw forecast (median and interval at
the plan's level, in score units) and its calibration summary (e_med, e_scale and the
truth e_act in the calibration space, see calibrate.py). Scoring, calibration and the
choice `auto` makes happen later (evaluate.py), from rows that can be cached.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from trendlab.errors import TrendlabError
from trendlab.forecast import COMBINED
from trendlab.forecast.calibrate import (
    calibrated_before_clip,
    family_space,
    quantile_levels,
    space_for,
    summarize,
)
from trendlab.forecast.families import SPACES, fit_family
from trendlab.forecast.fit import fits_now, points_for
from trendlab.forecast.paths import frontier_rules, unclipped_paths, within_bounds
from trendlab.series import Scale, Series, build_series, decimal_year

# Bump when the method changes, so cached backtests and fits are recomputed.
METHOD_VERSION = 12
LAST_VALUE = "last-value"
BACKTEST_PATHS = 1000
# The horizons (months) every backtest is run at, whatever its plan shows: their
# residuals calibrate forecasts, which hold the first horizon's before it (calibrate.py),
# so a forecast's first months need their own. One month after an origin the frontier
# has mostly not moved, where six months' residuals carry half a year's jumps: with
# them, one-month 80 % intervals held 92 % of outcomes at twice the interval score (the
# README's backtest section gives the figures).
CALIBRATION_HORIZONS = (1, 3, 6, 12, 24)

ROW_SCHEMA = {
    "family": pl.String,
    "origin": pl.Date,
    "horizon": pl.Int64,
    "target": pl.Date,
    "current": pl.Float64,
    "actual": pl.Float64,
    "median": pl.Float64,
    "lower": pl.Float64,
    "upper": pl.Float64,
    "e_act": pl.Float64,
    "e_med": pl.Float64,
    "e_scale": pl.Float64,
}


@dataclass(frozen=True)
class Plan:
    """Which origins and horizons to backtest, at what interval level, on what series.

    `horizons` are those the backtest shows and scores; it is run at run_horizons."""

    start: date | None = None
    every: int = 6
    horizons: tuple[int, ...] = (6, 12, 24)
    level: float = 0.8
    setting: str | None = None

    def spec(self) -> str:
        """Canonical JSON of the plan and the method version: the cache key's options."""
        fields = asdict(self)
        fields["start"] = self.start.isoformat() if self.start else None
        fields["method"] = METHOD_VERSION
        # The rows are run at these too: an entry made without them (or at others) is
        # not this plan's.
        fields["calibration_horizons"] = list(CALIBRATION_HORIZONS)
        return json.dumps(fields, sort_keys=True)

    @property
    def run_horizons(self) -> tuple[int, ...]:
        """The horizons shown and those forecasts are calibrated at, in order."""
        return tuple(sorted({*self.horizons, *CALIBRATION_HORIZONS}))

    def origins(self, now: Series) -> list[date]:
        """Origins every `every` months from `start` (default: the first 1 January or 1 July
        after the history _third says an origin needs) while the nearest of run_horizons can
        still be scored."""
        first = self.start if self.start is not None else _half_year_after(_third(now))
        last = now.last_date
        # date_range counts each origin from the first, not from the one before (which,
        # from a 31st, would stay on the 28th after February), and like offset_by it
        # takes a day a shorter month lacks to that month's last.
        origins = pl.date_range(first, last, f"{self.every}mo", eager=True)
        nearest = origins.dt.offset_by(f"{min(self.run_horizons)}mo")
        return origins.filter(nearest <= last).to_list()

    def scorable(self, now: Series) -> bool:
        """Whether an origin of this plan has a target of the nearest horizon shown on or
        before the latest result: without one, no backtest on `now` scores anything,
        whatever the history at each origin."""
        origins = pl.Series(self.origins(now), dtype=pl.Date)
        nearest = origins.dt.offset_by(f"{min(self.horizons)}mo")
        return bool((nearest <= now.last_date).any())

    def unscored(self, now: Series) -> str:
        """Why no origin of this plan is scored on `now`, in the dates that decide it: the
        latest origin a target of the nearest horizon shown can follow, and the first
        origin on the plan's grid with three frontier points before it (or --start,
        when it comes after the third)."""
        last, nearest = now.last_date, min(self.horizons)
        latest = pl.Series([last]).dt.offset_by(f"-{nearest}mo")[0]
        months = "month" if nearest == 1 else "months"
        # "the nearest shown": without --horizons, the default ones are shown.
        which = "" if len(self.horizons) == 1 else " (the nearest horizon shown)"
        why = f"the latest result{now.kept} is {last}, so only origins up to {latest} are scored "
        why += f"{nearest} {months} ahead{which}"
        third = _third(now)
        if self.start is not None and self.start > third:
            # The grid starts past it: the third record does not decide the first origin.
            return f"{why}; --start puts the first origin at {self.start}"
        if self.start is None:
            first = _half_year_after(third)
        else:
            # The grid from --start, far enough to pass the third record.
            span = 12 * (third.year - self.start.year) + third.month - self.start.month
            end = pl.Series([self.start]).dt.offset_by(f"{max(span, 0) + self.every}mo")[0]
            grid = pl.date_range(self.start, end, f"{self.every}mo", eager=True)
            first = grid.filter(grid > third)[0]
        # Two records and a later result are three points (Series.fit_data): a frontier
        # of two records was said to have a first origin with three before it.
        three = "three frontier records"
        if now.records.height < 3:
            three = "two frontier records and a later result"
        return f"{why}; the first origin with {three} before it is {first}"

    def targets(self, origin: date, last: date) -> list[tuple[int, date]]:
        """(horizon, target) of each of run_horizons whose target, that many months after
        the origin (the month's last day if it is shorter), is on or before `last`."""
        ahead = pl.DataFrame(
            {"horizon": self.run_horizons}, schema={"horizon": pl.Int64}
        ).with_columns(target=pl.lit(origin).dt.offset_by(pl.format("{}mo", "horizon")))
        return ahead.filter(pl.col("target") <= last).rows()


def run(
    scale: Scale,
    known: pl.DataFrame,
    now: Series,
    plan: Plan,
    families: tuple[str, ...],
    *,
    n: int = BACKTEST_PATHS,
) -> pl.DataFrame:
    """Backtest rows for one benchmark, at the plan's run_horizons.

    known: Store.known_points for the plan's origins; now: the benchmark's series as
    known today (the truth), with the plan's setting applied.
    """
    space = space_for(scale, now.points.get_column("v").to_numpy())
    to_space = SPACES[space][0]
    truth = now.points.select("date", "v").sort("date").with_columns(pl.col("v").cum_max())
    rows: list[dict[str, Any]] = []
    for (origin,), past in known.partition_by("origin", as_dict=True, maintain_order=True).items():
        try:
            series = build_series(scale, past, setting=plan.setting)
        except TrendlabError:
            continue  # too little history at this origin
        targets = plan.targets(origin, now.last_date)
        if not targets:
            continue
        actual = np.array(
            [truth.filter(pl.col("date") <= t).get_column("v").max() for _, t in targets],
            dtype=float,
        )
        current = series.current
        now_score = float(scale.score(current))
        grid = np.array([decimal_year(t) for _, t in targets])
        shown = np.isin([h for h, _ in targets], plan.horizons)
        e_act = to_space(actual)
        at_targets = [
            {
                "origin": origin,
                "horizon": h,
                "target": t,
                "current": now_score,
                "actual": float(scale.score(actual[i])),
                "e_act": float(e_act[i]),
            }
            for i, (h, t) in enumerate(targets)
        ]
        # The frontier carried forward: a point forecast, with no spread of its own.
        still = np.full(len(targets), now_score)
        e_still = np.full(len(targets), float(to_space(np.asarray(current))))
        rows += _rows(at_targets, LAST_VALUE, still, still, still, e_still, np.zeros(len(targets)))
        for family in families:
            # An exponential its forecast refuses (scores all past the floor) is scored
            # as no forecast, as a family that cannot be fitted is.
            if family in COMBINED or not fits_now(series, family):
                continue
            try:
                x, v = points_for(series, family)
                curve = fit_family(family, x, v, bounded=scale.bounded)
            except TrendlabError:
                continue
            unclipped = unclipped_paths(curve, series, grid, n=n)
            raw = within_bounds(unclipped, series)
            own = family_space(space, family)
            # Before the clip (see family_space), and its miss in that space too.
            before_clip = calibrated_before_clip(scale, family)
            e_med, e_scale = summarize(unclipped if before_clip else raw, own)
            ruled = frontier_rules(raw, series)
            # The frontier's running maximum at a shown horizon is taken over the shown
            # targets only, as when they were backtested alone: the calibration
            # horizons in between must not move a raw interval the backtest shows.
            ruled[:, shown] = frontier_rules(raw[:, shown], series)
            scores = scale.score(ruled)
            qs = np.quantile(scores, quantile_levels(plan.level), axis=0)
            lower, upper = np.minimum(qs[1], qs[2]), np.maximum(qs[1], qs[2])
            e_own = SPACES[own][0](actual) if before_clip else None
            rows += _rows(at_targets, family, qs[0], lower, upper, e_med, e_scale, e_own)
    return pl.DataFrame(rows, schema=ROW_SCHEMA)


def _rows(
    at_targets: list[dict[str, Any]],
    family: str,
    median: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    e_med: np.ndarray,
    e_scale: np.ndarray,
    e_act: np.ndarray | None = None,
) -> list[dict[str, Any]]:
    """One family's rows at one origin: what every family shares at each target, plus
    its forecast there (one value per target in each array); e_act, the truth in the
    family's own calibration space where that is not the benchmark's."""
    return [
        common
        | ({} if e_act is None else {"e_act": float(e_act[i])})
        | {
            "family": family,
            "median": float(median[i]),
            "lower": float(lower[i]),
            "upper": float(upper[i]),
            "e_med": float(e_med[i]),
            "e_scale": float(e_scale[i]),
        }
        for i, common in enumerate(at_targets)
    ]


def _third(now: Series) -> date:
    """The date of the history an origin needs before it: the third record's, or with
    two the first result after the second, the frontier's level at a later result being
    a point too (Series.fit_data); the last record's with none. With three records or
    more it is the third record's even where a result between the second and the third
    gave three points earlier (osworld's 2024-07-18, its third record 2025-01-23)."""
    dates = now.records.get_column("date").sort()
    if dates.len() >= 3:
        return dates[2]
    later = now.points.filter(pl.col("date") > dates[-1]).get_column("date")
    return dates[-1] if later.is_empty() else later.min()  # type: ignore[return-value]


def _half_year_after(day: date) -> date:
    """The first 1 January or 1 July after `day`: the default first origin."""
    return date(day.year, 7, 1) if day.month < 7 else date(day.year + 1, 1, 1)
