"""The forecast's x axis: parsing --until, the grid of future points, labels for x.

By date, x is a decimal year and the grid is every month end; by compute or price,
x is log10 of FLOP or of USD per million tokens and the grid steps a twelfth of an
order of magnitude.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Any

import numpy as np
import polars as pl

from trendlab.errors import ExitCode, TrendlabError
from trendlab.series import Series, day_from, decimal_year, from_decimal_year
from trendlab.text import DATE_RE, NUMBER_RE, iso_day, quoted, round_significant

MAX_YEARS = 50  # how far past the data a date forecast may reach
MAX_ORDERS = 10  # the same for compute or price, in orders of magnitude
DEFAULT_YEARS = 3
DEFAULT_ORDERS = {"compute": 2.0, "price": 1.0}
GRID_DECIMALS = 10  # by compute or price, a grid point is a twelfth of an order rounded to this
# The farthest x a float holds the amount of, to the grid's decimals (the float's own
# log10, 308.25471555991675, rounds up past it).
LARGEST = math.floor(math.log10(np.finfo(float).max) * 10**GRID_DECIMALS) / 10**GRID_DECIMALS
# By compute or price, the significant digits an estimated x (a crossing) is read to:
# a forecast knows FLOP or prices to within a few per cent at best.
FIGURES = 3


@dataclass(frozen=True)
class Axis:
    """The x values a forecast reports: `grid` (ascending, all after the data) and `until`."""

    by: str
    grid: np.ndarray
    until: float

    def label(self, x: float) -> Any:
        """x as a user sees it: a date, or FLOP / USD per million tokens."""
        return from_decimal_year(x) if self.by == "date" else amount(x)

    def at_or_after(self, x: float) -> float:
        """The first x at or after x that a label names exactly: by date, the start of
        the day by which x has come (see series.day_from); by compute or price, x."""
        return decimal_year(day_from(x)) if self.by == "date" else x

    def text(self, x: float, *, estimated: bool = False) -> str:
        """x for a sentence or a label: a date, or FLOP / USD per million tokens to
        three figures with the unit (on a figure too: a label on a threshold's line
        reads as a score without it), but --until to six, as the table's last row
        shows it (1.97805e+26 FLOP, not a 1.98e+26 past it); `estimated`, as
        estimate() gives it."""
        value = self.estimate(x) if estimated else self.label(x)
        if self.by == "date":
            return str(value)
        figures = 6 if value == self.label(self.until) else FIGURES
        return f"{value:.{figures}g} {x_unit(self.by)}"

    def estimate(self, x: float) -> Any:
        """An estimated x (a forecast crossing's) as people read it: a date, or FLOP /
        USD per million tokens rounded up to FIGURES significant digits, the first such
        number by which it has come, as a date is the first day by whose start it has:
        a forecast row at the x it names has reached what it crosses. Never past
        --until, the last row, which has reached it too."""
        value = self.label(x)
        if self.by == "date":
            return value
        exact = Decimal(repr(value))
        step = exact.adjusted() - (FIGURES - 1)
        rounded = float(exact.scaleb(-step).to_integral_value(ROUND_CEILING).scaleb(step))
        # Rounded up past a many-digit --until (1.97804e+26 to 1.98e+26 under an --until of
        # 1.97805e+26), a crossing read as one beyond the horizon.
        return min(rounded, self.label(self.until))

    @property
    def key(self) -> str:
        """The name of x in a forecast point and in a crossing's columns (median_KEY)."""
        return "date" if self.by == "date" else "x"

    def yearly(self) -> np.ndarray:
        """Indices of the grid points a table shows: year ends (or whole orders of
        magnitude) and the last point."""
        if self.by == "date":
            keep = [i for i, x in enumerate(self.grid) if from_decimal_year(x).month == 12]
        else:
            keep = [i for i, x in enumerate(self.grid) if abs(x - round(x)) < 1e-9]
        last = len(self.grid) - 1
        return np.array(sorted({*keep, last}), dtype=int)


def until_day(text: str) -> date:
    """--until by date: a year (its last day) or a date; anything else is a usage
    error. Errors quote the text as given, as --as-of's do: white space alone was ''."""
    written, text = text, text.strip()
    # [0-9], not \d: any script's digit, which int() reads. Year 0 is no date's.
    if re.fullmatch(r"[0-9]{4}", text) and int(text) >= date.min.year:
        return date(int(text), 12, 31)
    day = iso_day(text)
    if day is not None:
        return day
    if re.fullmatch(DATE_RE, text):
        # Written as a date, but no day (2030-02-30): "not a year or a date (YYYY or
        # YYYY-MM-DD)" named the form it has. Worded as --as-of words it.
        raise TrendlabError(
            f"--until: {quoted(written)} is not a valid date", exit_code=ExitCode.USAGE
        )
    raise TrendlabError(
        f"--until: {quoted(written)} is not a year or a date (YYYY or YYYY-MM-DD)",
        exit_code=ExitCode.USAGE,
    )


def until_amount(text: str, by: str) -> float:
    """--until by compute or price: a positive number of FLOP or USD per Mtok; anything
    else is a usage error, quoting the text as given."""
    written, text = text, text.strip()
    value = float(text) if re.fullmatch(NUMBER_RE, text) else math.nan
    if not (math.isfinite(value) and value > 0):
        raise TrendlabError(
            f"--until: {quoted(written)} is not a positive number of {x_unit(by)}",
            exit_code=ExitCode.USAGE,
        )
    return value


def check_until(text: str | None, by: str) -> None:
    """Refuse an --until of the wrong form for `by` before any data is read: it is wrong
    whatever the data, so it must not wait behind an error the data give (too few
    points, say). Whether it lies past the data is parse_until's business."""
    if text is not None:
        if by == "date":
            try:
                until_day(text)
            except TrendlabError as error:
                # 1e27 is an --until by compute, 93.75 one by price (a year, 2030, is said
                # so the other way); 2030.5, a year written as a decimal, or -5 is neither.
                written = text.strip()
                amount = float(written) if re.fullmatch(NUMBER_RE, written) else 0.0
                if amount > 0 and (amount < 1000 or "e" in written.lower()):
                    raise TrendlabError(
                        f"{error.message}; a number of FLOP or USD per million tokens is an "
                        "--until with --by compute or --by price",
                        exit_code=ExitCode.USAGE,
                    ) from None
                raise
        else:
            until_amount(text, by)


def parse_until(text: str | None, series: Series) -> float:
    """--until as x: a year (its last day) or a date, or a number of FLOP / USD per Mtok."""
    if text is None:
        if series.by == "date":
            return decimal_year(date(series.last_date.year + DEFAULT_YEARS, 12, 31))
        # Short of the float's end: 100 times 1e307 FLOP was no number, and plot failed.
        return min(series.x_now + DEFAULT_ORDERS[series.by], LARGEST)
    text = text.strip()
    if series.by == "date":
        day = until_day(text)
        if day <= series.last_date:
            raise TrendlabError(
                f"--until {text} is not after the last data point ({series.last_date})"
            )
        if day.year > series.last_date.year + MAX_YEARS:
            raise TrendlabError(f"--until {text} is more than {MAX_YEARS} years past the data")
        return decimal_year(day)
    unit = x_unit(series.by)
    x = math.log10(until_amount(text, series.by))
    # Compared as the error shows them: this log10 (Python's) and the data's (Polars')
    # differ in the last bits, and an --until of the largest itself came out beyond it.
    if amount(x) <= amount(series.x_now):
        # A year is what --until takes by date, the usual axis: say which unit this one is.
        year = f" ({text} {unit}, not the year {text})" if re.fullmatch(r"\d{4}", text) else ""
        raise TrendlabError(
            f"--until {text}{year} is not beyond the largest {series.by} in the data "
            f"({amount(series.x_now)} {unit})"
        )
    if amount(x) > amount(series.x_now + MAX_ORDERS):  # so too: 1e34 is 10 orders past 1e24
        raise TrendlabError(f"--until {text} is more than {MAX_ORDERS} orders of magnitude out")
    return x


def amount(x: float) -> float:
    """The FLOP or USD per million tokens whose log10 is x, to 12 significant digits:
    10 ** log10(v) is v give or take its last bits (an --until of 300 came back as
    300.0000000000001, the data's largest price 93.75 as 93.74999999999999)."""
    if x > LARGEST:  # Python's power raises where the amount is past every float
        return math.inf
    value = float(10.0**x)
    shorter = round_significant(value, 12)
    return shorter if math.isfinite(shorter) else value


def _data_end(series: Series) -> float:
    """By compute or price, the data's end (series.x_now) rounded as the grid is: Polars'
    log10 leaves noise in the last bits (of 1e24, 23.999999999999996), which put the
    grid's first point at the data's own end rather than a step after it."""
    return round(series.x_now, GRID_DECIMALS)


def make_axis(series: Series, until: float) -> Axis:
    """The grid from just after the data to `until` (inclusive)."""
    if series.by == "date":
        last = series.last_date
        stop = from_decimal_year(until)
        ends = pl.date_range(last.replace(day=1), stop, "1mo", eager=True).dt.month_end()
        days: list[date] = ends.filter((ends > last) & (ends <= stop)).to_list()
        if not days or days[-1] < stop:
            days.append(stop)
        grid = np.array([decimal_year(d) for d in days])
    else:
        end = _data_end(series)
        start = math.floor(end * 12) / 12 + 1 / 12
        grid = np.arange(start, until, 1 / 12)
        grid = np.round(grid, GRID_DECIMALS)
        # The default --until carries the same noise (for a largest price of 0.1 USD,
        # 2.2e-16, not 0): the grid's point there is until's, not a second row beside it.
        grid = grid[(grid > end) & (grid < round(until, GRID_DECIMALS))]
        grid = np.append(grid, until)
    return Axis(series.by, grid, until)


def x_unit(by: str) -> str:
    """What x counts off the date axis: by compute or by price."""
    return {"compute": "FLOP", "price": "USD per million tokens"}[by]


def x_title(by: str) -> str:
    """What x is off the date axis, for a table's title: the figure's axis label says
    it at more length (plot._X_TITLE)."""
    return {"compute": "training FLOP", "price": "USD per million tokens, 3:1 blend"}[by]
