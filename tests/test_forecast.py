"""The forecast core: families recover known parameters, bounds hold, crossings add up."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from tests.synthetic import frame, logistic_scores, scale
from trendlab.errors import TrendlabError
from trendlab.forecast.axis import make_axis, parse_until
from trendlab.forecast.calibrate import Calibration
from trendlab.forecast.fit import default_family, fits_now, forecast, past_floor_fault
from trendlab.forecast.result import _flat
from trendlab.series import build_series, day_from, decimal_year

XS = np.arange(2018.0, 2025.0, 0.25)


def series_of(scores, xs=XS, sc=None, **kw):
    return build_series(sc or scale(), frame(xs, np.asarray(scores)), **kw)


def _year(value) -> float:
    return decimal_year(date.fromisoformat(str(value)))


def _noisy(z: np.ndarray, sd: float, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    eta = np.log(z) - np.log1p(-z) + rng.normal(0, sd, len(z))
    return 1 / (1 + np.exp(-eta))


def test_logistic_recovers_slope_and_midpoint():
    result = forecast(series_of(logistic_scores(XS, slope=1.2, midpoint=2021.5)), until="2027")
    params = result.parameters()
    assert params["slope"] == pytest.approx(1.2, rel=0.01)
    assert _year(params["midpoint"]) == pytest.approx(2021.5, abs=0.02)
    assert params["slope_lower"] <= params["slope"] <= params["slope_upper"]
    assert (params["floor"], params["ceiling"]) == (0.0, 100.0)


def test_logistic_recovers_parameters_from_noisy_results():
    z = _noisy(logistic_scores(XS, slope=1.0, midpoint=2021.0) / 100, sd=0.15)
    series = series_of(100 * z, all_points=True)
    params = forecast(series, family="logistic", until="2026", level=0.99).parameters()
    assert params["slope"] == pytest.approx(1.0, rel=0.1)
    assert _year(params["midpoint"]) == pytest.approx(2021.0, abs=0.15)
    assert params["slope_lower"] < 1.0 < params["slope_upper"]


def test_logistic4_learns_a_ceiling_below_the_nominal_one():
    scores = logistic_scores(XS, slope=1.5, midpoint=2020.5, top=0.9)
    params = forecast(series_of(scores), family="logistic4", until="2027").parameters()
    assert params["ceiling"] == pytest.approx(90.0, abs=0.5)
    assert params["slope"] == pytest.approx(1.5, rel=0.05)
    assert params["ceiling_lower"] <= params["ceiling"] <= params["ceiling_upper"] <= 100


@pytest.mark.parametrize("higher_is_better", [True, False])
def test_logistic4_s_ceiling_at_the_bound_is_the_bound_not_a_rounding_error(higher_is_better):
    # A frontier still rising at its latest point: the fit puts the ceiling at the bound,
    # or a rounding error short of it, which an error rate's ceiling of 0 showed as
    # 2.84217e-14.
    xs = np.array([2020.4, 2023.2, 2024.4, 2024.7, 2025.3])
    errors = np.array([60.0, 40.0, 25.0, 15.0, 10.0])
    if higher_is_better:
        sc, scores, best = scale(), 100 - errors, 100.0
    else:
        sc, scores, best = (
            scale("err", floor=100.0, ceiling=0.0, higher_is_better=False),
            errors,
            0.0,
        )
    params = forecast(
        series_of(scores, xs=xs, sc=sc), family="logistic4", until="2030"
    ).parameters()
    assert params["ceiling"] == best
    assert best in (params["ceiling_lower"], params["ceiling_upper"])


def test_a_curve_with_as_many_parameters_as_points_has_no_intervals():
    # Three frontier points and logistic4's three parameters: the curve passes through
    # every point, so its residuals are zero and say nothing of how sure it is. Its
    # forecast's width is then the calibration's alone; without one it is refused.
    series = series_of([40.0, 60.0, 70.0], xs=np.array([2022.0, 2023.0, 2024.0]))
    with pytest.raises(TrendlabError, match="passes exactly, and its interval is not calibrated"):
        forecast(series, family="logistic4", until="2027")
    residuals = np.random.default_rng(0).normal(0.0, 1.0, 40)
    rows = pl.DataFrame(
        {"horizon": [12] * 40, "e_act": residuals, "e_med": [0.0] * 40, "e_scale": [1.0] * 40}
    )
    calibration = Calibration.from_rows(rows, "logit")
    calibrated = forecast(series, family="logistic4", until="2027", calibration=calibration)
    params = calibrated.parameters()
    assert params["slope"] > 0 and params["ceiling"] >= 70
    bounds = ("slope_lower", "slope_upper", "ceiling_lower", "ceiling_upper")
    assert [params[k] for k in bounds] == [None] * 4
    # With a point to spare, they are back.
    series = series_of([40.0, 60.0, 70.0, 74.0], xs=np.array([2022.0, 2023.0, 2024.0, 2025.0]))
    params = forecast(series, family="logistic4", until="2027").parameters()
    assert params["slope_lower"] <= params["slope"] <= params["slope_upper"]


def test_an_uncalibrated_ensemble_through_three_points_is_refused_as_its_logistic4_is():
    # The ensemble averaged logistic4's point-wide paths with the other families', so
    # its interval was a third narrower than either's (by price, where nothing is
    # calibrated), a certainty no data show; refused, as logistic4 alone is.
    series = series_of([40.0, 60.0, 70.0], xs=np.array([2022.0, 2023.0, 2024.0]))
    with pytest.raises(TrendlabError, match="the ensemble's logistic4, a curve of 3 param"):
        forecast(series, family="ensemble", until="2027")
    four = series_of([40.0, 60.0, 70.0, 75.0], xs=np.array([2021.0, 2022.0, 2023.0, 2024.0]))
    assert forecast(four, family="ensemble", until="2027").family == "ensemble"


def test_gompertz_recovers_its_inflection():
    z = np.exp(-np.exp(-0.9 * (XS - 2021.0)))
    params = forecast(series_of(100 * z), family="gompertz", until="2027").parameters()
    assert params["slope"] == pytest.approx(0.9, rel=0.02)
    assert _year(params["inflection"]) == pytest.approx(2021.0, abs=0.05)


def test_a_falling_trend_of_every_result_has_its_midpoint_and_inflection():
    """With --all every result's trend may fall (later models scoring lower): its
    midpoint was printed empty and its JSON null with no note, though the curve passes
    halfway (1/e for the Gompertz curve) on a date as well-defined as a rising one's."""
    falling = 100 - logistic_scores(XS, slope=1.2, midpoint=2021.5)
    series = series_of(falling, all_points=True)
    logistic = forecast(series, family="logistic", until="2027")
    params = logistic.parameters()
    assert params["slope"] == pytest.approx(-1.2, rel=0.01)
    assert _year(params["midpoint"]) == pytest.approx(2021.5, abs=0.02)
    gompertz = forecast(series, family="gompertz", until="2027").parameters()
    assert gompertz["slope"] < 0 and gompertz["inflection"] is not None
    assert not logistic.own_notes(default_end=False, as_of=False)


def test_the_day_from_a_decimal_year_is_the_first_day_starting_at_or_after_it():
    """A crossing a third of a day after a month end has not happened by that day's
    start, which is what the table's row of that date shows."""
    for day in (date(2024, 1, 1), date(2024, 12, 31), date(2026, 12, 31), date(2027, 3, 1)):
        x = decimal_year(day)
        assert day_from(x) == day  # a day's own start, whatever float error
        assert day_from(x + 0.3 / 365) == day + timedelta(days=1)
        assert day_from(x - 0.3 / 365) == day


def test_the_title_says_which_side_of_the_floor_the_fitted_points_are():
    """An error rate of 90, 80, 70, 55, 45, 40 on a floor of 75 (lower is better): the
    S-curve fits the four below the floor, and the title said 'fitted on 4 frontier
    points above the floor (2 at or below it left out)', the other way round from its
    scores, and from the error that refuses too few ('below the floor')."""
    sc = scale("err", floor=75.0, ceiling=0.0, higher_is_better=False)
    xs = np.arange(2022.0, 2025.0, 0.5)
    series = series_of(np.array([90.0, 80, 70, 55, 45, 40]), xs=xs, sc=sc)
    summary = forecast(series, family="logistic", until="2027").summary()
    assert "fitted on 4 frontier points below the floor (2 at or above it left out)" in summary
    rising = series_of(np.array([10.0, 20, 30, 40, 55, 62]), xs=xs, sc=scale(floor=25.0))
    summary = forecast(rising, family="logistic", until="2027").summary()
    assert "fitted on 4 frontier points above the floor (2 at or below it left out)" in summary
    # Too few to fit: the error said they were below the floor, and that an S-curve
    # fits only the points above it.
    with pytest.raises(TrendlabError) as refused:
        forecast(series_of(np.array([90.0, 80, 70, 55]), xs=xs[:4], sc=sc), family="logistic")
    assert refused.value.message.startswith(
        "err: only 2 of its frontier points are below the floor 75 (chance level), and the "
        "logistic family needs 3 (the frontier's level at a later result counts as one): a "
        "score no better than chance has no finite logit, so an S-curve fits only the "
        "points below it; "
    ), refused.value.message
    # A floor left to the unit is its end, no chance level the benchmark states.
    unset = replace(scale(floor=0.0), floor_set=False)
    with pytest.raises(TrendlabError) as refused:
        forecast(series_of(np.array([0.0, 0, 0, 30, 40]), xs=xs[:5], sc=unset), family="logistic")
    assert refused.value.message.startswith(
        "synth: only 2 of its frontier points are above 0, its unit's end (it sets no floor), "
        "and the logistic family needs 3"
    ), refused.value.message
    # Nor a floor to check with `show benchmark`, which shows none.
    assert refused.value.message.endswith(
        ": a score at its unit's end has no finite logit, so an S-curve fits only the points "
        "above it; `trendlab forecast synth --family linear` fits them all"
    ), refused.value.message


