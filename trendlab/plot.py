"""trendlab's figures (matplotlib, Agg): a benchmark's results, frontier and forecast,
and the falling price of a capability.

Every figure draws to a .png or .svg path or to a file-like object (SVG text for the
HTML report), and every element that carries data has an SVG id, `KEY-results-N`,
`KEY-frontier`, `KEY-median`, `KEY-interval`, `KEY-threshold-N`, `KEY-baseline`,
`KEY-offers`, `KEY-cheapest`, `KEY-trend`, so a page embedding several figures can
find each one's marks.
"""

from __future__ import annotations

import io
import math
import os
import re
import textwrap
import warnings
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import polars as pl

from trendlab.errors import TrendlabError
from trendlab.forecast.families import LOG_SPACES
from trendlab.text import at_most, level_text, number, significant_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend
    from matplotlib.text import Annotation, Text
    from matplotlib.transforms import Bbox

    from trendlab.forecast.result import Crossing, Forecast
    from trendlab.prices import PriceTrend

SUFFIXES = (".png", ".svg")
FIGSIZE = (10.0, 5.2)  # inches; 1200 x 624 pixels in a PNG
LABEL_CHARS = 25  # the longest legend entry that fits its margin
TITLE_SIZE = 11  # points
TITLE_CHARS = 112  # the longest title that fits the figure's width at TITLE_SIZE
TITLE_MIN_SIZE = 8  # points: a title longer than fits at this size has its name cut
TITLE_NAME_CHARS = 40  # but to no fewer characters than this
TITLE_ROOM = 0.99  # of the figure's width, the most a title reaches to (see _fit_width)
SUBTITLE_CHARS = 130  # a subtitle line as wide as the axes, at its 7.5 points
SUBTITLE_LINE_POINTS = 10  # the height of one such line, for the title to clear it
NOTE_CHARS = 36  # the longest line of small print that fits the legend's margin
NOTE_ITEMS = 5  # thresholds listed in a note, the last line saying how many more
Target = str | os.PathLike[str] | IO[Any]
# A reference line's label: its y, x (axes fraction), alignment, text and colour.
_Label = tuple[float, float, str, str, str]
LABEL_SIZE = 8  # points, of a reference line's label
# The longest line of a reference line's label: two thirds of the axes' width. A longer
# label (a crossing by price, its unit thrice) is wrapped rather than run across the
# data and out of the axes.
LABEL_LINE_CHARS = 72
LABEL_GAP = 1.0  # points between a line and its label's box
LABEL_PAD = 0.5  # points of a label's half-white box around its text
LABEL_SPACE = 1.0  # points between two labels' boxes
# Drawing order: a reference line, then its label, whose half-white box keeps it legible
# where it lies across another line, then the forecast, the frontier and the results,
# which a label drawn over them (as matplotlib draws text by default) faded or hid: a
# long label's box cut a notch out of the interval fan it lay on. The results go
# over the frontier: it runs through the points that set it, and drawn over them hid
# their organisations' colours.
REFERENCE_Z = 1.2
LABEL_Z = 1.5
FORECAST_Z = 1.8
FRONTIER_Z = 2.0
RESULTS_Z = 3.0
# The price figure likewise: its lines (the cheapest, the trend), then the models'
# names, whose half-white boxes keep them legible where a line runs through them,
# then the prices, which a name must not hide.
PRICE_LINES_Z = 2.0
NAME_Z = 2.5
PRICES_Z = 3.0
# The most decades a log axis (a price's, say) spans with labels between its powers of
# ten too: over more, 1, 2 and 5 times each would crowd the axis.
LOG_LABEL_DECADES = 4
# The largest value a log axis is labelled in digits up to (thousands separated).
PLAIN_LOG_MAX = 1e6
# Where a log axis within a decade is labelled by its decade's multiples: matplotlib's
# own choice for such an axis (LogFormatter's sublabels).
SPREAD_SUBS = (1.0, 2.0, 3.0, 4.0, 6.0)
# A date axis's ticks: the most asked for once matplotlib's own crowd their labels,
# and the least space between two labels, in points.
DATE_TICKS = 10
TICK_SPACE = 3.0

# Organisations are told apart by colour: the forecast is blue and unknown is grey, so
# the palette is tab10 without those two. Past its length, the rest share one colour.
PALETTE = ("#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf")
OTHER_COLOUR = "#c8b58f"
UNKNOWN_COLOUR = "#9a9a9a"
FORECAST_COLOUR = "#1f77b4"
THRESHOLD_COLOUR = "#8b0000"
BASELINE_COLOUR = "#333333"
_X_TITLE = {
    "date": "date",
    "compute": "training compute (FLOP)",
    # By price a model is placed at its first price, as --by price fits it, not today's.
    "price": "earliest listed price (USD per million tokens, 3:1 blend)",
}


def _text(value: object) -> str:
    """Text from the database as matplotlib shows it literally: a `$` would start
    mathtext (and an unmatched one fails the figure)."""
    return str(value).replace("$", r"\$")


def _import_matplotlib() -> None:
    """Import matplotlib, set to draw with Agg, whatever backend MPLBACKEND names:
    matplotlib reads it as it is imported, and one this environment cannot load (a
    notebook's module://matplotlib_inline.backend_inline, in a shell it started, with
    trendlab installed apart) failed every figure as a bug in trendlab, which never
    shows a window."""
    named = os.environ.pop("MPLBACKEND", None)
    try:
        import matplotlib
    finally:
        if named is not None:
            os.environ["MPLBACKEND"] = named
    matplotlib.use("Agg")


