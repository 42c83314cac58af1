"""Schema migrations on real database files: an old database upgrades in place with
its records and history intact; a database newer than this trendlab is refused and
left untouched.

The old database is made here, not committed as a binary: only schema/001_init.sql
applied (recorded as the migration runner records it), then records written with
plain SQL as trendlab 0.1 would have written them: two changesets, an update and a
retraction among them, so there is history to lose.
"""

from __future__ import annotations

import hashlib
import json
import math
import shlex
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner, Result

from tests.conftest import CtrlCOnCommit
from trendlab.cli import cli
from trendlab.db import Store, latest_version, migrations
from trendlab.errors import TrendlabError

FIRST = "0660a0000000000001"  # time-sortable changeset ids, as new_changeset makes them
SECOND = "0660a0000000010002"


def _invoke(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def make_database(path: Path, up_to: int) -> None:
    """A database with migrations 1..up_to applied, as the runner applies them."""
    con = duckdb.connect(str(path))
    try:
        con.execute(
            "CREATE TABLE schema_migrations ("
            "version INTEGER NOT NULL, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
        )
        for m in migrations()[:up_to]:
            con.execute("BEGIN TRANSACTION")
            con.execute(m.sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [m.version, m.name, datetime(2024, 1, 1, 0, 0, m.version)],
            )
            con.execute("COMMIT")
    finally:
        con.close()


def _key(prefix: str, *parts: str | None) -> str:
    """A derived id as trendlab derives it (see Store.key_sql)."""
    joined = "\x1f".join(p or "" for p in parts)
    return f"{prefix}_" + hashlib.md5(joined.encode()).hexdigest()[:16]


RESULT_KEY = _key("r", "old-model", "old-bench", "5-shot", "https://example.org/old")
GONE_KEY = _key("r", "old-model", "old-bench", "0-shot", None)
PRICE_KEY = _key("p", "old-model", "OldCo", "2023-06-01")


def write_old_records(path: Path) -> None:
    """Records in the version-1 tables, written directly, history included."""
    con = duckdb.connect(str(path))
    try:
        con.execute(
            "INSERT INTO changesets VALUES "
            f"('{FIRST}', TIMESTAMP '2024-01-02 10:00:00', 'ada', 'first records'), "
            f"('{SECOND}', TIMESTAMP '2024-02-03 11:00:00', 'bob', 'corrections')"
        )
        con.execute(
            "INSERT INTO organization_revisions VALUES (?, 'oldco', 1, 'insert', 'oldco', 'OldCo')",
            [FIRST],
        )
        model = (
            "INSERT INTO model_revisions (changeset_id, key, revision, op, slug, name, "
            "organization, release_date, parameters) VALUES (?, 'old-model', ?, ?, "
            "'old-model', ?, 'OldCo', DATE '2023-05-01', 7e9)"
        )
        con.execute(model, [FIRST, 1, "insert", "Old Model"])
        con.execute(model, [SECOND, 2, "update", "Old Model v1"])
        con.execute(
            "INSERT INTO benchmark_revisions (changeset_id, key, revision, op, slug, name, "
            "unit, floor, ceiling) VALUES (?, 'old-bench', 1, 'insert', 'old-bench', "
            "'Old Bench', 'percent', 25, 100)",
            [FIRST],
        )
        result = (
            "INSERT INTO result_revisions (changeset_id, key, revision, op, model, benchmark, "
            "score, setting, reported_date, source_url) VALUES (?, ?, ?, ?, 'old-model', "
            "'old-bench', ?, ?, DATE '2023-06-01', ?)"
        )
        con.execute(
            result, [FIRST, RESULT_KEY, 1, "insert", 61.5, "5-shot", "https://example.org/old"]
        )
        con.execute(
            result, [SECOND, RESULT_KEY, 2, "update", 62.5, "5-shot", "https://example.org/old"]
        )
        con.execute(result, [FIRST, GONE_KEY, 1, "insert", 40.0, "0-shot", None])
        con.execute(result, [SECOND, GONE_KEY, 2, "retract", 40.0, "0-shot", None])
        con.execute(
            "INSERT INTO price_revisions (changeset_id, key, revision, op, model, provider, "
            "effective_date, input_usd_per_mtok, output_usd_per_mtok) VALUES "
            "(?, ?, 1, 'insert', 'old-model', 'OldCo', DATE '2023-06-01', 1.5, 2.0)",
            [FIRST, PRICE_KEY],
        )
    finally:
        con.close()


def _rows(path: Path, tables: list[str]) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}
    finally:
        con.close()


OLD_TABLES = [
    "changesets",
    "organization_revisions",
    "model_revisions",
    "benchmark_revisions",
    "result_revisions",
    "price_revisions",
    "units",
]


@pytest.fixture
def v1_db(tmp_path: Path) -> Path:
    path = tmp_path / "old.duckdb"
    make_database(path, up_to=1)
    write_old_records(path)
    return path


