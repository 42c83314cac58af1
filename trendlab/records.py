"""The write path: validate, then append revisions inside one changeset.

Nothing is updated in place or deleted. A changeset is written only if at least one
revision is; a write whose rows all match the current state leaves no trace.
"""

from __future__ import annotations

import contextlib
import functools
import getpass
import os
import re
import shlex
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar, cast

import duckdb
import polars as pl

from trendlab.aliases import Resolver
from trendlab.db import Store, held_interrupts
from trendlab.errors import ExitCode, TrendlabError
from trendlab.kinds import (
    ALIASES,
    BENCHMARKS,
    KINDS,
    MODELS,
    ORGANIZATIONS,
    PRICES,
    RESULTS,
    Kind,
    tally,
)
from trendlab.lake import (
    CONFLICT_RETRY_DELAYS,
    is_write_conflict,
    jittered,
    locked_error,
    lost_connection_error,
    unwritable_folder_problem,
)
from trendlab.nearest import nearest, suggest
from trendlab.organizations import Organizations, names_found, shared_name
from trendlab.text import (
    as_of_option,
    at_most,
    blank,
    counted,
    fold,
    format_character,
    matched_form,
    name_forms,
    number,
    quoted,
    shows_as_written,
    slugify,
)
from trendlab.validate import (
    FIELDS,
    REF,
    ROW,
    Refs,
    check_columns,
    joined_errors,
    merged_fields,
    names_read_as,
    staged_errors,
    staged_fields,
    stored_errors,
    unsigned_zero,
    url_form,
    validate,
)

MAX_SHOWN_ERRORS = 20
CHUNK_ROWS = 200_000  # rows diffed and appended at a time (for progress and memory)

# How incoming rows meet existing records with the same key:
#   upsert  - new keys are inserted, changed ones get a new revision (import)
#   add     - new keys only; an existing, different record is an error (add-*), and a
#             retracted one comes back with its stored values for the fields not given
#   missing - new keys only; existing ones, even retracted, are left alone (init seeds)
MODES = ("upsert", "add", "missing")
# The statuses of incoming rows that are written (see Store.staged_diff): a new or
# retracted key as an insert, a changed record as an update.
WRITTEN = ("new", "retracted", "changed")

F = TypeVar("F", bound=Callable[..., Any])


def default_author() -> str | None:
    """TRENDLAB_AUTHOR, else git's user.name, else the OS user; None where none names
    anyone. A name that is no name on one line is a usage error (as an --author of
    that kind is), not recorded: every changeset after it would carry it."""
    env = os.environ.get("TRENDLAB_AUTHOR", "").strip()
    if not blank(env):
        return env
    git = _git_user_name()
    if git and not blank(git):
        return _one_line_name(git, "git's user.name", ", or correct git's user.name")
    try:
        user = getpass.getuser().strip()
    except (KeyError, OSError):  # a container's user id with no name in /etc/passwd
        return None
    return _one_line_name(user, "the OS user's name", "") if user else None


def _git_user_name() -> str | None:
    """git's user.name, stripped; None where git or the name is not there."""
    try:
        out = subprocess.run(["git", "config", "user.name"], capture_output=True, timeout=2)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    try:
        return out.stdout.decode("utf-8").strip()
    except UnicodeDecodeError:
        # A name written in another encoding (Latin-1): it was an internal error, exit 70.
        raise TrendlabError(
            "git's user.name is not UTF-8 text, and it is recorded as the author of each "
            "change: give --author NAME (or set TRENDLAB_AUTHOR), or correct git's user.name",
            exit_code=ExitCode.USAGE,
        ) from None


def _one_line_name(name: str, source: str, fix: str) -> str:
    """`name` if it is one on one line, as --author must be; else a usage error naming
    `source`, and how to `fix` it besides --author."""
    if shows_as_written(name):
        return name
    raise TrendlabError(
        f"{source} '{name}' is not a name on one line, with no control characters, and it "
        f"is recorded as the author of each change: give --author NAME (or set "
        f"TRENDLAB_AUTHOR){fix}",
        exit_code=ExitCode.USAGE,
    )


@dataclass
class Counts:
    """What one write did to one kind."""

    inserted: int = 0
    # Retracted records written again: told apart from new ones, since writing one
    # undoes a retraction someone made for a reason.
    restored: int = 0
    updated: int = 0
    retracted: int = 0
    # Records a later write of the changeset changed again, in their one revision (see
    # Store.append_diff): counted once, as the earlier write counted them, but a change
    # all the same, which a reader of the changeset's records must see.
    revised: int = 0
    unchanged: int = 0
    # Existing records a "missing"-mode write left as they are though the input differs
    # (for init: seed records edited or retracted since, or changed in newer seeds); a
    # models write's counts the organizations its models name kept renamed, too.
    kept: int = 0
    # The keys written or found unchanged, in input order (a Series: an import may
    # hold a million).
    keys: pl.Series = field(default_factory=lambda: pl.Series("key", [], dtype=pl.String))
    # The keys among them counted unchanged: a later write of the changeset may change
    # one (an import's catalog finds a model unchanged, its results file dates it).
    same: pl.Series = field(default_factory=lambda: pl.Series("key", [], dtype=pl.String))
    # Results among `keys` that no date places (no reported date, a model with no
    # release date), per model: recorded, but no trend by date can show them.
    undated: dict[str, int] = field(default_factory=dict)
    # Results that score at most 1 on a percent benchmark whose floor is above it (see
    # Changeset._fraction_like): "0.865 on mmlu (line 2)".
    fraction_like: list[str] = field(default_factory=list)
    # Percent benchmarks whose ceiling is at most 1 (see Changeset._fraction_bounds):
    # "my-eval, ceiling 1 (line 2)".
    fraction_bounds: list[str] = field(default_factory=list)
    # Results and prices dated before their model's release (see
    # Changeset._before_release): "gpt-4 on 2021-01-01, released 2023-03-14 (line 2)".
    before_release: list[str] = field(default_factory=list)
    # The fields an add left out that a record it restored holds stored values of, kept
    # as they were (see Changeset._kept_by_restore), in the kind's field order.
    restored_kept: list[str] = field(default_factory=list)
    # Prices added by hand under a provider no other price names, near one that does
    # (see Changeset._near_providers): "'Open AI' (did you mean 'OpenAI'?)".
    near_providers: list[str] = field(default_factory=list)
    # Models whose release date a write moved past some of their results or prices:
    # (model, release date, how many results, how many prices).
    released_later: list[tuple[str, Any, int, int]] = field(default_factory=list)
    # Benchmarks this changeset changed, or wrote results of, so that what lies past
    # their ceiling changed (see Changeset._check_benchmarks_changed): (slug, ceiling,
    # how many results now).
    past_ceiling: list[tuple[str, float, int]] = field(default_factory=list)
    # Results a file added with no column for a key field (setting, source_url) while
    # a stored result has their model and benchmark (and setting): perhaps the same
    # results again, under another key for want of that column. (fields, how many)
    twins: tuple[list[str], int] = ([], 0)

    def reset(self) -> None:
        """Back to zero, in place (a changeset replayed after a conflict counts anew)."""
        self.inserted = self.restored = self.updated = self.retracted = self.revised = 0
        self.unchanged = self.kept = 0
        self.keys = self.keys.clear()
        self.same = self.same.clear()
        self.undated.clear()
        self.fraction_like.clear()
        self.fraction_bounds.clear()
        self.before_release.clear()
        self.near_providers.clear()
        self.restored_kept.clear()
        self.released_later.clear()
        self.past_ceiling.clear()
        self.twins = ([], 0)

    def describe(self, kind: Kind) -> str:
        """What this write did to `kind`, as log and diff say it (kinds.tally)."""
        return tally(
            kind.name,
            {
                "added": self.inserted,
                "restored": self.restored,
                "updated": self.updated,
                "retracted": self.retracted,
                "unchanged": self.unchanged,
            },
        )


def _written_before(counts: Counts, changed: pl.DataFrame) -> list[str]:
    """The keys of `changed` (a diff's rows) that an earlier write of the changeset
    wrote (not merely found unchanged: see _count_unchanged)."""
    if counts.keys.is_empty() or changed.is_empty():  # the first write pays nothing
        return []
    earlier = counts.keys.filter(~counts.keys.is_in(counts.same.implode()))
    keys = changed.get_column("key")
    return keys.filter(keys.is_in(earlier.implode())).to_list()


def _count_unchanged(counts: Counts, keys: pl.Series, written: pl.Series) -> None:
    """Count the records of `keys` a write left unchanged (`written`: which it wrote),
    each record once per changeset: one an earlier write of the changeset counted is not
    counted again, and one it found unchanged that this write changes is counted by
    what this write did ('1 updated, 485 unchanged' for 485 models said one twice)."""
    unchanged = keys.filter(~written)
    if not counts.keys.is_empty():  # only a second write of the kind pays for this
        earlier = counts.keys.implode()
        unchanged = unchanged.filter(~unchanged.is_in(earlier))
        changed_now = keys.filter(written)
        counts.unchanged -= int(changed_now.is_in(counts.same.implode()).sum())
        counts.same = counts.same.filter(~counts.same.is_in(changed_now.implode()))
    counts.unchanged += unchanged.len()
    counts.same.append(unchanged)
    counts.keys.append(keys)


