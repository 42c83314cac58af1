"""Load the curated seed data (seeds/*.csv), and its derived forecast cache, into a database."""

from __future__ import annotations

import json
from importlib.resources import as_file
from typing import TYPE_CHECKING, Any

import duckdb

from trendlab.errors import TrendlabError
from trendlab.ingest import read_records
from trendlab.kinds import IMPORTABLE, get_kind
from trendlab.records import Changeset
from trendlab.resources import resource_dir

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from trendlab.db import Store

# Built by seeds/build_cache.py: the forecast cache of a store holding exactly the seeds.
FORECAST_CACHE = "forecast_cache.jsonl"


def load_seeds(cs: Changeset, folder: Traversable | None = None) -> None:
    """Add every seed record the database has never had, in dependency order.

    Seed rows go through the same validation as any import. Records that exist,
    even retracted or edited ones, are left alone. `folder`: where the seed CSVs are,
    the shipped ones unless the seed build gives the ones it has staged.
    """
    folder = folder or resource_dir("seeds")
    for name in IMPORTABLE:  # benchmarks and models before the results and prices naming them
        entry = folder / f"{name}.csv"
        if not entry.is_file():
            continue
        with as_file(entry) as path:
            loaded = read_records(str(path))
        cs.write(
            get_kind(name),
            loaded.frame,
            mode="missing",
            source=f"seeds/{name}.csv",
            line_of=loaded.line_of,
        )


def read_forecast_cache(text: str) -> list[dict[str, Any]]:
    """The entries of a forecast cache file (kind, benchmark, spec, payload), its first
    line being the header that says what the file is. Raises ValueError where that
    line is not the header: a file cut short to nothing, or losing its first line,
    would otherwise read as one with no entries, or skip its first."""
    lines = text.splitlines()
    header = json.loads(lines[0]) if lines else None
    if not isinstance(header, dict) or "about" not in header:
        raise ValueError("the forecast cache's first line is not its header")
    return [json.loads(line) for line in lines[1:]]


def load_forecast_cache(store: Store, seeded: str) -> bool:
    """Cache the shipped backtests and fits of the benchmarks whose data version is
    still of `seeded`, the changeset that loaded the seeds into an empty store; False
    where the shipped file is damaged and was passed over.

    The entries were computed from the seeds alone; a benchmark another writer has
    changed since (on a team store, between the seeding and this call) computes its
    own. The cache is a shortcut: failing to write it fails nothing.
    """
    entry = resource_dir("seeds") / FORECAST_CACHE
    if not entry.is_file():
        return True  # a build without the derived file: forecasts compute what they need
    versions = store.data_versions(prices=False)  # the shipped fits are by date
    try:
        groups = _cached_by_spec(entry.read_text(encoding="utf-8"), versions, seeded)
    except (ValueError, KeyError, TypeError, AttributeError):
        # A damaged file (a rebuild cut short, a merge's conflict markers) is no reason
        # to refuse the store: its forecasts compute what they need.
        return False
    try:
        for (kind, spec), entries in groups.items():
            store.store_cached(kind, spec, entries)
    except (TrendlabError, duckdb.Error):
        pass  # a conflict on a team store: the first forecasts compute their own
    return True


def _cached_by_spec(
    text: str, versions: dict[str, str], seeded: str
) -> dict[tuple[str, str], list[tuple[str, str, str]]]:
    """The cache file's entries for the benchmarks still at `seeded`'s data version, by
    (kind, spec): (benchmark, version, payload). Raises ValueError, KeyError, TypeError
    or AttributeError where the file is damaged."""
    groups: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for item in read_forecast_cache(text):
        version = versions.get(item["benchmark"], "")
        if version.partition("+")[0] == seeded:
            payload = json.dumps(item["payload"])
            groups.setdefault((item["kind"], item["spec"]), []).append(
                (item["benchmark"], version, payload)
            )
    return groups