@contextmanager
def _figure(right: float, key: str, fmt: str) -> Iterator[tuple[Figure, Axes]]:
    """A figure on the Agg backend with trendlab's style, closed afterwards; the axes
    end at `right` (a fraction of the width), leaving room for a legend. `fmt` is the
    format it will be saved in (_format's).

    The margins are fixed rather than found by constrained layout, which doubles the
    time a figure takes (the report draws one per benchmark): labels and legend
    entries are kept short enough to fit instead. SVG text stays text (small,
    searchable), and the ids matplotlib makes are salted with `key` (and its numbered
    ones prefixed with it, in _save), so two figures inlined in one page never share an
    id and a figure comes out the same every time.
    """
    _import_matplotlib()
    from matplotlib import pyplot as plt

    # From matplotlib's defaults, not the matplotlibrc it read (the working folder's or
    # the user's): a dark style, a tight bounding box or TeX there made trendlab's
    # figures black on black, of another size, or fail where no LaTeX is installed.
    # The time zone and date.epoch are no style's, so they are set apart: ticks fell at
    # the zone's midnights, or between two days past an epoch at noon.
    with (
        plt.style.context("default"),
        plt.rc_context(
            {
                "svg.fonttype": "none",
                "svg.hashsalt": key,
                "font.size": 9,
                "timezone": "UTC",
                "date.epoch": plt.rcParamsDefault["date.epoch"],
            }
        ),
        warnings.catch_warnings(),
    ):
        if fmt == "svg":
            # An SVG's text stays text (svg.fonttype none), drawn by the viewer's fonts:
            # a glyph matplotlib's font lacks (a lab's name in Chinese) is no loss there.
            # Ignored from the start, not only when saved: a title measured to fit its
            # width printed the warning, with its source line, and a note of boxes.
            warnings.filterwarnings("ignore", _MISSING_GLYPH, UserWarning)
        fig, ax = plt.subplots(figsize=FIGSIZE)
        fig.subplots_adjust(left=0.075, right=right, bottom=0.1, top=0.89)
        try:
            yield fig, ax
        finally:
            plt.close(fig)


# A group id matplotlib numbers itself, from 1 in every figure: figure_1, axes_1,
# line2d_3, matplotlib.axis_2. (Ids it salts, and those trendlab gives, differ.)
_NUMBERED_GROUP = re.compile(rb'<g id="([A-Za-z][\w.]*_[0-9]+)"')


# matplotlib's warning of a character its font has no glyph for; the number is its code point.
_MISSING_GLYPH = r"Glyph \d+ .* missing from font"
_GLYPH_CODE = re.compile(r"Glyph (\d+) ")


@contextmanager
def missing_glyphs() -> Iterator[list[str]]:
    """Collect, into the list yielded, each character (once, in order) that matplotlib's
    font could not draw while the block drew, in place of its warnings: one a character
    and draw, each with its source line, which told a user nothing of what to do."""
    missing: list[str] = []
    shown = warnings.showwarning

    def collect(message: Warning | str, category: type[Warning], *args: Any, **kw: Any) -> None:
        found = _GLYPH_CODE.match(str(message))
        if found is None or not re.match(_MISSING_GLYPH, str(message)):
            shown(message, category, *args, **kw)
        elif chr(int(found.group(1))) not in missing:
            missing.append(chr(int(found.group(1))))

    with warnings.catch_warnings():
        # Every time, not once per place: a second figure in one process lacks them too.
        warnings.filterwarnings("always", _MISSING_GLYPH, UserWarning)
        warnings.showwarning = collect
        yield missing


def figure_format(path: str | os.PathLike[str]) -> str:
    """The format a figure's path names by its suffix (png, svg; anything else is
    refused when the figure is saved)."""
    return Path(path).suffix.lower().lstrip(".")


def _format(target: Target, fmt: str | None) -> str:
    """The format a figure is written to `target` in: `fmt`, or the suffix of a path;
    anything but png or svg is refused."""
    if isinstance(target, str | os.PathLike):
        fmt = fmt or figure_format(target)
    if fmt not in ("png", "svg"):
        raise TrendlabError(f"{target}: a figure is written as .png or .svg")
    return fmt


def _save(fig: Figure, key: str, target: Target, fmt: str) -> None:
    """Write the figure to a path or a file object (SVG to one of text too) in `fmt`
    (_format's). In SVG, matplotlib's numbered group ids take the prefix `key`, so
    figures inlined in one page do not share them."""
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    # Drawn whole first, then written as every -o output is: matplotlib wrote the
    # path in place, and a failure or a Ctrl-C while it drew left half a figure
    # where the previous one had been.
    drawn = io.BytesIO()
    fig.savefig(drawn, format=fmt, dpi=120, metadata=metadata)
    data = drawn.getvalue()
    if fmt == "svg":
        data = _NUMBERED_GROUP.sub(rb'<g id="' + key.encode() + rb'-\1"', data)
    if isinstance(target, str | os.PathLike):
        from trendlab.render import write_bytes

        write_bytes(data, os.fspath(target))
        return
    try:
        target.write(data.decode() if isinstance(target, io.TextIOBase) else data)
    except OSError as exc:
        raise TrendlabError(f"cannot write {target}: {exc.strerror or exc}") from None


# -- a benchmark's results and forecast -------------------------------------------------


def organization_colours(
    points: pl.DataFrame, palette: Mapping[str, str] | None = None
) -> list[tuple[str, str, pl.DataFrame]]:
    """(label, colour, points) per colour group: the organisations with the most
    results each get a colour of their own, the rest share one, unknown is grey. A
    model made by several organisations (`Google DeepMind,Google`) is coloured as
    whichever of them has the most results.

    An organisation takes its colour in `palette` (organization_palette's, the same on
    every figure of a database) unless one with more results here took it first; one
    without takes the first colour no other here has. Without a palette, the colours
    go in order of results."""
    points, names = _ranked(points)
    named = _own_colours(names)
    palette = palette or {}
    taken: dict[str, str] = {}
    for name in named:
        colour = palette.get(name)
        if colour is not None and colour not in taken.values():
            taken[name] = colour
    free = iter([c for c in PALETTE if c not in taken.values()])
    groups = [
        (name, taken.get(name) or next(free), points.filter(pl.col("organization") == name))
        for name in named
    ]
    rest = points.filter(
        pl.col("organization").is_not_null() & ~pl.col("organization").is_in(named)
    )
    if not rest.is_empty():
        others = len(names) - len(named)
        groups.append((f"{others} other organizations", OTHER_COLOUR, rest))
    unknown = points.filter(pl.col("organization").is_null())
    if not unknown.is_empty():
        groups.append(("organization unknown", UNKNOWN_COLOUR, unknown))
    return groups


