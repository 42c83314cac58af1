"""Output shared by every read command: table, csv, json, jsonl or parquet.

Data goes to stdout (or -o FILE); nothing else does, so `trendlab list results --csv
> out.csv` is clean.
"""

from __future__ import annotations

import io
import json
import math
import os
import secrets
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any, Protocol

from trendlab.errors import ExitCode, TrendlabError
from trendlab.text import escaped

if TYPE_CHECKING:
    import duckdb
    import polars as pl
    from polars.datatypes import DataTypeClass

FORMATS = ("table", "csv", "json", "jsonl", "parquet")
# The file suffixes that say a format, the same for -o as for import, which reads a
# file by its suffix: what an -o file is written as reads back by its name.
SUFFIXES = {
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}

# DuckDB's numeric types, for right-aligning a query's columns (DECIMAL(p,s) by prefix)
# and keeping them whole on a terminal. A BIGNUM comes as its text, but is a number.
_NUMERIC_TYPES = {
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
    "UINTEGER", "UBIGINT", "UHUGEINT", "BIGNUM", "FLOAT", "DOUBLE",
}  # fmt: skip
# Significant digits a table shows a float with, at least: more only where fewer would
# misstate it (see float_text and _float_texts); CSV, JSON and Parquet keep every digit.
_DIGITS = 6
# A DECIMAL's text stands between these marks in json.dumps' output, as text no query
# can hold, until it is written as the number it is (see _dumps).
_DECIMAL_MARK = secrets.token_hex(16)
_OPENED, _CLOSED = f'"{_DECIMAL_MARK}', f'{_DECIMAL_MARK}"'
# A text column wrapped to fit a terminal keeps at least this many characters a line.
_WRAP_MIN = 8
# Cells no wider than this never wrap: they are ids, dates, timestamps and slugs, which
# a break would make unreadable and uncopyable, while saving little room.
_WHOLE_MAX = 20


@dataclass
class Rows:
    """A table as Python values, for a command that only reads and prints: `query`
    starts in a fraction of the time without importing Polars."""

    names: list[str]
    numeric: list[bool]
    rows: list[tuple[Any, ...]]
    # Per column, whether it holds a MAP (a query's), alone or inside a list or struct.
    maps: list[bool] = field(default_factory=list)

    @classmethod
    def of_frame(cls, df: pl.DataFrame) -> Rows:
        """A Polars frame's rows."""
        return cls(df.columns, [d.is_numeric() for d in df.dtypes], df.rows())

    @classmethod
    def of_result(
        cls,
        result: duckdb.DuckDBPyConnection | duckdb.DuckDBPyRelation,
        limit: int | None = None,
    ) -> Rows:
        """The rows of a DuckDB query that has just run (none for a statement), or its
        first `limit`, its repeated column names made unique as Polars makes them (a,
        a_1)."""
        if result.description is None:
            return cls([], [], [])
        types = [str(d[1]) for d in result.description]
        numeric = [t in _NUMERIC_TYPES or t.startswith("DECIMAL") for t in types]
        names = _unique([d[0] for d in result.description])
        rows = result.fetchall() if limit is None else result.fetchmany(limit)
        writers = [_floats_in(d[1]) for d in result.description]
        if any(writers):
            rows = [
                tuple(v if w is None else w(v) for w, v in zip(writers, r, strict=True))
                for r in rows
            ]
        return cls(names, numeric, rows, [holds_map(d[1]) for d in result.description])

    def __len__(self) -> int:
        """How many rows, as len() of a Polars frame counts them."""
        return len(self.rows)

    def dicts(self) -> Iterator[dict[str, Any]]:
        """Each row as a dict, dates as ISO text and NaN or infinities as null (JSON has
        none of them)."""
        for row in self.rows:
            yield {n: _iso(v) for n, v in zip(self.names, row, strict=True)}


def holds_lists(fmt: str) -> bool:
    """Whether output format `fmt` holds a list as one, for a script to read as such
    (JSON, JSON Lines, Parquet); a table's or a CSV's cell is text, a list joined."""
    return fmt in ("json", "jsonl", "parquet")


def lists_joined(frame: pl.DataFrame, column: str, fmt: str) -> pl.DataFrame:
    """`frame` with its list `column` joined with '; ' where `fmt` holds no list (see
    holds_lists); kept a list where it does, as an item may hold '; ' itself."""
    if holds_lists(fmt):
        return frame
    import polars as pl

    return frame.with_columns(pl.col(column).list.join("; "))


def holds_map(type_: Any) -> bool:
    """Whether DuckDB type `type_` is a MAP or holds one, read off the type, not its
    text, where a field or ENUM value may be named `MAP(`."""
    return type_.id == "map" or any(holds_map(child) for _, child in type_members(type_))


def _type_ids(type_: Any) -> set[str]:
    """The ids of DuckDB type `type_` and of every type nested in it, read off the type,
    not its text, where a field may be named `DOUBLE`."""
    return {type_.id}.union(*(_type_ids(child) for _, child in type_members(type_)))