def to_text(value: Any) -> str | None:
    """A stored value as the text an import file would hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


# What exportable says of a record holding a value no write stores, which it writes as
# it is: the store's own field rules judge it, as `check` does.
REFUSED_VALUES = "a value no write stores"


# The fields of a record that name another record, which must exist for it to import.
_REFERENCES = ("model", "benchmark")


def unknown_references(kind: Kind) -> str:
    """What exportable says of a record of `kind` naming a model or benchmark that no
    current record has, which it writes as it is: 'a model or benchmark that does not
    exist'."""
    named = [f for f in _REFERENCES if f in kind.field_names]
    return f"a {' or '.join(named)} that does not exist"


def exportable(
    kind: Kind, records: pl.DataFrame, refs: Refs | None = None
) -> tuple[pl.DataFrame, dict[str, list[tuple[Any, ...]]]]:
    """`records` of `kind` (its fields) as an export file holds them, and the keys (the
    values of its key fields) of the records that leaves with what import refuses,
    keyed by what they have instead ('a score that is not a finite number',
    unknown_references(kind), or REFUSED_VALUES).

    A number that is not finite (NaN, which only a write around trendlab stores and
    which trendlab reads as unknown, or an infinity) is written as unknown, as JSON
    has it anyway: CSV's 'NaN' and Parquet's NaN would not import back, while unknown
    does, but for a required field (a result's score), whose row import refuses, and
    for a price whose other side is unknown too, as a price needs one. A -0 (written
    around trendlab, or by an older trendlab's import) is written 0, as import stores it.
    Any other value no write stores (a date in 1850, a padded setting) is written as it
    is, and listed under REFUSED_VALUES: import refuses it, or stores another value.
    A model or benchmark no current record of `refs` has (a result of one since
    retracted around trendlab) is written as it is too: import refuses it.
    """
    numbers = [f.name for f in kind.fields if f.type == "float" and f.name in records.columns]
    finite = records.with_columns(
        pl.when(pl.col(name).is_finite()).then(unsigned_zero(pl.col(name))).alias(name)
        for name in numbers
    )
    if kind is MODELS and refs is not None and "organization" in finite.columns:
        finite = finite.with_columns(
            _portable_organizations(finite.get_column("organization"), refs)
        )
    required = [f.name for f in kind.fields if f.required and f.name in numbers]
    lost = {
        f"a {name} that is not a finite number": _newly_unknown(kind, records, finite, [name])
        for name in required
    }
    if kind is PRICES:
        sides = ["input_usd_per_mtok", "output_usd_per_mtok"]
        lost["no input or output price but one that is not a finite number"] = _newly_unknown(
            kind, records, finite, sides
        )
    if refs is not None:
        said = {key for keys in lost.values() for key in keys}
        lost[unknown_references(kind)] = [
            key for key in _naming_unknown(kind, finite, refs) if key not in said
        ]
    said = {key for keys in lost.values() for key in keys}
    lost[REFUSED_VALUES] = [key for key in _refused_values(kind, finite) if key not in said]
    return finite, {what: keys for what, keys in lost.items() if keys}


def _portable_organizations(organizations: pl.Series, refs: Refs) -> pl.Series:
    """Models' `organizations` as a new store reads them: each that names its
    organization only by what this store's history tells (a name it had before a
    rename, 'Acme Labs' for acme-labs now 'Zeta Corp', or a text current models wrote
    before validation refused it: see organizations.names_found) as its slug. A new
    store has no such history: given the organizations first, it refused the text as
    making the slug of one named otherwise; given the models first, the slug still
    makes the organization the organizations file then renames."""
    current = Organizations(refs.organizations)
    portable: dict[str, str] = {}
    for text in organizations.drop_nulls().unique():
        slug = current.slug_of(text)
        if slug is not None and not names_found(text, slug, current.names[slug], (), ()):
            portable[text] = slug
    return organizations.replace(portable) if portable else organizations


def _naming_unknown(kind: Kind, exported: pl.DataFrame, refs: Refs) -> list[tuple[Any, ...]]:
    """The keys of the `exported` records whose model or benchmark no current record of
    `refs` has (an unknown one, which `check` lists, not one left unknown)."""

    def known(field: str) -> list[str]:
        return list(refs.models if field == "model" else refs.benchmarks)

    unknown = [
        pl.col(f).is_not_null() & ~pl.col(f).is_in(known(f))
        for f in _REFERENCES
        if f in exported.columns
    ]
    if not unknown:
        return []
    return exported.filter(pl.any_horizontal(unknown)).select(kind.key_fields).rows()


def _refused_values(kind: Kind, exported: pl.DataFrame) -> list[tuple[Any, ...]]:
    """The keys of the `exported` records holding a value no write stores, by the
    store's own field rules (as `check` runs them): a record already said to be left
    unknown where import requires a value is found here too, as missing it."""
    key = kind.key_column
    if key not in exported.columns:  # a derived id, which export leaves out: the row
        exported = exported.with_row_index(key).with_columns(pl.col(key).cast(pl.String))
    broken = stored_errors(kind, exported).get_column("key").unique().to_list()
    return exported.filter(pl.col(key).cast(pl.String).is_in(broken)).select(kind.key_fields).rows()


def _newly_unknown(
    kind: Kind, records: pl.DataFrame, finite: pl.DataFrame, fields: list[str]
) -> list[tuple[Any, ...]]:
    """The keys of the rows that have every one of `fields` unknown in `finite` but not
    in `records`."""

    def unknown(frame: pl.DataFrame) -> pl.Series:
        return frame.select(pl.all_horizontal(pl.col(f).is_null() for f in fields)).to_series()

    newly = unknown(finite) & ~unknown(records)
    return records.filter(newly).select(kind.key_fields).rows()


