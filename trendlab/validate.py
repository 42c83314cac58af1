"""Validation of incoming records: text in, typed Polars frame and per-row errors out.

Every write path (CLI options, import files, adapters) hands its rows here as text,
so one set of rules applies everywhere. The rules are vectorised Polars expressions,
so a million rows validate in about a second.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any

import polars as pl

from trendlab.aliases import Resolver
from trendlab.errors import ExitCode, TrendlabError
from trendlab.kinds import (
    ALIASES,
    BENCHMARKS,
    KINDS,
    MODEL_REFS,
    MODELS,
    NAME_MAX,
    ORGANIZATIONS,
    PRICES,
    RESULTS,
    Field,
    Kind,
)
from trendlab.nearest import suggest
from trendlab.organizations import Organizations, names_found, shared_name
from trendlab.text import (
    BLANK_RE,
    CONTROL_RE,
    DATE_RE,
    FORMAT_RE,
    HIDING_FORMAT_RE,
    NONZERO_RE,
    QUOTED_CHARS,
    at_most,
    blank,
    counted,
    fold,
    format_character,
    listed,
    matched_form,
    name_forms,
    nfkc_difference,
    quoted,
    slugify,
    utc_today,
)

if TYPE_CHECKING:
    from trendlab.db import Store

ROW = "__row"  # 0-based position of a row in its source, carried through validation
REF = "__ref"  # in errors: the earlier row a duplicate repeats
FIELDS = "__fields"  # in errors: the fields a row's errors are about
SLUG_RE = r"^[a-z0-9](?:[a-z0-9._-]{0,98}[a-z0-9])?$"
# A scheme is case-insensitive (RFC 3986). A host holds a letter or digit: https:///x
# (a slash too many), https://. or https://- name no site, yet a result's source URL
# is part of its key.
URL_RE = r"(?i)^https?://[^\s/?#]*[\p{L}\p{N}][^\s/?#]*(?:[/?#]\S*)?$"
# An http(s) URL's scheme and host, its path, and its query and fragment (see url_form).
_URL_PARTS_RE = r"(?i)^(https?://[^/?#]*)([^?#]*)(.*)$"
# A letter or digit of any script: an alias (a lookup name) must hold one.
NAME_CHARACTER_RE = r"[\p{L}\p{N}]"
_TRUE = ("true", "t", "yes", "y", "1")
_FALSE = ("false", "f", "no", "n", "0")
NUL_PROBLEM = (
    " holds a NUL character (\\x00): a store must stay copyable to a team store, whose "
    "PostgreSQL cannot hold one"
)
# A day with a time after it (2024-03-01T12:30, or a Parquet timestamp's text), which a
# date field is told to give alone; `t` too, which ISO 8601 allows (it was "not a date").
_DATE_TIME_RE = r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}"


class Refs:
    """What validation needs to know about the database: slugs, aliases, unit ranges and
    provider spellings. Each part is read when first asked for: on a team store every
    query is a round trip to the catalog, and most writes need only some of them.
    """

    def __init__(self, store: Store):
        self._store = store

    def store_command(self, name: str) -> str:
        """trendlab's command `name` on this store, as an error suggests it (Store.command)."""
        return self._store.command(name)

    def _pairs(self, sql: str) -> dict[str, Any]:
        return dict(self._store.con.execute(sql).fetchall())

    @cached_property
    def models(self) -> dict[str, object]:
        """Model slug -> release date."""
        return self._pairs("SELECT slug, release_date FROM models")

    @cached_property
    def benchmarks(self) -> dict[str, str]:
        """Benchmark slug -> unit."""
        return self._pairs("SELECT slug, unit FROM benchmarks")

    @cached_property
    def percent_floors(self) -> dict[str, float]:
        """Benchmark slug -> floor, for percent benchmarks whose chance level is above
        1 and better is higher: where a score of at most 1 is most likely a fraction."""
        return self._pairs(
            "SELECT slug, floor FROM benchmarks WHERE unit = 'percent' AND floor > 1 "
            "AND higher_is_better IS DISTINCT FROM false"
        )

    @cached_property
    def units(self) -> dict[str, tuple[float | None, float | None]]:
        """Unit -> (lowest, highest) value it allows."""
        rows = self._store.con.execute("SELECT unit, min_value, max_value FROM units").fetchall()
        return {u: (lo, hi) for u, lo, hi in rows}

    def retracted(self, kind: Kind) -> dict[str, str]:
        """Key -> the changeset that retracted it, for each of `kind`'s records whose
        latest revision is a retraction: read only when a row names an unknown one."""
        return self._pairs(
            f"SELECT key, changeset_id FROM {kind.history_view} QUALIFY "
            "row_number() OVER (PARTITION BY key ORDER BY revision DESC) = 1 AND op = 'retract'"
        )

    def retracted_alias(self, name: str) -> tuple[str, str, str] | None:
        """(alias, model, changeset) of the retracted alias `name` is, as written or as
        a current alias would match it (case, spaces and Unicode form aside), when it is
        one alone; else None. Read only when a name resolves to no model."""
        ever = self._alias_keys_ever
        written = [a for a in ever if a == name.strip()]
        forms = name_forms(name)
        matched = written or [a for a in ever if a.lower() in forms]
        retracted_in = self._store.retracted_in
        gone = [(a, c) for a in matched if (c := retracted_in(ALIASES, a)) is not None]
        if len(gone) != 1:
            return None
        alias, changeset = gone[0]
        # As of --as-of: the model it named when retracted then, not a later revision's.
        model = self._store.alias_model(alias)
        return (alias, model, changeset) if model is not None else None

    @cached_property
    def _alias_keys_ever(self) -> list[str]:
        """Every alias that ever had a revision: read once, though an import asks
        retracted_alias of each of up to 200 unknown names."""
        return self._store.keys_ever(ALIASES)

    @cached_property
    def aliases(self) -> dict[str, str]:
        """Alias -> model slug."""
        return self._pairs("SELECT alias, model FROM aliases")

    @cached_property
    def organizations(self) -> dict[str, str]:
        """Organization slug -> name."""
        return self._pairs("SELECT slug, name FROM organizations")

    @cached_property
    def organizations_ever(self) -> dict[str, str | None]:
        """Organization slug -> its last name, retracted ones too."""
        return self._store.organization_names_ever()

    @cached_property
    def organization_names_had(self) -> list[tuple[str, str]]:
        """Every (slug, name) an organization had, before a rename or a retraction too."""
        return self._store.organization_names_had()

    @cached_property
    def models_by_organization(self) -> dict[str, list[str]]:
        """Each organization as current models write it -> those models."""
        return self._store.models_by_organization()

    def organization_models(self, slug: str) -> dict[str, str]:
        """The current models that name organization `slug`, each with the organization
        as it writes it (see Store.organization_models)."""
        return self._store.organization_models(slug)

    @cached_property
    def providers(self) -> dict[str, str]:
        """Folded provider (see trendlab.text.fold) -> its stored spelling, so 'openai'
        and 'OpenAI' name one provider and a price is not recorded twice under two
        spellings of its key."""
        # Prices' spellings alone, not an organization's name: an exported price
        # imported into a new database, whose models create their organizations first,
        # would take the organization's spelling (acme: ACME), and a new id with it.
        # Folded here, not by DuckDB's lower(), which folds some names otherwise (ΣΑΣ, σας).
        # A retracted price's spelling too (after current ones): adding it again in other
        # capitals must give its key, and so restore it rather than add a second price.
        spellings: dict[str, str] = {}
        for name in self.provider_spellings:
            spellings.setdefault(fold(name), name)
        return spellings

    @cached_property
    def provider_spellings(self) -> list[str]:
        """Every provider as stored, current prices' first: two a store holds that fold
        alike (told apart before fold joined runs of spaces) are each kept as written."""
        names = self._store.con.execute(
            "SELECT provider FROM (SELECT provider, 0 AS retracted FROM prices "
            "UNION ALL SELECT provider, 1 FROM price_revisions) "
            "GROUP BY provider ORDER BY min(retracted), provider"
        ).fetchall()
        return [name for (name,) in names]

    def stored(self, kind: Kind, field: str) -> list[str]:
        """The values one of `kind`'s text fields has held in any revision: retracted
        too, since editing a model restores the organization it names."""
        return [
            value
            for (value,) in self._store.con.execute(
                f"SELECT DISTINCT {field} FROM {kind.table} WHERE {field} IS NOT NULL"
            ).fetchall()
        ]

    def result_settings(self, pairs: pl.DataFrame) -> pl.DataFrame:
        """The settings of the stored results, retracted too, with these (model,
        benchmark): see Store.result_settings."""
        return self._store.result_settings(pairs)

    def result_urls(self, keys: pl.DataFrame) -> pl.DataFrame:
        """The source URLs of the stored results, retracted too, with these (model,
        benchmark, setting): see Store.result_urls."""
        return self._store.result_urls(keys)

    @cached_property
    def resolver(self) -> Resolver:
        """Model names -> slugs through this database's slugs and aliases."""
        return Resolver.build(self.models, self.aliases)


