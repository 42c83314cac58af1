"""Shared fixtures: throw-away databases in tmp_path and a CliRunner bound to one.

Tests marked `@both_stores` run twice: on a DuckDB file and on a team store (DuckLake
with its catalog in a real PostgreSQL server, started once per session).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.pg import PgServer, running_server
from trendlab.cli import cli

Run = Callable[..., Result]

STORE_KINDS = ("file", "team")
# The raw public data the seeds are built from (seeds/README.md), next to the checkout
# as in the project's workspace: tests that re-import it run where it is.
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
if not SHARED.is_dir():
    SHARED = Path("/work/shared/data")
both_stores = pytest.mark.parametrize("store_kind", STORE_KINDS, indirect=True)


def changeset_around(con: Any, message: str = "around trendlab") -> str:
    """A changeset written with plain SQL, as another tool (or an older trendlab)
    would, after every other (ids sort by time); returns its id."""
    last = con.execute("SELECT max(id) FROM changesets").fetchone()[0]
    new = f"{int(last, 16) + 1:0{len(last)}x}"
    # In UTC, as trendlab records it: now()::TIMESTAMP is the machine's local time, which
    # east of UTC is ahead (check 19) and west of it before the latest changeset (16).
    con.execute(
        "INSERT INTO changesets VALUES (?, now() AT TIME ZONE 'UTC', 'elsewhere', ?)",
        [new, message],
    )
    return new


def overwrite_a_block_of(path: Path, table: str) -> None:
    """Overwrite, as a failing disk or another program would, part of a block holding
    `table`'s data in the DuckDB file at `path`."""
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        block = con.execute(
            "SELECT min(block_id) FROM pragma_storage_info(?) WHERE block_id >= 0", [table]
        ).fetchone()[0]
    # DuckDB's file: three 4 KiB headers, then its 256 KiB blocks, each led by a checksum.
    with path.open("r+b") as file:
        file.seek(3 * 4096 + block * 256 * 1024 + 64)
        file.write(b"\xff" * 512)


def revise_around(con: Any, changeset: str, table: str, key: str, **values: object) -> None:
    """A new revision of one record, its latest with `values` replaced, written with
    plain SQL in `changeset` (see changeset_around)."""
    sets = "".join(f"? AS {name}, " for name in values)
    con.execute(
        f"INSERT INTO {table} BY NAME SELECT * REPLACE ({sets}"
        "? AS changeset_id, revision + 1 AS revision, 'update' AS op) "
        f"FROM {table} WHERE key = ? "
        "QUALIFY row_number() OVER (ORDER BY revision DESC) = 1",
        [*values.values(), changeset, key],
    )


class CtrlCOnCommit:
    """A store's connection with a Ctrl-C (SIGINT to this process) arriving as it
    commits: what a commit's held interrupts are tested with."""

    def __init__(self, con: object):
        self.con = con

    def execute(self, sql: str, *args: object) -> object:
        if sql == "COMMIT":
            os.kill(os.getpid(), signal.SIGINT)
        return self.con.execute(sql, *args)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self.con, name)


