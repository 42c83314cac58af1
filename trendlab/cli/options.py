"""What every command shares: settings, error handling, output and record options."""

from __future__ import annotations

import dataclasses
import errno
import functools
import math
import os
import re
import signal
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from trendlab.errors import ExitCode, TrendlabError
from trendlab.signals import handled

if TYPE_CHECKING:
    from trendlab.kinds import Kind
    from trendlab.records import Changeset, Counts

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class IsoDate(click.ParamType):
    """A day written YYYY-MM-DD, converted to a date."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, date):
            return value
        from trendlab.text import DATE_RE, iso_day

        day = iso_day(value)  # the rule files follow, stricter than Python's
        if day is not None:
            return day
        if re.fullmatch(DATE_RE, value):
            # No day (2024-02-30), in --as-of's words: it has the form it was told to have.
            self.fail(f"{value!r} is not a valid date", param, ctx)
        self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)


ISO_DATE = IsoDate()


class FiniteFloat(click.FloatRange):
    """A float in an optional range that must also be finite, in plain digits (see
    trendlab.text.NUMBER_RE).

    FloatRange alone lets NaN through: every comparison with NaN is false.
    """

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from trendlab.text import NONZERO_RE, NUMBER_RE

        # Spaces around it, as int() and float() take them (' 80' from a script).
        if isinstance(value, str) and not re.fullmatch(NUMBER_RE, value.strip()):
            self.fail(
                f"{value!r} is not a number in digits 0-9, e.g. {self._examples()}", param, ctx
            )
        try:
            number = super().convert(value, param, ctx)
        except click.BadParameter:
            if not isinstance(value, str):
                raise
            # Named as typed, as every other bad value is: Click names the float it
            # read (--level 100 was "100.0", --level 1e3 "1000.0").
            range_ = f"{value.strip()} is not in the range {self._describe_range()}"
            self.fail(range_ + self._hint(float(value), param) + ".", param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        if number == 0 and isinstance(value, str) and re.search(NONZERO_RE, value.strip()):
            self.fail(f"{value!r} is too close to 0 to use: it would read as 0", param, ctx)
        # -0 is 0, but a table echoing a threshold of -0.0 shows it as -0.
        return number + 0.0

    def _hint(self, number: float, param: click.Parameter | None) -> str:
        """What an out-of-range `number` may have been meant as, after a colon; or ""."""
        return ""

    def _examples(self) -> str:
        from trendlab.text import listed

        # Only numbers the option takes: --level 80% was shown 0.5 and 1e27, out of its
        # range of 1 to 99, as if a fraction or any number would do.
        taken = [
            e
            for e in ("80", "0.5", "1e27")
            if (self.min is None or float(e) >= self.min)
            and (self.max is None or float(e) <= self.max)
        ]
        return listed(taken or ["80"], "or")

    def _describe_range(self) -> str:
        # Unbounded, Click would print "x<=None" in the help; there is no range to show.
        if self.min is None and self.max is None:
            return ""
        return super()._describe_range()


class Percent(FiniteFloat):
    """A number in percent in a range of whole percents (an interval's level, 1 to 99):
    a fraction below it is told the option is in percent, as Python's statistics
    libraries take a level as a fraction (0.8), which was refused with the range alone."""

    def _hint(self, number: float, param: click.Parameter | None) -> str:
        if not 0 < number < 1 or param is None:
            return ""
        meant = f"{number * 100:.10g}"  # 0.8 * 100 is 80.00000000000001
        held = (self.min is None or float(meant) >= self.min) and (
            self.max is None or float(meant) <= self.max
        )
        return f": {param.opts[0]} is a percentage, e.g. {meant if held else '80'}"


LEVEL = Percent(1, 99)


class WholeNumber(click.IntRange):
    """A whole number in an optional range, in plain digits (see trendlab.text.DIGITS_RE):
    Click's INT converts with int(), which reads --every 1_2 as 12."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from trendlab.text import DIGITS_RE

        # A sign and spaces as FiniteFloat takes them; a minus sign is left to the range
        # check, which says what the range is.
        if isinstance(value, str) and not re.fullmatch(f"[-+]?{DIGITS_RE}", value.strip()):
            self.fail(f"{value!r} is not a whole number in digits 0-9", param, ctx)
        return super().convert(value, param, ctx)


# A row limit: at least 1, and DuckDB's LIMIT stops at 2**62, so any more is no limit
# at all and is read as that (Click would print 2**62 in every limit's error).
class RowLimit(WholeNumber):
    """A number of rows to show at most: 1 or more."""

    def __init__(self) -> None:
        super().__init__(min=1)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return min(super().convert(value, param, ctx), 2**62)


class RecordName(click.ParamType):
    """A name of a record, or part of one (a KEY, --model, --benchmark, --provider): any
    text but blank text."""

    name = "text"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        # No record is named '' or '  ', whatever the database holds: a usage error in
        # the words a write gives a field left empty ("no current model ''", exit 1,
        # read as if the database lacked it).
        from trendlab.text import blank

        if isinstance(value, str) and blank(value):
            if isinstance(param, click.Option):
                given = next(o for o in param.opts if o.startswith("--"))
            else:
                given = param.human_readable_name if param else "the name"
            raise click.UsageError(f"{given}: must not be empty", ctx)
        return value


RECORD_NAME = RecordName()


class RecordKey(RecordName):
    """The KEY of a record of the command's KIND (the argument before it): a name, and
    for a result or a price one with a model and a benchmark or provider (see
    Kind.name_fault)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from trendlab.kinds import get_kind

        value = super().convert(value, param, ctx)
        kind = ctx.params.get("kind") if ctx else None
        # As a blank name is: `show result gpt-4/` was "no current result", exit 1, a
        # name no database could hold read as if this one lacked it.
        if isinstance(value, str) and kind and (fault := get_kind(kind).name_fault(value)):
            given = param.human_readable_name if param else "KEY"
            raise click.UsageError(f"{given}: {fault}", ctx)
        return value


RECORD_KEY = RecordKey()


# -- settings shared by every command ---------------------------------------------------


@dataclass
class Settings:
    db: str
    lock_timeout: float
    author: str | None
    debug: bool
    data_path: str | None = None
    # What gave data_path, which its errors name: TRENDLAB_DATA_PATH is no --data-path.
    data_path_option: str = "--data-path"
    # What gave db, which its errors name as they name data_path's (see lake.DB_NAMES).
    db_option: str = "--db"
    # The changesets this command has committed, for a Ctrl-C after them to name.
    committed: list[str] = dataclasses.field(default_factory=list)
    # Whether the damaged forecast cache was told already (see _note_cache_damage).
    cache_damage_told: bool = False
    # Whether the store opened: damage that opening reads stops `check` opening it too.
    opened: bool = False

    @contextmanager
    def reader(self, as_of: str | None = None) -> Iterator[Any]:
        """A read-only store; with `as_of`, its views show that past state."""
        store = self._open(read_only=True, lock_timeout=self.lock_timeout)
        try:
            store.read_one_state()
            # Not `if as_of`: an empty --as-of "" is a mistake to report, as "  " is,
            # not the current state read as if it had been asked for.
            if as_of is not None:
                store.use_as_of(store.parse_as_of(as_of))
            yield store
        finally:
            store.close()
            self._note_cache_damage(store)

    def _note_cache_damage(self, store: Any) -> None:
        """Say once a command that `store` found the forecast cache damaged: read as
        empty and written to in vain, it makes every forecast compute afresh, slow for no
        reason the user could see."""
        if store.cache_damage is None or self.cache_damage_told:
            return
        self.cache_damage_told = True
        from trendlab.db import command_on

        note(
            f"note: the forecast cache is damaged ({store.cache_damage}): forecasts and "
            "backtests are computed afresh, and not cached, until it is mended; "
            f"`{command_on(self.db, 'check')}` says how"
        )

    @contextmanager
    def writer(
        self,
        *,
        create: bool = False,
        complete: bool = False,
        migrate: bool = True,
        whole: bool = False,
        applied: Callable[[Any], None] | None = None,
    ) -> Iterator[Any]:
        """A read-write store, migrated to this trendlab's schema (see Store.open for
        `create`, `complete`, `applied` and `whole`: a new file is put in place once the
        block ends without an error, and what earlier builds of it left is removed, or
        said where it cannot be, as note_left_build says). Without `migrate` (a dry run,
        which writes nothing), an out-of-date schema is an error asking for `trendlab
        migrate`, as a read's is."""
        store = self._open(
            read_only=False,
            create=create,
            complete=complete,
            migrate=migrate,
            lock_timeout=self.lock_timeout,
            whole=whole,
            applied=applied,
            left_build=note_left_build if whole else None,
        )
        try:
            yield store
            note_upgraded(store)
            store.publish()
        finally:
            store.close()

    @contextmanager
    def dry_reader(self) -> Iterator[Any]:
        """A read-only store for a dry run's changeset, which holds one state of a team
        store in its own transaction (a reader's would be begun already)."""
        store = self._open(read_only=True, lock_timeout=self.lock_timeout)
        try:
            yield store
        finally:
            store.close()

    @contextmanager
    def cache_writer(self) -> Iterator[Any]:
        """A read-write store for derived data (forecast caches): it never waits for
        another process's lock and never migrates."""
        store = self._open(read_only=False, lock_timeout=0)
        try:
            yield store
        finally:
            store.close()
            self._note_cache_damage(store)

    def _open(self, **options: Any) -> Any:
        from trendlab.db import Store

        context = click.get_current_context(silent=True)
        try:
            store = Store.open(
                self.db,
                data_path=self.data_path,
                data_path_option=self.data_path_option,
                named=self.db_option,
                **options,
            )
        except TrendlabError as exc:
            # What opening the store refuses as a usage error is a global option's value
            # (--data-path): its help is the group's, not the command's.
            if exc.exit_code == ExitCode.USAGE and exc.help_path is None and context:
                exc.help_path = context.find_root().command_path
            raise
        self.opened = True
        outputs = context.meta.get(_OUTPUTS, []) if context else []
        if outputs and store.is_lake and not self.data_path:
            try:
                _refuse_outputs_among_data_files(store, outputs)
            except BaseException:
                store.close()
                raise
        return store

    def changeset(self, store: Any, message: str, *, dry_run: bool = False) -> Any:
        from trendlab.records import Changeset, default_author

        try:
            author = self.author or default_author()
        except TrendlabError as exc:
            # A default author's fault, whose remedy is a global option: the group's help.
            exc.help_path = click.get_current_context().find_root().command_path
            raise
        if author is None:
            raise click.UsageError(
                "no author to record: TRENDLAB_AUTHOR is unset, git has no user.name and "
                "the OS user has no name; give --author NAME (or set TRENDLAB_AUTHOR)",
                click.get_current_context().find_root(),
            )
        # A commit into a new file built aside is undone by a Ctrl-C (see Store.publish).
        noted = None if store.building else self.committed.append
        return Changeset(store, author, message, dry_run=dry_run, on_commit=noted)


