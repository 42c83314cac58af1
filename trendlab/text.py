"""Text rules shared by validation, the store and the command line: ISO days, slugs,
control characters shown escaped.

Kept apart from trendlab.validate so that reading the store needs no Polars.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

DATE_RE = r"^\d{4}-\d{2}-\d{2}$"  # ISO days only: fromisoformat also takes 20240101
# A whole number as the user must write it: Python's int() also reads 6_0 as 60, and
# other scripts' digits (full-width ６) as ours, a typo or a paste taken for a number.
DIGITS_RE = r"[0-9]+"
# A decimal number so written (float() reads 8_0 and ８０ alike): 80, -1.5, .5, 1e27.
NUMBER_RE = r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"


def fold(text: str) -> str:
    """A name as names compare: compatibility forms and accents dropped, case folded
    (Zürich and ZURICH, or one name in NFC and NFD, fold alike)."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).casefold()


def slugify(text: str) -> str:
    """A slug for a name: lowercase, accents dropped (Zürich -> zurich), runs of other
    characters become '-'. Letters or digits a slug cannot hold (深度求索, Яндекс), or
    none at all, add a hash of the name, so that no two names share a slug for what
    they lose."""
    plain = fold(text)
    slug = re.sub(r"[^a-z0-9._]+", "-", plain).strip("-._")
    if slug and not any(c.isalnum() and not c.isascii() for c in plain):
        return slug[:100].rstrip("-._")
    # Of the folded form: ЯНДЕКС and Яндекс, or one name in NFC and NFD, are one name.
    digest = hashlib.blake2b(plain.encode(), digest_size=5).hexdigest()
    return f"{slug[:88].rstrip('-._')}-{digest}" if slug else f"n-{digest}"


# Control characters and line separators, each as its Python escape (\n, \x00): what
# a one-line error or a table cell shows of them, so that none can break a line or
# move a column (a newline inside a quoted CSV field, a NUL byte, a tab).
CONTROL_ESCAPES = {
    c: repr(chr(c))[1:-1] for c in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)
}
# The same characters as a regular expression (Polars' syntax): Cc is C0, DEL and C1.
CONTROL_RE = r"[\p{Cc}\p{Zl}\p{Zp}]"


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'1 row', '2 rows': a count and its noun in agreement (`plural` when not noun+s)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
