"""Read commands: list, show, query, log, history, check."""

from __future__ import annotations

from datetime import date

import click

from trendlab.cli.options import (
    ISO_DATE,
    RECORD_KEY,
    RECORD_NAME,
    Settings,
    TrendlabCommand,
    as_of_option,
    get_kind,
    kind_argument,
    limit_option,
    note,
    output_options,
)
from trendlab.errors import TrendlabError
from trendlab.text import counted

# -- reading -----------------------------------------------------------------------------


@click.command("list", cls=TrendlabCommand)
@kind_argument()
@click.option(
    "--benchmark", type=RECORD_NAME, metavar="SLUG", help="Only this benchmark's results."
)
@click.option(
    "--model",
    type=RECORD_NAME,
    metavar="SLUG",
    help="Only this model: its record (models), aliases, results or prices.",
)
@click.option(
    "--since",
    type=ISO_DATE,
    help="Only records dated on or after this day (a result without a reported date: its model's release).",
)
@limit_option()
@as_of_option
@output_options()
@click.pass_obj
def list_(
    settings: Settings,
    kind: str,
    benchmark: str | None,
    model: str | None,
    since: date | None,
    limit: int | None,
    as_of: str | None,
    fmt: str,
    output: str | None,
) -> None:
    """List current records of a kind.

    \b
    Example:
      trendlab list results --benchmark math --since 2023-01-01
      trendlab list models --as-of 2024-06-30 --csv > models.csv
    """
    from trendlab.kinds import BENCHMARKS, MODELS
    from trendlab.records import resolve_key
    from trendlab.render import render

    kind_ = get_kind(kind)
    # Before any filter is resolved: `list benchmarks --model gpt4` was "no current
    # model 'gpt4'", exit 1, where no model could be asked for.
    kind_.check_filters(model=model, benchmark=benchmark, since=since)
    with settings.reader(as_of) as store:
        # A filter names a record (by alias too): a typo is an error with a suggestion,
        # not an empty list.
        if model is not None:
            model = resolve_key(store, MODELS, model)
        if benchmark is not None:
            benchmark = resolve_key(store, BENCHMARKS, benchmark)
        frame = store.records(kind_, model=model, benchmark=benchmark, since=since, limit=limit)
        as_of_note = store.as_of_note()
    if frame.is_empty():
        note(f"no {kind_.name} match{as_of_note}")
    render(frame, fmt, output)


@click.command(cls=TrendlabCommand)
@kind_argument()
@click.argument("key", type=RECORD_KEY)
@as_of_option
@output_options(formats=("table", "csv", "json", "jsonl"))
@click.pass_obj
def show(
    settings: Settings, kind: str, key: str, as_of: str | None, fmt: str, output: str | None
) -> None:
    """Show one record.

    \b
    Example:
      trendlab show model gpt-4
      trendlab show result minerva-540b/math --json
    """
    from trendlab.history import alias_note
    from trendlab.records import resolve_key
    from trendlab.render import render_record

    kind_ = get_kind(kind)
    with settings.reader(as_of) as store:
        found = resolve_key(store, kind_, key)
        record = store.current_row(kind_, found)
        told = alias_note(store, kind_, key, found)
    render_record(record or {}, fmt, output)
    if told:
        note(told)


@click.command(cls=TrendlabCommand)
@click.argument("sql_or_name", required=False, metavar="SQL_OR_NAME")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A bound parameter ($NAME in the SQL), bound as text ($NAME::INTEGER casts it). Repeatable.",
)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries.")
@limit_option("At most this many rows, the first the query returns.")
@as_of_option
@output_options()
@click.pass_obj
def query(
    settings: Settings,
    sql_or_name: str | None,
    params: tuple[str, ...],
    list_queries: bool,
    limit: int | None,
    as_of: str | None,
    fmt: str,
    output: str | None,
) -> None:
    """Run SQL, or a named query from queries/, on a read-only connection.

    SQL_OR_NAME is a query's name, SQL text, or - to read SQL from stdin. Parameters
    are always bound, never pasted into the SQL. A named query's parameter declared
    `-- param NAME: KIND slug...` (KIND: model, benchmark or organization) takes the
    record's name in any case (a model's alias too) and is bound to its slug; a name
    of no current record (as of --as-of) is an error with the nearest slug.

    \b
    Example:
      trendlab query frontier --param benchmark=math
      trendlab query latest --limit 10
      trendlab query "SELECT benchmark, count(*) FROM results GROUP BY 1" --csv
      trendlab query --list
    """
    from trendlab import queries
    from trendlab.render import Rows, holds_lists, render
    from trendlab.text import stdin_bytes

    if list_queries:
        # --list runs nothing: anything else given with it would be silently ignored.
        given = [n for n, v in (("SQL_OR_NAME", sql_or_name), ("--param", params)) if v]
        given += [n for n, v in (("--limit", limit), ("--as-of", as_of)) if v is not None]
        if given:
            raise click.UsageError(f"--list runs no query, so it takes no {given[0]}")
        listed = holds_lists(fmt)
        rows = [
            (q.name, q.description, list(q.params) if listed else ", ".join(q.params))
            for q in queries.named_queries().values()
        ]
        render(Rows(["name", "description", "parameters"], [False] * 3, rows), fmt, output)
        return
    if not sql_or_name:
        raise click.UsageError("give SQL, a query name, or --list")
    # Bytes, decoded by piped_sql: a text stdin hands a byte that is not UTF-8 on as a
    # lone surrogate, which DuckDB cannot take.
    text = queries.piped_sql(stdin_bytes()) if sql_or_name == "-" else sql_or_name
    bound: dict[str, str] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--param")
        # DuckDB matches a parameter's name in any case: x=1 and X=2 bound the one $x to
        # whichever came last, without a word.
        same = [given for given in bound if given.lower() == name.strip().lower()]
        if same:
            also = "" if same[0] == name.strip() else f" (as {same[0]!r}: names match in any case)"
            raise click.BadParameter(f"{name.strip()!r} is given twice{also}", param_hint="--param")
        bound[name.strip()] = value
    named = queries.resolve(text, piped=sql_or_name == "-")
    with settings.reader(as_of) as store:
        frame, parquet = fmt in ("csv", "parquet"), fmt == "parquet"
        table = queries.run(store, named, bound, frame=frame, parquet=parquet, limit=limit)
        as_of_note = store.as_of_note()
    if not len(table) and (as_of is not None or named.name != "sql"):
        # As an empty listing says: --as-of is when changes were recorded, so a store
        # made today holds no rows as of yesterday, whatever the results' dates. A named
        # query is trendlab's, not SQL the user wrote to see what it gives: its header
        # alone (as JSON Lines, nothing) read as a failure to run.
        note(f"no rows{as_of_note}")
    render(table, fmt, output)


