"""The store: creation, migrations, schema versions, locking, read-only access."""

from __future__ import annotations

import errno
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from tests.conftest import Run, changeset_around, overwrite_a_block_of, process_imports
from tests.test_migrations import make_database
from trendlab import lake
from trendlab.cli import cli
from trendlab.db import Store, latest_version, migrations
from trendlab.errors import TrendlabError


def test_migrations_are_numbered_in_order():
    versions = [m.version for m in migrations()]
    assert versions == sorted(versions) == list(range(1, len(versions) + 1))


def test_init_records_every_migration(empty_db: Path):
    rows = _fetched(empty_db, "SELECT version, name FROM schema_migrations ORDER BY version")
    assert [r[0] for r in rows] == [m.version for m in migrations()]
    assert rows[0][1] == "init"


def _fetched(path: Path, sql: str) -> list[tuple[Any, ...]]:
    """The rows of `sql` on the DuckDB file at `path`, read as another process would."""
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def _counts(path: Path) -> list[int]:
    tables = ("changesets", "revisions", "forecast_cache", "schema_migrations")
    counts = ", ".join(f"(SELECT count(*) FROM {t})" for t in tables)
    return list(_fetched(path, f"SELECT {counts}")[0])


@pytest.mark.parametrize("failing", ["load_seeds", "load_forecast_cache"])
@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
def test_an_init_of_a_new_file_stopped_part_way_leaves_nothing(
    tmp_path: Path, seeded_template: Path, monkeypatch, failing: str, error: type
):
    """The schema and the seeds committed one after the other: an `init` stopped in
    between left a valid, empty store, which `check` passed and nothing called
    incomplete. A new file is built beside its path and put there whole."""
    import trendlab.seeds

    def fail(*args: object) -> None:
        raise error("stopped")

    path = tmp_path / "new.duckdb"
    with monkeypatch.context() as patched:
        patched.setattr(trendlab.seeds, failing, fail)
        result = CliRunner().invoke(cli, ["--db", str(path), "init"])
    assert result.exit_code == (130 if error is KeyboardInterrupt else 70), result.output
    if error is KeyboardInterrupt:  # the seeds' commit went with the file: none is named
        assert result.stderr == "trendlab: interrupted\n"
    assert list(tmp_path.iterdir()) == []
    again = CliRunner().invoke(cli, ["--db", str(path), "init"])
    assert again.exit_code == 0, again.output
    assert "results: " in again.stderr and " added" in again.stderr
    assert _counts(path) == _counts(seeded_template)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.duckdb"]


def _killed_in_init(
    path: Path, at: str, sig: signal.Signals = signal.SIGKILL
) -> subprocess.CompletedProcess[str]:
    """An `init` of `path` sent `sig` (kill -9) as trendlab.seeds' `at` begins."""
    code = textwrap.dedent(f"""
        import os, signal
        import trendlab.seeds
        from trendlab.cli import cli

        def killed(*args):
            os.kill(os.getpid(), signal.{sig.name})

        trendlab.seeds.{at} = killed
        cli(["--db", {str(path)!r}, "init"])
    """)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


@pytest.mark.parametrize("at", ["load_seeds", "load_forecast_cache"])
def test_what_a_killed_init_left_the_next_one_removes(
    tmp_path: Path, seeded_template: Path, at: str
):
    """A build killed left its hidden folder, with the part-built file in it, for good:
    nothing reported or removed it. The next init or copy of that file removes it, and
    says so. Killed once its seeds committed, before the shipped forecast cache loaded,
    it left no store without that cache either (which `init` again would not load): the
    file is put in place only once both are in it."""
    path = tmp_path / "new.duckdb"
    assert _killed_in_init(path, at).returncode == -signal.SIGKILL
    (left,) = tmp_path.iterdir()
    assert left.name.startswith(".new.duckdb.init-") and (left / "new.duckdb").exists()
    changesets, _, cached, _ = _counts(left / "new.duckdb")
    assert (changesets, cached) == (1 if at == "load_forecast_cache" else 0, 0)
    result = CliRunner().invoke(cli, ["--db", str(path), "init"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        f"removed {left}, left by an init or copy that did not finish\n{path}: "
    ), result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["new.duckdb"]
    assert _counts(path) == _counts(seeded_template)


def test_a_copy_into_a_file_a_killed_init_put_in_place_removes_what_it_left(
    db: Path, tmp_path: Path
):
    """Killed once its file was in place, before it removed the hidden folder, an init
    left the folder beside a store; a copy into that store left it too."""
    path = tmp_path / "new.duckdb"
    code = textwrap.dedent(f"""
        import os, signal
        from trendlab.cli import cli

        link = os.link

        def killed(built, target):
            link(built, target)
            os.kill(os.getpid(), signal.SIGKILL)

        os.link = killed
        cli(["--db", {str(path)!r}, "init", "--empty"])
    """)
    killed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    (left,) = (p for p in tmp_path.iterdir() if p.name.startswith(".new.duckdb.init-"))
    result = CliRunner().invoke(cli, ["copy", str(db), str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        f"removed {left}, left by an init or copy that did not finish\ncopied 1 changeset"
    ), result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.duckdb", db.name]
    assert _counts(path)[:2] == _counts(db)[:2]


def test_an_init_sent_sigterm_stops_as_at_a_ctrl_c(tmp_path: Path):
    """A polite kill (SIGTERM) ended the process at once, leaving the new file's build
    in its hidden folder; it stops the command as a Ctrl-C does, saying so."""
    path = tmp_path / "new.duckdb"
    killed = _killed_in_init(path, "load_seeds", signal.SIGTERM)
    assert (killed.returncode, killed.stderr) == (143, "trendlab: terminated\n")
    assert list(tmp_path.iterdir()) == []


def test_a_sigterm_during_a_commit_is_held_only_where_the_cli_takes_it():
    """Commits hold SIGTERM as they hold a Ctrl-C, for the CLI, which stops a command
    on one as on a Ctrl-C. Held for a program using trendlab as a library too, it was
    dropped: the process, which no handler of its own asked to stay, went on."""
    code = textwrap.dedent("""
        import os, signal
        from trendlab.db import held_interrupts

        with held_interrupts():
            os.kill(os.getpid(), signal.SIGTERM)
        print("went on")
    """)
    ended = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (ended.returncode, ended.stdout) == (-signal.SIGTERM, "")


def test_a_left_folder_that_cannot_be_removed_is_not_said_removed(tmp_path: Path, monkeypatch):
    """Said to be left, with the OS's reason, as rmtree tells it of a read-only one."""
    path = tmp_path / "new.duckdb"
    assert _killed_in_init(path, "load_seeds").returncode == -signal.SIGKILL
    (left,) = tmp_path.iterdir()

    def unremovable(
        folder: Path, onerror: Any = None, onexc: Any = None, ignore_errors: bool = False
    ) -> None:
        error = PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(folder))
        if onexc is not None:
            onexc(os.rmdir, str(folder), error)
        elif onerror is not None:
            onerror(os.rmdir, str(folder), (PermissionError, error, None))
        elif not ignore_errors:
            raise error

    monkeypatch.setattr("shutil.rmtree", unremovable)
    result = CliRunner().invoke(cli, ["--db", str(path), "init", "--empty"])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"cannot remove {left}, left by an init or copy that did not finish: "
        f"Permission denied\n{path}: schema ready (no seeds loaded)\n"
    )


def test_a_build_still_running_keeps_its_folder(tmp_path: Path):
    """Only a build whose process is gone left its folder: one running holds a lock
    on it, even in this process."""
    path = tmp_path / "new.duckdb"
    running = Store.open(
        path, read_only=False, create=True, complete=True, migrate=True, whole=True
    )
    try:
        assert running.building is not None
        result = CliRunner().invoke(cli, ["--db", str(path), "init", "--empty"])
        assert result.exit_code == 0, result.output
        assert result.stderr == f"{path}: schema ready (no seeds loaded)\n"
        assert running.building.is_dir()
    finally:
        running.close()
    assert [p.name for p in tmp_path.iterdir()] == ["new.duckdb"]


