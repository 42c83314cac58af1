"""The nearest names to a mistyped one, for "did you mean" hints."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from trendlab.text import matched_form


def _overlaps(needle: str, name: str) -> bool:
    # One name inside the other (gpt-4 in gpt-4-0613) counts only when the shorter is
    # a real part of the longer: a one-letter slug is inside almost every typo.
    short, long_ = sorted((needle, name), key=len)
    if len(short) < 3:
        return False
    # Or its first words, however long the rest: gpqa for gpqa-diamond, a short name.
    if len(long_) > len(short) and long_.startswith(short) and long_[len(short)] in "-._ /":
        return True
    return 2 * len(short) >= len(long_) and short in long_


def nearest(
    value: str, names: Iterable[str], n: int = 3, *, cutoff: float = 0.6, overlapping: bool = True
) -> list[str]:
    """Up to `n` of `names` closest to `value`, best first, case, surrounding spaces and
    Unicode form aside (as names match: see text.matched_form): spellings similar by at
    least `cutoff` (difflib's ratio) first, else (with `overlapping`) names that contain
    it or that it contains."""
    lowered: dict[str, str] = {}
    for name in sorted(set(names)):
        form = matched_form(name)
        # Of names matching alike, the one written in that form: a slug is, and an
        # alias in its capitals (GPT-4 of gpt-4) took its place in every suggestion.
        if form not in lowered or name == form:
            lowered[form] = name
    # A typo in full-width letters (ｇｐｔ-4x) is as near gpt-4 as one typed plainly: as
    # typed, no letter of it matched, and it had no suggestion.
    needle = matched_form(value)
    if not needle:
        return []
    close = difflib.get_close_matches(needle, list(lowered), n=n, cutoff=cutoff)
    if not close and overlapping:
        close = [c for c in lowered if _overlaps(needle, c)][:n]
    return [lowered[c] for c in close]


def suggest(value: str, candidates: Iterable[object]) -> str:
    """' (did you mean 'x'?)' for the nearest candidate, or ''."""
    close = nearest(value, [str(c) for c in candidates], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
