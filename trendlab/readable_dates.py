"""Which dates and timestamps Python and Polars can read: those in the years 1 to 9999.

DuckDB and Parquet hold dates far past them (DuckDB to the year 5877641, and
infinity). Polars holds such a value too, as its number of days (or of a time unit)
from 1970-01-01, but panics turning it into text or a Python date, which every
command's output does: a value outside these years is found by its stored number.
`query` checks its Arrow results against the same bounds (trendlab.queries).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

# The days from 1970-01-01 that Python's dates span, the last one's end excluded.
FIRST_DAY = (date.min - date(1970, 1, 1)).days
PAST_LAST_DAY = (date.max - date(1970, 1, 1)).days + 1
SECONDS_A_DAY = 86_400
# A timestamp's or a time's units in a second, by the unit's name in Arrow and Polars.
PER_SECOND = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}


def first_unreadable(column: pl.Series) -> int | None:
    """The index of the first value of a Date or Datetime `column` outside the years 1
    to 9999; None if every one is inside them (or the column holds no dates)."""
    import polars as pl

    dtype = column.dtype
    if not isinstance(dtype, pl.Date | pl.Datetime):
        return None
    per_day = SECONDS_A_DAY * PER_SECOND[dtype.time_unit] if isinstance(dtype, pl.Datetime) else 1
    # A timestamp is compared in UTC: its zone moves the day by hours at most.
    stored = column.to_physical().cast(pl.Int128)
    far = (stored < FIRST_DAY * per_day) | (stored >= PAST_LAST_DAY * per_day)
    return int(far.arg_true()[0]) if far.any() else None
