"""Epoch AI's benchmark data, as published.

Reads, by their columns (not their names):

- `model_versions.csv` (benchmark-stitching): the model catalog. Each `id` becomes a
  model (slug = the id made a slug; an alias keeps the id when the two differ beyond
  case), dated by `Version release date`.
- `external_benchmark_*.csv` (benchmark-stitching): results from papers and
  leaderboards, one benchmark per file (named by the file), the score in whichever
  of the known score columns the file has, `77.0%` strings, `Shots` as a number,
  `few` or empty, an `Agent` column as the scaffold.
- `benchmarks_runs.csv` (benchmark-stitching): Epoch AI's own runs, the
  `Best score (across scorers)` a 0-1 fraction, the benchmark named by `task`, each
  run known by its `id` (without that column, by the id its log is named by); a run
  whose `Status` is not `Success` is no result, and is left out.
- `benchmark_results_epoch.csv`: the Benchmarking Hub extract (a 0-1 `score` with its
  `score_scale`, the model's release date and organization on every row).

A model id's reasoning-effort or thinking-budget suffix (`_high`, `_16K`,
`_thinking`) is a setting, not a model: `o3-2025-04-16_high` is model
`o3-2025-04-16` with setting `effort high`. Settings are joined with '; ' in the
order shots, effort, agent, benchmark version. A result's reported_date is left
empty (the model's release date dates it); the date Epoch ran an evaluation or a
leaderboard added an entry goes to notes, since a late evaluation of an old model
is not a new capability.

The same record read from two of these files gets the same key (model, benchmark,
setting, source URL), so importing an overlapping publication changes nothing twice.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import polars as pl

from trendlab.adapters import Part, Publication, Skip
from trendlab.adapters.common import (
    iso_day,
    join_parts,
    number_text,
    own_field_error,
    own_field_problems,
    own_fields,
    percent_score,
    read_csv,
    scaled_text,
    shots_problem,
    shots_setting,
    skip_reasons,
    slug,
    split_effort,
    text,
    url_or_null,
    with_rows,
    written_ulp,
)
from trendlab.adapters.merge import DUPLICATE, PLAIN_SETTING, RECORD_SETTING, with_record
from trendlab.errors import TrendlabError
from trendlab.ingest import Loaded
from trendlab.kinds import ALIASES, BENCHMARKS, MODELS, RESULTS
from trendlab.records import row_errors
from trendlab.text import csv_long_fields, slugify
from trendlab.validate import ROW, field_problem, quoted_cell, url_form

STITCHING_URL = "https://github.com/epoch-research/benchmark-stitching"
# Where a result's notes name Epoch's own id of the record it comes from.
RECORD_NOTE = r"Epoch AI (?:run|record) (\S+)"
SAME_RECORD = "the same Epoch AI record as"  # ... another file of the publication holds
HUB_URL = "https://epoch.ai/benchmarks"

# What the adapter knows about the benchmarks Epoch's files name: display name, unit,
# metric and the benchmark's own page. A benchmark the database lacks is created
# from this (floor, ceiling and human baseline left empty: the files do not say).
CATALOG: dict[str, tuple[str, str, str, str | None]] = {
    "arc-agi": ("ARC-AGI", "percent", "accuracy", "https://arcprize.org/arc-agi"),
    "bbh": ("BIG-Bench Hard", "percent", "accuracy", "https://arxiv.org/abs/2210.09261"),
    "boolq": ("BoolQ", "percent", "accuracy", "https://arxiv.org/abs/1905.10044"),
    "gsm8k": ("GSM8K", "percent", "accuracy", "https://arxiv.org/abs/2110.14168"),
    "lambada": ("LAMBADA", "percent", "accuracy", "https://arxiv.org/abs/1606.06031"),
    "livebench": ("LiveBench", "percent", "global average", "https://livebench.ai/"),
    "metr-time-horizon": (
        "METR 50% time horizon",
        "minutes",
        "task length at 50% success",
        "https://metr.org/time-horizons/",
    ),
    "mmlu": ("MMLU", "percent", "accuracy", "https://arxiv.org/abs/2009.03300"),
    "osworld": ("OSWorld", "percent", "success rate", "https://os-world.github.io/"),
    "scienceqa": ("ScienceQA", "percent", "accuracy", "https://scienceqa.github.io/"),
    "terminal-bench": (
        "Terminal-Bench",
        "percent",
        "accuracy",
        "https://www.tbench.ai/leaderboard",
    ),
    "triviaqa": ("TriviaQA", "percent", "exact match", "https://arxiv.org/abs/1705.03551"),
    "gpqa-diamond": ("GPQA Diamond", "percent", "accuracy", "https://arxiv.org/abs/2311.12022"),
    "math-level-5": (
        "MATH Level 5",
        "percent",
        "accuracy",
        "https://epoch.ai/benchmarks/math-level-5",
    ),
    "otis-mock-aime": (
        "OTIS Mock AIME 2024-2025",
        "percent",
        "accuracy",
        "https://epoch.ai/benchmarks/otis-mock-aime",
    ),
    "frontiermath": (
        "FrontierMath (tiers 1-3, private set)",
        "percent",
        "accuracy",
        "https://epoch.ai/frontiermath",
    ),
    "frontiermath-public": (
        "FrontierMath (tiers 1-3, public set)",
        "percent",
        "accuracy",
        "https://epoch.ai/frontiermath",
    ),
    "frontiermath-tier-4": (
        "FrontierMath Tier 4 (private set)",
        "percent",
        "accuracy",
        "https://epoch.ai/frontiermath",
    ),
    "frontiermath-tier-4-public": (
        "FrontierMath Tier 4 (public set)",
        "percent",
        "accuracy",
        "https://epoch.ai/frontiermath",
    ),
    "swe-bench-verified": (
        "SWE-bench Verified",
        "percent",
        "resolved",
        "https://openai.com/index/introducing-swe-bench-verified/",
    ),
}

# external_benchmark_<key>.csv -> benchmark slug
EXTERNAL = {"os_world": "osworld", "metr": "metr-time-horizon", "terminal_bench": "terminal-bench"}
# benchmarks_runs.csv `task` and the Hub's `benchmark` (lowercased) -> benchmark slug
TASKS = {
    "gpqa diamond": "gpqa-diamond",
    "math level 5": "math-level-5",
    "otis mock aime 2024-2025": "otis-mock-aime",
    "frontiermath": "frontiermath",
    "frontiermath-2025-02-28-private": "frontiermath",
    "frontiermath-2025-02-28-public": "frontiermath-public",
    "frontiermath-tier-4-2025-07-01-private": "frontiermath-tier-4",
    "frontiermath-tier-4-2025-07-01-public": "frontiermath-tier-4-public",
    "swe-bench verified": "swe-bench-verified",
    "big-bench hard": "bbh",
    "mmlu": "mmlu",
    "gsm8k": "gsm8k",
}
# Score columns of the external files, in the order they are looked for, and the
# scale of a bare number in each (a value with a % sign is a percentage anyway).
SCORE_COLUMNS = {
    "Score": "auto",
    "EM": "auto",
    "Accuracy": "auto",
    "Average": "auto",
    "Accuracy mean": "auto",
    "Global average": "percent",
    "Time horizon": "minutes",
}


def read(path: str) -> Publication:
    """Read one Epoch file, or every Epoch file in a folder (the catalog first)."""
    target = Path(path)
    if target.is_dir():
        # By suffix in any case, as a lone file is taken: a folder's `.CSV` file was
        # neither read nor named. A link to nothing (a git-annex file not fetched) is
        # taken too, to fail naming it: passed over, its stored records were listed as
        # no longer in the source.
        try:
            files = sorted(
                f
                for f in target.iterdir()
                if f.suffix.lower() == ".csv" and (f.is_file() or not f.exists())
            )
        except OSError as exc:  # a folder this user may not list
            raise TrendlabError(f"cannot read {path}: {exc.strerror or exc}") from None
        if not files:
            raise TrendlabError(f"{path}: no CSV files in this folder")
        files, copies = _without_copies(files)
    elif target.is_file():
        if target.suffix.lower() != ".csv":
            raise TrendlabError(f"{path}: not an Epoch AI benchmark file (Epoch publishes CSV)")
        files, copies = [target], []
    else:
        raise TrendlabError(f"cannot read {path}: no such file or folder")
    readers = []
    unread = []
    for file in files:
        if target.is_dir() and _detect(_header_of(file)) is None:
            # Other files in a download folder are not ours to judge, nor to read: one
            # that is not UTF-8, ragged or empty would fail the import. They are named,
            # as an Epoch file whose columns were renamed is one of them.
            unread.append(file.name)
            continue
        loaded = read_csv(file)
        # A folder's file got here by its header, which read_csv reads alike (the same
        # csv reader and stripping), so only a lone file can fail this.
        reader = _detect(set(loaded.frame.columns))
        if reader is None:
            raise TrendlabError(
                f"{file}: not an Epoch AI benchmark file (columns: "
                f"{', '.join(c for c in loaded.frame.columns if c != ROW)})"
            )
        readers.append((_ORDER.index(reader), file, loaded, reader))
    if not readers:
        raise TrendlabError(f"{path}: no Epoch AI benchmark files in this folder")
    publication = Publication("epoch", [], unread=unread, copies=copies)
    read: list[Publication | TrendlabError] = []
    for _, file, loaded, reader in sorted(readers, key=lambda r: (r[0], r[1].name)):
        try:
            read.append(reader(loaded, file))
        except TrendlabError as exc:
            read.append(exc)
    for each in _refuse_files(path, read):
        publication.extend(each)
    one_copy_per_record([publication])
    return publication


def _refuse_files(path: str, read: list[Publication | TrendlabError]) -> list[Publication]:
    """What each file's reader read, if at most one file has bad rows and its reader
    took it; else one error telling the bad rows of every file that has some: the
    first file's stopped the import, and the next file's were named once they were
    fixed. A file its reader took is told by what validation would say of its rows'
    values (see _refuse_bad_rows); alone, it is left to validation, which names a score
    outside its benchmark's unit too."""
    failed = [each for each in map(_own_field_error, read) if each is not None]
    if len(failed) < 2 and not any(isinstance(each, TrendlabError) for each in read):
        return [each for each in read if isinstance(each, Publication)]
    if len(failed) == 1:
        raise failed[0]
    told = [
        line
        for error in failed
        for line in error.details or [error.message.removesuffix("; nothing was written")]
    ]
    raise TrendlabError(
        f"{path}: bad rows in {len(failed)} files; nothing was written", details=told
    )


