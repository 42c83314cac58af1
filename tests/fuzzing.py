"""Hostile input for the property-based tests: cell values, whole files, and an oracle.

Every generated value comes with its verdict (is it valid for its field?), so a test
knows whether trendlab must accept a file or refuse it, and which row it must name.
The database side is checked through what any user can see: the CLI's exit code and
stderr, and the content of every table, read back with plain SQL on the file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from trendlab.cli import cli

# Deterministic and modest: the same examples on every run (CI included), no deadline
# (a CLI call on a real database file takes tens of milliseconds, more on a busy box).
FUZZ = settings(
    max_examples=int(os.environ.get("TRENDLAB_FUZZ_EXAMPLES", "25")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- the database: a seeded template, copied per example, and its content --------------


@contextmanager
def database_copy(template: Path) -> Iterator[Path]:
    """A fresh copy of `template` in a directory of its own, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    try:
        target = folder / "trendlab.duckdb"
        shutil.copy(template, target)
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)


FILE = "(the file's bytes)"


def content(path: Path) -> dict[str, tuple[int, int]]:
    """Every table's row count and the sum of its rows' hashes (changesets, every
    revisions table, migrations, caches): equal means the same rows, in any order.

    Under FILE, the database file's own bytes (with its WAL, if any): a refused
    write leaves even those as they were."""
    data = path.read_bytes() + (
        Path(f"{path}.wal").read_bytes() if Path(f"{path}.wal").exists() else b""
    )
    file_digest = (len(data), int.from_bytes(hashlib.sha256(data).digest()[:8], "big"))
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1"
            ).fetchall()
        ]
        sql = " UNION ALL ".join(
            f"SELECT '{t}', count(*), coalesce(sum(hash(t)), 0) FROM \"{t}\" t" for t in tables
        )
        tables = {name: (int(n), int(h)) for name, n, h in con.execute(sql).fetchall()}
        return {**tables, FILE: file_digest}
    finally:
        con.close()


def count(path: Path, view: str) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        row = con.execute(f"SELECT count(*) FROM {view}").fetchone()
        assert row is not None
        return int(row[0])
    finally:
        con.close()


def current_count(db: Path, kind: str, key: list[str | None]) -> int:
    """How many current records of `kind` have this key (its KEYS fields' values)."""
    where = " AND ".join(f"{k} IS NOT DISTINCT FROM ?" for k in KEYS[kind])
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = con.execute(f"SELECT count(*) FROM {kind} WHERE {where}", key).fetchone()
    finally:
        con.close()
    assert found is not None
    return int(found[0])


def invoke(db: Path, *args: str, input: bytes | str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args], input=input)


def assert_clean_failure(result: Result, *names: str) -> None:
    """Exit 1, no traceback, nothing on stdout, and an error naming each of `names`
    on its first line (the per-row details that may follow are indented)."""
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not crashed, f"uncaught {result.exception!r}\n{result.stderr}"
    assert result.exit_code == 1, (result.exit_code, result.stderr)
    assert "internal error" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines and lines[0].startswith("trendlab: error: "), result.stderr
    assert all(line.startswith("  ") for line in lines[1:]), result.stderr
    for name in names:
        assert name in result.stderr, (name, result.stderr)


def assert_usage_error(result: Result, *names: str) -> None:
    """Exit 2 (a usage error), no traceback, nothing on stdout, and one error line
    naming each of `names`."""
    assert_no_crash(result)
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("trendlab: error: "), result.stderr
    for name in names:
        assert name in line, (name, line)


def assert_no_crash(result: Result) -> None:
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not crashed, f"uncaught {result.exception!r}\n{result.stderr}"
    assert "internal error" not in result.stderr


def assert_refused_unchanged(result: Result, db: Path, before: dict[str, tuple[int, int]]) -> None:
    """A refused command: one clean error line, exit 1 or Click's usage error (exit 2),
    and the database as it was."""
    if result.exit_code == 2:
        assert result.stderr.startswith("trendlab: error: ")
    else:
        assert_clean_failure(result)
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert content(db) == before


# -- cells: a value and whether its field accepts it ------------------------------------