def type_members(type_: Any) -> list[tuple[str, Any]]:
    """The (name, type) of each value a DuckDB nested type holds: a list's or array's
    element, a map's key and value, a struct's or union's fields; none for any other
    type. A union's first child is the tag saying which member a value is, and an
    array's second its size, neither a value's type."""
    kind = type_.id
    if kind not in ("list", "array", "map", "struct", "union"):
        return []
    given: list[tuple[str, Any]] = type_.children
    return given[1:] if kind == "union" else given[:1] if kind == "array" else given


def _single(value: Any) -> Any:
    """A FLOAT's values (nested ones too) as the double of the shortest text that reads
    back as the same FLOAT, as DuckDB prints it and CSV writes it from Arrow: Python has
    0.1::FLOAT as 0.10000000149011612, which JSON and nested values wrote."""
    if isinstance(value, float) and math.isfinite(value):
        import numpy as np  # only for a FLOAT, rare in a query: startup stays light

        return float(str(np.float32(value)))  # numpy prints a float32's shortest text
    if isinstance(value, list | tuple):
        return [_single(v) for v in value]
    if isinstance(value, dict):
        return {_single(k): _single(v) for k, v in value.items()}
    return value


def _floats_in(type_: Any) -> Callable[[Any], Any] | None:
    """How the values of DuckDB type `type_` have their FLOATs, and only those, written
    as DuckDB prints them (see _single); None when it holds none. A DOUBLE beside a
    FLOAT in a struct or a MAP keeps every digit."""
    kind = type_.id
    if kind == "float":
        return _single
    if kind == "union":  # its value does not say which member's it is
        ids = _type_ids(type_)
        return _single if "float" in ids and not ids & {"double", "decimal"} else None
    if kind in ("list", "array"):
        each = _floats_in(type_.children[0][1])
        return None if each is None else lambda v: v if v is None else [each(x) for x in v]
    if kind not in ("struct", "map"):
        return None
    parts = {name: _floats_in(t) for name, t in type_.children}
    if not any(parts.values()):
        return None
    if kind == "map":
        key, value = (parts[p] or _same for p in ("key", "value"))
        if dict(type_.children)["key"].id in ("list", "array", "struct", "map"):
            # Keys Python cannot hash: DuckDB gives the map as its lists of keys and values.
            return lambda v: (
                v
                if v is None
                else {"key": [key(k) for k in v["key"]], "value": [value(x) for x in v["value"]]}
            )
        return lambda v: v if v is None else {key(k): value(x) for k, x in v.items()}
    return lambda v: v if v is None else {k: (parts[k] or _same)(x) for k, x in v.items()}


def _same(value: Any) -> Any:
    return value


def _float32_as(dtype: Any, to: Any) -> Any:
    """`dtype` with every Float32 in it, nested ones too, replaced by `to`."""
    import polars as pl

    if dtype == pl.Float32:
        return to
    if isinstance(dtype, pl.List):
        return pl.List(_float32_as(dtype.inner, to))
    if isinstance(dtype, pl.Array):
        return pl.Array(_float32_as(dtype.inner, to), dtype.size)
    if isinstance(dtype, pl.Struct):
        return pl.Struct([pl.Field(f.name, _float32_as(f.dtype, to)) for f in dtype.fields])
    return dtype


def _unique(names: list[str]) -> list[str]:
    """`names` with each repeat of a name given the first suffix (a_1, a_2...) that no
    other column has: a join's SELECT * repeats names, and as dict keys (JSON) the last
    would silently win. A suffix one of the query's own columns has is skipped, or
    `SELECT 1 AS a, 2 AS a, 3 AS a_1` labelled 2 as a_1 and the query's a_1 a_1_1."""
    given = set(names)
    seen: set[str] = set()
    out = []
    for name in names:
        unique, n = name, 0
        while unique in seen or (n and unique in given):
            n += 1
            unique = f"{name}_{n}"
        seen.add(unique)
        out.append(unique)
    return out


