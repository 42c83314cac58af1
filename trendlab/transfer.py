"""`trendlab copy`: a whole store, history included, into another one.

Every changeset and every revision row arrives unchanged (same ids, same times, same
values), so the copy answers every query, --as-of included, as the original does.
The destination must be empty or an earlier copy of the source (a prefix of its
history): then only what it lacks is added, and nothing it holds is lost.
"""

from __future__ import annotations

import contextlib
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from trendlab.db import WRITE_HEAD, Store, command_on, held_interrupts, new_store_tables
from trendlab.errors import TrendlabError
from trendlab.kinds import KINDS
from trendlab.lake import LakeLocation, is_lake, retry_lost_races
from trendlab.text import counted


@dataclass
class Copied:
    """What one copy did."""

    changesets: int = 0  # changesets added to the destination
    rows: int = 0  # revision rows (and reference rows) added with them
    already: int = 0  # changesets the destination had already
    # (kind, name, tables) of what of the source's own a copy does not carry and the
    # destination has no object of that kind and name (or a schema of fewer tables: see
    # Store.left_out_by_copy)
    left_out: list[tuple[str, str, int]] = field(default_factory=list)
    # Per table without changesets (a reference table, the user's own; not the
    # forecast cache): the rows the destination keeps that the source lacks, which a
    # copy never deletes
    kept: dict[str, int] = field(default_factory=dict)


def same_store(a: str, b: str) -> bool:
    """Do two --db locations name one store? A file (or a local lake's catalog file)
    is one store by any path: relative or absolute, through a symbolic or hard link, and
    as a lake (`ducklake:FILE`) or the plain file its catalog is; a PostgreSQL catalog
    by any spelling of its server and database (a URI, keywords in any order, a default
    port left out: see LakeLocation.database)."""
    file_a, file_b = _catalog_file(a), _catalog_file(b)
    if file_a is None or file_b is None:
        both_postgres = file_a is None and file_b is None
        return (
            both_postgres and LakeLocation.parse(a).database() == LakeLocation.parse(b).database()
        )
    try:
        return file_a.samefile(file_b)
    except OSError:  # one does not exist (yet): the paths say
        return file_a.resolve() == file_b.resolve()


def _catalog_file(location: str) -> Path | None:
    """The file a --db location keeps its catalog in (a DuckDB file, a local lake's
    catalog); None for a PostgreSQL one. A lake and the plain path of its catalog file
    are one file: opened as both at once, DuckDB said 'Unique file handle conflict'."""
    if is_lake(location):
        return LakeLocation.parse(location).file
    return Path(location).expanduser()


def refuse_unholdable(src: Store) -> None:
    """Refuse to copy `src` to a team store if any value it would copy is one that
    PostgreSQL cannot hold (see Store.unholdable_values: a NUL in a text, an infinite
    number, a date out of its range): the team store's commit failed, naming no record.
    Every revision is copied, and a recorded one cannot be edited, so editing the
    current ones does not make `src` copyable: only its current records can move,
    exported and imported."""
    if src.in_postgres:  # a team store holds none
        return
    found = src.unholdable_values()
    if found.is_empty():
        return
    first = found.row(0, named=True)
    kind = next((k for k in KINDS.values() if k.table == first["table"]), None)
    if kind is None:
        row = "changeset" if first["table"] == "changesets" else f"{first['table']} row"
        where = f"{row} {first['key']}"
    elif first["current"]:
        where = f"{kind.singular} {first['key']}"
    else:
        where = f"revision {first['revision']} of {kind.singular} {first['key']} (a past one)"
    more = f" (and {counted(found.height - 1, 'more value')})" if found.height > 1 else ""
    them = "the NUL" if first["problem"].startswith("holds a NUL") else "such values"
    current = (
        f"edit {them} out of current records (`{src.command('check')}` lists them), then "
        if found.get_column("current").any()
        else ""
    )
    raise TrendlabError(
        f"SRC {src.location}: {where}: {first['column']} {first['problem']}{more}, which a "
        f"team store cannot hold ({first['why']}); a copy takes the whole history, which "
        "cannot be edited, so SRC cannot be copied to a team store: to move its records "
        f"without their history, {current}export them and import them there; nothing was "
        "copied"
    )


