"""API prices as a size and cost proxy: blended prices and the cost of a capability.

Providers stopped publishing model sizes; what they charge per token is the best
public proxy left. These are Polars transforms over the `prices` and `scores` views.
"""

from __future__ import annotations

import heapq
import math
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import polars as pl

from trendlab.errors import TrendlabError
from trendlab.series import (
    ADD_PRICE,
    Command,
    bare_command,
    decimal_years,
    no_blend,
    no_log,
    undated_note,
)
from trendlab.text import (
    NONZERO_RE,
    fold,
    level_text,
    number,
    round_significant,
    significant_text,
)

if TYPE_CHECKING:
    from trendlab.forecast.decline import DeclineFit

BLENDED = "blended_usd_per_mtok"
Note = TypeVar("Note")  # a note on a trend: its text, or the text and how it is shown


@dataclass(frozen=True)
class Blend:
    """Weights of input and output tokens in a blended price (3:1 by default).

    The blend itself is the schema's blended_price macro (schema/004_blended_price.sql,
    redefined by 005_blended_price_weights.sql), which Store.records applies: one rule
    for the commands, the named queries and anyone's own SQL. `parse` refuses what
    the macro would, in the option's own words, before any SQL runs.
    """

    input: float = 3.0
    output: float = 1.0

    @classmethod
    def parse(cls, text: str) -> Blend:
        # [0-9], not \d: float() would read any script's digits (３:1) as ours.
        match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*:\s*([0-9]+(?:\.[0-9]+)?)\s*", text)
        if match:
            _check_nonzero(text, match[1], "input")
            _check_nonzero(text, match[2], "output")
        if not match or float(match[1]) + float(match[2]) == 0:
            raise TrendlabError(
                f"{text!r} is not INPUT:OUTPUT weights, e.g. 3:1 (input-heavy) or 1:1"
            )
        # Digits alone can spell a number past a float's range (310 of them): as inf,
        # or as a sum that is, the blend divides to NaN or 0 for every price.
        if not math.isfinite(float(match[1]) + float(match[2])):
            raise TrendlabError(
                f"{text!r}: weights this large cannot be blended; give their ratio, "
                "e.g. 3:1 (input-heavy) or 1:1"
            )
        return cls(float(match[1]), float(match[2]))

    def __str__(self) -> str:
        """The weights as --blend reads them back: every digit, no exponent (`:g` wrote
        0.1234567 as 0.123457 and 1000000 as 1e+06, which --blend refuses)."""
        return f"{_plain(self.input)}:{_plain(self.output)}"


def _check_nonzero(text: str, weight: str, side: str) -> None:
    """Refuse a weight written not zero that reads as 0.0 (0.000...1, past a double's
    least): blending at it would silently leave its side out, as a weight of 0 does."""
    if float(weight) == 0 and re.search(NONZERO_RE, weight):
        raise TrendlabError(
            f"{text!r}: the {side} weight is too close to 0 to use: it would read as 0"
        )


def _plain(weight: float) -> str:
    """A weight in plain digits, the shortest that read back as it (3, 0.25, 1000000)."""
    return format(Decimal(repr(weight)).normalize(), "f")


@dataclass(frozen=True)
class BlendedPrices:
    """Price records with their blended price, and the weights it was blended at.

    Read together (BlendedPrices.read), so that what takes them, a price trend, names
    the blend the frame holds rather than one given beside it.
    """

    frame: pl.DataFrame  # the price records with BLENDED, at `blend`'s weights
    blend: Blend

    @classmethod
    def read(cls, store: Any, blend: Blend = Blend()) -> BlendedPrices:
        """Every current price in an open store, blended at `blend` by the schema's
        macro (Store.records)."""
        from trendlab.kinds import PRICES

        return cls(store.records(PRICES, blend=blend), blend)


