"""Gather what the report shows: read the store once, close it, then fit and draw.

Every read happens in one read-only open of the store (benchmarks, results, prices,
changesets, cached backtests and fits); the backtests still missing are computed with
the store closed, and so are the forecasts and figures. Fresh backtests and fits go to
the forecast cache in one write each, which never waits for a lock (see
trendlab.forecast.cache), so a second report of unchanged data fits nothing.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

import polars as pl

from trendlab.db import command_on
from trendlab.errors import TrendlabError
from trendlab.text import level_text

if TYPE_CHECKING:
    from trendlab.forecast.backtest import Plan
    from trendlab.forecast.cache import Opener
    from trendlab.forecast.evaluate import Backtest
    from trendlab.forecast.families import Curve
    from trendlab.forecast.prepare import ForecastInputs, Prepared
    from trendlab.forecast.result import Forecast
    from trendlab.forecast.scoring import PendingBacktests, Progress
    from trendlab.prices import BlendedPrices
    from trendlab.series import Scale

DEFAULT_PRICE_BENCHMARK = "mmlu"
DEFAULT_PRICE_THRESHOLD = 80.0
RESULTS_SHOWN = 10  # results listed for a benchmark that cannot be forecast


@dataclass
class BenchmarkSection:
    """One benchmark's part of the report. `problem` says why there is no forecast;
    then only the facts, the best result and the latest results are shown."""

    slug: str
    facts: dict[str, Any]
    n_results: int
    best: dict[str, Any] | None
    problem: str | None = None
    chart: str | None = None  # inline SVG
    horizon: str = ""  # the forecast's last date
    family: str = ""  # the family auto chose for the forecast
    summary: str = ""
    notes: list[str] = field(default_factory=list)
    forecast: pl.DataFrame | None = None  # yearly median, lower, upper
    crossings: pl.DataFrame | None = None
    crossing_texts: list[str] = field(default_factory=list)  # each crossing in words
    # Its bounds, the unit's where it sets none, and where a threshold comes from.
    scale: Scale | None = None
    # Where the first crossing is forecast before the day read, the words that say so.
    past_data: str | None = None
    parameters: list[tuple[str, str | None]] = field(default_factory=list)  # as `forecast`'s
    scorecard: pl.DataFrame | None = None
    scorecard_note: str = ""
    results: pl.DataFrame | None = None


@dataclass
class PriceSection:
    """The price of reaching a score on one benchmark; `problem` when it has no trend."""

    benchmark: str
    threshold: float
    name: str = ""
    unit: str = ""
    higher_is_better: bool = True
    chart: str | None = None
    headline: str = ""
    points: pl.DataFrame | None = None
    problem: str | None = None
    undated: str | None = None  # what no date places, left out (as price-trend says)
    unknown: str | None = None  # where the cheapest is unknown (as price-trend says)
    past_bound: str | None = None  # a threshold past the floor or ceiling (as it says)
    ahead: str | None = None  # an --as-of in the future (as it says)

    @property
    def notes(self) -> list[tuple[str, bool]]:
        """The notes under a trend, in price-trend's order (prices.trend_notes), each with
        whether it is muted: what no date places is, as under a problem; the others bear
        on the trend."""
        from trendlab.prices import trend_notes

        def shown(said: str | None, muted: bool) -> tuple[str, bool] | None:
            return (said, muted) if said else None

        return trend_notes(
            shown(self.ahead, False),
            shown(self.past_bound, False),
            shown(self.undated, True),
            shown(self.unknown, False),
        )


@dataclass
class Report:
    """Everything the page shows, computed; trendlab.report.page turns it into HTML."""

    database: str
    generated_at: datetime
    as_of: str | None
    as_of_moment: str | None  # the moment --as-of reads, UTC (Store.as_of_moment)
    # --as-of is after now (Store.as_of_ahead, as prices.ahead_note takes it): the
    # database read is the one as it is now, not one recorded by then.
    ahead: bool
    level: float
    until: str | None
    counts: dict[str, int]
    benchmarks: list[BenchmarkSection]
    as_of_note: str  # Store.as_of_note: said when the state read holds no benchmark
    pooled: pl.DataFrame | None
    calibration: str  # of the pooled tables, in the words of `backtest --all`
    prices: PriceSection
    changesets: pl.DataFrame


@dataclass
class _Read:
    """What the one open of the store returned."""

    database: str
    slugs: list[str]
    facts: dict[str, dict[str, Any]]
    scales: dict[str, Scale]
    scores: pl.DataFrame
    inputs: ForecastInputs
    scoring: PendingBacktests | None  # the scorecards' backtests, when not the forecasts' own
    price_facts: dict[str, Any] | None
    price_scores: pl.DataFrame
    prices: BlendedPrices
    price_day: date  # prices dated after it are not yet in effect
    changesets: pl.DataFrame
    counts: dict[str, int]
    palette: dict[str, str]  # each organisation's colour on every chart
    as_of_moment: str | None
    as_of_ahead: bool  # Store.as_of_ahead: the database is read as it is now
    as_of_note: str


def _read(
    store: Any,
    benchmarks: list[str],
    price_benchmark: str | None,
    changesets: int,
    plan: Plan,
) -> _Read:
    from trendlab.forecast.prepare import read_forecast_inputs
    from trendlab.forecast.scoring import DEFAULT_PLAN, read_backtests
    from trendlab.kinds import BENCHMARKS
    from trendlab.plot import organization_palette
    from trendlab.prices import BlendedPrices
    from trendlab.records import benchmark_slug
    from trendlab.series import Scale

    every = store.records(BENCHMARKS)
    facts = {row["slug"]: row for row in every.to_dicts()}
    # Named benchmarks as their slugs (MMLU is mmlu), each once.
    named = list(dict.fromkeys(benchmark_slug(store, b) for b in benchmarks))
    slugs = named or sorted(facts, key=lambda s: (str(facts[s]["name"] or s).lower(), s))
    inputs = read_forecast_inputs(store, slugs)
    if inputs.backtests is None:
        # No benchmark shown can be forecast, so none of theirs was read; the pooled
        # backtests are of every benchmark all the same.
        inputs = replace(inputs, backtests=read_backtests(store, {}, everything=DEFAULT_PLAN))
    scoring = None
    if plan != DEFAULT_PLAN:
        scoring = read_backtests(store, {}, everything=plan)
    scores = store.scores(*slugs)
    if price_benchmark is not None:
        price_benchmark = benchmark_slug(store, price_benchmark)
    wanted = price_benchmark or DEFAULT_PRICE_BENCHMARK
    price_facts, price_scores = None, pl.DataFrame()
    if price_benchmark is not None or wanted in facts:
        price_facts = store.benchmark(wanted)  # a benchmark named must exist
        price_scores = (
            scores.filter(pl.col("benchmark") == wanted)
            if wanted in slugs
            else store.scores(wanted)
        )
    return _Read(
        database=store.location,
        slugs=slugs,
        facts=facts,
        scales={s: Scale.from_record(b) for s, b in store.benchmark_bounds(*slugs).items()},
        scores=scores,
        inputs=inputs,
        scoring=scoring,
        price_facts=price_facts,
        price_scores=price_scores,
        # The default blend, as the page says.
        prices=BlendedPrices.read(store),
        price_day=store.reading_day,
        changesets=store.changesets(limit=changesets) if changesets else pl.DataFrame(),
        counts=store.counts(),
        palette=organization_palette(store.result_organizations()),
        as_of_moment=store.as_of_moment(),
        as_of_ahead=store.as_of_ahead,
        as_of_note=store.as_of_note(),
    )


def build_report(
    settings: Opener,
    *,
    benchmarks: list[str] | None = None,
    until: str | None = None,
    level: float = 0.8,
    price_benchmark: str | None = None,
    price_threshold: float = DEFAULT_PRICE_THRESHOLD,
    changesets: int = 10,
    as_of: str | None = None,
    progress: Callable[[str], Progress | None] | None = None,
) -> Report:
    """Read the store once, then forecast and draw each benchmark (all of them unless
    named), the price trend and the latest changesets. `progress(label)` may return a
    wrapper that shows progress over an iterable."""
    from trendlab.forecast.axis import until_day
    from trendlab.forecast.backtest import Plan
    from trendlab.forecast.evaluate import pooled_calibration
    from trendlab.forecast.prepare import prepare_forecasts, remember_fits
    from trendlab.forecast.scoring import finish_backtests, score, scorecards

    def bar(label: str) -> Progress | None:
        return progress(label) if progress else None

    if until is not None:
        # Only its form: whether it lies past a benchmark's data is that benchmark's
        # business (a note in its section, not a failed report).
        until_day(until)
        # Read as forecast and plot read it, white space around it none of it: the
        # page's header said "forecasts to  2030".
        until = until.strip()
    # The scorecards are those of `backtest --all --level N`: backtests planned as it
    # plans them. A family without a calibration keeps the interval its backtest drew
    # at the plan's level, so the forecasts' backtests (at the default plan's level,
    # which auto chooses by) serve only when the levels agree.
    plan = Plan(level=level)
    with settings.reader(as_of) as store:
        read = _read(
            store,
            list(dict.fromkeys(benchmarks or [])),
            price_benchmark,
            changesets,
            plan,
        )
    prepared, at_choice = prepare_forecasts(
        settings, read.inputs, family="auto", level=level, progress=bar("backtesting")
    )
    found = at_choice
    if read.scoring is not None:
        found = finish_backtests(
            settings, read.scoring, bar(f"backtesting at {level_text(level)} %")
        )
    # Scored over every benchmark, as `backtest --all` does, whichever are shown: the
    # pooled figures then mean the same in every report.
    scored = score(found, sorted(found), level, None, at_choice)
    each, pooled = scorecards(scored, level) if scored else (None, None)
    sections: list[BenchmarkSection] = []
    fitted: list[tuple[Prepared, Curve]] = []
    steps: Iterable[str] = read.slugs
    wrap = bar("forecasting")
    if wrap is not None:
        steps = wrap(read.slugs, len(read.slugs))
    for slug in steps:
        section = _section(slug, read, prepared[slug], until, level, fitted, as_of=as_of)
        _add_scorecard(section, each, found.get(slug))
        sections.append(section)
    remember_fits(settings, fitted)
    return Report(
        database=read.database,
        generated_at=datetime.now(UTC).replace(microsecond=0),
        as_of=as_of,
        as_of_moment=read.as_of_moment,
        ahead=read.as_of_ahead,
        level=level,
        until=until,
        counts=read.counts,
        benchmarks=sections,
        as_of_note=read.as_of_note,
        pooled=pooled,
        calibration=pooled_calibration(any(s.calibrated_how for s in scored), level),
        prices=_prices(read, price_benchmark, price_threshold, level),
        changesets=read.changesets,
    )


def _best(scores: pl.DataFrame, higher_is_better: bool) -> dict[str, Any] | None:
    """The best current dated result (the earliest of equals), with its source: one no
    date places is left out, as the forecast beside it leaves it out of its frontier."""
    scores = scores.filter(pl.col("date").is_not_null())
    if scores.is_empty():
        return None
    ordered = scores.sort(
        ["score", "date", "id"], descending=[higher_is_better, False, False], nulls_last=True
    )
    return ordered.row(0, named=True)


def _section(
    slug: str,
    read: _Read,
    prepared: Prepared | TrendlabError,
    until: str | None,
    level: float,
    fitted: list[tuple[Prepared, Curve]],
    *,
    as_of: str | None,
) -> BenchmarkSection:
    facts = read.facts[slug]
    mine = read.scores.filter(pl.col("benchmark") == slug)
    higher = facts.get("higher_is_better") is not False
    section = BenchmarkSection(slug, facts, mine.height, _best(mine, higher))
    section.scale = read.scales.get(slug)
    if isinstance(prepared, TrendlabError):
        return _without_forecast(section, mine, prepared.message, higher)
    try:
        result = prepared.fit(until=until, level=level)
    except TrendlabError as exc:  # --until before this benchmark's data, say
        return _without_forecast(section, mine, exc.message, higher)
    fitted.append((prepared, result.curve))
    # Once for the figure, the table and its words: each crossing is a pass over every path.
    thresholds = _thresholds(result)
    crossings = result.crossings(thresholds)
    svg = io.StringIO()
    from trendlab.plot import forecast_figure

    forecast_figure(result, crossings, svg, fmt="svg", key=f"chart-{slug}", palette=read.palette)
    section.chart = svg.getvalue()
    section.family = result.family
    section.summary = result.summary()
    section.horizon = str(result.axis.label(result.axis.until))
    # The notes `forecast` prints: a median held at a bound, say, whose table of the
    # bound alone would otherwise read as a trend, or a human baseline past the ceiling
    # that the crossings table only calls never reached.
    section.notes = [
        *prepared.notes,
        *result.own_notes(default_end=until is None, as_of=as_of is not None),
        *result.past_bound_notes(thresholds),
        *result.crossing_notes(crossings, as_of=as_of is not None),
    ]
    # To the page's two decimals by frame's rule: never at a bound it says is never reached.
    section.forecast = result.frame(yearly=True, decimals=2)
    section.crossings = result.crossing_frame(crossings) if crossings else None
    section.crossing_texts = [result.crossing_text(c) for c in crossings]
    section.past_data = result.past_data_text(crossings[0]) if crossings else None
    section.parameters = result.parameter_rows()
    return section


def _thresholds(result: Forecast) -> list[float]:
    """The human baseline (or 90 % of the way to the ceiling), and 90 % of the way too
    where there is a baseline and both bounds, on either side of it: the README promises
    both, and 90 % of the range is where a benchmark stops being useful."""
    chosen = result.default_thresholds()
    scale = result.series.scale
    if scale.bounded and scale.human_baseline is not None:
        ninety = scale.ninety()
        if ninety not in chosen:
            chosen.append(ninety)
    return chosen


def _without_forecast(
    section: BenchmarkSection, scores: pl.DataFrame, why: str, higher_is_better: bool
) -> BenchmarkSection:
    section.problem = why
    section.results = (
        # Of one date the best first, by the benchmark's direction; the id breaks ties of
        # date and score, so that the page is the same every time.
        scores.sort(
            ["date", "score", "id"],
            descending=[True, higher_is_better, False],
            nulls_last=True,
        )
        .head(RESULTS_SHOWN)
        .select("date", "model", "model_name", "organization", "score", "setting", "source_url")
    )
    return section


def _add_scorecard(
    section: BenchmarkSection, each: pl.DataFrame | None, backtest: Backtest | None
) -> None:
    if each is not None:
        rows = each.filter(pl.col("benchmark") == section.slug).drop("benchmark")
        if not rows.is_empty():
            section.scorecard = rows
            return
    if section.problem is None:
        section.scorecard_note = (
            "No backtest: no origin has both enough history before it and a known outcome after it."
            if backtest is not None
            else "Backtests cover forecasts by date of the frontier only."
        )


def _prices(read: _Read, named: str | None, threshold: float, level: float) -> PriceSection:
    from trendlab import prices as core
    from trendlab.plot import price_trend_figure
    from trendlab.series import Scale

    facts = read.price_facts or {}
    slug = facts.get("slug") or named or DEFAULT_PRICE_BENCHMARK
    section = PriceSection(
        slug,
        threshold,
        facts.get("name") or slug,
        facts.get("unit") or "",
        facts.get("higher_is_better") is not False,
    )
    section.ahead = core.ahead_note(read.price_day, read.as_of_moment, ahead=read.as_of_ahead)
    if read.price_facts is None:
        section.problem = f"the database has no benchmark {slug} to price a capability on"
        return section
    section.past_bound = Scale.from_record(read.price_facts).past_bound_note(threshold)
    # As price-trend words them: on the store read, which is --db's where not the default.
    command = partial(command_on, read.database)
    undated = core.undated_reaching_note(
        read.price_facts, read.price_scores, read.prices, threshold, command
    )
    try:
        # The rate's interval at the page's level, as `price-trend --level` draws it.
        trend = core.price_trend(
            read.price_facts,
            read.price_scores,
            read.prices,
            threshold,
            level=level,
            on=read.price_day,
            as_of_note=read.as_of_note,
            as_of_ahead=read.as_of_ahead,
            command=command,
        )
    except TrendlabError as exc:
        section.problem = exc.message
        if not isinstance(exc, core.NoPricedModelReaches):  # which says it
            section.undated = undated
        return section
    section.undated = undated
    # By name, as the page's other tables give a model (the slug where it has none), in
    # the chart as in its table: the chart named gpt-4o-mini what the table calls GPT-4o mini.
    names = read.price_scores.filter(pl.col("model_name").is_not_null())
    by_name = dict(zip(names.get_column("model"), names.get_column("model_name"), strict=True))
    svg = io.StringIO()
    # Not chart-price-SLUG: a benchmark named price-SLUG has that chart, whose ids
    # (chart-price-SLUG-figure_1, ...) the price chart's then repeated.
    price_trend_figure(trend, svg, fmt="svg", key=f"price-chart-{slug}", names=by_name)
    section.chart = svg.getvalue()
    # By name, as the section's heading gives the benchmark: its slug read as another's.
    section.headline = trend.headline(named=True)
    section.unknown = trend.unknown_note()
    section.points = trend.table().with_columns(pl.col("model").replace(by_name))
    return section