def refuse_nulls(src: Store) -> None:
    """Refuse to copy `src` if a column trendlab makes NOT NULL holds NULL there (its
    NOT NULL dropped around trendlab, which check lists): DST's NOT NULL refused the
    insert, and the copy failed on DuckDB's "Constraint Error: NOT NULL constraint
    failed", naming no changeset. Called before DST is opened, so that none is made."""
    tables = src.data_tables()
    found = [(t, c, n) for t, c, n in src.loosened_columns() if n and t in tables]
    if not found:
        return
    table, column, nulls = found[0]
    first = src.first_null(table, column)
    if table == "changesets" and first is not None:
        where = f"changeset {first} has"
    else:
        row = "a row" if nulls == 1 else f"{nulls} rows"
        of = f" (changeset {first})" if first is not None else ""
        where = f"{row} of {table}{of} {'has' if nulls == 1 else 'have'}"
    more = sum(n for _, _, n in found[1:])
    others = (
        f", and {counted(more, 'other value')} NULL in columns trendlab makes NOT NULL"
        if more
        else ""
    )
    raise TrendlabError(
        f"SRC {src.location}: {where} no {column} (NULL, written around trendlab){others}, "
        "which no store takes: a copy takes every changeset as it is; give each a value in "
        f"SRC (`{src.command('check')}` lists them), then copy again; nothing was copied"
    )


def refuse_lacking(src: Store) -> None:
    """Refuse to copy `src` if it lacks a table of trendlab's that holds history (the
    changesets, a kind's revisions), or a column of one (dropped around trendlab, which
    check lists): the copy took what was left and said it had copied every changeset,
    and DST held changesets whose revisions were gone. Called before DST is opened, so
    that none is made."""
    have = src.data_tables()
    for table, columns in new_store_tables().items():
        if Store.changeset_column(table, columns) is None:
            continue  # the units, the forecast cache: DST makes its own
        if table not in have:
            lacked = f"table {table}"
        elif missing := [c for c in columns if c not in have[table]]:
            column = "column" if len(missing) == 1 else "columns"
            lacked = f"{column} {', '.join(missing)} of table {table}"
        else:
            continue
        raise TrendlabError(
            f"SRC {src.location} lacks {lacked} (dropped around trendlab), so its history "
            f"cannot be copied whole (`{src.command('check')}` lists what it lacks); "
            "nothing was copied"
        )


def refuse_orphans(src: Store) -> None:
    """Refuse to copy `src` if rows of its history name a changeset it lacks (deleted
    around trendlab, which check lists): a copy adds what DST lacks changeset by
    changeset, so it took such rows again each time it ran, and a backup kept up to
    date held every one of them twice, then three times. Called before DST is opened,
    so that none is made."""
    if found := src.rows_of_no_changeset():
        one = sum(n for _, n, _ in found) == 1
        them, theirs = ("it", "its changeset") if one else ("them", "their changesets")
        raise TrendlabError(
            f"SRC {src.location}: {_orphans(found, 'SRC')}, so a copy, which goes changeset by "
            f"changeset, cannot take {them}: insert {theirs} again in SRC "
            f"(`{src.command('check')}` lists {them}), then copy again; nothing was copied"
        )


def _orphans(found: list[tuple[str, int, str | None]], store: str) -> str:
    """Rows naming a changeset their `store` (SRC or DST) lacks (see
    Store.rows_of_no_changeset), as an error tells them."""
    table, rows, first = found[0]
    more = sum(n for _, n, _ in found[1:])
    others = f", and {counted(more, 'row')} of other tables," if more else ""
    if rows + more == 1:
        names, which = "names a changeset", f"{first or 'NULL'}; its row"
    else:
        names, which = "name changesets", f"first {first or 'NULL'}; their rows"
    return (
        f"{counted(rows, 'row')} of {table}{others} {names} {store} lacks ({which} "
        "deleted around trendlab)"
    )


