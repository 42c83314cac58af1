"""Backtests: accuracy on known curves, no leakage, calibration, auto, the cache, the CLI."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from tests.conftest import Run, changeset_around, make_runner
from tests.synthetic import decimal, logistic_scores, monthly, scale, write_benchmark
from trendlab.cli import cli
from trendlab.forecast.calibrate import Calibration
from trendlab.forecast.evaluate import calibrations, choose, known_by, scorecard, with_reach
from trendlab.forecast.scoring import score

DAYS = monthly(date(2016, 1, 10), 60, step_days=61)  # every two months, 2016 to 2025
XS = np.array([decimal(d) for d in DAYS])
ROW_KEYS = {"family", "horizon_months", "n", "mae", "median_ae", "coverage", "interval_score"}


def _noisy_logistic(seed: int, slope: float, midpoint: float, top: float = 1.0) -> list[float]:
    """A frontier-like series: each result is the curve plus noise, some below the best."""
    rng = np.random.default_rng(seed)
    z = logistic_scores(XS, slope=slope, midpoint=midpoint, top=top) / 100
    eta = np.log(z) - np.log1p(-z) + rng.normal(0, 0.25, len(XS))
    return [round(float(100 / (1 + np.exp(-e))), 3) for e in eta]


@pytest.fixture(scope="module")
def panel_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seven synthetic benchmarks: one exact logistic, six noisy ones."""
    folder = tmp_path_factory.mktemp("panel")
    path = folder / "panel.duckdb"
    assert CliRunner().invoke(cli, ["--db", str(path), "init", "--empty"]).exit_code == 0
    run = make_runner(path)
    # Dense, so the frontier's steps are small: the truth at a target date is the best
    # result dated on or before it, which lags a smooth curve by up to one step.
    dense = monthly(date(2016, 1, 10), 240, step_days=15)
    exact = logistic_scores(np.array([decimal(d) for d in dense]), slope=0.9, midpoint=2020.5)
    write_benchmark(run, folder, "exact", dense, [round(float(s), 4) for s in exact])
    params = [
        (1.0, 2019.5),
        (0.7, 2021.0),
        (1.3, 2020.0),
        (0.8, 2022.0),
        (1.1, 2018.5),
        (0.6, 2020.5),
    ]
    for i, (slope, mid) in enumerate(params):
        top = 0.9 if i % 2 else 1.0
        write_benchmark(run, folder, f"noisy{i}", DAYS, _noisy_logistic(i, slope, mid, top))
    return path


