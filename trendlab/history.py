"""One record's revisions, with what each one changed."""

from __future__ import annotations

import math
import shlex
from typing import Any

import polars as pl

from trendlab.db import Store
from trendlab.errors import TrendlabError
from trendlab.kinds import MODELS, ORGANIZATIONS, PRICES, RESULTS, Kind
from trendlab.records import (
    ambiguous,
    check_long_enough,
    named_keys,
    nearest_hint,
    organizations_named,
    refuse_slug_made,
    to_text,
)
from trendlab.render import float_text
from trendlab.text import at_most, matched_form, name_forms, number, quoted
from trendlab.validate import Refs


def _shown(value: Any) -> str:
    if _is_nan(value):
        # As show and list write it in a table and CSV: to_text's repr said `nan`.
        return "NaN"
    if isinstance(value, float):
        # As show writes it (a count, 1500000000, in every digit: see float_text), else
        # to as many digits as read back as itself: repr wrote it 1500000000.0.
        if value.is_integer() and abs(value) <= 2**53:
            return float_text(value, 6)
        return number(value)
    text = to_text(value)
    return "(none)" if text is None else text


def _same(old: Any, new: Any) -> bool:
    """Whether two stored values are one value: a NaN (stored around trendlab, an
    unknown score) is not equal to itself, so every revision after it said
    `score: NaN -> NaN`; a -0 (stored around trendlab too) equals 0, so the edit that
    mends it, which `check` asks for, said `no field changed` and diff `no changes`."""
    if _is_nan(old) and _is_nan(new):
        return True
    return old == new and _is_negative_zero(old) == _is_negative_zero(new)


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _is_negative_zero(value: Any) -> bool:
    return isinstance(value, float) and value == 0 and math.copysign(1.0, value) < 0