def rows_frame(kind: Kind, rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Text rows (dicts of field -> value) as the frame `validate` expects."""
    columns = [f for f in kind.field_names if any(f in r for r in rows)]
    data = {c: [to_text(r.get(c)) for r in rows] for c in columns}
    return pl.DataFrame(data, schema={c: pl.String for c in columns}).with_row_index(ROW)


def _replayable(method: F) -> F:
    """Record a top-level Changeset operation so that a conflicting commit can redo it."""

    @functools.wraps(method)
    def wrapper(self: Changeset, *args: Any, **kwargs: Any) -> Any:
        if self._depth == 0:
            self._operations.append((method.__name__, args, kwargs))
        self._depth += 1
        try:
            return method(self, *args, **kwargs)
        finally:
            self._depth -= 1

    return cast(F, wrapper)


class Changeset:
    """One changeset in the making. Use as a context manager:

        with Changeset(store, author, message) as cs:
            cs.write(MODELS, frame)

    Everything inside runs in one transaction; an error rolls all of it back. With
    `dry_run` the work is done and counted, then rolled back; on a read-only store it
    fails as a DuckDB error where it would write.

    On a team store another writer may commit first; this commit then fails as a
    write conflict (see Store.claim_head). The changeset is rolled back and its
    operations (write, edit, retract) are run again on the new state, up to
    len(CONFLICT_RETRY_DELAYS) times. So a changeset always applies to the state it
    commits on, and no writer's revision is lost. Writers queue to commit (see
    Store.writers_queue): a queued one is redone at once, for the writes committed
    while it worked, and then no queued writer can get ahead of it; one that waited
    too long for its turn, or could not queue, races the others, redone after a
    growing, jittered wait.
    """

    def __init__(
        self,
        store: Store,
        author: str,
        message: str,
        *,
        dry_run: bool = False,
        on_commit: Callable[[str], None] | None = None,
    ):
        if store.read_only and not dry_run:
            raise TrendlabError("internal: a changeset needs a read-write store")
        if blank(message):
            raise TrendlabError("a change needs a message: pass -m MESSAGE")
        self.store = store
        self.author = author
        self.message = message
        self.dry_run = dry_run
        self.on_commit = on_commit  # called with the id once committed
        self.id: str | None = None
        self.counts: dict[str, Counts] = {}
        self._refs: Refs | None = None
        self._operations: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self._depth = 0  # > 0 while an operation runs (nested calls are not recorded)
        # Per benchmark this changeset writes: its ceiling and how many current results
        # lay past it before the first write (see _check_benchmarks_changed).
        self._past_ceiling_before: dict[str, tuple[float, int] | None] = {}
        # And its unit with how many current results lay outside that unit's range: a
        # write that keeps the unit has put none there (they were stored around trendlab).
        self._outside_unit_before: dict[str, tuple[str, int] | None] = {}
        # The benchmarks whose ceiling a result this changeset writes lies past (see
        # _note_results_past_ceiling).
        self._result_benchmarks: set[str] = set()
        # Per benchmark a file wrote: where it is (source, line_of, row), so that an error
        # found only once the whole changeset is written still names its line.
        self._benchmark_rows: dict[str, tuple[str, Callable[[int], str], int]] = {}

    def __enter__(self) -> Changeset:
        self.store.begin()
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None and self.id is not None:
            try:
                self._check_benchmarks_changed()
            except BaseException:
                self.store.rollback_quietly()
                raise
        if exc_type is not None:
            # Quietly: a lost connection fails the ROLLBACK too, and the error that
            # brought us here is the one to report.
            self.store.rollback_quietly()
            return
        if self.dry_run or self.id is None:
            self.store.con.execute("ROLLBACK")
            return
        with contextlib.ExitStack() as queue:
            try:
                queued = queue.enter_context(self.store.writers_queue())
            except BaseException:
                self.store.rollback_quietly()
                raise
            self._commit(queued)

    def _commit(self, queued: bool) -> None:
        """Commit, redoing the changeset while it loses races (without waiting when
        `queued`: the writers it lost to have committed)."""
        delays = iter(CONFLICT_RETRY_DELAYS)
        while True:
            try:
                with held_interrupts():
                    self.store.con.execute("COMMIT")
                    # Before a Ctrl-C can land: one after this is no longer "nothing
                    # was written".
                    if self.on_commit is not None and self.id is not None:
                        self.on_commit(self.id)
                return
            except duckdb.Error as error:
                delay = next(delays, None) if is_write_conflict(error) else None
                self.store.rollback_quietly()
                if delay is None:
                    raise _commit_error(error, self.store.location) from None
            if not queued:
                time.sleep(jittered(delay))
            if not self._replay():
                return
            try:
                self._check_benchmarks_changed()  # on the state the replay wrote onto
            except BaseException:
                self.store.con.execute("ROLLBACK")
                raise

    def _replay(self) -> bool:
        """After losing a race to another writer: redo every operation on the new state.

        Each one is validated and diffed again (revision numbers, and whether a row is
        new, may have moved). Returns whether there is still something to commit.
        """
        self.store.begin()
        try:
            self.id, self._refs = None, None
            self._past_ceiling_before = {}  # the new state's, read as the writes run again
            self._outside_unit_before = {}
            self._result_benchmarks = set()
            for counts in self.counts.values():  # in place: callers hold these objects
                counts.reset()
            operations, self._operations = self._operations, []
            for name, args, kwargs in operations:
                getattr(self, name)(*args, **kwargs)  # recorded again as it runs
        except BaseException:
            self.store.con.execute("ROLLBACK")
            raise
        if self.id is None:  # someone else already wrote the same: nothing left to do
            self.store.con.execute("ROLLBACK")
            return False
        return True

    @property
    def refs(self) -> Refs:
        if self._refs is None:
            self._refs = Refs(self.store)
        return self._refs

    def _changeset_id(self) -> str:
        if self.id is None:
            self.id = self.store.new_changeset(self.author, self.message)
        return self.id

    def summary(self) -> str:
        """What this changeset did per kind ('models: 2 added; ...') in the order of
        KINDS, as log and diff list it; empty when it did nothing."""
        return "; ".join(
            self.counts[k].describe(kind) for k, kind in KINDS.items() if k in self.counts
        )

    def _counts(self, kind: Kind) -> Counts:
        return self.counts.setdefault(kind.name, Counts())

    # -- writing validated rows ---------------------------------------------------------

    @_replayable
    def write(
        self,
        kind: Kind,
        raw: pl.DataFrame,
        *,
        mode: str = "upsert",
        source: str = "input",
        line_of: Callable[[int], str] | None = None,
        progress: Callable[[int], None] | None = None,
        absent: pl.DataFrame | None = None,
        given: dict[str, str] | None = None,
        names: dict[str, str] | None = None,
        changed: frozenset[str] | None = None,
        stored_key: dict[str, Any] | None = None,
    ) -> Counts:
        """Validate text rows of `kind` and append what is new or changed.

        `raw` has a __row column and String columns named after fields. Any bad row
        fails the whole write with every problem listed (the first 20, then a count).
        `changed`: the rows are of stored records and give only these fields that change
        (an edit), besides fields the rules on them read, so a required field they leave
        out keeps its stored value, and a rule on the whole record reading none of these
        is not run (see staged_errors); None: the rows give every field they change.
        `progress` is called with the number of rows written so far. `absent` says
        which rows leave which fields out (see ingest.Loaded): those keep their value.
        `given` says how a command line gave its record's fields, `names` the columns
        of a published file they were read from (see validate). `stored_key`: the key
        fields of the one stored record an edit revises, written as stored.
        """
        typed = self.validated(
            kind,
            raw,
            source=source,
            line_of=line_of,
            absent=absent,
            merging=mode,
            given=given,
            names=names,
            partial=changed is not None,
            kept=frozenset(stored_key or {}),
        )
        if kind is MODELS and changed is None and "organization" in typed.columns:
            typed = self._organizations_kept(typed)
        if stored_key:
            # Validation cleans a key field as it would a file's (strips it, resolves a
            # model): one stored before a rule refused it ('5-shot ' written around
            # trendlab) would derive another key, and the edit would add a record.
            typed = typed.with_columns(
                pl.lit(value, dtype=typed.schema[name]).alias(name)
                for name, value in stored_key.items()
            )
        counts = self._counts(kind)
        fraction_like = self._fraction_like(kind, typed, line_of)
        fraction_bounds = self._fraction_bounds(kind, typed, line_of)
        before_release = self._before_release(kind, typed, line_of)
        near_providers = self._near_providers(kind, typed, mode)
        if kind is BENCHMARKS and typed.height:
            self._note_state_before(typed.get_column("slug").to_list())
            if line_of is not None:
                for row, slug in typed.select(ROW, "slug").iter_rows():
                    self._benchmark_rows[slug] = (source, line_of, row)
        # An edit that changes none of the fields a rule reads leaves its verdict as
        # stored: a price written around trendlab with neither side (`check` lists it)
        # must not block editing its notes, nor a wrong-way floor one of the baseline.
        checked = bool(merged_fields(kind)) and (
            changed is None or bool(changed & set(staged_fields(kind)))
        )
        whole = changed is None or bool(changed & set(merged_fields(kind)))
        maybe_undated = self._maybe_undated(kind, typed)
        undating = self._undating(kind, typed)
        releasing = self._releasing_later(kind, typed)
        named: list[pl.Series] = []
        # A file without a key field's column (a JSON record without the field) gives
        # its rows the empty value: a row added then may be a stored result under
        # another key (see Counts.twins).
        keyless = _keyless_rows(kind, typed, absent) if line_of is not None else {}
        # Read before the write: the rows it adds must not count as stored. A twin
        # agrees on every key field its row gives.
        pairs = {
            missing: self.store.result_pairs(
                [f for f in RESULTS.key_fields if f not in missing],
                typed.join(rows, on=ROW, how="semi").get_column("benchmark").unique().to_list(),
            )
            for missing, rows in keyless.items()
        }
        added: list[pl.Series] = []
        # The results written with a score (an edit of their notes keeps it as stored).
        scored = kind is RESULTS and (changed is None or "score" in changed)
        written: list[pl.Series] = []
        for start in range(0, typed.height, CHUNK_ROWS):
            chunk = typed.slice(start, CHUNK_ROWS)
            with self.store.staged_diff(kind, chunk, absent=absent) as diff:
                if mode == "add":
                    # Before the rules on the rows as merged with the stored ones: a
                    # field left out takes its stored value, and an error of it named an
                    # option the user never typed (--ceiling of another unit).
                    self._refuse_clash(kind, diff)
                    counts.restored_kept = self._kept_by_restore(kind, chunk.columns, diff)
                if checked:
                    errors = self._staged_errors(kind, given, names, whole=whole)
                    if not errors.is_empty():
                        raise row_errors(errors, source, line_of)
                self._write_diff(kind, diff, mode, counts)
            # Only rows this write stores: one already there as given says nothing new.
            wrote = ["new"] if mode == "missing" else list(WRITTEN)
            stored = diff.filter(pl.col("status").is_in(wrote))
            if fraction_like or fraction_bounds or before_release or near_providers:
                rows = set(stored.get_column(ROW))
                counts.fraction_like += [text for row, text in fraction_like if row in rows]
                counts.fraction_bounds += [text for row, text in fraction_bounds if row in rows]
                counts.before_release += [text for row, text in before_release if row in rows]
                counts.near_providers += [text for row, text in near_providers if row in rows]
            if maybe_undated:
                named.append(stored.filter(pl.col(ROW).is_in(maybe_undated)).get_column("key"))
            if pairs:
                added.append(diff.filter(pl.col("status") == "new").get_column(ROW))
            if scored:
                written.append(stored.get_column(ROW))
            if progress:
                progress(min(start + CHUNK_ROWS, typed.height))
        if written:
            # Each benchmark's highest and lowest score written: which of them lies past
            # a ceiling takes its bounds alone, where counting its results reads them all.
            scores = (
                typed.join(pl.concat(written).to_frame(ROW), on=ROW, how="semi")
                .filter(~pl.col("score").is_nan())
                .group_by("benchmark")
                .agg(high=pl.col("score").max(), low=pl.col("score").min())
            )
            self._result_benchmarks.update(self.store.ceilings_passed(scores))
        if named:
            for model, n in self.store.undated_results("id", pl.concat(named).to_list()).items():
                counts.undated[model] = counts.undated.get(model, 0) + n
        if undating:
            for model, n in self.store.undated_results("model", undating).items():
                counts.undated[model] = counts.undated.get(model, 0) + n
        if releasing:
            counts.released_later += self.store.dated_before_release(releasing)
        if pairs and added:
            new = typed.join(pl.concat(added).to_frame(), on=ROW, how="semi")
            fields, n = set(counts.twins[0]), counts.twins[1]
            for missing, stored_pairs in pairs.items():
                mine = new.join(keyless[missing], on=ROW, how="semi")
                # Source URLs as the write compares them: a twin's in other capitals too.
                on = stored_pairs.columns
                formed = (
                    [url_form(pl.col("source_url")).alias("source_url")]
                    if "source_url" in on
                    else []
                )
                found = (
                    mine.with_columns(formed)
                    .join(stored_pairs.with_columns(formed), on=on, how="semi", nulls_equal=True)
                    .height
                )
                if found:
                    fields.update(missing)
                    n += found
            counts.twins = ([f for f in RESULTS.key_fields if f in fields], n)
        if kind is MODELS and typed.height:
            # Also when no organization is written: a model restored by this write may
            # name an organization retracted since.
            kept = self._create_organizations(typed.get_column("slug"), missing=mode == "missing")
            counts.kept += kept
        self._refs = None  # new slugs become valid for the rest of this changeset
        return counts

    def _organizations_kept(self, typed: pl.DataFrame) -> pl.DataFrame:
        """`typed` models, each naming by its slug the organization its stored record
        names otherwise, as stored: export writes a name it had before a rename as the
        slug (see exportable), and the export imported back updated every such model to
        write the slug, a changeset of nothing."""
        stored = self.store.organizations_written(typed.get_column("slug").to_list())
        current = Organizations(self.store.organization_names())
        kept = {
            (model, found): text
            for model, text in stored.items()
            if (found := current.slug_of(text)) is not None and found != text
        }
        if not kept:
            return typed
        organizations = [
            kept.get((model, text), text)
            for model, text in typed.select("slug", "organization").iter_rows()
        ]
        return typed.with_columns(pl.Series("organization", organizations, dtype=pl.String))

    def _fraction_like(
        self, kind: Kind, typed: pl.DataFrame, line_of: Callable[[int], str] | None
    ) -> list[tuple[int, str]]:
        """(row, "0.865 on mmlu (line 2)") for the results scoring at most 1 on a percent
        benchmark with a floor (chance level) above that: scores are data and stay, but
        these are most likely fractions given for percents, which the user should hear of."""
        if kind is not RESULTS or typed.is_empty() or "score" not in typed.columns:
            return []
        small = typed.filter((pl.col("score") > 0) & (pl.col("score") <= 1))
        if small.is_empty():
            return []  # the common case asks the database nothing
        floors = self.refs.percent_floors
        found = small.filter(
            pl.col("score") < pl.col("benchmark").replace_strict(floors, default=None)
        )
        return [
            (row, f"{number(score)} on {benchmark}{_at(line_of, row)}")
            for row, benchmark, score in found.select(ROW, "benchmark", "score").iter_rows()
        ]

    def _fraction_bounds(
        self, kind: Kind, typed: pl.DataFrame, line_of: Callable[[int], str] | None
    ) -> list[tuple[int, str]]:
        """(row, "my-eval, ceiling 1 (line 2)") for the percent benchmarks written with a
        ceiling (best achievable) of at most 1, higher being better: a best of 1 % is
        most likely a fraction given for a percent, as a score of 0.865 on MMLU is. It
        stays, but it bounds every forecast of the benchmark, and the user should hear
        of it."""
        if kind is not BENCHMARKS or not {"unit", "ceiling"} <= set(typed.columns):
            return []
        found = typed.filter(
            (pl.col("unit") == "percent") & (pl.col("ceiling") > 0) & (pl.col("ceiling") <= 1)
        )
        if "higher_is_better" in found.columns:
            found = found.filter(pl.col("higher_is_better").ne_missing(False))
        return [
            (row, f"{slug}, ceiling {number(ceiling)}{_at(line_of, row)}")
            for row, slug, ceiling in found.select(ROW, "slug", "ceiling").iter_rows()
        ]

    def _near_providers(self, kind: Kind, typed: pl.DataFrame, mode: str) -> list[tuple[int, str]]:
        """(row, "'Open AI' (did you mean 'OpenAI'?)") for the prices a command adds
        under a provider no stored price names, spelled near one that does: the price
        is kept, a provider of its own, but a typo of a provider's name looks the same,
        and its model's prices at that provider split in two. A file's providers are its
        source's, often new: not second-guessed."""
        if kind is not PRICES or mode != "add" or typed.is_empty():
            return []
        stored = self.refs.providers
        found = []
        for row, provider in typed.select(ROW, "provider").iter_rows():
            # A typo is a spelling very near a stored one, not a name holding it: Google
            # Vertex (0.63 of the way to Google) is a provider of its own, Open AI (0.92)
            # is OpenAI.
            close = (
                []
                if fold(provider) in stored
                else nearest(provider, stored.values(), n=1, cutoff=0.8, overlapping=False)
            )
            if close:
                found.append((row, f"{provider!r} (did you mean {close[0]!r}?)"))
        return found

    def _before_release(
        self, kind: Kind, typed: pl.DataFrame, line_of: Callable[[int], str] | None
    ) -> list[tuple[int, str]]:
        """(row, "gpt-4 on 2021-01-01, released 2023-03-14 (line 2)") for the results
        reported, and the prices in effect, before their model's release. They stay: a
        paper may report a model before it ships, and a provider list a price days
        ahead. But a year mistyped or the wrong model looks the same, and the user
        should hear of it."""
        column = {RESULTS.name: "reported_date", PRICES.name: "effective_date"}.get(kind.name)
        if column is None or column not in typed.columns or "model" not in typed.columns:
            return []
        dated = typed.filter(pl.col(column).is_not_null())
        if dated.is_empty():
            return []
        released = pl.col("model").replace_strict(
            self.refs.models, default=None, return_dtype=pl.Date
        )
        found = dated.select(ROW, "model", column, released.alias("released")).filter(
            pl.col(column) < pl.col("released")
        )
        return [
            (row, f"{model} on {day}, released {release}{_at(line_of, row)}")
            for row, model, day, release in found.iter_rows()
        ]

    def _note_state_before(self, slugs: list[str]) -> None:
        """Keep, for benchmarks this changeset has not written yet, what lies past their
        ceiling now, and outside their unit's range: a write that leaves that as it was
        (a new url, or a whole file imported again) has moved no ceiling past results,
        nor a unit from under them, and says nothing of them."""
        new = [s for s in slugs if s not in self._past_ceiling_before]
        if not new:
            return
        self._past_ceiling_before.update(dict.fromkeys(new))
        for slug, ceiling, n in self.store.results_past_ceiling(new):
            self._past_ceiling_before[slug] = (ceiling, n)
        self._outside_unit_before.update(dict.fromkeys(new))
        for slug, unit, n, _, _ in self.store.scores_outside_units(new):
            self._outside_unit_before[slug] = (unit, n)

    def _maybe_undated(self, kind: Kind, typed: pl.DataFrame) -> list[int]:
        """The rows of results that may have no date once written: no reported date
        given and a model with no release date. Usually none, so the store is asked
        about these rows only (an absent reported date keeps the stored one)."""
        if kind is not RESULTS or typed.is_empty():
            return []
        undated = [m for m, released in self.refs.models.items() if released is None]
        if not undated:
            return []
        no_date = (
            pl.col("reported_date").is_null() if "reported_date" in typed.columns else pl.lit(True)
        )
        return typed.filter(pl.col("model").is_in(undated) & no_date).get_column(ROW).to_list()

    def _undating(self, kind: Kind, typed: pl.DataFrame) -> list[str]:
        """The models whose release date these rows clear: their results with no
        reported date of their own are then undated too."""
        if kind is not MODELS or "release_date" not in typed.columns:
            return []
        cleared = typed.filter(pl.col("release_date").is_null()).get_column("slug").to_list()
        return [slug for slug in cleared if self.refs.models.get(slug) is not None]

    def _releasing_later(self, kind: Kind, typed: pl.DataFrame) -> list[str]:
        """The stored models whose release date these rows move later (or give one they
        lacked): their results and prices may now be dated before it."""
        if kind is not MODELS or "release_date" not in typed.columns:
            return []
        before = self.refs.models
        moved = typed.filter(pl.col("release_date").is_not_null()).select("slug", "release_date")
        return [
            slug
            for slug, day in moved.iter_rows()
            if slug in before and (before[slug] is None or day > before[slug])
        ]

    def _with_merged_errors(
        self,
        kind: Kind,
        typed: pl.DataFrame,
        errors: pl.DataFrame,
        absent: pl.DataFrame | None,
        given: dict[str, str] | None,
        names: dict[str, str] | None = None,
    ) -> pl.DataFrame:
        """`errors` and the errors of the rows once merged with the stored records (a
        benchmark's bounds, a price's sides), which write checks only after every row
        has passed validate: so every problem is listed at once. A row is merged unless
        an error is about a field the merge reads (its key, its bounds or sides).
        `given`, `names`: see validate."""
        reads = [*kind.key_fields, *staged_fields(kind)]
        settled = errors.filter(pl.col(FIELDS).list.eval(pl.element().is_in(reads)).list.any())
        sound = typed.join(settled.select(ROW), on=ROW, how="anti")
        if sound.is_empty():
            return errors
        with self.store.staged_diff(kind, sound, absent=absent):
            found = self._staged_errors(kind, given, names)
        if found.is_empty():
            return errors
        fields = pl.lit(staged_fields(kind), dtype=pl.List(pl.String)).alias(FIELDS)
        return joined_errors([errors, found.with_columns(fields)])

    def _staged_errors(
        self,
        kind: Kind,
        given: dict[str, str] | None,
        names: dict[str, str] | None = None,
        *,
        whole: bool = True,
    ) -> pl.DataFrame:
        """Inside Store.staged_diff: the errors of the staged rows as they will stand,
        merged with the stored records (a benchmark's bounds, a price's sides), naming
        fields as a command line gave them or a file's columns (`given`, `names`: see
        validate); `whole`: see staged_errors."""
        merged = self.store.diff_rows(list(WRITTEN), staged_fields(kind))
        return staged_errors(
            kind,
            merged,
            self.refs.units,
            given,
            names_read_as(names),
            self.refs.benchmarks,
            whole=whole,
        )

    @_replayable
    def run(self, operation: Callable[[Changeset], None]) -> None:
        """Run `operation` (reads and writes) as one operation of this changeset: after
        a lost race it is run again whole on the new state (see _replay), so what it
        read to decide its writes is read again too."""
        operation(self)

    def validated(
        self,
        kind: Kind,
        raw: pl.DataFrame,
        *,
        source: str = "input",
        line_of: Callable[[int], str] | None = None,
        absent: pl.DataFrame | None = None,
        merging: str | None = None,
        given: dict[str, str] | None = None,
        names: dict[str, str] | None = None,
        partial: bool = False,
        kept: frozenset[str] = frozenset(),
    ) -> pl.DataFrame:
        """Text rows of `kind`, typed; any bad row raises with every problem listed.
        `absent` says which rows leave which fields out (see ingest.Loaded). Given the
        mode of the write that follows (`merging`), the errors of rules on records as
        merged with the stored ones are listed too (see _with_merged_errors). `given`,
        `names`, `kept`: see validate; `partial`: the rows give only the fields an edit
        changes (see write's `changed`)."""
        if raw.height == 0 and raw.columns == [ROW]:  # `[]`: no records, no columns
            return raw
        check_columns(
            kind, raw.columns, source, _first_holding(absent, line_of), required=not partial
        )
        typed, errors = validate(kind, raw, self.refs, absent, given, names, merging, kept)
        if not errors.is_empty():
            if merging is not None and merged_fields(kind):
                errors = self._with_merged_errors(kind, typed, errors, absent, given, names)
            raise row_errors(errors, source, line_of)
        return typed

    def _check_benchmarks_changed(self) -> None:
        """Once the whole changeset is written, a changed benchmark's unit must still
        hold its results (percent: 0-100): a publication may rescale a benchmark and its
        scores together. Results already outside its unit, written around trendlab, are
        `trendlab check`'s to list: they stop no write that keeps the unit. A ceiling may
        be moved past results (they are data, and may be what is wrong), but the user
        hears of it: forecasts of the benchmark refuse until one or the other is fixed.
        So does a result written past its benchmark's ceiling."""
        counts = self.counts.get(BENCHMARKS.name)
        # Revised too: one a write added and a later write changed is no update.
        if counts is not None and (counts.updated or counts.revised):
            self._check_ceilings_moved(counts)
        self._note_results_past_ceiling()

    def _check_ceilings_moved(self, counts: Counts) -> None:
        """The benchmarks check of _check_benchmarks_changed, `counts` theirs."""
        changed = counts.keys.unique().to_list()
        outside = [
            (slug, unit, n, first, score)
            for slug, unit, n, first, score in self.store.scores_outside_units(changed)
            # Under the same unit, no more than were outside it before: some may have
            # been fixed in this changeset, which must not make the others its fault.
            if not ((before := self._outside_unit_before.get(slug)) and before[0] == unit)
            or n > before[1]
        ]
        if outside:
            slug, unit, n, first, score = outside[0]
            results = f"benchmark {slug}: {counted(n, 'current result')}"
            if slug in self._benchmark_rows:
                source, line_of, row = self._benchmark_rows[slug]
                results = f"{source}:{line_of(row)}: unit: {counted(n, 'current result')} of {slug}"
            raise TrendlabError(
                f"{results} would lie outside the range of unit {unit} ({first} scores "
                f"{score}); edit or retract them first, or keep the unit; nothing was written"
            )
        counts.past_ceiling = [
            (slug, ceiling, n)
            for slug, ceiling, n in self.store.results_past_ceiling(changed)
            if self._past_ceiling_before.get(slug) != (ceiling, n)
        ]

    def _note_results_past_ceiling(self) -> None:
        """Results written past their benchmark's ceiling are told as a ceiling moved
        past results is (forecasts of it refuse), with how many lie past it then, on the
        results' counts: where the changeset moved that benchmark's ceiling too, its
        counts tell it once. One written within bounds tells nothing of the others."""
        counts = self.counts.get(RESULTS.name)
        if counts is None or not self._result_benchmarks:
            return
        moved = self.counts.get(BENCHMARKS.name)
        told = {slug for slug, _, _ in moved.past_ceiling} if moved else set()
        past = sorted(self._result_benchmarks - told)
        counts.past_ceiling = self.store.results_past_ceiling(past) if past else []

    def _refuse_clash(self, kind: Kind, diff: pl.DataFrame) -> None:
        """Refuse to add a record that already exists with other values (diff: key and
        status of each staged row)."""
        clash = diff.filter(pl.col("status") == "changed")
        if clash.is_empty():
            return
        key = clash.item(0, "key")
        # An alias's key is only its text: say which model it already names.
        whose = f" and names {self.refs.aliases[key]}" if kind is ALIASES else ""
        edit = command_line(self.store, "edit", kind.singular, key, "--set FIELD=VALUE -m ...")
        raise TrendlabError(f"{kind.singular} {key} already exists{whose}; change it with `{edit}`")

    def _kept_by_restore(self, kind: Kind, given: list[str], diff: pl.DataFrame) -> list[str]:
        """Inside Store.staged_diff: the fields not `given` that a retracted record the
        staged rows restore holds values of, which it keeps (diff: key and status of each
        staged row). Said, since one who adds a record again may expect only what they
        typed."""
        if not (diff.get_column("status") == "retracted").any():
            return []
        left_out = [f for f in kind.field_names if f not in given and f not in kind.key_fields]
        restored = self.store.diff_rows(["retracted"], left_out)
        return [f for f in left_out if restored.get_column(f).null_count() < restored.height]

    def _write_diff(self, kind: Kind, diff: pl.DataFrame, mode: str, counts: Counts) -> None:
        """Append the staged rows that are new or changed (diff: key and status of each)."""
        if mode == "missing":
            counts.kept += int(diff.get_column("status").is_in(["changed", "retracted"]).sum())
            diff = diff.filter(pl.col("status") == "new")
        statuses = diff.get_column("status")
        written = [s for s in WRITTEN if s in statuses]
        n_written = int(statuses.is_in(written).sum())
        # Read before _count_unchanged adds this write's keys.
        again = _written_before(counts, diff.filter(pl.col("status") == "changed"))
        _count_unchanged(counts, diff.get_column("key"), statuses.is_in(written))
        if not n_written:
            return
        folded = self.store.append_diff(kind, self._changeset_id(), written, again=again)
        updates = int((statuses == "changed").sum())
        # A record an earlier write of this changeset added, restored or updated was
        # counted by it, and keeps its one revision there (see Store.append_diff).
        n_written -= folded
        updates -= folded
        restores = int((statuses == "retracted").sum())
        counts.updated += updates
        counts.revised += folded
        counts.restored += restores
        counts.inserted += n_written - updates - restores

    def _create_organizations(self, models: pl.Series, *, missing: bool = False) -> int:
        """Every organization a current model names is a current record: created the
        first time a model names it, restored if it was retracted since. The models
        are read as stored after the write (a "missing"-mode write leaves a retracted
        model retracted, and its organization with it). With `missing` (init's seeds),
        returns how many organizations the models name are kept under another name
        (renamed since): the models' write counts them as kept (Counts.kept)."""
        named = self.store.model_organizations(models.unique().to_list())
        current = self.store.organization_names()
        organizations = Organizations(current)
        wanted: dict[str, str] = {}
        renamed: set[str] = set()
        for name in named:
            slug = slugify(name)
            if format_character(name, joiners=False):
                # Stored around trendlab (a write refuses it, check lists it): made an
                # organization, it was refused, so no edit of its model could be made.
                continue
            if organizations.slug_of(name) is None:
                wanted.setdefault(slug, name)
            elif slug in current and current[slug] != name:
                renamed.add(slug)
        if wanted:
            # A retracted organization is named by its last name as a current one is
            # (before the slug the name makes): restored, not made anew beside it.
            retracted = Organizations(self.store.organization_names_ever())
            restored: dict[str, str] = {}
            for slug, name in wanted.items():
                # Validation refuses such a name where the rows give it; a retracted
                # model restored by rows leaving its organization out brings its stored
                # one, which only this reads.
                if several := retracted.sharing_name(name):
                    restore = self.store.command("import --kind organizations FILE")
                    raise TrendlabError(shared_name(name, several, restore))
                found = retracted.slug_of(name)
                # Restored as it was: named by its slug (xeno-lab), it is not renamed so,
                # unless its last name now names a current organization.
                last = retracted.names.get(found) if found else None
                if last is None or organizations.slug_of(last) is not None:
                    last = name
                restored.setdefault(found or slug, last)
            rows = [{"slug": s, "name": n} for s, n in restored.items()]
            self.write(ORGANIZATIONS, rows_frame(ORGANIZATIONS, rows), mode="upsert")
        # A slug two spellings of a name share keeps one of them: not renamed.
        renamed -= {slugify(n) for n in named if n == current.get(slugify(n))}
        return len(renamed) if missing else 0

    # -- single-record operations -------------------------------------------------------

    @_replayable
    def edit(
        self,
        kind: Kind,
        key: str,
        changes: dict[str, str | None],
        given: dict[str, str] | None = None,
    ) -> str:
        """A new revision of one record with some fields changed; returns its key.
        `given` says how a command line gave the changes (see validate)."""
        key = resolve_key(self.store, kind, key)
        current = self.store.current_row(kind, key)
        assert current is not None
        for name in changes:
            check_editable(kind, name)
        # The other fields keep their stored values (see Store.staged_diff), and the
        # rules on single fields judge only what changes: a rule of the day ("not after
        # today") is for what is written now, and must not block fixing one field
        # because of another. Rules on the whole record (bounds, a price's figures)
        # still judge it as it will be stored.
        # A required field is given only when it changes, as the other fields are, or
        # when the rules on a changed field read it (a benchmark's bounds, its unit): the
        # rules on its own value would judge a value stored before they refused it (a
        # NaN score written around trendlab), which must not block editing the notes.
        reads = staged_fields(kind) if set(changes) & set(staged_fields(kind)) else []
        kept = [
            f.name
            for f in kind.fields
            if f.name in kind.key_fields or (f.required and f.name in reads)
        ]
        row = {f: current.get(f) for f in kept} | changes
        counts = self.write(
            kind,
            rows_frame(kind, [row]),
            source=f"edit {key}",
            given=given,
            changed=frozenset(changes),
            stored_key={f: current.get(f) for f in kind.key_fields},
        )
        if not counts.updated:
            raise TrendlabError(
                f"nothing to change: {kind.singular} {key} already has those values"
            )
        return key

    @_replayable
    def retract(self, kind: Kind, key: str) -> str:
        """Hide a record from the current state; its history stays. Returns its key."""
        key = resolve_key(self.store, kind, key)
        dependents = self.store.dependents(kind, key)
        if dependents:
            listed = ", ".join(
                counted(n, KINDS[view].singular, view) for view, n in dependents.items()
            )
            raise TrendlabError(
                f"{kind.singular} {key} is still used by {listed}"
                f"{_naming_dependents(self.store, kind, key, list(dependents))}; "
                "retract those first"
            )
        self.store.append_retraction(kind, key, self._changeset_id())
        self._counts(kind).retracted += 1
        return key


