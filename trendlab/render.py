"""Output shared by every read command: table, csv, json, jsonl or parquet.

Data goes to stdout (or -o FILE); nothing else does, so `trendlab list results --csv
> out.csv` is clean.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import IO, Any

import polars as pl

from trendlab.errors import TrendlabError

FORMATS = ("table", "csv", "json", "jsonl", "parquet")


def _plain(df: pl.DataFrame, nested_as_text: bool = False) -> pl.DataFrame:
    """Temporal columns as ISO text, so every format writes dates the same way; nested
    ones (a query's lists and structs) as JSON text where a format cannot nest."""
    exprs: list[pl.Expr | pl.Series] = []
    for name, dtype in df.schema.items():
        if dtype == pl.Date:
            exprs.append(pl.col(name).dt.strftime("%Y-%m-%d"))
        elif dtype == pl.Datetime:
            exprs.append(pl.col(name).dt.strftime("%Y-%m-%dT%H:%M:%S%.6f"))
        elif dtype.is_nested() and nested_as_text:
            texts = [
                None if v is None else json.dumps(v, ensure_ascii=False, default=str)
                for v in df[name].to_list()
            ]
            exprs.append(pl.Series(name, texts, dtype=pl.String))
        else:
            exprs.append(pl.col(name))
    return df.select(exprs) if exprs else df


@contextmanager
def _opened(output: str | None, binary: bool = False) -> Iterator[IO[Any]]:
    if output in (None, "-"):
        yield sys.stdout.buffer if binary else sys.stdout
        return
    try:
        with open(
            output,
            "wb" if binary else "w",
            encoding=None if binary else "utf-8",
            newline=None if binary else "",
        ) as handle:
            yield handle
    except OSError as exc:
        raise TrendlabError(f"cannot write {output}: {exc.strerror or exc}") from None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):  # a query's nested values
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _table_text(df: pl.DataFrame, handle: IO[str], title: str | None = None) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", show_edge=False)
    for name, dtype in df.schema.items():
        table.add_column(name, justify="right" if dtype.is_numeric() else "left", overflow="fold")
    for row in df.iter_rows():
        # Text, not str: rich would read "[...]" in a value (a note, a query's list) as markup.
        table.add_row(*(Text(_cell(v)) for v in row))
    terminal = handle.isatty() if hasattr(handle, "isatty") else False
    if terminal:
        Console(file=handle, highlight=False).print(table)
        return
    # Off a terminal: no wrapping, no colour, no trailing blanks.
    console = Console(file=io.StringIO(), width=100_000, no_color=True, highlight=False)
    with console.capture() as captured:
        console.print(table)
    handle.writelines(line.rstrip() + "\n" for line in captured.get().splitlines())


def render(
    df: pl.DataFrame, fmt: str = "table", output: str | None = None, *, title: str | None = None
) -> None:
    """Write a frame in `fmt` to stdout or `output`."""
    if fmt == "parquet":
        if output in (None, "-") and sys.stdout.isatty():
            raise TrendlabError("parquet output is binary: pass -o FILE.parquet or redirect stdout")
        with _opened(output, binary=True) as handle:
            buffer = io.BytesIO()
            df.write_parquet(buffer)
            handle.write(buffer.getvalue())
        return
    plain = _plain(df, nested_as_text=fmt == "csv")
    with _opened(output) as handle:
        if fmt == "table":
            _table_text(df, handle, title)
        elif fmt == "csv":
            handle.write(plain.write_csv())
        elif fmt == "json":
            # default=str: dates inside a query's nested values
            text = json.dumps(plain.to_dicts(), indent=2, ensure_ascii=False, default=str)
            handle.write(text + "\n")
        elif fmt == "jsonl":
            for row in plain.iter_rows(named=True):
                handle.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        else:
            raise TrendlabError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")


def render_tables(tables: list[tuple[str, pl.DataFrame]], output: str | None = None) -> None:
    """Several titled tables, one after another (for results that are not one table)."""
    with _opened(output) as handle:
        for i, (title, df) in enumerate(tables):
            if i:
                handle.write("\n")
            handle.write(title + "\n")
            _table_text(df, handle)


def render_record(record: dict[str, Any], fmt: str = "table", output: str | None = None) -> None:
    """One record: a field/value table, or a JSON object."""
    if fmt == "json":
        plain = _plain(pl.DataFrame([record]))
        with _opened(output) as handle:
            handle.write(json.dumps(plain.to_dicts()[0], indent=2, ensure_ascii=False) + "\n")
        return
    if fmt == "table":
        pairs = pl.DataFrame(
            {"field": list(record), "value": [_cell(v) for v in record.values()]},
            schema={"field": pl.String, "value": pl.String},
        )
        render(pairs, "table", output)
        return
    render(pl.DataFrame([record]), fmt, output)


def render_json(obj: Any, output: str | None = None) -> None:
    """A JSON document (for results that are not tables, such as forecasts)."""
    with _opened(output) as handle:
        handle.write(json.dumps(obj, indent=2, ensure_ascii=False, default=_json_default) + "\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