def _iso(value: Any) -> Any:
    if isinstance(value, float):  # strict JSON parsers refuse NaN and Infinity
        return value if math.isfinite(value) else None
    if isinstance(value, list | tuple | dict):
        return _finite(value)
    if isinstance(value, datetime):
        # A TIMESTAMPTZ's offset too: its wall-clock time alone is some other moment
        # anywhere but in the session's zone.
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _write_csv(data: pl.DataFrame, handle: _Writer) -> None:
    # Polars, not the csv module: it tells an empty string ("") from a null (nothing),
    # and writes a million rows in a sixth of the time.
    import polars as pl

    texts: list[pl.Expr | pl.Series] = []
    # By position: pl.col reads a name such as '*' or '^a.*$' as a pattern of many.
    for at, (name, dtype) in enumerate(data.schema.items()):
        if dtype == pl.Date:
            texts.append(pl.nth(at).dt.strftime("%Y-%m-%d"))
        elif isinstance(dtype, pl.Datetime):
            offset = "%:z" if dtype.time_zone else ""  # as JSON has it (see _iso)
            texts.append(pl.nth(at).dt.strftime(f"%Y-%m-%dT%H:%M:%S%.6f{offset}"))
        elif dtype == pl.Time:
            # ISO text as a table and JSON write it (Python's): seconds, and microseconds
            # only where there are some, not Polars' nine digits always.
            col = pl.nth(at)
            whole = col.dt.strftime("%H:%M:%S")
            texts.append(
                pl.when(col.dt.nanosecond() == 0)
                .then(whole)
                .otherwise(col.dt.strftime("%H:%M:%S%.6f"))
                .alias(name)
            )
        elif dtype.is_nested():
            # Each FLOAT as the double of its shortest text, as Rows.of_result has it.
            column = data[name].cast(_float32_as(dtype, pl.String))
            column = column.cast(_float32_as(dtype, pl.Float64))
            texts.append(_as_text(column, _json_text))
        elif dtype in (pl.Duration, pl.Binary, pl.Object):  # what Polars' CSV cannot hold
            texts.append(_as_text(data[name], _cell))
        else:
            texts.append(pl.nth(at))
    handle.write(data.select(texts).write_csv() if texts else "")


def _as_text(column: pl.Series, text: Callable[[Any], str]) -> pl.Series:
    """A column written as text, value by value (nulls stay null)."""
    import polars as pl

    values = [None if v is None else text(v) for v in column.to_list()]
    return pl.Series(column.name, values, dtype=pl.String)


def _json_text(value: Any) -> str:
    """A nested value (a query's list, array or struct) as JSON text, a NaN or infinity
    in it null, as JSON output writes it."""
    return _dumps(_finite(value))


class _Writer(Protocol):
    def write(self, data: Any, /) -> int: ...


class _OpenedOnWrite:
    """A file opened at its first write, and written whole or not at all: an output
    that fails before it has anything to write (a type no format holds), or while it
    writes (a Ctrl-C, a full disk), leaves the file as it was. It is written beside its
    name and takes the name once complete; a name that is no regular file (/dev/null,
    a FIFO) or a file not ours to replace (see _replaceable), or a folder that takes no
    new file, is written in place."""

    def __init__(self, path: str, binary: bool):
        self.path, self.binary = path, binary
        self.handle: IO[Any] | None = None
        self.temp: str | None = None  # the file written, until it takes its name

    def write(self, data: Any, /) -> int:
        if self.handle is None:
            self.handle = self._open()
        return self.handle.write(data)

    def _open(self) -> IO[Any]:
        file: int | str = self.path
        target = os.path.realpath(self.path)  # a symbolic link's file, not the link
        if (descriptor := _descriptor(self.path)) is not None:
            # Opened anew by its name, the file would be truncated and written from its
            # start, under a script writing to it at its own offset (or appending).
            file = os.dup(descriptor)
        elif _stageable(self.path):
            try:
                file, self.temp = tempfile.mkstemp(
                    dir=os.path.dirname(target), prefix=f".{os.path.basename(target)}."
                )
            except OSError:
                pass  # a folder that takes no new file: its file may still be written
            else:
                # mkstemp's file is its owner's alone; the output has the file's mode, or
                # a new file's.
                if os.path.exists(target):
                    os.chmod(self.temp, os.stat(target).st_mode & 0o7777)
                else:
                    umask = os.umask(0)
                    os.umask(umask)
                    os.chmod(self.temp, 0o666 & ~umask)
        return open(
            file,
            "wb" if self.binary else "w",
            encoding=None if self.binary else "utf-8",
            newline=None if self.binary else "",
        )

    def close(self) -> None:
        if self.handle is None:  # nothing to write is an empty file
            self.write(b"" if self.binary else "")
        assert self.handle is not None
        self.handle.close()
        if self.temp is not None:
            os.replace(self.temp, os.path.realpath(self.path))
            self.temp = None

    def discard(self) -> None:
        """Close the file, and remove what was written of it unless close() named it."""
        if self.handle is not None:
            self.handle.close()
        if self.temp is not None:
            with suppress(OSError):
                os.remove(self.temp)


def _stageable(path: str) -> bool:
    """Whether an output to `path` is written beside it and takes its name once whole
    (see _OpenedOnWrite), rather than written in place."""
    named = os.path.basename(path) not in ("", ".", "..")  # not 'out/', a folder
    # A symbolic link's file, but not one an open descriptor names (/dev/stdout): that
    # is the file a shell opened for the script, whose writes go on in that file.
    return named and _descriptor(path) is None and _replaceable(os.path.realpath(path))


def _descriptor(path: str) -> int | None:
    """The open file descriptor of this process that `path` names through /dev/fd or
    /proc (/dev/stdout, /dev/fd/3, /proc/self/fd/1), or None."""
    folders = ("/dev/fd", f"/proc/{os.getpid()}/fd")
    for _ in range(40):  # the links Linux follows before ELOOP
        folder = os.path.realpath(os.path.dirname(path) or ".")
        name = os.path.basename(path)
        if folder in folders and name.isdigit():
            return int(name)
        if not os.path.islink(path):
            return None
        path = os.path.join(folder, os.readlink(path))
    return None