def _naming_dependents(store: Store, kind: Kind, key: str, views: list[str]) -> str:
    """Which records name `key`, for the retraction they block: an organization's models
    by slug (no listing picks them out), a model's or a benchmark's by the listings that
    show them."""
    if kind is ORGANIZATIONS:
        return f" ({', '.join(at_most(list(store.organization_models(key)), 5))})"
    option = "--model" if kind is MODELS else "--benchmark"
    listings = [f"`{store.command(f'list {view} {option} {shlex.quote(key)}')}`" for view in views]
    return f" ({', '.join(listings)} {'lists' if len(listings) == 1 else 'list'} them)"


def _keyless_rows(
    kind: Kind, typed: pl.DataFrame, absent: pl.DataFrame | None
) -> dict[tuple[str, ...], pl.DataFrame]:
    """The rows of results that give no value for some key field, for want of its
    column or, in JSON, of the field in their record (see ingest.Loaded): their ROW,
    by the key fields they leave out."""
    if kind is not RESULTS or typed.is_empty():
        return {}
    gone = [f for f in RESULTS.key_fields if f not in typed.columns]
    held = [f for f in RESULTS.key_fields if absent is not None and f in absent.columns]
    if not held:
        return {tuple(gone): typed.select(ROW)} if gone else {}
    assert absent is not None
    flags = typed.select(ROW).join(absent.select(ROW, *held), on=ROW, how="left")
    groups: dict[tuple[str, ...], list[int]] = {}
    for row, *left_out in flags.iter_rows():
        missing = (*gone, *(f for f, out in zip(held, left_out, strict=True) if out))
        if missing:
            groups.setdefault(tuple(f for f in RESULTS.key_fields if f in missing), []).append(row)
    return {
        missing: pl.DataFrame({ROW: rows}, schema={ROW: typed.schema[ROW]})
        for missing, rows in groups.items()
    }


