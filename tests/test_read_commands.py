"""list, show, query, log and check; output formats and stdout hygiene."""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

from tests.conftest import (
    Run,
    both_stores,
    changeset_around,
    make_runner,
    overwrite_a_block_of,
    process_imports,
    revise_around,
)
from trendlab.cli import cli
from trendlab.cli.options import FiniteFloat, WholeNumber
from trendlab.db import Store, latest_version, migrations
from trendlab.queries import named_queries


@both_stores
def test_list_filters_and_formats(run: Run):
    # A day two results are dated on: --since takes records dated on or after it.
    since = ("--since", "2024-06-20")
    result = run("list", "results", "--benchmark", "gpqa-diamond", *since, "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert rows and all(r["benchmark"] == "gpqa-diamond" for r in rows)
    # Dated as forecasts date them: the reported date, else the model's release date.
    dated = json.loads(
        run(
            "query",
            "SELECT id, date FROM scores WHERE benchmark = 'gpqa-diamond' AND date >= '2024-06-20'",
            "--json",
        ).stdout
    )
    assert {r["id"] for r in rows} == {r["id"] for r in dated}
    assert any(r["reported_date"] is None for r in rows)
    day = {r["id"]: r["date"] for r in dated}
    assert [day[r["id"]] for r in rows] == sorted(day.values())
    assert [day[r["id"]] for r in rows[:2]] == ["2024-06-20"] * 2
    jsonl = run("list", "results", "--benchmark", "math", "--jsonl").stdout.splitlines()
    assert len(jsonl) == len(
        json.loads(run("list", "results", "--benchmark", "math", "--json").stdout)
    )
    csv_out = run("list", "models", "--csv", "--limit", "3").stdout.splitlines()
    assert csv_out[0].startswith("slug,name,organization") and len(csv_out) == 4
    table = run("list", "benchmarks").stdout
    assert "MMLU" in table and "slug" in table.splitlines()[0]


def test_output_file_and_format_from_suffix(run: Run, tmp_path: Path):
    out = tmp_path / "models.parquet"
    result = run("list", "models", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    frame = pl.read_parquet(out)
    assert "gpt-4" in frame.get_column("slug").to_list()
    out_json = tmp_path / "m.json"
    run("list", "models", "-o", str(out_json))
    assert json.loads(out_json.read_text())[0]["slug"]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["list", "models", "--csv", "--json"], "--csv and --json"),
        (["log", "--format", "parquet", "--jsonl"], "--format parquet and --jsonl"),
    ],
)
def test_output_formats_that_disagree_are_named(run: Run, args: list[str], named: str):
    """Two formats asked for at once were "give one output format", naming neither."""
    result = run(*args)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(
        f"trendlab: error: {named} ask for different output formats: give one (see"
    ), result.stderr


def test_list_rejects_filters_that_do_not_apply(run: Run):
    result = run("list", "benchmarks", "--benchmark", "math")
    assert result.exit_code == 2 and "--benchmark does not apply to benchmarks" in result.stderr
    for day in ("last year", "20240101", "2024-W01-1"):
        result = run("list", "results", "--since", day)
        assert result.exit_code == 2 and "is not a date (YYYY-MM-DD)" in result.stderr
    # Written as a date, but no day: it was said not to be one (YYYY-MM-DD).
    result = run("list", "results", "--since", "2024-02-30")
    assert result.exit_code == 2 and "'2024-02-30' is not a valid date (see" in result.stderr
    result = run("list", "organizations", "--since", "2024-01-01")
    assert result.exit_code == 2 and "--since does not apply to organizations" in result.stderr


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["organizations", "--model", "gpt4"], "--model does not apply to organizations"),
        (
            ["benchmarks", "--model", "gpt-4", "--as-of", "2020"],
            "--model does not apply to benchmarks",
        ),
        (["models", "--benchmark", "mmluu"], "--benchmark does not apply to models"),
    ],
)
def test_a_filter_that_does_not_apply_is_refused_before_it_is_looked_up(
    run: Run, args: list[str], error: str
):
    """A filter the kind has no field for was looked up first: `list organizations --model
    gpt4` was "no current model 'gpt4'", exit 1, as if a model could be asked for."""
    result = run("list", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"trendlab: error: {error} (see ")
    assert result.stderr.count("\n") == 1


def test_show_record_table_and_json(run: Run):
    table = run("show", "benchmark", "mmlu").stdout
    assert "floor" in table and "25" in table
    record = json.loads(run("show", "benchmark", "mmlu", "--json").stdout)
    assert record["floor"] == 25 and record["human_baseline"] == 89.8
    missing = run("show", "benchmark", "mmluu")
    assert missing.exit_code == 1 and "did you mean 'mmlu'" in missing.stderr


@both_stores
def test_frontier_query(run: Run):
    result = run("query", "frontier", "--param", "benchmark=math", "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert list(rows[0]) == ["date", "model", "score", "setting", "source_url"]
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores) and len(set(scores)) == len(scores)
    assert {k: rows[1][k] for k in ("date", "model", "score")} == {
        "date": "2022-06-29",
        "model": "minerva-540b",
        "score": 50.3,
    }
    # GPT-4's 42.5 (2023) never beat Minerva's 50.3, so it is not on the frontier.
    assert "gpt-4" not in [r["model"] for r in rows]


def test_a_frontier_tie_is_the_same_row_on_every_run(run: Run):
    """One score on one date, reported twice (a paper and its preprint): the frontier
    shows the lower id's row, whichever was written first. The window's order left it
    to the rows' physical order, so the row shown (its setting, its source) could
    change from run to run: the seeds' two GPT-4 86.4s on MMLU did."""
    assert run("add-benchmark", "tie-bench", "--unit", "percent", "-m", "t").exit_code == 0
    ids = []
    for url in ("https://tie.example/a", "https://tie.example/b"):
        added = run(
            "add-result", "gpt-4", "tie-bench", "50", "--date", "2024-01-01",
            "--source-url", url, "-m", "t",
        )  # fmt: skip
        assert added.exit_code == 0, added.stderr
        ids.append(added.stdout.strip())
    assert ids[0] > ids[1]  # the first written has the higher id
    for _ in range(20):
        read = run("query", "frontier", "--param", "benchmark=tie-bench", "--json")
        assert [r["source_url"] for r in json.loads(read.stdout)] == ["https://tie.example/b"]


def test_a_frontier_tie_between_models_is_the_lower_ids_row(run: Run):
    """Two models with one score on one date: the frontier shows the lower id's row, as
    its comment says and as the report's best result picks, not the model whose name
    sorts first."""
    assert run("add-benchmark", "tie-bench", "--unit", "percent", "-m", "t").exit_code == 0

    def add(model: str, url: str) -> str:
        added = run(
            "add-result", model, "tie-bench", "50", "--date", "2024-01-01",
            "--source-url", url, "-m", "t",
        )  # fmt: skip
        assert added.exit_code == 0, added.stderr
        return added.stdout.strip()

    first = add("claude-2.1", "https://tie.example/claude")
    # gpt-4 sorts after claude-2.1: add its rows until one has the lower id.
    later = [add("gpt-4", f"https://tie.example/gpt-{n}") for n in range(30)]
    lowest = min([first, *later])
    assert lowest != first
    read = run("query", "frontier", "--param", "benchmark=tie-bench", "--json")
    shown = run("show", "result", lowest, "--json")
    url = json.loads(shown.stdout)["source_url"]
    assert [r["source_url"] for r in json.loads(read.stdout)] == [url]


def test_named_query_parameters(run: Run):
    missing = run("query", "frontier")
    assert missing.exit_code == 2 and "needs --param benchmark=..." in missing.stderr
    extra = run("query", "frontier", "--param", "benchmark=math", "--param", "x=1")
    assert extra.exit_code == 2 and "has no parameter 'x'" in extra.stderr
    # A misspelt parameter is named as such, not reported as the one it was meant for
    # missing.
    typo = run("query", "frontier", "--param", "bench=math")
    assert typo.exit_code == 2 and len(typo.stderr.splitlines()) == 1
    assert typo.stderr.startswith(
        "trendlab: error: query frontier has no parameter 'bench' (did you mean "
        "'benchmark'?; parameters: benchmark)"
    ), typo.stderr
    twice = run("query", "frontier", "--param", "benchmark=mmlu", "--param", "benchmark=math")
    assert twice.exit_code == 2
    assert "Invalid value for --param: 'benchmark' is given twice" in twice.stderr
    unknown = run("query", "frontierr")
    assert unknown.exit_code == 1 and "did you mean 'frontier'" in unknown.stderr
    listed = json.loads(run("query", "--list", "--json").stdout)
    assert {"frontier", "latest", "coverage"} <= {q["name"] for q in listed}
    # A list, as JSON holds one: it was one text, "model, baseline"; CSV keeps the text.
    parameters = {q["name"]: q["parameters"] for q in listed}
    assert parameters["launch-price-ratio"] == ["model", "baseline"]
    assert parameters["latest"] == []
    assert '"model, baseline"' in run("query", "--list", "--csv").stdout
    # --list runs nothing, so what would go to a query is refused, not dropped.
    for args, given in ((["--param", "x=1"], "--param"), (["frontier"], "SQL_OR_NAME"),
                        (["--as-of", "2025"], "--as-of")):  # fmt: skip
        ignored = run("query", "--list", *args)
        assert ignored.exit_code == 2 and ignored.stderr.startswith(
            f"trendlab: error: --list runs no query, so it takes no {given}"
        ), ignored.stderr


def test_parameters_are_bound_not_pasted(run: Run):
    hostile = "math' OR '1'='1"
    sql = "SELECT * FROM scores WHERE benchmark = $benchmark"
    result = run("query", sql, "--param", f"benchmark={hostile}", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    # A named query's benchmark names a record: no benchmark is called that.
    named = run("query", "frontier", "--param", f"benchmark={hostile}", "--json")
    assert named.exit_code == 1 and named.stdout == ""
    assert "no current benchmark" in named.stderr


def test_named_query_slug_parameters_take_any_name_of_the_record(run: Run):
    """A parameter declared `KIND slug` takes a record's name as every command does: in
    any case, and a model by an alias too; it is bound as the stored slug."""

    def rows(*args: str) -> list[dict[str, Any]]:
        result = run("query", *args, "--json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    frontier = rows("frontier", "--param", "benchmark=math")
    assert frontier
    assert rows("frontier", "--param", "benchmark=MATH") == frontier
    assert rows("frontier", "--param", "benchmark=Math") == frontier
    ratio = rows("launch-price-ratio", "--param", "model=gpt-4o", "--param", "baseline=gpt-4")
    assert ratio and ratio[0]["model"] == "gpt-4o" and ratio[0]["baseline"] == "gpt-4"
    # GPT_4O: the alias gpt_4o in capitals; gpt-4-0314: an alias of gpt-4.
    by_alias = ("--param", "model=GPT_4O", "--param", "baseline=gpt-4-0314")
    assert rows("launch-price-ratio", *by_alias) == ratio


def test_named_query_unknown_slug_is_an_error_naming_the_parameter(run: Run):
    result = run("query", "frontier", "--param", "benchmark=mathh", "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "trendlab: error: query frontier: --param benchmark: no current benchmark 'mathh' "
        "(did you mean 'math'?)"
    ]
    model = run(
        "query", "launch-price-ratio", "--param", "model=gpt-4o", "--param", "baseline=gpt-4x"
    )
    assert model.exit_code == 1 and model.stdout == ""
    assert "query launch-price-ratio: --param baseline: no current model 'gpt-4x'" in model.stderr
    assert "(did you mean 'gpt-4" in model.stderr
    assert len(model.stderr.strip().splitlines()) == 1


def test_named_query_slug_parameters_read_the_as_of_state(run: Run):
    (before,) = json.loads(run("log", "--limit", "1", "--json").stdout)
    assert run("add-benchmark", "new-eval", "--unit", "percent", "-m", "new").exit_code == 0
    (added,) = json.loads(run("log", "--limit", "1", "--json").stdout)
    assert run("retract", "benchmark", "new-eval", "-m", "gone").exit_code == 0
    args = ("query", "frontier", "--param", "benchmark=NEW-EVAL", "--json")
    then = run(*args, "--as-of", added["changeset"])
    assert then.exit_code == 0, then.stderr
    assert json.loads(then.stdout) == []  # it existed then, with no results
    earlier = run(*args, "--as-of", before["changeset"])
    assert earlier.exit_code == 1 and earlier.stdout == ""
    assert "--param benchmark: no current benchmark 'NEW-EVAL' as of" in earlier.stderr
    now = run("query", "frontier", "--param", "benchmark=new-eval")
    assert now.exit_code == 1 and now.stdout == ""
    assert "--param benchmark: benchmark new-eval was retracted" in now.stderr


def test_a_query_empty_as_of_a_moment_says_what_as_of_reads(run: Run):
    """`query latest --as-of 2020` on a store made since printed an empty table and
    nothing else, as if no result were dated before 2021; an empty listing says that
    --as-of is when changes were recorded, in every format."""
    said = "no rows as of 2020-12-31 23:59:59 (--as-of is when changes were recorded)\n"
    for fmt in ("table", "csv", "json", "jsonl", "parquet"):
        empty = run("query", "latest", "--as-of", "2020", "--format", fmt)
        assert (empty.exit_code, empty.stderr) == (0, said), (fmt, empty.stderr)
    found = run("query", "latest", "--as-of", "2030", "--limit", "1", "--csv")
    assert (found.exit_code, found.stderr) == (0, "")
    assert len(found.stdout.splitlines()) == 2
    # Without --as-of an empty answer is the SQL's own, as it always was.
    assert run("query", "SELECT 1 AS x WHERE false").stderr == ""


def test_a_named_query_that_finds_nothing_says_so(run: Run):
    """`query launch-price-ratio` of a model with no price printed its header alone (as
    JSON Lines, nothing at all): the query is trendlab's, not the user's SQL, so an
    empty answer is said on stderr, in every format, as an empty listing is."""
    args = ("query", "launch-price-ratio", "--param", "model=minerva-540b")
    for fmt in ("table", "csv", "json", "jsonl", "parquet"):
        empty = run(*args, "--param", "baseline=gpt-4", "--format", fmt)
        assert (empty.exit_code, empty.stderr) == (0, "no rows\n"), (fmt, empty.stderr)
    assert run(*args, "--param", "baseline=gpt-4", "--jsonl").stdout == ""
    found = run(
        "query", "launch-price-ratio", "--param", "model=gpt-4o", "--param", "baseline=gpt-4"
    )
    assert (found.exit_code, found.stderr) == (0, "")


@both_stores
def test_an_error_raised_deep_in_a_result_is_named_in_every_format(run: Run):
    """A query failing past its first rows (DuckDB fetches them in chunks) said, as a
    table, JSON or JSON Lines: "Attempting to execute an unsuccessful or closed pending
    query result", DuckDB's client having lost the error that CSV and Parquet named. On
    a team store, whose reader reads one state in a transaction, the run again that
    names it said "Current transaction is aborted", under --as-of too."""
    sql = (
        "SELECT CASE WHEN i < 300000 THEN i ELSE error('row ' || i || ' is bad') END AS n "
        "FROM range(400000) t(i)"
    )
    first = json.loads(run("log", "--json").stdout)[-1]
    assert run("add-model", "later-model", "-m", "after the first").exit_code == 0
    for fmt in ("table", "json", "jsonl", "csv"):
        for as_of in ([], ["--as-of", first["changeset"]]):
            failed = run("query", sql, "--format", fmt, *as_of)
            assert (failed.exit_code, failed.stdout) == (1, ""), fmt
            assert failed.stderr == (
                "trendlab: error: query failed: Invalid Input Error: row 300000 is bad\n"
            ), fmt
    # Read again as of the moment asked: the views that show it are in place.
    counted = (
        "SELECT CASE WHEN i < 300000 THEN i "
        "ELSE error((SELECT count(*) FROM changesets)::VARCHAR) END AS n FROM range(400000) t(i)"
    )
    [now, then] = [run("query", counted, *as_of) for as_of in ([], ["--as-of", first["changeset"]])]
    assert now.stderr != then.stderr
    assert then.stderr == "trendlab: error: query failed: Invalid Input Error: 1\n"


def test_an_error_raised_within_a_limit_is_named_as_csv_and_parquet(run: Run, tmp_path: Path):
    """With --limit, CSV and Parquet read the first rows through Arrow's stream reader,
    which passes a query's error on as an OSError: "internal error (OSError: Invalid
    Input Error: ...); this is a bug in trendlab", exit 70."""
    sql = (
        "SELECT CASE WHEN i < 300000 THEN i ELSE error('row ' || i || ' is bad') END AS n "
        "FROM range(400000) t(i)"
    )
    for fmt in ("csv", "parquet"):
        out = tmp_path / f"limited.{fmt}"
        failed = run("query", sql, "--limit", "350000", "-o", str(out))
        assert failed.exit_code == 1, (fmt, failed.stderr)
        assert failed.stderr == (
            "trendlab: error: query failed: Invalid Input Error: row 300000 is bad\n"
        ), fmt
        assert not out.exists()


def test_only_a_query_checked_as_a_read_is_run_again_for_its_lost_error(
    run: Run, monkeypatch: pytest.MonkeyPatch
):
    """The run again that finds a lost error (above) ran any statement whose error read
    like the lost one, one refused before it was checked as a read too."""
    from trendlab.db import Store

    again: list[str] = []
    relation = Store.relation

    def spied(store: Store, sql: str, *args: Any, **kwargs: Any) -> Any:
        again.append(sql)
        return relation(store, sql, *args, **kwargs)

    monkeypatch.setattr(Store, "relation", spied)
    lost = "Attempting to execute an unsuccessful or closed pending query result"
    failed = run("query", f'SELECT * FROM "{lost}"')
    assert failed.exit_code == 1 and f"Table with name {lost} does not exist" in failed.stderr
    assert again == []


def test_adhoc_sql_parameters_are_bound_as_given(run: Run):
    """Only a named query resolves its slug parameters: the same SQL given as text,
    declarations and all, binds the value as it is."""
    sql = named_queries()["frontier"].sql
    named = run("query", "frontier", "--param", "benchmark=MATH", "--json")
    assert named.exit_code == 0 and json.loads(named.stdout)
    for value in ("MATH", "nosuch"):
        adhoc = run("query", "-", "--param", f"benchmark={value}", "--json", input=sql)
        assert adhoc.exit_code == 0, adhoc.stderr
        assert json.loads(adhoc.stdout) == []


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM result_revisions",
        "DROP TABLE result_revisions",
        "INSERT INTO changesets VALUES ('x', now() AT TIME ZONE 'UTC', 'me', 'sneaky')",
        "UPDATE model_revisions SET name = 'x'",
        "CREATE TABLE t (a INTEGER)",
        "ATTACH ':memory:' AS elsewhere",
        "INSTALL httpfs",
        "SELECT 1; DELETE FROM result_revisions",
        "EXPLAIN ANALYZE DELETE FROM result_revisions",
    ],
)
@both_stores
def test_query_refuses_writes(run: Run, store_location: str, sql: str):
    result = run("query", sql)
    assert result.exit_code == 1
    assert "query only reads" in result.stderr or "one statement at a time" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    store = Store.open(store_location)
    try:
        assert store.scalar("SELECT count(*) FROM result_revisions") > 0
        assert store.scalar("SELECT count(*) FROM changesets") == 1
    finally:
        store.close()


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("USE trendlab", "USE"),
        ("use/* a comment */ memory", "USE"),
        ("RESET threads", "RESET"),
        ("SET threads = 1", "SET"),
        ("TRUNCATE result_revisions", "TRUNCATE"),
        ("INSTALL httpfs", "INSTALL"),
        ("FORCE INSTALL httpfs", "FORCE INSTALL"),
        ("force checkpoint", "FORCE CHECKPOINT"),
        ("MERGE INTO result_revisions USING units ON false WHEN MATCHED THEN DELETE", "MERGE"),
        ("WITH x AS (SELECT 1) DELETE FROM result_revisions", "DELETE"),
        # One word, as a query's name is: these were "no named query 'CHECKPOINT'".
        ("CHECKPOINT", "CHECKPOINT"),
        ("vacuum", "VACUUM"),
        ("ANALYZE", "ANALYZE"),
        ("COMMIT", "COMMIT"),
    ],
)
def test_query_names_a_refused_statement_as_written(run: Run, sql: str, kind: str):
    """DuckDB types USE and RESET as SET, TRUNCATE as DELETE and INSTALL as LOAD: the
    refusal named a statement the user had not written."""
    result = run("query", sql)
    assert result.exit_code == 1
    assert result.stderr == (
        f"trendlab: error: query only reads: {kind} statements are refused; write files "
        "with --format and -o, change records with add-*, edit, retract or import\n"
    )


def test_query_reads_what_it_checked_and_pragmas_that_read(run: Run):
    """The check of what a query calls reads its plan, so a table function whose SQL is
    an argument must get the same one when it runs. DuckDB reports PRAGMA version as a
    SELECT but cannot explain it: the plan check refused every PRAGMA that reads."""
    for sql in (
        "SELECT * FROM query(CASE WHEN random() < 0.5 THEN 'SELECT 1' ELSE 'SELECT 2' END)",
        "SELECT * FROM query_table([CASE WHEN random() < 0.5 THEN 'units' ELSE 'models' END])",
    ):
        refused = run("query", sql)
        assert refused.exit_code == 1 and refused.stdout == ""
        assert "takes a string literal or a parameter ($name with --param)" in refused.stderr
    refused = run(
        "query", "SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT 1'))"
    )
    assert "query only reads: json_execute_serialized_sql writes" in refused.stderr
    for sql, row in (
        ("SELECT * FROM query('SELECT 7 AS n')", {"n": 7}),
        ("SELECT * FROM query('SELECT 7 AS n'::VARCHAR)", {"n": 7}),
        ("SELECT count(*) AS n FROM query_table(['units'])", {"n": 4}),
        ("PRAGMA table_info('units')", {"cid": 0, "name": "unit"}),
    ):
        ran = run("query", sql, "--json")
        assert ran.exit_code == 0, ran.stderr
        assert row.items() <= json.loads(ran.stdout)[0].items()
    param = run("query", "SELECT * FROM query($q)", "--param", "q=SELECT 8 AS n", "--json")
    assert json.loads(param.stdout) == [{"n": 8}], param.stderr
    assert run("query", "PRAGMA version").exit_code == 0
    assert "PRAGMA statements are refused" in run("query", "PRAGMA enable_profiling").stderr
    # A one-word statement that reads runs, as SQL, not as a query's name.
    shown = run("query", "SHOW", "--json")
    assert shown.exit_code == 0, shown.stderr
    assert "units" in [table["name"] for table in json.loads(shown.stdout)]


def test_query_sql_errors_are_one_line(run: Run):
    result = run("query", "SELECT nope FROM results")
    assert result.exit_code == 1
    assert result.stderr.startswith("trendlab: error: query failed: Binder Error")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("sql", "said"),
    [
        (
            "SELECT * FROM sqlite_scan('x.db', 't')",
            'Catalog Error: Table Function with name "sqlite_scan" is not in the catalog, '
            "but it exists in the sqlite_scanner extension.",
        ),
        (
            "SELECT * FROM read_parquet('s3://bucket/x.parquet')",
            "File s3://bucket/x.parquet requires the extension httpfs to be loaded",
        ),
    ],
)
@both_stores
def test_a_query_needing_an_extension_says_which_and_downloads_nothing(
    run: Run, sql: str, said: str
):
    """A DuckDB file's connection tried to download the extension, as a team store's
    never does, and the error stopped at "...install the required extension 'x':"."""
    result = run("query", sql)
    assert result.exit_code == 1
    assert result.stderr == f"trendlab: error: query failed: {said}\n"


def test_a_query_given_a_file_name_says_how_to_run_a_file(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`query frontier.sql` or `query my.sql` was DuckDB's "syntax error at or near
    ..." (exit 1): SQL_OR_NAME takes a query's name or SQL text, and a file's SQL is
    piped in with -."""
    named = run("query", "queries/frontier.sql")
    assert (named.exit_code, named.stdout) == (2, "")
    assert named.stderr == (
        "trendlab: error: 'queries/frontier.sql' is a file name, not SQL: name the query "
        "alone (query frontier), or give - and pipe the file in (query - < "
        "queries/frontier.sql) (see 'cli query --help')\n"
    )
    # In other case, as a file system that ignores case has the file.
    upper = run("query", "QUERIES/FRONTIER.SQL")
    assert (upper.exit_code, upper.stdout) == (2, "")
    assert "name the query alone (query frontier), or give -" in upper.stderr
    monkeypatch.chdir(tmp_path)
    Path("my query.SQL").write_text("SELECT 1 AS x")
    own = run("query", "my query.SQL")
    assert (own.exit_code, own.stdout) == (2, "")
    assert own.stderr == (
        "trendlab: error: 'my query.SQL' is a file name, not SQL: give - and pipe the "
        "file in (query - < 'my query.SQL') (see 'cli query --help')\n"
    )
    assert run("query", "-", input=Path("my query.SQL").read_text()).stdout == "  x\n---\n  1\n"
    # SQL that names a table `sql` is SQL still.
    assert run("query", "SELECT 1 AS x FROM (SELECT 1) sql").exit_code == 0


def test_a_file_name_piped_in_says_to_pipe_the_file_itself(run: Run):
    """`echo frontier.sql | query -` was told to "give - and pipe the file in", as it
    had: it is the file's SQL that - reads, not its name."""
    result = run("query", "-", input="queries/frontier.sql\n")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "trendlab: error: stdin holds 'queries/frontier.sql', a file name, not SQL: name "
        "the query alone (query frontier), or pipe the file itself in (query - < "
        "queries/frontier.sql) (see 'cli query --help')\n"
    )


@pytest.mark.parametrize(
    ("sql", "said"),
    [
        (
            "SELECT * FROM result",
            'Catalog Error: Table with name result does not exist! Did you mean "results"?',
        ),
        (
            "SELECT scor FROM results",
            'Binder Error: Referenced column "scor" not found in FROM clause! Candidate '
            'bindings: "score", "source_url", "source_kind"',
        ),
        (
            "SELECT lenght(id) FROM results",
            "Catalog Error: Scalar Function with name lenght does not exist! Did you mean "
            '"length"?',
        ),
    ],
)
def test_a_query_error_keeps_duckdbs_suggestion(run: Run, sql: str, said: str):
    """DuckDB suggests the name a misspelt one meant on its error's second line, which
    the one-line error dropped: `query "SELECT * FROM result"` said only that no table
    result exists, not that results does."""
    result = run("query", sql)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"trendlab: error: query failed: {said}\n"


def test_a_query_of_ducklake_functions_on_a_file_names_them(run: Run):
    result = run("query", "SELECT * FROM ducklake_snapshots('x')")
    assert result.exit_code == 1
    assert 'name "ducklake_snapshots" is not in the catalog' in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@both_stores
def test_query_from_stdin_and_as_of(run: Run):
    result = run("query", "-", "--csv", input="SELECT count(*) AS n FROM models")
    seeded = Path(__file__).resolve().parent.parent / "seeds" / "models.csv"
    assert result.stdout.splitlines()[1] == str(len(pl.read_csv(seeded)))
    past = run("query", "SELECT count(*) AS n FROM models", "--as-of", "1999-01-01", "--csv")
    assert past.stdout.splitlines()[1] == "0"


def test_query_from_stdin_that_is_not_utf8_names_the_line_of_the_byte(db: Path):
    result = make_runner(db)("query", "-", input=b"SELECT 1 AS a,\n'\xff' AS b")
    assert result.exit_code == 1
    assert result.stderr == (
        "trendlab: error: stdin:2: not valid UTF-8 (byte 0xff); save the file as UTF-8\n"
    )
    assert result.stdout == ""


def test_query_from_stdin_with_a_nul_byte_names_its_line(db: Path):
    """DuckDB reads SQL up to a NUL byte: the rest was dropped without a word (y was
    left out), and SQL after a leading NUL was called "only comments"."""
    run = make_runner(db)
    for sql, line in ((b"SELECT 1 AS x,\r\n\x00 2 AS y", 2), (b"\x00SELECT 1 AS x", 1)):
        result = run("query", "-", "--csv", input=sql)
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr == (
            f"trendlab: error: stdin:{line}: a NUL byte, where DuckDB would end the SQL; "
            "remove it\n"
        )
    # A NUL alone is still no SQL at all, a usage error.
    assert run("query", "-", input=b"\x00\n").exit_code == 2
    # NULs that end the SQL drop nothing: it runs (it was refused).
    for sql in (b"SELECT 1 AS x\x00", b"SELECT 1 AS x;\n\x00\n\x00"):
        result = run("query", "-", "--csv", input=sql)
        assert (result.exit_code, result.stdout) == (0, "x\n1\n"), result.stderr


def test_a_query_name_piped_in_with_its_newline_is_the_named_query(db: Path):
    """`echo frontier | trendlab query -` said "no named query 'frontier\\n' (did you
    mean 'frontier'?)": the name's pattern ended in $, which passes a final newline,
    and the newline stayed part of the name looked up."""
    run = make_runner(db)
    piped = run("query", "-", "--param", "benchmark=math", "--csv", input="frontier\n")
    named = run("query", "frontier", "--param", "benchmark=math", "--csv")
    assert piped.exit_code == 0, piped.stderr
    assert piped.stdout == named.stdout and named.stdout.startswith("date,model,score,")
    # Given as an argument, a name with a line break is no name: it is run as SQL.
    sql = run("query", "frontier\n", "--param", "benchmark=math")
    assert sql.exit_code == 1 and "Parser Error" in sql.stderr, sql.stderr


@both_stores
def test_query_as_of_reads_the_history_tables_as_they_were(run: Run):
    """The changesets, revisions and history as of a moment hold what was recorded by
    then, as the current-state views do."""
    seeded = json.loads(run("log", "--json").stdout)[0]["changeset"]
    assert run("edit", "model", "gpt-4", "--set", "parameters=1e12", "-m", "rumour").exit_code == 0
    assert run("add-model", "new-model", "-m", "new").exit_code == 0
    sql = (
        "SELECT (SELECT count(*) FROM changesets) AS changesets, "
        "(SELECT count(*) FROM model_revisions WHERE key IN ('gpt-4', 'new-model')) AS revisions, "
        "(SELECT max(revision) FROM model_history WHERE key = 'gpt-4') AS gpt4, "
        "(SELECT count(*) FROM revisions) AS everything, "
        "(SELECT count(*) FROM models WHERE slug = 'new-model') AS current"
    )
    now = json.loads(run("query", sql, "--json").stdout)[0]
    then = json.loads(run("query", sql, "--json", "--as-of", seeded).stdout)[0]
    assert (now["changesets"], now["revisions"], now["gpt4"], now["current"]) == (3, 3, 2, 1)
    assert (then["changesets"], then["revisions"], then["gpt4"], then["current"]) == (1, 1, 1, 0)
    assert now["everything"] - then["everything"] == 2


def test_query_as_of_refuses_a_table_named_with_the_store_catalog(run: Run):
    """A revisions table or changesets named with the store's catalog (S.changesets,
    any case, quoted, with its schema, or through query_table) read past the view of
    its past and gave the present under --as-of: refused, naming what to write."""
    catalog = run("query", "SELECT current_database() AS c", "--csv").stdout.splitlines()[1]
    for name in (
        f"{catalog}.changesets",
        f"{catalog.upper()}.main.model_revisions",
        f'"{catalog}".changesets',
    ):
        for sql in (f"SELECT count(*) FROM {name}", f"SELECT * FROM query_table('{name}')"):
            result = run("query", sql, "--as-of", "1999")
            assert result.exit_code == 1 and result.stdout == ""
            table = name.rsplit(".", 1)[1]
            assert result.stderr == (
                "trendlab: error: query --as-of reads the past under the tables' own names: "
                f"{name.replace(chr(34), '')} names the stored table, as it is now; write {table}\n"
            )
    # Without --as-of the name reads the present, which it is; the current-state views
    # read the past by any name, as they are built on the tables' own names.
    assert run("query", f"SELECT count(*) FROM {catalog}.changesets", "--csv").exit_code == 0
    past = run("query", f"SELECT count(*) AS n FROM {catalog}.models", "--as-of", "1999", "--csv")
    assert past.stdout.splitlines()[1] == "0"