def _replaceable(target: str) -> bool:
    """Whether a new file may take `target`'s name: none is there, or a regular file of
    ours, one name of one file, that we may write. Renaming over a file needs only the
    folder's leave, so it would replace a file write-protected against us, take
    another's file (or fail in a sticky folder such as /tmp), and part one file's hard
    links; such a file is written in place, or refused, as it was before."""
    try:
        held = os.stat(target)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return (
        stat.S_ISREG(held.st_mode)
        and held.st_nlink == 1
        and held.st_uid == os.getuid()
        and os.access(target, os.W_OK)
    )


def utf8_stdout() -> IO[str]:
    """stdout, writing UTF-8 whatever the locale, as a file written with -o does: a
    Windows console redirected to a file (cp1252) or PYTHONIOENCODING=ascii failed on
    the first name in another script, and wrote one in Latin-1 that `import` (UTF-8)
    would not read back."""
    import codecs

    stdout = sys.stdout
    encoding = codecs.lookup(stdout.encoding or "ascii").name
    if encoding != "utf-8" and isinstance(stdout, io.TextIOWrapper):
        stdout.reconfigure(encoding="utf-8")
    return stdout


@contextmanager
def _opened(output: str | None, binary: bool = False) -> Iterator[_Writer]:
    """`output` opened for writing at the first write, or stdout."""
    if output in (None, "-"):
        # A stdout that cannot be written (a full disk, closed with >&-) is the user's
        # to fix, as -o's file is, not a bug; a reader gone (`| head`) stops quietly.
        if sys.stdout is None:
            raise TrendlabError("cannot write to stdout: it is closed")
        try:
            stdout = sys.stdout.buffer if binary else utf8_stdout()
            yield stdout
            stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise TrendlabError(f"cannot write to stdout: {exc.strerror or exc}") from None
        return
    target = _OpenedOnWrite(output, binary)
    try:
        yield target
        target.close()
    except BrokenPipeError:
        raise  # a FIFO's or a pipe's reader gone (-o /dev/stdout | head), as stdout's is
    except OSError as exc:
        raise TrendlabError(f"cannot write {output}: {exc.strerror or exc}") from None
    finally:
        target.discard()


def _cell(value: Any, floats: dict[float, str] | None = None) -> str:
    """A value as a table shows it; a float as `floats` (its column's, _float_texts)
    words it, else to _DIGITS significant digits."""
    if value is None:
        return ""
    if isinstance(value, float):
        return floats[value] if floats and value in floats else float_text(value, _DIGITS)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")  # a TIMESTAMPTZ's offset too
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | dict):  # a query's nested values
        return _json_text(value)
    return _text(value)


def _text(value: Any) -> str:
    """A value JSON has no type for as text: a BLOB's bytes as DuckDB writes them (which
    it reads back with ::BLOB), not Python's b'...'; a timestamp nested in a list or
    struct as one outside it (_iso); a Decimal in fixed point; anything else as str()
    has it."""
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, bytes):
        return "".join(
            chr(byte) if 32 <= byte < 127 and chr(byte) not in "\"'\\" else f"\\x{byte:02X}"
            for byte in value
        )
    if isinstance(value, Decimal) and value.is_finite():
        # Every digit of its scale, as DuckDB and CSV write it: str() has a DECIMAL(18, 10)
        # zero as 0E-10 and 0.0000001 as 1.000E-7.
        return f"{value:f}"
    return str(value)


def _dumps(obj: Any, indent: int | None = None, default: Callable[[Any], Any] = _text) -> str:
    """`obj` as JSON text, each Decimal in it (a DECIMAL's value) the number it is, with
    every digit DuckDB gives (2.50), as DuckDB writes JSON: as a string a script read a
    price as text, and through a float a DECIMAL(38, 3) would lose digits. Whatever
    else JSON has no type for is `default`'s."""

    def number(value: Any) -> Any:
        if isinstance(value, Decimal) and value.is_finite():
            return f"{_DECIMAL_MARK}{_text(value)}{_DECIMAL_MARK}"
        return default(value)

    text = json.dumps(obj, indent=indent, ensure_ascii=False, default=number)
    # Replaced, not matched by a pattern: a regular expression took as long as the
    # rest of writing a row.
    return text.replace(_OPENED, "").replace(_CLOSED, "")


