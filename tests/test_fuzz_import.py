"""Property-based tests of `trendlab import`: hostile files never crash it, a bad file
is refused with a clear error naming the file (and the line) and changes nothing, and
a good one is imported whole.

The files are generated (tests/fuzzing.py) with a verdict for every value, so each
example knows which outcome is right: bad dates, NaN and infinities, text in numeric
fields, huge numbers, bad URLs, slugs and choices, unknown models and benchmarks,
missing or extra columns, a BOM, a non-UTF-8 byte, keys repeated inside one file, in
CSV, JSON, JSONL and Parquet, for models, benchmarks, results and prices.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from hypothesis import given

from tests.fuzzing import (
    FILE,
    FUZZ,
    KEYS,
    Plan,
    assert_clean_failure,
    assert_no_crash,
    content,
    current_count,
    database_copy,
    invoke,
    plans,
    write,
)

KINDS = ("models", "benchmarks", "results", "prices")


def _current(db: Path, plan: Plan, row: int) -> int:
    """How many current records have this row's key."""
    return current_count(db, plan.kind, [plan.value(row, k) for k in KEYS[plan.kind]])


def kind_table(plan: Plan) -> str:
    return {
        "models": "model_revisions",
        "benchmarks": "benchmark_revisions",
        "results": "result_revisions",
        "prices": "price_revisions",
    }[plan.kind]


def check_import(template: Path, plan: Plan) -> None:
    with database_copy(template) as db:
        path, places = write(plan, db.parent)
        before = content(db)
        result = invoke(db, "import", str(path), "--kind", plan.kind, "-m", "fuzz")
        assert_no_crash(result)
        if not plan.valid:
            assert_clean_failure(result, str(path))
            if plan.bad_byte_row is not None:
                assert f"{path}:{places[plan.bad_byte_row]}: not valid UTF-8" in result.stderr
            elif not plan.file_error:
                # The first bad row trendlab reports is one the plan knows is bad.
                suspects = sorted({*plan.bad_cells, *plan.repeats})
                assert any(f"{path}:{places[i]}: " in result.stderr for i in suspects), (
                    [places[i] for i in suspects],
                    result.stderr,
                )
            assert content(db) == before, "a refused import changed the database"
            return
        assert result.exit_code == 0, result.stderr
        after = content(db)
        changed = [t for t in after if after[t] != before[t] and t != FILE]
        if changed:
            # One changeset holding every revision written, and nothing else touched.
            assert after["changesets"][0] == before["changesets"][0] + 1, changed
            assert set(changed) <= {"changesets", "organization_revisions", kind_table(plan)}
        for i in range(len(plan.rows)):
            assert _current(db, plan, i) == 1, (i, plan.records()[i])
        audit = invoke(db, "check")
        assert audit.exit_code == 0, audit.output


@pytest.mark.parametrize("kind", KINDS)
def test_import_hostile_files(seeded_template: Path, kind: str):
    @FUZZ
    @given(plan=plans(kind))
    def run(plan: Plan) -> None:
        check_import(seeded_template, plan)

    run()


# -- the hostile files that once crashed import or misreported, one by one -----------------

_R = "model,benchmark,score"


def _parquet(columns: dict[str, object]) -> bytes:
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(pa.table(columns), buffer)
    return buffer.getvalue()