# Text as users paste it: quotes, separators, newlines, tabs and other control bytes,
# accents, CJK, emoji. Left out: \r and the other characters Python's splitlines()
# breaks on, so that a test can count lines itself (and \x1f, which Python strips as
# whitespace and Polars does not); and NUL, which every text field refuses (a team
# store's PostgreSQL cannot hold one): BAD_TEXTS.
_NOT_LINE_BREAKS = "".join(
    chr(c) for c in (0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x1F, 0x85, 0x2028, 0x2029)
)
# Values that have broken CSV writers, SQL and spreadsheets.
_AWKWARD = [
    'he said "hi", then left',
    "x'; DROP TABLE result_revisions; --",
    "line one\nline two",
    "tab\there",
    "naïve café 日本語 🚀",
    "=cmd|' /C calc'!A0",
    "\\N",
    "NULL",
    "nan",
    " padded ",
]
TEXT = st.text(
    alphabet=st.characters(exclude_characters="\r\x00" + _NOT_LINE_BREAKS, codec="utf-8"),
    max_size=30,
) | st.sampled_from(_AWKWARD)
BAD_TEXTS = ["nul\x00byte", "\x00", "line one\nline\x00two"]
# Text for a name or a label (see Field.one_line): all of the above but line breaks
# and other control characters, which such a field refuses.
LINE = st.text(
    alphabet=st.characters(exclude_categories=("Cc", "Zl", "Zp", "Cs"), codec="utf-8"),
    max_size=30,
) | st.sampled_from([t for t in _AWKWARD if t.isprintable()])
BAD_LINES = ["line one\nline two", "tab\there", "nul\x00byte", "next\x85line", "a\u2028b"]
# Text in a record's key (see Field.key_text): a name's, but without the format
# characters that hide (all but the joiners, U+200C and U+200D), which such a field
# refuses too.
KEY_LINE = LINE.map(
    lambda t: "".join(c for c in t if unicodedata.category(c) != "Cf" or c in "\u200c\u200d")
)
BAD_KEY_LINES = [*BAD_LINES, "5-shot\u200b", "right\u202eleft"]
# An organization's or provider's name holds a letter or digit: '-' or '?' is no name.
NAMED_KEY_LINE = KEY_LINE.filter(lambda t: any(c.isalnum() for c in t))

BAD_FLOATS = [
    "nan",
    "NaN",
    "inf",
    "-Infinity",
    "1e400",
    "-1e999",
    "eighty",
    "1,5",
    "0x10",
    "1_000",
    "--1",
    "1e",
    "٣",  # an Arabic-Indic digit
    "9" * 400,
    "9" * 5000,  # more digits than Python will turn into an int by default
    "1e999999",
]
BAD_DATES = [
    "2024-02-30",
    "2024-13-01",
    "2023-02-29",
    "24-01-01",
    "2024/01/01",
    "2024-1-1",
    "01-02-2024",
    "2024-01-01T00:00:00",
    "0001-01-01",
    "2999-01-01",
    "yesterday",
    "20240101",
]
BAD_PAST_DATES = [*BAD_DATES, "2099-01-01"]  # release and report dates: not after today
BAD_URLS = ["ftp://example.org/x", "javascript:alert(1)", "example.org", "http://", "https:// x"]
BAD_BOOLS = ["maybe", "2", "tru", "oui"]
BAD_SLUGS = ["Has Space", "UPPER", "-lead", "trail-", "a/b", "ü", "x" * 101]


@dataclass(frozen=True)
class Cell:
    """One value for one field: its text (None: absent/unknown) and its verdict."""

    text: str | None
    ok: bool = True


def _dates(past: bool = False) -> st.SearchStrategy[str]:
    """Dates within 1900-2100; with `past`, none after today (a release or a report)."""
    latest = date.today() if past else date(2100, 12, 31)
    return st.dates(min_value=date(1900, 1, 1), max_value=latest).map(lambda d: d.isoformat())


def good_float(lo: float, hi: float) -> st.SearchStrategy[str]:
    return st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False).map(
        lambda x: repr(x)
    ) | st.integers(min_value=int(lo) + 1, max_value=int(hi) - 1).map(str)


def good_count(lo: int, hi: int) -> st.SearchStrategy[str]:
    """A whole number, in whole digits or as a float (7.5e9 is whole)."""
    return st.integers(min_value=lo, max_value=hi).flatmap(
        lambda n: st.sampled_from([str(n), repr(float(n)), f"{n:e}"])
    )


def cell(
    good: st.SearchStrategy[str | None], bad: list[str], hostile: bool = True
) -> st.SearchStrategy[Cell]:
    """Mostly good values, sometimes (if hostile) one of the known bad ones."""
    if not hostile:
        return good.map(lambda v: Cell(v))
    return st.one_of(
        good.map(lambda v: Cell(v)),
        good.map(lambda v: Cell(v)),
        good.map(lambda v: Cell(v)),
        st.sampled_from(bad).map(lambda v: Cell(v, ok=False)),
    )