def test_a_new_file_named_by_a_symbolic_link_is_built_aside_too(
    tmp_path: Path, seeded_template: Path, monkeypatch
):
    """A link to a file not there yet counted as a file there: built through the link
    in place, an init stopped part way left a valid, empty store at its end, and a copy
    that failed deleted the link. The file is built beside the one the link names."""
    import trendlab.seeds
    import trendlab.transfer

    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "t.duckdb"
    link.symlink_to(real / "t.duckdb")

    def fail(*args: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(trendlab.seeds, "load_seeds", fail)
        assert CliRunner().invoke(cli, ["--db", str(link), "init"]).exit_code == 130
        patched.setattr(trendlab.transfer, "_copy_once", fail)
        copied = CliRunner().invoke(cli, ["copy", str(seeded_template), str(link)])
        assert copied.exit_code == 130
    assert link.is_symlink() and list(real.iterdir()) == []
    result = CliRunner().invoke(cli, ["--db", str(link), "init"])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and [p.name for p in real.iterdir()] == ["t.duckdb"]
    assert _counts(link) == _counts(seeded_template)


def test_a_symbolic_link_into_no_directory_is_a_usage_error_naming_it(tmp_path: Path, db: Path):
    """A link to a file in a folder that does not exist: init and copy failed on "No
    such file or directory", exit 1, naming neither the folder nor why; a path given
    into no directory without a link was a usage error naming it."""
    link = tmp_path / "t.duckdb"
    link.symlink_to(tmp_path / "nowhere" / "t.duckdb")
    for args, named, hint in (
        (["--db", str(link), "init", "--empty"], "", "trendlab"),
        (["copy", str(db), str(link)], "DST ", "trendlab copy"),
    ):
        result = CliRunner().invoke(cli, args, prog_name="trendlab")
        assert (result.exit_code, result.stderr) == (
            2,
            f"trendlab: error: cannot create {named}{link}: no such directory "
            f"{tmp_path / 'nowhere'} (see '{hint} --help')\n",
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([db.name, link.name])


def test_a_file_named_as_a_folder_is_a_usage_error(tmp_path: Path, db: Path):
    """`--db x.duckdb/` (or x.duckdb/.) created x.duckdb, which the same --db could then
    not open; `--db .` is a folder, not an empty name; a link that loops is refused
    (it was built aside, then said another process had made it), as a usage error."""
    for args in (
        ["--db", f"{tmp_path}/x.duckdb/", "init"],
        ["--db", f"{tmp_path}/x.duckdb/.", "init"],
        ["copy", str(db), f"{tmp_path}/y/"],
    ):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert "ends as a folder's name does, not a DuckDB file's" in result.stderr
    for args in (["--db", str(tmp_path), "log"], ["--db", ".", "log"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2 and "a folder, not a DuckDB file" in result.stderr
    loop = tmp_path / "loop.duckdb"
    loop.symlink_to(loop)
    result = CliRunner().invoke(cli, ["--db", str(loop), "init", "--empty"])
    assert result.exit_code == 2 and "symbolic links" in result.stderr, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loop.duckdb", db.name]


def test_a_local_lake_named_without_its_prefix_is_named_with_it(tmp_path: Path):
    """`--db x.ducklake` (the README's ducklake:x.ducklake without ducklake:) said "not a
    trendlab database: it holds other tables (ducklake_column, ...); give --db a new
    file", sending its user away from their store."""
    catalog = tmp_path / "x.ducklake"
    made = CliRunner().invoke(cli, ["--db", f"ducklake:{catalog}", "init", "--empty"])
    assert made.exit_code == 0, made.output
    before = catalog.read_bytes()
    for args, whose in (
        (["--db", str(catalog), "log"], ""),
        (["--db", str(catalog), "init"], ""),
        (["copy", str(catalog), str(tmp_path / "y.duckdb")], "SRC "),
    ):
        result = CliRunner().invoke(cli, args)
        assert (result.exit_code, result.stdout) == (1, ""), (args, result.output)
        assert result.stderr == (
            f"trendlab: error: {whose}{catalog} is a DuckLake catalog, not a DuckDB store: "
            f"a local lake is ducklake:FILE, here ducklake:{catalog}\n"
        )
    assert catalog.read_bytes() == before and not (tmp_path / "y.duckdb").exists()


def test_an_empty_file_is_told_as_one_and_left_as_it_is(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
):
    """A file of 0 bytes (a `touch`, a `mktemp`) as --db, a local lake's catalog or
    copy's SRC was DuckDB's "exists, but it is not a valid DuckDB database file!" (a
    lake's run into another message on one line): now what it is, and the way out.
    Copy's SRC holds no store to copy: it was told, as a store to make is, that `init`
    or `copy` creates the store there."""
    monkeypatch.chdir(tmp_path)
    Path("empty.duckdb").touch()
    Path("empty.ducklake").touch()
    catalog = tmp_path / "empty.ducklake"
    made_there = "remove it, and `init` or `copy` creates the store there"
    file_said = (
        "trendlab: error: cannot open empty.duckdb: the file is empty (0 bytes), not a "
        f"DuckDB database: {made_there}\n"
    )
    lake_said = (
        f"trendlab: error: cannot open ducklake:empty.ducklake: {catalog} is empty "
        f"(0 bytes), not a DuckLake catalog: {made_there}\n"
    )
    source = str(tmp_path_factory.mktemp("src") / "src.duckdb")
    assert CliRunner().invoke(cli, ["--db", source, "init", "--empty"]).exit_code == 0
    for args, said in (
        (["--db", "empty.duckdb", "list", "models"], file_said),
        (["--db", "empty.duckdb", "init"], file_said),
        (["--db", "empty.duckdb", "add-model", "x", "-m", "x"], file_said),
        (["--db", "empty.duckdb", "migrate"], file_said),
        (
            ["copy", "empty.duckdb", "new.duckdb"],
            "trendlab: error: cannot open SRC empty.duckdb: the file is empty (0 bytes), "
            "not a DuckDB database, and holds no store to copy\n",
        ),
        (
            ["copy", "ducklake:empty.ducklake", "new.duckdb"],
            f"trendlab: error: cannot open SRC ducklake:empty.ducklake: {catalog} is empty "
            "(0 bytes), not a DuckLake catalog, and holds no store to copy\n",
        ),
        # As DST, an empty file is a store to make: named as copy's, with that way out.
        (["copy", source, "empty.duckdb"], file_said.replace("open ", "open DST ")),
        (["copy", source, "ducklake:empty.ducklake"], lake_said.replace("open ", "open DST ")),
        (["--db", "ducklake:empty.ducklake", "log"], lake_said),
        (["--db", "ducklake:empty.ducklake", "init"], lake_said),
    ):
        result = CliRunner().invoke(cli, args)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", said), args
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.duckdb", "empty.ducklake"]
    assert Path("empty.duckdb").stat().st_size == Path("empty.ducklake").stat().st_size == 0


def test_a_file_cut_short_or_overwritten_in_part_is_told_as_damaged(db: Path, tmp_path: Path):
    """A file cut short, or a block of it overwritten, was DuckDB's line alone ("IO
    Error: Could not read enough bytes from file ...: attempted to read 262144 bytes
    from location 2895872", or "database error: IO Error: Corrupt database file: ..."),
    saying neither that the file was damaged nor what to do."""
    cut = tmp_path / "cut.duckdb"
    cut.write_bytes(db.read_bytes()[: db.stat().st_size // 2])
    for args, opened in (
        (["--db", str(cut), "check"], ""),
        (["copy", str(cut), str(tmp_path / "new.duckdb")], "SRC "),
    ):
        result = CliRunner().invoke(cli, args)
        assert (result.exit_code, result.stdout) == (1, ""), args
        assert result.stderr.startswith(
            f"trendlab: error: cannot open {opened}{cut}: the file is damaged, cut short (a "
            "copy, download or disk that did not finish): restore it from a backup (IO "
            "Error: Could not read enough bytes from file "
        ), result.stderr
    overwrite_a_block_of(db, "result_revisions")
    result = CliRunner().invoke(cli, ["--db", str(db), "forecast", "mmlu"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(
        f"trendlab: error: {db}: the file is damaged, overwritten in part (a failing disk, "
        "or another program): restore it from a backup (IO Error: Corrupt database file: "
    ), result.stderr
    assert result.stderr.endswith(
        f"); `trendlab --db {db} check` lists the tables it cannot read\n"
    )
    assert not (tmp_path / "new.duckdb").exists()


def test_a_damaged_forecast_cache_is_a_miss_said_once(db: Path):
    """A block of the cache overwritten failed every forecast ("the file is damaged
    ..."), though losing the cache costs only time; its write after fails too."""
    overwrite_a_block_of(db, "forecast_cache")
    result = CliRunner().invoke(cli, ["--db", str(db), "forecast", "mmlu"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("MMLU (mmlu): ")
    (told,) = [line for line in result.stderr.splitlines() if "cache" in line]
    assert told.startswith("note: the forecast cache is damaged (IO Error: Corrupt database ")
    assert told.endswith(
        "): forecasts and backtests are computed afresh, and not cached, until it is mended; "
        f"`trendlab --db {db} check` says how"
    )


def test_a_damaged_block_of_a_copys_store_names_that_store(db: Path, tmp_path: Path):
    """A block of copy's SRC or DST overwritten was "the file is damaged, overwritten in
    part ...", naming neither: DuckDB's "Corrupt database file" names no file."""
    src, dst = tmp_path / "src.duckdb", tmp_path / "dst.duckdb"
    result = CliRunner().invoke(cli, ["copy", str(db), str(dst)])
    assert result.exit_code == 0, result.output
    shutil.copy(db, src)
    overwrite_a_block_of(src, "result_revisions")
    overwrite_a_block_of(dst, "result_revisions")
    for args, named in (([src, tmp_path / "new.duckdb"], f"SRC {src}"), ([db, dst], f"DST {dst}")):
        result = CliRunner().invoke(cli, ["copy", *map(str, args)])
        assert (result.exit_code, result.stdout) == (1, ""), args
        assert result.stderr.startswith(
            f"trendlab: error: {named}: the file is damaged, overwritten in part"
        ), result.stderr
    assert not (tmp_path / "new.duckdb").exists()


def test_a_damaged_catalogs_words_are_told_with_the_password_masked():
    """A catalog DuckDB could not read was told as damaged in words quoting its
    connection string as they came, password and all."""
    where = lake.LakeLocation.parse("ducklake:postgres:dbname=lab password=hunter2")
    text = "IO Error: Corrupt database file: in postgres:dbname=lab password=hunter2"
    with duckdb.connect() as con:
        said = lake._attach_error(con, where, text, "--db").message
    assert "the file is damaged, overwritten in part" in said
    assert "hunter2" not in said, said


def test_a_file_damaged_where_opening_reads_does_not_point_to_check(db: Path):
    """A block of schema_migrations, read as the file opens, overwritten: every command,
    check too, said "`trendlab --db X check` lists the tables it cannot read", and check
    then failed with that same line."""
    overwrite_a_block_of(db, "schema_migrations")
    for command in ("check", "log"):
        result = CliRunner().invoke(cli, ["--db", str(db), command])
        assert (result.exit_code, result.stdout) == (1, ""), command
        assert result.stderr.startswith(
            f"trendlab: error: {db}: the file is damaged, overwritten in part"
        ), result.stderr
        assert "lists the tables it cannot read" not in result.stderr, result.stderr


def test_a_named_pipe_or_a_device_is_no_database(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A named pipe given as --db (or a local lake's catalog, or copy's SRC) hung for
    ever, waiting for a writer as its header was read; /dev/null was "IO Error: Could
    not fsync file", exit 1. Like a folder, neither can be a database: a usage error."""
    monkeypatch.chdir(tmp_path)
    os.mkfifo("pipe")
    said = "a pipe, device or socket, not"
    for args, shown in (
        (["--db", "pipe", "log"], f"pipe: {said} a DuckDB file (see 'cli --help')"),
        (["--db", "/dev/null", "init"], f"/dev/null: {said} a DuckDB file (see 'cli --help')"),
        (
            ["--db", "ducklake:pipe", "init"],
            f"ducklake:pipe: {tmp_path / 'pipe'} is {said} a DuckLake catalog file "
            "(see 'cli --help')",
        ),
        (
            ["--db", str(db), "copy", "pipe", "y.duckdb"],
            f"SRC pipe: {said} a DuckDB file (see 'cli copy --help')",
        ),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "trendlab", *args], capture_output=True, text=True, timeout=30
        )
        assert (done.returncode, done.stdout) == (2, ""), (args, done.stderr)
        assert done.stderr == f"trendlab: error: cannot open {shown}\n".replace("cli", "trendlab")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe", db.name]


def test_a_location_through_a_link_that_loops_is_a_usage_error(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A local lake, a --data-path or a copy's SRC or DST through a symbolic link that
    loops was "internal error (RuntimeError: Symlink loop from ...)", exit 70."""
    monkeypatch.chdir(tmp_path)
    Path("loop").symlink_to("loop")
    for args, given, path in (
        (["--db", "ducklake:loop", "log"], "--db", "loop"),
        (["--db", "loop/x.duckdb", "init", "--empty"], "--db", "loop/x.duckdb"),
        (["--db", "ducklake:x.ducklake", "--data-path", "loop", "init"], "--data-path", "loop"),
        (["--db", str(db), "copy", "loop", "y.duckdb"], "SRC", "loop"),
        (["--db", str(db), "copy", str(db), "ducklake:loop"], "DST", "loop"),
    ):
        result = CliRunner().invoke(cli, args)
        assert (result.exit_code, result.stdout) == (2, ""), (args, result.output)
        hint = "cli copy" if "copy" in args else "cli"
        assert result.stderr == (
            f"trendlab: error: Invalid value for {given}: {path}: Too many levels of "
            f"symbolic links (see '{hint} --help')\n"
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loop", db.name]


def test_init_of_a_new_file_is_refused_if_another_process_made_it_meanwhile(
    tmp_path: Path, monkeypatch
):
    """The file built is put in place only where none is: never over one another
    `init` (or any DuckDB writer) created as this one ran."""
    import trendlab.seeds

    path = tmp_path / "raced.duckdb"
    load = trendlab.seeds.load_seeds

    def load_and_race(cs: object) -> None:
        load(cs)
        duckdb.connect(str(path)).execute("CREATE TABLE theirs (x INTEGER)").close()

    monkeypatch.setattr(trendlab.seeds, "load_seeds", load_and_race)
    result = CliRunner().invoke(cli, ["--db", str(path), "init"])
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"trendlab: error: cannot create {path}: another process created it meanwhile, "
        f"so nothing was written; run `trendlab --db {path} init` again to add to it\n"
    )
    assert _fetched(path, "SHOW TABLES") == [("theirs",)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raced.duckdb"]


def test_init_of_a_new_file_where_there_are_no_hard_links(tmp_path: Path, monkeypatch):
    """A file system without hard links (FAT, some network shares): the file built is
    renamed into place."""

    def no_link(*args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr("os.link", no_link)
    path = tmp_path / "fat.duckdb"
    result = CliRunner().invoke(cli, ["--db", str(path), "init", "--empty"])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"{path}: schema ready (no seeds loaded)\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fat.duckdb"]
    assert _counts(path)[0] == 0


def test_init_of_a_new_file_whose_name_is_as_long_as_a_file_system_takes(tmp_path: Path):
    path = tmp_path / f"{'a' * 244}.duckdb"  # with .wal, 255 characters
    result = CliRunner().invoke(cli, ["--db", str(path), "init", "--empty"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_init_of_a_new_file_in_a_folder_it_may_not_write(tmp_path: Path, monkeypatch):
    def refused(*args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkdtemp", refused)
    path = tmp_path / "x.duckdb"
    result = CliRunner().invoke(cli, ["--db", str(path), "init"])
    assert result.exit_code == 1, result.output
    assert result.stderr == f"trendlab: error: cannot create {path}: Permission denied\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("refusing", ["tempfile.mkdtemp", "trendlab.db._put_in_place"])
def test_a_copy_to_a_new_file_the_os_will_not_let_be_made_names_it_dst(
    db: Path, tmp_path: Path, monkeypatch, refusing: str
):
    """copy's "cannot create" named the path alone, unlike its other errors: of a folder
    it may not write (its building folder refused), and of a file built beside DST that
    the OS will not let be put in place (a read-only mount made meanwhile)."""

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(refusing, refused)
    dst = tmp_path / "out" / "x.duckdb"
    dst.parent.mkdir()
    result = CliRunner().invoke(cli, ["copy", str(db), str(dst)])
    assert result.exit_code == 1, result.output
    assert result.stderr == f"trendlab: error: cannot create DST {dst}: Permission denied\n"
    assert list(dst.parent.iterdir()) == []


def test_init_of_a_new_file_replays_no_write_ahead_log_left_of_an_old_one(tmp_path: Path):
    """DuckDB replays a log it finds beside a file into it; one whose file is gone is
    not the new store's, and creating a file in place deleted it."""
    old = tmp_path / "old.duckdb"
    con = duckdb.connect(str(old))
    con.execute("SET wal_autocheckpoint = '1TB'")
    con.execute("CREATE TABLE stale (x INTEGER)")
    log = Path(f"{old}.wal").read_bytes()
    con.close()
    path = tmp_path / "new.duckdb"
    Path(f"{path}.wal").write_bytes(log)
    result = CliRunner().invoke(cli, ["--db", str(path), "init", "--empty"])
    assert result.exit_code == 0, result.output
    assert ("stale",) not in _fetched(path, "SHOW TABLES")


def test_a_data_path_that_is_no_directory_is_a_usage_error_on_a_file_too(db: Path, tmp_path: Path):
    """`--data-path /etc/passwd log` on a DuckDB file exited 0: the README's usage error
    for a --data-path that is no directory was a team store's alone. A directory, which
    TRENDLAB_DATA_PATH may hold for a team store, is still let be."""
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    nowhere = tmp_path / "nowhere"
    before = db.read_bytes()
    for path, why in ((a_file, "not a directory"), (nowhere, "no such directory")):
        for args in (["log"], ["add-model", "x-1", "-m", "t"], ["init", "--empty"]):
            result = CliRunner().invoke(cli, ["--db", str(db), "--data-path", str(path), *args])
            assert (result.exit_code, result.stdout) == (2, ""), (args, result.output)
            assert result.stderr == (
                f"trendlab: error: --data-path {path}: {why} (see 'cli --help')\n"
            )
    assert db.read_bytes() == before and not nowhere.exists()
    result = CliRunner().invoke(cli, ["--db", str(db), "--data-path", str(tmp_path), "log"])
    assert result.exit_code == 0, result.output


def test_a_data_path_from_the_environment_is_named_as_its_variable(db: Path, tmp_path: Path):
    """A TRENDLAB_DATA_PATH that is no directory was reported as "--data-path DIR",
    which the command line did not hold; a --data-path given beside it is the one named,
    as it is the one read."""
    nowhere = tmp_path / "nowhere"
    env = {"TRENDLAB_DATA_PATH": str(nowhere)}
    result = CliRunner().invoke(cli, ["--db", str(db), "log"], env=env)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"trendlab: error: TRENDLAB_DATA_PATH {nowhere}: no such directory (see 'cli --help')\n"
    )
    given = CliRunner().invoke(cli, ["--db", str(db), "--data-path", str(nowhere), "log"], env=env)
    assert given.stderr.startswith(f"trendlab: error: --data-path {nowhere}: no such directory")


def test_a_database_from_the_environment_is_named_as_its_variable(tmp_path: Path):
    """A TRENDLAB_DB naming a folder or a file of another kind was reported as "cannot
    open PATH", which the command line did not hold; it names TRENDLAB_DB, as a
    TRENDLAB_DATA_PATH is named, and a --db given beside it is named as --db."""
    (tmp_path / "other.txt").write_text("not a database")
    for path, code, problem in (
        (tmp_path, 2, "a folder, not a DuckDB file (see 'cli --help')"),
        (tmp_path / "other.txt", 1, "not a DuckDB database file"),
    ):
        result = CliRunner().invoke(cli, ["log"], env={"TRENDLAB_DB": str(path)})
        assert (result.exit_code, result.stdout) == (code, "")
        assert result.stderr == f"trendlab: error: cannot open TRENDLAB_DB {path}: {problem}\n"
        given = CliRunner().invoke(cli, ["--db", str(path), "log"], env={"TRENDLAB_DB": "x"})
        assert given.stderr == f"trendlab: error: cannot open {path}: {problem}\n"


def test_a_data_path_from_the_environment_is_named_so_by_copy(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """copy's SRC or DST that took the global data path from TRENDLAB_DATA_PATH named
    it "--data-path DIR", which the command line did not hold."""
    monkeypatch.chdir(tmp_path)
    Path("lp").mkdir()
    made = CliRunner().invoke(cli, ["--db", "ducklake:l.ducklake", "--data-path", "lp", "init"])
    assert made.exit_code == 0, made.output
    nowhere = tmp_path / "nowhere"
    env = {"TRENDLAB_DATA_PATH": str(nowhere)}
    for args, code in (
        (["ducklake:l.ducklake", "new.duckdb"], 2),
        ([str(db), "ducklake:l.ducklake"], 1),
    ):
        result = CliRunner().invoke(cli, ["--db", "ducklake:l.ducklake", "copy", *args], env=env)
        assert (result.exit_code, result.stdout) == (code, ""), args
        assert result.stderr.startswith(f"trendlab: error: TRENDLAB_DATA_PATH {nowhere}")
        assert "--data-path" not in result.stderr, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.ducklake", "lp", db.name]


def test_a_data_path_beside_a_file_takes_outputs(db: Path, tmp_path: Path):
    """A DuckDB file leaves a --data-path unused (TRENDLAB_DATA_PATH, set for a team
    store, say), yet every -o into that folder was refused as where the file "keeps its
    records". The file itself and its log still are."""
    shared = tmp_path / "shared"
    shared.mkdir()

    def run(*args: str) -> Any:
        return CliRunner().invoke(cli, ["--db", str(db), "--data-path", str(shared), *args])

    out = shared / "models.csv"
    exported = run("export", "models", "-o", str(out))
    assert (exported.exit_code, exported.stderr) == (0, ""), exported.stderr
    assert out.read_text(encoding="utf-8").startswith("slug,name,")
    for target in (db, Path(f"{db}.wal")):
        refused = run("export", "models", "--csv", "-o", str(target))
        assert refused.exit_code == 2
        assert f"-o {target} is where the database ({db}) keeps its records" in refused.stderr


def test_missing_database_is_a_clear_error(tmp_path: Path):
    """The `init` it suggests creates the --db given: as printed, `trendlab init` made
    ./trendlab.duckdb, and the command failed again."""
    nope = tmp_path / "nope.duckdb"
    result = CliRunner().invoke(cli, ["--db", str(nope), "list", "models"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"trendlab: error: no database at {nope}: run `trendlab --db {shlex.quote(str(nope))} "
        "init` to create one, or point --db (TRENDLAB_DB) at an existing file\n"
    )
    assert not (tmp_path / "nope.duckdb").exists()


@pytest.mark.skipif(shutil.which("bash") is None, reason="reads the command back with bash")
def test_a_suggested_command_names_a_database_whose_name_holds_a_line_break(tmp_path: Path):
    """`--db $'x\\ny.duckdb'` was told to run `trendlab --db 'x\\ny.duckdb' init`, the
    newline shown escaped inside shell quotes: pasted, it named a file with a backslash.
    Such a name is written in $'...' form, which the shell reads back as the name."""
    for name, shown in (("x\ny.duckdb", "x\\ny.duckdb"), ("a\u202eb's", "a\\u202eb\\'s")):
        nope = tmp_path / name
        result = CliRunner().invoke(cli, ["--db", str(nope), "list", "models"])
        assert result.exit_code == 1
        suggested = re.search(r"run `trendlab --db (.*) init`", result.stderr)
        assert suggested and suggested[1] == f"$'{tmp_path}/{shown}'"
        read = subprocess.run(["bash", "-c", f"printf %s {suggested[1]}"], capture_output=True)
        assert read.stdout.decode() == str(nope)


def test_a_missing_team_store_is_a_clear_error_naming_it(tmp_path: Path):
    """The `init` a missing local team store's error suggests creates the --db given,
    as a DuckDB file's does: as printed, `trendlab init` made ./trendlab.duckdb."""
    nope = f"ducklake:{tmp_path / 'nope.ducklake'}"
    result = CliRunner().invoke(cli, ["--db", nope, "list", "models"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"trendlab: error: no team store at {nope}: run `trendlab --db {shlex.quote(nope)} "
        "init` to create one, or point --db (TRENDLAB_DB) at an existing one\n"
    )
    assert not (tmp_path / "nope.ducklake").exists()


def test_a_lost_catalog_connection_names_the_store_whose_log_to_read():
    """The `log` that says whether a write was recorded is the store's that lost its
    catalog: as printed, `trendlab log` read ./trendlab.duckdb."""
    lost = "server closed the connection unexpectedly"
    team = "ducklake:postgres:dbname=team host=db password=hunter2"
    error = lake.lost_connection_error(lost, team)
    assert error is not None
    assert str(error) == (
        "team store ducklake:postgres:dbname=team host=db password=*** lost the connection "
        f"to its catalog: {lost}; once the server is back, run the command again "
        "(`trendlab --db 'ducklake:postgres:dbname=team host=db password=***' log` says "
        "whether a write was recorded)"
    )
    # Where it is not known which store it was, the command is bare.
    unknown = lake.lost_connection_error(lost)
    assert unknown is not None
    assert str(unknown).endswith("(`trendlab log` says whether a write was recorded)")


def test_a_postgresql_uri_without_its_ducklake_prefix_is_a_usage_error(tmp_path: Path):
    """Read as a file's path, it was "no database at postgresql://u:hunter2@...: run
    `trendlab --db postgresql://u:hunter2@... init`", its password shown, and `init`
    tried to make the folder it named."""
    uri = "postgresql://u:hunter2@db.lab/trendlab"
    for args, named in (
        (["--db", uri, "log"], ""),
        (["--db", uri.upper(), "init"], ""),
        (["--db", str(tmp_path / "x.duckdb"), "copy", uri, str(tmp_path / "y.duckdb")], "SRC "),
    ):
        result = CliRunner().invoke(cli, args)
        shown = lake.mask_password(args[1] if named == "" else uri)
        assert (result.exit_code, result.stdout) == (2, ""), result.output
        assert result.stderr.startswith(
            f"trendlab: error: cannot open {named}{shown}: that is a PostgreSQL URI, not a "
            "file; a team store is ducklake:postgres:CONNINFO"
        ), result.stderr
        assert "hunter2" not in result.stderr.lower()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "conninfo",
    ["sslmode=disable dbname=x password=hunter2", "connect_timeout = 5 password=hunter2"],
)
def test_a_conninfo_opening_with_any_libpq_keyword_is_no_file(
    conninfo: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Only one opening with dbname, host, hostaddr, user, port, password or service
    (and no blank before its '=') was told from a file: `init` made a DuckDB file, or
    with ducklake: a local lake, named after the connection string, password and all."""
    monkeypatch.chdir(tmp_path)
    for location, problem in (
        (conninfo, "that is a PostgreSQL CONNINFO, not a file"),
        (f"ducklake:{conninfo}", "a team store is ducklake:postgres:CONNINFO"),
    ):
        result = CliRunner().invoke(cli, ["--db", location, "init", "--empty"])
        assert result.exit_code == 2, result.output
        assert problem in result.stderr and "hunter2" not in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_location_too_long_for_the_system_is_a_usage_error(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A --db, --data-path or copy SRC or DST with a name too long to look up was
    "internal error (OSError: [Errno 36] File name too long: ...)", exit 70, even for a
    read; an -o so long is a usage error."""
    monkeypatch.chdir(tmp_path)
    long = "a" * 300
    for args, given, path in (
        (["--db", f"{long}.duckdb", "log"], "--db", f"{long}.duckdb"),
        (["--db", f"{long}.duckdb", "init", "--empty"], "--db", f"{long}.duckdb"),
        (["--db", f"ducklake:{long}.ducklake", "log"], "--db", f"{long}.ducklake"),
        (["--db", str(db), "--data-path", long, "log"], "--data-path", long),
        (["--db", str(db), "copy", str(db), f"{long}.duckdb"], "DST", f"{long}.duckdb"),
    ):
        result = CliRunner().invoke(cli, args)
        assert (result.exit_code, result.stdout) == (2, ""), (args, result.output)
        hint = "cli copy" if "copy" in args else "cli"
        assert result.stderr == (
            f"trendlab: error: Invalid value for {given}: {path}: File name too long "
            f"(see '{hint} --help')\n"
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == [db.name]
    # A CONNINFO or another kind of database is no file name, however long: the store
    # says what it is, its password hidden (it was "File name too long", password shown).
    conninfo = f"dbname=x password=hunter2 application_name={long}"
    for location, problem in (
        (conninfo, "that is a PostgreSQL CONNINFO, not a file"),
        (f"postgres:{conninfo}", "DuckDB reads 'postgres:' as a kind of database"),
        (f"ducklake:sqlite:{long}", "a team store is ducklake:postgres:CONNINFO"),
    ):
        result = CliRunner().invoke(cli, ["--db", location, "log"])
        assert result.exit_code == 2, result.output
        assert problem in result.stderr and "hunter2" not in result.stderr, result.stderr


def test_a_file_under_the_home_folder_is_named_with_a_tilde(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`~` is the home folder in a DuckDB file's location and its --data-path, as in a
    local lake's and as DuckDB reads it (TRENDLAB_DB='~/lab.duckdb', quoted in a
    .bashrc): `init` said "no such directory ~", and once the file was there, every
    command "no database at ~/lab.duckdb"."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> Any:
        return CliRunner().invoke(cli, ["--db", "~/lab.duckdb", "--data-path", "~", *args])

    made = run("init", "--empty")
    assert made.exit_code == 0, made.output
    assert (tmp_path / "home" / "lab.duckdb").is_file() and not (tmp_path / "~").exists()
    assert run("add-model", "x-1", "-m", "t").exit_code == 0
    assert run("show", "model", "x-1").exit_code == 0


def test_a_database_in_memory_is_a_usage_error(db: Path, tmp_path: Path, monkeypatch):
    """DuckDB reads ':memory:' as a database in memory: `init` said the seeds were added
    and `copy DB :memory:` that it "copied 9 changesets", to nothing once they ended."""
    monkeypatch.chdir(tmp_path)
    said = "DuckDB reads ':memory:' as a database in memory, lost when the command ends"
    for args, shown in [
        (["--db", ":memory:", "init"], ":memory:"),
        (["--db", ":memory:x", "log"], ":memory:x"),
        (["--db", str(db), "copy", str(db), ":memory:"], "DST :memory:"),
    ]:
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(f"trendlab: error: cannot open {shown}: {said}; ")
        assert len(result.stderr.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["trendlab.duckdb"]
    # A file of that name, as the error says, is a path.
    assert CliRunner().invoke(cli, ["--db", "./:memory:", "init", "--empty"]).exit_code == 0
    assert (tmp_path / ":memory:").is_file()


def test_newer_schema_is_refused(db: Path):
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO schema_migrations VALUES (999, 'future', now()::TIMESTAMP)")
    con.close()
    for args in (["list", "models"], ["add-model", "x-model"]):
        result = CliRunner().invoke(cli, ["--db", str(db), *args])
        assert result.exit_code == 1
        assert "schema version 999, newer than this trendlab" in result.stderr
        assert "internal error" not in result.stderr


def test_not_a_duckdb_file(tmp_path: Path):
    bogus = tmp_path / "bogus.duckdb"
    bogus.write_text("hello, I am not a database\n")
    result = CliRunner().invoke(cli, ["--db", str(bogus), "list", "models"])
    assert result.exit_code == 1
    assert result.stderr.startswith("trendlab: error: cannot open")
    assert len(result.stderr.strip().splitlines()) == 1


def test_read_only_store_refuses_writes(db: Path):
    store = Store.open(db, read_only=True)
    try:
        with pytest.raises(duckdb.Error, match="read-only"):
            store.con.execute("DELETE FROM result_revisions")
    finally:
        store.close()


def _unwritable(folder: Path) -> bool:
    """Make `folder` refuse new files, as a read-only share does: chmod for a user, the
    immutable flag for root, whom modes do not stop; False where neither takes."""
    folder.chmod(0o555)
    if not os.access(folder, os.W_OK):
        return True
    folder.chmod(0o755)
    return subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0


def test_a_write_to_a_file_in_a_folder_it_may_not_write_names_the_folder(db: Path, tmp_path: Path):
    """A writable file in a read-only folder: a write failed on "Cannot open file
    '.../x.duckdb.wal'", a file no one had made or heard of, and `migrate` of an older
    one with "database error: TransactionContext Error: ...". Both say DuckDB writes
    that log beside the file, so its folder must be writable too."""
    folder = tmp_path / "shared"
    folder.mkdir()
    shutil.copy(db, folder / "x.duckdb")
    make_database(folder / "old.duckdb", 1)
    if not _unwritable(folder):
        pytest.skip("no way here to make a folder refuse new files")
    try:
        written = CliRunner().invoke(cli, ["--db", str(folder / "x.duckdb"), "add-model", "ro-x"])
        migrated = CliRunner().invoke(cli, ["--db", str(folder / "old.duckdb"), "migrate"])
    finally:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
        folder.chmod(0o755)

    def problem(name: str) -> str:
        return (
            rf"DuckDB writes a log beside the database file, "
            rf"{re.escape(str(folder / name))}\.wal, and cannot create it \((Permission "
            rf"denied|Operation not permitted)\): the folder {re.escape(str(folder))} must "
            rf"be writable too"
        )

    assert (written.exit_code, written.stdout) == (1, "")
    assert re.fullmatch(
        rf"trendlab: error: could not commit the changeset: {problem('x.duckdb')}; "
        rf"nothing was written\n",
        written.stderr,
    ), written.stderr
    assert _counts(folder / "x.duckdb") == _counts(db)
    assert (migrated.exit_code, migrated.stdout) == (1, "")
    assert re.fullmatch(
        rf"trendlab: error: could not write {re.escape(str(folder / 'old.duckdb'))}: "
        rf"{problem('old.duckdb')}\n",
        migrated.stderr,
    ), migrated.stderr


def _hold_lock(path: Path, seconds: float | None = None) -> subprocess.Popen:
    """Another process holding a read-write connection: for `seconds`, or until its
    stdin closes."""
    wait = f"time.sleep({seconds})" if seconds else "sys.stdin.read()"
    code = textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(path)!r})
        print("locked", flush=True)
        {wait}
    """)
    holder = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_locked_database_is_one_line_and_exit_1(db: Path):
    holder = _hold_lock(db)
    try:
        for args in (["list", "models"], ["add-model", "locked-out"]):
            proc = subprocess.run(
                [sys.executable, "-m", "trendlab", "--db", str(db), "--lock-timeout", "0", *args],
                capture_output=True,
                text=True,
            )
            assert proc.returncode == 1
            lines = proc.stderr.strip().splitlines()
            assert len(lines) == 1, proc.stderr
            assert "is locked by another process" in lines[0]
            assert f"PID {holder.pid}" in lines[0]
            assert proc.stdout == ""
    finally:
        holder.communicate("")
    # The holder is gone: the write that was refused now goes through.
    result = CliRunner().invoke(cli, ["--db", str(db), "add-model", "locked-out"])
    assert result.exit_code == 0, result.stderr


def test_writer_waits_for_lock_timeout(db: Path):
    holder = _hold_lock(db, seconds=1.0)
    try:
        result = CliRunner().invoke(
            cli, ["--db", str(db), "--lock-timeout", "30", "add-model", "patient"]
        )
        assert result.exit_code == 0, result.stderr
        assert holder.poll() is not None  # it only got in once the holder had gone
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize(
    ("holder", "named"),
    [
        ("/usr/bin/python3.11 (PID 4242)", " (PID 4242, /usr/bin/python3.11)"),
        ("PID 4242", " (PID 4242)"),  # another user's, under a /proc mounted hidepid=2
        ("PID 0", ""),  # the holder is in another PID namespace (another container)
    ],
)
def test_a_lock_is_waited_for_however_duckdb_names_its_holder(holder: str, named: str):
    """A holder DuckDB names by PID alone (`held in PID 0` from inside a container) was
    not taken for a lock: no wait for --lock-timeout, and DuckDB's own text as the error."""
    from trendlab.locking import Locked, retry_while_locked

    error = duckdb.IOException(
        'IO Error: Could not set lock on file "/data/t.duckdb": Conflicting lock is held '
        f"in {holder}. See also https://duckdb.org/docs/stable/connect/concurrency"
    )
    tries = []

    def busy_twice() -> str:
        tries.append(1)
        if len(tries) < 3:
            raise error
        return "opened"

    def failed(text: str) -> TrendlabError:
        return TrendlabError(f"cannot open: {text}")

    assert retry_while_locked(busy_twice, "database t.duckdb", 30, failed) == "opened"

    def busy() -> str:
        raise error

    with pytest.raises(Locked) as locked:
        retry_while_locked(busy, "database t.duckdb", 0, failed)
    assert locked.value.message == (
        f"database t.duckdb is locked by another process{named}; try again when it "
        "finishes, or wait with --lock-timeout SECONDS"
    )


def test_a_copy_locked_out_of_dst_leaves_what_its_holder_wrote_meanwhile(db: Path, empty_db: Path):
    """A copy that waited for DST in vain took the write-ahead log DST's holder made
    while it waited for its own leftovers, and deleted it: the holder's commits in it
    were lost when the holder stopped before a checkpoint."""
    code = textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(empty_db)!r})
        con.execute("PRAGMA disable_checkpoint_on_shutdown")
        print("locked", flush=True)
        time.sleep(1)
        con.execute("INSERT INTO forecast_cache VALUES ('fit', 'b', 'v', 's', now(), 'kept')")
        sys.stdin.read()
    """)
    holder = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        assert not Path(f"{empty_db}.wal").exists()
        result = CliRunner().invoke(cli, ["--lock-timeout", "4", "copy", str(db), str(empty_db)])
        assert result.exit_code == 1
        assert "is locked by another process" in result.stderr
        assert Path(f"{empty_db}.wal").exists()
    finally:
        holder.communicate("")  # it stops with its commit in the log alone
    assert _fetched(empty_db, "SELECT payload FROM forecast_cache") == [("kept",)]


def test_a_copy_stopped_as_it_waits_for_dst_leaves_what_its_holder_made(
    db: Path, tmp_path: Path, monkeypatch
):
    """A Ctrl-C while a copy waited for DST's lock took the write-ahead log DST's holder
    made after the copy looked (of its commits) for the copy's own leftovers, and
    deleted it. (A new DST is built aside, and waits for no lock.)"""
    import trendlab.db
    import trendlab.locking

    dst = tmp_path / "new.duckdb"
    duckdb.connect(str(dst)).close()
    code = textwrap.dedent(f"""
        import duckdb, sys
        con = duckdb.connect({str(dst)!r})
        con.execute("PRAGMA disable_checkpoint_on_shutdown")
        con.execute("CREATE TABLE theirs AS SELECT 'kept' AS x")
        print("locked", flush=True)
        sys.stdin.read()
    """)
    holders: list[subprocess.Popen] = []
    connect = trendlab.db._connect_file

    def taken_first(path: str, **options: Any) -> Any:
        if path == str(dst):  # the copy found no log beside DST: the holder's comes now
            holder = subprocess.Popen(
                [sys.executable, "-c", code],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            holders.append(holder)
            assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        return connect(path, **options)

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    try:
        # time.sleep is the time module's: patched for the copy alone.
        with monkeypatch.context() as patched:
            patched.setattr(trendlab.db, "_connect_file", taken_first)
            patched.setattr(trendlab.locking.time, "sleep", interrupted)
            result = CliRunner().invoke(cli, ["--lock-timeout", "10", "copy", str(db), str(dst)])
        assert result.exit_code == 130, result.output
        assert result.stderr == "trendlab: interrupted\n"
        assert dst.exists() and Path(f"{dst}.wal").exists()
    finally:
        for holder in holders:
            holder.communicate("")  # it stops with its commit in the log alone
    assert _fetched(dst, "SELECT x FROM theirs") == [("kept",)]


def _dies_in_copy_store(db: Path, dst: Path) -> subprocess.CompletedProcess[str]:
    """A copy of `db` to `dst` killed (as by kill -9) as copy_store runs."""
    code = textwrap.dedent(f"""
        import os, sys
        import trendlab.transfer
        from trendlab.cli import cli

        def killed(*args):
            os._exit(9)

        trendlab.transfer._copy_once = killed
        cli(["copy", {str(db)!r}, {str(dst)!r}])
    """)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_a_copy_to_a_new_file_killed_part_way_leaves_no_store(db: Path, tmp_path: Path):
    """DST's migrations committed before the copy's own transaction: a copy killed in
    between left a valid, empty store, which `check` passed. A new file is built
    beside DST and put in place whole, as `init` builds one."""
    dst = tmp_path / "out" / "new.duckdb"
    dst.parent.mkdir()
    assert _dies_in_copy_store(db, dst).returncode == 9
    assert not dst.exists() and not Path(f"{dst}.wal").exists()
    # What a kill -9 leaves, as of an `init`: the hidden folder it was built in, which
    # the next copy to DST removes.
    (left,) = dst.parent.iterdir()
    assert left.name.startswith(".new.duckdb.init-")
    result = CliRunner().invoke(cli, ["copy", str(db), str(dst)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        f"removed {left}, left by an init or copy that did not finish\ncopied 1 changeset"
    ), result.stderr
    assert [p.name for p in dst.parent.iterdir()] == ["new.duckdb"]
    assert _counts(dst) == _counts(db)


def _refused_copy(src: Path, dst: Path) -> str:
    """`copy SRC DST` to a new file refused: exit 1, no data on stdout and DST not
    made. Its stderr, for the caller to check."""
    result = CliRunner().invoke(cli, ["copy", str(src), str(dst)])
    assert (result.exit_code, result.stdout) == (1, ""), result.output
    assert not dst.exists()
    return result.stderr


def _null_time_around(path: Path) -> str:
    """A changeset added to the store at `path` around trendlab, with no recorded_at
    (its NOT NULL dropped): its id."""
    with duckdb.connect(str(path)) as con:
        con.execute("ALTER TABLE changesets ALTER recorded_at DROP NOT NULL")
        changeset = changeset_around(con)
        con.execute("UPDATE changesets SET recorded_at = NULL WHERE id = ?", [changeset])
    return changeset


def test_a_copy_of_a_changeset_recorded_at_no_time_names_it(db: Path, tmp_path: Path):
    """SRC's changeset with a NULL time failed the copy on DuckDB's "Constraint Error:
    NOT NULL constraint failed: changesets.recorded_at", naming no changeset."""
    changeset = _null_time_around(db)
    assert _refused_copy(db, tmp_path / "new.duckdb") == (
        f"trendlab: error: SRC {db}: changeset {changeset} has no recorded_at (NULL, "
        "written around trendlab), which no store takes: a copy takes every changeset as "
        f"it is; give each a value in SRC (`trendlab --db {db} check` lists them), then "
        "copy again; nothing was copied\n"
    )


@pytest.mark.parametrize(
    ("damage", "lacked"),
    [
        ("DROP TABLE result_revisions", "table result_revisions"),
        ("ALTER TABLE model_revisions DROP COLUMN notes", "column notes of table model_revisions"),
    ],
)
def test_a_copy_of_a_store_lacking_a_table_of_its_history_names_it(
    db: Path, tmp_path: Path, damage: str, lacked: str
):
    """SRC's revisions table dropped around trendlab: the copy took what was left and
    said "copied 1 changeset", its results gone from DST without a word."""
    with duckdb.connect(str(db)) as con:
        con.execute(damage)
    assert _refused_copy(db, tmp_path / "new.duckdb") == (
        f"trendlab: error: SRC {db} lacks {lacked} (dropped around trendlab), so its "
        f"history cannot be copied whole (`trendlab --db {db} check` lists what it lacks); "
        "nothing was copied\n"
    )


def _revision_of_a_deleted_changeset(path: Path) -> str:
    """A model revision added to the store at `path` around trendlab, whose changeset
    row is then deleted: the changeset's id."""
    with duckdb.connect(str(path)) as con:
        changeset = changeset_around(con)
        con.execute(
            "INSERT INTO model_revisions SELECT * REPLACE (? AS changeset_id, 'orphan' AS key, "
            "'orphan' AS slug) FROM model_revisions LIMIT 1",
            [changeset],
        )
        con.execute("DELETE FROM changesets WHERE id = ?", [changeset])
    return changeset


def test_a_copy_of_revisions_of_no_changeset_is_refused_naming_them(db: Path, tmp_path: Path):
    """SRC's revision whose changeset row was deleted: the copy took it, and took it
    again each time it ran, a backup kept up to date holding it twice, then three times."""
    changeset = _revision_of_a_deleted_changeset(db)
    dst = tmp_path / "new.duckdb"
    assert _refused_copy(db, dst) == (
        f"trendlab: error: SRC {db}: 1 row of model_revisions names a changeset SRC lacks "
        f"({changeset}; its row deleted around trendlab), so a copy, which goes changeset "
        "by changeset, cannot take it: insert its changeset again in SRC "
        f"(`trendlab --db {db} check` lists it), then copy again; nothing was copied\n"
    )
    _revision_of_a_deleted_changeset(db)
    stderr = _refused_copy(db, dst)
    assert "cannot take them: insert their changesets again in SRC " in stderr
    assert f"(`trendlab --db {db} check` lists them)" in stderr


def test_a_copy_into_a_store_of_revisions_but_no_changeset_is_refused(db: Path, empty_db: Path):
    """DST holding revisions, its changesets deleted around trendlab, passed for an
    empty store: SRC's history was added beside them, two current records of a key."""
    with duckdb.connect(str(empty_db)) as con:
        con.execute(f"ATTACH '{db}' AS src (READ_ONLY)")
        con.execute("INSERT INTO model_revisions SELECT * FROM src.model_revisions LIMIT 1")
        changeset = con.execute("SELECT changeset_id FROM model_revisions").fetchone()[0]
    before = _fetched(empty_db, "SELECT count(*) FROM model_revisions")
    result = CliRunner().invoke(cli, ["copy", str(db), str(empty_db)])
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"trendlab: error: {empty_db} is not empty and not an earlier copy of {db}: 1 row "
        f"of model_revisions names a changeset DST lacks ({changeset}; its row deleted "
        f"around trendlab), which `trendlab --db {empty_db} check` lists; copy into a new "
        "store (another path, or an empty one made with `trendlab --db DST init --empty`) "
        "so that nothing is lost\n",
    )
    assert _fetched(empty_db, "SELECT count(*) FROM model_revisions") == before


def test_a_copy_of_a_value_dst_s_column_cannot_hold_names_the_table(db: Path, tmp_path: Path):
    """A score column made VARCHAR around trendlab, holding 'abc': the copy failed on
    "database error: Conversion Error: ... (run with --debug for details)", as an
    internal error, naming neither store nor table."""
    with duckdb.connect(str(db)) as con:
        con.execute("ALTER TABLE result_revisions ALTER score TYPE VARCHAR")
        con.execute("UPDATE result_revisions SET score = 'abc' WHERE rowid = 0")
    dst = tmp_path / "new.duckdb"
    stderr = _refused_copy(db, dst)
    assert stderr.startswith(
        f"trendlab: error: copying table result_revisions from SRC {db} into DST {dst}: "
        "Conversion Error: "
    )
    assert stderr.endswith(
        "(a column of trendlab's altered around trendlab in one of them: "
        f"`trendlab --db {db} check` or `trendlab --db {dst} check` lists it); "
        "nothing was copied\n"
    )
    # DST's column altered, SRC as trendlab made it: SRC is not blamed alone.
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE result_revisions SET score = '50' WHERE rowid = 0")
        con.execute("ALTER TABLE result_revisions ALTER score TYPE DOUBLE")
    assert CliRunner().invoke(cli, ["--db", str(dst), "init", "--empty"]).exit_code == 0
    with duckdb.connect(str(dst)) as con:
        con.execute("ALTER TABLE result_revisions ALTER score TYPE DECIMAL(3, 1)")
    before = CliRunner().invoke(cli, ["--db", str(dst), "log", "--json"]).stdout
    result = CliRunner().invoke(cli, ["copy", str(db), str(dst)])
    assert (result.exit_code, result.stdout) == (1, "")
    assert f"`trendlab --db {dst} check` lists it); nothing was copied\n" in result.stderr
    assert CliRunner().invoke(cli, ["--db", str(dst), "log", "--json"]).stdout == before


def test_a_copy_into_a_store_with_a_changeset_recorded_at_no_time_says_so(db: Path, tmp_path: Path):
    """DST's own changeset with a NULL time was told --as-of's error for it ("so no
    moment to read the database at"), not that DST is no earlier copy of SRC."""
    dst = tmp_path / "dst.duckdb"
    dst.write_bytes(db.read_bytes())
    changeset = _null_time_around(dst)
    result = CliRunner().invoke(cli, ["copy", str(db), str(dst)])
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"trendlab: error: {dst} is not empty and not an earlier copy of {db}: it has 1 "
        f"changeset that the source lacks (first {changeset}, recorded at no time: NULL, "
        "written around trendlab); copy into a new store (another path, or an empty one "
        "made with `trendlab --db DST init --empty`) so that nothing is lost\n",
    )
    # Counted as every count is ('1 changeset(s)' read as a form left unfilled).
    with duckdb.connect(str(dst)) as con:
        changeset_around(con)
    result = CliRunner().invoke(cli, ["copy", str(db), str(dst)])
    assert result.exit_code == 1
    assert f": it has 2 changesets that the source lacks (first {changeset}, " in result.stderr


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
def test_a_copy_to_a_new_file_that_fails_leaves_nothing(
    db: Path, tmp_path: Path, monkeypatch, error: type
):
    import trendlab.transfer

    def fail(*args: object) -> None:
        raise error("stopped")

    dst = tmp_path / "out" / "new.duckdb"
    dst.parent.mkdir()
    monkeypatch.setattr(trendlab.transfer, "_copy_once", fail)
    result = CliRunner().invoke(cli, ["copy", str(db), str(dst)])
    assert result.exit_code == (130 if error is KeyboardInterrupt else 70), result.output
    assert list(dst.parent.iterdir()) == []
    monkeypatch.undo()
    result = CliRunner().invoke(cli, ["copy", str(db), str(dst)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"copied 1 changeset (2583 rows) from {db} to {dst}\n"
    assert _counts(dst) == _counts(db)
    assert [p.name for p in dst.parent.iterdir()] == ["new.duckdb"]


def test_a_copy_to_a_new_file_another_process_made_meanwhile_is_refused(
    db: Path, tmp_path: Path, monkeypatch
):
    """The file built is put in place only where none is: the other process's file is
    left as it made it."""
    import trendlab.transfer

    dst = tmp_path / "out" / "raced.duckdb"
    dst.parent.mkdir()
    copy_store = trendlab.transfer.copy_store

    def copy_and_race(src: Store, target: Store) -> Any:
        copied = copy_store(src, target)
        duckdb.connect(str(dst)).execute("CREATE TABLE theirs (x INTEGER)").close()
        return copied

    monkeypatch.setattr(trendlab.transfer, "copy_store", copy_and_race)
    _refused_as_raced(db, dst)


def _refused_as_raced(db: Path, dst: Path) -> None:
    """Copy db to dst, which another process makes meanwhile (its table `theirs`): the
    copy is refused in one line, and the other process's file is all that is left."""
    result = CliRunner().invoke(cli, ["copy", str(db), str(dst)])
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"trendlab: error: cannot create DST {dst}: another process created it meanwhile, "
        "so nothing was written; run the copy again to copy into it\n"
    )
    assert _fetched(dst, "SHOW TABLES") == [("theirs",)]
    assert [p.name for p in dst.parent.iterdir()] == [dst.name]


def test_a_copy_to_a_new_file_made_as_it_is_put_in_place_is_refused(
    db: Path, tmp_path: Path, monkeypatch
):
    """DST made by another process after the copy found none there, as it puts its own
    in place: the hard link fails, which a rename would not have, and the other
    process's file is left as it made it."""
    dst = tmp_path / "out" / "raced.duckdb"
    dst.parent.mkdir()
    link = os.link

    def made_first(built: Path, target: Path) -> None:
        duckdb.connect(str(dst)).execute("CREATE TABLE theirs (x INTEGER)").close()
        link(built, target)

    monkeypatch.setattr("os.link", made_first)
    _refused_as_raced(db, dst)


def test_as_of_parsing(db: Path):
    store = Store.open(db)
    try:
        end_of_day = store.parse_as_of("2024-01-01")
        assert (end_of_day.date().isoformat(), end_of_day.hour) == ("2024-01-01", 23)
        assert store.parse_as_of("2024-01-01T12:30:00+02:00").hour == 10
        # A time is the end of its last unit given, as a date is the end of its day.
        ends = {
            "2024-01-01 12:30:05": datetime(2024, 1, 1, 12, 30, 5, 999_999),
            "2024-01-01T12:30": datetime(2024, 1, 1, 12, 30, 59, 999_999),
            "2024-01-01T12": datetime(2024, 1, 1, 12, 59, 59, 999_999),
            "2024-01-01T123005Z": datetime(2024, 1, 1, 12, 30, 5, 999_999),
            "2024-01-01T12:30:05+05:30": datetime(2024, 1, 1, 7, 0, 5, 999_999),
            "2024-01-01T12:30:05.25": datetime(2024, 1, 1, 12, 30, 5, 250_000),
            "2024-01-01T12:30:05.000000": datetime(2024, 1, 1, 12, 30, 5),
            "9999-12-31T23:59:59": datetime.max,
        }
        assert {text: store.parse_as_of(text) for text in ends} == ends
        with pytest.raises(
            TrendlabError, match=r"not a year, a date \(YYYY-MM-DD\), a timestamp or a changeset"
        ):
            store.parse_as_of("yesterday")
        with pytest.raises(TrendlabError, match="not a valid date"):
            store.parse_as_of("2024-02-30")
    finally:
        store.close()


def test_a_timestamp_in_lower_case_reads_as_in_upper_case(db: Path, run: Run):
    """ISO 8601 allows `t` and `z` for `T` and `Z`: `2024-01-01t00:00:00z` was "not a
    year, a date (YYYY-MM-DD), a timestamp or a changeset id"."""
    forms = {
        "2024-01-01t12:30:05z": "2024-01-01T12:30:05Z",
        "2024-01-01t12:30": "2024-01-01T12:30",
        "2024-01-01 12:30:05z": "2024-01-01 12:30:05Z",
        "2024-01-01t12:30:05+05:30": "2024-01-01T12:30:05+05:30",
        " 2024-01-01t123005z ": "2024-01-01T123005Z",
    }
    store = Store.open(db)
    try:
        for lower, upper in forms.items():
            assert store.parse_as_of(lower) == store.parse_as_of(upper), lower
    finally:
        store.close()
    read = run("show", "model", "gpt-4", "--as-of", "2099-01-01t00:00:00z", "--json")
    assert (read.exit_code, read.stderr) == (0, "")
    since = run("diff", "--since", "2099-01-01t00:00z")
    assert (since.exit_code, since.stderr) == (0, (
        "since 2099-01-01t00:00z: no changes (--since reads after 2099-01-01 00:00:59 UTC, "
        "which is still to come)\n"
    ))  # fmt: skip
    # Anything else is quoted as given.
    bad = run("diff", "--since", "2024-01-01t25:00z")
    assert (bad.exit_code, bad.stderr) == (2, (
        "trendlab: error: --since: '2024-01-01t25:00z' is not a year, a date (YYYY-MM-DD), "
        "a timestamp or a changeset id (see 'cli diff --help')\n"
    ))  # fmt: skip


def test_a_fraction_of_an_hour_a_minute_or_an_offset_or_of_no_digits_is_refused(run: Run):
    """ISO 8601's decimal minute `12:30.5` (12:30:30) was read as 12:30:00.5, as Python
    reads it, and `12:30:05.` with no digit after the decimal sign (before an offset)
    as 12:30:05.000000, a moment before the second's changesets, not its end: neither
    is guessed at; they are refused, quoted as given, as a usage error. So is an
    offset's decimal minute (+01:30.5), which Python read as 1:30:00.5 of offset."""
    for text in (
        "2024-01-01T12:30.5",
        "2024-01-01 12,5",
        " 2024-01-01T12:30:05.+01:00",
        "2024-01-01T12:30:05+01:30.5",
        "2024-01-01T12:30:05.5-01:00:30,5",
    ):
        for command, option in (("show", "--as-of"), ("diff", "--since")):
            args = ("model", "gpt-4", option, text) if command == "show" else (option, text)
            refused = run(command, *args)
            assert (refused.exit_code, refused.stdout) == (2, ""), refused.stderr
            assert refused.stderr == (
                f"trendlab: error: {option}: {text!r} is not a timestamp trendlab reads: "
                "only seconds take a fraction, with digits after its sign (12:30:05.25) "
                f"(see 'cli {command} --help')\n"
            )


def test_latest_version_matches_files():
    assert latest_version() == migrations()[-1].version


def test_a_migration_that_defines_macros_defines_nothing_else():
    """A team store keeps no macros: it runs such a migration as TEMP macros, and
    again on every connection (Migration.temporary_macros), so anything else in it
    would run again each time."""
    with_macros = [m for m in migrations() if m.temporary_macros()]
    assert with_macros, "no migration defines a macro: blended_price is gone"
    for m in with_macros:
        code = re.sub(r"--[^\n]*", "", m.sql)
        statements = [s.strip() for s in code.split(";") if s.strip()]
        assert all(
            re.match(r"CREATE\s+(OR\s+REPLACE\s+)?MACRO\b", s, re.IGNORECASE) for s in statements
        ), m.name


def test_registered_frames_scan_while_pandas_is_hidden(db: Path):
    """A command that never imported pandas (most do not) still scans a registered frame:
    hiding pandas from DuckDB's parameter binding must not break pyarrow, which DuckDB
    imports to scan it. Run in a fresh interpreter: pytest itself has imported pandas."""
    code = (
        "import sys\n"
        "from trendlab.db import Store\n"
        "with Store.open(sys.argv[1], read_only=False) as store:\n"
        "    store.store_cached('backtest', 'spec', [('mmlu', 'v1', 'payload')])\n"
        "    assert store.cached('backtest', 'spec', {'mmlu': 'v1'}) == {'mmlu': 'payload'}\n"
        "assert 'pandas' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["add-result", "gpt-4", "mmlu", "44", "--source-url", "https://example.org/a", "-m", "a"],
        ["import", "{csv}", "--kind", "results", "-m", "an import"],
        ["check"],
    ],
    ids=["add-result", "import", "check"],
)
def test_writes_and_check_never_load_pandas(db: Path, tmp_path: Path, args: list[str]):
    # A write scans its staged rows as a registered Arrow table, and pyarrow's dataset
    # module imports pandas if it can: 0.3-0.7 s, most of a one-row add-result.
    csv = tmp_path / "results.csv"
    csv.write_text(
        "model,benchmark,score,reported_date,source_url\n"
        "gpt-4,mmlu,55,2024-01-01,https://example.org/csv\n"
    )
    modules, _ = process_imports(db, *(a.format(csv=csv) for a in args))
    assert "pandas" not in modules


def test_the_error_that_ends_a_changeset_is_the_one_reported(db: Path):
    from trendlab.kinds import get_kind
    from trendlab.records import Changeset, rows_frame

    # A connection lost mid-write fails the ROLLBACK too; that failure must not hide
    # the error that ended the changeset.
    store = Store.open(db, read_only=False)
    models = get_kind("models")
    with (
        pytest.raises(TrendlabError, match="the connection went away"),
        Changeset(store, "tester", "lost") as cs,
    ):
        cs.write(models, rows_frame(models, [{"slug": "lost-1"}]))
        store.con.close()
        raise TrendlabError("the connection went away")
    listed = CliRunner().invoke(cli, ["--db", str(db), "list", "models"])
    assert listed.exit_code == 0, listed.stderr
    assert "gpt-4" in listed.stdout and "lost-1" not in listed.stdout


def test_a_store_reads_prices_on_one_day_even_past_midnight(
    db: Path, monkeypatch: pytest.MonkeyPatch
):
    """A forecast by price reads the day for its points, its cache key and its notes:
    each read today afresh, a run across midnight could cache one day's fit under the
    next day's key. The day is fixed when first asked; --as-of gives its own."""
    from datetime import UTC, date, datetime, timedelta

    import trendlab.text

    store = Store.open(db, read_only=True)
    try:
        first = store.reading_day
        assert first == datetime.now(UTC).date()

        class Tomorrow(datetime):
            @classmethod
            def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
                return datetime.now(tz) + timedelta(days=1)

        monkeypatch.setattr(trendlab.text, "datetime", Tomorrow)
        assert store.reading_day == first
        store.use_as_of(datetime(2024, 3, 1, 12))
        assert store.reading_day == date(2024, 3, 1)
    finally:
        store.close()


def test_organizations_are_read_in_slug_order(db: Path):
    """Two organizations whose names fold alike (written around trendlab) are told apart
    by the order they are read in: slug order, whatever order they were written in."""
    con = duckdb.connect(str(db))
    try:
        changeset = changeset_around(con)
        for n in reversed(range(40)):
            con.execute(
                "INSERT INTO organization_revisions VALUES (?, ?, 1, 'insert', ?, ?)",
                [changeset, f"lab-{n:02d}", f"lab-{n:02d}", f"Lab {n:02d}"],
            )
    finally:
        con.close()
    store = Store.open(db, read_only=True)
    try:
        slugs = list(store.organization_names())
    finally:
        store.close()
    assert "lab-00" in slugs and slugs == sorted(slugs)
