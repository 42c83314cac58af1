"""The entry point: fit a family to a series and simulate it to --until."""

from __future__ import annotations

from trendlab.errors import TrendlabError
from trendlab.forecast import BOUNDED_FAMILIES, UNBOUNDED_FAMILIES
from trendlab.forecast.axis import make_axis, parse_until
from trendlab.forecast.calibrate import Calibration, EnsembleCalibration, space_for
from trendlab.forecast.families import DEFAULT_FAMILY_BY_SPACE, Curve, fit_family
from trendlab.forecast.paths import N_PATHS, simulate
from trendlab.forecast.result import Forecast
from trendlab.series import Series


def default_family(series: Series) -> str:
    """The family to use with no backtest to choose by: the straight line of the
    series' calibration space. Logistic on a bounded benchmark; without a ceiling,
    exponential when the scores are all of one sign, else linear."""
    v = series.points.get_column("v").to_numpy()
    return DEFAULT_FAMILY_BY_SPACE[space_for(series.scale.bounded, v)]


def families_for(series: Series) -> tuple[str, ...]:
    """The families that apply to a series: a bounded family never without a ceiling."""
    return BOUNDED_FAMILIES if series.scale.bounded else UNBOUNDED_FAMILIES


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
) -> Forecast:
    """Fit `family` to the series (or take an already fitted `curve`) and simulate it to
    `until` (text as --until takes); `calibration` recalibrates the intervals."""
    if not 0 < level < 1:
        raise TrendlabError(f"--level must be between 0 and 100 (exclusive), not {level * 100:g}")
    if family == "auto":
        family = default_family(series)
    _check_above_floor(series, family)
    _check_some_change(series)
    if curve is None:
        x, v = series.fit_data()
        curve = fit_family(family, x, v, bounded=series.scale.bounded)
    axis = make_axis(series, parse_until(until, series))
    paths = simulate(curve, series, axis.grid, n=n, seed=seed, adjust=calibration)
    described = calibration.describe() if calibration is not None else None
    return Forecast(series, curve, axis, paths, level=level, calibration=described)


def _check_above_floor(series: Series, family: str) -> None:
    """An S-curve needs a result better than the floor: in logit space every score at
    or below it is the floor, so the fit is a flat line there and its paths a point
    interval at chance level, a certainty of a stall that no data show."""
    scale = series.scale
    s_curve = family in BOUNDED_FAMILIES and family not in UNBOUNDED_FAMILIES
    # Without both bounds there is no logit space (fit_family refuses an S-curve), and
    # v is no distance from a floor: a latency's (-score) is below 0 however good.
    if not (scale.bounded and s_curve) or series.current > 0:
        return
    assert scale.floor is not None
    side = "above" if scale.higher_is_better else "below"
    raise TrendlabError(
        f"{scale.slug}: no result is {side} the floor {scale.floor:g} (chance level) yet, "
        f"so the {family} family sees only the floor and can forecast nothing but a stall "
        "there; use --family linear, or check the floor with "
        f"`trendlab show benchmark {scale.slug}`"
    )


def _check_some_change(series: Series) -> None:
    """Results that are all the same (possible with --all: a frontier's records always
    rise) show neither a trend nor a spread: every family fits a flat line through them
    with no residual, and its interval is a point, a certainty no data show."""
    scores = series.points.get_column("score")
    if scores.n_unique() > 1:
        return
    raise TrendlabError(
        f"{series.scale.slug}: all {len(scores)} results are {scores[0]:g}, so there is no "
        "change to fit a trend to nor spread to give an interval from"
    )


__all__ = ["Forecast", "default_family", "families_for", "forecast"]
