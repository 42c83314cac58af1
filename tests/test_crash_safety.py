"""Crash safety: `trendlab import` killed (SIGKILL) part-way leaves a database that
opens, passes `trendlab check`, and holds the import wholly or not at all.

The kill is timed by what the importing process is seen doing, not by the clock:
DuckDB writes a big transaction's blocks into the database file before it commits,
so the file's growth shows how far the write has got. A reference import (on its own
copy) measures how long validation takes and how much the file grows; then each
attempt, on a fresh copy, is killed at a point of that progress: during validation,
at the first write, half-way through the writes, and near their end.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from trendlab.cli import cli

MODELS, BENCHMARKS, PER_PAIR = 100, 20, 50  # 100,000 results
ROWS = MODELS * BENCHMARKS * PER_PAIR
MESSAGE = "crash test import"


def _run(db: Path, *args: str) -> None:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def crash_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A database with synthetic models and benchmarks, and a big results file for it."""
    folder = tmp_path_factory.mktemp("crash")
    models, benchmarks = folder / "models.csv", folder / "benchmarks.csv"
    with models.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["slug", "name", "release_date"])
        writer.writerows([f"crash-m{m}", f"Crash model {m}", "2023-01-01"] for m in range(MODELS))
    with benchmarks.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["slug", "unit"])
        writer.writerows([f"crash-b{b}", "percent"] for b in range(BENCHMARKS))
    results = folder / "results.csv"
    with results.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["model", "benchmark", "score", "setting", "reported_date", "source_url"])
        for m in range(MODELS):
            for b in range(BENCHMARKS):
                for s in range(PER_PAIR):
                    writer.writerow(
                        [
                            f"crash-m{m}",
                            f"crash-b{b}",
                            (m * 7 + b * 3 + s) % 100,
                            f"run {s}",
                            "2024-01-01",
                            f"https://example.org/{m}/{b}/{s}",
                        ]
                    )
    template = folder / "template.duckdb"
    _run(template, "init", "--empty")
    _run(template, "import", str(models), "-m", "crash test models")
    _run(template, "import", str(benchmarks), "-m", "crash test benchmarks")
    return template, results


@dataclass
class Outcome:
    returncode: int | None
    grew_by: int  # bytes the database file had grown by when the process ended or died
    stderr: str = ""


def _start(db: Path, results: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "trendlab", "--db", str(db), "import", str(results), "-m", MESSAGE],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _size(db: Path) -> int:
    # The writer checkpoints as the test watches: its WAL can go between a check that it
    # exists and a read of its size (a CI run failed so), so a missing WAL counts as 0.
    try:
        wal = os.path.getsize(f"{db}.wal")
    except FileNotFoundError:
        wal = 0
    return db.stat().st_size + wal


def _import_until(
    db: Path,
    results: Path,
    *,
    seconds: float | None,
    grown: int | None,
    sig: signal.Signals = signal.SIGKILL,
) -> Outcome:
    """Run the import; send it `sig` once `seconds` have passed since it started, or
    once the file has grown by `grown` bytes (None: let it finish)."""
    start_size = _size(db)
    process = _start(db, results)
    started = time.monotonic()
    grew = 0
    while process.poll() is None:
        grew = _size(db) - start_size
        if (seconds is not None and time.monotonic() - started >= seconds) or (
            grown is not None and grew >= grown
        ):
            process.send_signal(sig)
            break
        time.sleep(0.001)
    process.wait()
    assert process.stderr is not None
    error = process.stderr.read().decode()
    process.stderr.close()
    assert "Traceback" not in error and "terminate called" not in error, error
    return Outcome(process.returncode, _size(db) - start_size, error)