@click.command(cls=TrendlabCommand)
@limit_option("How many changesets, newest first.", default=20)
@output_options()
@click.pass_obj
def log(settings: Settings, limit: int, fmt: str, output: str | None) -> None:
    """List changesets: who changed what, when and why.

    \b
    Example:
      trendlab log --limit 5
    """
    from click.core import ParameterSource

    from trendlab.render import lists_joined, render

    # `log --json > log.json` stopped at the default 20 without a word, as if that were
    # the whole history; a --limit given is what was asked for. One more than the
    # default tells whether older ones were left out.
    ctx = click.get_current_context()
    default = ctx.get_parameter_source("limit") == ParameterSource.DEFAULT
    with settings.reader() as store:
        frame = store.changesets(limit + 1 if default else limit)
        if frame.height > limit:
            total = store.counts()["changesets"]
            note(f"the newest {limit} of {total} changesets; --limit {total} lists them all")
            frame = frame.head(limit)
    if frame.is_empty():  # as an empty listing of records says so
        note("no changesets")
    render(lists_joined(frame, "changes", fmt), fmt, output)


@click.command(cls=TrendlabCommand)
@kind_argument()
@click.argument("key", type=RECORD_KEY)
@limit_option("Only this many revisions, the newest, still listed oldest first (default: all).")
@output_options()
@click.pass_obj
def history(
    settings: Settings, kind: str, key: str, limit: int | None, fmt: str, output: str | None
) -> None:
    """Show every revision of one record, retracted ones included.

    A table shows who changed it, when, why and what changed; CSV, JSON, JSON Lines
    and Parquet add every field of each revision.

    \b
    Example:
      trendlab history model gpt-4
      trendlab history result minerva-540b/math --json
      trendlab history model gpt-4 --limit 5
    """
    from trendlab.history import hidden_model_note, history_key, named_note, record_history
    from trendlab.render import lists_joined, render

    kind_ = get_kind(kind)
    with settings.reader() as store:
        found = history_key(store, kind_, key)
        frame = record_history(store, kind_, found, full=fmt != "table", limit=limit)
        # Where an alias hides a retracted model, that note says whose history this is.
        told = hidden_model_note(store, kind_, key) or named_note(store, kind_, key, found)
    render(lists_joined(frame, "changes", fmt), fmt, output)
    if told:
        note(told)


@click.command(cls=TrendlabCommand)
@output_options()
@click.pass_obj
def check(settings: Settings, fmt: str, output: str | None) -> None:
    """Audit integrity; exit 1 and list every violation if there is any.

    Checks: the schema's tables, views and macros, and its tables' columns (one dropped
    or of another type, or a view or macro defined otherwise than trendlab defines it,
    is listed alone, as the other checks read them, but for the
    forecast cache's, which none reads; one whose NOT NULL was dropped is listed with
    the NULLs it holds), a table whose stored data cannot be read whole (the file
    overwritten in part or cut short), schema_migrations' one row per migration applied
    (one deleted, repeated or renamed below the store's version, or a row of no
    migration's version), results or prices naming unknown
    models or benchmarks, scores outside their unit's range, the units' ranges
    themselves, benchmark bounds, two current records with one key (or one result under
    two spellings of its source URL or setting), revisions that do
    not match their changesets or keys or whose operation does not follow the one
    before, changeset ids that do not sort by the time they were recorded or that two
    changesets share, changesets recorded after the check runs or holding no revision
    (theirs deleted), changeset messages or authors blank, padded with white space or
    holding a NUL, and values no write would store (field_rules: a date
    after today or none a calendar reads, a malformed slug or URL, a number that is not
    finite, not above 0 or -0, empty or padded text), written around trendlab.

    \b
    Example:
      trendlab check
    """
    from trendlab.render import render

    with settings.reader() as store:
        violations = store.check()
    # Clean, an empty table too, as `list` prints one that nothing matches: a script
    # reading the output, or a file, gets its columns and no rows.
    render(violations, fmt, output)
    if violations.is_empty():
        note("ok: no integrity violations")
        return
    raise TrendlabError(counted(violations.height, "integrity violation"))


COMMANDS = [list_, show, query, log, history, check]