def test_a_time_log_shows_reads_the_database_with_that_changeset(run: Run):
    """log and history show a changeset's time to the second; given back to --as-of or
    --since, that time is the end of its second (as a date is the end of its day), so it
    includes the changeset rather than stopping a fraction of a second before it."""
    assert run("add-model", "timed-model", "-m", "timed").exit_code == 0
    table = run("log", "--limit", "1").stdout.splitlines()
    changeset, day, clock = table[2].split()[:3]
    shown = f"{day} {clock}"
    assert len(clock) == 8, table  # HH:MM:SS, no fraction
    then = run("show", "model", "timed-model", "--as-of", shown, "--json")
    assert then.exit_code == 0, then.stderr
    assert json.loads(then.stdout)["slug"] == "timed-model"
    # Since the time shown is since the changeset: nothing after it.
    for since in (shown, changeset):
        changed = run("diff", "--since", since, "--json")
        assert (changed.exit_code, json.loads(changed.stdout)) == (0, []), changed.stderr
    # To the minute, the end of the minute; a fraction of a second is that moment.
    assert run("show", "model", "timed-model", "--as-of", shown[:16]).exit_code == 0
    before = run("show", "model", "timed-model", "--as-of", f"{shown}.000000")
    assert before.exit_code == 1 and "no current model 'timed-model'" in before.stderr


@pytest.mark.parametrize("name", sorted(named_queries()))
@both_stores
def test_every_named_query_runs_on_the_seeds(run: Run, name: str):
    query = named_queries()[name]
    samples = {
        "benchmark": "math",
        "model": "gpt-4",
        "baseline": "gpt-3.5",
        "threshold": "80",
        "provider": "OpenAI",
    }
    params = [f"{p}={samples.get(p, '1')}" for p in query.params]
    args = ["query", name, "--json"] + [a for p in params for a in ("--param", p)]
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout), f"{name} returned no rows on the seeds"
    assert query.description


@both_stores
def test_log_lists_changesets_newest_first(run: Run):
    run("add-model", "log-test-a", "-m", "first")
    run("add-model", "log-test-b", "-m", "second")
    rows = json.loads(run("log", "--json").stdout)
    assert [r["message"] for r in rows[:3]] == ["second", "first", "load seed data"]
    assert rows[2]["author"] == "seeder"
    assert len(json.loads(run("log", "--limit", "1", "--json").stdout)) == 1


def test_log_says_when_its_default_limit_leaves_changesets_out(db: Path):
    """`log --json > log.json` kept the newest 20 changesets without a word, as if they
    were the whole history."""
    store = Store.open(db, read_only=False)
    try:
        for _ in range(20):
            changeset_around(store.con)
    finally:
        store.close()
    run = make_runner(db)
    for fmt in ("--json", "--csv"):
        cut = run("log", fmt)
        assert cut.exit_code == 0, cut.stderr
        assert cut.stderr == "the newest 20 of 21 changesets; --limit 21 lists them all\n"
    assert len(json.loads(run("log", "--json").stdout)) == 20
    # A --limit given is what was asked for, and all of them is nothing left out.
    assert run("log", "--limit", "3").stderr == ""
    assert len(json.loads(run("log", "--limit", "21", "--json").stdout)) == 21


def test_an_empty_log_says_so(run_empty: Run):
    """Every other listing with nothing to list says so on stderr; log printed a bare
    header, as if it had failed to read the changesets."""
    for fmt in ("table", "json"):
        empty = run_empty("log", "--format", fmt)
        assert empty.exit_code == 0 and empty.stderr == "no changesets\n", empty.stderr
    assert run_empty("log", "--json").stdout == "[]\n"


@contextmanager
def _around(db: Path) -> Iterator[tuple[Any, str]]:
    """The store's connection and a new changeset (changeset_around) to write records in
    around trendlab; the store is closed after, so that a command can open it."""
    store = Store.open(db, read_only=False)
    try:
        yield store.con, changeset_around(store.con)
    finally:
        store.close()


def _violations(run: Run, *checks: str) -> list[dict[str, Any]]:
    """What `check --json` finds, once it has failed: the violations of the checks
    whose names start with one of `checks` (all of them if none are given)."""
    result = run("check", "--json")
    assert result.exit_code == 1, result.stderr
    return [v for v in json.loads(result.stdout) if v["check"].startswith(checks or ("",))]


@both_stores
def test_check_passes_on_seeds(run: Run):
    result = run("check")
    assert result.exit_code == 0
    # An empty table, its header and rule, as `list` prints when nothing matches: it
    # printed nothing.
    assert "ok: no integrity violations" in result.stderr
    header, rule = result.stdout.splitlines()
    assert header.split() == ["check", "kind", "key", "problem"] and set(rule) == {"-", " "}
    assert json.loads(run("check", "--json").stdout) == []


@both_stores
def test_check_finds_violations_written_around_trendlab(run: Run, store_location: str):
    store = Store.open(store_location, read_only=False)
    con = store.con
    cs = con.execute("SELECT id FROM changesets").fetchone()[0]
    con.execute(
        "INSERT INTO result_revisions VALUES "
        "(?, 'r_0000000000000001', 1, 'insert', 'ghost-model', 'math', 50, NULL, NULL, NULL, NULL, NULL), "
        "(?, 'r_0000000000000002', 1, 'insert', 'gpt-4', 'math', 140, NULL, NULL, NULL, NULL, NULL), "
        "('nope', 'r_0000000000000003', 1, 'upsert', 'gpt-4', 'mmlu', 50, NULL, NULL, NULL, NULL, NULL)",
        [cs, cs],
    )
    con.execute(
        "INSERT INTO model_revisions (changeset_id, key, revision, op, slug) "
        "VALUES (?, 'gpt-4-dup', 1, 'insert', 'gpt-4')",
        [cs],
    )
    store.close()
    result = run("check", "--json")
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert result.stderr.endswith(f": {len(rows)} integrity violations\n")
    found = {(v["check"], v["problem"]) for v in rows}
    problems = " | ".join(p for _, p in found)
    assert "unknown model ghost-model" in problems
    assert "score: 140.0 is outside the range of unit percent" in problems
    assert "revision in unknown changeset nope" in problems
    assert "unknown operation 'upsert'" in problems
    assert "2 current records" in problems
    assert "key differs from slug gpt-4" in problems
    assert "key differs from its model, benchmark, setting and source_url" in problems


def test_check_names_every_bound_and_revision_fault(run: Run, db: Path):
    """The branches of 05_benchmark_bounds, 07_revision_integrity and
    10_revision_numbers no other test writes: each fault written around trendlab is
    named, and nothing else is (the seeds pass every check)."""
    with _around(db) as (con, cs):
        revise_around(con, cs, "benchmark_revisions", "mmlu", unit="furlongs")
        revise_around(con, cs, "benchmark_revisions", "gsm8k", floor=-5.0, ceiling=120.0)
        revise_around(con, cs, "benchmark_revisions", "math", floor=90.0, ceiling=80.0)
        revise_around(
            con, cs, "benchmark_revisions", "arc-agi", unit="score", floor=-1e308, ceiling=1e308
        )
        # Refused by every write as a bound is, though no forecast is bounded by it.
        revise_around(con, cs, "benchmark_revisions", "humaneval", human_baseline=150.0)
        # A second revision of gpqa-diamond in the same changeset, then one that skips 3.
        revise_around(con, cs, "benchmark_revisions", "gpqa-diamond", notes="again")
        revise_around(con, cs, "benchmark_revisions", "gpqa-diamond", notes="twice")
        later = changeset_around(con)
        con.execute(
            "INSERT INTO model_revisions BY NAME SELECT * REPLACE (? AS changeset_id, "
            "revision + 2 AS revision, 'update' AS op) FROM model_revisions WHERE key = 'gpt-4'",
            [later],
        )
    found = sorted(
        (v["check"], v["key"], v["problem"])
        for v in _violations(
            run, "05_benchmark_bounds", "07_revision_integrity", "10_revision_numbers"
        )
    )
    assert found == [
        (
            "05_benchmark_bounds",
            "arc-agi",
            "floor -1e+308 and ceiling 1e+308 are too far apart to compute the range between them",
        ),
        ("05_benchmark_bounds", "gsm8k", "ceiling 120.0 is outside unit percent"),
        ("05_benchmark_bounds", "gsm8k", "floor -5.0 is outside unit percent"),
        ("05_benchmark_bounds", "humaneval", "human_baseline 150.0 is outside unit percent"),
        ("05_benchmark_bounds", "math", "floor 90.0 is not below ceiling 80.0"),
        ("05_benchmark_bounds", "mmlu", "unknown unit 'furlongs'"),
        ("07_revision_integrity", "gpqa-diamond", f"2 revisions in changeset {cs}"),
        ("10_revision_numbers", "gpt-4", "revisions numbered up to 3 but 2 numbers used"),
    ]


def test_check_lists_revisions_numbered_from_below_1(run: Run, db: Path):
    """Revisions numbered 0 and 2 passed check: a number skipped, but as many numbers
    used as the highest, which was all 10_revision_numbers counted."""
    with _around(db) as (con, cs):
        con.execute("UPDATE model_revisions SET revision = 0 WHERE key = 'gpt-4'")
        con.execute(
            "INSERT INTO model_revisions BY NAME SELECT * REPLACE (? AS changeset_id, "
            "2 AS revision, 'update' AS op) FROM model_revisions WHERE key = 'gpt-4'",
            [cs],
        )
    found = [(v["key"], v["problem"]) for v in _violations(run, "10_revision_numbers")]
    assert found == [
        ("gpt-4", "revision 0 is below 1: trendlab numbers a record's revisions from 1")
    ]


def test_check_lists_revisions_whose_operation_does_not_follow_the_one_before(run: Run, db: Path):
    """Operations trendlab never writes passed check, though `log` says what a revision
    did by its operation: an insert over a current record read as restored, an update
    bringing back a retracted one as updated, a first revision that is an update as
    updated (not added), and a retraction of a retracted record as retracted."""
    for args in (["add-model", "solo", "-m", "a"], ["retract", "model", "solo", "-m", "b"]):
        assert run(*args).exit_code == 0
    with _around(db) as (con, cs):
        con.execute("UPDATE model_revisions SET op = 'update' WHERE key = 'gpt-4'")
        con.execute(
            "INSERT INTO benchmark_revisions BY NAME SELECT * REPLACE (? AS changeset_id, "
            "2 AS revision, 'insert' AS op) FROM benchmark_revisions WHERE key = 'mmlu'",
            [cs],
        )
        revise_around(con, cs, "model_revisions", "solo", name="Solo")
        con.execute(
            "INSERT INTO organization_revisions VALUES (?, 'ghost', 1, 'retract', 'ghost', 'G')",
            [cs],
        )
    never = "which trendlab never writes"
    found = [(v["key"], v["problem"]) for v in _violations(run, "22_revision_operations")]
    assert found == [
        (
            "mmlu",
            f"revision 2 is an insert of a record current after the revision before it "
            f"(insert), {never}",
        ),
        ("gpt-4", f"revision 1 is an update of a record with no revision before it, {never}"),
        (
            "solo",
            f"revision 3 is an update of a record retracted by the revision before it, {never}",
        ),
        ("ghost", f"revision 1 is a retract of a record with no revision before it, {never}"),
    ]


def test_check_says_a_named_model_or_benchmark_is_not_a_slug(run: Run, db: Path):
    """A result naming 'gpt-4 ' was listed only as of "unknown model gpt-4", a model
    that exists: field_rules says what is wrong with the name, as of a model's own slug."""
    with _around(db) as (con, cs):
        result_id, alias = con.execute(
            "SELECT (SELECT min(id) FROM results WHERE model <> 'gpt-4'), "
            "(SELECT min(alias) FROM aliases WHERE model = 'gpt-4')"
        ).fetchone()
        revise_around(con, cs, "result_revisions", result_id, model="gpt-4 ", benchmark="")
        revise_around(con, cs, "alias_revisions", alias, model="GPT-4")
    rule = " is not a slug (lowercase letters, digits, '.', '_', '-', beginning and ending with a letter or digit)"
    assert [(v["kind"], v["key"], v["problem"]) for v in _violations(run, "field_rules")] == [
        ("results", result_id, "model: 'gpt-4 '" + rule),
        ("results", result_id, "benchmark: ''" + rule),
        ("aliases", alias, "model: 'GPT-4'" + rule),
    ]


def test_check_says_a_model_named_by_its_alias_is_one(run: Run, db: Path):
    """A result or a price naming its model by an alias (gpt-4-0314, written around
    trendlab) was listed as of "unknown model gpt-4-0314", which `show model` finds."""
    with _around(db) as (con, cs):
        result_id, price_id = con.execute(
            "SELECT (SELECT min(id) FROM results), (SELECT min(id) FROM prices)"
        ).fetchone()
        revise_around(con, cs, "result_revisions", result_id, model="gpt-4-0314")
        revise_around(con, cs, "price_revisions", price_id, model="gpt-4-0314")
    assert run("show", "model", "gpt-4-0314").exit_code == 0
    found = [(v["key"], v["problem"]) for v in _violations(run, "01_", "03_")]
    assert found == [
        (
            result_id,
            "unknown model gpt-4-0314 (an alias of model gpt-4: a result names its model by slug)",
        ),
        (
            price_id,
            "unknown model gpt-4-0314 (an alias of model gpt-4: a price names its model by slug)",
        ),
    ]


def test_check_says_a_model_a_record_names_was_retracted(run: Run, db: Path):
    """A model retracted around trendlab (which refuses it while a record names it) left
    its results, prices and aliases listed as of "unknown model gpt-4", which `show
    model` says was retracted, and when."""
    with _around(db) as (con, cs):
        con.execute(
            "INSERT INTO model_revisions BY NAME SELECT * REPLACE (? AS changeset_id, "
            "revision + 1 AS revision, 'retract' AS op) FROM model_revisions "
            "WHERE key = 'gpt-4' QUALIFY row_number() OVER (ORDER BY revision DESC) = 1",
            [cs],
        )
    problems = {v["problem"] for v in _violations(run, "01_", "03_", "09_")}
    assert problems == {f"unknown model gpt-4 (retracted in changeset {cs})"}
    assert cs in run("show", "model", "gpt-4").stderr


def test_check_says_a_benchmark_a_result_names_was_retracted(run: Run, db: Path):
    """As a model's: its results were listed as of "unknown benchmark mmlu"."""
    with _around(db) as (con, cs):
        con.execute(
            "INSERT INTO benchmark_revisions BY NAME SELECT * REPLACE (? AS changeset_id, "
            "revision + 1 AS revision, 'retract' AS op) FROM benchmark_revisions "
            "WHERE key = 'mmlu' QUALIFY row_number() OVER (ORDER BY revision DESC) = 1",
            [cs],
        )
    problems = {v["problem"] for v in _violations(run, "02_")}
    assert problems == {f"unknown benchmark mmlu (retracted in changeset {cs})"}
    assert cs in run("show", "benchmark", "mmlu").stderr


def test_check_names_every_duplicate_current_key_and_provider_spelling(run: Run, db: Path):
    """The branches of 06_duplicate_current_keys no other test writes (a benchmark, an
    organization and a price stored under a second key) and the words of
    13_price_provider_spellings: each copy is named, its key by 08 too."""
    with _around(db) as (con, cs):
        price_id, provider = con.execute(
            "SELECT id, provider FROM prices WHERE provider <> lower(provider) ORDER BY id LIMIT 1"
        ).fetchone()
        for table, key in (("benchmark_revisions", "mmlu"), ("organization_revisions", "openai")):
            con.execute(
                f"INSERT INTO {table} BY NAME SELECT * REPLACE (? AS changeset_id, "
                f"'copy' AS key) FROM {table} WHERE key = ?",
                [cs, key],
            )
        con.execute(
            "INSERT INTO price_revisions BY NAME SELECT * REPLACE (? AS changeset_id, "
            "'p_copy' AS key) FROM price_revisions WHERE key = ?",
            [cs, price_id],
        )
        con.execute(
            "INSERT INTO price_revisions BY NAME SELECT * REPLACE (? AS changeset_id, "
            "'p_lower' AS key, lower(provider) AS provider) FROM price_revisions WHERE key = ?",
            [cs, price_id],
        )
        model, date_ = con.execute(
            "SELECT model, effective_date FROM prices WHERE id = ?", [price_id]
        ).fetchone()
    pair = f"{model}/{provider}/{date_}"
    spelled = " of the same model and date"
    found = sorted(
        (v["check"][:3], v["kind"], v["key"], v["problem"]) for v in _violations(run, "06_", "13_")
    )
    assert found == sorted(
        [
            ("06_", "benchmarks", "mmlu", "2 current records"),
            ("06_", "organizations", "openai", "2 current records"),
            ("06_", "prices", pair, "2 current records"),
            *(
                (
                    "13_",
                    "prices",
                    key,
                    f"provider {provider} is also spelled "
                    f"{provider.lower()} in price p_lower{spelled}",
                )
                for key in (price_id, "p_copy")
            ),
            *(
                (
                    "13_",
                    "prices",
                    "p_lower",
                    f"provider {provider.lower()} is also spelled "
                    f"{provider} in price {key}{spelled}",
                )
                for key in (price_id, "p_copy")
            ),
        ]
    )


def test_check_names_organizations_of_one_name_ignoring_case_accents_and_spaces(run: Run, db: Path):
    """12_organization_names, which no test wrote a fault for: two organizations whose
    names fold to one (case, repeated spaces, and Straße as STRASSE, which
    lower(strip_accents()) misses) are each named, with the other."""
    with _around(db) as (con, cs):
        for slug, name in (
            ("open-ai", "OPENAI"),
            ("strasse", "Straße  Labs"),
            ("str", "STRASSE Labs"),
        ):
            con.execute(
                "INSERT INTO organization_revisions (changeset_id, key, revision, op, slug, name) "
                "VALUES (?, ?, 1, 'insert', ?, ?)",
                [cs, slug, slug, name],
            )
    also = " ignoring case, accents and repeated spaces"
    found = [(v["key"], v["problem"]) for v in _violations(run, "12_organization_names")]
    assert found == [
        ("open-ai", f"name OPENAI is also the name of organization openai{also}"),
        ("openai", f"name OpenAI is also the name of organization open-ai{also}"),
        ("str", f"name STRASSE Labs is also the name of organization strasse{also}"),
        ("strasse", f"name Straße  Labs is also the name of organization str{also}"),
    ]


def test_check_lists_a_result_stored_under_two_spellings_of_its_source_url(run: Run, db: Path):
    """A result's URL in other capitals or with a slash ending its path is one source
    since the write path compared them so, but a store holding both spellings (written
    before, or by SQL) passed check: each is named, with the way out. A URL whose path
    differs in case is another source."""
    key = run(
        "add-result", "gpt-4", "gsm8k", "10", "--source-url", "https://example.org/r"
    ).stdout.strip()
    other = run(
        "add-result", "gpt-4", "gsm8k", "10", "--source-url", "https://example.org/R"
    ).stdout.strip()
    assert key and other and key != other
    with _around(db) as (con, cs):
        (copy,) = con.execute(
            "INSERT INTO result_revisions BY NAME SELECT * REPLACE (? AS changeset_id, "
            "'r_' || left(md5(concat_ws(chr(31), model, benchmark, '', ?)), 16) AS key, "
            "? AS source_url) FROM result_revisions WHERE key = ? RETURNING key",
            [cs, *["HTTPS://EXAMPLE.ORG/r/"] * 2, key],
        ).fetchone()
    found = sorted((v["check"], v["key"], v["problem"]) for v in _violations(run))
    twice = " of the same model, benchmark and setting: one source's result stored twice; "
    assert found == sorted(
        [
            (
                "23_result_url_spellings",
                copy,
                f"source_url HTTPS://EXAMPLE.ORG/r/ is also spelled https://example.org/r in "
                f"result {key}{twice}keep one (trendlab retract result {key} -m ...)",
            ),
            (
                "23_result_url_spellings",
                key,
                f"source_url https://example.org/r is also spelled HTTPS://EXAMPLE.ORG/r/ in "
                f"result {copy}{twice}keep one (trendlab retract result {copy} -m ...)",
            ),
        ]
    )
    assert run("retract", "result", copy, "-m", "one source").exit_code == 0
    assert run("check").exit_code == 0


def test_check_lists_a_result_stored_under_two_unicode_forms_of_its_setting(run: Run, db: Path):
    """A setting in another Unicode form ('café' typed with a combining accent) names the
    stored result, so two results of one model, benchmark and source whose settings
    differ only so (stored before the write path compared them so, or by SQL) are one
    result stored twice, which look as one: check passed them. Each is named, with the
    way out, whichever spelling of their URL each has; settings differing in case are two."""
    nfc, nfd, other = "caf\u00e9 5-shot", "cafe\u0301 5-shot", "CAF\u00c9 5-shot"
    url = "https://example.org/r"
    key = run(
        "add-result", "gpt-4", "gsm8k", "10", "--setting", nfc, "--source-url", url
    ).stdout.strip()
    cased = run(
        "add-result", "gpt-4", "gsm8k", "10", "--setting", other, "--source-url", url
    ).stdout.strip()
    assert key and cased and key != cased
    with _around(db) as (con, cs):
        (copy,) = con.execute(
            "INSERT INTO result_revisions BY NAME SELECT * REPLACE (? AS changeset_id, "
            "'r_' || left(md5(concat_ws(chr(31), model, benchmark, ?, ?)), 16) AS key, "
            "? AS setting, ? AS source_url) FROM result_revisions WHERE key = ? RETURNING key",
            [cs, nfd, f"{url}/", nfd, f"{url}/", key],
        ).fetchone()
    found = sorted((v["check"], v["key"], v["problem"]) for v in _violations(run))
    twice = (
        " of the same model, benchmark and source_url: one result stored twice, in two "
        "Unicode forms that read as one; keep one"
    )
    assert found == sorted(
        [
            (
                "24_result_setting_spellings",
                copy,
                f"setting {nfd} is also spelled {nfc} in result {key}{twice} "
                f"(trendlab retract result {key} -m ...)",
            ),
            (
                "24_result_setting_spellings",
                key,
                f"setting {nfc} is also spelled {nfd} in result {copy}{twice} "
                f"(trendlab retract result {copy} -m ...)",
            ),
        ]
    )
    assert run("retract", "result", copy, "-m", "one result").exit_code == 0
    assert run("check").exit_code == 0


def _unreadable_time(db: Path, column: str) -> str:
    """What stderr says of a date or time in `column` past the years 1 to 9999."""
    return (
        f"trendlab: error: a date or time in {column} is outside the years 1 to 9999, "
        "which trendlab cannot read: one was written around trendlab; "
        f"`trendlab --db {db} check` lists it, and only SQL can mend it\n"
    )


def test_check_lists_a_date_no_calendar_tool_reads(run: Run, db: Path):
    """A release date in the year 300000, written around trendlab, made check (the
    command that lists such values) exit 70 with Polars' 'out-of-range date' panic."""
    with _around(db) as (con, cs):
        con.execute(
            "INSERT INTO model_revisions BY NAME SELECT * REPLACE (? AS changeset_id, "
            "revision + 1 AS revision, 'update' AS op, DATE '300000-01-01' AS release_date) "
            "FROM model_revisions WHERE key = 'gpt-4' QUALIFY revision = max(revision) OVER ()",
            [cs],
        )
    assert [(v["key"], v["problem"]) for v in _violations(run, "field_rules")] == [
        ("gpt-4", "release_date: '300000-01-01' is not a date (YYYY-MM-DD)")
    ]
    # Every other command read it into that panic too: now one line, and where to look.
    for command in (["list", "models"], ["show", "model", "gpt-4"], ["history", "model", "gpt-4"],
                    ["edit", "model", "gpt-4", "--set", "notes=x", "-m", "t"]):  # fmt: skip
        refused = run(*command)
        assert (refused.exit_code, refused.stdout) == (1, ""), refused.stderr
        assert refused.stderr == _unreadable_time(db, "release_date")


def test_check_lists_a_changeset_recorded_at_infinity(run: Run, db: Path):
    """A changeset recorded at 'infinity' passed check (its epoch_us is NULL), though
    log then sent the user to check for it."""
    with duckdb.connect(str(db)) as con:
        latest = con.execute("SELECT max(id) FROM changesets").fetchone()[0]
        con.execute("UPDATE changesets SET recorded_at = 'infinity' WHERE id = ?", [latest])
    assert [(v["key"], v["problem"]) for v in _violations(run, "19_changesets_ahead")] == [
        (latest, "recorded_at infinity is outside the years 1 to 9999, which no other command "
                 "reads: written around trendlab")
    ]  # fmt: skip
    logged = run("log", "--limit", "1")
    assert logged.exit_code == 1
    assert "a date or time in recorded_at is outside the years 1 to 9999" in logged.stderr


@pytest.mark.parametrize("when", ["infinity", "290000-01-01 00:00:00"])
def test_as_of_or_since_a_changeset_recorded_past_the_year_9999_is_one_line(
    run: Run, db: Path, when: str
):
    """--as-of a changeset written around trendlab at the year 290000 failed with an
    internal error (AttributeError: DuckDB handed its time over as text), and at
    'infinity' read as 9999-12-31: an error naming recorded_at, as log's."""
    with duckdb.connect(str(db)) as con:
        changeset = changeset_around(con)
        con.execute(
            "UPDATE changesets SET recorded_at = ?::TIMESTAMP WHERE id = ?", [when, changeset]
        )
    for command in (
        ["list", "models", "--as-of", changeset],
        ["show", "model", "gpt-4", "--as-of", changeset.upper()],
        ["query", "SELECT count(*) FROM models", "--as-of", changeset],
        ["diff", "--since", changeset],
    ):
        refused = run(*command)
        assert (refused.exit_code, refused.stdout) == (1, ""), (command, refused.stderr)
        assert refused.stderr == _unreadable_time(db, "recorded_at"), command


@pytest.mark.parametrize("when", ["infinity", "290000-01-01 00:00:00"])
def test_a_write_after_a_changeset_recorded_past_the_year_9999_is_one_line(
    run: Run, db: Path, when: str
):
    """Every write failed with an internal error (OverflowError, or TypeError comparing
    the time DuckDB handed over as text) once a changeset was recorded past the year
    9999 around trendlab: the error naming recorded_at that reads give, nothing written."""
    with duckdb.connect(str(db)) as con:
        changeset = changeset_around(con)
        con.execute(
            "UPDATE changesets SET recorded_at = ?::TIMESTAMP WHERE id = ?", [when, changeset]
        )
    for command in (
        ["add-model", "after-far", "-m", "t"],
        ["edit", "model", "gpt-4", "--set", "notes=x", "-m", "t"],
    ):
        refused = run(*command)
        assert (refused.exit_code, refused.stdout) == (1, ""), (command, refused.stderr)
        assert refused.stderr == _unreadable_time(db, "recorded_at"), command
    with duckdb.connect(str(db)) as con:
        assert con.execute("SELECT max(id) FROM changesets").fetchone() == (changeset,)


def test_a_record_first_recorded_past_the_year_9999_as_of_before_is_one_line(run: Run, db: Path):
    """A model first recorded in a changeset of the year 290000 (written around
    trendlab): show --as-of a moment before it, which says when a record was first
    recorded, failed with an internal error (TypeError: DuckDB handed the time over as
    text), as forecast did of a benchmark whose first result was so recorded."""
    with duckdb.connect(str(db)) as con:
        changeset = changeset_around(con)
        con.execute(
            "UPDATE changesets SET recorded_at = '290000-01-01'::TIMESTAMP WHERE id = ?",
            [changeset],
        )
        con.execute(
            "INSERT INTO model_revisions (changeset_id, key, revision, op, slug) "
            "VALUES (?, 'far-model', 1, 'insert', 'far-model')",
            [changeset],
        )
    refused = run("show", "model", "far-model", "--as-of", "2020")
    assert (refused.exit_code, refused.stdout) == (1, ""), refused.stderr
    assert refused.stderr == _unreadable_time(db, "recorded_at")


def test_as_of_or_since_a_changeset_recorded_at_no_time_is_one_line(run: Run, db: Path):
    """A changeset with no recorded_at (its NOT NULL dropped around trendlab, which check
    lists): --as-of it was an internal error (AttributeError), and diff --since it said
    'no changes', comparing every revision with NULL."""
    with duckdb.connect(str(db)) as con:
        con.execute("ALTER TABLE changesets ALTER recorded_at DROP NOT NULL")
        changeset = changeset_around(con)
        con.execute("UPDATE changesets SET recorded_at = NULL WHERE id = ?", [changeset])
    for command in (["list", "models", "--as-of", changeset], ["diff", "--since", changeset]):
        refused = run(*command)
        assert (refused.exit_code, refused.stdout) == (1, ""), (command, refused.stderr)
        assert refused.stderr == (
            f"trendlab: error: changeset {changeset} has no recorded_at (NULL, written around "
            "trendlab), so no moment to read the database at; "
            f"`trendlab --db {db} check` lists it\n"
        ), command


def test_check_finds_a_revision_older_than_the_one_it_follows(run: Run, db: Path):
    """A revision 2 written around trendlab in a changeset recorded before revision 1's
    passed check, though the model then showed --as-of a day before it was added."""
    with duckdb.connect(str(db)) as con:
        first = con.execute("SELECT min(id) FROM changesets").fetchone()[0]
        early = f"{int(first, 16) - 1:018x}"
        con.execute(
            "INSERT INTO changesets SELECT ?, recorded_at - INTERVAL 1 DAY, 'me', 'early' "
            "FROM changesets WHERE id = ?",
            [early, first],
        )
        revise_around(con, early, "model_revisions", "gpt-4", name="GPT-4 early")
    found = [(v["check"], v["key"], v["problem"]) for v in _violations(run)]
    assert found == [
        (
            "10_revision_numbers",
            "gpt-4",
            f"revision 2 is in changeset {early}, older than revision 1's changeset {first}",
        )
    ]


def test_check_finds_a_units_table_changed_around_trendlab(run: Run, db: Path):
    """percent widened to 0-1000 in SQL let a score of 150 on a percent benchmark pass
    every write and check: the units' ranges are the schema's, and check says where the
    table differs from them."""
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE units SET max_value = 1000 WHERE unit = 'percent'")
        con.execute("DELETE FROM units WHERE unit = 'elo'")
        con.execute("INSERT INTO units VALUES ('score', 0, 1, NULL), ('furlongs', 0, 8, NULL)")
    found = [(v["key"], v["problem"]) for v in _violations(run, "20_units")]
    assert found == [
        ("elo", "unit is missing from the units table"),
        ("furlongs", "unit is not one of trendlab's: percent, minutes, elo, score"),
        ("percent", "range 0.0 to 1000.0 is not trendlab's 0.0 to 100.0"),
        ("score", "unit is in the units table 2 times"),
    ]


def test_check_lists_a_nan_unit_bound_once_in_the_units_audit(run: Run, db: Path):
    """A NaN in the units table (written in SQL), which DuckDB orders above every
    number, made every percent score "outside the range of unit percent" and every
    percent benchmark's bounds "outside unit percent": 1600 violations buried the one
    20_units lists. A NaN bound is read as none, as a NULL one is."""
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE units SET min_value = 'nan'::DOUBLE WHERE unit = 'percent'")
        con.execute("UPDATE units SET max_value = 'nan'::DOUBLE WHERE unit = 'minutes'")
    found = [(v["check"], v["key"], v["problem"]) for v in _violations(run)]
    assert found == [
        ("20_units", "minutes", "range 0.0 to nan is not trendlab's 0.0 to unbounded"),
        ("20_units", "percent", "range nan to 100.0 is not trendlab's 0.0 to 100.0"),
    ]


def test_check_lists_a_nan_bound_as_not_a_number_only(run: Run, db: Path):
    """A NaN floor, ceiling or human baseline is unknown, which field_rules lists, as
    04 and 11 leave a NaN score to it: 05_benchmark_bounds, reading NaN as above every
    number, called it outside the unit and a floor not below its ceiling too."""
    with _around(db) as (con, cs):
        nan = float("nan")
        revise_around(con, cs, "benchmark_revisions", "math", floor=nan)
        revise_around(con, cs, "benchmark_revisions", "gsm8k", ceiling=nan)
        revise_around(con, cs, "benchmark_revisions", "mmlu", human_baseline=nan)
    found = sorted((v["check"], v["key"], v["problem"]) for v in _violations(run))
    assert found == [
        ("field_rules", "gsm8k", "ceiling: 'NaN' is not a finite number"),
        ("field_rules", "math", "floor: 'NaN' is not a finite number"),
        ("field_rules", "mmlu", "human_baseline: 'NaN' is not a finite number"),
    ]


