"""Named queries: queries/NAME.sql, runnable by `trendlab query NAME` and by hand.

A query file starts with comment lines: the first is its description, and each
`-- param NAME: help` declares a parameter, written `$NAME` in the SQL and always
bound by DuckDB, never pasted into the text.

A parameter whose help starts with `KIND slug` (`-- param benchmark: benchmark slug,
e.g. math`), KIND a kind keyed by slug (organization, model, benchmark), names a
record: its value is resolved as every command resolves a name (in any case, a model
by an alias too) to the slug stored, and a name of no record in the state read is an
error, not an empty answer.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
from duckdb.sqltypes import VARCHAR, DuckDBPyType

from trendlab.db import Store
from trendlab.errors import ExitCode, TrendlabError
from trendlab.kinds import KINDS, Kind
from trendlab.nearest import nearest, suggest
from trendlab.readable_dates import FIRST_DAY, PAST_LAST_DAY, PER_SECOND, SECONDS_A_DAY
from trendlab.render import Rows, frame_of, holds_map, polars_holds, type_members
from trendlab.resources import resource_dir
from trendlab.text import DATE_RE, DIGITS_RE, NUMBER_RE, blank, listed, quoted, utf8_text

if TYPE_CHECKING:
    import polars as pl
    import pyarrow as pa
    from polars.datatypes import DataTypeClass

NAME_RE = re.compile(r"[A-Za-z_][\w-]*")  # whole, with fullmatch: $ passes a final \n
_PARAM_RE = re.compile(r"^--\s*param\s+(\w+)\s*:\s*(.*)$")
# The kinds a parameter can name by slug, by singular name (see slug_kind).
SLUG_KINDS: dict[str, Kind] = {k.singular: k for k in KINDS.values() if k.key_fields == ("slug",)}
_SLUG_HELP_RE = re.compile(rf"^({'|'.join(SLUG_KINDS)}) slug\b")


@dataclass
class NamedQuery:
    name: str
    description: str
    sql: str
    params: dict[str, str] = field(default_factory=dict)

    def slug_kind(self, param: str) -> Kind | None:
        """The kind `param` names a record of, by slug: its help starts with `KIND slug`."""
        match = _SLUG_HELP_RE.match(self.params.get(param, ""))
        return SLUG_KINDS[match[1]] if match else None


def parse(name: str, text: str) -> NamedQuery:
    description, params = "", {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("--"):
            break
        match = _PARAM_RE.match(stripped)
        if match:
            params[match[1]] = match[2].strip()
        elif not description:
            description = stripped.lstrip("-").strip()
    return NamedQuery(name=name, description=description, sql=text, params=params)


def named_queries() -> dict[str, NamedQuery]:
    """Every shipped named query, by name."""
    found = {}
    for entry in resource_dir("queries").iterdir():
        if entry.name.endswith(".sql"):
            name = entry.name.removesuffix(".sql")
            found[name] = parse(name, entry.read_text(encoding="utf-8"))
    return dict(sorted(found.items()))


def _no_sql(why: str = "") -> TrendlabError:
    """There is no SQL to run (blank, or comments alone): the command line's fault, as a
    blank -m or KEY is, whether typed or piped in."""
    return TrendlabError(
        f"no SQL to run: {why}give SQL, a query name, or --list", exit_code=ExitCode.USAGE
    )


def resolve(sql_or_name: str, *, piped: bool = False) -> NamedQuery:
    """A named query, or ad-hoc SQL wrapped as one; `piped`: read from stdin (query -)."""
    if not sql_or_name.strip("\x00 \t\r\n;"):
        raise _no_sql()
    if _file_name(sql_or_name):
        # The command's tail alone: --db, if given, comes before it. Piped in, the name
        # was where the file's SQL goes: "give - and pipe the file in" it had done.
        file = sql_or_name.strip()
        given = "pipe the file itself in" if piped else "give - and pipe the file in"
        pipe = f"{given} (query - < {shlex.quote(file)})"
        # FRONTIER.SQL is frontier.sql on a file system that ignores case (macOS's,
        # Windows'): the query it names is named in its own case.
        stem = Path(file).name[: -len(".sql")].lower()
        named = [name for name in named_queries() if name.lower() == stem]
        how = f"name the query alone (query {named[0]}), or {pipe}" if named else pipe
        held = (
            f"stdin holds {quoted(file)}, a file name"
            if piped
            else f"{quoted(file)} is a file name"
        )
        raise TrendlabError(f"{held}, not SQL: {how}", exit_code=ExitCode.USAGE)
    if NAME_RE.fullmatch(sql_or_name):
        queries = named_queries()
        if sql_or_name in queries:
            return queries[sql_or_name]
        if _one_word_statement(sql_or_name):
            return NamedQuery(name="sql", description="", sql=sql_or_name)
        raise TrendlabError(
            f"no named query {quoted(sql_or_name)}{suggest(sql_or_name, queries)}; "
            f"named queries: {', '.join(queries)} (or pass SQL)"
        )
    return NamedQuery(name="sql", description="", sql=sql_or_name)


def _file_name(text: str) -> bool:
    """Whether `text` is the name of an SQL file, not SQL: it ends in .sql and DuckDB
    cannot parse it, and it holds no white space or names a file there is (`query
    frontier.sql` was DuckDB's "syntax error at or near ...")."""
    text = text.strip()
    if not text.lower().endswith(".sql") or (re.search(r"\s", text) and not Path(text).is_file()):
        return False
    con = duckdb.connect()
    try:
        con.extract_statements(text)
    except duckdb.Error:
        return True
    finally:
        con.close()
    return False


def piped_sql(data: bytes) -> str:
    """SQL (or a query's name) read from stdin: UTF-8, its end stripped (a file's last
    line ends in a newline, which a name piped in does not have as a name). A NUL byte
    before SQL is an error naming its line: DuckDB reads SQL only up to the first, so the
    rest was dropped without a word (`SELECT 1 AS x<NUL>, 2 AS y` gave x alone) and SQL
    after a leading one was called only comments. NULs with nothing after them but
    blanks (a file's padding) drop nothing, and are left out."""
    text = utf8_text(data, "stdin").rstrip()
    nul = text.find("\x00")
    if nul < 0:
        return text
    if text[nul:].strip("\x00 \t\r\n;"):
        # Lines end with \n, \r\n or a lone \r, as utf8_text counts them.
        line = len(re.findall(r"\r\n|\r|\n", text[:nul])) + 1
        raise TrendlabError(f"stdin:{line}: a NUL byte, where DuckDB would end the SQL; remove it")
    return text[:nul].rstrip()  # blank, it is resolve's no-SQL error


def _one_word_statement(word: str) -> bool:
    """Whether DuckDB reads `word` alone as a statement (CHECKPOINT, VACUUM, ANALYZE,
    COMMIT, SHOW): SQL, which the read check then runs or refuses, not a query name
    (CHECKPOINT was "no named query 'CHECKPOINT'", where CHECKPOINT; was refused)."""
    con = duckdb.connect()
    try:
        return bool(con.extract_statements(word))
    except duckdb.Error:
        return False
    finally:
        con.close()


def run(
    store: Store,
    query: NamedQuery,
    params: dict[str, str],
    *,
    frame: bool = False,
    parquet: bool = False,
    limit: int | None = None,
) -> Rows | pl.DataFrame:
    """Run a query with bound parameters on `store` and return its rows (the first
    `limit` of them, if given), or with `frame` a Polars frame that keeps DuckDB's
    column types (for CSV and parquet, which Polars writes). Values that a format would
    misstate are DuckDB's text of them (see _as_text): for `parquet`, fewer types. A
    named query's slug parameters (see slug_kind) are bound to the slug of the record
    they name."""
    if query.name != "sql":
        # The named query declares its parameters: an unknown or missing one is the
        # command line's fault, as a malformed --param is.
        _check_params(f"query {query.name}", list(query.params), params)
    checked = False  # only a statement checked as a read is run again (see _cause)
    try:
        if query.name != "sql":
            params = {p: _named_key(store, query, p, v) for p, v in params.items()}
        else:
            _check_sql_params(store, query.sql, params)
        _check_reads_only(store, query.sql, params)
        checked = True
        ran = store.execute(query.sql, params or None)
        texts = _TEXT_TYPES if parquet else _TEXT_TYPES_BUT_PARQUET
        result = _as_text(store, ran, query.sql, params, texts)
        if not frame or result.description is None:
            return _infinities_told(store, result, query.sql, params, limit)
        import polars as pl

        table = _arrow_table(result, limit)
        # CSV writes a list or struct as JSON text, which from Arrow has a HUGEINT in it as
        # a DECIMAL(38, 0), a string ("3"), where a table and JSON write the number (3):
        # such a column is written from its rows, as a MAP is.
        whole = [not parquet and _nests_whole_number(d[1]) for d in result.description]
        try:
            # An infinite date or one past year 9999 is a day Polars cannot write, or (a
            # TIMESTAMP_S's, overflowing as Polars turns it into milliseconds) another day.
            if not any(whole) and _dates_in_range(table) and _decimals_held(table):
                taken = pl.from_arrow(table)
                assert isinstance(taken, pl.DataFrame)  # a table's, not a column's
                if not any(_opaque(t) for t in taken.schema.dtypes()):
                    return taken
        except pl.exceptions.PolarsError:
            pass  # a type Polars cannot take from Arrow, or a name repeated
        # The rows instead, of the types Arrow gives their columns: read from the values,
        # a column of nulls had none and a SMALLINT or DECIMAL(5,2) a wider one. A
        # TIMESTAMP_NS is read as DuckDB's text of it (Python's datetime would drop its
        # last three digits, and have 'infinity' as the year 9999), which frame_of reads
        # back where such a type is found; where none is, as in a column holding
        # 'infinity', it is that text, as an infinite TIMESTAMP's column is, and in a
        # MAP, written as JSON text, as CSV and JSON have it.
        types = _polars_types(table)
        maps = [holds_map(d[1]) for d in result.description]
        ran = store.execute(query.sql, params or None)
        rows = _infinities_told(
            store,
            _as_text(store, ran, query.sql, params, _TEXT_TYPES_BUT_PARQUET),
            query.sql,
            params,
            limit,
        )
        rows.maps = [is_map or w for is_map, w in zip(maps, whole, strict=True)]
        return frame_of(rows, types)
    except duckdb.Error as exc:
        cause = _cause(store, query.sql, params, exc) if checked else exc
        raise TrendlabError(
            _explain(cause, lake=store.is_lake) + _text_params_hint(str(cause), query.sql, params)
        ) from None


def _check_params(
    what: str, declared: Sequence[str], params: dict[str, str], *, any_case: bool = False
) -> None:
    """Refuse a --param `what` (a named query, or the SQL) has no parameter for, or a
    parameter of it with no --param: a usage error naming it. An unknown one first: it
    is most likely the missing one misspelt (--param bench=math). With `any_case`,
    names match in any case."""

    def form(name: str) -> str:
        return name.lower() if any_case else name

    known = {form(p) for p in declared}
    extra = [p for p in params if form(p) not in known]
    if extra:
        close = nearest(extra[0], declared, n=1)
        meant = f"did you mean {close[0]!r}?; " if close else ""
        listed = ", ".join(declared) or "none"
        raise TrendlabError(
            f"{what} has no parameter {extra[0]!r} ({meant}parameters: {listed})",
            exit_code=ExitCode.USAGE,
        )
    given = {form(p) for p in params}
    missing = [p for p in declared if form(p) not in given]
    if missing:
        hint = " ".join(f"--param {p}=..." for p in missing)
        raise TrendlabError(f"{what} needs {hint}", exit_code=ExitCode.USAGE)


def _check_sql_params(store: Store, sql: str, params: dict[str, str]) -> None:
    """_check_params for ad-hoc SQL, whose parameters are the $names it uses, in any
    case, as DuckDB matches them ($X is --param x). DuckDB's own words were a query
    error (exit 1), "Parameter argument/count mismatch, identifiers of the excess
    parameters: n"."""
    statements = store.con.extract_statements(sql)
    if len(statements) != 1 or statements[0].type.name not in _READING:
        # Only comments, several statements or a write: refused as that by the read
        # check, not sent to add a --param first.
        return
    used = sorted({name.lower() for st in statements for name in st.named_parameters})
    _check_params("the SQL", used, params, any_case=True)


# DuckDB's words for a function or operator that takes no text where a text was given.
_TEXT_ARGUMENT_RE = re.compile(r"Binder Error: .*\b(STRING_LITERAL|VARCHAR)\b.*type casts")


def _text_params_hint(text: str, sql: str, params: dict[str, str]) -> str:
    """What to add to DuckDB's error `text` when it is about a text argument and the
    query was given parameters, which are bound as text: `$n + 1` with --param n=5 was
    DuckDB's candidate-function error alone, with no word of why its 5 was text.

    DuckDB's error names no parameter, so the hint names each one `sql` uses whose
    value reads as another type (a number, a date), with that type's cast; where none
    does, each one `sql` uses. It named the first given, often not the one at fault.
    """
    if not params or not _TEXT_ARGUMENT_RE.search(text):
        return ""
    used = [p for p in params if _uses(sql, p)] or list(params)
    typed = {p: _cast_for(params[p]) for p in used}
    candidates = [p for p in used if typed[p]] or used
    casts = [f"${p}::{typed[p] or 'INTEGER'}" for p in candidates]
    return (
        f" (--param values are bound as text: cast one where SQL needs another type, "
        f"e.g. {listed(casts, 'or')})"
    )


def _uses(sql: str, param: str) -> bool:
    """Whether `sql` holds `$param` (DuckDB matches a parameter's name in any case)."""
    return re.search(rf"\${re.escape(param)}(?![A-Za-z0-9_])", sql, re.IGNORECASE) is not None


# The casts a parameter's text may have been meant as, by its form.
_INTEGER_TEXT_RE = re.compile(rf"[-+]?{DIGITS_RE}")
_NUMBER_TEXT_RE = re.compile(NUMBER_RE)
_DATE_TEXT_RE = re.compile(DATE_RE)


def _cast_for(value: str) -> str | None:
    """The type `value` reads as, for a cast to it (INTEGER for 5, DATE for 2024-01-01),
    or None where it reads as text alone."""
    value = value.strip()
    if _INTEGER_TEXT_RE.fullmatch(value):
        return "INTEGER" if abs(int(value)) < 2**31 else "BIGINT"
    if _NUMBER_TEXT_RE.fullmatch(value):
        return "DOUBLE"
    if _DATE_TEXT_RE.fullmatch(value):
        return "DATE"
    return None


# What DuckDB's Python client says of an error a query raises once some of its rows
# have been fetched (error() on the 300,000th row), in place of that error.
_LOST_ERROR = "Attempting to execute an unsuccessful or closed pending query result"


def _cause(store: Store, sql: str, params: dict[str, str], exc: duckdb.Error) -> duckdb.Error:
    """`exc`, or where it is DuckDB's word for an error it lost while fetching rows
    (_LOST_ERROR: a table, JSON and JSON Lines fetch them so), the error `sql` raises
    when run again whole, which names the problem as CSV and Parquet already did."""
    if _LOST_ERROR not in str(exc):
        return exc
    store.read_again()
    try:
        store.relation(sql, params or None).fetch_arrow_table()
    except duckdb.Error as again:
        return again
    return exc


# The types written as DuckDB's text of them (see _as_text), by DuckDB's type id: in
# Parquet, and in the other formats, which have no nanoseconds. (DuckDB's client has
# no TIME_NS at all: it is text in every format.)
_TEXT_TYPES = frozenset({"interval", "time with time zone", "bit", "uuid", "time_ns"})
_TEXT_TYPES_BUT_PARQUET = _TEXT_TYPES | {"timestamp_ns"}


def _as_text(
    store: Store,
    result: duckdb.DuckDBPyConnection,
    sql: str,
    params: dict[str, str],
    texts: frozenset[str],
) -> duckdb.DuckDBPyConnection | duckdb.DuckDBPyRelation:
    """`result`, of `sql` just run, or where it holds a type of `texts` (by DuckDB's
    type id), which the formats would write
    differently or wrongly (nested ones too), `sql` again with each such value as
    DuckDB's text of it, which DuckDB and PostgreSQL read back as the value:

    - an INTERVAL (`1 year 2 months`, `-01:30:00`): Python has it as a timedelta, a
      month as 30 days (`1 month` was written "30 days, 0:00:00", `-90 minutes` "-1 day,
      22:30:00"), and Polars takes none from Arrow (a list of them crashed CSV);
    - a TIME WITH TIME ZONE (`12:30:05+02`): Arrow drops its offset, so CSV and Parquet
      wrote another time (`12:30:05`);
    - a BIT (`101`): Arrow has it as bytes, so CSV wrote `b'\\x05\\xfd'`;
    - a UUID: Python has it as an object, which Polars keeps in no list or struct, so
      one there failed CSV and Parquet from rows (its text is what every format wrote);
    - a TIMESTAMP_NS (`2024-01-02 03:04:05.123456789`, `infinity`), in the text formats:
      Python's datetime holds microseconds, so the last three digits were lost.

    A struct of unnamed fields (`row(1, 'x')`) is cast too, to fields named v1, v2...:
    CSV and Parquet need names to tell fields apart."""
    if result.description is None:
        return result
    types = [_text_type(d[1], texts) for d in result.description]
    if not any(types):
        return result
    relation = store.relation(sql, params or None)
    columns = [
        duckdb.SQLExpression(f"#{i}")
        if type_ is None
        else duckdb.SQLExpression(f"#{i}").cast(type_).alias(name)
        for i, (name, type_) in enumerate(zip(relation.columns, types, strict=True), 1)
    ]
    return relation.project(*columns)


# DuckDB's types whose 'infinity' and '-infinity' its Python client gives as the last
# and the first day or moment Python has (TIMESTAMP_NS's is its text: see _as_text).
_INFINITE_TYPES = frozenset(
    {"date", "timestamp", "timestamp with time zone", "timestamp_s", "timestamp_ms"}
)
_PYTHON_EDGES = frozenset({date.min, date.max, datetime.min, datetime.max})


def _infinities_told(
    store: Store,
    result: duckdb.DuckDBPyConnection | duckdb.DuckDBPyRelation,
    sql: str,
    params: dict[str, str],
    limit: int | None,
) -> Rows:
    """The rows of `result`, of `sql` just run (see Rows.of_result), each infinite date
    or timestamp in them as DuckDB's text of it, 'infinity' or '-infinity': DuckDB's
    client gives it as 9999-12-31 or 0001-01-01, a day every format wrote as if stored.
    Only where a column holds such a day is `sql` run again, to tell it from that day
    stored; a list's or a struct's are not looked into."""
    rows = Rows.of_result(result, limit)
    if result.description is None:
        return rows
    edged = [
        i
        for i, (_, type_, *_) in enumerate(result.description)
        if type_.id in _INFINITE_TYPES and any(row[i] in _PYTHON_EDGES for row in rows.rows)
    ]
    if not edged:
        return rows
    relation = (
        result
        if isinstance(result, duckdb.DuckDBPyRelation)
        else store.relation(sql, params or None)
    )
    # Each such column's infinities as text, after the columns, in the same run: a run
    # again may give its rows in another order.
    told = [
        duckdb.SQLExpression(f"CASE WHEN isinf(#{i + 1}) THEN #{i + 1}::VARCHAR END") for i in edged
    ]
    count = len(rows.names)
    at = {i: count + n for n, i in enumerate(edged)}  # where a column's text is
    again = Rows.of_result(relation.project(duckdb.StarExpression(), *told), limit)
    rows.rows = [
        tuple(
            v if i not in at or row[at[i]] is None else row[at[i]]
            for i, v in enumerate(row[:count])
        )
        for row in again.rows
    ]
    return rows


def _text_type(type_: DuckDBPyType, texts: frozenset[str]) -> DuckDBPyType | None:
    """`type_` with each type of `texts` in it, nested ones too, made VARCHAR, and each
    struct of unnamed fields given the names v1, v2...; None when it holds neither.
    Built as a type, not as SQL text, which DuckDB cannot parse back for a struct of
    unnamed fields (`row(INTERVAL 1 DAY, 1)`)."""
    kind = type_.id
    if kind in texts:
        return VARCHAR
    children = type_members(type_)
    if not children:
        return None
    # A struct's fields are all named or all unnamed (`row(1, 'x')`), which share the
    # name "" that Arrow and Polars cannot tell apart (CSV of one failed).
    unnamed = kind == "struct" and all(name == "" for name, _ in children)
    made = [_text_type(child, texts) for _, child in children]
    if not any(made) and not unnamed:
        return None
    types = [text or child for text, (_, child) in zip(made, children, strict=True)]
    if kind == "list":
        return duckdb.list_type(types[0])
    if kind == "array":
        given: list[tuple[str, Any]] = type_.children  # the second is its size
        return duckdb.array_type(types[0], given[1][1])
    if kind == "map":
        return duckdb.map_type(*types)
    if unnamed:
        return duckdb.struct_type(types)  # given as a list, the fields are v1, v2...
    fields = {name: t for (name, _), t in zip(children, types, strict=True)}
    return duckdb.union_type(fields) if kind == "union" else duckdb.struct_type(fields)


def _nests_whole_number(type_: DuckDBPyType) -> bool:
    """Whether DuckDB type `type_` holds a HUGEINT or UHUGEINT in a list, array, map,
    struct or union."""
    return any(
        child.id in ("hugeint", "uhugeint") or _nests_whole_number(child)
        for _, child in type_members(type_)
    )


def _opaque(dtype: pl.DataType | DataTypeClass) -> bool:
    """Whether `dtype`, or a type nested in it, is one Arrow has no name for (a UHUGEINT,
    a BIGNUM), which DuckDB hands over as opaque bytes."""
    import polars as pl

    return polars_holds(dtype, pl.Extension)


def _arrow_table(
    result: duckdb.DuckDBPyConnection | duckdb.DuckDBPyRelation, limit: int | None
) -> pa.Table:
    """The rows of a query that has just run, or its first `limit`: only the batches
    that hold them are fetched, so a limit on a big result reads little of it."""
    if limit is None:
        return result.fetch_arrow_table()
    import pyarrow as pa

    reader = result.fetch_record_batch(min(limit, 1_000_000))
    batches, taken = [], 0
    try:
        for batch in reader:
            batches.append(batch)
            taken += batch.num_rows
            if taken >= limit:
                break
    except OSError as exc:
        # The query's own error (error() on a late row), which Arrow's stream reader
        # passes on as an OSError: it was reported as a bug in trendlab, exit 70.
        raise duckdb.Error(str(exc)) from None
    return pa.Table.from_batches(batches, schema=reader.schema).slice(0, limit)


def _polars_types(table: pa.Table) -> list[pl.DataType | None]:
    """Per column of `table`, the Polars type taking it from Arrow gives, or None where
    Polars has none for it (or it holds opaque bytes, see _opaque) or the type
    would misstate its values: a date past Python's range is the last day Python has
    (see _dates_in_range), which a TIMESTAMP_S's milliseconds would cut. A UHUGEINT is
    a DECIMAL(38, 0), in a list or struct too, as DuckDB's Arrow gives a HUGEINT (past
    38 digits: see render.frame_of)."""
    import polars as pl

    types: list[pl.DataType | None] = []
    for column in table.columns:
        type_: pl.DataType | None = None
        if _leaves_hold(column, _dates_in_range_leaf, map_held=False):
            try:
                taken = pl.from_arrow(column.slice(0, 0))  # the type alone, not the values
                assert isinstance(taken, pl.Series)  # a column's, not a table's
                whole = _uhugeint_decimal(taken.dtype)
                type_ = None if _opaque(whole) else whole
            except pl.exceptions.PolarsError:
                pass  # a type Polars cannot take from Arrow (a UNION)
        types.append(type_)
    return types


def _uhugeint_decimal(dtype: pl.DataType | DataTypeClass) -> pl.DataType:
    """`dtype` with each UHUGEINT in it, nested ones too, a DECIMAL(38, 0)."""
    import polars as pl

    if isinstance(dtype, pl.Extension) and '"uhugeint"' in (dtype.ext_metadata() or ""):
        return pl.Decimal(38, 0)
    if isinstance(dtype, pl.List):
        return pl.List(_uhugeint_decimal(dtype.inner))
    if isinstance(dtype, pl.Array):
        return pl.Array(_uhugeint_decimal(dtype.inner), dtype.shape)
    if isinstance(dtype, pl.Struct):
        return pl.Struct({f.name: _uhugeint_decimal(f.dtype) for f in dtype.fields})
    return dtype if isinstance(dtype, pl.DataType) else dtype()


def _dates_in_range(table: pa.Table) -> bool:
    """Whether every date and timestamp of `table`, inside lists and structs too, is one
    Python has (years 1 to 9999), as its Rows would show it, and every time one of a
    day (not 24:00:00, which Polars has as null). Read as Arrow holds it,
    before Polars takes it: there 'infinity' is a day Polars holds but panics writing, or
    in seconds one its conversion to milliseconds overflows into 1969."""
    return all(
        _leaves_hold(column, _dates_in_range_leaf, map_held=False) for column in table.columns
    )


# DuckDB's 'infinity' and '-infinity' of a timestamp, in any unit, as Arrow holds them.
_INFINITY = 2**63 - 1
# The seconds from 1970 that Python has (years 1 to 9999), as trendlab.readable_dates
# has its days.
_FIRST_SECOND = FIRST_DAY * SECONDS_A_DAY
_PAST_LAST_SECOND = PAST_LAST_DAY * SECONDS_A_DAY


def _dates_in_range_leaf(column: pa.ChunkedArray) -> bool | None:
    """Whether a date, time or timestamp `column` is in range (see _dates_in_range);
    None for another type."""
    import pyarrow as pa
    import pyarrow.compute as pc

    dtype = column.type
    if pa.types.is_date32(dtype):
        return _held_in(pc.min_max(column.cast(pa.int32())), FIRST_DAY, PAST_LAST_DAY)
    if pa.types.is_time(dtype):
        # TIME '24:00:00', which DuckDB and PostgreSQL hold, is past the day Polars'
        # times hold: CSV and Parquet wrote it as null. Its rows have it as text.
        ints = column.cast(pa.int64() if dtype.bit_width == 64 else pa.int32())
        return _held_in(pc.min_max(ints), 0, SECONDS_A_DAY * PER_SECOND[dtype.unit])
    if pa.types.is_timestamp(dtype):
        # A zoned column's values are held in UTC, and compared so.
        per = PER_SECOND[dtype.unit]
        low = max(_FIRST_SECOND * per, -_INFINITY + 1)
        return _held_in(
            pc.min_max(column.cast(pa.int64())), low, min(_PAST_LAST_SECOND * per, _INFINITY)
        )
    return None


def _leaves_hold(
    column: pa.ChunkedArray,
    leaf: Callable[[pa.ChunkedArray], bool | None],
    *,
    map_held: bool,
) -> bool:
    """Whether `leaf` holds of `column` and of every column inside its lists and
    structs; `leaf` gives None for a type it does not judge, which holds. Another nested
    type (a MAP) is looked into no further: `map_held` is its answer."""
    import pyarrow as pa
    import pyarrow.compute as pc

    answer = leaf(column)
    if answer is not None:
        return answer
    dtype = column.type
    if (
        pa.types.is_list(dtype)
        or pa.types.is_large_list(dtype)
        or pa.types.is_fixed_size_list(dtype)
    ):
        return _leaves_hold(pc.list_flatten(column), leaf, map_held=map_held)
    if pa.types.is_struct(dtype):
        return all(_leaves_hold(field, leaf, map_held=map_held) for field in _fields(column))
    return map_held if pa.types.is_nested(dtype) else True


def _fields(column: pa.ChunkedArray) -> Iterator[pa.ChunkedArray]:
    """Each field of a struct `column` as held, not flatten()'s, which gives it the
    struct's nulls: Arrow aborts the process giving them to a UNION, which has none of
    its own. DuckDB gives a null struct null fields."""
    import pyarrow as pa

    dtype = column.type
    for i in range(dtype.num_fields):
        yield pa.chunked_array(
            [chunk.field(i) for chunk in column.chunks], type=dtype.field(i).type
        )


def _decimals_held(table: pa.Table) -> bool:
    """Whether every decimal of `table`, inside lists and structs too, has no more digits
    than its precision: DuckDB's Arrow gives a HUGEINT as a DECIMAL(38, 0) whatever its
    size, and one of 39 digits so written to Parquet read back with its last digit lost
    (170141183460469231731687303715884105727 as 1.7014118346046923173168730371588410573E+38).
    Its rows have it as its text (see render.frame_of)."""
    # A MAP's rows are read anyway, as _dates_in_range has them.
    return all(_leaves_hold(column, _decimals_leaf, map_held=True) for column in table.columns)


def _decimals_leaf(column: pa.ChunkedArray) -> bool | None:
    """Whether a decimal `column` is held to its precision (see _decimals_held); None
    for another type."""
    import pyarrow as pa
    import pyarrow.compute as pc

    dtype = column.type
    if pa.types.is_decimal(dtype):
        least, greatest = (value.as_py() for value in pc.min_max(column).values())
        bound = Decimal(10) ** (dtype.precision - dtype.scale)
        return least is None or (-bound < least and greatest < bound)
    return None


def _held_in(min_max: pa.StructScalar, low: int, past: int) -> bool:
    """Whether the least and greatest values of `min_max` (None: nulls only) lie from
    `low` up to, not including, `past`."""
    least, greatest = (value.as_py() for value in min_max.values())
    return least is None or (low <= least and greatest < past)


def _named_key(store: Store, query: NamedQuery, param: str, value: str) -> str:
    """`value` of a slug parameter as the slug of the current record it names (in the
    state read: --as-of too), or an error naming the parameter and the nearest slug;
    any other parameter's value as given."""
    kind = query.slug_kind(param)
    if kind is None:
        return value
    if blank(value):
        # No record is named '', whatever the database holds: the command line's
        # fault, as a blank --model is (it said "no current benchmark ''", exit 1).
        raise TrendlabError(
            f"query {query.name}: --param {param}: must not be empty", exit_code=ExitCode.USAGE
        )
    found = store.find_keys(kind, value)
    if found:  # as stored: the usual case, without the Polars that resolve_key needs
        return found[0]
    from trendlab.records import resolve_key

    try:
        return resolve_key(store, kind, value)
    except TrendlabError as error:
        raise TrendlabError(f"query {query.name}: --param {param}: {error.message}") from None


# A read-only connection still lets COPY ... TO write files, ATTACH open (and write)
# another database and INSTALL download extensions: only queries get through.
_READING = ("SELECT", "EXPLAIN")
# Table functions that write, whatever the statement, most of a team store's: a
# lake attached read-only still lets them delete its data files (DuckLake's clean-ups,
# a file before the catalog refuses the rest), postgres_execute runs any SQL on the
# catalog's database, where a COMMIT of its own ends the read-only transaction, and
# postgres_attach creates a view of every table of the database it names.
_WRITING_FUNCTIONS = frozenset(
    {
        "postgres_attach",
        "postgres_execute",
        "ducklake_add_data_files",
        "ducklake_cleanup_old_files",
        "ducklake_delete_orphaned_files",
        "ducklake_expire_snapshots",
        "ducklake_flush_inlined_data",
        "ducklake_merge_adjacent_files",
        "ducklake_rewrite_data_files",
        "ducklake_set_commit_message",
        "ducklake_set_option",
        # Runs any serialized statement, which the plan does not show.
        "json_execute_serialized_sql",
        # Its file storage creates the directory it names and writes the log there, as
        # CALL enable_logging(...), refused as a CALL, would.
        "enable_logging",
    }
)
# Table functions that run SQL of their own on the catalog's PostgreSQL server: its
# transaction is read-only, but a server function the SQL calls need not be (one
# ends other sessions, another takes a lock that outlives the query).
_SERVER_SQL_FUNCTIONS = frozenset({"postgres_query"})
# Table functions that run SQL, or read tables, named by their argument: the plan
# checked shows what that argument made when it was checked, so it must be the same
# when the query runs: a literal or a parameter, not random() choosing between two.
_SQL_AS_ARGUMENT = frozenset({"query", "query_table"})


def _check_reads_only(store: Store, sql: str, params: dict[str, str]) -> None:
    """Refuse anything but one SELECT (or EXPLAIN) statement, and a SELECT that calls
    a table function that writes (see _WRITING_FUNCTIONS) or runs SQL on the catalog's
    server (_SERVER_SQL_FUNCTIONS)."""
    statements = store.con.extract_statements(sql)
    if not statements:
        raise _no_sql("the SQL given is only comments; ")
    if len(statements) != 1:
        # DuckDB runs a PIVOT whose values it must find first as a CREATE TYPE (of no
        # text of its own) and the PIVOT.
        pivot = (
            len(statements) == 2
            and statements[0].type.name == "CREATE"
            and not statements[0].query.strip()
        )
        hint = "; a PIVOT runs as one when given its values: ON column IN (...)" if pivot else ""
        raise TrendlabError(
            f"query runs one statement at a time; this SQL has {len(statements)}{hint}"
        )
    kind = statements[0].type
    if kind.name == "EXPLAIN":
        # EXPLAIN ANALYZE runs what it explains: that must be a read as well.
        explained = _explained(sql)
        if explained is not None:
            _check_reads_only(store, explained, params)
            return
        raise TrendlabError("query: write EXPLAIN first, before any comment")
    if kind.name not in _READING:
        raise TrendlabError(
            f"query only reads: {_written_kind(statements[0])} statements are refused; "
            "write files with --format and -o, change records with add-*, edit, retract "
            "or import"
        )
    # DuckDB's own text of the statement: a PRAGMA that reads is its table function's
    # SELECT (PRAGMA version: SELECT * FROM pragma_version()), which it can serialize
    # and explain.
    text = statements[0].query
    [(serialized,)] = store.execute("SELECT json_serialize_sql(?)", [text]).fetchall()
    tree = json.loads(serialized)
    if tree.get("error"):
        raise TrendlabError(
            f"query only reads: this statement is refused ({tree.get('error_message')})"
        )
    dynamic = sorted({name for name, static in _sql_arguments(tree) if not static})
    if dynamic:
        raise TrendlabError(
            f"query only reads what it checks: {dynamic[0]}() takes a string literal or a "
            "parameter ($name with --param), not an expression"
        )
    if store.as_of is not None:
        _check_as_of_names(store, tree, params)
    # Read from the plan, not the text: a function reached through query('...') is in
    # it too. Planning runs nothing.
    plan = store.execute(f"EXPLAIN (FORMAT JSON) {text}", params or None).fetchall()
    called = set(_plan_functions(json.loads(plan[0][1])))
    writing = sorted(called & _WRITING_FUNCTIONS)
    if writing:
        raise TrendlabError(
            f"query only reads: {writing[0]} writes and is refused; change records with "
            "add-*, edit, retract or import, which keep their history"
        )
    server = sorted(called & _SERVER_SQL_FUNCTIONS)
    if server:
        raise TrendlabError(
            f"query only reads: {server[0]} runs SQL on the catalog's server, where it can "
            "do more than read, and is refused; query the store's tables by name"
        )


def _check_as_of_names(store: Store, tree: Any, params: dict[str, str]) -> None:
    """Under --as-of, refuse a table --as-of turns back named with the store's catalog
    (`S.changesets`, `s.main.changesets`): use_as_of shadows each such table with a
    temporary view of its past, which a catalog-qualified name reads past, as it is now.
    So does a table or view read at a team store's DuckLake snapshot (`results AT
    (TIMESTAMP => ...)`): that snapshot's, whatever --as-of said."""
    (catalog,) = store.execute("SELECT lower(current_database())").fetchone() or ("",)
    shadowed = {"changesets"} | {kind.table for kind in KINDS.values()}
    for name, at in _table_names(store, tree, params):
        if at:
            raise TrendlabError(
                f"query --as-of reads the past under the tables' own names: {'.'.join(name)} "
                "AT (...) reads a DuckLake snapshot of it instead; leave out AT (...) or --as-of"
            )
        *qualifiers, table = [part.lower() for part in name]
        # `a.b` is schema a's table b, else catalog a's (DuckDB's own fallback).
        if table in shadowed and qualifiers[:1] == [catalog]:
            written = ".".join(name)
            raise TrendlabError(
                f"query --as-of reads the past under the tables' own names: {written} names "
                f"the stored table, as it is now; write {name[-1]}"
            )


def _table_names(
    store: Store, tree: Any, params: dict[str, str]
) -> Iterator[tuple[list[str], bool]]:
    """The names of the tables a serialized statement reads (catalog, schema, table, as
    written), with those read through query('...') and query_table('...'), each with
    whether it is read at a snapshot (AT (...))."""
    for node in _nodes(tree):
        if node.get("type") == "BASE_TABLE":
            parts = (node.get("catalog_name"), node.get("schema_name"), node.get("table_name"))
            yield [part for part in parts if part], node.get("at_clause") is not None
        name = node.get("function_name")
        if node.get("class") == "FUNCTION" and name in _SQL_AS_ARGUMENT:
            for text in _fixed_texts(node.get("children", []), params):
                sql = text if name == "query" else f"FROM {text}"
                [(serialized,)] = store.execute("SELECT json_serialize_sql(?)", [sql]).fetchall()
                yield from _table_names(store, json.loads(serialized), params)


def _fixed_texts(nodes: list[dict[str, Any]], params: dict[str, str]) -> Iterator[str]:
    """The strings fixed expressions (see _fixed) stand for: literals and --param values."""
    bound = {name.lower(): value for name, value in params.items()}
    for node in nodes:
        if node.get("class") == "CONSTANT" and isinstance(node["value"].get("value"), str):
            yield node["value"]["value"]
        elif node.get("class") == "PARAMETER" and str(node.get("identifier")).lower() in bound:
            yield bound[str(node["identifier"]).lower()]
        yield from _fixed_texts(_children(node), params)


def _written_kind(statement: Any) -> str:
    """The kind of a refused statement as the user wrote it: its first keyword.

    DuckDB's type names several statements by another's kind (USE and RESET are SET,
    TRUNCATE is DELETE, INSTALL is LOAD), which would name what the user did not
    write; a statement opening with WITH or a parenthesis has its type's name. FORCE
    is no kind: FORCE INSTALL and FORCE CHECKPOINT are named by both words."""
    text = statement.query
    words: list[str] = []
    for start, kind in duckdb.tokenize(text)[:2]:
        if kind != duckdb.token_type.keyword:
            break
        words.append(re.findall(r"^[A-Za-z]*", text[start:])[0].upper())
    if words[:1] == ["FORCE"] and len(words) == 2:
        return " ".join(words)
    if words and words[0] not in ("", "WITH"):
        return words[0]
    return str(statement.type.name).replace("_", " ")


_ANALYZE_RE = re.compile(r"ANALY[SZ]E\b", re.IGNORECASE)
_EXPLAIN_OPTION_RE = re.compile(r'"?(ANALY[SZ]E|FORMAT)\b', re.IGNORECASE)


def _explained(sql: str) -> str | None:
    """The statement an EXPLAIN written first in `sql` explains: the text after EXPLAIN,
    ANALYZE, or a list of options in parentheses (`(ANALYZE, FORMAT JSON)`, which was
    read as part of the statement and failed to parse); None when something comes
    before EXPLAIN. Read off DuckDB's own tokens, so that a parenthesis in an option's
    string or in a comment is not taken for the list's end, and the statement checked
    is the one DuckDB runs."""
    tokens = [position for position, _ in duckdb.tokenize(sql)]
    if (
        not tokens
        or sql[: tokens[0]].strip()
        or sql[tokens[0] : tokens[0] + 7].upper() != "EXPLAIN"
    ):
        return None
    rest = tokens[1:]
    if rest and _ANALYZE_RE.match(sql, rest[0]):
        rest = rest[1:]  # EXPLAIN ANALYZE
    elif len(rest) > 1 and sql[rest[0]] == "(" and _EXPLAIN_OPTION_RE.match(sql, rest[1]):
        # A parenthesis is a token of its own: the options end where they close.
        depth = 0
        for i, position in enumerate(rest):
            depth += {"(": 1, ")": -1}.get(sql[position], 0)
            if depth == 0:
                rest = rest[i + 1 :]
                break
    return sql[rest[0] :] if rest else ""


def _sql_arguments(tree: Any) -> Iterator[tuple[str, bool]]:
    """(name, whether its arguments are fixed) for each call of a function in
    _SQL_AS_ARGUMENT in a serialized statement (json_serialize_sql's tree)."""
    for node in _nodes(tree):
        name = node.get("function_name")
        if node.get("class") == "FUNCTION" and name in _SQL_AS_ARGUMENT:
            yield name, all(_fixed(child) for child in node.get("children", []))


def _nodes(tree: Any) -> Iterator[dict[str, Any]]:
    """Every object of a serialized statement (json_serialize_sql's tree), each before
    those it holds."""
    if isinstance(tree, list):
        for item in tree:
            yield from _nodes(item)
    elif isinstance(tree, dict):
        yield tree
        for value in tree.values():
            yield from _nodes(value)


def _children(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The expressions an expression applies to: a function's children, a cast's child."""
    return node.get("children") or ([node["child"]] if "child" in node else [])


def _fixed(node: dict[str, Any]) -> bool:
    """Whether an expression is a literal or a parameter (or a list or cast of them):
    the same every time the statement is bound."""
    if node.get("class") in ("CONSTANT", "PARAMETER"):
        return True
    wraps = node.get("class") == "CAST" or node.get("function_name") == "list_value"
    return wraps and all(_fixed(child) for child in _children(node))


def _plan_functions(nodes: list[dict[str, Any]]) -> Iterator[str]:
    """The table functions a plan (EXPLAIN's JSON) calls, lower-case."""
    for node in nodes:
        function = node.get("extra_info", {}).get("Function")
        if isinstance(function, str):
            yield function.lower()
        yield from _plan_functions(node.get("children", []))


# DuckDB's suggestion for a misspelt name, on the line after its error's first.
_SUGGESTION_RE = re.compile(r'(Did you mean "|Candidate (bindings|tables): ")')


def _explain(exc: duckdb.Error, *, lake: bool = False) -> str:
    from trendlab.lake import missing_data_error

    text, *rest = str(exc).strip().splitlines()
    # A team store's data files on storage this machine does not mount (`lake`): said as
    # every other read says it, not as DuckDB's IO error about the first file it wanted.
    missing = missing_data_error(text) if lake else None
    if missing is not None:
        return missing.message
    if "read-only mode" in text:
        statement = re.search(r'statement of type "(\w+)"', text)
        what = f"{statement[1]} statements are" if statement else "this statement is"
        return (
            f"query runs read-only: {what} refused; change records with "
            "add-*, edit, retract or import, which keep their history"
        )
    # The first line alone dropped DuckDB's "Did you mean "results"?" after "Table with
    # name result does not exist!", which is what the user needs to mend the SQL.
    if rest and _SUGGESTION_RE.match(rest[0]):
        text = f"{text} {rest[0]}"
    return f"query failed: {text}"