def stored_providers(frame: pl.DataFrame, refs: Refs) -> pl.DataFrame:
    """Prices with each provider (trimmed) as stored: as given where a price has it so
    (a re-import of two providers stored before they folded alike must not merge them),
    else as `refs.providers` spells it, by its folded form (a vendor 'OPENAI' is the
    stored 'OpenAI'), else as this input first spells it: as a write stores it, so that
    whatever compares prices by key before the write does too. Rows with no provider
    column are returned as they are."""
    if "provider" not in frame.columns:
        return frame
    name = pl.col("__provider")
    given = frame.get_column("provider").str.strip_chars()
    return (
        frame.with_columns(given, folded(given).alias("__provider"))
        .with_columns(
            pl.coalesce(
                pl.when(pl.col("provider").is_in(refs.provider_spellings)).then("provider"),
                name.replace_strict(refs.providers, default=None, return_dtype=pl.String),
                pl.col("provider").first().over(name),
            ).alias("provider")
        )
        .drop("__provider")
    )


def stored_settings(frame: pl.DataFrame, refs: Refs) -> pl.DataFrame:
    """Results with each setting as stored for their model and benchmark where a stored
    result has it in another Unicode form: 'café' typed with a combining accent (NFD)
    shows as the stored 'café' (NFC), and a setting is part of a result's key, so the
    two made two results that look as one. As given where a result has it so, else as
    a current result spells it, else a retracted one, else as this input first spells
    it. Case still counts (5-shot and 5-SHOT are two). Rows with no setting column are
    returned as they are."""
    keys = ["model", "benchmark"]
    if "setting" not in frame.columns or not set(keys) <= set(frame.columns):
        return frame
    setting = pl.col("setting")
    group = [*keys, "__form"]
    # Per distinct (model, benchmark, setting), and only where some key's setting is
    # spelt two ways: done on every row, as stored_urls was, this would cost a large
    # import a share of its time for what is rare.
    nfc = setting.str.normalize("NFC").alias("__form")
    distinct = frame.select(*keys, "setting").unique().with_columns(nfc)
    stored = (
        refs.result_settings(distinct.select(keys).unique())
        .select(*keys, "setting", "retracted", nfc)
        .sort("retracted", "setting")
    )
    spelt = pl.concat([distinct, stored.select(distinct.columns)]).unique()
    twice = spelt.filter(pl.len().over(group) > 1).select(group).unique()
    if twice.is_empty():
        return frame
    given = frame.with_columns(nfc)
    respelt = given.join(twice, on=group, how="semi", nulls_equal=True)
    return _as_stored(given, "setting", group, stored, respelt)


def url_form(url: pl.Expr) -> pl.Expr:
    """A URL as the source URLs of one result compare: its scheme and host in lowercase,
    which name the same site in any case (RFC 3986), and its path without a slash at the
    end, which sites serve as the same page. Text that is no http(s) URL is as given."""
    parts = url.str.extract_groups(_URL_PARTS_RE)
    site = parts.struct.field("1").str.to_lowercase()
    path = parts.struct.field("2").str.strip_chars_end("/")
    return pl.when(site.is_not_null()).then(site + path + parts.struct.field("3")).otherwise(url)


def stored_urls(frame: pl.DataFrame, refs: Refs) -> pl.DataFrame:
    """Results with each source URL as stored for their model, benchmark and setting,
    where a stored result has it in another spelling (see url_form): HTTPS://ARXIV.ORG/x
    and https://arxiv.org/x/ are one source, and a URL is part of a result's key. As
    given where a result has it so (two a store holds already stay two), else as a
    current result spells it, else a retracted one (adding it again restores it), else
    as this input first spells it. Keys stay as stored, so a store holding a URL in
    capitals still matches what re-imports it, and a new URL is kept as typed. Rows with
    no source_url column are returned as they are."""
    keys = ["model", "benchmark"]
    if "source_url" not in frame.columns or not set(keys) <= set(frame.columns):
        return frame
    url = pl.col("source_url")
    setting = pl.col("setting") if "setting" in frame.columns else pl.lit(None, pl.String)
    group = [*keys, "__setting", "__form"]
    # Per distinct URL, and the input's first spellings only of forms some URL is not
    # already in: done on every row, this took a fifth of a million results' import.
    forms = frame.select(url).unique().with_columns(url_form(url).alias("__form"))
    respelled = forms.filter(url.ne_missing(pl.col("__form"))).get_column("__form")
    given = frame.with_columns(setting.alias("__setting")).join(
        forms, on="source_url", how="left", nulls_equal=True, maintain_order="left"
    )
    stored = (
        refs.result_urls(given.select(*keys, setting=pl.col("__setting")).unique())
        .select(*keys, "source_url", "retracted", __setting="setting", __form=url_form(url))
        .sort("retracted", "source_url")
    )
    respelt = given.filter(pl.col("__form").is_in(respelled.implode()))
    return _as_stored(given, "source_url", group, stored, respelt)


def _as_stored(
    given: pl.DataFrame,
    column: str,
    group: list[str],
    stored: pl.DataFrame,
    respelt: pl.DataFrame,
) -> pl.DataFrame:
    """`given` with `column` as stored (stored_settings, stored_urls): each row's group
    is its key and the form its `column` compares in (the group's columns named __ are
    dropped after). As given where `stored` (current results first) spells it so, else
    as `stored` first spells the group's form, else as `respelt` (the input's rows whose
    form is spelt another way too) first spells it, else as given."""
    value = pl.col(column)
    known = (
        stored.group_by(group, maintain_order=True)
        .agg(__stored=value)
        .join(
            respelt.group_by(group, maintain_order=True).agg(__first=value.first()),
            on=group,
            how="full",
            nulls_equal=True,
            coalesce=True,
        )
    )
    spellings = pl.col("__stored")
    return (
        given.join(known, on=group, how="left", nulls_equal=True, maintain_order="left")
        .with_columns(
            pl.when(spellings.list.contains(value))
            .then(value)
            .otherwise(pl.coalesce(spellings.list.first(), "__first", value))
            .alias(column)
        )
        .drop(*(name for name in group if name.startswith("__")), "__stored", "__first")
    )


def folded(names: pl.Series) -> pl.Series:
    """Each name as names compare (see trendlab.text.fold), null kept; each distinct
    name is folded once."""
    distinct = names.drop_nulls().unique()
    return names.replace_strict(
        distinct, [fold(n) for n in distinct], default=None, return_dtype=pl.String
    )


def check_columns(
    kind: Kind,
    columns: list[str],
    source: str,
    first_holding: Callable[[str], str | None] | None = None,
    *,
    required: bool = True,
) -> None:
    """Unknown columns and missing required ones are errors for the whole file.
    `first_holding` names where a column only some records hold (a JSON record's
    field) first appears, which an unknown one's error then names. `required`: whether
    a required column must be there (not in an edit's fields, which keep the rest)."""
    known = kind.field_names
    if kind.id_prefix and "id" in columns:
        # As `list` shows it: a file saved from a listing would otherwise get no hint.
        raise TrendlabError(
            f"{source}: column 'id' is not imported: an id is derived from "
            f"{', '.join(kind.key_fields)}; leave it out, as `trendlab export {kind.name}` does"
        )
    unknown = [c for c in columns if c not in known and c != ROW]
    if unknown:
        hints = "; ".join(
            at_most([f"{c!r}{suggest(c, known)}" for c in unknown[:5]], 5, total=len(unknown))
        )
        # A field one record of many holds is found by its record, as a bad value is.
        where = first_holding(unknown[0]) if first_holding and len(unknown) == 1 else None
        raise TrendlabError(
            f"{source}{f':{where}' if where else ''}: "
            f"unknown column{'s' if len(unknown) > 1 else ''} {hints}; "
            f"{kind.name} columns are: {', '.join(known)}{_another_kind(kind, columns)}"
        )
    missing = [f.name for f in kind.fields if required and f.required and f.name not in columns]
    if missing:
        raise TrendlabError(f"{source}: missing required column(s): {', '.join(missing)}")


def _another_kind(kind: Kind, columns: list[str]) -> str:
    """What a file whose columns are all another kind's, that kind's required ones
    among them, is told beside its unknown columns: a models file imported as results
    (by --kind, or by its name) was told only that slug, name, ... are no results
    columns. Required, not key, fields: a result's key holds its optional setting and
    source_url, so a bare model,benchmark,score file was told of no kind."""
    given = {c for c in columns if c != ROW}
    others = [
        k.name
        for k in KINDS.values()
        if k is not kind and {f.name for f in k.fields if f.required} <= given <= set(k.field_names)
    ]
    if not others:
        return ""
    return (
        f"; the file's columns are those of {listed(others, 'or')}: pass --kind {'|'.join(others)}"
    )


def quoted_cell(col: pl.Expr) -> pl.Expr:
    """A cell quoted for an error as text.quoted quotes one: past QUOTED_CHARS
    characters, its start and how long it is, so that the start of 1e400 written out
    (a 1 and 400 zeros) is not told as a number that is not finite."""
    start = pl.lit("'") + col.str.slice(0, QUOTED_CHARS) + pl.lit("'")
    length = col.str.len_chars()
    cut = start + pl.lit("... (") + length.cast(pl.String) + pl.lit(" characters)")
    return pl.when(length > QUOTED_CHARS).then(cut).otherwise(start)


