"""Split-conformal recalibration of forecast intervals, per horizon, in the calibration space.

A backtest forecast is summarised by the centre and spread of its raw paths in the
calibration space (space_for: logit of z on a bounded benchmark, z itself for a line
there, see family_space; without a ceiling,
log of a positive metric whose 0 means none of it, minus its log when lower is better,
else v itself): e_med,
the median, and e_scale, half the 16-84 % range. What happened is e_act. The
normalised residual r = (e_act - e_med) / e_scale says how far out, in units of the
forecast's own spread, the truth landed.

Calibrating replaces a forecast's raw distribution at each horizon by
e_med + e_scale * r, with r distributed as the held-out residuals of that horizon
(quantile mapping): an interval from the residuals' (1 - level) / 2 and (1 + level) / 2
quantiles then holds about `level` of held-out outcomes, whatever the raw widths were,
and a family that was biased shifts accordingly. Quantile levels get the split-conformal
finite-sample correction (n + 1) / n. Between backtest horizons the residual
quantiles are interpolated; before the first and after the last they are held. A
forecast is calibrated at backtest.CALIBRATION_HORIZONS, from one month on: the first
months after the data miss far less than six months on, so they have their own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from trendlab.forecast.families import LOG_SPACES, SPACES, exponential_space
from trendlab.series import Scale

MIN_RESIDUALS = 10  # per horizon; fewer and a horizon is not calibrated
# The least spread a raw forecast is taken to have, in the calibration space (logit or
# log units; in identity, z for a line on a bounded benchmark, where 1e-3 is a
# thousandth of the range, as near a bound as result.AT_BOUND counts at it, else v
# itself, which has no natural unit). A forecast pinned at a bound (a fitted ceiling at
# today's best) has almost no spread of its own: normalising its miss by that would make
# an enormous residual that widens every other forecast's calibrated interval. A
# twentieth of a logit is about a point at mid-range and well below how far frontiers
# scatter around a smooth curve (a few tenths of a logit), so it only matters where the
# spread has collapsed. It is the same at every level, as the logit space assumes: a
# fixed share of the remaining headroom rather than a fixed number of points.
MIN_SPREAD = {"logit": 0.05, "log": 0.05, "neglog": 0.05, "identity": 1e-3}


def quantile_levels(level: float) -> list[float]:
    """[median, lower end, upper end]: the quantiles a forecast reports at an interval
    level, in the order every (median, lower, upper) triple here takes."""
    return [0.5, (1 - level) / 2, (1 + level) / 2]


def pool_of(space: str) -> str:
    """Spaces whose residuals mean the same and so calibrate each other: log and neglog
    both measure progress as a log ratio of the score, up meaning better."""
    return "log" if space == "neglog" else space


def space_for(scale: Scale, v: np.ndarray) -> str:
    """The calibration space of a series with values v: logit on a bounded benchmark;
    else, where 0 is none of what is measured (Scale.true_zero), where an exponential is
    a line (log, neglog); else identity. An Elo rating changes by steps, not factors:
    its 0 is a convention, so its log would measure nothing."""
    if scale.bounded:
        return "logit"
    return (exponential_space(v) if scale.true_zero else None) or "identity"


def family_space(space: str, family: str) -> str:
    """The space a family is calibrated in on a series whose calibration space is
    `space`: a line on a bounded benchmark in its own (z), where it is straight and
    not yet clipped; in logit, every path the clip put on a bound would sit on one
    value, logit(1 - EPS), which no forecast means, and whose pile first widens the
    spread many times over, then leaves none."""
    return "identity" if space == "logit" and family == "linear" else space


def calibrated_before_clip(scale: Scale, family: str) -> bool:
    """Whether a family's paths on a benchmark of `scale` are calibrated, and their
    backtest summarised, before they are clipped to its bounds: where family_space
    moves the family out of the logit a bounded benchmark is calibrated in."""
    return scale.bounded and family_space("logit", family) != "logit"


def summarize(paths: np.ndarray, space: str) -> tuple[np.ndarray, np.ndarray]:
    """Per grid column, (e_med, e_scale) of raw paths in the calibration space.

    e_scale is half the 16-84 % range, combined in quadrature with MIN_SPREAD.
    """
    return summarize_eta(SPACES[space][0](paths), space)


def summarize_eta(eta: np.ndarray, space: str) -> tuple[np.ndarray, np.ndarray]:
    """summarize() of paths already in the calibration space."""
    q16, q50, q84 = np.quantile(eta, [0.16, 0.5, 0.84], axis=0)
    return q50, np.hypot((q84 - q16) / 2, MIN_SPREAD[space])


def residuals_needed(level: float) -> int:
    """Held-out residuals a horizon needs to place the ends of a level interval: with
    n of them the ends are at levels 0.5 +- (level / 2)(n + 1) / n (the finite-sample
    correction of Calibration.quantiles), which reach 0 and 1 when n <= level / (1 -
    level), and the ends then stop at the smallest and largest residual."""
    return math.floor(round(level / (1 - level), 9)) + 1


def residuals_supporting(level: float) -> int:
    """Held-out residuals that let a crossing's probability (kept within 1 / (n + 1)
    and n / (n + 1), see supported) reach the share of paths past a level interval's
    end, (1 + level) / 2: with fewer, a crossing whose interval ends before --until
    shows a lower probability by then than that end says (and a higher one where the
    interval's other end never reaches the threshold)."""
    return math.ceil(round((1 + level) / (1 - level), 9))


def supported(probability: float, residuals: int) -> float:
    """A probability read off paths calibrated on `residuals` held-out misses, kept
    within what they can support. Calibrated paths end at the largest and smallest
    miss seen, so a threshold beyond either is crossed by all of them or by none; but
    by exchangeability (split conformal) the next outcome lies beyond every one of n
    misses with chance 1 / (n + 1), so no forecast is certain either way."""
    low, high = supported_range(residuals)
    return min(max(probability, low), high)


def supported_range(residuals: int) -> tuple[float, float]:
    """The probabilities `supported` keeps between: 1 / (n + 1) and n / (n + 1)."""
    edge = 1 / (residuals + 1)
    return edge, 1 - edge


# Said with every count: the pool is the database's, so a change to any benchmark's
# results can move every other benchmark's intervals.
POOLED = "pooled over the database's benchmarks"


@dataclass(frozen=True)
class Calibration:
    """Held-out normalised residuals per horizon (months), sorted."""

    space: str
    horizons: np.ndarray
    residuals: tuple[np.ndarray, ...]

    @classmethod
    def from_rows(cls, rows: pl.DataFrame, space: str) -> Calibration | None:
        """From backtest rows (horizon, e_act, e_med, e_scale); None if no horizon
        has MIN_RESIDUALS of them."""
        by_horizon = (
            rows.filter(pl.col("e_act").is_finite() & pl.col("e_med").is_finite())
            .with_columns(((pl.col("e_act") - pl.col("e_med")) / pl.col("e_scale")).alias("r"))
            .group_by("horizon")
            .agg(pl.col("r").sort())
            .filter(pl.col("r").list.len() >= MIN_RESIDUALS)
            .sort("horizon")
        )
        if by_horizon.is_empty():
            return None
        return cls(
            space=space,
            horizons=by_horizon.get_column("horizon").to_numpy().astype(float),
            residuals=tuple(np.asarray(r, dtype=float) for r in by_horizon.get_column("r")),
        )

    @property
    def n(self) -> int:
        """The held-out residuals over every calibrated horizon."""
        return sum(len(r) for r in self.residuals)

    @property
    def fewest(self) -> int:
        """The fewest residuals at any calibrated horizon."""
        return min(len(r) for r in self.residuals)

    def describe(self) -> str:
        """How the intervals were calibrated, for a forecast's title."""
        return f"calibrated on {self.n} held-out backtest forecasts {POOLED}"

    def quantiles(self, p: np.ndarray, months: float) -> np.ndarray:
        """Residual quantiles at levels p for a horizon in months."""
        return self._between(self._at_horizons(p), months)

    def _at_horizons(self, p: np.ndarray) -> list[np.ndarray]:
        """Quantiles at levels p of each horizon's residuals (finite-sample corrected)."""
        p = np.asarray(p, dtype=float)
        out = []
        for r in self.residuals:
            n = len(r)
            out.append(np.quantile(r, np.clip(0.5 + (p - 0.5) * (n + 1) / n, 0.0, 1.0)))
        return out

    def _between(self, at: list[np.ndarray], months: float) -> np.ndarray:
        """Interpolate per-horizon quantiles to `months`, holding them past either end."""
        h = self.horizons
        if months <= h[0]:
            return at[0]
        if months >= h[-1]:
            return at[-1]
        j = int(np.searchsorted(h, months))
        w = (months - h[j - 1]) / (h[j] - h[j - 1])
        return (1 - w) * at[j - 1] + w * at[j]

    def interval(
        self, e_med: float, e_scale: float, months: float, level: float
    ) -> tuple[float, float, float]:
        """(median, lower, upper) in the calibration space for one summarised forecast."""
        q = self.quantiles(np.array(quantile_levels(level)), months)
        median, lower, upper = e_med + e_scale * q
        return float(median), float(lower), float(upper)

    def apply(self, paths: np.ndarray, horizon: np.ndarray) -> np.ndarray:
        """Quantile-map raw paths (values of v) column by column; horizon in years."""
        to_space, from_space = SPACES[self.space]
        mapped = from_space(self.map(to_space(paths), horizon))
        if self.space not in LOG_SPACES:
            return mapped
        # A log space has no 0: a path a line held at a bound of 0 (a latency's best)
        # would come back a hair off it, and the bound then never read as reached.
        return np.where(paths == 0, paths, mapped)

    def map(self, eta: np.ndarray, horizon: np.ndarray) -> np.ndarray:
        """apply() to paths already in the calibration space, returning them there."""
        n = eta.shape[0]
        e_med, e_scale = summarize_eta(eta, self.space)
        at = self._at_horizons((np.arange(n) + 0.5) / n)
        out = np.empty_like(eta)
        # Paths tied in a column (an ensemble member's clipped at +-LOGIT_MAX, a one-bound
        # metric's at its bound; a line on a bounded benchmark is calibrated before its
        # clip, so not tied) are ranked as they were a column before: ranked at random, the frontier's running
        # maximum would lift each to the best of its ranks, and the interval's worse end
        # would rise to its better one within a few months of the tie.
        before = np.zeros(n)
        for j, years in enumerate(np.asarray(horizon, dtype=float)):
            order = np.lexsort((before, eta[:, j]))
            out[order, j] = e_med[j] + e_scale[j] * self._between(at, years * 12)
            before = out[:, j]
        return out


@dataclass(frozen=True)
class EnsembleCalibration:
    """The ensemble's calibration: each member's own, applied to that member's paths
    before they are averaged (paths.simulate), so every member is unbiased first."""

    members: dict[str, Calibration]

    @property
    def n(self) -> int:
        """The least-calibrated member's count, so that describe() never claims more
        evidence than every member has."""
        return min(c.n for c in self.members.values())

    @property
    def fewest(self) -> int:
        """Calibration.fewest over every member."""
        return min(c.fewest for c in self.members.values())

    def describe(self) -> str:
        """How the intervals were calibrated, for a forecast's title."""
        return f"each family calibrated on {self.n} held-out backtest forecasts {POOLED}"
