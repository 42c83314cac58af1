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
average score and scaffolds go to notes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polars as pl

from trendlab.adapters import Part, Publication, Skip
from trendlab.errors import TrendlabError
from trendlab.kinds import BENCHMARKS, RESULTS
from trendlab.validate import ROW

PAGE_URL = "https://metr.org/time-horizons/"
FILES = {
    "METR-Horizon-v1.0": "https://metr.org/assets/benchmark_results_1_0.yaml",
    "METR-Horizon-v1.1": "https://metr.org/assets/benchmark_results_1_1.yaml",
}
METRICS = {
    "p50_horizon_length": "metr-time-horizon",
    "p80_horizon_length": "metr-time-horizon-p80",
}
BENCHMARK_ROWS = {
    "metr-time-horizon": ("METR 50% time horizon", "task length at 50% success"),
    "metr-time-horizon-p80": ("METR 80% time horizon", "task length at 80% success"),
}


def read(path: str, source_url: str | None = None) -> Publication:
    """Read one METR results file (YAML, or the same structure as JSON)."""
    import yaml

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise TrendlabError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise TrendlabError(f"{path}: not valid UTF-8 ({exc.reason})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise TrendlabError(f"{path}{where}: invalid YAML: {problem}") from None
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number, deep nesting
        raise TrendlabError(
            f"{path}: invalid YAML: {str(exc)[:80] or 'nested too deeply'}"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("results"), dict):
        raise TrendlabError(f"{path}: not a METR results file: no `results` mapping")
    suite = str(data.get("benchmark_name") or "")
    url = source_url or FILES.get(suite, PAGE_URL)
    lines = _key_lines(text)
    publication = Publication("metr", [path])
    rows: list[dict[str, Any]] = []
    for index, (key, entry) in enumerate(data["results"].items()):
        line = lines.get(str(key), "?")
        if not isinstance(entry, dict) or not isinstance(entry.get("metrics"), dict):
            raise TrendlabError(f"{path}:{line}: {key}: expected a mapping with `metrics`")
        name = str(key)
        harness = name.endswith("_inspect")
        model = name.removesuffix("_inspect")
        version = str(entry.get("benchmark_name") or suite) or None
        setting = "; ".join(p for p in (version, "inspect" if harness else None) if p)
        found = False
        for metric, bench in METRICS.items():
            values = entry["metrics"].get(metric)
            if values is None:
                continue
            if not isinstance(values, dict):
                raise TrendlabError(f"{path}:{line}: {key}: {metric} is not a mapping")
            found = True
            rows.append(
                {
                    ROW: index,
                    "model": model,
                    "benchmark": bench,
                    "score": _text(values.get("estimate")),
                    "setting": setting or None,
                    "source_url": url,
                    "source_kind": "independent",
                    "notes": _notes(values, entry),
                }
            )
        if not found:
            publication.skipped.append(Skip(path, line, name, "no time horizon estimate"))
    if not rows:
        raise TrendlabError(f"{path}: no time horizons in this file")
    try:
        frame = pl.DataFrame(
            rows, schema={ROW: pl.UInt32} | {c: pl.String for c in rows[0] if c != ROW}
        )
    except UnicodeEncodeError:  # a lone surrogate escape (\ud800) in a value
        raise TrendlabError(
            f"{path}: a value is not valid Unicode text (a lone \\uXXXX surrogate)"
        ) from None
    keys = list(data["results"])

    def line_of(row: int) -> str:
        return lines.get(str(keys[row]), f"result {row + 1}")

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
    publication.parts.append(Part(RESULTS, frame, path, line_of))
    return publication


def _key_lines(text: str) -> dict[str, str]:
    """Each model key's line in the file (keys sit two spaces in, under results)."""
    found: dict[str, str] = {}
    in_results = False
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(r"^results\s*:", line):
            in_results = True
            continue
        if in_results and re.match(r"^\S", line):
            in_results = False
        match = re.match(r"^ {2}([^\s:#][^:]*):\s*$", line) if in_results else None
        if match:
            found[match[1].strip().strip("'\"")] = str(number)
    return found


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return str(value)


def _notes(values: dict[str, Any], entry: dict[str, Any]) -> str | None:
    notes = []
    if values.get("ci_low") is not None and values.get("ci_high") is not None:
        notes.append(f"95% CI {values['ci_low']}-{values['ci_high']} minutes")
    average = entry["metrics"].get("average_score")
    if isinstance(average, dict) and average.get("estimate") is not None:
        notes.append(f"average score {average['estimate']}")
    if entry.get("release_date"):
        notes.append(f"METR gives release date {entry['release_date']}")
    scaffolds = [str(s) for s in entry.get("scaffolds") or [] if s]
    if scaffolds:
        notes.append("scaffolds: " + ", ".join(scaffolds))
    return "; ".join(notes) or None