def organization_palette(results: pl.DataFrame) -> dict[str, str]:
    """Each organisation's colour on every figure of a database, from `results`
    (benchmark, organization, n: how many points its figures may draw of each).

    Organisations that each get a colour of their own on one benchmark's figure are
    neighbours. In order of their results over the whole database, most first, each
    takes the first colour of PALETTE that no neighbour before it took: coloured by
    its rank on each benchmark, OpenAI was orange on one figure and purple on the
    next. One left with no colour free is absent, and takes a free one on each figure
    (see organization_colours)."""
    neighbours: dict[str, set[str]] = {}
    counts: Counter[str] = Counter()
    for (_,), points in results.partition_by("benchmark", as_dict=True).items():
        points, names = _ranked(points)
        named = _own_colours(names)
        counts.update(dict(_tally(points).iter_rows()))
        for name in named:
            neighbours.setdefault(name, set()).update(named)
    palette: dict[str, str] = {}
    for name in sorted(neighbours, key=lambda n: (-counts[n], n)):
        taken = {palette.get(other) for other in neighbours[name]}
        colour = next((c for c in PALETTE if c not in taken), None)
        if colour is not None:
            palette[name] = colour
    return palette


def _ranked(points: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """The points with each joint organisation replaced by its lead member (see
    _lead_organizations), and the organisations, most results first."""
    points = points.with_columns(pl.col("organization").replace(_lead_organizations(points)))
    counts = _tally(points).sort(["n", "organization"], descending=[True, False])
    return points, counts.get_column("organization").to_list()


def _tally(points: pl.DataFrame) -> pl.DataFrame:
    """How many results each known organisation has among `points` (organization, n):
    one a row, or as many as a row's `n` says where it counts them (organization_palette's,
    read as counts: the database's results, a row each, are too many for Python)."""
    n = pl.col("n").sum() if "n" in points.columns else pl.len()
    known = points.filter(pl.col("organization").is_not_null())
    return known.group_by("organization").agg(n.cast(pl.Int64).alias("n"))


def _own_colours(names: list[str]) -> list[str]:
    """Those of `names` (most results first) that get a colour of their own: all of
    them when PALETTE has enough, else all but the last for the rest to share."""
    return names if len(names) <= len(PALETTE) else names[: len(PALETTE) - 1]


def _lead_organizations(points: pl.DataFrame) -> dict[str, str]:
    """Each joint organisation string (the seeds join a collaboration's organisations
    with commas) mapped to its member with the most results among `points`, counting
    a joint result for each member, ties to the first by name. As a legend entry of
    its own, a collaboration took a colour from an organisation that has many results
    and told the reader nothing the member's colour does not."""
    tally = dict(_tally(points).iter_rows())
    # ", " is left whole: it is the comma inside one name ("Acme, Inc.").
    members = {name: [m.strip() for m in re.split(r",(?! )", name)] for name in tally}
    counts: Counter[str] = Counter()
    for name, n in tally.items():
        counts.update(dict.fromkeys(members[name], n))
    return {
        name: min(ms, key=lambda m: (-counts[m], m)) for name, ms in members.items() if len(ms) > 1
    }


def forecast_figure(
    result: Forecast,
    crossings: list[Crossing],
    target: Target,
    *,
    fmt: str | None = None,
    key: str | None = None,
    palette: Mapping[str, str] | None = None,
) -> None:
    """Draw a forecast: every result coloured by its model's organization (as
    `palette`, organization_palette's, has them where it can), the frontier as a step
    line, the median and the interval fan, each threshold (with its crossing:
    `crossings`, of result.crossings) and the human baseline. `key` prefixes the SVG
    ids (default: the benchmark)."""
    from trendlab.forecast.paths import current_v

    series, axis, scale = result.series, result.axis, result.series.scale
    key = key or scale.slug

    def xs(values: np.ndarray) -> list:
        return [axis.label(float(x)) for x in values]

    fmt = _format(target, fmt)
    with _figure(0.77, key, fmt) as (fig, ax):
        groups = organization_colours(series.points, palette)
        labels = _short_labels([label for label, _, _ in groups])
        for i, ((_, colour, group), label) in enumerate(zip(groups, labels, strict=True)):
            ax.scatter(
                xs(group.get_column("x").to_numpy()),
                group.get_column("score").to_numpy(),
                s=16,
                color=colour,
                alpha=0.85,
                lw=0,
                label=_text(label),
                zorder=RESULTS_Z,
                gid=f"{key}-results-{i}",
            )
        median, lower, upper = result.band()
        grid = axis.grid
        if series.frontier:
            records = series.records
            fx = np.append(records.get_column("x").to_numpy(), series.x_now)
            fy = records.get_column("score").to_numpy()
            fy = np.append(fy, fy[-1])
            ax.step(
                xs(fx),
                fy,
                where="post",
                color="black",
                lw=1.5,
                label="frontier",
                zorder=FRONTIER_Z,
                gid=f"{key}-frontier",
            )
            now = float(scale.score(current_v(series)))
            grid = np.concatenate([[series.x_now], grid])
            median, lower, upper = (np.concatenate([[now], a]) for a in (median, lower, upper))
        ax.fill_between(
            xs(grid),
            lower,
            upper,
            color=FORECAST_COLOUR,
            alpha=0.25,
            lw=0,
            label=f"{level_text(result.level)} % interval",
            zorder=FORECAST_Z,
            gid=f"{key}-interval",
        )
        ax.plot(
            xs(grid),
            median,
            color=FORECAST_COLOUR,
            lw=2,
            label=f"median ({result.family})",
            zorder=FORECAST_Z,
            gid=f"{key}-median",
        )
        _limits(ax, result)
        _reference_lines(ax, result, crossings, key)
        # Once the reference lines have fixed the limits the labels are chosen for.
        if axis.by != "date":
            _readable_log(ax.xaxis)
        else:
            _dates_apart(ax.xaxis)
        if _log_y(result):
            _readable_log(ax.yaxis)
        else:
            _without_offset(ax.yaxis)
        ax.set_xlabel(_X_TITLE[axis.by])
        _score_title(ax, scale.name, scale.unit)
        # What was fitted belongs in the title: a setting's results alone, or every
        # result, whose forecast (and so each threshold's crossing) is one new result's.
        title = f"{scale.name} ({scale.unit}){series.kept_title}"
        if series.frontier:
            title += f": frontier and {result.family} forecast"
        else:
            title += f": all results and {result.family} forecast of one new result"
        _titles(ax, title, result.summary(), scale.name)
        ax.grid(alpha=0.3)
        legend = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0, fontsize=8)
        _legend_within(legend, fig)
        _save(fig, key, target, fmt)


