"""How long `trendlab report` takes, against drawing the same charts one command each.

    python bench/report.py

On a fresh seeded database: the report with nothing cached (the forecast cache `init`
loads from the seeds emptied, so it backtests every benchmark and fits every
forecast), the report again (backtests and fits read from the cache), and the peer:
one `trendlab plot BENCHMARK` per benchmark the report forecasts, the way a user
would draw the same figures without it (warm cache too).
Prints wall times, their ratios, and how many times the report opens the store.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# bench/ is the script's folder, so on sys.path
from args import Parser
from timing import compile_bytecode


def _timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - start


def forecast_charts(page: str) -> list[str]:
    """The benchmarks a report page draws a forecast chart of, in the page's order.

    The price trend's figure is `price-chart`, apart from every benchmark's
    `figure-SLUG`, so a benchmark named price or price-mmlu is counted like any other.
    """
    return [
        html.unescape(s) for s in re.findall(r'<figure class="chart" id="figure-([^"]*)"', page)
    ]


def _seeded_without_cache(trendlab: list[str], db: Path) -> None:
    """A seeded database whose forecast cache (shipped with the seeds) is emptied."""
    import duckdb

    subprocess.run([*trendlab, "--db", str(db), "init"], check=True, capture_output=True)
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM forecast_cache")


def _store_opens(db: Path, out: Path) -> tuple[int, int]:
    """(read-only, read-write) opens of the store by one in-process report."""
    from trendlab.cli.options import Settings
    from trendlab.db import Store
    from trendlab.report import build_report, render_page

    opens = {True: 0, False: 0}
    original = Store.open.__func__  # type: ignore[attr-defined]

    def counting(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
        opens[kwargs.get("read_only", True)] += 1
        return original(cls, *args, **kwargs)

    Store.open = classmethod(counting)  # type: ignore[method-assign,assignment]
    try:
        settings = Settings(db=str(db), lock_timeout=5, author=None, debug=False)
        out.write_text(render_page(build_report(settings)))
    finally:
        Store.open = classmethod(original)  # type: ignore[method-assign,assignment]
    return opens[True], opens[False]


def main() -> None:
    # No options, but --help (or a mistyped option) must not start minutes of timing.
    Parser(description=__doc__.splitlines()[0]).parse_args()
    trendlab = [sys.executable, "-m", "trendlab"]
    compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        _seeded_without_cache(trendlab, db)
        page = Path(tmp) / "report.html"
        cold = _timed([*trendlab, "--db", str(db), "report", "-o", str(page)])
        warm = _timed([*trendlab, "--db", str(db), "report", "-o", str(page)])
        text = page.read_text()
        slugs = forecast_charts(text)
        price = " + price trend" if '<figure class="chart" id="price-chart"' in text else ""
        each = sum(
            _timed([*trendlab, "--db", str(db), "plot", slug, "-o", str(Path(tmp) / f"{slug}.svg")])
            for slug in slugs
        )
        reads, writes = _store_opens(db, page)
        fresh = Path(tmp) / "fresh.duckdb"
        _seeded_without_cache(trendlab, fresh)
        cold_reads, cold_writes = _store_opens(fresh, page)
    print(f"report, nothing cached:        {cold:6.2f} s ({len(slugs)} forecast charts{price})")
    print(f"report, cache warm:            {warm:6.2f} s")
    print(f"plot, one command per chart:   {each:6.2f} s ({len(slugs)} commands, cache warm)")
    print(f"ratio report / per-chart plots (warm): {warm / each:.2f}")
    print(f"ratio cold / warm report:              {cold / warm:.2f}")
    print(f"store opens by a report: cold {cold_reads} read + {cold_writes} cache writes; ", end="")
    print(f"warm {reads} read + {writes} cache writes")


if __name__ == "__main__":
    main()
