"""METR's published time-horizon results (benchmark_results_1_1.yaml and its kin).

The file, as METR publishes it for its time-horizons page:

    benchmark_name: METR-Horizon-v1.1
    results:
      <model key>:
        benchmark_name: METR-Horizon-v1.x      (v1.0 for models carried over)
        metrics:
          p50_horizon_length: {estimate, ci_low, ci_high}   minutes
          p80_horizon_length: {estimate, ci_low, ci_high}   minutes
          average_score: {estimate}
        release_date: YYYY-MM-DD
        scaffolds: [...]

Each model gives a result on `metr-time-horizon` (the 50% horizon) and one on
`metr-time-horizon-p80`, in minutes, with the setting naming the suite version the
estimate comes from (and `inspect` for METR's Inspect harness, written `_inspect` on
the key). The model is the key without `_inspect`, resolved through aliases like any
import (seeded databases carry aliases for METR's keys). The source URL is METR's
published file for the suite version, or --source-url. The confidence interval,
average score, release date and scaffolds go to notes; the release date also dates a
model the database holds without one (README: merge rule 5).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from trendlab.adapters import Part, Publication, Skip
from trendlab.adapters.common import own_field_problems, refuse_all, shown, text_frame
from trendlab.errors import TrendlabError
from trendlab.kinds import BENCHMARKS, MODELS, RESULTS
from trendlab.text import NUMBER_RE, iso_day, utf8_text
from trendlab.validate import ROW, field_problem

PAGE_URL = "https://metr.org/time-horizons/"
FILES = {
    "METR-Horizon-v1.0": "https://metr.org/assets/benchmark_results_1_0.yaml",
    "METR-Horizon-v1.1": "https://metr.org/assets/benchmark_results_1_1.yaml",
}
METRICS = {
    "p50_horizon_length": "metr-time-horizon",
    "p80_horizon_length": "metr-time-horizon-p80",
}
# The column of each result row holding the release date METR gives its model: it
# dates a model the database holds undated (adapters.apply), as a catalog's does.
RELEASED = "__release_date"
# The file's key each field is read from where it names it otherwise.
READ_FROM = {"score": "estimate"}
BENCHMARK_ROWS = {
    "metr-time-horizon": ("METR 50% time horizon", "task length at 50% success"),
    "metr-time-horizon-p80": ("METR 80% time horizon", "task length at 80% success"),
}


def read(path: str, source_url: str | None = None) -> Publication:
    """Read one METR results file (YAML, or the same structure as JSON)."""
    import yaml

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise TrendlabError(f"cannot read {path}: {exc.strerror or exc}") from None
    # As any import names it: the line of the byte, not Python's "invalid start byte".
    text = utf8_text(raw, path)
    if not text.strip():  # as any import says it: not "no `results` mapping"
        raise TrendlabError(f"{path}: the file is empty")
    try:
        data = yaml.load(text, Loader=_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise TrendlabError(f"{path}{where}: invalid YAML: {problem}") from None
    except (ValueError, RecursionError) as exc:  # a 5,000-digit !!int, deep nesting
        raise TrendlabError(
            f"{path}: invalid YAML: {str(exc)[:80] or 'nested too deeply'}"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("results"), dict):
        raise TrendlabError(f"{path}: not a METR results file: no `results` mapping")
    if data.get("benchmark_name") is not None and not isinstance(data["benchmark_name"], str):
        raise TrendlabError(
            f"{path}: benchmark_name: expected text, not {shown(data['benchmark_name'])}"
        )
    suite = data.get("benchmark_name") or ""
    url = source_url or FILES.get(suite, PAGE_URL)
    lines, metric_lines = _key_lines(text)
    publication = Publication("metr", [path])
    rows: list[dict[str, Any]] = []
    # Each row's line: its metric's own, so that an error names the estimate it is about.
    row_lines: list[str] = []
    problems: list[tuple[int, str]] = []  # each with the index of the row that follows it
    for number, (key, entry) in enumerate(data["results"].items(), start=1):
        # Flow-style YAML (or JSON) has no key on a line of its own: name its position.
        line = lines.get(str(key), f"result {number}")

        def bad(field: str, problem: str, line: str = line, key: object = key) -> TrendlabError:
            return TrendlabError(f"{path}:{line}: {key}: {field}: {problem}")

        try:
            if not isinstance(entry, dict) or not isinstance(entry.get("metrics"), dict):
                raise TrendlabError(f"{path}:{line}: {key}: expected a mapping with `metrics`")
            name = str(key)
            harness = name.endswith("_inspect")
            model = name.removesuffix("_inspect")
            version = _name(entry.get("benchmark_name"), "benchmark_name", bad) or suite or None
            setting = "; ".join(p for p in (version, "inspect" if harness else None) if p)
            released = _released(entry, bad)
            notes = _notes(entry, released, bad)
            found = False
            for metric, bench in METRICS.items():
                values = entry["metrics"].get(metric)
                if values is None:
                    continue
                if not isinstance(values, dict):
                    raise bad(metric, "expected a mapping with `estimate`")
                found = True
                interval = _interval(values, metric, bad)
                # Built before either list grows: an estimate that is a list, refused,
                # left a line without its row, and every later error named the one before.
                made = {
                    ROW: len(rows),
                    "model": model,
                    "benchmark": bench,
                    "score": _scalar(values.get("estimate"), f"{metric}.estimate", bad),
                    "setting": setting or None,
                    "source_url": url,
                    "source_kind": "independent",
                    "notes": "; ".join(n for n in (interval, notes) if n) or None,
                    RELEASED: released,
                }
                row_lines.append(metric_lines.get((str(key), metric), line))
                rows.append(made)
            if not found:
                publication.skipped.append(Skip(path, line, name, "no time horizon estimate"))
        except TrendlabError as exc:
            problems.append((len(rows), exc.message))
    if not rows:
        refuse_all(path, problems)
        raise TrendlabError(f"{path}: no time horizons in this file")
    frame = text_frame(
        rows, {ROW: pl.UInt32} | {c: pl.String for c in rows[0] if c != ROW}, str(path)
    )
    if problems:
        # With the entries' problems, what validation would say of the rows' values (a
        # bad estimate was named only once they were fixed); else validation names them.
        own = own_field_problems(RESULTS, frame.columns, READ_FROM)
        problems += [
            (row, f"{path}:{row_lines[row]}: {message}")
            for row, message in frame.select(ROW, own).drop_nulls().iter_rows()
        ]
    refuse_all(path, problems)

    def line_of(row: int) -> str:
        return row_lines[row]

    used = frame.group_by("benchmark").agg(pl.col(ROW).min()).sort(ROW)
    benchmarks = pl.DataFrame(
        [
            {
                ROW: row,
                "slug": bench,
                "name": BENCHMARK_ROWS[bench][0],
                "metric": BENCHMARK_ROWS[bench][1],
                "unit": "minutes",
                "url": PAGE_URL,
            }
            for bench, row in used.iter_rows()
        ],
        schema={ROW: pl.UInt32}
        | dict.fromkeys(("slug", "name", "metric", "unit", "url"), pl.String),
    )
    publication.parts.append(Part(BENCHMARKS, benchmarks, path, line_of, mode="missing"))
    # The file publishes both horizons (an entry may hold only the 50% one): a stored
    # one from this file's URL that it no longer holds is listed, even where it holds
    # no row of that benchmark.
    publication.parts.append(
        Part(
            RESULTS,
            frame,
            path,
            line_of,
            covers=list(METRICS.values()),
            columns=READ_FROM,
        )
    )
    return publication


# A model key on a line of its own, plain or quoted (a quoted one may hold a ':'), and a
# comment may follow it (`  gpt_4:  # March 2023`): either lost the key's line, and every
# error on the model named `result N` instead.
_KEY_LINE = r"^ {2}('(?:[^']|'')*'|\"(?:[^\"\\]|\\.)*\"|[^\s:#'\"][^:]*?)\s*:(?:\s+#.*|\s*)$"


def _key_text(written: str) -> str:
    """A key as written on its line, read as the file's mapping reads it (quotes and
    escapes undone, `true` as True), as str() gives that key in errors."""
    import yaml

    try:
        return str(yaml.load(written, Loader=_loader()))
    except yaml.YAMLError:  # an alias or a tag YAML cannot read alone: the text
        return written.strip()


def _key_lines(text: str) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Each model key's line in the file (keys sit two spaces in, under results), and
    each (key, metric)'s line below it, where the file is laid out in block style."""
    found: dict[str, str] = {}
    metrics: dict[tuple[str, str], str] = {}
    in_results = False
    key = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(r"^results\s*:", line):
            in_results = True
            continue
        if in_results and re.match(r"^\S", line):
            in_results = False
        match = re.match(_KEY_LINE, line) if in_results else None
        if match:
            key = _key_text(match[1])
            found[key] = str(number)
            continue
        metric = re.match(r"^ {3,}(\w+)\s*:", line) if in_results and key else None
        if metric and metric[1] in METRICS:
            metrics.setdefault((key, str(metric[1])), str(number))
    return found, metrics