def test_fixture_is_a_version_1_database(v1_db: Path):
    con = duckdb.connect(str(v1_db), read_only=True)
    try:
        assert con.execute("SELECT list(version) FROM schema_migrations").fetchone() == ([1],)
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    finally:
        con.close()
    assert "alias_revisions" not in tables and "forecast_cache" not in tables
    assert latest_version() > 1, "nothing to upgrade: this test needs a second migration"


def test_read_commands_ask_for_migrate_and_change_nothing(v1_db: Path):
    before = v1_db.read_bytes()
    for args in (["list", "models"], ["check"], ["log"], ["export", "results"]):
        result = _invoke(v1_db, *args)
        assert result.exit_code == 1, result.output
        assert result.stderr == (
            f"trendlab: error: {v1_db} has schema version 1, this trendlab needs "
            f"{latest_version()}: run `trendlab --db {v1_db} migrate` to upgrade it\n"
        )
        assert result.stdout == ""
    assert v1_db.read_bytes() == before


def test_the_migrate_asked_for_names_the_store_that_needs_it(
    v1_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`trendlab migrate` migrates --db: asked to run it for the source of a copy (or any
    --db but the default), you migrated ./trendlab.duckdb, or were told there is none."""
    copied = _invoke(v1_db, "copy", str(v1_db), str(tmp_path / "copy.duckdb"))
    assert copied.exit_code == 1
    asked = f"run `trendlab --db {v1_db} migrate` to upgrade it"
    assert asked in copied.stderr
    migrated = CliRunner().invoke(cli, asked.split("`")[1].split()[1:])
    assert migrated.exit_code == 0, migrated.stderr
    assert _invoke(v1_db, "list", "models").exit_code == 0
    # The default database needs no --db.
    monkeypatch.chdir(tmp_path)
    make_database(tmp_path / "trendlab.duckdb", up_to=1)
    here = CliRunner().invoke(cli, ["list", "models"])
    assert here.exit_code == 1 and "run `trendlab migrate` to upgrade it" in here.stderr


def _assert_upgraded(db: Path, old: dict[str, list[tuple]]) -> None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        versions = con.execute("SELECT version, name FROM schema_migrations ORDER BY 1").fetchall()
    finally:
        con.close()
    assert versions == [(m.version, m.name) for m in migrations()]
    # Every old row is still there, unchanged.
    now = _rows(db, OLD_TABLES)
    for table, rows in old.items():
        assert set(rows) <= set(now[table]), table
    assert _invoke(db, "check").exit_code == 0
    # History reads as it did: who, when, why, and the state as of a past moment.
    history = json.loads(_invoke(db, "history", "model", "old-model", "--json").stdout)
    assert [(h["revision"], h["op"], h["author"], h["name"]) for h in history] == [
        (1, "insert", "ada", "Old Model"),
        (2, "update", "bob", "Old Model v1"),
    ]
    shown = json.loads(_invoke(db, "show", "result", RESULT_KEY, "--json").stdout)
    assert shown["score"] == 62.5
    then = _invoke(db, "show", "result", RESULT_KEY, "--json", "--as-of", "2024-01-31")
    assert json.loads(then.stdout)["score"] == 61.5
    gone = _invoke(db, "show", "result", GONE_KEY)
    assert gone.exit_code == 1
    assert _invoke(db, "show", "result", GONE_KEY, "--as-of", FIRST).exit_code == 0
    log = json.loads(_invoke(db, "log", "--json").stdout)
    assert [c["changeset"] for c in log][-2:] == [SECOND, FIRST]
    prices = json.loads(_invoke(db, "list", "prices", "--json").stdout)
    assert [p["id"] for p in prices] == [PRICE_KEY]
    # Blended by the schema's macro (migration 4): 3/4 of 1.5 and 1/4 of 2.0.
    blended = json.loads(_invoke(db, "prices", "--json").stdout)
    assert [p["blended_usd_per_mtok"] for p in blended] == [1.625]


def test_a_write_command_upgrades_in_place(v1_db: Path):
    old = _rows(v1_db, OLD_TABLES)
    result = _invoke(v1_db, "add-model", "new-model", "--organization", "OldCo", "-m", "after")
    assert result.exit_code == 0, result.output
    # Said, as init and migrate say theirs: it was done without a word, though the
    # older trendlab a teammate may still use refuses the store from now on.
    assert result.stderr.splitlines()[0] == (
        f"{v1_db}: upgraded from schema version 1 to {latest_version()} with this write; "
        "an older trendlab no longer opens it"
    )
    _assert_upgraded(v1_db, old)
    # The new schema works: an alias (migration 2) for the old model, and the new model.
    alias = _invoke(v1_db, "alias", "add", "old-model", "old-model-2023", "-m", "alias")
    assert alias.exit_code == 0, alias.output
    assert _invoke(v1_db, "show", "model", "new-model").exit_code == 0
    assert _invoke(v1_db, "check").exit_code == 0


def test_only_the_write_that_upgraded_a_store_says_it_did(v1_db: Path):
    """A writer opened on the older store whose write finds it upgraded since by another
    (a teammate on a team store, its write redone) upgraded nothing: it says nothing."""
    first = Store.open(v1_db, read_only=False, migrate=True)
    second = Store.open(v1_db, read_only=False, migrate=True)
    try:
        # The first try upgrades, then loses (its COMMIT fails as a lost race would);
        # meanwhile the other writer upgrades the store and commits.
        with pytest.raises(RuntimeError), first.transaction():
            raise RuntimeError("lost the race")
        assert first.upgraded_by_write() is None
        with second.transaction():
            pass
        # Redone, the first write finds the store upgraded: the upgrade its lost try
        # made is not its own.
        with first.transaction():
            pass
        assert second.upgraded_by_write() == (1, latest_version())
        assert first.upgraded_by_write() is None
    finally:
        first.close()
        second.close()


def test_migrate_upgrades_in_place_once(v1_db: Path):
    old = _rows(v1_db, OLD_TABLES)
    result = _invoke(v1_db, "migrate")
    assert result.exit_code == 0, result.output
    applied = [f"applied migration {m.version:03d}_{m.name}" for m in migrations()[1:]]
    assert result.stderr.splitlines() == [
        *applied,
        f"{v1_db}: schema version {latest_version()}",
    ]
    assert _rows(v1_db, OLD_TABLES) == old  # migrating adds tables, changes no records
    _assert_upgraded(v1_db, old)
    again = _invoke(v1_db, "migrate")
    assert again.exit_code == 0
    assert again.stderr == f"{v1_db}: schema version {latest_version()}\n"


def test_init_says_it_upgraded_an_older_store_as_migrate_does(v1_db: Path, tmp_path: Path):
    """init upgrades an older store at once: it said only what it did to the seeds."""
    result = _invoke(v1_db, "init", "--empty")
    assert result.exit_code == 0, result.output
    applied = [f"applied migration {m.version:03d}_{m.name}" for m in migrations()[1:]]
    with duckdb.connect(str(v1_db), read_only=True) as con:
        (held,) = con.execute("SELECT count(*) FROM changesets").fetchone()
    ready = f"{v1_db}: schema ready (no seeds loaded; it already holds {held} changesets)"
    assert held > 1 and result.stderr.splitlines() == [*applied, ready]
    # A new store's schema, every migration from the first, is not news.
    new = _invoke(tmp_path / "new.duckdb", "init", "--empty")
    assert new.exit_code == 0, new.output
    assert "applied migration" not in new.stderr


def test_migrate_of_a_current_file_it_cannot_write_says_nothing_needs_doing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A read-only file (chmod 444, a read-only mount) already at this trendlab's schema
    failed to open for writing, where there was nothing to write; an older one still
    says why it cannot be upgraded. DuckDB's words as a non-root user gets them (root
    may write a chmod 444 file)."""
    current, older = tmp_path / "current.duckdb", tmp_path / "older.duckdb"
    make_database(current, latest_version())
    make_database(older, 1)
    connect = duckdb.connect

    def unwritable(database: str = ":memory:", read_only: bool = False, **options):
        if not read_only and Path(database).parent == tmp_path:
            raise duckdb.IOException(f'IO Error: Cannot open file "{database}": Permission denied')
        return connect(database, read_only=read_only, **options)

    monkeypatch.setattr(duckdb, "connect", unwritable)
    result = _invoke(current, "migrate")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"{current}: schema version {latest_version()}\n"
    refused = _invoke(older, "migrate")
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"trendlab: error: cannot open {older}: IO Error: Cannot open file "
        f'"{older}": Permission denied\n'
    )


