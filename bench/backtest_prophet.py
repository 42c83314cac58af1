"""trendlab's rolling-origin backtest vs Prophet's logistic growth on the same origins.

For every benchmark with a ceiling, at every origin trendlab scores, Prophet is fitted
(growth="logistic", cap = ceiling, floor = floor, 80 % interval) to the frontier
points trendlab fits at that origin (results dated before it, as the database knew
them then; those at or below the floor too, which Prophet's floor takes and trendlab's
S-curves leave out) and forecasts the same targets. Both are scored against the same
truth, as `trendlab backtest` scores (an interval's end within at_bound of a bound is
the bound).
Prints MAE, coverage and interval score per horizon side by side, pooled over
benchmarks, then the same figures under three sensitivities, and the time each took (with
their ratio):

- by origin: origins before 2024, and from 2024;
- without the discontinuities: leaving out every benchmark whose frontier rose by more
  than --jump points within six or twelve months of a backtest origin from 2024 on
  (the reasoning models' jumps), a rule applied to the data, not a list of names;
- calibrated in time: each forecast calibrated only on the other benchmarks' forecasts
  whose targets had passed by its origin (what could have been known then), instead of
  on all of them (trendlab's leave-one-benchmark-out default).

Last, whether auto's lead or lag is more than chance: auto's absolute error minus
Prophet's (and minus last-value's) on the same forecasts, with a 95 % bootstrap interval
that resamples whole benchmarks.

    pip install -e '.[bench]'
    python bench/backtest_prophet.py [--db trendlab.duckdb] [--level 80] [--every 6]
"""

from __future__ import annotations

import logging
import subprocess
import tempfile
import time
import warnings
from argparse import Namespace
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

# bench/ is the script's folder, so on sys.path
from args import Parser, number, whole
from timing import trendlab_command

FAMILIES = ["last-value", "linear", "logistic", "logistic4", "gompertz", "ensemble", "auto"]
# The interval's reach too, which trendlab scores coverage and misses by (see with_reach).
KEYS = [
    "benchmark",
    "family",
    "origin",
    "horizon",
    "target",
    "actual",
    "median",
    "lower",
    "upper",
    "lower_reach",
    "upper_reach",
]


