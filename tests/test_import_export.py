"""import and export: formats, all-or-nothing, line-numbered errors, round trips."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import Run, both_stores, changeset_around, make_runner, revise_around
from trendlab.db import Store
from trendlab.errors import TrendlabError
from trendlab.ingest import read_records
from trendlab.kinds import IMPORTABLE, KINDS
from trendlab.render import SUFFIXES
from trendlab.text import counted

HEADER = "model,benchmark,score,setting,reported_date,source_url"
DATA = Path(__file__).resolve().parent / "data"


def _results_csv(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _count(run: Run, kind: str = "results") -> int:
    return len(json.loads(run("list", kind, "--json").stdout))


@both_stores
def test_1000_row_file_with_one_bad_row_writes_nothing(run: Run, tmp_path: Path):
    rows = [
        f"gpt-4,mmlu,{50 + i / 100:.2f},run {i},2024-01-01,https://example.org/{i}"
        for i in range(1000)
    ]
    rows[736] = "gpt-4,mmlu,eighty,run 736,2024-01-01,https://example.org/736"
    path = _results_csv(tmp_path / "results.csv", rows)
    before_log, before_n = run("log", "--json").stdout, _count(run)
    result = run("import", str(path))
    assert result.exit_code == 1
    assert f"{path}:738: score: 'eighty' is not a finite number" in result.stderr
    assert "nothing was written" in result.stderr
    assert "internal error" not in result.stderr
    assert run("log", "--json").stdout == before_log
    assert _count(run) == before_n
    # Fixed, the same file imports in one changeset.
    rows[736] = "gpt-4,mmlu,80,run 736,2024-01-01,https://example.org/736"
    _results_csv(path, rows)
    ok = run("import", str(path), "-m", "bulk")
    assert ok.exit_code == 0, ok.stderr
    assert "results: 1000 added" in ok.stderr
    assert _count(run) == before_n + 1000
    log = json.loads(run("log", "--limit", "1", "--json").stdout)[0]
    assert log["message"] == "bulk" and log["changes"] == ["results: 1000 added"]


def test_every_bad_row_is_listed_up_to_20(run: Run, tmp_path: Path):
    rows = [f"gpt-4,mmlu,{i},r{i},2024-01-01,https://e.org/{i}" for i in range(30)]
    rows = [r.replace(",2024-01-01,", ",2024-02-31,") if i % 2 else r for i, r in enumerate(rows)]
    path = _results_csv(tmp_path / "results.csv", rows)
    result = run("import", str(path))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"trendlab: error: {path}: 15 bad rows; nothing was written"
    assert len(lines) == 1 + 15
    assert f"{path}:3: reported_date: '2024-02-31' is not a date (YYYY-MM-DD)" in lines[1]


def test_more_than_20_bad_rows_are_counted(run: Run, tmp_path: Path):
    rows = [f"nobody,mmlu,{i},r{i},2024-01-01,https://e.org/{i}" for i in range(25)]
    path = _results_csv(tmp_path / "results.csv", rows)
    result = run("import", str(path))
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 + 20 + 1
    assert lines[-1].strip() == "... and 5 more bad rows"
    (tmp_path / "more").mkdir()
    one_more = _results_csv(tmp_path / "more" / "results.csv", rows[:21])
    assert run("import", str(one_more)).stderr.splitlines()[-1].strip() == (
        "... and 1 more bad row"
    )


def test_an_unknown_field_of_some_json_records_names_the_first_holding_it(run: Run, tmp_path: Path):
    """A mistyped field in one record of many is found by its record, as a bad value is;
    one every record holds is the file's, as a CSV header's column is."""
    lines = tmp_path / "models.jsonl"
    lines.write_text('{"slug": "qa"}\n\n{"slug": "qb"}\n{"slug": "qc", "nmae": "Q"}\n')
    result = run("import", str(lines), "--dry-run")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"trendlab: error: {lines}:4: unknown column 'nmae' (did you mean 'name'?); "
    )
    array = tmp_path / "models.json"
    array.write_text(
        '[\n{"slug": "qa"},\n{"slug": "qb", "bogus": 1},\n{"slug": "qc", "bogus": 2}\n]'
    )
    result = run("import", str(array), "--dry-run")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"trendlab: error: {array}:3: unknown column 'bogus'")
    array.write_text('[{"slug": "qa", "bogus": 1}, {"slug": "qb", "bogus": 2}]')
    result = run("import", str(array), "--dry-run")
    assert result.stderr.startswith(f"trendlab: error: {array}: unknown column 'bogus'")


def test_a_bad_record_of_an_exported_json_array_is_named_by_its_line(run: Run, tmp_path: Path):
    """`export --json` spreads each record over many lines: an error names the line its
    record starts on, as it does for CSV and JSON Lines, so an editor goes to it."""
    path = tmp_path / "benchmarks.json"
    assert run("export", "benchmarks", "--json", "-o", str(path)).exit_code == 0
    records = json.loads(path.read_text())
    records[7]["ceiling"] = "lots"
    records[9]["floor"] = "few"
    path.write_text(json.dumps(records, indent=2))
    starts = [n for n, line in enumerate(path.read_text().splitlines(), 1) if line == "  {"]
    result = run("import", str(path), "-m", "broken")
    assert result.exit_code == 1
    assert f"{path}:{starts[7]}: ceiling: 'lots'" in result.stderr
    assert f"{path}:{starts[9]}: floor: 'few'" in result.stderr
    assert starts[7] > 8  # a line, not the record's number


def test_a_file_of_another_kind_names_the_kind_it_holds(run: Run, tmp_path: Path):
    """A models export imported as results (by --kind, or by a name saying results)
    was told only that slug, name, ... are no results columns; the columns it has are
    all another kind's, its required ones among them, and the error names that kind's
    --kind. A bare results file, with no setting or source_url (in a result's key, but
    optional), was told of no kind; a slug,name file is no benchmarks file (no unit)."""
    models = tmp_path / "models.csv"
    assert run("export", "models", "-o", str(models)).exit_code == 0
    result = run("import", str(models), "--kind", "results")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "; the file's columns are those of models: pass --kind models; nothing was written\n"
    ), result.stderr
    organizations = tmp_path / "result.csv"
    organizations.write_text("slug,name\nopenai,OpenAI\n")
    result = run("import", str(organizations))
    assert result.exit_code == 1 and (
        "those of organizations or models: pass --kind organizations|models; nothing"
        in result.stderr
    ), result.stderr
    results = tmp_path / "scores.csv"
    results.write_text("model,benchmark,score\ngpt-4,math,50\n")
    result = run("import", str(results), "--kind", "models")
    assert result.exit_code == 1 and result.stderr.endswith(
        "; the file's columns are those of results: pass --kind results; nothing was written\n"
    ), result.stderr


def test_header_problems(run: Run, tmp_path: Path):
    unknown = _results_csv(
        tmp_path / "a.csv", ["gpt-4,mmlu,50,,,"], HEADER.replace("setting", "settings")
    )
    result = run("import", str(unknown), "--kind", "results")
    assert result.exit_code == 1
    assert result.stderr == (
        f"trendlab: error: {unknown}: unknown column 'settings' (did you mean 'setting'?); "
        "results columns are: model, benchmark, score, setting, reported_date, source_url, "
        "source_kind, notes; nothing was written\n"
    )
    many = _results_csv(tmp_path / "c.csv", ["gpt-4,mmlu,50,,,,,,,,,"], HEADER + ",a,b,c,d,e,f")
    result = run("import", str(many), "--kind", "results")
    assert result.exit_code == 1
    assert "unknown columns 'a'; 'b'; 'c'; 'd'; 'e'; ... and 1 more; results columns" in (
        result.stderr
    )
    missing = _results_csv(tmp_path / "b.csv", ["gpt-4,mmlu"], "model,benchmark")
    result = run("import", str(missing), "--kind", "results")
    assert result.exit_code == 1 and "missing required column(s): score" in result.stderr
    dup = _results_csv(tmp_path / "c.csv", ["gpt-4,mmlu,1,2"], "model,benchmark,score,score")
    result = run("import", str(dup), "--kind", "results")
    assert result.exit_code == 1 and "column 'score' appears twice" in result.stderr
    # `list` shows a result's and a price's id; a file saved from it names the fix.
    for kind, fields in (("results", "model, benchmark, setting, source_url"),
                         ("prices", "model, provider, effective_date")):  # fmt: skip
        listed = tmp_path / f"{kind}.csv"
        listed.write_text(run("list", kind, "--csv", "--limit", "2").stdout)
        result = run("import", str(listed))
        assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
        assert result.stderr == (
            f"trendlab: error: {listed}: column 'id' is not imported: an id is derived from "
            f"{fields}; leave it out, as `trendlab export {kind}` does; nothing was written\n"
        ), result.stderr
    # A spreadsheet's CSV in a locale whose decimal mark is a comma is separated by
    # semicolons (or tabs): the whole header is one column, and saying so names the fix.
    for separator, name in ((";", "semicolons"), ("\t", "tabs")):
        other = _results_csv(
            tmp_path / "d.csv", ["gpt-4;mmlu;50,5".replace(";", separator)],
            "model;benchmark;score".replace(";", separator),
        )  # fmt: skip
        result = run("import", str(other), "--kind", "results")
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr == (
            f"trendlab: error: {other}:1: the header is one column, "
            f"{'model;benchmark;score'.replace(';', separator)!r}: the file looks separated "
            f"by {name}; import reads CSV separated by commas; nothing was written\n"
        ), result.stderr


def test_excels_separator_line_is_named_as_what_it_is(run: Run, tmp_path: Path):
    """A CSV saved by Excel may begin with a 'sep=,' line: read as the header it was
    "column 2 of the header has no name", or with 'sep=;' a header of one column."""
    for separator in (",", ";", "\t"):
        hinted = tmp_path / "hinted.csv"
        hinted.write_text(f"sep={separator}\n{HEADER}\ngpt-4,mmlu,50,,,\n", encoding="utf-8")
        result = run("import", str(hinted), "--kind", "results")
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr == (
            f"trendlab: error: {hinted}:1: {'sep=' + separator!r} is Excel's separator line, "
            "not the header: remove that line (import reads CSV separated by commas); nothing was written\n"
        )


def test_structural_problems_name_the_line(run: Run, tmp_path: Path):
    ragged = _results_csv(tmp_path / "results.csv", ["gpt-4,mmlu,50,,,", "gpt-4,mmlu,51,,,,extra"])
    result = run("import", str(ragged))
    assert result.exit_code == 1
    assert f"{ragged}:3: 7 fields, but the header has 6" in result.stderr
    latin = tmp_path / "latin.csv"
    latin.write_bytes((HEADER + "\ngpt-4,mmlu,50,caf\xe9,,\n").encode("latin-1"))
    result = run("import", str(latin), "--kind", "results")
    assert result.exit_code == 1 and f"{latin}:2: not valid UTF-8" in result.stderr
    empty = tmp_path / "results.json"
    empty.write_text("")
    result = run("import", str(empty))
    assert result.exit_code == 1 and "the file is empty" in result.stderr
    bad_json = tmp_path / "results.jsonl"
    bad_json.write_text('{"model": "gpt-4", "benchmark": "mmlu", "score": 50}\n{"model": \n')
    result = run("import", str(bad_json))
    assert result.exit_code == 1 and f"{bad_json}:2: invalid JSON" in result.stderr
    # A file error ends as a bad row's does: it was the one error that did not say so.
    assert result.stderr.endswith("; nothing was written\n")
    nested = tmp_path / "n.json"
    nested.write_text('[{"model": "gpt-4", "benchmark": "mmlu", "score": [50]}]')
    result = run("import", str(nested), "--kind", "results")
    assert (
        result.exit_code == 1
        and "field score: expected a single value, not a list" in result.stderr
    )
    nested.write_text('[{"model": "gpt-4", "benchmark": "mmlu", "score": 5, "notes": {"a": 1}}]')
    result = run("import", str(nested), "--kind", "results")
    assert (
        result.exit_code == 1
        and "field notes: expected a single value, not an object" in result.stderr
    )


def test_an_unclosed_quote_is_named_at_the_row_that_opens_it(run: Run, tmp_path: Path):
    """The quote runs its row to the end of the file, whose line was named (79 here, a
    good row), with "unexpected end of data"."""
    rows = [f"gpt-4,mmlu,50,s{line},," for line in range(2, 80)]
    rows[55] = 'gpt-4,mmlu,50,"s57,,'
    path = _results_csv(tmp_path / "results.csv", rows)
    before = run("log", "--json").stdout
    result = run("import", str(path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"trendlab: error: {path}:57: malformed CSV: a quote opened in the row starting on "
        "this line is never closed; nothing was written\n"
    )
    assert run("log", "--json").stdout == before


def test_an_unclosed_quote_in_the_header_says_so(run: Run, tmp_path: Path):
    """As a row's: "unexpected end of data" named no quote."""
    path = tmp_path / "models.csv"
    path.write_text('"slug,name\nfoo,Foo\n')
    result = run("import", str(path))
    assert (result.exit_code, result.stderr) == (
        1,
        f"trendlab: error: {path}:1: malformed CSV header: a quote opened on this line is "
        "never closed; nothing was written\n",
    )