def _own_field_error(read: Publication | TrendlabError) -> TrendlabError | None:
    """The error of a file: its reader's, else one for its results' bad values, if any.
    A results part without any is marked judged, so validation does the work once."""
    if isinstance(read, TrendlabError):
        return read
    for part in read.parts:
        if part.kind is RESULTS:
            error = own_field_error(RESULTS, part.frame, part.source, part.line_of, part.columns)
            if error is not None:
                return error
            part.judged = frozenset(own_fields(RESULTS, part.frame.columns))
    return None


# A browser's name for a second download of a file (`external_benchmark_mmlu (1)`): the
# first download's name in group 1.
SECOND_DOWNLOAD = r"(.+) \(\d+\)"


def _without_copies(files: list[Path]) -> tuple[list[Path], list[str]]:
    """The folder's files less a browser's second download of one it holds
    (`external_benchmark_mmlu (1).csv` beside `external_benchmark_mmlu.csv`), and those
    left out, each with the file it copies. Read, it made a benchmark `mmlu-1` whose
    rows were taken for copies of the first file's. One whose content differs is an
    error naming both: which of the two to import is not to be guessed."""
    named = {f.name: f for f in files}
    kept, copies = [], []
    for file in files:
        again = re.fullmatch(SECOND_DOWNLOAD, file.stem)
        first = named.get(f"{again[1]}{file.suffix}") if again else None
        if first is None:
            kept.append(file)
        elif _content(file) == _content(first):
            copies.append(f"{file.name} (= {first.name})")
        else:
            raise TrendlabError(
                f"{file}: a second download of {first.name} beside it, with other content; "
                "keep the one to import in the folder, not both"
            )
    return kept, copies