def optional(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    return st.none() | strategy


URLS = st.integers(min_value=0, max_value=10**6).map(lambda n: f"https://example.org/paper/{n}")


# -- rows of each kind ------------------------------------------------------------------


@dataclass
class Row:
    cells: dict[str, Cell]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.cells.values())


def bounds_reversed(floor: str | None, ceiling: str | None, higher: str | None) -> bool:
    """Whether a percent benchmark's floor (chance level) and ceiling (best achievable)
    are the wrong way round; an empty one is the unit's worst or best end."""
    if higher == "false":
        return float(floor or 100) <= float(ceiling or 0)
    return float(floor or 0) >= float(ceiling or 100)


def either(good: st.SearchStrategy[Cell], bad: list[str], h: bool) -> st.SearchStrategy[Cell]:
    """`good`, or (if hostile) one of the bad values."""
    return good | st.sampled_from(bad).map(lambda v: Cell(v, ok=False)) if h else good


def model_row(i: int, h: bool = True) -> st.SearchStrategy[Row]:
    return st.fixed_dictionaries(
        {
            "slug": either(st.just(Cell(f"fz-model-{i}")), BAD_SLUGS, h),
            "name": cell(optional(LINE), BAD_LINES, h),
            "organization": cell(optional(NAMED_KEY_LINE), [*BAD_KEY_LINES, "-", "?"], h),
            "release_date": cell(optional(_dates(past=True)), BAD_PAST_DATES, h),
            "parameters": cell(optional(good_count(1, 10**15)), [*BAD_FLOATS, "0", "-5", "7.5"], h),
            "open_weights": cell(
                optional(st.sampled_from(["true", "false", "yes", "no", "1", "0", "TRUE"])),
                BAD_BOOLS,
                h,
            ),
            "notes": cell(optional(TEXT), BAD_TEXTS, h),
            "source_url": cell(optional(URLS), BAD_URLS, h),
        }
    ).map(Row)


def benchmark_row(i: int, h: bool = True) -> st.SearchStrategy[Row]:
    # Floor and ceiling are percent; bad ones break the unit's range or the order.
    good = st.tuples(st.integers(0, 49), st.integers(50, 100), st.booleans()).map(
        # Either way round: which is right depends on higher_is_better.
        lambda fc: (Cell(str(fc[0])), Cell(str(fc[1])))[:: -1 if fc[2] else 1]
    )
    bounds = (
        st.one_of(
            good,
            st.just((Cell("60"), Cell("40"))),  # out of order: a rule on the row
            st.just((Cell("-5", ok=False), Cell("90"))),
            st.just((Cell("10"), Cell("101", ok=False))),
            st.sampled_from(BAD_FLOATS).map(lambda v: (Cell(v, ok=False), Cell("90"))),
        )
        if h
        else good
    )
    return st.tuples(
        st.fixed_dictionaries(
            {
                "slug": st.just(Cell(f"fz-bench-{i}")),
                "name": cell(optional(LINE), BAD_LINES, h),
                "unit": either(st.just(Cell("percent")), ["furlongs", "percents", "%"], h),
                "higher_is_better": optional(st.sampled_from(["true", "false"])).map(Cell),
                "url": cell(optional(URLS), BAD_URLS, h),
                "description": cell(optional(TEXT), BAD_TEXTS, h),
            }
        ),
        bounds,
    ).map(lambda t: Row({**t[0], "floor": t[1][0], "ceiling": t[1][1]}))


def result_row(i: int, h: bool = True) -> st.SearchStrategy[Row]:
    return st.fixed_dictionaries(
        {
            "model": either(
                st.sampled_from(["gpt-4", "claude-3-opus", "llama-3-70b"]).map(Cell),
                ["no-such-model", "GPT 4 turbo"],
                h,
            ),
            "benchmark": either(
                st.sampled_from(["mmlu", "math", "gsm8k"]).map(Cell), ["no-such-bench"], h
            ),
            "score": cell(good_float(0, 100), [*BAD_FLOATS, "100.5", "-0.1", "1e3"], h),
            # Unique per row, so that rows collide only where a test makes them.
            "setting": cell(KEY_LINE.map(lambda t, i=i: f"fz{i} {t}"), BAD_KEY_LINES, h),
            "reported_date": cell(optional(_dates(past=True)), BAD_PAST_DATES, h),
            "source_url": cell(optional(URLS), BAD_URLS, h),
            "source_kind": cell(
                optional(st.sampled_from(["paper", "leaderboard", "Independent"])),
                ["blog", "rumour"],
                h,
            ),
            "notes": cell(optional(TEXT), BAD_TEXTS, h),
        }
    ).map(Row)


