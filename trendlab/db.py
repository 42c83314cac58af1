"""The store: open a DuckDB file (or a DuckLake catalog), migrate it, run transactions.

This is the one module that talks SQL to the store; the rest of the package asks it
for Polars frames or hands it frames to append.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import duckdb
from duckdb.func import ARROW, NATIVE

from trendlab import lake
from trendlab.errors import ExitCode, TrendlabError
from trendlab.kinds import CHANGES, KINDS, Kind
from trendlab.locking import retry_while_locked
from trendlab.nearest import suggest
from trendlab.nopandas import pandas_hidden
from trendlab.organizations import Organizations
from trendlab.resources import resource_dir
from trendlab.signals import handled
from trendlab.text import (
    BLANK_RE,
    DATE_RE,
    at_most,
    fold,
    iso_day,
    matched_form,
    moment_text,
    nfkc,
    quoted,
    re2_syntax,
    shell_word,
    slugify,
    utc_today,
)

if TYPE_CHECKING:
    # Imported where used: reading the store (trendlab query) needs no Polars.
    import polars as pl

    from trendlab.prices import Blend

DEFAULT_DB = "trendlab.duckdb"
# A team store's one-row table that every write replaces (see Store.claim_head). It is
# bookkeeping of the lake, not data: `trendlab copy` leaves it out.
WRITE_HEAD = "write_head"
# A team store's schema_migrations row while the init or copy creating it has yet to
# commit its schema and data (see Store._refuse_part_made).
CREATING = 0


def _url_forms(urls: Any) -> Any:
    """validate.url_form of an Arrow array of URLs, for SQL (see Store.use_text_functions)."""
    import polars as pl

    from trendlab.validate import url_form

    frame = pl.DataFrame({"url": pl.from_arrow(urls)})
    return frame.select(url_form(pl.col("url"))).to_series().to_arrow()


# The functions trendlab's SQL calls by name (see Store.use_text_functions).
TEXT_FUNCTIONS = {
    "trendlab_fold": fold,
    "trendlab_slugify": slugify,
    "trendlab_nfkc": nfkc,
    "trendlab_url_form": _url_forms,
}
# Those called with a column at a time (as Arrow), not a value: url_form is a Polars
# expression, the write path's own rule, run once per batch of rows.
_ARROW_FUNCTIONS = {"trendlab_url_form"}
_CHANGESET_ID_RE = re.compile(r"^[0-9a-f]{4,18}$")
# What a migration creates, by kind and name.
_CREATED_RE = re.compile(
    r"^CREATE\s+(?:OR\s+REPLACE\s+)?(TABLE|VIEW|MACRO)\s+(\w+)", re.IGNORECASE | re.MULTILINE
)
# What a migration creates that must not exist yet: CREATE without OR REPLACE.
_CREATED_NEW_RE = re.compile(r"^CREATE\s+(TABLE|VIEW|MACRO)\s+(\w+)", re.IGNORECASE | re.MULTILINE)
# The table that records which migrations a store has had.
_MIGRATIONS_COLUMNS = (
    "version INTEGER NOT NULL, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL"
)
# A later migration redefines a macro an earlier one made: CREATE OR REPLACE MACRO.
_CREATE_MACRO_RE = re.compile(
    r"^CREATE\s+(?:OR\s+REPLACE\s+)?MACRO\b", re.IGNORECASE | re.MULTILINE
)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    def temporary_macros(self) -> str | None:
        """This migration as a team store runs it, if it defines macros: as TEMP macros.

        A DuckLake catalog keeps no macros ("DuckLake does not support functions", as
        of DuckDB 1.4), so every connection to a team store defines the schema's macros
        for itself (Store.open), from the same file a DuckDB file stores them from, in
        the migrations' order, so that a later migration's definition is the one in
        force. A migration that defines macros defines nothing else (tests/test_store.py).
        """
        if not _CREATE_MACRO_RE.search(self.sql):
            return None
        return _CREATE_MACRO_RE.sub("CREATE OR REPLACE TEMP MACRO", self.sql)


def migrations() -> list[Migration]:
    """The schema migrations shipped with this trendlab, in order."""
    found = []
    for entry in resource_dir("schema").iterdir():
        match = re.match(r"^(\d{3})_(\w+)\.sql$", entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)


def latest_version() -> int:
    return migrations()[-1].version


@contextmanager
def held_interrupts() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT), and a SIGTERM where the CLI takes it as one, while a
    COMMIT runs: interrupted there, DuckDB aborts the process ("terminate called
    without an active exception") or reports a commit that happened as failed. A
    Ctrl-C that arrives during the commit is too late to stop the write, so it is
    dropped: the command reports the write it made. A SIGTERM that no Python handler
    takes (trendlab used as a library) ends the process as it always would."""
    held = [signal.SIGINT]
    if callable(signal.getsignal(signal.SIGTERM)):
        held.append(signal.SIGTERM)
    with handled(held, lambda *_: None):
        yield


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# A score past its benchmark's ceiling, the best achievable (check 11's rule): above it,
# or below it where lower is better, for a ceiling on the right side of its floor (one
# on the wrong side is check 05's). `high` and `low` name the score, or the highest and
# the lowest of several. A NaN bound (written around trendlab) is unknown, as check 11
# reads it: a NaN ceiling, which DuckDB orders above every number, had every write to a
# lower-is-better benchmark say all its results lay past it, and a NaN floor is one not
# given.
_PAST_CEILING = (
    "CASE WHEN coalesce(b.higher_is_better, true) THEN {high} > b.ceiling "
    "ELSE {low} < b.ceiling END AND NOT isnan(b.ceiling) "
    "AND (b.floor IS NULL OR isnan(b.floor) "
    "OR (b.floor < b.ceiling) = coalesce(b.higher_is_better, true))"
)


