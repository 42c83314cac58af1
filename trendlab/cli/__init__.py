"""The `trendlab` command line: parse options, call the core, render. No SQL here.

The group and its global options live here; the commands live in one module per
area (records, files, reads, ...), each imported only when one of its commands runs.
"""

from __future__ import annotations

import warnings

import click
from click.core import ParameterSource

from trendlab.cli.options import (
    CONTEXT_SETTINGS,
    FiniteFloat,
    Settings,
    TrendlabGroup,
    check_location,
)


class EnvOption(click.Option):
    """A global option also read from its environment variable, which its errors name
    only when the value came from there: Click names it always, so `--lock-timeout -1`
    typed on the command line was reported as if TRENDLAB_LOCK_TIMEOUT held it."""

    def get_error_hint(self, ctx: click.Context | None) -> str:
        source = ctx.get_parameter_source(self.name or "") if ctx else None
        if source is ParameterSource.ENVIRONMENT:
            return super().get_error_hint(ctx)
        return click.Parameter.get_error_hint(self, ctx)


# Where each command lives (trendlab.cli.<module>). Importing every module costs a read
# command such as `query` more than its query does on a large database.
COMMAND_MODULES = {
    **dict.fromkeys(
        ["init", "migrate", "add-model", "add-benchmark", "add-result", "add-price", "edit",
         "retract"],
        "records",
    ),
    **dict.fromkeys(["import", "export"], "files"),
    **dict.fromkeys(["list", "show", "query", "log", "history", "check"], "reads"),
    "alias": "aliases",
    "diff": "changes",
    **dict.fromkeys(["prices", "price-trend"], "prices"),
    **dict.fromkeys(["forecast", "backtest"], "forecast"),
    **dict.fromkeys(["plot", "report"], "figures"),
    "copy": "stores",
}  # fmt: skip


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    # Not click.version_option: given the version it reads the metadata at every start
    # (slower than a query), given the package name it fails in a source tree that was
    # never installed; trendlab.__version__ reads it only now, with a fallback.
    if value and not ctx.resilient_parsing:
        import trendlab

        click.echo(f"trendlab, version {trendlab.__version__}")
        ctx.exit()


@click.group(cls=TrendlabGroup, context_settings=CONTEXT_SETTINGS, lazy=COMMAND_MODULES)
@click.option(
    "-V",
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version and exit.",
)
@click.option(
    "--db",
    envvar="TRENDLAB_DB",
    cls=EnvOption,
    show_envvar=True,
    default="trendlab.duckdb",
    show_default=True,
    metavar="PATH",
    help="The database: a DuckDB file, or a team store, ducklake:postgres:CONNINFO "
    "(e.g. 'ducklake:postgres:dbname=trendlab host=db.lab') or ducklake:FILE.ducklake.",
)
@click.option(
    "--data-path",
    envvar="TRENDLAB_DATA_PATH",
    cls=EnvOption,
    show_envvar=True,
    metavar="DIR",
    help="Where a team store keeps its data files: needed to create one (an empty directory "
    "of its own, on storage every member can reach); afterwards only where this machine "
    "mounts it elsewhere.",
)
@click.option(
    "--lock-timeout",
    envvar="TRENDLAB_LOCK_TIMEOUT",
    cls=EnvOption,
    show_envvar=True,
    type=FiniteFloat(min=0),
    default=5.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for another process to release the database.",
)
@click.option(
    "--author",
    envvar="TRENDLAB_AUTHOR",
    cls=EnvOption,
    show_envvar=True,
    metavar="NAME",
    callback=lambda ctx, _param, value: _author(ctx, value),
    help="Who is making changes [default: git user.name, else the OS user].",
)
@click.option(
    "--debug",
    is_flag=True,
    envvar="TRENDLAB_DEBUG",
    cls=EnvOption,
    show_envvar=True,
    help="Show tracebacks for errors.",
)
@click.pass_context
def cli(
    ctx: click.Context,
    db: str,
    data_path: str | None,
    lock_timeout: float,
    author: str | None,
    debug: bool,
) -> None:
    """A versioned database of AI models, benchmarks, results and prices, with
    bounded, backtested forecasts.

    \b
    Example:
      trendlab init
      trendlab add-result minerva-540b math 50.3 --date 2022-06-29 \\
        --setting "4-shot maj1@64" --source-url https://arxiv.org/abs/2206.14858
      trendlab query frontier --param benchmark=math
    """
    given_db = _given(ctx, "db", "--db")
    if not db.strip():
        raise click.BadParameter("is empty: give a file or a team store", param_hint=given_db)
    check_location(db, given_db)
    data_path_option = _given(ctx, "data_path", "--data-path")
    if data_path is not None:
        check_location(data_path, data_path_option)
    if not debug:
        # numpy's and matplotlib's overflow notes on extreme values (a score of 1e308)
        # are for whoever debugs trendlab; the user sees what came of them. Only for
        # this invocation: a caller's own filters come back when it ends.
        ctx.with_resource(warnings.catch_warnings())
        warnings.simplefilter("ignore", RuntimeWarning)
    ctx.obj = Settings(
        db=db,
        lock_timeout=lock_timeout,
        author=author,
        debug=debug,
        data_path=data_path,
        data_path_option=data_path_option,
        db_option=given_db,
    )


def _given(ctx: click.Context, name: str, option: str) -> str:
    """How an error names where a global option's value came from: its environment
    variable when set there (a blank TRENDLAB_DB was reported as --db, which the command
    line did not hold), else the option."""
    if ctx.get_parameter_source(name) is ParameterSource.ENVIRONMENT:
        for param in ctx.command.params:
            if param.name == name and isinstance(param.envvar, str):
                return param.envvar
    return option


def _author(ctx: click.Context, value: str | None) -> str | None:
    """A name on one line, as every changeset records it. A blank TRENDLAB_AUTHOR is
    unset (the default author applies); a blank --author is a mistake."""
    if value is None:
        return None
    from trendlab.text import blank, shows_as_written

    name = value.strip()
    from_env = ctx.get_parameter_source("author") is ParameterSource.ENVIRONMENT
    if blank(name) and from_env:
        return None
    if blank(name):
        raise click.UsageError(
            "--author needs a name, recorded as the author of each change: give one "
            "(e.g. --author 'Ada Lovelace'), or leave --author out to use TRENDLAB_AUTHOR, "
            "else git's user.name, else the OS user",
            ctx,
        )
    if not shows_as_written(name):
        # Say where the bad name came from: the environment is not on the command line.
        given = "TRENDLAB_AUTHOR" if from_env else "--author"
        raise click.UsageError(
            f"{given} must be a name on one line, with no control characters: it is "
            "recorded as the author of each change",
            ctx,
        )
    return name


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="trendlab")
