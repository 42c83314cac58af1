"""The nearest names to a mistyped one, for "did you mean" hints."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def _overlaps(needle: str, name: str) -> bool:
    # One name inside the other (gpt-4 in gpt-4-0613) counts only when the shorter is
    # a real part of the longer: a one-letter slug is inside almost every typo.
    short, long_ = sorted((needle, name), key=len)
    return len(short) >= 3 and 2 * len(short) >= len(long_) and short in long_


def nearest(value: str, names: Iterable[str], n: int = 3) -> list[str]:
    """Up to `n` of `names` closest to `value`, best first, case and surrounding spaces
    aside: similar spellings first, else names that contain it or that it contains."""
    lowered: dict[str, str] = {}
    for name in sorted(set(names)):
        lowered.setdefault(name.lower(), name)
    needle = value.strip().lower()
    if not needle:
        return []
    close = difflib.get_close_matches(needle, list(lowered), n=n, cutoff=0.6)
    if not close:
        close = [c for c in lowered if _overlaps(needle, c)][:n]
    return [lowered[c] for c in close]


def suggest(value: str, candidates: Iterable[object]) -> str:
    """' (did you mean 'x'?)' for the nearest candidate, or ''."""
    close = nearest(value, [str(c) for c in candidates], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