def float_text(value: float, digits: int) -> str:
    """`value` to `digits` significant digits, or more where fewer would misstate it: a
    whole number a double holds exactly (a count: 176247271424 parameters, not
    1.76247e+11; 6666700, not 6.6667e+06) shows every digit it has, and a fraction never reads as a
    whole number (12345678.9 is not 1.23457e+07, 99.999996 is not 100). A subnormal
    number gets no more digits than the shortest text that reads back as it (1e-320
    read 9.99989e-321); a normal one rounds to that text anyway at up to 15 digits,
    which is all the callers ask for, where 17 digits would show 0.1 as
    0.10000000000000001."""
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else f"{value:g}"  # as CSV writes them
    if value.is_integer():
        # Past 2**53 a double no longer holds every whole number: FLOP are magnitudes.
        # 2**53 itself is held, and a count write takes it (9007199254740992 tokens).
        exact = abs(value) <= 2**53
        return f"{value:.{max(digits, _whole_digits(value)) if exact else digits}g}"
    if abs(value) < sys.float_info.min:
        # Only a subnormal number's shortest text can have fewer digits than `digits`
        # and still differ from it; asked of every value, it cost a wide table 40 %.
        digits = min(digits, _stored_digits(value))
    text = f"{value:.{digits}g}"
    while float(text).is_integer() and digits < 17:  # 17 digits tell every double apart
        digits += 1
        text = f"{value:.{digits}g}"
    return text


def _whole_digits(value: float) -> int:
    """How many digits a finite `value` has before its decimal point (0 below 1)."""
    return len(str(int(abs(value)))) if abs(value) >= 1 else 0


def _stored_digits(value: float) -> int:
    """How many significant digits the shortest text that reads back as `value` has
    (176247271424.0: 12, 1.75e11: 3)."""
    mantissa = repr(abs(value)).split("e")[0].replace(".", "")
    return max(1, len(mantissa.strip("0")))


def _float_texts(values: Iterable[Any], decimals: int | None = None) -> dict[float, str]:
    """A column's finite floats as a table shows them: to _DIGITS significant digits (or
    with `decimals` decimals where that takes more), or as many more as tell its
    different values apart (86.41234 and 86.41231 are not both 86.4123), but never more
    than the shortest text that reads back as it has. Each is formatted once per number
    of digits tried, and the cells are read from here, for a wide listing's sake."""
    # Zeros are left to _cell: -0.0 and 0.0 are one key, and no other value's text is 0.
    floats = {v for v in values if isinstance(v, float) and math.isfinite(v) and v != 0}
    least = dict.fromkeys(floats, _DIGITS)
    if decimals is not None:
        # Not past 2**53, where a double holds no fraction and a value is a magnitude
        # (FLOP): 1.4285714285714288e+26 showed every digit, for decimals it has none of.
        least = {
            v: max(_DIGITS, _whole_digits(v) + decimals) if abs(v) <= 2**53 else _DIGITS
            for v in floats
        }
    for digits in range(_DIGITS, 18):
        # Never past a value's own digits: at 17, 0.3 beside 0.1 + 0.2 read 0.29999999999999999.
        texts = {
            v: float_text(v, min(max(digits, least[v]), max(_DIGITS, _stored_digits(v))))
            for v in floats
        }
        if len(set(texts.values())) == len(texts):
            break
    return texts


def _table_text(
    rows: Rows, handle: _Writer, title: str | None = None, decimals: int | None = None
) -> None:
    # tabulate, as sqlite-utils prints its tables: it imports and lays out a table in a
    # fraction of rich's time, which a read command such as `query` would otherwise
    # spend more on than on its query. Values are laid out exactly as _cell writes them.
    from tabulate import tabulate

    if title:
        handle.write(title + "\n")
    if not rows.names:
        return
    # A cell shows control and format characters escaped, as errors do, but keeps its
    # newlines: tabulate lays out a cell of several lines.
    names = [escaped(name, newlines=True) for name in rows.names]
    # Tuples: tabulate would take a list whose first cell is "\x01" for a separator.
    floats = [_float_texts((row[i] for row in rows.rows), decimals) for i in range(len(names))]
    cells = [
        tuple(escaped(_cell(v, f), newlines=True) for v, f in zip(row, floats, strict=True))
        for row in rows.rows
    ]
    terminal = handle.isatty() if hasattr(handle, "isatty") else False
    fitted = _fitted_widths(names, rows.numeric, cells) if terminal else None
    text = tabulate(
        cells,
        headers=names,
        tablefmt="simple",
        colalign=["right" if numeric else "left" for numeric in rows.numeric],
        disable_numparse=True,
        preserve_whitespace=True,
        maxcolwidths=fitted[0] if fitted else None,
        maxheadercolwidths=fitted[1] if fitted else None,
    )
    handle.write("".join(line.rstrip() + "\n" for line in text.split("\n")))


