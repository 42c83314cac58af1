"""Forecast paths: many plausible futures of the series, drawn from one fitted curve.

Each path is a curve whose coefficients are drawn from their robust sampling
distribution, plus a deviation from that curve in the curve's space (logit for the
bounded families). For the frontier the deviation starts at the one that is observed
now (so every path starts at today's best) and relaxes toward a residual of the fit,
resampled (a bootstrap over the fitted points), with a half-life: a frontier that is
ahead of its trend stays ahead for a while, one that has stalled stays stalled for a
while. Paths never go below the current best and never go down (the frontier is a
running maximum); on a bounded benchmark they stay inside [floor, ceiling] because
they are built in logit space.

With --all the paths are the curve plus one resampled residual: the spread of a new
result around the trend, with no frontier rules.

An ensemble's paths average its members' forecasts quantile by quantile in logit space
(at each grid point the k-th lowest of the ensemble is the mean of the members' k-th
lowest), and follow its first member's paths in rank, so each path stays a path. Each
member is recalibrated first when calibrations are given, since the members err in
opposite directions (a fixed ceiling overshoots a plateau, a fitted one can stop at
today's best): averaging what calibration has already corrected is what helps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np

from trendlab.forecast.calibrate import EnsembleCalibration, calibrated_before_clip
from trendlab.forecast.families import LOGIT_MAX, Curve

if TYPE_CHECKING:
    from trendlab.series import Series

N_PATHS = 2000
# How long (in x units: years, or orders of magnitude) the frontier's deviation from
# its trend takes to halve. See the README's backtest section for how it was chosen.
HALF_LIFE = 1.0


class Adjustment(Protocol):
    """Recalibrates raw paths (values of v), given each grid column's horizon in x units."""

    def apply(self, paths: np.ndarray, horizon: np.ndarray) -> np.ndarray: ...


def unclipped_paths(
    curve: Curve,
    series: Series,
    grid: np.ndarray,
    *,
    n: int = N_PATHS,
    seed: int = 0,
    half_life: float = HALF_LIFE,
) -> np.ndarray:
    """(n, len(grid)) values of v at the x values in grid (all after series.x_now),
    before the frontier's rules and before within_bounds: a line calibrated before its
    clip (calibrate.calibrated_before_clip) is calibrated on these."""
    return curve.from_space(raw_eta(curve, series, grid, n=n, seed=seed, half_life=half_life))


def within_bounds(paths: np.ndarray, series: Series) -> np.ndarray:
    """Paths held inside the floor and the ceiling. With one bound only, the families
    are unbounded ones (a line, an exponential), and so is their calibration: they
    would cross the bound they know nothing of."""
    lo, hi = series.scale.v_range
    return paths if lo is None and hi is None else np.clip(paths, lo, hi)


def raw_eta(
    curve: Curve,
    series: Series,
    grid: np.ndarray,
    *,
    n: int = N_PATHS,
    seed: int = 0,
    half_life: float = HALF_LIFE,
) -> np.ndarray:
    """unclipped_paths() in the curve's space (before mapping back to values of v)."""
    rng = np.random.default_rng(seed)
    # Centred residuals, inflated for the degrees of freedom the fit used up.
    residuals = (curve.residuals - curve.residuals.mean()) * np.sqrt(curve.n / curve.df)
    noise = residuals[rng.integers(len(residuals), size=n)][:, None]
    curves = curve.draws(np.concatenate([[series.x_now], grid]), n, rng)
    eta = curves[:, 1:]
    if series.frontier:
        start = curve.to_space(np.asarray(current_v(series))) - curves[:, :1]
        decay = 0.5 ** ((grid - series.x_now) / half_life)[None, :]
        return eta + start * decay + noise * np.sqrt(1 - decay**2)
    return eta + noise


def blend(etas: list[np.ndarray]) -> np.ndarray:
    """Equal-weight quantile average of several families' paths in one space, following
    the first family's paths in rank."""
    mean_sorted = np.mean([np.sort(e, axis=0) for e in etas], axis=0)
    out = np.empty_like(mean_sorted)
    np.put_along_axis(out, np.argsort(etas[0], axis=0), mean_sorted, axis=0)
    return out


def frontier_rules(paths: np.ndarray, series: Series) -> np.ndarray:
    """A frontier never goes below today's best and never goes down."""
    if not series.frontier:
        return paths
    return np.maximum.accumulate(np.maximum(paths, current_v(series)), axis=1)


def simulate(
    curve: Curve,
    series: Series,
    grid: np.ndarray,
    *,
    n: int = N_PATHS,
    seed: int = 0,
    half_life: float = HALF_LIFE,
    adjust: Adjustment | EnsembleCalibration | None = None,
) -> np.ndarray:
    """(n, len(grid)) forecast paths of v: raw paths, recalibrated if `adjust` is
    given, then held to the frontier's rules. An ensemble's members are each
    recalibrated by their own calibration (an EnsembleCalibration), then averaged."""
    own = adjust.members if isinstance(adjust, EnsembleCalibration) else {}
    if curve.members:
        horizon = grid - series.x_now
        etas = []
        for member in curve.members:
            eta = raw_eta(member, series, grid, n=n, seed=seed, half_life=half_life)
            eta = np.clip(eta, -LOGIT_MAX, LOGIT_MAX)  # as a round trip through z would
            cal = own.get(member.family)
            etas.append(eta if cal is None else cal.map(eta, horizon))
        return frontier_rules(curve.from_space(blend(etas)), series)
    unclipped = unclipped_paths(curve, series, grid, n=n, seed=seed, half_life=half_life)
    paths = within_bounds(unclipped, series)
    if isinstance(adjust, EnsembleCalibration):
        adjust = own.get(curve.family)
    if adjust is not None:
        # As its backtest was summarised.
        before_clip = calibrated_before_clip(series.scale, curve.family)
        mapped = adjust.apply(unclipped if before_clip else paths, grid - series.x_now)
        paths = within_bounds(mapped, series)
    return frontier_rules(paths, series)


def current_v(series: Series) -> float:
    """The current best v, inside [0, 1] on a bounded benchmark: where every frontier
    path starts, and the line it never goes below."""
    return min(series.current, 1.0) if series.scale.bounded else series.current
