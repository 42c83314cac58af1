"""import --from epoch|llm-prices|metr on real Epoch files and small fixtures; aliases;
re-imports that record only what changed; diff --since."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import shlex
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import polars as pl
import pytest

from tests.conftest import SHARED, Run
from tests.refusals import assert_refused

DATA = Path(__file__).resolve().parent / "data"
EPOCH = DATA / "epoch"


def _rows(run: Run, *args: str) -> list[dict]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _last_changeset(run: Run) -> dict:
    return _rows(run, "log", "--limit", "1")[0]


# -- epoch ----------------------------------------------------------------------------


def test_epoch_folder_into_an_empty_database(run_empty: Run, empty_db: Path):
    result = run_empty("import", "--from", "epoch", str(EPOCH))
    assert result.exit_code == 0, result.stderr
    # On this store (--db), not ./trendlab.duckdb, as printed.
    fix = f"trendlab --db {shlex.quote(str(empty_db))} edit benchmark SLUG --set floor=..."
    assert f"new benchmarks (floor and ceiling unknown; set them with `{fix}`)" in result.stderr
    assert "arc-agi" in result.stderr and "metr-time-horizon" in result.stderr
    # Rows the files leave unusable are listed, not silently dropped.
    assert "left out" in result.stderr and "no model version" in result.stderr
    assert "external_benchmark_bbh.csv:59: QWEN 1.8B (duplicate" in result.stderr
    models = {m["slug"]: m for m in _rows(run_empty, "list", "models")}
    assert models["claude-3-5-sonnet-20240620"]["release_date"] == "2024-06-20"
    # A suffixed version id is a setting of its base model, not a model of its own.
    assert "o4-mini-2025-04-16" in models and "o4-mini-2025-04-16_high" not in models
    arc = _rows(
        run_empty, "list", "results", "--benchmark", "arc-agi", "--model", "o4-mini-2025-04-16"
    )
    assert {(r["setting"], r["score"]) for r in arc} == {
        ("effort medium", 42.0),
        ("effort low", 21.0),
        ("effort high", 59.0),
    }
    # 0-1 fractions become percent; the run's log is the source.
    runs = _rows(run_empty, "list", "results", "--benchmark", "gpqa-diamond", "--model", "gpt-5.1")
    medium = next(r for r in runs if r["setting"] == "effort medium")
    assert medium["score"] == 85.0 and medium["source_kind"] == "independent"
    assert medium["notes"] == "Epoch AI run V3YQtSEnQ3TPZEPPgkCKQM"
    # Minutes stay minutes; the CI goes to notes.
    metr = _rows(run_empty, "list", "results", "--benchmark", "metr-time-horizon")
    sonnet = next(r for r in metr if r["model"] == "claude-3-5-sonnet-20240620")
    assert sonnet["score"] == pytest.approx(18.21683)
    assert "95% CI 9.492954-34.472569" in sonnet["notes"]
    # A version id that is not a slug is kept as an alias of its model.
    aliases = {a["alias"]: a["model"] for a in _rows(run_empty, "alias", "list")}
    assert aliases["PaLM 540B"] == "palm-540b"
    assert run_empty("check").exit_code == 0


def test_epoch_folder_reads_a_csv_file_whose_suffix_is_in_capitals(run_empty: Run, tmp_path: Path):
    """A folder's `.CSV` file is read, as the same file given alone is (it was neither
    read nor named as a file not read: its results went missing without a word)."""
    folder = tmp_path / "epoch"
    folder.mkdir()
    shutil.copy(EPOCH / "model_versions.csv", folder)
    shutil.copy(EPOCH / "external_benchmark_bbh.csv", folder / "EXTERNAL_BENCHMARK_BBH.CSV")
    result = run_empty("import", "--from", "epoch", str(folder), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "dry run: models: 498 added; benchmarks: 1 added; results: 82 added; "
        "aliases: 42 added; nothing written"
    ), result.stderr


def test_epoch_folder_this_user_may_not_list_is_named_not_a_traceback(
    run_empty: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Listing the folder raised PermissionError: an internal error (exit 70)."""
    folder = tmp_path / "epoch"
    folder.mkdir()
    iterdir = Path.iterdir

    def refused(path: Path) -> Iterator[Path]:
        if path == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return iterdir(path)

    monkeypatch.setattr(Path, "iterdir", refused)
    result = run_empty("import", "--from", "epoch", str(folder))
    assert result.exit_code == 1, result.stderr
    assert result.stderr == (
        f"trendlab: error: cannot read {folder}: Permission denied; nothing was written\n"
    )