@pytest.mark.parametrize("stop", [KeyboardInterrupt, TrendlabError])
def test_migrate_stopped_part_way_names_the_migrations_it_committed(
    v1_db: Path, monkeypatch, stop: type
):
    """Each migration commits on its own: those applied before a Ctrl-C (or a later
    migration's failure) are applied, and were said only once all had been."""
    from trendlab.db import Store

    apply = Store._apply
    first, second = migrations()[1:3]

    def stopped_at_the_second(store: Store, m: object) -> bool:
        if m == second:
            raise stop("stopped")
        return apply(store, m)

    with monkeypatch.context() as patched:
        patched.setattr(Store, "_apply", stopped_at_the_second)
        result = _invoke(v1_db, "migrate")
    said = "trendlab: interrupted" if stop is KeyboardInterrupt else "trendlab: error: stopped"
    assert result.exit_code == (130 if stop is KeyboardInterrupt else 1), result.output
    assert result.stderr.splitlines() == [
        f"applied migration {first.version:03d}_{first.name}",
        said,
    ]
    con = duckdb.connect(str(v1_db), read_only=True)
    try:
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone() == (2,)
    finally:
        con.close()
    rest = [f"applied migration {m.version:03d}_{m.name}" for m in migrations()[2:]]
    again = _invoke(v1_db, "migrate")
    assert again.stderr.splitlines() == [*rest, f"{v1_db}: schema version {latest_version()}"]