def test_errors_and_notes_give_a_floor_ceiling_or_score_as_stored():
    """A floor of 10080.25 minutes read 10080.2, results all of 1234.5678 Elo read
    1234.57 and a ceiling of 1234.5678 read 1234.57: :g's six digits misstated each,
    where every other message gives a number as it reads back."""
    xs = np.arange(2022.0, 2025.0, 0.5)
    week = scale("wait", floor=10080.25, ceiling=0.0, higher_is_better=False, unit="minutes")
    with pytest.raises(TrendlabError) as refused:
        forecast(series_of(np.array([20000.0, 15000, 9000, 8000]), xs=xs[:4], sc=week))
    assert refused.value.message.startswith(
        "wait: only 2 of its frontier points are below the floor 10080.25 (chance level)"
    ), refused.value.message
    elo = scale("arena", floor=None, ceiling=None, unit="elo")
    flat = series_of(np.full(len(xs), 1234.5678), xs=xs, sc=elo, all_points=True)
    with pytest.raises(TrendlabError) as refused:
        forecast(flat, family="linear")
    assert refused.value.message.startswith("arena: all 6 results are 1234.5678, so there")
    low = scale("lag", floor=None, ceiling=1234.5678, higher_is_better=False, unit="score")
    decaying = series_of(3000 * 0.8 ** (xs - 2022), xs=xs, sc=low)
    note = forecast(decaying, family="exponential", until="2026").zero_note()
    assert note is not None and "it has its ceiling at 1234.5678, so half" in note, note


def test_linear_recovers_its_slope_in_score_units():
    scores = 20 + 8 * (XS - 2018)
    params = forecast(series_of(scores), family="linear", until="2026").parameters()
    assert params["slope"] == pytest.approx(8.0, rel=1e-4)
    assert params["value_now"] == pytest.approx(scores[-1], abs=0.05)


def test_exponential_reports_the_doubling_time_with_an_interval():
    sc = scale("horizon", floor=None, ceiling=None, unit="minutes")
    rng = np.random.default_rng(3)
    minutes = 2 ** ((XS - 2018) * 12 / 7) * np.exp(rng.normal(0, 0.1, len(XS)))
    params = forecast(
        series_of(minutes, sc=sc, all_points=True), family="exponential", until="2027"
    ).parameters()
    assert params["doubling_time_months"] == pytest.approx(7.0, rel=0.05)
    assert params["doubling_time_months_lower"] < 7.0 < params["doubling_time_months_upper"]


@pytest.mark.parametrize(
    ("unit", "floor", "ceiling", "higher", "zero"),
    [
        ("elo", None, None, True, False),  # a rating's 0 is a convention
        ("elo", 0.0, None, True, False),
        ("score", None, None, True, False),  # any number: no zero to double from
        ("score", 1000.0, None, True, False),
        ("score", 0.0, None, True, True),
        ("score", None, 0.0, False, True),  # an error count: lower is better, best 0
        ("minutes", 1.0, None, True, True),  # a duration, whatever its floor
    ],
)
def test_an_exponential_has_a_doubling_time_only_where_0_is_none_of_the_metric(
    unit, floor, ceiling, higher, zero
):
    """An Elo rating (or a score that may be any number) fitted with an exponential
    reported a doubling time (177 months for 1100 to 1330 Elo in four years), which
    depends on where the scale's 0 was put and means nothing."""
    sc = scale("s", floor=floor, ceiling=ceiling, higher_is_better=higher, unit=unit)
    assert sc.true_zero is zero
    rng = np.random.default_rng(3)
    sign = 1 if higher else -1
    growth = 2 ** (sign * (XS - 2018) * 12 / 30) * np.exp(rng.normal(0, 0.02, len(XS)))
    result = forecast(series_of(1100 * growth, sc=sc), family="exponential", until="2027")
    params = result.parameters()
    name = "doubling_time_months" if higher else "halving_time_months"
    assert (name in params) is zero and (f"{name}_lower" in params) is zero
    assert params["growth_rate" if higher else "decay_rate"] > 0  # the fit itself stays
    note = result.zero_note()
    assert (note is None) is zero
    if not zero:
        assert note is not None and note.startswith(f"no {name}: ")


@pytest.mark.parametrize("higher", [True, False])
@pytest.mark.parametrize("sign", [1, -1], ids=["above-0", "below-0"])
def test_an_exponential_suggests_0_as_the_worst_end_only_of_scores_above_it(higher, sign):
    """Scores all below 0 (-100 rising to -6) were told to set floor=0, which puts every
    result below the floor: the forecast that followed was -0.01 from the next month on."""
    sc = scale("s", floor=None, ceiling=None, higher_is_better=higher, unit="score")
    rng = np.random.default_rng(3)
    near = 100 * 0.5 ** ((XS - 2018) * 12 / 30) * np.exp(rng.normal(0, 0.02, len(XS)))
    # Scores of each sign that improve: nearing 0 (from below when higher is better, from
    # above when lower is) or leaving it.
    scores = {
        (True, 1): 10_000 - near,
        (True, -1): -near,
        (False, 1): near,
        (False, -1): near - 10_000,
    }[higher, sign]
    result = forecast(series_of(scores, sc=sc), family="exponential", until="2027")
    note = result.zero_note()
    assert note is not None and note.startswith("no ")
    end = "floor" if higher else "ceiling"
    assert (f"--set {end}=0" in note) is (sign == 1), note


@pytest.mark.parametrize("higher", [True, False])
def test_an_exponential_of_scores_all_past_a_floor_it_rises_through_is_refused(higher):
    """Horizons of 1 to 137 minutes doubling under a floor of 1000.125 (or, lower being
    better, times of 1000 down to 7 over a floor of 0.5): the exponential would cross
    the floor in time, but every path was lifted onto it from the first month, a
    forecast of 1000.12 minutes beside a best of 137, and auto chose it. It is refused,
    as scores all below a floor of 0 are, naming the floor as written."""
    scores = 1.0 * 2 ** ((XS - 2018) * 12 / 12)
    floor = 1000.125
    if not higher:
        scores, floor = 1000.0 / scores, 0.5
    unit = "minutes" if higher else "score"
    floored = scale("m", floor=floor, ceiling=None, higher_is_better=higher, unit=unit)
    series = series_of(scores, sc=floored)
    side, past = ("below", "above") if higher else ("above", "below")
    with pytest.raises(TrendlabError) as refused:
        forecast(series, family="exponential", until="2027")
    assert refused.value.message == (
        f"m: every score is {side} its floor {floor}, so an exponential would be clipped to "
        f"the floor from its first month, {past} every result; check the floor with "
        "`trendlab show benchmark m`"
    )
    assert not fits_now(series, "exponential")
    assert default_family(series) == "linear"
    # A floor the best score has passed lifts no path: the exponential fits.
    passed = scale("m", floor=100.0 if higher else 10.0, ceiling=None, higher_is_better=higher,
                   unit=unit)  # fmt: skip
    assert fits_now(series_of(scores, sc=passed), "exponential")


