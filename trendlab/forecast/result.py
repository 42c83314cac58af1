"""The fitted forecast: fit once, then ask for intervals, crossings, tables and JSON."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from trendlab.forecast import EPS
from trendlab.forecast.axis import DEFAULT_YEARS, FIGURES, MAX_ORDERS, MAX_YEARS, Axis, x_title
from trendlab.forecast.calibrate import (
    quantile_levels,
    residuals_supporting,
    supported,
    supported_range,
)
from trendlab.forecast.families import LOG_SPACES, Curve, clipped_at_floor, exponential_space
from trendlab.series import ZEROLESS_UNITS, Scale, Series
from trendlab.text import (
    computed_number,
    large_number_digits,
    level_percent,
    level_text,
    listed,
    number,
    significant_text,
)


@dataclass(frozen=True)
class Crossing:
    """When the series reaches a threshold: x values (None: not by --until) and P(by until).

    `bound` says whether the probability is only a bound: "upper" (the chance is at most
    this) or "lower" (at least this) where it sits at the least or the most that the
    held-out forecasts support (calibrate.supported), or, uncalibrated, that the
    simulated paths resolve; else None, an estimate."""

    threshold: float
    median: float | None
    lower: float | None
    upper: float | None
    probability: float
    status: str  # "reached" (already), "forecast", or "never" (beyond the ceiling, or at it
    # for a curve that nears it without reaching it)
    bound: str | None = None


# How near a bound a path (or the median) must come to count as at it, as a share of
# the floor-to-ceiling range. A path in logit never quite reaches the bound: z is held
# within EPS of it and an ensemble member's logit within +-LOGIT_MAX, so the ensemble's
# upper end on MMLU levels off at 99.998. A line, calibrated before its clip
# (calibrate.family_space), reaches the bound exactly. With one bound there is no range
# and no logit: the clip is exact.
AT_BOUND = 0.001
# How near the ceiling (as a share of the floor-to-ceiling range) the frontier must be
# for held_note: ten times the EPS a logit holds z inside, where at least a tenth of
# the way left is beyond what the forecast can tell apart. Not the median's nearness:
# an S-curve's median on a percent benchmark comes that near 100 in three years (on
# the seeds, math-level-5's), where the hold's hundredth of a point never shows.
HELD_NEAR = 10 * EPS
# Points at which --all's fitted trend is read across the data for a threshold it has
# already passed (_trend_reached): a day apart over three years of results.
_TREND_STEPS = 1096


def at_bound(scale: Scale) -> float:
    """AT_BOUND on a bounded benchmark (in values of v), else 0: how far short of a
    bound a path that runs into it may stop and still count as at it."""
    return AT_BOUND if scale.bounded else 0.0


def never_text(scale: Scale, threshold: float, nears_zero: bool = False) -> str:
    """Why a threshold the forecast says is never crossed is not, in words that fit
    either direction: past the best achievable score, or at it (the ceiling), which an
    S-curve nears without reaching; or, for a decay (`nears_zero`, the exponential of
    scores rising towards 0), at or past the 0 it nears without reaching."""
    v = float(scale.value(threshold))
    ceiling = scale.v_range[1]
    if ceiling is not None and v > ceiling:
        return "past the best achievable, never reached"
    if nears_zero and (ceiling is None or ceiling > 0):
        # The decay levels off at 0, short of any ceiling past it (or of none), so 0
        # and not the best achievable is what keeps a threshold from being reached.
        if v == 0:
            return "at 0, never reached"
        return "past 0, which the exponential nears without reaching, never reached"
    # With no ceiling, the bound reached for is the unit's 0 (a latency's 0 minutes).
    return f"at {'the ceiling' if scale.ceiling is not None else '0'}, never reached"


# How a probability that is only a bound (Crossing.bound) is shown: at most, at least.
BOUND_SIGNS = {"upper": "≤ ", "lower": "≥ ", None: ""}


def rounded_chance(probability: float, bound: str | None, digits: int = 3) -> float:
    """`probability` to `digits` decimals; a bound outward (an upper one up, a lower one
    down), so that it still holds as shown: 1/23 at most is '≤ 0.044', not '≤ 0.043',
    and n/(n+1) is never shown as a certainty. Nor is an estimate short of one: 1,999
    of 2,000 paths is 0.999, not 1, which would claim more than all 2,000 ('≥ 0.999')."""
    scale = 10**digits
    if bound == "upper":
        return math.ceil(probability * scale) / scale
    if bound == "lower":
        return math.floor(probability * scale) / scale
    rounded = round(probability, digits)
    if 0 < probability < 1:
        return min(max(rounded, 1 / scale), 1 - 1 / scale)
    return rounded


def chance_text(probability: float, bound: str | None = None) -> str:
    """A probability in words, to a whole percent by the tables' rule (rounded_chance):
    '40 %'; an estimate short of certain '99 %' or '1 %', never '100 %' or '0 %'; or
    '≤ 5 %' and '≥ 95 %' where it is only a bound (Crossing.bound)."""
    if bound is None:
        # Through the tables' three decimals first, so that a crossing's chance in words
        # (from its raw share of paths) and the report's column (from the crossing
        # frame's rounded one) never differ by a percent: 0.4449 and 0.445 alike.
        probability = rounded_chance(probability, None)
    return f"{BOUND_SIGNS[bound]}{rounded_chance(probability, bound, 2) * 100:.0f} %"


def bound_text(crossing: Crossing) -> str:
    """A crossing's probability as the forecast table shows it: '0.4', '≤ 0.044'."""
    return f"{BOUND_SIGNS[crossing.bound]}{rounded_chance(crossing.probability, crossing.bound):g}"


