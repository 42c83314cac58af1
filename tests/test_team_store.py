"""The team store: DuckLake with its catalog in PostgreSQL, many writers, one CLI.

The everyday commands (add, edit, history, as-of, import, export, query, check) run
on both stores through the @both_stores tests in the other modules; this module
covers what only a team store has: its setup, its errors, copying whole stores in
and out, and concurrent writers.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

from tests.conftest import (
    CtrlCOnCommit,
    Run,
    both_stores,
    changeset_around,
    make_runner,
    new_team_store,
    process_imports,
    revise_around,
)
from tests.pg import PgServer, pg_bin
from trendlab import db as db_module
from trendlab import lake
from trendlab.cli import cli
from trendlab.db import Migration, Store, latest_version
from trendlab.errors import TrendlabError
from trendlab.kinds import get_kind
from trendlab.records import Changeset, rows_frame
from trendlab.transfer import same_store

WRITER = Path(__file__).with_name("team_writer.py")
TRENDLAB = (sys.executable, "-m", "trendlab", "--db")
ROOT = Path(__file__).resolve().parent.parent


def _one_line_error(result, *expected: str, code: int = 1) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("trendlab: error: ")
    for text in expected:
        assert text in lines[0], lines[0]
    assert "internal error" not in result.stderr


def _tables(location: str | Path, data_path: str | None = None) -> dict[str, pl.DataFrame]:
    """Every data table of a store, rows sorted, for comparing stores exactly."""
    store = Store.open(location, data_path=data_path)
    try:
        return {
            table: store.frame(f"SELECT {', '.join(cols)} FROM {table} ORDER BY ALL")
            for table, cols in store.data_tables().items()
        }
    finally:
        store.close()


def _assert_same_tables(
    a: str | Path | dict[str, pl.DataFrame], b: str | Path | dict[str, pl.DataFrame]
) -> None:
    first = a if isinstance(a, dict) else _tables(a)
    second = b if isinstance(b, dict) else _tables(b)
    assert first.keys() == second.keys()
    for name, frame in first.items():
        assert frame.equals(second[name]), (a, b, name)


# -- creating and opening a team store ----------------------------------------------------


def test_init_creates_the_store_and_reads_never_do(pg_server: PgServer, tmp_path: Path):
    pg_server.create_database("fresh")
    location = pg_server.lake("fresh")
    run = make_runner(location)
    # The init it suggests is this store's: as printed, `trendlab init` made ./trendlab.duckdb.
    # --data-path before init, where the global option goes: after it, it was refused.
    _one_line_error(
        run("list", "models"),
        "no team store at",
        f"`trendlab --db {shlex.quote(location)} --data-path DIR init` to create one, DIR the "
        "directory for its data files",
    )
    _one_line_error(run("add-model", "x-1"), "no team store at")
    assert (
        pg_server.sql("fresh", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0"
    )
    _one_line_error(run("init"), "needs --data-path DIR")

    data = tmp_path / "shared"
    result = run("--data-path", str(data), "init")
    assert result.exit_code == 0, result.output
    seeded_models = len((ROOT / "seeds" / "models.csv").read_text().splitlines()) - 1
    assert f"models: {seeded_models} added" in result.stderr
    # Small writes are kept in the catalog; a big one goes to the data path as Parquet.
    files_after_init = set(data.rglob("*.parquet"))
    small = run("add-result", "gpt-4", "mmlu", "55", "--source-url", "https://e.org/small")
    assert small.exit_code == 0, small.stderr
    assert set(data.rglob("*.parquet")) == files_after_init
    rows = [f"gpt-4,mmlu,{i % 90},run {i},https://e.org/{i}" for i in range(1500)]
    big = tmp_path / "results.csv"
    big.write_text("model,benchmark,score,setting,source_url\n" + "\n".join(rows) + "\n")
    assert run("import", str(big)).exit_code == 0
    assert set(data.rglob("*.parquet")) > files_after_init
    # Later commands find the data path in the catalog.
    assert "gpt-4" in run("list", "models", "--csv").stdout
    again = run("init")
    assert again.exit_code == 0 and "up to date" in again.stderr
    assert "schema version" in run("migrate").stderr
    assert run("check").exit_code == 0


def test_local_lake_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    run = make_runner("ducklake:team.ducklake")
    _one_line_error(
        run("list", "models"), "no team store at", "`trendlab --db ducklake:team.ducklake init`"
    )
    assert not (tmp_path / "team.ducklake").exists()
    assert run("init").exit_code == 0
    assert run("add-model", "local-1", "-m", "x").exit_code == 0
    # Neither the catalog nor anything in its data files' folder may be an output.
    data_file = next((tmp_path / "team.ducklake.files").rglob("*.parquet"))
    targets = {
        "team.ducklake": "csv",
        str(data_file): "parquet",
        "team.ducklake.files/m.csv": "csv",
    }
    for target, fmt in targets.items():
        refused = run("export", "models", "-o", target, "--format", fmt)
        assert refused.exit_code == 2 and "is where the database" in refused.stderr, target
    assert run("check").exit_code == 0
    # The blended_price macro, which a DuckLake catalog cannot keep, is on every connection.
    ratio = run("query", "launch-price-ratio", "--param", "model=gpt-4o", "--param",
                "baseline=gpt-4", "--json")  # fmt: skip
    assert json.loads(ratio.stdout)[0]["blended_ratio"] == 0.2, ratio.output
    assert run("export", "models", "-o", "models.csv").exit_code == 0
    # The data path is stored absolute: the lake opens from any directory.
    monkeypatch.chdir(tmp_path.parent)
    other = make_runner(f"ducklake:{tmp_path / 'team.ducklake'}")
    assert "local-1" in other("list", "models", "--csv").stdout


def test_a_local_lakes_catalog_that_is_no_duckdb_file_is_refused(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """DuckDB opens a CSV as an in-memory database: `init` made the store there, said
    "schema ready" and lost it on exit; every later command failed on DuckDB's text."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "models.csv").write_text("slug\nx\n")
    run = make_runner("ducklake:models.csv")
    for args in (("init", "--empty"), ("list", "models")):
        _one_line_error(
            run(*args),
            f"cannot open ducklake:models.csv: {tmp_path / 'models.csv'} is not a DuckLake "
            "catalog (not a DuckDB database file)",
        )
    _one_line_error(
        run("copy", str(db), "ducklake:models.csv"), "cannot open DST ducklake:models.csv"
    )
    assert (tmp_path / "models.csv").read_text() == "slug\nx\n"
    assert not (tmp_path / "models.csv.files").exists()


