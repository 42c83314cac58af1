"""`trendlab forecast` end to end: output formats, plots, synthetic data, every error path."""

from __future__ import annotations

import html
import io
import json
import math
import re
import shlex
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest

from tests.conftest import Run, changeset_around, make_runner, revise_around
from tests.synthetic import decimal, logistic_scores, monthly, write_benchmark
from trendlab.db import Store

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _on(db: Path) -> str:
    """trendlab on `db` (not ./trendlab.duckdb), as a command an error suggests says it."""
    return f"trendlab --db {shlex.quote(str(db))}"


def _ok(result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_json_document_has_exactly_the_documented_shape(run: Run):
    doc = json.loads(_ok(run("forecast", "mmlu", "--until", "2030", "--json")))
    assert list(doc) == [
        "benchmark",
        "family",
        "by",
        "setting",
        "level",
        "fitted_on",
        "parameters",
        "forecast",
        "crossings",
        "notes",
    ]
    assert doc["benchmark"] == "mmlu" and doc["by"] == "date" and doc["level"] == 80
    assert doc["setting"] is None
    assert doc["family"] in ("logistic", "logistic4", "gompertz", "ensemble", "linear")
    assert set(doc["fitted_on"]) == {"points", "first", "last", "left_out"}
    assert doc["fitted_on"]["points"] >= 3 and ISO.match(doc["fitted_on"]["first"])
    points = doc["forecast"]
    assert points[-1]["date"] == "2030-12-31" and all(ISO.match(p["date"]) for p in points)
    assert all(set(p) == {"date", "median", "lower", "upper"} for p in points)
    assert all(25 <= p["lower"] <= p["median"] <= p["upper"] <= 100 for p in points)
    assert [p["date"] for p in points] == sorted(p["date"] for p in points)
    [crossing] = doc["crossings"]  # default: MMLU's human baseline
    assert crossing["threshold"] == 89.8
    assert set(crossing) == {
        "threshold",
        "median_date",
        "lower_date",
        "upper_date",
        "probability_by_until",
        "probability_bound",
        "status",
    }
    assert crossing["status"] == "reached"


def test_json_notes_are_stderr_s_notes_in_order(run: Run):
    """The notes went to stderr alone, so a script reading the JSON lost them: that the
    forecast's end and a crossing's date are before the day read, that thresholds are
    past a bound, that a chance is held at n/(n+1). The document carries each, in
    stderr's order: run_forecast's, then the thresholds', then the crossings'."""
    result = run("forecast", "gpqa-diamond", "--threshold", "95", "--threshold", "101",
                 "--threshold", "0.9", "--level", "95", "--as-of", "2030-01-01", "--json")  # fmt: skip
    notes = json.loads(_ok(result))["notes"]
    assert notes == result.stderr.splitlines()
    assert [n.split(" ", 2)[:2] for n in notes] == [
        ["auto", "chose"],
        ["the", "forecast"],  # ends 2029-12-31, before the --as-of day
        ["threshold", "101"],  # past the ceiling
        ["threshold", "0.9"],  # past the floor
        ["the", "median"],  # crosses 95 before the --as-of day
        ["the", "chance"],  # of crossing 95 is held at 22/23
    ]


def test_json_notes_are_empty_when_stderr_says_nothing(run: Run):
    result = run("forecast", "mmlu", "--family", "gompertz", "--until", "2030", "--json")
    assert json.loads(_ok(result))["notes"] == [] and result.stderr == ""


def test_the_ensemble_reports_each_members_parameters(run: Run):
    result = run("forecast", "gpqa-diamond", "--family", "ensemble", "--until", "2028", "--json")
    doc = json.loads(_ok(result))
    assert doc["family"] == "ensemble"
    assert list(doc["parameters"]) == ["logistic", "logistic4", "gompertz"]
    assert doc["parameters"]["logistic4"]["ceiling_lower"] <= 100
    assert all(25 <= p["lower"] <= p["median"] <= p["upper"] <= 100 for p in doc["forecast"])
    assert "not calibrated" not in result.stderr  # each member has its held-out residuals


def test_table_shows_yearly_points_crossings_and_parameters(run: Run):
    out = _ok(run("forecast", "mmlu", "--until", "2028", "--threshold", "95", "--threshold", "101"))
    assert "MMLU (mmlu)" in out and "80 % interval" in out
    rows = re.findall(r"^(\d{4}-\d{2}-\d{2}) ", out, flags=re.M)
    years = [int(r[:4]) for r in rows[: rows.index("2028-12-31") + 1]]
    assert all(r.endswith("-12-31") for r in rows[: len(years)])
    assert years == list(range(years[0], 2029)) and years[0] <= 2026
    assert "When mmlu reaches each threshold" in out and "never" in out
    assert "Parameters" in out and "slope" in out


def test_a_tables_figures_past_ten_thousand_keep_two_decimals_as_the_reports_do(run: Run):
    """Six significant digits showed a threshold of 12345.67 minutes as 12345.7 and a
    median of 11396.2168 as 11396.2, where the report gives 11,396.22."""
    args = ["forecast", "metr-time-horizon", "--until", "2029", "--threshold", "12345.67"]
    table = _ok(run(*args))
    doc = json.loads(_ok(run(*args, "--json")))
    medians = re.findall(r"^(\d{4}-12-31) +([\d.]+) ", table, flags=re.M)
    big = [(d, m) for d, m in medians if float(m) >= 10_000]
    assert big, table
    wanted = {p["date"]: f"{p['median']:.2f}".rstrip("0").rstrip(".") for p in doc["forecast"]}
    assert all(m == wanted[d] for d, m in medians), (medians, wanted)
    assert re.search(r"^ +12345\.67 ", table, flags=re.M), table


def test_csv_carries_monthly_points(run: Run):
    lines = _ok(run("forecast", "math", "--until", "2026", "--csv")).splitlines()
    assert lines[0] == "date,median,lower,upper"
    assert lines[1].startswith("2024-09-30") and lines[-1].startswith("2026-12-31")
    # The interval's lower end starts at today's best, written as the record has it,
    # not with the float noise of its round trip through v (90.04000000000002 on MMLU).
    first = _ok(run("forecast", "mmlu", "--until", "2026", "--csv")).splitlines()[1]
    assert first.split(",")[2] == "90.04", first


@pytest.mark.parametrize("out", ["--jsonl", "math.jsonl", "math.parquet"])
def test_jsonl_and_parquet_carry_the_csvs_monthly_points(run: Run, tmp_path: Path, out: str):
    args = ["forecast", "math", "--until", "2026", "--family", "logistic"]
    csv = pl.read_csv(io.StringIO(_ok(run(*args, "--csv"))))
    if out == "--jsonl":
        frame = pl.read_ndjson(io.StringIO(_ok(run(*args, "--jsonl"))))
    else:  # -o FILE: the suffix picks the format
        target = tmp_path / out
        assert _ok(run(*args, "-o", str(target))) == ""
        frame = pl.read_ndjson(target) if out.endswith(".jsonl") else pl.read_parquet(target)
    assert frame.columns == ["date", "median", "lower", "upper"]
    assert frame.height == csv.height
    if out.endswith(".parquet"):
        assert frame.schema["date"] == pl.Date  # a date, not text
    dates = frame.get_column("date").cast(pl.String).to_list()
    assert dates == csv.get_column("date").to_list()
    assert dates[0] == "2024-09-30" and dates[-1] == "2026-12-31"
    assert frame.drop("date").to_dicts() == csv.drop("date").to_dicts()


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_plot_writes_a_figure(run: Run, tmp_path: Path, suffix: str):
    target = tmp_path / f"mmlu{suffix}"
    result = run("forecast", "mmlu", "--plot", str(target), "--threshold", "95")
    assert result.exit_code == 0, result.stderr
    assert f"wrote {target}" in result.stderr
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in data[:2000]


@pytest.fixture
def synthetic(run_empty: Run, tmp_path: Path) -> Run:
    """An empty database plus a logistic benchmark and an exponential (minutes) one."""
    days = monthly(date(2018, 1, 15), 36)
    xs = np.array([decimal(d) for d in days])
    scores = logistic_scores(xs, slope=1.1, midpoint=2021.0, floor=25.0)
    write_benchmark(
        run_empty,
        tmp_path,
        "synth",
        days,
        [round(float(s), 4) for s in scores],
        floor=25.0,
        compute=[10 ** (21 + 0.15 * i) for i in range(len(days))],
    )
    minutes = 0.5 * 2 ** ((xs - 2018) * 12 / 7)
    write_benchmark(
        run_empty,
        tmp_path,
        "horizon",
        days,
        [round(float(m), 6) for m in minutes],
        unit="minutes",
        floor=None,
        ceiling=None,
    )
    return run_empty


def test_synthetic_logistic_is_recovered_through_the_cli(synthetic: Run):
    doc = json.loads(
        _ok(
            synthetic(
                "forecast",
                "synth",
                "--family",
                "logistic",
                "--json",
                "--threshold",
                "99",
                "--until",
                "2026",
            )
        )
    )
    assert doc["parameters"]["slope"] == pytest.approx(1.1, rel=0.02)
    assert doc["parameters"]["midpoint"][:7] in ("2020-12", "2021-01")
    crossing = doc["crossings"][0]
    # 99 on a 25..100 scale is z = 74/75: its logit / slope after the midpoint. The
    # intervals are calibrated on this benchmark's own backtest, which learns that a
    # frontier sampled every two months lags the smooth curve a little.
    expected = 2021.0 + np.log(74) / 1.1
    assert decimal(date.fromisoformat(crossing["median_date"])) == pytest.approx(expected, abs=0.2)
    assert crossing["probability_by_until"] > 0.9


def test_exponential_doubling_time_through_the_cli(synthetic: Run):
    doc = json.loads(_ok(synthetic("forecast", "horizon", "--json", "--threshold", "1e4")))
    assert doc["family"] == "exponential"  # auto on a benchmark with no ceiling
    assert doc["parameters"]["doubling_time_months"] == pytest.approx(7.0, rel=0.02)
    assert doc["forecast"][-1]["median"] > doc["forecast"][0]["median"] * 8
    bounded = synthetic("forecast", "horizon", "--family", "logistic")
    assert bounded.exit_code == 1
    assert (
        "needs a floor and a ceiling, and horizon lacks one or both: use "
        "exponential or linear" in bounded.stderr
    )
    capped = synthetic("forecast", "synth", "--family", "exponential")
    assert capped.exit_code == 1
    assert (
        "the exponential family is for benchmarks lacking a floor or a ceiling, and synth "
        "has both" in capped.stderr
    )


def test_the_exponential_refused_a_latency_with_a_floor_says_why(run: Run):
    """A latency (lower is better, in minutes) given only a floor was refused the
    exponential "for benchmarks with no ceiling, and lat has one": it set none, and a
    latency with neither bound, whose ceiling is also its unit's 0, fits one."""
    for slug, floor in (("lat", ["--floor", "200"]), ("bare", [])):
        _ok(run("add-benchmark", slug, "--unit", "minutes", "--no-higher-is-better", *floor))
        for i, score in enumerate(("120", "60", "35", "15")):
            _ok(run("add-result", "--date", f"{2020 + i}-06-01", "--source-url",
                    f"https://example.org/{slug}/{i}", "-m", "t", "gpt-4", slug, score))  # fmt: skip
    _ok(run("forecast", "bare", "--family", "exponential"))
    result = run("forecast", "lat", "--family", "exponential")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "trendlab: error: the exponential family is for benchmarks lacking a floor or a "
        "ceiling, and lat has both (its ceiling, not set, is its unit's end, 0 minutes); use "
        "one of logistic, logistic4, gompertz, ensemble, linear\n"
    )


def test_the_exponential_refused_names_only_the_bounds_its_unit_sets(run: Run):
    """The refusal said "(a bound not set is its unit's end, e.g. 0 minutes)" of every
    bounded benchmark, of one that sets both bounds too, and of a percent one."""
    for slug, bounds in (("set", ["--floor", "25", "--ceiling", "100"]), ("unset", [])):
        _ok(run("add-benchmark", slug, "--unit", "percent", *bounds))
        for i, score in enumerate(("30", "40", "55", "70")):
            _ok(run("add-result", "--date", f"{2020 + i}-06-01", "--source-url",
                    f"https://example.org/{slug}/{i}", "-m", "t", "gpt-4", slug, score))  # fmt: skip
    families = "use one of logistic, logistic4, gompertz, ensemble, linear\n"
    result = run("forecast", "set", "--family", "exponential")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "trendlab: error: the exponential family is for benchmarks lacking a floor or a "
        f"ceiling, and set has both; {families}"
    )
    result = run("forecast", "unset", "--family", "exponential")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "trendlab: error: the exponential family is for benchmarks lacking a floor or a "
        "ceiling, and unset has both (its floor and ceiling, not set, are its unit's ends, 0 "
        f"and 100 percent); {families}"
    )


def test_an_s_curve_on_scores_across_0_suggests_only_a_family_that_fits(run: Run):
    """A metric with no bounds and scores on both sides of 0 was told it was "unbounded at
    one end" and to use the exponential, which cannot fit scores across 0."""
    _ok(run("add-benchmark", "across", "--unit", "score", "-m", "t"))
    for i, score in enumerate(("-5", "-2", "1", "3")):
        _ok(run("add-result", "--date", f"{2020 + i}-06-01", "--source-url",
                f"https://example.org/across/{i}", "-m", "t", "--", "gpt-4", "across", score))  # fmt: skip
    result = run("forecast", "across", "--family", "gompertz")
    assert result.exit_code == 1
    assert result.stderr == (
        "trendlab: error: the gompertz family needs a floor and a ceiling, and across lacks "
        "one or both: use linear\n"
    )


def test_by_compute_and_all_and_setting(synthetic: Run):
    by_compute = synthetic("forecast", "synth", "--by", "compute", "--until", "1e28", "--json")
    doc = json.loads(_ok(by_compute))
    assert doc["by"] == "compute" and doc["forecast"][-1]["x"] == pytest.approx(1e28)
    # No backtest by compute: auto falls back and says why, and intervals stay raw.
    assert "auto chose logistic: backtests cover the frontier by date only" in by_compute.stderr
    assert "intervals are not calibrated" in by_compute.stderr
    assert set(doc["crossings"][0]) == {
        "threshold",
        "median_x",
        "lower_x",
        "upper_x",
        "probability_by_until",
        "probability_bound",
        "status",
    }
    blank = synthetic("forecast", "synth", "--setting", "")
    assert blank.exit_code == 2 and "--setting" in blank.stderr and "blank" in blank.stderr
    every = json.loads(_ok(synthetic("forecast", "synth", "--all", "--json")))
    assert every["fitted_on"]["points"] == 36
    # Fitted on every result, crossings are the typical result's, and the table says so.
    assert "When the trend of every synth result reaches" in _ok(
        synthetic("forecast", "synth", "--all")
    )
    # With --setting, of those results alone: it said "every synth result".
    assert 'When the trend of every synth result with a setting containing "5-shot" reaches' in (
        _ok(synthetic("forecast", "synth", "--all", "--setting", "5-shot"))
    )
    five = json.loads(_ok(synthetic("forecast", "synth", "--setting", "5-SHOT", "--json")))
    assert five["fitted_on"]["points"] == 18


