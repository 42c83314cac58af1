"""Prices as a size proxy: price history and the falling cost of a capability."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from trendlab.cli.options import (
    LEVEL,
    RECORD_NAME,
    FiniteFloat,
    Settings,
    TrendlabCommand,
    as_of_option,
    check_figure_path,
    note,
    output_options,
)

if TYPE_CHECKING:
    from trendlab.prices import Blend


class BlendWeights(click.ParamType):
    """IN:OUT weights of input and output tokens, converted to a trendlab.prices.Blend."""

    name = "IN:OUT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from trendlab import prices as core
        from trendlab.errors import TrendlabError

        if isinstance(value, core.Blend):
            return value
        try:
            return core.Blend.parse(value)
        except TrendlabError as error:
            self.fail(str(error), param, ctx)


# One definition, so that prices and price-trend read and explain --blend alike.
blend_option = click.option(
    "--blend",
    type=BlendWeights(),
    default="3:1",
    show_default=True,
    metavar="IN:OUT",
    help="Weights of input and output tokens in the blended price.",
)


@click.command(cls=TrendlabCommand)
@click.option("--model", type=RECORD_NAME, metavar="SLUG", help="Only this model's prices.")
@click.option(
    "--provider", type=RECORD_NAME, metavar="NAME", help="Only this provider's prices (any case)."
)
@click.option(
    "--current",
    is_flag=True,
    help="Only the price in effect today (UTC), or on the --as-of day, per model and provider.",
)
@blend_option
@as_of_option
@output_options()
@click.pass_obj
def prices(
    settings: Settings,
    model: str | None,
    provider: str | None,
    current: bool,
    blend: Blend,
    as_of: str | None,
    fmt: str,
    output: str | None,
) -> None:
    """Price history: input, output and blended USD per million tokens.

    The blended price weighs input and output tokens 3:1, a typical chat workload
    (--blend to change); it is unknown when a price it weighs is, so --blend 1:0
    prices a model that lists only an input price.

    \b
    Example:
      trendlab prices --model gpt-4o
      trendlab prices --provider anthropic --current --blend 1:1
    """

    from trendlab import prices as core
    from trendlab.kinds import MODELS, PRICES
    from trendlab.records import resolve_key
    from trendlab.render import render

    with settings.reader(as_of) as store:
        if model is not None:
            model = resolve_key(store, MODELS, model)
        frame = store.records(PRICES, blend=blend)
        day = store.reading_day
        as_of_note = store.as_of_note()
        ahead = (
            core.ahead_note(day, store.as_of_moment(), ahead=store.as_of_ahead) if current else None
        )
    if ahead:
        note(ahead)
    # A provider whose prices were recorded after --as-of is unknown then, as a model is.
    frame = core.select(frame, model=model, provider=provider, as_of_note=as_of_note)
    announced = 0
    if current:
        announced = frame.height
        frame = core.in_effect(frame, day)
    frame = frame.select(
        "model",
        "provider",
        "effective_date",
        "input_usd_per_mtok",
        "output_usd_per_mtok",
        core.BLENDED,
        "api_model_id",
        "source_url",
        "id",
    ).sort("model", "provider", "effective_date")
    if frame.is_empty() and announced:
        # Every price these options select takes effect after `day`: "no prices match"
        # read as if the model or provider had none.
        from trendlab.text import counted

        later = "takes effect later (list it" if announced == 1 else "take effect later (list them"
        note(
            f"no price in effect on {day}{as_of_note}: {counted(announced, 'price')} "
            f"{later} without --current)"
        )
    elif frame.is_empty():
        note(f"no prices match{as_of_note}")
    render(core.shown_blend(frame), fmt, output)


@click.command("price-trend", cls=TrendlabCommand)
@click.argument("benchmark", type=RECORD_NAME)
@click.option(
    "--threshold",
    type=FiniteFloat(),
    required=True,
    metavar="SCORE",
    help="The score a model must reach, in the benchmark's unit.",
)
@blend_option
@click.option(
    "--level",
    type=LEVEL,
    default=80.0,
    show_default=True,
    help="Confidence level of the rate's interval, in percent.",
)
@click.option(
    "--plot",
    type=click.Path(),
    metavar="FILE",
    help="Also draw the trend to FILE.png or FILE.svg.",
)
@as_of_option
@output_options(formats=("table", "csv", "json", "jsonl"))
@click.pass_obj
def price_trend(
    settings: Settings,
    benchmark: str,
    threshold: float,
    blend: Blend,
    level: float,
    plot: str | None,
    as_of: str | None,
    fmt: str,
    output: str | None,
) -> None:
    """The cheapest model reaching a score over time, and how fast that price falls.

    At each date the answer changes: the cheapest model (at its cheapest provider)
    with a result at or beyond THRESHOLD. While such a model has a price in effect
    whose blend is unknown (an input price alone) and may be the lowest, the
    cheapest is unknown: its row has no blended price. The rate is a log-linear fit
    through the known points, as "N times cheaper per year" with its interval.

    \b
    Example:
      trendlab price-trend mmlu --threshold 80
      trendlab price-trend gpqa-diamond --threshold 50 --json --plot gpqa-prices.png
    """
    from trendlab import prices as core
    from trendlab.cli.figure_files import laid_out, written_with_output
    from trendlab.errors import TrendlabError
    from trendlab.records import benchmark_slug
    from trendlab.render import render, render_json
    from trendlab.series import Scale

    if plot is not None:  # --plot '' is an error, not no figure
        check_figure_path(plot, "--plot", output)
    with settings.reader(as_of) as store:
        bench = store.benchmark(benchmark_slug(store, benchmark))
        scores = store.scores(bench["slug"])
        blended = core.BlendedPrices.read(store, blend)
        day = store.reading_day
        as_of_note = store.as_of_note()
        as_of_ahead = store.as_of_ahead
        ahead = core.ahead_note(day, store.as_of_moment(), ahead=as_of_ahead)
    past_bound = Scale.from_record(bench).past_bound_note(threshold)
    undated = core.undated_reaching_note(bench, scores, blended, threshold, store.command)
    try:
        trend = core.price_trend(
            bench,
            scores,
            blended,
            threshold,
            level=level / 100,
            on=day,
            as_of_note=as_of_note,
            as_of_ahead=as_of_ahead,
            command=store.command,
        )
    except TrendlabError as exc:
        said = None if isinstance(exc, core.NoPricedModelReaches) else undated  # which says it
        for line in core.trend_notes(ahead, past_bound, said, None):
            note(line)
        raise
    for line in core.trend_notes(ahead, past_bound, undated, trend.unknown_note()):
        note(line)
    figure = None
    if plot is not None:
        from trendlab.plot import price_trend_figure

        figure = laid_out(lambda target, image: price_trend_figure(trend, target, fmt=image), plot)
    with written_with_output(figure, plot):
        if fmt == "json":
            render_json(trend.to_json(), output)
        else:
            table = core.shown_blend(trend.table())
            render(table, fmt, output, title=trend.headline() if fmt == "table" else None)


COMMANDS = [prices, price_trend]