# Plain scalars YAML would read as dates or numbers, kept as the text they are.
_AS_TEXT = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}


def _loader() -> type:
    """YAML's safe loader, except that dates and numbers stay text and a key given
    twice in one mapping is an error: YAML would keep the last silently, as a CSV
    with a key twice is refused. A date that does not exist (2023-02-30) is then
    reported with its line, never a traceback; and a number is judged as a CSV cell
    is, as written: YAML 1.1 reads 0x10 as 16, 1_000 as 1000 and 1:30 as 90, forms
    trendlab's own files refuse."""
    import yaml

    class Loader(yaml.SafeLoader):
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                    continue
                key = self.construct_object(key_node)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"{shown(key)} is given twice", key_node.start_mark
                    )
                seen.add(key)
            return super().construct_mapping(node, deep)

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in _AS_TEXT]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def _scalar(value: Any, field: str, bad: Callable[[str, str], TrendlabError]) -> str | None:
    """A scalar as text (validation judges it); a list or mapping is an error."""
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise bad(field, f"expected a single value, not a {type(value).__name__}")
    if isinstance(value, bool):
        return str(value).lower()
    return str(value).strip() or None


def _name(value: Any, field: str, bad: Callable[[str, str], TrendlabError]) -> str | None:
    """A value that must be text (a suite name, a date, a scaffold)."""
    if value is not None and not isinstance(value, str):
        raise bad(field, f"expected text, not {shown(value)}")
    return value.strip() or None if value is not None else None


