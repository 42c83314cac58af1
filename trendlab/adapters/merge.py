"""How a public source's rows meet the records a database already holds.

An import --from merges; it does not overwrite. For a row whose key the database
already holds (the rules apply field by field, then to the row):

1. An empty cell never erases: a field the source leaves empty keeps the stored value.
2. A rounder figure never replaces a more precise one: a measurement (a score, a
   parameter count, training compute or tokens, a benchmark's floor, ceiling or human
   baseline) stated with fewer decimals than the stored value keeps the stored value.
   Where the two agree at the source's precision (34.1 for 34.0593434343) it is the
   same figure; where they do not, the disagreement is reported, not written. Prices
   are quotes, exact as written: they are compared as they are.
3. A restatement changes nothing: when every figure the row gives (see FIGURES)
   agrees with the stored record, the row is the record again and its descriptive
   fields (name, notes, source URL, source kind, API model id) do not replace the
   stored ones, so an aggregator restating a primary source's price or a catalog
   restating a model's date leaves the primary source's provenance in place. When a
   figure differs, the row is a new revision carrying the source's fields (empty
   ones still keep the stored values).

The seeds build (seeds/build.py) assembles the seeds with the same function, so a
re-import of a publication the seeds were built from is a no-op, but for a figure
seeds/corrections.csv corrects: the source's differs, so it is a new revision.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from trendlab.adapters.common import NUMBER, join_parts, written_ulp
from trendlab.kinds import Kind
from trendlab.validate import ROW, url_form

# The fields that state something about the world; the others describe or cite it.
FIGURES: dict[str, tuple[str, ...]] = {
    "models": (
        "organization",
        "release_date",
        "parameters",
        "training_compute_flop",
        "training_tokens",
        "open_weights",
    ),
    "benchmarks": ("unit", "higher_is_better", "floor", "ceiling", "human_baseline"),
    "results": ("score", "reported_date"),
    "prices": ("input_usd_per_mtok", "output_usd_per_mtok"),
    "aliases": ("model",),
}
# Figures that are measurements, published rounded: compared at the source's precision.
MEASURED: dict[str, tuple[str, ...]] = {
    "models": ("parameters", "training_compute_flop", "training_tokens"),
    "benchmarks": ("floor", "ceiling", "human_baseline"),
    "results": ("score",),
}
_STORED = "__stored"


@dataclass
class Kept:
    """A rounder figure in the source that disagrees with the stored, more precise one."""

    row: int
    key: str
    field: str
    given: str
    stored: str


def _clean(column: str) -> pl.Expr:
    value = pl.col(column).str.strip_chars()
    return pl.when(value == "").then(None).otherwise(value)


def stored_text(kind: Kind, stored: pl.DataFrame) -> pl.DataFrame:
    """Current records (typed, as Store.records gives them) as text, fields only."""
    return stored.select(pl.col(f).cast(pl.String) for f in kind.field_names)


def _ulp_stored(text: pl.Expr, value: pl.Expr) -> pl.Expr:
    """The precision of a stored number, from its shortest form without trailing zeros
    (34.0593434343 -> 1e-10, 3000000000.0 -> 1e9); zero counts as least precise."""
    parts = text.str.extract_groups(NUMBER)
    whole = parts.struct.field("1").fill_null("")
    fraction = parts.struct.field("2").fill_null("").str.strip_chars_end("0")
    exponent = parts.struct.field("3").cast(pl.Int64, strict=False).fill_null(0)
    zeros = (whole.str.len_chars() - whole.str.strip_chars_end("0").str.len_chars()).cast(pl.Int64)
    power = (
        pl.when(fraction.str.len_chars() > 0)
        .then(exponent - fraction.str.len_chars().cast(pl.Int64))
        .otherwise(exponent + zeros)
    )
    return pl.when(value == 0).then(float("inf")).otherwise(pl.lit(10.0).pow(power))


def _same(kind: Kind, name: str, a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """Whether two texts of a field state the same value (null only equals null)."""
    ftype = kind.field(name).type
    if ftype == "float":
        a, b = a.cast(pl.Float64, strict=False), b.cast(pl.Float64, strict=False)
    elif ftype in ("bool", "choice"):
        a, b = a.str.to_lowercase(), b.str.to_lowercase()
        if ftype == "bool":
            truth = {"true": "t", "t": "t", "yes": "t", "y": "t", "1": "t"}
            truth |= {"false": "f", "f": "f", "no": "f", "n": "f", "0": "f"}
            a = a.replace_strict(truth, default=a)
            b = b.replace_strict(truth, default=b)
    return a.eq_missing(b)


def merge(kind: Kind, frame: pl.DataFrame, stored: pl.DataFrame) -> tuple[pl.DataFrame, list[Kept]]:
    """Apply the rules above to text rows of `kind` (__row + fields, and any other
    __ columns, kept as they are) against `stored`, the kind's current records as
    text (stored_text). Rows whose key is new pass unchanged. Returns the rows to
    write and the disagreements rule 2 kept out."""
    keys = list(kind.key_fields)
    if not set(keys) <= set(frame.columns) or frame.is_empty() or stored.is_empty():
        return frame, []
    fields = [f for f in frame.columns if f in kind.field_names and f not in keys]
    right = stored.select(
        *keys, *(pl.col(f).alias(f"__s_{f}") for f in fields), pl.lit(True).alias(_STORED)
    )
    normal = frame.with_columns(_clean(k).alias(k) for k in keys)
    joined = normal.join(right, on=keys, how="left", nulls_equal=True, maintain_order="left")
    known = pl.col(_STORED).fill_null(False)
    measured = MEASURED.get(kind.name, ())
    values: dict[str, pl.Expr] = {}
    kept_flags: dict[str, pl.Expr] = {}
    for f in fields:
        given, old = _clean(f), pl.col(f"__s_{f}")
        value = pl.coalesce(given, old)  # rule 1
        if f in measured:
            a = given.cast(pl.Float64, strict=False)
            b = old.cast(pl.Float64, strict=False)
            ulp = written_ulp(given)
            if f"__ulp_{f}" in frame.columns:  # a figure the adapter converted
                ulp = pl.coalesce(pl.col(f"__ulp_{f}").cast(pl.Float64, strict=False), ulp)
            rounder = a.is_not_null() & b.is_not_null() & (ulp > _ulp_stored(old, b))
            value = pl.when(rounder).then(old).otherwise(value)  # rule 2
            kept_flags[f] = rounder & ((a - b).abs() > ulp / 2 * (1 + 1e-9))
        values[f] = value
    figures = [f for f in FIGURES.get(kind.name, ()) if f in values]
    agree = pl.all_horizontal(
        [pl.lit(True), *(_same(kind, f, values[f], pl.col(f"__s_{f}")) for f in figures)]
    )
    merged = joined.with_columns(
        pl.when(known & agree)  # rule 3
        .then(pl.col(f"__s_{f}"))
        .when(known)
        .then(values[f])
        .otherwise(pl.col(f))
        .alias(f)
        for f in fields
    )
    kept: list[Kept] = []
    if kept_flags:
        flagged = joined.with_columns(
            (known & flag).alias(f"__k_{f}") for f, flag in kept_flags.items()
        )
        for f in kept_flags:
            for row in flagged.filter(pl.col(f"__k_{f}")).iter_rows(named=True):
                label = "/".join(
                    str(row[k]) for k in keys if row[k] is not None and k != "source_url"
                )
                kept.append(Kept(row[ROW], label, f, str(row[f]).strip(), str(row[f"__s_{f}"])))
    drop = [c for c in merged.columns if c.startswith("__s_")] + [_STORED]
    return merged.drop(drop).select(frame.columns), kept


UNDATED = "the model has no release date and the source states no date"
ELSEWHERE = "the same source record is already in the database under another key"
DUPLICATE = "duplicate of an earlier row with the same result and score"
# Where a file gives two source records one result's key (epoch._duplicates): each
# one's setting without (PLAIN_SETTING) and with (RECORD_SETTING) its record id; null
# on the other rows.
PLAIN_SETTING = "__plain_setting"
RECORD_SETTING = "__record_setting"


def with_record(setting: pl.Expr, record: pl.Expr) -> pl.Expr:
    """A setting with the source record id that tells a result apart from its twin
    (`3-shot; Epoch record rec...`)."""
    return join_parts(setting, pl.lit("Epoch record ") + record)


def undated(frame: pl.DataFrame, dated: list[str]) -> pl.Expr:
    """Results that no date places: no reported date and a model without a release
    date (or none the database knows). Imports and the seeds leave them out, listed,
    until the model is dated."""
    reported = _clean("reported_date") if "reported_date" in frame.columns else pl.lit(None)
    return reported.is_null() & ~pl.col("model").is_in(dated)


def _compared(value: pl.Expr, field: str) -> pl.Expr:
    # A key field as the write compares it: a source URL in other capitals or ending in
    # a slash is the same source (url_form), so the same key.
    return url_form(value) if field == "source_url" else value


def _held(kind: Kind, stored: pl.DataFrame, pattern: str) -> pl.DataFrame:
    """The stored records naming a source record: __record and their key as __h_ columns."""
    return (
        stored.with_columns(pl.col("notes").str.extract(pattern, 1).alias("__record"))
        .filter(pl.col("__record").is_not_null())
        .unique("__record", keep="first")
        .select("__record", *(pl.col(k).alias(f"__h_{k}") for k in kind.key_fields))
    )


def stored_keys_kept(
    kind: Kind, frame: pl.DataFrame, repeats: pl.DataFrame, stored: pl.DataFrame, pattern: str
) -> tuple[pl.DataFrame, list[int], list[int]]:
    """`frame`, with each row that carries a record setting (RECORD_SETTING) placed
    under whichever of its two keys the database holds its source record under, and
    the rows of `repeats` (left out by the adapter as repeats) the database so holds;
    the __row of each repeat brought back; and that of each row of `frame` whose plain
    key such a repeat took, now a repeat of it, to be left out.

    A source may publish one result twice, under two record ids: the adapter keeps the
    first row under the plain key and leaves the others out as repeats, or, where the
    scores differ, keeps each under its record id. A record the database holds stays
    under its key and takes what the source now says, whichever row comes first: a
    correction that makes two such records differ, or agree again, reaches the stored
    records instead of adding a twin or being skipped. A plain key a row with no record
    id gives is not taken back."""
    if RECORD_SETTING not in frame.columns or stored.is_empty():
        return frame, [], []
    keys = list(kind.key_fields)
    rows = frame.with_columns(pl.lit(False).alias("__repeat"))
    if not repeats.is_empty():
        repeats = repeats.select(frame.columns).with_columns(pl.lit(True).alias("__repeat"))
        rows = pl.concat([rows, repeats])
    rows = rows.join(_held(kind, stored, pattern), on="__record", how="left")
    # A record stored under its record id, whose twin the file no longer holds, stays
    # there and takes its row (else the row is held elsewhere and its change is lost).
    alone = (
        pl.col(RECORD_SETTING).is_null()
        & pl.col("__record").is_not_null()
        & pl.all_horizontal(
            _compared(
                with_record(_clean(k), pl.col("__record")) if k == "setting" else _clean(k), k
            ).eq_missing(_compared(pl.col(f"__h_{k}"), k))
            for k in keys
        )
    )
    rows = rows.with_columns(
        pl.when(alone).then(pl.col("__h_setting")).otherwise(pl.col("setting")).alias("setting"),
        alone.alias("__alone"),
    )

    def held_at(setting: str) -> pl.Expr:
        return pl.col(RECORD_SETTING).is_not_null() & pl.all_horizontal(
            _compared(_clean(setting if k == "setting" else k), k).eq_missing(
                _compared(pl.col(f"__h_{k}"), k)
            )
            for k in keys
        )

    at_record = held_at(RECORD_SETTING)
    rows = rows.with_columns(
        pl.when(at_record)
        .then(pl.col(RECORD_SETTING))
        .otherwise(pl.col("setting"))
        .alias("setting"),
        at_record.alias("__placed"),
    )
    # A plain key a row the adapter gave no record id holds is taken; one a twin holds
    # goes to the row whose record is stored there, and that twin is a repeat of it.
    given = (
        rows.filter(~pl.col("__repeat") & pl.col(RECORD_SETTING).is_null())
        .select(_compared(_clean(k), k).alias(k) for k in keys)
        .unique()
    )
    plain = [PLAIN_SETTING if k == "setting" else k for k in keys]
    back = (
        rows.filter(held_at(PLAIN_SETTING) & ~pl.col("__placed"))
        .select(ROW, *(_compared(_clean(p), k).alias(k) for p, k in zip(plain, keys, strict=True)))
        .join(given, on=keys, how="anti", nulls_equal=True)
        .filter(pl.len().over(keys) == 1)
    )
    moved = pl.col(ROW).is_in(back.get_column(ROW).implode())
    rows = rows.with_columns(
        pl.when(moved).then(pl.col(PLAIN_SETTING)).otherwise(pl.col("setting")).alias("setting"),
        (pl.col("__placed") | moved).alias("__placed"),
    )
    sitting = ~pl.col("__repeat") & ~pl.col("__placed") & pl.col(RECORD_SETTING).is_not_null()
    displaced = (
        rows.filter(sitting)
        .with_columns(_compared(_clean(k), k).alias(k) for k in keys)
        .join(back.select(keys), on=keys, how="semi", nulls_equal=True)
        .get_column(ROW)
    )
    rows = rows.filter(
        (~pl.col("__repeat") | pl.col("__placed")) & ~pl.col(ROW).is_in(displaced.implode())
    )
    if "source_url" in keys:
        # Under its stored key, its URL as stored too: merge finds a stored record by its
        # key as written, and missed one spelled otherwise (a rounder score replaced it).
        rows = rows.with_columns(
            pl.when(pl.col("__alone") | pl.col("__placed"))
            .then(pl.col("__h_source_url"))
            .otherwise(pl.col("source_url"))
            .alias("source_url")
        )
    revived = rows.filter(pl.col("__repeat")).get_column(ROW).to_list()
    return rows.select(frame.columns).sort(ROW), revived, displaced.to_list()


def held_elsewhere(
    kind: Kind, frame: pl.DataFrame, stored: pl.DataFrame, pattern: str
) -> pl.DataFrame:
    """Rows whose source record (`__record`) the database already holds under another
    key (say, the Hub's more specific model version): __row and where it is held.
    One source record is one record, so such a row is left out, not added twice."""
    if "__record" not in frame.columns or stored.is_empty():
        return pl.DataFrame(schema={ROW: pl.UInt32, "held": pl.String})
    # The label names the stored record: model/benchmark/setting (or the kind's key).
    keys = list(kind.key_fields)
    held = _held(kind, stored, pattern)
    joined = frame.with_columns(_clean(k).alias(k) for k in keys).join(
        held, on="__record", how="inner"
    )
    moved = ~pl.all_horizontal(
        _compared(pl.col(k), k).eq_missing(_compared(pl.col(f"__h_{k}"), k)) for k in keys
    )
    label = pl.concat_str(
        [pl.col(f"__h_{k}") for k in keys if k != "source_url"], separator="/", ignore_nulls=True
    )
    return joined.filter(moved).select(ROW, label.alias("held"))


def absent(
    kind: Kind,
    stored: pl.DataFrame,
    frames: list[pl.DataFrame],
    *,
    pattern: str | None = None,
    records: list[str] | None = None,
    covers: list[str] | None = None,
) -> list[str]:
    """Stored records from this source that the publication no longer holds.

    With `pattern` (a source that names its records, like Epoch): records whose notes
    name a source record id, on the benchmarks the files cover, whose id the files do
    not hold (`records`: every id in them, rows left out included; `covers`: the
    benchmarks the files cover besides those their rows name), and whose key they
    lack. Otherwise: records citing the same source URL (and benchmark, or provider)
    whose key the files lack.
    Returns their labels (model/benchmark/setting or model/provider/date), with the
    record's id where another stored record has the same label (`stored` has an id
    column).
    """
    if stored.is_empty() or not frames:
        return []
    rows = pl.concat(
        [f.select(c for c in f.columns if not c.startswith("__")) for f in frames], how="diagonal"
    )
    keys = list(kind.key_fields)
    scope = pl.lit(True)
    for column in ("benchmark", "provider"):
        if column in keys and column in rows.columns:
            named = rows.get_column(column).unique().to_list()
            extra = (covers or []) if column == "benchmark" else []
            scope = scope & pl.col(column).is_in([*named, *extra])
    # Source URLs as the write path compares them: a source that now spells its URL in
    # other capitals, or ending in a slash, still holds the records stored under it.
    url = url_form(pl.col("source_url"))
    compared = [url.alias("source_url")] if "source_url" in keys else []
    present = (
        rows.select(
            _clean(k).alias(k) if k in rows.columns else pl.lit(None, pl.String).alias(k)
            for k in keys
        )
        .with_columns(compared)
        .unique()
    )
    stored = stored.with_columns(compared)
    if pattern is not None:
        found = stored.with_columns(pl.col("notes").str.extract(pattern, 1).alias("__record"))
        # A row that names no record still holds the record stored at its key.
        gone = found.filter(
            scope
            & pl.col("__record").is_not_null()
            & ~pl.col("__record").is_in(list(records or []))
        ).join(present, on=keys, how="anti", nulls_equal=True)
    else:
        if "source_url" not in rows.columns:
            return []
        urls = rows.select(url_form(_clean("source_url"))).to_series().drop_nulls().unique()
        gone = stored.filter(scope & url.is_in(urls.to_list())).join(
            present, on=keys, how="anti", nulls_equal=True
        )
    label = pl.concat_str(
        [pl.col(k) for k in keys if k != "source_url"], separator="/", ignore_nulls=True
    )
    if "id" in stored.columns:
        # Records that differ only by source URL share a label: each such one is named
        # by its id too, which `trendlab retract` and `history` then take.
        shared = stored.filter(label.is_duplicated()).select(label).to_series().implode()
        label = (
            pl.when(label.is_in(shared))
            .then(label + pl.lit(" (") + pl.col("id") + pl.lit(")"))
            .otherwise(label)
        )
    return gone.select(label).to_series().sort().to_list()