@pytest.mark.parametrize("higher", [True, False])
def test_an_exponential_of_scores_all_past_the_floor_is_refused(higher):
    """Scores all below a floor of 0 (-100 rising to -6), or above it when lower is
    better: the exponential nears 0 from their side, so every path was clipped at the
    floor from the first month, shown as -0.01 in the table and -1e-20 in CSV, both past
    the floor. Without the floor it fits."""
    sign = -1 if higher else 1
    scores = sign * 100 * 0.5 ** ((XS - 2018) * 12 / 30)
    floored = scale("s", floor=0, ceiling=None, higher_is_better=higher, unit="score")
    side = "below" if higher else "above"
    with pytest.raises(TrendlabError, match=f"every score is {side} its floor 0, so an exp"):
        forecast(series_of(scores, sc=floored), family="exponential", until="2027")
    assert not fits_now(series_of(scores, sc=floored), "exponential")
    # With no backtest to choose by, auto takes the line, not the refused exponential,
    # and its note held at the floor offers no exponential either.
    assert default_family(series_of(scores, sc=floored)) == "linear"
    assert past_floor_fault(series_of(scores, sc=floored)) is not None
    # A bounded benchmark has no exponential to fault, though its scores lie below chance.
    bounded = scale("b", floor=25, ceiling=100, higher_is_better=True, unit="percent")
    assert past_floor_fault(series_of(np.linspace(10, 22, len(XS)), sc=bounded)) is None
    line = forecast(series_of(scores, sc=floored), family="linear", until="2025-06-30")
    note = line.bound_note()
    assert note is not None and "is held there" in note and "exponential" not in note
    free = scale("s", floor=None, ceiling=None, higher_is_better=higher, unit="score")
    assert fits_now(series_of(scores, sc=free), "exponential")
    median = forecast(series_of(scores, sc=free), family="exponential", until="2027").band()[0]
    assert np.all(sign * median > 0)


def test_a_growth_rate_interval_is_the_t_interval_statsmodels_gives():
    """Read off the paths' coefficient draws, it is the robust (HC0) interval with the
    t quantile of the residual degrees of freedom: with a few points the normal
    quantile is too sure of itself."""
    import statsmodels.api as sm

    from trendlab.forecast.families import fit_exponential

    rng = np.random.default_rng(5)
    x = np.linspace(2019.0, 2025.0, 8)
    v = 2 ** ((x - 2019) * 12 / 7) * np.exp(rng.normal(0, 0.3, len(x)))
    curve = fit_exponential(x, v, x_ref=float(x[-1]))
    ols = sm.OLS(np.log(v), sm.add_constant(x - x[-1])).fit(cov_type="HC0", use_t=True)
    low, high = ols.conf_int(alpha=0.2)[1]
    half = (high - low) / 2
    assert tuple(curve.intervals(0.8)[1]) == pytest.approx((low, high), abs=0.02 * half)


def test_a_lower_is_better_metric_with_no_bound_decays_exponentially():
    # Latency in minutes, halving every 9 months: a straight line would cross zero.
    sc = scale("latency", floor=None, ceiling=None, higher_is_better=False, unit="minutes")
    rng = np.random.default_rng(4)
    seconds = 80 * 0.5 ** ((XS - 2018) * 12 / 9) * np.exp(rng.normal(0, 0.1, len(XS)))
    series = series_of(seconds, sc=sc)
    result = forecast(series, family="auto", until="2030")
    assert result.family == "exponential"
    params = result.parameters()
    assert params["halving_time_months"] == pytest.approx(9.0, rel=0.1)
    assert params["halving_time_months_lower"] < params["halving_time_months"]
    assert params["halving_time_months"] < params["halving_time_months_upper"]
    assert "doubling_time_months" not in params and params["decay_rate"] > 0
    points = result.frame()
    best = float(seconds.min())
    assert (points["upper"] > 0).all() and (points["median"] <= best).all()
    assert points["median"].is_sorted(descending=True)  # a frontier: never worse
    # Its crossings count down: when does it get under a tenth of a second?
    [crossing, zero] = result.crossings([0.1, 0.0])
    assert crossing.status == "forecast" and crossing.median is not None
    assert zero.status == "never" and zero.probability == 0.0


def test_a_calibrated_forecast_stays_inside_a_one_sided_bound():
    from trendlab.forecast.families import fit_family
    from trendlab.forecast.paths import simulate

    # Lower is better and nothing can do better than 50: no path may go below it, even
    # once a calibration (here one that halves every score) has moved the paths.
    sc = scale("latc", floor=None, ceiling=50.0, higher_is_better=False, unit="score")
    series = series_of(400 * 0.8 ** (XS - 2018) + 60, sc=sc)
    x, v = series.fit_data()
    curve = fit_family("exponential", x, v, bounded=False)

    class Halving:
        def apply(self, paths: np.ndarray, horizon: np.ndarray) -> np.ndarray:
            return paths * 0.5

    grid = np.linspace(series.x_now + 0.1, series.x_now + 5, 12)
    paths = simulate(curve, series, grid, adjust=Halving())
    assert sc.score(paths).min() >= 50.0


@pytest.mark.parametrize("family", ["logistic", "logistic4", "gompertz", "ensemble", "linear"])
def test_intervals_stay_in_bounds_and_above_the_frontier(family):
    z = _noisy(logistic_scores(XS, slope=0.8, midpoint=2022.0, floor=25) / 100, sd=0.4, seed=7)
    series = series_of(25 + 75 * z, sc=scale(floor=25.0))
    result = forecast(series, family=family, until="2040", level=0.95)
    median, lower, upper = result.band()
    best = series.scale.score(series.current)
    assert np.all(lower >= best - 1e-9) and np.all(upper <= 100 + 1e-9)
    assert np.all(lower <= median) and np.all(median <= upper)
    assert np.all(np.diff(median) >= -1e-9), "the frontier's median never goes down"
    assert np.all(np.diff(result.paths, axis=1) >= 0), "every path is a running best"


def test_a_floor_alone_bounds_a_line_through_every_result():
    """Minutes with a floor and no ceiling: a falling line through every result (--all)
    heads below zero, and its forecast stops at the floor."""
    rng = np.random.default_rng(3)
    scores = np.clip(60 - 8 * (XS - XS[0]) + rng.normal(0, 6, len(XS)), 1, None)
    sc = scale(floor=0.0, ceiling=None, unit="minutes")
    result = forecast(series_of(scores, sc=sc, all_points=True), family="linear", until="2030")
    median, lower, _ = result.band()
    assert lower.min() == pytest.approx(0.0)  # it would be far below without the floor
    assert median.min() >= 0


def test_a_ceiling_alone_bounds_the_forecast_and_its_crossings():
    """Minutes, lower is better, no floor: the unit's best end (0) is the ceiling, so a
    falling frontier stops there, and a threshold past it is never reached."""
    rng = np.random.default_rng(5)
    scores = np.clip(60 - 9 * (XS - XS[0]) + rng.normal(0, 2, len(XS)), 0.5, None)
    sc = scale(floor=None, ceiling=0.0, higher_is_better=False, unit="minutes")
    result = forecast(series_of(scores, sc=sc), family="linear", until="2035")
    median, lower, upper = result.band()
    assert min(median.min(), lower.min(), upper.min()) >= 0
    assert median.min() == pytest.approx(0.0)  # the line would be far below zero by 2035
    assert result.crossing(-5.0).status == "never"
    assert result.crossing(0.1).status in ("forecast", "reached")
    # Past the ceiling, which lies below the scores: not at it.
    assert result.crossing_text(result.crossing(-5.0)) == "past the best achievable, never reached"


@pytest.mark.parametrize("higher", [True, False])
def test_a_decay_with_no_ceiling_is_not_said_to_pass_the_best_achievable(higher):
    """Scores rising from -500 towards 0 (or, lower being better, falling from 500), on a
    benchmark with no ceiling: a threshold past 0 is never reached because the
    exponential levels off at 0, which nothing made the best achievable, as the
    figure's and the report's "past the best achievable" said."""
    sign = -1 if higher else 1
    scores = sign * 500 * 0.5 ** ((XS - 2018) * 12 / 12)
    sc = scale("s", floor=None, ceiling=None, higher_is_better=higher, unit="score")
    result = forecast(series_of(scores, sc=sc), family="exponential", until="2027")
    past = -sign * 5.0
    assert result.crossing(past).status == "never"
    assert result.crossing_text(result.crossing(past)) == (
        "past 0, which the exponential nears without reaching, never reached"
    )
    assert result.crossing_text(result.crossing(0.0)) == "at 0, never reached"


@pytest.mark.parametrize("higher", [True, False])
def test_a_decay_under_a_ceiling_past_0_is_said_to_near_0_not_the_best_achievable(higher):
    """Scores rising from -500 towards 0 (or, lower being better, falling from 500) under
    a ceiling of 10 (-10): the exponential levels off at 0, so 5 (-5) is never reached
    though it is short of the ceiling, as the figure's and the report's "past the best
    achievable" said (and of 0 itself too)."""
    sign = -1 if higher else 1
    scores = sign * 500 * 0.5 ** (XS - 2018)
    sc = scale("s", floor=None, ceiling=-sign * 10.0, higher_is_better=higher, unit="score")
    result = forecast(series_of(scores, sc=sc), family="exponential", until="2027")
    texts = {t: result.crossing_text(result.crossing(-sign * t)) for t in (5.0, 0.0, 12.0)}
    assert texts == {
        5.0: "past 0, which the exponential nears without reaching, never reached",
        0.0: "at 0, never reached",
        12.0: "past the best achievable, never reached",
    }


