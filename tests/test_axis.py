"""The forecast's x axis: --until read by date and by compute, the grid past the data,
the points a table shows and how x reads back."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import polars as pl
import pytest

from tests.synthetic import scale
from trendlab.errors import ExitCode, TrendlabError
from trendlab.forecast.axis import (
    Axis,
    amount,
    check_until,
    make_axis,
    parse_until,
    until_amount,
    until_day,
)
from trendlab.series import Series, build_series, decimal_year


def _series(days: list[date], *, compute: list[float] | None = None, by: str = "date") -> Series:
    """A frontier rising at each of `days` (one model each), by date or by compute."""
    n = len(days)
    points = pl.DataFrame(
        {
            "id": [f"r{i}" for i in range(n)],
            "date": days,
            "score": [10.0 + 20 * i for i in range(n)],
            "model": [f"m{i}" for i in range(n)],
            "setting": [None] * n,
            "compute": compute or [1e22 * 10**i for i in range(n)],
            "price": [None] * n,
            "priced_later": [False] * n,
            "unblended": [False] * n,
        },
        schema_overrides={"price": pl.Float64, "setting": pl.String},
    )
    return build_series(scale(), points, by=by)


DAYS = [date(2022, 3, 1), date(2023, 5, 1), date(2024, 1, 31)]


def test_a_year_as_until_is_its_last_day():
    assert until_day("2030") == date(2030, 12, 31)
    assert until_day(" 2030-06-15 ") == date(2030, 6, 15)


@pytest.mark.parametrize("text", ["0", "-5", "1e400", "abc"])
def test_until_by_compute_must_be_a_positive_finite_number(text: str):
    with pytest.raises(TrendlabError) as error:
        until_amount(text, "compute")
    assert error.value.exit_code == ExitCode.USAGE
    assert "is not a positive number of FLOP" in str(error.value)


@pytest.mark.parametrize(("text", "by"), [("soon", "date"), ("x", "price")])
def test_check_until_refuses_the_wrong_form_before_any_data(text: str, by: str):
    with pytest.raises(TrendlabError) as error:
        check_until(text, by)
    assert error.value.exit_code == ExitCode.USAGE
    check_until("2030", "date")  # the right form: nothing to say before the data are read


def test_no_until_by_date_is_the_end_of_the_third_year_after_the_data():
    series = _series(DAYS)
    assert parse_until(None, series) == decimal_year(date(2027, 12, 31))


def test_until_by_date_must_be_after_the_last_result_and_within_fifty_years():
    series = _series(DAYS)
    with pytest.raises(TrendlabError, match="is not after the last data point"):
        parse_until("2024-01-31", series)
    assert parse_until("2024-02-01", series) == decimal_year(date(2024, 2, 1))
    assert parse_until("2074", series) == decimal_year(date(2074, 12, 31))
    with pytest.raises(TrendlabError, match="more than 50 years past the data"):
        parse_until("2075-01-01", series)


def test_until_by_compute_must_be_beyond_the_largest_and_within_ten_orders():
    series = _series(DAYS, compute=[1e22, 1e23, 3e24], by="compute")
    with pytest.raises(TrendlabError, match="is not beyond the largest compute"):
        parse_until("3e24", series)
    assert parse_until("3.0000001e24", series) > series.x_now
    assert parse_until("3e34", series) == pytest.approx(series.x_now + 10)
    with pytest.raises(TrendlabError, match="more than 10 orders of magnitude out"):
        parse_until("3.0000001e34", series)
    # log10 of 1e24 is 23.999999999999996 in the data and 24 in Python: both ends are
    # compared as the amounts they read as, not by those last bits.
    noisy = _series(DAYS, compute=[1e22, 1e23, 1e24], by="compute")
    with pytest.raises(TrendlabError, match="is not beyond the largest compute"):
        parse_until("1e24", noisy)
    assert parse_until("1e34", noisy) == 34


def test_a_year_given_as_until_by_compute_is_said_to_be_read_as_flop():
    series = _series(DAYS, by="compute")
    with pytest.raises(TrendlabError) as error:
        parse_until("2030", series)
    assert "(2030 FLOP, not the year 2030)" in str(error.value)


def test_an_amount_reads_back_as_it_was_given():
    assert amount(math.log10(300)) == 300.0
    assert amount(math.log10(93.75)) == 93.75
    series = _series(DAYS, by="compute")
    axis = make_axis(series, parse_until("3e25", series))
    assert axis.label(axis.until) == 3e25
    assert axis.text(axis.until) == "3e+25 FLOP"


def test_the_date_grid_is_each_month_end_after_the_data_and_the_until_day():
    series = _series(DAYS)  # the last result on a month end, 2024-01-31
    axis = make_axis(series, parse_until("2024-06-15", series))
    days = [axis.label(x) for x in axis.grid]
    assert days == [
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
        date(2024, 5, 31),
        date(2024, 6, 15),
    ]
    assert axis.label(axis.until) == date(2024, 6, 15)
    assert axis.key == "date"


def test_a_date_table_shows_year_ends_and_the_last_point():
    series = _series(DAYS)
    axis = make_axis(series, parse_until("2026-03-10", series))
    shown = [str(axis.label(axis.grid[i])) for i in axis.yearly()]
    assert shown == ["2024-12-31", "2025-12-31", "2026-03-10"]


def test_a_compute_grid_steps_twelfths_past_the_data_and_shows_whole_orders():
    # The largest compute, 2e24 FLOP, is far from a twelfth of an order; the step
    # before 1e26 comes out a hair below it, and rounds to it.
    series = _series(DAYS, compute=[1e22, 1e23, 2e24], by="compute")
    axis = make_axis(series, parse_until("1e26", series))
    assert (axis.grid > series.x_now).all()
    assert (np.diff(axis.grid) > 0).all()  # no point twice, the until's included
    assert axis.grid[-1] == 26.0
    assert np.allclose(np.diff(axis.grid), 1 / 12)
    shown = [axis.grid[i] for i in axis.yearly()]
    assert shown == [25.0, 26.0]
    assert axis.key == "x"


def test_a_compute_table_shows_the_last_point_between_whole_orders():
    series = _series(DAYS, compute=[1e22, 1e23, 3e24], by="compute")
    axis = make_axis(series, parse_until("3e25", series))
    shown = [axis.label(axis.grid[i]) for i in axis.yearly()]
    assert shown == [1e25, 3e25]


def test_at_or_after_is_the_start_of_the_day_by_which_x_has_come():
    axis = Axis("date", np.array([2025.0]), 2025.0)
    start = decimal_year(date(2024, 3, 10))
    # A third of the way into 10 March: from_decimal_year rounds to it, but the day
    # by which x has come is the 11th.
    assert axis.at_or_after(start + 0.3 / 366) == decimal_year(date(2024, 3, 11))
    assert axis.at_or_after(start) == start
    by_compute = Axis("compute", np.array([25.0]), 25.0)
    assert by_compute.at_or_after(24.3) == 24.3


def test_a_crossing_rounded_up_never_passes_a_many_digit_until():
    """Rounded up to three figures, a crossing at 1.978044e+26 FLOP read 1.98e+26, past an
    --until of 1.97805e+26, as if beyond the horizon: it reads as --until, whose row has
    reached it, and --until reads as given, not as the 1.98e+26 it rounds to."""
    until = math.log10(1.97805e26)
    axis = Axis("compute", np.array([26.25, until]), until)
    crossing = math.log10(1.978044e26)
    assert axis.estimate(crossing) == 1.97805e26
    assert axis.text(crossing, estimated=True) == axis.text(until) == "1.97805e+26 FLOP"
    assert axis.estimate(math.log10(1.9634e26)) == 1.97e26  # short of it: rounded up
    assert axis.text(math.log10(1.9634e26), estimated=True) == "1.97e+26 FLOP"
