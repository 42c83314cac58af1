"""Files in and out: import and export."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from trendlab.cli.options import (
    Settings,
    TrendlabCommand,
    as_of_option,
    get_kind,
    kind_argument,
    kind_choice,
    message_option,
    note,
    note_written,
    output_options,
)
from trendlab.errors import ExitCode, TrendlabError
from trendlab.kinds import IMPORTABLE, Kind
from trendlab.text import at_most, counted

SHOWN = 5  # lines of a left-out list shown before "... and N more"

# -- files in and out ------------------------------------------------------------------------


@click.command("import", cls=TrendlabCommand)
@click.argument("file", metavar="FILE_OR_DIR")
@click.option(
    "--kind",
    "kind_name",
    type=kind_choice(),
    metavar="[" + "|".join(IMPORTABLE) + "]",
    help="What the rows are [default: from the file name, e.g. results.csv].",
)
@click.option(
    "--from",
    "source",
    type=click.Choice(["epoch", "llm-prices", "metr"]),
    help="Read a public source's files as published instead of trendlab's own format: "
    "Epoch AI's benchmark CSVs (a file or a folder), simonw/llm-prices JSON, METR's "
    "time-horizon YAML.",
)
@click.option(
    "-f",
    "--input-format",
    type=click.Choice(["csv", "json", "jsonl", "parquet"]),
    help="The file's format [default: from its extension; csv for stdin].",
)
@click.option(
    "--skip-unresolved",
    is_flag=True,
    help="With --from: leave out (and list) rows naming models the database does not "
    "know, instead of failing.",
)
@click.option(
    "--source-url",
    metavar="URL",
    help="With --from metr: the URL the file was downloaded from [default: METR's "
    "published file for its suite version].",
)
@click.option(
    "--list-all",
    is_flag=True,
    help=f"With --from: list every row left out and every record the file lacks, not "
    f"only the first {SHOWN} of each.",
)
@click.option("--dry-run", is_flag=True, help="Validate and count, write nothing.")
@message_option()
@click.pass_obj
def import_(
    settings: Settings,
    file: str,
    kind_name: str | None,
    source: str | None,
    input_format: str | None,
    skip_unresolved: bool,
    source_url: str | None,
    list_all: bool,
    dry_run: bool,
    message: str | None,
) -> None:
    """Import records from a CSV, JSON, JSONL or Parquet file (- for stdin), or a
    public source's files as published (--from).

    Columns are the field names (see `trendlab export KIND`); optional ones may be
    absent, and an absent column keeps a record's stored value. All or nothing: if
    any row is bad, nothing is written and every bad row is listed. Rows identical to
    the current state change nothing; changed rows become new revisions. Model names
    resolve through aliases (`trendlab alias`).

    With --from, a benchmark the database lacks is created from what the file says
    (floor and ceiling empty), rows the publication leaves unusable (no model, no
    score) are listed and left out, and a model name that resolves to no model fails
    the import with its nearest candidates (or, with --skip-unresolved, is left out).
    Re-importing a newer publication records only what changed, in one changeset
    named after the file: `trendlab diff --since CHANGESET`, given the changeset
    before it in `trendlab log`, shows what it changed. A source
    merges: an empty cell never erases a stored value, a rounder figure never
    replaces a more precise one, a row whose figures agree changes nothing (its
    notes and source do not replace the stored ones), and stored records the file
    no longer holds are listed, not retracted (README: "Merge rules").

    \b
    Example:
      trendlab import results.csv -m "results from the Llama 3 paper"
      trendlab --db other.duckdb init --empty
      trendlab export models | trendlab --db other.duckdb import - --kind models
      trendlab import --from epoch benchmark-stitching/data/
      trendlab import --from llm-prices openai.json
      trendlab import --from metr benchmark_results_1_1.yaml
    """
    if source:
        if kind_name or input_format:
            raise click.UsageError("--from reads the source's own format: drop --kind/-f")
        if source_url is not None and source != "metr":
            # The other sources' files name their own URLs: it would be ignored.
            raise click.UsageError(f"--source-url goes with --from metr, not --from {source}")
        shown = None if list_all else SHOWN
        _import_source(settings, source, file, skip_unresolved, source_url, dry_run, message, shown)
        return
    if skip_unresolved or source_url or list_all:
        raise click.UsageError("--skip-unresolved, --source-url and --list-all go with --from")
    from trendlab.ingest import check_readable, read_records
    from trendlab.kinds import ALIASES
    from trendlab.records import retracted_slugs_taken

    with _nothing_written():
        check_readable(file)
    if kind_name is None:
        stem = Path(file).stem.lower() if file != "-" else ""
        # As --kind takes it: plural or singular (model.csv, as models.csv).
        named = {n: n for n in IMPORTABLE} | {get_kind(n).singular: n for n in IMPORTABLE}
        if stem not in named:
            raise click.UsageError(
                f"cannot tell what {file} holds from its name: pass --kind " + "|".join(IMPORTABLE)
            )
        kind_name = named[stem]
    kind = get_kind(kind_name)
    with _nothing_written():
        loaded = read_records(file, input_format, told=True)
    message = message or f"import {kind.name} from {Path(file).name if file != '-' else 'stdin'}"
    with (
        settings.writer(migrate=not dry_run) as store,
        settings.changeset(store, message, dry_run=dry_run) as cs,
        _progress(loaded.frame.height, show=file != "-") as advance,
        _nothing_written(),
    ):
        counts = cs.write(
            kind,
            loaded.frame,
            source=loaded.source,
            line_of=loaded.line_of,
            progress=advance,
            absent=loaded.absent,
        )
        # For the twin note's `diff --since`: after the commit the store is closed.
        since = store.changeset_before(cs.id) if cs.id and counts.twins[1] and not dry_run else None
        taken: list[str] = []
        if kind is ALIASES and cs.id and not dry_run:
            # As alias add says it: the retracted model's slug now means another model.
            taken = retracted_slugs_taken(
                store, counts.keys.filter(~counts.keys.is_in(counts.same.implode()))
            )
    _report(cs, dry_run)
    note_written(counts, kind, "reported_date", store.command, SHOWN, since, dry_run)
    for said in taken:
        note(said)


def _import_source(
    settings: Settings,
    source: str,
    path: str,
    skip_unresolved: bool,
    source_url: str | None,
    dry_run: bool,
    message: str | None,
    shown: int | None,
) -> None:
    from trendlab.adapters import read_source
    from trendlab.adapters.apply import apply

    if path == "-":
        raise click.UsageError("--from reads files, not stdin")
    if source_url is not None:
        from trendlab.kinds import RESULTS
        from trendlab.validate import refuse_given_value

        refuse_given_value(RESULTS, "source_url", source_url, "--source-url")
    with _nothing_written():
        publication = read_source(source, path, source_url=source_url)
    # As given (a link keeps its name), but `.` or `..`, which name no folder: resolved.
    named = Path(path).name
    if named in ("", ".", ".."):
        named = Path(path).resolve().name
    message = message or f"import {source} {named}"
    with (
        settings.writer(migrate=not dry_run) as store,
        settings.changeset(store, message, dry_run=dry_run) as cs,
        _nothing_written(),
    ):
        outcome = apply(publication, cs, skip_unresolved=skip_unresolved)
    if publication.unread:
        unread = publication.unread
        note(
            f"{counted(len(unread), 'file')} of {named} not read (by "
            f"{'its' if len(unread) == 1 else 'their'} columns, not Epoch AI benchmark "
            f"data): {_inline(unread, shown, 'file')}"
        )
    if publication.copies:
        copies = publication.copies
        note(
            f"{counted(len(copies), 'file')} of {named} not read (a second download of "
            f"a file it holds, with the same content): {_inline(copies, shown, 'file')}"
        )
    if outcome.created_benchmarks:
        created = ", ".join(outcome.created_benchmarks)
        if dry_run:
            note(f"new benchmarks the import would create (floor and ceiling unknown): {created}")
        else:
            note(
                "new benchmarks (floor and ceiling unknown; set them with "
                f"`{store.command('edit benchmark SLUG --set floor=...')}`): {created}"
            )
    if outcome.known_by_alias:
        one = len(outcome.known_by_alias) == 1
        note(
            f"{counted(len(outcome.known_by_alias), 'catalog model')} "
            f"{'is' if one else 'are'} already known by an alias and "
            f"{'was' if one else 'were'} not added again: "
            f"{_inline(outcome.known_by_alias, shown, 'catalog model')}"
        )
    if publication.skipped:
        reasons = Counter(s.reason for s in publication.skipped)
        listed = "; ".join(f"{n} {r}" for r, n in reasons.most_common())
        note(f"left out {counted(len(publication.skipped), 'row')}: {listed}")
        _list(
            [
                f"{s.source}:{s.line}: {f'{s.name} ' if s.name else ''}({s.reason})"
                for s in publication.skipped
            ],
            shown,
            "row",
        )
    if outcome.unresolved:
        note(
            f"left out {counted(outcome.unresolved_rows, 'row')} naming "
            f"{outcome.unresolved_models('unknown model')}:"
        )
        _list(
            [u.told() for u in outcome.unresolved],
            None if shown is None else 20,
            "model",
        )
    if outcome.kept:
        one = len(outcome.kept) == 1
        note(
            f"{counted(len(outcome.kept), 'figure')} in the file "
            + (
                "is rounder than the database's and disagrees with it; the database's more "
                "precise figure is kept:"
                if one
                else "are rounder than the database's and disagree with them; the "
                "database's more precise figures are kept:"
            )
        )
        _list(outcome.kept, shown, "figure")
    for kind, labels in outcome.absent.items():
        what = counted(len(labels), get_kind(kind).singular, kind)
        note(
            f"{what} in the database from this source {'is' if len(labels) == 1 else 'are'} "
            f"not in {named} (not retracted; check "
            f"{'it' if len(labels) == 1 else 'them'} with `{store.command('history')}`, retract "
            f"with `{store.command('retract')}`):"
        )
        _list(labels, shown, get_kind(kind).singular, kind)
    _report(cs, dry_run)
    # What any import says of what it wrote (a price dated before its model's release,
    # a release date moved past stored results), a source's as a file's.
    for kind, counts in cs.counts.items():
        note_written(counts, get_kind(kind), "reported_date", store.command, SHOWN, dry_run=dry_run)


@contextmanager
def _nothing_written() -> Iterator[None]:
    """Reading an import's file and writing its rows, which a changeset rolls back on
    any error: a data error there ends saying that nothing was written, as a bad row's
    does (invalid JSON, an unknown column or an adapter's bad date did not say it)."""
    try:
        yield
    except TrendlabError as error:
        if error.exit_code != ExitCode.DATA or "nothing was written" in error.message:
            raise
        raise TrendlabError(
            f"{error.message}; nothing was written", details=error.details
        ) from None


def _inline(items: list[str], shown: int | None, noun: str) -> str:
    """`items` on one line, cut at `shown` as _list cuts its lines: a note's list says
    of what the rest are and how to see them, as every list trendlab cuts short does
    (the catalog models known by an alias ended '... and 8 more')."""
    listed = ", ".join(at_most(items, shown, noun))
    if shown is not None and len(items) > shown:
        listed += " (--list-all lists them)"
    return listed


def _list(lines: list[str], shown: int | None, noun: str, plural: str | None = None) -> None:
    """`lines` indented, cut at `shown` (None: not cut) with how many more there are
    (of `noun`, see at_most), and how to see them."""
    listed = at_most(lines, shown, noun, plural)
    if shown is not None and len(lines) > shown:  # the last line says how many more
        listed[-1] += " (--list-all lists them)"
    for line in listed:
        note(f"  {line}")


def _report(cs: Any, dry_run: bool) -> None:
    """The per-kind counts of a finished import, on stderr."""
    summary = cs.summary() or "nothing"
    if dry_run:
        note(f"dry run: {summary}; nothing written")
    elif cs.id:
        note(f"{summary} (changeset {cs.id})")
    else:
        note(f"{summary}; nothing to write")


@contextmanager
def _progress(total: int, *, show: bool) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr for big inputs, only when stderr is a terminal."""
    if not show or total < 50_000 or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    # On stderr, as the condition reads: rich's own console is stdout's, where the bar
    # went, and where a redirected stdout took a stray blank line.
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("importing", total=total)
        yield lambda done: progress.update(task, completed=done)


@click.command(cls=TrendlabCommand)
@kind_argument()
@as_of_option
@output_options(default="csv", formats=("csv", "json", "jsonl", "parquet"))
@click.pass_obj
def export(settings: Settings, kind: str, as_of: str | None, fmt: str, output: str | None) -> None:
    """Write every current record of a kind, in a form `import` reads back unchanged.

    \b
    Example:
      trendlab export results -o results.csv
      trendlab export models --format parquet -o models.parquet --as-of 2025-01-01
    """
    from trendlab.records import exportable
    from trendlab.render import render
    from trendlab.validate import Refs

    kind_ = get_kind(kind)
    with settings.reader(as_of) as store:
        frame, lost = exportable(kind_, store.records(kind_, fields_only=True), Refs(store))
        as_of_note = store.as_of_note()
    if frame.is_empty():  # as list says of an empty listing: a header alone is no surprise
        note(f"no {kind_.name} to export{as_of_note}")
    render(frame, fmt, output)
    # Under --as-of a record may have been fixed or retracted since, and `check`, which
    # reads the present, would not list it: only those still so are pointed to it.
    present = lost if as_of is None or not lost else _present_lost(settings, kind_)
    for what, keys in lost.items():
        still = len(set(keys) & set(present.get(what, [])))
        note(_lost_note(kind_, what, len(keys), still, as_of_note, store.command("check")))


def _present_lost(settings: Settings, kind: Kind) -> dict[str, list[tuple[Any, ...]]]:
    """What export would write of `kind` today that import refuses (see
    records.exportable)."""
    from trendlab.records import exportable
    from trendlab.validate import Refs

    with settings.reader() as store:
        return exportable(kind, store.records(kind, fields_only=True), Refs(store))[1]


def _lost_note(kind: Kind, what: str, n: int, still: int, as_of_note: str, check: str) -> str:
    """export's note on `n` records exported with what import refuses (`what` they
    have: see records.exportable), `still` of which the database still has so today:
    those are for `check` (the command, on this store) to list, the rest were fixed or
    retracted after --as-of."""
    from trendlab.records import REFUSED_VALUES, unknown_references

    # A value no write stores is written as it is: import refuses most (a date in
    # 1850), but trims a padded text, which then names another record.
    if what == REFUSED_VALUES:
        written = "exported as it is, which import refuses or stores otherwise"
    elif what == unknown_references(kind):
        written = "exported as it is, which import refuses"
    else:
        written = "exported as unknown, which import refuses"
    said = (
        f"{counted(n, kind.singular, kind.name)} {'has' if n == 1 else 'have'} {what} "
        f"(stored around trendlab){as_of_note}: {written}; "
    )
    them = "it" if still == 1 else "them"
    fix = f"fix or retract {them} (`{check}` lists {them})"
    if still == n:
        return said + fix
    if not still:
        return said + f"{'it has' if n == 1 else 'they have'} since been fixed or retracted"
    rest = n - still
    others = "the other has" if rest == 1 else f"the other {rest} have"
    return (
        said + f"{still} of them still {'has' if still == 1 else 'have'} it: {fix}; "
        f"{others} since been fixed or retracted"
    )


COMMANDS = [import_, export]