def test_a_line_held_at_a_bound_offers_a_saturating_family_only_where_one_fits():
    """A line held at the ceiling said "a saturating family, such as auto's, bends
    before it" of a frontier with two points above the floor, which no S-curve fits;
    so did one held at the floor by results falling below it."""
    xs = np.array([2020.0, 2021.0, 2022.0, 2023.0])
    floored = scale("b", floor=25, ceiling=100)
    jump = series_of([10.0, 20.0, 30.0, 99.0], xs=xs, sc=floored)
    with pytest.raises(TrendlabError, match="only 2 of its frontier points are above"):
        forecast(jump, family="logistic", until="2027")
    note = forecast(jump, family="linear", until="2027").bound_note() or ""
    assert note.endswith(
        "not a trend (a saturating family would bend before it, but none fits these frontier "
        "points)"
    ), note
    falling = series_of([30.0, 27.0, 24.0, 20.0], xs=xs, sc=floored, all_points=True)
    with pytest.raises(TrendlabError, match="only 2 of its results are above"):
        forecast(falling, family="gompertz", until="2027")
    note = forecast(falling, family="linear", until="2027").bound_note() or ""
    assert note.startswith("the linear median reaches 25 by ") and note.endswith(
        "(a saturating family would bend before it, but none fits these results)"
    ), note
    rising = series_of([40.0, 70.0, 90.0, 99.0], xs=xs, sc=floored)
    note = forecast(rising, family="linear", until="2027").bound_note() or ""
    assert note.endswith("(a saturating family, such as auto's, bends before it)"), note


def test_a_line_already_within_the_allowance_of_the_ceiling_has_reached_it():
    """A frontier at 99.95 on 0-100 is within the thousandth of the range at which a
    line's path counts as at the ceiling: the crossing of 100 (or 99.99) is reached on
    the date of that result, not forecast for that date with probability 1, and the
    note says the frontier is already there rather than when the median gets there."""
    xs = np.array([2021.0, 2022.0, 2023.0])
    result = forecast(series_of([90.0, 97.0, 99.95], xs=xs), family="linear", until="2026")
    for threshold in (100.0, 99.99, 99.95):
        crossing = result.crossing(threshold)
        assert crossing.status == "reached", crossing
        assert crossing.median == crossing.lower == crossing.upper == 2023.0
    note = result.bound_note()
    assert note is not None and note.startswith(
        "the frontier is already at 100: 99.95 on 2023-01-01 (within 0.1 of it, as the "
        "crossing of 100 counts), and the linear median is held there"
    ), note
    # One exactly at the ceiling is at it, with no allowance to mention.
    exact = forecast(series_of([90.0, 97.0, 100.0], xs=xs), family="linear", until="2026")
    assert exact.crossing(100.0).status == "reached"
    assert (exact.bound_note() or "").startswith(
        "the frontier is already at 100: 100 on 2023-01-01, and the linear median"
    ), exact.bound_note()
    # A frontier short of the allowance is still a forecast, reached after today.
    short = forecast(series_of([90.0, 97.0, 99.5], xs=xs), family="linear", until="2026")
    crossing = short.crossing(100.0)
    assert crossing.status == "forecast" and crossing.median is not None
    assert crossing.median > 2023.0
    assert "already" not in (short.bound_note() or "")


@pytest.mark.parametrize(
    ("floor", "ceiling", "scores", "within", "held"),
    [
        # Not six digits: 1.23457 and 0.123457.
        (0.0, 1234.5678, [100.0, 600.0, 1100.0], "1.2345678", "0.12345678"),
        # Not 10.075000000000001, nor 0.007500000000000001 of a range of 75.
        (10080.0, 5.0, [3000.0, 1500.0, 100.0], "10.075", "1.0075"),
        (-75.0, 0.0, [-60.0, -30.0, -10.0], "0.075", "0.0075"),
    ],
)
def test_the_notes_give_a_share_of_the_range_as_its_bounds_make_it(
    floor, ceiling, scores, within, held
):
    """The thousandth of the range within which a line's median is at the ceiling, and
    the ten-thousandth a logit holds scores from it, read as the bounds they come from,
    neither cut to six digits nor with the noise of multiplying floats."""
    sc = scale(unit="score", floor=floor, ceiling=ceiling, higher_is_better=ceiling > floor)
    xs = np.array([2020.0, 2021.0, 2022.0])
    line = forecast(series_of(scores, xs=xs, sc=sc), family="linear", until="2026")
    note = line.bound_note() or ""
    assert f"(within {within} of it, as the crossing of " in note, note
    near = ceiling - (ceiling - floor) * 0.0005  # within HELD_NEAR of the range
    curve = forecast(series_of([*scores[:2], near], xs=xs, sc=sc), family="logistic")
    note = curve.held_note() or ""
    assert f"hold every score at least {held} score from its ceiling" in note, note


def test_a_calibrated_line_near_the_ceiling_is_told_nothing_of_a_logits_hold():
    """A line is calibrated in z before its clip: it takes no logit and reaches the
    ceiling itself, yet calibrated it was told its forecasts hold every score 0.0075
    from 100 where they take a logit."""
    xs = np.array([2020.0, 2021.0, 2022.0, 2023.0])
    series = series_of([90.0, 95.0, 99.0, 99.95], xs=xs, sc=scale(floor=25.0, ceiling=100.0))
    misses = np.random.default_rng(0).normal(0.0, 1.0, 40)
    rows = pl.DataFrame(
        {"horizon": [12] * 40, "e_act": misses, "e_med": [0.0] * 40, "e_scale": [1.0] * 40}
    )
    calibration = Calibration.from_rows(rows, "identity")
    line = forecast(series, family="linear", until="2026", calibration=calibration)
    assert line.paths.max() == 1.0
    assert line.held_note() is None


def test_a_frontier_below_the_floor_is_not_said_to_be_at_it():
    """A frontier below chance (10 to 16 on a floor of 25), its line still short of the
    floor: the median is the floor, and the note said "the frontier is already at 25: 10
    on 2016-01-01 (within 0.075 of it)", naming a record 15 points short of it."""
    xs = np.array([2016.0, 2017.0, 2018.0, 2019.0])
    sc = scale(floor=25.0, ceiling=100.0)
    result = forecast(series_of([10.0, 12.0, 14.0, 16.0], xs=xs, sc=sc), family="linear",
                      until="2020")  # fmt: skip
    assert result.band()[0] == pytest.approx(25.0, abs=0.1)
    note = result.bound_note()
    assert note is not None and note.startswith("the linear median reaches 25 by "), note
    assert "already" not in note


def test_lower_is_better_flips():
    errors = 100 - logistic_scores(XS, slope=1.0, midpoint=2021.0)
    # Floor is chance level (the worst score) and ceiling the best achievable either
    # way: an error rate's floor is the higher number.
    sc = scale("errors", floor=100.0, ceiling=0.0, higher_is_better=False)
    series = series_of(errors, sc=sc)
    assert series.records.height == len(XS)  # every error rate is a new low
    result = forecast(series, family="logistic", until="2030")
    median, lower, upper = result.band()
    assert np.all(np.diff(median) <= 1e-9) and np.all(lower >= 0) and np.all(upper <= errors[-1])
    crossing = result.crossing(1.0)
    assert crossing.status == "forecast" and crossing.median is not None


def test_floor_is_chance_and_ceiling_the_best_either_way():
    """One meaning in both directions: v runs from floor (0) to ceiling (1); a bound
    left empty is the unit's worst (floor) or best (ceiling) end."""
    from trendlab.series import Scale

    row = {
        "slug": "err",
        "name": None,
        "unit": "percent",
        "human_baseline": None,
        "unit_min": 0.0,
        "unit_max": 100.0,
    }
    lower = Scale.from_record(row | {"higher_is_better": False, "floor": None, "ceiling": 5.0})
    assert (lower.floor, lower.ceiling) == (100.0, 5.0)
    assert lower.value(100.0) == 0.0 and lower.value(5.0) == 1.0 and lower.score(0.5) == 52.5
    assert lower.default_threshold() == pytest.approx(14.5)  # 90 % of the way to the best
    assert lower.beyond(4.0) and not lower.beyond(99.0) and not lower.beyond(120.0)
    empty = Scale.from_record(row | {"higher_is_better": False, "floor": None, "ceiling": None})
    assert (empty.floor, empty.ceiling) == (100.0, 0.0)
    higher = Scale.from_record(row | {"higher_is_better": True, "floor": 25.0, "ceiling": None})
    assert (higher.floor, higher.ceiling) == (25.0, 100.0)
    assert higher.beyond(100.5) and not higher.beyond(10.0)  # below chance is data