def _interval(
    values: dict[Any, Any], metric: str, bad: Callable[[str, str], TrendlabError]
) -> str | None:
    low = _figure(values.get("ci_low"), f"{metric}.ci_low", bad)
    high = _figure(values.get("ci_high"), f"{metric}.ci_high", bad)
    if low is None or high is None:
        return None
    if float(low) > float(high):
        raise bad(f"{metric}.ci_low", f"{low} is above ci_high {high}")
    return f"95% CI {low}-{high} minutes"


def _figure(value: Any, field: str, bad: Callable[[str, str], TrendlabError]) -> str | None:
    """A figure only the notes hold, as text: one that is no finite number, or is below
    0, is an error, as no validation would see it ('95% CI 1.5-lots minutes' was
    written as it came)."""
    written = _scalar(value, field, bad)
    if written is None:
        return None
    figure = float(written) if re.fullmatch(NUMBER_RE, written) else math.nan
    if not math.isfinite(figure):
        raise bad(field, f"{shown(written)} is not a finite number")
    if figure < 0:
        raise bad(field, f"{shown(written)} must be at least 0")
    return written


def _released(entry: dict[Any, Any], bad: Callable[[str, str], TrendlabError]) -> str | None:
    """The model's release date METR gives, a day YYYY-MM-DD, or None."""
    released = _name(entry.get("release_date"), "release_date", bad)
    if released and iso_day(released) is None:
        raise bad("release_date", f"{shown(released)} is not a date (YYYY-MM-DD)")
    if released:
        # A model's own rules (after today, outside 1900-2100), whether or not the
        # model takes the date: the notes hold it even where the model has one, and
        # they took one after today.
        label = "release_date"
        problem = pl.select(field_problem(MODELS, label, pl.lit(released), label)).item()
        if problem is not None:
            raise bad(label, problem.removeprefix(f"{label}: "))
    return released


def _notes(
    entry: dict[Any, Any], released: str | None, bad: Callable[[str, str], TrendlabError]
) -> str | None:
    notes = []
    average = entry["metrics"].get("average_score")
    if isinstance(average, dict):
        estimate = _figure(average.get("estimate"), "average_score.estimate", bad)
        if estimate is not None:
            notes.append(f"average score {estimate}")
    if released:
        notes.append(f"METR gives release date {released}")
    scaffolds = entry.get("scaffolds")
    if scaffolds is not None and not isinstance(scaffolds, list):
        raise bad("scaffolds", f"expected a list of names, not {shown(scaffolds)}")
    named = [_name(s, "scaffolds", bad) for s in scaffolds or []]
    if any(named):
        notes.append("scaffolds: " + ", ".join(s for s in named if s))
    return "; ".join(notes) or None