class Forecast:
    """A fitted family and its simulated paths over the forecast axis.

    paths holds (n, len(axis.grid)) values of v; everything else is read from them, so
    intervals and crossing times always agree: the probability of crossing a
    threshold by a date is the share of paths above it at that date, and a crossing's
    median date and interval are where the band's median and ends first reach it.
    """

    def __init__(
        self,
        series: Series,
        curve: Curve,
        axis: Axis,
        paths: np.ndarray,
        *,
        level: float,
        calibration: str | None = None,
        evidence: int | None = None,
        day: date | None = None,
    ):
        self.series = series
        self.curve = curve
        self.axis = axis
        self.paths = paths
        self.level = level
        self.calibration = calibration  # how intervals were recalibrated, if they were
        # The fewest held-out misses a calibrated horizon has: what bounds a crossing's
        # probability away from 0 and 1 (calibrate.supported).
        self.evidence = evidence
        self.day = day  # the day read (today, or the --as-of day), if known
        # Each crossing is a pass over every path; a command asks for one for its figure
        # and again for its table or JSON.
        self._crossings: dict[float, Crossing] = {}
        # So is each band, asked for by the finite check, every crossing, the table
        # and the figure.
        self._bands: dict[float, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    @property
    def family(self) -> str:
        return self.curve.family

    # -- the forecast distribution ---------------------------------------------------------

    def band(self, level: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(median, lower, upper) scores at every grid point, the interval at `level`."""
        level = self.level if level is None else level
        if level not in self._bands:
            scores = self.series.scale.score(self.paths)
            qs = np.quantile(scores, quantile_levels(level), axis=0)
            qs.setflags(write=False)  # shared by every caller: none may change it
            self._bands[level] = (qs[0], qs[1], qs[2])
        return self._bands[level]

    def frame(self, *, yearly: bool = False, decimals: int | None = None) -> pl.DataFrame:
        """The forecast points: date (or x), median, lower, upper, to `decimals` decimals
        for people (see _for_reading; else to 12 significant digits), never shown at a
        bound the forecast says is never reached (see _shown)."""
        if decimals is None:
            return self._points(yearly, _significant(12))
        return self._points(yearly, _for_reading(decimals))

    def _points(self, yearly: bool, decimals: Callable[[float], int]) -> pl.DataFrame:
        # 12 significant digits are far finer than any forecast: a score's round trip
        # through v leaves float noise (today's best of 90.04 came back 90.04000000000002
        # in CSV and Parquet, which write every digit).
        median, lower, upper = self.band()
        index = self.axis.yearly() if yearly else np.arange(len(self.axis.grid))
        labels = [self.axis.label(x) for x in self.axis.grid[index]]
        unreached = self._unreached()
        return pl.DataFrame(
            {
                self.axis.key: labels,
                **{
                    name: [_shown(float(x), decimals, unreached) for x in values[index]]
                    for name, values in (("median", median), ("lower", lower), ("upper", upper))
                },
            },
            schema_overrides={name: pl.Float64 for name in ("median", "lower", "upper")},
        )

    def _unreached(self) -> tuple[float, int] | None:
        """The best achievable score (the ceiling, or 0 for a decay) where the forecast
        says it is never reached, and the side of it every score lies on (-1 below, 1
        above): an S-curve nears its ceiling without reaching it."""
        scale = self.series.scale
        best = 0.0 if scale.ceiling is None else scale.ceiling
        settled = self._settled(best)
        if settled is None or settled.status != "never":
            return None
        return best, -1 if scale.higher_is_better else 1

    def bound_note(self) -> str | None:
        """A note for a forecast whose median runs into a bound it does not bend before
        (a straight line, on a benchmark with a floor or a ceiling, or an exponential
        into a bound other than 0): from there on every path is clipped to the bound, so
        the interval shrinks to a point that is the clip, not a trend."""
        scale = self.series.scale
        # The S-curves bend before their bounds, and an exponential nears 0 without
        # reaching it (a latency's best of 0 minutes); but it runs into any other bound
        # (a ceiling of 5 minutes) as a line does. A metric with one bound clips paths
        # there just as a bounded benchmark does.
        if self.curve.space == "logit":
            return None
        lo, hi = scale.v_range
        median = np.median(self.paths, axis=0)
        near = at_bound(scale)
        for edge, bound, side in ((hi, scale.ceiling, 1), (lo, scale.floor, -1)):
            if edge is None or (edge == 0 and self.curve.space in LOG_SPACES):
                continue
            held = side * (median - edge) >= -near
            # Held there to the end: a median that leaves a bound (a frontier at the
            # floor today, rising) follows a trend there, not the clip.
            if not held[-1]:
                continue
            first = 0 if held.all() else int(np.flatnonzero(~held)[-1]) + 1
            assert bound is not None
            if scale.bounded:
                from trendlab.forecast.fit import s_curves_fit

                what = "frontier points" if self.series.frontier else "results"
                better = (
                    " (a saturating family, such as auto's, bends before it)"
                    if s_curves_fit(self.series)
                    else f" (a saturating family would bend before it, but none fits these {what})"
                )
            elif edge == 0 and not clipped_at_floor(self.series):
                better = " (the exponential nears it without reaching it)"
                # A score at 0 (a failure count's best) has no log: the exponential the
                # note offers is refused, as a saturating family that fits nothing is.
                if exponential_space(self.series.fit_data("exponential")[1]) is None:
                    what = "frontier points" if self.series.frontier else "results"
                    better = (
                        " (the exponential would near it without reaching it, but does not "
                        f"fit these {what}: they are not all above 0 or all below it)"
                    )
            else:  # no family of a metric with one bound bends before this one
                better = ""
            within = ""
            if near:
                assert scale.floor is not None and scale.ceiling is not None
                short = near * abs(scale.ceiling - scale.floor)
                crossing = f", as the crossing of {number(bound)} counts" if side == 1 else ""
                within = f" (within {computed_number(short)} of it{crossing})"
            # At the bound, not past it: a frontier may lie below the floor (a record of
            # 10 on a floor of 25 is no record at it), though never above the ceiling.
            there = self.series.records.filter((pl.col("v") - edge).abs() <= near)
            if self.series.frontier and not there.is_empty():
                # The frontier is at the bound already (its crossing is reached): the
                # median has no date of its own to get there by.
                score, when = there.item(0, "score"), self.axis.text(float(there.item(0, "x")))
                within = "" if score == bound else within
                return (
                    f"the frontier is already at {number(bound)}: {number(score)} on {when}"
                    f"{within}, and the {self.family} median is held there: the forecast is "
                    f"the bound, not a trend{better}"
                )
            return (
                f"the {self.family} median reaches {number(bound)} by "
                f"{self.axis.text(self.axis.grid[first])}{within} and is held there: past "
                f"that the forecast is the bound, not a trend{better}"
            )
        return None

    def own_notes(self, *, default_end: bool, as_of: bool) -> list[str]:
        """What stderr (and the report, under the chart) says of the forecast itself, in
        the README's order: a median held at a bound (bound_note), else one held short of
        it (held_note), a default end before the day read (ended_note, only when
        `default_end`: --until was not given), a missing doubling time (zero_note) and a
        midpoint too far from the data to place (far_note)."""
        ended = self.ended_note(as_of=as_of) if default_end else None
        # A line's median clipped at the bound is held there by the clip, which
        # bound_note tells (within a thousandth of the range), not by the logit's hold.
        held = self.bound_note() or self.held_note()
        return [note for note in (held, ended, self.zero_note(), self.far_note()) if note]

    def far_note(self) -> str | None:
        """A note for the midpoints (inflections) the parameters leave unknown because they
        lie farther from the points fitted than a forecast may reach
        (describe.far_position): why each is null, rather than a null unexplained. One
        note for an ensemble's, naming every member whose position is unknown."""
        from trendlab.forecast.describe import far_position

        far = far_position(self.curve, self.series, self.axis)
        if not far:
            return None
        limit, unit = (
            (MAX_YEARS, "years") if self.axis.by == "date" else (MAX_ORDERS, "orders of magnitude")
        )
        sides = {
            "date": ("before the first date", "after the latest date"),
            "compute": ("below the least compute", "above the most compute"),
            "price": ("below the cheapest price", "above the dearest price"),
        }[self.axis.by]
        names = [
            f"{family} {'inflection' if family == 'gompertz' else 'midpoint'}" for family, _ in far
        ]
        places = [
            f"{significant_text(abs(distance), 3)} {unit} {sides[distance > 0]} fitted"
            for _, distance in far
        ]
        one = len(far) == 1
        return (
            f"{self.series.scale.slug}'s {listed(names)} {'is' if one else 'are'} unknown: "
            f"{'it' if one else 'they'} would lie {listed(places)}, past the {limit} "
            f"{unit} a forecast may reach: the points fitted lie on too flat a stretch of the "
            f"curve to place {'it' if one else 'them'}"
        )

    def held_note(self) -> str | None:
        """A note for a forecast whose frontier lies within HELD_NEAR of the range from
        the ceiling (the bound a frontier moves toward). A logit is taken of z held
        within EPS of either end, so the forecast levels off about EPS of the range short
        of the ceiling: on a percent benchmark a hundredth of a point, but on a latency
        with a floor of a week and a ceiling of 5 minutes about a minute, which a
        frontier of 7 minutes has not much more than to go."""
        scale = self.series.scale
        if not scale.bounded or self.series.current < 1 - HELD_NEAR:
            return None
        # A frontier at the ceiling itself is forecast there (it never goes down): no
        # path is held short of it. One new result (--all) still is.
        if self.series.frontier and self.series.current >= 1:
            return None
        # A line takes no logit, calibrated or not (calibrate.calibrated_before_clip):
        # nothing holds it.
        if self.curve.space != "logit":
            return None
        assert scale.floor is not None and scale.ceiling is not None
        span = abs(scale.ceiling - scale.floor)
        fix = self.series.command(f'edit benchmark {scale.slug} --set floor=... -m "..."')
        return (
            f"{scale.slug}'s forecasts hold every score at least {computed_number(EPS * span)} "
            f"{scale.unit} from its ceiling {number(scale.ceiling)} where they take a logit "
            f"({number(EPS)} of the {computed_number(span)} {scale.unit} between it and its floor "
            f"{number(scale.floor)}), so they cannot tell scores nearer it apart and level "
            f"off about that far from it; a floor nearer the scores gives finer forecasts: "
            f"`{fix}`"
        )

    def zero_note(self) -> str | None:
        """A note for an exponential on a metric whose 0 is not none of what it
        measures (Scale.true_zero): why its parameters have no doubling (halving) time."""
        scale = self.series.scale
        if self.family != "exponential" or scale.true_zero:
            return None
        from trendlab.forecast.describe import doubling_name

        name = doubling_name(self.curve, self.axis)
        growing = self.curve.space == "log"
        rate, times = ("growth_rate", "twice") if growing else ("decay_rate", "half")
        fix = ""
        if scale.unit in ZEROLESS_UNITS:
            why = f"{scale.slug} is a rating (unit {scale.unit}) whose 0 is a convention"
        else:
            end = "floor" if scale.higher_is_better else "ceiling"
            lower = scale.lower_end
            has = f"no {end}" if lower is None else f"its {end} at {number(lower)}"
            why = f"{scale.slug}'s scores may be any number (unit {scale.unit}) and it has {has}"
            # Only scores above 0 can have 0 as their worst end: below it, a floor (a
            # ceiling, lower being better) of 0 would put every result past it.
            if (self.curve.space == "log") == scale.higher_is_better:
                say = self.series.command(f'edit benchmark {scale.slug} --set {end}=0 -m "..."')
                fix = f"; if a score of 0 is none of what it measures, say so: `{say}`"
        return (
            f"no {name}: {why}, so {times} a score need not be {times} as much; the "
            f"exponential's {rate} depends on where 0 is (--family linear fits steps "
            f"instead){fix}"
        )

    # -- crossings ------------------------------------------------------------------------

    def crossing(self, threshold: float) -> Crossing:
        """When the series reaches `threshold` (a score): median x, interval (where the
        band's median and ends first reach it, see _crossing), P(by until)."""
        if threshold not in self._crossings:
            self._crossings[threshold] = self._crossing(threshold)
        return self._crossings[threshold]

    def _crossing(self, threshold: float) -> Crossing:
        settled = self._settled(threshold)
        if settled is not None:
            return settled
        scale, series = self.series.scale, self.series
        target = self._target(threshold)
        first = self._first_passage(target, self.paths)
        if series.frontier:
            # The dates are where the band (the table's median and interval ends) first
            # reaches the target, rather than quantiles of each path's own crossing,
            # which name another month than the table's when the share of paths past
            # the target is exactly the quantile's (the band interpolates between
            # paths). A frontier's paths never fall, so the two are otherwise the same.
            # In v higher is better, so the interval's end with the higher v comes first.
            median, one, other = (np.asarray(scale.value(q), dtype=float) for q in self.band())
            curves = np.vstack([median, np.maximum(one, other), np.minimum(one, other)])
            when = self._first_passage(target, curves)
        else:
            # With --all a path is one new result (the trend plus a residual), which may
            # cross and fall back: where the band first reaches the target is then no
            # quantile of when the paths first do, and would disagree with the chance
            # that they have.
            when = np.quantile(first, quantile_levels(self.level), method="inverted_cdf")
        # Each date is the first day by whose start it has come, the instant a table
        # row's date stands for: rounded to the nearest day, a crossing a third of a day
        # after a month end named that month end, whose row had not reached it.
        at = [self.axis.at_or_after(x) if math.isfinite(x) else None for x in when]
        probability = float(np.isfinite(first).mean())
        # Held at the least (most) the evidence supports, the chance is not known, only
        # that it is no more (no less): exchangeability puts the next outcome past all n
        # held-out misses with chance 1 / (n + 1), and says nothing of a threshold there.
        # Uncalibrated, the paths are all the evidence: none of 2,000 crossing says the
        # chance is below what 2,000 can resolve, not that it is 0.
        evidence = len(first) if self.evidence is None else self.evidence
        least, most = supported_range(evidence)
        bound = "upper" if probability <= least else "lower" if probability >= most else None
        probability = supported(probability, evidence)
        return Crossing(threshold, at[0], at[1], at[2], probability, "forecast", bound)

    def _target(self, threshold: float) -> float:
        """The value of v a path must reach to cross `threshold`."""
        scale = self.series.scale
        target = float(scale.value(threshold))
        ceiling = scale.v_range[1]
        if ceiling is not None and self.curve.space != "logit":
            # A line runs into the ceiling and is clipped there: a path reaches a
            # threshold at the ceiling when it comes as near it as bound_note's median
            # must, so the crossing and the note give the same month; and a frontier
            # already that near has reached it, rather than being forecast to reach it
            # today with certainty.
            target = min(target, ceiling - at_bound(scale))
        return target

    def _settled(self, threshold: float) -> Crossing | None:
        """The crossing of `threshold` where the paths need not be read: never (past the
        ceiling, or at a bound the family nears without reaching) or already reached."""
        scale, series = self.series.scale, self.series
        target = float(scale.value(threshold))
        ceiling = scale.v_range[1]
        # A decaying score (the neglog space) nears zero and never reaches it.
        if (ceiling is not None and target > ceiling) or (
            self.curve.space == "neglog" and target >= 0
        ):
            return Crossing(threshold, None, None, None, 0.0, "never")
        target = self._target(threshold)
        beaten = series.points.filter(pl.col("v") >= target).sort("x")
        if series.frontier and not beaten.is_empty():
            x = float(beaten.item(0, "x"))
            return Crossing(threshold, x, x, x, 1.0, "reached")
        if not series.frontier and (passed := self._trend_reached(target)) is not None:
            return Crossing(threshold, passed, passed, passed, 1.0, "reached")
        # A curve in logit space nears its ceiling and never reaches it: a path that
        # shows the ceiling is only its last digit rounded up.
        if ceiling is not None and target >= ceiling and self.curve.space == "logit":
            return Crossing(threshold, None, None, None, 0.0, "never")
        return None

    def _trend_reached(self, target: float) -> float | None:
        """With --all: where the fitted trend (a typical result) last came up to target
        within the data, if it is there at the latest result. Its paths start at the
        first month end after the data, so a threshold the trend passed years ago would
        otherwise be forecast for that month end, as if it were about to be crossed."""
        first = float(self.series.points.select(pl.col("x").min()).item())
        grid = np.linspace(first, self.series.x_now, _TREND_STEPS)
        below = np.flatnonzero(self.curve.mean(grid) < target)
        if below.size == 0:
            return float(grid[0])
        last = int(below[-1])
        return None if last == grid.size - 1 else float(grid[last + 1])

    def _first_passage(self, target: float, paths: np.ndarray) -> np.ndarray:
        """Per path (a row of values of v on the grid), the x where it first reaches
        target, linear between grid points; inf where it does not by --until."""
        n = paths.shape[0]
        start = np.full((n, 1), self.series.current if self.series.frontier else -np.inf)
        values = np.hstack([start, paths])
        xs = np.concatenate([[self.series.x_now], self.axis.grid])
        hit = values >= target
        crossed = hit.any(axis=1)
        j = np.where(crossed, hit.argmax(axis=1), 1)
        j = np.maximum(j, 1)
        rows = np.arange(n)
        before, after = values[rows, j - 1], values[rows, j]
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.where(np.isfinite(before), (target - before) / (after - before), 1.0)
        frac = np.clip(np.nan_to_num(frac, nan=1.0), 0.0, 1.0)
        times = xs[j - 1] + frac * (xs[j] - xs[j - 1])
        return np.where(crossed, times, np.inf)

    def crossing_notes(self, crossings: list[Crossing], *, as_of: bool) -> list[str]:
        """What stderr (and the report, under the chart) says of these crossings: the
        unrecorded and capped notes that apply."""
        said = (self.unrecorded_note(crossings, as_of=as_of), self.capped_note(crossings))
        return [n for n in said if n]

    def past_bound_notes(self, thresholds: list[float]) -> list[str]:
        """A note for each threshold past the floor or the ceiling (Scale.past_bound_note)."""
        scale = self.series.scale
        past = [scale.past_bound_note(t) for t in thresholds]
        return [said for said in past if said]

    def threshold_notes(self, thresholds: list[float], *, as_of: bool) -> list[str]:
        """What stderr says of the thresholds, in order: past_bound_notes, then
        crossing_notes of their crossings."""
        return [
            *self.past_bound_notes(thresholds),
            *self.crossing_notes(self.crossings(thresholds), as_of=as_of),
        ]

    def unrecorded(self, crossing: Crossing) -> bool:
        """Whether `crossing` is forecast (not reached) by a date before the day read: a
        month the database has no results for, though it has passed."""
        if self.day is None or self.axis.by != "date" or crossing.status != "forecast":
            return False
        return crossing.median is not None and self.axis.label(crossing.median) < self.day

    def past_data_text(self, crossing: Crossing) -> str | None:
        """For an unrecorded crossing, the words the figure's label and the report's
        overview add after crossing_text's: 'past the data, which end DATE'."""
        if not self.unrecorded(crossing):
            return None
        return f"past the data, which end {self.series.last_date}"

    def unrecorded_note(self, crossings: list[Crossing], *, as_of: bool) -> str | None:
        """A note for thresholds whose median crossing is forecast before the day read
        (the frontier's, or with --all a new result's): the data end earlier, so the
        forecast is of months the database has no results for, and a date in the past
        reads as news of what happened then. `as_of` says the day read is --as-of's."""
        dates = ", ".join(
            f"{number(c.threshold)} by {self.axis.label(c.median)}"
            for c in crossings
            if c.median is not None and self.unrecorded(c)
        )
        if not dates:
            return None
        return (
            f"the median forecast crosses {dates}, before {self._day_read(as_of)}: "
            f"{self._latest()}, so whether it has since is not in the database"
        )

    def ended_note(self, *, as_of: bool) -> str | None:
        """A note for a forecast by date whose default end, 3 years past the data, is
        before the day read: a benchmark whose data end long ago is forecast only over
        months that have passed, none of them in the database, with nothing to say so.
        `as_of` is unrecorded_note's."""
        if self.day is None or self.axis.by != "date":
            return None
        end = self.axis.label(self.axis.until)
        if end >= self.day:
            return None
        return (
            f"the forecast ends {end} (--until's default, {DEFAULT_YEARS} years past the "
            f"data), before {self._day_read(as_of)}: {self._latest()}; --until forecasts "
            "further"
        )

    def _day_read(self, as_of: bool) -> str:
        """The day read, for a note: --as-of's is no "today" even on today's date (a
        changeset recorded this morning, say)."""
        return f"the --as-of day ({self.day})" if as_of else f"today ({self.day})"

    def _latest(self) -> str:
        """The date of the latest result the forecast is fitted to, for a note."""
        series = self.series
        return f"{series.scale.slug}'s latest result{series.kept} is {series.last_date}"

    def capped_note(self, crossings: list[Crossing]) -> str | None:
        """A note for crossings whose probability by --until says less than their
        interval: kept within 1 / (n + 1) and n / (n + 1) for n held-out forecasts
        (calibrate.supported), it stops short of the (1 + level) / 2 that an interval
        ending before --until implies (or above the (1 - level) / 2 of one whose near
        end never reaches the threshold) when n is below residuals_supporting(level)."""
        n = self.evidence
        if n is None:
            return None
        high, low = (1 + self.level) / 2, (1 - self.level) / 2
        least, most = supported_range(n)
        # Only a probability at its cap: a band's interpolated end may put a share of
        # paths a hair off the level's.
        capped = [
            c
            for c in crossings
            if (c.bound == "lower" and c.upper is not None and most < high)
            or (c.bound == "upper" and c.lower is None and least > low)
        ]
        if not capped:
            return None
        until = self.axis.text(self.axis.until)
        level = f"{level_text(self.level)} %"
        said = "; ".join(
            f"{number(c.threshold)} by {until} is shown as {bound_text(c)}, though its {level} "
            "interval "
            + (
                f"ends before then (at least {high:g})"
                if c.upper is not None
                else f"does not reach it by then (at most {low:g})"
            )
            for c in capped
        )
        return (
            f"the chance of crossing {said}: {n} held-out backtest forecasts support no chance "
            f"beyond {least:.3f} to {most:.3f} ({high:g} takes "
            f"{residuals_supporting(self.level)})"
        )

    def crossing_text(self, crossing: Crossing) -> str:
        """When a threshold is (or was) crossed, in a few words, as the figure's labels
        and the report's overview give it after the threshold: the median and its
        interval ('2027-03-31 (2026-08-31 to 2028-05-31)'); an interval that runs past
        --until with the chance by then; only the chance, when the median is past it
        too; 'reached DATE'; or why it never is. Compute and price carry their unit
        (see Axis.text)."""
        axis = self.axis
        estimated = crossing.status == "forecast"
        median, lower, upper = (
            None if x is None else axis.text(x, estimated=estimated)
            for x in (crossing.median, crossing.lower, crossing.upper)
        )
        if crossing.status == "never":
            return never_text(self.series.scale, crossing.threshold, self.curve.space == "neglog")
        if crossing.status == "reached":
            return f"reached {median}"
        chance = f"{chance_text(crossing.probability, crossing.bound)} chance by"
        if median is None or lower is None:
            return f"{chance} {axis.text(axis.until)}"
        if upper is None:
            return f"{median} ({lower} to after {axis.text(axis.until)}; {chance} then)"
        return f"{median} ({lower} to {upper})"

    def crossings(self, thresholds: list[float]) -> list[Crossing]:
        """crossing() of each threshold, in order."""
        return [self.crossing(t) for t in thresholds]

    def default_thresholds(self) -> list[float]:
        """The human baseline if the benchmark has one, else 90 % of floor to ceiling."""
        threshold = self.series.scale.default_threshold()
        return [] if threshold is None else [threshold]

    def crossing_frame(self, crossings: list[Crossing]) -> pl.DataFrame:
        """One row per crossing (see crossings), for people: median / lower / upper
        crossing (a forecast one by compute or price as Axis.estimate reads it), P(by
        until) and whether that is only a bound (probability_bound, Crossing.bound)."""
        prefix = self.axis.key
        rows = [
            {
                **row,
                "probability_by_until": rounded_chance(
                    row["probability_by_until"], row["probability_bound"]
                ),
            }
            for row in self._crossing_rows(crossings, rounded=True)
        ]
        dtype = pl.Date if self.axis.by == "date" else pl.Float64
        return pl.DataFrame(
            rows,
            schema={
                "threshold": pl.Float64,
                f"median_{prefix}": dtype,
                f"lower_{prefix}": dtype,
                f"upper_{prefix}": dtype,
                "probability_by_until": pl.Float64,
                "probability_bound": pl.String,
                "status": pl.String,
            },
        )

    def _crossing_rows(
        self, crossings: list[Crossing], rounded: bool = False
    ) -> list[dict[str, Any]]:
        prefix = self.axis.key

        def label(c: Crossing, x: float | None) -> Any:
            if x is None:
                return None
            # A forecast crossing's twelve digits (7.34962507315e+25 FLOP) beside rows of
            # 1e+26 claimed a precision no forecast has; one reached is the data's own x.
            estimated = rounded and c.status == "forecast"
            return self.axis.estimate(x) if estimated else self.axis.label(x)

        return [
            {
                "threshold": c.threshold,
                f"median_{prefix}": label(c, c.median),
                f"lower_{prefix}": label(c, c.lower),
                f"upper_{prefix}": label(c, c.upper),
                "probability_by_until": c.probability,
                "probability_bound": c.bound,
                "status": c.status,
            }
            for c in crossings
        ]

    # -- parameters and documents ---------------------------------------------------------

    def parameters(self) -> dict[str, Any]:
        """The family's parameters in the benchmark's units, with intervals at the level."""
        from trendlab.forecast.describe import describe

        return describe(self.curve, self.series, self.axis, self.level)

    def parameter_rows(self) -> list[tuple[str, str | None]]:
        """The parameters one per row, for people: an ensemble's as member.name
        (logistic.slope), dates as YYYY-MM-DD, a midpoint by compute or price to
        three figures, numbers rounded; None where unknown."""
        from trendlab.forecast.describe import POSITIONS

        rows: list[tuple[str, str | None]] = []
        for name, v in _flat(self.parameters()):
            plain = _plain(v)
            if plain is not None and name.rpartition(".")[2] in POSITIONS and isinstance(v, float):
                # As a crossing's x reads (and a date by date is a day): twelve digits
                # of FLOP claimed a precision no fitted curve has.
                plain = f"{v:.{FIGURES}g}"
            rows.append((name, None if plain is None else str(plain)))
        return rows

    def fitted_on(self) -> dict[str, Any]:
        """How many points were fitted and the dates they span: by date, up to the
        latest result (the frontier is known to hold until then); by compute or price,
        whose axis is not time, the dates of the points fitted, the plateau's included.
        `left_out`: the points at or below the floor, which an S-curve does not fit
        (Series.above_floor_only)."""
        series = self.series
        fitted = series.fitted(self.curve.family)
        first: Any = fitted.get_column("date").min()
        last: Any = series.last_date
        if series.by != "date":
            dates = fitted.get_column("date")
            # The plateau's result may be the oldest fitted too: MMLU by price fits
            # GPT-3's $60 of 2020 at the 2024 frontier, and the span began in 2024. It
            # is fitted on the frontier alone, past its last record (Series.fit_data):
            # with --all the result at the largest x is one of the results, which an
            # S-curve leaves out at the floor, and whose date is then no point's fitted.
            past = fitted.filter(pl.col("x") >= series.x_now).is_empty()
            if series.frontier and not dates.is_empty() and past:
                at_end = series.points.filter(pl.col("x") == series.x_now)
                dates = pl.concat([dates, at_end.get_column("date")])
            first, last = dates.min(), dates.max()
        return {
            "points": fitted.height,
            "first": first,
            "last": last,
            "left_out": series.fitted().height - fitted.height,
        }

    def summary(self) -> str:
        """The forecast in one sentence, as the table's title, the figure's subtitle and
        the report's caption give it: the family, what it was fitted on, and what the
        band is and how its interval was calibrated (if it was)."""
        fitted = self.fitted_on()
        what = "frontier points" if self.series.frontier else "results"
        band = f"median and {level_text(self.level)} % interval"
        if not self.series.frontier:
            # Each path is a drawn curve plus one resampled residual: a new result's spread,
            # not the trend's alone (in logit space, so it narrows near a bound).
            band += " of one new result, the trend plus a result's scatter"
        if fitted["left_out"]:
            # Better than the floor: below it when lower is better.
            side, other = (
                ("above", "below") if self.series.scale.higher_is_better else ("below", "above")
            )
            what += f" {side} the floor ({fitted['left_out']} at or {other} it left out)"
        return (
            f"{self.family} fitted on {fitted['points']} {what} from {fitted['first']} to "
            f"{fitted['last']}; {band} ({self.calibration or 'intervals not calibrated'})"
        )

    def tables(self, thresholds: list[float]) -> list[tuple[str, pl.DataFrame]]:
        """Titled tables for people: yearly points, crossings, parameters."""
        scale = self.series.scale
        # Off the date axis the x column is a bare number, as the figure's axis is not: a
        # table by price through 2030 USD per million tokens read as one through the year.
        by = self.series.by
        axis = "" if by == "date" else f", by {by} (x: {x_title(by)})"
        # A setting's results alone are another forecast than every result's: say so, as
        # the figure's title does.
        title = f"{scale.name} ({scale.slug}){self.series.kept_title}{axis}: {self.summary()}"
        points = self.frame(yearly=True, decimals=2)
        out = [(title, points)]
        if thresholds:
            listed = self.crossings(thresholds)
            # A probability that is only a bound reads as one (≤ 0.043), in its own cell.
            chances = [bound_text(c) for c in listed]
            crossings = (
                self.crossing_frame(listed)
                .with_columns(pl.Series("probability_by_until", chances, dtype=pl.String))
                .drop("probability_bound")
            )
            # Fitted on every result, the curve is the typical result's, not the best's.
            who = f"the trend of every {scale.slug} result{self.series.kept}"
            who = scale.slug if self.series.frontier else who
            out.append((f"When {who} reaches each threshold", crossings))
        params = [{"parameter": k, "value": _text(v)} for k, v in self.parameter_rows()]
        out.append(
            (
                "Parameters",
                pl.DataFrame(params, schema={"parameter": pl.String, "value": pl.String}),
            )
        )
        return out

    def to_json(self, thresholds: list[float], notes: Sequence[str] = ()) -> dict[str, Any]:
        """The document `trendlab forecast --format json` prints (see the README), with
        `notes`, what the command told the user of the forecast on stderr, in order."""
        points = self._points(False, _reading_decimals).to_dicts()
        crossings = self._crossing_rows(self.crossings(thresholds))
        doc = _plain(
            {
                "benchmark": self.series.scale.slug,
                "family": self.family,
                "by": self.series.by,
                # A saved document says which results it forecast: --setting's text.
                "setting": self.series.setting,
                "level": None,
                "fitted_on": self.fitted_on(),
                "parameters": self.parameters(),
                "forecast": points,
                "crossings": crossings,
                # What qualifies the figures goes with them, for a script that keeps stdout.
                "notes": list(notes),
            }
        )
        # Past _plain, whose four decimals would make 5.123456789 the 5.1235 the headline
        # does not say.
        doc["level"] = level_percent(self.level)
        if self.axis.by != "date":
            # FLOP and prices as the CSV gives them, to 12 significant digits: four
            # decimals made a price of 121.152765854 the 121.1528 no CSV row has, and one
            # of 0.0146779926762 0.0147.
            key = self.axis.key
            pairs = [
                (shown, row, [key]) for shown, row in zip(doc["forecast"], points, strict=True)
            ]
            ends = [f"median_{key}", f"lower_{key}", f"upper_{key}"]
            pairs += [
                (shown, row, ends) for shown, row in zip(doc["crossings"], crossings, strict=True)
            ]
            for shown, row, names in pairs:
                for name in names:
                    # Past every float stays _plain's null: JSON has no infinity.
                    if row[name] is not None and math.isfinite(row[name]):
                        shown[name] = row[name]
        return doc


def _flat(params: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested parameters (an ensemble's members) as (member.name, value) pairs."""
    out: list[tuple[str, Any]] = []
    for key, value in params.items():
        if isinstance(value, dict):
            out += _flat(value, f"{prefix}{key}.")
        else:
            out.append((f"{prefix}{key}", value))
    return out


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _plain(value: Any) -> Any:
    """Dates as YYYY-MM-DD, floats rounded for reading (to significant digits where
    four decimals would lose them), NaN as null."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float | np.floating):
        f = float(value)
        if not math.isfinite(f):
            return None
        return round(f, _reading_decimals(f))
    return value


def _significant(figures: int) -> Callable[[float], int]:
    """The decimals that keep `figures` significant digits of a number."""
    return lambda x: figures - 1 - (math.floor(math.log10(abs(x))) if x else 0)


def _for_reading(decimals: int) -> Callable[[float], int]:
    """The decimals a table or the report rounds a score to: `decimals`, but for a number
    too large for decimals the significant digits every number for people is written
    to (large_number_digits), as the report's numbers read (report.page._num), and two
    below a unit of the last decimal, which `decimals` would round to 0 or misstate (a
    latency's 0.00059 minutes read as 0)."""

    def places(x: float) -> int:
        if (n := large_number_digits(x)) is not None:
            return _significant(n)(x)
        return _significant(2)(x) if 0 < abs(x) < 10.0**-decimals else decimals

    return places


def _reading_decimals(x: float) -> int:
    """The decimals a document rounds a number to: four, else six significant digits
    for a number under a hundredth."""
    # A price midpoint can be a millionth of a dollar: four decimals made it 0.0. A
    # large number keeps its four too: six significant digits made a threshold of
    # 1234567.5 minutes 1234570.0, where the table says 1234567.5.
    return 4 if x == 0 or abs(x) >= 1e-2 else _significant(6)(x)


def _shown(
    x: float, decimals: Callable[[float], int], unreached: tuple[float, int] | None
) -> float:
    """x rounded to decimals(x) decimals, but never to or past a bound the forecast never
    reaches (`unreached`, see Forecast._unreached): the nearest number on its side of the
    bound instead, so that 99.996 (or an S-curve's 100.0, its last digit rounded up)
    under a ceiling of 100 is shown as 99.99 to two decimals, not the 100 its crossing
    says is never reached."""
    if not math.isfinite(x):  # no digits to count; JSON writes it as null
        return x
    shown = round(x, decimals(x))
    if unreached is None:
        return shown
    bound, side = unreached
    # As many decimals as the scores just inside the bound get (99.99... has one more
    # significant decimal than 100), so that the order of the scores is kept; read a
    # billionth inside, as nearer the bound a float's log10 is the bound's decade.
    places = decimals(bound + side * max(abs(bound), 1.0) * 1e-9)
    steps = round(bound * 10.0**places, 6)  # the bound in steps of the last decimal
    nearest = math.ceil(steps) - 1 if side < 0 else math.floor(steps) + 1
    inside = round(nearest / 10.0**places, places)
    # Not nearer the bound than that either: a score of 1e-12 over an error rate's 0,
    # kept by significant digits, would read below the 1e-10 a path at 0 is shown as.
    return shown if side * (shown - inside) >= 0 else inside