@pytest.fixture
def panel(panel_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "panel.duckdb"
    shutil.copy(panel_template, target)
    return target


def _rows(doc: dict, family: str) -> list[dict]:
    return [r for r in doc["rows"] if r["family"] == family]


def test_exact_logistic_backtests_to_near_zero_error(panel: Path):
    doc = json.loads(make_runner(panel)("backtest", "exact", "--json").stdout)
    assert doc["benchmark"] == "exact" and doc["level"] == 80
    assert all(set(r) == ROW_KEYS for r in doc["rows"])
    logistic = _rows(doc, "logistic")
    assert [r["horizon_months"] for r in logistic] == [6, 12, 24]
    assert all(r["n"] >= 10 and r["mae"] < 0.5 for r in logistic)
    # The baselines do worse on a rising curve.
    last = {r["horizon_months"]: r["mae"] for r in _rows(doc, "last-value")}
    assert all(last[r["horizon_months"]] > 5 * r["mae"] for r in logistic)
    assert {r["family"] for r in doc["rows"]} >= {"last-value", "linear", "auto"}


def test_calibrated_coverage_is_near_the_level(panel: Path):
    run = make_runner(panel)
    docs = json.loads(run("backtest", "--all", "--json").stdout)
    assert isinstance(docs, list) and {d["benchmark"] for d in docs} >= {"exact", "noisy0"}
    rows = [
        r
        for d in docs
        if d["benchmark"] not in ("exact", "all percent")
        for r in d["rows"]
        if r["family"] in ("logistic", "logistic4", "gompertz")
    ]
    covered = sum(r["coverage"] * r["n"] for r in rows) / sum(r["n"] for r in rows)
    assert 0.65 <= covered <= 0.95  # held out benchmark by benchmark; 80 % nominal
    table = run("backtest", "--all").stdout
    assert "Pooled over the benchmarks of each unit" in table and "all percent" in table
    assert "calibrated on" in table


def test_a_result_dated_after_an_origin_never_reaches_its_fit(panel: Path, tmp_path: Path):
    run = make_runner(panel)
    before = _backtest_rows(panel, "noisy1")
    result = run("add-model", "late-star", "--release-date", "2021-03-01", "-m", "t")
    assert result.exit_code == 0, result.stderr
    assert run("add-result", "late-star", "noisy1", "99.5", "-m", "a late record").exit_code == 0
    after = _backtest_rows(panel, "noisy1")
    key = ["family", "origin", "horizon"]
    joined = before.join(after, on=key, suffix="_after")
    early = joined.filter(pl.col("origin") <= date(2021, 3, 1))
    late = joined.filter(pl.col("origin") > date(2021, 3, 1))
    assert early.height and late.height
    for column in ("current", "median", "lower", "upper"):
        assert early.get_column(column).to_list() == early.get_column(f"{column}_after").to_list()
    assert (late.get_column("current_after") == 99.5).all()
    # Its outcome is scored, though: targets after its date see the new best.
    scored = early.filter(pl.col("target") >= date(2021, 3, 1))
    assert (scored.get_column("actual_after") == 99.5).all()


@pytest.mark.parametrize("edited", [False, True])
def test_a_result_dated_on_an_origin_is_not_yet_known_there(panel: Path, edited: bool):
    """Origins know the results dated before them; the truth at a target is the best
    result dated on or before it. A result dated 2021-07-01, an origin and the target
    of earlier origins, is therefore no part of that origin's fit but is the truth
    there. `edited`: the record has two revisions, which are read per origin, where a
    record of one revision is read once for all of them."""
    run = make_runner(panel)
    before = _backtest_rows(panel, "noisy1")
    day = date(2021, 7, 1)
    assert day in before.get_column("origin").to_list()
    assert day in before.get_column("target").to_list()
    assert run("add-model", "on-the-day", "-m", "t").exit_code == 0
    score = "99.4" if edited else "99.5"
    added = run("add-result", "on-the-day", "noisy1", score, "--date", str(day), "-m", "t")
    assert added.exit_code == 0, added.stderr
    if edited:
        fixed = run("edit", "result", "on-the-day/noisy1", "--set", "score=99.5", "-m", "typo")
        assert fixed.exit_code == 0, fixed.stderr
    after = _backtest_rows(panel, "noisy1")
    joined = before.join(after, on=["family", "origin", "horizon"], suffix="_after")
    known_before = joined.filter(pl.col("origin") <= day)
    for column in ("current", "median", "lower", "upper"):
        assert known_before.get_column(column).to_list() == (
            known_before.get_column(f"{column}_after").to_list()
        ), column
    assert (joined.filter(pl.col("origin") > day).get_column("current_after") == 99.5).all()
    on_the_day = joined.filter(pl.col("target") >= day)
    assert on_the_day.filter(pl.col("target") == day).height > 0
    assert (on_the_day.get_column("actual_after") == 99.5).all()


def test_a_later_correction_does_not_leak_into_an_earlier_origin(panel: Path):
    run = make_runner(panel)
    # Pretend everything so far was recorded long ago, before every origin.
    with duckdb.connect(str(panel)) as con:
        con.execute("UPDATE changesets SET recorded_at = TIMESTAMP '2015-06-01 00:00:00'")
    before = _backtest_rows(panel, "noisy2")
    best = json.loads(run("list", "results", "--benchmark", "noisy2", "--json").stdout)
    record = max((r for r in best if r["model"] == "noisy2-m020"), key=lambda r: r["score"])
    assert run("edit", "result", record["id"], "--set", "score=99.9", "-m", "fix").exit_code == 0
    after = _backtest_rows(panel, "noisy2")
    joined = before.join(after, on=["family", "origin", "horizon"], suffix="_after")
    # The correction was recorded now, after every origin: no origin's fit sees it...
    for column in ("current", "median", "lower", "upper"):
        assert joined.get_column(column).to_list() == joined.get_column(f"{column}_after").to_list()
    # ...but the truth the forecasts are scored against is today's knowledge.
    assert (joined.get_column("actual_after") >= joined.get_column("actual")).all()
    assert (joined.get_column("actual_after") == 99.9).any()


def test_a_record_first_recorded_after_an_origin_counts_as_published(panel: Path):
    """Results dated before an origin but recorded later are the best knowledge of what
    had been published."""
    rows = _backtest_rows(panel, "exact")
    assert rows.filter(pl.col("origin") == date(2020, 1, 1)).height > 0


def test_a_nan_score_written_around_trendlab_is_left_out_of_a_backtest(panel: Path):
    """NaN (only a write around trendlab stores one) is an unknown score: a backtest
    reads the benchmark as if it were not there, a record of one revision or of
    several (DuckDB orders NaN above every number, so it would top the frontier)."""
    before = _backtest_rows(panel, "noisy1")
    with duckdb.connect(str(panel)) as con:
        around = changeset_around(con)
        for key, revision in (("r_00000000000000fe", 1), ("r_00000000000000ff", 1),
                              ("r_00000000000000ff", 2)):  # fmt: skip
            con.execute(
                "INSERT INTO result_revisions BY NAME SELECT * REPLACE (? AS changeset_id, "
                "? AS key, ? AS revision, ? AS op, 'nan'::DOUBLE AS score) "
                "FROM result_revisions WHERE benchmark = 'noisy1' ORDER BY key LIMIT 1",
                [around, key, revision, "insert" if revision == 1 else "update"],
            )
    after = _backtest_rows(panel, "noisy1")
    assert after.height > 0 and after.equals(before)


def test_a_record_entered_late_counts_as_it_stands_now(panel_template: Path, tmp_path: Path):
    """Entered after every origin, a result with a date typo fixed since, and one
    retracted since, back-test as a database built without those mistakes does."""
    direct, edited = tmp_path / "direct.duckdb", tmp_path / "edited.duckdb"
    for path in (direct, edited):
        shutil.copy(panel_template, path)
        run = make_runner(path)
        assert (
            run("add-model", "late-star", "--release-date", "2021-02-01", "-m", "t").exit_code == 0
        )
    before = _backtest_rows(direct, "noisy1")
    d, e = make_runner(direct), make_runner(edited)
    assert (
        d("add-result", "late-star", "noisy1", "99.5", "--date", "2021-03-01", "-m", "t").exit_code
        == 0
    )
    added = e("add-result", "late-star", "noisy1", "99.5", "--date", "2024-03-01", "-m", "typo")
    assert added.exit_code == 0, added.stderr
    fixed = e("edit", "result", "late-star/noisy1", "--set", "reported_date=2021-03-01", "-m", "t")
    assert fixed.exit_code == 0, fixed.stderr
    assert e("add-model", "mistake", "--release-date", "2017-01-01", "-m", "t").exit_code == 0
    assert e("add-result", "mistake", "noisy1", "100", "-m", "wrong benchmark").exit_code == 0
    assert e("retract", "result", "mistake/noisy1", "-m", "not this benchmark").exit_code == 0
    key = ["family", "origin", "horizon"]
    expected = _backtest_rows(direct, "noisy1").sort(key)
    assert not expected.equals(before.sort(key))  # the late result does shape the fits
    assert _backtest_rows(edited, "noisy1").sort(key).equals(expected)


def _backtest_rows(path: Path, slug: str, plan=None) -> pl.DataFrame:
    from trendlab.cli.options import Settings
    from trendlab.forecast.scoring import backtests

    settings = Settings(db=str(path), lock_timeout=0, author="t", debug=False)
    return backtests(settings, {slug: plan or _default_plan()})[slug].rows


def _default_plan():
    from trendlab.forecast.backtest import Plan

    return Plan()


def test_the_cache_is_keyed_by_the_data(panel: Path):
    run = make_runner(panel)
    first = run("backtest", "noisy3", "--json")
    assert first.exit_code == 0, first.stderr
    with duckdb.connect(str(panel), read_only=True) as con:
        entries = con.execute(
            "SELECT benchmark, version FROM forecast_cache WHERE kind = 'backtest'"
        ).fetchall()
    assert ("noisy3",) in {(b,) for b, _ in entries} and len(entries) >= 7
    assert run("backtest", "noisy3", "--json").stdout == first.stdout
    # New data for one benchmark: only its entry is recomputed, under a new version.
    assert run("add-model", "newcomer", "--release-date", "2024-11-01", "-m", "t").exit_code == 0
    assert run("add-result", "newcomer", "noisy3", "99.0", "-m", "t").exit_code == 0
    assert run("backtest", "noisy3", "--json").stdout != first.stdout
    with duckdb.connect(str(panel), read_only=True) as con:
        versions = dict(
            con.execute(
                "SELECT benchmark, version FROM forecast_cache WHERE kind = 'backtest'"
            ).fetchall()
        )
    old = dict(entries)
    assert versions["noisy3"] > old["noisy3"] and versions["noisy4"] == old["noisy4"]


def test_a_revision_appended_to_a_written_changeset_is_new_data(panel: Path):
    """A result revision appended in SQL (around trendlab) to the changeset that wrote
    the benchmark's results, not a new one, still makes its cached backtest stale: the
    next backtest is the one a store without a cache computes."""
    run = make_runner(panel)
    first = run("backtest", "noisy3", "--json")
    assert first.exit_code == 0, first.stderr
    with duckdb.connect(str(panel)) as con:
        con.execute(
            "INSERT INTO result_revisions SELECT changeset_id, key, revision + 1, 'update', "
            "model, benchmark, score + 15, setting, reported_date, source_url, source_kind, "
            "notes FROM result_revisions WHERE benchmark = 'noisy3' "
            "QUALIFY row_number() OVER (ORDER BY score) = 10"
        )
    after = run("backtest", "noisy3", "--json")
    assert after.exit_code == 0, after.stderr
    with duckdb.connect(str(panel)) as con:
        con.execute("DELETE FROM forecast_cache")
    assert after.stdout != first.stdout
    assert run("backtest", "noisy3", "--json").stdout == after.stdout


@pytest.mark.parametrize("payload", ["not json", "{}", '{"rows": 3}', "[]"])
def test_a_damaged_cache_entry_is_computed_again(panel: Path, payload: str):
    """An entry whose payload trendlab cannot read (damaged in SQL, say) is a miss: the
    cache is only a shortcut, so the answer is the one computed without it, cached anew."""
    run = make_runner(panel)
    first = {
        args: run(*args, "--json") for args in (("backtest", "noisy3"), ("forecast", "noisy3"))
    }
    assert all(r.exit_code == 0 for r in first.values()), [r.stderr for r in first.values()]
    with duckdb.connect(str(panel)) as con:
        con.execute("UPDATE forecast_cache SET payload = ?", [payload])
    for args, before in first.items():
        again = run(*args, "--json")
        assert again.exit_code == 0, again.stderr
        assert (again.stdout, again.stderr) == (before.stdout, before.stderr)
    with duckdb.connect(str(panel), read_only=True) as con:
        assert con.execute(
            "SELECT count(*) FROM forecast_cache WHERE payload = ?", [payload]
        ).fetchone() == (0,)


def test_a_cache_table_dropped_around_trendlab_is_a_miss_check_names(panel: Path):
    """DROP TABLE forecast_cache in another client made forecast and backtest fail with
    "database error: Catalog Error: Table with name forecast_cache does not exist!".
    The cache never fails a command: both are computed, and check names the table,
    beside what the other audits find (none reads it: listed alone, it hid them)."""
    run = make_runner(panel)
    first = {
        args: run(*args, "--json") for args in (("backtest", "noisy3"), ("forecast", "noisy3"))
    }
    assert all(r.exit_code == 0 for r in first.values()), [r.stderr for r in first.values()]
    with duckdb.connect(str(panel)) as con:
        con.execute("DROP TABLE forecast_cache")
        blank = changeset_around(con, " ")
    for args, before in first.items():
        again = run(*args, "--json")
        assert again.exit_code == 0, again.stderr
        assert (again.stdout, again.stderr) == (before.stdout, before.stderr)
    checked = run("check", "--json")
    assert checked.exit_code == 1
    found = {(v["check"], v["key"]): v["problem"] for v in json.loads(checked.stdout)}
    assert found.pop(("schema", "forecast_cache")) == (
        "table forecast_cache is missing (dropped around trendlab): forecasts and backtests "
        "are computed each time, not cached; create it again as trendlab's "
        "schema/003_forecast_cache.sql does"
    )
    assert sorted(found) == [
        ("18_changeset_texts", blank),
        ("21_changesets_without_revisions", blank),
    ], found


@pytest.mark.parametrize("column", ["created_at", "payload"])
def test_a_cache_column_dropped_around_trendlab_is_a_miss_check_names(panel: Path, column: str):
    """A column of forecast_cache dropped in another client made forecast and backtest
    fail with "database error: Binder Error: Referenced column c.created_at not found",
    though a dropped table was a miss: so is this, nothing is cached, and check names
    the column, as one whose loss fails no command."""
    run = make_runner(panel)
    first = {
        args: run(*args, "--json") for args in (("backtest", "noisy3"), ("forecast", "noisy3"))
    }
    assert all(r.exit_code == 0 for r in first.values()), [r.stderr for r in first.values()]
    with duckdb.connect(str(panel)) as con:
        con.execute(f"ALTER TABLE forecast_cache DROP COLUMN {column}")
        con.execute("DELETE FROM forecast_cache")
    for args, before in first.items():
        again = run(*args, "--json")
        assert again.exit_code == 0, again.stderr
        assert (again.stdout, again.stderr) == (before.stdout, before.stderr)
    with duckdb.connect(str(panel), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM forecast_cache").fetchone() == (0,)
    checked = run("check", "--json")
    assert checked.exit_code == 1
    assert [v["problem"] for v in json.loads(checked.stdout)] == [
        f"column {column} of table forecast_cache is missing (dropped around trendlab): "
        "forecasts and backtests are computed each time, not cached; add it again as "
        "trendlab's schema/003_forecast_cache.sql makes it"
    ]


@pytest.mark.parametrize(
    "altered",
    [
        "version TYPE INTEGER USING NULL",
        "benchmark TYPE INTEGER USING NULL",
        "kind TYPE INTEGER USING NULL",
    ],
)
def test_a_cache_column_of_another_type_fails_no_forecast(panel: Path, altered: str):
    """forecast_cache.version altered to INTEGER in another client made forecast and
    backtest fail ("database error: Conversion Error: Could not convert string
    '...+109' to INT32"), though the cache never fails a command: an entry read so is
    a miss, computed again, and the output is the same."""
    run = make_runner(panel)
    first = {
        args: run(*args, "--json") for args in (("backtest", "noisy3"), ("forecast", "noisy3"))
    }
    assert all(r.exit_code == 0 for r in first.values()), [r.stderr for r in first.values()]
    with duckdb.connect(str(panel)) as con:
        con.execute(f"ALTER TABLE forecast_cache ALTER COLUMN {altered}")
    for args, before in first.items():
        again = run(*args, "--json")
        assert again.exit_code == 0, again.stderr
        assert (again.stdout, again.stderr) == (before.stdout, before.stderr)


def test_check_names_a_cache_column_of_another_type_as_failing_no_command(panel: Path):
    """check said a forecast_cache column altered to another type made "the commands
    that read it fail", as of a records table's; the cache fails none of them."""
    run = make_runner(panel)
    with duckdb.connect(str(panel)) as con:
        con.execute("ALTER TABLE forecast_cache ALTER COLUMN created_at TYPE VARCHAR")
    checked = run("check", "--json")
    assert checked.exit_code == 1
    assert [v["problem"] for v in json.loads(checked.stdout)] == [
        "column created_at of table forecast_cache is VARCHAR, not TIMESTAMP (altered around "
        "trendlab): forecasts and backtests it cannot read or write are computed each time; "
        "alter it back as trendlab's schema/003_forecast_cache.sql makes it"
    ]


def _cut_coefficient(kind: str, data: dict[str, Any]) -> None:
    """One coefficient left of a fitted curve; a backtest in a space trendlab has not."""
    if kind == "fit":
        data["coef"] = data["coef"][:1]
    else:
        data["space"] = "bogus"


def _no_coefficients(kind: str, data: dict[str, Any]) -> None:
    """No coefficients in a curve, nor in an ensemble's members."""
    for curve in [data, *data.get("members", [])] if kind == "fit" else []:
        curve["coef"], curve["cov"] = [], []


@pytest.mark.parametrize("damage", [_cut_coefficient, _no_coefficients])
def test_a_cache_entry_of_another_shape_is_computed_again(
    panel: Path, damage: Callable[[str, dict[str, Any]], None]
):
    """A payload that reads as JSON of the right keys but no fit's shape (a coefficient
    too few or none, a space trendlab has not) failed where the forecast used it,
    "internal error (ValueError: matmul ...)", LinAlgError or KeyError: it is a miss
    like unreadable JSON."""
    run = make_runner(panel)
    commands = [
        ("backtest", "noisy3"),
        ("forecast", "noisy3", "--family", "logistic"),
        ("forecast", "noisy3"),
    ]
    first = {args: run(*args, "--json") for args in commands}
    assert all(r.exit_code == 0 for r in first.values()), [r.stderr for r in first.values()]
    with duckdb.connect(str(panel)) as con:
        entries = con.execute("SELECT kind, spec, benchmark, payload FROM forecast_cache")
        damaged = []
        for kind, spec, slug, payload in entries.fetchall():
            data = json.loads(payload)
            damage(kind, data)
            damaged.append([json.dumps(data), kind, spec, slug])
        con.executemany(
            "UPDATE forecast_cache SET payload = ? WHERE kind = ? AND spec = ? AND benchmark = ?",
            damaged,
        )
    for args, before in first.items():
        again = run(*args, "--json")
        assert (again.exit_code, again.stdout, again.stderr) == (0, before.stdout, before.stderr)


def test_entries_of_an_older_method_are_dropped_when_the_cache_is_written(panel: Path):
    """An upgrade that bumps METHOD_VERSION makes every entry of the older method a miss
    for good: left in place, they grew the file with each upgrade. A newer method's
    (another trendlab on a team store) stay, as does anything whose spec is not ours."""
    from trendlab.forecast.backtest import METHOD_VERSION

    run = make_runner(panel)
    assert run("backtest", "noisy3", "--csv").exit_code == 0
    with duckdb.connect(str(panel)) as con:
        current = con.execute("SELECT count(*) FROM forecast_cache").fetchone()[0]
        for method in (METHOD_VERSION - 1, METHOD_VERSION - 2, METHOD_VERSION + 1):
            con.execute(
                "INSERT INTO forecast_cache SELECT kind, benchmark, version, "
                "replace(spec, ?, ?), created_at, payload FROM forecast_cache "
                "WHERE spec LIKE ?",
                [
                    f'"method": {METHOD_VERSION}',
                    f'"method": {method}',
                    f'%"method": {METHOD_VERSION}%',
                ],
            )
        con.execute(
            "INSERT INTO forecast_cache VALUES ('fit', 'noisy3', 'v', 'not json', now(), '{}')"
        )
    # Any write of the cache: a plan not cached yet.
    assert run("backtest", "noisy3", "--every", "12", "--csv").exit_code == 0
    with duckdb.connect(str(panel), read_only=True) as con:
        kept = dict(
            con.execute(
                "SELECT CASE WHEN json_valid(spec) THEN json_extract_string(spec, '$.method') "
                "ELSE spec END AS method, count(*) FROM forecast_cache GROUP BY method"
            ).fetchall()
        )
    assert set(kept) == {str(METHOD_VERSION), str(METHOD_VERSION + 1), "not json"}, kept
    assert kept[str(METHOD_VERSION + 1)] == current


def test_a_read_only_database_still_backtests(panel: Path):
    panel.chmod(0o444)
    try:
        result = make_runner(panel)("backtest", "noisy0", "--csv")
    finally:
        panel.chmod(0o644)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("family,horizon_months,n,mae,median_ae,coverage,interval_score")


def test_forecast_auto_chooses_by_backtest_and_calibrates(panel: Path):
    result = make_runner(panel)("forecast", "noisy1", "--until", "2028")
    assert result.exit_code == 0, result.stderr
    assert "auto chose" in result.stderr and "best backtest interval score" in result.stderr
    assert "calibrated on" in result.stdout
    again = make_runner(panel)("forecast", "noisy1", "--until", "2028")
    assert again.stdout == result.stdout  # read back from the cache: the same forecast


def test_backtest_options(panel: Path):
    run = make_runner(panel)
    doc = json.loads(
        run(
            "backtest",
            "exact",
            "--start",
            "2019-01-01",
            "--every",
            "12",
            "--horizons",
            "12",
            "--family",
            "gompertz",
            "--json",
        ).stdout
    )
    families = {r["family"] for r in doc["rows"]}
    assert families == {"last-value", "linear", "gompertz", "auto"}
    assert {r["horizon_months"] for r in doc["rows"]} == {12}
    assert _rows(doc, "last-value")[0]["n"] == 6  # 2019 to 2024, yearly


def test_horizons_take_a_plus_sign_as_every_does(panel: Path):
    """--every +12 was read as 12 where --horizons +6 was 'not a list of months'."""
    run = make_runner(panel)
    plain = run("backtest", "exact", "--every", "12", "--horizons", "6,12", "--json")
    assert plain.exit_code == 0, plain.stderr
    signed = run("backtest", "exact", "--every", "+12", "--horizons", "+6, +12", "--json")
    assert (signed.exit_code, signed.stdout) == (0, plain.stdout), signed.stderr


def test_origins_from_a_31st_are_month_ends(panel: Path):
    """Every origin is counted from --start: stepping from the previous one would clamp
    to 28 February and stay on the 28th from then on."""
    from trendlab.forecast.backtest import Plan

    plan = Plan(start=date(2022, 1, 31), every=1, horizons=(1,))
    origins = _backtest_rows(panel, "exact", plan).get_column("origin").unique().sort()
    assert origins[:4].to_list() == [
        date(2022, 1, 31),
        date(2022, 2, 28),
        date(2022, 3, 31),
        date(2022, 4, 30),
    ]
    assert len(origins) > 24
    for day in origins:
        assert day.month != (day + timedelta(days=1)).month, day


@pytest.mark.parametrize(
    "args",
    [
        ("--start", "9990-01-01", "--horizons", "1200"),
        # --every months past --start is past the year 9999: an internal error.
        ("--start", "9999-12-31"),
        ("--start", "9990-01-01", "--every", "1200"),
    ],
)
def test_a_start_so_late_its_horizon_passes_year_9999_has_no_origin(
    panel: Path, args: tuple[str, ...]
):
    """Like any --start after the data, not a crash: origins are dates from --start to
    the data's last one, so the horizons' month arithmetic never leaves the calendar."""
    result = make_runner(panel)("backtest", "exact", *args)
    assert result.exit_code == 1 and result.stdout == "", result.stderr
    assert result.stderr.startswith(
        "trendlab: error: exact: no origin has both enough history and a known outcome: "
    )
    # The third frontier record does not decide where the grid starts: --start does.
    assert result.stderr.endswith(f"; --start puts the first origin at {args[1]}\n")


def test_auto_with_no_family_fitting_says_so_not_that_backtests_are_few(
    run_empty: Run, tmp_path: Path
):
    """Failures (lower is better, a ceiling of 0) halving every year, the last at 0: the
    exponential, auto's only choice by backtest under a ceiling, has no log of 0 to fit.
    auto took the line, saying there were too few backtest forecasts to choose by, of a
    benchmark the backtest scores at every horizon."""
    scores = [round(400 * 0.5 ** (i / 6), 3) for i in range(len(DAYS) - 1)] + [0.0]
    write_benchmark(run_empty, tmp_path, "fails", DAYS, scores, unit="score", floor=None,
                    ceiling=0.0, higher_is_better=False)  # fmt: skip
    rows = json.loads(run_empty("backtest", "fails", "--json").stdout)["rows"]
    assert {r["horizon_months"] for r in rows if r["family"] == "exponential"} == {6, 12, 24}
    doc = json.loads(run_empty("forecast", "fails", "--json").stdout)
    assert doc["family"] == "linear"
    assert doc["notes"][0] == (
        "auto chose linear: fails's scores as they stand fit no family it chooses by backtest "
        "(the exponential needs them all above 0 or all below it)"
    )


def test_an_error_below_a_hundredth_is_not_rounded_to_0(run_empty: Run, tmp_path: Path):
    """A benchmark scored 0 to 1 whose best rises 0.001 every two months: carried
    forward six months, the frontier misses by three steps, 0.003. Rounded to two
    decimals, as a percent's points are, last-value read as exact (mae 0)."""
    scores = [round(0.5 + 0.001 * i, 3) for i in range(14)]
    write_benchmark(run_empty, tmp_path, "unit", DAYS[:14], scores, unit="score", floor=0.0,
                    ceiling=1.0)  # fmt: skip
    result = run_empty("backtest", "unit", "--horizons", "6", "--json")
    assert result.exit_code == 0, result.stderr
    (last,) = _rows(json.loads(result.stdout), "last-value")
    # Its interval is the value carried forward: the miss at 2 / 0.2 a point.
    assert (last["mae"], last["median_ae"], last["interval_score"]) == (0.003, 0.003, 0.03)


def test_a_result_no_date_places_is_said_to_be_left_out(run_empty: Run, tmp_path: Path):
    """A result with no date, of a model with no release date: forecast and plot said
    they left it out, backtest left it out in silence."""
    scores = [round(40 + 2.0 * i, 1) for i in range(14)]
    write_benchmark(run_empty, tmp_path, "dated", DAYS[:14], scores)
    assert run_empty("add-model", "undated", "--name", "Undated", "-m", "t").exit_code == 0
    added = run_empty("add-result", "undated", "dated", "99", "--setting", "0-shot",
                      "--source-url", "https://example.org/undated", "-m", "t")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    note = "1 result on dated left out: no reported_date, and the model has no release_date"
    for args in (["dated"], ["--all"]):
        result = run_empty("backtest", *args, "--horizons", "6", "--csv")
        assert result.exit_code == 0, result.stderr
        assert note in result.stderr, result.stderr
    # Under a setting it does not have, it is none of the results scored.
    result = run_empty("backtest", "dated", "--horizons", "6", "--setting", "5-shot")
    assert result.exit_code == 0, result.stderr
    assert "left out" not in result.stderr, result.stderr


def test_the_note_of_undated_results_names_at_most_ten_benchmarks():
    """backtest --all of a store with undated results on many benchmarks named every
    one in its note."""
    from types import SimpleNamespace

    from trendlab.forecast.scoring import _undated
    from trendlab.series import bare_command

    slugs = [f"b{i:02}" for i in range(13)]
    undated = pl.DataFrame({"benchmark": slugs, "setting": [None] * 13})
    store = SimpleNamespace(undated_settings=lambda _: undated, command=bare_command)
    note = _undated(store, slugs, None)
    assert note is not None
    shown = ", ".join(slugs[:10])
    assert note.startswith(f"13 results on {shown}, ... and 3 more benchmarks left out: "), note
    assert "b10" not in note
    # A few are each named, as before.
    store = SimpleNamespace(undated_settings=lambda _: undated.head(2), command=bare_command)
    assert str(_undated(store, slugs[:2], None)).startswith("2 results on b00 and b01 left out")


def test_a_line_held_at_0_offers_no_exponential_that_cannot_fit(run_empty: Run, tmp_path: Path):
    """Failures (lower is better, a ceiling of 0) halving every year, the last at 0: the
    line held at 0 said the exponential nears 0 without reaching it, offering a family
    that refuses these scores, as a line held at a ceiling no S-curve fits does not."""
    scores = [round(400 * 0.5 ** (i / 6), 3) for i in range(len(DAYS) - 1)] + [0.0]
    write_benchmark(run_empty, tmp_path, "fails", DAYS, scores, unit="score", floor=None,
                    ceiling=0.0, higher_is_better=False)  # fmt: skip
    doc = json.loads(run_empty("forecast", "fails", "--family", "linear", "--json").stdout)
    assert doc["notes"][0].endswith(
        "the forecast is the bound, not a trend (the exponential would near it without "
        "reaching it, but does not fit these frontier points: they are not all above 0 or "
        "all below it)"
    ), doc["notes"]
    # Without the 0 it fits, and the note offers it.
    write_benchmark(run_empty, tmp_path, "fewer", DAYS[:-1], scores[:-1], unit="score",
                    floor=None, ceiling=0.0, higher_is_better=False)  # fmt: skip
    doc = json.loads(run_empty("forecast", "fewer", "--family", "linear", "--json").stdout)
    assert doc["notes"][0].endswith("(the exponential nears it without reaching it)"), doc


def test_an_exponential_clipped_at_the_floor_throughout_is_not_backtested(
    run_empty: Run, tmp_path: Path
):
    """Scores all below a floor of 0 (-100 rising to -2): the exponential nears 0 from
    below, so each of its forecasts was the floor, and was scored, and chosen by auto,
    though forecast refuses it. Without the floor it is backtested."""
    scores = [round(-100 * 0.5 ** (i / 6), 3) for i in range(len(DAYS))]
    write_benchmark(run_empty, tmp_path, "neg", DAYS, scores, unit="score", ceiling=None)
    refused = run_empty("forecast", "neg", "--family", "exponential")
    assert refused.exit_code == 1
    assert "every score is below its floor 0" in refused.stderr
    doc = json.loads(run_empty("backtest", "neg", "--json").stdout)
    assert {r["family"] for r in doc["rows"]} == {"last-value", "linear", "auto"}
    auto = run_empty("forecast", "neg", "--json")
    assert auto.exit_code == 0, auto.stderr
    doc = json.loads(auto.stdout)
    assert doc["family"] == "linear"
    # Chosen quietly, the line hid what is likelier wrong than the trend: the floor.
    assert "auto did not consider the exponential: every score is below its floor 0" in (
        " | ".join(doc["notes"])
    )
    # Too short a history to choose by: auto falls back to the line, as forecast's
    # does, where it had no forecast at all.
    write_benchmark(run_empty, tmp_path, "short", DAYS[:12], scores[:12], unit="score",
                    ceiling=None)  # fmt: skip
    rows = json.loads(run_empty("backtest", "short", "--json").stdout)["rows"]
    by = {(r["family"], r["horizon_months"]): r["mae"] for r in rows}
    assert by[("auto", 6)] == by[("linear", 6)]
    edited = run_empty("edit", "benchmark", "neg", "--set", "floor=", "-m", "no floor")
    assert edited.exit_code == 0, edited.stderr
    doc = json.loads(run_empty("backtest", "neg", "--json").stdout)
    assert "exponential" in {r["family"] for r in doc["rows"]}


def test_auto_forecasts_at_an_origin_its_best_family_does_not_fit(run_empty: Run, tmp_path: Path):
    """Scores rising toward 0 from below, then past it: the exponential, best on the
    past, fits no origin that saw a score above 0. auto took it there anyway and had no
    forecast (n 6 where last-value had 7); forecast's auto chooses among the families
    that fit, and so does the backtest's, the line here."""
    days = monthly(date(2018, 1, 15), 20, step_days=91)
    scores = [round(-64 * 0.8**i, 3) for i in range(14)] + [0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
    write_benchmark(run_empty, tmp_path, "cross", days, scores, unit="score",
                    floor=None, ceiling=None)  # fmt: skip
    rows = json.loads(run_empty("backtest", "cross", "--json").stdout)["rows"]
    n = {(r["family"], r["horizon_months"]): r["n"] for r in rows}
    assert n[("exponential", 6)] == 6
    assert n[("auto", 6)] == n[("last-value", 6)] == 7


def test_no_scored_origin_under_a_setting_says_whose_latest_result_it_is(run: Run):
    """MMLU's latest 0-shot result is 2023-11-22, its latest result 2025-02-26: the error
    said "the latest result is 2023-11-22", as if MMLU had none since."""
    result = run("backtest", "mmlu", "--setting", "0-shot")
    assert result.exit_code == 1 and result.stdout == ""
    assert (
        ': the latest result with a setting containing "0-shot" is 2023-11-22, so only '
        "origins up to 2023-05-22 are scored"
    ) in result.stderr


def test_a_table_under_a_setting_says_whose_results_it_scores(run: Run):
    """The JSON said "setting": "5-shot"; the tables' titles did not, so a scorecard of
    MMLU's 5-shot results read as one of all of them. forecast's title says it so."""
    one = run("backtest", "mmlu", "--setting", "5-shot")
    assert one.exit_code == 0, one.stderr
    assert one.stdout.startswith('Backtest of mmlu, settings containing "5-shot": origins ')
    every = run("backtest", "--all", "--setting", "5-shot")
    assert every.exit_code == 0, every.stderr
    titles = [line for line in every.stdout.splitlines() if line.startswith(("Backtest", "Pool"))]
    assert titles[0].startswith('Backtest of 4 benchmarks, settings containing "5-shot"; 80 %')
    assert titles[1] == 'Pooled over the benchmarks of each unit, settings containing "5-shot"'


def test_all_under_a_setting_tells_no_result_from_too_little_history(run: Run):
    """--all --setting 0-shot named MATH, which has no 0-shot result, among benchmarks
    with "no origin with enough history", as it did MMLU, whose 0-shot results are too
    few to score; the second run reads their empty backtests from the cache."""
    for _ in range(2):
        result = run("backtest", "--all", "--setting", "0-shot", "--csv")
        assert result.exit_code == 0, result.stderr
        lines = result.stderr.splitlines()
        (unmatched,) = [line for line in lines if "no result with a setting" in line]
        (short,) = [line for line in lines if "no origin with enough history" in line]
        assert unmatched.startswith("left out (no result with a setting containing '0-shot'): ")
        assert "math, " in unmatched and "mmlu" not in unmatched
        assert short == (
            "left out (no origin with enough history and a known outcome, with --setting "
            "'0-shot'): bbh, gsm8k, humaneval, lambada, mmlu"
        )


def test_no_scored_origin_says_which_dates_rule_them_out(run: Run):
    """backtest math --start 2025-01-01 said only that no origin had enough history and
    a known outcome: not that MATH's latest result is 2024-09-12, before any origin."""
    result = run("backtest", "math", "--start", "2025-01-01")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        "trendlab: error: math: no origin has both enough history and a known outcome: "
        "the latest result is 2024-09-12, so only origins up to 2024-03-12 are scored 6 "
        "months ahead (the nearest horizon shown); --start puts the first origin at "
        "2025-01-01\n"
    )
    # The default first origin follows the third frontier record (2023-12-06).
    result = run("backtest", "math", "--horizons", "12")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "so only origins up to 2023-09-12 are scored 12 months ahead; the first origin "
        "with three frontier records before it is 2024-01-01\n"
    )
    # Refused before any backtest is run, nothing is cached, and asked again it says
    # the same words.
    cached = run(
        "query",
        "SELECT count(*) AS n FROM forecast_cache WHERE kind = 'backtest' "
        "AND spec LIKE '%\"horizons\": [12]%'",
        "--csv",
    )
    assert cached.stdout == "n\n0\n", cached.stderr
    again = run("backtest", "math", "--horizons", "12")
    assert (again.exit_code, again.stderr) == (1, result.stderr)


@pytest.mark.parametrize(
    "options",
    [["--start", "2030-01-01"], ["--horizons", "1200"], ["--start", "2024-09-01", "--every", "1"]],
)
def test_no_scored_origin_is_said_before_the_other_benchmarks_are_backtested(
    db: Path, run: Run, options: list[str]
):
    """No other benchmark's backtest changes it: backtest math --start 2030-01-01 ran all
    25 of them under that plan (seconds on an empty cache) and cached them, and only
    then said that no origin follows MATH's latest result."""
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM forecast_cache")
    result = run("backtest", "math", *options)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(
        "trendlab: error: math: no origin has both enough history and a known outcome: "
        "the latest result is 2024-09-12"
    )
    with duckdb.connect(str(db)) as con:
        assert con.execute("SELECT count(*) FROM forecast_cache").fetchone() == (0,)


def test_origins_asked_for_before_enough_history_are_said_to_be_left_out(run: Run):
    """backtest gsm8k --start 2021-01-01 began at 2022-07-01 without a word: its third
    frontier record came in June 2022, so earlier origins had too little to fit."""
    result = run("backtest", "gsm8k", "--start", "2021-01-01", "--horizons", "6", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "origins from --start 2021-01-01 to before 2022-07-01 are left out: gsm8k had too "
        "little history then to forecast from\n"
    )
    # From the first origin with enough history, as by default, nothing is left out.
    assert run("backtest", "gsm8k", "--start", "2022-07-01", "--horizons", "6").stderr == ""


def test_origins_before_the_first_result_are_not_read(panel: Path, monkeypatch):
    """backtest boolq --start 0001-01-01 --every 1 read the results as of each of some
    24,000 origins per benchmark, all but a few dozen before any result, for minutes.
    Only origins after a benchmark's first result are read, and the table is the one
    a --start there gives."""
    from trendlab.db import Store

    asked: list[date] = []
    frame = Store.frame

    def reading(self: Store, sql: str, params: Any = None) -> pl.DataFrame:
        if isinstance(params, dict) and "origins" in params:
            asked.extend(params["origins"])
        return frame(self, sql, params)

    monkeypatch.setattr(Store, "frame", reading)
    run = make_runner(panel)
    options = ("--every", "12", "--horizons", "12", "--json")
    early = run("backtest", "exact", "--start", "0001-01-01", *options)
    assert early.exit_code == 0, early.stderr
    assert asked and min(asked) > DAYS[0]  # every benchmark's first result
    assert early.stdout == run("backtest", "exact", "--start", "2016-01-01", *options).stdout


def test_all_says_in_one_line_which_origins_asked_for_had_too_little_history(panel: Path):
    """backtest --all --start 2016-01-01 left out each benchmark's origins before its
    third frontier record without a word, where backtest BENCHMARK says so."""
    run = make_runner(panel)
    options = ("--start", "2016-01-01", "--horizons", "12", "--csv")
    result = run("backtest", "--all", *options)
    assert result.exit_code == 0, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(
        "origins from --start 2016-01-01 are left out until a benchmark had enough history "
        "to forecast from, on 7 benchmarks: exact from 2016-07-01, noisy0 from "
    )
    # Each from the first origin backtest BENCHMARK names.
    alone = run("backtest", "noisy0", *options).stderr
    first = alone.removeprefix("origins from --start 2016-01-01 to before ").split(" ")[0]
    assert f"noisy0 from {first}, " in line
    assert run("backtest", "--all", "--horizons", "12", "--csv").stderr == ""


def test_backtest_all_json_carries_the_pooled_scorecards_the_csv_has(panel: Path):
    """`backtest --all --json` listed the benchmarks only: the pooled scores the table and
    CSV show were missing. They follow, labelled as in the CSV."""
    run = make_runner(panel)
    docs = json.loads(run("backtest", "--all", "--json").stdout)
    assert docs[-1]["benchmark"] == "all percent" and docs[-1]["level"] == 80
    assert [d["benchmark"] for d in docs[:-1]] == sorted(d["benchmark"] for d in docs[:-1])
    table = pl.read_csv(io.StringIO(run("backtest", "--all", "--csv").stdout))
    pooled = table.filter(pl.col("benchmark") == "all percent").drop("benchmark")
    assert docs[-1]["rows"] == pooled.to_dicts() and len(pooled) > 3


def test_backtest_all_applies_its_options_to_every_benchmark(panel: Path):
    run = make_runner(panel)
    docs = json.loads(
        run("backtest", "--all", "--horizons", "12", "--every", "12", "--json").stdout
    )
    assert len(docs) > 1
    for doc in docs:
        assert {r["horizon_months"] for r in doc["rows"]} <= {12}
    assert any(doc["rows"] for doc in docs)
    # Each benchmark is calibrated on the others' forecasts, so the title gives no count.
    title = run("backtest", "--all", "--horizons", "12", "--every", "12").stdout.splitlines()[0]
    assert "intervals calibrated on the other benchmarks' backtest forecasts" in title, title


@pytest.mark.parametrize(
    "options",
    [["--every", "3"], ["--setting", "5-shot"], ["--level", "90", "--horizons", "3,12"]],
    ids=["every", "setting", "level-horizons"],
)
def test_a_benchmark_scores_the_same_alone_and_with_all(run: Run, options: list[str]):
    """Both calibrate on the other benchmarks' backtests under the same origins and
    horizons, read whole (not under this benchmark's --setting)."""
    alone = json.loads(run("backtest", "mmlu", *options, "--json").stdout)
    every = run("backtest", "--all", *options, "--json")
    (with_all,) = [doc for doc in json.loads(every.stdout) if doc["benchmark"] == "mmlu"]
    assert alone["rows"] and alone == with_all
    if "--setting" in options:
        # The benchmarks with no 5-shot result are named, not dropped silently.
        assert "(no result with a setting containing '5-shot'): " in every.stderr
        named = every.stderr.split("(no result with a setting containing '5-shot'): ")[1]
        assert "gpqa-diamond" in named.splitlines()[0]


def test_a_forecasts_first_months_are_calibrated_on_backtests_first_months(db: Path):
    """Calibrated at 6, 12 and 24 months only, a forecast held the six-month residuals
    before six months, and they hold the jumps of half a year: MATH's 80 % interval was
    already [94.8, 99.58] 18 days after its last record. Within a month most frontiers
    do not move, and the one-month backtests say so."""
    from trendlab.cli.options import Settings
    from trendlab.forecast.prepare import prepare_forecast
    from trendlab.forecast.scoring import DEFAULT_PLAN, backtests

    settings = Settings(db=str(db), lock_timeout=0, author="t", debug=False)
    options = {"by": "date", "setting": None, "all_points": False, "level": 0.8, "as_of": None}
    prepared = prepare_forecast(settings, "math", family="logistic", **options)
    calibration = prepared.calibration
    assert isinstance(calibration, Calibration)
    assert calibration.horizons[:2].tolist() == [1.0, 3.0]
    # Its one-month residuals are every logit benchmark's one-month backtest misses.
    found = backtests(settings, {}, everything=DEFAULT_PLAN)
    month = pl.concat([b.every_row() for b in found.values() if b.space == "logit"]).filter(
        family="logistic", horizon=1
    )
    pooled = Calibration.from_rows(month, "logit")
    assert pooled is not None and np.array_equal(calibration.residuals[0], pooled.residuals[0])

    doc = json.loads(make_runner(db)("forecast", "math", "--until", "2030", "--json").stdout)
    last = date.fromisoformat(doc["fitted_on"]["last"])
    width = {date.fromisoformat(p["date"]): p["upper"] - p["lower"] for p in doc["forecast"]}
    first = min(width)
    half_year = min(d for d in width if d >= last + timedelta(days=182))
    assert first <= last + timedelta(days=31)
    assert 0 <= width[first] < width[half_year] / 2, (width[first], width[half_year])


def test_the_calibration_horizons_change_no_figure_a_backtest_shows(
    panel: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Backtests are also run at the horizons forecasts are calibrated at; the rows
    there are kept apart, so the scores and calibration at the plan's horizons are what
    a backtest at those horizons alone gives, and so is auto's choice by its record.
    Its fallback, without one, is not: as in `forecast`, it is the ensemble where every
    horizon's forecasts calibrated one (see known_then)."""
    from trendlab.forecast import backtest as bt

    alone = tmp_path / "alone.duckdb"
    shutil.copy(panel, alone)
    args = ("backtest", "--all", "--json")
    shown = make_runner(panel)(*args)
    assert shown.exit_code == 0, shown.stderr
    monkeypatch.setattr(bt, "CALIBRATION_HORIZONS", ())
    at_plan_horizons = make_runner(alone)(*args)
    assert at_plan_horizons.exit_code == 0, at_plan_horizons.stderr

    def families(text: str, keep: Callable[[str], bool]) -> list:
        return [
            {**doc, "rows": [r for r in doc["rows"] if keep(r["family"])]}
            for doc in json.loads(text)
        ]

    def not_auto(family: str) -> bool:
        return family != "auto"

    assert families(at_plan_horizons.stdout, not_auto) == families(shown.stdout, not_auto)
    # auto by its record: the origins after its first three outcomes are the same.
    found = _found(alone)
    monkeypatch.undo()
    with_them = _found(panel)
    assert all(b.calibration_rows.is_empty() for b in found.values())
    assert not any(b.calibration_rows.is_empty() for b in with_them.values())
    for slug in ("noisy1", "noisy4"):
        (plan_only,) = score(found, [slug], 0.8, None)
        (every,) = score(with_them, [slug], 0.8, None)
        origins = sorted(set(every.rows.get_column("origin")))
        own = with_them[slug].rows.filter(pl.col("family") == "logistic")
        recorded = [o for o in origins if own.filter(pl.col("target") < o).height >= 6]
        assert recorded
        assert _choices(plan_only.rows, recorded) == _choices(every.rows, recorded)


def test_the_horizons_shown_calibrate_each_other_s_rows(run: Run):
    """The README and --help said --horizons changed only auto's rows; a backtest is
    calibrated at the horizons it shows, and one with fewer than 10 residuals holds
    another's, so every family's rows move: on the seeds mmlu's 24 months alone are
    not calibrated, beside 12 months they hold the 12-month residuals, beside 9 the
    9-month ones."""

    def at_24(horizons: str) -> dict:
        result = run("backtest", "mmlu", "--horizons", horizons, "--family", "logistic", "--json")
        assert result.exit_code == 0, result.stderr
        (row,) = (
            r
            for r in json.loads(result.stdout)["rows"]
            if r["family"] == "logistic" and r["horizon_months"] == 24
        )
        return row

    alone, by_12, by_9 = at_24("24"), at_24("12,24"), at_24("9,24")
    assert alone["interval_score"] != by_12["interval_score"] != by_9["interval_score"]
    title = run("backtest", "mmlu", "--horizons", "24").stdout.splitlines()[0]
    assert title.endswith("80 % intervals not calibrated (too few backtest forecasts)")
    helped = run("backtest", "--help").stdout
    assert "calibrated on the other benchmarks' forecasts at these horizons only" in " ".join(
        helped.split()
    )


def test_a_shown_horizon_s_running_maximum_skips_the_calibration_horizons(
    monkeypatch: pytest.MonkeyPatch,
):
    """On a flat, noisy frontier some paths start above today's best and fall: their
    running maximum at 6 months over the 1- and 3-month calibration horizons too would
    be their early high, not what a backtest at 6 and 12 months alone gives (on the
    seeds, metr-time-horizon's linear rows moved). The raw forecasts shown are the same
    with or without the calibration horizons."""
    from tests.synthetic import frame, scale
    from trendlab.forecast import backtest as bt
    from trendlab.series import build_series

    days = [date(2014, 1, 1) + timedelta(days=59 * i) for i in range(40)]
    scores = 50 + np.random.default_rng(1).normal(0, 3, len(days))
    points = frame(np.array([decimal(d) for d in days]), scores)
    now = build_series(scale(), points)
    plan = bt.Plan(horizons=(6, 12))

    def shown() -> pl.DataFrame:
        origins = plan.origins(now)
        known = pl.concat(
            points.filter(pl.col("date") < o).with_columns(origin=pl.lit(o)) for o in origins
        )
        rows = bt.run(now.scale, known, now, plan, ("linear", "logistic"))
        return rows.filter(pl.col("horizon").is_in(plan.horizons)).drop("e_med", "e_scale")

    with_calibration = shown()
    monkeypatch.setattr(bt, "CALIBRATION_HORIZONS", ())
    assert shown().equals(with_calibration)


def test_auto_chooses_the_same_family_at_every_level(run: Run):
    """auto compares families' 80 % intervals, as `forecast` does, whatever --level is.
    METR has no other benchmark to calibrate on, so its families keep their raw
    intervals, which were drawn at --level: at 50 % auto chose another family for it."""
    options = ["--horizons", "3,6,12,24,36"]

    def auto(*args: str) -> list[tuple[int, float]]:
        docs = json.loads(run("backtest", *args, *options, "--json").stdout)
        docs = docs if isinstance(docs, list) else [docs]
        rows = [r for d in docs if d["benchmark"] == "metr-time-horizon" for r in d["rows"]]
        return [(r["horizon_months"], r["mae"]) for r in rows if r["family"] == "auto"]

    at_80 = auto("metr-time-horizon")
    assert at_80
    for level in ("50", "95"):
        assert auto("metr-time-horizon", "--level", level) == at_80, level
        assert auto("--all", "--level", level) == at_80, level


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ([], 2, "give a BENCHMARK or --all"),
        (["mmlu", "--all"], 2, "give a BENCHMARK or --all, not both"),
        (["mmluu"], 1, "no current benchmark 'mmluu' (did you mean 'mmlu'?)"),
        (["mmlu", "--horizons", "6,x"], 2, "is not a list of months"),
        (["mmlu", "--horizons", "99999999999999999999"], 2, "months from 1 to 1200"),
        # More digits than Python's int() converts (4300): a ValueError, not a number.
        (["mmlu", "--horizons", "9" * 5000], 2, "months from 1 to 1200"),
        (["mmlu", "--every", "100000"], 2, "100000 is not in the range 1<=x<=1200"),
        # Python's int() read these as 60, 6 and 12.
        (["mmlu", "--horizons", "6_0"], 2, "'6_0' is not a list of months"),
        (["mmlu", "--horizons", "6,,12"], 2, "'6,,12' is not a list of months"),
        (["mmlu", "--horizons", "6,12,"], 2, "'6,12,' is not a list of months"),
        (["mmlu", "--horizons", "12,\uff16"], 2, "'12,\uff16' is not a list of months"),
        (["mmlu", "--every", "1_2"], 2, "'1_2' is not a whole number in digits 0-9"),
        (["mmlu", "--start", "soon"], 2, "is not a date"),
        # Written as a date, it was said not to be one (YYYY-MM-DD): it is no day.
        (["mmlu", "--start", "2024-02-30"], 2, "'--start': '2024-02-30' is not a valid date ("),
        (["mmlu", "--setting", ""], 2, "is blank: give some text of the setting"),
        (["math-500"], 1, "math-500 has 1 frontier point; a trend needs at least 3"),
        (
            ["--all", "--setting", "no-such-setting"],
            1,
            "error: no result on any benchmark has a setting containing 'no-such-setting'\n",
        ),
        (
            ["mmlu", "--family", "exponential"],
            1,
            "mmlu has no backtest of exponential (not a family for it, or none to calibrate "
            "on); it has ensemble, gompertz, logistic, logistic4\n",
        ),
        (
            ["metr-time-horizon", "--family", "logistic", "--family", "ensemble"],
            1,
            "metr-time-horizon has no backtest of logistic, ensemble (not a family for it, or "
            "none to calibrate on); it has exponential\n",
        ),
    ],
)
def test_backtest_errors(run: Run, args: list[str], code: int, message: str):
    result = run("backtest", *args)
    assert result.exit_code == code
    assert message in result.stderr and "internal error" not in result.stderr