def _fitted_widths(
    names: list[str], numeric: list[bool], cells: list[tuple[str, ...]]
) -> tuple[list[int | None], list[int]] | None:
    """On a terminal, the widths to wrap cells and headers at so that the table fits the
    window where it can (None if it fits as it is): the widest columns narrow first, to
    no less than _WRAP_MIN; numbers and short cells never wrap."""
    import shutil

    from wcwidth import wcswidth  # display width: a CJK character or an emoji takes two

    # A header of several lines (a query's column named with a newline) is as wide as
    # its widest line: wcswidth reads a newline as -1, which wrapped it a letter a line.
    heads = [max(wcswidth(line) for line in name.split("\n")) for name in names]
    widest = [
        max((wcswidth(line) for row in cells for line in row[i].split("\n")), default=0)
        for i in range(len(names))
    ]
    whole = [num or w <= _WHOLE_MAX for w, num in zip(widest, numeric, strict=True)]
    room = shutil.get_terminal_size().columns - 2 * (len(names) - 1)  # 2 between columns

    def fitted(cap: int) -> list[int]:
        # tabulate's "simple" format makes a column its header's width plus 2, at least:
        # a header wraps 2 short of the column's width, or its padding would widen a
        # column wrapped at `cap` past it, and the table past a window it could fit.
        return [
            max(content, min(head + 2, max(content, cap)))
            for head, content in zip(heads, contents(cap), strict=True)
        ]

    def contents(cap: int) -> list[int]:
        """Each column's widest cell once wrapped at `cap`."""
        return [w if keep else min(w, cap) for w, keep in zip(widest, whole, strict=True)]

    natural = [max(head + 2, w) for head, w in zip(heads, widest, strict=True)]
    if sum(natural) <= room:
        return None
    cap = max(natural)
    cap = min(cap, max(room, _WRAP_MIN))  # no column wider than the window
    while cap > _WRAP_MIN and sum(fitted(cap)) > room:
        cap -= 1
    cell_widths = [None if keep or w <= cap else cap for w, keep in zip(widest, whole, strict=True)]
    # A header wraps only where that narrows its column: one over ids kept whole
    # (changeset over 18 characters) read "changese" over "t" to save nothing.
    head_widths = [
        max(1, min(head, width - 2)) for head, width in zip(heads, fitted(cap), strict=True)
    ]
    return cell_widths, head_widths


def render(
    data: pl.DataFrame | Rows,
    fmt: str = "table",
    output: str | None = None,
    *,
    title: str | None = None,
) -> None:
    """Write a frame or rows in `fmt` to stdout or `output`."""
    if fmt == "parquet":
        if _on_terminal(output):
            # The command line asks for what it cannot have, whatever the data.
            raise TrendlabError(
                "parquet output is binary: pass -o FILE.parquet or redirect stdout",
                exit_code=ExitCode.USAGE,
            )
        with _opened(output, binary=True) as handle:
            buffer = io.BytesIO()
            _frame(data).write_parquet(buffer)
            handle.write(buffer.getvalue())
        return
    if fmt not in FORMATS:
        raise TrendlabError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    with _opened(output) as handle:
        if fmt == "csv":
            _write_csv(_frame(data), handle)
            return
        rows = data if isinstance(data, Rows) else Rows.of_frame(data)
        if fmt == "table":
            _table_text(rows, handle, title)
        elif fmt == "json":
            handle.write(_dumps(list(rows.dicts()), indent=2) + "\n")
        else:
            for row in rows.dicts():
                handle.write(_dumps(row) + "\n")


def _on_terminal(output: str | None) -> bool:
    """Whether `output` is stdout, or a descriptor a name gives (-o /dev/stdout, see
    _descriptor), on a terminal."""
    if output in (None, "-"):
        return sys.stdout is not None and sys.stdout.isatty()
    descriptor = _descriptor(output)
    return descriptor is not None and os.isatty(descriptor)


def _frame(data: pl.DataFrame | Rows) -> pl.DataFrame:
    """A frame, or rows as one with the types their values imply."""
    return frame_of(data) if isinstance(data, Rows) else data


def frame_of(data: Rows, types: Sequence[pl.DataType | None] = ()) -> pl.DataFrame:
    """Rows as a frame, for the formats Polars writes: each column of its type in
    `types` (a query's: those DuckDB's Arrow gives) where that holds its values, else
    of the type its values imply."""
    import polars as pl

    # A column holding a MAP is its JSON text, as JSON output writes it: Polars would
    # make its dicts one struct of every key any of them has, giving {"a": 1} a "b": null
    # it never had, and refuses a key that is not text (MAP(INTEGER, ...)).
    nested = {i for i, is_map in enumerate(data.maps) if is_map}
    rows = data.rows
    if nested:
        rows = [
            tuple(_json_text(v) if i in nested and v is not None else v for i, v in enumerate(r))
            for r in rows
        ]
    count = len(data.names)
    # A MAP is its JSON text, also where no value says so (no rows, or nulls only).
    typed = [
        pl.String() if is_map else type_
        for type_, is_map in zip(types or [None] * count, data.maps or [False] * count, strict=True)
    ]
    for i, type_ in enumerate(typed):
        if type_ is not None and polars_holds(type_, pl.Decimal):
            column = _decimal_column([r[i] for r in rows], type_)
            rows = [(*r[:i], v, *r[i + 1 :]) for r, v in zip(rows, column, strict=True)]
        elif type_ is None and (mixed := _mixed_kinds([r[i] for r in rows])):
            rows = [(*r[:i], _texts_at(r[i], mixed), *r[i + 1 :]) for r in rows]
    # Every row read for the types: a whole number past Int64 after 100 smaller ones
    # failed as a bug.
    frame = pl.DataFrame(rows, schema=data.names, orient="row", infer_schema_length=None)
    frame = frame.with_columns(
        _typed(frame[name], type_)
        for name, type_ in zip(frame.columns, typed, strict=True)
        if type_ is not None
    )
    return frame.with_columns(
        _whole_number(frame[name])
        for name, dtype in frame.schema.items()
        if dtype in (pl.Int128, pl.UInt128)
    )