def copy_store(src: Store, dst: Store) -> Copied:
    """Copy into `dst` every changeset of `src` it lacks, with all its rows.

    Runs in one transaction on each side: the source is read from one snapshot, and
    the destination gets all of it or none. On a team store that another writer
    changes meanwhile, the copy starts over on the new state, as a changeset would;
    and as a changeset's, its commit queues behind the other writers' (see
    Store.writers_queue) and keeps its place while it starts over: the short writes
    around a long copy then wait for it (each up to its lock wait) instead of winning
    every race against it.
    """
    tables = src.data_tables()
    with contextlib.ExitStack() as place:
        queued: bool | None = None  # None until the first commit that writes

        def take_place() -> None:
            nonlocal queued
            if queued is None:
                queued = place.enter_context(dst.writers_queue())

        copied = retry_lost_races(
            lambda: _copy_in_one_transaction(src, dst, tables, take_place),
            queued=lambda: bool(queued),
        )
    # Left out only where DST lacks it: one the user has recreated there is no news, a
    # schema once it holds as many tables (its data may differ: a copy cannot tell).
    there = {(kind, _name(name)): tables for kind, name, tables in dst.left_out_by_copy()}
    copied.left_out = [
        (kind, name, tables)
        for kind, name, tables in src.left_out_by_copy()
        if there.get((kind, _name(name)), -1) < tables
    ]
    return copied


def _copy_in_one_transaction(
    src: Store, dst: Store, tables: dict[str, list[str]], queue: Callable[[], None]
) -> Copied:
    """One attempt: read `src` from one snapshot, write `dst` in one transaction,
    calling `queue` before a commit that writes. A Ctrl-C during the commit is too late
    to stop it: it is held, and the copy made is reported (as a changeset's commit does).
    A copy that adds nothing is rolled back: an older `dst` keeps its schema, as after
    a refused copy (see Store.begin); a new team store still commits, whole though
    empty (see Store.mark_created)."""
    src.execute("BEGIN TRANSACTION")
    try:
        dst.begin()  # with DST's pending migrations, which may fail
        copied = _copy_once(src, dst, tables)
        if not copied.changesets and not copied.rows and not dst.creating:
            dst.execute("ROLLBACK")
            src.rollback_quietly()
            return copied
        queue()
        with held_interrupts():
            dst.execute("COMMIT")
            src.rollback_quietly()  # only read: nothing to keep
    except BaseException:
        dst.rollback_quietly()
        src.rollback_quietly()
        raise
    return copied


def refuse_own_tables_of_new(src: Store, dst_location: str) -> None:
    """Refuse to copy `src` into a new store (at `dst_location`, as shown) if it has a
    table, or a column, of its own, which a new store lacks: called before DST is made
    (see Store.open's `new`), so that nothing is."""
    _refuse_own_tables(
        src, src.data_tables(), new_store_tables(), dst_location, lake=is_lake(dst_location)
    )


def _refuse_own_tables(
    src: Store,
    tables: dict[str, list[str]],
    dst_tables: dict[str, list[str]],
    dst_location: str,
    *,
    part_made: bool = False,
    lake: bool = False,
) -> None:
    """Refuse unless DST has every table and column of `src`'s (`tables`): those
    trendlab does not make are the user's, which only the user can add to DST. A
    `lake` DST keeps the name of its write head for itself (see Store.claim_head)."""
    theirs = {_name(t): {_name(c) for c in cs} for t, cs in dst_tables.items()}
    for table, columns in tables.items():
        if lake and _name(table) == WRITE_HEAD:
            raise TrendlabError(
                f"SRC {src.location} has a table of its own, {table}, whose name a team store "
                f"keeps for its own bookkeeping, so DST {dst_location} cannot take it: rename "
                "it in SRC, then copy again; nothing was copied"
            )
        if _name(table) not in theirs:
            own = f"SRC {src.location} has a table of its own, {table},"
        elif lacks := [c for c in columns if _name(c) not in theirs[_name(table)]]:
            own = f"SRC {src.location}'s table {table} has a column of its own, {lacks[0]},"
        else:
            continue
        init = command_on(dst_location, "init --empty")
        # A team store that an init or copy stopped part way left part made (a new one
        # is refused before it is made): opening it as DST completed its schema, not
        # the store, which only `init --empty` or a copy that commits does.
        advice = (
            f"DST is left part made: complete it with `{init}`, add it there"
            if part_made
            else f"add it to DST (a new DST first made with `{init}`)"
        )
        raise TrendlabError(
            f"{own} which trendlab does not make and DST {dst_location} lacks: a copy takes "
            f"every table of SRC whole; {advice}, then copy again; nothing was copied"
        )


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _name(identifier: str) -> str:
    """An identifier as DuckDB tells names apart, quoted too: by ASCII letters whatever
    their case ("Note" is note), but any other letter as it is (Äpfel is not äpfel)."""
    return identifier.translate(_ASCII_LOWER)


