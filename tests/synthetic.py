"""Synthetic benchmark series with known parameters, as frames and as import files."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from tests.conftest import Run
from trendlab.series import Scale, from_decimal_year


def logistic_scores(
    xs: np.ndarray,
    *,
    slope: float,
    midpoint: float,
    floor: float = 0.0,
    ceiling: float = 100.0,
    top: float = 1.0,
) -> np.ndarray:
    """floor + (ceiling - floor) * top * expit(slope * (x - midpoint))."""
    return floor + (ceiling - floor) * top / (1 + np.exp(-slope * (xs - midpoint)))


def frame(xs: np.ndarray, scores: np.ndarray, prefix: str = "m") -> pl.DataFrame:
    """The points frame Store.forecast_points returns, for dates at decimal years xs."""
    n = len(xs)
    return pl.DataFrame(
        {
            "id": [f"r{i}" for i in range(n)],
            "date": [from_decimal_year(float(x)) for x in xs],
            "score": scores.astype(float),
            "model": [f"{prefix}{i:03d}" for i in range(n)],
            "setting": ["5-shot" if i % 2 else "0-shot" for i in range(n)],
            "compute": [float(10 ** (22 + 0.1 * i)) for i in range(n)],
            "price": [None] * n,
            "priced_later": [False] * n,
            "unblended": [False] * n,
        },
        schema_overrides={"price": pl.Float64},
    )


def scale(
    slug: str = "synth",
    *,
    floor: float | None = 0.0,
    ceiling: float | None = 100.0,
    higher_is_better: bool = True,
    unit: str = "percent",
    human_baseline: float | None = None,
) -> Scale:
    return Scale(slug, slug.upper(), unit, floor, ceiling, higher_is_better, human_baseline)


def write_benchmark(
    run: Run,
    tmp_path: Path,
    slug: str,
    dates: list[date],
    scores: list[float],
    *,
    unit: str = "percent",
    floor: float | None = 0.0,
    ceiling: float | None = 100.0,
    human_baseline: float | None = None,
    higher_is_better: bool = True,
    compute: list[float | None] | None = None,
) -> None:
    """Import a benchmark, one model per result and the results into run's database."""
    cell = lambda v: "" if v is None else repr(v) if isinstance(v, float) else str(v)  # noqa: E731
    bench = tmp_path / f"{slug}-benchmarks.csv"
    bench.write_text(
        "slug,name,unit,higher_is_better,floor,ceiling,human_baseline\n"
        f"{slug},{slug.upper()},{unit},{str(higher_is_better).lower()},{cell(floor)},"
        f"{cell(ceiling)},{cell(human_baseline)}\n"
    )
    models = tmp_path / f"{slug}-models.csv"
    lines = ["slug,name,release_date,training_compute_flop"]
    for i, day in enumerate(dates):
        c = compute[i] if compute else None
        lines.append(f"{slug}-m{i:03d},M{i},{day.isoformat()},{cell(c)}")
    models.write_text("\n".join(lines) + "\n")
    results = tmp_path / f"{slug}-results.csv"
    lines = ["model,benchmark,score,setting,source_url"]
    for i, s in enumerate(scores):
        setting = "5-shot" if i % 2 else "0-shot"
        lines.append(f"{slug}-m{i:03d},{slug},{s!r},{setting},https://example.org/{slug}/{i}")
    results.write_text("\n".join(lines) + "\n")
    for path, kind in ((bench, "benchmarks"), (models, "models"), (results, "results")):
        out = run("import", str(path), "--kind", kind, "-m", f"synthetic {slug}")
        assert out.exit_code == 0, out.stderr


def write_error_rate(run: Run, tmp_path: Path, human_baseline: float | None = None) -> str:
    """An error rate (percent, lower is better, floor 100 and ceiling 0) falling by a
    fifth a month through 2019; returns its slug, err."""
    scores = [60.0 * 0.8**i for i in range(12)]
    write_benchmark(
        run, tmp_path, "err", monthly(date(2019, 1, 1), 12), scores,
        floor=100.0, ceiling=0.0, higher_is_better=False, human_baseline=human_baseline,
    )  # fmt: skip
    return "err"


def monthly(start: date, n: int, step_days: int = 61) -> list[date]:
    return [start + timedelta(days=step_days * i) for i in range(n)]


def decimal(day: date) -> float:
    start = date(day.year, 1, 1)
    return day.year + (day - start).days / (date(day.year + 1, 1, 1) - start).days


def expit(x: float) -> float:
    return 1 / (1 + math.exp(-x))