def test_a_forecast_crossing_by_compute_reads_to_three_figures(run: Run):
    """A crossing by compute printed 12 significant digits (7.34962507315e+25) beside
    rows of 1e+26, a precision no forecast has. The table reads it to three, rounded up
    as a crossing's date is (a row at the FLOP it names has reached the threshold);
    JSON keeps every digit."""
    args = ("forecast", "mmlu", "--by", "compute", "--threshold", "92")
    [crossing] = json.loads(_ok(run(*args, "--json")))["crossings"]
    assert crossing["status"] == "forecast"
    [row] = [line.split() for line in _ok(run(*args)).splitlines() if line.split()[:1] == ["92"]]
    for end, cell in zip(("median", "lower", "upper"), row[1:4], strict=True):
        full = crossing[f"{end}_x"]
        assert f"{full:.3g}" != repr(full)  # more digits than three, or this proves nothing
        assert re.fullmatch(r"\d(\.\d{1,2})?e\+\d+", cell), row
        assert full <= float(cell) < full * 1.01, (end, cell, full)


def test_an_uncalibrated_chance_of_none_or_all_paths_is_a_bound(synthetic: Run):
    """Uncalibrated (--by compute), a threshold that none of the 2,000 paths crosses by
    --until printed a probability of 0, and one all of them cross 1: a certainty read
    off a finite simulation. Now it is the bound 2,000 paths resolve, as a calibrated
    chance at its cap is."""
    args = ("forecast", "synth", "--by", "compute", "--until", "3e26", "--family", "logistic")
    doc = json.loads(_ok(synthetic(*args, "--threshold", "99", "--threshold", "97", "--json")))
    none, all_ = doc["crossings"]
    assert (none["probability_bound"], all_["probability_bound"]) == ("upper", "lower")
    assert none["probability_by_until"] == pytest.approx(1 / 2001)
    assert all_["probability_by_until"] == pytest.approx(2000 / 2001)
    table = _ok(synthetic(*args, "--threshold", "99", "--threshold", "97"))
    assert re.search(r"^\s+99 .*≤ 0\.001\s+forecast$", table, re.M), table
    assert re.search(r"^\s+97 .*≥ 0\.999\s+forecast$", table, re.M), table


def test_json_names_the_setting_its_forecast_and_backtest_were_run_on(run: Run):
    """A saved JSON document did not say that it forecast only some settings' results:
    read later, a 5-shot forecast passed for one of every result."""
    doc = json.loads(_ok(run("forecast", "gsm8k", "--setting", "5-shot", "--json")))
    assert doc["setting"] == "5-shot"
    scored = json.loads(_ok(run("backtest", "mmlu", "--setting", "5-shot", "--json")))
    assert list(scored) == ["benchmark", "setting", "level", "rows"]
    assert scored["setting"] == "5-shot"
    assert json.loads(_ok(run("backtest", "mmlu", "--json")))["setting"] is None


def test_a_setting_given_with_spaces_around_is_read_as_settings_are_stored(run: Run):
    """Settings lose their surrounding spaces when written, as names do: a --setting
    of ' 5-shot ' matched no result, where `forecast ' gsm8k '` finds the benchmark."""
    for command in ("forecast", "backtest"):
        padded = json.loads(_ok(run(command, "mmlu", "--setting", "  5-shot ", "--json")))
        assert padded == json.loads(_ok(run(command, "mmlu", "--setting", "5-shot", "--json")))
        assert padded["setting"] == "5-shot"


def test_a_long_setting_is_quoted_short_in_an_error(run: Run, tmp_path: Path):
    """A --setting of 5,000 characters (a file pasted by mistake) made an error line of
    5,000 characters in forecast, plot and backtest: its start and length are quoted."""
    long = "x" * 5000
    shown = f"{'x' * 60!r}... (5000 characters)"
    settings = (
        "'0-shot', '2-shot', '5-shot', 'CoT@32 uncertainty-routed', "
        "'Epoch record recFedHhPHlgqWxpq', 'Epoch record recgIGiZ5lVnVM7rT'"
    )
    for args in (
        ["forecast", "mmlu"],
        ["plot", "mmlu", "--output", str(tmp_path / "mmlu.png")],
        ["backtest", "mmlu"],
    ):
        result = run(*args, "--setting", long)
        assert result.exit_code == 1
        assert result.stderr == (
            f"trendlab: error: no result on mmlu has a setting containing {shown}; "
            f"settings: {settings}\n"
        )
    every = run("backtest", "--all", "--setting", long)
    assert every.exit_code == 1
    assert every.stderr == (
        f"trendlab: error: no result on any benchmark has a setting containing {shown}\n"
    )


def test_the_table_names_the_setting_its_forecast_was_fitted_on(run: Run):
    """The table's title read as a forecast of every result, as if --setting had not
    been given; the figure's title names the setting, and so does the table's now."""
    table = _ok(run("forecast", "gsm8k", "--setting", "5-shot", "--family", "logistic"))
    assert table.startswith('GSM8K (gsm8k), settings containing "5-shot": logistic fitted on ')
    assert _ok(run("forecast", "gsm8k", "--family", "logistic")).startswith(
        "GSM8K (gsm8k): logistic fitted on "
    )


def test_a_falling_trend_of_every_result_says_when_it_passes_halfway(run: Run):
    """LAMBADA's later results score lower (its trend of every result falls): its
    midpoint was printed empty, null in JSON, with no note saying why. A falling
    curve passes halfway as a rising one does, on a date within the reach of a forecast."""
    doc = json.loads(_ok(run("forecast", "lambada", "--all", "--json")))
    assert doc["family"] == "logistic" and doc["parameters"]["slope"] < 0
    assert ISO.match(doc["parameters"]["midpoint"])
    medians = {p["date"]: p["median"] for p in doc["forecast"]}
    assert medians["2026-12-31"] > 50 and doc["parameters"]["midpoint"] > "2026-12-31"
    assert not any("unknown" in said for said in doc["notes"])


def test_a_midpoint_far_past_the_points_fitted_is_unknown_and_a_note_says_why(run: Run):
    """MMLU by price, its frontier rising 81.8 to 87.2 between $0.26 and $0.48 and no
    higher by $60, printed a logistic midpoint of 5.62e-12 USD per million tokens, 10.7
    orders of magnitude below any price fitted, with no word that the points cannot
    place it: it is null, and a note says why. A midpoint among the data stays."""
    doc = json.loads(_ok(run("forecast", "mmlu", "--by", "price", "--json")))
    assert doc["family"] == "logistic"
    assert doc["parameters"]["midpoint"] is None
    assert doc["notes"][-1] == (
        "mmlu's logistic midpoint is unknown: it would lie 10.7 orders of magnitude below "
        "the cheapest price fitted, past the 10 orders of magnitude a forecast may reach: "
        "the points fitted lie on too flat a stretch of the curve to place it"
    )
    near = json.loads(_ok(run("forecast", "gpqa-diamond", "--by", "price", "--json")))
    assert near["parameters"]["midpoint"] == pytest.approx(0.0316, rel=1e-2)
    assert not any("midpoint is unknown" in said for said in near["notes"])


def test_a_forecast_by_price_under_a_future_as_of_says_the_prices_are_announced_ones(run: Run):
    """By price, an --as-of after today read the database as it is now and took the
    prices announced for that day as in effect, without the note price-trend gives;
    the forecast by price gives it first, and one by date, which takes no price, not."""
    later = str(date.today().year + 2)
    doc = json.loads(_ok(run("forecast", "mmlu", "--by", "price", "--json", "--as-of", later)))
    assert doc["notes"][0] == (
        f"--as-of {later}-12-31 23:59:59 is in the future: the database is read as it is "
        f"now, with the prices announced for {later}-12-31 or before as in effect then"
    )
    by_date = json.loads(_ok(run("forecast", "mmlu", "--json", "--as-of", later)))
    assert not any("is in the future" in said for said in by_date["notes"])


def test_every_ensemble_member_whose_position_is_unknown_is_named_in_the_note(db: Path):
    """An ensemble's parameters left each far member's midpoint (inflection) null, but
    the note named only the first: MMLU by price put gompertz's inflection 12.8 orders
    of magnitude below the cheapest price as well as logistic's midpoint 10.7, and its
    null went unexplained. One note names both."""
    from trendlab.forecast.describe import describe
    from trendlab.forecast.families import Curve
    from trendlab.forecast.fit import forecast
    from trendlab.forecast.result import Forecast
    from trendlab.series import load_series

    with Store.open(db) as store:
        series = load_series(store, "mmlu", by="price")
    fits = [forecast(series, family=family) for family in ("logistic", "gompertz")]
    members = tuple(fit.curve for fit in fits)
    ensemble = Curve(
        "ensemble",
        "logit",
        np.array([]),
        np.zeros((0, 0)),
        members[0].x_ref,
        np.array([]),
        members[0].n,
        members=members,
    )
    axis = fits[0].axis
    both = Forecast(series, ensemble, axis, fits[0].paths, level=fits[0].level)
    parameters = describe(ensemble, series, axis, both.level)
    assert parameters["logistic"]["midpoint"] is None
    assert parameters["gompertz"]["inflection"] is None
    assert both.far_note() == (
        "mmlu's logistic midpoint and gompertz inflection are unknown: they would lie "
        "10.7 orders of magnitude below the cheapest price fitted and 12.8 orders of "
        "magnitude below the cheapest price fitted, past the 10 orders of magnitude a "
        "forecast may reach: the points fitted lie on too flat a stretch of the curve to "
        "place them"
    )


def test_the_table_by_compute_or_price_says_what_x_counts(run: Run):
    """By compute or price the table's x column is a bare number and its title did not
    say of what: `--by price --until 2030` printed rows of 100, 1000 and 2030, read as
    years. The title names the axis, as the figure's does; by date it is as it was."""
    compute = _ok(run("forecast", "mmlu", "--by", "compute", "--family", "logistic"))
    assert compute.startswith("MMLU (mmlu), by compute (x: training FLOP): logistic fitted on ")
    price = _ok(run("forecast", "gpqa-diamond", "--by", "price", "--until", "2030"))
    title, header = price.splitlines()[:2]
    assert title.startswith(
        "GPQA Diamond (gpqa-diamond), by price (x: USD per million tokens, 3:1 blend): "
    )
    assert header.split()[0] == "x"
    assert _ok(run("forecast", "mmlu", "--family", "logistic")).startswith(
        "MMLU (mmlu): logistic fitted on "
    )


def test_as_of_sees_the_past(run: Run):
    before = json.loads(_ok(run("forecast", "humaneval", "--json")))
    _ok(run("add-model", "future-coder", "--release-date", "2025-02-01", "-m", "t"))
    _ok(run("add-result", "future-coder", "humaneval", "97.5", "-m", "new best"))
    after = json.loads(_ok(run("forecast", "humaneval", "--json")))
    assert after["fitted_on"]["last"] == "2025-02-01"
    log = json.loads(_ok(run("log", "--json")))
    first = log[-1]["changeset"]
    past = json.loads(_ok(run("forecast", "humaneval", "--json", "--as-of", first)))
    assert past["fitted_on"] == before["fitted_on"]


def test_a_forecast_says_which_results_it_leaves_out_for_want_of_a_date(run: Run, db: Path):
    """A result is dated by its report, else its model's release: one with neither is
    not on the x axis, and the forecast says so rather than ignore it silently."""
    before = json.loads(_ok(run("forecast", "humaneval", "--json")))
    _ok(run("add-model", "undated-coder", "-m", "no release date known"))
    _ok(run("add-result", "undated-coder", "humaneval", "99", "-m", "undated"))
    result = run("forecast", "humaneval", "--json")
    after = json.loads(_ok(result))
    assert after["fitted_on"] == before["fitted_on"]
    assert (
        "1 result on humaneval left out: no reported_date, and the model has no "
        f"release_date (set one with `{_on(db)} edit model SLUG "
        '--set release_date=YYYY-MM-DD -m "..."`)'
    ) in result.stderr.splitlines()


def test_too_few_points_says_which_results_no_date_placed(run: Run, db: Path):
    """Three results whose model has no release date and no reported date: the error
    said "0 frontier points" and no more, and the note that they were left out never
    came (the error ends the command first), so nothing pointed at the fix."""
    _ok(run("add-model", "undated-lab", "-m", "no release date known"))
    _ok(run("add-benchmark", "nodates", "--unit", "percent", "-m", "t"))
    for i in range(3):
        _ok(run("add-result", "undated-lab", "nodates", str(20 * (i + 1)),
                "--source-url", f"https://example.org/nodates/{i}", "-m", "t"))  # fmt: skip
    left_out = (
        "; 3 results on nodates left out: no reported_date, and the model has no "
        f"release_date (set one with `{_on(db)} edit model SLUG "
        '--set release_date=YYYY-MM-DD -m "..."`)\n'
    )
    for args, error in (
        ((), "nodates has 0 frontier points; a trend needs at least 3"),
        (("--by", "compute"), "no model with results on nodates has a known training "
         "compute; --by compute needs at least 3"),
    ):  # fmt: skip
        result = run("forecast", "nodates", *args)
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr == f"trendlab: error: {error}{left_out}"


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["mmluu"], "no current benchmark 'mmluu' (did you mean 'mmlu'?)", 1),
        (["math-500"], "math-500 has 1 frontier point; a trend needs at least 3", 1),
        (["mmlu", "--until", "2022"], "--until 2022 is not after the last data point", 1),
        (["mmlu", "--until", "soon"], "--until: 'soon' is not a year or a date", 2),
        # Python's fromisoformat reads both as a date (2030-01-01, 2029-12-31).
        (["mmlu", "--until", "20300101"], "--until: '20300101' is not a year or a date", 2),
        (["mmlu", "--until", "2030-W01-1"], "--until: '2030-W01-1' is not a year or a date", 2),
        (["mmlu", "--by", "compute", "--until", "lots"], "'lots' is not a positive number", 2),
        # Wrong whatever the data, so a usage error before any error the data give:
        # math-500 has one frontier point.
        (["math-500", "--until", "2030-13-01"], "--until: '2030-13-01' is not a valid date", 2),
        (
            ["math-500", "--by", "compute", "--until", "2030-01-01"],
            "--until: '2030-01-01' is not a positive number of FLOP",
            2,
        ),
        # A year, what --until takes by date, read as FLOP without a word.
        (
            ["mmlu", "--by", "compute", "--until", "2030"],
            "--until 2030 (2030 FLOP, not the year 2030) is not beyond the largest compute",
            1,
        ),
        # To three figures GPT-4.5's 93.75 read as 93.7, which this --until is beyond.
        (
            ["gpqa-diamond", "--by", "price", "--until", "93.72"],
            "--until 93.72 is not beyond the largest price in the data (93.75 USD per million",
            1,
        ),
        (
            ["mmlu", "--as-of", "lately"],
            "--as-of: 'lately' is not a year, a date (YYYY-MM-DD), a timestamp",
            2,
        ),
        (["mmlu", "--as-of", "2024-02-30"], "--as-of: '2024-02-30' is not a valid date", 2),
        (["mmlu", "--as-of", "0ffff"], "no changeset '0ffff'", 1),
        # Python's fromisoformat read both as the start of 2024-01-01, not its end.
        (
            ["mmlu", "--as-of", "2024-W01-1"],
            "'2024-W01-1' is not a year, a date (YYYY-MM-DD), a timestamp",
            2,
        ),
        (
            ["mmlu", "--as-of", "20240101"],
            "no changeset '20240101'; for the date, write --as-of 2024-01-01",
            1,
        ),
        (["codeforces-percentile", "--by", "compute"], "--by compute needs at least 3", 1),
        (
            ["mmlu", "--family", "exponential"],
            "the exponential family is for benchmarks lacking a floor or a ceiling",
            1,
        ),
        (["mmlu", "--setting", "maj@"], "no result on mmlu has a setting containing 'maj@'", 1),
        (["mmlu", "--plot", "out.gif"], "the file name must end in .png or .svg", 2),
        # Empty, it drew nothing and said nothing, exit 0.
        (["mmlu", "--plot", ""], "--plot: the file name is empty; it must end in .png", 2),
        (
            ["mmlu", "--plot", "/no/such/dir/x.png"],
            "--plot /no/such/dir/x.png: no such directory",
            2,
        ),
    ],
)
def test_errors_are_one_line(run: Run, args: list[str], message: str, code: int):
    result = run("forecast", *args)
    assert result.exit_code == code
    assert result.stdout == ""
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and "internal error" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--until", "2022"], "--until 2022 is not after the last data point (2025-02-26)"),
        (["--until", "2076"], "--until 2076 is more than 50 years past the data"),
        (
            ["--family", "exponential"],
            "the exponential family is for benchmarks lacking a floor or a ceiling, and mmlu "
            "has both; use one of logistic, logistic4, gompertz, ensemble, linear",
        ),
    ],
)
def test_an_option_the_data_rule_out_is_refused_before_backtesting(
    db: Path, run: Run, args: list[str], message: str
):
    """No backtest changes these answers, so none is run for them: every benchmark's
    were run first (seconds on an empty cache) and written to the cache, for a
    forecast that was then refused."""
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM forecast_cache")
    result = run("forecast", "mmlu", *args)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == f"trendlab: error: {message}\n"
    with duckdb.connect(str(db)) as con:
        assert con.execute("SELECT count(*) FROM forecast_cache").fetchone() == (0,)