class Store:
    """An open trendlab database: one DuckDB connection, read-only or read-write."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        location: str,
        *,
        read_only: bool,
        is_lake: bool = False,
        in_postgres: bool = False,
        named: str = "--db",
    ):
        self.con = con
        self.location = location
        self.named = named  # what gave the location (--db, copy's SRC or DST)
        self.as_of: datetime | None = None  # set by use_as_of
        self._today: date | None = None  # see reading_day
        self.read_only = read_only
        self.is_lake = is_lake  # a DuckLake team store rather than a DuckDB file
        self.in_postgres = in_postgres  # a team store whose catalog is in PostgreSQL
        self.migrate_on_write = False  # see _check_schema and begin
        # The version the last begin upgraded the store from, if it did (see begin).
        self._upgraded_from: int | None = None
        self.building: Path | None = None  # the new file built beside location (see open)
        self._builder: int | None = None  # the lock held on `building` (see _building_folder)
        self.creating = False  # a part-made team store this open completes (see open)
        # DuckDB's line for the forecast cache's damaged data (see cached, store_cached).
        self.cache_damage: str | None = None

    # -- opening ---------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        location: str | os.PathLike[str] | None = None,
        *,
        read_only: bool = True,
        create: bool = False,
        lock_timeout: float = 0.0,
        migrate: bool = False,
        data_path: str | None = None,
        data_path_option: str = "--data-path",
        named: str = "--db",
        complete: bool = False,
        whole: bool = False,
        applied: Callable[[Migration], None] | None = None,
        left_build: Callable[[Path, str | None], None] | None = None,
        new: Callable[[], None] | None = None,
    ) -> Store:
        """Open the store at `location` (default ./trendlab.duckdb).

        `location` is a DuckDB file, or a DuckLake team store: `ducklake:postgres:CONNINFO`
        or `ducklake:FILE.ducklake` (see trendlab.lake); `data_path` is where a new team
        store keeps its data files, given as `data_path_option` says. Readers open
        read-only. A writer waits up to `lock_timeout` seconds for another process to
        release a file. `create` allows a new store; `migrate` applies pending
        migrations (otherwise an out-of-date schema is an error): a new store's at once,
        an older one's in its first write transaction (see begin), unless `complete`
        (`trendlab migrate`, `init`) applies them at once too. `named` is what gave
        `location` (copy's SRC or DST), which an error about the store names: advice
        such as running `trendlab init` or pointing --db elsewhere is for --db alone.
        A team store that an `init` or `copy` creating it left part made is refused
        (see _refuse_part_made) unless `create` or `complete` (`trendlab migrate`,
        which completes its schema alone) is given. With `whole` (`init`, `copy`), a new
        DuckDB file is built in a hidden folder beside `location`, and appears there only
        once `publish` puts it in place; `close` without it leaves nothing; a new or part
        made team store stays part made until its data commits (see mark_created).
        `applied` is called with each migration this open applies, once it has committed;
        `left_build` with each hidden folder of a `whole` build of this file whose builder
        is gone, and None once this open removed it, or why it could not (see
        _remove_left_builds). With `create`, `new` is called before a store not there
        yet is made (no DuckDB file, a lake catalog that holds no tables): an error it
        raises leaves nothing made (a copy's DST).
        """
        location = str(location or DEFAULT_DB)
        if lake.is_lake(location):
            con = lake.connect(
                location,
                read_only=read_only,
                create=create,
                data_path=data_path,
                lock_timeout=lock_timeout,
                data_path_option=data_path_option,
                named=named,
                new=new,
            )
            where = lake.LakeLocation.parse(location)
            store = cls(
                con,
                where.text,
                read_only=read_only,
                is_lake=True,
                in_postgres=where.is_postgres,
                named=named,
            )
        else:
            # `~` is the home folder, as in a local lake's location and as DuckDB reads
            # it: "no database at ~/lab.duckdb" was said of a file that was there.
            location = os.path.expanduser(location)
            if lake.CONNINFO_RE.match(location):
                shown = lake.opened_as(lake.mask_password(location), named)
                what = "URI" if "://" in location else "CONNINFO"
                raise TrendlabError(
                    f"cannot open {shown}: that is a PostgreSQL {what}, not a file; a team "
                    f"store is {lake.PREFIX}postgres:CONNINFO",
                    exit_code=ExitCode.USAGE,
                )
            typed = lake.DATABASE_TYPE_RE.match(location)
            if typed:
                # DuckDB would try to download that extension, and no file is meant.
                shown = lake.mask_password(location)
                who = "" if named == "--db" else f"{named} "
                raise TrendlabError(
                    f"cannot open {who}{shown}: DuckDB reads '{typed[1]}:' as a kind of database, "
                    f"not a file name; a team store is {lake.PREFIX}postgres:CONNINFO, and a "
                    f"file of that name is ./{shown}",
                    exit_code=ExitCode.USAGE,
                )
            if location.startswith(":memory:"):
                # A database DuckDB keeps in memory, lost as the command ends: an init or
                # a copy into it said it was done.
                who = "" if named == "--db" else f"{named} "
                raise TrendlabError(
                    f"cannot open {who}{location}: DuckDB reads ':memory:' as a database in "
                    f"memory, lost when the command ends; a file of that name is ./{location}",
                    exit_code=ExitCode.USAGE,
                )
            if Path(location).is_dir():
                # The path given is wrong whatever is in the folder: a usage error.
                raise TrendlabError(
                    f"cannot open {lake.opened_as(location, named)}: a folder, not a DuckDB file",
                    exit_code=ExitCode.USAGE,
                )
            if lake.special_file(Path(location)):
                # Reading a named pipe's header waited for a writer for ever.
                raise TrendlabError(
                    f"cannot open {lake.opened_as(location, named)}: a pipe, device or socket, "
                    "not a DuckDB file",
                    exit_code=ExitCode.USAGE,
                )
            if os.path.basename(location) in ("", ".", ".."):
                # A folder's name (x.duckdb/, x.duckdb/.): Path() drops the slash, and a
                # file created by that name could not be opened by it again.
                raise TrendlabError(
                    f"cannot open {lake.opened_as(location, named)}: it ends as a folder's name "
                    "does, not a DuckDB file's",
                    exit_code=ExitCode.USAGE,
                )
            if data_path:
                _refuse_no_directory(data_path, data_path_option)
            if not create and not Path(location).exists():
                raise TrendlabError(
                    f"no database at {location}: run `{command_on(location, 'init')}` to create "
                    "one, or point --db (TRENDLAB_DB) at an existing file"
                    if named in lake.DB_NAMES
                    else f"{named} {location}: no such database"
                )
            shown = lake.opened_as(location, named)  # copy's DST is named so
            lake.check_parent(Path(location), shown, create=create)
            lake.check_not_wal(Path(location), shown, create=create)
            lake.check_not_data_file(Path(location), shown, create=create)
            if new and create and not read_only and not Path(location).exists():
                new()
            if whole:
                for folder, problem in _remove_left_builds(location):
                    if left_build:
                        left_build(folder, problem)
            building, builder = (
                _building_folder(location, named)
                if whole and builds_aside(location)
                else (None, None)
            )
            try:
                con = _connect_file(
                    str(building / _built_name(location)) if building else location,
                    read_only=read_only,
                    lock_timeout=lock_timeout,
                    named=named,
                )
            except BaseException:
                if building:
                    shutil.rmtree(building, ignore_errors=True)
                    _release(builder)
                raise
            store = cls(con, location, read_only=read_only, named=named)
            store.building, store._builder = building, builder
        try:
            store._check_schema(
                migrate=migrate,
                complete=create or complete,
                now=complete,
                applied=applied,
                create=create,
            )
            store.creating = whole and not read_only and store._part_made()
            if store.is_lake:
                store._define_macros()
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        if self.is_lake:
            self.rollback_quietly()  # a reader's one state (read_one_state), if it holds it
            lake.disconnect(self.con)
        else:
            self.con.close()
        if self.building is not None:
            # A new file not published: the command failed or was interrupted.
            shutil.rmtree(self.building, ignore_errors=True)
            self.building = None
            _release(self._builder)
            self._builder = None

    def publish(self) -> None:
        """Put the new DuckDB file built beside its location (see open's `whole`) in
        place, whole, unless another process created a file there meanwhile; a store
        not so built is in place already.

        Built in place, the file was a valid store from its first migration on: an
        `init` killed before it loaded the seeds left an empty store that `check`
        passed and nothing called incomplete.
        """
        if self.building is None:
            return
        built = self.building / _built_name(self.location)
        # Every change into the file itself: the write-ahead log stays in the folder.
        self.execute("CHECKPOINT")
        self.con.close()
        target = Path(os.path.realpath(self.location))
        try:
            with held_interrupts():  # put in place or not, as a COMMIT is
                _put_in_place(built, target)
        except FileExistsError:
            # A copy's DST: run again, it copies into that store.
            if self.named not in lake.DB_NAMES:
                raise TrendlabError(
                    f"cannot create {self.named} {self.location}: another process created "
                    "it meanwhile, so nothing was written; run the copy again to copy into it"
                ) from None
            raise TrendlabError(
                f"cannot create {self.location}: another process created it meanwhile, "
                f"so nothing was written; run `{self.command('init')}` again to add to it"
            ) from None
        except OSError as exc:
            raise TrendlabError(
                f"cannot create {lake.opened_as(self.location, self.named)}: {exc.strerror}"
            ) from None
        finally:
            self.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ------------------------------------------------------------------------

    def schema_version(self) -> int:
        """The highest migration applied to this database (0 for a new one)."""
        return self._schema_state()[0]

    def _schema_state(self) -> tuple[int, bool]:
        """The schema version, and whether the CREATING row is there (see _part_made),
        in one query: on a team store in PostgreSQL each is a round trip."""
        # Asking the table itself, not duckdb_tables(), which on a team store would
        # list the catalog database's tables too, at a round trip each time.
        try:
            # Named by trendlab's columns: other tools (dbmate, golang-migrate, Rails)
            # keep a schema_migrations table too, whose versions are not trendlab's.
            row = self.execute(
                "SELECT max(version), bool_or(version = ?) "
                "FROM (SELECT version, name, applied_at FROM schema_migrations)",
                [CREATING],
            ).fetchone()
        except duckdb.CatalogException:
            return 0, False
        except duckdb.BinderException:
            raise self._not_trendlab(self._table_names()) from None
        if not row or row[0] is None:
            return 0, False
        # Rows all renumbered below 0 record no migration, as rows of 0 do: the store
        # is not at a version below none, whose migrations' rows were deleted.
        return max(int(row[0]), 0), self.is_lake and bool(row[1])

    def _check_schema(
        self,
        *,
        migrate: bool,
        complete: bool,
        now: bool,
        applied: Callable[[Migration], None] | None,
        create: bool,
    ) -> None:
        (have, part_made), want = self._schema_state(), latest_version()
        if have > want:
            raise TrendlabError(
                f"{self.shown()} has schema version {have}, newer than this trendlab "
                f"understands ({want}): upgrade trendlab to use it"
            )
        if (have < want or part_made) and self.is_lake and not complete:
            self._refuse_part_made(have)
        if self.is_lake and (part_made or have == 0) and not create:
            # `migrate`, before it writes: it would complete the schema, not the data the
            # init or copy making the store had yet to commit, and say it was done.
            self._refuse_part_made(have)
        if have < want:
            # A new store, or one an `init` or `copy` creating it left part made, is
            # completed at once: a copy that adds nothing would roll its schema back.
            # A file with no schema is made one only by those and by `migrate`, which
            # asks for it: any other write that found one (an empty DuckDB file, an
            # `init` killed before its first migration) set up a store without the
            # seeds, though refused.
            at_once = now or (have == 0 and complete) or part_made
            if migrate and not self.read_only and at_once:
                self.migrate(applied)
            elif have == 0:
                self._refuse_foreign()
                raise TrendlabError(
                    f"{self.location} is not a trendlab database: run `{self.command('init')}`"
                    if self.named in lake.DB_NAMES
                    else f"{self.named} {self.location} is not a trendlab database"
                )
            elif migrate and not self.read_only:
                # In the write's own transaction, not now: a write that fails or is
                # refused then leaves an older store as it was, which the older
                # trendlab a teammate may still use opens.
                self.migrate_on_write = True
            else:
                self._refuse_unrecorded(have)
                raise TrendlabError(
                    f"{self.shown()} has schema version {have}, this trendlab needs {want}: "
                    f"run `{self.command('migrate')}` to upgrade it"
                )

    def upgraded_by_write(self) -> tuple[int, int] | None:
        """(the version it had, the version it has) of an older store that a write has
        upgraded in its own transaction (see begin), once it committed; None otherwise,
        as of a write rolled back, or redone after another writer of a team store
        upgraded it first."""
        if self._upgraded_from is None:
            return None
        have = self.schema_version()
        return (self._upgraded_from, have) if have > self._upgraded_from else None

    def _refuse_unrecorded(self, have: int) -> None:
        """Refuse to read a store at version `have` that holds what the next migration
        creates (see _unrecorded_rows): asked to run `migrate`, which then refuses it,
        its user learnt the rows to insert only at the second step."""
        m = next(m for m in migrations() if m.version > have)
        unrecorded = self._unrecorded_rows(m, self._migration_sql(m))
        if unrecorded:
            raise TrendlabError(
                f"{self.shown()} has schema version {have}, but migration "
                f"{m.version:03d}_{m.name} was applied to it: {unrecorded}"
            )

    def _part_made(self) -> bool:
        """Whether a team store holds the CREATING row of an `init` or `copy` making it
        that has not finished (see _refuse_part_made); a DuckDB file never does."""
        return self.is_lake and bool(
            self.scalar("SELECT count(*) FROM schema_migrations WHERE version = ?", [CREATING])
        )

    def _refuse_part_made(self, have: int) -> None:
        """Refuse a team store that an `init` or `copy` creating it left part made.

        Its DuckLake catalog is made by attaching, and then each migration commits on
        its own: DuckLake (for DuckDB 1.4) loses a transaction's new tables when it
        replaces a view made in the same transaction, as migration 002 does
        (duckdb/ducklake#957, fixed in later releases), so they cannot be one. A
        store stopped in between (killed, a lost connection) has no schema, or an old
        one and the CREATING row its first migration wrote (see _run), or the whole
        schema and that row, which goes only with the seeds or changesets it was made
        for (see mark_created). Readers called it not a trendlab database or one to
        migrate (or, schema complete, an empty store), and a write quietly completed
        the schema and wrote, after which the copy it was made for refused it as
        another store's history. Someone else's lake is not this, nor an old
        store, made whole by an older trendlab, with or without history: it has no
        CREATING row, and `migrate` (or any write) upgrades it.
        """
        if have == 0:
            self._refuse_foreign()
        elif not self._part_made():
            return
        stopped = "an `init` or `copy` creating it stopped part way, or is running now"
        if self.named not in lake.DB_NAMES:
            raise TrendlabError(
                f"{self.shown()} is not set up completely ({stopped}): complete it first"
            )
        raise TrendlabError(
            f"{self.shown()} is not set up completely ({stopped}): run it again to "
            f"complete it, `{self.command('init')}` (with --empty for a store to copy "
            "into) or the copy"
        )

    def command(self, name: str) -> str:
        """trendlab's command `name` on this store (see command_on)."""
        return command_on(self.location, name)

    def shown(self) -> str:
        """This store as an error or a note names it: copy's SRC or DST says which it
        is, as its other errors about either do; --db's is its location alone."""
        return self.location if self.named in lake.DB_NAMES else f"{self.named} {self.location}"

    def migrate(self, applied: Callable[[Migration], None] | None = None) -> None:
        """Apply every pending migration, each in its own transaction, calling `applied`
        with each once it has committed: as it is, not at the end, which a Ctrl-C or a
        failed later migration never reached, leaving those committed unreported."""
        have = self.schema_version()
        if have == 0:
            self._refuse_foreign()
        if have == 0 and self.is_lake:
            lake.set_up_new(self.con)
        bookkeeping = [f"CREATE TABLE IF NOT EXISTS schema_migrations ({_MIGRATIONS_COLUMNS})"]
        if self.is_lake:
            bookkeeping.append(
                f"CREATE TABLE IF NOT EXISTS {WRITE_HEAD} ("
                "changeset_id VARCHAR, written_at TIMESTAMP NOT NULL)"
            )
        for sql in bookkeeping:
            # Members creating one new team store at once race to create these tables.
            lake.retry_creation_race(partial(self.execute, sql))
        for m in migrations():
            if m.version > have and self._apply(m) and applied:
                applied(m)

    def _define_macros(self) -> None:
        """Define the schema's macros on this connection to an up-to-date team store
        (see Migration.temporary_macros); a DuckDB file stores its own."""
        for m in migrations():
            sql = m.temporary_macros()
            if sql:
                self.execute(sql)

    def _refuse_foreign(self) -> None:
        """A DuckDB file or lake that holds tables of its own is someone else's database:
        trendlab neither writes its schema into it nor reports it as merely uninitialised."""
        names = [
            name
            for name in self._table_names()
            # A first migration that failed leaves only trendlab's own bookkeeping.
            if name not in ("schema_migrations", WRITE_HEAD)
        ]
        # Another member's `init` may have made the same new team store meanwhile.
        if names and self.schema_version() == 0:
            raise self._not_trendlab(names)

    def _table_names(self) -> list[str]:
        """The tables and views of this database, in order."""
        return [
            name
            for (name,) in self.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_catalog = current_database() ORDER BY table_name"
            ).fetchall()
        ]

    def _not_trendlab(self, names: list[str]) -> TrendlabError:
        """The error for someone else's database, which holds these tables."""
        if _holds_first_schema(names):
            # trendlab's own store, its version lost: a new file is no answer to that.
            if self._holds_migrations_table():
                # Emptied, not dropped: "create it again" failed on "already exists". Its
                # rows renumbered below 1 (the version is the highest), it is not empty.
                versions = [
                    "NULL" if v is None else str(v)
                    for (v,) in self.execute(
                        "SELECT DISTINCT version FROM schema_migrations ORDER BY version"
                    ).fetchall()
                ]
                held = (
                    f"holds no migration's row, only version {', '.join(versions)} "
                    "(altered around trendlab)"
                    if versions
                    else "is empty (emptied around trendlab)"
                )
                return TrendlabError(
                    f"{self.shown()} holds trendlab's tables but its "
                    f"schema_migrations table, which records their version, {held}: "
                    "insert again a row (version, name, applied_at) for each of "
                    "trendlab's schema/ files applied"
                )
            return TrendlabError(
                f"{self.shown()} holds trendlab's tables but no schema_migrations "
                "table of trendlab's, which records their version (dropped or altered "
                f"around trendlab): create it again as ({_MIGRATIONS_COLUMNS}), with a row "
                "for each of trendlab's schema/ files applied"
            )
        if not self.is_lake and "ducklake_metadata" in names:
            # A local lake's catalog named without its ducklake: prefix: "not a trendlab
            # database ...; give --db a new file" sent its user away from their store.
            return TrendlabError(
                f"{self.shown()} is a DuckLake catalog, not a DuckDB store: a local "
                f"lake is {lake.PREFIX}FILE, here {lake.PREFIX}{self.location}"
            )
        if self.named in lake.DB_NAMES:
            hint = f"give {self.named} " + ("a new store" if self.is_lake else "a new file")
        else:
            hint = f"give another {self.named}"
        return TrendlabError(
            f"{self.shown()} is not a trendlab database: it holds other tables "
            f"({', '.join(at_most(names, 3))}); {hint}"
        )

    def _holds_migrations_table(self) -> bool:
        """Whether this database has a schema_migrations table in its main schema, the
        one trendlab reads, with trendlab's columns (another schema's, or a view, is not
        it); asked of the catalog, as a failed query would end a transaction."""
        row = self.execute(
            "SELECT count(*) FROM duckdb_columns() c JOIN duckdb_tables() t "
            "USING (database_name, schema_name, table_name) "
            "WHERE database_name = current_database() AND schema_name = 'main' "
            "AND table_name = 'schema_migrations' "
            "AND column_name IN ('version', 'name', 'applied_at')"
        ).fetchone()
        return row is not None and row[0] == 3

    def _apply(self, m: Migration) -> bool:
        """Apply one migration; False if another writer of a team store applied it
        first (a write that lost the race is tried again, as a changeset is)."""

        def attempt() -> bool:
            with self.transaction():
                # Asked again in this transaction, not only after a lost race: a writer
                # that committed it since migrate() read the version made its tables
                # exist, and creating them again failed ("Table ... already exists").
                have = self.schema_version()
                if have >= m.version:
                    return False
                self._run(m, have)
            return True

        return lake.retry_lost_races(attempt)

    def _run(self, m: Migration, have: int) -> None:
        """Run one migration in the open transaction, on a store at version `have`."""
        self.claim_head(None)
        sql = self._migration_sql(m)
        unrecorded = self._unrecorded_rows(m, sql)
        if unrecorded:
            raise TrendlabError(
                f"cannot upgrade {self.shown()} to schema version {m.version} (migration "
                f"{m.version:03d}_{m.name}): {unrecorded}"
            )
        try:
            self.execute(sql)
        except duckdb.CatalogException as exc:
            # A table or view of the store's own with a name the migration creates: the
            # command that upgrades (any write) is not what failed.
            raise TrendlabError(
                f"cannot upgrade {self.shown()} to schema version {m.version} "
                f"(migration {m.version:03d}_{m.name}): {_first_line(str(exc))}"
            ) from None
        self.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, ?)", [m.version, m.name, _utcnow()]
        )
        if self.is_lake and have == 0:
            # The first migration of a new team store: it reads as part made until its
            # data commits (see mark_created); a store an older trendlab made never had
            # the row, so it reads as old, not as part made.
            self.execute(
                "INSERT INTO schema_migrations VALUES (?, 'creating', ?)", [CREATING, _utcnow()]
            )

    def _migration_sql(self, m: Migration) -> str:
        """The SQL migration `m` runs on this store (see Migration.temporary_macros)."""
        return (m.temporary_macros() or m.sql) if self.is_lake else m.sql

    def _unrecorded_rows(self, m: Migration, sql: str) -> str | None:
        """What is wrong with a store that holds what migration `m` (as `sql`) creates
        already, as trendlab makes it, and the rows to insert; None if it does not. The
        store had the migration, and schema_migrations lost its row, and those of the
        later ones it had (deleted around trendlab). Running it again failed on DuckDB's
        "Table ... already exists", and check and the read commands asked for `migrate`,
        which refuses it. A table, view or macro of the user's own of that name (another
        kind, other columns, another definition) is left to the migration's own error
        (see _run)."""
        new = [(kind.lower(), name) for kind, name in _CREATED_NEW_RE.findall(sql)]
        if not new:
            return None
        present = self._schema_kinds()
        if not self._holds_as_made(new, present):
            return None
        had = [m]
        for later in migrations():
            if later.version <= m.version:
                continue
            made = _CREATED_RE.findall(self._migration_sql(later))
            if not self._holds_as_made([(k.lower(), n) for k, n in made], present):
                break
            had.append(later)
        kind, name = new[0]
        if len(had) == 1:
            rows = f"({m.version}, {quoted(m.name)}, the time it was applied)"
        else:
            each = ", ".join(f"({h.version}, {quoted(h.name)}, ...)" for h in had)
            rows = f"{each}, each with the time it was applied"
        return (
            f"its {kind} {name} is there already, so schema_migrations lacks the rows of "
            f"migrations the store had (deleted around trendlab): insert again {rows}"
        )

    def _schema_kinds(self) -> dict[str, str]:
        """The kind (table, view, macro) of each table, view and macro of this store."""
        found = self.execute(
            "SELECT table_name, CASE table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END "
            "FROM information_schema.tables WHERE table_catalog = current_database() "
            "AND table_type IN ('BASE TABLE', 'VIEW') "
            "UNION ALL SELECT function_name, 'macro' FROM duckdb_functions() "
            "WHERE database_name = current_database() AND function_type = 'macro'"
        ).fetchall()
        return {name: kind for name, kind in found}

    def _holds_as_made(self, made: list[tuple[str, str]], present: dict[str, str]) -> bool:
        """Whether this store holds each (kind, name) of `made`, of that kind, the
        tables and views among them with every column as the migrations make it, and
        the macros as one of them defines it."""
        if any(present.get(name) != kind for kind, name in made):
            return False
        # A macro of the user's own by that name (blended_price(a, b)) passed for
        # trendlab's: the error named rows to insert, after which prices blended by it.
        stored = self.definitions()
        if any(
            stored.get((kind, name)) not in new_store_schema().macros.get(name, set())
            for kind, name in made
            if kind == "macro"
        ):
            return False
        wanted = new_store_schema().columns
        have = self.column_types()
        return all(
            have.get(name, {}).get(column) == type_
            for kind, name in made
            if kind != "macro"
            for column, type_ in wanted.get(name, {}).items()
        )

    def mark_created(self) -> None:
        """Inside the transaction that commits the data of the new team store this
        open completes (see open's `whole`): remove its CREATING row, which commits
        with that data or not at all.

        Removed once the schema was complete, it left an `init` or `copy` killed before
        its seeds' or changesets' commit a valid, empty store that `log` and `check`
        passed, and that nothing called incomplete.
        """
        if self.creating:
            self.execute("DELETE FROM schema_migrations WHERE version = ?", [CREATING])

    def finish_creating(self) -> None:
        """Complete the new team store this open completes, without data (`init
        --empty`, or one that had it all already), in a transaction of its own."""

        def attempt() -> None:
            with self.transaction():
                # Asked again after a lost race: the members creating one new store at
                # once all remove the row, and one of them has.
                if self._part_made():
                    self.mark_created()

        if self.creating:
            lake.retry_lost_races(attempt)

    # -- transactions and changesets ---------------------------------------------------

    def read_one_state(self) -> None:
        """Make every later query of this read-only store read one state of it.

        A team store's statements each read its latest snapshot, so a write another
        member commits between two queries of one command would be half seen: a
        forecast's points read before it and its data versions after, the curve fitted
        to those points was cached under the version of data it never saw, and every
        later forecast took it. A transaction reads one snapshot; a DuckDB file's
        readers keep its writers out already."""
        if self.is_lake:
            self.execute("BEGIN TRANSACTION")

    def read_again(self) -> None:
        """After a failed statement, read one state of a team store again (see
        read_one_state), as of the same --as-of: its transaction is aborted, and refuses
        every later statement. A DuckDB file's reader holds none."""
        if not self.is_lake:
            return
        self.rollback_quietly()
        self.read_one_state()
        if self.as_of is not None:
            self.use_as_of(self.as_of)  # its views were the transaction's, rolled back

    def begin(self) -> None:
        """BEGIN a transaction, in which a store opened to migrate on its first write
        (see _check_schema) first gets the migrations it still lacks: they commit with
        the write, or roll back with it. Asked again at each BEGIN: a write that lost a
        race to another writer of a team store runs again on the state it committed,
        which that writer may have migrated."""
        self.execute("BEGIN TRANSACTION")
        self._upgraded_from = None
        if not self.migrate_on_write:
            return
        try:
            have = self.schema_version()
            for m in migrations():
                if m.version > have:
                    self._run(m, have)
                    self._upgraded_from = have
        except BaseException:
            self.rollback_quietly()
            raise

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN ... COMMIT, rolled back on any error. A Ctrl-C during the COMMIT (of a
        migration, of the forecast cache) is held, as during a changeset's."""
        self.begin()
        try:
            yield
        except BaseException:
            self.execute("ROLLBACK")
            raise
        with held_interrupts():
            self.execute("COMMIT")

    @contextmanager
    def writers_queue(self) -> Iterator[bool]:
        """Around a commit: on a team store in PostgreSQL, wait for the writers ahead
        of this one and hold those behind (see lake.writers_queue); yields whether it
        holds its place. A DuckDB file or a local lake has one writer at a time."""
        if not self.in_postgres:
            yield False
            return
        with lake.writers_queue(self.con) as queued:
            yield queued

    def catalog_identity(self) -> tuple[str, ...] | None:
        """The PostgreSQL cluster and database of a team store's catalog (see
        lake.catalog_identity); None for any other store, or one whose server will not
        say."""
        return lake.catalog_identity(self.con) if self.in_postgres else None

    def rollback_quietly(self) -> None:
        """Roll back after a failed statement or COMMIT, which may already have ended
        the transaction (or lost the connection): the error to report is that one."""
        with contextlib.suppress(duckdb.Error):
            self.con.execute("ROLLBACK")

    def new_changeset(self, author: str, message: str) -> str:
        """Insert a changeset row (inside the caller's transaction) and return its id.

        recorded_at never goes backwards, even if the clock does, so that as-of reads
        and the time-sortable ids agree with the order of writes.
        """
        import secrets  # imported here: reads make no changeset, and it slows every start

        now = _utcnow()
        # A changeset recorded past the year 9999 around trendlab failed every write
        # with an internal error; it is the error naming recorded_at that every read gives.
        latest = self.recorded_at("SELECT max(recorded_at) FROM changesets")
        if latest is not None and now <= latest:
            now = latest + timedelta(microseconds=1)
        micros = int((now.replace(tzinfo=UTC)).timestamp() * 1_000_000)
        changeset_id = f"{micros:014x}{secrets.randbits(16):04x}"
        self.claim_head(changeset_id)
        self.mark_created()  # a new store's first data: it is whole once this commits
        self.execute(
            "INSERT INTO changesets VALUES (?, ?, ?, ?)", [changeset_id, now, author, message]
        )
        return changeset_id

    def claim_head(self, changeset_id: str | None) -> None:
        """Make this transaction conflict with every other writer of a team store.

        DuckLake lets concurrent appends to one table all commit, so two writers
        could both append revision N+1 of a record, each blind to the other. Every
        write therefore also replaces the one row of the write-head table: DuckLake
        refuses to commit two transactions that deleted from one table, so the
        second writer fails, and the write path replays its changeset on the new
        state (records.Changeset). Changesets form one chain, as in a DuckDB file,
        whose single writer needs none of this.
        """
        if not self.is_lake:
            return
        self.execute(f"DELETE FROM {WRITE_HEAD}")
        self.execute(f"INSERT INTO {WRITE_HEAD} VALUES (?, ?)", [changeset_id, _utcnow()])

    # -- reading -----------------------------------------------------------------------

    def execute(
        self, sql: str, params: dict[str, Any] | list[Any] | None = None
    ) -> duckdb.DuckDBPyConnection:
        """Run SQL with bound parameters (never pasted into the text); a team store's
        catalog that stays locked is reported as this store's."""
        # pandas_hidden also for a statement that scans a registered frame.
        with pandas_hidden(), lake.naming_locks(self.location, self.named):
            return self.con.execute(sql, params) if params else self.con.execute(sql)

    def relation(
        self, sql: str, params: dict[str, Any] | list[Any] | None = None
    ) -> duckdb.DuckDBPyRelation:
        """A query with bound parameters as a relation, to select from without pasting
        its text into other SQL (where its trailing `;` or comment would break it); a
        team store's catalog that stays locked is reported as this store's."""
        with pandas_hidden(), lake.naming_locks(self.location, self.named):
            return self.con.sql(sql, params=params) if params else self.con.sql(sql)

    def frame(self, sql: str, params: dict[str, Any] | list[Any] | None = None) -> pl.DataFrame:
        """Run a query and return a Polars frame; a date in it outside the years 1 to
        9999, which only a write around trendlab stores, is an error naming its column."""
        from trendlab.readable_dates import first_unreadable

        frame = self.execute(sql, params).pl()
        for column in frame.iter_columns():
            if first_unreadable(column) is not None:
                # Read on, Polars panicked turning it into text (exit 70).
                raise self._unreadable_time(column.name)
        return frame

    def frame_reading(self, name: str, rows: pl.DataFrame, sql: str) -> pl.DataFrame:
        """frame(sql), where `sql` reads `rows` as the table `name`, there only while it
        runs."""
        self.con.register(name, rows.to_arrow())  # Arrow: no pandas probe
        try:
            return self.frame(sql)
        finally:
            self.con.unregister(name)

    def recorded_at(
        self, sql: str, params: dict[str, Any] | list[Any] | None = None
    ) -> datetime | None:
        """The one changeset time `sql` selects, or None; one outside the years 1 to
        9999 is the error `frame` gives. Read without Polars, which `query --as-of`
        does not import: DuckDB hands Python the year 290000 as text and 'infinity'
        as 9999-12-31, which --as-of failed on (AttributeError) or read as a moment."""
        row = self.execute(
            f"SELECT t, NOT isfinite(t) OR year(t) NOT BETWEEN 1 AND 9999 FROM ({sql}) AS q(t)",
            params,
        ).fetchone()
        if row is None or row[0] is None:
            return None
        if row[1]:
            raise self._unreadable_time("recorded_at")
        return row[0]

    def _unreadable_time(self, column: str) -> TrendlabError:
        return TrendlabError(
            f"a date or time in {column} is outside the years 1 to 9999, which "
            "trendlab cannot read: one was written around trendlab; "
            f"`{self.command('check')}` lists it, and only SQL can mend it"
        )

    def scalar(self, sql: str, params: dict[str, Any] | list[Any] | None = None) -> Any:
        row = self.execute(sql, params).fetchone()
        return row[0] if row else None

    def resolve_changeset(self, written: str) -> tuple[str, datetime]:
        """A changeset id or unique prefix, in either case and with white space around
        it, -> (id, recorded_at); a recorded_at outside the years 1 to 9999 is the error
        `frame` gives of one. Errors quote the text as written."""
        rows = self._changesets_starting(written.strip())
        if not rows:
            # On --db: run as printed, it listed ./trendlab.duckdb's changesets.
            raise TrendlabError(f"no changeset {quoted(written)}; see `{self.command('log')}`")
        if len(rows) > 1:
            # Listed, as a name that matches several records is: the longer prefix to give
            # is read off them.
            shown = ", ".join(at_most(rows, 10))
            raise TrendlabError(
                f"changeset prefix {quoted(written)} matches {len(rows)} changesets: {shown}; give "
                "more of the id"
            )
        changeset_id = rows[0]
        moment = self.recorded_at("SELECT recorded_at FROM changesets WHERE id = ?", [changeset_id])
        if moment is None:
            # Its NOT NULL dropped around trendlab: --as-of failed (AttributeError), and
            # diff --since, comparing with NULL, said there were no changes.
            raise TrendlabError(
                f"changeset {changeset_id} has no recorded_at (NULL, written around trendlab), "
                f"so no moment to read the database at; `{self.command('check')}` lists it"
            )
        return changeset_id, moment

    def _changesets_starting(self, text: str) -> list[str]:
        """The ids of the changesets that begin with `text`, in either case, in order."""
        rows = self.execute(
            "SELECT id FROM changesets WHERE starts_with(id, ?) ORDER BY id",
            [text.lower()],  # ids are lower-case hex; one copied from elsewhere may not be
        ).fetchall()
        return [row[0] for row in rows]

    def parse_as_of(self, text: str, option: str = "--as-of") -> datetime:
        """A moment of recording, as `option` gives it: a year or a date (the end of it,
        UTC), a timestamp (the end of its last unit given: 12:30:05 is up to 12:30:05.999999,
        12:30 up to 12:30:59.999999; with a fraction of a second, that moment), or a
        changeset id."""
        # Errors quote the text as given: white space alone was quoted as ''.
        written, text = text, text.strip()
        # A year; four digits with a leading 0 are the start of a changeset id (ids
        # begin with the time they were made, in hex), not a year before 1000.
        if re.fullmatch(r"[1-9][0-9]{3}", text):  # not \d: any script's digit, which int() reads
            # A year: its end for --as-of (as --until reads one); for --since, since it
            # began, i.e. as of the end of the year before.
            text = f"{int(text) - 1:04d}-12-31" if option == "--since" else f"{text}-12-31"
        if re.fullmatch(DATE_RE, text):
            try:
                day = date.fromisoformat(text)
            except ValueError:
                raise TrendlabError(
                    f"{option}: {quoted(written)} is not a valid date", exit_code=ExitCode.USAGE
                ) from None
            return datetime.combine(day, datetime.max.time())
        # ISO 8601 allows `t` and `z` for `T` and `Z`, which fromisoformat refuses; the
        # text as given stays for errors to quote.
        stamped = _upper_designators(text)
        try:
            # A date and a time: fromisoformat alone also reads 20240101 and 2024-W01-1,
            # as the start of that day where 2024-01-01 is its end.
            if not re.match(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]", stamped):
                raise ValueError(text)
            stamp = datetime.fromisoformat(stamped.replace("Z", "+00:00"))
        except ValueError:
            if _CHANGESET_ID_RE.match(text.lower()):
                # No changeset begins with 20241204: surely a date without its dashes. Two
                # that do (ids begin with the time, 06620923...) are a prefix too short.
                dashed = _undashed_date(text)
                if dashed is not None and not self._changesets_starting(text):
                    raise TrendlabError(
                        f"no changeset {quoted(written)}; for the date, write {option} {dashed}"
                    ) from None
                return self.resolve_changeset(written)[1]
            self._refuse_short_prefix(written, option)
            # Hex too short to be an id that no id begins with either ('abc'): that no
            # changeset does is what 'abcd' is told (no changeset 'abcd').
            short = re.fullmatch(r"[0-9a-f]{1,3}", text.lower())
            raise TrendlabError(
                f"{option}: {quoted(written)} is not a year, a date (YYYY-MM-DD), a timestamp or a "
                "changeset id" + (" (no changeset's id begins with it)" if short else ""),
                exit_code=ExitCode.USAGE,
            ) from None
        given, *offset = re.split(r"[+-]", stamped.replace("Z", "+00:00")[11:], maxsplit=1)
        given = given.strip()
        fraction = re.search(r"[.,]", given)
        if (
            fraction and not re.fullmatch(r"[0-9]{2}(?::?[0-9]{2}){2}[.,][0-9]+", given)
        ) or re.search(r"[.,]", "".join(offset)):
            # Python reads ISO's decimal minute 12:30.5 (12:30:30) as 12:30:00.5, and a
            # sign with no digit after it (12:30:05.+01:00) as 12:30:05.000000: a moment
            # neither meant, where the state read must not be a guess. An offset's
            # decimal minute (+01:30.5) it reads as half a second of offset, alike.
            raise TrendlabError(
                f"{option}: {quoted(written)} is not a timestamp trendlab reads: only "
                "seconds take a fraction, with digits after its sign (12:30:05.25)",
                exit_code=ExitCode.USAGE,
            )
        if not fraction:
            # The end of the hour, minute or second given, as a date is the end of its
            # day: `log` and `history` show a changeset's time to the second, and that
            # time, given back, must include the changeset, not stop just before it.
            units = len(re.findall(r"[0-9]", given)) // 2  # 1: an hour, 2: a minute, 3: a second
            stamp = stamp.replace(
                minute=59 if units == 1 else stamp.minute,
                second=59 if units <= 2 else stamp.second,
                microsecond=999_999,
            )
        if stamp.tzinfo is not None:
            try:
                stamp = stamp.astimezone(UTC).replace(tzinfo=None)
            except OverflowError:
                # In UTC before year 1 or after 9999, which Python cannot hold: the first
                # or the last moment it can, the same state (no changeset is recorded
                # outside them).
                stamp = datetime.max if stamp.year == 9999 else datetime.min
        return stamp

    def _refuse_short_prefix(self, written: str, option: str) -> None:
        """Refuse the first 1 to 3 characters of a changeset id (white space around them
        none of them) as too short, as a record's id prefix is: it was said to be no
        changeset id at all. Too short whatever the database holds, it is a usage error,
        as text no id begins with is. The error quotes the text as written."""
        text = written.strip()
        if not re.fullmatch(r"[0-9a-f]{1,3}", text.lower()):
            return
        sql = "SELECT count(*) FROM changesets WHERE starts_with(id, ?)"
        if self.scalar(sql, [text.lower()]):
            raise TrendlabError(
                f"{option}: {written!r} is too short to name a changeset: give its id, or the "
                f"first 4 characters or more (`{self.command('log')}` shows ids)",
                exit_code=ExitCode.USAGE,
            )

    @property
    def reading_day(self) -> date:
        """The day a read is about: the --as-of moment's, else today (UTC, as every date
        here), fixed when first asked, so that every query of one command reads prices
        on the same day even if it runs past midnight. A price dated after it is not yet
        in effect."""
        if self.as_of is not None:
            return self.as_of.date()
        if self._today is None:
            self._today = utc_today()
        return self._today

    @property
    def as_of_ahead(self) -> bool:
        """Whether --as-of names a moment after now, when the database is read as it is
        now: a later day, or today's, which is the end of today."""
        return self.as_of is not None and self.after_now(self.as_of)

    @staticmethod
    def after_now(moment: datetime) -> bool:
        """Whether `moment` (UTC, as every moment here) is still to come."""
        return moment > _utcnow()

    def use_as_of(self, as_of: datetime) -> None:
        """Make this connection read the database as it was at `as_of`.

        Temporary views shadow the changesets and every revisions table with the rows
        recorded by then, so every stored view built on them (the current state, the
        history views, scores) and every read (list, show, export, query, forecast)
        sees that past state through the same names.
        """
        self.as_of = as_of
        stored = self._stored()
        recorded = f"recorded_at <= TIMESTAMP '{as_of.isoformat(sep=' ')}'"
        self.execute(
            "CREATE OR REPLACE TEMP VIEW changesets AS "
            f"SELECT * FROM {stored}.changesets WHERE {recorded}"
        )
        for kind in KINDS.values():
            self.execute(
                f"CREATE OR REPLACE TEMP VIEW {kind.table} AS SELECT * FROM {stored}.{kind.table} "
                f"WHERE changeset_id IN (SELECT id FROM {stored}.changesets WHERE {recorded})"
            )

    def _stored(self) -> str:
        """The schema of the stored tables by its full name, which reads them past the
        temporary views use_as_of puts in front of them (a view of the same name would
        otherwise read itself)."""
        (catalog,) = self.execute("SELECT current_database()").fetchone() or ("",)
        return f"{_identifier(str(catalog))}.main"

    def first_result_recorded(self, benchmark: str) -> datetime | None:
        """When the first result on `benchmark` with a known score was recorded, however
        late (past --as-of too), or None if none ever was: what a forecast as of an
        earlier moment can suggest instead."""
        return self._first_recorded(
            "result_revisions", f"r.benchmark = ? AND {_KNOWN_SCORE}", benchmark
        )

    def retracted_results(self, benchmark: str) -> int:
        """How many results on `benchmark` are retracted (as of --as-of, when one is set):
        what a forecast finding none current can tell from a benchmark never given any."""
        row = self.execute(
            f"SELECT count(*) FROM {_latest_revisions(KINDS['results'])} "
            "WHERE benchmark = ? AND op = 'retract'",
            [benchmark],
        ).fetchone()
        return int(row[0]) if row else 0

    def _first_recorded(self, table: str, where: str, *values: Any) -> datetime | None:
        """When the first revision in `table` (the stored one: past --as-of too) that is
        no retraction and meets `where` (about r, with `values` its parameters) was
        recorded."""
        stored = self._stored()
        # A time past the year 9999 (written around trendlab) failed the comparison with
        # --as-of (TypeError).
        return self.recorded_at(
            f"SELECT min(c.recorded_at) FROM {stored}.{table} r "
            f"JOIN {stored}.changesets c ON c.id = r.changeset_id "
            f"WHERE r.op <> 'retract' AND {where}",
            list(values),
        )

    # -- write helpers (SQL owned here, orchestration in records.py) ------------------

    def key_sql(self, kind: Kind, alias: str) -> str:
        """SQL expression computing a record's key from its fields.

        Derived ids are 16 hex digits of the md5 of the natural key (NULL as ''),
        so the same record gets the same id in every database.
        """
        if not kind.id_prefix:
            return f"{alias}.{kind.key_fields[0]}"
        parts = ", ".join(f"coalesce(CAST({alias}.{f} AS VARCHAR), '')" for f in kind.key_fields)
        return f"'{kind.id_prefix}_' || left(md5(concat_ws(chr(31), {parts})), 16)"

    @contextmanager
    def staged_diff(
        self,
        kind: Kind,
        incoming: pl.DataFrame,
        *,
        absent: pl.DataFrame | None = None,
    ) -> Iterator[pl.DataFrame]:
        """Compare incoming rows with the latest revision of each key.

        `incoming` holds __row and a subset of the kind's fields, typed. Fields it
        lacks keep their stored value, and so do the fields `absent` (__row and a
        Boolean column per field) marks as left out of a row, a key field excepted;
        a retracted record's are its last values, as the record is restored (by an
        import or an add alike), unless a row gives one of `kind.renewed_by` otherwise
        (then unknown). Inside the block the temporary
        view __diff holds __row, key, revision (the next number), status (new /
        retracted / changed / same) and every field, merged, which diff_rows and
        append_diff read; the block gets __row, key and status in input order. A
        view, not a table: the merged rows go from the input straight into the
        revisions table, never through Python, and nothing is kept until the
        transaction ends.
        """
        import polars as pl

        # An absent key field is unknown (NULL): it is part of the record's identity.
        incoming = incoming.with_columns(
            pl.lit(None, dtype=pl.String).alias(f)
            for f in kind.key_fields
            if f not in incoming.columns
        )
        present = [f for f in kind.field_names if f in incoming.columns]
        left_out = [
            f
            for f in (absent.columns if absent is not None else [])
            if f in present and f not in kind.key_fields
        ]
        renewed = " OR ".join(
            f"i.{f} IS DISTINCT FROM l.{f}" for f in kind.renewed_by if f in present
        )
        kept = f"CASE WHEN l.op = 'retract' AND ({renewed}) THEN NULL ELSE l.{{f}} END"

        def value(f: str) -> str:
            stored = kept.format(f=f) if renewed else f"l.{f}"
            if f not in present:
                return stored
            if f in left_out:
                return f"CASE WHEN a.{f} THEN {stored} ELSE i.{f} END"
            return f"i.{f}"

        merged = [f"{value(f)} AS {f}" for f in kind.field_names]
        floats = {f.name for f in kind.fields if f.type == "float"}
        changed = (
            " OR ".join(_distinct(value(f), f"l.{f}", f in floats) for f in present) or "false"
        )
        lcols = ", ".join(f"r.{f}" for f in kind.field_names)
        self.con.register("__incoming", incoming.to_arrow())  # Arrow: no pandas probe
        if absent is not None and left_out:
            self.con.register("__absent", absent.select("__row", *left_out).to_arrow())
        joined = " LEFT JOIN __absent a ON a.__row = i.__row" if left_out else ""
        try:
            self.execute(
                f"""
                CREATE OR REPLACE TEMP VIEW __diff AS
                WITH i AS (SELECT {self.key_sql(kind, "x")} AS key, x.* FROM __incoming x),
                l AS (
                    SELECT r.key, r.revision, r.op, {lcols} FROM {kind.table} r
                    SEMI JOIN i ON i.key = r.key
                    QUALIFY row_number() OVER (
                        PARTITION BY r.key ORDER BY r.revision DESC, r.changeset_id DESC) = 1
                )
                SELECT i.__row, i.key, coalesce(l.revision, 0) + 1 AS revision,
                       CASE WHEN l.key IS NULL THEN 'new'
                            WHEN l.op = 'retract' THEN 'retracted'
                            WHEN {changed} THEN 'changed'
                            ELSE 'same' END AS status,
                       {", ".join(merged)}
                FROM i LEFT JOIN l ON l.key = i.key{joined}
                """
            )
            yield self.frame("SELECT __row, key, status FROM __diff ORDER BY __row")
        finally:
            # After a failed statement the transaction is aborted and these would fail
            # too, hiding the real error; the rollback drops the view anyway.
            with contextlib.suppress(duckdb.Error):
                self.execute("DROP VIEW IF EXISTS __diff")
                self.con.unregister("__incoming")
                self.con.unregister("__absent")

    def diff_rows(self, statuses: list[str], columns: list[str]) -> pl.DataFrame:
        """__row, key and `columns` of the staged rows with these statuses, in input
        order (see staged_diff)."""
        cols = ", ".join(["__row", "key", *columns])
        return self.frame(
            f"SELECT {cols} FROM __diff WHERE list_contains($statuses, status) ORDER BY __row",
            {"statuses": statuses},
        )

    def append_diff(
        self, kind: Kind, changeset_id: str, statuses: list[str], *, again: Sequence[str] = ()
    ) -> int:
        """Append the staged rows with these statuses as revisions of one changeset:
        a changed record as an update, a new or retracted one as an insert.

        `again`: keys of changed records an earlier write of this changeset wrote (an
        import's catalog adds a model, its Hub extract dates it). The revision it wrote,
        not yet committed, takes the new values, keeping its number and operation: a
        changeset holds one revision of a record, one change as diff shows it, where
        log, counting revisions, said '1 added, 1 updated' of a model the store never
        had. Returns how many records were so revised again."""
        cols = ", ".join(kind.field_names)
        order = f"ORDER BY {', '.join(kind.cluster_by)}" if kind.cluster_by else ""
        if not again:
            self.execute(
                f"INSERT INTO {kind.table} (changeset_id, key, revision, op, {cols}) "
                "SELECT $changeset, key, revision, "
                f"CASE WHEN status = 'changed' THEN 'update' ELSE 'insert' END, {cols} "
                f"FROM __diff WHERE list_contains($statuses, status) {order}",
                {"changeset": changeset_id, "statuses": statuses},
            )
            return 0
        # Taken before the old revisions go, as __diff (a view) reads them: those the
        # table holds of this changeset, so that no key of `again` is left unwritten.
        self.execute(
            "CREATE OR REPLACE TEMP TABLE __again AS "
            f"SELECT d.key, r.revision, r.op, {', '.join(f'd.{c}' for c in kind.field_names)} "
            f"FROM __diff d JOIN {kind.table} r ON r.key = d.key "
            "AND r.revision = d.revision - 1 AND r.changeset_id = $changeset "
            # IN a subquery, not list_contains: that scans the list for each row, and a
            # chunk of an import may hold 200,000 keys (8 s at 50,000, against 0.16).
            "WHERE d.status = 'changed' AND d.key IN (SELECT unnest($again))",
            {"changeset": changeset_id, "again": list(again)},
        )
        try:
            self.execute(
                f"INSERT INTO {kind.table} (changeset_id, key, revision, op, {cols}) "
                "SELECT $changeset, key, revision, "
                f"CASE WHEN status = 'changed' THEN 'update' ELSE 'insert' END, {cols} "
                "FROM __diff WHERE list_contains($statuses, status) "
                f"AND key NOT IN (SELECT key FROM __again) {order}",
                {"changeset": changeset_id, "statuses": statuses},
            )
            # The very revision replaced, no other the changeset holds of the record.
            self.execute(
                f"DELETE FROM {kind.table} t WHERE changeset_id = ? AND EXISTS "
                "(SELECT 1 FROM __again a WHERE a.key = t.key AND a.revision = t.revision)",
                [changeset_id],
            )
            self.execute(
                f"INSERT INTO {kind.table} (changeset_id, key, revision, op, {cols}) "
                f"SELECT ?, key, revision, op, {cols} FROM __again",
                [changeset_id],
            )
            return int(self.scalar("SELECT count(*) FROM __again"))
        finally:
            with contextlib.suppress(duckdb.Error):  # an aborted transaction drops it
                self.execute("DROP TABLE IF EXISTS __again")

    def append_retraction(self, kind: Kind, key: str, changeset_id: str) -> None:
        """Append a retract revision carrying the record's last full row."""
        cols = ", ".join(kind.field_names)
        self.execute(
            f"INSERT INTO {kind.table} (changeset_id, key, revision, op, {cols}) "
            f"SELECT ?, key, revision + 1, 'retract', {cols} FROM {kind.table} WHERE key = ? "
            "QUALIFY row_number() OVER (ORDER BY revision DESC, changeset_id DESC) = 1",
            [changeset_id, key],
        )

    def current_row(self, kind: Kind, key: str) -> dict[str, Any] | None:
        """The current (not retracted) record with this key, as a dict."""
        rows = self.frame(
            f"SELECT * FROM {kind.name} WHERE {kind.key_column} = ?", [key]
        ).to_dicts()
        return rows[0] if rows else None

    def find_keys(self, kind: Kind, text: str, *, ever: bool = False) -> list[str]:
        """Keys of current records matching `text`: a key, an id prefix, or the fields
        of the key joined by '/' as listings show them (MODEL/BENCHMARK[/SETTING] for a
        result, MODEL/PROVIDER[/DATE] for a price, the provider as names compare). With
        `ever`, of every record that existed (by --as-of, when one is set), retracted
        ones included, as its latest revision has it."""
        col = "key" if ever else kind.key_column
        source = _latest_revisions(kind) if ever else kind.name
        exact = self.execute(f"SELECT {col} FROM {source} WHERE {col} = ?", [text]).fetchall()
        if exact:
            return [exact[0][0]]
        # A setting as typed first: a store may hold 'café' both composed and decomposed
        # (written before writes matched them, or around trendlab), and each is named so.
        for exact_setting in (True, False):
            match = self._key_match(kind, text, col, exact_setting=exact_setting)
            if match is None:
                return []
            where, values = match
            rows = self.execute(
                f"SELECT {col} FROM {source} WHERE {where} ORDER BY {col}", values
            ).fetchall()
            if rows:
                return [r[0] for r in rows]
        return []

    def _key_match(
        self, kind: Kind, text: str, key: str, *, exact_setting: bool = False
    ) -> tuple[str, list[str]] | None:
        """The condition, and its values, that the records of a kind with ids meet which
        `text` names as find_keys reads it: the fields of the key joined by '/', or a
        prefix of 4 characters or more of their id (`key`, its column); None where
        `text` names none so. With `exact_setting`, a setting only as typed, not in
        any Unicode form."""
        if not kind.id_prefix:
            return None
        if "/" in text:
            named = [f for f in kind.key_fields if f != "source_url"]
            parts = _key_parts(text, named)
            # Providers match as the write path compares them (OpenAI, openai; ΣΑΣ, σας):
            # by the one rule for names, so that a key finds the price a write matched.
            if "provider" in named:
                self.use_text_functions()
            conditions = (_key_part_match(kind, f, exact_setting) for f in named[: len(parts)])
            return " AND ".join(conditions), parts
        if len(text) < 4:
            return None
        # Ids are lowercase hex, as changeset ids are: one copied in capitals is the same.
        return f"starts_with({key}, ?)", [text.lower()]

    def retracted_in(self, kind: Kind, key: str) -> str | None:
        """The changeset that retracted `key`, if its latest revision (as of --as-of,
        when one is set: see use_as_of) is a retraction."""
        row = self.execute(
            f"SELECT changeset_id, op FROM {kind.history_view} "
            "WHERE key = $key ORDER BY revision DESC LIMIT 1",
            {"key": key},
        ).fetchone()
        return row[0] if row and row[1] == "retract" else None

    def record_names(self, kind: Kind, *, ever: bool = False) -> list[str]:
        """The names of a result's or a price's records as find_keys reads them and
        listings show them (MODEL/BENCHMARK and MODEL/BENCHMARK/SETTING, MODEL/PROVIDER
        and MODEL/PROVIDER/DATE), for suggesting one near a mistyped name. With `ever`,
        of every record that existed, as its latest revision has it."""
        source = _latest_revisions(kind) if ever else kind.name
        parts = [f"CAST({f} AS VARCHAR)" for f in kind.key_fields if f != "source_url"]
        # A NULL part (no setting) makes the longer name NULL: only the shorter is kept.
        names = ", ".join(" || '/' || ".join(parts[:n]) for n in range(2, len(parts) + 1))
        rows = self.execute(
            f"SELECT DISTINCT name FROM (SELECT unnest([{names}]) AS name FROM {source}) "
            "WHERE name IS NOT NULL"
        ).fetchall()
        return [r[0] for r in rows]

    def all_keys(self, kind: Kind) -> list[str]:
        col = kind.key_column
        return [r[0] for r in self.execute(f"SELECT {col} FROM {kind.name}").fetchall()]

    def organization_names(self) -> dict[str, str | None]:
        """Current organizations: slug -> name, in slug order (two whose names fold
        alike, written around trendlab, are then read the same way each time)."""
        return dict(self.execute("SELECT slug, name FROM organizations ORDER BY slug").fetchall())

    def organization_names_ever(self) -> dict[str, str | None]:
        """Every organization that ever had a revision, retracted ones too: slug -> its
        latest name, in slug order (as keys_ever reads the history)."""
        return dict(
            self.execute(
                "SELECT key, arg_max(name, revision) FROM organization_revisions "
                "GROUP BY key ORDER BY key"
            ).fetchall()
        )

    def organization_names_had(self, *, past_as_of: bool = False) -> list[tuple[str, str]]:
        """Every (slug, name) pair any revision of an organization recorded: the names it
        had before a rename too, and a retracted one's. `past_as_of`: however late they
        were recorded (past --as-of too)."""
        table = (
            f"{self._stored()}.organization_revisions" if past_as_of else "organization_revisions"
        )
        rows = self.execute(
            f"SELECT DISTINCT key, name FROM {table} WHERE name IS NOT NULL ORDER BY key, name"
        ).fetchall()
        return [(slug, name) for slug, name in rows]

    def first_named(self, slug: str, name: str) -> datetime | None:
        """When organization `slug` was first recorded with `name` (past --as-of too)."""
        return self._first_recorded(
            "organization_revisions", "r.key = ? AND r.name = ?", slug, name
        )

    def renamed_from(self, slug: str, names: list[str]) -> datetime | None:
        """When organization `slug` last stopped having one of `names` (exact, as
        recorded), as of --as-of when one is set: the time of its revision after the
        last one with such a name; None if none follows it."""
        return self.recorded_at(
            "SELECT min(c.recorded_at) FROM organization_revisions r "
            "JOIN changesets c ON c.id = r.changeset_id WHERE r.key = $slug AND r.revision > "
            "(SELECT max(revision) FROM organization_revisions "
            "WHERE key = $slug AND list_contains($names, name))",
            {"slug": slug, "names": names},
        )

    def model_organizations(self, models: list[str]) -> list[str]:
        """The organizations these current models name, each once, in slug order."""
        rows = self.execute(
            "SELECT organization FROM models WHERE organization IS NOT NULL "
            "AND slug IN (SELECT unnest($slugs::VARCHAR[])) "
            "GROUP BY organization ORDER BY min(slug), organization",
            {"slugs": models},
        ).fetchall()
        return [name for (name,) in rows]

    def organizations_written(self, models: list[str]) -> dict[str, str]:
        """The organization each of these current models writes, as written, by slug."""
        rows = self.execute(
            "SELECT slug, organization FROM models WHERE organization IS NOT NULL "
            "AND slug IN (SELECT unnest($slugs::VARCHAR[]))",
            {"slugs": models},
        ).fetchall()
        return dict(rows)

    def undated_results(self, by: str, keys: list[str]) -> dict[str, int]:
        """How many current results per model no date places (the `scores` view's date:
        no reported date, and a model with no release date), of those whose `by` ('id'
        or 'model') is one of `keys`."""
        if by not in ("id", "model"):
            raise ValueError(f"undated results by {by!r}: by id or model")
        rows = self.execute(
            f"SELECT model, count(*) FROM scores WHERE date IS NULL "
            f"AND {by} IN (SELECT unnest($keys::VARCHAR[])) GROUP BY model ORDER BY model",
            {"keys": keys},
        ).fetchall()
        return dict(rows)

    def dated_before_release(self, models: list[str]) -> list[tuple[str, Any, int, int]]:
        """(model, release date, results reported before it, prices taking effect
        before it) for those of `models` with any such record."""
        return self.execute(
            "SELECT * FROM (SELECT m.slug, m.release_date, "
            "(SELECT count(*) FROM results r WHERE r.model = m.slug "
            "AND r.reported_date < m.release_date) AS results, "
            "(SELECT count(*) FROM prices p WHERE p.model = m.slug "
            "AND p.effective_date < m.release_date) AS prices "
            "FROM models m WHERE m.slug IN (SELECT unnest($models::VARCHAR[]))) "
            "WHERE results + prices > 0 ORDER BY slug",
            {"models": models},
        ).fetchall()

    def result_pairs(self, fields: list[str], benchmarks: list[str]) -> pl.DataFrame:
        """The distinct `fields` (model, benchmark and perhaps setting) of the current
        results on `benchmarks`."""
        columns = ", ".join(fields)
        return self.frame(
            f"SELECT DISTINCT {columns} FROM results "
            "WHERE benchmark IN (SELECT unnest($benchmarks::VARCHAR[]))",
            {"benchmarks": benchmarks},
        )

    def undated_settings(self, benchmarks: list[str]) -> pl.DataFrame:
        """(benchmark, setting) of each current result on `benchmarks` that no date
        places (see undated_results), its score known: what forecast_points holds
        undated, and every forecast and backtest leaves out."""
        return self.frame(
            f"SELECT benchmark, setting FROM scores WHERE date IS NULL AND {_KNOWN_SCORE} "
            "AND benchmark IN (SELECT unnest($benchmarks::VARCHAR[]))",
            {"benchmarks": benchmarks},
        )

    def result_settings(self, pairs: pl.DataFrame) -> pl.DataFrame:
        """The settings stored results of these (model, benchmark) pairs have, retracted
        ones too, each with `retracted` (whether the result now is)."""
        return self.frame_reading(
            "__setting_pairs",
            pairs,
            "SELECT model, benchmark, setting, bool_and(op = 'retract') AS retracted "
            "FROM (SELECT model, benchmark, setting, op FROM result_revisions r "
            "SEMI JOIN __setting_pairs k ON k.model = r.model "
            "AND k.benchmark = r.benchmark WHERE setting IS NOT NULL QUALIFY "
            "row_number() OVER (PARTITION BY key ORDER BY revision DESC, "
            "changeset_id DESC) = 1) GROUP BY ALL",
        )

    def result_urls(self, keys: pl.DataFrame) -> pl.DataFrame:
        """The source URLs stored results with these (model, benchmark, setting) have,
        retracted ones too, each with `retracted` (whether the result now is)."""
        return self.frame_reading(
            "__url_keys",
            keys,
            "SELECT model, benchmark, setting, source_url, op = 'retract' AS retracted "
            "FROM result_revisions r SEMI JOIN __url_keys k ON k.model = r.model "
            "AND k.benchmark = r.benchmark AND k.setting IS NOT DISTINCT FROM r.setting "
            "WHERE source_url IS NOT NULL QUALIFY row_number() OVER "
            "(PARTITION BY key ORDER BY revision DESC, changeset_id DESC) = 1",
        )

    def scores_outside_units(self, benchmarks: list[str]) -> list[tuple[str, str, int, str, float]]:
        """(benchmark, unit, n, first id, its score) for these benchmarks' current results
        whose score lies outside the benchmark's unit's range, as the check
        04_scores_outside_unit sees them."""
        return self.execute(
            "SELECT b.slug, b.unit, count(*), min(r.id), arg_min(r.score, r.id) FROM results r "
            "JOIN benchmarks b ON b.slug = r.benchmark JOIN units u ON u.unit = b.unit "
            "WHERE b.slug IN (SELECT unnest($slugs::VARCHAR[])) "
            "AND (r.score < u.min_value OR r.score > u.max_value) AND NOT isnan(r.score) "
            "GROUP BY b.slug, b.unit ORDER BY b.slug",
            {"slugs": benchmarks},
        ).fetchall()

    def results_past_ceiling(self, benchmarks: list[str]) -> list[tuple[str, float, int]]:
        """(benchmark, ceiling, n) for these benchmarks' current results that beat the
        ceiling, as the check 11_results_beyond_ceiling sees them."""
        return self.execute(
            "SELECT b.slug, b.ceiling, count(*) FROM results r "
            "JOIN benchmarks b ON b.slug = r.benchmark "
            "WHERE b.slug IN (SELECT unnest($slugs::VARCHAR[])) "
            f"AND {_PAST_CEILING.format(high='r.score', low='r.score')} AND NOT isnan(r.score) "
            "GROUP BY b.slug, b.ceiling ORDER BY b.slug",
            {"slugs": benchmarks},
        ).fetchall()

    def ceilings_passed(self, scores: pl.DataFrame) -> list[str]:
        """The benchmarks whose ceiling a score lies past, as results_past_ceiling reads
        it, from each benchmark's highest and lowest known score (`scores`: benchmark,
        high, low): a read of their bounds alone, where counting results reads all."""
        past = _PAST_CEILING.format(high="s.high", low="s.low")
        rows = self.execute(
            "SELECT b.slug FROM (SELECT unnest($slugs::VARCHAR[]) AS slug, "
            "unnest($high::DOUBLE[]) AS high, unnest($low::DOUBLE[]) AS low) s "
            f"JOIN benchmarks b ON b.slug = s.slug WHERE {past} ORDER BY b.slug",
            {
                "slugs": scores.get_column("benchmark").to_list(),
                "high": scores.get_column("high").to_list(),
                "low": scores.get_column("low").to_list(),
            },
        ).fetchall()
        return [slug for (slug,) in rows]

    def organization_models(self, key: str) -> dict[str, str]:
        """The current models that name organization `key` (see Organizations), in slug
        order, each with the organization as it writes it."""
        organizations = Organizations(self.organization_names())
        found = {
            model: name
            for name, models in self.models_by_organization().items()
            if organizations.slug_of(name) == key
            for model in models
        }
        return dict(sorted(found.items()))

    def models_by_organization(self) -> dict[str, list[str]]:
        """Each organization as current models write it -> those models, in slug order."""
        names = self.execute(
            "SELECT organization, list(slug ORDER BY slug) FROM models "
            "WHERE organization IS NOT NULL GROUP BY organization"
        ).fetchall()
        return dict(names)

    def dependents(self, kind: Kind, key: str) -> dict[str, int]:
        """Current records that name this organization, model or benchmark."""
        if kind.name == "organizations":
            n = len(self.organization_models(key))
            return {"models": n} if n else {}
        counts: dict[str, int] = {}
        refs = {
            "models": [("results", "model"), ("prices", "model"), ("aliases", "model")],
            "benchmarks": [("results", "benchmark")],
        }
        for view, column in refs.get(kind.name, []):
            n = self.scalar(f"SELECT count(*) FROM {view} WHERE {column} = ?", [key])
            if n:
                counts[view] = int(n)
        return counts

    # -- reads for the CLI ---------------------------------------------------------------

    def records(
        self,
        kind: Kind,
        *,
        model: str | None = None,
        benchmark: str | None = None,
        since: date | None = None,
        limit: int | None = None,
        fields_only: bool = False,
        blend: Blend | None = None,
    ) -> pl.DataFrame:
        """Current records of `kind`, filtered; `fields_only` drops the derived id.

        `blend` (prices only) adds their blended price at its weights, by the schema's
        blended_price macro.
        """
        where: list[str] = []
        params: list[Any] = []
        kind.check_filters(model=model, benchmark=benchmark, since=since)
        if model is not None:
            where.append("model = ?" if "model" in kind.field_names else "slug = ?")
            params.append(model)
        if benchmark is not None:
            where.append("benchmark = ?")
            params.append(benchmark)
        dated = kind.date_field
        if kind.name == "results":
            # Dated as in the scores view: a result without a reported date by its model's
            # release, so --since and the order agree with forecasts and named queries.
            # min(): two current models with one slug (written around trendlab, which check
            # reports) must not stop a listing, nor the export that gets the data out.
            dated = (
                "coalesce(reported_date, "
                "(SELECT min(release_date) FROM models m WHERE m.slug = t.model))"
            )
        if since is not None:
            where.append(f"{dated} >= ?")
            params.append(since)
        cols = kind.field_names if fields_only else kind.view_columns
        if blend is not None:
            from trendlab.prices import BLENDED

            cols = [
                *cols,
                "blended_price(input_usd_per_mtok, output_usd_per_mtok, w_in := ?, w_out := ?) "
                f"AS {BLENDED}",
            ]
            params = [blend.input, blend.output, *params]  # they come first in the SQL
        order = [dated] if dated else []
        sql = (
            f"SELECT {', '.join(cols)} FROM {kind.name} t"
            + (f" WHERE {' AND '.join(where)}" if where else "")
            + f" ORDER BY {', '.join([*order, kind.key_column])}"
            + (f" LIMIT {int(limit)}" if limit else "")
        )
        return self.frame(sql, params)

    def history(self, kind: Kind, key: str) -> pl.DataFrame:
        """Every revision of one record, oldest first, with who, when and why."""
        return self.frame(
            f"SELECT revision, op, changeset_id, valid_from, valid_to, author, message, "
            f"{', '.join(kind.field_names)} FROM {kind.history_view} WHERE key = ? "
            "ORDER BY revision",
            [key],
        )

    def states_around(self, kind: Kind, since: datetime) -> pl.DataFrame:
        """The records of `kind` with a revision recorded after `since`, each in up to
        two rows: its latest revision up to `since` (side 'before'; none if it did not
        exist yet) and its latest revision now (side 'after'), with key, op, valid_from
        and its fields. A revision recorded at `since` itself is before."""
        return self.frame(
            f"""
            WITH touched AS (
                SELECT DISTINCT key FROM {kind.history_view} WHERE valid_from > $since
            ),
            states AS (
                SELECT h.key, h.op, h.valid_from, {", ".join(kind.field_names)},
                       CASE WHEN h.valid_from <= $since THEN 'before' ELSE 'after' END AS side
                FROM {kind.history_view} h SEMI JOIN touched t ON t.key = h.key
                QUALIFY row_number() OVER (
                    PARTITION BY h.key, side ORDER BY h.revision DESC) = 1
            )
            SELECT * FROM states ORDER BY key, side DESC
            """,
            {"since": since},
        )

    def alias_models_ever(self) -> list[tuple[str, str]]:
        """Every (alias, model) pair any revision of an alias recorded, retracted and
        moved ones included."""
        rows = self.execute(
            "SELECT DISTINCT key, model FROM alias_revisions ORDER BY key, model"
        ).fetchall()
        return [(alias, model) for alias, model in rows]

    def model_had_records(self, kind: Kind, model: str) -> bool:
        """Whether any revision of a result or a price (`kind`) ever named `model`."""
        sql = f"SELECT EXISTS (SELECT 1 FROM {kind.table} WHERE model = ?)"
        return bool(self.scalar(sql, [model]))

    def keys_ever(self, kind: Kind) -> list[str]:
        """Every key that ever had a revision, retracted ones included."""
        rows = self.execute(f"SELECT DISTINCT key FROM {kind.table} ORDER BY key").fetchall()
        return [r[0] for r in rows]

    def counts(self) -> dict[str, int]:
        """How many current records of each kind there are, and how many changesets."""
        names = [kind.name for kind in KINDS.values()]
        row = self.execute(
            "SELECT "
            + ", ".join(f"(SELECT count(*) FROM {name})" for name in names)
            + ", (SELECT count(*) FROM changesets)"
        ).fetchone()
        names.append("changesets")
        assert row is not None
        return dict(zip(names, (int(n) for n in row), strict=True))

    def changeset_count(self) -> int:
        """How many changesets the store holds (in every schema version: an older
        store's record tables may differ)."""
        return int(self.scalar("SELECT count(*) FROM changesets"))

    def changesets_before(self, changeset_id: str) -> int:
        """How many changesets were recorded before `changeset_id` (new_changeset keeps
        recorded_at rising, on a team store too: a write that loses a race is recorded
        anew on top of the one that won)."""
        return int(
            self.scalar(
                "SELECT count(*) FROM changesets WHERE id <> $id AND recorded_at <= "
                "(SELECT recorded_at FROM changesets WHERE id = $id)",
                {"id": changeset_id},
            )
        )

    def changeset_before(self, changeset_id: str) -> str | None:
        """The changeset recorded just before `changeset_id`, if any: `diff --since` it
        lists what `changeset_id` wrote (and whatever came after)."""
        found = self.scalar(
            "SELECT id FROM changesets WHERE recorded_at < "
            "(SELECT recorded_at FROM changesets WHERE id = $id) "
            "ORDER BY recorded_at DESC, id DESC LIMIT 1",
            {"id": changeset_id},
        )
        return None if found is None else str(found)

    def changesets(self, limit: int | None = None) -> pl.DataFrame:
        """Changesets (recorded by --as-of, when one is set), newest first, with counts
        of revisions per kind and what they did, in the words of an import's and diff's
        summary, one item a kind in the order of KINDS: ['models: 1 added, 1 restored',
        'results: 5 updated'] (none for a changeset holding no revision). A record's
        insert after its first revision brings it back from a retraction: restored."""
        return self.frame(
            """
            WITH did AS (
                SELECT changeset_id, kind,
                       CASE WHEN op = 'insert' AND revision > 1 THEN 'restored'
                            WHEN op = 'insert' THEN 'added'
                            WHEN op = 'update' THEN 'updated' ELSE 'retracted' END AS what
                FROM revisions
            ),
            counts AS (
                SELECT changeset_id, kind, what, count(*) AS n FROM did GROUP BY ALL
            ),
            kinds AS (
                SELECT changeset_id, kind,
                       kind || ': ' || string_agg(n || ' ' || what, ', ' ORDER BY
                           list_position($changes, what)
                       ) AS said
                FROM counts GROUP BY changeset_id, kind
            )
            SELECT c.id AS changeset, c.recorded_at, c.author, c.message,
                   coalesce(
                       list(said ORDER BY list_position($kinds, kind)) FILTER (said IS NOT NULL),
                       []::VARCHAR[]
                   ) AS changes
            FROM changesets c LEFT JOIN kinds r ON r.changeset_id = c.id
            GROUP BY ALL
            ORDER BY c.recorded_at DESC, c.id DESC
            """
            + (f" LIMIT {int(limit)}" if limit else ""),
            {"kinds": list(KINDS), "changes": list(CHANGES)},
        )

    def use_text_functions(self) -> None:
        """Make `trendlab_fold(text)`, the one rule by which names compare (see
        trendlab.text.fold), `trendlab_slugify(text)`, the slug a name is given, and
        `trendlab_nfkc(text)` (DuckDB has only nfc_normalize) and `trendlab_url_form(url)`,
        a URL as a result's source URLs compare (see trendlab.validate.url_form), callable
        in this connection's SQL. Named apart from what a user may name a macro of their
        own in the store (`fold`), which DuckDB would call instead of trendlab's."""
        found = dict(
            self.execute(
                "SELECT function_name, function_type FROM duckdb_functions() "
                "WHERE function_name IN ?",
                [list(TEXT_FUNCTIONS)],
            ).fetchall()
        )
        for name, function in TEXT_FUNCTIONS.items():
            if found.get(name, "scalar") != "scalar":
                raise TrendlabError(
                    f"{self.location} has a {found[name]} of its own named {name}, a name "
                    "trendlab keeps for its function: rename or drop it"
                )
            if name not in found:
                self.con.create_function(
                    name,
                    function,
                    [duckdb.sqltype("VARCHAR")],
                    duckdb.sqltype("VARCHAR"),
                    type=ARROW if name in _ARROW_FUNCTIONS else NATIVE,
                )

    def _missing_schema(self, made: _Made, have: _Columns) -> list[tuple[str, str]]:
        """(name, problem) of each table, view or macro the migrations create (`made`,
        see _schema_objects) that this store lacks, and of each column of their tables
        and views that it (`have`, see column_types) lacks or holds as another type:
        dropped, altered or replaced around trendlab, the commands that read it fail."""
        present = set(self._table_names())
        # A team store's macros are its connection's own (see temporary_macros).
        present |= {
            name
            for (name,) in self.execute(
                "SELECT function_name FROM duckdb_functions() WHERE function_type = 'macro'"
            ).fetchall()
        }
        missing = [
            (
                name,
                f"{kind} {name} is missing (dropped around trendlab): {_missing_effect(name)}; "
                f"create it again as trendlab's {_schema_file(m)} does",
            )
            for name, (kind, m) in sorted(made.items())
            if name not in present
        ]
        altered = _altered_columns({n: made[n] for n in made if n in present}, have)
        # A view whose columns changed is listed by them alone, as replaced already.
        listed = {key.split(".")[0] for key, _ in altered}
        replaced = self._replaced_definitions(
            {n: made[n] for n in made if n in present and n not in listed}
        )
        return sorted(missing + altered + replaced)

    def _damaged_tables(self, made: _Made) -> list[tuple[str, str]]:
        """(name, problem) of each table of this DuckDB file that DuckDB cannot read
        whole (`made` as for _missing_schema): the file overwritten in part or cut short
        around trendlab. The audits read only some columns of some tables, so check said
        "ok" of a store whose forecasts then failed on "Corrupt database file". Of a team
        store, only the forecast cache's data files are read (one deleted is listed too):
        the audits never read the cache, and forecasts take its damage for a miss (see
        cached); any other table's damaged data file fails the audit that reads it (see
        lake.missing_data_error)."""
        found = []
        for (table,) in self.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'main' ORDER BY table_name"
        ).fetchall():
            if self.is_lake and table != _CACHE_TABLE:
                continue
            try:
                self.execute(f"SELECT max(hash(COLUMNS(*))) FROM {_identifier(table)}")
            except duckdb.IOException as exc:
                how = f"{_first_line(str(exc))}; the file overwritten in part or cut short"
            except lake.DamagedDataFile as exc:
                how = f"{exc.said}; its data file {exc.how}"
            else:
                continue
            self.read_again()  # a team store's transaction, aborted
            found.append(
                (
                    table,
                    f"table {table} cannot be read ({how} around trendlab): "
                    f"{_damaged_effect(table, made)}",
                )
            )
        return found

    def _replaced_definitions(self, made: _Made) -> list[tuple[str, str]]:
        """(name, problem) of each view and macro of these (`made`, see _schema_objects)
        that this store defines otherwise than the migrations do (see definitions):
        replaced around trendlab with the same columns (a view with others is listed by
        them, see _altered_columns), it passed every other check while the commands that
        read it showed other data than trendlab's."""
        wanted, stored = new_store_schema().definitions, self.definitions()
        return [
            (
                name,
                f"{kind} {name} is not trendlab's (replaced around trendlab): the commands "
                f"that read it show other data; create it again (CREATE OR REPLACE) as "
                f"trendlab's {_schema_file(m)} does",
            )
            for name, (kind, m) in sorted(made.items())
            if kind != "table" and stored.get((kind, name)) != wanted.get((kind, name))
        ]

    def definitions(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """Each view and macro of this store's `main` schema, by (kind, name): the view's
        SQL, and each of the macro's overloads' parameters and body.

        As DuckDB writes them back from what it parsed, not as they were typed, so that
        they compare with those of a new store (see new_store_schema) whatever spacing
        and comments made them; a DuckLake team store's views read back alike. A macro's
        default values are not among them: DuckDB 1.4 shows none (duckdb_functions lists
        only the parameters' names)."""
        found: dict[tuple[str, str], tuple[str, ...]] = {}
        # A team store's macros are its connection's own, in `temp` (see temporary_macros).
        for kind, name, text in self.execute(
            "SELECT 'view', view_name, sql FROM duckdb_views() "
            "WHERE database_name = current_database() AND schema_name = 'main' "
            "AND NOT temporary "
            "UNION ALL SELECT 'macro', function_name, "
            "CAST(parameters AS VARCHAR) || ' AS ' || macro_definition FROM duckdb_functions() "
            "WHERE function_type = 'macro' AND NOT internal AND schema_name = 'main' "
            "AND database_name IN (current_database(), 'temp') "
            "ORDER BY 3"
        ).fetchall():
            found[kind, name] = (*found.get((kind, name), ()), text)
        return found

    def _loosened_columns(self, made: _Made, have: _Columns) -> list[tuple[str, str]]:
        """(key, problem) of each column the migrations make NOT NULL (`made` and `have`
        as for _missing_schema) that this store lets hold NULL, with how many rows do: a
        NULL key, operation or time, which no trendlab write stores, escapes the audits
        (NULL matches no rule)."""
        found = []
        for table, column, nulls in self.loosened_columns(have):
            # schema_migrations is trendlab's own bookkeeping, made by no schema file.
            maker = f"trendlab's {_schema_file(made[table][1])}" if table in made else "trendlab"
            mend = f"add NOT NULL back as {maker} makes it"
            if nulls:
                rows = "1 row holds" if nulls == 1 else f"{nulls} rows hold"
                mend = (
                    f", and {rows} NULL, which no trendlab write stores: give each a value, "
                    f"then {mend}"
                )
            else:
                mend = f": {mend}"
            found.append(
                (
                    f"{table}.{column}",
                    f"column {column} of table {table} allows NULL (its NOT NULL dropped "
                    f"around trendlab){mend}",
                )
            )
        return found

    def loosened_columns(self, have: _Columns | None = None) -> list[tuple[str, str, int]]:
        """(table, column, rows holding NULL) of each column the migrations make NOT
        NULL that this store (its columns `have`, see column_types) lets hold NULL, its
        NOT NULL dropped around trendlab; a column dropped is left out."""
        have = self.column_types() if have is None else have
        found = []
        for table, column in sorted(new_store_schema().not_null - self.not_null_columns()):
            if column not in have.get(table, {}):
                continue  # dropped: listed as missing (see _altered_columns)
            nulls = self.scalar(
                f"SELECT count(*) FROM {_identifier(table)} WHERE {_identifier(column)} IS NULL"
            )
            found.append((table, column, int(nulls)))
        return found

    def first_null(self, table: str, column: str) -> str | None:
        """The changeset of the first row of `table` whose `column` holds NULL (its own
        id for a changeset); None for a table of no changeset (schema_migrations,
        forecast_cache) or a row of none."""
        name = "id" if table == "changesets" else "changeset_id"
        if name not in self.column_types().get(table, {}):
            return None
        ident = _identifier(name)
        return self.scalar(
            f"SELECT {ident} FROM {_identifier(table)} WHERE {_identifier(column)} IS NULL "
            f"ORDER BY {ident} NULLS LAST LIMIT 1"
        )

    def _unrecorded_migrations(self) -> list[tuple[str, str]]:
        """(key, problem) of each migration up to the store's version that
        schema_migrations holds no row of, or holds under another name or more than
        once: the version is the highest row's, so a row deleted or altered around
        trendlab below it went unseen, and `migrate` would run a migration whose row is
        gone (the highest one's) again. And each row of a version no migration has,
        below 1 (a store's version is at most the latest's): one renumbered so made
        `migrate` run its migration again."""
        # A team store's CREATING row is its own (see _part_made), which a read refuses.
        rows = self.execute(
            "SELECT version, list(name ORDER BY name) FROM schema_migrations "
            "WHERE version IS NOT NULL AND NOT (? AND version = ?) GROUP BY version "
            "ORDER BY version",
            [self.is_lake, CREATING],
        ).fetchall()
        recorded = {int(version): names for version, names in rows}
        have = max(recorded, default=0)
        found = []
        for version, names in recorded.items():
            if version < 1:
                shown = ", ".join("NULL" if n is None else quoted(n) for n in names)
                held = "a row" if len(names) == 1 else f"{len(names)} rows"
                problem = (
                    f"schema_migrations holds {held} for version {version} ({shown}), "
                    "which is no migration's (added or altered around trendlab): delete "
                    + ("it" if len(names) == 1 else "them")
                )
                found.append((f"schema_migrations.{version}", problem))
        for m in migrations():
            if m.version > have:
                break
            names = recorded.get(m.version, [])
            row = f"({m.version}, '{m.name}', the time it was applied)"
            if not names:
                problem = (
                    f"schema_migrations has no row for migration {m.version:03d}_{m.name}, "
                    f"though it has later ones (deleted around trendlab): insert {row} again"
                )
            elif names != [m.name]:
                shown = ", ".join("NULL" if n is None else quoted(n) for n in names)
                held = "a row" if len(names) == 1 else f"{len(names)} rows"
                problem = (
                    f"schema_migrations holds {held} for migration {m.version} ({shown}), "
                    f"where trendlab writes one, {quoted(m.name)} (added or altered around "
                    f"trendlab): keep {row} alone"
                )
            else:
                continue
            found.append((f"schema_migrations.{m.version}", problem))
        return found

    def not_null_columns(self) -> set[tuple[str, str]]:
        """(table, column) of each NOT NULL column of this store's `main` schema."""
        return set(
            self.execute(
                "SELECT table_name, column_name FROM duckdb_columns() "
                "WHERE database_name = current_database() AND schema_name = 'main' "
                "AND NOT is_nullable"
            ).fetchall()
        )

    def column_types(self) -> dict[str, dict[str, str]]:
        """The type of each column of each table of this store's `main` schema."""
        columns: dict[str, dict[str, str]] = {}
        for table, column, type_ in self.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = 'main' "
            "ORDER BY table_name, column_index"
        ).fetchall():
            columns.setdefault(table, {})[column] = type_
        return columns

    def check(self) -> pl.DataFrame:
        """Run every audit in queries/checks/: the rows they return are violations. Then
        put every current record through the write path's field rules (validate's
        stored_errors, as the check field_rules): a value no write stores was written
        around trendlab.

        The audits may call `trendlab_fold(text)`, `trendlab_slugify(text)`,
        `trendlab_nfkc(text)` and `trendlab_url_form(url)` (see use_text_functions), so
        that they find what the write path refuses, and read `getvariable('trendlab_nul_problem')`, how the write path
        tells a NUL, so that they tell it alike, and `getvariable('trendlab_blank_re')`,
        text.BLANK_RE in DuckDB's syntax, so that they find blank what the write path
        takes as not given (a U+200D alone, which is no white space). They read the
        schema's views: one dropped around trendlab (any table, view or macro the
        migrations create but the forecast cache's, which none reads) is listed alone, as
        they cannot run.
        """
        import polars as pl

        from trendlab.validate import NUL_PROBLEM, stored_errors

        made, have = _schema_objects(), self.column_types()
        missing = self._missing_schema(made, have) + self._damaged_tables(made)
        # The cache's table is derived data no audit reads: its loss, listed alone, hid
        # every other problem.
        if any(name.split(".")[0] != _CACHE_TABLE for name, _ in missing):
            return _schema_violations(missing)

        self.use_text_functions()
        self.execute("SET VARIABLE trendlab_nul_problem = ?", [NUL_PROBLEM])
        self.execute("SET VARIABLE trendlab_blank_re = ?", [re2_syntax(BLANK_RE)])
        frames = [
            _schema_violations(
                missing + self._loosened_columns(made, have) + self._unrecorded_migrations()
            )
        ]
        for entry in sorted(
            resource_dir("queries").joinpath("checks").iterdir(), key=lambda e: e.name
        ):
            if not entry.name.endswith(".sql"):
                continue
            found = self.frame(entry.read_text(encoding="utf-8"))
            frames.append(
                found.select(
                    pl.lit(entry.name.removesuffix(".sql")).alias("check"),
                    pl.col("kind").cast(pl.String),
                    pl.col("key").cast(pl.String),
                    pl.col("problem").cast(pl.String),
                )
            )
        for kind in KINDS.values():
            # Dates as DuckDB writes them: one written around trendlab in the year 300000
            # made Polars panic turning it into text, where this check is to list it.
            dates = {f.name for f in kind.fields if f.type == "date"}
            columns = [
                f"CAST({c} AS VARCHAR) AS {c}" if c in dates else c for c in kind.view_columns
            ]
            current = self.frame(f"SELECT {', '.join(columns)} FROM {kind.name}")
            found = stored_errors(kind, current)
            frames.append(found.select(pl.lit("field_rules").alias("check"), pl.all()))
        return (
            pl.concat(frames)
            if frames
            else pl.DataFrame(
                schema={
                    "check": pl.String,
                    "kind": pl.String,
                    "key": pl.String,
                    "problem": pl.String,
                }
            )
        )

    # -- reads for forecasts and backtests ------------------------------------------------

    def benchmark_bounds(self, *slugs: str) -> dict[str, dict[str, Any]]:
        """Benchmarks' facts with their unit's range, by slug (every benchmark if none
        is named; an unknown slug is simply absent)."""
        where = "WHERE list_contains($slugs::VARCHAR[], b.slug)" if slugs else ""
        rows = self.frame(
            f"""
            SELECT b.slug, b.name, b.unit, b.floor, b.ceiling, b.human_baseline,
                   coalesce(b.higher_is_better, true) AS higher_is_better,
                   u.min_value AS unit_min, u.max_value AS unit_max
            FROM benchmarks b LEFT JOIN units u ON u.unit = b.unit
            {where}
            """,
            {"slugs": list(slugs)} if slugs else None,
        ).to_dicts()
        return {row["slug"]: row for row in rows}

    def forecast_points(self, *benchmarks: str) -> pl.DataFrame:
        """Every current result of the benchmarks with what a forecast's x can be.

        date is the reported date, else the model's release date; organization is the
        model's, by name (figures colour by it: see organizations_by_name); price is the
        model's earliest listed price in effect on the store's reading_day, blended 3
        input : 1 output (USD per million tokens) by the schema's blended_price macro;
        priced_later is true where the model has prices, but none in effect yet;
        unblended where it has prices in effect, but none with both sides known. A NaN
        score is left out (see _KNOWN_SCORE).
        """
        points = self.frame(
            f"""
            WITH first_price AS ({_FIRST_PRICE})
            SELECT s.benchmark, s.id, s.date, s.score, s.model, s.organization, s.setting,
                   s.training_compute_flop AS compute, p.price,
                   coalesce(p.listed_from > $day, false) AS priced_later,
                   coalesce(p.listed_from <= $day AND p.since IS NULL, false) AS unblended
            FROM scores s LEFT JOIN first_price p ON p.model = s.model
            WHERE list_contains($benchmarks::VARCHAR[], s.benchmark) AND {_KNOWN_SCORE}
            ORDER BY s.benchmark, s.date, s.id
            """,
            {"benchmarks": list(benchmarks), "day": self.reading_day},
        )
        return self.organizations_by_name(points)

    def known_points(
        self,
        origins: dict[str, list[date]],
        frontier_only: Collection[str] = (),
    ) -> pl.DataFrame:
        """Each benchmark's results dated before each of its origins, as known then.

        For each result (and the model that dates it), the revision that was current
        at the origin if the record existed then: later corrections do not leak back
        into what the origin knew. A record entered after the origin is known as it
        stands now (as of --as-of, when one is set): entering a published result late,
        and fixing a typo in it, tell nothing of the future, so a database built by
        edits and one built directly give the same points. Records retracted at the origin, or
        entered since and retracted now, are left out, and so is a revision whose score
        is NaN (see _KNOWN_SCORE); the date filter applies to the revision chosen.

        For the benchmarks in `frontier_only` only the results that can shape the
        frontier by date are kept: those at least as good as every result dated
        before them, and those on the latest date. The frontier series built from
        them is the one all the results give, and a big benchmark's backtest then
        reads its dozens of records per origin instead of every result.
        """
        # No origin on or before the earliest date any revision gives a benchmark's
        # results (theirs or their models') knows one of them: from year 1 every month,
        # the tens of thousands of such origins took minutes to read nothing.
        earliest = dict(
            self.frame(
                """
                SELECT r.benchmark, least(min(r.reported_date), min(h.release_date))
                FROM result_revisions r LEFT JOIN model_history h ON h.key = r.model
                WHERE list_contains($benchmarks::VARCHAR[], r.benchmark)
                GROUP BY r.benchmark
                """,
                {"benchmarks": list(origins)},
            ).rows()
        )
        pairs = [
            (b, o)
            for b, days in origins.items()
            if earliest.get(b) is not None
            for o in days
            if o > earliest[b]
        ]
        return self.frame(
            f"""
            WITH o AS (
                SELECT unnest($benchmarks::VARCHAR[]) AS benchmark,
                       unnest($origins::DATE[]) AS origin
            ),
            v AS (
                -- The benchmarks' result revisions, numbered per record (a record's
                -- revisions all name its benchmark, which is part of its key).
                SELECT r.benchmark, r.key, r.op, r.model, r.score, r.setting,
                       r.reported_date, c.recorded_at AS valid_from,
                       row_number() OVER (
                           PARTITION BY r.key ORDER BY r.revision, r.changeset_id) AS revision,
                       count(*) OVER (PARTITION BY r.key) AS revisions
                FROM result_revisions r JOIN changesets c ON c.id = r.changeset_id
                WHERE list_contains($benchmarks::VARCHAR[], r.benchmark)
            ),
            mv AS (
                SELECT h.key, h.op, h.release_date, h.valid_from, h.revision,
                       count(*) OVER (PARTITION BY h.key) AS revisions
                FROM model_history h
                WHERE h.key IN (SELECT DISTINCT model FROM v)
            ),
            s AS (
                -- A result with one revision, dated by itself or by a model with one
                -- revision, is the same point at every origin: no need to repeat it
                -- per origin to find out.
                SELECT v.benchmark, v.key, v.model, v.score, v.setting,
                       coalesce(v.reported_date, m.release_date) AS date,
                       CASE WHEN coalesce(b.higher_is_better, true)
                            THEN v.score ELSE -v.score END AS better
                FROM v LEFT JOIN mv m ON m.key = v.model AND m.revisions = 1
                LEFT JOIN benchmarks b ON b.slug = v.benchmark
                WHERE v.revisions = 1 AND (v.reported_date IS NOT NULL OR m.key IS NOT NULL)
                  AND {_KNOWN_SCORE}
            ),
            sb AS (
                SELECT *, max(better) OVER (
                    PARTITION BY benchmark ORDER BY date
                    RANGE BETWEEN UNBOUNDED PRECEDING AND INTERVAL 1 DAY PRECEDING
                ) AS best_before
                FROM s WHERE date IS NOT NULL
            ),
            last_day AS (
                -- Each origin's latest date among those points.
                SELECT o.benchmark, o.origin, d.date
                FROM o ASOF JOIN (SELECT DISTINCT benchmark, date FROM sb) d
                ON d.benchmark = o.benchmark AND o.origin > d.date
            ),
            steady AS (
                SELECT o.benchmark, o.origin, sb.key AS id, sb.date, sb.score, sb.model,
                       sb.setting
                FROM o JOIN sb ON sb.benchmark = o.benchmark AND sb.date < o.origin
                WHERE NOT list_contains($frontier_only::VARCHAR[], sb.benchmark)
                   OR sb.better >= coalesce(sb.best_before, sb.better)
                UNION
                SELECT l.benchmark, l.origin, sb.key, sb.date, sb.score, sb.model, sb.setting
                FROM last_day l JOIN sb ON sb.benchmark = l.benchmark AND sb.date = l.date
            ),
            r AS (
                -- The other results, as known at each origin.
                SELECT o.benchmark, o.origin, v.key, v.op, v.model, v.score, v.setting,
                       v.reported_date
                FROM o JOIN v ON v.benchmark = o.benchmark
                WHERE v.key NOT IN (SELECT key FROM s)
                QUALIFY row_number() OVER (
                    PARTITION BY o.benchmark, o.origin, v.key
                    ORDER BY v.valid_from < o.origin::TIMESTAMP DESC, v.revision DESC) = 1
            ),
            m AS (
                SELECT d.origin, h.key, h.op, h.release_date
                FROM (SELECT DISTINCT origin FROM o) d, mv h
                WHERE h.key IN (SELECT DISTINCT model FROM r)
                QUALIFY row_number() OVER (
                    PARTITION BY d.origin, h.key
                    ORDER BY h.valid_from < d.origin::TIMESTAMP DESC, h.revision DESC) = 1
            ),
            unsteady AS (
                SELECT r.benchmark, r.origin, r.key AS id,
                       coalesce(r.reported_date,
                                CASE WHEN m.op <> 'retract' THEN m.release_date END) AS date,
                       r.score, r.model, r.setting
                FROM r LEFT JOIN m ON m.origin = r.origin AND m.key = r.model
                WHERE r.op <> 'retract' AND {_KNOWN_SCORE}
            ),
            known AS (
                SELECT k.*, CASE WHEN coalesce(b.higher_is_better, true)
                                 THEN k.score ELSE -k.score END AS better
                FROM (SELECT * FROM steady
                      UNION ALL
                      SELECT * FROM unsteady WHERE date < origin) k
                LEFT JOIN benchmarks b ON b.slug = k.benchmark
            )
            SELECT benchmark, origin, id, date, score, model, setting
            FROM known
            QUALIFY NOT list_contains($frontier_only::VARCHAR[], benchmark)
                OR date = max(date) OVER (PARTITION BY benchmark, origin)
                OR better >= coalesce(max(better) OVER (
                       PARTITION BY benchmark, origin ORDER BY date
                       RANGE BETWEEN UNBOUNDED PRECEDING AND INTERVAL 1 DAY PRECEDING), better)
            ORDER BY benchmark, origin, date, id
            """,
            {
                "benchmarks": [b for b, _ in pairs],
                "origins": [o for _, o in pairs],
                "frontier_only": list(frontier_only),
            },
        )

    def data_versions(self, *, prices: bool) -> dict[str, str]:
        """Each current benchmark's data version: the latest changeset (as of --as-of,
        when one is set: see use_as_of) that touched its record, its results, or the
        models those results name, and with `prices` their prices. Only a forecast by
        price reads prices: a new price must not make every other forecast and backtest
        of its model's benchmarks compute again. A retracted benchmark has none:
        nothing forecasts or backtests it.

        With `prices` the version also ends in `@YYYY-MM-DD`: of the models the
        benchmark's results name, the latest first price in effect on the store's
        reading_day. forecast_points places a model by that first price, so a forecast
        by price depends on the day through this date alone: the day an announced first
        price takes effect, the version and the forecast change.

        The changeset is followed by `+` and a count of those revisions: a revision
        appended in SQL to a changeset already written (around trendlab) changes the
        version too, so a backtest cached before it is not read as current."""
        # The results are read once, each joined to the latest change of its model
        # (record or price), and reduced to one row per benchmark: cheap on a million.
        # A model's revisions are counted once per result naming it: the sum still
        # grows with each one appended.
        rows = self.execute(
            f"""
            WITH m AS (
                SELECT model, max(changeset_id) AS changeset_id, count(*) AS n FROM (
                    SELECT key AS model, changeset_id FROM model_revisions
                    UNION ALL
                    SELECT model, changeset_id FROM price_revisions WHERE $prices
                ) GROUP BY model
            ),
            touched AS (
                SELECT r.benchmark, max(r.changeset_id) AS own, max(m.changeset_id) AS models,
                       count(*) + coalesce(sum(m.n), 0) AS n
                FROM (SELECT benchmark, model, changeset_id FROM result_revisions) r
                LEFT JOIN m ON m.model = r.model
                GROUP BY r.benchmark
                UNION ALL
                SELECT key, max(changeset_id), NULL, count(*) FROM benchmark_revisions GROUP BY key
            ),
            first_price AS ({_FIRST_PRICE}),
            placed AS (
                SELECT r.benchmark, max(p.since) AS since
                FROM (SELECT DISTINCT benchmark, model FROM results) r
                JOIN first_price p ON p.model = r.model
                WHERE $prices
                GROUP BY r.benchmark
            ),
            versions AS (
                SELECT benchmark, concat(max(greatest(own, models)), '+', sum(n)) AS version
                FROM touched
                WHERE benchmark IN (SELECT slug FROM benchmarks)
                GROUP BY benchmark
            )
            SELECT v.benchmark, concat(v.version, '@' || strftime(p.since, '%Y-%m-%d'))
            FROM versions v LEFT JOIN placed p ON p.benchmark = v.benchmark
            """,
            {"prices": prices, "day": self.reading_day},
        ).fetchall()
        return {benchmark: version for benchmark, version in rows}

    def cached(self, kind: str, spec: str, versions: dict[str, str]) -> dict[str, str]:
        """Cached payloads of `kind` and `spec` whose version is current: {benchmark: payload}."""
        if not versions:
            return {}
        try:
            # Each column as text: one altered to another type around trendlab (version
            # as INTEGER) failed every forecast converting the keys to it; as text it
            # matches nothing, or gives a payload that load_curve refuses, computed again.
            rows = self.execute(
                "SELECT c.benchmark::VARCHAR, c.payload::VARCHAR FROM forecast_cache c "
                "JOIN (SELECT unnest($benchmarks::VARCHAR[]) AS benchmark, "
                "unnest($versions::VARCHAR[]) AS version) w "
                "ON w.benchmark = c.benchmark::VARCHAR AND w.version = c.version::VARCHAR "
                "WHERE c.kind::VARCHAR = $kind AND c.spec::VARCHAR = $spec "
                "QUALIFY row_number() OVER "
                "(PARTITION BY c.benchmark ORDER BY c.created_at DESC) = 1",
                {
                    "benchmarks": list(versions),
                    "versions": list(versions.values()),
                    "kind": kind,
                    "spec": spec,
                },
            ).fetchall()
        except (duckdb.CatalogException, duckdb.BinderException) as exc:
            # Dropped around trendlab, or a column of it (check names either): the cache
            # is derived data and never fails a command, so every entry is a miss,
            # computed again. Binding failed, so a transaction the read is in goes on.
            # The statement is fixed, so a column it cannot bind is the table's.
            if isinstance(exc, duckdb.CatalogException) and _CACHE_TABLE not in str(exc):
                raise
            return {}
        except (duckdb.IOException, lake.DamagedDataFile) as exc:
            # Its stored data damaged (the file overwritten in part, a team store's data
            # file, or that file deleted): a miss too, as the README promises losing the
            # cache costs only time; it failed every forecast and backtest. The statement
            # reads that table alone, so the damage is its.
            self.cache_damage = _cache_damage(exc)
            self.read_again()
            return {}
        return {benchmark: payload for benchmark, payload in rows}

    def store_cached(self, kind: str, spec: str, entries: list[tuple[str, str, str]]) -> None:
        """Cache (benchmark, version, payload) entries, dropping older versions of each,
        and every entry of an older forecast method than `spec`'s (its "method")."""
        if not entries:
            return
        import polars as pl

        frame = pl.DataFrame(
            {
                "benchmark": [e[0] for e in entries],
                "version": [e[1] for e in entries],
                "payload": [e[2] for e in entries],
            },
            schema={"benchmark": pl.String, "version": pl.String, "payload": pl.String},
        )
        self.con.register("__entries", frame)
        try:
            with self.transaction():
                self.execute(
                    "DELETE FROM forecast_cache c USING __entries e "
                    "WHERE c.kind = ? AND c.spec = ? AND c.benchmark = e.benchmark "
                    "AND c.version <= e.version",
                    [kind, spec],
                )
                # No spec of an older method is ever asked for again: once trendlab is
                # upgraded its entries would only grow the file. A newer method's (an
                # upgraded member of a team store) is left for it, as is a spec not ours.
                self.execute(
                    "DELETE FROM forecast_cache "
                    "WHERE CASE WHEN json_valid(spec::VARCHAR) AND json_valid($spec) THEN "
                    "TRY_CAST(json_extract_string(spec::VARCHAR, '$.method') AS INTEGER) "
                    "< TRY_CAST(json_extract_string($spec, '$.method') AS INTEGER) END",
                    {"spec": spec},
                )
                self.execute(
                    "INSERT INTO forecast_cache (kind, benchmark, version, spec, created_at, payload) "
                    "SELECT ?, benchmark, version, ?, ?, payload FROM __entries",
                    [kind, spec, _utcnow()],
                )
        except (duckdb.IOException, lake.DamagedDataFile) as exc:
            # The DELETE reads the damaged data (see cached): nothing is cached, which
            # costs only time, and the user hears why.
            self.cache_damage = _cache_damage(exc)
        finally:
            self.con.unregister("__entries")

    def benchmark(self, slug: str) -> dict[str, Any]:
        """The current benchmark `slug`, or an error suggesting the nearest one."""
        row = self.benchmark_bounds(slug).get(slug)
        if row is None:
            raise self.unknown_benchmark(slug)
        return row

    def unknown_benchmark(self, name: str) -> TrendlabError:
        """The error for a name of no current benchmark (in the state read), suggesting
        the nearest slug, or under --as-of saying when it was recorded, if later."""
        from trendlab.kinds import BENCHMARKS

        # A benchmark recorded after --as-of: the nearest slug would be no help. In the
        # form its slug matches (ＭＡＴＨ is math), or full-width letters got no date.
        hint = self.recorded_later(BENCHMARKS, matched_form(name)) or suggest(
            name, self.all_keys(BENCHMARKS)
        )
        return TrendlabError(f"no current benchmark {quoted(name)}{self.as_of_note()}{hint}")

    def recorded_later(self, kind: Kind, *keys: str) -> str:
        """Under --as-of, for keys no record had then: '; it was first recorded at T'
        if one was recorded later (T the first of them), else ''."""
        if self.as_of is None:
            return ""
        first = self._first_recorded(kind.table, "list_contains(?, r.key)", list(keys))
        return self._first_recorded_after(first)

    def named_later(self, kind: Kind, text: str) -> str:
        """recorded_later for the records of a kind with ids that `text` names as
        find_keys reads it, an id prefix or MODEL/BENCHMARK[/SETTING] (a price's
        MODEL/PROVIDER[/DATE]), the model by its slug: by the fields of the key, as
        none is the key itself."""
        match = self._key_match(kind, text, "r.key") if self.as_of is not None else None
        if match is None:
            return ""
        where, values = match
        return self._first_recorded_after(self._first_recorded(kind.table, where, *values))

    def _first_recorded_after(self, first: datetime | None) -> str:
        """'; it was first recorded at T' if `first` is after --as-of, else ''."""
        if first is None or self.as_of is None or first <= self.as_of:
            return ""
        return f"; it was first recorded at {self.moment_after_as_of(first)}"

    def moment_after_as_of(self, moment: datetime) -> str:
        """A moment later than --as-of, written so that it reads as later: to the
        second, or to the microsecond when its second is not after --as-of."""
        # Cut to its second, a moment in the same second as --as-of (or one second
        # later than a --as-of given with a fraction) read as earlier than the moment
        # asked: "as of 03:51:17.500000 ...; it was first recorded at 03:51:17".
        whole = self.as_of is None or moment.replace(microsecond=0) > self.as_of
        # isoformat, not %Y, which writes year 999 as 999 (see as_of_note).
        return moment.isoformat(sep=" ", timespec="seconds" if whole else "microseconds")

    def aliases_ever(self) -> dict[str, str]:
        """Every alias ever recorded, however late (past --as-of too), and the model its
        latest revision that is no retraction names."""
        stored = self._stored()
        rows = self.execute(
            f"SELECT key, arg_max(model, revision) FROM {stored}.alias_revisions "
            "WHERE op <> 'retract' GROUP BY key"
        ).fetchall()
        return dict(rows)

    def alias_model(self, alias: str) -> str | None:
        """The model the latest revision of `alias` that is no retraction names, as of
        --as-of when one is set (see use_as_of), or None if it has none."""
        return self.scalar(
            "SELECT arg_max(model, revision) FROM alias_revisions "
            "WHERE key = ? AND op <> 'retract'",
            [alias],
        )

    def as_of_moment(self) -> str | None:
        """The moment --as-of reads (UTC), as text; None without --as-of."""
        if self.as_of is None:
            return None
        # A moment inside a second (a changeset's, or a time given with a fraction) to
        # the microsecond: cut to its second, it read as the whole second, as a time
        # given to the second is, and a record "first recorded at" that second, a moment
        # later, seemed to be in the state read.
        return moment_text(self.as_of)

    def as_of_note(self) -> str:
        """For a 'no such record' error or an empty listing under --as-of: what --as-of
        means, since the usual surprise is that it is when a change was recorded, not a
        result's date."""
        if (moment := self.as_of_moment()) is None:
            return ""
        return f" as of {moment} (--as-of is when changes were recorded)"

    def scores(self, *benchmarks: str) -> pl.DataFrame:
        """Every current result on these benchmarks with a known score (see
        _KNOWN_SCORE), dated, with its model's facts (its organization by name: see
        organizations_by_name)."""
        return self.organizations_by_name(
            self.frame(
                "SELECT * FROM scores WHERE list_contains($benchmarks::VARCHAR[], benchmark) "
                f"AND {_KNOWN_SCORE} ORDER BY benchmark, date, score",
                {"benchmarks": list(benchmarks)},
            )
        )

    def result_organizations(self) -> pl.DataFrame:
        """How many current dated results with a known score (every point a figure may
        colour) each benchmark has of each organization (its model's, by name: see
        organizations_by_name; null when unknown): benchmark, organization, n."""
        import polars as pl

        counts = self.frame(
            "SELECT benchmark, organization, count(*) AS n FROM scores "
            f"WHERE date IS NOT NULL AND {_KNOWN_SCORE} GROUP BY ALL"
        )
        return (
            self.organizations_by_name(counts)
            .group_by("benchmark", "organization", maintain_order=True)
            .agg(pl.col("n").sum())
        )

    def organizations_by_name(self, frame: pl.DataFrame) -> pl.DataFrame:
        """`frame` with each model's organization as the organization it names (see
        Organizations) calls itself: a model may name it by its slug or in other
        capitals (`add-model --organization openai` names OpenAI, and creates no
        organization), and figures, which colour by organization, drew OpenAI twice, as
        `OpenAI` and `openai`. Text naming no current organization stays as written."""
        import polars as pl

        if frame.is_empty() or "organization" not in frame.columns:
            return frame
        organizations = Organizations(self.organization_names())
        written = frame.get_column("organization").drop_nulls().unique().to_list()
        named = {text: organizations.name_of(text) for text in written}
        return frame.with_columns(
            pl.col("organization").replace_strict(named, default=None, return_dtype=pl.String)
        )

    # -- copying a whole store (trendlab copy; orchestration in transfer.py) ------------

    def data_tables(self) -> dict[str, list[str]]:
        """Every table that holds data, with its columns in order.

        Left out: schema_migrations (each store records its own) and a team store's
        write head (bookkeeping, see claim_head). A DuckDB file has no write head: a
        table of that name there is the user's, and holds data.
        """
        rows = self.execute(
            "SELECT c.table_name, list(c.column_name ORDER BY c.column_index) "
            "FROM duckdb_columns() c JOIN duckdb_tables() t "
            "ON t.database_name = c.database_name AND t.schema_name = c.schema_name "
            "AND t.table_name = c.table_name "
            "WHERE c.database_name = current_database() AND c.schema_name = 'main' "
            "AND c.table_name NOT IN ('schema_migrations', ?) GROUP BY 1 ORDER BY 1",
            [WRITE_HEAD if self.is_lake else "schema_migrations"],
        ).fetchall()
        return {name: list(columns) for name, columns in rows}

    def left_out_by_copy(self) -> list[tuple[str, str, int]]:
        """What of this store's own a copy leaves out, which takes only the tables of
        `main` (see data_tables): (kind, name, tables) of its views, schemas other than
        `main` (with how many tables each holds), sequences, types and macros, in that order;
        the schema's own views and macros are not among them."""
        # The schema's, as it spells them: no other object of `main` can be named so.
        theirs = {name for m in migrations() for _, name in _CREATED_RE.findall(m.sql)}
        rows = self.execute(
            "SELECT 1, 'view', view_name, 0 FROM duckdb_views() "
            "WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal "
            "UNION ALL SELECT 2, 'schema', s.schema_name, count(t.table_name) "
            "FROM duckdb_schemas() s LEFT JOIN duckdb_tables() t "
            "ON t.database_name = s.database_name AND t.schema_name = s.schema_name "
            "WHERE s.database_name = current_database() AND s.schema_name <> 'main' "
            "AND NOT s.internal GROUP BY s.schema_name "
            "UNION ALL SELECT 3, 'sequence', sequence_name, 0 FROM duckdb_sequences() "
            "WHERE database_name = current_database() AND schema_name = 'main' "
            "UNION ALL SELECT 4, 'type', type_name, 0 FROM duckdb_types() "
            "WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal "
            "UNION ALL SELECT DISTINCT 5, 'macro', function_name, 0 FROM duckdb_functions() "
            "WHERE database_name = current_database() AND schema_name = 'main' "
            "AND function_type IN ('macro', 'table_macro') AND NOT internal "
            "ORDER BY 1, 3"
        ).fetchall()
        return [
            (kind, name, int(tables))
            for _, kind, name, tables in rows
            if kind == "schema" or name not in theirs
        ]

    def unholdable_values(self) -> pl.DataFrame:
        """Every value of every data table (see data_tables) that a team store's
        PostgreSQL cannot hold (see _UNHOLDABLE): one row each (table, column, problem:
        what is wrong with it, key: a revision's key, else the row's first column;
        revision, and `current` whether it is its record's latest and no retraction: null
        outside revision tables; why: why PostgreSQL cannot hold it), ordered by table,
        key, revision and column."""
        import polars as pl

        typed = self.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = 'main' "
            f"AND data_type IN ({', '.join('?' for _ in _UNHOLDABLE)}) "
            "ORDER BY table_name, column_index",
            list(_UNHOLDABLE),
        ).fetchall()
        tables = self.data_tables()
        parts: list[str] = []
        names: list[str] = []
        for table, column, data_type in typed:
            if table not in tables:
                continue
            columns = tables[table]
            # Quoted, and named by parameters: a table of the user's own may have any name.
            t, c = _identifier(table), _identifier(column)
            if {"key", "revision", "op"} <= set(columns):
                found = (
                    "key, revision, op <> 'retract' AND revision = "
                    f"(SELECT max(revision) FROM {t} l WHERE l.key = r.key)"
                )
            else:
                found = f"CAST({_identifier(columns[0])} AS VARCHAR), NULL::INTEGER, NULL::BOOLEAN"
            condition, problem, why = _UNHOLDABLE[data_type]
            parts.append(f"SELECT ?, ?, ?, {found}, ? FROM {t} r WHERE {condition.format(c=c)}")
            names += [table, column, problem, why]
        schema = {
            "table": pl.String,
            "column": pl.String,
            "problem": pl.String,
            "key": pl.String,
            "revision": pl.Int32,
            "current": pl.Boolean,
            "why": pl.String,
        }
        if not parts:
            return pl.DataFrame(schema=schema)
        rows = self.execute(" UNION ALL ".join(parts) + " ORDER BY 1, 4, 5, 2", names).fetchall()
        return pl.DataFrame(rows, schema=schema, orient="row")

    @staticmethod
    def changeset_column(table: str, columns: list[str]) -> str | None:
        """The column tying a table's rows to changesets; None for a reference table."""
        if table == "changesets":
            return "id"
        return "changeset_id" if "changeset_id" in columns else None

    def table_rows(self, table: str, columns: list[str]) -> Any:
        """Every row of a (small, reference) table, as an Arrow table, to compare rows
        by, never shown: a date past the years Python reads (a user's 'infinity') is
        kept as it is stored, not refused as `frame` refuses it, and, read under
        `lossless_arrow`, a type Polars lacks (a user's INTERVAL or UNION) is too."""
        sql = f"SELECT {_identifiers(columns)} FROM {_identifier(table)}"
        return self.execute(sql).fetch_arrow_table()

    @contextmanager
    def lossless_arrow(self) -> Iterator[None]:
        """Arrow data in and out of this store keeps every DuckDB type as it is, for
        the rows a copy moves: by default a HUGEINT left as a DECIMAL(38,0) (failing
        past 38 digits), a TIME WITH TIME ZONE without its offset, and a BIT as bytes,
        which DST then held as a BIT no query could read. Off again afterwards, since
        Polars reads no such Arrow type (nor a boolean then)."""
        self.con.execute("SET arrow_lossless_conversion = true")
        try:
            yield
        finally:
            try:
                self.con.execute("RESET arrow_lossless_conversion")
            except duckdb.Error:
                # A failed statement aborted the transaction, which then refuses even a
                # RESET: the caller rolls it back anyway.
                self.rollback_quietly()
                self.con.execute("RESET arrow_lossless_conversion")

    def changeset_ids(self) -> pl.DataFrame:
        """Every changeset id, as a one-column frame (`id`)."""
        return self.frame("SELECT id FROM changesets")

    def rows_of_no_changeset(self) -> list[tuple[str, int, str | None]]:
        """(table, rows, first changeset id named) of each table tied to changesets
        whose rows name a changeset this store lacks, or none (its row deleted around
        trendlab, which check lists), in table order; tables with none left out."""
        found = []
        for table, columns in self.data_tables().items():
            column = self.changeset_column(table, columns)
            if column is None or table == "changesets":
                continue
            ident = _identifier(column)
            row = self.execute(
                f"SELECT count(*), min(t.{ident}) FROM {_identifier(table)} t "
                f"ANTI JOIN changesets c ON c.id = t.{ident}"
            ).fetchone()
            if row is not None and row[0]:
                found.append((table, int(row[0]), row[1]))
        return found

    def digest(
        self, table: str, columns: list[str], where_ids: tuple[str, pl.DataFrame] | None = None
    ) -> tuple[int, int]:
        """(row count, sum of row hashes) of a table, or of its rows whose column's value
        is in a frame of ids: equal digests mean the same rows, whatever their order."""
        sql = (
            f"SELECT count(*), coalesce(sum(hash({_identifiers(columns)})), 0) "
            f"FROM {_identifier(table)}"
        )
        if where_ids is None:
            row = self.execute(sql).fetchone()
        else:
            column, ids = where_ids
            self.con.register("__ids", ids)
            try:
                row = self.execute(f"{sql} WHERE {column} IN (SELECT id FROM __ids)").fetchone()
            finally:
                self.con.unregister("__ids")
        assert row is not None
        return int(row[0]), int(row[1])

    @contextmanager
    def rows_except(
        self, table: str, columns: list[str], column: str | None, ids: Any
    ) -> Iterator[Any]:
        """The table's rows as a stream of Arrow batches (so a big store is never whole
        in memory): with `column`, those whose changeset is not in frame `ids`; without,
        those that are not rows of `ids` (another store's table_rows), each row as often
        as the table has it more times than `ids` (a table of the user's own may repeat
        one)."""
        cols, name = _identifiers(columns), _identifier(table)
        self.con.register("__except", ids)
        try:
            if column is None:
                sql = f"SELECT {cols} FROM {name} EXCEPT ALL SELECT {cols} FROM __except"
            else:
                sql = f"SELECT {cols} FROM {name} t ANTI JOIN __except e ON e.id = t.{column}"
            yield self.execute(sql).fetch_record_batch(100_000)
        finally:
            self.con.unregister("__except")

    def count_rows_lacked(self, table: str, columns: list[str], rows: Any) -> int:
        """How many of `rows` (another store's table_rows) this table lacks, each
        row as often as it is there: those this table has fewer times."""
        cols, name = _identifiers(columns), _identifier(table)
        self.con.register("__theirs", rows)
        try:
            row = self.execute(
                f"SELECT count(*) FROM (SELECT {cols} FROM __theirs EXCEPT ALL "
                f"SELECT {cols} FROM {name})"
            ).fetchone()
        finally:
            self.con.unregister("__theirs")
        return int(row[0]) if row else 0

    def insert_rows(self, table: str, columns: list[str], batches: Any) -> int:
        """Append a stream of Arrow batches (rows_except of another store); returns the
        number of rows."""
        cols, name = _identifiers(columns), _identifier(table)
        self.con.register("__rows", batches)
        try:
            row = self.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM __rows").fetchone()
        finally:
            self.con.unregister("__rows")
        return int(row[0]) if row else 0


