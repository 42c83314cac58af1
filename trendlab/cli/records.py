"""Commands that create and change records: init, migrate, add-*, edit, retract."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import click

from trendlab.cli.options import (
    RECORD_KEY,
    Settings,
    TrendlabCommand,
    default_message,
    field_options,
    get_kind,
    given_as,
    kind_argument,
    message_option,
    note,
    note_added,
    note_written,
)
from trendlab.errors import TrendlabError

if TYPE_CHECKING:
    from trendlab.db import Migration
    from trendlab.records import Changeset

# -- creating and migrating ----------------------------------------------------------------


@click.command(cls=TrendlabCommand)
@click.option("--empty", is_flag=True, help="Create the schema only; load no seed data.")
@click.pass_obj
def init(settings: Settings, empty: bool) -> None:
    """Create the database and load the curated seed data.

    Running it again adds only seed records the database has never had; it never
    overwrites your edits or brings back what you retracted. An older database's
    schema is upgraded at once, as `migrate` does, and it says so. A new database also gets
    the forecast cache computed from the seeds, so its first forecast fits nothing.

    \b
    Example:
      trendlab init
      trendlab --db team.duckdb init --empty
    """
    # At once, as `migrate` does: an older database's schema is ready even when no
    # seed is new. A new file appears only whole, with its seeds and their cache, so
    # what is said is said once it is in place; a new team store reads as part made
    # until its seeds commit.
    from trendlab.locking import Locked

    first: list[int] = []

    def applied(m: Migration) -> None:
        # An older store's upgrade is said, as `migrate` says it; a new store's schema
        # (from migration 1 on) is not news.
        if not first:
            first.append(m.version)
        if first[0] > 1:
            _say_applied(m)

    opened = False
    try:
        with settings.writer(create=True, complete=True, whole=True, applied=applied) as store:
            opened = True
            if empty:
                store.finish_creating()
                said = _schema_ready(store)
            else:
                said = _load_seeds(settings, store)
    except Locked:
        raise  # already waited for: a read would wait as long again
    except TrendlabError:
        # As `migrate`: a read-only file that needs nothing written is no error.
        unwritten = None if opened else _needs_no_write(settings, empty)
        if unwritten is None:
            raise
        said = unwritten
    note(said)


def _schema_ready(store: Any) -> str:
    """What `init --empty` says of a store: of one already written to, how many
    changesets it holds, as "schema ready (no seeds loaded)" alone read as though the
    store were empty."""
    from trendlab.text import counted

    held = store.changeset_count()
    already = f"; it already holds {counted(held, 'changeset')}" if held else ""
    return f"{store.location}: schema ready (no seeds loaded{already})"


def _needs_no_write(settings: Settings, empty: bool) -> str | None:
    """What `init` says of a store that needs no write (at this trendlab's schema,
    complete, and unless `empty` with every seed it would load), found by opening it
    read-only and loading the seeds as a dry run; None when it does need one, or
    cannot be read (the error of opening it to write then stands)."""
    import duckdb

    from trendlab.locking import Locked
    from trendlab.seeds import load_seeds

    try:
        with settings.dry_reader() as store:
            if empty:
                return _schema_ready(store)
            with settings.changeset(store, "load seed data", dry_run=True) as cs:
                load_seeds(cs)  # fails where it would write: the store is read-only
            return _seeded_already(store, cs)
    except Locked:
        raise
    except (TrendlabError, duckdb.Error):
        return None


def _load_seeds(settings: Settings, store: Any) -> str:
    """Load the seeds a store has never had (and, into an empty one, their forecast
    cache); returns what to say of it."""
    from trendlab.seeds import FORECAST_CACHE, load_forecast_cache, load_seeds

    with settings.changeset(store, "load seed data") as cs:
        load_seeds(cs)
    if cs.id is None:
        store.finish_creating()  # its seeds committed with another process's init
        return _seeded_already(store, cs)
    # Asked once the seeds committed, not before: on a team store they may have lost a
    # race to another member's write and been written again on top of it.
    # The store holds exactly the seeds, so the backtests and fits shipped with them
    # hold too: the first forecast need not backtest every benchmark. Where the file is
    # damaged, said: else the first forecast's seconds of backtesting come unexplained.
    if store.changesets_before(cs.id) == 0 and not load_forecast_cache(store, cs.id):
        note(
            f"the shipped forecast cache ({FORECAST_CACHE}) is damaged and was not "
            "loaded: the first forecasts compute their own backtests"
        )
    return f"{store.location}: {cs.summary()} (changeset {cs.id}){_differ(cs)}"


def _seeded_already(store: Any, cs: Changeset) -> str:
    """What `init` says of a store that has had every seed record (`cs` loaded none)."""
    return f"{store.location}: up to date, it has had every seed record{_differ(cs)}"


def _differ(cs: Changeset) -> str:
    """What `init` adds of the seed records `cs` kept as the database has them."""
    kept = sum(c.kept for c in cs.counts.values())
    if not kept:
        return ""
    return f"; {kept} of them differ from these seeds and are kept as the database has them"


@click.command(cls=TrendlabCommand)
@click.pass_obj
def migrate(settings: Settings) -> None:
    """Upgrade the database's schema to this trendlab's version.

    Write commands upgrade it themselves, with what they write, and say so (one that
    is refused or writes nothing leaves it as it was; `init` upgrades it at once, as
    this does);
    read commands, and an import's --dry-run, which writes nothing, ask you to run
    this. A database already at this version is only read, so a read-only file is
    no error.

    \b
    Example:
      trendlab migrate
    """

    current = _up_to_date(settings)
    if current is not None:
        note(current)
        return
    with settings.writer(complete=True, applied=_say_applied) as store:
        note(f"{store.location}: schema version {store.schema_version()}")


def _say_applied(m: Migration) -> None:
    """Say a migration was applied, as it commits: a Ctrl-C or a later migration's
    failure does not unsay it."""
    note(f"applied migration {m.version:03d}_{m.name}")


def _up_to_date(settings: Settings) -> str | None:
    """What `migrate` says of a store already at this trendlab's schema, found by
    opening it read-only, or None when it is not (older, part made, no store: the
    writer then upgrades it or says what is wrong). A read-only file at the current
    schema failed to open for writing, where there was nothing to write."""
    from trendlab.locking import Locked

    try:
        with settings.reader() as store:
            return f"{store.location}: schema version {store.schema_version()}"
    except Locked:
        raise  # already waited for: the writer would wait as long again
    except TrendlabError:
        return None


# -- writing one record --------------------------------------------------------------------


def _add(
    settings: Settings,
    kind_name: str,
    row: dict[str, Any],
    message: str | None,
    default: str,
    decided: tuple[str, ...] = (),
) -> None:
    """Add one record of `row`'s fields (None: not given), by `message` or else
    `default` (a format string of the record's fields). `decided`: fields the command
    line decides even when left out, so validation names their options in the rules
    on them (a price needs --input or --output)."""
    from trendlab.records import rows_frame

    kind = get_kind(kind_name)
    row = {k: v for k, v in row.items() if v is not None}
    given = given_as(click.get_current_context(), [*row, *decided])
    frame, source = rows_frame(kind, [row]), f"add-{kind.singular}"
    with settings.writer() as store, settings.changeset(store, message or default) as cs:
        if not message:
            cs.message = default_message(cs, kind, frame, default, source, given)
        counts = cs.write(kind, frame, mode="add", source=source, given=given)
    key = counts.keys[0]
    click.echo(key)
    # The changeset may hold only the organization the stored model names, restored
    # where it was retracted around trendlab: the model itself was not added.
    wrote = bool(counts.inserted or counts.restored)
    if wrote and cs.id:
        note_added(counts, kind.singular, key, cs.id)
    else:
        nothing = "" if cs.id else "; nothing written"
        note(f"{kind.singular} {key} already exists with these values{nothing}")
    _note_organizations(cs, alone=not wrote)
    note_written(counts, kind, "--date", store.command)


def _note_organizations(cs: Changeset, alone: bool = False) -> None:
    """The organization a model's write created (or restored), which the line about the
    model does not name though it is a record of its own, in the same changeset (or,
    `alone`, in a changeset that wrote no model)."""
    made = cs.counts.get("organizations")
    if made is None or not (made.inserted or made.restored):
        return
    done = "restored" if made.restored else "added"
    where = f"changeset {cs.id}" if alone else "the same changeset"
    note(f"{done} organization {', '.join(made.keys)}, which the model names, in {where}")


@click.command("add-model", cls=TrendlabCommand)
@click.argument("slug")
@field_options("models", skip=("slug",))
@message_option()
@click.pass_obj
def add_model(settings: Settings, slug: str, message: str | None, **fields: Any) -> None:
    """Add a model; prints its slug.

    \b
    Example:
      trendlab add-model minerva-540b --name "Minerva (540B)" --organization Google \\
        --release-date 2022-06-29 --parameters 540e9 \\
        --source-url https://arxiv.org/abs/2206.14858
    """
    _add(settings, "models", {"slug": slug, **fields}, message, "add model {slug}")


@click.command("add-benchmark", cls=TrendlabCommand)
@click.argument("slug")
@field_options("benchmarks", skip=("slug",))
@message_option()
@click.pass_obj
def add_benchmark(settings: Settings, slug: str, message: str | None, **fields: Any) -> None:
    """Add a benchmark; prints its slug.

    Floor (chance level) and ceiling (best achievable) bound its forecasts.

    \b
    Example:
      trendlab add-benchmark gpqa-diamond --name "GPQA Diamond" --unit percent \\
        --floor 25 --ceiling 100 --url https://arxiv.org/abs/2311.12022
    """
    # Left out, each is still decided (the unit's end, higher is better): the rule on
    # the bounds names their options either way.
    bounds = ("floor", "ceiling", "higher_is_better")
    _add(settings, "benchmarks", {"slug": slug, **fields}, message, "add benchmark {slug}", bounds)


# A negative SCORE, or what was meant as one: -1e400, -0x10, -1_0, -1,5, -inf or "-5 "
# is a score for SCORE's rules to refuse or read, as 1e400, 0x10, 1,5, inf and "5 " are,
# not an unknown option. Only what reads as a number: -5m is -5 and the option -m run
# together.
_NUMBER = re.compile(
    r"-(?:inf(?:inity)?|nan|0x[0-9a-f_.p+-]*|[0-9_.,]+(?:e[-+]?[0-9_]*)?)\s*", re.IGNORECASE
)


class _NegativeScores(TrendlabCommand):
    """A command whose SCORE may be negative (elo differences, below-chance scores):
    -1 is a value, not an option. Unknown options are still refused by name, which
    ignore_unknown_options alone would turn into confusing extra arguments."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value = {
            name
            for p in self.params
            if isinstance(p, click.Option) and not p.is_flag
            for name in p.opts
        }
        known = {
            name
            for p in self.params
            if isinstance(p, click.Option)
            for name in (*p.opts, *p.secondary_opts)
        }
        after_option = False
        for arg in args:
            if arg == "--":
                break
            # A short option may carry its value (-mWHY), as on every other command.
            attached = not arg.startswith("--") and len(arg) > 2 and arg[:2] in takes_value
            name = arg[:2] if attached else arg.split("=", 1)[0]
            unknown = name not in known and name not in ctx.help_option_names
            if not after_option and arg.startswith("-") and not _NUMBER.fullmatch(arg) and unknown:
                raise click.NoSuchOption(name, possibilities=sorted(known), ctx=ctx)
            after_option = (
                not after_option and name in takes_value and "=" not in arg and not attached
            )
        return super().parse_args(ctx, args)


