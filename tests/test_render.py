"""Output bytes: a frame is written as its rows' Python values would be, value by value,
in every format; a big query result as its small one; and the exact layout of each."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import Run
from trendlab.render import Rows, render

# Text a JSON string escapes, a table cell shows escaped or across lines, and widths a
# terminal counts twice (日本語, emoji) or not at all (a combining accent).
NAMES = [
    "gpt-4",
    "Université de Montréal",
    "日本語のメモ",
    'say "hi" \\ back',
    "e\u0301 🚀🚀x",
    "trailing nbsp\u00a0",
    "",
    None,
]
ODD = ["tab\there", "two\nlines", "\x01 lead", "sep\u2028x", "del\x7f", "cr\r", "\x1b[31mred", None]


def _frame(names: list[str | None]) -> pl.DataFrame:
    """Eight rows of every kind of value a command hands to render."""
    n = len(names)
    return pl.DataFrame(
        [
            pl.Series("id", [1, None, -3, 2**62, 0, 5, 6, 7], pl.Int64),
            pl.Series("small", [1, 2, None, 255, 0, 0, 0, 0], pl.UInt8),
            pl.Series(
                "score",
                [1.5, float("nan"), float("inf"), -float("inf"), None, 1e-05, 1e16, -0.0],
                pl.Float64,
            ),
            pl.Series("f32", [0.1, None, 1e-7, 3.0, 1.5, 2.0, 0.0, -1.0], pl.Float32),
            pl.Series(
                "price",
                [
                    Decimal(v) if v else None
                    for v in ("2.50", "-0.50", None, "0.00", "1", "9.99", "0.01", "123.40")
                ],
                pl.Decimal(8, 2),
            ),
            pl.Series(
                "tiny",
                [Decimal("0E-7"), Decimal("1E-7"), None, *[Decimal("0.5")] * 5],
                pl.Decimal(18, 7),
            ),
            pl.Series("name", names, pl.String),
            pl.Series("flag", [True, False, None, True, True, False, True, False], pl.Boolean),
            pl.Series(
                "day",
                [date(2024, 1, 2), date(99, 1, 2), None, *[date(2023, 12, 31)] * 5],
                pl.Date,
            ),
            pl.Series(
                "at",
                [
                    datetime(2024, 1, 2, 3, 4, 5),
                    datetime(2024, 1, 2, 3, 4, 5, 678),
                    None,
                    datetime(99, 1, 2, 3, 4, 5),
                    *[datetime(1969, 12, 31, 23, 59, 59, 999999)] * 4,
                ],
                pl.Datetime("us"),
            ),
            pl.Series("at_ms", [datetime(2024, 1, 2, 3, 4, 5, 678000)] * n, pl.Datetime("ms")),
            pl.Series("at_ns", [datetime(1969, 1, 2, 3, 4, 5, 678)] * n, pl.Datetime("ns")),
            pl.Series(
                "zoned", [datetime(2024, 1, 2, 3, 4, 5)] * n, pl.Datetime("us", "UTC")
            ).dt.convert_time_zone("Europe/Paris"),
            pl.Series(
                "span",
                [timedelta(days=3), None, timedelta(seconds=-1), *[timedelta(0)] * 5],
                pl.Duration("us"),
            ),
            pl.Series("clock", [time(12, 0), time(1, 2, 3, 4), None, *[time(0)] * 5], pl.Time),
            pl.Series("cat", ["a", "b", None, "a", "a", "b", "b", "a"], pl.Categorical),
            pl.Series(
                "tags",
                [["5-shot", None], [], None, ["x"], ["日本"], ["a\nb"], [], ["q"]],
                pl.List(pl.String),
            ),
            pl.Series("pair", [[1, 2]] * n, pl.Array(pl.Int64, 2)),
            pl.Series(
                "facts",
                [
                    {"a": 1, "d": date(2024, 1, 2), "x": float("nan")},
                    None,
                    *[{"a": None, "d": None, "x": 1.0}] * 6,
                ],
                pl.Struct({"a": pl.Int64, "d": pl.Date, "x": pl.Float64}),
            ),
            pl.Series("blob", [b"\x00ab", None, *[b""] * 6], pl.Binary),
            pl.Series("nothing", [None] * n, pl.Null),
        ]
    )


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _printed(
    monkeypatch: pytest.MonkeyPatch, data: pl.DataFrame | Rows, fmt: str, title: str | None = None
) -> str:
    screen = io.StringIO()
    monkeypatch.setattr("sys.stdout", screen)
    render(data, fmt, title=title)
    return screen.getvalue()


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl"])
@pytest.mark.parametrize("names", [NAMES, ODD], ids=["text", "control-characters"])
def test_a_frame_is_written_as_its_python_values(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fmt: str, names: list[str | None]
):
    # Frames are written a few rows at a time: here two, so that rows meet across writes.
    monkeypatch.setattr("trendlab.render._CHUNK_ROWS", 2, raising=False)
    frame = _frame(names)
    title = "a title" if fmt == "table" else None
    expected = _printed(monkeypatch, Rows.of_frame(frame), fmt, title=title)
    assert _printed(monkeypatch, frame, fmt, title=title) == expected
    out = tmp_path / f"out.{fmt}"
    render(frame, fmt, str(out), title=title)
    assert out.read_bytes() == expected.encode()
    # A frame of fewer columns (the table's last column decides its trailing spaces).
    for columns in (["name"], ["name", "id"], ["score", "name", "nothing"]):
        part = frame.select(columns)
        assert _printed(monkeypatch, part, fmt) == _printed(monkeypatch, Rows.of_frame(part), fmt)
    empty = frame.clear()
    assert _printed(monkeypatch, empty, fmt) == _printed(monkeypatch, Rows.of_frame(empty), fmt)


@pytest.mark.parametrize("width", [60, 400])
def test_a_frame_on_a_terminal_is_the_table_of_its_python_values(
    monkeypatch: pytest.MonkeyPatch, width: int
):
    # 60 columns wraps the text to fit; 400 fits as it is.
    monkeypatch.setenv("COLUMNS", str(width))
    frame = _frame(NAMES).select("id", "score", "name", "day", "tags")

    def shown(data: pl.DataFrame | Rows) -> str:
        screen = _Terminal()
        monkeypatch.setattr("sys.stdout", screen)
        render(data, "table")
        return screen.getvalue()

    assert shown(frame) == shown(Rows.of_frame(frame))


# DuckDB's types, each as DuckDB hands it to Python and as it hands it to Polars.
EVERY_TYPE = """
SELECT range AS n, range::INTEGER AS n, (range * 1.5)::DECIMAL(10,1) AS price,
    0::DECIMAL(18,7) AS tiny, 10::HUGEINT AS big, 7::UTINYINT AS u,
    CASE range % 4 WHEN 0 THEN 'nan'::DOUBLE WHEN 1 THEN '-inf'::DOUBLE
        WHEN 2 THEN 1e-05 ELSE range / 7 END AS x,
    (range / 3)::FLOAT AS f, range % 2 = 0 AS flag,
    CASE range % 3 WHEN 0 THEN 'gpt-4' WHEN 1 THEN '日本語 "q" \\ ' || chr(1) ELSE NULL END AS s,
    DATE '2024-01-02' + range::INTEGER AS d, 'infinity'::DATE AS forever,
    TIMESTAMP '2024-01-02 03:04:05.678' + INTERVAL (range) SECOND AS stamp,
    TIMESTAMPTZ '2024-01-02 03:04:05+00' AS stamped, INTERVAL 3 DAY AS span,
    TIME '12:00:00' AS clock, gen_random_uuid() IS NOT NULL AS has_uuid,
    [range, NULL] AS list, {'a': range, 'd': DATE '2024-01-02'} AS facts,
    [1, 2]::INTEGER[2] AS pair, NULL AS nothing
