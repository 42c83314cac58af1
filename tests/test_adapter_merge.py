"""import --from on a seeded database: merge rules (an empty cell never erases, a
rounded restatement never replaces a precise figure, a restatement never replaces a
primary source's provenance), one copy per Epoch record, rows a newer publication
drops, and adapters that never trace back on hostile input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SHARED, Run, both_stores
from tests.refusals import assert_refused

DATA = Path(__file__).resolve().parent / "data"
EPOCH = DATA / "epoch"
needs_shared = pytest.mark.skipif(
    not (SHARED / "epoch-benchmark-stitching").is_dir(), reason="the raw data is not here"
)


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


def _each_refused(run_empty: Run, errors: dict[Path, str]) -> None:
    """Each Epoch file, imported alone, is refused whole (exit 1) with one line, the
    file's path then its `errors` entry (its line and problem), and nothing is written."""
    for path, error in errors.items():
        assert_refused(
            run_empty,
            ["import", "--from", "epoch", str(path)],
            stderr=[f"trendlab: error: {path}:{error}; nothing was written"],
        )


def test_one_record_given_twice_with_two_scores_says_the_scores_differ(
    run_empty: Run, tmp_path: Path
):
    # The same score twice is left out as a repeat; two were "same Model version (model),
    # benchmark, setting, Source link (source_url) as line 2", not saying which differs.
    assert run_empty("import", "--from", "epoch", str(EPOCH / "model_versions.csv")).exit_code == 0
    path = tmp_path / "external_benchmark_bbh.csv"
    path.write_text(
        "id,Name,Average,Model version,Shots,Notes,Source,Source link\n"
        "rec1,Qwen 7B,45.0%,Qwen-7B,3,,Qwen Technical Report,https://arxiv.org/pdf/a\n"
        "rec1,Qwen 7B,46.0%,Qwen-7B,3,,Qwen Technical Report,https://arxiv.org/pdf/a\n",
        encoding="utf-8",
    )
    _each_refused(
        run_empty,
        {
            path: "3: the same Epoch record (rec1) as line 2 with a different Average (score): "
            "46.0% here, 45.0% on line 2"
        },
    )
    # Each such record is listed, not the first alone.
    with path.open("a", encoding="utf-8") as more:
        more.write(
            "rec2,Qwen 7B,45.0%,Qwen-7B,5,,Qwen Technical Report,https://arxiv.org/pdf/a\n"
            "rec2,Qwen 7B,47.0%,Qwen-7B,5,,Qwen Technical Report,https://arxiv.org/pdf/a\n"
        )
    both = run_empty("import", "--from", "epoch", str(path))
    assert both.exit_code == 1
    assert both.stderr.splitlines()[1:] == [
        f"  {path}:3: the same Epoch record (rec1) as line 2 with a different Average "
        "(score): 46.0% here, 45.0% on line 2",
        f"  {path}:5: the same Epoch record (rec2) as line 4 with a different Average "
        "(score): 47.0% here, 45.0% on line 4",
    ]
    # Quoted as the file writes them: the Hub's fractions were told in percent, 31.3
    # for the 0.313 on the line named.
    hub = tmp_path / "benchmark_results_epoch.csv"
    hub.write_text(
        "benchmark,model_version,release_date,score,score_scale,epoch_row_id\n"
        "MMLU,Qwen-7B,2023-09-28,0.303,0-1,rec3\n"
        "MMLU,Qwen-7B,2023-09-28,0.313,0-1,rec3\n",
        encoding="utf-8",
    )
    _each_refused(
        run_empty,
        {
            hub: "3: the same Epoch record (rec3) as line 2 with a different score: 0.313 here, "
            "0.303 on line 2"
        },
    )


def _written(path: Path, text: str) -> Path:
    """`path`, in a folder of its own made for it, holding `text`."""
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    return path


@needs_shared
def test_a_shots_cell_that_is_no_number_of_shots_is_refused(run_empty: Run, tmp_path: Path):
    # Any cell became a setting: '-3-shot', '5.5-shot'. A word (few, zero) is one.
    assert run_empty("import", "--from", "epoch", str(EPOCH / "model_versions.csv")).exit_code == 0
    external = tmp_path / "external_benchmark_bbh.csv"
    external.write_text(
        "id,Name,Average,Model version,Shots,Notes,Source,Source link\n"
        "rec1,Qwen 7B,45.0%,Qwen-7B,few,,Qwen Technical Report,https://arxiv.org/pdf/a\n"
        "rec2,Qwen 7B,46.0%,,-1,,Qwen Technical Report,https://arxiv.org/pdf/b\n"
        "rec3,Qwen 7B,47.0%,Qwen-7B,-3,,Qwen Technical Report,https://arxiv.org/pdf/c\n"
        "rec4,Qwen 7B,48.0%,Qwen-7B,5.5 shots,,Qwen Technical Report,https://arxiv.org/pdf/d\n",
        encoding="utf-8",
    )
    hub = tmp_path / "benchmark_results_epoch.csv"
    hub.write_text(
        "benchmark,model_version,release_date,score,score_scale,shots\n"
        "MMLU,Qwen-7B,2023-09-28,0.5,0-1,5\n"
        "MMLU,Qwen-7B,2023-09-28,0.6,0-1,1e3\n",
        encoding="utf-8",
    )
    _each_refused(
        run_empty, {hub: "3: shots (setting): '1e3' is not a number of shots, nor a word (few)"}
    )
    # Every bad row is listed, as an import lists them: it named the first, and the
    # user fixed it to be told of the next.
    assert_refused(
        run_empty,
        ["import", "--from", "epoch", str(external)],
        stderr=[
            f"trendlab: error: {external}: 2 bad rows; nothing was written",
            f"  {external}:4: Shots (setting): '-3' is not a number of shots, nor a word (few)",
            f"  {external}:5: Shots (setting): '5.5 shots' is not a number of shots, nor a word "
            "(few)",
        ],
    )


def test_a_file_with_bad_cells_and_bad_scores_names_both_in_one_run(run: Run, tmp_path: Path):
    # The reader's own checks (Shots, Date added, the Hub's scale) stopped the import
    # before the scores were checked: a bad score was named only once they were fixed.
    external = tmp_path / "external_benchmark_mmlu.csv"
    external.write_text(
        "id,EM,Model version,Shots,Date added\n"
        "rec1,70.0%,gpt-4,-3,\n"
        "rec2,abc,gpt-4-0314,5,\n"
        "rec3,71.0%,gpt-4-0613,5,31/2/2025\n",
        encoding="utf-8",
    )
    hub = tmp_path / "benchmark_results_epoch.csv"
    hub.write_text(
        "benchmark,model_version,score,score_scale\nMMLU,gpt-4,0.5,x\nMMLU,gpt-4-0314,abc,0-1\n",
        encoding="utf-8",
    )
    for path, told in (
        (
            external,
            [
                "2: Shots (setting): '-3' is not a number of shots, nor a word (few)",
                "3: EM (score): 'abc' is not a finite number",
                "4: Date added: '31/2/2025' is not a date (DD/MM/YYYY)",
            ],
        ),
        (
            hub,
            ["2: score_scale: 'x' is not 0-1 or 0-100", "3: score: 'abc' is not a finite number"],
        ),
    ):
        assert_refused(
            run,
            ["import", "--from", "epoch", str(path), "--dry-run"],
            stderr=[
                f"trendlab: error: {path}: {len(told)} bad rows; nothing was written",
                *(f"  {path}:{line}" for line in told),
            ],
        )


def test_a_file_whose_own_checks_pass_has_every_bad_score_named(run: Run, tmp_path: Path):
    # Refused by the reader for its score 'abc', the file's score outside its benchmark's
    # unit, which only validation names, was named a run later.
    path = tmp_path / "external_benchmark_mmlu.csv"
    path.write_text("id,EM,Model version\nr1,abc,gpt-4\nr2,150%,gpt-4-0314\n", encoding="utf-8")
    result = run("import", "--from", "epoch", str(path))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[:2] == [
        f"trendlab: error: {path}: 2 bad rows; nothing was written",
        f"  {path}:2: EM (score): 'abc' is not a finite number",
    ]
    assert lines[2].startswith(f"  {path}:3: EM (score): 150.0 is outside the range of unit")


def test_a_record_given_twice_is_named_with_the_files_other_bad_rows(run: Run, tmp_path: Path):
    # One record with two scores was named only once every other bad row was fixed.
    path = tmp_path / "external_benchmark_mmlu.csv"
    path.write_text(
        "id,EM,Model version,Shots\nrec1,50%,gpt-4,-3\nrec2,51%,gpt-4,5\nrec2,52%,gpt-4,5\n",
        encoding="utf-8",
    )
    result = run("import", "--from", "epoch", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"trendlab: error: {path}: 2 bad rows; nothing was written",
        f"  {path}:2: Shots (setting): '-3' is not a number of shots, nor a word (few)",
        f"  {path}:4: the same Epoch record (rec2) as line 3 with a different EM (score): "
        "52% here, 51% on line 3",
    ]


@pytest.mark.parametrize(
    ("mmlu_rows", "mmlu_told"),
    [
        # The first file's bad rows stopped the import: the next file's were named once
        # they were fixed, a run later.
        pytest.param(
            "id,EM,Model version,Shots\nrec2,50%,gpt-4,-3\nrec3,x,gpt-4,5\n",
            [
                "2: Shots (setting): '-3' is not a number of shots, nor a word (few)",
                "3: EM (score): 'x' is not a finite number",
            ],
            id="a-reader-refuses",
        ),
        # With no file refused by its reader, validation stopped at the first file's bad
        # rows: the next file's were named a run later.
        pytest.param(
            "id,EM,Model version\nrec2,abc,gpt-4\n",
            ["2: EM (score): 'abc' is not a finite number"],
            id="validation-refuses",
        ),
    ],
)
def test_a_folder_names_the_bad_rows_of_every_file_in_one_run(
    run: Run, tmp_path: Path, mmlu_rows: str, mmlu_told: list[str]
):
    folder = tmp_path / "download"
    folder.mkdir()
    bbh = folder / "external_benchmark_bbh.csv"
    bbh.write_text("id,Average,Model version\nrec1,abc,gpt-4\n", encoding="utf-8")
    mmlu = folder / "external_benchmark_mmlu.csv"
    mmlu.write_text(mmlu_rows, encoding="utf-8")
    assert_refused(
        run,
        ["import", "--from", "epoch", str(folder)],
        stderr=[
            f"trendlab: error: {folder}: bad rows in 2 files; nothing was written",
            f"  {bbh}:2: Average (score): 'abc' is not a finite number",
            *(f"  {mmlu}:{told}" for told in mmlu_told),
        ],
    )


def test_a_catalog_row_without_an_id_is_listed_as_left_out(run_empty: Run, tmp_path: Path):
    # It was dropped in silence, as no other unusable row is.
    path = tmp_path / "model_versions.csv"
    path.write_text(
        "id,Model,Version release date\n,GPT-2 (1.5B),2019-11-05\nfoo-7b,Foo,2020-01-02\n"
        ",,2020-01-03\n",
        encoding="utf-8",
    )
    result = run_empty("import", "--from", "epoch", str(path))
    assert result.exit_code == 0, result.stderr
    # A row with no name either is listed without a blank where it would be.
    assert result.stderr.splitlines()[:3] == [
        "left out 2 rows: 2 no id",
        f"  {path}:2: GPT-2 (1.5B) (no id)",
        f"  {path}:4: (no id)",
    ]
    assert result.stderr.splitlines()[-1].startswith("models: 1 added (changeset ")


def test_a_folder_s_catalog_with_its_byte_order_mark_twice_is_read(run_empty: Run, tmp_path: Path):
    """Read alone it was, but in a folder its first column '\ufeffid' did not tell it as
    Epoch's catalog: '1 file of ... not read (by its columns ...)'."""
    folder = tmp_path / "epoch"
    folder.mkdir()
    (folder / "model_versions.csv").write_text(
        "\ufeff\ufeffid,Model,Version release date\nfoo-7b,Foo,2020-01-02\n", encoding="utf-8"
    )
    result = run_empty("import", "--from", "epoch", str(folder))
    assert result.exit_code == 0, result.stderr
    assert "not read" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith("models: 1 added (changeset ")


def test_left_out_list_says_how_many_more(run_empty: Run):
    result = run_empty(
        "import", "--from", "epoch", str(SHARED / "epoch-benchmark-stitching"), "--dry-run"
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("left out "))
    total = int(lines[head].split()[2])
    assert total > 300
    assert all(line.startswith("  /") for line in lines[head + 1 : head + 6])
    assert lines[head + 6] == f"  ... and {total - 5} more rows (--list-all lists them)"
    every = run_empty(
        "import",
        "--from",
        "epoch",
        str(SHARED / "epoch-benchmark-stitching"),
        "--dry-run",
        "--list-all",
    )
    lines = every.stderr.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("left out "))
    listed = lines[head + 1 : head + 1 + total]
    assert len(listed) == total and all(line.startswith("  /") for line in listed)
    assert "more rows" not in every.stderr
    alone = run_empty("import", "models.csv", "--list-all")
    assert alone.exit_code == 2 and "go with --from" in alone.stderr


# -- hostile input: one line naming the place, exit 1, never a traceback ----------------


