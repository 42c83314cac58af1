"""diff: what changed in the database since a changeset (or a moment)."""

from __future__ import annotations

import click

from trendlab.cli.options import Settings, TrendlabCommand, kind_choice, note, output_options
from trendlab.kinds import KINDS


@click.command(cls=TrendlabCommand)
@click.option(
    "--since",
    required=True,
    metavar="CHANGESET",
    help="A changeset id (or prefix), a date or a timestamp (its end, UTC: 12:30:05 is "
    "up to 12:30:05.999999): show what changed after it; or a year: since it began.",
)
@click.option(
    "--kind",
    "kind_name",
    type=kind_choice(),
    metavar="[" + "|".join(KINDS) + "]",  # as import --kind lists them
    help="Only this kind of record (or one in the singular).",
)
@output_options()
@click.pass_obj
def diff(
    settings: Settings, since: str, kind_name: str | None, fmt: str, output: str | None
) -> None:
    """Show what changed since a changeset: records added, updated (with each field's
    old and new value), retracted and restored, per kind.

    Compares every record's state at that moment with its state now, so a value
    changed and changed back does not show. Handy after re-importing a newer
    publication of a source: `trendlab log` gives the changeset before it.

    \b
    Example:
      trendlab import --from epoch epoch-data/ -m "Epoch AI, December download"
      trendlab diff --since CHANGESET        # an id or unique prefix, from trendlab log
      trendlab diff --since 2026-01-31 --kind results --csv
    """
    import polars as pl

    from trendlab.changes import changes_since, summary
    from trendlab.kinds import get_kind
    from trendlab.render import lists_joined, render
    from trendlab.text import moment_text

    with settings.reader() as store:
        moment = store.parse_as_of(since, "--since")
        changes = changes_since(store, moment)
        ahead = store.after_now(moment)
    kind = get_kind(kind_name).name if kind_name else None
    if kind:
        changes = changes.filter(pl.col("kind") == kind)
    said = f"since {since.strip()}: {summary(changes, kind)}"
    if ahead:
        # A date reads as its end: --since today's date said "no changes" of a day of
        # changes, as if none had been made.
        said += f" (--since reads after {moment_text(moment)} UTC, which is still to come)"
    note(said)
    render(lists_joined(changes, "fields", fmt), fmt, output)


COMMANDS = [diff]