@pytest.mark.parametrize(
    "command",
    [("forecast", "mmlu"), ("price-trend", "mmlu", "--threshold", "80")],
)
def test_a_figure_and_the_output_in_one_file_is_refused(
    run: Run, tmp_path: Path, command: tuple[str, ...]
):
    """--plot and -o naming one file wrote the figure, said so, then wrote the JSON
    over it (exit 0). Named alike, -o is now refused as naming a figure; a link to the
    file -o writes is that file still."""
    figure = tmp_path / "out.svg"
    named = run(*command, "--plot", str(figure), "--json", "-o", str(figure))
    assert named.exit_code == 2 and "names a figure, which -o does not draw" in named.stderr
    assert not figure.exists()
    target = tmp_path / "out.json"
    (tmp_path / "link.svg").symlink_to(target)
    for plot in (str(tmp_path / "link.svg"), str(tmp_path / "." / "link.svg")):
        result = run(*command, "--plot", plot, "--json", "-o", str(target))
        assert result.exit_code == 2, result.stderr
        assert result.stderr.count("\n") == 1
        assert f"--plot {plot} is the file -o writes too: give each its own" in result.stderr
        assert not target.exists()
    target.write_text("")
    result = run(*command, "--plot", str(tmp_path / "link.svg"), "--json", "-o", str(target))
    assert result.exit_code == 2 and target.read_text() == ""


def test_infinite_score_is_reported(run: Run, db: Path):
    with duckdb.connect(str(db)) as con:
        con.execute(
            "INSERT INTO result_revisions SELECT id, 'r_00000000000000aa', 1, 'insert', "
            "'gpt-4', 'mmlu', '-inf'::DOUBLE, NULL, DATE '2024-01-01', 'https://x.org', "
            "NULL, NULL FROM changesets LIMIT 1"
        )
    result = run("forecast", "mmlu")
    assert result.exit_code == 1
    assert "result r_00000000000000aa has a non-finite score" in result.stderr


def test_a_nan_score_is_read_as_missing(run: Run, db: Path):
    """NaN, which only a write around trendlab stores, is an unknown score: frontier,
    latest and coverage, forecasts and backtests read the database as if the result
    were not there. It topped the frontier (DuckDB orders NaN above every number),
    hiding every later record, and a forecast refused the benchmark."""
    listed = run("list", "results", "--model", "gopher-280b", "--benchmark", "mmlu", "--json")
    gopher = [r["id"] for r in json.loads(_ok(listed))]  # the frontier's 60 (two sources)
    assert len(gopher) == 2, gopher  # with none, NaN and retracted read alike trivially
    reads = [
        ("query", "frontier", "--param", "benchmark=mmlu", "--json"),
        ("query", "latest", "--json"),
        ("query", "coverage", "--json"),
        ("forecast", "mmlu", "--until", "2027", "--json"),
        ("backtest", "mmlu", "--json"),
    ]
    with duckdb.connect(str(db)) as con:
        around = changeset_around(con)
        for key in gopher:
            revise_around(con, around, "result_revisions", key, score=math.nan)

    def read() -> list[object]:
        frontier, *rest = [json.loads(_ok(run(*args))) for args in reads]
        # Which of two results tied on one day and score the frontier shows is not fixed.
        with Store.open(db) as store:  # what price-trend and report read
            scores = store.scores("mmlu").sort("id").rows()
        return [[(r["date"], r["model"], r["score"]) for r in frontier], *rest, scores]

    with_nan = read()
    for key in gopher:
        _ok(run("retract", "result", key, "-m", "t"))
    assert with_nan == read()


@pytest.mark.parametrize(("price", "blend"), [(math.nan, "nan"), (math.inf, "inf")])
def test_a_price_with_no_log_is_named_by_a_forecast_by_price(
    run: Run, db: Path, price: float, blend: str, on_store: str
):
    """A NaN input price written around trendlab (`check` lists it) passed the
    forecast's `price > 0` (Polars orders NaN above every number) and its log was taken
    as an x, an infinite one as the largest. The forecast now names the price, as
    price-trend does, and sends the user to `check`."""
    with duckdb.connect(str(db)) as con:
        key = con.execute("SELECT key FROM price_revisions WHERE model = 'gpt-4o-mini'").fetchone()[
            0
        ]
        revise_around(con, changeset_around(con), "price_revisions", key, input_usd_per_mtok=price)
    with Store.open(db) as store:
        day = store.reading_day
    result = run("forecast", "mmlu", "--by", "price")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"trendlab: error: mmlu: the price of gpt-4o-mini in effect on {day} blends to "
        f"{blend} at 3:1, which a forecast by price cannot take the log of; `{on_store} "
        "check` lists the prices to mend\n",
    )


@pytest.mark.parametrize(("compute", "shown"), [(math.nan, "nan"), (math.inf, "inf")])
def test_a_compute_with_no_log_is_named_by_a_forecast_by_compute(
    run: Run, db: Path, compute: float, shown: str, on_store: str
):
    """A NaN training compute written around trendlab (`check` lists it) on MMLU's
    frontier passed `compute > 0` and its log was taken as an x: the forecast said the
    results "all share one training compute". It now names the model, as a price."""
    with duckdb.connect(str(db)) as con:
        revise_around(
            con,
            changeset_around(con),
            "model_revisions",
            "gemini-1.0-ultra",
            training_compute_flop=compute,
        )
    result = run("forecast", "mmlu", "--by", "compute")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"trendlab: error: mmlu: the training compute of gemini-1.0-ultra is {shown}, "
        f"which a forecast by compute cannot take the log of; `{on_store} check` lists "
        "the models to mend\n",
    )


def test_a_number_for_until_by_date_says_which_axis_takes_it(run: Run, tmp_path: Path):
    """--until 1e27 by date was only "not a year or a date", where the reverse mistake
    (--by compute --until 2030) names the year it was taken for. It now says a number
    of FLOP or USD is an --until by compute or price; a date mistyped is as it was."""
    hint = "; a number of FLOP or USD per million tokens is an --until with --by compute"
    for args in (
        ["forecast", "mmlu", "--until", "1e27"],
        ["plot", "mmlu", "--until", "93.75", "-o", str(tmp_path / "m.png")],
    ):
        result = run(*args)
        assert result.exit_code == 2, result.stderr
        assert f"is not a year or a date (YYYY or YYYY-MM-DD){hint}" in result.stderr
    assert not (tmp_path / "m.png").exists()
    # A date mistyped, a year written as a decimal or a negative number is no amount.
    for typo in ("20300101", "2030.5", "-5"):
        told = run("forecast", "mmlu", "--until", typo)
        assert told.exit_code == 2 and f"--until: '{typo}' is not a year" in told.stderr
        assert "--by compute" not in told.stderr, told.stderr


def test_level_is_validated_by_click(run: Run):
    result = run("forecast", "mmlu", "--level", "100")
    assert result.exit_code == 2 and "--level" in result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["forecast", "mmlu", "--level", "100"], "'--level': 100 is not in the range 1<=x<=99"),
        (["plot", "mmlu", "--level", "1e3", "-o", "x.png"], "'--level': 1e3 is not in"),
        (["backtest", "mmlu", "--level", "0"], "'--level': 0 is not in the range 1<=x<=99"),
        (["--lock-timeout", "-1", "list", "models"], "'--lock-timeout': -1 is not in"),
    ],
)
def test_a_number_out_of_range_is_named_as_it_was_given(run: Run, args: list[str], expected: str):
    """Click's range check named the float it read, not what was typed: --level 100 was
    "100.0 is not in the range", --level 1e3 "1000.0"."""
    result = run(*args)
    assert result.exit_code == 2, result.stderr
    (line,) = result.stderr.splitlines()
    assert expected in line, line


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["forecast", "mmlu", "--level", "0.8"], "1<=x<=99: --level is a percentage, e.g. 80"),
        (["backtest", "mmlu", "--level", ".95"], "1<=x<=99: --level is a percentage, e.g. 95"),
        (["plot", "mmlu", "--level", "0.999", "-o", "x.png"], "a percentage, e.g. 80"),
        (["price-trend", "--level", "0.9"], "--level is a percentage, e.g. 90"),
    ],
)
def test_a_level_given_as_a_fraction_is_told_it_is_a_percentage(
    run: Run, args: list[str], expected: str
):
    """--level 0.8, a level as statsmodels and scipy take it, was refused with Click's
    range alone, no hint that the level is in percent; it is told so, with the level
    meant where the range holds it (0.999 would be 99.9, past 99)."""
    result = run(*args)
    assert result.exit_code == 2, result.stderr
    (line,) = result.stderr.splitlines()
    assert expected in line, line


@pytest.mark.parametrize(
    ("args", "example"),
    [
        (["forecast", "mmlu", "--level", "80%"], "'80%' is not a number in digits 0-9, e.g. 80 ("),
        (["backtest", "mmlu", "--level", "5%"], "'5%' is not a number in digits 0-9, e.g. 80 ("),
        (["forecast", "mmlu", "--threshold", "9x"], "digits 0-9, e.g. 80, 0.5 or 1e27 ("),
    ],
)
def test_a_number_not_in_digits_is_shown_examples_its_option_takes(
    run: Run, args: list[str], example: str
):
    """--level 80% (a level in percent, typed with its sign) was told "e.g. 80, 0.5 or
    1e27", two of them outside --level's 1 to 99; it is shown only 80. An option of
    any number is shown all three."""
    result = run(*args)
    assert result.exit_code == 2, result.stderr
    (line,) = result.stderr.splitlines()
    assert example in line, line


# -- floor and ceiling: chance level and the best achievable, whichever way is better ----


def test_a_lower_is_better_benchmark_has_its_floor_above_its_ceiling(
    run_empty: Run, tmp_path: Path
):
    """An error rate: floor 100 (chance, the worst) and ceiling 0 (the best achievable),
    as the user enters them; the forecast falls towards the ceiling and reports the
    same floor and ceiling that `show benchmark` does."""
    days = monthly(date(2018, 1, 15), 36)
    xs = np.array([decimal(d) for d in days])
    errors = 100 - logistic_scores(xs, slope=1.1, midpoint=2021.0)
    write_benchmark(
        run_empty,
        tmp_path,
        "errs",
        days,
        [round(float(e), 4) for e in errors],
        floor=100.0,
        ceiling=0.0,
        higher_is_better=False,
    )
    shown = json.loads(_ok(run_empty("show", "benchmark", "errs", "--json")))
    assert (shown["floor"], shown["ceiling"]) == (100.0, 0.0)
    doc = json.loads(
        _ok(run_empty("forecast", "errs", "--family", "logistic", "--until", "2026", "--json"))
    )
    assert (doc["parameters"]["floor"], doc["parameters"]["ceiling"]) == (100.0, 0.0)
    assert doc["parameters"]["slope"] == pytest.approx(1.1, rel=0.05)
    points = doc["forecast"]
    best = float(errors.min())
    assert all(0 <= p["lower"] <= p["median"] <= p["upper"] <= best + 1e-6 for p in points)
    medians = [p["median"] for p in points]
    assert medians == sorted(medians, reverse=True), "an error rate's frontier only falls"
    # The default threshold is 90 % of the way from chance to the best: 10 %.
    assert doc["crossings"][0]["threshold"] == 10.0
    assert run_empty("check").exit_code == 0


def _set_benchmark(db: Path, slug: str, **values: object) -> None:
    """A new revision of a benchmark written with plain SQL, around trendlab (or as an
    older trendlab wrote it)."""
    with duckdb.connect(str(db)) as con:
        revise_around(con, changeset_around(con), "benchmark_revisions", slug, **values)


def test_a_frontier_past_the_ceiling_is_an_error_not_a_forecast(run: Run, db: Path, tmp_path: Path):
    """MMLU's best is 90.04: under a ceiling of 80 a forecast's median would sit below
    today's best. forecast, plot and backtest refuse, naming the score and the fix."""
    _set_benchmark(db, "mmlu", ceiling=80.0)
    message = (
        "mmlu: the best score, 90.04 by gemini-1.0-ultra, is above the ceiling 80 (the best "
        "achievable); correct the result, or set a ceiling of at least 90.04 with "
        f"`{_on(db)} edit benchmark mmlu --set ceiling=...`"
    )
    for args in (
        ["forecast", "mmlu"],
        ["forecast", "mmlu", "--json", "--setting", "5-shot"],
        ["forecast", "mmlu", "--by", "compute"],
        ["plot", "mmlu", "-o", str(tmp_path / "mmlu.png")],
        ["backtest", "mmlu"],
    ):
        result = run(*args)
        assert result.exit_code == 1, (args, result.stdout)
        assert result.stdout == ""
        assert result.stderr == f"trendlab: error: {message}\n", args
    assert not (tmp_path / "mmlu.png").exists()
    # The other benchmarks still forecast (mmlu's backtest simply leaves the pool), and
    # the scorecard says why it has no mmlu row, each time it is asked for.
    assert run("forecast", "gsm8k").exit_code == 0
    for _ in range(2):
        scorecard = run("backtest", "--all", "--json")
        assert scorecard.exit_code == 0, scorecard.stderr
        refused, short = scorecard.stderr.splitlines()
        assert refused == f"left out: {message}"
        assert short.startswith("left out (no origin with enough history") and "mmlu" not in short
        benchmarks = [doc["benchmark"] for doc in json.loads(scorecard.stdout)]
        assert "gsm8k" in benchmarks and "mmlu" not in benchmarks
    # Fixed the way the message says, the forecast starts at today's best again.
    fixed = run("edit", "benchmark", "mmlu", "--set", "ceiling=100", "-m", "back to 100")
    assert fixed.exit_code == 0, fixed.stderr
    doc = json.loads(_ok(run("forecast", "mmlu", "--json")))
    assert all(p["lower"] >= 90.04 for p in doc["forecast"])


