"""From backtest rows to what they mean: calibrated intervals, auto's choices, scores.

Calibration pools the held-out residuals of every benchmark in the database that
shares the calibration space, per family and horizon. When the rows being scored are
a benchmark's own backtest, that benchmark's residuals are left out of its
calibration (leave-one-benchmark-out), so the figures say how the method does on a
benchmark it has never seen. `auto` at an origin picks the family with the best mean
interval score over that benchmark's forecasts whose targets had passed by then,
calibrated on the other benchmarks' forecasts whose targets had passed too: what
`forecast --family auto` would have chosen at the time, knowing only what was known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import polars as pl

from trendlab.forecast import ENSEMBLE_MEMBERS
from trendlab.forecast.backtest import LAST_VALUE, ROW_SCHEMA
from trendlab.forecast.calibrate import (
    Calibration,
    EnsembleCalibration,
    family_space,
    pool_of,
    quantile_levels,
)
from trendlab.forecast.families import SPACES
from trendlab.forecast.result import at_bound
from trendlab.series import Scale
from trendlab.text import level_text

AUTO = "auto"
ENSEMBLE = "ensemble"
MIN_HISTORY = 3  # forecasts with a known outcome auto needs before trusting a record
# auto compares families' interval scores at this level, whatever level is shown: a
# wider interval asked for must widen the forecast, not move its median to another family.
CHOICE_LEVEL = 0.8
ORDER = [LAST_VALUE, "linear", "logistic", "logistic4", "gompertz", ENSEMBLE, "exponential", AUTO]
# The rows every scored backtest keeps, whichever families are asked for: the two
# baselines, and auto (what `forecast` does by default).
ALWAYS_SHOWN = (LAST_VALUE, "linear", AUTO)


@dataclass(frozen=True)
class Backtest:
    """One benchmark's backtest rows with what it takes to read them; `refused` says
    why a benchmark whose records no forecast can use has none.

    `rows` are at the plan's horizons: what the backtest shows, scores and auto
    chooses by. `calibration_rows` are at the calibration horizons the plan does not
    show (backtest.CALIBRATION_HORIZONS), which only calibrate forecasts."""

    scale: Scale
    space: str
    rows: pl.DataFrame
    refused: str | None = None
    calibration_rows: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ROW_SCHEMA))

    def every_row(self) -> pl.DataFrame:
        """The rows at every horizon the backtest was run at."""
        return pl.concat([self.rows, self.calibration_rows])


Calibrations = dict[str, Calibration | EnsembleCalibration]


def calibrations(
    backtests: dict[str, Backtest],
    space: str,
    exclude: str | None = None,
    *,
    every_horizon: bool = False,
) -> Calibrations:
    """Per family, the calibration pooled over every benchmark in `space` (or one that
    calibrates it: see pool_of) but `exclude`; the ensemble's is its members' when each
    of them has one.

    On the backtests' rows at their plan's horizons, so that scoring a backtest
    calibrates it on those alone; with every_horizon, on their calibration_rows too,
    which is how a forecast is calibrated."""
    frames = [
        rows.filter(pl.col("family") != LAST_VALUE)
        for slug, bt in backtests.items()
        if pool_of(bt.space) == pool_of(space) and slug != exclude
        for rows in [bt.every_row() if every_horizon else bt.rows]
        if not rows.is_empty()
    ]
    if not frames:
        return {}
    pooled = pl.concat(frames)
    single: dict[str, Calibration] = {}
    for (family,), rows in pooled.partition_by("family", as_dict=True).items():
        calibration = Calibration.from_rows(rows, family_space(space, str(family)))
        if calibration is not None:
            single[str(family)] = calibration
    out: Calibrations = dict(single)
    members = {f: single[f] for f in ENSEMBLE_MEMBERS if f in single}
    if space == "logit" and len(members) == len(ENSEMBLE_MEMBERS):
        out[ENSEMBLE] = EnsembleCalibration(members)
    return out


def pooled_calibration(any_calibrated: bool, level: float) -> str:
    """How the intervals of backtests scored together (`backtest --all`, the report's
    pooled tables) were calibrated. Each benchmark is calibrated on a different pool,
    the others', and some on none, so no one count describes them all."""
    if any_calibrated:
        return (
            f"{level_text(level)} % intervals calibrated on the other benchmarks' backtest "
            "forecasts where there are enough"
        )
    return f"{level_text(level)} % intervals not calibrated (too few backtest forecasts)"


def benchmark_calibration(described: str | None, level: float) -> str:
    """How one benchmark's backtest intervals were calibrated (`backtest BENCHMARK`),
    given its calibration's describe()."""
    if described:
        return f"{level_text(level)} % intervals {described}, leaving the benchmark's own out"
    return pooled_calibration(False, level)


