"""Text rules shared by validation, the store and the command line: ISO days, slugs,
control characters shown escaped.

Kept apart from trendlab.validate so that reading the store needs no Polars.
"""

from __future__ import annotations

import re

DATE_RE = r"^\d{4}-\d{2}-\d{2}$"  # ISO days only: fromisoformat also takes 20240101


def slugify(text: str) -> str:
    """A slug for a name: lowercase, runs of other characters become '-'."""
    slug = re.sub(r"[^a-z0-9._]+", "-", text.lower()).strip("-._")
    return slug[:100].rstrip("-._") or "unnamed"


# Control characters and line separators, each as its Python escape (\n, \x00): what
# a one-line error or a table cell shows of them, so that none can break a line or
# move a column (a newline inside a quoted CSV field, a NUL byte, a tab).
CONTROL_ESCAPES = {
    c: repr(chr(c))[1:-1] for c in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)
}