@click.command("add-result", cls=_NegativeScores, context_settings={"ignore_unknown_options": True})
@click.argument("model")
@click.argument("benchmark")
@click.argument("score")
@click.option(
    "--date",
    "reported_date",
    metavar="YYYY-MM-DD",
    help="When the score was reported; unknown if not given, the result then dated by its "
    "model's release date.",
)
@field_options("results", skip=("model", "benchmark", "score", "reported_date"))
@message_option()
@click.pass_obj
def add_result(
    settings: Settings,
    model: str,
    benchmark: str,
    score: str,
    message: str | None,
    **fields: Any,
) -> None:
    """Add a benchmark result; prints its id.

    SCORE is in the benchmark's unit (percent as 0-100). A result's key is its model,
    benchmark, setting and source URL: a different source's score is a new result.

    \b
    Example:
      trendlab add-result minerva-540b math 50.3 --date 2022-06-29 \\
        --setting "4-shot maj1@64" --source-url https://arxiv.org/abs/2206.14858
    """
    row = {"model": model, "benchmark": benchmark, "score": score, **fields}
    _add(settings, "results", row, message, "add result {model} on {benchmark}")


@click.command("add-price", cls=TrendlabCommand)
@click.argument("model")
@click.argument("provider")
@click.argument("effective_date", metavar="EFFECTIVE_DATE")
@click.option("--input", "input_usd_per_mtok", metavar="USD", help="USD per million input tokens.")
@click.option(
    "--output", "output_usd_per_mtok", metavar="USD", help="USD per million output tokens."
)
@field_options(
    "prices",
    skip=("model", "provider", "effective_date", "input_usd_per_mtok", "output_usd_per_mtok"),
)
@message_option()
@click.pass_obj
def add_price(
    settings: Settings,
    model: str,
    provider: str,
    effective_date: str,
    message: str | None,
    **fields: Any,
) -> None:
    """Add an API price from a date on; prints its id.

    \b
    Example:
      trendlab add-price gpt-4o OpenAI 2024-05-13 --input 5 --output 15 \\
        --source-url https://openai.com/index/hello-gpt-4o/
    """
    row = {"model": model, "provider": provider, "effective_date": effective_date, **fields}
    sides = ("input_usd_per_mtok", "output_usd_per_mtok")
    _add(settings, "prices", row, message, "add price of {model} at {provider}", sides)