def price_row(i: int, h: bool = True) -> st.SearchStrategy[Row]:
    return st.fixed_dictionaries(
        {
            "model": either(st.sampled_from(["gpt-4", "gpt-4o"]).map(Cell), ["no-such-model"], h),
            "provider": cell(KEY_LINE.map(lambda t, i=i: f"FZ provider {i} {t}"), BAD_KEY_LINES, h),
            "effective_date": cell(_dates(), BAD_DATES, h),
            "input_usd_per_mtok": cell(
                optional(good_float(0.01, 1e4)) if h else good_float(0.01, 1e4),
                [*BAD_FLOATS, "0"],
                h,
            ),
            "output_usd_per_mtok": cell(optional(good_float(0.01, 1e4)), [*BAD_FLOATS, "-1"], h),
            "notes": cell(optional(TEXT), BAD_TEXTS, h),
        }
    ).map(Row)


ROWS = {
    "models": model_row,
    "benchmarks": benchmark_row,
    "results": result_row,
    "prices": price_row,
}
KEYS = {
    "models": ("slug",),
    "benchmarks": ("slug",),
    "results": ("model", "benchmark", "setting", "source_url"),
    "prices": ("model", "provider", "effective_date"),
}
REQUIRED = {
    "models": ("slug",),
    "benchmarks": ("slug", "unit"),
    "results": ("model", "benchmark", "score"),
    "prices": ("model", "provider", "effective_date"),
}


# -- whole files ----------------------------------------------------------------------


@dataclass
class Plan:
    """A file to import and what trendlab must make of it."""

    kind: str
    fmt: str
    rows: list[Row]
    columns: list[str]
    extra_column: bool = False
    bom: bool = False
    bad_byte_row: int | None = None  # a non-UTF-8 byte at the start of this row
    line_end: str = "\n"  # CSV: \n, \r\n or a lone \r (old Mac files)
    native_numbers: bool = False  # JSON: numbers (and NaN, Infinity) as JSON numbers

    def value(self, row: int, column: str) -> str | None:
        """A cell as trendlab reads it: trimmed, empty is unknown, absent is unknown."""
        if column not in self.columns:
            return None
        text = self.rows[row].cells[column].text
        return text.strip() or None if text is not None else None

    def _breaks_a_rule(self, i: int) -> bool:
        """Rules on a whole row, whose cells are each fine."""
        if self.kind == "prices":
            return self.value(i, "input_usd_per_mtok") is None and (
                self.value(i, "output_usd_per_mtok") is None
            )
        if self.kind == "benchmarks":
            try:
                return bounds_reversed(
                    self.value(i, "floor"),
                    self.value(i, "ceiling"),
                    self.value(i, "higher_is_better"),
                )
            except ValueError:
                return False
        return False

    @property
    def bad_cells(self) -> list[int]:
        """Rows with a bad value in a column the file has, or breaking a row rule."""
        return [
            i
            for i, row in enumerate(self.rows)
            if any(not row.cells[c].ok for c in self.columns) or self._breaks_a_rule(i)
        ]

    @property
    def repeats(self) -> list[int]:
        """Rows whose key (as trendlab reads it) an earlier row already has."""
        seen: set[tuple[str | None, ...]] = set()
        found = []
        for i in range(len(self.rows)):
            key = tuple(self.value(i, k) for k in KEYS[self.kind])
            if key in seen:
                found.append(i)
            seen.add(key)
        return found

    @property
    def file_error(self) -> bool:
        """A defect of the whole file: a required column missing, or an unknown one."""
        missing = any(c not in self.columns for c in REQUIRED[self.kind])
        return missing or self.extra_column

    @property
    def valid(self) -> bool:
        return (
            not self.file_error
            and not self.bad_cells
            and not self.repeats
            and self.bad_byte_row is None
        )

    def records(self) -> list[dict[str, str | None]]:
        out = []
        for row in self.rows:
            record = {c: row.cells[c].text for c in self.columns}
            if self.extra_column:
                record["bogus_column"] = "x"
            out.append(record)
        return out


