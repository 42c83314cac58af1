"""Results -> the series a forecast fits: dates as decimal years, a benchmark's scale,
the frontier, and the data no forecast can use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from tests.synthetic import scale
from trendlab.errors import TrendlabError
from trendlab.series import (
    RefusedData,
    Scale,
    build_series,
    day_from,
    decimal_year,
    from_decimal_year,
)


def _points(
    days: Sequence[date | None],
    scores: Sequence[float],
    *,
    settings: Sequence[str | None] | None = None,
    compute: Sequence[float | None] | None = None,
    price: Sequence[float | None] | None = None,
    priced_later: Sequence[bool] | None = None,
) -> pl.DataFrame:
    """The frame Store.forecast_points returns."""
    n = len(days)
    return pl.DataFrame(
        {
            "id": [f"r{i}" for i in range(n)],
            "date": days,
            "score": scores,
            "model": [f"m{i}" for i in range(n)],
            "setting": settings or [None] * n,
            "compute": compute or [1e22 * 10**i for i in range(n)],
            "price": price or [None] * n,
            "priced_later": priced_later or [False] * n,
            "unblended": [False] * n,
        },
        schema_overrides={
            "date": pl.Date,
            "setting": pl.String,
            "compute": pl.Float64,
            "price": pl.Float64,
        },
    )


DAYS = [date(2021, 1, 1), date(2022, 1, 1), date(2023, 1, 1), date(2024, 1, 1)]


def _record(**row: object) -> dict[str, object]:
    base = {
        "slug": "b",
        "name": None,
        "unit": "percent",
        "unit_min": 0.0,
        "unit_max": 100.0,
        "floor": None,
        "ceiling": None,
        "higher_is_better": True,
        "human_baseline": None,
    }
    return base | row


# -- dates as x ---------------------------------------------------------------------------


def test_a_date_is_its_year_and_the_share_of_it_gone_by():
    assert decimal_year(date(2024, 1, 1)) == 2024.0
    assert decimal_year(date(2024, 7, 2)) == 2024.5  # 182 of 366 days
    assert decimal_year(date(2023, 12, 31)) == 2023 + 364 / 365


def test_a_decimal_year_reads_back_as_the_nearest_day():
    day = date(2024, 3, 10)
    assert from_decimal_year(decimal_year(day)) == day
    assert from_decimal_year(decimal_year(day) + 0.6 / 366) == day + timedelta(days=1)
    assert from_decimal_year(decimal_year(day) + 0.4 / 366) == day


def test_the_day_an_x_has_come_by_is_that_day_from_its_start():
    day = date(2024, 3, 10)
    assert day_from(decimal_year(day)) == day
    assert day_from(decimal_year(day) + 0.1 / 366) == day + timedelta(days=1)


def test_a_series_by_date_places_each_result_at_its_decimal_year():
    days = [date(2023, 12, 31), date(2024, 12, 31), date(2025, 7, 2)]
    series = build_series(scale(), _points(days, [10.0, 20.0, 30.0]), all_points=True)
    assert series.points["x"].to_list() == [decimal_year(d) for d in days]
    assert series.points["x"][1] == 2024 + 365 / 366


# -- a benchmark's scale ------------------------------------------------------------------


def test_bounds_not_set_are_the_units_worst_and_best_ends():
    higher = Scale.from_record(_record())
    assert (higher.floor, higher.ceiling) == (0.0, 100.0)
    lower = Scale.from_record(_record(higher_is_better=False))
    assert (lower.floor, lower.ceiling) == (100.0, 0.0)
    ceiling_only = Scale.from_record(_record(ceiling=90.0))
    assert (ceiling_only.floor, ceiling_only.ceiling) == (0.0, 90.0)


def test_an_unbounded_lower_is_better_score_is_negated():
    minutes = Scale.from_record(
        _record(unit="minutes", unit_min=0.0, unit_max=None, higher_is_better=False)
    )
    assert not minutes.bounded
    assert minutes.value(5.0) == -5.0
    assert minutes.score(-5.0) == 5.0
    up = Scale.from_record(_record(unit="score", unit_min=None, unit_max=None))
    assert up.value(5.0) == 5.0


def test_a_score_has_a_true_zero_when_its_lower_end_is_zero():
    # Lower is better, from 10 down to 0: the lower end is the ceiling.
    falling = scale(unit="score", floor=10.0, ceiling=0.0, higher_is_better=False)
    assert falling.lower_end == 0.0
    assert falling.true_zero
    rising = scale(unit="score", floor=5.0, ceiling=50.0)
    assert rising.lower_end == 5.0
    assert not rising.true_zero
    assert not scale(unit="elo", floor=0.0, ceiling=None).true_zero


def test_the_ceiling_itself_is_not_beyond_it():
    up, down = scale(), scale(floor=100.0, ceiling=0.0, higher_is_better=False)
    assert not up.beyond(100.0) and up.beyond(100.5)
    assert not down.beyond(0.0) and down.beyond(-0.5)


def test_a_threshold_at_a_bound_is_within_and_one_past_it_is_noted():
    sc = scale(floor=25.0)
    assert sc.past_bound_note(25.0) is None
    assert sc.past_bound_note(100.0) is None
    below = sc.past_bound_note(0.25)
    assert below is not None and "past synth's floor 25 (chance level)" in below
    above = sc.past_bound_note(101.0)
    assert above is not None and "ceiling 100, so no result can reach it" in above


def test_the_default_threshold_is_the_human_baseline_else_nine_tenths_of_the_way():
    assert scale(human_baseline=89.0).default_threshold() == 89.0
    assert scale(floor=20.0).default_threshold() == pytest.approx(92.0)
    assert scale(ceiling=None).default_threshold() is None


# -- the frontier -------------------------------------------------------------------------


def test_a_tie_with_the_best_so_far_is_no_record():
    series = build_series(scale(), _points(DAYS, [10.0, 20.0, 20.0, 30.0]))
    assert series.points["record"].to_list() == [True, True, False, True]


def test_of_two_results_at_one_x_only_the_better_is_a_record():
    days = [DAYS[0], DAYS[1], DAYS[1], DAYS[2]]
    series = build_series(scale(), _points(days, [10.0, 15.0, 20.0, 30.0]))
    assert series.records["score"].to_list() == [10.0, 20.0, 30.0]


def test_an_s_curve_fits_only_results_above_the_floor():
    series = build_series(scale(floor=25.0), _points(DAYS, [25.0, 40.0, 60.0, 80.0]))
    assert series.fitted("logistic")["score"].to_list() == [40.0, 60.0, 80.0]
    assert series.fitted("linear")["score"].to_list() == [25.0, 40.0, 60.0, 80.0]


def test_a_plateau_after_the_last_record_is_fitted_at_the_latest_result():
    series = build_series(scale(), _points(DAYS, [10.0, 20.0, 30.0, 25.0]))
    x, v = series.fit_data()
    assert list(x) == [*series.records["x"].to_list(), decimal_year(DAYS[3])]
    assert np.allclose(v, [0.1, 0.2, 0.3, 0.3])


def test_results_with_no_date_are_left_out_and_counted():
    series = build_series(scale(), _points([*DAYS, None], [10.0, 20.0, 30.0, 40.0, 99.0]))
    assert series.undated == 1
    assert series.points.height == 4


def test_a_setting_is_kept_ignoring_case():
    settings = ["5-Shot", "5-shot CoT", "0-shot", "5-SHOT"]
    series = build_series(
        scale(),
        _points(DAYS, [10.0, 20.0, 30.0, 40.0], settings=settings),
        setting="5-shot",
    )
    assert series.points["setting"].to_list() == ["5-Shot", "5-shot CoT", "5-SHOT"]


# -- by compute and by price --------------------------------------------------------------


def test_a_result_with_no_compute_has_no_place_by_compute():
    points = _points(DAYS, [10.0, 20.0, 30.0, 40.0], compute=[1e22, None, 1e23, 1e24])
    series = build_series(scale(), points, by="compute")
    assert series.points["model"].to_list() == ["m0", "m2", "m3"]


def test_a_zero_compute_is_named_not_taken_for_an_unknown_one():
    """A write refuses a compute of 0; one written around trendlab was counted as
    unknown, and the user told to set it, where `check` says what is wrong."""
    points = _points(DAYS, [10.0, 20.0, 30.0, 40.0], compute=[1e22, 0.0, 1e23, 1e24])
    with pytest.raises(TrendlabError, match=r"^synth: the training compute of m1 is 0\.0, "):
        build_series(scale(), points, by="compute")


def test_by_compute_needs_three_models_with_a_compute():
    points = _points(DAYS, [10.0, 20.0, 30.0, 40.0], compute=[1e22, None, 1e23, None])
    with pytest.raises(TrendlabError, match="only 2 model"):
        build_series(scale(), points, by="compute")


def test_by_compute_with_no_compute_known_says_no_model_has_one():
    """It said "only 0 models with results on synth have a known training compute"."""
    points = _points(DAYS, [10.0, 20.0, 30.0, 40.0], compute=[None] * 4)
    with pytest.raises(TrendlabError) as error:
        build_series(scale(), points, by="compute")
    assert str(error.value).startswith(
        "no model with results on synth has a known training compute; --by compute needs"
    )


def test_by_price_counts_only_unpriced_results_priced_later():
    points = _points(
        DAYS,
        [10.0, 20.0, 30.0, 40.0],
        price=[1.0, 2.0, 3.0, None],
        priced_later=[True, False, False, True],
    )
    series = build_series(scale(), points, by="price", all_points=True)
    assert series.priced_later == 1


def test_a_benchmark_with_no_results_says_so_not_zero_frontier_points():
    """backtest of a benchmark with no results said "0 frontier points", where
    forecast says it has none."""
    with pytest.raises(TrendlabError, match=r"^synth has no results; a trend needs at least 3$"):
        build_series(scale(), _points([], []))


def test_a_trend_needs_three_frontier_points():
    with pytest.raises(TrendlabError, match="has 2 frontier points; a trend needs at least 3"):
        build_series(scale(), _points(DAYS, [10.0, 5.0, 3.0, 20.0]))
    # The frontier's level at a later result is one (Series.fit_data).
    with pytest.raises(
        TrendlabError,
        match=r"has 2 frontier points \(the frontier's level at a later result counts as one\)",
    ):
        build_series(scale(), _points(DAYS[:3], [10.0, 5.0, 3.0]))
    assert len(build_series(scale(), _points(DAYS, [10.0, 20.0, 15.0, 5.0])).fit_data()[0]) == 3


@pytest.mark.parametrize(
    ("by", "where"), [("price", "a dearer result"), ("compute", "a result of more compute")]
)
def test_the_plateau_off_the_date_axis_is_no_later_result(by: str, where: str):
    """By price or compute the frontier's level counted as a point is at the largest
    x, and the error called it a later result: MMLU's by price is GPT-3's of 2020,
    older than every record."""
    xs = {by: [1.0, 2.0, 4.0]}
    with pytest.raises(TrendlabError) as raised:
        build_series(scale(), _points(DAYS[:3], [10.0, 5.0, 3.0], **xs), by=by)
    assert str(raised.value).startswith(
        f"synth has 2 frontier points by {by} (the frontier's level at {where} counts as one)"
    )


def test_a_frontier_short_for_results_all_at_chance_says_so():
    """FrontierMath Tier 4's 26 results, all 0 (its floor), were "2 frontier points; a
    trend needs at least 3", as if more results were what it lacked: none beats chance."""
    with pytest.raises(TrendlabError) as raised:
        build_series(scale(floor=25.0), _points(DAYS, [25.0, 25.0, 20.0, 25.0]))
    assert str(raised.value) == (
        "synth has 2 frontier points (the frontier's level at a later result counts as "
        "one); a trend needs at least 3, and all 4 of its results are at or below the "
        "floor 25 (chance level): none has yet scored better than chance, or the floor is "
        "wrong (check it with `trendlab show benchmark synth`)"
    )
    # Lower is better: chance is the higher score.
    with pytest.raises(TrendlabError, match="all 3 of its results are at or above the floor 80"):
        build_series(
            scale(floor=80.0, ceiling=0.0, higher_is_better=False),
            _points(DAYS[:3], [80.0, 90.0, 80.0]),
        )
    # A floor left to the unit (FrontierMath Tier 4's) is no chance level to check.
    unset = replace(scale(), floor_set=False)
    with pytest.raises(TrendlabError) as raised:
        build_series(unset, _points(DAYS, [0.0, 0.0, 0.0, 0.0]))
    assert str(raised.value).endswith(
        "a trend needs at least 3, and all 4 of its results are at or below 0, its unit's "
        "end (it sets no floor): none has yet scored better than that"
    )
    # One result above chance: too few points is the reason, as before.
    with pytest.raises(TrendlabError, match=r"a trend needs at least 3$"):
        build_series(scale(floor=25.0), _points(DAYS, [25.0, 25.0, 25.0, 30.0]))