def prophet_rows(settings, found, level: float) -> pl.DataFrame:
    import pandas as pd
    from prophet import Prophet

    from trendlab.db import Store
    from trendlab.forecast.evaluate import with_reach
    from trendlab.series import build_series, from_decimal_year

    # cmdstanpy installs its own INFO handler unless its logger already has one: give it
    # one that drops records, so that only warnings reach stderr (through the root's).
    for name in ("cmdstanpy", "prophet"):
        logger = logging.getLogger(name)
        logger.addHandler(logging.NullHandler())
        logger.setLevel(logging.WARNING)
    out = []
    with Store.open(settings.db) as store:
        chosen = {
            slug: backtest
            for slug, backtest in found.items()
            if backtest.scale.bounded and not backtest.rows.is_empty()
        }
        known = store.known_points(
            {s: b.rows.get_column("origin").unique().sort().to_list() for s, b in chosen.items()}
        )
        inputs = {s: (b, known.filter(pl.col("benchmark") == s)) for s, b in chosen.items()}
    for slug, (backtest, known) in inputs.items():
        scale = backtest.scale
        targets = backtest.rows.filter(pl.col("family") == "last-value")
        for (origin,), past in known.partition_by("origin", as_dict=True).items():
            wanted = targets.filter(pl.col("origin") == origin)
            if wanted.is_empty():
                continue
            series = build_series(scale, past)
            x, v = series.fit_data()
            frame = pd.DataFrame(
                {
                    "ds": [pd.Timestamp(from_decimal_year(float(a))) for a in x],
                    "y": [float(scale.score(b)) for b in v],
                }
            )
            frame["cap"], frame["floor"] = scale.ceiling, scale.floor
            model = Prophet(
                growth="logistic",
                interval_width=level,
                yearly_seasonality=False,
                weekly_seasonality=False,
                daily_seasonality=False,
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(frame)
            future = pd.DataFrame({"ds": pd.to_datetime(wanted.get_column("target").to_list())})
            future["cap"], future["floor"] = scale.ceiling, scale.floor
            # Prophet draws its interval from numpy's global generator: seeded, the
            # figures are the same in every run.
            np.random.seed(0)
            pred = model.predict(future)
            rows = [
                {
                    "benchmark": slug,
                    "family": "prophet",
                    "origin": origin,
                    "horizon": row["horizon"],
                    "target": row["target"],
                    "actual": row["actual"],
                    "median": float(pred["yhat"][i]),
                    "lower": float(pred["yhat_lower"][i]),
                    "upper": float(pred["yhat_upper"][i]),
                }
                for i, row in enumerate(wanted.iter_rows(named=True))
            ]
            # Scored as trendlab's own forecasts are: an end at a bound is the bound.
            out.append(with_reach(pl.DataFrame(rows), scale))
    return pl.concat(out)


def calibrated_in_time(found, at_choice, level: float) -> pl.DataFrame:
    """Every benchmark's rows with each origin calibrated only on the other benchmarks'
    forecasts whose targets came before it, and auto chosen as trendlab chooses it (at
    80 %: `at_choice` are the same backtests at that level)."""
    from trendlab.forecast.evaluate import (
        Backtest,
        auto_candidates,
        auto_rows,
        calibrated,
        calibrations,
        known_by,
    )
    from trendlab.forecast.scoring import known_then

    out = []
    for slug, backtest in found.items():
        if backtest.rows.is_empty() or backtest.scale.unit != "percent":
            continue
        parts = []
        for (origin,), rows in backtest.rows.partition_by("origin", as_dict=True).items():
            then = {other: known_by(b, origin) for other, b in found.items()}
            cals = calibrations(then, backtest.space, exclude=slug)
            parts.append(calibrated(Backtest(backtest.scale, backtest.space, rows), cals, level))
        rows = pl.concat(parts)
        candidates = tuple(
            f for f in rows.get_column("family").unique().sort().to_list() if f != "last-value"
        )
        auto = auto_rows(
            rows,
            auto_candidates(backtest.scale, candidates),
            known_then(found, slug, at_choice[slug]),
        )
        out.append(pl.concat([rows, auto]).with_columns(pl.lit(slug).alias("benchmark")))
    return pl.concat(out).select(KEYS)


def jumpers(found, points: float) -> list[str]:
    """Percent benchmarks whose frontier rose by more than `points` between a backtest
    origin from 2024 on and six or twelve months later."""
    out = []
    for slug, backtest in found.items():
        if backtest.scale.unit != "percent":
            continue
        rise = backtest.rows.filter(
            (pl.col("family") == "last-value")
            & (pl.col("origin") >= date(2024, 1, 1))
            & (pl.col("horizon") <= 12)
        ).select((pl.col("actual") - pl.col("current")).max())
        if (rise.item() or 0) > points:
            out.append(slug)
    return sorted(out)


def summary(rows: pl.DataFrame, level: float) -> pl.DataFrame:
    """Per family and horizon, scored as `trendlab backtest` scores (with_scores), with
    the share of upper ends above the cap."""
    from trendlab.forecast.evaluate import with_scores

    return (
        with_scores(rows, level)
        .with_columns((pl.col("median") - pl.col("actual")).abs().alias("ae"))
        .group_by("family", "horizon")
        .agg(
            pl.len().alias("n"),
            pl.col("ae").mean().round(2).alias("mae"),
            pl.col("ae").median().round(2).alias("median_ae"),
            pl.col("covered").mean().round(3).alias("coverage"),
            pl.col("s").mean().round(1).alias("interval_score"),
            (pl.col("upper") > pl.col("cap")).mean().round(3).alias("above_cap"),
        )
        .with_columns(
            pl.col("family")
            .replace_strict({f: i for i, f in enumerate([*FAMILIES, "prophet"])}, default=99)
            .alias("_o")
        )
        .sort("horizon", "_o")
        .drop("_o")
    )


def paired(rows: pl.DataFrame, family: str, peer: str) -> pl.DataFrame:
    """`family`'s absolute error minus `peer`'s on the same forecasts, per horizon.

    The interval (95 %, percentile) resamples whole benchmarks, not forecasts: a
    benchmark's forecasts from neighbouring origins share its jumps and plateaus, so
    they are not independent draws, and resampling them one by one would make the
    interval too narrow. `closer` and `peer_closer` count the forecasts each got nearer.
    """
    from scipy.stats import bootstrap

    errors = (
        rows.filter(pl.col("family").is_in([family, peer]))
        .with_columns((pl.col("median") - pl.col("actual")).abs().alias("ae"))
        .pivot(on="family", index=["benchmark", "origin", "horizon"], values="ae")
        .drop_nulls()
        .with_columns((pl.col(family) - pl.col(peer)).alias("d"))
    )
    out = []
    for (horizon,), group in errors.group_by("horizon"):
        per = (
            group.group_by("benchmark")
            .agg(pl.col("d").sum().alias("s"), pl.len().alias("n"))
            .sort("benchmark")  # in one order, so the seeded resamples are the same each run
        )
        if per.height < 2:
            continue
        # The mean over forecasts of a resample of benchmarks: a ratio of sums.
        ci = bootstrap(
            (per.get_column("s").to_numpy(), per.get_column("n").to_numpy()),
            lambda s, n, axis: s.sum(axis=axis) / n.sum(axis=axis),
            paired=True,
            confidence_level=0.95,
            method="percentile",
            rng=np.random.default_rng(0),
        ).confidence_interval
        d = group.get_column("d")
        out.append(
            {
                "horizon": horizon,
                "n": group.height,
                "benchmarks": per.height,
                "mean_diff": round(d.mean(), 2),
                "lower_95": round(ci.low, 2),
                "upper_95": round(ci.high, 2),
                "closer": (d < 0).sum(),
                "peer_closer": (d > 0).sum(),
            }
        )
    return pl.DataFrame(out).sort("horizon")


def overall_coverage(rows: pl.DataFrame, level: float) -> pl.DataFrame:
    """Coverage over every horizon, per family, as `trendlab backtest` counts it."""
    from trendlab.forecast.evaluate import with_scores

    return (
        with_scores(rows, level)
        .group_by("family")
        .agg(pl.len().alias("n"), pl.col("covered").mean().round(3).alias("coverage"))
        .sort("family")
    )


def parser() -> Parser:
    """The arguments, in the ranges `trendlab backtest` takes."""
    out = Parser(description=__doc__.splitlines()[0])
    out.add_argument("--db", help="a database (default: a fresh `trendlab init`)")
    out.add_argument("--level", type=number(1, 99), default=80.0, help="in percent, 1 to 99")
    out.add_argument("--every", type=whole(1, 1200), default=6, help="months between origins")
    out.add_argument("--jump", type=number(0), default=25.0, help="points in twelve months")
    return out


def main() -> None:
    from trendlab.errors import TrendlabError

    arguments = parser()
    args = arguments.parse_args()
    try:
        run(args)
    except TrendlabError as error:  # a --db that is no trendlab database, say
        arguments.fail(str(error))


def run(args: Namespace) -> None:
    """Backtest, fit Prophet at the same origins and print the tables."""
    level = args.level / 100
    db = args.db
    if db is None:
        db = str(Path(tempfile.mkdtemp(prefix="trendlab-bench-")) / "bench.duckdb")
        subprocess.run([*trendlab_command(), "--db", db, "init"], check=True, capture_output=True)
        # init loads the backtests shipped with the seeds: time computing them instead.
        with duckdb.connect(db) as con:
            con.execute("DELETE FROM forecast_cache")

    from trendlab.cli.options import Settings
    from trendlab.errors import TrendlabError
    from trendlab.forecast.backtest import Plan
    from trendlab.forecast.scoring import backtests, score

    settings = Settings(db=db, lock_timeout=0, author="bench", debug=False)
    # As the CLI does: numpy's overflow notes (a heavy-tailed draw of a growth rate from
    # three points runs past float range in a few paths) are not the figures'.
    warnings.simplefilter("ignore", RuntimeWarning)
    start = time.perf_counter()
    found = backtests(settings, {}, everything=Plan(every=args.every, level=level))
    # auto chooses by 80 % intervals whatever --level is, as `backtest --level` does.
    at_choice = (
        found if level == 0.8 else backtests(settings, {}, everything=Plan(every=args.every))
    )
    scored = score(found, sorted(found), level, None, at_choice)
    ours_seconds = time.perf_counter() - start
    percent = [
        s.rows.with_columns(pl.lit(s.slug).alias("benchmark"))
        for s in scored
        if s.unit == "percent" and not s.rows.is_empty()
    ]
    if not percent:
        raise TrendlabError(f"{db}: no percent benchmark has a scored backtest to compare")
    ours = pl.concat(percent).select(KEYS)

    start = time.perf_counter()
    theirs = prophet_rows(settings, found, level)
    prophet_seconds = time.perf_counter() - start

    # Score everyone on the forecasts Prophet made too (the same benchmark, origin, target).
    keys = theirs.select("benchmark", "origin", "horizon")
    caps = {slug: b.scale.ceiling for slug, b in found.items()}

    def with_prophet(rows: pl.DataFrame) -> pl.DataFrame:
        both = pl.concat(
            [rows.join(keys, on=["benchmark", "origin", "horizon"]), theirs],
            how="diagonal_relaxed",
        )
        return both.with_columns(
            pl.col("benchmark").replace_strict(caps, default=None).alias("cap")
        )

    both = with_prophet(ours)
    pl.Config.set_tbl_rows(200)
    pl.Config.set_tbl_hide_dataframe_shape(True)
    pl.Config.set_tbl_formatting("ASCII_MARKDOWN")
    print(f"database: {db}")
    print(
        f"benchmarks with a ceiling: {theirs.get_column('benchmark').n_unique()}, "
        f"origins every {args.every} months, forecasts scored per family and horizon: see n; "
        f"interval level {args.level:g} %"
    )
    print(
        f"time: trendlab backtest of every benchmark {ours_seconds:.1f} s (every family; "
        f"cold on a fresh database, from its cache after), Prophet {prophet_seconds:.1f} s "
        f"(one family); ratio Prophet / trendlab {prophet_seconds / ours_seconds:.2f}"
    )
    print("\nPooled over benchmarks")
    print(summary(both, level))
    print("\nCoverage over every horizon")
    print(overall_coverage(both, level))
    for label, cond in (
        ("origins before 2024", pl.col("origin") < pl.date(2024, 1, 1)),
        ("origins from 2024", pl.col("origin") >= pl.date(2024, 1, 1)),
    ):
        print(f"\n{label}, 12 months ahead")
        print(summary(both.filter(cond), level).filter(pl.col("horizon") == 12))
    jumped = jumpers(found, args.jump)
    print(
        f"\nWithout the benchmarks whose frontier rose more than {args.jump:g} points within "
        f"twelve months of an origin from 2024 ({', '.join(jumped)}); a sensitivity"
    )
    print(summary(both.filter(~pl.col("benchmark").is_in(jumped)), level))
    start = time.perf_counter()
    in_time = with_prophet(calibrated_in_time(found, at_choice, level))
    print(
        "\nCalibrated in time: each origin calibrated only on the other benchmarks' "
        f"forecasts whose targets had passed by then ({time.perf_counter() - start:.1f} s)"
    )
    print(summary(in_time, level).filter(pl.col("family").is_in(["ensemble", "auto", "prophet"])))
    print(overall_coverage(in_time, level).filter(pl.col("family").is_in(["ensemble", "auto"])))
    per = (
        both.filter(pl.col("horizon") == 12)
        .with_columns((pl.col("median") - pl.col("actual")).abs().alias("ae"))
        .group_by("benchmark", "family")
        .agg(pl.col("ae").mean().round(2))
        .pivot(on="family", index="benchmark", values="ae")
        .sort("benchmark")
    )
    print("\n12-month MAE per benchmark")
    print(per.select("benchmark", *[c for c in [*FAMILIES, "prophet"] if c in per.columns]))
    for peer in ("prophet", "last-value"):
        print(
            f"\nauto's absolute error minus {peer}'s on the same forecasts (below 0: auto "
            "closer); 95 % interval resampling whole benchmarks"
        )
        print(paired(both, "auto", peer))


if __name__ == "__main__":
    main()