def test_a_bad_json_lines_record_is_named_by_its_line_past_blank_ones(run: Run, tmp_path: Path):
    """Blank lines are skipped, not counted out of the records' line numbers."""
    path = tmp_path / "results.jsonl"
    good = '{"model": "gpt-4", "benchmark": "mmlu", "score": 50, "setting": "blank-lines"}'
    bad = '{"model": "gpt-4", "benchmark": "mmlu", "score": "x"}'
    path.write_text(f"\n{good}\n\n{bad}\n")
    result = run("import", str(path), "-m", "t")
    assert result.exit_code == 1
    assert result.stderr == (
        f"trendlab: error: {path}:4: score: 'x' is not a finite number; nothing was written\n"
    )


@pytest.mark.parametrize("suffix", ["json", "jsonl"])
def test_json_words_ending_in_at_say_where(run: Run, tmp_path: Path, suffix: str):
    """A tab typed into a JSON string (as pasted from a spreadsheet), or a string left
    open, was "invalid JSON: Invalid control character at", and nothing after the "at".
    The column is said."""
    record = '{"model": "gpt-4", "benchmark": "mmlu", "score": 50, "notes": "a\tb"}'
    path = tmp_path / f"results.{suffix}"
    path.write_text(f"[\n{record}\n]" if suffix == "json" else f"{record}\n")
    result = run("import", str(path))
    assert result.stderr == (
        f"trendlab: error: {path}:{2 if suffix == 'json' else 1}: invalid JSON: Invalid "
        f"control character at column {record.index(chr(9)) + 1}; nothing was written\n"
    )
    left_open = '[{"notes": "open' if suffix == "json" else '{"notes": "open\n'
    path.write_text(left_open)
    result = run("import", str(path))
    column = left_open.index('"open') + 1
    assert f"invalid JSON: Unterminated string starting at column {column};" in result.stderr


@pytest.mark.parametrize("suffix", ["json", "jsonl"])
def test_any_json_error_says_its_column(run: Run, tmp_path: Path, suffix: str):
    """A comma left out of a long record was "invalid JSON: Expecting ',' delimiter"
    with its line alone, which a JSON Lines record fills: the column is said."""
    record = '{"model": "gpt-4", "benchmark": "mmlu", "score": 50 "notes": "x"}'
    path = tmp_path / f"results.{suffix}"
    path.write_text(f"[\n{record}\n]" if suffix == "json" else f"{record}\n")
    result = run("import", str(path))
    column = record.index('"notes') + 1
    assert result.stderr == (
        f"trendlab: error: {path}:{2 if suffix == 'json' else 1}: invalid JSON: Expecting "
        f"',' delimiter at column {column}; nothing was written\n"
    )


def test_records_written_over_several_lines_say_how_json_holds_them(run: Run, tmp_path: Path):
    """Records printed one after another over several lines each, as `jq '.[]'` prints
    them, were "Expecting property name enclosed in double quotes" at a line holding
    only '{' as JSON Lines, and "Extra data" as JSON: each says how the format holds
    records instead."""
    records = [
        {"model": "gpt-4", "benchmark": "mmlu", "score": 50},
        {"model": "gpt-4", "benchmark": "mmlu", "score": 51, "setting": "b"},
    ]
    text = "\n".join(json.dumps(r, indent=2) for r in records) + "\n"
    before = run("log", "--json").stdout
    lines = tmp_path / "results.jsonl"
    lines.write_text(json.dumps(records[0]) + "\n" + text)
    result = run("import", str(lines))
    assert result.exit_code == 1
    assert result.stderr == (
        f"trendlab: error: {lines}:2: the record starting on this line runs to line 6: JSON "
        "Lines holds one record a line (`jq -c` writes them so); nothing was written\n"
    )
    array = tmp_path / "results.json"
    array.write_text(text)
    result = run("import", str(array))
    assert result.exit_code == 1
    assert result.stderr == (
        f"trendlab: error: {array}:6: a record after the first, outside any array: a JSON "
        "file holds one array of records (`jq -s` gathers them into one); nothing was written\n"
    )
    # Anything else after a record is still json's words.
    array.write_text(json.dumps(records[0], indent=2) + " x")
    assert "invalid JSON: Extra data at column 3;" in run("import", str(array)).stderr
    assert run("log", "--json").stdout == before


def test_duplicate_keys_in_one_file(run: Run, tmp_path: Path):
    path = _results_csv(
        tmp_path / "results.csv",
        [
            "gpt-4,mmlu,50,5-shot,2024-01-01,https://e.org/a",
            "gpt-4,mmlu,51,5-shot,2024-01-01,https://e.org/a",
        ],
    )
    result = run("import", str(path))
    assert result.exit_code == 1
    assert ":3: same model, benchmark, setting, source_url as line 2;" in result.stderr


@pytest.mark.parametrize(
    ("second", "told"),
    [
        # Twins once gpt-4-0314 resolves, refused as two identical lines are.
        ("gpt-4-0314,mmlu", "same model (gpt-4-0314 and gpt-4 name gpt-4), benchmark"),
        ("gpt-4,MMLU", "same model, benchmark (MMLU and mmlu name mmlu)"),
    ],
)
def test_duplicate_keys_named_two_ways_say_they_are_one(
    run: Run, tmp_path: Path, second: str, told: str
):
    """'same model' or 'same benchmark' of two names the file gives read as a wrong
    verdict: the error says the two name one record."""
    path = _results_csv(
        tmp_path / "results.csv",
        [
            "gpt-4,mmlu,50,5-shot,2024-01-01,https://e.org/a",
            f"{second},50,5-shot,2024-01-01,https://e.org/a",
        ],
    )
    result = run("import", str(path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"trendlab: error: {path}:3: {told}, setting, source_url as line 2; nothing was written\n"
    )


def test_a_row_names_every_bad_field_on_one_line(run: Run, tmp_path: Path):
    """A row's unknown model or benchmark was checked only if its other fields parsed,
    so a row with a bad score and an unknown model named only the score, and the model
    on the next try. Every field of a row that is bad is named, on the row's one line;
    a rule on several fields is still left out when it reads a bad one."""
    path = _results_csv(
        tmp_path / "results.csv",
        [
            "nobody,mmlu,eighty,,2024-01-01,",
            "gpt-4,no-such-bench,50,,2024-13-01,",
            "gpt-4,mmlu,500,,2024-13-01,",  # score and benchmark parse: its range is checked
            "gpt-4,no-such-bench,500,,2024-01-01,",  # no unit to range the score by
        ],
    )
    result = run("import", str(path))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"trendlab: error: {path}: 4 bad rows; nothing was written"
    assert lines[1:] == [
        f"  {path}:2: score: 'eighty' is not a finite number; unknown model 'nobody'",
        f"  {path}:3: reported_date: '2024-13-01' is not a date (YYYY-MM-DD); "
        "unknown benchmark 'no-such-bench'",
        f"  {path}:4: reported_date: '2024-13-01' is not a date (YYYY-MM-DD); "
        "score: 500.0 is outside the range of unit percent (0.0-100.0)",
        f"  {path}:5: unknown benchmark 'no-such-bench'",
    ]
    benchmarks = tmp_path / "benchmarks.csv"
    benchmarks.write_text("slug,unit,floor,ceiling\nnew-1,furlongs,abc,\nnew-2,percent,x,50\n")
    result = run("import", str(benchmarks))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[1:] == [
        f"  {benchmarks}:2: floor: 'abc' is not a finite number; "
        "unit: 'furlongs' is not one of percent, minutes, elo, score",
        f"  {benchmarks}:3: floor: 'x' is not a finite number",  # no bounds to compare
    ]


def test_a_row_with_a_bad_field_is_still_judged_merged_with_its_stored_record(
    run: Run, tmp_path: Path
):
    """A price leaving out a side is judged once merged with its stored record; a row
    with any bad field was left out of that, so its missing price surfaced only once
    the field was fixed. Only a bad field the merge reads (the key, a side) skips it."""
    path = tmp_path / "prices.csv"
    path.write_text(
        "model,provider,effective_date,input_usd_per_mtok,source_url\n"
        "gpt-4,Acme,2024-01-01,,ftp://e.org/a\n"
        "nobody,Acme,2024-01-01,,ftp://e.org/b\n"
        "gpt-4,Acme,2024-01-02,-1,\n"
    )
    result = run("import", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[1:] == [
        f"  {path}:2: source_url: 'ftp://e.org/a' is not an http(s) URL; "
        "a price needs input_usd_per_mtok or output_usd_per_mtok",
        f"  {path}:3: source_url: 'ftp://e.org/b' is not an http(s) URL; unknown model 'nobody'",
        f"  {path}:4: input_usd_per_mtok: '-1' must be greater than 0",
    ]


@pytest.mark.parametrize(
    ("text", "score"),
    [
        # Spaces around the header's names and the values too.
        ("\ufeff" + HEADER.replace(",", " , ")
         + "\n gpt-4 , mmlu , 77.5 ,  , 2024-01-01 , https://e.org/b \n", 77.5),
        # The reader dropped one BOM, and the second made the first column an unknown
        # '\ufeffmodel' (an Epoch file's 'id' was lost, and its rows blamed as duplicates).
        ("\ufeff\ufeff" + HEADER + "\ngpt-4,mmlu,77.25,,2024-01-01,https://e.org/c\n", 77.25),
    ],
)  # fmt: skip
def test_bom_and_whitespace_are_tolerated(run: Run, tmp_path: Path, text: str, score: float):
    path = tmp_path / "results.csv"
    path.write_bytes(text.encode())
    result = run("import", str(path))
    assert result.exit_code == 0, result.stderr
    rows = json.loads(
        run("list", "results", "--model", "gpt-4", "--benchmark", "mmlu", "--json").stdout
    )
    assert any(r["score"] == score and r["setting"] is None for r in rows)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        # Saved with a BOM, then again: CSV takes it (see above).
        ("results.json", "\ufeff\ufeff" + json.dumps([{"model": "gpt-4", "score": 77.75}])),
        ("results.jsonl", "\ufeff\ufeff" + json.dumps({"model": "gpt-4", "score": 77.75})),
        # Two files saved with one, joined (cat a.jsonl b.jsonl).
        ("results.jsonl", "\ufeff{}\n\ufeff{}\n".format(
            json.dumps({"model": "gpt-4", "score": 77.75}),
            json.dumps({"model": "gpt-4", "score": 78.5, "setting": "b"}),
        )),
    ],
)  # fmt: skip
def test_a_bom_twice_or_starting_a_json_line_is_tolerated(
    run: Run, tmp_path: Path, name: str, text: str
):
    """json said "Unexpected UTF-8 BOM (decode using utf-8-sig)", of no use to the user."""
    path = tmp_path / name
    path.write_bytes(text.replace('"score"', '"benchmark": "mmlu", "score"').encode())
    result = run("import", str(path), "-m", "bom")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(
        run("list", "results", "--model", "gpt-4", "--benchmark", "mmlu", "--json").stdout
    )
    assert any(r["score"] == 77.75 and r["setting"] is None for r in rows)