def test_check_leaves_a_nan_ceiling_to_field_rules_and_reads_a_nan_floor_as_none(
    run: Run, db: Path
):
    """11_results_beyond_ceiling read a NaN ceiling as above every number, so every
    result of a lower-is-better benchmark was listed as below it; and a NaN floor, never
    below a ceiling, hid every result above one. NaN is unknown, which field_rules lists."""
    with _around(db) as (con, cs):
        nan = float("nan")
        revise_around(
            con,
            cs,
            "benchmark_revisions",
            "math",
            unit="score",
            floor=None,
            ceiling=nan,
            higher_is_better=False,
        )
        revise_around(
            con, cs, "benchmark_revisions", "gsm8k", unit="score", floor=nan, ceiling=50.0
        )
        above = con.execute(
            "SELECT list(id ORDER BY id) FROM results WHERE benchmark = 'gsm8k' AND score > 50"
        ).fetchone()[0]
    assert above
    found = sorted((v["check"], v["key"], v["problem"]) for v in _violations(run))
    assert [f for f in found if f[0] == "field_rules"] == [
        ("field_rules", "gsm8k", "floor: 'NaN' is not a finite number"),
        ("field_rules", "math", "ceiling: 'NaN' is not a finite number"),
    ]
    assert [(c, k) for c, k, _ in found if c != "field_rules"] == [
        ("11_results_beyond_ceiling", key) for key in above
    ]


def test_check_lists_a_negative_zero_no_write_stores(run: Run, db: Path):
    """Every write stores -0 as 0, but one written around trendlab passed check (and
    `show` said -0). A positive field's -0 is listed once, as not above 0."""
    with _around(db) as (con, cs):
        revise_around(con, cs, "result_revisions", "r_3d1e8d675ee2a980", score=-0.0)
        revise_around(con, cs, "benchmark_revisions", "math", floor=-0.0)
        revise_around(con, cs, "model_revisions", "gpt-4", parameters=-0.0)
    found = sorted((v["check"], v["key"], v["problem"]) for v in _violations(run))
    assert found == [
        ("field_rules", "gpt-4", "parameters: '-0.0' must be greater than 0"),
        ("field_rules", "math", "floor: '-0.0' is -0, which every write stores as 0"),
        ("field_rules", "r_3d1e8d675ee2a980", "score: '-0.0' is -0, which every write stores as 0"),
    ]


def test_check_lists_one_records_problems_in_one_order(run: Run, db: Path):
    """Each check orders its violations by problem too, so a record with two is listed
    alike by every run and format: ordered by key alone, they came in either order."""
    with _around(db) as (con, cs):
        revise_around(con, cs, "benchmark_revisions", "gsm8k", floor=150.0)
        con.execute(
            "INSERT INTO alias_revisions (changeset_id, key, revision, op, alias, model) "
            "VALUES (?, 'two\nlines', 1, 'insert', 'two\nlines', 'ghost-model')",
            [cs],
        )
    expected = [
        ("05_benchmark_bounds", "gsm8k", "floor 150.0 is not below ceiling 100.0"),
        ("05_benchmark_bounds", "gsm8k", "floor 150.0 is outside unit percent"),
        ("09_aliases", "two\nlines", "alias holds a line break or another control character"),
        ("09_aliases", "two\nlines", "unknown model ghost-model"),
    ]
    for _ in range(4):
        found = _violations(run, "05_benchmark_bounds", "09_aliases")
        assert [(v["check"], v["key"], v["problem"]) for v in found] == expected


def test_check_names_models_whose_organization_was_retracted_around_trendlab(run: Run, db: Path):
    """17_models_unknown_organization: `retract organization` refuses while models name
    it, but a retraction written in plain SQL left check saying "ok". Each model that
    names no current organization is named; one that names an organization by its name
    alone (a slug made by an older slug rule) is not."""
    with _around(db) as (con, cs):
        con.execute(
            "INSERT INTO organization_revisions BY NAME SELECT * REPLACE (? AS changeset_id, "
            "revision + 1 AS revision, 'retract' AS op) FROM organization_revisions "
            "WHERE key = 'baichuan'",
            [cs],
        )
        revise_around(con, cs, "organization_revisions", "moonshot", slug="moon-shot")
    found = [(v["key"], v["problem"]) for v in _violations(run, "17_models_unknown_organization")]
    assert found == [
        (model, "unknown organization Baichuan")
        for model in (
            "baichuan-13b-base",
            "baichuan-2-13b-base",
            "baichuan-2-7b-base",
            "baichuan-7b",
        )
    ]


def test_a_users_own_macro_named_fold_does_not_replace_trendlabs(run: Run, db: Path):
    """trendlab's SQL called fold(), which it registered only where no function of that
    name was: a user's macro `fold` in the store was called instead, so a price's key
    with its provider in another case no longer found it, and check folded nothing."""
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE MACRO fold(x) AS x")
        con.execute("CREATE MACRO slugify(x) AS 'x'")
    shown = run("show", "price", "gpt-4o/openai/2024-05-13", "--json")
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["provider"] == "OpenAI"
    assert run("check").exit_code == 0
    # A name trendlab keeps for its own function is refused, naming it.
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE MACRO trendlab_fold(x) AS x")
    refused = run("show", "price", "gpt-4o/openai/2024-05-13")
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr == (
        f"trendlab: error: {db} has a macro of its own named trendlab_fold, a name "
        "trendlab keeps for its function: rename or drop it\n"
    )


def test_check_names_every_fault_of_results_prices_and_aliases(run: Run, db: Path):
    """The branches of 02-04, 08, 09 and 14 no other test writes: a result of an
    unknown benchmark or below its unit's range, a price of an unknown model, a price whose key does not match its
    fields, results' and prices' text on two lines, and aliases naming no model,
    shadowing a slug, stored twice or under another key."""
    with _around(db) as (con, cs):
        result_id, price_id, negative_id = con.execute(
            "SELECT (SELECT min(id) FROM results), (SELECT min(id) FROM prices), "
            "(SELECT max(id) FROM results WHERE benchmark = 'mmlu')"
        ).fetchone()
        revise_around(con, cs, "result_revisions", negative_id, score=-3.0)
        revise_around(con, cs, "result_revisions", result_id, benchmark="ghost-bench")
        revise_around(con, cs, "result_revisions", result_id, setting="5\nshot")
        revise_around(con, cs, "price_revisions", price_id, model="ghost-model")
        revise_around(
            con, cs, "price_revisions", price_id, provider="Open\nAI", api_model_id="a\tb"
        )
        con.executemany(
            "INSERT INTO alias_revisions (changeset_id, key, revision, op, alias, model) "
            "VALUES (?, ?, 1, 'insert', ?, ?)",
            [
                [cs, "nowhere", "nowhere", "ghost-model"],
                [cs, "gpt-4o", "gpt-4o", "gpt-4"],
                [cs, "twice", "twice", "gpt-4"],
                [cs, "twice-again", "twice", "gpt-4"],
            ],
        )
    # 08 names each revision whose key is off by its revision: two of each are.
    result_key = "key differs from its model, benchmark, setting and source_url"
    found = {
        (v["check"][:3], v["key"], v["problem"])
        for v in _violations(run, "02_", "03_", "04_", "08_", "09_", "14_")
    }
    assert found == {
        ("02_", result_id, "unknown benchmark ghost-bench"),
        ("03_", price_id, "unknown model ghost-model"),
        ("04_", negative_id, "score: -3.0 is outside the range of unit percent"),
        ("08_", price_id, "key differs from its model, provider and effective_date in revision 2"),
        ("08_", price_id, "key differs from its model, provider and effective_date in revision 3"),
        ("08_", result_id, f"{result_key} in revision 2"),
        ("08_", result_id, f"{result_key} in revision 3"),
        ("09_", "gpt-4o", "alias is also the slug of model gpt-4o"),
        ("09_", "nowhere", "unknown model ghost-model"),
        ("09_", "twice", "2 current records"),
        ("09_", "twice-again", "key differs from alias twice in revision 1"),
        ("14_", price_id, "api_model_id holds a line break or another control character"),
        ("14_", price_id, "provider holds a line break or another control character"),
        ("14_", result_id, "setting holds a line break or another control character"),
    }


def test_check_finds_two_current_records_of_every_kind(run: Run, db: Path):
    """06_duplicate_current_keys for each kind, not only models: a second record under
    another key with the same natural key (copied with plain SQL)."""
    with _around(db) as (con, cs):
        result_id, price_id, organization = con.execute(
            "SELECT (SELECT min(id) FROM results), (SELECT min(id) FROM prices), "
            "(SELECT min(slug) FROM organizations)"
        ).fetchone()
        for table, key in (
            ("organization_revisions", organization),
            ("benchmark_revisions", "mmlu"),
            ("result_revisions", result_id),
            ("price_revisions", price_id),
        ):
            con.execute(
                f"INSERT INTO {table} BY NAME SELECT * REPLACE (? AS changeset_id, "
                f"key || '-copy' AS key) FROM {table} WHERE key = ? "
                "QUALIFY row_number() OVER (ORDER BY revision DESC) = 1",
                [cs, key],
            )
        result, price = con.execute(
            "SELECT (SELECT model || '/' || benchmark || '|' || coalesce(setting, '(none)') "
            "|| '|' || coalesce(source_url, '(no source)') FROM results WHERE id = $r), "
            "(SELECT model || '/' || provider || '/' || effective_date FROM prices "
            "WHERE id = $p)",
            {"r": result_id, "p": price_id},
        ).fetchone()
    found = [
        (v["kind"], v["key"], v["problem"]) for v in _violations(run, "06_duplicate_current_keys")
    ]
    pair, setting, source = result.split("|")
    assert found == [
        ("benchmarks", "mmlu", "2 current records"),
        ("organizations", organization, "2 current records"),
        ("prices", price, "2 current records"),
        ("results", pair, f"2 current records for setting {setting} from {source}"),
    ]


def test_check_finds_two_current_records_of_one_result_id(run: Run, db: Path):
    """A revision written around trendlab that moves a result to another benchmark leaves
    the old benchmark's revision current too: two current records with one id, which 08
    listed as a key off its fields but 06 did not."""
    with _around(db) as (con, cs):
        (result_id,) = con.execute(
            "SELECT min(id) FROM results WHERE benchmark = 'mmlu'"
        ).fetchone()
        revise_around(con, cs, "result_revisions", result_id, benchmark="gsm8k")
    found = [
        (v["kind"], v["key"], v["problem"]) for v in _violations(run, "06_duplicate_current_keys")
    ]
    assert found == [("results", result_id, "2 current records, of benchmarks gsm8k, mmlu")]


def test_check_finds_changeset_ids_that_do_not_sort_by_time(run: Run, db: Path):
    """A changeset written by hand with an id of its own: --as-of cannot name it, and
    once trendlab writes after it, its id still sorts last, so the data versions that
    key the forecast cache would stop moving; check says so."""
    store = Store.open(db, read_only=False)
    store.con.execute(
        "INSERT INTO changesets VALUES ('manual-1', now() AT TIME ZONE 'UTC', 'me', 'by hand')"
    )
    store.close()
    assert run("add-model", "after-manual", "-m", "later").exit_code == 0
    later = json.loads(run("log", "--limit", "1", "--json").stdout)[0]
    found = [(v["check"], v["key"], v["problem"]) for v in _violations(run, "16_")]
    assert [f[:2] for f in found] == [("16_changeset_ids", "manual-1")] * 2
    assert found[0][2] == "id is not 18 hex digits as trendlab makes them"
    assert found[1][2].startswith(
        f"id sorts after {later['changeset']}, a changeset recorded after it ("
        f"{later['recorded_at'][:19].replace('T', ' ')}"
    )


def test_check_leaves_a_changeset_recorded_at_no_time_to_the_schema_audit(run: Run, db: Path):
    """An earlier changeset with no recorded_at (its NOT NULL dropped in SQL) sorted
    last, so check listed the one before it as 16_changeset_ids with no problem."""
    with duckdb.connect(str(db)) as con:
        first = con.execute("SELECT min(id) FROM changesets").fetchone()[0]
        revise_around(con, changeset_around(con), "model_revisions", "gpt-4", name="GPT-4 b")
        con.execute("ALTER TABLE changesets ALTER recorded_at DROP NOT NULL")
        con.execute("UPDATE changesets SET recorded_at = NULL WHERE id = ?", [first])
    found = [(v["check"], v["key"]) for v in _violations(run)]
    assert found == [("schema", "changesets.recorded_at")]


def test_check_finds_a_changeset_id_two_changesets_share(run: Run, db: Path):
    """Two changesets with one id, written around trendlab, passed check, though every
    revision of either then read twice in `history` (a phantom revision) and `log`
    listed each one's changes under both."""
    with duckdb.connect(str(db)) as con:
        cs = changeset_around(con, "first")
        con.execute(
            "INSERT INTO changesets SELECT * REPLACE ('second' AS message) "
            "FROM changesets WHERE id = ?",
            [cs],
        )
        revise_around(con, cs, "model_revisions", "gpt-4", name="GPT-4 again")
    found = [(v["check"], v["key"], v["problem"]) for v in _violations(run)]
    assert found == [("16_changeset_ids", cs, "id is shared by 2 changesets")]


def test_check_finds_a_changeset_whose_revisions_were_deleted(run: Run, db: Path):
    """trendlab writes a changeset only with its revisions: one with none had them
    deleted around trendlab, history lost, and `log` lists it as changing nothing.
    check passed it."""
    assert run("add-model", "deleted-later", "-m", "to be deleted").exit_code == 0
    cs = json.loads(run("log", "--limit", "1", "--json").stdout)[0]["changeset"]
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM model_revisions WHERE changeset_id = ?", [cs])
    found = [(v["check"], v["key"], v["problem"]) for v in _violations(run)]
    assert found == [
        (
            "21_changesets_without_revisions",
            cs,
            "changeset has no revisions (its revisions deleted around trendlab?)",
        )
    ]


def test_an_ambiguous_changeset_prefix_lists_the_changesets_it_matches(run: Run):
    """It said only "(2 match)", leaving the user to find which in `trendlab log`."""
    for slug in ("one-more", "two-more"):
        assert run("add-model", slug, "-m", "another changeset").exit_code == 0
    ids = sorted(c["changeset"] for c in json.loads(run("log", "--json").stdout))
    # Ids begin with the time: two made a moment apart share their first characters,
    # unless the clock carried across a digit between them (0661fff.. then 06620..,
    # whose 3 shared are too short a prefix). Of three, some two share 4 or more.
    shared = (
        a[: next((i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y), len(a))]
        for a, b in itertools.pairwise(ids)
    )
    prefix = max(shared, key=len)
    assert len(prefix) >= 4, ids
    matched = [i for i in ids if i.startswith(prefix)]
    for command in (["list", "models", "--as-of", prefix], ["diff", "--since", prefix]):
        result = run(*command)
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr == (
            f"trendlab: error: changeset prefix {prefix!r} matches {len(matched)} "
            f"changesets: {', '.join(matched)}; give more of the id\n"
        )


def test_an_ambiguous_prefix_of_eight_digits_is_not_told_as_a_date(run: Run, db: Path):
    """Ids begin with the time in hex: two may share a prefix of eight digits, which was
    told "no changeset '06620923'; for the date, write ..." though two began with it."""
    with duckdb.connect(str(db)) as con:
        for tail in ("aaaaaaaaaa", "bbbbbbbbbb"):
            con.execute(
                "INSERT INTO changesets VALUES (?, now() AT TIME ZONE 'UTC', 'elsewhere', 'x')",
                [f"06620923{tail}"],
            )
    result = run("list", "models", "--as-of", "06620923")
    assert (result.exit_code, result.stderr) == (
        1,
        "trendlab: error: changeset prefix '06620923' matches 2 changesets: "
        "06620923aaaaaaaaaa, 06620923bbbbbbbbbb; give more of the id\n",
    )


def test_a_changeset_prefix_under_4_characters_is_too_short(run: Run, db: Path):
    """The seeds' changeset's first 3 characters, a unique prefix, were said to be "not
    a year, a date (YYYY-MM-DD), a timestamp or a changeset id"; they are too short, as
    a record's id prefix is. Characters no id begins with are no changeset id. Either is
    a usage error: 'zzzz' exited 2, and a prefix too short 1. The error quotes the
    prefix as given, spaces around it too, as every --as-of error does."""
    (seeded,) = [c["changeset"] for c in json.loads(run("log", "--json").stdout)]
    log = f"trendlab --db {shlex.quote(str(db))} log"
    for option, command in (("--as-of", ["list", "models"]), ("--since", ["diff"])):
        result = run(*command, option, f" {seeded[:3].upper()}")
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr == (
            f"trendlab: error: {option}: ' {seeded[:3].upper()}' is too short to name a "
            f"changeset: give its id, or the first 4 characters or more (`{log}` shows ids) "
            f"(see 'cli {command[0]} --help')\n"
        )
    other = "f" if seeded[0] != "f" else "e"
    refused = run("diff", "--since", other)
    assert refused.exit_code == 2 and "is not a year, a date" in refused.stderr
    # Nor is it too short: no id begins with it, which it says, as 'abcd' is told there
    # is no changeset 'abcd' (it said only that 'abc' was no changeset id).
    for unmatched in (other, f"{other * 3} "):
        refused = run("diff", "--since", unmatched)
        assert (refused.exit_code, refused.stdout) == (2, "")
        assert refused.stderr == (
            f"trendlab: error: --since: {unmatched!r} is not a year, a date (YYYY-MM-DD), a "
            "timestamp or a changeset id (no changeset's id begins with it) (see 'cli diff "
            "--help')\n"
        )
    longer = run("diff", "--since", other * 4)
    assert (longer.exit_code, longer.stderr) == (
        1,
        f"trendlab: error: no changeset '{other * 4}'; see `{log}`\n",
    )
    worded = run("diff", "--since", "zzz")  # no changeset id's characters: nothing to add
    assert worded.stderr.endswith("a timestamp or a changeset id (see 'cli diff --help')\n")


def test_no_changeset_suggests_the_log_of_this_store(run: Run, db: Path):
    """It suggested `trendlab log`, which, run as printed, listed ./trendlab.duckdb's
    changesets, not those of the --db the id was looked for in. The id is quoted as
    given, spaces around it too."""
    log = f"trendlab --db {shlex.quote(str(db))} log"
    for command in (["list", "models", "--as-of", "abcdef"], ["diff", "--since", " ABCDEF "]):
        result = run(*command)
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr == f"trendlab: error: no changeset {command[-1]!r}; see `{log}`\n"
    assert run(*shlex.split(log)[1:]).exit_code == 0


def test_check_finds_changesets_recorded_after_it_runs(run: Run, db: Path):
    """A changeset dated ahead (a writer's clock, or SQL's now() off UTC) passed check,
    though every later write is dated after it and --as-of today leaves them out."""
    with duckdb.connect(str(db)) as con:
        con.execute(
            "INSERT INTO changesets VALUES ('7a0000000000000000', "
            "TIMESTAMP '2030-01-01 00:00:00', 'me', 'ahead')"
        )
        # Within the few minutes a team's clocks may disagree by: let pass.
        con.execute(
            "INSERT INTO changesets VALUES ('79ffffffffffff0000', "
            "now() AT TIME ZONE 'UTC' + INTERVAL 2 MINUTE, 'me', 'a little ahead')"
        )
    assert run("add-model", "after-ahead", "-m", "later").exit_code == 0
    later = json.loads(run("log", "--limit", "1", "--json").stdout)[0]["changeset"]
    found = [(v["key"], v["problem"]) for v in _violations(run, "19_changesets_ahead")]
    assert [key for key, _ in found] == sorted([later, "7a0000000000000000"])
    problems = dict(found)
    assert re.fullmatch(
        r"recorded_at 2030-01-01 00:00:00 is after this check ran \(\d{4}-\d\d-\d\d "
        r"\d\d:\d\d:\d\d UTC\): a clock ahead, or written around trendlab; --as-of a time "
        r"before it leaves out every change recorded since",
        problems["7a0000000000000000"],
    )
    assert problems[later].startswith("recorded_at 2030-01-01 00:00:00.000001 is after")


def test_a_command_failing_on_a_dropped_view_points_to_check(run: Run, db: Path, on_store: str):
    """DROP VIEW revisions in another client: log failed with DuckDB's line alone,
    naming the table but not what lists it, with the other changes around trendlab."""
    with duckdb.connect(str(db)) as con:
        con.execute("DROP VIEW revisions")
    result = run("log")
    assert (result.exit_code, result.stderr) == (
        1,
        "trendlab: error: database error: Catalog Error: Table with name revisions does not "
        f"exist!; `{on_store} check` lists what the store lacks (run with --debug for "
        "details)\n",
    )


def test_check_lists_a_view_or_macro_of_the_schema_dropped_around_trendlab(run: Run, db: Path):
    """DROP VIEW scores in another client: check said ok and migrate that the schema was
    current, while forecast and query failed on the missing view."""
    with duckdb.connect(str(db)) as con:
        con.execute("DROP VIEW scores")
        con.execute("DROP MACRO blended_price")
    found = [(v["check"], v["key"], v["problem"]) for v in _violations(run)]
    # Alone: the other audits read the schema's views.
    assert found == [
        (
            "schema",
            "blended_price",
            "macro blended_price is missing (dropped around trendlab): the commands that "
            "read it fail; create it again as trendlab's schema/005_blended_price_weights.sql "
            "does",
        ),
        (
            "schema",
            "scores",
            "view scores is missing (dropped around trendlab): the commands that read it "
            "fail; create it again as trendlab's schema/001_init.sql does",
        ),
    ]


@both_stores
def test_check_lists_a_view_of_the_schema_replaced_around_trendlab_with_its_columns(
    run: Run, store_location: str
):
    """CREATE OR REPLACE VIEW results with trendlab's columns and types, reading each
    result's first revision: check said ok, while every command showed a corrected
    score as it was before the correction."""
    _execute_around(
        store_location,
        "CREATE OR REPLACE VIEW results AS SELECT key AS id, model, benchmark, score, "
        "setting, reported_date, source_url, source_kind, notes FROM result_revisions "
        "WHERE revision = 1",
    )
    assert [(v["check"], v["key"], v["problem"]) for v in _violations(run)] == [
        (
            "schema",
            "results",
            "view results is not trendlab's (replaced around trendlab): the commands that "
            "read it show other data; create it again (CREATE OR REPLACE) as trendlab's "
            "schema/001_init.sql does",
        )
    ]
    # As the finding says: made again as schema/001_init.sql makes it, comments and all.
    (made,) = re.findall(r"^CREATE VIEW results AS\s.*?;$", migrations()[0].sql, re.S | re.M)
    _execute_around(store_location, made.replace("CREATE VIEW", "CREATE OR REPLACE VIEW"))
    assert run("check").exit_code == 0


def _execute_around(location: str, sql: str) -> None:
    """Run `sql` on the store at `location` as another client would."""
    store = Store.open(location, read_only=False)
    try:
        store.execute(sql)
    finally:
        store.close()


def test_check_lists_a_macro_of_the_schema_replaced_around_trendlab(run: Run, db: Path):
    """CREATE OR REPLACE MACRO blended_price with the same parameters, blending 1:1 with
    no refusal of bad weights: check said ok, while every blend was its own. (A team
    store keeps no macros: each connection defines trendlab's.)"""
    with duckdb.connect(str(db)) as con:
        con.execute(
            "CREATE OR REPLACE MACRO blended_price(input, output, w_in := 1, w_out := 1) AS "
            "(input + output) / 2"
        )
    assert [(v["check"], v["key"], v["problem"]) for v in _violations(run)] == [
        (
            "schema",
            "blended_price",
            "macro blended_price is not trendlab's (replaced around trendlab): the commands "
            "that read it show other data; create it again (CREATE OR REPLACE) as "
            "trendlab's schema/005_blended_price_weights.sql does",
        )
    ]
    (weights,) = [m for m in migrations() if m.name == "blended_price_weights"]
    with duckdb.connect(str(db)) as con:
        con.execute(weights.sql)
    assert run("check").exit_code == 0


def test_check_lists_a_column_of_the_schema_dropped_or_altered_around_trendlab(run: Run, db: Path):
    """ALTER TABLE in another client: check failed on the audits' views, "database error:
    Binder Error: Referenced column "notes" not found", rather than list what changed."""
    with duckdb.connect(str(db)) as con:
        con.execute("ALTER TABLE model_revisions DROP COLUMN notes")
        con.execute("ALTER TABLE result_revisions ALTER score TYPE VARCHAR")
        con.execute("ALTER TABLE price_revisions ADD COLUMN mine INTEGER")  # the user's own
    checked = run("check", "--json")
    assert checked.exit_code == 1
    assert checked.stderr == "trendlab: error: 2 integrity violations\n"
    # Alone, as a dropped view is: the other audits read the views these columns feed.
    assert [(v["check"], v["key"], v["problem"]) for v in json.loads(checked.stdout)] == [
        (
            "schema",
            "model_revisions.notes",
            "column notes of table model_revisions is missing (dropped around trendlab): the "
            "commands that read it fail; add it again as trendlab's schema/001_init.sql "
            "makes it",
        ),
        (
            "schema",
            "result_revisions.score",
            "column score of table result_revisions is VARCHAR, not DOUBLE (altered around "
            "trendlab): the commands that read it fail; alter it back as trendlab's "
            "schema/001_init.sql makes it",
        ),
    ]


def test_check_names_a_view_of_the_schema_replaced_around_trendlab_as_a_view(run: Run, db: Path):
    """CREATE OR REPLACE VIEW models with fewer columns: check listed each column lost as
    "missing (dropped around trendlab)" from "table models", to add again to a view."""
    with duckdb.connect(str(db)) as con:
        con.execute(
            "CREATE OR REPLACE VIEW models AS SELECT * EXCLUDE (notes) "
            "REPLACE (CAST(parameters AS VARCHAR) AS parameters) FROM model_history"
        )
    found = [(v["key"], v["problem"]) for v in _violations(run) if v["key"].startswith("models.")]
    replaced = (
        "(the view replaced around trendlab): the commands that read it fail; create the "
        "view again as trendlab's schema/001_init.sql does"
    )
    assert found == [
        ("models.notes", f"column notes of view models is missing {replaced}"),
        (
            "models.parameters",
            f"column parameters of view models is VARCHAR, not DOUBLE {replaced}",
        ),
    ]


@pytest.mark.parametrize(
    ("table", "mend"),
    [
        ("result_revisions", "the commands that read it fail; restore the file from a backup"),
        (
            "forecast_cache",
            "forecasts and backtests compute afresh each time; it holds only what they "
            "computed: drop it, and create it again as trendlab's schema/003_forecast_cache.sql "
            "does",
        ),
    ],
)
def test_check_lists_a_table_whose_stored_data_is_damaged(
    run: Run, db: Path, table: str, mend: str
):
    """A block of the file overwritten: check said "ok: no integrity violations" (no
    audit reads every column, nor the cache), and the forecasts then failed on DuckDB's
    "Corrupt database file"."""
    overwrite_a_block_of(db, table)
    (found,) = _violations(run, "schema")
    assert found["key"] == table
    assert found["problem"].startswith(f"table {table} cannot be read (IO Error: Corrupt ")
    assert found["problem"].endswith(
        f"; the file overwritten in part or cut short around trendlab): {mend}"
    )


def test_check_lists_a_not_null_of_the_schema_dropped_around_trendlab(run: Run, db: Path):
    """A revision with no key, a revision with no operation and a changeset with no
    time (each NOT NULL dropped in SQL) passed check: NULL matched none of its rules."""
    with duckdb.connect(str(db)) as con:
        for table, column in [
            ("model_revisions", "key"),
            ("result_revisions", "op"),
            ("changesets", "recorded_at"),
            ("price_revisions", "notes"),  # nullable already
            ("price_revisions", "provider"),  # no NULL stored
        ]:
            con.execute(f"ALTER TABLE {table} ALTER {column} DROP NOT NULL")
        changeset = changeset_around(con)
        con.execute(
            "INSERT INTO model_revisions (changeset_id, key, revision, op, slug) "
            "VALUES (?, NULL, 1, 'insert', 'keyless')",
            [changeset],
        )
        revise_around(con, changeset, "result_revisions", _a_result_key(con), notes="x")
        con.execute("UPDATE result_revisions SET op = NULL WHERE changeset_id = ?", [changeset])
        con.execute("UPDATE changesets SET recorded_at = NULL WHERE id = ?", [changeset])
    nulls = (
        "allows NULL (its NOT NULL dropped around trendlab), and 1 row holds NULL, which no "
        "trendlab write stores: give each a value, then add NOT NULL back as trendlab's "
        "schema/001_init.sql makes it"
    )
    assert [(v["key"], v["problem"]) for v in _violations(run, "schema")] == [
        ("changesets.recorded_at", f"column recorded_at of table changesets {nulls}"),
        ("model_revisions.key", f"column key of table model_revisions {nulls}"),
        (
            "price_revisions.provider",
            "column provider of table price_revisions allows NULL (its NOT NULL dropped "
            "around trendlab): add NOT NULL back as trendlab's schema/001_init.sql makes it",
        ),
        ("result_revisions.op", f"column op of table result_revisions {nulls}"),
    ]


def test_check_lists_a_schema_migrations_row_deleted_or_altered_around_trendlab(run: Run, db: Path):
    """The schema version is the highest row's: a row below it deleted, repeated or
    renamed in SQL passed check."""
    assert run("check").exit_code == 0
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM schema_migrations WHERE version = 3")
        con.execute("UPDATE schema_migrations SET name = 'x' WHERE version = 2")
        con.execute("INSERT INTO schema_migrations VALUES (1, 'init', TIMESTAMP '2026-01-01')")
    assert [(v["key"], v["problem"]) for v in _violations(run, "schema")] == [
        (
            "schema_migrations.1",
            "schema_migrations holds 2 rows for migration 1 ('init', 'init'), where trendlab "
            "writes one, 'init' (added or altered around trendlab): keep (1, 'init', the time "
            "it was applied) alone",
        ),
        (
            "schema_migrations.2",
            "schema_migrations holds a row for migration 2 ('x'), where trendlab writes one, "
            "'aliases' (added or altered around trendlab): keep (2, 'aliases', the time it "
            "was applied) alone",
        ),
        (
            "schema_migrations.3",
            "schema_migrations has no row for migration 003_forecast_cache, though it has "
            "later ones (deleted around trendlab): insert (3, 'forecast_cache', the time it "
            "was applied) again",
        ),
    ]


def test_check_lists_a_schema_migrations_row_of_no_migration(run: Run, db: Path):
    """A row below version 1, which no migration has, added in SQL or renumbered from
    one that `migrate` then ran again, passed check: the version is the highest row's."""
    with duckdb.connect(str(db)) as con:
        con.execute("INSERT INTO schema_migrations VALUES (-1, 'x', TIMESTAMP '2026-01-01')")
        con.execute("INSERT INTO schema_migrations VALUES (0, 'init', TIMESTAMP '2026-01-01')")
    assert [(v["key"], v["problem"]) for v in _violations(run, "schema")] == [
        (
            "schema_migrations.-1",
            "schema_migrations holds a row for version -1 ('x'), which is no migration's "
            "(added or altered around trendlab): delete it",
        ),
        (
            "schema_migrations.0",
            "schema_migrations holds a row for version 0 ('init'), which is no migration's "
            "(added or altered around trendlab): delete it",
        ),
    ]


def test_check_lists_a_null_schema_migrations_name_with_its_dropped_not_null(run: Run, db: Path):
    """schema_migrations is made by trendlab itself, by no schema file: its NOT NULL
    dropped, check failed (KeyError: 'schema_migrations') naming the file to mend it by."""
    with duckdb.connect(str(db)) as con:
        con.execute("ALTER TABLE schema_migrations ALTER COLUMN name DROP NOT NULL")
        con.execute("UPDATE schema_migrations SET name = NULL WHERE version = 2")
    assert [(v["key"], v["problem"]) for v in _violations(run, "schema")] == [
        (
            "schema_migrations.name",
            "column name of table schema_migrations allows NULL (its NOT NULL dropped around "
            "trendlab), and 1 row holds NULL, which no trendlab write stores: give each a "
            "value, then add NOT NULL back as trendlab makes it",
        ),
        (
            "schema_migrations.2",
            "schema_migrations holds a row for migration 2 (NULL), where trendlab writes one, "
            "'aliases' (added or altered around trendlab): keep (2, 'aliases', the time it "
            "was applied) alone",
        ),
    ]


