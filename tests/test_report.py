"""`trendlab report`: the page's content, its escaping, and the page in headless Chromium.

The browser test drives Debian's chromium through Playwright (never `playwright
install`, which downloads a browser): the page must load from file:// with no console
error and no request but its own, and every chart must be drawn.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import shlex
import shutil
import warnings
from collections import Counter
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image, ImageStat

from tests.conftest import Run, add_undated_cheap_model, make_runner
from tests.synthetic import monthly, write_benchmark, write_error_rate
from trendlab.cli import cli

BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def seeded_copy(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded database for this module's reports (building one fits every benchmark)."""
    path = tmp_path_factory.mktemp("report") / "trendlab.duckdb"
    shutil.copy(seeded_template, path)
    return path


@pytest.fixture(scope="module")
def full_report(seeded_copy: Path) -> tuple[Path, str]:
    """The report of every seeded benchmark, built once: (file, stderr)."""
    target = seeded_copy.parent / "report.html"
    result = CliRunner().invoke(cli, ["--db", str(seeded_copy), "report", "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    return target, result.stderr


class _Page(HTMLParser):
    """Every tag with its attributes, and which elements carry external references."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


def test_report_covers_every_benchmark(full_report: tuple[Path, str], seeded_copy: Path):
    path, stderr = full_report
    assert re.search(r"wrote .*report\.html: 25 benchmarks, 23 with a forecast, \d+ KiB", stderr)
    text = path.read_text(encoding="utf-8")
    names = make_runner(seeded_copy)("list", "benchmarks", "--csv").stdout.splitlines()[1:]
    assert len(names) == 25
    tags = _parse(text).tags
    sections = [
        a["id"] for t, a in tags if t == "section" and "benchmark" in (a.get("class") or "")
    ]
    assert len(sections) == 25
    charts = [a["data-chart"] for t, a in tags if t == "figure"]
    assert len(charts) == 24 and "price" in charts  # 23 forecasts and the price trend
    # MMLU: best result with its source, crossing, forecast and scorecard.
    mmlu = text[text.index('id="b-mmlu"') : text.index("</section>", text.index('id="b-mmlu"'))]
    assert "Current best result" in mmlu and "<b>90.04</b> percent" in mmlu
    assert 'href="https://' in mmlu and "Gemini 1.0 Ultra" in mmlu
    assert "When it crosses" in mmlu and "reached 2023-12-06" in mmlu
    assert "Backtest scorecard" in mmlu and "12 months ahead" in mmlu and "<b>auto</b>" in mmlu
    assert "gompertz fitted on 5 frontier points" in mmlu  # auto's choice, as `forecast` makes it
    # The benchmarks that cannot be forecast say why, with their results instead.
    for slug, why in (
        ("math-500", "math-500 has 1 frontier point; a trend needs at least 3"),
        (
            "frontiermath-tier-4-public",
            "has 2 frontier points (the frontier&#x27;s level at a later result counts as one)",
        ),
    ):
        start = text.index(f'id="b-{slug}"')
        part = text[start : text.index("</section>", start)]
        assert "No forecast:" in part and why in part and "Latest results" in part
        assert "<figure" not in part
    # Pooled backtests, the price trend and the changesets.
    assert "Backtests, pooled" in text and "all percent" in text and "all minutes" in text
    assert "The price of a capability: MMLU &ge; 80 percent" in text
    # The trend price-trend gives at its default blend, 3:1 as the page's caption says:
    # gpt-4o-mini at 0.15 in and 0.6 out is (3 * 0.15 + 0.6) / 4 = 0.2625.
    trend = make_runner(seeded_copy)("price-trend", "mmlu", "--threshold", "80")
    summary = trend.stdout.splitlines()[0]
    assert summary.startswith("mmlu >= 80: ") and summary.endswith(", blend 3:1")
    # By name, as the section's heading gives the benchmark, not by the slug price-trend
    # is given.
    named = summary.replace("mmlu >= 80: ", "MMLU >= 80: ", 1)
    assert f"{html.escape(named)}.</p>" in text and "mmlu &gt;= 80" not in text
    assert "Blended price: 3 input tokens to 1 output token." in text
    # Two decimals read it as 0.26 (and a price of 0.0025 as 0).
    assert '<td>GPT-4o mini</td><td>OpenAI</td><td class="num">0.2625</td>' in text
    assert "Latest changesets" in text and "load seed data" in text


def test_report_crossings_table_says_where_each_threshold_comes_from(
    full_report: tuple[Path, str],
):
    """MMLU's table of crossings listed a bare 89.8 and 92.5, where its overview row and
    its chart say which is the human baseline and which 90 % of floor to ceiling."""
    text = full_report[0].read_text(encoding="utf-8")
    start = text.index('id="b-mmlu"')
    mmlu = text[start : text.index("</section>", start)]
    table = mmlu[mmlu.index('<table class="crossings">') :]
    shown = re.findall(r'<tr><td class="num">([^<]*)</td>', table[: table.index("</table>")])
    assert shown == ["human baseline 89.8", "92.5 (90 % of floor to ceiling)"]


def test_report_is_self_contained(full_report: tuple[Path, str]):
    text = full_report[0].read_text(encoding="utf-8")
    page = _parse(text)
    for tag, attrs in page.tags:
        assert tag not in ("script", "link", "iframe", "img", "object", "embed"), tag
        for name in ("src", "srcset", "xlink:href", "href"):
            value = attrs.get(name)
            if value is None:
                continue
            if tag == "a" and name == "href":
                assert value.startswith(("https://", "http://", "#")), value
            else:  # SVG <use> refers to a marker in the same document
                assert value.startswith("#"), (tag, name, value)
    assert "@import" not in text and "@font-face" not in text
    assert re.findall(r"url\((?!#)", text) == []  # SVG clip paths refer within the page
    assert "Content-Security-Policy" in text and "default-src 'none'" in text


def test_report_ids_are_unique_and_every_reference_finds_its_own(
    full_report: tuple[Path, str],
):
    """Each inlined chart had matplotlib's numbered ids (figure_1, axes_1, line2d_1)
    as every other did: an id is one element's, in a page as in a figure."""
    text = full_report[0].read_text(encoding="utf-8")
    ids = Counter(attrs["id"] for _, attrs in _parse(text).tags if attrs.get("id"))
    assert len(ids) > 1000 and [i for i, n in ids.items() if n > 1] == []
    assert {"chart-mmlu-figure_1", "chart-math-figure_1", "chart-mmlu-median"} <= set(ids)
    # Clip paths, markers and the page's own links: each to an element that is there.
    refs = set(re.findall(r'(?:href="#|url\(#)([^")]+)', text))
    assert len(refs) > 50 and refs <= set(ids), refs - set(ids)


def test_report_of_named_benchmarks_to_stdout(seeded_copy: Path):
    run = make_runner(seeded_copy)
    result = run(
        "report", "--benchmark", "math", "--benchmark", "mmlu", "--until", "2030", "-o", "-"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("<!doctype html>")
    sections = re.findall(r'<section class="benchmark" id="b-([a-z0-9-]+)"', result.stdout)
    assert sections == ["math", "mmlu"]
    assert "2030-12-31" in result.stdout  # the forecasts run to --until
    # MMLU's data end on 2025-02-26: a median crossing of 92.5 before today is no news,
    # as `forecast` says on stderr.
    assert (
        '<p class="muted">Forecast: the median forecast crosses 92.5 by 2025-09-03, before today ('
    ) in result.stdout
    assert "mmlu&#x27;s latest result is 2025-02-26, so whether it has since" in result.stdout


def test_report_shows_the_bounds_a_benchmark_leaves_to_its_unit(seeded_copy: Path):
    """ARC-AGI sets no floor or ceiling, so its forecast stays within percent's 0 to 100:
    its heading named no bound at all. MMLU's own bounds read as before."""
    run = make_runner(seeded_copy)
    result = run("report", "--benchmark", "arc-agi", "--benchmark", "mmlu", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert (
        "<p class=\"meta\">unit percent · floor 0 (its unit's end) · ceiling 100 (its unit's "
        "end) · "
    ) in result.stdout.replace("&#x27;", "'")
    assert '<p class="meta">unit percent · floor 25 · ceiling 100 · human 89.8 · ' in result.stdout


def test_report_overview_says_a_crossing_forecast_before_today_is_past_the_data(
    seeded_copy: Path,
):
    """BIG-Bench Hard's data end on 2024-12-26; the overview gave its 90 a median
    crossing of 2025-04-09 like any forecast, with nothing to say it is of months the
    database has no results for (the note under the chart did). A reached crossing
    has no such mark."""
    run = make_runner(seeded_copy)
    page = run("report", "--benchmark", "bbh", "--benchmark", "mmlu", "-o", "-").stdout
    overview = page[page.index('<table class="overview">') : page.index("</nav>")]
    # The dates forecast gives (they move with the seeds' calibration), after the data.
    [c] = json.loads(run("forecast", "bbh", "--json").stdout)["crossings"]
    assert c["status"] == "forecast" and c["median_date"] > "2024-12-26"
    assert (
        '90 (90 % of floor to ceiling):</span> <span class="nowrap">'
        f"{c['median_date']} ({c['lower_date']} to {c['upper_date']})</span> "
        '<span class="muted nowrap">· past the data, which end 2024-12-26</span></td>'
    ) in overview
    # Each threshold says where it comes from: a bare 90 read as any number picked.
    said = '<span class="nowrap">human baseline 89.8:</span> <span class="nowrap">reached 2023-'
    assert said in overview
    assert overview.count("past the data") == 1


def test_report_says_what_diff_since_a_changeset_shows(seeded_copy: Path):
    """`diff --since CHANGESET` shows what changed after that changeset, not what it
    changed: the changesets' footnote said it "shows what one changed", and diff since
    the seeds' own changeset lists none of the seeds."""
    run = make_runner(seeded_copy)
    result = run("report", "--benchmark", "math", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert "CHANGESET</code> shows what changed after one.</p>" in result.stdout
    seeds = json.loads(run("log", "--json").stdout)[-1]
    assert seeds["message"] == "load seed data"
    since = run("diff", "--since", seeds["changeset"], "--csv")
    assert since.stdout == "kind,key,change,fields\n"


def _pooled_paragraph(page: str) -> str:
    (paragraph,) = re.findall(r'<section id="backtests">.*?<p>(.*?)</p>', page, re.S)
    return paragraph


def _backtest_all_calibration(run: Run) -> str:
    """How `backtest --all`'s title says the intervals were calibrated."""
    result = run("backtest", "--all")
    assert result.exit_code == 0, result.stderr
    title = result.stdout.splitlines()[0]
    assert title.startswith("Backtest of "), title
    return title.split("; ", 1)[1]


def test_report_pooled_calibration_is_the_backtest_commands(
    full_report: tuple[Path, str], seeded_copy: Path
):
    """Each benchmark is calibrated on the others (minutes ones perhaps on none), so no
    one benchmark's count describes the pooled tables: they say what `backtest --all` says."""
    paragraph = _pooled_paragraph(full_report[0].read_text(encoding="utf-8"))
    how = _backtest_all_calibration(make_runner(seeded_copy))
    assert how.startswith("80 % intervals calibrated on the other benchmarks'")
    assert html.escape(how) + "." in paragraph and "held-out" not in paragraph


def test_report_pooled_calibration_of_a_lone_benchmark(empty_db: Path, tmp_path: Path):
    """With no other benchmark to calibrate on, the pooled tables are not calibrated."""
    _latency(empty_db, tmp_path)
    run = make_runner(empty_db)
    result = run("report", "-o", "-")
    assert result.exit_code == 0, result.stderr
    how = _backtest_all_calibration(run)
    assert "not calibrated" in how
    assert html.escape(how) + "." in _pooled_paragraph(result.stdout)


@pytest.mark.parametrize("level", ["80", "50"])
def test_report_pools_every_benchmarks_backtests_when_none_shown_has_a_forecast(
    db: Path, level: str
):
    """The pooled tables are of every benchmark, whichever are shown: a report of a
    benchmark with no results said "No benchmark has enough history to backtest", as
    none of its own benchmarks' backtests were read."""
    run = make_runner(db)
    added = run("add-benchmark", "nb", "--unit", "percent", "-m", "t")
    assert added.exit_code == 0, added.stderr

    def pooled(slug: str) -> str:
        result = run("report", "--benchmark", slug, "--level", level, "-o", "-")
        assert result.exit_code == 0, result.stderr
        (section,) = re.findall(r'<section id="backtests">.*?</section>', result.stdout, re.S)
        return section

    alone = pooled("nb")
    assert "No benchmark has enough history" not in alone
    assert alone == pooled("mmlu")


def test_report_price_trend_that_cannot_be_computed(seeded_copy: Path, tmp_path: Path):
    run = make_runner(seeded_copy)
    target = tmp_path / "r.html"
    result = run(
        "report",
        "--benchmark",
        "math",
        "--price-benchmark",
        "mmlu",
        "--price-threshold",
        "99",
        "--changesets",
        "1",
        "-o",
        str(target),
    )
    assert result.exit_code == 0, result.stderr
    text = target.read_text()
    assert "No price trend: no priced model reaches 99 on mmlu" in text
    assert 'data-chart="price"' not in text
    assert "Latest changesets" in text and "load seed data" in text


def _on_page(message: str) -> str:
    """A CLI message as the page shows it: escaped, its backticked commands as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(message))


def test_report_price_section_says_what_no_date_leaves_out(run: Run):
    """A result no date places is left out of the report's price trend, as of
    price-trend's, which says so on stderr: the report said nothing, with a trend or
    without one, so the cheapest model just priced could be missing without a word."""
    add_undated_cheap_model(run)
    told = run("price-trend", "mmlu", "--threshold", "80").stderr.splitlines()[0]
    assert told.startswith("1 result on mmlu at or beyond 80 left out: no ")
    page = run("report", "--benchmark", "gsm8k", "--price-threshold", "80", "-o", "-").stdout
    prices = page[page.index('<section id="prices">') :]
    assert f'<p class="muted">Price trend: {_on_page(told)}.</p>' in prices
    assert "No price trend:" not in prices
    # With no trend (no dated priced model reaches 99) the reason says it, once.
    (error,) = run("price-trend", "mmlu", "--threshold", "99").stderr.splitlines()
    page = run("report", "--benchmark", "gsm8k", "--price-threshold", "99", "-o", "-").stdout
    prices = page[page.index('<section id="prices">') :]
    problem = error.removeprefix("trendlab: error: ")
    assert f"No price trend: {_on_page(problem)}." in prices
    assert "left out for want of a date: 1 priced result" in problem
    assert "Price trend:" not in prices
    # Below the threshold it changes nothing, and is not mentioned.
    page = run("report", "--benchmark", "gsm8k", "--price-benchmark", "gsm8k", "-o", "-").stdout
    assert "left out" not in page[page.index('<section id="prices">') :]


def test_report_best_result_is_a_dated_one(run: Run):
    """A result no date places is not the benchmark's current best, in the overview or
    its section: the page named Undated cheap's 99 on mmlu, while the forecast beside it,
    which leaves that result out, ran from the frontier's 90.04."""
    add_undated_cheap_model(run)
    result = run("report", "--benchmark", "mmlu", "-o", "-")
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    assert "Undated cheap" not in page
    assert '<td class="num">90.04</td><td>Gemini 1.0 Ultra</td>' in page
    assert "<b>90.04</b> percent" in page


@pytest.mark.parametrize(
    ("threshold", "past"),
    [("10", "floor 25 (chance level), so any result reaches it"),
     ("200", "ceiling 100, so no result can reach it")],
)  # fmt: skip
def test_report_price_threshold_past_a_bound_says_so_as_price_trend_does(
    seeded_copy: Path, threshold: str, past: str
):
    """price-trend says on stderr that a threshold past MMLU's floor is reached by any
    result (most likely a fraction given for a percent), or past its ceiling by none;
    the report's price section said nothing of it."""
    run = make_runner(seeded_copy)
    told = run("price-trend", "mmlu", "--threshold", threshold).stderr.splitlines()[0]
    assert told == (
        f"threshold {threshold} is past mmlu's {past}; thresholds are in the benchmark's "
        "unit (percent: 0-100)"
    )
    args = ["--benchmark", "bbh", "--price-threshold", threshold, "-o", "-"]
    page = run("report", *args).stdout
    prices = page[page.index('<section id="prices">') :]
    assert f'<p class="note">Price trend: {html.escape(told)}.</p>' in prices
    if threshold == "200":  # no priced model reaches it: the cause comes first
        assert prices.index(html.escape(told)) < prices.index("No price trend: no priced")
    # Within the bounds, as at the default 80, there is nothing to say.
    plain = run("report", "--benchmark", "bbh", "-o", "-")
    assert plain.exit_code == 0, plain.stderr
    assert '<section id="prices">' in plain.stdout and "is past mmlu" not in plain.stdout


def test_report_reads_until_with_white_space_around_it_as_forecast_does(seeded_copy: Path):
    """forecast and plot read --until " 2030" as 2030; the report did too, but its
    header said "forecasts to  2030", the space kept."""
    run = make_runner(seeded_copy)
    spaced = run("report", "--benchmark", "mmlu", "--until", " 2030\t", "-o", "-")
    plain = run("report", "--benchmark", "mmlu", "--until", "2030", "-o", "-")
    assert spaced.exit_code == 0, spaced.stderr
    assert " · forecasts to 2030 · " in spaced.stdout
    generated = r"generated [0-9-]+ [0-9:]+ UTC"
    assert re.sub(generated, "", spaced.stdout) == re.sub(generated, "", plain.stdout)


def test_report_until_before_the_data_is_a_note(seeded_copy: Path):
    result = make_runner(seeded_copy)("report", "--benchmark", "mmlu", "--until", "2024", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert (
        "No forecast: --until 2024 is not after the last data point (2025-02-26)" in result.stdout
    )


def test_report_as_of_shows_the_past(seeded_copy: Path, tmp_path: Path):
    db = tmp_path / "later.duckdb"
    shutil.copy(seeded_copy, db)
    run = make_runner(db)
    seed = run("log", "--csv").stdout.splitlines()[1].split(",")[0]
    added = run(
        "add-result",
        "gpt-4o",
        "math",
        "99.5",
        "--date",
        "2025-06-01",
        "--source-url",
        "https://example.org/later",
        "-m",
        "a later change",
    )
    assert added.exit_code == 0, added.stderr
    now = run("report", "--benchmark", "math", "-o", "-").stdout
    shown = ("--benchmark", "math", "--benchmark", "mmlu")
    then = run("report", *shown, "--as-of", seed, "-o", "-").stdout
    assert "a later change" in now and "<b>99.5</b> percent" in now
    assert "a later change" not in then and "<b>94.8</b> percent" in then
    # The seeds were recorded today, but the moment read is --as-of's, not today.
    seeded_on = json.loads(run("log", "--json").stdout)[-1]["recorded_at"][:10]
    assert f"crosses 92.5 by 2025-09-03, before the --as-of day ({seeded_on}): " in then
    assert f"as of <b>{seed}</b>" in then and "1 changeset ·" in then
    # backtest has no --as-of, so its figures are of the database now, not these. The
    # commands are this database's: as printed, they read ./trendlab.duckdb.
    on_db = f"trendlab --db {shlex.quote(str(db))}"
    assert f"<code>{on_db} backtest --all --level 80</code> prints the same." in now
    assert "prints the same" not in then
    assert (
        f"These are of the database as of {seed}: <code>{on_db} backtest --all --level 80"
        "</code>, which has no --as-of, prints them of the database as it is now."
    ) in then
    assert (
        f"<code>{on_db} log</code> lists them all; <code>{on_db} diff --since CHANGESET</code> "
        "shows what changed after one."
    ) in now


def test_report_as_of_before_anything_was_recorded_says_so(seeded_copy: Path):
    """As an empty listing does: a page of no benchmarks, under --as-of, says on stderr
    that --as-of is when changes were recorded (it wrote the empty page silently), and its
    overview says None (it was a table of headers alone)."""
    result = make_runner(seeded_copy)("report", "--as-of", "2020", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert "0 benchmarks" in result.stdout
    assert '<h2>Benchmarks</h2><p class="muted">None.</p>' in result.stdout
    assert '<table class="overview">' not in result.stdout
    assert result.stderr == (
        "no benchmarks as of 2020-12-31 23:59:59 (--as-of is when changes were recorded)\n"
    )


def test_report_header_says_the_moment_as_of_reads(run: Run, tmp_path: Path):
    """The header said "the database as of 2024", which read as the year's start, and of
    a changeset id nothing a reader without the database could date. A moment after today
    is the database as it is now, which the header says (it read as one recorded by
    then), as backtest --all then prints the same figures."""
    write_benchmark(run, tmp_path, "b", [date(2023, 1, 1), date(2024, 1, 1)], [40.0, 50.0])
    changeset = json.loads(run("log", "--json").stdout)[0]
    page = run("report", "--as-of", "2999", "-o", "-").stdout
    assert (
        "the database as of <b>2999</b> (2999-12-31 23:59:59 UTC, after now: the database "
        "as it is now) ·"
    ) in page
    assert "backtest --all --level 80</code> prints the same." in page
    page = run("report", "--as-of", changeset["changeset"], "-o", "-").stdout
    moment = changeset["recorded_at"].replace("T", " ")
    assert f"as of <b>{changeset['changeset']}</b> ({moment} UTC) ·" in page


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["--benchmark", "mmluu"], "no current benchmark 'mmluu' (did you mean 'mmlu'?)", 1),
        (["--price-benchmark", "gsm9k"], "no current benchmark 'gsm9k'", 1),
        (["--until", "2030-13-01"], "--until: '2030-13-01' is not a valid date", 2),
        # As log --limit 0 is: the page said "None." as if nothing had been changed.
        (["--changesets", "0"], "Invalid value for '--changesets': 0 is not in the range x>=1", 2),
    ],
)
def test_report_errors(seeded_copy: Path, tmp_path: Path, args: list[str], message: str, code: int):
    target = tmp_path / "r.html"
    result = make_runner(seeded_copy)("report", *args, "-o", str(target))
    assert result.exit_code == code
    assert result.stderr.startswith("trendlab: error:") and message in result.stderr
    assert "internal error" not in result.stderr and not target.exists()


def test_report_lists_all_changesets_when_asked_for_more_than_there_are(seeded_copy: Path):
    """As log --limit does: past DuckDB's largest LIMIT it was a database error."""
    result = make_runner(seeded_copy)(
        "report", "--benchmark", "math", "--changesets", "9" * 30, "-o", "-"
    )
    assert result.exit_code == 0, result.stderr
    assert "Latest changesets" in result.stdout and "load seed data" in result.stdout


def test_report_into_a_missing_directory(run: Run):
    result = run("report", "-o", "/no/such/dir/r.html")
    assert result.exit_code == 2 and "-o /no/such/dir/r.html: no such directory" in result.stderr


def test_report_ids_stay_unique_beside_benchmarks_named_price(run: Run, tmp_path: Path):
    """The price chart was chart-price (its ids chart-price-mmlu-figure_1, ...), which are
    those of the charts of benchmarks named price and price-mmlu."""
    days = [date(2023, 1, 1), date(2024, 1, 1), date(2025, 1, 1)]
    for slug in ("price", "price-mmlu"):
        write_benchmark(run, tmp_path, slug, days, [40.0, 50.0, 60.0])
    args = ["--benchmark", "price", "--benchmark", "price-mmlu", "--price-benchmark", "mmlu"]
    result = run("report", *args, "-o", "-")
    assert result.exit_code == 0, result.stderr
    ids = Counter(attrs["id"] for _, attrs in _parse(result.stdout).tags if attrs.get("id"))
    assert {"figure-price", "chart-price-mmlu-figure_1", "price-chart-mmlu-figure_1"} <= set(ids)
    assert [i for i, n in ids.items() if n > 1] == []


def test_report_ids_stay_unique_beside_a_benchmark_named_as_a_charts_line(run: Run, tmp_path: Path):
    """A benchmark's figure was chart-SLUG, the prefix of its chart's SVG ids: the
    figure of a benchmark named uni-frontier had the id of uni's frontier line."""
    days = [date(2023, 1, 1), date(2024, 1, 1), date(2025, 1, 1)]
    for slug in ("uni", "uni-frontier"):
        write_benchmark(run, tmp_path, slug, days, [40.0, 50.0, 60.0])
    result = run("report", "--benchmark", "uni", "--benchmark", "uni-frontier", "-o", "-")
    assert result.exit_code == 0, result.stderr
    ids = Counter(attrs["id"] for _, attrs in _parse(result.stdout).tags if attrs.get("id"))
    assert {"figure-uni-frontier", "chart-uni-frontier"} <= set(ids)
    assert [i for i, n in ids.items() if n > 1] == []


def test_report_to_a_file_name_too_long_is_a_usage_error(run: Run, tmp_path: Path):
    """Looking the name up failed: an internal error, exit 70, naming an OSError."""
    target = tmp_path / ("a" * 300 + ".html")
    result = run("report", "-o", str(target))
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"trendlab: error: -o {target}: File name too long (")
    assert len(result.stderr.splitlines()) == 1 and not list(tmp_path.glob("*.html"))


def test_report_of_an_empty_database(run_empty: Run):
    result = run_empty("report", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert "No benchmark has enough history to backtest" in result.stdout
    assert "the database has no benchmark mmlu to price a capability on" in result.stdout


def test_a_benchmark_of_one_result_says_1_result(run_empty: Run, tmp_path: Path):
    write_benchmark(run_empty, tmp_path, "lone", [date(2020, 1, 1)], [40.0])
    result = run_empty("report", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert "· 1 result</p>" in result.stdout and "1 results" not in result.stdout


def test_report_says_its_size_in_bytes_of_a_page_in_another_script(empty_db: Path, tmp_path: Path):
    """A page of text in Chinese was said to be 7 KiB where its file held 12: the size
    counted characters, a Chinese one three bytes in UTF-8."""
    run = make_runner(empty_db)
    about = "描述" * 1500
    added = run("add-benchmark", "zh", "--unit", "percent", "--description", about)
    assert added.exit_code == 0, added.stderr
    target = tmp_path / "zh.html"
    result = run("report", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    size = target.stat().st_size
    assert size // 1024 > len(target.read_text()) // 1024  # a page the count would misstate
    assert result.stderr.rstrip().endswith(f", {size // 1024} KiB"), result.stderr


def test_report_links_two_slugs_alike_but_for_a_dot_to_their_own_sections(run_empty: Run):
    for slug in ("dup.a", "dup_a"):
        added = run_empty("add-benchmark", slug, "--name", slug.upper(), "--unit", "percent")
        assert added.exit_code == 0, added.stderr
    result = run_empty("report", "--benchmark", "dup.a", "--benchmark", "dup_a", "-o", "-")
    assert result.exit_code == 0, result.stderr
    ids = re.findall(r'<section class="benchmark" id="([^"]+)"', result.stdout)
    assert ids == ["b-dup.a", "b-dup_a"]
    assert re.findall(r'<a href="#(b-[^"]+)">', result.stdout) == ids


def test_a_benchmark_whose_results_are_all_undated_has_results(run_empty: Run):
    """Its section said "No results yet." above the table of its latest results."""
    assert run_empty("add-benchmark", "ud", "--name", "UD", "--unit", "percent").exit_code == 0
    for i in (1, 2):
        assert run_empty("add-model", f"m{i}", "--name", f"M{i}").exit_code == 0
        assert run_empty("add-result", f"m{i}", "ud", str(20 * i)).exit_code == 0
    result = run_empty("report", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert "No results yet." not in result.stdout
    assert (
        '<h3>Current best result</h3><p class="muted">None: no result has a date (a reported '
        "date, or its model's release date) to place it.</p>\n<h3>Latest results</h3>"
    ) in result.stdout


@pytest.fixture
def hostile(run_empty: Run) -> Run:
    """A database whose text tries to break out of the page."""
    evil = '<script>alert("x")</script>'
    assert (
        run_empty(
            "add-benchmark",
            "evil",
            "--name",
            f"Evil {evil}",
            "--description",
            '<img src="https://example.org/pixel.png"> & more',
            "--unit",
            "percent",
            "--url",
            'https://example.org/?a=1&b="2"',
        ).exit_code
        == 0
    )
    for i, day in enumerate(monthly(date(2021, 1, 1), 5)):
        org = f"Org {evil}" if i % 2 else "$Cash & <Co>"
        added = run_empty(
            "add-model",
            f"m{i}",
            "--name",
            f"M{i} <i>",
            "--organization",
            org,
            "--release-date",
            day.isoformat(),
        )
        assert added.exit_code == 0, added.stderr
        added = run_empty(
            "add-result",
            f"m{i}",
            "evil",
            str(20 + 15 * i),
            "--source-url",
            f"https://example.org/{i}?q=<b>",
            "-m",
            f"note {evil}",
        )
        assert added.exit_code == 0, added.stderr
    return run_empty


def test_report_escapes_everything_from_the_database(hostile: Run):
    result = hostile("report", "-o", "-")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "<script" not in text and "<img" not in text and "<i>" not in text
    assert "Evil &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    assert (  # its run of 35 characters free to wrap
        '&lt;img <span class="long">src=&quot;https://example.org/pixel.png&quot;&gt;</span>'
        " &amp; more"
    ) in text
    assert "M4 &lt;i&gt;" in text and "note &lt;script&gt;" in text
    assert "$Cash &amp; &lt;Co&gt;" in text  # in the chart's legend, literally
    assert 'href="https://example.org/?a=1&amp;b=&quot;2&quot;"' in text
    assert 'data-chart="evil"' in text  # the forecast was drawn


# -- in a real browser ------------------------------------------------------------------


def _chromium() -> str:
    found = os.environ.get("TRENDLAB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).exists():
        pytest.skip("Chromium is not installed (Debian's chromium package; .ci/run installs it)")
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def _non_blank(image: Image.Image, minimum_std: float, what: str) -> None:
    """Assert an image is not one flat colour: its channels' spread is above a floor."""
    spread = max(ImageStat.Stat(image.convert("RGB")).stddev)
    assert spread > minimum_std, f"{what} looks blank (spread {spread:.1f})"


def test_report_in_chromium(browser, full_report: tuple[Path, str], tmp_path: Path):
    path = full_report[0]
    url = path.resolve().as_uri()
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    requests: list[str] = []

    def on_request(route) -> None:
        requests.append(route.request.url)
        if route.request.url == url:
            route.continue_()
        else:  # the page must need nothing else: any other request is a failure
            problems.append(f"request: {route.request.url}")
            route.abort()

    page.route("**/*", on_request)
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok
    assert requests == [url]
    assert page.title() == "trendlab report"

    # Every chart, measured in the page: its size and, per kind of mark, how many
    # elements are drawn and the largest one's size on screen.
    charts = page.eval_on_selector_all(
        "figure.chart",
        """figures => figures.map(f => {
            const key = f.dataset.chart, svg = f.querySelector("svg");
            const r = svg.getBoundingClientRect();
            const parts = key === "price"
                ? {offers: "[id$='-offers']", cheapest: "[id$='-cheapest']", trend: "[id$='-trend']"}
                : {results: `[id^='chart-${key}-results-']`, frontier: `#chart-${key}-frontier`,
                   median: `#chart-${key}-median`, interval: `#chart-${key}-interval`};
            const marks = {};
            for (const [part, sel] of Object.entries(parts)) {
                const drawn = f.querySelectorAll(`${sel} use, ${sel} path`);
                const sizes = Array.from(drawn, e => {
                    const b = e.getBoundingClientRect();
                    return b.width + b.height;
                });
                marks[part] = [drawn.length, Math.max(0, ...sizes)];
            }
            return {key, box: [r.x, r.y + window.scrollY, r.width, r.height], marks};
        })""",
    )
    assert len(charts) == 24
    for chart in charts:
        x, y, width, height = chart["box"]
        assert width > 600 and height > 300, chart
        for part, (count, size) in chart["marks"].items():
            assert count > 0 and size > 0, f"{chart['key']}: no {part} drawn"

    # The overview fits its box, as at any wider window (the page stops at 1120 px): its
    # last column kept a crossing and its "past the data" on one line, 3 px too wide.
    overflow = page.eval_on_selector(
        "table.overview", "t => t.scrollWidth - t.parentElement.clientWidth"
    )
    assert overflow <= 0, f"the overview is {overflow} px wider than the page"

    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    image = Image.open(shot)
    assert image.format == "PNG"
    assert image.width == 1200 and image.height > 10_000  # the whole, long page
    _non_blank(image, 10, "the page")
    for chart in charts:  # and on screen, each chart has coloured marks
        x, y, width, height = (round(v) for v in chart["box"])
        area = image.crop((x, y, x + width, y + height)).convert("RGB")
        _non_blank(area, 15, chart["key"])
        pixels = np.asarray(area).astype(np.int16)
        coloured = (pixels.max(axis=-1) - pixels.min(axis=-1)) > 60
        assert coloured.mean() > 0.002, f"{chart['key']}: no coloured marks on screen"
    assert problems == []
    page.close()


def test_report_wraps_a_long_name_in_chromium(browser, empty_db: Path, tmp_path: Path):
    """A name of hundreds of letters and no space wraps within the page: it ran off the
    page's edge as a heading, and in a table pushed every other column out of sight."""
    run = make_runner(empty_db)
    days = monthly(date(2021, 1, 1), 6, step_days=150)
    write_benchmark(run, tmp_path, "long", days, [20.0, 40.0, 60.0, 75.0, 85.0, 90.0])
    for kind, key, field, letter in (
        ("benchmark", "long", "name", "L"),
        ("model", "long-m005", "name", "N"),
        ("model", "long-m005", "organization", "O"),
    ):
        edited = run("edit", kind, key, "--set", f"{field}={letter * 300}", "-m", "long")
        assert edited.exit_code == 0, edited.stderr
    added = run("add-benchmark", "one", "--unit", "percent", "-m", "x")
    assert added.exit_code == 0, added.stderr
    added = run("add-result", "long-m005", "one", "50", "--setting", "S" * 300, "-m", "x")
    assert added.exit_code == 0, added.stderr
    target = tmp_path / "report.html"
    result = run("report", "-o", str(target), "--price-threshold", "50")
    assert result.exit_code == 0, result.stderr

    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(target.resolve().as_uri(), wait_until="load")
    sideways = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert sideways <= 0, f"the page is {sideways} px wider than the window"
    tables = page.eval_on_selector_all(
        ".scroll > table", "ts => ts.map(t => t.scrollWidth - t.parentElement.clientWidth)"
    )
    assert len(tables) >= 3 and max(tables) <= 0, tables
    page.close()


def test_report_price_table_names_models_as_the_page_does(full_report: tuple[Path, str]):
    """The cheapest models were listed by slug (gpt-4o-mini), where the overview and
    every other table of the page give a model's name (GPT-4o mini)."""
    page = full_report[0].read_text()
    prices = page[page.index('<section id="prices">') : page.index('<section id="changesets">')]
    cells = re.findall(r"<td>([^<]*)</td>", prices)
    assert "GPT-4o mini" in cells and "GPT-4" in cells, cells
    assert "gpt-4o-mini" not in cells and "gpt-4" not in cells, cells


def test_report_price_chart_names_models_as_its_table_does(full_report: tuple[Path, str]):
    """The chart above the price table named its cheapest models by slug (gpt-4o-mini)
    where the table under it gives their names (GPT-4o mini)."""
    page = full_report[0].read_text()
    start = page.index('id="price-chart"')
    chart = page[start : page.index("</svg>", start)]
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", chart)
    assert "GPT-4o mini" in texts and "GPT-4" in texts, texts
    assert "gpt-4o-mini" not in texts and "gpt-4" not in texts, texts


def test_report_price_heading_of_a_benchmark_not_in_the_database(empty_db: Path):
    """With no mmlu to price on there is no unit to name: the heading ended in a space
    before its close, where the unit would have been."""
    result = make_runner(empty_db)("report", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert "<h2>The price of a capability: mmlu &ge; 80</h2>" in result.stdout


def test_report_price_heading_of_a_lower_is_better_benchmark(seeded_copy: Path):
    """Reaching 20 on an error rate is scoring 20 or less: the heading says so, as the
    price-trend headline under it does."""
    run = make_runner(seeded_copy)
    added = run(
        "add-benchmark", "err", "--name", "Error rate", "--unit", "percent",
        "--no-higher-is-better", "--floor", "100", "--ceiling", "0", "-m", "x",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    for model, score in (("claude-3-opus", "20"), ("gpt-4o", "15"), ("gpt-4", "25")):
        result = run("add-result", model, "err", score, "-m", "x")
        assert result.exit_code == 0, result.stderr
    result = run(
        "report", "--benchmark", "err", "--price-benchmark", "err", "--price-threshold", "20",
        "-o", "-",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "The price of a capability: Error rate &le; 20 percent</h2>" in result.stdout
    # By its name, as the heading gives it, not by its slug (err &lt;= 20).
    assert "Error rate &lt;= 20:" in result.stdout and "err &lt;= 20" not in result.stdout


def _scorecard_cells(page: str, after: str) -> dict[tuple[str, int], list[float]]:
    """The first scorecard on the page after `after`: (family, months ahead) -> n, MAE,
    cover, score."""
    table = page[page.index('<table class="scorecard">', page.index(after)) :]
    table = table[: table.index("</table>")]
    horizons = [int(h) for h in re.findall(r"(\d+) months ahead", table)]
    out = {}
    for family, cells in re.findall(r"<tr><td>(?:<b>)?([a-z0-9-]+)(?:</b>)?</td>(.*?)</tr>", table):
        values = re.findall(r'<td class="num">([^<]*)</td>', cells)
        for i, months in enumerate(horizons):
            out[family, months] = [float(v.replace(",", "")) for v in values[4 * i : 4 * i + 4]]
    return out


def _shown(value: float) -> Any:
    """A scorecard figure as the page rounds it: two decimals, three significant digits
    from a million."""
    if value >= 1e6:
        return pytest.approx(value, rel=5e-3)
    return pytest.approx(value, abs=0.0056)


def _latency(db: Path, tmp_path: Path) -> str:
    """A lower-is-better benchmark without bounds: the only one in its calibration
    space, so none of its families is calibrated. (A floor of 0, the worst end, put
    every score past it, and its exponential clipped there.)"""
    days = monthly(date(2016, 1, 10), 48)
    rng = np.random.default_rng(3)
    scores = [round(500 * 0.6 ** (i / 6) * rng.uniform(0.8, 1.2), 3) for i in range(len(days))]
    write_benchmark(
        make_runner(db), tmp_path, "latency", days, scores,
        unit="score", floor=None, ceiling=None, higher_is_better=False,
    )  # fmt: skip
    return "latency"


@pytest.mark.parametrize(
    ("level", "slug", "unit"),
    [("95", "metr-time-horizon", "minutes"), ("50", "metr-time-horizon", "minutes"),
     ("50", "latency", "score")],
)  # fmt: skip
def test_report_scorecards_are_the_backtest_commands_at_the_level(
    db: Path, tmp_path: Path, level: str, slug: str, unit: str
):
    """A family without a calibration keeps the interval its backtest drew: the report
    must score backtests drawn at its --level, as `backtest --level` does, not at 80 %."""
    if slug == "latency":
        _latency(db, tmp_path)
    run = make_runner(db)
    result = run("report", "--benchmark", slug, "--level", level, "-o", "-")
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    backtest = run("backtest", slug, "--level", level, "--json")
    assert backtest.exit_code == 0, backtest.stderr
    rows = json.loads(backtest.stdout)["rows"]
    # Nothing else has this unit's calibration space: no family here is calibrated.
    assert {"linear", "exponential", "auto"} <= {r["family"] for r in rows}
    shown = _scorecard_cells(page, f'id="b-{slug}"')
    assert len(shown) == len(rows)
    for row in rows:
        want = [row["n"], row["mae"], row["coverage"], row["interval_score"]]
        assert shown[row["family"], row["horizon_months"]] == [_shown(w) for w in want], row
    # The pooled table of the unit (this benchmark alone) is `backtest --all`'s.
    on_db = f"trendlab --db {shlex.quote(str(db))}"
    assert f"<code>{on_db} backtest --all --level {level}</code> prints the same" in page
    everything = run("backtest", "--all", "--level", level, "--csv")
    assert everything.exit_code == 0, everything.stderr
    pooled = _scorecard_cells(page, f"<h3>all {unit}</h3>")
    lines = [line.split(",") for line in everything.stdout.splitlines()[1:]]
    mine = [cells for cells in lines if cells[0] == f"all {unit}"]
    assert len(mine) == len(pooled)
    for _, family, months, n, mae, _, coverage, score in mine:
        want = [float(n), float(mae), float(coverage), float(score)]
        assert pooled[family, int(months)] == [_shown(w) for w in want], (family, months)
    # One level on the whole page, the price trend's interval included.
    assert f"{level} % intervals</p>" in page and f"({level} % interval " in page
    # Written as everywhere else, with a space: the price trend's said "80% interval".
    assert set(re.findall(r"\b(\d+) ?% interval", page)) == {level}
    assert not re.search(r"\d% interval", page)


def test_report_scorecards_show_the_backtest_commands_figures_as_it_rounds_them(
    full_report: tuple[Path, str], seeded_copy: Path
):
    """The page says `backtest --all` prints the same: a coverage of 0.3429 (four
    significant digits, as the page writes a number below 1) beside its 0.343, and an
    MAE of 0.8519 beside its 0.85, were not the same."""
    page = full_report[0].read_text(encoding="utf-8")
    everything = make_runner(seeded_copy)("backtest", "--all", "--level", "80", "--csv")
    assert everything.exit_code == 0, everything.stderr
    lines = [line.split(",") for line in everything.stdout.splitlines()[1:]]
    pooled = {(c[0], c[1], int(c[2])): c for c in lines if c[0].startswith("all ")}
    assert pooled, everything.stdout
    checked = 0
    for unit in {key[0] for key in pooled}:
        for (family, months), shown in _scorecard_cells(page, f"<h3>{unit}</h3>").items():
            _, _, _, n, mae, _, coverage, score = pooled[unit, family, months]
            assert shown == [float(n), float(mae), float(coverage), float(score)], shown
            checked += 1
    assert checked == len(pooled)


def test_report_parameters_are_the_forecast_commands(
    full_report: tuple[Path, str], seeded_copy: Path
):
    """An ensemble's parameters, one row per member's parameter, rounded and dated as
    `trendlab forecast` lists them, never a Python dict."""
    text = full_report[0].read_text(encoding="utf-8")
    assert "{&#x27;" not in text and "{'" not in text and "datetime.date(" not in text
    start = text.index('id="b-gpqa-diamond"')
    section = text[start : text.index("</section>", start)]
    listed = make_runner(seeded_copy)("forecast", "gpqa-diamond")
    assert listed.exit_code == 0, listed.stderr
    rows = re.findall(r"^(logistic\.slope|gompertz\.inflection) +(\S+)$", listed.stdout, re.M)
    assert [name for name, _ in rows] == ["logistic.slope", "gompertz.inflection"]
    for name, value in rows:
        assert f'<tr><td>{name}</td><td class="num">{value}</td></tr>' in section


def test_report_never_crossed_says_why_in_either_direction(empty_db: Path, tmp_path: Path):
    """An error rate whose human baseline is its ceiling (0): an S-curve nears it and
    never reaches it, in the overview and in the section's table alike."""
    run = make_runner(empty_db)
    write_error_rate(run, tmp_path, human_baseline=0.0)
    result = run("report", "--benchmark", "err", "-o", "-")
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    assert (
        '<td><span class="nowrap">human baseline 0:</span> '
        '<span class="nowrap">at the ceiling, never reached</span></td>' in page
    )
    assert '<td colspan="3">at the ceiling, never reached</td>' in page
    assert "beyond the ceiling" not in page


def test_report_shows_a_forecast_below_a_hundredth_to_two_significant_digits(
    empty_db: Path, tmp_path: Path
):
    """A latency nearing 0 minutes: rounded to two decimals first, the section's forecast
    read 0.01 where `forecast --csv` says 0.007 (a line's 0.00059 read 0). It reads to two
    significant digits, as `forecast` shows it."""
    run = make_runner(empty_db)
    days = monthly(date(2019, 1, 1), 12)
    scores = [0.5 * 0.7**i for i in range(len(days))]
    write_benchmark(run, tmp_path, "lat", days, scores, unit="minutes", floor=None,
                    ceiling=None, higher_is_better=False)  # fmt: skip
    result = run("report", "--benchmark", "lat", "--until", "2024", "-o", "-")
    assert result.exit_code == 0, result.stderr
    table = result.stdout[result.stdout.index("<h3>Forecast</h3>") :]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<tr><td>([0-9-]+)</td>((?:<td class="num">[^<]*</td>){3})</tr>', table)
    points = run("forecast", "lat", "--until", "2024", "--csv")
    assert points.exit_code == 0, points.stderr
    exact = {
        row["date"]: [float(row[k]) for k in ("median", "lower", "upper")]
        for row in csv.DictReader(io.StringIO(points.stdout))
    }
    small = 0
    for day, cells in rows:
        shown = [float(v) for v in re.findall(r'<td class="num">([^<]*)</td>', cells)]
        for value, want in zip(shown, exact[day], strict=True):
            if 0 < want < 0.01:
                small += 1
                assert value == pytest.approx(want, rel=0.05), day
    assert small


def test_report_says_why_an_elo_rating_has_no_doubling_time(empty_db: Path, tmp_path: Path):
    """An exponential of an Elo rating (auto's choice where it backtests best) lists no
    doubling time, and says why, as `trendlab forecast` does."""
    run = make_runner(empty_db)
    days = monthly(date(2019, 1, 1), 36)
    scores = [100.0 * 1.6 ** ((d - days[0]).days / 365) for d in days]
    write_benchmark(run, tmp_path, "arena", days, scores,
                    unit="elo", floor=None, ceiling=None)  # fmt: skip
    result = run("report", "--benchmark", "arena", "-o", "-")
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    assert "<td>growth_rate</td>" in page and "<td>doubling_time_months</td>" not in page
    assert '<p class="muted">Forecast: no doubling_time_months: arena is a rating' in page


def test_report_says_a_median_held_at_a_bound_as_forecast_does(empty_db: Path, tmp_path: Path):
    """A latency decaying into its ceiling of 5 minutes: the exponential's median is held
    at the bound, and the section says so as `forecast` does, not a table of 5s alone."""
    run = make_runner(empty_db)
    days = monthly(date(2020, 1, 15), 7, step_days=240)
    scores = [60.0, 40.0, 26.0, 17.0, 11.0, 8.0, 6.5]
    write_benchmark(run, tmp_path, "lat", days, scores, unit="minutes", floor=None,
                    ceiling=5.0, higher_is_better=False)  # fmt: skip
    told = run("forecast", "lat")
    assert told.exit_code == 0, told.stderr
    held = [line for line in told.stderr.splitlines() if "is held there" in line]
    assert held and held[0].startswith("the exponential median reaches 5 by ")
    result = run("report", "--benchmark", "lat", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert f'<p class="muted">Forecast: {html.escape(held[0])}.</p>' in result.stdout


def test_report_of_a_name_its_font_has_no_glyph_for_warns_of_nothing(
    empty_db: Path, tmp_path: Path
):
    """The charts' text stays text in the page, drawn by the browser's fonts: a lab
    named in Chinese is no missing glyph there, and matplotlib's warnings of it (two a
    character, with its source lines) were printed on stderr; a benchmark's, in the
    title, warned as the title was measured to fit the figure's width."""
    run = make_runner(empty_db)
    days = monthly(date(2021, 1, 1), 6, step_days=150)
    write_benchmark(run, tmp_path, "c100", days, [20.0, 40.0, 60.0, 75.0, 85.0, 90.0])
    edited = run("edit", "model", "c100-m005", "--set", "organization=智谱", "-m", "its lab")
    assert edited.exit_code == 0, edited.stderr
    edited = run("edit", "benchmark", "c100", "--set", "name=Error rate 漢", "-m", "its name")
    assert edited.exit_code == 0, edited.stderr
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run("report", "--benchmark", "c100", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert "智谱" in result.stdout
    assert [str(w.message) for w in caught if "Glyph" in str(w.message)] == []


def test_report_overview_keeps_an_interval_that_ends_past_the_horizon(
    full_report: tuple[Path, str],
):
    """Where the section's table says a crossing's interval runs past the horizon, the
    overview says so too, with the chance by then, rather than dropping the interval."""
    text = full_report[0].read_text(encoding="utf-8")
    past = 0
    for slug, cell in re.findall(  # each row's last cell: it may be empty
        r'<td><a href="#b-([^"]+)">(?:(?!</tr>).)*<td>(.*?)</td></tr>', text
    ):
        start = text.index(f'id="b-{slug}"')
        table = text[start : text.index("</section>", start)]
        row = re.search(
            r'<table class="crossings">.*?<tbody><tr><td class="num">[^<]*</td>'
            r"<td>(\d{4}-\d\d-\d\d)</td><td>([^<]*)</td><td>([^<]*)</td>"
            r'<td class="num">(\d+ %)</td>',
            table,
        )
        if row is None:
            continue  # reached, never, or no median by the horizon
        median, low, high, chance = row.groups()
        if high.startswith("after "):
            past += 1
            assert f"{median} ({low} to {high}; {chance} chance by then)" in cell, (slug, cell)
        else:
            assert f"{median} ({low} to {high})" in cell, (slug, cell)
    assert past, "no seeded crossing runs past the horizon (frontiermath-public's did)"


def test_latest_results_of_equal_date_and_score_are_in_id_order():
    """Sorted by date and score alone, results equal in both (gpt-5 and gpt-5-mini on
    one day) swapped places from one report to the next."""
    import polars as pl

    from trendlab.report.build import BenchmarkSection, _without_forecast

    ids = [f"r_{i:016x}" for i in range(12)]
    scores = pl.DataFrame(
        {
            "id": list(reversed(ids)),
            "date": [date(2025, 8, 7)] * 12,
            "model": [f"m{i}" for i in range(12)],
            "model_name": None,
            "organization": None,
            "score": [50.0] * 12,
            "setting": None,
            "source_url": None,
        }
    )
    section = _without_forecast(BenchmarkSection("b", {}, 12, None), scores, "too few", True)
    assert section.results is not None
    shown = section.results.get_column("model").to_list()
    assert shown == [f"m{i}" for i in range(11, 1, -1)]  # the ten lowest ids, in order


def test_latest_results_of_one_date_are_best_first_when_lower_is_better(run_empty: Run):
    """Of one date they were listed highest score first whichever way the benchmark
    points, so on an error rate the worst came first."""
    added = run_empty(
        "add-benchmark", "err", "--name", "ERR", "--unit", "percent", "--no-higher-is-better"
    )
    assert added.exit_code == 0, added.stderr
    for model, score in (("m1", "30"), ("m2", "10"), ("m3", "20")):
        assert run_empty("add-model", model, "--name", model.upper()).exit_code == 0
        assert run_empty("add-result", model, "err", score, "--date", "2025-01-01").exit_code == 0
    result = run_empty("report", "--benchmark", "err", "-o", "-")
    assert result.exit_code == 0, result.stderr
    latest = result.stdout.split("<h3>Latest results</h3>")[1].split("</table>")[0]
    assert re.findall(r"<td>(M\d)</td>", latest) == ["M2", "M3", "M1"]


@pytest.mark.parametrize(
    ("baseline", "said"),
    [(120.0, "threshold 120 is past hb's ceiling 100, so no result can reach it"),
     (10.0, "threshold 10 is past hb's floor 20 (chance level), so any result reaches it")],
)  # fmt: skip
def test_a_human_baseline_past_a_bound_is_noted_as_forecast_notes_it(
    empty_db: Path, tmp_path: Path, baseline: float, said: str
):
    """The crossings table said only "never" or "reached", where `forecast` notes that
    the baseline lies past the ceiling or the floor."""
    run = make_runner(empty_db)
    days = monthly(date(2020, 1, 1), 8)
    scores = [20.0 + 8 * i for i in range(1, 9)]
    write_benchmark(
        run, tmp_path, "hb", days, scores, unit="score", floor=20.0, human_baseline=baseline
    )
    forecast = run("forecast", "hb")
    assert forecast.exit_code == 0, forecast.stderr
    assert f"{said}; thresholds are in the benchmark's unit (score)\n" in forecast.stderr
    result = run("report", "--benchmark", "hb", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert (
        f'<p class="muted">Forecast: {html.escape(said)}; thresholds are in the '
        "benchmark&#x27;s unit (score).</p>"
    ) in result.stdout


def test_report_forecast_table_is_the_forecast_commands(empty_db: Path, tmp_path: Path):
    """The section's forecast table shows what `trendlab forecast` does, to its two
    decimals: a score nearing the ceiling, which an S-curve never reaches, read 100 on
    the page, as it did in the command's table (a floor of 60 puts the nearest to the
    ceiling auto's gompertz comes, a ten-thousandth of the range, at 99.996)."""
    run = make_runner(empty_db)
    scores = [100 - 40.0 * 0.8**i for i in range(12)]
    write_benchmark(run, tmp_path, "acc", monthly(date(2019, 1, 1), 12), scores, floor=60.0)
    result = run("report", "--benchmark", "acc", "--until", "2030", "-o", "-")
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    start = page.index("<h3>Forecast</h3>")
    table = page[start : page.index("</table>", start)]
    rows = [
        re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", table)
    ]
    listed = run("forecast", "acc", "--until", "2030")
    assert listed.exit_code == 0, listed.stderr
    lines = re.findall(r"^(\d{4}-\d\d-\d\d) +(\S+) +(\S+) +(\S+)$", listed.stdout, re.M)
    assert [tuple(row) for row in rows if row] == lines
    assert lines[-1][1:] == ("99.99", "99.99", "99.99")
    assert "100" not in {cell for line in lines for cell in line}


def test_report_keeps_two_decimals_past_a_thousand(empty_db: Path, tmp_path: Path):
    """On a scale to 1600 the page rounded every number past a thousand to a whole one:
    a human baseline of 1599.5, and an S-curve's 1599.99, read 1,600, the ceiling the
    forecast says is never reached. Its table is `trendlab forecast`'s, as below 1000."""
    run = make_runner(empty_db)
    scores = [1600 - 1000 * 0.75**i for i in range(12)]
    write_benchmark(run, tmp_path, "sat", monthly(date(2019, 1, 1), 12), scores,
                    unit="score", floor=400.0, ceiling=1600.0, human_baseline=1599.5)  # fmt: skip
    result = run("report", "--benchmark", "sat", "--until", "2032", "-o", "-")
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    assert '<td><span class="nowrap">human baseline 1,599.5:</span> ' in page
    start = page.index("<h3>Forecast</h3>")
    table = page[start : page.index("</table>", start)]
    rows = [
        [cell.replace(",", "") for cell in re.findall(r"<td[^>]*>([^<]*)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", table)
    ]
    listed = run("forecast", "sat", "--until", "2032")
    assert listed.exit_code == 0, listed.stderr
    lines = re.findall(r"^(\d{4}-\d\d-\d\d) +(\S+) +(\S+) +(\S+)$", listed.stdout, re.M)
    assert [tuple(row) for row in rows if row] == lines
    assert "1,600" not in table


def test_report_shows_no_fraction_as_a_whole_number(run: Run):
    """A best score of 89.996 read 90, beside the crossing of 90 it has not reached; a
    table never shows a fraction as a whole number, and neither does the page."""
    assert run("add-benchmark", "close", "--unit", "percent", "--ceiling", "100").exit_code == 0
    added = run("add-result", "gpt-4", "close", "89.996", "--date", "2024-06-01",
                "--source-url", "https://example.org/close")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    page = run("report", "--benchmark", "close", "-o", "-").stdout
    assert "<b>89.996</b> percent" in page
    assert '<td class="num">89.996</td><td>GPT-4</td>' in page
    from trendlab.report.page import _num

    assert (_num(0.99996), _num(0.2625), _num(0.0025)) == ("0.99996", "0.2625", "0.0025")


def test_report_keeps_two_decimals_past_a_million_too():
    """From a million up the page wrote three significant digits: 1599999.99 under a
    ceiling of 1.6e6 read 1.6e+06, the ceiling, and a threshold of 1234567.5 minutes
    1.23e+06, where forecast's table and JSON keep every digit shown."""
    from trendlab.report.page import _num

    assert _num(1599999.99) == "1,599,999.99"
    assert _num(1234567.5) == "1,234,567.5"
    assert _num(-2000000.0) == "-2,000,000"
    # Past 1e15 a double holds no decimal: six significant digits.
    assert _num(2.1e25) == "2.1e+25"


def test_an_empty_report_file_name_is_named_so(run: Run):
    """-o '' said 'Invalid value for -o: : the report is an HTML page', an empty name
    taken for a file of another kind; it is named as the other commands name it."""
    result = run("report", "-o", "")
    assert result.exit_code == 2
    [said] = result.stderr.splitlines()
    assert said.startswith("trendlab: error: -o: the file name is empty (give FILE.html, ")


def test_a_report_file_named_by_its_suffix_alone_is_named_so(run: Run, tmp_path: Path):
    """A script's -o "$name.html" with $name empty was told its file name must end in
    .html, which it does: a name that is all suffix has nothing before it."""
    target = tmp_path / ".html"
    result = run("report", "-o", str(target))
    assert result.exit_code == 2 and not target.exists()
    [said] = result.stderr.splitlines()
    assert said.startswith(
        f"trendlab: error: -o {target}: the file name has nothing before .html (give FILE.html)"
    )


def test_the_readme_rounding_examples_are_on_the_seeded_page(full_report: tuple[Path, str]):
    """The README said the page's numbers have at most two decimals, where its
    scorecards show `backtest`'s coverage to three and its parameters `forecast`'s four."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    rule = readme.split("Its numbers are written for reading")[1].split("\n\n")[0]
    examples = re.findall(r"`(\d+\.\d+)`", rule)
    assert examples == ["0.2625", "0.857", "0.6256"]
    assert "`1,234.5`" in rule
    page = full_report[0].read_text(encoding="utf-8")
    for example in examples:
        assert f'<td class="num">{example}</td>' in page, example


def test_report_tells_of_a_forecast_held_short_of_a_far_ceiling(run: Run, on_store: str):
    """The report's notes under the chart are `forecast`'s: a latency whose frontier is
    2 minutes from a ceiling the logit's hold keeps forecasts about a minute from."""
    assert run("add-benchmark", "lat2", "--unit", "minutes", "--no-higher-is-better",
               "--floor", "10080", "--ceiling", "5", "-m", "t").exit_code == 0  # fmt: skip
    for year, score in zip(range(2022, 2026), ("2000", "100", "10", "7"), strict=True):
        assert run("add-result", "gpt-4", "lat2", score, "--date", f"{year}-06-01",
                   "--source-url", f"https://example.org/{year}", "-m", "t").exit_code == 0  # fmt: skip
    result = run("report", "--benchmark", "lat2", "-o", "-")
    assert result.exit_code == 0, result.stderr
    held = (
        "lat2's forecasts hold every score at least 1.0075 minutes from its ceiling 5 where "
        "they take a logit (0.0001 of the 10075 minutes between it and its floor 10080)"
    )
    assert f"Forecast: {html.escape(held)}" in result.stdout


def test_report_shows_a_command_in_a_note_as_code(empty_template: Path, tmp_path: Path):
    """A note's command kept the CLI's backticks, "(check it with `trendlab --db ...
    show benchmark ...`)", where the rest of the page shows a command in <code>; the
    store's path in it is text to escape as any other."""
    path = tmp_path / 'R&D <"lab">' / "trendlab.duckdb"
    path.parent.mkdir()
    shutil.copy(empty_template, path)
    run = make_runner(path)
    write_benchmark(run, tmp_path, "flat", monthly(date(2021, 1, 1), 4), [0.0] * 4)
    result = run("report", "-o", "-")
    assert result.exit_code == 0, result.stderr
    quoted = html.escape(shlex.quote(str(path)), quote=True)
    assert f"(check it with <code>trendlab --db {quoted} show benchmark flat</code>)" in (
        result.stdout
    )
    assert "`" not in result.stdout


def test_report_names_a_model_whose_name_is_its_slug_once(empty_db: Path):
    """A model named by its slug (gpt-5.1-2025-11-13) was shown as the best by both:
    "gpt-5.1-2025-11-13 `gpt-5.1-2025-11-13`"; a name of its own still comes first."""
    run = make_runner(empty_db)
    for slug, name in (("same", "same"), ("other", "Other & Co")):
        made = [
            run("add-benchmark", f"b-{slug}", "--unit", "percent", "-m", "t"),
            run("add-model", slug, "--name", name, "--release-date", "2024-01-01", "-m", "t"),
            run("add-result", slug, f"b-{slug}", "50", "-m", "t"),
        ]
        assert all(r.exit_code == 0 for r in made), [r.stderr for r in made]
    result = run("report", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert "<dt>model</dt><dd><code>same</code></dd>" in result.stdout
    assert "<dt>model</dt><dd>Other &amp; Co <code>other</code></dd>" in result.stdout


def test_the_readme_says_two_reports_differ_in_the_generated_stamp_alone(
    empty_db: Path, tmp_path: Path
):
    """The README never said the header has a `generated` stamp, so two reports of one
    database differing looked like a change in the data."""
    run = make_runner(empty_db)
    scores = [20.0 + 6 * i for i in range(8)]
    write_benchmark(run, tmp_path, "b", monthly(date(2021, 1, 1), 8), scores)
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    _, found, after = readme.partition("Its header names the database")
    assert found, "the README does not describe the report's header"
    rule = " ".join(after.split("\n\n")[0].split())
    assert "`generated YYYY-MM-DD HH:MM UTC`" in rule and "differ in that stamp alone" in rule
    stamp = r"generated \d{4}-\d\d-\d\d \d\d:\d\d UTC"
    pages = []
    for _ in range(2):
        result = run("report", "-o", "-")
        assert result.exit_code == 0, result.stderr
        [header] = re.findall(r"<header>.*</header>", result.stdout)
        assert len(re.findall(stamp, header)) == 1, header
        pages.append(re.sub(stamp, "generated", result.stdout))
    assert 'data-chart="b"' in pages[0]  # a forecast drawn, the same in both
    assert pages[0] == pages[1]
