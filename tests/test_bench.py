"""The bench scripts' own logic: what they count, parse and refuse. (Their timings are
measured by running them, never here.)"""

from __future__ import annotations

import importlib.util
import os
import shlex
import subprocess
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest

from tests.conftest import Run
from tests.synthetic import scale, write_benchmark
from trendlab.forecast.evaluate import scorecard, with_reach

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _bench(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """bench/NAME.py as a module, its folder on sys.path as when run as a script."""
    monkeypatch.syspath_prepend(str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_report_bench_counts_every_forecast_chart(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The price chart was once chart-price: the bench took one chart off the count for it
    and left out every benchmark whose slug starts with price, so it timed one `plot`
    fewer than the report draws (and said 22 forecast charts of the seeds' 23)."""
    days = [date(2023, 1, 1), date(2024, 1, 1), date(2025, 1, 1)]
    for slug in ("price", "price-mmlu"):
        write_benchmark(run, tmp_path, slug, days, [40.0, 50.0, 60.0])
    args = ["--benchmark", "price", "--benchmark", "price-mmlu", "--price-benchmark", "mmlu"]
    page = run("report", *args, "-o", "-").stdout
    assert 'id="price-chart"' in page
    assert _bench("report", monkeypatch).forecast_charts(page) == ["price", "price-mmlu"]


def _script(
    *args: str,
    cwd: Path | None = None,
    timeout: float | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run bench/ARGS[0] as a script (in `cwd`, where a script writes what it makes)."""
    command = [sys.executable, str(BENCH / args[0]), *args[1:]]
    return subprocess.run(
        command, capture_output=True, text=True, cwd=cwd, timeout=timeout, env=env
    )


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ("backtest_prophet.py", "--every", "0"),
            "argument --every: must be from 1 to 1200, not 0",
        ),
        (
            ("backtest_prophet.py", "--level", "150"),
            "argument --level: must be from 1 to 99, not 150",
        ),
        (
            ("backtest_prophet.py", "--level", "nan"),
            "argument --level: must be from 1 to 99, not nan",
        ),
        (("forecast_speed.py", "--repeat", "0"), "argument --repeat: must be at least 1, not 0"),
        (("synthetic.py", "d", "--results", "0"), "argument --results: must be at least 1, not 0"),
        (("synthetic.py", "d", "--models", "6"), "argument --models: must be at least 13, not 6"),
        (
            ("synthetic.py", "d", "--benchmarks", "4"),
            "argument --benchmarks: must be at least 5, not 4",
        ),
        (("scale.py", "--repeat", "0"), "argument --repeat: must be at least 1, not 0"),
        (("team_store.py", "--writers", "0"), "argument --writers: must be at least 1, not 0"),
        (("team_store.py", "--per-writer", "x"), "argument --per-writer: not a whole number: 'x'"),
        (("price_trend.py", "--models", "0"), "argument --models: must be at least 1, not 0"),
    ],
)
def test_bench_scripts_refuse_a_bad_argument_in_one_line(
    args: tuple[str, ...], error: str, tmp_path: Path
):
    """They ran into a traceback (a --every of 0, a --level past 100, no results, no
    writers: a division by zero after minutes of timing) or printed argparse's usage."""
    result = _script(*args, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, f"{args[0]}: error: {error}\n")


def test_backtest_bench_names_a_database_it_cannot_use(empty_db: Path, tmp_path: Path):
    missing = tmp_path / "none.duckdb"
    result = _script("backtest_prophet.py", "--db", str(missing))
    assert result.returncode == 1
    assert result.stderr == (
        f"backtest_prophet.py: error: no database at {missing}: run `trendlab --db "
        f"{shlex.quote(str(missing))} init` to create one, or point --db (TRENDLAB_DB) at an "
        "existing file\n"
    )
    result = _script("backtest_prophet.py", "--db", str(empty_db))
    assert (result.returncode, result.stderr) == (
        1,
        f"backtest_prophet.py: error: {empty_db}: no percent benchmark has a scored backtest "
        "to compare\n",
    )


def test_backtest_bench_scores_coverage_as_trendlab_backtest_does(
    monkeypatch: pytest.MonkeyPatch,
):
    """The bench counted a truth covered only from lower to upper, where `trendlab
    backtest` takes an end within at_bound of a bound as the bound (with_reach): an
    upper end of 99.95 under a ceiling of 100 missed a truth of 100 in the bench's
    coverage and interval score, and covered it in trendlab's."""
    bench = _bench("backtest_prophet", monkeypatch)
    rows = with_reach(
        pl.DataFrame(
            {
                "benchmark": ["synth", "synth"],
                "family": ["prophet", "prophet"],
                "horizon": [12, 12],
                "actual": [100.0, 100.0],
                "median": [97.0, 97.0],
                "lower": [94.0, 94.0],
                "upper": [99.95, 99.7],
                "cap": [100.0, 100.0],
            }
        ),
        scale(),
    )
    card = scorecard(rows, 0.8).row(0, named=True)
    scored = bench.summary(rows, 0.8).row(0, named=True)
    assert scored["coverage"] == card["coverage"] == 0.5
    # Widths 5.95 and 5.7, and a miss of 0.3 at 2 / 0.2 a point: (5.95 + 8.7) / 2.
    assert scored["interval_score"] == round(card["interval_score"], 1) == 7.3
    assert bench.overall_coverage(rows, 0.8).row(0, named=True)["coverage"] == 0.5


def test_report_bench_answers_help_without_timing_anything(tmp_path: Path):
    """It read no arguments: --help, or any option, ran the whole bench (minutes)."""
    result = _script("report.py", "--help", cwd=tmp_path, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("usage: report.py [-h]\n")
    assert "How long `trendlab report` takes" in result.stdout
    result = _script("report.py", "--repeat", "3", cwd=tmp_path, timeout=60)
    assert (result.returncode, result.stderr) == (
        2,
        "report.py: error: unrecognized arguments: --repeat 3\n",
    )


def test_price_trend_bench_checks_its_peer_gives_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Its peer, a running minimum in DuckDB, is the same series as trendlab's, which the
    bench checks before printing a ratio."""
    result = _script("price_trend.py", "--models", "300", "--repeat", "1", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[2].startswith("| 300 | ")
    # A series that is not the peer's is refused, not timed (the run above passes
    # without the check as with it): trendlab's with its first row lost.
    bench = _bench("price_trend", monkeypatch)
    found = bench.cheapest_capable
    monkeypatch.setattr(bench, "cheapest_capable", lambda *a, **k: found(*a, **k).slice(1))
    with pytest.raises(SystemExit) as refused:
        bench.measure(300, 1)
    assert refused.value.code == "price_trend.py: error: at 300 models the peer's series differs"


def test_scale_bench_compares_a_frontier_only_with_the_same_benchmark_s():
    """The peer's bare table holds only the synthetic results, yet MATH's frontier (big
    and seeded store, whole process and in the query) was divided by the peer's time for
    syn-bench-001's: a ratio of two different queries."""
    from bench import scale

    names = ["big", "big seeded", "seeded", "peer", "floor", "floor seeded"]
    times = {name: 0.1 * (i + 1) for i, name in enumerate(names)}
    times |= {"query big": 0.02, "query seeded": 0.01, "query peer": 0.04}
    assert scale.frontier_table(times) == [
        "query frontier (peer: the same frontier in plain SQL on the bare table)",
        "  whole process, big db, syn-bench-001             0.100     0.400   0.25  s",
        "  whole process, big db, math                      0.200                   s",
        "  whole process, seeded db, math                   0.300                   s",
        "  in the query, big db, syn-bench-001              0.020     0.040   0.50  s",
        "  in the query, seeded db, math                    0.010                   s",
        "query frontier (floor: DuckDB alone, the same SQL on the same file, in Python)",
        "  whole process, big db, syn-bench-001             0.100     0.500   0.20  s",
        "  whole process, big db, math                      0.200     0.600   0.33  s",
    ]


def test_speed_bench_refuses_a_benchmark_without_a_ceiling_before_timing(tmp_path: Path):
    """Prophet's logistic growth needs a cap: the bench timed every trendlab run first,
    then Prophet's process failed on float('None'), its traceback on stderr."""
    result = _script(
        "forecast_speed.py", "--benchmark", "metr-time-horizon", "--repeat", "1", cwd=tmp_path
    )
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        "forecast_speed.py: error: metr-time-horizon has no ceiling, which Prophet's logistic "
        "growth takes as its cap\n",
    )


@pytest.mark.slow(10)
def test_bench_scripts_run_trendlab_of_their_own_python(tmp_path: Path):
    """They ran `trendlab` from PATH: a traceback with the environment not activated (or,
    with another install on PATH, that one timed instead)."""
    # backtest_prophet.py runs trendlab by the same bench.timing.trendlab_command, and
    # needs Prophet, which the test dependencies leave out: forecast_speed.py stops
    # before Prophet.
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = os.environ | {"PATH": "/usr/bin:/bin", "TMPDIR": str(temporary)}
    args = ["--benchmark", "metr-time-horizon", "--repeat", "1"]
    result = _script("forecast_speed.py", *args, cwd=tmp_path, env=env)
    # Past the init, the new model and result it makes with trendlab, to the refusal.
    assert (result.returncode, result.stderr) == (
        1,
        "forecast_speed.py: error: metr-time-horizon has no ceiling, which Prophet's logistic "
        "growth takes as its cap\n",
    )
    # Its databases are removed (each run left 16 MB of them behind).
    assert list(temporary.iterdir()) == []
