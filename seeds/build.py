"""Build seeds/*.csv (trendlab's import format) from the raw public data.

Run from the repository root:  python seeds/build.py [--data ../shared/data]

Epoch AI's files are read with trendlab.adapters.epoch, the adapter behind
`trendlab import --from epoch`, and model names resolve with trendlab.aliases, as
every import does: one code path. Writes benchmarks, models, aliases, results and
prices CSVs, UNMATCHED.md (every row left out, with the reason), REPORT.md
(counts, results per benchmark) and, derived from the CSVs, forecast_cache.jsonl
(seeds/build_cache.py). Values copied from a source that the source got wrong are
corrected by seeds/corrections.csv, each correction with its own source. The rules are
in seeds/README.md.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

# A script's own folder (seeds/) is on sys.path: build_cache.py is a sibling.
from build_cache import named_path, stop  # noqa: E402
from build_cache import write as write_forecast_cache  # noqa: E402

from trendlab.adapters import Publication, epoch  # noqa: E402
from trendlab.adapters.common import (  # noqa: E402
    join_parts,
    own_field_error,
    read_csv,
    require_columns,
    text,
)
from trendlab.adapters.llm_prices import SOURCE_URL as LLM_PRICES_URL  # noqa: E402
from trendlab.adapters.llm_prices import VENDORS  # noqa: E402
from trendlab.adapters.merge import UNDATED, undated  # noqa: E402
from trendlab.aliases import Resolver  # noqa: E402
from trendlab.errors import TrendlabError  # noqa: E402
from trendlab.ingest import Loaded, read_records  # noqa: E402
from trendlab.kinds import KINDS  # noqa: E402
from trendlab.seeds import FORECAST_CACHE  # noqa: E402
from trendlab.validate import ROW  # noqa: E402

NOTABLE_URL = "https://epoch.ai/data/notable-ai-models"
CORRECTIONS = "corrections.csv"
FACT_RESULTS = "facts/results.csv"  # where a fact's result is, as its place names it
CORRECTION_COLUMNS = ["slug", "field", "was", "value", "source_url", "reason"]
SEEDS = ["benchmarks", "models", "aliases", "results", "prices"]
# Every file the build writes into seeds/.
OUTPUTS = [*(f"{name}.csv" for name in SEEDS), "REPORT.md", "UNMATCHED.md", FORECAST_CACHE]


# A seed row's place in the raw data (`file:line`), to name it where init refuses it.
PLACE = "__place"

# Why a price dated before its model's release, that priced_by_id moves to no other
# model, is left out.
BEFORE_RELEASE = (
    "dated before the model's release, by an API id of no model out by then: another "
    "model's price, such as a preview's"
)

FIRST_LISTED = "effective_date is the day simonw/llm-prices first listed it"
STATED = "effective_date is when the facts price"


# The columns the build reads from each file it reads itself (the adapter checks its own).
FACT_COLUMNS = {
    "benchmarks": [
        "slug",
        "name",
        "metric",
        "unit",
        "higher_is_better",
        "floor",
        "ceiling",
        "human_baseline",
        "url",
        "note",
    ],
    "models": [
        "slug",
        "name",
        "organization",
        "release_date",
        "parameters",
        "training_compute_flop",
        "training_tokens",
        "open_weights",
        "source_url",
        "note",
    ],
    "results": ["benchmark", "model", "score", "reported_date", "setting", "source_url", "note"],
    "prices": [
        "model",
        "provider",
        "api_model_id",
        "effective_date",
        "input_usd_per_mtok",
        "output_usd_per_mtok",
        "source_url",
        "note",
    ],
}
NOTABLE_COLUMNS = ["model", "organization", "parameters", "training_compute_flop"]
# A model's field Notable AI Models fills where it is empty, and its column once read.
NOTABLE_FILLS = {
    "parameters": "n_params",
    "training_compute_flop": "n_flop",
    "organization": "n_org",
}
VERSION_COLUMNS = ["id", "Model"]
LLM_PRICES_COLUMNS = [
    "vendor",
    "model_id",
    "model_name",
    "input_usd_per_mtok",
    "output_usd_per_mtok",
    "input_cached_usd_per_mtok",
    "from_date",
    "to_date",
    "first_listed_date",
]


def read_source(path: Path, columns: list[str], what: str) -> pl.DataFrame:
    """A CSV file the build reads as text rows, numbered by ROW from 0, by the importer's
    reader: a file that is empty, not UTF-8, ragged or without a column the build reads
    stops the build in one line naming it (Polars' reader raised a traceback)."""
    return read_loaded(path, columns, what).frame


def read_loaded(path: Path, columns: list[str], what: str) -> Loaded:
    """read_source's file with the line each row is on."""
    loaded = read_csv(path)
    require_columns(loaded, columns, what)
    return loaded


def require_sources(loaded: Loaded, column: str) -> None:
    """Stop at the first row of a hand-written file (the facts, the curated aliases) with
    no source: every seed row has one, and theirs is in the file (an adapter's rows cite
    their publication)."""
    unsourced = loaded.frame.filter(text(column).is_null())
    if not unsourced.is_empty():
        line = loaded.line_of(unsourced.item(0, ROW))
        raise TrendlabError(
            f"{loaded.source}:{line}: no {column}: every seed row must cite its source "
            f"({unsourced.height} row(s) of the file have none)"
        )


def text_frame(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(pl.all().cast(pl.String))


def with_note(note: pl.Expr) -> pl.Expr:
    """The notes with `note` after them."""
    return join_parts(pl.col("notes"), note)


def facts(data: Path) -> dict[str, pl.DataFrame]:
    """The hand-collected facts, every row with its source URL."""
    folder = data / "facts"

    def read(name: str) -> pl.DataFrame:
        columns = FACT_COLUMNS[name.removesuffix(".csv")]
        loaded = read_loaded(folder / name, columns, f"the facts' {name}")
        # A benchmark's page is its source (its facts state floor, ceiling, baseline).
        require_sources(loaded, "url" if name == "benchmarks.csv" else "source_url")
        return (
            loaded.frame.with_columns(_place(loaded, f"facts/{name}"))
            .drop(ROW)
            .rename({"note": "notes"})
        )

    def read_results() -> pl.DataFrame:
        """The facts' results with where each is, as the adapters' results carry it."""
        name = "results.csv"
        loaded = read_loaded(folder / name, FACT_COLUMNS["results"], f"the facts' {name}")
        require_sources(loaded, "source_url")
        return (
            loaded.frame.with_columns(
                pl.col(ROW).map_elements(loaded.line_of, return_dtype=pl.String).alias("__line"),
                pl.lit(FACT_RESULTS).alias("__source"),
            )
            .drop(ROW)
            .rename({"note": "notes"})
        )

    benchmarks = read("benchmarks.csv").with_columns(source_url=pl.col("url"))
    results = read_results().with_columns(
        source_kind=pl.when(pl.col("source_url").str.contains(r"arxiv\.org|papers\.nips\.cc"))
        .then(pl.lit("paper"))
        .otherwise(None)
    )
    return {
        "benchmarks": benchmarks,
        "models": read("models.csv"),
        "results": results,
        "prices": read("prices.csv"),
    }


def parts(publication: Publication, kind: str) -> list[pl.DataFrame]:
    return [p.frame for p in publication.parts if p.kind.name == kind]


class Build:
    """The seeds as they are assembled, and every row left out with its reason."""

    def __init__(self, data: Path):
        self.data = data
        self.unmatched: list[dict[str, str]] = []
        self.notes: list[str] = []

    def leave_out(self, kind: str, source: str, line: str, name: str | None, why: str) -> None:
        self.unmatched.append(
            {"kind": kind, "source": source, "line": line, "name": name or "", "reason": why}
        )

    # -- models ------------------------------------------------------------------------

    def models(
        self,
        fact: pl.DataFrame,
        catalog: Publication,
        hub: Publication,
        curated: pl.DataFrame,
        corrections: pl.DataFrame,
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Facts models, then every catalog model version (those a curated alias names
        are the facts model), then models only the Hub describes; the corrections
        applied last."""
        redirected = set(curated.get_column("alias").to_list())
        cat = pl.concat(parts(catalog, "models"))
        cat = cat.filter(~pl.col("__name").is_in(list(redirected)))
        cat = cat.filter(~pl.col("slug").is_in(fact.get_column("slug").implode()))
        hub_models = pl.concat(parts(hub, "models"))
        hub_models = hub_models.filter(~pl.col("__name").is_in(list(redirected)))
        only_hub = hub_models.filter(
            ~pl.col("slug").is_in(pl.concat([fact["slug"], cat["slug"]]).implode())
        )
        models = pl.concat(
            [text_frame(fact), text_frame(cat.drop(ROW)), text_frame(only_hub.drop(ROW))],
            how="diagonal",
        )
        # The Hub states a release date, organization and training compute for each
        # model version it covers: they fill what the catalog leaves empty.
        by_hub = hub_models.select(
            "slug",
            pl.col("release_date").alias("hub_date"),
            pl.col("organization").alias("hub_org"),
            pl.col("training_compute_flop").alias("hub_flop"),
        )
        models = models.join(by_hub, on="slug", how="left").with_columns(
            pl.coalesce("release_date", "hub_date").alias("release_date"),
            pl.coalesce("organization", "hub_org").alias("organization"),
            pl.coalesce("training_compute_flop", "hub_flop").alias("training_compute_flop"),
        )
        models = self.notable(models, catalog, fact["slug"]).drop("hub_date", "hub_org", "hub_flop")
        models = self.correct(models, corrections)
        aliases = pl.concat(
            [
                text_frame(pl.concat(parts(catalog, "aliases") + parts(hub, "aliases")).drop(ROW)),
                curated,
            ],
            how="diagonal",
        ).unique("alias", keep="last", maintain_order=True)
        aliases = aliases.filter(pl.col("model").is_in(models["slug"].implode()))
        return models.drop("__name"), aliases

    def notable(
        self, models: pl.DataFrame, catalog: Publication, fact_slugs: pl.Series
    ) -> pl.DataFrame:
        """Parameters, training compute and organization from Epoch AI's Notable AI
        Models, matched without guessing: the notable model's name equals a facts
        model's name, or equals the catalog's model family name (`Model`) of exactly
        one model version. Only empty fields are filled."""
        loaded = read_loaded(
            self.data / "epoch-notable-models" / "models_epoch_notable.csv",
            NOTABLE_COLUMNS,
            "Epoch AI's Notable AI Models",
        )
        notable = loaded.frame.select(
            pl.col(ROW).alias("n_row"),
            pl.col("model").str.strip_chars().alias("family"),
            pl.col("organization").alias("n_org"),
            pl.col("parameters").alias("n_params"),
            pl.col("training_compute_flop").alias("n_flop"),
        )
        versions = read_source(
            self.data / "epoch-benchmark-stitching" / "model_versions.csv",
            VERSION_COLUMNS,
            "Epoch AI's model catalog",
        ).select(
            pl.col("id").str.replace_all(r"\s+", " ").str.strip_chars().alias("__name"),
            pl.col("Model").str.strip_chars().alias("family"),
        )
        cat = pl.concat(parts(catalog, "models")).select("slug", "__name")
        family = (
            cat.join(versions, on="__name", how="inner")
            .filter(pl.col("family").is_not_null())
            .filter(pl.col("family").count().over("family") == 1)
            .select("slug", "family")
        )
        # Only a facts model is matched by its name: a catalog or Hub version's display
        # name is often its family's (Qwen2.5-72B names the base and the instruct
        # model), so its figures could belong to another version.
        by_name = pl.when(pl.col("slug").is_in(fact_slugs.implode())).then(pl.col("name"))
        keyed = models.join(family, on="slug", how="left").with_columns(
            pl.coalesce("family", by_name).alias("family")
        )
        matched = keyed.join(notable, on="family", how="left")
        _refuse_bad_fills(matched, loaded)
        used = (
            (pl.col("parameters").is_null() & pl.col("n_params").is_not_null())
            | (pl.col("training_compute_flop").is_null() & pl.col("n_flop").is_not_null())
            | (pl.col("organization").is_null() & pl.col("n_org").is_not_null())
        )
        note = pl.lit(f"facts from Epoch AI's Notable AI Models ({NOTABLE_URL}, CC BY 4.0)")
        matched = matched.with_columns(used.alias("__used"))
        filled = matched.with_columns(
            pl.coalesce("parameters", "n_params").alias("parameters"),
            pl.coalesce("training_compute_flop", "n_flop").alias("training_compute_flop"),
            pl.coalesce("organization", "n_org").alias("organization"),
            pl.when(pl.col("__used"))
            .then(with_note(note))
            .otherwise(pl.col("notes"))
            .alias("notes"),
        )
        self.notes.append(
            f"{int(filled['__used'].sum())} models took parameters, training "
            "compute or organization from Epoch AI's Notable AI Models"
        )
        return filled.drop("family", "n_row", "n_org", "n_params", "n_flop", "__used")

    def correct(self, models: pl.DataFrame, corrections: pl.DataFrame) -> pl.DataFrame:
        """Apply seeds/corrections.csv: each row replaces a value a source gave a model
        (`was`, as the built row holds it) by `value`, citing its own source, and says
        so in the model's notes. A correction naming no model or no field, or whose
        `was` is no longer the row's value (the source fixed or changed it), stops the
        build: it would be stale, never silently applied or skipped."""
        if corrections.columns != CORRECTION_COLUMNS:
            raise SystemExit(
                f"seeds/{CORRECTIONS}: columns {corrections.columns}, expected {CORRECTION_COLUMNS}"
            )
        fields = [c for c in models.columns if not c.startswith("__")]
        fields = [c for c in fields if c not in ("slug", "notes")]
        slugs = models.get_column("slug").to_list()
        problems = []
        seen = set()
        for line, fix in enumerate(corrections.iter_rows(named=True), start=2):
            where = f"seeds/{CORRECTIONS}:{line}"
            empty = [c for c in CORRECTION_COLUMNS if not (fix[c] or "").strip()]
            if empty:
                problems.append(f"{where}: empty {', '.join(empty)}")
            elif fix["slug"] not in slugs:
                problems.append(f"{where}: no model {fix['slug']!r}")
            elif fix["field"] not in fields:
                problems.append(f"{where}: no model field {fix['field']!r} ({', '.join(fields)})")
            elif (fix["slug"], fix["field"]) in seen:
                problems.append(f"{where}: {fix['slug']}'s {fix['field']} is corrected twice")
            else:
                seen.add((fix["slug"], fix["field"]))
                row = models.filter(pl.col("slug") == fix["slug"])
                current = row.get_column(fix["field"]).cast(pl.String).item()
                if not _same_value(current, fix["was"]):
                    problems.append(
                        f"{where}: stale: {fix['slug']}'s {fix['field']} is {current!r}, not "
                        f"{fix['was']!r} as the correction expects; check the source, then "
                        "update or remove the correction"
                    )
        if problems:
            raise SystemExit(
                f"seeds/{CORRECTIONS}: {len(problems)} correction(s) cannot be applied:\n"
                + "\n".join(problems)
            )
        for fix in corrections.iter_rows(named=True):
            slug, field = fix["slug"], fix["field"]
            note = (
                f"{field} corrected from {fix['was']} to {fix['value']} "
                f"({fix['source_url']}): {fix['reason']}"
            )
            this = pl.col("slug") == slug
            models = models.with_columns(
                pl.when(this).then(pl.lit(fix["value"])).otherwise(pl.col(field)).alias(field),
                pl.when(this)
                .then(with_note(pl.lit(note)))
                .otherwise(pl.col("notes"))
                .alias("notes"),
            )
            self.notes.append(
                f"{slug}'s {field} corrected from {fix['was']} to {fix['value']} by "
                f"seeds/{CORRECTIONS} ({fix['source_url']})"
            )
        return models

    # -- results -----------------------------------------------------------------------

    def results(
        self,
        fact: pl.DataFrame,
        publications: list[Publication],
        models: pl.DataFrame,
        resolver: Resolver,
    ) -> pl.DataFrame:
        """Facts results, then Epoch's, model names resolved; one copy of each record.

        `publications` have been through epoch.one_copy_per_record, as an import of
        the same files would be: a record in both the stitching files and the Hub
        extract is kept once, from the Hub.
        """
        same_record = 0
        for publication in publications:
            for skip in publication.skipped:
                if skip.reason.startswith(epoch.SAME_RECORD):
                    same_record += 1
                    continue
                self.leave_out("results", _short(skip.source), skip.line, skip.name, skip.reason)
        self.notes.append(
            f"{same_record} results appear in both the stitching files and the Hub "
            "extract; the Hub's copy is kept"
        )
        frames = [text_frame(fact)]
        for publication in publications:
            for part in publication.parts:
                if part.kind.name != "results":
                    continue
                frame = part.frame.with_columns(
                    pl.col(ROW).map_elements(part.line_of, return_dtype=pl.String).alias("__line"),
                    pl.lit(_short(part.source)).alias("__source"),
                )
                frames.append(frame.drop(ROW))
        combined = pl.concat(frames, how="diagonal")
        combined = combined.with_columns(pl.int_range(pl.len()).alias("__order"))
        combined = combined.with_columns(resolver.expr("model").alias("__slug"))
        # A fact names its model by hand: one naming none is a slip, for init to refuse at
        # its line as it refuses a fact's price, not a source's row to leave out.
        unresolved = pl.col("__slug").is_null() & (pl.col("__source") != FACT_RESULTS)
        # The rule every import applies (trendlab.adapters.merge.undated). A fact naming
        # no model is no model's undated result: init refuses it at its line.
        dated = models.filter(pl.col("release_date").is_not_null()).get_column("slug").to_list()
        resolved = combined.with_columns(pl.coalesce("__slug", "model").alias("model"))
        no_date = undated(resolved, dated) & pl.col("__slug").is_not_null()
        _refuse_bad_left_out(resolved.filter(unresolved | no_date))
        for row in combined.filter(unresolved).iter_rows(named=True):
            self.leave_out(
                "results",
                row["__source"],
                row["__line"],
                row["model"],
                f"no model or alias named {row['model']!r}",
            )
        combined = resolved.filter(~unresolved)
        for row in combined.filter(no_date).iter_rows(named=True):
            self.leave_out(
                "results",
                row["__source"] or FACT_RESULTS,
                row["__line"] or "",
                row["model"],
                UNDATED,
            )
        combined = combined.filter(~no_date)
        _refuse_shared_keys(combined)
        combined = combined.with_columns(pl.format("{}:{}", "__source", "__line").alias(PLACE))
        return combined.drop([c for c in combined.columns if c.startswith("__") and c != PLACE])

    # -- prices ------------------------------------------------------------------------

    def prices(self, fact: pl.DataFrame, resolver: Resolver, models: pl.DataFrame) -> pl.DataFrame:
        """The facts' prices, then simonw/llm-prices' history (rebuilt CSV)."""
        path = self.data / "llm-prices" / "api_prices_llm_prices.csv"
        loaded = read_loaded(path, LLM_PRICES_COLUMNS, "simonw/llm-prices' price history")
        raw = loaded.frame.with_columns(_place(loaded, "llm-prices/api_prices_llm_prices.csv"))
        # llm-prices rarely states when a price took effect; the first day the tracker
        # listed it is a day it certainly held, so it dates the price (see README).
        rows = raw.select(
            ROW,
            PLACE,
            pl.col("model_id").alias("model"),
            pl.col("vendor")
            .replace_strict(VENDORS, default=pl.col("vendor"), return_dtype=pl.String)
            .alias("provider"),
            pl.coalesce("from_date", "first_listed_date").alias("effective_date"),
            pl.col("input_usd_per_mtok"),
            pl.col("output_usd_per_mtok"),
            pl.col("model_id").alias("api_model_id"),
            pl.lit(LLM_PRICES_URL).alias("source_url"),
            pl.concat_str(
                [
                    pl.when(pl.col("from_date").is_null()).then(pl.lit(FIRST_LISTED)),
                    pl.lit("listed as ") + pl.col("model_name"),
                    pl.lit("cached input $")
                    + pl.col("input_cached_usd_per_mtok")
                    + pl.lit("/Mtok"),
                    pl.lit("until ") + pl.col("to_date"),
                ],
                separator="; ",
                ignore_nulls=True,
            ).alias("notes"),
        ).with_columns(resolver.expr("model").alias("__slug"))
        unmatched = rows.filter(pl.col("__slug").is_null())
        # Left out, they meet no validation: a damaged cell in one (a price of -0.06)
        # passed in silence, as one in a kept row does not.
        error = own_field_error(
            KINDS["prices"], unmatched, "llm-prices/api_prices_llm_prices.csv", loaded.line_of
        )
        if error is not None:
            raise error
        for row in unmatched.iter_rows(named=True):
            self.leave_out(
                "prices",
                "llm-prices/api_prices_llm_prices.csv",
                str(row[ROW] + 2),
                row["model"],
                f"no model or alias named {row['model']!r}",
            )
        matched = self.dated_by_facts(
            rows.filter(pl.col("__slug").is_not_null()).with_columns(
                pl.col("__slug").alias("model")
            ),
            fact,
        )
        combined = pl.concat([text_frame(fact), text_frame(matched.drop("__slug"))], how="diagonal")
        combined = self.priced_by_id(combined, fact, resolver, models)
        key = ["model", "provider", "effective_date"]
        first = (
            pl.col(ROW).is_null()
            | ~pl.struct(key).is_duplicated()
            | (pl.int_range(pl.len()) == pl.int_range(pl.len()).min().over(key))
        )
        for row in combined.filter(~first).iter_rows(named=True):
            redated = row["notes"].startswith(STATED)
            self.leave_out(
                "prices",
                "llm-prices/api_prices_llm_prices.csv",
                str(int(row[ROW]) + 2),
                row["model"],
                "the facts price this model so at this provider from an earlier date"
                if redated
                else "an earlier row already prices this model at this provider on this date",
            )
        return combined.filter(first).drop(ROW)

    def priced_by_id(
        self, prices: pl.DataFrame, fact: pl.DataFrame, resolver: Resolver, models: pl.DataFrame
    ) -> pl.DataFrame:
        """`prices` with each price dated before its model's release that its API id
        gave another model, released by then, moved to that model, saying so; one whose
        id named no model out by then is left out, as no model's price.

        The id answered with the model it named that day: the facts' model priced by
        that id, else the model the id itself names. The facts price GPT-3.5 (ChatGPT's
        model, 2022-11-30) from 2022-11-28 by text-davinci-003, a model version of its
        own released that day; the tracker's deepseek-reasoner is the model the Hub
        dates 2025-12-01, but the facts price that id as DeepSeek-R1's from 2025-01-20,
        the day the tracker's price is dated from. The tracker's gemini-2.5-flash from
        2025-04-17, two months before that model's release, is a preview's price ($0.15
        / $0.60, where the model shipped at $0.30 / $2.50) under the id it later
        shipped by: which preview the tracker does not say."""
        released = dict(zip(models["slug"], models["release_date"], strict=True))

        def release(column: str) -> pl.Expr:
            return pl.col(column).replace_strict(released, default=None, return_dtype=pl.String)

        by_fact = (
            fact.sort("effective_date")
            .unique(["provider", "api_model_id"], keep="first", maintain_order=True)
            .select("provider", "api_model_id", pl.col("model").alias("__by_fact"))
        )
        date = pl.col("effective_date")
        early = release("model") > date

        def named(column: str) -> pl.Expr:
            return early & (pl.col(column) != pl.col("model")) & (release(column) <= date)

        moved = (
            prices.join(by_fact, on=["provider", "api_model_id"], how="left")
            .with_columns(resolver.expr("api_model_id").alias("__by_id"))
            .with_columns(
                pl.when(named("__by_fact"))
                .then(pl.col("__by_fact"))
                .when(named("__by_id"))
                .then(pl.col("__by_id"))
                .alias("__to"),
                pl.when(named("__by_fact"))
                .then(pl.lit("the facts' model of that id"))
                .otherwise(pl.lit("a model of its own"))
                .alias("__why"),
            )
        )
        note = pl.format(
            "given as {}'s price, released {}, later; its API id {} then named {} ({}), "
            "released {}",
            "model",
            release("model"),
            "api_model_id",
            "__to",
            "__why",
            release("__to"),
        )
        moving = pl.col("__to").is_not_null()
        for row in moved.filter(moving).with_columns(note.alias("__note")).iter_rows(named=True):
            self.notes.append(
                f"the price of {row['effective_date']} at {row[PLACE]} is {row['__to']}'s: "
                f"{row['__note']}"
            )
        stranded = early.fill_null(False) & ~moving
        for row in moved.filter(stranded).iter_rows(named=True):
            source, _, line = row[PLACE].rpartition(":")
            self.leave_out("prices", source, line, row["model"], BEFORE_RELEASE)
        return (
            moved.filter(~stranded)
            .with_columns(
                pl.when(moving).then(pl.col("__to")).otherwise(pl.col("model")).alias("model"),
                pl.when(moving).then(with_note(note)).otherwise(pl.col("notes")).alias("notes"),
            )
            .drop("__by_fact", "__by_id", "__to", "__why")
        )

    @staticmethod
    def dated_by_facts(listed: pl.DataFrame, fact: pl.DataFrame) -> pl.DataFrame:
        """llm-prices' rows with the facts' date where the facts state one for the price.

        A tracker's first listing is only a day the price certainly held. Where it is
        an API id's first listing and the facts price that id at the provider at the
        same input and output prices from an earlier day, the price took effect then:
        text-davinci-003, retired in January 2024, was first listed in November 2025 at
        the price it had from its launch in 2022. The row keeps its own model, which
        may be another than the facts' (the facts price o1 by the o1-preview id)."""
        # A price that is no number matches none here: init refuses it, at its line of
        # the raw data, rather than this cast stopping the build with a traceback.
        numbers = [
            pl.col(c).cast(pl.Float64, strict=False)
            for c in ("input_usd_per_mtok", "output_usd_per_mtok")
        ]
        same = ["provider", "api_model_id", "__in", "__out"]
        stated = (
            fact.select(
                "provider",
                "api_model_id",
                *(n.alias(a) for n, a in zip(numbers, ("__in", "__out"), strict=True)),
                pl.col("effective_date").cast(pl.String).alias("__stated"),
                pl.col("source_url").alias("__by"),
            )
            .sort("__stated")
            .unique(same, keep="first", maintain_order=True)
        )
        first_listed = (
            pl.col("effective_date")
            == pl.col("effective_date").min().over("provider", "api_model_id")
        ) & pl.col("notes").str.starts_with(FIRST_LISTED)
        redate = first_listed & (pl.col("__stated") < pl.col("effective_date"))
        return (
            listed.with_columns(
                *(n.alias(a) for n, a in zip(numbers, ("__in", "__out"), strict=True))
            )
            .join(stated, on=same, how="left", nulls_equal=False)
            .with_columns(
                pl.when(redate)
                .then(pl.col("__stated"))
                .otherwise(pl.col("effective_date"))
                .alias("effective_date"),
                pl.when(redate)
                .then(
                    pl.format(
                        STATED + " {} so ({}); simonw/llm-prices first listed it on {}",
                        "api_model_id",
                        "__by",
                        "effective_date",
                    )
                    # A cached-input price the facts do not state is known only
                    # from the listing, not from the earlier day.
                    + pl.col("notes")
                    .str.strip_prefix(FIRST_LISTED)
                    .str.replace(
                        "/Mtok", pl.lit("/Mtok as of ") + pl.col("effective_date"), literal=True
                    )
                )
                .otherwise(pl.col("notes"))
                .alias("notes"),
            )
            .drop("__in", "__out", "__stated", "__by")
        )


def _refuse_bad_left_out(results: pl.DataFrame) -> None:
    """Stop at each result left out (naming no model, or undated) whose own fields
    validation refuses: unwritten, a damaged score ('7x%') passed in silence, as a kept
    row's does not."""
    # Rows of several files: each named at its own file's line.
    places = results.select(pl.format("{}:{}", "__source", "__line")).to_series().to_list()
    rows = results.with_row_index(ROW)
    error = own_field_error(KINDS["results"], rows, None, places.__getitem__)
    if error is not None:
        raise error


def _refuse_bad_fills(matched: pl.DataFrame, loaded: Loaded) -> None:
    """Stop at the Notable AI Models line of each value a model would take from it that
    validation refuses: init named the facts' line of the model it filled, which holds
    no such value. A value no model takes is not read (the file has counts such as
    11100000.000000002, which no model needs)."""
    taken = matched.select(
        pl.col("n_row").alias(ROW),
        *(
            pl.when(pl.col(field).is_null()).then(pl.col(given)).alias(field)
            for field, given in NOTABLE_FILLS.items()
        ),
    ).drop_nulls(ROW)
    source = "epoch-notable-models/models_epoch_notable.csv"
    error = own_field_error(KINDS["models"], taken, source, loaded.line_of)
    if error is not None:
        raise error


def _refuse_shared_keys(results: pl.DataFrame) -> None:
    """Stop, in one line naming both rows' places, where two results share a key (model,
    benchmark, setting, source_url): the seeds would hold one and drop the other."""
    key = ["model", "benchmark", "setting", "source_url"]
    repeated = results.filter(pl.struct(key).is_duplicated()).sort("__order")
    seen: dict[tuple[str | None, ...], dict[str, Any]] = {}
    for twin in repeated.iter_rows(named=True):
        first = seen.setdefault(tuple(twin[c] for c in key), twin)
        if first is not twin:
            break
    else:
        return
    shared = ", ".join(f"{c} {first[c]!r}" for c in key)
    raise SystemExit(
        f"{twin['__source']}:{twin['__line']}: the same result as "
        f"{first['__source']}:{first['__line']} ({shared}); two results share a key"
    )


def _place(loaded: Loaded, source: str) -> pl.Expr:
    """Each row's place in the raw file it came from, as `source:line`."""
    line = pl.col(ROW).map_elements(loaded.line_of, return_dtype=pl.String)
    return pl.format("{}:{}", pl.lit(source), line).alias(PLACE)


def _placed(exc: TrendlabError, staged: Path, seeds: dict[str, pl.DataFrame]) -> TrendlabError:
    """`exc`, a staged seed row refused as init refuses it, naming the row's place in
    the raw data rather than its line in the staged file, which is gone when the build
    stops (and no line of seeds/, which it left as it was)."""
    lines: dict[str, dict[str, str]] = {}
    for name, frame in seeds.items():
        if PLACE not in frame.columns:
            continue
        written = read_records(str(staged / f"{name}.csv"))
        places = frame.get_column(PLACE).to_list()
        lines[name] = {
            written.line_of(row): place for row, place in enumerate(places) if place is not None
        }

    def where(found: re.Match[str]) -> str:
        return lines.get(found["name"], {}).get(found["line"], found[0])

    def placed(text: str) -> str:
        return re.sub(r"^seeds/(?P<name>\w+)\.csv:(?P<line>\d+)", where, text)

    return TrendlabError(
        placed(exc.message),
        details=[placed(d) for d in exc.details],
        exit_code=exc.exit_code,
    )


def _same_value(held: str | None, was: str) -> bool:
    """Whether a built row's value is the one a correction expects: the same text, or
    the same number written differently (7e9 and 7000000000.0)."""
    if held is None:
        return False
    if held.strip() == was.strip():
        return True
    try:
        return float(held) == float(was)
    except ValueError:
        return False


def _short(source: str) -> str:
    path = Path(source)
    return f"{path.parent.name}/{path.name}"


def _write(name: str, frame: pl.DataFrame, folder: Path) -> None:
    kind = KINDS[name]
    columns = [f for f in kind.field_names if f in frame.columns]
    frame.select(columns).write_csv(folder / f"{name}.csv")


def report(build: Build, seeds: dict[str, pl.DataFrame], folder: Path) -> None:
    per_benchmark = (
        seeds["results"]
        .group_by("benchmark")
        .len()
        .sort(["len", "benchmark"], descending=[True, False])
    )
    lines = [
        "# Seed build report",
        "",
        "Written by `python seeds/build.py`; do not edit by hand.",
        "",
        "| kind | rows |",
        "| --- | ---: |",
        *[f"| {k} | {f.height} |" for k, f in seeds.items()],
        "",
        "## Results per benchmark",
        "",
        "| benchmark | results |",
        "| --- | ---: |",
        *[f"| {b} | {n} |" for b, n in per_benchmark.iter_rows()],
        "",
        "## Notes",
        "",
        *[f"- {note}" for note in build.notes],
        f"- {len(build.unmatched)} rows left out: see UNMATCHED.md",
        "",
    ]
    (folder / "REPORT.md").write_text("\n".join(lines), encoding="utf-8")
    reasons = Counter((u["kind"], u["reason"].split(" named ")[0]) for u in build.unmatched)
    out = [
        "# Rows left out of the seeds",
        "",
        "Written by `python seeds/build.py`; do not edit by hand. Every source row that",
        "could not be joined to a dated model (or priced model) is listed with its reason;",
        "none was dropped silently and none was matched by guessing. Lines are lines of",
        "the file in ../shared/data.",
        "",
        "| kind | reason | rows |",
        "| --- | --- | ---: |",
        *[f"| {k} | {r} | {n} |" for (k, r), n in sorted(reasons.items())],
        "",
        "| kind | source | line | name | reason |",
        "| --- | --- | ---: | --- | --- |",
        *[
            "| {kind} | {source} | {line} | {name} | {reason} |".format(
                **{k: str(v).replace("|", "\\|") for k, v in u.items()}
            )
            for u in build.unmatched
        ],
        "",
    ]
    (folder / "UNMATCHED.md").write_text("\n".join(out), encoding="utf-8")


# The benchmark-stitching files the seeds are built from (README: commit f87d3cc). The
# adapter reads whatever CSVs the folder holds and names a benchmark after its file, so
# one missing or renamed would change the seeds in silence: each must be there.
STITCHING = [
    "model_versions.csv",
    "benchmarks_runs.csv",
    *(
        f"external_benchmark_{key}.csv"
        for key in (
            *("arc_agi", "bbh", "boolq", "gsm8k", "lambada", "livebench", "metr", "mmlu"),
            *("os_world", "scienceqa", "terminal_bench", "triviaqa"),
        )
    ),
]

# What the build reads under --data: one missing is named before anything is read,
# rather than as a traceback from whichever reader meets it first.
INPUTS = [
    *(f"facts/{name}.csv" for name in ("benchmarks", "models", "results", "prices")),
    *(f"epoch-benchmark-stitching/{name}" for name in STITCHING),
    "epoch-benchmarking-hub/benchmark_results_epoch.csv",
    "epoch-notable-models/models_epoch_notable.csv",
    "llm-prices/api_prices_llm_prices.csv",
]


def check_inputs(data: Path) -> None:
    """Stop, in one line, where --data lacks a file the build reads."""
    if data.exists() and not data.is_dir():
        raise SystemExit(
            f"--data {data}: not a folder; give the folder of the raw data the seeds are "
            "built from (it holds facts/, llm-prices/ ...)"
        )
    if not data.is_dir():
        raise SystemExit(f"--data {data}: no such folder (the raw data the seeds are built from)")
    missing = [name for name in INPUTS if not (data / name).is_file()]
    if missing:
        raise SystemExit(
            f"--data {data}: no {', '.join(missing)} (the raw data the seeds are built from)"
        )


def check_aliases(curated: Loaded, models: pl.DataFrame, aliases: pl.DataFrame) -> None:
    """Stop, in one line naming the first, at a curated alias given twice, one naming no
    model, or an alias that is a model's slug, or another model's in other capitals (it
    would hide that model): at its line in curated_aliases.csv, or by the source that
    gave it."""
    slugs = models.get_column("slug").implode()
    where = f"seeds/{Path(curated.source).name}"
    # The aliases keep one row an alias, the last: a second line took it in silence.
    repeated = curated.frame.filter(pl.col("alias").is_duplicated())
    if not repeated.is_empty():
        alias = repeated.item(0, "alias")
        first, again = repeated.filter(pl.col("alias") == alias).head(2).iter_rows(named=True)
        raise SystemExit(
            f"{where}:{curated.line_of(again[ROW])}: alias {alias!r} (of {again['model']!r}) "
            f"is given at line {curated.line_of(first[ROW])} too (of {first['model']!r}); "
            "an alias has one line"
        )
    unknown = curated.frame.filter(~pl.col("model").is_in(slugs))
    if not unknown.is_empty():
        row = unknown.row(0, named=True)
        raise SystemExit(
            f"{where}:{curated.line_of(row[ROW])}: alias {row['alias']!r} names no model "
            f"{row['model']!r} ({unknown.height} curated alias(es) name no model)"
        )
    # As names resolve and `alias add` and `check` judge them: ignoring case and
    # surrounding spaces, but for an alias of the model whose slug it spells otherwise
    # (LLaMA-7B of llama-7b), which names that model however written.
    folded = pl.col("alias").str.strip_chars().str.to_lowercase()
    shadowing = aliases.filter(
        pl.col("alias").is_in(slugs) | (folded.is_in(slugs) & (folded != pl.col("model")))
    )
    if shadowing.is_empty():
        return
    row = shadowing.row(0, named=True)
    lines = curated.frame.filter(pl.col("alias") == row["alias"]).get_column(ROW)
    place = f"{where}:{curated.line_of(lines[-1])}" if lines.len() else row["source_url"]
    ignoring = "" if row["alias"] in models.get_column("slug") else " ignoring case"
    raise SystemExit(
        f"{place}: alias {row['alias']!r} (of {row['model']!r}) is also a model's slug"
        f"{ignoring} ({shadowing.height} alias(es) are)"
    )


def refuse_unread(folder: Path, catalog: Publication) -> None:
    """Stop where a file the seeds are built from was not read: the adapter passes over
    a CSV whose columns no Epoch reader knows (a header garbled or renamed upstream),
    which left its results out in silence. Read alone, its error names its columns."""
    for name in catalog.unread:
        if name in STITCHING:
            epoch.read(str(folder / name))


def check_writable() -> None:
    """Stop, in one line, where the build could not write seeds/ or stage its files
    beside it: before the sources are read and the cache computed, not after, with a
    traceback."""
    for folder in (HERE.parent, HERE):
        try:
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as exc:
            raise SystemExit(
                f"cannot write in {folder}: {exc.strerror or exc} (the build writes seeds/ "
                "and stages its files beside it)"
            ) from None


def install(staged: Path) -> None:
    """Move every staged file into seeds/; a move that fails stops the build in one line
    saying what it left."""
    moved: list[str] = []
    for name in OUTPUTS:
        try:
            os.replace(staged / name, HERE / name)
        except OSError as exc:
            left = (
                f"{', '.join(moved)} rebuilt, the rest as they were"
                if moved
                else "seeds/ as it was"
            )
            raise SystemExit(f"cannot write {HERE / name}: {exc.strerror or exc}; {left}") from None
        moved.append(name)


def one_data_folder(given: list[Path] | None) -> Path:
    """The --data folder, ../shared/data when none is given; two stop the build."""
    if not given:
        return HERE.parent.parent / "shared" / "data"
    if len(given) > 1:
        raise SystemExit(
            f"--data given {len(given)} times ({', '.join(map(str, given))}): the seeds are "
            "built from one folder of raw data"
        )
    return given[0]


def main(argv: list[str] | None = None) -> None:
    """Build the seeds from --data; a source missing or damaged stops it in one line,
    before anything is written."""
    parser = argparse.ArgumentParser(description=__doc__)
    # Appended, to tell one --data from two: argparse keeps the last in silence, so the
    # seeds were built from one folder while the command named two.
    parser.add_argument("--data", type=named_path, action="append")
    args = parser.parse_args(argv)
    args.data = one_data_folder(args.data)
    check_inputs(args.data)
    check_writable()
    try:
        build_seeds(args)
    except TrendlabError as exc:  # a damaged source file: its line, as an import says
        raise stop(exc) from None


def build_seeds(args: argparse.Namespace) -> None:
    """Read every source under args.data and write seeds/ from them."""
    build = Build(args.data)
    fact = facts(args.data)
    stitching = args.data / "epoch-benchmark-stitching"
    catalog = epoch.read(str(stitching))
    refuse_unread(stitching, catalog)
    hub = epoch.read(str(args.data / "epoch-benchmarking-hub" / "benchmark_results_epoch.csv"))
    # One copy of each Epoch record, chosen as an import of both files chooses it.
    epoch.one_copy_per_record([catalog, hub])
    loaded = read_loaded(
        HERE / "curated_aliases.csv", ["alias", "model", "source_url"], "curated aliases"
    )
    require_sources(loaded, "source_url")
    curated = loaded.frame.drop(ROW)
    corrections = read_source(HERE / CORRECTIONS, [], "corrections").drop(ROW)
    models, aliases = build.models(fact["models"], catalog, hub, curated, corrections)
    check_aliases(loaded, models, aliases)
    resolver = Resolver.build(
        models["slug"].to_list(), dict(zip(aliases["alias"], aliases["model"], strict=True))
    )
    # Epoch's files describe a benchmark several times: the first, where the facts have
    # no row of it. Every row of the facts stays, so a slug the facts give twice is
    # init's to refuse at both lines (a unique() over all kept the first in silence).
    described = pl.concat(
        [text_frame(f.drop(ROW)) for f in parts(catalog, "benchmarks") + parts(hub, "benchmarks")],
        how="diagonal",
    ).unique("slug", keep="first", maintain_order=True)
    benchmarks = pl.concat(
        [
            text_frame(fact["benchmarks"]),
            described.filter(~pl.col("slug").is_in(fact["benchmarks"]["slug"].implode())),
        ],
        how="diagonal",
    )
    benchmarks = benchmarks.with_columns(pl.coalesce("source_url", "url").alias("source_url"))
    seeds = {
        "benchmarks": benchmarks,
        "models": models,
        "aliases": aliases,
        "results": build.results(fact["results"], [catalog, hub], models, resolver),
        "prices": build.prices(fact["prices"], resolver, models),
    }
    # Written beside seeds/ first, and moved in only when every file is: seed rows
    # init refuses (the cache's store loads them as init does), or a write that fails,
    # left seeds/ half rebuilt, new CSVs beside the old cache.
    with tempfile.TemporaryDirectory(prefix=".seeds-build-", dir=HERE.parent) as tmp:
        staged = Path(tmp)
        for name, frame in seeds.items():
            _write(name, frame, staged)
        report(build, seeds, staged)
        # Derived from the CSVs just written, so rebuilt with them.
        try:
            count = write_forecast_cache(staged / FORECAST_CACHE, staged)
        except TrendlabError as exc:
            raise _placed(exc, staged, seeds) from None
        install(staged)
    for name, frame in seeds.items():
        print(f"seeds/{name}.csv: {frame.height} rows")
    print(f"seeds/UNMATCHED.md: {len(build.unmatched)} rows left out")
    print(f"seeds/{FORECAST_CACHE}: {count} entries")


if __name__ == "__main__":
    main()