def test_epoch_folder_with_a_file_this_user_may_not_read_fails(
    run_empty: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A file whose header could not be read was named as one whose columns are not
    Epoch's, and the import went ahead without it."""
    folder = tmp_path / "epoch"
    shutil.copytree(EPOCH, folder)
    bbh = folder / "external_benchmark_bbh.csv"
    open_ = Path.open

    def refused(path: Path, *args: Any, **kwargs: Any) -> Any:
        if path == bbh:
            raise PermissionError(13, "Permission denied", str(path))
        return open_(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refused)
    result = run_empty("import", "--from", "epoch", str(folder))
    assert result.exit_code == 1, result.stderr
    assert result.stderr == (
        f"trendlab: error: cannot read {bbh}: Permission denied; nothing was written\n"
    )
    assert run_empty("log", "--json").stdout.strip() == "[]"


def test_epoch_folder_with_a_link_to_nothing_fails_naming_it(run: Run, tmp_path: Path):
    """A file of a git-annex folder not fetched is a link to nothing: it was passed over
    in silence, and the import went ahead, listing the stored records of its benchmark
    as no longer in the source."""
    folder = tmp_path / "epoch"
    shutil.copytree(EPOCH, folder)
    bbh = folder / "external_benchmark_bbh.csv"
    bbh.unlink()
    bbh.symlink_to(tmp_path / "annex" / "objects" / "bbh")
    assert_refused(
        run,
        ["import", "--from", "epoch", str(folder)],
        stderr=[
            f"trendlab: error: cannot read {bbh}: No such file or directory; nothing was written"
        ],
    )


def test_epoch_folder_skips_other_files_without_reading_them(
    run_empty: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A download folder's other CSV files are not ours to judge: one that is not UTF-8,
    ragged or empty failed the whole import before its header was even looked at. They
    are named, not read: an Epoch file whose columns were renamed is one of them (it was
    passed over in silence, its results neither read nor listed as not in the folder)."""
    folder = tmp_path / "epoch"
    shutil.copytree(EPOCH, folder)
    (folder / "notes-latin1.csv").write_bytes("name,note\nfoo,caf\xe9\n".encode("latin-1"))
    (folder / "ragged.csv").write_text("a,b\n1\n")
    (folder / "empty.csv").write_text("")
    result = run_empty("import", "--from", "epoch", str(folder))
    assert result.exit_code == 0, result.stderr
    assert "arc-agi" in result.stderr
    assert (
        "3 files of epoch not read (by their columns, not Epoch AI benchmark data): "
        "empty.csv, notes-latin1.csv, ragged.csv\n"
    ) in result.stderr, result.stderr
    bbh = folder / "external_benchmark_bbh.csv"
    bbh.chmod(0o644)
    bbh.write_text(bbh.read_text(encoding="utf-8-sig").replace("Model version", "Model", 1))
    for extra in ("notes-latin1.csv", "ragged.csv", "empty.csv"):
        (folder / extra).unlink()
    renamed = run_empty("import", "--from", "epoch", str(folder), "--dry-run")
    assert renamed.exit_code == 0, renamed.stderr
    assert renamed.stderr.startswith(
        "1 file of epoch not read (by its columns, not Epoch AI benchmark data): "
        "external_benchmark_bbh.csv\n"
    ), renamed.stderr
    # The folder given as `.` is named as it is called (it was "1 file of  not read").
    monkeypatch.chdir(folder)
    here = run_empty("import", "--from", "epoch", ".", "--dry-run")
    assert here.stderr.startswith("1 file of epoch not read "), here.stderr
    monkeypatch.undo()
    # A link is named as given, not by where it leads.
    (tmp_path / "download").symlink_to(folder)
    linked = run_empty("import", "--from", "epoch", str(tmp_path / "download"), "--dry-run")
    assert linked.stderr.startswith("1 file of download not read "), linked.stderr
    # An Epoch file that is broken still fails the import, naming its line.
    runs = folder / "benchmarks_runs.csv"
    runs.chmod(0o644)
    runs.write_bytes(runs.read_bytes() + b"caf\xe9\n")
    broken = run_empty("import", "--from", "epoch", str(folder))
    assert broken.exit_code == 1
    assert "benchmarks_runs.csv:" in broken.stderr and "not valid UTF-8" in broken.stderr


def test_epoch_folder_leaves_out_a_second_download_of_a_file_it_holds(
    run_empty: Run, tmp_path: Path
):
    """A browser's `x (1).csv` beside `x.csv` made a benchmark `bbh-1`, and the first
    file's rows were listed as copies of its records."""
    folder = tmp_path / "epoch"
    shutil.copytree(EPOCH, folder)
    bbh = folder / "external_benchmark_bbh.csv"
    shutil.copyfile(bbh, folder / "external_benchmark_bbh (1).csv")
    before = run_empty("log", "--json").stdout
    result = run_empty("import", "--from", "epoch", str(folder), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(
        "1 file of epoch not read (a second download of a file it holds, with the same "
        "content): external_benchmark_bbh (1).csv (= external_benchmark_bbh.csv)\n"
    ), result.stderr
    assert "bbh-1" not in result.stderr and "same Epoch AI record" not in result.stderr
    # Another content: which of the two to import is the user's to say.
    other = folder / "external_benchmark_bbh (2).csv"
    shutil.copyfile(folder / "external_benchmark_arc_agi.csv", other)
    result = run_empty("import", "--from", "epoch", str(folder))
    assert result.exit_code == 1
    assert result.stderr == (
        f"trendlab: error: {other}: a second download of external_benchmark_bbh.csv beside "
        "it, with other content; keep the one to import in the folder, not both; nothing "
        "was written\n"
    )
    assert run_empty("log", "--json").stdout == before


def test_epoch_second_download_read_alone_is_its_benchmarks_file(run: Run, tmp_path: Path):
    """`external_benchmark_bbh (1).csv` given alone (or in a folder without the first
    download) is BIG-Bench Hard's file: it created a benchmark `bbh-1`, its rows results
    there, and listed every stored bbh result as no longer in the source."""
    copy = tmp_path / "external_benchmark_bbh (1).csv"
    shutil.copyfile(EPOCH / "external_benchmark_bbh.csv", copy)
    result = run("import", "--from", "epoch", str(copy), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "bbh-1" not in result.stderr
    plain = run("import", "--from", "epoch", str(EPOCH / "external_benchmark_bbh.csv"), "--dry-run")
    assert result.stderr == plain.stderr.replace(
        str(EPOCH / "external_benchmark_bbh.csv"), str(copy)
    ).replace("not in external_benchmark_bbh.csv", f"not in {copy.name}")


def test_epoch_reimport_of_the_same_files_changes_nothing(run_empty: Run):
    assert run_empty("import", "--from", "epoch", str(EPOCH)).exit_code == 0
    before = run_empty("log", "--json").stdout
    again = run_empty("import", "--from", "epoch", str(EPOCH))
    assert again.exit_code == 0
    assert "nothing to write" in again.stderr
    assert run_empty("log", "--json").stdout == before


def test_an_import_reads_the_stored_results_once_while_it_changes_none(
    run_empty: Run, monkeypatch: pytest.MonkeyPatch
):
    """Each file's merge read every stored result again (and so did the check of which
    models the files' new records name): a folder of Epoch files read them once per
    file, which on a store of 100,000 results took most of the import."""
    from trendlab.db import Store
    from trendlab.kinds import Kind

    assert run_empty("import", "--from", "epoch", str(EPOCH)).exit_code == 0
    reads: list[str] = []
    records = Store.records

    def counted(self: Store, kind: Kind, **options: Any) -> pl.DataFrame:
        if options.get("fields_only"):
            reads.append(kind.name)
        return records(self, kind, **options)

    monkeypatch.setattr(Store, "records", counted)
    again = run_empty("import", "--from", "epoch", str(EPOCH))
    assert again.exit_code == 0 and "nothing to write" in again.stderr
    assert reads.count("results") == 1, reads


def test_newer_publication_records_only_the_changes(run_empty: Run, tmp_path: Path):
    folder = tmp_path / "epoch"
    shutil.copytree(EPOCH, folder)
    assert run_empty("import", "--from", "epoch", str(folder)).exit_code == 0
    first = _last_changeset(run_empty)["changeset"]
    metr = folder / "external_benchmark_metr.csv"
    metr.chmod(0o644)
    text = metr.read_text(encoding="utf-8-sig")
    text = text.replace("18.21683000", "19.50000000", 1)  # a corrected estimate
    text = (
        text.rstrip("\n")
        + "\n"
        + (
            "recNEW,gemma-2b,9.0,2.0,4.5,METR - Measuring AI Ability to Complete "
            "Long Tasks,https://metr.org/blog/2025-03-19-measuring-ai-ability-to-complete-long-"
            "tasks/,0.3,\n"
        )
    )
    metr.write_text(text, encoding="utf-8")
    result = run_empty("import", "--from", "epoch", str(metr))
    assert result.exit_code == 0, result.stderr
    # One row of the file names a model without a release date: listed, left out.
    assert "left out 1 row: 1 the model has no release date" in result.stderr
    assert "results: 1 added, 1 updated, 28 unchanged" in result.stderr
    log = _last_changeset(run_empty)
    assert log["message"] == "import epoch external_benchmark_metr.csv"
    assert log["changes"] == ["results: 1 added, 1 updated"]
    changes = _rows(run_empty, "diff", "--since", first)
    assert {(c["kind"], c["change"]) for c in changes} == {
        ("results", "added"),
        ("results", "updated"),
    }
    updated = next(c for c in changes if c["change"] == "updated")
    assert updated["fields"] == ["score: 18.21683 -> 19.5"]
    csv = run_empty("diff", "--since", first, "--kind", "results", "--csv")
    assert csv.stdout.splitlines()[0] == "kind,key,change,fields"
    assert "since " in csv.stderr and "results: 1 added, 1 updated" in csv.stderr


def test_a_new_benchmark_takes_the_name_the_file_gives_it(run: Run, tmp_path: Path):
    # The Hub and the runs file name their benchmarks: one the adapter does not know is
    # created under that name (it was made from its slug: "Humanity S Last Exam").
    hub = tmp_path / "benchmark_results_epoch.csv"
    hub.write_text(
        "benchmark,model_version,organization,release_date,score,score_scale,epoch_row_id\n"
        "Humanity's Last Exam,gpt-4,OpenAI,2023-03-14,0.03,0-1,recHLE1\n",
        encoding="utf-8",
    )
    runs = tmp_path / "benchmarks_runs.csv"
    runs.write_text(
        "id,task,model,Best score (across scorers)\nrun1,SimpleQA Verified,gpt-4,0.25\n",
        encoding="utf-8",
    )
    for path in (hub, runs):
        result = run("import", "--from", "epoch", str(path))
        assert result.exit_code == 0, result.stderr
    names = {b["slug"]: b["name"] for b in _rows(run, "list", "benchmarks")}
    assert names["humanity-s-last-exam"] == "Humanity's Last Exam"
    assert names["simpleqa-verified"] == "SimpleQA Verified"


def test_a_run_that_did_not_succeed_is_no_result(run: Run, tmp_path: Path):
    """A run whose Status is not Success is left out and listed, as a row with no
    score is: it was imported as a result, its score that of a failed run."""
    runs = tmp_path / "benchmarks_runs.csv"
    runs.write_text(
        "id,task,model,Best score (across scorers),Status\n"
        "run1,SimpleQA Verified,gpt-4,0.25,Success\n"
        "run2,SimpleQA Verified,gpt-4o,0.01,Failed\n"
        "run3,SimpleQA Verified,gpt-4o-mini,0.3,\n",
        encoding="utf-8",
    )
    result = run("import", "--from", "epoch", str(runs))
    assert result.exit_code == 0, result.stderr
    assert (
        "left out 1 row: 1 Status Failed, not Success\n"
        f"  {runs}:3: gpt-4o (Status Failed, not Success)\n"
    ) in result.stderr
    scores = _rows(run, "list", "results", "--benchmark", "simpleqa-verified")
    assert sorted(r["model"] for r in scores) == ["gpt-4", "gpt-4o-mini"]


def test_a_model_the_hub_dates_is_counted_once(run_empty: Run, tmp_path: Path):
    """The catalog finds m-one unchanged, then the Hub dates it: one model updated, not
    also one unchanged ('1 updated, 2 unchanged' for a catalog of two models)."""
    catalog = tmp_path / "model_versions.csv"
    catalog.write_text("id,Version release date\nm-one,\nm-two,\n", encoding="utf-8")
    assert run_empty("import", "--from", "epoch", str(catalog)).exit_code == 0
    (tmp_path / "benchmark_results_epoch.csv").write_text(
        "benchmark,model_version,organization,release_date,score,score_scale,epoch_row_id\n"
        "MMLU,m-one,Lab,2023-03-14,0.5,0-1,rec1\n",
        encoding="utf-8",
    )
    for dry in (["--dry-run"], []):
        result = run_empty("import", "--from", "epoch", str(tmp_path), *dry)
        assert result.exit_code == 0, result.stderr
        assert "models: 1 updated, 1 unchanged; benchmarks: 1 added" in result.stderr


def test_a_model_only_the_hub_names_takes_its_id_as_name(run_empty: Run, tmp_path: Path):
    """A model version with no display_name (and one known only by a reasoning-effort
    suffix) was created with no name, where a catalog model takes its id as its name."""
    (tmp_path / "benchmark_results_epoch.csv").write_text(
        "benchmark,model_version,display_name,organization,release_date,score,score_scale,"
        "epoch_row_id\n"
        "MMLU,lab/m-one,,Lab,2025-03-14,0.5,0-1,rec1\n"
        "MMLU,m-two_high,M Two (high),Lab,2025-03-14,0.6,0-1,rec2\n"
        "MMLU,m-three,M Three,Lab,2025-03-14,0.7,0-1,rec3\n",
        encoding="utf-8",
    )
    result = run_empty("import", "--from", "epoch", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    names = {m["slug"]: m["name"] for m in _rows(run_empty, "list", "models")}
    assert names == {"lab-m-one": "lab/m-one", "m-two": "m-two", "m-three": "M Three"}


def test_two_model_version_ids_of_one_slug_are_both_its_aliases(run_empty: Run, tmp_path: Path):
    """`Foo Bar 9` and `foo-bar-9` are one model, but only the first id was kept, as the
    model; results naming the other were of a model the database did not know."""
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "model_versions.csv").write_text(
        "id,Version release date\nfoo-bar-9,2023-01-01\nFoo Bar 9,2023-01-01\n", encoding="utf-8"
    )
    (catalog / "external_benchmark_zz.csv").write_text(
        "id,Model version,Score,Source link\nrec1,Foo Bar 9,50%,https://example.org/a\n",
        encoding="utf-8",
    )
    hub = tmp_path / "hub"
    hub.mkdir()
    (hub / "benchmark_results_epoch.csv").write_text(
        "benchmark,model_version,organization,release_date,score,score_scale,epoch_row_id,"
        "source_link\n"
        "MMLU,bar-baz-2,Lab,2023-03-14,0.5,0-1,rec2,https://example.org/b\n"
        "MMLU,Bar Baz 2,Lab,2023-03-14,0.6,0-1,rec3,https://example.org/c\n",
        encoding="utf-8",
    )
    for folder in (catalog, hub):
        result = run_empty("import", "--from", "epoch", str(folder))
        assert result.exit_code == 0, result.stderr
    aliases = {a["alias"]: a["model"] for a in _rows(run_empty, "alias", "list")}
    assert aliases == {"Foo Bar 9": "foo-bar-9", "Bar Baz 2": "bar-baz-2"}
    scores = {(r["model"], r["score"]) for r in _rows(run_empty, "list", "results")}
    assert scores == {("foo-bar-9", 50.0), ("bar-baz-2", 50.0), ("bar-baz-2", 60.0)}


def test_epoch_errors_name_the_files_column(run: Run, tmp_path: Path):
    """A bad value is named by the column the user finds in the file, with the field it
    was read as: they were named by the field alone (score, release_date), which none
    of these files has."""
    catalog = tmp_path / "model_versions.csv"
    catalog.write_text("id,Version release date\nm-one,2999-01-01\n", encoding="utf-8")
    runs = tmp_path / "benchmarks_runs.csv"
    runs.write_text(
        "id,task,model,Best score (across scorers)\nrun1,GPQA diamond,gpt-4,1.5\n",
        encoding="utf-8",
    )
    mmlu = tmp_path / "external_benchmark_mmlu.csv"
    mmlu.write_text("id,EM,Model version\nrec1,150%,gpt-4\n", encoding="utf-8")
    hub = tmp_path / "benchmark_results_epoch.csv"
    hub.write_text("benchmark,model_version,score,score_scale\nMMLU,gpt-4,1.7,0-1\n")
    before = run("log", "--json").stdout
    for path, told in (
        (catalog, "Version release date (release_date): '2999-01-01' is outside 1900-2100"),
        # A fraction, read as a percent, is named so: the cell holds 1.5.
        (runs, "Best score (across scorers) as a percent (score): 150.0 is outside the range"),
        (mmlu, "EM (score): 150.0 is outside the range of unit percent"),
        # A fraction is quoted as the file writes it: it was quoted as 170.0.
        (hub, "score: '1.7' is outside 0-1, the row's score_scale"),
    ):
        result = run("import", "--from", "epoch", str(path))
        assert result.exit_code == 1
        assert result.stderr.startswith(f"trendlab: error: {path}:2: {told}"), result.stderr
    runs.write_text(
        "id,task,model,Best score (across scorers)\nrun1,GPQA diamond,gpt-4,high\n",
        encoding="utf-8",
    )
    result = run("import", "--from", "epoch", str(runs))
    assert result.stderr == (
        f"trendlab: error: {runs}:2: Best score (across scorers) as a percent (score): "
        "'high' is not a finite number; nothing was written\n"
    )
    assert run("log", "--json").stdout == before


def test_epoch_a_score_no_double_holds_is_quoted_as_written(run: Run, tmp_path: Path):
    """1e400 reads as infinity: it was quoted as 'inf', a value none of these files holds."""
    files = {
        "benchmark_results_epoch.csv": "benchmark,model_version,score,score_scale\n"
        "MMLU,gpt-4,1e400,0-100\n",
        "external_benchmark_mmlu.csv": "id,EM,Model version\nrec1,1e400,gpt-4\n",
        "benchmarks_runs.csv": "id,task,model,Best score (across scorers)\n"
        "run1,GPQA diamond,gpt-4,1e400\n",
    }
    for name, rows in files.items():
        path = tmp_path / name
        path.write_text(rows, encoding="utf-8")
        result = run("import", "--from", "epoch", str(path))
        assert result.exit_code == 1
        assert "'1e400' is not a finite number; nothing was written" in result.stderr, name


def test_epoch_bad_rows_are_line_numbered_and_nothing_is_written(run_empty: Run, tmp_path: Path):
    assert run_empty("import", "--from", "epoch", str(EPOCH / "model_versions.csv")).exit_code == 0
    bad = tmp_path / "external_benchmark_bbh.csv"
    lines = (EPOCH / "external_benchmark_bbh.csv").read_text(encoding="utf-8-sig").splitlines()
    lines[3] = lines[3].replace("53.4%", "fifty%")
    bad.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    before = run_empty("log", "--json").stdout
    result = run_empty("import", "--from", "epoch", str(bad))
    assert result.exit_code == 1
    # Named as the file names it: its column is Average, read as the result's score.
    assert f"{bad}:4: Average (score): 'fifty%' is not a finite number" in result.stderr
    assert "internal error" not in result.stderr
    assert run_empty("log", "--json").stdout == before
    unknown = tmp_path / "notes.csv"
    unknown.write_text("a,b\n1,2\n")
    result = run_empty("import", "--from", "epoch", str(unknown))
    assert result.exit_code == 1 and "not an Epoch AI benchmark file" in result.stderr
    # Another source's file says so, not how its lines fail to parse as CSV.
    prices = tmp_path / "openai.json"
    prices.write_text('{"vendor": "openai",\n "models": []}')
    result = run_empty("import", "--from", "epoch", str(prices))
    assert result.exit_code == 1
    assert "not an Epoch AI benchmark file (Epoch publishes CSV)" in result.stderr
    # A path that names nothing is the command line's mistake (it exited 1).
    missing = run_empty("import", "--from", "epoch", str(tmp_path / "nope"))
    assert missing.exit_code == 2 and "no such file or folder" in missing.stderr


def test_unresolved_names_fail_with_candidates_or_are_skipped(
    run: Run, tmp_path: Path, on_store: str
):
    path = tmp_path / "external_benchmark_mmlu.csv"
    path.write_text(
        "id,Name,EM,Model version,Shots,Source,Source link,Notes\n"
        "rec1,GPT-4,86.4%,gpt-4-0314,5,A reprint,https://example.org/gpt-4-mmlu,\n"
        "rec2,Mystery,50.0%,gpt-4-03144,5,Somewhere,https://example.org/x,\n"
        "rec3,Nobody,40.0%,,5,Somewhere,https://example.org/y,\n"
        "rec4,Mystery,51.0%,gpt-4-03144,0,Somewhere,https://example.org/x,\n",
        encoding="utf-8",
    )
    before = run("log", "--json").stdout
    result = run("import", "--from", "epoch", str(path))
    assert result.exit_code == 1
    # The file is named, as any import's error names it.
    assert result.stderr.startswith(
        f"trendlab: error: {path}: 2 rows name 1 model this database does not know; "
        "nothing was written\n"
    )
    told = f"{path}:3: unknown model 'gpt-4-03144' (2 rows) (did you mean 'gpt-4',"
    assert told in result.stderr
    assert "--skip-unresolved" in result.stderr
    # The alias add it suggests is this store's: as printed, it added to ./trendlab.duckdb.
    assert f"add the missing names with `{on_store} alias add MODEL NAME`" in result.stderr
    assert run("log", "--json").stdout == before
    result = run("import", "--from", "epoch", str(path), "--skip-unresolved")
    assert result.exit_code == 0, result.stderr
    assert "left out 2 rows naming 1 unknown model:" in result.stderr
    # Listed as the error lists it: where, how many rows, and the nearest names.
    assert f"{path}:3: 'gpt-4-03144' (2 rows) (did you mean 'gpt-4'," in result.stderr
    assert "results: 1 added" in result.stderr
    # gpt-4-0314 is an alias of gpt-4: the result is GPT-4's.
    rows = _rows(run, "list", "results", "--model", "gpt-4", "--benchmark", "mmlu")
    assert any(
        r["source_url"] == "https://arxiv.org/abs/2303.08774" and r["setting"] == "5-shot"
        for r in rows
    )


@pytest.mark.parametrize(
    ("source", "name", "text", "told"),
    [
        (
            "llm-prices",
            "openai.json",
            '{"vendor": "openai", "models": [{"id": "nobody-x", "price_history": '
            '[{"input": -3, "output": "abc", "from_date": "2024-02-30"}]}]}',
            "openai.json:price 1 (nobody-x): from_date (effective_date): '2024-02-30' is not "
            "a date (YYYY-MM-DD); input (input_usd_per_mtok): '-3' must be greater than 0; "
            "output (output_usd_per_mtok): 'abc' is not a finite number; nothing was written",
        ),
        (
            "metr",
            "benchmark_results.yaml",
            "benchmark_name: METR-Horizon-v1.1\nresults:\n  nobody_x:\n"
            "    benchmark_name: METR-Horizon-v1.1\n    metrics:\n"
            "      p50_horizon_length:\n        estimate: abc\n",
            "benchmark_results.yaml:6: estimate (score): 'abc' is not a finite number",
        ),
        (
            "epoch",
            "external_benchmark_mmlu.csv",
            "id,EM,Model version\nrec1,86.4%,gpt-4-0314\nrec2,5x%,nobody-x\n",
            "external_benchmark_mmlu.csv:3: EM (score): '5x%' is not a finite number",
        ),
    ],
)
def test_a_row_left_out_for_its_unknown_model_is_refused_for_its_bad_values(
    run: Run, tmp_path: Path, source: str, name: str, text: str, told: str
):
    """--skip-unresolved left such a row out unjudged: its damaged values passed, exit 0."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    before = run("log", "--json").stdout
    result = run("import", "--from", source, str(path), "--skip-unresolved")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"trendlab: error: {path.parent}/{told}"), result.stderr
    assert "Traceback" not in result.stderr
    assert run("log", "--json").stdout == before


def test_a_row_naming_a_retracted_model_says_it_was_retracted(run_empty: Run, tmp_path: Path):
    """It was called an unknown model, with `alias add` to name it, where the plain
    import of the same price says the model was retracted and to add it again."""
    assert run_empty("add-model", "m-gone", "--release-date", "2024-01-01").exit_code == 0
    retracted = run_empty("retract", "model", "m-gone", "-m", "a duplicate")
    changeset = retracted.stderr.split()[-1]
    path = tmp_path / "historical.json"
    price = {"id": "m-gone", "vendor": "openai", "input": 1, "output": 2}
    path.write_text(json.dumps({"prices": [price | {"from_date": "2024-03-01"}]}))
    told = f"{path}:price 1 (m-gone): model 'm-gone' was retracted in changeset {changeset}"
    result = run_empty("import", "--from", "llm-prices", str(path))
    assert result.exit_code == 1
    # Counted apart, and not sent to `alias add` (the headline and advice said so).
    assert result.stderr == (
        f"trendlab: error: {path}: 1 row names 1 retracted model; nothing was written\n"
        f"  {told}; add it again first\n"
        "  pass --skip-unresolved to import the rest\n"
    ), result.stderr
    skipped = run_empty("import", "--from", "llm-prices", str(path), "--skip-unresolved")
    assert skipped.exit_code == 0, skipped.stderr
    assert f"left out 1 row naming 1 retracted model:\n  {told}\n" in skipped.stderr
    # A name no model has beside it is counted apart, and alias add is for it.
    other = {"id": "nobody-1", "vendor": "openai", "input": 1, "output": 2}
    prices = [p | {"from_date": "2024-03-01"} for p in (price, other)]
    path.write_text(json.dumps({"prices": prices}))
    result = run_empty("import", "--from", "llm-prices", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"trendlab: error: {path}: 2 rows name 1 model this database does not know "
        "and 1 retracted model; nothing was written\n"
    ), result.stderr
    assert "  add the missing names with `trendlab --db" in result.stderr
    skipped = run_empty("import", "--from", "llm-prices", str(path), "--skip-unresolved")
    assert "left out 2 rows naming 1 unknown model and 1 retracted model:" in skipped.stderr


def test_unknown_models_of_a_folder_are_said_of_its_files(run: Run, tmp_path: Path):
    """The first line named no file, and counted a name two files give twice: "3 rows
    name 3 models"."""
    folder = tmp_path / "download"
    folder.mkdir()
    mmlu = folder / "external_benchmark_mmlu.csv"
    mmlu.write_text("id,EM,Model version\nnew1,50%,nobody-1\nnew2,51%,nobody-2\n")
    bbh = folder / "external_benchmark_bbh.csv"
    bbh.write_text("id,Average,Model version\nnew3,50%,nobody-1\n")
    result = run("import", "--from", "epoch", str(folder))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"trendlab: error: {folder}: 3 rows of 2 files name 2 models this database does not "
        f"know; nothing was written\n  {bbh}:2: unknown model 'nobody-1'"
    ), result.stderr
    # One of its files holding them all is that file's error.
    bbh.unlink()
    result = run("import", "--from", "epoch", str(folder))
    assert result.stderr.startswith(
        f"trendlab: error: {mmlu}: 2 rows name 2 models this database does not know; "
    ), result.stderr


@pytest.mark.parametrize(
    ("cells", "settings"),
    [
        (["05", "00"], {"5-shot", "0-shot"}),
        (["5.0", "0.00", ""], {"5-shot", "0-shot", None}),
    ],
)
def test_epoch_shots_with_leading_zeros_or_as_a_float_are_the_count(
    run: Run, tmp_path: Path, cells: list[str], settings: set[str | None]
):
    """Shots 05 is 5 shots: it made the setting '05-shot', a key apart from '5-shot'.
    So is 5.0, as pandas writes a count in a column with empty cells, as a count of
    parameters with a trailing .0 is whole: it was refused as no number of shots."""
    path = tmp_path / "external_benchmark_mmlu.csv"
    rows = "".join(
        f"rec{n},GPT-4,86.{n + 3}%,gpt-4-0314,{cell},A reprint,https://example.org/gpt-4-mmlu,\n"
        for n, cell in enumerate(cells, start=1)
    )
    path.write_text(
        "id,Name,EM,Model version,Shots,Source,Source link,Notes\n" + rows, encoding="utf-8"
    )
    result = run("import", "--from", "epoch", str(path))
    assert result.exit_code == 0, result.stderr
    rows_read = _rows(run, "list", "results", "--model", "gpt-4", "--benchmark", "mmlu")
    found = {r["setting"] for r in rows_read if r["source_url"] == "https://example.org/gpt-4-mmlu"}
    assert found == settings


# -- the seeds --------------------------------------------------------------------------


def test_seeds_hold_minerva_on_math_dated_by_the_paper(run: Run):
    rows = _rows(
        run,
        "query",
        "SELECT date, score, source_url FROM scores WHERE model = 'minerva-540b' AND benchmark = 'math'",
    )
    assert rows == [
        {"date": "2022-06-29", "score": 50.3, "source_url": "https://arxiv.org/abs/2206.14858"}
    ]


def test_seed_counts_match_the_build_report(run: Run):
    report = (Path(__file__).resolve().parent.parent / "seeds" / "REPORT.md").read_text()
    table = report.split("## Results per benchmark")[1].split("## Notes")[0]
    expected = {
        cells[1].strip(): int(cells[2])
        for line in table.splitlines()
        if line.startswith("| ") and not line.startswith("| benchmark") and "---" not in line
        for cells in [line.split("|")]
    }
    counted = {
        r["benchmark"]: r["n"]
        for r in _rows(run, "query", "SELECT benchmark, count(*) AS n FROM results GROUP BY 1")
    }
    assert counted == expected
    assert sum(expected.values()) >= 1500 and len(expected) >= 20


def test_seeds_meet_the_targets_and_pass_check(run: Run):
    (totals,) = _rows(
        run,
        "query",
        "SELECT (SELECT count(*) FROM models) AS models, "
        "(SELECT count(*) FROM models WHERE release_date IS NOT NULL) AS dated, "
        "(SELECT count(*) FROM benchmarks) AS benchmarks, "
        "(SELECT count(*) FROM results) AS results, "
        "(SELECT count(*) FROM results WHERE source_url IS NULL) AS unsourced, "
        "(SELECT count(*) FROM scores WHERE date IS NULL) AS undated, "
        "(SELECT count(*) FROM prices WHERE source_url IS NULL) AS unsourced_prices, "
        "(SELECT count(*) FROM models WHERE source_url IS NULL) AS unsourced_models, "
        "(SELECT count(*) FROM benchmarks WHERE source_url IS NULL) AS unsourced_benchmarks, "
        "(SELECT count(*) FROM aliases WHERE source_url IS NULL) AS unsourced_aliases",
    )
    assert totals["models"] >= 500 and totals["dated"] >= 500
    assert totals["benchmarks"] >= 20 and totals["results"] >= 1500
    assert totals["unsourced"] == 0 and totals["undated"] == 0
    # Every seed row cites its source, a model, benchmark or alias as a result does.
    assert totals["unsourced_prices"] == 0 and totals["unsourced_models"] == 0
    assert totals["unsourced_benchmarks"] == 0 and totals["unsourced_aliases"] == 0
    assert run("check").exit_code == 0


def test_seeds_correct_llama_2_7b_parameters_by_the_paper(run: Run):
    # Epoch AI's Notable AI Models gives Llama 2-7B 70e9 parameters (the 70B model's);
    # seeds/corrections.csv puts the paper's 7B in its place and says so in the notes.
    (row,) = _rows(
        run,
        "query",
        "SELECT parameters, training_compute_flop, notes FROM models WHERE slug = 'llama-2-7b'",
    )
    assert row["parameters"] == 7_000_000_000
    assert row["training_compute_flop"] == 8.4e22
    assert "parameters corrected from 70000000000.0 to 7000000000.0" in row["notes"]
    assert "https://arxiv.org/abs/2307.09288" in row["notes"]
    report = (Path(__file__).resolve().parent.parent / "seeds" / "REPORT.md").read_text()
    assert "llama-2-7b's parameters corrected from 70000000000.0 to 7000000000.0" in report


def test_seeds_date_gemini_2_5_pro_preview_03_25_no_later_than_its_price(run: Run):
    # Epoch's catalog dates gemini-2.5-pro-preview-03-25 2025-04-09, but llm-prices
    # priced that very id from 2025-04-04, the day the Gemini API changelog released it:
    # its price took effect before the model existed. seeds/corrections.csv dates it so.
    (row,) = _rows(
        run,
        "query",
        "SELECT m.release_date, m.notes, p.effective_date FROM models m "
        "JOIN prices p ON p.model = m.slug WHERE m.slug = 'gemini-2.5-pro-preview-03-25'",
    )
    assert row["release_date"] == row["effective_date"] == "2025-04-04"
    assert "release_date corrected from 2025-04-09 to 2025-04-04" in row["notes"]
    assert "https://ai.google.dev/gemini-api/docs/changelog" in row["notes"]


def test_seeds_hold_gpt_2_xl_once_with_epochs_id_as_an_alias(run: Run):
    # Epoch's catalog id gpt2-xl is GPT-2 (1.5B) (OpenAI, 1.5e9 parameters), which the
    # facts hold as gpt-2-1.5b: it was a second model, dated by the weights' release.
    rows = _rows(
        run,
        "query",
        "SELECT slug, release_date, parameters FROM models WHERE slug LIKE 'gpt%2%' "
        "AND parameters = 1.5e9",
    )
    assert rows == [{"slug": "gpt-2-1.5b", "release_date": "2019-02-14", "parameters": 1.5e9}]
    aliases = _rows(run, "query", "SELECT model FROM aliases WHERE alias = 'gpt2-xl'")
    assert aliases == [{"model": "gpt-2-1.5b"}]
    held = _rows(
        run, "query", "SELECT benchmark FROM results WHERE model = 'gpt-2-1.5b' ORDER BY 1"
    )
    assert [r["benchmark"] for r in held] == ["boolq", "math", "metr-time-horizon"]


def test_seeds_hold_qwen_2_5_max_once_by_its_api_snapshot(run: Run):
    # Epoch's catalog has Qwen2.5-Max as qwen2.5-max and as its API model
    # qwen-max-2025-01-25, which Qwen's announcement says are one: two models.
    rows = _rows(run, "query", "SELECT slug FROM models WHERE name = 'Qwen2.5-Max'")
    assert rows == [{"slug": "qwen-max-2025-01-25"}]
    aliases = _rows(run, "query", "SELECT model FROM aliases WHERE alias = 'qwen2.5-max'")
    assert aliases == [{"model": "qwen-max-2025-01-25"}]
    held = _rows(
        run,
        "query",
        "SELECT benchmark FROM results WHERE model = 'qwen-max-2025-01-25' ORDER BY 1",
    )
    assert "livebench" in [r["benchmark"] for r in held]


def test_seeds_hold_gpt_5_1_once_by_its_only_snapshot(run: Run):
    # Epoch's gpt-5.1_high and the price list's gpt-5.1 made a model gpt-5.1 beside
    # the Hub's gpt-5.1-2025-11-13, its only snapshot (as gpt-5 is gpt-5-2025-08-07).
    rows = _rows(run, "query", "SELECT slug FROM models WHERE slug LIKE 'gpt-5.1%' ORDER BY 1")
    assert [r["slug"] for r in rows] == ["gpt-5.1-2025-11-13", "gpt-5.1-codex"]
    held = _rows(
        run,
        "query",
        "SELECT DISTINCT benchmark FROM results WHERE model = 'gpt-5.1-2025-11-13' ORDER BY 1",
    )
    assert {"arc-agi", "livebench", "terminal-bench"} <= {r["benchmark"] for r in held}
    priced = _rows(run, "query", "SELECT model FROM prices WHERE api_model_id = 'gpt-5.1'")
    assert priced == [{"model": "gpt-5.1-2025-11-13"}]


def test_seeds_take_notable_facts_by_name_for_facts_models_only(run: Run):
    # A version's display name is often its family's: Qwen2.5-72B named the base and
    # the instruct model, and both took Notable AI Models' 72.7e9 parameters, which
    # the family rule refuses (a family with several versions is not matched).
    rows = _rows(
        run,
        "query",
        "SELECT slug, parameters, notes FROM models WHERE slug IN "
        "('qwen2.5-72b', 'qwen2.5-72b-instruct', 'yi-34b', 'qwen-vl-max') ORDER BY slug",
    )
    assert [r["slug"] for r in rows] == [
        "qwen-vl-max",
        "qwen2.5-72b",
        "qwen2.5-72b-instruct",
        "yi-34b",
    ]
    assert [r["parameters"] for r in rows] == [None] * 4
    assert not [r["slug"] for r in rows if "Notable AI Models" in (r["notes"] or "")]
    (gpt4,) = _rows(run, "query", "SELECT notes FROM models WHERE slug = 'gpt-4'")
    assert "Notable AI Models" in gpt4["notes"]  # a facts model, matched by its name


def test_seed_notes_never_start_with_a_separator(run: Run):
    """A note joined to none (an adapter's notes with every part empty) is the note
    alone: "; facts from ..." was the join of an empty text and a note."""
    rows = _rows(run, "query", "SELECT slug, notes FROM models WHERE notes IS NOT NULL")
    assert rows and not [
        r["slug"] for r in rows if r["notes"].startswith(("; ", " ")) or not r["notes"]
    ]
    t5 = next(r for r in rows if r["slug"] == "t5-11b")
    assert t5["notes"].startswith("facts from Epoch AI's Notable AI Models")


def _seed_build(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """seeds/build.py as a module (its folder on sys.path, as when run as a script)."""
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    monkeypatch.syspath_prepend(str(seeds))
    spec = importlib.util.spec_from_file_location("seed_build", seeds / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _seed_build_in(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[ModuleType, Path]:
    """seeds/build.py writing to a copy of seeds/ in `tmp_path`, and a copy there of the
    raw data, for a test to break."""
    build = _seed_build(monkeypatch)
    shutil.copytree(build.HERE, tmp_path / "seeds")
    monkeypatch.setattr(build, "HERE", tmp_path / "seeds")
    data = tmp_path / "data"
    shutil.copytree(SHARED, data)
    return build, data


def _correct(build: ModuleType, was: str, slug: str = "m-7b", field: str = "parameters"):
    import polars as pl

    models = pl.DataFrame(
        {
            "slug": ["m-7b", "other"],
            "parameters": ["70000000000.0", "1000"],
            "notes": ["facts from a source", None],
            "__name": ["M 7B", "Other"],
        }
    )
    corrections = pl.DataFrame(
        {
            "slug": [slug],
            "field": [field],
            "was": [was],
            "value": ["7000000000.0"],
            "source_url": ["https://example.org/paper"],
            "reason": ["the paper says 7B"],
        }
    )
    runner = build.Build(Path("unused"))
    return runner.correct(models, corrections), runner.notes


def test_results_a_seed_build_leaves_out_are_refused_each_at_its_own_files_line(
    monkeypatch: pytest.MonkeyPatch,
):
    # Rows of several files: one error names them all, each at its file's line.
    build = _seed_build(monkeypatch)
    left_out = pl.DataFrame(
        {
            "score": ["7x%", "50", "abc"],
            "__source": ["facts/results.csv", "facts/results.csv", "epoch/mmlu.csv"],
            "__line": ["3", "4", "9"],
        }
    )
    with pytest.raises(build.TrendlabError) as refused:
        build._refuse_bad_left_out(left_out)
    assert (refused.value.message, refused.value.details) == (
        "2 bad rows; nothing was written",
        [
            "facts/results.csv:3: score: '7x%' is not a finite number",
            "epoch/mmlu.csv:9: score: 'abc' is not a finite number",
        ],
    )
    with pytest.raises(build.TrendlabError) as refused:
        build._refuse_bad_left_out(left_out.tail(1))
    assert refused.value.message == (
        "epoch/mmlu.csv:9: score: 'abc' is not a finite number; nothing was written"
    )
    build._refuse_bad_left_out(left_out.slice(1, 1))


def test_seed_correction_replaces_the_copied_value_and_says_so(monkeypatch: pytest.MonkeyPatch):
    build = _seed_build(monkeypatch)
    corrected, notes = _correct(build, was="7e10")  # the same number, written otherwise
    assert corrected["parameters"].to_list() == ["7000000000.0", "1000"]
    assert corrected["notes"].to_list() == [
        "facts from a source; parameters corrected from 7e10 to 7000000000.0 "
        "(https://example.org/paper): the paper says 7B",
        None,
    ]
    assert notes == [
        "m-7b's parameters corrected from 7e10 to 7000000000.0 by seeds/corrections.csv "
        "(https://example.org/paper)"
    ]


@pytest.mark.parametrize(
    ("slug", "field", "was", "error"),
    [
        # The source now says something else (fixed upstream): the correction is stale.
        ("m-7b", "parameters", "71000000000.0", "stale: m-7b's parameters is '70000000000.0'"),
        ("m-8b", "parameters", "70000000000.0", "no model 'm-8b'"),
        ("m-7b", "params", "70000000000.0", "no model field 'params'"),
        ("m-7b", "notes", "x", "no model field 'notes'"),
    ],
)
def test_a_seed_correction_that_does_not_fit_stops_the_build(
    monkeypatch: pytest.MonkeyPatch, slug: str, field: str, was: str, error: str
):
    build = _seed_build(monkeypatch)
    with pytest.raises(SystemExit) as stopped:
        _correct(build, was=was, slug=slug, field=field)
    message = str(stopped.value)
    assert message.startswith("seeds/corrections.csv: 1 correction(s) cannot be applied:")
    assert f"seeds/corrections.csv:2: {error}" in message


def test_a_seed_build_missing_its_data_stops_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    # Each was a traceback from whichever reader met the missing file first.
    build = _seed_build(monkeypatch)
    with pytest.raises(SystemExit) as stopped:
        build.main(["--data", str(tmp_path / "nowhere")])
    assert str(stopped.value) == (
        f"--data {tmp_path / 'nowhere'}: no such folder (the raw data the seeds are built from)"
    )
    (tmp_path / "facts.csv").write_text("x\n")
    with pytest.raises(SystemExit) as stopped:  # it said 'no such folder'
        build.main(["--data", str(tmp_path / "facts.csv")])
    assert str(stopped.value) == (
        f"--data {tmp_path / 'facts.csv'}: not a folder; give the folder of the raw data the "
        "seeds are built from (it holds facts/, llm-prices/ ...)"
    )
    (tmp_path / "facts.csv").unlink()
    with pytest.raises(SystemExit) as stopped:  # the last was read, the first ignored
        build.main(["--data", str(tmp_path / "a"), "--data", str(tmp_path / "b")])
    assert str(stopped.value) == (
        f"--data given 2 times ({tmp_path / 'a'}, {tmp_path / 'b'}): the seeds are built from "
        "one folder of raw data"
    )
    (tmp_path / "facts").mkdir()
    for name in build.INPUTS[1:]:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x\n")
    with pytest.raises(SystemExit) as stopped:
        build.main(["--data", str(tmp_path)])
    assert str(stopped.value) == (
        f"--data {tmp_path}: no facts/benchmarks.csv (the raw data the seeds are built from)"
    )


@pytest.mark.parametrize("renamed", [None, "external_benchmark_mmlu_2.csv"])
def test_a_seed_build_missing_a_stitching_file_stops_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, renamed: str | None
):
    # The adapter reads whatever CSVs the folder holds: a file gone was results left
    # out in silence, and a renamed one a new benchmark named after the file.
    build = _seed_build(monkeypatch)
    for name in build.INPUTS:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x\n")
    mmlu = tmp_path / "epoch-benchmark-stitching" / "external_benchmark_mmlu.csv"
    if renamed:
        mmlu.rename(mmlu.with_name(renamed))
    else:
        mmlu.unlink()
    with pytest.raises(SystemExit) as stopped:
        build.main(["--data", str(tmp_path)])
    assert str(stopped.value) == (
        f"--data {tmp_path}: no epoch-benchmark-stitching/external_benchmark_mmlu.csv "
        "(the raw data the seeds are built from)"
    )


def test_a_seed_build_from_an_empty_data_name_stops_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    # --data '' (an unset variable) read the current folder, as Path('') is.
    build = _seed_build(monkeypatch)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        build.main(["--data", ""])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.endswith("error: argument --data: the name is empty\n")


@pytest.mark.skipif(not SHARED.is_dir(), reason="the raw data is not here")
def test_a_seed_build_from_a_damaged_source_names_its_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    # The adapter's one-line error, as an import gives it (it was its traceback).
    build = _seed_build(monkeypatch)
    data = tmp_path / "data"
    shutil.copytree(SHARED, data)
    catalog = data / "epoch-benchmark-stitching" / "model_versions.csv"
    lines = catalog.read_text(encoding="utf-8-sig").split("\n")
    assert lines[41].startswith("gpt2-xl,") and ",2019-11-05," in lines[41]
    lines[41] = lines[41].replace(",2019-11-05,", ",2019-13-05,")
    catalog.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        build.main(["--data", str(data)])
    assert str(stopped.value) == (
        f"{catalog}:42: Version release date (release_date): '2019-13-05' is not a date "
        "(YYYY-MM-DD); nothing was written"
    )


@pytest.mark.skipif(not SHARED.is_dir(), reason="the raw data is not here")
def test_a_seed_build_from_a_stitching_file_with_unknown_columns_names_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    # The adapter passes over a folder's file no reader knows: its results were left
    # out of the seeds in silence (exit 0, MMLU's Epoch rows gone).
    build = _seed_build(monkeypatch)
    data = tmp_path / "data"
    shutil.copytree(SHARED, data)
    mmlu = data / "epoch-benchmark-stitching" / "external_benchmark_mmlu.csv"
    lines = mmlu.read_text(encoding="utf-8-sig").split("\n")
    assert lines[0] == "id,Name,EM,Model version,Shots,Source,Source link,Notes"
    lines[0] = lines[0].replace("Model version", "Model versoin")
    mmlu.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        build.main(["--data", str(data)])
    assert str(stopped.value) == (
        f"{mmlu}: not an Epoch AI benchmark file (columns: id, Name, EM, Model versoin, "
        "Shots, Source, Source link, Notes)"
    )


@pytest.mark.skipif(not SHARED.is_dir(), reason="the raw data is not here")
@pytest.mark.parametrize(
    ("name", "damage", "error"),
    [
        (
            "facts/models.csv",
            lambda text: text.replace(",note\n", ",nota\n", 1),
            ": not the facts' models.csv: missing column(s) note",
        ),
        (
            "llm-prices/api_prices_llm_prices.csv",
            lambda text: text.replace("model_id", "modelid", 1),
            ": not simonw/llm-prices' price history: missing column(s) model_id",
        ),
        (
            "epoch-notable-models/models_epoch_notable.csv",
            lambda text: text.replace("parameters", "params", 1),
            ": not Epoch AI's Notable AI Models: missing column(s) parameters",
        ),
        ("facts/prices.csv", lambda text: "", ": the file is empty"),
        (
            "facts/benchmarks.csv",
            lambda text: text + "a,b,c\n",
            ":11: 3 fields, but the header has 10",
        ),
    ],
)
def test_a_seed_build_from_a_damaged_file_it_reads_itself_stops_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    name: str,
    damage: Callable[[str], str],
    error: str,
):
    # The files the build reads without an adapter were read by Polars: a renamed
    # column, an empty or ragged file was a traceback (ColumnNotFoundError, NoDataError).
    build = _seed_build(monkeypatch)
    data = tmp_path / "data"
    shutil.copytree(SHARED, data)
    path = data / name
    path.write_text(damage(path.read_text(encoding="utf-8-sig")), encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        build.main(["--data", str(data)])
    assert str(stopped.value) == f"{path}{error}"


@pytest.mark.skipif(not SHARED.is_dir(), reason="the raw data is not here")
@pytest.mark.parametrize(
    ("name", "source", "column"),
    [
        ("models.csv", "https://papers.nips.cc/paper/4824-imagenet-classification-with-deep-"
         "convolutional-neural-networks", "source_url"),
        ("benchmarks.csv", "https://arxiv.org/abs/2103.03874", "url"),
        ("prices.csv", "https://openai.com/api/pricing/", "source_url"),
        ("results.csv", "https://arxiv.org/abs/2103.03874", "source_url"),
    ],
)  # fmt: skip
def test_a_seed_build_from_a_fact_without_a_source_stops_at_its_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, source: str, column: str
):
    # Every seed row must cite its source: a fact with none went into the seeds (exit 0).
    build = _seed_build(monkeypatch)
    data = tmp_path / "data"
    shutil.copytree(SHARED, data)
    path = data / "facts" / name
    lines = path.read_text(encoding="utf-8").split("\n")
    assert f",{source}," in lines[1]
    lines[1] = lines[1].replace(f",{source},", ", ,")
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        build.main(["--data", str(data)])
    assert str(stopped.value) == (
        f"{path}:2: no {column}: every seed row must cite its source "
        "(1 row(s) of the file have none)"
    )


@pytest.mark.skipif(not SHARED.is_dir(), reason="the raw data is not here")
def test_a_seed_build_from_two_results_with_one_key_names_both_lines(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    # It printed "two results share a key:" and a table of the keys, with no file or line.
    build = _seed_build(monkeypatch)
    data = tmp_path / "data"
    shutil.copytree(SHARED, data)
    results = data / "facts" / "results.csv"
    text = results.read_text(encoding="utf-8")
    again = text.split("\n")[1]
    assert again.startswith("math,gpt-3-175b,5.2,2021-03-05,few-shot,")
    results.write_text(text + again.replace(",5.2,", ",5.3,") + "\n", encoding="utf-8")
    line = len(text.rstrip("\n").split("\n")) + 1
    with pytest.raises(SystemExit) as stopped:
        build.main(["--data", str(data)])
    assert str(stopped.value) == (
        f"facts/results.csv:{line}: the same result as facts/results.csv:2 (model "
        "'gpt-3-175b', benchmark 'math', setting 'few-shot', source_url "
        "'https://arxiv.org/abs/2103.03874'); two results share a key"
    )


@pytest.mark.skipif(not SHARED.is_dir(), reason="the raw data is not here")
def test_a_seed_build_from_two_facts_benchmarks_with_one_slug_names_both_lines(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    # The second was left out in silence (exit 0), as a copy of the first in Epoch's files.
    build, data = _seed_build_in(monkeypatch, tmp_path)
    benchmarks = data / "facts" / "benchmarks.csv"
    text = benchmarks.read_text(encoding="utf-8")
    assert text.split("\n")[1].startswith("math,MATH,")
    again = "math,MATH again,accuracy,percent,true,0,100,95,https://e.org/math,\n"
    benchmarks.write_text(text + again, encoding="utf-8")
    line = len(text.rstrip("\n").split("\n")) + 1
    with pytest.raises(SystemExit) as stopped:
        build.main(["--data", str(data)])
    assert str(stopped.value) == (
        f"facts/benchmarks.csv:{line}: same slug as line 2; nothing was written"
    )


@pytest.mark.parametrize(
    ("row", "error"),
    [
        (
            "foo,no-such-model,https://e.org,x",
            "alias 'foo' names no model 'no-such-model' (1 curated alias(es) name no model)",
        ),
        (
            "gpt-4,o3,https://e.org,x",
            "alias 'gpt-4' (of 'o3') is also a model's slug (1 alias(es) are)",
        ),
        # It got through: another model's slug in other capitals, which `alias add`
        # refuses and `check` lists, as names resolve ignoring case.
        (
            " GPT-4 ,o3,https://e.org,x",
            "alias ' GPT-4 ' (of 'o3') is also a model's slug ignoring case (1 alias(es) are)",
        ),
        # The second took the alias in silence.
        (
            "gpt4,o3,https://e.org,y",
            "alias 'gpt4' (of 'o3') is given at line 2 too (of 'gpt-4'); an alias has one line",
        ),
        # Its own model's slug, as the seeds' LLaMA-7B of llama-7b is: the same model.
        ("O3,o3,https://e.org,x", None),
    ],
)
def test_a_curated_alias_that_does_not_fit_stops_the_build_at_its_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, row: str, error: str | None
):
    # Each printed a header and a table of the aliases, with no line.
    import polars as pl

    build = _seed_build(monkeypatch)
    path = tmp_path / "curated_aliases.csv"
    path.write_text(
        f"alias,model,source_url,notes\ngpt4,gpt-4,https://e.org,x\n{row}\n", encoding="utf-8"
    )
    curated = build.read_loaded(path, ["alias", "model", "source_url"], "curated aliases")
    models = pl.DataFrame({"slug": ["gpt-4", "o3"]})
    aliases = curated.frame.drop(build.ROW)
    if error is None:
        build.check_aliases(curated, models, aliases)
        return
    with pytest.raises(SystemExit) as stopped:
        build.check_aliases(curated, models, aliases)
    assert str(stopped.value) == f"seeds/curated_aliases.csv:3: {error}"


def test_a_seed_build_that_cannot_write_seeds_stops_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    # Each was a traceback (FileNotFoundError, PermissionError) once everything was built.
    build = _seed_build(monkeypatch)
    monkeypatch.setattr(build, "HERE", tmp_path / "seeds")
    with pytest.raises(SystemExit) as stopped:
        build.check_writable()
    assert str(stopped.value) == (
        f"cannot write in {tmp_path / 'seeds'}: No such file or directory (the build writes "
        "seeds/ and stages its files beside it)"
    )
    (tmp_path / "seeds").mkdir()
    build.check_writable()
    staged = tmp_path / "staged"
    staged.mkdir()
    for name in build.OUTPUTS:
        (staged / name).write_text("new")
    replace = os.replace

    def refused(source: Path, target: Path) -> None:
        if target.name == "aliases.csv":
            raise PermissionError(1, "Operation not permitted")
        replace(source, target)

    monkeypatch.setattr(build.os, "replace", refused)
    with pytest.raises(SystemExit) as stopped:
        build.install(staged)
    assert str(stopped.value) == (
        f"cannot write {tmp_path / 'seeds' / 'aliases.csv'}: Operation not permitted; "
        "benchmarks.csv, models.csv rebuilt, the rest as they were"
    )


@pytest.mark.skipif(not SHARED.is_dir(), reason="the raw data is not here")
def test_a_seed_build_whose_rows_init_refuses_leaves_the_seeds_as_they_were(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    # The CSVs, REPORT.md and UNMATCHED.md were written, then loading them for the
    # forecast cache failed: seeds/ held a results.csv init refuses, beside the old cache.
    build = _seed_build(monkeypatch)
    data = tmp_path / "data"
    shutil.copytree(SHARED, data)
    results = data / "facts" / "results.csv"
    lines = results.read_text(encoding="utf-8").split("\n")
    assert lines[1].startswith("math,gpt-3-175b,5.2,")
    lines[1] = lines[1].replace(",5.2,", ",abc,")
    results.write_text("\n".join(lines), encoding="utf-8")
    written = [p for p in build.HERE.iterdir() if p.suffix in (".csv", ".md", ".jsonl")]
    before = {p.name: p.read_bytes() for p in written}
    with pytest.raises(SystemExit) as stopped:
        build.main(["--data", str(data)])
    assert str(stopped.value) == (
        "facts/results.csv:2: score: 'abc' is not a finite number; nothing was written"
    )
    assert {p.name: p.read_bytes() for p in written} == before
    assert not list(build.HERE.parent.glob(".seeds-build-*"))


@pytest.mark.skipif(not SHARED.is_dir(), reason="the raw data is not here")
def test_a_seed_build_with_rows_init_refuses_names_each_at_its_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    # It said "seeds/results.csv: 2 bad rows; nothing was written" and named neither.
    build, data = _seed_build_in(monkeypatch, tmp_path)
    results = data / "facts" / "results.csv"
    lines = results.read_text(encoding="utf-8").split("\n")
    assert lines[1].startswith("math,gpt-3-175b,5.2,") and ",6.9," in lines[2]
    lines[1] = lines[1].replace(",5.2,", ",abc,")
    lines[2] = lines[2].replace(",6.9,", ",6.9.1,")
    results.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        build.main(["--data", str(data)])
    assert str(stopped.value).split("\n") == [
        "seeds/results.csv: 2 bad rows; nothing was written",
        "  facts/results.csv:2: score: 'abc' is not a finite number",
        "  facts/results.csv:3: score: '6.9.1' is not a finite number",
    ]


@pytest.mark.skipif(not SHARED.is_dir(), reason="the raw data is not here")
@pytest.mark.parametrize(
    ("source", "line", "start", "was", "now", "error"),
    [
        # It named the row's line in the staged prices.csv (seeds/prices.csv:25), a
        # file gone when the build stops, and no line of the seeds it left as they were.
        (
            "llm-prices/api_prices_llm_prices.csv",
            6,
            "anthropic,claude-3-haiku,",
            ",2024-10-16,",
            ",2024-13-40,",
            "effective_date: '2024-13-40' is not a date (YYYY-MM-DD)",
        ),
        # A traceback: the build compared the tracker's prices with the facts' as numbers.
        (
            "llm-prices/api_prices_llm_prices.csv",
            92,
            "openai,gpt-4o-mini,",
            ",0.15,0.6,",
            ",abc,0.6,",
            "input_usd_per_mtok: 'abc' is not a finite number",
        ),
        # Left out for naming no model the seeds hold, its price met no rule: exit 0.
        (
            "llm-prices/api_prices_llm_prices.csv",
            2,
            "amazon,amazon-nova-lite,",
            ",0.06,0.24,",
            ",-0.06,0.24,",
            "input_usd_per_mtok: '-0.06' must be greater than 0",
        ),
        # Minerva's training compute comes from Notable AI Models; damaged there, the
        # error named the line of Minerva in facts/models.csv, which holds no compute.
        (
            "epoch-notable-models/models_epoch_notable.csv",
            707,
            "Minerva (540B),",
            ",2.7415e+24,",
            ",2.7415e+2x4,",
            "training_compute_flop: '2.7415e+2x4' is not a finite number",
        ),
        # Left out for its model, which the seeds lack, its score met no rule (exit 0).
        (
            "epoch-benchmark-stitching/external_benchmark_lambada.csv",
            2,
            "rec2xXtaYsETkAIic,",
            ",70.0%,mpt-7b,",
            ",7x%,zzz-unknown,",
            "score: '7x%' is not a finite number",
        ),
        # Left out as undated (t5-11b has no release date, the row no date), likewise.
        (
            "epoch-benchmark-stitching/external_benchmark_boolq.csv",
            54,
            "rec4qGZsK5ZSaigQY,",
            ",76.1%,T5-11B,",
            ",7x%,T5-11B,",
            "score: '7x%' is not a finite number",
        ),
        # A typo in a fact's model left the result out of the seeds (exit 0), listed in
        # UNMATCHED.md as a source's row naming a model the seeds lack would be.
        (
            "facts/results.csv",
            3,
            "math,gpt-2-1.5b,",
            "math,gpt-2-1.5b,",
            "math,gpt-2-1.5bb,",
            "unknown model 'gpt-2-1.5bb' (did you mean 'gpt-2-1.5b', 'gpt-3-175b' or "
            "'gpt-4.5' (alias of gpt-4.5-preview-2025-02-27)?)",
        ),
        # Undated as well, it was left out as undated, listed in UNMATCHED.md (exit 0).
        (
            "facts/results.csv",
            3,
            "math,gpt-2-1.5b,",
            "math,gpt-2-1.5b,6.9,2021-03-05,",
            "math,gpt-2-1.5bb,6.9,,",
            "unknown model 'gpt-2-1.5bb' (did you mean 'gpt-2-1.5b', 'gpt-3-175b' or "
            "'gpt-4.5' (alias of gpt-4.5-preview-2025-02-27)?)",
        ),
    ],
)
def test_a_seed_row_init_refuses_is_named_at_its_line_of_the_raw_data(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    source: str,
    line: int,
    start: str,
    was: str,
    now: str,
    error: str,
):
    # Staged beside a copy of seeds/: the test beside it looks for no staging folder.
    build, data = _seed_build_in(monkeypatch, tmp_path)
    raw = data / source
    lines = raw.read_text(encoding="utf-8").split("\n")
    assert lines[line - 1].startswith(start) and was in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(was, now)
    raw.write_text("\n".join(lines), encoding="utf-8")
    before = {p.name: p.read_bytes() for p in build.HERE.iterdir()}
    with pytest.raises(SystemExit) as stopped:
        build.main(["--data", str(data)])
    assert str(stopped.value) == f"{source}:{line}: {error}; nothing was written"
    assert {p.name: p.read_bytes() for p in build.HERE.iterdir()} == before


def test_a_first_listing_at_the_facts_prices_is_dated_from_the_facts(
    monkeypatch: pytest.MonkeyPatch,
):
    """A tracker's first listing is only a day the price held: where the facts give
    the API id the same prices from an earlier day, that day is the price's. A later
    listing, other prices, or a date the tracker states keep their own."""
    import polars as pl

    build = _seed_build(monkeypatch)
    facts = pl.DataFrame(
        {
            "provider": ["OpenAI", "OpenAI"],
            "api_model_id": ["text-davinci-003", "gpt-x"],
            "input_usd_per_mtok": ["20", "5"],
            "output_usd_per_mtok": ["20", "15"],
            "effective_date": ["2022-11-28", "2024-01-01"],
            "source_url": ["https://openai.com/api/pricing/", "https://e.org/x"],
        }
    )
    listed = pl.DataFrame(
        {
            "model": ["text-davinci-003", "text-davinci-003", "gpt-x", "gpt-x", "gpt-y"],
            "provider": ["OpenAI"] * 5,
            "api_model_id": ["text-davinci-003", "text-davinci-003", "gpt-x", "gpt-x", "gpt-x"],
            "input_usd_per_mtok": ["20.0", "20.0", "4.0", "5.0", "5.0"],
            "output_usd_per_mtok": ["20.0", "20.0", "15.0", "15.0", "15.0"],
            "effective_date": [
                "2025-11-29",
                "2026-01-01",
                "2024-06-01",
                "2024-09-01",
                "2024-03-01",
            ],
            "notes": [
                f"{build.FIRST_LISTED}; listed as GPT-3 Text Davinci 003; cached input $10/Mtok",
                f"{build.FIRST_LISTED}; listed again",
                f"{build.FIRST_LISTED}; listed as X",
                f"{build.FIRST_LISTED}; back to the facts' price",
                "listed as Y; a from_date the tracker states",
            ],
        }
    )
    dated = build.Build.dated_by_facts(listed, facts)
    assert dated.columns == listed.columns
    assert dated["effective_date"].to_list() == [
        "2022-11-28", "2026-01-01", "2024-06-01", "2024-09-01", "2024-03-01"
    ]  # fmt: skip
    assert dated["notes"][0] == (
        "effective_date is when the facts price text-davinci-003 so "
        "(https://openai.com/api/pricing/); simonw/llm-prices first listed it on 2025-11-29; "
        "listed as GPT-3 Text Davinci 003; cached input $10/Mtok as of 2025-11-29"
    )
    assert dated["notes"][1:].to_list() == listed["notes"][1:].to_list()
    seeds = Path(__file__).resolve().parent.parent / "seeds" / "prices.csv"
    shipped = pl.read_csv(seeds, infer_schema=False).filter(pl.col("model") == "text-davinci-003")
    assert shipped["effective_date"].to_list() == ["2022-11-28"]


def test_a_price_before_its_models_release_is_the_model_its_api_id_then_named(
    monkeypatch: pytest.MonkeyPatch,
):
    """A price is no model's before the model is out. The facts priced GPT-3.5
    (ChatGPT's model, 2022-11-30) from 2022-11-28 by text-davinci-003, a model of its
    own: GPT-3.5's launch price read $20 / $20. The tracker's deepseek-reasoner, the
    model the Hub dates 2025-12-01, was priced from 2025-01-20, when the facts give that
    id to DeepSeek-R1. A snapshot priced under its family keeps its model. A preview
    priced before its release under the id it ships by (gemini-2.5-flash from
    2025-04-17, released 2025-06-17, at the preview's $0.15 / $0.60) and a price by an
    id whose model was not yet out are no model's: left out, as the shipped seeds hold
    no price dated before its model's release."""
    import polars as pl

    from trendlab.aliases import Resolver

    build = _seed_build(monkeypatch)
    released = {
        "gpt-3.5": "2022-11-30",
        "text-davinci-003": "2022-11-28",
        "gpt-3.5-turbo-1106": "2023-11-06",
        "deepseek-r1": "2025-01-20",
        "deepseek-reasoner": "2025-12-01",
        "flash": "2025-06-17",
        "later": "2024-09-01",
    }
    models = pl.DataFrame({"slug": list(released), "release_date": list(released.values())})
    resolver = Resolver.build(list(released), {})
    fact = pl.DataFrame(
        {
            "model": ["gpt-3.5", "gpt-3.5", "deepseek-r1"],
            "provider": ["OpenAI", "OpenAI", "DeepSeek"],
            "api_model_id": ["text-davinci-003", "gpt-3.5-turbo-1106", "deepseek-reasoner"],
            "effective_date": ["2022-11-28", "2023-11-06", "2025-01-20"],
        }
    )
    prices = pl.DataFrame(
        {
            "model": [*fact["model"], "deepseek-reasoner", "flash", "gpt-3.5"],
            "provider": [*fact["provider"], "DeepSeek", "Google", "OpenAI"],
            "api_model_id": [*fact["api_model_id"], "deepseek-reasoner", "flash", "later"],
            "effective_date": [*fact["effective_date"], "2025-01-20", "2025-04-17", "2022-06-01"],
            "notes": [None, None, None, "listed", "listed", None],
            build.PLACE: [f"x:{i}" for i in range(6)],
        }
    )
    runner = build.Build(Path("unused"))
    moved = runner.priced_by_id(prices, fact, resolver, models)
    assert moved.columns == prices.columns
    assert moved["model"].to_list() == ["text-davinci-003", "gpt-3.5", "deepseek-r1", "deepseek-r1"]
    assert moved["notes"][0] == (
        "given as gpt-3.5's price, released 2022-11-30, later; its API id text-davinci-003 "
        "then named text-davinci-003 (a model of its own), released 2022-11-28"
    )
    assert moved["notes"][3] == (
        "listed; given as deepseek-reasoner's price, released 2025-12-01, later; its API id "
        "deepseek-reasoner then named deepseek-r1 (the facts' model of that id), released "
        "2025-01-20"
    )
    assert moved["notes"][[1, 2]].to_list() == [None, None]
    assert [n.split(":")[1] for n in runner.notes] == [
        "0 is text-davinci-003's",
        "3 is deepseek-r1's",
    ]
    assert [(u["source"], u["line"], u["name"]) for u in runner.unmatched] == [
        ("x", "4", "flash"),
        ("x", "5", "gpt-3.5"),
    ]
    assert runner.unmatched[0]["reason"] == (
        "dated before the model's release, by an API id of no model out by then: another "
        "model's price, such as a preview's"
    )
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    shipped = pl.read_csv(seeds / "prices.csv", infer_schema=False)
    gpt_35 = shipped.filter(pl.col("model") == "gpt-3.5")["effective_date"].to_list()
    assert min(gpt_35) == "2023-03-01"
    assert shipped.filter(pl.col("model") == "deepseek-reasoner").is_empty()
    seeded = pl.read_csv(seeds / "models.csv", infer_schema=False)
    early = shipped.join(seeded, left_on="model", right_on="slug").filter(
        pl.col("effective_date") < pl.col("release_date")
    )
    assert early.select("model", "effective_date").rows() == []


def test_the_seeds_readme_dates_the_metr_figures_as_the_seeds_hold_them():
    """seeds/README.md called the seeds' METR results "METR's March 2025 figures", as
    every row cites METR's March 2025 post, but they hold models released months later."""
    import polars as pl

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    readme = " ".join((seeds / "README.md").read_text(encoding="utf-8").split())
    metr = pl.read_csv(seeds / "results.csv", infer_schema=False).filter(
        pl.col("benchmark") == "metr-time-horizon"
    )
    models = pl.read_csv(seeds / "models.csv", infer_schema=False)
    dated = metr.join(models, left_on="model", right_on="slug")
    latest = dt.date.fromisoformat(dated["release_date"].max())
    assert f"released up to {latest:%B %Y}" in readme
    assert "METR's March 2025 figures (" not in readme
    for slug, name in (("gpt-5-2025-08-07", "GPT-5"), ("claude-sonnet-4-5-20250929", "Sonnet 4.5")):
        minutes = round(float(metr.filter(pl.col("model") == slug)["score"].item()))
        assert f"{name}'s {minutes}" in readme


def test_unmatched_report_lists_every_left_out_row():
    text = (Path(__file__).resolve().parent.parent / "seeds" / "UNMATCHED.md").read_text()
    assert "| results | epoch-benchmark-stitching/external_benchmark_arc_agi.csv | 8 |" in text
    assert "no model version" in text and "no model or alias named" in text


# -- aliases ----------------------------------------------------------------------------


def test_alias_add_list_resolve_and_retract(run: Run, tmp_path: Path):
    added = run("alias", "add", "claude-3-opus", "Claude 3 Opus (API)", "-m", "provider name")
    assert added.exit_code == 0, added.stderr
    assert added.stdout.strip() == "Claude 3 Opus (API)"
    listed = _rows(run, "alias", "list", "--model", "claude-3-opus")
    assert {a["alias"] for a in listed} >= {"Claude 3 Opus (API)", "claude-3-opus-20240229"}
    # A plain import resolves names through aliases, case aside.
    path = tmp_path / "results.csv"
    path.write_text(
        "model,benchmark,score,setting,source_url\n"
        "claude 3 opus (api),mmlu,86.8,alias test,https://e.org/a\n"
    )
    result = run("import", str(path))
    assert result.exit_code == 0, result.stderr
    rows = _rows(run, "list", "results", "--model", "claude-3-opus", "--benchmark", "mmlu")
    assert any(r["setting"] == "alias test" for r in rows)
    # An alias cannot be a model's slug, nor name an unknown model.
    clash = run("alias", "add", "gpt-4", "gpt-4o")
    assert clash.exit_code == 1 and "alias 'gpt-4o' is the slug of model gpt-4o" in clash.stderr
    unknown = run("alias", "add", "gpt-44", "whatever")
    assert unknown.exit_code == 1 and "unknown model 'gpt-44'" in unknown.stderr
    # Retracting goes through the normal command; the history keeps it.
    retracted = run("retract", "alias", "Claude 3 Opus (API)", "-m", "not needed")
    assert retracted.exit_code == 0, retracted.stderr
    assert "Claude 3 Opus (API)" not in {a["alias"] for a in _rows(run, "alias", "list")}
    history = _rows(run, "history", "alias", "Claude 3 Opus (API)")
    assert [h["op"] for h in history] == ["insert", "retract"]
    # A model with aliases cannot be retracted before them.
    blocked = run("retract", "model", "deepseek-v3", "-m", "x")
    assert blocked.exit_code == 1 and "aliases" in blocked.stderr


def test_export_and_reimport_aliases(run: Run, run_empty: Run, tmp_path: Path):
    for kind in ("models", "aliases"):
        out = tmp_path / f"{kind}.csv"
        assert run("export", kind, "-o", str(out)).exit_code == 0
        result = run_empty("import", str(out))
        assert result.exit_code == 0, result.stderr
    assert run_empty("export", "aliases").stdout == run("export", "aliases").stdout


# -- llm-prices ---------------------------------------------------------------------------


def test_llm_prices_file_with_a_bom_twice(run: Run, tmp_path: Path):
    """Saved with a byte-order mark, then again: as any JSON import takes it, not json's
    "Unexpected UTF-8 BOM (decode using utf-8-sig)"."""
    path = tmp_path / "openai.json"
    path.write_bytes(b"\xef\xbb\xbf" * 2 + (DATA / "llm-prices" / "openai.json").read_bytes())
    result = run("import", "--from", "llm-prices", str(path), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "BOM" not in result.stderr


def test_llm_prices_vendor_file(run: Run):
    result = run("import", "--from", "llm-prices", str(DATA / "llm-prices" / "openai.json"))
    assert result.exit_code == 0, result.stderr
    listed = _rows(run, "list", "prices", "--model", "gpt-4o")
    prices = {
        (p["effective_date"], p["input_usd_per_mtok"], p["output_usd_per_mtok"]) for p in listed
    }
    # A null from_date means "since the model was first available": its release date.
    assert prices >= {("2024-08-06", 2.5, 10.0), ("2024-05-13", 5.0, 15.0)}
    # The seeds' launch price, from OpenAI's own page, agrees: it keeps its source.
    launch = next(p for p in listed if p["effective_date"] == "2024-05-13")
    assert launch["source_url"] == "https://openai.com/index/hello-gpt-4o/"
    # gpt-4o-mini's price has no from_date: dated by its release, 2024-07-18, where it
    # restates the seeds' price from OpenAI's announcement, which stays as it was.
    mini = _rows(run, "list", "prices", "--model", "gpt-4o-mini")
    (launch,) = [p for p in mini if p["effective_date"] == "2024-07-18"]
    assert (launch["input_usd_per_mtok"], launch["output_usd_per_mtok"]) == (0.15, 0.6)
    assert launch["source_url"].startswith("https://openai.com/index/gpt-4o-mini")
    assert launch["notes"] is None
    again = run("import", "--from", "llm-prices", str(DATA / "llm-prices" / "openai.json"))
    assert "nothing to write" in again.stderr


def test_llm_prices_errors_name_the_files_keys(run: Run, tmp_path: Path):
    """A price with neither side, and a bad vendor, were named by trendlab's fields
    (input_usd_per_mtok, provider), which an llm-prices file does not have."""
    before = run("log", "--json").stdout
    for vendor, sides, told in (
        ("openai", (None, None), "a price needs input (input_usd_per_mtok) or output "
         "(output_usd_per_mtok)"),
        ("open\aai", (1, 2), "vendor (provider): 'open\\x07ai' holds a line break"),
    ):  # fmt: skip
        path = tmp_path / "openai.json"
        price = {"input": sides[0], "output": sides[1], "from_date": "2024-01-01"}
        models = [{"id": "gpt-4o", "name": "GPT-4o", "price_history": [price]}]
        path.write_text(json.dumps({"vendor": vendor, "models": models}))
        result = run("import", "--from", "llm-prices", str(path))
        assert result.exit_code == 1
        assert result.stderr.startswith(f"trendlab: error: {path}:price 1 (gpt-4o): {told}"), (
            result.stderr
        )
    # Every bad price is named, as an import names every bad row, not the first alone.
    history = [
        {"input": True, "output": 2, "from_date": "2024-01-01"},
        {"input": 1, "output": 2, "from_date": 5},
    ]
    models = [{"id": "gpt-4o", "name": "GPT-4o", "price_history": history}]
    path.write_text(json.dumps({"vendor": "openai", "models": models}))
    result = run("import", "--from", "llm-prices", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"trendlab: error: {path}: 2 bad rows; nothing was written",
        f"  {path}:price 1 (gpt-4o): input: expected a number, not true",
        f"  {path}:price 2 (gpt-4o): from_date: expected text, not 5",
    ]
    assert run("log", "--json").stdout == before


def test_an_undated_list_price_never_replaces_a_dated_launch_price(run: Run, tmp_path: Path):
    # As llm-prices lists a model today: a price after a cut (one the database does not
    # hold), with no from_date. Dated by the release it would overwrite the launch price
    # the seeds hold from OpenAI's page; it is left out and listed instead.
    vendor = tmp_path / "openai.json"
    vendor.write_text(
        json.dumps(
            {
                "vendor": "openai",
                "models": [
                    {
                        "id": "gpt-4o",
                        "name": "GPT-4o",
                        "price_history": [{"input": 2, "output": 8, "from_date": None}],
                    }
                ],
            }
        )
    )
    result = run("import", "--from", "llm-prices", str(vendor))
    assert result.exit_code == 0, result.stderr
    assert "undated in the list, and another price is stored from the model's release" in (
        result.stderr
    )
    listed = _rows(run, "list", "prices", "--model", "gpt-4o")
    (launch,) = [p for p in listed if p["effective_date"] == "2024-05-13"]
    assert (launch["input_usd_per_mtok"], launch["output_usd_per_mtok"]) == (5.0, 15.0)
    assert launch["source_url"] == "https://openai.com/index/hello-gpt-4o/"


def test_an_undated_list_price_is_the_stored_price_it_restates(run: Run, tmp_path: Path):
    """A price with no from_date that the database holds, whatever its date, is that
    price: the seeds date llm-prices' undated GPT-4o price by the day the tracker first
    listed it (2024-10-16), and OpenAI's page the same price from 2024-08-06. Dated by
    the model's release it was left out (another price is stored from then) and the
    seeds' copy was listed as not in the file; an undated price matching none was
    added beside the seeds' copy, and that copy listed as missing on every import."""
    history = [{"input": 2.5, "output": 10, "from_date": None}]
    mini = [{"input": 0.15, "output": 0.6, "from_date": None}]
    vendor = tmp_path / "openai.json"
    vendor.write_text(
        json.dumps(
            {
                "vendor": "openai",
                "models": [
                    {"id": "gpt-4o", "name": "GPT-4o", "price_history": history},
                    {"id": "gpt-4o-mini", "name": "GPT-4o mini", "price_history": mini},
                ],
            }
        )
    )
    before = _rows(run, "list", "prices")
    for _ in range(2):
        result = run("import", "--from", "llm-prices", str(vendor), "--list-all")
        assert result.exit_code == 0, result.stderr
        assert "prices: 2 unchanged; nothing to write" in result.stderr
        assert "left out" not in result.stderr
        assert "gpt-4o/OpenAI" not in result.stderr and "gpt-4o-mini/" not in result.stderr
    assert _rows(run, "list", "prices") == before


def test_an_undated_list_price_is_not_the_price_a_dated_row_gives(run_empty: Run, tmp_path: Path):
    """A stored price at a day a dated row of the list gives the model is that row's,
    not an undated row's of the same figures (as llm-prices lists gpt-5.6-luna-272k:
    the seeds date its undated price by the day the tracker first listed it, the day
    of the cut): taking that day, the two rows collided."""
    assert run_empty("add-model", "m-one", "--release-date", "2024-01-01").exit_code == 0
    listed = run_empty(
        "add-price", "m-one", "OpenAI", "2024-06-01", "--input", "1", "--output", "5",
        "--source-url", "https://github.com/simonw/llm-prices",
    )  # fmt: skip
    assert listed.exit_code == 0, listed.stderr
    history = [
        {"input": 1, "output": 5, "from_date": None, "to_date": "2024-06-01"},
        {"input": 0.5, "output": 2, "from_date": "2024-06-01", "to_date": None},
    ]
    vendor = tmp_path / "openai.json"
    vendor.write_text(
        json.dumps(
            {"vendor": "openai", "models": [{"id": "m-one", "name": "x", "price_history": history}]}
        )
    )
    first = run_empty("import", "--from", "llm-prices", str(vendor))
    assert first.exit_code == 0, first.stderr
    prices = _rows(run_empty, "list", "prices")
    assert [(p["effective_date"], p["input_usd_per_mtok"]) for p in prices] == [
        ("2024-01-01", 1.0),
        ("2024-06-01", 0.5),
    ]
    again = run_empty("import", "--from", "llm-prices", str(vendor))
    assert again.exit_code == 0 and "prices: 2 unchanged; nothing to write" in again.stderr, (
        again.stderr
    )
    assert "not in openai.json" not in again.stderr


@pytest.mark.parametrize("release", ["2024-09-01", "2024-08-06"])
def test_an_undated_list_price_that_ended_by_the_release_is_left_out(
    run_empty: Run, tmp_path: Path, release: str
):
    """A price with no from_date whose to_date is on or before its model's release
    date: dated by the release it started after its successor, and became the model's
    current price. Ended on the release day, the day its successor starts, it was
    refused as sharing that day with the successor (`this price gives no from_date:
    dated by m-one's release date`)."""
    assert run_empty("add-model", "m-one", "--release-date", release).exit_code == 0
    history = [
        {"input": 5, "output": 15, "from_date": None, "to_date": "2024-08-06"},
        {"input": 2.5, "output": 10, "from_date": "2024-08-06", "to_date": None},
    ]
    vendor = tmp_path / "openai.json"
    vendor.write_text(
        json.dumps(
            {"vendor": "openai", "models": [{"id": "m-one", "name": "x", "price_history": history}]}
        )
    )
    for _ in range(2):  # and again: nothing changes, nothing is missing
        result = run_empty("import", "--from", "llm-prices", str(vendor))
        assert result.exit_code == 0, result.stderr
        assert (
            f"{vendor}:price 1 (m-one): m-one (undated in the list, and its to_date is not "
            "after the model's release)"
        ) in result.stderr
        assert "not in openai.json" not in result.stderr
    assert "prices: 1 unchanged; nothing to write" in result.stderr
    prices = _rows(run_empty, "list", "prices")
    assert [(p["effective_date"], p["input_usd_per_mtok"]) for p in prices] == [("2024-08-06", 2.5)]


def test_a_list_price_dated_before_its_models_release_is_written_with_a_note(
    run_empty: Run, tmp_path: Path
):
    """import --from says what any import says of a price taking effect before its
    model's release (a year mistyped, the wrong model): it was written in silence."""
    assert run_empty("add-model", "m-one", "--release-date", "2024-06-01").exit_code == 0
    history = [{"input": 2, "output": 8, "from_date": "2024-01-01", "to_date": None}]
    vendor = tmp_path / "openai.json"
    vendor.write_text(
        json.dumps(
            {"vendor": "openai", "models": [{"id": "m-one", "name": "x", "price_history": history}]}
        )
    )
    note = (
        "1 price takes effect before its model's release: m-one on 2024-01-01, released "
        "2024-06-01 (price 1 (m-one)); it is kept, but if the date is mistyped or the model "
        "is the wrong one, correct it"
    )
    # A dry run says what the write would do: it wrote nothing to keep.
    for args, said in ((["--dry-run"], f"had it been written: {note}"), ([], note)):
        result = run_empty("import", "--from", "llm-prices", str(vendor), *args)
        assert result.exit_code == 0, result.stderr
        assert result.stderr.splitlines()[-1] == said, result.stderr
    again = run_empty("import", "--from", "llm-prices", str(vendor))  # nothing new
    assert again.exit_code == 0 and "release" not in again.stderr, again.stderr


@pytest.mark.parametrize(
    ("text", "told"),
    [
        (
            '{"vendor": "openai", "models": [{"id": "gpt-4o", "price_history": '
            '[{"input": 2.5, "input": 3, "output": 10, "from_date": "2024-08-06"}]}]}',
            "openai.json:price 1 (gpt-4o): field 'input' appears twice",
        ),
        (
            '{"vendor": "openai", "models": [{"id": "gpt-4o", "id": "gpt-4", '
            '"price_history": []}]}',
            "openai.json:model 1 (gpt-4): field 'id' appears twice",
        ),
        (
            '{"vendor": "openai", "vendor": "xai", "models": []}',
            "openai.json: field 'vendor' appears twice",
        ),
        (
            '{"prices": [{"id": "o3", "vendor": "openai", "input": 2, "output": 8, '
            '"from_date": "2025-06-10", "from_date": "2025-06-11"}]}',
            "openai.json:price 1 (o3): field 'from_date' appears twice",
        ),
    ],
)
def test_a_field_a_list_gives_twice_is_an_error(run: Run, tmp_path: Path, text: str, told: str):
    """json.loads keeps the last of a repeated field: a price given two inputs was
    written with the second, in silence, where trendlab's own JSON refuses the record."""
    vendor = tmp_path / "openai.json"
    vendor.write_text(text)
    assert_refused(
        run,
        ["import", "--from", "llm-prices", str(vendor)],
        stderr=[f"trendlab: error: {tmp_path}/{told}; nothing was written"],
    )


def test_a_vendor_files_model_that_is_no_object_is_named_once(run: Run, tmp_path: Path):
    """A model given as text was named by its place twice: 'model 2 (model 2)'."""
    vendor = tmp_path / "openai.json"
    vendor.write_text(
        '{"vendor": "openai", "models": [{"id": "gpt-4o", "price_history": []}, "x"]}'
    )
    result = run("import", "--from", "llm-prices", str(vendor))
    assert result.exit_code == 1, result.stderr
    assert result.stderr == (
        f"trendlab: error: {vendor}: model 2: expected an object, not 'x'; nothing was written\n"
    )


def test_a_price_list_names_every_model_and_price_it_cannot_read_in_one_run(
    run: Run, tmp_path: Path
):
    """A model or price of the wrong shape stopped the import there: the price without
    an id before it, and every one after it, were named only once it was fixed."""
    vendor = tmp_path / "openai.json"
    vendor.write_text(
        '{"vendor": "openai", "models": ['
        '{"price_history": [{"input": 1, "output": 2, "from_date": "2024-01-01"}]}, '
        '{"id": "gpt-4o", "price_history": 5}, '
        '{"id": "o1", "price_history": [7, {"input": 1, "input": 2, "output": 3}]}, '
        '{"id": "o3", "price_history": [{"input": 1, "output": 2, "to_date": "soon"}]}]}'
    )
    # Each price by its place among the file's prices, as when it is the only one.
    assert_refused(
        run,
        ["import", "--from", "llm-prices", str(vendor)],
        stderr=[
            f"trendlab: error: {vendor}: 5 bad rows; nothing was written",
            f"  {vendor}:price 1 (null): a price needs an id and a vendor",
            f"  {vendor}: model 2 (gpt-4o): expected a price_history list",
            f"  {vendor}: model 3 (o1): price_history: expected objects, not 7",
            f"  {vendor}:price 3 (o1): field 'input' appears twice",
            f"  {vendor}:price 4 (o3): to_date: 'soon' is not a date (YYYY-MM-DD)",
        ],
    )
    historical = tmp_path / "historical.json"
    historical.write_text(
        '{"prices": [5, {"id": "o1", "vendor": "openai", "vendor": "xai"}, '
        '{"vendor": "openai", "input": 1, "output": 2}]}'
    )
    assert_refused(
        run,
        ["import", "--from", "llm-prices", str(historical)],
        stderr=[
            f"trendlab: error: {historical}: 3 bad rows; nothing was written",
            f"  {historical}: price 1: expected an object, not 5",
            f"  {historical}:price 2 (o1): field 'vendor' appears twice",
            f"  {historical}:price 3 (null): a price needs an id and a vendor",
        ],
    )


def test_a_price_list_names_its_prices_problems_and_bad_figures_in_one_run(
    run: Run, tmp_path: Path
):
    """A bad input or from_date was named only once every to_date and such was fixed."""
    vendor = tmp_path / "openai.json"
    vendor.write_text(
        '{"vendor": "openai", "models": ['
        '{"id": "gpt-4", "price_history": [{"input": 30, "output": 60, '
        '"from_date": "2023-03-14", "to_date": "soon"}]}, '
        '{"id": "gpt-4o", "price_history": [{"input": "x", "output": 15, "from_date": null}, '
        '{"input": 5, "output": 15, "from_date": "2024-02-30"}]}]}'
    )
    result = run("import", "--from", "llm-prices", str(vendor))
    assert result.exit_code == 1, result.stderr
    assert result.stderr.splitlines() == [
        f"trendlab: error: {vendor}: 3 bad rows; nothing was written",
        f"  {vendor}:price 1 (gpt-4): to_date: 'soon' is not a date (YYYY-MM-DD)",
        f"  {vendor}:price 2 (gpt-4o): input (input_usd_per_mtok): 'x' is not a finite number",
        f"  {vendor}:price 3 (gpt-4o): from_date (effective_date): '2024-02-30' is not a date "
        "(YYYY-MM-DD)",
    ]


@pytest.mark.parametrize(
    ("written", "told"),
    [
        ("1e400", "input (input_usd_per_mtok): '1e400' is not a finite number"),
        (
            "1e-400",
            "input (input_usd_per_mtok): '1e-400' is too close to 0 to store: it would be "
            "stored as 0",
        ),
        ("-Infinity", "input (input_usd_per_mtok): '-Infinity' is not a finite number"),
    ],
)
def test_a_list_price_no_double_holds_is_quoted_as_written(
    run: Run, tmp_path: Path, written: str, told: str
):
    """A price's figure is quoted as the list writes it, as a CSV cell's is: read as a
    float first, 1e400 was quoted as 'inf' and 1e-400 as '0.0', neither in the file."""
    vendor = tmp_path / "openai.json"
    vendor.write_text(
        '{"vendor": "openai", "models": [{"id": "gpt-4o", "price_history": '
        f'[{{"input": {written}, "output": 10, "from_date": "2024-08-06"}}]}}]}}'
    )
    result = run("import", "--from", "llm-prices", str(vendor))
    assert result.exit_code == 1, result.stderr
    assert result.stderr == (
        f"trendlab: error: {vendor}:price 1 (gpt-4o): {told}; nothing was written\n"
    )


def test_a_list_prices_notes_hold_its_values_without_spaces_around_them(run: Run, tmp_path: Path):
    """The notes quote the name, cached price and to_date as the other fields are read,
    stripped: they read 'listed as  GPT-4o  mini ; cached input $ 1.5 /Mtok; until
    2025-09-01 ' (the date read for the check stripped, the one noted not)."""
    vendor = tmp_path / "openai.json"
    price = {"input": 2.7, "output": 10, "from_date": "2025-01-06"}
    price |= {"to_date": " 2025-09-01 ", "input_cached": " 1.5 "}
    vendor.write_text(
        json.dumps(
            {
                "vendor": "openai",
                "models": [{"id": "gpt-4o", "name": " GPT-4o  mini ", "price_history": [price]}],
            }
        )
    )
    result = run("import", "--from", "llm-prices", str(vendor))
    assert result.exit_code == 0, result.stderr
    shown = _rows(run, "show", "price", "gpt-4o/OpenAI/2025-01-06")
    assert shown["notes"] == "listed as GPT-4o mini; cached input $1.5/Mtok; until 2025-09-01"
    # A number is noted as Python writes it, as the notes always read (1.250 as 1.25).
    later = {"input": 2.5, "output": 10, "from_date": "2025-10-01", "input_cached": "@"}
    vendor.write_text(
        json.dumps(
            {"vendor": "openai", "models": [{"id": "gpt-4o", "price_history": [later]}]}
        ).replace('"@"', "1.250")
    )
    assert run("import", "--from", "llm-prices", str(vendor)).exit_code == 0
    noted = _rows(run, "show", "price", "gpt-4o/OpenAI/2025-10-01")["notes"]
    assert noted == "cached input $1.25/Mtok"


def test_a_list_that_ends_its_own_price_since_gives_it_its_end_on_a_reimport(
    run: Run, tmp_path: Path
):
    """A later version of a list ends a price it gave with no to_date: a re-import notes
    the end on the price the list gave (its other fields kept). A restatement kept the
    stored notes, so the price read as current with no word of its end; one citing
    another source keeps its notes (test_adapter_merge: an aggregator restating)."""
    vendor = tmp_path / "openai.json"
    launch = {"input": 3, "output": 12, "from_date": "2025-01-06", "to_date": None}
    models = [{"id": "gpt-4o", "name": "GPT-4o", "price_history": [launch]}]
    vendor.write_text(json.dumps({"vendor": "openai", "models": models}))
    assert run("import", "--from", "llm-prices", str(vendor)).exit_code == 0
    cut = {"input": 2, "output": 8, "from_date": "2025-03-01", "to_date": None}
    models[0]["price_history"] = [cut, launch | {"to_date": "2025-03-01"}]
    vendor.write_text(json.dumps({"vendor": "openai", "models": models}))
    result = run("import", "--from", "llm-prices", str(vendor))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1].startswith("prices: 1 added, 1 updated"), result.stderr
    shown = _rows(run, "show", "price", "gpt-4o/OpenAI/2025-01-06")
    assert (shown["input_usd_per_mtok"], shown["notes"]) == (
        3.0,
        "listed as GPT-4o; until 2025-03-01",
    )
    again = run("import", "--from", "llm-prices", str(vendor))
    assert again.stderr.splitlines()[-1] == "prices: 2 unchanged; nothing to write", again.stderr
    # An end the list moves is moved: the old one kept was read as the list's word.
    models[0]["price_history"] = [cut | {"to_date": ""}, launch | {"to_date": "2025-04-01"}]
    vendor.write_text(json.dumps({"vendor": "openai", "models": models}))
    moved = run("import", "--from", "llm-prices", str(vendor))
    assert moved.stderr.splitlines()[-1].startswith("prices: 1 updated, 1 unchanged"), moved.stderr
    shown = _rows(run, "show", "price", "gpt-4o/OpenAI/2025-01-06")
    assert shown["notes"] == "listed as GPT-4o; until 2025-04-01"
    # An empty to_date is no end: the cut's notes gained '; until', once per re-import.
    assert _rows(run, "show", "price", "gpt-4o/OpenAI/2025-03-01")["notes"] == "listed as GPT-4o"
    again = run("import", "--from", "llm-prices", str(vendor))
    assert again.stderr.splitlines()[-1] == "prices: 2 unchanged; nothing to write", again.stderr
    # An end the list takes back is taken from the notes too.
    models[0]["price_history"] = [cut, launch]
    vendor.write_text(json.dumps({"vendor": "openai", "models": models}))
    assert run("import", "--from", "llm-prices", str(vendor)).exit_code == 0
    shown = _rows(run, "show", "price", "gpt-4o/OpenAI/2025-01-06")
    assert shown["notes"] == "listed as GPT-4o"
    # A price of no notes (no name in the list) ended: its notes are the end alone.
    bare = {"input": 30, "output": 60, "from_date": "2025-06-01", "to_date": None}
    models[0] = {"id": "gpt-4", "price_history": [bare]}
    vendor.write_text(json.dumps({"vendor": "openai", "models": models}))
    assert run("import", "--from", "llm-prices", str(vendor)).exit_code == 0
    models[0]["price_history"] = [bare | {"to_date": "2025-07-01"}]
    vendor.write_text(json.dumps({"vendor": "openai", "models": models}))
    assert run("import", "--from", "llm-prices", str(vendor)).exit_code == 0
    notes = _rows(run, "show", "price", "gpt-4/OpenAI/2025-06-01")["notes"]
    assert notes == "until 2025-07-01"


def test_a_list_s_own_price_with_its_url_spelled_otherwise_takes_its_end_back(
    run: Run, tmp_path: Path
):
    """A price of the list's whose source URL is stored ending in a slash
    (https://github.com/simonw/llm-prices/, one source to the write) was taken for
    another source's: a list that took its end back left 'until ...' in its notes."""
    vendor = tmp_path / "openai.json"
    launch = {"input": 3, "output": 12, "from_date": "2025-01-06", "to_date": "2025-03-01"}
    models = [{"id": "gpt-4o", "name": "GPT-4o", "price_history": [launch]}]
    vendor.write_text(json.dumps({"vendor": "openai", "models": models}))
    assert run("import", "--from", "llm-prices", str(vendor)).exit_code == 0
    key = "gpt-4o/OpenAI/2025-01-06"
    assert _rows(run, "show", "price", key)["notes"] == "listed as GPT-4o; until 2025-03-01"
    url = "source_url=https://github.com/simonw/llm-prices/"
    assert run("edit", "price", key, "--set", url, "-m", "t").exit_code == 0
    models[0]["price_history"] = [launch | {"to_date": None}]
    vendor.write_text(json.dumps({"vendor": "openai", "models": models}))
    result = run("import", "--from", "llm-prices", str(vendor))
    assert result.exit_code == 0, result.stderr
    assert _rows(run, "show", "price", key)["notes"] == "listed as GPT-4o"


def test_a_list_that_changes_a_cached_price_since_notes_it_on_a_reimport(run: Run, tmp_path: Path):
    """A later version of a list gives a price another cached input price: a re-import
    notes the list's figure on the price (its end too). A restatement kept the stored
    notes, which went on quoting the old figure, as 'unchanged'. A list that gives no
    cached price (historical.json has no field for it) leaves the one noted."""
    vendor = tmp_path / "openai.json"
    launch = {"input": 3, "output": 12, "input_cached": 1.5, "from_date": "2025-01-06"}
    models = [{"id": "gpt-4o", "name": "GPT-4o", "price_history": [launch]}]
    vendor.write_text(json.dumps({"vendor": "openai", "models": models}))
    assert run("import", "--from", "llm-prices", str(vendor)).exit_code == 0
    models[0]["price_history"] = [launch | {"input_cached": 0.75, "to_date": "2025-03-01"}]
    vendor.write_text(json.dumps({"vendor": "openai", "models": models}))
    result = run("import", "--from", "llm-prices", str(vendor))
    assert result.stderr.splitlines()[-1].startswith("prices: 1 updated"), result.stderr
    shown = _rows(run, "show", "price", "gpt-4o/OpenAI/2025-01-06")
    assert shown["notes"] == "listed as GPT-4o; cached input $0.75/Mtok; until 2025-03-01"
    again = run("import", "--from", "llm-prices", str(vendor))
    assert again.stderr.splitlines()[-1] == "prices: 1 unchanged; nothing to write", again.stderr
    del models[0]["price_history"][0]["input_cached"]
    vendor.write_text(json.dumps({"vendor": "openai", "models": models}))
    again = run("import", "--from", "llm-prices", str(vendor))
    assert again.stderr.splitlines()[-1] == "prices: 1 unchanged; nothing to write", again.stderr


def test_two_list_prices_on_one_day_are_named_as_the_list_gives_them(
    run_empty: Run, tmp_path: Path
):
    """Two prices of one model on one day were refused as `same model, provider,
    effective_date`, fields the list does not have, and a date it does not give where
    the day was the model's release date."""
    assert run_empty("add-model", "m-one", "--release-date", "2024-01-01").exit_code == 0
    before = run_empty("log", "--json").stdout
    vendor = tmp_path / "openai.json"
    for history, told in (
        (
            [{"input": 1, "output": 5, "from_date": None}, {"input": 2, "output": 6}],
            "price 2 (m-one): same id (model), vendor (provider) and effective_date "
            "(2024-01-01) as price 1 (m-one): neither gives a from_date: both are dated by "
            "m-one's release date; give them their from_date; nothing was written",
        ),
        (
            [{"input": 1, "output": 5, "from_date": "2024-01-01"}, {"input": 2, "output": 6}],
            "price 2 (m-one): same id (model), vendor (provider) and effective_date "
            "(2024-01-01) as price 1 (m-one): this price gives no from_date: dated by "
            "m-one's release date; give it its from_date; nothing was written",
        ),
        (
            [
                {"input": 1, "output": 5, "from_date": "2024-02-01"},
                {"input": 2, "output": 6, "from_date": "2024-02-01"},
            ],
            "price 2 (m-one): same id (model), vendor (provider), from_date (effective_date) "
            "as price 1 (m-one); nothing was written",
        ),
    ):
        models = [{"id": "m-one", "name": "x", "price_history": history}]
        vendor.write_text(json.dumps({"vendor": "openai", "models": models}))
        result = run_empty("import", "--from", "llm-prices", str(vendor))
        assert result.exit_code == 1
        assert result.stderr == f"trendlab: error: {vendor}:{told}\n", result.stderr
    assert run_empty("log", "--json").stdout == before
    # Two undated rows restating one stored price.
    added = run_empty("add-price", "m-one", "OpenAI", "2024-03-01", "--input", "1")
    assert added.exit_code == 0, added.stderr
    twice = [{"input": 1, "output": None, "from_date": None}] * 2
    models = [{"id": "m-one", "name": "x", "price_history": twice}]
    vendor.write_text(json.dumps({"vendor": "openai", "models": models}))
    result = run_empty("import", "--from", "llm-prices", str(vendor))
    assert result.exit_code == 1
    assert (
        "effective_date (2024-03-01) as price 1 (m-one): neither gives a from_date: both are "
        "dated by a stored price of the same figures; give them their from_date"
    ) in result.stderr


def test_a_price_named_by_an_alias_is_found_again_on_the_next_import(run: Run, tmp_path: Path):
    # Named by an alias (as price lists name models) and dated by its model's release:
    # the second import holds it, so it is not among the records the file lacks.
    vendor = tmp_path / "openai.json"
    history = [{"input": 1.5, "output": 2, "from_date": None}]
    vendor.write_text(
        json.dumps(
            {
                "vendor": "openai",
                "models": [{"id": "gpt_3_5_turbo_instruct", "name": "x", "price_history": history}],
            }
        )
    )
    first = run("import", "--from", "llm-prices", str(vendor))
    assert first.exit_code == 0 and "prices: 1 added" in first.stderr, first.stderr
    again = run("import", "--from", "llm-prices", str(vendor))
    assert again.exit_code == 0 and "gpt-3.5-turbo-instruct/OpenAI" not in again.stderr, (
        again.stderr
    )


def test_llm_prices_historical_file_resolves_price_list_ids(run: Run):
    result = run("import", "--from", "llm-prices", str(DATA / "llm-prices" / "historical.json"))
    assert result.exit_code == 0, result.stderr
    o3 = _rows(run, "list", "prices", "--model", "o3-2025-04-16")
    assert {(p["effective_date"], p["input_usd_per_mtok"]) for p in o3} >= {
        ("2025-04-16", 10.0),
        ("2025-06-10", 2.0),
    }
    assert all(p["provider"] == "OpenAI" and p["api_model_id"] == "o3" for p in o3)


def test_llm_prices_current_file_is_refused(run: Run, tmp_path: Path):
    """current.json gives no date a price took effect: dated by the model's release it
    would rewrite the seeded launch price with today's, dated by the list's build it
    would add a record each build. It is refused, pointing at the dated files."""
    current = tmp_path / "current.json"
    price = {"id": "gpt-4o", "vendor": "openai", "name": "GPT-4o", "input": 2.5, "output": 10}
    current.write_text(json.dumps({"updated_at": "2025-11-30", "prices": [price]}))
    assert_refused(
        run,
        ["import", "--from", "llm-prices", str(current)],
        stderr=[
            f"trendlab: error: {current}: a current.json lists today's prices without the date "
            "each took effect; import historical.json or the vendor files in data/, which date "
            "every price; nothing was written"
        ],
    )


def test_llm_prices_errors(run: Run, tmp_path: Path, on_store: str):
    broken = tmp_path / "openai.json"
    broken.write_text('{"vendor": "openai", "models": [\n  {"id": "gpt-4o",\n')
    result = run("import", "--from", "llm-prices", str(broken))
    assert result.exit_code == 1 and f"{broken}:3: invalid JSON" in result.stderr
    # A tab typed into a name: Python's words end in "at", the column is said after them.
    line = '  {"id": "gpt-4o", "name": "GPT\t4o"}'
    broken.write_text('{"vendor": "openai", "models": [\n' + line + "\n]}")
    result = run("import", "--from", "llm-prices", str(broken))
    assert result.stderr == (
        f"trendlab: error: {broken}:2: invalid JSON: Invalid control character at column "
        f"{line.index(chr(9)) + 1}; nothing was written\n"
    )
    # As any import says it: it was "openai.json:1: invalid JSON: Expecting value".
    for blank in ("", "\ufeff \n"):
        broken.write_text(blank, encoding="utf-8")
        result = run("import", "--from", "llm-prices", str(broken))
        assert result.stderr == (
            f"trendlab: error: {broken}: the file is empty; nothing was written\n"
        )
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"something": []}')
    result = run("import", "--from", "llm-prices", str(wrong))
    assert result.exit_code == 1 and "not an llm-prices file" in result.stderr
    flattened = tmp_path / "api_prices.csv"
    flattened.write_text("vendor,model_id\nopenai,gpt-4o\n")
    result = run("import", "--from", "llm-prices", str(flattened))
    assert result.exit_code == 1 and "not an llm-prices file (the project publishes JSON" in (
        result.stderr
    )

    def vendor_file(name: str, price: dict) -> Path:
        path = tmp_path / f"{name}.json"
        models = [{"id": name, "name": name, "price_history": [price]}]
        path.write_text(json.dumps({"vendor": "openai", "models": models}))
        return path

    bad = vendor_file("gpt-4o", {"input": "cheap", "output": 1, "from_date": "2025-01-01"})
    result = run("import", "--from", "llm-prices", str(bad))
    assert result.exit_code == 1
    assert "price 1 (gpt-4o): input (input_usd_per_mtok): 'cheap' is not a finite number" in (
        result.stderr
    )
    # A long id names its price quoted by its start and length, as a value is, not cut.
    price = {"input": 1, "output": 1, "input_cached": "free", "from_date": "2025-01-01"}
    result = run("import", "--from", "llm-prices", str(vendor_file("g" * 100, price)))
    assert f"price 1 ('{'g' * 60}'... (100 characters)): input_cached: 'free' is " in (
        result.stderr
    )
    unknown = vendor_file("gpt-9", {"input": 1, "output": 1, "from_date": "2025-01-01"})
    result = run("import", "--from", "llm-prices", str(unknown))
    assert result.exit_code == 1
    assert "price 1 (gpt-9): unknown model 'gpt-9'" in result.stderr
    # The cached price goes only to the notes, where nothing else would check it.
    for cached, why in (
        ("free", "is not a finite number"),
        ("8_0", "is not a finite number"),  # float() reads it, as no price is written
        (-1, "must be at least 0"),
    ):
        price = {"input": 1, "output": 1, "input_cached": cached, "from_date": "2025-01-01"}
        result = run("import", "--from", "llm-prices", str(vendor_file("gpt-4o", price)))
        assert result.exit_code == 1
        assert f"price 1 (gpt-4o): input_cached: '{cached}' {why}" in result.stderr
    # A long figure, and a long to_date, are quoted by their start and length: cut at 40
    # characters, 1e400 written out read as a finite number of 37 digits.
    for field, given, why in (
        ("input_cached", 10**400, "is not a finite number"),
        ("to_date", "x" * 100, "is not a date (YYYY-MM-DD)"),
    ):
        price = {"input": 1, "output": 1, "from_date": "2025-01-01", field: given}
        result = run("import", "--from", "llm-prices", str(vendor_file("gpt-4o", price)))
        written = str(given)
        assert result.stderr == (
            f"trendlab: error: {tmp_path / 'gpt-4o.json'}:price 1 (gpt-4o): {field}: "
            f"'{written[:60]}'... ({len(written)} characters) {why}; nothing was written\n"
        )
    # An undated price takes its model's release date: one with none is said to lack it.
    undated = vendor_file("davinci-002", {"input": 2, "output": 2, "from_date": None})
    assert _rows(run, "show", "model", "davinci-002")["release_date"] is None
    result = run("import", "--from", "llm-prices", str(undated))
    assert result.exit_code == 1
    assert result.stderr == (
        f"trendlab: error: {undated}:price 1 (davinci-002): from_date: none given, and "
        "davinci-002 has no release date to date the price by; give the price its from_date "
        f"or the model a release date ({on_store} edit model davinci-002 --set "
        "release_date=YYYY-MM-DD); nothing was written\n"
    )
    assert not _rows(run, "prices", "--model", "davinci-002")


# -- metr -----------------------------------------------------------------------------------


def test_metr_yaml(run: Run):
    path = DATA / "metr" / "benchmark_results.yaml"
    # A dry run creates nothing, and says what it would create, not what it did.
    dry = run("import", "--from", "metr", str(path), "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert (
        "new benchmarks the import would create (floor and ceiling unknown): "
        "metr-time-horizon-p80\n" in dry.stderr
    ), dry.stderr
    assert "set them with" not in dry.stderr
    assert run("show", "benchmark", "metr-time-horizon-p80").exit_code == 1
    result = run("import", "--from", "metr", str(path))
    assert result.exit_code == 0, result.stderr
    assert "new benchmarks" in result.stderr and "metr-time-horizon-p80" in result.stderr
    url = "https://metr.org/assets/benchmark_results_1_1.yaml"
    p50 = [
        r
        for r in _rows(run, "list", "results", "--benchmark", "metr-time-horizon")
        if r["source_url"] == url
    ]
    assert {(r["model"], r["score"], r["setting"]) for r in p50} == {
        ("gpt-4", 3.5, "METR-Horizon-v1.1"),
        ("claude-3-7-sonnet-20250219", 60.0, "METR-Horizon-v1.1; inspect"),
    }
    assert "95% CI 1.5-7.0 minutes" in next(r for r in p50 if r["model"] == "gpt-4")["notes"]
    p80 = _rows(run, "list", "results", "--benchmark", "metr-time-horizon-p80")
    assert [(r["model"], r["score"]) for r in p80] == [("gpt-4", 0.6)]
    assert _rows(run, "show", "benchmark", "metr-time-horizon-p80")["unit"] == "minutes"


def test_metr_lists_the_stored_horizons_of_a_benchmark_the_file_drops(
    run: Run, tmp_path: Path, on_store: str
):
    """Every entry of a METR file holds both horizons: a newer file without any 80%
    horizon lists the stored one as not in it, as it lists a dropped 50% one (it was
    not listed: only benchmarks the file still had rows of were looked at)."""
    text = (DATA / "metr" / "benchmark_results.yaml").read_text()
    assert (
        run("import", "--from", "metr", str(DATA / "metr" / "benchmark_results.yaml")).exit_code
        == 0
    )
    p80 = "      p80_horizon_length:\n        ci_high: 1.5\n        ci_low: 0.2\n"
    p80 += "        estimate: 0.6\n"
    assert p80 in text
    path = tmp_path / "benchmark_results.yaml"
    path.write_text(text.replace(p80, ""))
    result = run("import", "--from", "metr", str(path), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert (
        "1 result in the database from this source is not in benchmark_results.yaml "
        f"(not retracted; check it with `{on_store} history`, retract with `{on_store} retract`):\n"
        "  gpt-4/metr-time-horizon-p80/METR-Horizon-v1.1\n"
    ) in result.stderr


def test_metr_dates_a_model_the_database_holds_undated(run: Run, tmp_path: Path):
    """METR gives each model's release date: a model the database holds without one
    takes it, as the Hub's catalog dates one (merge rule 5), and its results are
    dated by it. Its results were left out as "the model has no release date and the
    source states no date", though the file states it."""
    text = (DATA / "metr" / "benchmark_results.yaml").read_text()
    # davinci_002, a seeded alias of davinci-002, which the seeds leave undated; twice,
    # as METR gives a model with each harness, with one release date.
    entry = (
        "  davinci_002{}:\n    metrics:\n      p50_horizon_length:\n"
        "        estimate: {}\n    release_date: {}\n"
    )
    both = entry.format("", "0.05", "2023-08-22") + entry.format("_inspect", "0.06", "{}")
    path = tmp_path / "benchmark_results.yaml"
    path.write_text(text.replace("results:\n", "results:\n" + both.format("2023-08-21")))
    before = run("log", "--json").stdout
    result = run("import", "--from", "metr", str(path))
    assert (result.exit_code, result.stderr) == (
        1,
        f"trendlab: error: {path}:15: release date 2023-08-21 of davinci-002, which "
        f"{path}:10 gives as 2023-08-22; nothing was written\n",
    )
    assert run("log", "--json").stdout == before
    path.write_text(text.replace("results:\n", "results:\n" + both.format("2023-08-22")))
    result = run("import", "--from", "metr", str(path))
    assert result.exit_code == 0, result.stderr
    assert "left out" not in result.stderr and "models: 1 updated" in result.stderr
    assert _rows(run, "show", "model", "davinci-002")["release_date"] == "2023-08-22"
    scores = _rows(run, "list", "results", "--model", "davinci-002")
    assert sorted((r["score"], r["reported_date"]) for r in scores) == [(0.05, None), (0.06, None)]


def test_metr_errors(run: Run, tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("benchmark_name: x\nresults:\n  a: [1,\n")
    result = run("import", "--from", "metr", str(bad))
    assert result.exit_code == 1 and f"{bad}:" in result.stderr and "invalid YAML" in result.stderr
    empty = tmp_path / "empty.yaml"
    empty.write_text("benchmark_name: x\n")
    result = run("import", "--from", "metr", str(empty))
    assert result.exit_code == 1 and "no `results` mapping" in result.stderr
    # As any import says it, not that an empty file has no `results` mapping.
    empty.write_text("\n  \n")
    result = run("import", "--from", "metr", str(empty))
    assert result.stderr == f"trendlab: error: {empty}: the file is empty; nothing was written\n"
    # Every bad result is named, as an import names every bad row, not the first alone.
    twice = tmp_path / "twice.yaml"
    twice.write_text(
        "results:\n"
        "  gpt_4:\n"
        "    release_date: 2023-13-14\n"
        "    metrics:\n"
        "      p50_horizon_length:\n"
        "        estimate: 3.5\n"
        "  claude_3_opus:\n"
        "    metrics:\n"
        "      p50_horizon_length: 4\n"
    )
    result = run("import", "--from", "metr", str(twice))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"trendlab: error: {twice}: 2 bad rows; nothing was written",
        f"  {twice}:2: gpt_4: release_date: '2023-13-14' is not a date (YYYY-MM-DD)",
        f"  {twice}:7: claude_3_opus: p50_horizon_length: expected a mapping with `estimate`",
    ]
    # An estimate that is a list is refused before its row is made: the rows after it
    # were each named by the line of the one before (4 and 8).
    listed = tmp_path / "listed.yaml"
    listed.write_text(
        "results:\n"
        + "".join(
            f"  {key}:\n    metrics:\n      p50_horizon_length:\n        estimate: {given}\n"
            for key, given in (("gpt_4", "[1, 2]"), ("claude_3", "abc"), ("claude_4", "xyz"))
        )
    )
    result = run("import", "--from", "metr", str(listed))
    assert result.stderr.splitlines() == [
        f"trendlab: error: {listed}: 3 bad rows; nothing was written",
        f"  {listed}:2: gpt_4: p50_horizon_length.estimate: expected a single value, not a list",
        f"  {listed}:8: estimate (score): 'abc' is not a finite number",
        f"  {listed}:12: estimate (score): 'xyz' is not a finite number",
    ]
    # A long figure is quoted by its start and its length: cut at 40 characters, it lost
    # its closing quote and read as a number of 39 digits, which is finite.
    long = tmp_path / "long.yaml"
    published = (DATA / "metr" / "benchmark_results.yaml").read_text()
    long.write_text(published.replace("ci_high: 7.0", f"ci_high: 1{'0' * 400}"))
    result = run("import", "--from", "metr", str(long))
    assert result.stderr == (
        f"trendlab: error: {long}:8: gpt_4: p50_horizon_length.ci_high: '1{'0' * 59}'... "
        "(401 characters) is not a finite number; nothing was written\n"
    )
    # The line of a byte that is no UTF-8, as any import names it.
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"benchmark_name: x\n# caf\xe9\nresults: {}\n")
    result = run("import", "--from", "metr", str(latin))
    assert result.stderr == (
        f"trendlab: error: {latin}:2: not valid UTF-8 (byte 0xe9); save the file as UTF-8; "
        "nothing was written\n"
    )
    text = (DATA / "metr" / "benchmark_results.yaml").read_text()
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text(text.replace("  gpt_4:", "  gpt_44:"))
    result = run("import", "--from", "metr", str(unknown))
    assert result.exit_code == 1
    assert f"{unknown}:14: unknown model 'gpt_44' (2 rows) (did you mean " in result.stderr
    assert "gpt-4" in result.stderr


def test_a_source_naming_one_model_two_ways_says_so(run: Run, tmp_path: Path):
    """Two rows of a source naming one model by two of its names (METR's key and an
    alias, a price list's ids) are one key twice, and the error says why, as a file of
    trendlab's own columns does: 'same model as line 5' of gpt_4 and gpt-4-0314 read as
    a wrong verdict."""
    metr = tmp_path / "benchmark_results.yaml"
    metr.write_text(
        "results:\n"
        + "".join(
            f"  {key}:\n    metrics:\n      p50_horizon_length:\n        estimate: {minutes}\n"
            for key, minutes in (("gpt_4", "3.5"), ("gpt-4-0314", "3.6"))
        )
    )
    result = run("import", "--from", "metr", str(metr))
    assert (result.exit_code, result.stderr) == (
        1,
        f"trendlab: error: {metr}:8: same model (gpt-4-0314 and gpt_4 name gpt-4), benchmark, "
        "setting, source_url as line 4; nothing was written\n",
    )
    prices = tmp_path / "openai.json"
    history = [{"input": 30, "output": 60, "from_date": "2023-03-14", "to_date": None}]
    models = [{"id": i, "name": "GPT-4", "price_history": history} for i in ("gpt-4", "GPT-4-0314")]
    prices.write_text(json.dumps({"vendor": "openai", "models": models}))
    result = run("import", "--from", "llm-prices", str(prices))
    assert (result.exit_code, result.stderr) == (
        1,
        f"trendlab: error: {prices}:price 2 (GPT-4-0314): same id (model) (GPT-4-0314 and "
        "gpt-4 name gpt-4), vendor (provider), from_date (effective_date) as price 1 (gpt-4); "
        "nothing was written\n",
    )


def test_a_metr_number_is_read_as_written(run: Run, tmp_path: Path):
    """YAML 1.1 reads 0x10 as 16, 1_000 as 1000 and 1:30 as 90: forms trendlab's own
    files refuse, so METR's are refused too, quoted as the file writes them (they were
    imported as those numbers of minutes)."""
    text = (DATA / "metr" / "benchmark_results.yaml").read_text()
    before = run("log", "--json").stdout
    path = tmp_path / "benchmark_results.yaml"
    for given in ("0x10", "1_000", "1:30", ".inf"):
        path.write_text(text.replace("estimate: 3.5\n", f"estimate: {given}\n"))
        result = run("import", "--from", "metr", str(path))
        assert (result.exit_code, result.stderr) == (
            1,
            f"trendlab: error: {path}:14: estimate (score): '{given}' is not a finite number; "
            "nothing was written\n",
        )
    path.write_text(text.replace("ci_low: 1.5", "ci_low: 1_0"))
    result = run("import", "--from", "metr", str(path))
    assert (result.exit_code, result.stderr) == (
        1,
        f"trendlab: error: {path}:8: gpt_4: p50_horizon_length.ci_low: '1_0' is not a "
        "finite number; nothing was written\n",
    )
    assert run("log", "--json").stdout == before


def test_a_metr_release_date_that_is_no_day_is_an_error(run: Run, tmp_path: Path):
    """The release date METR gives goes to notes: one that is not a day was written
    there as it was, though the loader keeps dates as text so that one is reported."""
    text = (DATA / "metr" / "benchmark_results.yaml").read_text()
    for given in ("2023-02-30", "2023-3-14", "March 2023"):
        path = tmp_path / "benchmark_results.yaml"
        path.write_text(text.replace("release_date: 2023-03-14", f"release_date: {given}"))
        assert_refused(
            run,
            ["import", "--from", "metr", str(path)],
            stderr=[
                f"trendlab: error: {path}:8: gpt_4: release_date: '{given}' is not a date "
                "(YYYY-MM-DD); nothing was written"
            ],
        )


def test_a_metr_key_with_a_comment_after_it_keeps_its_line(run: Run, tmp_path: Path):
    """`  gpt_4:  # ...`: the comment YAML allows after a key lost the key's line, and
    its metrics' lines with it: errors named `result 1`, no line of the file."""
    text = (DATA / "metr" / "benchmark_results.yaml").read_text()
    before = run("log", "--json").stdout
    path = tmp_path / "benchmark_results.yaml"
    dated = text.replace("release_date: 2023-03-14", "release_date: 2023-02-30")
    for key in ("  gpt_4:  # the March 2023 model", "  'gpt_4': # note: quoted"):
        path.write_text(dated.replace("  gpt_4:\n", f"{key}\n"))
        result = run("import", "--from", "metr", str(path))
        assert (result.exit_code, result.stderr) == (
            1,
            f"trendlab: error: {path}:8: gpt_4: release_date: '2023-02-30' is not a date "
            "(YYYY-MM-DD); nothing was written\n",
        ), key
    path.write_text(text.replace("  gpt_4:\n", "  gpt_44:  # a typo\n"))
    result = run("import", "--from", "metr", str(path))
    assert result.exit_code == 1
    assert f"\n  {path}:14: unknown model 'gpt_44' (2 rows) (did you mean " in result.stderr
    assert run("log", "--json").stdout == before


def test_a_quoted_metr_key_keeps_its_line(run: Run, tmp_path: Path):
    """A quoted key may hold a ':' (`'gpt:4':`) or a quote it escapes (`'it''s':`): the
    first lost its line, errors naming `result 1`, and the second was named `it''s`."""
    text = (DATA / "metr" / "benchmark_results.yaml").read_text()
    dated = text.replace("release_date: 2023-03-14", "release_date: 2023-02-30")
    path = tmp_path / "benchmark_results.yaml"
    for key, named in (("'gpt:4'", "gpt:4"), ('"gpt:4"', "gpt:4"), ("'it''s'", "it's")):
        path.write_text(dated.replace("  gpt_4:\n", f"  {key}:  # a comment\n"))
        result = run("import", "--from", "metr", str(path))
        assert (result.exit_code, result.stderr) == (
            1,
            f"trendlab: error: {path}:8: {named}: release_date: '2023-02-30' is not a date "
            "(YYYY-MM-DD); nothing was written\n",
        ), key


def test_a_bad_metr_source_url_is_a_usage_error(run: Run):
    """--source-url is typed on the command line: a URL its field's rules refuse was
    listed as a data error on every row of the file, each naming a line that does
    not hold it (it exited 1). It is one usage error, naming the option."""
    path = DATA / "metr" / "benchmark_results.yaml"
    before = run("log", "--json").stdout
    for url, problem in (
        ("ftp://example.org/x", "is not an http(s) URL"),
        ("https://example.org/a\x01b", "holds a control character"),
    ):
        result = run("import", "--from", "metr", str(path), "--source-url", url)
        assert result.exit_code == 2, (url, result.stderr)
        (line,) = result.stderr.splitlines()
        assert line.startswith("trendlab: error: --source-url: '"), line
        assert problem in line and line.endswith("(see 'cli import --help')"), line
    assert run("log", "--json").stdout == before
    # Spaces around it go, as from a file.
    given = " https://example.org/metr.yaml "
    result = run("import", "--from", "metr", str(path), "--source-url", given, "--dry-run")
    assert result.exit_code == 0, result.stderr


def test_from_rejects_mixed_options(run: Run):
    result = run("import", "--from", "epoch", str(EPOCH), "--kind", "results")
    assert result.exit_code == 2 and "--from reads the source's own format" in result.stderr
    result = run("import", "x.csv", "--skip-unresolved")
    assert result.exit_code == 2
    # Only METR's file takes a URL from the command line; the others' went unused.
    before = run("log", "--json").stdout
    for source, path in (("epoch", EPOCH), ("llm-prices", DATA / "llm-prices" / "openai.json")):
        result = run("import", "--from", source, str(path), "--source-url", "https://e.org/x")
        assert result.exit_code == 2, (source, result.stderr)
        assert result.stderr == (
            f"trendlab: error: --source-url goes with --from metr, not --from {source} "
            "(see 'cli import --help')\n"
        )
    assert run("log", "--json").stdout == before