def _refuse_outputs_among_data_files(store: Any, outputs: list[tuple[str, str]]) -> None:
    """Refuse an -o among a team store's data files, which only its catalog names
    (refuse_the_database checked a DuckDB file's, and the folder beside a local lake's
    catalog, before it was opened; a local lake made with --data-path keeps its files
    elsewhere): one written over a data file destroys records for every member."""
    from trendlab.lake import data_path

    stored = data_path(store.con)
    if stored is None or "://" in stored:
        return
    for output, option in outputs:
        _refuse_among(output, option, Path(stored), store.location)


class TrendlabCommand(click.Command):
    """A command that every usage error of its own names, so that each points at its
    help: Click's parser raises some (an option missing its value, a flag given one)
    without the command the others carry, and those could not say where help is."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            if exc.ctx is None:
                exc.ctx = ctx
            raise

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_help_text(ctx, formatter)
        # Click shows no help of an argument's: what KIND may be was said only by the
        # error of a kind there is none of.
        if any(isinstance(p, click.Argument) and p.name == "kind" for p in self.params):
            from trendlab.kinds import KINDS
            from trendlab.text import listed

            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(
                    f"KIND is one of {listed(list(KINDS), 'or')}, plural or singular."
                )

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        # Here, not in parse_args: a subclass's own parse_args may refuse an option too.
        try:
            return super().make_context(info_name, args, parent, **extra)
        except OSError as exc:
            _fail_writing_help(exc)
            raise  # unreachable: _fail_writing_help exits
        except click.NoSuchOption as exc:
            words = exc.option_name.split()
            if len(words) > 1 and exc.ctx and _option(exc.ctx.command, words[0]) is None:
                # No option has a space in it: this is an argument that begins with '-',
                # such as SQL opening with a comment, which Click reads as an option. (An
                # option quoted with its value, "--model gpt-4", is Click's to name.)
                start = exc.option_name.split("\n")[0].strip()
                path = exc.ctx.command_path
                raise click.UsageError(
                    f"the argument beginning {start!r} is text, not an option: give it after "
                    f"--, and the options before it, as in '{path} [OPTIONS] -- TEXT'",
                    exc.ctx,
                ) from None
            elsewhere = (
                _taken_elsewhere(exc.option_name, exc.ctx, exc.possibilities or [])
                if exc.ctx
                else None
            )
            if elsewhere is None:
                raise
            raise elsewhere from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TrendlabError as exc:
            # A usage error found after parsing (a malformed --until or --as-of, a
            # figure's suffix) points at the help too, as Click's own do.
            if exc.exit_code == ExitCode.USAGE and exc.help_path is None:
                exc.help_path = ctx.command_path
            raise


def _option(command: click.Command, name: str) -> click.Parameter | None:
    """The parameter of `command` that `name` (--json, or a flag's --no-... side) spells."""
    return next((p for p in command.params if name in (*p.opts, *p.secondary_opts)), None)


def _taken_elsewhere(name: str, ctx: click.Context, guesses: list[str]) -> click.UsageError | None:
    """For an option `name` that ctx's command lacks but trendlab takes elsewhere, the
    error saying where: before the command (a global option such as --db), or on which
    commands (`log --as-of`). Click's guess at a close option of this command ('Did you
    mean --json?') would mislead. None for an option no command takes, or one that
    Click's `guesses` contain (`add-model --date`: --release-date): Click's guess stands.
    """
    root = ctx.find_root()
    path: list[str] = []
    at = ctx
    while at.parent is not None:
        path.insert(0, at.info_name or "")
        at = at.parent
    where = " ".join(path)
    option = _option(root.command, name) if path else None
    if option is not None and name == "--author" and where in ("log", "history"):
        return _no_author_filter(where, ctx)
    if option is not None:
        if option.is_eager and not option.expose_value:  # --version: it runs no command
            return click.UsageError(
                f"{name} is a global option that acts alone: '{root.info_name} {name}'", root
            )
        flag = isinstance(option, click.Option) and option.is_flag
        value = "" if flag else f" {option.metavar or option.type.name.upper()}"
        example = f"{root.info_name} {name}{value} {where} ..."
        # Pointing at the group's help, where the global options are.
        return click.UsageError(
            f"{name} is a global option: give it before the command, as in '{example}'", root
        )
    if any(name.lstrip("-") in guess for guess in guesses):
        return None
    takers = [
        " ".join(names) for names, command in _commands(root) if _option(command, name) is not None
    ]
    if not takers:
        return None
    listed = ", ".join(takers)
    if not path:
        return click.UsageError(
            f"No such option {name!r} before the command: it is an option of {listed}", ctx
        )
    return click.UsageError(
        f"No such option {name!r} for {where}: it is an option of {listed}", ctx
    )


def _no_author_filter(where: str, ctx: click.Context) -> click.UsageError:
    """The error for `log --author` or `history KIND KEY --author`, surely meant to keep
    one author's changes: told to give it before the command, as a global option, it
    named who records a change and listed every author's."""
    what = "changesets" if where == "log" else "revisions"
    line = (
        f"No such option '--author' for {where}, which lists every author's {what} (the "
        "global --author, given before a command, names who records a change)"
    )
    settings = ctx.find_object(Settings)
    if where == "log" and settings is not None:
        from trendlab.db import by_author_command

        line += f"; one author's: `{by_author_command(settings.db)}`"
    return click.UsageError(line, ctx)


def _commands(ctx: click.Context) -> Iterator[tuple[list[str], click.Command]]:
    """(names, command) for every command of ctx's group, subcommands too, in the
    order of its help (a lazy group loads them all: this is for an error only)."""
    group = ctx.command
    assert isinstance(group, click.Group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None:
            continue
        yield [name], command
        if isinstance(command, click.Group):
            inside = click.Context(command, info_name=name, parent=ctx)
            yield from (([name, *names], sub) for names, sub in _commands(inside))


class CommandGroup(TrendlabCommand, click.Group):
    """A group whose usage errors name it, as its commands' name them."""

    command_class = TrendlabCommand


class TrendlabGroup(CommandGroup):
    """Turns TrendlabError, database and usage errors into one line on stderr and an exit
    code (usage errors keep Click's 2).

    Its commands load lazily (Click's documented pattern): `lazy` names each command's
    module in trendlab.cli, whose COMMANDS are added the first time one is asked for.
    """

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            import importlib

            module = importlib.import_module(f"trendlab.cli.{self.lazy[cmd_name]}")
            for command in module.COMMANDS:
                self.add_command(command)
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as exc:
            # Click suggests among the commands loaded so far; suggest among them all.
            raise click.exceptions.NoSuchCommand(
                exc.command_name, possibilities=self.list_commands(ctx), ctx=ctx
            ) from None

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            _check_utf8(args)
            return super().make_context(info_name, args, parent, **extra)
        except KeyboardInterrupt:
            # Before invoke takes Ctrl-C over: it was Click's "Aborted!", exit 1.
            _stop_interrupted(False, [], [signal.SIGINT])
            raise  # unreachable: _stop_interrupted exits
        except click.UsageError as exc:
            _fail_usage(exc)
            raise  # unreachable: _fail_usage exits
        except OSError as exc:
            _fail_writing_help(exc)
            raise  # unreachable: _fail_writing_help exits

    def invoke(self, ctx: click.Context) -> Any:
        debug = bool(ctx.params.get("debug")) or os.environ.get("TRENDLAB_DEBUG") == "1"
        with _noting_interrupts() as interrupted:
            try:
                with _held_until_done(interrupted):
                    import duckdb
                return super().invoke(ctx)
            except KeyboardInterrupt:
                _stop_interrupted(debug, _committed(ctx), interrupted)
            except (SystemExit, GeneratorExit):
                raise
            # BaseException: a panic in Polars' Rust code reaches Python as one.
            except BaseException as exc:
                # After a Ctrl-C, DuckDB or a library may report it as an error of its
                # own ("Query interrupted", a failed lazy import): it is the interrupt.
                if interrupted:
                    _stop_interrupted(debug, _committed(ctx), interrupted)
                if isinstance(exc, TrendlabError):
                    if debug:
                        traceback.print_exc()
                    hint = f" (see '{exc.help_path} --help')" if exc.help_path else ""
                    _fail(exc.message + hint, exc.details, exc.exit_code)
                if isinstance(exc, duckdb.Error):
                    if debug:
                        traceback.print_exc()
                    from trendlab.lake import (
                        damaged_file_problem,
                        is_lake,
                        locked_error,
                        lost_connection_error,
                        mask_password,
                        missing_data_error,
                        unwritable_folder_problem,
                    )

                    # Which store it was is the --db store's, but for `copy`'s two.
                    settings = ctx.find_object(Settings)
                    copying = ctx.invoked_subcommand == "copy"
                    known = settings.db if settings and not copying else None
                    explained = (
                        locked_error(str(exc), known)
                        or lost_connection_error(str(exc), known)
                        or missing_data_error(str(exc))
                    )
                    if explained:
                        _fail(explained.message, [], explained.exit_code)
                    # A commit outside a changeset's (migrate's, init's upgrade of a store).
                    unwritable = unwritable_folder_problem(str(exc))
                    if unwritable:
                        _fail(
                            f"could not write {known or 'the store'}: {unwritable}",
                            [],
                            ExitCode.DATA,
                        )

                    # A catalog's error may quote its connection string.
                    text = mask_password(str(exc).strip())
                    first = text.splitlines()[0] if text else type(exc).__name__
                    from trendlab.db import command_on

                    damaged = damaged_file_problem(first)
                    if damaged:
                        # A block it read was bad (opening it, or after); copy's is named in `first`.
                        shown = f"{known}: " if known else ""
                        # check lists them only of a store it opens, and is no help to itself.
                        listing = (
                            f"; `{command_on(known, 'check')}` lists the tables it cannot read"
                            if known
                            and not is_lake(known)
                            and settings is not None
                            and settings.opened
                            and ctx.invoked_subcommand != "check"
                            else ""
                        )
                        _fail(f"{shown}{damaged}{listing}", [], ExitCode.DATA)
                    # A table, view or macro the store lacks was dropped around trendlab
                    # (a store trendlab made and migrated has them all), as check says.
                    if isinstance(exc, duckdb.CatalogException) and known:
                        first += f"; `{command_on(known, 'check')}` lists what the store lacks"
                    _fail(
                        f"database error: {first} (run with --debug for details)", [], ExitCode.DATA
                    )
                if isinstance(exc, BrokenPipeError):
                    _stop_quietly()
                if isinstance(exc, click.UsageError):
                    _fail_usage(exc)
                if isinstance(exc, click.ClickException | click.exceptions.Exit | click.Abort):
                    raise  # Click's own exits, which it reports itself
                # Never a traceback for the user, even for a bug: one line, and --debug.
                if debug:
                    traceback.print_exc()
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                _fail(
                    f"internal error ({type(exc).__name__}: {first}); this is a bug in "
                    "trendlab, please report it with the output of --debug",
                    [],
                    ExitCode.INTERNAL,
                )


def _check_utf8(args: list[str]) -> None:
    """A usage error for a word of the command line, or a TRENDLAB_ setting, that is not
    UTF-8: Python hands such bytes on as lone surrogates, which no database, file or
    terminal takes, and which would otherwise fail deep inside a command."""
    from trendlab.text import is_utf8

    for arg in args:
        if not is_utf8(arg):
            from trendlab.lake import mask_password

            # A --db or copy SRC's password masked, as in every other message.
            shown = mask_password(os.fsencode(arg).decode("utf-8", "backslashreplace"))
            raise click.UsageError(f"argument '{shown}' is not UTF-8 text")
    for name, value in os.environ.items():
        if name.startswith("TRENDLAB_") and not is_utf8(value):
            raise click.UsageError(f"{name} is not UTF-8 text")


@contextmanager
def _noting_interrupts() -> Iterator[list[int]]:
    """Ctrl-C raises KeyboardInterrupt as usual, and so does a SIGTERM, each noted by its
    signal number in the list yielded. A SIGTERM (a polite kill) so stops a command as
    cleanly as a Ctrl-C, where it ended the process at once: a new file's build was
    left in its hidden folder."""
    interrupted: list[int] = []

    def on_interrupt(signum: int, frame: object) -> None:
        interrupted.append(signum)
        raise KeyboardInterrupt

    with handled((signal.SIGINT, signal.SIGTERM), on_interrupt):
        yield interrupted


@contextmanager
def _held_until_done(interrupted: list[int]) -> Iterator[None]:
    """Ctrl-C and SIGTERM noted in `interrupted` but held while the block runs, then
    raised as KeyboardInterrupt: a first `import duckdb` interrupted in its native
    initialisation fails as an ImportError with a traceback, and the process then hangs
    at exit (DuckDB's import cache waits for the GIL of a finalised interpreter)."""

    def note_only(signum: int, frame: object) -> None:
        interrupted.append(signum)

    with handled((signal.SIGINT, signal.SIGTERM), note_only):
        yield
    if interrupted:
        raise KeyboardInterrupt


def _committed(ctx: click.Context) -> list[str]:
    """The changesets the command has committed (none before its Settings exist)."""
    settings = ctx.find_object(Settings)
    return settings.committed if settings else []


def _stop_interrupted(debug: bool, committed: list[str], signals: list[int]) -> None:
    """Exit 130 (143 when the first of `signals` noted is a SIGTERM), saying so, and
    naming what the command committed before the Ctrl-C (a commit is too late to
    stop, and a Ctrl-C just after it is no undo)."""
    from trendlab.text import listed

    if debug:
        traceback.print_exc()
    after = ""
    if committed:
        which = "changeset" if len(committed) == 1 else "changesets"
        after = f" after committing {which} {listed(committed)}"
    terminated = signals[:1] == [signal.SIGTERM]
    click.echo(f"trendlab: {'terminated' if terminated else 'interrupted'}{after}", err=True)
    sys.exit(ExitCode.TERMINATED if terminated else ExitCode.INTERRUPTED)


def one_line(text: str) -> str:
    """`text` with control and format characters and line breaks escaped (\\n, \\x00,
    \\u202e): an error may quote them from its input, and stays one line."""
    from trendlab.text import escaped

    return escaped(text)


def _stop_quietly() -> None:
    """The reader went away (`| head`): stop quietly, as other tools do."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(ExitCode.OK)


def _fail_writing_help(exc: OSError) -> None:
    """--help or --version, the only output while a command line is read, could not be
    written (a full disk, a closed stdout): the user's to fix, not a bug."""
    if isinstance(exc, BrokenPipeError):
        _stop_quietly()
    _fail(f"cannot write to stdout: {exc.strerror or exc}", [], ExitCode.DATA)


def _fail(message: str, details: list[str], code: int) -> None:
    click.echo(f"trendlab: error: {one_line(message)}", err=True)
    for line in details:
        click.echo(f"  {one_line(line)}", err=True)
    sys.exit(code)


def _fail_usage(exc: click.UsageError) -> None:
    """Click's usage error on one line, like every other error, pointing at the help."""
    if isinstance(exc, click.exceptions.NoArgsIsHelpError):
        raise exc  # a bare group (`trendlab`, `trendlab alias`): its help, as Click shows it
    hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
    # Click lays out the choices of a missing argument one a line ("Choose
    # from:\n\torganizations,\n\tmodels, ..."), which one_line would show escaped.
    message = exc.format_message().replace(":\n\t", ": ").replace(",\n\t", ", ")
    _fail(f"{message.rstrip('.')}{hint}", [], exc.exit_code)


def note(message: str) -> None:
    """A message for the user: stderr, so stdout carries only data. Shown as an error
    is (see one_line): a note may echo a name stored before today's rules refused
    control and format characters in it (an alias)."""
    click.echo(one_line(message), err=True)


def note_upgraded(store: Any) -> None:
    """Say that a write upgraded an older store in its own transaction (see
    Store.upgraded_by_write), as `init` and `migrate` say theirs: it was done without a
    word, though a trendlab that knows only the old schema, which a teammate may still
    use, refuses the store from then on."""
    upgraded = store.upgraded_by_write()
    if upgraded:
        note(
            f"{store.shown()}: upgraded from schema version {upgraded[0]} to {upgraded[1]} "
            "with this write; an older trendlab no longer opens it"
        )


def note_left_build(folder: Path, problem: str | None) -> None:
    """The line for a hidden folder that an `init` or `copy` building a new file left
    when it was killed: removed by this one, or, with `problem`, why it could not be
    (see Store.open's `left_build`)."""
    if problem is None:
        note(f"removed {folder}, left by an init or copy that did not finish")
    else:
        note(f"cannot remove {folder}, left by an init or copy that did not finish: {problem}")


def default_message(
    cs: Changeset,
    kind: Kind,
    frame: Any,
    default: str,
    source: str,
    given: dict[str, str],
) -> str:
    """`default` (a format string of the record's fields) filled with the names as
    they are stored, which validation reads them as: a model by its slug (GPT_4 is
    gpt-4), a provider by its stored spelling (openai is OpenAI), no spaces around."""
    typed = cs.validated(kind, frame, source=source, merging="add", given=given)
    return default.format(**typed.row(0, named=True))


def _refuse_figure(output: str, ending: str, choices: Sequence[str], *, drawn: bool) -> None:
    """Refuse -o FILE.png (.svg) for a command that writes tables, even with --format
    (a table in a .png opens as a broken image), saying what draws figures: this
    command's --plot FILE where it has one (`drawn`)."""
    from trendlab.plot import SUFFIXES as FIGURES

    if ending in FIGURES:
        by = (
            "--plot FILE draws one"
            if drawn
            else "figures are drawn by plot, and by forecast and price-trend --plot FILE"
        )
        raise click.UsageError(
            f"-o {output} names a figure, which -o does not draw (it writes "
            + "|".join(choices)
            + f"): {by}"
        )


def note_added(counts: Counts, noun: str, key: str, changeset: str) -> None:
    """The line an add command ends with: the record added, or restored where it
    writes again one that was retracted (a retraction someone made for a reason), with
    the stored fields it kept that the command left out."""
    done = "restored (it was retracted)" if counts.restored else "added"
    kept = f"; kept its stored {', '.join(counts.restored_kept)}" if counts.restored_kept else ""
    note(f"{done} {noun} {key} in changeset {changeset}{kept}")


def note_written(
    counts: Counts,
    kind: Kind,
    given: str,
    command: Callable[[str], str],
    shown: int = 5,
    since: str | None = None,
    dry_run: bool = False,
) -> None:
    """The notes a write of `kind` calls for, each one line however many rows (at most
    `shown` named): results no date places, scores that look like fractions, results
    and prices dated before their model's release, and ceilings moved past results.
    `given` names where a result's own date comes from in the command ('--date',
    'reported_date'); `command` (Store.command) words the commands a note suggests, on
    the store written; `since`, the changeset before the write, the one `diff --since`
    lists its records after (none on a dry run); `dry_run`: the write was counted and
    rolled back, so each note says what it would have done."""
    said: list[str] = []
    if counts.undated:
        said.append(_note_undated(counts.undated, given, shown, command))
    if counts.fraction_like:
        said.append(
            _note_found(
                counts.fraction_like,
                shown,
                "result",
                "{counted} {score} at most 1, below the benchmark's floor (chance level): "
                "{examples}; percent scores are 0-100, so if {it}, multiply by 100",
                score=("scores", "score"),
                it=("it is a fraction", "they are fractions"),
            )
        )
    if counts.fraction_bounds:
        said.append(
            _note_found(
                counts.fraction_bounds,
                shown,
                "percent benchmark",
                "{counted} {has} a ceiling (best achievable) of at most 1: {examples}; percent "
                "is 0-100, so if {its} bounds are fractions, multiply them by 100",
                has=("has", "have"),
                its=("its", "their"),
            )
        )
    if counts.before_release:
        results = kind.name == "results"
        said.append(
            _note_found(
                counts.before_release,
                shown,
                kind.singular,
                "{counted} {dated} before {whose} model's release: {examples}; {kept}, but if "
                "{it} mistyped or the model is the wrong one, correct it",
                dated=("is reported", "are reported")
                if results
                else ("takes effect", "take effect"),
                whose=("its", "their"),
                kept=("it is kept", "they are kept"),
                it=("the date is", "a date is"),
            )
        )
    if counts.near_providers:
        said.append(
            _note_found(
                counts.near_providers,
                shown,
                "price",
                "{counted} of a provider no other price names: {examples}; {it} {are} kept, but a "
                "provider's spelling is part of a price's key: if it is a typo, retract {them} "
                "and add {them} under the stored name",
                it=("it", "they"),
                are=("is", "are"),
                them=("it", "them"),
            )
        )
    if counts.released_later:
        said.append(_note_released_later(counts.released_later, shown))
    if counts.past_ceiling:
        said += _note_past_ceiling(counts.past_ceiling, command)
    if counts.twins[1]:
        said.append(_note_twins(*counts.twins, command, since))
    for message in said:
        # Nothing was written: what the notes say of the records is what the write would do.
        note(f"had it been written: {message}" if dry_run else message)


def _note_undated(
    undated: dict[str, int], given: str, shown: int, command: Callable[[str], str]
) -> str:
    """The line for the results just written that no date places (model -> how many),
    however many: what leaves them out and how to place them. `given` names where a
    result's own date comes from in the command ('--date', 'reported_date')."""
    from trendlab.text import at_most, counted

    n, models = sum(undated.values()), list(undated)
    named = ", ".join(at_most(models, shown))
    if len(models) == 1:
        whose = f"{'its' if n == 1 else 'their'} model {named} has"
        fix = f"the model's release date ({command(f'edit model {named}')} --set"
    else:
        whose = f"their models {named} have"
        fix = f"the models' release dates ({command('edit model SLUG')} --set"
    have, them = ("has", "it") if n == 1 else ("have", "them")
    give = given if given.startswith("-") else f"{'its' if n == 1 else 'their'} {given}"
    return (
        f"{counted(n, 'result')} {have} no date (no {given}, and {whose} no release date): forecasts (by "
        f"compute and price too), figures and price trends leave {them} out; give "
        f"{give}, or set {fix} release_date=YYYY-MM-DD)"
    )


def _note_found(
    found: list[str], shown: int, noun: str, text: str, **words: tuple[str, str]
) -> str:
    """The line for the records a write found worth a word (a Counts list), however
    many: `text` with {counted} (how many `noun`s), {examples} (at most `shown`) and
    each of `words` as its (one, several) form says."""
    from trendlab.text import at_most, counted

    n = len(found)
    forms = {name: pair[n != 1] for name, pair in words.items()}
    return text.format(counted=counted(n, noun), examples="; ".join(at_most(found, shown)), **forms)


def _note_released_later(moved: list[tuple[str, Any, int, int]], shown: int) -> str:
    """The line for the models whose release date a write moved past some of their
    results or prices (Counts.released_later), however many."""
    from trendlab.text import at_most, counted

    def records(results: int, prices: int) -> str:
        parts = [counted(n, noun) for n, noun in ((results, "result"), (prices, "price")) if n]
        return " and ".join(parts)

    results, prices = sum(m[2] for m in moved), sum(m[3] for m in moved)
    are = "is" if results + prices == 1 else "are"
    if len(moved) == 1:
        [(model, day, _, _)] = moved
        said, fix = f"of {model} {are} now dated before its release, {day}", "the release date is"
    else:
        named = at_most([f"{m}, released {day} ({records(r, p)})" for m, day, r, p in moved], shown)
        said = f"{are} now dated before their model's release: {'; '.join(named)}"
        fix = "a release date is"
    kept = "it is kept" if results + prices == 1 else "they are kept"
    return f"{records(results, prices)} {said}; {kept}, but if {fix} mistyped, correct it"


def _note_twins(fields: list[str], n: int, command: Callable[[str], str], since: str | None) -> str:
    """The line for the results a file added, with no column for `fields` (part of a
    result's key), that share their model and benchmark with a stored result; how to
    list them when `since` (the changeset before the write) is known."""
    from trendlab.text import counted

    named = " and ".join(fields)
    columns, those = ("columns", "those columns") if len(fields) > 1 else ("column", "that column")
    given = [f for f in ("model", "benchmark", "setting", "source_url") if f not in fields]
    match = f"{', '.join(given[:-1])} and {given[-1]}"
    share, them = ("shares", "it is that result") if n == 1 else ("share", "they are those results")
    # The changeset before the write: `diff --since` alone is no command (it needs one).
    listed = f" (`{command(f'diff --since {since}')}` lists them)" if since else ""
    return (
        f"{counted(n, 'result')} added by a file with no {named} {columns} {share} the "
        f"{match} of a stored result: if {them} again, under another key for want of "
        f"{named}, import the file with {those} (`{command('export results')}` writes every "
        f"column) and retract the copies written{listed}"
    )


def _note_past_ceiling(
    past: list[tuple[str, float, int]], command: Callable[[str], str]
) -> list[str]:
    """A line for each benchmark just changed whose results now lie past its ceiling
    (Counts.past_ceiling)."""
    from trendlab.text import counted, number

    return [
        f"{counted(n, 'current result')} of {slug} {'lies' if n == 1 else 'lie'} past "
        f"its ceiling {number(ceiling)}: forecasts of {slug} refuse until the results or the "
        f"ceiling are fixed (`{command('check')}` lists them)"
        for slug, ceiling, n in past
    ]


def progress_bar(label: str) -> Callable[[Iterable[Any], int], Iterable[Any]] | None:
    """A wrapper drawing a progress bar on stderr while iterating, or None when stderr
    is not a terminal (a pipe or a log gets no bar)."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import track

    def wrap(items: Iterable[Any], total: int) -> Iterable[Any]:
        return track(
            items, total=total, description=label, console=Console(stderr=True), transient=True
        )

    return wrap


# -- shared options -----------------------------------------------------------------------


def output_options(default: str = "table", formats: tuple[str, ...] | None = None) -> Callable:
    """--format (with --csv/--json/--jsonl shorthands) and -o FILE, for read commands.

    Without a format, -o FILE.csv (.json, .jsonl, .parquet) picks it from the suffix.
    A command that writes no table (export) writes only files whose suffix says their
    format, as import reads them, unless told the format. A figure's suffix (.png,
    .svg) is refused, naming the command's --plot FILE where it has one: a parameter
    named `plot`.
    """
    from trendlab.render import FORMATS, SUFFIXES
    from trendlab.text import name_fault

    choices = formats or FORMATS

    def decorator(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            flags = [
                f for f in ("csv", "json", "jsonl") if kwargs.pop(f"as_{f}", False) and f in choices
            ]
            fmt = kwargs.pop("fmt")
            if len(flags) > 1 or (flags and fmt and fmt != flags[0]):
                from trendlab.text import listed

                # Named, as every bad option is: "give one output format" left the user
                # to find which of a script's options disagreed.
                given = [*([f"--format {fmt}"] if fmt else []), *(f"--{f}" for f in flags)]
                raise click.UsageError(
                    f"{listed(given)} ask for different output formats: give one"
                )
            output = kwargs.get("output")
            if output is not None and (fault := name_fault(output)):
                # It failed only once the work was done, as 'cannot write : No such file';
                # a name of spaces wrote a file of that name, and 'out.csv ' was refused as
                # of no known format, the wrong reason.
                raise click.UsageError(f"-o: the file name {fault} (give FILE, or - for stdout)")
            # Before its name is read for a format: 'cannot tell the format' of a folder.
            refuse_folder(output, "-o")
            # None when it is stdout, as when not given.
            file: str | None = output if output != "-" else None
            ending = Path(file).suffix.lower() if file is not None else ""
            suffix = SUFFIXES.get(ending)
            chosen = (flags[0] if flags else None) or fmt
            # A table is text, at home in notes.txt, but in report.xlsx it would look
            # like a spreadsheet and not be one. A file for import (export's) must say
            # its format by its suffix: import would not read CSV in results.txt.
            plain = ("", ".txt") if "table" in choices else ()
            if file is not None:
                # A command that draws a figure of its own takes it as --plot FILE. A
                # name that is all suffix (.png) has none of its own: its name is read.
                bare = ending or Path(file).name.lower()
                _refuse_figure(file, bare, choices, drawn="plot" in kwargs)
                refuse_bare_suffix(file, "-o", [*SUFFIXES, *plain[1:]])
            if chosen is None and suffix is not None and suffix not in choices:
                # The suffix is plain; this command does not write that format.
                raise click.UsageError(
                    f"-o {output} names a {suffix} file, which this command does not write "
                    "(it writes " + "|".join(choices) + ")"
                )
            if chosen is None and file is not None and suffix is None and ending not in plain:
                why = "" if plain else " (import reads a file by its suffix)"
                raise click.UsageError(
                    f"cannot tell the format from -o {output}: give --format "
                    + "|".join(choices)
                    + why
                )
            if chosen and suffix and chosen != suffix:
                # An import reads a file by its suffix: CSV in data.json would not read back.
                raise click.UsageError(
                    f"-o {output} names a {suffix} file, but the format asked for is {chosen}"
                )
            kwargs["fmt"] = chosen or suffix or default
            check_output(output, "-o")
            return func(*args, **kwargs)

        options = [
            click.option(
                "--format",
                "fmt",
                type=click.Choice(choices),
                default=None,
                help=f"Output format [default: {default}, or from -o's suffix].",
            ),
            *[
                click.option(f"--{f}", f"as_{f}", is_flag=True, help=f"Shorthand for --format {f}.")
                for f in ("csv", "json", "jsonl")
                if f in choices
            ],
            click.option(
                "-o",
                "--output",
                type=click.Path(allow_dash=True),
                help="Write to FILE instead of stdout.",
            ),
        ]
        for option in reversed(options):
            wrapper = option(wrapper)
        return wrapper

    return decorator


# The separators a path may end in, which make it a folder's.
_SEPARATORS = tuple(sep for sep in (os.sep, os.altsep) if sep)


def check_output(output: str | None, option: str) -> None:
    """Fail before any work (a backtest of every benchmark can take a while) if the file
    `output` could not be written, or would be written over the database: a usage
    error, as the option's value is what is wrong."""
    refuse_folder(output, option)
    try:
        if output and output != "-" and not Path(output).resolve().parent.is_dir():
            raise TrendlabError(
                f"{option} {output}: {_no_directory(output)}", exit_code=ExitCode.USAGE
            )
        refuse_the_database(output, option)
    except OSError as exc:
        # A name the system cannot look up (too long, say) cannot be written either: it
        # was an internal error, the OSError of looking it up.
        raise TrendlabError(
            f"{option} {output}: {exc.strerror or exc}", exit_code=ExitCode.USAGE
        ) from None
    except RuntimeError:
        # Path.resolve's error, before Python 3.13, for a symbolic link that loops: it
        # was an internal error (exit 70).
        raise TrendlabError(
            f"{option} {output}: {os.strerror(errno.ELOOP)}", exit_code=ExitCode.USAGE
        ) from None


def refuse_folder(output: str | None, option: str) -> None:
    """A usage error if `output` names a folder: by its name, or one that is there, which
    click.Path(dir_okay=False) refused in Click's words ("Invalid value for '-o' /
    '--output': File 'outd' is a directory"), not as other bad -o values are."""
    if not output or output == "-":
        return
    if output.endswith(_SEPARATORS) or os.path.basename(output) in (".", ".."):
        # Path() drops a trailing separator (and a last `.`), so the name passed for a
        # file's: the work was done, then writing it failed (exit 1).
        raise TrendlabError(
            f"{option} {output}: a folder's name, not a file's", exit_code=ExitCode.USAGE
        )
    if os.path.isdir(output):
        raise TrendlabError(f"{option} {output}: a folder, not a file", exit_code=ExitCode.USAGE)


def _no_directory(output: str) -> str:
    """Why `output`'s folder is none: a file where a folder of its path should be
    (`-o notes.txt/out.csv` said "no such directory", with notes.txt right there, as
    --data-path says "not a directory"), else nothing there; through a symbolic link (the
    file's or a folder's), of the folder it points into, named with the link's target."""
    from trendlab.lake import file_in_the_way

    given = Path(output)
    # The link nearest the file: `-o out/r.csv`, out a link to a folder that is gone,
    # said "no such directory" with out right there, as a link to the file itself did.
    link = next((p for p in (given, *given.parents) if p.is_symlink()), None)
    if link is not None:
        # The folder missing is the one the link points into, not the link's, which is
        # there: "-o out.csv: no such directory" named neither.
        target = os.path.realpath(output)
        folder = Path(target).parent
        why = file_in_the_way(folder)
        missing = f"not a directory ({why} is a file)" if why else f"no such directory {folder}"
        if link == given:
            return f"{missing} (a symbolic link to {target})"
        return f"{missing} ({link} is a symbolic link to {os.path.realpath(link)})"
    if (blocker := file_in_the_way(Path(output).parent)) is not None:
        return f"not a directory ({blocker} is a file)"
    return f"no such directory{_quoted_tilde(output)}"


def _quoted_tilde(output: str) -> str:
    """Why a file under a quoted `~` (`-o "~/out.csv"`) is in no directory, where the
    home folder holds that path: --db reads `~` as home, as DuckDB does, but a file is
    written where its name says, and the shell expands a `~` it sees unquoted only."""
    # os.path's, which leaves `~nobody` as it is: pathlib's raises RuntimeError.
    home = os.path.expanduser(output)
    if home == output or not Path(home).parent.is_dir():
        return ""
    return " (a quoted ~ is no home folder: leave the ~ unquoted, or write $HOME)"


def refuse_the_database(output: str | None, option: str) -> None:
    """A usage error if `output` is a file the database (--db) lives in, or lies in its
    data files' folder: a CSV written there would lose records and their history."""
    if not output or output == "-":
        return
    context = click.get_current_context(silent=True)
    settings = context.find_object(Settings) if context else None
    if context is None or settings is None:
        return
    from trendlab.db import store_paths
    from trendlab.lake import mask_password

    for path in store_paths(settings.db, settings.data_path):
        _refuse_among(output, option, path, mask_password(settings.db))
    # A PostgreSQL team store's data path is in its catalog: checked once it is open.
    context.meta.setdefault(_OUTPUTS, []).append((output, option))


# Where refuse_the_database leaves the outputs of this command, for Settings._open.
_OUTPUTS = "trendlab.outputs"


def _refuse_among(output: str, option: str, path: Path, shown_db: str) -> None:
    """A usage error if `output` is the file `path` or lies in the folder `path`."""
    # As it will be opened: a quoted ~ is a folder named ~, not the home directory.
    target = Path(output).resolve()
    kept = path.resolve()
    same = os.path.samefile(target, kept) if target.exists() and kept.exists() else False
    if same or target == kept or kept in target.parents:
        raise click.UsageError(
            f"{option} {output} is where the database ({shown_db}) "
            "keeps its records: writing there would destroy them"
        )


def refuse_bare_suffix(path: str, option: str, suffixes: Iterable[str]) -> None:
    """A usage error if `path`'s file name is one of `suffixes` and nothing else."""
    name = Path(path).name
    if name.lower() in suffixes:
        # A script's `-o "$name.png"` with $name empty: a name that is all suffix has
        # none (Path(".png").suffix is ""), and "must end in .png" said what it does,
        # while a table was written to a file named .csv as plain text.
        raise TrendlabError(
            f"{option} {path}: the file name has nothing before {name} (give FILE{name})",
            exit_code=ExitCode.USAGE,
        )


def check_suffix(path: str, option: str, suffixes: Sequence[str]) -> None:
    """A usage error unless `path` ends in one of `suffixes`, in one wording for every
    file whose format its name says (a figure's, the report's): `report -o r.jpg` said
    'Invalid value for -o: r.jpg: the report is an HTML page', `plot -o p.jpg` this."""
    refuse_bare_suffix(path, option, suffixes)
    if Path(path).suffix.lower() not in suffixes:
        raise TrendlabError(
            f"{option} {path}: the file name must end in {' or '.join(suffixes)}",
            exit_code=ExitCode.USAGE,
        )


def check_figure_path(path: str, option: str, output: str | None = None) -> None:
    """Fail before any work if a figure could not be written to `path`, or would be
    written over the database or over `output`, the file -o writes beside it."""
    from trendlab.plot import SUFFIXES
    from trendlab.text import name_fault

    if fault := name_fault(path):
        raise TrendlabError(
            f"{option}: the file name {fault}; it must end in {' or '.join(SUFFIXES)}",
            exit_code=ExitCode.USAGE,
        )
    refuse_folder(path, option)  # before its name is read for a format
    check_suffix(path, option, SUFFIXES)
    check_output(path, option)
    if output and output != "-" and _same_file(Path(path), Path(output)):
        # Written one after the other, the second replaced the first, and both were
        # said to be written.
        raise click.UsageError(f"{option} {path} is the file -o writes too: give each its own")


def check_location(location: str, given: str) -> None:
    """A usage error for a store's location (--db, copy's SRC or DST) or a team store's
    data path (--data-path) whose file or folder name has white space around it: a slip,
    which created a file or folder whose name ends in a space (`--db "x.duckdb "`). A
    PostgreSQL connection after ducklake:postgres: is libpq's to read, spaces and all.
    The file's own name counts too: `ducklake: x.ducklake`, `d/ x.duckdb`. So is `-` (a lake's too),
    which names stdin or stdout, not a file."""
    from trendlab import lake
    from trendlab.text import name_fault

    if location.startswith(f"{lake.PREFIX}postgres:"):
        return
    if location.removeprefix(lake.PREFIX) == "-":
        # As everywhere a file is read or written: `copy trendlab.duckdb -`, meant for
        # stdout, made a DuckDB file named '-' and said it copied; ducklake:- a catalog.
        raise click.BadParameter(
            "'-' means stdin or stdout, which hold no store: give a path (./- for a file named -)",
            param_hint=given,
        )
    path = location.removeprefix(lake.PREFIX)
    if path != location and not path:
        raise click.BadParameter(f"{location!r} names no file after it", param_hint=given)
    names = [location, path]
    if path.strip() and Path(path).name:  # not ., /: the store says that is a folder
        names.append(Path(path).name)
    for name in names:
        if fault := name_fault(name):
            # A connection string's password masked (TRENDLAB_DB=' ducklake:postgres:...'
            # showed it), where masking keeps the white space, else in the whole fault.
            fault = name_fault(lake.mask_password(name)) or lake.mask_password(fault)
            raise click.BadParameter(fault, param_hint=given)
    # A CONNINFO or another kind of database is no path: the store says what it is (a
    # long one was "File name too long", its password shown).
    if not (lake.CONNINFO_RE.match(path) or lake.DATABASE_TYPE_RE.match(path)):
        _refuse_unreachable(path, given)


def _refuse_unreachable(path: str, given: str) -> None:
    """A usage error for a path the system cannot look up, as -o's is: too long, or
    through a symbolic link that loops. Opening the store raised the OSError (or
    pathlib's RuntimeError for the loop), an internal error (exit 70), even for a read."""
    if "://" in path:  # a team store's data files in object storage
        return
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno in (errno.ENAMETOOLONG, errno.ELOOP):
            raise click.BadParameter(f"{path}: {exc.strerror}", param_hint=given) from None


def _same_file(one: Path, other: Path) -> bool:
    """Whether two names are one file, as opened (a hard or symbolic link too)."""
    if one.exists() and other.exists():
        return os.path.samefile(one, other)
    return one.resolve() == other.resolve()


def limit_option(help: str = "At most this many rows.", default: int | None = None) -> Callable:
    """--limit N (see RowLimit), with `help` and `default` where a command has its own."""
    return click.option(
        "--limit", type=RowLimit(), default=default, show_default=default is not None, help=help
    )


as_of_option = click.option(
    "--as-of",
    metavar="WHEN",
    help="Read the database as it was at WHEN: a year, a date or a timestamp (its end, "
    "UTC: 12:30:05 is up to 12:30:05.999999) or a changeset id.",
)


def message_option(required: bool = False) -> Callable:
    def blank_is_not_given(
        _ctx: click.Context, _param: click.Parameter, value: str | None
    ) -> str | None:
        # An optional message left blank, spaces or not, gets the summary ('-m ""' did,
        # '-m " "' was told "a change needs a message: pass -m MESSAGE"). A required
        # one left blank is a malformed option value, as a missing one is a usage error.
        if value is not None and "\x00" in value:
            # Not through the write path's checks, which see only records' fields.
            from trendlab.validate import NUL_PROBLEM

            raise click.BadParameter(NUL_PROBLEM.strip(), param_hint="-m")
        if value is None:
            return value
        from trendlab.text import blank, escaped

        # A Windows line ending is a line's end, as in a message typed in a file: its \r
        # was stored, and shown in log as 'why\r'.
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        if not blank(value):
            # Lines and tabs are a message's; any other control character is garbage,
            # which log shows escaped: '\x01' alone was recorded as a change's reason.
            control = re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", value)
            if control:
                raise click.BadParameter(
                    f"holds a control character ({escaped(control[0])}): a message is "
                    "text, on one line or several",
                    param_hint="-m",
                )
            # Trimmed as --author is: padding is no part of why a change was made.
            return value.strip()
        if required:
            raise click.BadParameter("is blank: say why the change is made", param_hint="-m")
        return None

    return click.option(
        "-m",
        "--message",
        required=required,
        callback=blank_is_not_given,
        help="Why: recorded in the changeset." + ("" if required else " [default: a summary]"),
    )


class _FieldChoice(click.Choice):
    """A record field's choice as an imported file's cell is read: in any case, with
    spaces around it (validation lowercases and trims it), and blank for unknown, as
    every other field's option takes it (`--source-kind ''` was refused)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from trendlab.text import blank

        if isinstance(value, str) and blank(value):
            return value
        return super().convert(value.strip() if isinstance(value, str) else value, param, ctx)


def kind_choice() -> click.Choice:
    """The kinds, plural or singular, in any case."""
    from trendlab.kinds import KINDS

    return click.Choice([*KINDS, *(k.singular for k in KINDS.values())], case_sensitive=False)


def kind_argument() -> Callable:
    return click.argument("kind", metavar="KIND", type=kind_choice())


# What a field's option reads, named as the options of other commands name it (alias
# add's --source-url URL, add-result's --date YYYY-MM-DD); the value is read as text
# all the same, for validation to name what is wrong with it.
_FIELD_METAVARS = {"url": "URL", "date": "YYYY-MM-DD", "float": "NUMBER"}


def field_options(kind_name: str, skip: tuple[str, ...]) -> Callable:
    """One option per field of a kind (e.g. --release-date), as text for validation."""
    from trendlab.kinds import get_kind

    kind = get_kind(kind_name)

    def decorator(func: Callable) -> Callable:
        for field in reversed(kind.fields):
            if field.name in skip:
                continue
            flag = "--" + field.name.replace("_", "-")
            help_text = field.help or field.name.replace("_", " ")
            if field.type == "bool":
                option = click.option(
                    f"{flag}/--no-{field.name.replace('_', '-')}",
                    field.name,
                    default=None,
                    help=help_text,
                )
            elif field.type == "choice":
                option = click.option(
                    flag,
                    field.name,
                    type=_FieldChoice(field.choices, case_sensitive=False),
                    help=help_text,
                )
            else:
                metavar = _FIELD_METAVARS.get(field.type, "TEXT")
                option = click.option(
                    flag, field.name, metavar=metavar, required=field.required, help=help_text
                )
            func = option(func)
        return func

    return decorator


def given_as(
    ctx: click.Context, fields: Iterable[str], params: dict[str, str] | None = None
) -> dict[str, str]:
    """How the command line names each of `fields`, by ctx's parameter of that name (or
    the one `params` names for it): an option by its long name (--unit), an argument by
    its metavar (SCORE). A value its field's rules refuse is then a usage error naming
    it (see validate)."""
    named = {p.name: p for p in ctx.command.params}
    given = {}
    for field in fields:
        param = named[(params or {}).get(field, field)]
        if isinstance(param, click.Argument):
            given[field] = param.human_readable_name
        else:
            given[field] = next(o for o in param.opts if o.startswith("--"))
    return given


def get_kind(name: str) -> Any:
    """The Kind for a KIND argument (singular or plural)."""
    from trendlab.kinds import get_kind as lookup

    return lookup(name)
