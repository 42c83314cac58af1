"""Adapters: published files of public sources -> trendlab text rows.

Each adapter reads a source's files as they are published and returns a
`Publication`: text frames in the import format (a __row column plus String columns
named after fields), each with the line numbers of the ORIGINAL file, so the write
path validates them like any import and its errors point into the file the user has.
Rows the publication itself leaves unusable (no model named, no score) are listed
in `skipped` with their line and reason, never dropped silently.

Model names are left as the source writes them; the importer resolves them through
the database's slugs and aliases (`trendlab.aliases`), as the seeds build does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from trendlab.errors import ExitCode, TrendlabError
from trendlab.ingest import is_folder, refuse_compressed
from trendlab.kinds import Kind


@dataclass
class Part:
    """Rows of one kind read from one file.

    mode is the write mode (see records.MODES): "missing" for records a file only
    mentions in passing (a benchmark's name, a model seen in a results file), so an
    import never overwrites what the database already says about them; "upsert" rows
    are merged with the stored records first (see adapters.merge).

    A frame may carry a `__record` column, the source's own id of each record; then
    `record_note` is the pattern (one group) that finds that id in a stored record's
    notes, so a record the database already holds under another key is recognised,
    and `precedence` ranks the parts of one publication that hold the same record
    (the highest keeps it); `records` lists every id the file holds, rows left out
    included, so the import can tell which stored records the file no longer holds.
    """

    kind: Kind
    frame: pl.DataFrame
    source: str
    line_of: Callable[[int], str]
    mode: str = "upsert"
    record_note: str | None = None
    precedence: int = 0
    records: list[str] = field(default_factory=list)  # every record id the file holds
    # Benchmarks the file covers whatever rows it holds (a stitching file is one
    # benchmark's): its stored records there that it lacks are listed, even if it
    # holds no row at all.
    covers: list[str] = field(default_factory=list)
    # The file's column each field is read from where it names it otherwise (score:
    # EM), so that an error names what the user can find in the file.
    columns: dict[str, str] = field(default_factory=dict)
    # Rows the reader left out as repeats of an earlier row (also in `skipped`), which
    # come back where the database holds their record (merge.stored_keys_kept).
    repeats: pl.DataFrame = field(default_factory=pl.DataFrame)
    # Fields whose own rules the reader found every row to keep (see
    # common.own_field_problems): validation does not judge them again.
    judged: frozenset[str] = frozenset()


@dataclass
class Skip:
    """A row the publication leaves unusable, and why."""

    source: str
    line: str
    name: str | None
    reason: str


@dataclass
class Publication:
    """Everything read from one file or folder of a source, in write order."""

    adapter: str
    paths: list[str]
    parts: list[Part] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    # Files of a folder the adapter did not read, their columns not the source's.
    unread: list[str] = field(default_factory=list)
    # Files of a folder left out as copies of another it holds, each with that file.
    copies: list[str] = field(default_factory=list)

    def extend(self, other: Publication) -> None:
        self.paths.extend(other.paths)
        self.parts.extend(other.parts)
        self.skipped.extend(other.skipped)
        self.unread.extend(other.unread)
        self.copies.extend(other.copies)


ADAPTERS = ("epoch", "llm-prices", "metr")


def read_source(adapter: str, path: str, **options: str | None) -> Publication:
    """Read `path` (a file, or for epoch a folder) with the named adapter. A path that
    names nothing, or a folder where the adapter reads one file, is a usage error, as
    import's own files' is (see ingest.check_readable)."""
    folder = is_folder(path)
    if not Path(path).exists():
        what = "file or folder" if adapter == "epoch" else "file"
        raise TrendlabError(f"cannot read {path}: no such {what}", exit_code=ExitCode.USAGE)
    if adapter != "epoch" and folder:
        raise TrendlabError(
            f"cannot read {path}: a folder; --from {adapter} reads one file "
            "(--from epoch reads a folder)",
            exit_code=ExitCode.USAGE,
        )
    if not folder:
        # METR's YAML, read as text, was "not valid UTF-8 (byte 0x8b)".
        refuse_compressed(path)
    if adapter == "epoch":
        from trendlab.adapters import epoch

        return epoch.read(path)
    if adapter == "llm-prices":
        from trendlab.adapters import llm_prices

        return llm_prices.read(path)
    if adapter == "metr":
        from trendlab.adapters import metr

        return metr.read(path, source_url=options.get("source_url"))
    raise TrendlabError(f"unknown source {adapter!r}; sources: {', '.join(ADAPTERS)}")