def _state(db: Path) -> dict[str, int]:
    """What the database holds, read by a fresh process as a user would."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            """
            SELECT (SELECT count(*) FROM results),
                   (SELECT count(*) FROM result_revisions),
                   (SELECT count(*) FROM changesets),
                   (SELECT count(*) FROM changesets WHERE message = $m),
                   (SELECT count(*) FROM result_revisions r JOIN changesets c
                      ON c.id = r.changeset_id WHERE c.message = $m),
                   (SELECT count(*) FROM result_revisions r
                      WHERE r.changeset_id NOT IN (SELECT id FROM changesets)),
                   (SELECT count(*) FROM changesets c WHERE NOT EXISTS (
                      SELECT 1 FROM revisions r WHERE r.changeset_id = c.id))
            """,
            {"m": MESSAGE},
        ).fetchone()
    finally:
        con.close()
    assert row is not None
    keys = ("results", "revisions", "changesets", "ours", "our_revisions", "orphans", "empty")
    return dict(zip(keys, row, strict=True))


def _assert_all_or_nothing(db: Path, before: dict[str, int]) -> bool:
    """The database opens and passes check, and holds the import wholly or not at all.
    Returns whether it holds it."""
    audit = CliRunner().invoke(cli, ["--db", str(db), "check"])
    assert audit.exit_code == 0, audit.output
    after = _state(db)
    assert after["orphans"] == 0 and after["empty"] == 0, after
    if after["ours"] == 0:
        assert after == before, (before, after)
        return False
    assert after["ours"] == 1, after
    assert after["our_revisions"] == ROWS
    assert after["results"] == before["results"] + ROWS
    assert after["revisions"] == before["revisions"] + ROWS
    assert after["changesets"] == before["changesets"] + 1
    log = CliRunner().invoke(cli, ["--db", str(db), "log", "--limit", "1", "--json"])
    assert MESSAGE in log.stdout and f"results: {ROWS} added" in log.stdout, log.output
    return True


def _rerun(db: Path, results: Path, before: dict[str, int]) -> None:
    """Importing the file again completes the import (or finds nothing left to do)."""
    rerun = CliRunner().invoke(cli, ["--db", str(db), "import", str(results), "-m", MESSAGE])
    assert rerun.exit_code == 0, rerun.output
    assert _assert_all_or_nothing(db, before)


def test_import_killed_part_way_is_all_or_nothing(crash_files: tuple[Path, Path], tmp_path: Path):
    template, results = crash_files
    before = _state(template)
    assert before["ours"] == 0

    # Reference: the whole import, watched. How long until the first write, how much
    # the file grows.
    reference = tmp_path / "reference.duckdb"
    shutil.copy(template, reference)
    start_size = _size(reference)
    process = _start(reference, results)
    started = time.monotonic()
    first_write: float | None = None
    sizes_seen = set()  # distinct sizes of the growing file: more than one = writes spread out
    while process.poll() is None:
        size = _size(reference)
        if size > start_size:
            sizes_seen.add(size)
            if first_write is None:
                first_write = time.monotonic() - started
        time.sleep(0.001)
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    growth = _size(reference) - start_size
    assert growth > 0 and first_write is not None
    assert _assert_all_or_nothing(reference, before)

    attempts: dict[str, tuple[float | None, int | None]] = {  # (seconds, bytes grown)
        "during validation": (first_write / 2, None),
        "at the first write": (None, 1),
        "half-way through the writes": (None, growth // 2),
        "near the end of the writes": (None, growth * 9 // 10),
    }
    killed_mid_write = killed_early = 0
    for name, (seconds, grown) in attempts.items():
        db = tmp_path / f"{name.replace(' ', '-')}.duckdb"
        shutil.copy(template, db)
        outcome = _import_until(db, results, seconds=seconds, grown=grown)
        present = _assert_all_or_nothing(db, before)
        if outcome.returncode == -signal.SIGKILL and not present:
            killed_early += 1
            killed_mid_write += outcome.grew_by > 0
        print(f"{name}: exit {outcome.returncode}, grew {outcome.grew_by} B, present {present}")
        if outcome.returncode == 0:
            assert present, name  # finished before the kill: wholly there
        if name in ("half-way through the writes", "near the end of the writes") or present:
            _rerun(db, results, before)
    # The kills were not all too late to test anything; and where the reference run
    # was seen writing in several steps, at least one kill landed between them.
    assert killed_early >= 1, "every attempt finished its import before the kill"
    if len(sizes_seen) > 1:
        assert killed_mid_write >= 1, "no attempt killed the import after it began writing"


def test_ctrl_c_part_way_is_all_or_nothing_and_says_so(
    crash_files: tuple[Path, Path], tmp_path: Path
):
    """Ctrl-C (SIGINT) stops an import cleanly: exit 130 and one line saying so with
    nothing written, or, once the commit has begun, the import completes (exit 0), or,
    a Ctrl-C landing after the commit and before the exit, exit 130 naming the changeset
    committed (it said "interrupted" alone, as if nothing had been written). Never a
    traceback, never DuckDB aborting mid-commit."""
    template, results = crash_files
    before = _state(template)
    for name, grown in (("at the first write", 1), ("after 1 MB of writes", 1 << 20)):
        db = tmp_path / f"sigint-{name.replace(' ', '-')}.duckdb"
        shutil.copy(template, db)
        outcome = _import_until(db, results, seconds=None, grown=grown, sig=signal.SIGINT)
        present = _assert_all_or_nothing(db, before)
        if outcome.returncode == 130 and present:
            assert re.fullmatch(
                r"trendlab: interrupted after committing changeset [0-9a-f]{18}\n",
                outcome.stderr,
            ), outcome.stderr
        elif outcome.returncode == 130:
            assert outcome.stderr == "trendlab: interrupted\n", outcome.stderr
        else:
            assert outcome.returncode == 0, (name, outcome)
            assert present and f"results: {ROWS} added" in outcome.stderr
