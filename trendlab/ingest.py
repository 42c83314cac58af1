"""Read CSV, JSON, JSONL or Parquet into text rows for validation.

Everything arrives as text (a __row column plus one String column per file column),
so one set of validation rules applies whatever the format. Errors in the file's
structure (not UTF-8, ragged CSV, invalid JSON) name the file and line.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import NoReturn

import polars as pl

from trendlab.errors import ExitCode, TrendlabError
from trendlab.kinds import KINDS
from trendlab.render import SUFFIXES
from trendlab.text import counted, csv_long_fields, is_utf8, stdin_bytes, utf8_text
from trendlab.validate import ROW

FORMATS = ("csv", "json", "jsonl", "parquet")
# A byte-order mark may be written twice (see _read_json).
_EMPTY = re.compile(rb"(\xef\xbb\xbf)*\s*")
# The first bytes of every gzip file.
GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class Loaded:
    """Text rows read from one file, and how to name a row's place in it."""

    frame: pl.DataFrame
    source: str
    line_of: Callable[[int], str]
    # When a JSON file's records hold different fields: ROW and, per field some record
    # leaves out, whether each record does. Such a field keeps its stored value, which
    # the null standing for it in `frame` would erase (see Store.staged_diff).
    absent: pl.DataFrame | None = None


def detect_format(path: str, explicit: str | None) -> str:
    if explicit:
        return explicit
    if path == "-":
        return "csv"
    fmt = SUFFIXES.get(Path(path).suffix.lower())
    if fmt is None:
        raise TrendlabError(
            f"{path}: cannot tell the format from the extension; "
            "use .csv, .json, .jsonl (.ndjson) or .parquet (.pq), or pass -f/--input-format",
            # Like a name that tells no --kind: the fix is an option, not the data.
            exit_code=ExitCode.USAGE,
        )
    return fmt


def check_readable(path: str) -> None:
    """Fail if `path` ('-' for stdin) is a folder or does not exist, or is a
    gzip-compressed file. Callers check it before they read the name for a kind or a
    format, neither of which would help. A folder or no file is a usage error: the path
    given is wrong, not the data in a file."""
    if path == "-":
        return
    if is_folder(path):
        raise TrendlabError(
            f"cannot read {path}: a folder; import reads one file (--from epoch reads a folder)",
            exit_code=ExitCode.USAGE,
        )
    if not Path(path).exists():
        raise TrendlabError(f"cannot read {path}: no such file", exit_code=ExitCode.USAGE)
    # Before the name too: results.csv.gz asked for --kind, then -f, neither of which
    # reads it.
    refuse_compressed(path)


def refuse_compressed(path: str) -> None:
    """Fail if `path` is a gzip-compressed file. A regular file only: a pipe's bytes
    (<(...)) can be read once. One that cannot be opened is its reader's to explain."""
    try:
        if Path(path).is_file():
            with Path(path).open("rb") as file:
                _refuse_gzip(file.read(len(GZIP_MAGIC)), path)
    except OSError:
        pass


def _refuse_gzip(data: bytes, source: str) -> None:
    """Fail if `data` (a file's bytes, or its first) is gzip-compressed: read as text it
    was "not valid UTF-8 (byte 0x8b); save the file as UTF-8"."""
    if data.startswith(GZIP_MAGIC):
        raise TrendlabError(
            f"{source}: the file is gzip-compressed: decompress it (gunzip) and import what "
            "it holds"
        )


def is_folder(path: str) -> bool:
    """Whether `path` is a folder (False where nothing is there). A path that cannot be
    looked at, under a folder this user may not open, is an error saying so: Path.is_dir
    raised PermissionError, an internal error."""
    try:
        return Path(path).is_dir()
    except OSError as exc:
        raise TrendlabError(f"cannot read {path}: {exc.strerror or exc}") from None