def test_a_local_lakes_catalog_cut_short_is_said_damaged(db: Path, tmp_path: Path):
    """A catalog file cut short (a copy that stopped part way) was said with DuckLake's
    internals run into DuckDB's words: 'IO Error: Failed to attach DuckLake MetaData
    "__ducklake_metadata_trendlab" at path + "..."Could not read enough bytes ...'. Now
    said damaged, with DuckDB's words alone, as a DuckDB file's are, naming copy's SRC
    or DST as such."""
    made = make_runner(f"ducklake:{tmp_path / 'whole.ducklake'}")
    assert made("init", "--empty").exit_code == 0
    whole = (tmp_path / "whole.ducklake").read_bytes()
    catalog = tmp_path / "cut.ducklake"
    catalog.write_bytes(whole[: len(whole) // 2])
    location = f"ducklake:{catalog}"
    said = (
        "the file is damaged, cut short (a copy, download or disk that did not finish): "
        f'restore it from a backup (IO Error: Could not read enough bytes from file "{catalog}"'
    )
    run = make_runner(location)
    for args, shown in (
        (["list", "models"], location),
        (["add-model", "cut-1"], location),
        (["copy", location, str(tmp_path / "out.duckdb")], f"SRC {location}"),
        (["copy", str(db), location], f"DST {location}"),
    ):
        _one_line_error(run(*args), f"cannot open {shown}: {said}")
    assert catalog.read_bytes() == whole[: len(whole) // 2]
    assert not (tmp_path / "out.duckdb").exists()


def test_a_duckdb_file_as_a_local_lakes_catalog_is_refused(db: Path, tmp_path: Path):
    """`ducklake:trendlab.duckdb` made a lake inside the trendlab file: DuckLake wrote
    its catalog's tables in among trendlab's, and `init` and `copy` reported success."""
    before = _tables(db)
    run = make_runner(f"ducklake:{db}")
    refused = f"{db} is a DuckDB database that holds other tables (alias_revisions, "
    _one_line_error(run("init", "--empty"), refused, "give --db that file without ducklake:")
    # (From db itself, it is the same store: see the test of a lake's catalog file.)
    other = tmp_path / "other.duckdb"
    shutil.copy(db, other)
    _one_line_error(run("copy", str(other), f"ducklake:{db}"), f"DST ducklake:{db}: {refused}")
    _one_line_error(run("list", "models"), f"{db} is a DuckDB database, not a DuckLake catalog")
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [
            name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        ]
    finally:
        con.close()
    assert not [name for name in tables if name.startswith("ducklake_")]
    _assert_same_tables(before, db)
    assert not Path(f"{db}.files").exists()
    # One with no table at all (an `init` stopped at once left it) is where init makes
    # the store: no advice to drop ducklake:.
    blank = tmp_path / "blank.ducklake"
    duckdb.connect(str(blank)).close()
    blank_run = make_runner(f"ducklake:{blank}")
    _one_line_error(
        blank_run("list", "models"),
        f"no team store at ducklake:{blank}: run `trendlab --db ducklake:{blank} init` to "
        "create one",
    )
    assert blank_run("init", "--empty").exit_code == 0


def test_a_postgres_database_of_other_tables_gets_no_team_store(
    pg_server: PgServer, db: Path, tmp_path: Path
):
    """A CONNINFO naming an application's database (or, without dbname, the user's own)
    had DuckLake's tables made in among its own."""
    pg_server.create_database("application")
    pg_server.sql("application", "CREATE TABLE customers (id INTEGER)")
    location = pg_server.lake("application")
    run = make_runner(location)
    refused = "that PostgreSQL database holds other tables (customers), not a DuckLake catalog"
    init = run("--data-path", str(tmp_path), "init", "--empty")
    _one_line_error(init, refused, "give --db a database of its own")
    copied = run("copy", str(db), location, "--data-path", str(tmp_path))
    _one_line_error(copied, f"DST {location}: {refused}", "give DST a database of its own")
    tables = "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'"
    assert pg_server.sql("application", tables) == "customers"


def test_a_data_path_that_is_no_directory_is_a_usage_error(tmp_path: Path):
    """--data-path names a folder that is not there (or a file): the value typed is
    wrong whatever the store holds, as -o into a missing folder is. It exited 1. A file
    is "not a directory", as a DuckDB file's --data-path says (it was "no such
    directory", though the file was there)."""
    location = f"ducklake:{tmp_path / 'team.ducklake'}"
    run = make_runner(location)
    assert run("init", "--empty").exit_code == 0
    before = run("log", "--json").stdout
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    for path, why in (
        (tmp_path / "nowhere" / "data", "no such directory"),
        (a_file, "not a directory"),
    ):
        for args in (["list", "models"], ["add-model", "x-1", "-m", "t"]):
            result = run("--data-path", str(path), *args)
            assert result.exit_code == 2, (path, args, result.output)
            # The option is the group's: so is the help pointed at.
            assert result.stderr == (
                f"trendlab: error: --data-path {path}: {why} (see 'cli --help')\n"
            ), result.stderr
            assert result.stdout == ""
    assert run("log", "--json").stdout == before


def test_a_new_stores_data_path_under_a_file_is_refused_before_anything_is_made(
    pg_server: PgServer, db: Path, tmp_path: Path
):
    """`init --data-path FILE` failed with DuckDB's raw "IO Error: Failed to create
    directory" after the catalog had stored that path, and every later command, init
    with a good --data-path included, then refused or failed on the half-made store."""
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    good = tmp_path / "shared"
    for location in (pg_server.lake("fresh_bad_path"), f"ducklake:{tmp_path / 't.ducklake'}"):
        if "postgres" in location:
            pg_server.create_database("fresh_bad_path")
        run = make_runner(location)
        for path, why in ((a_file, ""), (a_file / "data", f" ({a_file} is a file)")):
            for args in (["init"], ["copy", str(db), location]):
                result = run("--data-path", str(path), *args)
                assert result.exit_code == 2, (location, path, args, result.output)
                assert f"--data-path {path}: not a directory{why} (see" in result.stderr
                assert result.stderr.count("\n") == 1, result.stderr
        assert not (tmp_path / "t.ducklake").exists()
        assert run("--data-path", str(good / location[-6:]), "init").exit_code == 0
        assert run("check").exit_code == 0


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_new_stores_data_path_that_cannot_be_made_is_refused_before_anything_is_made(
    pg_server: PgServer, tmp_path: Path
):
    """A data path whose folder cannot be made (no permission, a read-only mount; here
    /proc, where not even root can) failed with DuckDB's raw 'IO Error: Failed to
    create directory' after the catalog had stored it, and every later command, init
    with a good --data-path included, failed or was refused on the half-made store."""
    for location in (new_team_store(pg_server), f"ducklake:{tmp_path / 't.ducklake'}"):
        run = make_runner(location)
        _one_line_error(
            run("--data-path", "/proc/trendlab-data", "init"),
            "--data-path /proc/trendlab-data: cannot make it in /proc (",
        )
        assert not (tmp_path / "t.ducklake").exists()
        assert run("--data-path", str(tmp_path / location[-6:]), "init").exit_code == 0


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_new_stores_data_path_that_cannot_be_written_in_is_refused_before_anything_is_made(
    pg_server: PgServer, tmp_path: Path
):
    """A data path that is there but may not be written in (no permission, a read-only
    mount; here /proc, where not even root can make a folder) failed with DuckDB's
    'Failed to create directory "/proc/main/write_head"' after the catalog had stored
    it: init again failed the same way, and a good --data-path was refused as not the
    stored one. init and copy now refuse it first, with the OS's reason."""
    source = tmp_path / "source.duckdb"
    assert make_runner(source)("init", "--empty").exit_code == 0
    for location in (new_team_store(pg_server), f"ducklake:{tmp_path / 't.ducklake'}"):
        run = make_runner(location)
        refused = "--data-path /proc: cannot write in it ("
        _one_line_error(run("--data-path", "/proc", "init"), refused)
        _one_line_error(run("copy", str(source), location, "--data-path", "/proc"), refused)
        assert not (tmp_path / "t.ducklake").exists()
        assert run("--data-path", str(tmp_path / location[-6:]), "init").exit_code == 0


def test_a_new_store_refuses_a_data_path_that_holds_anything(
    pg_server: PgServer, db: Path, tmp_path: Path
):
    """A second store inited (or copied into) on the data path of a first, as
    TRENDLAB_DATA_PATH in ~/.bashrc does, was made there: the orphan-file cleanup the
    README gives, run on the second, then deleted the first's files, whose records were
    lost for good. A new store's data path must now be empty, and nothing is made."""
    share = tmp_path / "share"
    first = new_team_store(pg_server)
    assert make_runner(first)("--data-path", str(share), "init").exit_code == 0
    second = new_team_store(pg_server)
    local = tmp_path / "t.ducklake"
    for location in (second, f"ducklake:{local}"):
        run = make_runner(location)
        for args in (["init"], ["init", "--empty"], ["copy", str(db), location]):
            _one_line_error(
                run("--data-path", str(share), *args),
                f"--data-path {share} is not empty (",
                ", e.g. main/",
                "ducklake_delete_orphaned_files",
            )
    public = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
    assert pg_server.sql(second.split("dbname=")[1].split()[0], public) == "0"
    assert not local.exists()
    # A local lake's own folder beside its catalog, left by another with no catalog now.
    files = tmp_path / "t.ducklake.files"
    (files / "main").mkdir(parents=True)
    _one_line_error(
        make_runner(f"ducklake:{local}")("init"),
        f"its data folder {files} is not empty (1 folder, e.g. main)",
    )
    assert not local.exists()
    assert make_runner(first)("check").exit_code == 0


def test_a_local_lakes_data_folder_that_is_a_file_is_refused_before_anything_is_made(
    db: Path, tmp_path: Path
):
    """A file (or a link to nothing) where a new local lake's FILE.ducklake.files goes
    was walked as an empty folder: DuckLake made the catalog, then failed on its first
    table's folder ('cannot write to the data path ...: Not a directory'), leaving a
    store part made. Now refused up front, and nothing is made."""
    local = tmp_path / "t.ducklake"
    files = tmp_path / "t.ducklake.files"
    run = make_runner(f"ducklake:{local}")
    for make, what in ((Path.touch, "a file"), (lambda p: p.symlink_to(tmp_path / "no"), "a link")):
        make(files)
        for args, shown in (
            (["init"], f"ducklake:{local}"),
            (["init", "--empty"], f"ducklake:{local}"),
            (["copy", str(db), f"ducklake:{local}"], f"DST ducklake:{local}"),
        ):
            _one_line_error(
                run(*args),
                f"{shown}: its data folder {files} is {what}",
                ", not a folder: give an empty or new directory with --data-path, or move that",
            )
            assert not local.exists()
        files.unlink()
    assert run("init", "--empty").exit_code == 0


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_file_uri_data_path_is_checked_as_the_path_it_names(tmp_path: Path):
    """A file:// data path, which DuckDB reads as the path in it, skipped every check of
    a data path: one that could not be written in left a half-made catalog and DuckDB's
    raw error, and one of another store's was taken. It is now checked as that path."""
    location = f"ducklake:{tmp_path / 't.ducklake'}"
    run = make_runner(location)
    _one_line_error(
        run("--data-path", "file:///proc", "init"), "file:///proc: cannot write in it ("
    )
    assert not (tmp_path / "t.ducklake").exists()
    share = tmp_path / "share"
    first = make_runner(f"ducklake:{tmp_path / 'first.ducklake'}")
    assert first("--data-path", str(share), "init", "--empty").exit_code == 0
    _one_line_error(run("--data-path", share.as_uri(), "init"), "is not empty (")
    assert not (tmp_path / "t.ducklake").exists()
    # The same folder, or none, given as a URI to the store made with its path.
    assert first("--data-path", f"file://localhost{share}/", "log").exit_code == 0
    nowhere = f"file://{tmp_path}/nowhere"
    _one_line_error(first("--data-path", nowhere, "log"), f"{nowhere}: no such directory", code=2)


def test_the_migrate_asked_for_names_a_team_store_other_than_trendlab_dbs(
    pg_server: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """An old team store given as --db or copy's SRC asked for `trendlab migrate`,
    which migrates TRENDLAB_DB's store (else ./trendlab.duckdb), not that one."""
    location = new_team_store(pg_server)
    _version_1_store(location, tmp_path, monkeypatch)
    con = lake.connect(
        location, read_only=False, create=False, data_path=str(tmp_path), lock_timeout=5
    )
    # As an old one left it, which had no CREATING row. (Not a store migrated in full
    # with its later rows deleted: that one is told which rows to insert again.)
    con.execute("DELETE FROM schema_migrations WHERE version = 0")
    lake.disconnect(con)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRENDLAB_DB", raising=False)
    named = f"run `trendlab --db '{location}' migrate` to upgrade it"
    _one_line_error(make_runner(location)("log"), named)
    _one_line_error(make_runner(location)("copy", location, "backup.duckdb"), named)
    monkeypatch.setenv("TRENDLAB_DB", location)
    _one_line_error(make_runner(location)("log"), "run `trendlab migrate` to upgrade it")


def test_a_team_store_whose_creation_stopped_part_way_says_so_until_it_is_completed(
    pg_server: PgServer, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`init` or `copy` makes a new team store's DuckLake catalog by attaching it, then
    commits each migration on its own. Stopped in between (killed), it left a store
    that reads called not a trendlab database, or one to `migrate`, and that a write
    quietly completed and wrote to, so that the copy it was made for then refused it.
    Every command now says what it is, and running the init or copy again completes it,
    even a copy of an empty store, which adds nothing (it rolled the schema back)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRENDLAB_DB", raising=False)
    apply = Store._apply
    empty = tmp_path / "empty.duckdb"
    assert make_runner(empty)("init", "--empty").exit_code == 0
    for i, (applied, complete, source) in enumerate(
        ((0, ["init"], db), (2, ["copy", str(db)], db), (2, ["copy", str(empty)], empty))
    ):
        location = new_team_store(pg_server)
        # What init (or copy) had done when it stopped: the catalog, and some migrations.
        data = tmp_path / f"data-{i}"
        data.mkdir()
        con = lake.connect(
            location, read_only=False, create=True, data_path=str(data), lock_timeout=5
        )

        def killed(store: Store, m: Migration, applied: int = applied) -> bool:
            if m.version > applied:
                raise KeyboardInterrupt
            return apply(store, m)

        with monkeypatch.context() as stopped, pytest.raises(KeyboardInterrupt):
            stopped.setattr(Store, "_apply", killed)
            Store(con, location, read_only=False, is_lake=True, in_postgres=True).migrate()
        lake.disconnect(con)
        part_made = (
            f"{location} is not set up completely (an `init` or `copy` creating it stopped "
            f"part way, or is running now): run it again to complete it, `trendlab --db "
            f"'{location}' init` (with --empty for a store to copy into) or the copy"
        )
        run = make_runner(location)
        # migrate too, before it applies a migration: it completed the schema of a store
        # it then called not set up completely.
        for args in (["log"], ["list", "models"], ["add-model", "x-1", "-m", "t"], ["migrate"]):
            result = run(*args)
            assert (result.exit_code, result.stdout) == (1, ""), args
            assert result.stderr == f"trendlab: error: {part_made}\n", args
        from_it = make_runner(db)("copy", location, str(tmp_path / "out.duckdb"))
        _one_line_error(from_it, f"SRC {location} is not set up completely (an `init`")
        assert not (tmp_path / "out.duckdb").exists()
        completed = (
            make_runner(source)(*complete, location) if complete[0] == "copy" else run(*complete)
        )
        assert completed.exit_code == 0, completed.stderr
        models = run("list", "models", "--csv")
        assert models.exit_code == 0, models.stderr
        assert models.stdout == make_runner(source)("list", "models", "--csv").stdout


def _killed_in(module: str, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """trendlab run with `args`, killed (as by kill -9) as `module`'s `name` (load_seeds
    of trendlab.seeds, Store.finish_creating of trendlab.db) is called."""
    code = textwrap.dedent(f"""
        import os, {module}
        from trendlab.cli import cli

        def killed(*args, **kwargs):
            os._exit(9)

        {module}.{name} = killed
        cli({list(args)!r})
    """)
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _assert_seeded_alike(location: str, fresh: str) -> None:
    """Both stores hold the seeds and their forecast cache, each entry of it for the
    seeds' changeset (whose id is new in each store)."""
    a, b = _seeded(location), _seeded(fresh)
    assert all(x.equals(y) for x, y in zip(a, b, strict=True)), location
    assert a[2]["seeded"].all() and not a[2].is_empty()


def _seeded(location: str) -> tuple[pl.DataFrame, ...]:
    """A store's current models and results, and its forecast cache, each entry's
    version given as whether it is the seeds' changeset."""
    store = Store.open(location)
    try:
        models = store.frame("SELECT * FROM models ORDER BY ALL")
        results = store.frame("SELECT * FROM results ORDER BY ALL")
        cache = store.frame(
            "SELECT kind, benchmark, spec, payload, split_part(version, '+', 1) = "
            "(SELECT min(id) FROM changesets) AS seeded FROM forecast_cache ORDER BY ALL"
        )
    finally:
        store.close()
    return models, results, cache


def _refused_as_part_made(location: str) -> None:
    """Every command on a store left part made says so, and writes nothing."""
    run = make_runner(location)
    # migrate too: it completes the schema, not the data (it said "schema version 5").
    for args in (
        ["log"],
        ["check"],
        ["list", "models"],
        ["add-model", "x-1", "-m", "t"],
        ["migrate"],
    ):
        _one_line_error(run(*args), f"{location} is not set up completely (an `init` or `copy`")


def test_a_new_local_lake_whose_init_or_copy_was_killed_before_its_data_is_part_made(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The CREATING row went with the last migration: an `init` killed before its seeds'
    commit, or a `copy` before its changesets', left a valid, empty store, which `log`
    and `check` passed. It goes with the data now, and running the command again
    completes the store as if it had never stopped: `init` loads the seeds and their
    forecast cache, `copy` everything; `init --empty` makes a store without data."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRENDLAB_DB", raising=False)
    fresh = "ducklake:fresh.ducklake"
    assert make_runner(fresh)("init").exit_code == 0
    location = "ducklake:seeded.ducklake"
    assert _killed_in("trendlab.seeds", "load_seeds", "--db", location, "init").returncode == 9
    _refused_as_part_made(location)
    again = make_runner(location)("init")
    assert again.exit_code == 0 and "models: " in again.stderr, again.stderr
    _assert_seeded_alike(location, fresh)
    assert make_runner(location)("check").exit_code == 0

    copied = "ducklake:copied.ducklake"
    killed = _killed_in("trendlab.transfer", "_copy_once", "copy", str(db), copied)
    assert killed.returncode == 9
    _refused_as_part_made(copied)
    again = make_runner(db)("copy", str(db), copied)
    assert again.exit_code == 0 and "copied 1 changeset" in again.stderr, again.stderr
    _assert_same_tables(db, copied)

    empty = "ducklake:empty.ducklake"
    killed = _killed_in("trendlab.db", "Store.finish_creating", "--db", empty, "init", "--empty")
    assert killed.returncode == 9
    _refused_as_part_made(empty)
    assert make_runner(empty)("init", "--empty").exit_code == 0
    assert make_runner(empty)("log").stderr == "no changesets\n"


def test_a_new_team_store_whose_init_was_killed_before_its_seeds_is_part_made(
    pg_server: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """As of a local lake: an `init` of a new team store killed after its schema
    committed, before its seeds did, left a valid, empty store; now every command says
    it is not set up completely, and `init` again loads the seeds and their cache, the
    same command included: its data path holds the store's own folders, not another's."""
    monkeypatch.delenv("TRENDLAB_DB", raising=False)
    fresh = f"ducklake:{tmp_path / 'fresh.ducklake'}"
    assert make_runner(fresh)("init").exit_code == 0
    location = new_team_store(pg_server)
    data = ("--data-path", str(tmp_path / "data"))
    killed = _killed_in("trendlab.seeds", "load_seeds", "--db", location, *data, "init")
    assert killed.returncode == 9, killed.stderr
    _refused_as_part_made(location)
    assert any((tmp_path / "data").iterdir())
    again = make_runner(location)(*data, "init")
    assert again.exit_code == 0 and "models: " in again.stderr, again.stderr
    _assert_seeded_alike(location, fresh)


def test_an_old_team_store_with_no_changesets_is_told_to_migrate(
    pg_server: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A team store that an older trendlab's `init --empty` made whole, with no
    changesets yet, read as one whose creation had stopped part way: every command
    said to run again an init or copy that nobody had interrupted, and refused to
    write. It is an old store: a read asks for `trendlab migrate`, as of one with
    history, a write upgrades it first, and then it reads as any current store."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRENDLAB_DB", raising=False)
    location = new_team_store(pg_server)
    run = make_runner(location)
    shipped = db_module.migrations()
    with monkeypatch.context() as older:
        older.setattr(db_module, "migrations", lambda: shipped[:3])
        made = run("--data-path", str(tmp_path / "data"), "init", "--empty")
        assert made.exit_code == 0, made.stderr
    _one_line_error(
        run("log"),
        f"{location} has schema version 3, this trendlab needs {latest_version()}: "
        f"run `trendlab --db '{location}' migrate` to upgrade it",
    )
    added = run("add-model", "x-1", "-m", "t")
    assert added.exit_code == 0, added.stderr
    assert run("list", "models", "--csv").stdout.splitlines()[1].startswith("x-1,")


def test_a_lake_holding_tables_of_its_own_is_refused_as_a_file_is(
    pg_server: PgServer, db: Path, tmp_path: Path
):
    """A DuckDB file with other tables is refused by every command; a DuckLake with
    other tables (someone else's lake) had trendlab's schema written into it by the
    first write, `add-model` or `init` or `copy` into it, exit 0."""
    pg_server.create_database("foreign_lake")
    local = tmp_path / "foreign.ducklake"
    for location in (pg_server.lake("foreign_lake"), f"ducklake:{local}"):
        files = str(tmp_path / "files") if "postgres" in location else None
        con = lake.connect(location, read_only=False, create=True, data_path=files, lock_timeout=5)
        con.execute("CREATE TABLE sales AS SELECT 1 AS x")
        lake.disconnect(con)
        run = make_runner(location)
        for args in (["add-model", "x-1", "-m", "t"], ["init"], ["list", "models"]):
            _one_line_error(
                run(*args), "is not a trendlab database: it holds other tables (sales)",
                "give --db a new store",
            )  # fmt: skip
        _one_line_error(run("copy", str(db), location), "DST", "other tables (sales)")
        con = lake.connect(location, read_only=True, create=False, data_path=None, lock_timeout=5)
        tables = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [lake.ALIAS]
        )
        assert tables.fetchall() == [("sales",)]
        lake.disconnect(con)


def test_a_local_lake_made_with_a_data_path_of_its_own_takes_init_and_copy_again(
    db: Path, tmp_path: Path
):
    """A local lake made by `copy --data-path DIR` refused a second `copy` (keeping a
    backup up to date) and `init` with DuckLake's raw 'DATA_PATH parameter ... does not
    match existing data path in the catalog'."""
    location = f"ducklake:{tmp_path / 'backup.ducklake'}"
    run = make_runner(db)
    assert run("copy", str(db), location, "--data-path", str(tmp_path / "files")).exit_code == 0
    assert run("add-model", "later-1", "-m", "t").exit_code == 0
    again = run("copy", str(db), location)
    assert again.exit_code == 0, again.stderr
    assert "copied 1 changeset" in again.stderr
    init = make_runner(location)("init")
    assert init.exit_code == 0 and "up to date" in init.stderr, init.stderr
    assert not (tmp_path / "backup.ducklake.files").exists()


def test_a_team_store_without_its_ducklake_prefix_is_a_usage_error(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`--db postgres:CONNINFO` (ducklake: left out) made DuckDB try to download its
    postgres extension (`init`: "Failed to download extension postgres_scanner"), and
    `log` said "no database at ...: run `trendlab init`"."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    conninfo = "postgres:dbname=trendlab host=db.lab password=s3cret"
    shown = conninfo.replace("s3cret", "***")
    for args in (["init"], ["log"], ["add-model", "x-1", "-m", "t"]):
        result = make_runner(conninfo)(*args)
        _one_line_error(
            result, f"cannot open {shown}: DuckDB reads 'postgres:' as a kind of database",
            "a team store is ducklake:postgres:CONNINFO", f"./{shown}", code=2,
        )  # fmt: skip
        assert "s3cret" not in result.stderr
    _one_line_error(make_runner(db)("copy", str(db), "sqlite:x.db"), "cannot open DST sqlite:x.db",
                    code=2)  # fmt: skip
    assert list(work.iterdir()) == []
    # With no prefix at all, a CONNINFO made a DuckDB file of that name.
    _one_line_error(
        make_runner("dbname=trendlab host=db.lab password=s3cret")("init"),
        "cannot open dbname=trendlab host=db.lab password=***: that is a PostgreSQL CONNINFO",
        code=2,
    )
    assert list(work.iterdir()) == []
    # A file of that name, as the error says, is a path.
    assert make_runner("./md:x")("init", "--empty").exit_code == 0
    assert (work / "md:x").is_file()


def test_an_output_among_a_postgres_team_stores_data_files_is_refused(
    pg_server: PgServer, tmp_path: Path
):
    """A local lake refused -o into its data files; a PostgreSQL team store, whose data
    path only its catalog names, let `export -o` write over a data file, and every
    member's next read failed ("Parquet footer length ... is not equal")."""
    location = new_team_store(pg_server)
    share = tmp_path / "share"
    run = make_runner(location)
    assert run("--data-path", str(share), "init").exit_code == 0
    data_file = next(share.rglob("*.parquet"))
    before = data_file.read_bytes()
    for args in (
        ["export", "models", "-o", str(data_file), "--format", "parquet"],
        ["query", "SELECT 1 AS x", "-o", str(share / "x.csv")],
        ["plot", "math", "-o", str(share / "main" / "math.png")],
    ):
        _one_line_error(run(*args), "is where the database", "would destroy them", code=2)
    assert data_file.read_bytes() == before
    assert not (share / "x.csv").exists() and not (share / "main" / "math.png").exists()
    assert run("list", "results", "--limit", "1").exit_code == 0
    assert run("export", "models", "-o", str(tmp_path / "models.csv")).exit_code == 0


def test_an_output_among_a_local_lakes_own_data_path_is_refused(tmp_path: Path):
    """A local lake made with --data-path DIR keeps its files there, not beside its
    catalog, and later commands need no --data-path: `export -o` into DIR wrote over a
    data file, and the next read failed ("Parquet footer length ... is not equal")."""
    share = tmp_path / "share"
    run = make_runner(f"ducklake:{tmp_path / 'team.ducklake'}")
    assert run("--data-path", str(share), "init").exit_code == 0
    assert run("add-result", "gpt-4", "mmlu", "50", "--setting", "x", "-m", "m").exit_code == 0
    data_file = next(share.rglob("*.parquet"))
    before = data_file.read_bytes()
    for args in (
        ["export", "models", "-o", str(data_file), "--format", "parquet"],
        ["query", "SELECT 1 AS x", "-o", str(share / "x.csv")],
    ):
        _one_line_error(run(*args), "is where the database", "would destroy them", code=2)
    assert data_file.read_bytes() == before and not (share / "x.csv").exists()
    assert run("list", "results", "--benchmark", "mmlu", "--limit", "1").exit_code == 0


def test_copy_names_the_source_data_path_as_given(tmp_path: Path):
    """A --source-data-path copy refused was named --data-path, an option it was not
    given (whose hint, TRENDLAB_DATA_PATH, could not help either)."""
    location = f"ducklake:{tmp_path / 'team.ducklake'}"
    assert make_runner(location)("init").exit_code == 0
    run = make_runner(tmp_path / "other.duckdb")
    dst = str(tmp_path / "copy.duckdb")
    nowhere = tmp_path / "nowhere"
    result = run("copy", location, dst, "--source-data-path", str(nowhere))
    assert (result.exit_code, result.stderr) == (
        2,
        f"trendlab: error: --source-data-path {nowhere}: no such directory "
        "(see 'cli copy --help')\n",
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run("copy", location, dst, "--source-data-path", str(elsewhere))
    _one_line_error(
        result, f"--source-data-path {elsewhere} does not hold", "leave --source-data-path out"
    )
    assert "TRENDLAB_DATA_PATH" not in result.stderr
    assert not Path(dst).exists()


def test_a_team_store_uses_the_latest_blended_price(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A team store keeps no macros: each connection defines every migration's, in
    order, so version 5's blended_price (which refuses weights 0:0 and needs no price
    weighed zero) replaces version 4's, on a store migrated from 4 as on a new one."""
    import trendlab.db

    shipped = trendlab.db.migrations()
    monkeypatch.setattr(trendlab.db, "migrations", lambda: shipped[:4])
    run = make_runner(f"ducklake:{tmp_path / 'team.ducklake'}")
    assert run("init", "--empty").exit_code == 0
    monkeypatch.setattr(trendlab.db, "migrations", lambda: shipped)
    migrated = run("migrate")
    assert migrated.exit_code == 0, migrated.output
    assert "applied migration 005_blended_price_weights" in migrated.stderr
    weighed = run("query", "SELECT blended_price(1.0, NULL, w_in := 1, w_out := 0) AS b", "--json")
    assert json.loads(weighed.stdout) == [{"b": 1.0}], weighed.output
    refused = run("query", "SELECT blended_price(1.0, 2.0, w_in := 0, w_out := 0)")
    _one_line_error(refused, "blended_price: cannot blend at weights w_in := 0, w_out := 0")


def _refused_however_called(run: Run, call: str, message: str) -> None:
    """A query calling a server's function is refused as written, reached through
    query(), which names it only in a string, and under EXPLAIN ANALYZE, which runs it."""
    for sql in (
        call,
        "SELECT * FROM query('{}')".format(call.replace("'", "''")),
        f"EXPLAIN ANALYZE {call}",
    ):
        _one_line_error(run("query", sql), message)


def test_query_cannot_write_the_catalog_through_postgres_execute(team_db: str, pg_server: PgServer):
    """postgres_execute runs any SQL on the catalog's database: a COMMIT of its own
    ended the read-only transaction, and `query` created (or dropped) a catalog table."""
    catalog = team_db.split("dbname=")[1].split()[0]
    run = make_runner(team_db)
    write = (
        "SELECT * FROM postgres_execute('__ducklake_metadata_trendlab', "
        "'COMMIT; CREATE TABLE leaked (x INT)')"
    )
    _refused_however_called(run, write, "query only reads: postgres_execute writes")
    assert pg_server.sql(catalog, "SELECT to_regclass('leaked') IS NULL") == "t"


def test_query_cannot_attach_a_server_through_postgres_attach(team_db: str, pg_server: PgServer):
    """postgres_attach creates a view of every table of the database it names, on any
    server: `query` ran it, where postgres_execute and postgres_query are refused."""
    pg_server.create_database("attached_elsewhere")
    attach = f"SELECT * FROM postgres_attach('{pg_server.conninfo('attached_elsewhere')}')"
    run = make_runner(team_db)
    _refused_however_called(run, attach, "query only reads: postgres_attach writes and is refused")


def test_query_cannot_run_server_functions_through_postgres_query(team_db: str):
    """postgres_query runs its SQL on the catalog's server in a read-only transaction,
    but a server function it calls still acts: it ended other members' sessions."""
    run = make_runner(team_db)
    # No session has pid 0: were it run, it would end none.
    terminate = (
        "SELECT * FROM postgres_query('__ducklake_metadata_trendlab', "
        "'SELECT pg_terminate_backend(0) AS ended')"
    )
    _refused_however_called(
        run,
        terminate,
        "query only reads: postgres_query runs SQL on the catalog's server, where it can "
        "do more than read, and is refused",
    )


def test_query_cannot_delete_a_lakes_files(tmp_path: Path):
    """A lake attached read-only still let DuckLake's clean-ups delete its data files:
    a file another member's write had not committed yet, or one scheduled for deletion,
    before the catalog refused the rest."""
    run = make_runner(f"ducklake:{tmp_path / 'team.ducklake'}")
    assert run("init", "--empty").exit_code == 0
    stray = tmp_path / "team.ducklake.files" / "main" / "results" / "uncommitted.parquet"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"not yet committed")
    for call in (
        "ducklake_delete_orphaned_files('trendlab', cleanup_all => true)",
        "ducklake_cleanup_old_files('trendlab', cleanup_all => true)",
    ):
        name = call.split("(")[0]
        _one_line_error(run("query", f"SELECT * FROM {call}"), f"query only reads: {name}")
    # Nor through query() given an expression: the plan checked was one random() chose,
    # and the statement run, bound again, could choose the other.
    chosen = (
        "SELECT * FROM query(CASE WHEN random() < 2 THEN 'SELECT 1 AS path' ELSE "
        "'SELECT * FROM ducklake_cleanup_old_files(''trendlab'', cleanup_all => true)' END)"
    )
    _one_line_error(
        run("query", chosen),
        "query only reads what it checks: query() takes a string literal or a parameter",
    )
    assert stray.exists()
    # Those that only read still run.
    read = run("query", "SELECT count(*) AS n FROM ducklake_snapshots('trendlab')", "--json")
    assert read.exit_code == 0 and json.loads(read.stdout)[0]["n"] > 0, read.output


def test_query_as_of_refuses_a_table_named_with_a_lakes_catalog(tmp_path: Path):
    """A team store's catalog is trendlab: trendlab.changesets read the present under
    --as-of, as a DuckDB store's S.changesets did."""
    run = make_runner(f"ducklake:{tmp_path / 'team.ducklake'}")
    assert run("init", "--empty").exit_code == 0
    result = run("query", "SELECT count(*) FROM Trendlab.main.changesets", "--as-of", "1999")
    _one_line_error(
        result,
        "query --as-of reads the past under the tables' own names: Trendlab.main.changesets "
        "names the stored table, as it is now; write changesets",
    )


def test_query_as_of_refuses_a_table_read_at_a_ducklake_snapshot(tmp_path: Path):
    """DuckLake's AT (...) read a team store's table, or a view on them, at its own
    snapshot, past --as-of: `results AT (TIMESTAMP => now())` gave today's results
    under --as-of 1999, with no word."""
    run = make_runner(f"ducklake:{tmp_path / 'team.ducklake'}")
    assert run("init", "--empty").exit_code == 0
    assert run("add-benchmark", "b", "--unit", "percent").exit_code == 0
    for name in ("benchmarks", "benchmark_revisions", "changesets"):
        sql = f"SELECT count(*) FROM {name} AT (TIMESTAMP => now())"
        assert run("query", sql).exit_code == 0
        _one_line_error(
            run("query", sql, "--as-of", "1999"),
            f"query --as-of reads the past under the tables' own names: {name} AT (...) reads "
            "a DuckLake snapshot of it instead; leave out AT (...) or --as-of",
        )


def test_data_path_of_a_machine_that_mounts_the_storage_elsewhere(
    pg_server: PgServer, tmp_path: Path
):
    pg_server.create_database("mounted")
    location = pg_server.lake("mounted")
    run = make_runner(location)
    assert run("--data-path", str(tmp_path / "here"), "init").exit_code == 0
    # Another machine sees the same files at another path.
    (tmp_path / "here").rename(tmp_path / "there")
    elsewhere = run("--data-path", str(tmp_path / "there"), "list", "results", "--csv")
    assert elsewhere.exit_code == 0, elsewhere.stderr
    into = run(
        "--data-path",
        str(tmp_path / "there"),
        "list",
        "models",
        "-o",
        str(tmp_path / "there" / "m.csv"),
    )
    assert into.exit_code == 2 and "is where the database" in into.stderr
    seeded_results = len((ROOT / "seeds" / "results.csv").read_text().splitlines()) - 1
    assert len(elsewhere.stdout.splitlines()) == 1 + seeded_results
    _one_line_error(
        run("--data-path", str(tmp_path / "nowhere"), "list", "models"),
        "--data-path",
        "no such directory",
        code=2,
    )


def test_a_writer_on_a_machine_without_the_shared_storage_writes_nothing(
    pg_server: PgServer, tmp_path: Path
):
    """A member whose machine did not mount the share (its data path missing there)
    imported 1,500 models with exit 0: DuckLake made the folder locally and wrote the
    Parquet file there, and every other member's `list models` then failed with
    'Cannot open file ...'."""
    location = new_team_store(pg_server)
    share = tmp_path / "share"
    run = make_runner(location)
    assert run("--data-path", str(share), "init").exit_code == 0
    rows = [f"off-{i},Off {i},Off Lab,2024-01-01" for i in range(1500)]
    models = tmp_path / "models.csv"
    models.write_text("slug,name,organization,release_date\n" + "\n".join(rows) + "\n")
    share.rename(tmp_path / "unmounted")
    for args in (["import", str(models)], ["add-model", "off-x", "-m", "t"]):
        _one_line_error(
            run(*args), f"keeps its data files in {share}/, which this machine does not have"
        )
    assert not share.exists()
    (tmp_path / "unmounted").rename(share)
    assert run("list", "models", "--csv").stdout.count("\noff-") == 0
    assert run("import", str(models)).exit_code == 0


def _lake_of_models_in_data_files(tmp_path: Path, share: Path) -> Run:
    """A local lake with its data path at `share`, holding 1,500 models: enough that
    they are written to a data file, not inlined in the catalog."""
    run = make_runner(f"ducklake:{tmp_path / 'team.ducklake'}")
    assert run("--data-path", str(share), "init", "--empty").exit_code == 0
    rows = [f"off-{i},Off {i},2024-01-01" for i in range(1500)]
    models = tmp_path / "models.csv"
    models.write_text("slug,name,release_date\n" + "\n".join(rows) + "\n")
    assert run("import", str(models)).exit_code == 0
    return run


def test_a_local_lake_moved_or_copied_with_its_folder_keeps_its_data_files_beside_it(
    tmp_path: Path,
):
    """A local lake's catalog keeps the absolute path of FILE.ducklake.files it was made
    with. Moved with its folder, every write was refused ('keeps its data files in ...,
    which this machine does not have: mount the shared storage there') and every read
    of a data file failed; copied, a big write went to the original's folder, where the
    original's cleanup deletes it. Now it reads and writes the folder beside it."""

    def models(prefix: str) -> Path:
        rows = [f"{prefix}-{i},{prefix} {i},2024-01-01" for i in range(1500)]
        path = tmp_path / f"{prefix}.csv"
        path.write_text("slug,name,release_date\n" + "\n".join(rows) + "\n")
        return path

    def data_files(folder: Path) -> set[Path]:
        return {p.relative_to(folder) for p in folder.rglob("ducklake-*.parquet")}

    made = tmp_path / "made"
    made.mkdir()
    run = make_runner(f"ducklake:{made / 'team.ducklake'}")
    assert run("init", "--empty").exit_code == 0
    assert run("import", str(models("off")), "--kind", "models").exit_code == 0
    made_files = data_files(made)
    assert len(made_files) == 1

    copied = tmp_path / "copied"
    shutil.copytree(made, copied)
    run_copy = make_runner(f"ducklake:{copied / 'team.ducklake'}")
    assert run_copy("import", str(models("cp")), "--kind", "models").exit_code == 0
    assert data_files(made) == made_files
    assert len(data_files(copied)) == 2
    assert run_copy("list", "models", "--csv").stdout.count("\ncp-") == 1500
    assert run("list", "models", "--csv").stdout.count("\ncp-") == 0

    moved = tmp_path / "moved"
    made.rename(moved)
    run_moved = make_runner(f"ducklake:{moved / 'team.ducklake'}")
    assert run_moved("list", "models", "--csv").stdout.count("\noff-") == 1500
    assert run_moved("add-model", "small-1").exit_code == 0
    assert run_moved("import", str(models("mv")), "--kind", "models").exit_code == 0
    assert len(data_files(moved)) == 2
    assert not made.exists()
    assert run_moved("check").exit_code == 0

    # Renamed with its folder: the folder beside it under the new name is its own.
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    (moved / "team.ducklake").rename(renamed / "new.ducklake")
    (moved / "team.ducklake.files").rename(renamed / "new.ducklake.files")
    run_renamed = make_runner(f"ducklake:{renamed / 'new.ducklake'}")
    assert run_renamed("list", "models", "--csv").stdout.count("\nmv-") == 1500
    assert run_renamed("import", str(models("rn")), "--kind", "models").exit_code == 0
    assert len(data_files(renamed)) == 3
    assert run_renamed("check").exit_code == 0


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux's /sys")
def test_a_big_write_to_a_data_path_that_cannot_be_written_says_so(tmp_path: Path):
    """A write of more than the catalog inlines, on a machine where the data path may
    not be written (a read-only mount; here a table's folder in /sys, where not even
    root may make a file), failed with DuckDB's 'database error: IO Error: Cannot open
    file ...'. It now says the data path cannot be written, and that nothing was."""
    share = tmp_path / "share"
    location = f"ducklake:{tmp_path / 'team.ducklake'}"
    run = make_runner(location)
    assert run("--data-path", str(share), "init", "--empty").exit_code == 0
    rows = [f"off-{i},Off {i},2024-01-01" for i in range(1500)]
    models = tmp_path / "models.csv"
    models.write_text("slug,name,release_date\n" + "\n".join(rows) + "\n")
    folder = share / "main" / "model_revisions"
    shutil.rmtree(folder, ignore_errors=True)
    folder.symlink_to("/sys")
    _one_line_error(
        run("import", str(models)),
        f"cannot write to the data path of team store {location}: {folder}: ",
        "; nothing was written",
    )
    # A table's folder not there yet is made by the write: DuckDB's 'Failed to create
    # directory' said so.
    (share / "main").rename(tmp_path / "main")
    (share / "main").symlink_to("/sys")
    _one_line_error(
        run("import", str(models)),
        f"cannot write to the data path of team store {location}: {share / 'main'}/",
        "; nothing was written",
    )
    (share / "main").unlink()
    (tmp_path / "main").rename(share / "main")
    assert "no changesets" in run("log").stderr
    assert run("add-model", "small-1", "-m", "inlined in the catalog").exit_code == 0
    folder.unlink()
    assert run("import", str(models)).exit_code == 0


def test_the_readme_cleanup_of_a_stopped_writes_file_removes_it_alone(tmp_path: Path):
    """A big write killed part way left its Parquet file, which no catalog entry names,
    in the data path. The README's DuckLake call, run as written, removes such a file
    once it is a day old, and neither a running write's file nor one the store's
    records are in."""
    share = tmp_path / "share"
    run = _lake_of_models_in_data_files(tmp_path, share)
    kept = set(share.rglob("*.parquet"))
    assert kept
    left = (
        share / "main" / "model_revisions" / "ducklake-01a24d95-0000-7000-8000-000000000000.parquet"
    )
    left.touch()  # as a kill -9 early in the write leaves it
    two_days_ago = time.time() - 2 * 86400
    os.utime(left, (two_days_ago, two_days_ago))
    # As a write still running has it: no catalog entry names it yet either.
    running = left.with_name("ducklake-01a24d95-0000-7000-8000-000000000001.parquet")
    running.touch()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"`(CALL ducklake_delete_orphaned_files\('t',.*?\);)`", readme, re.DOTALL)
    assert found, "the README's cleanup call"
    con = duckdb.connect(config={"allow_unsigned_extensions": True})
    try:
        con.execute(f"LOAD '{lake.extension_file('ducklake')}'")
        con.execute(f"ATTACH 'ducklake:{tmp_path / 'team.ducklake'}' AS t")
        removed = con.execute(" ".join(found[1].split())).fetchall()
    finally:
        con.close()
    assert removed == [(str(left),)]
    assert set(share.rglob("*.parquet")) == kept | {running}
    assert run("list", "models", "--csv").stdout.count("\noff-") == 1500


def test_a_reader_on_a_machine_without_the_shared_storage_is_told_so(tmp_path: Path):
    """A reader is not refused up front, as a writer is (small tables live in the
    catalog), but the first data file it needs failed with DuckDB's own 'IO Error:
    Cannot open file ...'. It now says which folder this machine lacks, and what to do."""
    share = tmp_path / "share"
    run = _lake_of_models_in_data_files(tmp_path, share)
    share.rename(tmp_path / "unmounted")
    told = f"is in {share}, which this machine does not have: mount the shared storage there"
    _one_line_error(run("list", "models"), told)
    # query said DuckDB's 'query failed: IO Error: Cannot open file ...' instead
    _one_line_error(run("query", "SELECT count(*) FROM models"), told)
    _one_line_error(run("query", "SELECT slug FROM models", "--csv"), told)
    (tmp_path / "unmounted").rename(share)
    assert run("list", "models", "--csv").stdout.count("\noff-") == 1500


def test_a_data_file_deleted_from_the_shared_storage_is_named(tmp_path: Path):
    """A data file gone from a folder this machine has (deleted, moved around trendlab)
    was DuckDB's 'database error: IO Error: Cannot open file ...: No such file or
    directory (run with --debug for details)': now one line naming the file and the
    way out."""
    share = tmp_path / "share"
    run = _lake_of_models_in_data_files(tmp_path, share)
    [data_file] = (share / "main" / "model_revisions").glob("ducklake-*.parquet")
    data_file.unlink()
    told = (
        f"trendlab: error: the store's data file {data_file} is missing (deleted or moved "
        "around trendlab): the records in it cannot be read until it is restored, from a "
        "backup of the data path\n"
    )
    for args in (["list", "models"], ["query", "SELECT count(*) FROM models"], ["check"]):
        result = run(*args)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", told), args


def test_a_damaged_data_file_on_the_shared_storage_is_named(tmp_path: Path):
    """A data file cut short or overwritten around trendlab (a copy to the share that
    stopped part way, an editor's save) was DuckDB's 'database error: Invalid Input
    Error: No magic bytes found at end of file ...', which said nothing of the store nor
    what to do: now one line naming the file as damaged, and the way out."""
    share = tmp_path / "share"
    run = _lake_of_models_in_data_files(tmp_path, share)
    [data_file] = (share / "main" / "model_revisions").glob("ducklake-*.parquet")
    whole = data_file.read_bytes()
    told = (
        f"data file {data_file} is damaged (cut short or overwritten around trendlab: it "
        "is not the Parquet file DuckLake wrote): the records in it cannot be read until it "
        "is restored, from a backup of the data path\n"
    )
    other = tmp_path / "other.parquet"
    pl.DataFrame({"slug": ["x"]}).write_parquet(other)
    for damaged in (whole[: len(whole) // 2], b"", b"not parquet", other.read_bytes()):
        data_file.write_bytes(damaged)
        for args in (["list", "models"], ["query", "SELECT slug FROM models"], ["check"]):
            result = run(*args)
            expected = (1, "", f"trendlab: error: the store's {told}")
            assert (result.exit_code, result.stdout, result.stderr) == expected, args
        copied = tmp_path / "copy.duckdb"
        result = run("copy", f"ducklake:{tmp_path / 'team.ducklake'}", str(copied))
        assert result.stderr.endswith(f": its {told}"), result.stderr
        assert result.exit_code == 1 and not copied.exists()
    data_file.write_bytes(whole)
    assert run("list", "models", "--csv").stdout.count("\noff-") == 1500


@pytest.mark.parametrize(
    ("damage", "error", "how"),
    [
        (
            lambda f: f.write_bytes(f.read_bytes()[:500]),
            "Invalid Input Error",
            "cut short or overwritten",
        ),
        (Path.unlink, "IO Error", "deleted or moved"),
    ],
    ids=["cut-short", "deleted"],
)
def test_a_damaged_or_deleted_forecast_cache_data_file_is_a_miss_said_once(
    team_db: str, damage: Callable[[Path], object], error: str, how: str
):
    """As a DuckDB file's damaged cache block is: a team store's cache data file cut
    short ("the store's data file ... is damaged") or deleted ("... is missing") failed
    every forecast, though losing the cache costs only time, and check, which never read
    the cache, said "ok" (of one deleted, stopped with that error)."""
    store = Store.open(team_db, read_only=False)
    try:
        # Over DuckLake's inlining limit, so the cache's rows go to a data file, each
        # one the forecast below looks up.
        with store.transaction():
            store.execute("INSERT INTO forecast_cache SELECT c.* FROM forecast_cache c, range(8)")
        [(data_file,)] = store.execute(
            f"SELECT data_file FROM ducklake_list_files('{lake.ALIAS}', 'forecast_cache')"
        ).fetchall()
    finally:
        store.close()
    damage(Path(data_file))
    run = make_runner(team_db)
    result = run("forecast", "mmlu")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("MMLU (mmlu): ")
    (told,) = [line for line in result.stderr.splitlines() if "cache" in line]
    assert told.startswith(f"note: the forecast cache is damaged ({error}: ")
    assert data_file in told
    assert told.endswith(
        "): forecasts and backtests are computed afresh, and not cached, until it is mended; "
        f"`{db_module.command_on(team_db, 'check')}` says how"
    )
    checked = run("check", "--json")
    assert checked.exit_code == 1, checked.stderr
    [found] = json.loads(checked.stdout)
    assert found["key"] == "forecast_cache" and data_file in found["problem"]
    assert found["problem"].endswith(
        f"its data file {how} around trendlab): forecasts and backtests "
        "compute afresh each time; it holds only what they computed: drop it, and create it "
        "again as trendlab's schema/003_forecast_cache.sql does"
    )


def test_a_copy_whose_src_lacks_its_shared_storage_points_to_source_data_path(tmp_path: Path):
    """SRC is not the --db store, so the global --data-path is not SRC's: the advice to
    give --data-path (TRENDLAB_DATA_PATH) did not help. SRC's files are found at
    --source-data-path, and the error names SRC."""
    share, lake_at = tmp_path / "share", f"ducklake:{tmp_path / 'team.ducklake'}"
    run = make_runner(lake_at)
    assert run("--data-path", str(share), "init").exit_code == 0
    share.rename(tmp_path / "unmounted")
    backup = tmp_path / "backup.duckdb"
    result = make_runner(tmp_path / "mine.duckdb")("copy", lake_at, str(backup))
    _one_line_error(
        result,
        f"trendlab: error: SRC {lake_at}: its data file ",
        f"is in {share}, which this machine does not have: mount the shared storage there, "
        "or give --source-data-path where this machine mounts it",
    )
    assert not backup.exists()
    moved = ("copy", lake_at, str(backup), "--source-data-path", str(tmp_path / "unmounted"))
    assert make_runner(tmp_path / "mine.duckdb")(*moved).exit_code == 0


def test_a_data_path_that_does_not_hold_the_stores_files_is_refused(
    pg_server: PgServer, db: Path, tmp_path: Path
):
    pg_server.create_database("overridden")
    location = pg_server.lake("overridden")
    run = make_runner(location)
    share, home = tmp_path / "share", tmp_path / "home"
    home.mkdir()
    assert run("--data-path", str(share), "init", "--empty").exit_code == 0
    # With no data files yet nothing shows that another path is the same storage.
    _one_line_error(run("--data-path", str(home), "init"), f"--data-path {home}", "none yet")
    _one_line_error(run("--data-path", str(home), "log"), "none yet")
    # The stored path, however spelled, is no override.
    assert run("--data-path", f"{share}/", "log").exit_code == 0
    rows = [f"m{i},M {i},2024-01-01" for i in range(1500)]
    big = tmp_path / "models.csv"
    big.write_text("slug,name,release_date\n" + "\n".join(rows) + "\n")
    assert run("--data-path", f"{share}/../share", "import", str(big)).exit_code == 0
    files = sorted(share.rglob("*.parquet"))
    assert files
    # A directory without the store's files is refused before anything is written.
    more = tmp_path / "later" / "models.csv"
    more.parent.mkdir()
    more.write_text(big.read_text().replace(",M ", ",Model "))
    _one_line_error(run("--data-path", str(home), "import", str(more)), "does not hold", str(share))
    _one_line_error(
        make_runner(db)("copy", str(db), location, "--data-path", str(home)), "does not hold"
    )
    assert not list(home.iterdir())
    assert sorted(share.rglob("*.parquet")) == files
    assert run("log").exit_code == 0
    # The same files mounted at another path are the store's.
    mounted = tmp_path / "mounted"
    shutil.copytree(share, mounted)
    assert run("--data-path", str(mounted), "list", "models", "--csv").stdout.count("\n") == 1501


def test_checking_a_remote_data_path_never_loads_pandas(db: Path, tmp_path: Path):
    """A data path with a scheme (s3://, file://) is checked for the store's files by
    binding the path in a DuckDB query, which imported pandas (0.4-0.7 s) where every
    other statement of trendlab's hides it."""
    location = f"ducklake:{tmp_path / 'lake.ducklake'}"
    assert make_runner(db)("copy", str(db), location).exit_code == 0
    files = tmp_path / "lake.ducklake.files"
    assert list(files.rglob("*.parquet"))
    modules, out = process_imports(location, "--data-path", files.as_uri(), "log", "--csv")
    assert "load seed data" in out
    assert "pandas" not in modules


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("ducklake:sqlite:team.db", "a team store is ducklake:postgres:CONNINFO"),
        ("ducklake:postgres:", "give the catalog's PostgreSQL connection"),
        # Without its postgres:, `init` made a local lake of that file name, password and all.
        ("ducklake:dbname=x host=h password=hunter2", "a team store is ducklake:postgres:CONNINFO"),
    ],
)
def test_bad_team_locations(
    location: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Wrong whatever the store holds, as an empty --db is: a usage error (exit 1 before,
    read as a database problem), for --db and a copy's SRC or DST alike."""
    monkeypatch.chdir(tmp_path)
    for result in (
        make_runner(location)("list", "models"),
        make_runner(location)("init", "--empty"),
        make_runner(tmp_path / "x.duckdb")("copy", location, str(tmp_path / "y.duckdb")),
    ):
        _one_line_error(result, expected, code=2)
        assert "hunter2" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_role_that_may_not_read_the_catalog_is_told_why(pg_server: PgServer, team_db: str):
    """A member's PostgreSQL role without the right to read the catalog's tables got
    DuckLake's 'Failed to load existing DuckLake: Current transaction is aborted (please
    ROLLBACK)', which PostgreSQL's reason, lost on the way, now replaces."""
    role = f"no_rights_{os.getpid()}"
    pg_server.sql("postgres", f"DROP ROLE IF EXISTS {role}; CREATE ROLE {role} LOGIN")
    location = team_db.replace("user=trendlab", f"user={role}")
    _one_line_error(
        make_runner(location)("log"),
        f"cannot open {location}: its catalog's PostgreSQL says: permission denied for table "
        "ducklake_metadata",
    )


def test_unreachable_catalog_is_one_line_without_the_password(pg_server: PgServer):
    closed = f"ducklake:postgres:dbname=x host=localhost port={pg_server.port + 1} "
    result = make_runner(closed + "user=trendlab password=hunter2 connect_timeout=5")(
        "list", "models"
    )
    _one_line_error(result, "cannot reach the catalog of", "password=***")
    assert "hunter2" not in result.output
    missing = make_runner(pg_server.lake("no_such_database"))("list", "models")
    _one_line_error(missing, 'database "no_such_database" does not exist')


# A catalog server that takes the connection and never answers (hung, or a proxy whose
# database is down): libpq waits for ever by default, and DuckDB does not interrupt it,
# not even for Ctrl-C, so every command hung until killed.
def test_a_catalog_server_that_never_answers_is_given_up_on(monkeypatch: pytest.MonkeyPatch):
    import socket
    import threading

    monkeypatch.setattr(lake, "CONNECT_TIMEOUT", 2)
    monkeypatch.delenv("PGCONNECT_TIMEOUT", raising=False)
    with socket.create_server(("127.0.0.1", 0)) as server:
        taken: list[socket.socket] = []

        def take() -> None:
            # Held open unanswered, then closed, so a client that waits fails at last.
            with contextlib.suppress(OSError):
                server.settimeout(30)
                while True:
                    taken.append(server.accept()[0])

        threading.Thread(target=take, daemon=True).start()
        port = server.getsockname()[1]
        location = f"ducklake:postgres:dbname=x host=127.0.0.1 port={port} sslmode=disable"
        started = time.monotonic()
        result = make_runner(location)("log")
        waited = time.monotonic() - started
        for connection in taken:
            connection.close()
    _one_line_error(result, "cannot reach the catalog of", "timeout expired")
    assert waited < 15, waited


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("dbname=x connect_timeout=30", True),
        ("postgresql://h/db?connect_timeout=30", True),
        ("postgresql://h/db?sslmode=disable", False),
        ("dbname=x", False),
    ],
)
def test_a_connect_timeout_of_ones_own_is_kept(
    given: str, kept: bool, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("PGCONNECT_TIMEOUT", raising=False)
    catalog = lake._with_connect_timeout(f"postgres:{given}")
    assert (catalog == f"postgres:{given}") == kept, catalog
    assert f"connect_timeout={lake.CONNECT_TIMEOUT}" in catalog or kept, catalog
    monkeypatch.setenv("PGCONNECT_TIMEOUT", "30")  # libpq reads it where none is given
    assert lake._with_connect_timeout(f"postgres:{given}") == f"postgres:{given}"


@pytest.mark.parametrize("empty", ["", " "])
def test_an_empty_pgconnect_timeout_is_no_timeout_of_ones_own(
    empty: str, monkeypatch: pytest.MonkeyPatch
):
    """`PGCONNECT_TIMEOUT=` counted as set: trendlab's timeout was left out, and libpq
    refused every connection ("invalid integer value "" for ... connect_timeout")."""
    monkeypatch.setenv("PGCONNECT_TIMEOUT", empty)
    catalog = lake._with_connect_timeout("postgres:dbname=x")
    assert catalog == f"postgres:connect_timeout={lake.CONNECT_TIMEOUT} dbname=x"


def test_a_catalog_connection_lost_while_opening_the_store_is_one_line(team_db: str):
    # The server ends a session idle in a transaction for a millisecond: DuckLake's, as
    # it loads the catalog. Its text quoted a whole catalog query before libpq's reason.
    ended = team_db + " options='-c idle_in_transaction_session_timeout=1'"
    _one_line_error(
        make_runner(ended)("log"),
        f"trendlab: error: team store {ended} lost the connection to its catalog: server "
        "closed the connection unexpectedly; once the server is back, run the command again "
        f"(`trendlab --db {shlex.quote(ended)} log` says whether a write was recorded)",
    )


def test_a_catalog_connection_lost_during_a_command_is_one_line(
    team_db: str, pg_server: PgServer, monkeypatch: pytest.MonkeyPatch
):
    # The server stopped, or the session was terminated, after the store was opened: it
    # said 'database error: Failed to get data file list from DuckLake: Failed to
    # prepare COPY "COPY (SELECT ...', or 'Attempting to fetch from an unsuccessful
    # query result', naming neither the store nor what happened.
    name = team_db.split("dbname=")[1].split()[0]
    records = Store.records

    def terminated_first(self: Store, *args: object, **kwargs: object) -> pl.DataFrame:
        pg_server.sql(
            "postgres",
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
        )
        return records(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "records", terminated_first)
    _one_line_error(
        make_runner(team_db)("list", "results"),
        f"trendlab: error: team store {team_db} lost the connection to its catalog: server "
        "closed the connection unexpectedly; once the server is back, run the command again "
        f"(`trendlab --db {shlex.quote(team_db)} log` says whether a write was recorded)",
    )


# libpq reads a backslash as taking the next character: a quote in a quoted password, a
# blank in an unquoted one; each password is masked whole (part of it was shown).
@pytest.mark.parametrize("password", [r"'hunter\'2 is mine'", r"hunter\ 2"])
def test_an_escaped_password_is_masked_whole(password: str, pg_server: PgServer):
    closed = f"ducklake:postgres:dbname=x host=localhost port={pg_server.port + 1} user=trendlab"
    result = make_runner(f"{closed} password={password} connect_timeout=5")("list", "models")
    _one_line_error(
        result, f"cannot reach the catalog of {closed} password=*** connect_timeout=5: "
    )


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_a_password_in_a_uri_is_never_shown(
    scheme: str, pg_server: PgServer, seeded_team_template: str, tmp_path: Path
):
    name = f"uri_{scheme}"
    pg_server.create_database(name, seeded_team_template)
    uri = f"ducklake:postgres:{scheme}://trendlab:hunter2@localhost:{pg_server.port}"
    location, masked = f"{uri}/{name}", f"{scheme}://trendlab:***@localhost"
    assert lake.mask_password(location) == location.replace("hunter2", "***")
    spaced = f"{scheme}://trendlab:hunter 2@localhost/db"  # libpq reads up to the @
    assert lake.mask_password(spaced) == f"{scheme}://trendlab:***@localhost/db"
    run = make_runner(location)
    closed_port = location.replace(f":{pg_server.port}/", f":{pg_server.port + 1}/")
    closed = make_runner(closed_port)("list", "models")
    _one_line_error(closed, "cannot reach the catalog of", masked)
    _one_line_error(make_runner(f"{uri}/no_such_db")("list", "models"), masked)
    copied = run("copy", location, str(tmp_path / "backup.duckdb"))
    assert copied.exit_code == 0 and masked in copied.stderr, copied.stderr
    _one_line_error(run("copy", location, location), "the same store", masked, code=2)
    into = run("--data-path", str(tmp_path), "list", "models", "-o", str(tmp_path / "m.csv"))
    assert into.exit_code == 2 and masked in into.stderr, into.stderr
    report = tmp_path / "report.html"
    built = run("report", "--benchmark", "mmlu", "-o", str(report))
    assert built.exit_code == 0, built.stderr
    assert masked in report.read_text()
    for shown in (closed, copied, into, built):
        assert "hunter2" not in shown.output
    assert "hunter2" not in report.read_text()


# The password was in the connection string DuckDB attached, which duckdb_databases()
# and PRAGMA database_list show (and no masking catches upper(path)): it is kept in a
# DuckDB secret instead, shown redacted, and still reaches the server (a wrong one is
# refused), as a keyword (its quote and blank escaped, a keyword of libpq's right after
# its closing quote) or in a URI (percent-encoded, but for a ':' and a '?', which libpq
# reads as the password's up to its @; its ssl=true is libpq's sslmode=require, which a
# later sslmode overrides).
@pytest.mark.parametrize(
    "conninfo",
    [
        r"dbname={name} host=localhost port={port} user=pw_role "
        r"password='it\'s my\\pw:?x'connect_timeout=10",
        "postgresql://pw_role:it%27s%20my%5Cpw:?x@localhost:{port}/{name}?ssl=true&sslmode=disable",
        "postgresql://pw_role@localhost:{port}/{name}?password=it%27s%20my%5Cpw:?x",
    ],
)
def test_the_catalogs_password_is_in_nothing_query_can_read(
    conninfo: str, pg_server: PgServer, seeded_team_template: str
):
    pg_server.password_role("pw_role", "it's my\\pw:?x")
    name = f"pw_{os.getpid()}_{len(conninfo)}"
    pg_server.create_database(name, seeded_team_template)
    location = "ducklake:postgres:" + conninfo.format(name=name, port=pg_server.port)
    run = make_runner(location)
    for sql in (
        "SELECT database_name, path FROM duckdb_databases()",
        "PRAGMA database_list",
        "SELECT secret_string FROM duckdb_secrets()",
    ):
        result = run("query", sql, "--format", "csv")
        assert result.exit_code == 0, result.output
        assert "my" not in result.output, result.output
        assert name in result.output or "password=redacted" in result.output
    refused = make_runner(location.replace("my", "WRONG"))("list", "models")
    _one_line_error(refused, 'password authentication failed for user "pw_role"')
    assert "WRONG" not in refused.output


def _scram_verifier(password: bytes) -> str:
    """What PostgreSQL stores for a role's `password` (RFC 5802), made of its bytes as
    they are: as the server makes it for a password that is not UTF-8."""
    import base64
    import hashlib
    import hmac

    salt = b"trendlab-salt-16"
    salted = hashlib.pbkdf2_hmac("sha256", password, salt, 4096)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    b64 = [base64.b64encode(part).decode() for part in (salt, stored_key, server_key)]
    return f"SCRAM-SHA-256$4096:{b64[0]}${b64[1]}:{b64[2]}"


# libpq sends the bytes a URI's '%' gives as they are: a password that is not UTF-8
# (Latin-1's p%E4ss) was decoded with U+FFFD for its byte, put in the secret as that, and
# refused by the server (it connected before the password went to a secret).
def test_a_uri_password_of_bytes_not_utf8_still_reaches_the_server(
    pg_server: PgServer, seeded_team_template: str
):
    pg_server.password_role("latin_role", _scram_verifier(b"p\xe4ss"))
    name = f"latin_{os.getpid()}"
    pg_server.create_database(name, seeded_team_template)
    uri = f"ducklake:postgres:postgresql://latin_role:p%E4ss@localhost:{pg_server.port}/{name}"
    result = make_runner(uri)("list", "models")
    assert result.exit_code == 0, result.output
    refused = make_runner(uri.replace("%E4", "%E5"))("list", "models")
    _one_line_error(refused, 'password authentication failed for user "latin_role"')


# DuckDB loaded the user's persistent secrets (~/.duckdb/stored_secrets, made for their
# own DuckDB work) into trendlab's connection, and the postgres extension put a default
# one's password and host before the catalog's connection string: PGPASSWORD, which the
# README gives for the password, was overridden and the server refused the catalog.
def test_a_users_persistent_duckdb_secret_does_not_reach_the_catalog(
    pg_server: PgServer,
    seeded_team_template: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    pg_server.password_role("env_role", "from-env")
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    own = duckdb.connect(config={"allow_unsigned_extensions": True})
    try:
        own.execute(f"LOAD '{lake.extension_file('postgres')}'")
        own.execute("CREATE PERSISTENT SECRET (TYPE postgres, PASSWORD 'stale', USER 'nobody')")
    finally:
        own.close()
    assert list((home / ".duckdb" / "stored_secrets").iterdir())
    name = f"env_{os.getpid()}"
    pg_server.create_database(name, seeded_team_template)
    monkeypatch.setenv("PGPASSWORD", "from-env")
    location = f"ducklake:postgres:dbname={name} host=localhost port={pg_server.port} user=env_role"
    result = make_runner(location)("list", "models", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "gpt-4" in result.stdout


# One DuckDB could not read (another version's, a file whose permissions it refuses)
# failed every command on a team store: "Failed to load DuckLake table data".
def test_a_users_unreadable_persistent_duckdb_secret_is_no_matter(
    team_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    stored = tmp_path / "home" / ".duckdb" / "stored_secrets"
    stored.mkdir(parents=True)
    (stored / "theirs.duckdb_secret").write_bytes(b"not a secret DuckDB can read")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    local = make_runner(f"ducklake:{tmp_path / 'team.ducklake'}")
    for run in (make_runner(team_db), local):
        if run is local:
            assert run("init", "--empty").exit_code == 0
        result = run("add-benchmark", "b", "--unit", "percent")
        assert result.exit_code == 0, result.output
        assert run("list", "benchmarks", "--csv").stdout.count("\nb,") == 1


# A URI parameter's value ends at the next '&' (the parameters after it were lost), and
# libpq percent-decodes keywords, so pass%77ord is a password too.
@pytest.mark.parametrize(
    ("query", "masked"),
    [
        ("?password=s3cret&connect_timeout=5", "?password=***&connect_timeout=5"),
        ("?sslmode=require&pass%77ord=s3cret&x=1", "?sslmode=require&pass%77ord=***&x=1"),
        # A client key's password, which ran over the parameters after it.
        ("?sslpassword=s3cret&connect_timeout=5", "?sslpassword=***&connect_timeout=5"),
    ],
)
def test_only_the_value_of_a_uri_password_parameter_is_masked(query: str, masked: str):
    uri = "ducklake:postgres:postgresql://trendlab@localhost/db"
    assert lake.mask_password(f"{uri}{query} password=x&y") == f"{uri}{masked} password=***"


# What its user most likely meant as the password, which libpq reads otherwise: an @ or
# a / not percent-encoded (libpq reads it to the first, and the rest as the host, port
# or database, which its errors quote), a quote left open (libpq refuses it). Each was
# shown in part; a message quoting libpq's error, its pieces too.
@pytest.mark.parametrize(
    ("given", "masked", "pieces"),
    [
        (
            "postgresql://pwuser:Ab3/x+9z==@localhost:5432/t1",
            "postgresql://pwuser:***@localhost:5432/t1",
            ["Ab3", "x+9z=="],
        ),
        (
            "postgresql://pwuser:SEC@RET@localhost:5432/t1",
            "postgresql://pwuser:***@localhost:5432/t1",
            ["SEC", "RET"],
        ),
        (
            "postgresql://pwuser:SEC?RET/XYZ@localhost:5432/t1",
            "postgresql://pwuser:***@localhost:5432/t1",
            ["SEC", "RET", "XYZ"],
        ),
        (
            'postgresql://pwuser:SEC"RET/XYZ@localhost:5432/t1',
            "postgresql://pwuser:***@localhost:5432/t1",
            ['SEC"RET', "XYZ"],
        ),
        ("dbname=t host=localhost password='SEC RET", "dbname=t host=localhost password=***", []),
        (
            "postgresql://pwuser:SEC@RET@h/t\nnext line",
            "postgresql://pwuser:***@h/t\nnext line",
            ["SEC", "RET"],
        ),
    ],
)
def test_a_password_meant_otherwise_than_libpq_reads_it_is_masked_whole(
    given: str, masked: str, pieces: list[str]
):
    assert lake.mask_password(given) == masked
    echoed = [f'host name "{piece}@localhost"' for piece in pieces]
    quoted = f'Unable to connect to Postgres at "{given}": {", ".join(echoed)}'
    shown = lake.mask_password(quoted)
    for secret in ("SEC", "RET", "XYZ", "Ab3", "x+9z"):
        assert secret not in shown, shown
    # A user name that begins as a piece of the password does is kept, as is a
    # URI whose @ is in its parameters, or after the quote a message closes it with,
    # with no password.
    assert lake.mask_password("postgresql://SECu:SEC@RET@h/t") == "postgresql://SECu:***@h/t"
    for kept in (
        "postgresql://localhost:5432/t1?application_name=me@lab",
        '["postgresql://localhost:5432/t1","me@lab"]',
        'at "postgresql://localhost:5432": FATAL: role "a@b" does not exist',
    ):
        assert lake.mask_password(kept) == kept


def test_a_uri_password_is_masked_up_to_its_own_at_only():
    """Masked to the last @ of the line, a password ran over the host of its URI and
    over what followed it in a message: a second store's URI, a mail address. A piece
    of one or two characters, which tells little, was masked in the host's digits and
    a line number too."""
    two = "copy postgresql://u:pw@h1/db to postgresql://v:qq@h2/db"
    assert lake.mask_password(two) == "copy postgresql://u:***@h1/db to postgresql://v:***@h2/db"
    mail = "postgresql://u:pw@host/db: cannot open, mail ops@corp.com"
    assert lake.mask_password(mail) == "postgresql://u:***@host/db: cannot open, mail ops@corp.com"
    short = "postgresql://u:p@ss/1@127.0.0.1:5432/db line 1"
    assert lake.mask_password(short) == "postgresql://u:***@127.0.0.1:5432/db line 1"


def test_a_new_store_inside_another_stores_data_path_is_refused(tmp_path: Path):
    """Its folder empty, a store was made inside another's data path, whose cleanup
    (ducklake_delete_orphaned_files) then deleted this one's files, which its catalog
    does not list. FILE:// is a relative path to DuckDB, and so is not checked as the
    path after it (DuckDB wrote it under ./FILE:)."""
    outer = tmp_path / "D"
    first = make_runner(f"ducklake:{tmp_path / 'A.ducklake'}")
    assert first("--data-path", str(outer), "init", "--empty").exit_code == 0
    inner = make_runner(f"ducklake:{tmp_path / 'B.ducklake'}")
    _one_line_error(
        inner("--data-path", str(outer / "sub"), "init", "--empty"),
        f"--data-path {outer / 'sub'} lies inside {outer}, another store's data path (it "
        "holds main/schema_migrations)",
    )
    assert not (tmp_path / "B.ducklake").exists() and not (outer / "sub").exists()
    assert lake._local_folder(f"FILE://{outer}") is None
    assert lake._local_folder(f"file://{outer}") == outer


def test_a_new_store_inside_another_tools_ducklake_data_path_is_refused(tmp_path: Path):
    """Another tool's DuckLake store has no main/schema_migrations, and a store was made
    inside its data path, whose cleanup then deleted this one's files. Its data files
    (SCHEMA/TABLE/ducklake-UUID.parquet, as DuckLake lays them out) show it."""
    outer = tmp_path / "lake"
    (outer / "main" / "t").mkdir(parents=True)
    (outer / "main" / "t" / "ducklake-0190.parquet").touch()
    result = make_runner(f"ducklake:{tmp_path / 'B.ducklake'}")(
        "--data-path", str(outer / "trendlab"), "init", "--empty"
    )
    _one_line_error(
        result,
        f"--data-path {outer / 'trendlab'} lies inside {outer}, another store's data path "
        "(it holds main/t/ducklake-0190.parquet)",
    )
    assert not (tmp_path / "B.ducklake").exists() and not (outer / "trendlab").exists()


def test_libpqs_error_quoting_a_piece_of_the_password_masks_it():
    """`invalid integer value "Ab3" for connection option "port"`: libpq took the
    password's first piece for the port, as it read the URI, and said so. One holding
    a '"' was told in DuckDB's words (Failed to attach DuckLake MetaData ...), the
    quote taken for the end of the connection string DuckDB quoted."""
    for conninfo, secret in (
        ("postgresql://pwuser:Ab3/x+9z==@localhost:5432/t1", "Ab3"),
        ("postgresql://pwuser:SEC?RET/XYZ@localhost:5432/t1", "RET"),
        ('postgresql://pwuser:SEC"RET/XYZ@localhost:5432/t1', "RET"),
        ("dbname=t host=localhost password='SEC RET", "RET"),
    ):
        result = make_runner(f"ducklake:postgres:{conninfo}")("log")
        _one_line_error(result, "cannot reach the catalog of")
        assert secret not in result.stderr, result.stderr


# libpq reads a blank its user did not escape as the end of the password, and each word
# after it as a keyword lacking its '=', which its error quotes: they were shown
# (password=*** RET: missing "=" after "RET"). A message quoting a connection string
# keeps its own words.
@pytest.mark.parametrize("rest", ["", " connect_timeout=5", " host = localhost"])
def test_the_words_of_a_password_holding_a_blank_are_masked(rest: str):
    result = make_runner(f"ducklake:postgres:dbname=t password=SEC RET{rest}")("log")
    _one_line_error(
        result,
        f"cannot reach the catalog of ducklake:postgres:dbname=t password=***{rest}: "
        'missing "=" after "***" in connection info string',
    )
    assert "RET" not in result.stderr
    quoted = 'at "dbname=t password=secret": connection refused'
    assert lake.mask_password(quoted) == 'at "dbname=t password=*** connection refused'


# A password quoted as SQL quotes it ('SEC''RET'), or with text after its closing quote,
# is read by libpq as a quoted value and a keyword after it, which its error quoted
# back, with the location as the user gave it: password=***'RET': missing "=" after
# "'RET'". What follows the quote is masked with it, in both.
@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("'SEC''RET'", 'missing "=" after "***"'),
        ("'SEC'RET connect_timeout=5", 'missing "=" after "***"'),
        ("'SEC'RET=x", 'invalid connection option "***"'),
    ],
)
def test_text_after_a_quoted_passwords_closing_quote_is_masked(password: str, why: str):
    result = make_runner(f"ducklake:postgres:dbname=t password={password}")("log")
    shown = lake.mask_password(f"ducklake:postgres:dbname=t password={password}")
    _one_line_error(result, f"cannot reach the catalog of {shown}: {why}")
    assert "RET" not in result.stderr, result.stderr


# libpq quotes a password it cannot percent-decode, as written, in its reason.
@pytest.mark.parametrize(
    ("credentials", "query", "why"),
    [
        ("trendlab:hunter%zz2@", "", "invalid percent-encoded token"),
        ("trendlab@", "?password=hunter%002", "forbidden value %00 in percent-encoded value"),
    ],
)
def test_a_password_libpq_cannot_decode_is_not_quoted_back(
    credentials: str, query: str, why: str, pg_server: PgServer
):
    uri = f"postgresql://{credentials}localhost:{pg_server.port + 1}/x{query}"
    result = make_runner(f"ducklake:postgres:{uri}")("list", "models")
    _one_line_error(result, f'{lake.mask_password(uri)}: {why}: "***"')
    assert "hunter" not in result.stderr


def test_missing_extension_says_which_extra_to_install(
    team_db: str, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setitem(lake.EXTENSIONS, "postgres", ("postgres_scanner", "duckdb-ext-gone"))
    result = make_runner(team_db)("list", "models")
    _one_line_error(result, "postgres extension", "pip install 'trendlab[team]'")


# -- same commands, same output -------------------------------------------------------------


def test_a_copied_team_store_answers_every_read_like_its_file(
    run: Run, db: Path, pg_server: PgServer, tmp_path: Path
):
    run("edit", "result", "minerva-540b/math", "--set", "score=50.4", "-m", "typo")
    key = run("add-result", "gpt-4", "gsm8k", "92", "--source-url", "https://e.org/g").stdout
    run("retract", "result", key.strip(), "-m", "wrong model")
    first = json.loads(run("log", "--json").stdout)[-1]["changeset"]
    team = new_team_store(pg_server)
    copied = make_runner(db)("--data-path", str(tmp_path / "data"), "copy", str(db), team)
    assert copied.exit_code == 0, copied.stderr
    reads = [
        ("list", "models"),
        ("list", "results", "--csv"),
        ("list", "prices", "--json"),
        ("list", "results", "--benchmark", "math", "--as-of", first),
        ("show", "result", "minerva-540b/math", "--json"),
        ("log", "--json"),
        ("history", "result", "minerva-540b/math", "--json"),
        ("history", "model", "gpt-4"),
        ("query", "frontier", "--param", "benchmark=math"),
        ("query", "latest", "--jsonl"),
        ("query", "coverage", "--csv"),
        ("query", "quoted-price-comparisons"),
        ("prices", "--model", "gpt-4o", "--blend", "1:2", "--json"),
        ("query", "SELECT benchmark, count(*) AS n FROM scores GROUP BY ALL ORDER BY 1"),
        ("export", "results"),
        ("export", "models", "--as-of", first),
        ("check",),
    ]
    on_team = make_runner(team)
    for args in reads:
        mine, theirs = run(*args), on_team(*args)
        assert (mine.exit_code, mine.stdout, mine.stderr) == (
            theirs.exit_code,
            theirs.stdout,
            theirs.stderr,
        ), args
        assert mine.stdout or mine.stderr, args


# -- trendlab copy ----------------------------------------------------------------------------


def test_copy_file_to_team_to_files_is_exact(
    run: Run, db: Path, pg_server: PgServer, tmp_path: Path
):
    run("edit", "model", "gpt-4", "--set", "notes=checked", "-m", "edit")
    key = run("add-result", "gpt-4", "gsm8k", "9", "--source-url", "https://e.org/x").stdout
    run("retract", "result", key.strip(), "-m", "mistake")
    team = new_team_store(pg_server)
    back, local = tmp_path / "back.duckdb", f"ducklake:{tmp_path / 'hop.ducklake'}"
    copy = make_runner(db)
    for i, (src, dst) in enumerate(((db, team), (team, local), (local, back))):
        # A new lake's data path is its own; a DuckDB file holds its data itself.
        data = ["--data-path", str(tmp_path / f"data-{i}")] if lake.is_lake(str(dst)) else []
        result = copy("copy", str(src), str(dst), *data)
        assert result.exit_code == 0, result.stderr
        assert "copied 4 changesets (" in result.stderr, result.stderr
    assert set(_tables(db)) >= {"changesets", "result_revisions", "model_revisions", "units"}
    for copy_of in (team, local, back):
        _assert_same_tables(copy_of, db)


def test_copy_to_a_team_store_refuses_a_nul_up_front(
    run: Run, db: Path, pg_server: PgServer, tmp_path: Path
):
    """A NUL in a text value (written around trendlab, or before it was refused)
    failed the team store's commit with a raw 'Failed to commit' naming no record, and
    left the new team store empty. Refused before DST is opened, naming the first
    value, in any revision the copy would take (an edit that removes it leaves it in
    history), and nothing is made; a copy to a file takes it."""
    with duckdb.connect(str(db)) as con:
        changeset = changeset_around(con)
        revise_around(con, changeset, "model_revisions", "gpt-4", notes="a\x00b")
    team = new_team_store(pg_server)
    copy = make_runner(db)
    told = (
        "notes holds a NUL character (\\x00), which a team store cannot hold (PostgreSQL "
        "text cannot); a copy takes the whole history, which cannot be edited, so SRC cannot "
        "be copied to a team store: to move its records without their history, "
    )
    result = copy("--data-path", str(tmp_path / "data"), "copy", str(db), team)
    _one_line_error(
        result,
        f"SRC {db}: model gpt-4: {told}edit the NUL out of current records "
        f"(`trendlab --db {db} check` lists them), then export them and import them there; "
        "nothing was copied",
    )
    assert not (tmp_path / "data").exists()
    catalog = team.split("dbname=")[1].split()[0]
    tables = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
    assert pg_server.sql(catalog, tables) == "0"  # no empty team store left behind
    assert run("edit", "model", "gpt-4", "--set", "notes=ab", "-m", "fix").exit_code == 0
    result = copy("--data-path", str(tmp_path / "data"), "copy", str(db), team)
    _one_line_error(result, f"SRC {db}: revision ", " of model gpt-4 (a past one): " + told)
    assert "edit the NUL" not in result.stderr
    to_file = copy("copy", str(db), str(tmp_path / "backup.duckdb"))
    assert to_file.exit_code == 0, to_file.stderr


@pytest.mark.parametrize(
    ("field", "value", "told"),
    [
        (
            "parameters",
            float("inf"),
            "parameters is infinite, which a team store cannot hold (DuckLake cannot write "
            "it to PostgreSQL)",
        ),
        (
            "release_date",
            "-5000-01-01",
            "release_date is a date before 4714-11-24 BC or after 5874897-12-31, which a "
            "team store cannot hold (PostgreSQL dates cannot)",
        ),
    ],
)
def test_copy_to_a_team_store_refuses_what_postgresql_cannot_hold_up_front(
    field: str, value: object, told: str, db: Path, pg_server: PgServer, tmp_path: Path
):
    """An infinite number or a date out of PostgreSQL's range (written around trendlab)
    failed the team store's commit with a raw 'Failed to commit DuckLake transaction',
    naming no record, and left the new team store part made; every copy again failed
    the same way. Refused before DST is opened, as a NUL is; a copy to a file takes it."""
    with duckdb.connect(str(db)) as con:
        changeset = changeset_around(con)
        revise_around(con, changeset, "model_revisions", "gpt-4", **{field: value})
    team = new_team_store(pg_server)
    copy = make_runner(db)
    result = copy("--data-path", str(tmp_path / "data"), "copy", str(db), team)
    _one_line_error(
        result,
        f"SRC {db}: model gpt-4: {told}; a copy takes the whole history, which cannot be "
        "edited, so SRC cannot be copied to a team store: to move its records without their "
        f"history, edit such values out of current records (`trendlab --db {db} check` lists "
        "them), then export them and import them there; nothing was copied",
    )
    catalog = team.split("dbname=")[1].split()[0]
    tables = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
    assert pg_server.sql(catalog, tables) == "0"  # no part-made team store left behind
    to_file = copy("copy", str(db), str(tmp_path / "backup.duckdb"))
    assert to_file.exit_code == 0, to_file.stderr


def test_a_nul_in_a_table_of_the_users_own_is_named_too(db: Path):
    """Table and column names went into the search's SQL unquoted: a table of the
    user's own named "my notes" failed the copy with a raw Parser Error."""
    with duckdb.connect(str(db)) as con:
        con.execute("""CREATE TABLE "my notes" ("the text" VARCHAR, "it's" VARCHAR)""")
        con.execute("""INSERT INTO "my notes" VALUES ('a', 'b' || chr(0))""")
    team = "ducklake:postgres:dbname=nope host=/nonexistent"  # refused before it is opened
    result = make_runner(db)("copy", str(db), team)
    _one_line_error(result, f"SRC {db}: my notes row a: it's holds a NUL character")


def _empty_store_with(path: Path, *statements: str) -> Path:
    """An empty store made at `path` by `init --empty`, then `statements` run on it
    (the tables of the user's own that a copy into it needs)."""
    assert make_runner(path)("init", "--empty").exit_code == 0
    with duckdb.connect(str(path)) as con:
        for sql in statements:
            con.execute(sql)
    return path


def test_a_table_of_the_users_own_whose_name_needs_quotes_is_copied(db: Path, tmp_path: Path):
    """Copy took a table of the user's own, but named it unquoted in its SQL: one named
    "my notes" failed the copy with a raw Parser Error. DST's may name it, or a column,
    in another case, which DuckDB takes for the same name (it was refused as lacking)."""
    with duckdb.connect(str(db)) as con:
        con.execute("""CREATE TABLE "my notes" ("the text" VARCHAR, "it's" INTEGER)""")
        con.execute("""INSERT INTO "my notes" VALUES ('a', 1), ('b', 2)""")
    backup = _empty_store_with(
        tmp_path / "backup.duckdb",
        """CREATE TABLE "My Notes" ("The Text" VARCHAR, "IT'S" INTEGER)""",
    )
    copy = make_runner(db)
    for _ in range(2):  # again: nothing more
        result = copy("copy", str(db), str(backup))
        assert result.exit_code == 0, result.stderr
    with duckdb.connect(str(backup), read_only=True) as con:
        rows = con.execute("""SELECT * FROM "my notes" ORDER BY 1""").fetchall()
    assert rows == [("a", 1), ("b", 2)]


def test_a_table_of_the_users_own_named_as_a_team_stores_write_head(db: Path, tmp_path: Path):
    """A DuckDB file has no write head, but a table of the user's own named write_head
    was left out as if it were one: not copied to a file, nor named as left out, and
    into a team store, whose write head has that name, it is refused saying so."""
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE write_head (a INTEGER)")
        con.execute("INSERT INTO write_head VALUES (1), (2)")
    backup = _empty_store_with(tmp_path / "backup.duckdb", "CREATE TABLE write_head (a INTEGER)")
    copy = make_runner(db)
    result = copy("copy", str(db), str(backup))
    assert result.exit_code == 0, result.stderr
    with duckdb.connect(str(backup), read_only=True) as con:
        assert con.execute("SELECT a FROM write_head ORDER BY a").fetchall() == [(1,), (2,)]
    lake_dst = f"ducklake:{tmp_path / 'team.ducklake'}"
    _one_line_error(
        copy("copy", str(db), lake_dst),
        f"SRC {db} has a table of its own, write_head, whose name a team store keeps for "
        f"its own bookkeeping, so DST {lake_dst} cannot take it: rename it in SRC, then "
        "copy again; nothing was copied",
    )
    assert not (tmp_path / "team.ducklake").exists()


def test_a_table_named_apart_by_a_non_ascii_letters_case_is_one_dst_lacks(db: Path, tmp_path: Path):
    """DuckDB takes "My Notes" for my notes but not Äpfel for äpfel: matched by Python's
    lower(), Äpfel was taken for DST's äpfel, and the copy failed on a raw Catalog
    Error."""
    with duckdb.connect(str(db)) as con:
        con.execute('CREATE TABLE "Äpfel" (x INTEGER)')
    backup = _empty_store_with(tmp_path / "backup.duckdb", 'CREATE TABLE "äpfel" (x INTEGER)')
    result = make_runner(db)("copy", str(db), str(backup))
    assert result.exit_code == 1 and result.stderr.startswith(
        f"trendlab: error: SRC {db} has a table of its own, Äpfel, which trendlab does not "
        f"make and DST {backup} lacks: "
    ), result.stderr


def test_a_table_or_column_of_the_users_own_that_dst_lacks_is_named(db: Path, tmp_path: Path):
    """A table of the user's own in SRC, which a new DST lacks, failed the copy with "DST
    has no table my_notes: upgrade it with `trendlab migrate`", which cannot make it; a
    column of their own in one of trendlab's tables, with a raw Binder Error."""
    backup = tmp_path / "backup.duckdb"
    copy = make_runner(db)
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE my_notes (note VARCHAR)")
        con.execute("INSERT INTO my_notes VALUES ('mine')")
    advice = (
        f" which trendlab does not make and DST {backup} lacks: a copy takes every table of "
        f"SRC whole; add it to DST (a new DST first made with `trendlab --db {backup} init "
        "--empty`), then copy again; nothing was copied"
    )
    result = copy("copy", str(db), str(backup))
    _one_line_error(result, f"SRC {db} has a table of its own, my_notes,{advice}")
    assert not backup.exists()
    assert make_runner(backup)("init", "--empty").exit_code == 0
    with duckdb.connect(str(backup)) as con:
        con.execute("CREATE TABLE my_notes (note VARCHAR)")
    with duckdb.connect(str(db)) as con:
        con.execute("ALTER TABLE result_revisions ADD COLUMN checked BOOLEAN")
    result = copy("copy", str(db), str(backup))
    _one_line_error(
        result, f"SRC {db}'s table result_revisions has a column of its own, checked,{advice}"
    )
    with duckdb.connect(str(backup)) as con:
        con.execute("ALTER TABLE result_revisions ADD COLUMN checked BOOLEAN")
    result = copy("copy", str(db), str(backup))
    assert result.exit_code == 0, result.stderr
    with duckdb.connect(str(backup), read_only=True) as con:
        assert con.execute("SELECT * FROM my_notes").fetchall() == [("mine",)]


def test_a_row_a_table_of_the_users_own_repeats_is_copied_as_often(db: Path, tmp_path: Path):
    """Rows were added as SRC's EXCEPT DST's, which takes each row once: a row a table
    of the user's own held twice arrived once, and a copy said it was exact."""
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE tally (n INTEGER)")
        con.execute("INSERT INTO tally VALUES (1), (1), (2)")
    backup = _empty_store_with(tmp_path / "backup.duckdb", "CREATE TABLE tally (n INTEGER)")
    for _ in range(2):  # again: nothing more
        result = make_runner(db)("copy", str(db), str(backup))
        assert result.exit_code == 0, result.stderr
    with duckdb.connect(str(backup), read_only=True) as con:
        assert con.execute("SELECT n FROM tally ORDER BY n").fetchall() == [(1,), (1,), (2,)]


def test_a_table_of_the_users_own_with_an_infinite_date_is_copied_again(db: Path, tmp_path: Path):
    """DST's rows are read to compare SRC's with, never shown: read as any frame is, a
    date past Python's years ('infinity') in them was refused, so a copy made again
    failed where the first had worked."""
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE deadlines (d DATE)")
        con.execute("INSERT INTO deadlines VALUES ('infinity'), ('2024-01-02')")
    backup = _empty_store_with(tmp_path / "backup.duckdb", "CREATE TABLE deadlines (d DATE)")
    for _ in range(2):
        result = make_runner(db)("copy", str(db), str(backup))
        assert result.exit_code == 0, result.stderr
    with duckdb.connect(str(backup), read_only=True) as con:
        assert con.execute("SELECT d::VARCHAR FROM deadlines ORDER BY d").fetchall() == [
            ("2024-01-02",),
            ("infinity",),
        ]


def test_a_table_of_the_users_own_of_any_duckdb_type_is_copied_as_it_is(db: Path, tmp_path: Path):
    """DST's rows were read as a Polars frame, which has no INTERVAL (a copy failed as
    a bug in trendlab), and the rows went by Arrow as it has them by default: a HUGEINT
    past 38 digits failed the copy, a BIT arrived as bytes no query of DST could read."""
    table = "CREATE TABLE spans (h HUGEINT, b BIT, i INTERVAL)"
    with duckdb.connect(str(db)) as con:
        con.execute(table)
        con.execute(f"INSERT INTO spans VALUES ({2**127 - 1}, '0101', INTERVAL 3 MONTH)")
    backup = _empty_store_with(tmp_path / "backup.duckdb", table)
    for _ in range(2):  # again: nothing more, and nothing DST keeps that SRC lacks
        result = make_runner(db)("copy", str(db), str(backup))
        assert result.exit_code == 0, result.stderr
        assert len(result.stderr.splitlines()) == 1, result.stderr
    with duckdb.connect(str(backup), read_only=True) as con:
        rows = con.execute("SELECT h::VARCHAR, b::VARCHAR, i::VARCHAR FROM spans").fetchall()
    assert rows == [(str(2**127 - 1), "0101", "3 months")]


def test_a_copy_again_says_how_many_rows_dst_keeps_that_src_lacks(db: Path, tmp_path: Path):
    """Copied again, a table of the user's own gets the rows DST lacks: a row changed
    or deleted in SRC since the last copy stayed in DST beside the new one without a
    word. DST's rows are kept (it may have rows of its own), and the copy says how many
    SRC does not have, each row as often as it is there."""
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE my_notes (note VARCHAR, n INTEGER)")
        con.execute("INSERT INTO my_notes VALUES ('a', 1), ('b', NULL), ('c', 3)")
    backup = _empty_store_with(
        tmp_path / "backup.duckdb",
        "CREATE TABLE my_notes (note VARCHAR, n INTEGER)",
        "INSERT INTO my_notes VALUES ('c', 3), ('c', 3)",  # DST's own too
    )
    copy = make_runner(db)
    first = copy("copy", str(db), str(backup))
    assert first.exit_code == 0, first.stderr
    assert first.stderr.splitlines()[1:] == [
        "copy: DST's table my_notes keeps 1 row SRC does not have (changed or deleted in "
        "SRC since?)"
    ]
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE my_notes SET n = 2 WHERE note = 'b'")
        con.execute("DELETE FROM my_notes WHERE note = 'a'")
    again = copy("copy", str(db), str(backup))
    assert again.exit_code == 0, again.stderr
    assert again.stderr.splitlines()[1:] == [
        "copy: DST's table my_notes keeps 3 rows SRC does not have (changed or deleted in "
        "SRC since?)"
    ]
    with duckdb.connect(str(backup), read_only=True) as con:
        rows = con.execute("SELECT count(*) FROM my_notes").fetchone()
    assert rows == (5,)  # a, b (NULL), b (2), c, c: none deleted


def test_a_copy_names_what_of_srcs_own_it_leaves_out(db: Path, tmp_path: Path):
    """A copy takes SRC's tables in `main` alone, and left the user's views, other
    schemas, sequences, types and macros out without a word. It names them, not the
    schema's own views and macros."""
    with duckdb.connect(str(db)) as con:
        for sql in (
            "CREATE VIEW v1 AS SELECT 1",
            "CREATE SCHEMA mine",
            "CREATE TABLE mine.t (a INTEGER)",
            "CREATE VIEW mine.w AS SELECT 2",
            "CREATE SEQUENCE ids",
            "CREATE TYPE mood AS ENUM ('ok')",
            "CREATE MACRO m(x) AS x + 1",
            "CREATE MACRO two() AS TABLE SELECT 2",
        ):
            con.execute(sql)
    told = (
        "copy: left out what copy does not carry: view v1, schema mine (1 table), sequence "
        "ids, type mood, macro m, macro two; recreate them in DST\n"
    )
    backup = tmp_path / "backup.duckdb"
    result = make_runner(db)("copy", str(db), str(backup))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines(keepends=True)[1:] == [told]
    local = f"ducklake:{tmp_path / 'hop.ducklake'}"  # its macros are the connection's
    for src, dst in ((backup, local), (local, tmp_path / "again.duckdb")):
        again = make_runner(db)("copy", str(src), str(dst))
        assert again.exit_code == 0 and len(again.stderr.splitlines()) == 1, again.stderr
    # Recreated in DST, as the line says, one is no longer named; the last, alone, is
    # it. A schema is recreated once it holds SRC's tables: empty, it is not.
    with duckdb.connect(str(backup)) as con:
        for sql in ("CREATE VIEW v1 AS SELECT 1", "CREATE SCHEMA mine", "CREATE SEQUENCE ids"):
            con.execute(sql)
        con.execute("CREATE TYPE mood AS ENUM ('ok')")
        con.execute("CREATE MACRO m(x) AS x + 1")
    again = make_runner(db)("copy", str(db), str(backup))
    assert again.exit_code == 0, again.stderr
    assert again.stderr.splitlines()[1:] == [
        "copy: left out what copy does not carry: schema mine (1 table), macro two; "
        "recreate them in DST"
    ]
    with duckdb.connect(str(backup)) as con:
        con.execute("CREATE TABLE mine.t (a INTEGER)")
    again = make_runner(db)("copy", str(db), str(backup))
    assert again.stderr.splitlines()[1:] == [
        "copy: left out what copy does not carry: macro two; recreate it in DST"
    ]


def test_a_copy_again_is_quiet_of_the_forecast_cache_src_renewed(db: Path, tmp_path: Path):
    """The forecast cache has no changesets, as a table of the user's own has not, and
    a backup made before a forecast on new data said on every later copy that DST kept
    rows SRC lacks: the cache entries SRC replaced."""
    backup = tmp_path / "backup.duckdb"
    run = make_runner(db)
    assert run("copy", str(db), str(backup)).exit_code == 0
    assert run("add-result", "gpt-4o", "mmlu", "88.1", "--date", "2024-06-01").exit_code == 0
    assert run("forecast", "mmlu").exit_code == 0
    again = run("copy", str(db), str(backup))
    assert again.exit_code == 0, again.stderr
    assert len(again.stderr.splitlines()) == 1 and "copied 1 changeset" in again.stderr
    with duckdb.connect(str(backup), read_only=True) as con:
        kept = con.execute(
            "SELECT count(*) FROM forecast_cache WHERE benchmark = 'mmlu'"
        ).fetchone()
    assert kept is not None and kept[0] > 0  # the cache is copied still


def test_a_copy_refused_for_a_table_new_stores_lack_makes_no_store(
    db: Path, pg_server: PgServer, tmp_path: Path
):
    """Refused for a table of the user's own, a copy into a new team store said
    "nothing was copied" but left DST with the schema, and every command then called
    it not set up completely. Refused now before DST is made: an empty catalog
    database stays empty. A team store that a stopped init or copy left part made is
    left so, as the error now says, with what completes it."""
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE my_notes (note VARCHAR)")
    data = tmp_path / "data"
    team = new_team_store(pg_server)
    copy = make_runner(db)
    for _ in range(2):  # again: refused the same way, not as part made
        result = copy("--data-path", str(data), "copy", str(db), team)
        _one_line_error(
            result, f"SRC {db} has a table of its own, my_notes,", "add it to DST (a new DST "
        )
    catalog = team.split("dbname=")[1].split()[0]
    tables = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
    assert pg_server.sql(catalog, tables) == "0"
    assert not data.exists()

    part_made = new_team_store(pg_server)  # attached, as by an init stopped at once
    con = lake.connect(part_made, read_only=False, create=True, data_path=str(data), lock_timeout=5)
    lake.disconnect(con)
    result = copy("copy", str(db), part_made)
    init = f"trendlab --db '{part_made}' init --empty"
    _one_line_error(
        result, f"DST is left part made: complete it with `{init}`, add it there, then copy "
    )
    assert make_runner(part_made)("init", "--empty").exit_code == 0


def test_a_copy_refused_for_a_table_new_stores_lack_makes_no_file_or_lake(db: Path, tmp_path: Path):
    """As into a new team store (above), a refused copy into a new DuckDB file or local
    lake is refused before either is made."""
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE my_notes (note VARCHAR)")
    copy = make_runner(db)
    local, file = tmp_path / "new.ducklake", tmp_path / "new.duckdb"
    for dst in (f"ducklake:{local}", str(file)):
        _one_line_error(copy("copy", str(db), dst), f"SRC {db} has a table of its own, my_notes,")
    assert not list(tmp_path.glob("new.*"))  # nor new.ducklake.files, new.duckdb.wal


def test_copy_reads_a_moved_team_store_at_the_global_data_path(
    pg_server: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    pg_server.create_database("moved")
    location = pg_server.lake("moved")
    assert make_runner(location)("--data-path", str(tmp_path / "here"), "init").exit_code == 0
    (tmp_path / "here").rename(tmp_path / "there")
    backup = tmp_path / "backup.duckdb"
    # Where the data files are not: the copy fails and leaves no half-made DST behind.
    failed = make_runner(location)("copy", location, str(backup))
    _one_line_error(failed, f"is in {tmp_path / 'here'}, which this machine does not have")
    assert not backup.exists() and not Path(f"{backup}.wal").exists()
    local = tmp_path / "local.ducklake"
    failed = make_runner(location)("copy", location, f"ducklake:{local}")
    _one_line_error(failed, f"is in {tmp_path / 'here'}, which this machine does not have")
    assert not list(tmp_path.glob("local.ducklake*"))
    monkeypatch.setenv("TRENDLAB_DATA_PATH", str(tmp_path / "there"))
    copied = make_runner(location)("copy", location, str(backup))
    assert copied.exit_code == 0, copied.stderr
    _assert_same_tables(backup, _tables(location, str(tmp_path / "there")))
    # The global data path is SRC's here: a new lake's files go to its own folder, not
    # among the files it is a copy of.
    before = sorted((tmp_path / "there").rglob("*"))
    lake = make_runner(location)("copy", location, f"ducklake:{local}")
    assert lake.exit_code == 0, lake.stderr
    assert sorted((tmp_path / "there").rglob("*")) == before
    assert list(Path(f"{local}.files").rglob("*.parquet"))


def test_a_new_lake_copied_from_a_file_keeps_its_files_out_of_the_db_team_stores(
    pg_server: PgServer, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """With TRENDLAB_DB a team store and TRENDLAB_DATA_PATH its mount, the README's
    `copy trendlab.duckdb ducklake:try.ducklake` stored the team store's data path in
    the new lake and wrote its Parquet files among the team store's."""
    team = new_team_store(pg_server)
    share = tmp_path / "share"
    assert make_runner(team)("--data-path", str(share), "init").exit_code == 0
    monkeypatch.setenv("TRENDLAB_DATA_PATH", str(share))
    before = sorted(share.rglob("*"))
    local = tmp_path / "try.ducklake"
    result = make_runner(team)("copy", str(db), f"ducklake:{local}")
    assert result.exit_code == 0, result.stderr
    assert sorted(share.rglob("*")) == before
    assert list(Path(f"{local}.files").rglob("*.parquet"))


def test_a_data_path_for_a_duckdb_file_in_copy_is_a_usage_error(db: Path, tmp_path: Path):
    """copy's --source-data-path with a file SRC, or its --data-path with a file DST,
    was silently ignored: most likely meant for the other store."""
    copy = make_runner(db)
    backup = tmp_path / "backup.duckdb"
    for option, name, location in (
        ("--source-data-path", "SRC", db),
        ("--data-path", "DST", backup),
    ):
        result = copy("copy", str(db), str(backup), option, str(tmp_path))
        assert result.exit_code == 2
        assert result.stderr.startswith(
            f"trendlab: error: {option} is for a team store's data files, and {name} "
            f"{location} is a DuckDB file, which holds its own: leave it out (see "
        ), result.stderr
        assert not backup.exists()
    # The global --data-path (the --db store's) is no copy option: a file copy ignores it.
    assert copy("--data-path", str(tmp_path), "copy", str(db), str(backup)).exit_code == 0


@pytest.mark.parametrize("db", ["ducklake:sqlite:x.db", "ducklake:postgres:"])
def test_copy_is_not_stopped_by_a_db_that_names_no_store(
    db: str, tmp_path: Path, seeded_template: Path
):
    """Copy names its stores itself, as SRC and DST: a TRENDLAB_DB of a `ducklake:` kind
    trendlab does not take failed every copy, with an error naming neither."""
    for dst in (str(tmp_path / "backup.duckdb"), f"ducklake:{tmp_path / 'backup.ducklake'}"):
        result = make_runner(db)("copy", str(seeded_template), dst)
        assert result.exit_code == 0, result.stderr
        assert result.stderr.startswith("copied 1 changeset"), result.stderr


def test_copy_names_src_or_dst_in_an_error_about_it(db: Path, tmp_path: Path):
    """A SRC that is no store said `point --db (TRENDLAB_DB) at an existing one` or `run
    trendlab init`, advice for --db that cannot fix copy's SRC; a DST holding other
    tables said `give --db a new file`. Each now names the argument and its path."""
    copy = make_runner(db)
    backup = tmp_path / "backup.duckdb"
    empty, theirs = tmp_path / "empty.duckdb", tmp_path / "theirs.duckdb"
    duckdb.connect(str(empty)).close()
    with duckdb.connect(str(theirs)) as con:
        con.execute("CREATE TABLE sales (a INTEGER)")
    lake_file = tmp_path / "nowhere.ducklake"
    nowhere = tmp_path / "nowhere.duckdb"
    foreign = f"{theirs} is not a trendlab database: it holds other tables (sales)"
    for args, message in (
        ([str(nowhere), str(backup)], f"SRC {nowhere}: no such database"),
        ([f"ducklake:{lake_file}", str(backup)], f"SRC ducklake:{lake_file}: no such team store"),
        ([str(empty), str(backup)], f"SRC {empty} is not a trendlab database"),
        ([str(theirs), str(backup)], f"SRC {foreign}; give another SRC"),
        ([str(db), str(theirs)], f"DST {foreign}; give another DST"),
    ):
        result = copy("copy", *args)
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == f"trendlab: error: {message}\n"
        assert not backup.exists() and not lake_file.exists()
    with duckdb.connect(str(empty)) as con:
        assert con.execute("SELECT count(*) FROM duckdb_tables()").fetchone() == (0,)


def test_copy_names_src_when_a_postgres_catalog_holds_no_team_store(
    pg_server: PgServer, tmp_path: Path
):
    """As a missing catalog file: `run trendlab init` would set up --db, not SRC."""
    pg_server.create_database("bare")
    location = pg_server.lake("bare")
    result = make_runner(tmp_path / "x.duckdb")("copy", location, str(tmp_path / "out.duckdb"))
    _one_line_error(result, f"SRC {lake.mask_password(location)}: no such team store")
    assert "trendlab init" not in result.stderr
    assert not (tmp_path / "out.duckdb").exists()


def test_copy_names_src_or_dst_whose_catalog_it_cannot_reach(
    pg_server: PgServer, db: Path, tmp_path: Path
):
    """`cannot reach the catalog of ducklake:...` named neither: copy holds two stores."""
    missing = pg_server.lake("no_such_catalog")
    copy = make_runner(db)
    _one_line_error(
        copy("copy", str(db), missing, "--data-path", str(tmp_path / "data")),
        f"cannot reach the catalog of DST {missing}: ",
        'database "no_such_catalog" does not exist',
    )
    _one_line_error(
        copy("copy", missing, str(tmp_path / "out.duckdb")),
        f"cannot reach the catalog of SRC {missing}: ",
    )
    assert not (tmp_path / "out.duckdb").exists() and not (tmp_path / "data").exists()


def test_copy_adds_only_what_an_earlier_copy_lacks(run: Run, db: Path, tmp_path: Path):
    copy = make_runner(db)
    backup = tmp_path / "backup.duckdb"
    assert copy("copy", str(db), str(backup)).exit_code == 0
    run("add-model", "later-1", "-m", "after the backup")
    result = copy("copy", str(db), str(backup))
    assert result.exit_code == 0
    assert "copied 1 changeset (1 row)" in result.stderr and "had 1 already" in result.stderr
    again = copy("copy", str(db), str(backup))
    assert again.exit_code == 0 and "already has all 2 changesets" in again.stderr
    _assert_same_tables(backup, db)


def test_a_copy_again_after_src_changed_outside_trendlab_blames_neither_alone(
    db: Path, tmp_path: Path
):
    """SRC edited in SQL since its backup was made: the copy said the backup "was changed
    outside trendlab", sending the user to distrust the one store that was not."""
    copy = make_runner(db)
    backup = tmp_path / "backup.duckdb"
    assert copy("copy", str(db), str(backup)).exit_code == 0
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE model_revisions SET name = 'GPT-Four' WHERE key = 'gpt-4'")
    result = copy("copy", str(db), str(backup))
    assert (result.exit_code, result.stderr) == (
        1,
        f"trendlab: error: {backup} holds the same changesets as part of {db}, but different "
        "rows in model_revisions: one of the two was changed outside trendlab; copy into a "
        "new store instead\n",
    )


def test_copying_an_empty_store_says_there_is_nothing_to_copy(empty_db: Path, tmp_path: Path):
    """Not that DST 'already has all 0 changesets': whether DST is new or empty too,
    the source has none."""
    dst = tmp_path / "new.duckdb"
    for _made in (False, True):
        result = make_runner(empty_db)("copy", str(empty_db), str(dst))
        assert result.exit_code == 0, result.stderr
        assert result.stderr == f"{empty_db} has no changesets: nothing copied to {dst}\n"
    assert make_runner(dst)("log", "--json").stdout.strip() == "[]"


def test_a_ctrl_c_during_the_copys_commit_is_too_late_to_stop_it(db: Path, tmp_path: Path):
    from trendlab.transfer import copy_store

    backup = tmp_path / "backup.duckdb"
    make_runner(backup)("init", "--empty")
    with Store.open(db) as src, Store.open(backup, read_only=False) as dst:
        dst.con = CtrlCOnCommit(dst.con)  # type: ignore[assignment]
        copied = copy_store(src, dst)
    assert copied.changesets == 1  # the seeds' changeset
    _assert_same_tables(backup, db)


def test_copy_refuses_a_destination_with_other_history(run: Run, db: Path, tmp_path: Path):
    other = tmp_path / "other.duckdb"
    make_runner(other)("init")
    before = _tables(other)
    result = make_runner(db)("copy", str(db), str(other))
    _one_line_error(
        result, "is not empty and not an earlier copy", "1 changeset that the source lacks"
    )
    assert "init --empty" in result.stderr
    _assert_same_tables(other, before)
    _one_line_error(make_runner(db)("copy", str(db), str(db)), "the same store", code=2)
    # A password in a team store's location is never printed.
    secret = "ducklake:postgres:dbname=x host=localhost user=u password=hunter2"
    same = make_runner(db)("copy", secret, secret)
    _one_line_error(same, "the same store", code=2)
    assert "hunter2" not in same.stderr and "password=***" in same.stderr
    # An earlier copy changed behind trendlab's back is refused too.
    copy = tmp_path / "copy.duckdb"
    make_runner(db)("copy", str(db), str(copy))
    store = Store.open(copy, read_only=False)
    store.con.execute("UPDATE model_revisions SET name = 'GPT-Four' WHERE key = 'gpt-4'")
    store.close()
    run("add-model", "later-2")
    _one_line_error(
        make_runner(db)("copy", str(db), str(copy)), "different rows in model_revisions"
    )


def test_an_empty_src_or_dst_is_a_usage_error(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`copy "$TRENDLAB_DB" backup.duckdb` with the variable unset copied
    ./trendlab.duckdb, whatever --db said, and an empty DST made a new
    ./trendlab.duckdb: an empty name is refused, as --db refuses one."""
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    make_runner(here / "trendlab.duckdb")("init", "--empty")
    run = make_runner(db)
    for args in (("", "backup.duckdb"), (" ", "backup.duckdb")):
        _one_line_error(run("copy", *args), "SRC is empty", code=2)
    _one_line_error(run("copy", str(db), ""), "DST is empty", code=2)
    # A name with white space around it made a file whose name ends in a space.
    _one_line_error(
        run("copy", str(db), "backup.duckdb "),
        "Invalid value for DST: 'backup.duckdb ' ends with white space",
        code=2,
    )
    _one_line_error(
        run("copy", f" {db}", "backup.duckdb"),
        f"Invalid value for SRC: ' {db}' begins with white space",
        code=2,
    )
    assert sorted(p.name for p in here.iterdir()) == ["trendlab.duckdb"]
    assert not (here / "backup.duckdb").exists()
    assert _tables(here / "trendlab.duckdb")["changesets"].height == 0


def test_a_data_path_with_white_space_around_it_is_a_usage_error(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`--data-path "lake "` (or TRENDLAB_DATA_PATH so) created a folder whose name ends
    in a space, the slip --db refuses; so did copy's --data-path and --source-data-path."""
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    lake_at = "ducklake:team.ducklake"
    for path, fault in [
        ("lake ", "'lake ' ends with white space"),
        (" lake", "' lake' begins with white space"),
        ("  ", "is only white space"),
    ]:
        for args, env, named in (
            (["--data-path", path], {}, "--data-path"),
            # Named as where it came from: the command line held no --data-path.
            ([], {"TRENDLAB_DATA_PATH": path}, "TRENDLAB_DATA_PATH"),
        ):
            result = CliRunner().invoke(cli, ["--db", lake_at, *args, "init", "--empty"], env=env)
            assert (result.exit_code, result.stderr) == (
                2,
                f"trendlab: error: Invalid value for {named}: {fault} (see 'cli --help')\n",
            ), (args, env)
    assert list(here.iterdir()) == []
    run = make_runner(db)
    _one_line_error(
        run("copy", str(db), lake_at, "--data-path", "lake "),
        "Invalid value for --data-path: 'lake ' ends with white space",
        code=2,
    )
    _one_line_error(
        run("copy", lake_at, "backup.duckdb", "--source-data-path", " lake"),
        "Invalid value for --source-data-path: ' lake' begins with white space",
        code=2,
    )
    assert list(here.iterdir()) == []


def test_copying_a_store_onto_itself_is_a_usage_error_by_any_path(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`copy X X` exited 1, as a data problem; it is a mistake in the command: exit 2,
    one line pointing at the help. The same file named another way (relative, through
    a symbolic link, a hard link) is the same store too: a hard link was copied onto
    as another store."""
    symlink, hardlink = tmp_path / "symlink.duckdb", tmp_path / "hardlink.duckdb"
    symlink.symlink_to(db)
    hardlink.hardlink_to(db)
    monkeypatch.chdir(db.parent)
    before = _tables(db)
    run = make_runner(db)
    for dst in (str(db), db.name, f"./{db.name}", str(symlink), str(hardlink)):
        result = run("copy", str(db), dst)
        _one_line_error(result, "the same store", "give another DST", code=2)
        assert result.stderr.endswith(" (see 'cli copy --help')\n"), result.stderr
    assert f"SRC {db} and DST {hardlink} are the same store" in result.stderr
    _assert_same_tables(db, before)
    local = f"ducklake:{tmp_path / 'lake.ducklake'}"
    relative = f"ducklake:{os.path.relpath(tmp_path / 'lake.ducklake')}"
    _one_line_error(run("copy", local, relative), "the same store", code=2)


def test_a_local_lake_and_the_plain_path_of_its_catalog_file_are_one_store(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`copy ducklake:loc.ducklake loc.ducklake` (a lake, then its catalog file as a
    plain path) was two stores to copy's check, and DuckDB failed opening one file as
    both: 'Binder Error: Unique file handle conflict', exit 1. Either way round, and a
    DuckDB file named as a lake, it is now the same store: a usage error."""
    monkeypatch.chdir(tmp_path)
    run = make_runner(db)
    assert run("copy", str(db), "ducklake:loc.ducklake").exit_code == 0
    before = _tables("ducklake:loc.ducklake")
    for src, dst in (
        ("ducklake:loc.ducklake", "loc.ducklake"),
        ("ducklake:loc.ducklake", str(tmp_path / "loc.ducklake")),
        ("loc.ducklake", "ducklake:./loc.ducklake"),
        (str(db), f"ducklake:{db}"),
    ):
        result = run("copy", src, dst)
        _one_line_error(result, f"SRC {src} and DST {dst} are the same store", code=2)
    _assert_same_tables("ducklake:loc.ducklake", before)


def test_copying_a_team_store_onto_itself_is_refused_however_its_catalog_is_written(
    team_db: str, pg_server: PgServer, monkeypatch: pytest.MonkeyPatch
):
    """One PostgreSQL catalog written two ways (a URI, keywords in another order, a
    value quoted, the port left to PGPORT) was two stores to copy's check, so copying a
    store onto itself went ahead. The server and database decide, as libpq reads them."""
    dbname, port = team_db.split("dbname=")[1].split()[0], pg_server.port
    monkeypatch.setenv("PGPORT", str(port))
    before = _tables(team_db)
    run = make_runner(team_db)
    for other in (
        f"postgresql://trendlab@localhost:{port}/{dbname}",
        f"postgres:///{dbname}?host=LOCALHOST&user=trendlab",
        f"user=trendlab port={port} host=localhost dbname='{dbname}'",
        f"dbname={dbname} host=localhost user=trendlab",
    ):
        result = run("copy", team_db, f"ducklake:postgres:{other}")
        _one_line_error(result, f"and DST ducklake:postgres:{other} are the same store", code=2)
    _assert_same_tables(team_db, before)
    # Another database, port or host is another store.
    for other in (f"{dbname}_2 port={port}", f"{dbname} port=1", f"{dbname} host=db.lab"):
        assert not same_store(team_db, f"ducklake:postgres:host=localhost dbname={other}")
    # A '?' in a URI's password is the password's, as libpq reads it: both were read as
    # host u, port a, so two stores on other servers were one.
    one, two = (f"ducklake:postgres:postgresql://u:a?b@{h}/db" for h in ("h1", "h2"))
    assert not same_store(one, two)
    assert lake.LakeLocation.parse(one).database()[::3] == ("h1", "db")


def test_copying_a_team_store_onto_itself_by_another_host_spelling_is_refused(
    team_db: str, pg_server: PgServer
):
    """localhost, 127.0.0.1 and the server's socket directory reach one server, which
    the strings cannot tell: the copy went ahead ('already has all 1 changeset', exit
    0). The server says which cluster and database each catalog is."""
    dbname, port = team_db.split("dbname=")[1].split()[0], pg_server.port
    before = _tables(team_db)
    run = make_runner(team_db)
    for host in ("127.0.0.1", str(pg_server.root)):
        other = f"ducklake:postgres:dbname={dbname} host={host} port={port} user=trendlab"
        _one_line_error(
            run("copy", team_db, other),
            f"trendlab: error: SRC {team_db} and DST {other} are the same store: give another DST",
            code=2,
        )
    _assert_same_tables(team_db, before)


# -- concurrent writers ---------------------------------------------------------------------


def _edit(store: Store, changes: dict[str, str | None], message: str) -> Changeset:
    cs = Changeset(store, "tester", message)
    cs.__enter__()
    cs.edit(get_kind("results"), "minerva-540b/math", changes)
    return cs


def test_two_writers_editing_one_record_keep_both_revisions(team_db: str, pg_server: PgServer):
    first = Store.open(team_db, read_only=False)
    second = Store.open(team_db, read_only=False)
    try:
        # Both read revision 1; the first commits revision 2; the second's commit
        # then conflicts, and its edit is redone on top of revision 2.
        a = _edit(first, {"score": "50.4"}, "typo in the table")
        b = _edit(second, {"notes": "checked against the paper"}, "note")
        a.__exit__(None, None, None)
        b.__exit__(None, None, None)
        assert a.id and b.id and a.id < b.id
    finally:
        first.close()
        second.close()
    run = make_runner(team_db)
    history = json.loads(run("history", "result", "minerva-540b/math", "--json").stdout)
    assert [(h["revision"], h["op"], h["message"]) for h in history] == [
        (1, "insert", "load seed data"),
        (2, "update", "typo in the table"),
        (3, "update", "note"),
    ]
    [noted] = history[2]["changes"]  # made on top of revision 2: no score
    assert noted.startswith("notes: ") and noted.endswith("-> checked against the paper")
    now = json.loads(run("show", "result", "minerva-540b/math", "--json").stdout)
    assert (now["score"], now["notes"]) == (50.4, "checked against the paper")
    then = json.loads(run("show", "result", "minerva-540b/math", "--json", "--as-of", a.id).stdout)
    assert then["score"] == 50.4 and then["notes"] != now["notes"]
    assert run("check").exit_code == 0
    # Losing a race leaves no catalog connection behind.
    assert pg_server.connections(team_db.split("dbname=")[1].split()[0]) == 0


def test_an_import_that_loses_a_race_merges_again_on_the_new_state(team_db: str, tmp_path: Path):
    from trendlab.adapters import read_source
    from trendlab.adapters.apply import apply

    # A price list restating GPT-4o's launch price and adding one new price.
    vendor = tmp_path / "openai.json"
    history = [{"input": 5, "output": 15, "from_date": "2024-05-13", "to_date": "2024-08-06"}]
    new = [{"input": 0.1, "output": 0.4, "from_date": "2025-06-01", "to_date": None}]
    models = [
        {"id": "gpt-4o", "name": "GPT-4o", "price_history": history},
        {"id": "gpt-4o-mini", "name": "GPT-4o mini", "price_history": new},
    ]
    vendor.write_text(json.dumps({"vendor": "openai", "models": models}))
    importer, editor = (Store.open(team_db, read_only=False) for _ in range(2))
    try:
        imported = Changeset(importer, "alice", "import the list")
        imported.__enter__()
        outcome = apply(read_source("llm-prices", str(vendor)), imported)
        # Meanwhile bob notes something on the launch price, and commits first.
        edited = Changeset(editor, "bob", "a note")
        edited.__enter__()
        edited.edit(get_kind("prices"), "gpt-4o/OpenAI/2024-05-13", {"notes": "bob's note"})
        edited.__exit__(None, None, None)
        imported.__exit__(None, None, None)  # conflicts, and runs the import again
    finally:
        importer.close()
        editor.close()
    run = make_runner(team_db)
    launch = json.loads(run("show", "price", "gpt-4o/OpenAI/2024-05-13", "--json").stdout)
    assert launch["notes"] == "bob's note"  # the restatement changes nothing
    history = json.loads(run("history", "price", "gpt-4o/OpenAI/2024-05-13", "--json").stdout)
    assert [h["message"] for h in history] == ["load seed data", "a note"]
    assert run("show", "price", "gpt-4o-mini/OpenAI/2025-06-01").exit_code == 0
    assert outcome.absent  # the last run's outcome: what the list lacks, as before


def test_a_commit_the_catalog_refuses_says_why(team_db: str, pg_server: PgServer):
    dbname = team_db.split("dbname=")[1].split()[0]
    reader = f"reader_{dbname}"
    pg_server.sql(dbname, f"CREATE ROLE {reader} LOGIN")
    pg_server.sql(dbname, f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}")
    as_reader = re.sub(r"user=\S+", f"user={reader}", team_db)
    shown = make_runner(team_db)("show", "model", "gpt-4", "--csv").stdout
    result = make_runner(as_reader)("edit", "model", "gpt-4", "--set", "notes=x", "-m", "x")
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "\n" not in line and line.endswith("; nothing was written")
    # DuckLake's "TransactionContext Error: Failed to commit: Failed to commit DuckLake
    # transaction." came before PostgreSQL's reason, in brackets.
    said = "could not commit the changeset: the catalog's PostgreSQL says: permission denied"
    assert line.startswith(f"trendlab: error: {said} for table ducklake_"), line
    assert make_runner(team_db)("show", "model", "gpt-4", "--csv").stdout == shown


def test_a_read_the_catalog_refuses_says_why(team_db: str, pg_server: PgServer, tmp_path: Path):
    # A role granted the catalog's tables before DuckLake made more of them (one per
    # table's small writes at each schema version) is refused those: said in DuckLake's
    # words, a quoted COPY query as a "database error".
    dbname = team_db.split("dbname=")[1].split()[0]
    reader = f"late_reader_{dbname}"
    pg_server.sql(dbname, f"CREATE ROLE {reader} LOGIN")
    pg_server.sql(dbname, f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}")
    for table in pg_server.sql(
        dbname,
        "SELECT tablename FROM pg_tables WHERE tablename ~ '^ducklake_inlined_data_\\d+_\\d+$'",
    ).split():
        pg_server.sql(dbname, f"REVOKE SELECT ON {table} FROM {reader}")
    as_reader = re.sub(r"user=\S+", f"user={reader}", team_db)
    for args in (("list", "models"), ("copy", as_reader, str(tmp_path / "backup.duckdb"))):
        result = make_runner(as_reader)(*args)
        store = "SRC" if args[0] == "copy" else "team store"
        _one_line_error(
            result,
            f"cannot read {store} {as_reader}: its catalog's PostgreSQL says: permission denied "
            "for table ducklake_inlined_data_",
            "ALTER DEFAULT PRIVILEGES",
        )
        assert "COPY" not in result.stderr


def _version_1_store(location: str, data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new team store made as a trendlab of schema version 1 made it."""
    first = db_module.migrations()[:1]
    with monkeypatch.context() as patch:
        patch.setattr(db_module, "migrations", lambda: first)
        made = make_runner(location)("--data-path", str(data), "init", "--empty")
        assert made.exit_code == 0, made.output


def _schema_versions(location: str) -> list[int]:
    con = lake.connect(location, read_only=True, create=False, data_path=None, lock_timeout=5)
    try:
        rows = con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    finally:
        lake.disconnect(con)
    return [version for (version,) in rows]


def test_a_refused_write_leaves_an_older_team_store_as_it_was(
    pg_server: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """As a DuckDB file's (tests/test_migrations.py): the upgrade commits with the
    write, or not at all, so the members still on the older trendlab keep the store."""
    for location in (new_team_store(pg_server), f"ducklake:{tmp_path / 'old.ducklake'}"):
        _version_1_store(location, tmp_path / location[-8:], monkeypatch)
        run = make_runner(location)
        refused = run("add-result", "nosuch", "nob", "5")
        assert refused.exit_code == 1 and "nothing was written" in refused.stderr
        assert _schema_versions(location) == [1]
        assert run("add-model", "m1", "-m", "one").exit_code == 0
        assert _schema_versions(location) == list(range(1, latest_version() + 1))
        assert run("alias", "add", "m1", "m-one").exit_code == 0


def test_two_writers_upgrading_an_older_team_store_at_once_both_write(
    pg_server: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Each upgrades the store in its own write's transaction: the one that commits
    second conflicts with the first and runs again on the upgraded store."""
    location = new_team_store(pg_server)
    _version_1_store(location, tmp_path, monkeypatch)
    stores = [Store.open(location, read_only=False, migrate=True) for _ in range(2)]
    models = get_kind("models")
    try:
        changesets = [Changeset(store, "tester", f"model {n}") for n, store in enumerate(stores)]
        for n, cs in enumerate(changesets):
            cs.__enter__()
            cs.write(models, rows_frame(models, [{"slug": f"m{n}"}]), mode="add")
        for cs in changesets:
            cs.__exit__(None, None, None)
    finally:
        for store in stores:
            store.close()
    assert all(cs.id is not None for cs in changesets)
    assert _schema_versions(location) == list(range(1, latest_version() + 1))
    listed = make_runner(location)("list", "models", "--csv").stdout
    assert "m0" in listed and "m1" in listed


def test_two_writers_adding_the_same_record_write_it_once(team_db: str):
    stores = [Store.open(team_db, read_only=False) for _ in range(2)]
    results = get_kind("results")
    row = rows_frame(results, [{"model": "gpt-4", "benchmark": "gsm8k", "score": "91"}])
    try:
        changesets = [Changeset(store, "tester", "same result") for store in stores]
        for cs in changesets:
            cs.__enter__()
            cs.write(results, row, mode="add")
        for cs in changesets:
            cs.__exit__(None, None, None)
    finally:
        for store in stores:
            store.close()
    assert changesets[0].id is not None and changesets[1].id is None
    assert changesets[1].counts["results"].unchanged == 1
    log = json.loads(make_runner(team_db)("log", "--json").stdout)
    assert [entry["message"] for entry in log] == ["same result", "load seed data"]


def test_an_init_whose_seeds_lost_a_race_loads_no_shipped_cache(
    empty_team_db: str, monkeypatch: pytest.MonkeyPatch
):
    """Whether the store was new was asked before the seeds were written: when another
    member's write committed first, the seeds were written again on top of it, and the
    cache shipped for the seeds alone was loaded under their changeset, for a mmlu
    that was the other member's (a ceiling of 60)."""
    import trendlab.seeds

    load_seeds = trendlab.seeds.load_seeds
    benchmarks = get_kind("benchmarks")
    row = {"slug": "mmlu", "name": "M", "unit": "percent", "floor": "25", "ceiling": "60"}

    def another_member_first(cs: Changeset) -> None:
        other = Store.open(empty_team_db, read_only=False)
        try:
            with Changeset(other, "bob", "his mmlu") as bobs:
                bobs.write(benchmarks, rows_frame(benchmarks, [row]), mode="add")
        finally:
            other.close()
        load_seeds(cs)

    monkeypatch.setattr(trendlab.seeds, "load_seeds", another_member_first)
    run = make_runner(empty_team_db)
    result = run("init")
    assert result.exit_code == 0, result.output
    assert "1 of them differ from these seeds" in result.stderr
    log = json.loads(run("log", "--json").stdout)
    assert [entry["message"] for entry in log] == ["load seed data", "his mmlu"]
    cached = run("query", "SELECT count(*) AS n FROM forecast_cache", "--json")
    assert json.loads(cached.stdout) == [{"n": 0}]


def test_two_writers_migrating_at_once_apply_it_once(team_db: str, monkeypatch: pytest.MonkeyPatch):
    extra = Migration(latest_version() + 1, "extra", "CREATE VIEW extra AS SELECT 1 AS x;")
    first = Store.open(team_db, read_only=False)
    second = Store.open(team_db, read_only=False)
    claim = Store.claim_head

    def second_gets_in_first(self: Store, changeset_id: str | None) -> None:
        claim(self, changeset_id)
        if self is first and second.schema_version() < extra.version:
            assert second._apply(extra)

    monkeypatch.setattr(Store, "claim_head", second_gets_in_first)
    try:
        assert first._apply(extra) is False  # it lost the race, then found it done
        assert (
            first.scalar(
                "SELECT count(*) FROM schema_migrations WHERE version = ?", [extra.version]
            )
            == 1
        )
        assert first.scalar("SELECT x FROM extra") == 1
    finally:
        first.close()
        second.close()


def test_a_migration_applied_since_the_version_was_read_is_not_applied_again(team_db: str):
    """A writer that read the schema version before another applied a migration tried
    to create its tables again and failed with "Catalog Error: ... already exists"."""
    extra = Migration(latest_version() + 1, "extra", "CREATE VIEW extra AS SELECT 1 AS x;")
    first = Store.open(team_db, read_only=False)
    second = Store.open(team_db, read_only=False)
    try:
        assert second._apply(extra)
        assert first._apply(extra) is False
        assert first.scalar("SELECT count(*) FROM schema_migrations WHERE version = ?",
                            [extra.version]) == 1  # fmt: skip
    finally:
        first.close()
        second.close()


def test_members_creating_one_new_store_at_once_all_succeed(pg_server: PgServer, tmp_path: Path):
    """Two or three `init`s of one new catalog at once: all but one failed, with
    DuckLake's raw 'Failed to initialize DuckLake: ... relation "ducklake_metadata"
    already exists' (or a duplicate key) or 'Table with name ... already exists'."""
    for attempt in range(2):
        location = new_team_store(pg_server)
        procs = [
            subprocess.Popen(
                [
                    *TRENDLAB,
                    location,
                    "--data-path",
                    str(tmp_path / f"data-{attempt}"),
                    "init",
                    "--empty",
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            for _ in range(3)
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, (attempt, err)
        versions = make_runner(location)(
            "query", "SELECT version FROM schema_migrations ORDER BY 1", "--csv"
        )
        assert versions.stdout.split()[1:] == [str(v) for v in range(1, latest_version() + 1)]


@both_stores
def test_revision_numbers_written_twice_around_trendlab(run: Run, store_location: str):
    """What if two writers both wrote revision 2 (possible only around trendlab)?"""
    key = "minerva-540b"
    store = Store.open(store_location, read_only=False)
    try:
        for second, name in ((1, "first"), (2, "second")):
            changeset_id = f"07000000000000000{second}"
            store.con.execute(
                "INSERT INTO changesets VALUES (?, ?, 'someone', ?)",
                [changeset_id, datetime(2030, 1, 1, 0, 0, second), name],
            )
            store.con.execute(
                "INSERT INTO model_revisions SELECT ?, key, 2, 'update', slug, ?, organization, "
                "release_date, parameters, training_compute_flop, training_tokens, "
                "open_weights, notes, source_url FROM model_revisions WHERE key = ? AND revision = 1",
                [changeset_id, name, key],
            )
    finally:
        store.close()
    history = json.loads(run("history", "model", key, "--json").stdout)
    assert [(h["revision"], h["name"]) for h in history] == [
        (1, "Minerva (540B)"),
        (2, "first"),
        (3, "second"),
    ]
    assert json.loads(run("show", "model", key, "--json").stdout)["name"] == "second"
    assert run("list", "models", "--csv").stdout.count("\nminerva-540b,") == 1
    found = json.loads(run("check", "--json").stdout)
    assert {
        "check": "10_revision_numbers",
        "kind": "models",
        "key": key,
        "problem": "revision 2 written 2 times",
    } in found


def test_local_lake_is_locked_while_another_process_writes(tmp_path: Path):
    location = f"ducklake:{tmp_path / 'team.ducklake'}"
    assert make_runner(location)("init", "--empty").exit_code == 0
    code = textwrap.dedent(f"""
        import sys
        from trendlab.db import Migration, Store, latest_version
        store = Store.open({location!r}, read_only=False)
        print("locked", flush=True)
        sys.stdin.read()
    """)
    holder = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        result = make_runner(location)("--lock-timeout", "0", "add-model", "locked-out")
        _one_line_error(result, "is locked by another process", f"PID {holder.pid}")
    finally:
        holder.communicate("")
    assert make_runner(location)("add-model", "locked-out").exit_code == 0


@contextmanager
def _catalog_locked(team_db: str, pg_server: PgServer, mode: str) -> Iterator[str]:
    """A psql session holding the catalog's snapshot table in `mode` until the block
    ends; yields the store's database name."""
    with _psql_holding(team_db, pg_server, f"LOCK TABLE ducklake_snapshot IN {mode} MODE") as db:
        yield db


@contextmanager
def _psql_holding(team_db: str, pg_server: PgServer, statement: str) -> Iterator[str]:
    """A psql session that runs `statement` in a transaction on the store's catalog
    and keeps it open until the block ends; yields the store's database name."""
    dbname = re.search(r"dbname=(\S+)", team_db)[1]  # type: ignore[index]
    psql = pg_bin("psql")
    assert psql
    holder = subprocess.Popen(
        [psql, "-qX", "-h", pg_server.host, "-p", str(pg_server.port), "-U", "trendlab", dbname],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdin is not None and holder.stdout is not None
    try:
        holder.stdin.write(f"BEGIN; {statement};\n\\echo locked\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "locked"
        yield dbname
    finally:
        holder.communicate("ROLLBACK;\n")


def _locked(location: str) -> list[str]:
    """The error for a locked catalog, naming the store (it said "a team store")."""
    return [
        f"trendlab: error: team store {location} is locked: another session holds a table "
        "of its catalog; try again when it finishes, or wait longer with --lock-timeout "
        "SECONDS"
    ]


def _in_a_process(
    location: str, *args: str, lock_timeout: str = "2", env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess, float]:
    """trendlab in a process of its own (without a lock timeout it would hang for ever),
    and how many seconds it took."""
    started = datetime.now()
    done = subprocess.run(
        [*TRENDLAB, location, "--lock-timeout", lock_timeout, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    return done, (datetime.now() - started).total_seconds()


def test_a_catalog_locked_by_another_session_is_waited_for_then_reported(
    team_db: str, pg_server: PgServer
):
    with _catalog_locked(team_db, pg_server, "ACCESS EXCLUSIVE") as dbname:
        uri = f"ducklake:postgres:postgresql://trendlab@localhost:{pg_server.port}/{dbname}"
        for location in (team_db, uri):
            waited, seconds = _in_a_process(location, "log")
            assert waited.returncode == 1, waited.stderr
            assert waited.stderr.strip().splitlines() == _locked(location)
            assert 2 <= seconds < 30
    assert make_runner(team_db)("--lock-timeout", "2", "log").exit_code == 0
    assert make_runner(uri + "?application_name=mine")("log").exit_code == 0


def test_a_relation_names_the_store_whose_catalog_is_locked(team_db: str, pg_server: PgServer):
    """query runs SQL that holds an INTERVAL again as a relation (Store.relation), to
    write it as text. A catalog locked there was `query failed: Binder Error: Failed to
    query most recent snapshot for DuckLake: ...`, not the lock Store.execute names."""
    store = Store.open(team_db, lock_timeout=1)
    try:
        with (
            _catalog_locked(team_db, pg_server, "ACCESS EXCLUSIVE"),
            pytest.raises(TrendlabError) as raised,
        ):
            store.relation("SELECT INTERVAL 1 DAY AS i FROM models")
        assert [f"trendlab: error: {raised.value.message}"] == _locked(team_db)
    finally:
        store.close()


def test_an_options_of_ones_own_keeps_the_lock_wait(team_db: str, pg_server: PgServer):
    """libpq takes the last `options` given: one in the user's connection string
    replaced trendlab's lock_timeout, and a locked catalog then hung the command for
    ever, Ctrl-C included. The two are merged, the user's last."""
    with _catalog_locked(team_db, pg_server, "ACCESS EXCLUSIVE") as dbname:
        uri = f"ducklake:postgres:postgresql://trendlab@localhost:{pg_server.port}/{dbname}"
        for location in (
            f"{team_db} options='-c search_path=public'",
            f"{uri}?options=-c%20search_path%3Dpublic",
        ):
            waited, seconds = _in_a_process(location, "log")
            assert waited.returncode == 1, waited.stderr
            assert waited.stderr.strip().splitlines() == _locked(location)
            assert 2 <= seconds < 30
    # The user's own option still applies: here, every transaction read-only.
    read_only = f"{team_db} options = '-c default_transaction_read_only=on'"
    assert make_runner(read_only)("log").exit_code == 0
    refused = make_runner(read_only)("add-model", "not-written", "-m", "t")
    assert refused.exit_code == 1 and "read-only transaction" in refused.stderr, refused.stderr
    assert make_runner(team_db)("show", "model", "not-written").exit_code == 1


@pytest.mark.parametrize(
    ("given", "options", "rest"),
    [
        ("dbname=x host=h", "-c lock_timeout=2000", "dbname=x host=h"),
        ("dbname = 'a b' options='-c x=1'", "-c lock_timeout=2000 -c x=1", "dbname='a b'"),
        ("options=-cx=\\'1 password='it\\'s'", "-c lock_timeout=2000 -cx='1", "password='it\\'s'"),
        ("options='-c lock_timeout=0'", "-c lock_timeout=2000 -c lock_timeout=0", ""),
        ("dbname=x 'unparsed", "-c lock_timeout=2000", "dbname=x 'unparsed"),
        # libpq reads a quote inside an unquoted value, and an empty value, as they are:
        # these strings were passed on whole, and the user's options replaced ours.
        ("password=it's options='-c x=1'", "-c lock_timeout=2000 -c x=1", "password=it's"),
        ("options='-c x=1' host=", "-c lock_timeout=2000 -c x=1", "host="),
    ],
)
def test_a_keyword_value_options_is_merged(
    given: str, options: str, rest: str, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("PGOPTIONS", raising=False)
    escaped = options.replace("'", "\\'")
    assert lake._with_lock_timeout(f"postgres:{given}", 2) == f"postgres:options='{escaped}' {rest}"


def test_a_uri_options_is_merged_whatever_its_name_is_encoded_as(
    monkeypatch: pytest.MonkeyPatch,
):
    """libpq percent-decodes a URI parameter's name as well as its value."""
    monkeypatch.delenv("PGOPTIONS", raising=False)
    merged = lake._with_lock_timeout("postgres:postgresql://h/db?%6Fptions=-c%20x%3D1&a=b", 2)
    assert merged == "postgres:postgresql://h/db?options=-c%20lock_timeout%3D2000%20-c%20x%3D1&a=b"


def test_a_lock_timeout_longer_than_postgresql_takes_waits_its_longest(team_db: str):
    """PostgreSQL's lock_timeout holds at most 2**31 - 1 ms: --lock-timeout 1e9 (wait as
    long as it takes) was sent as 1000000000000 ms, and the server refused every
    connection to the catalog ("invalid value for parameter lock_timeout")."""
    assert "lock_timeout=2147483647'" in lake._with_lock_timeout("postgres:dbname=x", 1e300)
    result = make_runner(team_db)("--lock-timeout", "1e9", "log", "--limit", "1")
    assert result.exit_code == 0, result.stderr


def test_a_commit_that_waits_on_a_locked_catalog_is_reported_alike(
    team_db: str, pg_server: PgServer
):
    """Readers pass a SHARE lock; a write's commit waits for it, then says why."""
    with _catalog_locked(team_db, pg_server, "SHARE"):
        assert make_runner(team_db)("--lock-timeout", "2", "log").exit_code == 0
        waited, _ = _in_a_process(team_db, "add-model", "locked-out", "-m", "t")
        assert waited.returncode == 1, waited.stderr
        assert waited.stderr.strip().splitlines() == _locked(team_db)
    assert make_runner(team_db)("list", "models", "--csv").stdout.count("locked-out") == 0


def test_copy_names_the_store_whose_catalog_is_locked(
    db: Path, team_db: str, empty_team_db: str, pg_server: PgServer, tmp_path: Path
):
    """copy holds two stores, and a lock wait's error does not say whose catalog it
    was: it named the --db store, here neither of them. Now it names SRC or DST, met
    opening the store, reading it, or at the commit."""
    copy = make_runner(tmp_path / "elsewhere.duckdb")
    backup = tmp_path / "backup.duckdb"

    def refused(role: str, location: str, *args: str) -> None:
        result = copy("--lock-timeout", "1", "copy", *args)
        assert (result.exit_code, result.stdout) == (1, ""), result.stderr
        assert result.stderr.strip().splitlines() == [
            _locked(location)[0].replace(f"team store {location}", f"{role} {location}")
        ]

    with _catalog_locked(team_db, pg_server, "ACCESS EXCLUSIVE"):
        refused("SRC", team_db, team_db, str(backup))
    # A table that only copying reads: the lock is met after opening both stores.
    dbname = re.search(r"dbname=(\S+)", team_db)[1]  # type: ignore[index]
    inlined = pg_server.sql(
        dbname,
        "SELECT string_agg(i.table_name, ', ') FROM ducklake_inlined_data_tables i "
        "JOIN ducklake_table t USING (table_id) WHERE t.table_name = 'alias_revisions'",
    )
    with _psql_holding(team_db, pg_server, f"LOCK TABLE {inlined} IN ACCESS EXCLUSIVE MODE"):
        refused("SRC", team_db, team_db, str(backup))
    assert not backup.exists()
    with _catalog_locked(empty_team_db, pg_server, "SHARE"):
        refused("DST", empty_team_db, str(db), empty_team_db)
    assert make_runner(empty_team_db)("log", "--csv").stdout.count("\n") == 1


# What a writer queues on (lake.writers_queue), as another session would hold it.
QUEUE_HELD = "DO $$BEGIN PERFORM pg_advisory_xact_lock(1953656420, 1); END$$"


def _until_queued(pg_server: PgServer, dbname: str, writer: subprocess.Popen[str]) -> bool:
    """Wait until `writer` waits for its place in the store's queue (True), or has
    exited without (False): what pg_locks shows, however slow the machine."""
    waiting = (
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    while writer.poll() is None:
        if pg_server.sql(dbname, waiting) != "0":
            return True
        time.sleep(0.2)
    return False


def _started(location: str, *args: str) -> subprocess.Popen[str]:
    """trendlab started in a process of its own, willing to wait a minute."""
    return subprocess.Popen(
        [*TRENDLAB, location, "--lock-timeout", "60", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_commit_waits_for_the_writer_ahead_of_it(team_db: str, pg_server: PgServer):
    with _psql_holding(team_db, pg_server, QUEUE_HELD) as dbname:
        writer = _started(team_db, "add-model", "queued", "-m", "t")
        queued = _until_queued(pg_server, dbname, writer)
        shown = make_runner(team_db)("show", "model", "queued")
    _, stderr = writer.communicate(timeout=60)
    assert queued and shown.exit_code == 1
    assert writer.returncode == 0, stderr
    assert make_runner(team_db)("show", "model", "queued").exit_code == 0


def test_a_copy_into_a_team_store_waits_for_the_writer_ahead_of_it(
    db: Path, empty_team_db: str, pg_server: PgServer
):
    """A copy queues for its commit as a changeset does (see transfer.copy_store)."""
    with _psql_holding(empty_team_db, pg_server, QUEUE_HELD) as dbname:
        copying = _started(str(db), "copy", str(db), empty_team_db)
        queued = _until_queued(pg_server, dbname, copying)
        meanwhile = make_runner(empty_team_db)("log", "--csv")
    _, stderr = copying.communicate(timeout=120)
    assert queued and meanwhile.exit_code == 0 and meanwhile.stdout.count("\n") == 1
    assert copying.returncode == 0, stderr
    _assert_same_tables(empty_team_db, str(db))


def test_ctrl_c_while_queued_stops_the_write(team_db: str, pg_server: PgServer):
    """DuckDB cannot interrupt the wait; the Ctrl-C is kept for when it ends, and no
    error of the wait's (see lake.writers_queue) lets the write go ahead."""
    with _psql_holding(team_db, pg_server, QUEUE_HELD) as dbname:
        writer = _started(team_db, "add-model", "stopped", "-m", "t")
        assert _until_queued(pg_server, dbname, writer)
        writer.send_signal(signal.SIGINT)
    _, stderr = writer.communicate(timeout=60)
    assert writer.returncode == 130, stderr
    assert make_runner(team_db)("show", "model", "stopped").exit_code == 1


def test_a_writer_that_waited_its_lock_timeout_goes_ahead(team_db: str, pg_server: PgServer):
    """The queue only saves redoing work: a writer held up past --lock-timeout still
    writes (racing, as writers did before the queue), rather than failing."""
    with _psql_holding(team_db, pg_server, QUEUE_HELD):
        done, seconds = _in_a_process(
            team_db, "add-model", "impatient", "-m", "t", lock_timeout="6"
        )
        shown = make_runner(team_db)("show", "model", "impatient")
    assert done.returncode == 0, done.stderr
    assert seconds >= 6 and shown.exit_code == 0


def test_a_writer_that_cannot_queue_still_writes(team_db: str, pg_server: PgServer):
    """Any error taking its place (here a statement_timeout shorter than the wait,
    as a role or PGOPTIONS may set) leaves the writer to race, as the lock timeout
    does: the queue never fails a write."""
    env = {**os.environ, "PGOPTIONS": "-c statement_timeout=2000"}
    with _psql_holding(team_db, pg_server, QUEUE_HELD):
        done, _ = _in_a_process(
            team_db, "add-model", "timed-out", "-m", "t", lock_timeout="60", env=env
        )
        shown = make_runner(team_db)("show", "model", "timed-out")
    assert done.returncode == 0, done.stderr
    assert shown.exit_code == 0


def test_a_write_leaves_no_place_in_the_queue_behind(team_db: str, pg_server: PgServer):
    """Nor does a commit the catalog refuses: each is seen while its store is open."""
    dbname = team_db.split("dbname=")[1].split()[0]
    reader = f"reader_{dbname}"
    pg_server.sql(dbname, f"CREATE ROLE {reader} LOGIN")
    pg_server.sql(dbname, f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}")
    held = (
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    models = get_kind("models")
    left = []
    for location in (team_db, re.sub(r"user=\S+", f"user={reader}", team_db)):
        store = Store.open(location, read_only=False)
        try:
            with contextlib.suppress(TrendlabError), Changeset(store, "t", "m") as cs:
                cs.write(models, rows_frame(models, [{"slug": f"by-{location[-6:]}"}]))
            left.append(pg_server.sql(dbname, held))
        finally:
            store.close()
    assert left == ["0", "0"]
    # The first wrote, the second was refused at its commit, having queued for it.
    shown = make_runner(team_db)("list", "models", "--csv").stdout
    assert shown.count("by-") == 1


@pytest.mark.slow(seconds=600)
def test_four_processes_adding_200_results_each(team_db: str):
    writers = [
        subprocess.Popen(
            [sys.executable, str(WRITER), team_db, str(w), "200"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(4)
    ]
    try:
        for writer in writers:
            assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        # Every writer is told to go before any is waited for: communicate() would
        # wait for the first to finish before the second had started.
        for writer in writers:
            assert writer.stdin is not None
            writer.stdin.write("go\n")
            writer.stdin.flush()
        reports = [json.loads(writer.communicate(timeout=1800)[0]) for writer in writers]
    finally:
        for writer in writers:
            writer.kill()
            writer.wait()
    assert [r["failures"] for r in reports] == [[], [], [], []]
    # Queued for its commit (lake.writers_queue), a write is redone at most once: for
    # the writes committed while it did its work, never for one that came after.
    assert max(r["most_replays"] for r in reports) <= 1
    run = make_runner(team_db)
    counts = json.loads(
        run(
            "query",
            "SELECT (SELECT count(*) FROM results WHERE setting LIKE 'writer %') AS results, "
            "(SELECT count(DISTINCT id) FROM results WHERE setting LIKE 'writer %') AS keys, "
            "(SELECT count(*) FROM changesets WHERE message LIKE 'writer %') AS changesets, "
            "(SELECT count(*) FROM result_revisions WHERE setting LIKE 'writer %') AS revisions",
            "--json",
        ).stdout
    )[0]
    assert counts == {"results": 800, "keys": 800, "changesets": 800, "revisions": 800}
    check = run("check")
    assert check.exit_code == 0, check.stdout
    # One chain of changesets: recorded_at strictly increases with the id.
    log = json.loads(run("log", "--limit", "900", "--json").stdout)
    assert [e["changeset"] for e in log] == sorted((e["changeset"] for e in log), reverse=True)
    assert len({e["recorded_at"] for e in log}) == len(log)
    # They wrote at once: one after another, the log would change writer 3 times.
    order = [e["message"].split(",")[0] for e in log if e["message"].startswith("writer ")]
    assert sum(a != b for a, b in itertools.pairwise(order)) > 100


def test_a_forecast_reads_one_state_of_a_team_store_a_writer_changes_meanwhile(
    team_db: str, monkeypatch: pytest.MonkeyPatch
):
    """A result committed by another member while a forecast reads (after its points,
    before its data versions) is not half seen: the curve fitted to the points read is
    not cached under the version the new result makes, where every later forecast would
    take it, but the answer is the one a store without a cache gives."""
    run = make_runner(team_db)
    read_versions = Store.data_versions
    landed: list[int] = []

    def a_writer_commits_first(store: Store, *, prices: bool) -> dict[str, str]:
        if not landed:
            added = run("add-result", "gpt-4", "math", "99", "--date", "2025-06-01", "-m", "t")
            landed.append(added.exit_code)
        return read_versions(store, prices=prices)

    monkeypatch.setattr(Store, "data_versions", a_writer_commits_first)
    assert run("forecast", "math", "--family", "logistic", "--json").exit_code == 0
    monkeypatch.undo()
    assert landed == [0]
    after = run("forecast", "math", "--family", "logistic", "--json")
    assert after.exit_code == 0, after.stderr
    store = Store.open(team_db, read_only=False)
    try:
        store.execute("DELETE FROM forecast_cache")
    finally:
        store.close()
    assert run("forecast", "math", "--family", "logistic", "--json").stdout == after.stdout
