"""Forecast commands: forecast and backtest."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from trendlab.cli.figure_files import laid_out, write_figure, written_with_output
from trendlab.cli.options import (
    ISO_DATE,
    LEVEL,
    RECORD_NAME,
    FiniteFloat,
    Settings,
    TrendlabCommand,
    WholeNumber,
    as_of_option,
    check_figure_path,
    note,
    output_options,
    progress_bar,
)
from trendlab.forecast import AXES, CHOICES, FAMILIES
from trendlab.text import DIGITS_RE, blank, counted, level_percent, listed, quoted

if TYPE_CHECKING:
    from trendlab.forecast.result import Forecast

# The decimals a table keeps of its figures (rounded for reading), as the report does,
# however large: six significant digits made a threshold of 12345.67 read 12345.7.
_DECIMALS = 2


def _some_text(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    # Every setting contains the empty text: a blank filter would keep everything.
    if value is not None and blank(value):
        raise click.BadParameter("is blank: give some text of the setting, e.g. 5-shot")
    # Stripped as every setting is when written: '  hard v2 ' matched none of them.
    return value.strip() if value is not None else None


@dataclasses.dataclass(frozen=True)
class ForecastRequest:
    """What forecast_options ask for, passed to a command as one `request`."""

    until: str | None
    family: str
    by: str
    all_points: bool
    setting: str | None
    thresholds: tuple[float, ...]
    level: float  # in percent
    as_of: str | None


_REQUEST_FIELDS = tuple(f.name for f in dataclasses.fields(ForecastRequest))


def forecast_options(func: Callable) -> Callable:
    """The options that say what to forecast, shared by `forecast` and `plot`: the
    command takes them as one ForecastRequest, `request`, so that neither has to pass
    each one on."""

    @functools.wraps(func)
    def with_request(*args: Any, **kwargs: Any) -> Any:
        request = ForecastRequest(**{name: kwargs.pop(name) for name in _REQUEST_FIELDS})
        return func(*args, request=request, **kwargs)

    options = [
        click.option(
            "--until",
            metavar="YEAR|DATE",
            help="Forecast through this year (its last day) or date; with --by compute or "
            "price, a number of FLOP or USD per million tokens. [default: 3 years past the "
            "data; by compute 100 times the largest in it, by price 10 times]",
        ),
        click.option(
            "--family",
            type=click.Choice(CHOICES),
            default="auto",
            show_default=True,
            help=(
                "The curve family; ensemble averages logistic, logistic4 and gompertz; auto "
                "picks the family with the best backtest interval score at 80 %, whatever "
                "the --level (the ensemble without a record)."
            ),
        ),
        click.option(
            "--by",
            type=click.Choice(AXES),
            default="date",
            show_default=True,
            help="x: the date, log10 training FLOP, or log10 blended USD per million tokens.",
        ),
        click.option(
            "--all",
            "all_points",
            is_flag=True,
            help="Fit every result, not only the frontier, and forecast one new result: the "
            "trend plus a result's scatter, which may lie below the current best.",
        ),
        click.option(
            "--setting",
            metavar="TEXT",
            callback=_some_text,
            help="Only results whose setting contains TEXT (case-insensitive), e.g. 5-shot.",
        ),
        click.option(
            "--threshold",
            "thresholds",
            type=FiniteFloat(),
            multiple=True,
            metavar="X",
            help="A score whose crossing to forecast; repeatable. [default: the human "
            "baseline, else 90 % of the way from floor to ceiling]",
        ),
        click.option(
            "--level",
            type=LEVEL,
            default=80.0,
            show_default=True,
            help="Interval level, in percent.",
        ),
        as_of_option,
    ]
    wrapped: Callable = with_request
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped


def run_forecast_options(
    settings: Settings, benchmark: str, request: ForecastRequest, *, palette: bool = False
) -> tuple[Forecast, list[float], list[str], dict[str, str]]:
    """The forecast that `forecast_options` describe, with a progress bar while
    backtesting; its thresholds (see chosen_thresholds); its notes, run_forecast's then
    Forecast.threshold_notes, told to the user and returned in that order; and, with
    `palette`, the colour each organisation has on every figure of the store, read in
    the forecast's own open (else empty)."""
    from trendlab.forecast.prepare import run_forecast

    colours: dict[str, str] = {}

    def read_palette(store: Any) -> None:
        from trendlab.plot import organization_palette

        colours.update(organization_palette(store.result_organizations()))

    result, notes = run_forecast(
        settings,
        benchmark,
        family=request.family,
        by=request.by,
        setting=request.setting,
        all_points=request.all_points,
        level=request.level / 100,
        until=request.until,
        as_of=request.as_of,
        progress=progress_bar("backtesting"),
        while_open=read_palette if palette else None,
    )
    chosen = chosen_thresholds(result, request.thresholds)
    notes += result.threshold_notes(chosen, as_of=request.as_of is not None)
    for message in notes:
        note(message)
    return result, chosen, notes, colours


