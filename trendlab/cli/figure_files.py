"""A command's --plot figure: drawn before its output, written after it.

Drawn first, as a figure that cannot be drawn fails the command; written last, as an
output that could not be written (a full disk, an -o path refused) fails it too, and
must not leave behind the figure of a result never shown.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from trendlab.cli.options import note


def laid_out(draw: Callable[[IO[Any], str], None], path: str) -> bytes:
    """The figure `draw(target, fmt)` makes, in the format `path`'s suffix names, as
    bytes not yet written."""
    drawn = io.BytesIO()
    draw(drawn, Path(path).suffix.lower().lstrip("."))
    return drawn.getvalue()


def write_figure(data: bytes, path: str) -> None:
    """A figure laid out (laid_out) written to `path`, and a note saying so."""
    from trendlab.render import write_bytes

    write_bytes(data, path)
    note(f"wrote {path}")


@contextmanager
def written_after(figure: bytes | None, path: str | None) -> Iterator[None]:
    """Write `figure` to `path` once the block (the command's output) has succeeded; no
    figure, nothing. A reader gone (`| head`) ends the output quietly, a success, so the
    figure is written then too."""
    try:
        yield
    except BrokenPipeError:
        if figure is not None and path is not None:
            write_figure(figure, path)
        raise
    if figure is not None and path is not None:
        write_figure(figure, path)