def shown_blend(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with its blended price as the commands print it, to 12 significant
    digits: weighing leaves float noise (0.75 x 0.15 + 0.25 x 0.6 is
    0.26249999999999996)."""
    return _to_shown_digits(frame, BLENDED)


def _to_shown_digits(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """`frame` with these float columns to the 12 significant digits a blend is shown
    to (see shown_blend)."""
    # Significant digits, not decimals: six decimals showed a price of a ten-millionth
    # of a dollar as a blended price of 0, which no price may be.
    return frame.with_columns(
        pl.Series(
            column,
            [None if v is None else round_significant(v, 12) for v in frame.get_column(column)],
            dtype=pl.Float64,
        )
        for column in columns
    )


def filter_provider(prices: pl.DataFrame, provider: str, as_of_note: str = "") -> pl.DataFrame:
    """Prices from one provider, matched as names compare (see trendlab.text.fold:
    openai is OpenAI), surrounding spaces aside; unknown ones are an error, saying
    `as_of_note` (Store.as_of_note): under --as-of, the prices are those recorded by then."""
    from trendlab.nearest import suggest

    known = prices.get_column("provider").unique().sort().to_list()
    # Stripped as a write strips it: add-price ' openai ' is OpenAI's price.
    match = [p for p in known if fold(p) == fold(provider.strip())]
    if not match:
        raise TrendlabError(
            f"unknown provider {provider!r}{as_of_note}{suggest(provider, known)}; "
            f"providers: {', '.join(known) or 'none'}"
        )
    return prices.filter(pl.col("provider").is_in(match))


def select(
    prices: pl.DataFrame,
    *,
    model: str | None = None,
    provider: str | None = None,
    as_of_note: str = "",
) -> pl.DataFrame:
    """The prices of one model (a stored slug), of one provider (see filter_provider), or
    both. The provider is known by every price, not only the model's: Anthropic, which
    does not sell gpt-4, was called an unknown provider when asked for gpt-4."""
    if provider is not None:
        prices = filter_provider(prices, provider, as_of_note)
    if model is not None:
        prices = prices.filter(pl.col("model") == model)
    return prices


def in_effect(prices: pl.DataFrame, on: date) -> pl.DataFrame:
    """The price of each model at each provider on a day (the latest not after it)."""
    return (
        prices.filter(pl.col("effective_date") <= on)
        .sort("effective_date")
        .group_by("model", "provider", maintain_order=True)
        .last()
        .sort("model", "provider")
    )


def ahead_note(day: date, moment: str | None, *, ahead: bool) -> str | None:
    """Under --as-of a `moment` (Store.as_of_moment) after now (`ahead`: see
    Store.as_of_ahead), whose day is `day` (Store.reading_day): that the database is read
    as it is now, no change recorded by then being known, with the prices announced for
    that day or before taken as in effect. A scheduled price read as current then,
    without a word, passed for one the store held by that day. None otherwise."""
    if moment is None or not ahead:
        return None
    return (
        f"--as-of {moment} is in the future: the database is read as it is now, with the "
        f"prices announced for {day} or before as in effect then"
    )


def _reaches(threshold: float, higher_is_better: bool) -> pl.Expr:
    return pl.col("score") >= threshold if higher_is_better else pl.col("score") <= threshold


def undated_reaching(
    scores: pl.DataFrame, threshold: float, *, higher_is_better: bool = True
) -> int:
    """How many results at or beyond `threshold` no date places: a trend leaves them out."""
    reached = _reaches(threshold, higher_is_better) & pl.col("date").is_null()
    return scores.filter(reached).height


def undated_reaching_note(
    benchmark: dict[str, Any],
    scores: pl.DataFrame,
    prices: BlendedPrices,
    threshold: float,
    command: Command = bare_command,
) -> str | None:
    """What a price trend of `benchmark` (a Store.benchmark record) to `threshold`
    leaves out for want of a date, as series.undated_note words it, with `command`
    (see series.Command); None when nothing is. price-trend and the report both say it.
    Only results of models with a price, as price_trend's own error counts them: a
    model with none is left out dated or not, and the note had its user date a result
    that the trend then still left out."""
    higher = benchmark.get("higher_is_better") is not False
    priced = prices.frame.get_column("model").unique().to_list()
    n = undated_reaching(
        scores.filter(pl.col("model").is_in(priced)), threshold, higher_is_better=higher
    )
    return (
        undated_note(n, f"on {benchmark['slug']} at or beyond {number(threshold)}", command)
        if n
        else None
    )


def trend_notes(
    ahead: Note | None, past_bound: Note | None, undated: Note | None, unknown: Note | None
) -> list[Note]:
    """The notes on a price trend in the one order price-trend prints them and the
    report's price section shows them (it showed where the cheapest is unknown first):
    an --as-of in the future (ahead_note), a threshold past a bound
    (Scale.past_bound_note), what no date places (undated_reaching_note), where the
    cheapest is unknown (PriceTrend.unknown_note). Each is its text, or (as the
    report's are) its text and how it is shown."""
    return [said for said in (ahead, past_bound, undated, unknown) if said]


def capable_models(
    scores: pl.DataFrame, threshold: float, *, higher_is_better: bool = True
) -> pl.DataFrame:
    """Models with a dated result at or beyond `threshold`: when first, and their best."""
    reached = _reaches(threshold, higher_is_better)
    return (
        scores.filter(reached & pl.col("date").is_not_null())
        .group_by("model")
        .agg(
            pl.col("date").min().alias("capable_from"),
            (pl.col("score").max() if higher_is_better else pl.col("score").min()).alias("score"),
        )
        .sort("capable_from", "model")
    )


def cheapest_capable(
    scores: pl.DataFrame,
    prices: pl.DataFrame,
    threshold: float,
    *,
    blend: Blend,
    higher_is_better: bool = True,
) -> pl.DataFrame:
    """At each date the answer changes, the cheapest model that has reached `threshold`.

    A model counts from the day it first has a result at or beyond the threshold, at
    the price in effect (its cheapest provider) on each day. `scores` has model, date,
    score; `prices` has model, provider, effective_date and the blended price. Returns
    date, model, provider, blended price, input and output prices, and the model's
    best score by that date, one row per change of the cheapest option, prices blended
    at `blend`.
    While a price whose blend is unknown is in effect for a model that has reached the
    threshold, and the prices it does give could make it the cheapest, the cheapest is
    unknown: the row names that model and provider, its blended price null.
    """
    capable = capable_models(scores, threshold, higher_is_better=higher_is_better)
    spells = _spells(prices, capable).with_columns(
        # The least a blend can be: an unknown price weighs at least 0. A price whose
        # known part alone costs more than the cheapest known one is not the cheapest.
        # Weighed as the schema's blended_price macro does (weights summed to 1
        # first), so that at a tie the two come out the same float.
        pl.coalesce(
            BLENDED,
            blend.input / (blend.input + blend.output) * pl.col("input_usd_per_mtok").fill_null(0)
            + blend.output
            / (blend.input + blend.output)
            * pl.col("output_usd_per_mtok").fill_null(0),
        ).alias("__least"),
    )
    # Compared as shown: two blends that print alike (0.2625, and 0.75 x 0.15 + 0.25 x 0.6
    # = 0.26249999999999996) are one price, not a change of price, nor a model cheaper
    # than one already cheapest at that price.
    spells = _to_shown_digits(spells, BLENDED, "__least")
    if spells.is_empty():
        return pl.DataFrame(
            schema={
                "date": pl.Date,
                "model": pl.String,
                "provider": pl.String,
                BLENDED: pl.Float64,
                "input_usd_per_mtok": pl.Float64,
                "output_usd_per_mtok": pl.Float64,
                "score": pl.Float64,
            }
        )
    cheapest = _cheapest_each_day(spells)
    # ne_missing: an unknown cheapest that stays unknown is no change, but for the price
    # that makes it so: another provider of the same model taking that part is one. The
    # row named the first provider until the cheapest was known again, even after that
    # provider's price was known and dear, and so did the note. So is that provider's
    # next price of unknown blend (an input price cut): its row showed the first one's.
    unknown = pl.col(BLENDED).is_null()
    changed = (
        pl.col("model").ne_missing(pl.col("model").shift(1))
        | pl.col(BLENDED).ne_missing(pl.col(BLENDED).shift(1))
        | (
            unknown
            & pl.any_horizontal(
                pl.col(c).ne_missing(pl.col(c).shift(1))
                for c in ("provider", "input_usd_per_mtok", "output_usd_per_mtok")
            )
        )
    )
    rows = cheapest.filter(changed).drop("score")
    # Each row's model's best score by its date, not a later one: a row of 2023 that
    # showed a score of 2024 read as the score the price bought then.
    best = (
        rows.select("date", "model")
        .join(scores.filter(pl.col("date").is_not_null()), on="model", suffix="_scored")
        .filter(pl.col("date_scored") <= pl.col("date"))
        .group_by("date", "model")
        .agg(pl.col("score").max() if higher_is_better else pl.col("score").min())
    )
    return rows.join(best, on=["date", "model"], how="left").select(
        "date",
        "model",
        "provider",
        BLENDED,
        "input_usd_per_mtok",
        "output_usd_per_mtok",
        "score",
    )


def _spells(prices: pl.DataFrame, capable: pl.DataFrame) -> pl.DataFrame:
    """Each price of a model in `capable` (as capable_models gives it) while the model
    reaches the threshold: from `start`, the later of its date and the model's
    `capable_from`, `until` the next price of its model and provider (null: still in
    effect); a price replaced before its model reached the threshold is left out.
    A price ends where the next one begins even when that one's blend is unknown (an
    input price alone): from then on the old price is not in effect, and the model's
    price that day is unknown, not the old one. So is the cheapest: the next-cheapest
    known price would show a rise that is only a change of model, when the unknown
    price may be the lowest of all."""
    return (
        prices.sort("effective_date")
        .with_columns(pl.col("effective_date").shift(-1).over("model", "provider").alias("until"))
        .join(capable, on="model", how="inner")
        .with_columns(pl.max_horizontal("effective_date", "capable_from").alias("start"))
        .filter(pl.col("until").is_null() | (pl.col("start") < pl.col("until")))
    )


def capable_offers(prices: pl.DataFrame, capable: pl.DataFrame) -> pl.DataFrame:
    """Every price of known blend a model offered once it had reached the threshold
    (`capable`, as capable_models gives it), with `from`, the day it first did: its own
    date, or the model's first result reaching the threshold. A price replaced before
    then was never the price of a model reaching it: drawn at its own date, it lay
    below the cheapest such price of that day."""
    return (
        _spells(prices, capable.select("model", "capable_from"))
        .filter(pl.col(BLENDED).is_not_null())
        .rename({"start": "from"})
        .drop("until", "capable_from")
    )


def _cheapest_each_day(spells: pl.DataFrame) -> pl.DataFrame:
    """The cheapest of `spells` in effect on each day one starts or ends (a day none is
    in effect has no row), with `date`: the least price first; an unknown blend that may
    be below every known one makes the day's cheapest unknown; at a tie the known price,
    then the one in effect longest, then by model and provider. But where the day
    before's model ties with it: a model reaching the threshold at the cheapest price,
    or one whose own price is restated at the same blend, changes nothing (chosen by
    name, or by whose price began first, it was a new point of the fit at an unchanged
    price)."""
    # A sweep over the days with a heap of the spells in effect, n log n: joining every
    # day with every spell grew as their product (hundreds of millions of rows at
    # 20,000 prices). Ranked by Polars' own order, so that a NaN, or -0.0 against 0.0,
    # sorts and ties as it always did.
    unknown = pl.col(BLENDED).is_null()
    ranked = spells.sort("__least", unknown, "start", "model", "provider").with_columns(
        # Spells of one tier are alike in price and in being known or not: a tie.
        (pl.col("__least").ne(pl.col("__least").shift(1)) | unknown.ne(unknown.shift(1)))
        .fill_null(True)
        .cum_sum()
        .alias("__tier")
    )
    days, picked = _sweep(
        ranked.get_column("start").to_list(),
        ranked.get_column("until").to_list(),
        ranked.get_column("model").to_list(),
        ranked.get_column("__tier").to_list(),
    )
    return ranked.select(pl.all().gather(picked)).with_columns(
        pl.Series("date", days, dtype=pl.Date)
    )


def _sweep(
    starts: list[date], untils: list[date | None], models: list[str], tiers: list[int]
) -> tuple[list[date], list[int]]:
    """Each day a spell starts or ends on which one is in effect, and which is picked
    then (see _cheapest_each_day): spell i, ranked best first, runs from starts[i]
    until untils[i] (None: on), of models[i], whose price ties with those of its tier."""
    beginning = sorted(zip(starts, range(len(starts)), strict=True))
    ending = sorted((until, i) for i, until in enumerate(untils) if until is not None)
    every_day = sorted({day for day, _ in beginning}.union(day for day, _ in ending))
    in_effect = [False] * len(starts)
    best: list[int] = []  # heaps of ranks; a spell ended leaves when it comes to the top
    of_model: dict[str, list[int]] = {}
    days: list[date] = []
    picked: list[int] = []
    before: str | None = None
    started = ended = 0
    for day in every_day:
        while ended < len(ending) and ending[ended][0] <= day:
            in_effect[ending[ended][1]] = False
            ended += 1
        while started < len(beginning) and beginning[started][0] <= day:
            spell = beginning[started][1]
            in_effect[spell] = True
            heapq.heappush(best, spell)
            heapq.heappush(of_model.setdefault(models[spell], []), spell)
            started += 1
        first = _top(best, in_effect)
        if first is None:
            continue
        kept = None if before is None else _top(of_model[before], in_effect)
        choice = kept if kept is not None and tiers[kept] == tiers[first] else first
        before = models[choice]
        days.append(day)
        picked.append(choice)
    return days, picked


def _top(heap: list[int], in_effect: list[bool]) -> int | None:
    """The best-ranked spell of `heap` in effect, dropping those ended; None if none."""
    while heap and not in_effect[heap[0]]:
        heapq.heappop(heap)
    return heap[0] if heap else None


@dataclass
class PriceTrend:
    """The cost of reaching a score on a benchmark, and how fast it falls."""

    benchmark: str
    unit: str
    threshold: float
    blend: Blend
    points: pl.DataFrame  # the cheapest capable model at each change
    offers: pl.DataFrame  # every price of a model once it reached the threshold (capable_offers)
    fit: DeclineFit
    on: date  # the day the prices were read as of (price_trend's `on`)
    higher_is_better: bool = True
    name: str | None = None  # the benchmark's, as `show` gives it

    @property
    def reaching(self) -> str:
        """What reaching the threshold means: 'math >= 90', or 'err <= 5'."""
        return self._reaching(self.benchmark)

    @property
    def reaching_named(self) -> str:
        """`reaching` by the benchmark's name where it has one: 'MATH >= 90'."""
        return self._reaching(self.name or self.benchmark)

    def _reaching(self, benchmark: str) -> str:
        return f"{benchmark} {'>=' if self.higher_is_better else '<='} {number(self.threshold)}"

    def table(self) -> pl.DataFrame:
        """The series with the fitted trend value at each point, to the 12 significant
        digits a blend is shown to: 10 ** log10(5) is 5.000000000000001, and the trend of
        a price that holds at $5 read so on every row."""
        years = self.points.select(decimal_years(pl.col("date"))).to_series().to_numpy()
        trend = self.points.with_columns(
            pl.Series(
                "trend_usd_per_mtok", self.fit.fitted(years), dtype=pl.Float64, nan_to_null=True
            )
        )
        return _to_shown_digits(trend, "trend_usd_per_mtok")

    @property
    def falling(self) -> bool:
        """Whether the fitted price falls (or holds): the rate is then 'cheaper'."""
        return self.fit.slope <= 0

    def rate_text(self) -> str:
        """The rate in words: 'N x cheaper per year', or 'N x dearer' when it rises. A
        price that holds is 'no change per year', and one changing by less than three
        significant digits can show is 'under 1.005x cheaper (dearer)': '1x cheaper per
        year' read as a price that falls."""
        return f"{_change(abs(self.fit.slope), 'cheaper' if self.falling else 'dearer')} per year"

    def headline(self, *, named: bool = False) -> str:
        """The rate in one sentence, its interval in the same words as the rate: a
        rising price's interval is of how many times dearer, as the rate is, and an end
        under what three digits show is 'under 1.005x', as the rate is. An interval
        that spans no change says which way each end goes: '0.855x cheaper' was a
        price rising 1.17x a year. `named`: the benchmark by its name, as a page that
        heads the trend with it says it (see reaching_named)."""
        # In log10 units: an end of a wide interval is past the largest float.
        lower, upper = -self.fit.slope_upper, -self.fit.slope_lower
        way, other = ("cheaper", "dearer") if self.falling else ("dearer", "cheaper")
        if not self.falling:
            lower, upper = -upper, -lower
        if lower == upper == 0:  # points on one line of a price that holds
            interval = "no change"
        elif lower < 0:
            interval = f"{_change(-lower, other)} to {_change(upper, way)}"
        else:
            interval = f"{_change(lower)} to {_change(upper)}"
        trend = self.rate_text()
        return (
            f"{self.reaching_named if named else self.reaching}: {trend} "
            f"({level_text(self.fit.level)} % interval {interval}){self._halving_text()}; "
            f"{self.fit.n} points, blend {self.blend}"
        )

    def _halving_text(self) -> str:
        """'; the price halves every N months (A to B)', B 'never' when the interval
        spans a price that does not fall: a halving time alone read as settled where
        the rate's own interval allowed a rise."""
        halving = self.fit.halving_months
        if halving is None:
            return ""
        fastest, slowest = self.fit.halving_interval
        assert fastest is not None  # its slope falls faster than the halving's, which falls
        slower = "never" if slowest is None else significant_text(slowest, 3)
        return (
            f"; the price halves every {significant_text(halving, 3)} months "
            f"({significant_text(fastest, 3)} to {slower})"
        )

    def unknown_note(self) -> str | None:
        """Where the cheapest is unknown (see unknown_cheapest), and what the trend is
        fitted on instead; None where it is always known. price-trend and the report
        both say it."""
        unknown = unknown_cheapest(self.points, self.blend)
        if unknown is None:
            return None
        return f"{unknown}; the trend is fitted on the {self.fit.n} dates whose cheapest is known"

    def to_json(self) -> dict[str, Any]:
        return {
            "benchmark": self.benchmark,
            "unit": self.unit,
            "threshold": self.threshold,
            "blend": str(self.blend),
            "points": shown_blend(self.table())
            .with_columns(pl.col("date").cast(pl.String))
            .to_dicts(),
            "fit": self.fit.to_dict(),
        }


def _change(log10_factor: float, way: str = "") -> str:
    """A factor of change, 10 ** log10_factor (not below 1), and `way` it goes, in the
    rate's words: 'no change' at none, 'under 1.005x' for one that three digits show as
    1x ('1x cheaper' read as a fall), else as _times writes it."""
    if log10_factor == 0:
        return "no change"
    factor = _times(log10_factor)
    return f"{'under 1.005x' if factor == '1x' else factor}{f' {way}' if way else ''}"


def _times(log10_factor: float) -> str:
    """The factor 10 ** log10_factor to three significant digits, as significant_text
    writes it ('10.9x', '1,560x', '3.84e+15x'), also past the largest float, where
    10 ** it would overflow ('2.3e+369x')."""
    if abs(log10_factor) < 300:
        return f"{significant_text(10**log10_factor, 3)}x"
    exponent = math.floor(log10_factor)
    mantissa = f"{10 ** (log10_factor - exponent):.3g}"
    if mantissa == "10":  # 9.996 rounds up a power of ten
        mantissa, exponent = "1", exponent + 1
    return f"{mantissa}e{exponent:+03d}x"


def unknown_cheapest(points: pl.DataFrame, blend: Blend) -> str | None:
    """Where cheapest_capable's `points` say the cheapest is unknown, in words: from
    when, to when it is known again, and which model's price has no blend; None
    where it is always known."""
    spans: list[dict[str, Any]] = []
    run: dict[str, Any] | None = None
    for row in points.with_columns(pl.col("date").shift(-1).alias("next")).iter_rows(named=True):
        if row[BLENDED] is not None:
            run = None
            continue
        if run is None:
            run = {"start": row["date"], "names": {}}
            spans.append(run)
        run["names"][f"{row['model']} at {row['provider']}"] = None
        run["end"] = row["next"]
    if not spans:
        return None
    said = "; ".join(
        f"from {r['start']} {'on' if r['end'] is None else 'until ' + str(r['end'])} "
        f"({', '.join(r['names'])})"
        for r in spans
    )
    return (
        f"the cheapest is unknown {said}: a model reaching the threshold has a price in "
        f"effect {no_blend(blend)}, and it may be the lowest"
    )


class NoPricedModelReaches(TrendlabError):
    """price_trend's error when no dated priced model reaches the threshold. It says
    itself how many priced results reaching it no date places, so the note of
    undated_reaching_note, which goes with a trend or any other error, does not."""


def _refuse_unlogged(spells: pl.DataFrame, blend: Blend, command: Command) -> None:
    """Name the first of the `spells` (see _spells) whose blend has no log: 0, below 0
    or not finite. Only a price written around trendlab can blend so (a write refuses
    one, and `check` lists it); the trend's fit would otherwise fail naming none. Every
    price of a model reaching the threshold, not the cheapest alone: Polars orders NaN
    above every number, so a NaN price was never the cheapest and its model was left
    out in silence."""
    bad = spells.filter(no_log(BLENDED)).sort("start")
    if bad.is_empty():
        return
    row = bad.row(0, named=True)
    raise TrendlabError(
        f"the price of {row['model']} at {row['provider']} in effect on {row['start']} "
        f"blends to {row[BLENDED]!r} at {blend}, which a price trend cannot take the log of; "
        f"`{command('check')}` lists the prices to mend"
    )


def _reaching_only_after(
    scores: pl.DataFrame, threshold: float, on: date, *, higher_is_better: bool
) -> list[str]:
    """The models whose first dated result at or beyond `threshold` is after `on`: a
    price trend read on `on` leaves them out, and its error for no model reaching the
    threshold names them (it named a lower result as the best dated priced one)."""
    capable = capable_models(scores, threshold, higher_is_better=higher_is_better)
    return capable.filter(pl.col("capable_from") > on).get_column("model").to_list()


def _no_dated_priced_result(
    every_score: pl.DataFrame, announced: list[str], on: date, command: Command, as_of: bool
) -> str:
    """The error's clause for no model with a price in effect on `on` having a result
    dated by then: said as that where a model priced only later, or with a result dated
    only after `on`, has one, which the error goes on to name (it said no model with a
    price had a dated result, and then named priced models reaching it by later ones).
    A store with no price at all says so, and how to add one: blaming the results sent
    the user to look for dates on them. Under --as-of (`as_of`), that it had none then:
    prices recorded later may be there, which adding one would not help."""
    if not announced and as_of:
        return "; the store had no prices then"
    if not announced:
        add = command(ADD_PRICE)
        listed = command("import --from llm-prices FILE")
        return f"; the store has no prices (add one with `{add}`, or a list with `{listed}`)"
    dated = every_score.filter(pl.col("model").is_in(announced) & pl.col("date").is_not_null())
    if dated.is_empty():
        return "; no model with a price has a dated result on it"
    return f"; no model with a price in effect on {on} has a result on it dated by then"


def price_trend(
    benchmark: dict[str, Any],
    scores: pl.DataFrame,
    prices: BlendedPrices,
    threshold: float,
    *,
    on: date,
    level: float = 0.8,
    as_of_note: str = "",
    as_of_ahead: bool = False,
    command: Command = bare_command,
) -> PriceTrend:
    """How the price of the cheapest model reaching `threshold` has fallen over time,
    at the blend `prices` were read at, up to `on` (see Store.reading_day): a price
    announced for a later day is left out, and so is a result dated after it. `level` is
    the rate's interval, a fraction (see forecast.decline.fit_decline). `as_of_note`
    (Store.as_of_note): under --as-of, no model reaching it, or too few points, may be
    for want of results recorded by then, which its error says. `as_of_ahead`
    (Store.as_of_ahead): that --as-of is after now, when the database is read as it is
    now (a store without prices has none, not none then). `command` words the commands
    an error suggests (see series.Command)."""
    from trendlab.forecast.decline import TooFewPrices, fit_decline

    higher = benchmark.get("higher_is_better") is not False
    priced = prices.frame.filter(pl.col("effective_date") <= on)
    # A result dated after `on` (a model released tomorrow, as a write allows) reaches
    # the threshold only then: counted, its row was dated after `on` at the price of
    # `on`, where a price announced for its day is left out.
    every_score, scores = scores, scores.filter(pl.col("date").is_null() | (pl.col("date") <= on))
    points = cheapest_capable(
        scores, priced, threshold, blend=prices.blend, higher_is_better=higher
    )
    slug = benchmark["slug"]
    if points.is_empty():
        from trendlab.text import at_most, counted

        # Priced as cheapest_capable counts it: any price in effect, its blend known or
        # not. Counting known blends alone named a lower result as the best priced one
        # beside a model priced by its input price alone.
        priced_models = priced.get_column("model").unique().to_list()
        priced_scores = scores.filter(pl.col("model").is_in(priced_models))
        # Only a result a date places counts: an undated one, however good, is left out.
        best = priced_scores.filter(pl.col("date").is_not_null()).sort("score", descending=higher)
        # Any price, in effect or announced for later: a model priced only later whose
        # result reaching it has no date fell between this count and `later`'s, and went
        # unsaid, the note this error stands in for (NoPricedModelReaches) withheld.
        announced = prices.frame.get_column("model").unique().to_list()
        near = (
            f"; the best dated priced result is {number(best.item(0, 'score'))} by "
            f"{best.item(0, 'model')}"
            if not best.is_empty()
            # An --as-of in the future reads the store as it is now: adding a price helps.
            else _no_dated_priced_result(
                every_score, announced, on, command, bool(as_of_note) and not as_of_ahead
            )
        )
        undated = undated_reaching(
            scores.filter(pl.col("model").is_in(announced)), threshold, higher_is_better=higher
        )
        if undated:
            near += (
                f"; left out for want of a date: {counted(undated, 'priced result')} reaching "
                f"it (give a reported_date, or the model a release_date, with `{command('edit')}`)"
            )
        later = (
            capable_models(scores, threshold, higher_is_better=higher)
            .filter(pl.col("model").is_in(announced))
            .get_column("model")
            .to_list()
        )
        if later:
            # Not in `priced`, so every price of theirs is announced for after `on`.
            names = ", ".join(at_most(later, 5, "model"))
            near += (
                f"; {names} {'reaches' if len(later) == 1 else 'reach'} it but "
                f"{'has' if len(later) == 1 else 'have'} no price in effect on {on}, "
                "only prices announced for later"
            )
        dated_after = _reaching_only_after(every_score, threshold, on, higher_is_better=higher)
        ahead = [m for m in dated_after if m in announced]
        if ahead:
            names = ", ".join(at_most(ahead, 5, "model"))
            near += (
                f"; {names} {'reaches' if len(ahead) == 1 else 'reach'} it only by "
                f"{'a result' if len(ahead) == 1 else 'results'} dated after {on}"
            )
        raise NoPricedModelReaches(
            f"no priced model reaches {number(threshold)} on {slug}{as_of_note}{near}"
        )
    capable = capable_models(scores, threshold, higher_is_better=higher)
    _refuse_unlogged(_spells(priced, capable), prices.blend, command)
    known = points.filter(pl.col(BLENDED).is_not_null())
    years = known.select(decimal_years(pl.col("date"))).to_series().to_numpy()
    try:
        fit = fit_decline(years, known.get_column(BLENDED).to_numpy(), level=level)
    except TooFewPrices as exc:
        # Too few points may be for want of known prices: say where they are unknown;
        # or, under --as-of, for want of results and prices recorded by then.
        unknown = unknown_cheapest(points, prices.blend)
        if unknown is None and not as_of_note:
            raise
        where = f"; {unknown}" if unknown else ""
        raise TrendlabError(f"{exc.message}{as_of_note}{where}", exit_code=exc.exit_code) from exc
    return PriceTrend(
        benchmark=slug,
        unit=benchmark.get("unit") or "",
        threshold=threshold,
        blend=prices.blend,
        points=points,
        offers=capable_offers(priced, capable),
        fit=fit,
        higher_is_better=higher,
        name=benchmark.get("name"),
        on=on,
    )
