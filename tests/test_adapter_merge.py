"""import --from on a seeded database: merge rules (an empty cell never erases, a
rounded restatement never replaces a precise figure, a restatement never replaces a
primary source's provenance), one copy per Epoch record, rows a newer publication
drops, and adapters that never trace back on hostile input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import Run

DATA = Path(__file__).resolve().parent / "data"
EPOCH = DATA / "epoch"
SHARED = Path("/work/shared/data")


def _rows(run: Run, *args: str) -> list[dict]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_shots_cell_that_says_shot_is_not_suffixed_twice(run_empty: Run, tmp_path: Path):
    assert run_empty("import", "--from", "epoch", str(EPOCH / "model_versions.csv")).exit_code == 0
    path = tmp_path / "external_benchmark_bbh.csv"
    path.write_text(
        "id,Name,Average,Model version,Shots,Notes,Source,Source link\n"
        "rec1,Qwen 7B,45.0%,Qwen-7B,5-shot,,Qwen Technical Report,https://arxiv.org/pdf/a\n"
        "rec2,Qwen 7B,46.0%,Qwen-7B,3 shots,,Qwen Technical Report,https://arxiv.org/pdf/b\n"
        "rec3,Qwen 7B,47.0%,Qwen-7B,few-shot,,Qwen Technical Report,https://arxiv.org/pdf/c\n"
        "rec4,Qwen 7B,48.0%,Qwen-7B,0,,Qwen Technical Report,https://arxiv.org/pdf/d\n",
        encoding="utf-8",
    )
    result = run_empty("import", "--from", "epoch", str(path))
    assert result.exit_code == 0, result.stderr
    rows = _rows(run_empty, "list", "results", "--benchmark", "bbh")
    assert sorted((r["score"], r["setting"]) for r in rows) == [
        (45.0, "5-shot"),
        (46.0, "3-shot"),
        (47.0, "few-shot"),
        (48.0, "0-shot"),
    ]


def test_left_out_list_says_how_many_more(run_empty: Run):
    result = run_empty(
        "import", "--from", "epoch", str(SHARED / "epoch-benchmark-stitching"), "--dry-run"
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("left out 339 rows"))
    assert all(line.startswith("  /") for line in lines[head + 1 : head + 6])
    assert lines[head + 6] == "  ... and 334 more rows"