@pytest.mark.parametrize("out", ["--jsonl", "scores.jsonl", "scores.parquet"])
@pytest.mark.parametrize("everything", [False, True], ids=["one", "all"])
def test_jsonl_and_parquet_have_the_csvs_rows(run: Run, tmp_path: Path, out: str, everything: bool):
    args = ["backtest", "--all" if everything else "mmlu"]
    csv = pl.read_csv(io.StringIO(run(*args, "--csv").stdout))
    if out == "--jsonl":
        result = run(*args, "--jsonl")
        assert result.exit_code == 0, result.stderr
        frame = pl.read_ndjson(io.StringIO(result.stdout))
    else:  # -o FILE: the suffix picks the format
        target = tmp_path / out
        result = run(*args, "-o", str(target))
        assert result.exit_code == 0, result.stderr
        frame = pl.read_ndjson(target) if out.endswith(".jsonl") else pl.read_parquet(target)
    key = ["benchmark", "family", "horizon_months"] if everything else ["family", "horizon_months"]
    assert (
        frame.columns
        == csv.columns
        == [*key, "n", "mae", "median_ae", "coverage", "interval_score"]
    )
    assert frame.height == csv.height and frame.select(key).is_unique().all()
    assert frame.to_dicts() == csv.to_dicts()
    docs = json.loads(run(*args, "--json").stdout)
    if everything:  # every benchmark's rows, as JSON has them, then the pooled rows
        each = frame.filter(~pl.col("benchmark").str.starts_with("all "))
        assert frame.height == sum(len(doc["rows"]) for doc in docs)
        assert each.height == sum(
            len(doc["rows"]) for doc in docs if not doc["benchmark"].startswith("all ")
        )
        assert set(frame.get_column("benchmark")) >= {"mmlu", "all percent"}
        pooled = frame.filter(pl.col("benchmark").str.starts_with("all "))
        assert pooled.height == frame.height - each.height
        six = {"family": "last-value", "horizon_months": 6}  # pooled per unit: n adds up
        assert pooled.filter(**six)["n"].sum() == each.filter(**six)["n"].sum()
    else:
        assert frame.to_dicts() == docs["rows"]


