"""trendlab at scale: a million results imported, queried and forecast, against plain DuckDB.

Builds a synthetic dataset (bench/synthetic.py: 3,000 models, 50 benchmarks, N
results in trendlab's import format) and a seeded database (`trendlab init`), then
imports the synthetic models and benchmarks into a copy of it (untimed) and times,
each as a whole process (interpreter start included) and reporting the median of
--repeat runs:

- import: `trendlab import results.csv --kind results` into that database, wall time
  and the child's peak RSS, against the peer: a Python process doing DuckDB's
  read_csv + INSERT of the same file into a bare table (no validation, no history);
- frontier: `trendlab query frontier --param benchmark=X` on the big database and on
  the seeded one, against the peer: the same frontier (running best by date) in plain
  SQL over the peer's bare table, in a Python process, and the floor: DuckDB alone
  running trendlab's own SQL on trendlab's file (run in turn with trendlab's, at
  least QUICK_REPEAT rounds); and both queries again inside one open connection (the
  time in the query alone);
- forecast: `trendlab forecast math --until 2030` warm (the backtest and fit caches
  filled by an earlier run) on the big and the seeded database, and cold (the caches
  emptied first: every benchmark is backtested for the calibration pool) on the big
  database and on one with the same benchmarks and 1 % of the results (and on the
  seeded one, which has 50 benchmarks fewer to backtest);
- output: `trendlab query` of a million generated rows as a table, --csv, --json,
  --jsonl and --format parquet to a file, against the peer: DuckDB's own COPY (the
  same SQL) TO a file of the same format (the table against COPY TO csv), in a
  Python process; and `import` of the big store's results exported as JSON Lines
  against the same export as CSV (the peer), each into the store before the results.

    python bench/scale.py [--results 1000000] [--repeat 3] [--keep DIR] [--only SECTION]

--only (import, frontier, forecast or output; repeatable) times only those sections;
the stores are built as usual.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from bench import synthetic  # noqa: E402
from bench.args import Parser, whole  # noqa: E402
from bench.timing import compile_bytecode, trendlab_command  # noqa: E402

ENV = {"TRENDLAB_AUTHOR": "bench"}
SEEDED_BENCHMARK = "math"
BIG_BENCHMARK = "syn-bench-001"  # one of the synthetic ones: N / 50 results
# Runs of a command that takes a fraction of a second: at least this many, so that one
# slow run (a machine's hiccup) does not move the median.
QUICK_REPEAT = 11

PEER_IMPORT = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute(
    "CREATE TABLE results (model VARCHAR, benchmark VARCHAR, score DOUBLE, setting VARCHAR, "
    "reported_date DATE, source_url VARCHAR, source_kind VARCHAR, notes VARCHAR)"
)
con.execute("INSERT INTO results SELECT * FROM read_csv(?, header = true, columns = {"
    "'model': 'VARCHAR', 'benchmark': 'VARCHAR', 'score': 'DOUBLE', 'setting': 'VARCHAR', "
    "'reported_date': 'DATE', 'source_url': 'VARCHAR', 'source_kind': 'VARCHAR', "
    "'notes': 'VARCHAR'})", [sys.argv[2]])
con.close()
"""

# The frontier of queries/frontier.sql over the peer's bare table (date = reported_date).
PEER_FRONTIER_SQL = """
WITH running AS (
    SELECT reported_date AS date, model, score, setting, source_url,
           max(score) OVER (ORDER BY reported_date, score DESC, model
                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS best_before
    FROM results WHERE benchmark = $benchmark AND reported_date IS NOT NULL
)
SELECT date, model, score, setting, source_url FROM running
WHERE best_before IS NULL OR score > best_before ORDER BY date, score
"""

# The floor under any Python tool: queries/frontier.sql on trendlab's own file by a
# process that imports DuckDB alone and prints the rows. The slug is inlined as a SQL
# literal because binding a parameter makes DuckDB 1.4 import pandas (~0.3 s).
FLOOR_QUERY = """
import csv, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
sql = sys.argv[2].replace("$benchmark", "'" + sys.argv[3].replace("'", "''") + "'")
csv.writer(sys.stdout).writerows(con.execute(sql).fetchall())
"""

