"""Whole stores: copy one into another."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import click

from trendlab.cli.options import (
    Settings,
    TrendlabCommand,
    check_location,
    note,
    note_left_build,
    note_upgraded,
)

if TYPE_CHECKING:
    from trendlab.errors import TrendlabError


@click.command("copy", cls=TrendlabCommand)
@click.argument("src", metavar="SRC")
@click.argument("dst", metavar="DST")
@click.option(
    "--data-path",
    metavar="DIR",
    help="Where DST, if it is a new team store, keeps its data files (an empty directory) "
    "[default: the global --data-path, unless the --db store it belongs to is a team "
    "store other than DST].",
)
@click.option(
    "--source-data-path",
    metavar="DIR",
    help="Where this machine mounts SRC's data files, if SRC is a team store whose "
    "storage is mounted at another path here [default: the global --data-path, if SRC "
    "is the --db store].",
)
@click.pass_obj
def copy(
    settings: Settings, src: str, dst: str, data_path: str | None, source_data_path: str | None
) -> None:
    """Copy a whole database, history included, into another store.

    SRC and DST are each a DuckDB file or a team store (ducklake:postgres:CONNINFO or
    ducklake:FILE.ducklake), in any combination. Every changeset and revision arrives
    unchanged, so DST answers `log`, `history` and `--as-of` as SRC does. DST is
    created if it does not exist. It must be empty or an earlier copy of SRC, which
    then gets only what it lacks; anything else is refused, so nothing is lost.

    \b
    Example:
      trendlab copy trendlab.duckdb 'ducklake:postgres:dbname=trendlab host=db.lab' \\
        --data-path /mnt/lab/trendlab
      trendlab copy 'ducklake:postgres:dbname=trendlab host=db.lab' backup.duckdb
    """
    from trendlab import lake
    from trendlab.db import Store, builds_aside, store_paths
    from trendlab.errors import ExitCode, TrendlabError
    from trendlab.locking import InterruptedWaiting, Locked
    from trendlab.transfer import (
        copy_store,
        refuse_lacking,
        refuse_nulls,
        refuse_orphans,
        refuse_own_tables_of_new,
        refuse_unholdable,
        same_store,
    )

    for name, location in (("SRC", src), ("DST", dst)):
        # An empty name would open ./trendlab.duckdb whatever --db says: an unset
        # variable in `copy "$TRENDLAB_DB" backup.duckdb`, refused as --db refuses it.
        if not location.strip():
            raise TrendlabError(
                f"{name} is empty: give a file or a team store", exit_code=ExitCode.USAGE
            )
        check_location(location, name)
        if problem := _catalog_problem(location):
            raise TrendlabError(f"{name} {problem.message}", exit_code=problem.exit_code)
    for option, value, name, location in (
        ("--source-data-path", source_data_path, "SRC", src),
        ("--data-path", data_path, "DST", dst),
    ):
        if value is not None:
            check_location(value, option)
        # A DuckDB file holds its data itself: a path for its data files would be
        # silently ignored, and was most likely meant for the other store.
        if value is not None and not lake.is_lake(location):
            raise TrendlabError(
                f"{option} is for a team store's data files, and {name} {location} is a "
                "DuckDB file, which holds its own: leave it out",
                exit_code=ExitCode.USAGE,
            )
    if same_store(src, dst):
        raise _same_store_error(src, dst)
    # The global data path is where this machine mounts the --db store's files: SRC's
    # when SRC is that store (a team store: a file has none). When the --db store is a
    # lake other than DST, it is not DST's either: a new DST's files would land among
    # that store's (the very ones it is a copy of, when it is SRC).
    db = None if _catalog_problem(settings.db) else settings.db
    global_is_src = db is not None and lake.is_lake(src) and same_store(src, db)
    global_is_dsts = db is None or not lake.is_lake(db) or same_store(dst, db)
    src_data_path = source_data_path or (settings.data_path if global_is_src else None)
    dst_data_path = data_path or (settings.data_path if global_is_dsts else None)
    with Store.open(
        src,
        read_only=True,
        lock_timeout=settings.lock_timeout,
        data_path=src_data_path,
        data_path_option="--source-data-path" if source_data_path else settings.data_path_option,
        named="SRC",
    ) as source:
        # What opening DST creates, for a failed copy to take away again: a DST left
        # with only the schema would pass for an empty store and hide that nothing was
        # copied. Measured as late as can be, so as not to take another process's new
        # store for ours; not a PostgreSQL catalog's data path, which the catalog names.
        on_postgres = lake.is_lake(dst) and lake.LakeLocation.parse(dst).is_postgres
        shown_dst = lake.LakeLocation.parse(dst).text if lake.is_lake(dst) else dst
        refuse_lacking(source)
        refuse_nulls(source)
        refuse_orphans(source)
        if on_postgres:
            refuse_unholdable(source)  # before DST is opened: a new one would be left part made
        # A new DuckDB file is built beside DST and put in place whole (see Store.open's
        # `whole`), as `init` builds one: made in place, a copy killed after its schema
        # committed left a valid, empty store. Nothing to remove of it then: what is at
        # DST once the copy fails is another process's. A new team store reads as part
        # made until the copied changesets commit.
        whole = builds_aside(dst)
        created = (
            []
            if on_postgres or whole
            else [p for p in store_paths(dst, dst_data_path) if not p.exists()]
        )
        try:
            with Store.open(
                dst,
                read_only=False,
                create=True,
                migrate=True,
                lock_timeout=settings.lock_timeout,
                data_path=dst_data_path,
                data_path_option="--data-path" if data_path else settings.data_path_option,
                named="DST",
                # Into a file there already too: what a copy killed as it put that
                # file in place left beside it is removed.
                whole=True,
                left_build=note_left_build,
                # Before a new DST is made, whose tables are trendlab's alone.
                new=lambda: refuse_own_tables_of_new(source, shown_dst),
            ) as target:
                # Spellings of one server that the strings cannot tell apart (localhost
                # and 127.0.0.1, a socket directory) are told apart by the server.
                same = source.catalog_identity()
                if same is not None and same == target.catalog_identity():
                    raise _same_store_error(src, dst)
                copied = copy_store(source, target)
                note_upgraded(target)
                target.publish()
        except (Locked, InterruptedWaiting):
            # Another process holds DST, to the end of the wait or of a wait stopped by
            # Ctrl-C: what appeared there as the copy waited (a new file, a write-ahead
            # log of its commits) is its own.
            raise
        except BaseException:
            _remove(created)
            raise
    if not copied.changesets and not copied.rows and not copied.already:
        note(f"{source.location} has no changesets: nothing copied to {target.location}")
    elif not copied.changesets and not copied.rows:
        note(
            f"{target.location} already has all {_n(copied.already, 'changeset')} "
            f"of {source.location}"
        )
    else:
        had = f"; it had {copied.already} already" if copied.already else ""
        note(
            f"copied {_n(copied.changesets, 'changeset')} ({_n(copied.rows, 'row')}) "
            f"from {source.location} to {target.location}{had}"
        )
    for table, kept in copied.kept.items():
        note(
            f"copy: DST's table {table} keeps {_n(kept, 'row')} SRC does not have "
            "(changed or deleted in SRC since?)"
        )
    if copied.left_out:
        left = ", ".join(
            f"{kind} {name}" + (f" ({_n(tables, 'table')})" if tables else "")
            for kind, name, tables in copied.left_out
        )
        them = "it" if len(copied.left_out) == 1 else "them"
        note(f"copy: left out what copy does not carry: {left}; recreate {them} in DST")


def _catalog_problem(location: str) -> TrendlabError | None:
    """The error --db gets for a `ducklake:` location of no catalog trendlab takes
    (ducklake:sqlite:x.db), or None for any other location. As SRC or DST it is refused,
    naming which; as a --db (TRENDLAB_DB) it names no store for copy, as a folder does
    not, since copy names its stores itself (it failed whatever SRC and DST were)."""
    from trendlab import lake
    from trendlab.errors import TrendlabError

    if not lake.is_lake(location):
        return None
    try:
        lake.LakeLocation.parse(location)
    except TrendlabError as exc:
        return exc
    return None


def _same_store_error(src: str, dst: str) -> TrendlabError:
    """The usage error for SRC and DST naming one store."""
    from trendlab import lake
    from trendlab.errors import ExitCode, TrendlabError

    shown_src, shown_dst = lake.mask_password(src), lake.mask_password(dst)
    both = (
        f"SRC and DST are the same store ({shown_src})"
        if src == dst
        else f"SRC {shown_src} and DST {shown_dst} are the same store"
    )
    return TrendlabError(f"{both}: give another DST", exit_code=ExitCode.USAGE)


def _remove(paths: list[Path]) -> None:
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists():
            # Not unlink(missing_ok=True): a path under a file (a data path the copy
            # refused) raises NotADirectoryError, not FileNotFoundError.
            path.unlink()


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


COMMANDS = [copy]
