"""The forecast cache shipped with the seeds (seeds/forecast_cache.jsonl).

It must equal what the current code computes from the current seeds, `init` loads it
only into a store holding exactly the seeds, a forecast right after `init` reads it
instead of fitting (no statsmodels, no scipy), and new data recomputes only the
benchmark it touches.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import math
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
import pytest

from tests.conftest import make_runner, process_imports
from trendlab.seeds import FORECAST_CACHE, read_forecast_cache

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "seeds" / FORECAST_CACHE


def _differences(shipped: Any, fresh: Any, where: str = "") -> list[str]:
    """Where two parsed JSON values differ; floats within a relative 1e-3 (absolute
    1e-6 near zero).

    The file is rebuilt byte for byte on one machine, but a fit's floats differ in their
    last bits on another CPU or BLAS (summation order), the optimiser then stops at
    another point within its tolerance, and the paths' quantiles move with it: on a
    second machine, up to 1e-6 relative (a backtest's bound) and 2e-8 absolute (a
    residual near zero); on a third (an AMD EPYC), up to 6e-4 relative, where a
    four-parameter logistic through few points has a flat optimum (frontiermath-public's
    midpoint and ceiling, 32.435 against 32.416), and 1.04e-4 in a lambada backtest's
    spread. That is no staleness. A change of method or seeds moves them by far more.
    """
    if isinstance(shipped, float) and isinstance(fresh, float):
        same = math.isclose(shipped, fresh, rel_tol=1e-3, abs_tol=1e-6)
        return [] if same else [f"{where}: {shipped!r} != {fresh!r}"]
    if isinstance(shipped, dict) and isinstance(fresh, dict):
        if shipped.keys() != fresh.keys():
            return [f"{where}: keys {sorted(shipped)} != {sorted(fresh)}"]
        return [d for k in shipped for d in _differences(shipped[k], fresh[k], f"{where}.{k}")]
    if isinstance(shipped, list) and isinstance(fresh, list) and len(shipped) == len(fresh):
        pairs = zip(shipped, fresh, strict=True)
        return [d for i, (a, b) in enumerate(pairs) for d in _differences(a, b, f"{where}[{i}]")]
    return [] if shipped == fresh else [f"{where}: {shipped!r} != {fresh!r}"]


def _keyed(entries: list[dict[str, Any]]) -> dict[tuple[str, str, str], Any]:
    return {(e["kind"], e["benchmark"], e["spec"]): e["payload"] for e in entries}


@pytest.mark.slow(seconds=30)
def test_the_shipped_cache_is_what_the_code_computes_from_the_seeds(tmp_path: Path):
    fresh_file = tmp_path / FORECAST_CACHE
    subprocess.run(
        [sys.executable, str(ROOT / "seeds" / "build_cache.py"), "-o", str(fresh_file)],
        check=True,
        capture_output=True,
    )
    text = SHIPPED.read_text(encoding="utf-8")
    header = json.loads(text.splitlines()[0])
    assert header["about"].startswith("Derived data, not records")
    shipped = _keyed(read_forecast_cache(text))
    fresh = _keyed(read_forecast_cache(fresh_file.read_text(encoding="utf-8")))
    stale = f"seeds/{FORECAST_CACHE} is out of date with the seeds or the forecast method: run `{header['rebuild']}`"
    assert shipped.keys() == fresh.keys(), f"{stale} (entries {set(shipped) ^ set(fresh)})"
    differences = [d for key in shipped for d in _differences(shipped[key], fresh[key], str(key))]
    assert not differences, f"{stale} ({len(differences)} values differ, first: {differences[0]})"


def _build_cache(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """seeds/build_cache.py as a module (its folder on sys.path, as when run as a script)."""
    monkeypatch.syspath_prepend(str(ROOT / "seeds"))
    spec = importlib.util.spec_from_file_location("seed_cache", ROOT / "seeds" / "build_cache.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("where", ["nowhere/cache.jsonl", "."])
def test_build_cache_to_an_output_it_cannot_write_stops_in_one_line_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, where: str
):
    # It was a traceback (FileNotFoundError, IsADirectoryError) once every benchmark
    # had been forecast.
    module = _build_cache(monkeypatch)
    monkeypatch.setattr(module, "compute", lambda seeds=None: pytest.fail("computed"))
    output = tmp_path / where
    monkeypatch.setattr(sys, "argv", ["build_cache.py", "-o", str(output)])
    with pytest.raises(SystemExit) as stopped:
        module.main()
    assert str(stopped.value) == (
        f"-o {output}: a folder; give the file to write"
        if where == "."
        else f"-o {output}: no such folder {tmp_path / 'nowhere'}"
    )


@pytest.mark.parametrize("there", [True, False])
def test_build_cache_to_a_read_only_output_stops_in_one_line_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, there: bool
):
    # A read-only file, or folder for a new one, was found once every benchmark had
    # been forecast.
    module = _build_cache(monkeypatch)
    monkeypatch.setattr(module, "compute", lambda seeds=None: pytest.fail("computed"))
    output = tmp_path / "cache.jsonl"
    if there:
        output.write_text("old", encoding="utf-8")
    opened, made = Path.open, module.tempfile.TemporaryFile

    def refused() -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(
        Path, "open", lambda p, *a, **k: refused() if p == output else opened(p, *a, **k)
    )
    monkeypatch.setattr(
        module.tempfile,
        "TemporaryFile",
        lambda *a, **k: refused() if k.get("dir") == tmp_path else made(*a, **k),
    )
    monkeypatch.setattr(sys, "argv", ["build_cache.py", "-o", str(output)])
    with pytest.raises(SystemExit) as stopped:
        module.main()
    assert str(stopped.value) == f"-o {output}: Permission denied"
    assert output.exists() == there


@pytest.mark.parametrize(
    ("given", "fault"),
    [(" ", "is only white space"), ("cache.jsonl ", "'cache.jsonl ' ends with white space")],
)
def test_build_cache_to_an_output_named_with_white_space_stops_first(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    given: str,
    fault: str,
):
    # -o ' ' forecast every benchmark, then wrote a file named ' '.
    module = _build_cache(monkeypatch)
    monkeypatch.setattr(module, "compute", lambda seeds=None: pytest.fail("computed"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["build_cache.py", "-o", given])
    with pytest.raises(SystemExit) as stopped:
        module.main()
    assert stopped.value.code == 2
    assert capsys.readouterr().err.endswith(f"error: argument -o/--output: the name {fault}\n")
    assert not list(tmp_path.iterdir())


def test_build_cache_blames_no_output_for_the_computations_own_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    # A full disk under the computation's temporary store was said as -o's error.
    module = _build_cache(monkeypatch)

    def full(seeds: Path | None = None) -> list[dict[str, Any]]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(module, "compute", full)
    output = tmp_path / "cache.jsonl"
    monkeypatch.setattr(sys, "argv", ["build_cache.py", "-o", str(output)])
    with pytest.raises(SystemExit) as stopped:
        module.main()
    assert str(stopped.value) == "computing the cache: No space left on device"
    assert not output.exists()


def _seeds_copy(tmp_path: Path) -> tuple[Path, list[str]]:
    """A copy of the seed files in `tmp_path`, and the lines of its results.csv for a
    test to break (the first a result of 5.2)."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ("benchmarks", "models", "aliases", "results", "prices"):
        shutil.copy(ROOT / "seeds" / f"{name}.csv", seeds)
    lines = (seeds / "results.csv").read_text(encoding="utf-8").split("\n")
    assert lines[1].startswith("gpt-3-175b,math,5.2,")
    return seeds, lines