# What a team store's PostgreSQL catalog cannot hold, per column type: the SQL finding
# a value in column {c}, and what is wrong with it. A small write's rows, and every
# write's column statistics, go into the catalog, whose commit then failed naming no
# record. (NaN it holds, and a date or time at infinity; a FLOAT's infinity too.)
_UNHOLDABLE = {
    "VARCHAR": ("contains({c}, chr(0))", "holds a NUL character (\\x00)", "PostgreSQL text cannot"),
    "DOUBLE": ("isinf({c})", "is infinite", "DuckLake cannot write it to PostgreSQL"),
    "DATE": (
        "isfinite({c}) AND NOT {c} BETWEEN DATE '-4713-11-24' AND DATE '5874897-12-31'",
        "is a date before 4714-11-24 BC or after 5874897-12-31",
        "PostgreSQL dates cannot",
    ),
    "TIMESTAMP": (
        "isfinite({c}) AND {c} < TIMESTAMP '-4713-11-24 00:00:00'",
        "is a time before 4714-11-24 BC",
        "PostgreSQL times cannot",
    ),
}

# A score that is a number: NaN, which only a write around trendlab stores (check lists
# it), is an unknown score, so the results read for analysis leave it out as missing
# rather than rank it, as DuckDB orders NaN, above every number.
_KNOWN_SCORE = "NOT isnan(score)"

