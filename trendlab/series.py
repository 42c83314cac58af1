"""Benchmark results -> the series a forecast fits: the frontier (or every result) on an x axis.

The frontier is the running best score: a result is on it if it beats every result
at a smaller x (an earlier date, less compute, a lower price). Scores are mapped to
a goodness-oriented value v: on a bounded benchmark v = z, the share of the way from
floor (chance level, the worst score) to ceiling (the best achievable), so a
lower-is-better benchmark, whose floor is the higher number, flips; on an unbounded
one the score itself (negated when lower is better).
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import polars as pl

from trendlab.errors import TrendlabError
from trendlab.forecast import AXES, EPS, S_CURVES
from trendlab.text import as_of_option, at_most, counted, number, quoted, round_significant

BY = AXES
MIN_POINTS = 3
X_LABEL = {"date": "date", "compute": "training compute", "price": "price"}
# Units (of the units table) whose 0 is none of what they measure: a duration, a share.
ZERO_BASED_UNITS = ("minutes", "percent")
# Units whose 0 is a convention: a rating means something only relative to another.
ZEROLESS_UNITS = ("elo",)
# A trendlab command on the store read (Store.command: "edit benchmark math" ->
# "trendlab --db other.duckdb edit benchmark math"), for an error suggesting one.
Command = Callable[[str], str]
# How to add a price, as a note or an error with no price to go on suggests it.
ADD_PRICE = 'add-price MODEL PROVIDER DATE --input ... --output ... -m "..."'


def bare_command(name: str) -> str:
    """`trendlab NAME`: the command on the default store, where no store is at hand."""
    return f"trendlab {name}"


def decimal_year(day: date) -> float:
    """2024-07-02 -> 2024.5: the x of a date."""
    start = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def from_decimal_year(x: float) -> date:
    """The inverse of decimal_year, to the day."""
    year = math.floor(x)
    start = date(year, 1, 1)
    length = (date(year + 1, 1, 1) - start).days
    return start + timedelta(days=round((x - year) * length))


def day_from(x: float) -> date:
    """The first day whose start (its decimal_year) is at or after x: the day by which
    something that happens at x has happened (from_decimal_year rounds to the nearest,
    which can be the day before)."""
    year = math.floor(x)
    length = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    # Less than a tenth of a second past a day's start is that start, a float's error
    # in decimal_year and back, not the next day.
    return date(year, 1, 1) + timedelta(days=math.ceil((x - year) * length - 1e-6))


def decimal_years(day: pl.Expr) -> pl.Expr:
    """Dates as decimal_year makes each: its year plus the share of that year's days
    before it, so that a week is a week across New Year."""
    length = pl.when(day.dt.is_leap_year()).then(366.0).otherwise(365.0)
    return day.dt.year() + (day.dt.ordinal_day() - 1) / length


@dataclass(frozen=True)
class Scale:
    """A benchmark's bounds and direction: scores <-> the goodness value v.

    floor is chance level (the worst score, v = 0) and ceiling the best achievable
    (v = 1) whichever way is better, so a lower-is-better benchmark has floor above
    ceiling; the forecast's bounds are the lower and the higher of the two.
    """

    slug: str
    name: str
    unit: str
    floor: float | None
    ceiling: float | None
    higher_is_better: bool
    human_baseline: float | None
    # Whether the benchmark sets each bound, rather than leaving it to its unit's end:
    # for messages only, so no part of what makes two scales map scores alike, nor of a
    # cached backtest's scale (cache.dump_backtest).
    floor_set: bool = field(default=True, compare=False)
    ceiling_set: bool = field(default=True, compare=False)

    @classmethod
    def from_record(cls, row: dict[str, Any]) -> Scale:
        """From Store.benchmark_bounds: a NULL bound falls back to the unit's range, the
        floor to its worst end and the ceiling to its best (a percent error rate: 100
        and 0)."""
        higher = bool(row["higher_is_better"])
        worst, best = (
            (row["unit_min"], row["unit_max"]) if higher else (row["unit_max"], row["unit_min"])
        )
        floor = row["floor"] if row["floor"] is not None else worst
        ceiling = row["ceiling"] if row["ceiling"] is not None else best
        return cls(
            slug=row["slug"],
            name=row["name"] or row["slug"],
            unit=row["unit"],
            floor=None if floor is None else float(floor),
            ceiling=None if ceiling is None else float(ceiling),
            higher_is_better=higher,
            human_baseline=row["human_baseline"],
            floor_set=row["floor"] is not None,
            ceiling_set=row["ceiling"] is not None,
        )

    @property
    def bounded(self) -> bool:
        """True when both bounds are known: the saturating families apply."""
        return self.floor is not None and self.ceiling is not None

    def value(self, score: Any) -> Any:
        """Scores (a float, array or Polars expression) -> v."""
        if self.bounded:
            assert self.floor is not None and self.ceiling is not None
            return (score - self.floor) / (self.ceiling - self.floor)
        return score if self.higher_is_better else -score

    def score(self, v: Any) -> Any:
        """v -> scores (the inverse of value)."""
        if self.bounded:
            assert self.floor is not None and self.ceiling is not None
            return self.floor + v * (self.ceiling - self.floor)
        return v if self.higher_is_better else -v

    def unit_ends(self) -> str | None:
        """The bounds the benchmark leaves to its unit's ends, for a message that counts
        them ("its ceiling, not set, is its unit's end, 0 minutes"); None if it sets
        every bound it has."""
        unset = [
            (end, bound)
            for end, bound, is_set in (
                ("floor", self.floor, self.floor_set),
                ("ceiling", self.ceiling, self.ceiling_set),
            )
            if not is_set and bound is not None
        ]
        if not unset:
            return None
        ends = " and ".join(end for end, _ in unset)
        values = " and ".join(number(bound) for _, bound in unset)
        if len(unset) == 1:
            return f"its {ends}, not set, is its unit's end, {values} {self.unit}"
        return f"its {ends}, not set, are its unit's ends, {values} {self.unit}"

    @property
    def v_range(self) -> tuple[float | None, float | None]:
        """The values of v a forecast stays within: the floor's and the ceiling's, where
        known ([0, 1] on a bounded benchmark)."""
        lo = None if self.floor is None else float(self.value(self.floor))
        hi = None if self.ceiling is None else float(self.value(self.ceiling))
        return lo, hi

    @property
    def lower_end(self) -> float | None:
        """The lower of the two bounds as a score: the floor, or the ceiling when lower
        is better (None where the unit lets scores go below 0 and none is set)."""
        return self.floor if self.higher_is_better else self.ceiling

    @property
    def true_zero(self) -> bool:
        """Whether a score of 0 is none of what the benchmark measures, so that a score
        twice another is twice as much and a doubling (halving) time means something:
        always in minutes, never in Elo points, and in a bare score only when its lower
        end is 0 (a score that may be any number has no zero to double from)."""
        if self.unit in ZERO_BASED_UNITS:
            return True
        if self.unit in ZEROLESS_UNITS:
            return False
        return self.lower_end == 0

    def beyond(self, score: float) -> bool:
        """Whether a score beats the ceiling (above it, or below it when lower is better)."""
        if self.ceiling is None:
            return False
        return score > self.ceiling if self.higher_is_better else score < self.ceiling

    def floor_words(self) -> str:
        """The floor for a message: `the floor 25 (chance level)`, or, left to the unit,
        `0, its unit's end (it sets no floor)`, which is no chance level to check."""
        assert self.floor is not None  # said only of a scale with a floor
        if self.floor_set:
            return f"the floor {number(self.floor)} (chance level)"
        return f"{number(self.floor)}, its unit's end (it sets no floor)"

    def past_bound_note(self, threshold: float) -> str | None:
        """A note for a threshold past the floor (chance level), which any result
        reaches, or past the ceiling, which none can: most likely a fraction given for a
        percent (0.9 for 90) or the other way round, or a sign slipped. None within."""
        worst, best = self.v_range
        v = self.value(threshold)
        unit = " (percent: 0-100)" if self.unit == "percent" else f" ({self.unit})"
        # A bound the benchmark leaves to its unit is not its chance level: say so.
        if worst is not None and v < worst:
            assert self.floor is not None  # worst is its value
            chance = (
                ", its unit's end (it sets no floor)"
                if not self.floor_set
                else " (chance level)"
                if self.bounded
                else ""
            )
            past = f"floor {number(self.floor)}{chance}, so any result reaches it"
        elif best is not None and v > best:
            assert self.ceiling is not None  # best is its value
            end = "" if self.ceiling_set else ", its unit's end (it sets no ceiling)"
            past = f"ceiling {number(self.ceiling)}{end}, so no result can reach it"
        else:
            return None
        return (
            f"threshold {number(threshold)} is past {self.slug}'s {past}; thresholds are in the "
            f"benchmark's unit{unit}"
        )

    def default_threshold(self) -> float | None:
        """The human baseline if known, else 90 % of the way from floor to ceiling."""
        if self.human_baseline is not None:
            return float(self.human_baseline)
        if self.bounded:
            return self.ninety()
        return None

    def threshold_label(self, threshold: float, shown: str) -> str:
        """`shown`, the threshold as a figure or page writes it, with where it comes from
        when it is a default (see default_threshold), which a bare 92.5 did not say:
        'human baseline 89.8', '92.5 (90 % of floor to ceiling)'."""
        if threshold == self.human_baseline:
            return f"human baseline {shown}"
        if self.bounded and threshold == self.ninety():
            return f"{shown} (90 % of floor to ceiling)"
        return shown

    def ninety(self) -> float:
        """The score 90 % of the way from floor to ceiling, to 12 significant digits: from
        1 to 100 it is 90.1, not the 90.10000000000001 float arithmetic makes it, which a
        frontier at 90.1 fell short of (forecast, not reached) and a note printed."""
        return round_significant(float(self.score(0.9)), 12)


def undated_note(n: int, where: str, command: Command = bare_command) -> str:
    """The note for `n` results that no date places, left out of a forecast, a figure
    or a price trend; `where` says which results ('on mmlu')."""
    fix = command('edit model SLUG --set release_date=YYYY-MM-DD -m "..."')
    return (
        f"{counted(n, 'result')} {where} left out: no reported_date, and the "
        f"model has no release_date (set one with `{fix}`)"
    )


def uncomputed_note(n: int, where: str, command: Command = bare_command) -> str:
    """The note for `n` results a forecast by compute leaves out because their model's
    training compute is unknown; `where` says which results ('on mmlu')."""
    whose = "its model's" if n == 1 else "their models'"
    fix = command('edit model SLUG --set training_compute_flop=... -m "..."')
    return (
        f"{counted(n, 'result')} {where} left out: {whose} training compute is unknown "
        f"(set it with `{fix}`)"
    )


def unpriced_note(n: int, where: str, command: Command = bare_command) -> str:
    """The note for `n` results a forecast by price leaves out because their model has
    no price at all; `where` says which results ('on mmlu')."""
    whose = "its model has" if n == 1 else "their models have"
    fix = command(ADD_PRICE)
    return f"{counted(n, 'result')} {where} left out: {whose} no price (add one with `{fix}`)"


def priced_later_note(n: int, where: str, day: date) -> str:
    """The note for `n` results a forecast by price leaves out because their model's
    prices all take effect after `day` (the day it reads prices on); `where` says
    which results ('on mmlu')."""
    whose = "its model has" if n == 1 else "their models have"
    return (
        f"{counted(n, 'result')} {where} left out: {whose} no price in effect on {day}, "
        "only prices announced for later"
    )


def no_blend(blend: object) -> str:
    """How a price in effect with no blended price at `blend` (INPUT:OUTPUT) is said, by
    price-trend and by a forecast by price alike."""
    return f"with no {blend} blended price (an input or output price it weighs is unknown)"


def no_log(column: str) -> pl.Expr:
    """Whether `column`'s value has no log: 0, below 0 or not finite, which a forecast's
    or a price trend's log axis cannot take. Not `~(x > 0)`: Polars orders NaN above
    every number. A null is neither (it is unknown, and said so apart)."""
    return ~pl.col(column).is_finite() | (pl.col(column) <= 0)


def unblended_note(n: int, where: str, day: date) -> str:
    """The note for `n` results a forecast by price leaves out because their model's
    prices in effect on `day` (the day it reads prices on) have no 3:1 blend: an input
    or output price alone; `where` says which results ('on mmlu')."""
    whose = "its model has" if n == 1 else "their models have"
    return f"{counted(n, 'result')} {where} left out: {whose} a price in effect on {day} {no_blend('3:1')}"


@dataclass(frozen=True)
class Series:
    """What a forecast fits: usable results on one x axis, with the frontier marked.

    points: date, x, score, v, model, organization (the model's; null when unknown or
    not read), setting and record (True where the result set a new best). x is a
    decimal year, log10 FLOP or log10 USD per million tokens.
    """

    scale: Scale
    by: str
    frontier: bool
    setting: str | None
    points: pl.DataFrame
    undated: int = 0  # results left out for want of a date (no report, no release)
    priced_later: int = 0  # by price, dated results left out: no price in effect yet
    unblended: int = 0  # by price, dated results left out: no blend of a price in effect
    uncomputed: int = 0  # by compute, dated results left out: their model's compute unknown
    unpriced: int = 0  # by price, dated results left out: their model has no price at all
    # On the store read, or an error's advice ran on ./trendlab.duckdb (see Command).
    command: Command = field(default=bare_command, compare=False, repr=False)
    as_of: datetime | None = field(default=None, compare=False, repr=False)  # --as-of's moment

    def forecast_command(self, options: str) -> str:
        """The `forecast` command (see command) of this benchmark with `options`, and the
        options that chose what it read (--all, --setting, --by, --as-of): without them
        an error's suggestion failed, or forecast other results."""
        words = ["forecast", self.scale.slug]
        if not self.frontier:
            words.append("--all")
        if self.setting is not None:
            words += ["--setting", shlex.quote(self.setting)]
        if self.by != "date":
            words += ["--by", self.by]
        if self.as_of is not None:
            words.append(as_of_option(self.as_of))
        return self.command(" ".join([*words, options]))

    @property
    def records(self) -> pl.DataFrame:
        """The frontier: each result that beat every one before it."""
        return self.points.filter(pl.col("record"))

    @property
    def x_now(self) -> float:
        """The x of the latest result: the frontier is known up to here."""
        return float(self.points.get_column("x").max())  # type: ignore[arg-type]

    @property
    def current(self) -> float:
        """The best v so far."""
        return float(self.points.get_column("v").max())  # type: ignore[arg-type]

    @property
    def last_date(self) -> date:
        """The date of the latest result."""
        return self.points.get_column("date").max()  # type: ignore[return-value]

    @property
    def kept(self) -> str:
        """Which results --setting kept, for words after "result": ` with a setting
        containing "TEXT"`, or nothing without it (the benchmark may hold results of
        other settings, later ones too)."""
        return f' with a setting containing "{self.setting}"' if self.setting else ""

    @property
    def kept_title(self) -> str:
        """kept, for a title after the benchmark's name: `, settings containing "TEXT"`."""
        return kept_title(self.setting)

    @property
    def plateau_counted(self) -> str:
        """What an error for too few frontier points adds: that the frontier's level at
        the latest x (fit_data's plateau) counts as a point. Off the date axis that x is
        no later one: MMLU's by price is GPT-3's $60 of 2020, older than its records."""
        where = {"date": "a later result", "compute": "a result of more compute"}
        return f" (the frontier's level at {where.get(self.by, 'a dearer result')} counts as one)"

    def above_floor_only(self, family: str | None) -> bool:
        """Whether `family` fits only the points above the floor: an S-curve, in logit
        space, where a score at or below chance is minus infinity, so any such score
        would be fitted as one arbitrary number (the clip's), and a frontier that sat
        at chance and then rose once would be fitted as a near-vertical jump. Without
        both bounds there is no logit space, and v is no distance from a floor (a
        latency's -score is below 0 however good)."""
        return family in S_CURVES and self.scale.bounded

    def fitted(self, family: str | None = None) -> pl.DataFrame:
        """The points `family` fits: the frontier's records, or every result with
        --all; only those better than the floor for an S-curve (above_floor_only)."""
        fitted = self.records if self.frontier else self.points
        return fitted.filter(pl.col("v") > 0) if self.above_floor_only(family) else fitted

    def fit_data(self, family: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(x, v) `family` fits (see fitted), plus, on the frontier, its value at the
        latest result when that is later than the last record: a plateau is visible
        only as results that fail to beat it."""
        fitted = self.fitted(family)
        x, v = fitted.get_column("x").to_numpy(), fitted.get_column("v").to_numpy()
        if self.frontier and len(x) and self.x_now > x[-1]:
            x, v = np.append(x, self.x_now), np.append(v, v[-1])
        return x, v


class RefusedData(TrendlabError):
    """Records no forecast can use, whatever its options: a non-finite score, bounds the
    wrong way round, a result beyond the ceiling. Editing the records is the fix."""


def kept_title(setting: str | None) -> str:
    """What --setting kept, for a table's title after what it is of (a benchmark's name,
    a backtest's): `, settings containing "TEXT"`, or nothing without it."""
    return f', settings containing "{setting}"' if setting else ""


def setting_kept(setting: str) -> pl.Expr:
    """Whether a result's setting contains `setting`, ignoring case: what --setting keeps."""
    return pl.col("setting").str.to_lowercase().str.contains(setting.lower(), literal=True)


def build_series(
    scale: Scale,
    points: pl.DataFrame,
    *,
    by: str = "date",
    setting: str | None = None,
    all_points: bool = False,
    price_day: date | None = None,
    as_of_note: str = "",
    command: Command = bare_command,
    as_of: datetime | None = None,
) -> Series:
    """Results (id, date, score, model, setting[, organization, compute, price,
    priced_later]) -> a Series (see Store.forecast_points; by compute or price, the
    column it needs). By price, `price_day` is the day prices were read on, which an
    error for too few points names where results priced only later were left out.
    `as_of_note` (Store.as_of_note): under --as-of, too few points may be for want of
    results recorded by then, which that error says (the benchmark may have many now).
    `command` (Store.command) words the commands an error suggests, and a suggested
    forecast is as of `as_of` (Store.as_of).

    Raises TrendlabError when the data cannot carry a forecast: non-finite scores,
    bounds that contradict the direction, a result beyond the ceiling (whatever its
    setting: the ceiling is the best achievable on the benchmark), a setting that
    matches nothing, too few points with the chosen x.
    """
    if by not in BY:
        raise TrendlabError(f"--by must be one of {', '.join(BY)}, not {by!r}")
    if points.is_empty():
        raise TrendlabError(f"{scale.slug} has no results; a trend needs at least {MIN_POINTS}")
    bad = points.filter(~pl.col("score").is_finite())
    if not bad.is_empty():
        raise RefusedData(
            f"{scale.slug}: result {bad.item(0, 'id')} has a non-finite score "
            f"({bad.item(0, 'score')}); correct it with `{command('edit result')}`"
        )
    _check_order(scale, command)
    _check_ceiling(scale, points, command)
    if setting is not None:
        settings = points.get_column("setting").drop_nulls().unique().sort().to_list()
        points = points.filter(setting_kept(setting))
        if points.is_empty():
            shown = ", ".join(at_most([repr(s) for s in settings], 10)) or "none recorded"
            raise TrendlabError(
                f"no result on {scale.slug} has a setting containing {quoted(setting)}"
                f"{as_of_note}; settings: {shown}"
            )
    undated = points.get_column("date").null_count()
    points = points.filter(pl.col("date").is_not_null())
    if "organization" not in points.columns:
        points = points.with_columns(pl.lit(None, pl.String).alias("organization"))
    priced_later = unblended = uncomputed = unpriced = 0
    if by == "date":
        x = decimal_years(pl.col("date"))
    else:
        column = "compute" if by == "compute" else "price"
        _refuse_unlogged(scale.slug, points, column, price_day, command)
        with_x = points.filter(pl.col(column) > 0)
        if by == "price":
            priced_later = points.filter(pl.col("price").is_null() & pl.col("priced_later")).height
            unblended = points.filter(pl.col("price").is_null() & pl.col("unblended")).height
            unpriced = points.height - with_x.height - priced_later - unblended
        else:
            uncomputed = points.height - with_x.height
        models = with_x.get_column("model").n_unique()
        if models < MIN_POINTS:
            # The setting is named, as the error for too few frontier points names it:
            # without it, a benchmark with many models of known compute seemed to have one.
            # "only 0 models ... have" read as if some had been counted and fell short.
            some = "no model" if models == 0 else f"only {counted(models, 'model')}"
            raise TrendlabError(
                f"{some} with results on {scale.slug}"
                f"{_kept_clause(setting)} {'have' if models > 1 else 'has'} a known "
                f"{X_LABEL[by]}{as_of_note}; --by {by} needs at least {MIN_POINTS}"
                + _undated_clause(undated, scale.slug, command)
                + _uncomputed_clause(uncomputed, scale.slug, command)
                + _unpriced_clause(
                    unpriced, priced_later, unblended, scale.slug, price_day, command
                )
            )
        points = with_x
        x = pl.col(column).log10()
    # Records are read from the scores, not from v: a floor and ceiling far apart
    # beside the scores' spread would round distinct scores to one v (see _check_spread).
    good = pl.col("score") if scale.higher_is_better else -pl.col("score")
    frame = (
        points.with_columns(x.alias("x"), scale.value(pl.col("score")).alias("v"))
        .sort([pl.col("x"), good], descending=[False, True])
        .with_columns((good > good.cum_max().shift(1).fill_null(-math.inf)).alias("record"))
        .select("date", "x", "score", "v", "model", "organization", "setting", "record")
    )
    series = Series(
        scale,
        by,
        not all_points,
        setting,
        frame,
        undated,
        priced_later,
        unblended,
        uncomputed,
        unpriced,
        command,
        as_of,
    )
    # The frontier's level at a later result is a point every family fits (fit_data),
    # as it is among an S-curve's three above the floor: two records and a plateau were
    # refused, though with a third record at chance, which no S-curve fits, they were not.
    n = len(series.fit_data()[0]) if series.frontier else frame.height
    if n < MIN_POINTS:
        what = "frontier point" if series.frontier else "dated result"
        later = series.frontier and n > series.records.height
        raise TrendlabError(
            f"{scale.slug} has {n} {what}{'' if n == 1 else 's'}"
            + ("" if by == "date" else f" by {by}")
            + _kept_clause(setting)
            + (series.plateau_counted if later else "")
            + as_of_note
            + f"; a trend needs at least {MIN_POINTS}"
            + _at_chance_clause(series)
            + _undated_clause(undated, scale.slug, command)
            + _uncomputed_clause(uncomputed, scale.slug, command)
            + _unpriced_clause(unpriced, priced_later, unblended, scale.slug, price_day, command)
        )
    _check_spread(series)
    return series


def _check_spread(series: Series) -> None:
    """The scores a forecast fits must stay apart as fractions of the way from floor to
    ceiling, held within EPS of either end where a logit is taken: frontier scores of 1
    to 4 under a ceiling of 1e300 were one value there, and every forecast that value
    (about 1e296). Such data say a bound is wrong, more often than not."""
    scale = series.scale
    if scale.floor is None or scale.ceiling is None:
        return
    fitted = series.fitted(S_CURVES[0])  # what an S-curve fits: the scores above the floor
    scores = fitted.get_column("score")
    values = fitted.get_column("v").clip(EPS, 1 - EPS).n_unique()
    if scores.n_unique() < MIN_POINTS or values >= MIN_POINTS:
        return
    what = "frontier points" if series.frontier else "results"
    low, high = float(scores.min()), float(scores.max())  # type: ignore[arg-type]
    raise RefusedData(
        f"{scale.slug}: its {what} (scores {number(low)} to {number(high)}) "
        f"give a forecast only {values} distinct value{'' if values == 1 else 's'} to fit: it "
        f"fits the fraction of the way from floor {number(scale.floor)} to ceiling "
        f"{number(scale.ceiling)}, holding those within {number(EPS * 100)} % of either end "
        f"there; if a bound is wrong, set it with "
        f"`{series.command(f'edit benchmark {scale.slug} --set floor=... --set ceiling=...')}`"
    )


def _kept_clause(setting: str | None) -> str:
    """What --setting kept, for an error that counts the results left, in the words of
    Series.kept, which the errors for too few points above the floor use: '' without it."""
    return f' with a setting containing "{setting}"' if setting else ""


def _at_chance_clause(series: Series) -> str:
    """The end of an error for too few frontier points, when enough results are there but
    all of them at or past the floor: results that tie at chance make no records, so
    more of them would not help, while a score above chance or a floor set right would."""
    scale, points = series.scale, series.points
    if not series.frontier or points.height < MIN_POINTS or scale.floor is None:
        return ""
    if not (points.get_column("v") <= scale.value(scale.floor)).all():
        return ""
    side = "below" if scale.higher_is_better else "above"
    every = f", and all {points.height} of its results{series.kept} are at or {side}"
    if not scale.floor_set:
        # Its unit's worst end, not a chance level the benchmark states: no floor to
        # check (`show benchmark` shows none), and nothing scores worse.
        return f"{every} {scale.floor_words()}: none has yet scored better than that"
    show = series.command(f"show benchmark {scale.slug}")
    return (
        f"{every} {scale.floor_words()}: none has yet scored better than chance, or the "
        f"floor is wrong (check it with `{show}`)"
    )


def _undated_clause(undated: int, slug: str, command: Command) -> str:
    """The end of an error for too few points, when results no date places were left
    out: they may be what the trend lacks, and the note saying so never comes."""
    return f"; {undated_note(undated, f'on {slug}', command)}" if undated else ""


def _uncomputed_clause(uncomputed: int, slug: str, command: Command) -> str:
    """The end of an error for too few points by compute, when results whose models'
    training compute is unknown were left out, as _undated_clause says it of undated ones."""
    return f"; {uncomputed_note(uncomputed, f'on {slug}', command)}" if uncomputed else ""


def _unpriced_clause(
    unpriced: int,
    priced_later: int,
    unblended: int,
    slug: str,
    day: date | None,
    command: Command,
) -> str:
    """The end of an error for too few points by price, when results whose models have
    no price, are priced only from a later day, or have no blend of their price in
    effect, were left out, as _undated_clause says it of undated ones."""
    if day is None:
        return ""
    where = f"on {slug}"
    notes = [unpriced_note(unpriced, where, command)] if unpriced else []
    if priced_later:
        notes.append(priced_later_note(priced_later, where, day))
    if unblended:
        notes.append(unblended_note(unblended, where, day))
    return "".join(f"; {note}" for note in notes)


def _refuse_unlogged(
    slug: str, points: pl.DataFrame, column: str, day: date | None, command: Command
) -> None:
    """Name the first model whose x (`column`: compute, or price blended) has no log: 0,
    below 0 or not finite, which only a write around trendlab stores (`check` lists it),
    as price-trend names a price. A NaN passed `> 0` (Polars orders it above every
    number) and its log was taken as an x: a NaN compute on the frontier made every
    point after it one x, refused as "all share one training compute"."""
    bad = points.filter(no_log(column))
    if bad.is_empty():
        return
    row = bad.row(0, named=True)
    if column == "price":
        on = f" in effect on {day}" if day else ""
        what = f"the price of {row['model']}{on} blends to {row['price']!r} at 3:1"
        mend = "prices"
    else:
        what = f"the training compute of {row['model']} is {row['compute']!r}"
        mend = "models"
    raise RefusedData(
        f"{slug}: {what}, which a forecast by {column} cannot take the log of; "
        f"`{command('check')}` lists the {mend} to mend"
    )


def _check_order(scale: Scale, command: Command) -> None:
    """Floor (chance level) and ceiling (best achievable) must leave a finite range, the
    right way round: floor above ceiling when lower is better. A database written before
    trendlab read them so may hold a lower-is-better benchmark's bounds the other way."""
    floor, ceiling = scale.floor, scale.ceiling
    if floor is None or ceiling is None:
        return
    fix = f"`{command(f'edit benchmark {scale.slug} --set floor=... --set ceiling=...')}`"
    if floor == ceiling:
        raise RefusedData(
            f"{scale.slug}: floor and ceiling are both {number(floor)}, which leaves a forecast no "
            f"range; set them with {fix}"
        )
    if math.isinf(ceiling - floor):
        raise RefusedData(
            f"{scale.slug}: floor {number(floor)} and ceiling {number(ceiling)} are too far apart "
            f"to compute the range between them, which a forecast rescales scores by; set them "
            f"with {fix}"
        )
    if (ceiling > floor) == scale.higher_is_better:
        return
    if scale.higher_is_better:
        raise RefusedData(
            f"{scale.slug}: floor {number(floor)} is not below ceiling {number(ceiling)}; set them "
            f"with {fix}"
        )
    swap = (
        f"edit benchmark {scale.slug} --set floor={number(ceiling)} --set ceiling={number(floor)}"
    )
    raise RefusedData(
        f"{scale.slug} is lower-is-better, so its floor (chance level, the worst score) must "
        f"be above its ceiling (the best achievable), not {number(floor)} below "
        f"{number(ceiling)}; swap them with `{command(swap)}`"
    )


def _check_ceiling(scale: Scale, points: pl.DataFrame, command: Command) -> None:
    """No result may beat the ceiling: it is the best achievable, and a forecast bounded
    by it would put its median below today's best. (Scores below the floor are data:
    a small model can score below chance.)"""
    if scale.ceiling is None or points.is_empty():
        return
    best = points.sort("score", descending=scale.higher_is_better, nulls_last=True).row(
        0, named=True
    )
    if not scale.beyond(best["score"]):
        return
    side, bound = ("above", "at least") if scale.higher_is_better else ("below", "at most")
    score = number(best["score"])
    raise RefusedData(
        f"{scale.slug}: the best score, {score} by {best['model']}, is {side} the "
        f"ceiling {number(scale.ceiling)} (the best achievable); correct the result, or set "
        f"a ceiling of {bound} {score} with "
        f"`{command(f'edit benchmark {scale.slug} --set ceiling=...')}`"
    )


def load_series(
    store: Any,
    benchmark: str,
    *,
    by: str = "date",
    setting: str | None = None,
    all_points: bool = False,
) -> Series:
    """Read one benchmark's results from an open store and build its Series.

    The caller closes the store before fitting, so a forecast never holds the file.
    """
    scale = load_scale(store, benchmark)
    return build_series(
        scale,
        store.forecast_points(benchmark),
        by=by,
        setting=setting,
        all_points=all_points,
        price_day=store.reading_day,
        as_of_note=store.as_of_note(),
        command=store.command,
        as_of=store.as_of,
    )


def load_scale(store: Any, benchmark: str) -> Scale:
    """A benchmark's Scale; an unknown slug is an error suggesting the nearest one."""
    return Scale.from_record(store.benchmark(benchmark))