def _mixed_kinds(values: list[Any]) -> set[tuple[Any, ...]]:
    """The places in a column's `values` (itself, a list's elements, a struct's field,
    nested too) where they are of kinds Polars holds in no one column: a day beside a
    text (DuckDB hands over one Python has not, the year 300000 or a day BC, as its
    text), a UNION's members (a day beside a number, a list beside a text), a moment
    with a zone beside one without (an infinite TIMESTAMPTZ has none). A whole number
    beside a fraction is no mix: both are numbers."""
    # Values of one flat type, the most of any result, are told by their types alone:
    # walked value by value, a plain query's CSV took about 1.3 times as long.
    flat = {type(v) for v in values} - {type(None)}
    if len(flat) <= 1 and not flat & {list, tuple, dict, datetime}:
        return set()
    kinds: dict[tuple[Any, ...], set[object]] = {}

    def walk(value: Any, place: tuple[Any, ...]) -> None:
        if value is None:
            return
        if isinstance(value, list | tuple):
            kinds.setdefault(place, set()).add(list)
            for item in value:
                walk(item, (*place, list))
        elif isinstance(value, dict):
            kinds.setdefault(place, set()).add(dict)
            for name, item in value.items():
                walk(item, (*place, name))
        else:
            number = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
            zoned = isinstance(value, datetime) and value.tzinfo is not None
            kinds.setdefault(place, set()).add(float if number else (type(value), zoned))

    for value in values:
        walk(value, ())
    return {place for place, found in kinds.items() if len(found) > 1}


def _texts_at(value: Any, mixed: set[tuple[Any, ...]], place: tuple[Any, ...] = ()) -> Any:
    """`value` with what it holds at each of the `mixed` places as its text: a day as
    JSON writes it, a list or struct as its JSON text."""
    if value is None or isinstance(value, str):
        return value
    if place in mixed:
        if isinstance(value, date | time | bytes):
            return _text(_iso(value))
        if isinstance(value, float) and not math.isfinite(value):
            return float_text(value, _DIGITS)  # NaN, inf, as CSV writes them: not null
        return _json_text(value)
    if isinstance(value, list | tuple):
        return [_texts_at(item, mixed, (*place, list)) for item in value]
    if isinstance(value, dict):
        return {name: _texts_at(item, mixed, (*place, name)) for name, item in value.items()}
    return value


def polars_holds(type_: pl.DataType | DataTypeClass, kind: type[pl.DataType]) -> bool:
    """Whether Polars type `type_` is of `kind` (pl.Decimal, say) or holds one, in a
    list, array or struct."""
    import polars as pl

    if isinstance(type_, kind):
        return True
    if isinstance(type_, pl.List | pl.Array):
        return polars_holds(type_.inner, kind)
    if isinstance(type_, pl.Struct):
        return any(polars_holds(f.dtype, kind) for f in type_.fields)
    return False


def _decimal_column(values: list[Any], type_: pl.DataType) -> list[Any]:
    """A column's `values` with each whole number where `type_` has a DECIMAL (a HUGEINT
    or UHUGEINT, nested ones too) a Decimal, which Polars holds in one column whatever
    its size (ints past Int64 beside smaller ones failed); or, where one is past the 38
    digits a DECIMAL holds, each value as its text, JSON text if nested."""
    try:
        return [_decimals(v, type_) for v in values]
    except OverflowError:
        return [v if v is None else _json_text(v) for v in values]


def _decimals(value: Any, type_: pl.DataType | DataTypeClass) -> Any:
    """`value` with each whole number where `type_` has a DECIMAL a Decimal; an
    OverflowError past 38 digits."""
    import polars as pl

    if value is None:
        return None
    if isinstance(type_, pl.Decimal):
        if not isinstance(value, int):
            return value
        if abs(value) >= 10**38:
            raise OverflowError(value)
        return Decimal(value)
    if isinstance(type_, pl.List | pl.Array):
        return [_decimals(v, type_.inner) for v in value]
    if isinstance(type_, pl.Struct):
        fields = {f.name: f.dtype for f in type_.fields}
        return {k: _decimals(v, fields[k]) if k in fields else v for k, v in value.items()}
    return value


def _typed(column: pl.Series, type_: pl.DataType) -> pl.Series:
    """`column` cast to `type_`, its timestamps in nanoseconds read from DuckDB's text of
    them, or as it is where `type_` cannot hold a value of it (a HUGEINT past 38 digits:
    see _whole_number)."""
    import polars as pl

    try:
        return column.cast(type_)
    except pl.exceptions.PolarsError:
        pass
    try:
        read = column.to_frame().select(_nanoseconds_read(pl.col(column.name), type_))
        return read.to_series().cast(type_)
    except pl.exceptions.PolarsError:
        return column