def test_metr_wrong_types_are_one_line_errors(run: Run, tmp_path: Path):
    cases = {
        "results:\n  gpt_4:\n    metrics:\n      p50_horizon_length:\n        estimate: abc\n": ":4: "
        "estimate (score): 'abc' is not a finite number",
        # A date stays text, so one that does not exist is an error, not YAML's traceback.
        "results:\n  gpt_4:\n    metrics:\n      p50_horizon_length:\n        estimate: 5\n"
        "    release_date: 2023-02-30\n": ":2: gpt_4: release_date: '2023-02-30' is not a date "
        "(YYYY-MM-DD)",
        # A number stays text (a suite named 7 is '7'), as in a CSV cell; true is no text.
        "results:\n  gpt_4:\n    benchmark_name: true\n    scaffolds: 3\n    metrics:\n"
        "      p50_horizon_length:\n        estimate: 5\n": ":2: gpt_4: benchmark_name: expected "
        "text, not True",
        "results:\n  gpt_4:\n    scaffolds: 3\n    metrics:\n      p50_horizon_length:\n"
        "        estimate: 5\n": ":2: gpt_4: scaffolds: expected a list of names, not '3'",
        "results:\n  gpt_4:\n    metrics:\n      p50_horizon_length:\n        estimate: [5]\n": ":2: "
        "gpt_4: p50_horizon_length.estimate: expected a single value, not a list",
        "results:\n  gpt_4:\n    metrics:\n      p50_horizon_length: 5\n": ":2: gpt_4: "
        "p50_horizon_length: expected a mapping with `estimate`",
        # Flow style puts no key on a line of its own: the error names the entry.
        "results: {gpt_4: {metrics: {p50_horizon_length: {estimate: abc}}}}\n": ":result 1: "
        "estimate (score): 'abc' is not a finite number",
        # YAML would keep the second silently; a CSV with a key twice is refused too.
        "results:\n  gpt_4:\n    metrics: {p50_horizon_length: {estimate: 5}}\n  gpt_4:\n"
        "    metrics: {p50_horizon_length: {estimate: 7}}\n": ":4: invalid YAML: 'gpt_4' is "
        "given twice",
    }
    before = run("log", "--json").stdout
    both = tmp_path / "both.yaml"
    both.write_text(
        "results:\n  gpt_4:\n    metrics:\n      p50_horizon_length:\n        estimate: abc\n"
        "      p80_horizon_length:\n        estimate: -5\n"
    )
    result = run("import", "--from", "metr", str(both))
    assert result.exit_code == 1
    assert f"{both}:4: estimate (score): 'abc' is not a finite number" in result.stderr
    assert f"{both}:6: estimate (score): -5.0 is outside the range of unit minutes" in result.stderr
    for number, (text, expected) in enumerate(cases.items()):
        path = tmp_path / f"m{number}.yaml"
        path.write_text(text)
        result = run("import", "--from", "metr", str(path))
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith("trendlab: error: ")
        assert f"{path}{expected}" in result.stderr
        assert "internal error" not in result.stderr
    assert run("log", "--json").stdout == before


def test_a_source_url_spelled_otherwise_is_merged_as_the_stored_one(run: Run, tmp_path: Path):
    """The merge found a stored result by its source URL as written, where the write
    takes HTTPS://EXAMPLE.ORG/metr/ for the stored https://example.org/metr: a rounder
    score replaced the stored one and the notes lost its interval, where the URL as
    stored changed nothing."""
    entry = "results:\n  gpt_4:\n    release_date: 2023-03-14\n    metrics:\n"
    entry += "      p50_horizon_length:\n        estimate: {estimate}\n"
    first, again = tmp_path / "first.yaml", tmp_path / "again.yaml"
    first.write_text(entry.format(estimate="5.3640451234\n        ci_low: 1\n        ci_high: 9"))
    again.write_text(entry.format(estimate="5.36"))
    url = "https://example.org/metr"
    assert run("import", "--from", "metr", str(first), "--source-url", url).exit_code == 0
    listing = ("list", "results", "--model", "gpt-4", "--benchmark", "metr-time-horizon", "--json")
    before = run(*listing).stdout
    for spelled in (url, "HTTPS://EXAMPLE.ORG/metr/"):
        result = run("import", "--from", "metr", str(again), "--source-url", spelled)
        assert result.exit_code == 0, result.stderr
        assert result.stderr.splitlines()[-1].endswith("nothing to write"), result.stderr
    assert run(*listing).stdout == before


def test_metr_figures_only_the_notes_hold_are_checked(run: Run, tmp_path: Path):
    # The interval and average score go to notes, where no validation sees them:
    # '95% CI 1.5-lots minutes' and an interval upside down were written as they came.
    entry = "results:\n  gpt_4:\n    metrics:\n      average_score:\n        estimate: {avg}\n"
    entry += "      p50_horizon_length:\n        estimate: 3.5\n        ci_low: {low}\n"
    entry += "        ci_high: {high}\n"
    cases = {
        ("0.3", "1.5", "lots"): "p50_horizon_length.ci_high: 'lots' is not a finite number",
        ("0.3", ".nan", "7"): "p50_horizon_length.ci_low: '.nan' is not a finite number",
        ("0.3", "-1", "7"): "p50_horizon_length.ci_low: '-1' must be at least 0",
        # Quoted by its start and length: cut at 40 characters, it read as -1.0000.
        ("0.3", f"-1.{'0' * 98}", "7"): (
            f"p50_horizon_length.ci_low: '-1.{'0' * 57}'... (101 characters) must be at least 0"
        ),
        ("0.3", "7.0", "1.5"): "p50_horizon_length.ci_low: 7.0 is above ci_high 1.5",
        ("high", "1.5", "7"): "average_score.estimate: 'high' is not a finite number",
    }
    for number, ((avg, low, high), expected) in enumerate(cases.items()):
        path = tmp_path / f"m{number}.yaml"
        path.write_text(entry.format(avg=avg, low=low, high=high))
        assert_refused(
            run,
            ["import", "--from", "metr", str(path)],
            stderr=[f"trendlab: error: {path}:2: gpt_4: {expected}; nothing was written"],
        )


def test_epoch_metr_bounds_only_the_notes_hold_are_checked(run_empty: Run, tmp_path: Path):
    # A bound that was no number dropped the interval from the notes in silence, and
    # one upside down was written as it came. Each is quoted as any cell is: a long
    # negative one was told whole and unquoted.
    assert run_empty("import", "--from", "epoch", str(EPOCH / "model_versions.csv")).exit_code == 0
    header = "id,Model version,CI_high,CI_low,Time horizon,Source,Source link\n"
    long_bound = f"-1.{'0' * 98}"  # 101 characters
    cases = {
        ("34.5", "lots"): "CI_low: 'lots' is not a finite number",
        ("nan", "9.5"): "CI_high: 'nan' is not a finite number",
        ("34.5", "-1"): "CI_low: '-1' must be at least 0",
        ("34.5", long_bound): f"CI_low: '-1.{'0' * 57}'... (101 characters) must be at least 0",
        ("9.5", "34.5"): "CI_low: '34.5' is above CI_high '9.5'",
    }
    row = "rec1,gpt-4-0314,{},{},18.2,METR,https://metr.org/a\n"
    files = {
        _written(tmp_path / str(n) / "external_benchmark_metr.csv", header + row.format(*cells)):
        f"2: {expected}"
        for n, (cells, expected) in enumerate(cases.items())
    }  # fmt: skip
    _each_refused(run_empty, files)


def test_a_date_added_that_is_no_day_is_refused(run_empty: Run, tmp_path: Path):
    # Only the notes hold it, and a cell that was no day was dropped from them in silence.
    # A year of two digits (24/2/25, as a spreadsheet may save the file) was noted as the
    # year 25: 'added to the leaderboard 0025-02-24'.
    assert run_empty("import", "--from", "epoch", str(EPOCH / "model_versions.csv")).exit_code == 0
    header = "Agent,Model version,Score,Source,Source link,Notes (details),Date added\n"
    rows = (
        "A,,8.2,OS World Website,https://os-world.github.io/,,no model: not judged\n"
        "B,gpt-4-0314,28.0,OS World Website,https://os-world.github.io/,,{}\n"
    )
    files = {
        _written(tmp_path / str(n) / "external_benchmark_os_world.csv", header + rows.format(cell)):
        f"3: Date added: '{cell}' is not a date (DD/MM/YYYY)"
        for n, cell in enumerate(["31/2/2025", "2025-02-24", "24/2/25", "24/2/0025"])
    }  # fmt: skip
    _each_refused(run_empty, files)


def test_an_accuracy_se_that_is_no_figure_is_refused(run_empty: Run, tmp_path: Path):
    # Only the notes hold it, where 'standard error abc' was written as it came.
    assert run_empty("import", "--from", "epoch", str(EPOCH / "model_versions.csv")).exit_code == 0
    header = "id,Agent,Model version,Accuracy mean,Accuracy SE,Notes,Source,Source link\n"
    cases = {"abc": "'abc' is not a finite number", "-0.6%": "'-0.6%' must be at least 0"}
    row = "rec1,Apex2,gpt-4-0314,64.5%,{},,Terminal-Bench,https://www.tbench.ai/\n"
    files = {
        _written(tmp_path / str(n) / "external_benchmark_terminal_bench.csv",
                 header + row.format(cell)): f"2: Accuracy SE: {expected}"
        for n, (cell, expected) in enumerate(cases.items())
    }  # fmt: skip
    _each_refused(run_empty, files)


def test_a_metr_release_date_after_today_is_refused_for_a_dated_model_too(run: Run, tmp_path: Path):
    # gpt-4 has a date, so the model did not take METR's, but its notes did: 'METR
    # gives release date 2099-01-01' was written.
    before = run("log", "--csv").stdout
    path = tmp_path / "m.yaml"
    for date, problem in {
        "2099-01-01": "is after today (",
        "1850-01-01": "is outside 1900-2100",
    }.items():
        path.write_text(
            "results:\n  gpt_4:\n    metrics:\n      p50_horizon_length:\n"
            f"        estimate: 3.5\n    release_date: {date}\n"
        )
        result = run("import", "--from", "metr", str(path))
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith(
            f"trendlab: error: {path}:2: gpt_4: release_date: '{date}' {problem}"
        )
        assert len(result.stderr.splitlines()) == 1
    assert run("log", "--csv").stdout == before


def test_llm_prices_wrong_types_are_one_line_errors(run: Run, tmp_path: Path):
    cases = {
        '{"vendor": "openai", "models": [{"id": "gpt-4o", "price_history": [3]}]}': ": model 1 "
        "(gpt-4o): price_history: expected objects, not 3",
        '{"prices": [7]}': ": price 1: expected an object, not 7",
        '{"prices": [{"id": ["gpt-4o"], "vendor": "openai", "input": 1}]}': ':price 1 (["gpt-4o"]): '
        'id: expected text, not ["gpt-4o"]',
        '{"prices": [{"id": "gpt-4o", "vendor": "openai", "input": {"a": 1}}]}': ":price 1 "
        '(gpt-4o): input: expected a number, not {"a": 1}',
        '{"prices": [{"id": "gpt-4o", "vendor": "openai", "input": 1, "from_date": 20240513}]}': (
            ":price 1 (gpt-4o): from_date: expected text, not 20240513"
        ),
    }
    for number, (text, expected) in enumerate(cases.items()):
        path = tmp_path / f"p{number}.json"
        path.write_text(text)
        result = run("import", "--from", "llm-prices", str(path))
        assert result.exit_code == 1, result.output
        assert f"{path}{expected}" in result.stderr, result.stderr
        assert "internal error" not in result.stderr


def test_llm_prices_to_date_that_is_no_day_or_not_after_its_start_is_refused(
    run: Run, tmp_path: Path
):
    # Only the notes hold a to_date, where no validation sees it: 'until soon' and a
    # period ending before it began were written as they came.
    cases = {
        '"from_date": "2025-03-01", "to_date": "soon"': "to_date: 'soon' is not a date "
        "(YYYY-MM-DD)",
        '"from_date": null, "to_date": "2025/01/01"': "to_date: '2025/01/01' is not a date "
        "(YYYY-MM-DD)",
        '"from_date": "2025-05-01", "to_date": "2025-04-01"': "to_date: '2025-04-01' is not "
        "after the price's from_date '2025-05-01'",
        '"from_date": "2025-05-01", "to_date": "2025-05-01"': "to_date: '2025-05-01' is not "
        "after the price's from_date '2025-05-01'",
    }
    for number, (dates, expected) in enumerate(cases.items()):
        path = tmp_path / f"p{number}.json"
        path.write_text(
            f'{{"prices": [{{"id": "gpt-4o", "vendor": "openai", "input": 7, "output": 21, '
            f"{dates}}}]}}"
        )
        assert_refused(
            run,
            ["import", "--from", "llm-prices", str(path)],
            stderr=[f"trendlab: error: {path}:price 1 (gpt-4o): {expected}; nothing was written"],
        )


