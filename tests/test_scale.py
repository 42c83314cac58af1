"""Big inputs: a 20,000-row import round trip, line numbers deep in a big file, and
backtests that read only the results that can shape a frontier. (Speed and memory are
measured by bench/scale.py, never here.)"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from bench import synthetic as bench_data
from tests.conftest import Run, both_stores, make_runner
from tests.synthetic import monthly, write_benchmark
from trendlab.db import Store
from trendlab.forecast import backtest as bt
from trendlab.forecast.fit import families_for
from trendlab.series import Scale, build_series

KEY = ["model", "benchmark", "setting", "source_url"]


def _dataset(tmp_path: Path, run: Run, n: int = 20_000) -> bench_data.Dataset:
    """A synthetic dataset with its models and benchmarks already imported."""
    data = bench_data.write(tmp_path / "synthetic", n, n_models=300, n_benchmarks=10)
    for path, kind in ((data.models, "models"), (data.benchmarks, "benchmarks")):
        result = run("import", str(path), "--kind", kind)
        assert result.exit_code == 0, result.stderr
    return data


def _synthetic_results(path: Path) -> pl.DataFrame:
    frame = pl.read_csv(path, infer_schema_length=None)
    return frame.filter(pl.col("benchmark").str.starts_with("syn-")).sort(KEY, nulls_last=True)


@both_stores
def test_a_20000_row_import_round_trips_and_reimports_as_revisions(run: Run, tmp_path: Path):
    data = _dataset(tmp_path, run)
    first = run("import", str(data.results), "--kind", "results", "-m", "bulk")
    assert first.exit_code == 0, first.stderr
    assert "results: 20000 added" in first.stderr
    exported = tmp_path / "exported.csv"
    assert run("export", "results", "-o", str(exported)).exit_code == 0
    source = _synthetic_results(data.results)
    assert _synthetic_results(exported).select(source.columns).equals(source)

    again = run("import", str(data.results), "--kind", "results")
    assert again.exit_code == 0, again.stderr
    assert "results: 20000 unchanged; nothing to write" in again.stderr

    # Two changed scores among 20,000 rows: two new revisions in one changeset.
    changed = source.with_columns(
        pl.when(pl.int_range(pl.len()).is_in([10, 15_000]))
        .then(pl.when(pl.col("score") == 1.0).then(2.0).otherwise(1.0))
        .otherwise(pl.col("score"))
        .alias("score")
    )
    edited = tmp_path / "edited.csv"
    changed.write_csv(edited)
    third = run("import", str(edited), "--kind", "results", "-m", "two corrections")
    assert third.exit_code == 0, third.stderr
    assert "results: 2 updated, 19998 unchanged" in third.stderr
    log = json.loads(run("log", "--limit", "1", "--json").stdout)[0]
    assert log["message"] == "two corrections" and log["changes"] == ["results: 2 updated"]


def test_an_import_stores_its_results_by_benchmark(db: Path, tmp_path: Path):
    # A query of one benchmark then meets long runs of it (see Kind.cluster_by).
    data = _dataset(tmp_path, make_runner(str(db)))
    in_file = pl.read_csv(data.results)["benchmark"].to_list()
    assert in_file != sorted(in_file), "the synthetic file should not come sorted"
    result = make_runner(str(db))("import", str(data.results), "--kind", "results")
    assert result.exit_code == 0, result.stderr
    with Store.open(db) as store:
        stored = [
            row[0]
            for row in store.execute(
                "SELECT benchmark FROM result_revisions WHERE changeset_id = "
                "(SELECT max(id) FROM changesets) ORDER BY rowid"
            ).fetchall()
        ]
    assert len(stored) == len(in_file)
    assert stored == sorted(stored)


def test_errors_deep_in_a_big_file_name_their_lines(db: Path, tmp_path: Path):
    run = make_runner(db)
    data = _dataset(tmp_path, run)
    rows = pl.read_csv(data.results, infer_schema=False)
    # A quoted note spanning two lines shifts every later record's line by one.
    rows = rows.with_columns(
        pl.when(pl.int_range(pl.len()) == 100)
        .then(pl.lit("first line\nsecond line"))
        .otherwise(pl.col("notes"))
        .alias("notes"),
        pl.when(pl.int_range(pl.len()) == 4_999)
        .then(pl.lit("x"))
        .otherwise(pl.col("score"))
        .alias("score"),
        pl.when(pl.int_range(pl.len()) == 12_000)
        .then(pl.lit("2024-13-01"))
        .otherwise(pl.col("reported_date"))
        .alias("reported_date"),
    )
    rows = pl.concat([rows, rows.slice(3, 1)])  # row 20,000 repeats row 3
    bad = tmp_path / "results.csv"
    rows.write_csv(bad)
    before = run("log", "--json").stdout
    result = run("import", str(bad), "--kind", "results")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"trendlab: error: {bad}: 3 bad rows; nothing was written"
    assert f"{bad}:5002: score: 'x' is not a finite number" in lines[1]
    assert f"{bad}:12003: reported_date: '2024-13-01' is not a date (YYYY-MM-DD)" in lines[2]
    assert f"{bad}:20003: same model, benchmark, setting, source_url as line 5" in lines[3]
    assert run("log", "--json").stdout == before


@pytest.mark.parametrize("higher_is_better", [True, False])
def test_backtests_read_only_frontier_candidates_and_score_the_same(
    db: Path, tmp_path: Path, higher_is_better: bool
):
    """Pruned known points (frontier candidates) give the same backtest rows as all of
    them, with corrected results, redated models and retractions in the history."""
    run = make_runner(db)
    rng = np.random.default_rng(7)
    n = 60
    trend = 100 / (1 + np.exp(-0.08 * (np.arange(n) - 30)))
    scores = np.clip(trend + rng.normal(0, 6, n), 0, 100).round(1)
    if not higher_is_better:
        scores = 100 - scores
    write_benchmark(
        run,
        tmp_path,
        "prune",
        monthly(date(2015, 1, 1), n),
        [float(s) for s in scores],
        floor=0.0 if higher_is_better else 100.0,  # chance level, the worst score
        ceiling=100.0 if higher_is_better else 0.0,
        higher_is_better=higher_is_better,
    )
    results = json.loads(run("list", "results", "--benchmark", "prune", "--json").stdout)
    ids = {r["model"]: r["id"] for r in results}
    for args in (
        ("edit", "result", ids["prune-m010"], "--set", "score=50"),
        ("edit", "result", ids["prune-m040"], "--set", "reported_date=2016-01-01"),
        ("edit", "model", "prune-m020", "--set", "release_date=2015-03-01"),
        ("retract", "result", ids["prune-m035"]),
    ):
        out = run(*args, "-m", "history for the test")
        assert out.exit_code == 0, out.stderr
    with Store.open(db) as store:
        slugs = ["prune", "mmlu", "gsm8k"]
        bounds = store.benchmark_bounds(*slugs)
        points = store.forecast_points(*slugs)
        plan = bt.Plan()
        nows = {
            s: build_series(Scale.from_record(bounds[s]), points.filter(pl.col("benchmark") == s))
            for s in slugs
        }
        origins = {s: plan.origins(now) for s, now in nows.items()}
        every = store.known_points(origins)
        pruned = store.known_points(origins, frontier_only=slugs)
    assert pruned.height < every.height
    for slug, now in nows.items():
        scale = Scale.from_record(bounds[slug])
        full, fewer = (
            bt.run(scale, known.filter(pl.col("benchmark") == slug), now, plan, families_for(now))
            for known in (every, pruned)
        )
        assert not full.is_empty()
        assert fewer.equals(full)