# Per model, the price a forecast by price places it at: its earliest listed price with
# both sides known, among those in effect on $day (since, its date), and when any price
# of its is listed at all (listed_from), which may be after $day: providers announce
# prices ahead. Of two providers' prices from one day, the cheaper, as price-trend
# takes a model at its cheapest provider: arg_min by the date alone took whichever
# DuckDB met first. listed_from counts a price with one side unknown too: a model
# whose price in effect is its input price alone has a price, with no blend, and its
# result was left out unsaid, or said to be priced only later.
_FIRST_PRICE = """
    SELECT model,
           arg_min(
               blended_price(input_usd_per_mtok, output_usd_per_mtok),
               (effective_date, blended_price(input_usd_per_mtok, output_usd_per_mtok))
           ) FILTER (WHERE effective_date <= $day AND blends) AS price,
           min(effective_date) FILTER (WHERE effective_date <= $day AND blends) AS since,
           min(effective_date) AS listed_from
    FROM (
        SELECT *, input_usd_per_mtok IS NOT NULL AND output_usd_per_mtok IS NOT NULL AS blends
        FROM prices
    )
    GROUP BY model
"""


def _distinct(new: str, old: str, number: bool) -> str:
    """SQL: whether a field's `new` value differs from its `old` one. A number's sign
    of zero too: 0 and -0 are equal in SQL, so `edit --set score=0` over a -0 written
    around trendlab (which check lists) was "nothing to change"."""
    if not number:
        return f"{new} IS DISTINCT FROM {old}"
    signs = (
        f"signbit(TRY_CAST({new} AS DOUBLE)) IS DISTINCT FROM signbit(TRY_CAST({old} AS DOUBLE))"
    )
    return f"({new} IS DISTINCT FROM {old} OR {signs})"


