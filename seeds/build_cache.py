"""Build seeds/forecast_cache.jsonl: the forecast cache of a store holding exactly the seeds.

Run from the repository root after changing the seeds or the forecast method
(seeds/build.py runs it after writing the CSVs):  python seeds/build_cache.py

A freshly seeded store's backtests and fitted curves depend on the seed data alone
(backtest origins compare reported and release dates, never when a record was
written), so they are computed once here and `trendlab init` loads them under the
data versions it gives each benchmark. The script seeds a temporary store as `init`
does (without the shipped cache), runs, through trendlab.forecast.prepare as the
`forecast` command does, a forecast of every benchmark in every family that applies to it (which
backtests every benchmark under the default plan and caches each fitted curve), and
writes the resulting forecast_cache rows, sorted, one JSON object a line after a
header line. The file is derived data, not records.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

from trendlab.cli.options import Settings  # noqa: E402
from trendlab.errors import TrendlabError  # noqa: E402
from trendlab.forecast import FAMILIES  # noqa: E402
from trendlab.forecast.backtest import METHOD_VERSION  # noqa: E402
from trendlab.forecast.fit import families_for  # noqa: E402
from trendlab.forecast.prepare import (  # noqa: E402
    Prepared,
    prepare_forecasts,
    read_forecast_inputs,
    remember_fits,
)
from trendlab.seeds import FORECAST_CACHE, load_seeds  # noqa: E402
from trendlab.text import name_fault  # noqa: E402

REBUILD = "python seeds/build_cache.py"
HEADER = {
    "about": "Derived data, not records: the forecast cache (backtests and fitted curves) "
    "of a store holding exactly the seeds, loaded by `trendlab init`. Do not edit.",
    "rebuild": REBUILD,
    "method": METHOD_VERSION,
}


def seed(settings: Settings, seeds: Path | None = None) -> None:
    """Create the store and load the seeds (those in `seeds`, else the shipped ones) as
    `trendlab init` does, without the shipped forecast cache (this script makes it)."""
    with settings.writer(create=True) as store, settings.changeset(store, "load seed data") as cs:
        load_seeds(cs, seeds)


def forecast_everything(settings: Settings) -> None:
    """Forecast every benchmark in every family that applies to it, as the `forecast`
    command does, caching the backtests (the first family's run makes them) and each
    fresh fit. auto picks one of these families, so its fit is among them."""
    for family in FAMILIES:
        with settings.reader() as store:
            inputs = read_forecast_inputs(store, sorted(store.data_versions(prices=False)))
        prepared, _ = prepare_forecasts(settings, inputs, family=family, level=0.8)
        fitted = []
        for one in prepared.values():
            if isinstance(one, Prepared) and one.family in families_for(one.series):
                try:
                    fitted.append((one, one.fit(until=None, level=0.8).curve))
                except TrendlabError:
                    continue  # this family does not fit this series: nothing to cache
        remember_fits(settings, fitted)


def cache_entries(settings: Settings) -> list[dict[str, Any]]:
    """The store's forecast_cache rows without version and time, sorted, payloads parsed."""
    with settings.reader() as store:
        table = store.table_rows("forecast_cache", ["kind", "benchmark", "spec", "payload"])
    rows = sorted(table.to_pylist(), key=lambda r: (r["kind"], r["benchmark"], r["spec"]))
    return [row | {"payload": json.loads(row["payload"])} for row in rows]


def compute(seeds: Path | None = None) -> list[dict[str, Any]]:
    """The cache's entries, computed from the seed CSVs in `seeds` (else the shipped
    ones) and the current code."""
    with (
        tempfile.TemporaryDirectory(prefix="trendlab-seed-cache-") as tmp,
        warnings.catch_warnings(),
    ):
        # As the CLI does: numpy's overflow notes (a heavy-tailed draw of a growth rate
        # from three points runs past float range in a few paths) are not the build's.
        warnings.simplefilter("ignore", RuntimeWarning)
        settings = Settings(
            db=str(Path(tmp) / "seeded.duckdb"), lock_timeout=5, author="seeds", debug=False
        )
        seed(settings, seeds)
        forecast_everything(settings)
        return cache_entries(settings)


def render(entries: list[dict[str, Any]]) -> str:
    """The file's text: the header line, then one compact, key-sorted object a line."""
    lines = [HEADER, *entries]
    return "".join(json.dumps(x, sort_keys=True, separators=(",", ":")) + "\n" for x in lines)


def write(path: Path, seeds: Path | None = None) -> int:
    """Compute the cache of the seeds in `seeds` (else the shipped ones) and write it
    to `path`; returns the number of entries."""
    entries = compute(seeds)
    path.write_text(render(entries), encoding="utf-8")
    return len(entries)


def stop(exc: TrendlabError) -> SystemExit:
    """The build's stop for `exc`: its line, then its details (each bad row of a file
    with more than one) indented, as trendlab prints an error; str(exc) is the line alone."""
    return SystemExit("\n".join([exc.message, *(f"  {line}" for line in exc.details)]))


def named_path(value: str) -> Path:
    """An option's file or folder (argparse's type), refused in argparse's line where
    its name is empty or has white space around it, surely a slip: -o ' ' wrote a file
    named ' ', and --data '' read the current folder, as Path('') is."""
    fault = name_fault(value)
    if fault:
        raise argparse.ArgumentTypeError(f"the name {fault}")
    return Path(value)


def check_output(path: Path) -> None:
    """Stop, in one line, where `path` cannot be written: before a minute of forecasting
    rather than after it, with a traceback."""
    if path.is_dir():
        raise SystemExit(f"-o {path}: a folder; give the file to write")
    if not path.parent.is_dir():
        raise SystemExit(f"-o {path}: no such folder {path.parent}")
    # Opened as the write will open it (a mode misleads: root, a read-only mount): a
    # read-only file or folder was found only once the cache was computed.
    try:
        if path.exists():
            with path.open("r+b"):
                pass
        else:
            with tempfile.TemporaryFile(dir=path.parent):
                pass
    except OSError as exc:
        raise SystemExit(f"-o {path}: {exc.strerror or exc}") from None


def main() -> None:
    """Compute the cache and write it to -o (seeds/forecast_cache.jsonl)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=named_path, default=HERE / FORECAST_CACHE)
    args = parser.parse_args()
    check_output(args.output)
    try:
        entries = compute()
    except TrendlabError as exc:  # a seed row init refuses: its line, as init says it
        raise stop(exc) from None
    except OSError as exc:  # a full disk under the computation's store, say: not -o's
        raise SystemExit(f"computing the cache: {exc.strerror or exc}") from None
    try:
        args.output.write_text(render(entries), encoding="utf-8")
    except OSError as exc:
        raise SystemExit(f"-o {args.output}: {exc.strerror or exc}") from None
    print(f"{args.output}: {len(entries)} entries, {args.output.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