# A cache whose rows a store replaces as its data change: DST keeping older ones is
# no news, unlike a row of the user's own that SRC changed or deleted.
_CACHE = "forecast_cache"


def _copy_once(src: Store, dst: Store, tables: dict[str, list[str]]) -> Copied:
    # Asked in the transaction: an older `dst` has its tables only once begun, so what
    # it lacks then was made around trendlab, which `migrate` cannot make.
    _refuse_own_tables(
        src, tables, dst.data_tables(), dst.location, part_made=dst.creating, lake=dst.is_lake
    )
    have = dst.changeset_ids()
    _check_prefix(src, dst, tables, have)
    copied = Copied(already=have.height)
    with src.lossless_arrow(), dst.lossless_arrow():
        for table, columns in tables.items():
            _copy_table(src, dst, table, columns, have, copied)
    if copied.changesets or copied.rows or dst.creating:
        dst.claim_head(None)  # conflict with any writer that committed meanwhile
        dst.mark_created()
    return copied


def _copy_table(
    src: Store, dst: Store, table: str, columns: list[str], have: pl.DataFrame, copied: Copied
) -> None:
    """Add to `dst`'s table the rows of `src`'s it lacks: those of the changesets it
    does not `have`, or, for a table without changesets, each row as often as `src`
    has it more times; counted in `copied`."""
    column = Store.changeset_column(table, columns)
    known = have if column is not None else dst.table_rows(table, columns)
    counted_kept = column is None and _name(table) != _CACHE
    if counted_kept and (kept := src.count_rows_lacked(table, columns, known)):
        copied.kept[table] = kept
    with src.rows_except(table, columns, column, known) as batches:
        try:
            n = dst.insert_rows(table, columns, batches)
        except duckdb.ConversionException as exc:
            # A column altered around trendlab ('abc' in a score made VARCHAR): DuckDB's
            # line alone, as an internal error's, named neither store nor table. Which
            # store's column was altered, its words do not say: either one's check does.
            line = str(exc).strip().splitlines()[0]
            raise TrendlabError(
                f"copying table {table} from SRC {src.location} into DST {dst.location}: "
                f"{line} (a column of trendlab's altered around trendlab in one of them: "
                f"`{src.command('check')}` or `{dst.command('check')}` lists it); "
                "nothing was copied"
            ) from None
    if table == "changesets":
        copied.changesets = n
    else:
        copied.rows += n


def _check_prefix(src: Store, dst: Store, tables: dict[str, list[str]], have: pl.DataFrame) -> None:
    """Refuse unless every changeset of `dst` is in `src`, with the very same rows."""
    if found := dst.rows_of_no_changeset():
        # Asked first: a DST holding revisions but no changeset passed for an empty one.
        raise TrendlabError(
            f"{dst.location} is not empty and not an earlier copy of {src.location}: "
            f"{_orphans(found, 'DST')}, which `{dst.command('check')}` lists; copy into a new "
            "store (another path, or an empty one made with `trendlab --db DST init "
            "--empty`) so that nothing is lost"
        )
    if have.is_empty():
        return
    theirs = src.changeset_ids()
    extra = have.join(theirs, on="id", how="anti").sort("id")
    if not extra.is_empty():
        first = extra.item(0, "id")
        # Read as --as-of reads one, but for a NULL time (written around trendlab), whose
        # --as-of error ("no moment to read the database at") was told for the copy.
        recorded_at = dst.recorded_at("SELECT recorded_at FROM changesets WHERE id = ?", [first])
        when = (
            f"of {recorded_at:%Y-%m-%d %H:%M}"
            if recorded_at is not None
            else "recorded at no time: NULL, written around trendlab"
        )
        raise TrendlabError(
            f"{dst.location} is not empty and not an earlier copy of {src.location}: it has "
            f"{counted(extra.height, 'changeset')} that the source lacks (first {first}, "
            f"{when}); copy into a new store (another path, or an empty one made with "
            "`trendlab --db DST init --empty`) so that nothing is lost"
        )
    for table, columns in tables.items():
        column = Store.changeset_column(table, columns)
        if column is None:
            continue
        if dst.digest(table, columns) != src.digest(table, columns, (column, have)):
            raise TrendlabError(
                f"{dst.location} holds the same changesets as part of {src.location}, but "
                f"different rows in {table}: one of the two was changed outside trendlab; "
                "copy into a new store instead"
            )