def test_a_target_or_an_origin_reaching_the_last_result_s_day_is_kept():
    """The truth is known up to the latest result's day: a target on it is scored, and an
    origin whose nearest horizon lands on it is backtested."""
    from tests.synthetic import frame, scale
    from trendlab.forecast.backtest import Plan
    from trendlab.series import build_series

    plan, origin, last = Plan(), date(2024, 1, 1), date(2024, 7, 1)
    on_the_day = [(1, date(2024, 2, 1)), (3, date(2024, 4, 1)), (6, last)]
    assert plan.targets(origin, last) == on_the_day
    assert plan.targets(origin, last - timedelta(days=1)) == on_the_day[:2]
    days = [date(2021, 1, 1), date(2022, 1, 1), date(2023, 1, 1), date(2024, 2, 1)]
    xs = np.array([decimal(d) for d in days])
    now = build_series(scale(), frame(xs, np.array([10.0, 20.0, 30.0, 40.0])))
    assert now.last_date == date(2024, 2, 1)
    assert plan.origins(now) == [date(2023, 7, 1), origin]  # a month after it: the last day


def test_the_first_origin_is_the_half_year_start_after_the_third_record():
    """A third record on 15 July puts the first origin at the next 1 January: the
    1 July before it would know only two."""
    from tests.synthetic import frame, scale
    from trendlab.forecast.backtest import Plan
    from trendlab.series import build_series

    days = [date(2014, 1, 1), date(2015, 1, 1), date(2016, 7, 15), date(2019, 1, 1)]
    xs = np.array([decimal(d) for d in days])
    now = build_series(scale(), frame(xs, np.array([10.0, 20.0, 30.0, 40.0])))
    assert Plan().origins(now)[0] == date(2017, 1, 1)


