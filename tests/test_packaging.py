"""The wheel carries schema/, seeds/ and queries/ and works from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
    )
    (built,) = out.glob("trendlab-*.whl")
    return built


def test_wheel_contains_the_data_folders(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("schema", "seeds", "queries"):
        shipped = {n for n in names if n.startswith(f"trendlab/_data/{folder}/")}
        on_disk = {
            f"trendlab/_data/{p.relative_to(ROOT).as_posix()}"
            for p in (ROOT / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }
        assert on_disk <= shipped, on_disk - shipped
    assert "trendlab/py.typed" in names


@pytest.mark.slow(seconds=180)
def test_fresh_venv_install_runs_from_another_directory(wheel: Path, tmp_path: Path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TRENDLAB_DB")}
    trendlab = str(venv / "bin" / "trendlab")
    init = subprocess.run(
        [trendlab, "init"], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert init.returncode == 0, init.stderr
    assert (elsewhere / "trendlab.duckdb").exists()
    frontier = subprocess.run(
        [trendlab, "query", "frontier", "--param", "benchmark=math", "--csv"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert frontier.returncode == 0, frontier.stderr
    assert "minerva-540b,50.3" in frontier.stdout
    # The installed wheel's init loads the forecast cache shipped with the seeds.
    cached = subprocess.run(
        [trendlab, "query", "SELECT count(*) AS n FROM forecast_cache", "--csv"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert cached.returncode == 0, cached.stderr
    assert int(cached.stdout.splitlines()[1]) > 100
    version = subprocess.run([trendlab, "--version"], capture_output=True, text=True, env=env)
    assert version.returncode == 0 and version.stdout.startswith("trendlab, version "), version