def test_lower_is_better_bounds_stored_lowest_first_are_an_error(run: Run, db: Path):
    """A lower-is-better benchmark whose floor is below its ceiling (as trendlab read
    them before floor meant chance level either way) is refused with the swap."""
    _set_benchmark(db, "gsm8k", higher_is_better=False)  # floor 0, ceiling 100
    result = run("forecast", "gsm8k")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        "trendlab: error: gsm8k is lower-is-better, so its floor (chance level, the worst "
        "score) must be above its ceiling (the best achievable), not 0 below 100; swap them "
        f"with `{_on(db)} edit benchmark gsm8k --set floor=100 --set ceiling=0`\n"
    )


def test_extreme_values_print_no_numeric_warnings(run: Run, db: Path):
    """A score of 1e308 minutes is finite, so it is data; what numpy and matplotlib say
    while they overflow on it is not for the user (--debug shows it)."""
    _ok(run("add-result", "gpt-4", "metr-time-horizon", "1e308", "-m", "extreme"))

    def stderr(*args: str) -> str:
        command = [sys.executable, "-m", "trendlab", "--db", str(db), *args]
        proc = subprocess.run(command, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        return proc.stderr

    assert "Warning" not in stderr("forecast", "metr-time-horizon", "--all", "--csv")
    assert "RuntimeWarning: overflow" in stderr(
        "--debug", "forecast", "metr-time-horizon", "--all", "--csv"
    )


def test_too_few_models_with_a_compute_names_the_setting_that_left_them(run: Run, on_store: str):
    """gpqa-diamond has nine frontier points by compute; under --setting, 'only 1
    model(s) with results on gpqa-diamond' read as if the benchmark had one."""
    result = run("forecast", "gpqa-diamond", "--by", "compute", "--setting", "effort medium")
    assert result.exit_code == 1 and result.stdout == ""
    fix = f'{on_store} edit model SLUG --set training_compute_flop=... -m "..."'
    assert result.stderr == (
        "trendlab: error: only 1 model with results on gpqa-diamond with a setting "
        'containing "effort medium" has a known training compute; --by compute needs '
        "at least 3; 7 results on gpqa-diamond left out: their models' training compute is "
        f"unknown (set it with `{fix}`)\n"
    )


def test_errors_counting_what_setting_kept_name_the_setting(run: Run):
    """Under --setting, 'all 4 results are 50' and the like read as if the benchmark
    held only those, though its results of other settings were left out."""
    _ok(run("add-benchmark", "kept", "--unit", "percent", "--floor", "25", "-m", "new"))
    models = ("gpt-4", "gpt-4o", "claude-3-opus", "claude-3.5-sonnet")
    for i, model in enumerate(models):
        year = f"{2021 + i}-06-01"
        for setting, score, day in (
            ("flat", 50, year),
            ("low", 10 * (i + 1), year),
            ("day", 40 + 10 * i, "2024-06-01"),
        ):
            args = (model, "kept", str(score), "--date", day, "--setting", setting)
            _ok(run("add-result", *args, "-m", "a result"))

    def error(*args: str) -> str:
        result = run("forecast", "kept", *args)
        assert result.exit_code == 1 and result.stdout == ""
        return result.stderr

    assert error("--setting", "low", "--family", "logistic").startswith(
        'trendlab: error: kept: only 2 of its frontier points with a setting containing "low" '
        "are above the floor 25 (chance level), and the logistic family needs 3"
    )
    assert error("--setting", "flat", "--all") == (
        'trendlab: error: kept: all 4 results with a setting containing "flat" are 50, so '
        "there is no change to fit a trend to nor spread to give an interval from\n"
    )
    assert error("--setting", "day", "--all") == (
        'trendlab: error: kept: the 4 results with a setting containing "day" fitted all '
        "share one date, 2024-06-01, so they show no trend to fit\n"
    )
    assert error("--setting", "day").startswith(
        'trendlab: error: kept has 1 frontier point with a setting containing "day"; a trend '
    )


def test_a_forecast_past_the_largest_float_is_an_error_naming_when(run: Run):
    """An exponential that multiplies ten-billionfold a year outgrows a float within
    the 50 years --until allows: its table was NaN from then on, without a word. The
    error names the last month end still finite as the --until that works: "before
    2052-03-31" was no such advice, as 2052-03-30 outgrows a float too."""
    _ok(run("add-benchmark", "blowup", "--unit", "minutes", "-m", "new"))
    for year, score in zip(range(2021, 2026), ("1", "1e10", "1e20", "1e30", "1e40"), strict=True):
        _ok(
            run(
                "add-result",
                "gpt-4",
                "blowup",
                score,
                "--date",
                f"{year}-06-01",
                "--source-url",
                f"https://example.org/{year}",
                "-m",
                "a result",
            )
        )
    result = run("forecast", "blowup", "--family", "exponential", "--until", "2060")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        "trendlab: error: blowup: the forecast's scores outgrow the largest number "
        "trendlab can hold (about 1.8e+308) by 2052-03-31; forecast to an --until "
        "of 2052-02-29 or earlier\n"
    )
    result = run("forecast", "blowup", "--family", "exponential", "--until", "2052-03-30")
    assert result.exit_code == 1 and result.stderr == (
        "trendlab: error: blowup: the forecast's scores outgrow the largest number "
        "trendlab can hold (about 1.8e+308) by 2052-03-30; forecast to an --until "
        "of 2052-02-29 or earlier\n"
    )
    doc = json.loads(
        _ok(run("forecast", "blowup", "--family", "exponential", "--until", "2052-02-29", "--json"))
    )
    assert all(math.isfinite(p["median"]) for p in doc["forecast"])


def test_a_line_through_scores_whose_squares_overflow_says_so(run: Run):
    """A straight line through 1e100, 1e200 and 1e300 fits, but its robust covariance
    squares their distances from it, which no float holds; held at the largest float,
    it drew every path NaN (an error that the scores outgrow a float by the first month
    end, where the line's median is about 1e300) or, on other dates, a table of
    300-digit scores with a slope interval of width 0. Both now name what overflows."""
    scores = ("1e100", "1e200", "1e300")
    _new_benchmark(run, "huge", scores, "--unit", "score", "--floor", "0")
    _ok(run("add-benchmark", "huge2", "--unit", "score", "--floor", "0", "-m", "t"))
    for year, score in zip((2021, 2022, 2023), scores, strict=True):
        _ok(run("add-result", "gpt-4", "huge2", score, "--date", f"{year}-01-15",
                "--source-url", f"https://example.org/huge2/{year}", "-m", "t"))  # fmt: skip
    for slug in ("huge", "huge2"):
        result = run("forecast", slug, "--family", "linear")
        assert result.exit_code == 1 and result.stdout == "", (slug, result.stdout)
        assert result.stderr == (
            f"trendlab: error: {slug}: the linear family cannot be fitted to scores this large "
            "(up to 1e+300): its uncertainty squares their distances from its line, past the "
            "largest number trendlab can hold (about 1.8e+308)\n"
        )


def test_huge_forecast_scores_read_to_six_significant_digits(run: Run):
    """The table rounds a forecast to two decimals, as the report does: one of 1e20
    showed every digit a double has (4.1099999999999997e+20). From 1e15 up it reads to
    six significant digits, as the report's numbers do; JSON keeps its own."""
    digits = 6
    _new_benchmark(run, "extreme", ("1e20", "2.5e20", "3.7e20"), "--unit", "score")
    args = ("forecast", "extreme", "--family", "linear")
    points = {p["date"]: p for p in json.loads(_ok(run(*args, "--json")))["forecast"]}
    rows = [line.split() for line in _ok(run(*args)).splitlines() if ISO.match(line[:10])]
    assert rows
    for day, *cells in rows:
        for name, cell in zip(("median", "lower", "upper"), cells, strict=True):
            mantissa = cell.split("e")[0].replace(".", "").lstrip("0")
            assert "e" in cell and len(mantissa) <= digits, (day, name, cell)
            assert float(cell) == pytest.approx(points[day][name], rel=10.0 ** (1 - digits))


def test_a_retracted_benchmark_leaves_every_forecast_working(run: Run, tmp_path: Path):
    """A retracted benchmark has no data version: it is not in the calibration pool,
    the scorecard or the report, and nothing else is disturbed by it."""
    _ok(run("add-benchmark", "gone-bench", "--unit", "percent", "-m", "new"))
    _ok(run("retract", "benchmark", "gone-bench", "-m", "a mistake"))
    doc = json.loads(_ok(run("forecast", "math", "--json")))
    assert doc["benchmark"] == "math"
    docs = json.loads(_ok(run("backtest", "--all", "--json")))
    assert "gone-bench" not in {d["benchmark"] for d in docs} and len(docs) > 5
    _ok(run("plot", "math", "-o", str(tmp_path / "math.png")))
    _ok(run("report", "-o", str(tmp_path / "report.html")))
    assert (tmp_path / "math.png").stat().st_size > 0


def test_the_level_widens_the_interval_around_the_same_median(run: Run):
    """auto compares families at 80 %, so asking for 50 or 95 % changes the width of
    the interval, never the family or its median."""
    docs = {
        level: json.loads(_ok(run("forecast", "mmlu", "--level", level, "--json")))
        for level in ("50", "80", "90", "95", "99")
    }
    assert len({doc["family"] for doc in docs.values()}) == 1
    medians = {level: [p["median"] for p in doc["forecast"]] for level, doc in docs.items()}
    assert all(m == medians["80"] for m in medians.values())
    last = {level: doc["forecast"][-1] for level, doc in docs.items()}
    widths = [last[lv]["upper"] - last[lv]["lower"] for lv in ("50", "80", "95")]
    assert widths[0] <= widths[1] <= widths[2] and widths[0] < widths[2]


def test_forecast_and_backtest_give_the_level_as_it_was_given(run: Run):
    """--level 5.123456789 was 5.12346 % in forecast's headline and 5.1235 in its JSON,
    and 5.12346 % in backtest's headline: each gives it as it was given."""
    level = ("--level", "5.123456789")
    headline = _ok(run("forecast", "mmlu", *level)).splitlines()[0]
    assert "median and 5.123456789 % interval (" in headline
    assert json.loads(_ok(run("forecast", "mmlu", *level, "--json")))["level"] == 5.123456789
    title = _ok(run("backtest", "mmlu", *level)).splitlines()[0]
    assert "; 5.123456789 % intervals " in title
    assert json.loads(_ok(run("backtest", "mmlu", *level, "--json")))["level"] == 5.123456789
    # Past 15 significant digits, one number in all four (the backtest's JSON was not).
    level = ("--level", "33.333333333333336")
    given = 33.3333333333333
    assert f"median and {given} % interval (" in _ok(run("forecast", "mmlu", *level))
    assert json.loads(_ok(run("forecast", "mmlu", *level, "--json")))["level"] == given
    assert f"; {given} % intervals " in _ok(run("backtest", "mmlu", *level))
    assert json.loads(_ok(run("backtest", "mmlu", *level, "--json")))["level"] == given


def test_an_until_amount_reads_back_as_given(synthetic: Run):
    # x is log10 of the amount, and 10 ** log10(3e27) is 3.000000000000001e+27.
    result = synthetic("forecast", "synth", "--by", "compute", "--until", "3e27", "--csv")
    assert _ok(result).splitlines()[-1].split(",")[0] == "3e+27"
    doc = json.loads(
        _ok(synthetic("forecast", "synth", "--by", "compute", "--until", "3e27", "--json"))
    )
    assert doc["forecast"][-1]["x"] == 3e27


def test_by_compute_the_forecast_starts_a_step_after_the_largest_compute(run: Run):
    """With 1e24 FLOP the largest compute (log10 23.999999999999996 in Polars), the
    table's and JSON's first point was 1e24 itself, the data's end with an interval
    of width 0, and an --until of 1e24 was taken as beyond the data."""
    _ok(run("add-benchmark", "flops", "--unit", "percent", "--floor", "0", "--ceiling", "100",
            "-m", "t"))  # fmt: skip
    for i, (compute, score) in enumerate((("1e21", "30"), ("1e22", "45"), ("1e23", "60"),
                                          ("1e24", "72"))):  # fmt: skip
        _ok(run("add-model", f"flops-{i}", "--release-date", f"202{i}-06-01",
                "--training-compute-flop", compute, "-m", "t"))  # fmt: skip
        _ok(run("add-result", f"flops-{i}", "flops", score, "-m", "t"))
    doc = json.loads(_ok(run("forecast", "flops", "--by", "compute", "--json")))
    # A twelfth of an order of magnitude on: 10 ** (24 + 1/12) FLOP, not rounded to
    # six significant digits (1.21153e24).
    firsts = [p["x"] for p in doc["forecast"][:2]]
    assert firsts == pytest.approx([10 ** (24 + k / 12) for k in (1, 2)], rel=1e-10)
    assert firsts[0] != 1.21153e24
    assert doc["forecast"][-1]["x"] == 1e26 and len(doc["forecast"]) == 24
    table = _ok(run("forecast", "flops", "--by", "compute")).splitlines()
    assert table[3].split()[0] == "1e+25"  # the first yearly row: 1e24 is the data's
    until = run("forecast", "flops", "--by", "compute", "--until", "1e24")
    assert (until.exit_code, until.stdout) == (1, "")
    assert until.stderr == (
        "trendlab: error: --until 1e24 is not beyond the largest compute in the data (1e+24 FLOP)\n"
    )


def test_fitted_on_by_compute_spans_the_points_fitted(run: Run):
    """By compute the axis is not time: fitted_on gives the dates of the compute
    frontier's points, not of MMLU's latest result, which is not among them."""
    doc = json.loads(_ok(run("forecast", "mmlu", "--by", "compute", "--json")))
    by_date = json.loads(_ok(run("forecast", "mmlu", "--json")))
    assert by_date["fitted_on"]["last"] == "2025-02-26"  # MMLU's latest result
    # The compute frontier's points: its records and its largest-compute model.
    assert doc["fitted_on"] == {
        "points": 8, "first": "2023-09-11", "last": "2024-12-26", "left_out": 0,
    }  # fmt: skip


def test_json_gives_prices_and_flop_to_the_digits_the_csv_does(run: Run):
    """The README says a forecast's x values by compute or price are given to 12
    significant digits; JSON rounded them to four decimals as it does scores, so MMLU's
    price of 121.152765854 on the CSV's row was 121.1528 in JSON, and a crossing's
    lower_x 110.800259892 was 110.8003. Scores keep their four decimals."""
    doc = json.loads(_ok(run("forecast", "mmlu", "--by", "price", "--json")))
    csv = pl.read_csv(io.StringIO(_ok(run("forecast", "mmlu", "--by", "price", "--csv"))))
    assert [row["x"] for row in doc["forecast"]] == csv.get_column("x").to_list()
    assert 121.152765854 in csv.get_column("x").to_list()
    (crossing,) = doc["crossings"]
    assert crossing["lower_x"] == 110.800259892
    assert doc["forecast"][0]["upper"] == 88.382  # a score: four decimals, as before
    compute = json.loads(_ok(run("forecast", "mmlu", "--by", "compute", "--json")))
    assert compute["forecast"][1]["x"] == 6.81292069006e25