def test_two_records_and_a_later_result_are_the_history_the_first_origin_needs():
    """Two records and the frontier's level at a later result are three points, all a
    forecast needs; the first origin was put after the second record, where it knew
    two, and an error said it had three records before it, which the frontier never
    has. It is now the half-year start after the later result, and said so."""
    from tests.synthetic import frame, scale
    from trendlab.forecast.backtest import Plan
    from trendlab.series import build_series

    days = [date(2014, 1, 1), date(2014, 3, 1), date(2015, 8, 1), date(2019, 1, 1)]
    xs = np.array([decimal(d) for d in days])
    now = build_series(scale(), frame(xs, np.array([10.0, 20.0, 15.0, 18.0])))
    assert now.records.height == 2
    assert Plan().origins(now)[0] == date(2016, 1, 1)
    assert Plan(horizons=(48,)).unscored(now) == (
        "the latest result is 2019-01-01, so only origins up to 2015-01-01 are scored 48 "
        "months ahead; the first origin with two frontier records and a later result "
        "before it is 2016-01-01"
    )


def test_the_default_start_waits_for_the_third_record_as_help_says(run: Run):
    """--help said the default start followed the third frontier point, the level at a
    later result counting as one; with three records it follows the third record, even
    where a result between the second and the third made three points earlier: osworld's
    first default origin would be 2025-07-01, and --start 2024-08-01 scores."""
    helped = " ".join(run("backtest", "--help").stdout.split())
    assert (
        "[default: 1 January or 1 July after the third frontier record, or with two "
        "records after the first result past the second]" in helped
    )
    args = ("backtest", "osworld", "--family", "linear", "--horizons", "6")
    none = run(*args)
    assert none.exit_code == 1
    assert none.stderr.rstrip().endswith(
        "the first origin with three frontier records before it is 2025-07-01"
    )
    assert run(*args, "--start", "2024-08-01").exit_code == 0