HOSTILE = {
    "empty.csv": (b"", "the file is empty"),
    "blank.csv": (b"  \n\n \t\n", "the file is empty"),
    "bom-only.csv": (b"\xef\xbb\xbf", "the file is empty"),
    "bom-only.json": (b"\xef\xbb\xbf\n", "the file is empty"),
    # Saved with a byte-order mark, then again, as a JSON import takes one: not json's
    # "Expecting value".
    "bom-twice-only.json": (b"\xef\xbb\xbf\xef\xbb\xbf\n", "the file is empty"),
    "blank-first-line.csv": (f"\n{_R}\ngpt-4,mmlu,50\n".encode(), ":1: the first line is empty"),
    "cr-bad.csv": (f"{_R}\rgpt-4,mmlu,50\rgpt-4,mmlu,x\r".encode(), ":3: score: 'x'"),
    "unterminated.csv": (f'{_R}\ngpt-4,mmlu,"50\n'.encode(), ":2: malformed CSV"),
    "after-quote.csv": (f'{_R}\n"gpt-4"x,mmlu,50\n'.encode(), ":2: malformed CSV"),
    "ragged.csv": (f"{_R}\ngpt-4,mmlu,50,1\n".encode(), ":2: 4 fields, but the header has 3"),
    "newline-in-value.csv": (f'{_R}\ngpt-4,mmlu,"5\n0"\n'.encode(), r":2: score: '5\n0'"),
    "nul.csv": (f"{_R}\ngpt-4,mmlu,5\x000\n".encode(), r":2: score: '5\x000'"),
    "latin1.csv": (
        f"{_R}\ngpt-4,mmlu,50\ngpt-4,caf\xe9,1\n".encode("latin-1"),
        ":3: not valid UTF-8",
    ),
    "utf16.csv": (f"{_R}\ngpt-4,mmlu,50\n".encode("utf-16"), ":1: not valid UTF-8"),
    "empty-objects.json": (b"[\n  {},\n  {}\n]", ":2: a record with no fields"),
    "row-column.csv": (b"model,benchmark,score,__row\ngpt-4,mmlu,50,1\n", "unknown column '__row'"),
    "row-field.jsonl": (
        b'{"model": "gpt-4", "benchmark": "mmlu", "score": 50, "__row": 3}\n',
        ":1: unknown field '__row'",
    ),
    "no-columns.parquet": (_parquet({}), "a Parquet file with no columns"),
    "object.json": (b'{\n  "model": "gpt-4"\n}', "expected a JSON array of records"),
    "scalars.json": (b"[1, 2]", ":1: expected an object"),
    "truncated.json": (b'[{"model": "gpt-4", "benchmark": "mm', ":1: invalid JSON"),
    "repeated-field.json": (
        b'[{"model": "gpt-4", "benchmark": "mmlu", "score": 50},\n'
        b' {"model": "gpt-4", "benchmark": "mmlu", "score": 50, "score": 60}]',
        ":2: field 'score' appears twice",
    ),
    "padded-field.json": (
        b'[{"model": "gpt-4", "benchmark": "mmlu", " score": 60, "score": 50}]',
        ":1: field 'score' appears twice",
    ),
    "padded-only.json": (
        b'[{"model": "gpt-4", "benchmark": "mmlu", " score ": 150}]',
        "score: 150.0 is outside the range of unit percent",
    ),
    "huge-int.jsonl": (
        b'{"model": "gpt-4", "benchmark": "mmlu", "score": ' + b"9" * 5000 + b"}\n",
        ":1: score: '9999",
    ),
    "huge-float.json": (
        b'[{"model": "gpt-4", "benchmark": "mmlu", "score": 1e999}]',
        "score: '1e999' is not a finite number",
    ),
    "nan.jsonl": (
        b'{"model": "gpt-4", "benchmark": "mmlu", "score": NaN}\n',
        ":1: score: 'NaN' is not a finite number",
    ),
    "nested.json": (
        b'[{"model": "gpt-4", "benchmark": "mmlu", "score": {"value": 50}}]',
        "field score: expected a single value",
    ),
    "deep.json": (b"[" * 100_000 + b"]" * 100_000, "invalid JSON: nested too deeply"),
    "surrogate.json": (
        b'[{"model": "gpt-4", "benchmark": "mmlu", "score": 50, "notes": "\\ud800"}]',
        ":1: field notes: '\\ud800' is not valid Unicode text",
    ),
    "surrogate-key.jsonl": (
        b'{"model": "gpt-4", "benchmark": "mmlu", "\\udc80": 1}\n',
        "field name '\\udc80' is not valid Unicode text",
    ),
    "garbage.parquet": (b"PAR1 this is not parquet PAR1", "not a readable Parquet file"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_one_clear_error(seeded_template: Path, name: str):
    data, expected = HOSTILE[name]
    with database_copy(seeded_template) as db:
        path = db.parent / name
        path.write_bytes(data)
        before = content(db)
        result = invoke(db, "import", str(path), "--kind", "results", "-m", "hostile")
        assert_clean_failure(result, str(path), expected)
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert content(db) == before


def test_a_parquet_file_polars_panics_on_is_refused_as_damaged(seeded_template: Path):
    """A damaged Parquet file that Polars' reader panics on (a page's values outrun its
    validity) was "internal error (PanicException: ...)", exit 70; then one line, after
    Polars' own panic text (with RUST_BACKTRACE=1, a backtrace), which its Rust code
    writes to the process's stderr, where CliRunner does not look: run as a process."""
    import io
    import os
    import subprocess
    import sys

    import polars as pl

    frame = pl.DataFrame({"model": ["gpt-4", None, "llama", "gpt-4"] * 4})
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="uncompressed", statistics=False)
    data = bytearray(buffer.getvalue())
    data[40] = 0  # a byte of the column's first page, found to make Polars panic
    with database_copy(seeded_template) as db:
        path = db.parent / "hole.parquet"
        path.write_bytes(bytes(data))
        before = content(db)
        command = ["import", str(path), "--kind", "results", "-m", "hostile"]
        result = subprocess.run(
            [sys.executable, "-m", "trendlab", "--db", str(db), *command],
            capture_output=True,
            text=True,
            env=os.environ | {"RUST_BACKTRACE": "1"},
        )
        assert (result.returncode, result.stdout) == (1, "")
        assert result.stderr == (
            f"trendlab: error: {path}: not a readable Parquet file (damaged?); "
            "nothing was written\n"
        )
        assert content(db) == before


def test_hostile_parquet_columns(seeded_template: Path):
    import datetime
    import decimal

    import pyarrow as pa

    base = {"model": ["gpt-4"], "benchmark": ["mmlu"]}
    cases = {
        "binary.parquet": (
            {**base, "score": ["50"], "notes": pa.array([b"\xff\xfe"], type=pa.binary())},
            "column 'notes' holds Binary values that cannot be read as text",
        ),
        "duration.parquet": (
            {**base, "score": [50.0], "reported_date": pa.array([1], type=pa.duration("s"))},
            "column 'reported_date' holds Duration",
        ),
        "timestamp.parquet": (
            {**base, "score": [50.0], "reported_date": [datetime.datetime(2024, 1, 1, 12)]},
            "row 1: reported_date: '2024-01-01 12:00:00",
        ),
        "nan.parquet": ({**base, "score": [float("nan")]}, "row 1: score: 'NaN'"),
        "huge.parquet": ({**base, "score": [2**63 - 1]}, "is outside the range of unit percent"),
        # Past the 38 digits Polars reads: the error was Polars' alone, naming no column.
        "decimal256.parquet": (
            {**base, "score": pa.array([decimal.Decimal("80.5")], type=pa.decimal256(40, 2))},
            ": not a readable Parquet file: column 'score' (Decimal(precision=40, scale=2)): "
            "precision must be between 1 and 38, got 40",
        ),
    }
    with database_copy(seeded_template) as db:
        before = content(db)
        for name, (columns, expected) in cases.items():
            path = db.parent / name
            path.write_bytes(_parquet(columns))
            result = invoke(db, "import", str(path), "--kind", "results", "-m", "hostile")
            assert_clean_failure(result, str(path), expected)
        assert content(db) == before


def test_files_with_no_rows_change_nothing(seeded_template: Path):
    """A header with no rows (CSV, or Parquet with no rows) imports nothing, quietly."""
    import pyarrow as pa

    with database_copy(seeded_template) as db:
        before = content(db)
        header_only = db.parent / "results.csv"
        header_only.write_text(_R + "\n")
        no_rows = db.parent / "results.parquet"
        no_rows.write_bytes(
            _parquet({c: pa.array([], type=pa.string()) for c in ("model", "benchmark", "score")})
        )
        for path in (header_only, no_rows):
            result = invoke(db, "import", str(path), "-m", "nothing")
            assert result.exit_code == 0, result.stderr
            assert "results: nothing; nothing to write" in result.stderr
        assert content(db) == before


def test_a_one_column_file_with_cr_line_ends_imports_every_row(seeded_template: Path):
    """Polars reads a lone-CR file as one line: a one-column file imported nothing,
    successfully (found by test_import_hostile_files after the scale merge)."""
    with database_copy(seeded_template) as db:
        path = db.parent / "models.csv"
        path.write_bytes(b"slug\rfz-cr-one\rfz-cr-two\r")
        result = invoke(db, "import", str(path), "-m", "cr")
        assert result.exit_code == 0, result.stderr
        assert "models: 2 added" in result.stderr


def test_cr_and_bom_files_import(seeded_template: Path):
    """Old Mac line ends, a BOM and stray quotes inside fields are read, not refused."""
    with database_copy(seeded_template) as db:
        path = db.parent / "results.csv"
        text = f'{_R},setting\rgpt-4,mmlu,50,fz "quoted" cr\rgpt-4,mmlu,51,fz 5"0\r'
        path.write_bytes(b"\xef\xbb\xbf" + text.encode())
        result = invoke(db, "import", str(path), "-m", "cr")
        assert result.exit_code == 0, result.stderr
        assert "results: 2 added" in result.stderr
        con = duckdb.connect(str(db), read_only=True)
        try:
            rows = con.execute(
                "SELECT setting, score FROM results WHERE setting LIKE 'fz%' ORDER BY score"
            ).fetchall()
        finally:
            con.close()
        assert rows == [('fz "quoted" cr', 50.0), ('fz 5"0', 51.0)]


_HUGE = "9" * 5000
SOURCE_FILES = {
    ("llm-prices", "surrogate.json"): (
        '{"vendor": "openai", "models": [{"id": "gpt-4\\ud800", "name": "x", "price_history": '
        '[{"input": 1, "output": 2, "from_date": "2024-01-01", "to_date": null}]}]}',
        "is not valid Unicode text",
    ),
    ("llm-prices", "huge.json"): (
        '{"vendor": "openai", "models": [{"id": "gpt-4", "name": "x", "price_history": '
        f'[{{"input": {_HUGE}, "output": 2, "from_date": "2024-01-01", "to_date": null}}]}}]}}',
        "is not a finite number",
    ),
    ("llm-prices", "deep.json"): ("[" * 100_000 + "]" * 100_000, "invalid JSON"),
    ("metr", "huge.yaml"): (
        f"results:\n  gpt-4:\n    metrics:\n      p50_horizon_length:\n        estimate: {_HUGE}\n",
        "is not a finite number",
    ),
    ("metr", "huge-int.yaml"): (
        f"results:\n  gpt-4:\n    metrics:\n      p50_horizon_length:\n        estimate: !!int {_HUGE}\n",
        "invalid YAML",
    ),
    ("metr", "surrogate.yaml"): (
        'results:\n  "\\ud800":\n    metrics:\n      p50_horizon_length:\n        estimate: 5\n',
        "is not valid Unicode text",
    ),
    ("metr", "evil.yaml"): ('!!python/object/apply:os.system ["echo pwned"]\n', "invalid YAML"),
    ("epoch", "bom-only.csv"): ("\ufeff", "the file is empty"),
}


@pytest.mark.parametrize("source, name", sorted(SOURCE_FILES))
def test_hostile_public_source_files(seeded_template: Path, source: str, name: str):
    text, expected = SOURCE_FILES[(source, name)]
    with database_copy(seeded_template) as db:
        path = db.parent / name
        path.write_text(text, encoding="utf-8")
        before = content(db)
        result = invoke(db, "import", "--from", source, str(path), "-m", "hostile")
        assert_clean_failure(result, str(path), expected)
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert content(db) == before


@pytest.mark.parametrize(
    "name", ["empty.csv", "bom-only.csv", "cr-bad.csv", "latin1.csv", "nul.csv", "unterminated.csv"]
)
def test_hostile_stdin_is_one_clear_error(seeded_template: Path, name: str):
    data, expected = HOSTILE[name]
    with database_copy(seeded_template) as db:
        before = content(db)
        result = invoke(db, "import", "-", "--kind", "results", "-m", "stdin", input=data)
        assert_clean_failure(result, "stdin", expected)
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert content(db) == before