def _latest_revisions(kind: Kind) -> str:
    """SQL for every record that ever existed, as its latest revision has it."""
    return (
        f"(SELECT * FROM {kind.table} QUALIFY row_number() OVER "
        "(PARTITION BY key ORDER BY revision DESC, changeset_id DESC) = 1)"
    )


def _key_part_match(kind: Kind, field: str, exact_setting: bool = False) -> str:
    """SQL matching one field of a key written as listings show it to its `?`. No write
    stores empty text (unknown is NULL), so an optional field written empty names the
    records without one: gpt-4/math/ is gpt-4's math result with no setting, which
    gpt-4/math cannot name once another has one."""
    if field == "provider":
        return "trendlab_fold(provider) = trendlab_fold(?)"
    if field == "setting" and not exact_setting:
        # In any Unicode form, as a write matches a stored setting (validate's
        # stored_settings): 'café' with a combining accent names the stored 'café'.
        return "nfc_normalize(coalesce(setting, '')) = nfc_normalize(?)"
    if not kind.field(field).required:
        return f"coalesce(CAST({field} AS VARCHAR), '') = ?"
    return f"CAST({field} AS VARCHAR) = ?"


def _upper_designators(text: str) -> str:
    """A date and time with its `t` (between them) and `z` (UTC, at the end) in upper
    case, as fromisoformat reads them; any other text as it is."""
    match = re.fullmatch(r"([0-9]{4}-[0-9]{2}-[0-9]{2})([Tt ])(.*?)([Zz]?)", text)
    if match is None:
        return text
    day, sep, time, zone = match.groups()
    return f"{day}{sep.upper()}{time}{zone.upper()}"