def _never_a_traceback(run: Run, source: str, path: Path) -> None:
    result = run("import", "--from", source, str(path), "--dry-run", "--skip-unresolved")
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    if result.exit_code == 1:
        assert result.stderr.startswith("trendlab: error: "), result.stderr


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["2024-05-13", "2023-02-30", "abc", "5-shot", "gpt-4o", "openai"]),
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    entry=st.fixed_dictionaries(
        {},
        optional={
            "benchmark_name": _values,
            "release_date": _values,
            "scaffolds": _values,
            "metrics": st.fixed_dictionaries(
                {},
                optional={
                    "p50_horizon_length": _values
                    | st.fixed_dictionaries(
                        {}, optional={"estimate": _values, "ci_low": _values, "ci_high": _values}
                    ),
                    "p80_horizon_length": _values,
                    "average_score": _values,
                },
            )
            | _values,
        },
    ),
    top=_values,
)
def test_metr_never_a_traceback(run: Run, tmp_path_factory, entry: dict, top: object):
    import yaml

    path = tmp_path_factory.mktemp("metr") / "m.yaml"
    path.write_text(yaml.safe_dump({"benchmark_name": top, "results": {"gpt_4": entry}}))
    _never_a_traceback(run, "metr", path)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    price=st.fixed_dictionaries(
        {"id": st.sampled_from(["gpt-4o"]) | _values, "vendor": st.just("openai") | _values},
        optional={
            "input": _values,
            "output": _values,
            "input_cached": _values,
            "from_date": _values,
            "to_date": _values,
            "name": _values,
        },
    ),
    vendor_file=st.booleans(),
)
def test_llm_prices_never_a_traceback(run: Run, tmp_path_factory, price: dict, vendor_file: bool):
    if vendor_file:
        model = {k: price.pop(k) for k in ("id", "name") if k in price}
        data: object = {"vendor": "openai", "models": [model | {"price_history": [price]}]}
    else:
        data = {"prices": [price]}
    path = tmp_path_factory.mktemp("prices") / "p.json"
    path.write_text(json.dumps(data))
    _never_a_traceback(run, "llm-prices", path)


_epoch_cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=10) | (
    st.sampled_from(["5-shot", "77.0%", "0.5", "", "few", "gpt-4", "-1", "1e400"])
)


def _or_any(*values: str) -> st.SearchStrategy[str]:
    """One of `values`, as often as any cell at all."""
    return st.sampled_from(values) | _epoch_cells


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    # A row naming a model the seeds lack is left out as unresolved, and one whose Shots
    # is no setting is refused, before its score is read: with any cell in each column
    # (a seeded model one cell in 16, a good Shots one in 8) the score's checks were all
    # but never reached. Each column is as often a value that gets the row that far.
    cells=st.tuples(
        _epoch_cells,
        _epoch_cells,
        _or_any("77.0%", "0.5", "100", "-1", "100.5", "1e400", "abc", ""),
        _or_any("gpt-4", "GPT-4", " claude-3-opus "),
        _or_any("5", "0", "", "5-shot"),
        _epoch_cells,
        _epoch_cells,
        _or_any("", "https://example.org/a"),
    )
)
def test_epoch_never_a_traceback(run: Run, tmp_path_factory, cells: tuple[str, ...]):
    import csv

    path = tmp_path_factory.mktemp("epoch") / "external_benchmark_mmlu.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["id", "Name", "EM", "Model version", "Shots", "Notes", "Source", "Source link"]
        )
        writer.writerow(cells)
    _never_a_traceback(run, "epoch", path)


# -- merging into a seeded database ----------------------------------------------------


def _summary(stderr: str) -> str:
    return next(line for line in stderr.splitlines() if line.startswith(("dry run:", "models:")))


@needs_shared
def test_reimporting_the_publications_the_seeds_came_from_changes_only_corrected_dates(run: Run):
    stitching = run("import", "--from", "epoch", str(SHARED / "epoch-benchmark-stitching"))
    assert stitching.exit_code == 0, stitching.stderr
    # Two models differ: seeds/corrections.csv dates Kimi-K2-Instruct-0905 2025-09-05,
    # where the catalog says 2024-09-05, and gemini-2.5-pro-preview-03-25 2025-04-04,
    # where it says 2025-04-09. A source's figure that differs is a new revision (the
    # merge's rule 3), so the catalog's date comes back, and the history keeps both.
    assert _summary(stitching.stderr).startswith(
        "models: 2 updated, 480 unchanged; benchmarks: nothing; results: 1503 unchanged; "
        "aliases: nothing (changeset "
    )
    kimi = _rows(run, "history", "model", "kimi-k2-instruct-0905")
    assert [r["release_date"] for r in kimi] == ["2025-09-05", "2024-09-05"]
    # The catalog's date is after the day llm-prices priced that id, and the import says so.
    assert stitching.stderr.splitlines()[-1] == (
        "1 price of gemini-2.5-pro-preview-03-25 is now dated before its release, 2025-04-09; "
        "it is kept, but if the release date is mistyped, correct it"
    )
    # The seeds' figures stand: a date the file leaves empty, the Hub's unrounded score
    # (the runs file's 34.1 is the same figure, rounded), the Hub's model version.
    assert _rows(run, "show", "model", "babbage")["release_date"] == "2020-06-22"
    mixtral = _rows(run, "show", "result", "r_0019409c5b227889")
    assert mixtral["score"] == 34.0593434343
    assert "1 the same source record is already in the database under another key" in (
        stitching.stderr
    )
    assert "27 the model has no release date and the source states no date" in stitching.stderr
    assert (
        "claude-3-sonnet-20240229 = claude-3-sonnet, ... and 11 more catalog models "
        "(--list-all lists them)\n"
    ) in stitching.stderr
    # Where the runs file's rounded figure disagrees with the Hub's re-scored mean, the
    # precise one is kept and the disagreement listed.
    assert "6 figures in the file are rounder than the database's" in stitching.stderr
    assert (
        "benchmarks_runs.csv:7: gemini-2.5-pro/otis-mock-aime: score 84.7 "
        "(the database's 84.1666666667 kept)" in stitching.stderr
    )
    hub = SHARED / "epoch-benchmarking-hub" / "benchmark_results_epoch.csv"
    again = run("import", "--from", "epoch", str(hub))
    assert again.exit_code == 0, again.stderr
    assert again.stderr.splitlines()[-1] == (
        "benchmarks: nothing; results: 971 unchanged; aliases: nothing; nothing to write"
    )


@needs_shared
def test_rows_held_under_another_key_are_listed_in_the_files_order(run: Run):
    # The join that finds them keeps no order: listed as it came, the first 5 of a
    # list (and so which rows it showed) changed from one run to the next.
    _gpt_5_1_held_twice(run)
    runs = SHARED / "epoch-benchmark-stitching" / "benchmarks_runs.csv"
    for _ in range(3):
        result = run("import", "--from", "epoch", str(runs), "--dry-run")
        assert result.exit_code == 0, result.stderr
        lines = [
            int(line.split(":")[1])
            for line in result.stderr.splitlines()
            if line.endswith(
                "(the same source record is already in the database under another key)"
            )
        ]
        assert len(lines) == 5
        assert lines == sorted(lines)


@needs_shared
def test_a_file_of_one_benchmark_with_no_rows_lacks_every_stored_record_on_it(
    run: Run, tmp_path: Path
):
    # A stitching file is one benchmark's, by its name: with its header only, the
    # source holds none of the database's BoolQ records, and the import says so.
    source = SHARED / "epoch-benchmark-stitching" / "external_benchmark_boolq.csv"
    path = tmp_path / source.name
    path.write_text(source.read_text(encoding="utf-8").splitlines()[0] + "\n")
    stored = len(_rows(run, "list", "results", "--benchmark", "boolq"))
    result = run("import", "--from", "epoch", str(path))
    assert result.exit_code == 0, result.stderr
    assert f"{stored} results in the database from this source are not in {path.name}" in (
        result.stderr
    )


@needs_shared
def test_every_hub_row_has_a_scale_and_a_real_release_date(run: Run, tmp_path: Path):
    import csv

    rows = list(
        csv.DictReader(
            (SHARED / "epoch-benchmarking-hub" / "benchmark_results_epoch.csv").open(
                encoding="utf-8"
            )
        )
    )
    path = tmp_path / "benchmark_results_epoch.csv"

    def write(*changes: tuple[int, str, str]) -> None:
        changed = [dict(r) for r in rows]
        for line, field, value in changes:
            changed[line - 2][field] = value
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(changed)

    before = run("log", "--json").stdout
    # Row 7 describes a model other rows describe too: only one row per model is kept
    # as its catalog entry, yet every row's date must be a date.
    write((7, "release_date", "2023-13-45"))
    bad = run("import", "--from", "epoch", str(path))
    assert bad.exit_code == 1
    assert f"{path}:7: release_date: '2023-13-45' is not a date" in bad.stderr
    write((11, "score_scale", ""))
    unsaid = run("import", "--from", "epoch", str(path))
    assert unsaid.exit_code == 1
    assert f"{path}:11: score_scale: (empty) is not 0-1 or 0-100" in unsaid.stderr
    # Every bad row is named, as an import names them, not the first alone.
    write((7, "release_date", "2023-13-45"), (11, "score_scale", ""), (12, "score_scale", "1"))
    both = run("import", "--from", "epoch", str(path))
    assert both.exit_code == 1
    assert both.stderr.splitlines() == [
        f"trendlab: error: {path}: 3 bad rows; nothing was written",
        f"  {path}:7: release_date: '2023-13-45' is not a date (YYYY-MM-DD)",
        f"  {path}:11: score_scale: (empty) is not 0-1 or 0-100",
        f"  {path}:12: score_scale: '1' is not 0-1 or 0-100",
    ]
    # So must its training compute be a figure, in a row of a model an earlier row
    # describes (line 6, LLaMA-33B's second) as in one of a model the database holds
    # (line 7, LLaMA-65B): neither row is written, and its bad figure was let through
    # where a new model's first row was refused.
    for line, written, problem in (
        (6, "abc", "is not a finite number"),
        (7, "-1", "must be greater than 0"),
    ):
        write((line, "training_compute_flop", written))
        figure = run("import", "--from", "epoch", str(path))
        assert figure.exit_code == 1
        assert figure.stderr == (
            f"trendlab: error: {path}:{line}: training_compute_flop: '{written}' {problem}; "
            "nothing was written\n"
        )
    assert run("log", "--json").stdout == before


def test_hub_rows_of_one_model_that_disagree_on_its_organization_are_refused(
    run_empty: Run, tmp_path: Path
):
    """Only one row per model is written as its catalog entry: a later row giving it
    another organization was dropped silently, and so was a later row's organization
    when the first left it empty."""
    path = tmp_path / "benchmark_results_epoch.csv"
    header = "benchmark,model_version,organization,release_date,score,score_scale,shots\n"
    rows = (
        "MMLU,m-one,,2023-01-01,0.5,0-1,5\n"  # says nothing of it
        "MMLU,m-one_high,Acme,2023-01-01,0.6,0-1,5\n"  # the same model, a setting of it
        "GPQA Diamond,M-One,Acme,2023-01-01,0.3,0-1,\n"  # the same slug
        "MMLU,m-two,Beta,2023-01-01,0.4,0-1,5\n"
    )
    before = run_empty("log", "--json").stdout
    path.write_text(header + rows + "GPQA Diamond,m-two,Gamma,2023-01-01,0.2,0-1,\n")
    bad = run_empty("import", "--from", "epoch", str(path))
    assert (bad.exit_code, bad.stderr) == (
        1,
        f"trendlab: error: {path}:6: organization: 'Gamma' is not 'Beta', which an "
        "earlier row gives model m-two; nothing was written\n",
    )
    assert run_empty("log", "--json").stdout == before
    path.write_text(header + rows + "GPQA Diamond,m-two,,2023-01-01,0.2,0-1,\n")
    good = run_empty("import", "--from", "epoch", str(path))
    assert good.exit_code == 0, good.stderr
    models = {m["slug"]: m["organization"] for m in _rows(run_empty, "list", "models")}
    assert models == {"m-one": "Acme", "m-two": "Beta"}


def test_a_hub_source_link_without_a_host_falls_back_to_the_hubs_page(
    run_empty: Run, tmp_path: Path
):
    """A source_link validation refuses is not the row's source: 'https:///arxiv.org/abs/1'
    was kept, unlike 'not a link', and failed the whole import."""
    path = tmp_path / "benchmark_results_epoch.csv"
    path.write_text(
        "benchmark,model_version,organization,release_date,score,score_scale,source_link\n"
        "MMLU,m-one,Acme,2023-01-01,0.5,0-1,https:///arxiv.org/abs/1\n"
        "GPQA Diamond,m-one,Acme,2023-01-01,0.3,0-1,not a link\n"
    )
    result = run_empty("import", "--from", "epoch", str(path))
    assert result.exit_code == 0, result.stderr
    sources = {r["benchmark"]: r["source_url"] for r in _rows(run_empty, "list", "results")}
    hub = "https://epoch.ai/benchmarks"
    assert sources == {"mmlu": hub, "gpqa-diamond": hub}


def test_hub_rows_of_one_model_that_disagree_on_its_date_or_compute_are_refused(
    run_empty: Run, tmp_path: Path
):
    """As for its organization: a later row giving a model another release date or
    training compute was dropped silently, the first row's kept. Figures are compared
    as numbers and dates as dates, and a model takes the first its rows give."""
    path = tmp_path / "benchmark_results_epoch.csv"
    header = "benchmark,model_version,organization,release_date,score,score_scale,shots,"
    header += "training_compute_flop\n"
    rows = (
        "MMLU,m-x,Acme,,0.5,0-1,5,\n"  # says nothing of either
        "GPQA Diamond,m-x_high,Acme,2023-01-01,0.3,0-1,,1e22\n"
        "MMLU,M-X,Acme,2023-1-1,0.6,0-1,0,1.0E22\n"  # the same, written otherwise
    )
    before = run_empty("log", "--json").stdout
    for line, field, said in (
        ("GPQA Diamond,m-x,Acme,2024-06-01,0.2,0-1,,1e22", "release_date", "2024-06-01"),
        ("GPQA Diamond,m-x,Acme,2023-01-01,0.2,0-1,,5e23", "training_compute_flop", "5e23"),
    ):
        path.write_text(header + rows + line + "\n")
        bad = run_empty("import", "--from", "epoch", str(path))
        stated = "2023-01-01" if field == "release_date" else "1e22"
        assert (bad.exit_code, bad.stderr) == (
            1,
            f"trendlab: error: {path}:5: {field}: '{said}' is not '{stated}', which an "
            "earlier row gives model m-x; nothing was written\n",
        )
        assert run_empty("log", "--json").stdout == before
    path.write_text(header + rows)
    good = run_empty("import", "--from", "epoch", str(path))
    assert good.exit_code == 0, good.stderr
    (model,) = _rows(run_empty, "list", "models")
    assert (model["release_date"], model["training_compute_flop"]) == ("2023-01-01", 1e22)


