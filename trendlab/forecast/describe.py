"""A fitted curve's parameters in the benchmark's own terms, for JSON and tables.

Slopes are per unit of x: per year by date, per order of magnitude by compute or
price. Each estimate comes with its interval at the forecast's level (Curve.intervals:
from the coefficient draws the forecast paths take), as NAME_lower and NAME_upper
(null when the curve has as many parameters as points).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trendlab.forecast.axis import MAX_ORDERS, MAX_YEARS, Axis
from trendlab.forecast.families import Curve
from trendlab.series import Series

# The parameters that are a position on x: a date by date, FLOP or USD by compute or price.
POSITIONS = ("midpoint", "inflection")
POSITION_FAMILIES = ("logistic", "logistic4", "gompertz")  # the curves that have one


def describe(curve: Curve, series: Series, axis: Axis, level: float) -> dict[str, Any]:
    """{name: value} for the curve's family; x positions as dates (or FLOP / USD).

    An ensemble's are its members' parameters, one object per member family.
    """
    if curve.members:
        return {m.family: describe(m, series, axis, level) for m in curve.members}
    scale = series.scale
    a, b = float(curve.coef[0]), float(curve.coef[1])
    intervals = curve.intervals(level)
    b_lo, b_hi = (float(end) for end in intervals[1])
    out: dict[str, Any] = {}
    if curve.family in POSITION_FAMILIES:
        # The logit (log-log) units the curve rises per unit of x, and where it is
        # halfway from floor to its ceiling (the Gompertz curve's inflection, at 1/e):
        # a falling trend (--all's, of later results scoring lower) passes it too.
        out.update(slope=b, slope_lower=b_lo, slope_upper=b_hi)
        name = "inflection" if curve.family == "gompertz" else "midpoint"
        placed = b != 0 and not far_position(curve, series, axis)
        out[name] = _x_at(curve.x_ref - a / b, axis) if placed else None
        if curve.family == "logistic4":
            # Inside the ceiling's bounds: the draws are (Curve.coef_draws).
            low, high = (_bound_score(series, c) for c in intervals[2])
            out["ceiling"] = _bound_score(series, curve.coef[2])
            out["ceiling_lower"], out["ceiling_upper"] = (
                float(min(low, high)),
                float(max(low, high)),
            )
        else:
            out["ceiling"] = float(scale.score(1.0))
        out["floor"] = float(scale.score(0.0))
    elif curve.family == "linear":
        per_unit = float(scale.score(1.0) - scale.score(0.0))  # score units per unit of v
        out.update(slope=b * per_unit, slope_lower=b_lo * per_unit, slope_upper=b_hi * per_unit)
        if per_unit < 0:
            out["slope_lower"], out["slope_upper"] = out["slope_upper"], out["slope_lower"]
        # Clipped to the bounds, as the line's forecast is: GSM8K's line is at 109 at its
        # latest result, a score no result can have.
        lo, hi = scale.v_range
        now = min(max(a, -math.inf if lo is None else lo), math.inf if hi is None else hi)
        out["value_now"] = float(scale.score(now))
    elif curve.family == "exponential":
        # Growth of the score when higher is better; its decay when lower is (the
        # neglog space, where the slope is the rate the score shrinks at).
        growing = curve.space == "log"
        rate = "growth_rate" if growing else "decay_rate"
        out.update({rate: b, f"{rate}_lower": b_lo, f"{rate}_upper": b_hi})
        # Doubling (halving) time: months by date, orders of magnitude of x otherwise.
        # Only where 0 is none of what is measured: twice an Elo rating is nothing
        # (Forecast.zero_note says so).
        if scale.true_zero:
            factor = 12.0 if axis.by == "date" else 1.0
            name = doubling_name(curve, axis)
            out[name] = factor * math.log(2) / b if b > 0 else None
            out[f"{name}_lower"] = factor * math.log(2) / b_hi if b_hi > 0 else None
            out[f"{name}_upper"] = factor * math.log(2) / b_lo if b_lo > 0 else None
        out["value_now"] = float(scale.score(curve.from_space(np.asarray(a))))
    if curve.n <= len(curve.coef):
        # As many points as parameters: the curve passes through every point, and its
        # residuals say nothing of how sure it is. The intervals are unknown, not zero.
        out.update({k: None for k in out if k.endswith(("_lower", "_upper"))})
    return out


def far_position(curve: Curve, series: Series, axis: Axis) -> list[tuple[str, float]]:
    """The saturating curve's (or each such ensemble member's) midpoint or inflection
    lying farther from the points it fitted than a forecast may reach past them
    (MAX_YEARS by date, MAX_ORDERS by compute or price), as (family, its distance, below
    the points when negative); empty when each is nearer or there is none. The points then
    lie on too flat a stretch of the curve to place it: a frontier by price rising 87 to
    89 across two orders of magnitude put MMLU's midpoint at 5.6e-12 USD per million
    tokens, a number no one can read, so describe leaves it unknown."""
    far = []
    for member in curve.members or (curve,):
        if member.family not in POSITION_FAMILIES or member.coef[1] == 0:
            continue
        position = member.x_ref - float(member.coef[0]) / float(member.coef[1])
        fitted = series.fit_data(member.family)[0]
        lowest, highest = float(fitted.min()), float(fitted.max())
        distance = position - highest if position > highest else min(position - lowest, 0.0)
        if abs(distance) > (MAX_YEARS if axis.by == "date" else MAX_ORDERS):
            far.append((member.family, distance))
    return far


def doubling_name(curve: Curve, axis: Axis) -> str:
    """An exponential's doubling (halving, when it decays) time's parameter name:
    doubling_time_months by date, doubling_x_orders by compute or price."""
    word = "doubling" if curve.space == "log" else "halving"
    return word + ("_time_months" if axis.by == "date" else "_x_orders")


def _bound_score(series: Series, v: float) -> float:
    """A fitted bound (v) as a score, to 12 significant digits of the floor-to-ceiling
    range: the fit stops a rounding error short of v = 1, which on an error rate's
    ceiling of 0 read as a ceiling of 2.84217e-14 rather than 0."""
    scale = series.scale
    assert scale.floor is not None and scale.ceiling is not None  # a bounded family's
    span = abs(scale.ceiling - scale.floor)
    return round(float(scale.score(v)), 12 - math.ceil(math.log10(span)))


def _x_at(x: float, axis: Axis) -> Any:
    """A curve position as a date (None outside years 1-9999) or a number."""
    if axis.by == "date":
        return axis.label(x) if 1 <= x < 9999 else None
    return axis.label(x) if abs(x) < 300 else None
