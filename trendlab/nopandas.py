"""Keep DuckDB from importing pandas, which trendlab never needs (see pandas_hidden)."""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class _NoPandas(importlib.abc.MetaPathFinder):
    """Makes `import pandas` fail as if pandas were not installed."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is hidden while DuckDB runs a statement (see pandas_hidden)")
        return None


@contextmanager
def pandas_hidden() -> Iterator[None]:
    """Hide pandas from DuckDB while it binds parameters or scans a registered frame.

    DuckDB 1.4 imports pandas to inspect every bound Python value, and the pyarrow
    dataset module it scans a registered Arrow table through imports pandas too: 0.4-0.7
    s here, more than most commands. trendlab binds only plain values (str, numbers,
    dates, lists of them) and registers only Arrow tables and Polars frames, so neither
    needs it. Only an import that has not happened yet is hidden, and only for the
    duration of the call. A finder that raises ImportError, not a None in sys.modules:
    pyarrow reads sys.modules directly and fails on a None.
    """
    if "pandas" in sys.modules:
        yield
        return
    finder = _NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