def read_records(path: str, fmt: str | None = None, *, told: bool = False) -> Loaded:
    """Read `path` ('-' for stdin) as text rows. `told`: the format is the user's to
    name (import's -f), so a file in another one says which."""
    check_readable(path)
    fmt = detect_format(path, fmt)
    source = "stdin" if path == "-" else path
    try:
        data = stdin_bytes() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise TrendlabError(f"cannot read {path}: {exc.strerror or exc}") from None
    # Nothing, white space, or only byte-order marks. A JSON Lines file with no line
    # is a file of no records, as `export --jsonl` of none writes it; from stdin it is
    # more likely a producer upstream that failed.
    if _EMPTY.fullmatch(data) and (fmt != "jsonl" or path == "-"):
        raise TrendlabError(f"{source}: the file is empty")
    _refuse_gzip(data, source)  # stdin's or a pipe's: check_readable refused a file's
    if fmt == "parquet":
        return _read_parquet(data, source)
    if fmt == "csv" or (told and data.startswith(b"PAR1")):
        # Another format read as this one is named, with the -f that reads it: read as
        # text, Parquet was "not valid UTF-8 ... save the file as UTF-8".
        _refuse_other_format(data, source, fmt)
    if fmt == "csv":
        # A regular file is read again to explain an error rather than kept in memory
        # meanwhile; a pipe (stdin, <(...)) can be read only once, so it is kept.
        regular = path != "-" and Path(path).is_file()
        again = Path(path).read_bytes if regular else (lambda: data)
        return _read_csv(data, source, again)
    text = utf8_text(data, source)
    if fmt == "json":
        return _read_json(text, source)
    return _read_jsonl(text, source)


_NAMES = {"csv": "CSV", "parquet": "Parquet", "json": "JSON", "jsonl": "JSON Lines"}


def _refuse_as(source: str, fmt: str, found: str) -> NoReturn:
    """Refuse a file of format `found` read as `fmt`, naming the -f that reads it."""
    raise TrendlabError(
        f"{source}: the file looks like {_NAMES[found]}, not {_NAMES[fmt]}: "
        f"pass -f/--input-format {found}"
    )


def _refuse_other_format(data: bytes, source: str, fmt: str) -> None:
    """Refuse Parquet read as text, and JSON or JSON Lines read as CSV (stdin is read as
    CSV unless told, and a file may be misnamed): the CSV reader would report a
    malformed header, and any a byte that is not UTF-8, naming no fix."""
    if data.startswith(b"PAR1"):
        _refuse_as(source, fmt, "parquet")
    start = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    found = {b"[": "json", b"{": "jsonl"}.get(start, "")
    if found and fmt == "csv":
        _refuse_as(source, "csv", found)


def _fields_of_a_kind(record: dict[str, object]) -> bool:
    """Whether `record` has fields and every one of them is a field of one kind."""
    return bool(record) and any(record.keys() <= set(k.field_names) for k in KINDS.values())


def _one_object_a_line(text: str) -> bool:
    """Whether the first line of `text` holding anything is a JSON object of its own:
    JSON Lines, which read as one JSON value is 'Extra data'."""
    first = next((line for line in text.split("\n") if line.strip()), "")
    try:
        return isinstance(_json_loads(first), dict)
    except (json.JSONDecodeError, RecursionError):
        return False


def _json_array(text: str) -> bool:
    """Whether `text` is one JSON array: JSON, whose first line read as JSON Lines is
    '[' or a list of records, not a record."""
    if not text.lstrip("\ufeff \t\r\n").startswith("["):
        return False
    try:
        return isinstance(_json_loads(text), list)
    except (json.JSONDecodeError, RecursionError):
        return False


def _header(names: list[str], source: str) -> list[str]:
    cleaned = [n.strip() for n in names]
    if cleaned:
        # A byte-order mark written twice (a file saved as UTF-8 with BOM, then again):
        # the reader drops the first, and the second made the first column 'id' an
        # unknown '\ufeffid'.
        cleaned[0] = cleaned[0].lstrip("\ufeff").strip()
    seen: set[str] = set()
    for i, name in enumerate(cleaned):
        if not name:
            raise TrendlabError(f"{source}: column {i + 1} of the header has no name")
        if name in seen:
            raise TrendlabError(f"{source}: column {name!r} appears twice in the header")
        if name == ROW:  # the name trendlab numbers rows under
            raise TrendlabError(f"{source}: unknown column {name!r}")
        seen.add(name)
    return cleaned