def _score_title(ax: Axes, name: str, unit: str) -> None:
    """Title the score axis with the benchmark's name and unit where, as measured, they
    fit along the axes' height, else with "score" and the unit (the figure's title names
    the benchmark). Counted against a legend entry's LABEL_CHARS, a name of 26 letters,
    which had room to spare, was dropped, and a unit score read "score (score)"."""
    title = ax.set_ylabel(_text(f"{name} ({unit})"))
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    if title.get_window_extent(renderer).height > ax.get_window_extent(renderer).height:
        ax.set_ylabel("score" if unit == "score" else f"score ({unit})")


def _short(label: str, tail: int = 0) -> str:
    """A legend entry cut to fit the legend's margin, keeping its last `tail` characters."""
    if len(label) <= LABEL_CHARS:
        return label
    end = label[len(label) - tail :] if tail else ""
    return label[: LABEL_CHARS - 1 - tail] + "…" + end


def _legend_within(legend: Legend, fig: Figure) -> None:
    """Cut the widest legend entry by a character at a time, before its "…" (the end
    after it tells alike names apart), while the legend, as measured, runs past the
    figure's right edge: LABEL_CHARS counts characters, and a lab named in 21 Chinese
    characters, each as wide as two letters, ran off the figure."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    while legend.get_window_extent(renderer).x1 > fig.bbox.x1:
        widest = max(legend.get_texts(), key=lambda t: t.get_window_extent(renderer).width)
        if widest.get_text().startswith("…"):
            return
        widest.set_text(_one_shorter(widest.get_text()))


def _one_shorter(label: str) -> str:
    """`label` cut by a character before its "…" (its last one becoming "…" the first
    time), keeping what follows it; never half of _text's "\\$", whose backslash would
    then be drawn."""
    cut = label.find("…") if "…" in label else len(label)
    head = label[: max(cut - 1, 0)].removesuffix("\\")
    return f"{head}…{label[cut + 1 :]}"


def _short_labels(labels: list[str]) -> list[str]:
    """Legend entries for `labels` (all different), each cut to fit the legend's margin
    and still told apart: names that share their start (National Institute of ... Lab 1,
    Lab 2) keep as much of their end as tells them apart, or else are numbered. Cut at
    the same place, they read alike, and so did their colours' entries."""
    shown = [_short(label) for label in labels]
    for alike in _alike(shown):
        for tail in range(1, LABEL_CHARS - 2):
            tried = {i: _short(labels[i], tail) for i in alike}
            if len(set(tried.values())) == len(alike) and not set(tried.values()) & set(shown):
                break
        else:
            head = LABEL_CHARS - 4 - len(str(len(alike)))  # room for "… (n)"
            tried = {i: f"{labels[i][:head]}… ({n})" for n, i in enumerate(alike, 1)}
        for i, text in tried.items():
            shown[i] = text
    return shown


def _alike(shown: list[str]) -> list[list[int]]:
    """The indexes of each legend entry that `shown` holds more than once."""
    where: dict[str, list[int]] = {}
    for i, text in enumerate(shown):
        where.setdefault(text, []).append(i)
    return [indexes for indexes in where.values() if len(indexes) > 1]


def _titles(ax: Axes, title: str, subtitle: str, name: str) -> None:
    """The title, and under it smaller lines saying how to read the figure, wrapped to
    the axes' width (a forecast's summary runs past it, into the legend and off the
    figure's edge). A title longer than TITLE_CHARS is set smaller to fit the figure's
    width, and smaller again where it is measured still too wide (see _fit_width): a
    long name, a --setting's words and --all's ran off its edge, which cut off what
    was fitted. Not below TITLE_MIN_SIZE by its length: the benchmark's `name` in it
    is cut instead, ending in "…" (a name of 400 letters set it in 3-point type, a
    hairline no one could read), to TITLE_NAME_CHARS at the least: what else made the
    title long (a --setting's words) cut "MMLU" to "M…"."""
    most = TITLE_CHARS * TITLE_SIZE // TITLE_MIN_SIZE
    keep = max(len(name) - (len(title) - most) - 1, TITLE_NAME_CHARS)
    if keep + 1 < len(name) and name in title:
        title = title.replace(name, name[:keep] + "…", 1)
    lines = textwrap.wrap(_text(subtitle), SUBTITLE_CHARS)
    size = TITLE_SIZE * min(1.0, TITLE_CHARS / len(title))
    drawn = ax.set_title(
        _text(title), loc="left", fontsize=size, pad=6 + SUBTITLE_LINE_POINTS * len(lines)
    )
    _fit_width(drawn, ax)
    ax.text(
        0, 1.012, "\n".join(lines), transform=ax.transAxes, fontsize=7.5, color="0.35", va="bottom"
    )


def _fit_width(text: Text, ax: Axes) -> None:
    """Set `text` smaller where, as measured, it still runs past the figure's right
    edge: a count of characters misjudges a title of wide letters (a name in
    capitals), whose end, what was fitted, was cut off."""
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    for _ in range(20):
        extent = text.get_window_extent(renderer)
        room = TITLE_ROOM * ax.figure.bbox.x1 - extent.x0
        if extent.width <= room:
            return
        # Glyphs are drawn at whole pixel sizes, so a size a little smaller can measure
        # the same: each step is at least 3 % smaller.
        text.set_fontsize(text.get_fontsize() * min(room / extent.width, 0.97))


