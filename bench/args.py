"""Command-line arguments shared by the bench scripts: errors in one line, as trendlab's."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from typing import NoReturn


class Parser(argparse.ArgumentParser):
    """argparse whose errors are one line, `SCRIPT: error: ...`, exit status 2 (argparse
    prints its usage above the error, which buries it under a run's other output)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")

    def fail(self, message: str) -> NoReturn:
        """Stop on a problem found after parsing (an unknown benchmark), exit status 1."""
        sys.exit(f"{self.prog}: error: {message}")


def whole(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` (up to `high`)."""

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < low or (high is not None and value > high):
            within = f"at least {low}" if high is None else f"from {low} to {high}"
            raise argparse.ArgumentTypeError(f"must be {within}, not {value}")
        return value

    return convert


def number(low: float, high: float | None = None) -> Callable[[str], float]:
    """An argparse type: a finite number from `low` (up to `high`)."""

    def convert(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not math.isfinite(value) or value < low or (high is not None and value > high):
            within = f"at least {low:g}" if high is None else f"from {low:g} to {high:g}"
            raise argparse.ArgumentTypeError(f"must be {within}, not {text}")
        return value

    return convert