def test_a_ctrl_c_during_a_migrations_commit_is_too_late_to_stop_it(v1_db: Path, monkeypatch):
    """A Ctrl-C as a migration commits is held, as a changeset's commit holds it:
    delivered then, it stopped the commit half way (or DuckDB aborted), and a migration
    that committed went unsaid."""
    import trendlab.db

    connect = trendlab.db._connect_file
    monkeypatch.setattr(
        trendlab.db, "_connect_file", lambda *args, **kw: CtrlCOnCommit(connect(*args, **kw))
    )
    result = _invoke(v1_db, "migrate")
    assert result.exit_code == 0, result.output
    said = [f"applied migration {m.version:03d}_{m.name}" for m in migrations()[1:]]
    assert result.stderr.splitlines() == [*said, f"{v1_db}: schema version {latest_version()}"]


def test_an_import_upgrades_then_imports(v1_db: Path, tmp_path: Path):
    old = _rows(v1_db, OLD_TABLES)
    path = tmp_path / "results.csv"
    path.write_text("model,benchmark,score,setting\nold-model,old-bench,70,cot\n")
    result = _invoke(v1_db, "import", str(path), "-m", "new results")
    assert result.exit_code == 0, result.output
    _assert_upgraded(v1_db, old)
    assert len(json.loads(_invoke(v1_db, "list", "results", "--json").stdout)) == 2


def test_a_dry_run_asks_for_migrate_and_changes_nothing(v1_db: Path, tmp_path: Path):
    """A dry run writes nothing, the schema included: upgraded, the file would no longer
    open in the older trendlab a teammate may still use."""
    path = tmp_path / "results.csv"
    path.write_text("model,benchmark,score,setting\nold-model,old-bench,70,cot\n")
    before = v1_db.read_bytes()
    result = _invoke(v1_db, "import", str(path), "--dry-run")
    assert result.exit_code == 1
    assert result.stderr == (
        f"trendlab: error: {v1_db} has schema version 1, this trendlab needs "
        f"{latest_version()}: run `trendlab --db {v1_db} migrate` to upgrade it\n"
    )
    assert v1_db.read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [
        ["add-result", "nosuch", "old-bench", "5"],  # refused: nothing was written
        ["add-benchmark", "zz", "--unit", "bogus"],  # a usage error
        ["import", "{bad}", "--kind", "results"],  # a file that fails validation
        ["add-model", "old-model", "--name", "Old Model v1"],  # the same: nothing to write
        ["copy", "{other}", "{db}"],  # DST holds history SRC lacks
    ],
)
def test_a_write_that_writes_nothing_leaves_an_older_database_as_it_was(
    v1_db: Path, tmp_path: Path, args: list[str]
):
    """The schema is upgraded in the write's own transaction: refused or failed, the
    write rolls it back with the rest, and the older trendlab a teammate may still use
    still opens the file (upgraded at open, it did not, though nothing was written)."""
    bad = tmp_path / "bad.csv"
    bad.write_text("model,benchmark,score\nold-model,old-bench,abc\n")
    other = tmp_path / "other.duckdb"
    assert _invoke(other, "init", "--empty").exit_code == 0
    assert _invoke(other, "add-model", "m1", "-m", "one").exit_code == 0
    given = [a.format(bad=bad, other=other, db=v1_db) for a in args]
    before = v1_db.read_bytes()
    result = _invoke(v1_db, *given)
    assert result.stdout.strip() == ("old-model" if args[0] == "add-model" else "")
    assert v1_db.read_bytes() == before and "upgraded from" not in result.stderr
    assert "has schema version 1" in _invoke(v1_db, "log").stderr


def _every_upgrade_refused(db: Path, said: str) -> None:
    """`migrate`, and a write that upgrades first, each refused on `db` with stderr
    `said` (exit 1), the file left as it was."""
    before = db.read_bytes()
    for args in (["migrate"], ["add-model", "new-model", "-m", "new"]):
        result = _invoke(db, *args)
        assert (result.exit_code, result.stderr) == (1, said), args
        assert db.read_bytes() == before


def test_an_upgrade_that_meets_a_table_of_the_databases_own_says_which_migration(v1_db: Path):
    """A table the user made in an older database, named as a later migration names one
    of its own, failed every write with DuckDB's line alone ("database error: Catalog
    Error: View with name "aliases" already exists!"), an add-model's as a migrate's."""
    with duckdb.connect(str(v1_db)) as con:
        con.execute("CREATE TABLE aliases (name VARCHAR, model VARCHAR)")
    _every_upgrade_refused(
        v1_db,
        f"trendlab: error: cannot upgrade {v1_db} to schema version 2 (migration "
        '002_aliases): Catalog Error: View with name "aliases" already exists!\n',
    )


