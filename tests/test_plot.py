"""`trendlab plot`: the figure, opened and looked at, and every error path."""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
import pytest
from PIL import Image

from tests.conftest import Run, both_stores
from tests.synthetic import monthly, write_benchmark, write_error_rate
from trendlab import plot
from trendlab.plot import FORECAST_COLOUR, PALETTE, UNKNOWN_COLOUR, organization_colours

if TYPE_CHECKING:
    from click.testing import Result
    from matplotlib.axes import Axes


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])


def _share_near(pixels: np.ndarray, colour: str, tolerance: int = 40) -> float:
    """The share of pixels within `tolerance` (per channel) of a colour."""
    return float((np.abs(pixels - _rgb(colour)).max(axis=-1) <= tolerance).mean())


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[Axes]:
    """The axes of every figure drawn while the test runs, as matplotlib was given them."""
    axes: list[Axes] = []
    save = plot._save

    def keep(fig: Any, key: str, target: Any, fmt: str | None) -> None:
        axes.append(fig.axes[0])
        save(fig, key, target, fmt)

    monkeypatch.setattr(plot, "_save", keep)
    return axes


def test_plot_png_draws_points_frontier_and_fan(run: Run, tmp_path: Path):
    target = tmp_path / "mmlu.png"
    result = run("plot", "mmlu", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""  # a figure is not data on stdout
    assert f"wrote {target}" in result.stderr
    image = Image.open(target)
    assert image.format == "PNG" and image.size == (1200, 624)
    pixels = np.asarray(image.convert("RGB")).astype(int)
    assert pixels.std() > 20  # not blank
    # The median (blue), the fan (blue at a quarter on white), the frontier (black) and
    # the organisations' colours are all drawn.
    assert _share_near(pixels, FORECAST_COLOUR, 40) > 0.001
    assert _share_near(pixels, "#c7ddec", 12) > 0.008
    assert _share_near(pixels, "#000000", 30) > 0.002
    coloured = [c for c in PALETTE if _share_near(pixels, c, 45) > 0.0002]
    assert len(coloured) >= 5, coloured


def test_plot_svg_has_every_element_and_labels(run: Run, tmp_path: Path):
    target = tmp_path / "mmlu.svg"
    result = run("plot", "mmlu", "--threshold", "95", "--until", "2030", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    svg = target.read_text()
    ids = set(re.findall(r'<g id="(mmlu-[a-z0-9-]+)"', svg))
    assert {"mmlu-frontier", "mmlu-median", "mmlu-interval", "mmlu-baseline"} <= ids
    assert "mmlu-threshold-0" in ids  # 95, drawn apart from the human baseline
    results = [i for i in ids if i.startswith("mmlu-results-")]
    assert len(results) >= 8  # organisations, the others and unknown
    points = sum(svg.count("<use ", svg.index(f'id="{i}"')) > 0 for i in results)
    assert points == len(results)
    # Labelled axes, a title with the name and unit, the legend's organisations.
    for text in ("MMLU (percent): frontier and", "date", "human baseline 89.8", "OpenAI", "95:"):
        assert text in svg, text
    assert "organization unknown" in svg and "other organizations" in svg
    assert "2030" in svg  # the forecast runs to --until


def test_forecast_plot_is_the_same_figure(run: Run, tmp_path: Path):
    a, b = tmp_path / "a.svg", tmp_path / "b.svg"
    assert run("plot", "math", "-o", str(a)).exit_code == 0
    assert run("forecast", "math", "--plot", str(b)).exit_code == 0
    assert a.read_text() == b.read_text()


def test_a_figure_is_drawn_whatever_backend_mplbackend_names(db: Path, tmp_path: Path):
    """matplotlib reads MPLBACKEND as it is imported: one this environment cannot load
    (a notebook's, in a shell it started, where matplotlib_inline is not installed)
    failed the figure as a bug in trendlab, exit 70, though trendlab draws with Agg
    alone."""
    target = tmp_path / "m.png"
    proc = subprocess.run(
        [sys.executable, "-m", "trendlab", "--db", str(db), "plot", "math", "-o", str(target)],
        env={**os.environ, "MPLBACKEND": "module://matplotlib_inline.backend_inline"},
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines()[-1] == f"wrote {target}"
    assert Image.open(target).size == (1200, 624)


@pytest.mark.parametrize(
    "rc",
    [
        "figure.facecolor: black\naxes.facecolor: black\ntext.color: white\n"
        "savefig.bbox: tight\nlines.linewidth: 5\ntimezone: Pacific/Honolulu\n"
        "text.usetex: True\n",
        # No style sets it, matplotlib's day 0: one at noon put every tick between two
        # days, and the date axis, taken for one ticked in hours, was ticked at two years.
        "date.epoch: 1970-01-01T12:00:00\n",
    ],
)
def test_a_figure_is_the_same_whatever_matplotlibrc_says(
    run: Run, db: Path, tmp_path: Path, rc: str
):
    """matplotlib reads a matplotlibrc in the working folder (or the user's own) as it is
    imported: run where one sets a dark style, a tight bounding box and TeX, trendlab's
    figures came out black on black, cut to another size, or failed as a bug in
    trendlab where no LaTeX is installed. They are trendlab's, the same everywhere."""
    (tmp_path / "matplotlibrc").write_text(rc)
    target, expected = tmp_path / "m.svg", tmp_path / "expected.svg"
    assert run("plot", "math", "-o", str(expected)).exit_code == 0
    proc = subprocess.run(
        [sys.executable, "-m", "trendlab", "--db", str(db), "plot", "math", "-o", str(target)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert target.read_text() == expected.read_text()


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_forecast_plot_works_out_each_crossing_once(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
):
    """The figure's labels and the table (or JSON) give the same crossings: each is a
    pass over every path, and was made twice."""
    from trendlab.forecast.result import Forecast

    worked_out: list[float] = []
    original = Forecast._crossing

    def counted(self: Forecast, threshold: float) -> Any:
        worked_out.append(threshold)
        return original(self, threshold)

    monkeypatch.setattr(Forecast, "_crossing", counted)
    args = ("--threshold", "80", "--threshold", "95", "--plot", str(tmp_path / "m.svg"))
    result = run("forecast", "math", *args, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert worked_out == [80.0, 95.0]


def test_plot_by_compute_and_every_result(run: Run, tmp_path: Path):
    target = tmp_path / "gsm8k.png"
    result = run(
        "plot", "gsm8k", "--by", "compute", "--all", "--family", "linear", "-o", str(target)
    )
    assert result.exit_code == 0, result.stderr
    pixels = np.asarray(Image.open(target).convert("RGB")).astype(int)
    assert pixels.std() > 20
    assert _share_near(pixels, "#c7ddec", 12) > 0.001  # the fan
    svg = tmp_path / "gsm8k.svg"
    assert run("plot", "gsm8k", "--by", "compute", "-o", str(svg)).exit_code == 0
    assert "training compute (FLOP)" in svg.read_text()


def test_unbounded_benchmark_is_drawn_on_a_log_scale(run: Run, tmp_path: Path):
    target = tmp_path / "metr.svg"
    result = run("plot", "metr-time-horizon", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    svg = target.read_text()
    assert "minutes" in svg and "exponential forecast" in svg
    assert "10^{" in svg or "10^" in svg  # log ticks are mathtext powers of ten


@pytest.mark.parametrize("by", ["date", "compute"])
def test_an_exponential_forecast_has_a_log_y_axis_on_any_x_axis(
    run: Run, tmp_path: Path, drawn: list[Axes], by: str
):
    """Minutes grow by a factor a year or a decade of compute alike: on a linear axis
    the early results would be flattened at zero under the forecast's 10,000s."""
    result = run("plot", "metr-time-horizon", "--by", by, "-o", str(tmp_path / "m.png"))
    assert result.exit_code == 0, result.stderr
    (ax,) = drawn
    assert ax.get_yscale() == "log"
    assert ax.get_xscale() == ("linear" if by == "date" else "log")


@pytest.mark.parametrize("higher_is_better", [True, False])
def test_an_exponential_of_negative_scores_has_a_linear_y_axis(
    run_empty: Run, tmp_path: Path, drawn: list[Axes], higher_is_better: bool
):
    """Scores below 0 (a negated loss nearing 0, or lower being better, a margin falling
    further below 0) fit an exponential, but a log axis cannot show them: the figure was
    blank."""
    scores = [-50.0 * 0.8**i for i in range(6)]
    if not higher_is_better:
        scores = [-(1.25**i) for i in range(6)]
    write_benchmark(
        run_empty, tmp_path, "loss", monthly(date(2020, 1, 1), 6), scores,
        unit="score", floor=None, ceiling=None, higher_is_better=higher_is_better,
    )  # fmt: skip
    result = run_empty("plot", "loss", "--family", "exponential", "-o", str(tmp_path / "l.png"))
    assert result.exit_code == 0, result.stderr
    assert "Warning" not in result.stderr
    (ax,) = drawn
    assert ax.get_yscale() == "linear"
    low, high = ax.get_ylim()
    assert low <= min(scores) and max(scores) <= high


def test_a_long_title_fits_the_figure(run: Run, tmp_path: Path, drawn: list[Axes]):
    """A seeded benchmark's name, a setting and --all make a title longer than the
    figure is wide: its end ("...of one new result") ran off the figure's edge."""
    args = ("--setting", "effort high", "--all", "-o", str(tmp_path / "f.png"))
    result = run("plot", "frontiermath-tier-4", *args)
    assert result.exit_code == 0, result.stderr
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    (ax,) = drawn
    title = next(
        t for t in ax.get_children() if isinstance(t, Text) and t.get_text() == ax.get_title("left")
    )
    assert title.get_text().endswith("forecast of one new result")
    renderer = FigureCanvasAgg(ax.figure).get_renderer()  # the figure is closed: its own is gone
    assert title.get_window_extent(renderer).x1 <= ax.figure.bbox.x1


def test_a_title_of_wide_letters_fits_the_figure(run: Run, tmp_path: Path, drawn: list[Axes]):
    """A title was shrunk by its count of characters alone, as if each were as wide as
    a lower-case letter: a name in capitals of 81 characters ran to the figure's edge
    and off it, cutting off what was fitted ("...and gompertz forecast")."""
    name = "BIG-BENCH EXTRA HARD: MULTISTEP ARITHMETIC AND LOGICAL DEDUCTION SUITE, VERSION 2"
    edited = run("edit", "benchmark", "mmlu", "--set", f"name={name}", "-m", "capitals")
    assert edited.exit_code == 0, edited.stderr
    result = run("plot", "mmlu", "-o", str(tmp_path / "f.png"))
    assert result.exit_code == 0, result.stderr
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    (ax,) = drawn
    title = next(
        t for t in ax.get_children() if isinstance(t, Text) and t.get_text() == ax.get_title("left")
    )
    assert title.get_text().startswith(name) and title.get_text().endswith("forecast")
    renderer = FigureCanvasAgg(ax.figure).get_renderer()  # the figure is closed: its own is gone
    # Short of the edge by a margin: a title ending a pixel from it reads as cut off.
    assert title.get_window_extent(renderer).x1 <= 0.99 * ax.figure.bbox.x1


@pytest.mark.filterwarnings("ignore:Glyph")  # the test's own measuring, on Agg
def test_a_legend_of_wide_letters_fits_the_figure(
    run_empty: Run, tmp_path: Path, drawn: list[Axes]
):
    """Legend entries were cut by their count of characters alone: a lab named in 21
    Chinese characters, each as wide as two letters, was not cut and ran off the
    figure's edge."""
    lab = "中国科学院自动化研究所紫东太初大模型研究中心"
    assert run_empty("add-benchmark", "x", "--unit", "percent").exit_code == 0
    for i, day in enumerate(monthly(date(2020, 1, 1), 5)):
        made = run_empty("add-model", f"m{i}", "--organization", lab, "--release-date", str(day))
        added = run_empty(
            "add-result", f"m{i}", "x", str(20 + 15 * i), "--source-url", "https://e.org"
        )
        assert made.exit_code == added.exit_code == 0, added.stderr
    result = run_empty("plot", "x", "-o", str(tmp_path / "x.svg"))
    assert result.exit_code == 0, result.stderr
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    (ax,) = drawn
    legend = ax.get_legend()
    entry = legend.get_texts()[0].get_text()
    assert entry.endswith("…") and lab.startswith(entry[:-1]) and len(entry) > 5
    renderer = FigureCanvasAgg(ax.figure).get_renderer()  # the figure is closed: its own is gone
    assert legend.get_window_extent(renderer).x1 <= ax.figure.bbox.x1


def test_a_title_of_a_very_long_name_stays_legible(
    run_empty: Run, tmp_path: Path, drawn: list[Axes]
):
    """Set smaller by its length alone, the title of a benchmark named in 400 letters
    was drawn in 3-point type, a hairline; the name is now cut, the title legible."""
    days = monthly(date(2021, 1, 1), 6, step_days=150)
    write_benchmark(run_empty, tmp_path, "long", days, [20.0, 40.0, 60.0, 75.0, 85.0, 90.0])
    edited = run_empty("edit", "benchmark", "long", "--set", f"name={'L' * 400}", "-m", "long")
    assert edited.exit_code == 0, edited.stderr
    result = run_empty("plot", "long", "-o", str(tmp_path / "f.png"))
    assert result.exit_code == 0, result.stderr
    from matplotlib.text import Text

    (ax,) = drawn
    shown = ax.get_title("left")
    title = next(t for t in ax.get_children() if isinstance(t, Text) and t.get_text() == shown)
    assert re.fullmatch(r"L{50,}… \(percent\): frontier and \w+ forecast", shown), shown
    assert title.get_fontsize() >= 6


def test_the_score_axis_names_a_benchmark_whose_name_fits_along_it(
    run_empty: Run, tmp_path: Path, drawn: list[Axes]
):
    """A name over a legend entry's 25 characters was dropped from the score axis, which
    has room for twice as many, and a unit score then read "score (score)"."""
    days = monthly(date(2021, 1, 1), 6, step_days=150)
    scores = [3.8, 3.6, 3.5, 3.4, 3.3, 3.2]
    write_benchmark(
        run_empty, tmp_path, "vl", days, scores,
        unit="score", floor=None, ceiling=None, higher_is_better=False,
    )  # fmt: skip
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    long = "Validation loss on the held-out set"
    for name, shown in ((long, f"{long} (score)"), ("V" * 80, "score")):
        edited = run_empty("edit", "benchmark", "vl", "--set", f"name={name}", "-m", "named")
        assert edited.exit_code == 0, edited.stderr
        result = run_empty("plot", "vl", "-o", str(tmp_path / "v.png"))
        assert result.exit_code == 0, result.stderr
        ax = drawn[-1]
        assert ax.get_ylabel() == shown
        renderer = FigureCanvasAgg(ax.figure).get_renderer()  # the figure is closed
        height = ax.yaxis.label.get_window_extent(renderer).height
        assert height <= ax.get_window_extent(renderer).height


def test_a_title_long_by_its_setting_keeps_a_short_name_whole(
    run_empty: Run, tmp_path: Path, drawn: list[Axes]
):
    """A title made long by a --setting of 150 characters, not by the name, had the
    name cut to its first letter: "S… (percent), settings containing ..."."""
    days = monthly(date(2021, 1, 1), 4, step_days=150)
    write_benchmark(run_empty, tmp_path, "short", days, [20.0, 40.0, 60.0, 75.0])
    setting = "x" * 150
    for i, day in enumerate(days):
        added = run_empty(
            "add-result", f"short-m{i:03d}", "short", str(25 + 15 * i),
            "--setting", setting, "--date", day.isoformat(), "-m", "t",
        )  # fmt: skip
        assert added.exit_code == 0, added.stderr
    result = run_empty("plot", "short", "--setting", setting, "-o", str(tmp_path / "f.png"))
    assert result.exit_code == 0, result.stderr
    (ax,) = drawn
    assert ax.get_title("left").startswith('SHORT (percent), settings containing "xxx')


def test_text_from_the_database_is_drawn_literally(run_empty: Run, tmp_path: Path):
    """A `$` would start matplotlib's mathtext and `<` must not break the SVG."""
    assert (
        run_empty("add-benchmark", "odd", "--name", "Odd $bench <x>", "--unit", "percent").exit_code
        == 0
    )
    for i, day in enumerate(monthly(date(2020, 1, 1), 5)):
        org = "$Dollar <Labs>" if i % 2 else "A & B"
        assert (
            run_empty(
                "add-model", f"m{i}", "--organization", org, "--release-date", day.isoformat()
            ).exit_code
            == 0
        )
        added = run_empty(
            "add-result",
            f"m{i}",
            "odd",
            str(20 + 15 * i),
            "--source-url",
            f"https://example.org/{i}",
        )
        assert added.exit_code == 0, added.stderr
    target = tmp_path / "odd.svg"
    result = run_empty("plot", "odd", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    svg = target.read_text()
    assert "$Dollar &lt;Labs&gt;" in svg and "A &amp; B" in svg and "Odd $bench &lt;x&gt;" in svg
    assert "<Labs>" not in svg


def test_long_organizations_that_share_their_start_are_told_apart_in_the_legend(
    run_empty: Run, tmp_path: Path, drawn: list[Axes]
):
    """Cut to the legend's margin, each read "National Institute of Ad…", so the
    reader could not tell which colour was whose."""
    assert run_empty("add-benchmark", "x", "--unit", "percent").exit_code == 0
    for i, day in enumerate(monthly(date(2020, 1, 1), 6)):
        org = f"National Institute of Advanced Research Lab {i % 3 + 1}"
        made = run_empty("add-model", f"m{i}", "--organization", org, "--release-date", str(day))
        added = run_empty(
            "add-result", f"m{i}", "x", str(20 + 10 * i), "--source-url", "https://e.org"
        )
        assert made.exit_code == added.exit_code == 0, added.stderr
    result = run_empty("plot", "x", "-o", str(tmp_path / "x.svg"))
    assert result.exit_code == 0, result.stderr
    results = [c for c in drawn[0].collections if "-results-" in (c.get_gid() or "")]
    labels = sorted(c.get_label() for c in results)
    assert labels == [f"National Institute of A…{n}" for n in (1, 2, 3)]


def test_legend_entries_alike_at_both_ends_are_numbered():
    names = [f"{'A' * 30}{middle}{'B' * 30}" for middle in "xyz"] + ["OpenAI"]
    shown = plot._short_labels(names)
    assert shown == [f"{'A' * 20}… ({n})" for n in (1, 2, 3)] + ["OpenAI"]
    assert {len(text) for text in shown[:3]} == {plot.LABEL_CHARS}


def test_organization_colours_group_the_rest_and_unknown():
    orgs = [f"org{i}" for i in range(12) for _ in range(12 - i)] + [None] * 3
    points = pl.DataFrame({"organization": orgs}, schema={"organization": pl.String})
    groups = organization_colours(points)
    labels = [g[0] for g in groups]
    assert labels[:7] == [f"org{i}" for i in range(7)]  # the most results first
    assert labels[7:] == ["5 other organizations", "organization unknown"]
    assert groups[-1][1] == UNKNOWN_COLOUR and groups[-1][2].height == 3
    assert sum(g[2].height for g in groups) == points.height
    few = organization_colours(points.filter(pl.col("organization").is_in(["org0", "org1"])))
    assert [g[0] for g in few] == ["org0", "org1"]


def test_a_joint_organization_is_coloured_as_its_member_with_most_results():
    # The seeds write a collaboration as "Google DeepMind,Google": it is no legend entry
    # of its own but joins whichever member has more results (joint ones counted too).
    orgs = ["A"] * 3 + ["B"] + ["B,A", "C,B", "Acme, Inc."]
    points = pl.DataFrame({"organization": orgs})
    groups = organization_colours(points)
    assert [(g[0], g[2].height) for g in groups] == [("A", 4), ("B", 2), ("Acme, Inc.", 1)]


def test_an_organization_has_one_colour_on_every_figure(
    run: Run, tmp_path: Path, drawn: list[Axes]
):
    """Coloured by its rank on each benchmark, OpenAI was purple on MMLU's figure and
    orange on GPQA Diamond's. Each organisation keeps one colour on every figure the
    database draws, the report's too, and those drawn together still differ."""
    from matplotlib.colors import to_hex

    for bench in ("mmlu", "gpqa-diamond", "bbh"):
        assert run("plot", bench, "-o", str(tmp_path / f"{bench}.png")).exit_code == 0
    report = run("report", "-o", str(tmp_path / "r.html"), "--benchmark", "lambada")
    assert report.exit_code == 0, report.stderr
    seen: dict[str, set[str]] = {}
    for ax in drawn:
        results = [c for c in ax.collections if "-results-" in (c.get_gid() or "")]
        if not results:
            continue  # the report's price figure
        colours = {c.get_label(): to_hex(c.get_facecolor()[0]) for c in results}
        assert len(set(colours.values())) == len(colours), colours
        for label, colour in colours.items():
            seen.setdefault(label, set()).add(colour)
    assert len(drawn) == 5  # and the report's price figure
    assert seen["OpenAI"] == {PALETTE[0]}
    shared = {label: c for label, c in seen.items() if "other" not in label and len(c) > 1}
    assert not shared, shared


def test_a_model_naming_its_organization_by_its_slug_is_drawn_as_that_organization(
    run: Run, tmp_path: Path, drawn: list[Axes]
):
    """`add-model --organization openai` names OpenAI (no organization is created), but
    the figure drew it as an organization of its own, `openai`, beside OpenAI, in
    another colour."""
    from matplotlib.colors import to_hex

    for slug, org in (("org-a", "openai"), ("org-b", "OPENAI")):
        made = run("add-model", slug, "--organization", org, "--release-date", "2024-01-01")
        assert made.exit_code == 0, made.stderr
        assert "added organization" not in made.stderr
        added = run("add-result", slug, "math", "60", "--source-url", f"https://e.org/{slug}")
        assert added.exit_code == 0, added.stderr
    assert run("plot", "math", "-o", str(tmp_path / "math.png")).exit_code == 0
    results = [c for c in drawn[0].collections if "-results-" in (c.get_gid() or "")]
    colours = {c.get_label(): to_hex(c.get_facecolor()[0]) for c in results}
    assert "openai" not in colours and "OPENAI" not in colours, colours
    assert colours["OpenAI"] == PALETTE[0]


def test_a_model_writing_an_organizations_name_is_drawn_as_it_not_by_the_slug(
    run: Run, tmp_path: Path, drawn: list[Axes]
):
    """A model writing Five-Lab, the name six-lab was renamed to beside five-lab (Five
    Lab), names six-lab, as retract reads it: the figure drew it as Five Lab, whose
    slug the name makes."""
    for model, organization in (("m5", "Five Lab"), ("m6", "Six Lab")):
        made = run(
            "add-model", model, "--organization", organization, "--release-date", "2024-01-01"
        )
        assert made.exit_code == 0, made.stderr
    assert (
        run("edit", "organization", "six-lab", "--set", "name=Five-Lab", "-m", "b").exit_code == 0
    )
    made = run("add-model", "m7", "--organization", "Five-Lab", "--release-date", "2024-01-01")
    assert made.exit_code == 0, made.stderr
    added = run("add-result", "m7", "math", "60", "--source-url", "https://e.org/m7")
    assert added.exit_code == 0, added.stderr
    assert run("plot", "math", "-o", str(tmp_path / "math.png")).exit_code == 0
    labels = {c.get_label() for c in drawn[0].collections if "-results-" in (c.get_gid() or "")}
    assert "Five-Lab" in labels and "Five Lab" not in labels, labels


@both_stores
def test_a_figure_is_coloured_from_the_state_it_draws(
    run_empty: Run, tmp_path: Path, drawn: list[Axes], monkeypatch: pytest.MonkeyPatch
):
    """The palette was read in an open of its own after the forecast's: a second
    attach of a team store, and a write landing between the two coloured the points
    drawn by a later state than theirs. It is read in the forecast's one open now."""
    from matplotlib.colors import to_hex

    from trendlab.db import Store
    from trendlab.forecast import prepare

    assert run_empty("add-benchmark", "x", "--unit", "percent").exit_code == 0
    assert run_empty("add-benchmark", "y", "--unit", "percent").exit_code == 0
    for i, day in enumerate(monthly(date(2020, 1, 1), 5)):
        org = "B" if i % 2 else "A"
        made = run_empty("add-model", f"m{i}", "--organization", org, "--release-date", str(day))
        added = run_empty(
            "add-result", f"m{i}", "x", str(20 + 15 * i), "--source-url", "https://e.org"
        )
        assert made.exit_code == added.exit_code == 0, added.stderr
    later = prepare.prepare_forecasts

    def written_meanwhile(*args: Any, **kwargs: Any) -> Any:
        # Two more results of B's put it ahead of A: B would take A's colour.
        for i in (1, 3):
            added = run_empty("add-result", f"m{i}", "y", "50", "--source-url", "https://e.org")
            assert added.exit_code == 0, added.stderr
        return later(*args, **kwargs)

    monkeypatch.setattr(prepare, "prepare_forecasts", written_meanwhile)
    opened = Store.open
    reads: list[bool] = []

    def counted_open(*args: Any, **kwargs: Any) -> Store:
        reads.append(kwargs.get("read_only", True))
        return opened(*args, **kwargs)

    monkeypatch.setattr(Store, "open", counted_open)
    result = run_empty("plot", "x", "-o", str(tmp_path / "x.png"))
    assert result.exit_code == 0, result.stderr
    results = [c for c in drawn[0].collections if "-results-" in (c.get_gid() or "")]
    colours = {c.get_label(): to_hex(c.get_facecolor()[0]) for c in results}
    assert colours == {"A": PALETTE[0], "B": PALETTE[1]}
    assert reads.count(True) == 1  # the plot's own read; the writes above are not


def test_organization_colours_keep_the_palette_and_stay_apart():
    """An organisation takes its palette colour unless one with more results on the
    figure has it (the palette gives two organisations never drawn together one
    colour); it then takes a colour no other on the figure has."""
    orgs = ["A"] * 3 + ["B"] * 2 + ["C"]
    points = pl.DataFrame({"organization": orgs})
    palette = {"A": PALETTE[2], "B": PALETTE[2], "C": PALETTE[5]}
    groups = organization_colours(points, palette)
    assert [(g[0], g[1]) for g in groups] == [
        ("A", PALETTE[2]),
        ("B", PALETTE[0]),
        ("C", PALETTE[5]),
    ]


def test_organization_palette_colours_neighbours_apart():
    """Organisations drawn together differ; one never drawn with another may share its
    colour; the organisation with most results overall takes the first colour."""
    results = pl.DataFrame(
        {
            "benchmark": ["x"] * 6 + ["y"] * 4,
            "organization": ["A", "A", "A", "B", "B", None, "A", "C", "C", "D"],
        }
    )
    palette = plot.organization_palette(results)
    assert palette == {"A": PALETTE[0], "B": PALETTE[1], "C": PALETTE[1], "D": PALETTE[2]}


def test_organization_palette_reads_the_database_counts():
    """The palette took a row per result and counted them in Python, a second of every
    plot and report on a store of a million results; the database now counts them, a
    row per benchmark and organisation with its number of results (n)."""
    counts = pl.DataFrame(
        {
            "benchmark": ["x", "x", "x", "y"],
            "organization": ["A", "B", "C,B", "A"],
            "n": [2, 3, 1, 1],
        }
    )
    # On x, B has 3 results and a joint one (as its lead member), A 2; A has 1 on y.
    assert plot.organization_palette(counts) == {"B": PALETTE[0], "A": PALETTE[1]}


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["mmlu", "-o", "out.gif"], "-o out.gif: the file name must end in .png or .svg", 2),
        # A script's -o "$name.png" with $name empty: it was told its name must end in .png.
        (
            ["mmlu", "-o", ".png"],
            "-o .png: the file name has nothing before .png (give FILE.png)",
            2,
        ),
        (["mmlu", "-o", "d/.SVG"], "-o d/.SVG: the file name has nothing before .SVG", 2),
        (["mmlu", "-o", "/no/such/dir/x.png"], "-o /no/such/dir/x.png: no such directory", 2),
        # The figure was drawn, then writing it failed: 'cannot write x.png/', exit 1.
        (["mmlu", "-o", "x.png/"], "-o x.png/: a folder's name, not a file's", 2),
        (["mmlu", "-o", "x.png/."], "-o x.png/.: a folder's name, not a file's", 2),
        # Looking a name too long up was an internal error, exit 70.
        (["mmlu", "-o", "a" * 300 + ".png"], f"-o {'a' * 300}.png: File name too long", 2),
        (["mmluu", "-o", "x.png"], "did you mean 'mmlu'", 1),
        (
            ["math-500", "-o", "x.png"],
            "math-500 has 1 frontier point; a trend needs at least 3",
            1,
        ),
        (["mmlu", "--until", "2020", "-o", "x.png"], "is not after the last data point", 1),
        # Written as a date, it was said not to be one (YYYY-MM-DD): it is no day.
        (
            ["mmlu", "-o", "x.png", "--until", "2030-02-30"],
            "trendlab: error: --until: '2030-02-30' is not a valid date (see ",
            2,
        ),
    ],
)
def test_plot_errors(run: Run, tmp_path: Path, args: list[str], message: str, code: int):
    result = run("plot", *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert result.stderr.startswith("trendlab: error:") and "internal error" not in result.stderr
    assert not list(tmp_path.glob("*.png"))


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_forecast_writes_no_figure_when_its_output_fails(db: Path, tmp_path: Path):
    """`forecast --plot` wrote its figure before its output: a stdout on a full disk
    failed the command (exit 1) and left the figure of a forecast never shown."""
    target = tmp_path / "f.png"
    command = [sys.executable, "-m", "trendlab", "--db", str(db), "forecast", "mmlu"]
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(
            [*command, "--plot", str(target)], stdout=full, stderr=subprocess.PIPE, text=True
        )
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[-1] == (
        "trendlab: error: cannot write to stdout: No space left on device"
    )
    assert not target.exists()
    # A file written in place (one of two hard links) is written after the output.
    target.write_bytes(b"OLD")
    os.link(target, tmp_path / "link.png")
    with open("/dev/full", "wb") as full:
        proc = subprocess.run([*command, "--plot", str(target)], stdout=full)
    assert (proc.returncode, target.read_bytes()) == (1, b"OLD")
    target.unlink()
    # Written once the output is, the figure is the one it was.
    done = subprocess.run(
        [*command, "--plot", str(target)], capture_output=True, text=True, check=True
    )
    assert done.stderr.splitlines()[-1] == f"wrote {target}"
    subprocess.run([*command[:-2], "plot", "mmlu", "-o", str(tmp_path / "p.png")], check=True)
    assert target.read_bytes() == (tmp_path / "p.png").read_bytes()
    # A reader gone (`| head`) is no failure: the command stops quietly, figure written.
    target.unlink()
    read, write = os.pipe()
    os.close(read)
    gone = subprocess.run([*command, "--plot", str(target)], stdout=write, stderr=subprocess.PIPE)
    os.close(write)
    assert gone.returncode == 0 and target.read_bytes() == (tmp_path / "p.png").read_bytes()


def test_a_figure_that_cannot_be_written_leaves_no_output(db: Path, tmp_path: Path):
    """Written after the output, a figure too big for the files this process may write
    (a full disk likewise) failed the command and left -o's output of it: the two now
    stand or fall together."""
    import resource

    figure, output = tmp_path / "f.png", tmp_path / "out.txt"
    command = [sys.executable, "-m", "trendlab", "--db", str(db), "forecast", "mmlu",
               "--plot", str(figure), "-o", str(output)]  # fmt: skip

    def small_files() -> None:  # the table fits; the figure does not
        resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, 16 * 1024))

    proc = subprocess.run(command, capture_output=True, text=True, preexec_fn=small_files)
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[-1] == f"trendlab: error: cannot write {figure}: File too large"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != db.name) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_price_trend_writes_no_figure_when_its_output_fails(db: Path, tmp_path: Path):
    """As forecast's (above): `price-trend --plot` wrote its figure before its output,
    and a stdout on a full disk left the figure of a trend never shown."""
    target = tmp_path / "p.svg"
    command = [sys.executable, "-m", "trendlab", "--db", str(db), "price-trend", "mmlu",
               "--threshold", "85", "--plot", str(target)]  # fmt: skip
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True)
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[-1] == (
        "trendlab: error: cannot write to stdout: No space left on device"
    )
    assert not target.exists()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    assert done.stderr.splitlines()[-1] == f"wrote {target}"
    assert target.read_text().startswith("<?xml")


@pytest.mark.parametrize(
    "command",
    [
        ["plot", "math", "-o"],
        ["forecast", "math", "--plot"],
        ["price-trend", "mmlu", "--threshold", "85", "--plot"],
    ],
)
@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_a_figure_stopped_while_saved_leaves_the_file_as_it_was(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], suffix: str
):
    """matplotlib wrote a figure's file in place: a Ctrl-C (or an error) while it saved
    left half a figure where the previous one had been."""
    from matplotlib.figure import Figure

    folder = tmp_path / "figures"
    folder.mkdir()
    target = folder / f"fig.{suffix}"
    target.write_bytes(b"the previous figure")
    save = Figure.savefig

    def stopping(fig: Figure, fname: Any, **kwargs: Any) -> None:
        save(fig, fname, **kwargs)
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(Figure, "savefig", stopping)
        stopped = run(*command, str(target))
    assert stopped.exit_code == 130
    assert target.read_bytes() == b"the previous figure"
    assert list(folder.iterdir()) == [target]
    # Saved whole, the figure takes the name, in the format its suffix names.
    result = run(*command, str(target))
    assert result.exit_code == 0, result.stderr
    if suffix == "png":
        assert Image.open(target).format == "PNG"
    else:
        assert target.read_text().startswith("<?xml") and "<svg" in target.read_text()
    assert list(folder.iterdir()) == [target]


def test_plot_needs_an_output(run: Run):
    result = run("plot", "mmlu")
    assert result.exit_code == 2 and "Missing option '-o'" in result.stderr


def _texts(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts]


def _note(ax: Axes) -> str:
    """The note on thresholds not drawn, unwrapped ("" when there is none)."""
    return " ".join(" ".join(t.get_text().split()) for t in ax.figure.texts)


def test_a_human_baseline_is_labelled_as_stored(run_empty: Run, tmp_path: Path, drawn: list[Axes]):
    """A human baseline of 12345.67 minutes, beside a threshold of its own, was labelled
    12345.7, and one off the axes was listed so: :g's six digits, where a threshold's
    label gives every digit it needs."""
    days = monthly(date(2020, 1, 1), 8)
    scores = [10.0 * 2**i for i in range(8)]
    write_benchmark(
        run_empty, tmp_path, "hz", days, scores,
        unit="minutes", floor=1.0, ceiling=20000.0, human_baseline=12345.67,
    )  # fmt: skip
    result = run_empty("plot", "hz", "--threshold", "5000", "-o", str(tmp_path / "h.png"))
    assert result.exit_code == 0, result.stderr
    labels = [t.get_text() for t in drawn[0].texts]
    assert "human baseline 12345.67" in labels, labels
    write_benchmark(
        run_empty, tmp_path, "far", days, scores,
        unit="minutes", floor=1.0, ceiling=20000.0, human_baseline=1234567.5,
    )  # fmt: skip
    result = run_empty("plot", "far", "--threshold", "5000", "-o", str(tmp_path / "f.png"))
    assert result.exit_code == 0, result.stderr
    assert "human baseline 1234567.5" in _note(drawn[1]), _note(drawn[1])


def test_never_crossed_thresholds_say_why(run: Run, tmp_path: Path, drawn: list[Axes]):
    """At the ceiling an S-curve nears it and never reaches it; past it nothing does."""
    result = run(
        "plot", "mmlu", "--threshold", "100", "--threshold", "105", "-o", str(tmp_path / "m.png")
    )
    assert result.exit_code == 0, result.stderr
    texts = _texts(drawn[0])
    assert "100: at the ceiling, never reached" in texts
    assert "105: past the best achievable, never reached" in _note(drawn[0])  # off the axes
    assert not [t for t in texts if "beyond" in t]


def test_never_crossed_on_a_lower_is_better_benchmark(
    run_empty: Run, tmp_path: Path, drawn: list[Axes]
):
    """An error rate's best end is its lowest: below it is past the best achievable."""
    write_error_rate(run_empty, tmp_path)
    target = str(tmp_path / "err.png")
    result = run_empty("plot", "err", "--threshold", "0", "--threshold", "-5", "-o", target)
    assert result.exit_code == 0, result.stderr
    assert "0: at the ceiling, never reached" in _texts(drawn[0])
    assert "-5: past the best achievable, never reached" in _note(drawn[0])  # off the axes


def test_the_title_says_which_results_were_fitted(run: Run, tmp_path: Path, drawn: list[Axes]):
    """A setting's results alone, or one new result around the trend of every result
    (not the frontier): the figure must say so, as its thresholds' crossings differ."""
    target = str(tmp_path / "g.png")
    assert run("plot", "gsm8k", "--setting", "8-shot", "-o", target).exit_code == 0
    assert run("plot", "mmlu", "--all", "-o", target).exit_code == 0
    assert run("plot", "mmlu", "-o", target).exit_code == 0
    # The subtitle is wrapped to the axes' width: read its lines as one.
    setting, every, frontier = (
        [ax.get_title(loc="left"), *(t.replace("\n", " ") for t in _texts(ax))] for ax in drawn
    )
    assert setting[0].startswith('GSM8K (percent), settings containing "8-shot": frontier')
    assert every[0].startswith("MMLU (percent): all results and")
    assert every[0].endswith("forecast of one new result")
    assert any("interval of one new result, the trend plus a result's scatter" in t for t in every)
    assert frontier[0].startswith("MMLU (percent): frontier and")
    assert not any("new result" in t for t in frontier)
    # The subtitle is the forecast's one-sentence summary, as `forecast` titles its table.
    for args, texts in ((["--all"], every), ([], frontier)):
        table = run("forecast", "mmlu", *args).stdout.splitlines()[0]
        assert table.startswith("MMLU (mmlu): ") and table.removeprefix("MMLU (mmlu): ") in texts


def test_a_long_subtitle_is_wrapped_within_the_axes_under_the_title(
    run: Run, tmp_path: Path, drawn: list[Axes]
):
    """A forecast's summary (190 characters for an ensemble with points left out at
    the floor) ran on one line past the axes, under the legend and off the figure."""
    target = str(tmp_path / "fm.png")
    result = run("plot", "frontiermath-tier-4", "--family", "ensemble", "-o", target)
    assert result.exit_code == 0, result.stderr
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    ax = drawn[0]
    renderer = FigureCanvasAgg(ax.figure).get_renderer()  # type: ignore[arg-type]
    lines = next(t for t in ax.texts if t.get_text().startswith("ensemble fitted on"))
    subtitle = lines.get_window_extent(renderer)
    title = ax._left_title.get_window_extent(renderer)  # set_title(loc="left")
    frame = ax.get_window_extent(renderer)
    assert subtitle.x0 >= frame.x0 - 1 and subtitle.x1 <= frame.x1 + 1, (subtitle, frame)
    assert subtitle.y0 >= frame.y1 and title.y0 >= subtitle.y1 - 1, (title, subtitle)


@pytest.mark.parametrize(
    ("args", "label"),
    [
        # A bare 4.5 on a threshold's line read as a score, not a price.
        (["gpqa-diamond", "--by", "price", "--threshold", "92.5"],
         r"92\.5 \(90 % of floor to ceiling\): reached 4\.5 USD per million tokens"),
        (["gsm8k", "--by", "compute", "--threshold", "95"],
         r"95: \S+ FLOP \(\S+ FLOP to \S+ FLOP\)"),
    ],
)  # fmt: skip
def test_a_crossing_off_the_date_axis_carries_its_unit(
    run: Run, tmp_path: Path, drawn: list[Axes], args: list[str], label: str
):
    """A crossing's label by compute or price gives x with its unit, in the words the
    report's overview and every other sentence use (Forecast.crossing_text)."""
    result = run("plot", *args, "-o", str(tmp_path / "x.png"))
    assert result.exit_code == 0, result.stderr
    assert [t for t in _texts(drawn[0]) if re.fullmatch(label, t)], _texts(drawn[0])


def test_by_price_the_axis_says_each_model_is_at_its_earliest_price(
    run: Run, tmp_path: Path, drawn: list[Axes]
):
    """By price a model is placed at its earliest listed price (gpt-4o at 7.5, though it
    costs 4.375 today); the axis said only "price", read as today's."""
    result = run("plot", "gpqa-diamond", "--by", "price", "-o", str(tmp_path / "x.png"))
    assert result.exit_code == 0, result.stderr
    assert drawn[0].get_xlabel() == "earliest listed price (USD per million tokens, 3:1 blend)"


def test_the_default_threshold_says_it_is_90_percent_of_floor_to_ceiling(
    run: Run, tmp_path: Path, drawn: list[Axes]
):
    """GPQA Diamond has no human baseline, so its threshold is 90 % of the way from its
    floor 25 to its ceiling 100: its line was labelled a bare `92.5: reached ...`."""
    result = run("plot", "gpqa-diamond", "-o", str(tmp_path / "x.png"))
    assert result.exit_code == 0, result.stderr
    labels = [" ".join(t.split()) for t in _texts(drawn[0])]
    assert [t for t in labels if t.startswith("92.5 (90 % of floor to ceiling): ")], labels


def test_a_crossing_forecast_before_today_is_labelled_past_the_data(
    run: Run, tmp_path: Path, drawn: list[Axes]
):
    """BIG-Bench Hard's 90 was labelled `90: 2025-04-09 (...)` like any forecast, though
    its data end 2024-12-26, while the report's overview, whose words a label takes,
    marks such a crossing past the data. The label does too."""
    result = run("plot", "bbh", "-o", str(tmp_path / "bbh.png"))
    assert result.exit_code == 0, result.stderr
    labels = [" ".join(t.split()) for t in _texts(drawn[0])]
    # The dates forecast gives (they move with the seeds' calibration), after the data.
    [c] = json.loads(run("forecast", "bbh", "--json").stdout)["crossings"]
    assert c["status"] == "forecast" and c["median_date"] > "2024-12-26"
    crossing = f"90 (90 % of floor to ceiling): {c['median_date']} ({c['lower_date']} to {c['upper_date']})"
    mark = f"{crossing} · past the data, which end 2024-12-26"
    assert [label for label in labels if label.endswith(mark)], labels


def test_a_long_crossing_label_is_wrapped_inside_the_axes(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """By price a crossing gives its unit thrice: with an interval running past --until
    its label (128 characters) ran across the data, out of the axes and into the
    legend. It is wrapped onto lines that stay within the axes."""
    measured: list[tuple[str, Any, Any]] = []
    save = plot._save

    def measure(fig: Any, key: str, target: Any, fmt: str | None) -> None:
        save(fig, key, target, fmt)
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        measured.extend(
            (t.get_text(), t.get_window_extent(renderer), ax.get_window_extent(renderer))
            for t in ax.texts
            if t.get_text().startswith("97.5: ")
        )

    monkeypatch.setattr(plot, "_save", measure)
    args = ["gpqa-diamond", "--by", "price", "--threshold", "97.5", "--until", "12345"]
    result = run("plot", *args, "-o", str(tmp_path / "x.png"))
    assert result.exit_code == 0, result.stderr
    [(text, label, axes)] = measured
    assert text.count("USD per million tokens") == 3 and "to after" in " ".join(text.split())
    assert axes.x0 <= label.x0 and label.x1 <= axes.x1, (text, label, axes)
    assert axes.y0 <= label.y0 and label.y1 <= axes.y1, (text, label, axes)


def _lines(ax: Axes) -> list[float]:
    """The y of every threshold's line drawn."""
    return [
        float(np.asarray(line.get_ydata())[0])
        for line in ax.lines
        if "-threshold-" in (line.get_gid() or "")
    ]


@pytest.mark.parametrize(
    ("args", "off"),
    [
        # 0 has no place on a log axis: drawn, it stretched the axis down to 1e-10.
        (["metr-time-horizon", "--threshold", "0", "--threshold", "60"], ["0: reached"]),
        # Far past a percent's range: one was silently missing, the other warned
        # 'posx and posy should be finite values'.
        (["mmlu", "--threshold", "1000", "--threshold", "1e308", "--threshold", "95"],
         ["1000: past the best", "1e+308: past the best"]),
    ],
)  # fmt: skip
def test_thresholds_the_axes_cannot_show_are_a_note(
    run: Run,
    tmp_path: Path,
    drawn: list[Axes],
    caplog: pytest.LogCaptureFixture,
    args: list[str],
    off: list[str],
):
    target = str(tmp_path / "t.png")
    plain = run("plot", args[0], "-o", target)
    result = run("plot", *args, "-o", target)
    assert plain.exit_code == 0 and result.exit_code == 0, result.stderr
    assert "posx" not in result.stderr + caplog.text
    bare, ax = drawn
    assert ax.get_ylim() == pytest.approx(bare.get_ylim())  # the axes are the data's
    drawable = float(args[-1])
    assert _lines(ax) == [drawable]
    assert [t for t in _texts(ax) if t.startswith(f"{drawable:g}: ")]
    note = _note(ax)
    assert note.startswith("not drawn, off the axes:")
    assert all(text in note for text in off), note
    assert not any(t.startswith(tuple(off)) for t in _texts(ax))


def _label_boxes(ax: Axes) -> list[Any]:
    """Where the reference lines' labels were drawn, in pixels, and the axes' box."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(ax.figure).get_renderer()  # type: ignore[arg-type]
    colours = {plot.THRESHOLD_COLOUR, plot.BASELINE_COLOUR}
    return [t.get_window_extent(renderer) for t in ax.texts if t.get_color() in colours]


def _assert_clear(ax: Axes, count: int) -> None:
    """Each label's white box lies inside the axes, across no reference line (its own
    or another's) and apart from every other label's."""
    boxes = _patches(ax)
    assert len(boxes) == count, boxes
    frame = ax.get_window_extent()
    lines = [
        ax.transData.transform((0, np.asarray(line.get_ydata())[0]))[1]
        for line in ax.lines
        if re.search(r"-(threshold-\d+|baseline)$", line.get_gid() or "")
    ]
    for i, (text, box) in enumerate(boxes):
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1, (text, box, frame)
        assert not [y for y in lines if box.y0 < y < box.y1], (text, box, lines)
        assert not [t for t, b in boxes[i + 1 :] if box.overlaps(b)], (text, boxes)


def test_threshold_labels_stay_inside_and_apart(run: Run, tmp_path: Path, drawn: list[Axes]):
    """92 and 93.5 were written over each other, and 100's label above its line ran
    over the subtitle."""
    thresholds = ["--threshold", "92", "--threshold", "93.5", "--threshold", "100"]
    result = run("plot", "mmlu", *thresholds, "-o", str(tmp_path / "m.png"))
    assert result.exit_code == 0, result.stderr
    _assert_clear(drawn[0], 4)  # and the human baseline's


def test_threshold_labels_apart_from_the_baseline_when_lower_is_better(
    run_empty: Run, tmp_path: Path, drawn: list[Axes]
):
    """An error rate's report thresholds: its human baseline and the 90 % point close by."""
    write_error_rate(run_empty, tmp_path, human_baseline=12.0)
    target = str(tmp_path / "err.png")
    result = run_empty("plot", "err", "--threshold", "12", "--threshold", "10", "-o", target)
    assert result.exit_code == 0, result.stderr
    _assert_clear(drawn[0], 2)  # 12 and the human baseline share one


def test_a_threshold_at_the_baseline_is_labelled_once_by_its_line(
    run: Run, tmp_path: Path, drawn: list[Axes]
):
    """MMLU's default threshold is its human baseline, 89.8: the baseline's label and
    the threshold's were stacked apart, so the threshold's floated 4 points above any
    line. One label says both, just above the line they share."""
    assert run("plot", "mmlu", "-o", str(tmp_path / "m.png")).exit_code == 0
    ax = drawn[0]
    (box,) = _label_boxes(ax)
    (label,) = [t for t in _texts(ax) if "89.8" in t]
    assert label.startswith("human baseline 89.8: reached "), label
    line = ax.transData.transform((0, 89.8))[1]
    assert 0 <= box.y0 - line < 10, (box, line)


def test_a_threshold_label_is_by_its_line_when_the_line_widens_the_axes(
    run: Run, tmp_path: Path, drawn: list[Axes]
):
    """1e5 minutes lies above METR's data: the label was placed before the axis grew."""
    result = run("plot", "metr-time-horizon", "--threshold", "1e5", "-o", str(tmp_path / "m.png"))
    assert result.exit_code == 0, result.stderr
    ax = drawn[0]
    (box,) = _label_boxes(ax)
    line = ax.transData.transform((0, 1e5))[1]
    assert abs(box.y1 - line) < 20 or abs(box.y0 - line) < 20, (box, line)


def test_threshold_labels_are_drawn_under_the_results(run: Run, tmp_path: Path, drawn: list[Axes]):
    """A label's half-white box was drawn over the results and the frontier (text's
    default order), fading or hiding the points it lay on; it goes under them, and
    still over the reference lines it may lie across."""
    thresholds = ["--threshold", "60", "--threshold", "88", "--threshold", "92"]
    assert run("plot", "mmlu", *thresholds, "-o", str(tmp_path / "m.png")).exit_code == 0
    ax = drawn[0]
    colours = {plot.THRESHOLD_COLOUR, plot.BASELINE_COLOUR}
    labels = [t for t in ax.texts if t.get_color() in colours]
    assert len(labels) == 4  # and the human baseline's
    assert all(t.get_bbox_patch() is not None for t in labels)  # still legible over lines
    results = [c for c in ax.collections if "-results-" in (c.get_gid() or "")]
    data = results + [line for line in ax.lines if line.get_gid() == "mmlu-frontier"]
    reference = [
        line for line in ax.lines if re.search(r"-(threshold-\d+|baseline)$", line.get_gid() or "")
    ]
    assert len(results) >= 5 and len(data) == len(results) + 1 and len(reference) == 4
    top = max(t.get_zorder() for t in labels)
    assert top < min(a.get_zorder() for a in data)
    assert min(t.get_zorder() for t in labels) > max(line.get_zorder() for line in reference)


def test_labels_near_the_top_keep_their_lines_order(run: Run, tmp_path: Path, drawn: list[Axes]):
    """A label the top turns below its line must not swap places with the one below:
    100's label was drawn between 98's and 99's."""
    thresholds = ["--threshold", "98", "--threshold", "99", "--threshold", "100"]
    assert run("plot", "mmlu", *thresholds, "-o", str(tmp_path / "m.png")).exit_code == 0
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(drawn[0].figure).get_renderer()  # type: ignore[arg-type]
    placed = sorted(
        (t.get_window_extent(renderer).y0, t.get_text().split(":")[0])
        for t in drawn[0].texts
        if t.get_color() == plot.THRESHOLD_COLOUR
    )
    assert [name for _, name in placed] == ["98", "99", "100"]


def test_many_threshold_labels_stay_inside_the_axes(run: Run, tmp_path: Path, drawn: list[Axes]):
    """38 thresholds cannot stack clear of each other: they close up, inside the axes."""
    many = [f"--threshold={t}" for t in range(26, 101, 2)]
    assert run("plot", "mmlu", *many, "-o", str(tmp_path / "m.png")).exit_code == 0
    ax = drawn[0]
    frame = ax.get_window_extent()
    boxes = _label_boxes(ax)
    assert len(boxes) == 39  # and the human baseline's
    assert all(frame.y0 - 1 <= box.y0 and box.y1 <= frame.y1 + 1 for box in boxes)


def test_a_note_of_many_thresholds_off_the_axes_is_cut_short(
    run: Run, tmp_path: Path, drawn: list[Axes]
):
    off = [f"--threshold={t}" for t in (103, 104, 105, 106, 107, 108, 109, 110, -1, -2, -3)]
    assert run("plot", "mmlu", *off, "-o", str(tmp_path / "m.png")).exit_code == 0
    note = _note(drawn[0])
    assert note.count("never reached") == plot.NOTE_ITEMS - 1
    assert note.endswith(f"{11 - plot.NOTE_ITEMS + 1} more")


def test_equal_scores_get_an_axis_with_room_beside_them(
    run_empty: Run, tmp_path: Path, drawn: list[Axes]
):
    """Four results of 10 on an unbounded benchmark: the axis was float noise around 10,
    and the lines at 11 and 12 and a human baseline of 50 were called off the axes.
    (Exactly equal results get no forecast at all: the last is a billionth higher.)"""
    days = monthly(date(2020, 1, 1), 4)
    write_benchmark(
        run_empty, tmp_path, "flat", days, [10.0, 10.0, 10.0, 10.000000001],
        unit="score", floor=None, ceiling=None, human_baseline=50.0,
    )  # fmt: skip
    args = ["--all", "--threshold", "11", "--threshold", "12", "-o", str(tmp_path / "f.png")]
    result = run_empty("plot", "flat", *args)
    assert result.exit_code == 0, result.stderr
    ax = drawn[0]
    low, high = ax.get_ylim()
    assert low <= 5 and high >= 15
    assert sorted(_lines(ax)) == [11.0, 12.0]
    assert "11" not in _note(ax) and "12" not in _note(ax)


def test_price_trend_names_stay_inside_the_axes(run: Run, tmp_path: Path, drawn: list[Axes]):
    # MMLU at 85: deepseek-v3, the latest and cheapest, lies at the right edge and its
    # name, written right of it, ran off the figure.
    result = run("price-trend", "mmlu", "--threshold", "85", "--plot", str(tmp_path / "p.png"))
    assert result.exit_code == 0, result.stderr
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    (ax,) = drawn
    renderer = FigureCanvasAgg(ax.figure).get_renderer()  # the figure is closed by now
    inside = ax.get_window_extent(renderer)
    names = {t.get_text(): t.get_window_extent(renderer) for t in ax.texts}
    assert "deepseek-v3" in names
    assert all(inside.x0 <= box.x0 and box.x1 <= inside.x1 for box in names.values()), names


def test_a_price_name_too_long_for_either_side_is_cut_inside_the_axes(
    run_empty: Run, tmp_path: Path, drawn: list[Axes]
):
    """A slug of 90 characters, too long for the room right of its point, was moved to
    its left and ran off the figure's left edge there: its start, which names the
    model, was cut off. It is now cut at its end, inside the axes."""
    slugs = [f"model-{i}-" + "x" * 80 for i in range(4)]
    assert run_empty("add-benchmark", "b", "--unit", "percent").exit_code == 0
    for i, slug in enumerate(slugs):
        day = f"202{i}-01-01"
        usd = str(10 - 3 * i)
        for step in (
            ("add-model", slug, "--release-date", day),
            ("add-result", slug, "b", "60", "--date", day),
            ("add-price", slug, "P", day, "--input", usd, "--output", usd),
        ):
            added = run_empty(*step, "-m", "t")
            assert added.exit_code == 0, added.stderr
    result = run_empty("price-trend", "b", "--threshold", "50", "--plot", str(tmp_path / "p.png"))
    assert result.exit_code == 0, result.stderr
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Annotation

    (ax,) = drawn
    renderer = FigureCanvasAgg(ax.figure).get_renderer()  # the figure is closed by now
    inside = ax.get_window_extent(renderer)

    names = {
        t.get_text(): t.get_window_extent(renderer) for t in ax.texts if isinstance(t, Annotation)
    }
    assert sorted(name[:8] for name in names) == [slug[:8] for slug in slugs]
    assert all(inside.x0 <= box.x0 and box.x1 <= inside.x1 for box in names.values()), names


def test_price_names_with_no_room_left_in_the_axes_are_left_out(
    run_empty: Run, tmp_path: Path, drawn: list[Axes]
):
    """150 models each cheapest for a day: their names, stacked apart, ran down past the
    axes over the dates and off the figure. Those with no room in the axes are left
    out; the table lists every one."""
    first = date(2023, 1, 1)
    days = [first.fromordinal(first.toordinal() + i).isoformat() for i in range(150)]
    files = {
        "models": ["slug,release_date", *(f"m{i},{day}" for i, day in enumerate(days))],
        "results": [
            "model,benchmark,score,reported_date,source_url",
            *(f"m{i},b,60,{day},https://e.org" for i, day in enumerate(days)),
        ],
        "prices": [
            "model,provider,effective_date,input_usd_per_mtok,output_usd_per_mtok",
            *(f"m{i},P,{day},{10 * 0.99**i!r},{10 * 0.99**i!r}" for i, day in enumerate(days)),
        ],
    }
    assert run_empty("add-benchmark", "b", "--unit", "percent").exit_code == 0
    for kind, lines in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text("\n".join(lines) + "\n")
        imported = run_empty("import", str(path), "--kind", kind, "-m", "t")
        assert imported.exit_code == 0, imported.stderr
    result = run_empty("price-trend", "b", "--threshold", "50", "--plot", str(tmp_path / "p.png"))
    assert result.exit_code == 0, result.stderr
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Annotation

    (ax,) = drawn
    renderer = FigureCanvasAgg(ax.figure).get_renderer()  # the figure is closed by now
    inside = ax.get_window_extent(renderer)
    boxes = [t.get_window_extent(renderer) for t in ax.texts if isinstance(t, Annotation)]
    assert 20 < len(boxes) < 150
    assert all(inside.y0 <= box.y0 and box.y1 <= inside.y1 for box in boxes)
    # Where names are left out, not the current cheapest's, the figure's headline.
    assert "m149" in {t.get_text() for t in ax.texts if isinstance(t, Annotation)}


def test_a_name_cut_to_fit_never_ends_in_half_an_escaped_dollar():
    """A model name holding `$` is drawn escaped (`\\$`, so as not to start mathtext):
    cut a character at a time to fit, it could end in a lone backslash, drawn."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set_xlim(0, 1)
    name = ax.annotate(
        plot._text("m" + "$" * 120), (0.5, 0.5), xytext=(3, 3), textcoords="offset points"
    )
    plot._keep_inside(ax, [name])
    cut = name.get_text()
    assert cut.endswith("…") and len(cut) < 120
    assert not cut.removesuffix("…").endswith("\\"), cut
    plt.close(fig)


def _falling_prices(
    run_empty: Run,
    tmp_path: Path,
    name: list[str],
    more: list[tuple[str, ...]],
    prices: tuple[str, str, str] = ("10", "1", "0.1"),
) -> None:
    """Benchmark ev (`name` its --name options), models m1-m3 scoring 60 at `prices`
    ($10, $1 and $0.1) in 2023, 2024 and 2025, then the `more` steps; plots price-trend
    ev at 50."""
    steps: list[tuple[str, ...]] = [("add-benchmark", "ev", *name, "--unit", "percent")]
    days = ("2023-01-01", "2024-01-01", "2025-01-01")
    for model, day, usd in zip(("m1", "m2", "m3"), days, prices, strict=True):
        steps += [
            ("add-model", model, "--name", model.upper(), "--release-date", day),
            ("add-result", model, "ev", "60", "--date", day),
            ("add-price", model, "P", day, "--input", usd, "--output", usd),
        ]
    for step in [*steps, *more]:
        added = run_empty(*step, "-m", "t")
        assert added.exit_code == 0, added.stderr
    result = run_empty("price-trend", "ev", "--threshold", "50", "--plot", str(tmp_path / "p.png"))
    assert result.exit_code == 0, result.stderr


def _price_labels(ax: Axes, which: str = "y") -> list[str]:
    """The y (or x) axis's tick labels drawn within the axes, major and minor."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(ax.figure).draw()  # the figure is closed by now
    axis = ax.yaxis if which == "y" else ax.xaxis
    low, high = sorted(axis.get_view_interval())
    ticks = [*axis.get_major_ticks(), *axis.get_minor_ticks()]
    return [
        t.label1.get_text()
        for t in ticks
        if t.label1.get_visible() and t.label1.get_text() and low <= t.get_loc() <= high
    ]


def test_a_price_axis_of_few_decades_is_labelled_between_them(
    run: Run, tmp_path: Path, drawn: list[Axes]
):
    """MMLU at 60, $0.2625 to $37.5, was labelled only at 10^0 and 10^1, which no price
    could be read off: over a few decades the axis is labelled at 1, 2 and 5 times
    each, in plain numbers."""
    result = run("price-trend", "mmlu", "--threshold", "60", "--plot", str(tmp_path / "p.png"))
    assert result.exit_code == 0, result.stderr
    shown = _price_labels(drawn[0])
    assert shown == ["0.2", "0.5", "1", "2", "5", "10", "20", "50"], shown


def test_a_price_axis_within_a_decade_is_labelled_at_whole_steps(
    run_empty: Run, tmp_path: Path, drawn: list[Axes]
):
    """$4 to $2: between 10^0 and 10^1, matplotlib labelled 2, 3 and 4 as 2x10^0 and
    so on; 1, 2 and 5 times alone would label 2 and 5 only. Evenly, as plain numbers."""
    _falling_prices(run_empty, tmp_path, [], [], prices=("4", "3", "2"))
    assert _price_labels(drawn[0]) == ["2", "2.5", "3", "3.5", "4"]


def test_a_price_axis_reaching_near_the_largest_float_shows_every_price(
    run_empty: Run, tmp_path: Path, drawn: list[Axes], monkeypatch: pytest.MonkeyPatch
):
    """$1e300, then $1 and $0.5: the axis's margin ran past the largest float, where
    matplotlib fell back to a view of 1 to 10 that showed no price, and the names of the
    prices out of view, which have no place drawn, were stacked past each other without
    end; in view, its ticks reached past the floats, whose labels failed the figure."""
    views: list[tuple[float, float]] = []
    keep_apart = plot._keep_apart

    def laid_out(ax: Axes, names: list[Any]) -> None:
        views.append(ax.get_ylim())
        if views[-1][0] <= 0.5 and views[-1][1] >= 1e300:  # else it never returns
            keep_apart(ax, names)

    monkeypatch.setattr(plot, "_keep_apart", laid_out)
    _falling_prices(run_empty, tmp_path, [], [], prices=("1e300", "1", "0.5"))
    ((low, high),) = views
    assert low <= 0.5 and high >= 1e300
    assert _price_labels(drawn[0])


def test_a_price_x_axis_reaching_near_the_largest_float_shows_every_price(
    run: Run, tmp_path: Path, drawn: list[Axes]
):
    """LLaMA-7B priced at $1e300: the forecast's margin past 10 times it ran past the
    largest float, where matplotlib fell back to an axis of $1 to $10 that left out
    the cheapest prices, the dearest and the forecast."""
    added = run("add-price", "llama-7b", "X", "2024-01-01", "--input", "1e300", "--output", "1e300")
    assert added.exit_code == 0, added.stderr
    result = run("plot", "mmlu", "--by", "price", "-o", str(tmp_path / "p.png"))
    assert result.exit_code == 0, result.stderr
    low, high = drawn[0].get_xlim()
    assert low <= 0.2625 and high >= 1e301  # gpt-4o-mini's price; the forecast's end
    assert _price_labels(drawn[0], "x")


def test_a_forecast_by_compute_near_the_largest_float_is_drawn(run_empty: Run, tmp_path: Path):
    """Its default end, 100 times 1e307 FLOP, and the check that an --until of 1.7e308
    is within 10 orders of the data (1e317) are past every float: plot and forecast
    failed with an internal error (OverflowError) instead of drawing to the float's end."""
    days = monthly(date(2020, 1, 1), 5)
    computes: list[float | None] = [1e300, 1e302, 1e304, 1e306, 1e307]
    write_benchmark(
        run_empty, tmp_path, "big", days, [20.0, 35.0, 50.0, 60.0, 70.0], compute=computes
    )
    result = run_empty("plot", "big", "--by", "compute", "-o", str(tmp_path / "big.png"))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "big.png").exists()
    result = run_empty("forecast", "big", "--by", "compute", "--until", "1.7e308", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["forecast"][-1]["x"] == 1.7e308


@pytest.mark.parametrize(
    ("scores", "bounds", "labels"),
    [  # scores in millions below 0 (a linear axis); scores within 0.01 of 50
        ([-1e6, -1e5, -1e4, -1e3, -100.0, -10.0], (None, None), ["-1e6", "-2e5", "0"]),
        ([49.991, 49.992, 49.993, 49.994, 49.995], (49.99, 50.0), ["49.992", "49.998"]),
    ],
)
def test_a_linear_axis_labels_its_ticks_in_full(
    run_empty: Run, tmp_path: Path, drawn: list[Axes], scores, bounds, labels
):
    """matplotlib wrote such ticks as 0 to -1 under a "1e6" above the axes, or 0.002 to
    0.008 under "+4.999e1", the subtitle lying over it: the axis read wrong."""
    days = monthly(date(2020, 3, 1), len(scores), step_days=365)
    floor, ceiling = bounds
    unit = "score" if floor is None else "percent"
    write_benchmark(
        run_empty, tmp_path, "lin", days, scores, unit=unit, floor=floor, ceiling=ceiling
    )
    result = run_empty("plot", "lin", "-o", str(tmp_path / "l.png"))
    assert result.exit_code == 0, result.stderr
    (ax,) = drawn
    shown = _price_labels(ax)
    assert ax.yaxis.get_offset_text().get_text() == ""
    assert set(labels) <= set(shown), shown


@pytest.mark.parametrize(
    "until", ["2024-06-05", "2024-06-10", "2024-07-01", "2024-07-31", "2024-09-30"]
)
def test_date_labels_of_a_short_span_lie_apart(
    run_empty: Run, tmp_path: Path, drawn: list[Axes], until: str
):
    """A forecast to an --until days to months past its data was ticked every day (or
    every 4, 7 or 14) with each date written in full: the labels ran together,
    2024-06-012024-06-02. A day past its data, every 12 hours, without the year (06-01
    12): a result has a date and no time."""
    days = monthly(date(2024, 6, 1), 4, step_days=1)
    write_benchmark(run_empty, tmp_path, "days", days, [10.0, 20.0, 30.0, 40.0], unit="score")
    result = run_empty("plot", "days", "--until", until, "-o", str(tmp_path / "d.png"))
    assert result.exit_code == 0, result.stderr
    (ax,) = drawn
    shown = _price_labels(ax, "x")
    assert len(shown) >= 3 and all(re.fullmatch(r"\d{4}(-\d\d){0,2}", t) for t in shown), shown
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    low, high = sorted(ax.xaxis.get_view_interval())
    boxes = [
        t.label1.get_window_extent(renderer)
        for t in ax.xaxis.get_major_ticks()
        if t.label1.get_visible() and t.label1.get_text() and low <= t.get_loc() <= high
    ]
    assert all(a.x1 < b.x0 for a, b in itertools.pairwise(boxes)), [b.x0 for b in boxes]


def test_a_log_axis_reads_as_numbers_for_people_do_below_a_million():
    """`:g` wrote 10000 and 1e+22: digits are thousands separated, as every number for
    people is, and training compute keeps its powers of ten."""
    import matplotlib.pyplot as plt

    from trendlab.plot import _readable_log

    shown = []
    for low, high in ((300.0, 300_000.0), (1e23, 3e24)):
        fig, ax = plt.subplots()
        ax.set_xscale("log")
        ax.set_xlim(low, high)
        _readable_log(ax.xaxis)
        fig.canvas.draw()
        shown.append([t.get_text() for t in ax.get_xticklabels() if t.get_text()])
        plt.close(fig)
    assert shown[0][:5] == ["100", "200", "500", "1,000", "2,000"], shown[0]
    assert "$\\mathdefault{10^{23}}$" in shown[1] and not any("e+" in t for t in shown[1])


def test_a_log_axis_within_a_decade_is_labelled_at_every_whole_step():
    """$5.5 to $9.5 was labelled at 6 and 8 alone (steps of 1, 1.5, 2, 3, 4, 5, 6, 8):
    every whole step is labelled, as the README says."""
    import matplotlib.pyplot as plt

    from trendlab.plot import _readable_log

    fig, ax = plt.subplots()
    ax.set_yscale("log")
    ax.set_ylim(5.5, 9.5)
    _readable_log(ax.yaxis)
    assert _price_labels(ax) == ["6", "7", "8", "9"]
    plt.close(fig)


def test_a_log_axis_within_a_decade_across_a_power_of_ten_is_labelled_evenly():
    """$0.72 to $1.98 was labelled at 0.8, 0.9 and 1 alone: whole steps of 0.1 below 1
    but of 1 above it, which left the upper half of the axis unlabelled."""
    import matplotlib.pyplot as plt

    from trendlab.plot import _readable_log

    fig, ax = plt.subplots()
    ax.set_yscale("log")
    ax.set_ylim(0.72, 1.98)
    _readable_log(ax.yaxis)
    assert _price_labels(ax) == ["0.75", "1", "1.25", "1.5", "1.75"]
    assert list(ax.yaxis.get_minorticklocs()) == []
    plt.close(fig)


def test_a_log_axis_of_about_a_decade_is_labelled_at_its_low_end():
    """8.8 to 86 minutes (an exponential's scores) was labelled evenly from 20 up, which
    left the lowest third of the axis, and the scores there, without a label."""
    import matplotlib.pyplot as plt

    from trendlab.plot import _readable_log

    fig, ax = plt.subplots()
    ax.set_yscale("log")
    ax.set_ylim(8.8, 86.0)
    _readable_log(ax.yaxis)
    assert _price_labels(ax) == ["10", "20", "30", "40", "60"]
    plt.close(fig)


def test_a_forecast_by_price_over_few_decades_is_labelled_between_them(
    run_empty: Run, tmp_path: Path, drawn: list[Axes]
):
    """A forecast's log axis, by price as the price trend's: $1 to $8, and to $80 by
    default, was labelled at 10^0 and 10^1 alone."""
    added = run_empty("add-benchmark", "fp", "--unit", "percent", "-m", "t")
    assert added.exit_code == 0, added.stderr
    for i, usd in enumerate(("1", "2", "4", "8")):
        for step in (
            ("add-model", f"f{i}", "--release-date", "2024-01-01"),
            ("add-result", f"f{i}", "fp", str(40 + 10 * i), "--date", "2024-02-01"),
            ("add-price", f"f{i}", "P", "2024-01-01", "--input", usd, "--output", usd),
        ):
            added = run_empty(*step, "-m", "t")
            assert added.exit_code == 0, added.stderr
    plotted = run_empty("plot", "fp", "--by", "price", "-o", str(tmp_path / "fp.png"))
    assert plotted.exit_code == 0, plotted.stderr
    assert _price_labels(drawn[0], "x") == ["1", "2", "5", "10", "20", "50"]


def test_the_price_legend_hides_no_price(run_empty: Run, tmp_path: Path, drawn: list[Axes]):
    # The legend sat in the upper right whatever lay there: a dear model priced late,
    # the upper right of a falling trend, was drawn under it.
    _falling_prices(run_empty, tmp_path, ["--name", "Ev"], [
        ("add-price", "m1", "Q", "2025-01-01", "--input", "12", "--output", "12")
    ])  # fmt: skip
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    (ax,) = drawn
    legend = ax.get_legend().get_window_extent(FigureCanvasAgg(ax.figure).get_renderer())
    offers = ax.collections[0].get_offsets()
    assert len(offers) == 4
    assert not any(legend.contains(*ax.transData.transform(xy)) for xy in offers)


def test_a_price_is_drawn_from_when_its_model_reaches_the_threshold(
    run_empty: Run, tmp_path: Path, drawn: list[Axes]
):
    # m4 cost $0.5 from mid-2023, $0.05 a week before it reached 50 in 2025: both
    # were drawn at their own dates, the first below the cheapest line ($10, m1's)
    # though m4 reached nothing then, and the second below m3's $0.1 of 2025.
    _falling_prices(run_empty, tmp_path, [], [
        ("add-model", "m4", "--release-date", "2023-06-01"),
        ("add-result", "m4", "ev", "40", "--date", "2023-06-01"),
        ("add-result", "m4", "ev", "70", "--date", "2025-06-01", "--setting", "5-shot"),
        ("add-price", "m4", "P", "2023-06-01", "--input", "0.5", "--output", "0.5"),
        ("add-price", "m4", "P", "2024-06-01", "--input", "0.2", "--output", "0.2"),
        ("add-price", "m4", "P", "2025-05-25", "--input", "0.05", "--output", "0.05"),
    ])  # fmt: skip
    from matplotlib.dates import num2date

    (ax,) = drawn
    offers = sorted(
        (num2date(x).date().isoformat(), float(y)) for x, y in ax.collections[0].get_offsets()
    )
    assert offers == [
        ("2023-01-01", 10.0),
        ("2024-01-01", 1.0),
        ("2025-01-01", 0.1),
        ("2025-06-01", 0.05),
    ]


def _patches(ax: Axes) -> list[tuple[str, Any]]:
    """Each reference line's label and its white box, in pixels as the PNG has them."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(ax.figure).get_renderer()  # type: ignore[arg-type]
    colours = {plot.THRESHOLD_COLOUR, plot.BASELINE_COLOUR}
    labels = [t for t in ax.texts if t.get_color() in colours]
    for t in labels:
        t.draw(renderer)  # places the box around the text
    return [(t.get_text(), t.get_bbox_patch().get_window_extent(renderer)) for t in labels]


def test_lower_is_better_labels_lie_below_their_lines_apart(
    run_empty: Run, tmp_path: Path, drawn: list[Axes]
):
    """An error rate's report thresholds, its human baseline and its 90 % point: each
    label sat above its line, where the falling results are, the baseline's two lines
    across the 90 % point's line and their boxes overlapping. Each lies on the better
    side of its own line, below it, clear of the other line and of the other label."""
    scores = [30.0, 24.0, 19.0, 15.0, 12.0, 10.0, 8.5, 7.9, 7.2]
    write_benchmark(
        run_empty, tmp_path, "wer", monthly(date(2016, 1, 1), 9, 243), scores,
        floor=100.0, ceiling=0.0, higher_is_better=False, human_baseline=5.8,
    )  # fmt: skip
    target = str(tmp_path / "wer.png")
    result = run_empty("plot", "wer", "--threshold", "5.8", "--threshold", "10", "-o", target)
    assert result.exit_code == 0, result.stderr
    ax = drawn[0]
    boxes = _patches(ax)
    assert len(boxes) == 2, boxes
    assert any("\n" in text for text, _ in boxes), boxes  # the baseline's takes two lines
    (_, a), (_, b) = boxes
    assert not a.overlaps(b), boxes
    lines = {y: ax.transData.transform((0, y))[1] for y in (5.8, 10.0)}
    for text, box in boxes:
        own = 5.8 if text.startswith("human baseline 5.8") else 10.0
        assert 0 <= lines[own] - box.y1 < 5, (text, box, lines)
        (other,) = (line for y, line in lines.items() if y != own)
        assert not box.y0 < other < box.y1, (text, box, lines)


def test_the_points_that_set_the_frontier_show_their_colours(
    run: Run, tmp_path: Path, drawn: list[Axes]
):
    """The frontier runs through the results that set it: drawn over them, its black
    line hid their organisations' colours. Every such point is drawn above it."""
    assert run("plot", "mmlu", "-o", str(tmp_path / "m.png")).exit_code == 0
    ax = drawn[0]
    (frontier,) = [line for line in ax.lines if line.get_gid() == "mmlu-frontier"]
    corners = {tuple(xy) for xy in np.asarray(frontier.get_xydata())[:-1]}  # last: today
    results = [c for c in ax.collections if "-results-" in (c.get_gid() or "")]
    setting = [c for c in results if corners & {tuple(xy) for xy in np.asarray(c.get_offsets())}]
    on_it = {tuple(xy) for c in setting for xy in np.asarray(c.get_offsets())} & corners
    assert on_it == corners and len(setting) >= 2, (corners, on_it)
    assert all(c.get_zorder() > frontier.get_zorder() for c in setting)


@pytest.mark.parametrize(
    ("name", "title"),
    [(["--name", "Eval $1 <x>"], "Cheapest model with Eval $1 <x> >= 50 percent"),
     ([], "Cheapest model with ev >= 50 percent")],
)  # fmt: skip
def test_the_price_title_names_the_benchmark(
    run_empty: Run, tmp_path: Path, drawn: list[Axes], name: list[str], title: str
):
    """The title gave the benchmark's slug (`mmlu >= 80`) where every other figure
    gives its name, as `show` does; a benchmark with no name is named by its slug."""
    _falling_prices(run_empty, tmp_path, name, [])
    assert drawn[0].get_title(loc="left").replace("\\$", "$") == title


def test_price_trend_names_do_not_overprint(run: Run, tmp_path: Path, drawn: list[Axes]):
    """SWE-bench Verified at 50: o3 and Gemini 2.5 Pro were each cheapest a week apart at
    nearly one price, and their names were written over each other, neither legible."""
    target = str(tmp_path / "p.png")
    result = run("price-trend", "swe-bench-verified", "--threshold", "50", "--plot", target)
    assert result.exit_code == 0, result.stderr
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    (ax,) = drawn
    renderer = FigureCanvasAgg(ax.figure).get_renderer()  # type: ignore[arg-type]
    inside = ax.get_window_extent(renderer)
    from matplotlib.text import Annotation

    names = {
        t.get_text(): t.get_window_extent(renderer)
        for t in ax.texts
        if isinstance(t, Annotation)  # not the subtitle
    }
    assert {"o3-2025-04-16", "gemini-2.5-pro"} <= set(names), names
    boxes = list(names.values())
    for i, box in enumerate(boxes):
        assert inside.x0 <= box.x0 and box.x1 <= inside.x1, names
        assert inside.y0 <= box.y0 and box.y1 <= inside.y1, names
        assert not any(box.overlaps(other) for other in boxes[i + 1 :]), names


def test_price_trend_names_are_legible_over_the_lines(run: Run, tmp_path: Path, drawn: list[Axes]):
    """GPQA Diamond at 50: the dashed trend ran through 'claude-3.5-sonnet' and
    'grok-3-mini-beta', drawn under it with nothing to set them off. A name lies over
    the lines on a half-white box, and under the prices, which it must not hide."""
    target = str(tmp_path / "p.png")
    result = run("price-trend", "gpqa-diamond", "--threshold", "50", "--plot", target)
    assert result.exit_code == 0, result.stderr
    from matplotlib.text import Annotation

    (ax,) = drawn
    names = [t for t in ax.texts if isinstance(t, Annotation)]
    assert len(names) >= 5
    assert all(t.get_bbox_patch() is not None for t in names)
    ids = ("gpqa-diamond-price-cheapest", "gpqa-diamond-price-trend")
    lines = [line for line in ax.lines if line.get_gid() in ids]
    assert len(lines) == 2 and len(ax.collections) == 2  # the offers, the cheapest points
    under = min(t.get_zorder() for t in names)
    assert max(line.get_zorder() for line in lines) < under
    assert max(t.get_zorder() for t in names) < min(c.get_zorder() for c in ax.collections)


def test_price_trend_line_is_the_fit_at_every_vertex(run: Run, tmp_path: Path, drawn: list[Axes]):
    """The trend was drawn at 50 even steps of decimal years, each rounded to a day: a
    vertex lay up to half a day off its value, and the straight trend zigzagged. Each
    vertex is a day, at the fit's value on that day."""
    from trendlab.series import decimal_year

    args = ("price-trend", "gpqa-diamond", "--threshold", "50")
    slope = json.loads(run(*args, "--json").stdout)["fit"]["log10_slope_per_year"]
    assert run(*args, "--plot", str(tmp_path / "p.png")).exit_code == 0
    (line,) = [line for line in drawn[0].lines if line.get_gid() == "gpqa-diamond-price-trend"]
    days = [day.astype(date) for day in np.asarray(line.get_xdata(), dtype="datetime64[D]")]
    intercepts = np.log10(line.get_ydata()) - slope * np.array([decimal_year(d) for d in days])
    assert len(days) > 2 and np.ptp(intercepts) < 1e-9, intercepts


def test_a_label_turns_away_from_a_neighbouring_line(run: Run, tmp_path: Path, drawn: list[Axes]):
    """MMLU at 91, a point above its human baseline of 89.8: the baseline's label, above
    its line, lay across the 91 line, and 91's label floated clear of it, away from its
    own line. A label whose side of its line holds another line takes the other side
    where that is clear: each label lies by its own line and across no other."""
    assert run("plot", "mmlu", "--threshold", "91", "-o", str(tmp_path / "m.png")).exit_code == 0
    ax = drawn[0]
    boxes = _patches(ax)
    assert len(boxes) == 2, boxes
    lines = {y: ax.transData.transform((0, y))[1] for y in (89.8, 91.0)}
    for text, box in boxes:
        own = 89.8 if text.startswith("human baseline") else 91.0
        assert min(abs(box.y0 - lines[own]), abs(box.y1 - lines[own])) < 3, (text, box, lines)
        (other,) = (line for y, line in lines.items() if y != own)
        assert not box.y0 < other < box.y1, (text, box, lines)


def test_a_label_the_top_turns_below_its_line_is_not_struck_through(
    run: Run, tmp_path: Path, drawn: list[Axes]
):
    """A frontier at 100, thresholds 100 and 95: the top turned 100's label below its
    line, where 95's label, above its own line, already lay, so 100's was pushed up
    across its own line and read struck through. There is room for both below their
    lines: each takes it."""
    assert run("add-benchmark", "full", "--unit", "percent", "--floor", "25",
               "--ceiling", "100", "-m", "t").exit_code == 0  # fmt: skip
    for i, score in enumerate(("50", "90", "100")):
        added = run("add-result", "gpt-4", "full", score, "--date", f"{2022 + i}-06-01",
                    "--source-url", f"https://example.org/full/{i}", "-m", "t")  # fmt: skip
        assert added.exit_code == 0, added.stderr
    thresholds = ["--threshold", "100", "--threshold", "95"]
    assert run("plot", "full", *thresholds, "-o", str(tmp_path / "f.png")).exit_code == 0
    ax = drawn[0]
    boxes = _patches(ax)
    assert len(boxes) == 2, boxes
    lines = {y: ax.transData.transform((0, y))[1] for y in (100.0, 95.0)}
    for text, box in boxes:
        for y, line in lines.items():
            assert not box.y0 < line < box.y1, (text, box, y, line)


@pytest.mark.parametrize(
    ("args", "count"),
    [
        # No room above 95 and too little below it, over the baseline's 90: 95's label
        # was pushed up across its own line.
        (["math", "--until", "2030", "--threshold", "95"], 2),
        # No room beside 99 or 100: their labels were struck by their own lines.
        (["gpqa-diamond", "--threshold", "95", "--threshold", "99", "--threshold", "100"], 3),
        (["mmlu", "--threshold", "98", "--threshold", "99", "--threshold", "100"], 4),
        (["mmlu", "--threshold", "91"], 2),
    ],
)  # fmt: skip
def test_labels_near_the_top_lie_across_no_line(
    run: Run, tmp_path: Path, drawn: list[Axes], args: list[str], count: int
):
    """Where neither side of a line has room for its label, the label goes to the
    nearest gap between lines that holds it, not across a line."""
    result = run("plot", *args, "-o", str(tmp_path / "t.png"))
    assert result.exit_code == 0, result.stderr
    _assert_clear(drawn[0], count)


def test_a_baseline_label_under_a_ceiling_lies_across_no_line(
    run_empty: Run, tmp_path: Path, drawn: list[Axes]
):
    """A ceiling of 93.5 and a human baseline of 92, the report's thresholds: the
    baseline's label, with no room above its line, was laid across the 90 % point's
    line at 86.65, a little below it."""
    days = [date(year, 6, 1) for year in range(2020, 2026)] + [date(2025, 9, 1)]
    write_benchmark(
        run_empty, tmp_path, "capped", days, [30.0, 45.0, 60.0, 75.0, 85.0, 90.0, 91.0],
        floor=25.0, ceiling=93.5, human_baseline=92.0,
    )  # fmt: skip
    thresholds = ["--threshold", "92", "--threshold", "86.65"]
    result = run_empty("plot", "capped", *thresholds, "-o", str(tmp_path / "c.png"))
    assert result.exit_code == 0, result.stderr
    _assert_clear(drawn[0], 2)


@pytest.mark.parametrize(("bench", "threshold"), [("gpqa-diamond", "50"), ("mmlu", "80")])
def test_price_trend_names_lie_off_the_prices(
    run: Run, tmp_path: Path, drawn: list[Axes], bench: str, threshold: str
):
    """GPQA Diamond at 50: a grey price lay on o1-mini's name, drawn over it (prices go
    over names, so no name hides one), which read "o1-mir". No name lies under a dot."""
    target = str(tmp_path / "p.png")
    result = run("price-trend", bench, "--threshold", threshold, "--plot", target)
    assert result.exit_code == 0, result.stderr
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Annotation

    (ax,) = drawn
    renderer = FigureCanvasAgg(ax.figure).get_renderer()  # type: ignore[arg-type]
    names = {
        t.get_text(): t.get_window_extent(renderer) for t in ax.texts if isinstance(t, Annotation)
    }
    assert len(names) >= 5, names
    for dots in ax.collections:
        radius = np.sqrt(dots.get_sizes()[0]) / 2 * ax.figure.dpi / 72
        for x, y in ax.transData.transform(dots.get_offsets()):
            for name, box in names.items():
                clear = (
                    x + radius <= box.x0 or x - radius >= box.x1
                    or y + radius <= box.y0 or y - radius >= box.y1
                )  # fmt: skip
                assert clear, (name, box, (x, y))


def test_a_price_figure_as_of_a_far_year_stays_within_the_calendar(
    run: Run, tmp_path: Path, drawn: list[Axes]
):
    """The cheapest price holds up to the --as-of day; past about the year 9630 the
    axis margin after it ran beyond 9999, and the figure failed with an internal error."""
    from matplotlib.dates import num2date

    target = tmp_path / "p.png"
    result = run(
        "price-trend", "mmlu", "--threshold", "80", "--plot", str(target), "--as-of", "9990"
    )
    assert result.exit_code == 0, result.stderr
    assert target.stat().st_size > 0
    (ax,) = drawn
    left, right = ax.get_xlim()
    assert num2date(right).year == 9999 and num2date(left).year < 2100


def test_an_svg_goes_to_a_text_or_a_binary_file_object_with_its_ids_prefixed():
    """A figure's numbered ids take its key in SVG (so the report's charts share none);
    written as text, it could no longer go to a binary file object, as matplotlib's did."""
    import io

    from matplotlib.figure import Figure

    text, binary = io.StringIO(), io.BytesIO()
    for target in (text, binary):
        fig = Figure()
        fig.add_subplot().plot([0, 1], [0, 1])
        plot._save(fig, "k", target, "svg")
    for svg in (text.getvalue(), binary.getvalue().decode()):
        assert svg.rstrip().endswith("</svg>")
        ids = re.findall(r'<g id="([^"]+)"', svg)
        assert "k-figure_1" in ids and all(i.startswith("k-") for i in ids), ids


def test_threshold_labels_are_drawn_under_the_forecast(run: Run, tmp_path: Path, drawn: list[Axes]):
    """A long label above its line lay across the interval fan, and its half-white box,
    drawn over the fan, cut a notch out of it: the interval looked narrower there than
    it is. The fan and the median go over every label."""
    assert run("plot", "mmlu", "--threshold", "95", "-o", str(tmp_path / "m.png")).exit_code == 0
    ax = drawn[0]
    labels = [t for t in ax.texts if t.get_color() == plot.THRESHOLD_COLOUR]
    (fan,) = [c for c in ax.collections if c.get_gid() == "mmlu-interval"]
    (median,) = [line for line in ax.lines if line.get_gid() == "mmlu-median"]
    assert labels
    top = max(t.get_zorder() for t in labels)
    assert top < fan.get_zorder() and top < median.get_zorder()


def _skip_where_a_font_draws_chinese() -> None:
    """Skip the test where some font matplotlib uses has Chinese glyphs: nothing is
    missing there."""
    from matplotlib import font_manager, ft2font, rcParams

    # matplotlib falls back along the whole sans-serif list, not only to its first font.
    for name in rcParams["font.sans-serif"]:
        try:
            path = font_manager.findfont(name, fallback_to_default=False)
        except ValueError:
            continue  # not on this machine
        if ord("智") in ft2font.FT2Font(path).get_charmap():
            pytest.skip("a font of this machine draws Chinese")


def _plotted_in_chinese(
    run: Run, tmp_path: Path, kind: str, key: str, field: str, suffix: str
) -> tuple[Path, Result]:
    """A benchmark plotted to a .`suffix` file after its `kind` `key`'s `field` was set
    to a name in Chinese (no glyph in matplotlib's font); no glyph warning escapes."""
    import warnings

    _skip_where_a_font_draws_chinese()
    days = monthly(date(2021, 1, 1), 6, step_days=150)
    write_benchmark(run, tmp_path, "c100", days, [20.0, 40.0, 60.0, 75.0, 85.0, 90.0])
    edited = run("edit", kind, key, "--set", field, "-m", "name")
    assert edited.exit_code == 0, edited.stderr
    target = tmp_path / f"c.{suffix}"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run("plot", "c100", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert [str(w.message) for w in caught if "Glyph" in str(w.message)] == []
    assert result.stderr.splitlines()[-1] == f"wrote {target}"
    return target, result


def test_a_png_of_a_name_its_font_has_no_glyph_for_says_so_in_one_line(
    run_empty: Run, tmp_path: Path
):
    """matplotlib warned twice a character, each with its source line, and the PNG
    drew boxes with nothing to say that an SVG keeps the name."""
    target, result = _plotted_in_chinese(
        run_empty, tmp_path, "model", "c100-m005", "organization=智谱", "png"
    )
    assert (
        f"{target}: its font has no glyph for 智 谱, drawn as boxes; an .svg keeps them as text"
        in result.stderr.splitlines()
    )
    assert "Glyph" not in result.stderr


def test_an_svg_of_a_name_its_font_has_no_glyph_for_says_nothing_of_it(
    run_empty: Run, tmp_path: Path
):
    """A benchmark named in Chinese: its title, measured to fit the figure's width,
    warned of the glyph, with matplotlib's source line, and the SVG, which keeps the
    name as text, was said to draw it as boxes."""
    target, result = _plotted_in_chinese(
        run_empty, tmp_path, "benchmark", "c100", "name=Error rate 漢", "svg"
    )
    assert "Error rate 漢" in target.read_text()
    assert "glyph" not in result.stderr.lower()
