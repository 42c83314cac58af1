"""The report as one self-contained HTML page: inline CSS and inline SVG, no scripts,
no fonts, nothing fetched. A Content-Security-Policy forbids any load, so even a
mistake here cannot make the page reach the network.

Every value that comes from the database passes through `_esc` (or `_link`, which
also allows only http and https links, or `_note`, which marks up only what `_esc`
gave); the SVG figures are matplotlib's, which escapes the text it draws.
"""

from __future__ import annotations

import html
import math
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import polars as pl

from trendlab import __version__
from trendlab.db import command_on
from trendlab.forecast.result import chance_text
from trendlab.render import float_text
from trendlab.report.build import BenchmarkSection, PriceSection, Report
from trendlab.text import large_number_digits, level_text

if TYPE_CHECKING:
    from trendlab.series import Scale

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)

LONG_RUN = re.compile(r"(\S{31,})")  # see _text

STYLE = """
:root { color-scheme: light; --muted: #5b6169; --line: #d9dde2; --accent: #1f5f99; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial,
       sans-serif; color: #1b1f24; margin: 0 auto; max-width: 1120px; padding: 0 1.2rem 3rem; }
h1 { font-size: 1.7rem; margin: 1.4rem 0 0.2rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 0.5rem; border-bottom: 2px solid var(--line);
     padding-bottom: 0.2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 0.4rem; }
a { color: var(--accent); }
code { font-size: 0.9em; background: #f2f4f6; padding: 0 0.25em; border-radius: 3px; }
.meta, .note, figcaption, .muted { color: var(--muted); }
.note { border-left: 3px solid #e0a030; background: #fff8ec; padding: 0.4rem 0.7rem;
        color: #4a3b1c; }
.problem { border-left-color: #b0b6bd; background: #f4f5f7; color: #33383e; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.3rem 0 0.8rem; }
th, td { padding: 0.2rem 0.55rem; border-bottom: 1px solid var(--line); text-align: left;
         vertical-align: top; }
th { background: #f6f7f9; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
.nowrap { white-space: nowrap; }
.long { overflow-wrap: anywhere; }
figure.chart { margin: 0.5rem 0 0.8rem; }
figure.chart svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 0.85rem; }
dl.best { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 1rem; margin: 0.3rem 0; }
dl.best dt { color: var(--muted); }
dl.best dd { margin: 0; }
.columns { display: flex; flex-wrap: wrap; gap: 0 2.5rem; }
details summary { cursor: pointer; color: var(--muted); }
footer { margin-top: 3rem; font-size: 0.85rem; color: var(--muted);
         border-top: 1px solid var(--line); padding-top: 0.6rem; }
@media print { section.benchmark { break-inside: avoid-page; } }
"""


def _esc(value: Any) -> str:
    """Text for HTML: escaped, with None as an empty cell."""
    return "" if value is None else html.escape(str(value), quote=True)


def _text(value: Any) -> str:
    """Text from the database for the page, escaped, with each run of over 30 characters
    free to wrap anywhere (at a space or hyphen first): a name of 400 letters ran off the
    page, and in a table pushed every other column out of sight. Not every word: in a
    table squeezed to fit, "percent" then broke in two."""
    if value is None:
        return ""
    parts = LONG_RUN.split(str(value))  # the runs at odd places, counted unescaped
    return "".join(
        f'<span class="long">{_esc(part)}</span>' if i % 2 else _esc(part)
        for i, part in enumerate(parts)
    )


def _note(text: Any) -> str:
    """A message for the page, escaped, with each backticked span in it as code: the
    messages are the CLI's, which mark a command so, and the rest of the page shows one
    in <code>. A lone backtick stays as it is."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _esc(text))


def _link(url: Any, text: Any) -> str:
    """A link to an http(s) source; anything else is shown as text, never linked."""
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        return f'<a href="{_esc(url)}" rel="noopener noreferrer">{_text(text)}</a>'
    return _text(text)


def _num(value: Any) -> str:
    """A number for people: thousands separated, at most two decimals from 1 up, and
    four significant digits below 1, where two decimals would misstate a price per
    million tokens (0.2625 read as 0.26, 0.0025 as 0). Six significant digits from
    1e15 up, where a double holds no decimal."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        if (digits := large_number_digits(value)) is not None:
            return f"{value:.{digits}g}"
        if abs(value) < 1:
            return float_text(value, 4)  # 0.99996 is not 1 either
        # Two decimals past a thousand (and a million) too: whole, or to three
        # significant digits, a threshold of 1599.5 or an S-curve's 1599.99 on a scale
        # to 1600 (1.6e6) read as the ceiling it never reaches.
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
        # Nor a fraction as a whole number, as a table never shows one: a best score of
        # 89.996 read as 90, beside the crossing of 90 it has not reached.
        places = 2
        while "." not in text and not value.is_integer() and places < 17:
            places += 1
            text = f"{value:,.{places}f}".rstrip("0").rstrip(".")
        return text
    return _esc(value)