def test_an_origin_knows_only_the_results_of_the_setting_backtested():
    """With --setting, what each origin knows is that setting's results too, as the
    truth is. By hand: 0-shot results on 1 January 2014, 2016, ... 2024 score 10, 20,
    40, 60, 75, 85 and 5-shot ones in the years between 15 to 80; the origin 2020-01-01
    knows the 0-shot 40 of 2018 (not the 5-shot 50 of 2019), and its 12-month target
    is the 0-shot 60 of 2020."""
    from tests.synthetic import frame, scale
    from trendlab.forecast.backtest import LAST_VALUE, Plan, run
    from trendlab.series import build_series

    days = [date(year, 1, 1) for year in range(2014, 2025)]
    scores = np.array([10.0, 15, 20, 30, 40, 50, 60, 70, 75, 80, 85])
    points = frame(np.array([decimal(d) for d in days]), scores)  # 0-shot, 5-shot, ...
    plan = Plan(start=date(2020, 1, 1), every=12, horizons=(12,), setting="0-shot")
    now = build_series(scale(), points, setting="0-shot")
    known = pl.concat(
        points.filter(pl.col("date") < o).with_columns(origin=pl.lit(o)) for o in plan.origins(now)
    )
    rows = run(now.scale, known, now, plan, ()).filter(
        (pl.col("horizon") == 12) & (pl.col("family") == LAST_VALUE)
    )
    assert rows.select("origin", "current", "actual").rows() == [
        (date(2020, 1, 1), 40.0, 60.0),
        (date(2021, 1, 1), 60.0, 75.0),
        (date(2022, 1, 1), 60.0, 75.0),
        (date(2023, 1, 1), 75.0, 85.0),
    ]


@pytest.mark.parametrize("level", [0.8, 0.9, 0.95, 0.99])
def test_residuals_needed_is_where_an_interval_end_leaves_the_largest_miss(level: float):
    from trendlab.forecast.calibrate import residuals_needed

    def upper_end(n: int) -> tuple[float, float]:
        r = np.arange(n, dtype=float)
        rows = pl.DataFrame({"horizon": [12] * n, "e_act": r, "e_med": 0.0, "e_scale": 1.0})
        calibration = Calibration.from_rows(rows, "logit")
        assert calibration is not None
        return calibration.interval(0.0, 1.0, 12, level)[2], float(r.max())

    needed = residuals_needed(level)
    end, largest = upper_end(max(needed, 10))  # a horizon is calibrated from 10 on
    assert end < largest
    if needed > 10:
        end, largest = upper_end(needed - 1)
        assert end == largest


def test_a_forecast_says_when_its_interval_ends_stop_at_the_largest_miss(run: Run):
    """22 held-out forecasts at a horizon place a 90 % interval's ends, not a 99 % one's."""
    ninety = run("forecast", "math", "--level", "90")
    assert ninety.exit_code == 0, ninety.stderr
    assert "may be too narrow" not in ninety.stderr
    note = run("forecast", "math", "--level", "99").stderr
    assert "the 99 % interval may be too narrow: some horizons have only" in note
    assert "placing its ends takes 100" in note


def test_a_forecast_says_when_its_interval_says_more_than_its_probability_may(run: Run):
    """At 95 % on 22 held-out forecasts a crossing's 95 % interval ended in 2029, so 97.5 %
    of paths had crossed by then, yet its probability by 2030 read 0.957 (kept within
    1/23 and 22/23), less than by 2029, with no word why; the other way, a threshold its
    interval did not reach read 0.043, more than the 0.025 that implies. Nothing is said
    where no crossing shows it: at 90 %, which 22 support, or with no such threshold."""
    result = run("forecast", "mmlu", "--threshold", "93", "--level", "95", "--until", "2030",
                 "--json")  # fmt: skip
    [crossing] = json.loads(result.stdout)["crossings"]
    assert crossing["upper_date"] < "2030-12-31" and crossing["probability_by_until"] < 0.975
    assert (
        "the chance of crossing 93 by 2030-12-31 is shown as ≥ 0.956, though its 95 % "
        "interval ends before then (at least 0.975): 22 held-out backtest forecasts support no chance beyond "
        "0.043 to 0.957 (0.975 takes 39)"
    ) in result.stderr.splitlines()
    low = run("forecast", "frontiermath", "--threshold", "99.9", "--level", "95", "--until",
              "2026-06-30", "--json")  # fmt: skip
    [crossing] = json.loads(low.stdout)["crossings"]
    assert crossing["lower_date"] is None and crossing["probability_by_until"] > 0.025
    assert (
        "the chance of crossing 99.9 by 2026-06-30 is shown as ≤ 0.044, though its 95 % "
        "interval does not reach it by then (at most 0.025)"
    ) in low.stderr
    for args in (["--threshold", "93", "--level", "90"], ["--level", "95"]):
        quiet = run("forecast", "mmlu", *args, "--until", "2030")
        assert quiet.exit_code == 0 and "the chance of crossing" not in quiet.stderr


def test_calibration_maps_raw_spread_to_held_out_residuals():
    rng = np.random.default_rng(0)
    residuals = rng.normal(0.5, 2.0, 400)  # too narrow and biased raw forecasts
    rows = pl.DataFrame(
        {"horizon": [12] * 400, "e_act": residuals, "e_med": [0.0] * 400, "e_scale": [1.0] * 400}
    )
    cal = Calibration.from_rows(rows, "logit")
    assert cal is not None and cal.n == 400
    median, lower, upper = cal.interval(0.0, 1.0, 12, 0.8)
    fresh = rng.normal(0.5, 2.0, 5000)
    assert np.mean((fresh >= lower) & (fresh <= upper)) == pytest.approx(0.8, abs=0.04)
    assert median == pytest.approx(0.5, abs=0.3)
    paths = 1 / (1 + np.exp(-rng.normal(0.0, 1.0, (4000, 2))))
    mapped = np.log(cal.apply(paths, np.array([1.0, 1.0])))
    mapped = np.log(np.exp(mapped) / (1 - np.exp(mapped)))
    assert np.quantile(mapped[:, 0], 0.9) == pytest.approx(upper, abs=0.25)
    too_few = rows.head(5)
    assert Calibration.from_rows(too_few, "logit") is None


def test_misses_symmetric_about_zero_leave_the_calibrated_median_where_it_was():
    """A family whose held-out misses lie evenly either side of its forecasts is not
    biased: calibrating moves its paths' ends but keeps them symmetric about the raw
    median, so its median stays put, however few the paths (each path takes the
    residual quantile at the middle of its share, (k + 0.5) / n)."""
    n = 11
    rows = pl.DataFrame(
        {"horizon": [12] * n, "e_act": np.linspace(-1, 1, n), "e_med": 0.0, "e_scale": 1.0}
    )
    cal = Calibration.from_rows(rows, "logit")
    assert cal is not None
    eta = 3.0 + np.array([[-2.0], [-1.0], [1.0], [2.0]])
    mapped = cal.map(eta, np.array([1.0]))[:, 0] - 3.0
    assert np.median(mapped) == pytest.approx(0.0)
    assert np.sort(mapped) == pytest.approx(-np.sort(mapped)[::-1])


def _six_and_twelve(six: np.ndarray, twelve: np.ndarray) -> pl.DataFrame:
    """Backtest rows whose normalised residuals are `six` at 6 months, `twelve` at 12."""
    return pl.DataFrame(
        {
            "horizon": [6] * len(six) + [12] * len(twelve),
            "e_act": np.r_[six, twelve],
            "e_med": 0.0,
            "e_scale": 1.0,
        }
    )


def test_residual_quantiles_are_interpolated_between_horizons_and_held_past_them():
    """Calibration.quantiles at a horizon between two calibrated ones weighs each by how
    near it is; before the first and after the last it holds theirs."""
    n = 20
    cal = Calibration.from_rows(
        _six_and_twelve(np.linspace(-1, 1, n), np.linspace(-3, 3, n)), "logit"
    )
    assert cal is not None
    p = np.array([0.1, 0.9])
    six, twelve = cal.quantiles(p, 6), cal.quantiles(p, 12)
    assert twelve == pytest.approx(3 * six)  # the wider residuals at 12 months
    assert cal.quantiles(p, 7.5) == pytest.approx(0.75 * six + 0.25 * twelve)
    assert cal.quantiles(p, 1) == pytest.approx(six)
    assert cal.quantiles(p, 24) == pytest.approx(twelve)


def test_the_evidence_a_calibration_claims_is_its_least_evidenced_horizon_and_member():
    """`fewest` (which keeps a crossing's probability from 0 and 1, and says when an
    interval's ends may be too narrow) is the horizon with the fewest held-out misses,
    and the ensemble title's count its least-calibrated member's: never the best one."""
    from trendlab.forecast.calibrate import EnsembleCalibration

    def calibration(at_six: int, at_twelve: int) -> Calibration:
        rows = _six_and_twelve(np.linspace(-1, 1, at_six), np.linspace(-1, 1, at_twelve))
        found = Calibration.from_rows(rows, "logit")
        assert found is not None
        return found

    uneven = calibration(12, 30)
    assert uneven.fewest == 12 and uneven.n == 42
    both = EnsembleCalibration({"logistic": uneven, "gompertz": calibration(20, 20)})
    assert both.fewest == 12
    assert both.describe() == (
        "each family calibrated on 40 held-out backtest forecasts "
        "pooled over the database's benchmarks"
    )


def test_a_calibration_leaves_out_a_backtest_row_with_no_finite_forecast():
    """A row whose forecast or truth is not a finite number is no residual: it would
    make every quantile NaN, and every calibrated interval with it."""
    n = 12
    rows = pl.DataFrame(
        {
            "horizon": [12] * (n + 2),
            "e_act": [*np.linspace(-1, 1, n), 0.5, float("nan")],
            "e_med": [*[0.0] * n, float("nan"), 0.0],
            "e_scale": 1.0,
        }
    )
    calibration = Calibration.from_rows(rows, "logit")
    assert calibration is not None and calibration.n == n
    assert all(np.isfinite(calibration.interval(0.0, 1.0, 12, 0.8)))


