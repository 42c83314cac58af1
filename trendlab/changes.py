"""What changed since a moment: records added, updated (with their field changes) or
retracted, per kind, comparing each record's state then with its state now."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import polars as pl

from trendlab.db import Store
from trendlab.history import describe_change
from trendlab.kinds import KINDS

COLUMNS = {"kind": pl.String, "key": pl.String, "change": pl.String, "fields": pl.String}


def changes_since(store: Store, since: datetime) -> pl.DataFrame:
    """One row per record whose current state differs from its state at `since`.

    change is added (new, or brought back after a retraction), updated (fields lists
    `field: old -> new`) or retracted. A record changed and changed back is omitted.
    """
    rows: list[dict[str, Any]] = []
    for kind in KINDS.values():
        frame = store.states_around(kind, since)
        by_key: dict[str, dict[str, dict[str, Any]]] = {}
        for record in frame.iter_rows(named=True):
            by_key.setdefault(record["key"], {})[record["side"]] = record
        for key, sides in by_key.items():
            before, after = sides.get("before"), sides["after"]
            was = before is not None and before["op"] != "retract"
            now = after["op"] != "retract"
            if not was and now:
                change, detail = "added", ""
            elif was and not now:
                change, detail = "retracted", ""
            elif not was and not now:
                continue
            else:
                assert before is not None
                detail = describe_change(kind, before | {"op": "update"}, after)
                if detail == "no field changed":
                    continue
                change = "updated"
            rows.append({"kind": kind.name, "key": key, "change": change, "fields": detail})
    return pl.DataFrame(rows, schema=COLUMNS)


def summary(changes: pl.DataFrame) -> str:
    """'models: 2 added, 1 updated; results: 5 added' (or 'no changes')."""
    if changes.is_empty():
        return "no changes"
    counts = changes.group_by("kind", "change", maintain_order=True).len()
    parts = []
    for kind in KINDS:
        mine = counts.filter(pl.col("kind") == kind)
        if not mine.is_empty():
            listed = ", ".join(f"{n} {c}" for _, c, n in mine.iter_rows())
            parts.append(f"{kind}: {listed}")
    return "; ".join(parts)
