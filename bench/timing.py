"""Setup shared by the bench scripts that time whole trendlab processes."""

from __future__ import annotations

import compileall
import sys
from pathlib import Path


def compile_bytecode() -> None:
    """Compile trendlab's modules, as `pip install` does for an installed package.

    From a checkout installed with -e and under PYTHONDONTWRITEBYTECODE, every process
    would compile them again (about 0.2 s on this machine) and the timings would
    measure that instead of trendlab.
    """
    import trendlab

    compileall.compile_dir(Path(trendlab.__file__).parent, quiet=1)


def trendlab_command() -> list[str]:
    """The trendlab command of the Python running the bench: its console script, as a
    user runs it, else `python -m trendlab`.

    Not `trendlab` on PATH: with the environment not activated that is missing, or
    another install's, which the bench would then time instead.
    """
    script = Path(sys.executable).with_name("trendlab")
    return [str(script)] if script.exists() else [sys.executable, "-m", "trendlab"]