def test_only_a_metric_whose_0_is_none_of_it_is_calibrated_as_a_log():
    """An Elo rating's 0 is a convention: it changes by steps, so its misses are
    calibrated as themselves, in the pool of such metrics, never with METR's minutes."""
    from tests.synthetic import scale
    from trendlab.forecast.calibrate import space_for

    positive = np.array([1000.0, 1100.0, 1250.0])
    elo = scale("arena", floor=None, ceiling=None, unit="elo")
    minutes = scale("horizon", floor=None, ceiling=None, unit="minutes")
    assert space_for(elo, positive) == "identity"
    assert space_for(minutes, positive) == "log"
    assert space_for(scale(), positive / 20) == "logit"


def test_a_decaying_metric_and_a_growing_one_calibrate_each_other():
    from tests.synthetic import scale
    from trendlab.forecast.evaluate import Backtest, calibrations

    def backtest(space: str, n: int) -> Backtest:
        rows = pl.DataFrame(
            {
                "family": ["exponential"] * n,
                "horizon": [12] * n,
                "e_act": np.linspace(-1, 1, n),
                "e_med": [0.0] * n,
                "e_scale": [1.0] * n,
            }
        )
        return Backtest(scale(floor=None, ceiling=None), space, rows)

    # Both measure progress as a log ratio of the score, up meaning better.
    found = {"horizon": backtest("log", 12), "latency": backtest("neglog", 12)}
    own = calibrations(found, "neglog", exclude="latency")["exponential"]
    assert own.space == "neglog" and own.n == 12
    assert calibrations(found, "identity") == {}


def test_a_backtest_is_calibrated_on_the_other_benchmarks_only(panel: Path):
    """A scorecard is an honest out-of-sample test only if a benchmark's intervals are
    calibrated on the others' misses (leave one benchmark out), never on its own."""
    from trendlab.cli.options import Settings
    from trendlab.forecast.evaluate import calibrated, calibrations
    from trendlab.forecast.scoring import DEFAULT_PLAN, backtests, score

    settings = Settings(db=str(panel), lock_timeout=0, author="t", debug=False)
    found = backtests(settings, {}, everything=DEFAULT_PLAN)
    (scored,) = score(found, ["noisy1"], 0.8, ("logistic",))
    others = calibrations(found, "logit", exclude="noisy1")
    every = calibrations(found, "logit")
    assert scored.calibrated_how == next(iter(others.values())).describe()
    assert scored.calibrated_how != next(iter(every.values())).describe()
    expected = calibrated(found["noisy1"], others, 0.8).filter(family="logistic")
    assert scored.rows.filter(family="logistic").equals(expected)