PEER_QUERY = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
rows = con.execute(sys.argv[2], {"benchmark": sys.argv[3]}).fetchall()
print(len(rows))
"""


# The output benchmark's rows: a million, of an integer, a DECIMAL, text and a date.
OUTPUT_SQL = (
    "SELECT range AS i, range * 1.5 AS x, 'abc' AS s, current_date AS d FROM range(1000000)"
)
PEER_COPY = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute(f"COPY ({sys.argv[2]}) TO '{sys.argv[3]}' ({sys.argv[4]})")
"""
COPY_OPTIONS = {
    "csv": "FORMAT csv, HEADER",
    "json": "FORMAT json, ARRAY true",
    "jsonl": "FORMAT json",
    "parquet": "FORMAT parquet",
}


SECTIONS = ("import", "frontier", "forecast", "output")


@dataclass
class Stores:
    """The bench's files: the synthetic data and the stores built from it."""

    tl: list[str]
    work: Path
    data: synthetic.Dataset
    seeded: Path
    before: Path  # seeded, with the synthetic models and benchmarks
    big: Path  # before, with the synthetic results
    results: int
    repeat: int


def output_rows(s: Stores) -> list[str]:
    """Rows of the output section: each format of `query` against DuckDB's COPY TO,
    and a JSON Lines import against the same rows' CSV import."""
    tl, db, before, work, repeat = s.tl, s.big, s.before, s.work, s.repeat
    out = ["output (peer: DuckDB's COPY TO of the same SQL, the table's to CSV)"]
    for fmt in ("table", "csv", "json", "jsonl", "parquet"):
        ours = work / f"query.{fmt}"
        peer = work / f"peer.{'csv' if fmt == 'table' else fmt}"
        copy = COPY_OPTIONS["csv" if fmt == "table" else fmt]
        walls = interleaved_medians(
            [
                [*tl, "--db", str(db), "query", OUTPUT_SQL, "--format", fmt, "-o", str(ours)],
                [sys.executable, "-c", PEER_COPY, str(db), OUTPUT_SQL, str(peer), copy],
            ],
            repeat,
        )
        out.append(row(f"query, 1,000,000 rows, {fmt}", walls[0], walls[1], "s"))
    exported = {}
    for fmt in ("jsonl", "csv"):
        exported[fmt] = work / f"export.{fmt}"
        measure([*tl, "--db", str(db), "export", "results", "-o", str(exported[fmt])])
    target = work / "imported.duckdb"

    def fresh() -> None:
        shutil.copy(before, target)

    imports = [
        median_runs(
            [*tl, "--db", str(target), "import", str(exported[f]), "--kind", "results"],
            repeat,
            fresh,
        )[0]
        for f in ("jsonl", "csv")
    ]
    out.append(row("import the results as JSON Lines (peer: CSV)", *imports, "s"))
    return out


def measure(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB) of one child process, which must succeed."""
    start = time.perf_counter()
    child = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ | ENV
    )
    assert child.stderr is not None
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err.decode(errors='replace')}")
    return wall, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def median_runs(
    cmd: list[str], repeat: int, before: Callable[[], None] | None = None
) -> tuple[float, float]:
    """Median wall time and median peak RSS of `repeat` runs."""
    walls, peaks = [], []
    for _ in range(repeat):
        if before is not None:
            before()
        wall, peak = measure(cmd)
        walls.append(wall)
        peaks.append(peak)
    return statistics.median(walls), statistics.median(peaks)


def interleaved_medians(cmds: list[list[str]], repeat: int) -> list[float]:
    """Median wall times of commands run in turn, `repeat` rounds: a quick command and
    its peer then see the same moments of a machine's load."""
    walls: list[list[float]] = [[] for _ in cmds]
    for _ in range(repeat):
        for wall, cmd in zip(walls, cmds, strict=True):
            wall.append(measure(cmd)[0])
    return [statistics.median(w) for w in walls]


def in_query(run: Callable[[], object], repeat: int) -> float:
    """Median seconds of `run` after one warm-up call."""
    run()
    times = []
    for _ in range(max(repeat, 5)):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def empty_cache(db: Path) -> Callable[[], None]:
    def run() -> None:
        con = duckdb.connect(str(db))
        con.execute("DELETE FROM forecast_cache")
        con.close()

    return run


