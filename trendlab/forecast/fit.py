"""The entry point: fit a family to a series and simulate it to --until."""

from __future__ import annotations

import sys
from datetime import date

import numpy as np

from trendlab.errors import TrendlabError
from trendlab.forecast import BOUNDED_FAMILIES, S_CURVES, UNBOUNDED_FAMILIES
from trendlab.forecast.axis import make_axis, parse_until
from trendlab.forecast.calibrate import Calibration, EnsembleCalibration, space_for
from trendlab.forecast.families import (
    DEFAULT_FAMILY_BY_SPACE,
    Curve,
    clipped_at_floor,
    exponential_space,
    fit_family,
    floored_throughout,
    refuse_unfit_family,
)
from trendlab.forecast.paths import N_PATHS, simulate
from trendlab.forecast.result import Forecast
from trendlab.series import MIN_POINTS, X_LABEL, Series, from_decimal_year
from trendlab.text import number


def default_family(series: Series) -> str:
    """The family to use with no backtest to choose by: the straight line of the
    series' calibration space. Logistic on a bounded benchmark; without a ceiling,
    exponential when the scores are all of one sign and 0 is none of what is measured
    (not on an Elo rating: Scale.true_zero), and it fits them (fits_now), else linear."""
    v = series.points.get_column("v").to_numpy()
    family = DEFAULT_FAMILY_BY_SPACE[space_for(series.scale, v)]
    return family if fits_now(series, family) else "linear"


def families_for(series: Series) -> tuple[str, ...]:
    """The families that apply to a series: a bounded family never without a ceiling."""
    return BOUNDED_FAMILIES if series.scale.bounded else UNBOUNDED_FAMILIES


def fits_now(series: Series, family: str) -> bool:
    """Whether `family` can be fitted to the series as it stands. The exponential fits
    the logarithm of the scores, so not scores on both sides of 0: a backtest origin
    that saw them all of one sign may have scored it best (auto's choice), and auto
    must not then choose a family whose fit fails."""
    if family != "exponential":
        return True
    return exponential_space(series.fit_data(family)[1]) is not None and not clipped_at_floor(
        series
    )


def refuse_request(series: Series, family: str, until: str | None) -> None:
    """Raise the error `forecast` would give for `family` (auto's choice waits for the
    backtests) and `until` on this series, without fitting: a forecast checks them
    before it runs the backtests, which take seconds and are cached, though no backtest
    changes that answer."""
    if family != "auto":
        checked_points(series, family)
    parse_until(until, series)


