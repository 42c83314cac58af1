"""Text rules shared by validation, the store and the command line: ISO days, slugs.

Kept apart from trendlab.validate so that reading the store needs no Polars.
"""

from __future__ import annotations

import re

DATE_RE = r"^\d{4}-\d{2}-\d{2}$"  # ISO days only: fromisoformat also takes 20240101


def slugify(text: str) -> str:
    """A slug for a name: lowercase, runs of other characters become '-'."""
    slug = re.sub(r"[^a-z0-9._]+", "-", text.lower()).strip("-._")
    return slug[:100].rstrip("-._") or "unnamed"