@pytest.mark.parametrize(
    ("floor", "ceiling", "higher", "message"),
    [
        (0.0, 100.0, False, "swap them with `trendlab edit benchmark synth --set floor=100 "),
        (100.0, 0.0, True, "synth: floor 100 is not below ceiling 0"),
        (50.0, 50.0, True, "floor and ceiling are both 50"),
    ],
)
def test_bounds_the_wrong_way_round_are_an_error(floor, ceiling, higher, message):
    sc = scale(floor=floor, ceiling=ceiling, higher_is_better=higher)
    with pytest.raises(TrendlabError, match=re.escape(message)):
        series_of(logistic_scores(XS, slope=1.0, midpoint=2021.0), sc=sc)


def test_a_score_past_the_ceiling_is_an_error_one_below_the_floor_is_not():
    scores = logistic_scores(XS, slope=1.0, midpoint=2021.0, floor=25.0)
    below_chance = np.concatenate([[10.0], scores[1:]])
    assert series_of(below_chance, sc=scale(floor=25.0)).current > 0
    with pytest.raises(
        TrendlabError, match=r"the best score, 9\d\.\d+ by m\d+, is above the ceiling 90"
    ):
        series_of(scores, sc=scale(floor=25.0, ceiling=90.0))


def test_crossing_matches_the_curve_and_the_paths():
    xs = np.arange(2016.0, 2020.0, 0.25)
    series = series_of(logistic_scores(xs, slope=1.2, midpoint=2021.5), xs=xs)
    result = forecast(series, family="logistic", until="2026")
    crossing = result.crossing(90.0)
    expected = 2021.5 + np.log(9) / 1.2  # logit(0.9) / slope after the midpoint
    assert crossing.status == "forecast"
    assert crossing.median == pytest.approx(expected, abs=0.1)
    assert crossing.lower <= crossing.median <= crossing.upper
    # The probability of crossing by --until is the share of paths above it then, kept
    # within what the 2,000 paths resolve: all of them say at least 2,000 / 2,001.
    share = float(np.mean(result.paths[:, -1] >= 0.9))
    assert share == 1.0
    assert crossing.probability == pytest.approx(2000 / 2001) and crossing.bound == "lower"
    early = forecast(series, family="logistic", until="2021").crossing(90.0)
    assert early.probability < 0.5 and early.median is None


def test_an_estimate_short_of_every_path_is_not_shown_as_certain():
    """Uncalibrated, all 2,000 paths crossing read '≥ 0.999', but 1,999 of them read 1
    with no bound: fewer crossing paths claimed a certainty that all of them did not."""
    from trendlab.forecast.result import Forecast, bound_text

    xs = np.arange(2016.0, 2020.0, 0.25)
    series = series_of(logistic_scores(xs, slope=1.2, midpoint=2021.5), xs=xs)
    result = forecast(series, family="logistic", until="2026")
    paths = result.paths.copy()
    paths[0] = 0.0  # one path never reaches 90
    one_short = Forecast(series, result.curve, result.axis, paths, level=result.level)
    crossing = one_short.crossing(90.0)
    assert crossing.probability == pytest.approx(1999 / 2000) and crossing.bound is None
    assert bound_text(crossing) == "0.999"
    (row,) = one_short.crossing_frame([crossing]).to_dicts()
    assert row["probability_by_until"] == 0.999
    assert bound_text(result.crossing(90.0)) == "≥ 0.999"


def test_an_estimate_short_of_certain_is_not_a_certainty_in_words_either():
    """The table read 0.999 and 0.004, but the report's chance column said '100 %' and a
    crossing past --until '0 % chance by ...', where some paths did cross."""
    from trendlab.forecast.result import Forecast, chance_text
    from trendlab.report.page import _crossings

    assert [chance_text(p) for p in (0.996, 0.999, 0.004, 0.4444)] == [
        "99 %",
        "99 %",
        "1 %",
        "44 %",
    ]
    assert (chance_text(1.0), chance_text(0.0)) == ("100 %", "0 %")  # reached, never
    # A raw share of paths reads as the crossing frame's three decimals of it do.
    assert all(chance_text(p) == chance_text(round(p, 3)) for p in (0.4449, 0.1249, 0.0005))
    xs = np.arange(2016.0, 2020.0, 0.25)
    series = series_of(logistic_scores(xs, slope=1.2, midpoint=2021.5), xs=xs)
    result = forecast(series, family="logistic", until="2026")
    paths = result.paths.copy()
    paths[8:] = 0.0  # 8 of 2,000 paths reach 90
    few = Forecast(series, result.curve, result.axis, paths, level=result.level)
    crossing = few.crossing(90.0)
    assert crossing.probability == pytest.approx(8 / 2000) and crossing.bound is None
    assert few.crossing_text(crossing) == "1 % chance by 2026-12-31"
    paths = result.paths.copy()
    paths[:2] = 0.0  # all but 2 do
    most = Forecast(series, result.curve, result.axis, paths, level=result.level)
    crossing = most.crossing(90.0)
    page = _crossings(most.crossing_frame([crossing]), [most.crossing_text(crossing)], "2026")
    assert '<td class="num">99 %</td>' in page
    # Without a scale (the page's table passes its section's), the threshold is its number.
    assert '<tr><td class="num">90</td>' in page


def test_a_calibrated_probability_is_never_certain():
    """Calibrated paths end at the largest held-out miss either way, so all of them or
    none cross a threshold past it; but with n misses the next outcome lies past every
    one with chance 1 / (n + 1), and the probability says no more than that."""
    from trendlab.forecast.calibrate import Calibration

    xs = np.arange(2016.0, 2020.0, 0.25)
    series = series_of(logistic_scores(xs, slope=1.2, midpoint=2021.5), xs=xs)
    misses = np.linspace(-1.0, 1.0, 12)
    rows = pl.DataFrame(
        {
            "horizon": [6] * 12 + [12] * 12,
            "e_act": np.concatenate([misses, misses]),
            "e_med": [0.0] * 24,
            "e_scale": [1.0] * 24,
        }
    )
    calibration = Calibration.from_rows(rows, "logit")
    assert calibration is not None and calibration.fewest == 12
    # Uncalibrated, the 2,000 paths are the evidence: all crossing is at least 2000/2001.
    raw = forecast(series, family="logistic", until="2060")
    assert np.mean(raw.paths[:, -1] >= 0.6) == 1.0
    assert raw.crossing(60.0).probability == pytest.approx(2000 / 2001)
    calibrated = forecast(series, family="logistic", until="2060", calibration=calibration)
    assert calibrated.crossing(60.0).probability == pytest.approx(12 / 13)
    soon = forecast(series, family="logistic", until="2020", calibration=calibration)
    assert np.mean(soon.paths[:, -1] >= 0.99) == 0.0
    assert soon.crossing(99.0).probability == pytest.approx(1 / 13)
    # Between the bounds it is the share of paths, as uncalibrated: here about half
    # of them reach the median forecast for the last month.
    near = forecast(series, family="logistic", until="2022", calibration=calibration)
    median = float(near.band()[0][-1])
    middle = near.crossing(median).probability
    assert 1 / 13 < middle < 12 / 13
    assert middle == pytest.approx(np.mean(series.scale.score(near.paths[:, -1]) >= median))
    # What has happened, or cannot, stays certain.
    assert calibrated.crossing(5.0).probability == 1.0
    assert calibrated.crossing(100.5).probability == 0.0


def test_a_chance_at_what_the_misses_support_reads_as_a_bound():
    """Held at 1 / (n + 1) because no calibrated path crosses, a crossing's chance is at
    most that, and at n / (n + 1) at least: the table, JSON, the figure's label and the
    report showed it as an estimate ('8 % chance by ...' where no path crossed)."""
    from trendlab.forecast.calibrate import Calibration
    from trendlab.report.page import _crossings

    xs = np.arange(2016.0, 2020.0, 0.25)
    series = series_of(logistic_scores(xs, slope=1.2, midpoint=2021.5), xs=xs)
    misses = np.linspace(-1.0, 1.0, 12)
    rows = pl.DataFrame(
        {"horizon": [6] * 12, "e_act": misses, "e_med": [0.0] * 12, "e_scale": [1.0] * 12}
    )
    calibration = Calibration.from_rows(rows, "logit")
    soon = forecast(series, family="logistic", until="2020", calibration=calibration)
    late = forecast(series, family="logistic", until="2060", calibration=calibration)
    at_most, at_least = soon.crossing(99.0), late.crossing(60.0)
    assert (at_most.probability, at_most.bound) == (pytest.approx(1 / 13), "upper")
    assert (at_least.probability, at_least.bound) == (pytest.approx(12 / 13), "lower")
    assert soon.crossing_text(at_most) == "≤ 8 % chance by 2020-12-31"
    [row] = soon.to_json([99.0])["crossings"]
    assert (row["probability_by_until"], row["probability_bound"]) == (0.0769, "upper")
    assert soon.tables([99.0])[1][1].get_column("probability_by_until").to_list() == ["≤ 0.077"]
    assert late.tables([60.0])[1][1].get_column("probability_by_until").to_list() == ["≥ 0.923"]
    page = _crossings(late.crossing_frame([at_least]), [late.crossing_text(at_least)], "2060")
    assert '<td class="num">≥ 92 %</td>' in page
    # Between the bounds the share of paths is an estimate; reached and never are certain.
    near = forecast(series, family="logistic", until="2022", calibration=calibration)
    between = near.crossing(float(near.band()[0][-1]))
    assert 1 / 13 < between.probability < 12 / 13 and between.bound is None
    assert near.tables([5.0, 100.5])[1][1].get_column("probability_by_until").to_list() == [
        "1",
        "0",
    ]
    assert [c["probability_bound"] for c in near.to_json([5.0, 100.5])["crossings"]] == [
        None,
        None,
    ]