def test_an_upgrade_that_meets_a_macro_of_the_databases_own_says_which_migration(
    tmp_path: Path,
):
    """A macro the user made in a version-3 database, named as version 4 names its own,
    was taken for trendlab's: the error said to insert the rows of versions 4 and 5,
    after which prices blended by the user's macro (and check listed it as replaced)."""
    db = tmp_path / "v3.duckdb"
    make_database(db, up_to=3)
    write_old_records(db)
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE MACRO blended_price(input, output) AS input + output")
    _every_upgrade_refused(
        db,
        f"trendlab: error: cannot upgrade {db} to schema version 4 (migration "
        '004_blended_price): Catalog Error: Macro Function with name "blended_price" '
        "already exists!\n",
    )


def test_an_upgrade_that_finds_its_tables_there_says_schema_migrations_lost_their_rows(
    db: Path,
):
    """Rows of schema_migrations deleted around trendlab made `migrate` run their
    migrations again, which failed on DuckDB's line alone ("Table with name
    "forecast_cache" already exists!"), and check asked for `migrate` first."""
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM schema_migrations WHERE version >= 3")
    _every_upgrade_refused(
        db,
        f"trendlab: error: cannot upgrade {db} to schema version 3 (migration "
        "003_forecast_cache): its table forecast_cache is there already, so "
        "schema_migrations lacks the rows of migrations the store had (deleted around "
        "trendlab): insert again (3, 'forecast_cache', ...), (4, 'blended_price', ...), "
        "(5, 'blended_price_weights', ...), each with the time it was applied\n",
    )
    with duckdb.connect(str(db)) as con:
        for m in migrations()[2:]:
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, TIMESTAMP '2026-01-01')",
                [m.version, m.name],
            )
    assert _invoke(db, "migrate").exit_code == 0
    assert _invoke(db, "check").exit_code == 0


def test_a_read_of_a_store_whose_top_schema_migrations_rows_are_gone_names_them(db: Path):
    """check and the read commands asked for `migrate`, which then refused the store and
    named the rows to insert: they name them at once, as migrate words it."""
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM schema_migrations WHERE version >= 4")
    for args in (["check"], ["list", "models"]):
        result = _invoke(db, *args)
        assert (result.exit_code, result.stdout, result.stderr) == (
            1,
            "",
            f"trendlab: error: {db} has schema version 3, but migration 004_blended_price "
            "was applied to it: its macro blended_price is there already, so "
            "schema_migrations lacks the rows of migrations the store had (deleted around "
            "trendlab): insert again (4, 'blended_price', ...), (5, 'blended_price_weights', "
            "...), each with the time it was applied\n",
        ), args


def test_an_upgrade_that_finds_one_migration_s_objects_there_names_its_row_alone(db: Path):
    """Where the next migration's objects are gone too, only the row of the one whose
    objects are there is missing: the error names it alone, with its time to give."""
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM schema_migrations WHERE version >= 3")
        con.execute("DROP MACRO blended_price")
    before = db.read_bytes()
    result = _invoke(db, "migrate")
    assert (result.exit_code, result.stderr) == (
        1,
        f"trendlab: error: cannot upgrade {db} to schema version 3 (migration "
        "003_forecast_cache): its table forecast_cache is there already, so "
        "schema_migrations lacks the rows of migrations the store had (deleted around "
        "trendlab): insert again (3, 'forecast_cache', the time it was applied)\n",
    )
    assert db.read_bytes() == before


def test_a_copy_into_an_older_earlier_copy_upgrades_it(v1_db: Path, tmp_path: Path):
    """What the copy adds and the schema it needs commit together."""
    src = tmp_path / "src.duckdb"
    src.write_bytes(v1_db.read_bytes())
    assert _invoke(src, "add-model", "m1", "-m", "one").exit_code == 0
    result = CliRunner().invoke(cli, ["copy", str(src), str(v1_db)])
    assert result.exit_code == 0, result.output
    assert "copied 1 changeset" in result.stderr
    # Named DST, as copy's errors about it are.
    assert f"\nDST {v1_db}: upgraded from schema version 1 to {latest_version()} " in (
        "\n" + result.stderr
    )
    assert _invoke(v1_db, "show", "model", "m1").exit_code == 0


@pytest.mark.parametrize("up_to", range(1, len(migrations())))
def test_every_older_version_upgrades(tmp_path: Path, up_to: int):
    path = tmp_path / f"v{up_to}.duckdb"
    make_database(path, up_to=up_to)
    write_old_records(path)
    old = _rows(path, OLD_TABLES)
    assert _invoke(path, "migrate").exit_code == 0
    _assert_upgraded(path, old)