@click.command(cls=TrendlabCommand)
@kind_argument()
@click.argument("key", type=RECORD_KEY)
@click.option(
    "--set",
    "assignments",
    multiple=True,
    required=True,
    metavar="FIELD=VALUE",
    help="A field's new value; FIELD= (empty) makes it unknown. Repeatable.",
)
@message_option(required=True)
@click.pass_obj
def edit(
    settings: Settings, kind: str, key: str, assignments: tuple[str, ...], message: str
) -> None:
    """Record a new revision of one record.

    KEY is a slug, a result or price id (or a unique prefix of one),
    MODEL/BENCHMARK[/SETTING] for a result, or MODEL/PROVIDER/DATE for a price.

    \b
    Example:
      trendlab edit result minerva-540b/math --set notes="maj1@64, 4-shot" -m "clarify setting"
      trendlab edit model gpt-4 --set source_url=https://openai.com/index/gpt-4-research/ -m "announced"
    """
    changes: dict[str, str | None] = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{item!r} is not FIELD=VALUE", param_hint="--set")
        if name.strip() in changes:
            raise click.BadParameter(f"{name.strip()} is given twice", param_hint="--set")
        changes[name.strip()] = value if value.strip() else None
    from trendlab.records import check_editable

    kind_ = get_kind(kind)
    # A mistyped field, or one of the key, is the command misused, whatever the record:
    # said before the database is opened, as Click says a bad option value.
    try:
        for name in changes:
            check_editable(kind_, name)
    except TrendlabError as exc:
        raise click.BadParameter(exc.message, param_hint="--set") from None
    given = {name: f"--set {name}" for name in changes}
    from trendlab.history import alias_note

    with settings.writer() as store, settings.changeset(store, message) as cs:
        resolved = cs.edit(kind_, key, changes, given=given)
        told = alias_note(store, kind_, key, resolved)
    click.echo(resolved)
    if told:
        note(told)
    note(f"updated {kind_.singular} {resolved} in changeset {cs.id}")
    _note_organizations(cs)
    written = cs.counts.get(kind_.name)
    if written is not None:
        note_written(written, kind_, "reported_date", store.command)


@click.command(cls=TrendlabCommand)
@kind_argument()
@click.argument("key", type=RECORD_KEY)
@message_option(required=True)
@click.pass_obj
def retract(settings: Settings, kind: str, key: str, message: str) -> None:
    """Hide a record from the current state; its history stays.

    A record that current records still name (a model its results, prices or
    aliases name, a benchmark its results, an organization its models) cannot be
    retracted until those are.

    \b
    Example:
      trendlab retract result r_615ab9a953b22fc6 -m "the LLaMA paper's figure, quoted"
    """
    from trendlab.history import alias_note

    kind_ = get_kind(kind)
    with settings.writer() as store, settings.changeset(store, message) as cs:
        resolved = cs.retract(kind_, key)
        told = alias_note(store, kind_, key, resolved)
    click.echo(resolved)
    if told:
        note(told)
    note(f"retracted {kind_.singular} {resolved} in changeset {cs.id}")


COMMANDS = [init, migrate, add_model, add_benchmark, add_result, add_price, edit, retract]