def test_a_share_of_paths_exactly_at_what_the_misses_support_is_a_bound():
    """With 19 held-out misses the least supported chance is 1/20: where exactly one
    path in 20 crosses, the share is that least, so it is only a bound ('≤ 0.05'), as
    one held up to it from below is; the same share with no calibration is an
    estimate."""
    from trendlab.forecast.result import Forecast

    xs = np.arange(2016.0, 2020.0, 0.25)
    series = series_of(logistic_scores(xs, slope=1.2, midpoint=2021.5), xs=xs)
    fitted = forecast(series, family="logistic", until="2022")
    paths = np.full((20, fitted.paths.shape[1]), series.current)
    paths[0, -1] = 0.99  # one path in 20 reaches 95 by the end
    kw = {"level": 0.8, "evidence": 19}
    held = Forecast(series, fitted.curve, fitted.axis, paths, **kw).crossing(95.0)
    assert (held.probability, held.bound) == (0.05, "upper")
    raw = Forecast(series, fitted.curve, fitted.axis, paths, level=0.8).crossing(95.0)
    assert (raw.probability, raw.bound) == (0.05, None)


def test_a_crossing_in_the_first_month_is_read_from_today_s_best():
    """A frontier is at today's best on its latest result's date: a threshold the band
    passes by the first month end is crossed between the two (linearly), not at that
    month end as if the frontier had been nowhere before it."""
    xs = np.arange(2016.0, 2020.0, 0.25)
    series = series_of(logistic_scores(xs, slope=1.2, midpoint=2021.5), xs=xs)
    result = forecast(series, family="logistic", until="2022")
    first_month_end = float(result.axis.grid[0])
    lowest = float(result.band()[1][0])
    between = float(series.scale.score(series.current)) + 0.2
    assert between < lowest  # every band curve has passed it by the first month end
    crossing = result.crossing(between)
    assert crossing.status == "forecast"
    for x in (crossing.median, crossing.lower, crossing.upper):
        assert x is not None and series.x_now < x < first_month_end


def test_nineteen_misses_support_a_90_percent_interval_s_chance_so_it_is_not_noted():
    """At 90 % an interval ending before --until says at least (1 + 0.9) / 2 = 0.95 of
    paths have crossed; 19 held-out misses cap a chance at 19/20 = 0.95, which says as
    much, so nothing is noted (the README: 19 take 0.95). With 18 the cap, 18/19, says
    less, and the note says so."""
    from trendlab.forecast.result import Forecast

    xs = np.arange(2016.0, 2020.0, 0.25)
    series = series_of(logistic_scores(xs, slope=1.2, midpoint=2021.5), xs=xs)
    fitted = forecast(series, family="logistic", until="2022")
    paths = np.full((20, fitted.paths.shape[1]), 0.99)  # every path past 95 at once

    def note(evidence: int) -> str | None:
        result = Forecast(series, fitted.curve, fitted.axis, paths, level=0.9, evidence=evidence)
        [crossing] = result.crossings([95.0])
        assert crossing.upper is not None and crossing.bound == "lower"
        return result.capped_note([crossing])

    assert note(19) is None
    assert (note(18) or "").startswith("the chance of crossing 95 by 2022-12-31 is shown as")


def test_a_crossing_in_words():
    """One wording for the figure's labels and the report: the median and its interval,
    the chance by --until where the median runs past it, reached, or never (an interval
    that runs past --until: tests/test_report.py, on the seeded data)."""
    xs = np.arange(2016.0, 2020.0, 0.25)
    series = series_of(logistic_scores(xs, slope=1.2, midpoint=2021.5), xs=xs)
    result = forecast(series, family="logistic", until="2040")
    crossing = result.crossing(90.0)
    assert crossing.upper is not None
    date_re = r"\d{4}-\d\d-\d\d"
    assert re.fullmatch(rf"{date_re} \({date_re} to {date_re}\)", result.crossing_text(crossing))
    early = forecast(series, family="logistic", until="2021")
    # No path crosses by then: the chance is only known to be below what 2,000 resolve.
    assert early.crossing_text(early.crossing(90.0)) == "≤ 1 % chance by 2021-12-31"
    assert re.fullmatch(rf"reached {date_re}", result.crossing_text(result.crossing(5.0)))
    assert result.crossing_text(result.crossing(100.5)) == "past the best achievable, never reached"


def test_crossing_reached_and_never():
    series = series_of(logistic_scores(XS, slope=1.2, midpoint=2020.0))
    result = forecast(series, family="logistic", until="2027")
    reached = result.crossing(50.0)
    assert reached.status == "reached" and reached.probability == 1.0
    assert reached.median == pytest.approx(2020.0, abs=0.25)
    never = result.crossing(100.5)
    assert never.status == "never" and never.probability == 0.0 and never.median is None
    # The ceiling itself: an S-curve nears it and never gets there, though paths whose
    # last digit rounds up show it reached.
    far = forecast(series, family="logistic", until="2060")
    assert (far.paths >= 1.0).any()
    at = far.crossing(100.0)
    assert at.status == "never" and at.probability == 0.0
    # A straight line does reach its bound, and one already at it has reached it.
    assert forecast(series, family="linear", until="2040").crossing(100.0).status == "forecast"
    top = series_of(
        np.append(logistic_scores(XS, slope=1.2, midpoint=2020.0), 100.0),
        xs=np.append(XS, XS[-1] + 0.5),
    )
    assert forecast(top, family="logistic", until="2027").crossing(100.0).status == "reached"


def test_fit_uses_the_frontier_and_the_latest_plateau():
    scores = np.array([10.0, 30, 25, 50, 45, 70, 60, 65, 68, 69])
    xs = np.arange(2015.0, 2025.0)
    series = series_of(scores, xs=xs)
    assert series.records.get_column("score").to_list() == [10, 30, 50, 70]
    x, v = series.fit_data()
    # The plateau after the last record shows as the best value at the latest result.
    assert x[-1] == 2024.0 and v[-1] == pytest.approx(0.7)
    assert len(series_of(scores, xs=xs, all_points=True).fit_data()[0]) == 10


def test_build_series_errors():
    xs = XS[:5]
    with pytest.raises(TrendlabError, match="non-finite score"):
        series_of(np.array([1.0, 2, np.nan, 4, 5]), xs=xs)
    with pytest.raises(TrendlabError, match="setting containing 'cot'"):
        series_of(np.arange(5.0), xs=xs, setting="cot")
    with pytest.raises(TrendlabError, match="2 frontier points; a trend needs at least 3"):
        series_of(np.array([5.0, 3, 2, 1, 9]), xs=xs)  # the second record the latest
    with pytest.raises(TrendlabError, match="known price; --by price needs at least 3"):
        series_of(np.arange(5.0), xs=xs, by="price")


def test_by_compute_uses_log10_flop():
    scores = logistic_scores(XS, slope=1.0, midpoint=2020.0)
    series = series_of(scores, by="compute")
    assert series.points.get_column("x").to_list()[:2] == pytest.approx([22.0, 22.1])
    result = forecast(series, family="logistic", until="1e27")
    assert result.axis.label(result.axis.grid[-1]) == pytest.approx(1e27)
    # x is in orders of magnitude: 0.1 OOM per step here, i.e. slope 1.0/yr = 4/OOM over 0.25 yr
    assert result.parameters()["slope"] == pytest.approx(2.5, rel=0.01)


@pytest.mark.parametrize("family", ["logistic", "ensemble"])
def test_a_midpoint_by_compute_reads_to_three_figures_in_the_table(family):
    """By date the table's midpoint is a day; by compute it was FLOP to twelve digits
    (4.02897454308e+22) beside a crossing's 1.99e+26. It reads to three figures, as a
    crossing does; JSON keeps its twelve."""
    series = series_of(logistic_scores(XS, slope=1.0, midpoint=2020.0), by="compute")
    result = forecast(series, family=family, until="1e27")
    rows = dict(result.parameter_rows())
    positions = {k: v for k, v in rows.items() if k.endswith(("midpoint", "inflection"))}
    assert len(positions) == (3 if family == "ensemble" else 1)
    raw = dict(_flat(result.parameters()))
    for name, shown in positions.items():
        assert shown == f"{raw[name]:.3g}", name
    doc = dict(_flat(result.to_json([])["parameters"]))
    assert all(doc[name] == pytest.approx(raw[name], rel=1e-11) for name in positions)