def test_a_version_4_database_migrates_to_the_blend_that_refuses_bad_weights(tmp_path: Path):
    """Migration 5 redefines version 4's blended_price in place: weights 0:0 blended to
    NaN, and a price weighed zero was still needed."""
    path = tmp_path / "v4.duckdb"
    make_database(path, up_to=4)
    write_old_records(path)
    sql = "SELECT blended_price(1.0, 2.0, w_in := 0, w_out := 0), blended_price(1.0, NULL, w_in := 1, w_out := 0)"
    con = duckdb.connect(str(path), read_only=True)
    try:
        (nan, unpriced) = con.execute(sql).fetchone() or ()
    finally:
        con.close()
    assert math.isnan(nan) and unpriced is None  # version 4's macro, as shipped
    migrated = _invoke(path, "migrate")
    assert migrated.exit_code == 0, migrated.output
    assert "applied migration 005_blended_price_weights" in migrated.stderr
    refused = _invoke(path, "query", sql)
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr.startswith("trendlab: error: query failed: Invalid Input Error: ")
    assert "blended_price: cannot blend at weights w_in := 0, w_out := 0" in refused.stderr
    weighed = _invoke(
        path, "query", "SELECT blended_price(1.0, NULL, w_in := 1, w_out := 0) AS b", "--json"
    )
    assert json.loads(weighed.stdout) == [{"b": 1.0}]


# -- newer than this trendlab --------------------------------------------------------------


@pytest.fixture
def future_db(tmp_path: Path) -> Path:
    path = tmp_path / "future.duckdb"
    make_database(path, up_to=len(migrations()))
    write_old_records(path)
    con = duckdb.connect(str(path))
    con.execute(
        "INSERT INTO schema_migrations VALUES (?, 'from_the_future', now()::TIMESTAMP)",
        [latest_version() + 1],
    )
    con.close()
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["list", "models"],
        ["check"],
        ["migrate"],
        ["init"],
        ["add-model", "x-model"],
        ["edit", "model", "old-model", "--set", "name=x", "-m", "x"],
        ["retract", "result", RESULT_KEY, "-m", "x"],
        ["import", "-", "--kind", "models"],
        ["query", "SELECT 1"],
    ],
)
def test_newer_database_is_refused_and_untouched(future_db: Path, args: list[str]):
    before = future_db.read_bytes()
    result = CliRunner().invoke(cli, ["--db", str(future_db), *args], input="slug\nx-model\n")
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"trendlab: error: {future_db} has schema version {latest_version() + 1}, newer than "
        f"this trendlab understands ({latest_version()}): upgrade trendlab to use it\n"
    )
    assert result.stdout == ""
    assert future_db.read_bytes() == before
    assert not Path(f"{future_db}.wal").exists()


def test_a_copy_names_the_src_or_dst_whose_schema_it_cannot_use(
    future_db: Path, v1_db: Path, tmp_path: Path
):
    """A copy's newer or older SRC or DST, or a DST it could not upgrade, was named by
    its path alone, where the copy's other errors about either say which it is (`SRC x
    is not a trendlab database`)."""
    new, before = tmp_path / "new.duckdb", future_db.read_bytes()
    current, theirs = tmp_path / "current.duckdb", tmp_path / "theirs.duckdb"
    make_database(current, latest_version())
    make_database(theirs, 1)
    with duckdb.connect(str(theirs)) as con:
        con.execute("CREATE TABLE aliases (a INTEGER)")
    newer = f"has schema version {latest_version() + 1}, newer than this trendlab understands"
    for args, said in (
        ([future_db, new], f"SRC {future_db} {newer}"),
        ([current, future_db], f"DST {future_db} {newer}"),
        ([v1_db, new], f"SRC {v1_db} has schema version 1, this trendlab needs"),
        ([current, theirs], f"cannot upgrade DST {theirs} to schema version 2 (migration "),
    ):
        result = CliRunner().invoke(cli, ["copy", *map(str, args)])
        assert result.exit_code == 1 and result.stderr.startswith(f"trendlab: error: {said}")
    assert future_db.read_bytes() == before and not new.exists()


@pytest.mark.parametrize("table", ["models", "sales"])
def test_a_duckdb_file_with_other_tables_is_refused_and_untouched(tmp_path: Path, table: str):
    """Someone else's DuckDB file (with a table trendlab also names, or not) is neither
    seeded by init nor reported as merely uninitialised."""
    path = tmp_path / "theirs.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(f"CREATE TABLE {table} (a INTEGER)")
        con.execute("CREATE VIEW recent AS SELECT 1 AS a")
    message = (
        f"trendlab: error: {path} is not a trendlab database: it holds other tables "
        f"({', '.join(sorted(['recent', table]))}); give --db a new file\n"
    )
    for args in (["init"], ["migrate"], ["list", "models"], ["add-model", "x", "-m", "x"]):
        result = _invoke(path, *args)
        assert result.exit_code == 1, args
        assert result.stderr == message, args
    with duckdb.connect(str(path), read_only=True) as con:
        assert sorted(r[0] for r in con.execute("SHOW TABLES").fetchall()) == sorted(
            ["recent", table]
        )


