"""The bench scripts' own logic: what they count, parse and refuse. (Their timings are
measured by running them, never here.)"""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import Run
from tests.synthetic import write_benchmark

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _bench(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """bench/NAME.py as a module, its folder on sys.path as when run as a script."""
    monkeypatch.syspath_prepend(str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_report_bench_counts_every_forecast_chart(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The price chart was once chart-price: the bench took one chart off the count for it
    and left out every benchmark whose slug starts with price, so it timed one `plot`
    fewer than the report draws (and said 22 forecast charts of the seeds' 23)."""
    days = [date(2023, 1, 1), date(2024, 1, 1), date(2025, 1, 1)]
    for slug in ("price", "price-mmlu"):
        write_benchmark(run, tmp_path, slug, days, [40.0, 50.0, 60.0])
    args = ["--benchmark", "price", "--benchmark", "price-mmlu", "--price-benchmark", "mmlu"]
    page = run("report", *args, "-o", "-").stdout
    assert 'id="price-chart"' in page
    assert _bench("report", monkeypatch).forecast_charts(page) == ["price", "price-mmlu"]