def test_catalog_rows_of_one_id_that_disagree_on_its_release_date_are_refused(
    run_empty: Run, tmp_path: Path
):
    """As the Hub's: a later model_versions.csv row giving an id again with another
    release date was dropped silently, the first row's kept, and so was a later row's
    date when the first left it empty. A suffixed id, a setting of its model, may be
    dated otherwise (Epoch's glm-4.5_thinking is)."""
    path = tmp_path / "model_versions.csv"
    header = "id,Version release date\n"
    rows = (
        "m-one,\n"  # says nothing of it
        "m-one_thinking,2023-02-01\n"  # a setting of it
        "m-one,2023-01-01\n"
        "M-One,2023-01-01\n"  # the same slug, and date
    )
    before = run_empty("log", "--json").stdout
    for line, told in (
        (
            "m-one,2024-06-01",
            "'2024-06-01' is not '2023-01-01', which an earlier row gives model m-one",
        ),
        ("m-one,2023-13-45", "'2023-13-45' is not a date (YYYY-MM-DD)"),
    ):
        path.write_text(header + rows + line + "\n")
        bad = run_empty("import", "--from", "epoch", str(path))
        assert (bad.exit_code, bad.stderr) == (
            1,
            f"trendlab: error: {path}:6: Version release date (release_date): {told}; nothing was written\n",
        )
        assert run_empty("log", "--json").stdout == before
    path.write_text(header + rows)
    good = run_empty("import", "--from", "epoch", str(path))
    assert good.exit_code == 0, good.stderr
    (model,) = _rows(run_empty, "list", "models")
    assert (model["slug"], model["release_date"]) == ("m-one", "2023-01-01")


def test_a_release_date_a_later_row_gives_is_refused_at_that_row(run_empty: Run, tmp_path: Path):
    """A model whose first row leaves its release date empty takes it from a later row:
    a date validation refuses was named at the first row, which holds none."""
    catalog = tmp_path / "model_versions.csv"
    catalog.write_text("id,Version release date\nm-one,\nm-one,1850-01-01\n")
    hub = tmp_path / "benchmark_results_epoch.csv"
    hub.write_text(
        "benchmark,model_version,release_date,score,score_scale\n"
        "MMLU,m-two,,0.5,0-1\n"
        "MMLU,m-two_high,2099-01-01,0.6,0-1\n"
    )
    before = run_empty("log", "--json").stdout
    for path, told in (
        (catalog, "Version release date (release_date): '1850-01-01' is outside 1900-2100"),
        (hub, "release_date: '2099-01-01' is after today"),
    ):
        bad = run_empty("import", "--from", "epoch", str(path))
        assert bad.exit_code == 1
        assert bad.stderr.startswith(f"trendlab: error: {path}:3: {told}"), bad.stderr
    assert run_empty("log", "--json").stdout == before


def test_an_organization_a_later_hub_row_gives_is_refused_at_that_row(
    run_empty: Run, tmp_path: Path
):
    """As a release date: an organization validation refuses, given first by a later
    row of the model, was named at the model's first row, which holds none."""
    path = tmp_path / "benchmark_results_epoch.csv"
    path.write_text(
        "benchmark,model_version,organization,score,score_scale\n"
        "MMLU,m-two,,0.5,0-1\n"
        "MMLU,m-two_high,Ac\x07me,0.6,0-1\n"
    )
    before = run_empty("log", "--json").stdout
    bad = run_empty("import", "--from", "epoch", str(path))
    assert (bad.exit_code, bad.stderr) == (
        1,
        f"trendlab: error: {path}:3: organization: 'Ac\\x07me' holds a line break or another "
        "control character; it must be one line of text; nothing was written\n",
    )
    assert run_empty("log", "--json").stdout == before


@needs_shared
def test_a_fraction_rounder_than_the_stored_percent_never_replaces_it(run: Run, tmp_path: Path):
    # GPT-3.5 Turbo (0613) on MMLU is 0.689 in the Hub, stored as 68.9. The same row
    # written 0.7 or 0.6 (a tenth of the whole: ten points) is rounder than 68.9.
    hub = SHARED / "epoch-benchmarking-hub" / "benchmark_results_epoch.csv"
    lines = hub.read_text(encoding="utf-8").splitlines(keepends=True)
    assert ",0.689,0-1," in lines[661]
    path = tmp_path / "benchmark_results_epoch.csv"

    for written, reported in (("0.7", False), ("0.6", True)):
        lines[661] = lines[661].replace(",0.689,0-1,", f",{written},0-1,")
        path.write_text("".join(lines), encoding="utf-8")
        result = run("import", "--from", "epoch", str(path))
        assert result.exit_code == 0, result.stderr
        assert result.stderr.splitlines()[-1].endswith(
            "results: 971 unchanged; aliases: nothing; nothing to write"
        )
        kept = "gpt-3.5-turbo-0613/mmlu/5-shot: score 60.0 (the database's 68.9 kept)"
        assert (kept in result.stderr) is reported, result.stderr
        lines[661] = lines[661].replace(f",{written},0-1,", ",0.689,0-1,")
    mmlu = _rows(run, "list", "results", "--model", "gpt-3.5-turbo-0613", "--benchmark", "mmlu")
    assert [r["score"] for r in mmlu if r["setting"] == "5-shot"] == [68.9]


def test_an_empty_cell_never_erases_and_a_rounder_figure_never_replaces(run: Run, tmp_path: Path):
    catalog = tmp_path / "model_versions.csv"
    catalog.write_text(
        "id,Display name,Version release date,Link,Notes\n"
        "babbage,babbage,,,\n"
        "open-mixtral-8x22b,Mixtral 8x22B,2024-04-18,,\n",
        encoding="utf-8",
    )
    result = run("import", "--from", "epoch", str(catalog))
    assert result.exit_code == 0, result.stderr
    assert _summary(result.stderr).startswith("models: 1 updated, 1 unchanged")
    assert _rows(run, "show", "model", "babbage")["release_date"] == "2020-06-22"
    # A figure that differs is a new revision, with the source's fields.
    mixtral = _rows(run, "show", "model", "open-mixtral-8x22b")
    assert mixtral["release_date"] == "2024-04-18"
    runs = tmp_path / "benchmarks_runs.csv"
    log = (
        "https://epoch-benchmarks-production-public.s3.us-east-2.amazonaws.com/inspect_ai_logs/"
        "ifAM3DJBdm5eU9Y2DjaEvW.eval"
    )
    header = "id,task,model,Best score (across scorers),logs\n"
    for score, expected, stored in (
        ("0.341", "results: 1 unchanged", 34.0593434343),  # the same figure, rounded
        ("0.35", "results: 1 unchanged", 34.0593434343),  # rounder and different: kept
        ("0.3406", "results: 1 unchanged", 34.0593434343),  # rounder, agrees
    ):
        runs.write_text(
            header + f"ifAM3DJBdm5eU9Y2DjaEvW,GPQA diamond,open-mixtral-8x22b,{score},{log}\n",
            encoding="utf-8",
        )
        result = run("import", "--from", "epoch", str(runs))
        assert result.exit_code == 0, result.stderr
        assert expected in result.stderr
        assert _rows(run, "show", "result", "r_0019409c5b227889")["score"] == stored
    # A more precise statement of a rounded figure is taken: a new revision.
    mmlu = tmp_path / "external_benchmark_mmlu.csv"
    mmlu.write_text(
        "id,Name,EM,Model version,Shots,Source,Source link,Notes\n"
        "recWbQsttPCe4RW4T,Gemini 1.5 Pro (001),82.71%,gemini-1.5-pro-001-feb24,5,Stanford "
        "CRFM Leaderboard,https://crfm.stanford.edu/helm/lite/latest/#/leaderboard/mmlu,\n",
        encoding="utf-8",
    )
    result = run("import", "--from", "epoch", str(mmlu))
    assert result.exit_code == 0, result.stderr
    assert "results: 1 updated" in result.stderr
    helm = "https://crfm.stanford.edu/helm/lite/latest/#/leaderboard/mmlu"
    (gemini,) = [
        r
        for r in _rows(run, "list", "results", "--model", "gemini-1.5-pro-001-feb24")
        if r["benchmark"] == "mmlu" and r["source_url"] == helm
    ]
    assert gemini["score"] == 82.71


def _gpt_5_1_held_twice(run: Run) -> None:
    """GPT-5.1 as a model of its own beside its only snapshot, as the seeds held it
    before gpt-5.1 became the snapshot's alias: the stitching runs file's gpt-5.1 rows
    then name a model other than the one their runs are held under."""
    assert run("retract", "alias", "gpt-5.1", "-m", "t").exit_code == 0
    assert run("add-model", "gpt-5.1", "--release-date", "2025-11-13", "-m", "t").exit_code == 0


def test_runs_without_their_id_column_are_known_by_their_logs(run: Run, tmp_path: Path):
    """Epoch names a run's log by the run's id: a runs file without the id column still
    finds the run the database holds under the Hub's model version, not adding a twin."""
    _gpt_5_1_held_twice(run)
    runs = tmp_path / "benchmarks_runs.csv"
    log = (
        "https://epoch-benchmarks-production-public.s3.us-east-2.amazonaws.com/inspect_ai_logs/"
        "V3YQtSEnQ3TPZEPPgkCKQM.eval"
    )
    runs.write_text(
        f"task,model,Best score (across scorers),logs\nGPQA diamond,gpt-5.1_medium,0.850,{log}\n",
        encoding="utf-8",
    )
    before = _rows(run, "list", "results", "--benchmark", "gpqa-diamond")
    result = run("import", "--from", "epoch", str(runs))
    assert result.exit_code == 0, result.stderr
    assert (
        f"{runs}:2: gpt-5.1 = gpt-5.1-2025-11-13/gpqa-diamond/effort medium (the same source "
        "record is already in the database under another key)" in result.stderr
    )
    assert result.stderr.endswith("\nbenchmarks: nothing; nothing to write\n")
    assert _rows(run, "list", "results", "--benchmark", "gpqa-diamond") == before


def test_a_run_without_id_or_log_is_not_listed_as_absent(run: Run, tmp_path: Path):
    """A file that names its other runs by their logs still holds, by its key, the run
    stored for a row with neither id nor log."""
    runs = tmp_path / "benchmarks_runs.csv"
    log = (
        "https://epoch-benchmarks-production-public.s3.us-east-2.amazonaws.com/inspect_ai_logs/"
        "V3YQtSEnQ3TPZEPPgkCKQM.eval"
    )
    runs.write_text(
        "task,model,Best score (across scorers),logs\nGPQA diamond,grok-4-0709,0.870,\n"
        f"GPQA diamond,gpt-5.1_medium,0.850,{log}\n",
        encoding="utf-8",
    )
    result = run("import", "--from", "epoch", "--list-all", str(runs))
    assert result.exit_code == 0, result.stderr
    assert "not in benchmarks_runs.csv" in result.stderr
    assert "  grok-3-beta/gpqa-diamond\n" in result.stderr
    assert "  grok-4-0709/gpqa-diamond\n" not in result.stderr


def test_absent_records_that_differ_only_by_source_url_are_named_by_id(
    run: Run, tmp_path: Path, on_store: str
):
    """Two stored runs of one model on one task differ only by their log (the source
    URL): listed as missing, each was `gpt-4/toy-task`, the same line twice. Each now
    takes its id, which `trendlab history` needs for it; a label no other record has
    stays as it was."""
    runs = tmp_path / "benchmarks_runs.csv"
    header = "id,task,model,Best score (across scorers),logs\n"
    rows = [
        f"{run_id},Toy Task,{model},{score},https://logs.example/inspect_ai_logs/{run_id}.eval\n"
        for run_id, model, score in (
            ("run1", "gpt-4", "0.25"),
            ("run2", "gpt-4", "0.30"),
            ("run3", "gpt-4o", "0.40"),
            ("run4", "gpt-4-turbo", "0.50"),
        )
    ]
    runs.write_text(header + "".join(rows), encoding="utf-8")
    assert run("import", "--from", "epoch", str(runs)).exit_code == 0
    found = _rows(run, "list", "results", "--model", "gpt-4", "--benchmark", "toy-task")
    ids = sorted(r["id"] for r in found)
    assert len(ids) == 2
    runs.write_text(header + rows[3], encoding="utf-8")
    result = run("import", "--from", "epoch", "--dry-run", str(runs))
    assert result.exit_code == 0, result.stderr
    assert (
        "3 results in the database from this source are not in benchmarks_runs.csv (not "
        f"retracted; check them with `{on_store} history`, retract with `{on_store} retract`):\n"
        f"  gpt-4/toy-task ({ids[0]})\n  gpt-4/toy-task ({ids[1]})\n  gpt-4o/toy-task\n"
    ) in result.stderr
    for listed in (ids[0], "gpt-4o/toy-task"):
        assert run("history", "result", listed).exit_code == 0