def _reference_lines(ax: Axes, result: Forecast, crossings: list[Crossing], key: str) -> None:
    """The human baseline, and each threshold with when it is (or was) crossed. A line
    the axes cannot show (at or below 0 on a log axis, or far outside the scores) is
    left out, and a note beside the axes says so, with its crossing."""
    scale = result.series.scale
    low, high = _reach(ax, result)
    log = _log_y(result)

    def fits(y: float) -> bool:
        return low <= y <= high and not (log and y <= 0)

    off = []
    labels: list[_Label] = []
    baseline = scale.human_baseline
    # A threshold at the baseline (the default one) shares its line and says so in one
    # label: two, stacked apart, left the threshold's floating where no line is.
    crossed = baseline is not None and any(c.threshold == baseline for c in crossings)
    if baseline is not None and not fits(baseline):
        if not crossed:
            off.append(f"human baseline {number(baseline)}")
    elif baseline is not None:
        ax.axhline(
            baseline,
            color=BASELINE_COLOUR,
            ls=":",
            lw=1.2,
            zorder=REFERENCE_Z,
            gid=f"{key}-baseline",
        )
        if not crossed:
            text = f"human baseline {number(baseline)}"
            labels.append((baseline, 0.99, "right", text, BASELINE_COLOUR))
    for i, crossing in enumerate(crossings):
        named = scale.threshold_label(crossing.threshold, number(crossing.threshold))
        text = f"{named}: {result.crossing_text(crossing)}"
        past = result.past_data_text(crossing)
        if past:
            text += f" · {past}"
        if not fits(crossing.threshold):
            off.append(text)
            continue
        if crossing.threshold != baseline:
            ax.axhline(
                crossing.threshold,
                color=THRESHOLD_COLOUR,
                ls="--",
                lw=1,
                zorder=REFERENCE_Z,
                gid=f"{key}-threshold-{i}",
            )
        labels.append((crossing.threshold, 0.01, "left", text, THRESHOLD_COLOUR))
    _label_lines(ax, labels, upward=scale.higher_is_better)
    if off:
        # In the legend's margin, level with the axes' bottom: clear of the data and,
        # wrapped to the margin's width and cut to NOTE_ITEMS lines, of the legend above.
        shown = at_most(off, NOTE_ITEMS if len(off) <= NOTE_ITEMS else NOTE_ITEMS - 1)
        lines = [textwrap.fill(t, NOTE_CHARS, subsequent_indent="  ") for t in shown]
        ax.figure.text(
            ax.get_position().x1 + 0.01,
            ax.get_position().y0,
            _text("\n".join(["not drawn, off the axes:", *lines])),
            color=THRESHOLD_COLOUR,
            fontsize=7.5,
            va="bottom",
        )


def _label_lines(ax: Axes, labels: list[_Label], *, upward: bool) -> None:
    """Write each reference line's label beside a line, wrapped to LABEL_LINE_CHARS, and
    place the labels as _clear_places says, on the side the scores move towards (above
    the lines when higher is better, below when lower is: at the left, where the
    labels are, the early results lie on the other side). Left and right labels are
    placed as one column: a long one can reach across."""
    if not labels:
        return
    # The lines just drawn may widen the y axis, which autoscaling applies only when the
    # limits are read: read (and keep) them before measuring where each line lies.
    ax.set_ylim(ax.get_ylim())
    # Heights in points: offsets in points hold at any dpi the figure is saved at.
    height = ax.get_position().height * FIGSIZE[1] * 72
    to_axes = ax.transData + ax.transAxes.inverted()
    drawn = [
        ax.annotate(
            textwrap.fill(text, LABEL_LINE_CHARS),
            (x, y),
            xycoords=("axes fraction", "data"),
            xytext=(0, 0),  # placed below, once every label's height is measured
            textcoords="offset points",
            color=colour,
            ha=ha,
            va="bottom",
            fontsize=LABEL_SIZE,
            # Squeezed where no arrangement fits, a label can lie across a line: keep it
            # legible, but under the forecast and the results (see LABEL_Z).
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": LABEL_PAD},
            zorder=LABEL_Z,
        )
        for y, x, ha, text, colour in labels
    ]
    # Measured, not counted in lines: a line of a wrapped label takes more room than
    # the first, and a box reaches LABEL_PAD past its text.
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    points = 72 / ax.figure.dpi
    text = [a.get_window_extent(renderer).height * points for a in drawn]
    box = [t + 2 * LABEL_PAD for t in text]
    # Measured from the axes' edge the labels face away from, so that "above" is the
    # side they prefer either way.
    at = [float(to_axes.transform((0, y))[1]) * height for y, *_ in labels]
    if not upward:
        at = [height - a for a in at]
    order = sorted(range(len(labels)), key=lambda i: at[i])
    lines, boxes = [at[i] for i in order], [box[i] for i in order]
    places = _clear_places(lines, boxes, height) or _squeezed(lines, boxes, height)
    for bottom, i in zip(places, order, strict=True):
        # The text's bottom, as an offset from its line (va is bottom either way).
        offset = bottom - at[i] if upward else at[i] - bottom - text[i]
        drawn[i].xyann = (0, offset + (LABEL_PAD if upward else -LABEL_PAD))


def _clear_places(lines: list[float], boxes: list[float], height: float) -> list[float] | None:
    """Where each label's box starts (its bottom, from 0 to height), given its line and
    its height, in the lines' order from the bottom: in the lines' order too, LABEL_SPACE
    apart, inside the axes and LABEL_GAP clear of every line. Each lies as close to its
    own line as the ones before it leave room for, above it where both sides are as
    close: beside the line where there is room, else in the nearest gap between lines
    that holds it (a label begins with its line's value, so it still reads as that
    line's). None where no such arrangement exists."""
    edges = [-LABEL_GAP, *lines, height + LABEL_GAP]  # the axes' edges need no gap
    free = [(lo + LABEL_GAP, hi - LABEL_GAP) for lo, hi in pairwise(edges)]
    # From the top down, the highest each box can start with every later one above it:
    # any place at or below that leaves room for the rest.
    highest: list[float] = []
    top = height
    for size in reversed(boxes):
        starts = [min(hi, top) - size for lo, hi in free if min(hi, top) - size >= lo]
        if not starts:
            return None
        highest.insert(0, max(starts))
        top = highest[0] - LABEL_SPACE
    places = []
    floor = 0.0
    for line, size, ceiling in zip(lines, boxes, highest, strict=True):
        spans = [(max(lo, floor), min(hi - size, ceiling)) for lo, hi in free]
        # Beside the line above it, or below it, pulled into each span that holds it.
        starts = [
            min(max(start, low), high)
            for low, high in spans
            if low <= high
            for start in (line + LABEL_GAP, line - LABEL_GAP - size)
        ]
        # The nearest, above where both sides are as near (rounded: the two sides' float
        # distances differ in their last digits).
        _, _, place = min((round(max(y - line, line - y - size), 6), y < line, y) for y in starts)
        places.append(place)
        floor = place + size + LABEL_SPACE
    return places


def _squeezed(lines: list[float], boxes: list[float], height: float) -> list[float]:
    """Too many labels to place clear of the lines and of each other: each above its
    line (below where the axes end first), stacked in order inside the axes, closer
    than their heights where they must be, overlapping."""
    near = [a + LABEL_GAP if a + LABEL_GAP + b <= height else a - LABEL_GAP - b
            for a, b in zip(lines, boxes, strict=True)]  # fmt: skip
    tall = [b + LABEL_SPACE for b in boxes]
    rest = sum(tall[:-1])
    squeeze = min(1.0, (height - boxes[-1]) / rest) if rest else 1.0
    for k in range(1, len(near)):  # away from the edge, each clear of the one before
        near[k] = max(near[k], near[k - 1] + tall[k - 1] * squeeze)
    near[-1] = min(near[-1], height - boxes[-1])
    for k in range(len(near) - 2, -1, -1):  # then back from the far edge, if pushed out
        near[k] = min(near[k], near[k + 1] - tall[k] * squeeze)
    return near


