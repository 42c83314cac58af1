"""A synthetic dataset at scale, in trendlab's own import format.

A few thousand models, about fifty benchmarks and any number of results, written as
the CSV files `trendlab export` writes (and `trendlab import` reads): models.csv,
benchmarks.csv and results.csv. Every slug starts with `syn-`, so the files import
into a seeded database beside the real data.

The results look like published ones: each "paper" (one source URL) reports a few
models on a few benchmarks in one setting; scores follow a logistic trend in the
model's release date plus noise, inside each benchmark's unit; the reported date is
after the release. Keys (model, benchmark, setting, source_url) are unique.

    python bench/synthetic.py DIR [--results 1000000] [--models 3000] [--benchmarks 50]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

SEED = 20260101
MODELS_PER_PAPER = 4  # each paper reports this many models ...
BENCHMARKS_PER_PAPER = 5  # ... on this many benchmarks: 20 results per source URL
SETTINGS = ["0-shot", "5-shot", "5-shot CoT", "maj@32", "pass@1", None]
SOURCE_KINDS = ["paper", "leaderboard", "independent", "self-reported", None]
ORGANIZATIONS = [f"Synthetic Lab {i}" for i in range(40)]
EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class Dataset:
    """Where the three files are, and how many rows each holds."""

    models: Path
    benchmarks: Path
    results: Path
    n_models: int
    n_benchmarks: int
    n_results: int


def models_frame(n: int, rng: np.random.Generator) -> pl.DataFrame:
    """n models released 2018-2025, with sizes and compute where the source says."""
    days = rng.integers((date(2018, 1, 1) - EPOCH).days, (date(2025, 12, 31) - EPOCH).days, n)
    params = 10 ** rng.uniform(8, 12, n)
    known = rng.random(n) < 0.6
    return pl.DataFrame(
        {
            "slug": [f"syn-model-{i:05d}" for i in range(n)],
            "name": [f"Synthetic Model {i}" for i in range(n)],
            "organization": [ORGANIZATIONS[i % len(ORGANIZATIONS)] for i in range(n)],
            "release_date": pl.Series(days, dtype=pl.Int32).cast(pl.Date),
            "parameters": np.where(known, params.round(-6), np.nan),
            "training_compute_flop": np.where(known, (6 * params * 20 * params).round(-15), np.nan),
            "training_tokens": np.where(known, (20 * params).round(-6), np.nan),
            "open_weights": rng.random(n) < 0.4,
            "notes": [None] * n,
            "source_url": [f"https://example.org/models/{i}" for i in range(n)],
        },
        schema_overrides={"notes": pl.String},
    ).with_columns(
        pl.col(c).fill_nan(None) for c in ("parameters", "training_compute_flop", "training_tokens")
    )


def benchmarks_frame(n: int) -> pl.DataFrame:
    """n benchmarks: mostly percent (some with chance floors), a few minutes and Elo."""
    units = ["minutes" if i % 25 == 7 else "elo" if i % 25 == 13 else "percent" for i in range(n)]
    floors = [
        (25.0 if i % 3 == 0 else 0.0) if u == "percent" else (0.0 if u == "minutes" else None)
        for i, u in enumerate(units)
    ]
    ceilings = [(100.0 if i % 4 else 95.0) if u == "percent" else None for i, u in enumerate(units)]
    return pl.DataFrame(
        {
            "slug": [f"syn-bench-{i:03d}" for i in range(n)],
            "name": [f"Synthetic Benchmark {i}" for i in range(n)],
            "description": [f"synthetic benchmark number {i}" for i in range(n)],
            "metric": ["accuracy" if u == "percent" else "rating" for u in units],
            "unit": units,
            "higher_is_better": [True] * n,
            "floor": floors,
            "ceiling": ceilings,
            "human_baseline": [
                90.0 if u == "percent" and i % 2 else None for i, u in enumerate(units)
            ],
            "url": [f"https://example.org/benchmarks/{i}" for i in range(n)],
            "notes": [None] * n,
            "source_url": [f"https://example.org/benchmarks/{i}" for i in range(n)],
        },
        schema_overrides={"notes": pl.String, "human_baseline": pl.Float64},
    )


def results_frame(
    n: int, models: pl.DataFrame, benchmarks: pl.DataFrame, rng: np.random.Generator
) -> pl.DataFrame:
    """n results, 20 per paper (4 models x 5 benchmarks, one setting)."""
    n_models, n_benchmarks = models.height, benchmarks.height
    row = np.arange(n)
    paper, within = row // (MODELS_PER_PAPER * BENCHMARKS_PER_PAPER), row % 20
    # Distinct models and benchmarks within a paper, spread over the whole range.
    model_index = (paper * 7919 + (within // BENCHMARKS_PER_PAPER) * (n_models // 4 + 1)) % n_models
    bench_index = (paper * 13 + within % BENCHMARKS_PER_PAPER) % n_benchmarks
    released = models.get_column("release_date").cast(pl.Int32).to_numpy()[model_index]
    years = (released - (date(2018, 1, 1) - EPOCH).days) / 365.25
    midpoint = rng.uniform(2, 8, n_benchmarks)[bench_index]
    trend = 1 / (1 + np.exp(-1.2 * (years - midpoint)))
    noisy = np.clip(trend + rng.normal(0, 0.08, n), 0, 1)
    units = benchmarks.get_column("unit").to_numpy()[bench_index]
    floors = benchmarks.get_column("floor").fill_null(0.0).to_numpy()[bench_index]
    ceilings = benchmarks.get_column("ceiling").fill_null(100.0).to_numpy()[bench_index]
    score = np.where(
        units == "percent",
        floors + (ceilings - floors) * noisy,
        np.where(units == "minutes", 240 * noisy**3, 800 + 700 * noisy),
    ).round(1)
    reported = released + rng.integers(0, 400, n)
    reported = np.minimum(reported, (date(2026, 6, 30) - EPOCH).days)
    settings = np.array(SETTINGS, dtype=object)[paper % len(SETTINGS)]
    kinds = np.array(SOURCE_KINDS, dtype=object)[paper % len(SOURCE_KINDS)]
    return pl.DataFrame(
        {
            "model": models.get_column("slug").to_numpy()[model_index],
            "benchmark": benchmarks.get_column("slug").to_numpy()[bench_index],
            "score": score,
            "setting": settings,
            "reported_date": pl.Series(reported, dtype=pl.Int32).cast(pl.Date),
            "source_url": pl.Series(paper).cast(pl.String).str.pad_start(7, "0"),
            "source_kind": kinds,
            "notes": np.where(row % 50 == 0, "from the appendix", None),
        },
        schema_overrides={"setting": pl.String, "source_kind": pl.String, "notes": pl.String},
    ).with_columns(
        (pl.lit("https://arxiv.org/abs/syn.") + pl.col("source_url")).alias("source_url")
    )


def write(
    directory: Path, n_results: int, *, n_models: int = 3000, n_benchmarks: int = 50
) -> Dataset:
    """Write models.csv, benchmarks.csv and results.csv into `directory`."""
    rng = np.random.default_rng(SEED)
    directory.mkdir(parents=True, exist_ok=True)
    models = models_frame(n_models, rng)
    benchmarks = benchmarks_frame(n_benchmarks)
    results = results_frame(n_results, models, benchmarks, rng)
    paths = Dataset(
        directory / "models.csv",
        directory / "benchmarks.csv",
        directory / "results.csv",
        n_models,
        n_benchmarks,
        n_results,
    )
    models.write_csv(paths.models)
    benchmarks.write_csv(paths.benchmarks)
    results.write_csv(paths.results)
    return paths


def main() -> None:
    from args import Parser, whole  # bench/ is the script's folder, so on sys.path

    parser = Parser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--results", type=whole(1), default=1_000_000)
    # Fewer models (or 6, 9 or 12) give a paper's four models a repeated one, fewer
    # benchmarks its five: keys that repeat, which an import refuses.
    parser.add_argument("--models", type=whole(13), default=3000, help="at least 13")
    parser.add_argument("--benchmarks", type=whole(5), default=50, help="at least 5")
    args = parser.parse_args()
    try:
        data = write(
            args.directory, args.results, n_models=args.models, n_benchmarks=args.benchmarks
        )
    except OSError as error:
        parser.fail(f"{args.directory}: {error.strerror}")
    print(f"{data.n_models} models, {data.n_benchmarks} benchmarks, {data.n_results} results")


if __name__ == "__main__":
    main()