def test_build_cache_of_seeds_init_refuses_stops_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    # It was init's one-line error under a traceback.
    module = _build_cache(monkeypatch)
    seeds, lines = _seeds_copy(tmp_path)
    lines[1] = lines[1].replace(",5.2,", ",abc,")
    (seeds / "results.csv").write_text("\n".join(lines), encoding="utf-8")
    compute = module.compute
    monkeypatch.setattr(module, "compute", lambda seeds_folder=None: compute(seeds))
    output = tmp_path / "cache.jsonl"
    monkeypatch.setattr(sys, "argv", ["build_cache.py", "-o", str(output)])
    with pytest.raises(SystemExit) as stopped:
        module.main()
    assert str(stopped.value) == (
        "seeds/results.csv:2: score: 'abc' is not a finite number; nothing was written"
    )
    assert not output.exists()


def test_build_cache_of_seeds_with_rows_init_refuses_names_each(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    # It said "seeds/results.csv: 2 bad rows; nothing was written" and named neither.
    module = _build_cache(monkeypatch)
    seeds, lines = _seeds_copy(tmp_path)
    lines[1] = lines[1].replace(",5.2,", ",abc,")
    lines[2] = ",".join(["xyz", *lines[2].split(",")[1:]])
    (seeds / "results.csv").write_text("\n".join(lines), encoding="utf-8")
    compute = module.compute
    monkeypatch.setattr(module, "compute", lambda seeds_folder=None: compute(seeds))
    monkeypatch.setattr(sys, "argv", ["build_cache.py", "-o", str(tmp_path / "cache.jsonl")])
    with pytest.raises(SystemExit) as stopped:
        module.main()
    message = str(stopped.value).split("\n")
    assert message[0] == "seeds/results.csv: 2 bad rows; nothing was written"
    assert message[1] == "  seeds/results.csv:2: score: 'abc' is not a finite number"
    assert message[2].startswith("  seeds/results.csv:3: unknown model 'xyz'")


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    """A database `trendlab init` has just made."""
    path = tmp_path / "fresh.duckdb"
    result = make_runner(path)("init")
    assert result.exit_code == 0, result.stderr
    return path


def _cache(path: Path) -> dict[tuple[str, str, str], str]:
    """{(kind, benchmark, spec): version} of the database's forecast cache."""
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute("SELECT kind, benchmark, spec, version FROM forecast_cache").fetchall()
    return {(kind, benchmark, spec): version for kind, benchmark, spec, version in rows}


def _fitting_libraries(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in ("statsmodels", "scipy")}


def test_init_loads_the_shipped_cache_under_the_seeding_changeset(seeded: Path):
    cache = _cache(seeded)
    shipped = read_forecast_cache(SHIPPED.read_text(encoding="utf-8"))
    assert set(cache) == {(e["kind"], e["benchmark"], e["spec"]) for e in shipped}
    with duckdb.connect(str(seeded), read_only=True) as con:
        (changeset,) = con.execute("SELECT id FROM changesets").fetchone() or ("",)
    assert {version.partition("+")[0] for version in cache.values()} == {changeset}


@pytest.mark.parametrize(
    "args",
    [
        ["math"],
        *(["math", "--family", f] for f in ("logistic", "logistic4", "gompertz", "ensemble")),
        ["math", "--family", "linear"],
        ["metr-time-horizon"],
    ],
    ids=lambda args: "-".join(args),
)
def test_a_forecast_right_after_init_fits_nothing(seeded: Path, args: list[str]):
    modules, _ = process_imports(seeded, "forecast", *args, "--until", "2030")
    assert "trendlab.forecast.paths" in modules  # the check sees the forecast's imports
    assert not _fitting_libraries(modules), sorted(_fitting_libraries(modules))[:5]


def test_the_shipped_cache_gives_the_forecast_a_computation_gives(seeded: Path):
    run = make_runner(seeded)
    shipped = run("forecast", "math", "--until", "2030", "--json")
    assert shipped.exit_code == 0, shipped.stderr
    with duckdb.connect(str(seeded)) as con:
        con.execute("DELETE FROM forecast_cache")
    computed = run("forecast", "math", "--until", "2030", "--json")
    assert computed.exit_code == 0, computed.stderr
    assert json.loads(shipped.stdout) == json.loads(computed.stdout)
    assert shipped.stderr == computed.stderr


def test_new_data_recomputes_only_its_benchmark(seeded: Path):
    run = make_runner(seeded)
    before = _cache(seeded)
    assert run("add-model", "newcomer", "--release-date", "2025-12-01", "-m", "t").exit_code == 0
    added = run("add-result", "newcomer", "math", "99.0", "-m", "a new best")
    assert added.exit_code == 0, added.stderr
    modules, _ = process_imports(seeded, "forecast", "math", "--until", "2030")
    assert "statsmodels" in {m.split(".")[0] for m in modules}  # math's backtest and fit
    after = _cache(seeded)
    changed = {key for key in after if after[key] != before.get(key)}
    assert changed and {benchmark for _, benchmark, _ in changed} == {"math"}
    assert {kind for kind, _, _ in changed} == {"backtest", "fit"}
    assert {key: v for key, v in after.items() if key[1] != "math"} == {
        key: v for key, v in before.items() if key[1] != "math"
    }
    # Every other benchmark's forecast still reads the cache, math's fresh backtest too.
    modules, _ = process_imports(seeded, "forecast", "gsm8k", "--until", "2030")
    assert not _fitting_libraries(modules)
    # The model's release date dates its undated result: editing it is new data for math.
    before = _cache(seeded)
    redated = run("edit", "model", "newcomer", "--set", "release_date=2025-11-01", "-m", "t")
    assert redated.exit_code == 0, redated.stderr
    assert run("forecast", "math", "--until", "2030").exit_code == 0
    after = _cache(seeded)
    changed = {key for key in after if after[key] != before.get(key)}
    assert changed and {benchmark for _, benchmark, _ in changed} == {"math"}


def test_a_new_price_recomputes_only_what_is_fitted_by_price(seeded: Path):
    """Backtests and fits by date or compute read no price: a new one must not make
    them compute again; a fit by price must see it."""
    run = make_runner(seeded)
    assert run("forecast", "gpqa-diamond", "--by", "price", "--json").exit_code == 0
    before = _cache(seeded)
    model = "gpt-5.2-2025-12-11"  # has a GPQA Diamond result
    added = run("add-price", model, "NewCloud", "2025-12-11", "--input", "0.01", "-m", "t")
    assert added.exit_code == 0, added.stderr
    modules, _ = process_imports(seeded, "forecast", "gpqa-diamond", "--until", "2030")
    assert not _fitting_libraries(modules)
    assert run("forecast", "gpqa-diamond", "--by", "price", "--json").exit_code == 0
    after = _cache(seeded)
    changed = {key for key in after if after[key] != before.get(key)}
    assert changed and all('"by": "price"' in spec for _, _, spec in changed), changed


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[:-100],  # a rebuild cut short
        lambda text: text + "<<<<<<< HEAD\n",  # a merge's conflict marker
        lambda text: text + "[1, 2]\n",
        # Cut short before its first line, or its header: its entries were skipped or
        # loaded without a word, and the first forecasts backtested unexplained.
        lambda text: "",
        lambda text: text.split("\n", 1)[1],
    ],
)
def test_init_with_a_damaged_shipped_cache_seeds_the_store_without_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, damage: Callable[[str], str]
):
    # It was an internal error (JSONDecodeError), exit 70, and no store.
    import trendlab.seeds

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ("benchmarks", "models", "aliases", "results", "prices"):
        shutil.copy(ROOT / "seeds" / f"{name}.csv", seeds)
    (seeds / FORECAST_CACHE).write_text(
        damage(SHIPPED.read_text(encoding="utf-8")), encoding="utf-8"
    )
    monkeypatch.setattr(trendlab.seeds, "resource_dir", lambda name: seeds)
    path = tmp_path / "fresh.duckdb"
    result = make_runner(path)("init")
    assert result.exit_code == 0, result.stderr
    # Every seed result, as the CSV holds them (it was "results: 1" in, which any count
    # starting with 1 met).
    with (seeds / "results.csv").open(encoding="utf-8", newline="") as rows:
        n = sum(1 for _ in csv.DictReader(rows))
    assert f"; results: {n} added;" in result.stderr, result.stderr
    assert result.stderr.startswith(
        "the shipped forecast cache (forecast_cache.jsonl) is damaged and was not "
        "loaded: the first forecasts compute their own backtests\n"
    )
    assert _cache(path) == {}


