"""Team store vs DuckDB file: the same commands, timed in one run; concurrent writers.

Starts a throw-away PostgreSQL server (as the tests do), makes a seeded DuckDB file
and a team store copied from it, then prints for each command the median time on
each store and their ratio (team / file), and for concurrent writers on the team
store the throughput against one writer and the replays per changeset.

    python bench/team_store.py [--repeat 5] [--writers 4] [--per-writer 25]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from click.testing import CliRunner  # noqa: E402

from bench.args import Parser, whole  # noqa: E402
from tests.pg import running_server  # noqa: E402
from trendlab.cli import cli  # noqa: E402


def invoke(db: str, *args: str) -> float:
    start = time.perf_counter()
    result = CliRunner().invoke(cli, ["--db", db, *args])
    elapsed = time.perf_counter() - start
    if result.exit_code != 0:
        raise SystemExit(f"{args}: {result.output}")
    return elapsed


def median_time(db: str, make_args, repeat: int) -> float:  # type: ignore[no-untyped-def]
    return statistics.median(invoke(db, *make_args(i)) for i in range(repeat))


def worker(db: str, name: str, n: int) -> None:
    """One concurrent writer (run in its own process): n add-result commands."""
    import trendlab.records as records

    replays = 0
    replay = records.Changeset._replay

    def counted(self):  # type: ignore[no-untyped-def]
        nonlocal replays
        replays += 1
        return replay(self)

    records.Changeset._replay = counted  # type: ignore[method-assign]
    print("ready", flush=True)
    sys.stdin.readline()
    failed = 0
    for i in range(n):
        result = CliRunner().invoke(
            cli,
            [
                *("--db", db, "add-result", "gpt-4", "mmlu", "50", "--setting", f"bench {name}"),
                *("--source-url", f"https://example.org/{name}/{time.time_ns()}/{i}"),
            ],
        )
        failed += result.exit_code != 0
    print(json.dumps({"replays": replays, "failed": failed}), flush=True)


def writers(db: str, count: int, per_writer: int) -> tuple[float, int, int]:
    """(changesets per second, replays, failures) of `count` writers at once."""
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", db, f"w{count}-{w}", str(per_writer)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for w in range(count)
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    start = time.perf_counter()
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    reports = [json.loads(proc.communicate()[0]) for proc in procs]
    elapsed = time.perf_counter() - start
    return (
        count * per_writer / elapsed,
        sum(r["replays"] for r in reports),
        sum(r["failed"] for r in reports),
    )


def main() -> None:
    parser = Parser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=whole(1), default=5, help="runs of each command")
    parser.add_argument("--writers", type=whole(1), default=4, help="writers at once")
    parser.add_argument("--per-writer", type=whole(1), default=25, help="add-results each")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], int(args.worker[2]))
        return
    with tempfile.TemporaryDirectory() as tmp, running_server() as server:
        file_db = str(Path(tmp) / "bench.duckdb")
        invoke(file_db, "init")
        server.create_database("bench")
        team = server.lake("bench")
        invoke(file_db, "--data-path", str(Path(tmp) / "data"), "copy", file_db, team)
        csv = Path(tmp) / "results.csv"
        rows = [f"gpt-4,mmlu,{i % 90},bench import,https://e.org/{i}" for i in range(5000)]
        csv.write_text("model,benchmark,score,setting,source_url\n" + "\n".join(rows) + "\n")
        commands = {
            "list results --csv": lambda i: ("list", "results", "--csv"),
            "show result": lambda i: ("show", "result", "minerva-540b/math", "--json"),
            "query frontier": lambda i: ("query", "frontier", "--param", "benchmark=math"),
            "history model": lambda i: ("history", "model", "gpt-4"),
            "add-result": lambda i: (
                "add-result",
                "gpt-4",
                "gsm8k",
                "90",
                "--source-url",
                f"https://e.org/b{i}",
            ),
            "edit result": lambda i: (
                "edit",
                "result",
                "minerva-540b/math",
                "--set",
                f"notes=n{i}",
                "-m",
                "bench",
            ),
            "import 5000 rows (first time)": lambda i: ("import", str(csv)) if i == 0 else None,
        }
        print(f"{'command':32} {'file s':>8} {'team s':>8} {'team/file':>10}")
        for name, make in commands.items():
            if name.startswith("import"):
                times = [invoke(db, *make(0)) for db in (file_db, team)]
            else:
                times = [median_time(db, make, args.repeat) for db in (file_db, team)]
            print(f"{name:32} {times[0]:8.3f} {times[1]:8.3f} {times[1] / times[0]:10.2f}")
        one, _, _ = writers(team, 1, args.per_writer)
        many, replays, failed = writers(team, args.writers, args.per_writer)
        total = args.writers * args.per_writer
        print(
            f"\nteam store, add-result: 1 writer {one:.2f}/s; {args.writers} writers at once "
            f"{many:.2f}/s (ratio {many / one:.2f}); {replays / total:.2f} replays per "
            f"changeset; {failed} failed of {total}"
        )


if __name__ == "__main__":
    main()
