"""trendlab: a versioned database of AI progress with bounded, backtested forecasts."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # __version__ is read from the installed metadata when asked for, not at import:
    # that read costs more than a short command's own work.
    if name != "__version__":
        raise AttributeError(f"module 'trendlab' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("trendlab")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"