def _field_rules(
    field: Field, raw: pl.Expr, stored: list[str] | None = None, label: str | None = None
) -> tuple[pl.Expr, list[tuple[pl.Expr, pl.Expr]]]:
    """(typed value, rules) for one field of text input. `stored`: the values of a
    one_line field already stored, which its rules let stand (see validate). `label`:
    how a command line gave the value (--unit), which its messages name for the field.

    A rule is (mask, message): the mask says which rows break it, and the message is
    built only for those rows, since building it for every row of a big file costs
    far more than checking it.
    """
    name = field.name
    present = raw.is_not_null()
    rules: list[tuple[pl.Expr, pl.Expr]] = []

    def rule(mask: pl.Expr, problem: str | pl.Expr) -> None:
        told = pl.lit(problem) if isinstance(problem, str) else problem
        rules.append((mask, pl.lit(f"{label or name}: ") + quoted_cell(raw) + told))

    def character_rules() -> None:
        # Refused stored or not, where the field is written: PostgreSQL text cannot hold
        # a NUL, so a store holding one could never be copied to a team store. Said
        # alone, as the problem.
        nul = present & raw.str.contains("\x00", literal=True)
        rule(nul, NUL_PROBLEM)
        # A stored value breaks the others too when an older trendlab wrote it: it
        # stays, so that its record can still be edited, and an export of it imports back.
        new = present & ~nul & ~raw.is_in(stored or [])
        for mask, problem in _one_line_rules(field, raw):
            rule(new & mask, problem)

    if field.required:
        missing = f"{label}: must not be empty" if label else f"missing {name}"
        rules.append((~present, pl.lit(missing)))
    if field.type == "float":
        value = raw.cast(pl.Float64, strict=False)
        bad = present & (value.is_null() | ~value.is_finite())
        # A percent as a spreadsheet shows it: the number is all that is wanted.
        unsigned = raw.str.strip_suffix("%")
        percent = raw.str.ends_with("%") & unsigned.cast(pl.Float64, strict=False).is_finite()
        rule(
            bad,
            pl.when(percent)
            .then(
                pl.lit(" is not a finite number (write it without the %: ")
                + unsigned.str.slice(0, QUOTED_CHARS)
                + ")"
            )
            .otherwise(pl.lit(" is not a finite number")),
        )
        # A nonzero number too close to 0 for a double (1e-400) reads as 0: refused, as
        # one too big for it is, rather than stored as another number.
        tiny = present & ~bad & (value == 0) & raw.str.contains(NONZERO_RE)
        rule(tiny, " is too close to 0 to store: it would be stored as 0")
        refused = bad | tiny
        if field.exact:
            refused = refused | _inexact_count(raw, value, rule)
            # A count is whole: 7.5 parameters is 7.5 billion typed without its e9.
            part = present & ~refused & (value > 0) & (value != value.floor())
            plain = raw.str.strip_chars()
            rule(
                part,
                pl.when(plain.str.contains(r"^[0-9]{0,6}\.[0-9]{1,6}$"))
                .then(pl.lit(" is not a whole count (") + plain + " billion is " + plain + "e9)")
                .otherwise(pl.lit(" is not a whole count")),
            )
            refused = refused | part
        if field.positive:
            rule(~refused & (value <= 0), " must be greater than 0")
        if field.weighed:
            rule(
                ~refused & (value > 0) & (value < sys.float_info.min),
                f" is too close to 0: a price must be at least {sys.float_info.min!r}, "
                "or a blend of it can come to 0",
            )
        # -0 is stored as 0: stored as written, `list` showed -0 where SQL's aggregates
        # (the frontier) and most clients show 0.
        typed = pl.when(refused).then(None).otherwise(unsigned_zero(value))
    elif field.type == "date":
        value = raw.str.to_date("%Y-%m-%d", strict=False)
        well_formed = raw.str.contains(DATE_RE)
        bad = present & (value.is_null() | ~well_formed)
        timed = raw.str.contains(_DATE_TIME_RE)
        # How trendlab.ingest gives a Parquet timestamp kept in UTC (see there): the
        # date it quotes may not be the day the file's writer meant.
        utc = timed & raw.str.ends_with(" UTC")
        rule(
            bad & utc,
            " is a time in UTC, not a day: the file keeps a timestamp with a time zone in "
            "UTC, where a midnight written at another offset is an hour of the day before "
            "or after; give the day as a date (YYYY-MM-DD, or a Parquet date)",
        )
        rule(bad & timed & ~utc, " is a date and time: give the date alone (YYYY-MM-DD)")
        rule(bad & ~timed, " is not a date (YYYY-MM-DD)")
        out_of_range = ~bad & present & ((value.dt.year() < 1900) | (value.dt.year() > 2100))
        rule(out_of_range, " is outside 1900-2100")
        if field.past:
            # Today in UTC, and a day's grace: somewhere on earth it is already tomorrow.
            today = utc_today()
            future = value > today + timedelta(days=1)
            rule(
                ~bad & ~out_of_range & future,
                f" is after today ({today}, UTC; a day later is taken, as it is already "
                "that day somewhere)",
            )
        typed = pl.when(bad).then(None).otherwise(value)
    elif field.type == "bool":
        lowered = raw.str.to_lowercase()
        is_true, is_false = lowered.is_in(_TRUE), lowered.is_in(_FALSE)
        rule(present & ~is_true & ~is_false, " is not true or false")
        typed = pl.when(is_true).then(True).when(is_false).then(False).otherwise(None)
    elif field.type == "slug":
        too_long = present & (raw.str.len_chars() > 100)
        rule(too_long, " is longer than a slug's 100 characters")
        rule(
            present & ~too_long & ~raw.str.contains(SLUG_RE),
            # Said whole: '-x' and 'gpt-4-' hold only the characters a slug may.
            " is not a slug (lowercase letters, digits, '.', '_', '-', beginning and "
            "ending with a letter or digit)",
        )
        typed = raw
    elif field.type == "url":
        character_rules()
        # A line break or tab fails URL_RE's \S too: it is said once, as a control
        # character, not again as no URL.
        rule(
            present & ~raw.str.contains(URL_RE) & ~raw.str.contains(CONTROL_RE),
            " is not an http(s) URL",
        )
        typed = raw
    elif field.type == "choice":
        lowered = raw.str.to_lowercase()
        rule(present & ~lowered.is_in(field.choices), f" is not one of {', '.join(field.choices)}")
        typed = lowered
    else:
        character_rules()
        typed = raw
    return typed.alias(name), rules


def unsigned_zero(value: pl.Expr) -> pl.Expr:
    """`value` (a Float64) with -0 as 0. Not `value + 0.0`, which Polars skips as adding
    nothing to a column of several rows: a file's -0 stayed -0."""
    return pl.when(value == 0).then(pl.lit(0.0, dtype=pl.Float64)).otherwise(value)


def _inexact_count(
    raw: pl.Expr, value: pl.Expr, rule: Callable[[pl.Expr, str | pl.Expr], None]
) -> pl.Expr:
    """Rows of a count in whole digits (a Parquet or JSON integer, 18446744073709551615)
    that the double it is stored as does not hold exactly, each refused by `rule`
    naming the number it would be; the mask is returned. A count written as a float
    (1.8e19) is rounded as written: the writer gave those digits."""
    written = raw.str.strip_prefix("+").str.replace(r"^0+([0-9])", "$1").str.replace(r"\.0*$", "")
    whole = raw.str.contains(r"^[+-]?[0-9]+(?:\.0*)?$") & value.is_finite()
    # Past Int128 (39 digits) the whole number the double holds cannot be written out
    # here, so it is not named: "would be stored as 1e+41" read as the number given.
    stored = value.cast(pl.Int128, strict=False).cast(pl.String)
    inexact = whole & (value.abs() >= 2**53) & (stored.is_null() | (stored != written))
    rule(
        inexact,
        pl.when(stored.is_null())
        .then(pl.lit(" is too large a count to store exactly"))
        .otherwise(
            pl.lit(" is a count a double cannot hold exactly: it would be stored as ") + stored
        )
        + pl.lit(" (write ")
        + value.cast(pl.String)
        + pl.lit(" to store it rounded)"),
    )
    return inexact


def _one_line_rules(field: Field, raw: pl.Expr) -> list[tuple[pl.Expr, str | pl.Expr]]:
    """(mask, problem) for the rules of a one_line field (see Field), or of a URL's
    characters, stored values not set apart."""
    rules: list[tuple[pl.Expr, str | pl.Expr]] = []
    control = raw.str.contains(CONTROL_RE)
    if field.type == "url":
        # A real URL writes these percent-encoded; raw, they break a line, or hide in a
        # result's key (its source URL), making two keys that look as one.
        return [
            (control, " holds a control character, which a URL writes percent-encoded"),
            (
                raw.str.contains(HIDING_FORMAT_RE),
                _invisible(raw, ", which a URL writes percent-encoded", joiners=False),
            ),
        ]
    if field.one_line:
        rules.append(
            (
                control,
                " holds a line break or another control character; it must be one line of text",
            )
        )
    if field.key_text:
        rules.append(
            (
                raw.str.contains(HIDING_FORMAT_RE),
                _invisible(raw, "; it must read as it is typed", joiners=False),
            )
        )
    if field.named:
        rules.append(
            (
                ~control & ~raw.str.contains(FORMAT_RE) & ~raw.str.contains(NAME_CHARACTER_RE),
                " holds no letter or digit; a name must hold one"
                + ("" if field.required else " (an unknown one is left empty)"),
            )
        )
    if field.lookup_name:
        hidden = raw.str.contains(FORMAT_RE)
        rules.append((hidden, _invisible(raw, "; it must read as it is typed", joiners=True)))
        written = raw.str.normalize("NFKC")
        rules.append(
            (
                ~control & ~hidden & (written != raw),
                pl.lit(" is not in Unicode NFKC form (it holds ")
                + raw.map_elements(nfkc_difference, return_dtype=pl.String)
                + pl.lit("); write it as ")
                + quoted_cell(written),
            )
        )
        rules.append((raw.str.len_chars() > NAME_MAX, f" is longer than {NAME_MAX} characters"))
        # As a slug must: an alias of slashes or other marks alone ('/', '...') named
        # nothing a reader could tell apart, and made '///' a price's name.
        rules.append(
            (
                ~control & ~hidden & ~raw.str.contains(NAME_CHARACTER_RE),
                " holds no letter or digit; an alias must hold one",
            )
        )
        # A result's or a price's name reads its model up to a '/' (MODEL/BENCHMARK):
        # '/mmlu' as an alias made '/mmlu/math' read both as model '' and as the alias's
        # model, and 'x/' made 'x//math' name three results.
        rules.append(
            (
                ~control
                & ~hidden
                & raw.str.contains(NAME_CHARACTER_RE)
                & raw.str.contains(r"^/|/$|//"),
                " begins or ends with '/' or holds '//': a result is named "
                "MODEL/BENCHMARK, so each part of an alias between '/'s must hold text",
            )
        )
    return rules


