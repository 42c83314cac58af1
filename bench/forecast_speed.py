"""trendlab forecast vs Prophet's logistic growth on the same series, side by side.

Prints wall times of whole processes (interpreter start, imports, reading the
database, fitting, output) and in-process fit times, with the ratios. trendlab's
command is timed in three conditions, each run on a fresh copy of its database:

- after init: a database `trendlab init` just made, holding the forecast cache shipped
  with the seeds (seeds/forecast_cache.jsonl), so the backtests and the fit are read;
- after a new result: the same with one new best result on the benchmark, so its
  backtest and fit are recomputed (importing statsmodels) and the others are read;
- cache emptied: `DELETE FROM forecast_cache` first, so every benchmark is backtested.

Prophet is fitted with growth="logistic", cap = the benchmark's ceiling and floor =
its floor, on the same frontier points, forecasting monthly to the same date with an
80 % interval.

    pip install -e '.[bench]'
    python bench/forecast_speed.py [--benchmark mmlu] [--until 2030] [--repeat 5]
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from argparse import Namespace
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

# bench/ is the script's folder, so on sys.path
from args import Parser, whole
from timing import compile_bytecode, trendlab_command

PROPHET_SCRIPT = """
import logging, sys
import pandas as pd
from prophet import Prophet
logging.getLogger("cmdstanpy").setLevel(logging.WARNING)
logging.getLogger("prophet").setLevel(logging.WARNING)
frame = pd.read_csv(sys.argv[1], parse_dates=["ds"])
cap, floor, until = float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
frame["cap"], frame["floor"] = cap, floor
model = Prophet(growth="logistic", interval_width=0.8, yearly_seasonality=False,
                weekly_seasonality=False, daily_seasonality=False)
model.fit(frame)
future = pd.DataFrame({"ds": pd.date_range(frame["ds"].max(), until, freq="ME")})
future["cap"], future["floor"] = cap, floor
print(model.predict(future)[["ds", "yhat", "yhat_lower", "yhat_upper"]].tail(1).to_string())
"""


def wall(
    cmd: list[str], repeat: int, before: Callable[[], None] | None = None
) -> tuple[float, str, str]:
    """Median wall time of `repeat` runs of cmd (`before` runs untimed before each),
    and the last run's stdout and stderr."""
    times, out, err = [], "", ""
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            said = proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"]
            sys.exit(f"forecast_speed.py: error: {said[-1]}")  # its own error, in one line
        out, err = proc.stdout, proc.stderr
    return statistics.median(times), out, err


def trendlab(db: Path, *args: str) -> None:
    subprocess.run([*trendlab_command(), "--db", str(db), *args], check=True, capture_output=True)


def databases(tmp: Path, benchmark: str) -> dict[str, Path]:
    """The three conditions' databases, each copied afresh before every timed run."""
    import duckdb

    from trendlab.db import Store
    from trendlab.series import load_series

    seeded = tmp / "after-init.duckdb"
    trendlab(seeded, "init")
    with Store.open(str(seeded)) as store:
        series = load_series(store, benchmark)
    # One new best score, a month after the latest result (never in the future).
    # (v is the score rescaled to [0, 1] when bounded, higher always better.)
    v = series.current
    score = float(series.scale.score(v + (1 - v) / 4 if series.scale.bounded else v + abs(v) / 10))
    day = min(series.last_date + timedelta(days=30), date.today())
    added = tmp / "new-result.duckdb"
    shutil.copy(seeded, added)
    trendlab(added, "add-model", "bench-newcomer", "--release-date", day.isoformat(), "-m", "bench")
    trendlab(added, "add-result", "bench-newcomer", benchmark, f"{score:.2f}", "-m", "bench")
    emptied = tmp / "emptied.duckdb"
    shutil.copy(seeded, emptied)
    with duckdb.connect(str(emptied)) as con:
        con.execute("DELETE FROM forecast_cache")
    return {"after init": seeded, "after a new result": added, "cache emptied": emptied}


def main() -> None:
    from trendlab.errors import TrendlabError

    arguments = Parser(description=__doc__.splitlines()[0])
    arguments.add_argument("--benchmark", default="mmlu")
    arguments.add_argument("--until", default="2030")
    arguments.add_argument("--repeat", type=whole(1), default=5, help="runs of each process")
    args = arguments.parse_args()
    try:
        run(args)
    except TrendlabError as error:  # an unknown benchmark, an --until it cannot reach
        arguments.fail(str(error))


def run(args: Namespace) -> None:
    """Time both, whole processes and in process, and print the table."""
    compile_bytecode()
    # Removed after the run: each left 16 MB of copies behind in the temporary folder.
    with tempfile.TemporaryDirectory(prefix="trendlab-bench-") as tmp:
        timed(args, Path(tmp))