def test_a_model_or_benchmark_only_records_held_elsewhere_name_is_not_created(
    run: Run, tmp_path: Path
):
    """A Hub extract naming a model (or a benchmark) anew, whose every row is a record
    the database holds under its old name: the rows were left out as held elsewhere,
    but the model was created all the same, with no result."""
    hub = tmp_path / "benchmark_results_epoch.csv"
    header = "benchmark,model_version,organization,release_date,score,score_scale,epoch_row_id\n"
    held = (
        "GPQA diamond,mixtral-8x22b-renamed,Mistral AI,2024-04-17,0.34,0-1,ifAM3DJBdm5eU9Y2DjaEvW\n"
        "FrontierMath Renamed,gemini-2.5-pro,Google,2025-06-17,0.121,0-1,5PD6uczKMgqAUJfgbKQynj\n"
    )
    hub.write_text(header + held, encoding="utf-8")
    before = run("log", "--json").stdout
    result = run("import", "--from", "epoch", str(hub))
    assert result.exit_code == 0, result.stderr
    assert (
        f"  {hub}:2: mixtral-8x22b-renamed = open-mixtral-8x22b/gpqa-diamond (the same "
        "source record is already in the database under another key)\n"
    ) in result.stderr
    assert f"  {hub}:3: gemini-2.5-pro = gemini-2.5-pro/frontiermath (" in result.stderr
    assert "new benchmarks" not in result.stderr
    assert result.stderr.endswith("\nbenchmarks: nothing; nothing to write\n")
    assert run("log", "--json").stdout == before
    # A row it keeps still creates them.
    kept = (
        "GPQA diamond,mixtral-8x22b-renamed,Mistral AI,2024-04-17,0.35,0-1,newRun1\n"
        "FrontierMath Renamed,gemini-2.5-pro,Google,2025-06-17,0.13,0-1,newRun2\n"
    )
    hub.write_text(header + held + kept, encoding="utf-8")
    result = run("import", "--from", "epoch", str(hub))
    assert result.exit_code == 0, result.stderr
    assert "models: 1 added; benchmarks: 1 added; results: 2 added" in result.stderr
    assert run("show", "model", "mixtral-8x22b-renamed").exit_code == 0


def test_rounder_disagreeing_figure_is_reported(run: Run, tmp_path: Path):
    runs = tmp_path / "benchmarks_runs.csv"
    runs.write_text(
        "id,task,model,Best score (across scorers),logs\n"
        "ifAM3DJBdm5eU9Y2DjaEvW,GPQA diamond,open-mixtral-8x22b,0.35,https://epoch-benchmarks-"
        "production-public.s3.us-east-2.amazonaws.com/inspect_ai_logs/ifAM3DJBdm5eU9Y2DjaEvW.eval\n",
        encoding="utf-8",
    )
    result = run("import", "--from", "epoch", str(runs))
    assert result.exit_code == 0, result.stderr
    assert (
        "1 figure in the file is rounder than the database's and disagrees with it" in result.stderr
    )
    assert (
        f"{runs}:2: open-mixtral-8x22b/gpqa-diamond: score 35.0 (the database's 34.0593434343 kept)"
        in result.stderr
    )
    assert "results: 1 unchanged; nothing to write" in result.stderr


def test_a_bad_rounder_figure_is_an_error_not_kept(run: Run, tmp_path: Path):
    """The merge keeps a stored, more precise figure over a rounder one, but a figure
    no record may hold (a negative time horizon) is an error first, at its line."""
    metr = tmp_path / "metr.yaml"
    entry = "benchmark_name: METR-Horizon-v1.1\nresults:\n  gpt_4:\n    metrics:\n"
    metr.write_text(entry + "      p50_horizon_length: {estimate: 5.5}\n")
    assert run("import", "--from", "metr", str(metr)).exit_code == 0
    metr.write_text(entry + "      p50_horizon_length: {estimate: -5}\n")
    result = run("import", "--from", "metr", str(metr))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        f"trendlab: error: {metr}:5: estimate (score): -5.0 is outside the range of unit minutes "
        "(0.0-inf); nothing was written\n"
    )


def test_a_metr_file_names_its_entries_problems_and_bad_estimates_in_one_run(
    run: Run, tmp_path: Path
):
    # A bad estimate was named only once every entry's release date and such were fixed.
    metr = tmp_path / "metr.yaml"
    metr.write_text(
        "results:\n  gpt_4:\n    release_date: 2023-13-01\n    metrics:\n"
        "      p50_horizon_length: {estimate: 5.5}\n"
        "  gpt_4_0314:\n    metrics:\n      p50_horizon_length: {estimate: abc}\n"
    )
    assert_refused(
        run,
        ["import", "--from", "metr", str(metr)],
        stderr=[
            f"trendlab: error: {metr}: 2 bad rows; nothing was written",
            f"  {metr}:2: gpt_4: release_date: '2023-13-01' is not a date (YYYY-MM-DD)",
            f"  {metr}:8: estimate (score): 'abc' is not a finite number",
        ],
    )


def test_bad_values_and_unknown_models_are_reported_together(run: Run, tmp_path: Path):
    metr = tmp_path / "metr.yaml"
    metr.write_text(
        "results:\n  gpt_4:\n    metrics:\n      p50_horizon_length: {estimate: -5}\n"
        "  nobody_model:\n    metrics:\n      p50_horizon_length: {estimate: 7}\n"
    )
    result = run("import", "--from", "metr", str(metr))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"trendlab: error: {metr}:4: estimate (score): -5.0 is outside the range of unit minutes "
        "(0.0-inf); nothing was written"
    )
    assert (
        f"  also: {metr}: 1 row names 1 model this database does not know; nothing was written"
        in lines
    )
    assert f"  {metr}:7: unknown model 'nobody_model'" in lines


def test_an_aggregator_restating_a_primary_price_changes_nothing(run: Run, tmp_path: Path):
    before = _rows(run, "show", "price", "p_f87b43c6b95340e0")
    assert before["source_url"] == "https://openai.com/index/hello-gpt-4o/"
    result = run("import", "--from", "llm-prices", str(DATA / "llm-prices" / "openai.json"))
    assert result.exit_code == 0, result.stderr
    assert _rows(run, "show", "price", "p_f87b43c6b95340e0") == before
    assert before["api_model_id"] == "gpt-4o-2024-05-13"
    anthropic = tmp_path / "anthropic.json"
    history = [
        {"input": 15, "output": 75, "from_date": "2024-03-04", "to_date": None},
        {"input": 3, "output": 15, "from_date": "2024-06-20", "to_date": None},
    ]
    anthropic.write_text(
        json.dumps(
            {
                "vendor": "anthropic",
                "models": [
                    {"id": "claude-3-opus", "name": "Claude 3 Opus", "price_history": history[:1]},
                    {
                        "id": "claude-3-5-sonnet-20240620",
                        "name": "Claude 3.5 Sonnet",
                        "price_history": history[1:],
                    },
                ],
            }
        )
    )
    opus = [p for p in _rows(run, "list", "prices", "--model", "claude-3-opus")]
    launch = next(p for p in opus if p["effective_date"] == "2024-03-04")
    result = run("import", "--from", "llm-prices", str(anthropic))
    assert result.exit_code == 0, result.stderr
    after = next(
        p
        for p in _rows(run, "list", "prices", "--model", "claude-3-opus")
        if p["effective_date"] == "2024-03-04"
    )
    assert after == launch
    assert after["source_url"] == "https://www.anthropic.com/news/claude-3-family"
    # A price that differs is a new revision, cited to the aggregator.
    anthropic.write_text(anthropic.read_text().replace('"output": 75', '"output": 70'))
    result = run("import", "--from", "llm-prices", str(anthropic))
    assert result.exit_code == 0, result.stderr
    assert "prices: 1 updated" in result.stderr
    changed = next(
        p
        for p in _rows(run, "list", "prices", "--model", "claude-3-opus")
        if p["effective_date"] == "2024-03-04"
    )
    assert changed["output_usd_per_mtok"] == 70.0
    assert changed["source_url"] == "https://github.com/simonw/llm-prices"


def test_a_restated_price_under_another_spelling_of_its_provider_changes_nothing(
    run: Run, tmp_path: Path
):
    """A vendor written OPENAI is the stored provider OpenAI, as a write takes it: the
    merge missed the stored price, and the write then replaced its source and erased its
    notes though both prices agreed; and the stored prices the file lacks went unlisted."""
    before = _rows(run, "show", "price", "p_f87b43c6b95340e0")
    path = tmp_path / "historical.json"
    price = {"id": "gpt-4o", "input": 5, "output": 15, "from_date": "2024-05-13"}
    path.write_text(json.dumps({"prices": [price | {"vendor": "OPENAI"}]}))
    result = run("import", "--from", "llm-prices", str(path))
    assert result.exit_code == 0, result.stderr
    assert "prices: 1 unchanged; nothing to write" in result.stderr
    assert "prices in the database from this source are not in historical.json" in result.stderr
    assert _rows(run, "show", "price", "p_f87b43c6b95340e0") == before


@needs_shared
def test_rows_a_newer_publication_drops_are_listed(run_empty: Run, tmp_path: Path):
    stitching = SHARED / "epoch-benchmark-stitching"
    folder = tmp_path / "epoch"
    folder.mkdir()
    for name in ("model_versions.csv", "external_benchmark_mmlu.csv"):
        shutil.copy(stitching / name, folder / name)
    assert run_empty("import", "--from", "epoch", str(folder)).exit_code == 0
    mmlu = folder / "external_benchmark_mmlu.csv"
    mmlu.chmod(0o644)
    lines = mmlu.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].startswith("reccNX56mRCIhx9ok,Amazon Nova Lite,77.0%")
    assert lines[2].startswith("recMu6jniW4Q1aHhj,Amazon Nova Micro,70.8%")
    mmlu.write_text("\n".join([lines[0], *lines[3:]]) + "\n", encoding="utf-8")
    result = run_empty("import", "--from", "epoch", str(mmlu))
    assert result.exit_code == 0, result.stderr
    assert (
        "2 results in the database from this source are not in external_benchmark_mmlu.csv "
        "(not retracted;" in result.stderr
    )
    assert "  amazon.nova-lite-v1-0/mmlu/5-shot\n  amazon.nova-micro-v1-0/mmlu/5-shot\n" in (
        result.stderr
    )
    # Nothing is retracted: both are still current.
    assert len(_rows(run_empty, "list", "results", "--model", "amazon.nova-lite-v1-0")) == 1


_EPOCH_FILES = {
    "model_versions.csv": (
        ["id", "Version release date"],
        ["Unique display name", "Display name", "Link", "Notes", "Model"],
    ),
    "benchmarks_runs.csv": (
        ["task", "model", "Best score (across scorers)"],
        ["id", "logs", "log viewer", "job"],
    ),
    "benchmark_results_epoch.csv": (
        ["benchmark", "model_version", "score", "score_scale"],
        [
            "eval_kind",
            "source",
            "source_link",
            "epoch_row_id",
            "shots",
            "display_name",
            "organization",
            "release_date",
            "training_compute_flop",
        ],
    ),
    "external_benchmark_gsm8k.csv": (
        ["Model version", "EM"],
        ["id", "UUID", "Shots", "Agent", "Notes", "Source", "Source link", "Date added"],
    ),
}
_cells = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8
) | st.sampled_from(
    ["gpt-4", "o3-2025-04-16_high", "0.5", "77%", "0-1", "2024-02-30", "https://x.org/a", "", "5"]
)


# Values of each file's required columns that get a row as far as its score's checks:
# a row naming a benchmark, task or model the seeds lack is left out before they run,
# and a random cell (or the cells above, a model one in 18) named a known one so seldom
# that a run of the test checked no row of most files.
_EPOCH_KNOWN = {
    "model_versions.csv": {"id": ["gpt-4"], "Version release date": ["2023-03-14"]},
    "benchmarks_runs.csv": {
        "task": ["GPQA diamond"],
        "model": ["o3-2025-04-16_high", "gpt-4"],
        "Best score (across scorers)": ["0.187", "1.5", "-0.1", "nan"],
    },
    "benchmark_results_epoch.csv": {
        "benchmark": ["BIG-Bench Hard"],
        "model_version": ["LLaMA-13B", "gpt-4"],
        "score": ["0.379", "2", "-1", "77%"],
        "score_scale": ["0-1", "percent"],
    },
    "external_benchmark_gsm8k.csv": {
        "Model version": ["gpt-4", "o3-2025-04-16_high"],
        "EM": ["57.1%", "101%", "-1", "x"],
    },
}


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    name=st.sampled_from(sorted(_EPOCH_FILES)),
    optional=st.lists(st.integers(0, 8), max_size=6),
    rows=st.lists(st.lists(_cells, min_size=14, max_size=14), min_size=1, max_size=3),
    data=st.data(),
)
def test_epoch_files_with_any_optional_columns_never_trace_back(
    run: Run,
    tmp_path_factory,
    name: str,
    optional: list[int],
    rows: list[list[str]],
    data: st.DataObject,
):
    import csv

    required, extra = _EPOCH_FILES[name]
    for row in rows:  # each required column as often a known value as any cell
        for i, column in enumerate(required):
            row[i] = data.draw(st.sampled_from(_EPOCH_KNOWN[name][column]) | _cells)
    header = required + sorted({extra[i % len(extra)] for i in optional})
    path = tmp_path_factory.mktemp("epoch") / name
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row[: len(header)])
    _never_a_traceback(run, "epoch", path)