def test_check_lists_a_null_name_of_a_record_once_with_its_column(run: Run, db: Path):
    """A NULL model, benchmark, unit or changeset id in a current record (its NOT NULL
    dropped in SQL) was listed by the schema audit and again by the audit that reads
    it, as a violation with an empty problem ('unknown model ' || NULL)."""
    dropped = [
        ("result_revisions", "model"),
        ("result_revisions", "benchmark"),
        ("price_revisions", "model"),
        ("benchmark_revisions", "unit"),
        ("alias_revisions", "model"),
        ("organization_revisions", "changeset_id"),
        ("organization_revisions", "revision"),
    ]
    with duckdb.connect(str(db)) as con:
        for table, column in dropped:
            con.execute(f"ALTER TABLE {table} ALTER {column} DROP NOT NULL")
        result, other = [r[0] for r in con.execute("SELECT id FROM results LIMIT 2").fetchall()]
        con.execute("UPDATE result_revisions SET model = NULL WHERE key = ?", [result])
        con.execute("UPDATE result_revisions SET benchmark = NULL WHERE key = ?", [other])
        con.execute(
            "UPDATE price_revisions SET model = NULL WHERE key = (SELECT min(id) FROM prices)"
        )
        con.execute("UPDATE benchmark_revisions SET unit = NULL WHERE key = 'mmlu'")
        con.execute("UPDATE alias_revisions SET model = NULL WHERE key = 'gpt-4-0314'")
        # Two revisions of one record with neither changeset nor number.
        con.execute(
            "INSERT INTO organization_revisions SELECT * FROM organization_revisions "
            "WHERE key = 'openai'"
        )
        con.execute(
            "UPDATE organization_revisions SET changeset_id = NULL, revision = NULL "
            "WHERE key = 'openai'"
        )
    found = _violations(run)
    assert [v for v in found if not v["problem"]] == []
    assert sorted(v["key"] for v in found if v["check"] == "schema") == sorted(
        f"{table}.{column}" for table, column in dropped
    )


def _a_result_key(con: Any) -> str:
    return con.execute("SELECT min(key) FROM result_revisions").fetchone()[0]


def test_results_list_and_export_with_two_current_models_of_one_slug(run: Run, db: Path):
    """Two current models with one slug (written around trendlab): the results still
    list and export, dated by the model's release, and check says what is wrong."""
    with _around(db) as (con, cs):
        con.execute(
            "INSERT INTO model_revisions (changeset_id, key, revision, op, slug, release_date) "
            "VALUES (?, 'gpt-4-again', 1, 'insert', 'gpt-4', DATE '2020-01-01')",
            [cs],
        )
        seeded = con.execute("SELECT count(*) FROM results").fetchone()[0]
    listed = run("list", "results", "--model", "gpt-4", "--since", "2020-01-01", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert json.loads(listed.stdout)
    exported = run("export", "results", "--csv")
    assert exported.exit_code == 0, exported.stderr
    assert len(exported.stdout.splitlines()) == seeded + 1
    assert {"check": "06_duplicate_current_keys", "kind": "models", "key": "gpt-4",
            "problem": "2 current records"} in _violations(run)  # fmt: skip


def test_check_finds_values_no_write_would_store(run: Run, db: Path):
    """Values written around trendlab that its write path refuses: check puts every
    current record through the same field rules, so a database it passes exports a file
    that imports back."""
    with _around(db) as (con, cs):
        revise_around(con, cs, "model_revisions", "gpt-4", release_date="2099-01-01", parameters=-5)
        revise_around(con, cs, "result_revisions", "r_295bfd38b5bc2457", score=float("nan"))
        revise_around(
            con, cs, "result_revisions", "r_f80593d3a1c0839f", setting="", source_kind="Paper"
        )
        revise_around(
            con,
            cs,
            "price_revisions",
            "p_3b1353eadb7c3b01",
            input_usd_per_mtok=None,
            output_usd_per_mtok=None,
        )
        revise_around(con, cs, "benchmark_revisions", "mmlu", url="ftp://example.org", notes=" x ")
    found = {(v["check"], v["key"], v["problem"]) for v in _violations(run)}
    today = datetime.now(UTC).date()
    assert {
        (
            "field_rules",
            "gpt-4",
            f"release_date: '2099-01-01' is after today ({today}, UTC; a day later is taken, as it is already that day somewhere)",
        ),
        ("field_rules", "gpt-4", "parameters: '-5.0' must be greater than 0"),
        ("field_rules", "r_295bfd38b5bc2457", "score: 'NaN' is not a finite number"),
        (
            "field_rules",
            "r_f80593d3a1c0839f",
            "setting: '' is empty or padded with spaces (unknown is NULL)",
        ),
        (
            "field_rules",
            "r_f80593d3a1c0839f",
            "source_kind: 'Paper' is not one of paper, leaderboard, independent, self-reported",
        ),
        (
            "field_rules",
            "p_3b1353eadb7c3b01",
            "a price needs input_usd_per_mtok or output_usd_per_mtok",
        ),
        ("field_rules", "mmlu", "url: 'ftp://example.org' is not an http(s) URL"),
        ("field_rules", "mmlu", "notes: ' x ' is empty or padded with spaces (unknown is NULL)"),
    } <= found
    assert len(found) == 8, found  # and nothing else


def test_a_nan_score_is_unknown_not_past_the_ceiling_nor_outside_the_unit(run: Run, db: Path):
    """DuckDB orders NaN above every number, so a NaN score on MMLU (percent, ceiling 100)
    was also "score: nan is outside the range of unit percent" and "score nan is above
    the ceiling 100.0", and any edit of MMLU's ceiling said "1 current result of mmlu lies
    past its ceiling ...: forecasts of mmlu refuse", though forecasts leave a NaN out as
    unknown. check lists it once, as a value no write stores; the ceiling says nothing."""
    with _around(db) as (con, cs):
        revise_around(con, cs, "result_revisions", "r_6d47a969f21c7d1c", score=float("nan"))
    found = [(v["check"], v["key"], v["problem"]) for v in _violations(run)]
    assert found == [
        ("field_rules", "r_6d47a969f21c7d1c", "score: 'NaN' is not a finite number")
    ], found
    for ceiling in ("99", "100"):
        edited = run("edit", "benchmark", "mmlu", "--set", f"ceiling={ceiling}", "-m", "x")
        assert edited.exit_code == 0 and "past its ceiling" not in edited.stderr, edited.stderr
    assert run("forecast", "mmlu").exit_code == 0


@both_stores
def test_stdout_carries_only_data(run: Run):
    result = run("add-model", "quiet-model")
    assert result.stdout == "quiet-model\n"
    exported = run("export", "models")
    assert exported.stderr == "" and exported.stdout.startswith("slug,")


def test_query_writes_no_files(run: Run, tmp_path: Path):
    leak = tmp_path / "leak.csv"
    for sql in (
        f"COPY (SELECT * FROM models) TO '{leak}'",
        f"EXPLAIN ANALYZE COPY models TO '{leak}'",
    ):
        result = run("query", sql)
        assert result.exit_code == 1
        assert "COPY statements are refused; write files with --format and -o" in result.stderr
        assert not leak.exists()
    assert "physical_plan" in run("query", "EXPLAIN SELECT * FROM models").stdout


def test_query_refuses_logging_to_files(run: Run, tmp_path: Path):
    """enable_logging's file storage creates its folder and writes the log there: as a
    table function it ran (CALL enable_logging was refused), and a query whose SQL then
    ran again (an INTERVAL as CSV) wrote the folder's two CSV files."""
    logs = tmp_path / "logs"
    call = f"enable_logging(level := 'trace', storage := 'file', storage_path := '{logs}')"
    for sql in (
        f"SELECT *, INTERVAL 1 DAY AS i FROM {call}",
        f"EXPLAIN ANALYZE SELECT *, INTERVAL 1 DAY AS i FROM {call}",
    ):
        result = run("query", sql, "--csv")
        assert result.exit_code == 1
        assert result.stderr.startswith(
            "trendlab: error: query only reads: enable_logging writes and is refused"
        )
        assert not logs.exists()


def test_query_explains_with_options_and_checks_what_they_explain(run: Run, tmp_path: Path):
    """EXPLAIN's options in parentheses were read as part of the statement explained,
    so `EXPLAIN (FORMAT JSON) SELECT ...`, a read, failed: Parser Error: syntax error at
    or near "FORMAT". The statement after them is checked, however the options hide a
    parenthesis (in a string or a comment)."""
    for sql in (
        "EXPLAIN (FORMAT JSON) SELECT * FROM models",
        "explain(analyze, format json)select 1",
        "EXPLAIN (SELECT 1)",
    ):
        result = run("query", sql, "--json")
        assert result.exit_code == 0, (sql, result.stderr)
        assert json.loads(result.stdout)[0]["explain_key"] in ("physical_plan", "analyzed_plan")
    leak = tmp_path / "leak.csv"
    for options in ("(ANALYZE, FORMAT JSON)", "(ANALYZE 'x) SELECT 1 --', FORMAT JSON)",
                    "(ANALYZE /* ) SELECT 1 -- */)"):  # fmt: skip
        result = run("query", f"EXPLAIN {options} COPY models TO '{leak}'")
        assert result.exit_code == 1, (options, result.stderr)
        assert "COPY statements are refused; write files with --format and -o" in result.stderr
        assert not leak.exists()


def test_suggestions_name_near_slugs_only(run: Run):
    assert "(did you mean 'gpt-4'?)" in run("show", "model", "gpt4").stderr
    # A one-letter seed slug ('o', an Epoch model id) is inside most typos: not near.
    for typo in ("nosuch", "foo-1", "totally-unknown-model"):
        shown = run("show", "model", typo)
        assert (shown.exit_code, shown.stderr) == (
            1,
            f"trendlab: error: no current model {typo!r}\n",
        )
    added = run("add-result", "gpt-4x", "mmlu", "5", "--source-url", "https://x.example/1")
    assert added.exit_code == 1
    assert added.stderr.startswith("trendlab: error: add-result: unknown model 'gpt-4x'")
    assert "(did you mean 'gpt-4'" in added.stderr


def test_suggestions_for_a_model_named_by_its_alias_name_that_model(run: Run):
    # gpt-4-0314 is a seeded alias of gpt-4: its spelling is nearer gpt-4-0613's records.
    for command in ("show", "history"):
        result = run(command, "result", "gpt-4-0314/mmlx")
        assert result.exit_code == 1 and "(did you mean 'gpt-4/mmlu'?)" in result.stderr
    price = run("show", "price", "gpt-4o-2024-05-13/openai/2024-05-14")
    assert "(did you mean 'gpt-4o/OpenAI/2024-05-13'?)" in price.stderr
    # A mistyped alias is nearest the alias, as a write's hint says: not gpt-4-0613.
    typo = run("list", "results", "--model", "gpt-4-0315")
    assert typo.exit_code == 1
    assert typo.stderr == (
        "trendlab: error: no current model 'gpt-4-0315' "
        "(did you mean 'gpt-4-0314' (alias of gpt-4)?)\n"
    )
    history = run("history", "model", "gpt-4-0315")
    assert "in the history (did you mean 'gpt-4-0314' (alias of gpt-4)?)" in history.stderr


def test_read_filters_and_keys_resolve_aliases_and_refuse_typos(run: Run):
    # gpt-4-0314 is a seeded alias of gpt-4.
    assert json.loads(run("show", "model", "gpt-4-0314", "--json").stdout)["slug"] == "gpt-4"
    by_alias = run("list", "results", "--model", "gpt-4-0314", "--json").stdout
    assert by_alias == run("list", "results", "--model", "gpt-4", "--json").stdout
    prices = json.loads(run("prices", "--model", "gpt-4-0314", "--json").stdout)
    assert prices and {p["model"] for p in prices} == {"gpt-4"}
    typo = run("list", "results", "--benchmark", "mmluu")
    assert (
        typo.exit_code == 1 and "no current benchmark 'mmluu' (did you mean 'mmlu'?)" in typo.stderr
    )
    wrong = run("list", "benchmarks", "--model", "gpt-4")
    assert wrong.exit_code == 2 and "--model does not apply to benchmarks" in wrong.stderr


def test_a_suffix_the_command_does_not_write_is_named_so(run: Run, tmp_path: Path):
    """show and price-trend write no Parquet: -o FILE.parquet was "cannot tell the format
    from -o", though .parquet says it plainly; and their --format listed the formats in
    another order than every other command's."""
    target = tmp_path / "gpt-4.parquet"
    for args in (["show", "model", "gpt-4"], ["price-trend", "mmlu", "--threshold", "80"]):
        result = run(*args, "-o", str(target))
        assert result.exit_code == 2, result.stderr
        assert f"-o {target} names a parquet file, which this command does not write " in (
            result.stderr
        )
        assert "(it writes table|csv|json|jsonl)" in result.stderr
        assert "cannot tell the format" not in result.stderr
        assert "--format [table|csv|json|jsonl]" in run(args[0], "--help").stdout
    assert not target.exists()


def test_output_suffix_must_match_a_format_the_command_writes(run: Run, tmp_path: Path):
    sheet = tmp_path / "models.xlsx"
    result = run("list", "models", "-o", str(sheet))
    assert result.exit_code == 2 and "cannot tell the format from -o" in result.stderr
    assert not sheet.exists()
    assert run("list", "models", "-o", str(tmp_path / "models.txt")).exit_code == 0
    # A format that contradicts the suffix would not read back by that suffix.
    for contradicting in (["--csv"], ["--format", "jsonl"]):
        clash = run("export", "models", "-o", str(tmp_path / "models.json"), *contradicting)
        assert clash.exit_code == 2 and "names a json file" in clash.stderr, clash.stderr
    assert not (tmp_path / "models.json").exists()
    agree = run("export", "models", "-o", str(tmp_path / "models.json"), "--format", "json")
    assert agree.exit_code == 0
    # In the words plot uses of its -o (it said 'Invalid value for -o: ...: the report is
    # an HTML page (FILE.html)'), one check for both.
    for args, ends in ((["report"], ".html or .htm"), (["plot", "mmlu"], ".png or .svg")):
        wrong = str(tmp_path / "out.pdf")
        refused = run(*args, "-o", wrong)
        said = f"trendlab: error: -o {wrong}: the file name must end in {ends} (see "
        assert refused.exit_code == 2 and refused.stderr.startswith(said), refused.stderr
        assert refused.stderr.count("\n") == 1, refused.stderr


def test_an_output_name_that_is_all_suffix_is_refused_as_plot_refuses_one(run: Run, tmp_path: Path):
    """A script's `-o "$name.csv"` with $name empty: list wrote a plain table to a file
    named .csv, and export said it could not tell the format from -o .csv, which names
    it; each says, as plot -o .png does, that the name has nothing before .csv, and
    writes nothing. A table's .png is a figure, refused as FILE.png is."""
    cases = [
        (["list", "benchmarks"], ".csv"),
        (["list", "benchmarks", "--json"], ".JSON"),
        (["list", "benchmarks"], ".txt"),
        (["export", "results"], ".csv"),
        (["export", "results", "--format", "parquet"], ".parquet"),
    ]
    for args, name in cases:
        target = tmp_path / name
        refused = run(*args, "-o", str(target))
        assert (refused.exit_code, refused.stdout) == (2, ""), refused.stderr
        assert refused.stderr.startswith(
            f"trendlab: error: -o {target}: the file name has nothing before {name} "
            f"(give FILE{name}) (see "
        ), refused.stderr
        assert not target.exists()
    figure = run("list", "benchmarks", "-o", str(tmp_path / ".png"))
    assert figure.exit_code == 2 and "names a figure, which -o does not draw" in figure.stderr
    assert not (tmp_path / ".png").exists()
    # A name with more before its suffix than a dot is a file of that format.
    assert run("list", "benchmarks", "-o", str(tmp_path / "..csv")).exit_code == 0
    assert (tmp_path / "..csv").read_text().startswith("slug,")


@pytest.mark.parametrize(
    "args",
    [
        ["report", "-o"], ["plot", "mmlu", "-o"], ["forecast", "mmlu", "-o"],
        ["forecast", "mmlu", "--plot"], ["price-trend", "mmlu", "--threshold", "80", "-o"],
        ["price-trend", "mmlu", "--threshold", "80", "--plot"], ["list", "results", "-o"],
        ["export", "results", "-o"], ["backtest", "mmlu", "-o"], ["query", "frontier", "-o"],
        ["prices", "-o"], ["show", "model", "gpt-4", "-o"], ["history", "model", "gpt-4", "-o"],
        ["log", "-o"], ["check", "-o"],
    ],
)  # fmt: skip
def test_an_output_that_is_a_folder_is_refused_in_trendlabs_words(
    run: Run, tmp_path: Path, args: list[str]
):
    """-o DIR, an existing folder, got Click's own "Invalid value for '-o' / '--output':
    File 'outd' is a directory"; a name ending in / gets trendlab's line, as this does."""
    folder = tmp_path / "outd"
    folder.mkdir()
    result = run(*args, str(folder))
    option = args[-1]
    said = f"trendlab: error: {option} {folder}: a folder, not a file (see "
    assert (result.exit_code, result.stdout) == (2, ""), result.stderr
    assert result.stderr.startswith(said) and result.stderr.count("\n") == 1, result.stderr
    assert list(folder.iterdir()) == []


def test_a_figure_named_by_o_is_refused_saying_what_draws_one(run: Run, tmp_path: Path):
    """-o FILE.png was 'cannot tell the format', and with --csv wrote CSV in a .png: a
    reader of a table asks for a figure, which --plot or `trendlab plot` draws."""
    for args, by in (
        (["forecast", "mmlu", "-o"], "--plot FILE draws one"),
        (["forecast", "mmlu", "--csv", "-o"], "--plot FILE draws one"),
        (["price-trend", "mmlu", "--threshold", "50", "-o"], "--plot FILE draws one"),
        (
            ["query", "models", "-o"],
            "figures are drawn by plot, and by forecast and price-trend --plot FILE",
        ),
        (
            ["export", "models", "-o"],
            "figures are drawn by plot, and by forecast and price-trend --plot FILE",
        ),
    ):
        for name in ("figure.png", "figure.SVG"):
            result = run(*args, str(tmp_path / name))
            assert result.exit_code == 2, result.stderr
            assert "figure, which -o does not draw (it writes " in result.stderr
            assert f"): {by} (see" in result.stderr, result.stderr
            assert not (tmp_path / name).exists()


def test_no_output_may_overwrite_the_database(run: Run, db: Path, tmp_path: Path):
    """-o naming the database (or its write-ahead log, or a link to it) would replace
    every record and its history with a CSV: refused before anything is written."""
    before = db.read_bytes()
    link = tmp_path / "results.csv"
    link.symlink_to(db)
    targets = [str(db), f"{db}.wal", str(link)]
    for target in targets:
        for args in (
            ["list", "results", "--csv", "-o", target],
            ["export", "results", "--format", "csv", "-o", target],
            ["query", "SELECT 1 AS one", "--csv", "-o", target],
        ):
            result = run(*args)
            assert result.exit_code == 2, (args, result.stderr)
            assert f"-o {target} is where the database" in result.stderr
    assert db.read_bytes() == before and not Path(f"{db}.wal").exists()
    assert run("check").exit_code == 0
    # A database named like a figure or a page is kept from those outputs too.
    page = tmp_path / "odd.html"
    page.write_bytes(before)
    odd = make_runner(page)
    assert odd("report", "-o", str(page)).exit_code == 2
    figure = tmp_path / "odd.png"
    figure.write_bytes(before)
    odd = make_runner(figure)
    assert odd("plot", "mmlu", "-o", str(figure)).exit_code == 2
    assert odd("forecast", "mmlu", "--plot", str(figure)).exit_code == 2
    assert page.read_bytes() == figure.read_bytes() == before


def test_history_of_an_ambiguous_key_lists_the_records(run: Run):
    result = run("history", "result", "gpt-4/mmlu")
    assert result.exit_code == 1
    assert (
        "'gpt-4/mmlu' matches 2 results: r_" in result.stderr
        and "give the full id" in result.stderr
    )


def test_a_trailing_slash_names_the_result_with_no_setting(run: Run):
    """mpt-30b has two results on boolq, one 5-shot and one with no setting:
    mpt-30b/boolq is both, so mpt-30b/boolq/ (an empty setting) names the second; no
    write stores an empty setting (unknown is NULL). It was no result at all."""
    found = run("list", "results", "--model", "mpt-30b", "--benchmark", "boolq", "--json")
    listed = json.loads(found.stdout)
    assert sorted(r["setting"] or "" for r in listed) == ["", "5-shot"]
    (bare,) = [r["id"] for r in listed if r["setting"] is None]
    assert "matches 2 results" in run("show", "result", "mpt-30b/boolq").stderr
    for name in ("mpt-30b/boolq/", "MPT-30B/BoolQ/"):
        shown = run("show", "result", name, "--json")
        assert shown.exit_code == 0, shown.stderr
        assert json.loads(shown.stdout)["id"] == bare
    edited = run("edit", "result", "mpt-30b/boolq/", "--set", "notes=bare", "-m", "t")
    assert edited.exit_code == 0, edited.stderr
    assert run("retract", "result", "mpt-30b/boolq/", "-m", "t").stdout.strip() == bare
    history = json.loads(run("history", "result", "mpt-30b/boolq/", "--json").stdout)
    assert [h["op"] for h in history] == ["insert", "update", "retract"]
    # With it gone, mpt-30b/boolq names the 5-shot one, and the empty setting none.
    assert json.loads(run("show", "result", "mpt-30b/boolq", "--json").stdout)["setting"]
    assert "was retracted" in run("show", "result", "mpt-30b/boolq/").stderr


def test_a_setting_stored_in_both_unicode_forms_names_each_as_typed(run: Run, db: Path):
    """A store holding 'café' composed and decomposed on one model's benchmark (written
    before writes matched them, or around trendlab) could name neither: each matched
    both ("matches 2 results"). The setting as typed is preferred; another form names
    one only when none is so spelt."""
    composed, decomposed = "caf\u00e9", "cafe\u0301"
    first = run("add-result", "gpt-4", "gsm8k", "10", "--setting", composed).stdout.strip()
    second = run("add-result", "gpt-4", "gsm8k", "11", "--setting", "other").stdout.strip()
    with _around(db) as (con, cs):
        revise_around(con, cs, "result_revisions", second, setting=decomposed)
    for setting, key in ((composed, first), (decomposed, second)):
        shown = run("show", "result", f"gpt-4/gsm8k/{setting}", "--json")
        assert shown.exit_code == 0, shown.stderr
        assert json.loads(shown.stdout)["id"] == key
    # With the composed one gone, its spelling names the other, as a write would.
    assert run("retract", "result", f"gpt-4/gsm8k/{composed}", "-m", "t").exit_code == 0
    shown = run("show", "result", f"gpt-4/gsm8k/{composed}", "--json")
    assert json.loads(shown.stdout)["id"] == second


def test_spaces_around_each_part_of_a_result_or_price_name_are_no_part_of_it(run: Run):
    """`show price "gpt-4/ OpenAI /2023-03-14"` was "no current price ...", and so was
    `show result "minerva-540b/ MATH "`, though a write strips every field it stores and
    --provider and --benchmark ignore such spaces."""
    names = {
        "result": ("minerva-540b/ MATH ", "minerva-540b/math/ 4-shot maj1@64 "),
        "price": ("gpt-4/ OpenAI /2023-03-14", "gpt-4/OpenAI/ 2023-03-14 ", "gpt-4/ openai "),
    }
    for kind, spaced in names.items():
        plain = json.loads(run("show", kind, spaced[0].replace(" ", ""), "--json").stdout)
        for name in spaced:
            shown = run("show", kind, name, "--json")
            assert shown.exit_code == 0, shown.stderr
            assert json.loads(shown.stdout)["id"] == plain["id"]
            history = run("history", kind, name, "--json")
            assert history.exit_code == 0, history.stderr
            assert [h["op"] for h in json.loads(history.stdout)] == ["insert"]
    # Spaces inside a part are the part's own: a setting is named as stored.
    assert "no current result" in run("show", "result", "minerva-540b/math/4-shot  maj1@64").stderr


def test_as_of_a_year_and_other_global_mistakes(run: Run):
    # The database was made today: as of the end of 2025 it held nothing.
    then = run("list", "benchmarks", "--as-of", "2025", "--json")
    assert then.exit_code == 0 and json.loads(then.stdout) == []
    assert json.loads(run("list", "benchmarks", "--as-of", "2099", "--json").stdout)
    # Any four-digit year, the help says: not only this century and the last.
    assert json.loads(run("list", "benchmarks", "--as-of", "2100", "--json").stdout)
    assert json.loads(run("list", "benchmarks", "--as-of", "1850", "--json").stdout) == []
    # Four digits with a leading 0 start a changeset id (ids begin with their time in
    # hex, 0661... for years), not a year before 1000.
    seeded = json.loads(run("log", "--json").stdout)[-1]["changeset"]
    assert seeded.startswith("0")
    assert json.loads(run("list", "benchmarks", "--as-of", seeded[:4], "--json").stdout)
    assert json.loads(run("diff", "--since", "1000", "--json").stdout)
    # For diff --since a year means since it began: this year's changes are all there.
    this_year = str(datetime.now(UTC).year)
    changes = json.loads(run("diff", "--since", this_year, "--json").stdout)
    assert any(c["kind"] == "benchmarks" and c["key"] == "mmlu" for c in changes)
    twice = run("edit", "model", "gpt-4", "--set", "name=a", "--set", "name=b", "-m", "x")
    assert twice.exit_code == 2 and "name is given twice" in twice.stderr
    empty = CliRunner().invoke(cli, ["--db", "", "list", "models"])
    assert empty.exit_code == 2 and "--db: is empty" in empty.stderr


def test_a_blank_trendlab_db_is_named_as_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A TRENDLAB_DB of spaces was reported as --db, which the command line did not hold;
    a --db given beside it is the one named, as it is the one read."""
    monkeypatch.chdir(tmp_path)
    blank = CliRunner().invoke(cli, ["list", "models"], env={"TRENDLAB_DB": " "})
    assert (blank.exit_code, blank.stderr) == (
        2,
        "trendlab: error: Invalid value for TRENDLAB_DB: is empty: give a file or a team "
        "store (see 'cli --help')\n",
    )
    given = CliRunner().invoke(cli, ["--db", " ", "list", "models"], env={"TRENDLAB_DB": " "})
    assert "Invalid value for --db: is empty" in given.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_global_option_names_its_variable_only_when_the_value_came_from_there(db: Path):
    """`--lock-timeout -1` typed on the command line was reported as "'--lock-timeout'
    (env var: 'TRENDLAB_LOCK_TIMEOUT')", as if the variable, unset, held it."""
    typed = CliRunner().invoke(cli, ["--db", str(db), "--lock-timeout", "-1", "log"])
    assert (typed.exit_code, typed.stderr) == (
        2,
        "trendlab: error: Invalid value for '--lock-timeout': -1 is not in the range x>=0 "
        "(see 'cli --help')\n",
    )
    from_env = CliRunner().invoke(
        cli, ["--db", str(db), "log"], env={"TRENDLAB_LOCK_TIMEOUT": "-1"}
    )
    assert from_env.exit_code == 2
    assert "'--lock-timeout' (env var: 'TRENDLAB_LOCK_TIMEOUT'): -1 is not" in from_env.stderr


def test_a_db_with_white_space_around_its_file_name_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`--db "x.duckdb "` (or TRENDLAB_DB so) created a file whose name ends in a space,
    and said "no database at x.duckdb :". A PostgreSQL connection is libpq's to read,
    so its spaces are left to it."""
    monkeypatch.chdir(tmp_path)
    for db, fault in [
        ("x.duckdb ", "'x.duckdb ' ends with white space"),
        (" x.duckdb", "' x.duckdb' begins with white space"),
        ("ducklake:x.ducklake\t", "'ducklake:x.ducklake\\t' ends with white space"),
        (" ducklake:postgres:dbname=x", "' ducklake:postgres:dbname=x' begins with white space"),
        # Its password masked, as a connection string's is in every message (it was shown).
        (
            " ducklake:postgres:dbname=x password=hunter2",
            "' ducklake:postgres:dbname=x password=***' begins with white space",
        ),
        ("postgresql://u:hunter2@h/x ", "'postgresql://u:***@h/x ' ends with white space"),
        # The file's own name, after ducklake: or in a folder.
        ("ducklake: x.ducklake", "' x.ducklake' begins with white space"),
        ("ducklake:", "'ducklake:' names no file after it"),
        ("d/x.duckdb /", "'x.duckdb ' ends with white space"),
    ]:
        # Named as it was given: the environment is not the command line.
        for args, env, given in (
            (["--db", db], {}, "--db"),
            ([], {"TRENDLAB_DB": db}, "TRENDLAB_DB"),
        ):
            result = CliRunner().invoke(cli, [*args, "init", "--empty"], env=env)
            assert (result.exit_code, result.stderr) == (
                2,
                f"trendlab: error: Invalid value for {given}: {fault} (see 'cli --help')\n",
            ), (args, env)
    assert list(tmp_path.iterdir()) == []
    served = CliRunner().invoke(cli, ["--db", "ducklake:postgres:dbname=x host=/no/such ", "log"])
    assert served.exit_code == 1 and "cannot reach the catalog" in served.stderr


def test_a_store_named_dash_is_a_usage_error(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`copy trendlab.duckdb -`, meant for stdout as - is everywhere else, made a DuckDB
    file named '-' and said it copied; `--db -` made one too. A file so named is
    reached as ./-."""
    monkeypatch.chdir(tmp_path)
    said = "'-' means stdin or stdout, which hold no store: give a path (./- for a file named -)"
    for args, env, given in (
        (["--db", "-", "init", "--empty"], {}, "--db"),
        # A lake's catalog so named made files '-' and '-.files'.
        (["--db", "ducklake:-", "init", "--empty"], {}, "--db"),
        (["copy", str(db), "ducklake:-"], {}, "DST"),
        (["init", "--empty"], {"TRENDLAB_DB": "-"}, "TRENDLAB_DB"),
        (["copy", str(db), "-"], {}, "DST"),
        (["copy", "-", "new.duckdb"], {}, "SRC"),
        (["--db", str(db), "--data-path", "-", "log"], {}, "--data-path"),
    ):
        result = CliRunner().invoke(cli, args, env=env)
        command = "cli copy" if "copy" in args else "cli"
        assert (result.exit_code, result.stdout, result.stderr) == (
            2,
            "",
            f"trendlab: error: Invalid value for {given}: {said} (see '{command} --help')\n",
        ), args
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([db.name])
    copied = CliRunner().invoke(cli, ["copy", str(db), "./-"])
    assert copied.exit_code == 0, copied.stderr
    assert (tmp_path / "-").is_file()


def test_diff_leaves_out_what_ends_as_it_began(run: Run):
    """diff compares each record's state then with its state now: a record changed and
    changed back, or added and retracted since, is no change; the others are."""
    since = json.loads(run("log", "--limit", "1", "--json").stdout)[0]["changeset"]
    notes = json.loads(run("show", "model", "gpt-4", "--json").stdout)["notes"]
    for step in (
        ("edit", "model", "gpt-4", "--set", "notes=for a moment"),
        ("edit", "model", "gpt-4", "--set", f"notes={notes}"),
        ("add-model", "fleeting"),
        ("retract", "model", "fleeting"),
        ("add-model", "lasting"),
        ("edit", "model", "gpt-4o", "--set", "notes=kept"),
    ):
        done = run(*step, "-m", "t")
        assert done.exit_code == 0, (step, done.stderr)
    changed = run("diff", "--since", since, "--json")
    assert changed.exit_code == 0, changed.stderr
    assert [(c["kind"], c["key"], c["change"]) for c in json.loads(changed.stdout)] == [
        ("models", "gpt-4o", "updated"),
        ("models", "lasting", "added"),
    ]
    # Counted in the order a write's summary and log use, not the rows' order.
    assert changed.stderr == f"since {since}: models: 1 added, 1 updated\n"


def test_diff_says_a_retracted_record_brought_back_was_restored(run: Run):
    """A record retracted at --since and current now was listed as added, so a review of
    an import that brought back a retraction made for a reason did not show it; it is
    restored, with what differs from its retracted values, as the write said."""
    price = ("add-price", "gpt-4o", "OpenAI", "2024-05-13", "--input", "5", "--output", "15")
    assert run("retract", "price", "gpt-4o/OpenAI/2024-05-13", "-m", "wrong").exit_code == 0
    since = json.loads(run("log", "--limit", "1", "--json").stdout)[0]["changeset"]
    restored = run(*price)
    assert restored.exit_code == 0 and "restored (it was retracted)" in restored.stderr
    changed = run("diff", "--since", since, "--json")
    assert changed.exit_code == 0, changed.stderr
    [row] = json.loads(changed.stdout)
    assert (row["key"], row["change"]) == (restored.stdout.strip(), "restored")
    # The write gave only the prices, as retracted: the rest kept, nothing differs.
    assert row["fields"] == []
    assert changed.stderr == f"since {since}: prices: 1 restored\n"


def test_diff_kind_is_a_choice_as_every_kind_option_is(run: Run):
    """An unknown --kind was a data error (exit 1) after the changes were read."""
    bad = run("diff", "--since", "1000", "--kind", "bogus")
    assert bad.exit_code == 2 and "Invalid value for '--kind': 'bogus'" in bad.stderr
    singular = json.loads(run("diff", "--since", "1000", "--kind", "Benchmark", "--json").stdout)
    assert singular and {c["kind"] for c in singular} == {"benchmarks"}


def test_a_date_without_dashes_is_told_how_to_write_it(run: Run, on_store: str):
    """--since 20261204 was read as a changeset prefix, and the error said only "no
    changeset"; eight digits that make a date now say how to write that date, in every
    command that reads WHEN (--as-of too). Eight that make none are only no changeset."""
    for args, hint in [
        (("diff", "--since", "20261204 "), "for the date, write --since 2026-12-04"),
        (("list", "models", "--as-of", "20240229"), "for the date, write --as-of 2024-02-29"),
    ]:
        result = run(*args)
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr == f"trendlab: error: no changeset {args[-1]!r}; {hint}\n"
    undated = run("diff", "--since", "20231399")
    assert undated.exit_code == 1
    assert undated.stderr == f"trendlab: error: no changeset '20231399'; see `{on_store} log`\n"


def test_eight_digits_with_a_leading_0_are_no_date_to_write(run: Run, on_store: str):
    """A mistyped changeset prefix (ids begin with 0662...) was told "for the date, write
    --as-of 0662-01-01", a year no one means, as four digits with a leading 0 are read
    as a changeset prefix, not a year before 1000."""
    for args in (("list", "models", "--as-of", "06620101"), ("diff", "--since", "06620101")):
        result = run(*args)
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == f"trendlab: error: no changeset '06620101'; see `{on_store} log`\n"


def test_query_repeated_column_names_keep_the_names_the_query_gave(run: Run, tmp_path: Path):
    """A repeated name takes a suffix no column has: the second a was called a_1, the
    query's own a_1 a_1_1, so the column headed a_1 held another's values."""
    sql = "SELECT 1 AS a, 2 AS a, 3 AS a_1"
    expected = {"a": 1, "a_2": 2, "a_1": 3}
    assert json.loads(run("query", sql, "--json").stdout) == [expected]
    assert run("query", sql, "--csv").stdout == "a,a_2,a_1\n1,2,3\n"
    assert run("query", sql).stdout.splitlines()[0].split() == ["a", "a_2", "a_1"]
    out = tmp_path / "repeated.parquet"
    assert run("query", sql, "-o", str(out)).exit_code == 0
    assert pl.read_parquet(out).row(0, named=True) == expected


def test_query_output_with_nested_values_and_brackets(run: Run):
    sql = (
        "SELECT 'gpt-4' AS model, ['5-shot', NULL] AS settings, [DATE '2023-03-14'] AS days, "
        "{'a': 1} AS facts, '[bold]kept[/bold] [1]' AS note"
    )
    csv_out = run("query", sql, "--csv")
    assert csv_out.exit_code == 0, csv_out.stderr
    assert csv_out.stdout.splitlines()[1] == (
        'gpt-4,"[""5-shot"", null]","[""2023-03-14""]","{""a"": 1}",[bold]kept[/bold] [1]'
    )
    rows = json.loads(run("query", sql, "--json").stdout)
    assert rows == [
        {
            "model": "gpt-4",
            "settings": ["5-shot", None],
            "days": ["2023-03-14"],
            "facts": {"a": 1},
            "note": "[bold]kept[/bold] [1]",
        }
    ]
    assert json.loads(run("query", sql, "--jsonl").stdout) == rows[0]
    # A table shows values as written: brackets are not markup, numbers not reformatted.
    table = run("query", sql).stdout
    assert '["5-shot", null]' in table and "[bold]kept[/bold] [1]" in table


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _table_lines(monkeypatch: pytest.MonkeyPatch, rows: Any, width: int | None) -> list[str]:
    """The table of `rows` as printed on a terminal `width` columns wide, or in a pipe."""
    from trendlab.render import render

    screen = _Terminal() if width else io.StringIO()
    monkeypatch.setenv("COLUMNS", str(width or 80))
    monkeypatch.setattr("sys.stdout", screen)
    render(rows, "table")
    return screen.getvalue().splitlines()


def test_parquet_on_a_terminal_is_a_usage_error(monkeypatch: pytest.MonkeyPatch):
    """Parquet to a terminal is the command line asking for what it cannot have,
    whatever the data (it exited 1): a usage error, and nothing is written there."""
    import polars as pl

    from trendlab.errors import ExitCode, TrendlabError
    from trendlab.render import render

    screen = _Terminal()
    monkeypatch.setattr("sys.stdout", screen)
    with pytest.raises(TrendlabError, match="parquet output is binary") as refused:
        render(pl.DataFrame({"a": [1]}), "parquet")
    assert refused.value.exit_code == ExitCode.USAGE
    assert screen.getvalue() == ""


@pytest.mark.skipif(not os.path.isdir("/dev/fd"), reason="no /dev/fd on this system")
def test_parquet_to_a_terminal_named_by_its_descriptor_is_a_usage_error():
    """-o /dev/stdout (or /dev/fd/N) on a terminal wrote Parquet's bytes to the screen,
    which -o - (or no -o) refuses."""
    import polars as pl

    from trendlab.errors import ExitCode, TrendlabError
    from trendlab.render import render

    screen, terminal = os.openpty()
    try:
        with pytest.raises(TrendlabError, match="parquet output is binary") as refused:
            render(pl.DataFrame({"a": [1]}), "parquet", f"/dev/fd/{terminal}")
        assert refused.value.exit_code == ExitCode.USAGE
        os.set_blocking(screen, False)
        with pytest.raises(BlockingIOError):  # nothing was written there
            os.read(screen, 1)
    finally:
        os.close(terminal)
        os.close(screen)


def test_a_table_on_a_terminal_wraps_long_text_to_fit(monkeypatch: pytest.MonkeyPatch):
    from wcwidth import wcswidth

    from trendlab.render import Rows

    url = "https://example.org/" + "a-long-path/" * 12
    rows = Rows(
        ["id", "score", "source_url"], [False, True, False], [("r_0123456789abcdef", 12.5, url)]
    )
    for width, wrapped in ((60, True), (400, False)):
        lines = _table_lines(monkeypatch, rows, width)
        assert all(len(line) <= width for line in lines), lines
        assert (len(lines) > 3) is wrapped
        # The id and the number stay whole; the URL is all there, read down its column.
        assert lines[2].split()[:2] == ["r_0123456789abcdef", "12.5"]
        start = lines[0].index("source_url")
        assert "".join(line[start:].strip() for line in lines[2:]) == url

    # Many text columns, long headers, wide characters: headers wrap too, and the table
    # still fits; in a pipe nothing wraps.
    names = ["model", "organization_name", "setting", "notes", "source_url", "training_compute"]
    note = "日本語のメモ、" * 6 + " a note in two scripts"
    row = ("gpt-4-0613", "Université de Montréal", "5-shot CoT", note, url, 2.1e25)
    wide = Rows(names, [False] * 5 + [True], [row, row])
    for width in (80, 120):
        lines = _table_lines(monkeypatch, wide, width)
        assert max(wcswidth(line) for line in lines) <= width, lines
    assert len(_table_lines(monkeypatch, wide, None)) == 4

    # Where the window is too narrow even so, ids, dates and timestamps stay whole.
    changes = Rows(
        ["changeset", "recorded_at", "effective_date", "message"],
        [False] * 4,
        [("0661996c5c21e9dbb8", "2026-12-01 21:43:22", "2024-05-13", "a message " * 8)],
    )
    lines = _table_lines(monkeypatch, changes, 40)
    first = next(i for i, line in enumerate(lines) if line.startswith("-")) + 1
    assert lines[first].split()[:4] == [
        "0661996c5c21e9dbb8",
        "2026-12-01",
        "21:43:22",
        "2024-05-13",
    ], lines


def test_a_header_wraps_only_where_that_narrows_its_column(monkeypatch: pytest.MonkeyPatch):
    """On a narrow terminal every header wrapped at the narrowest width, even over a
    column of ids kept whole and wider than it: "changese" over "t", to save nothing."""
    from trendlab.render import Rows

    changes = Rows(
        ["changeset", "recorded_at", "effective_date", "message"],
        [False] * 4,
        [("0661996c5c21e9dbb8", "2026-12-01 21:43:22", "2024-05-13", "a message " * 8)],
    )
    lines = _table_lines(monkeypatch, changes, 40)
    assert lines[0].split()[:2] == ["changeset", "recorded_at"], lines
    # A header wider than its column still wraps: it would widen it.
    assert lines[0].split()[2] == "effectiv", lines


def test_a_table_whose_wrapped_columns_fit_the_window_fits_it(monkeypatch: pytest.MonkeyPatch):
    """Three columns fit 34 characters with the two long ones wrapped at 8, but their
    headers wrapped at 8 too, and tabulate pads a header by 2: 10-wide columns made a
    table of 38 on a window it could fit. A header now wraps 2 short of its column."""
    from trendlab.render import Rows

    rows = Rows(
        ["a_long_header_name", "another_header_x", "third_header"],
        [False] * 3,
        [("aaaa bbbb " * 7, "xxxx yyyy " * 4, "qqqq pppp oooo")],
    )
    lines = _table_lines(monkeypatch, rows, 34)
    assert max(len(line) for line in lines) <= 34, lines
    assert lines[0].split() == ["a_long", "anothe", "third_header"], lines
    rule = next(line for line in lines if line.startswith("-"))
    assert rule == "--------  --------  --------------", lines


def test_a_bignum_is_a_number_in_a_table(monkeypatch: pytest.MonkeyPatch):
    """DuckDB hands a BIGNUM over as its text, so a table took it for text: it was
    left-aligned and, on a terminal, wrapped nine digits a line."""
    import duckdb

    from trendlab.render import Rows

    big = "123456789012345678901234567890"
    sql = f"SELECT * FROM (VALUES ({big}::BIGNUM, repeat('word ', 20)), (-22, 'w')) t(b, note)"
    rows = Rows.of_result(duckdb.connect().execute(sql))
    lines = _table_lines(monkeypatch, rows, 50)
    assert [line[:30] for line in lines[:2]] == [" " * 29 + "b", "-" * 30], lines
    assert lines[2].split()[:2] == [big, "word"], lines
    assert lines[-1].split() == ["-22", "w"] and lines[-1].index("-22") == 27, lines


def test_a_header_of_several_lines_wraps_at_its_widest_line(monkeypatch: pytest.MonkeyPatch):
    """A query's column named with a newline was wrapped a letter a line on a terminal
    (wcswidth reads a newline as -1), as if its header had no width."""
    from trendlab.render import Rows

    rows = Rows(["first line\nsecond line", "other"], [False, False], [("word " * 30, "abc " * 20)])
    lines = _table_lines(monkeypatch, rows, 60)
    assert lines[:3] == [
        "first line                     other",
        "second line",
        "-----------------------------  ---------------------------",
    ], lines


def test_a_table_aligns_wide_characters_and_escapes_control_characters(run: Run):
    from wcwidth import wcswidth

    sql = (
        "SELECT * FROM (VALUES (1, chr(1), 'visible'), (2, '日本語', 'a' || chr(9) || 'b'),"
        " (3, '🚀🚀x', 'c' || chr(11) || 'd'), (4, 'plain', 'two' || chr(10) || 'lines')) t(n, a, b)"
    )
    lines = run("query", sql).stdout.splitlines()
    # Every row is there, control characters shown as escapes, not acted on (tabulate
    # would take a row led by \x01 for a separator; a tab or \v would move a column).
    assert [line.split()[:3] for line in lines[2:7]] == [
        ["1", "\\x01", "visible"],
        ["2", "日本語", "a\\tb"],
        ["3", "🚀🚀x", "c\\x0bd"],
        ["4", "plain", "two"],
        ["lines"],
    ]
    # Column b starts at the same place on screen in every row, whatever came before.
    starts = {
        wcswidth(line[: line.index(word)])
        for line, word in zip(lines[2:6], ["visible", "a\\tb", "c\\x0bd", "two"], strict=True)
    }
    assert len(starts) == 1, lines


def test_a_table_escapes_hiding_format_characters_but_not_the_joiners_of_a_script(run: Run):
    # U+202E would show the rest of the row reversed and U+200B splits a word unseen;
    # the zero-width non-joiner is how Persian spells (می‌خواهم), so it stays.
    sql = "SELECT 'gpt' || chr(8238) || '-4' AS a, 'a' || chr(8203) || 'b' AS b, 'می' || chr(8204) || 'خواهم' AS c"
    row = run("query", sql).stdout.splitlines()[2].split()
    assert row == ["gpt\\u202e-4", "a\\u200bb", "می\u200cخواهم"]


def test_query_output_of_every_kind_of_value(run: Run, tmp_path: Path):
    # Table, JSON and JSONL are written from DuckDB's Python values, CSV and parquet by
    # Polars: every kind of value must come out, and the same in each format.
    sql = (
        "SELECT 2.50::DECIMAL(5,2) AS price, 10::HUGEINT AS big, 1.5::DOUBLE AS x, "
        "true AS flag, TIMESTAMP '2024-01-02 03:04:05' AS at, INTERVAL 3 DAY AS span, "
        "NULL::INTEGER AS nothing, '' AS empty, 'a,\"b\"' AS text, "
        "TIMESTAMPTZ '2024-01-02 03:04:05+00' AS stamped, [1, 2]::INTEGER[2] AS pair, "
        "1 AS n, 2 AS n"
    )
    names = "price,big,x,flag,at,span,nothing,empty,text,stamped,pair,n,n_1"
    # A TIMESTAMPTZ is shown as time in the session's zone, the machine's, with its
    # offset: without one it read as another moment anywhere but in that zone.
    local = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC).astimezone()
    stamp = local.isoformat(timespec="microseconds")
    assert stamp[-6] in "+-"
    csv_out = run("query", sql, "--csv")
    assert csv_out.exit_code == 0, csv_out.stderr
    # (an INTERVAL is DuckDB's text of it, whichever way Polars takes the rows)
    assert csv_out.stdout.splitlines() == [
        names,
        f'2.50,10,1.5,true,2024-01-02T03:04:05.000000,3 days,,"","a,""b""",{stamp},"[1, 2]",1,2',
    ]
    # A DECIMAL is a number, and exact: read as written, not rounded through a float.
    (row,) = json.loads(run("query", sql, "--json").stdout, parse_float=Decimal)
    assert row == {
        "price": Decimal("2.50"),
        "big": 10,
        "x": 1.5,
        "flag": True,
        "at": "2024-01-02T03:04:05.000000",
        "span": "3 days",
        "nothing": None,
        "empty": "",
        "text": 'a,"b"',
        "stamped": stamp,
        "pair": [1, 2],
        "n": 1,
        "n_1": 2,  # a repeated name is not a lost column
    }
    assert json.loads(run("query", sql, "--jsonl").stdout, parse_float=Decimal) == row
    # JSON has no NaN or Infinity: they are null, so that strict parsers read the output.
    odd = "SELECT 'nan'::DOUBLE AS a, '-inf'::DOUBLE AS b, ['inf'::DOUBLE] AS c"

    def strict(text: str) -> object:
        return json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))

    assert strict(run("query", odd, "--json").stdout) == [{"a": None, "b": None, "c": [None]}]
    assert strict(run("query", odd, "--jsonl").stdout) == {"a": None, "b": None, "c": [None]}
    assert run("query", sql).stdout.splitlines()[0].split() == names.split(",")
    # With a MAP, CSV comes from the rows, typed by their values (Polars takes a MAP
    # from Arrow only as a struct of every key), not DuckDB's Arrow types: the same text.
    rows = run("query", sql + ", MAP {'k': 1} AS m", "--csv")
    assert rows.stdout.splitlines()[1] == csv_out.stdout.splitlines()[1] + ',"{""k"": 1}"'
    # Parquet keeps DuckDB's column types, even of a column with no value.
    out = tmp_path / "typed.parquet"
    typed = run("query", "SELECT 2.50::DECIMAL(5,2) AS price, NULL::INTEGER AS n", "-o", str(out))
    assert typed.exit_code == 0, typed.stderr
    assert pl.read_parquet(out).schema == {"price": pl.Decimal(5, 2), "n": pl.Int32}