def _at(line_of: Callable[[int], str] | None, row: int) -> str:
    """Where a row of the input is, for a note naming it: " (line 2)", " (record 3)",
    or nothing for a command line's one record."""
    where = line_of(row) if line_of else ""
    return f" (line {where})" if where.isdigit() else f" ({where})" if where else ""


def _first_holding(
    absent: pl.DataFrame | None, line_of: Callable[[int], str] | None
) -> Callable[[str], str | None] | None:
    """Where the first record holding a field that some records leave out (see
    ingest.Loaded) is, as `line_of` names it; None for a field every record holds."""
    if absent is None or line_of is None:
        return None

    def where(name: str) -> str | None:
        if name not in absent.columns:
            return None
        held = absent.filter(~pl.col(name)).get_column(ROW)
        return line_of(held[0]) if len(held) else None

    return where


def check_editable(kind: Kind, name: str) -> None:
    """Fail unless `name` is a field of `kind` that an edit may change: any but its key's."""
    kind.field(name)  # raises with the list of fields
    if name in kind.key_fields:
        article = "an" if kind.singular[0] in "aeiou" else "a"  # an alias
        # No add-organization command: a model or an import makes one.
        add = (
            "import a new one (`trendlab import --kind organizations`)"
            if kind is ORGANIZATIONS
            else "add a new record"
        )
        raise TrendlabError(
            f"{name} is part of the key of {article} {kind.singular}; retract this one and "
            f"{add} instead"
        )