def _invisible(raw: pl.Expr, why: str, *, joiners: bool) -> pl.Expr:
    """The problem of a value holding an invisible format character: the first (see
    format_character, `joiners` as there) and, after it, why it is refused (`why`)."""
    told = raw.map_elements(partial(format_character, joiners=joiners), return_dtype=pl.String)
    return pl.lit(" holds an invisible format character (") + told + pl.lit(")" + why)


def _unknown_refs(
    frame: pl.DataFrame,
    column: str,
    known: object,
    what: str,
    retracted: Callable[[], dict[str, str]],
    hint: Callable[[str], str] | None = None,
    slug_of: Callable[[str], str] = lambda v: v.strip().lower(),
    gone_alias: Callable[[str], tuple[str, str, str] | None] | None = None,
) -> pl.DataFrame:
    """(ROW, message) for rows naming an unknown model/benchmark, with a suggestion, or
    one that was retracted (named as a slug is, in any case: `slug_of`), with the
    changeset, or a model by an alias that was (`gone_alias`: see Refs.retracted_alias)."""
    known_set = set(known)  # type: ignore[call-overload]
    bad = frame.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(list(known_set)))
    if bad.is_empty():
        return pl.DataFrame(schema={ROW: pl.Int64, "message": pl.String})
    gone = retracted()

    def told(v: str) -> str:
        changeset = gone.get(slug_of(v))
        if changeset:
            return f"{what} {quoted(v)} was retracted in changeset {changeset}; add it again first"
        alias = gone_alias(v) if gone_alias else None
        if alias:
            name, model, changeset = alias
            return (
                f"alias {name!r} was retracted in changeset {changeset} (it named {what} "
                f"{model}); name the {what} by its slug, or add the alias again first"
            )
        return f"unknown {what} {quoted(v)}{hint(v) if hint else suggest(v, known_set)}"

    hints = {
        v: told(v) for v in bad.get_column(column).unique(maintain_order=True).head(200).to_list()
    }
    return bad.select(
        pl.col(ROW),
        pl.col(column)
        .replace_strict(hints, default=None, return_dtype=pl.String)
        .fill_null(pl.lit(f"unknown {what} ") + quoted_cell(pl.col(column)))
        .alias("message"),
    )


def _unit_ranges(
    units: dict[str, tuple[float | None, float | None]], unit_col: str
) -> pl.DataFrame:
    """Each unit's range, to join on `unit_col`: __lo and __hi (null: unbounded)."""
    return pl.DataFrame(
        {
            unit_col: list(units),
            "__lo": [lo for lo, _ in units.values()],
            "__hi": [hi for _, hi in units.values()],
        },
        schema={unit_col: pl.String, "__lo": pl.Float64, "__hi": pl.Float64},
    )


def _range_errors(
    frame: pl.DataFrame, value_col: str, unit_col: str, units: dict, label: str
) -> pl.DataFrame:
    """(ROW, message) where a value lies outside its unit's range."""
    joined = frame.join(_unit_ranges(units, unit_col), on=unit_col, how="inner")
    value = pl.col(value_col)
    outside = value.is_not_null() & (
        (pl.col("__lo").is_not_null() & (value < pl.col("__lo")))
        | (pl.col("__hi").is_not_null() & (value > pl.col("__hi")))
    )
    bounds = (
        pl.col("__lo").cast(pl.String).fill_null("-inf")
        + pl.lit("-")
        + pl.col("__hi").cast(pl.String).fill_null("inf")
    )
    return joined.filter(outside).select(
        pl.col(ROW),
        (
            pl.lit(f"{label}: ")
            + value.cast(pl.String)
            + pl.lit(" is outside the range of unit ")
            + pl.col(unit_col)
            + pl.lit(" (")
            + bounds
            + pl.lit(")")
        ).alias("message"),
    )


def _organization_names_taken(typed: pl.DataFrame, refs: Refs) -> pl.DataFrame:
    """(ROW, message) for organization names another organization already has, or that
    two rows give, as names compare (case, accents and repeated spaces ignored): a model
    names its organization by name, so two would be one."""
    given = typed.select(ROW, "slug", "name").filter(pl.col("name").is_not_null())
    renamed = set(given["slug"])  # their stored names are being replaced
    others = {s: n for s, n in refs.organizations.items() if s not in renamed}
    stored = pl.DataFrame(
        {"__folded": [fold(n) for n in others.values()], "__other": list(others)},
        schema={"__folded": pl.String, "__other": pl.String},
    )
    rows = given.with_columns(folded(given.get_column("name")).alias("__folded"))
    taken = rows.join(stored, on="__folded").select(
        ROW,
        (
            pl.lit("name: ")
            + quoted_cell(pl.col("name"))
            + pl.lit(" is already the name of organization ")
            + pl.col("__other")
            + pl.lit(" (ignoring case, accents and repeated spaces)")
        ).alias("message"),
    )
    within = rows.filter(pl.col("slug").n_unique().over("__folded") > 1).select(
        ROW,
        (
            pl.lit("name: ")
            + quoted_cell(pl.col("name"))
            + pl.lit(
                " names two organizations in this input"
                " (ignoring case, accents and repeated spaces)"
            )
        ).alias("message"),
    )
    return pl.concat([taken, within]).unique(subset=ROW, keep="first", maintain_order=True)


def _retracted_names_shared(typed: pl.DataFrame, refs: Refs) -> pl.DataFrame:
    """(ROW, message) for models naming their organization by a name no current one has
    and several retracted ones last had: the write would restore one, and which is the
    user's to say."""
    current, ever = Organizations(refs.organizations), Organizations(refs.organizations_ever)
    restore = refs.store_command("import --kind organizations FILE")
    found = [
        (row, shared_name(name, several, restore))
        for row, name in typed.select(ROW, "organization").drop_nulls().iter_rows()
        if current.slug_of(name) is None and (several := ever.sharing_name(name))
    ]
    return pl.DataFrame(found, schema={ROW: typed.schema[ROW], "message": pl.String}, orient="row")


def _organization_slugs_taken(typed: pl.DataFrame, refs: Refs) -> pl.DataFrame:
    """(ROW, message) for models naming their organization by a name that is no
    organization's, yet makes the slug of one named otherwise ('a"b' makes a-b, the slug
    of 'a/b', current or retracted), or of another name this input gives: read by that
    slug (see Organizations), the model was that organization's (restored), unseen. The
    slug as typed (A-B), a name the organization had before a rename, and a name a
    current model already writes (stored before this rule) still name it."""
    current, ever = Organizations(refs.organizations), Organizations(refs.organizations_ever)
    had: dict[str, set[str]] = {}
    for slug, name in refs.organization_names_had:
        had.setdefault(slug, set()).add(fold(name))
    written = set(refs.models_by_organization)
    restore = refs.store_command("import --kind organizations FILE")
    new: dict[str, str] = {}  # slug -> the first new name this input gives it
    problems = []
    for row, name in typed.select(ROW, "organization").drop_nulls().iter_rows():
        slug, found, which = slugify(name), current.slug_of(name), "organization"
        if found is None and not ever.sharing_name(name):
            # A retracted one the write would restore (one of several is said elsewhere).
            found, which = ever.slug_of(name), "retracted organization"
        if found is None:
            if matched_form(name) == slug:
                # Its slug as typed (C-D beside c/d) names the new one whatever its name,
                # as it would a stored one: no second name.
                continue
            first = new.setdefault(slug, name)
            if fold(first) != fold(name):
                problems.append(
                    (
                        row,
                        f"organization: {quoted(name)} and {quoted(first)}, two names in this "
                        f"input, make one slug, {slug}: give one organization one name, or "
                        f"import the other with a slug of its own first (`{restore}`)",
                    )
                )
            continue
        # Found by a slug, not a name: another organization may be named so (a/b's).
        owner = ever.names[found] if found not in current.names else current.names[found]
        if names_found(name, found, owner, had.get(found, set()), written):
            continue
        problems.append(
            (
                row,
                f"organization: {quoted(name)} is no organization's name, but makes the slug "
                f"{found} of {which} {quoted(owner)}: write {quoted(owner)} for that one, "
                f"or import a new one with a slug of its own first (`{restore}`)",
            )
        )
    return pl.DataFrame(
        problems, schema={ROW: typed.schema[ROW], "message": pl.String}, orient="row"
    )