def draw_forecast(
    result: Forecast, thresholds: list[float], palette: dict[str, str], path: str
) -> None:
    """The figure of `plot` (and `forecast --plot`) written to `path`, and a note;
    organisations take their colours in `palette` (run_forecast_options's)."""
    write_figure(figure_bytes(result, thresholds, palette, path), path)


def figure_bytes(
    result: Forecast, thresholds: list[float], palette: dict[str, str], path: str
) -> bytes:
    """The figure draw_forecast writes, laid out for `path` but not yet written, so
    that `forecast --plot` can write it once its output has been (figure_files)."""
    from trendlab.plot import forecast_figure

    crossings = result.crossings(thresholds)
    return laid_out(
        lambda target, image: forecast_figure(
            result, crossings, target, fmt=image, palette=palette
        ),
        path,
    )


def chosen_thresholds(result: Forecast, thresholds: tuple[float, ...]) -> list[float]:
    """--threshold's values, each once, else the benchmark's default."""
    return list(dict.fromkeys(thresholds)) or result.default_thresholds()


@click.command("forecast", cls=TrendlabCommand)
@click.argument("benchmark", type=RECORD_NAME)
@forecast_options
@click.option(
    "--plot",
    metavar="FILE",
    type=click.Path(),
    help="Also draw the figure `trendlab plot` draws to FILE.png or FILE.svg.",
)
@output_options()
@click.pass_obj
def forecast(
    settings: Settings,
    benchmark: str,
    request: ForecastRequest,
    plot: str | None,
    fmt: str,
    output: str | None,
) -> None:
    """Forecast where a benchmark is going, and when it reaches a threshold.

    Fits a bounded curve to the benchmark's frontier (the best score to date), then
    simulates it forward: the median, a prediction interval at --level that never
    leaves [floor, ceiling] or goes below the current best (with --all, one new
    result's, around the trend of every result, which may), and for each threshold
    the median crossing date, its interval and the probability of crossing by --until.
    Intervals are recalibrated on the database's backtests (see `trendlab backtest`),
    which are computed on first use and cached. CSV, JSON Lines and Parquet output
    carry the monthly forecast points; JSON carries everything, stderr's notes too.

    \b
    Example:
      trendlab forecast math --until 2030
      trendlab forecast mmlu --family logistic4 --threshold 90 --threshold 95 --json
      trendlab forecast gsm8k --by compute --until 1e26 --plot gsm8k.png
      trendlab forecast metr-time-horizon --family exponential
    """
    from trendlab.render import render, render_json, render_tables

    if plot is not None:  # --plot '' is an error, not no figure
        check_figure_path(plot, "--plot", output)
    result, chosen, notes, palette = run_forecast_options(
        settings, benchmark, request, palette=plot is not None
    )
    figure = None if plot is None else figure_bytes(result, chosen, palette, plot)
    with written_with_output(figure, plot):
        if fmt == "json":
            render_json(result.to_json(chosen, notes), output)
        elif fmt != "table":  # csv, jsonl, parquet: one row per monthly point
            render(result.frame(), fmt, output)
        else:
            render_tables(result.tables(chosen), output, decimals=_DECIMALS)


# Origins and horizons further apart than a century say nothing of AI progress, and
# month arithmetic past year 9999 has no date to give.
MAX_MONTHS = 1200