def row(label: str, ours: float, peer: float | None, unit: str) -> str:
    fmt = "{:>10.3f}" if unit == "s" else "{:>10.0f}"
    peer_text = fmt.format(peer) if peer is not None else f"{'':>10}"
    ratio = f"{ours / peer:>7.2f}" if peer else f"{'':>7}"
    return f"  {label:<44}{fmt.format(ours)}{peer_text}{ratio}  {unit}"


def import_rows(s: Stores) -> list[str]:
    """The import section: the big import against DuckDB's read_csv + INSERT."""
    peer_db = s.work / "peer.duckdb"
    results = str(s.data.results)

    def fresh_big() -> None:
        shutil.copy(s.before, s.big)

    def fresh_peer() -> None:
        peer_db.unlink(missing_ok=True)

    imp = median_runs(
        [*s.tl, "--db", str(s.big), "import", results, "--kind", "results"], s.repeat, fresh_big
    )
    peer_imp = median_runs(
        [sys.executable, "-c", PEER_IMPORT, str(peer_db), results], s.repeat, fresh_peer
    )
    return [
        f"import {s.results:,} results (peer: DuckDB read_csv + INSERT into a bare table)",
        row("wall, whole process", imp[0], peer_imp[0], "s"),
        row("peak RSS of the process", imp[1], peer_imp[1], "MiB"),
    ]


def frontier_rows(s: Stores) -> list[str]:
    """The frontier section: whole processes against the bare table's peer and against
    DuckDB alone, and the query alone inside an open connection."""
    from trendlab import queries
    from trendlab.db import Store

    peer_db = s.work / "peer.duckdb"
    if not peer_db.exists():  # the import section builds it, timed
        subprocess.run(
            [sys.executable, "-c", PEER_IMPORT, str(peer_db), str(s.data.results)], check=True
        )

    def frontier(db: Path, benchmark: str) -> list[str]:
        return [*s.tl, "--db", str(db), "query", "frontier", "--param", f"benchmark={benchmark}"]

    peer_cmd = [sys.executable, "-c", PEER_QUERY, str(peer_db), PEER_FRONTIER_SQL]
    named = queries.resolve("frontier")
    floor_cmd = [sys.executable, "-c", FLOOR_QUERY, str(s.big), named.sql]
    fr_big, fr_floor, fr_big_seeded_bench, fr_floor_seeded_bench, fr_seeded, fr_peer = (
        interleaved_medians(
            [
                frontier(s.big, BIG_BENCHMARK),
                [*floor_cmd, BIG_BENCHMARK],
                frontier(s.big, SEEDED_BENCHMARK),
                [*floor_cmd, SEEDED_BENCHMARK],
                frontier(s.seeded, SEEDED_BENCHMARK),
                [*peer_cmd, BIG_BENCHMARK],
            ],
            max(s.repeat, QUICK_REPEAT),
        )
    )

    with Store.open(s.big) as store:
        q_big = in_query(lambda: queries.run(store, named, {"benchmark": BIG_BENCHMARK}), s.repeat)
    with Store.open(s.seeded) as store:
        q_seeded = in_query(
            lambda: queries.run(store, named, {"benchmark": SEEDED_BENCHMARK}), s.repeat
        )
    peer_con = duckdb.connect(str(peer_db), read_only=True)
    q_peer = in_query(
        lambda: peer_con.execute(PEER_FRONTIER_SQL, {"benchmark": BIG_BENCHMARK}).fetchall(),
        s.repeat,
    )
    peer_con.close()
    return frontier_table(
        {
            "big": fr_big,
            "big seeded": fr_big_seeded_bench,
            "seeded": fr_seeded,
            "peer": fr_peer,
            "floor": fr_floor,
            "floor seeded": fr_floor_seeded_bench,
            "query big": q_big,
            "query seeded": q_seeded,
            "query peer": q_peer,
        }
    )


