"""Figures and the HTML report: plot and report."""

from __future__ import annotations

import click

from trendlab.cli.forecast import (
    ForecastRequest,
    draw_forecast,
    forecast_options,
    run_forecast_options,
)
from trendlab.cli.options import (
    LEVEL,
    RECORD_NAME,
    FiniteFloat,
    RowLimit,
    Settings,
    TrendlabCommand,
    as_of_option,
    check_figure_path,
    check_output,
    check_suffix,
    note,
    progress_bar,
    refuse_folder,
)
from trendlab.text import counted, name_fault


@click.command("plot", cls=TrendlabCommand)
@click.argument("benchmark", type=RECORD_NAME)
@forecast_options
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="FILE",
    type=click.Path(),
    help="The figure to write: FILE.png or FILE.svg.",
)
@click.pass_obj
def plot(settings: Settings, benchmark: str, request: ForecastRequest, output: str) -> None:
    """Draw a benchmark's results, frontier and forecast to a PNG or SVG file.

    Every result is a point coloured by its model's organization (up to eight get a
    colour each; past eight, the seven with the most results on the benchmark do and
    the rest share one; unknown is grey), an organization in the same colour on every
    figure of the database; the frontier is a black step line; the
    forecast (fitted as `trendlab forecast` fits it, with the same options) is a blue
    median and interval fan; each threshold is a dashed line labelled with when it is
    crossed, and the human baseline a dotted one. `forecast --plot` draws the same figure.

    \b
    Example:
      trendlab plot mmlu -o mmlu.png
      trendlab plot math --until 2030 --threshold 95 -o math.svg
      trendlab plot gsm8k --family logistic4 --by compute -o gsm8k-compute.png
    """
    check_figure_path(output, "-o")
    result, thresholds, _, palette = run_forecast_options(
        settings, benchmark, request, palette=True
    )
    draw_forecast(result, thresholds, palette, output)


@click.command("report", cls=TrendlabCommand)
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="FILE",
    type=click.Path(allow_dash=True),
    help="Write the page to FILE (e.g. report.html); - writes it to stdout.",
)
@click.option(
    "--benchmark",
    "benchmarks",
    type=RECORD_NAME,
    multiple=True,
    metavar="SLUG",
    help="Only this benchmark; repeatable. [default: every benchmark]",
)
@click.option(
    "--until",
    metavar="YEAR|DATE",
    help="Forecast every benchmark through this year (its last day) or date. "
    "[default: 3 years past each benchmark's data]",
)
@click.option(
    "--level",
    type=LEVEL,
    default=80.0,
    show_default=True,
    help="Interval level, in percent: of the forecasts, the backtest scorecards (as "
    "`backtest --level` scores them) and the price trend's rate.",
)
@click.option(
    "--price-benchmark",
    type=RECORD_NAME,
    metavar="SLUG",
    help="The benchmark of the price-trend chart. [default: mmlu, when the database has it]",
)
@click.option(
    "--price-threshold",
    type=FiniteFloat(),
    default=80.0,
    show_default=True,
    metavar="SCORE",
    help="The score a model must reach for the price-trend chart.",
)
@click.option(
    "--changesets",
    type=RowLimit(),
    default=10,
    show_default=True,
    metavar="N",
    help="How many of the latest changesets to list.",
)
@as_of_option
@click.pass_obj
def report(
    settings: Settings,
    output: str,
    benchmarks: tuple[str, ...],
    until: str | None,
    level: float,
    price_benchmark: str | None,
    price_threshold: float,
    changesets: int,
    as_of: str | None,
) -> None:
    """Write one self-contained HTML page about the database's benchmarks.

    Per benchmark: its frontier chart with the forecast, the current best result with
    its source link, when it crosses its human baseline (if it has one) and 90 % of its range, the
    yearly forecast and its backtest scorecard; a benchmark that cannot be forecast
    (too few frontier points) gets a short note and its latest results instead. Then
    the price-trend chart (the cheapest model reaching --price-threshold on
    --price-benchmark, over time) and the latest changesets. The page needs no
    network: charts are inline SVG, styles inline, no scripts or fonts. Backtests and
    fits come from the forecast cache when the data have not changed.

    \b
    Example:
      trendlab report -o report.html
      trendlab report -o math.html --benchmark math --benchmark mmlu --until 2030
      trendlab report -o report.html --price-benchmark gsm8k --price-threshold 90
    """
    from trendlab.report import build_report, render_page

    if fault := name_fault(output):  # named as the other commands name it, not as a file ": ..."
        raise click.UsageError(f"-o: the file name {fault} (give FILE.html, or - for stdout)")
    refuse_folder(output, "-o")  # before its name is read for a format
    if output != "-":
        check_suffix(output, "-o", (".html", ".htm"))
    check_output(output, "-o")
    built = build_report(
        settings,
        benchmarks=list(benchmarks),
        until=until,
        level=level / 100,
        price_benchmark=price_benchmark,
        price_threshold=price_threshold,
        changesets=changesets,
        as_of=as_of,
        progress=progress_bar,
    )
    page = render_page(built)
    if not built.benchmarks and built.as_of_note:
        # As an empty listing says: the usual surprise is a day before anything was recorded.
        note(f"no benchmarks{built.as_of_note}")
    from trendlab.render import write_text

    write_text(page, output)
    if output == "-":
        return
    drawn = sum(1 for s in built.benchmarks if s.problem is None)
    note(
        f"wrote {output}: {counted(len(built.benchmarks), 'benchmark')}, {drawn} with a forecast, "
        f"{len(page.encode()) // 1024} KiB"  # the file's bytes (UTF-8), not its characters
    )


COMMANDS = [plot, report]