def test_parquet_keeps_duckdbs_column_types_beside_a_map(run: Run, tmp_path: Path):
    """Beside a MAP (or a repeated name), Parquet is written from the rows, and their
    types were read from the values: a column of nulls had none (Null), a SMALLINT was
    an Int64, a DECIMAL(5,2) a DECIMAL(38,2) and a small HUGEINT an Int64. Each has the
    type it has without the MAP, and CSV is unchanged."""
    sql = (
        "SELECT NULL::INTEGER AS n, 1::SMALLINT AS s, 2.50::DECIMAL(5,2) AS d, "
        "10::HUGEINT AS h, [1]::TINYINT[] AS l, NULL::STRUCT(a INTEGER) AS st, 1 AS r, 2 AS r"
    )
    types = {
        "n": pl.Int32,
        "s": pl.Int16,
        "d": pl.Decimal(5, 2),
        "h": pl.Decimal(38, 0),
        "l": pl.List(pl.Int8),
        "st": pl.Struct({"a": pl.Int32}),
        "r": pl.Int32,
        "r_1": pl.Int32,
    }
    for extra, more in (("", {}), (", MAP {'a': 1} AS m", {"m": pl.String})):
        out = tmp_path / "typed.parquet"
        written = run("query", sql + extra, "-o", str(out))
        assert written.exit_code == 0, written.stderr
        assert pl.read_parquet(out).schema == types | more
        csv_out = run("query", sql + extra, "--csv").stdout.splitlines()
        assert csv_out[1].startswith(",1,2.50,10,[1],,1,2"), csv_out


@pytest.mark.parametrize("where", ["", " WHERE false"])
def test_a_map_is_text_in_parquet_with_no_value_to_show(run: Run, tmp_path: Path, where: str):
    """A MAP is its JSON text in Parquet, but a column of one with no rows, or of nulls
    only, had no value to say so and was of type Null."""
    sql = "SELECT NULL::MAP(VARCHAR, INTEGER) AS m, MAP {'k': 1} AS k, 1 AS n" + where
    out = tmp_path / "maps.parquet"
    written = run("query", sql, "-o", str(out))
    assert written.exit_code == 0, written.stderr
    assert pl.read_parquet(out).schema == {"m": pl.String, "k": pl.String, "n": pl.Int32}


@pytest.mark.parametrize("beside", ["MAP {'k': 1} AS x", "'infinity'::DATE AS x", "1 AS t"])
def test_a_timestamp_ns_keeps_its_nanoseconds_in_parquet_beside_any_value(
    run: Run, tmp_path: Path, beside: str
):
    """Beside a MAP, an infinite date or a repeated name, Parquet is written from the
    rows, and Python's datetime dropped a TIMESTAMP_NS's last three digits (in a list,
    a struct and a MAP's JSON text too), which Parquet keeps otherwise."""
    stamp = "2024-01-02 03:04:05.123456789"
    ns = f"TIMESTAMP_NS '{stamp}'"
    sql = f"SELECT {ns} AS t, [{ns}] AS l, {{'s': {ns}}} AS s, MAP {{'k': {ns}}} AS m, {beside}"
    out = tmp_path / "ns.parquet"
    written = run("query", sql, "-o", str(out))
    assert written.exit_code == 0, written.stderr
    frame = pl.read_parquet(out)
    assert frame["t"].dtype == pl.Datetime("ns")
    nanoseconds = [
        frame["t"],
        frame["l"].explode(),
        frame["s"].struct.field("s"),
    ]
    assert [column.dt.nanosecond()[0] for column in nanoseconds] == [123456789] * 3
    assert frame["m"][0] == json.dumps({"k": stamp})  # as CSV and JSON have it


def test_a_timestamp_reads_alike_inside_a_list_or_struct_and_keeps_its_offset(run: Run):
    """A TIMESTAMPTZ was written as wall-clock time without its offset (another moment
    anywhere but in the session's zone), though in a list it kept it; and a timestamp
    in a list or struct read `2024-01-02 03:04:05` where outside one it read
    `2024-01-02T03:04:05.000000`. Each is now its ISO text, with the offset it has."""
    sql = (
        "SELECT TIMESTAMPTZ '2024-01-02 03:04:05+00' AS z, [TIMESTAMPTZ '2024-01-02 03:04:05+00'] "
        "AS l, {'s': TIMESTAMP '2024-01-02 03:04:05'} AS s"
    )
    zoned = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC).astimezone()  # the session's zone
    stamp = zoned.isoformat(timespec="microseconds")
    row = {"z": stamp, "l": [stamp], "s": {"s": "2024-01-02T03:04:05.000000"}}
    assert json.loads(run("query", sql, "--json").stdout) == [row]
    texts = [stamp, json.dumps([stamp]), json.dumps(row["s"])]
    shown = zoned.isoformat(sep=" ", timespec="seconds")
    assert _table_and_csv_cells(run, sql) == ([shown, *texts[1:]], texts)


@both_stores
def test_nan_time_and_interval_read_alike_in_every_format(run: Run, tmp_path: Path):
    """A NaN read `nan` in a table and `NaN` in CSV (`NaN` in a list's JSON text, which
    no strict parser reads), a TIME `12:30:05.000000000` in CSV alone, and an INTERVAL
    as Python's timedelta, a month 30 days (`-1 day, 22:30:00` for -90 minutes); a list
    of intervals crashed CSV and Parquet."""
    sql = (
        "SELECT 'nan'::DOUBLE AS x, '-inf'::DOUBLE AS y, TIME '12:30:05' AS t, "
        "TIME '12:30:05.25' AS u, INTERVAL '1 year 2 months 3 days' AS i, "
        "-INTERVAL 90 MINUTE AS j, [INTERVAL 1 MONTH] AS l, ['nan'::DOUBLE, 1.5] AS n; -- end"
    )
    texts = ["12:30:05", "12:30:05.250000", "1 year 2 months 3 days", "-01:30:00"]
    nested = ['["1 month"]', "[null, 1.5]"]
    table = run("query", sql)
    assert table.exit_code == 0, table.stderr
    assert re.split(r"\s{2,}", table.stdout.splitlines()[2].strip()) == [
        "NaN", "-inf", *texts, *nested
    ]  # fmt: skip
    out = run("query", sql, "--csv")
    assert out.exit_code == 0, out.stderr
    assert list(csv.reader(io.StringIO(out.stdout)))[1] == ["NaN", "-inf", *texts, *nested]

    def strict(text: str) -> Any:
        return json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))

    row = dict(zip("xytuij", [None, None, *texts], strict=True), l=["1 month"], n=[None, 1.5])
    assert strict(run("query", sql, "--json").stdout) == [row]
    assert strict(run("query", sql, "--jsonl").stdout) == row
    parquet = tmp_path / "odd.parquet"
    out = run("query", sql, "-o", str(parquet))
    assert out.exit_code == 0, out.stderr
    frame = pl.read_parquet(parquet)
    assert frame.schema["t"] == pl.Time and frame.schema["i"] == pl.String
    assert math.isnan(frame["x"][0]) and frame["y"][0] == -math.inf
    assert frame.row(0)[2:7] == (time(12, 30, 5), time(12, 30, 5, 250000), *texts[2:], ["1 month"])


def test_a_time_with_its_offset_and_a_bit_string_read_alike_in_every_format(
    run: Run, tmp_path: Path
):
    """CSV and Parquet wrote TIMETZ '12:30:05+02' as 12:30:05, another time, since Arrow
    drops the offset, and CSV a BIT '101' as the bytes b'\\x05\\xfd'."""
    sql = "SELECT TIMETZ '12:30:05+02' AS t, [TIMETZ '01:02:03-05:30'] AS l, '101'::BIT AS b"
    texts = ["12:30:05+02", '["01:02:03-05:30"]', "101"]
    table = run("query", sql)
    assert table.exit_code == 0, table.stderr
    assert table.stdout.splitlines()[2].split() == texts
    out = run("query", sql, "--csv")
    assert list(csv.reader(io.StringIO(out.stdout)))[1] == texts
    row = {"t": "12:30:05+02", "l": ["01:02:03-05:30"], "b": "101"}
    assert json.loads(run("query", sql, "--json").stdout) == [row]
    parquet = tmp_path / "times.parquet"
    assert run("query", sql, "-o", str(parquet)).exit_code == 0
    assert pl.read_parquet(parquet).row(0, named=True) == row


def _table_and_csv_cells(run: Run, sql: str) -> tuple[list[str], list[str]]:
    """The first row of `query SQL`: its cells as a table shows them, and as CSV has them."""
    table, out = run("query", sql), run("query", sql, "--csv")
    assert table.exit_code == 0 and out.exit_code == 0, table.stderr + out.stderr
    shown = re.split(r"\s{2,}", table.stdout.splitlines()[2].strip())
    return shown, list(csv.reader(io.StringIO(out.stdout)))[1]


def test_names_and_enum_values_that_read_as_types_are_not_types(run: Run, tmp_path: Path):
    """Struct fields named "interval", "time" and "bit" and an ENUM's values 'TIME' and
    'INTERVAL', in lists and a map beside values that are written as text, keep their
    names and values: only the INTERVAL and TIME WITH TIME ZONE in them become text."""
    enum = "ENUM('TIME', 'INTERVAL')"
    sql = (
        "SELECT {'interval': INTERVAL 1 MONTH, 'time': TIME '01:02:03', 'bit': 5} AS s, "
        f"['TIME'::{enum}] AS e, MAP {{'INTERVAL'::{enum}: "
        "[{'interval': INTERVAL 1 DAY, 'time': TIMETZ '01:00:00+02'}]} AS m"
    )
    s = {"interval": "1 month", "time": "01:02:03", "bit": 5}
    m = {"INTERVAL": [{"interval": "1 day", "time": "01:00:00+02"}]}
    texts = [json.dumps(s), '["TIME"]', json.dumps(m)]
    assert _table_and_csv_cells(run, sql) == (texts, texts)
    assert json.loads(run("query", sql, "--json").stdout) == [{"s": s, "e": ["TIME"], "m": m}]
    parquet = tmp_path / "names.parquet"
    assert run("query", sql, "-o", str(parquet)).exit_code == 0
    frame = pl.read_parquet(parquet)
    assert frame.schema["s"] == pl.Struct({"interval": pl.String, "time": pl.Time, "bit": pl.Int32})
    assert frame.row(0) == ({**s, "time": time(1, 2, 3)}, ["TIME"], json.dumps(m))


@pytest.mark.parametrize(
    ("sql", "row"),
    [
        ("SELECT row(INTERVAL 1 DAY, 1) AS a", {"a": {"v1": "1 day", "v2": 1}}),
        ("SELECT [row(1, 'x')] AS a, row(2) AS b", {"a": [{"v1": 1, "v2": "x"}], "b": {"v1": 2}}),
    ],
)
def test_a_struct_of_unnamed_fields_is_written_in_every_format(
    run: Run, tmp_path: Path, sql: str, row: dict[str, Any]
):
    """With an INTERVAL in it, its type's text, STRUCT(INTERVAL, INTEGER), is none
    DuckDB parses: casting to it made every format fail (`query failed: Parser Error:
    syntax error at or near ","`). Without one, its fields' shared name "" made CSV exit
    70 with a TypeError, while JSON wrote a list. Made a type of named fields, v1 and
    v2, it is written alike in every format."""
    texts = [json.dumps(v) for v in row.values()]
    assert _table_and_csv_cells(run, sql) == (texts, texts)
    assert json.loads(run("query", sql, "--json").stdout) == [row]
    parquet = tmp_path / "unnamed.parquet"
    assert run("query", sql, "-o", str(parquet)).exit_code == 0
    assert pl.read_parquet(parquet).row(0, named=True) == row


def test_a_timestamp_in_nanoseconds_keeps_them_in_every_format(run: Run, tmp_path: Path):
    """A TIMESTAMP_NS went through Python's datetime, which holds microseconds: a table
    showed 2024-01-02 03:04:05, and CSV and JSON 2024-01-02T03:04:05.123456 (in a list
    too). It is DuckDB's text of it now, and a timestamp in nanoseconds in Parquet."""
    stamp = "2024-01-02 03:04:05.123456789"
    sql = f"SELECT '{stamp}'::TIMESTAMP_NS AS t, ['{stamp}'::TIMESTAMP_NS] AS l"
    table = run("query", sql)
    assert table.exit_code == 0, table.stderr
    assert re.split(r"\s{2,}", table.stdout.splitlines()[2].strip()) == [stamp, f'["{stamp}"]']
    out = run("query", sql, "--csv")
    assert out.exit_code == 0, out.stderr
    assert list(csv.reader(io.StringIO(out.stdout)))[1] == [stamp, f'["{stamp}"]']
    row = {"t": stamp, "l": [stamp]}
    assert json.loads(run("query", sql, "--json").stdout) == [row]
    assert json.loads(run("query", sql, "--jsonl").stdout) == row
    parquet = tmp_path / "ns.parquet"
    assert run("query", sql, "-o", str(parquet)).exit_code == 0
    frame = pl.read_parquet(parquet)
    assert frame.schema == {"t": pl.Datetime("ns"), "l": pl.List(pl.Datetime("ns"))}
    nanos = frame.select(pl.col("t").dt.nanosecond(), pl.col("l").list.first().dt.nanosecond())
    assert nanos.row(0) == (123456789, 123456789)


def test_a_blob_is_duckdbs_text_of_its_bytes_in_every_text_format(run: Run, tmp_path: Path):
    """A BLOB was Python's repr, b'\\xaa\\x00ab', in a table, CSV and JSON: text no reader
    takes back as bytes. Now it is DuckDB's, which `::BLOB` reads back; Parquet keeps bytes."""
    sql = r"""SELECT '\xAA\x00a\x5Cb"'''::BLOB AS b, ['ab'::BLOB] AS l"""
    text = r"\xAA\x00a\x5Cb\x22\x27"
    table = run("query", sql)
    assert table.exit_code == 0, table.stderr
    assert table.stdout.splitlines()[2].split() == [text, '["ab"]']
    assert list(csv.reader(io.StringIO(run("query", sql, "--csv").stdout)))[1] == [text, '["ab"]']
    row = {"b": text, "l": ["ab"]}
    assert json.loads(run("query", sql, "--json").stdout) == [row]
    assert json.loads(run("query", sql, "--jsonl").stdout) == row
    same = f"SELECT $text::BLOB = ({sql.removeprefix('SELECT ').split(' AS ')[0]}) AS same"
    back = run("query", same, "--param", f"text={text}", "--csv")
    assert back.stdout == "same\ntrue\n", back.stderr
    parquet = tmp_path / "blob.parquet"
    assert run("query", sql, "-o", str(parquet)).exit_code == 0
    assert pl.read_parquet(parquet).row(0) == (b"\xaa\x00a\\b\"'", [b"ab"])


def test_whole_numbers_past_int64_are_numbers_in_parquet(run: Run, tmp_path: Path):
    """A HUGEINT beside a MAP, or any UHUGEINT, is read from its rows, and Parquet had
    one past Int64 as 16 bytes: a BLOB to DuckDB, an error to pyarrow. Now it is a
    DECIMAL(38, 0), as DuckDB's Arrow gives a HUGEINT, or past 38 digits its text."""
    import pyarrow.parquet as pq

    h, u, top = 2**100, 2**70, 2**128 - 1
    sql = (
        f"SELECT {h}::HUGEINT AS h, {u}::UHUGEINT AS u, {top}::UHUGEINT AS top, MAP {{'k': 1}} AS m"
    )
    parquet = tmp_path / "big.parquet"
    out = run("query", sql, "-o", str(parquet))
    assert out.exit_code == 0, out.stderr
    assert pq.read_table(parquet).to_pylist() == [
        {"h": Decimal(h), "u": Decimal(u), "top": str(top), "m": '{"k": 1}'}
    ]
    assert run("query", sql, "--csv").stdout == f'h,u,top,m\n{h},{u},{top},"{{""k"": 1}}"\n'


def test_a_small_uhugeint_is_a_decimal_in_parquet_too(run: Run, tmp_path: Path):
    """A UHUGEINT is read from its rows, and one that fits an Int64 was an Int64 in
    Parquet (a null one of type Null), not the DECIMAL(38, 0) a HUGEINT is."""
    parquet = tmp_path / "small.parquet"
    sql = "SELECT 10::UHUGEINT AS u, NULL::UHUGEINT AS n"
    out = run("query", sql, "-o", str(parquet))
    assert out.exit_code == 0, out.stderr
    frame = pl.read_parquet(parquet)
    assert frame.schema == {"u": pl.Decimal(38, 0), "n": pl.Decimal(38, 0)}
    assert frame.row(0) == (Decimal(10), None)
    assert run("query", sql, "--csv").stdout == "u,n\n10,\n"