def resolve_key(store: Store, kind: Kind, text: str) -> str:
    """The key of the one current record `text` names, or a helpful error."""
    keys = named_keys(store, kind, text)
    if len(keys) == 1:
        if kind is ORGANIZATIONS:
            refuse_slug_made(store, text.strip(), keys[0])
        return keys[0]
    if len(keys) > 1:
        raise ambiguous(kind, text, keys)
    retracted = _retracted(store, kind, text)
    if retracted:
        raise retracted
    if alias := _gone_alias(store, kind, text):
        raise _retracted_alias(store, *alias)
    check_long_enough(store, kind, text)
    # A name of a record recorded after --as-of: the nearest name would be no help.
    later = "" if "/" in text else _recorded_later(store, kind, text)
    if not later and kind is ORGANIZATIONS:
        later = _renamed_away(store, text)
    if not later and kind.id_prefix:
        # By an id prefix or a name of its fields (gpt-4/mmlu), as a full id is.
        readings = _readings(store, kind, text) if "/" in text else [text]
        later = next((found for r in readings if (found := store.named_later(kind, r))), "")
    hint = later or nearest_hint(store, kind, text)
    raise TrendlabError(f"no current {kind.singular} {quoted(text)}{store.as_of_note()}{hint}")


def refuse_slug_made(store: Store, text: str, slug: str, *, ever: bool = False) -> None:
    """Refuse `text`, which found organization `slug` only by the slug it makes ('a"b'
    makes a-b, the slug of 'a/b'), as a model's write refuses it (see
    validate._organization_slugs_taken): read, edited or retracted by it, the
    organization was one of another name, unseen. The slug as typed, a name it has or
    had, and a name a current model writes it by still name it. With `ever`, `slug`
    may be a retracted one's (history)."""
    names = store.organization_names_ever() if ever else store.organization_names()
    name = names.get(slug)
    if not name:
        return
    had = {fold(n) for s, n in store.organization_names_had() if s == slug}
    if names_found(text, slug, name, had, list(store.organization_models(slug).values())):
        return
    raise TrendlabError(
        f"{quoted(text)} is no organization's name, but makes the slug {slug} of "
        f"organization {quoted(name)}: give {quoted(name)} or {slug} for that one"
    )


def _recorded_later(store: Store, kind: Kind, text: str) -> str:
    """Store.recorded_later for the record `text` names, a model by an alias too, and
    an alias in any case, as named_keys finds one. An alias recorded after --as-of
    resolves to no model in the state read, even one recorded before it; it is resolved
    here as it is today, and its own recording is when the name came to name the model."""
    later = store.recorded_later(kind, _as_stored(store, kind, text))
    if not later and kind is ORGANIZATIONS and store.as_of is not None:
        return _named_later(store, text)
    if later or kind not in (MODELS, ALIASES) or store.as_of is None:
        return later
    ever = store.aliases_ever()
    # In any Unicode form too, as the alias resolves: typed in full-width letters, the
    # name was found recorded by no one, and the error did not say it came later.
    forms = name_forms(text)
    keys = [alias for alias in ever if alias.lower() in forms]
    if kind is MODELS:
        model = Resolver.build((), ever).resolve([text])[text]
        keys = [alias for alias in keys if ever[alias] == model]
    return store.recorded_later(ALIASES, *keys) if keys else ""


def _named_later(store: Store, text: str) -> str:
    """For an organization named, under --as-of, by a name it was given only later (a
    rename since): which organization took the name and when, and what it was named as
    of then. The nearest slug was suggested as if the name were a typo. One named so
    by then (and renamed away, as none is named so then) is passed over: the first
    organization ever named so was taken, and one named so later went unsaid."""
    if store.as_of is None:
        return ""
    as_of = store.as_of
    named = sorted(
        (t, s)
        for s, n in organizations_named(store, text, past_as_of=True)
        if (t := store.first_named(s, n)) is not None and t > as_of
    )
    if not named:
        return ""
    first, slug = named[0]
    then, when = store.organization_names().get(slug), store.moment_after_as_of(first)
    if then is None:
        # Not yet recorded, or retracted then: the name is when it came, as a slug's is.
        return f"; it was first the name of organization {slug}, at {when}"
    return (
        f"; organization {slug} was first named so at {when}, and "
        f"as of the moment asked was named {quoted(then)}: name it by its slug"
    )