def test_init_loads_no_cache_into_a_store_that_held_records(tmp_path: Path):
    run = make_runner(tmp_path / "used.duckdb")
    assert run("init", "--empty").exit_code == 0
    # Its own gpt-4, released a year later than the seeds say: the seeds leave it be,
    # so the seeded benchmarks' data is not what the shipped cache was computed from.
    added = run("add-model", "gpt-4", "--release-date", "2024-03-14", "-m", "mine")
    assert added.exit_code == 0, added.stderr
    assert run("init").exit_code == 0
    assert _cache(tmp_path / "used.duckdb") == {}


def test_init_leaves_out_a_benchmark_changed_after_the_seeding(tmp_path: Path):
    # On a team store another member may write between the seeding's commit and the
    # cache load: a benchmark whose data moved on must compute its own forecasts.
    from trendlab.db import Store
    from trendlab.seeds import load_forecast_cache

    path = tmp_path / "raced.duckdb"
    run = make_runner(path)
    assert run("init").exit_code == 0
    with duckdb.connect(str(path)) as con:
        (seeded,) = con.execute("SELECT id FROM changesets").fetchone() or ("",)
        con.execute("DELETE FROM forecast_cache")
    assert run("add-model", "newcomer", "--release-date", "2025-12-01", "-m", "t").exit_code == 0
    assert run("add-result", "newcomer", "math", "99.0", "-m", "a new best").exit_code == 0
    with Store.open(str(path), read_only=False) as store:
        load_forecast_cache(store, seeded)
    cache = _cache(path)
    assert {benchmark for _, benchmark, _ in cache} == {
        e["benchmark"] for e in read_forecast_cache(SHIPPED.read_text(encoding="utf-8"))
    } - {"math"}
    assert {version.partition("+")[0] for version in cache.values()} == {seeded}