FROM range(7)
"""


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl"])
@pytest.mark.parametrize(
    "columns", ["*", "n, price, s, d, x, f, flag, stamp", "n, forever", "n, tiny, big, u"]
)
def test_a_big_query_result_is_written_as_a_small_one(
    run: Run, monkeypatch: pytest.MonkeyPatch, fmt: str, columns: str
):
    # A result of more than ROWS_AS_VALUES rows is fetched as a frame: the bytes written
    # are those of DuckDB's Python values, whichever way they were fetched.
    sql = f"SELECT {columns} FROM ({EVERY_TYPE}) ORDER BY 1"
    small = run("query", sql, "--format", fmt)
    assert small.exit_code == 0, small.stderr
    monkeypatch.setattr("trendlab.queries.ROWS_AS_VALUES", 2, raising=False)
    monkeypatch.setattr("trendlab.render._CHUNK_ROWS", 3, raising=False)
    big = run("query", sql, "--format", fmt)
    assert big.exit_code == 0, big.stderr
    assert big.stdout == small.stdout


def test_the_layout_of_each_format(run: Run):
    sql = (
        "SELECT 1 AS n, 2.50::DECIMAL(5,2) AS price, 'gpt-4' AS model, DATE '2024-01-02' AS day,"
        " 'nan'::DOUBLE AS x, [1, 2] AS pair, '日本' AS n"
    )
    assert run("query", sql, "--json").stdout == (
        "[\n  {\n"
        '    "n": 1,\n    "price": "2.50",\n    "model": "gpt-4",\n    "day": "2024-01-02",\n'
        '    "x": null,\n    "pair": [\n      1,\n      2\n    ],\n    "n_1": "日本"\n'
        "  }\n]\n"
    )
    assert run("query", sql, "--jsonl").stdout == (
        '{"n": 1, "price": "2.50", "model": "gpt-4", "day": "2024-01-02", "x": null,'
        ' "pair": [1, 2], "n_1": "日本"}\n'
    )
    assert run("query", sql).stdout == (
        "  n    price  model    day           x  pair    n_1\n"
        "---  -------  -------  ----------  ---  ------  -----\n"
        "  1     2.50  gpt-4    2024-01-02  nan  [1, 2]  日本\n"
    )
    assert run("query", "SELECT 1 AS n WHERE false", "--json").stdout == "[]\n"
    assert run("query", "SELECT 1 AS n WHERE false", "--jsonl").stdout == ""
    # tabulate aligns the header of a column with no values to the left.
    assert run("query", "SELECT 1 AS n WHERE false").stdout == "n\n---\n"