def _renames_leaving_models(typed: pl.DataFrame, refs: Refs) -> pl.DataFrame:
    """(ROW, message) for organizations renamed so that a current model naming one by
    its name now would name no organization, which `check` reports: their models'
    organization is edited first, as `retract` refuses an organization its models name."""
    given = typed.select(ROW, "slug", "name").filter(pl.col("name").is_not_null())
    stored = refs.organizations
    after = stored | dict(zip(given["slug"], given["name"], strict=True))
    names = {fold(n) for n in after.values() if n}
    found = []
    for row, slug, name in given.iter_rows():
        old = stored.get(slug)
        if old is None or fold(old) == fold(name):
            continue
        left = [
            model
            for model, organization in refs.organization_models(slug).items()
            if slugify(organization) not in after and fold(organization) not in names
        ]
        if left:
            found.append(
                (
                    row,
                    f"name: renaming organization {slug} from {old[:QUOTED_CHARS]!r} would leave "
                    f"{counted(len(left), 'model')} naming no organization "
                    f"({', '.join(at_most(left, 5))}); edit "
                    f"{'its' if len(left) == 1 else 'their'} organization first",
                )
            )
    return pl.DataFrame(found, schema={ROW: typed.schema[ROW], "message": pl.String}, orient="row")


def _names_moving_models(typed: pl.DataFrame, refs: Refs) -> pl.DataFrame:
    """(ROW, message) for organizations given a name that moves current models from one
    organization to another, unseen: a name is read before a slug (see Organizations),
    so one that models write for another organization (its slug, `google-deepmind`, or
    its name spaced otherwise) takes them, and one renamed away from how models write
    it leaves them to the organization whose slug that makes. Models may move between
    two organizations the input both renames or adds (two names swapped, an exported
    set restored): that is the input's say."""
    given = typed.select(ROW, "slug", "name").filter(pl.col("name").is_not_null())
    stored = refs.organizations
    written = dict(zip(given["slug"], given["name"], strict=True))
    changed = {slug for slug, name in written.items() if stored.get(slug) != name}
    before, after = Organizations(stored), Organizations(stored | written)
    moved: dict[tuple[str, str], list[str]] = {}  # (old slug, new slug) -> models
    for text, models in refs.models_by_organization.items():
        old, new = before.slug_of(text), after.slug_of(text)
        if old is not None and new is not None and old != new and not {old, new} <= changed:
            moved.setdefault((old, new), []).extend(models)
    found = []
    for row, slug, name in given.iter_rows():
        for (old, new), models in moved.items():
            if slug != (new if new in changed else old):
                continue
            its = "its" if len(models) == 1 else "their"
            found.append(
                (
                    row,
                    f"name: {name[:QUOTED_CHARS]!r} would move {counted(len(models), 'model')} "
                    f"({', '.join(at_most(sorted(models), 5))}) from organization {old} to "
                    f"{new}, which {its} organization would then name; edit {its} "
                    "organization first",
                )
            )
    return pl.DataFrame(found, schema={ROW: typed.schema[ROW], "message": pl.String}, orient="row")


def _slugs_taken_by_aliases(typed: pl.DataFrame, refs: Refs) -> pl.DataFrame:
    """(ROW, message) for new model slugs that already name another model as its alias:
    names resolve ignoring case, so the new model would take that model's name over.
    Each such alias is named: two of one model may differ only in case, and each
    blocks the slug."""
    aliases = pl.DataFrame(
        {
            "slug": [a.strip().lower() for a in refs.aliases],
            "__alias": list(refs.aliases),
            "__owner": list(refs.aliases.values()),
        },
        schema={"slug": pl.String, "__alias": pl.String, "__owner": pl.String},
    )
    several = pl.col("__alias").list.len() > 1
    return (
        typed.select(ROW, "slug")
        .filter(~pl.col("slug").is_in(list(refs.models)))
        .join(aliases, on="slug")
        .group_by(ROW, "slug", "__owner", maintain_order=True)
        .agg(quoted_cell(pl.col("__alias")).sort().alias("__alias"))
        .unique(subset=ROW, keep="first", maintain_order=True)
        .select(
            ROW,
            (
                pl.lit("slug: ")
                + quoted_cell(pl.col("slug"))
                + pl.lit(" already names model ")
                + pl.col("__owner")
                + pl.when(several).then(pl.lit(" (its aliases ")).otherwise(pl.lit(" (its alias "))
                + pl.col("__alias").map_elements(lambda a: listed(a.to_list()), pl.String)
                + pl.lit(", ignoring case); choose another slug, or retract the ")
                + pl.when(several).then(pl.lit("aliases")).otherwise(pl.lit("alias"))
                + pl.lit(" first")
            ).alias("message"),
        )
    )


def _alias_clashes(typed: pl.DataFrame, refs: Refs, moving: bool = True) -> pl.DataFrame:
    """(ROW, message) for aliases that would not name one model however written.

    Names resolve ignoring case and surrounding spaces, so an alias may not match
    another model's slug or alias that way, nor an alias given to another model in the
    same file. Re-pointing an alias spelled exactly as before is an edit, not a clash,
    and where the write moves it (`moving`: not one that adds only missing records,
    which keeps it where it is) a stored alias the input re-points is judged by where
    it will point, with the input's own (so a file may move two case variants of one
    name together).
    """
    folded = pl.col("alias").str.strip_chars().str.to_lowercase()
    given = set(typed.get_column("alias").drop_nulls()) if moving else set()
    kept = {alias: model for alias, model in refs.aliases.items() if alias not in given}
    taken = pl.DataFrame(
        {
            "__folded": [s.lower() for s in refs.models] + [a.strip().lower() for a in kept],
            "__name": [*refs.models, *kept],
            "__owner": [*refs.models, *kept.values()],
            "__slug": [True] * len(refs.models) + [False] * len(kept),
        },
        schema={
            "__folded": pl.String,
            "__name": pl.String,
            "__owner": pl.String,
            "__slug": pl.Boolean,
        },
    )
    rows = typed.select(ROW, "alias", "model", folded.alias("__folded"))
    ignoring = pl.lit(" (ignoring case and surrounding spaces)")
    existing = (
        rows.join(taken, on="__folded")
        .filter(
            (
                (pl.col("__owner") != pl.col("model"))
                & (pl.col("__slug") | (pl.col("__name") != pl.col("alias")))
            )
            # A slug as an alias, even of its own model, shadows it (check 09_aliases).
            | (pl.col("__slug") & (pl.col("__name") == pl.col("alias")))
        )
        .select(
            ROW,
            (
                pl.lit("alias ")
                + quoted_cell(pl.col("alias"))
                + pl.when(pl.col("__slug"))
                .then(pl.lit(" is the slug of model ") + pl.col("__name"))
                .otherwise(
                    pl.lit(" is taken by ")
                    + quoted_cell(pl.col("__name"))
                    + pl.lit(", an alias of ")
                    + pl.col("__owner")
                )
                + ignoring
            ).alias("message"),
        )
        # One clash per alias is enough: case variants of one name would repeat it.
        .sort(ROW, "message")
        .unique(subset=ROW, keep="first", maintain_order=True)
    )
    within = rows.filter(pl.col("model").n_unique().over("__folded") > 1).select(
        ROW,
        (
            pl.lit("alias ")
            + quoted_cell(pl.col("alias"))
            + pl.lit(" names two models in this file")
            + ignoring
        ).alias("message"),
    )
    return pl.concat([existing, within])


class _Found:
    """The errors of one input as its rules find them, and which fields of which rows
    broke a rule of their own (a malformed score, an unknown model). A later rule that
    reads one of those fields passes over those rows: its verdict on a value already
    refused would only repeat the refusal, or be wrong."""

    def __init__(self, typed: pl.DataFrame, field_errors: pl.DataFrame):
        self.typed = typed
        self.parts = [field_errors]  # each: ROW, message, FIELDS and maybe REF
        self._failed = field_errors.select(
            pl.col(ROW).cast(typed.schema[ROW]), pl.col(FIELDS).list.first().alias("__field")
        )

    def sound(self, fields: list[str]) -> pl.DataFrame:
        """The rows whose `fields` broke no rule of their own."""
        failed = self._failed.filter(pl.col("__field").is_in(fields))
        if failed.is_empty():
            return self.typed
        return self.typed.join(failed.select(ROW), on=ROW, how="anti")

    def check(
        self,
        fields: list[str],
        rule: Callable[[pl.DataFrame], pl.DataFrame],
        *,
        own: bool = False,
    ) -> None:
        """Run `rule` (rows -> ROW, message and maybe REF) on the rows whose `fields` it
        reads are sound. `own`: it is a rule of its one field (a model that must be
        known), whose failures later rules pass over too."""
        found = rule(self.sound(fields)).with_columns(
            pl.lit(fields, dtype=pl.List(pl.String)).alias(FIELDS)
        )
        self.parts.append(found)
        if own and not found.is_empty():
            failed = found.select(
                pl.col(ROW).cast(self.typed.schema[ROW]), pl.lit(fields[0]).alias("__field")
            )
            self._failed = pl.concat([self._failed, failed])