def checked_points(
    series: Series, family: str, *, auto: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """(x, v) `family` fits on this series (points_for), once every check a forecast of
    it makes before fitting has passed: each raises TrendlabError, in this order.
    `auto`: auto chose `family` (see points_for)."""
    _check_some_change(series, family)
    if family == "exponential" and (fault := past_floor_fault(series)):
        raise TrendlabError(f"{series.scale.slug}: {fault}")
    x, v = points_for(series, family, auto=auto)
    _check_some_spread(series, x)
    scale = series.scale
    refuse_unfit_family(
        family, v, bounded=scale.bounded, name=scale.slug, unit_ends=scale.unit_ends()
    )
    return x, v


def forecast(
    series: Series,
    *,
    family: str = "logistic",
    until: str | None = None,
    level: float = 0.8,
    calibration: Calibration | EnsembleCalibration | None = None,
    curve: Curve | None = None,
    n: int = N_PATHS,
    seed: int = 0,
    day: date | None = None,
    auto: bool = False,
) -> Forecast:
    """Fit `family` to the series (or take an already fitted `curve`) and simulate it to
    `until` (text as --until takes); `calibration` recalibrates the intervals. `day` is
    the day it is read on (today, or the --as-of day), if known; `auto`, that auto chose
    `family` (see points_for)."""
    if not 0 < level < 1:
        raise TrendlabError(f"--level must be between 0 and 100 (exclusive), not {level * 100:g}")
    if family == "auto":
        family = default_family(series)
    x, v = checked_points(series, family, auto=auto)
    if calibration is None:
        _check_width_without_calibration(series, family, x)
    if curve is None:
        scale = series.scale
        curve = fit_family(
            family, x, v, bounded=scale.bounded, name=scale.slug, unit_ends=scale.unit_ends()
        )
    axis = make_axis(series, parse_until(until, series))
    paths = simulate(curve, series, axis.grid, n=n, seed=seed, adjust=calibration)
    result = Forecast(
        series,
        curve,
        axis,
        paths,
        level=level,
        calibration=None if calibration is None else calibration.describe(),
        evidence=None if calibration is None else calibration.fewest,
        day=day,
    )
    _check_finite(result)
    return result


# Points above the floor an S-curve fits at the least: as many as any trend (those at
# or below the floor say only that the frontier was still at chance, which every
# S-curve's tail agrees with). Two are not enough: a curve of two parameters passes
# through both, leaving no residual and no spread in its coefficients, so its interval
# is a point. The frontier's level at a later result is one (see Series.fit_data).
MIN_ABOVE_FLOOR = MIN_POINTS


def points_for(series: Series, family: str, *, auto: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(x, v) `family` fits (Series.fit_data): an S-curve only the points above the
    floor, of which it needs MIN_ABOVE_FLOOR. Raises TrendlabError, naming a family that
    still fits, when there are fewer. `auto`: auto chose `family`, so the error names
    auto, which the user asked for, not the family."""
    x, v = series.fit_data(family)
    if len(x) >= MIN_ABOVE_FLOOR or not series.above_floor_only(family):
        return x, v
    scale = series.scale
    assert scale.floor is not None
    above = series.fitted(family).height
    side = "above" if scale.higher_is_better else "below"
    what = "frontier point" if series.frontier else "result"
    some = "none" if above == 0 else f"only {above}"
    later = series.plateau_counted if series.frontier else ""
    # Counted after --setting: named, or the benchmark's other results seem missing.
    # auto chooses only an S-curve under a ceiling: the family it would have chosen is
    # none the user asked for. Commands, not flags: the report has no --family.
    needs = "an S-curve, auto's choice here," if auto else f"the {family} family"
    line = series.forecast_command("--family linear")
    worst, check = "at its unit's end", ""
    if scale.floor_set:  # one left to the unit is no chance level, nor one to check
        show = series.command(f"show benchmark {scale.slug}")
        worst, check = "no better than chance", f", or check the floor with `{show}`"
    raise TrendlabError(
        f"{scale.slug}: {some} of its {what}s{series.kept} {'is' if above == 1 else 'are'} "
        f"{side} {scale.floor_words()}, and {needs} needs {MIN_ABOVE_FLOOR}"
        f"{later}: a score {worst} has no finite logit, so an S-curve fits "
        f"only the points {side} it; `{line}` fits them all{check}"
    )


def s_curves_fit(series: Series) -> bool:
    """Whether the series gives a saturating family what it needs to fit (as forecast
    checks it): enough points above the floor, neither all one score nor all at one x."""
    try:
        _check_some_change(series, S_CURVES[0])
        _check_some_spread(series, points_for(series, S_CURVES[0])[0])
    except TrendlabError:
        return False
    return True


def past_floor_fault(series: Series) -> str | None:
    """What is wrong with an exponential of scores all past the floor (see
    clipped_at_floor), or None: it is clipped there from its first month on, a forecast
    of the floor past every result (shown just past it, as the 0 the exponential never
    reaches, where it stays there throughout). Most likely the floor is wrong (a
    latency's floor of 0, its worst end, or a typo). None on a bounded benchmark, which
    has no exponential."""
    if series.scale.bounded or not clipped_at_floor(series):
        return None
    scale = series.scale
    assert scale.floor is not None
    side = "below" if scale.higher_is_better else "above"
    # A floor of 10,000 minutes over scores of 1 to 137 is no 0 neared from below: the
    # trend rises through it in time, but the forecast starts at it, past every result.
    clipped = (
        f"an exponential (nearing 0 from {side}) would be clipped to the floor throughout"
        if floored_throughout(series)
        else f"an exponential would be clipped to the floor from its first month, "
        f"{'above' if scale.higher_is_better else 'below'} every result"
    )
    return (
        f"every score is {side} its floor {number(scale.floor)}, so {clipped}; check the "
        f"floor with `{series.command(f'show benchmark {scale.slug}')}`"
    )


def _check_finite(result: Forecast) -> None:
    """Paths that outgrow a float (an exponential of scores near 1e300, or one that
    multiplies a thousandfold a year for decades) are infinite or NaN from some month
    on, and once too many are for a quantile the median or an interval end is NaN
    there: a table of NaN said nothing of why. Refused, naming the first such point,
    and the point before it, to which --until still works. A few infinite paths beyond
    an interval's end change nothing shown, and are kept."""
    finite = np.isfinite(np.vstack(result.band())).all(axis=0)
    if finite.all():
        return
    first = int(np.argmin(finite))
    axis = result.axis
    when = axis.text(float(axis.grid[first]))
    # The last point still finite, not "before" the first that is not: the scores
    # outgrow a float somewhere between two month ends, so an --until a day before the
    # month end named (2024-11-29 for 2024-11-30) failed again, naming itself.
    fix = (
        f"forecast to an --until of {axis.text(float(axis.grid[first - 1]))} or earlier"
        if first > 0
        else "its scores are too large to forecast"
    )
    raise TrendlabError(
        f"{result.series.scale.slug}: the forecast's scores outgrow the largest number "
        f"trendlab can hold (about {sys.float_info.max:.1e}) by {when}; {fix}"
    )


def _check_width_without_calibration(series: Series, family: str, x: np.ndarray) -> None:
    """logistic4 (whose ceiling is a third parameter) through three points passes
    through each exactly: no residual and no spread in its coefficients, so its raw
    interval is a point (80 % of 57.8 to 57.8, a crossing "<= 0.001"). A calibrated
    forecast takes its width from the backtests' misses, which is why such fits are
    kept (README, Method: not fitting them did worse); without a calibration the
    interval would claim a certainty no data show, so it is refused. So is the ensemble
    it is a member of: averaged quantile by quantile, that point narrowed the ensemble's
    interval by a third (three points by price: 8.3 wide by logistic, 6.1 by the ensemble)."""
    if family not in ("logistic4", "ensemble") or len(x) > 3:
        return
    member = "logistic4" if family == "logistic4" else "the ensemble's logistic4"
    narrows = "" if family == "logistic4" else ", narrowing the ensemble's"
    what = "frontier point" if series.frontier else "result"
    later = series.plateau_counted if series.frontier else ""
    if series.by != "date":
        why = f"backtests cover the frontier by date, not by {series.by}"
    elif not series.frontier:
        why = "backtests cover the frontier, not --all"
    else:
        why = "too few backtest forecasts to calibrate on"
    raise TrendlabError(
        f"{series.scale.slug} has {len(x)} {what}s{series.kept} to fit{later}, through which "
        f"{member}, a curve of 3 parameters, passes exactly, and its interval is not "
        f"calibrated ({why}), so it would be a point{narrows}; "
        f"`{series.forecast_command('--family logistic')}` fits them"
    )


def _check_some_spread(series: Series, x: np.ndarray) -> None:
    """Points that all share one x (with --all, results all reported on one day) show
    no trend along it: no family's slope is defined. A frontier's points never do (a
    record is a later point than the one it beats)."""
    if np.ptp(x) > 0:
        return
    by = series.by
    one = f"one date, {from_decimal_year(float(x[0]))}" if by == "date" else f"one {X_LABEL[by]}"
    raise TrendlabError(
        f"{series.scale.slug}: the {len(x)} results{series.kept} fitted all share {one}, so "
        "they show no trend to fit"
    )


def _check_some_change(series: Series, family: str) -> None:
    """Results that are all the same (possible with --all: a frontier's records always
    rise) show neither a trend nor a spread: every family fits a flat line through them
    with no residual, and its interval is a point, a certainty no data show. So do the
    results an S-curve fits, those above the floor, when they are all the same: one
    result at chance beside them changes nothing the curve sees."""
    if series.frontier:
        return
    fitted = series.fitted(family)
    scores = fitted.get_column("score")
    if scores.len() < MIN_ABOVE_FLOOR or scores.n_unique() > 1:
        return  # too few above the floor is points_for's error
    left_out = series.points.height - fitted.height
    which = ""
    if left_out:
        side, other = ("above", "below") if series.scale.higher_is_better else ("below", "above")
        which = f" {side} the floor ({left_out} at or {other} it left out)"
    raise TrendlabError(
        f"{series.scale.slug}: all {len(scores)} results{series.kept}{which} are "
        f"{number(scores[0])}, so there "
        "is no change to fit a trend to nor spread to give an interval from"
    )


__all__ = [
    "Forecast",
    "default_family",
    "families_for",
    "fits_now",
    "forecast",
    "past_floor_fault",
    "points_for",
    "refuse_request",
    "s_curves_fit",
]