def _undashed_date(text: str) -> str | None:
    """The date eight digits write without dashes (20241204 -> 2024-12-04), if any.
    With a leading 0 they are the start of a changeset id, as a year's four digits are
    (ids begin with the time in hex, 0662...): 06620101 was told to be 0662-01-01."""
    if not re.fullmatch(r"[1-9][0-9]{7}", text):
        return None
    day = iso_day(f"{text[:4]}-{text[4:6]}-{text[6:]}")
    return day.isoformat() if day else None


def _key_parts(text: str, named: list[str]) -> list[str]:
    """The fields of a key written as listings show it, joined by '/'. A model slug has
    none; a result's setting, the last field, may hold one, and so may a price's
    provider (Azure/EU), told from the date that ends the key. Each field is stripped of
    surrounding spaces, as a write stores it: gpt-4/ OpenAI /2023-03-14 names the price
    that gpt-4/OpenAI/2023-03-14 does."""
    if named[-1] != "effective_date":
        return [part.strip() for part in text.split("/", len(named) - 1)]
    model, _, rest = text.partition("/")
    provider, _, day = rest.rpartition("/")
    if provider.strip() and re.fullmatch(DATE_RE, day.strip()):
        return [model.strip(), provider.strip(), day.strip()]
    return [model.strip(), rest.strip()]