def test_a_uuid_in_a_list_or_struct_is_written_beside_a_map(run: Run, tmp_path: Path):
    """Beside a MAP, CSV and Parquet are written from the rows, where a UUID is a Python
    object that Polars keeps in no list or struct: they failed as a bug (exit 70)."""
    u = "8e6b6f54-0c0b-4b3e-9b8a-1c2d3e4f5a6b"
    sql = f"SELECT '{u}'::UUID AS t, ['{u}'::UUID] AS l, {{'u': '{u}'::UUID}} AS s"
    texts = [u, json.dumps([u]), json.dumps({"u": u})]
    for beside in ("", ", MAP {'k': 1} AS m"):
        out = run("query", sql + beside, "--csv")
        assert out.exit_code == 0, out.stderr
        assert list(csv.reader(io.StringIO(out.stdout)))[1][:3] == texts
        parquet = tmp_path / "uuid.parquet"
        assert run("query", sql + beside, "-o", str(parquet)).exit_code == 0
        assert pl.read_parquet(parquet).row(0)[:3] == (u, [u], {"u": u})
    assert json.loads(run("query", sql, "--json").stdout) == [{"t": u, "l": [u], "s": {"u": u}}]
    assert run("query", sql).stdout.splitlines()[2].split()[0] == u


def test_a_uhugeint_or_bignum_in_a_list_or_struct_is_its_number_not_bytes(run: Run, tmp_path: Path):
    """DuckDB hands a UHUGEINT or a BIGNUM to Arrow as opaque bytes, which only a column
    of them alone was read from its rows for: in a list or struct, CSV wrote
    `[{"x": "\\x01\\x00..."}]` and Parquet the 16 bytes. They are numbers now, as in a
    table and JSON (a BIGNUM DuckDB's text of it, as Python has it)."""
    big = "123456789012345678901234567890"
    sql = f"SELECT [{{'x': 1::UHUGEINT}}] AS l, [{big}::BIGNUM] AS b"
    row = {"l": [{"x": 1}], "b": [big]}
    assert json.loads(run("query", sql, "--jsonl").stdout) == row
    out = run("query", sql, "--csv")
    assert out.exit_code == 0, out.stderr
    texts = [json.dumps(row["l"]), json.dumps(row["b"])]
    assert list(csv.reader(io.StringIO(out.stdout)))[1] == texts
    written = tmp_path / "n.parquet"
    assert run("query", sql, "-o", str(written)).exit_code == 0
    assert pl.read_parquet(written).row(0, named=True) == row


def test_a_hugeint_in_a_list_is_a_number_in_csv_as_in_a_table_and_json(run: Run, tmp_path: Path):
    """A HUGEINT in a list or struct (DuckDB's sum of integers, gathered by list()) came
    to CSV from Arrow as a DECIMAL(38, 0), so its JSON text there said ["3"] where a
    table and JSON say [3]. A DECIMAL is its number in all three, and Parquet keeps
    the DECIMAL(38, 0)."""
    sql = (
        "SELECT list(x) AS l, {'a': 2::HUGEINT, 'd': 1.5::DECIMAL(3, 1)} AS s"
        " FROM (SELECT sum(i) AS x FROM range(3) AS t(i))"
    )
    row = {"l": [3], "s": {"a": 2, "d": 1.5}}
    assert json.loads(run("query", sql, "--json").stdout) == [row]
    assert run("query", sql).stdout.splitlines()[2].split("  ")[0] == "[3]"
    out = run("query", sql, "--csv")
    assert out.exit_code == 0, out.stderr
    assert list(csv.reader(io.StringIO(out.stdout)))[1] == [json.dumps(v) for v in row.values()]
    parquet = tmp_path / "sums.parquet"
    assert run("query", sql, "-o", str(parquet)).exit_code == 0
    assert pl.read_parquet(parquet).schema["l"] == pl.List(pl.Decimal(38, 0))


def test_a_decimal_is_an_exact_number_in_json_nested_too(run: Run):
    """A DECIMAL was a string in JSON ("2.50"), which a script read as text; it is the
    number, with every digit DuckDB gives, as DuckDB's own JSON writes it: through a
    float a DECIMAL(38, 3) would lose its last digits."""
    sql = (
        "SELECT 12345678901234567890.123::DECIMAL(38, 3) AS d, [0.000001::DECIMAL(18, 6)] AS l,"
        " {'p': (-2.50)::DECIMAL(5, 2)} AS s, NULL::DECIMAL(5, 2) AS n"
    )
    line = '{"d": 12345678901234567890.123, "l": [0.000001], "s": {"p": -2.50}, "n": null}'
    assert run("query", sql, "--jsonl").stdout == line + "\n"
    (row,) = json.loads(run("query", sql, "--json").stdout, parse_float=Decimal)
    assert row == json.loads(line, parse_float=Decimal)
    assert row["d"] == Decimal("12345678901234567890.123")
    # A table and CSV write a list or struct as the same JSON text.
    assert run("query", sql).stdout.splitlines()[2].split("  ")[2] == '{"p": -2.50}'
    cells = list(csv.reader(io.StringIO(run("query", sql, "--csv").stdout)))[1]
    assert cells == ["12345678901234567890.123", "[0.000001]", '{"p": -2.50}', ""]


def test_a_small_decimal_is_written_in_fixed_point_as_duckdb_writes_it(run: Run):
    """A DECIMAL(18, 10) zero showed as 0E-10 and 0.0000001 as 1.000E-7 in a table (in
    a list or struct too) and JSON, Python's text of a Decimal, where CSV and DuckDB
    write 0.0000000000 and 0.0000001000: every format writes every digit of its scale."""
    sql = (
        "SELECT 0.0000001::DECIMAL(18, 10) AS d, 0::DECIMAL(18, 10) AS z,"
        " [0.0000001::DECIMAL(18, 10)] AS l, MAP {0::DECIMAL(9, 8): 1} AS m"
    )
    small, zero = "0.0000001000", "0.0000000000"
    table = run("query", sql).stdout.splitlines()[2].split()
    assert table == [small, zero, f"[{small}]", '{"0.00000000":', "1}"]
    line = f'{{"d": {small}, "z": {zero}, "l": [{small}], "m": {{"0.00000000": 1}}}}\n'
    assert run("query", sql, "--jsonl").stdout == line
    cells = list(csv.reader(io.StringIO(run("query", sql, "--csv").stdout)))[1]
    assert cells == [small, zero, f"[{small}]", '{"0.00000000": 1}']


def test_whole_numbers_past_int64_after_smaller_ones_are_written(run: Run, tmp_path: Path):
    """CSV and Parquet from rows failed as a bug (exit 70) on a UHUGEINT past Int64
    after a smaller one: in one list, in the 101st row, or a HUGEINT's in a list beside
    a MAP. Each is a DECIMAL(38, 0) in Parquet, as a HUGEINT is, or past 38 digits its
    text; in a list or struct, its JSON text."""
    big, top = 2**64, 2**128 - 1
    sql = (
        f"SELECT [1::UHUGEINT, {big}::UHUGEINT] AS u, [1::HUGEINT, {big}::HUGEINT] AS h,"
        f" {{'a': {big}::UHUGEINT}} AS s, [{top}::UHUGEINT] AS t,"
        f" (CASE WHEN i < 100 THEN 1 ELSE {big} END)::UHUGEINT AS late, MAP {{'k': 1}} AS m"
        " FROM range(101) AS r(i)"
    )
    out = run("query", sql, "--csv")
    assert out.exit_code == 0, out.stderr
    texts = [json.dumps([1, big])] * 2 + [json.dumps({"a": big}), f"[{top}]"]
    assert list(csv.reader(io.StringIO(out.stdout)))[-1] == [*texts, str(big), '{"k": 1}']
    parquet = tmp_path / "late.parquet"
    written = run("query", sql, "-o", str(parquet))
    assert written.exit_code == 0, written.stderr
    frame = pl.read_parquet(parquet)
    whole = pl.Decimal(38, 0)
    assert frame.schema == {
        "u": pl.List(whole),
        "h": pl.List(whole),
        "s": pl.Struct({"a": whole}),
        "t": pl.String,
        "late": whole,
        "m": pl.String,
    }
    assert frame.row(-1)[:4] == ([1, big], [1, big], {"a": big}, f"[{top}]")
    assert frame["late"][-1] == big


def test_a_hugeint_past_38_digits_alone_is_its_text_in_parquet(run: Run, tmp_path: Path):
    """With no UHUGEINT or MAP beside it, a HUGEINT of 39 digits went to Parquet from
    DuckDB's Arrow as a DECIMAL(38, 0) all the same, which Polars read back with its
    last digit lost; it is its text, as one from rows is (JSON text in a list or
    struct), and a HUGEINT of 38 digits beside it stays a DECIMAL(38, 0)."""
    top = 2**127 - 1
    sql = (
        f"SELECT {top}::HUGEINT AS h, [{top}::HUGEINT] AS l, {{'a': (-{top})::HUGEINT}} AS s,"
        f" {10**38 - 1}::HUGEINT AS fits"
    )
    parquet = tmp_path / "top.parquet"
    written = run("query", sql, "-o", str(parquet))
    assert written.exit_code == 0, written.stderr
    frame = pl.read_parquet(parquet)
    assert frame.schema == {
        "h": pl.String,
        "l": pl.String,
        "s": pl.String,
        "fits": pl.Decimal(38, 0),
    }
    assert frame.row(0) == (str(top), f"[{top}]", f'{{"a": -{top}}}', Decimal(10**38 - 1))


def test_a_float_reads_as_duckdb_prints_it_in_every_format(run: Run):
    """Python has 0.1::FLOAT as the double 0.10000000149011612, which JSON, nested values
    and CSV read from rows wrote, while a table and CSV from Arrow wrote 0.1. A DOUBLE of
    that value keeps its digits."""
    sql = (
        "SELECT 0.1::FLOAT AS f, [0.1::FLOAT, 'nan'::FLOAT] AS l, {'a': 2.5e-7::FLOAT} AS s,"
        " 0.10000000149011612::DOUBLE AS d"
    )
    row = {"f": 0.1, "l": [0.1, None], "s": {"a": 2.5e-7}, "d": 0.10000000149011612}
    assert json.loads(run("query", sql, "--json").stdout) == [row]
    assert json.loads(run("query", sql, "--jsonl").stdout) == row
    texts = ["0.1", "[0.1, null]", '{"a": 2.5e-07}', "0.10000000149011612"]
    assert list(csv.reader(io.StringIO(run("query", sql, "--csv").stdout)))[1] == texts
    # A MAP beside them: CSV is written from the rows.
    rows = run("query", sql + ", MAP {'k': 1} AS m", "--csv").stdout
    assert list(csv.reader(io.StringIO(rows)))[1] == [*texts, '{"k": 1}']
    assert run("query", sql).stdout.splitlines()[2].split()[:3] == ["0.1", "[0.1,", "null]"]


def test_a_float_beside_a_double_in_one_value_reads_as_duckdb_prints_it(run: Run):
    """A struct or MAP holding a DOUBLE beside a FLOAT was left out of the FLOAT's
    shortest text, lest the DOUBLE lose digits, so its FLOAT read 0.10000000149011612
    in every format but Parquet. Each keeps its own: the FLOAT 0.1, the DOUBLE every
    digit."""
    sql = (
        "SELECT {'f': 0.1::FLOAT, 'd': 0.10000000149011612::DOUBLE} AS s,"
        " [{'f': 0.1::FLOAT, 'd': 0.5::DOUBLE}] AS l"
    )
    s, lst = '{"f": 0.1, "d": 0.10000000149011612}', '[{"f": 0.1, "d": 0.5}]'
    row = {"s": json.loads(s), "l": json.loads(lst)}
    assert json.loads(run("query", sql, "--json").stdout) == [row]
    assert list(csv.reader(io.StringIO(run("query", sql, "--csv").stdout)))[1] == [s, lst]
    # A MAP beside them: CSV is written from the rows.
    rows = run("query", sql + ", MAP {0.1::FLOAT: 0.5::DOUBLE} AS m", "--csv").stdout
    assert list(csv.reader(io.StringIO(rows)))[1] == [s, lst, '{"0.1": 0.5}']
    # Keys Python cannot hash: DuckDB gives such a MAP as its lists of keys and values.
    keyed = run("query", "SELECT MAP {[0.1::FLOAT]: 0.5::DOUBLE} AS m", "--json")
    assert json.loads(keyed.stdout) == [{"m": {"key": [[0.1]], "value": [0.5]}}]
    assert run("query", sql).stdout.splitlines()[2].startswith(s)


def test_a_float_in_a_union_reads_as_duckdb_prints_it_unless_a_double_may_be(run: Run):
    """A union's value does not say which member's it is: its FLOAT reads 0.1 unless a
    DOUBLE (or DECIMAL) member may be the value, whose digits it would lose. A member
    merely named "DOUBLE" was taken for one, read off the type's text."""

    def value(members: str) -> object:
        sql = f"SELECT union_value(f := 0.1::FLOAT)::UNION({members}) AS u"
        return json.loads(run("query", sql, "--jsonl").stdout)["u"]

    assert value("f FLOAT, d INTEGER") == 0.1
    assert value('f FLOAT, "DOUBLE" INTEGER') == 0.1
    assert value("f FLOAT, d DOUBLE") == 0.10000000149011612


def test_query_reads_and_prints_without_the_data_stack(db: Path):
    # `query` is what scripts call in loops: it must not pay for importing Polars,
    # Arrow or pandas (about 0.2 s together, more than the query itself), rich, or the
    # modules of the other commands.
    heavy = {"polars", "pyarrow", "pandas", "numpy", "statsmodels", "rich"}
    with duckdb.connect(str(db), read_only=True) as con:
        (changeset,) = con.execute("SELECT max(id) FROM changesets").fetchone()
    frontier = ["query", "frontier", "--param", "benchmark=math"]
    # --as-of a changeset reads its time checked for the year 9999, without Polars too.
    for args in (frontier, [*frontier, "--as-of", changeset], ["query", "--list", "--json"]):
        modules, printed = process_imports(db, *args)
        assert printed.strip(), "the query printed nothing"
        imported = sorted(heavy & {m.split(".")[0] for m in modules})
        assert not imported, f"{args} imported: {imported}"
        commands = sorted(m for m in modules if m.split(".")[:2] == ["trendlab", "cli"])
        assert commands == ["trendlab.cli", "trendlab.cli.options", "trendlab.cli.reads"]


class _Panic(BaseException):
    """As a panic in Polars' Rust code reaches Python (pyo3's PanicException)."""


@pytest.mark.parametrize("error", [ValueError("boom"), _Panic("boom")])
def test_a_bug_is_one_line_too(run: Run, monkeypatch: pytest.MonkeyPatch, error: BaseException):
    import trendlab.render

    def broken(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(trendlab.render, "render", broken)
    result = run("list", "benchmarks")
    assert result.exit_code == 70
    assert result.stderr.strip().splitlines() == [
        f"trendlab: error: internal error ({type(error).__name__}: boom); this is a bug in "
        "trendlab, please report it with the output of --debug"
    ]


@pytest.mark.parametrize("asked", [["--debug"], []])
def test_debug_shows_the_traceback_before_the_one_line(
    run: Run, monkeypatch: pytest.MonkeyPatch, asked: list[str]
):
    """The README: `--debug` (TRENDLAB_DEBUG=1) shows tracebacks, of a bug and of an
    error trendlab explains alike; the one line still ends it."""
    import trendlab.render

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("boom")

    if not asked:
        monkeypatch.setenv("TRENDLAB_DEBUG", "1")
    monkeypatch.setattr(trendlab.render, "render", broken)
    bug = run(*asked, "list", "benchmarks")
    assert bug.exit_code == 70
    lines = bug.stderr.strip().splitlines()
    assert lines[0] == "Traceback (most recent call last):", bug.stderr
    assert "ValueError: boom" in lines
    assert lines[-1].startswith("trendlab: error: internal error (ValueError: boom)")
    explained = run(*asked, "query", "SELECT * FROM nosuch")
    assert explained.exit_code == 1
    lines = explained.stderr.strip().splitlines()
    assert lines[0] == "Traceback (most recent call last):", explained.stderr
    assert lines[-1].startswith("trendlab: error: query failed: Catalog Error: Table with name")


def test_a_time_of_24_00_is_written_in_every_format(run: Run, tmp_path: Path):
    """TIME '24:00:00', which DuckDB (as PostgreSQL) holds, is past the day a Polars
    time holds: CSV wrote an empty cell and Parquet a null, where the table and JSON
    wrote 24:00:00. Its column is that text in each, in a list too."""
    sql = "SELECT TIME '24:00:00' AS t, [TIME '24:00:00'] AS l, TIME '12:30:05' AS u"
    assert run("query", sql, "--csv").stdout == 't,l,u\n24:00:00,"[""24:00:00""]",12:30:05\n'
    [row] = json.loads(run("query", sql, "--json").stdout)
    assert row == {"t": "24:00:00", "l": ["24:00:00"], "u": "12:30:05"}
    written = tmp_path / "t.parquet"
    assert run("query", sql, "-o", str(written)).exit_code == 0
    assert pl.read_parquet(written).row(0) == ("24:00:00", ["24:00:00"], time(12, 30, 5))


def test_a_time_in_nanoseconds_is_written_in_every_format(run: Run, tmp_path: Path):
    """TIME_NS, which DuckDB's Python client does not convert, failed in every format
    (Not implemented Error: Unsupported type). It is its text, to the nanosecond."""
    sql = "SELECT '12:30:05.123456789'::TIME_NS AS t, ['01:00:00'::TIME_NS] AS l"
    assert run("query", sql, "--csv").stdout == 't,l\n12:30:05.123456789,"[""01:00:00""]"\n'
    [row] = json.loads(run("query", sql, "--json").stdout)
    assert row == {"t": "12:30:05.123456789", "l": ["01:00:00"]}
    assert "12:30:05.123456789" in run("query", sql).stdout
    written = tmp_path / "t.parquet"
    assert run("query", sql, "-o", str(written)).exit_code == 0
    assert pl.read_parquet(written).row(0) == ("12:30:05.123456789", ["01:00:00"])


def test_dates_past_pythons_range_are_written_in_every_format(run: Run, tmp_path: Path):
    """DuckDB's infinite dates (and years past 9999) are days Polars holds but panicked
    writing: --csv ended in a Rust traceback. Then every format wrote them as DuckDB's
    client gives them, 9999-12-31 and 0001-01-01, days no one stored. Each is its text,
    'infinity' or '-infinity', in every format (a DATE or TIMESTAMPTZ too), and a day
    stored as 9999-12-31 beside it stays that day."""
    sql = (
        "SELECT * FROM (VALUES ('infinity'::DATE, '-infinity'::TIMESTAMP, 1,"
        " '-infinity'::TIMESTAMPTZ, DATE '9999-12-31'), (DATE '9999-12-31',"
        " TIMESTAMP '0001-01-01', 2, NULL, NULL)) t(d, t, n, z, stored)"
    )
    assert run("query", sql, "--csv").stdout == (
        "d,t,n,z,stored\n"
        "infinity,-infinity,1,-infinity,9999-12-31\n"
        "9999-12-31,0001-01-01T00:00:00.000000,2,,\n"
    )
    rows = json.loads(run("query", sql, "--json").stdout)
    assert rows[0] == {
        "d": "infinity",
        "t": "-infinity",
        "n": 1,
        "z": "-infinity",
        "stored": "9999-12-31",
    }
    assert rows[1]["d"] == "9999-12-31" and rows[1]["t"] == "0001-01-01T00:00:00.000000"
    table = run("query", sql).stdout.splitlines()
    assert table[2].split() == ["infinity", "-infinity", "1", "-infinity", "9999-12-31"]
    assert table[3].split()[:2] == ["9999-12-31", "0001-01-01"]
    written = tmp_path / "x.parquet"
    assert run("query", sql, "--format", "parquet", "-o", str(written)).exit_code == 0
    assert pl.read_parquet(written).rows() == [
        ("infinity", "-infinity", 1, "-infinity", date.max),
        ("9999-12-31", "0001-01-01T00:00:00.000000", 2, None, None),
    ]


def test_a_column_of_days_python_has_and_has_not_is_written_in_every_format(
    run: Run, tmp_path: Path
):
    """A day before the year 1 or after 9999 comes from DuckDB as its text: beside a day
    Python has in the same column, CSV and Parquet ended as a bug (exit 70), the column
    both dates and text. It is text there, each day as JSON writes it."""
    sql = (
        "SELECT unnest([DATE '0001-01-01' - 1, DATE '2024-01-01']) AS d, "
        "unnest([TIMESTAMP '294247-01-01', TIMESTAMP '2024-01-02 03:04:05']) AS t"
    )
    rows = [
        ("0001-12-31 (BC)", "294247-01-01 00:00:00"),
        ("2024-01-01", "2024-01-02T03:04:05.000000"),
    ]
    written = run("query", sql, "--csv")
    assert written.exit_code == 0, written.stderr
    assert written.stdout == "d,t\n" + "".join(f"{d},{t}\n" for d, t in rows)
    assert [tuple(r.values()) for r in json.loads(run("query", sql, "--json").stdout)] == rows
    out = tmp_path / "days.parquet"
    written = run("query", sql, "-o", str(out))
    assert written.exit_code == 0, written.stderr
    assert pl.read_parquet(out).rows() == rows
    # In a list, each day is its text; a struct's fields are each of one kind.
    sql = (
        "SELECT [DATE '0001-01-01' - 1, DATE '2024-01-01'] AS l, "
        "{'a': DATE '0001-01-01' - 1, 'b': DATE '2024-01-01'} AS s"
    )
    assert run("query", sql, "-o", str(out)).exit_code == 0
    listed = ["0001-12-31 (BC)", "2024-01-01"]
    assert pl.read_parquet(out).row(0) == (listed, {"a": "0001-12-31 (BC)", "b": date(2024, 1, 1)})


@pytest.mark.parametrize(
    ("sql", "values"),
    [
        (
            "SELECT * FROM (VALUES (DATE '2024-01-02'), (DATE '300000-01-01')) t(v)",
            ["2024-01-02", "300000-01-01"],
        ),
        (
            "SELECT * FROM (VALUES (TIMESTAMP '2024-01-02 03:04:05'), "
            "(TIMESTAMP '0001-01-01 12:00:00' - INTERVAL 1 DAY)) t(v)",
            ["2024-01-02T03:04:05.000000", "0001-12-31 (BC) 12:00:00"],
        ),
        (
            "SELECT * FROM (VALUES (TIME '12:30:05'), (TIME '24:00:00')) t(v)",
            ["12:30:05", "24:00:00"],
        ),
        ("SELECT [DATE '2024-01-02', DATE '300000-01-01'] AS v", [["2024-01-02", "300000-01-01"]]),
    ],
)
def test_days_python_has_beside_one_it_has_not_are_written_in_every_format(
    run: Run, tmp_path: Path, sql: str, values: list[Any]
):
    """DuckDB hands over a day Python has no date for (the year 300000, a day BC, TIME
    '24:00:00') as its text. Beside days it has, in one column, CSV and Parquet ended as a
    bug (exit 70: Polars "could not append value: 2024-01-02 of type: date"), where the
    table and JSON wrote both. Each is now the text JSON writes, in every format."""
    rows = [json.loads(line) for line in run("query", sql, "--jsonl").stdout.splitlines()]
    assert [row["v"] for row in rows] == values
    result = run("query", sql, "--csv")
    assert result.exit_code == 0, result.stderr
    cells = [json.dumps(v) if isinstance(v, list) else v for v in values]
    assert list(csv.reader(io.StringIO(result.stdout))) == [["v"], *[[c] for c in cells]]
    written = tmp_path / "v.parquet"
    assert run("query", sql, "-o", str(written)).exit_code == 0
    assert pl.read_parquet(written).get_column("v").to_list() == values


_UNION = "UNION(d DATE, n INTEGER, l INTEGER[], s VARCHAR)"


@pytest.mark.parametrize(
    ("sql", "csv", "parquet"),
    [
        # A day beside a number was the number of days since 1970.
        (
            f"SELECT * FROM (VALUES (DATE '2024-01-02'::{_UNION}), (2::{_UNION})) t(v)",
            "v\n2024-01-02\n2\n",
            ["2024-01-02", "2"],
        ),
        # A list beside a text, and a number beside a text in a list, ended as a bug.
        (
            f"SELECT * FROM (VALUES ([1]::{_UNION}), ('x'::{_UNION})) t(v)",
            "v\n[1]\nx\n",
            ["[1]", "x"],
        ),
        # A NaN as CSV writes one, not JSON's null, which read as a text "null".
        (
            "SELECT * FROM (VALUES ('NaN'::DOUBLE::UNION(f DOUBLE, s VARCHAR)), ('x')) t(v)",
            "v\nNaN\nx\n",
            ["NaN", "x"],
        ),
        (
            f"SELECT [2::{_UNION}, 'x'::{_UNION}] AS v",
            'v\n"[""2"", ""x""]"\n',
            [["2", "x"]],
        ),
    ],
)
def test_a_union_of_kinds_no_column_holds_together_is_written_as_text(
    run: Run, tmp_path: Path, sql: str, csv: str, parquet: list[Any]
):
    """A UNION's values are each its member's, which Polars holds in no one column
    when they are of different kinds: each is its text there (a day as JSON writes it,
    a list as its JSON text), in CSV and Parquet."""
    result = run("query", sql, "--csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == csv
    written = tmp_path / "v.parquet"
    assert run("query", sql, "-o", str(written)).exit_code == 0
    assert pl.read_parquet(written).get_column("v").to_list() == parquet


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_struct_holding_a_union_is_written(db: Path, tmp_path: Path, fmt: str):
    """A struct holding a UNION aborted the process in Arrow (SIGABRT, no word but
    Arrow's failed check) as a query looked into its fields for dates: run in a process
    of its own (this checkout's trendlab), as the abort would end the tests. It is
    written as the table and JSON write it."""
    sql = "SELECT {'n': 1, 'u': 'x'::UNION(i INTEGER, s VARCHAR)} AS v"
    out = tmp_path / f"v.{fmt}"
    proc = subprocess.run(
        [sys.executable, "-m", "trendlab", "--db", str(db), "query", sql, "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    assert proc.returncode == 0, proc.stderr
    if fmt == "csv":
        assert out.read_text() == 'v\n"{""n"": 1, ""u"": ""x""}"\n'
    else:
        assert pl.read_parquet(out).row(0) == ({"n": 1, "u": "x"},)


@pytest.mark.parametrize(
    ("values", "texts"),
    [
        # TIME '24:00:00' is DuckDB's text of it, past the day Python's times hold.
        ("TIME '24:00:00', TIME '12:00:00.5'", ["24:00:00", "12:00:00.500000"]),
        # An infinite TIMESTAMPTZ is its text, as DuckDB writes it.
        (
            "'infinity'::TIMESTAMPTZ, TIMESTAMPTZ '2024-01-01 00:00:00+00'",
            # the moment in the session's zone, the machine's (see below)
            ["infinity", None],
        ),
    ],
)
def test_a_column_of_times_of_two_kinds_is_written_in_every_format(
    run: Run, tmp_path: Path, values: str, texts: list[str | None]
):
    """As a column of days Python has and has not: CSV and Parquet ended as a bug (exit
    70), the column two kinds of value. It is text there, each as JSON writes it."""
    sql = f"SELECT unnest([{values}]) AS t"
    local = datetime(2024, 1, 1, tzinfo=UTC).astimezone().isoformat(timespec="microseconds")
    texts = [local if t is None else t for t in texts]
    assert [r["t"] for r in json.loads(run("query", sql, "--json").stdout)] == texts
    written = run("query", sql, "--csv")
    assert written.exit_code == 0, written.stderr
    assert written.stdout.splitlines() == ["t", *texts]
    out = tmp_path / "times.parquet"
    written = run("query", sql, "-o", str(out))
    assert written.exit_code == 0, written.stderr
    assert pl.read_parquet(out)["t"].to_list() == texts


@pytest.mark.parametrize(
    ("sql", "csv"),
    [
        # Polars panicked turning a list, a struct or a map into its CSV cell's text.
        (
            "SELECT ['infinity'::DATE] AS l, {'t': '-infinity'::TIMESTAMP} AS s",
            'l,s\n"[""9999-12-31""]","{""t"": ""0001-01-01T00:00:00.000000""}"\n',
        ),
        ("SELECT [['infinity'::TIMESTAMPTZ]] AS l", 'l\n"[[""9999-12-31T23:59:59.999999""]]"\n'),
        ("SELECT MAP {'k': 'infinity'::DATE} AS m", 'm\n"{""k"": ""9999-12-31""}"\n'),
        # In nanoseconds DuckDB's infinity is a day in 2262, which CSV wrote; it is
        # DuckDB's text of it now, as every TIMESTAMP_NS is.
        ("SELECT 'infinity'::TIMESTAMP_NS AS t", "t\ninfinity\n"),
    ],
)
def test_dates_past_pythons_range_inside_nested_values_are_written_too(
    run: Run, sql: str, csv: str
):
    result = run("query", sql, "--csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == csv
    assert run("query", sql, "--jsonl").exit_code == 0


def test_a_map_is_written_as_its_own_keys_in_csv_and_parquet(run: Run, tmp_path: Path):
    """A MAP's rows were made one Polars struct of every key any of them has: CSV wrote
    {"a": "x", "b": null} for map {'a': 'x'}, and a key that is not text (MAP(INTEGER,
    ...)) ended the command as a bug (exit 70). Each is now its JSON text, as JSON has it."""
    sql = (
        "SELECT MAP {'a': 'x'} AS m, MAP {1: 2} AS i, [MAP {3: 4}] AS l "
        "UNION ALL SELECT MAP {'b': 'y'}, NULL, []"
    )
    result = run("query", sql, "--csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        'm,i,l\n"{""a"": ""x""}","{""1"": 2}","[{""3"": 4}]"\n"{""b"": ""y""}",,[]\n'
    )
    lines = [json.loads(line) for line in run("query", sql, "--jsonl").stdout.splitlines()]
    assert lines[1] == {"m": {"b": "y"}, "i": None, "l": []}
    written = tmp_path / "m.parquet"
    assert run("query", sql, "-o", str(written)).exit_code == 0
    assert pl.read_parquet(written).rows() == [
        ('{"a": "x"}', '{"1": 2}', '[{"3": 4}]'),
        ('{"b": "y"}', None, "[]"),
    ]


def test_a_struct_field_named_like_a_map_stays_a_struct_in_parquet(run: Run, tmp_path: Path):
    """Whether a column holds a MAP (written as JSON text in CSV and Parquet) was read off
    the text of its type, so a struct with a field named `MAP(` went to Parquet as text
    when written from rows (beside a UHUGEINT). It is read off the type itself now."""
    written = tmp_path / "s.parquet"
    sql = "SELECT {'MAP(': 1} AS s, 1::UHUGEINT AS u, [MAP {'k': 2}] AS m"
    assert run("query", sql, "-o", str(written)).exit_code == 0
    assert pl.read_parquet(written).row(0) == ({"MAP(": 1}, 1, '[{"k": 2}]')


def test_a_map_keyed_by_a_date_or_timestamp_is_written_in_every_format(run: Run, tmp_path: Path):
    """A MAP whose keys JSON has no type for (a DATE, a TIMESTAMP, a DECIMAL) ended every
    format as a bug (exit 70: "keys must be str, int, float, bool or None"). Each key is
    now its text, as the same value is where it is not a key."""
    sql = (
        "SELECT MAP {DATE '2024-01-02': 1} AS d, MAP {TIMESTAMP '2024-01-02 03:04:05': 2} AS t, "
        "[MAP {1.5::DECIMAL(3, 1): 3}] AS l"
    )
    row = {"d": {"2024-01-02": 1}, "t": {"2024-01-02T03:04:05.000000": 2}, "l": [{"1.5": 3}]}
    result = run("query", sql, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [row]
    texts = [json.dumps(v) for v in row.values()]
    assert list(csv.reader(io.StringIO(run("query", sql, "--csv").stdout)))[1] == texts
    assert re.split(r"\s{2,}", run("query", sql).stdout.splitlines()[2].strip()) == texts
    written = tmp_path / "m.parquet"
    assert run("query", sql, "-o", str(written)).exit_code == 0
    assert pl.read_parquet(written).row(0) == tuple(texts)


@pytest.mark.parametrize("type_", ["TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMPTZ"])
def test_every_timestamp_types_infinities_are_written_as_json_writes_them(
    run: Run, tmp_path: Path, type_: str
):
    """A TIMESTAMP_S's 'infinity' overflowed as Polars took it from Arrow in
    milliseconds: CSV and parquet wrote 1969-12-31T23:59:59 (and '-infinity' a second
    past 1970), where the table and JSON have the last (first) moment Python has. Each
    is DuckDB's text of it, `infinity` (in a list or struct only a TIMESTAMP_NS's). A
    TIMESTAMP_NS's was the year 9999 in Parquet, as if stored, though the README has an
    infinity of any unit `infinity` there too."""
    sql = (
        f"SELECT 'infinity'::{type_} AS t, '-infinity'::{type_} AS n, "
        f"['infinity'::{type_}] AS l, {{'s': '-infinity'::{type_}}} AS s"
    )
    last, first = "infinity", "-infinity"
    # nested, they were 0001-01-01 00:00:00
    nested_last, nested_first = "9999-12-31T23:59:59.999999", "0001-01-01T00:00:00.000000"
    if type_ == "TIMESTAMP_NS":
        nested_last, nested_first = last, first
    [row] = json.loads(run("query", sql, "--json").stdout)
    assert row == {"t": last, "n": first, "l": [nested_last], "s": {"s": nested_first}}
    assert run("query", sql, "--csv").stdout == (
        f't,n,l,s\n{last},{first},"[""{nested_last}""]","{{""s"": ""{nested_first}""}}"\n'
    )
    written = tmp_path / "x.parquet"
    assert run("query", sql, "-o", str(written)).exit_code == 0
    assert pl.read_parquet(written).row(0) == (
        last,
        first,
        [last if type_ == "TIMESTAMP_NS" else datetime.max],
        {"s": first if type_ == "TIMESTAMP_NS" else datetime.min},
    )


@pytest.mark.parametrize(
    "args",
    [
        ["forecast", "mmlu", "--level", "nan"],
        ["forecast", "mmlu", "--threshold", "nan"],
        ["forecast", "mmlu", "--threshold", "inf"],
        ["backtest", "mmlu", "--level", "nan"],
        ["backtest", "--all", "--level", "nan"],
        ["plot", "mmlu", "--level", "nan"],
        ["report", "--level", "nan"],
        ["report", "--price-threshold", "-inf"],
        ["price-trend", "mmlu", "--threshold", "nan"],
        ["--lock-timeout", "nan", "list", "models"],
        ["--lock-timeout", "-1", "list", "models"],
    ],
)
def test_numbers_must_be_finite(run: Run, args: list[str]):
    result = run(*args)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("trendlab: error: Invalid value for '--")
    assert len(result.stderr.splitlines()) == 1, result.stderr


def test_a_row_limit_is_one_or_more_and_any_more_than_all_is_all(run: Run):
    """--limit's error printed the top of DuckDB's LIMIT range, 1<=x<=4611686018427387904."""
    zero = run("log", "--limit", "0")
    assert zero.exit_code == 2 and zero.stderr.startswith(
        "trendlab: error: Invalid value for '--limit': 0 is not in the range x>=1 (see"
    )
    everything = run("list", "benchmarks", "--csv").stdout
    assert run("list", "benchmarks", "--csv", "--limit", "9" * 30).stdout == everything


def test_query_takes_a_row_limit_as_list_does(run: Run, tmp_path: Path):
    """--limit was list's and log's only: a named query (latest, coverage), whose SQL a
    user cannot add a LIMIT to, printed every row. It prints the first N in every
    format, a table's rows, CSV's and Parquet's (written from Arrow) alike."""
    everything = json.loads(run("query", "latest", "--json").stdout)
    assert len(everything) > 3
    assert json.loads(run("query", "latest", "--json", "--limit", "3").stdout) == everything[:3]
    table = run("query", "latest", "--limit", "3").stdout.splitlines()
    assert len(table) == 2 + 3  # header and rule
    csv = run("query", "latest", "--csv").stdout.splitlines()
    assert run("query", "latest", "--csv", "--limit", "3").stdout.splitlines() == csv[:4]
    parquet = tmp_path / "first.parquet"
    sql = "SELECT range AS n FROM range(3000000)"
    assert run("query", sql, "-o", str(parquet), "--limit", "2").exit_code == 0
    assert pl.read_parquet(parquet)["n"].to_list() == [0, 1]
    # More than there are is all of them; none is none, with the columns still named.
    assert run("query", "latest", "--csv", "--limit", "9" * 30).stdout.splitlines() == csv
    assert run("query", "SELECT 1 AS a WHERE false", "--csv", "--limit", "1").stdout == "a\n"
    refused = run("query", "--list", "--limit", "3")
    assert refused.exit_code == 2 and "--list runs no query, so it takes no --limit" in (
        refused.stderr
    )


def test_history_takes_a_limit_that_keeps_the_newest_revisions(run: Run):
    """history had no --limit: a record edited hundreds of times printed every revision.
    --limit N keeps the newest N, still oldest first, each saying what it changed from
    the one before (left out or not); without it, every revision, in every format."""
    assert run("add-model", "hist-limit", "--name", "v0", "-m", "t").exit_code == 0
    for n in range(1, 5):
        edited = run("edit", "model", "hist-limit", "--set", f"name=v{n}", "-m", f"e{n}")
        assert edited.exit_code == 0, edited.stderr
    every = json.loads(run("history", "model", "hist-limit", "--json").stdout)
    assert [h["revision"] for h in every] == [1, 2, 3, 4, 5]
    cut = run("history", "model", "hist-limit", "--json", "--limit", "2")
    assert cut.exit_code == 0 and cut.stderr == ""
    assert json.loads(cut.stdout) == every[-2:]
    assert json.loads(cut.stdout)[0]["changes"] == ["name: v2 -> v3"]
    table = run("history", "model", "hist-limit", "--limit", "2").stdout.splitlines()
    assert len(table) == 2 + 2 and "v3 -> v4" in table[-1]  # header and rule
    csv_out = run("history", "model", "hist-limit", "--csv", "--limit", "9" * 30).stdout
    assert len(csv_out.splitlines()) == 1 + 5
    for bad in ("0", "-1"):
        refused = run("history", "model", "hist-limit", "--limit", bad)
        assert refused.exit_code == 2 and refused.stdout == ""
        assert refused.stderr.startswith(
            f"trendlab: error: Invalid value for '--limit': {bad} is not in the range x>=1"
        )
        assert len(refused.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["list", "models", "--limit", "1_0"], "'--limit': '1_0' is not a whole number"),
        (["log", "--limit", "\uff12"], "'--limit': '\uff12' is not a whole number"),
        (["report", "--changesets", "1_0"], "'--changesets': '1_0' is not a whole number"),
        (["forecast", "mmlu", "--until", "\uff12\uff10\uff13\uff10"], "is not a year or a date"),
        (
            ["diff", "--since", "2\uff10\uff12\uff14"],
            "is not a year, a date (YYYY-MM-DD), a timestamp or a changeset",
        ),
    ],
)
def test_whole_numbers_are_written_in_plain_digits(run: Run, args: list[str], expected: str):
    """Python's int() reads 1_0 as 10 and full-width digits as ours: --limit 1_0 listed
    10 rows, --until \uff12\uff10\uff13\uff10 forecast to 2030. A usage error now, in one line."""
    result = run(*args)
    assert result.exit_code == 2 and result.stdout == "", result.stdout
    (line,) = result.stderr.splitlines()
    assert line.startswith("trendlab: error: ") and expected in line, line


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["forecast", "mmlu", "--threshold", "8_0"], "'--threshold': '8_0' is not a number"),
        (
            ["forecast", "mmlu", "--level", "\uff18\uff10"],
            "'--level': '\uff18\uff10' is not a number",
        ),
        (
            ["--lock-timeout", "1_0", "list", "models"],
            "'--lock-timeout': '1_0' is not a number",
        ),
        (
            ["forecast", "mmlu", "--by", "compute", "--until", "1_0e27"],
            "'1_0e27' is not a positive",
        ),
        (["prices", "--blend", "\uff13:1"], "'\uff13:1' is not INPUT:OUTPUT weights"),
        # Past a double's least it read as 0: a crossing of 0, 'reached'.
        (
            ["forecast", "mmlu", "--threshold", "1e-400"],
            "'--threshold': '1e-400' is too close to 0 to use: it would read as 0",
        ),
    ],
)
def test_numbers_are_written_in_plain_digits(run: Run, args: list[str], expected: str):
    """float() reads 8_0 as 80 and full-width digits as ours: --threshold 8_0 forecast
    the crossing of 80. A usage error now, in one line; what a number is stays as it was."""
    result = run(*args)
    assert result.exit_code == 2 and result.stdout == "", result.stdout
    (line,) = result.stderr.splitlines()
    assert line.startswith("trendlab: error: ") and expected in line, line


def test_a_number_option_reads_every_plain_form():
    # Spaces around a number and a sign, as int() and float() took them, in both kinds.
    number = FiniteFloat()
    written = ("80", "-1.5e3", ".5", "+2.", "1E27", " 80 ")
    assert [number.convert(t, None, None) for t in written] == [80, -1500, 0.5, 2, 1e27, 80]
    assert [number.convert(t, None, None) for t in ("0", "-0.0", "0e-400", "0.000")] == [0] * 4
    whole = WholeNumber(1)
    assert [whole.convert(t, None, None) for t in ("6", "+6", " 6 ")] == [6, 6, 6]


def test_usage_errors_are_one_line_pointing_at_the_help():
    for args, message in [
        (
            ["forcast", "mmlu"],
            "No such command 'forcast'. Did you mean 'forecast'? (see 'trendlab --help')",
        ),
        (["forecast"], "Missing argument 'BENCHMARK' (see 'trendlab forecast --help')"),
        (["list", "models", "--bogus"], "No such option '--bogus' (see 'trendlab list --help')"),
        # Click's parser raises these without the command, so they lacked the pointer.
        (
            ["forecast", "math", "--until"],
            "Option '--until' requires an argument (see 'trendlab forecast --help')",
        ),
        (["--db"], "Option '--db' requires an argument (see 'trendlab --help')"),
        (
            ["alias", "add", "--source-url"],
            "Option '--source-url' requires an argument (see 'trendlab alias add --help')",
        ),
        (
            ["list", "models", "--csv=yes"],
            "Option '--csv' does not take a value (see 'trendlab list --help')",
        ),
        # Click lays the choices out one a line, which came out as literal \n\t escapes.
        (
            ["show"],
            "Missing argument 'KIND'. Choose from: organizations, models, benchmarks, "
            "results, prices, aliases, organization, model, benchmark, result, price, alias "
            "(see 'trendlab show --help')",
        ),
    ]:
        result = CliRunner().invoke(cli, args, prog_name="trendlab")
        assert result.exit_code == 2
        assert result.stderr == f"trendlab: error: {message}\n"
    # A bare group is not a mistake to report: it shows its help.
    for args, usage in [([], "Usage: trendlab [OPTIONS]"), (["alias"], "Usage: trendlab alias")]:
        result = CliRunner().invoke(cli, args, prog_name="trendlab")
        assert result.output.startswith(usage) and "Commands:" in result.output
        assert "trendlab: error" not in result.output


def test_an_option_other_commands_take_says_which_do():
    """`log --as-of` said "No such option '--as-of'. Did you mean '--json'?": Click's
    guess among log's own options, unrelated to what the user meant. An option trendlab
    takes elsewhere says where; a global option given after the command says to give
    it before; an option no command takes keeps Click's guess."""
    as_of = "alias list, export, forecast, list, plot, price-trend, prices, query, report, show"
    for args, message in [
        (
            ["log", "--as-of", "2024-01-01"],
            f"No such option '--as-of' for log: it is an option of {as_of} "
            "(see 'trendlab log --help')",
        ),
        (
            ["alias", "add", "--as-of=2024-01-01", "gpt4", "gpt-4"],
            f"No such option '--as-of' for alias add: it is an option of {as_of} "
            "(see 'trendlab alias add --help')",
        ),
        # add-result reads its own options first (a score may be negative).
        (
            ["add-result", "gpt-4", "mmlu", "40", "--as-of", "2024-01-01"],
            f"No such option '--as-of' for add-result: it is an option of {as_of} "
            "(see 'trendlab add-result --help')",
        ),
        (
            ["--as-of", "2024-01-01", "list", "models"],
            f"No such option '--as-of' before the command: it is an option of {as_of} "
            "(see 'trendlab --help')",
        ),
        (
            ["add-price", "gpt-4", "acme", "--date", "2024-01-01"],
            "No such option '--date' for add-price: it is an option of add-result "
            "(see 'trendlab add-price --help')",
        ),
        (
            ["log", "--db", "x.duckdb"],
            "--db is a global option: give it before the command, as in "
            "'trendlab --db PATH log ...' (see 'trendlab --help')",
        ),
        (
            ["list", "models", "--debug"],
            "--debug is a global option: give it before the command, as in "
            "'trendlab --debug list ...' (see 'trendlab --help')",
        ),
        # It shows the version and exits: 'trendlab --version log ...' never runs log.
        (
            ["log", "-V"],
            "-V is a global option that acts alone: 'trendlab -V' (see 'trendlab --help')",
        ),
        # Click's guess holds what was typed: it is the likelier meaning.
        (
            ["report", "--threshold", "3"],
            "No such option '--threshold'. Did you mean '--price-threshold'? "
            "(see 'trendlab report --help')",
        ),
        (
            ["add-model", "x", "--date", "2024-01-01"],
            "No such option '--date'. (Did you mean one of: '--name', '--notes', "
            "'--release-date'?) (see 'trendlab add-model --help')",
        ),
        (
            ["log", "--jsn"],
            "No such option '--jsn'. (Did you mean one of: '--csv', '--json', '--jsonl'?) "
            "(see 'trendlab log --help')",
        ),
    ]:
        result = CliRunner().invoke(cli, args, prog_name="trendlab")
        assert result.exit_code == 2, result.output
        assert result.stderr == f"trendlab: error: {message}\n"


def test_log_author_points_to_one_authors_changesets_not_before_the_command(db: Path):
    """`log --author bob` was told to give --author before the command, as a global
    option: `trendlab --author bob log` names who would record a change and listed every
    author's changesets. It points to a query of bob's, on this store, that runs as
    printed; `history --author` says it lists every author's revisions."""
    run = make_runner(db)
    assert run("--author", "bob", "add-model", "bobs-model", "-m", "by bob").exit_code == 0
    result = CliRunner().invoke(
        cli, ["--db", str(db), "log", "--author", "bob"], prog_name="trendlab"
    )
    assert result.exit_code == 2 and result.stdout == ""
    head, command, tail = result.stderr.split("`")
    assert head == (
        "trendlab: error: No such option '--author' for log, which lists every author's "
        "changesets (the global --author, given before a command, names who records a "
        "change); one author's: "
    )
    assert tail == " (see 'trendlab log --help')\n"
    assert command.startswith(f"trendlab --db {shlex.quote(str(db))} query ")
    listed = run(*shlex.split(command.replace("=NAME", "=bob"))[3:], "--json")
    assert listed.exit_code == 0, listed.stderr
    assert [(c["author"], c["message"]) for c in json.loads(listed.stdout)] == [("bob", "by bob")]
    history = CliRunner().invoke(
        cli, ["--db", str(db), "history", "model", "gpt-4", "--author", "bob"], prog_name="trendlab"
    )
    assert (history.exit_code, history.stderr) == (
        2,
        "trendlab: error: No such option '--author' for history, which lists every author's "
        "revisions (the global --author, given before a command, names who records a change) "
        "(see 'trendlab history --help')\n",
    )


def test_sql_opening_with_a_comment_is_named_as_text_and_runs_after_dashes(db: Path):
    """SQL that begins with a comment, as every named query's file does (`trendlab query
    "$(cat queries/latest.sql)"`), was "No such option '-- ...\\nSELECT ...'": Click
    reads an argument beginning with - as an option, and no option has a space."""
    run = make_runner(db)
    sql = "-- how many models\nSELECT count(*) AS n FROM models"
    refused = CliRunner().invoke(cli, ["--db", str(db), "query", sql], prog_name="trendlab")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "trendlab: error: the argument beginning '-- how many models' is text, not an "
        "option: give it after --, and the options before it, as in "
        "'trendlab query [OPTIONS] -- TEXT' (see 'trendlab query --help')\n"
    )
    ran = run("query", "--csv", "--", sql)
    assert ran.exit_code == 0, ran.stderr
    assert ran.stdout.splitlines()[0] == "n"
    # An option quoted with its value ("$OPTS") is an option misspelt, not text.
    for args in (["list", "results", "--model gpt-4"], ["log", "--limit 3"]):
        quoted = CliRunner().invoke(cli, ["--db", str(db), *args], prog_name="trendlab")
        assert quoted.exit_code == 2
        assert f"No such option '{args[-1]}'. Did you mean '{args[-1].split()[0]}'?" in (
            quoted.stderr
        )