def test_a_tiny_price_midpoint_keeps_its_digits_in_json_and_the_table():
    """By price the midpoint is in USD per million tokens, and an extrapolated one can
    be a millionth of a dollar: rounded to four decimals it read 0.0."""
    log_price = -7 + 0.1 * np.arange(len(XS))
    points = frame(XS, logistic_scores(log_price, slope=1.0, midpoint=-5.5)).with_columns(
        pl.Series("price", 10**log_price)
    )
    result = forecast(build_series(scale(), points, by="price"), family="logistic", until="1")
    raw = result.parameters()["midpoint"]
    assert raw == pytest.approx(10**-5.5, rel=0.01)
    assert result.to_json([])["parameters"]["midpoint"] == pytest.approx(raw, rel=1e-5)
    assert float(dict(result.parameter_rows())["midpoint"]) == pytest.approx(raw, rel=5e-3)


def test_ensemble_averages_its_members_quantile_by_quantile():
    from trendlab.forecast.paths import unclipped_paths, within_bounds

    z = _noisy(logistic_scores(XS, slope=1.0, midpoint=2021.5, top=0.9) / 100, sd=0.2, seed=3)
    series = series_of(100 * z)
    ensemble = forecast(series, family="ensemble", until="2028")
    assert ensemble.family == "ensemble"
    grid = ensemble.axis.grid
    raw = [within_bounds(unclipped_paths(m, series, grid), series) for m in ensemble.curve.members]
    assert [m.family for m in ensemble.curve.members] == ["logistic", "logistic4", "gompertz"]
    # Uncalibrated, each grid point's k-th lowest path of the ensemble is the mean, in
    # logit space, of the members' k-th lowest, then held to the frontier's rules.
    logit = lambda v: np.log(v) - np.log1p(-v)  # noqa: E731
    mean = np.mean([np.sort(logit(np.clip(r, 1e-4, 1 - 1e-4)), axis=0) for r in raw], axis=0)
    first = np.maximum(1 / (1 + np.exp(-mean[:, 0])), series.current)
    assert np.allclose(np.sort(ensemble.paths[:, 0]), first, atol=1e-9)
    members = [forecast(series, family=m.family, until="2028") for m in ensemble.curve.members]
    medians = np.array([m.band()[0] for m in members])
    median = ensemble.band()[0]
    assert np.all(medians.min(0) - 0.5 <= median) and np.all(median <= medians.max(0) + 0.5)
    params = ensemble.parameters()
    assert set(params) == {"logistic", "logistic4", "gompertz"}
    assert params["logistic4"]["ceiling"] < 100 and params["logistic"]["ceiling"] == 100
    doc = ensemble.to_json([95.0])
    assert doc["family"] == "ensemble" and doc["parameters"]["gompertz"]["inflection"]
    table = dict(ensemble.tables([95.0])[-1][1].iter_rows())
    assert "logistic4.ceiling" in table and "gompertz.slope" in table


def test_an_ensemble_fit_round_trips_through_the_cache_format():
    from trendlab.forecast.families import Curve

    series = series_of(logistic_scores(XS, slope=1.2, midpoint=2021.5, top=0.95))
    first = forecast(series, family="ensemble", until="2027")
    again = forecast(
        series, family="ensemble", until="2027", curve=Curve.from_dict(first.curve.to_dict())
    )
    assert [m.family for m in again.curve.members] == ["logistic", "logistic4", "gompertz"]
    assert np.array_equal(first.paths, again.paths)


def test_a_collapsed_raw_spread_is_floored_so_residuals_stay_finite():
    from trendlab.forecast.calibrate import MIN_SPREAD, summarize

    pinned = np.full((500, 3), 0.9)  # e.g. a fitted ceiling at today's best
    e_med, e_scale = summarize(pinned, "logit")
    assert np.allclose(e_med, np.log(9)) and np.allclose(e_scale, MIN_SPREAD["logit"])
    spread = 1 / (1 + np.exp(-np.random.default_rng(0).normal(0, 1, (4000, 1))))
    assert summarize(spread, "logit")[1][0] == pytest.approx(np.hypot(1, 0.05), rel=0.05)


def test_a_typical_results_crossing_and_its_chance_agree_when_paths_fall_back():
    """With --all a path is a typical result's trend, which may cross a threshold and
    fall back: the chance by --until counted every path that ever crossed (50.5 % for
    a flat, noisy series at 52), while the dates, read where the band first reached
    it, had no median (the band's median never did). With --all the dates are again
    quantiles of when each path first crosses, as the chance counts them."""
    rng = np.random.default_rng(11)
    xs = np.sort(rng.uniform(2019, 2025, 30))
    scores = np.clip(50 + rng.normal(0, 12, 30), 1, 99)
    result = forecast(series_of(scores, xs=xs, all_points=True), family="linear", until="2032")
    seen = set()
    now = float(result.curve.mean(np.array([result.series.x_now]))[0])
    for threshold in np.arange(44.0, 60.0, 0.5):
        crossing = result.crossing(float(threshold))
        # Below the trend's level at the latest result, the trend has reached it.
        reached = float(result.series.scale.value(threshold)) <= now
        assert crossing.status == ("reached" if reached else "forecast")
        seen.add(crossing.median is None)
        # The median date exists exactly when at least half the paths are past it then.
        assert (crossing.median is not None) == (crossing.probability >= 0.5), threshold
    assert seen == {True, False}  # both sides of the median were tried


def test_a_typical_result_s_trend_past_a_threshold_has_reached_it():
    """With --all, a threshold the trend passed years before the latest result was
    forecast for the first month end after it, with certainty (GPQA Diamond's 50, which
    a typical result's trend passed in 2024, read 2026-04-30): the paths start there.
    It is reached where the fitted trend came up to it."""
    rng = np.random.default_rng(5)
    xs = np.sort(rng.uniform(2019, 2025, 40))
    scores = 10 + 10 * (xs - 2019) + rng.normal(0, 2, xs.size)  # 10 points a year
    result = forecast(series_of(scores, xs=xs, all_points=True), family="linear", until="2028")
    past = result.crossing(30.0)
    assert past.status == "reached" and past.probability == 1.0
    assert past.median == past.lower == past.upper == pytest.approx(2021.0, abs=0.1)
    ahead = result.crossing(90.0)  # the line is at about 70 at the end of 2024
    assert ahead.status == "forecast"
    assert ahead.median == pytest.approx(2027.0, abs=0.3)


@pytest.mark.parametrize("higher_is_better", [True, False])
def test_a_score_short_of_a_bound_never_reached_is_never_shown_at_it(higher_is_better):
    """An S-curve nears its ceiling and its crossing says it never reaches it, yet the
    table rounded an interval end of 99.995 or more (or a path's 100.0, its last digit
    rounded up) to 100, and JSON and CSV did as much at their digits; an error rate's
    0 likewise. Each shows the nearest number short of the bound instead; a line,
    which does reach it, still shows it."""
    xs = np.arange(2016.0, 2022.0, 0.25)
    scores = logistic_scores(xs, slope=1.5, midpoint=2018.0)
    sc = scale() if higher_is_better else scale(floor=100.0, ceiling=0.0, higher_is_better=False)
    if not higher_is_better:
        scores = 100 - scores
    result = forecast(series_of(scores, xs=xs, sc=sc), family="logistic", until="2060")
    best, short = (100.0, np.less) if higher_is_better else (0.0, np.greater)
    assert result.crossing(best).status == "never"
    assert (np.concatenate(result.band()) == best).any()
    tables = result.tables([best])
    table = tables[0][1].select("median", "lower", "upper").to_numpy()
    csv = result.frame().select("median", "lower", "upper").to_numpy()
    doc = [[p[k] for k in ("median", "lower", "upper")] for p in result.to_json([])["forecast"]]
    for shown, step in ((table, 0.01), (csv, 1e-10), (np.array(doc), 1e-4)):
        assert short(shown, best).all()
        assert np.abs(shown - best).min() <= step * 1.01  # the nearest short of it
    # An error rate's 0 reads as the least a score below a hundredth shows (see below).
    assert table.tolist()[-1] == [99.99 if higher_is_better else 1e-10] * 3
    line = forecast(series_of(scores, xs=xs, sc=sc), family="linear", until="2060")
    assert line.crossing(best).status != "never"
    assert (line.frame(decimals=2).select("median", "lower", "upper").to_numpy() == best).any()