def _content(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        raise TrendlabError(f"cannot read {file}: {exc.strerror or exc}") from None


def one_copy_per_record(publications: list[Publication]) -> int:
    """Keep each Epoch record once across the results of these publications.

    The stitching files and the Benchmarking Hub extract publish many of the same
    records (same Epoch id), the Hub with unrounded, sometimes re-scored means and
    at times under a more specific model version. The copy of the part with the
    highest precedence (the Hub's) is kept, else the first read; the others are moved
    to `skipped` with the line of the kept copy. The seeds build calls this on the
    same files, so an import and the seeds keep the same copy. Returns how many rows
    were left out.
    """
    parts = [
        (p, part)
        for p in publications
        for part in p.parts
        if part.kind is RESULTS and "__record" in part.frame.columns
    ]
    ranked = sorted(range(len(parts)), key=lambda i: (-parts[i][1].precedence, i))
    kept: dict[str, str] = {}  # record id -> where its kept copy is
    dropped = 0
    for i in ranked:
        publication, part = parts[i]
        frame = part.frame
        repeats = frame.filter(pl.col("__record").is_in(list(kept)))
        _refuse_bad_copies(repeats, part)
        for row in repeats.iter_rows(named=True):
            publication.skipped.append(
                Skip(
                    part.source,
                    part.line_of(row[ROW]),
                    f"{row['model']} = {kept[row['__record']]}",
                    f"{SAME_RECORD} another file holds, whose copy is kept",
                )
            )
        dropped += repeats.height
        part.frame = frame.join(repeats.select(ROW), on=ROW, how="anti")
        for record, row in part.frame.select("__record", ROW).drop_nulls().iter_rows():
            kept.setdefault(record, f"{Path(part.source).name}:{part.line_of(row)}")
    # A file's benchmarks are created for its rows: one whose every row went to another
    # file's copy (under the Hub's newer name, say) is not created empty.
    for publication in {id(p): p for p, _ in parts}.values():
        named = pl.concat(
            [p.frame.get_column("benchmark") for p in publication.parts if p.kind is RESULTS]
        ).unique()
        for part in publication.parts:
            if part.kind is BENCHMARKS:
                part.frame = part.frame.filter(pl.col("slug").is_in(named.implode()))
    return dropped


def _refuse_bad_copies(repeats: pl.DataFrame, part: Part) -> None:
    """Refuse the copies of records another file holds whose own fields validation
    would refuse: left out for the kept copy, a damaged cell (a stitching file's score
    '77.x%') went unnamed, in an import of both publications as in the seeds build,
    though the file read alone is refused for it."""
    error = own_field_error(RESULTS, repeats, part.source, part.line_of, part.columns)
    if error is not None:
        raise error


Reader = Callable[[Loaded, Path], Publication]


def _header_of(file: Path) -> set[str]:
    """The column names on a CSV file's first line (none if it is no CSV), to tell an
    Epoch file by without reading the rest. A file that cannot be opened is an error:
    whether it is Epoch's is unknown, and taken for another file it was named as not
    Epoch data, its records listed as no longer in the source."""
    try:
        with (
            file.open(encoding="utf-8-sig", errors="replace", newline="") as text,
            csv_long_fields(),
        ):
            first = next(csv.reader(text), [])
    except OSError as exc:
        raise TrendlabError(f"cannot read {file}: {exc.strerror or exc}") from None
    except csv.Error:
        return set()
    if first:  # a second byte-order mark stays on the first name: dropped, as ingest does
        first[0] = first[0].lstrip("\ufeff")
    return {name.strip() for name in first}


def _detect(columns: set[str]) -> Reader | None:
    if {"id", "Version release date"} <= columns:
        return _model_versions
    if {"task", "model", "Best score (across scorers)"} <= columns:
        return _runs
    if {"benchmark", "model_version", "score", "score_scale"} <= columns:
        return _hub
    if "Model version" in columns and any(c in columns for c in SCORE_COLUMNS):
        return _external
    return None


# -- the model catalog -----------------------------------------------------------------


def _optional(frame: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    """The frame with the optional columns a file leaves out, empty."""
    return frame.with_columns(
        pl.lit(None, pl.String).alias(c) for c in columns if c not in frame.columns
    )


def _model_versions(loaded: Loaded, file: Path) -> Publication:
    frame = _optional(
        loaded.frame, ("Model", "Unique display name", "Display name", "Link", "Notes")
    )
    _check_catalog_rows(loaded, frame)
    base, _ = split_effort("id")
    has_suffix = text("id") != base
    named = frame.with_columns(
        base.alias("__name"),
        has_suffix.alias("__suffixed"),
        _first_given("Version release date", text("id")).alias("__released"),
        pl.coalesce(
            pl.when(~has_suffix).then(text(c)) for c in ("Unique display name", "Display name")
        ).alias("__display"),
    )
    publication = Publication("epoch", [str(file)])
    # A row without an id names no model: listed as left out, as a result without a
    # model version is (it was dropped in silence).
    for row, label in named.filter(pl.col("__name").is_null()).select(ROW, "Model").iter_rows():
        publication.skipped.append(Skip(loaded.source, loaded.line_of(row), label, "no id"))
    named = named.filter(pl.col("__name").is_not_null())
    # A suffixed id names a setting of its base model: it adds a model only when the
    # catalog lacks the base, and then under the base's id.
    named = named.sort("__suffixed", ROW).unique("__name", keep="first").sort(ROW)
    page = url_or_null("Link")
    versions = with_rows(
        named,
        {
            "slug": slug(pl.col("__name")),
            "name": pl.coalesce(pl.col("__display"), pl.col("__name")),
            "release_date": pl.col("__released"),
            "notes": join_parts(pl.lit("model page ") + page, text("Notes")),
            "source_url": pl.lit(STITCHING_URL),
            "__name": pl.col("__name"),
        },
    )
    # Ids one slug makes (`Foo Bar 9`, `foo-bar-9`) are one model, but each is its alias:
    # the later one's results named a model the database did not know.
    models = versions.unique("slug", keep="first", maintain_order=True)
    publication.parts.append(
        Part(
            MODELS,
            models,
            loaded.source,
            loaded.line_of,
            columns={"release_date": "Version release date"},
        )
    )
    aliases = _aliases(versions, "Epoch AI model version id")
    if not aliases.is_empty():
        publication.parts.append(
            Part(ALIASES, aliases, loaded.source, loaded.line_of, mode="missing")
        )
    return publication


def _check_catalog_rows(loaded: Loaded, frame: pl.DataFrame) -> None:
    """Every row's release date, a row giving an id again included (only the first row
    of an id is kept): a date that is not one, or one other than the date an earlier
    row gives the same id, is an error at its line, not a row dropped in silence. (A
    suffixed id is a setting of its base model, dated as Epoch ran it: it may differ.)"""
    column, label = "Version release date", "Version release date (release_date)"
    problem = pl.coalesce(
        _not_a_date(column, text("id"), label),
        _disagreeing(column, _MODEL_FIELDS["release_date"], text("id"), label),
    )
    _refuse_rows(loaded, frame, problem)


def _aliases(models: pl.DataFrame, note: str) -> pl.DataFrame:
    """An alias for every source id that differs from its slug beyond case."""
    return models.filter(pl.col("__name").str.to_lowercase() != pl.col("slug")).select(
        ROW,
        pl.col("__name").alias("alias"),
        pl.col("slug").alias("model"),
        pl.lit(STITCHING_URL).alias("source_url"),
        pl.lit(note).alias("notes"),
    )


# -- results ---------------------------------------------------------------------------


def _results(
    loaded: Loaded,
    file: Path,
    frame: pl.DataFrame,
    columns: dict[str, pl.Expr],
    missing_reasons: pl.Expr,
    precedence: int = 0,
    covers: list[str] | None = None,
    record_note: str | None = RECORD_NOTE,
    read_from: dict[str, str] | None = None,
    score_column: str = "score",
) -> Publication:
    """Results rows plus the benchmarks they name, rows without model or score skipped
    (`covers`: the benchmarks the file is about, whatever rows it holds; `record_note`
    None for a file with no column of record ids, which names no record; `read_from`:
    the file's column of each field read from one, which its errors name;
    `score_column`: the file's column of scores, as written)."""
    publication = Publication("epoch", [str(file)])
    rows = with_rows(frame, columns | {"__why": missing_reasons})
    rows = rows.with_columns(
        pl.when(pl.col("__why").is_null() & pl.col("benchmark").is_null())
        .then(pl.lit("no benchmark"))
        .otherwise(pl.col("__why"))
        .alias("__why")
    )
    rows = _duplicates(rows)
    _refuse_bad_rows(rows, loaded, read_from, score_column)
    kept, skipped = skip_reasons(rows, pl.col("__why"))
    for row in skipped.iter_rows(named=True):
        publication.skipped.append(
            Skip(loaded.source, loaded.line_of(row[ROW]), row.get("__label"), row["__why"])
        )
    benchmarks = _benchmarks(kept, loaded)  # before the names the file gives them go
    carried = (ROW, "__record", "__ulp_score", PLAIN_SETTING, RECORD_SETTING)  # read by the merge
    kept = kept.drop([c for c in kept.columns if c.startswith("__") and c not in carried])
    # A repeat of a kept row's own record id is that record given twice, not a twin
    # the database may hold apart: brought back, it clashed with the kept row's key.
    repeats = skipped.filter(
        (pl.col("__why") == DUPLICATE)
        & pl.col(RECORD_SETTING).is_not_null()
        & ~pl.col("__record").is_in(kept.get_column("__record").drop_nulls().implode())
    ).select(kept.columns)
    publication.parts.append(benchmarks)
    publication.parts.append(
        Part(
            RESULTS,
            kept,
            loaded.source,
            loaded.line_of,
            record_note=record_note,
            precedence=precedence,
            records=rows.get_column("__record").drop_nulls().to_list(),
            covers=covers or [],
            columns=read_from or {},
            repeats=repeats,
        )
    )
    return publication


def _refuse_bad_rows(
    rows: pl.DataFrame, loaded: Loaded, read_from: dict[str, str] | None, score: str
) -> None:
    """Refuse the rows the reader's own checks find bad (`__problem`, where a reader
    has them) and the records given twice with different scores (`score`: see
    _record_score_clashes), with what validation would say of each kept row's own
    fields, in one error: a Shots cell of -3 on one row stopped the import before the
    score 'abc' of another was named, which took a second run. A file these checks
    pass is left to validation, which names every bad value, a score outside its
    benchmark's unit too (which only the database knows)."""
    problem = pl.col("__problem") if "__problem" in rows.columns else pl.lit(None, pl.String)
    found = pl.concat(
        [
            rows.select(ROW, problem.alias("message")).drop_nulls("message"),
            _record_score_clashes(rows, loaded, score),
        ]
    )
    if found.is_empty():
        return
    own = own_field_problems(RESULTS, rows.columns, read_from or {})
    kept = pl.col("__why").is_null()
    fields = rows.select(ROW, pl.when(kept).then(own).alias("message")).drop_nulls("message")
    bad = (
        pl.concat([found, fields])
        .group_by(ROW, maintain_order=True)
        .agg(pl.col("message").str.join("; "))
        .sort(ROW)
    )
    raise row_errors(bad, loaded.source, loaded.line_of)


def _duplicates(rows: pl.DataFrame) -> pl.DataFrame:
    """Rows sharing a result's key within one file.

    A repeat with the same score is the same record published twice: it is skipped.
    Rows with the same key and different scores are distinct records the columns do
    not tell apart (a chat and a base model mapped to one version, two runs of one
    agent): each keeps its Epoch record id in its setting, so none is lost or picked.
    Every row of such a key carries its setting with (RECORD_SETTING) and without
    (PLAIN_SETTING) the id, so a record the database already holds under either stays
    there (merge.stored_keys_kept).
    """
    key = _result_key()
    usable = pl.col("__why").is_null()
    first = pl.col(ROW).filter(usable).min().over([*key, "score"])
    shared = (
        usable
        & pl.col("__record").is_not_null()
        & (pl.col(ROW).filter(usable).count().over(key) > 1)
    )
    rows = rows.with_columns(
        pl.when(usable & (pl.col(ROW) != first))
        .then(pl.lit(DUPLICATE))
        .otherwise(pl.col("__why"))
        .alias("__why"),
        pl.when(shared).then(pl.col("setting")).otherwise(None).alias(PLAIN_SETTING),
        pl.when(shared)
        .then(with_record(pl.col("setting"), pl.col("__record")))
        .otherwise(None)
        .alias(RECORD_SETTING),
    )
    distinct = pl.col("score").filter(pl.col("__why").is_null()).n_unique().over(key)
    clash = pl.col("__why").is_null() & (distinct > 1) & pl.col("__record").is_not_null()
    return rows.with_columns(
        pl.when(clash).then(pl.col(RECORD_SETTING)).otherwise(pl.col("setting")).alias("setting")
    )


def _result_key() -> list[pl.Expr | str]:
    """A result's key as the rows of one file give it, the model in any case and the
    source URL as the write path compares it (url_form): a row giving one result again
    under HTTPS://ARXIV.ORG/x/ was refused by the write as its key twice."""
    return [
        pl.col("model").str.to_lowercase(),
        "benchmark",
        "setting",
        url_form(pl.col("source_url")),
    ]


def _record_score_clashes(rows: pl.DataFrame, loaded: Loaded, score: str) -> pl.DataFrame:
    """(ROW, message) for each row giving an Epoch record again with a different score
    (`score`: the file's column of them, quoted as written: read in percent, the Hub's
    0.313 was told as 31.3): _duplicates leaves a repeat with the same score out, but
    neither of two scores can be picked, and both under the record's key would be
    refused as one key twice, which does not say that the scores differ."""
    group = [*_result_key(), "__record"]
    usable = pl.col("__why").is_null() & pl.col("__record").is_not_null()
    first = pl.col(ROW).filter(usable).min().over(group)
    written = loaded.frame.select(ROW, text(score).alias("__written"))
    clashes = (
        rows.filter(usable)
        .join(written, on=ROW, how="left")
        .with_columns(
            first.alias("__first"),
            pl.col("__written").sort_by(ROW).first().over(group).alias("__first_score"),
        )
    )
    bad = clashes.filter(pl.col(ROW) != pl.col("__first")).sort(ROW)
    label = score if score == "score" else f"{score} (score)"
    told = [
        f"the same Epoch record ({record}) as line {loaded.line_of(there)} with a different "
        f"{label}: {here} here, {theirs} on line {loaded.line_of(there)}"
        for there, record, here, theirs in bad.select(
            "__first", "__record", "__written", "__first_score"
        ).iter_rows()
    ]
    return bad.select(ROW).with_columns(pl.Series("message", told, dtype=pl.String))


def _benchmarks(results: pl.DataFrame, loaded: Loaded) -> Part:
    """The benchmarks a results file names, to be created where the database lacks them:
    one the adapter does not know is named as the file names it (`__bench_name`, in the
    Hub's and the runs'), else after its slug (an external file's name)."""
    if "__bench_name" not in results.columns:
        results = results.with_columns(pl.lit(None, pl.String).alias("__bench_name"))
    firsts = (
        results.sort(ROW)
        .group_by("benchmark", maintain_order=True)
        .agg(pl.col(ROW).first(), pl.col("__bench_name").first())
    )
    rows = []
    for bench, row, given in firsts.iter_rows():
        name, unit, metric, url = CATALOG.get(
            bench, (given or bench.replace("-", " ").title(), "percent", None, None)
        )
        rows.append(
            {ROW: row, "slug": bench, "name": name, "unit": unit, "metric": metric, "url": url}
        )
    frame = pl.DataFrame(
        rows,
        schema={ROW: pl.UInt32, "slug": pl.String, "name": pl.String, "unit": pl.String}
        | {"metric": pl.String, "url": pl.String},
    )
    return Part(BENCHMARKS, frame, loaded.source, loaded.line_of, mode="missing")


def _why(model: pl.Expr, score: pl.Expr, model_column: str) -> pl.Expr:
    return (
        pl.when(model.is_null())
        .then(pl.lit(f"no {model_column}"))
        .when(score.is_null())
        .then(pl.lit("no score"))
        .otherwise(None)
        .alias("__why")
    )


def _unfinished(column: str) -> pl.Expr:
    """Why a run is no result: its status says it did not succeed (a failed run's
    score, if any, measures the failure). A run with no status is taken, as a file
    without the column gives none."""
    status = text(column)
    return (
        pl.when(status.is_not_null() & (status.str.to_lowercase() != "success"))
        .then(pl.lit("Status ") + status + pl.lit(", not Success"))
        .otherwise(None)
    )


def _external(loaded: Loaded, file: Path) -> Publication:
    frame = loaded.frame
    if "Model version" not in frame.columns:  # pragma: no cover - _detect requires it
        raise TrendlabError(f"{loaded.source}: no `Model version` column")
    # A second download read alone (or in a folder without the first) is the same
    # benchmark's file: it made a benchmark `mmlu-1`.
    first = re.fullmatch(SECOND_DOWNLOAD, file.stem)
    stem = first[1] if first else file.stem
    key = stem.lower().removeprefix("external_benchmark_")
    bench = EXTERNAL.get(key, slugify(key.replace("_", "-")))
    score_column = next(c for c in SCORE_COLUMNS if c in frame.columns)
    scale = SCORE_COLUMNS[score_column]
    if scale == "minutes":
        score, ulp = text(score_column), written_ulp(text(score_column))
    else:
        score, ulp = percent_score(score_column, scale)
    model, effort = split_effort("Model version")
    shots = pl.lit(None, pl.String)
    checks = []  # the cells only the notes or the setting hold, which no validation sees
    if "Shots" in frame.columns:
        checks.append(shots_problem("Shots", "Shots (setting)"))
        shots = shots_setting("Shots")
    agent = (
        pl.lit("agent: ") + text("Agent") if "Agent" in frame.columns else pl.lit(None, pl.String)
    )
    version = text("LiveBench Version") if "LiveBench Version" in frame.columns else None
    record = next((c for c in ("UUID", "id") if c in frame.columns), None)
    notes = [text(c) for c in ("Notes", "Notes (details)") if c in frame.columns]
    if "Date added" in frame.columns:
        added = iso_day("Date added", "%d/%m/%Y")
        # Only the notes hold it: a cell that is no day was dropped from them in silence.
        checks.append(
            pl.when(text("Date added").is_not_null() & added.is_null()).then(
                pl.lit("Date added: '")
                + text("Date added")
                + pl.lit("' is not a date (DD/MM/YYYY)")
            )
        )
        notes.append(pl.lit("added to the leaderboard ") + added)
    if {"CI_low", "CI_high"} <= set(frame.columns):
        checks.append(_interval_problem())
        notes.append(
            pl.lit("95% CI ")
            + number_text(text("CI_low").cast(pl.Float64, strict=False))
            + pl.lit("-")
            + number_text(text("CI_high").cast(pl.Float64, strict=False))
        )
    if "Accuracy SE" in frame.columns:
        checks.append(_error_problem())
        notes.append(pl.lit("standard error ") + text("Accuracy SE"))
    if record:
        notes.append(pl.lit("Epoch AI record ") + text(record))
    label = next((c for c in ("Name", "Agent", "id") if c in frame.columns), "Model version")
    record_id = text(record) if record else pl.lit(None, pl.String)
    columns = {
        "model": model,
        "benchmark": pl.lit(bench),
        "score": score,
        "setting": join_parts(shots, effort, agent, *([version] if version is not None else [])),
        "source_url": text("Source link") if "Source link" in frame.columns else pl.lit(None),
        "source_kind": _source_kind(frame, "Source link", "Source"),
        "notes": join_parts(*notes) if notes else pl.lit(None),
        "__label": text(label),
        "__record": record_id,
        "__ulp_score": ulp,
        "__problem": pl.when(model.is_not_null()).then(join_parts(*checks))
        if checks
        else pl.lit(None, pl.String),
    }
    why = _why(model, text(score_column), "model version")
    # A file without ids (os_world's) names no record: the stored results it lacks are
    # found by key, not as every record whose id it does not hold.
    note = RECORD_NOTE if record else None
    read_from = {"model": "Model version", "score": score_column, "source_url": "Source link"}
    return _results(
        loaded,
        file,
        frame,
        columns,
        why,
        covers=[bench],
        record_note=note,
        read_from=read_from,
        score_column=score_column,
    )


def _interval_problem() -> pl.Expr:
    """Why a row's CI_low or CI_high is no bound, else null: only the notes hold them,
    where no validation sees them (a bound that was no number dropped the interval in
    silence; one upside down was written as it came)."""
    bounds = {c: text(c).cast(pl.Float64, strict=False) for c in ("CI_low", "CI_high")}
    figure = (
        pl.when(text(c).is_not_null() & (v.is_null() | ~v.is_finite()))
        .then(pl.lit(f"{c}: ") + quoted_cell(text(c)) + pl.lit(" is not a finite number"))
        .when(v < 0)
        .then(pl.lit(f"{c}: ") + quoted_cell(text(c)) + pl.lit(" must be at least 0"))
        for c, v in bounds.items()
    )
    upside_down = pl.when(bounds["CI_low"] > bounds["CI_high"]).then(
        pl.lit("CI_low: ")
        + quoted_cell(text("CI_low"))
        + pl.lit(" is above CI_high ")
        + quoted_cell(text("CI_high"))
    )
    return pl.coalesce(*figure, upside_down)


def _error_problem() -> pl.Expr:
    """Why a row's Accuracy SE (0.4%, as written) is no standard error, else null: only
    the notes hold it, where no validation sees it ('standard error abc' was written)."""
    cell = text("Accuracy SE")
    figure = cell.str.strip_suffix("%").str.strip_chars().cast(pl.Float64, strict=False)
    return (
        pl.when(cell.is_not_null() & (figure.is_null() | ~figure.is_finite()))
        .then(pl.lit("Accuracy SE: ") + quoted_cell(cell) + pl.lit(" is not a finite number"))
        .when(figure < 0)
        .then(pl.lit("Accuracy SE: ") + quoted_cell(cell) + pl.lit(" must be at least 0"))
    )


def _source_kind(frame: pl.DataFrame, link_column: str, name_column: str) -> pl.Expr:
    """paper for arXiv links and technical reports, leaderboard for leaderboards and
    HELM; otherwise unknown."""
    missing = pl.lit(None, pl.String)
    link = text(link_column) if link_column in frame.columns else missing
    name = text(name_column) if name_column in frame.columns else missing
    return (
        pl.when(link.str.contains(r"arxiv\.org") | name.str.contains(r"(?i)technical report|paper"))
        .then(pl.lit("paper"))
        .when(name.str.contains(r"(?i)leaderboard|HELM|website"))
        .then(pl.lit("leaderboard"))
        .otherwise(None)
    )


def _task_benchmark(column: str) -> pl.Expr:
    name = text(column).str.to_lowercase()
    return name.replace_strict(TASKS, default=None, return_dtype=pl.String).fill_null(slug(name))


def _runs(loaded: Loaded, file: Path) -> Publication:
    frame = _optional(loaded.frame, ("id", "logs", "log viewer", "job", "Status"))
    model, effort = split_effort("model")
    score_column = "Best score (across scorers)"
    # The run's log, else its viewer or CI job; a run with none is still one Epoch
    # publishes on its Benchmarking Hub.
    source = pl.coalesce(
        url_or_null("logs"), url_or_null("log viewer"), url_or_null("job"), pl.lit(HUB_URL)
    )
    score, ulp = percent_score(score_column, "fraction")
    # Epoch names a run's log (and its viewer's link to it) by the run's id, so a
    # file without the id column still names the runs it has logs of: without them,
    # a run the database holds under the Hub's model version would be added twice.
    logged = r"inspect_ai_logs(?:/|%2F)([A-Za-z0-9]+)\.eval\b"
    record = pl.coalesce(
        text("id"),
        text("logs").str.extract(logged, 1),
        text("log viewer").str.extract(logged, 1),
    )
    columns = {
        "model": model,
        "benchmark": _task_benchmark("task"),
        "score": score,
        "setting": join_parts(effort),
        "source_url": source,
        "source_kind": pl.lit("independent"),
        "notes": pl.lit("Epoch AI run ") + record,
        "__label": text("model"),
        "__bench_name": text("task"),
        "__record": record,
        "__ulp_score": ulp,
    }
    why = pl.coalesce(_unfinished("Status"), _why(model, text(score_column), "model"))
    named = "id" in loaded.frame.columns or frame.select(record.is_not_null().any()).item()
    note = RECORD_NOTE if named else None
    # Named as read, in percent: an error quotes 1.5 as the 150.0 it was read as.
    read_from = {
        "model": "model",
        "benchmark": "task",
        "score": f"{score_column} as a percent",
    }
    return _results(
        loaded,
        file,
        frame,
        columns,
        why,
        record_note=note,
        read_from=read_from,
        score_column=score_column,
    )


# -- the Benchmarking Hub extract --------------------------------------------------------


def _hub(loaded: Loaded, file: Path) -> Publication:
    optional = ("eval_kind", "source", "source_link", "epoch_row_id", "shots", "display_name")
    frame = _optional(
        loaded.frame, (*optional, "organization", "release_date", "training_compute_flop")
    )
    model, effort = split_effort("model_version")
    own_run = text("eval_kind") == "epoch_run"
    scale = pl.when(text("score_scale") == "0-1").then(pl.lit(100.0)).otherwise(pl.lit(1.0))
    raw = text("score")
    number = raw.cast(pl.Float64, strict=False)
    score = scaled_text(raw, number * scale)
    ulp = written_ulp(raw) * scale  # merge compares at the precision the Hub wrote
    # A row without its own link is still published in the Hub's data.
    source = pl.coalesce(url_or_null("source_link"), pl.lit(HUB_URL))
    record = pl.when(own_run).then(pl.lit("Epoch AI run ")).otherwise(pl.lit("Epoch AI record "))
    columns = {
        "model": model,
        "benchmark": _task_benchmark("benchmark"),
        "score": score,
        "setting": join_parts(shots_setting("shots"), effort),
        "source_url": source,
        "source_kind": pl.when(own_run)
        .then(pl.lit("independent"))
        .otherwise(_source_kind(frame, "source_link", "source")),
        "notes": record + text("epoch_row_id"),
        "__label": text("model_version"),
        "__bench_name": text("benchmark"),
        "__record": text("epoch_row_id"),
        "__ulp_score": ulp,
        "__problem": _hub_problem(),
    }
    # The Hub's copy of a record the stitching files also hold is the one kept.
    note = RECORD_NOTE if "epoch_row_id" in loaded.frame.columns else None
    why = _why(model, raw, "model_version")
    publication = _results(
        loaded,
        file,
        frame,
        columns,
        why,
        precedence=1,
        record_note=note,
        read_from={"model": "model_version"},
    )
    publication.parts[:0] = _hub_models(loaded, frame)
    return publication


def _hub_problem() -> pl.Expr:
    """Why a Hub row is refused (with its fields' own problems: see _refuse_bad_rows),
    else null. Every row's scale, release date, training compute and organization,
    including rows of a model described again further down or already in the database
    (only one row per model is kept, and only for a model the database lacks): a scale
    that is not said, a fraction outside its 0-1 scale, a date or figure that is not
    one, an organization that validation would refuse where the model takes it from,
    or an organization, release date or training compute other than the one an
    earlier row gives the model, is an error at its line, not a guess."""
    compute = text("training_compute_flop")
    flop = compute.cast(pl.Float64, strict=False)
    base, _ = split_effort("model_version")
    scale = pl.when(~text("score_scale").is_in(["0-1", "0-100"]).fill_null(False)).then(
        pl.lit("score_scale: ")
        + pl.coalesce(pl.lit("'") + text("score_scale") + pl.lit("'"), pl.lit("(empty)"))
        + pl.lit(" is not 0-1 or 0-100")
    )
    figure = (
        pl.when(compute.is_not_null() & (flop.is_null() | ~flop.is_finite()))
        .then(pl.lit("training_compute_flop: '") + compute + pl.lit("' is not a finite number"))
        .when(flop <= 0)
        .then(pl.lit("training_compute_flop: '") + compute + pl.lit("' must be greater than 0"))
    )
    # Read in percent (x 100), a fraction out of range would be quoted as a number the
    # file does not hold: it is quoted as written. A row left out (no model) is not.
    fraction = text("score").cast(pl.Float64, strict=False)
    outside = pl.when(
        base.is_not_null()
        & (text("score_scale") == "0-1")
        & fraction.is_finite()
        & ((fraction < 0) | (fraction > 1))
    ).then(pl.lit("score: '") + text("score") + pl.lit("' is outside 0-1, the row's score_scale"))
    disagreeing = (_disagreeing(column, value, base) for column, value in _MODEL_FIELDS.items())
    named = _refused_where_taken("organization", "organization", base)
    shots = pl.when(base.is_not_null()).then(shots_problem("shots", "shots (setting)"))
    return pl.coalesce(
        scale, outside, _not_a_date("release_date", base), named, figure, shots, *disagreeing
    )


def _not_a_date(column: str, model: pl.Expr, label: str | None = None) -> pl.Expr:
    """Why a row's cell in `column` is no date, named `label` (its column), else null;
    in the row its `model` takes the date from, why validation would refuse it (see
    _refused_where_taken)."""
    cell = text(column)
    return pl.coalesce(
        pl.when(cell.is_not_null() & cell.str.to_date("%Y-%m-%d", strict=False).is_null()).then(
            pl.lit(f"{label or column}: '") + cell + pl.lit("' is not a date (YYYY-MM-DD)")
        ),
        _refused_where_taken(column, "release_date", model, label),
    )


def _refused_where_taken(
    column: str, field: str, model: pl.Expr, label: str | None = None
) -> pl.Expr:
    """Why validation would refuse the cell in `column` (read as `field`, named
    `label`) of the row its `model` takes it from (see _first_given), else null: the
    model is validated at its first row, which may leave it empty, and an error there
    would name a line that does not hold the value."""
    cell = text(column)
    taken = pl.col(ROW) == pl.col(ROW).filter(cell.is_not_null()).first().over(slug(model))
    return pl.when(taken).then(field_problem(MODELS, field, cell, label or column))


def _disagreeing(
    column: str, value: Callable[[pl.Expr], pl.Expr], model: pl.Expr, label: str | None = None
) -> pl.Expr:
    """Why a row's cell in `column`, compared as `value` reads it, is not what the first
    row of its `model` that gives one gives (see _first_given), named `label` (its
    column), else null."""
    first = _first_given(column, model)
    return pl.when(model.is_not_null() & (value(text(column)) != value(first))).then(
        pl.lit(f"{label or column}: '")
        + text(column)
        + pl.lit("' is not '")
        + first
        + pl.lit("', which an earlier row gives model ")
        + model
    )


def _refuse_rows(loaded: Loaded, frame: pl.DataFrame, problem: pl.Expr) -> None:
    """An error listing every row `problem` (null for a good row) finds bad, as an
    import lists its bad rows, so that one run names every row to fix."""
    bad = frame.select(ROW, problem.alias("message")).filter(pl.col("message").is_not_null())
    if not bad.is_empty():
        raise row_errors(bad, loaded.source, loaded.line_of)


def _figure(cell: pl.Expr) -> pl.Expr:
    """A training compute cell's figure, null unless it is one (its own error)."""
    flop = cell.cast(pl.Float64, strict=False)
    return pl.when(flop.is_finite() & (flop > 0)).then(flop)


# What a Hub row says of its model (each row repeats it), and how two rows' cells are
# compared: as the values they write, so 1e22 and 1.0E22 agree, and a malformed one is
# its own row's error, not the others'.
_MODEL_FIELDS: dict[str, Callable[[pl.Expr], pl.Expr]] = {
    "organization": lambda cell: cell,
    "release_date": lambda cell: cell.str.to_date("%Y-%m-%d", strict=False),
    "training_compute_flop": _figure,
}


def _first_given(column: str, model: pl.Expr) -> pl.Expr:
    """The value the first row of each `model` (by its slug) that gives one gives in
    column: a row that leaves it empty says nothing of it."""
    return text(column).drop_nulls().first().over(slug(model))


def _hub_models(loaded: Loaded, frame: pl.DataFrame) -> list[Part]:
    """The models the Hub's rows describe, created where the database lacks them."""
    base, _ = split_effort("model_version")
    described = (
        frame.with_columns(
            base.alias("__name"),
            (text("model_version") != base).alias("__suffixed"),
            *(_first_given(column, base).alias(f"__{column}") for column in _MODEL_FIELDS),
        )
        .filter(pl.col("__name").is_not_null())
        .sort("__suffixed", ROW)
        .unique("__name", keep="first")
        .sort(ROW)
    )
    versions = with_rows(
        described,
        {
            "slug": slug(pl.col("__name")),
            # Its id where the Hub gives no display name, as a catalog model's name falls
            # back to its id: a suffixed row's display name is the setting's, not the model's.
            "name": pl.coalesce(
                pl.when(~pl.col("__suffixed")).then(text("display_name")), pl.col("__name")
            ),
            **{column: pl.col(f"__{column}") for column in _MODEL_FIELDS},
            "source_url": pl.lit(HUB_URL),
            "__name": pl.col("__name"),
        },
    )
    models = versions.unique("slug", keep="first", maintain_order=True)
    parts = [Part(MODELS, models, loaded.source, loaded.line_of, mode="missing")]
    # Every id is an alias, as in the catalog (_model_versions).
    aliases = _aliases(versions, "Epoch AI model version id").with_columns(
        pl.lit(HUB_URL).alias("source_url")
    )
    if not aliases.is_empty():
        parts.append(Part(ALIASES, aliases, loaded.source, loaded.line_of, mode="missing"))
    return parts


_ORDER: list[Reader] = [_model_versions, _hub, _external, _runs]