def timed(args: Namespace, tmp: Path) -> None:
    """run's work, its databases and files in `tmp`."""
    sources = databases(tmp, args.benchmark)
    db = tmp / "run.duckdb"

    from trendlab.db import Store
    from trendlab.errors import TrendlabError
    from trendlab.forecast.fit import forecast
    from trendlab.series import from_decimal_year, load_series

    with Store.open(str(sources["after init"])) as store:
        series = load_series(store, args.benchmark)
    if series.scale.ceiling is None:  # as Prophet's logistic growth would say, minutes later
        raise TrendlabError(
            f"{args.benchmark} has no ceiling, which Prophet's logistic growth takes as its cap"
        )
    # Before anything is timed: an --until the forecast refuses stops the bench here.
    forecast(series, until=args.until)
    scale = series.scale
    x, v = series.fit_data()
    csv = tmp / "series.csv"
    csv.write_text(
        "ds,y\n"
        + "".join(
            f"{from_decimal_year(float(a))},{float(scale.score(b))}\n"
            for a, b in zip(x, v, strict=True)
        )
    )
    until = f"{args.until}-12-31" if len(args.until) == 4 else args.until

    print(f"series: {args.benchmark}, {len(x)} fitted points; forecast to {until}")
    print(
        f"machine: {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} "
        "cores; times are medians"
    )

    python_floor, _, _ = wall([sys.executable, "-c", "pass"], args.repeat)
    glm_floor, _, _ = wall(
        [sys.executable, "-c", "from statsmodels.genmod.generalized_linear_model import GLM"],
        args.repeat,
    )
    floor, _, _ = wall(
        [*trendlab_command(), "--db", str(sources["after init"]), "list", "benchmarks"], args.repeat
    )
    command = [
        *trendlab_command(),
        "--db",
        str(db),
        "forecast",
        args.benchmark,
        "--until",
        args.until,
    ]
    ours: dict[str, float] = {}
    for condition, source in sources.items():

        def fresh_copy(source: Path = source) -> None:
            shutil.copy(source, db)

        ours[condition], _, said = wall(command, args.repeat, before=fresh_copy)
        print(
            f"{condition}: {next((x for x in said.splitlines() if 'auto chose' in x), 'no note')}"
        )
    theirs, prophet_out, _ = wall(
        [
            sys.executable,
            "-c",
            PROPHET_SCRIPT,
            str(csv),
            str(scale.ceiling),
            str(scale.floor),
            until,
        ],
        max(2, args.repeat // 2),
    )

    # In process, imports paid (by the forecast above): the fit and simulation alone, the
    # best of several runs (the least disturbed by other load on a shared machine), for both.

    def best(run: Callable[[], object], times: int) -> float:
        out = []
        for _ in range(times):
            start = time.perf_counter()
            run()
            out.append(time.perf_counter() - start)
        return min(out)

    ours_fit = best(lambda: forecast(series, until=args.until), 30)
    forecast(series, family="ensemble", until=args.until)
    ensemble_fit = best(lambda: forecast(series, family="ensemble", until=args.until), 10)

    import logging

    import pandas as pd
    from prophet import Prophet

    logging.getLogger("cmdstanpy").setLevel(logging.WARNING)
    frame = pd.read_csv(csv, parse_dates=["ds"])
    frame["cap"], frame["floor"] = scale.ceiling, scale.floor
    future = pd.DataFrame({"ds": pd.date_range(frame["ds"].max(), until, freq="ME")})
    future["cap"], future["floor"] = scale.ceiling, scale.floor

    def prophet() -> None:
        model = Prophet(
            growth="logistic",
            interval_width=0.8,
            yearly_seasonality=False,
            weekly_seasonality=False,
            daily_seasonality=False,
        )
        model.fit(frame)
        model.predict(future)

    theirs_fit = best(prophet, 5)

    rows = [
        ("python -c pass (interpreter start)", python_floor),
        ("import statsmodels GLM (the import floor)", glm_floor),
        ("trendlab list benchmarks (the command line's floor)", floor),
        *(
            (f"trendlab forecast {args.benchmark} --until {args.until}, {c}", t)
            for c, t in ours.items()
        ),
        ("Prophet logistic growth, whole process", theirs),
        ("trendlab fit + 2000 paths, in process (best run)", ours_fit),
        ("trendlab ensemble: 3 fits + 3 x 2000 paths, in process (best run)", ensemble_fit),
        ("Prophet fit + predict, in process (best run)", theirs_fit),
    ]
    width = max(len(r[0]) for r in rows)
    for label, seconds in rows:
        print(f"  {label:<{width}}  {seconds:8.3f} s")
    ratios = ", ".join(f"{theirs / t:.1f}x {c}" for c, t in ours.items())
    print(f"ratio, whole process: Prophet / trendlab = {ratios}")
    print(f"ratio, in process:    Prophet / trendlab = {theirs_fit / ours_fit:.1f}x")
    print(f"Prophet's last point: {prophet_out.strip().splitlines()[-1]}")


if __name__ == "__main__":
    main()