def test_text_that_is_not_utf8_is_a_usage_error_that_writes_nothing(db: Path, monkeypatch):
    """Bytes no UTF-8 reads reach Python as lone surrogates (b'a\\x85b' as 'a\\udc85b'),
    which DuckDB and every file refuse: they ended in an internal error, exit 70."""
    run = make_runner(db)
    before = run("log", "--json").stdout
    for args, shown in [
        (["add-model", "m1", "--organization", "a\udc85b", "-m", "x"], "'a\\x85b'"),
        (["add-model", "m1", "--notes", "a\udc85b", "-m", "x"], "'a\\x85b'"),
        (["query", "SELECT 'a\udc85b'"], "'SELECT 'a\\x85b''"),
    ]:
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert result.stderr == f"trendlab: error: argument {shown} is not UTF-8 text\n"
    # A team store's password, masked as in every other message (it was shown).
    for location in (
        "ducklake:postgres:dbname=t password=hun\udce4ter2",
        "ducklake:postgres:dbname=t\udce4 password=hunter2",
        "ducklake:postgres:postgresql://u:hun\udce4ter2@h/t",
    ):
        result = CliRunner().invoke(cli, ["--db", location, "log"])
        assert result.exit_code == 2, result.output
        assert "is not UTF-8 text" in result.stderr and "ter2" not in result.stderr
    monkeypatch.setenv("TRENDLAB_AUTHOR", "a\udc85b")
    result = run("add-model", "m1", "-m", "x")
    assert (result.exit_code, result.stderr) == (
        2,
        "trendlab: error: TRENDLAB_AUTHOR is not UTF-8 text\n",
    )
    monkeypatch.setenv("TRENDLAB_AUTHOR", "tester")
    assert run("log", "--json").stdout == before


def test_a_blank_name_of_a_record_is_a_usage_error_naming_its_parameter(db: Path, tmp_path: Path):
    """No record is named '' or '  ', whatever the database holds: said as a write says a
    field left empty (`add-result '' mmlu 1`: MODEL: must not be empty), exit 2. They
    said "no current model ''" or "unknown benchmark ''", exit 1, as if the database
    lacked it."""
    png, html = str(tmp_path / "out.png"), str(tmp_path / "out.html")
    for command, args, given in [
        ("show", ["model", ""], "KEY"),
        ("show", ["result", "  "], "KEY"),
        ("history", ["model", ""], "KEY"),
        ("list", ["results", "--model", ""], "--model"),
        ("list", ["results", "--benchmark", " "], "--benchmark"),
        ("alias list", ["--model", ""], "--model"),
        ("prices", ["--model", ""], "--model"),
        ("prices", ["--provider", " "], "--provider"),
        ("forecast", [""], "BENCHMARK"),
        ("backtest", [" "], "BENCHMARK"),
        ("plot", ["", "-o", png], "BENCHMARK"),
        ("price-trend", ["", "--threshold", "50"], "BENCHMARK"),
        ("report", ["-o", html, "--benchmark", ""], "--benchmark"),
        ("report", ["-o", html, "--price-benchmark", " "], "--price-benchmark"),
    ]:
        result = CliRunner().invoke(
            cli, ["--db", str(db), *command.split(), *args], prog_name="trendlab"
        )
        assert (result.exit_code, result.stdout, result.stderr) == (
            2,
            "",
            f"trendlab: error: {given}: must not be empty (see 'trendlab {command} --help')\n",
        ), (command, args)