@needs_shared
def test_a_folder_with_both_publications_keeps_the_hubs_copy(run: Run, run_empty: Run, tmp_path):
    folder = tmp_path / "epoch"
    folder.mkdir()
    for path in [
        *(SHARED / "epoch-benchmark-stitching").glob("*.csv"),
        SHARED / "epoch-benchmarking-hub" / "benchmark_results_epoch.csv",
    ]:
        shutil.copy(path, folder / path.name)
    # Into the seeded database, built from these files: nothing changes but the two
    # dates seeds/corrections.csv corrects (see the test above).
    result = run("import", "--from", "epoch", str(folder), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "857 the same Epoch AI record as another file holds, whose copy is kept" in (
        result.stderr
    )
    assert _summary(result.stderr) == (
        "dry run: models: 2 updated, 480 unchanged; benchmarks: nothing; "
        "results: 1618 unchanged; aliases: nothing; nothing written"
    )
    # Into an empty one: the Hub's unrounded mean, under the Hub's model version.
    empty = run_empty("import", "--from", "epoch", str(folder))
    assert empty.exit_code == 0, empty.stderr
    # The catalog lists code-davinci-002 undated; the Hub dates it, and so its results:
    # added, as diff says, not also updated.
    assert "models: 526 added; " in empty.stderr
    assert _rows(run_empty, "show", "model", "code-davinci-002")["release_date"] == "2022-03-15"
    assert _rows(
        run_empty, "list", "results", "--model", "code-davinci-002", "--benchmark", "gsm8k"
    )
    assert _rows(run_empty, "show", "result", "r_0019409c5b227889")["score"] == 34.0593434343
    gpt = _rows(run_empty, "list", "results", "--benchmark", "gpqa-diamond")
    run_ids = {r["model"] for r in gpt if "CSVtMksEVjBNsGJGjW4GcQ" in (r["notes"] or "")}
    assert run_ids == {"gpt-5.1-2025-11-13"}


def _one_record_in_two_files(tmp_path: Path, stitching: str, score: str) -> Path:
    """A folder of Epoch files holding one record (babbage on GSM8K) twice: in the
    stitching file `stitching`, scored `score`, and in the Hub extract, whose copy is
    kept."""
    folder = tmp_path / "epoch"
    folder.mkdir()
    (folder / stitching).write_text(
        "id,Name,EM,Model version,Shots,Notes,Source,Source link\n"
        f"rec2iML006beoMXFn,babbage (1.3B),{score},babbage,5,,Standford HELM,"
        "https://crfm.stanford.edu/helm/classic/latest/#/groups/gsm\n",
        encoding="utf-8",
    )
    (folder / "benchmark_results_epoch.csv").write_text(
        "benchmark,model_version,display_name,organization,country,release_date,score,"
        "score_scale,score_column,stderr,shots,training_compute_flop,evaluated_at,eval_kind,"
        "source,source_link,epoch_row_id,source_file\n"
        "GSM8K,babbage,babbage (1.3B),OpenAI,United States of America,2020-06-22,0.007,0-1,"
        "EM,,5,2.38e+21,,external,Standford HELM,"
        "https://crfm.stanford.edu/helm/classic/latest/#/groups/gsm,rec2iML006beoMXFn,"
        "benchmark_data/gsm8k_external.csv\n",
        encoding="utf-8",
    )
    return folder


def test_a_benchmark_whose_rows_another_file_holds_is_not_created_empty(
    run_empty: Run, tmp_path: Path
):
    """The stitching file names its benchmark by the file; the Hub renamed it. The Hub's
    copy of the one record is kept, so the old name has no result and no benchmark."""
    folder = _one_record_in_two_files(tmp_path, "external_benchmark_oldgsm.csv", "0.7%")
    result = run_empty("import", "--from", "epoch", str(folder))
    assert result.exit_code == 0, result.stderr
    assert "1 the same Epoch AI record as another file holds, whose copy is kept" in result.stderr
    assert [b["slug"] for b in _rows(run_empty, "list", "benchmarks")] == ["gsm8k"]
    assert [r["benchmark"] for r in _rows(run_empty, "list", "results")] == ["gsm8k"]


def test_a_damaged_copy_of_a_record_another_file_holds_is_refused(run_empty: Run, tmp_path: Path):
    """The Hub's copy of the record is kept and the stitching file's left out; its score,
    which no number reads, was left out with it in silence (and so in the seeds build),
    though the stitching file imported alone is refused for it."""
    folder = _one_record_in_two_files(tmp_path, "external_benchmark_gsm8k.csv", "0.x%")
    result = run_empty("import", "--from", "epoch", str(folder))
    assert result.exit_code == 1
    assert result.stderr == (
        f"trendlab: error: {folder / 'external_benchmark_gsm8k.csv'}:2: EM (score): '0.x%' "
        "is not a finite number; nothing was written\n"
    )
    assert _rows(run_empty, "list", "results") == []


def test_a_corrected_record_stays_under_its_key_and_its_twin_is_added(
    run_empty: Run, tmp_path: Path
):
    # Two Epoch records of one result with one score: the second is skipped as a repeat.
    # When the source corrects the first, the two differ; the stored record takes the
    # correction under its key and the other is added under its record id.
    assert run_empty("import", "--from", "epoch", str(EPOCH / "model_versions.csv")).exit_code == 0
    original = EPOCH / "external_benchmark_bbh.csv"
    assert run_empty("import", "--from", "epoch", str(original)).exit_code == 0
    lines = original.read_text(encoding="utf-8-sig").splitlines()
    assert lines[2].startswith("rec6aaTYSwDqfD2sO,") and ",45.0%," in lines[2]
    assert lines[59].startswith("reckyn9rrrmjmrV6z,") and ",45.0%," in lines[59]
    lines[2] = lines[2].replace(",45.0%,", ",46.0%,")
    corrected = tmp_path / "external_benchmark_bbh.csv"
    corrected.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_empty("import", "--from", "epoch", str(corrected))
    assert result.exit_code == 0, result.stderr
    assert "under another key" not in result.stderr
    assert "results: 1 added, 1 updated," in result.stderr.splitlines()[-1]
    rows = _rows(run_empty, "list", "results", "--benchmark", "bbh", "--model", "qwen-7b")
    assert sorted((r["setting"], r["score"], r["notes"]) for r in rows) == [
        ("3-shot", 46.0, "Epoch AI record rec6aaTYSwDqfD2sO"),
        ("3-shot; Epoch record reckyn9rrrmjmrV6z", 45.0, "Epoch AI record reckyn9rrrmjmrV6z"),
    ]
    again = run_empty("import", "--from", "epoch", str(corrected))
    assert again.exit_code == 0, again.stderr
    assert again.stderr.splitlines()[-1].endswith("unchanged; nothing to write")


def test_twins_that_agree_again_each_take_their_row_whatever_the_file_order(
    run_empty: Run, tmp_path: Path
):
    # The reverse of the correction above: once the database holds the two records
    # apart, a publication that gives them one score again is a change to the stored
    # records, not a repeat to skip, whichever of the two rows comes first.
    assert run_empty("import", "--from", "epoch", str(EPOCH / "model_versions.csv")).exit_code == 0
    original = EPOCH / "external_benchmark_bbh.csv"
    lines = original.read_text(encoding="utf-8-sig").splitlines()
    corrected = tmp_path / "external_benchmark_bbh.csv"

    def publish(rows: list[str]) -> str:
        corrected.write_text("\n".join(rows) + "\n", encoding="utf-8")
        result = run_empty("import", "--from", "epoch", str(corrected))
        assert result.exit_code == 0, result.stderr
        assert "under another key" not in result.stderr
        return result.stderr.splitlines()[-1]

    def qwen() -> list[tuple[str, float]]:
        rows = _rows(run_empty, "list", "results", "--benchmark", "bbh", "--model", "qwen-7b")
        return sorted((r["setting"], r["score"]) for r in rows)

    twin = "3-shot; Epoch record reckyn9rrrmjmrV6z"
    assert "results: 82 added" in publish(lines)
    # The second record corrected: it is added under its record id.
    assert "results: 1 added," in publish(
        [*lines[:59], lines[59].replace(",45.0%,", ",46.0%,"), *lines[60:]]
    )
    assert qwen() == [("3-shot", 45.0), (twin, 46.0)]
    # Corrected back: the twin takes 45 (before, its row was skipped as a repeat).
    assert "results: 1 updated," in publish(lines)
    assert qwen() == [("3-shot", 45.0), (twin, 45.0)]
    # The first record corrected, then back with the twin's row first in the file.
    assert "results: 1 updated," in publish(
        [*lines[:2], lines[2].replace(",45.0%,", ",44.0%,"), *lines[3:]]
    )
    assert qwen() == [("3-shot", 44.0), (twin, 45.0)]
    assert "results: 1 updated," in publish([lines[0], lines[59], *lines[1:59], *lines[60:]])
    assert qwen() == [("3-shot", 45.0), (twin, 45.0)]
    assert publish(lines).endswith("unchanged; nothing to write")


def test_a_row_repeated_verbatim_is_left_out_though_its_twin_is_stored_apart(
    run_empty: Run, tmp_path: Path
):
    # Two records of one result stored apart by their record ids: a row of one of them
    # given twice is the same record twice, left out as any repeat (it was brought back
    # as a twin the database holds, and the import failed as a key given twice).
    assert run_empty("import", "--from", "epoch", str(EPOCH / "model_versions.csv")).exit_code == 0
    lines = (EPOCH / "external_benchmark_bbh.csv").read_text(encoding="utf-8-sig").splitlines()
    lines[59] = lines[59].replace(",45.0%,", ",46.0%,")
    published = tmp_path / "external_benchmark_bbh.csv"
    published.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run_empty("import", "--from", "epoch", str(published)).exit_code == 0
    published.write_text("\n".join([*lines[:60], lines[59], *lines[60:]]) + "\n", encoding="utf-8")
    result = run_empty("import", "--from", "epoch", str(published), "--list-all")
    assert result.exit_code == 0, result.stderr
    assert (
        f"{published}:61: QWEN 7B (duplicate of an earlier row with the same result and score)"
        in result.stderr
    )
    assert result.stderr.splitlines()[-1].endswith("unchanged; nothing to write")


def test_a_row_repeated_with_its_source_url_spelled_otherwise_is_left_out(run: Run, tmp_path: Path):
    """A file giving one result twice, once under HTTPS://EXAMPLE.ORG/qwen/, failed the
    import as 'same ... Source link (source_url) as line 2', one key to the write, where
    the URL as first written was left out as a repeat."""
    header = "id,Name,Average,Model version,Shots,Notes,Source,Source link\n"
    row = "rec{n}AAAAAAAAAAAAA,Qwen 7B,45.0%,Qwen-7B,3,,Qwen Technical Report,{url}\n"
    published = tmp_path / "external_benchmark_bbh.csv"
    published.write_text(
        header
        + row.format(n=1, url="https://example.org/qwen")
        + row.format(n=2, url="HTTPS://EXAMPLE.ORG/qwen/")
    )
    result = run("import", "--from", "epoch", str(published), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert (
        f"  {published}:3: Qwen 7B (duplicate of an earlier row with the same result and score)"
    ) in result.stderr.splitlines(), result.stderr
    assert result.stderr.splitlines()[-1].endswith("results: 1 added; nothing written")


def test_records_stored_apart_are_found_in_any_spelling_of_their_source_url(
    run: Run, tmp_path: Path
):
    """Two records of one result stored apart by their record ids: a file giving one of
    them under HTTPS://EXAMPLE.ORG/qwen/ for the stored https://example.org/qwen left it
    out as 'already in the database under another key', and one giving both one score
    again left that one out as a repeat, each record's change lost, where the URL as
    stored updated them. A rounder score still keeps the stored one."""
    header = "id,Name,Average,Model version,Shots,Notes,Source,Source link\n"
    row = "rec{n}AAAAAAAAAAAAA,Qwen 7B,{score}%,Qwen-7B,3,,Qwen Technical Report,{url}\n"
    url, spelled = "https://example.org/qwen", "HTTPS://EXAMPLE.ORG/qwen/"
    published = tmp_path / "external_benchmark_bbh.csv"

    def publish(*rows: tuple[int, str, str]) -> str:
        published.write_text(header + "".join(row.format(n=n, score=s, url=u) for n, s, u in rows))
        result = run("import", "--from", "epoch", str(published))
        assert result.exit_code == 0, result.stderr
        assert "under another key" not in result.stderr, result.stderr
        return result.stderr.splitlines()[-1]

    def qwen() -> list[tuple[str, float, str]]:
        rows = _rows(run, "list", "results", "--benchmark", "bbh", "--model", "qwen-7b")
        return sorted(
            (r["setting"], r["score"], r["source_url"])
            for r in rows
            if "Epoch record" in r["setting"]
        )

    assert "results: 2 added" in publish((1, "45.0", url), (2, "46.123", url))
    assert "results: 1 unchanged" in publish((2, "46.1", spelled))
    assert "results: 1 updated" in publish((2, "47.456", spelled))
    assert "results: 2 updated" in publish((1, "48.125", url), (2, "48.125", spelled))
    assert qwen() == [
        ("3-shot; Epoch record rec1AAAAAAAAAAAAA", 48.125, url),
        ("3-shot; Epoch record rec2AAAAAAAAAAAAA", 48.125, url),
    ]


def test_a_model_known_by_an_alias_is_named_once_whichever_files_describe_it(
    run: Run, tmp_path: Path
):
    # The catalog and the Hub extract of one folder both describe gpt-4-0314, which the
    # seeds hold as an alias of gpt-4: one model, said once (it was counted twice).
    folder = tmp_path / "epoch"
    folder.mkdir()
    (folder / "model_versions.csv").write_text(
        "id,Model,Version release date\ngpt-4-0314,GPT-4,2023-03-14\n", encoding="utf-8"
    )
    (folder / "benchmark_results_epoch.csv").write_text(
        "benchmark,model_version,organization,release_date,score,score_scale,epoch_row_id\n"
        "MMLU,gpt-4-0314,OpenAI,2023-03-14,0.864,0-1,recP6zUYu6rVqvynx\n",
        encoding="utf-8",
    )
    result = run("import", "--from", "epoch", str(folder), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert (
        "1 catalog model is already known by an alias and was not added again: gpt-4-0314 = gpt-4\n"
    ) in result.stderr, result.stderr


def test_a_model_a_file_names_by_an_alias_takes_its_release_date_where_it_has_none(
    run_empty: Run, tmp_path: Path
):
    # Merge rule 5 for a model the database holds undated, which the Hub extract (or a
    # catalog) names by an alias: it takes the date the file gives, and its result is
    # placed by it (it stayed undated, and the result was left out as placed by no date).
    catalog = tmp_path / "model_versions.csv"
    catalog.write_text("id,Model,Version release date\nbabbage,GPT-3 XL,\n", encoding="utf-8")
    assert run_empty("import", "--from", "epoch", str(catalog)).exit_code == 0
    assert run_empty("alias", "add", "babbage", "GPT3-babbage").exit_code == 0
    hub = tmp_path / "benchmark_results_epoch.csv"
    hub.write_text(
        "benchmark,model_version,organization,release_date,score,score_scale,epoch_row_id\n"
        "GSM8K,GPT3-babbage,OpenAI,2020-06-22,0.007,0-1,rec2iML006beoMXFn\n",
        encoding="utf-8",
    )
    result = run_empty("import", "--from", "epoch", str(hub))
    assert result.exit_code == 0, result.stderr
    assert "no release date" not in result.stderr, result.stderr
    assert _rows(run_empty, "show", "model", "babbage")["release_date"] == "2020-06-22"
    assert [r["model"] for r in _rows(run_empty, "list", "results")] == ["babbage"]
    catalog.write_text(
        "id,Model,Version release date\nGPT3-curie,GPT-3 6.7B,2020-05-28\n", encoding="utf-8"
    )
    assert run_empty("add-model", "curie", "--name", "curie").exit_code == 0
    assert run_empty("alias", "add", "curie", "GPT3-curie").exit_code == 0
    assert run_empty("import", "--from", "epoch", str(catalog)).exit_code == 0
    assert _rows(run_empty, "show", "model", "curie")["release_date"] == "2020-05-28"


def _two_records_of_one_result(
    tmp_path: Path, hub_model: str, em: str = "81.0%", link: str = "https://example.org/p3"
) -> Path:
    """An Epoch folder whose stitching file (gpt-4, `em`, citing `link`) and Hub extract
    (`hub_model`, 0.82) give one MMLU result as two records, with two scores unless `em`
    is 82 %."""
    folder = tmp_path / "epoch"
    folder.mkdir()
    (folder / "external_benchmark_mmlu.csv").write_text(
        "id,Name,EM,Model version,Shots,Source,Source link,Notes\n"
        f"recBBB1,GPT-4,{em},gpt-4,5,Some paper,{link},\n",
        encoding="utf-8",
    )
    (folder / "benchmark_results_epoch.csv").write_text(
        "benchmark,model_version,organization,release_date,score,score_scale,shots,"
        "source_link,epoch_row_id\n"
        f"MMLU,{hub_model},OpenAI,2023-03-14,0.82,0-1,5,https://example.org/p3,recBBB2\n",
        encoding="utf-8",
    )
    return folder


def test_a_result_two_files_give_two_scores_is_reimported_unchanged(run: Run, tmp_path: Path):
    # A folder whose Hub extract and stitching file give one result's key two scores:
    # on a re-import the Hub's write changed the stored record and the stitching file's
    # put it back, an 'update' changing no field, and 'results: 1 updated' in a new
    # changeset on every re-import. The stitching file's row is left out now (see the
    # next test), so a re-import writes nothing.
    folder = _two_records_of_one_result(tmp_path, "gpt-4")
    first = run("import", "--from", "epoch", str(folder))
    assert first.exit_code == 0, first.stderr
    assert first.stderr.splitlines()[-1].startswith("benchmarks: nothing; results: 1 added")
    log = run("log", "--csv").stdout
    again = run("import", "--from", "epoch", str(folder))
    assert again.exit_code == 0, again.stderr
    assert again.stderr.splitlines()[-1] == (
        "benchmarks: nothing; results: 1 unchanged; nothing to write"
    )
    assert run("log", "--csv").stdout == log
    (result,) = [
        r for r in _rows(run, "list", "results") if r["source_url"] == "https://example.org/p3"
    ]
    assert [h["op"] for h in _rows(run, "history", "result", result["id"])] == ["insert"]


@pytest.mark.parametrize(
    "link",
    [
        pytest.param("https://example.org/p3", id="as-the-hub-spells-it"),
        pytest.param("HTTPS://EXAMPLE.ORG/p3/", id="in-another-spelling"),
    ],
)
def test_a_result_two_files_give_as_two_records_is_kept_once_and_the_other_listed(
    run: Run, tmp_path: Path, link: str
):
    """The Hub extract and a stitching file give one result (model, benchmark, setting,
    source) as two Epoch records with two scores: the Hub's is kept and the other left
    out, listed, and a re-import changes nothing. The stitching file's overwrote the
    Hub's in silence ('1 added', nothing left out), its record lost; citing
    HTTPS://EXAMPLE.ORG/p3/ for the Hub's https://example.org/p3 (one key to the write)
    it did so too, and each re-import changed it back ('results: 1 updated')."""
    folder = _two_records_of_one_result(tmp_path, "gpt-4-0314", link=link)
    result = run("import", "--from", "epoch", str(folder))
    assert result.exit_code == 0, result.stderr
    assert (
        f"  {folder / 'external_benchmark_mmlu.csv'}:2: gpt-4 = benchmark_results_epoch.csv:2 "
        "(another Epoch AI record, with another score, at a result another file holds)\n"
    ) in result.stderr, result.stderr
    (kept,) = [
        r for r in _rows(run, "list", "results") if r["source_url"] == "https://example.org/p3"
    ]
    assert (kept["score"], kept["notes"]) == (82.0, "Epoch AI record recBBB2")
    again = run("import", "--from", "epoch", str(folder))
    assert again.exit_code == 0, again.stderr
    assert again.stderr.splitlines()[-1].endswith("results: 1 unchanged; nothing to write")


def test_a_result_two_files_give_as_two_records_with_one_score_lists_the_other(
    run: Run, tmp_path: Path
):
    # The same, with one score: no conflict, the Hub's record is kept, and the
    # stitching file's is listed as left out. It was dropped unlisted (the merge found
    # the result unchanged), its record lost in silence.
    folder = _two_records_of_one_result(tmp_path, "gpt-4-0314", em="82.0%")
    result = run("import", "--from", "epoch", str(folder))
    assert result.exit_code == 0, result.stderr
    reason = "another Epoch AI record, with the same score, at a result another file holds"
    assert f"left out 1 row: 1 {reason}\n" in result.stderr, result.stderr
    assert (
        f"  {folder / 'external_benchmark_mmlu.csv'}:2: gpt-4 = benchmark_results_epoch.csv:2 "
        f"({reason})\n"
    ) in result.stderr, result.stderr
    (kept,) = [
        r for r in _rows(run, "list", "results") if r["source_url"] == "https://example.org/p3"
    ]
    assert (kept["score"], kept["notes"]) == (82.0, "Epoch AI record recBBB2")


def test_the_catalog_models_known_by_an_alias_are_a_list_cut_as_every_list_is(
    run: Run, tmp_path: Path
):
    # Seven seeded aliases as catalog ids: five are named, and the rest counted as what
    # they are, with the option that names them all (it ended '... and 2 more').
    aliases = ["davinci", "gpt-4-0314", "gpt-4-1106-preview", "gpt-4o-2024-05-13",
               "gpt-4o-mini-2024-07-18", "o1-mini-2024-09-12", "claude-3-opus-20240229"]  # fmt: skip
    path = tmp_path / "model_versions.csv"
    rows = "".join(f"{a},{a},\n" for a in aliases)
    path.write_text("id,Model,Version release date\n" + rows, encoding="utf-8")
    cut = run("import", "--from", "epoch", str(path), "--dry-run")
    assert cut.exit_code == 0, cut.stderr
    known = next(line for line in cut.stderr.splitlines() if "known by an alias" in line)
    assert known.endswith(
        "gpt-4o-mini-2024-07-18 = gpt-4o-mini, ... and 2 more catalog models (--list-all lists them)"
    ), known
    whole = run("import", "--from", "epoch", str(path), "--dry-run", "--list-all")
    assert "claude-3-opus-20240229 = claude-3-opus\n" in whole.stderr, whole.stderr


def test_a_twin_whose_other_record_the_file_drops_takes_its_correction(
    run_empty: Run, tmp_path: Path
):
    # Once the database holds two records of one result apart, a publication that
    # drops one and corrects the other is a change to the stored record, under the
    # key that told it apart (it was left out as held under another key, the change
    # lost).
    assert run_empty("import", "--from", "epoch", str(EPOCH / "model_versions.csv")).exit_code == 0
    lines = (EPOCH / "external_benchmark_bbh.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[2].startswith("rec6aaTYSwDqfD2sO,") and lines[59].startswith("reckyn9rrrmjmrV6z,")
    published = tmp_path / "external_benchmark_bbh.csv"

    def publish(rows: list[str]) -> str:
        published.write_text("\n".join(rows) + "\n", encoding="utf-8")
        result = run_empty("import", "--from", "epoch", str(published))
        assert result.exit_code == 0, result.stderr
        assert "under another key" not in result.stderr, result.stderr
        return result.stderr.splitlines()[-1]

    twin = "3-shot; Epoch record reckyn9rrrmjmrV6z"
    publish(lines)
    publish([*lines[:59], lines[59].replace(",45.0%,", ",46.0%,"), *lines[60:]])
    said = publish([*lines[:2], *lines[3:59], lines[59].replace(",45.0%,", ",47.0%,"), *lines[60:]])
    assert "results: 1 updated," in said, said
    rows = _rows(run_empty, "list", "results", "--benchmark", "bbh", "--model", "qwen-7b")
    assert sorted((r["setting"], r["score"]) for r in rows) == [("3-shot", 45.0), (twin, 47.0)]


def test_a_file_without_record_ids_lists_only_the_rows_it_drops(run: Run, tmp_path: Path):
    """An external file with no `id` column (os_world's has none) names no Epoch record:
    the results it matches were listed as not in it, as if it lacked every record id (85
    of them, some twice)."""
    import csv

    with (EPOCH / "external_benchmark_bbh.csv").open(encoding="utf-8-sig", newline="") as f:
        lines = [row[1:] for row in csv.reader(f)]
    assert lines[0][0] == "Name"
    published = tmp_path / "external_benchmark_bbh.csv"

    def publish(rows: list[list[str]]) -> str:
        with published.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows(rows)
        result = run("import", "--from", "epoch", str(published), "--dry-run", "--list-all")
        assert result.exit_code == 0, result.stderr
        return result.stderr

    said = publish(lines)
    assert "not in external_benchmark_bbh.csv" not in said, said
    assert said.endswith("results: 82 unchanged; nothing written\n"), said
    # A row it drops is still listed, by its key and source.
    dropped = [row for row in lines if row[0] not in ("MPT 7B", "Falcon 7B")]
    assert len(dropped) == len(lines) - 3  # MPT 7B twice, from two papers
    said = publish(dropped)
    assert (
        "3 results in the database from this source are not in external_benchmark_bbh.csv" in said
    ), said
    # Each is stored beside another record the same but for its source (MPT 7B's two
    # beside each other): each is named by its id too (MPT 7B's were one line twice).
    listed = said.split("external_benchmark_bbh.csv")[-1].splitlines()[1:4]
    ids = [line.split(" (")[-1].removesuffix(")") for line in listed]
    stored = _rows(run, "list", "results", "--benchmark", "bbh")
    labels = {r["id"]: f"  {r['model']}/bbh/3-shot ({r['id']})" for r in stored}
    assert [labels.get(i) for i in ids] == listed
    assert [line.split(" (")[0] for line in listed] == [
        "  falcon-7b/bbh/3-shot",
        *["  mpt-7b/bbh/3-shot"] * 2,
    ]


def test_a_new_twin_first_in_the_file_leaves_the_stored_record_its_key(
    run_empty: Run, tmp_path: Path
):
    # The database holds one of two same-score records under the plain key; the file
    # adds the other before it. The stored record keeps its key and its row; the new
    # one is the repeat, left out (before, it took over the stored record's key and
    # notes, and the stored record's own row was skipped as its repeat).
    assert run_empty("import", "--from", "epoch", str(EPOCH / "model_versions.csv")).exit_code == 0
    lines = (EPOCH / "external_benchmark_bbh.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[2].startswith("rec6aaTYSwDqfD2sO,") and lines[59].startswith("reckyn9rrrmjmrV6z,")
    published = tmp_path / "external_benchmark_bbh.csv"
    published.write_text("\n".join([*lines[:59], *lines[60:]]) + "\n", encoding="utf-8")
    assert run_empty("import", "--from", "epoch", str(published)).exit_code == 0
    published.write_text("\n".join([lines[0], lines[59], *lines[1:59], *lines[60:]]) + "\n")
    result = run_empty("import", "--from", "epoch", str(published), "--list-all")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1].endswith("unchanged; nothing to write"), result.stderr
    assert f"{published}:2: qwen-7b (duplicate of an earlier row" in result.stderr, result.stderr
    rows = _rows(run_empty, "list", "results", "--benchmark", "bbh", "--model", "qwen-7b")
    assert [(r["setting"], r["notes"]) for r in rows] == [
        ("3-shot", "Epoch AI record rec6aaTYSwDqfD2sO")
    ]


def test_a_plain_key_another_row_of_the_file_gives_is_not_taken_back():
    import polars as pl

    from trendlab.adapters.epoch import RECORD_NOTE
    from trendlab.adapters.merge import PLAIN_SETTING, RECORD_SETTING, stored_keys_kept
    from trendlab.kinds import RESULTS

    url = "https://arxiv.org/pdf/a"
    stored = pl.DataFrame(
        {
            "model": ["qwen-7b", "qwen-7b"],
            "benchmark": ["bbh", "mmlu"],
            "setting": ["3-shot", "5-shot"],
            "source_url": [url, url],
            "notes": ["Epoch AI record rec1", "Epoch AI record rec3"],
        }
    )
    frame = pl.DataFrame(
        {
            "__row": pl.Series([0, 1, 2], dtype=pl.UInt32),
            "model": ["qwen-7b"] * 3,
            "benchmark": ["bbh", "bbh", "mmlu"],
            "setting": ["3-shot; Epoch record rec1", "3-shot", "5-shot; Epoch record rec3"],
            "source_url": [url] * 3,
            "__record": ["rec1", None, "rec3"],
            PLAIN_SETTING: ["3-shot", None, "5-shot"],
            RECORD_SETTING: ["3-shot; Epoch record rec1", None, "5-shot; Epoch record rec3"],
        }
    )
    kept, revived, displaced = stored_keys_kept(RESULTS, frame, frame.clear(), stored, RECORD_NOTE)
    assert revived == [] and displaced == []
    # rec1's plain key is the second row's (a row with no record id), so rec1 keeps its
    # record id; rec3's is free, so it goes back under the key it is stored under.
    assert kept.get_column("setting").to_list() == [
        "3-shot; Epoch record rec1",
        "3-shot",
        "5-shot",
    ]


def test_a_blank_cell_keeps_the_stored_value_in_a_restatement_and_a_correction():
    """Rule 1 as merge applies it to text rows: a cell that is empty, or only spaces,
    is no value, so it keeps the stored one, whether the row restates the record (its
    name then stays the stored one: rule 3) or corrects a figure (a new revision with
    the source's name and date, and the stored organization and parameters)."""
    import polars as pl

    from trendlab.adapters.merge import merge
    from trendlab.kinds import MODELS

    stored = pl.DataFrame(
        {
            "slug": ["a", "b"],
            "name": ["A", "B"],
            "organization": ["Org", "Org"],
            "release_date": ["2024-01-01", "2024-01-01"],
            "parameters": ["7000000000.0", "7000000000.0"],
        }
    )
    frame = pl.DataFrame(
        {
            "__row": pl.Series([0, 1], dtype=pl.UInt32),
            "slug": ["a", "b"],
            "name": ["A (catalog)", "B (catalog)"],
            "organization": ["  ", ""],
            "release_date": ["", "2024-02-01"],  # b's is a correction
            "parameters": [" ", ""],
        }
    )
    merged, kept = merge(MODELS, frame, stored)
    assert kept == []
    assert merged.drop("__row").rows() == [
        ("a", "A", "Org", "2024-01-01", "7000000000.0"),
        ("b", "B (catalog)", "Org", "2024-02-01", "7000000000.0"),
    ]


def test_a_more_precise_figure_replaces_a_rounder_stored_one():
    """Rule 2 the other way: a stored 3000000000.0 is 3e9 to the nearest billion (its
    trailing zeros say nothing) and a stored 0 says nothing of its precision, so a
    source's 3.2e9 (to the nearest hundred million) replaces either, listing nothing."""
    import polars as pl

    from trendlab.adapters.merge import merge
    from trendlab.kinds import MODELS

    stored = pl.DataFrame(
        {"slug": ["a", "b"], "name": ["A", "B"], "parameters": ["3000000000.0", "0.0"]}
    )
    frame = pl.DataFrame(
        {
            "__row": pl.Series([0, 1], dtype=pl.UInt32),
            "slug": ["a", "b"],
            "name": ["A", "B"],
            "parameters": ["3.2e9", "3.2e9"],
        }
    )
    merged, kept = merge(MODELS, frame, stored)
    assert kept == []
    assert merged.get_column("parameters").to_list() == ["3.2e9", "3.2e9"]


def test_a_rounder_score_is_the_same_figure_only_within_half_its_last_digit():
    """34.1 is 34.0593434343 to one decimal (the same figure: nothing listed), 34.0 is
    not (the stored figure is kept and the disagreement listed), and 50.7, as precise
    as a stored 50.5, is a correction that replaces it."""
    import polars as pl

    from trendlab.adapters.merge import merge
    from trendlab.kinds import RESULTS

    key = {
        "benchmark": ["b"] * 3,
        "setting": pl.Series([None] * 3, dtype=pl.String),
        "source_url": ["https://e.org"] * 3,
    }
    stored = pl.DataFrame(
        {"model": ["m1", "m2", "m3"], **key, "score": ["34.0593434343", "34.0593434343", "50.5"]}
    )
    frame = pl.DataFrame(
        {
            "__row": pl.Series([0, 1, 2], dtype=pl.UInt32),
            "model": ["m1", "m2", "m3"],
            **key,
            "score": ["34.1", "34.0", "50.7"],
        }
    )
    merged, kept = merge(RESULTS, frame, stored)
    assert merged.get_column("score").to_list() == ["34.0593434343", "34.0593434343", "50.7"]
    assert [(k.row, k.key, k.given, k.stored) for k in kept] == [
        (1, "m2/b", "34.0", "34.0593434343")
    ]


def test_a_record_from_another_source_is_not_listed_as_dropped_by_this_one():
    """Without record ids (llm-prices, METR), what a publication no longer holds is a
    stored record citing one of its source URLs, on its providers, whose key it lacks:
    OpenAI's own price of gpt-4, cited to openai.com, is no row a price list dropped."""
    import polars as pl

    from trendlab.adapters.merge import absent
    from trendlab.kinds import PRICES

    listing = "https://github.com/simonw/llm-prices"
    stored = pl.DataFrame(
        {
            "model": ["gpt-4o", "gpt-4o-mini", "gpt-4"],
            "provider": ["OpenAI"] * 3,
            "effective_date": ["2024-05-13", "2024-07-18", "2023-03-14"],
            "source_url": [listing, listing, "https://openai.com/pricing"],
        }
    )
    file = pl.DataFrame(
        {
            "model": ["gpt-4o"],
            "provider": ["OpenAI"],
            "effective_date": ["2024-05-13"],
            "source_url": [listing],
        }
    )
    assert absent(PRICES, stored, [file]) == ["gpt-4o-mini/OpenAI/2024-07-18"]


def test_a_source_url_spelled_otherwise_still_holds_the_records_stored_under_it():
    """An import --from compared source URLs as written: a result whose URL the source
    now writes in other capitals or ending in a slash, one source to the write path, was
    listed as no longer in it, and a price list whose URL it now so writes lost sight of
    the prices stored under the old spelling, one it dropped not listed."""
    import polars as pl

    from trendlab.adapters.merge import absent
    from trendlab.kinds import PRICES, RESULTS

    page = "https://example.org/r"
    stored = pl.DataFrame(
        {
            "model": ["m1", "m2", "m3"],
            "benchmark": ["b"] * 3,
            "setting": [None, None, None],
            "source_url": [page] * 3,
        },
        schema_overrides={"setting": pl.String},
    )
    file = pl.DataFrame(
        {
            "model": ["m1", "m2"],
            "benchmark": ["b"] * 2,
            "setting": [None, None],
            "source_url": [page, "HTTPS://EXAMPLE.ORG/r/"],
        },
        schema_overrides={"setting": pl.String},
    )
    assert absent(RESULTS, stored, [file]) == ["m3/b"]
    listing = "https://github.com/simonw/llm-prices"
    prices = pl.DataFrame(
        {
            "model": ["gpt-4o", "gpt-4o-mini"],
            "provider": ["OpenAI"] * 2,
            "effective_date": ["2024-05-13", "2024-07-18"],
            "source_url": [listing] * 2,
        }
    )
    now = prices.head(1).with_columns(source_url=pl.lit("https://GitHub.com/simonw/llm-prices/"))
    assert absent(PRICES, prices, [now]) == ["gpt-4o-mini/OpenAI/2024-07-18"]


def test_a_stored_record_under_a_model_version_no_name_resolves_to_is_left_out(
    run: Run, tmp_path: Path
):
    """A file giving a stored Epoch record under a model version the database does not
    know (renamed since) holds that record: it is left out as held under another key,
    as in a folder whose catalog names the new version, where a lone file failed the
    import as naming an unknown model."""
    published = SHARED / "epoch-benchmark-stitching" / "external_benchmark_mmlu.csv"
    text = published.read_text(encoding="utf-8-sig")
    assert ",amazon.nova-lite-v1:0," in text
    renamed = tmp_path / "external_benchmark_mmlu.csv"
    renamed.write_text(text.replace(",amazon.nova-lite-v1:0,", ",amazon.nova-lite-v2:0,"))
    before = run("log", "--json").stdout
    result = run("import", "--from", "epoch", str(renamed), "--list-all")
    assert result.exit_code == 0, result.stderr
    assert (
        f"  {renamed}:2: amazon.nova-lite-v2:0 = amazon.nova-lite-v1-0/mmlu/5-shot (the same "
        "source record is already in the database under another key)"
    ) in result.stderr.splitlines(), result.stderr
    assert "unknown model" not in result.stderr
    assert "amazon.nova-lite-v1-0/mmlu" not in result.stderr.split("not in external_benchmark")[-1]
    assert result.stderr.splitlines()[-1] == (
        "benchmarks: nothing; results: 210 unchanged; nothing to write"
    )
    assert run("log", "--json").stdout == before


@both_stores
def test_a_model_an_import_adds_then_dates_is_one_added_in_import_log_and_diff(
    run_empty: Run, tmp_path: Path
):
    """A folder whose catalog adds a model undated and whose Hub extract dates it wrote
    two revisions in the changeset: import and log said '1 added, 1 updated', where diff,
    comparing the states before and after, said '1 added'. It is one revision, dated."""
    folder = tmp_path / "epoch"
    folder.mkdir()
    (folder / "model_versions.csv").write_text(
        "id,Model,Version release date\nbabbage,GPT-3 XL,\n", encoding="utf-8"
    )
    (folder / "benchmark_results_epoch.csv").write_text(
        "benchmark,model_version,release_date,score,score_scale,shots\n"
        "GSM8K,babbage,2020-06-22,0.007,0-1,5\n",
        encoding="utf-8",
    )
    said = "models: 1 added; benchmarks: 1 added; results: 1 added"
    dry = run_empty("import", "--from", "epoch", str(folder), "--dry-run")
    assert dry.stderr.splitlines()[-1] == f"dry run: {said}; nothing written", dry.stderr
    result = run_empty("import", "--from", "epoch", str(folder))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"{said} (changeset ")
    assert [r["changes"] for r in _rows(run_empty, "log")] == [said.split("; ")]
    diff = run_empty("diff", "--since", "2000")
    assert (diff.exit_code, diff.stderr) == (0, f"since 2000: {said}\n")
    # One revision of the changeset, with the date: the first, undated, is gone.
    dated = _rows(run_empty, "history", "model", "babbage")
    assert [(r["revision"], r["op"], r["release_date"]) for r in dated] == [
        (1, "insert", "2020-06-22")
    ]


def test_a_record_written_again_is_read_as_written_by_the_next_part(run_empty: Run, tmp_path: Path):
    """A part's merge fills a cell a file leaves empty from the stored record, read again
    only once the changeset's counts change. A model a catalog wrote again (dated) is no
    new count, so a third catalog, leaving the date empty, was merged with the undated
    copy read before, and wrote the date away."""
    folder = tmp_path / "epoch"
    folder.mkdir()
    header = "id,Model,Version release date,Notes\n"
    for name, row in (("a", ",first"), ("b", "2020-06-22,"), ("c", ",third")):
        (folder / f"{name}.csv").write_text(f"{header}babbage,GPT-3 XL,{row}\n", encoding="utf-8")
    result = run_empty("import", "--from", "epoch", str(folder))
    assert result.exit_code == 0, result.stderr
    shown = json.loads(run_empty("show", "model", "babbage", "--json").stdout)
    assert (shown["release_date"], shown["notes"]) == ("2020-06-22", "first")