def _check_separator(header: list[str], source: str) -> None:
    """Refuse a CSV separated by semicolons or tabs (a spreadsheet's, where a comma is
    the decimal mark), whose header reads as one column: no field name holds either,
    and the rows would fail for an unknown column or too many fields, naming no fix."""
    if len(header) != 1:
        return
    for separator, name in ((";", "semicolons"), ("\t", "tabs")):
        if separator in header[0]:
            raise TrendlabError(
                f"{source}:1: the header is one column, {header[0]!r}: the file looks "
                f"separated by {name}; import reads CSV separated by commas"
            )


def _has_short_rows(data: bytes, width: int) -> bool:
    """Whether a record of the CSV (header aside, blank lines aside) has fewer than
    `width` fields."""
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), "utf-8-sig", newline=""))
    with csv_long_fields():
        next(reader, None)
        return any(0 < len(record) < width for record in reader)


def _quote_never_closed(exc: csv.Error) -> bool:
    """Whether csv's error is of a quote never closed: its record runs to the end of the
    file, which csv names ("unexpected end of data" at the last line, which holds no
    error), so the header or row that opens it is named instead."""
    return "end of data" in str(exc)


def _read_csv(data: bytes, source: str, again: Callable[[], bytes]) -> Loaded:
    # Polars parses the bytes as they are (a BOM is skipped) and checks the UTF-8, so a
    # big file is never a Python string; text is decoded only to explain an error, or
    # to read what Polars refuses and Python's csv reads (a lone quote inside a field,
    # CR line ends).
    try:
        with csv_long_fields():
            first = next(
                csv.reader(
                    io.TextIOWrapper(io.BytesIO(data), "utf-8-sig", newline=""), strict=True
                ),
                None,
            )
    except UnicodeDecodeError:
        utf8_text(data, source)  # raises, naming the line of the bad byte
        raise
    except csv.Error as exc:
        if _quote_never_closed(exc):
            raise TrendlabError(
                f"{source}:1: malformed CSV header: a quote opened on this line is never closed"
            ) from None
        raise TrendlabError(f"{source}:1: malformed CSV header: {exc}") from None
    if not first:
        raise TrendlabError(f"{source}:1: the first line is empty; it must be the header")
    if re.fullmatch(r"sep=.", ",".join(first), re.IGNORECASE):
        # Excel's hint of the file's separator, which no CSV reader takes as one: read as
        # a header it was a column with no name, or one named 'sep=;'.
        raise TrendlabError(
            f"{source}:1: {','.join(first)!r} is Excel's separator line, not the header: "
            "remove that line (import reads CSV separated by commas)"
        )
    header = _header(first, source)
    _check_separator(header, source)
    frame: pl.DataFrame | None = None
    # Old Mac line ends (a lone CR): Polars reads the file as one line, so a one-column
    # file would import nothing, silently. Python's csv reads them.
    if not (b"\r" in data and b"\n" not in data):
        try:
            frame = pl.read_csv(data, infer_schema=False, new_columns=header, raise_if_empty=False)
        except pl.exceptions.PolarsError:
            frame = None
    # Polars pads a row with too few fields with nulls (a truncated row would land under
    # another key); the strict reader refuses it, naming its line.
    padded = (
        frame is not None
        and frame.width == len(header)
        and frame.get_column(header[-1]).null_count() > 0
    )
    if padded and _has_short_rows(data, len(header)):
        frame = None
    # Polars reads a blank line and a row of empty fields (",,") alike, as nulls; only
    # the strict reader tells them apart, so a row of nulls sends the file to it.
    if frame is not None and frame.select(pl.all_horizontal(pl.all().is_null()).any()).item():
        frame = None
    starts: list[int] = []
    if frame is None or frame.width != len(header):
        frame, starts = _read_csv_strictly(utf8_text(data, source), source, header)
    quoted = b'"' in data
    del data

    def line_of(row: int) -> str:
        # Quoted fields may span lines, and a skipped blank line is a line no row has:
        # map records to lines only when asked, unless the strict reader did.
        if not quoted and not starts:
            return str(row + 2)
        if not starts:
            reader = csv.reader(io.StringIO(utf8_text(again(), source), newline=""))
            with csv_long_fields():
                next(reader, None)
                line = reader.line_num + 1
                for _ in reader:
                    starts.append(line)
                    line = reader.line_num + 1
        return str(starts[row]) if row < len(starts) else f"record {row + 1}"

    return Loaded(frame.with_row_index(ROW), source, line_of)