# -- data no forecast can use -------------------------------------------------------------


def test_equal_bounds_leave_no_range():
    with pytest.raises(RefusedData, match="floor and ceiling are both 50"):
        build_series(scale(floor=50.0, ceiling=50.0), _points(DAYS, [10.0, 20.0, 30.0, 40.0]))


def test_bounds_the_wrong_way_round_are_told_for_the_direction():
    with pytest.raises(RefusedData, match="floor 100 is not below ceiling 0"):
        build_series(scale(floor=100.0, ceiling=0.0), _points(DAYS, [10.0, 20.0, 30.0, 40.0]))
    with pytest.raises(RefusedData, match="is lower-is-better, so its floor"):
        build_series(scale(higher_is_better=False), _points(DAYS, [40.0, 30.0, 20.0, 10.0]))


def test_a_lower_is_better_result_below_the_ceiling_is_refused():
    sc = scale(floor=100.0, ceiling=10.0, higher_is_better=False)
    with pytest.raises(RefusedData, match="the best score, 5 by m3, is below the ceiling 10"):
        build_series(sc, _points(DAYS, [60.0, 40.0, 20.0, 5.0]))


def test_bounds_too_far_apart_for_their_range_to_be_a_number_are_refused():
    """Floor -1e308 and ceiling 1e308 made the range infinite and every score the same
    fraction of it: "1 frontier point" however many there were."""
    points = _points(DAYS, [1.0, 2.0, 3.0, 4.0])
    with pytest.raises(RefusedData, match=r"floor -1e\+308 and ceiling 1e\+308 are too far apart"):
        build_series(scale(floor=-1e308, ceiling=1e308, unit="score"), points)


