"""Write a Publication through one changeset: resolve model names, then validate and
append every part like any import (all or nothing, line-numbered errors)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from trendlab.adapters import Part, Publication, Skip
from trendlab.adapters.common import own_field_problems, slug
from trendlab.adapters.llm_prices import CACHED, FROM_RELEASE, PENDING_DATE, TO_DATE
from trendlab.adapters.llm_prices import SOURCE_URL as LLM_PRICES_URL
from trendlab.adapters.merge import (
    DUPLICATE,
    ELSEWHERE,
    UNDATED,
    absent,
    held_elsewhere,
    merge,
    stored_keys_kept,
    stored_text,
    undated,
)
from trendlab.adapters.metr import RELEASED
from trendlab.errors import TrendlabError
from trendlab.kinds import ALIASES, BENCHMARKS, MODEL_REFS, MODELS, PRICES, RESULTS, Kind
from trendlab.records import MAX_SHOWN_ERRORS, Changeset, Counts, row_errors
from trendlab.text import at_most, counted, listed
from trendlab.validate import (
    ROW,
    folded,
    names_read_as,
    stored_providers,
    stored_urls,
    url_form,
)

if TYPE_CHECKING:
    from trendlab.series import Command


@dataclass
class Unresolved:
    """Rows naming one model the database does not know."""

    name: str
    source: str
    lines: list[str]
    hint: str
    retracted: str | None = None  # the changeset that retracted the model of this slug

    def told(self, in_error: bool = False) -> str:
        """Where the rows are and how many, with the nearest known names or the
        changeset that retracted the model: the error and the list --skip-unresolved
        leaves out read alike, the error also saying what a name is and how to mend a
        retracted one (called unknown, its user was sent to `alias add` a slug)."""
        rows = f" ({len(self.lines)} rows)" if len(self.lines) > 1 else ""
        where = f"{self.source}:{self.lines[0]}: "
        if self.retracted is not None:
            fix = "; add it again first" if in_error else ""
            return (
                f"{where}model {self.name!r}{rows} was retracted in changeset {self.retracted}{fix}"
            )
        what = "unknown model " if in_error else ""
        return f"{where}{what}{self.name!r}{rows}{self.hint}"


@dataclass
class Outcome:
    """What an import did besides the per-kind counts of the changeset."""

    created_benchmarks: list[str] = field(default_factory=list)
    known_by_alias: list[str] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    # Rounder figures in the file that disagree with more precise stored ones (kept).
    kept: list[str] = field(default_factory=list)
    # Per kind: stored records from this source that the files no longer hold.
    absent: dict[str, list[str]] = field(default_factory=dict)

    @property
    def unresolved_rows(self) -> int:
        return sum(len(u.lines) for u in self.unresolved)

    def unresolved_models(self, unknown: str, plural: str | None = None) -> str:
        """How many models the unresolved rows name, the retracted ones apart: '2
        unknown models and 1 retracted model' (`unknown`, `plural`: the others' noun,
        as for counted). A name two files give is one model."""
        names = {u.name: u.retracted is not None for u in self.unresolved}
        gone = sum(names.values())
        kinds = [(len(names) - gone, unknown, plural), (gone, "retracted model", None)]
        return listed([counted(n, noun, more) for n, noun, more in kinds if n])

    def reset(self) -> None:
        """Empty, in place (the caller holds this object): for a run on a new state."""
        self.created_benchmarks, self.known_by_alias, self.kept = [], [], []
        self.unresolved, self.absent = [], {}


def apply(publication: Publication, cs: Changeset, *, skip_unresolved: bool = False) -> Outcome:
    """Write every part of `publication` in `cs`.

    Model names resolve through the database's slugs and aliases, including those the
    publication's own catalog adds earlier in the same changeset. A name that does not
    resolve fails the import, listed with its nearest candidates, unless
    `skip_unresolved`, when its rows are left out and reported in the outcome.

    It is one operation of the changeset: a team store's commit that loses a race runs
    all of it again on the new state, the merge with the stored records included (not
    only its writes, which would undo what the other writer committed meanwhile). The
    outcome, and the publication's list of rows left out, are then the last run's.
    """
    outcome = Outcome()
    read = list(publication.skipped)  # left out by the reader, whatever the state

    def run(cs: Changeset) -> None:
        outcome.reset()
        publication.skipped[:] = read
        _apply(publication, cs, outcome, skip_unresolved)

    cs.run(run)
    return outcome


def _apply(
    publication: Publication, cs: Changeset, outcome: Outcome, skip_unresolved: bool
) -> None:
    try:
        written = _write_parts(publication, cs, outcome)
    except TrendlabError as error:
        if outcome.unresolved and not skip_unresolved:
            # The unknown names found so far too, not only the bad values.
            unknown = _unresolved_error(outcome, cs.store.command)
            error.details = [*error.details, f"also: {unknown.message}", *unknown.details]
        raise
    if outcome.unresolved and not skip_unresolved:
        raise _unresolved_error(outcome, cs.store.command)
    for parts in written.values():
        _absent(parts, cs, outcome)


def _write_parts(
    publication: Publication, cs: Changeset, outcome: Outcome
) -> dict[str, list[Part]]:
    """Resolve, merge and write each part; returns the upserted parts by kind."""
    written: dict[str, list[Part]] = {}
    stored = _Stored(cs)
    # The results earlier parts wrote, with their source record and where they are.
    taken: list[tuple[Part, pl.DataFrame]] = []
    named = _named_by_new_records(publication, stored)
    # Models and benchmarks a results file would create that no row it keeps names.
    dropped: list[str] = []
    unmade: list[str] = []
    for part in publication.parts:
        frame = part.frame
        if part.kind is MODELS and "__name" in frame.columns:
            frame = _drop_known_by_alias(part, frame, cs, outcome)
        if part.kind is MODELS and part.mode == "missing":
            # Known models are left alone, and so are the organizations they name; but
            # a release date the database lacks is taken: it dates their results.
            _date_known_models(part, frame, cs)
            frame = frame.filter(~pl.col("slug").is_in(list(cs.refs.models)))
            if named is not None:
                dropped += [m for m in frame.get_column("slug").to_list() if m not in named[0]]
                frame = frame.filter(~pl.col("slug").is_in(dropped))
        if part.kind is ALIASES:
            frame = frame.filter(~pl.col("alias").is_in(list(cs.refs.models)))
            frame = frame.filter(~pl.col("model").is_in(dropped))
        if part.kind is BENCHMARKS and part.mode == "missing":
            known = cs.refs.benchmarks
            if named is not None:
                unmade += [
                    b for b in frame.get_column("slug").to_list() if b not in {*named[1], *known}
                ]
                frame = frame.filter(~pl.col("slug").is_in(unmade))
            outcome.created_benchmarks.extend(
                s for s in frame.get_column("slug").to_list() if s not in known
            )
        if part.kind is RESULTS and part.record_note:
            # Every row naming them is held under another key, as may be a row naming
            # a model no name resolves to (a version Epoch renamed since): left out as
            # such, not as naming a model the database does not know.
            unknown = cs.refs.resolver.expr("model").is_null() & pl.col("model").is_not_null()
            gone = slug(pl.col("model")).is_in(dropped) | pl.col("benchmark").is_in(unmade)
            held = held_elsewhere(
                RESULTS, frame.filter(gone | unknown), stored(RESULTS), part.record_note
            )
            frame = _leave_out(part, frame, held, ELSEWHERE, publication)
        if part.kind.name in MODEL_REFS and part.kind is not ALIASES:
            frame = _resolve(part, frame, cs, outcome)
        if part.kind is RESULTS and "__record" in frame.columns and taken:
            other = _taken_by_another_record(frame, taken)
            for same, reason in ((False, ANOTHER_RECORD), (True, ANOTHER_RECORD_SAME_SCORE)):
                rows = other.filter(pl.col("__same") == same).drop("__same")
                frame = _leave_out(part, frame, rows, reason, publication)
        if part.kind is RESULTS and RELEASED in frame.columns:
            # Before the merge leaves out what no date places: the date a results
            # file gives a model (METR's) dates it, as a catalog's does.
            released = pl.col(RELEASED).alias("release_date")
            _date_known_models(part, frame.select(ROW, pl.col("model").alias("slug"), released), cs)
        if part.kind is PRICES:
            # As the write will spell them (a vendor 'OPENAI' as the stored 'OpenAI'): the
            # merge finds a stored price by its key as written, and missed one spelled
            # otherwise (the write then took it for that price anyway, and its empty
            # notes erased the stored ones, though every figure agreed).
            frame = stored_providers(frame, cs.refs)
        if part.kind is RESULTS:
            # So too a source URL (HTTPS://EXAMPLE.ORG/r/ as the stored
            # https://example.org/r): its rounder score replaced the stored one, and its
            # notes the stored ones, where the same URL as stored changed nothing.
            frame = stored_urls(frame, cs.refs)
        if part.kind is PRICES and "effective_date" in frame.columns:
            frame = _date_undated(frame, cs, stored(PRICES))
            # Before the same-day and duplicate checks: a price the list ended by the
            # day it is dated is no price of that day, whatever else the list gives it.
            ended = _undated_prices_that_ended(frame)
            frame = _leave_out(part, frame, ended, ENDED_BEFORE_RELEASE, publication)
            _refuse_undatable(part, frame, cs.store.command)
            _refuse_same_day(part, frame)
        if part.mode == "upsert":
            written.setdefault(part.kind.name, []).append(part)
            _refuse_bad_left_out(part, frame)
            # Every row as the source gives it must be valid, not only those the merge
            # keeps: a bad score is an error even where a stored one is kept instead.
            cs.validated(
                part.kind,
                _as_written(frame),
                source=part.source,
                line_of=part.line_of,
                names=part.columns,
                kept=part.judged,
            )
            # Only validation reads it: the merge matches rows by their columns.
            frame = frame.drop(_WRITTEN, strict=False)
            frame = _merge(part, frame, cs, stored(part.kind), publication, outcome)
        if part.kind is RESULTS and "__record" in frame.columns:
            taken.append((part, _taken(frame)))
        frame = _fields(frame)
        if frame.is_empty():
            continue
        cs.write(
            part.kind,
            frame,
            mode=part.mode,
            source=part.source,
            line_of=part.line_of,
            names=part.columns,
        )
    return written


ANOTHER_RECORD = "another Epoch AI record, with another score, at a result another file holds"
# No conflict, but the record is not written: listed, so that it is not lost in silence.
ANOTHER_RECORD_SAME_SCORE = (
    "another Epoch AI record, with the same score, at a result another file holds"
)


def _result_key(frame: pl.DataFrame) -> list[pl.Expr]:
    # Source URLs as the write compares them: files of one publication may spell one
    # URL otherwise (HTTPS://EXAMPLE.ORG/p/ in one, https://example.org/p in another).
    return [
        (
            url_form(pl.col(k).str.strip_chars())
            if k == "source_url"
            else pl.col(k).str.strip_chars()
        ).alias(k)
        for k in RESULTS.key_fields
    ]


def _taken(frame: pl.DataFrame) -> pl.DataFrame:
    """The results `frame` writes: key, source record, score and row."""
    return frame.select(
        *_result_key(frame),
        pl.col("__record").alias("__taken_record"),
        pl.col("score").cast(pl.Float64, strict=False).alias("__taken_score"),
        pl.col(ROW).alias("__taken_row"),
    )


def _taken_by_another_record(
    frame: pl.DataFrame, taken: list[tuple[Part, pl.DataFrame]]
) -> pl.DataFrame:
    """(ROW, held: file:line, __same: the same score) of rows at a result key an earlier
    file of the publication wrote with another source record: with another score,
    written too, one overwrote the other in silence (a Hub extract's record by a
    stitching file's), and each re-import changed it back; with the same score, the
    merge found it unchanged and its record was dropped unlisted."""
    keys = list(RESULTS.key_fields)
    rows = frame.select(ROW, *_result_key(frame), "__record", "score")
    other = pl.col("__record").ne_missing(pl.col("__taken_record"))
    same = pl.col("score").cast(pl.Float64, strict=False).eq_missing(pl.col("__taken_score"))
    found = []
    for part, written in taken:
        clash = (
            rows.join(written, on=keys, how="inner", nulls_equal=True)
            .filter(other)
            .with_columns(same.alias("__same"))
        )
        # Where it is, only for the few rows left out: a file's line numbers may mean
        # reading it again (see ingest's line_of).
        name = part.source.replace("\\", "/").rsplit("/", 1)[-1]
        held = [f"{name}:{part.line_of(r)}" for r in clash.get_column("__taken_row")]
        found.append(
            clash.select(ROW, "__same").with_columns(pl.Series("held", held, dtype=pl.String))
        )
    return pl.concat(found).unique(ROW, keep="first", maintain_order=True)


def _named_by_new_records(
    publication: Publication, stored: _Stored
) -> tuple[set[str], set[str]] | None:
    """The models (as slugs) and benchmarks the publication's results name, but for rows
    whose source record the database already holds (the merge leaves them out, see
    held_elsewhere): those alone would have a model or benchmark created with no
    result. None for a publication without results."""
    parts = [p for p in publication.parts if p.kind is RESULTS]
    if not parts:
        return None
    notes = None
    rows = []
    for part in parts:
        frame = part.frame
        if part.record_note and "__record" in frame.columns:
            if notes is None:
                notes = stored(RESULTS).get_column("notes")
            held = notes.str.extract(part.record_note, 1).drop_nulls().implode()
            frame = frame.filter(~pl.col("__record").is_in(held).fill_null(False))
        rows.append(frame.select(slug(pl.col("model")).alias("model"), "benchmark"))
    named = pl.concat(rows)
    return set(named.get_column("model").drop_nulls()), set(
        named.get_column("benchmark").drop_nulls()
    )


def _refuse_bad_left_out(part: Part, frame: pl.DataFrame) -> None:
    """Refuse the rows of `part` left out before validation sees `frame` (naming a model
    no name resolves to, under --skip-unresolved; held under another key; ended before
    their model's release) whose own fields validation would refuse, with what it would
    say of the kept rows' own fields: left out, a price of -3 or a date 2024-02-30
    passed in silence, exit 0, where in a kept row it is an error."""
    left = part.frame.join(frame.select(ROW), on=ROW, how="anti")
    if left.is_empty():
        return
    bad = _own_problems(part, left)
    if not bad.is_empty():
        found = pl.concat([bad, _own_problems(part, frame)]).sort(ROW)
        raise row_errors(found, part.source, part.line_of)


def _own_problems(part: Part, rows: pl.DataFrame) -> pl.DataFrame:
    """(ROW, message) of `rows` whose own fields validation would refuse (a price the
    list gives no date has no date of its own yet)."""
    own = own_field_problems(part.kind, rows.columns, part.columns, PENDING_DATE)
    return rows.select(ROW, own.alias("message")).drop_nulls("message")


def _leave_out(
    part: Part, frame: pl.DataFrame, rows: pl.DataFrame, reason: str, publication: Publication
) -> pl.DataFrame:
    """`frame` without `rows` (__row, and where the record is held or null), which are
    listed as left out for `reason`."""
    # Listed in the file's order: the joins that find these rows keep no order, and
    # the list shows only its first lines.
    named = rows.join(frame.select(ROW, "model"), on=ROW, how="left").sort(ROW)
    for row, model, held in named.select(ROW, "model", "held").iter_rows():
        name = f"{model} = {held}" if held else model
        publication.skipped.append(Skip(part.source, part.line_of(row), name, reason))
    return frame.join(rows.select(ROW), on=ROW, how="anti")


def _date_known_models(part: Part, frame: pl.DataFrame, cs: Changeset) -> None:
    """Write the release dates a catalog gives for models the database holds undated."""
    if "release_date" not in frame.columns:
        return
    undated = [m for m, released in cs.refs.models.items() if released is None]
    dated = (
        frame.filter(pl.col("slug").is_in(undated) & pl.col("release_date").is_not_null())
        .select(ROW, "slug", "release_date")
        # Once a model: METR gives it with each of its keys (gpt_4, gpt_4_inspect).
        .unique(["slug", "release_date"], keep="first", maintain_order=True)
    )
    twice = dated.filter(pl.col("slug").is_duplicated())
    if not twice.is_empty():
        slug = twice.item(0, "slug")
        (first, _, day), (row, _, other) = twice.filter(pl.col("slug") == slug).head(2).iter_rows()
        raise TrendlabError(
            f"{part.source}:{part.line_of(row)}: release date {other} of {slug}, which "
            f"{part.source}:{part.line_of(first)} gives as {day}"
        )
    if not dated.is_empty():
        cs.write(MODELS, dated, mode="upsert", source=part.source, line_of=part.line_of)


def _fields(frame: pl.DataFrame) -> pl.DataFrame:
    """The record's fields and its row number, without the adapters' working columns."""
    return frame.drop([c for c in frame.columns if c.startswith("__") and c != ROW])


class _Stored:
    """Each kind's current records as text (stored_text), read when first asked for and
    again only once this changeset has changed them: each part's merge reads them, and
    a folder of Epoch files has a part of results per file."""

    def __init__(self, cs: Changeset):
        self.cs = cs
        self._read: dict[str, tuple[tuple[int, ...], pl.DataFrame]] = {}

    def __call__(self, kind: Kind) -> pl.DataFrame:
        # Every write of the changeset counts what it changed, so equal counts are
        # the same records (a replay after a conflict starts anew, and so does this).
        counts = self.cs.counts.get(kind.name) or Counts()
        state = (counts.inserted, counts.restored, counts.updated, counts.retracted, counts.revised)
        held = self._read.get(kind.name)
        if held is None or held[0] != state:
            held = (state, stored_text(kind, self.cs.store.records(kind, fields_only=True)))
            self._read[kind.name] = held
        return held[1]


def _merge(
    part: Part,
    frame: pl.DataFrame,
    cs: Changeset,
    stored: pl.DataFrame,
    publication: Publication,
    outcome: Outcome,
) -> pl.DataFrame:
    """Leave out what the database places elsewhere or cannot date, then merge the rest
    with `stored`, the kind's current records as text (adapters.merge)."""

    def leave_out(rows: pl.DataFrame, reason: str) -> pl.DataFrame:
        return _leave_out(part, frame, rows, reason, publication)

    if part.kind is PRICES:
        frame = leave_out(_undated_prices_that_differ(frame, stored), UNDATED_PRICE)
    if part.record_note:
        # The repeats' model names are the reader's; the stored keys hold slugs.
        repeats = part.repeats
        if not repeats.is_empty():
            repeats = repeats.with_columns(cs.refs.resolver.slug_or_name("model"))
        placed, revived, displaced = stored_keys_kept(
            part.kind, frame, repeats, stored, part.record_note
        )
        lines = {part.line_of(row) for row in revived}
        publication.skipped[:] = [
            s for s in publication.skipped if s.source != part.source or s.line not in lines
        ]
        if displaced:  # listed as left out while `frame` still names them
            leave_out(
                pl.DataFrame({ROW: displaced, "held": None}).cast({ROW: pl.UInt32}), DUPLICATE
            )
        frame = placed
        frame = leave_out(held_elsewhere(part.kind, frame, stored, part.record_note), ELSEWHERE)
    if part.kind is RESULTS:
        dated = [m for m, released in cs.refs.models.items() if released is not None]
        rows = frame.filter(undated(frame, dated)).select(
            ROW, pl.lit(None, pl.String).alias("held")
        )
        frame = leave_out(rows, UNDATED)
    frame, kept = merge(part.kind, frame, stored)
    if part.kind is PRICES and TO_DATE in frame.columns:
        frame = _ended(frame)
    outcome.kept.extend(
        f"{part.source}:{part.line_of(k.row)}: {k.key}: {k.field} {k.given} "
        f"(the database's {k.stored} kept)"
        for k in kept
    )
    return frame


def _ended(frame: pl.DataFrame) -> pl.DataFrame:
    """Merged llm-prices prices with the end the list now gives them (a `to_date`) as
    their notes' last part (`until 2024-06-01`), in place of any end noted before, or
    none where the list gives none: a price has no end date of its own, and a
    restatement (merge rule 3) keeps the stored notes, so a re-import of a list that
    had ended one of its own prices since, moved its end or taken it back left the old
    word. So is a cached input price the list gives (`cached input $0.75/Mtok`, before
    the end), in place of the one noted: the notes went on quoting a figure the list
    had changed. One it does not give stays noted, as historical.json has no field for
    it. A price citing another source keeps its notes, as rule 3 keeps its provenance."""
    end = pl.col(TO_DATE).str.strip_chars()
    cached = pl.col(CACHED)
    until = r"^until \d{4}-\d{2}-\d{2}$"
    # The adapter writes the cached price and then the end last, each one of the notes'
    # '; '-separated parts.
    cached_part = r"^cached input \$.*/Mtok$"
    parts = pl.col("notes").fill_null("").str.split("; ")
    ended = parts.list.eval(pl.element().str.contains(until)).list.any()
    # Not an empty part either: notes of none ended as '; until ...'.
    dropped = pl.element().str.contains(until) | (pl.element() == "")
    kept = (
        pl.when(cached.is_not_null())
        .then(
            parts.list.eval(pl.element().filter(~dropped & ~pl.element().str.contains(cached_part)))
        )
        .otherwise(parts.list.eval(pl.element().filter(~dropped)))
    )
    noted = kept.list.concat(
        pl.concat_list(
            pl.lit("cached input $") + cached + pl.lit("/Mtok"), pl.lit("until ") + end
        ).list.drop_nulls()
    ).list.join("; ")
    # The list's own in any spelling of its URL the write takes for it (a slash at the end).
    ours = (url_form(pl.col("source_url")) == url_form(pl.lit(LLM_PRICES_URL))) & (
        end.is_not_null() | ended | cached.is_not_null()
    )
    return frame.with_columns(
        pl.when(ours & (noted != ""))
        .then(noted)
        .when(ours)
        .then(None)
        .otherwise(pl.col("notes"))
        .alias("notes")
    )


def _absent(parts: list[Part], cs: Changeset, outcome: Outcome) -> None:
    kind = parts[0].kind
    if kind not in (RESULTS, PRICES):
        return
    current = cs.store.records(kind)
    stored = stored_text(kind, current).with_columns(current.get_column("id"))
    gone: list[str] = []
    # Parts that name their records find the stored ones they lack by id; the others
    # (a file without ids) by key, not as lacking every id.
    for named in (True, False):
        group = [p for p in parts if bool(p.record_note) is named]
        if not group:
            continue
        pattern = next((p.record_note for p in group if p.record_note), None)
        records = [r for p in group for r in p.records]
        # Models resolved first: a price is dated by the release date of the model its
        # name resolves to (an alias has none of its own).
        frames = [p.frame.with_columns(cs.refs.resolver.slug_or_name("model")) for p in group]
        if kind is PRICES:
            frames = [stored_providers(f, cs.refs) for f in frames]
            # An undated price is each stored price it restates, not only the one whose
            # date it took: the seeds hold llm-prices' GPT-4o price from the day the
            # tracker first listed it, and OpenAI's own from an earlier day.
            frames = [
                dated
                for f in frames
                for dated in (_date_undated(f, cs, stored), _restatements(f, stored))
            ]
        covers = [b for p in group for b in p.covers]
        gone += absent(kind, stored, frames, pattern=pattern, records=records, covers=covers)
    if gone:
        outcome.absent[kind.name] = sorted(gone)


def _drop_known_by_alias(
    part: Part, frame: pl.DataFrame, cs: Changeset, outcome: Outcome
) -> pl.DataFrame:
    """A catalog id that is already an alias of another model is that model: it is
    not created a second time under its own slug, but dates it where it is undated, as
    a catalog dates a model it names by its slug (merge rule 5: such a model's results
    were left out as placed by no date, though the file gives one)."""
    resolver = cs.refs.resolver
    marked = frame.with_columns(resolver.expr("__name").alias("__known"))
    clash = marked.filter(pl.col("__known").is_not_null() & (pl.col("__known") != pl.col("slug")))
    _date_known_models(part, clash.with_columns(pl.col("__known").alias("slug")), cs)
    # Once each: a folder's catalog and Hub extract both describe the model.
    outcome.known_by_alias.extend(
        known
        for known in (f"{n} = {m}" for n, m in clash.select("__name", "__known").iter_rows())
        if known not in outcome.known_by_alias
    )
    return marked.join(clash.select(ROW), on=ROW, how="anti").drop("__known")


def _resolve(part: Part, frame: pl.DataFrame, cs: Changeset, outcome: Outcome) -> pl.DataFrame:
    resolver = cs.refs.resolver
    marked = frame.with_columns(resolver.expr("model").alias("__slug"))
    missing = marked.filter(pl.col("__slug").is_null() & pl.col("model").is_not_null())
    gone = cs.refs.retracted(MODELS) if not missing.is_empty() else {}
    for (name,), rows in missing.group_by(["model"], maintain_order=True):
        outcome.unresolved.append(
            Unresolved(
                name=str(name),
                source=part.source,
                lines=[part.line_of(r) for r in rows.get_column(ROW).to_list()],
                hint=resolver.hint(str(name)),
                # Named as a write names a model's slug (validate._unknown_refs).
                retracted=gone.get(str(name).strip().lower()),
            )
        )
    resolved = marked.filter(pl.col("__slug").is_not_null() | pl.col("model").is_null())
    return resolved.with_columns(
        pl.coalesce("__slug", "model").alias("model"), pl.col("model").alias(_WRITTEN)
    ).drop("__slug")


# A model's name as the source writes it, which _resolve replaces by the model's slug.
_WRITTEN = "__model_as_written"


def _as_written(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame`'s fields with each model named as the source writes it, for validation,
    which resolves names itself: two rows naming one model by two of its names (METR's
    key and an alias) are then told as one key twice because those name one model, not
    as 'same model' of two names that look like two."""
    if _WRITTEN in frame.columns:
        frame = frame.with_columns(pl.col(_WRITTEN).alias("model"))
    return _fields(frame)


def _date_undated(frame: pl.DataFrame, cs: Changeset, stored: pl.DataFrame) -> pl.DataFrame:
    """A price a list gives no start date takes the date of the stored price it restates
    (_restatements), the earliest of several: a re-import finds it unchanged, where the
    seeds date it by the day the tracker first listed it. Any other takes its model's
    release date (empty when the model has none: see _refuse_undatable), and is marked
    so (__from_release)."""
    released = {k: str(v) for k, v in cs.refs.models.items() if v is not None}
    restated = (
        _restatements(frame, stored)
        .group_by(ROW)
        .agg(pl.col("effective_date").min().alias("__restated_from"))
    )
    undated = pl.col("effective_date") == FROM_RELEASE
    from_release = undated & pl.col("__restated_from").is_null()
    return (
        frame.join(restated, on=ROW, how="left", maintain_order="left")
        .with_columns(
            pl.when(from_release)
            .then(pl.col("model").replace_strict(released, default=None, return_dtype=pl.String))
            .when(undated)
            .then(pl.col("__restated_from"))
            .otherwise(pl.col("effective_date"))
            .alias("effective_date"),
            from_release.fill_null(False).alias(_FROM_RELEASE),
            (undated & ~from_release).fill_null(False).alias(_RESTATED),
        )
        .drop("__restated_from")
    )


def _restatements(frame: pl.DataFrame, stored: pl.DataFrame) -> pl.DataFrame:
    """The stored prices (`frame`'s key columns, source_url, and ROW: the row that
    restates each) that the rows `frame` gives no start date restate: the same model,
    provider (as names compare) and figures, as the merge compares them (a figure the
    row leaves empty agrees), whatever their date. Not a stored price at a day a dated
    row of `frame` gives the same model and provider: that one is that row's."""
    figures = ["input_usd_per_mtok", "output_usd_per_mtok"]
    key = ["model", "__provider", "effective_date"]

    def keyed(rows: pl.DataFrame) -> pl.DataFrame:
        return rows.with_columns(folded(rows.get_column("provider")).alias("__provider"))

    undated = keyed(frame.filter(pl.col("effective_date") == FROM_RELEASE))
    if undated.is_empty() or stored.is_empty():
        columns = [*PRICES.key_fields, "source_url"]
        return pl.DataFrame(schema={ROW: pl.UInt32} | {c: pl.String for c in columns})
    dated = keyed(frame.filter(pl.col("effective_date") != FROM_RELEASE)).select(key)
    held = keyed(stored).join(dated, on=key, how="anti")
    same = pl.all_horizontal(
        pl.col(f).cast(pl.Float64, strict=False).is_null()
        | pl.col(f)
        .cast(pl.Float64, strict=False)
        .eq(pl.col(f"{f}_held").cast(pl.Float64, strict=False))
        .fill_null(False)
        for f in figures
    )
    return (
        undated.select(ROW, "model", "__provider", *figures, "source_url")
        .join(
            held.select("model", "__provider", "provider", "effective_date", *figures),
            on=["model", "__provider"],
            suffix="_held",
        )
        .filter(same)
        .select(ROW, "model", "provider", "effective_date", "source_url")
    )


def _refuse_undatable(part: Part, frame: pl.DataFrame, command: Command) -> None:
    """A price the list gives no start date, of a model with no release date to date it
    by, is an error that says so (validation would only miss an effective_date, a field
    the list does not have), with the edit that dates the model (`command`: see
    series.Command)."""
    if _FROM_RELEASE not in frame.columns:
        return
    undated = frame.filter(pl.col(_FROM_RELEASE) & pl.col("effective_date").is_null())
    if not undated.is_empty():
        row, model = undated.select(ROW, "model").row(0)
        raise TrendlabError(
            f"{part.source}:{part.line_of(row)}: from_date: none given, and {model} has no "
            "release date to date the price by; give the price its from_date or the model "
            f"a release date ({command(f'edit model {model}')} --set release_date=YYYY-MM-DD)"
        )


def _refuse_same_day(part: Part, frame: pl.DataFrame) -> None:
    """Two prices of a model at a provider that the list's undated rows' dates put on
    one day are an error that says where the day came from: validation would name a
    from_date the list does not give them."""
    if _FROM_RELEASE not in frame.columns:
        return
    key = ["model", "__provider", "__day"]
    # The first of each day's rows, as validation names it; where the row or that first
    # row is undated, validation's duplicate would be this.
    marked = frame.with_columns(
        folded(frame.get_column("provider")).alias("__provider"),
        pl.col("effective_date").str.to_date("%Y-%m-%d", strict=False).alias("__day"),
    ).with_columns(pl.col(ROW).min().over(key).alias("__first"))
    origin = marked.select(ROW, _FROM_RELEASE, _RESTATED).rename(lambda c: f"{c}_first")
    twice = (
        marked.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in key))
        .filter(pl.col(ROW) != pl.col("__first"))
        .join(origin, left_on="__first", right_on=f"{ROW}_first")
        .filter(
            pl.any_horizontal(
                _FROM_RELEASE, _RESTATED, f"{_FROM_RELEASE}_first", f"{_RESTATED}_first"
            )
        )
        .sort(ROW)
    )
    if twice.is_empty():
        return
    row = twice.row(0, named=True)
    names = names_read_as(part.columns)
    here, there = part.line_of(row[ROW]), part.line_of(row["__first"])

    def why(released: bool, restated: bool) -> str | None:
        if released:
            return f"{row['model']}'s release date"
        return "a stored price of the same figures" if restated else None

    mine = why(row[_FROM_RELEASE], row[_RESTATED])
    first = why(row[f"{_FROM_RELEASE}_first"], row[f"{_RESTATED}_first"])
    undated = [(who, by) for who, by in ((there, first), ("this price", mine)) if by]
    if mine == first:
        told = f"neither gives a from_date: both are dated by {mine}"
    else:
        told = "; ".join(f"{who} gives no from_date: dated by {by}" for who, by in undated)
    fix = "them their" if len(undated) == 2 else f"{there if first else 'it'} its"
    raise TrendlabError(
        f"{part.source}:{here}: same {names.get('model', 'model')}, "
        f"{names.get('provider', 'provider')} and effective_date ({row['effective_date']}) "
        f"as {there}: {told}; give {fix} from_date; nothing was written"
    )


_FROM_RELEASE = "__from_release"
# Marks a price the list gives no start date that takes a stored price's date.
_RESTATED = "__restated"
UNDATED_PRICE = "undated in the list, and another price is stored from the model's release"


ENDED_BEFORE_RELEASE = "undated in the list, and its to_date is not after the model's release"


def _undated_prices_that_ended(frame: pl.DataFrame) -> pl.DataFrame:
    """(ROW, held) of prices dated by their model's release date for want of a date of
    their own whose list ends them (to_date) on or before that day: dated so, a price
    the list says was superseded would start after its successor, and be taken as the
    model's current price."""
    if _FROM_RELEASE not in frame.columns or TO_DATE not in frame.columns:
        return pl.DataFrame(schema={ROW: pl.UInt32, "held": pl.String})
    ended = pl.col(TO_DATE).str.to_date("%Y-%m-%d", strict=False)
    started = pl.col("effective_date").str.to_date("%Y-%m-%d", strict=False)
    return frame.filter(pl.col(_FROM_RELEASE) & (ended <= started)).select(
        ROW, pl.lit(None, pl.String).alias("held")
    )


def _undated_prices_that_differ(frame: pl.DataFrame, stored: pl.DataFrame) -> pl.DataFrame:
    """(ROW, held) of prices dated by their model's release date for want of a date of
    their own, where the database holds a different price at that date: such a price
    is the list's current one, not evidence of the launch price, and must not replace
    a dated one."""
    if _FROM_RELEASE not in frame.columns:
        return pl.DataFrame(schema={ROW: pl.UInt32, "held": pl.String})
    figures = ["input_usd_per_mtok", "output_usd_per_mtok"]
    at_release = stored.select(
        "model",
        folded(stored.get_column("provider")).alias("__provider"),
        "effective_date",
        *(pl.col(f).cast(pl.Float64).alias(f"__stored_{f}") for f in figures),
    )
    given = frame.filter(pl.col(_FROM_RELEASE))
    given = given.with_columns(folded(given.get_column("provider")).alias("__provider"))
    joined = given.join(at_release, on=["model", "__provider", "effective_date"])
    differs = pl.any_horizontal(
        pl.col(f).cast(pl.Float64, strict=False).ne_missing(pl.col(f"__stored_{f}"))
        for f in figures
        if f in joined.columns
    )
    return joined.filter(differs).select(ROW, pl.lit(None, pl.String).alias("held"))


def _unresolved_error(outcome: Outcome, command: Command) -> TrendlabError:
    """The error for the rows naming models the store does not know, each name with its
    lines, and the alias add that would name those not retracted (`command`: see
    series.Command), said of the file that holds them, as any import's error names it,
    or of how many files of their folder do (a folder's said nothing of where they were)."""
    details = at_most(
        [u.told(in_error=True) for u in outcome.unresolved], MAX_SHOWN_ERRORS, "model"
    )
    # A retracted model's line says how to mend it, and an alias cannot take its slug.
    missing = any(u.retracted is None for u in outcome.unresolved)
    details.append(
        f"add the missing names with `{command('alias add MODEL NAME')}` (or add the models), "
        "or pass --skip-unresolved to import the rest"
        if missing
        else "pass --skip-unresolved to import the rest"
    )
    rows = outcome.unresolved_rows
    sources = list(dict.fromkeys(u.source for u in outcome.unresolved))
    folders = {str(Path(s).parent) for s in sources}
    if len(sources) == 1:
        where, spread = f"{sources[0]}: ", ""
    else:
        where = f"{folders.pop()}: " if len(folders) == 1 else ""
        spread = f" of {len(sources)} files"
    unknown = "this database does not know"
    models = outcome.unresolved_models(f"model {unknown}", f"models {unknown}")
    return TrendlabError(
        f"{where}{counted(rows, 'row')}{spread} "
        f"{'names' if rows == 1 else 'name'} {models}; nothing was written",
        details=details,
    )
