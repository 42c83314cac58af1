"""Log-linear decline: how fast a price (or any positive quantity) falls per year.

log10(price) = a + b * year, fitted by ordinary least squares. The rate is reported as
a factor per year (10 ** -b: "10x cheaper per year") with a t-based interval, which
is honest for the handful of points these series have; robust (HC) covariances need
more points than that to be trusted.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

from trendlab.errors import TrendlabError
from trendlab.text import level_percent

MIN_POINTS = 3


class TooFewPrices(TrendlabError):
    """fit_decline's error when the points are too few, or all on one day, to fit a
    trend: the one a caller may explain by what it left out (prices.price_trend)."""


@dataclass(frozen=True)
class DeclineFit:
    """A fitted log-linear trend: ask it for rates, intervals and fitted values."""

    n: int
    level: float  # of the slope's interval, a fraction (0.8 for 80 %)
    intercept: float  # log10 value at first_year
    slope: float  # log10 units per year
    slope_lower: float
    slope_upper: float
    first_year: float
    last_year: float

    @property
    def factor_per_year(self) -> float | None:
        """How many times cheaper per year (above 1 means falling); None where a float
        cannot hold it (see _power10)."""
        return _power10(-self.slope)

    @property
    def factor_interval(self) -> tuple[float | None, float | None]:
        """The factor's interval, (lower, upper), each end None where a float cannot
        hold it (see _power10)."""
        return _power10(-self.slope_upper), _power10(-self.slope_lower)

    @property
    def halving_months(self) -> float | None:
        """Months for the price to halve; None if it is not falling."""
        return _halving(self.slope)

    @property
    def halving_interval(self) -> tuple[float | None, float | None]:
        """The halving time's interval in months, at the slope's level: (fastest,
        slowest), each None where that end of the slope's interval does not fall (a
        price that holds never halves), so an interval that spans no change has no
        slowest halving."""
        return _halving(self.slope_lower), _halving(self.slope_upper)

    def fitted(self, years: np.ndarray) -> np.ndarray:
        """The trend's value (in the original units) at fractional years; NaN where a
        float cannot hold it (see _power10)."""
        offset = np.asarray(years, dtype=float) - self.first_year
        with np.errstate(over="ignore", under="ignore"):
            values = 10 ** (self.intercept + self.slope * offset)
        return np.where(_held(values), values, np.nan)

    def to_dict(self) -> dict[str, Any]:
        lower, upper = self.factor_interval
        return {
            "points": self.n,
            "level": level_percent(self.level),
            "factor_per_year": self.factor_per_year,
            "factor_per_year_lower": lower,
            "factor_per_year_upper": upper,
            "halving_months": self.halving_months,
            "halving_months_lower": self.halving_interval[0],
            "halving_months_upper": self.halving_interval[1],
            "log10_slope_per_year": self.slope,
        }


def _power10(exponent: float) -> float | None:
    """10 ** exponent, None where a float cannot hold it: three prices within three
    weeks give a 99 % interval past 10 ** 308 (Python's ** raises there) at one end and
    below 10 ** -308 at the other, where it loses digits down to 0.0 (10 ** -516.6), a
    factor the fit never gave."""
    try:
        value = 10.0**exponent
    except OverflowError:
        return None
    return value if _held(value) else None


def _held(value: Any) -> Any:
    """Whether a power of ten is held to a float's full precision: finite, and at least
    the least normal float (below it a float keeps ever fewer digits, down to 0.0)."""
    return np.isfinite(value) & (value >= sys.float_info.min)


def _halving(slope: float) -> float | None:
    """Months for a log10 slope per year to halve the value; None if it does not fall."""
    return 12 * math.log10(2) / -slope if slope < 0 else None


def fit_decline(years: np.ndarray, values: np.ndarray, *, level: float = 0.8) -> DeclineFit:
    """Fit log10(values) against fractional years; `level` is the interval's, a fraction
    as everywhere in trendlab.forecast (the command line's percent divided by 100)."""
    from statsmodels.regression.linear_model import OLS

    x = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    if len(x) < MIN_POINTS:
        there = f"there {'is' if len(x) == 1 else 'are'} {len(x)}"
        raise TooFewPrices(f"a trend needs at least {MIN_POINTS} price points, {there}")
    if not np.all(np.isfinite(x)) or not np.all(np.isfinite(y)) or np.any(y <= 0):
        raise TrendlabError("a price trend needs finite, positive prices")
    if np.ptp(x) == 0:
        raise TooFewPrices("all price points fall on one day: there is no trend to fit")
    if not 0 < level < 1:
        raise TrendlabError(f"--level must be between 0 and 100, not {level * 100:g}")
    # Centre the years so the intercept is the trend's value at the first point.
    design = np.column_stack([np.ones_like(x), x - x.min()])
    # Logs taken from the first one's, so that a price that holds is fitted as exactly
    # that: three equal logs as they are left float noise in the slope, and a price that
    # never changed read "1x dearer per year", halving in 7e14 months at one end.
    logs = np.log10(y)
    result = OLS(logs - logs[0], design).fit()
    b_low, b_high = result.conf_int(alpha=1 - level)[1]
    return DeclineFit(
        n=len(x),
        level=level,
        intercept=float(result.params[0] + logs[0]),
        slope=float(result.params[1]),
        slope_lower=float(b_low),
        slope_upper=float(b_high),
        first_year=float(x.min()),
        last_year=float(x.max()),
    )