def _cell(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<td class="num">{_num(value)}</td>'
    if isinstance(value, datetime):
        return f"<td>{_esc(value.strftime('%Y-%m-%d %H:%M'))}</td>"
    if isinstance(value, date):
        return f"<td>{_esc(value.isoformat())}</td>"
    return f"<td>{_text(value)}</td>"


def _table(frame: pl.DataFrame, headers: dict[str, str] | None = None, cls: str = "") -> str:
    """A frame as an HTML table; `headers` renames (and picks the order of) columns."""
    headers = headers or {c: c.replace("_", " ") for c in frame.columns}
    numeric = {c for c in headers if c in frame.columns and frame.schema[c].is_numeric()}
    head = "".join(
        f"<th{' class=num' if c in numeric else ''}>{_esc(h)}</th>" for c, h in headers.items()
    )
    rows = [
        "<tr>" + "".join(_cell(row[c]) for c in headers) + "</tr>"
        for row in frame.iter_rows(named=True)
    ]
    attr = f' class="{cls}"' if cls else ""
    return (
        f'<div class="scroll"><table{attr}><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _svg(text: str) -> str:
    """matplotlib's SVG document as an element to inline: no XML prolog or doctype."""
    start = text.find("<svg")
    return text[start:] if start >= 0 else ""


def _anchor(slug: str) -> str:
    """The id of a benchmark's section. A slug's every character (a-z, 0-9, `.`, `_`,
    `-`) is kept, so two slugs never share one: `gpt-4.5` and `gpt-4_5` did."""
    return "b-" + "".join(c if c.isalnum() or c in "-_." else "_" for c in slug)


# -- the page -------------------------------------------------------------------------


def render_page(report: Report) -> str:
    """The whole page."""
    title = "trendlab report"
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(title)}</title><style>{STYLE}</style></head><body>",
        _header(report, title),
        _overview(report),
        _pooled(report),
        *(_benchmark(s, report) for s in report.benchmarks),
        _prices(report.prices),
        _changesets(report),
        _footer(),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _header(report: Report, title: str) -> str:
    c = report.counts
    as_of = ""
    if report.as_of:
        # The moment too: "as of 2024" read as the year's start, and a changeset id
        # said nothing of when to one who has not the database.
        # A moment after today read as if the store had been recorded up to it.
        now = ", after now: the database as it is now" if report.ahead else ""
        as_of = (
            f" · the database as of <b>{_esc(report.as_of)}</b> "
            f"({_esc(report.as_of_moment)} UTC{now})"
        )
    if report.until:
        as_of += f" · forecasts to {_esc(report.until)}"
    counts = ", ".join(
        f"{_num(c.get(k, 0))} {k if c.get(k, 0) != 1 else k[:-1]}"
        for k in ("models", "benchmarks", "results", "prices", "changesets")
    )
    return (
        f"<header><h1>{_esc(title)}</h1>"
        f'<p class="meta">Database <code>{_esc(report.database)}</code>{as_of} · '
        f"{counts} · generated "
        f"{_esc(report.generated_at.strftime('%Y-%m-%d %H:%M'))} UTC · "
        f"{level_text(report.level)} % intervals</p></header>"
    )


def _headline_crossing(section: BenchmarkSection) -> str:
    """The first threshold's crossing, in a few words; a median forecast before the day
    read says when the data end, as the note under the benchmark's chart does."""
    if section.crossings is None or section.crossings.is_empty() or section.scale is None:
        return ""
    threshold = section.crossings.item(0, "threshold")
    shown = section.scale.threshold_label(threshold, _num(threshold))
    # Each part kept whole, its dates unbroken, but free to wrap between them: on one
    # line they made the overview wider than the page and scroll sideways.
    text = (
        f'<span class="nowrap">{_esc(shown)}:</span> '
        f'<span class="nowrap">{_esc(section.crossing_texts[0])}</span>'
    )
    if section.past_data is not None:
        text += f' <span class="muted nowrap">· {_esc(section.past_data)}</span>'
    return text


def _overview(report: Report) -> str:
    rows = []
    for s in report.benchmarks:
        best = s.best or {}
        family = _esc(s.family) if s.problem is None else '<i class="muted">none</i>'
        rows.append(
            "<tr>"
            f'<td><a href="#{_anchor(s.slug)}">{_text(s.facts.get("name") or s.slug)}</a></td>'
            f"<td>{_esc(s.facts.get('unit'))}</td>"
            f'<td class="num">{_num(s.n_results)}</td>'
            f'<td class="num">{_num(best.get("score"))}</td>'
            f"<td>{_text(best.get('model_name') or best.get('model'))}</td>"
            f"<td>{family}</td>"
            f"<td>{_headline_crossing(s)}</td>"
            "</tr>"
        )
    if not rows:  # a table of headers alone read as a page that failed to fill it
        return '<nav id="contents"><h2>Benchmarks</h2><p class="muted">None.</p></nav>'
    return (
        '<nav id="contents"><h2>Benchmarks</h2><div class="scroll"><table class="overview">'
        "<thead><tr><th>benchmark</th><th>unit</th><th class=num>results</th>"
        "<th class=num>best</th><th>by</th><th>forecast</th>"
        "<th>threshold: median crossing (interval)</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div></nav>"
    )


def _pooled(report: Report) -> str:
    if report.pooled is None:
        return (
            '<section id="backtests"><h2>Backtests</h2><p class="note problem">No benchmark '
            "has enough history to backtest.</p></section>"
        )
    tables = [
        f"<h3>{_esc(pool)}</h3>{_scorecard(rows)}"
        for (pool,), rows in report.pooled.partition_by(
            "benchmark", as_dict=True, maintain_order=True
        ).items()
    ]
    command = _command(report, f"backtest --all --level {level_text(report.level)}")
    # backtest has no --as-of: it prints these figures only of the database as it is now.
    same = (
        f"{command} prints the same"
        if report.as_of is None or report.ahead
        else f"These are of the database as of {_esc(report.as_of)}: {command}, which has no "
        "--as-of, prints them of the database as it is now"
    )
    return (
        '<section id="backtests"><h2>Backtests, pooled</h2>'
        "<p>Every family refitted at past origins on what was known then, and scored on the "
        "frontier that followed: n forecasts, mean absolute error (MAE), the share inside "
        f"the interval (cover) and the interval score (width plus misses; lower is better), "
        f"pooled per unit over every benchmark. {_esc(report.calibration)}. "
        f"{same}.</p>{''.join(tables)}</section>"
    )


def _facts(section: BenchmarkSection) -> str:
    f = section.facts
    bits = [f"unit {_esc(f.get('unit'))}"]
    scale = section.scale
    for key, label in (("floor", "floor"), ("ceiling", "ceiling"), ("human_baseline", "human")):
        if f.get(key) is not None:
            bits.append(f"{label} {_num(f[key])}")
        elif key != "human_baseline" and scale and (end := getattr(scale, key)) is not None:
            # The bound a forecast stays within: left out, ARC-AGI's chart ran 0 to 100
            # under a heading that named no bound.
            bits.append(f"{label} {_num(end)} (its unit's end)")
    if f.get("higher_is_better") is False:
        bits.append("lower is better")
    if f.get("url"):
        bits.append(_link(f["url"], "about the benchmark"))
    results = "result" if section.n_results == 1 else "results"
    return f'<p class="meta">{" · ".join(bits)} · {_num(section.n_results)} {results}</p>'


def _best(section: BenchmarkSection) -> str:
    best = section.best
    if best is None and section.n_results:
        # Results no date places are not the best to date (build._best): the page said
        # "No results yet." above the table listing them.
        return (
            '<h3>Current best result</h3><p class="muted">None: no result has a date '
            "(a reported date, or its model's release date) to place it.</p>"
        )
    if best is None:
        return '<p class="muted">No results yet.</p>'
    model = f"<code>{_text(best['model'])}</code>"
    name = best.get("model_name")
    if name and name != best["model"]:  # a name that is the slug read twice over
        model = f"{_text(name)} {model}"
    rows = [
        ("score", f"<b>{_num(best['score'])}</b> {_esc(section.facts.get('unit'))}"),
        ("model", model),
        ("organization", _text(best.get("organization")) or '<i class="muted">unknown</i>'),
        ("date", _esc(best.get("date"))),
        ("setting", _text(best.get("setting"))),
        ("source", _link(best.get("source_url"), best.get("source_url") or "none recorded")),
    ]
    items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows if v)
    return f'<h3>Current best result</h3><dl class="best">{items}</dl>'