def test_a_true_or_false_field_takes_a_spreadsheet_s_spellings(run: Run, tmp_path: Path):
    """yes/no, y/n, t/f and 1/0, in any case, as well as true/false."""
    spellings = {"yes": True, "No": False, "Y": True, "n": False, "T": True, "f": False,
                 "1": True, "0": False, "TRUE": True, "False": False}  # fmt: skip
    path = tmp_path / "models.csv"
    rows = [f"bool-{i},{text}" for i, text in enumerate(spellings)]
    path.write_text("slug,open_weights\n" + "\n".join(rows) + "\n")
    result = run("import", str(path), "-m", "t")
    assert result.exit_code == 0, result.stderr
    models = json.loads(run("list", "models", "--json").stdout)
    stored = {m["slug"]: m["open_weights"] for m in models if m["slug"].startswith("bool-")}
    assert stored == {f"bool-{i}": truth for i, truth in enumerate(spellings.values())}


def test_export_as_of_writes_the_records_as_they_were(run: Run, tmp_path: Path):
    """export --as-of: the records as that changeset left them, a later edit undone and
    a later record left out."""

    def exported(kind: str, *as_of: str) -> list[dict]:
        out = tmp_path / f"{kind}.json"
        result = run("export", kind, "--format", "json", "-o", str(out), *as_of)
        assert result.exit_code == 0, result.stderr
        return json.loads(out.read_text())

    def minerva(rows: list[dict]) -> list[float]:
        return [
            r["score"] for r in rows if (r["model"], r["benchmark"]) == ("minerva-540b", "math")
        ]

    seeded = json.loads(run("log", "--json").stdout)[-1]["changeset"]
    (score,) = minerva(exported("results"))
    edited = run("edit", "result", "minerva-540b/math", "--set", f"score={score + 1}", "-m", "t")
    assert edited.exit_code == 0, edited.stderr
    assert run("add-model", "exported-later", "-m", "t").exit_code == 0
    assert minerva(exported("results")) == [score + 1]
    assert minerva(exported("results", "--as-of", seeded)) == [score]
    assert "exported-later" in {m["slug"] for m in exported("models")}
    assert "exported-later" not in {m["slug"] for m in exported("models", "--as-of", seeded)}


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "parquet"])
@both_stores
def test_export_then_import_is_a_no_op(run: Run, tmp_path: Path, fmt: str):
    before = run("log", "--json").stdout
    for kind in IMPORTABLE:
        out = tmp_path / f"{kind}.{fmt}"
        exported = run("export", kind, "--format", fmt, "-o", str(out))
        assert exported.exit_code == 0, exported.stderr
        result = run("import", str(out))
        assert result.exit_code == 0, result.stderr
        assert "nothing to write" in result.stderr
        assert "added" not in result.stderr and "updated" not in result.stderr
    assert run("log", "--json").stdout == before


def test_a_note_past_the_csv_readers_field_limit_imports_back(run: Run, tmp_path: Path):
    """Python's csv reader refuses a field past 131,072 characters: a long note that
    export wrote failed its own import ('internal error ... field larger than field
    limit') when a row read short of fields (an empty last cell) sent it there, and so
    did naming a bad row's line."""
    note = "n" * 200_000
    assert run("add-model", "long-note", "--notes", note, "-m", "t").exit_code == 0
    out = tmp_path / "models.csv"
    assert run("export", "models", "-o", str(out)).exit_code == 0
    again = run("import", str(out))
    assert again.exit_code == 0, again.stderr
    assert again.stderr == "models: 541 unchanged; nothing to write\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(f'slug,notes\nlong-note,"{note}"\nlong-note-2,"x"\nBAD,x\n')
    refused = run("import", str(bad), "--kind", "models")
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[0] == (
        f"trendlab: error: {bad}:4: slug: 'BAD' is not a slug (lowercase letters, digits, "
        "'.', '_', '-', beginning and ending with a letter or digit); nothing was written"
    )


def test_importing_trendlab_leaves_the_csv_field_limit_as_it_was(run: Run, tmp_path: Path):
    """Importing trendlab.ingest raised csv.field_size_limit for the whole process, a
    side effect on any program that imports trendlab as a library: it is raised only
    while trendlab reads a CSV file, and restored after."""
    probe = (
        "import csv; before = csv.field_size_limit(); "
        "import trendlab.ingest, trendlab.adapters.epoch; "
        "print(before, csv.field_size_limit())"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert shown[0] == shown[1], shown
    limit = csv.field_size_limit()
    long = tmp_path / "long.csv"
    long.write_text(f'slug,notes\nlong-a,"{"n" * 200_000}"\nlong-b\n')
    refused = run("import", str(long), "--kind", "models")
    assert refused.stderr == (
        f"trendlab: error: {long}:3: 1 field, but the header has 2; nothing was written\n"
    )
    assert csv.field_size_limit() == limit


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "parquet"])
def test_an_export_of_no_records_imports_as_nothing(run_empty: Run, tmp_path: Path, fmt: str):
    """`[]`, an empty JSON Lines file, a header or a schema alone: what export writes
    for a kind with no records imports back as nothing, not as an error."""
    for kind in IMPORTABLE:
        out = tmp_path / f"{kind}.{fmt}"
        assert run_empty("export", kind, "--format", fmt, "-o", str(out)).exit_code == 0
        result = run_empty("import", str(out))
        assert result.exit_code == 0, (kind, result.stderr)
        assert result.stderr == f"{kind}: nothing; nothing to write\n"
    assert run_empty("log", "--json").stdout.strip() == "[]"
    # From stdin, nothing at all is more likely a producer upstream that failed.
    piped = run_empty("import", "-", "--kind", "results", "-f", fmt, input="")
    assert (
        piped.exit_code == 1
        and piped.stderr == "trendlab: error: stdin: the file is empty; nothing was written\n"
    )


@both_stores
def test_export_imports_into_a_fresh_database(run: Run, run_empty: Run, tmp_path: Path):
    # A renamed organization travels too (models would create it with the old name).
    assert (
        run("edit", "organization", "openai", "--set", "name=OpenAI Inc.", "-m", "x").exit_code == 0
    )
    for kind in IMPORTABLE:
        path = tmp_path / f"{kind}.parquet"
        assert run("export", kind, "-o", str(path)).exit_code == 0
        result = run_empty("import", str(path))
        assert result.exit_code == 0, result.stderr
        assert run_empty("export", kind).stdout == run("export", kind).stdout


@both_stores
def test_changed_rows_become_revisions_and_absent_columns_keep_values(run: Run, tmp_path: Path):
    path = tmp_path / "models.csv"
    path.write_text("slug,release_date\ngpt-4,2023-03-15\nclaude-3-opus,2024-03-04\n")
    result = run("import", str(path), "-m", "fix GPT-4 date")
    assert result.exit_code == 0, result.stderr
    assert "models: 1 updated, 1 unchanged" in result.stderr
    shown = json.loads(run("show", "model", "gpt-4", "--json").stdout)
    assert shown["release_date"] == "2023-03-15"
    assert shown["name"] == "GPT-4" and shown["organization"] == "OpenAI"  # kept
    history = json.loads(run("history", "model", "gpt-4", "--json").stdout)
    assert history[-1]["changes"] == ["release_date: 2023-03-14 -> 2023-03-15"]


def test_a_value_given_where_there_was_none_and_a_blank_that_clears_one_are_changes(
    run: Run, tmp_path: Path
):
    """A change from unknown (NULL) to a value, or back, is a change like any other: a
    comparison that is unknown when one side is must not read it as unchanged."""
    assert run("add-model", "imp-null", "-m", "t").exit_code == 0
    path = tmp_path / "models.csv"
    for cell, parameters in (("7e9", 7e9), ("", None)):
        path.write_text(f"slug,parameters\nimp-null,{cell}\n")
        result = run("import", str(path), "-m", "t")
        assert result.exit_code == 0, result.stderr
        assert "models: 1 updated" in result.stderr, result.stderr
        shown = json.loads(run("show", "model", "imp-null", "--json").stdout)
        assert shown["parameters"] == parameters


def test_a_percent_sign_is_refused_naming_the_number_to_write(run: Run, tmp_path: Path):
    """A score typed as a spreadsheet shows it, 50.3%, is refused (--from epoch reads
    Epoch's percent strings; trendlab's own columns take the number), naming the fix."""
    path = _results_csv(
        tmp_path / "results.csv",
        ["gpt-4,mmlu,50.3%,a,2024-01-01,https://e.org/p", "gpt-4,mmlu,abc%,b,,https://e.org/p"],
    )
    result = run("import", str(path))
    assert result.exit_code == 1
    assert (
        f"{path}:2: score: '50.3%' is not a finite number (write it without the %: 50.3)"
        in result.stderr
    ), result.stderr
    assert f"{path}:3: score: 'abc%' is not a finite number\n" in result.stderr