def _renamed_away(store: Store, text: str) -> str:
    """For an organization named by a name it had before a rename (as of --as-of, when
    one is set), one that does not make its slug: which one had it, until when, and its
    name since. The nearest name was suggested as if the name were a typo, another
    organization's, though history finds it by that name."""
    pairs = organizations_named(store, text)
    slugs = sorted({slug for slug, _ in pairs})
    if len(slugs) > 1:
        return (
            f"; organizations {', '.join(at_most(slugs, 10))} were each named so before a "
            "rename: name one by its slug"
        )
    until = store.renamed_from(slugs[0], [name for _, name in pairs]) if slugs else None
    if until is None:
        return ""
    slug, when = slugs[0], until.isoformat(sep=" ", timespec="seconds")
    since = store.organization_names().get(slug)
    if since is None:
        shown = command_line(store, "history", ORGANIZATIONS.singular, slug)
        return (
            f"; organization {slug} was named so until {when}, and has been retracted since "
            f"(`{shown}` shows it)"
        )
    now = "is now" if store.as_of is None else "as of the moment asked was"
    return (
        f"; organization {slug} was named so until {when}, and {now} named {quoted(since)}: "
        "name it by its slug"
    )


def organizations_named(
    store: Store, text: str, *, past_as_of: bool = False
) -> list[tuple[str, str]]:
    """Every (slug, name) pair an organization was recorded with whose name is `text`
    as names compare (fold), as of --as-of or, `past_as_of`, however late (see
    Store.organization_names_had)."""
    folded = fold(text.strip())
    had = store.organization_names_had(past_as_of=past_as_of)
    return [(slug, name) for slug, name in had if fold(name) == folded]


def nearest_hint(store: Store, kind: Kind, text: str, *, ever: bool = False) -> str:
    """' (did you mean ...?)' for `text`, which names no record of `kind`, or '': the
    nearest slug, or for a result or a price named MODEL/... the nearest such name,
    among current records or, with `ever`, every record that existed (history). A
    mistyped id gets the nearest id only with `ever`.

    A model is named by its aliases too, as a write's hint has it: a model's nearest
    name may be an alias, and a result or a price whose MODEL is one is suggested
    among that model's own (gpt-4-0314/mmlx: gpt-4/mmlu, where the alias's spelling
    was nearest another model's gpt-4-0613/mmlu). An alias that is a current model's
    slug gets the command listing that model's aliases; a model's name alone, for a
    result or a price, the command listing that model's."""
    if kind.id_prefix and "/" not in text and (model := Refs(store).resolver.resolve([text])[text]):
        # `show result gpt-4`: no id is near a model's name, and it was said alone.
        # Under --as-of, the listing of that state: today's may hold none, or others.
        given = f" {as_of_option(store.as_of)}" if store.as_of is not None else ""
        listing = store.command(f"list {kind.name} --model {shlex.quote(model)}{given}")
        return (
            f" (a {kind.singular} is named {kind.name_shape} or by its id: `{listing}` "
            f"lists model {model}'s)"
        )
    if kind.id_prefix and "/" in text:
        names = store.record_names(kind, ever=ever)
        readings = _readings(store, kind, text.strip())
        for reading in [r for r in readings if r != text.strip()]:
            model = reading.split("/", 1)[0]
            own = suggest(reading, [n for n in names if n.startswith(f"{model}/")])
            if own:
                return own
    elif kind is MODELS:
        refs = Refs(store)
        slugs = store.keys_ever(kind) if ever else refs.models
        return Resolver.build(slugs, refs.aliases).hint(text, n=1)
    elif kind is ALIASES and (slug := matched_form(text)) in Refs(store).models:
        # A model's slug is no alias of it: the nearest alias would be another model's
        # (gpt-4.5 for gpt-4), which an alias's retraction or edit must not be led to;
        # in full-width letters too, as the slug names its model.
        # On --db, as every command an error suggests: run as printed, it read another store.
        listing = store.command(f"alias list --model {shlex.quote(slug)}")
        return f" ({slug} is a model's slug: `{listing}` lists its aliases)"
    elif kind is ORGANIZATIONS and not ever:
        # Named by its name too (see _as_stored): one near a name of letters no slug
        # keeps (北京实验 for 北京实验室) is near no slug.
        organizations = store.organization_names()
        named = [n for n in organizations.values() if n]
        return suggest(text, organizations) or suggest(text, named)
    elif ever:
        names = store.keys_ever(kind)
    elif not kind.id_prefix:
        names = store.all_keys(kind)
    else:
        return ""
    return suggest(text, names)


def retracted_slug_taken(store: Store, alias: str) -> str:
    """For a current alias that is, in any case or Unicode form, a retracted model's
    slug: what the alias took over, as a note (else ''). The name, in a write, a read or
    history, now means the alias's model, silently, and the model can be restored only
    once the alias is retracted (add-model's error says so)."""
    slug = matched_form(alias)
    changeset = store.retracted_in(MODELS, slug)
    row = store.current_row(ALIASES, alias) if changeset else None
    if changeset is None or row is None or row["model"] == slug:
        return ""
    return (
        f"note: alias {alias} is also the slug of model {slug}, retracted in changeset "
        f"{changeset}: the name now means model {row['model']}, and {slug} can be restored "
        "only once the alias is retracted"
    )


def retracted_slugs_taken(store: Store, aliases: pl.Series) -> list[str]:
    """retracted_slug_taken's notes for `aliases` (current, just written), in their
    order. Only an alias whose form is a retracted model's slug is read alone: an import
    may write a million."""
    gone = set(store.keys_ever(MODELS)) - set(store.all_keys(MODELS))
    if not gone:
        return []
    named = [alias for alias in aliases.to_list() if matched_form(alias) in gone]
    return [taken for alias in named if (taken := retracted_slug_taken(store, alias))]


def _retracted(store: Store, kind: Kind, text: str) -> TrendlabError | None:
    """The error for a name (as named_keys reads it) of a record that was retracted."""
    gone = named_keys(store, kind, text, ever=True)
    if kind is ORGANIZATIONS and len(gone) > 1:
        return TrendlabError(
            f"{quoted(text.strip())} was the last name of {len(gone)} retracted "
            f"organizations: {', '.join(at_most(gone, 10))}; give the organization's slug"
        )
    retracted = store.retracted_in(kind, gone[0]) if len(gone) == 1 else None
    if retracted is None:
        return None
    name = text.strip()
    # Under --as-of the name was read in the state then, and history reads it in every
    # record since, where a record added later under it made it ambiguous: its key
    # names this one alone.
    key = name if store.as_of is None else gone[0]
    return TrendlabError(
        f"{kind.singular} {name} was retracted in changeset {retracted}; "
        f"`{command_line(store, 'history', kind.singular, key)}` shows it"
    )


def _gone_alias(store: Store, kind: Kind, text: str) -> tuple[str, str, str] | None:
    """(alias, model, changeset) of the retracted alias (see Refs.retracted_alias) that
    `text` names its model by: a model named alone, or the MODEL of a result's or a
    price's MODEL/... name (whose error said only 'no current result', where the model's
    said the alias was retracted). Read only when `text` names no record."""
    refs = Refs(store)
    if kind is MODELS:
        return refs.retracted_alias(text)
    if kind not in (RESULTS, PRICES) or "/" not in text:
        return None
    parts = text.strip().split("/")
    # An alias may hold a '/' (see _readings): any left side naming no current model.
    models = ["/".join(parts[:i]) for i in range(1, len(parts))]
    slugs = refs.resolver.resolve(models)
    gone = {a for m in models if slugs[m] is None and (a := refs.retracted_alias(m))}
    return gone.pop() if len(gone) == 1 else None


def _retracted_alias(store: Store, alias: str, model: str, changeset: str) -> TrendlabError:
    """The error for a model named by an alias of it that was retracted, as a retracted
    model's is (it was "no current model", though history finds the alias)."""
    return TrendlabError(
        f"alias {alias} was retracted in changeset {changeset} (it named model {model}); "
        f"`{command_line(store, 'history', 'alias', alias)}` shows it"
    )


def command_line(store: Store, command: str, kind: str, key: str, options: str = "") -> str:
    """A trendlab command an error suggests, to run as printed: on `store` (its --db,
    where that is not the default: see Store.command), the key quoted for the shell (an
    alias or a setting may hold spaces, brackets or quotes), and given after -- when it
    begins with -, which Click would read as an option, the options before."""
    quoted = shlex.quote(key)
    words = [command, kind]
    if key.startswith("-"):
        words += [options, "--", quoted] if options else ["--", quoted]
    else:
        words += [quoted, options] if options else [quoted]
    return store.command(" ".join(words))


def benchmark_slug(store: Store, text: str) -> str:
    """The slug of the current benchmark `text` names (in the state the store reads:
    --as-of too), found as named_keys finds it (MMLU is mmlu), or the error of a
    retracted or unknown benchmark, suggesting the nearest slug. Every command taking a
    BENCHMARK to forecast, backtest, plot, report or price reads it through here."""
    keys = named_keys(store, BENCHMARKS, text)
    if not keys:
        raise _retracted(store, BENCHMARKS, text) or store.unknown_benchmark(text)
    return keys[0]