def describe_change(kind: Kind, before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """['created'], ['retracted'], or ['field: old -> new', ...] between two revisions,
    after 'restored' where `before` was retracted; ['no field changed'] where none did.
    A table or CSV joins the items with '; '."""
    if after["op"] == "retract":
        return ["retracted"]
    if before is None:
        return ["created"]
    prefix = ["restored"] if before["op"] == "retract" else []
    return [*prefix, *field_changes(kind, before, after)] or ["no field changed"]


def field_changes(kind: Kind, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """'field: old -> new' for each field that differs between two states of a record."""
    return [
        f"{f}: {_shown(before[f])} -> {_shown(after[f])}"
        for f in kind.field_names
        if not _same(before[f], after[f])
    ]


def history_key(store: Store, kind: Kind, text: str) -> str:
    """Resolve KEY for history: any record that ever existed, retracted ones included,
    by its key, id prefix or MODEL/BENCHMARK[/SETTING]-style name, or a model by its
    alias, or by one it had before the alias was retracted or moved (in a result's or
    a price's name too), and an organization by a name it had before a rename. A
    current alias names the model it names now, in any case, as `show` reads it, even
    where a retracted model has its name for a slug (see hidden_model_note)."""
    check_long_enough(store, kind, text, ever=True)
    if kind is MODELS and (now := _named_now(store, text)):
        return now
    if kind is MODELS and (clash := Refs(store).resolver.clash(text)):
        # Current aliases of two models in other capitals: it said the name "was an
        # alias of" both, as if of aliases since retracted.
        raise TrendlabError(f"{text!r} {clash}")
    keys = named_keys(store, kind, text, ever=True)
    if not keys and kind in (RESULTS, PRICES):
        keys = _records_once_named(store, kind, text)
    if not keys and kind is MODELS:
        keys = _models_once_named(store.alias_models_ever(), text)
        if len(keys) > 1:
            raise TrendlabError(
                f"{text!r} was an alias of {len(keys)} models: {', '.join(at_most(keys, 10))}; "
                "give the model's slug"
            )
    if not keys and kind is ORGANIZATIONS:
        # Renamed since: a name it had finds it, as an alias a model no longer has does.
        keys = sorted({slug for slug, _ in organizations_named(store, text)})
        if len(keys) > 1:
            raise TrendlabError(
                f"{text!r} was the name of {len(keys)} organizations: "
                f"{', '.join(at_most(keys, 10))}; give the organization's slug"
            )
    if len(keys) == 1:
        if kind is ORGANIZATIONS:
            refuse_slug_made(store, text.strip(), keys[0], ever=True)
        return keys[0]
    if len(keys) > 1:
        raise ambiguous(kind, text, keys)
    # A retracted model's record under a name its alias now takes: the nearest name
    # would be another model's, and the query is what finds it.
    told = hidden_model_note(store, kind, text, shown=False)
    hint = f": {told}" if told else nearest_hint(store, kind, text, ever=True)
    raise TrendlabError(f"no {kind.singular} {quoted(text)} in the history{hint}")


def _named_now(store: Store, text: str) -> str | None:
    """The current model `text` names by its slug or a current alias, as names compare."""
    return Refs(store).resolver.resolve([text])[text]


def hidden_model_note(store: Store, kind: Kind, text: str, *, shown: bool = True) -> str | None:
    """What `history` says where `text` names a current alias's model that is a retracted
    model's slug (see _hidden_by_alias), with the query that reads that model's own
    records; `shown`: the alias's model's record is the one shown."""
    hidden = _hidden_by_alias(store, kind, text)
    if hidden is None:
        return None
    alias, slug, model = hidden
    one = kind is MODELS
    column, order = ("key", "revision") if one else ("model", "key, revision")
    sql = f"SELECT * FROM {kind.history_view} WHERE {column} = ${column} ORDER BY {order}"
    whose = f", whose {'history' if one else kind.singular} this is" if shown else ""
    own = "its own" if one else f"{kind.name} of its own"
    # On --db, as every command trendlab suggests: run as printed, it read another store.
    query = store.command(f"query {shlex.quote(sql)} --param {shlex.quote(f'{column}={slug}')}")
    return (
        f"{alias!r} is an alias of model {model} now{whose}; model {slug}, retracted, has "
        f"{own}: {query}"
    )


def _hidden_by_alias(store: Store, kind: Kind, text: str) -> tuple[str, str, str] | None:
    """(alias, slug, model) where `text`, or a result's or a price's name's MODEL, is a
    retracted model's slug and a current alias of another model, whose records
    `history` shows instead: the retracted model's own are then read in SQL, from
    KIND_history (for a result or a price, only where that model had one)."""
    if kind is MODELS:
        names = [text]
    elif kind in (RESULTS, PRICES):
        parts = text.strip().split("/")
        names = ["/".join(parts[:i]) for i in range(1, len(parts))]  # where an alias ends
    else:
        return None
    now = Refs(store).resolver.resolve(names)
    ever = set(store.keys_ever(MODELS))
    for name in names:
        slug = matched_form(name)  # as the alias resolves, in full-width letters too
        model = now[name]
        if model is None or model == slug or slug not in ever:
            continue
        if kind is MODELS or store.model_had_records(kind, slug):
            return name.strip(), slug, model
    return None


def _models_once_named(pairs: list[tuple[str, str]], text: str) -> list[str]:
    """The models `text` named as an alias that has since been retracted or moved (of
    `pairs`, Store.alias_models_ever), matched as names are (ignoring case and
    surrounding spaces, and in its NFKC form, the form aliases are stored in, as a
    current alias resolves): history is of the past, so a name a model was once known
    by finds it."""
    forms = name_forms(text)
    return sorted({model for alias, model in pairs if alias.strip().lower() in forms})


def _records_once_named(store: Store, kind: Kind, text: str) -> list[str]:
    """The results or prices a MODEL/... name gives whose MODEL is an alias since
    retracted or moved (see _models_once_named), read at each '/' an alias may end at,
    as named_keys reads one. A MODEL that names a model now (its slug, a current alias)
    or a retracted model's slug is read as that model alone, as `history model` reads
    it: its old models' records are not its own (they were, under a current alias)."""
    parts = text.strip().split("/")
    names = ["/".join(parts[:i]) for i in range(1, len(parts))]
    now = Refs(store).resolver.resolve(names)
    slugs = set(store.keys_ever(MODELS))
    pairs = store.alias_models_ever()  # once, for every '/' the MODEL may end at
    keys: list[str] = []
    for i, name in enumerate(names, start=1):
        if now[name] or name.lower() in slugs:
            continue
        for model in _models_once_named(pairs, name):
            named = named_keys(store, kind, "/".join([model, *parts[i:]]), ever=True)
            keys += [key for key in named if key not in keys]
    return keys


def named_note(store: Store, kind: Kind, text: str, key: str) -> str | None:
    """Which record `text` named, where it is not that record's key (an alias, other
    capitals, MODEL/BENCHMARK, an id's prefix): no row of a history table names it, and
    a name may have resolved to another record than meant. A result or a price with its
    key's fields as listings name it, a result's source URL apart."""
    if text.strip() == key:
        return None
    label = ""
    if kind.id_prefix:
        latest = store.history(kind, key).row(-1, named=True)
        parts = [to_text(latest[f]) for f in kind.key_fields if f != "source_url"]
        while parts[-1] is None:  # a result with no setting
            parts.pop()
        label = "/".join(part or "" for part in parts)
        if latest.get("source_url") and "source_url" in kind.key_fields:
            label += f", {latest['source_url']}"
        label = f" ({label})"
    return f"{quoted(text)} is {kind.singular} {key}{label}"


def alias_note(store: Store, kind: Kind, text: str, key: str) -> str | None:
    """named_note's line where `text` names a model by an alias, alone or as the MODEL
    of a result's or a price's name, for show, edit and retract: they print the record
    under its slug, and an alias may name another model than meant. Other names (its
    slug in other capitals or Unicode form, a slug's MODEL/BENCHMARK, an id's prefix) are
    plain in what they print."""
    name = matched_form(text)
    if kind is MODELS:
        by_alias = name != key
    elif kind.id_prefix and "model" in kind.key_fields and "/" in name:
        model = store.history(kind, key).row(-1, named=True)["model"]
        by_alias = not name.startswith(f"{model}/")
    else:
        by_alias = False
    return named_note(store, kind, text, key) if by_alias else None


def record_history(
    store: Store, kind: Kind, key: str, *, full: bool = False, limit: int | None = None
) -> pl.DataFrame:
    """Revisions of the record with `key` (see history_key), oldest first: who, when,
    why and what changed (a list, see describe_change).

    With `full`, every field of each revision is included too; with `limit`, only the
    newest `limit` revisions, still oldest first.
    """
    revisions = store.history(kind, key)
    changes, before = [], None
    for row in revisions.iter_rows(named=True):
        changes.append(describe_change(kind, before, row))
        before = row
    summary = revisions.select(
        "revision",
        "op",
        pl.col("changeset_id").alias("changeset"),
        pl.col("valid_from").alias("recorded_at"),
        "author",
        "message",
    ).with_columns(pl.Series("changes", changes, dtype=pl.List(pl.String)))
    if full:
        fields = revisions.select(kind.field_names)
        if kind.id_prefix:
            # The id `show` and `list` give a result or price: its key, one in every
            # revision, which a row read apart from the others had no other way to name.
            fields = fields.select(pl.lit(key).alias("id"), pl.all())
        summary = pl.concat([summary, fields], how="horizontal")
    # Cut after describing: the oldest revision shown says what it changed from the one
    # before it, which is left out.
    return summary if limit is None else summary.tail(limit)