def command_on(location: str, name: str) -> str:
    """trendlab's command `name` on the store at `location` (a team store's with its
    password masked): `trendlab NAME` works on --db, so a store other than the one a bare
    command opens (TRENDLAB_DB's, else the default file; say, the source of a `copy`) is
    named."""
    bare = os.environ.get("TRENDLAB_DB") or DEFAULT_DB
    if lake.is_lake(location):
        if lake.mask_password(bare) == location:
            return f"trendlab {name}"
    elif not lake.is_lake(bare) and _same_file(location, bare):
        return f"trendlab {name}"
    return f"trendlab --db {shell_word(location)} {name}"


# The SQL of one author's changesets, newest first, as `log` lists them.
_BY_AUTHOR = (
    "SELECT id AS changeset, recorded_at, author, message FROM changesets "
    "WHERE author = $author ORDER BY recorded_at DESC, id DESC"
)


def by_author_command(location: str) -> str:
    """The command listing one author's changesets on the store at `location`, which
    `log --author NAME` is pointed to: the global --author names who records a change,
    so given before `log`, as a global option is, it listed every author's."""
    return command_on(location, f"query {shlex.quote(_BY_AUTHOR)} --param author=NAME")


def _same_file(one: str, other: str) -> bool:
    """Whether two file locations name one file (`~`, relative parts and links aside)."""
    return Path(one).expanduser().resolve() == Path(other).expanduser().resolve()