def _kind_errors(
    kind: Kind,
    found: _Found,
    refs: Refs,
    absent: pl.DataFrame | None,
    labels: dict[str, str],
    read_as: dict[str, str],
    *,
    named_as: pl.DataFrame,
    moving: bool = True,
) -> None:
    """Rules that need the database or span fields, each run on the rows whose fields
    it reads passed the rules before it. `labels`: how a command line named the fields
    (validate's `given`); `read_as`: how a file's columns name them (names_read_as);
    `moving`: whether the write moves a stored alias the rows re-point; `named_as`:
    (ROW, key fields) each row's key as written, before it resolved or normalised."""
    cols = set(found.typed.columns)
    # First the rules of one field: they may refuse a value that parsed.
    if kind.name in MODEL_REFS and "model" in cols:
        found.check(
            ["model"],
            lambda rows: _unknown_refs(
                rows,
                "model",
                refs.models,
                "model",
                lambda: refs.retracted(MODELS),
                refs.resolver.hint,
                # As a model's name resolves, in any Unicode form: a retracted model's
                # slug in full-width letters was an unknown model, where `show` said
                # retracted.
                matched_form,
                refs.retracted_alias,
            ),
            own=True,
        )
    if kind is RESULTS:
        found.check(
            ["benchmark"],
            lambda rows: _unknown_refs(
                rows, "benchmark", refs.benchmarks, "benchmark", lambda: refs.retracted(BENCHMARKS)
            ),
            own=True,
        )
    # An edit gives a required field only when it changes it (see Changeset.edit).
    if kind is BENCHMARKS and "unit" in cols:
        found.check(["unit"], lambda rows: _unknown_units(rows, refs), own=True)
    if kind is ALIASES and "model" in cols:
        found.check(["alias", "model"], lambda rows: _alias_clashes(rows, refs, moving))
    if kind is MODELS:
        found.check(["slug"], lambda rows: _slugs_taken_by_aliases(rows, refs))
    if kind is MODELS and "organization" in cols:
        found.check(["organization"], lambda rows: _retracted_names_shared(rows, refs))
        found.check(["organization"], lambda rows: _organization_slugs_taken(rows, refs))
    if kind is ORGANIZATIONS and "name" in cols:
        found.check(["slug", "name"], lambda rows: _organization_names_taken(rows, refs))
        found.check(["slug", "name"], lambda rows: _renames_leaving_models(rows, refs))
        found.check(["slug", "name"], lambda rows: _names_moving_models(rows, refs))
    if kind is RESULTS and "score" in cols:
        score = _bound_label("score", labels, read_as)
        found.check(["benchmark", "score"], lambda rows: _score_ranges(rows, refs, score))
    if kind is BENCHMARKS:
        for col in ("floor", "ceiling", "human_baseline"):
            if col in cols:
                label = _bound_label(col, labels, read_as)
                found.check(
                    [col, "unit"],
                    partial(
                        _range_errors, value_col=col, unit_col="unit", units=refs.units, label=label
                    ),
                )
    if kind.name in _MERGED and set(merged_fields(kind)) <= cols:
        # With every column given, no stored value can fill them: say so with the rest.
        # But a JSON record that leaves one out keeps its stored value, which its null
        # here is not: such rows are checked once merged with the stored records.
        left_out = [f for f in merged_fields(kind) if absent is not None and f in absent.columns]

        def given(rows: pl.DataFrame) -> pl.DataFrame:
            if absent is not None and left_out:
                leaving = absent.filter(pl.any_horizontal(left_out)).select(ROW)
                rows = rows.join(leaving, on=ROW, how="anti")
            return merged_errors(kind, rows, refs.units, labels, read_as)

        found.check(merged_fields(kind), given)
    keys = [k for k in kind.key_fields if k in cols]
    found.check(keys, lambda rows: _duplicate_errors(kind, rows, read_as, named_as))


def _unknown_units(typed: pl.DataFrame, refs: Refs, label: str = "unit") -> pl.DataFrame:
    """(ROW, message) for benchmarks in a unit the database does not define; `label`
    names the field in the message (see _field_rules)."""
    unit = pl.col("unit")
    return typed.filter(unit.is_not_null() & ~unit.is_in(list(refs.units))).select(
        ROW,
        (
            pl.lit(f"{label}: ")
            + quoted_cell(unit)
            + pl.lit(f" is not one of {', '.join(refs.units)}")
        ).alias("message"),
    )


def _score_ranges(typed: pl.DataFrame, refs: Refs, label: str = "score") -> pl.DataFrame:
    """(ROW, message) for results scoring outside their benchmark's unit; `label` names
    the score in the message."""
    units = pl.DataFrame(
        {"benchmark": list(refs.benchmarks), "__unit": list(refs.benchmarks.values())},
        schema={"benchmark": pl.String, "__unit": pl.String},
    )
    with_unit = typed.select(ROW, "benchmark", "score").join(units, on="benchmark")
    return _range_errors(with_unit, "score", "__unit", refs.units, label)


_MERGED = {
    PRICES.name: ["input_usd_per_mtok", "output_usd_per_mtok"],
    BENCHMARKS.name: ["unit", "higher_is_better", "floor", "ceiling"],
}


def merged_fields(kind: Kind) -> list[str]:
    """The fields merged_errors reads for this kind (none: it has no such rules)."""
    return _MERGED.get(kind.name, [])


# A benchmark's bounds and baseline lie within its unit, stored ones too: a write of
# its unit alone (edit --set unit=percent) must not leave a ceiling of 1000 outside it.
_IN_UNIT = {BENCHMARKS.name: ["floor", "ceiling", "human_baseline"]}


def staged_fields(kind: Kind) -> list[str]:
    """The fields staged_errors reads for this kind."""
    return list(dict.fromkeys([*merged_fields(kind), *_IN_UNIT.get(kind.name, [])]))


def staged_errors(
    kind: Kind,
    merged: pl.DataFrame,
    units: dict[str, tuple[float | None, float | None]],
    given: dict[str, str] | None = None,
    read_as: dict[str, str] | None = None,
    stored_units: dict[str, str] | None = None,
    *,
    whole: bool = True,
) -> pl.DataFrame:
    """(ROW, message) for records as a write will store them, merged with the stored
    ones: merged_errors (unless not `whole`: an edit of none of the fields they read),
    and a benchmark's bounds or baseline outside a unit it changes to (`stored_units`:
    slug -> unit now), which the rules on the fields a row gives cannot see when it
    gives the unit alone. Under its unit, a bound stored outside it (around trendlab)
    stops no write: `check` lists it."""
    parts = [pl.DataFrame(schema={ROW: pl.Int64, "message": pl.String})]
    if whole:
        parts.append(merged_errors(kind, merged, units, given, read_as).select(ROW, "message"))
    if kind.name in _IN_UNIT:
        now = pl.col("key").replace_strict(stored_units or {}, default=None)
        moved = merged.filter(pl.col("unit").ne_missing(now))
        for col in _IN_UNIT[kind.name]:
            label = _bound_label(col, given or {}, read_as or {})
            parts.append(_range_errors(moved.select(ROW, "unit", col), col, "unit", units, label))
    return (
        pl.concat([p.with_columns(pl.col(ROW).cast(pl.Int64)) for p in parts])
        .group_by(ROW, maintain_order=True)
        .agg(pl.col("message").str.join("; "))
        .sort(ROW)
    )


def merged_errors(
    kind: Kind,
    merged: pl.DataFrame,
    units: dict[str, tuple[float | None, float | None]],
    given: dict[str, str] | None = None,
    read_as: dict[str, str] | None = None,
) -> pl.DataFrame:
    """Rules on whole records, checked once absent columns take their stored values.
    `given`: how a command line named the fields (see validate); `read_as`: how a
    file's columns name them (names_read_as)."""
    if kind is PRICES:
        return _priceless(merged, read_as)
    if kind is BENCHMARKS:
        return _bounds_errors(merged, units, given or {})
    return pl.DataFrame(schema={ROW: pl.Int64, "message": pl.String})


def _priceless(rows: pl.DataFrame, labels: dict[str, str] | None = None) -> pl.DataFrame:
    """(ROW, message) for prices with neither an input nor an output price, a side that
    `rows` lacks counting as unknown; `labels` names the sides as a command line gave
    them (--input) or a file's columns (input (input_usd_per_mtok)), else they are
    named as fields."""
    sides = ("input_usd_per_mtok", "output_usd_per_mtok")
    unknown = [pl.col(s).is_null() if s in rows.columns else pl.lit(True) for s in sides]
    named = [(labels or {}).get(s, s) for s in sides]
    return rows.filter(pl.all_horizontal(unknown)).select(
        ROW, pl.lit(f"a price needs {named[0]} or {named[1]}").alias("message")
    )


def _said(field: str, labels: dict[str, str]) -> str:
    """`field` as the input names it: add-benchmark's option (--floor), else the field
    itself, as a file's column and edit's --set FIELD=VALUE name it."""
    label = labels.get(field, field)
    return field if label.startswith("--set ") else label


def _bound_label(field: str, labels: dict[str, str], read_as: dict[str, str]) -> str:
    """A bound, baseline or score as a range error names it: a file's column as read,
    else as _said words it (add-benchmark's --human-baseline, add-result's SCORE, the
    field for edit's --set)."""
    return read_as.get(field) or _said(field, labels)