def calibrated(bt: Backtest, cals: Calibrations, level: float) -> pl.DataFrame:
    """The rows with median / lower / upper recalibrated where a calibration exists,
    plus the ensemble's rows where it has one (its members' calibrated forecasts
    averaged quantile by quantile in the calibration space, as paths.blend does)."""
    p = np.array(quantile_levels(level))
    parts, members = [], []
    for (family, horizon), rows in bt.rows.partition_by(
        ["family", "horizon"], as_dict=True, maintain_order=True
    ).items():
        cal = cals.get(str(family))
        if not isinstance(cal, Calibration) or family == LAST_VALUE:
            parts.append(rows)
            continue
        q = cal.quantiles(p, float(horizon))
        e_med, e_scale = rows.get_column("e_med").to_numpy(), rows.get_column("e_scale").to_numpy()
        eta = [e_med + e_scale * qi for qi in q]
        parts.append(_with_quantiles(rows, eta, bt, cal.space))
        if family in ENSEMBLE_MEMBERS:
            members.append(
                rows.select("origin", "horizon", pl.lit(family).alias("member")).with_columns(
                    *[pl.Series(f"eta{i}", e) for i, e in enumerate(eta)]
                )
            )
    if isinstance(cals.get(ENSEMBLE), EnsembleCalibration) and members:
        parts.append(_ensemble_rows(bt, pl.concat(members)))
    return with_reach(pl.concat(parts) if parts else bt.rows, bt.scale)


def with_reach(rows: pl.DataFrame, scale: Scale) -> pl.DataFrame:
    """Rows with lower_reach and upper_reach, the interval's ends as scorecard and
    choose score its coverage and misses (calibrated adds them): an end at a bound
    (at_bound's thousandth of the range) is the bound, as a path's crossing of it counts."""
    lower, upper = pl.col("lower"), pl.col("upper")
    if not scale.bounded:  # with one bound the clip is exact: an end at it is the bound
        return rows.with_columns(lower.alias("lower_reach"), upper.alias("upper_reach"))
    assert scale.floor is not None and scale.ceiling is not None
    # Intervals are built in logit space with z held inside EPS, so an end that runs
    # into a bound stops short of it (99.995 under a ceiling of 100), and a truth at
    # the bound was never covered, though the forecast had reached it.
    low, high = sorted((scale.floor, scale.ceiling))
    near = at_bound(scale) * (high - low)
    return rows.with_columns(
        pl.when(lower <= low + near).then(low).otherwise(lower).alias("lower_reach"),
        pl.when(upper >= high - near).then(high).otherwise(upper).alias("upper_reach"),
    )


def _with_quantiles(
    rows: pl.DataFrame, eta: list[np.ndarray], bt: Backtest, space: str
) -> pl.DataFrame:
    """Rows with median / lower / upper from calibrated quantiles in the calibration
    space `space`, bounded and never below the frontier at the origin."""
    from_space = SPACES[space][1]
    current = np.asarray(bt.scale.value(rows.get_column("current").to_numpy()))
    values = []
    for e in eta:
        v = from_space(e)
        if bt.scale.bounded:
            v = np.clip(v, 0.0, 1.0)
        values.append(np.asarray(bt.scale.score(np.maximum(v, current))))
    low, high = np.minimum(values[1], values[2]), np.maximum(values[1], values[2])
    return rows.with_columns(
        pl.Series("median", values[0]), pl.Series("lower", low), pl.Series("upper", high)
    )


def _ensemble_rows(bt: Backtest, members: pl.DataFrame) -> pl.DataFrame:
    """The ensemble at each (origin, horizon): the mean of the calibrated quantiles of
    the members that could be fitted there (as families.fit_ensemble leaves out one
    that cannot)."""
    etas = ["eta0", "eta1", "eta2"]
    mean = members.group_by("origin", "horizon").agg(*[pl.col(e).mean() for e in etas])
    base = (
        bt.rows.filter(pl.col("family") != LAST_VALUE)
        .unique(["origin", "horizon"], keep="first", maintain_order=True)
        .join(mean, on=["origin", "horizon"])
    )
    rows = base.select(
        pl.lit(ENSEMBLE).alias("family"),
        *[c for c in bt.rows.columns if c not in ("family", "e_med", "e_scale")],
        pl.col("eta0").alias("e_med"),
        pl.lit(None, dtype=pl.Float64).alias("e_scale"),
    ).select(bt.rows.columns)
    return _with_quantiles(rows, [base.get_column(e).to_numpy() for e in etas], bt, bt.space)


def auto_candidates(scale: Scale, families: Iterable[str]) -> tuple[str, ...]:
    """The families auto chooses among: all of `families` but a straight line on a
    benchmark with a ceiling. A line runs into the ceiling and is clipped there: its
    paths pile up at the bound, its interval shrinks to a point (FrontierMath at
    99.99 [99.98, 100] within two years), the very extrapolation trendlab is for
    avoiding. It stays a baseline, and a family to ask for by name."""
    return tuple(f for f in families if not (f == "linear" and scale.ceiling is not None))


