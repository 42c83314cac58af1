"""The forecast cache: backtests and fitted curves kept in the store's forecast_cache table.

An entry is keyed by its kind ("backtest" or "fit"), the options it was made under (a
spec: canonical JSON that includes backtest.METHOD_VERSION) and its benchmark's data
version (the latest changeset touching it), so a repeat call with unchanged data reads
instead of fitting. This module holds the payloads' format and the cache's reads and
writes; what to cache is the business of scoring (backtests) and prepare (fits).
Writing the cache never waits for a lock and never fails a command.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import fields
from typing import Any, Protocol, TypeVar

import duckdb
import numpy as np
import polars as pl

from trendlab.errors import TrendlabError
from trendlab.forecast import backtest as bt
from trendlab.forecast.evaluate import Backtest
from trendlab.forecast.families import SPACES, Curve
from trendlab.series import Scale

T = TypeVar("T")

# What reading a payload that is not one of ours raises (damaged around trendlab, say):
# not JSON, JSON of another shape, columns Polars cannot read as the rows'.
_UNREADABLE = (
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    pl.exceptions.PolarsError,
)


class Opener(Protocol):
    """What the command line's Settings provides."""

    def reader(self, as_of: str | None = None) -> Any: ...

    def cache_writer(self) -> Any: ...


def dump_backtest(backtest: Backtest) -> str:
    """A backtest as a cache payload: JSON, dates as ISO text."""

    def as_text(rows: pl.DataFrame) -> dict[str, list[Any]]:
        return rows.with_columns(pl.col("origin", "target").dt.strftime("%Y-%m-%d")).to_dict(
            as_series=False
        )

    return json.dumps(
        {
            "scale": {f.name: getattr(backtest.scale, f.name) for f in fields(Scale) if f.compare},
            "space": backtest.space,
            "rows": as_text(backtest.rows),
            "calibration_rows": as_text(backtest.calibration_rows),
        }
    )


def load_backtest(payload: str) -> Backtest:
    """The backtest a payload of dump_backtest holds."""
    data = json.loads(payload)
    text_dates = bt.ROW_SCHEMA | {"origin": pl.String, "target": pl.String}

    def frame(key: str) -> pl.DataFrame:
        return pl.DataFrame(data[key], schema=text_dates).with_columns(
            pl.col("origin", "target").str.to_date("%Y-%m-%d")
        )

    if data["space"] not in SPACES:
        raise ValueError(f"no space {data['space']!r}")
    return Backtest(
        Scale(**data["scale"]),
        data["space"],
        frame("rows"),
        calibration_rows=frame("calibration_rows"),
    )


def cached_backtests(store: Any, spec: str, versions: dict[str, str]) -> dict[str, Backtest]:
    """The backtests cached under `spec` of the benchmarks in `versions` ({slug: data
    version}) whose entry is of that version."""
    found = {
        slug: readable(load_backtest, payload)
        for slug, payload in store.cached("backtest", spec, versions).items()
    }
    return {slug: backtest for slug, backtest in found.items() if backtest is not None}


def readable(load: Callable[[str], T], payload: str) -> T | None:
    """What `load` reads from a cached payload, or None when it cannot read it: the
    cache is only a shortcut, so a damaged entry is a miss, computed and cached again."""
    try:
        return load(payload)
    except _UNREADABLE:
        return None


def fit_spec(by: str, setting: str | None, all_points: bool, family: str) -> str:
    """The spec a fitted curve is cached under: the forecast's options and the method."""
    options = {"by": by, "setting": setting, "all": all_points, "family": family}
    return json.dumps(options | {"method": bt.METHOD_VERSION}, sort_keys=True)


def cached_fits(store: Any, spec: str, versions: dict[str, str]) -> dict[str, str]:
    """The curves cached under `spec` (see fit_spec) of the benchmarks in `versions`
    whose entry is of that version, as payloads: readable(load_curve, ...) reads the one
    used."""
    return store.cached("fit", spec, versions)


def dump_curve(curve: Curve) -> str:
    """A fitted curve as a cache payload."""
    return json.dumps(curve.to_dict())


def load_curve(payload: str) -> Curve:
    """The curve a payload of dump_curve holds. One of another shape (a coefficient
    too few, an unknown family or space: damaged around trendlab) raises here, as JSON
    that does not parse does, rather than where a forecast draws from it (see readable)."""
    curve = Curve.from_dict(json.loads(payload))
    _draw_once(curve)
    return curve


def _draw_once(curve: Curve) -> None:
    """Draw from `curve` (an ensemble's members) as a forecast would, to fail on a
    shape no fit gives."""
    for member in curve.members:
        _draw_once(member)
    x = np.array([curve.x_ref])
    curve.mean(x)
    if not curve.members:
        curve.draws(x, 2, np.random.default_rng(0))


def save(settings: Opener, kind: str, by_spec: dict[str, list[tuple[str, str, str]]]) -> None:
    """Cache (benchmark, version, payload) entries of one kind, per options spec, in one
    write (none if there is nothing to cache)."""
    by_spec = {spec: entries for spec, entries in by_spec.items() if entries}
    if not by_spec:
        return
    try:
        with settings.cache_writer() as store:
            for spec, entries in by_spec.items():
                store.store_cached(kind, spec, entries)
    except (TrendlabError, duckdb.Error):
        # A read-only file, a busy database, a team store's write conflict: the cache
        # is only a shortcut.
        pass