def _said_false(field: str, labels: dict[str, str]) -> str:
    """How the input would say that a true-or-false `field` is false: the flag's
    negative (--no-higher-is-better), --set FIELD=false on a command line that names
    fields so (edit), or a file's column and value."""
    label = labels.get(field)
    if label is not None and not label.startswith("--set "):
        return "--no-" + label.removeprefix("--")
    if any(v.startswith("--set ") for v in labels.values()):
        return f"--set {field}=false"
    return f"{field} false"


def _bounds_errors(
    merged: pl.DataFrame,
    units: dict[str, tuple[float | None, float | None]],
    labels: dict[str, str],
) -> pl.DataFrame:
    """Floor (chance level, the worst score) and ceiling (the best achievable) must
    leave a range the right way round: floor below ceiling, or above it when lower is
    better. A bound not given is the unit's worst or best end (a percent error rate's
    floor 100, its ceiling 0), as the forecast takes it. Fields are named as `labels`
    says a command line named them (validate's `given`), else as a file's columns."""
    higher = pl.col("higher_is_better").fill_null(True)
    worst = pl.when(higher).then(pl.col("__lo")).otherwise(pl.col("__hi"))
    best = pl.when(higher).then(pl.col("__hi")).otherwise(pl.col("__lo"))
    floor, ceiling = pl.col("floor").fill_null(worst), pl.col("ceiling").fill_null(best)
    wrong = pl.when(higher).then(floor >= ceiling).otherwise(floor <= ceiling)
    floor_, ceiling_ = _said("floor", labels), _said("ceiling", labels)
    # An edit's --set giving both bounds the other way round, the stored direction
    # (higher is better) left as it was.
    untold = any(v.startswith("--set ") for v in labels.values()) and (
        {"floor", "ceiling"} <= labels.keys() and "higher_is_better" not in labels
    )
    rule = (
        pl.when(higher)
        .then(pl.lit(f"{floor_} must be below {ceiling_}"))
        .otherwise(
            pl.lit(
                f"{floor_} must be above {ceiling_} when lower is better: floor is chance "
                "level, the worst score, and ceiling the best achievable"
            )
        )
    )

    def unit_end(which: str, side: str, end: pl.Expr) -> pl.Expr:
        return (
            pl.lit(f" (with no {_said(which, labels)} given, the {side} end of unit ")
            + pl.col("unit")
            + pl.lit(": ")
            + end.cast(pl.String)
            + pl.lit(")")
        )

    # The forecast works in the fraction of the way from floor to ceiling: a range past
    # the largest double (floor -1e308, ceiling 1e308) makes every score the same.
    too_wide = (ceiling - floor).is_infinite()
    apart = pl.lit(
        f"{floor_} and {ceiling_} are too far apart: the range between them is past the "
        "largest number a forecast can compute with"
    )
    given = (
        pl.when(pl.col("floor").is_null())
        .then(unit_end("floor", "worst", worst))
        .when(pl.col("ceiling").is_null())
        .then(unit_end("ceiling", "best", best))
        # Both bounds given the other way round, and no direction: most likely a
        # lower-is-better metric (an error rate from 100 to 0) not said to be one. Equal
        # bounds are no range either way: saying lower is better would not help. So too
        # for `untold`.
        .when((pl.col("higher_is_better").is_null() | pl.lit(untold)) & higher & (floor != ceiling))
        .then(pl.lit(f"; if lower is better, say so: {_said_false('higher_is_better', labels)}"))
        .otherwise(pl.lit(""))
    )
    wrong = wrong.fill_null(False)
    return (
        merged.join(_unit_ranges(units, "unit"), on="unit", how="inner")
        .filter(wrong | too_wide.fill_null(False))
        .select(ROW, pl.when(wrong).then(rule + given).otherwise(apart).alias("message"))
    )


def _duplicate_errors(
    kind: Kind,
    typed: pl.DataFrame,
    read_as: dict[str, str],
    named_as: pl.DataFrame,
) -> pl.DataFrame:
    """Rows repeating an earlier row's key within the same input; `read_as`: how a
    file's columns name the key's fields (names_read_as); `named_as`: (ROW, key fields)
    as written, so that two names of one value (a model's slug and an alias, MMLU and
    mmlu, Azure and azure) are said to be one.

    REF names the earlier row; the caller words it as a line of the source.
    """
    keys = [k for k in kind.key_fields if k in typed.columns]
    # Only the rows of repeated keys (usually none) are grouped to find the first.
    # (A hash narrows them down cheaply; a collision only adds a candidate.)
    repeated = typed.select(ROW, *keys).filter(pl.struct(keys).hash().is_duplicated())
    twins = repeated.with_columns(pl.col(ROW).min().over(keys).alias(REF)).filter(
        pl.col(ROW) != pl.col(REF)
    )
    named = [pl.lit(read_as.get(k, k)) for k in keys]
    # Without it, 'same model' of gpt-4-0314 and gpt-4 reads as a wrong verdict.
    here = named_as.select(ROW, *(pl.col(k).alias(f"__here_{k}") for k in keys))
    there = named_as.select(
        pl.col(ROW).alias(REF), *(pl.col(k).alias(f"__there_{k}") for k in keys)
    )
    twins = twins.join(here, on=ROW, how="left").join(there, on=REF, how="left")
    for i, k in enumerate(keys):
        here_k, there_k = pl.col(f"__here_{k}"), pl.col(f"__there_{k}")
        told = pl.format("{} ({} and {} name {})", named[i], here_k, there_k, k)
        named[i] = pl.when(here_k.ne_missing(there_k)).then(told).otherwise(named[i])
    message = pl.lit("same ") + pl.concat_str(named, separator=", ") + pl.lit(" as")
    return twins.select(ROW, message.alias("message"), REF)


def names_read_as(names: dict[str, str] | None) -> dict[str, str]:
    """How messages name the fields an adapter read from a file's columns of other
    names (see validate's `names`): the column, and the field it was read as."""
    return {f: f"{c} ({f})" for f, c in (names or {}).items() if c != f}


