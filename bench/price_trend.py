"""price-trend at scale: the cheapest capable model over time, against plain DuckDB.

Times trendlab.prices.cheapest_capable, the series `price-trend` fits its rate on, in
process (median of --repeat runs), on N priced models: each with one price, at a
random date over seven years, and a result reaching the threshold that day. Its peer
is DuckDB computing the same series in plain SQL: with one price per model, never
replaced, the cheapest by day is the running minimum of the prices, and each row is
where it falls. The bench checks that both give the same rows, then prints the
times and their ratio. trendlab's sweep also handles what the peer's query cannot:
prices replaced (a cut or a rise), several providers, blends unknown, and ties.

    python bench/price_trend.py [--models 2000 --models 20000] [--repeat 5]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

from bench.args import Parser, whole  # noqa: E402
from trendlab.prices import BLENDED, Blend, cheapest_capable  # noqa: E402

THRESHOLD = 60.0
SIZES = (2_000, 5_000, 20_000, 100_000)

# The running minimum of the prices, in order of the day each model reached the
# threshold (then the price, then the name, as trendlab breaks a tie); a row where
# it falls.
PEER_SQL = f"""
WITH capable AS (
    SELECT model, min(date) AS capable_from FROM scores WHERE score >= {THRESHOLD}
    GROUP BY model
), offered AS (
    SELECT greatest(p.effective_date, c.capable_from) AS date, p.model,
           p.{BLENDED} AS price
    FROM prices p JOIN capable c USING (model)
), running AS (
    SELECT *, min(price) OVER (
        ORDER BY date, price, model ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ) AS before
    FROM offered
)
SELECT date, model, price FROM running
WHERE before IS NULL OR price < before
ORDER BY date
"""


def dataset(models: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Scores and prices of `models` models, each priced once and reaching the
    threshold the day its price starts (perf data as the issue measured it)."""
    rng = np.random.default_rng(1)
    days = [date(2020, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 2500, models)]
    names = [f"m{i}" for i in range(models)]
    scores = pl.DataFrame({"model": names, "date": days, "score": rng.uniform(50, 100, models)})
    given = rng.uniform(0.1, 50, models).round(4)  # as shown: trendlab rounds a blend to 12 digits
    prices = pl.DataFrame(
        {
            "model": names,
            "provider": ["P"] * models,
            "effective_date": days,
            "input_usd_per_mtok": given,
            "output_usd_per_mtok": given,  # alike: the blend is the price at any weights
            BLENDED: given,
        }
    )
    return scores, prices


def median_time(work: Callable[[], object], repeat: int) -> tuple[float, object]:
    """The median of `repeat` timed runs of `work`, and its last answer."""
    times, answer = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        answer = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), answer


def measure(models: int, repeat: int) -> tuple[float, float, int]:
    """trendlab's and the peer's times on `models` priced models, and the rows."""
    scores, prices = dataset(models)
    ours, series = median_time(
        lambda: cheapest_capable(scores, prices, THRESHOLD, blend=Blend()), repeat
    )
    con = duckdb.connect()
    con.register("scores", scores.to_arrow())
    con.register("prices", prices.to_arrow())
    theirs, peer = median_time(lambda: con.execute(PEER_SQL).fetchall(), repeat)
    assert isinstance(series, pl.DataFrame)
    rows = series.select("date", "model", BLENDED).rows()
    if rows != peer:
        sys.exit(f"price_trend.py: error: at {models} models the peer's series differs")
    return ours, theirs, len(rows)


def main() -> None:
    parser = Parser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--models", type=whole(1), action="append", help="priced models (repeatable)"
    )
    parser.add_argument("--repeat", type=whole(1), default=5, help="runs of each")
    args = parser.parse_args()
    print("| priced models | rows | trendlab | peer (DuckDB) | ratio |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for models in args.models or SIZES:
        ours, theirs, rows = measure(models, args.repeat)
        print(
            f"| {models:,} | {rows} | {ours * 1000:.0f} ms | {theirs * 1000:.1f} ms "
            f"| {ours / theirs:.1f} |"
        )


if __name__ == "__main__":
    main()