@pytest.mark.parametrize(
    "damage",
    [
        "DROP TABLE schema_migrations",
        "ALTER TABLE schema_migrations DROP COLUMN applied_at",
        # One of the user's in another schema is not trendlab's, which is not emptied.
        "CREATE SCHEMA x; CREATE TABLE x.schema_migrations AS FROM schema_migrations; "
        "DROP TABLE schema_migrations",
    ],
)
def test_a_store_whose_schema_migrations_was_dropped_says_so_and_is_untouched(
    db: Path, damage: str
):
    """trendlab's own store, its schema_migrations dropped in SQL, was "not a trendlab
    database: it holds other tables (alias_history, ...); give --db a new file", and
    check could not say what was wrong."""
    with duckdb.connect(str(db)) as con:
        con.execute(damage)
    before = db.read_bytes()
    message = (
        f"trendlab: error: {db} holds trendlab's tables but no schema_migrations table of "
        "trendlab's, which records their version (dropped or altered around trendlab): "
        "create it again as (version INTEGER NOT NULL, name VARCHAR NOT NULL, applied_at "
        "TIMESTAMP NOT NULL), with a row for each of trendlab's schema/ files applied\n"
    )
    for args in (["check"], ["migrate"], ["init"], ["log"]):
        result = _invoke(db, *args)
        assert (result.exit_code, result.stderr) == (1, message), args
    assert db.read_bytes() == before


@pytest.mark.parametrize(("shift", "low"), [(5, -1), (10, -8)])
def test_a_store_whose_schema_migrations_holds_no_migrations_row_says_so(
    db: Path, shift: int, low: int
):
    """Its rows renumbered below 1 in SQL, none a migration's: the error called the
    table empty, which a look at it belied. Renumbered below 0, not to 0 too, its
    version read as the highest of them: it 'has schema version -5', and the rows were
    called deleted, to be inserted again."""
    with duckdb.connect(str(db)) as con:
        con.execute(f"UPDATE schema_migrations SET version = version - {shift}")
        con.execute(f"DELETE FROM schema_migrations WHERE version < {low}")
    before = db.read_bytes()
    message = (
        f"trendlab: error: {db} holds trendlab's tables but its schema_migrations table, "
        "which records their version, holds no migration's row, only version "
        + ", ".join(str(v) for v in range(low, latest_version() - shift + 1))
        + " (altered around trendlab): insert again a row (version, name, applied_at) for "
        "each of trendlab's schema/ files applied\n"
    )
    wrote = ["add-benchmark", "b", "--unit", "percent"]
    for args in (["check"], ["migrate"], ["init"], ["log"], wrote):
        result = _invoke(db, *args)
        assert (result.exit_code, result.stderr) == (1, message), args
    assert db.read_bytes() == before


def test_a_store_whose_schema_migrations_was_emptied_says_so_and_is_untouched(db: Path):
    """Its rows deleted in SQL, the table there: the error said the store held no such
    table and to create it again, which failed on DuckDB's "already exists"."""
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM schema_migrations")
    before = db.read_bytes()
    message = (
        f"trendlab: error: {db} holds trendlab's tables but its schema_migrations table, "
        "which records their version, is empty (emptied around trendlab): insert again a "
        "row (version, name, applied_at) for each of trendlab's schema/ files applied\n"
    )
    for args in (["check"], ["migrate"], ["init"], ["log"]):
        result = _invoke(db, *args)
        assert (result.exit_code, result.stderr) == (1, message), args
    assert db.read_bytes() == before


def test_a_trendlab_db_that_is_no_store_of_this_trendlab_is_named_by_its_path(
    db: Path, v1_db: Path, tmp_path: Path
):
    """Under TRENDLAB_DB, someone else's file or a store whose schema_migrations was
    emptied was 'TRENDLAB_DB x ...', where its older schema was 'x has schema version
    1': each names it by its path, as --db's are, and says TRENDLAB_DB where it is the
    way out."""
    theirs = tmp_path / "theirs.duckdb"
    with duckdb.connect(str(theirs)) as con:
        con.execute("CREATE TABLE sales (a INTEGER)")
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM schema_migrations")
    for path, said in (
        (theirs, f"{theirs} is not a trendlab database: it holds other tables (sales); "
                 "give TRENDLAB_DB a new file"),
        (db, f"{db} holds trendlab's tables but its schema_migrations table, which "),
        (v1_db, f"{v1_db} has schema version 1, this trendlab needs {latest_version()}"),
    ):  # fmt: skip
        result = CliRunner().invoke(cli, ["log"], env={"TRENDLAB_DB": str(path)})
        assert result.exit_code == 1 and result.stderr.startswith(f"trendlab: error: {said}")


