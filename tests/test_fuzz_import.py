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
    FUZZ,
    KEYS,
    Plan,
    assert_clean_failure,
    assert_no_crash,
    content,
    database_copy,
    invoke,
    plans,
    write,
)

KINDS = ("models", "benchmarks", "results", "prices")


def _current(db: Path, plan: Plan, row: int) -> int:
    """How many current records have this row's key."""
    view = plan.kind
    where = " AND ".join(f"{k} IS NOT DISTINCT FROM ?" for k in KEYS[plan.kind])
    values = [plan.value(row, k) for k in KEYS[plan.kind]]
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = con.execute(f"SELECT count(*) FROM {view} WHERE {where}", values).fetchone()
    finally:
        con.close()
    assert found is not None
    return int(found[0])


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
        changed = [t for t in after if after[t] != before[t]]
        if changed:
            # One changeset holding every revision written, and nothing else touched.
            assert after["changesets"][0] == before["changesets"][0] + 1, changed
            assert set(changed) <= {"changesets", "organization_revisions", kind_table(plan)}
        for i in range(len(plan.rows)):
            assert _current(db, plan, i) == 1, (i, plan.records()[i])
        audit = invoke(db, "check")
        assert audit.exit_code == 0, audit.output


@pytest.mark.parametrize("kind", KINDS)
def test_import_hostile_files(plain_template: Path, kind: str):
    @FUZZ
    @given(plan=plans(kind))
    def run(plan: Plan) -> None:
        check_import(plain_template, plan)

    run()