def _reach(ax: Axes, result: Forecast) -> tuple[float, float]:
    """The scores a reference line may lie between: a bounded benchmark's axes already
    show its whole range; otherwise the data's range, widened by half on either side
    (in powers of ten on a log axis), so a line a little past the data is drawn
    without squashing the data into a corner."""
    low, high = ax.get_ylim()
    if result.series.scale.bounded:
        return low, high
    if _log_y(result):
        low, high = np.log10(low), np.log10(high)
        half = (high - low) / 2
        return float(10 ** (low - half)), float(10 ** (high + half))
    half = (high - low) / 2
    return low - half, high + half


def _limits(ax: Axes, result: Forecast) -> None:
    """A bounded benchmark shows its whole range (and any result outside it); a
    forecast made in log space (the exponential's) of scores above 0 is drawn on a log
    scale, whatever the x axis; compute and price are logarithmic."""
    scale, axis = result.series.scale, result.axis
    if scale.bounded:
        scores = result.series.points.get_column("score")
        low = min(float(scale.score(0.0)), float(scale.score(1.0)), float(scores.min()))  # type: ignore[arg-type]
        high = max(float(scale.score(0.0)), float(scale.score(1.0)), float(scores.max()))  # type: ignore[arg-type]
        pad = 0.03 * (high - low)
        ax.set_ylim(low - pad, high + pad)
    if axis.by != "date":
        ax.set_xscale("log")
        _log_view_within_floats(ax, "x")
    if _log_y(result):
        ax.set_yscale("log")
    if not scale.bounded:
        _not_flat(ax, _log_y(result))


def _not_flat(ax: Axes, log: bool) -> None:
    """Widen a y axis around scores that are all equal (but for float noise):
    autoscaling would blow the noise up into a staircase and leave no room for a line
    beside them. Half the value either side, or a decade on a log axis."""
    low, high = ax.get_ylim()
    size = max(abs(low), abs(high)) or 1.0
    if high - low > 1e-6 * size:
        return
    middle = (low + high) / 2
    if log:
        ax.set_ylim(middle / 10**0.5, middle * 10**0.5)
    else:
        ax.set_ylim(middle - size / 2, middle + size / 2)


def _log_y(result: Forecast) -> bool:
    """Whether the scores are drawn on a log scale: when the forecast's own space is
    logarithmic (an exponential of growth or of decay), where its paths are straight,
    and the scores are above 0. In log space v is above 0 and in neglog below it, and a
    score is v or -v as higher or lower is better: scores below 0, which a log axis
    cannot show, left the figure blank."""
    space = result.curve.space
    return space in LOG_SPACES and (space == "log") == result.series.scale.higher_is_better


# -- the price of a capability -----------------------------------------------------------


def price_trend_figure(
    trend: PriceTrend,
    target: Target,
    *,
    fmt: str | None = None,
    key: str | None = None,
    names: Mapping[str, str] | None = None,
) -> None:
    """Draw every price of every model reaching the threshold, the cheapest over time
    as a step line, and the fitted log-linear trend. Each cheapest model is named by
    its slug, or as `names` (slug -> name) names it."""
    from datetime import timedelta

    from trendlab.prices import BLENDED
    from trendlab.series import decimal_year, from_decimal_year

    key = key or f"{trend.benchmark}-price"
    fmt = _format(target, fmt)
    with _figure(0.97, key, fmt) as (fig, ax):
        offers = trend.offers
        ax.scatter(
            offers.get_column("from").to_list(),
            offers.get_column(BLENDED).to_numpy(),
            s=18,
            color=UNKNOWN_COLOUR,
            label="prices of models reaching it",
            zorder=PRICES_Z,
            gid=f"{key}-offers",
        )
        points = trend.table()
        days = points.get_column("date").to_list()
        prices = points.get_column(BLENDED).to_numpy()
        # The cheapest option holds up to the day the prices were read as of, as the
        # table says (it stopped at the latest price of any model reaching the
        # threshold, an unknown cheapest's shading running on to that day).
        last = max(offers.get_column("from").max(), days[-1], trend.on)
        ax.step(
            [*days, last],
            np.append(prices, prices[-1]),
            where="post",
            color=FORECAST_COLOUR,
            label="cheapest",
            zorder=PRICE_LINES_Z,
            gid=f"{key}-cheapest",
        )
        ax.scatter(days, prices, s=30, color=FORECAST_COLOUR, zorder=PRICES_Z)
        shown = names or {}
        labels = [
            ax.annotate(
                _text(shown.get(model, model)),
                (day, price),
                fontsize=7,
                xytext=(3, 3),
                textcoords="offset points",
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": LABEL_PAD},
                zorder=NAME_Z,
            )
            for day, price, model in zip(days, prices, points.get_column("model"), strict=True)
            if np.isfinite(price)
        ]
        # An unknown cheapest (a price with no blend in effect) breaks the step line,
        # and its span is shaded rather than bridged by another model's dearer price.
        unknown = [
            (day, end)
            for day, end, price in zip(days, [*days[1:], last], prices, strict=True)
            if np.isnan(price)
        ]
        for i, (day, end) in enumerate(unknown):
            ax.axvspan(
                day,
                end,
                color=UNKNOWN_COLOUR,
                alpha=0.2,
                linewidth=0,
                label=None if i else "cheapest unknown",
                gid=f"{key}-unknown-{i}",
            )
        # Whole days, each drawn at its own decimal year: sampled in decimal years and
        # rounded to a day, a vertex lay up to half a day off its value, and the straight
        # trend zigzagged where its points lie weeks apart.
        first = from_decimal_year(trend.fit.first_year)
        length = (from_decimal_year(trend.fit.last_year) - first).days
        span = sorted({first + timedelta(days=round(k)) for k in np.linspace(0, length, 50)})
        ax.plot(
            np.array(span, dtype="datetime64[D]"),
            trend.fit.fitted(np.array([decimal_year(day) for day in span])),
            color=THRESHOLD_COLOUR,
            linestyle="--",
            label=f"trend: {trend.rate_text()}",
            zorder=PRICE_LINES_Z,
            gid=f"{key}-trend",
        )
        ax.set_yscale("log")
        _log_view_within_floats(ax)
        _readable_log(ax.yaxis)
        _within_calendar(ax)
        _dates_apart(ax.xaxis)
        _keep_inside(ax, labels)
        _keep_apart(ax, labels)
        ax.set_xlabel("date")
        ax.set_ylabel("USD per million tokens")
        _titles(
            ax,
            f"Cheapest model with {trend.reaching_named} {trend.unit}",
            f"blended price ({trend.blend} input:output tokens) at the cheapest provider; "
            "log-linear least-squares trend",
            trend.name or trend.benchmark,
        )
        ax.grid(alpha=0.3)
        # Wherever it covers the fewest marks: a falling price leaves upper right empty
        # but for a dear model priced late, which a legend fixed there hid.
        ax.legend(loc="best", fontsize=8)
        _save(fig, key, target, fmt)