def test_fitted_on_by_price_spans_the_plateau_before_the_records(run: Run):
    """By price MMLU's frontier is two 2024 records and its level at GPT-3's $60 of
    2020, the dearest price: fitted_on's last took that point's date but its first did
    not, and the title said the points fitted ran from 2024-07-18."""
    doc = json.loads(_ok(run("forecast", "mmlu", "--by", "price", "--json")))
    assert doc["fitted_on"] == {
        "points": 2, "first": "2020-09-07", "last": "2024-12-26", "left_out": 0,
    }  # fmt: skip
    table = _ok(run("forecast", "mmlu", "--by", "price"))
    assert " fitted on 2 frontier points from 2020-09-07 to 2024-12-26; " in table


def test_fitted_on_with_all_spans_only_the_results_fitted(run: Run):
    """With --all there is no plateau: the dearest result is one of the results, and
    an S-curve leaves it out at the floor. Its date was taken as fitted_on's first, so
    the title said the 4 results fitted ran from 2019, the year of the one left out."""
    assert _ok(run("add-benchmark", "fo-bench", "--unit", "percent", "--floor", "25"))
    for slug, usd, score, day in (
        ("fo-a", "1", "60", "2023-01-01"),
        ("fo-b", "2", "70", "2023-06-01"),
        ("fo-c", "3", "80", "2024-01-01"),
        ("fo-d", "4", "85", "2024-06-01"),
        ("fo-e", "100", "20", "2019-01-01"),
    ):
        assert _ok(run("add-model", slug))
        assert _ok(run("add-price", slug, "OpenAI", day, "--input", usd, "--output", usd))
        url = f"https://example.org/{slug}"
        assert _ok(run("add-result", slug, "fo-bench", score, "--date", day, "--source-url", url))
    args = ("forecast", "fo-bench", "--by", "price", "--family", "logistic", "--json")
    every = json.loads(_ok(run(*args, "--all")))["fitted_on"]
    assert every == {"points": 4, "first": "2023-01-01", "last": "2024-06-01", "left_out": 1}
    # On the frontier the dearest result's date is the plateau's, fitted at 85.
    frontier = json.loads(_ok(run(*args)))["fitted_on"]
    assert frontier == {"points": 4, "first": "2019-01-01", "last": "2024-06-01", "left_out": 0}


@pytest.mark.parametrize("command", ["forecast", "plot", "report", "price-trend"])
def test_help_shows_no_empty_range(run: Run, command: str):
    """An unbounded number (--threshold) has no range to show, not 'x<=None'."""
    shown = run(command, "--help")
    assert shown.exit_code == 0 and "threshold" in shown.stdout
    assert "None" not in shown.stdout


def test_a_benchmark_unknown_as_of_a_moment_says_what_as_of_means(run: Run, tmp_path: Path):
    """A forecaster's --as-of before MATH's results (as of 2020, say) reads a seeded
    database before its seeding: the error says when MATH was recorded, which it
    did not, so that --as-of is not taken for a result's date. Named in full-width
    letters (ＭＡＴＨ, as math matches), it said no date. A report's and a listing's
    words are one (report said 'unknown benchmark' where list said 'no current')."""
    (seeded,) = json.loads(_ok(run("log", "--json")))
    recorded = seeded["recorded_at"][:19].replace("T", " ")
    named = (
        ("MATH", ["forecast", "MATH"]),
        ("ＭＡＴＨ", ["forecast", "ＭＡＴＨ"]),
        ("math", ["price-trend", "math", "--threshold", "50"]),
        ("math", ["report", "--benchmark", "math", "-o", str(tmp_path / "report.html")]),
        ("math", ["list", "results", "--benchmark", "math"]),
    )
    for name, args in named:
        result = run(*args, "--as-of", "2020-01-01")
        assert result.exit_code == 1
        assert result.stderr == (
            f"trendlab: error: no current benchmark {name!r} as of 2020-01-01 23:59:59 "
            f"(--as-of is when changes were recorded); it was first recorded at {recorded}\n"
        )
    # A name of no benchmark, then or now, gets no date.
    never = run("forecast", "nope", "--as-of", "2020-01-01")
    assert never.stderr == (
        "trendlab: error: no current benchmark 'nope' as of 2020-01-01 23:59:59 (--as-of is when "
        "changes were recorded)\n"
    )


def test_a_benchmark_with_no_results_as_of_a_moment_says_so_and_when_they_came(
    run: Run, tmp_path: Path
):
    """A benchmark recorded before its results, read as of a moment between, said
    "err has 0 frontier points", as if the data were thin rather than not yet there."""
    _ok(run("add-benchmark", "fresh", "--unit", "percent", "-m", "t"))
    added = json.loads(_ok(run("log", "--json", "--limit", "1")))[0]
    _new_benchmark(run, "later", (), "--unit", "percent")  # never given a result
    for i, model in enumerate(("gpt-3.5", "gpt-4", "gpt-4o")):
        _ok(run("add-result", model, "fresh", str(50 + i), "--source-url",
                f"https://example.org/fresh/{i}", "-m", "t"))  # fmt: skip
    first = json.loads(_ok(run("log", "--json", "--limit", "3")))[-1]
    as_of = added["recorded_at"].replace("T", " ")  # a changeset's moment, to the microsecond
    # To the second, or to the microsecond when the result fell in --as-of's own second,
    # so that it reads as later (Store.moment_after_as_of).
    at = datetime.fromisoformat(first["recorded_at"])
    later = at.replace(microsecond=0) > datetime.fromisoformat(added["recorded_at"])
    recorded = at.isoformat(sep=" ", timespec="seconds" if later else "microseconds")
    for args in (["forecast", "fresh"], ["plot", "fresh", "-o", str(tmp_path / "f.png")]):
        result = run(*args, "--as-of", added["changeset"])
        assert result.exit_code == 1
        assert result.stderr == (
            f"trendlab: error: nothing was known of results on fresh as of {as_of} (--as-of "
            f"is when changes were recorded); the first was recorded at {recorded}\n"
        )
    assert not (tmp_path / "f.png").exists()
    never = run("forecast", "later", "--as-of", "2999")
    assert never.exit_code == 1
    assert never.stderr.endswith("; none has been recorded yet\n")
    now = run("forecast", "later")
    assert now.exit_code == 1
    assert now.stderr == "trendlab: error: later has no results; a trend needs at least 3\n"


def test_a_benchmark_whose_results_are_all_retracted_says_so(run: Run):
    """A benchmark whose two results were retracted said "gone has no results", as one
    never given any does, to a user who could list them in `history`."""
    _new_benchmark(run, "gone", ("40", "50"), "--unit", "percent")
    before = json.loads(_ok(run("log", "--json", "--limit", "1")))[0]["changeset"]
    for record in json.loads(_ok(run("list", "results", "--benchmark", "gone", "--json"))):
        _ok(run("retract", "result", record["id"], "-m", "t"))
    said = "trendlab: error: gone has no results: its 2 results were retracted; a trend needs "
    for args in (["forecast", "gone"], ["backtest", "gone"]):
        result = run(*args)
        assert result.exit_code == 1
        assert result.stderr == said + "at least 3\n"
    retracted = json.loads(_ok(run("log", "--json", "--limit", "1")))[0]["changeset"]
    then = run("forecast", "gone", "--as-of", retracted)
    assert then.exit_code == 1
    assert then.stderr.endswith(
        ": its 2 results were retracted by then; a trend needs at least 3\n"
    )
    # Before they were retracted, they were two points, too few: not retracted.
    earlier = run("forecast", "gone", "--as-of", before).stderr
    assert earlier.startswith("trendlab: error: gone has 2 frontier points as of ")
    assert earlier.endswith("; a trend needs at least 3\n") and "retracted" not in earlier


def test_a_benchmark_whose_results_were_retracted_as_of_a_moment_has_none_then(
    run: Run, tmp_path: Path
):
    """As of a moment after every result of a benchmark was retracted, forecast, plot
    and the report said "nothing was known of results on gone", though they were known
    then, and retracted."""
    _ok(run("add-benchmark", "gone", "--unit", "percent", "-m", "t"))
    for i, model in enumerate(("gpt-3.5", "gpt-4", "gpt-4o")):
        _ok(run("add-result", model, "gone", str(50 + i), "--date", f"202{i}-06-01", "-m", "t"))
        _ok(run("retract", "result", f"{model}/gone", "-m", "t"))
    [retracted] = json.loads(_ok(run("log", "--json", "--limit", "1")))
    as_of = retracted["recorded_at"].replace("T", " ")
    for args in (["forecast", "gone"], ["plot", "gone", "-o", str(tmp_path / "g.png")]):
        result = run(*args, "--as-of", retracted["changeset"])
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == (
            f"trendlab: error: gone has no results as of {as_of} (--as-of is when changes "
            "were recorded): its 3 results were retracted by then; a trend needs at least 3\n"
        )


def test_too_few_points_as_of_a_moment_says_what_as_of_reads(run: Run, tmp_path: Path):
    """As of a moment after thin's first result, "thin has 1 frontier point" read as
    thin data, though thin has three today: the error says it reads as of then."""
    _new_benchmark(run, "thin", ("40",), "--unit", "percent")
    [then] = json.loads(_ok(run("log", "--json", "--limit", "1")))
    for i, score in enumerate(("50", "60"), start=1):
        _ok(run("add-result", "gpt-4o", "thin", score, "--date", f"{2023 + i}-06-01",
                "--source-url", f"https://example.org/thin/more/{i}", "-m", "t"))  # fmt: skip
    moment = then["recorded_at"].replace("T", " ")
    for args in (["forecast", "thin"], ["plot", "thin", "-o", str(tmp_path / "t.png")]):
        result = run(*args, "--as-of", then["changeset"])
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == (
            f"trendlab: error: thin has 1 frontier point as of {moment} (--as-of is when "
            "changes were recorded); a trend needs at least 3\n"
        )
    _ok(run("forecast", "thin"))


def test_no_result_in_a_setting_as_of_a_moment_says_what_as_of_reads(run: Run):
    """As of a moment before any 5-shot result on wide, "no result on wide has a setting
    containing '5-shot'" read as if it had none today: the error says it reads as of
    then."""
    _new_benchmark(run, "wide", ("40", "45", "50"), "--unit", "percent")
    [then] = json.loads(_ok(run("log", "--json", "--limit", "1")))
    _ok(run("add-result", "gpt-4o", "wide", "60", "--date", "2024-06-01", "--setting",
            "5-shot", "--source-url", "https://example.org/wide/5", "-m", "t"))  # fmt: skip
    moment = then["recorded_at"].replace("T", " ")
    result = run("forecast", "wide", "--setting", "5-shot", "--as-of", then["changeset"])
    assert (result.exit_code, result.stderr) == (
        1,
        "trendlab: error: no result on wide has a setting containing '5-shot' as of "
        f"{moment} (--as-of is when changes were recorded); settings: none recorded\n",
    )


@pytest.mark.parametrize(
    "args",
    [
        ["forecast", "{}", "--until", "2030", "--json"],
        ["forecast", "{}", "--by", "compute", "--json"],
        ["backtest", "{}", "--json"],
        ["price-trend", "{}", "--threshold", "80", "--json"],
    ],
    ids=lambda args: args[0] + ("-compute" if "compute" in args else ""),
)
def test_a_benchmark_is_named_in_any_case(run: Run, args: list[str]):
    """Slugs have no capitals, so MMLU names mmlu, as a key does in show or list; the
    output names it by its slug. Nor have they surrounding spaces, which a name given
    to add-result could always have and a benchmark to forecast could not."""
    lower = json.loads(_ok(run(*(a.format("mmlu") for a in args))))
    upper = json.loads(_ok(run(*(a.format("MMLU") for a in args))))
    spaced = json.loads(_ok(run(*(a.format(" mmlu ") for a in args))))
    assert upper == lower == spaced and upper["benchmark"] == "mmlu"


def test_plot_and_report_name_a_benchmark_in_any_case(run: Run, tmp_path: Path):
    figure = tmp_path / "mmlu.png"
    drawn = run("plot", "MMLU", "-o", str(figure))
    assert drawn.exit_code == 0, drawn.stderr
    assert figure.stat().st_size > 0
    table = _ok(run("forecast", "MMLU", "--until", "2028"))
    assert "MMLU (mmlu)" in table and "When mmlu reaches" in table
    page = tmp_path / "report.html"
    args = ["--benchmark", "MMLU", "--benchmark", "mmlu", "--price-benchmark", "Mmlu"]
    reported = run("report", "-o", str(page), *args)
    assert reported.exit_code == 0, reported.stderr
    assert "1 benchmark, 1 with a forecast" in reported.stderr  # MMLU and mmlu are one
    assert "price-chart-mmlu" in page.read_text(encoding="utf-8")
    # In the state --as-of reads: a benchmark not yet recorded is unknown in any case.
    early = run("forecast", "MATH", "--as-of", "2020-01-01")
    assert early.exit_code == 1
    assert early.stderr.startswith("trendlab: error: no current benchmark 'MATH' as of 2020-01-01")
    typo = run("plot", "MMLUU", "-o", str(figure))
    assert typo.exit_code == 1
    assert typo.stderr == "trendlab: error: no current benchmark 'MMLUU' (did you mean 'mmlu'?)\n"


def test_a_straight_line_into_the_ceiling_is_called_a_bound_not_a_trend(run: Run):
    """A line asked for by name runs into MMLU's ceiling and its clipped paths make a
    point interval there: the forecast says so, and says when. auto's curve bends
    before the ceiling and gets no such note."""
    line = run("forecast", "mmlu", "--family", "linear", "--until", "2030", "--json")
    doc = json.loads(_ok(line))
    said = re.search(r"linear median reaches 100 by (\S+) \(within 0.075 of it,", line.stderr)
    assert said, line.stderr
    medians = {p["date"]: p["median"] for p in doc["forecast"]}
    # A thousandth of MMLU's 25-100 range short of the ceiling counts as at it.
    assert medians[said[1]] >= 99.925 > max(m for d, m in medians.items() if d < said[1])
    auto = run("forecast", "mmlu", "--until", "2030", "--json")
    assert "held there" not in _ok(auto) + auto.stderr
    by_compute = run("forecast", "mmlu", "--family", "linear", "--by", "compute")
    assert re.search(r"reaches 100 by \d\.\d+e\+\d+ FLOP \(within", by_compute.stderr)


def test_a_line_reaches_the_ceiling_in_its_crossing_when_its_note_says_so(run: Run):
    """The note said the linear median reaches 100 by 2025-10-31, and the crossing of
    100 had no median date, reached by a quarter of the paths: those whose calibrated
    logit overflowed to exactly 100, where the others stop a hair short."""
    for until in ("2028", "2030"):
        line = run("forecast", "mmlu", "--family", "linear", "--threshold", "100",
                   "--threshold", "99.99", "--until", until, "--json")  # fmt: skip
        said = re.search(r"linear median reaches 100 by (\S+) \(within 0.075 of it, as the "
                         r"crossing of 100 counts\) and is held there", line.stderr)  # fmt: skip
        assert said, line.stderr
        at_ceiling, just_under = json.loads(_ok(line))["crossings"]
        assert at_ceiling["status"] == "forecast" and at_ceiling["probability_by_until"] > 0.5
        # The median path comes within 0.075 in the note's month, not before it.
        assert at_ceiling["median_date"][:7] == said[1][:7]
        assert just_under | {"threshold": 100} == at_ceiling