def new_store_tables() -> dict[str, list[str]]:
    """The data tables of a new store (see Store.data_tables), as the migrations make
    them (see new_store_schema)."""
    return new_store_schema().tables


class NewSchema(NamedTuple):
    """The tables, views and macros of a new store, as the migrations make them."""

    tables: dict[str, list[str]]  # each data table's columns (see Store.data_tables)
    columns: dict[str, dict[str, str]]  # each table's columns' types
    not_null: set[tuple[str, str]]  # (table, column) of each NOT NULL column
    definitions: dict[tuple[str, str], tuple[str, ...]]  # see Store.definitions
    # Each macro's definitions as each migration defining it leaves it: a store that had
    # version 4 holds version 4's blended_price, or, had it version 5 too, version 5's.
    macros: dict[str, set[tuple[str, ...]]]


@cache
def new_store_schema() -> NewSchema:
    """The tables, views and macros of a new store, as the migrations make them: built
    in memory, once (read, never changed, by whoever asks)."""
    store = Store(duckdb.connect(), ":memory:", read_only=False)
    macros: dict[str, set[tuple[str, ...]]] = {}

    def applied(_: Migration) -> None:
        for (kind, name), text in store.definitions().items():
            if kind == "macro":
                macros.setdefault(name, set()).add(text)

    try:
        store.migrate(applied)
        return NewSchema(
            store.data_tables(),
            store.column_types(),
            store.not_null_columns(),
            store.definitions(),
            macros,
        )
    finally:
        store.close()


def _holds_first_schema(names: list[str]) -> bool:
    """Whether these tables and views include every one the first migration makes."""
    first = migrations()[0]
    return {name for _, name in _CREATED_RE.findall(first.sql)} <= set(names)


# What the migrations create, by name: (kind, the last migration to define it).
_Made = dict[str, tuple[str, Migration]]
# A store's columns: {table: {column: type}}.
_Columns = dict[str, dict[str, str]]


def _altered_columns(made: _Made, have: _Columns) -> list[tuple[str, str]]:
    """(key, problem) of each column of these tables and views (`made`, see
    _schema_objects), as the migrations make them, that a store's columns (`have`) lack
    or hold as another type. Columns of the user's own are let be (copy carries them)."""
    found = []
    for name, wanted in new_store_schema().columns.items():
        if name not in made:
            continue
        kind, m = made[name]
        for column, type_ in wanted.items():
            stored = have.get(name, {}).get(column)
            if stored != type_:
                found.append(
                    (
                        f"{name}.{column}",
                        _column_problem(kind, name, column, stored, type_, _schema_file(m)),
                    )
                )
    return found


def _schema_objects() -> _Made:
    """Each table, view and macro the migrations create, with its kind (table, view,
    macro) and the last migration to define it."""
    made: _Made = {}
    for migration in migrations():
        for kind, name in _CREATED_RE.findall(migration.sql):
            made[name] = (kind.lower(), migration)
    return made


def _schema_violations(found: list[tuple[str, str]]) -> pl.DataFrame:
    """Check's rows for problems of the schema, (key, problem) each."""
    import polars as pl

    return pl.DataFrame(
        [("schema", "schema", key, problem) for key, problem in found],
        schema={"check": pl.String, "kind": pl.String, "key": pl.String, "problem": pl.String},
        orient="row",
    )


def _column_problem(
    kind: str, name: str, column: str, stored: str | None, wanted: str, schema_file: str
) -> str:
    """Check's words for a column of trendlab's table or view `name` that is missing
    (`stored` None) or of another type than `wanted`."""
    state = "missing" if stored is None else f"{stored}, not {wanted}"
    if kind == "view":
        # A view is not altered but replaced: made again whole, as the migration does.
        how, mend = "the view replaced", f"create the view again as trendlab's {schema_file} does"
    elif stored is None:
        how, mend = "dropped", f"add it again as trendlab's {schema_file} makes it"
    else:
        how, mend = "altered", f"alter it back as trendlab's {schema_file} makes it"
    # A column of the cache's table dropped or altered, as the table itself, fails no
    # command (see Store.cached).
    effect = _missing_effect(name) if stored is None else _altered_effect(name)
    return f"column {column} of {kind} {name} is {state} ({how} around trendlab): {effect}; {mend}"


def _schema_file(m: Migration) -> str:
    """The file of trendlab's that migration `m` runs, as errors name it."""
    return f"schema/{m.version:03d}_{m.name}.sql"


def store_paths(location: str, data_path: str | None = None) -> list[Path]:
    """The local files and folders a --db location keeps its records in, which nothing
    may be written over or into: a DuckDB file and its write-ahead log; a local lake's
    catalog and log, and its data files (`data_path`, else beside the catalog). A
    PostgreSQL catalog's data files are known here only when `data_path` names them.
    A DuckDB file holds its own data files, so a `data_path` beside it is none of its."""
    if not lake.is_lake(location):
        file = Path(location).expanduser()
        return [file, Path(f"{file}.wal")]
    folders = [Path(data_path).expanduser()] if data_path and "://" not in data_path else []
    try:
        found = lake.LakeLocation.parse(location)
    except TrendlabError:
        return folders
    if found.file is None:
        return folders
    file = found.file
    folders = folders or [Path(str(found.default_data_path()))]
    return [file, Path(f"{file}.wal"), *folders]


def _identifier(name: str) -> str:
    """`name` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _identifiers(names: list[str]) -> str:
    """`names` as a list of quoted SQL identifiers: a table of the user's own, which a
    copy takes too, may have any names."""
    return ", ".join(_identifier(name) for name in names)


def builds_aside(location: str) -> bool:
    """Whether Store.open's `whole` builds the DuckDB file at `location` aside: none is
    there yet, nor at the end of a symbolic link (not there yet either) it names."""
    # lexists of the end, not exists(): a link that loops has no end to build, and
    # DuckDB says so on opening it.
    return not lake.is_lake(location) and not os.path.lexists(os.path.realpath(location))


def _built_name(location: str) -> str:
    """The name the new file at `location` is built under, and put in place by: that of
    the file a symbolic link names, the file itself being created through it."""
    return Path(os.path.realpath(location)).name


def _building_folder(location: str, named: str = "--db") -> tuple[Path, int | None]:
    """A new hidden folder beside the file `location` names (through a symbolic link, if
    it is one) to build it in: on the file system it goes on, where a link puts the
    file in place, and where the write-ahead log goes too, to be removed with the
    folder. Named after the file, shortened, so that a name as long as a file system
    takes still leaves room for the rest. Returned with the lock this process holds on
    it until it removes it (see _remove_left_builds), or None where none can be held.
    `named` is what gave the location (--db, copy's DST), as a refusal names it."""
    target = Path(os.path.realpath(location))
    try:
        folder = Path(tempfile.mkdtemp(prefix=_building_prefix(target), dir=target.parent))
    except OSError as exc:
        shown = lake.opened_as(location, named)
        raise TrendlabError(f"cannot create {shown}: {exc.strerror}") from None
    try:
        return folder, _lock_folder(folder, wait=True)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _building_prefix(target: Path) -> str:
    """How the names of the folders the file `target` is built in begin."""
    return f".{target.name[:100]}.init-"


def _remove_left_builds(location: str) -> list[tuple[Path, str | None]]:
    """Remove the hidden folders that builds of the file `location` names left, their
    builder gone (killed, or its machine stopped): each can hold a large part-built
    file, and nothing else ever removes it. Returns each such folder with None once
    removed, or the OS's reason it could not be (a read-only folder or mount), so that
    one left in place is said too, not only one removed.

    A builder holds its folder's lock from before it creates the file in it until it
    has removed the folder, so a folder that holds the file and whose lock is free has
    no builder. One without the file may be one a builder has only just made: kept."""
    target = Path(os.path.realpath(location))
    prefix = _building_prefix(target)
    try:
        entries = [e for e in os.scandir(target.parent) if e.name.startswith(prefix)]
    except OSError:
        return []  # a folder it cannot list is one it cannot build in either
    left: list[tuple[Path, str | None]] = []
    for entry in entries:
        folder = Path(entry.path)
        lock = _lock_folder(folder, wait=False) if entry.is_dir(follow_symlinks=False) else None
        if lock is None:
            continue
        try:
            # The built file is named as the target is: another file's folder, named
            # after the same first 100 characters, holds another name.
            if (folder / _built_name(location)).exists():
                left.append((folder, _removed(folder)))
        finally:
            _release(lock)
    return left


def _removed(folder: Path) -> str | None:
    """Remove `folder` and all it holds that the OS lets go of; None once it is gone,
    else the first reason a part of it could not be removed."""
    problems: list[str] = []

    def told(_function: object, _path: str, error: Any) -> None:
        reason = error[1] if isinstance(error, tuple) else error  # onerror's exc_info
        problems.append(getattr(reason, "strerror", None) or str(reason))

    # onerror is deprecated from Python 3.12, whose onexc is given the error itself.
    if sys.version_info >= (3, 12):
        shutil.rmtree(folder, onexc=told)
    else:
        shutil.rmtree(folder, onerror=told)
    if not os.path.lexists(folder):
        return None
    return problems[0] if problems else "it is still there"


def _lock_folder(folder: Path, *, wait: bool) -> int | None:
    """An exclusive lock on `folder`, held until the descriptor returned is closed (or
    its process ends); None if another process holds it (with `wait`, taken once that
    one lets go) or none can be taken (Windows; a file system without locks)."""
    try:
        import fcntl
    except ImportError:
        return None
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return None
    try:
        # flock, not DuckDB's fcntl locks: those of one process do not exclude each
        # other, and closing any descriptor of a file releases them all.
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    return fd


def _release(lock: int | None) -> None:
    if lock is not None:
        os.close(lock)


def _put_in_place(built: Path, target: Path) -> None:
    """Give `built` the name `target`, which must not exist: FileExistsError if it
    does, even if another process creates it at this very moment."""
    if os.path.lexists(target):
        raise FileExistsError(target)
    # A write-ahead log left of a file no longer there: DuckDB replays one it finds
    # beside a file into it, and creating the file in place deleted it.
    with contextlib.suppress(FileNotFoundError):
        os.unlink(f"{target}.wal")
    try:
        # A hard link, not a rename, which would replace a file created meanwhile.
        os.link(built, target)
    except FileExistsError:
        raise
    except OSError:
        # A file system without hard links (FAT, some network shares): renamed, after
        # the test above.
        os.replace(built, target)


def _connect_file(
    path: str, *, read_only: bool, lock_timeout: float, named: str = "--db"
) -> duckdb.DuckDBPyConnection:
    _refuse_data_file(path, named)
    con = retry_while_locked(
        lambda: duckdb.connect(path, read_only=read_only),
        f"database {path}",
        lock_timeout,
        lambda text: TrendlabError(
            f"cannot open {lake.opened_as(path, named)}: {_open_problem(path, text, named)}"
        ),
    )
    # No network, as on a team store (lake.connect): a query of an extension's function
    # (ducklake_snapshots, an s3:// path) tried to download it, and failed on a line
    # naming no cause; now DuckDB's first line names the function and its extension.
    # Set here, not as connect's config: DuckDB refuses a second connection to a file
    # with another config than the first's (a caller holding it open in this process).
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    return con


def _open_problem(path: str, text: str, named: str = "--db") -> str:
    """What is wrong with the file at `path` (given as `named`) that DuckDB could not
    open, saying `text`: an empty file is said to be one, with the way out (see
    lake.empty_file_refused and empty_file_problem)."""
    if lake.empty_file_refused(path, text):
        return f"the file {lake.empty_file_problem('DuckDB database', named)}"
    return lake.damaged_file_problem(_first_line(text)) or _first_line(text)


# The forecast cache's table: derived data, whose loss costs only time (see cached).
_CACHE_TABLE = "forecast_cache"


def _missing_effect(name: str) -> str:
    """What a schema object dropped around trendlab does to the commands: the cache's
    table only makes every forecast computed (see Store.cached); any other fails them."""
    if name == _CACHE_TABLE:
        return "forecasts and backtests are computed each time, not cached"
    return "the commands that read it fail"


def _altered_effect(name: str) -> str:
    """What a column of trendlab's table `name` altered to another type around trendlab
    does to the commands: in the cache's table, an entry it cannot read or write is a
    miss (see Store.cached); in any other, the commands fail."""
    if name == _CACHE_TABLE:
        return "forecasts and backtests it cannot read or write are computed each time"
    return "the commands that read it fail"


def _cache_damage(exc: Exception) -> str:
    """DuckDB's line for the forecast cache's damaged data, in a DuckDB file's block or
    a team store's data file (see Store.cached); any other error is raised again."""
    if isinstance(exc, lake.DamagedDataFile):
        return exc.said
    if lake.damaged_file_problem(str(exc)) is None:
        raise exc
    return _first_line(str(exc))


def _damaged_effect(name: str, made: _Made) -> str:
    """What a table `name` that DuckDB cannot read whole does to the commands, and the
    way out (`made` as for Store._missing_schema): the cache's holds only what they
    computed (see Store.cached), to be made again; any other, the records themselves."""
    if name == _CACHE_TABLE:
        return (
            "forecasts and backtests compute afresh each time; it holds only what they "
            "computed: drop it, and create it again as trendlab's "
            f"{_schema_file(made[name][1])} does"
        )
    return "the commands that read it fail; restore the file from a backup"


def _refuse_no_directory(data_path: str, option: str) -> None:
    """Refuse, for a DuckDB file, a data path that is no directory, as a team store
    refuses it: a file holds its own data, so the path goes unused, but one that is no
    directory is wrong whatever the store (a slip, or meant for a store it cannot be
    for), and the README calls it a usage error. A directory is let be: it is the
    --db team store's, left in TRENDLAB_DATA_PATH, or a new copy DST's."""
    if "://" not in data_path:
        lake.refuse_no_directory(Path(data_path).expanduser(), data_path, option)


def _refuse_data_file(path: str, named: str = "--db") -> None:
    """Refuse an existing file that is not a DuckDB database (see lake.other_than_duckdb).

    DuckDB opens a CSV, JSON or Parquet file given as a database as an in-memory one
    with a view of it: read-only that fails with "Cannot launch in-memory database in
    read-only mode!", and a writer called it a database holding other tables."""
    if lake.other_than_duckdb(path):
        from trendlab.render import SUFFIXES

        hint = (
            "; a CSV, JSON or Parquet file goes in with `trendlab import`"
            if Path(path).suffix.lower() in SUFFIXES
            else ""
        )
        raise TrendlabError(
            f"cannot open {lake.opened_as(path, named)}: not a DuckDB database file{hint}"
        )


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text