def _read_csv_strictly(text: str, source: str, header: list[str]) -> tuple[pl.DataFrame, list[int]]:
    """Every record of a CSV file by Python's csv reader and the line each starts on,
    or an error naming the line."""
    width = len(header)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    columns: list[list[str | None]] = [[] for _ in header]
    starts: list[int] = []
    try:
        with csv_long_fields():
            next(reader)
            end = reader.line_num
            for record in reader:
                start, end = end + 1, reader.line_num
                # A wholly empty line is no record, as DuckDB's and Python's CSV readers
                # and JSON Lines here have it: an editor or a concatenation leaves one
                # easily, and a row of unknowns would only fail the import. A line of
                # spaces holds a field, so it is a record (and short of fields).
                if not record:
                    continue
                if len(record) != width:
                    raise TrendlabError(
                        f"{source}:{reader.line_num}: {counted(len(record), 'field')}, "
                        f"but the header has {width}"
                    )
                for values, value in zip(columns, record, strict=True):
                    values.append(value if value != "" else None)
                starts.append(start)
    except csv.Error as exc:
        # The quote is in the record after the last one read.
        if _quote_never_closed(exc):
            raise TrendlabError(
                f"{source}:{end + 1}: malformed CSV: a quote opened in the row starting "
                "on this line is never closed"
            ) from None
        raise TrendlabError(f"{source}:{reader.line_num}: malformed CSV: {exc}") from None
    frame = pl.DataFrame(
        dict(zip(header, columns, strict=True)), schema={c: pl.String for c in header}
    )
    return frame, starts