def test_a_crossing_the_day_after_the_data_is_at_most_the_supported_chance(run: Run):
    """99 on GPQA Diamond a day after its latest result read 0.043, a 4 % chance: only
    the least the seeds' 22 held-out misses support, so it reads as at most that."""
    args = ["forecast", "gpqa-diamond", "--threshold", "99", "--until", "2026-04-09"]
    assert re.search(r"^ +99 +≤ 0\.044 +forecast$", _ok(run(*args)), flags=re.M)
    [crossing] = json.loads(_ok(run(*args, "--json")))["crossings"]
    assert crossing["probability_by_until"] == 0.0435
    assert crossing["probability_bound"] == "upper"


def test_a_crossing_row_never_contradicts_the_monthly_table(run: Run):
    """METR's 1,000 minutes: the crossing's lower date was 2026-12-31, the month end
    whose upper bound is 998.5 (the 90th percentile path crosses a third of a day
    later, and the date was rounded to the nearest day). Every crossing date is now on
    or before a monthly row exactly when that row's median, or interval end, has
    reached the threshold."""
    for slug, thresholds in (("metr-time-horizon", (300, 1000, 5000)), ("math", (95, 99))):
        args = [a for t in thresholds for a in ("--threshold", str(t))]
        doc = json.loads(_ok(run("forecast", slug, *args, "--until", "2030", "--json")))
        rows = doc["forecast"]
        assert [c["threshold"] for c in doc["crossings"]] == list(thresholds)
        for crossing in doc["crossings"]:
            assert crossing["status"] == "forecast", crossing
            for end, column in (("median", "median"), ("lower", "upper"), ("upper", "lower")):
                when = crossing[f"{end}_date"]
                for row in rows:
                    crossed = when is not None and when <= row["date"]
                    assert crossed == (row[column] >= crossing["threshold"]), (slug, end, row)


def _new_benchmark(run: Run, slug: str, scores: tuple[str, ...], *options: str) -> None:
    """A benchmark of the test's own (add-benchmark SLUG OPTIONS), with GPT-4 results of
    `scores`, one a year from June 2022."""
    _ok(run("add-benchmark", slug, *options, "-m", "t"))
    for i, score in enumerate(scores):
        _ok(run("add-result", "gpt-4", slug, score, "--date", f"{2022 + i}-06-01",
                "--source-url", f"https://example.org/{slug}/{i}", "-m", "t"))  # fmt: skip


def test_a_threshold_of_minus_0_is_0(run: Run):
    """-0 was kept as -0.0, and the crossings table echoed it as -0."""
    table = _ok(run("forecast", "mmlu", "--threshold", "-0"))
    rows = [line.split() for line in table.splitlines()]
    row = next(r for r in rows if r and r[-1] == "reached")
    assert row[0] == "0"
    crossings = json.loads(_ok(run("forecast", "mmlu", "--threshold", "-0", "--json")))
    assert str(crossings["crossings"][0]["threshold"]) == "0.0"


def test_thresholds_are_each_shown_once_and_one_past_the_floor_is_noted(run: Run, tmp_path: Path):
    """A repeated --threshold was a repeated row, and 0.9 on a percent benchmark (a
    fraction for 90) said "reached" with no word that any result reaches it."""
    result = run("forecast", "mmlu", "--threshold", "0.9", "--threshold", "90",
                 "--threshold", "90", "--json")  # fmt: skip
    crossings = json.loads(_ok(result))["crossings"]
    assert [c["threshold"] for c in crossings] == [0.9, 90]
    assert (
        "threshold 0.9 is past mmlu's floor 25 (chance level), so any result "
        "reaches it; thresholds are in the benchmark's unit (percent: 0-100)"
    ) in result.stderr.splitlines()
    assert "threshold 90 " not in result.stderr
    figure = str(tmp_path / "metr.png")
    minutes = run("plot", "metr-time-horizon", "--threshold", "-5", "-o", figure)
    assert minutes.exit_code == 0, minutes.stderr
    assert (
        "threshold -5 is past metr-time-horizon's floor 0, so any result reaches it; "
        "thresholds are in the benchmark's unit (minutes)" in minutes.stderr
    )
    # Past the ceiling, no result can reach it: 90 given on a 0-1 scale, or a slip.
    beyond = run("forecast", "mmlu", "--threshold", "900", "--json")
    assert json.loads(_ok(beyond))["crossings"][0]["status"] == "never"
    assert (
        "threshold 900 is past mmlu's ceiling 100, so no result can reach it; "
        "thresholds are in the benchmark's unit (percent: 0-100)"
    ) in beyond.stderr.splitlines()
    # ARC-AGI sets neither bound: its percent's ends are not a chance level.
    for threshold, past in (
        ("-1", "floor 0, its unit's end (it sets no floor), so any result reaches it"),
        ("101", "ceiling 100, its unit's end (it sets no ceiling), so no result can reach it"),
    ):
        unset = run("forecast", "arc-agi", "--threshold", threshold)
        assert f"threshold {threshold} is past arc-agi's {past}; " in _ok(unset) + unset.stderr


def test_messages_never_round_a_number_onto_the_one_it_is_compared_with(run: Run, db: Path):
    """Six significant digits made a threshold of 100.0001 "threshold 100 is past mmlu's
    ceiling 100", a ceiling of 90.04999 "past its ceiling 90.05" beside a best of 90.04,
    and a best of 90.040001 over that ceiling "90.04, above the ceiling 90.04; set a
    ceiling of at least 90.04": the numbers are written as they read back."""
    beyond = run("forecast", "mmlu", "--threshold", "100.0001", "--json")
    assert json.loads(_ok(beyond))["crossings"][0]["status"] == "never"
    assert (
        "threshold 100.0001 is past mmlu's ceiling 100, so no result can reach it; "
        "thresholds are in the benchmark's unit (percent: 0-100)"
    ) in beyond.stderr.splitlines()
    priced = run("price-trend", "mmlu", "--threshold", "100.0001")
    assert priced.exit_code == 1
    assert "error: no priced model reaches 100.0001 on mmlu;" in priced.stderr
    _ok(run("add-result", "gpt-4o", "mmlu", "89.9999999", "--date", "2024-06-01",
            "--source-url", "https://example.org/mmlu/near", "-m", "t"))  # fmt: skip
    short = run("price-trend", "mmlu", "--threshold", "90")
    assert short.exit_code == 1
    assert "; the best dated priced result is 89.9999999 by gpt-4o" in short.stderr
    lowered = run("edit", "benchmark", "mmlu", "--set", "ceiling=90.03999", "-m", "t")
    assert lowered.exit_code == 0, lowered.stderr
    assert "1 current result of mmlu lies past its ceiling 90.03999: " in lowered.stderr
    _ok(run("edit", "benchmark", "mmlu", "--set", "ceiling=90.04", "-m", "t"))
    _ok(run("add-result", "gpt-4", "mmlu", "90.040001", "--date", "2024-06-01",
            "--source-url", "https://example.org/mmlu/past", "-m", "t"))  # fmt: skip
    refused = run("forecast", "mmlu")
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr == (
        "trendlab: error: mmlu: the best score, 90.040001 by gpt-4, is above the ceiling "
        "90.04 (the best achievable); correct the result, or set a ceiling of at least "
        f"90.040001 with `{_on(db)} edit benchmark mmlu --set ceiling=...`\n"
    )


def test_results_that_are_all_the_same_get_no_forecast(run: Run):
    """With --all, four results of 50 gave 50 [50, 50] every year and a slope of
    [0, 0]: a certainty that no data show. It is one line now, in every family."""
    _new_benchmark(run, "eq", ("50",) * 4, "--unit", "percent")
    for family in ("auto", "linear", "logistic4"):
        result = run("forecast", "eq", "--all", "--family", family)
        assert result.exit_code == 1 and result.stdout == "", result.stdout
        assert result.stderr == (
            "trendlab: error: eq: all 4 results are 50, so there is no change to fit a "
            "trend to nor spread to give an interval from\n"
        )


def test_a_lines_value_now_is_within_the_bounds_as_its_forecast_is(run: Run):
    """GSM8K's straight line passes its ceiling of 100 before the latest result: its
    `value_now` read 109.0013, a percent no result can score, beside a forecast held
    at 100. It is the clipped line's value now, as the forecast is."""
    for slug in ("gsm8k", "otis-mock-aime"):
        doc = json.loads(_ok(run("forecast", slug, "--family", "linear", "--json")))
        assert doc["parameters"]["value_now"] == 100.0
        assert doc["parameters"]["slope"] > 0  # the line itself is unchanged
    math_line = json.loads(_ok(run("forecast", "math", "--family", "linear", "--json")))
    assert 0 < math_line["parameters"]["value_now"] < 100  # inside: as fitted


def test_results_above_the_floor_that_are_all_the_same_get_no_forecast(run: Run):
    """With --all, three results of 50 beside one at chance (20 on a floor of 25) passed
    the check above, which counted the one at chance as change: the S-curve, which fits
    only the three, gave 50 [50, 50] every year, a certainty no data show. A line, which
    fits the one at chance too, still has a trend and a spread to show."""
    _new_benchmark(run, "flat", ("20", "50", "50", "50"), "--unit", "percent", "--floor", "25")
    for family in ("auto", "logistic", "ensemble"):
        result = run("forecast", "flat", "--all", "--family", family)
        assert result.exit_code == 1 and result.stdout == "", result.stdout
        assert result.stderr.splitlines()[-1] == (
            "trendlab: error: flat: all 3 results above the floor (1 at or below it left "
            "out) are 50, so there is no change to fit a trend to nor spread to give an "
            "interval from"
        )
    line = json.loads(_ok(run("forecast", "flat", "--all", "--family", "linear", "--json")))
    assert all(p["lower"] < p["upper"] for p in line["forecast"])


def test_results_all_of_one_day_get_no_trend_and_say_so(run: Run):
    """With --all, results all reported on one day left every family's fit to say
    "cannot fit logistic: every point has the same x", naming neither the benchmark
    nor what was the same."""
    _ok(run("add-benchmark", "oneday", "--unit", "percent", "-m", "t"))
    for i, score in enumerate(("20", "40", "60", "70")):
        _ok(run("add-result", "gpt-4", "oneday", score, "--date", "2024-06-01",
                "--source-url", f"https://example.org/oneday/{i}", "-m", "t"))  # fmt: skip
    for family in ("auto", "logistic4", "linear"):
        result = run("forecast", "oneday", "--all", "--family", family)
        assert result.exit_code == 1
        assert result.stderr == (
            "trendlab: error: oneday: the 4 results fitted all share one date, 2024-06-01, so "
            "they show no trend to fit\n"
        )


def test_a_straight_line_into_the_one_bound_of_a_metric_is_called_a_bound(run: Run):
    """A latency in minutes has a best end (0) and no worst: a line asked for by name
    falls to 0 and its clipped paths make the point interval [0, 0] there. It said so on
    a benchmark with both bounds only, and here printed 0 minutes with no word."""
    scores = ("80", "60", "45", "35")
    _new_benchmark(run, "latency", scores, "--unit", "minutes", "--no-higher-is-better")
    line = run("forecast", "latency", "--family", "linear", "--until", "2030", "--json")
    last = json.loads(_ok(line))["forecast"][-1]
    assert last["median"] == last["lower"] == last["upper"] == 0
    assert re.search(r"linear median reaches 0 by \d{4}-\d\d-\d\d and is held there", line.stderr)
    decay = run("forecast", "latency", "--family", "exponential", "--until", "2030")
    assert "held there" not in _ok(decay) + decay.stderr  # it nears 0 and never reaches it


def test_a_calibrated_line_into_a_latency_s_0_reaches_it(run: Run):
    """A line's paths held at a latency's 0 came back from calibration in log space a
    hair above it (1e-230 minutes): the table showed 0, yet no note said the median
    was held there, and the crossing of 0 had no median date, with a chance of 0.26."""
    _ok(run("add-benchmark", "fastlat", "--unit", "minutes", "--no-higher-is-better"))
    for year, score in zip(range(2019, 2025), ("100", "50", "25", "12", "6", "3"), strict=True):
        _ok(run("add-result", "gpt-4", "fastlat", score, "--date", f"{year}-06-01",
                "--source-url", f"https://example.org/fastlat/{year}", "-m", "t"))  # fmt: skip
    result = run("forecast", "fastlat", "--family", "linear", "--until", "2030",
                 "--threshold", "0", "--json")  # fmt: skip
    printed = json.loads(_ok(result))
    assert "calibrated on" in run("forecast", "fastlat", "--family", "linear").stdout
    assert printed["forecast"][-1]["median"] == 0
    assert printed["crossings"][0]["median_date"] is not None
    assert any("linear median reaches 0 by" in note for note in printed["notes"])


def test_a_line_or_an_exponential_into_a_bound_other_than_0_is_called_the_bound(run: Run):
    """A latency whose best achievable is 5 minutes: the exponential, which nears 0,
    runs into 5 as a line does, and was held there with no note, while the line's note
    said the exponential would not reach it."""
    scores = ("80", "40", "20", "10")
    _new_benchmark(run, "lat5", scores, "--unit", "minutes", "--no-higher-is-better",
                   "--ceiling", "5")  # fmt: skip
    for family in ("linear", "exponential"):
        result = run("forecast", "lat5", "--family", family, "--until", "2032", "--json")
        last = json.loads(_ok(result))["forecast"][-1]
        assert last["median"] == last["lower"] == last["upper"] == 5
        held = re.findall(rf"^the {family} median reaches 5 by .*$", result.stderr, re.M)
        assert held and held[0].endswith("past that the forecast is the bound, not a trend")


def test_an_exponential_through_a_score_of_0_says_why_not(run: Run):
    """It said "needs scores that are all positive", of a frontier that starts at 0."""
    _new_benchmark(run, "elo-gain", ("0", "40", "90"), "--unit", "score")
    refused = run("forecast", "elo-gain", "--family", "exponential")
    assert refused.exit_code == 1 and refused.stderr == (
        "trendlab: error: the exponential family fits the logarithm of the scores, so they "
        "must be all above 0 or all below it, and some are not: use linear\n"
    )
    assert run("forecast", "elo-gain").exit_code == 0  # auto takes a line


def test_an_exponential_of_an_elo_rating_has_no_doubling_time_and_says_why(run: Run):
    """Fitted to 1100 to 1290 Elo, it reported a doubling time of about 15 years: a
    rating's 0 is a convention, so twice one means nothing."""
    _new_benchmark(run, "arena", ("1100", "1180", "1250", "1290"), "--unit", "elo")
    note = (
        "no doubling_time_months: arena is a rating (unit elo) whose 0 is a convention, so "
        "twice a score need not be twice as much; the exponential's growth_rate depends on "
        "where 0 is (--family linear fits steps instead)"
    )
    result = run("forecast", "arena", "--family", "exponential", "--json")
    doc = json.loads(_ok(result))
    assert set(doc["parameters"]) == {
        "growth_rate", "growth_rate_lower", "growth_rate_upper", "value_now"
    }  # fmt: skip
    assert note in result.stderr.splitlines()
    # Without a backtest to choose by, auto takes a rating's straight line: it changes
    # by steps, and its calibration space is the rating itself, not its log.
    auto = run("forecast", "arena", "--json")
    assert json.loads(_ok(auto))["family"] == "linear"
    assert "auto chose linear" in auto.stderr and "no doubling" not in auto.stderr
    _new_benchmark(run, "horizon0", ("10", "20", "45", "80"), "--unit", "score", "--floor", "0")
    zero = run("forecast", "horizon0", "--family", "exponential", "--json")
    assert "doubling_time_months" in json.loads(_ok(zero))["parameters"]
    assert "no doubling" not in zero.stderr