def test_a_url_holding_a_control_or_invisible_character_is_refused(
    run: Run, db: Path, tmp_path: Path
):
    """A result's source URL is part of its key: with a control character (\\x01), a
    DEL or a U+200B it was stored, a key that looks like another's (a URL writes such
    characters percent-encoded). One stored before the rule stays, and its record editable."""
    path = _results_csv(
        tmp_path / "results.csv",
        [
            "gpt-4,mmlu,80,a,,https://e.org/n\x01",
            "gpt-4,mmlu,81,b,,https://e.org/\u200bn",
            "gpt-4,mmlu,82,c,,https://e.org/x\x7f",
            "gpt-4,mmlu,83,d,,https://e.org/\u200dn",  # a joiner, as names may hold
        ],
    )
    before = run("log", "--json").stdout
    result = run("import", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == [
        f"  {path}:2: source_url: 'https://e.org/n\\x01' holds a control character, which a "
        "URL writes percent-encoded",
        f"  {path}:3: source_url: 'https://e.org/\\u200bn' holds an invisible format character "
        "(U+200B ZERO WIDTH SPACE), which a URL writes percent-encoded",
        f"  {path}:4: source_url: 'https://e.org/x\\x7f' holds a control character, which a "
        "URL writes percent-encoded",
    ], result.stderr
    assert run("log", "--json").stdout == before
    added = run("add-model", "url-m", "--source-url", "https://e.org/\u202eevil")
    # Typed on the command line, the same value is a usage error naming the option.
    assert added.exit_code == 2 and "--source-url: " in added.stderr, added.stderr
    assert "U+202E" in added.stderr, added.stderr

    store = Store.open(db, read_only=False)
    revise_around(
        store.con, changeset_around(store.con), "model_revisions", "gpt-4",
        source_url="https://e.org/old\x01",
    )  # fmt: skip
    # A line break fails the URL pattern's no-space rule too: it was listed twice.
    revise_around(
        store.con, changeset_around(store.con), "model_revisions", "claude-3-opus",
        source_url="https://e.org/two\nlines",
    )  # fmt: skip
    store.close()
    edited = run("edit", "model", "gpt-4", "--set", "notes=still editable", "-m", "t")
    assert edited.exit_code == 0, edited.stderr
    checked = run("check", "--json")
    assert checked.exit_code == 1
    assert checked.stderr.endswith(": 2 integrity violations\n")
    assert [(v["key"], v["problem"]) for v in json.loads(checked.stdout)] == [
        (
            "claude-3-opus",
            "source_url: 'https://e.org/two\nlines' holds a control character, which a URL "
            "writes percent-encoded",
        ),
        (
            "gpt-4",
            "source_url: 'https://e.org/old\x01' holds a control character, which a URL "
            "writes percent-encoded",
        ),
    ]


def test_dry_run_counts_and_writes_nothing(run: Run, tmp_path: Path):
    path = _results_csv(tmp_path / "results.csv", ["gpt-4,mmlu,61,x,2024-01-01,https://e.org/d"])
    before = run("log", "--json").stdout
    result = run("import", str(path), "--dry-run")
    assert result.exit_code == 0
    assert "dry run: results: 1 added; nothing written" in result.stderr
    assert run("log", "--json").stdout == before


def test_a_dry_runs_notes_say_what_the_write_would_do(run: Run, tmp_path: Path):
    """After 'dry run: ...; nothing written', the notes said the records 'are now dated
    before' a release and 'have no date', of a database the dry run left as it was."""
    models = tmp_path / "models.csv"
    models.write_text("slug,name,release_date\ngpt-4,GPT-4,2026-01-01\n", encoding="utf-8")
    result = run("import", str(models), "--dry-run")
    assert result.exit_code == 0, result.stderr
    said = result.stderr.splitlines()
    assert said[0] == "dry run: models: 1 updated; nothing written"
    assert said[1].startswith(
        "had it been written: 4 results and 1 price of gpt-4 are now dated before its release, "
        "2026-01-01; they are kept"
    )
    models.write_text("slug,name,release_date\ngpt-4,GPT-4,\n", encoding="utf-8")
    result = run("import", str(models), "--dry-run")
    assert result.stderr.splitlines()[1].startswith(
        "had it been written: 5 results have no date (no reported_date, and their model gpt-4 "
        "has no release date)"
    )
    # Written, the notes say what the write did, as they always have.
    result = run("import", str(models))
    assert result.stderr.splitlines()[1].startswith("5 results have no date (no reported_date")


@both_stores
def test_stdin_and_formats(run: Run, tmp_path: Path):
    csv_text = HEADER + "\ngpt-4,mmlu,62,stdin,2024-01-01,https://e.org/s\n"
    result = run("import", "-", "--kind", "results", input=csv_text)
    assert result.exit_code == 0, result.stderr
    records = [{"model": "gpt-4", "benchmark": "mmlu", "score": 63, "setting": "json"}]
    result = run("import", "-", "--kind", "results", "-f", "json", input=json.dumps(records))
    assert result.exit_code == 0, result.stderr
    parquet = tmp_path / "x.parquet"
    pl.DataFrame(
        {"model": ["gpt-4"], "benchmark": ["mmlu"], "score": [64.0], "setting": ["pq"]}
    ).write_parquet(parquet)
    result = run("import", str(parquet), "--kind", "results")
    assert result.exit_code == 0, result.stderr
    scores = {
        r["setting"]: r["score"]
        for r in json.loads(
            run("list", "results", "--model", "gpt-4", "--benchmark", "mmlu", "--json").stdout
        )
    }
    assert (scores["stdin"], scores["json"], scores["pq"]) == (62, 63, 64)


@pytest.mark.parametrize(
    "args", [["import", "-", "--kind", "results"], ["query", "-"]], ids=["import", "query"]
)
def test_a_closed_stdin_is_one_line_not_a_bug(db: Path, args: list[str]):
    """`<&-` leaves Python no sys.stdin: reading it was "internal error (AttributeError:
    'NoneType' object has no attribute ...)", exit 70, as a closed stdout was."""
    command = [sys.executable, "-m", "trendlab", "--db", str(db), *args]
    closed = subprocess.run(
        ["sh", "-c", '"$@" <&-', "sh", *command], capture_output=True, text=True
    )
    assert closed.returncode == 1
    written = "; nothing was written" if args[0] == "import" else ""
    assert closed.stderr == f"trendlab: error: cannot read stdin: it is closed{written}\n"
    assert closed.stdout == ""


def test_json_or_parquet_read_as_csv_names_the_format(run: Run, tmp_path: Path):
    """stdin is read as CSV unless -f says otherwise: `export --jsonl | import -` was
    "malformed CSV header", and Parquet "not valid UTF-8 (byte 0x..)", naming no fix."""
    before = run("log", "--json").stdout
    records = [{"model": "gpt-4", "benchmark": "mmlu", "score": 63, "setting": "j"}]
    parquet = tmp_path / "x.parquet"
    pl.DataFrame(records).write_parquet(parquet)
    for data, fmt, what in (
        (json.dumps(records), "json", "JSON"),
        ("\ufeff" + json.dumps(records[0]) + "\n", "jsonl", "JSON Lines"),
        (parquet.read_bytes(), "parquet", "Parquet"),
    ):
        result = run("import", "-", "--kind", "results", input=data)
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr == (
            f"trendlab: error: stdin: the file looks like {what}, not CSV: "
            f"pass -f/--input-format {fmt}; nothing was written\n"
        ), result.stderr
        misnamed = tmp_path / "results.csv"
        misnamed.write_bytes(data if isinstance(data, bytes) else data.encode())
        result = run("import", str(misnamed))
        assert result.exit_code == 1 and f"{misnamed}: the file looks like {what}" in result.stderr
        result = run("import", "-", "--kind", "results", "-f", fmt, "--dry-run", input=data)
        assert result.exit_code == 0, result.stderr
    assert run("log", "--json").stdout == before


def test_an_object_on_one_line_is_json_lines_only_when_it_is_a_record(run: Run, tmp_path: Path):
    """Any JSON object on one line of a .json file was told it looks like JSON Lines
    (pass -f jsonl), an llm-prices vendor list imported without --from too: only one
    whose fields are some kind's is; an llm-prices list is pointed to --from."""
    path = tmp_path / "openai.json"
    for text, said in (
        ('{"vendor": "openai", "models": []}', "; an llm-prices price list imports with --from"),
        ('{"x": 1}', ": expected a JSON array of records; nothing was written\n"),
        ('{"slug": "gpt-4"}', ": the file looks like JSON Lines, not JSON"),
    ):
        path.write_text(text + "\n")
        result = run("import", str(path), "--kind", "models")
        assert result.exit_code == 1 and said in result.stderr, result.stderr


def test_a_compressed_file_is_told_to_be_decompressed(run: Run, tmp_path: Path):
    """A gzip-compressed export (results.csv.gz, read with -f) was 'not valid UTF-8 (byte
    0x8b); save the file as UTF-8', which it was, compressed."""
    import gzip

    path = tmp_path / "results.csv.gz"
    path.write_bytes(gzip.compress(b"model,benchmark,score\ngpt-4,mmlu,86.4\n"))
    for fmt in ("csv", "json", "jsonl", "parquet"):
        result = run("import", str(path), "--kind", "results", "-f", fmt)
        assert (result.exit_code, result.stderr) == (
            1,
            f"trendlab: error: {path}: the file is gzip-compressed: decompress it (gunzip) "
            "and import what it holds; nothing was written\n",
        )


def test_a_compressed_file_is_told_first_however_it_is_named(run: Run, tmp_path: Path):
    """Named as it is (results.csv.gz), with no --kind or -f, it was first 'cannot tell
    what results.csv.gz holds from its name: pass --kind', then 'cannot tell the format
    from the extension': two options given for a file none of them would read."""
    import gzip

    path = tmp_path / "results.csv.gz"
    path.write_bytes(gzip.compress(b"model,benchmark,score\ngpt-4,mmlu,86.4\n"))
    for given in ((), ("--kind", "results")):
        result = run("import", str(path), *given)
        assert (result.exit_code, result.stderr) == (
            1,
            f"trendlab: error: {path}: the file is gzip-compressed: decompress it (gunzip) "
            "and import what it holds; nothing was written\n",
        )


@pytest.mark.parametrize(
    ("source", "published"),
    [("metr", "metr/benchmark_results.yaml"), ("llm-prices", "llm-prices/historical.json")],
)
def test_a_compressed_source_file_is_told_to_be_decompressed(
    run: Run, tmp_path: Path, source: str, published: str
):
    """METR's YAML gzip-compressed was still 'not valid UTF-8 (byte 0x8b); save the file
    as UTF-8', as a file of trendlab's own columns was."""
    import gzip

    path = tmp_path / Path(published).name
    path.write_bytes(gzip.compress((DATA / published).read_bytes()))
    result = run("import", "--from", source, str(path))
    assert (result.exit_code, result.stderr) == (
        1,
        f"trendlab: error: {path}: the file is gzip-compressed: decompress it (gunzip) "
        "and import what it holds; nothing was written\n",
    )


def test_a_file_read_in_another_text_format_names_the_format(run: Run, tmp_path: Path):
    """Parquet read as JSON or JSON Lines was "not valid UTF-8 (byte 0x..); save the
    file as UTF-8", JSON Lines read as JSON "invalid JSON: Extra data", and JSON read
    as JSON Lines "invalid JSON: Expecting value": none named the format to read. JSON
    Lines of one record read as JSON was "expected a JSON array of records"."""
    before = run("log", "--json").stdout
    records = [{"slug": "gpt-4", "notes": "a"}, {"slug": "gpt-4o", "notes": "b"}]
    parquet = tmp_path / "x.parquet"
    pl.DataFrame(records).write_parquet(parquet)
    array = json.dumps(records)
    lines = "".join(json.dumps(r) + "\n" for r in records)
    for data, fmt, found in (
        (parquet.read_bytes(), "json", "parquet"),
        (parquet.read_bytes(), "jsonl", "parquet"),
        (lines, "json", "jsonl"),
        (lines.splitlines()[0], "json", "jsonl"),  # one record parses as JSON too
        (array, "jsonl", "json"),
        (json.dumps(records, indent=2), "jsonl", "json"),
    ):
        result = run("import", "-", "--kind", "models", "-f", fmt, input=data)
        what = {"parquet": "Parquet", "json": "JSON", "jsonl": "JSON Lines"}
        assert result.stderr == (
            f"trendlab: error: stdin: the file looks like {what[found]}, not {what[fmt]}: "
            f"pass -f/--input-format {found}; nothing was written\n"
        ), (fmt, found, result.stderr)
        assert result.exit_code == 1
        again = run("import", "-", "--kind", "models", "-f", found, "--dry-run", input=data)
        assert again.exit_code == 0, again.stderr
    # Broken JSON of the format asked for is still named by its line.
    broken = run("import", "-", "--kind", "models", "-f", "json", input='[{"slug": \n')
    assert broken.stderr == (
        "trendlab: error: stdin:2: invalid JSON: Expecting value at column 1; nothing was written\n"
    )
    assert run("log", "--json").stdout == before


def test_results_added_for_want_of_a_key_column_are_counted(run: Run, tmp_path: Path):
    """An export with its source_url column dropped, imported back, added a copy of
    every result that had a source URL ("7 added"), saying nothing: the key differs
    for want of the column. Now stderr counts them; what is written is unchanged."""
    exported = tmp_path / "results.csv"
    assert run("export", "results", "-o", str(exported)).exit_code == 0
    frame = pl.read_csv(exported, infer_schema=False).filter(pl.col("benchmark") == "math")
    with_url = frame.filter(pl.col("source_url").is_not_null()).height
    no_url = tmp_path / "math.csv"
    frame.drop("source_url").write_csv(no_url)
    result = run("import", str(no_url), "--kind", "results", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[1].startswith(
        f"had it been written: {with_url} results added by a file with no source_url column "
        "share the model, "
        "benchmark and setting of a stored result: if they are those results again"
    ), result.stderr
    # Without both columns of the key, both are named, as columns.
    frame.drop("source_url", "setting").write_csv(no_url)
    result = run("import", str(no_url), "--kind", "results", "--dry-run")
    assert (
        "added by a file with no setting and source_url columns share the model and "
        + ("benchmark of a stored result")
        in result.stderr
    ), result.stderr
    assert "import the file with those columns" in result.stderr
    # A file with every column adds nothing, and says nothing of the kind.
    result = run("import", str(exported), "--kind", "results", "--dry-run")
    assert result.exit_code == 0 and "no source_url column" not in result.stderr
    # Nor does a new setting: no stored result has it.
    frame.drop("source_url").with_columns(pl.lit("new-setting").alias("setting")).write_csv(no_url)
    result = run("import", str(no_url), "--kind", "results", "--dry-run")
    assert result.exit_code == 0 and "no source_url column" not in result.stderr, result.stderr


def test_a_twin_whose_source_url_is_spelled_otherwise_is_counted(run: Run, tmp_path: Path):
    """A file without a setting column, citing a stored result's source URL in other
    capitals or ending in a slash (one source to the write), added a copy of it without
    a word, where the URL as stored was counted as perhaps that result again."""
    added = run(
        "add-result", "gpt-4", "gsm8k", "10", "--setting", "5-shot",
        "--source-url", "https://example.org/r",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    path = tmp_path / "results.csv"
    path.write_text("model,benchmark,score,source_url\ngpt-4,gsm8k,10,HTTPS://EXAMPLE.ORG/r/\n")
    result = run("import", str(path), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert (
        "\nhad it been written: 1 result added by a file with no setting column shares the "
        "model, benchmark and source_url of a stored result: if it is that result again"
    ) in result.stderr, result.stderr


def test_json_records_leaving_out_key_fields_are_counted_as_a_file_without_them(
    run: Run, tmp_path: Path
):
    """A JSON record leaving out setting and source_url stands for a row without their
    columns, but it was counted only when every record left them out: beside one record
    that gives them, a copy of a stored result was added without a word."""
    path = tmp_path / "results.json"
    bare = {"model": "gpt-4", "benchmark": "mmlu", "score": 86.4}
    full = {**bare, "setting": "new-setting", "source_url": "https://example.org/x"}
    for records in ([bare], [bare, full]):
        path.write_text(json.dumps(records))
        result = run("import", str(path), "--dry-run")
        assert result.exit_code == 0, result.stderr
        assert result.stderr.splitlines()[1].startswith(
            "had it been written: 1 result added by a file with no setting and source_url "
            "columns shares the model and benchmark of a stored result"
        ), result.stderr
    # A record giving a setting no stored result has is no twin, whatever it leaves out.
    path.write_text(json.dumps([{**bare, "setting": "new-setting"}, full]))
    result = run("import", str(path), "--dry-run")
    assert result.exit_code == 0 and "shares the" not in result.stderr, result.stderr


def test_kind_is_needed_when_the_name_does_not_say(run: Run, tmp_path: Path):
    path = _results_csv(tmp_path / "data.csv", ["gpt-4,mmlu,50,,,"])
    result = run("import", str(path))
    assert result.exit_code == 2 and "pass --kind" in result.stderr
    odd = tmp_path / "results.txt"
    odd.write_text(path.read_text())
    result = run("import", str(odd))
    assert result.exit_code == 2
    assert "cannot tell the format" in result.stderr and "pass -f/--input-format" in result.stderr
    # Every suffix import reads is offered, .ndjson and .pq too.
    assert all(re.search(rf"{re.escape(suffix)}\b", result.stderr) for suffix in SUFFIXES)
    assert run("import", str(odd), "-f", "csv", "-m", "t").exit_code == 0
    # Named as --kind takes it, singular too: model.csv was "cannot tell what it holds".
    single = tmp_path / "Model.csv"
    single.write_text("slug,name\nkind-by-name,K\n")
    told = run("import", str(single), "-m", "t")
    assert told.exit_code == 0, told.stderr
    assert json.loads(run("show", "model", "kind-by-name", "--json").stdout)["name"] == "K"


def test_a_count_a_double_cannot_hold_is_refused_and_a_measure_rounded(run: Run, tmp_path: Path):
    """A Parquet UInt64 of 2**64 - 1 was stored as the double 2**64, silently. A count
    (parameters, training tokens) in whole digits must be stored as written, so it is
    refused naming file, row and field and the double it would be; training compute, an
    estimate, and a score take the nearest double, as any float written in digits."""
    big = pl.Series([2**64 - 1], dtype=pl.UInt64)
    models = tmp_path / "models.parquet"
    pl.DataFrame({"slug": ["huge"], "parameters": big, "training_tokens": big}).write_parquet(
        models
    )
    result = run("import", str(models), "-m", "t")
    assert result.exit_code == 1, result.stderr
    said = (
        "is a count a double cannot hold exactly: it would be stored as "
        "18446744073709551616 (write 1.8446744073709552e+19 to store it rounded)"
    )
    for field in ("parameters", "training_tokens"):
        assert f"{field}: '18446744073709551615' {said}" in result.stderr, result.stderr
    assert result.stderr.startswith(f"trendlab: error: {models}:row 1: parameters: ")
    result = run("add-model", "huge", "--parameters", "9007199254740993")
    assert result.exit_code == 2, result.stderr
    assert "--parameters: '9007199254740993' is a count a double cannot hold" in result.stderr
    # Exactly held, or written as a float: stored.
    for n, parameters in enumerate(("9007199254740992", "1" + "0" * 20, "1.84467440737095516e19")):
        added = run("add-model", f"huge-{n}", "--parameters", parameters)
        assert added.exit_code == 0, added.stderr
    assert run("add-model", "huge").exit_code == 0
    compute = tmp_path / "compute.parquet"
    pl.DataFrame({"slug": ["huge"], "training_compute_flop": big}).write_parquet(compute)
    assert run("import", str(compute), "--kind", "models", "-m", "t").exit_code == 0
    assert run("add-benchmark", "points", "--unit", "score").exit_code == 0
    scores = tmp_path / "results.parquet"
    pl.DataFrame({"model": ["huge"], "benchmark": ["points"], "score": big}).write_parquet(scores)
    assert run("import", str(scores), "-m", "t").exit_code == 0
    shown = json.loads(run("show", "model", "huge", "--json").stdout)
    assert shown["training_compute_flop"] == 2.0**64


def test_export_writes_only_names_import_reads_back(run: Run, tmp_path: Path):
    """export -o results.txt wrote CSV that import then refused for its suffix: export
    now refuses a name whose suffix says no format, as import does, unless told one;
    and writes every suffix import reads (.ndjson, .pq)."""
    for name in ("results.txt", "results", "results.tsv"):
        target = tmp_path / name
        result = run("export", "results", "-o", str(target))
        assert result.exit_code == 2, result.stderr
        assert (
            f"cannot tell the format from -o {target}: give --format csv|json|jsonl|parquet "
            "(import reads a file by its suffix)"
        ) in result.stderr, result.stderr
        assert not target.exists()
    told = tmp_path / "results.txt"
    assert run("export", "results", "--csv", "-o", str(told)).exit_code == 0
    assert run("import", str(told)).exit_code == 2  # as for any such name: say -f
    back = run("import", str(told), "-f", "csv", "--dry-run")
    assert back.exit_code == 0 and "1647 unchanged" in back.stderr, back.stderr
    for name in ("results.ndjson", "results.pq"):
        target = tmp_path / name
        assert run("export", "results", "-o", str(target)).exit_code == 0
        back = run("import", str(target), "--dry-run")
        assert back.exit_code == 0 and "1647 unchanged" in back.stderr, back.stderr
    # A table is text, and stdout is CSV for import's stdin, as before.
    assert run("list", "models", "-o", str(tmp_path / "models.txt")).exit_code == 0
    assert run("export", "results", "-o", "-").stdout.startswith("model,benchmark,score")


def test_a_folder_is_refused_as_a_folder(run: Run, tmp_path: Path):
    """Without --from a folder was told to pass --kind, then that its extension told no
    format, neither of which could help. The path given is wrong, not data in a file:
    a usage error (it exited 1)."""
    folder = tmp_path / "results"
    folder.mkdir()
    expected = (
        f"trendlab: error: cannot read {folder}: a folder; import reads one file "
        "(--from epoch reads a folder) (see 'cli import --help')\n"
    )
    for args in ([], ["--kind", "results"], ["--kind", "results", "-f", "csv"]):
        result = run("import", str(folder), *args)
        assert result.exit_code == 2, args
        assert result.stderr == expected, args


def test_a_folder_given_to_a_source_read_from_one_file_is_a_usage_error(run: Run, tmp_path: Path):
    """--from llm-prices and --from metr read one file: a folder, whatever its name,
    is the command line's mistake, as it is without --from (it exited 1, saying only
    'Is a directory')."""
    before = run("log", "--json").stdout
    for source, name in (
        ("llm-prices", "prices"),
        ("llm-prices", "openai.json"),
        ("metr", "results"),
        ("metr", "benchmark_results_1_1.yaml"),
    ):
        folder = tmp_path / name
        folder.mkdir()
        result = run("import", "--from", source, str(folder))
        assert result.exit_code == 2, (source, name, result.stderr)
        assert result.stderr == (
            f"trendlab: error: cannot read {folder}: a folder; --from {source} reads one "
            "file (--from epoch reads a folder) (see 'cli import --help')\n"
        )
        assert result.stdout == ""
    assert run("log", "--json").stdout == before


def test_a_missing_file_is_named_missing_whatever_its_name(run: Run, tmp_path: Path):
    """A name that tells no kind was asked for --kind, though no --kind would help. A
    file that is not there is the command line's mistake: a usage error (it exited 1),
    as Click's own check of a path is."""
    for name, args in (("nonexist.csv", []), ("results.csv", []), ("x.csv", ["--kind", "results"])):
        result = run("import", str(tmp_path / name), *args)
        assert result.exit_code == 2, name
        assert result.stderr == (
            f"trendlab: error: cannot read {tmp_path / name}: no such file "
            "(see 'cli import --help')\n"
        )
    # With --from, whichever source reads it.
    for source in ("epoch", "llm-prices", "metr"):
        missing = run("import", "--from", source, str(tmp_path / "nope"))
        assert missing.exit_code == 2, (source, missing.stderr)
        assert f"cannot read {tmp_path / 'nope'}: no such file" in missing.stderr


def test_a_file_under_a_folder_that_may_not_be_opened_is_named_not_a_traceback(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A folder without search permission makes every look at a path under it fail:
    Path.is_dir raised PermissionError, an internal error (exit 70), with --from too."""
    locked = tmp_path / "locked"
    is_dir = Path.is_dir

    def refused(path: Path) -> bool:
        if locked in path.parents:
            raise PermissionError(13, "Permission denied", str(path))
        return is_dir(path)

    monkeypatch.setattr(Path, "is_dir", refused)
    before = run("log", "--json").stdout
    for args in (["--kind", "results"], ["--from", "epoch"], ["--from", "metr"]):
        result = run("import", str(locked / "results.csv"), *args)
        assert result.exit_code == 1, (args, result.stderr)
        assert result.stderr == (
            f"trendlab: error: cannot read {locked / 'results.csv'}: Permission denied; "
            "nothing was written\n"
        ), args
    assert run("log", "--json").stdout == before


def test_the_reader_itself_refuses_a_folder_and_a_missing_file(tmp_path: Path):
    """The rule lives in the core (ingest), which any caller of read_records meets."""
    with pytest.raises(TrendlabError, match="a folder; import reads one file"):
        read_records(str(tmp_path), "csv")
    with pytest.raises(TrendlabError, match="no such file"):
        read_records(str(tmp_path / "results.csv"))


def test_long_organization_names_alike_in_their_first_100_characters_are_two(run: Run):
    """A name's slug was cut to a slug's 100 characters, so a second name alike in those
    named no new organization: its model was taken for the first one's, silently."""
    common = "International Consortium " * 5
    for model, lab in (("l1", "Lab A"), ("l2", "Lab B")):
        added = run("add-model", model, "--organization", common + lab, "-m", "t")
        assert added.exit_code == 0, added.stderr
        assert "added organization" in added.stderr, added.stderr
    names = [o["name"] for o in json.loads(run("list", "organizations", "--json").stdout)]
    assert common + "Lab A" in names and common + "Lab B" in names
    slugs = [o["slug"] for o in json.loads(run("list", "organizations", "--json").stdout)]
    assert all(len(s) <= 100 for s in slugs)
    assert run("check").exit_code == 0


def test_new_models_create_organizations_and_results_can_follow(run: Run, tmp_path: Path):
    models = tmp_path / "models.jsonl"
    models.write_text(
        '{"slug": "acme-1", "name": "Acme 1", "organization": "Acme AI", "release_date": "2025-01-02"}\n'
        '{"slug": "acme-2", "organization": "Acme AI", "open_weights": true}\n'
    )
    result = run("import", str(models))
    assert result.exit_code == 0, result.stderr
    assert "models: 2 added" in result.stderr
    assert "acme-ai" in run("list", "organizations", "--csv").stdout
    results = _results_csv(tmp_path / "results.csv", ["acme-1,mmlu,70,,,https://e.org/acme"])
    assert run("import", str(results)).exit_code == 0


def test_a_pipe_is_read_once_even_to_explain_an_error(run: Run, tmp_path: Path):
    import os
    import threading

    fifo = tmp_path / "results.pipe"
    os.mkfifo(fifo)
    # A quoted field spanning lines makes the error's line number need a second read.
    body = 'model,benchmark,score,notes\ngpt-4,mmlu,x,"a\nb"\n'
    writer = threading.Thread(target=fifo.write_text, args=(body,))
    writer.start()
    result = run("import", str(fifo), "-f", "csv", "--kind", "results")
    writer.join()
    assert result.exit_code == 1
    assert f"{fifo}:2: score: 'x' is not a finite number" in result.stderr


def test_a_short_row_is_refused_whatever_the_line_ends(run: Run, tmp_path: Path):
    for end in ("\n", "\r\n", "\r"):
        path = tmp_path / "results.csv"
        path.write_bytes(f"model,benchmark,score,setting{end}gpt-4,mmlu,41{end}".encode())
        result = run("import", str(path), "--dry-run")
        assert result.exit_code == 1, (end, result.stderr)
        assert f"{path}:2: 3 fields, but the header has 4" in result.stderr
    # Trailing empty fields written out are fine.
    path.write_text("model,benchmark,score,setting\ngpt-4,mmlu,41,\n")
    assert run("import", str(path), "--dry-run").exit_code == 0


def test_a_blank_csv_line_is_skipped_and_later_lines_keep_their_numbers(run: Run, tmp_path: Path):
    path = tmp_path / "models.csv"
    for end in ("\n", "\r\n", "\r"):
        path.write_bytes(f"slug,name{end}c10,A{end}{end}".encode())
        result = run("import", str(path), "--dry-run")
        assert result.exit_code == 0, (end, result.stderr)
        assert "models: 1 added" in result.stderr
    # Blank lines before, between and inside quotes (of notes: a name is one line); a
    # row of empty fields and a line of spaces are still rows, and errors.
    path.write_text(
        'slug,notes\n\nc10,A\n\nBAD SLUG,B\n\n\nc11,"x\n\ny"\n,\nc10,Z\n\n', encoding="utf-8"
    )
    result = run("import", str(path), "--dry-run")
    assert result.exit_code == 1
    assert f"{path}:5: slug: 'BAD SLUG' is not a slug" in result.stderr
    assert f"{path}:11: missing slug" in result.stderr
    assert f"{path}:12: same slug as line 3" in result.stderr
    assert "3 bad rows" in result.stderr
    path.write_text("slug,name\nc10,A\n  \nc11,B\n", encoding="utf-8")
    result = run("import", str(path), "--dry-run")
    assert result.exit_code == 1 and f"{path}:3: 1 field, but the header has 2" in result.stderr
    path.write_text("slug\nc10\n  \n\nc11\n", encoding="utf-8")
    result = run("import", str(path), "--dry-run")
    assert result.exit_code == 1 and f"{path}:3: missing slug;" in result.stderr


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
@both_stores
def test_a_field_one_json_record_leaves_out_keeps_its_stored_value(
    run: Run, tmp_path: Path, fmt: str
):
    records = [
        {"slug": "gpt-4", "release_date": "2023-03-15"},
        {"slug": "foo-5", "name": "Foo 5", "notes": "n"},
    ]
    path = tmp_path / f"models.{fmt}"

    def write(records: list[dict[str, str]]) -> None:
        lines = [json.dumps(records)] if fmt == "json" else map(json.dumps, records)
        path.write_text("\n".join(lines))

    write(records)
    before = json.loads(run("show", "model", "gpt-4", "--json").stdout)
    result = run("import", str(path), "-m", "two shapes")
    assert result.exit_code == 0, result.stderr
    assert "models: 1 added, 1 updated" in result.stderr, result.stderr
    after = json.loads(run("show", "model", "gpt-4", "--json").stdout)
    assert after == before | {"release_date": "2023-03-15"}  # name and notes kept
    history = json.loads(run("history", "model", "gpt-4", "--json").stdout)
    assert history[-1]["changes"] == ["release_date: 2023-03-14 -> 2023-03-15"]
    foo = json.loads(run("show", "model", "foo-5", "--json").stdout)
    assert (foo["name"], foo["notes"], foo["release_date"]) == ("Foo 5", "n", None)
    # Every bad record is listed, and a record given twice is caught, whatever it holds.
    write([{"slug": "bar-6", "release_date": "2999-01-01"}, {"slug": "b-7", "parameters": "x"}])
    bad = run("import", str(path), "-m", "bad")
    assert bad.exit_code == 1 and "2 bad rows" in bad.stderr, bad.stderr
    assert "release_date" in bad.stderr and "parameters" in bad.stderr
    write([{"slug": "bar-7", "name": "Bar"}, {"slug": "bar-7"}])
    twice = run("import", str(path), "-m", "twice")
    assert twice.exit_code == 1 and "same slug as" in twice.stderr, twice.stderr
    assert run("show", "model", "bar-6").stderr == "trendlab: error: no current model 'bar-6'\n"
    assert run("show", "model", "bar-7").stderr == "trendlab: error: no current model 'bar-7'\n"


def test_a_json_record_leaving_out_a_bound_is_judged_with_its_stored_value(
    run: Run, tmp_path: Path
):
    """When another record of the file gave every field that floor and ceiling (or a
    price's two sides) are judged by, a record leaving one out was judged with null
    for it instead of its stored value: refused, though it imports alone."""
    added = run(
        "add-benchmark", "err-rate", "--unit", "percent", "--no-higher-is-better",
        "--floor", "100", "--ceiling", "0",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert run("add-price", "gpt-4", "Acme", "2024-01-01", "--input", "5").exit_code == 0
    benchmarks = [
        {"slug": "math", "unit": "percent", "higher_is_better": True, "floor": 0, "ceiling": 100},
        {"slug": "err-rate", "unit": "percent", "floor": 100, "ceiling": 1},  # lower is better
    ]
    prices = [
        {"model": "gpt-4o", "provider": "Acme", "effective_date": "2024-06-01",
         "input_usd_per_mtok": 1, "output_usd_per_mtok": 2},
        {"model": "gpt-4", "provider": "Acme", "effective_date": "2024-01-01",
         "output_usd_per_mtok": None},  # its input price stays 5
    ]  # fmt: skip
    for kind, records in (("benchmarks", benchmarks), ("prices", prices)):
        path = tmp_path / f"{kind}.json"
        path.write_text(json.dumps(records))
        result = run("import", str(path), "-m", "two shapes")
        assert result.exit_code == 0, result.stderr
    err = json.loads(run("show", "benchmark", "err-rate", "--json").stdout)
    assert (err["higher_is_better"], err["floor"], err["ceiling"]) == (False, 100, 1)
    price = json.loads(run("show", "price", "gpt-4/Acme/2024-01-01", "--json").stdout)
    assert (price["input_usd_per_mtok"], price["output_usd_per_mtok"]) == (5, None)
    # Bounds that are wrong once merged are still refused, naming the record.
    benchmarks[1] = {"slug": "err-rate", "unit": "percent", "floor": 1, "ceiling": 50}
    path = tmp_path / "benchmarks.json"
    path.write_text(json.dumps(benchmarks))
    wrong = run("import", str(path), "-m", "wrong")
    assert wrong.exit_code == 1
    assert f"{path}:1: floor must be above ceiling when lower is better" in wrong.stderr


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_records_of_different_fields_line_up(tmp_path: Path, fmt: str):
    # A field first met at a later record is null, and absent, in the records before it
    # (and in any after that leave it out); every record keeps its own values.
    from trendlab.ingest import ROW, read_records

    records = [{"a": "1"}, {"a": 2, "b": True}, {"c": None}, {"b": "x", "a": 4.5}]
    path = tmp_path / f"r.{fmt}"
    lines = [json.dumps(records)] if fmt == "json" else [json.dumps(r) for r in records]
    path.write_text("\n".join(lines))
    loaded = read_records(str(path))
    assert loaded.frame.to_dict(as_series=False) == {
        ROW: [0, 1, 2, 3],
        "a": ["1", "2", None, "4.5"],
        "b": [None, "true", None, "x"],
        "c": [None, None, None, None],
    }
    assert loaded.absent is not None
    assert loaded.absent.to_dict(as_series=False) == {
        ROW: [0, 1, 2, 3],
        "a": [False, False, True, False],
        "b": [True, False, True, False],
        "c": [True, True, False, True],
    }


def test_import_kind_is_named_as_every_kind_is(run: Run, tmp_path: Path):
    """--kind took only lowercase plurals, where every other KIND takes any case and the
    singular too."""
    path = tmp_path / "rows.csv"
    path.write_text("slug,name\nacme-kind-test,Acme\n")
    result = run("import", str(path), "--kind", "Organization", "-m", "t")
    assert result.exit_code == 0, result.stderr
    assert run("show", "organization", "acme-kind-test").exit_code == 0


def test_a_number_that_is_not_finite_exports_as_unknown_in_every_format(
    run: Run, db: Path, tmp_path: Path, on_store: str
):
    """A NaN or an infinity stored around trendlab was exported as CSV's 'NaN' and
    Parquet's NaN, which import refused ("not a finite number"), and as JSON's null,
    which it read as unknown. Every format now writes unknown: a model's or a price's
    imports back so, and a result's score, which is required, is refused alike in
    every format, as export says it will be."""
    import duckdb

    price = json.loads(run("list", "prices", "--model", "gpt-4", "--json").stdout)[0]["id"]
    result = json.loads(run("list", "results", "--model", "gpt-4", "--json").stdout)[0]["id"]
    with duckdb.connect(str(db)) as con:
        cs = changeset_around(con)
        revise_around(con, cs, "model_revisions", "gpt-4", parameters=float("nan"))
        revise_around(con, cs, "price_revisions", price, output_usd_per_mtok=float("inf"))
        revise_around(con, cs, "result_revisions", result, score=float("nan"))
    for fmt in ("csv", "json", "jsonl", "parquet"):
        fresh = make_runner(tmp_path / f"fresh-{fmt}.duckdb")
        assert fresh("init", "--empty").exit_code == 0
        for kind in ("models", "prices"):
            out = tmp_path / f"{kind}.{fmt}"
            exported = run("export", kind, "-o", str(out))
            assert (exported.exit_code, exported.stderr) == (0, ""), exported.stderr
            copied = fresh("import", str(out), "-m", "copy")
            assert copied.exit_code == 0, (fmt, copied.stderr)
            assert fresh("export", kind, "--json").stdout == run("export", kind, "--json").stdout
        assert json.loads(fresh("show", "model", "gpt-4", "--json").stdout)["parameters"] is None
        shown = json.loads(fresh("show", "price", price, "--json").stdout)
        assert shown["output_usd_per_mtok"] is None and shown["input_usd_per_mtok"] is not None
        out = tmp_path / f"results.{fmt}"
        exported = run("export", "results", "-o", str(out))
        assert exported.exit_code == 0
        assert exported.stderr == (
            "1 result has a score that is not a finite number (stored around trendlab): "
            f"exported as unknown, which import refuses; fix or retract it (`{on_store} check` "
            "lists it)\n"
        )
        before = run("log", "--json").stdout
        again = run("import", str(out), "-m", "again")
        assert again.exit_code == 1
        (line,) = again.stderr.splitlines()
        # Where the result is: its line, record or row, as each format counts.
        assert line.startswith(f"trendlab: error: {out}:"), line
        assert line.endswith(": missing score; nothing was written"), line
        assert run("log", "--json").stdout == before


def test_a_minus_0_stored_around_trendlab_exports_as_0_in_every_format(
    run: Run, db: Path, tmp_path: Path
):
    """A -0 stored around trendlab was exported as -0.0, which import stores as 0: the
    export of a store the file was imported into read 0.0 where the original's read
    -0.0. Export writes 0, as import stores it, and the two exports are alike."""
    import duckdb

    result = json.loads(run("list", "results", "--model", "gpt-4", "--json").stdout)[0]["id"]
    with duckdb.connect(str(db)) as con:
        cs = changeset_around(con)
        revise_around(con, cs, "result_revisions", result, score=-0.0)
        revise_around(con, cs, "benchmark_revisions", "mmlu", human_baseline=-0.0)
    assert (
        "-0.0" in run("query", f"SELECT score::VARCHAR FROM results WHERE id = '{result}'").stdout
    )
    exported = run("export", "results", "--csv").stdout
    assert "-0.0" not in exported and f"gpt-4,{_benchmark_of(run, result)},0.0," in exported
    for fmt in ("csv", "json", "jsonl", "parquet"):
        fresh = make_runner(tmp_path / f"fresh-{fmt}.duckdb")
        assert fresh("init", "--empty").exit_code == 0
        for kind in ("organizations", "models", "benchmarks", "results"):
            out = tmp_path / f"{kind}.{fmt}"
            assert run("export", kind, "-o", str(out)).exit_code == 0
            assert fresh("import", str(out), "-m", "copy").exit_code == 0
        for kind in ("benchmarks", "results"):
            assert fresh("export", kind, "--csv").stdout == run("export", kind, "--csv").stdout


def test_export_says_records_naming_a_model_or_benchmark_gone_will_not_import(
    run: Run, db: Path, tmp_path: Path, on_store: str
):
    """A model retracted around trendlab, its results, prices and aliases left, and a
    result revised to a benchmark no record has, were exported without a word, and
    the file then failed to import ('unknown model'): export says how many records of
    the kind name one, as it says of values no write stores."""
    import duckdb

    with duckdb.connect(str(db)) as con:
        counts = con.execute(
            "SELECT (SELECT count(*) FROM results WHERE model = 'gpt-4'), "
            "(SELECT count(*) FROM prices WHERE model = 'gpt-4'), "
            "(SELECT count(*) FROM aliases WHERE model = 'gpt-4'), "
            "(SELECT min(id) FROM results WHERE model <> 'gpt-4')"
        ).fetchone()
        cs = changeset_around(con)
        con.execute(
            "INSERT INTO model_revisions BY NAME SELECT * REPLACE (? AS changeset_id, "
            "revision + 1 AS revision, 'retract' AS op) FROM model_revisions "
            "WHERE key = 'gpt-4' QUALIFY row_number() OVER (ORDER BY revision DESC) = 1",
            [cs],
        )
        revise_around(con, cs, "result_revisions", counts[3], benchmark="ghost-bench")
    results, prices, aliases = counts[0] + 1, counts[1], counts[2]
    assert min(results, prices, aliases) >= 1, counts
    advice = f"fix or retract them (`{on_store} check` lists them)"
    for kind, n, named in (
        ("results", results, "a model or benchmark"),
        ("prices", prices, "a model"),
        ("aliases", aliases, "a model"),
    ):
        out = tmp_path / f"{kind}.csv"
        exported = run("export", kind, "-o", str(out))
        assert exported.exit_code == 0
        them = advice if n > 1 else advice.replace("them", "it")
        assert exported.stderr == (
            f"{counted(n, KINDS[kind].singular, kind)} {'have' if n > 1 else 'has'} {named} "
            "that does not exist (stored around trendlab): exported as it is, which import "
            f"refuses; {them}\n"
        )
        again = run("import", str(out), "-m", "again")
        assert again.exit_code == 1 and "model 'gpt-4' was retracted" in again.stderr, kind
    models = run("export", "models", "-o", str(tmp_path / "models.csv"))
    assert (models.exit_code, models.stderr) == (0, "")


def _benchmark_of(run: Run, result: str) -> str:
    return json.loads(run("show", "result", result, "--json").stdout)["benchmark"]


def test_export_as_of_points_to_check_only_for_records_still_so(run: Run, db: Path, on_store: str):
    """export --as-of a changeset before a NaN score was fixed advised "fix or retract
    it (`trendlab check` lists it)", though it was fixed and check, which reads the
    present, listed nothing: the note is of the state read, and points to check only
    for the records still so today."""
    import duckdb

    results = json.loads(run("list", "results", "--model", "gpt-4", "--json").stdout)[:2]
    with duckdb.connect(str(db)) as con:
        nan = changeset_around(con)
        for result in results:
            revise_around(con, nan, "result_revisions", result["id"], score=float("nan"))
    head = "2 results have a score that is not a finite number (stored around trendlab) as of "
    tail = ": exported as unknown, which import refuses; "
    advice = [
        f"fix or retract them (`{on_store} check` lists them)",
        f"1 of them still has it: fix or retract it (`{on_store} check` lists it); the other "
        "has since been fixed or retracted",
        "they have since been fixed or retracted",
    ]
    said = []
    for result in [None, *results]:
        if result is not None:
            fixed = run("edit", "result", result["id"], "--set", "score=50", "-m", "fix")
            assert fixed.exit_code == 0, fixed.stderr
        exported = run("export", "results", "--as-of", nan, "--json")
        assert exported.exit_code == 0
        (line,) = exported.stderr.splitlines()
        assert line.startswith(head) and tail in line, line
        said.append(line.split(tail)[1])
    assert said == advice and run("check").exit_code == 0


def test_export_says_a_price_left_with_no_finite_side_will_not_import(
    run: Run, db: Path, tmp_path: Path, on_store: str
):
    """A price whose input price is NaN (stored around trendlab) and output price
    unknown was exported with neither, which import refuses ("a price needs ..."), and
    export said nothing, as it says of a result's score."""
    import duckdb

    added = run("add-price", "gpt-4", "acme", "2024-01-01", "--input", "1", "-m", "t")
    assert added.exit_code == 0, added.stderr
    price = added.stdout.strip()
    with duckdb.connect(str(db)) as con:
        cs = changeset_around(con)
        revise_around(con, cs, "price_revisions", price, input_usd_per_mtok=float("nan"))
    out = tmp_path / "prices.csv"
    exported = run("export", "prices", "-o", str(out))
    assert exported.exit_code == 0
    assert exported.stderr == (
        "1 price has no input or output price but one that is not a finite number (stored "
        "around trendlab): exported as unknown, which import refuses; fix or retract it "
        f"(`{on_store} check` lists it)\n"
    )
    fresh = make_runner(tmp_path / "fresh.duckdb")
    assert fresh("init", "--empty").exit_code == 0
    for kind in ("organizations", "models"):
        copied = fresh("import", "-", "--kind", kind, "-m", "t", input=run("export", kind).stdout)
        assert copied.exit_code == 0, copied.stderr
    refused = fresh("import", str(out), "-m", "t")
    assert refused.exit_code == 1
    assert refused.stderr.endswith(
        ": a price needs input_usd_per_mtok or output_usd_per_mtok; nothing was written\n"
    )


def test_export_says_how_many_records_hold_values_import_refuses(
    run: Run, db: Path, tmp_path: Path, on_store: str
):
    """A price dated 1850-01-01, a result whose source_url is ftp://x and one whose
    setting is padded ('5-shot ', which import trims into another result), all stored
    around trendlab, were exported silently, and the file was refused on import. Each
    is still written, and export says how many of its kind hold such a value, as `check`
    lists them."""
    import duckdb

    price = json.loads(run("list", "prices", "--model", "gpt-4", "--json").stdout)[0]["id"]
    results = json.loads(run("list", "results", "--model", "gpt-4", "--json").stdout)[:2]
    with duckdb.connect(str(db)) as con:
        cs = changeset_around(con)
        revise_around(con, cs, "price_revisions", price, effective_date="1850-01-01")
        revise_around(con, cs, "result_revisions", results[0]["id"], source_url="ftp://x")
        revise_around(con, cs, "result_revisions", results[1]["id"], setting="5-shot ")
    advice = "exported as it is, which import refuses or stores otherwise; fix or retract"
    said = {
        "prices": f"1 price has a value no write stores (stored around trendlab): {advice} "
        f"it (`{on_store} check` lists it)\n",
        "results": f"2 results have a value no write stores (stored around trendlab): {advice} "
        f"them (`{on_store} check` lists them)\n",
        "models": "",
    }
    for kind, note in said.items():
        out = tmp_path / f"{kind}.csv"
        exported = run("export", kind, "-o", str(out))
        assert (exported.exit_code, exported.stderr) == (0, note)
        listed = run("list", kind, "--csv").stdout.count("\n")
        assert out.read_text(encoding="utf-8").count("\n") == listed  # every record written
    refused = run("import", str(tmp_path / "prices.csv"), "--dry-run")
    assert refused.exit_code == 1
    assert refused.stderr.endswith(
        ": effective_date: '1850-01-01' is outside 1900-2100; nothing was written\n"
    )


def test_a_parquet_timestamp_kept_in_utc_is_refused_saying_why(run: Run, tmp_path: Path):
    """Midnight at +05:00 is 2024-03-01 where the file keeps its zone (pyarrow, pandas),
    but DuckDB keeps only the instant, in UTC: 2024-02-29 19:00. That was refused
    quoting '2024-02-29 19:00:00.000000+00:00', a day the user never wrote, as if
    trendlab had got it wrong. The day written cannot be told from the file, so it is
    still refused, saying that the time is UTC and why."""
    from datetime import datetime

    import duckdb

    pl.DataFrame(
        {
            "slug": ["zoned"],
            "release_date": pl.Series([datetime(2024, 3, 1)]).dt.replace_time_zone("Etc/GMT-5"),
        }
    ).write_parquet(tmp_path / "zoned.parquet")
    assert run("import", str(tmp_path / "zoned.parquet"), "--kind", "models").exit_code == 0
    assert json.loads(run("show", "model", "zoned", "--json").stdout)["release_date"] == (
        "2024-03-01"
    )
    path = tmp_path / "models.parquet"
    duckdb.sql(
        "COPY (SELECT 'utc-kept' AS slug, TIMESTAMPTZ '2024-03-01 00:00:00+05:00' AS "
        f"release_date) TO '{path}' (FORMAT parquet)"
    )
    result = run("import", str(path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"trendlab: error: {path}:row 1: release_date: '2024-02-29 19:00:00 UTC' is a time "
        "in UTC, not a day: the file keeps a timestamp with a time zone in UTC, where a "
        "midnight written at another offset is an hour of the day before or after; give "
        "the day as a date (YYYY-MM-DD, or a Parquet date); nothing was written\n"
    )


def test_a_parquet_timestamp_at_midnight_is_its_date(run: Run, tmp_path: Path):
    """Many tools (pandas among them) write a day to Parquet as a timestamp at midnight:
    it was refused ("'2024-03-01 00:00:00.000000' is not a date"). It is now that day,
    in any time unit and time zone; a timestamp with a time of day is still refused,
    naming the file, row and field, and saying what is wrong with it."""
    from datetime import datetime

    days = [datetime(2024, 3, 1), datetime(2024, 3, 2), datetime(2024, 3, 3)]
    path = tmp_path / "prices.parquet"
    pl.DataFrame(
        {
            "model": ["gpt-4"] * 3,
            "provider": ["Acme"] * 3,
            "effective_date": days,
            "input_usd_per_mtok": [1.0, 2.0, 3.0],
        }
    ).with_columns(pl.col("effective_date").cast(pl.Datetime("ns"))).write_parquet(path)
    result = run("import", str(path), "-m", "t")
    assert result.exit_code == 0, result.stderr
    for unit, zone in (("ms", None), ("us", "UTC"), ("ns", "Europe/Paris")):
        stamps = pl.Series("reported_date", [datetime(2024, 3, 1)]).cast(pl.Datetime(unit))
        if zone is not None:
            stamps = stamps.dt.replace_time_zone(zone)
        path = tmp_path / f"results-{unit}.parquet"
        pl.DataFrame(
            {"model": ["gpt-4"], "benchmark": ["mmlu"], "score": [61.0], "setting": [unit]}
        ).with_columns(stamps).write_parquet(path)
        result = run("import", str(path), "--kind", "results", "-m", "t")
        assert result.exit_code == 0, (unit, zone, result.stderr)
    prices = json.loads(run("list", "prices", "--model", "gpt-4", "--json").stdout)
    dated = {
        p["effective_date"]: p["input_usd_per_mtok"] for p in prices if p["provider"] == "Acme"
    }
    assert dated == {"2024-03-01": 1.0, "2024-03-02": 2.0, "2024-03-03": 3.0}
    results = json.loads(run("list", "results", "--model", "gpt-4", "--json").stdout)
    assert {r["setting"]: r["reported_date"] for r in results if r["score"] == 61.0} == {
        "ms": "2024-03-01",
        "us": "2024-03-01",
        "ns": "2024-03-01",
    }
    before = run("log", "--json").stdout
    path = tmp_path / "late.parquet"
    pl.DataFrame(
        {
            "model": ["gpt-4", "gpt-4"],
            "provider": ["Acme", "Acme"],
            "effective_date": [datetime(2024, 4, 1), datetime(2024, 4, 2, 12, 30)],
            "input_usd_per_mtok": [1.0, 2.0],
        }
    ).write_parquet(path)
    result = run("import", str(path), "--kind", "prices", "-m", "t")
    assert result.exit_code == 1
    assert result.stderr == (
        f"trendlab: error: {path}:row 2: effective_date: '2024-04-02 12:30:00.000000' is a "
        "date and time: give the date alone (YYYY-MM-DD); nothing was written\n"
    )
    assert run("log", "--json").stdout == before


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_the_progress_bar_of_a_big_import_is_on_stderr_alone(db: Path, tmp_path: Path):
    """The bar was drawn on stdout (rich's own console) though only a terminal stderr
    asked for it: with stdout redirected, the bar went unseen and the file took a stray
    blank line."""
    rows = pl.DataFrame(
        {
            "model": ["gpt-4"] * 50_000,
            "benchmark": ["mmlu"] * 50_000,
            "score": [50.0] * 50_000,
            "setting": [f"s{i}" for i in range(50_000)],
        }
    )
    path = tmp_path / "results.csv"
    rows.write_csv(path)
    terminal, stderr = os.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "trendlab", "--db", str(db), "import", str(path), "-m", "x"],
            stdout=subprocess.PIPE,
            stderr=stderr,
            env={**os.environ, "COLUMNS": "80"},
        )
        os.close(stderr)
        drawn = b""
        with contextlib.suppress(OSError):  # the terminal read to its end
            while chunk := os.read(terminal, 65536):
                drawn += chunk
    finally:
        os.close(terminal)
    assert proc.returncode == 0, drawn
    assert proc.stdout == b""
    assert b"importing" in drawn and b"results: 50000 added" in drawn


def test_a_parquet_date_past_the_year_9999_is_refused_naming_row_and_field(
    run: Run, tmp_path: Path
):
    """A Parquet date or timestamp of the year 300000 (pyarrow or DuckDB writes one)
    made Polars panic turning it into text: exit 70, 'internal error (PanicException:
    out-of-range date)'. It is now a data error naming the file, row and field, and
    nothing is written."""
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    days = (300000 - 1970) * 365
    stored = {
        "date": pa.array([None, days], pa.date32()),
        "timestamp": pa.array([None, days * 86_400_000], pa.timestamp("ms", tz="+05:00")),
    }
    before = run("log", "--json").stdout
    for what, dates in stored.items():
        path = tmp_path / f"{what}.parquet"
        columns = {"model": ["gpt-4", "gpt-4"], "provider": ["A", "B"], "effective_date": dates}
        pq.write_table(pa.table(columns), path)
        result = run("import", str(path), "--kind", "prices")
        assert (result.exit_code, result.stderr) == (
            1,
            f"trendlab: error: {path}:row 2: field effective_date: a {what} outside the years "
            "1 to 9999 (a date is YYYY-MM-DD); nothing was written\n",
        )
    path = tmp_path / "models.parquet"
    duckdb.sql(f"COPY (SELECT 'far' AS slug, DATE '-300000-01-01' AS release_date) TO '{path}'")
    result = run("import", str(path))
    assert (result.exit_code, result.stderr) == (
        1,
        f"trendlab: error: {path}:row 1: field release_date: a date outside the years 1 to "
        "9999 (a date is YYYY-MM-DD); nothing was written\n",
    )
    assert run("log", "--json").stdout == before


@pytest.mark.parametrize("default", [False, True], ids=["other-store", "default-store"])
def test_an_imports_notes_suggest_commands_on_its_store(
    run: Run,
    db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    on_store: str,
    default: bool,
):
    """The notes of an import that adds a twin of a stored result (for want of key
    columns) or moves a ceiling past results, exactly: the commands they suggest name
    the store's --db where it is not the default (run as printed, they read
    ./trendlab.duckdb), and not where it is."""
    on = "trendlab" if default else on_store
    if default:
        monkeypatch.setenv("TRENDLAB_DB", str(db))
    twin = tmp_path / "twin.csv"
    twin.write_text("model,benchmark,score\ngpt-4,mmlu,86.4\n")
    before = json.loads(run("log", "--json", "--limit", "1").stdout)[0]["changeset"]
    result = run("import", str(twin), "--kind", "results", "-m", "t")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[1:] == [
        "1 result added by a file with no setting and source_url columns shares the model "
        "and benchmark of a stored result: if it is that result again, under another key for "
        "want of setting and source_url, import the file with those columns "
        f"(`{on} export results` writes every column) and retract the copies written "
        f"(`{on} diff --since {before}` lists them)"
    ]
    # Run as printed, it lists the twin the import wrote, and nothing else.
    listed = run("diff", "--since", before, "--json").stdout
    assert [(r["kind"], r["change"]) for r in json.loads(listed)] == [("results", "added")]
    ceiling = tmp_path / "benchmarks.csv"
    ceiling.write_text("slug,name,unit,ceiling\ngsm8k,GSM8K,percent,90\n")
    result = run("import", str(ceiling), "--kind", "benchmarks", "-m", "t")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[1:] == [
        "8 current results of gsm8k lie past its ceiling 90: forecasts of gsm8k refuse until "
        f"the results or the ceiling are fixed (`{on} check` lists them)"
    ]


def test_a_date_and_time_with_a_lower_case_t_is_told_as_one(run: Run, tmp_path: Path):
    """ISO 8601 allows `t` for `T`: a reported_date of 2024-03-01t12:30 was "not a date",
    where 2024-03-01T12:30 is told to give the date alone."""
    before = run("log", "--json").stdout
    path = tmp_path / "results.csv"
    for stamp in ("2024-03-01T12:30", "2024-03-01t12:30"):
        path.write_text(
            f"model,benchmark,score,reported_date,source_url\ngpt-4,mmlu,86,{stamp},https://a.org\n"
        )
        result = run("import", str(path), "-m", "t")
        assert (result.exit_code, result.stderr) == (
            1,
            f"trendlab: error: {path}:2: reported_date: '{stamp}' is a date and time: give the "
            "date alone (YYYY-MM-DD); nothing was written\n",
        ), stamp
    assert run("log", "--json").stdout == before