def _scorecard(frame: pl.DataFrame) -> str:
    """Per family, each horizon's n, MAE, coverage and interval score side by side."""
    from trendlab.forecast.evaluate import ORDER

    horizons = sorted(frame.get_column("horizon_months").unique().to_list())
    families = sorted(
        frame.get_column("family").unique().to_list(),
        key=lambda f: ORDER.index(f) if f in ORDER else len(ORDER),
    )
    metrics = (("n", "n"), ("mae", "MAE"), ("coverage", "cover"), ("interval_score", "score"))
    top = "".join(f'<th colspan="{len(metrics)}">{h} months ahead</th>' for h in horizons)
    sub = "".join(f"<th class=num>{label}</th>" for _ in horizons for _, label in metrics)
    body = []
    for family in families:
        cells = []
        for h in horizons:
            row = frame.filter((pl.col("family") == family) & (pl.col("horizon_months") == h))
            for key, _ in metrics:
                value = row.item(0, key) if row.height else None
                cells.append(f'<td class="num">{_num(value)}</td>')
        name = f"<b>{_esc(family)}</b>" if family == "auto" else _esc(family)
        body.append(f"<tr><td>{name}</td>{''.join(cells)}</tr>")
    return (
        '<div class="scroll"><table class="scorecard"><thead>'
        f"<tr><th rowspan=2>family</th>{top}</tr><tr>{sub}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _parameters(values: list[tuple[str, str | None]]) -> str:
    """The rows `trendlab forecast` lists under Parameters, but those not known."""
    if not values:
        return ""
    rows = "".join(
        f'<tr><td>{_esc(k)}</td><td class="num">{_esc(v)}</td></tr>'
        for k, v in values
        if v is not None
    )
    return (
        "<details><summary>Fitted parameters</summary>"
        f"<table><tbody>{rows}</tbody></table></details>"
    )


def _benchmark(section: BenchmarkSection, report: Report) -> str:
    name = section.facts.get("name") or section.slug
    parts = [
        f'<section class="benchmark" id="{_anchor(section.slug)}">',
        f"<h2>{_text(name)} <code>{_text(section.slug)}</code></h2>",
        _facts(section),
    ]
    if section.facts.get("description"):
        parts.append(f"<p>{_text(section.facts['description'])}</p>")
    if section.problem is not None:
        parts.append(f'<p class="note problem">No forecast: {_note(section.problem)}.</p>')
        parts.append(_best(section))
        if section.results is not None and not section.results.is_empty():
            parts.append("<h3>Latest results</h3>")
            parts.append(_results(section.results))
        parts.append("</section>")
        return "\n".join(parts)
    # Not chart-SLUG, the prefix of the chart's own SVG ids: a benchmark named
    # uni-frontier repeated the id chart-uni-frontier of uni's frontier line.
    parts.append(
        f'<figure class="chart" id="figure-{_esc(section.slug)}" data-chart="{_esc(section.slug)}">'
        f"{_svg(section.chart or '')}<figcaption>{_esc(section.summary)}.</figcaption></figure>"
    )
    for message in section.notes:
        parts.append(f'<p class="muted">Forecast: {_note(message)}.</p>')
    left = [_best(section)]
    if section.crossings is not None:
        left.append("<h3>When it crosses</h3>")
        left.append(
            _crossings(section.crossings, section.crossing_texts, section.horizon, section.scale)
        )
    right = ["<h3>Forecast</h3>"]
    if section.forecast is not None:
        right.append(_table(section.forecast))
    right.append(_parameters(section.parameters))
    parts.append(
        f'<div class="columns"><div>{"".join(left)}</div><div>{"".join(right)}</div></div>'
    )
    parts.append("<h3>Backtest scorecard</h3>")
    if section.scorecard is not None:
        parts.append(_scorecard(section.scorecard))
    else:
        parts.append(f'<p class="muted">{_note(section.scorecard_note)}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _crossings(
    frame: pl.DataFrame, texts: list[str], until: str, scale: Scale | None = None
) -> str:
    """When each threshold is (or was) crossed: a median and its interval, else the
    crossing in words (`texts`, Forecast.crossing_text's, one per row). A threshold says
    where it comes from, as the overview and the chart label it: a bare 5 and 10 under
    an error rate's heading did not say which was the human baseline. Without `scale`
    a threshold is its number alone."""
    prefix = "date" if "median_date" in frame.columns else "x"
    rows = []
    for r, text in zip(frame.iter_rows(named=True), texts, strict=True):
        median, low, high = (r[f"{k}_{prefix}"] for k in ("median", "lower", "upper"))
        if r["status"] != "forecast":
            cells = f'<td colspan="3">{_esc(text)}</td>'
        else:
            cells = "".join(
                f"<td>{_esc(v) if v is not None else f'after {_esc(until)}'}</td>"
                for v in (median, low, high)
            )
        chance = chance_text(r["probability_by_until"], r["probability_bound"])
        shown = _num(r["threshold"])
        if scale is not None:
            shown = scale.threshold_label(r["threshold"], shown)
        rows.append(
            f'<tr><td class="num">{_esc(shown)}</td>{cells}<td class="num">{chance}</td></tr>'
        )
    return (
        '<div class="scroll"><table class="crossings"><thead><tr><th class=num>threshold</th>'
        f"<th>median</th><th>from</th><th>to</th><th class=num>by {_esc(until)}</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _results(frame: pl.DataFrame) -> str:
    rows = []
    for r in frame.iter_rows(named=True):
        rows.append(
            "<tr>"
            f"{_cell(r['date'])}<td>{_text(r['model_name'] or r['model'])}</td>"
            f"<td>{_text(r['organization'])}</td>{_cell(r['score'])}<td>{_text(r['setting'])}</td>"
            f"<td>{_link(r['source_url'], 'source') if r['source_url'] else ''}</td></tr>"
        )
    return (
        '<div class="scroll"><table><thead><tr><th>date</th><th>model</th><th>organization</th>'
        "<th class=num>score</th><th>setting</th><th>source</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _prices(section: PriceSection) -> str:
    head = (
        f'<section id="prices"><h2>The price of a capability: {_text(section.name)} '
        f"{'&ge;' if section.higher_is_better else '&le;'} {_num(section.threshold)}"
        # No space before a unit a benchmark does not have: the heading ended in one.
        f"{' ' + _esc(section.unit) if section.unit else ''}</h2>"
    )
    undated = _price_note(section.undated, muted=True)
    past = _price_note(section.past_bound, muted=False)
    ahead = _price_note(section.ahead, muted=False)
    if section.problem is not None:
        # The cause first, as price-trend says it: a threshold past the ceiling is why
        # no priced model reaches it.
        return (
            f'{head}{ahead}{past}<p class="note problem">No price trend: '
            f"{_note(section.problem)}.</p>{undated}</section>"
        )
    notes = "".join(_price_note(said, muted) for said, muted in section.notes)
    points = section.points
    table = ""
    if points is not None:
        table = _table(
            points,
            {
                "date": "from",
                "model": "cheapest model",
                "provider": "provider",
                "blended_usd_per_mtok": "USD / Mtok (blended)",
                "input_usd_per_mtok": "input",
                "output_usd_per_mtok": "output",
                "score": "its best score",
            },
        )
    return (
        f"{head}<p>The cheapest model (at its cheapest provider) with a result at or beyond "
        f"the threshold, at each date the answer changes, and a log-linear trend through them: "
        f"{_text(section.headline)}.</p>"
        f'<figure class="chart" id="price-chart" data-chart="price">{_svg(section.chart or "")}'
        f"<figcaption>Blended price: 3 input tokens to 1 output token.</figcaption></figure>"
        f"{notes}{table}</section>"
    )


def _price_note(said: str | None, muted: bool) -> str:
    """A note on the price trend as a paragraph, none where there is no note."""
    if not said:
        return ""
    return f'<p class="{"muted" if muted else "note"}">Price trend: {_note(said)}.</p>'


def _changesets(report: Report) -> str:
    frame = report.changesets
    head = '<section id="changesets"><h2>Latest changesets</h2>'
    if frame.is_empty():
        return f'{head}<p class="muted">None.</p></section>'
    frame = frame.with_columns(pl.col("changes").list.join("; "))
    return (
        f"{head}{_table(frame, {'changeset': 'changeset', 'recorded_at': 'recorded (UTC)', 'author': 'author', 'message': 'message', 'changes': 'changes'})}"
        f"<p class=muted>{_command(report, 'log')} lists them all; "
        f"{_command(report, 'diff --since CHANGESET')} shows what changed after one.</p></section>"
    )


def _command(report: Report, name: str) -> str:
    """trendlab's command `name` on the database the page is of, as code: named by --db
    where a bare command reads another, whose figures would not be the page's."""
    return f"<code>{_esc(command_on(report.database, name))}</code>"


def _footer() -> str:
    return (
        f"<footer>Made by trendlab {_esc(__version__)} with <code>trendlab report</code>. "
        "The page is self-contained: no scripts, fonts or images are fetched.</footer>"
    )