def test_a_frontier_not_yet_above_chance_gets_no_s_curve(run: Run):
    """Every result below a 4-way test's chance level (data, not an error): in logit
    space each is the floor, so the S-curves fitted a flat line there and said
    25.01 [25.01, 25.01] for every year, certain of a stall the data do not show."""
    _new_benchmark(run, "hard4", ("10", "20", "24"), "--unit", "percent", "--floor", "25")
    for family in ("auto", "logistic", "logistic4", "gompertz", "ensemble"):
        refused = run("forecast", "hard4", "--family", family, "--until", "2030")
        assert refused.exit_code == 1, (family, refused.stdout)
        assert refused.stdout == ""
        assert refused.stderr.startswith(
            "trendlab: error: hard4: none of its frontier points are above the floor 25 "
            "(chance level), and "
        ), refused.stderr
        assert "--family linear" in refused.stderr and refused.stderr.count("\n") == 1
    assert run("forecast", "hard4", "--all", "--until", "2030").exit_code == 1
    line = run("forecast", "hard4", "--family", "linear", "--until", "2030", "--json")
    medians = [p["median"] for p in json.loads(_ok(line))["forecast"]]
    assert medians[-1] > medians[0]  # a line still extrapolates the climb


def test_an_s_curve_fits_only_the_points_above_the_floor(run: Run):
    """Scores at or below chance have no finite logit: they were fitted as the clip's
    arbitrary -9.2, so a frontier that sat at chance and then rose was fitted as a
    near-vertical jump (10, 20, 24, 40, 55, 62 half a year apart on a floor of 25:
    95 half a year after the 62, and 40 alone after the first three: 99.4)."""
    days = ("2022-01-01", "2022-07-01", "2023-01-01", "2023-07-01", "2024-01-01", "2024-07-01")
    for slug, scores in (
        ("rose", ("10", "20", "24", "40", "55", "62")),
        ("above", ("40", "55", "62")),
    ):
        _ok(run("add-benchmark", slug, "--unit", "percent", "--floor", "25", "-m", "t"))
        for i, (day, score) in enumerate(zip(days[-len(scores) :], scores, strict=True)):
            _ok(run("add-result", "gpt-4", slug, score, "--date", day,
                    "--source-url", f"https://example.org/{slug}/{i}", "-m", "t"))  # fmt: skip
            if slug == "rose" and score == "40":
                refused = run("forecast", "rose", "--family", "logistic")
                assert refused.exit_code == 1 and refused.stderr.startswith(
                    "trendlab: error: rose: only 1 of its frontier points is above the floor "
                    "25 (chance level), and the logistic family needs 3 (the frontier's level "
                    "at a later result counts as one): a score no better than chance has no "
                    "finite logit"
                ), refused.stderr
                _ok(run("forecast", "rose", "--family", "linear"))
    for family in ("logistic", "gompertz", "ensemble"):
        rose, same = (
            json.loads(_ok(run("forecast", slug, "--family", family, "--until", "2026", "--json")))
            for slug in ("rose", "above")
        )
        assert rose["fitted_on"] == {
            "points": 3, "first": "2023-07-01", "last": "2024-07-01", "left_out": 3,
        }  # fmt: skip
        assert same["fitted_on"]["left_out"] == 0
        assert rose["forecast"] == same["forecast"], family
        assert rose["forecast"][5]["median"] < 80, family  # 2024-12-31: no jump to the ceiling
    table = _ok(run("forecast", "rose", "--family", "logistic"))
    assert (
        "logistic fitted on 3 frontier points above the floor (3 at or below it left out)" in table
    )
    line = json.loads(_ok(run("forecast", "rose", "--family", "linear", "--json")))
    assert line["fitted_on"]["points"] == 6 and line["fitted_on"]["left_out"] == 0
    # A backtest fits what a forecast would have: no S-curve where it would be refused.
    for day, score in (("2025-01-01", "70"), ("2025-07-01", "75")):
        _ok(run("add-result", "gpt-4", "rose", score, "--date", day,
                "--source-url", f"https://example.org/rose/{day}", "-m", "t"))  # fmt: skip
    rows = json.loads(_ok(run("backtest", "rose", "--start", "2023-10-01", "--every", "3",
                              "--horizons", "3", "--family", "logistic", "--json")))["rows"]  # fmt: skip
    n = {r["family"]: r["n"] for r in rows}
    # Origins 2023-10 to 2025-04; before 2024-10 fewer than three results above chance.
    assert n["linear"] == 7 and n["logistic"] == 3, n


def test_an_s_curve_needs_as_many_points_above_the_floor_as_any_trend(run: Run):
    """With two frontier points above the floor, the latest result the second, an
    S-curve of two parameters passed through both: no residual, no coefficient spread,
    and an 80 % interval of width 0 (73.19 [73.19, 73.19] half a year on, the crossing
    certain to the day). It needs the 3 points any trend needs, above the floor (the
    frontier's level at a later result is one, as it is for any family); a line still
    fits all four. Under auto, the error names what was asked, not the ensemble auto
    would have chosen (the report's note too, which knows no --family)."""
    _new_benchmark(run, "two-up", ("10", "20", "40", "55"), "--unit", "percent", "--floor", "25")
    for family in ("auto", "logistic", "logistic4", "gompertz", "ensemble"):
        refused = run("forecast", "two-up", "--family", family)
        assert refused.exit_code == 1 and refused.stdout == "", (family, refused.stdout)
        needs = "an S-curve, auto's choice here," if family == "auto" else f"the {family} family"
        assert refused.stderr.startswith(
            "trendlab: error: two-up: only 2 of its frontier points are above the floor 25 "
            f"(chance level), and {needs} needs 3 (the frontier's level at a later result "
            "counts as one): "
        ), refused.stderr
    assert "ensemble" not in run("forecast", "two-up").stderr
    # With --all no backtest chooses: auto takes its default, and the error still names auto.
    every = run("forecast", "two-up", "--all")
    assert every.exit_code == 1 and every.stdout == "", every.stdout
    assert every.stderr.startswith(
        "trendlab: error: two-up: only 2 of its results are above the floor 25 (chance "
        "level), and an S-curve, auto's choice here, needs 3: "
    ), every.stderr
    page = html.unescape(_ok(run("report", "-o", "-", "--benchmark", "two-up")))
    assert "and an S-curve, auto's choice here, needs 3" in page
    assert "ensemble family" not in page and "--family auto" not in page
    assert "forecast two-up --family linear</code> fits them all" in page
    line = json.loads(_ok(run("forecast", "two-up", "--family", "linear", "--json")))
    assert line["fitted_on"]["points"] == 4
    # A later result that does not beat the best shows the frontier holding: a third point.
    _ok(run("add-result", "gpt-4", "two-up", "50", "--date", "2026-06-01",
            "--source-url", "https://example.org/two-up/later", "-m", "t"))  # fmt: skip
    doc = json.loads(_ok(run("forecast", "two-up", "--family", "logistic", "--json")))
    assert doc["fitted_on"]["left_out"] == 2
    # From three months on: in the first, a calibrated interval may hold today's best
    # (most frontiers do not move within a month), whatever the fit's spread.
    later = [p for p in doc["forecast"] if p["date"] >= "2026-09-01"]
    assert later and all(p["lower"] < p["upper"] for p in later)


def test_two_records_and_a_later_result_are_three_points_as_with_one_at_chance(run: Run):
    """The frontier's level at a later result is a fitted point for every family, as
    the README says: two records above the floor and a later result were refused ("2
    frontier points"), though the same with a third record at chance, which no S-curve
    fits, was forecast from those very three points."""
    _new_benchmark(run, "chance", ("20", "40", "80", "60"), "--unit", "percent", "--floor", "25")
    _ok(run("add-benchmark", "plateau", "--unit", "percent", "--floor", "25", "-m", "t"))
    for year, score in ((2023, "40"), (2024, "80"), (2025, "60")):  # chance's, but its first
        _ok(run("add-result", "gpt-4", "plateau", score, "--date", f"{year}-06-01",
                "--source-url", f"https://example.org/plateau/{year}", "-m", "t"))  # fmt: skip
    for family in ("logistic", "gompertz", "linear"):
        plateau, chance = (
            json.loads(_ok(run("forecast", slug, "--family", family, "--until", "2027", "--json")))
            for slug in ("plateau", "chance")
        )
        assert plateau["fitted_on"]["points"] == 2
        if family != "linear":  # a line fits the record at chance too
            assert plateau["forecast"] == chance["forecast"], family
    # Without a later result, two records are two points.
    _new_benchmark(run, "two", ("40", "80"), "--unit", "percent", "--floor", "25")
    refused = run("forecast", "two")
    assert refused.exit_code == 1 and refused.stdout == ""
    assert (
        refused.stderr == "trendlab: error: two has 2 frontier points; a trend needs at least 3\n"
    )


def test_an_s_curve_on_a_metric_with_one_bound_is_refused_as_such(run: Run):
    """A latency's v is -score, at most 0 however fast: the check for a frontier not
    yet above the floor took that for one and failed on the floor it does not have
    (an internal error, exit 70), where the family's own refusal is the answer."""
    _new_benchmark(run, "latency", ("80", "60", "45"), "--unit", "minutes", "--no-higher-is-better")
    for family in ("logistic", "ensemble"):
        refused = run("forecast", "latency", "--family", family)
        assert refused.exit_code == 1, refused.stderr
        assert refused.stderr.startswith(f"trendlab: error: the {family} family needs a "), (
            refused.stderr
        )
        assert refused.stderr.count("\n") == 1


def test_auto_never_chooses_a_family_that_cannot_fit_the_data_as_it_stands(
    run_empty: Run, tmp_path: Path
):
    """A lower-is-better score with no bounds, falling from 10 to -8: the exponential
    scored best in the backtests, whose early origins saw only positive scores, and
    auto chose it, so the forecast failed with the exponential's own error (scores on
    both sides of 0), telling the user to use the family auto should have used."""
    days = [date(2020 + i, 3, 1) for i in range(5)]
    write_benchmark(run_empty, tmp_path, "drift", days, [10.0, 5.0, 1.0, -2.0, -8.0],
                    unit="score", floor=None, ceiling=None, higher_is_better=False)  # fmt: skip
    assert "exponential" in _ok(run_empty("backtest", "drift"))
    result = run_empty("forecast", "drift", "--until", "2027", "--json")
    assert json.loads(_ok(result))["family"] == "linear"
    assert "auto chose linear" in result.stderr


def test_a_straight_line_that_leaves_a_bound_gets_no_bound_note(run: Run):
    """A frontier at the floor today whose line rises is a trend, not the clip: the
    note said its median reached the floor on the first day and was held there."""
    _new_benchmark(run, "hard", ("0", "0.02", "0.05"), "--unit", "percent")
    # To 2036: calibrated, a line holds at today's best for years (lines overshoot in
    # the backtests), then rises.
    line = run("forecast", "hard", "--family", "linear", "--until", "2036", "--json")
    medians = [p["median"] for p in json.loads(_ok(line))["forecast"]]
    assert medians[0] < 0.1 < medians[-1]  # from the floor's thousandth, and up
    assert "held there" not in line.stderr, line.stderr


def test_a_median_crossing_before_the_day_read_says_the_data_end_earlier(run: Run):
    """GPQA Diamond's data end on 2026-04-08; forecast on a later day, 95 % was given
    a median crossing of 2026-05-24 as any future date is, status "forecast", with
    nothing to say that the date has passed and the database cannot tell whether it
    happened. stderr says so; a threshold crossed later, or already reached, is not
    named."""
    args = ["forecast", "gpqa-diamond", "--threshold", "95", "--threshold", "99.95"]
    result = run(*args, "--threshold", "90", "--until", "2045", "--as-of", "2030-01-01", "--json")
    assert result.exit_code == 0, result.stderr
    crossings = {c["threshold"]: c for c in json.loads(result.stdout)["crossings"]}
    assert crossings[95.0]["median_date"] == "2026-05-24"
    assert crossings[99.95]["median_date"] > "2030-01-01"
    assert crossings[90.0]["status"] == "reached"
    assert (
        "the median forecast crosses 95 by 2026-05-24, before the --as-of day (2030-01-01): "
        "gpqa-diamond's latest result is 2026-04-08, so whether it has since is not in the "
        "database\n"
    ) in result.stderr
    assert "99.95 by" not in result.stderr and "90 by" not in result.stderr
    # Today, which is past 2026-05-24, says it the same way.
    today = run(*args[:4], "--json")
    assert "crosses 95 by 2026-05-24, before today (" in today.stderr


def test_a_median_crossing_of_every_result_s_trend_before_today_says_so_too(run: Run):
    """With --all, gpqa-diamond's default 92.5 had a median crossing of 2026-04-30, a
    forecast for a month its data (to 2026-04-08) do not reach, and nothing said so."""
    result = run("forecast", "gpqa-diamond", "--all", "--json")
    assert result.exit_code == 0, result.stderr
    (crossing,) = json.loads(result.stdout)["crossings"]
    assert (crossing["status"], crossing["median_date"]) == ("forecast", "2026-04-30")
    assert ("the median forecast crosses 92.5 by 2026-04-30, before today (") in result.stderr
    assert "gpqa-diamond's latest result is 2026-04-08, so whether it has since" in result.stderr