def add_undated_cheap_model(run: Run) -> None:
    """Model undated-cheap: no release date, a price from 2024 cheaper than any other,
    and 99 on mmlu with no reported date, a result no date places."""
    for step in (
        ("add-model", "undated-cheap", "--name", "Undated cheap"),
        ("add-result", "undated-cheap", "mmlu", "99"),
        ("add-price", "undated-cheap", "acme", "2024-01-01", "--input", "0.01", "--output", "0.01"),
    ):
        added = run(*step, "-m", "t")
        assert added.exit_code == 0, added.stderr


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deal the slow tests, slowest first, to the heads of the workers' shares of a
    parallel run (pyproject's -n auto --dist worksteal): worksteal hands each worker a
    contiguous share of the tests at first and lets an idle one take queued tests from
    a busy one, but never the test it is running, so a slow test that starts late is
    waited on alone, and two in one share run one after the other."""

    def seconds(item: pytest.Item) -> float:
        marker = item.get_closest_marker("slow")
        return -1 if marker is None else marker.kwargs.get("seconds", 0)

    slow = sorted((i for i in items if seconds(i) >= 0), key=seconds, reverse=True)
    rest = [i for i in items if seconds(i) < 0]
    workers = getattr(config, "workerinput", {}).get("workercount", 1)
    shares = [
        rest[k * len(rest) // workers : (k + 1) * len(rest) // workers] for k in range(workers)
    ]
    for n, item in enumerate(slow):
        shares[n % workers].insert(n // workers, item)
    items[:] = [item for share in shares for item in share]


@pytest.fixture(autouse=True)
def _author(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRENDLAB_AUTHOR", "tester")
    monkeypatch.delenv("TRENDLAB_DB", raising=False)


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded database per test session; tests get copies of it."""
    path = tmp_path_factory.mktemp("template") / "seeded.duckdb"
    # init also loads the forecast cache shipped with the seeds, so a forecast on a
    # copy does not backtest every seeded benchmark again.
    result = CliRunner().invoke(cli, ["--db", str(path), "--author", "seeder", "init"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the schema and no records, to copy per generated example."""
    path = tmp_path_factory.mktemp("empty-template") / "empty.duckdb"
    result = CliRunner().invoke(cli, ["--db", str(path), "init", "--empty"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def db(seeded_template: Path, tmp_path: Path) -> Path:
    """A seeded database of this test's own."""
    target = tmp_path / "trendlab.duckdb"
    shutil.copy(seeded_template, target)
    return target


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    """A database with the schema and no records."""
    path = tmp_path / "empty.duckdb"
    result = CliRunner().invoke(cli, ["--db", str(path), "init", "--empty"])
    assert result.exit_code == 0, result.output
    return path


def make_runner(location: Path | str) -> Run:
    def run(*args: str, input: str | bytes | None = None) -> Result:
        return CliRunner().invoke(cli, ["--db", str(location), *args], input=input)

    return run


# Runs trendlab as its console script does, then reports every module it loaded.
_LOADED_PROBE = """
import atexit, json, runpy, sys
atexit.register(lambda: print("loaded:", json.dumps(sorted(sys.modules)), file=sys.stderr))
sys.argv = ["trendlab", *sys.argv[1:]]
runpy.run_module("trendlab", run_name="__main__")
"""


def process_imports(location: Path | str, *args: str) -> tuple[set[str], str]:
    """The modules a whole `trendlab` process loaded running `args` on `location`, and
    what it printed: for what an in-process CliRunner cannot show (its imports). Loaded,
    not attempted: an import trendlab refuses (pandas, while DuckDB binds) is no cost."""
    proc = subprocess.run(
        [sys.executable, "-c", _LOADED_PROBE, "--db", str(location), *args],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    (report,) = [line for line in proc.stderr.splitlines() if line.startswith("loaded: ")]
    modules = set(json.loads(report.removeprefix("loaded: ")))
    assert len(modules) > 100, proc.stderr
    return modules, proc.stdout


@pytest.fixture
def store_kind(request: pytest.FixtureRequest) -> str:
    """Which store `run` and `run_empty` use: a DuckDB file unless @both_stores says."""
    return str(getattr(request, "param", "file"))


@pytest.fixture
def store_location(store_kind: str, request: pytest.FixtureRequest) -> str:
    """The --db of this test's seeded database (a file path, or a team store)."""
    return str(request.getfixturevalue("team_db" if store_kind == "team" else "db"))


@pytest.fixture
def on_store(store_location: str) -> str:
    """`trendlab --db LOCATION`: a command an error or note suggests, on this test's
    store (never ./trendlab.duckdb), begins so."""
    return f"trendlab --db {shlex.quote(store_location)}"


@pytest.fixture
def run(store_location: str) -> Run:
    """Invoke trendlab on the seeded test database."""
    return make_runner(store_location)


@pytest.fixture
def run_empty(store_kind: str, request: pytest.FixtureRequest) -> Run:
    """Invoke trendlab on the empty test database."""
    name = "empty_team_db" if store_kind == "team" else "empty_db"
    return make_runner(request.getfixturevalue(name))


# -- the team store: DuckLake with its catalog in PostgreSQL -----------------------------


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A real PostgreSQL server for this session, stopped and removed afterwards."""
    try:
        with running_server() as server:
            yield server
    except FileNotFoundError:
        pytest.skip("PostgreSQL is not installed (initdb, pg_ctl); .ci/run installs it")


@pytest.fixture(scope="session")
def lake_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of the test team stores' data paths: each template's own in it (a new
    store's must be empty), shared by the stores cloned from that template, each of
    which writes uniquely named files."""
    return tmp_path_factory.mktemp("lake-data")


def _team_template(server: PgServer, data: Path, name: str, *init_args: str) -> str:
    server.create_database(name)
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            server.lake(name),
            "--data-path",
            str(data / name),
            "--author",
            "seeder",
            "init",
            *init_args,
        ],
    )
    assert result.exit_code == 0, result.output
    return name


@pytest.fixture(scope="session")
def seeded_team_template(pg_server: PgServer, lake_data: Path) -> str:
    """A seeded team store's catalog database, cloned by each test that needs one."""
    return _team_template(pg_server, lake_data, "seeded_template")


@pytest.fixture(scope="session")
def empty_team_template(pg_server: PgServer, lake_data: Path) -> str:
    return _team_template(pg_server, lake_data, "empty_template", "--empty")


def new_team_store(server: PgServer, template: str | None = None) -> str:
    """A team store of its own (a clone of `template`'s catalog, else none yet)."""
    name = f"store_{uuid.uuid4().hex[:16]}"
    server.create_database(name, template)
    return server.lake(name)


@pytest.fixture
def team_db(pg_server: PgServer, seeded_team_template: str) -> str:
    """A seeded team store of this test's own: its --db location."""
    return new_team_store(pg_server, seeded_team_template)


@pytest.fixture
def empty_team_db(pg_server: PgServer, empty_team_template: str) -> str:
    """A team store with the schema and no records."""
    return new_team_store(pg_server, empty_team_template)
