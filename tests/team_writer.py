"""One of several concurrent writers in the team-store concurrency test.

Usage: python team_writer.py DB WRITER N

Prints "ready", waits for a line on stdin (so that every writer starts at once),
then runs `trendlab add-result` N times, each a whole CLI command with its own
changeset, and prints one JSON line: what failed, and the most times one command
was redone after losing a race (see records.Changeset).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from click.testing import CliRunner

from trendlab.cli import cli
from trendlab.records import Changeset

_replays = 0
_replay = Changeset._replay


def _counted(self: Changeset) -> Any:
    global _replays
    _replays += 1
    return _replay(self)


def main() -> None:
    global _replays
    db, writer, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    Changeset._replay = _counted  # type: ignore[method-assign]
    runner = CliRunner()
    print("ready", flush=True)
    sys.stdin.readline()
    failures, most_replays = [], 0
    for i in range(n):
        _replays = 0
        result = runner.invoke(
            cli,
            [
                "--db",
                db,
                # Long enough that no writer gives up its place in the queue.
                "--lock-timeout",
                "120",
                "add-result",
                "gpt-4",
                "mmlu",
                f"{(i % 90) + 5}",
                "--setting",
                f"writer {writer}",
                "--source-url",
                f"https://example.org/{writer}/{i}",
                "-m",
                f"writer {writer}, result {i}",
            ],
        )
        if result.exit_code != 0 or result.stderr.count("error"):
            failures.append(result.stderr.strip() or repr(result.exception))
        most_replays = max(most_replays, _replays)
    print(
        json.dumps({"writer": writer, "failures": failures, "most_replays": most_replays}),
        flush=True,
    )


if __name__ == "__main__":
    main()