def test_a_default_end_before_the_day_read_says_the_data_end_long_before(run: Run):
    """ImageNet's data end on 2022-05-04: its forecast ran to --until's default,
    2025-12-31, every month of it past and none in the database, with nothing to say
    so. stderr and the report say so; an --until given, or a default end after the day
    read, has no such note."""
    said = (
        "the forecast ends 2025-12-31 (--until's default, 3 years past the data), before "
        "today ({}): imagenet-top1's latest result is 2022-05-04; --until forecasts further"
    )
    result = run("forecast", "imagenet-top1", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["forecast"][-1]["date"] == "2025-12-31"
    assert said.format(date.today()) in result.stderr
    page = run("report", "--benchmark", "imagenet-top1", "-o", "-").stdout
    assert html.escape(said.format(date.today())) in page
    given = run("forecast", "imagenet-top1", "--until", "2026")
    assert "--until forecasts further" not in _ok(given) + given.stderr
    # GPQA Diamond's data end on 2026-04-08, so its default end is 2029-12-31.
    gpqa = ("forecast", "gpqa-diamond", "--as-of")
    later = run(*gpqa, "2029-12-31")
    assert "forecasts further" not in _ok(later) + later.stderr
    assert (
        "the forecast ends 2029-12-31 (--until's default, 3 years past the data), before the "
        "--as-of day (2030-01-01): gpqa-diamond's latest result is 2026-04-08"
    ) in run(*gpqa, "2030-01-01").stderr


def test_an_as_of_moment_of_today_is_not_called_today(run: Run):
    """--as-of the seeds' changeset, recorded today, said "before today (DAY)": the
    note took any day read that fell on today's date for today, though the state read
    is an earlier moment's, which --as-of chose. It names the --as-of day whatever it is."""
    (seeded,) = json.loads(_ok(run("log", "--json")))
    day = seeded["recorded_at"][:10]
    args = ["forecast", "gpqa-diamond", "--threshold", "95", "--json"]
    result = run(*args, "--as-of", seeded["changeset"])
    assert f"crosses 95 by 2026-05-24, before the --as-of day ({day}): " in result.stderr
    assert "today" not in result.stderr


def test_a_past_crossing_of_one_setting_names_that_settings_latest_result(run: Run):
    """With --setting, the note named the setting's latest result as the benchmark's
    ("newb's latest result is 2023-01-15") while a result of another setting, from
    2024, was in the database too."""
    _ok(run("add-benchmark", "newb", "--unit", "percent", "-m", "t"))
    for i, (score, setting, day) in enumerate(
        [("20", "0-shot", "2021-01-15"), ("30", "0-shot", "2021-07-15"),
         ("45", "0-shot", "2022-04-15"), ("60", "0-shot", "2023-01-15"),
         ("70", "5-shot", "2024-01-15")]
    ):  # fmt: skip
        _ok(run("add-result", "gpt-4", "newb", score, "--setting", setting, "--date", day,
                "--source-url", f"https://example.org/newb/{i}", "-m", "t"))  # fmt: skip
    result = run("forecast", "newb", "--setting", "0-shot", "--threshold", "80")
    assert result.exit_code == 0, result.stderr
    assert re.search(
        r"^the median forecast crosses 80 by \d{4}-\d\d-\d\d, before today \(\d{4}-\d\d-\d\d\): "
        r'newb\'s latest result with a setting containing "0-shot" is 2023-01-15, so whether '
        r"it has since is not in the database$",
        result.stderr,
        re.M,
    ), result.stderr


def test_a_command_a_forecast_error_suggests_reads_the_store_given(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Run as printed, the `trendlab edit benchmark` or `trendlab show benchmark` a
    forecast's error suggested read ./trendlab.duckdb, not the --db it was about."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # holds no trendlab.duckdb
    run = make_runner(db)
    on_db = _on(db)
    assert run("edit", "benchmark", "gsm8k", "--set", "ceiling=50", "-m", "t").exit_code == 0
    past = run("forecast", "gsm8k")
    assert past.exit_code == 1
    assert past.stderr.split("`")[1] == f"{on_db} edit benchmark gsm8k --set ceiling=..."
    assert run("edit", "benchmark", "mmlu", "--set", "floor=95", "-m", "t").exit_code == 0
    below = run("forecast", "mmlu", "--family", "logistic")
    assert below.exit_code == 1
    line, suggested = below.stderr.split("`")[1:4:2]
    assert line == f"{on_db} forecast mmlu --family linear"
    assert suggested == f"{on_db} show benchmark mmlu"
    assert run(*shlex.split(suggested)[3:]).exit_code == 0


def test_logistic4_through_three_points_needs_a_calibration(empty_db: Path, run: Run):
    """logistic4, a curve of three parameters, passes through three points exactly: with
    no calibration its 80 % interval was 57.8 to 57.8 and a crossing '<= 0.001'. It is
    refused then, suggesting a family of two; calibrated (the seeds' ImageNet, fitted
    on three), the backtests' misses give it its width, and it stands."""
    run_empty = make_runner(empty_db)
    _ok(run_empty("add-benchmark", "qb", "--unit", "percent", "--floor", "25", "--ceiling",
                  "100", "-m", "t"))  # fmt: skip
    for i, score in enumerate(("38", "46", "54")):
        _ok(run_empty("add-model", f"q{i}", "--release-date", f"202{i}-06-01", "-m", "t"))
        _ok(run_empty("add-result", f"q{i}", "qb", score, "--date", f"202{i}-06-01",
                      "--source-url", f"https://example.org/q/{i}", "-m", "t"))  # fmt: skip
    for options, what, why in (
        ((), "frontier points to fit (the frontier's level at a later result counts as one)",
         "too few backtest forecasts to calibrate on"),
        (("--all",), "results to fit", "backtests cover the frontier, not --all"),
    ):  # fmt: skip
        refused = run_empty("forecast", "qb", *options, "--family", "logistic4")
        line = f"{_on(empty_db)} forecast qb {' '.join([*options, '--family logistic'])}"
        assert (refused.exit_code, refused.stderr) == (
            1,
            f"trendlab: error: qb has 3 {what}, through which logistic4, a curve of 3 "
            f"parameters, passes exactly, and its interval is not calibrated ({why}), so it "
            f"would be a point; `{line}` fits them\n",
        )
        suggested = subprocess.run(
            [sys.executable, "-m", "trendlab", *shlex.split(line)[1:]],
            capture_output=True,
            text=True,
        )
        assert suggested.returncode == 0, suggested.stderr
    calibrated = json.loads(_ok(run("forecast", "imagenet-top1", "--family", "logistic4",
                                    "--json")))  # fmt: skip
    assert calibrated["fitted_on"]["points"] == 3, calibrated
    assert not [n for n in calibrated["notes"] if "not calibrated" in n], calibrated["notes"]
    first = calibrated["forecast"][0]
    assert first["upper"] - first["lower"] > 0.1, first


def test_the_line_a_forecast_error_suggests_keeps_the_options_that_chose_the_results(
    run_empty: Run,
):
    """Too few results above the floor suggested `forecast SLUG --family linear`, without
    the --all, --setting, --by and --as-of given: a forecast of other results (or an
    error). Run as printed, it is the line through the very results refused."""
    run = run_empty
    _ok(run("add-benchmark", "atfloor", "--unit", "percent", "--floor", "25", "-m", "t"))
    for i, score in enumerate(("20", "24", "22", "30", "40")):
        _ok(run("add-model", f"m{i}", "--release-date", f"202{i}-06-01",
                "--training-compute-flop", f"1e2{i}", "-m", "t"))  # fmt: skip
        added = run("add-result", f"m{i}", "atfloor", score, "--date", f"202{i}-06-01",
                    "--setting", "it's 5-shot", "--source-url", f"https://example.org/{i}",
                    "-m", "t")  # fmt: skip
    changeset = added.stderr.split()[-1]
    # Recorded after the --as-of moment, and of another setting: neither is read.
    _ok(run("add-model", "m5", "--release-date", "2025-09-01",
            "--training-compute-flop", "1e26", "-m", "t"))  # fmt: skip
    for j, setting in enumerate(("it's 5-shot", "0-shot")):
        _ok(run("add-result", "m5", "atfloor", "90", "--date", "2025-09-01", "--setting", setting,
                "--source-url", f"https://example.org/5/{j}", "-m", "t"))  # fmt: skip
    options = ("--all", "--setting", "it's", "--by", "compute", "--as-of", changeset)
    refused = run("forecast", "atfloor", *options)
    assert refused.exit_code == 1, refused.stderr
    assert 'only 2 of its results with a setting containing "it\'s" are above' in refused.stderr
    line = shlex.split(refused.stderr.split("`")[1])
    assert line[3:5] == ["forecast", "atfloor"] and line[-2:] == ["--family", "linear"]
    assert line[line.index("--setting") + 1] == "it's" and "--all" in line, line
    assert line[line.index("--by") + 1] == "compute", line
    suggested = run(*line[3:])
    assert suggested.stdout == _ok(run("forecast", "atfloor", *options, "--family", "linear"))
    assert "linear fitted on 5 results" in suggested.stdout


def test_a_forecast_by_compute_says_it_leaves_out_results_of_unknown_compute(
    empty_db: Path, tmp_path: Path
):
    """By compute, results whose model has no training compute were left out without a
    word, where by price stderr counts the results it leaves out; now stderr, the JSON's
    notes, plot and the error for too few models say how many, and how to set it."""
    run = make_runner(empty_db)
    _ok(run("add-benchmark", "bc", "--unit", "percent", "--floor", "0", "--ceiling", "100",
            "-m", "t"))  # fmt: skip
    for i in range(5):
        known = ("--training-compute-flop", f"1e2{i}") if i < 2 else ()
        _ok(run("add-model", f"m{i}", "--release-date", f"202{i}-06-01", *known, "-m", "t"))
        _ok(run("add-result", f"m{i}", "bc", str(20 + 10 * i), "--date", f"202{i}-06-01",
                "--source-url", f"https://example.org/bc/{i}", "-m", "t"))  # fmt: skip
    fix = f'`{_on(empty_db)} edit model SLUG --set training_compute_flop=... -m "..."`'
    refused = run("forecast", "bc", "--by", "compute")
    assert refused.stderr == (
        "trendlab: error: only 2 models with results on bc have a known training compute; "
        "--by compute needs at least 3; 3 results on bc left out: their models' training "
        f"compute is unknown (set it with {fix})\n"
    ), refused.stderr
    _ok(run("edit", "model", "m2", "--set", "training_compute_flop=1e22", "-m", "t"))
    left_out = (
        f"2 results on bc left out: their models' training compute is unknown (set it with {fix})"
    )
    forecast = run("forecast", "bc", "--by", "compute", "--json")
    assert json.loads(_ok(forecast))["notes"][0] == left_out
    assert forecast.stderr.startswith(f"{left_out}\n"), forecast.stderr
    plotted = run("plot", "bc", "--by", "compute", "-o", str(tmp_path / "bc.png"))
    assert plotted.exit_code == 0 and f"{left_out}\n" in plotted.stderr, plotted.stderr
    # By date every result is placed: nothing is left out.
    assert "left out" not in run("forecast", "bc").stderr


def test_the_default_threshold_a_frontier_has_reached_is_reached(run_empty: Run, tmp_path: Path):
    """From a floor of 1 to a ceiling of 100, 90 % of the way is 90.1, which float
    arithmetic made 90.10000000000001: a frontier at 90.1 had not reached it (forecast,
    with a chance of 0.9995), and stderr named the noise."""
    days = monthly(date(2021, 1, 1), 6, step_days=150)
    write_benchmark(run_empty, tmp_path, "c100", days, [20.0, 40.0, 60.0, 75.0, 85.0, 90.1],
                    floor=1.0)  # fmt: skip
    result = run_empty("forecast", "c100", "--json")
    doc = json.loads(_ok(result))
    assert doc["crossings"] == [
        {
            "threshold": 90.1,
            "median_date": str(days[-1]),
            "lower_date": str(days[-1]),
            "upper_date": str(days[-1]),
            "probability_by_until": 1.0,
            "probability_bound": None,
            "status": "reached",
        }
    ]
    assert "90.10000000000001" not in result.stderr


def test_notes_are_in_the_order_the_readme_gives(run_empty: Run, tmp_path: Path):
    """The README lists a forecast's own notes as: what auto chose, intervals not
    calibrated, a median held at a bound, a default end before the day read. The end
    came before the bound."""
    days = monthly(date(2017, 1, 15), 7, step_days=240)
    write_benchmark(run_empty, tmp_path, "lat", days, [60.0, 40.0, 26.0, 17.0, 11.0, 8.0, 6.5],
                    unit="minutes", floor=None, ceiling=5.0, higher_is_better=False)  # fmt: skip
    notes = json.loads(_ok(run_empty("forecast", "lat", "--json")))["notes"]
    starts = [
        "auto chose exponential",
        "intervals are not calibrated",
        "the exponential median reaches 5 by ",
        "the forecast ends 2023-12-31 (--until's default",
    ]
    assert len(notes) == len(starts)
    assert all(note.startswith(start) for note, start in zip(notes, starts, strict=True)), notes


def test_a_frontier_a_hair_from_a_far_ceiling_is_told_the_forecast_levels_off(
    run: Run, on_store: str
):
    """A latency with a floor of a week and a ceiling of 5 minutes: a logit is taken of
    z held a ten-thousandth of the range (about a minute) from either end, so a frontier
    of 7 minutes was forecast flat at about 6 for years, with no word of why."""
    scores = ("2000", "100", "10", "7")
    _new_benchmark(run, "lat2", scores, "--unit", "minutes", "--no-higher-is-better",
                   "--floor", "10080", "--ceiling", "5")  # fmt: skip
    result = run("forecast", "lat2", "--family", "logistic", "--threshold", "5.5", "--json")
    held = (
        "lat2's forecasts hold every score at least 1.0075 minutes from its ceiling 5 where "
        "they take a logit (0.0001 of the 10075 minutes between it and its floor 10080), so "
        "they cannot tell scores nearer it apart and level off about that far from it; a "
        "floor nearer the scores gives finer forecasts: "
        f'`{on_store} edit benchmark lat2 --set floor=... -m "..."`'
    )
    assert held in json.loads(_ok(result))["notes"]
    assert f"{held}\n" in result.stderr
    # Higher is better alike: a score from -10000 to 100 whose frontier is at 99.5.
    scores = ("50", "90", "99", "99.5")
    _new_benchmark(run, "wide", scores, "--unit", "score", "--floor", "-10000",
                   "--ceiling", "100")  # fmt: skip
    wide = run("forecast", "wide", "--family", "gompertz")
    assert (
        "wide's forecasts hold every score at least 1.01 score from its ceiling 100 where "
        "they take a logit (0.0001 of the 10100 score between it and its floor -10000)"
    ) in _ok(wide) + wide.stderr


def test_a_frontier_at_the_ceiling_is_told_nothing_of_the_hold(run: Run):
    """A frontier at 100 is forecast at 100 (a frontier never goes down), yet the note
    said the forecasts level off 0.0075 short of it. One new result (--all) is still
    held short of it, and told so."""
    _new_benchmark(run, "full", ("50", "90", "100"), "--unit", "percent",
                   "--floor", "25", "--ceiling", "100")  # fmt: skip
    result = run("forecast", "full", "--family", "gompertz", "--json")
    document = json.loads(_ok(result))
    assert {p["median"] for p in document["forecast"]} == {100.0}
    assert not [n for n in document["notes"] if "take a logit" in n], document["notes"]
    assert "take a logit" not in result.stderr
    every = run("forecast", "full", "--all", "--family", "gompertz")
    assert "hold every score at least 0.0075 percent" in _ok(every) + every.stderr


def test_a_percent_frontier_near_but_not_at_100_is_told_nothing_of_the_hold(run: Run):
    """At 99.5 a percent benchmark's frontier is half a point from its ceiling, fifty
    times the hundredth of a point a logit's hold keeps forecasts from it: no note."""
    _new_benchmark(run, "pct", ("90", "97", "99", "99.5"), "--unit", "percent")
    for family in ("logistic", "auto"):
        result = run("forecast", "pct", "--family", family, "--json")
        notes = json.loads(_ok(result))["notes"]
        assert not [n for n in notes if "take a logit" in n], notes
        assert "take a logit" not in result.stderr


def test_an_uncalibrated_line_near_the_ceiling_is_told_nothing_of_a_logits_hold(run: Run):
    """A straight line, uncalibrated (--all), takes no logit, so nothing holds it short of
    the ceiling: a frontier at 99.99 was told its forecasts "level off" there."""
    # Falling results (--all fits them all), so that the line runs into no bound.
    _new_benchmark(run, "pct2", ("99.99", "99.97", "99.95", "99.93"), "--unit", "percent")
    result = run("forecast", "pct2", "--family", "linear", "--all", "--json")
    notes = json.loads(_ok(result))["notes"]
    assert any("intervals are not calibrated" in n for n in notes), notes
    assert not [n for n in notes if "take a logit" in n], notes