def _horizons(value: str) -> tuple[int, ...]:
    # Every item a number: an empty one (6,,12) is a slip, not something to skip.
    parts = [part.strip() for part in value.split(",")]
    months: tuple[int, ...] = ()
    # A plus sign as --every takes it (WholeNumber): --every +6 was read, --horizons +6
    # refused.
    if all(re.fullmatch(f"[+]?{DIGITS_RE}", part) for part in parts):
        try:
            months = tuple(sorted({int(part) for part in parts}))
        except ValueError:  # more digits than int() reads (4300): out of range anyway
            months = ()
    if not months or min(months) < 1 or max(months) > MAX_MONTHS:
        raise click.BadParameter(
            f"{value!r} is not a list of months from 1 to {MAX_MONTHS}, e.g. 6,12,24",
            param_hint="--horizons",
        )
    return months


@click.command("backtest", cls=TrendlabCommand)
@click.argument("benchmark", type=RECORD_NAME, required=False)
@click.option(
    "--all", "all_benchmarks", is_flag=True, help="Every benchmark, and the pooled scores."
)
@click.option(
    "--start",
    type=ISO_DATE,
    help="The first origin. [default: 1 January or 1 July after the third frontier record, "
    "or with two records after the first result past the second]",
)
@click.option(
    "--every",
    type=WholeNumber(1, MAX_MONTHS),
    default=6,
    show_default=True,
    metavar="MONTHS",
    help="Months between origins.",
)
@click.option(
    "--horizons",
    default="6,12,24",
    show_default=True,
    metavar="MONTHS,...",
    help="How far ahead of each origin to forecast, in months. Each is calibrated on "
    "the other benchmarks' forecasts at these horizons only: one with too few holds "
    "another's, so the horizons shown change each other's rows.",
)
@click.option(
    "--family",
    "families",
    type=click.Choice(FAMILIES),
    multiple=True,
    help="Only these families (repeatable); last-value, linear and auto are always shown.",
)
@click.option(
    "--setting",
    metavar="TEXT",
    callback=_some_text,
    help="Only results whose setting contains TEXT (case-insensitive).",
)
@click.option(
    "--level",
    type=LEVEL,
    default=80.0,
    show_default=True,
    help="Interval level, in percent.",
)
@output_options()
@click.pass_obj
def backtest(
    settings: Settings,
    benchmark: str | None,
    all_benchmarks: bool,
    start: date | None,
    every: int,
    horizons: str,
    families: tuple[str, ...],
    setting: str | None,
    level: float,
    fmt: str,
    output: str | None,
) -> None:
    """Show how each forecast family would have done in the past.

    At each origin (every --every months from --start), every family is fitted only to
    the results dated before the origin (each as it was then if it was entered by
    then, else as it stands now: see the README), and forecasts the frontier --horizons
    months ahead; the forecast is scored against the frontier as known now. Per family
    and horizon: n, MAE and median absolute error in points, coverage of the interval
    at --level and the interval (Winkler) score. Intervals are calibrated on the other
    benchmarks' backtests at the same origins and horizons (leave one benchmark out;
    --setting filters only the benchmarks scored), so a benchmark scores the same alone
    or with --all. An explicit --start changes the figures even when it is the default
    start, because the other benchmarks are then backtested from that date too, not
    each from its own default. The ensemble averages the calibrated logistic, logistic4 and
    gompertz forecasts. last-value (the frontier carried forward) and linear are the
    baselines; auto is what `forecast --family auto` would have chosen at each origin.
    Results are cached in the database until its data change.

    \b
    Example:
      trendlab backtest mmlu
      trendlab backtest gsm8k --start 2021-01-01 --every 3 --horizons 6,12 --json
      trendlab backtest --all --csv > scorecard.csv
    """
    import polars as pl

    from trendlab.errors import TrendlabError
    from trendlab.forecast.backtest import Plan
    from trendlab.forecast.evaluate import benchmark_calibration, pooled_calibration
    from trendlab.forecast.scoring import scorecards, scored_backtests
    from trendlab.render import render, render_json, render_tables
    from trendlab.series import kept_title

    if bool(benchmark) == all_benchmarks:
        raise click.UsageError(
            "give a BENCHMARK or --all, not both" if benchmark else "give a BENCHMARK or --all"
        )
    plan = Plan(
        start=start,
        every=every,
        horizons=_horizons(horizons),
        level=level / 100,
        setting=setting,
    )
    result = scored_backtests(
        settings, plan, benchmark, families or None, progress_bar("backtesting")
    )
    benchmark, scored = result.slug, result.scored
    if result.undated:
        note(result.undated)
    if all_benchmarks:
        for refused in result.refusals():
            note(f"left out: {refused}")
        if setting is not None and result.unmatched:
            note(
                f"left out (no result with a setting containing {quoted(setting)}): "
                + ", ".join(result.unmatched)
            )
        short = result.too_short()
        if short:
            under = f", with --setting {quoted(setting)}" if setting is not None else ""
            note(
                f"left out (no origin with enough history and a known outcome{under}): "
                + ", ".join(short)
            )
    if not result.found:  # --all: a store made by `init --empty`, say
        raise TrendlabError("the database has no benchmarks to backtest")
    if not scored:  # a benchmark named alone raised already, saying which dates
        raise TrendlabError(
            "no benchmark has an origin with both enough history and a known outcome"
        )
    absent, there, baselines = result.missing(families)
    if absent:
        # No family but the baselines: an unbounded benchmark whose scores cross 0, or
        # lie all past its floor.
        has = ", ".join(there) if there else f"only {listed(baselines)}, always shown"
        raise TrendlabError(
            f"{benchmark} has no backtest of {', '.join(absent)} (not a family for it, "
            f"or none to calibrate on); it has {has}"
        )
    first_scored = min(scored[0].rows.get_column("origin").to_list())
    if not all_benchmarks and start is not None and first_scored > start:
        # The title names the origins scored; say why the earlier ones asked for are not.
        note(
            f"origins from --start {start} to before {first_scored} are left out: "
            f"{benchmark} had too little history then to forecast from"
        )
    if all_benchmarks and start is not None:
        # One line for them all: --all backtests dozens of benchmarks.
        firsts = ((s.slug, min(s.rows.get_column("origin").to_list())) for s in scored)
        late = [f"{slug} from {first}" for slug, first in firsts if first > start]
        if late:
            note(
                f"origins from --start {start} are left out until a benchmark had enough "
                f"history to forecast from, on {counted(len(late), 'benchmark')}: "
                + ", ".join(late)
            )
    each, pooled = scorecards(scored, level / 100)
    if fmt == "json":
        # With --all the pooled scorecards follow the benchmarks', labelled as in the
        # other formats (`all percent`), so JSON carries all the table shows.
        labels = [s.slug for s in scored]
        if all_benchmarks:
            labels += pooled.get_column("benchmark").unique(maintain_order=True).to_list()
        rows = pl.concat([each, pooled])
        docs = [
            {
                "benchmark": label,
                "setting": setting,
                "level": level_percent(level / 100),
                "rows": rows.filter(pl.col("benchmark") == label).drop("benchmark").to_dicts(),
            }
            for label in labels
        ]
        render_json(docs if all_benchmarks else docs[0], output)
    elif fmt != "table":  # csv, jsonl, parquet: a row per family and horizon (and benchmark)
        render(pl.concat([each, pooled]) if all_benchmarks else each.drop("benchmark"), fmt, output)
    else:
        described = next((s.calibrated_how for s in scored if s.calibrated_how), None)
        # As forecast's title does: the JSON's "setting" is not the table's only reader.
        kept = kept_title(setting)
        if all_benchmarks:
            how = pooled_calibration(described is not None, level / 100)
            render_tables(
                [
                    (f"Backtest of {counted(len(scored), 'benchmark')}{kept}; {how}", each),
                    (f"Pooled over the benchmarks of each unit{kept}", pooled),
                ],
                output,
                decimals=_DECIMALS,
            )
        else:
            rows = scored[0].rows
            first, last = rows.get_column("origin").min(), rows.get_column("origin").max()
            # One origin is a date, not a range with a step.
            span = (
                f"origin {first!s}"
                if first == last
                else f"origins {first!s} to {last!s} every {counted(every, 'month')}"
            )
            how = benchmark_calibration(described, level / 100)
            title = f"Backtest of {benchmark}{kept}: {span}; {how}"
            render_tables([(title, each.drop("benchmark"))], output, decimals=_DECIMALS)


COMMANDS = [forecast, backtest]