def frontier_table(t: dict[str, float]) -> list[str]:
    """The frontier section's rows from its times (keys as frontier_rows names them).

    The peer's bare table holds the synthetic results alone: the seeded benchmark's rows
    have no peer, rather than a ratio to another benchmark's frontier.
    """
    big, seeded = f"big db, {BIG_BENCHMARK}", SEEDED_BENCHMARK
    return [
        "query frontier (peer: the same frontier in plain SQL on the bare table)",
        row(f"whole process, {big}", t["big"], t["peer"], "s"),
        row(f"whole process, big db, {seeded}", t["big seeded"], None, "s"),
        row(f"whole process, seeded db, {seeded}", t["seeded"], None, "s"),
        row(f"in the query, {big}", t["query big"], t["query peer"], "s"),
        row(f"in the query, seeded db, {seeded}", t["query seeded"], None, "s"),
        "query frontier (floor: DuckDB alone, the same SQL on the same file, in Python)",
        row(f"whole process, {big}", t["big"], t["floor"], "s"),
        row(f"whole process, big db, {seeded}", t["big seeded"], t["floor seeded"], "s"),
    ]


def forecast_rows(s: Stores) -> list[str]:
    """The forecast section: warm and cold on the big store against smaller ones."""
    # The same models and benchmarks with 1 % of the results: a cold forecast
    # backtests every benchmark, so this is the fair peer for a cold one on big.
    small = s.work / "small.duckdb"
    shutil.copy(s.before, small)
    few_n = max(s.results // 100, 1000)
    few = synthetic.write(s.work / "few", few_n)
    measure([*s.tl, "--db", str(small), "import", str(few.results), "--kind", "results"])

    def forecast(db: Path) -> list[str]:
        return [*s.tl, "--db", str(db), "forecast", SEEDED_BENCHMARK, "--until", "2030"]

    cold_seeded = median_runs(forecast(s.seeded), s.repeat, empty_cache(s.seeded))
    cold_big = median_runs(forecast(s.big), s.repeat, empty_cache(s.big))
    cold_small = median_runs(forecast(small), s.repeat, empty_cache(small))
    warm_seeded = median_runs(forecast(s.seeded), s.repeat)
    warm_big = median_runs(forecast(s.big), s.repeat)
    return [
        f"forecast {SEEDED_BENCHMARK} --until 2030 (peer: the same on a smaller store)",
        row("warm cache, big db vs seeded db", warm_big[0], warm_seeded[0], "s"),
        row(f"cold cache, big db vs {few_n:,} results", cold_big[0], cold_small[0], "s"),
        row(f"peak RSS, cold, big db vs {few_n:,} results", cold_big[1], cold_small[1], "MiB"),
        row("cold cache, big db vs seeded db", cold_big[0], cold_seeded[0], "s"),
    ]


def main() -> None:
    parser = Parser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=whole(1), default=1_000_000)
    parser.add_argument("--repeat", type=whole(1), default=3)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    parser.add_argument(
        "--only", choices=SECTIONS, action="append", help="time only this section (repeatable)"
    )
    args = parser.parse_args()
    sections = args.only or SECTIONS
    work = args.keep or Path(tempfile.mkdtemp(prefix="trendlab-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    tl = trendlab_command()
    compile_bytecode()
    try:
        s = Stores(
            tl=tl,
            work=work,
            data=synthetic.write(work / "data", args.results),
            seeded=work / "seeded.duckdb",
            before=work / "before.duckdb",
            big=work / "big.duckdb",
            results=args.results,
            repeat=args.repeat,
        )
        for path in (s.seeded, s.before, s.big, work / "peer.duckdb"):
            path.unlink(missing_ok=True)
        measure([*tl, "--db", str(s.seeded), "init"])
        shutil.copy(s.seeded, s.before)
        for kind, path in (("models", s.data.models), ("benchmarks", s.data.benchmarks)):
            measure([*tl, "--db", str(s.before), "import", str(path), "--kind", kind])
        report = import_rows(s) if "import" in sections else []
        shutil.copy(s.before, s.big)
        measure([*tl, "--db", str(s.big), "import", str(s.data.results), "--kind", "results"])
        if "frontier" in sections:
            report += frontier_rows(s)
        if "forecast" in sections:
            report += forecast_rows(s)
        if "output" in sections:
            report += output_rows(s)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)

    print(
        f"trendlab at scale: {args.results:,} synthetic results, median of {args.repeat} runs, "
        f"{os.cpu_count()} cores"
    )
    print(f"  {'':<44}{'trendlab':>10}{'peer':>10}{'ratio':>7}")
    print("\n".join(report))


if __name__ == "__main__":
    main()
