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

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

import duckdb

from trendlab.db import Store
from trendlab.errors import TrendlabError
from trendlab.kinds import KINDS, Kind
from trendlab.nearest import suggest
from trendlab.render import Rows
from trendlab.resources import resource_dir

if TYPE_CHECKING:
    import polars as pl

NAME_RE = re.compile(r"^[A-Za-z_][\w-]*$")
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


def resolve(sql_or_name: str) -> NamedQuery:
    """A named query, or ad-hoc SQL wrapped as one."""
    if not sql_or_name.strip("\x00 \t\r\n;"):
        raise TrendlabError("no SQL to run: give SQL, a query name, or --list")
    if NAME_RE.match(sql_or_name):
        queries = named_queries()
        if sql_or_name in queries:
            return queries[sql_or_name]
        raise TrendlabError(
            f"no named query {sql_or_name!r}{suggest(sql_or_name, queries)}; "
            f"named queries: {', '.join(queries)} (or pass SQL)"
        )
    return NamedQuery(name="sql", description="", sql=sql_or_name)


def run(
    store: Store, query: NamedQuery, params: dict[str, str], *, frame: bool = False
) -> Rows | pl.DataFrame:
    """Run a query with bound parameters on `store` and return its rows, or with
    `frame` a Polars frame that keeps DuckDB's column types (for CSV and parquet,
    which Polars writes). A named query's slug parameters (see slug_kind) are bound
    to the slug of the record they name."""
    if query.name != "sql":
        missing = [p for p in query.params if p not in params]
        if missing:
            hint = " ".join(f"--param {p}=..." for p in missing)
            raise TrendlabError(f"query {query.name} needs {hint}")
        extra = [p for p in params if p not in query.params]
        if extra:
            known = ", ".join(query.params) or "none"
            raise TrendlabError(
                f"query {query.name} has no parameter {extra[0]!r} (parameters: {known})"
            )
    try:
        if query.name != "sql":
            params = {p: _named_key(store, query, p, v) for p, v in params.items()}
        _check_reads_only(store, query.sql)
        result = store.execute(query.sql, params or None)
        if not frame or result.description is None:
            return Rows.of_result(result)
        import polars as pl

        try:
            taken = result.pl()
            # DuckDB hands a type Arrow has no name for (UHUGEINT) over as opaque bytes,
            # and an infinite date or one past year 9999 as a day Polars cannot write.
            if not any(isinstance(t, pl.Extension) for t in taken.schema.dtypes()) and (
                _dates_in_range(taken)
            ):
                return taken
        except pl.exceptions.PolarsError:
            pass  # a type Polars cannot take from Arrow (an INTERVAL)
        # The rows instead, their types read from the values.
        return Rows.of_result(store.execute(query.sql, params or None))
    except duckdb.Error as exc:
        raise TrendlabError(_explain(exc)) from None


def _dates_in_range(frame: pl.DataFrame) -> bool:
    """Whether every date and timestamp of `frame`, inside lists and structs too, is one
    Python has (years 1 to 9999), as its Rows would show it: 'infinity' is a day Polars
    holds but panics writing."""
    return all(_column_dates_in_range(column) for column in frame.iter_columns())


# A DuckDB timestamp's 'infinity', as Arrow holds it: in nanoseconds, a day in 2262.
_INFINITY = 2**63 - 1


def _column_dates_in_range(column: pl.Series) -> bool:
    import polars as pl

    dtype = column.dtype
    if dtype == pl.Date:
        return column.is_between(date.min, date.max).all()
    if isinstance(dtype, pl.Datetime):
        # A zoned column refuses naive bounds: its UTC values, as held, are compared. An
        # expression, as Series.is_between would convert the bounds to nanoseconds.
        held = pl.first().cast(pl.Datetime(dtype.time_unit))
        ok = held.to_physical().abs().lt(_INFINITY) & held.is_between(datetime.min, datetime.max)
        return column.to_frame().select(ok.all()).item() is not False
    if isinstance(dtype, pl.List):
        return _column_dates_in_range(column.explode())
    if isinstance(dtype, pl.Array):
        return _column_dates_in_range(column.arr.explode())
    if isinstance(dtype, pl.Struct):
        return all(_column_dates_in_range(field) for field in column.struct.unnest())
    # Another nested type (a MAP) is looked into no further: its rows are the safe way.
    return not dtype.is_nested()


def _named_key(store: Store, query: NamedQuery, param: str, value: str) -> str:
    """`value` of a slug parameter as the slug of the current record it names (in the
    state read: --as-of too), or an error naming the parameter and the nearest slug;
    any other parameter's value as given."""
    kind = query.slug_kind(param)
    if kind is None:
        return value
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


def _check_reads_only(store: Store, sql: str) -> None:
    """Refuse anything but one SELECT (or EXPLAIN) statement."""
    statements = store.con.extract_statements(sql)
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
        explained = re.sub(r"^\s*EXPLAIN\s+(ANALY[SZ]E\s+)?", "", sql, flags=re.IGNORECASE)
        if explained != sql:
            _check_reads_only(store, explained)
            return
        raise TrendlabError("query: write EXPLAIN first, before any comment")
    if kind.name not in _READING:
        raise TrendlabError(
            f"query only reads: {kind.name} statements are refused; write files with "
            "--format and -o, change records with add-*, edit, retract or import"
        )


def _explain(exc: duckdb.Error) -> str:
    text = str(exc).strip().splitlines()[0]
    if "read-only mode" in text:
        statement = re.search(r'statement of type "(\w+)"', text)
        what = f"{statement[1]} statements are" if statement else "this statement is"
        return (
            f"query runs read-only: {what} refused; change records with "
            "add-*, edit, retract or import, which keep their history"
        )
    return f"query failed: {text}"