def test_a_command_an_error_suggests_reads_the_store_given(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Run as printed, a command an error suggested read ./trendlab.duckdb, another
    store or none, not the --db the error was about: `show result r_1` said "`trendlab
    list results` shows ids", and so did a retracted record's `trendlab history`."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # holds no trendlab.duckdb
    run = make_runner(db)
    on_db = f"trendlab --db {shlex.quote(str(db))}"
    short = run("show", "result", "r_1")
    assert short.exit_code == 2  # too short whatever the store holds: a usage error
    assert short.stderr.split("`")[1] == f"{on_db} list results"
    assert run("retract", "result", "minerva-540b/math", "-m", "t").exit_code == 0
    gone = run("list", "results", "--model", "minerva-540b", "--benchmark", "math", "--limit", "1")
    assert gone.exit_code == 0  # the model's other results stay listed
    shown = run("show", "result", "minerva-540b/math")
    suggested = shown.stderr.split("`")[1]
    assert suggested == f"{on_db} history result minerva-540b/math"
    history = CliRunner().invoke(cli, shlex.split(suggested)[1:])
    assert history.exit_code == 0, history.stderr
    assert "retract" in history.stdout


def test_a_key_with_an_empty_part_is_a_usage_error_naming_it(db: Path):
    """A result's or a price's name that no reading gives a model and a benchmark (or
    provider) names no record in any database: said as a blank name is, exit 2. They
    said "no current result '/mmlu' (did you mean 'yi-9b/mmlu'?)", exit 1, as if the
    database lacked it. A name some reading fills is still looked up: an alias may hold
    a '/', and `gpt-4//mmlu` names the results of the model whose alias is gpt-4/."""
    run = make_runner(db)
    before = run("log", "--json").stdout
    result_shape = "a result is named MODEL/BENCHMARK[/SETTING] or by its id"
    price_shape = "a price is named MODEL/PROVIDER[/DATE] or by its id"
    for command, args, fault in [
        ("show", ["result", "gpt-4/"], f"'gpt-4/' has an empty benchmark: {result_shape}"),
        ("show", ["result", "/mmlu"], f"'/mmlu' has an empty model: {result_shape}"),
        ("show", ["result", "/"], f"'/' has an empty model and benchmark: {result_shape}"),
        ("history", ["result", "//"], f"'//' has an empty model and benchmark: {result_shape}"),
        ("show", ["price", "gpt-4o/"], f"'gpt-4o/' has an empty provider: {price_shape}"),
        ("history", ["price", "/OpenAI"], f"'/OpenAI' has an empty model: {price_shape}"),
        # Its provider too, which a '/' it may hold left unnamed.
        ("show", ["price", "//"], f"'//' has an empty model and provider: {price_shape}"),
        ("show", ["price", " / / "], f"' / / ' has an empty model and provider: {price_shape}"),
        (
            "edit",
            ["result", "gpt-4/", "--set", "notes=x", "-m", "x"],
            f"'gpt-4/' has an empty benchmark: {result_shape}",
        ),
        (
            "retract",
            ["price", "/OpenAI", "-m", "x"],
            f"'/OpenAI' has an empty model: {price_shape}",
        ),
    ]:
        result = CliRunner().invoke(cli, ["--db", str(db), command, *args], prog_name="trendlab")
        assert (result.exit_code, result.stdout, result.stderr) == (
            2,
            "",
            f"trendlab: error: KEY: {fault} (see 'trendlab {command} --help')\n",
        ), (command, args)
    assert run("log", "--json").stdout == before
    # alias add refuses such an alias now; one stored before (or around trendlab) is
    # still read as the reading it fills.
    assert run("alias", "add", "gpt-4", "gpt-4/").exit_code == 2
    with _around(db) as (con, cs):
        con.execute(
            "INSERT INTO alias_revisions (changeset_id, key, revision, op, alias, model) "
            "VALUES (?, 'gpt-4/', 1, 'insert', 'gpt-4/', 'gpt-4')",
            [cs],
        )
    shown = run("show", "result", "gpt-4//mmlu", "--json")
    assert shown.exit_code == 1 and "matches 2 results" in shown.stderr  # gpt-4's two
    mistyped = run("show", "result", "gpt-3.5-turbo//mmlu")
    assert mistyped.exit_code == 1 and "no current result" in mistyped.stderr


def test_usage_errors_found_after_parsing_point_at_the_help_too(db: Path):
    """A malformed --until, --as-of or --since, or a figure's suffix, is a usage error
    (exit 2) that trendlab finds, not Click: those lacked the pointer every other
    usage error has."""
    for args, message in [
        (
            ["forecast", "mmlu", "--until", "soon"],
            "--until: 'soon' is not a year or a date (YYYY or YYYY-MM-DD) "
            "(see 'trendlab forecast --help')",
        ),
        (
            ["forecast", "mmlu", "--plot", "out.pdf"],
            "--plot out.pdf: the file name must end in .png or .svg "
            "(see 'trendlab forecast --help')",
        ),
        (
            ["list", "models", "--as-of", "lately"],
            "--as-of: 'lately' is not a year, a date (YYYY-MM-DD), a timestamp or a changeset id "
            "(see 'trendlab list --help')",
        ),
        (
            ["alias", "list", "--as-of", "2024-02-30"],
            "--as-of: '2024-02-30' is not a valid date (see 'trendlab alias list --help')",
        ),
        (
            # A month, which neither reads: the message lists what they read, a year too.
            ["list", "models", "--as-of", "2024-06"],
            "--as-of: '2024-06' is not a year, a date (YYYY-MM-DD), a timestamp or a "
            "changeset id (see 'trendlab list --help')",
        ),
        (
            ["diff", "--since", "CHANGESET"],
            "--since: 'CHANGESET' is not a year, a date (YYYY-MM-DD), a timestamp or a changeset id "
            "(see 'trendlab diff --help')",
        ),
        (
            # Full-width digits, said as they are of a year: a date they were "not valid".
            ["diff", "--since", "２０２６-１２-０６"],
            "--since: '２０２６-１２-０６' is not a year, a date (YYYY-MM-DD), a timestamp or a "
            "changeset id (see 'trendlab diff --help')",
        ),
        (
            # As given, white space and all: '  ' was quoted as '', and ' 2024-02-30' too
            # as if given without its space.
            ["diff", "--since", "  "],
            "--since: '  ' is not a year, a date (YYYY-MM-DD), a timestamp or a changeset id "
            "(see 'trendlab diff --help')",
        ),
        (
            ["list", "models", "--as-of", " 2024-02-30"],
            "--as-of: ' 2024-02-30' is not a valid date (see 'trendlab list --help')",
        ),
        (
            ["diff", "--since", "２０２６"],
            "--since: '２０２６' is not a year, a date (YYYY-MM-DD), a timestamp or a "
            "changeset id (see 'trendlab diff --help')",
        ),
        # --until as --as-of: '  ' was quoted as '', and ' 2030-02-30' without its space.
        (
            ["forecast", "mmlu", "--until", "  "],
            "--until: '  ' is not a year or a date (YYYY or YYYY-MM-DD) "
            "(see 'trendlab forecast --help')",
        ),
        (
            ["report", "-o", "-", "--until", " 2030-02-30"],
            "--until: ' 2030-02-30' is not a valid date (see 'trendlab report --help')",
        ),
        (
            ["plot", "mmlu", "-o", "p.png", "--by", "compute", "--until", "lots "],
            "--until: 'lots ' is not a positive number of FLOP (see 'trendlab plot --help')",
        ),
    ]:
        result = CliRunner().invoke(cli, ["--db", str(db), *args], prog_name="trendlab")
        assert result.exit_code == 2, result.stderr
        assert result.stderr == f"trendlab: error: {message}\n"
    # A data problem (exit 1) is not the command line's: no pointer at the help.
    unknown = CliRunner().invoke(cli, ["--db", str(db), "forecast", "mmul"], prog_name="trendlab")
    assert unknown.exit_code == 1
    assert unknown.stderr == "trendlab: error: no current benchmark 'mmul' (did you mean 'mmlu'?)\n"


def test_an_empty_listing_as_of_a_moment_says_what_as_of_means(run: Run):
    """A list as of a day before the database held anything is empty: the note says
    --as-of is when changes were recorded, as show's error does, so the empty list is
    not taken for there being no results published by then."""
    meaning = " as of 2001-01-01 23:59:59 (--as-of is when changes were recorded)\n"
    for args, what in (
        (("list", "results"), "results"),
        (("prices",), "prices"),
        (("alias", "list"), "aliases"),
    ):
        listed = run(*args, "--as-of", "2001-01-01")
        assert listed.exit_code == 0, listed.stderr
        assert listed.stderr == f"no {what} match{meaning}", listed.stderr
    # export wrote a header alone, saying nothing, where list said the above.
    exported = run("export", "results", "--as-of", "2001-01-01")
    assert exported.exit_code == 0 and exported.stdout.startswith("model,benchmark,score,")
    assert exported.stderr == f"no results to export{meaning}", exported.stderr
    # Without --as-of there is nothing to explain.
    none = run("alias", "list", "--model", "gpt-3.5")
    assert none.exit_code == 0 and none.stderr == "no aliases match\n", none.stderr


def test_show_as_of_before_a_record_was_recorded_says_when_it_was(run: Run):
    """show as of a day before the seeding said only "no current benchmark 'math'", as
    if MATH were unknown: it says when it was recorded, as forecast's error does."""
    (seeded,) = json.loads(run("log", "--json").stdout)
    recorded = seeded["recorded_at"][:19].replace("T", " ")
    meaning = " as of 2020-01-01 23:59:59 (--as-of is when changes were recorded)"
    for kind, name in (("benchmark", "MATH"), ("model", "GPT-4"), ("organization", "openai")):
        shown = run("show", kind, name, "--as-of", "2020-01-01")
        assert shown.exit_code == 1
        assert shown.stderr == (
            f"trendlab: error: no current {kind} {name!r}{meaning}; "
            f"it was first recorded at {recorded}\n"
        )
    # A name of no record, then or now, gets no date.
    never = run("show", "benchmark", "nope", "--as-of", "2020-01-01")
    assert never.stderr == f"trendlab: error: no current benchmark 'nope'{meaning}\n"


def test_show_organization_as_of_before_a_rename_by_its_new_name_says_so(
    run: Run, monkeypatch: pytest.MonkeyPatch
):
    """An organization named, as of a moment before a rename, by the name it was given
    was "no current organization 'OpenAI Inc' (did you mean 'openai'?)", as if the name
    were a typo: it says which organization took the name when, and what it was named."""
    monkeypatch.setattr("trendlab.db._utcnow", lambda: datetime(2030, 1, 1, 12, 0, 5))
    renamed = run("edit", "organization", "openai", "--set", "name=OpenAI Inc", "-m", "rename")
    assert renamed.exit_code == 0, renamed.stderr
    assert run("add-model", "z-1", "--organization", "Zeta Lab").exit_code == 0
    meaning = " as of 2029-12-31 23:59:59 (--as-of is when changes were recorded)"
    for name in ("OpenAI Inc", "openai inc"):
        shown = run("show", "organization", name, "--as-of", "2029")
        assert (shown.exit_code, shown.stdout) == (1, "")
        assert shown.stderr == (
            f"trendlab: error: no current organization {name!r}{meaning}; organization openai "
            "was first named so at 2030-01-01 12:00:05, and as of the moment asked was named "
            "'OpenAI': name it by its slug\n"
        )
    then = run("show", "organization", "openai", "--as-of", "2029", "--json")
    assert json.loads(then.stdout)["name"] == "OpenAI"
    # Named when it was first recorded, it was not even dated.
    later = run("show", "organization", "Zeta Lab", "--as-of", "2029")
    assert later.stderr == (
        f"trendlab: error: no current organization 'Zeta Lab'{meaning}; it was first the "
        "name of organization zeta-lab, at 2030-01-01 12:00:05\n"
    )


def test_show_organization_as_of_by_a_name_another_had_before_and_renamed_away(
    run: Run, monkeypatch: pytest.MonkeyPatch
):
    """A name an organization was given, then renamed away from, before the moment
    asked, and another took after it: the hint about the later one was skipped, the
    first one's naming being no later than the moment, and the nearest slug suggested."""
    for moment, slug, name in (
        (datetime(2030, 1, 1), "anthropic", "Nova"),
        (datetime(2030, 2, 1), "anthropic", "Anthropic"),
        (datetime(2030, 4, 1), "openai", "Nova"),
    ):
        monkeypatch.setattr("trendlab.db._utcnow", lambda moment=moment: moment)
        renamed = run("edit", "organization", slug, "--set", f"name={name}", "-m", "rename")
        assert renamed.exit_code == 0, renamed.stderr
    shown = run("show", "organization", "nova", "--as-of", "2030-03-01")
    assert (shown.exit_code, shown.stdout) == (1, ""), shown.stderr
    assert shown.stderr == (
        "trendlab: error: no current organization 'nova' as of 2030-03-01 23:59:59 (--as-of is "
        "when changes were recorded); organization openai was first named so at 2030-04-01 "
        "00:00:00, and as of the moment asked was named 'OpenAI': name it by its slug\n"
    )


def test_organization_named_by_a_name_it_was_renamed_away_from_says_so(
    run: Run, monkeypatch: pytest.MonkeyPatch
):
    """show, edit and retract of an organization by a name it had before a rename, one
    that does not make its slug, said "no current organization 'Aardvark Systems' (did
    you mean 'Cerebras Systems'?)", another organization's, though history finds it by
    that name: they say which one had it, until when, and its name since, as of
    --as-of too (renamed away and back, between the two)."""
    for moment, name in (
        (datetime(2030, 1, 1), "Aardvark Systems"),
        (datetime(2030, 2, 1), "Quokka Research"),
        (datetime(2030, 4, 1), "Aardvark Systems"),
        (datetime(2030, 5, 1), "Quokka Research"),
    ):
        monkeypatch.setattr("trendlab.db._utcnow", lambda moment=moment: moment)
        renamed = run("edit", "organization", "xai", "--set", f"name={name}", "-m", "rename")
        assert renamed.exit_code == 0, renamed.stderr
    told = (
        "trendlab: error: no current organization 'aardvark systems'; organization xai was "
        "named so until 2030-05-01 00:00:00, and is now named 'Quokka Research': name it by "
        "its slug\n"
    )
    for args in (
        ("show", "organization", "aardvark systems"),
        ("edit", "organization", "aardvark systems", "--set", "name=X", "-m", "t"),
        ("retract", "organization", "aardvark systems", "-m", "t"),
    ):
        refused = run(*args)
        assert (refused.exit_code, refused.stdout, refused.stderr) == (1, "", told)
    assert run("history", "organization", "aardvark systems").exit_code == 0
    then = run("show", "organization", "Aardvark Systems", "--as-of", "2030-03-01")
    assert (then.exit_code, then.stdout) == (1, "")
    assert then.stderr == (
        "trendlab: error: no current organization 'Aardvark Systems' as of 2030-03-01 23:59:59 "
        "(--as-of is when changes were recorded); organization xai was named so until "
        "2030-02-01 00:00:00, and as of the moment asked was named 'Quokka Research': name it "
        "by its slug\n"
    )
    # Renamed once more, then retracted: the name is no retracted organization's last.
    for args in (
        ("add-model", "g-1", "--organization", "Gamma"),
        ("edit", "organization", "gamma", "--set", "name=Delta", "-m", "t"),
        ("edit", "organization", "gamma", "--set", "name=Epsilon", "-m", "t"),
        ("retract", "model", "g-1", "-m", "t"),
        ("retract", "organization", "gamma", "-m", "t"),
    ):
        assert run(*args).exit_code == 0
    gone = run("show", "organization", "Delta")
    assert gone.stderr.startswith(
        "trendlab: error: no current organization 'Delta'; organization gamma was named so "
        "until 2030-05-01 00:00:00, and has been retracted since (`trendlab --db "
    )
    assert gone.stderr.endswith(" history organization gamma` shows it)\n")


def test_show_result_as_of_before_it_was_recorded_by_label_or_prefix_says_when(run: Run):
    """A result or a price named by MODEL/BENCHMARK (MODEL/PROVIDER) or an id prefix got
    no "first recorded at" hint, which its full id got."""
    (seeded,) = json.loads(run("log", "--json").stdout)
    recorded = seeded["recorded_at"][:19].replace("T", " ")
    meaning = " as of 2020-01-01 23:59:59 (--as-of is when changes were recorded)"
    listed = run("list", "results", "--model", "gpt-4", "--benchmark", "math", "--json")
    result = json.loads(listed.stdout)[0]
    price = json.loads(run("list", "prices", "--model", "gpt-4o", "--json").stdout)[0]
    for kind, name in (
        ("result", result["id"]),
        ("result", result["id"][:8].upper()),
        ("result", "GPT-4/math"),
        ("result", f"gpt-4/math/{result['setting'] or ''}"),
        ("price", f"gpt-4o/{price['provider']}"),
    ):
        shown = run("show", kind, name, "--as-of", "2020-01-01")
        assert (shown.exit_code, shown.stdout) == (1, ""), name
        assert shown.stderr == (
            f"trendlab: error: no current {kind} {name!r}{meaning}; "
            f"it was first recorded at {recorded}\n"
        ), name
    # A name of no result, then or now, gets no date.
    never = run("show", "result", "gpt-4/nope", "--as-of", "2020-01-01")
    assert never.stderr == f"trendlab: error: no current result 'gpt-4/nope'{meaning}\n"


def test_show_as_of_a_retraction_suggests_a_history_that_names_that_record(run: Run, on_store: str):
    """As of a result's retraction, `show result MODEL/BENCHMARK` suggested `history
    result MODEL/BENCHMARK`, which a result added under that name since made ambiguous
    ("matches 2 results"): it names the retracted result by its key."""
    bench = ("add-benchmark", "t-eval", "--name", "T eval", "--unit", "percent", "-m", "x")
    assert run(*bench).exit_code == 0
    add = ("add-result", "gpt-4", "t-eval", "40", "--date", "2024-01-01", "-m", "x")
    gone = run(*add, "--source-url", "https://example.org/a").stdout.strip()
    assert run("retract", "result", gone, "-m", "x").exit_code == 0
    retraction = json.loads(run("log", "--json").stdout)[0]["changeset"]
    assert run(*add, "--source-url", "https://example.org/b").exit_code == 0
    shown = run("show", "result", "gpt-4/t-eval", "--as-of", retraction)
    assert (shown.exit_code, shown.stdout) == (1, "")
    assert shown.stderr == (
        f"trendlab: error: result gpt-4/t-eval was retracted in changeset {retraction}; "
        f"`{on_store} history result {gone}` shows it\n"
    )
    assert run("history", "result", gone).exit_code == 0


def test_as_of_a_moment_inside_a_second_names_it_to_the_microsecond(run: Run):
    """A changeset's moment (or a time given with a fraction) was named to its second:
    "no current benchmark 'math' as of 12:30:05; it was first recorded at 12:30:05",
    though a time to the second reads to its end, which holds the record."""
    (seeded,) = json.loads(run("log", "--json").stdout)
    recorded = seeded["recorded_at"].replace("T", " ")
    assert run("add-benchmark", "later-1", "--unit", "percent", "-m", "b").exit_code == 0
    for when, moment in (
        (seeded["changeset"], recorded),
        ("2020-01-01T00:00:00.5", "2020-01-01 00:00:00.500000"),
        ("2020-01-01T00:00:05", "2020-01-01 00:00:05"),  # to its end, as before
        ("0999-06-01", "0999-06-01 23:59:59"),  # not 999-06-01, which --as-of refuses
    ):
        shown = run("show", "benchmark", "later-1", "--as-of", when)
        assert shown.exit_code == 1
        assert f" as of {moment} (--as-of is when changes were recorded); it was " in shown.stderr


def test_a_record_first_recorded_in_the_second_asked_reads_as_later(
    run: Run, monkeypatch: pytest.MonkeyPatch
):
    """A model recorded at 12:00:17.59, asked for as of 12:00:17.5, was "first recorded
    at 12:00:17", cut to its second, earlier than the moment asked; a time whose second
    is after it stays to the second."""
    recorded = datetime(2030, 1, 1, 12, 0, 17, 590_000)
    monkeypatch.setattr("trendlab.db._utcnow", lambda: recorded)
    assert run("add-model", "m22", "-m", "a model").exit_code == 0
    assert run("add-benchmark", "b22", "--unit", "percent", "-m", "b").exit_code == 0
    meaning = "as of 2030-01-01 12:00:17.500000 (--as-of is when changes were recorded)"
    shown = run("show", "model", "m22", "--as-of", "2030-01-01T12:00:17.5")
    assert shown.stderr == (
        f"trendlab: error: no current model 'm22' {meaning}; "
        "it was first recorded at 2030-01-01 12:00:17.590000\n"
    )
    earlier = run("show", "model", "m22", "--as-of", "2030-01-01T12:00:16.5")
    assert earlier.stderr.endswith("; it was first recorded at 2030-01-01 12:00:17\n")
    # forecast's "the first was recorded at" a result is written the same way.
    assert run("add-result", "m22", "b22", "50", "--date", "2024-01-01", "-m", "r").exit_code == 0
    forecast = run("forecast", "b22", "--as-of", "2030-01-01T12:00:17.590001")
    assert forecast.stderr.endswith("; the first was recorded at 2030-01-01 12:00:17.590002\n")


def test_a_moment_whose_utc_is_past_year_9999_or_before_year_1_is_read(run: Run):
    """A time with an offset that puts it, in UTC, after year 9999 or before year 1 was
    an internal error (OverflowError); it reads as the last or the first moment, the
    same state."""
    for when, listed in (("9999-12-31T23:59:59-05:00", 25), ("0001-01-01T00:00+05:00", 0)):
        result = run("list", "benchmarks", "--as-of", when, "--json")
        assert result.exit_code == 0, result.stderr
        assert len(json.loads(result.stdout)) == listed
        since = run("diff", "--since", when, "--kind", "benchmarks", "--json")
        assert since.exit_code == 0, since.stderr
        assert len(json.loads(since.stdout)) == 25 - listed


def test_a_changeset_id_in_capitals_is_that_changeset(run: Run):
    """An id copied in capitals (from a spreadsheet, say) was refused as "not a year, a
    date (YYYY-MM-DD), a timestamp or a changeset id"; ids are hex, in either case."""
    (seeded,) = json.loads(run("log", "--json").stdout)
    lower = run("list", "benchmarks", "--as-of", seeded["changeset"][:10], "--json")
    upper = run("list", "benchmarks", "--as-of", seeded["changeset"][:10].upper(), "--json")
    assert upper.exit_code == 0, upper.stderr
    assert upper.stdout == lower.stdout and len(json.loads(upper.stdout)) == 25
    since = run("diff", "--since", seeded["changeset"].upper(), "--json")
    assert since.exit_code == 0, since.stderr


def test_as_of_before_an_alias_was_recorded_says_when_it_was(run: Run):
    """A model named by an alias recorded after --as-of got no date, where its slug got
    one: the alias resolved only through the aliases of the state read. It resolves as
    today, and the date is the alias's (its model may be older)."""
    (seeded,) = json.loads(run("log", "--json").stdout)
    meaning = " as of 2020-01-01 23:59:59 (--as-of is when changes were recorded)"
    shown = run("show", "model", "GPT-4-0314", "--as-of", "2020-01-01")
    assert shown.stderr == (
        f"trendlab: error: no current model 'GPT-4-0314'{meaning}; "
        f"it was first recorded at {seeded['recorded_at'][:19].replace('T', ' ')}\n"
    )
    assert run("add-model", "late-1", "-m", "a model").exit_code == 0
    (model_added,) = json.loads(run("log", "--json", "--limit", "1").stdout)
    assert run("alias", "add", "late-1", "later-name").exit_code == 0
    (alias_added,) = json.loads(run("log", "--json", "--limit", "1").stdout)
    when = model_added["changeset"]
    meaning = (
        f" as of {model_added['recorded_at'].replace('T', ' ')} "
        "(--as-of is when changes were recorded)"
    )
    recorded = alias_added["recorded_at"].replace("T", " ")
    if recorded[:19] > model_added["recorded_at"].replace("T", " "):
        recorded = recorded[:19]  # to the fraction only when in the second asked
    for args in (("show", "model", " Later-Name "), ("list", "results", "--model", "later-name")):
        result = run(*args, "--as-of", when)
        assert (result.exit_code, result.stdout) == (1, "")
        name = args[-1]
        assert result.stderr == (
            f"trendlab: error: no current model {name!r}{meaning}; "
            f"it was first recorded at {recorded}\n"
        )
    # The alias itself, in any case, as `show alias` finds one; and in full-width
    # letters, as the alias resolves (the model and the alias said no date).
    for kind, name in (
        ("alias", "LATER-NAME"),
        ("alias", "ＬＡＴＥＲ-name"),
        ("model", "ｌａｔｅｒ-name"),
    ):
        shown = run("show", kind, name, "--as-of", when)
        assert shown.stderr == (
            f"trendlab: error: no current {kind} {name!r}{meaning}; "
            f"it was first recorded at {recorded}\n"
        )


def test_an_empty_as_of_is_refused_not_ignored(run: Run):
    """--as-of "" read the current state as if no --as-of were given, while --as-of " "
    was refused: both are a mistake, and a read of the wrong state would pass for one
    of the past."""
    for when in ("", " "):
        result = run("list", "models", "--as-of", when, "--csv")
        assert result.exit_code == 2, result.stderr
        assert result.stdout == ""
        # Quoted as given: white space alone was quoted as ''.
        assert (
            f"--as-of: {when!r} is not a year, a date (YYYY-MM-DD), a timestamp or a changeset id"
            in result.stderr
        )


def _command_paths(group: click.Group, ctx: click.Context) -> list[list[str]]:
    paths: list[list[str]] = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        paths.append([name])
        if isinstance(command, click.Group):
            sub = click.Context(command, info_name=name, parent=ctx)
            paths.extend([name, *p] for p in _command_paths(command, sub))
    return paths


@pytest.mark.parametrize(
    "path", [[], *_command_paths(cli, click.Context(cli, info_name="trendlab"))], ids=" ".join
)
def test_every_parse_error_points_at_its_commands_help(path: list[str]):
    """Every command (the group too) names itself in the errors Click's parser raises,
    which come without the command: here a flag given a value."""
    result = CliRunner().invoke(cli, [*path, "--help=x"], prog_name="trendlab")
    assert result.exit_code == 2
    see = " ".join(["trendlab", *path])
    assert result.stderr == (
        f"trendlab: error: Option '--help' does not take a value (see '{see} --help')\n"
    )


def test_a_pivot_runs_once_given_its_values(run: Run):
    """A PIVOT that must find its values first is two statements to DuckDB (a CREATE
    TYPE, refused on a read); the error says how to make it one, and that one runs."""
    found = run("query", "PIVOT results ON benchmark USING count(*)")
    assert found.exit_code == 1
    assert "a PIVOT runs as one when given its values: ON column IN (...)" in found.stderr
    two = run("query", "SELECT 1 AS pivot; SELECT 2")
    assert two.exit_code == 1 and "PIVOT" not in two.stderr
    given = run(
        "query",
        "PIVOT (SELECT model, benchmark FROM results WHERE model = 'gpt-4') "
        "ON benchmark IN ('mmlu', 'math') USING count(*)",
        "--json",
    )
    assert given.exit_code == 0, given.stderr
    assert json.loads(given.stdout) == [{"model": "gpt-4", "mmlu": 2, "math": 1}]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json", "jsonl"])
@pytest.mark.parametrize("interval", [False, True])
def test_query_writes_types_arrow_and_polars_lack(
    run: Run, tmp_path: Path, fmt: str, interval: bool
):
    # Without an INTERVAL, Arrow hands UHUGEINT over as opaque bytes; with one, Polars
    # refuses the INTERVAL and the rows are read as Python values.
    out = tmp_path / f"q.{fmt}"
    sql = (
        "SELECT '6f1c3a52-9a4e-4b0e-8a55-1f0a2b3c4d5e'::UUID AS u, "
        "340282366920938463463374607431768211455::UHUGEINT AS x"
        + (", INTERVAL 1 DAY AS i" if interval else "")
    )
    result = run("query", sql, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    if fmt == "csv":
        row = pl.read_csv(out, infer_schema=False).row(0, named=True)
    elif fmt == "parquet":
        row = pl.read_parquet(out).row(0, named=True)
    else:
        row = json.loads(out.read_text())[0] if fmt == "json" else json.loads(out.read_text())
    assert row["u"] == "6f1c3a52-9a4e-4b0e-8a55-1f0a2b3c4d5e"
    assert str(row["x"]) == "340282366920938463463374607431768211455"


def test_a_failed_write_leaves_the_file_as_it_was(tmp_path: Path):
    from trendlab.errors import TrendlabError
    from trendlab.render import render

    out = tmp_path / "keep.parquet"
    out.write_bytes(b"before")
    unwritable = pl.DataFrame({"o": pl.Series([object()], dtype=pl.Object)})
    with pytest.raises((pl.exceptions.PolarsError, TrendlabError)):
        render(unwritable, "parquet", str(out))
    assert out.read_bytes() == b"before"
    render(pl.DataFrame({"a": [1]}), "csv", str(out))
    assert out.read_text() == "a\n1\n"
    # Written in place: the file keeps its mode (and its other hard links).
    out.chmod(0o600)
    render(pl.DataFrame({"a": [2]}), "csv", str(out))
    assert out.read_text() == "a\n2\n" and out.stat().st_mode & 0o777 == 0o600


def test_names_in_another_case_or_by_alias_name_the_same_records(run: Run):
    assert run("list", "results", "--benchmark", "MMLU", "--model", "GPT-4o", "--json").stdout == (
        run("list", "results", "--benchmark", "mmlu", "--model", "gpt-4o", "--json").stdout
    )
    shown = json.loads(run("show", "result", "GPT_4O/MMLU/5-shot", "--json").stdout)
    assert (shown["model"], shown["benchmark"], shown["setting"]) == ("gpt-4o", "mmlu", "5-shot")
    assert json.loads(run("show", "benchmark", "GPQA-Diamond", "--json").stdout)["slug"] == (
        "gpqa-diamond"
    )
    added = run("add-result", "GPT-4o", "MMLU", "50", "--source-url", "https://case.example/m")
    assert added.exit_code == 0, added.stderr
    assert (
        json.loads(run("show", "result", added.stdout.strip(), "--json").stdout)["benchmark"]
        == "mmlu"
    )
    # history too, and an ambiguous name says so rather than "not in the history".
    history = run("history", "result", "Grok-4/GPQA-DIAMOND", "--json")
    assert history.exit_code == 0 and json.loads(history.stdout)[0]["op"] == "insert"
    two = run("history", "result", "GPT-4o/mmlu")
    assert two.exit_code == 1 and "matches 2 results" in two.stderr, two.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["list", "results"],
        ["query", "select 1"],
        ["forecast", "mmlu"],
        ["backtest", "--all"],
        ["report"],
    ],
)
def test_output_into_no_directory_fails_before_any_work(run: Run, args: list[str]):
    """`backtest --all -o /no/such/dir/x.csv` backtested every benchmark, then failed.
    The option's value is what is wrong: a usage error (it exited 1), as -o's other
    checks (a figure's suffix, the database's own file) are."""
    suffix = ".html" if args == ["report"] else ".csv"
    result = run(*args, "-o", f"/no/such/dir/out{suffix}")
    assert result.exit_code == 2
    assert result.stderr == (
        f"trendlab: error: -o /no/such/dir/out{suffix}: no such directory "
        f"(see 'cli {args[0]} --help')\n"
    )


def test_output_under_a_file_says_it_is_a_file(run: Run, tmp_path: Path):
    """`-o notes.txt/out.csv` said "no such directory", with notes.txt right there: the
    path goes through a file, as --data-path's "not a directory" says."""
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    for args in (["list", "models", "-o"], ["forecast", "mmlu", "--plot"]):
        target = notes / "deeper" / ("out.png" if "--plot" in args else "out.csv")
        result = run(*args, str(target))
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr.startswith(
            f"trendlab: error: {args[-1]} {target}: not a directory ({notes} is a file) (see"
        ), result.stderr
    assert notes.read_text() == "mine"


def test_output_through_a_link_into_no_directory_names_where_it_points(run: Run, tmp_path: Path):
    """`-o out.csv`, a symbolic link to /gone/out.csv, said "-o out.csv: no such
    directory", with out.csv's folder right there: the folder missing is the link's
    target's, which is named. A link through a file says that file, as a path does."""
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    for target, why in (
        (
            tmp_path / "gone" / "deeper" / "out.csv",
            f"no such directory {tmp_path / 'gone' / 'deeper'}",
        ),
        (notes / "out.csv", f"not a directory ({notes} is a file)"),
    ):
        link = tmp_path / "out.csv"
        link.unlink(missing_ok=True)
        link.symlink_to(target)
        for args in (["list", "models", "-o"], ["forecast", "mmlu", "--plot"]):
            given = link.with_suffix(".png") if "--plot" in args else link
            if given != link:
                given.unlink(missing_ok=True)
                given.symlink_to(target.with_suffix(".png"))
            result = run(*args, str(given))
            assert (result.exit_code, result.stdout) == (2, ""), result.stderr
            assert result.stderr.startswith(
                f"trendlab: error: {args[-1]} {given}: {why} (a symbolic link to "
                f"{os.path.realpath(given)}) (see"
            ), result.stderr
    assert notes.read_text() == "mine"


def test_output_under_a_linked_folder_that_is_gone_names_where_it_points(run: Run, tmp_path: Path):
    """`-o out/r.csv`, out a symbolic link to a folder that is gone, said "-o out/r.csv:
    no such directory", with out right there: the link is named with its target."""
    link = tmp_path / "out"
    link.symlink_to(tmp_path / "gone")
    for args in (["list", "models", "-o"], ["forecast", "mmlu", "--plot"]):
        given = link / ("r.png" if "--plot" in args else "r.csv")
        result = run(*args, str(given))
        assert (result.exit_code, result.stdout) == (2, ""), result.stderr
        assert result.stderr.startswith(
            f"trendlab: error: {args[-1]} {given}: no such directory {tmp_path / 'gone'} "
            f"({link} is a symbolic link to {tmp_path / 'gone'}) (see"
        ), result.stderr


def test_output_under_a_quoted_tilde_says_why_there_is_no_directory(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """--db "~/lab.duckdb" is under the home folder, but -o "~/out.csv" is not (a file is
    written where its name says): it was "no such directory" alone, with ~/ right there.
    A ~ of no user, or a folder the home folder lacks too, gets no such hint."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(home)
    hint = "(a quoted ~ is no home folder: leave the ~ unquoted, or write $HOME)"
    quoted = run("list", "models", "-o", "~/out.csv")
    assert quoted.exit_code == 2
    assert quoted.stderr.startswith(f"trendlab: error: -o ~/out.csv: no such directory {hint}")
    plot = run("forecast", "mmlu", "--plot", "~/f.png")
    assert plot.exit_code == 2 and hint in plot.stderr
    for output in ("~/nope/out.csv", "~no-such-user-here/out.csv"):
        result = run("list", "models", "-o", output)
        assert result.stderr == (
            f"trendlab: error: -o {output}: no such directory (see 'cli list --help')\n"
        )
    assert list(home.iterdir()) == []


def test_output_through_a_link_that_loops_is_a_usage_error(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """An -o or --plot through a symbolic link that loops was "internal error
    (RuntimeError: Symlink loop from ...)", exit 70: Path.resolve's error for it."""
    monkeypatch.chdir(tmp_path)
    Path("loop").symlink_to("loop")
    Path("loop.svg").symlink_to("loop.svg")
    for args, given in (
        (["log", "-o", "loop"], "-o loop"),
        (["log", "-o", "loop/x.csv"], "-o loop/x.csv"),
        (["forecast", "mmlu", "--plot", "loop.svg"], "--plot loop.svg"),
    ):
        result = run(*args)
        assert (result.exit_code, result.stdout) == (2, ""), (args, result.output)
        assert result.stderr == (
            f"trendlab: error: {given}: Too many levels of symbolic links "
            f"(see 'cli {args[0]} --help')\n"
        )


def test_a_benchmark_or_organization_in_full_width_letters_names_its_slug(run: Run):
    """ｇｐｔ-４ named gpt-4, but ＭＡＴＨ was "no current benchmark": a benchmark's or an
    organization's slug is matched in NFKC form, as a model's is, wherever it is named."""
    math = run("show", "benchmark", "math", "--json").stdout
    assert run("show", "benchmark", "ＭＡＴＨ", "--json").stdout == math
    openai = run("show", "organization", "openai", "--json").stdout
    assert run("show", "organization", "ＯｐｅｎＡＩ", "--json").stdout == openai
    listed = run("list", "results", "--benchmark", "math", "--json").stdout
    assert run("list", "results", "--benchmark", "ＭＡＴＨ", "--json").stdout == listed
    shown = run("show", "result", "minerva-540b/ＭＡＴＨ", "--json")
    assert json.loads(shown.stdout)["benchmark"] == "math", shown.stderr
    forecast = run("forecast", "ＭＭＬＵ", "--until", "2026", "--json")
    assert json.loads(forecast.stdout)["benchmark"] == "mmlu", forecast.stderr
    added = run("add-result", "gpt-4", "ＭＡＴＨ", "50", "--date", "2024-01-01", "-m", "t")
    assert added.exit_code == 0, added.stderr
    assert (
        json.loads(run("show", "result", added.stdout.strip(), "--json").stdout)["benchmark"]
        == "math"
    )


def test_an_organization_is_named_by_its_name_as_a_model_names_it(run: Run):
    """A lab named in Chinese gets a slug no one types (n- and a hash): `show
    organization 北京实验室` was "no current organization", with no suggestion, though a
    model names it so. Its name, as a model's organization finds it, names it; a name
    near it is suggested."""
    added = run("add-model", "zh-model", "--name", "ZH", "--organization", "北京实验室", "-m", "t")
    assert added.exit_code == 0, added.stderr
    shown = run("show", "organization", "北京实验室", "--json")
    assert shown.exit_code == 0, shown.stderr
    slug = json.loads(shown.stdout)["slug"]
    assert slug != "北京实验室"
    assert shown.stdout == run("show", "organization", slug, "--json").stdout
    by_name = run("show", "organization", "Google DeepMind", "--json").stdout
    assert by_name == run("show", "organization", "google-deepmind", "--json").stdout
    history = run("history", "organization", "北京实验室", "--json")
    assert history.exit_code == 0, history.stderr
    near = run("show", "organization", "北京实验")
    assert (near.exit_code, near.stdout) == (1, "")
    assert near.stderr == (
        "trendlab: error: no current organization '北京实验' (did you mean '北京实验室'?)\n"
    )


def test_a_retracted_organization_is_named_by_the_name_it_had(run: Run):
    """Retracted, a lab named in Chinese was found by its name by no command: `history
    organization 北京实验室` said there was none in the history, and `show` said none is
    current, not that it was retracted."""
    added = run("add-model", "zh-model", "--organization", "北京实验室", "-m", "t")
    assert added.exit_code == 0, added.stderr
    assert run("retract", "model", "zh-model", "-m", "t").exit_code == 0
    gone = run("retract", "organization", "北京实验室", "-m", "t")
    assert gone.exit_code == 0, gone.stderr
    history = run("history", "organization", "北京实验室", "--json")
    assert history.exit_code == 0, history.stderr
    assert [r["op"] for r in json.loads(history.stdout)][-1] == "retract"
    shown = run("show", "organization", "北京实验室")
    assert shown.exit_code == 1
    assert "organization 北京实验室 was retracted in changeset" in shown.stderr
    assert "history organization '北京实验室'` shows it" in shown.stderr


def test_history_names_the_current_organization_of_a_name_before_a_retracted_one(run: Run):
    """A retracted organization's last name, since taken by another (renamed to it),
    named the retracted one in `history` while `show`, `edit` and `retract` named the
    current one: history now reads a name as show does."""
    # Its slug after the other's: names were read in slug order, the last one winning.
    assert run("add-model", "m1", "--organization", "Lab Z", "-m", "t").exit_code == 0
    assert run("edit", "organization", "lab-z", "--set", "name=Lab B", "-m", "t").exit_code == 0
    assert run("retract", "model", "m1", "-m", "t").exit_code == 0
    assert run("retract", "organization", "Lab B", "-m", "t").exit_code == 0
    assert run("add-model", "m2", "--organization", "Lab C", "-m", "t").exit_code == 0
    assert run("edit", "organization", "lab-c", "--set", "name=Lab B", "-m", "t").exit_code == 0
    assert json.loads(run("show", "organization", "Lab B", "--json").stdout)["slug"] == "lab-c"
    history = run("history", "organization", "Lab B", "--json")
    assert history.exit_code == 0, history.stderr
    assert [(r["slug"], r["op"]) for r in json.loads(history.stdout)] == [
        ("lab-c", "insert"),
        ("lab-c", "update"),
    ]
    # The retracted one is still found by its slug.
    old = json.loads(run("history", "organization", "lab-z", "--json").stdout)
    assert [r["op"] for r in old] == ["insert", "update", "retract"]


def test_an_organizations_slug_comes_before_another_organizations_name(run: Run):
    """Named by its name too, an organization whose name is another's slug must not take
    that slug: `edit` or `retract organization ACME-LABS` would change the wrong lab."""
    for model, lab in (("m-acme", "Acme Labs"), ("m-beta", "Beta")):
        added = run("add-model", model, "--organization", lab, "-m", "t")
        assert added.exit_code == 0, added.stderr
    renamed = run("edit", "organization", "beta", "--set", "name=acme-labs", "-m", "t")
    assert renamed.exit_code == 0, renamed.stderr
    # In capitals: the slug as typed is found only once names are read as stored.
    shown = run("show", "organization", "ACME-LABS", "--json")
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["name"] == "Acme Labs"


def test_an_error_quotes_a_huge_name_typed_by_its_start_and_length(run: Run):
    """A name of 20,000 characters (a paste gone wrong) was quoted whole: an error line
    of 20,000 characters. It is quoted by its first 60 and how long it is."""
    huge = "g" * 20_000
    start = f"'{'g' * 60}'... (20000 characters)"
    listed = run("list", "results", "--model", huge)
    assert listed.exit_code == 1
    assert listed.stderr == f"trendlab: error: no current model {start}\n"
    for args in (
        ("show", "result", huge),
        ("history", "model", huge),
        ("forecast", huge),
        ("list", "models", "--as-of", huge),
        ("query", huge),
        ("add-result", huge, "mmlu", "3", "-m", "t"),
    ):
        result = run(*args)
        assert result.exit_code != 0, args
        assert start in result.stderr and len(result.stderr) < 400, (args, result.stderr[:300])


def test_list_help_says_which_kinds_model_filters(run: Run):
    """`--model` said "its results or prices", but filters models and aliases too."""
    shown = " ".join(run("list", "--help").stdout.split())
    assert "--model SLUG Only this model: its record (models), aliases, results or prices." in (
        shown
    )
    for kind, field in (("models", "slug"), ("aliases", "model")):
        rows = json.loads(run("list", kind, "--model", "gpt-4", "--json").stdout)
        assert rows and {r[field] for r in rows} == {"gpt-4"}, kind


def test_a_suggested_command_names_the_default_file_where_trendlab_db_names_another(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A bare `trendlab ...` opens TRENDLAB_DB's store where it is set: a command an error
    suggests about ./trendlab.duckdb, given as --db, was bare, so run as printed it read
    TRENDLAB_DB's store; about TRENDLAB_DB's own store it stays bare."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    shutil.copy(db, work / "trendlab.duckdb")
    monkeypatch.setenv("TRENDLAB_DB", str(db))
    short = CliRunner().invoke(cli, ["--db", "trendlab.duckdb", "show", "result", "r_1"])
    assert short.stderr.split("`")[1] == "trendlab --db trendlab.duckdb list results"
    own = CliRunner().invoke(cli, ["show", "result", "r_1"])
    assert own.stderr.split("`")[1] == "trendlab list results"


def test_query_as_of_reads_the_tables_that_are_no_records_as_they_are(run: Run):
    """--as-of turns back the records alone: units, schema_migrations and the forecast
    cache, which keep no history, read as they are now, as the README says."""
    sql = (
        "SELECT (SELECT count(*) FROM changesets) AS changesets, "
        "(SELECT count(*) FROM units) AS units, "
        "(SELECT max(version) FROM schema_migrations) AS schema, "
        "(SELECT count(*) > 0 FROM forecast_cache) AS cached"
    )
    now = json.loads(run("query", sql, "--json").stdout)[0]
    then = json.loads(run("query", sql, "--json", "--as-of", "1999").stdout)[0]
    assert now["changesets"] == 1 and then["changesets"] == 0
    assert now["units"] == then["units"] == 4
    assert now["schema"] == then["schema"] == latest_version()
    assert now["cached"] is then["cached"] is True