def _readable_log(axis: Axis) -> None:
    """Label a log axis at 1, 2 and 5 times each power of ten (within a decade, at even
    steps of 1, 2 or 5 times a power of ten, or at 1, 2, 3, 4 and 6 times each where
    those leave less of it bare), in plain numbers, where it spans few
    decades: labelled only at 10^0 and 10^1, a price of 37.5 or 0.2625 could not be
    read off it. Over more decades, the powers of ten are labels enough."""
    from matplotlib.ticker import (
        FuncFormatter,
        LogLocator,
        MaxNLocator,
        NullFormatter,
        NullLocator,
    )

    low, high = sorted(axis.get_view_interval())
    decades = float(np.log10(high / low))
    # Training compute (1e22 FLOP and up) reads better as powers of ten than as digits.
    if decades > LOG_LABEL_DECADES or high >= PLAIN_LOG_MAX:
        return
    if decades > 1:
        axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    else:
        # Evenly in the numbers, not at whole steps of each power of ten: 0.75 to 1.88
        # was labelled at 0.8, 0.9 and 1 alone, steps ten times coarser past 1. But near
        # a whole decade even steps leave its low end bare (8.8 to 86 was labelled from
        # 20 up, a third of the axis): there at 1, 2, 3, 4 and 6 times each power of
        # ten, as matplotlib labels such an axis, whichever leaves less of it unlabelled.
        even = MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10])
        spread = [
            m * 10.0**e
            for e in range(math.floor(np.log10(low)), math.ceil(np.log10(high)) + 1)
            for m in SPREAD_SUBS
            if low <= m * 10.0**e <= high
        ]
        # Two at least: with fewer, matplotlib's LogLocator ticks as a linear axis would.
        if len(spread) > 1 and _widest_bare(spread, low, high) < _widest_bare(
            even.tick_values(low, high), low, high
        ):
            axis.set_major_locator(LogLocator(subs=SPREAD_SUBS))
        else:
            axis.set_major_locator(even)
        axis.set_minor_locator(NullLocator())  # a log's, between those, read as ticks off
    axis.set_major_formatter(FuncFormatter(lambda value, _: significant_text(value, 3)))
    axis.set_minor_formatter(NullFormatter())  # its default labels would repeat some


def _widest_bare(ticks: Any, low: float, high: float) -> float:
    """The longest stretch of a log axis from `low` to `high` that `ticks` leave without
    a label, in decades (the ends count as its edges)."""
    inside = [float(t) for t in ticks if low < t < high]
    return float(np.max(np.diff(np.log10([low, *inside, high]))))


def _dates_apart(axis: Axis) -> None:
    """Tick a date axis at whole days, more sparsely while, as measured, its labels run
    into each other: over a span of weeks to months (a forecast to an --until a few
    months past its data) matplotlib ticked 8 or 9 days each written in full,
    2024-06-012024-06-15, and over a few days every 12 hours (06-01 12), though a result
    has a day and no time, and without the year. Fewer are asked for, and as few as 3
    of a coarser unit let be (months, not every 14 days); an axis of whole days whose
    labels are clear keeps matplotlib's ticks."""
    from matplotlib.dates import AutoDateFormatter, AutoDateLocator

    for most in range(DATE_TICKS, 2, -1):
        days = _whole_days(axis)
        if days and not _crowded(axis):
            return
        # 2 days, not 12 hours, where there are too few days for matplotlib's 5 ticks.
        locator = AutoDateLocator(minticks=3 if days else 2, maxticks=most)
        axis.set_major_locator(locator)
        axis.set_major_formatter(AutoDateFormatter(locator))


def _whole_days(axis: Axis) -> bool:
    """Whether every major tick of a date axis is at a midnight (UTC): matplotlib counts
    dates in days."""
    return all(float(loc).is_integer() for loc in axis.get_majorticklocs())


def _crowded(axis: Axis) -> bool:
    """Whether two neighbouring tick labels of `axis` (an x axis) in view lie closer
    than TICK_SPACE points apart, or across each other."""
    low, high = sorted(axis.get_view_interval())
    locs = axis.get_majorticklocs()
    axis.get_majorticklabels()  # gives each tick its label's text and place
    renderer = axis.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [
        tick.label1.get_window_extent(renderer)
        for tick, loc in zip(axis.get_major_ticks(len(locs)), locs, strict=True)
        if low <= loc <= high and tick.label1.get_text()
    ]
    space = TICK_SPACE * axis.figure.dpi / 72
    return any(right.x0 - left.x1 < space for left, right in pairwise(boxes))


def _without_offset(axis: Axis) -> None:
    """Label a linear axis's ticks with their whole values where matplotlib would write
    an offset or a power of ten above the axes instead ("+4.999e1", "1e6"): it lay
    under the subtitle, which hid it, leaving ticks that read 0.002 for 49.992. Each
    tick gets the fewest significant digits that tell them all apart."""
    from matplotlib.ticker import FuncFormatter, ScalarFormatter

    formatter = axis.get_major_formatter()
    if not isinstance(formatter, ScalarFormatter):
        return
    low, high = sorted(axis.get_view_interval())
    ticks = [float(t) for t in axis.get_majorticklocs() if low <= t <= high]
    formatter.set_locs(ticks)
    if len(ticks) < 2 or not formatter.get_offset():
        return
    # A tick meant as 0 may come out as float noise (1e-17), which would read as such.
    tiny = float(np.min(np.diff(ticks))) * 1e-6
    # From 1e5 as short powers of ten (-2e5): "-1,000,000" pushed the axis's title off
    # the figure.
    large = max(abs(t) for t in ticks) >= 1e5

    def text(value: float, digits: int) -> str:
        value = 0.0 if abs(value) < tiny else value
        if not large:
            return significant_text(value, digits)
        return re.sub(r"e\+?(-?)0*(\d)", r"e\1\2", f"{value:.{digits}g}")

    digits = next((n for n in range(1, 17) if len({text(t, n) for t in ticks}) == len(ticks)), 17)
    axis.set_major_formatter(FuncFormatter(lambda value, _: text(value, digits)))


