"""What changed since a moment: records added, updated (with their field changes) or
retracted, per kind, comparing each record's state then with its state now."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import polars as pl

from trendlab.db import Store
from trendlab.history import field_changes
from trendlab.kinds import KINDS, tally

COLUMNS = {
    "kind": pl.String(),
    "key": pl.String(),
    "change": pl.String(),
    "fields": pl.List(pl.String),
}


def changes_since(store: Store, since: datetime) -> pl.DataFrame:
    """One row per record whose current state differs from its state at `since`.

    change is added (new), restored (retracted then, current now: fields lists what
    differs from the retracted values), updated (fields lists `field: old -> new`, one
    item a field) or retracted; fields is null for added and retracted, as no field
    changed from or to a state. A record changed and changed back is omitted.
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
            if not was and not now:
                continue
            if before is None:
                change, detail = "added", None
            elif not was:
                # Not "added": a retraction made for a reason, undone (an import from a
                # source that still holds the record, say), must not pass unnoticed.
                change = "restored"
                detail = field_changes(kind, before, after)
            elif not now:
                change, detail = "retracted", None
            else:
                detail = field_changes(kind, before, after)
                if not detail:
                    continue
                change = "updated"
            rows.append({"kind": kind.name, "key": key, "change": change, "fields": detail})
    return pl.DataFrame(rows, schema=COLUMNS)


def summary(changes: pl.DataFrame, kind: str | None = None) -> str:
    """'models: 2 added, 1 updated; results: 5 added' (or 'no changes'). `kind`: the
    one kind `changes` were kept to, whose want of changes is said as that ('no changes
    to aliases'): 'no changes' read as though no other kind had changed either."""
    if changes.is_empty():
        return f"no changes to {kind}" if kind else "no changes"
    counts: dict[str, dict[str, int]] = {}
    for kind, change, n in changes.group_by("kind", "change").len().iter_rows():
        counts.setdefault(kind, {})[change] = n
    return "; ".join(tally(kind, counts[kind]) for kind in KINDS if kind in counts)