def named_keys(store: Store, kind: Kind, text: str, *, ever: bool = False) -> list[str]:
    """Store.find_keys for `text` as given, else with the names in it as stored (see
    _as_stored). A result's or a price's MODEL/... name gives the keys of every way to
    read it (see _readings), so a name two readings fit gives keys of both, which the
    caller reports as ambiguous. Surrounding spaces are no part of a name: every text
    field is stored stripped."""
    text = text.strip()
    if kind in (RESULTS, PRICES) and "/" in text:
        keys: list[str] = []
        for reading in _readings(store, kind, text):
            keys += [k for k in store.find_keys(kind, reading, ever=ever) if k not in keys]
        return keys
    keys = store.find_keys(kind, text, ever=ever)
    if not keys and kind is ALIASES:
        # Aliases match as model names do (see trendlab.aliases): ignoring case. Two
        # aliases of one model may differ only in case (Epoch's ids do), so a name
        # may fold to both: it names two records, not none.
        if not ever and text in store.keys_ever(ALIASES):
            # Retracted as written: another alias in other capitals is another record,
            # which a second `retract alias foo` must not take for this one (it did,
            # retracting FOO).
            return []
        names = store.keys_ever(ALIASES) if ever else store.all_keys(ALIASES)
        # In its NFKC form too, as a model's name resolves (see trendlab.aliases).
        forms = name_forms(text)
        return sorted(n for n in names if n.lower() in forms)
    # Two retracted organizations may have had one last name (the second took it once
    # the first was retracted): the name is both's, not whichever sorts last.
    if (
        not keys
        and kind is ORGANIZATIONS
        and ever
        and Organizations(store.organization_names()).slug_of(text) is None
    ):
        keys = Organizations(store.organization_names_ever()).sharing_name(text)
    if not keys and (stored := _as_stored(store, kind, text, ever=ever)) != text:
        keys = store.find_keys(kind, stored, ever=ever)
    return keys


def _as_stored(store: Store, kind: Kind, text: str, *, ever: bool = False) -> str:
    """`text` with the names in it as they are stored: a model's alias as its slug, and
    a current organization's name as its slug, as a model's organization names it (see
    Organizations; with `ever`, a retracted organization's last name too); a slug in
    lowercase (slugs have no capitals; a retracted model's too, which no alias resolves
    to), in NFKC form, as a current model's resolves: a benchmark's or an
    organization's too, so ＭＡＴＨ in full-width letters is math, as ｇｐｔ-４ is
    gpt-4."""
    if kind is MODELS:
        return Refs(store).resolver.resolve([text])[text] or matched_form(text)
    if kind is ORGANIZATIONS:
        # A name of letters no slug keeps (北京实验室) gets a made-up slug, n-771c8dfd91,
        # which no one types: the organization was found by neither. A slug as typed
        # comes first: another organization named so must not take its edit or retract.
        slug = matched_form(text)
        current = store.organization_names()
        # With `ever`, a retracted one's name too: history finds it by the name it had.
        names = store.organization_names_ever() if ever else current
        if slug in names:
            return slug
        # A current organization's name first, as show reads it: a retracted one's last
        # name may be a current one's now, and history showed the retracted one's.
        found = Organizations(current).slug_of(text)
        return found or (ever and Organizations(names).slug_of(text)) or slug
    if kind is BENCHMARKS:
        return matched_form(text)
    return text


def _readings(store: Store, kind: Kind, text: str) -> list[str]:
    """`text`, a result's MODEL/BENCHMARK[/SETTING] or a price's MODEL/PROVIDER[/DATE],
    as given and then split at each '/', its left side as the slug of the model it
    names (else, if it holds no '/', in lowercase, as a retracted model's slug) and a
    benchmark in lowercase and NFKC form (as a slug is matched); a setting is read as
    written, as it is stored. So GPT-4/MMLU names gpt-4's results on mmlu, and
    fireworks/deepseek-v3p2/frontiermath those of the model whose alias is
    fireworks/deepseek-v3p2: an alias may hold a '/', and so may a setting or a
    provider after it, so no one '/' can be taken to end the model."""
    parts = text.split("/")
    models = ["/".join(parts[:i]) for i in range(1, len(parts))]
    slugs = Refs(store).resolver.resolve(models)
    # As given, the name's first part is read as a stored slug: not where it is a
    # current alias, which names the model it names now, in any case (as given, it
    # named a retracted model of that slug in the history, in lowercase only).
    readings = [text] if slugs[models[0]] in (None, models[0]) else []
    for i, model in enumerate(models, start=1):
        if slugs[model] is None and "/" in model:
            # Only an alias holds a '/', and this one names no model. Lowercased, it
            # would read the rest as a setting in lowercase: GPT-4/MMLU/5-SHOT would name
            # a 5-shot result, and no longer the 5-SHOT one stored beside it.
            continue
        # A name no current model has may be a retracted model's slug, in any case.
        slug = slugs[model] or matched_form(model)
        rest = "/".join(parts[i:])
        if kind is RESULTS:
            benchmark, *setting = rest.split("/", 1)
            rest = "/".join([matched_form(benchmark), *setting])
        if f"{slug}/{rest}" not in readings:
            readings.append(f"{slug}/{rest}")
    return readings


def check_long_enough(store: Store, kind: Kind, text: str, *, ever: bool = False) -> None:
    """An id prefix of under 4 characters names too many records to be meant as one.
    `ever`: the name is of any record that ever existed (history), whose ids `list`,
    which lists current records alone, does not all show. Too short whatever the
    database holds, it is a usage error, as a changeset's prefix too short is."""
    if kind.id_prefix and text.lower().startswith(kind.id_prefix) and len(text) < 4:
        shows = f"`{store.command(f'list {kind.name}')}` shows ids"
        if ever:
            every = shlex.quote(f"SELECT DISTINCT key FROM {kind.table} ORDER BY key")
            shows = (
                f"`{store.command(f'list {kind.name}')}` shows current ones' ids, "
                f"`{store.command(f'query {every}')}` retracted ones' too"
            )
        raise TrendlabError(
            f"{text!r} is too short to name a {kind.singular}: give its id, or the first "
            f"4 characters or more ({shows})",
            exit_code=ExitCode.USAGE,
        )


def ambiguous(kind: Kind, text: str, keys: list[str]) -> TrendlabError:
    """The error for a name that matches several records, listing them in order: keys
    gathered model by model, or reading by reading, come in no order of their own."""
    shown = ", ".join(at_most(sorted(keys), 10))
    # Only a result's or a price's id can be given in full; an alias is named exactly;
    # an organization's slug is its one name that no other organization has had.
    fix = (
        "give the full id"
        if kind.id_prefix
        else "give the organization's slug"
        if kind is ORGANIZATIONS
        else "give one as it is written"
    )
    return TrendlabError(f"{quoted(text)} matches {len(keys)} {kind.name}: {shown}; {fix}")


def _commit_error(error: duckdb.Error, location: str) -> TrendlabError:
    text = str(error).strip()
    explained = locked_error(text, location) or lost_connection_error(text, location)
    if explained:
        return explained
    if is_write_conflict(error):
        return TrendlabError(
            "other writers kept changing the store: gave up after "
            f"{len(CONFLICT_RETRY_DELAYS) + 1} attempts; nothing was written, try again"
        )
    # The catalog's own reason (a PostgreSQL ERROR: line) comes lines later, if at all,
    # after DuckLake's words, which say only that its commit failed.
    reason = _PG_REASON_RE.search(text)
    if reason:
        return TrendlabError(
            "could not commit the changeset: the catalog's PostgreSQL says: "
            f"{reason['why'].strip()}; nothing was written"
        )
    unwritable = unwritable_folder_problem(text)
    if unwritable:
        return TrendlabError(f"could not commit the changeset: {unwritable}; nothing was written")
    first = text.splitlines()[0] if text else type(error).__name__
    return TrendlabError(f"could not commit the changeset: {first}; nothing was written")


_PG_REASON_RE = re.compile(r"ERROR:\s*(?P<why>[^\n]+)")


def row_errors(
    errors: pl.DataFrame, source: str | None, line_of: Callable[[int], str] | None
) -> TrendlabError:
    """The error refusing a write for its bad rows (`errors`: each row's ROW, message
    and, for a repeat, REF), each named by its line: one on the error's line, several
    each on a line of their own, the first MAX_SHOWN_ERRORS of them. With no `source`,
    `line_of` names each row's whole place (`file:line`), for rows of several files."""

    def where(row: int) -> str:
        return line_of(row) if line_of else f"row {row + 1}"

    n = errors.height
    shown = []
    for record in errors.head(MAX_SHOWN_ERRORS).iter_rows(named=True):
        message = record["message"]
        if record.get(REF) is not None:
            earlier = where(record[REF])
            message += f" line {earlier}" if earlier.isdigit() else f" {earlier}"
        # A command's one record (add-result, edit) has no row to point at.
        at = f":{where(record[ROW])}" if line_of or n > 1 else ""
        place = f"{source}{at}" if source is not None else where(record[ROW])
        shown.append(f"{place}: {message}")
    shown = at_most(shown, MAX_SHOWN_ERRORS, "bad row", total=n)
    if n == 1:
        return TrendlabError(shown[0] + "; nothing was written")
    head = f"{source}: " if source is not None else ""
    return TrendlabError(f"{head}{n} bad rows; nothing was written", details=shown)
