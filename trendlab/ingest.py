"""Read CSV, JSON, JSONL or Parquet into text rows for validation.

Everything arrives as text (a __row column plus one String column per file column),
so one set of validation rules applies whatever the format. Errors in the file's
structure (not UTF-8, ragged CSV, invalid JSON) name the file and line.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from trendlab.errors import TrendlabError
from trendlab.validate import ROW

FORMATS = ("csv", "json", "jsonl", "parquet")
_SUFFIXES = {
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}


@dataclass
class Loaded:
    """Text rows read from one file, and how to name a row's place in it."""

    frame: pl.DataFrame
    source: str
    line_of: Callable[[int], str]


def detect_format(path: str, explicit: str | None) -> str:
    if explicit:
        return explicit
    if path == "-":
        return "csv"
    fmt = _SUFFIXES.get(Path(path).suffix.lower())
    if fmt is None:
        raise TrendlabError(
            f"{path}: cannot tell the format from the extension; "
            "use .csv, .json, .jsonl or .parquet, or pass --csv/--json/--jsonl/--parquet"
        )
    return fmt


def read_records(path: str, fmt: str | None = None) -> Loaded:
    """Read `path` ('-' for stdin) as text rows."""
    fmt = detect_format(path, fmt)
    source = "stdin" if path == "-" else path
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise TrendlabError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not data or data.isspace():
        raise TrendlabError(f"{source}: the file is empty")
    if fmt == "parquet":
        return _read_parquet(data, source)
    if fmt == "csv":
        # A file is read again to explain an error rather than kept in memory meanwhile.
        again = (lambda: data) if path == "-" else Path(path).read_bytes
        return _read_csv(data, source, again)
    text = _decode(data, source)
    if fmt == "json":
        return _read_json(text, source)
    return _read_jsonl(text, source)


def _decode(data: bytes, source: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TrendlabError(
            f"{source}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
            "save the file as UTF-8"
        ) from None
    return text.removeprefix("\ufeff")


def _header(names: list[str], source: str) -> list[str]:
    cleaned = [n.strip() for n in names]
    seen: set[str] = set()
    for i, name in enumerate(cleaned):
        if not name:
            raise TrendlabError(f"{source}: column {i + 1} of the header has no name")
        if name in seen:
            raise TrendlabError(f"{source}: column {name!r} appears twice in the header")
        seen.add(name)
    return cleaned


def _read_csv(data: bytes, source: str, again: Callable[[], bytes]) -> Loaded:
    # Polars parses the bytes as they are (a BOM is skipped) and checks the UTF-8, so a
    # big file is never a Python string; text is decoded only to explain an error.
    try:
        header = _header(
            next(csv.reader(io.TextIOWrapper(io.BytesIO(data), "utf-8-sig", newline=""))), source
        )
        frame = pl.read_csv(data, infer_schema=False, new_columns=header, raise_if_empty=False)
    except (UnicodeDecodeError, pl.exceptions.PolarsError):
        text = _decode(data, source)
        width = len(_header(_first_record(text), source))
        raise _csv_structure_error(text, source, width) from None
    if frame.width != len(header):
        raise _csv_structure_error(_decode(data, source), source, len(header))
    quoted = b'"' in data
    del data
    starts: list[int] = []

    def line_of(row: int) -> str:
        # Quoted fields may span lines: map records to lines only when asked.
        if not quoted:
            return str(row + 2)
        if not starts:
            reader = csv.reader(io.StringIO(_decode(again(), source)))
            next(reader)
            line = reader.line_num + 1
            for _ in reader:
                starts.append(line)
                line = reader.line_num + 1
        return str(starts[row]) if row < len(starts) else f"record {row + 1}"

    return Loaded(frame.with_row_index(ROW), source, line_of)


def _first_record(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text)), [])


def _csv_structure_error(text: str, source: str, width: int) -> TrendlabError:
    reader = csv.reader(io.StringIO(text))
    try:
        next(reader)
        for record in reader:
            if record and len(record) != width:
                return TrendlabError(
                    f"{source}:{reader.line_num}: {len(record)} fields, but the header has {width}"
                )
    except csv.Error as exc:
        return TrendlabError(f"{source}:{reader.line_num}: malformed CSV: {exc}")
    return TrendlabError(f"{source}: malformed CSV")


def _scalar_text(value: object, where: str, key: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        raise TrendlabError(
            f"{where}: field {key}: expected a single value, not {type(value).__name__}"
        )
    return str(value)


def _frame_from_objects(
    objects: list[object], source: str, where: Callable[[int], str]
) -> pl.DataFrame:
    columns: dict[str, list[str | None]] = {}
    for i, obj in enumerate(objects):
        if not isinstance(obj, dict):
            raise TrendlabError(f"{source}:{where(i)}: expected an object of field: value")
        for key in obj:
            columns.setdefault(str(key).strip(), [None] * i)
        for key, values in columns.items():
            values.append(_scalar_text(obj.get(key), f"{source}:{where(i)}", key))
    if not columns:
        raise TrendlabError(f"{source}: no records")
    return pl.DataFrame(columns, schema={c: pl.String for c in columns}).with_row_index(ROW)


def _read_json(text: str, source: str) -> Loaded:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TrendlabError(f"{source}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    if not isinstance(data, list):
        raise TrendlabError(f"{source}: expected a JSON array of records")

    def where(i: int) -> str:
        return f"record {i + 1}"

    return Loaded(_frame_from_objects(data, source, where), source, where)


def _read_jsonl(text: str, source: str) -> Loaded:
    objects, lines = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            objects.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise TrendlabError(f"{source}:{number}: invalid JSON: {exc.msg}") from None
        lines.append(number)

    def where(i: int) -> str:
        return str(lines[i])

    return Loaded(_frame_from_objects(objects, source, where), source, where)


def _read_parquet(data: bytes, source: str) -> Loaded:
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except Exception as exc:  # Polars and Arrow raise several types for a bad file
        raise TrendlabError(f"{source}: not a readable Parquet file ({_short(exc)})") from None
    _header(frame.columns, source)
    casts = []
    for name, dtype in frame.schema.items():
        if dtype.is_nested():
            raise TrendlabError(f"{source}: column {name!r} holds nested values ({dtype})")
        if dtype == pl.Boolean:
            casts.append(
                pl.when(pl.col(name))
                .then(pl.lit("true"))
                .when(~pl.col(name))
                .then(pl.lit("false"))
                .alias(name)
            )
        else:
            casts.append(pl.col(name).cast(pl.String))
    frame = frame.select(casts).rename({c: c.strip() for c in frame.columns})

    def where(i: int) -> str:
        return f"row {i + 1}"

    return Loaded(frame.with_row_index(ROW), source, where)


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:120] if text else type(exc).__name__