# DuckDB's text of a TIMESTAMP_NS: 2024-01-02 03:04:05.123456789, or with no fraction.
_NANOSECONDS = "%Y-%m-%d %H:%M:%S%.f"


def _nanoseconds_read(expr: pl.Expr, type_: pl.DataType | DataTypeClass) -> pl.Expr:
    """`expr` with each text where `type_` has a timestamp in nanoseconds, nested ones
    too, read as one; an array is a list in rows."""
    import polars as pl

    if isinstance(type_, pl.Datetime) and type_.time_unit == "ns":
        return expr.str.to_datetime(_NANOSECONDS, time_unit="ns", strict=True)
    if isinstance(type_, pl.List | pl.Array):
        return expr.list.eval(_nanoseconds_read(pl.element(), type_.inner))
    if isinstance(type_, pl.Struct):
        return expr.struct.with_fields(
            [_nanoseconds_read(pl.field(f.name), f.dtype) for f in type_.fields]
        )
    return expr


def _whole_number(column: pl.Series) -> pl.Series:
    """A column of whole numbers past Int64 (a HUGEINT or UHUGEINT read from its rows)
    as a DECIMAL(38, 0), as DuckDB's Arrow gives a HUGEINT, or past its 38 digits as
    text: Parquet had them as 16 bytes, a BLOB to DuckDB and an error to pyarrow."""
    import polars as pl

    try:
        return column.cast(pl.Decimal(38, 0))
    except pl.exceptions.InvalidOperationError:
        return column.cast(pl.String)


def render_tables(
    tables: list[tuple[str, pl.DataFrame]], output: str | None = None, decimals: int | None = None
) -> None:
    """Several titled tables, one after another (for results that are not one table),
    each float with `decimals` decimals where six significant digits drop some (figures
    rounded for reading, as the report shows them: 11396.22, not 11396.2)."""
    with _opened(output) as handle:
        for i, (title, df) in enumerate(tables):
            if i:
                handle.write("\n")
            handle.write(title + "\n")
            _table_text(Rows.of_frame(df), handle, decimals=decimals)


def render_record(record: dict[str, Any], fmt: str = "table", output: str | None = None) -> None:
    """One record: a field/value table, or a JSON object."""
    if fmt == "json":
        with _opened(output) as handle:
            plain = {name: _iso(value) for name, value in record.items()}
            handle.write(_dumps(plain, indent=2, default=str) + "\n")
        return
    if fmt == "table":
        render(Rows(["field", "value"], [False, False], list(record.items())), "table", output)
        return
    render(Rows(list(record), [False] * len(record), [tuple(record.values())]), fmt, output)


def write_text(text: str, output: str | None = None) -> None:
    """Text laid out already (the HTML report) to stdout or `output`, as `render` writes."""
    with _opened(output) as handle:
        handle.write(text)


def write_bytes(data: bytes, output: str) -> None:
    """Bytes laid out already (a figure) to `output`, as `render` writes a file."""
    with _opened(output, binary=True) as handle:
        handle.write(data)


@contextmanager
def written_with(data: bytes, output: str) -> Iterator[None]:
    """`data` written to `output` as write_bytes writes it, but taking its name only once
    the block has succeeded (a reader gone, `| head`, counts as success): a figure and
    the output the block writes stand or fall together, neither left by a failure of
    the other. A file written in place (a hard link, another's file, a FIFO) is written
    after the block: before it, a failed output would leave it overwritten, and a FIFO
    would wait for its reader before any output is written."""
    if not _stageable(output):
        try:
            yield
        except BrokenPipeError:
            write_bytes(data, output)
            raise
        write_bytes(data, output)
        return
    target = _OpenedOnWrite(output, binary=True)

    def staged() -> None:
        target.write(data)
        assert target.handle is not None
        target.handle.flush()  # a full disk is found now, before the block writes

    try:
        _naming_failure(output, staged)
        try:
            yield
        except BrokenPipeError:
            _naming_failure(output, target.close)
            raise
        _naming_failure(output, target.close)
    finally:
        target.discard()


def _naming_failure(output: str, step: Callable[[], None]) -> None:
    """Run `step`, a write to `output`, its failure the one-line error -o's is."""
    try:
        step()
    except OSError as exc:
        raise TrendlabError(f"cannot write {output}: {exc.strerror or exc}") from None


def render_json(obj: Any, output: str | None = None) -> None:
    """A JSON document (for results that are not tables, such as forecasts)."""
    with _opened(output) as handle:
        text = json.dumps(_finite(obj), indent=2, ensure_ascii=False, default=_json_default)
        handle.write(text + "\n")


def _finite(obj: Any) -> Any:
    """`obj` with every NaN and infinity inside it as null (JSON has neither), and each
    dict key JSON cannot name (a MAP's DATE or TIMESTAMP) as its text (_text)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {_key(k): _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def _key(key: Any) -> Any:
    """A dict key as JSON takes it: json.dumps refuses any but text, numbers and None."""
    return key if key is None or isinstance(key, str | int | float) else _text(key)


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