@st.composite
def plans(draw: st.DrawFn, kind: str) -> Plan:
    """A file (CSV, JSON, JSONL or Parquet) of 1-6 rows: clean (every value good, every required column there) or
    hostile (any of the defects above)."""
    fmt = draw(st.sampled_from(["csv", "json", "jsonl", "parquet"]))
    hostile = draw(st.booleans())
    n = draw(st.integers(min_value=1, max_value=6))
    rows = [draw(ROWS[kind](i, hostile)) for i in range(n)]
    all_columns = list(rows[0].cells)
    if hostile:
        # Sometimes only some columns: optional ones left out, or a required one.
        keep = draw(
            st.just(all_columns) | st.lists(st.sampled_from(all_columns), min_size=1, unique=True)
        )
    else:
        optional_columns = [c for c in all_columns if c not in REQUIRED[kind]]
        keep = [*REQUIRED[kind], *draw(st.lists(st.sampled_from(optional_columns), unique=True))]
    columns = [c for c in all_columns if c in keep]
    if hostile and n > 1 and draw(st.booleans()):
        # A later row repeats an earlier row's key (its other fields may differ).
        later = draw(st.integers(1, n - 1))
        earlier = draw(st.integers(0, later - 1))
        for key in KEYS[kind]:
            rows[later].cells[key] = rows[earlier].cells[key]
    plan = Plan(
        kind=kind,
        fmt=fmt,
        rows=rows,
        columns=columns,
        extra_column=hostile and draw(st.integers(0, 5)) == 0,
        bom=fmt != "parquet" and draw(st.booleans()),
        line_end=draw(st.sampled_from(["\n", "\r\n", "\r"])),
        native_numbers=draw(st.booleans()),
    )
    if hostile and fmt != "parquet" and draw(st.integers(0, 5)) == 0:
        plan.bad_byte_row = draw(st.integers(0, n - 1))
    return plan


_NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_JSON_CONSTANTS = {"nan": "NaN", "NaN": "NaN", "inf": "Infinity", "-Infinity": "-Infinity"}


def _json_object(record: dict[str, str | None], native_numbers: bool) -> str:
    """One JSON object; with native_numbers, number-like text is written as a JSON
    number (however many digits) and nan/inf as the NaN/Infinity Python writes."""
    parts = []
    for key, value in record.items():
        if native_numbers and value is not None and _NUMBER.fullmatch(value):
            literal = value
        elif native_numbers and value in _JSON_CONSTANTS:
            literal = _JSON_CONSTANTS[value]
        else:
            literal = json.dumps(value, ensure_ascii=False)
        parts.append(f"{json.dumps(key)}: {literal}")
    return "{" + ", ".join(parts) + "}"


def write(plan: Plan, folder: Path) -> tuple[Path, dict[int, str]]:
    """Write the plan's file; return its path and where trendlab places each row
    (the text after `path:` in its errors)."""
    path = folder / f"{plan.kind}.{plan.fmt}"
    records = plan.records()
    places: dict[int, str] = {}
    if plan.fmt == "parquet":
        columns = list(records[0])
        table = pa.table({c: pa.array([r[c] for r in records], type=pa.string()) for c in columns})
        pq.write_table(table, path)
        return path, {i: f"row {i + 1}" for i in range(len(records))}
    if plan.fmt == "csv":
        buffer = io.StringIO()
        # csv quotes a field holding a character of its own line terminator only: with
        # a lone \r it wrote "line one\nline two" bare, a line break in any reader.
        # Written with both, each line then ends as the plan says.
        one = io.StringIO()
        writer = csv.writer(one, lineterminator="\r\n")

        def line(values: list[str]) -> str:
            one.seek(0)
            one.truncate()
            writer.writerow(values)
            return one.getvalue().removesuffix("\r\n") + plan.line_end

        buffer.write(line(list(records[0])))
        starts = []
        for record in records:
            starts.append(buffer.tell())
            buffer.write(line(["" if v is None else v for v in record.values()]))
        text = buffer.getvalue()
        offsets = starts
        for i, start in enumerate(starts):
            places[i] = str(len(re.findall(r"\r\n|\r|\n", text[:start])) + 1)
    elif plan.fmt == "jsonl":
        lines = [_json_object(r, plan.native_numbers) for r in records]
        text = "".join(line + "\n" for line in lines)
        offsets = [sum(len(line) + 1 for line in lines[:i]) for i in range(len(lines))]
        places = {i: str(i + 1) for i in range(len(lines))}
    else:
        lines = [_json_object(r, plan.native_numbers) for r in records]
        text = "[\n" + ",\n".join(lines) + "\n]\n"
        offsets = [2 + sum(len(line) + 2 for line in lines[:i]) for i in range(len(lines))]
        places = {i: str(text.count("\n", 0, start) + 1) for i, start in enumerate(offsets)}
    data = text.encode("utf-8")
    if plan.bad_byte_row is not None:
        # Offsets count characters: cut the text, not the bytes.
        cut = offsets[plan.bad_byte_row]
        data = text[:cut].encode("utf-8") + b"\xff" + text[cut:].encode("utf-8")
    if plan.bom:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path, places
