"""Curve families: each fits (x, v) once and returns a Curve to draw from.

v is the goodness value of trendlab.series: z in [0, 1] on a bounded benchmark, the
score itself on an unbounded one. x is centred on the latest point before fitting, so
a curve's intercept is its value now and the slope is per unit of x (a year, or an
order of magnitude of compute or price).

Every curve carries its coefficients, their robust covariance and its residuals
in its `space` (logit for the bounded families, log for the exponential, identity for
a straight line): the space in which forecast paths add noise and
intervals are calibrated. The `ensemble` is a curve with no coefficients of its own
that holds its members' fits (paths.simulate averages their forecasts).
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from trendlab.errors import TrendlabError
from trendlab.forecast import (
    BOUNDED_FAMILIES,
    ENSEMBLE_MEMBERS,
    EPS,
    FAMILIES,
    S_CURVES,
    UNBOUNDED_FAMILIES,
)
from trendlab.text import number

if TYPE_CHECKING:
    from trendlab.series import Series

LOGIT_MAX = float(np.log(1 - EPS) - np.log(EPS))  # so logits stay within +-LOGIT_MAX
PARAMETER_DRAWS = 50_000  # coefficient draws a parameter's interval is read from


def logit(z: np.ndarray) -> np.ndarray:
    """log(z / (1 - z)), finite: z is first held inside [EPS, 1 - EPS]."""
    z = np.clip(z, EPS, 1 - EPS)
    return np.log(z) - np.log1p(-z)


def expit(eta: np.ndarray) -> np.ndarray:
    """The inverse of logit."""
    return 0.5 * (1 + np.tanh(0.5 * eta))  # overflow-free logistic


SPACES: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]] = {
    "logit": (logit, expit),
    "log": (lambda v: np.log(np.maximum(v, 1e-300)), np.exp),
    # A lower-is-better metric with no bound (v = -score < 0): -log score, so that up is
    # better in this space too and its residuals mean what the log space's do.
    "neglog": (lambda v: -np.log(np.maximum(-v, 1e-300)), lambda eta: -np.exp(-eta)),
    "identity": (lambda v: v, lambda v: v),
}
# The spaces in which a score changes by factors rather than steps.
LOG_SPACES = ("log", "neglog")


def _line(coef: np.ndarray, dx: np.ndarray) -> np.ndarray:
    return coef[:, :1] + coef[:, 1:2] * dx[None, :]


# Each family's curve, vectorised: (k, p) coefficient draws at offsets dx -> (k, len(dx)).
# (The families that are a straight line in their own space have none: see Curve.shape.)
SHAPES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "logistic4": lambda c, d: c[:, 2:3] * expit(_line(c, d)),
    "gompertz": lambda c, d: np.exp(-np.exp(-np.clip(_line(c, d), -50, 50))),
}


# Families whose curve is a straight line in their own space: drawn there directly.
LINEAR_IN_SPACE = ("logistic", "linear", "exponential")
# Per calibration space (calibrate.space_for), the family that is a straight line in it:
# the one a series gets when there is no backtest to choose by (fit.default_family).
DEFAULT_FAMILY_BY_SPACE = {
    "logit": "logistic",
    "log": "exponential",
    "neglog": "exponential",
    "identity": "linear",
}


@dataclass
class Curve:
    """One fitted family: coefficients, their robust covariance, residuals.

    Plain numbers only, so a fit can be stored and read back (to_dict / from_dict)
    and drawn from without the fitting libraries.
    """

    family: str
    space: str
    coef: np.ndarray
    cov: np.ndarray
    x_ref: float
    residuals: np.ndarray
    n: int
    bounds: dict[int, tuple[float, float]] = field(default_factory=dict)
    members: tuple[Curve, ...] = ()

    def shape(self, coef: np.ndarray, dx: np.ndarray) -> np.ndarray:
        """(k, p) coefficient draws at offsets dx -> (k, len(dx)) values of v."""
        if self.family in LINEAR_IN_SPACE:
            return self.from_space(_line(coef, dx))
        return SHAPES[self.family](coef, dx)

    def mean(self, x: np.ndarray) -> np.ndarray:
        """The fitted curve at x (an ensemble's: its members' average in its space)."""
        if self.members:
            eta = np.mean([self.to_space(m.mean(x)) for m in self.members], axis=0)
            return self.from_space(eta)
        return self.shape(self.coef[None, :], np.asarray(x, dtype=float) - self.x_ref)[0]

    @property
    def df(self) -> int:
        """Residual degrees of freedom (at least 1)."""
        return max(self.n - len(self.coef), 1)

    def coef_draws(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n coefficient vectors, kept inside their bounds.

        A multivariate t with the residual degrees of freedom around the estimate, with
        the robust covariance as its scale: with a handful of points the normal
        approximation is too sure of itself.
        """
        cov = (self.cov + self.cov.T) / 2
        values, vectors = np.linalg.eigh(np.nan_to_num(cov))
        root = vectors * np.sqrt(np.clip(values, 0, None))
        widen = np.sqrt(self.df / rng.chisquare(self.df, size=(n, 1)))
        draws = self.coef + widen * (rng.standard_normal((n, len(self.coef))) @ root.T)
        for i, (lo, hi) in self.bounds.items():
            draws[:, i] = np.clip(draws[:, i], lo, hi)
        return draws

    def draws(self, x: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
        """(n, len(x)) curves in the curve's space, coefficients drawn from their
        sampling distribution."""
        coef, dx = self.coef_draws(n, rng), np.asarray(x, dtype=float) - self.x_ref
        if self.family in LINEAR_IN_SPACE:
            return _line(coef, dx)
        return self.to_space(self.shape(coef, dx))

    def to_space(self, v: np.ndarray) -> np.ndarray:
        return SPACES[self.space][0](v)

    def from_space(self, eta: np.ndarray) -> np.ndarray:
        return SPACES[self.space][1](eta)

    def intervals(self, level: float) -> np.ndarray:
        """(k, 2): the level-% interval of each coefficient, the central quantiles of
        the draws the forecast paths take (coef_draws), so a parameter and the paths
        agree. One draw serves every coefficient.

        Read off draws rather than scipy's t quantile because a forecast from the cache
        imports no fitting library. With PARAMETER_DRAWS the ends are within about 2 %
        of the exact t interval's (up to 5 % at 99 % with one to three degrees of
        freedom), and the same on every call (a fixed seed).
        """
        draws = self.coef_draws(PARAMETER_DRAWS, np.random.default_rng(0))
        return np.quantile(draws, [(1 - level) / 2, (1 + level) / 2], axis=0).T

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able numbers."""
        return {
            "family": self.family,
            "space": self.space,
            "coef": self.coef.tolist(),
            "cov": self.cov.tolist(),
            "x_ref": self.x_ref,
            "residuals": self.residuals.tolist(),
            "n": self.n,
            "bounds": {str(i): list(b) for i, b in self.bounds.items()},
            "members": [m.to_dict() for m in self.members],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Curve:
        return cls(
            family=data["family"],
            space=data["space"],
            coef=np.asarray(data["coef"], dtype=float),
            cov=np.asarray(data["cov"], dtype=float),
            x_ref=float(data["x_ref"]),
            residuals=np.asarray(data["residuals"], dtype=float),
            n=int(data["n"]),
            bounds={int(i): (float(b[0]), float(b[1])) for i, b in data["bounds"].items()},
            members=tuple(cls.from_dict(m) for m in data.get("members", [])),
        )


def _design(dx: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones_like(dx), dx])


def _check_spread(x: np.ndarray, family: str) -> None:
    if np.ptp(x) <= 0:
        raise TrendlabError(f"cannot fit {family}: every point has the same x")


def _glm(x: np.ndarray, z: np.ndarray, x_ref: float, link: Any, family: str) -> Curve:
    """A fractional-response GLM: Binomial family, the given link, HC0 covariance."""
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM

    _check_spread(x, family)
    dx = x - x_ref
    zc = np.clip(z, EPS, 1 - EPS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = GLM(zc, _design(dx), family=families.Binomial(link=link)).fit(cov_type="HC0")
        except (np.linalg.LinAlgError, ValueError) as exc:
            raise TrendlabError(f"cannot fit {family}: {exc}") from None
    coef, cov = np.asarray(fit.params), np.asarray(fit.cov_params())
    if not np.all(np.isfinite(coef)):
        raise TrendlabError(f"cannot fit {family}: the fit did not converge")
    curve = Curve(family, "logit", coef, np.nan_to_num(cov), x_ref, np.array([]), len(x))
    curve.residuals = logit(zc) - logit(curve.mean(x))
    return curve


def fit_logistic(x: np.ndarray, z: np.ndarray, x_ref: float) -> Curve:
    """z = expit(a + b dx): fractional-logit GLM (Binomial, logit link, HC0)."""
    from statsmodels.genmod.families import links

    return _glm(x, z, x_ref, links.Logit(), "logistic")


def fit_gompertz(x: np.ndarray, z: np.ndarray, x_ref: float) -> Curve:
    """z = exp(-exp(-(a + b dx))): the Gompertz curve as a GLM with the log-log link.

    Asymmetric: slow to start, then a long approach to the ceiling.
    """
    from statsmodels.genmod.families import links

    return _glm(x, z, x_ref, links.LogLog(), "gompertz")


def fit_logistic4(x: np.ndarray, z: np.ndarray, x_ref: float) -> Curve:
    """z = c expit(a + b dx) with the ceiling c fitted in [max z, 1].

    Many benchmarks plateau below their nominal ceiling (label noise, ambiguous items);
    the plateau shows in the data as results that stop beating the best, so c is
    learned from the points rather than assumed. Least squares (scipy), HC0 sandwich
    covariance from the Jacobian.
    """
    from scipy.optimize import least_squares

    _check_spread(x, "logistic4")
    dx = x - x_ref
    zc = np.clip(z, EPS, 1 - EPS)
    c_lo = float(min(zc.max(), 1 - EPS))
    start = fit_logistic(x, zc, x_ref).coef

    def resid(p: np.ndarray) -> np.ndarray:
        return SHAPES["logistic4"](p[None, :], dx)[0] - zc

    c0 = min(max(c_lo + 0.5 * (1 - c_lo), c_lo), 1.0)
    guess = np.array([start[0] + np.log(1 / c0), start[1], c0])
    lower, upper = np.array([-np.inf, -np.inf, c_lo]), np.array([np.inf, np.inf, 1.0])
    if c_lo >= 1.0:
        lower[2], upper[2] = 1.0 - 1e-12, 1.0
    guess = np.clip(guess, lower + 1e-12, upper - 1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sol = least_squares(resid, guess, bounds=(lower, upper), method="trf")
    coef, jac, e = sol.x, sol.jac, sol.fun
    bread = np.linalg.pinv(jac.T @ jac)
    cov = bread @ (jac.T * e**2) @ jac @ bread
    curve = Curve(
        family="logistic4",
        space="logit",
        coef=coef,
        cov=np.nan_to_num(cov),
        x_ref=x_ref,
        residuals=np.array([]),
        n=len(x),
        bounds={2: (c_lo, 1.0)},
    )
    curve.residuals = logit(zc) - logit(curve.mean(x))
    return curve


def _ols(
    x: np.ndarray, y: np.ndarray, x_ref: float, family: str, name: str = "this benchmark"
) -> tuple[np.ndarray, np.ndarray]:
    from statsmodels.regression.linear_model import OLS

    _check_spread(x, family)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = OLS(y, _design(x - x_ref)).fit(cov_type="HC0")
    cov = np.asarray(fit.cov_params())
    if np.isinf(cov).any():
        # HC0 sums the squares of the points' distances from the line: of scores past
        # about 1e154 they pass a float's range. Held at the largest float, the
        # covariance drew NaN paths (read as scores outgrowing a float a month on) or a
        # slope interval of width 0.
        raise TrendlabError(
            f"{name}: the {family} family cannot be fitted to scores this large (up to "
            f"{number(float(np.max(np.abs(y))))}): its uncertainty squares their distances "
            f"from its line, past the largest number trendlab can hold "
            f"(about {sys.float_info.max:.1e})"
        )
    return np.asarray(fit.params), np.nan_to_num(cov)


def fit_linear(x: np.ndarray, v: np.ndarray, x_ref: float, name: str = "this benchmark") -> Curve:
    """A straight line (OLS, HC0): the naive baseline. Paths clip it to the bounds.
    `name` is the benchmark's, for an error."""
    coef, cov = _ols(x, v, x_ref, "linear", name)
    # Deviations from a straight line are added as they are, in score units: the
    # clipping to the bounds happens to the paths (paths.simulate).
    curve = Curve("linear", "identity", coef, cov, x_ref, np.array([]), len(x))
    curve.residuals = v - curve.mean(x)
    return curve


def fit_exponential(x: np.ndarray, v: np.ndarray, x_ref: float) -> Curve:
    """log score = a + b dx (OLS, HC0): change by a constant factor, for unbounded
    metrics; growth when higher is better (v = score > 0), decay when lower is (v =
    -score < 0, fitted as -log score so that the slope is positive for progress)."""
    space = exponential_space(v)
    if space is None:
        raise TrendlabError(
            "the exponential family fits the logarithm of the scores, so they must be all "
            "above 0 or all below it, and some are not: use linear"
        )
    to_space = SPACES[space][0]
    coef, cov = _ols(x, to_space(v), x_ref, "exponential")
    curve = Curve("exponential", space, coef, cov, x_ref, np.array([]), len(x))
    curve.residuals = to_space(v) - to_space(curve.mean(x))
    return curve


def exponential_space(v: np.ndarray) -> str | None:
    """Where an exponential is a line for these values of v: log when they are all
    positive, neglog when all negative (positive scores, lower is better), else none."""
    if np.all(v > 0):
        return "log"
    if np.all(v < 0):
        return "neglog"
    return None


def clipped_at_floor(series: Series) -> bool:
    """Whether an exponential of the series would be clipped at its floor from its first
    month: every score it fits lies past the floor (in v, better being higher, below
    it), so every path is lifted onto the floor, past today's best, until its trend
    reaches it (never, for scores below 0 nearing 0 under a floor at 0 or above: see
    floored_throughout)."""
    lo = series.scale.v_range[0]
    return lo is not None and bool(np.all(series.fit_data("exponential")[1] < lo))


def floored_throughout(series: Series) -> bool:
    """Whether an exponential clipped at the floor (clipped_at_floor) stays there: scores
    all below 0 (in v) near 0 from below, which never reaches a floor at 0 or above."""
    lo = series.scale.v_range[0]
    v = series.fit_data("exponential")[1]
    return lo is not None and lo >= 0 and bool(np.all(v < 0))


def fit_ensemble(x: np.ndarray, v: np.ndarray, x_ref: float) -> Curve:
    """Every saturating family fitted to the same points, to be averaged with equal weights.

    No family is right everywhere (logistic overshoots a plateau, logistic4 can stop at
    today's best, gompertz bends late) and a handful of points cannot tell them apart;
    averaging their forecasts is the robust answer. Equal weights: weights estimated
    from a dozen benchmarks' backtests are mostly noise. A member that cannot be fitted
    is left out.
    """
    members = []
    for family in ENSEMBLE_MEMBERS:
        try:
            members.append(fit_family(family, x, v, bounded=True))
        except TrendlabError:
            continue
    if not members:
        raise TrendlabError("cannot fit ensemble: none of its families fits these points")
    return Curve(
        "ensemble",
        "logit",
        np.array([]),
        np.zeros((0, 0)),
        x_ref,
        np.array([]),
        len(x),
        members=tuple(members),
    )


def refuse_unfit_family(
    family: str,
    v: np.ndarray,
    *,
    bounded: bool,
    name: str = "this benchmark",
    unit_ends: str | None = None,
) -> None:
    """Raise TrendlabError if `family` does not apply to a benchmark with both bounds
    (`bounded`) or without, whose scores are `v`: what fit_family refuses, and what a
    forecast asking for the family by name refuses before it backtests."""
    if bounded and family == "exponential":
        # Not "no ceiling": a latency has one (0 minutes) and fits an exponential while
        # it lacks a floor; a bound not set is the unit's end, where it has one, said
        # where the benchmark leaves one so (one that set both knows it has both).
        ends = f" ({unit_ends})" if unit_ends else ""
        raise TrendlabError(
            f"the exponential family is for benchmarks lacking a floor or a ceiling, and "
            f"{name} has both{ends}; use one of {', '.join(BOUNDED_FAMILIES)}"
        )
    if not bounded and family in S_CURVES:
        # Only the families that fit these scores: the exponential not across 0.
        fit = [f for f in UNBOUNDED_FAMILIES if f != "exponential" or exponential_space(v)]
        raise TrendlabError(
            # Not "no ceiling": a latency has one (0 minutes) and lacks the other end.
            f"the {family} family needs a floor and a ceiling, and {name} lacks "
            f"one or both: use {' or '.join(fit)}"
        )


def fit_family(
    family: str,
    x: np.ndarray,
    v: np.ndarray,
    *,
    bounded: bool,
    name: str = "this benchmark",
    unit_ends: str | None = None,
) -> Curve:
    """Fit one family to (x, v), centred on the last x; `name` is the benchmark's, and
    `unit_ends` which of its bounds are its unit's ends (Scale.unit_ends), for a family
    that does not apply to it (refuse_unfit_family)."""
    refuse_unfit_family(family, v, bounded=bounded, name=name, unit_ends=unit_ends)
    x_ref = float(np.max(x))
    if family == "logistic":
        return fit_logistic(x, v, x_ref)
    if family == "logistic4":
        return fit_logistic4(x, v, x_ref)
    if family == "gompertz":
        return fit_gompertz(x, v, x_ref)
    if family == "ensemble":
        return fit_ensemble(x, v, x_ref)
    if family == "linear":
        return fit_linear(x, v, x_ref, name)
    if family == "exponential":
        return fit_exponential(x, v, x_ref)
    raise TrendlabError(f"unknown family {family!r}; families: {', '.join(FAMILIES)}")