def validate(
    kind: Kind,
    raw: pl.DataFrame,
    refs: Refs,
    absent: pl.DataFrame | None = None,
    given: dict[str, str] | None = None,
    names: dict[str, str] | None = None,
    merging: str | None = None,
    kept: frozenset[str] = frozenset(),
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Check text rows of `kind`.

    `raw` has a ROW column and one String column per field present; `absent` says which
    rows leave which fields out (see ingest.Loaded). Returns the typed frame (same
    columns) and a frame of errors (ROW, message, REF, FIELDS), one row per bad input
    row, every problem of that row joined with '; ': each bad field's, and those of
    the rules on several fields that read none of them (see _Found).

    `given` maps the fields a command line gave to how it named them (--unit, SCORE,
    --set unit), and those it could have given but left out (add-price's --input):
    a value of those that its field's own rules refuse, or a price left with neither
    side, raises a usage error naming it (see _refuse_given) instead.

    `names` maps the fields an adapter reads from a published file's columns to those
    columns (score: EM): a message about such a field names the column the user can
    find in the file, and the field it was read as (`EM (score)`).

    `merging`: the mode of the write that follows, if known; one that adds only the
    missing records ("missing") moves no stored alias, so one is judged where it is.

    `kept`: fields an edit writes as stored (its record's key), which their own rules
    do not judge: a value stored before a rule refused it stays editable; or fields a
    reader judged already (see adapters.Part.judged).
    """
    labels = given or {}
    read_as = names_read_as(names)
    fields = [kind.field(c) for c in raw.columns if c != ROW]
    # Blank cells (see text.BLANK_RE: a zero-width joiner alone too) are unknown and
    # values lose surrounding spaces. Columns with nothing to clean are kept as they
    # are, so a big clean file is not copied.
    blank_or_padded = raw.select(
        pl.col(f.name).str.contains(rf"^\s|\s$|{BLANK_RE}").any() for f in fields
    ).row(0)
    cleaned = raw.with_columns(
        pl.when(pl.col(f.name).str.contains(BLANK_RE))
        .then(None)
        .otherwise(pl.col(f.name).str.strip_chars())
        .alias(f.name)
        for f, dirty in zip(fields, blank_or_padded, strict=True)
        if dirty
    )
    named_as = cleaned.select(ROW, *(k for k in kind.key_fields if k in cleaned.columns))
    if kind.name in MODEL_REFS and "model" in cleaned.columns:
        # A model is named by slug or alias; what does not resolve is reported as an
        # unknown model with its nearest candidates, whatever its spelling.
        cleaned = cleaned.with_columns(refs.resolver.slug_or_name("model"))
        fields = [replace(f, type="text") if f.name == "model" else f for f in fields]
    if kind is RESULTS and "benchmark" in cleaned.columns:
        # Slugs have no capitals, and are matched in NFKC form as a model's are (see
        # text.matched_form): MMLU, or ＭＭＬＵ in full-width letters, can only name mmlu.
        cleaned = cleaned.with_columns(
            pl.col("benchmark").str.normalize("NFKC").str.strip_chars().str.to_lowercase()
        )
        # Nor is it judged as a slug: a name of none (GPQA Diamond, its display name)
        # is an unknown benchmark with the nearest slug, not "not a slug" and no hint.
        fields = [replace(f, type="text") if f.name == "benchmark" else f for f in fields]
    if kind is BENCHMARKS and "unit" in cleaned.columns:
        # Units have no capitals either (the units table's): Percent is percent, as a
        # source_kind of Paper is paper. One that is no unit is quoted as written.
        lowered = pl.col("unit").str.to_lowercase()
        cleaned = cleaned.with_columns(
            pl.when(lowered.is_in(list(refs.units))).then(lowered).otherwise(pl.col("unit"))
        )
    if kind is PRICES:
        cleaned = stored_providers(cleaned, refs)
    if kind is RESULTS:
        cleaned = stored_urls(stored_settings(cleaned, refs), refs)
    typed_exprs, rules = [pl.col(ROW)], {}
    for f in fields:
        stored = None
        one_line = _one_line_rules(f, pl.col(f.name))
        if one_line and cleaned.select(pl.any_horizontal(m for m, _ in one_line).any()).item():
            # Read only when a value breaks a rule, which is rare: what was stored before
            # trendlab refused it stays (see _field_rules).
            stored = refs.stored(kind, f.name)
        label = labels.get(f.name) or read_as.get(f.name)
        typed_expr, field_rules = _field_rules(f, pl.col(f.name), stored, label)
        typed_exprs.append(typed_expr)
        if field_rules and f.name not in kept:
            rules[f.name] = field_rules
    typed = cleaned.select(*typed_exprs)
    field_errors = _field_errors(cleaned, rules)
    if given:
        _refuse_given(kind, typed, field_errors, refs, given)
    found = _Found(typed, field_errors)
    _kind_errors(
        kind, found, refs, absent, labels, read_as, named_as=named_as, moving=merging != "missing"
    )
    return typed, joined_errors(found.parts)


def _refuse_given(
    kind: Kind, typed: pl.DataFrame, field_errors: pl.DataFrame, refs: Refs, given: dict[str, str]
) -> None:
    """A usage error (exit 2) for the values of `given` fields that their field's own
    rules refuse, or that name a unit the schema does not define, and a price whose
    both sides it says are unknown: such a value is the command line's mistake
    whatever the database holds, as one Click refuses is. The
    same value read from a file is a data error, and what a rule finds wrong by other
    fields or records (an unknown model, a score outside its benchmark's unit) is too.
    Like Click, it is said alone, before the rules that read what the value means."""
    messages = (
        field_errors.filter(pl.col(FIELDS).list.first().is_in(list(given)))
        .get_column("message")
        .to_list()
    )
    if kind is BENCHMARKS and "unit" in given:
        messages += _unknown_units(typed, refs, given["unit"]).get_column("message").to_list()
    if not messages and kind is PRICES and set(merged_fields(kind)) <= set(given):
        # The command line says both sides (add-price, or edit setting both), so
        # no stored value can give the price one.
        messages += _priceless(typed, given).get_column("message").to_list()
    if messages:
        raise TrendlabError("; ".join(messages), exit_code=ExitCode.USAGE)


def refuse_given_value(kind: Kind, name: str, value: str, label: str) -> None:
    """A usage error (exit 2) if `value`, given on the command line as `label` for
    field `name` of every record a command writes (import --from metr's
    --source-url), breaks that field's own rules: said once, before any file is
    read, rather than as a data error on every row. Blank is not given."""
    if blank(value):
        return
    text = value.strip()
    cleaned = pl.DataFrame({name: [text]}, schema={name: pl.String}).with_row_index(ROW)
    _, rules = _field_rules(kind.field(name), pl.col(name), label=label)
    messages = _field_errors(cleaned, {name: rules}).get_column("message").to_list()
    if messages:
        raise TrendlabError("; ".join(messages), exit_code=ExitCode.USAGE)


def field_problem(kind: Kind, name: str, raw: pl.Expr, label: str | None) -> pl.Expr:
    """Why `raw`, the text of field `name` of `kind`, breaks that field's own rules
    (the first it breaks, the field named `label`, else by its name), else null: for a
    reader that builds a record from several rows, so that the error names the row the
    value came from, not the row the record is validated at."""
    _, rules = _field_rules(kind.field(name), raw, label=label)
    return pl.coalesce(pl.when(mask).then(message) for mask, message in rules)


def _field_errors(
    cleaned: pl.DataFrame, rules: dict[str, list[tuple[pl.Expr, pl.Expr]]]
) -> pl.DataFrame:
    """(ROW, message, FIELDS) for each field of each row that breaks its field's rules
    (see _field_rules): every such field of a row, in column order."""
    if not rules:
        return pl.DataFrame(
            schema={ROW: pl.UInt32, "message": pl.String, FIELDS: pl.List(pl.String)}
        )
    # Messages only for the rows that break a rule (usually none).
    broken = cleaned.filter(pl.any_horizontal(mask for each in rules.values() for mask, _ in each))
    return (
        broken.select(
            ROW,
            *(
                pl.concat_str(
                    [pl.when(mask).then(message) for mask, message in each],
                    separator="; ",
                    ignore_nulls=True,
                ).alias(name)
                for name, each in rules.items()
            ),
        )
        # Column by column, so each row's messages stay in column order once grouped.
        .unpivot(index=ROW, variable_name="__field", value_name="message")
        .filter(pl.col("message") != "")
        .select(ROW, "message", pl.concat_list("__field").alias(FIELDS))
    )


def joined_errors(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """Errors (ROW, message, FIELDS and maybe REF) as one row per bad input row, its
    messages joined with '; ', in input order."""
    return (
        pl.concat(
            [
                p.select(
                    ROW,
                    "message",
                    pl.col(REF) if REF in p.columns else pl.lit(None, dtype=pl.Int64).alias(REF),
                    FIELDS,
                )
                for p in parts
            ],
            how="vertical_relaxed",
        )
        .group_by(ROW, maintain_order=True)
        .agg(
            pl.col("message").str.join("; "),
            pl.col(REF).drop_nulls().first(),
            pl.col(FIELDS)
            .list.explode(keep_nulls=False, empty_as_null=False)
            .unique(maintain_order=True),
        )
        .sort(ROW)
    )


def stored_errors(kind: Kind, records: pl.DataFrame) -> pl.DataFrame:
    """(kind, key, problem) for each value of these current records that no write
    through trendlab stores, so one written around it (in SQL, by another tool):
    `records` is the kind's current-state view, its key column and every field.

    Each field goes through the write path's own rules, as its text: its type (a finite
    number, a real date, true or false), a number above 0 (a count whole), a date in
    1900-2100 and not after today, a slug's or a URL's form (and a URL's characters),
    one of a choice's values as written. Text is never empty or padded with spaces
    (every write trims it, and stores unknown as NULL), a number is never -0 (stored as
    0), and a price has an input or an output price. What
    another audit reports is left to it: whether the model or benchmark a record names
    exists (01-03, 09; its form as a slug is said here), a name that is not one line
    (09, 14, 15), a score, bound or human baseline outside its unit (04, 05).
    """
    key = kind.key_column
    named = {"model"} if kind.name in MODEL_REFS else set()
    if kind is RESULTS:
        named.add("benchmark")
    # A name's form as a slug is told here, as a model's own slug is: 01 said only
    # "unknown model gpt-4" of a result naming 'gpt-4 ', a model that exists. A NULL
    # one is the schema audit's (its NOT NULL dropped), as 01-03 leave it.
    fields = [
        replace(
            f,
            one_line=False,
            key_text=False,
            lookup_name=False,
            required=f.required and f.name not in named,
        )
        for f in kind.fields
    ]
    raw = records.select(
        pl.col(key).alias("key"), *(pl.col(f.name).cast(pl.String) for f in fields)
    )
    rules: list[tuple[pl.Expr, pl.Expr]] = []
    for f in fields:
        value = pl.col(f.name)
        told = pl.lit(f"{f.name}: ") + quoted_cell(value)
        if f.type == "choice":
            # The write path lowercases a choice: Paper is stored as paper.
            rules.append(
                (
                    value.is_not_null() & ~value.is_in(f.choices),
                    told + pl.lit(f" is not one of {', '.join(f.choices)}"),
                )
            )
        else:
            rules.extend(_field_rules(f, value)[1])
        if f.type == "float" and not f.positive:  # a positive one's -0 is not above 0
            # Every write stores -0 as 0: SQL's aggregates and most clients show 0 where
            # a table showed -0.
            rules.append(
                (
                    value.str.starts_with("-") & (value.cast(pl.Float64, strict=False) == 0),
                    told + pl.lit(" is -0, which every write stores as 0"),
                )
            )
        if f.type == "text":  # a slug, URL or choice with spaces breaks its own rule
            rules.append(
                (
                    value.is_not_null() & ((value == "") | (value.str.strip_chars() != value)),
                    told + pl.lit(" is empty or padded with spaces (unknown is NULL)"),
                )
            )
    broken = raw.filter(pl.any_horizontal(mask for mask, _ in rules))  # usually none
    found = [
        broken.filter(mask).select(pl.lit(kind.name).alias("kind"), "key", message.alias("problem"))
        for mask, message in rules
    ]
    if kind is PRICES:  # a benchmark's bounds are 05_benchmark_bounds's
        indexed = records.with_row_index(ROW)
        found.append(
            merged_errors(kind, indexed, units={})
            .join(indexed.select(ROW, pl.col(key).alias("key")), on=ROW)
            .select(pl.lit(kind.name).alias("kind"), "key", pl.col("message").alias("problem"))
        )
    return pl.concat(found).sort("key", maintain_order=True)