def _scalar_text(value: object, where: str, key: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        what = "an object" if isinstance(value, dict) else "a list"
        raise TrendlabError(f"{where}: field {key}: expected a single value, not {what}")
    return str(value)


def _from_objects(objects: list[object], source: str, where: Callable[[int], str]) -> Loaded:
    columns: dict[str, list[str | None]] = {}
    held: dict[str, list[bool]] = {}  # per field, whether each record holds it
    for i, record in enumerate(objects):
        if not isinstance(record, dict):
            raise TrendlabError(f"{source}:{where(i)}: expected an object of field: value")
        if isinstance(record, JsonRecord) and record.twice is not None:
            raise TrendlabError(f"{source}:{where(i)}: field {record.twice!r} appears twice")
        obj = {}
        for raw_key, value in record.items():
            key = str(raw_key).strip()
            if key == ROW:  # the name trendlab numbers rows under
                raise TrendlabError(f"{source}:{where(i)}: unknown field {key!r}")
            if key in obj:
                raise TrendlabError(f"{source}:{where(i)}: field {key!r} appears twice")
            obj[key] = value
        for key in obj:
            # A field first met at record i: absent from the ones before. (Not
            # setdefault, whose default list of i values would be built for every
            # field of every record: quadratic, minutes for 300,000 records.)
            if key not in columns:
                columns[key] = [None] * i
                held[key] = [False] * i
        for key, holds in held.items():
            holds.append(key in obj)
        for key, values in columns.items():
            values.append(_scalar_text(obj.get(key), f"{source}:{where(i)}", key))
    if not columns and objects:
        raise TrendlabError(f"{source}:{where(0)}: a record with no fields")
    if not columns:
        # No records (`[]`, as `export --json` of none writes it): nothing to write.
        return Loaded(pl.DataFrame({ROW: []}, schema={ROW: pl.UInt32}), source, where)
    try:
        frame = pl.DataFrame(columns, schema={c: pl.String for c in columns})
    except UnicodeEncodeError:
        raise _not_unicode(columns, source, where) from None
    frame = frame.with_row_index(ROW)
    left_out = {key: [not h for h in holds] for key, holds in held.items() if not all(holds)}
    absent = None
    if left_out:
        absent = pl.DataFrame(left_out, schema=dict.fromkeys(left_out, pl.Boolean))
        absent = absent.with_row_index(ROW)
    return Loaded(frame, source, where, absent)


def _not_unicode(
    columns: dict[str, list[str | None]], source: str, where: Callable[[int], str]
) -> TrendlabError:
    """The first field holding a lone surrogate (a JSON \\ud800 escape), which no
    UTF-8 text can carry."""
    for key, values in columns.items():
        if not is_utf8(key):
            return TrendlabError(f"{source}: field name {key!r} is not valid Unicode text")
        for i, value in enumerate(values):
            if value is not None and not is_utf8(value):
                return TrendlabError(
                    f"{source}:{where(i)}: field {key}: {value[:60]!r} is not valid Unicode text"
                )
    return TrendlabError(f"{source}: not valid Unicode text")


class JsonRecord(dict):
    """A JSON object that remembers a field it held twice (json.loads keeps the last)."""

    twice: str | None = None


def _json_loads(text: str) -> object:
    """Parse JSON keeping numbers as their text (validation types them, and Python
    cannot even print an integer of over 4,300 digits) and noticing repeated fields."""
    return json.loads(
        text, object_pairs_hook=json_record, parse_int=str, parse_float=str, parse_constant=str
    )


def json_record(pairs: list[tuple[str, object]]) -> JsonRecord:
    """A JSON object as json.loads' object_pairs_hook builds it, noting a repeated field."""
    record = JsonRecord()
    for key, value in pairs:
        if key in record and record.twice is None:
            record.twice = key
        record[key] = value
    return record


def json_problem(exc: json.JSONDecodeError) -> str:
    """Python's words for what is wrong with JSON and the column where it is: the line
    alone left a long one (a JSON Lines record) to be searched for the comma missing.
    Words ending in "at" ("Invalid control character at", a tab typed into a string)
    take the column after them."""
    return f"{exc.msg}{'' if exc.msg.endswith(' at') else ' at'} column {exc.colno}"


def _read_json(text: str, source: str) -> Loaded:
    # A byte-order mark written twice (saved as UTF-8 with BOM, then again), as CSV
    # takes it: json said "Unexpected UTF-8 BOM (decode using utf-8-sig)".
    text = text.lstrip("\ufeff")
    try:
        data = _json_loads(text)
    except json.JSONDecodeError as exc:
        if _one_object_a_line(text):
            _refuse_as(source, "json", "jsonl")
        if (
            exc.msg == "Extra data"
            and text[exc.pos] == "{"
            and _lines_spread_over(text, _past_space(text, 0))
        ):
            # Records one after another, each over several lines, as jq prints them.
            raise TrendlabError(
                f"{source}:{exc.lineno}: a record after the first, outside any array: a JSON "
                "file holds one array of records (`jq -s` gathers them into one)"
            ) from None
        raise TrendlabError(f"{source}:{exc.lineno}: invalid JSON: {json_problem(exc)}") from None
    except RecursionError:
        raise TrendlabError(f"{source}: invalid JSON: nested too deeply") from None
    if not isinstance(data, list):
        # One record on one line is JSON Lines of one record (`--jsonl --limit 1`),
        # which parses as JSON too, unlike two. Only a record, its fields some kind's:
        # any other object on one line (an llm-prices list) was told to pass -f jsonl.
        if isinstance(data, dict) and _fields_of_a_kind(data) and _one_object_a_line(text):
            _refuse_as(source, "json", "jsonl")
        if isinstance(data, dict) and {"models", "prices"} & data.keys():
            raise TrendlabError(
                f"{source}: expected a JSON array of records; "
                "an llm-prices price list imports with --from llm-prices"
            )
        raise TrendlabError(f"{source}: expected a JSON array of records")
    lines: list[int] = []

    def where(i: int) -> str:
        # Found only when a record is named: most imports name none.
        if not lines:
            lines.extend(_record_lines(text))
        return str(lines[i])

    return _from_objects(data, source, where)


def _record_lines(text: str) -> list[int]:
    """The line each record of a JSON array starts on (the text parsed already, so
    well formed), counted as json counts its errors' lines: an array `export --json`
    writes spreads a record over many lines, and "record 40" left the user counting."""
    decoder = json.JSONDecoder(parse_int=str, parse_float=str, parse_constant=str)
    lines: list[int] = []
    line, counted_to = 1, 0
    at = _past_space(text, 0) + 1  # past the '['
    while True:
        at = _past_space(text, at)
        if text[at] == "]":
            return lines
        line += text.count("\n", counted_to, at)
        counted_to = at
        lines.append(line)
        _, at = decoder.raw_decode(text, at)
        at = _past_space(text, at)
        if text[at] == "]":
            return lines
        at += 1  # the comma


def _past_space(text: str, at: int) -> int:
    """Where the JSON white space from `at` on ends (between records: a few characters)."""
    while text[at] in " \t\n\r":
        at += 1
    return at


def _read_jsonl(text: str, source: str) -> Loaded:
    objects, lines = [], []
    # Only \n ends a JSON Lines record (a \r before it is JSON whitespace): a value may
    # hold U+2028 or U+0085 unescaped, which splitlines() would break a record at.
    offset = 0  # where the line starts in `text`
    for number, written in enumerate(text.split("\n"), start=1):
        at, offset = offset, offset + len(written) + 1
        # A byte-order mark starting a line, twice at the file's start or where files
        # saved with one were joined (cat a.jsonl b.jsonl), as CSV takes one written
        # twice: json said "Unexpected UTF-8 BOM (decode using utf-8-sig)".
        line = written.lstrip("\ufeff")
        if not line.strip():
            continue
        try:
            objects.append(_json_loads(line))
        except json.JSONDecodeError as exc:
            if not objects and _json_array(text):
                _refuse_as(source, "jsonl", "json")
            if more := _lines_spread_over(text, at + len(written) - len(line.lstrip())):
                raise TrendlabError(
                    f"{source}:{number}: the record starting on this line runs to line "
                    f"{number + more}: JSON Lines holds one record a line (`jq -c` writes "
                    "them so)"
                ) from None
            raise TrendlabError(f"{source}:{number}: invalid JSON: {json_problem(exc)}") from None
        except RecursionError:
            raise TrendlabError(f"{source}:{number}: invalid JSON: nested too deeply") from None
        lines.append(number)

    if len(objects) == 1 and isinstance(objects[0], list) and _json_array(text):
        _refuse_as(source, "jsonl", "json")  # a JSON array written on one line

    def where(i: int) -> str:
        return str(lines[i])

    return _from_objects(objects, source, where)


def _lines_spread_over(text: str, at: int) -> int:
    """How many lines past its first the JSON object starting at `at` in `text` runs
    on: a record written over several lines (as jq prints one by default), whose first
    line alone json called "Expecting property name enclosed in double quotes"; 0 where
    no whole object starts there."""
    decoder = json.JSONDecoder(parse_int=str, parse_float=str, parse_constant=str)
    try:
        record, end = decoder.raw_decode(text, at)
    except (json.JSONDecodeError, RecursionError):
        return 0
    return text.count("\n", at, end) if isinstance(record, dict) else 0


@contextmanager
def _panic_text_held() -> Iterator[None]:
    """Hold what is written to file descriptor 2 while Polars reads, and drop it if
    Polars panicked: its Rust code writes a panic's message (and, under RUST_BACKTRACE,
    a backtrace) there itself, before the PanicException reaches trendlab, which says
    in one line what went wrong. Anything else written meanwhile is passed on when the
    read ends, unless Polars panicked: then it is dropped with the panic's text, which
    nothing tells apart from it."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no stderr (2>&-): nothing to keep a panic's text off
        yield
        return
    panicked = False
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        except pl.exceptions.PanicException:
            panicked = True
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            if not panicked and (text := held.read()):
                os.write(2, text)


def _read_parquet(data: bytes, source: str) -> Loaded:
    try:
        with _panic_text_held():
            frame = pl.read_parquet(io.BytesIO(data))
    # Polars and Arrow raise several types for a bad file, and on some damaged data
    # (a page's validity shorter than its values) Polars panics.
    except (Exception, pl.exceptions.PanicException) as exc:
        _refuse_unreadable(data, source, exc)
    if not frame.columns:
        raise TrendlabError(f"{source}: a Parquet file with no columns")
    _header(frame.columns, source)
    casts = []
    for name, dtype in frame.schema.items():
        if dtype.is_nested():
            raise TrendlabError(f"{source}: column {name!r} holds nested values ({dtype})")
        if isinstance(dtype, (pl.Date, pl.Datetime)):
            _refuse_far_dates(frame.get_column(name), source)
        if dtype == pl.Boolean:
            casts.append(
                pl.when(pl.col(name))
                .then(pl.lit("true"))
                .when(~pl.col(name))
                .then(pl.lit("false"))
                .alias(name)
            )
        elif isinstance(dtype, pl.Datetime):
            # Many tools (pandas among them) write a day as a timestamp at midnight: that
            # is the day, in the column's time zone where it has one (2024-03-01 at
            # +05:00 is 2024-03-01). One with a time of day stays as it is, for a date
            # field to refuse. Some writers (DuckDB) keep only the instant, in UTC, so a
            # midnight at +05:00 is 19:00 the day before and its day is lost: marked
            # UTC, for validation to say why the date it quotes is not the one written.
            value = pl.col(name)
            timed = value.cast(pl.String)
            if dtype.time_zone == "UTC":
                timed = value.dt.strftime("%Y-%m-%d %H:%M:%S") + pl.lit(" UTC")
            casts.append(
                pl.when(value.dt.time() == time(0))
                .then(value.dt.date().cast(pl.String))
                .otherwise(timed)
                .alias(name)
            )
        else:
            casts.append(_parquet_text(frame, name, dtype, source))
    frame = frame.select(casts).rename({c: c.strip() for c in frame.columns})

    def where(i: int) -> str:
        return f"row {i + 1}"

    return Loaded(frame.with_row_index(ROW), source, where)


def _refuse_unreadable(data: bytes, source: str, exc: BaseException) -> NoReturn:
    """Refuse a Parquet file Polars cannot read, naming the column at fault where one
    alone is (a decimal256 of 40 digits, past Polars' 38): the reader's own message
    names none, so the user could not tell which column to write otherwise. A file
    corrupt in its data is named by the first column its damage reaches; one that
    Polars panicked on is said to be damaged, its panic's words (Polars' internals,
    exit 70 as a bug of trendlab's) left out, and not read again column by column."""
    if isinstance(exc, pl.exceptions.PanicException):
        raise TrendlabError(f"{source}: not a readable Parquet file ({_short(exc)})") from None
    try:
        schema = pl.read_parquet_schema(io.BytesIO(data))
    except Exception:  # not Parquet at all: no column to blame
        schema = {}
    for name, dtype in schema.items():
        try:
            with _panic_text_held():
                pl.read_parquet(io.BytesIO(data), columns=[name])
        except (Exception, pl.exceptions.PanicException) as column_exc:
            raise TrendlabError(
                f"{source}: not a readable Parquet file: column {name!r} ({dtype}): "
                f"{_short(column_exc)}"
            ) from None
    raise TrendlabError(f"{source}: not a readable Parquet file ({_short(exc)})") from None


def _refuse_far_dates(column: pl.Series, source: str) -> None:
    """Refuse a Parquet date or timestamp outside the years 1 to 9999, naming the row of
    the first, before anything turns one into text (see trendlab.readable_dates)."""
    from trendlab.readable_dates import first_unreadable

    row = first_unreadable(column)
    if row is not None:
        what = "timestamp" if isinstance(column.dtype, pl.Datetime) else "date"
        raise TrendlabError(
            f"{source}:row {row + 1}: field {column.name}: a {what} outside the years 1 to "
            "9999 (a date is YYYY-MM-DD)"
        )


def _parquet_text(frame: pl.DataFrame, name: str, dtype: pl.DataType, source: str) -> pl.Expr:
    """A Parquet column as text, or an error naming the column (and the row of a value
    that is not text, such as bytes that are not UTF-8)."""
    column = frame.get_column(name)
    try:
        text = column.cast(pl.String, strict=False)
    except pl.exceptions.PolarsError:
        raise TrendlabError(
            f"{source}: column {name!r} holds {dtype} values that cannot be read as text"
        ) from None
    lost = text.is_null() & column.is_not_null()
    if lost.any():
        row = int(lost.arg_true()[0])
        raise TrendlabError(
            f"{source}:row {row + 1}: field {name}: a {dtype} value that is not UTF-8 text"
        )
    return pl.lit(text).alias(name)


def _short(exc: BaseException) -> str:
    if isinstance(exc, pl.exceptions.PanicException):
        return "damaged?"  # its words are Polars' internals
    text = str(exc).strip().splitlines()
    return text[0][:120] if text else type(exc).__name__