@pytest.mark.parametrize("family", ["linear", "exponential"])
def test_a_score_below_a_hundredth_reads_to_two_significant_digits(family):
    """A latency falling toward 0 minutes: rounded to two decimals, the table and the
    report showed a line's 0.00059 as 0 (and an exponential's 0.0027, whose 0 is never
    reached, as 0.01). A score below a hundredth keeps two significant digits."""
    sc = scale("lat", floor=None, ceiling=0.0, higher_is_better=False, unit="minutes")
    scores = 0.2 * 0.5 ** (XS - 2018) if family == "exponential" else 0.5 - 0.07 * (XS - 2018)
    result = forecast(series_of(scores, sc=sc), family=family, until="2026-06-30")
    shown = result.frame(decimals=2).select("median", "lower", "upper").to_numpy()
    exact = np.column_stack(result.band())
    small = (exact > 0) & (exact < 0.01)
    assert small.any()
    assert shown[small] == pytest.approx(exact[small], rel=0.05)
    assert (shown[exact == 0] == 0).all()  # a line reaches 0, and shows it


def test_the_title_of_a_forecast_of_every_result_says_whose_interval_it_is():
    """With --all each path is a drawn curve plus one resampled residual, so the interval
    is one new result's, as wide as the results' scatter, not the trend's own
    uncertainty; "a typical result's median and 80 % interval" read as the latter."""
    rng = np.random.default_rng(2)
    xs = np.sort(rng.uniform(2018, 2024, 60))
    z = _noisy(logistic_scores(xs, slope=0.8, midpoint=2021.0) / 100, sd=0.6, seed=3)
    result = forecast(series_of(100 * z, xs=xs, all_points=True), family="logistic", until="2025")
    assert result.summary().endswith(
        "; median and 80 % interval of one new result, the trend plus a result's scatter "
        "(intervals not calibrated)"
    )
    _, lower, upper = result.band()
    curves = result.curve.draws(result.axis.grid[:1], 2000, np.random.default_rng(0))
    trend = result.series.scale.score(result.curve.from_space(curves))
    assert upper[0] - lower[0] > 2 * (np.quantile(trend, 0.9) - np.quantile(trend, 0.1))


def test_a_line_clipped_at_a_lone_bound_crosses_it_when_the_note_says():
    """With one bound the clip is exact: a path at the bound has crossed a threshold at
    it, in the month the note says the median reaches it (minutes falling to 0)."""
    rng = np.random.default_rng(5)
    scores = np.clip(60 - 9 * (XS - XS[0]) + rng.normal(0, 2, len(XS)), 0.5, None)
    sc = scale(floor=None, ceiling=0.0, higher_is_better=False, unit="minutes")
    result = forecast(series_of(scores, sc=sc), family="linear", until="2035")
    at = result.crossing(0.0)
    assert at.status == "forecast" and at.median is not None and at.probability > 0.5
    note = result.bound_note()
    assert note is not None and f"reaches 0 by {result.axis.text(at.median)}" in note, note


def test_a_crossing_on_the_day_read_is_not_before_it():
    """The note on a median crossing forecast before today is for dates before the day
    read (today or --as-of): one on that very day is not in the past."""
    xs = np.arange(2016.0, 2020.0, 0.25)
    series = series_of(logistic_scores(xs, slope=1.2, midpoint=2021.5), xs=xs)
    result = forecast(series, family="logistic", until="2026")
    crossing = result.crossing(90.0)
    assert crossing.status == "forecast" and crossing.median is not None
    when = result.axis.label(crossing.median)

    def note(day: date) -> str | None:
        read = forecast(series, family="logistic", until="2026", day=day)
        return read.unrecorded_note([read.crossing(90.0)], as_of=True)

    assert note(when) is None
    told = note(when + timedelta(days=1))
    assert told is not None and f"crosses 90 by {when}, before the --as-of day" in told, told


@pytest.mark.parametrize(
    ("n", "shown_sure", "shown_hopeless"),
    # Rounded outward, so the bound still holds: 18/19 = 0.9474, 1/19 = 0.0526.
    [(18, "≥ 0.947", "≤ 0.053"), (22, "≥ 0.956", "≤ 0.044"), (26, "≥ 0.962", "≤ 0.038")],
)
def test_a_capped_chance_is_noted_whatever_the_evidence(
    n: int, shown_sure: str, shown_hopeless: str
):
    """The note compared a capped chance with n / (n + 1), which for 18 or 26 held-out
    forecasts is a bit off the 1 - 1 / (n + 1) the cap is, so it never came there."""
    from trendlab.forecast.calibrate import supported
    from trendlab.forecast.result import Crossing

    xs = np.arange(2016.0, 2020.0, 0.25)
    result = forecast(series_of(logistic_scores(xs, slope=1.2, midpoint=2021.5), xs=xs),
                      family="logistic", until="2026", level=0.95)  # fmt: skip
    result.evidence = n
    sure, hopeless = supported(1.0, n), supported(0.0, n)
    ahead = Crossing(95.0, 2022.0, 2021.5, 2023.0, sure, "forecast", "lower")
    beyond = Crossing(99.9, None, None, None, hopeless, "forecast", "upper")
    told = result.capped_note([ahead, beyond])
    assert told is not None
    assert (
        f"95 by 2026-12-31 is shown as {shown_sure}, though its 95 % interval ends before" in told
    )
    assert (
        f"99.9 by 2026-12-31 is shown as {shown_hopeless}, though its 95 % interval does not"
        in told
    )
    # A chance short of its cap says nothing.
    assert result.capped_note([Crossing(95.0, 2022.0, 2021.5, 2023.0, 0.9, "forecast")]) is None


def test_a_typical_result_s_trend_is_reached_where_it_comes_up_to_the_threshold():
    """Reached on the first day the fitted trend is at the threshold, not the step before."""
    rng = np.random.default_rng(5)
    xs = np.sort(rng.uniform(2019, 2025, 40))
    scores = 10 + 10 * (xs - 2019) + rng.normal(0, 2, xs.size)
    result = forecast(series_of(scores, xs=xs, all_points=True), family="linear", until="2028")
    past = result.crossing(30.0)
    assert past.status == "reached" and past.median is not None
    target = float(result.series.scale.value(30.0))
    trend = result.curve.mean(np.array([past.median - 0.01, past.median]))
    assert trend[0] < target <= trend[1]


def test_a_document_keeps_six_significant_digits_of_a_number_below_a_hundredth():
    """Four decimals would make 0.00123456 (a price midpoint, a slow growth rate) 0.0012.
    And six significant digits made a threshold of 1234567.5 minutes 1234570.0, where
    the table, and the README, keep four decimals."""
    from trendlab.forecast.result import _plain

    assert _plain(
        {"a": 0.00123456, "b": 0.0123456, "c": 1234.56789, "d": 1234567.56789, "e": 4.2e22}
    ) == {"a": 0.00123456, "b": 0.0123, "c": 1234.5679, "d": 1234567.5679, "e": 4.2e22}


def test_a_bound_is_rounded_outward_so_it_still_holds():
    """'≤ 0.043' for at most 1/23 = 0.0435 understated the bound, and with 300 held-out
    forecasts the figure and report read '≥ 100 %': a certainty the cap exists to deny."""
    from trendlab.forecast.calibrate import supported_range
    from trendlab.forecast.result import chance_text, rounded_chance

    least, most = supported_range(22)
    assert (rounded_chance(least, "upper"), rounded_chance(most, "lower")) == (0.044, 0.956)
    assert (chance_text(least, "upper"), chance_text(most, "lower")) == ("≤ 5 %", "≥ 95 %")
    least, most = supported_range(300)
    assert (chance_text(least, "upper"), chance_text(most, "lower")) == ("≤ 1 %", "≥ 99 %")
    assert rounded_chance(0.4444, None) == 0.444 and chance_text(0.4444) == "44 %"


@pytest.mark.parametrize(("by", "largest", "orders"), [("compute", 1e24, 2), ("price", 0.1, 1)])
def test_by_compute_or_price_the_grid_starts_a_step_after_the_data(by, largest, orders):
    """Polars' log10 of 1e24 is 23.999999999999996: the grid's first point was 24, the
    data's own end, forecast as if a step ahead of it, and an --until of 1e24 was
    beyond the data. Of 0.1 it is -0.9999999999999998, and the default --until one
    order on, a hair past 0, was a row of 1 USD beside the grid's own."""
    points = frame(XS[:8], np.linspace(30.0, 60.0, 8)).with_columns(
        pl.Series(by, np.geomspace(largest / 100, largest, 8))
    )
    series = build_series(scale(), points, by=by)
    axis = make_axis(series, parse_until(None, series))
    labels = [axis.label(x) for x in axis.grid]
    assert labels[0] == pytest.approx(largest * 10 ** (1 / 12), rel=1e-9)
    assert labels[-1] == largest * 10**orders and len(set(labels)) == len(labels) == 12 * orders
    with pytest.raises(TrendlabError, match=re.escape(f"--until {largest} is not beyond")):
        parse_until(str(largest), series)
    assert parse_until(f"{largest * 1e10:g}", series) == pytest.approx(math.log10(largest) + 10)