def test_auto_never_chooses_a_straight_line_toward_a_ceiling(run: Run):
    """A line runs into the ceiling and its interval shrinks to a point: FrontierMath's
    backtests favour one, and auto takes a saturating family instead."""
    from trendlab.forecast.evaluate import auto_candidates
    from trendlab.series import Scale

    families = ("exponential", "linear")
    no_ceiling = Scale("s", "S", "minutes", 0.0, None, True, None)
    assert auto_candidates(no_ceiling, families) == families
    faster_is_better = Scale("s", "S", "minutes", None, 0.0, False, None)
    assert auto_candidates(faster_is_better, families) == ("exponential",)
    result = run("forecast", "frontiermath", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["family"] != "linear"
    assert "auto chose linear" not in result.stderr
    assert run("forecast", "frontiermath", "--family", "linear").exit_code == 0


def test_choose_needs_history_and_picks_the_best_interval_score():
    def row(family: str, origin: int, width: float) -> dict:
        return {
            "family": family,
            "origin": date(2020 + origin, 1, 1),
            "horizon": 6,
            "target": date(2020 + origin, 7, 1),
            "actual": 50.0,
            "lower": 50 - width,
            "upper": 50 + width,
        }

    rows = with_reach(
        pl.DataFrame(
            [row("logistic", i, 5.0) for i in range(4)]
            + [row("gompertz", i, 2.0) for i in range(4)]
        ),
        scale(),
    )
    assert choose(rows, ("logistic", "gompertz"), 0.8) == "gompertz"
    assert choose(rows, ("logistic", "gompertz"), 0.8, known_by=date(2021, 1, 1)) is None
    # A forecast is known once its target has passed: one whose target is the day of
    # choosing (an origin's own date, 6 months after the one before) is not yet.
    assert choose(rows, ("logistic", "gompertz"), 0.8, known_by=date(2022, 7, 1)) is None
    assert choose(rows, ("logistic", "gompertz"), 0.8, known_by=date(2022, 7, 2)) == "gompertz"


def test_a_forecast_that_hits_the_truth_covers_it():
    hit = 10**0.7  # through a log and back: equal only to the last bits
    rows = pl.DataFrame(
        {
            "family": ["exponential", "exponential"],
            "horizon": [12, 12],
            "actual": [hit, 50.0],
            "median": [10 ** (0.7 * (1 + 1e-15)), 50.0],
            "lower": [10 ** (0.7 * (1 + 1e-15)), 51.0],
            "upper": [10 ** (0.7 * (1 + 1e-15)), 52.0],
        }
    )
    card = scorecard(with_reach(rows, scale(floor=None, ceiling=None)), 0.8).row(0, named=True)
    assert card["coverage"] == 0.5  # the hit covers; the miss by one point does not


def test_an_interval_end_at_the_bound_covers_a_truth_at_it(
    run_empty: Run, empty_db: Path, tmp_path: Path
):
    """Intervals are built in logit space, so an end that runs into the ceiling stops
    short of it (99.996 under 100) and a frontier that reached 100 was never covered,
    nor an error rate that reached 0. An end within a thousandth of the range of the
    bound (as a crossing of it counts) covers a truth there, and charges no miss; one
    farther short still misses."""
    from trendlab.cli.options import Settings
    from trendlab.forecast.scoring import DEFAULT_PLAN, backtests

    scores = [round(float(s), 2) for s in logistic_scores(XS, slope=1.0, midpoint=2019.0)]
    scores[45] = 100.0  # 2023-07: the frontier reaches the ceiling
    write_benchmark(run_empty, tmp_path, "top", DAYS, scores)
    write_benchmark(run_empty, tmp_path, "err", DAYS, [round(100 - s, 2) for s in scores],
                    floor=100.0, ceiling=0.0, higher_is_better=False)  # fmt: skip
    settings = Settings(db=str(empty_db), lock_timeout=0, author="t", debug=False)
    found = backtests(settings, {}, everything=DEFAULT_PLAN)
    # How far short of the best score each end toward it stops; a thousandth of the
    # range is 0.1.
    short = {"top": 100.0 - pl.col("upper"), "err": pl.col("lower")}
    for scored in score(found, ["top", "err"], 0.8, None):
        best = 100.0 if scored.slug == "top" else 0.0
        at_best = scored.rows.filter(pl.col("actual") == best)
        gap = short[scored.slug]
        at_bound = at_best.filter((gap > 0) & (gap <= 0.1))
        near = scorecard(at_bound, 0.8)
        assert near.get_column("n").sum() > 10, scored.slug
        assert near.get_column("coverage").to_list() == [1.0] * near.height, near
        # No miss: the interval score is the width alone, as of a truth inside it.
        inside = scorecard(at_bound.with_columns(actual=pl.col("lower")), 0.8)
        assert near.get_column("interval_score").to_list() == pytest.approx(
            inside.get_column("interval_score").to_list()
        )
        far = scorecard(at_best.filter(gap > 0.1), 0.8)
        assert far.get_column("n").sum() > 5, scored.slug
        assert far.get_column("coverage").to_list() == [0.0] * far.height, far


def test_the_ensemble_averages_its_members_calibrated_forecasts(panel: Path):
    from trendlab.cli.options import Settings
    from trendlab.forecast.evaluate import calibrated, calibrations
    from trendlab.forecast.scoring import DEFAULT_PLAN, backtests

    settings = Settings(db=str(panel), lock_timeout=0, author="t", debug=False)
    found = backtests(settings, {}, everything=DEFAULT_PLAN)
    cals = calibrations(found, "logit", exclude="noisy2")
    rows = calibrated(found["noisy2"], cals, 0.8)
    assert "ensemble" not in found["noisy2"].rows.get_column("family").to_list()  # not cached
    logit = pl.col("median") / 100
    wide = (
        rows.filter(pl.col("family").is_in(["logistic", "logistic4", "gompertz", "ensemble"]))
        .with_columns((logit.log() - (1 - logit).log()).alias("eta"))
        .pivot(on="family", index=["origin", "horizon", "current"], values="eta")
    )
    assert wide.height > 10
    members = ["logistic", "logistic4", "gompertz"]
    mean = sum(wide[m] for m in members) / 3
    # The mean of the calibrated medians (where none is held up at today's best).
    z = wide["current"].to_numpy() / 100
    best = np.log(z) - np.log1p(-z)
    free = np.all([wide[m].to_numpy() > best + 1e-6 for m in members], axis=0)
    assert free.sum() > 5
    assert np.allclose(wide["ensemble"].to_numpy()[free], mean.to_numpy()[free], atol=1e-6)
    doc = json.loads(make_runner(panel)("backtest", "noisy2", "--json").stdout)
    assert [r["horizon_months"] for r in _rows(doc, "ensemble")] == [6, 12, 24]


def test_auto_uses_the_ensemble_without_a_record_of_its_own(panel: Path, tmp_path: Path):
    run = make_runner(panel)
    days = monthly(date(2023, 1, 10), 12, step_days=30)
    xs = np.array([decimal(d) for d in days])
    scores = logistic_scores(xs, slope=1.5, midpoint=2024.5)
    write_benchmark(run, tmp_path, "young", days, [round(float(s), 3) for s in scores])
    result = run("forecast", "young", "--until", "2026")
    assert result.exit_code == 0, result.stderr
    assert "auto chose ensemble: too few backtest forecasts of young to choose by" in result.stderr
    assert "each family calibrated on" in result.stdout and "logistic4.ceiling" in result.stdout


def test_auto_in_a_backtest_falls_back_as_forecast_did_then(panel: Path, tmp_path: Path):
    """At an origin with too few of its own outcomes known, auto is the ensemble where
    the outcomes known then calibrated one, as `forecast` falls back, and the default
    family where they did not (the panel's first origin: none known)."""
    run = make_runner(panel)
    days = monthly(date(2021, 1, 10), 36, step_days=30)
    scores = logistic_scores(np.array([decimal(d) for d in days]), slope=1.2, midpoint=2022.5)
    write_benchmark(run, tmp_path, "late", days, [round(float(s), 3) for s in scores])
    found = _found(panel)
    for slug, family in (("late", "ensemble"), ("noisy0", "logistic")):
        (scored,) = score(found, [slug], 0.8, None)
        first = min(scored.rows.get_column("origin"))
        at = scored.rows.filter(pl.col("origin") == first)
        assert _forecasts(at, "auto").height
        assert _forecasts(at, "auto").equals(_forecasts(at, family)), slug


def test_auto_falls_back_on_the_calibrations_forecast_had(db: Path):
    """`forecast` falls back to the ensemble when every benchmark's backtests, itself
    included and at every horizon (1 and 3 months too), calibrate one; auto chooses by
    the others' at the horizons shown. On the seeds, at gsm8k's origin 2023-07-01 the
    second had no ensemble yet and the first had: forecast, run then, took the
    ensemble, where the backtest said logistic."""
    found = _found(db)
    origin = date(2023, 7, 1)
    then = {slug: known_by(b, origin) for slug, b in found.items()}
    assert "ensemble" not in calibrations(then, "logit", exclude="gsm8k")
    assert "ensemble" in calibrations(then, "logit", every_horizon=True)
    (scored,) = score(found, ["gsm8k"], 0.8, None)
    at = scored.rows.filter(pl.col("origin") == origin)
    assert _forecasts(at, "auto").equals(_forecasts(at, "ensemble"))


def _found(panel: Path) -> dict:
    """Every benchmark's backtest in the store under the default plan."""
    from trendlab.cli.options import Settings
    from trendlab.forecast.scoring import DEFAULT_PLAN, backtests

    settings = Settings(db=str(panel), lock_timeout=0, author="t", debug=False)
    return backtests(settings, {}, everything=DEFAULT_PLAN)


def _forecasts(rows: pl.DataFrame, family: str) -> pl.DataFrame:
    columns = ["horizon", "median", "lower", "upper"]
    return rows.filter(pl.col("family") == family).sort("horizon").select(columns)


def test_auto_chooses_at_an_origin_by_no_outcome_that_came_after_it(panel: Path):
    """auto at an origin is what `forecast --family auto` would have chosen then: it
    chose by intervals calibrated on the other benchmarks' outcomes, all of them, so a
    miss elsewhere a year later could change the choice. Each family chosen up to an
    origin, its forecasts made a thousand times worse on every other benchmark after
    that origin, is still chosen; its rows, calibrated on every other benchmark as the
    table shows them, do change."""
    found = _found(panel)
    (before,) = score(found, ["noisy2"], 0.8, None)
    origins = sorted(set(before.rows.get_column("origin")))
    origin = origins[len(origins) // 2]
    chosen = _choices(before.rows, origins)
    worse = pl.col("family").is_in(list(chosen.values())) & (pl.col("target") >= origin)
    later = {
        slug: b if slug == "noisy2" else replace(b, rows=b.rows.with_columns(
            pl.when(worse).then(pl.col("e_scale") / 1000).otherwise(pl.col("e_scale"))
            .alias("e_scale")
        ))
        for slug, b in found.items()
    }  # fmt: skip
    (after,) = score(later, ["noisy2"], 0.8, None)
    known = [o for o in origins if o <= origin]
    assert _choices(after.rows, known) == {o: chosen[o] for o in known}
    family = chosen[origin]
    assert not _forecasts(after.rows, family).equals(_forecasts(before.rows, family))


def _choices(rows: pl.DataFrame, origins: list[date]) -> dict[date, str]:
    """The family whose forecasts auto's are at each origin."""
    out = {}
    for origin in origins:
        at = rows.filter(pl.col("origin") == origin)
        (out[origin],) = [
            f
            for f in ("logistic", "logistic4", "gompertz", "ensemble")
            if _forecasts(at, f).equals(_forecasts(at, "auto"))
        ]
    return out


def test_a_backtest_of_one_origin_names_it_once(run_empty: Run, tmp_path: Path):
    """Four yearly results leave one origin, 2023-07-01: the title said 'origins
    2023-07-01 to 2023-07-01 every 6 months', a range and a step of one date."""
    days = [date(2021 + i, 1, 1) for i in range(4)]
    write_benchmark(run_empty, tmp_path, "lat", days, [100.0, 60.0, 30.0, 16.0],
                    unit="minutes", floor=None, ceiling=None, higher_is_better=False)  # fmt: skip
    result = run_empty("backtest", "lat")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Backtest of lat: origin 2023-07-01; "), result.stdout
    # More origins are still a range and a step.
    result = run_empty("backtest", "lat", "--start", "2023-01-01", "--every", "3")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(
        "Backtest of lat: origins 2023-04-01 to 2023-07-01 every 3 months; "
    ), result.stdout


def test_a_family_asked_of_a_benchmark_with_only_the_baselines_names_them(
    run_empty: Run, tmp_path: Path
):
    """Scores that cross 0 on an unbounded benchmark fit no family but the baselines:
    the error ended 'it has ', an empty list."""
    days = [date(2020 + i, 1, 1) for i in range(5)]
    write_benchmark(run_empty, tmp_path, "net", days, [-7.0, -2.0, 3.0, 8.0, 20.0],
                    unit="score", floor=None, ceiling=None)  # fmt: skip
    result = run_empty("backtest", "net", "--family", "logistic")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.endswith(
        "net has no backtest of logistic (not a family for it, or none to calibrate on); "
        "it has only last-value, linear and auto, always shown\n"
    ), result.stderr


def test_backtest_all_of_a_store_with_no_benchmarks_says_so(run_empty: Run):
    """It said no benchmark had an origin with enough history, as if there were some."""
    result = run_empty("backtest", "--all")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "trendlab: error: the database has no benchmarks to backtest\n"


def _mirrored_panels(
    tmp_path: Path,
    series: list[list[float]],
    upright: dict[str, Any],
    mirror: Callable[[float], float],
    mirrored: dict[str, Any],
    family: str,
) -> tuple[dict, dict]:
    """Backtests of every benchmark, and a forecast of the second, in two panels of the
    same series: one as they are, one with the second and fourth mirrored. Returns
    ({panel: {benchmark: rows}}, {panel: forecast rows})."""
    docs, forecasts = {}, {}
    for panel in ("upright", "mixed"):
        folder = tmp_path / panel
        folder.mkdir()
        path = folder / "panel.duckdb"
        assert CliRunner().invoke(cli, ["--db", str(path), "init", "--empty"]).exit_code == 0
        run = make_runner(path)
        for i, scores in enumerate(series):
            if panel == "mixed" and i % 2:
                write_benchmark(run, folder, f"s{i}", DAYS, [mirror(v) for v in scores], **mirrored)
            else:
                write_benchmark(run, folder, f"s{i}", DAYS, scores, **upright)
        out = run("backtest", "--all", "--json")
        docs[panel] = {
            d["benchmark"]: d["rows"]
            for d in json.loads(out.stdout)
            if not d["benchmark"].startswith("all ")
        }
        out = run("forecast", "s1", "--until", "2027", "--family", family, "--json")
        forecasts[panel] = json.loads(out.stdout)["forecast"]
    assert set(docs["mixed"]) == set(docs["upright"]) == {f"s{i}" for i in range(len(series))}
    assert len(forecasts["mixed"]) == len(forecasts["upright"]) > 12
    return docs, forecasts


def _same_backtests(docs: dict, keys: tuple[str, ...], family: str | None = None) -> None:
    """Each benchmark's rows in the mixed panel are the upright panel's, in these keys
    (of every family, or of one)."""
    for slug, upright in docs["upright"].items():
        assert any(r["n"] for r in upright)
        mixed = docs["mixed"][slug]
        assert [(r["family"], r["horizon_months"], r["n"]) for r in mixed] == [
            (r["family"], r["horizon_months"], r["n"]) for r in upright
        ]
        for a, b in zip(mixed, upright, strict=True):
            if family in (None, a["family"]):
                for key in keys:
                    assert a[key] == pytest.approx(b[key], rel=1e-4, abs=1e-3), (slug, a, b)


@pytest.mark.slow(15)
def test_a_mirrored_error_rate_backtests_calibrates_and_forecasts_as_its_score(
    tmp_path: Path,
):
    """An error rate 100 - s (lower is better, floor 100, ceiling 0) is the same progress
    as a score s. Backtested among the same panel, it scores as s does, and mirroring
    half the panel changes no benchmark's figures: a residual that took the wrong sign
    on a lower-is-better benchmark would pool with the others' as a miss the other way
    and move every benchmark's calibrated intervals."""
    params = [(1.0, 2019.5), (0.7, 2021.0), (1.3, 2020.0), (0.8, 2022.0)]
    series = [_noisy_logistic(i, a, b, 0.9 if i % 2 else 1.0) for i, (a, b) in enumerate(params)]
    error_rate = {"floor": 100.0, "ceiling": 0.0, "higher_is_better": False}
    docs, forecasts = _mirrored_panels(
        tmp_path, series, {}, lambda v: round(100 - v, 3), error_rate, "auto"
    )
    _same_backtests(docs, ("mae", "median_ae", "coverage", "interval_score"))
    for a, b in zip(forecasts["mixed"], forecasts["upright"], strict=True):
        mirrored = (100 - b["median"], 100 - b["upper"], 100 - b["lower"])
        assert (a["median"], a["lower"], a["upper"]) == pytest.approx(mirrored, abs=1e-3), (a, b)


@pytest.mark.slow(15)
def test_a_mirrored_unbounded_time_calibrates_and_forecasts_as_its_reciprocal(
    tmp_path: Path,
):
    """Minutes with no bound: a time k / s that should fall (lower is better) improves
    as s does, by the same log ratio. Its exponential's residuals (neglog) pool with the
    growing ones' (log) as the same misses, so mirroring half the panel leaves every
    benchmark's exponential coverage as it was, and the reciprocal's forecast is k over
    the original's, ends swapped. (Errors in minutes are not mirrored, k / s being
    other minutes, and nor is a straight line in minutes.)"""
    noise = [np.random.default_rng(i).normal(0, 0.3, len(XS)) for i in range(4)]
    series = [
        [float(v) for v in np.exp(rate * (XS - 2016) + e)]
        for rate, e in zip([0.5, 0.7, 0.9, 0.6], noise, strict=True)
    ]
    minutes = {"unit": "minutes", "floor": None, "ceiling": None}
    falling = minutes | {"higher_is_better": False}
    docs, forecasts = _mirrored_panels(
        tmp_path, series, minutes, lambda v: 1e4 / v, falling, "exponential"
    )
    _same_backtests(docs, ("coverage",), "exponential")
    for a, b in zip(forecasts["mixed"], forecasts["upright"], strict=True):
        mirrored = (1e4 / b["median"], 1e4 / b["upper"], 1e4 / b["lower"])
        assert (a["median"], a["lower"], a["upper"]) == pytest.approx(mirrored, rel=1e-4), (a, b)


def test_paths_tied_at_a_bound_keep_their_ranks_when_calibrated():
    """Paths clipped at a bound (an ensemble member's at +-LOGIT_MAX, a one-bound
    metric's at its bound) share one value: calibrating ranks them as they were a
    column before, so the frontier's running maximum leaves the interval's worse end
    where calibration put it (it rose to the better end within two months of a line
    reaching the bound when ties were ranked at random, before a line was calibrated
    before its clip)."""
    n = 41
    rows = pl.DataFrame(
        {"horizon": [12] * n, "e_act": np.linspace(-3, 3, n), "e_med": 0.0, "e_scale": 1.0}
    )
    cal = Calibration.from_rows(rows, "logit")
    assert cal is not None
    spread = np.random.default_rng(0).permutation(np.linspace(0.0, 1.0, 200))
    eta = np.column_stack([spread, np.full(200, 0.5)])  # within the spread before
    mapped = cal.map(eta, np.array([1.0, 1.0]))
    held = np.maximum.accumulate(mapped, axis=1)  # as paths.frontier_rules holds them
    assert np.quantile(held[:, 1], 0.1) == pytest.approx(np.quantile(mapped[:, 1], 0.1))


def test_a_calibrated_line_falls_steadily_to_a_bound(db: Path, tmp_path: Path):
    """A line on a bounded benchmark is calibrated before its clip: in logit, the paths
    the clip put on the bound made one pile whose spread first held the median still,
    then let it drop to the bound within a month or two."""
    run = make_runner(db)
    days = [date(2020, 2, 1) + timedelta(days=int(d)) for d in np.linspace(0, 1490, 8)]
    scores = [90.0, 82.0, 71.0, 60.0, 48.0, 38.0, 29.0, 22.0]  # an error rate, falling
    write_benchmark(
        run, tmp_path, "errors", days, scores, floor=100.0, ceiling=0.0, higher_is_better=False
    )
    result = run("forecast", "errors", "--family", "linear", "--until", "2026", "--csv")
    assert result.exit_code == 0, result.stderr
    median = np.array([float(line.split(",")[1]) for line in result.stdout.splitlines()[1:]])
    falls = -np.diff(median[median > 1.0])
    assert falls.min() > 0.3 and falls.max() < 3.0, falls  # about 1.4 a month, the line's