@pytest.mark.parametrize(
    ("columns", "version"),
    [
        ("version VARCHAR PRIMARY KEY", "'20240202120000'"),  # dbmate's, Rails'
        ("version BIGINT NOT NULL, dirty BOOLEAN NOT NULL", "3, false"),  # golang-migrate's
    ],
)
def test_a_duckdb_file_with_another_tools_schema_migrations_is_refused_and_untouched(
    tmp_path: Path, columns: str, version: str
):
    """Another tool's migrations table, of trendlab's name, was read as trendlab's: its
    version 20240202120000 was "newer than this trendlab understands: upgrade trendlab",
    its version 3 "run `trendlab migrate`", which failed on DuckDB's Binder Error."""
    path = tmp_path / "theirs.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(f"CREATE TABLE schema_migrations ({columns})")
        con.execute(f"INSERT INTO schema_migrations VALUES ({version})")
        con.execute("CREATE TABLE users (id INTEGER)")
    before = path.read_bytes()
    message = (
        f"trendlab: error: {path} is not a trendlab database: it holds other tables "
        "(schema_migrations, users); give --db a new file\n"
    )
    for args in (["list", "models"], ["migrate"], ["init"], ["add-model", "x", "-m", "x"]):
        result = _invoke(path, *args)
        assert result.exit_code == 1, args
        assert result.stderr == message, args
    assert path.read_bytes() == before


@pytest.mark.parametrize("name", ["results.csv", "results.json", "results.parquet", "junk.duckdb"])
def test_a_file_that_is_not_a_duckdb_database_is_refused_and_untouched(tmp_path: Path, name: str):
    """DuckDB opens an existing CSV, JSON or Parquet file as an in-memory database with
    a view of it: readers failed with "Catalog Error: Cannot launch in-memory database in
    read-only mode!", writers called it a database holding other tables."""
    path = tmp_path / name
    if name.endswith(".parquet"):
        with duckdb.connect() as con:
            con.execute(f"COPY (SELECT 'x' AS slug) TO '{path}' (FORMAT parquet)")
    else:
        path.write_text('[{"slug": "x"}]\n' if name.endswith(".json") else "slug\nx\n")
    before = path.read_bytes()
    hint = "" if name.endswith(".duckdb") else "; a CSV, JSON or Parquet file goes in with"
    for args in (["list", "models"], ["init"], ["add-model", "y", "-m", "y"]):
        result = _invoke(path, *args)
        assert result.exit_code == 1, args
        assert result.stderr.startswith(
            f"trendlab: error: cannot open {path}: not a DuckDB database file{hint}"
        ), result.stderr
        assert result.stderr.count("\n") == 1
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


@pytest.mark.parametrize(("name", "hint"), [("results.ndjson", True), ("results.tsv", False)])
def test_a_data_file_as_the_database_is_sent_to_import_only_if_import_reads_it(
    tmp_path: Path, name: str, hint: bool
):
    """The hint named `trendlab import` for a .tsv file too, which import refuses as of
    no format it can tell."""
    path = tmp_path / name
    path.write_text("slug\tname\nx\ty\n")
    result = _invoke(path, "list", "models")
    assert result.exit_code == 1
    assert ("goes in with `trendlab import`" in result.stderr) is hint, result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["add-model", "m1", "-m", "one"],
        ["add-result", "nosuch", "math", "5", "-m", "refused"],
        ["import", "-", "--kind", "models", "-m", "one"],
    ],
)
def test_a_write_to_a_duckdb_file_with_no_schema_asks_for_init_as_a_read_does(
    tmp_path: Path, args: list[str]
):
    """An empty DuckDB file (or one an `init` killed before its first migration left)
    is not made a store by a write: it set one up without the seeds, and kept it when
    refused ("nothing was written"), where a read asked for `trendlab init`."""
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    before = path.read_bytes()
    result = CliRunner().invoke(cli, ["--db", str(path), *args], input="slug\nm1\n")
    assert result.exit_code == 1, result.output
    assert (
        result.stderr == f"trendlab: error: {path} is not a trendlab database: run "
        f"`trendlab --db {shlex.quote(str(path))} init`\n"
    )
    assert result.stdout == ""
    assert path.read_bytes() == before
    assert _invoke(path, "init").exit_code == 0
    assert _invoke(path, "add-model", "m1", "-m", "one").exit_code == 0


def test_a_file_whose_first_migration_failed_is_initialised(tmp_path: Path):
    """Interrupted before its first migration committed, a new file holds only the
    migrations table trendlab made: it is trendlab's, and init finishes the job."""
    path = tmp_path / "half.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(
            "CREATE TABLE schema_migrations ("
            "version INTEGER NOT NULL, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
        )
    result = _invoke(path, "init")
    assert result.exit_code == 0, result.stderr
    assert json.loads(_invoke(path, "show", "benchmark", "math", "--json").stdout)["slug"] == "math"