def choose(
    rows: pl.DataFrame, candidates: tuple[str, ...], level: float, known_by: date | None = None
) -> str | None:
    """The candidate with the best mean interval score on the forecasts whose targets
    came before `known_by`, compared on the (origin, horizon) pairs all of them have;
    None when there are fewer than MIN_HISTORY such pairs."""
    pool = rows.filter(pl.col("family").is_in(candidates))
    if known_by is not None:
        pool = pool.filter(pl.col("target") < known_by)
    present = pool.get_column("family").unique().to_list()
    if not present:
        return None
    common = (
        pool.group_by("origin", "horizon")
        .agg(pl.col("family").n_unique().alias("k"))
        .filter(pl.col("k") == len(present))
    )
    if common.height < MIN_HISTORY:
        return None
    scores = (
        pool.join(common, on=["origin", "horizon"])
        .with_columns(_winkler(level).alias("s"))
        .group_by("family")
        .agg(pl.col("s").mean())
        .sort("s", "family")
    )
    return str(scores.item(0, "family"))


def known_by(backtest: Backtest, origin: date) -> Backtest:
    """The backtest as it stood at `origin`: of its forecasts, at every horizon, only
    those whose targets came before it."""
    known = pl.col("target") < origin
    return replace(
        backtest,
        rows=backtest.rows.filter(known),
        calibration_rows=backtest.calibration_rows.filter(known),
    )


# What auto knew at an origin: its benchmark's forecasts calibrated at CHOICE_LEVEL as
# they could have been then, and the families it falls back to, first to last.
KnownThen = Callable[[date], tuple[pl.DataFrame, tuple[str, ...]]]


def auto_fallbacks(pooled: Calibrations, last: tuple[str, ...]) -> tuple[str, ...]:
    """The families auto falls back to without a record of its own, first to last: the
    ensemble where `pooled` (every benchmark's calibrations, at every horizon) has one,
    then `last`, the default family (and what stands in for it where it does not fit)."""
    return (ENSEMBLE, *last) if ENSEMBLE in pooled else last


def auto_rows(
    rows: pl.DataFrame, candidates: tuple[str, ...], known_then: KnownThen
) -> pl.DataFrame:
    """What auto would have forecast at each origin, choosing with what it knew then
    (known_then(origin)); without enough history, the first of its fallbacks that
    forecast at that origin (if none did, auto has no rows there). It chooses among the
    candidates that forecast at the origin, as `forecast` chooses among the families
    that fit the data as it stands."""
    picks = []
    for origin in rows.get_column("origin").unique().sort():
        at = rows.filter(pl.col("origin") == origin)
        present = set(at.get_column("family").to_list())
        # A family the origin's data do not fit (an exponential once the scores cross
        # 0) has no forecast there: chosen for its past record, it left auto without one.
        fitting = tuple(f for f in candidates if f in present)
        choosing, fallbacks = known_then(origin)
        chosen = choose(choosing, fitting, CHOICE_LEVEL, known_by=origin)
        if chosen is None:
            chosen = next((f for f in fallbacks if f in present), fallbacks[-1])
        picks.append(
            at.filter(pl.col("family") == chosen).with_columns(pl.lit(AUTO).alias("family"))
        )
    return pl.concat(picks) if picks else rows.clear()


def scorecard(rows: pl.DataFrame, level: float) -> pl.DataFrame:
    """Per family and horizon: n, mae, median_ae, coverage, interval_score."""
    rank = {f: i for i, f in enumerate(ORDER)}
    return (
        with_scores(rows, level)
        .with_columns((pl.col("median") - pl.col("actual")).abs().alias("ae"))
        .group_by("family", "horizon")
        .agg(
            pl.len().alias("n"),
            pl.col("ae").mean().alias("mae"),
            pl.col("ae").median().alias("median_ae"),
            pl.col("covered").mean().alias("coverage"),
            pl.col("s").mean().alias("interval_score"),
        )
        .with_columns(pl.col("family").replace_strict(rank, default=99).alias("_rank"))
        .sort("_rank", "horizon")
        .select(
            "family",
            pl.col("horizon").alias("horizon_months"),
            "n",
            "mae",
            "median_ae",
            "coverage",
            "interval_score",
        )
    )


def with_scores(rows: pl.DataFrame, level: float) -> pl.DataFrame:
    """Rows with s, their interval score, and covered, whether their interval holds
    the truth, both by the interval's reach (rows need lower_reach and upper_reach: see
    with_reach): how scorecard scores a forecast."""
    # A forecast that hits the truth covers it, though the two went through different
    # arithmetic (a logit and back) and differ in the last bits.
    slack = 1e-9 * pl.max_horizontal(pl.col("actual").abs(), pl.lit(1.0))
    return rows.with_columns(
        _winkler(level).alias("s"),
        (
            (pl.col("lower_reach") - slack <= pl.col("actual"))
            & (pl.col("actual") <= pl.col("upper_reach") + slack)
        ).alias("covered"),
    )


def _winkler(level: float) -> pl.Expr:
    """The interval (Winkler) score: width, plus 2 / alpha times any miss beyond the
    interval's reach (see with_reach)."""
    penalty = 2 / (1 - level)
    return (
        (pl.col("upper") - pl.col("lower"))
        + penalty * (pl.col("lower_reach") - pl.col("actual")).clip(lower_bound=0)
        + penalty * (pl.col("actual") - pl.col("upper_reach")).clip(lower_bound=0)
    )