def test_scores_a_forecast_cannot_tell_apart_as_fractions_of_the_range_are_refused():
    """Frontier scores of 1 to 4 under a ceiling of 1e300 were all held at the logit's
    clip next to the floor, and every forecast was that clip: about 1e296."""
    points = _points(DAYS, [1.0, 2.0, 3.0, 4.0])
    with pytest.raises(
        RefusedData,
        match=r"synth: its frontier points \(scores 1 to 4\) give a forecast only 1 distinct "
        r"value to fit: it fits the fraction of the way from floor 0 to ceiling 1e\+300, "
        r"holding those within 0.01 % of either end there; if a bound is wrong",
    ):
        build_series(scale(ceiling=1e300, unit="score"), points)
    # Far from both ends, distinct scores round to one fraction (0.5): the frontier is
    # read from the scores, so this is what is said, not "1 frontier point".
    with pytest.raises(RefusedData, match=r"frontier points \(scores 1 to 4\) give .* only 1"):
        build_series(scale(floor=-1e307, ceiling=1e307, unit="score"), points)
    lower = scale(floor=1e307, ceiling=-1e307, unit="score", higher_is_better=False)
    with pytest.raises(RefusedData, match=r"frontier points \(scores 2 to 4\) give .* only 1"):
        build_series(lower, _points(DAYS, [4.0, 3.0, 5.0, 2.0]))
    near_top = _points(DAYS, [99.991, 99.993, 99.995, 99.997])
    with pytest.raises(RefusedData, match=r"its results \(scores 99.991 to 99.997\) give"):
        build_series(scale(), near_top, all_points=True)
    # One score apart from the others is not enough: two of the three are one value.
    with pytest.raises(RefusedData, match="only 2 distinct values to fit"):
        build_series(scale(), _points(DAYS, [0.001, 0.002, 0.003, 50.0]))
    # Three that stay apart are, and scores at or below the floor are no S-curve's.
    assert build_series(scale(), _points(DAYS, [0.001, 0.002, 30.0, 50.0])).records.height == 4
    assert build_series(scale(), _points(DAYS, [0.0, 0.0, 30.0, 50.0])).records.height == 3
    ties = _points(DAYS, [0.001, 0.001, 30.0, 50.0])
    assert build_series(scale(), ties, all_points=True).points.height == 4