def _log_view_within_floats(ax: Axes, which: str = "y") -> None:
    """Keep a log axis (`which`, x or y) on its data where a margin around it, or a
    tick beyond it, runs past a float's range: prices up to 1e300 put the top margin
    past 1.8e308, where matplotlib falls back to a view of 1 to 10 that shows none of
    them (and price-trend's names of points out of view, which have no place drawn,
    were moved up past each other without end: the figure never came); a view near
    either end of the floats has decades of ticks past it, 10 ** 400 being inf and
    10 ** -400 being 0, which matplotlib's labels fail on."""
    from matplotlib.ticker import LogLocator

    class FiniteLogLocator(LogLocator):
        def tick_values(self, vmin: float, vmax: float) -> Any:
            with np.errstate(over="ignore", under="ignore"):
                ticks = np.asarray(super().tick_values(vmin, vmax))
            return ticks[np.isfinite(ticks) & (ticks > 0)]

    x = which == "x"
    low, high = ax.get_xlim() if x else ax.get_ylim()
    data = ax.dataLim.intervalx if x else ax.dataLim.intervaly
    data_low, data_high = (float(end) for end in data)
    if not 0 < data_low <= data_high < np.inf or (low <= data_low and data_high <= high):
        return
    share = ax.get_xmargin() if x else ax.get_ymargin()
    margin = 10 ** (share * float(np.log10(data_high) - np.log10(data_low)))
    with np.errstate(over="ignore", under="ignore"):
        bottom, top = np.float64(data_low) / margin, np.float64(data_high) * margin
    view = (bottom if bottom > 0 else data_low, min(top, np.finfo(float).max))
    axis = ax.xaxis if x else ax.yaxis
    (ax.set_xlim if x else ax.set_ylim)(*view)
    axis.set_major_locator(FiniteLogLocator())
    axis.set_minor_locator(FiniteLogLocator(subs="auto"))


def _within_calendar(ax: Axes) -> None:
    """Keep a date axis's margin inside the years matplotlib can draw (1 to 9999): the
    cheapest price holds up to an --as-of day, and past about 9630 the margin added
    after it ran beyond 9999, which failed the figure."""
    from matplotlib.dates import date2num

    left, right = ax.get_xlim()
    ax.set_xlim(left, min(right, float(date2num(np.datetime64("9999-12-31")))))


def _keep_inside(ax: Axes, names: list[Annotation]) -> None:
    """Move a point's name, written right of it, to its left where it would run past
    the axes: the latest cheapest model often lies at the right edge, and its name ran
    off the figure. A name too long for either side (a slug of 100 characters) is cut,
    ending in "…", on the side with more room: moved left, its start ran off the
    figure's left edge, which left the model unnamed."""
    ax.get_xlim(), ax.get_ylim()  # apply the pending autoscaling the names are placed by
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    frame = ax.get_window_extent(renderer)
    for name in names:
        right = name.get_window_extent(renderer)
        if right.x1 <= frame.x1:
            continue
        name.set_horizontalalignment("right")
        name.xyann = (-3, 3)
        left = name.get_window_extent(renderer)
        if left.x0 >= frame.x0:
            continue
        if frame.x1 - right.x0 > left.x1 - frame.x0:
            name.set_horizontalalignment("left")
            name.xyann = (3, 3)
        while len(name.get_text()) > 1:
            box = name.get_window_extent(renderer)
            if frame.x0 <= box.x0 and box.x1 <= frame.x1:
                break
            name.set_text(_one_shorter(name.get_text()))


def _keep_apart(ax: Axes, names: list[Annotation]) -> None:
    """Stack a point's name above the names placed before it (the later points': the
    newest is placed first) and the prices it would overprint:
    two models each cheapest a week apart at nearly one price had their names written
    over each other, neither legible, and a price drawn over a name (as prices are, so
    that no name hides one) hid its letters, o1-mini reading "o1-mir". A name so pushed
    out of the axes is stacked below its point instead, and one out of them there too is
    left out (the table lists every point): 150 models each cheapest for a day stacked
    their names down past the axes, over the dates and off the figure. Placed newest
    first, a name left out is an earlier one's, not the current cheapest's, the
    figure's headline."""
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    frame = ax.get_window_extent(renderer)
    points = 72 / ax.figure.dpi  # a pixel, in the points an offset is given in
    gap = (2 * LABEL_PAD + LABEL_SPACE) / points  # pixels between two names' texts
    placed = _dots(ax)
    for name in reversed(names):
        for up in (True, False):
            if not up:  # just below its point, as far below it as the name was above
                height = name.get_window_extent(renderer).height * points
                name.xyann = (name.xyann[0], -3 - height)
            while True:
                box = name.get_window_extent(renderer)
                hit = next((b for b in placed if b.overlaps(box)), None)
                if hit is None:
                    break
                shift = hit.y1 - box.y0 + gap if up else hit.y0 - box.y1 - gap
                name.xyann = (name.xyann[0], name.xyann[1] + shift * points)
            if frame.y0 <= box.y0 and box.y1 <= frame.y1:
                placed.append(box)
                break
        else:
            name.remove()


def _dots(ax: Axes) -> list[Bbox]:
    """The box of every dot drawn (a price), in pixels."""
    from matplotlib.collections import PathCollection
    from matplotlib.transforms import Bbox

    boxes = []
    for dots in ax.collections:
        if not isinstance(dots, PathCollection):
            continue
        # A marker's size is its area in square points: half its side is the radius.
        radius = float(np.sqrt(dots.get_sizes()[0])) / 2 * ax.figure.dpi / 72
        centres = ax.transData.transform(dots.get_offsets())
        boxes += [
            Bbox.from_extents(x - radius, y - radius, x + radius, y + radius)
            for x, y in centres
            if np.isfinite(x) and np.isfinite(y)
        ]
    return boxes
