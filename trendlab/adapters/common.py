"""Pieces the adapters share: reading a CSV with its line numbers, scores, settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from trendlab.errors import TrendlabError
from trendlab.ingest import Loaded, read_records
from trendlab.kinds import Kind
from trendlab.records import MAX_SHOWN_ERRORS, row_errors
from trendlab.text import at_most, quoted
from trendlab.validate import ROW, URL_RE, field_problem, names_read_as

# Reasoning effort or thinking budget written onto a model id, as Epoch AI does
# (o3-2025-04-16_high, claude-3-7-sonnet-20250219_16K, glm-4.5_thinking). It is a
# setting of the run, not a different model.
EFFORT_SUFFIX = r"_(minimal|none|low|medium|high|xhigh|max|thinking|\d+[Kk])$"


def read_csv(path: Path) -> Loaded:
    """A published CSV as text rows (BOM, stray spaces in the header and ragged rows
    handled by the importer's reader), with its original line numbers."""
    return read_records(str(path), "csv")


def text_frame(
    rows: list[dict[str, object]], schema: dict[str, object], source: str
) -> pl.DataFrame:
    """Parsed records as a frame; a lone surrogate (a \\ud800 escape in JSON or YAML,
    which no UTF-8 text can carry) is a clear error, not Polars' UnicodeEncodeError."""
    try:
        return pl.DataFrame(rows, schema=schema)  # type: ignore[arg-type]
    except UnicodeEncodeError:
        raise TrendlabError(
            f"{source}: a value is not valid Unicode text (a lone \\uXXXX surrogate)"
        ) from None


def refuse_all(source: str, problems: list[tuple[int, str]]) -> None:
    """An error telling each of `problems` (each naming its place in `source`, with the
    index of the row it is about or that follows it), if any, in file order (those of
    one index as given): one on the error's line, several each on a line of their own,
    as an import tells its bad rows, so that one run names all there is to fix."""
    told = [message for _, message in sorted(problems, key=lambda p: p[0])]
    if len(told) == 1:
        raise TrendlabError(told[0])
    if told:
        raise TrendlabError(
            f"{source}: {len(told)} bad rows; nothing was written",
            details=at_most(told, MAX_SHOWN_ERRORS, "bad row"),
        )


def shown(value: Any, write: Callable[[Any], str] = repr) -> str:
    """A value a file gives as an error quotes it: text as any error quotes it (past 60
    characters, its start and how long it is), anything else as `write` writes it (repr,
    or JSON for a JSON file), cut short with '...'. Text is a str itself: a subclass, as
    llm-prices keeps a number as written, is a number for `write` to write unquoted.
    Text cut at 40 characters lost its closing quote, a long figure read as its first
    digits."""
    if type(value) is str:
        return quoted(value)
    text = write(value)
    return text if len(text) <= 40 else text[:37] + "..."


def own_field_problems(
    kind: Kind, columns: list[str], read_from: dict[str, str], pending: dict[str, str] | None = None
) -> pl.Expr:
    """What validation says of a row's fields of `kind` among `columns` each on its own
    (a model or benchmark, resolved later, aside), named as `read_from` names the
    file's columns they are read from, else null: for a reader refusing its bad rows to
    name these too, not only once its own checks pass. A field holding its `pending`
    marker (a price's date taken later from its model's release) has no value of its
    own yet to judge."""
    labels = names_read_as(read_from)
    pending = pending or {}
    problems = []
    for name in own_fields(kind, columns):
        problem = field_problem(kind, name, _cleaned(name), labels.get(name))
        if name in pending:
            problem = pl.when(pl.col(name) == pending[name]).then(None).otherwise(problem)
        problems.append(problem)
    return join_parts(*problems)


def own_field_error(
    kind: Kind,
    rows: pl.DataFrame,
    source: str | None,
    line_of: Callable[[int], str] | None,
    read_from: dict[str, str] | None = None,
) -> TrendlabError | None:
    """The error refusing `rows` of `source` whose own fields of `kind` validation
    refuses (own_field_problems), each named at its line (with no `source`, at the
    place `line_of` gives, as row_errors), else None: for rows a reader leaves out or
    takes values from, which validation never sees."""
    own = own_field_problems(kind, rows.columns, read_from or {})
    bad = rows.select(ROW, own.alias("message")).drop_nulls("message")
    if bad.is_empty():
        return None
    # A row several records take values from is named once, in the file's order.
    return row_errors(bad.unique(ROW, maintain_order=True).sort(ROW), source, line_of)


def own_fields(kind: Kind, columns: list[str]) -> list[str]:
    """The fields of `kind` among `columns` that own_field_problems judges."""
    return [f.name for f in kind.fields if f.type != "slug" and f.name in columns]


def _cleaned(column: str) -> pl.Expr:
    """A cell as validation reads it: without surrounding spaces, blank as null."""
    value = pl.col(column).str.strip_chars()
    return pl.when(value == "").then(None).otherwise(value)


def text(column: str) -> pl.Expr:
    """A cell as text: surrounding spaces and inner runs of whitespace collapsed,
    empty as null."""
    value = pl.col(column).str.replace_all(r"\s+", " ").str.strip_chars()
    return pl.when(value == "").then(None).otherwise(value)


def split_effort(column: str) -> tuple[pl.Expr, pl.Expr]:
    """(model id without its effort suffix, the setting the suffix names)."""
    name = text(column)
    suffix = name.str.extract(EFFORT_SUFFIX, 1)
    base = name.str.replace(EFFORT_SUFFIX, "")
    setting = (
        pl.when(suffix.str.contains(r"^\d+[Kk]$"))
        .then(pl.lit("thinking ") + suffix.str.to_uppercase())
        .when(suffix == "thinking")
        .then(pl.lit("thinking"))
        .otherwise(pl.lit("effort ") + suffix)
    )
    return base, setting


def percent_score(column: str, scale: str) -> tuple[pl.Expr, pl.Expr]:
    """A published score as text in percent (0-100), and the unit of the last digit it
    was written with, in points (0.689 -> 68.9 and 0.1; 0.7 -> 70.0 and 10): merge's
    rule 2 compares figures at the precision the source gave them.

    `77.0%` is a percentage whatever the scale; a bare number is read on the file's
    `scale`: "percent" as is, "fraction" (0-1) times 100, "auto" as a fraction when
    no value of the column carries a % sign and every one lies in 0..1. Text that is
    not a number is passed through unchanged, so validation reports it with its line.
    """
    raw = text(column)
    has_pct = raw.str.ends_with("%")
    written = raw.str.strip_suffix("%").str.strip_chars()
    number = written.cast(pl.Float64, strict=False)
    if scale == "fraction":
        fraction = pl.lit(True)
    elif scale == "auto":
        fraction = (~has_pct.any()) & (number.max() <= 1.0) & (number.min() >= 0.0)
    else:
        fraction = pl.lit(False)
    factor = pl.when(has_pct | ~fraction).then(pl.lit(1.0)).otherwise(pl.lit(100.0))
    return scaled_text(raw, number * factor), written_ulp(written) * factor


def scaled_text(raw: pl.Expr, value: pl.Expr) -> pl.Expr:
    """`value`, the number read from the cell `raw` on its scale, as text, else the cell
    as written: text that is not a number, and a number no double holds (1e400), are
    passed on for validation to quote as the file writes them (it quoted 'inf')."""
    return pl.when(value.is_finite()).then(number_text(value)).otherwise(raw)


# A number as text: sign, whole digits, fraction digits, exponent.
NUMBER = r"^[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$"


def written_ulp(text: pl.Expr) -> pl.Expr:
    """The unit of the last digit a number is written with: '34.1' -> 0.1, '3e9' -> 1e9."""
    parts = text.str.extract_groups(NUMBER)
    decimals = parts.struct.field("2").fill_null("").str.len_chars().cast(pl.Int64)
    exponent = parts.struct.field("3").cast(pl.Int64, strict=False).fill_null(0)
    return pl.lit(10.0).pow((exponent - decimals).cast(pl.Float64))


def number_text(value: pl.Expr) -> pl.Expr:
    """A float as text without binary noise (0.85 * 100 -> 85.0, not 85.00000000000001)."""
    return value.round(10).cast(pl.String)


# A whole number written as a float (5.0), its digits before the point in group 1.
WHOLE_FLOAT = r"^([0-9]+)\.0*$"


def shots_setting(column: str) -> pl.Expr:
    """Shots as a setting: 5 -> '5-shot', few -> 'few-shot', empty -> null. A cell
    that already says so (`5-shot`, `5 shots`, `few-shot`) is not suffixed twice, and
    a count written with leading zeros, or as a float (5.0, as pandas writes a count
    in a column with empty cells), is the same count (05 made '05-shot', a key apart
    from the '5-shot' of the same result)."""
    shots = (
        text(column)
        .str.to_lowercase()
        .str.replace(r"[\s-]*shots?$", "")
        .str.replace(WHOLE_FLOAT, "${1}")
        .str.replace(r"^0+([0-9])", "${1}")
    )
    return pl.when(shots.is_null()).then(None).otherwise(shots + pl.lit("-shot"))


def shots_problem(column: str, label: str) -> pl.Expr:
    """Why a Shots cell is no count of shots nor a word such as few (as `label`), else
    null: shots_setting would make a setting of anything ('-3-shot', '5.5-shot')."""
    cell = text(column)
    shots = (
        cell.str.to_lowercase().str.replace(r"[\s-]*shots?$", "").str.replace(WHOLE_FLOAT, "${1}")
    )
    return pl.when(cell.is_not_null() & ~shots.str.contains(r"^(?:[0-9]+|[a-z]+)$")).then(
        pl.lit(f"{label}: '") + cell + pl.lit("' is not a number of shots, nor a word (few)")
    )


def join_parts(*parts: pl.Expr) -> pl.Expr:
    """Parts of a setting or of notes joined with '; ', null when every part is."""
    joined = pl.concat_str(list(parts), separator="; ", ignore_nulls=True)
    return pl.when(joined == "").then(None).otherwise(joined)


def url_or_null(column: str) -> pl.Expr:
    """The column's text where validation takes it for a URL, else null: a link it
    refuses (one without a host) was kept, and failed the whole import."""
    value = text(column)
    return pl.when(value.str.contains(URL_RE)).then(value).otherwise(None)


def require_columns(loaded: Loaded, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in loaded.frame.columns]
    if missing:
        raise TrendlabError(f"{loaded.source}: not {what}: missing column(s) {', '.join(missing)}")


def iso_day(column: str, fmt: str) -> pl.Expr:
    """A date written in `fmt` as YYYY-MM-DD text (null if it does not parse, or its year
    has fewer than four digits)."""
    day = text(column).str.to_date(fmt, strict=False)
    # %Y takes any number of digits: 24/2/25, as a spreadsheet may save a day, was the
    # year 25 (0025-02-24), not a day to refuse.
    return pl.when(day.dt.year() >= 1000).then(day.dt.strftime("%Y-%m-%d"))


def skip_reasons(frame: pl.DataFrame, reason: pl.Expr) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split rows into (kept, skipped) by an expression that is null for kept rows."""
    marked = frame.with_columns(reason.alias("__why"))
    kept = marked.filter(pl.col("__why").is_null()).drop("__why")
    return kept, marked.filter(pl.col("__why").is_not_null())


def slug(expr: pl.Expr) -> pl.Expr:
    """The slug of each name: lowercase, runs of other characters as '-'. (text.slugify,
    for organizations, also folds accents and hashes what a slug cannot hold; model and
    benchmark slugs made here stay as the seeds made them.)"""
    return (
        expr.str.to_lowercase()
        .str.replace_all(r"[^a-z0-9._]+", "-")
        .str.strip_chars("-._")
        .str.slice(0, 100)
        .str.strip_chars_end("-._")
    )


def with_rows(frame: pl.DataFrame, columns: dict[str, pl.Expr]) -> pl.DataFrame:
    """The frame's __row and the given columns, every one as text."""
    return frame.select(pl.col(ROW), *(e.cast(pl.String).alias(n) for n, e in columns.items()))
